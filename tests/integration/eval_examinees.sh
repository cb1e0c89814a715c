#!/usr/bin/env bash
# benchagent eval + refresh end to end against ba-testserver examinees with
# set skills (0.9, 0.6, 0.3) on a generator-built benchmark made here with
# `benchagent gen sample`: accuracy ordering, resumability (a rerun sends
# no request, checked with /__stats), epochs, JSON report fields, refresh
# into versions/v2 with anchors and harder replacements, drift linking,
# and clear errors for bad input.
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
ws=$tmp
. "$(dirname "$0")/lib/testserver.sh"
cd "$ws" || exit 1

# ---- a benchmark from two generators ----
mkdir -p out/gb
"$BA" --seed 11 gen sample linear_equations --difficulty 2 -n 40 > lin.jsonl
"$BA" --seed 12 gen sample number_sequences --difficulty 2 -n 30 > seq.jsonl
check "gen sample made items" test "$(cat lin.jsonl seq.jsonl | wc -l)" -eq 70
{
  jq -c --arg st lin '{id: ("lin-" + (input_line_number|tostring)), subtask: $st} + .' lin.jsonl
  jq -c --arg st seq '{id: ("seq-" + (input_line_number|tostring)), subtask: $st} + .' seq.jsonl
} > all.jsonl
# identical questions would be one cached request for two items: keep one of each
jq -c -s 'unique_by(.question) | sort_by(.id) | .[]' all.jsonl > out/gb/items.jsonl
printf '{"id": "gb", "name": "generator bench"}\n' > out/gb/manifest.json
n=$(wc -l < out/gb/items.jsonl)
echo "# $n distinct items"
check "benchmark has 60+ distinct items" test "$n" -ge 60
# examinee key: the exact question text decides the reply
jq -s '{items: map({match: .question, answer: .answer, wrong: (.answer + "1")})}' out/gb/items.jsonl > key.json
cat > rules.json <<'J'
{"rules": [
  {"when": {"model": "strong"}, "replies": [{"examinee": {"skill": 0.9, "key": "key.json"}}]},
  {"when": {"model": "mid"}, "replies": [{"examinee": {"skill": 0.6, "key": "key.json"}}]},
  {"when": {"model": "weak"}, "replies": [{"examinee": {"skill": 0.3, "key": "key.json"}}]}
 ], "default": {"content": "I do not know."}}
J
start_server rules.json
workspace -m strong -p "max_concurrency: 16" . "evaluation:
  resamples: 500"
M="--model local/strong --model local/mid --model local/weak"

# ---- first run ----
"$BA" --json eval out/gb $M --size strong=70 --size mid=8 --size weak=1 \
  --family strong=fam --family mid=fam --family weak=fam > r1.json 2> r1.err
check "eval exits 0" test $? -eq 0
acc() { jq -r --arg m "$2" '.models[] | select(.model == $m) | .accuracy' "$1"; }
s=$(acc r1.json local/strong); m=$(acc r1.json local/mid); w=$(acc r1.json local/weak)
echo "# accuracies: strong $s mid $m weak $w"
check "strong > mid" awk -v a="$s" -v b="$m" 'BEGIN { exit !(a > b) }'
check "mid > weak" awk -v a="$m" -v b="$w" 'BEGIN { exit !(a > b) }'
check "strong near its skill" awk -v a="$s" 'BEGIN { exit !(a > 0.75 && a <= 1) }'
check "weak near its skill" awk -v a="$w" 'BEGIN { exit !(a > 0.12 && a < 0.5) }'
check "one request per model and item" test "$(requests)" -eq $((3 * n))
check "report: submitted = 3n" test "$(jq .requests.submitted r1.json)" -eq $((3 * n))
check "CI brackets the accuracy" jqe '.models | all(.ci[0] <= .accuracy and .accuracy <= .ci[1])' r1.json
check "per-subtask results" jqe '.models[0].subtasks | has("lin") and has("seq")' r1.json
check "three paired comparisons with McNemar p" jqe '(.paired | length) == 3 and (.paired | all(.mcnemar_p >= 0 and .mcnemar_p <= 1))' r1.json
check "separability in [0,1]" jqe '.separability >= 0 and .separability <= 1' r1.json
check "IRT with 3 models orders abilities" jqe '.irt.models[0].theta > .irt.models[1].theta and .irt.models[1].theta > .irt.models[2].theta' r1.json
check "IRT item parameters for every item" test "$(jq '.irt.items | length' r1.json)" -eq "$n"
check "item flags present" jqe '.flags | has("solved_by_all") and has("solved_by_none") and has("negative_discrimination")' r1.json
check "size/accuracy Spearman = 1 in the family" jqe '.size_consistency[0].spearman == 1' r1.json
check "planner estimate" jqe '.planner.items_needed > 0' r1.json

# ---- a rerun sends nothing ----
"$BA" --json eval out/gb $M > r2.json 2>/dev/null
check "rerun exits 0" test $? -eq 0
check "rerun sends no request" test "$(requests)" -eq $((3 * n))
check "rerun reuses every stored answer" test "$(jq .requests.reused r2.json)" -eq $((3 * n))
check "rerun gives the same accuracies" test "$(jq -c '[.models[].accuracy]' r1.json)" = "$(jq -c '[.models[].accuracy]' r2.json)"
"$BA" eval out/gb $M > table.txt 2>/dev/null
check "table output" grep -q "paired comparisons" table.txt

# ---- epochs: only the new samples are sent ----
"$BA" --json eval out/gb --model local/weak --epochs 2 > r3.json 2>/dev/null
check "epochs run exits 0" test $? -eq 0
now=$(requests); echo "# requests after epochs: $now (want $((4 * n)))"
check "epoch 2 sends exactly n new requests" test "$now" -eq $((4 * n))
check "epochs recorded" test "$(jq .epochs r3.json)" -eq 2

# ---- judge family warning ----
"$BA" eval out/gb --model local/strong --judge local/strong-judge --limit 5 > /dev/null 2> j.err
check "judge sharing a family is warned about" grep -q "share the family" j.err

# ---- refresh ----
"$BA" --json refresh out/gb > f1.json 2> f1.err
check "refresh exits 0" test $? -eq 0
check "refresh wrote versions/v2" test -s out/gb/versions/v2/items.jsonl
retired=$(jq '.retired | length' f1.json)
echo "# refresh: retired $retired, replenished $(jq '.replenished | length' f1.json), anchors $(jq '.anchors | length' f1.json)"
check "some items retired" test "$retired" -gt 0
check "generator items replenished one for one" test "$(jq '.replenished | length' f1.json)" -eq "$retired"
check "replacements are harder (difficulty 3)" jqe '.replenished | all(.difficulty == 3)' f1.json
check "item count kept" test "$(wc -l < out/gb/versions/v2/items.jsonl)" -eq "$n"
check "anchors kept" jqe '(.anchors | length) >= 10' out/gb/versions/v2/manifest.json
check "manifest version 2 with previous" jqe '.version == 2 and .previous.dir == "../.."' out/gb/versions/v2/manifest.json
check "drift rows for 3 models" test "$(jq '.drift | length' f1.json)" -eq 3
"$BA" refresh out/gb > /dev/null 2> f2.err
check "refresh again refuses to overwrite v2" grep -q "already exists" f2.err

# ---- the new version: new items asked, anchors cached, linking reported ----
jq -s '{items: map({match: .question, answer: .answer, wrong: (.answer + "1")})}' out/gb/versions/v2/items.jsonl > key.json
before=$(requests)
"$BA" --json eval out/gb/versions/v2 $M > v2.json 2>/dev/null
check "eval v2 exits 0" test $? -eq 0
check "v2 benchmark key" test "$(jq -r .benchmark v2.json)" = "gb@v2"
newq=$(jq -r .question out/gb/versions/v2/items.jsonl | sort -u | comm -23 - <(jq -r .question out/gb/items.jsonl | sort -u) | wc -l)
check "v2 sends only the new questions (kept items cached)" test "$(( $(requests) - before ))" -eq $((3 * newq))
check "every replacement is a new question" test "$newq" -ge $((retired - 1))
check "linking to v1 reported" jqe '.linking.previous == "gb" and (.linking.models | length) == 3' v2.json
check "anchor accuracy unchanged for unchanged models" jqe '.linking.models | all(.anchor_prev == .anchor_now)' v2.json
check "IRT mean/sigma linking on the anchors" jqe '.linking.irt_link.A > 0 and (.linking.models | all(has("theta_drift")))' v2.json
check "linked abilities keep the model order" jqe '.linking.models[0].theta_now_linked > .linking.models[1].theta_now_linked and .linking.models[1].theta_now_linked > .linking.models[2].theta_now_linked' v2.json
"$BA" eval out/gb/versions/v2 $M > v2.txt 2>/dev/null
check "table shows version drift" grep -q "version drift" v2.txt

# ---- open answers: rubric judge and pairwise judging with swapped positions ----
mkdir -p out/open
for i in 1 2 3 4; do
  printf '{"id":"o%d","subtask":"why","question":"Why is the sky blue? (open %d)","answer":"Rayleigh scattering","answer_type":"open"}\n' $i $i
done > out/open/items.jsonl
cat > rules2.json <<'J'
{"rules": [
  {"when": {"body_contains": "data:image/png;base64,iVBOR"}, "replies": [{"content": "I see a dot.\nAnswer: yes"}]},
  {"when": {"body_contains": "answer_1"}, "replies": [{"json": {"winner": "1", "reason": "first looks better"}}]},
  {"when": {"model": "grader"}, "replies": [{"json": {"score": 0.5, "reason": "half right"}}]},
  {"when": {"model": "alpha"}, "replies": [{"content": "Because of Rayleigh scattering."}]},
  {"when": {"model": "beta"}, "replies": [{"content": "Because the ocean reflects."}]}
 ]}
J
add_server rules2.json port2
mkdir -p ws2 && cd ws2 && mkdir -p out && cp -r ../out/open out/
workspace -P "$port2" -m alpha .
"$BA" --json eval out/open --model local/alpha --model local/beta --judge local/grader --pairwise > o1.json 2> o1.err
check "judged eval exits 0" test $? -eq 0
check "rubric judge scores open items" jqe '.models | all(.accuracy == 0.5)' o1.json
check "pairwise judged every open item" jqe '.pairwise.items == 4' o1.json
check "a judge that always picks position 1 gives ties, all inconsistent" jqe '.pairwise.ties == 4 and .pairwise.inconsistent == 4 and .pairwise.win_rate_a == 0.5' o1.json
before2=$(requests "$port2")
"$BA" --json eval out/open --model local/alpha --model local/beta --judge local/grader > o2.json 2>/dev/null
check "judged rerun sends nothing" test "$(requests "$port2")" -eq "$before2"
check "judged rerun keeps judge scores" jqe '.models | all(.accuracy == 0.5)' o2.json
# multimodal: the image goes out as a base64 data URL part (the server answers "yes" only then)
mkdir -p out/img/media
echo 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' | base64 -d > out/img/media/dot.png
printf '{"id":"img1","question":"Is there a dot in the image?","answer":"yes","answer_type":"binary","media":[{"type":"image","path":"media/dot.png"}]}\n' > out/img/items.jsonl
printf '{"id":"evil","question":"Is there a dot?","answer":"yes","answer_type":"binary","media":[{"type":"image","path":"../../../etc/passwd"}]}\n' >> out/img/items.jsonl
"$BA" --json eval out/img --model local/alpha > i1.json 2> i1.err
check "multimodal eval exits 0" test $? -eq 0
check "image item answered from the attached image" jqe '.models[0].accuracy == 1 and .models[0].n == 1' i1.json
check "unsafe media path fails only that item" jqe '.requests.failed == 1' i1.json
check "unsafe media path named" grep -q "item evil" i1.err
cd ..

# ---- bad input ----
"$BA" eval out/nope --model local/strong 2> e1.err
check "missing benchmark exits 1" test $? -eq 1
check "missing benchmark named" grep -q "out/nope" e1.err
"$BA" eval out/gb --model local/strong --size strong=big 2> e2.err
check "bad --size exits 2" test $? -eq 2
mkdir -p out/bad && printf '{"id":"a","question":"q","answer":"1"}\n{"id":"b","question":\n' > out/bad/items.jsonl
"$BA" eval out/bad --model local/strong 2> e3.err
check "malformed items.jsonl exits 1" test $? -eq 1
check "error names items.jsonl:2" grep -q "items.jsonl:2" e3.err
"$BA" eval out/gb 2> e4.err
check "no --model exits 2" test $? -eq 2
mkdir -p out/fresh && head -3 out/gb/items.jsonl > out/fresh/items.jsonl
"$BA" refresh out/fresh 2> e5.err
check "refresh without results explains" grep -q "no stored evaluation results" e5.err

finish
