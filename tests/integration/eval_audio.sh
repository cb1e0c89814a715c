#!/usr/bin/env bash
# Issue 17 item 5: eval sends audio. Audio items (WAV files written here by
# python's wave module, independent of benchagent) are evaluated against
# ba-testserver: the server saw input_audio parts whose decoded bytes equal
# each item's file (sha256sum of the file vs the server's own base64 decode),
# a scripted model answers by the audio it received (rules on audio_sha256),
# a rerun sends nothing, a changed WAV is asked again (the cache key covers
# the audio bytes; the stored request keeps their hash, not the base64), the
# batch API carries audio the same way, ba-testserver rejects malformed audio
# parts with 400, and an Anthropic model is refused with one line naming the
# model, the modality and the item, before anything is sent.
set -u
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/audio.sh"
command -v jq >/dev/null && command -v sqlite3 >/dev/null || { echo "needs jq and sqlite3"; exit 1; }

scratch
ws=$tmp
. "$(dirname "$0")/lib/testserver.sh"
cd "$ws" || exit 1

b=out/ab
audio_bench $b media/x

# "ears" answers by the audio it received; without audio it answers 5
cat > rules.json <<J
{"rules": [
  {"when": {"model": "ears", "audio_sha256": "$lo"}, "replies": [{"content": "A 440 Hz tone.\nAnswer: 440"}]},
  {"when": {"model": "ears", "audio_sha256": "$hi"}, "replies": [{"content": "Answer: 880"}]},
  {"when": {"model": "ears", "audio": true}, "replies": [{"content": "Answer: 1000"}]},
  {"when": {"model": "ears", "audio": false}, "replies": [{"content": "Answer: 5"}]}
 ], "default": {"content": "I do not know."}, "batch": {"delay_ms": 300}}
J
start_server rules.json
cat > benchagent.yaml <<Y
providers:
  - name: local
    protocol: openai
    base_url: http://127.0.0.1:$port/v1
    model: ears
  - name: anth
    protocol: anthropic
    base_url: http://127.0.0.1:$port
    model: claude-ears
roles:
  default: local/ears
gateway:
  retry_base_ms: 20
  batch_window_ms: 100
  batch_poll_s: 0.1
evaluation:
  resamples: 100
Y

# ---- eval sends the audio ----
"$BA" --json eval $b --model local/ears > r1.json 2> r1.err
check "eval exits 0" test $? -eq 0; show_on_fail r1.err
check "every item right: the answers depended on the audio received" jqe '.models[0].accuracy == 1 and .models[0].n == 3' r1.json
stats > s1.json
check "three requests" jqe '.requests == 3' s1.json
check "the server decoded two audio parts, exactly the items' WAV files" \
  jqe --arg lo "$lo" --arg hi "$hi" --argjson nlo "$(stat -c %s $b/media/x/low.wav)" --argjson nhi "$(stat -c %s $b/media/x/high.wav)" \
  '[.audio[] | [.sha256, .bytes, .format]] | sort == ([[$lo, $nlo, "wav"], [$hi, $nhi, "wav"]] | sort)' s1.json
db=.benchagent/state.db
check "stored requests name the audio by hash, without the base64" \
  test "$(sqlite3 "$db" "select count(*) from llm_calls where request like '%\"sha256\":\"$lo\"%' and request not like '%UklGR%'")" -eq 1

# ---- a rerun sends nothing; a changed WAV is asked again ----
"$BA" --json eval $b --model local/ears > r2.json 2>/dev/null
check "rerun: nothing sent" jqe '.requests == 3' <(stats)
tone $b/media/x/low.wav 440 0.5
"$BA" --json eval $b --model local/ears > r3.json 2>/dev/null
check "changed audio bytes: that one item asked again" jqe '.requests == 4' <(stats)
check "... with the new bytes" jqe --arg s "$(sha $b/media/x/low.wav)" '.audio[-1].sha256 == $s' <(stats)
check "... and scored by them (no rule for the new bytes: 1000)" jqe '.models[0].accuracy < 1' r3.json
tone $b/media/x/low.wav 440 0.4
lo_old=$lo

# ---- Anthropic Messages cannot take audio: refused, nothing sent ----
before=$(stats | jq .requests)
"$BA" eval $b --model anth/claude-ears > an.out 2> an.err
rc=$?
check "anthropic: exit non-zero" test $rc -ne 0
check "anthropic: one line (beside the model-under-test banner)" test "$(grep -vc '^model under test:' an.err)" -eq 1
check "anthropic: names the model, the modality and the item" \
  grep -q "anth/claude-ears (protocol anthropic) cannot take audio input, which item a-1 (and 1 more items) carries" an.err
"$BA" eval $b --model local/ears --model anth/claude-ears > an2.out 2> an2.err
check "mixed models: refused as a whole" test $? -ne 0
check "anthropic: nothing was sent" test "$(stats | jq .requests)" -eq "$before"

# ---- the batch API carries audio the same way ----
mkdir -p bw && cp -r out bw/ && cp benchagent.yaml bw/
"$BA" --workspace bw --json --batch-api eval bw/out/ab --model local/ears > rb.json 2> rb.err
check "batch eval exits 0" test $? -eq 0; show_on_fail rb.err
check "batch eval: every item right" jqe '.models[0].accuracy == 1 and .requests.submitted == 3' rb.json
stats > sb.json
check "batch eval: one batch of three" jqe '(.batches | length) == 1 and .batches[0].requests == 3' sb.json
check "batch eval: the batch lines carried the WAV bytes" \
  jqe --arg lo "$lo_old" --arg hi "$hi" '[.audio[-2:][] | .sha256] | sort == ([$lo, $hi] | sort)' sb.json

# ---- unsafe media paths: the item fails, named ----
mkdir -p ub && ln -s "$ws/$b/media/x/low.wav" ub/link.wav
cat > ub/items.jsonl <<'EOF'
{"id":"u-1","question":"Q1?","answer":1,"answer_type":"numeric","media":[{"type":"audio","path":"../out/ab/media/x/low.wav"}]}
{"id":"u-2","question":"Q2?","answer":1,"answer_type":"numeric","media":[{"type":"audio","path":"link.wav"}]}
{"id":"u-3","question":"Q3?","answer":1,"answer_type":"numeric","media":[{"type":"audio","path":"x.flac","mime":"audio/flac"}]}
EOF
echo '{"id": "ub"}' > ub/manifest.json
"$BA" --json eval ub --model local/ears > ru.json 2> ru.err
check "unsafe audio paths: nothing scored" jqe '.requests.failed == 3 and .requests.submitted == 0' ru.json
check "unsafe audio: leaves the folder" grep -q "item u-1: media\[0\].path is missing or leaves the benchmark folder" ru.err
check "unsafe audio: symlink out" grep -q "item u-2: media\[0\] link.wav resolves outside the benchmark folder" ru.err
check "unsafe audio: not WAV/MP3" grep -q "item u-3: media\[0\] x.flac: audio must be WAV or MP3" ru.err

# ---- ba-testserver checks audio parts ----
url=http://127.0.0.1:$port/v1/chat/completions
good=$(base64 -w0 $b/media/x/high.wav)
post() { # post JSON_PART [URL]: prints the HTTP status
  printf '{"model":"ears","messages":[{"role":"user","content":[{"type":"text","text":"hi"},%s]}]}' "$1" > body.json
  curl -s -o resp.json -w '%{http_code}' -H 'content-type: application/json' --data-binary @body.json "${2:-$url}"
}
part() { printf '{"type":"input_audio","input_audio":{"data":"%s","format":"%s"}}' "$1" "$2"; }
check "server: a good WAV part is 200" test "$(post "$(part "$good" wav)")" = 200
check "server: ... and answered by its bytes" jqe '.choices[0].message.content == "Answer: 880"' resp.json
check "server: invalid base64 is 400" test "$(post "$(part "${good:0:40}!!!!" wav)")" = 400
check "server: ... saying so" jqe '.error.message | test("not valid base64")' resp.json
check "server: unpadded base64 is 400" test "$(post "$(part "UklGRg" wav)")" = 400
check "server: a data: URL is 400" test "$(post "$(part "data:audio/wav;base64,$good" wav)")" = 400
check "server: not a WAV is 400" test "$(post "$(part "$(printf 'hello world, not audio at all; 44 bytes or more...' | base64 -w0)" wav)")" = 400
check "server: ... saying so" jqe '.error.message | test("RIFF/WAVE")' resp.json
head -c 1000 $b/media/x/high.wav > cut.wav
check "server: a cut WAV is 400" test "$(post "$(part "$(base64 -w0 cut.wav)" wav)")" = 400
check "server: an unknown format is 400" test "$(post "$(part "$good" flac)")" = 400
check "server: no format is 400" test "$(post '{"type":"input_audio","input_audio":{"data":"'"$good"'"}}')" = 400
check "server: no data is 400" test "$(post '{"type":"input_audio","input_audio":{"format":"wav"}}')" = 400
check "server: WAV bytes labelled mp3 is 400" test "$(post "$(part "$good" mp3)")" = 400
check "server: Anthropic Messages rejects audio blocks" \
  test "$(printf '{"model":"c","max_tokens":5,"messages":[{"role":"user","content":[%s]}]}' "$(part "$good" wav)" > body.json;
          curl -s -o resp.json -w '%{http_code}' --data-binary @body.json http://127.0.0.1:$port/v1/messages)" = 400
finish
