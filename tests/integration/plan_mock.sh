#!/bin/bash
# `benchagent plan --provider mock` end to end over the real pool for every shared query: a valid
# plan (plan --check: valid and every quota dry-builds), marked mock, quotas summing to the target, sources within capacity; the
# default output path; a rerun reuses every stage.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
scratch

for q in "$BA_SHARED_DIR"/queries/*.json; do
  name=$(basename "$q" .json)
  ws=$tmp/$name; mkdir -p "$ws"
  check "$name: plan" "$BA" --workspace "$ws" --provider mock --pool "$POOL" plan "$q" -o "$ws/plan.json"
  # --check dry-builds every quota, so it reads the pool the plan was made from
  check "$name: valid" "$BA" --workspace "$ws" --pool "$POOL" plan --check "$ws/plan.json"
  check "$name: content" python3 -c '
import json, sys
p = json.load(open(sys.argv[1])); q = json.load(open(sys.argv[2]))
assert p["mock"] is True
assert p["query"] == q
assert sum(x["count"] for x in p["quotas"]) == q["target_size"], p["quotas"]
cap = {s["id"]: s["capacity"] for s in p["sources"]}
used = {}
for x in p["quotas"]:
    used[x["source"]] = used.get(x["source"], 0) + x["count"]
for s, n in used.items():
    assert cap[s] is None or n <= cap[s], (s, n, cap[s])
acc = {(g["subtask"], g["source"]) for g in p["groundings"] if g["accepted"]}
assert all((x["subtask"], x["source"]) in acc for x in p["quotas"])
for s in p["subtasks"]:
    assert s["answer_type"] in ("choice", "short", "numeric", "binary", "span", "label", "open")
    assert "question" in s["schema"] and "answer" in s["schema"]
    assert 1 <= s["difficulty"] <= 5
assert p["history"] and all("agent" in h and "action" in h for h in p["history"])
' "$ws/plan.json" "$q"
done

# default output path and a rerun that reuses every stage
ws=$tmp/default; mkdir -p "$ws"
q=$BA_SHARED_DIR/queries/visual_chart_reading.json
check "default path" sh -c "cd '$ws' && '$BA' --provider mock --pool '$POOL' plan '$q' >/dev/null 2>&1 && test -s out/visual_chart_reading_v1/plan.json"
check "default path is under --workspace" sh -c "'$BA' --workspace '$ws/w2' --provider mock --pool '$POOL' plan '$q' >/dev/null 2>&1 && test -s '$ws/w2/out/visual_chart_reading_v1/plan.json'"
check "rerun reuses stages" sh -c "cd '$ws' && '$BA' -v --provider mock --pool '$POOL' plan '$q' 2>&1 | grep -q 'stage allocation reused'"
finish
