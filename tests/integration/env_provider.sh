#!/usr/bin/env bash
# The environment provider after `benchagent init` (issue 12 item 1):
# OPENAI_API_KEY / OPENAI_BASE_URL give the provider "openai" whether or not
# benchagent.yaml exists; `eval --model openai/...` reaches the endpoint
# (ba-testserver here), `plan` and `build` use it for the roles the file
# leaves open, and every run says on stderr which provider/model each role
# (or model under test) uses. A provider named openai in the file wins.
set -u
. "$(dirname "$0")/lib/common.sh"
scratch
. "$(dirname "$0")/lib/testserver.sh"
cd "$tmp" || exit 1

# a small benchmark from a generator, and an examinee that knows its answers
mkdir -p ws/out/gb
"$BA" --seed 3 gen sample linear_equations --difficulty 1 -n 8 > lin.jsonl
jq -c '{id: ("lin-" + (input_line_number|tostring)), subtask: "lin"} + .' lin.jsonl > ws/out/gb/items.jsonl
printf '{"id": "gb", "name": "env bench"}\n' > ws/out/gb/manifest.json
jq -s '{items: map({match: .question, answer: .answer, wrong: (.answer + "1")})}' ws/out/gb/items.jsonl > key.json
cat > rules.json <<J
{"rules": [{"when": {"model": "gpt-4o-mini"}, "replies": [{"examinee": {"skill": 1.0, "key": "$tmp/key.json"}}]}],
 "default": {"content": "I do not know."}}
J
start_server rules.json
"$BA" init --workspace ws > /dev/null ; check "init writes benchagent.yaml" test -f ws/benchagent.yaml
url="http://127.0.0.1:$port/v1"
printf '{"id": "arith", "description": "Grade-school arithmetic word problems", "target_size": 10}\n' > ws/q.json
cd ws || exit 1

# without the environment: no provider openai
env -u OPENAI_API_KEY -u OPENAI_BASE_URL "$BA" eval out/gb --model openai/gpt-4o-mini  > /dev/null 2> noenv.err
check "no environment: eval refuses openai/..." test $? -ne 0
grep -q "openai" noenv.err ; check "no environment: the error names the provider" test $? -eq 0

# with it: the eval reaches the endpoint and scores
before=$(requests)
OPENAI_API_KEY=sk-test-env OPENAI_BASE_URL=$url "$BA" --json eval out/gb --model openai/gpt-4o-mini  > r.json 2> r.err
check "environment: eval exits 0" test $? -eq 0
check "environment: the endpoint got the calls" test "$(requests)" -ge $((before + 8))
check "environment: every item correct" test "$(jq -r '.models[0].accuracy' r.json)" = 1
grep -qx "model under test: openai/gpt-4o-mini (from OPENAI_API_KEY/OPENAI_BASE_URL, $url)" r.err
check "eval says which model it tests and where" test $? -eq 0
grep -q "sk-test-env" r.err r.json ; check "the key is never printed" test $? -ne 0

# plan: every role the file leaves open goes to the environment's provider, said on stderr
before=$(requests)
OPENAI_API_KEY=sk-test-env OPENAI_BASE_URL=$url "$BA" plan q.json  > /dev/null 2> plan.err
for role in query design grounding allocation; do
  grep -qx "role $role: openai/gpt-4o-mini (from OPENAI_API_KEY/OPENAI_BASE_URL, $url)" plan.err
  check "plan prints role $role" test $? -eq 0
done
check "plan sent its calls to the endpoint, not the mock" test "$(requests)" -gt "$before"
OPENAI_API_KEY=sk-test-env OPENAI_BASE_URL=$url "$BA" -q plan q.json  > /dev/null 2> q.err
grep -q "^role " q.err ; check "-q prints no role lines" test $? -ne 0

# build --dry-run says the same for its roles
OPENAI_API_KEY=sk-test-env OPENAI_BASE_URL=$url "$BA" build q.json --dry-run  > /dev/null 2> build.err
grep -qx "role inspect: openai/gpt-4o-mini (from OPENAI_API_KEY/OPENAI_BASE_URL, $url)" build.err
check "build prints role inspect" test $? -eq 0

# a provider named openai in the file wins over the environment
cat > benchagent.yaml <<Y
providers:
  - name: openai
    base_url: http://127.0.0.1:1/v1
    model: file-model
Y
OPENAI_API_KEY=sk-test-env OPENAI_BASE_URL=$url "$BA" plan q.json --dry-run  > /dev/null 2> file.err
grep -q "^role design: openai/file-model (.*benchagent.yaml, http://127.0.0.1:1/v1)" file.err
check "the file's openai wins" test $? -eq 0

# an explicit default in the file stays, and is said
printf 'roles:\n  default: mock/mock\n' > benchagent.yaml
OPENAI_API_KEY=sk-test-env OPENAI_BASE_URL=$url "$BA" plan q.json --dry-run  > /dev/null 2> mock.err
grep -qx "role design: mock/mock (offline mock)" mock.err ; check "explicit mock default is said" test $? -eq 0

finish
