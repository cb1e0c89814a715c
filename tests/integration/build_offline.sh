#!/usr/bin/env bash
# The README's main job, offline: `benchagent build` on the shared
# arithmetic/logic query with no model configured makes 300 verified items
# and the whole output folder; a rerun is instant and identical; bad
# queries get one-line errors naming the field.
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
ws=$tmp
q="$BA_SHARED_DIR/queries/arithmetic_logic_offline.json"
id=multistep_arithmetic_and_logic_v1
out="$ws/out/$id"

env -u OPENAI_API_KEY "$BA" build "$q" --workspace "$ws" -q > "$ws/build.txt"
check "build exits 0" test $? -eq 0
for f in items.jsonl plan.json manifest.json README.md evaluation.json; do
  test -s "$out/$f" ; check "writes $f" test $? -eq 0
done
check "300 items" test "$(wc -l < "$out/items.jsonl")" -eq 300
python3 - "$out" <<'PY'
import json, sys, collections
out = sys.argv[1]
items = [json.loads(l) for l in open(out + "/items.jsonl")]
assert len(items) == 300
assert len({i["id"] for i in items}) == 300
assert len({i["question"] for i in items}) == 300, "duplicate questions"
for it in items:
    assert it["source"]["kind"] == "generator"
    assert it["qc"]["verify"]["verdict"] == "pass"
    assert it["answer"] != ""
    assert it["difficulty"] in (1, 3, 5)
levels = collections.Counter(i["difficulty"] for i in items)
assert set(levels) == {1, 3, 5} and min(levels.values()) >= 90, levels
gens = {i["source"]["generator"] for i in items}
assert any("arithmetic" in g for g in gens) and any("date" in g for g in gens), gens
assert any(g in ("knights_knaves", "syllogisms", "boolean_formulas") for g in gens), gens
plan = json.load(open(out + "/plan.json"))
assert sum(q["count"] for q in plan["quotas"]) == 300
assert all(s["kind"] == "generator" and s["capacity"] is None for s in plan["sources"])
man = json.load(open(out + "/manifest.json"))
assert man["item_count"] == 300 and man["acceptance"]["verify"]["rate"] == 1.0
ev = json.load(open(out + "/evaluation.json"))
assert len(ev) == 300 and ev[0]["id"] == items[0]["id"] and ev[0]["subtask_id"] == items[0]["subtask"]
assert all(sorted(r) == ["dataset_id", "id", "idx", "sample", "subtask_id"] for r in ev)
assert all(sorted(r["sample"]) == ["input", "output"] and "question" in r["sample"]["input"] for r in ev)
readme = open(out + "/README.md").read()
assert readme.startswith("---\nconfigs:\n- config_name: default\n  data_files:\n  - split: test\n    path: items.jsonl\n")
PY
check "items, plan, manifest, evaluation.json and card are consistent" test $? -eq 0

cp "$out/items.jsonl" "$ws/first.jsonl"
env -u OPENAI_API_KEY "$BA" build "$q" --workspace "$ws" > "$ws/again.txt" 2>/dev/null
check "rerun exits 0" test $? -eq 0
grep -q "0 new, 300 reused" "$ws/again.txt" ; check "rerun reuses every item" test $? -eq 0
cmp -s "$ws/first.jsonl" "$out/items.jsonl" ; check "rerun gives byte-identical items.jsonl" test $? -eq 0

"$BA" --seed 2 build "$q" --workspace "$ws" --out "$ws/seed2" -q >/dev/null 2>&1
cmp -s "$ws/first.jsonl" "$ws/seed2/$id/items.jsonl" ; check "another seed gives other items" test $? -ne 0

# --provider mock is offline too; a PLAN.json builds from the edited plan
python3 - "$out/plan.json" "$ws/plan_small.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for q in p["quotas"]:
    q["count"] = 2
json.dump(p, open(sys.argv[2], "w"))
PY
"$BA" --provider mock build "$ws/plan_small.json" --workspace "$ws" --out "$ws/small" -q >/dev/null 2>&1
check "build from an edited plan" test "$(wc -l < "$ws/small/$id/items.jsonl")" -eq $((2 * $(python3 -c "import json;print(len(json.load(open('$ws/plan_small.json'))['quotas']))")))

# a configured (here unreachable, keyless) model takes the model path and
# fails with one line; --offline still builds from generators
mkdir -p "$ws/m"
cat > "$ws/m/benchagent.yaml" <<'YAML'
providers:
  - name: remote
    protocol: openai
    base_url: http://127.0.0.1:9/v1
    api_key_env: BA_TEST_NO_SUCH_KEY
roles:
  default: remote/some-model
YAML
"$BA" build "$q" --workspace "$ws/m" > /dev/null 2> "$ws/m/err.txt"
check "configured model path fails cleanly without a key" test $? -eq 1
grep -q "BA_TEST_NO_SUCH_KEY" "$ws/m/err.txt" ; check "error names the missing key variable" test $? -eq 0
"$BA" build "$q" --workspace "$ws/m" --offline -q > /dev/null 2>&1
cmp -s "$ws/first.jsonl" "$ws/m/out/$id/items.jsonl" ; check "--offline builds the same items" test $? -eq 0

# bad queries
printf '{"id": "x", "target_size": 10}' > "$ws/nodesc.json"
"$BA" build "$ws/nodesc.json" --workspace "$ws" 2> "$ws/err.txt"
check "missing description exits 1" test $? -eq 1
grep -q "description" "$ws/err.txt" ; check "error names the description field" test $? -eq 0
printf '{"id": "x", "description": "arithmetic", "target_size": 0}' > "$ws/zero.json"
"$BA" build "$ws/zero.json" --workspace "$ws" 2> "$ws/err.txt" ; check "target_size 0 exits 1" test $? -eq 1
grep -q "target_size" "$ws/err.txt" ; check "error names target_size" test $? -eq 0
printf '{"id": "x", "description": "arithmetic", "target_size": 1000000000}' > "$ws/huge.json"
"$BA" build "$ws/huge.json" --workspace "$ws" 2> "$ws/err.txt" ; check "target_size 10^9 exits 1" test $? -eq 1
grep -q "100000" "$ws/err.txt" ; check "error states the cap" test $? -eq 0
printf '{"id": "x", "description": ' > "$ws/broken.json"
"$BA" build "$ws/broken.json" --workspace "$ws" 2> "$ws/err.txt" ; check "malformed JSON exits 1" test $? -eq 1
grep -q "broken.json:1" "$ws/err.txt" ; check "error names file and line" test $? -eq 0
test "$(wc -l < "$ws/err.txt")" -eq 1 ; check "errors are one line" test $? -eq 0

# a request no generator serves: refused with a way forward, unless --offline
"$BA" build "$BA_SHARED_DIR/queries/causal_and_temporal_reasoning.json" --workspace "$ws/c" > /dev/null 2> "$ws/err.txt"
check "unmatched request without a model exits 1" test $? -eq 1
grep -q "no verified generator matches this request well" "$ws/err.txt" ; check "unmatched request says why" test $? -eq 0
grep -q -- "--offline" "$ws/err.txt" ; check "unmatched request names the way forward" test $? -eq 0
test ! -e "$ws/c/out/causal_temporal_reasoning_v1/items.jsonl" ; check "unmatched request writes no items" test $? -eq 0
"$BA" build "$BA_SHARED_DIR/queries/causal_and_temporal_reasoning.json" --workspace "$ws/c" --offline -q > /dev/null 2>&1
test "$(wc -l < "$ws/c/out/causal_temporal_reasoning_v1/items.jsonl")" -eq 200 ; check "--offline builds the closest generators" test $? -eq 0
finish
