#!/bin/bash
# Planner against ba-testserver with scripted replies (tests/data/planner/*.json) over the real
# pool: a full run on multi_perspective_event_reasoning (and an unchanged rerun that sends
# nothing), the design/grounding feedback loop, an allocation corrected because a dataset is too
# small, and malformed tool calls recovered.
set -u
. "$(dirname "$0")/lib/common.sh"
RULES=$BA_SOURCE_DIR/tests/data/planner
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
QUERY=$BA_SHARED_DIR/queries/multi_perspective_event_reasoning.json
scratch
. "$(dirname "$0")/lib/testserver.sh"

py() { python3 -c "$1" "$2"; }

# ---- 1. full run
start_server "$RULES/full.json"
ws=$tmp/full; workspace "$ws"
check "full run succeeds" "$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json"
check "plan validates" "$BA" --workspace "$ws" plan --check "$ws/plan.json"
check "full plan content" py '
import json, sys
p = json.load(open(sys.argv[1]))
assert p["version"] == 1 and p["mock"] is False
assert [s["id"] for s in p["subtasks"]] == ["st1", "st2"]
assert {s["id"] for s in p["sources"]} == {"ds:0fa3ee6d", "ds:ca4f9ec3"}
acc = [g for g in p["groundings"] if g["accepted"]]
assert len(acc) == 2
g = acc[0]
assert abs(g["scores"]["final"] - (0.7*(0.45*0.85+0.35*0.7+0.1*0.6+0.1*0.8)+0.3*0.8)) < 1e-3, g["scores"]
assert [t["tool"] for t in g["transformation"]] == ["question_rewrite", "distractor_writing", "choice_shuffle"]
assert g["field_map"]["context"] == "input.raw_text"
assert sum(q["count"] for q in p["quotas"]) == 120
assert {(q["subtask"], q["source"], q["count"]) for q in p["quotas"]} == {("st1", "ds:0fa3ee6d", 60), ("st2", "ds:ca4f9ec3", 60)}
assert p["analysis"]["topic"] == "multi-perspective event reasoning"
acts = [h["action"] for h in p["history"]]
assert acts.count("propose_subtask") == 2 and "check_coverage" in acts and "finish" in acts
assert "score_candidates" in acts and "set_quotas" in acts
assert all(h["rationale"] for h in p["history"])
' "$ws/plan.json"
check "8 model calls" test "$(requests)" = 8
# an unchanged rerun sends nothing, even with the server gone
stop_server
cp "$ws/plan.json" "$tmp/first.json"
check "rerun without a server" "$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json"
check "rerun gives the same plan" cmp "$tmp/first.json" "$ws/plan.json"

# ---- 1b. interrupted run: allocation fails; the rerun resumes after grounding
start_server "$RULES/allocfail.json"
ws=$tmp/resume; workspace "$ws"
out=$("$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json" 2>&1); rc=$?
check "failed run exits 1" test "$rc" -eq 1
check "failure names the stage" sh -c "printf '%s' \"\$1\" | grep -q 'allocation agent: .*the allocation model is down'" _ "$out"
check "no plan written" test ! -e "$ws/plan.json"
stop_server
start_server "$RULES/full.json"
workspace "$ws"
check "resumed run succeeds" "$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json"
check "only allocation was asked again" test "$(requests)" = 1
check "resumed plan equals the full one" cmp "$tmp/first.json" "$ws/plan.json"

# ---- 2. feedback loop: st2 scores below the threshold, design revises it
start_server "$RULES/feedback.json"
ws=$tmp/feedback; workspace "$ws"
check "feedback run succeeds" "$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json"
check "feedback plan content" py '
import json, sys
p = json.load(open(sys.argv[1]))
names = {s["id"]: s["name"] for s in p["subtasks"]}
assert names["st2"] == "Temporal relations between events in news", names
assert any("round 1: not grounded: st2" in r and "(< 0.53)" in r for r in p["rationale"]["grounding"]), p["rationale"]
acts = [(h["agent"], h["action"]) for h in p["history"]]
assert ("design", "revise_subtask") in acts
assert sum(q["count"] for q in p["quotas"]) == 120
assert all(g["accepted"] for g in p["groundings"] if g["subtask"] == "st2" and g["scores"]["final"] >= 0.53)
' "$ws/plan.json"
check "feedback stages" sh -c "'$BA' --workspace '$ws' status | grep -q 'grounding.2'"

# ---- 3. allocation: 8-sample dataset over-asked three times -> diagnosed and repaired
start_server "$RULES/allocation.json"
ws=$tmp/alloc; workspace "$ws"
check "allocation run succeeds" "$BA" --workspace "$ws" plan "$RULES/query_small.json" -o "$ws/plan.json"
check "allocation corrected" py '
import json, sys
p = json.load(open(sys.argv[1]))
cap = {s["id"]: s["capacity"] for s in p["sources"]}
assert cap["ds:91f29c38"] == 8, cap
q = {(x["subtask"], x["source"]): x["count"] for x in p["quotas"]}
assert q[("st2", "ds:91f29c38")] == 8, q
assert sum(q.values()) == 40, q
r = " | ".join(p["rationale"]["allocation"])
assert "only 8 usable samples" in r and "adjusted deterministically" in r, r
assert [h["action"] for h in p["history"] if h["agent"] == "allocation"] == ["set_quotas"] * 3
' "$ws/plan.json"
check "allocation plan validates" "$BA" --workspace "$ws" plan --check "$ws/plan.json"

# ---- 4. malformed tool calls: unknown tool, invalid arguments, no call, bad transformation
start_server "$RULES/malformed.json"
ws=$tmp/malformed; workspace "$ws"
check "malformed run succeeds" "$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json"
check "malformed calls recovered" py '
import json, sys
p = json.load(open(sys.argv[1]))
errs = [h.get("error", "") for h in p["history"]]
assert any("add_subtask" in e and "not offered" in e for e in errs), errs
assert any("answer_type" in e for e in errs), errs
assert any("no tool was called" in e for e in errs), errs
assert any("magic_tool" in e and "not an executor tool" in e for e in errs), errs
assert any("scores" in e for e in errs), errs
assert [s["id"] for s in p["subtasks"]] == ["st1", "st2"]
assert sum(q["count"] for q in p["quotas"]) == 120
' "$ws/plan.json"
# ---- 4b. the grounding agent searches, then rejects a subtask with its own feedback
start_server "$RULES/reject.json"
ws=$tmp/reject; workspace "$ws"
check "reject run succeeds" "$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json"
check "reject feedback reaches design" py '
import json, sys
p = json.load(open(sys.argv[1]))
acts = [(h["agent"], h["action"]) for h in p["history"]]
assert ("grounding", "search_pool") in acts and ("grounding", "reject_subtask") in acts, acts
assert ("design", "revise_subtask") in acts
assert any("not grounded: st2" in r and "use pairwise relations" in r for r in p["rationale"]["grounding"])
assert {s["name"] for s in p["subtasks"]} == {"Event coreference across news accounts", "Temporal relations between events in news"}
assert sum(q["count"] for q in p["quotas"]) == 120
' "$ws/plan.json"

# ---- 5. a model that never calls a tool: design and allocation fall back, the plan is valid
start_server "$RULES/unhelpful.json"
ws=$tmp/unhelpful; workspace "$ws"
check "unhelpful run succeeds" "$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json"
check "unhelpful fallbacks" py '
import json, sys
p = json.load(open(sys.argv[1]))
assert len(p["subtasks"]) == 1 and p["subtasks"][0]["name"] == "multi-perspective event reasoning"
assert any("derived from the query analysis" in r for r in p["rationale"]["design"])
assert any("no usable proposal" in r for r in p["rationale"]["allocation"])
assert sum(q["count"] for q in p["quotas"]) == 120
' "$ws/plan.json"
check "unhelpful plan validates" "$BA" --workspace "$ws" plan --check "$ws/plan.json"
finish
