#!/usr/bin/env bash
# Honest outcomes (issue 10 item 5, issue 12 item 3): a build that makes
# fewer items than its plan asks for exits 1 unless --allow-short, and
# prints per subtask made/target and the top failure reasons with counts;
# `status` shows made, target and failures apart; a dry run reaches the
# same decision as the build.
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
ws=$tmp
gd="$BA_SOURCE_DIR/tests/data/gen"
printf '{"id": "colours_v1", "description": "a colour naming quiz: which colour is named", "target_size": 12}' > "$ws/q.json"

# three distinct items exist, the plan asks for 12
env -u OPENAI_API_KEY "$BA" build "$ws/q.json" --workspace "$ws" --gen-dir "$gd" --offline > "$ws/out.txt" 2> "$ws/err.txt"
check "a short build exits 1" test $? -eq 1
grep -q "^built 3 of 12 items" "$ws/out.txt" ; check "it says how many it made of the target" test $? -eq 0
grep -Eq "^  st1 .* 3 / 12 items" "$ws/out.txt" ; check "per subtask made/target" test $? -eq 0
grep -q "top failure reasons" "$ws/out.txt" ; check "it lists the failure reasons" test $? -eq 0
grep -Eq "^ +7  duplicate: every draw was a duplicate" "$ws/out.txt" ; check "reasons carry counts" test $? -eq 0
grep -q -- "--allow-short" "$ws/err.txt" ; check "the error names --allow-short" test $? -eq 0
test -s "$ws/out/colours_v1/items.jsonl" ; check "the items made are kept" test $? -eq 0

env -u OPENAI_API_KEY "$BA" build "$ws/q.json" --workspace "$ws" --gen-dir "$gd" --offline --allow-short > "$ws/out2.txt" 2>&1
check "--allow-short accepts it (exit 0)" test $? -eq 0
grep -q "0 new, 3 reused" "$ws/out2.txt" ; check "the rerun reuses the items" test $? -eq 0

"$BA" status --workspace "$ws" > "$ws/status.txt" 2>&1
grep -Eq "colours_v1  \[short\]  made 3 of 12 items; 9 failed units, top: duplicate: every draw was a duplicate \(7\)" "$ws/status.txt"
check "status: made, target and failures apart" test $? -eq 0
"$BA" --json status --workspace "$ws" | python3 -c '
import json, sys
r = json.load(sys.stdin)["runs"][0]
o = r["outcome"]
assert o["made"] == 3 and o["target"] == 12, o
assert sum(f["count"] for f in o["failures"]) == 9, o
assert o["subtasks"]["st1"]["items"] == 3 and o["subtasks"]["st1"]["quota"] == 12, o
'
check "status --json carries the outcome" test $? -eq 0

# a full build: [done] and made = target
env -u OPENAI_API_KEY "$BA" build "$BA_SHARED_DIR/queries/arithmetic_logic_offline.json" --workspace "$ws/full" -q > /dev/null 2>&1
check "a full build exits 0" test $? -eq 0
"$BA" status --workspace "$ws/full" | grep -q "\[done\]  made 300 of 300 items$" ; check "status of a full build" test $? -eq 0

# the dry run decides as the build: a refused request is refused, a short
# one is reported short
env -u OPENAI_API_KEY "$BA" --dry-run build "$BA_SHARED_DIR/queries/causal_and_temporal_reasoning.json" --workspace "$ws/c" > /dev/null 2> "$ws/err.txt"
check "dry run of an unmatched request exits 1 like the build" test $? -eq 1
grep -q "no verified generator matches this request well" "$ws/err.txt" ; check "with the build's reason" test $? -eq 0
env -u OPENAI_API_KEY "$BA" --dry-run build "$ws/q.json" --workspace "$ws/d" --gen-dir "$gd" --offline > "$ws/out.txt" 2>&1
check "dry run of a short build exits 1 like the build" test $? -eq 1
grep -q "would build 3 of 12 items" "$ws/out.txt" ; check "and says what it would make" test $? -eq 0
test ! -e "$ws/d/out" ; check "the dry run writes nothing" test $? -eq 0
finish
