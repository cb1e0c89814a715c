#!/bin/bash
# Every shared query (../shared/queries) planned by the benchagent binary with the mock provider over
# the shared pool: the real tool table (text_to_speech, render_text_image) and the executor's
# feasibility dry build take part, which the unit test (tests/unit/test_agent_grounding.c, planner
# without the executor) leaves out. For each subtask, the accepted sources must be the ones a person
# would pick (the table below, written from the cards and their samples, not from the scores), the
# best one first where it matters, and every capability of the request must keep a subtask.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
scratch

plan() { # plan NAME QUERY -> $tmp/NAME.json
  local ws=$tmp/ws_$1
  mkdir -p "$ws"
  "$BA" --workspace "$ws" --provider mock --pool "$POOL" plan "$2" -o "$tmp/$1.json" >"$tmp/$1.log" 2>&1
}

# expect NAME 'SUBTASK NAME PART' 'ACCEPTED (sorted, comma-separated)' [BEST]
expect() {
  python3 - "$tmp/$1.json" "$2" "$3" "${4:-}" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
part, want, best = sys.argv[2], sys.argv[3], sys.argv[4]
st = [s for s in p["subtasks"] if part in s["name"]]
assert len(st) == 1, (part, [s["name"] for s in p["subtasks"]])
acc = [g for g in p["groundings"] if g["subtask"] == st[0]["id"] and g["accepted"]]
got = ",".join(sorted(g["source"] for g in acc))
assert got == want, (part, got, want, p["rationale"]["grounding"])
if best:
    top = max(acc, key=lambda g: g["scores"]["final"])
    assert top["source"] == best, (part, top["source"], best)
for g in acc:  # what the plan accepted builds (the executor's dry build agreed)
    assert "infeasible" not in g, g
EOF
}

Q=$BA_SHARED_DIR/queries
check "plan causal_and_temporal" plan causal "$Q/causal_and_temporal_reasoning.json"
check "causal: cause or effect on Causal-Reasoning" expect causal "cause or effect" "ds:7fb63e11"
# both temporal datasets, Temporal-Event-Reasoning first; the dialogues of Temporal-Reasoning have no
# question, and stay the context (the subtask requires one) for question_rewrite
check "causal: order events on the temporal datasets" expect causal "Order events in time" "ds:37a67448,ds:ca4f9ec3" "ds:ca4f9ec3"

check "plan multi_perspective" plan multi "$Q/multi_perspective_event_reasoning.json"
# event coreference (several mentions, one event) and news events; not Social-Science-QA
check "multi: events, not social science" expect multi "true nature of an event" "ds:0fa3ee6d,ds:ca4f9ec3" "ds:0fa3ee6d"

check "plan visual_chart_reading" plan charts "$Q/visual_chart_reading.json"
check "charts: read exact values" expect charts "Read exact values" "gen:chart_reading,gen:line_chart_reading"
check "charts: compare series" expect charts "Compare series" "gen:chart_reading,gen:line_chart_reading" "gen:line_chart_reading"
check "charts: derived quantity" expect charts "derived quantity" "gen:chart_reading"

check "plan arithmetic_logic" plan arith "$Q/arithmetic_logic_offline.json"
check "arith: word problems" expect arith "arithmetic word problems" "gen:arithmetic_word_problems"
check "arith: dates" expect arith "Date and calendar" "gen:date_arithmetic"
check "arith: logic puzzles" expect arith "logic puzzles" "gen:boolean_formulas,gen:knights_knaves" "gen:knights_knaves"

check "plan mixed_language (speech)" plan speech "$Q/mixed_language_conversation.json"
check "speech: every subtask on written dialogues, spoken" python3 - "$tmp/speech.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
assert len(p["subtasks"]) == 3, [s["name"] for s in p["subtasks"]]
for s in p["subtasks"]:
    acc = [g for g in p["groundings"] if g["subtask"] == s["id"] and g["accepted"]]
    assert acc, s["name"]
    assert "audio" in s["modalities"], s
    for g in acc:
        assert g["source"] in ("ds:f219959e", "ds:cc0d075c"), (s["name"], g["source"])
        assert "text_to_speech" in [t["tool"] for t in g["transformation"]], g
EOF

# our own: a knowledge request about pictures, on image datasets of art and chemistry (the
# chemistry questions hold their options inline, which choice_shuffle takes)
check "plan multimodal_knowledge" plan mmk "$BA_SOURCE_DIR/tests/data/grounding/multimodal_knowledge.json"
check "mmk: art and chemistry images" expect mmk "background knowledge" "ds:791bc8ca,ds:9155fd9c"
finish
