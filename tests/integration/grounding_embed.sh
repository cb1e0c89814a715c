#!/bin/bash
# Retrieval with an embedding role, against ba-testserver's /v1/embeddings: `cards search` embeds
# every card and generator (one request per 64 texts) and the query, blends the cosine into each
# hit's score (scores.embedding, checked here against the lexical parts and the weights), a rerun
# embeds nothing again (the gateway's cache), and an endpoint that fails leaves the lexical
# scores with a warning instead of failing the search.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
scratch
. "$(dirname "$0")/lib/testserver.sh"

printf '{"rules": [], "default": {"content": "ok"}}\n' > "$tmp/rules.json"
start_server "$tmp/rules.json"
workspace "$tmp/ws" "$(printf 'roles:\n  embedding: local/embed-model\n')"
# workspace() wrote a roles: section already: fold the embedding role into it
python3 - "$tmp/ws/benchagent.yaml" <<'PY'
import sys
p = sys.argv[1]; t = open(p).read()
t = t.replace("roles:\n  embedding: local/embed-model\n", "")
t = t.replace("roles:\n  default: local/test-model\n", "roles:\n  default: local/test-model\n  embedding: local/embed-model\n")
open(p, "w").write(t)
PY
emb() { curl -s "http://127.0.0.1:$port/__stats" | python3 -c 'import json,sys; d=json.load(sys.stdin)["by_path"]; print(sum(v for k,v in d.items() if k.endswith("/embeddings")))'; }

cd "$tmp/ws" || exit 1
"$BA" --json cards search "which of two events in a news story happened first" -k 8 > s1.json 2> s1.err
check "search with embeddings: exit 0" test $? -eq 0
n1=$(emb)
check "documents and query embedded through the endpoint" test "$n1" -ge 2
check "embeddings blended into every hit" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))
assert len(h) == 8, len(h)
nz = 0
for x in h:
    s = x["scores"]
    assert 0 <= s["embedding"] <= 1, s              # a cosine, negative ones count as 0
    nz += s["embedding"] != 0
    # the blend of docs/pool.md with the default weights
    lex = 0.6 * s["text"] + 0.4 * s["meta"]
    want = 0.5 * (0.8 * lex + 0.2 * s["roles"]) + 0.5 * s["embedding"]
    assert abs(x["score"] - want) < 0.002, (x["score"], want, s)
assert nz >= 4, h                                   # the cosine of real vectors, not a default 0
' s1.json
grep -q "document embeddings unavailable" s1.err
check "no warning when the endpoint answers" test $? -ne 0

"$BA" --json cards search "which of two events in a news story happened first" -k 8 > s2.json 2>/dev/null
check "rerun: same hits" cmp -s s1.json s2.json
n2=$(emb)
check "rerun: nothing embedded again (gateway cache)" test "$n2" -eq "$n1"

# the endpoint fails: the lexical scores alone, a warning, exit 0
printf '{"rules": [{"when": {"path": "/embeddings"}, "replies": [{"status": 500, "error": "down"}]}], "default": {"content": "ok"}}\n' > "$tmp/down.json"
start_server "$tmp/down.json"
sed -i "s#http://127.0.0.1:[0-9]*/v1#http://127.0.0.1:$port/v1#" benchagent.yaml
"$BA" --no-cache --json cards search "which of two events in a news story happened first" -k 8 > s3.json 2> s3.err
check "failing endpoint: exit 0" test $? -eq 0
grep -q "document embeddings unavailable, using the lexical scores only" s3.err
check "failing endpoint: a warning" test $? -eq 0
check "failing endpoint: lexical ranking" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))
assert h[0]["source"] == "ds:ca4f9ec3", h[0]
assert all(x["scores"]["embedding"] == 0 for x in h), h
' s3.json
finish
