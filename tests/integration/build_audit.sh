#!/usr/bin/env bash
# build --audit on the offline (generator) path against a ba-testserver judge with scripted
# scores: an item the judge fails is made again (redrawn) and never reaches items.jsonl; every
# kept item carries the panel's verdict; a rerun sends nothing; a changed threshold judges
# again; a subtask the judge fails throughout is rejected (short build, exit 1, reason named);
# a judge whose replies never fit the schema stops the build with its name and loses nothing;
# the report shows the gate's rejections with examples; a build without --audit is untouched.
# (The model path is tested in exec_testserver.sh.)
set -u
. "$(dirname "$0")/lib/common.sh"
scratch
. "$(dirname "$0")/lib/testserver.sh"
. "$(dirname "$0")/lib/judge.sh"
cd "$tmp" || exit 1
POOL=$tmp

jq '.target_size = 8' "$BA_SHARED_DIR/queries/arithmetic_logic_offline.json" > q.json
id=$(jq -r .id q.json)
# ---- the same build without a gate, in its own workspace: what the gate changes
echo '{"rules": []}' > none.json
start_server none.json
workspace plain
"$BA" --workspace plain --json build q.json --offline > plain.json 2> plain.err
check "ungated build exits 0" test $? -eq 0
check "ungated build sends nothing" test "$(requests)" -eq 0
check "ungated items carry no audit verdict" jqe -s 'length == 8 and all(.qc.audit == null)' "plain/out/$id/items.jsonl"
check "ungated manifest has no audit_gate" jqe '.audit_gate == null' "plain/out/$id/manifest.json"
q1=$(jq -r .question "plain/out/$id/items.jsonl" | head -n 1)
check "a question to fail" test -n "$q1"
# the JSON-escaped form the request body carries
q1j=$(jq -n --arg q "$q1" '$q' | sed 's/^"//; s/"$//')

# ---- the gate: the judge fails the first item on qa_coherence, passes the rest at 90
{
  judge_rule gate-judge "$q1j" "$(judge_reply 88 qa_coherence=5)"
  judge_rule gate-judge 'item_data' "$(judge_reply 90)"
  judge_rule strict-judge 'item_data' "$(judge_reply 90)"
  judge_rule st4-judge 'Knights' "$(judge_reply 90 skill_specific_challenge=20)"
  judge_rule st4-judge 'item_data' "$(judge_reply 90)"
  jq -n '{when: {model: "broken"}, replies: [{json: {"format_schema": 7}}]}'
} | jq -s '{rules: ., default: {status: 500, error: "no rule matched"}}' > rules.json
start_server rules.json
workspace ws
"$BA" --workspace ws --json build q.json --offline --audit --judge local/gate-judge > g1.json 2> g1.err
check "gated build exits 0" test $? -eq 0
items=ws/out/$id/items.jsonl
check "gated build is full" jqe -s 'length == 8' "$items"
check "the failed item was not kept" sh -c "! jq -r .question '$items' | grep -qxF \"\$0\"" "$q1"
check "the failed draw was made again (the other seven are the ungated ones)" test \
  "$(jq -r .question "$items" | grep -cxFf <(jq -r .question "plain/out/$id/items.jsonl"))" -eq 7
check "every kept item passed the panel at 90" jqe -s 'all(.qc.audit.verdict == "pass" and .qc.audit.score == 90 and .qc.audit.judges == ["local/gate-judge"] and .qc.audit.threshold == 60)' "$items"
check "one judgement per draw: 9 requests" test "$(requests)" -eq 9
check "summary counts the gate" jqe '.checks.audit.passed == 8 and .checks.audit.total == 9 and .items == 8' g1.json
check "manifest records the gate" jqe '.audit_gate.judges == ["local/gate-judge"] and .audit_gate.threshold == 60 and (.audit_gate.signature | length == 16) and .checks.audit.total == 9' "ws/out/$id/manifest.json"
"$BA" --workspace ws build q.json --offline --audit --judge local/gate-judge > g1.txt 2>/dev/null
check "text summary names the gate" grep -q "audit gate: 8 of 9 judged items passed" g1.txt
cp "$items" g1.jsonl
n=$(requests)
"$BA" --workspace ws --json build q.json --offline --audit --judge local/gate-judge > g2.json 2>/dev/null
check "gated rerun exits 0" test $? -eq 0
check "gated rerun sends nothing" test "$(requests)" -eq "$n"
check "gated rerun gives the same items" cmp -s g1.jsonl "$items"
check "gated rerun reuses every item" jqe '.reused == 8 and .generated == 0 and .checks.audit.total == 9' g2.json

# the report shows the gate's rejection with its reason and the rejected question
"$BA" --workspace ws report "ws/out/$id" -o rep.html 2> rep.err
check "report of the gated build" test -s rep.html
check "report: rejections table has the audit row" python3 - rep.html "$q1" <<'PY'
import html, re, sys
page = open(sys.argv[1]).read()
m = re.search(r"<table id=tbl-rejections>(.*?)</table>", page, re.S)
assert m, "no rejections table"
rows = re.findall(r"<tr><td>(.*?)</td><td class=n>(\d+)</td><td[^>]*>(.*?)</td></tr>", m.group(1), re.S)
audit = [r for r in rows if r[0] == "audit"]
assert audit and audit[0][1] == "1", rows
assert "qa_coherence 5: scripted qa_coherence score" in html.unescape(audit[0][2]), audit
assert sys.argv[2] in html.unescape(audit[0][2]), audit
PY

# ---- a higher threshold is another gate: judged again (90 < 95 fails everything; the
# draws run out, the build is short and says why), nothing of the first gate reused
n=$(requests)
cp "$items" kept.jsonl
"$BA" --workspace ws --json build q.json --offline --audit --judge local/strict-judge --audit-threshold 95 > s1.json 2> s1.err
check "a gate nothing passes: exit 1" test $? -eq 1
check "it says the build is short" grep -q "built 0 of the 8\|no item passed verification" s1.err
check "the reason is the audit" jqe '.failures | any(.reason | test("audit"))' s1.json
check "the strict gate asked again" test "$(requests)" -gt "$n"
cmp -s kept.jsonl "$items" ; check "a build that made nothing keeps the earlier items.jsonl" test $? -eq 0
grep -q "keeps the items of the earlier build" s1.err ; check "and says so" test $? -eq 0

# ---- one subtask fails throughout: short build, the other subtasks full
"$BA" --workspace ws --json build q.json --offline --audit --judge local/st4-judge > k1.json 2> k1.err
check "a subtask the gate rejects: exit 1 (short)" test $? -eq 1
check "st4 made nothing, the others are full" jqe '.per_subtask.st4 == null and .items == 6 and .subtasks.st4.items == 0' k1.json
check "short build names the audit reason" jqe '.failures | any(.reason | test("audit"))' k1.json

# ---- a judge whose replies never fit the schema stops the build, naming it; nothing lost
n_items=$(sqlite3 ws/.benchagent/state.db "SELECT count(*) FROM items")
"$BA" --workspace ws build q.json --offline --audit --judge local/broken > b1.out 2> b1.err
check "broken judge: exit 1" test $? -eq 1
check "broken judge: error names the judge and the schema" grep -q "local/broken.*\(schema\|validation\)\|\(schema\|validation\).*local/broken" b1.err
check "broken judge: no stored unit lost" test "$(sqlite3 ws/.benchagent/state.db "SELECT count(*) FROM items")" -ge "$n_items"

# ---- bad input
"$BA" --workspace ws build q.json --offline --audit 2> e1.err
check "--audit without judges is a usage error" test $? -eq 2
check "usage error says what is missing" grep -q "judge" e1.err
"$BA" --workspace ws build q.json --offline --judge local/gate-judge --audit-threshold 101 2> e2.err
check "bad threshold is a usage error" test $? -eq 2
"$BA" --workspace ws build q.json --offline --judge nomodel 2> e3.err
check "malformed judge spec exits 1 and is named" sh -c 'test $0 -eq 1 && grep -q nomodel e3.err' $?
finish
