#!/usr/bin/env bash
# benchagent report + the review pages, rendered in headless Chromium:
# a benchmark with generator, choice, image and hostile items, evaluated
# by four ba-testserver examinees (two epochs, known sizes), reviewed by
# two annotators, with and without an audit.json; then
#  - the report file and the served /report, review index and item pages
#    load with no console error (CSP refusals included) and no request
#    beyond the page (file) or the loopback server (served);
#  - the plots are there and the numbers in the page equal `eval --json`;
#  - hostile item text (script, event handlers) renders as text;
#  - the transcript filters and the review keys work in the browser;
#  - screenshots land in BUILD/screenshots/ for people to look at.
# The detectors themselves are checked on a page that breaks both rules.
set -u
. "$(dirname "$0")/lib/common.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
SHOTS=$BA_BINARY_DIR/screenshots
mkdir -p "$SHOTS"
BR="python3 $LIB/browser.py"
# the DOM file of a served page
domf() { printf 'srv%s.dom' "$(printf %s "$1" | tr -c 'a-z0-9' '_')"; }

scratch
ws=$tmp
. "$(dirname "$0")/lib/testserver.sh"
rv_pid=
at_exit '[ -n "$rv_pid" ] && kill "$rv_pid" 2>/dev/null'
cd "$ws" || exit 1

# ---- the detectors catch a broken page (so a pass below means something) ----
printf '<!doctype html><img src="http://192.0.2.1/x.png"><script>undefinedFn()</script>\n' > neg.html
$BR "file://$ws/neg.html" --dom neg.dom > neg.json
check "detector sees a console error" jqe '.console | length > 0' neg.json
check "detector sees an external request" jqe '.requests | map(select(startswith("http://192.0.2.1"))) | length == 1' neg.json

# ---- a benchmark: generator items, choice items, an image item, a hostile item ----
mkdir -p out/rb/media
"$BA" --seed 21 gen sample linear_equations --difficulty 2 -n 30 > lin.jsonl
"$BA" --seed 22 gen sample number_sequences --difficulty 3 -n 24 > seq.jsonl
{
  jq -c '{id: ("lin-" + (input_line_number|tostring)), subtask: "lin"} + .' lin.jsonl
  jq -c '{id: ("seq-" + (input_line_number|tostring)), subtask: "seq"} + .' seq.jsonl
  for i in $(seq 1 16); do
    a=$(( (i * 7) % 4 )); L=$(printf "\\x$(printf %x $((65 + a)))")
    jq -nc --arg i "$i" --arg L "$L" --argjson a "$a" \
      '{id: ("mc-" + $i), subtask: "mc", answer_type: "choice", difficulty: (($i|tonumber) % 3 + 1),
        question: ("Which option is number " + $i + " (choice " + $L + ")?"),
        choices: [range(4) | ("option " + (. | tostring) + (if . == $a then " (right)" else "" end))],
        answer: $L, source: {kind: "dataset", dataset: "handmade"}}'
  done
  # a 2x2 PNG, attached to one item
  printf 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVQI12P4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==' | base64 -d > out/rb/media/dot.png
  jq -nc '{id: "img-1", subtask: "mc", answer_type: "choice", question: "What colour is the dot in the image?",
           choices: ["red", "green", "blue", "black"], answer: "D", media: [{type: "image", path: "media/dot.png"}],
           source: {kind: "dataset", dataset: "handmade"}}'
  long=$(printf 'A long context line that keeps going. %.0s' $(seq 40))
  jq -nc --arg long "$long" '{id: "evil", subtask: "mc", answer_type: "choice", context: $long,
      question: "<script>alert(1)</script><img src=x onerror=alert(2)> What is 2+2?",
      choices: ["<b onmouseover=\"alert(3)\">4</b>", "5", "6", "7\" onfocus=\"alert(4)"], answer: "A",
      explanation: "</pre><script>alert(5)</script>",
      qc: {schema: {verdict: "pass"}, image_needed: {verdict: "skip", reason: "no image"},
           leakage: {verdict: "fail", reason: "<i onclick=alert(6)>leak</i>"}},
      source: {kind: "dataset", dataset: "<svg onload=alert(7)>"}}'
} > out/rb/items.jsonl
n=$(wc -l < out/rb/items.jsonl)
echo "# $n items"
cat > out/rb/manifest.json <<'J'
{"id": "rb", "benchmark_id": "rb", "target_size": 80, "item_count": 72,
 "counts_per_subtask": {"lin": 30, "seq": 24, "mc": 18},
 "checks": {"schema": {"passed": 72, "total": 75}, "verify": {"passed": 72, "total": 72},
            "duplicate": {"passed": 72, "total": 74}}}
J
cat > out/rb/plan.json <<'J'
{"quotas": [{"subtask": "lin", "source": "gen:linear_equations", "count": 30},
            {"subtask": "seq", "source": "gen:number_sequences", "count": 25},
            {"subtask": "mc", "source": "handmade", "count": 25}]}
J
jq -s '{items: map({match: .question, answer: .answer, wrong: (if .choices then "B" else .answer + "1" end)})}' \
  out/rb/items.jsonl > key.json
cat > rules.json <<'J'
{"rules": [
  {"when": {"model": "strong"}, "replies": [{"examinee": {"skill": 0.92, "key": "key.json"}}]},
  {"when": {"model": "mid"}, "replies": [{"examinee": {"skill": 0.65, "key": "key.json"}}]},
  {"when": {"model": "weak"}, "replies": [{"examinee": {"skill": 0.4, "key": "key.json"}}]},
  {"when": {"model": "tiny"}, "replies": [{"examinee": {"skill": 0.2, "key": "key.json"}}]}
 ], "default": {"content": "I do not know."}}
J
start_server rules.json
workspace -m strong -p "max_concurrency: 16
price_input: 2.0
price_output: 8.0" . "evaluation:
  resamples: 400"
M="--model local/strong --model local/mid --model local/weak --model local/tiny"
S="--size strong=70 --size mid=13 --size weak=7 --size tiny=1 --family strong=fam --family mid=fam --family weak=fam --family tiny=fam"
"$BA" --json eval out/rb $M $S --epochs 2 > ev.json 2> ev.err
check "eval exits 0" test $? -eq 0
check "eval scored 4 models" jqe '.models | length == 4' ev.json
check "eval has Holm-corrected p" jqe '.paired | all(has("mcnemar_p_holm"))' ev.json

# ---- reviews by two annotators through the review server ----
"$BA" --json review out/rb --port 0 > rv.out 2> rv.err & rv_pid=$!
for i in $(seq 100); do [ -s rv.out ] && break; sleep 0.1; done
rp=$(jq -r .port rv.out)
R="http://127.0.0.1:$rp"
post() { curl -s -o /dev/null -w '%{http_code}' -d "id=$1&annotator=$2&verdict=$3&comment=ok" "$R/review"; }
check "verdict saved" test "$(post lin-1 ann1 accept)" = 303
post lin-1 ann2 accept > /dev/null; post lin-2 ann1 accept > /dev/null; post lin-2 ann2 reject > /dev/null
post evil ann1 reject > /dev/null; post evil ann2 reject > /dev/null; post mc-1 ann1 accept > /dev/null

# ---- the report file, without and with an audit ----
"$BA" report out/rb -o noaudit.html $S > /dev/null 2> rep.err
check "report without audit exits 0" test $? -eq 0
cat > out/rb/audit.json <<'J'
{"format_version": 1, "benchmark": "rb", "threshold": 60, "mock": true,
 "criteria": ["format_schema", "qa_coherence"],
 "judges": [{"spec": "mock/judge", "family": "mock", "items_judged": 72, "failed": 0, "self_preference": false}],
 "overall": {"items": 72, "passed": 60, "pass_rate": 0.8333, "score": {"mean": 81.5, "ci": [78.0, 85.0], "n": 72},
             "criteria": {"format_schema": {"mean": 90.1, "ci": [88.0, 92.0], "n": 72},
                          "qa_coherence": {"mean": 72.9, "ci": [69.0, 77.0], "n": 72}}},
 "agreement": {"judges": 1, "krippendorff_alpha": {"format_schema": null, "qa_coherence": null}},
 "humans": {"items": 3, "agreement": 0.667, "cohen_kappa": 0.25},
 "worst": [{"id": "evil", "criterion": "qa_coherence", "min_score": 5, "rationale": "<script>alert(8)</script> bad key"}]}
J
"$BA" report out/rb -o rep.html > rep.out 2>> rep.err
check "report exits 0 (sizes and families remembered from eval)" test $? -eq 0
check "report says where it wrote" grep -q "rep.html" rep.out
check "report is self-contained (no http(s) reference but the SVG namespace)" \
  test "$(grep -o 'https\?://[^" )]*' rep.html | grep -v '^http://www.w3.org/2000/svg$' | wc -l)" -eq 0

# #t-evil: the transcripts viewer opens the hostile item's page
$BR "file://$ws/rep.html#t-evil" --dom rep.dom > rep.json
$BR "file://$ws/rep.html" --png "$SHOTS/report.png" --size 1400,9000 > rep-png.json
check "report: no console error" jqe '.console == []' rep.json rep-png.json
check "report: no request at all" jqe '.requests == []' rep.json rep-png.json
python3 "$LIB/report_dom.py" rep.dom ev.json --hostile evil --audit
check "report numbers equal eval --json; plots present; hostile text is text" test $? -eq 0
# epochs and consistency: each sample's accuracy and the share of items answered alike, from the store
LIB=$LIB python3 - rep.dom .benchagent/state.db <<'PY2'
import os, sqlite3, sys
sys.path.insert(0, os.environ["LIB"])
from report_dom import Dom
d = Dom(); d.feed(open(sys.argv[1]).read())
con = sqlite3.connect(sys.argv[2])
rows = {r[0]: r[1:] for r in d.tables.get("tbl-epochs", [])[1:]}
fails = []
for model, in con.execute("SELECT DISTINCT model FROM eval_results WHERE bench = 'rb'"):
    got = rows.get(model)
    acc = [s for _, s in con.execute("SELECT epoch, AVG(score) FROM eval_results WHERE bench = 'rb' AND model = ? AND "
                                     "error IS NULL AND score IS NOT NULL GROUP BY epoch ORDER BY epoch", (model,))]
    seen = {}
    for item, score in con.execute("SELECT item, score FROM eval_results WHERE bench = 'rb' AND model = ? AND "
                                   "error IS NULL AND score IS NOT NULL", (model,)):
        seen[item] = seen.get(item, 0) | (1 if score >= 0.5 else 2)
    cons = sum(1 for v in seen.values() if v != 3) / len(seen)
    exp = ["%.1f%%" % (100 * a) for a in acc] + ["%.1f%%" % (100 * cons)]
    if got != exp:
        fails.append("%s: %s vs %s" % (model, got, exp))
print("epochs table", len(rows), "models", fails)
sys.exit(1 if fails or len(rows) != 4 else 0)
PY2
check "report: per-sample accuracy and consistency equal the store" test $? -eq 0
# every transcript is in the file, each text once, and what it shows equals the store and the call log
python3 "$LIB/tx_check.py" rep.html .benchagent/state.db out/rb/items.jsonl rb
check "report file: every stored transcript, its messages those of the call log" test $? -eq 0
# the hostile item is the last: #t-evil opened the last page, items 51-72 of the 72 (25 a page)
check "report file: #t-evil opens its page of the viewer, which counts every item and row" \
  test "$(grep -o '<div class="tx" id=' rep.dom | wc -l)" -eq $((n - 50)) -a \
  -n "$(grep -o "items 51-$n of $n (page 3 of 3)" rep.dom)" -a \
  -n "$(grep -o "id=\"tcount\"[^>]*>$n of $n items, $(sqlite3 .benchagent/state.db "SELECT COUNT(*) FROM eval_results WHERE bench = 'rb'") transcripts match<" rep.dom)"
$BR "file://$ws/rep.html#t-img-1" --dom rep-img.dom > rep-img.json
check "report file: the image sent is shown" grep -q '<img class="media" alt="image sent" src="data:image/png;base64,' rep-img.dom
# the report reuses eval's kept statistics; without them it computes the same numbers itself
sqlite3 .benchagent/state.db "DELETE FROM kv WHERE key LIKE 'eval.report:%'"
"$BA" report out/rb -o recomputed.html > /dev/null 2>&1
$BR "file://$ws/recomputed.html#t-evil" --dom recomputed.dom > recomputed.json
python3 "$LIB/report_dom.py" recomputed.dom ev.json --hostile evil --audit
check "recomputed report: the same numbers as eval --json" test $? -eq 0
$BR "file://$ws/noaudit.html" --dom noaudit.dom > noaudit.json
python3 "$LIB/report_dom.py" noaudit.dom ev.json --no-audit > /dev/null
check "no audit section without audit.json" test $? -eq 0
check "reviews in the report" grep -q 'id="review-acceptance">0.571' rep.dom
# by hand: ann1 A A R and ann2 A R R on lin-1, lin-2, evil (mc-1 has one verdict):
# p_o = 2/3, p_e = 2/3 * 1/3 + 1/3 * 2/3 = 4/9, Cohen's kappa = (2/3 - 4/9) / (5/9) = 0.4;
# Fleiss over those 3 items: P = (1 + 0 + 1) / 3, P_e = 0.5^2 + 0.5^2, kappa = 1/3
check "reviews: Fleiss' kappa by hand" grep -q 'id="review-fleiss">0.333<' rep.dom
LIB=$LIB python3 - rep.dom <<'PY2'
import os, sys
sys.path.insert(0, os.environ["LIB"])
from report_dom import Dom
d = Dom(); d.feed(open(sys.argv[1]).read())
rows = d.tables.get("tbl-review-pairs", [])[1:]
sys.exit(0 if rows == [["ann1", "ann2", "3", "0.667", "0.400"]] else (print(rows) or 1))
PY2
check "reviews: Cohen's kappa per annotator pair by hand" test $? -eq 0

# ---- a real audit (mock judges): the report's audit numbers are audit.json's ----
cp out/rb/audit.json handmade-audit.json
"$BA" --provider mock --json audit out/rb --judge mock/j1 --judge mock/j2 > au.json 2> au.err
check "audit with mock judges exits 0" test $? -eq 0
check "audit compared with the reviews" jqe '.humans.items == 3' out/rb/audit.json
"$BA" report out/rb -o rep-audit.html > /dev/null 2>> rep.err
$BR "file://$ws/rep-audit.html" --dom rep-audit.dom > rep-audit.json
check "audited report: no console error, no request" jqe '.console == [] and .requests == []' rep-audit.json
python3 "$LIB/report_dom.py" rep-audit.dom ev.json --audit --audit-json out/rb/audit.json > rep-audit.txt
check "audited report: audit numbers equal audit.json, results equal eval --json" test $? -eq 0; show_on_fail rep-audit.txt
cp handmade-audit.json out/rb/audit.json
# cost: per run of this benchmark and per stage, calls, tokens, USD and cache hits as the store's
# call log and hits hold them (summed here with sqlite3); the summary's totals and mock calls
LIB=$LIB python3 - rep-audit.dom .benchagent/state.db <<'PY2'
import os, sqlite3, sys
sys.path.insert(0, os.environ["LIB"])
from report_dom import Dom
d = Dom(); d.feed(open(sys.argv[1]).read())
con = sqlite3.connect(sys.argv[2])
got = d.tables.get("tbl-cost", [])[1:]
exp, total, saved, mock = [], 0.0, 0.0, 0
for rid, kind, key in con.execute("SELECT id, kind, key FROM runs WHERE key = 'rb' OR key LIKE 'rb@%' ORDER BY id"):
    c, p, q, u = con.execute("SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0),"
                             " COALESCE(SUM(cost), 0) FROM llm_calls WHERE mock = 0 AND run_id = ?", (rid,)).fetchone()
    h, sv = con.execute("SELECT COUNT(*), COALESCE(SUM(saved_usd), 0) FROM llm_hits WHERE run_id = ?", (rid,)).fetchone()
    mock += con.execute("SELECT COUNT(*) FROM llm_calls WHERE mock != 0 AND run_id = ?", (rid,)).fetchone()[0]
    exp.append(["%s %s" % (kind, key), str(c), str(p), str(q), "$%.4f" % u, str(h), "$%.4f" % sv])
    total += u
    saved += sv
    for role, c, p, q, u in con.execute("SELECT role, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(cost)"
                                        " FROM llm_calls WHERE mock = 0 AND run_id = ? GROUP BY role ORDER BY role", (rid,)):
        exp.append(["- " + role, str(c), str(p), str(q), "$%.4f" % u, "", ""])
summ = {r[0]: r[1] for r in d.tables.get("tbl-cost-summary", [])}
fails = []
if got != exp:
    fails.append("cost table %s vs store %s" % (got, exp))
if summ.get("total spend") != "$%.4f" % total or summ.get("saved by the cache") != "$%.4f" % saved:
    fails.append("summary %s vs total %.4f saved %.4f" % (summ, total, saved))
if summ.get("mock calls (free, not counted)") != str(mock):
    fails.append("mock calls %s vs %d" % (summ.get("mock calls (free, not counted)"), mock))
if total <= 0 or mock <= 0:
    fails.append("nothing paid (%.4f) or no mock call (%d) to compare" % (total, mock))
print("cost rows", len(got), "total", total, "mock", mock, fails)
sys.exit(1 if fails else 0)
PY2
check "audited report: cost per run and stage equals the call log" test $? -eq 0

# ---- a real build with rejections: an offline build gated by mock judges at 84 (mock scores
# are 80-95 per criterion, so most units are rejected and replaced); the rejection table and
# the funnel equal the store (the units the gate rejected) and the manifest ----
jq '.target_size = 8 | .id = "gated"' "$BA_SHARED_DIR/queries/arithmetic_logic_offline.json" > gq.json
"$BA" --provider mock --json build gq.json --offline --audit --judge mock/gate --audit-threshold 84 > gb.json 2> gb.err
check "gated build exits 0" test $? -eq 0
"$BA" report out/gated -o built.html > /dev/null 2>> rep.err
$BR "file://$ws/built.html" --dom built.dom --png "$SHOTS/report-built.png" --size 1400,5000 > built.json
check "built report: no console error, no request" jqe '.console == [] and .requests == []' built.json
sqlite3 .benchagent/state.db "SELECT status || char(9) || data FROM items WHERE run_id = (SELECT id FROM runs WHERE kind = 'build' AND key = 'gated')" > built-units.tsv
LIB=$LIB python3 - built.dom built-units.tsv out/gated/manifest.json <<'PY2'
import html, json, os, sys
sys.path.insert(0, os.environ["LIB"])
from report_dom import Dom
d = Dom(); d.feed(open(sys.argv[1]).read())
units = [(l.split("\t", 1)[0], json.loads(l.split("\t", 1)[1])) for l in open(sys.argv[2]) if "\t" in l]
man = json.load(open(sys.argv[3]))
fails = []
# the units the gate rejected: status rejected, qc.audit failed
gated = [((u.get("item") or {}).get("qc") or {}).get("audit") or {} for status, u in units if status == "rejected"]
gated = [a for a in gated if a.get("verdict") == "fail"]
stored = len(gated)
reasons = {a.get("reason", "") for a in gated}
rows = {r[0]: r for r in d.tables.get("tbl-rejections", [])[1:]}
if stored < 1: fails.append("no rejection stored: %d" % stored)
if "audit" not in rows or rows["audit"][1] != str(stored): fails.append("rejections table audit %s vs store %d" % (rows.get("audit"), stored))
page = open(sys.argv[1]).read()
shown = [x for x in reasons if html.escape(x, quote=False) in page or x in html.unescape(page)]
if not shown: fails.append("no stored reason shown as an example")
audit = man["checks"]["audit"]
funnel = {r[0]: r[1] for r in d.tables.get("tbl-funnel", [])[1:]}
if funnel.get("rejected by audit") != str(audit["total"] - audit["passed"]):
    fails.append("funnel rejected by audit %s vs manifest %s" % (funnel.get("rejected by audit"), audit))
if funnel.get("accepted") != str(man.get("item_count")):
    fails.append("funnel accepted %s vs manifest %s" % (funnel.get("accepted"), man.get("item_count")))
print("stored audit rejections", stored, "funnel", funnel, fails)
sys.exit(1 if fails else 0)
PY2
check "built report: rejection reasons and funnel equal the store and the manifest" test $? -eq 0

# ---- a model-path build (mock provider): the checks of what the examinee sees (distractors,
# leakage: src/verify/visible.c) and the verifier's probes (options only, blind: the inspector's
# path) reject items; the funnel and the rejection reasons on the page equal the manifest and the
# build's units in the store ----
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
"$BA" --provider mock --pool "$POOL" plan "$BA_SHARED_DIR/queries/causal_and_temporal_reasoning.json" > mp.out 2> mp.err
check "mock plan exits 0" test $? -eq 0
MP=out/causal_temporal_reasoning_v1
"$BA" --provider mock --pool "$POOL" --json build "$MP/plan.json" --allow-short > mb.json 2> mb.err
check "mock build exits 0" test $? -eq 0
"$BA" report "$MP" -o probes.html > /dev/null 2>> rep.err
$BR "file://$ws/probes.html" --dom probes.dom --png "$SHOTS/report-probes.png" --size 1400,4000 > probes.json
check "probe report: no console error, no request" jqe '.console == [] and .requests == []' probes.json
sqlite3 .benchagent/state.db "SELECT status || char(9) || data FROM items WHERE run_id = (SELECT MAX(id) FROM runs WHERE kind = 'build' AND key = '$(basename "$MP")')" > mp-units.tsv
LIB=$LIB python3 - probes.dom mp-units.tsv "$MP/manifest.json" "$MP/items.jsonl" <<'PY2'
import html, json, os, sys
sys.path.insert(0, os.environ["LIB"])
from report_dom import Dom
d = Dom(); d.feed(open(sys.argv[1]).read())
units = [(l.split("\t", 1)[0], json.loads(l.split("\t", 1)[1])) for l in open(sys.argv[2]) if "\t" in l]
man = json.load(open(sys.argv[3]))
n_items = sum(1 for _ in open(sys.argv[4]))
fails = []
# the store: per check, the rejected units it failed, and their reasons
failed, reasons = {}, {}
for status, u in units:
    if status != "rejected":
        continue
    for k, v in ((u.get("item") or {}).get("qc") or {}).items():
        verdict = v.get("verdict") if isinstance(v, dict) else v
        if verdict == "fail":
            failed[k] = failed.get(k, 0) + 1
            reasons.setdefault(k, set()).add(v.get("reason", "") if isinstance(v, dict) else "")
for k in ("options_probe", "blind_probe", "distractors"):
    if not failed.get(k):
        fails.append("the build has no %s rejection to compare (store: %s)" % (k, failed))
rows = {r[0]: r for r in d.tables.get("tbl-rejections", [])[1:]}
if {k: int(r[1]) for k, r in rows.items()} != failed:
    fails.append("rejection table %s vs store %s" % ({k: r[1] for k, r in rows.items()}, failed))
for k, r in rows.items():
    shown = [x for x in reasons.get(k, ()) if " ".join(x.split()) in r[2]]
    if not shown:
        fails.append("no stored reason of %s shown: %r" % (k, r[2][:160]))
funnel = {r[0]: r[1] for r in d.tables.get("tbl-funnel", [])[1:]}
for k, c in man["checks"].items():
    if funnel.get("rejected by " + k) != str(c["total"] - c["passed"]):
        fails.append("funnel rejected by %s: %s vs manifest %s" % (k, funnel.get("rejected by " + k), c))
    if k in failed and c["total"] - c["passed"] != failed[k]:
        fails.append("manifest %s rejections %d vs store %d" % (k, c["total"] - c["passed"], failed[k]))
if funnel.get("drafted") != str(len(units)):
    fails.append("funnel drafted %s vs %d units stored" % (funnel.get("drafted"), len(units)))
if funnel.get("accepted") != str(n_items) or man.get("item_count") != n_items:
    fails.append("funnel accepted %s vs %d items (manifest %s)" % (funnel.get("accepted"), n_items, man.get("item_count")))
dup = man["checks"].get("duplicate", {"total": 0, "passed": 0})
if d.ids.get("n-duplicates") != str(dup["total"] - dup["passed"]):
    fails.append("duplicates %s vs manifest %s" % (d.ids.get("n-duplicates"), dup))
print("store rejections", failed, "funnel", funnel, fails)
sys.exit(1 if fails else 0)
PY2
check "probe report: funnel and rejection reasons (probes, distractors) equal the manifest and the store" test $? -eq 0

# ---- a capped report keeps every flagged item's transcripts (the item map links to them) ----
"$BA" report out/rb -o capped.html --transcripts 5 > /dev/null 2>> rep.err
python3 "$LIB/tx_check.py" capped.html .benchagent/state.db out/rb/items.jsonl rb --ids 5 ev.json
check "capped report: the first 5 items and every flagged one, in item order, as stored" test $? -eq 0

# ---- the transcripts viewer, in the browser: filters over every item, search, pages ----
cat > harness.js <<'J'
<script>
(function(){var d=document,f=d.getElementById('tfilter'),c=d.getElementById('tcount'),out=[];
var all=function(q){return [].slice.call(d.querySelectorAll(q));};
var set=function(m,o,st,fl,q){f.elements.model.value=m;f.elements.outcome.value=o;f.elements.subtask.value=st;
f.elements.flagged.checked=fl;f.elements.q.value=q;f.dispatchEvent(new Event('change'));};
set('local/weak','wrong','',false,'');
var v=all('#tlist .txr'),bad=v.filter(function(r){return r.dataset.model!=='local/weak'||r.dataset.outcome!=='wrong';});
out.push('wrong rows='+c.dataset.rows+' items='+c.dataset.items+' visible='+v.length+' bad='+bad.length);
set('','','seq',true,'');
out.push('seqflag items='+c.dataset.items+' bad='+all('#tlist .tx').filter(function(x){return x.dataset.subtask!=='seq'||x.dataset.flagged!=='1';}).length);
set('','','',false,'MC-1');
out.push('search='+all('#tlist .tx h3').map(function(h){return h.textContent;}).join(','));
set('','','',false,'');
all('#tpager button').filter(function(b){return b.textContent.indexOf('next')===0;})[0].click();
out.push('page2='+d.querySelector('#tlist .tx h3').textContent);
var o=d.createElement('pre');o.id='harness';o.textContent=out.join(';');d.body.appendChild(o);})();
</script>
J
sed 's#</body>#'"$(tr -d '\n' < harness.js | sed 's/[&#]/\\&/g')"'</body>#' rep.html > filt.html
$BR "file://$ws/filt.html" --dom filt.dom > filt.json
res=$(grep -o '<pre id="harness">[^<]*' filt.dom | sed 's/.*>//')
echo "# viewer: $res"
check "viewer harness: no console error" jqe '.console == []' filt.json
# the same selections, counted in the store and the files, not by the page
q="FROM eval_results WHERE bench = 'rb' AND model = 'local/weak' AND error IS NULL AND score IS NOT NULL AND score <= 0"
wrong_rows=$(sqlite3 .benchagent/state.db "SELECT COUNT(*) $q"); wrong_items=$(sqlite3 .benchagent/state.db "SELECT COUNT(DISTINCT item) $q")
seqflag=$(jq -r --slurpfile ev ev.json 'select(.subtask == "seq") | .id as $i | select([$ev[0].flags[][]] | index($i)) | .id' out/rb/items.jsonl | wc -l)
search=$(jq -r 'select((.id | ascii_downcase | contains("mc-1")) or (.question | ascii_downcase | contains("mc-1"))) | .id' out/rb/items.jsonl | paste -sd,)
page2=$(jq -r .id out/rb/items.jsonl | sed -n 26p)
check "viewer: model and outcome filter counts every wrong answer of that model (store: $wrong_rows rows, $wrong_items items)" \
  grep -q "wrong rows=$wrong_rows items=$wrong_items visible=[1-9][0-9]* bad=0;" <<< "$res"
check "viewer: subtask and flagged filter ($seqflag items)" grep -q ";seqflag items=$seqflag bad=0;" <<< "$res"
check "viewer: search by id, case-insensitive ($search)" grep -q ";search=$search;" <<< "$res"
check "viewer: the next page starts at item 26 ($page2)" grep -q ";page2=$page2\$" <<< "$res"

# ---- the served pages ----
for page in "/" "/?flagged=1" "/?disagreement=1&annotator=ann1" "/item?id=evil" "/report#t-evil" "/report/transcripts?id=img-1"; do
  $BR "$R$page" --dom "$(domf "$page")" > "$(domf "$page").json"
  check "served $page: no console error (CSP allows the page script)" jqe '.console == []' "$(domf "$page").json"
  check "served $page: requests stay on the loopback server" \
    jqe --arg r "$R/" '.requests | all(startswith($r))' "$(domf "$page").json"
done
$BR "$R/item?id=evil" --png "$SHOTS/review-item.png" --size 1400,1800 > /dev/null
$BR "$R/" --png "$SHOTS/review-index.png" --size 1400,1400 > /dev/null
$BR "$R/report/transcripts?id=img-1" --png "$SHOTS/transcripts-item.png" --size 1400,1600 > /dev/null
python3 "$LIB/report_dom.py" "$(domf "/report#t-evil")" ev.json --hostile evil --audit > srv_report.txt
check "served /report: the same numbers" test $? -eq 0; show_on_fail srv_report.txt
curl -s "$R/report" > srv_report.html
python3 "$LIB/tx_check.py" srv_report.html .benchagent/state.db out/rb/items.jsonl rb > srv_tx.txt
check "served /report: every stored transcript, its messages those of the call log" test $? -eq 0; show_on_fail srv_tx.txt
check "served /report: an item links to its review page and to its transcripts alone" \
  grep -q 'id="t-evil".*href="/item?id=evil">review page</a>.*href="/report/transcripts?id=evil">this item alone</a>' "$(domf "/report#t-evil")"
d=$(domf "/item?id=evil")
check "review item: hostile question is text" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;' "$d"
check "review item: one script element" test "$(grep -o '<script' "$d" | wc -l)" -eq 1
check "review item: no event-handler attribute" lacks -Ei '<[^>]* on[a-z]+=' "$d"
check "review item: long context collapsed" grep -q '<details id="context">' "$d"
check "review item: skipped check is not a failure" grep -q 'class="skip">skipped' "$d"
check "review item: failed check is bad" grep -q 'class="bad">fail' "$d"
check "review item: links to its transcripts" grep -q 'href="/report/transcripts?id=evil"' "$d"
check "transcripts page: links back to the review page" grep -q 'href="/item?id=img-1"' "$(domf "/report/transcripts?id=img-1")"
check "transcripts page: the image sent is shown" grep -q '<img class="media" alt="image sent" src="data:image/png;base64,' "$(domf "/report/transcripts?id=img-1")"
check "transcripts page: one item only" test "$(grep -o 'class="tx"' "$(domf "/report/transcripts?id=img-1")" | wc -l)" -eq 1
check "index: flagged filter keeps flagged items only" \
  test "$(grep -o '&#9873;\|⚑' "$(domf "/?flagged=1")" | wc -l)" -eq "$(grep -o '<tr><td>[0-9]' "$(domf "/?flagged=1")" | wc -l)"
check "index: flagged filter shows the failed-check item" grep -q 'id=evil' "$(domf "/?flagged=1")"
check "index: disagreement filter shows exactly lin-2" \
  test "$(grep -o 'href="/item?id=[^&]*' "$(domf "/?disagreement=1&annotator=ann1")" | sort -u | tr '\n' ' ')" = 'href="/item?id=lin-2 '
check "index: questions are cut at a word boundary" bash -c "! grep -Eq '[A-Za-z]…' $(domf /) || grep -Eq ' [^ <]*…' $(domf /)"

# ---- review keys, in the browser: a/r click the buttons, n/p the links ----
# the served page's script tag points at /page.js: inline that same script for the file copy
curl -s "$R/page.js" > page.js
check "the server serves the page script" grep -q "btn-accept" page.js
curl -s "$R/item?id=lin-2&annotator=ann1" | python3 -c 'import sys; h=sys.stdin.read(); js=open("page.js").read(); print(h.replace("<script src=\"/page.js\"></script>", "<script>" + js + "</script>"))' > item.html
cat > keys.js <<'J'
<script>
(function(){var log=[];HTMLElement.prototype.click=function(){log.push(this.id);};
['a','r','n','p','j','k','x'].forEach(function(k){document.dispatchEvent(new KeyboardEvent('keydown',{key:k,bubbles:true}));});
var t=document.querySelector('textarea');t.dispatchEvent(new KeyboardEvent('keydown',{key:'a',bubbles:true}));
var o=document.createElement('pre');o.id='keys';o.textContent='clicked='+log.join(',');document.body.appendChild(o);})();
</script>
J
sed 's#</body>#'"$(tr -d '\n' < keys.js | sed 's/[&#]/\\&/g')"'</body>#' item.html > keys.html
$BR "file://$ws/keys.html" --dom keys.dom > keys.json
echo "# keys: $(grep -o 'clicked=btn[^<]*' keys.dom)"
check "keys: a r n p j k map to accept reject next prev next prev; typing in the comment does not" \
  grep -q 'clicked=btn-accept,btn-reject,lnk-next,lnk-prev,lnk-next,lnk-prev<' keys.dom

# ---- versions: refresh, evaluate v2, report on v2 (drift across versions and linking) ----
"$BA" --json refresh out/rb > f1.json 2> f1.err
check "refresh wrote versions/v2" test -s out/rb/versions/v2/items.jsonl
jq -s '{items: map({match: .question, answer: .answer, wrong: (if .choices then "B" else .answer + "1" end)})}' \
  out/rb/versions/v2/items.jsonl > key.json
"$BA" --json eval out/rb/versions/v2 $M $S > ev2.json 2> ev2.err
check "eval v2 exits 0" test $? -eq 0
"$BA" report out/rb/versions/v2 -o v2.html > /dev/null 2> v2.err
check "report on v2 exits 0" test $? -eq 0
$BR "file://$ws/v2.html" --dom v2.dom --png "$SHOTS/report-v2.png" --size 1400,9000 > v2.json
check "v2 report: no console error, no request" jqe '.console == [] and .requests == []' v2.json
python3 "$LIB/report_dom.py" v2.dom ev2.json > v2.txt
check "v2 report: the numbers of eval --json on v2" test $? -eq 0; show_on_fail v2.txt
LIB=$LIB python3 - v2.dom ev2.json <<'PY'
import os, sys, json
sys.path.insert(0, os.environ["LIB"])
from report_dom import Dom
d = Dom(); d.feed(open(sys.argv[1]).read()); ev = json.load(open(sys.argv[2]))
rows = d.tables.get("tbl-versions", [])
vers = [r[0] for r in rows[1:] if r and r[0][:1] == "v" and r[0][1:].isdigit()]
ok = vers == ["v1", "v2"]
link = {r[0]: r for r in d.tables.get("tbl-linking", [])[1:]}
for m in ev["linking"]["models"]:
    r = link.get(m["model"])
    ok = ok and r is not None and r[1] == "%.1f%%" % (100 * m["accuracy_prev"]) and r[2] == "%.1f%%" % (100 * m["accuracy_now"])
print("versions", vers, "linking rows", len(link))
sys.exit(0 if ok and len(link) == len(ev["linking"]["models"]) else 1)
PY
check "v2 report: v1 and v2 in the drift table, linking equal to eval's" test $? -eq 0

ls -la "$SHOTS" | sed 's/^/# /'
finish
