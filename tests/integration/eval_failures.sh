#!/usr/bin/env bash
# Issue 12 item 6: `eval` exits 1 with a one-line summary when model calls
# failed after every retry (ba-testserver answers one question with 500
# every time), and a rerun against a healthy server sends only the calls
# that were missing (counted with /__stats).
set -u
. "$(dirname "$0")/lib/common.sh"
scratch
. "$(dirname "$0")/lib/testserver.sh"
cd "$tmp" || exit 1
mkdir -p out/fb
for i in 1 2 3 4 5; do
  printf '{"id":"fb-%d","subtask":"s","question":"What is %d plus %d? (Q%d)","answer":"%d","answer_type":"numeric"}\n' \
    "$i" "$i" "$i" "$i" $((i + i))
done > out/fb/items.jsonl
printf '{"id": "fb"}\n' > out/fb/manifest.json
cat > bad.json <<'J'
{"rules": [{"when": {"body_contains": "(Q3)"}, "replies": [{"status": 500, "error": "upstream exploded"}]}],
 "default": {"content": "Answer: 2"}}
J
cat > good.json <<'J'
{"rules": [], "default": {"content": "Answer: 6"}}
J
start_server bad.json
workspace -R -m m -g "retry_base_ms: 5
max_retries: 2" . "evaluation:
  resamples: 100"
"$BA" --workspace "$tmp" eval out/fb --model local/m > run1.txt 2> err1.txt
rc=$?
check "eval with failed calls exits 1" test "$rc" -eq 1
grep -q "eval: 1 of 5 model calls failed after all retries" err1.txt
check "one-line summary of the failures" test $? -eq 0
grep -q "upstream exploded" err1.txt
check "the summary names the first error" test $? -eq 0
grep -q "rerun the same command" err1.txt
check "the summary says how to retry" test $? -eq 0
first=$(requests)
check "the failing call was retried (more than 5 requests)" test "$first" -gt 5

# a healthy server: only the missing call is sent
sed -i "s/127.0.0.1:$port/127.0.0.1:PORT/" benchagent.yaml
start_server good.json
sed -i "s/127.0.0.1:PORT/127.0.0.1:$port/" benchagent.yaml
"$BA" --workspace "$tmp" eval out/fb --model local/m > run2.txt 2> err2.txt
check "rerun exits 0" test $? -eq 0
check "rerun sent exactly the one missing call" test "$(requests)" -eq 1
"$BA" --workspace "$tmp" eval out/fb --model local/m > run3.txt 2> err3.txt
check "third run exits 0" test $? -eq 0
check "third run sends nothing" test "$(requests)" -eq 1
finish
