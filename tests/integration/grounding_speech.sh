#!/bin/bash
# The speech request (../shared/queries/mixed_language_conversation.json) with the executor's real
# tool table: planned with the mock, every subtask keeps its audio; the dialogue subtasks are grounded
# on written dialogues through text_to_speech (the plan's transformation names the tool); only the
# subtask about several languages may instead be grounded on the mixed-language dialogue generator
# (with the mock's choice subtasks the dry build refuses it: it makes no options). Then a one-item
# speech request (tests/data/grounding/spoken_dialogue.json: synthesis and recognition are slow
# under the sanitizers, and the shared request's long TV-scene dialogues take minutes an item) is
# built, and its audio is checked independently of the code that made it: a real WAV file
# (python's wave module) whose length fits the dialogue the dataset's own annotation file holds
# for the item's sample (the whole dialogue is spoken, not the question or a stub).
# Then the built item is evaluated against ba-testserver: its WAV arrives as an input_audio part.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
Q=$BA_SHARED_DIR/queries/mixed_language_conversation.json
scratch
. "$(dirname "$0")/lib/testserver.sh"

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
names = {s["id"]: s["name"] for s in p["subtasks"]}
spoken = mixed = 0
for g in acc:
    if g["source"] == "gen:mixed_language_dialogue":
        # the subtask about several languages: the generator makes speech itself
        assert "languages" in names[g["subtask"]], (g, names)
        assert "text_to_speech" not in [t["tool"] for t in g["transformation"]], g
        mixed += 1
        continue
    assert g["source"] in dialogues, g["source"]
    assert "text_to_speech" in [t["tool"] for t in g["transformation"]], g
    assert g["via"][0]["tool"] == "text_to_speech", g
    spoken += 1
# the dialogue datasets carry the dialogue subtasks; the generator may take the languages one
assert spoken >= 1, (spoken, mixed)
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

# the built item through eval (issue 17 item 5): its WAV goes to ba-testserver as an input_audio
# part, byte for byte (the server's own base64 decode, by sha256sum of the file), and a model that
# answers by the audio it received is scored right
out=$ws/out/spoken_next_reply_v1
wav=$(python3 -c '
import json, os, sys
r = json.loads(open(os.path.join(sys.argv[1], "items.jsonl")).readline())
print([m["path"] for m in r["media"] if m["type"] == "audio"][0])' "$out")
sha=$(sha256sum "$out/$wav" | cut -d' ' -f1)
ans=$(jq -r '.answer' "$out/items.jsonl")
printf '{"rules": [{"when": {"audio_sha256": "%s"}, "replies": [{"content": "Answer: %s"}]}], "default": {"content": "Answer: none"}}\n' \
  "$sha" "$ans" > "$tmp/rules.json"
start_server "$tmp/rules.json"
workspace -m ears "$ws" "evaluation:
  resamples: 50"
(cd "$ws" && "$BA" --json eval "$out" --model local/ears > "$tmp/ev.json" 2> "$tmp/ev.err")
check "speech: eval of the built item exits 0" test $? -eq 0
check "speech: the model heard the item's audio and answered right" \
  test "$(jq '.models[0].accuracy' "$tmp/ev.json")" = 1
check "speech: the server got exactly the item's WAV" \
  test "$(stats | jq -r '[.audio[].sha256] | join(" ")')" = "$sha"
finish
