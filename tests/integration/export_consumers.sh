#!/usr/bin/env bash
# Issue 12 items 2, 8, 9, 11: `export --format all` on a benchmark with
# image and text items, checked against the rules the consuming tools'
# own source applies (read with fetch; quoted in docs/export.md), from
# another working directory and after moving the export folders:
#   datasets: README YAML configs + dataset_info.features; json builder
#     casts rows to the declared schema; imagefolder joins file_name to the
#     metadata file's folder.
#   lm-eval: data_files handed to load_dataset as is (relative = cwd);
#     RegexFilter keeps re.findall(pattern)[group_select].
#   inspect_ai: json_dataset resolves relative image paths against the
#     samples file's folder.
#   reference: evaluation.json records {subtask_id, dataset_id, idx, id, sample}.
# An image-only benchmark: lm-eval skipped with a warning, exit 0.
# An audio benchmark (issue 17): the audiofolder layout and Audio feature,
# inspect ContentAudio, openai-batch input_audio, the reference audio_url;
# images and audio together: hf skipped with the reason.
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
b="$tmp/bench"
mkdir -p "$b/media/a" "$b/media/b"
printf 'first image' > "$b/media/a/x.png"
printf 'second image' > "$b/media/b/x.png"
cat > "$b/items.jsonl" <<'EOF'
{"id":"t-1","subtask":"st1","question":"What is 2+3?","choices":["4","6","5","7"],"answer":"C","answer_type":"choice","difficulty":1,"source":{"kind":"generator","generator":"sums","seed":1}}
{"id":"t-2","subtask":"st2","context":"Today is Monday.","question":"Which day is in 3 days?","answer":"Thursday","answer_type":"short","difficulty":2,"source":{"kind":"dataset","dataset_id":"d1","sample_id":"s9","index":8}}
{"id":"t-3","subtask":"st3","question":"How many bars?","answer":4,"answer_type":"numeric","media":[{"type":"image","path":"media/a/x.png"}]}
{"id":"t-4","subtask":"st3","question":"Is it red?","answer":true,"answer_type":"binary","media":[{"type":"image","path":"media/b/x.png"}]}
EOF
echo '{"id": "toy"}' > "$b/manifest.json"

mkdir -p "$tmp/elsewhere"
(cd "$tmp/elsewhere" && "$BA" export "$b" --format all > "$tmp/out.txt" 2> "$tmp/err.txt")
check "export all exits 0" test $? -eq 0
for f in hf/README.md hf/data/test/metadata.jsonl lm-eval/toy.yaml inspect/samples.jsonl \
         openai-batch/requests.jsonl reference/evaluation.json; do
  test -s "$b/exports/$f"; check "writes exports/$f" test $? -eq 0
done
check "no temporary folders left" test -z "$(ls -A "$b/exports" | grep '^\.')"

# move every export folder away, then check from yet another folder
mkdir -p "$tmp/moved"
mv "$b/exports/hf" "$b/exports/inspect" "$b/exports/reference" "$tmp/moved/"
cd "$tmp/elsewhere"
python3 - "$tmp/moved" "$b/exports" <<'PY'
import glob, json, os, re, sys, yaml
moved, exports = sys.argv[1], sys.argv[2]

def header(path):
    text = open(path).read()
    assert text.startswith("---\n"), path
    return yaml.safe_load(text.split("---\n")[1])

# ---- Hugging Face: configs + declared features, imagefolder layout ----
hf = os.path.join(moved, "hf")
card = header(os.path.join(hf, "README.md"))
for key in ("license", "language", "task_categories", "tags", "pretty_name", "dataset_info", "configs"):
    assert key in card, "card lacks " + key
assert card["task_categories"] == ["visual-question-answering"]
feats = {f["name"]: f for f in card["dataset_info"]["features"]}
assert feats["image"]["dtype"] == "image", feats.get("image")
assert feats["choices"]["sequence"] == "string"
cfg = card["configs"][0]
pattern = cfg["data_files"][0]["path"]
files = glob.glob(os.path.join(hf, pattern), recursive=True)
meta = [f for f in files if os.path.basename(f) == "metadata.jsonl"]
imgs = [f for f in files if f.endswith(".png")]
assert len(meta) == 1 and len(imgs) == 2, (pattern, files)
rows = [json.loads(l) for l in open(meta[0])]
assert len(rows) == 4
pytype = {"string": str, "int64": int}
for r in rows:
    # the folder builder turns file_name into the image column
    fn = r.pop("file_name")
    assert set(r) | {"image"} == set(feats), (sorted(r), sorted(feats))
    for k, v in r.items():
        f = feats[k]
        if "dtype" in f:
            assert isinstance(v, pytype[f["dtype"]]), (k, v)
        else:
            assert isinstance(v, list) and all(isinstance(x, str) for x in v), (k, v)
    if fn is not None:
        # folder_based_builder: no "://", not absolute, no "..", joined to the metadata folder
        assert "://" not in fn and not os.path.isabs(fn)
        assert not os.path.normpath(fn).startswith("..")
        assert os.path.isfile(os.path.join(os.path.dirname(meta[0]), fn)), fn
paths = sorted(open(os.path.join(os.path.dirname(meta[0]), r)).read() for r in
               [json.loads(l)["file_name"] for l in open(meta[0]) if json.loads(l)["file_name"]])
assert paths == ["first image", "second image"], paths  # same base name, two files
assert rows[0]["answer"] == "C" and rows[0]["choices"] == ["4", "6", "5", "7"]
assert rows[2]["answer"] == "4"
# a binary key is the word eval asks for (yes/no), never JSON's "true"
assert rows[3]["answer"] == "yes", rows[3]["answer"]

# ---- lm-eval: absolute data_files, last-"Answer:" regex ----
lm = os.path.join(exports, "lm-eval")
for task in ("toy_mc", "toy_gen"):
    y = yaml.safe_load(open(os.path.join(lm, task + ".yaml")))
    df = y["dataset_kwargs"]["data_files"]["test"]
    assert os.path.isabs(df) and os.path.isfile(df), df
    docs = [json.loads(l) for l in open(df)]
    assert len(docs) == 1
    if task == "toy_mc":
        assert docs[0]["letters"][docs[0]["target_index"]] == "C"
    else:
        f = y["filter_list"][0]["filter"][0]
        rx, sel = re.compile(f["regex_pattern"]), f["group_select"]
        # what our scorer takes (tests/unit/test_eval_extract.c): the last answer line
        cases = {"Answer: Tuesday\nNo wait.\nAnswer: Thursday": "Thursday",
                 "so the answer is: Thursday": "Thursday",
                 "Final answer: Thursday": "Thursday",
                 "**Answer:** Thursday": "Thursday",
                 "Answer:\nThursday": "Thursday"}
        for reply, want in cases.items():
            got = rx.findall(reply)[sel].strip()
            assert got.strip("*").strip() == want, (reply, got)
        assert docs[0]["answer"] == "Thursday"
group = yaml.safe_load(open(os.path.join(lm, "toy.yaml")))
assert sorted(group["task"]) == ["toy_gen", "toy_mc"]

# ---- inspect_ai: relative media resolved against the samples file ----
ins = os.path.join(moved, "inspect", "samples.jsonl")
samples = [json.loads(l) for l in open(ins)]
assert samples[0]["target"] == "C" and samples[0]["choices"] == ["4", "6", "5", "7"]
assert samples[3]["target"] == "yes", samples[3]["target"]
for s in samples[2:]:
    part = s["input"][0]["content"][0]
    assert part["type"] == "image" and not os.path.isabs(part["image"])
    assert os.path.isfile(os.path.join(os.path.dirname(ins), part["image"])), part

# ---- reference evaluation.json ----
ev = json.load(open(os.path.join(moved, "reference", "evaluation.json")))
assert [list(r) for r in ev] == [["subtask_id", "dataset_id", "idx", "id", "sample"]] * 4
assert ev[0]["sample"]["input"]["question"].endswith("\nOptions:\nA) 4\nB) 6\nC) 5\nD) 7")
assert ev[0]["sample"]["output"] == {"answer": "C"} and ev[0]["dataset_id"] == "generator:sums"
assert ev[1]["dataset_id"] == "d1" and ev[1]["idx"] == 8 and ev[1]["id"] == "s9"
assert ev[1]["sample"]["input"]["context"] == "Today is Monday."
assert ev[3]["sample"]["output"]["answer"] == "yes"
for r in ev[2:]:
    assert os.path.isfile(os.path.join(moved, "reference", r["sample"]["input"]["image_url"]))
PY
check "exports follow the consumers' rules after moving" test $? -eq 0

# image-only benchmark: lm-eval does not apply
b2="$tmp/img"
mkdir -p "$b2/media"
printf 'png' > "$b2/media/i.png"
echo '{"id":"i-1","question":"Count?","answer":"2","answer_type":"numeric","media":[{"type":"image","path":"media/i.png"}]}' > "$b2/items.jsonl"
"$BA" export "$b2" > "$tmp/out2.txt" 2> "$tmp/err2.txt"
check "image-only export all exits 0" test $? -eq 0
grep -q "warning: export lm-eval skipped: no text items" "$tmp/err2.txt"
check "warns that lm-eval does not apply" test $? -eq 0
test -s "$b2/exports/hf/data/test/metadata.jsonl" && test -s "$b2/exports/inspect/samples.jsonl"
check "the other formats are written" test $? -eq 0
"$BA" export "$b2" --format lm-eval > /dev/null 2> "$tmp/err3.txt"
check "lm-eval by name fails" test $? -ne 0

# a media symlink out of the benchmark folder is refused
ln -sf /etc/passwd "$b2/media/i.png"
"$BA" export "$b2" --format hf > /dev/null 2> "$tmp/err4.txt"
check "symlink out of the folder refused" test $? -ne 0
grep -q "outside the benchmark" "$tmp/err4.txt"
check "error names it" test $? -eq 0
grep -rq "root:" "$b2/exports/hf"
check "nothing of /etc/passwd exported" test $? -ne 0

# ---- audio (issue 17): HF audiofolder + Audio feature, inspect ContentAudio,
# openai-batch input_audio, the reference's audio_url; checked by the same rules ----
b3="$tmp/aud"
mkdir -p "$b3/media/x" "$b3/media/y"
python3 - "$b3/media/x/a.wav" "$b3/media/y/a.wav" <<'PY'
import math, struct, sys, wave
for n, path in enumerate(sys.argv[1:]):
    w = wave.open(path, "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * (440 + 220 * n) * i / 16000)))
                           for i in range(4000 + 800 * n)))
    w.close()
PY
cat > "$b3/items.jsonl" <<'JL'
{"id":"a-1","subtask":"listen","question":"How many beeps?","answer":3,"answer_type":"numeric","media":[{"type":"audio","path":"media/x/a.wav","mime":"audio/wav"}]}
{"id":"a-2","subtask":"listen","question":"Which tone is higher?","choices":["first","second"],"answer":"B","answer_type":"choice","media":[{"type":"audio","path":"media/y/a.wav","mime":"audio/wav"}]}
{"id":"t-3","subtask":"text","question":"What is 2+2?","answer":"4","answer_type":"short"}
JL
echo '{"id": "aud"}' > "$b3/manifest.json"
(cd "$tmp/elsewhere" && "$BA" export "$b3" --format all > "$tmp/out5.txt" 2> "$tmp/err5.txt")
check "audio export all exits 0" test $? -eq 0
check "audio export: no format skipped" test ! -s "$tmp/err5.txt"
mkdir -p "$tmp/moved3"
mv "$b3/exports/hf" "$b3/exports/inspect" "$b3/exports/reference" "$b3/exports/openai-batch" "$tmp/moved3/"
(cd "$tmp/elsewhere" && python3 - "$tmp/moved3" "$b3" "$b3/exports" <<'PY'
import base64, glob, io, json, os, sys, wave, yaml
moved, bench, exports = sys.argv[1:]
src = {p: open(os.path.join(bench, p), "rb").read() for p in ("media/x/a.wav", "media/y/a.wav")}
def is_wav(data):
    w = wave.open(io.BytesIO(data)); return w.getnframes() > 0 and w.getframerate() == 16000

# ---- HF: README configs + dataset_info.features, audiofolder layout ----
hf = os.path.join(moved, "hf")
card = yaml.safe_load(open(os.path.join(hf, "README.md")).read().split("---\n")[1])
feats = {f["name"]: f for f in card["dataset_info"]["features"]}
# features.py _from_yaml_list: a dtype string that is no Value type -> snakecase_to_camelcase -> Audio
value_types = {"null", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
               "float32", "float64", "string", "large_string", "binary", "large_binary"}
assert feats["audio"] == {"name": "audio", "dtype": "audio"} and "audio" not in value_types, feats.get("audio")
assert "image" not in feats
assert card["task_categories"] == ["question-answering"] and "audio" in card["tags"]
pattern = card["configs"][0]["data_files"][0]["path"]
files = glob.glob(os.path.join(hf, pattern), recursive=True)
meta = [f for f in files if os.path.basename(f) == "metadata.jsonl"]
data = [f for f in files if os.path.basename(f) != "metadata.jsonl" and os.path.isfile(f)]
# load.py infer_module_for_data_files_list: the most common extension, metadata files ignored;
# ".wav" is one of AudioFolder.EXTENSIONS -> the audiofolder builder, base column "audio"
exts = [os.path.splitext(f)[1].lower() for f in data]
assert len(meta) == 1 and exts == [".wav", ".wav"], files
rows = [json.loads(l) for l in open(meta[0])]
assert len(rows) == 3
got = []
for r in rows:
    fn = r.pop("file_name")            # _set_feature: file_name -> the "audio" column
    assert set(r) | {"audio"} == set(feats), (sorted(r), sorted(feats))
    if fn is None:
        assert r["id"] == "t-3"
        continue
    # _generate_examples: no "://", not absolute, no "..", joined to the metadata folder
    assert "://" not in fn and not os.path.isabs(fn) and not os.path.normpath(fn).startswith("..")
    got.append(open(os.path.join(os.path.dirname(meta[0]), fn), "rb").read())
assert sorted(got) == sorted(src.values()) and all(is_wav(g) for g in got)

# ---- inspect_ai: ContentAudio {type: "audio", audio, format}, resolved against samples.jsonl ----
ins = os.path.join(moved, "inspect", "samples.jsonl")
samples = {s["id"]: s for s in (json.loads(l) for l in open(ins))}
for sid, rel in (("a-1", "media/x/a.wav"), ("a-2", "media/y/a.wav")):
    parts = samples[sid]["input"][0]["content"]
    a = parts[0]
    # ContentAudio: type Literal["audio"], audio: str, format: Literal["wav", "mp3"]
    assert set(a) == {"type", "audio", "format"} and a["type"] == "audio" and a["format"] == "wav", a
    assert not os.path.isabs(a["audio"])
    assert open(os.path.join(os.path.dirname(ins), a["audio"]), "rb").read() == src[rel]
    assert parts[-1]["type"] == "text"
assert samples["a-2"]["target"] == "B" and isinstance(samples["t-3"]["input"], str)

# ---- openai-batch: input_audio parts, raw base64 (no data: prefix), format wav ----
lines = {l["custom_id"]: l for l in (json.loads(x) for x in open(os.path.join(moved, "openai-batch", "requests.jsonl")))}
for sid, rel in (("a-1", "media/x/a.wav"), ("a-2", "media/y/a.wav")):
    content = lines[sid]["body"]["messages"][0]["content"]
    ia = [p for p in content if p["type"] == "input_audio"]
    assert len(ia) == 1 and set(ia[0]["input_audio"]) == {"data", "format"}, content
    assert ia[0]["input_audio"]["format"] == "wav" and not ia[0]["input_audio"]["data"].startswith("data:")
    assert base64.b64decode(ia[0]["input_audio"]["data"], validate=True) == src[rel]
    assert not [p for p in content if p["type"] == "image_url"]

# ---- reference: sample.input.audio_url (one file: a string), relative to the export ----
ev = {r["id"]: r for r in json.load(open(os.path.join(moved, "reference", "evaluation.json")))}
for sid, rel in (("a-1", "media/x/a.wav"), ("a-2", "media/y/a.wav")):
    inp = ev[sid]["sample"]["input"]
    assert set(inp) == {"question", "audio_url"}, inp
    assert not os.path.isabs(inp["audio_url"])
    assert open(os.path.join(moved, "reference", inp["audio_url"]), "rb").read() == src[rel]
assert set(ev["t-3"]["sample"]["input"]) == {"question"}

# ---- lm-eval: the audio items are left out (text tasks) ----
y = yaml.safe_load(open(os.path.join(exports, "lm-eval", "aud_gen.yaml")))
docs = [json.loads(l) for l in open(y["dataset_kwargs"]["data_files"]["test"])]
assert [d["answer"] for d in docs] == ["4"], docs
mc = os.path.join(exports, "lm-eval", "aud_mc.yaml")
assert not os.path.exists(mc) or not open(yaml.safe_load(open(mc))["dataset_kwargs"]["data_files"]["test"]).read()
PY
)
check "audio exports follow the consumers' rules after moving" test $? -eq 0

# images and audio in one benchmark: hf cannot hold both in one split
printf 'png' > "$b3/media/i.png"
echo '{"id":"i-9","question":"Count?","answer":"2","answer_type":"numeric","media":[{"type":"image","path":"media/i.png"}]}' >> "$b3/items.jsonl"
"$BA" export "$b3" > /dev/null 2> "$tmp/err6.txt"
check "mixed image+audio: export all still exits 0" test $? -eq 0
grep -q "warning: export hf skipped: items carry both images and audio" "$tmp/err6.txt"
check "mixed image+audio: hf skipped with the reason" test $? -eq 0
"$BA" export "$b3" --format hf > /dev/null 2> "$tmp/err7.txt"
check "mixed image+audio: hf by name fails" test $? -ne 0
finish
