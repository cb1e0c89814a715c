#!/bin/bash
# Grounding from the command line over the real pool: `cards search` (ranked datasets and
# generators with scores, matched fields and why; --json; --modality; usage errors), a request
# nothing fits refused by `plan` with one clear line, and a type-B source (car brand labels, no
# ready question) built offline into choice items whose keys are checked against the dataset's
# own annotation file, independently of the code that made them; the same for a type-B source
# whose only target is a box (Fall-Human-Detection).
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
DATA=$BA_SOURCE_DIR/tests/data/grounding
scratch

# ---- cards search
out=$("$BA" --pool "$POOL" cards search "which of two events in a news story happened first" -k 3 2>&1)
check "search: ranked lines" sh -c "printf '%s\n' \"\$1\" | grep -q '^ 1\. ds:ca4f9ec3 .*Temporal-Event-Reasoning'" _ "$out"
check "search: why" sh -c "printf '%s\n' \"\$1\" | grep -q \"matched 'event' in name\"" _ "$out"
check "search: k" test "$(printf '%s\n' "$out" | grep -c '^ *[0-9]*\. ')" -eq 3
"$BA" --pool "$POOL" --json cards search "read values from a bar chart image" -k 5 > "$tmp/s.json" 2>/dev/null
check "search --json" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))
assert 1 <= len(h) <= 5, h
assert h[0]["source"] == "gen:chart_reading", h[0]
for x in h:
    assert "image" in x["modalities"], x          # a visual request: no text-only source
    assert 0 < x["score"] <= 1 and x["why"] and isinstance(x["matched"], dict)
    assert set(x["scores"]) == {"text", "meta", "roles", "embedding"}
' "$tmp/s.json"
"$BA" --pool "$POOL" --json cards search "read values from a bar chart" --modality text -k 8 > "$tmp/t.json" 2>/dev/null
check "search --modality text" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))
assert h and all(x["modalities"] == ["text"] for x in h), h
' "$tmp/t.json"
"$BA" --pool "$POOL" cards search "x" --modality smell >/dev/null 2>&1
check "search: bad modality is a usage error" test $? -eq 2
"$BA" --pool "$POOL" cards search >/dev/null 2>&1
check "search: missing TEXT is a usage error" test $? -eq 2

# ---- nothing fits: refused, in plain words
ws=$tmp/none; mkdir -p "$ws"
out=$("$BA" --workspace "$ws" --provider mock --pool "$POOL" plan "$DATA/nothing_fits.json" -o "$ws/plan.json" 2>&1); rc=$?
check "nothing fits: exit 1" test "$rc" -eq 1
check "nothing fits: no plan" test ! -e "$ws/plan.json"
check "nothing fits: the reason" sh -c "printf '%s' \"\$1\" | grep -q 'nothing in the pool fits this request.*closest:.*what would fit: a dataset of text samples'" _ "$out"

# ---- type-B: car brand labels become choice items
ws=$tmp/cars; mkdir -p "$ws"
check "type-B build" "$BA" --workspace "$ws" --provider mock --pool "$POOL" build "$DATA/automaker.json"
check "type-B items" python3 -c '
import json, sys, os
pool, items = sys.argv[1], sys.argv[2]
ann = json.load(open(os.path.join(pool, "datasets/image/car_brands_recognition/json/annotation.json")))["data"]
label = {s["id"]: s["output"]["prediction"] for s in ann}
brands = set(label.values())
rows = [json.loads(l) for l in open(items)]
assert len(rows) == 20, len(rows)
for r in rows:
    assert r["source"]["dataset_id"] == "076fdf72"
    ch = r["choices"]
    assert len(ch) == 4 and len({c.lower() for c in ch}) == 4, ch
    key = ch["ABCD".index(r["answer"])]
    assert key == label[r["source"]["sample_id"]], (key, r["source"])     # the dataset says so
    assert all(c in brands for c in ch), ch                               # distractors: other brands
    assert r["media"] and r["media"][0]["type"] == "image"
    assert key.lower() not in r["question"].lower()
letters = {r["answer"] for r in rows}
assert len(letters) >= 3, letters                                       # shuffled
' "$POOL" "$ws/out/automaker_v1/items.jsonl"

# ---- type-B with a box as the only target (Fall-Human-Detection: no question, no answer role)
ws=$tmp/falls; mkdir -p "$ws"
check "type-B box build" "$BA" --workspace "$ws" --provider mock --pool "$POOL" build "$DATA/fallen_box.json"
check "type-B box items" python3 -c '
import json, sys, os
pool, items = sys.argv[1], sys.argv[2]
ann = json.load(open(os.path.join(pool, "datasets/image/fall-human-detection/json/annotation_v2.json")))
ann = ann["data"] if isinstance(ann, dict) else ann
box = {s["id"]: s["output"]["bbox"][0] for s in ann}
rows = [json.loads(l) for l in open(items)]
assert len(rows) == 6, len(rows)
for r in rows:
    assert r["source"]["dataset_id"] == "b06e6da3"
    assert r["question"] == "Which bounding box matches the image?", r["question"]
    ch = [json.loads(c) for c in r["choices"]]
    assert len(ch) == 4 and len({json.dumps(c, sort_keys=True) for c in ch}) == 4, ch
    assert ch["ABCD".index(r["answer"])] == box[r["source"]["sample_id"]]   # the dataset says so
    for c in ch:                                    # distractors: other samples boxes, same label
        assert list(c) == ["Fall"] and len(c["Fall"]) == 4, c
    assert r["media"] and r["media"][0]["type"] == "image"
' "$POOL" "$ws/out/fallen_box_v1/items.jsonl"
finish
