#!/usr/bin/env bash
# Issue 17 item 5: the review page and the report play audio, rendered in
# headless Chromium. Audio items (WAV files written by python's wave module)
# are evaluated against ba-testserver, then
#  - the review item page has an <audio controls> element whose src the
#    browser loads from the server with 200 and Content-Type audio/wav (read
#    from Chromium's own net log), no console error (CSP refusals included);
#  - the served bytes equal the file; a symlink in media/ (even to a file
#    inside the benchmark) and a path leaving media/ are refused;
#  - the report file's and the served report's transcripts show the audio
#    sent as a player whose data URL decodes to exactly the item's file.
set -u
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/audio.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
BR="python3 $LIB/browser.py"

scratch
ws=$tmp
. "$(dirname "$0")/lib/testserver.sh"
rv_pid=
at_exit '[ -n "$rv_pid" ] && kill "$rv_pid" 2>/dev/null'
cd "$ws" || exit 1

b=out/ra
audio_bench $b media
cat > rules.json <<J
{"rules": [
  {"when": {"model": "ears", "audio_sha256": "$lo"}, "replies": [{"content": "Answer: 440"}]},
  {"when": {"model": "ears", "audio_sha256": "$hi"}, "replies": [{"content": "Answer: 880"}]}
 ], "default": {"content": "Answer: 5"}}
J
start_server rules.json
workspace -m ears . "evaluation:
  resamples: 100"
"$BA" --json eval $b --model local/ears > ev.json 2> ev.err
check "eval exits 0" test $? -eq 0
check "eval: every item right (the server answered by the audio)" jqe '.models[0].accuracy == 1' ev.json

# the <audio> data URLs of a DOM: their decoded bytes' sha256, in order
players() {
  python3 - "$1" <<'PY'
import base64, hashlib, re, sys
dom = open(sys.argv[1]).read()
for m in re.finditer(r'<audio\b[^>]*\bcontrols\b[^>]*\bsrc="data:audio/wav;base64,([A-Za-z0-9+/=]+)"', dom):
    print(hashlib.sha256(base64.b64decode(m.group(1), validate=True)).hexdigest())
PY
}

# ---- the report file ----
"$BA" report $b -o rep.html > rep.out 2> rep.err
check "report exits 0" test $? -eq 0
$BR "file://$ws/rep.html" --dom rep.dom > rep.json
check "report: no console error, no request" jqe '.console == [] and .requests == []' rep.json
check "report: the transcripts play exactly the audio each item sent" \
  test "$(players rep.dom | sort | tr '\n' ' ')" = "$(printf '%s\n' "$lo" "$hi" | sort | tr '\n' ' ')"

# ---- the review server ----
"$BA" --json review $b --port 0 > rv.out 2> rv.err & rv_pid=$!
for i in $(seq 100); do [ -s rv.out ] && break; sleep 0.1; done
R="http://127.0.0.1:$(jq -r .port rv.out)"
$BR "$R/item?id=a-1" --dom item.dom > item.json
check "item page: no console error (CSP included)" jqe '.console == []' item.json
check "item page: an audio player of the item's file" grep -q '<audio controls="" preload="metadata" class="media" src="/media/low.wav">' item.dom
check "item page: the browser loaded its src: 200, audio/wav" \
  jqe --arg u "$R/media/low.wav" '[.responses[] | select(.url == $u)] | length > 0 and all(.status == 200 and .content_type == "audio/wav")' item.json
curl -s -o got.wav "$R/media/low.wav"
check "served bytes equal the file" cmp -s got.wav $b/media/low.wav
code() { curl -s -o /dev/null -w '%{http_code}' "$R$1"; }
ln -s low.wav $b/media/link.wav
ln -s ../items.jsonl $b/media/items.wav
check "a symlink in media/ is refused" test "$(code /media/link.wav)" = 404
check "a symlink to a file of the benchmark is refused" test "$(code /media/items.wav)" = 404
check "a path out of media/ is refused" test "$(code /media/../items.jsonl)" != 200
check "a path out of media/ is refused (encoded)" test "$(code /media/%2e%2e/items.jsonl)" != 200
$BR "$R/report/transcripts?id=a-2" --dom tx.dom > tx.json
check "served transcripts: no console error (CSP allows data: audio)" jqe '.console == []' tx.json
check "served transcripts: the audio sent, byte for byte" test "$(players tx.dom)" = "$hi"
finish
