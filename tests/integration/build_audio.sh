#!/usr/bin/env bash
# An offline build of a listening request (no model) makes real WAV items:
# every item's audio is a file in the benchmark's media/ folder, a valid
# RIFF/WAVE at 16 kHz mono 16-bit (read here by Python's wave module), its
# SHA-256 what the item says, the recognition check (WER) and the SNR
# recorded per item; the keys are derived again by the generators'
# independent solvers (gen solve), a planted wrong key is caught; a rerun
# reuses every item byte for byte. The shared mixed-language speech
# request (its description, a smaller size) builds offline too, from the
# mixed-language dialogue generator, with recognition marked not possible
# for the languages pocketsphinx does not model.
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
ws=$tmp
q="$BA_SOURCE_DIR/tests/data/gen/listening.json"
out="$ws/out/listening_v1"

env -u OPENAI_API_KEY "$BA" build "$q" --workspace "$ws" -q > "$ws/build.txt" 2> "$ws/build.err"
check "listening build exits 0" test $? -eq 0
check "8 items" test "$(wc -l < "$out/items.jsonl" 2>/dev/null || echo 0)" -eq 8

cat > "$ws/check.py" <<'PY'
import hashlib, json, os, sys, wave
out, want_gens = sys.argv[1], sys.argv[2].split(",")
items = [json.loads(l) for l in open(os.path.join(out, "items.jsonl"))]
gens = set()
for it in items:
    gens.add(it["source"]["generator"])
    aud = [m for m in it["media"] if m["type"] == "audio"]
    assert len(aud) == 1, it["id"]
    m = aud[0]
    path = os.path.join(out, m["path"])
    data = open(path, "rb").read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", path
    assert hashlib.sha256(data).hexdigest() == m["sha256"], path
    with wave.open(path) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        secs = w.getnframes() / 16000.0
    assert abs(secs - m["seconds"]) < 0.01 and secs > 0.5, (secs, m["seconds"])
    sp = m["speech"]
    said = [s for s in it["scene"]["segments"] if "say" in s]
    english = [s for s in said if s.get("lang", "en") == "en"]
    assert sp["asr_possible"] == all(s.get("lang", "en") == "en" for s in said), it["id"]
    checked = [s for s in sp["segments"] if s["asr"] == "checked"]
    assert len(checked) == len(english), it["id"]
    assert all(s["wer"] <= 0.25 for s in checked), it["id"]
    assert all(s["asr"] == "not_possible" for s in sp["segments"] if s["lang"] != "en"), it["id"]
    if english:
        assert sp["wer"] is not None and sp["wer"] <= 0.25, it["id"]
    if "noise" in it["scene"]:
        assert m["snr"] is not None and abs(m["snr"]["measured"] - m["snr"]["target"]) <= 0.5, m["snr"]
    else:
        assert m["snr"] is None
    assert m["clipped_samples"] == 0
    # the question never says what the audio carries
    for s in said:
        assert s["say"].lower() not in it["question"].lower(), it["id"]
    step = it["provenance"]["steps"][0]
    assert step["tool"] == "generator" and "wer" in step["audio"] and "snr" in step["audio"], step
for g in want_gens:
    assert g in gens, (g, gens)
print(len(items))
PY
python3 "$ws/check.py" "$out" spoken_arithmetic,digit_recall,count_beeps,tone_compare > /dev/null
check "WAV files valid (RIFF/WAVE 16 kHz mono 16-bit, hashes), WER and SNR recorded per item" test $? -eq 0

"$BA" gen solve "$out" > "$ws/solve.txt"
check "every key derived again by the independent solvers" test $? -eq 0
grep -q "8 of 8 generator items solved independently" "$ws/solve.txt"
check "gen solve reports 8 of 8" test $? -eq 0
python3 - "$out/items.jsonl" "$ws/wrong.jsonl" <<'PY'
import json, sys
items = [json.loads(l) for l in open(sys.argv[1])]
for it in items:
    if it["source"]["generator"] == "count_beeps":
        it["answer"] = str(int(it["answer"]) + 1)
        break
open(sys.argv[2], "w").write("".join(json.dumps(i) + "\n" for i in items))
PY
"$BA" gen solve "$ws/wrong.jsonl" > /dev/null 2>&1
check "a planted wrong beep count fails gen solve" test $? -eq 1

cp "$out/items.jsonl" "$ws/first.jsonl"
env -u OPENAI_API_KEY "$BA" build "$q" --workspace "$ws" > "$ws/again.txt" 2>/dev/null
grep -q "0 new, 8 reused" "$ws/again.txt" ; check "rerun reuses every item" test $? -eq 0
cmp -s "$ws/first.jsonl" "$out/items.jsonl" ; check "rerun gives byte-identical items.jsonl" test $? -eq 0

# the shared speech request, offline: the mixed-language dialogue generator
python3 - "$BA_SHARED_DIR/queries/mixed_language_conversation.json" "$ws/speech.json" <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))
q["target_size"] = 6
json.dump(q, open(sys.argv[2], "w"))
PY
sid=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$ws/speech.json")
env -u OPENAI_API_KEY "$BA" build "$ws/speech.json" --workspace "$ws" -q > /dev/null 2> "$ws/speech.err"
check "the shared speech request builds offline" test $? -eq 0
grep -q '"gen:mixed_language_dialogue"' "$ws/out/$sid/plan.json"
check "its plan uses the mixed-language dialogue generator" test $? -eq 0
python3 "$ws/check.py" "$ws/out/$sid" mixed_language_dialogue > /dev/null
check "its WAV items are valid, with recognition marked not possible for other languages" test $? -eq 0
python3 - "$ws/out/$sid/items.jsonl" <<'PY'
import json, sys
items = [json.loads(l) for l in open(sys.argv[1])]
langs = {s["lang"] for it in items for s in it["scene"]["segments"] if "say" in s}
assert len(langs - {"en"}) >= 2, langs
assert any(not m["speech"]["asr_possible"] for it in items for m in it["media"])
PY
check "several languages spoken, recognition said not possible" test $? -eq 0
"$BA" gen solve "$ws/out/$sid" > /dev/null
check "its keys are derived again by the solver" test $? -eq 0

finish
