#!/bin/bash
# Issue 12 item 7, as a user reads it: a mock plan for a long request has
# subtask names and descriptions clipped at a word boundary with an ellipsis
# (never mid-word) and plan.json has no float noise (0.10000000000000001).
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
scratch
python3 - "$tmp/q.json" <<'PY'
import json, sys
desc = ("Evaluate multistep arithmetic word problems and logical deduction puzzles for grade school "
        "students, where every question must have one exact answer, distractors should be plausible, "
        "and the difficulty should range from easy to hard across subtraction, multiplication, ratios, "
        "percentages, knights and knaves, seating arrangements and ordering constraints with clear wording "
        "that a careful reader can follow without ambiguity or hidden assumptions whatsoever")
json.dump({"id": "long_request", "description": desc, "target_size": 30}, open(sys.argv[1], "w"))
PY
"$BA" --workspace "$tmp/ws" --provider mock --pool "$POOL" plan "$tmp/q.json" -o "$tmp/plan.json" > "$tmp/out.txt"
check "plan exits 0" test $? -eq 0
python3 - "$tmp/plan.json" "$tmp/q.json" <<'PY'
import json, re, sys
p = json.load(open(sys.argv[1])); q = json.load(open(sys.argv[2]))
words = set(re.findall(r"[A-Za-z]+", q["description"]))
clipped = 0
for s in p["subtasks"]:
  for d in (s["name"], s["description"]):
    if d.endswith("\u2026"):
        clipped += 1
        last = re.findall(r"[A-Za-z]+", d[:-1])[-1]
        assert last in words, ("cut mid-word", last, d)
assert clipped > 0, "the long request was not clipped at all"
PY
check "names and descriptions clipped at a word boundary with an ellipsis" test $? -eq 0
python3 - "$tmp/plan.json" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
# every real is written in its shortest round-trip form (Python's repr is
# exactly that), so no %.17g noise such as 0.10000000000000001
strings = re.compile(r'"(?:[^"\\]|\\.)*"')
reals = re.findall(r"-?\d+\.\d+(?:[eE][-+]?\d+)?", strings.sub('""', text))
assert reals, "no reals in plan.json"
bad = [r for r in reals if repr(float(r)) != r]
assert not bad, bad
PY
check "no float noise in plan.json" test $? -eq 0
finish
