#!/usr/bin/env bash
# Provider batch APIs (--batch-api) end to end against ba-testserver's
# OpenAI Files/Batches and Anthropic Message Batches: a batch eval equals
# the direct eval and costs half; a rerun sends nothing; kill -9 while a
# batch is pending, then rerun: one batch created in all; a partly failed
# batch resubmits only the failures; an expired batch resubmits only what
# did not run; Anthropic batches likewise.
set -u
. "$(dirname "$0")/lib/common.sh"
command -v jq >/dev/null && command -v sqlite3 >/dev/null || { echo "needs jq and sqlite3"; exit 1; }

scratch
. "$(dirname "$0")/lib/testserver.sh"
cd "$tmp" || exit 1

# ---- a benchmark of 40 generator items ----
mkdir -p bench/out/gb
"$BA" --seed 21 gen sample linear_equations --difficulty 2 -n 60 |
  jq -c '{id: ("lin-" + (input_line_number|tostring)), subtask: "lin"} + .' |
  jq -c -s 'unique_by(.question) | .[:40] | sort_by(.id) | .[]' > bench/out/gb/items.jsonl
printf '{"id": "gb", "name": "batch bench"}\n' > bench/out/gb/manifest.json
n=$(wc -l < bench/out/gb/items.jsonl)
check "40 distinct items" test "$n" -eq 40
jq -s '{items: map({match: .question, answer: .answer, wrong: (.answer + "1")})}' bench/out/gb/items.jsonl > key.json
q() { jq -r ".question" bench/out/gb/items.jsonl | sed -n "${1}p" | cut -c1-40; }
# flaky: three questions fail once (HTTP 500), then answer
cat > rules.json <<J
{"rules": [
  {"when": {"model": "flaky", "body_contains": $(q 3 | jq -R .)}, "replies": [{"status": 500, "error": "overloaded"}, {"examinee": {"skill": 0.6, "key": "key.json"}}]},
  {"when": {"model": "flaky", "body_contains": $(q 7 | jq -R .)}, "replies": [{"status": 500, "error": "overloaded"}, {"examinee": {"skill": 0.6, "key": "key.json"}}]},
  {"when": {"model": "flaky", "body_contains": $(q 9 | jq -R .)}, "replies": [{"status": 503, "error": "busy"}, {"examinee": {"skill": 0.6, "key": "key.json"}}]},
  {"when": {"model": "mid"}, "replies": [{"examinee": {"skill": 0.6, "key": "key.json"}}]},
  {"when": {"model": "claude-mid"}, "replies": [{"examinee": {"skill": 0.5, "key": "key.json"}}]},
  {"when": {"model": "flaky"}, "replies": [{"examinee": {"skill": 0.6, "key": "key.json"}}]}
 ], "default": {"content": "I do not know."}, "batch": {"delay_ms": 1500}}
J
start_server rules.json

mkws() { # dir port
  mkdir -p "$1"; cp -r bench/out "$1/"
  cat > "$1/benchagent.yaml" <<Y
providers:
  - name: local
    protocol: openai
    base_url: http://127.0.0.1:$2/v1
    model: mid
    price_input: 1.0
    price_output: 2.0
  - name: anth
    protocol: anthropic
    base_url: http://127.0.0.1:$2
    model: claude-mid
    price_input: 3.0
    price_output: 15.0
roles:
  default: local/mid
gateway:
  retry_base_ms: 20
  batch_window_ms: 100
  batch_poll_s: 0.1
evaluation:
  resamples: 200
Y
}
scores() { sqlite3 "$1/.benchagent/state.db" "SELECT item || ':' || score FROM eval_results WHERE model = '$2' ORDER BY item"; }
spent() { sqlite3 "$1/.benchagent/state.db" "SELECT printf('%.9f', sum(cost)) FROM llm_calls"; }
nbatch() { stats "$port" | jq "[.batches[] | select(.protocol == \"$1\")] | length"; }

# ---- direct vs batch ----
mkws direct "$port"; mkws batched "$port"
"$BA" --workspace direct --json eval direct/out/gb --model local/mid > d.json 2> d.err
check "direct eval exits 0" test $? -eq 0
before=$(stats "$port" | jq .requests)
"$BA" --workspace batched --json --batch-api eval batched/out/gb --model local/mid > b.json 2> b.err
check "batch eval exits 0" test $? -eq 0; show_on_fail b.err
check "one OpenAI batch of n requests" test "$(stats "$port" | jq '[.batches[] | select(.protocol == "openai")] | map(.requests)')" = "$(jq -n "[$n]")"
check "batch eval: no direct chat request" test "$(stats "$port" | jq '.by_path["/v1/chat/completions"]')" -eq "$n"
check "batch accuracy = direct accuracy" test "$(jq .models[0].accuracy b.json)" = "$(jq .models[0].accuracy d.json)"
check "every item scored the same" test "$(scores batched local/mid)" = "$(scores direct local/mid)"
check "batch costs half the direct price" awk -v a="$(spent batched)" -v b="$(spent direct)" 'BEGIN { exit !(b > 0 && a > 0.499 * b && a < 0.501 * b) }'
check "batch recorded in the store" test "$(sqlite3 batched/.benchagent/state.db "SELECT count(*) || status FROM llm_batches")" = "1completed"
r0=$(stats "$port" | jq .requests)
"$BA" --workspace batched --json --batch-api eval batched/out/gb --model local/mid > b2.json 2> b2.err
check "rerun: nothing sent" test "$(stats "$port" | jq .requests)" -eq "$r0"
check "rerun: same result" test "$(jq .models[0].accuracy b2.json)" = "$(jq .models[0].accuracy b.json)"

# ---- kill -9 while the batch is pending ----
mkws killed "$port"
b0=$(nbatch openai)
"$BA" --workspace killed --batch-api eval killed/out/gb --model local/mid > k1.out 2>&1 & victim=$!
for i in $(seq 200); do
  [ "$(sqlite3 killed/.benchagent/state.db "SELECT count(*) FROM llm_batches" 2>/dev/null)" = 1 ] && break
  sleep 0.05
done
kill -9 "$victim"; wait "$victim" 2>/dev/null
check "killed while pending" test "$(sqlite3 killed/.benchagent/state.db "SELECT status FROM llm_batches")" != completed
"$BA" --workspace killed --json --batch-api eval killed/out/gb --model local/mid > k2.json 2> k2.err
check "rerun after kill -9 exits 0" test $? -eq 0; show_on_fail k2.err
check "one batch created in all" test "$(nbatch openai)" -eq $((b0 + 1))
check "rerun after kill -9 equals direct" test "$(scores killed local/mid)" = "$(scores direct local/mid)"

# ---- a partly failed batch resubmits only the failures ----
mkws flaky "$port"
b0=$(nbatch openai)
"$BA" --workspace flaky --json --batch-api eval flaky/out/gb --model local/flaky > f.json 2> f.err
check "flaky batch eval exits 0" test $? -eq 0; show_on_fail f.err
check "two batches: n, then the 3 failures" test "$(stats "$port" | jq -c "[.batches[] | select(.protocol == \"openai\")] | .[$b0:] | map(.requests)")" = "[$n,3]"
check "every flaky item answered" test "$(jq '.models[0].missing // 0' f.json)" -eq 0

# ---- Anthropic Message Batches (another model: the cache key has no provider) ----
"$BA" --workspace direct --json eval direct/out/gb --model anth/claude-mid > ad.json 2> ad.err
"$BA" --workspace batched --json --batch-api eval batched/out/gb --model anth/claude-mid > ab.json 2> ab.err
check "anthropic batch eval exits 0" test $? -eq 0; show_on_fail ab.err
check "one Anthropic batch of n" test "$(stats "$port" | jq -c '[.batches[] | select(.protocol == "anthropic")] | map(.requests)')" = "[$n]"
check "anthropic batch equals direct" test "$(scores batched anth/claude-mid)" = "$(scores direct anth/claude-mid)"

# ---- an expired batch resubmits only what did not run ----
jq '.batch = {"delay_ms": 200, "expire": [1]}' rules.json > rules2.json
add_server rules2.json port2
mkws expired "$port2"
"$BA" --workspace expired --json --batch-api eval expired/out/gb --model local/mid > e.json 2> e.err
check "expired batch eval exits 0" test $? -eq 0; show_on_fail e.err
check "expired: the unrun half resubmitted" test "$(stats "$port2" | jq -c '.batches | map(.requests)')" = "[$n,$((n - n / 2))]"
check "expired: results equal direct" test "$(scores expired local/mid)" = "$(scores direct local/mid)"

finish
