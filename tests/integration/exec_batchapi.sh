#!/usr/bin/env bash
# --batch-api beyond eval: the build's execution (step lists, LLM tools),
# verification (probes, inspector) and `audit` go through ba-testserver's
# OpenAI Batch API. Every unit stops at a call that is not answered yet,
# the stage sends all such calls as one batch (a round), waits, and the
# units go on:
#  1. a batch build equals the direct build (same items), sends no direct
#     chat request, one batch per stage round, each batch one request per
#     unit, the calls the direct build sent and no more, at half the price;
#     a rerun sends nothing; with --no-cache the same five batches;
#  2. kill -9 while a batch is pending, then rerun: the pending batch is
#     polled, never submitted again (batches in all = a clean run's);
#  3. the same through the work queue (execution.queue: true);
#  4. gateway.batch_roles: inspect batches only the verifier's calls;
#  5. audit --batch-api equals the direct audit, in one batch.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
command -v jq >/dev/null && command -v sqlite3 >/dev/null || { echo "needs jq and sqlite3"; exit 1; }
scratch
. "$(dirname "$0")/lib/testserver.sh"
. "$(dirname "$0")/lib/judge.sh"
victim=
at_exit '[ -n "$victim" ] && kill -9 "$victim" 2>/dev/null'
OUT=out/causal_queue_v1
N=12

# a plan of 12 dataset units: an LLM tool (context_construction) and a pure one
jq --argjson n $N '.query.target_size = $n | .quotas[0].count = $n
  | .groundings[0].transformation = [{tool: "context_construction", purpose: "a short scene for the case"},
                                     {tool: "choice_shuffle", purpose: "st1 positions balanced"}]' \
  "$BA_SOURCE_DIR/tests/data/exec/plan_queue.json" > "$tmp/plan.json"
# one reply per prompt (the same whatever order the calls come in); the judge scores by item
jq -n --argjson j40 "$(judge_reply 40)" --argjson j90 "$(judge_reply 90)" --argjson j70 "$(judge_reply 70)" '{rules: [
 {when: {body_contains: "You plan how one source sample"},
  replies: [{json: {steps: [{tool: "context_construction", args: {}}, {tool: "choice_shuffle", args: {}}]}}]},
 {when: {body_contains: "a short scene for the case"}, replies: [{json: {context: "Read the situation as it is told; nothing else is known."}}]},
 {when: {body_contains: "strict benchmark item inspector"},
  replies: [{json: {answerable_without_input: false, answer_correct: true, answer_hinted: false, ambiguous: false, verdict: "pass", reason: "fine"}}]},
 {when: {body_contains: "You are an examinee shown only part"},
  replies: [{json: {answer: "", confident: false, reason: "nothing singles out an option"}}]},
 {when: {model: "judge-m", body_contains: "causal_queue_v1-0001"}, replies: [{json: $j40}]},
 {when: {model: "judge-m", body_contains: "causal_queue_v1-0002"}, replies: [{json: $j90}]},
 {when: {model: "judge-m"}, replies: [{json: $j70}]}],
 default: {content: "The answer is A"}, batch: {delay_ms: 300}}' > "$tmp/rules.json"
start_server "$tmp/rules.json"
nbatch() { stats | jq '.batches | length'; }
YAML='  batch_window_ms: 50
  batch_poll_s: 0.1
execution:
  workers: 4'
mkws() { workspace -p "price_input: 1.0
price_output: 2.0" "$1" "$YAML
${2:-}"; }
spent() { sqlite3 "$1/.benchagent/state.db" "SELECT printf('%.9f', sum(cost)) FROM llm_calls"; }
man() { jq "$2" "$1/$OUT/manifest.json"; }
chat() { stats | jq '.by_path["/v1/chat/completions"] // 0'; }

# ---- 1. direct, then batched ----
mkws "$tmp/d"
"$BA" --workspace "$tmp/d" -q build "$tmp/plan.json" > /dev/null 2> "$tmp/d.err"
check "direct build" test -s "$tmp/d/$OUT/items.jsonl"; show_on_fail "$tmp/d.err"
check "direct build: $N items" test "$(wc -l < "$tmp/d/$OUT/items.jsonl")" -eq $N
calls=$(chat)
# per unit: step list, the tool, two probes (options only; blind: the item has a context), the inspector
check "direct build: 5 calls per unit" test "$calls" -eq $((5 * N))
mkws "$tmp/b"
"$BA" --workspace "$tmp/b" -q --batch-api build "$tmp/plan.json" > /dev/null 2> "$tmp/b.err"
check "batch build exits 0" test $? -eq 0; show_on_fail "$tmp/b.err"
check "batch build: items equal the direct build" cmp -s "$tmp/d/$OUT/items.jsonl" "$tmp/b/$OUT/items.jsonl"
check "batch build: no direct chat request" test "$(chat)" -eq "$calls"
rounds=$(man "$tmp/b" .executor.batch_rounds)
echo "# batch build: $rounds rounds, batches $(stats | jq -c '.batches | map(.requests)')"
check "batch build: one batch per stage round" test "$(nbatch)" -eq "$rounds" -a "$(man "$tmp/b" .executor.batches)" -eq "$rounds"
check "batch build: five rounds (steps, tool, two probes, inspector)" test "$rounds" -eq 5
check "batch build: every batch holds one request per unit" test "$(stats | jq "[.batches[].requests] | all(. == $N)")" = true
check "batch build: the direct build's calls, no more" test "$(stats | jq '[.batches[].requests] | add')" -eq "$calls"
check "batch build: recorded in the store" test "$(sqlite3 "$tmp/b/.benchagent/state.db" "SELECT count(*) || ' ' || min(status) FROM llm_batches")" = "5 completed"
check "batch build: half the direct price" awk -v a="$(spent "$tmp/b")" -v b="$(spent "$tmp/d")" 'BEGIN { exit !(b > 0 && a > 0.499 * b && a < 0.501 * b) }'
r0=$(stats | jq .requests)
"$BA" --workspace "$tmp/b" -q --batch-api build "$tmp/plan.json" > /dev/null 2>&1
check "batch rebuild: nothing sent" test "$(stats | jq .requests)" -eq "$r0"
check "batch rebuild: same items" cmp -s "$tmp/d/$OUT/items.jsonl" "$tmp/b/$OUT/items.jsonl"
# --no-cache: a round's answers are still read back (from this process's rounds), not asked again
mkws "$tmp/n"
b0=$(nbatch)
timeout 300 "$BA" --workspace "$tmp/n" -q --no-cache --batch-api build "$tmp/plan.json" > /dev/null 2> "$tmp/n.err"
check "no-cache batch build exits 0" test $? -eq 0; show_on_fail "$tmp/n.err"
check "no-cache batch build: items equal the direct build" cmp -s "$tmp/d/$OUT/items.jsonl" "$tmp/n/$OUT/items.jsonl"
check "no-cache batch build: five more batches, no more" test "$(nbatch)" -eq $((b0 + 5))

# ---- 2. kill -9 while a batch is pending (the third round), then rerun ----
jq '.batch.delay_ms = 4000' "$tmp/rules.json" > "$tmp/rules_slow.json"
start_server "$tmp/rules_slow.json"
mkws "$tmp/k"
"$BA" --workspace "$tmp/k" -q --batch-api build "$tmp/plan.json" > "$tmp/k1.out" 2>&1 & victim=$!
for i in $(seq 400); do
  [ "$(sqlite3 "$tmp/k/.benchagent/state.db" "SELECT count(*) FROM llm_batches" 2>/dev/null)" = 3 ] && break
  sleep 0.05
done
kill -9 "$victim"; wait "$victim" 2>/dev/null; victim=
check "kill: the third batch was pending" test "$(sqlite3 "$tmp/k/.benchagent/state.db" "SELECT count(*) FROM llm_batches WHERE status = 'completed'")" -le 2 -a "$(nbatch)" -eq 3
sed -i "s|127.0.0.1:[0-9]*/v1|127.0.0.1:$port/v1|" "$tmp/k/benchagent.yaml"
"$BA" --workspace "$tmp/k" -v --batch-api build "$tmp/plan.json" > /dev/null 2> "$tmp/k2.err"
check "kill: rerun exits 0" test $? -eq 0; show_on_fail "$tmp/k2.err"
check "kill: the rerun polled the pending batch" grep -q "polling batch .* from an earlier run" "$tmp/k2.err"
check "kill: five batches in all, none submitted twice" test "$(nbatch)" -eq 5 -a "$(stats | jq '[.batches[].requests] | add')" -eq "$calls"
check "kill: items equal the direct build" cmp -s "$tmp/d/$OUT/items.jsonl" "$tmp/k/$OUT/items.jsonl"

# ---- 3. through the work queue ----
start_server "$tmp/rules.json"
mkws "$tmp/q" "  queue: true"
"$BA" --workspace "$tmp/q" -q --batch-api build "$tmp/plan.json" > /dev/null 2> "$tmp/q.err"
check "queue: batch build exits 0" test $? -eq 0; show_on_fail "$tmp/q.err"
check "queue: items equal the direct build" cmp -s "$tmp/d/$OUT/items.jsonl" "$tmp/q/$OUT/items.jsonl"
check "queue: five batches of one request per unit" test "$(stats | jq -c '[.batches[].requests]')" = "[$N,$N,$N,$N,$N]"
check "queue: every unit claimed once" test "$(sqlite3 "$tmp/q/.benchagent/state.db" "SELECT COUNT(*), SUM(claims) FROM work_queue")" = "$((2 * N))|$((2 * N))"

# ---- 4. per role: gateway.batch_roles ----
start_server "$tmp/rules.json"
mkws "$tmp/r"
sed -i 's|^  batch_window_ms: 50|  batch_window_ms: 50\n  batch_roles: inspect|' "$tmp/r/benchagent.yaml"
"$BA" --workspace "$tmp/r" -q build "$tmp/plan.json" > /dev/null 2> "$tmp/r.err"
check "batch_roles: build exits 0" test $? -eq 0; show_on_fail "$tmp/r.err"
check "batch_roles: items equal the direct build" cmp -s "$tmp/d/$OUT/items.jsonl" "$tmp/r/$OUT/items.jsonl"
check "batch_roles: execution direct, the verifier's three rounds batched" test "$(chat)" -eq $((2 * N)) -a "$(stats | jq -c '[.batches[].requests]')" = "[$N,$N,$N]"

# ---- 5. audit ----
sed -i "s|127.0.0.1:[0-9]*/v1|127.0.0.1:$port/v1|" "$tmp/d/benchagent.yaml" "$tmp/b/benchagent.yaml"
"$BA" --workspace "$tmp/d" -q --json audit "$tmp/d/$OUT" --judge local/judge-m > "$tmp/ad.json" 2> "$tmp/ad.err"
check "direct audit exits 0" test $? -eq 0; show_on_fail "$tmp/ad.err"
b0=$(nbatch)
"$BA" --workspace "$tmp/b" -q --json --batch-api audit "$tmp/b/$OUT" --judge local/judge-m > "$tmp/ab.json" 2> "$tmp/ab.err"
check "batch audit exits 0" test $? -eq 0; show_on_fail "$tmp/ab.err"
check "batch audit: one batch of every item" test "$(stats | jq -c ".batches[$b0:] | map(.requests)")" = "[$N]"
strip='del(.. | .elapsed_s?, .run?, .requests?, .generated_at?, .bench_dir?)'
check "batch audit equals the direct audit" test "$(jq -S "$strip | .items" "$tmp/ab.json")" = "$(jq -S "$strip | .items" "$tmp/ad.json")"
check "the scripted judge scores came through" test "$(jq -c '[.items[] | .score] | .[0:3]' "$tmp/ab.json")" = "[40,90,70]"
finish
