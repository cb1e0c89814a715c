#!/usr/bin/env bash
# The pages keep to the window: an item whose question, option, answer and
# explanation hold one 5,000-character word (no space to break at) must not
# widen the review index, the review item page, the report file or its
# transcripts viewer (file and served) past a 1,000 px window. Each page is
# laid out in headless Chromium at 1,000 px (lib/page_width.py) and its
# document scroll width read. Also: the review page marks the key of a choice
# item whose answer is given as the option's text or as its index, and
# hostile item text (</script>, event handlers, {{x}}, U+2028) stays text in
# the viewer and on the review page. Screenshots land in BUILD/screenshots/.
set -u
. "$(dirname "$0")/lib/common.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
SHOTS=$BA_BINARY_DIR/screenshots
mkdir -p "$SHOTS"
W=1000
scratch
. "$(dirname "$0")/lib/testserver.sh"
rv_pid=
at_exit '[ -n "$rv_pid" ] && kill "$rv_pid" 2>/dev/null'
cd "$tmp" || exit 1

# width NAME PAGE [page_width.py options]: the measurement as JSON in NAME.w
width() {
  local name=$1 page=$2; shift 2
  python3 "$LIB/page_width.py" "$page" --width $W --dom "$name.dom" "$@" > "$name.w" 2> "$name.werr"
}
fits() { jqe --argjson w $W '.inner == $w and .scroll <= $w + 2' "$1.w"; }

# ---- a benchmark: generator items, choice items (keys as letter, text, index), the long word, a hostile item ----
mkdir -p out/pl
long=$(printf 'Q%.0s' $(seq 5000))
"$BA" --seed 5 gen sample linear_equations --difficulty 2 -n 6 > lin.jsonl
{
  jq -c '{id: ("lin-" + (input_line_number|tostring)), subtask: "lin"} + .' lin.jsonl
  jq -nc '{id: "mc-letter", subtask: "mc", answer_type: "choice", question: "Which is a prime?",
           choices: ["4", "6", "7", "9"], answer: "C", source: {kind: "dataset", dataset: "handmade"}}'
  jq -nc '{id: "mc-text", subtask: "mc", answer_type: "choice", question: "Which city is the capital of France?",
           choices: ["Berlin", "Paris", "Rome", "Madrid"], answer: "Paris", source: {kind: "dataset", dataset: "handmade"}}'
  jq -nc '{id: "mc-index", subtask: "mc", answer_type: "choice", question: "Which planet is the largest?",
           choices: ["Mars", "Venus", "Jupiter", "Earth"], answer: 2, source: {kind: "dataset", dataset: "handmade"}}'
  jq -nc --arg w "$long" '{id: "long", subtask: "mc", answer_type: "choice", question: ("Which word is this: " + $w + "?"),
           choices: [$w, "short", "other", "none"], answer: "A", explanation: ("It is " + $w + "."),
           source: {kind: "dataset", dataset: "handmade"}}'
  jq -nc --arg w "$long" '{id: "long-open", subtask: "open", answer_type: "short", question: ("Repeat: " + $w),
           answer: $w, source: {kind: "dataset", dataset: "handmade"}}'
  jq -nc '{id: "evil", subtask: "mc", answer_type: "choice",
           question: "</script><script>alert(1)</script><img src=x onerror=alert(2)> {{x}} {{question}} one\u2028two. What is 2+2?",
           choices: ["<b onmouseover=\"alert(3)\">4</b>", "5 {{x}}", "6\u2028six", "7\" onfocus=\"alert(4)"], answer: "A",
           explanation: "</pre><script>alert(5)</script>", source: {kind: "dataset", dataset: "<svg onload=alert(7)>"}}'
} > out/pl/items.jsonl
n=$(wc -l < out/pl/items.jsonl)
printf '{"id": "pl", "benchmark_id": "pl", "item_count": %d}\n' "$n" > out/pl/manifest.json
jq -s '{items: map({match: (.question | .[0:60]), answer: (.answer | tostring), wrong: "B"})}' out/pl/items.jsonl > key.json
cat > rules.json <<'J'
{"rules": [
  {"when": {"model": "strong"}, "replies": [{"examinee": {"skill": 0.9, "key": "key.json"}}]},
  {"when": {"model": "weak"}, "replies": [{"examinee": {"skill": 0.3, "key": "key.json"}}]}
 ], "default": {"content": "I do not know."}}
J
start_server rules.json
workspace -m strong . "evaluation:
  resamples: 100"
"$BA" --json eval out/pl --model local/strong --model local/weak > ev.json 2> ev.err
check "eval exits 0" test $? -eq 0; show_on_fail ev.err

# ---- the report file and its viewer ----
"$BA" report out/pl -o rep.html > /dev/null 2> rep.err
check "report exits 0" test $? -eq 0; show_on_fail rep.err
width rep rep.html
check "report file fits $W px" fits rep; show_on_fail rep.w rep.werr
width rep-long rep.html --fragment t-long
check "report file, viewer on the long item, fits $W px" fits rep-long; show_on_fail rep-long.w rep-long.werr
check "report file: the viewer shows the long item" grep -q 'id="t-long"' rep-long.dom
check "report file: the viewer shows transcripts" jqe '.tx > 0' rep-long.w

# ---- the served pages ----
"$BA" --json review out/pl --port 0 > rv.out 2> rv.err & rv_pid=$!
for i in $(seq 100); do [ -s rv.out ] && break; sleep 0.1; done
R="http://127.0.0.1:$(jq -r .port rv.out)"
curl -s "$R/page.js" > page.js
check "the server serves the page script" test -s page.js
for page in "/" "/item?id=long" "/item?id=long-open" "/report/transcripts?id=long" "/report/transcripts?id=long-open"; do
  f=srv$(printf %s "$page" | tr -c 'a-z0-9' '_')
  curl -s "$R$page" > "$f.html"
  width "$f" "$f.html" --script page.js
  check "served $page fits $W px" fits "$f"; show_on_fail "$f.w" "$f.werr"
done
curl -s "$R/report" > srv_report.html
width srv-report srv_report.html --script page.js --fragment t-long
check "served /report, viewer on the long item, fits $W px" fits srv-report; show_on_fail srv-report.w srv-report.werr
check "served /report: the viewer shows the long item" grep -q 'id="t-long"' srv-report.dom
# the measure sees overflow: the same page in a window half as wide as the word is, without wrapping
sed 's#</style>#pre,li,td,h2,h3,p,div,span{white-space:pre!important;overflow-wrap:normal!important;word-break:normal!important}</style>#' \
  srv_item_id_long.html > nowrap.html
width nowrap nowrap.html --script page.js
check "the measure sees a page wider than the window (nowrap copy: $(jq -r .scroll nowrap.w 2>/dev/null) px)" \
  jqe --argjson w $W '.scroll > 10 * $w' nowrap.w; show_on_fail nowrap.w nowrap.werr

# ---- the review page marks the key however it is given ----
for k in letter:3 text:2 index:3; do
  id=mc-${k%%:*}; want=${k##*:}
  curl -s "$R/item?id=$id" > "$id.html"
  got=$(python3 -c '
import re, sys
h = open(sys.argv[1]).read()
ol = re.search(r"<ol type=A>(.*?)</ol>", h, re.S).group(1)
lis = re.findall(r"<li([^>]*)>", ol)
print(",".join(str(i + 1) for i, a in enumerate(lis) if "correct" in a))' "$id.html")
  check "review page marks option $want of $id (key given as ${k%%:*}; marked: $got)" test "$got" = "$want"
done

# ---- hostile text stays text ----
curl -s "$R/item?id=evil" > evil.html
check "review item: </script> and onerror are text" grep -qF '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;' evil.html
check "review item: {{x}} is shown as written" grep -qF '{{x}} {{question}} one' evil.html
check "review item: U+2028 is kept as text" grep -qF "one$(printf '\u2028')two" evil.html
check "review item: one script element" test "$(grep -o '<script' evil.html | wc -l)" -eq 1
BR="python3 $LIB/browser.py"
$BR "file://$tmp/rep.html#t-evil" --dom rep-evil.dom > rep-evil.json
check "viewer on the hostile item: no console error" jqe '.console == []' rep-evil.json
check "viewer: the hostile question is text" grep -qF '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; {{x}} {{question}} one' rep-evil.dom
check "viewer: no event-handler attribute, no element from item text" lacks -Ei '<[^>]* on[a-z]+=|<img src="?x|<svg onload' rep-evil.dom
check "viewer: two script elements (the data block, the page script)" test "$(grep -o '<script' rep-evil.dom | wc -l)" -eq 2

# ---- screenshots at the window width, for people to look at ----
$BR "$R/item?id=long" --png "$SHOTS/layout-review-item.png" --size $W,1400 > /dev/null
$BR "$R/item?id=evil" --png "$SHOTS/layout-review-evil.png" --size $W,1400 > /dev/null
$BR "$R/" --png "$SHOTS/layout-review-index.png" --size $W,1000 > /dev/null
# the report's viewer with one item, its messages open (a screenshot at #t-ID shows the
# viewport before it scrolls there: blank)
for id in long evil; do
  sed "s#</style>#main>section:not(\#transcripts){display:none}.tx:not(\#t-$id){display:none}</style>#
       s#</body>#<script>addEventListener('load',function(){setTimeout(function(){document.querySelectorAll('\#tlist details').forEach(function(x){x.open=true})},50)})</script></body>#" \
    rep.html > "shot-$id.html"
  $BR "file://$tmp/shot-$id.html" --png "$SHOTS/layout-report-$id.png" --size $W,1400 > /dev/null
done
$BR "$R/report/transcripts?id=long" --png "$SHOTS/layout-transcripts-long.png" --size $W,1400 > /dev/null
for f in *.w; do echo "# ${f%.w}: $(cat "$f")"; done
finish
