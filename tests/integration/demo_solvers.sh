#!/usr/bin/env bash
# Keys derived twice on the README's main job: the demo's benchmark
# (scripts/demo.sh builds ../shared/queries/arithmetic_logic_offline.json)
# is solved again item by item by the generators' independent solvers
# (`gen solve`), which see only the question; every key must come out the
# same. A planted wrong key and a question with its numbers removed are
# caught and named.
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
ws=$tmp
id=multistep_arithmetic_and_logic_v1
out="$ws/out/$id"

env -u OPENAI_API_KEY "$BA" build "$BA_SHARED_DIR/queries/arithmetic_logic_offline.json" --workspace "$ws" -q > /dev/null 2>&1
check "the demo builds" test -s "$out/items.jsonl"
n=$(wc -l < "$out/items.jsonl")
"$BA" gen solve "$out" > "$ws/solve.txt"
check "every demo key is derived again by the independent solvers" test $? -eq 0
grep -q "$n of $n generator items solved independently" "$ws/solve.txt"
check "gen solve reports all $n items solved" test $? -eq 0
grep -q "Arithmetic\|arithmetic" "$out/items.jsonl"
check "the demo has arithmetic expression items" test $? -eq 0

# a wrong key in one arithmetic item
python3 - "$out/items.jsonl" "$ws/wrong.jsonl" "$ws/blank.jsonl" <<'PY'
import json, re, sys
items = [json.loads(l) for l in open(sys.argv[1])]
done_wrong = done_blank = False
with open(sys.argv[2], "w") as w, open(sys.argv[3], "w") as b:
    for it in items:
        g = it["source"]["generator"]
        wrong, blank = dict(it), dict(it)
        if g == "arithmetic_expressions" and not done_wrong:
            wrong["answer"] = str(int(it["answer"]) + 1)
            wrong["id"] = "planted-wrong"
            done_wrong = True
        if g == "arithmetic_word_problems" and not done_blank:
            # the key is no longer derivable: the starting amount is gone
            blank["question"] = re.sub(r" has \d+ ", " has some ", it["question"], count=1)
            blank["id"] = "planted-blank"
            done_blank = True
        w.write(json.dumps(wrong) + "\n")
        b.write(json.dumps(blank) + "\n")
PY
"$BA" gen solve "$ws/wrong.jsonl" > "$ws/wrong.txt"
check "a planted wrong key fails gen solve" test $? -eq 1
grep -q "planted-wrong: key" "$ws/wrong.txt"
check "the report names the item with the wrong key" test $? -eq 0
"$BA" gen solve "$ws/blank.jsonl" > "$ws/blank.txt"
check "a key not derivable from the question fails gen solve" test $? -eq 1
grep -q "planted-blank" "$ws/blank.txt"
check "the report names the underivable item" test $? -eq 0
finish
