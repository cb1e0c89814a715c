# Audio fixtures for integration tests, written by python3's wave module
# (independent of benchagent):
#   tone FILE HZ SECONDS   a 16 kHz mono 16-bit sine WAV
#   sha FILE               the file's sha256
#   audio_bench DIR MEDIA  a benchmark in DIR (manifest id: DIR's name) of
#                          three numeric items: a-1 asks the frequency of
#                          MEDIA/low.wav (440 Hz, 0.4 s), a-2 of MEDIA/high.wav
#                          (880 Hz, 0.3 s), t-1 is text (2+3 = 5); MEDIA is
#                          relative to DIR. Sets $lo and $hi to the WAVs' sha256.
tone() {
  python3 - "$@" <<'PY'
import math, struct, sys, wave
path, hz, secs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
w = wave.open(path, "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * hz * i / 16000)))
                       for i in range(int(16000 * secs))))
w.close()
PY
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
audio_bench() {
  local dir=$1 media=$2
  mkdir -p "$dir/$media"
  tone "$dir/$media/low.wav" 440 0.4
  tone "$dir/$media/high.wav" 880 0.3
  cat > "$dir/items.jsonl" <<EOF2
{"id":"a-1","subtask":"pitch","question":"Listen to the audio. What is the tone's frequency in Hz?","answer":440,"answer_type":"numeric","media":[{"type":"audio","path":"$media/low.wav","mime":"audio/wav"}]}
{"id":"a-2","subtask":"pitch","question":"Listen to the audio. What frequency does the tone have, in Hz?","answer":880,"answer_type":"numeric","media":[{"type":"audio","path":"$media/high.wav","mime":"audio/wav"}]}
{"id":"t-1","subtask":"text","question":"What is 2+3?","answer":5,"answer_type":"numeric"}
EOF2
  printf '{"id": "%s"}\n' "$(basename "$dir")" > "$dir/manifest.json"
  lo=$(sha "$dir/$media/low.wav")
  hi=$(sha "$dir/$media/high.wav")
}
