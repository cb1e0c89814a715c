#!/usr/bin/env bash
# A provider protocol, a scorer and an export format added as one file plus
# one table line each (tests/toys/, compiled in only by the test build as
# benchagent-toys): the toy protocol talks to a local stub server, directly
# and through its batch API (--batch-api), an eval through it is scored by
# the toy scorer, `export --format toy` writes the
# toy format; the help and the config template list them from the tables.
# The shipped binary knows none of them.
set -u
. "$(dirname "$0")/lib/common.sh"
TOYS=${BA_TOYS:?BA_TOYS must point at benchagent-toys of the test build}
scratch
ws=$tmp
stub=
at_exit '[ -n "$stub" ] && kill "$stub" 2>/dev/null'

# the stub: POST /toy/complete {"model","prompt"} -> {"output","tokens"};
# the answer is the word after "Reverse:" written backwards; every request
# is logged (path, key header, body) for the checks below
python3 - "$ws" <<'PY' &
import json, sys, http.server
ws = sys.argv[1]
batches = {}
def complete(body):
    p = body['prompt']
    word = p.split('Reverse:', 1)[1].split()[0] if 'Reverse:' in p else 'none'
    return {'output': 'Answer: ' + word[::-1], 'tokens': {'in': len(p.split()), 'out': 2}}
class H(http.server.BaseHTTPRequestHandler):
    def log(self, body):
        with open(ws + '/stub.log', 'a') as f:
            f.write(json.dumps({'method': self.command, 'path': self.path, 'key': self.headers.get('X-Toy-Key'),
                                'auth': self.headers.get('Authorization'), 'body': body}) + '\n')
    def reply(self, obj):
        if self.headers.get('X-Toy-Key') != 'toy-secret':
            self.send_response(404); self.end_headers(); return
        out = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0))))
        self.log(body)
        if self.path == '/toy/complete':
            self.reply(complete(body))
        elif self.path == '/toy/batches':
            bid = 'tb-%d' % (len(batches) + 1)
            batches[bid] = {'requests': body['requests'], 'polls': 0}
            self.reply({'id': bid})
        else:
            self.send_response(404); self.end_headers()
    # a batch is running at its first poll, done from the second on
    def do_GET(self):
        self.log(None)
        b = batches.get(self.path.rsplit('/', 1)[-1]) if self.path.startswith('/toy/batches/') else None
        if b is None:
            self.send_response(404); self.end_headers(); return
        b['polls'] += 1
        if b['polls'] < 2:
            self.reply({'state': 'running'})
        else:
            self.reply({'state': 'done', 'results': [{'id': r['id'], 'reply': complete(r['body'])} for r in b['requests']]})
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
open(ws + '/port.tmp', 'w').write(str(s.server_address[1]))
import os; os.rename(ws + '/port.tmp', ws + '/port')
s.serve_forever()
PY
stub=$!
for _ in $(seq 100); do [ -f "$ws/port" ] && break; sleep 0.1; done
port=$(cat "$ws/port")

mkdir -p "$ws/w"
cat > "$ws/w/benchagent.yaml" <<YAML
providers:
  - name: toy
    protocol: toy
    base_url: http://127.0.0.1:$port
    api_key_env: TOY_KEY
    model: toy-1
YAML
export TOY_KEY=toy-secret

# 1. the protocol: one chat through the gateway
out=$(cd "$ws/w" && "$TOYS" chat "Reverse: banana" --model toy/toy-1 2>"$ws/chat.err")
check "the toy protocol carries a chat to the stub and back" test "$out" = "Answer: ananab"
check "it posted to the toy path with the key in its own header" \
  python3 -c "import json,sys; l=[json.loads(x) for x in open('$ws/stub.log')]; sys.exit(not (l and l[0]['method']=='POST' and l[0]['path']=='/toy/complete' and l[0]['key']=='toy-secret' and l[0]['auth'] is None and l[0]['body']['model']=='toy-1' and 'Reverse: banana' in l[0]['body']['prompt']))"
grep -q toy-secret "$ws/chat.err" "$ws/w/.benchagent/state.db" 2>/dev/null
check "the key is in no log and not in the store" test $? -ne 0
(cd "$ws/w" && "$BA" chat "hi" --model toy/toy-1 >/dev/null 2>"$ws/plain.err")
check "the shipped binary does not know the toy protocol" grep -q "protocol: must be openai, anthropic or mock" "$ws/plain.err"

# 2. the scorer: an eval through the toy protocol, scored by the toy scorer
mkdir -p "$ws/bench"
cat > "$ws/bench/items.jsonl" <<'JSONL'
{"id":"t1","subtask":"rev","question":"Reverse: stressed","answer":"stressed","answer_type":"short","scorer":"toy"}
{"id":"t2","subtask":"rev","question":"Reverse: drawer","answer":"drawer","answer_type":"short","scorer":"toy"}
{"id":"t3","subtask":"rev","question":"Reverse: level","answer":"other","answer_type":"short","scorer":"toy"}
{"id":"t4","subtask":"rev","question":"Reverse: abc","answer":"abc","answer_type":"short"}
JSONL
(cd "$ws/w" && "$TOYS" --json eval "$ws/bench" --model toy/toy-1 >"$ws/eval.json" 2>"$ws/eval.err")
check "eval through the toy protocol runs" test $? -eq 0
# t1, t2: the reply "Answer: desserts" read backwards is the key; t3 is not;
# t4 has no scorer named: the text scorer compares "cba" with "abc" (no match)
check "the toy scorer scores the replies (2 of 4 right)" \
  python3 -c "import json,sys; r=json.load(open('$ws/eval.json')); m=r['models'][0]; sys.exit(not (abs(m['accuracy']-0.5)<1e-9 if 'accuracy' in m else abs(m['est']-0.5)<1e-9))"
mkdir -p "$ws/plain"
(cd "$ws/plain" && "$BA" eval "$ws/bench" --model mock/mock >/dev/null 2>"$ws/plain_eval.err")
check "the shipped binary does not know the toy scorer" grep -q "unknown scorer 'toy'" "$ws/plain_eval.err"

# 2b. the toy protocol's batch API: the same eval with --batch-api in a
# fresh workspace goes as one toy batch (polled until done), no direct call,
# and scores the same
mkdir -p "$ws/wb"
cp "$ws/w/benchagent.yaml" "$ws/wb/benchagent.yaml"
printf 'gateway:\n  batch_window_ms: 50\n  batch_poll_s: 0.05\n' >> "$ws/wb/benchagent.yaml"
n0=$(wc -l < "$ws/stub.log")
(cd "$ws/wb" && "$TOYS" --json --batch-api eval "$ws/bench" --model toy/toy-1 >"$ws/evalb.json" 2>"$ws/evalb.err")
check "a batch eval through the toy protocol runs" test $? -eq 0
check "it went as one toy batch of 4 requests, polled until done, and no direct call" python3 - "$ws/stub.log" "$n0" <<'PY'
import json, sys
l = [json.loads(x) for x in open(sys.argv[1])][int(sys.argv[2]):]
posts = [e for e in l if e['method'] == 'POST']
polls = [e for e in l if e['method'] == 'GET']
ok = (len(posts) == 1 and posts[0]['path'] == '/toy/batches' and len(posts[0]['body']['requests']) == 4
      and all(r['body']['model'] == 'toy-1' and 'Reverse:' in r['body']['prompt'] for r in posts[0]['body']['requests'])
      and len(polls) >= 2 and all(e['path'] == '/toy/batches/tb-1' and e['key'] == 'toy-secret' for e in polls))
sys.exit(0 if ok else 1)
PY
check "the batch replies score as the direct ones (2 of 4 right)" \
  python3 -c "import json,sys; r=json.load(open('$ws/evalb.json')); m=r['models'][0]; sys.exit(not (abs(m['accuracy']-0.5)<1e-9 if 'accuracy' in m else abs(m['est']-0.5)<1e-9))"
check "the store records the toy batch under its protocol" \
  test "$(sqlite3 "$ws/wb/.benchagent/state.db" "SELECT count(*) FROM llm_batches WHERE protocol = 'toy'" 2>/dev/null)" -ge 1

# 3. the export format
(cd "$ws/w" && "$TOYS" export "$ws/bench" --format toy >/dev/null 2>"$ws/export.err")
check "export --format toy writes items.toy" \
  test "$(cat "$ws/bench/exports/toy/items.toy" 2>/dev/null)" = "$(printf 't1\tstressed\nt2\tdrawer\nt3\tother\nt4\tabc')"
(cd "$ws/plain" && "$BA" export "$ws/bench" --format toy >/dev/null 2>"$ws/plain_export.err")
check "the shipped binary does not know the toy format" grep -q "unknown export format 'toy' (hf, lm-eval, inspect, openai-batch, reference, all)" "$ws/plain_export.err"

# 4. what the help and the config template list comes from the tables: the
# toy build lists its toys, the shipped binary does not
"$TOYS" export --help > "$ws/toys_export_help.txt"
check "export --help of the toy build lists the toy format with its summary" \
  grep -Eq "^  toy +items.toy: one id<TAB>answer line an item" "$ws/toys_export_help.txt"
"$BA" export --help > "$ws/export_help.txt"
check "export --help of the shipped binary lists no toy" lacks '^  toy ' "$ws/export_help.txt"
check "export --help lists each shipped format" sh -c 'for f in hf lm-eval inspect openai-batch reference; do grep -Eq "^  $f +[^ ]" "$0" || exit 1; done' "$ws/export_help.txt"
"$TOYS" init --workspace "$ws/ti" >/dev/null 2>&1
"$BA" init --workspace "$ws/bi" >/dev/null 2>&1
check "the toy build's benchagent.yaml template names the toy protocol" grep -q "# openai, anthropic, mock or toy" "$ws/ti/benchagent.yaml"
check "the shipped template names the shipped protocols" grep -q "# openai, anthropic or mock" "$ws/bi/benchagent.yaml"

finish
