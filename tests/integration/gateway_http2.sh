#!/bin/bash
# HTTP/2 multiplexing: `benchagent batch` against nginx serving a canned
# completion over TLS + HTTP/2 on loopback (a self-signed certificate
# trusted through the provider's ca_file). Every request must succeed, go
# over HTTP/2, and share one or two connections (multiplexed streams)
# instead of one connection per request in flight.
set -u
. "$(dirname "$0")/lib/common.sh"
scratch
ng_pid=
at_exit '[ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null'

if ! command -v nginx >/dev/null || ! command -v openssl >/dev/null; then
  echo "gateway_http2: nginx and openssl are needed (scripts/install-deps.sh installs them)" >&2
  exit 1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
canned='{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}'
mkdir -p "$tmp/logs"
cat > "$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 256; }
http {
  log_format proto '\$server_protocol \$connection';
  access_log $tmp/access.log proto;
  client_body_temp_path $tmp;
  server {
    listen 127.0.0.1:$port ssl http2;
    ssl_certificate $tmp/cert.pem;
    ssl_certificate_key $tmp/key.pem;
    location / { default_type application/json; return 200 '$canned'; }
  }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" & ng_pid=$!
for i in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

mkdir -p "$tmp/ws"
cat > "$tmp/ws/benchagent.yaml" <<YAML
providers:
  - name: h2
    protocol: openai
    base_url: https://127.0.0.1:$port/v1
    ca_file: $tmp/cert.pem
    model: m
    max_concurrency: 16
roles:
  default: h2/m
YAML
for i in $(seq 40); do
  printf '{"custom_id":"r%d","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"question %d"}]}}\n' "$i" "$i"
done > "$tmp/in.jsonl"

"$BA" --workspace "$tmp/ws" --no-cache batch "$tmp/in.jsonl" -o "$tmp/out.jsonl" --model h2/m > /dev/null 2> "$tmp/err.txt"
check "batch over TLS exits 0" test $? -eq 0
check "40 output lines" test "$(wc -l < "$tmp/out.jsonl")" -eq 40
check "all answered 200" test "$(grep -c '"status_code":200' "$tmp/out.jsonl")" -eq 40
check "nginx logged 40 requests" test "$(wc -l < "$tmp/access.log")" -eq 40
check "all over HTTP/2" test "$(grep -c '^HTTP/2.0 ' "$tmp/access.log")" -eq 40
conns=$(awk '{print $2}' "$tmp/access.log" | sort -u | wc -l)
echo "gateway_http2: 40 requests over $conns connection(s)"; check "multiplexed on at most 2 connections" test "$conns" -le 2

# without the CA the self-signed endpoint is refused (certificates are verified)
sed -i '/ca_file/d' "$tmp/ws/benchagent.yaml"
printf '{"custom_id":"x","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"unverified"}]}}\n' > "$tmp/in2.jsonl"
"$BA" --workspace "$tmp/ws" --no-cache batch "$tmp/in2.jsonl" -o "$tmp/out2.jsonl" --model h2/m > /dev/null 2>&1
grep -q '"status_code":200' "$tmp/out2.jsonl" 2>/dev/null
check "an untrusted certificate is refused" test $? -ne 0
finish
