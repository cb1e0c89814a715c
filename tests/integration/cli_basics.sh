#!/usr/bin/env bash
# CLI basics: help, version, exit codes, init, status, config errors,
# a database from a newer schema. Uses $BA (the built binary).
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
ws=$tmp

out=$("$BA" help) ; check "help exits 0" test $? -eq 0
for c in init status help; do
  echo "$out" | grep -q "^  $c " ; check "help lists $c" test $? -eq 0
done
"$BA" --version | grep -Eq '^benchagent [0-9]+\.[0-9]+\.[0-9]+$' ; check "--version" test $? -eq 0
"$BA" nosuchcmd 2>/dev/null ; check "unknown command exits 2" test $? -eq 2
"$BA" 2>/dev/null ; check "no command exits 2" test $? -eq 2
"$BA" init --bogus 2>/dev/null ; check "unknown option exits 2" test $? -eq 2
"$BA" status --help | grep -q "usage: benchagent status" ; check "--help on a command" test $? -eq 0
"$BA" --seed abc status 2>/dev/null ; check "bad --seed exits 2" test $? -eq 2

"$BA" init --workspace "$ws" >/dev/null ; check "init exits 0" test $? -eq 0
test -f "$ws/benchagent.yaml" ; check "init writes benchagent.yaml" test $? -eq 0
test -f "$ws/.benchagent/state.db" ; check "init creates the store" test $? -eq 0
cp "$ws/benchagent.yaml" "$ws/before.yaml"
"$BA" init --workspace "$ws" >/dev/null ; check "init again exits 0" test $? -eq 0
cmp -s "$ws/benchagent.yaml" "$ws/before.yaml" ; check "init keeps an existing config" test $? -eq 0
"$BA" --json status --workspace "$ws" | grep -q '"runs":\[' ; check "status --json prints JSON" test $? -eq 0
OPENAI_API_KEY=sk-secret-value-123 "$BA" --json status --workspace "$ws" > "$ws/st.json"
grep -q 'sk-secret-value-123' "$ws/st.json" ; check "status never prints a key" test $? -ne 0

printf 'providers:\n  - name: x\n    protocol: openai\n    base_url: http://127.0.0.1:1/v1\n    timeout: soon\n' > "$ws/benchagent.yaml"
msg=$("$BA" --workspace "$ws" status 2>&1 >/dev/null); rc=$?
check "bad config exits 1" test $rc -eq 1
echo "$msg" | grep -q "benchagent.yaml:5: providers.0.timeout: expected a number" ; check "bad config names file:line:key" test $? -eq 0
test "$(echo "$msg" | wc -l)" -eq 1 ; check "bad config error is one line" test $? -eq 0
printf 'providers:\n  - name: x\n    protocol: mock\n' > "$ws/benchagent.yaml"
"$BA" --workspace "$ws" --provider nope status 2>/dev/null ; check "unknown --provider exits 2" test $? -eq 2

sqlite3 "$ws/.benchagent/state.db" "PRAGMA user_version = 999"
msg=$("$BA" --workspace "$ws" status 2>&1); rc=$?
check "newer schema exits 1" test $rc -eq 1
echo "$msg" | grep -q "newer than this benchagent" ; check "newer schema message" test $? -eq 0

finish
