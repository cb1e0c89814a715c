#!/usr/bin/env bash
# One plan validator for every build path (issue 12 item 12): an edited
# generator-only plan with repeated quotas, absurd counts, a quota for an
# unknown subtask or source, or an unknown tool is refused with one line
# naming the field, before anything is built.
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
ws=$tmp
q="$BA_SHARED_DIR/queries/arithmetic_logic_offline.json"
env -u OPENAI_API_KEY "$BA" build "$q" --workspace "$ws" -q > /dev/null 2>&1
cp "$ws/out/multistep_arithmetic_and_logic_v1/plan.json" "$ws/plan.json"
test -s "$ws/plan.json" ; check "an offline plan to edit" test $? -eq 0

# mutate NAME PYTHON-EXPR-ON-p
mutate() {
  python3 - "$ws/plan.json" "$ws/$1.json" "$2" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(p, open(sys.argv[2], "w"))
PY
}
refused() { # NAME FIELD-REGEX
  env -u OPENAI_API_KEY "$BA" build "$ws/$1.json" --workspace "$ws/w_$1" > /dev/null 2> "$ws/$1.err"
  local rc=$?
  check "$1: refused (exit 1)" test $rc -eq 1
  grep -Eq "$2" "$ws/$1.err" ; check "$1: the error names the field ($(head -c 120 "$ws/$1.err"))" test $? -eq 0
  check "$1: one line" test "$(wc -l < "$ws/$1.err")" -eq 1
  check "$1: nothing built" test ! -e "$ws/w_$1/out"
}
mutate dup 'p["quotas"] = p["quotas"] + [dict(p["quotas"][0]) for _ in range(40)]'
refused dup 'quotas\[[0-9]+\]: repeats quotas\[0\]'
mutate huge 'p["quotas"][0]["count"] = 2000000'
refused huge 'quotas\[0\]\.count: 2000000 is above the cap'
mutate negative 'p["quotas"][0]["count"] = -5'
refused negative 'quotas\[0\]\.count: expected a non-negative integer, got a negative number'
mutate string 'p["quotas"][0]["count"] = "25"'
refused string 'quotas\[0\]\.count: expected a non-negative integer, got a string'
mutate real 'p["quotas"][0]["count"] = 1e308'
refused real 'quotas\[0\]\.count: expected a non-negative integer, got a fraction'
mutate nosub 'p["quotas"][0]["subtask"] = "st99"'
refused nosub "quotas\[0\]\.subtask: no subtask 'st99'"
mutate nosrc 'p["quotas"][0]["source"] = "gen:nope"'
refused nosrc "quotas\[0\]\.source: no source 'gen:nope'"
mutate tool 'p["groundings"][0]["transformation"].append({"tool": "rm_rf", "purpose": "x"})'
refused tool "groundings\[0\]\.transformation\[[0-9]+\]\.tool: 'rm_rf' is not an executor tool"
mutate over 'p["quotas"][0]["count"] += 1000'
refused over 'quotas: sum [0-9]+ exceeds target_size 300'
finish
