#!/usr/bin/env bash
# A team store on a real PostgreSQL server this script starts itself (lib/pg.sh:
# Debian's postgresql, a throwaway cluster under the build folder, as an
# unprivileged user), beyond the build (store_postgres.sh):
#  1. two `eval` processes share one evaluation through the work queue: each
#     prints the report one SQLite process gives, every unit claimed once, both
#     did units, no call sent twice;
#  2. an eval worker killed (kill -9) holding leases: another takes its units
#     over after the lease and the report still equals;
#  3. reviews, audit results, provider batch ids (kill -9 while the batch is
#     pending, rerun: one batch in all) and endpoint counters on PostgreSQL
#     equal the same on SQLite;
#  4. media: a workspace on another "machine" (a fresh folder) gets the media
#     files from the store; with the store's copies gone, one clear error;
#  5. the server restarts mid-build: the store reconnects and the build
#     finishes with the same items; the server stays down: one clear error.
set -u
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
PLAN=$BA_SOURCE_DIR/tests/data/exec/plan_queue.json
OUT=out/causal_queue_v1
command -v jq >/dev/null && command -v sqlite3 >/dev/null || { echo "needs jq and sqlite3"; exit 1; }
scratch
. "$(dirname "$0")/lib/testserver.sh"
pg_cluster ev evk rev aud bat ep med rc rc2
pids=()
at_exit 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done'
dbq() { PG_URL=$(url "$1") pg_sql "$2"; }

judge() { jq -n --argjson s "$1" '["format_schema","qa_coherence","context_question_correspondence","target_signal_dependency","skill_specific_challenge","user_intention_alignment"] | map({(.): {score: $s, rationale: "scripted"}}) | add'; }
jq -n --argjson j40 "$(judge 40)" --argjson j70 "$(judge 70)" '{rules: [
 {when: {path: "/chat/completions", body_contains: "You plan how one source sample"},
  replies: [{json: {steps: [{tool: "choice_shuffle", args: {}}]}, delay_ms: 100}]},
 {when: {path: "/chat/completions", body_contains: "strict benchmark item inspector"},
  replies: [{json: {answerable_without_input: false, answer_correct: true, answer_hinted: false,
                    ambiguous: false, verdict: "pass", reason: "fine"}, delay_ms: 100}]},
 {when: {path: "/chat/completions", body_contains: "You are an examinee shown only part"},
  replies: [{json: {answer: "", confident: false, reason: "nothing singles out an option"}}]},
 {when: {model: "judge-m", body_contains: "causal_queue_v1-0001"}, replies: [{json: $j40}]},
 {when: {model: "judge-m"}, replies: [{json: $j70}]},
 {when: {model: "m2"}, replies: [{content: "The answer is B", delay_ms: 500}]},
 {when: {model: "f2"}, replies: [{content: "The answer is B"}]},
 {when: {model: "f1"}, replies: [{content: "The answer is A"}]}],
 default: {content: "The answer is A", delay_ms: 500}, batch: {delay_ms: 2500}}' > "$tmp/rules.json"
EXEC='  batch_poll_s: 0.2
execution:
  workers: 2
  lease_s: 5'
strip='del(.. | .elapsed_s?, .run?, .requests?) | del(.endpoints)'
repoint() { sed -i "s|127.0.0.1:[0-9]*/v1|127.0.0.1:$port/v1|" "$@"; }

# the reference benchmark: one process, the embedded SQLite store
start_server "$tmp/rules.json"
workspace "$tmp/ref" "$EXEC"
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/ref" -q build "$PLAN" > /dev/null 2> "$tmp/ref.err"
check "reference build" test "$(wc -l < "$tmp/ref/$OUT/items.jsonl")" -eq 30; show_on_fail "$tmp/ref.err"
BENCH=$tmp/ref/$OUT
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/ref" -q --json eval "$BENCH" --model local/m1 --model local/m2 > "$tmp/ev_ref.json" 2> "$tmp/ev_ref.err"
check "reference eval" test "$(jq '.models | length' "$tmp/ev_ref.json")" -eq 2; show_on_fail "$tmp/ev_ref.err"

# ---- 1. two eval processes share one evaluation ----
start_server "$tmp/rules.json"
workspace "$tmp/e1" "$EXEC"; workspace "$tmp/e2" "$EXEC"
ev() { BENCHAGENT_STORE=$(url "$2") exec "$BA" --workspace "$1" -q --json eval "$BENCH" --model local/m1 --model local/m2; }
ev "$tmp/e1" ev > "$tmp/ev1.json" 2> "$tmp/ev1.err" & p1=$!
ev "$tmp/e2" ev > "$tmp/ev2.json" 2> "$tmp/ev2.err" & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check "shared eval: both processes finish" test $r1 -eq 0 -a $r2 -eq 0; show_on_fail "$tmp/ev1.err" "$tmp/ev2.err"
for k in 1 2; do
  check "shared eval: process $k's report equals one process's" \
    test "$(jq -S "$strip" "$tmp/ev$k.json")" = "$(jq -S "$strip" "$tmp/ev_ref.json")"
done
q=$(dbq ev "SELECT COUNT(*), SUM(claims), COUNT(DISTINCT worker), SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) FROM work_queue WHERE stage LIKE 'eval:%'")
echo "# shared eval queue (units|claims|workers|done): $q; submitted $(jq .requests.submitted "$tmp/ev1.json") + $(jq .requests.submitted "$tmp/ev2.json")"
check "shared eval: 8 units (60 jobs / 8 items), each claimed once, by both" test "$q" = "8|8|2|8"
s=$(stats)
check "shared eval: every call sent once, none twice" test "$(jq .requests <<< "$s")" -eq 60 -a "$(jq .repeats <<< "$s")" -eq 0
check "shared eval: the two processes' calls add up" test $(( $(jq .requests.submitted "$tmp/ev1.json") + $(jq .requests.submitted "$tmp/ev2.json") )) -eq 60

# ---- 2. an eval worker killed while it holds leases ----
workspace "$tmp/k1" "$EXEC"; workspace "$tmp/k2" "$EXEC"
ev "$tmp/k1" evk > /dev/null 2>&1 & pk=$!; pids+=($pk)
for i in $(seq 400); do
  d=$(dbq evk "SELECT COUNT(*) FROM work_queue WHERE state = 'done'" 2>/dev/null)
  l=$(dbq evk "SELECT COUNT(*) FROM work_queue WHERE state = 'leased'" 2>/dev/null)
  [ "${d:-0}" -ge 2 ] && [ "${l:-0}" -ge 1 ] && break
  sleep 0.05
done
kill -9 $pk; wait $pk 2>/dev/null
nheld=$(dbq evk "SELECT COUNT(*) FROM work_queue WHERE state = 'leased'")
check "eval kill: the killed worker held a lease" test "$nheld" -ge 1
ev "$tmp/k2" evk > "$tmp/evk.json" 2> "$tmp/evk.err" & pb=$!; pids+=($pb)
wait $pb
check "eval kill: the second worker finishes" test $? -eq 0; show_on_fail "$tmp/evk.err"
echo "# eval kill: killed $pk held $nheld; queue (key|claims|worker): $(dbq evk "SELECT key || '|' || claims || '|' || worker FROM work_queue ORDER BY key" | tr '\n' ' ')"
check "eval kill: its report equals one process's" test "$(jq -S "$strip" "$tmp/evk.json")" = "$(jq -S "$strip" "$tmp/ev_ref.json")"
check "eval kill: the held units taken over by the second worker" \
  test "$(dbq evk "SELECT COUNT(*) FROM work_queue WHERE claims = 2 AND state = 'done' AND worker LIKE '%:$pb'")" -eq "$nheld"
check "eval kill: no other unit claimed twice" test "$(dbq evk "SELECT COUNT(*) FROM work_queue WHERE claims > 1")" -eq "$nheld"
check "eval kill: every unit done" test "$(dbq evk "SELECT COUNT(*) FROM work_queue WHERE state != 'done'")" -eq 0

# ---- 3a. reviews ----
review() { # WS STORE(or "") -> the stats after the same verdicts
  local p rp
  if [ -n "$2" ]; then export BENCHAGENT_STORE=$(url "$2"); else unset BENCHAGENT_STORE; fi
  "$BA" --workspace "$1" review "$BENCH" --port 0 --annotator ann 2> "$1.review.err" & rp=$!
  for i in $(seq 100); do grep -q "http://127.0.0.1:" "$1.review.err" 2>/dev/null && break; sleep 0.1; done
  p=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$1.review.err" | head -1)
  for v in "0001 a accept" "0002 a reject" "0003 a accept" "0001 b accept" "0002 b accept" "0003 b accept" "0002 a accept"; do
    set -- $v
    curl -s -o /dev/null -H "Origin: http://127.0.0.1:$p" -d "id=causal_queue_v1-$1&verdict=$3&annotator=$2" "http://127.0.0.1:$p/review"
  done
  curl -s "http://127.0.0.1:$p/api/stats"
  kill $rp; wait $rp 2>/dev/null
  unset BENCHAGENT_STORE
}
workspace "$tmp/rv"
review "$tmp/rv" rev > "$tmp/rv_pg.json"
review "$tmp/ref" "" > "$tmp/rv_sq.json"
check "reviews: stored on PostgreSQL (6 verdicts, one updated)" test "$(dbq rev "SELECT COUNT(*), SUM(CASE WHEN verdict = 'accept' THEN 1 ELSE 0 END) FROM reviews")" = "6|6"
check "reviews: the statistics equal SQLite's" test "$(jq -S . "$tmp/rv_pg.json")" = "$(jq -S . "$tmp/rv_sq.json")" -a "$(jq -r 'keys | length' "$tmp/rv_pg.json")" -gt 0

# ---- 3b. audit results ----
workspace "$tmp/au" "$EXEC"
cp -r "$BENCH" "$tmp/bench_pg"; cp -r "$BENCH" "$tmp/bench_sq"   # each audit writes its audit.json there
BENCHAGENT_STORE=$(url aud) "$BA" --workspace "$tmp/au" -q --json audit "$tmp/bench_pg" --judge local/judge-m > "$tmp/au_pg.json" 2> "$tmp/au_pg.err"
check "audit on PostgreSQL exits 0" test $? -eq 0; show_on_fail "$tmp/au_pg.err"
workspace "$tmp/aus" "$EXEC"   # no reviews there (they would join the audit's report)
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/aus" -q --json audit "$tmp/bench_sq" --judge local/judge-m > "$tmp/au_sq.json" 2>/dev/null
austrip='del(.. | .elapsed_s?, .run?, .generated_at?, .bench_dir?, .benchmark?, .requests?)'
check "audit: the result equals SQLite's" test "$(jq -S "$austrip" "$tmp/au_pg.json")" = "$(jq -S "$austrip" "$tmp/au_sq.json")"
check "audit: the scripted scores came through" test "$(jq -c '[.items[0].score, .items[1].score]' "$tmp/au_pg.json")" = "[40,70]"
check "audit: 30 judgements stored on PostgreSQL" test "$(dbq aud "SELECT COUNT(*) FROM audit_scores")" -eq 30
r0=$(stats | jq .requests)
BENCHAGENT_STORE=$(url aud) "$BA" --workspace "$tmp/au" -q --json audit "$tmp/bench_pg" --judge local/judge-m > "$tmp/au_pg2.json" 2>/dev/null
check "audit rerun on PostgreSQL: nothing sent, same result" test "$(stats | jq .requests)" -eq "$r0" -a "$(jq -S "$austrip" "$tmp/au_pg2.json")" = "$(jq -S "$austrip" "$tmp/au_pg.json")"

# ---- 3c. provider batch ids: kill -9 while the batch is pending ----
# (models that answer at once: the test server answers a batch's lines when it is created)
workspace "$tmp/bs" "$EXEC"; workspace "$tmp/bt" "$EXEC"
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/bs" -q --json eval "$BENCH" --model local/f1 --model local/f2 > "$tmp/bs.json" 2>/dev/null
b0=$(stats | jq '.batches | length')
BENCHAGENT_STORE=$(url bat) "$BA" --workspace "$tmp/bt" -q --batch-api eval "$BENCH" --model local/f1 --model local/f2 > /dev/null 2>&1 & pv=$!; pids+=($pv)
for i in $(seq 200); do [ "$(dbq bat "SELECT COUNT(*) FROM llm_batches" 2>/dev/null)" = 1 ] && break; sleep 0.05; done
kill -9 $pv; wait $pv 2>/dev/null
check "batch ids: the batch is in the PostgreSQL store, pending" test "$(dbq bat "SELECT COUNT(*), MIN(status) FROM llm_batches WHERE status != 'completed'")" != "0|"
BENCHAGENT_STORE=$(url bat) "$BA" --workspace "$tmp/bt" -v --json --batch-api eval "$BENCH" --model local/f1 --model local/f2 > "$tmp/bt.json" 2> "$tmp/bt.err"
check "batch ids: rerun exits 0" test $? -eq 0; show_on_fail "$tmp/bt.err"
check "batch ids: the rerun polled the pending batch" grep -q "polling batch .* from an earlier run" "$tmp/bt.err"
check "batch ids: one batch in all" test "$(stats | jq ".batches[$b0:] | length")" -eq 1
check "batch ids: the result equals one direct SQLite process's" test "$(jq -S "$strip" "$tmp/bt.json")" = "$(jq -S "$strip" "$tmp/bs.json")"
check "batch ids: completed in the store" test "$(dbq bat "SELECT status FROM llm_batches")" = completed

# ---- 3d. endpoint counters: a pool of two base URLs ----
pool_ws() {
  workspace "$1" "$EXEC"
  sed -i "s|^providers:|providers:\n  - name: pool\n    protocol: openai\n    base_urls: [http://127.0.0.1:$port/v1, http://localhost:$port/v1]\n    model: m1|" "$1/benchagent.yaml"
}
pool_ws "$tmp/ep1"; pool_ws "$tmp/ep2"
r0=$(stats | jq .requests)
BENCHAGENT_STORE=$(url ep) "$BA" --workspace "$tmp/ep1" -q eval "$BENCH" --model pool/m9 > /dev/null 2>&1
sent=$(( $(stats | jq .requests) - r0 ))
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/ep2" -q eval "$BENCH" --model pool/m9 > /dev/null 2>&1
BENCHAGENT_STORE=$(url ep) "$BA" --workspace "$tmp/ep1" --json cost > "$tmp/ep_pg.json"
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/ep2" --json cost > "$tmp/ep_sq.json"
epsum() { jq '[.endpoints[] | .requests] | add' "$1"; }
echo "# endpoints on PostgreSQL: $(jq -c '[.endpoints[] | {url, requests, failures}]' "$tmp/ep_pg.json")"
check "endpoint counters: both endpoints on PostgreSQL" test "$(jq '.endpoints | length' "$tmp/ep_pg.json")" -eq 2
check "endpoint counters: every call counted once ($sent)" test "$sent" -eq 30 -a "$(epsum "$tmp/ep_pg.json")" -eq 30
check "endpoint counters: the same URLs and totals as SQLite" \
  test "$(jq -c '[.endpoints[] | .url] | sort' "$tmp/ep_pg.json") $(epsum "$tmp/ep_pg.json")" = "$(jq -c '[.endpoints[] | .url] | sort' "$tmp/ep_sq.json") $(epsum "$tmp/ep_sq.json")"

# ---- 4. media: made on one machine, used on another ----
jq '.target_size = 12' "$BA_SHARED_DIR/queries/visual_chart_reading.json" > "$tmp/vc.json"
mb() { mkdir -p "$1"; BENCHAGENT_STORE=$(url med) env -u OPENAI_API_KEY "$BA" --workspace "$1" build "$tmp/vc.json"; }
VC=out/visual_chart_reading_v1
mb "$tmp/ma" > /dev/null 2> "$tmp/ma.err"
check "media: machine A builds an image benchmark" test "$(ls "$tmp/ma/$VC/media" | wc -l)" -eq 12; show_on_fail "$tmp/ma.err"
check "media: the store keeps every file's bytes" test "$(dbq med "SELECT COUNT(*) FROM media_blobs")" -eq "$(dbq med "SELECT COUNT(*) FROM media")"
mb "$tmp/mbb" > "$tmp/mb.out" 2> "$tmp/mb.err"
check "media: machine B builds from the store" test $? -eq 0; show_on_fail "$tmp/mb.err"
check "media: B made nothing anew" grep -q "0 new" "$tmp/mb.out"
check "media: B's benchmark equals A's, media files byte for byte" diff -r "$tmp/ma/$VC/media" "$tmp/mbb/$VC/media"
check "media: B's items equal A's" cmp -s "$tmp/ma/$VC/items.jsonl" "$tmp/mbb/$VC/items.jsonl"
check "media: B's workspace got the files from the store" test "$(find "$tmp/mbb/.benchagent/media" -type f | wc -l)" -eq 12
dbq med "DELETE FROM media_blobs" > /dev/null
mb "$tmp/mc" > /dev/null 2> "$tmp/mc.err"
check "media: without the store's copies machine C fails" test $? -ne 0
check "media: with an error naming the missing media and the store" grep -q "not in this workspace and not in the team store" "$tmp/mc.err"

# ---- 5. the server restarts mid-build; then stays down ----
start_server "$tmp/rules.json"
workspace "$tmp/r1" "$EXEC"
BENCHAGENT_STORE=$(url rc) "$BA" --workspace "$tmp/r1" build "$PLAN" > /dev/null 2> "$tmp/r1.err" & pr=$!; pids+=($pr)
for i in $(seq 600); do
  [ "$(dbq rc "SELECT COUNT(*) FROM work_queue WHERE stage = 'execute' AND state = 'done'" 2>/dev/null)" -ge 5 ] 2>/dev/null && break
  sleep 0.05
done
pg_restart
check "restart: the server came back" pg_sql "SELECT 1"
wait $pr
check "restart: the build finishes" test $? -eq 0; show_on_fail "$tmp/r1.err"
check "restart: the store reconnected" grep -q "reconnected" "$tmp/r1.err"
check "restart: items equal the one-process build" cmp -s "$BENCH/items.jsonl" "$tmp/r1/$OUT/items.jsonl"
workspace "$tmp/r2" "$EXEC"
BENCHAGENT_STORE=$(url rc2) BENCHAGENT_STORE_RECONNECT_S=2 "$BA" --workspace "$tmp/r2" -q build "$PLAN" > /dev/null 2> "$tmp/r2.err" & pr=$!; pids+=($pr)
for i in $(seq 600); do
  [ "$(dbq rc2 "SELECT COUNT(*) FROM work_queue WHERE stage = 'execute' AND state = 'done'" 2>/dev/null)" -ge 3 ] 2>/dev/null && break
  sleep 0.05
done
pg_halt
wait $pr; rr=$?
pg_resume
check "server down: the build fails" test $rr -ne 0
check "server down: one clear error naming the store" \
  grep -q "postgresql://127.0.0.1:[0-9]*/rc2.*could not be reopened within 2 s" "$tmp/r2.err" || tail -3 "$tmp/r2.err" >&2
finish
