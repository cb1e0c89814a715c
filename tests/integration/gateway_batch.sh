#!/usr/bin/env bash
# gateway_batch.sh - `benchagent batch` against ba-testserver: killed with
# kill -9 mid-run, then resumed. Nothing completed is lost or re-sent,
# every custom_id ends up exactly once, failures are reported and retried
# on the next run, and `benchagent cost` sees the spend.
set -euo pipefail

: "${BA:?}" "${BA_BINARY_DIR:?}"
. "$(dirname "$0")/lib/common.sh"
scratch
. "$(dirname "$0")/lib/testserver.sh"

cat >"$tmp/rules.json" <<'EOF'
{"rules": [
  {"when": {"body_contains": "line-bad"}, "replies": [{"status": 400, "error": "unsupported parameter"}]},
  {"when": {"body_contains": "line-flaky"}, "replies": [{"status": 503}, {"content": "recovered", "delay_ms": 100}]},
  {"when": {"body_contains": "line-escape"}, "replies": [{"content": "a \"quoted\"\nline\t\u0001 \\ end"}]}
], "default": {"content": "answer", "delay_ms": 100, "usage": {"prompt_tokens": 100, "completion_tokens": 10}}}
EOF
start_server "$tmp/rules.json"

ws="$tmp/ws"
workspace -p "max_concurrency: 8
price_input: 1.0
price_output: 2.0" -g "retry_base_ms: 10
max_retries: 3" "$ws"

n=200
for i in $(seq $n); do
	printf '{"custom_id":"req-%d","method":"POST","url":"/v1/chat/completions","body":{"model":"test-model","messages":[{"role":"user","content":"question %d"}]}}\n' "$i" "$i"
done >"$tmp/in.jsonl"
echo '{"custom_id":"req-flaky","method":"POST","url":"/v1/chat/completions","body":{"model":"test-model","messages":[{"role":"user","content":"line-flaky"}]}}' >>"$tmp/in.jsonl"
echo '{"custom_id":"req-bad","method":"POST","url":"/v1/chat/completions","body":{"model":"test-model","messages":[{"role":"user","content":"line-bad"}]}}' >>"$tmp/in.jsonl"
echo '{"custom_id":"req-\"escape\"","method":"POST","url":"/v1/chat/completions","body":{"model":"test-model","messages":[{"role":"user","content":"line-escape"}]}}' >>"$tmp/in.jsonl"
total=$((n + 3))
out="$tmp/out.jsonl"

# 1. start, kill -9 in the middle
"$BA" --workspace "$ws" -q batch "$tmp/in.jsonl" -o "$out" & bpid=$!
sleep 1.2
kill -9 "$bpid" 2>/dev/null || true
wait "$bpid" 2>/dev/null || true
done_ok=$(grep -c '"error":null}$' "$out" || true)
sent1=$(requests)
echo "after kill -9: $done_ok lines complete, $sent1 requests sent"
[ "$done_ok" -gt 0 ] || fail "nothing completed before the kill (too fast a machine?)"
[ "$done_ok" -lt "$total" ] || fail "everything completed before the kill"

# 2. resume: completed lines are not sent again
set +e
"$BA" --workspace "$ws" -q batch "$tmp/in.jsonl" -o "$out" 2>"$tmp/err2"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "expected exit 1 (one bad line), got $rc: $(cat "$tmp/err2")"
grep -q "req-bad" "$tmp/err2" || fail "the failure summary does not name the failed line"
sent2=$(requests)
need=$((total - done_ok))
# each remaining line at most once, plus one retry of the flaky line
[ $((sent2 - sent1)) -le $((need + 1)) ] || fail "resume sent $((sent2 - sent1)) requests for $need remaining lines"
lines=$(wc -l <"$out")
[ "$lines" -eq "$total" ] || fail "output has $lines lines, expected $total"
dups=$(grep -o '"custom_id":"[^"]*"' "$out" | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "duplicate custom_ids in the output"
ok=$(grep -c '"error":null}$' "$out")
[ "$ok" -eq $((total - 1)) ] || fail "expected $((total - 1)) ok lines, got $ok"
grep '"custom_id":"req-bad"' "$out" | grep -q 'unsupported parameter' || fail "the bad line's error lacks the server message"
grep '"custom_id":"req-flaky"' "$out" | grep -q 'recovered' || fail "the flaky line was not retried to success"
grep '"custom_id":"req-7"' "$out" | grep -q '"status_code":200' || fail "no status_code 200"
# output lines are JSON with escaped strings (quotes, newline, tab, control characters, backslash)
printf '%s' '"custom_id":"req-\"escape\"",' >"$tmp/want1"
printf '%s' '"content":"a \"quoted\"\nline\t\u0001 \\ end"' >"$tmp/want2"
grep -qF -f "$tmp/want1" "$out" || fail "custom_id not escaped: $(grep escape "$out")"
grep -qF -f "$tmp/want2" "$out" || fail "content not escaped: $(grep escape "$out")"

# 3. a third run sends only the failed line again, keeps one line per id
set +e
"$BA" --workspace "$ws" -q batch "$tmp/in.jsonl" -o "$out" 2>/dev/null
set -e
sent3=$(requests)
[ $((sent3 - sent2)) -eq 1 ] || fail "third run sent $((sent3 - sent2)) requests, expected 1 (the bad line)"
lines=$(wc -l <"$out")
[ "$lines" -eq "$total" ] || fail "output has $lines lines after the third run"

# 4. --no-cache with a fresh output file sends everything again
"$BA" --workspace "$ws" -q --no-cache batch "$tmp/in.jsonl" -o "$tmp/out2.jsonl" 2>/dev/null || true
sent4=$(requests)
[ $((sent4 - sent3)) -ge "$total" ] || fail "--no-cache did not resend"

# 5. the same file without --no-cache and a fresh output: all from the cache
"$BA" --workspace "$ws" -q batch "$tmp/in.jsonl" -o "$tmp/out3.jsonl" 2>/dev/null || true
sent5=$(requests)
[ $((sent5 - sent4)) -eq 1 ] || fail "cached lines were sent again ($((sent5 - sent4)) requests)"

# 6. cost sees spend and savings
"$BA" --workspace "$ws" --json cost >"$tmp/cost.json"
grep -q '"hits":' "$tmp/cost.json" || fail "cost --json lacks cache hits"
"$BA" --workspace "$ws" cost | grep -q "served from the cache" || fail "cost text output"
"$BA" --workspace "$ws" cost | grep -q "local/test-model" || fail "cost by model lacks local/test-model"

# 7. bad input is reported with file and line, nothing sent
echo '{"custom_id": 5}' >"$tmp/bad.jsonl"
set +e
"$BA" --workspace "$ws" -q batch "$tmp/bad.jsonl" -o "$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "bad input accepted"
grep -q "bad.jsonl:1: custom_id" "$tmp/bad.err" || fail "bad input error does not name file:line: $(cat "$tmp/bad.err")"
# 8. --dry-run: every line answered (mock), nothing sent, the estimate reported
before=$(requests)
"$BA" --workspace "$ws" --dry-run --json batch "$tmp/in.jsonl" -o "$tmp/dry.jsonl" >"$tmp/dry.json" 2>/dev/null || fail "dry run failed"
[ "$(requests)" -eq "$before" ] || fail "dry run sent requests"
[ "$(wc -l <"$tmp/dry.jsonl")" -eq "$total" ] || fail "dry run did not answer every line"
grep -q '"dry_run":true' "$tmp/dry.json" || fail "dry run summary: $(cat "$tmp/dry.json")"
grep -q '"sent":0' "$tmp/dry.json" || fail "dry run reports sent calls"
grep -Eq '"cost_usd":0\.[0-9]*[1-9]' "$tmp/dry.json" || fail "dry run has no cost estimate: $(cat "$tmp/dry.json")"
echo "gateway_batch: ok"
