#!/usr/bin/env bash
# The README's tour as a new user follows it, against ba-testserver as the
# real endpoint (OPENAI_BASE_URL / OPENAI_API_KEY, no provider configured):
# help, init, the offline build, a mock plan over the pool, the agent plan
# through the environment provider (a workspace with benchagent.yaml from
# init), a dry run that estimates a non-zero cost, eval of an openai/ model,
# export all, the review page with curl, cost.
set -u
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/testserver.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
Q=$BA_SHARED_DIR/queries
scratch
rv_pid=
at_exit '[ -n "$rv_pid" ] && kill "$rv_pid" 2>/dev/null'
cd "$tmp" || exit 1
unset OPENAI_API_KEY OPENAI_BASE_URL BENCHAGENT_MODEL ANTHROPIC_API_KEY

"$BA" help > help.txt
check "help lists the commands" grep -q "export" help.txt
"$BA" init --workspace ws > init.txt
check "init writes benchagent.yaml" test -s ws/benchagent.yaml

# offline, no model: generators only
"$BA" build "$Q/arithmetic_logic_offline.json" --workspace ws -q > build.txt
check "offline build exits 0" test $? -eq 0
B=ws/out/multistep_arithmetic_and_logic_v1
check "offline build wrote items" test -s "$B/items.jsonl"
check "build summary shows the cost per accepted item" grep -q "per accepted item" build.txt

# the agent pipeline over the pool with the mock provider
"$BA" --workspace ws --provider mock --pool "$POOL" plan "$Q/multi_perspective_event_reasoning.json" -q > mplan.txt
check "mock plan exits 0" test $? -eq 0
check "mock plan written" test -s ws/out/multi_perspective_event_reasoning_v1/plan.json

# a real endpoint through the environment only (benchagent.yaml from init names none)
start_server "$BA_SOURCE_DIR/tests/data/planner/full.json"
export OPENAI_BASE_URL=http://127.0.0.1:$port/v1 OPENAI_API_KEY=sk-tour-test-key
"$BA" --workspace ws --pool "$POOL" plan "$Q/multi_perspective_event_reasoning.json" -o ws/real-plan.json > plan.txt 2> plan.err
check "plan through the environment provider exits 0" test $? -eq 0
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["mock"] is False' ws/real-plan.json
check "the plan came from the endpoint, not the mock" test $? -eq 0
check "the endpoint was asked" test "$(requests)" -gt 0
grep -q "openai" plan.err plan.txt
check "the run says which provider it uses" test $? -eq 0
! grep -rq "sk-tour-test-key" ws/.benchagent plan.txt plan.err
check "the key reaches no log or store" test $? -eq 0

"$BA" --workspace ws --pool "$POOL" --dry-run build "$Q/multi_perspective_event_reasoning.json" > dry.txt 2> dry.err
python3 - dry.err <<'PY'
import re, sys
m = re.search(r"estimated cost \$([0-9.]+)", open(sys.argv[1]).read())
assert m and float(m.group(1)) > 0, open(sys.argv[1]).read()
PY
check "a dry run with OPENAI_API_KEY estimates a non-zero cost" test $? -eq 0

# eval an openai/ model on the offline benchmark (the server answers every item)
echo '{"rules": [], "default": {"content": "Let me think.\nAnswer: 42"}}' > eval_rules.json
start_server eval_rules.json
export OPENAI_BASE_URL=http://127.0.0.1:$port/v1
"$BA" --workspace ws eval "$B" --model openai/gpt-4o-mini --limit 20 --resamples 100 > eval.txt 2> eval.err
check "eval of openai/gpt-4o-mini exits 0" test $? -eq 0
check "eval sent the 20 calls" test "$(requests)" -eq 20
check "eval report names the model" grep -q "gpt-4o-mini" eval.txt

"$BA" export "$B" --format all > export.txt 2> export.err
check "export all exits 0" test $? -eq 0
for f in hf/README.md lm-eval/multistep_arithmetic_and_logic_v1.yaml inspect/samples.jsonl \
         openai-batch/requests.jsonl reference/evaluation.json; do
  test -s "$B/exports/$f"; check "export wrote $f" test $? -eq 0
done

"$BA" --workspace ws review "$B" --port 0 2> review.err & rv_pid=$!
for i in $(seq 100); do grep -q "http://127.0.0.1:" review.err 2>/dev/null && break; sleep 0.1; done
rport=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' review.err | head -1)
u="http://127.0.0.1:$rport"
check "review page serves the index" test "$(curl -s -o /dev/null -w '%{http_code}' "$u/")" = 200
id=$(head -1 "$B/items.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
check "review page serves an item" test "$(curl -s -o /dev/null -w '%{http_code}' "$u/item?id=$id")" = 200
check "a verdict is saved" test "$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: $u" \
  -d "id=$id&verdict=accept&annotator=tour" "$u/review")" = 303
curl -s "$u/api/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); assert s["verdicts"] == 1, s'
check "stats count the verdict" test $? -eq 0
kill "$rv_pid"; wait "$rv_pid" 2>/dev/null; rv_pid=

"$BA" --workspace ws cost > cost.txt
check "cost exits 0" test $? -eq 0
check "cost lists the benchmark's cost per accepted item" grep -q "per accepted item" cost.txt
finish
