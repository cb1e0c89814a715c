# ba-testserver helpers for integration tests (source after lib/common.sh,
# with $tmp set to the test's scratch folder):
#   start_server RULES    (re)start the test's server on a free port; sets $port
#   add_server RULES VAR  start one more server beside it (another free port);
#                         sets $VAR to its port
#   stop_server           stop the one start_server started
#   stop_servers          stop every server started here (at exit through
#                         lib/common.sh's at_exit; a test with its own EXIT
#                         trap calls it there)
#   stats [PORT]          the server's GET /__stats JSON ($port by default)
#   requests [PORT]       how many requests it has served
#   workspace [-m MODEL] [-p LINES] [-g LINES] [-R] [-P PORT] DIR [YAML]
#                         DIR/benchagent.yaml: one provider "local" (protocol
#                         openai) on the server at PORT ($port) serving MODEL
#                         (test-model), with LINES (-p: price_input: 1.0 ...)
#                         added to its entry; roles: default: local/MODEL
#                         (none with -R); pool: $POOL when set; gateway:
#                         retry_base_ms: 20 (-g LINES instead: its keys;
#                         -g '': no gateway section);
#                         then YAML, further sections (or, indented, more
#                         gateway keys)
TS=${TS:-$BA_BINARY_DIR/tests/server/ba-testserver}
ts_pid=
ts_pids=()
declare -F at_exit > /dev/null && at_exit stop_servers
# _ts_launch RULES PORTFILE: start one, wait for its port (the pid in $_ts_new)
_ts_launch() {
  rm -f "$2"
  "$TS" --rules "$1" --port-file "$2" > /dev/null & _ts_new=$!
  ts_pids+=("$_ts_new")
  for i in $(seq 200); do [ -s "$2" ] && return 0; sleep 0.05; done
  echo "ba-testserver --rules $1 gave no port within 10 s" >&2
  return 1
}
start_server() {
  [ -n "$ts_pid" ] && stop_server
  _ts_launch "$1" "$tmp/port"
  ts_pid=$_ts_new
  port=$(cat "$tmp/port")
}
add_server() {
  _ts_launch "$1" "$tmp/port.$2"
  printf -v "$2" '%s' "$(cat "$tmp/port.$2")"
}
stop_server() {
  local p keep=()
  kill "$ts_pid"; wait "$ts_pid" 2>/dev/null
  for p in "${ts_pids[@]}"; do [ "$p" = "$ts_pid" ] || keep+=("$p"); done
  ts_pids=("${keep[@]}")
  ts_pid=
}
stop_servers() {
  local p
  for p in "${ts_pids[@]}"; do kill "$p" 2>/dev/null; done
  ts_pid=
  ts_pids=()
}
stats() { curl -s "http://127.0.0.1:${1:-$port}/__stats"; }
requests() { stats "${1:-}" | jq -r .requests; }
workspace() {
  local model=test-model plines= glines="retry_base_ms: 20" roles=1 at=${port:-} OPTIND=1 o
  while getopts m:p:g:RP: o; do
    case $o in
      P) at=$OPTARG ;;
      m) model=$OPTARG ;;
      p) plines=$OPTARG ;;
      g) glines=$OPTARG ;;
      R) roles= ;;
      *) echo "workspace: bad option" >&2; return 1 ;;
    esac
  done
  shift $((OPTIND - 1))
  mkdir -p "$1"
  {
    printf 'providers:\n  - name: local\n    protocol: openai\n    base_url: http://127.0.0.1:%s/v1\n    model: %s\n' "$at" "$model"
    [ -n "$plines" ] && printf '%s\n' "$plines" | sed 's/^/    /'
    [ -n "$roles" ] && printf 'roles:\n  default: local/%s\n' "$model"
    [ -n "${POOL:-}" ] && printf 'pool: %s\n' "$POOL"
    [ -n "$glines" ] && printf 'gateway:\n%s\n' "$glines" | sed '2,$s/^/  /'
    [ -n "${2:-}" ] && printf '%s\n' "$2"
  } > "$1/benchagent.yaml"
  return 0
}
