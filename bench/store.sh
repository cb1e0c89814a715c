#!/usr/bin/env bash
# store.sh - the shared store's bench (Release build, no sanitizers): a
# throwaway PostgreSQL cluster (tests/integration/lib/pg.sh) and
# ba-testserver answering every call after DELAY ms, so a build is bound
# by the endpoint's latency, not by us. Prints two tables:
#  (a) one benchmark of UNITS units (two calls each, plus the verifier's
#      options-only probe) built by one process
#      vs two processes sharing the store (each with WORKERS threads): wall
#      time and speed-up (target >= 1.8x); the one-process SQLite build
#      for reference;
#  (b) the queue's own cost per unit (bench_store_queue: enqueue, claim +
#      complete) on SQLite and PostgreSQL.
# Usage: bench/store.sh [BUILD_DIR] [UNITS=120] [DELAY_MS=200] [WORKERS=4]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build-bench}
units=${2:-120}
delay=${3:-200}
workers=${4:-4}
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBA_SANITIZE=OFF >/dev/null
cmake --build "$build" -j2 --target benchagent ba-testserver bench_store_queue >/dev/null
BA=$build/benchagent
. "$src/tests/integration/lib/pg.sh"
tmp=$(mktemp -d)
pgdir=$(mktemp -d "$build/pgbench.XXXXXX")
ts_pid=
cleanup() { [ -n "$ts_pid" ] && kill "$ts_pid" 2>/dev/null; pg_stop; rm -rf "$tmp" "$pgdir"; }
trap cleanup EXIT
pg_start "$pgdir"
for db in one two micro; do pg_sql "CREATE DATABASE $db"; done

python3 - "$src/tests/data/exec/plan_queue.json" "$tmp/plan.json" "$units" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); n = int(sys.argv[3])
p["query"]["target_size"] = n; p["quotas"][0]["count"] = n
json.dump(p, open(sys.argv[2], "w"))
PY
cat > "$tmp/rules.json" <<J
{"rules": [
 {"when": {"path": "/chat/completions", "body_contains": "You plan how one source sample"},
  "replies": [{"json": {"steps": [{"tool": "choice_shuffle", "args": {}}]}, "delay_ms": $delay}]},
 {"when": {"path": "/chat/completions", "body_contains": "strict benchmark item inspector"},
  "replies": [{"json": {"answerable_without_input": false, "answer_correct": true, "answer_hinted": false,
                        "ambiguous": false, "verdict": "pass", "reason": "fine"}, "delay_ms": $delay}]},
 {"when": {"path": "/chat/completions", "body_contains": "You are an examinee shown only part"},
  "replies": [{"json": {"answer": "", "confident": false, "reason": "nothing singles out an option"}, "delay_ms": $delay}]}],
 "default": {"status": 400, "error": "unexpected request"}}
J
start_server() {
  [ -n "$ts_pid" ] && { kill "$ts_pid"; wait "$ts_pid" 2>/dev/null || true; }
  rm -f "$tmp/port"
  "$build/tests/server/ba-testserver" --rules "$tmp/rules.json" --port-file "$tmp/port" & ts_pid=$!
  for i in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  port=$(cat "$tmp/port")
}
workspace() {
  mkdir -p "$1"
  cat > "$1/benchagent.yaml" <<Y
providers:
  - name: local
    protocol: openai
    base_url: http://127.0.0.1:$port/v1
    model: test-model
    max_concurrency: 64
roles:
  default: local/test-model
pool: $src/../shared/datasets/general-bench-subset
execution:
  workers: $workers
Y
}
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["query"]["id"])' "$tmp/plan.json")

start_server; workspace "$tmp/lite"
t0=$(now); env -u BENCHAGENT_STORE "$BA" --workspace "$tmp/lite" -q build "$tmp/plan.json" > /dev/null; t_lite=$(calc "$(now) - $t0")
start_server; workspace "$tmp/one"
t0=$(now); BENCHAGENT_STORE=$(url one) "$BA" --workspace "$tmp/one" -q build "$tmp/plan.json" > /dev/null; t_one=$(calc "$(now) - $t0")
start_server; workspace "$tmp/a"; workspace "$tmp/b"
t0=$(now)
BENCHAGENT_STORE=$(url two) "$BA" --workspace "$tmp/a" -q build "$tmp/plan.json" > /dev/null & pa=$!
BENCHAGENT_STORE=$(url two) "$BA" --workspace "$tmp/b" -q build "$tmp/plan.json" > /dev/null & pb=$!
wait $pa; wait $pb; t_two=$(calc "$(now) - $t0")
calls=$(curl -s "http://127.0.0.1:$port/__stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["requests"], s["repeats"])')
same=no; cmp -s "$tmp/one/out/$id/items.jsonl" "$tmp/a/out/$id/items.jsonl" && cmp -s "$tmp/lite/out/$id/items.jsonl" "$tmp/b/out/$id/items.jsonl" && same=yes
split=$(PG_URL=$(url two) pg_sql "SELECT COUNT(*) FROM work_queue WHERE stage = 'execute' GROUP BY worker ORDER BY 1 DESC" | tr '\n' '/' | sed 's,/$,,')

echo "(a) $units units x 3 calls (step list, probe, inspector), endpoint delay ${delay} ms, $workers threads per process"
echo
echo "| build | store | processes | wall s | speed-up vs one process | units per process |"
echo "| --- | --- | --- | --- | --- | --- |"
printf "| one process | sqlite | 1 | %.2f | - | %d |\n" "$t_lite" "$units"
printf "| one process | postgresql | 1 | %.2f | 1.00x | %d |\n" "$t_one" "$units"
printf "| two workers | postgresql | 2 | %.2f | %.2fx | %s |\n" "$t_two" "$(calc "$t_one / $t_two")" "$split"
echo
echo "two workers: calls sent and repeated: $calls; items equal the one-process builds: $same"
echo
echo "(b) the queue's own cost per unit"
echo
"$build/bench/bench_store_queue" 2000 "$(url micro)"
