#!/usr/bin/env bash
# Issue 12 item 4: a refresh that fails half-way leaves no versions/vN
# behind (before: every rerun then refused with "already exists"); once
# the cause is fixed the rerun makes vN. Versions are written in a
# temporary folder and renamed into place.
set -u
. "$(dirname "$0")/lib/common.sh"
scratch
. "$(dirname "$0")/lib/testserver.sh"
cd "$tmp" || exit 1
mkdir -p out/rb/media
for i in 1 2 3 4; do
  printf '{"id":"rb-%d","subtask":"s","question":"What is %d times 3? (R%d)","answer":"%d","answer_type":"numeric"}\n' \
    "$i" "$i" "$i" $((i * 3))
done > out/rb/items.jsonl
echo '{"id":"rb-5","subtask":"s","question":"How many dots? (R5)","answer":"3","answer_type":"numeric","media":[{"type":"image","path":"media/dots.png"}]}' >> out/rb/items.jsonl
printf 'png bytes' > out/rb/media/dots.png
printf '{"id": "rb"}\n' > out/rb/manifest.json
echo '{"rules": [{"when": {"body_contains": "(R1)"}, "replies": [{"content": "Answer: 3"}]}], "default": {"content": "Answer: 0"}}' > rules.json
start_server rules.json
workspace -R -m m -g "retry_base_ms: 5" . "evaluation:
  resamples: 100"
"$BA" --workspace "$tmp" eval out/rb --model local/m > eval.txt 2> eval.err
check "eval ran" test -s eval.txt
# the kept image item's file now leads out of the folder: the copy fails mid-way
rm out/rb/media/dots.png
ln -s /etc/hostname out/rb/media/dots.png
"$BA" --workspace "$tmp" refresh out/rb > r1.txt 2> r1.err
check "refresh fails on the media symlink" test $? -ne 0
grep -q "outside" r1.err
check "the error names the cause" test $? -eq 0
check "no versions/v2 left behind" test ! -e out/rb/versions/v2
check "no temporary folder left behind" test -z "$(ls -A out/rb/versions 2>/dev/null)"
"$BA" --workspace "$tmp" refresh out/rb > r2.txt 2> r2.err
grep -q "already exists" r2.err
check "a rerun does not refuse with 'already exists'" test $? -ne 0
rm out/rb/media/dots.png
printf 'png bytes' > out/rb/media/dots.png
"$BA" --workspace "$tmp" refresh out/rb > r3.txt 2> r3.err
check "after the fix the refresh succeeds" test $? -eq 0
check "versions/v2 is complete" test -s out/rb/versions/v2/items.jsonl -a -s out/rb/versions/v2/manifest.json
check "its media copied" test -s out/rb/versions/v2/media/dots.png
check "only v2 in versions/" test "$(ls -A out/rb/versions)" = v2
finish
