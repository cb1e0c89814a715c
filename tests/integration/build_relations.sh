#!/bin/bash
# A request about who is who in a multi-party dialogue, built with the mock provider over the real
# pool: it grounds on Dialogue-Relation-Extraction, whose answers are lists of relation triples
# ("(Speaker 2 (PER) => per:alternate_names => Mon (PER) ..."). Items ask one fact of the dialogue
# instead of offering triple lists as options; every key and every distractor is checked here
# against the dataset's own annotation file with this test's own parse of the triples.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
scratch

"$BA" --workspace "$tmp/ws" --provider mock --pool "$POOL" -q build --allow-short \
  "$BA_SOURCE_DIR/tests/data/exec/query_dialogue_relations.json" > "$tmp/out" 2> "$tmp/err"
check "build runs" test $? -eq 0
check "facts asked, keys and distractors right" python3 - "$tmp/ws" "$POOL" <<'PY'
import glob, json, re, sys
ws, pool = sys.argv[1], sys.argv[2]
items = [json.loads(l) for l in open(glob.glob(ws + "/out/*/items.jsonl")[0])]
ann = {s["id"]: s for s in json.load(open(pool + "/datasets/nlp/Dialogue-Relation-Extraction/annotation.json"))["data"]}
rels = {"job or title": "per:title", "which other name": "per:alternate_names", "husband or wife": "per:spouse",
        "brother or sister": "per:siblings", "child": "per:children", "roommate": "per:roommate",
        "girlfriend or boyfriend": "per:girl/boyfriend", "a friend of": "per:friends"}
asked = 0
for it in items:
    assert it["source"]["dataset_id"] == "cc0d075c", it["source"]
    for c in it.get("choices") or []:
        assert "=> per:" not in c or not it["question"].startswith("In the conversation"), c
    if not it["question"].startswith("In the conversation"):
        continue
    asked += 1
    src = ann[it["source"]["sample_id"]]
    triples = {(m[0], m[2], m[3]) for m in
               re.findall(r"\(([^()]+?) \(([A-Z]+)\) => (per:[a-z_/]+) => ([^()]+?) \([A-Z]+\)", src["output"]["text"])}
    rel = [v for k, v in rels.items() if k in it["question"]][0]
    subj = re.search(r"(?:name is |who is a friend of |who is |what is )(.+?)(?:'s | called by|\?)", it["question"]).group(1)
    key = it["choices"][ord(it["answer"]) - 65]
    objects = {o for (s, r, o) in triples if s == subj and r == rel}
    alias = lambda u, v: (u, "per:alternate_names", v) in triples or (v, "per:alternate_names", u) in triples
    assert objects == {key}, (it["id"], subj, rel, key, objects)
    assert len(it["choices"]) >= 3, it["choices"]
    for c in it["choices"]:
        assert c == key or (c not in objects and not alias(c, key) and c != subj), (it["id"], c)
    assert it["context"].strip() == src["input"]["raw_text"].strip()
assert asked >= 10, asked
PY
finish
