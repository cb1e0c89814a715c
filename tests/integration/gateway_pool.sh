#!/usr/bin/env bash
# Endpoint pools: one provider with three base URLs (ba-testserver
# replicas), one of them failing every request. Every request is served
# exactly once by a healthy replica (failover, passive health: the failing
# one is rested), load spreads over the healthy ones (least outstanding
# requests), and `cost` shows per-endpoint counters.
set -u
. "$(dirname "$0")/lib/common.sh"
command -v jq >/dev/null || { echo "needs jq"; exit 1; }

scratch
. "$(dirname "$0")/lib/testserver.sh"
cd "$tmp" || exit 1

echo '{"rules": [], "default": {"content": "ok", "delay_ms": 30}}' > good.json
echo '{"rules": [], "default": {"status": 500, "error": "replica down"}}' > bad.json
add_server good.json A; add_server good.json B; add_server bad.json C
reqs() { stats "$1" | jq '.by_path["/v1/chat/completions"] // 0'; }

mkdir ws
cat > ws/benchagent.yaml <<Y
providers:
  - name: pool
    protocol: openai
    base_urls: [http://127.0.0.1:$A/v1, http://127.0.0.1:$B/v1, http://127.0.0.1:$C/v1]
    model: replica
    max_concurrency: 8
roles:
  default: pool/replica
gateway:
  retry_base_ms: 20
  max_retries: 4
Y
n=60
for i in $(seq $n); do
  printf '{"custom_id": "r%d", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "replica", "messages": [{"role": "user", "content": "question %d"}]}}\n' "$i" "$i"
done > in.jsonl
"$BA" --workspace ws -q batch in.jsonl -o out.jsonl 2> err.txt
check "every request answered" test $? -eq 0; show_on_fail err.txt
check "one ok line per request" test "$(jq -s 'map(select(.response.status_code == 200)) | map(.custom_id) | unique | length' out.jsonl)" -eq $n
a=$(reqs "$A"); b=$(reqs "$B"); c=$(reqs "$C")
echo "# replica A $a, B $b, failing C $c"
check "each request served once by a healthy replica" test $((a + b)) -eq $n
check "the failing replica was tried" test "$c" -ge 1
check "the failing replica was rested" test "$c" -lt 15
check "load spread over the healthy replicas" test "$a" -ge 15 -a "$b" -ge 15
"$BA" --workspace ws --json cost > cost.json
check "cost: three endpoints" test "$(jq '.endpoints | length' cost.json)" -eq 3
check "cost: failures on the failing endpoint only" test "$(jq -c "[.endpoints[] | select(.failures > 0) | .url]" cost.json)" = "[\"http://127.0.0.1:$C/v1\"]"
check "cost: attempts add up" test "$(jq '[.endpoints[].requests] | add' cost.json)" -eq $((a + b + c))
"$BA" --workspace ws cost | grep -q "by endpoint"
check "cost prints the endpoint table" test $? -eq 0

# a configuration error is one clear line
cat > ws/benchagent.yaml <<Y
providers:
  - name: pool
    protocol: openai
    base_urls: [http://127.0.0.1:$A/v1, file:///etc/passwd]
Y
"$BA" --workspace ws chat hello > /dev/null 2> bad.err
check "bad base_urls entry refused" test $? -ne 0
check "error names the entry" grep -q "providers.0.base_urls.1" bad.err

finish
