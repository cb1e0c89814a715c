#!/usr/bin/env bash
# Feasible plans only (issue 10 item 4): `plan --check` and `build` dry-build a few units of
# every quota with the pure tools and refuse a quota that cannot build with one line naming its
# subtask, source and reason - before any model call. The planner sends such a pair back to
# grounding: the mock plan of visual_chart_reading (numeric chart generators first grounded in
# choice subtasks) comes out feasible and builds.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
DATA=$BA_SOURCE_DIR/tests/data/exec
scratch
ws=$tmp

# a numeric generator in a choice subtask
python3 - "$DATA/plan_chart.json" "$ws/bad.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["subtasks"][0]["answer_type"] = "choice"
p["groundings"][0]["transformation"].append({"tool": "choice_shuffle", "purpose": "order"})
json.dump(p, open(sys.argv[2], "w"))
PY
"$BA" --workspace "$ws/w0" --pool "$POOL" plan --check "$DATA/plan_chart.json" > "$ws/ok.txt" 2>&1
check "a feasible plan passes --check" test $? -eq 0
"$BA" --workspace "$ws/w1" --pool "$POOL" plan --check "$ws/bad.json" > "$ws/c.out" 2> "$ws/c.err"
check "--check refuses the infeasible plan (exit 1)" test $? -eq 1
grep -q "quotas\[0\] (subtask st1, source gen:chart_reading) cannot build: .*answer type: the source gives [a-z]* answers, the subtask asks for choice" "$ws/c.err"
check "one line names the quota, subtask, source and reason" test $? -eq 0
check "only the infeasible quota is named" test "$(grep -c 'cannot build:' "$ws/c.err")" -eq 1

"$BA" --workspace "$ws/w2" --provider mock --pool "$POOL" build "$ws/bad.json" > "$ws/b.out" 2> "$ws/b.err"
check "build refuses it (exit 1)" test $? -eq 1
grep -q "subtask st1, source gen:chart_reading) cannot build" "$ws/b.err" ; check "build says why" test $? -eq 0
check "nothing built" test ! -e "$ws/w2/out/visual_chart_reading_v1/items.jsonl"
calls=$(sqlite3 "$ws/w2/.benchagent/state.db" "select count(*) from llm_calls" 2>/dev/null || echo 0)
check "no model call was made ($calls)" test "$calls" -eq 0

# the planner sends infeasible pairs back and the plan it writes builds
q=$BA_SHARED_DIR/queries/visual_chart_reading.json
"$BA" --workspace "$ws/w3" --provider mock --pool "$POOL" plan "$q" -o "$ws/w3/plan.json" > /dev/null 2>&1
check "mock plan of visual_chart_reading" test -s "$ws/w3/plan.json"
python3 - "$ws/w3/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
notes = [n for n in p["rationale"]["grounding"] if "not accepted" in n and "cannot build" in n]
assert any("gen:line_chart_reading" in n and "asks for choice" in n for n in notes), p["rationale"]
assert all(s["answer_type"] != "choice" for s in p["subtasks"]), p["subtasks"]  # revised by design
PY
check "infeasible pairs were sent back, with their reasons in the plan" test $? -eq 0
"$BA" --workspace "$ws/w3" --pool "$POOL" plan --check "$ws/w3/plan.json" > /dev/null 2>&1
check "the planner's plan passes --check" test $? -eq 0
"$BA" --workspace "$ws/w3" --provider mock --pool "$POOL" build "$ws/w3/plan.json" --allow-short > "$ws/w3/b.out" 2>&1
check "it builds" test $? -eq 0
made=$(sed -n 's/^built \([0-9]*\) of 150 items.*/\1/p' "$ws/w3/b.out")
check "most of the 150 items are made (${made:-none})" test "${made:-0}" -ge 120
finish
