#!/usr/bin/env bash
# Issue 12 item 16, with curl against a running `benchagent review`:
# only our own Host names are served (DNS rebinding), a POST from another
# site is refused by Origin, or without Origin by Sec-Fetch-Site/Referer,
# and 100 idle connections neither block the page nor stay open long.
set -u
. "$(dirname "$0")/lib/common.sh"
scratch
rv_pid=
at_exit '[ -n "$rv_pid" ] && kill "$rv_pid" 2>/dev/null; exec 2>/dev/null'
b="$tmp/bench"
mkdir -p "$b"
echo '{"id":"r-1","subtask":"s","question":"What is 1+1?","answer":"2","answer_type":"numeric"}' > "$b/items.jsonl"
"$BA" --workspace "$tmp/ws" review "$b" --port 0 --annotator ann 2> "$tmp/review.err" & rv_pid=$!
for i in $(seq 100); do grep -q "http://127.0.0.1:" "$tmp/review.err" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/review.err" | head -1)
check "review server started" test -n "$port"
u="http://127.0.0.1:$port"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

check "own Host served" test "$(code "$u/")" = 200
check "localhost Host served" test "$(code -H "Host: localhost:$port" "$u/")" = 200
check "foreign Host refused (DNS rebinding)" test "$(code -H "Host: evil.example:$port" "$u/api/items")" = 421
check "foreign Host refused for media" test "$(code -H "Host: attacker.test" "$u/item?id=r-1")" = 421
check "foreign Host refused for a POST" test "$(code -H "Host: evil.example:$port" -d 'id=r-1&verdict=accept&annotator=a' "$u/review")" = 421

form='id=r-1&verdict=accept&annotator=a'
check "same-origin POST accepted" test "$(code -H "Origin: $u" -d "$form" "$u/review")" = 303
check "cross-site Origin refused" test "$(code -H "Origin: http://evil.example" -d "$form" "$u/review")" = 403
check "Origin null refused" test "$(code -H "Origin: null" -d "$form" "$u/review")" = 403
check "Origin with another port refused" test "$(code -H "Origin: http://127.0.0.1:1" -d "$form" "$u/review")" = 403
check "no Origin, Sec-Fetch-Site cross-site refused" \
  test "$(code -H "Sec-Fetch-Site: cross-site" -d "$form" "$u/review")" = 403
check "no Origin, Sec-Fetch-Site same-site refused" \
  test "$(code -H "Sec-Fetch-Site: same-site" -d "$form" "$u/review")" = 403
check "no Origin, cross-site Referer refused" \
  test "$(code -H "Referer: http://evil.example/page" -d "$form" "$u/review")" = 403
check "no Origin, Referer on a look-alike host refused" \
  test "$(code -H "Referer: http://127.0.0.1:$port.evil.example/" -d "$form" "$u/review")" = 403
check "no Origin, same-origin Referer accepted" \
  test "$(code -H "Referer: $u/item?id=r-1" -d "$form" "$u/review")" = 303
check "no Origin, Sec-Fetch-Site same-origin accepted" \
  test "$(code -H "Sec-Fetch-Site: same-origin" -d "$form" "$u/review")" = 303

# 100 idle connections: the page still answers at once, and they are closed soon
python3 - "$port" <<'PY'
import socket, sys, time, urllib.request
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
t = time.time()
body = urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=5).read()
took = time.time() - t
assert b"r-1" in body and took < 2, took
# idle connections are closed by the server after its timeout (5 s)
for s in idle:
    s.settimeout(15)
closed = 0
deadline = time.time() + 15
for s in idle:
    try:
        if s.recv(1) == b"":
            closed += 1
    except (ConnectionResetError, socket.timeout):
        closed += 1 if time.time() < deadline else 0
assert closed == 100, closed
assert time.time() - t < 15
PY
check "100 idle connections do not block and are timed out" test $? -eq 0
check "still serving" test "$(code "$u/")" = 200
finish
