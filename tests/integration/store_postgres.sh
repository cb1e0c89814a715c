#!/usr/bin/env bash
# A shared store on a real PostgreSQL server this script starts itself
# (Debian's postgresql, a throwaway cluster under the build folder, run as
# an unprivileged user): several benchagent processes build one benchmark
# through the store's work queue against ba-testserver.
#  1. two workers: the items equal a one-process SQLite build, every unit
#     claimed once, no call sent twice (the server counts repeated bodies),
#     both workers did units;
#  2. a third workspace on the same store (another machine) sends nothing:
#     the call cache and the stages are shared;
#  3. one worker killed (kill -9) mid-run holding leases: a second worker
#     waits for the leases to run out, takes those units over and finishes;
#     the items still equal the one-process build;
#  3b. execution.queue: true on SQLite: two processes on one workspace (and
#     one fresh store: its schema is created once) build together;
#  4. eval and cost on the team store equal eval and cost on SQLite;
#  5. errors: an unreachable server, a bad store: value, --dry-run on a
#     shared store are one clear line each.
set -u
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
PLAN=$BA_SOURCE_DIR/tests/data/exec/plan_queue.json
OUT=out/causal_queue_v1
command -v jq >/dev/null || { echo "needs jq"; exit 1; }
scratch
. "$(dirname "$0")/lib/testserver.sh"
pg_cluster two kill
pids=()
at_exit 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done'

# every unit: one step-list call and one inspector call, each 100 ms, and the probes
cat > "$tmp/rules.json" <<'J'
{"rules": [
 {"when": {"path": "/chat/completions", "body_contains": "You plan how one source sample"},
  "replies": [{"json": {"steps": [{"tool": "choice_shuffle", "args": {}}]}, "delay_ms": 100}]},
 {"when": {"path": "/chat/completions", "body_contains": "strict benchmark item inspector"},
  "replies": [{"json": {"answerable_without_input": false, "answer_correct": true, "answer_hinted": false,
                        "ambiguous": false, "verdict": "pass", "reason": "fine"}, "delay_ms": 100}]},
 {"when": {"path": "/chat/completions", "body_contains": "You are an examinee shown only part"},
  "replies": [{"json": {"answer": "", "confident": false, "reason": "nothing singles out an option"}}]}],
 "default": {"content": "The answer is A", "delay_ms": 5}}
J
EXEC='execution:
  workers: 2
  lease_s: 5'
build() { exec "$BA" --workspace "$1" -q build "$PLAN"; }  # exec: $! is benchagent itself

# the reference: one process, the embedded SQLite store
start_server "$tmp/rules.json"
workspace "$tmp/ref" "$EXEC"
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/ref" -q build "$PLAN" > /dev/null
check "one-process build" test -s "$tmp/ref/$OUT/items.jsonl"
n_ref=$(wc -l < "$tmp/ref/$OUT/items.jsonl")
calls_ref=$(stats | jq .requests)
# per unit: the step list and the inspector, plus the verifier's probes (options-only for a
# choice item, blind for one with context or media), counted from the items themselves
probes=$(jq -s '[.[] | ((if (.choices | length) >= 2 then 1 else 0 end)
                     + (if ((.media // []) | length) > 0 or .context != null then 1 else 0 end))] | add' \
         "$tmp/ref/$OUT/items.jsonl")
check "reference: 30 items, 60 calls and $probes probes" test "$n_ref" -eq 30 -a "$calls_ref" -eq $((60 + probes))

# 1. two workers on one PostgreSQL store
start_server "$tmp/rules.json"
workspace "$tmp/w1" "$EXEC"; workspace "$tmp/w2" "$EXEC"
export BENCHAGENT_STORE=$(url two)
build "$tmp/w1" > "$tmp/w1.out" 2>&1 & p1=$!
build "$tmp/w2" > "$tmp/w2.out" 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check "two workers: both finish" test $r1 -eq 0 -a $r2 -eq 0; show_on_fail "$tmp/w1.out" "$tmp/w2.out"
check "two workers: worker 1 items equal the one-process build" cmp -s "$tmp/ref/$OUT/items.jsonl" "$tmp/w1/$OUT/items.jsonl"
check "two workers: worker 2 items equal the one-process build" cmp -s "$tmp/ref/$OUT/items.jsonl" "$tmp/w2/$OUT/items.jsonl"
s=$(stats)
check "two workers: no call sent twice" test "$(jq .repeats <<< "$s")" -eq 0
check "two workers: as many calls as one process" test "$(jq .requests <<< "$s")" -eq "$calls_ref"
q=$(PG_URL=$(url two) pg_sql "SELECT stage, COUNT(*), SUM(claims), COUNT(DISTINCT worker), SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) FROM work_queue GROUP BY stage ORDER BY stage")
echo "# queue (stage|units|claims|workers|done): $(echo $q)"
check "two workers: every unit claimed once and done" test "$q" = "$(printf 'execute|30|30|2|30\nverify|30|30|2|30')"

# 2. another workspace on the same store: the cache and stages are shared
before=$(stats | jq .requests)
workspace "$tmp/w3" "$EXEC"
(build "$tmp/w3") > /dev/null 2>&1
check "shared store: a third workspace builds" cmp -s "$tmp/ref/$OUT/items.jsonl" "$tmp/w3/$OUT/items.jsonl"
check "shared store: it sends nothing" test "$(stats | jq .requests)" -eq "$before"

# 3. a worker killed mid-run while it holds leases
start_server "$tmp/rules.json"
workspace "$tmp/k1" "$EXEC"; workspace "$tmp/k2" "$EXEC"
export BENCHAGENT_STORE=$(url kill)
kq() { PG_URL=$(url kill) pg_sql "$1"; }
build "$tmp/k1" > "$tmp/k1.out" 2>&1 & pk=$!; pids+=($pk)
for i in $(seq 600); do
  d=$(kq "SELECT COUNT(*) FROM work_queue WHERE stage = 'execute' AND state = 'done'" 2>/dev/null)
  l=$(kq "SELECT COUNT(*) FROM work_queue WHERE state = 'leased'" 2>/dev/null)
  [ "${d:-0}" -ge 6 ] && [ "${l:-0}" -ge 1 ] && break
  sleep 0.05
done
kill -9 $pk; wait $pk 2>/dev/null
held=$(kq "SELECT stage || ' ' || key FROM work_queue WHERE state = 'leased' ORDER BY stage, key")
nheld=$(echo "$held" | grep -c .)
echo "# killed worker held $nheld lease(s): $(echo $held)"
check "kill: the killed worker held leases" test "$nheld" -ge 1
t0=$(date +%s.%N)
build "$tmp/k2" > "$tmp/k2.out" 2>&1 & pb=$!; pids+=($pb)
wait $pb; rb=$?
check "kill: the second worker finishes" test $rb -eq 0; show_on_fail "$tmp/k2.out"
check "kill: items equal the one-process build" cmp -s "$tmp/ref/$OUT/items.jsonl" "$tmp/k2/$OUT/items.jsonl"
took=$(kq "SELECT COUNT(*) FROM work_queue WHERE claims = 2 AND state = 'done' AND worker LIKE '%:$pb'")
check "kill: every unit the killed worker held was taken over by the second" test "$took" -eq "$nheld"
check "kill: every unit done" test "$(kq "SELECT COUNT(*) FROM work_queue WHERE state != 'done'")" -eq 0
check "kill: no other unit claimed twice" test "$(kq "SELECT COUNT(*) FROM work_queue WHERE claims > 1")" -eq "$nheld"
s=$(stats)
echo "# kill: $(jq -c '{requests, repeats}' <<< "$s") (a reply lost with the killed worker is asked again)"
check "kill: at most the killed worker's calls in flight sent again" test "$(jq .repeats <<< "$s")" -le "$nheld"

# 3b. the queue on the embedded store: two processes, one workspace
start_server "$tmp/rules.json"
workspace "$tmp/lq" "$EXEC
  queue: true"
(unset BENCHAGENT_STORE; build "$tmp/lq") > "$tmp/lq1.out" 2>&1 & pq1=$!
(unset BENCHAGENT_STORE; build "$tmp/lq") > "$tmp/lq2.out" 2>&1 & pq2=$!
wait $pq1; r1=$?; wait $pq2; r2=$?
check "sqlite queue: both processes finish" test $r1 -eq 0 -a $r2 -eq 0; show_on_fail "$tmp/lq1.out" "$tmp/lq2.out"
check "sqlite queue: items equal the one-process build" cmp -s "$tmp/ref/$OUT/items.jsonl" "$tmp/lq/$OUT/items.jsonl"
s=$(stats)
check "sqlite queue: no call sent twice" test "$(jq .repeats <<< "$s")" -eq 0 -a "$(jq .requests <<< "$s")" -eq "$calls_ref"
check "sqlite queue: every unit claimed once, by two workers" test "$(sqlite3 "$tmp/lq/.benchagent/state.db" "SELECT COUNT(*), SUM(claims), COUNT(DISTINCT worker) FROM work_queue")" = "60|60|2"

# 4. eval and cost on the team store equal the same on SQLite (store two vs the reference)
strip='del(.. | .elapsed_s?, .run?) | del(.endpoints)'
sed -i "s|127.0.0.1:[0-9]*/v1|127.0.0.1:$port/v1|" "$tmp/ref/benchagent.yaml" "$tmp/w1/benchagent.yaml"  # the server now running
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/ref" -q --json eval "$tmp/ref/$OUT" --model local/test-model > "$tmp/ev_ref.json" 2> "$tmp/ev_ref.err"
check "eval on SQLite succeeds" test $? -eq 0; show_on_fail "$tmp/ev_ref.err"
BENCHAGENT_STORE=$(url two) "$BA" --workspace "$tmp/w1" -q --json eval "$tmp/ref/$OUT" --model local/test-model > "$tmp/ev_pg.json" 2> "$tmp/ev_pg.err"
check "eval on the team store succeeds" test $? -eq 0; show_on_fail "$tmp/ev_pg.err"
check "eval on the team store scored every item" test "$(jq '.models[0].n' "$tmp/ev_pg.json")" -eq 30
check "eval on the team store equals eval on SQLite" test "$(jq -S "$strip" "$tmp/ev_ref.json")" = "$(jq -S "$strip" "$tmp/ev_pg.json")"
env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/ref" --json cost | jq -S .total > "$tmp/cost_ref.json"
BENCHAGENT_STORE=$(url two) "$BA" --workspace "$tmp/w1" --json cost | jq -S .total > "$tmp/cost_pg.json"
check "cost totals on the team store equal SQLite's" cmp -s "$tmp/cost_ref.json" "$tmp/cost_pg.json"; show_on_fail "$tmp/cost_ref.json" "$tmp/cost_pg.json"
check "cost counts the build and eval calls" test "$(jq .calls "$tmp/cost_pg.json")" -eq $((90 + probes))

# 5. errors are one clear line
unset BENCHAGENT_STORE
BENCHAGENT_STORE="postgresql://bench:secret@127.0.0.1:1/none" "$BA" --workspace "$tmp/w1" -q build "$PLAN" > /dev/null 2> "$tmp/e1"
check "unreachable server: fails" test $? -ne 0
check "unreachable server: one line naming the store" test "$(wc -l < "$tmp/e1")" -eq 1 -a "$(grep -c 'postgresql://127.0.0.1:1/none: cannot connect' "$tmp/e1")" -eq 1; show_on_fail "$tmp/e1"
check "unreachable server: the password is not printed" test "$(grep -c secret "$tmp/e1")" -eq 0
workspace "$tmp/bad" "store: mysql://x"
"$BA" --workspace "$tmp/bad" -q build "$PLAN" > /dev/null 2> "$tmp/e2"
check "bad store: value: one line naming the field" test "$(wc -l < "$tmp/e2")" -eq 1 -a "$(grep -c 'store: expected sqlite or a postgresql' "$tmp/e2")" -eq 1; show_on_fail "$tmp/e2"
BENCHAGENT_STORE=$(url two) "$BA" --workspace "$tmp/w1" -q build --dry-run "$PLAN" > /dev/null 2> "$tmp/e3"
check "dry run on a shared store: one clear line" test "$(grep -c 'dry-run needs the embedded SQLite store' "$tmp/e3")" -eq 1; show_on_fail "$tmp/e3"
finish
