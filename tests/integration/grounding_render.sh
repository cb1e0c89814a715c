#!/bin/bash
# An image subtask that only text datasets fit (tests/data/grounding/rendered_news.json: a news
# article shown as an image, the temporal order of two of its events) is grounded through the
# executor's text -> image conversion render_text_image, with the binary's real tool table; then a
# small build of it makes real PNG items. The items are checked independently of the code that made
# them: the PNG is read by python (signature, IHDR size against the media entry) and by tesseract
# called from python (ctypes into libtesseract, its default page segmentation, not the tool's sparse
# one), and the words it reads are compared with the passage of the item's sample read from the
# dataset's own annotation file (markup tags taken out here, by a regular expression); the item's
# text no longer holds the passage.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
Q=$BA_SOURCE_DIR/tests/data/grounding/rendered_news.json
scratch

ws=$tmp/plan; mkdir -p "$ws"
check "render: plan" "$BA" --workspace "$ws" --provider mock --pool "$POOL" plan "$Q" -o "$ws/plan.json"
check "render: grounded on text datasets through render_text_image" python3 - "$ws/plan.json" "$POOL" <<'EOF'
import json, os, sys
p, pool = json.load(open(sys.argv[1])), sys.argv[2]
assert len(p["subtasks"]) == 1, p["subtasks"]
st = p["subtasks"][0]
assert "image" in st["modalities"], st            # kept its image: no fallback to text
acc = [g for g in p["groundings"] if g["accepted"]]
assert {g["source"] for g in acc} == {"ds:ca4f9ec3", "ds:0fa3ee6d"}, [g["source"] for g in acc]
for g in acc:
    card = json.load(open(os.path.join(pool, "dataset_cards", g["source"][3:] + "_card.json")))
    assert card["modalities"] == ["text"], card["modalities"]   # a text dataset ...
    assert g["via"] == [{"tool": "render_text_image", "from": "text", "to": "image"}], g.get("via")
    assert "render_text_image" in [t["tool"] for t in g["transformation"]], g   # ... rendered
assert not p.get("unfit"), p.get("unfit")
EOF

# a small build (6 items: OCR of long passages is slow under the sanitizers)
ws=$tmp/build; mkdir -p "$ws"
python3 -c 'import json,sys; q=json.load(open(sys.argv[1])); q["target_size"]=6; json.dump(q, open(sys.argv[2],"w"))' "$Q" "$tmp/q6.json"
check "render: build" "$BA" --workspace "$ws" --provider mock --pool "$POOL" build "$tmp/q6.json"
check "render: the items are legible PNGs of their passages" python3 - "$POOL" "$ws/out/rendered_news_v1" <<'EOF'
import ctypes, json, os, re, struct, sys
pool, out = sys.argv[1], sys.argv[2]
lept, tess = ctypes.CDLL("liblept.so.5"), ctypes.CDLL("libtesseract.so.5")
lept.pixRead.restype = ctypes.c_void_p; lept.pixRead.argtypes = [ctypes.c_char_p]
tess.TessBaseAPICreate.restype = ctypes.c_void_p
tess.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
tess.TessBaseAPISetImage2.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
tess.TessBaseAPIGetUTF8Text.restype = ctypes.c_void_p; tess.TessBaseAPIGetUTF8Text.argtypes = [ctypes.c_void_p]
api = tess.TessBaseAPICreate()
assert tess.TessBaseAPIInit3(api, None, b"eng") == 0
def ocr(path):
    tess.TessBaseAPISetImage2(api, lept.pixRead(path.encode()))
    return ctypes.string_at(tess.TessBaseAPIGetUTF8Text(api)).decode("utf-8", "replace")
def words(t):
    return re.findall(r"[a-z0-9]+", t.lower())
def get(o, path):
    for k in path.split("."):
        o = o[int(k)] if isinstance(o, list) else o.get(k, {})
    return o
rows = [json.loads(l) for l in open(os.path.join(out, "items.jsonl"))]
assert len(rows) == 6, len(rows)
for r in rows:
    dsid = r["source"]["dataset_id"]
    assert dsid in ("ca4f9ec3", "0fa3ee6d"), dsid
    img = [m for m in r["media"] if m["type"] == "image"]
    assert len(img) == 1, r["media"]
    path = os.path.join(out, img[0]["path"])
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    w, h = struct.unpack(">II", data[16:24])
    assert (w, h) == (img[0]["width"], img[0]["height"]), (w, h, img[0])
    assert img[0]["ocr"]["recall"] >= 0.9, img[0]["ocr"]     # the tool's own reading, recorded
    assert "context" not in r, r.get("context")              # the passage is in the picture only
    assert "<<<" not in r["question"], r["question"]
    # the passage of this sample, from the dataset's own annotation file
    card = json.load(open(os.path.join(pool, "dataset_cards", dsid + "_card.json")))
    ann = json.load(open(os.path.join(pool, card["raw_meta"]["source_json"])))
    ann = ann["data"] if isinstance(ann, dict) else ann
    sample = [s for s in ann if str(s.get("id")) == str(r["source"]["sample_id"])]
    assert len(sample) == 1, r["source"]
    passage = " ".join(str(get(sample[0], p)) for p in card["meta"]["fields"]["context"]["paths"])
    ref = words(re.sub(r"<[A-Za-z/!][^<>]{0,400}>", " ", passage))
    seen = {}
    for x in words(ocr(path)):
        seen[x] = seen.get(x, 0) + 1
    got = 0
    for x in ref:
        if seen.get(x, 0) > 0:
            seen[x] -= 1; got += 1
    assert ref and got / len(ref) >= 0.85, (r["source"], got, len(ref))
    # and the question does not carry the passage: no 8 consecutive words of it
    q = " ".join(words(r["question"] + " " + " ".join(r.get("choices") or [])))
    for i in range(len(ref) - 7):
        assert " ".join(ref[i:i + 8]) not in q, (r["source"], ref[i:i + 8])
EOF
finish
