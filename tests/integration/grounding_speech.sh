#!/bin/bash
# The speech request (../shared/queries/mixed_language_conversation.json) with the executor's real
# tool table: planned with the mock, every subtask keeps its audio and is grounded on written
# dialogues through text_to_speech (the plan's transformation names the tool). Then a one-item
# speech request (tests/data/grounding/spoken_dialogue.json: synthesis and recognition are slow
# under the sanitizers, and the shared request's long TV-scene dialogues take minutes an item) is
# built, and its audio is checked independently of the code that made it: a real WAV file
# (python's wave module) whose length fits the dialogue the dataset's own annotation file holds
# for the item's sample (the whole dialogue is spoken, not the question or a stub).
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
Q=$BA_SHARED_DIR/queries/mixed_language_conversation.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ws=$tmp/plan; mkdir -p "$ws"
check "speech: plan" "$BA" --workspace "$ws" --provider mock --pool "$POOL" plan "$Q" -o "$ws/plan.json"
check "speech: grounded on dialogues through text_to_speech" python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
dialogues = {"ds:f219959e", "ds:cc0d075c", "ds:37a67448"}
assert len(p["subtasks"]) == 3, p["subtasks"]
for s in p["subtasks"]:
    assert "audio" in s["modalities"], s                     # no fallback to text
acc = [g for g in p["groundings"] if g["accepted"]]
assert {g["subtask"] for g in acc} == {s["id"] for s in p["subtasks"]}, acc
for g in acc:
    assert g["source"] in dialogues, g["source"]
    assert "text_to_speech" in [t["tool"] for t in g["transformation"]], g
    assert g["via"][0]["tool"] == "text_to_speech", g
assert not p.get("unfit"), p.get("unfit")
' "$ws/plan.json"

# built: one item, spoken
ws=$tmp/build; mkdir -p "$ws"
check "speech: build" "$BA" --workspace "$ws" --provider mock --pool "$POOL" build "$BA_SOURCE_DIR/tests/data/grounding/spoken_dialogue.json"
check "speech: the item is spoken" python3 -c '
import json, os, sys, wave
pool, out = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(os.path.join(out, "items.jsonl"))]
assert len(rows) == 1, len(rows)
r = rows[0]
dsid = r["source"]["dataset_id"]
assert dsid in ("f219959e", "cc0d075c", "37a67448"), dsid
audio = [m for m in r["media"] if m["type"] == "audio"]
assert audio, r["media"]
path = audio[0]["path"]
path = path if os.path.isabs(path) else os.path.join(out, path)
w = wave.open(path)
secs = w.getnframes() / w.getframerate()
assert w.getframerate() >= 8000 and w.getnframes() > 0, (w.getframerate(), w.getnframes())
# the dialogue the dataset holds for this sample, read from its own annotation file
card = json.load(open(os.path.join(pool, "dataset_cards", dsid + "_card.json")))
ann = json.load(open(os.path.join(pool, card["raw_meta"]["source_json"])))
ann = ann["data"] if isinstance(ann, dict) else ann
sample = [s for s in ann if str(s.get("id")) == str(r["source"]["sample_id"])]
assert len(sample) == 1, r["source"]
def get(o, path):
    for k in path.split("."):
        o = o[int(k)] if isinstance(o, list) else o.get(k, {})
    return o
roles = card["meta"]["fields"]
role = "dialog" if "dialog" in roles else "context"
text = json.dumps([get(sample[0], p) for p in roles[role]["paths"]])
words = len(text.split())
# speech runs at 1.5-4 words a second: a clip of the whole dialogue, not a word or a stub
assert words / 6.0 <= secs <= words / 1.0 + 10, (secs, words)
' "$POOL" "$ws/out/spoken_next_reply_v1"
finish
