#!/usr/bin/env bash
# gateway_chat.sh - `benchagent chat` against ba-testserver and the mock:
# the reply is printed, a repeat comes from the cache (not re-sent),
# --dry-run sends nothing, --json-mode returns JSON, a server error is one
# clear line, and the API key never reaches output or the database.
set -euo pipefail

: "${BA:?}" "${BA_BINARY_DIR:?}"
. "$(dirname "$0")/lib/common.sh"
scratch
. "$(dirname "$0")/lib/testserver.sh"

cat >"$tmp/rules.json" <<'EOF'
{"rules": [
  {"when": {"body_contains": "json_object"}, "replies": [{"json": {"primes": [2, 3, 5]}}]},
  {"when": {"body_contains": "forbidden"}, "replies": [{"status": 403, "error": "no access", "echo_auth": true}]}
], "default": {"content": "The capital of France is Paris."}}
EOF
start_server "$tmp/rules.json"

ws="$tmp/ws"
workspace -p "api_key_env: BA_CHAT_TEST_KEY
price_input: 2.5
price_output: 10" -g "" "$ws"
export BA_CHAT_TEST_KEY="sk-chat-VERYSECRET-42"

out=$("$BA" --workspace "$ws" -q chat "What is the capital of France?")
[ "$out" = "The capital of France is Paris." ] || fail "unexpected reply: $out"
[ "$(requests)" -eq 1 ] || fail "expected 1 request"
"$BA" --workspace "$ws" --json chat "What is the capital of France?" | grep -q '"cached":true' || fail "repeat not cached"
[ "$(requests)" -eq 1 ] || fail "cached call was re-sent"

"$BA" --workspace "$ws" --json chat --json-mode "three primes" | grep -q '"primes":\[2,3,5\]' || fail "json mode"
[ "$(requests)" -eq 2 ] || fail "expected 2 requests"

est=$("$BA" --workspace "$ws" --dry-run chat "a question never asked before" 2>&1 >/dev/null)
echo "$est" | grep -q "estimated" || fail "dry run does not say it is an estimate: $est"
[ "$(requests)" -eq 2 ] || fail "dry run sent a request"

set +e
err=$("$BA" --workspace "$ws" chat "forbidden fruit" 2>&1 >/dev/null)
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "expected exit 1 on HTTP 403, got $rc"
echo "$err" | grep -q "HTTP 403: no access" || fail "error lacks the server message: $err"
[ "$(echo "$err" | wc -l)" -eq 1 ] || fail "error is not one line: $err"
echo "$err" | grep -q "VERYSECRET" && fail "API key leaked into the error"

"$BA" --workspace "$ws" --provider mock chat "hi" | grep -q "Mock reply" || fail "--provider mock"
"$BA" --workspace "$ws" chat --model mock/mock "hi" | grep -q "Mock reply" || fail "--model mock/mock"

if grep -rq "VERYSECRET" "$ws/.benchagent"; then fail "API key found in the workspace"; fi
"$BA" --workspace "$ws" cost | grep -q "spend: \$0.0" || fail "cost output"
echo "gateway_chat: ok"
