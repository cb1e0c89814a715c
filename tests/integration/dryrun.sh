#!/bin/bash
# --dry-run against ba-testserver: plan and build send nothing, keep nothing
# (no run, no plan file, no benchmark in the workspace) and print an
# estimate of calls, tokens and cost; after a real run, a dry run counts
# the cached calls as already paid; the offline generator path says it
# needs no model.
set -u
. "$(dirname "$0")/lib/common.sh"
RULES=$BA_SOURCE_DIR/tests/data/planner
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
QUERY=$BA_SHARED_DIR/queries/multi_perspective_event_reasoning.json
scratch
. "$(dirname "$0")/lib/testserver.sh"

start_server "$RULES/full.json"
ws=$tmp/ws
mkdir -p "$ws"
cat > "$ws/benchagent.yaml" <<YAML
providers:
  - name: local
    protocol: openai
    base_url: http://127.0.0.1:$port/v1
    model: test-model
    price_input: 2.0
    price_output: 8.0
roles:
  default: local/test-model
pool: $POOL
gateway:
  retry_base_ms: 20
YAML
# a private TMPDIR, so other tests running at the same time do not count
export TMPDIR=$tmp/tmpdir
mkdir -p "$TMPDIR"
before_tmp=$(ls "$TMPDIR" | grep -c '^ba-dryrun-')

"$BA" --workspace "$ws" --dry-run plan "$QUERY" > "$tmp/out.txt" 2> "$tmp/err.txt"
check "dry-run plan exits 0" test $? -eq 0
check "dry-run plan sends nothing" test "$(requests)" = 0
check "dry-run plan writes no plan" test ! -e "$ws/out"
grep -q "^dry run: [1-9][0-9]* model calls (0 already cached" "$tmp/err.txt" ; check "estimate counts the calls" test $? -eq 0
grep -Eq 'estimated cost \$0\.[0-9]*[1-9]' "$tmp/err.txt" ; check "estimate prices them" test $? -eq 0
runs=$("$BA" --workspace "$ws" --json status | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))')
check "dry run leaves no run in the store" test "$runs" = 0

# --allow-short: the mock replies' build is one item short (the verifier's probes reject items
# that do not need their input, and the sources run out); the dry run reaches that decision too
"$BA" --workspace "$ws" --dry-run build "$QUERY" --allow-short > "$tmp/out.txt" 2> "$tmp/err.txt"
check "dry-run build exits 0" test $? -eq 0
check "dry-run build sends nothing" test "$(requests)" = 0
check "dry-run build writes no benchmark" test ! -e "$ws/out"
grep -q "dry run: would build" "$tmp/out.txt" ; check "dry-run build says what it would build" test $? -eq 0
grep -q "model calls" "$tmp/err.txt" ; check "dry-run build estimate" test $? -eq 0
after_tmp=$(ls "$TMPDIR" | grep -c '^ba-dryrun-')
check "the private copies are removed" test "$after_tmp" = "$before_tmp"

# a real plan run pays; a dry run afterwards finds everything cached
"$BA" --workspace "$ws" plan "$QUERY" -o "$ws/plan.json" > /dev/null 2>&1
check "real plan run" test -s "$ws/plan.json"
sent=$(requests)
check "the real run sent requests" test "$sent" -gt 0
"$BA" --workspace "$ws" --dry-run --no-cache plan "$QUERY" > /dev/null 2> "$tmp/err.txt"
check "dry run still sends nothing" test "$(requests)" = "$sent"
# a dry run of the same plan: every call is in the cache
"$BA" --workspace "$ws" --dry-run plan "$QUERY" > /dev/null 2> "$tmp/err.txt"
grep -Eq '^dry run: ([0-9]+) model calls \(\1 already cached, 0 to send\)' "$tmp/err.txt" ; check "cached calls are not estimated again" test $? -eq 0

# no model at all: the offline path needs none
"$BA" --workspace "$tmp/off" --dry-run build "$BA_SHARED_DIR/queries/arithmetic_logic_offline.json" > "$tmp/out.txt" 2>&1
check "offline dry run exits 0" test $? -eq 0
grep -q "no model is used" "$tmp/out.txt" ; check "offline dry run says no model is used" test $? -eq 0
check "offline dry run writes nothing" test ! -e "$tmp/off/out"
finish
