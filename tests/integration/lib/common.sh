# Shared helpers for integration tests (source first):
#   check NAME CMD...     run CMD: a pass, or a failure named on stderr. It
#                         returns 0 either way (the test goes on), so
#                         `check ... || cat log` never prints the log: use
#   show_on_fail FILE...  after a check: when that check failed, print the
#                         files (their last 60 lines) to stderr
#   jqe [OPTS] FILTER FILE...  the jq filter gives true for the input; fails
#                         on a missing or empty file (jq 1.6's -e passes on
#                         empty input) and on any output but true
#   lacks [GREP_OPTS] PATTERN FILE  FILE has no line matching PATTERN; fails
#                         on a missing or empty FILE (`! grep` passes on those)
#   scratch               $tmp: a fresh folder, removed at exit (with KEEP
#                         or KEEP_WS set it stays, named on stderr)
#   at_exit 'CMD'         run CMD (evaluated then) at exit, the last added
#                         first, before $tmp goes: servers, workers, pids.
#                         lib/testserver.sh adds stop_servers. A test that
#                         sets its own EXIT trap replaces all of this.
#   fail MSG              stop at once: FAIL: MSG on stderr, exit 1 (for a
#                         test that stops at its first failure)
#   finish                print "N passed, N failed" and set the exit code
BA=${BA:?BA must point at the benchagent binary}
BA_SHARED_DIR=${BA_SHARED_DIR:-$(cd "$(dirname "$0")/../../../shared" && pwd)}
_pass=0
_fail=0
_last_failed=0
check() {
  local name=$1; shift
  if "$@"; then
    _pass=$((_pass + 1)); _last_failed=0
  else
    _fail=$((_fail + 1)); _last_failed=1; echo "FAIL: $name" >&2
  fi
}
show_on_fail() {
  [ "$_last_failed" -eq 1 ] || return 0
  local f
  for f in "$@"; do
    echo "--- $f (last 60 lines):" >&2
    tail -n 60 "$f" >&2 2>/dev/null || echo "(no such file)" >&2
  done
}
jqe() {
  local args=("$@") i=0 filter= out
  # jq's options come first (--arg/--argjson/--slurpfile/--rawfile take two
  # words), then the filter, then the files
  while [ $i -lt ${#args[@]} ]; do
    case ${args[$i]} in
      --arg | --argjson | --slurpfile | --rawfile) i=$((i + 3)) ;;
      -*) i=$((i + 1)) ;;
      *) filter=1; i=$((i + 1)); break ;;
    esac
  done
  [ -n "$filter" ] || { echo "jqe: no filter" >&2; return 1; }
  for ((; i < ${#args[@]}; i++)); do
    # a pipe (<(cmd)) cannot be looked at without reading it: the output check covers it
    [ -p "${args[$i]}" ] || [ -s "${args[$i]}" ] || { echo "jqe: ${args[$i]}: missing or empty" >&2; return 1; }
  done
  out=$(jq "$@") || return 1
  [ -n "$out" ] && ! grep -qvx true <<< "$out"
}
lacks() {
  [ -s "${@: -1}" ] || { echo "lacks: ${@: -1}: missing or empty" >&2; return 1; }
  ! grep -q "$@"
}
_at_exit=()
_scratch=
at_exit() { _at_exit+=("$1"); }
scratch() {
  tmp=$(mktemp -d)
  _scratch=$tmp
}
_on_exit() {
  local i
  for ((i = ${#_at_exit[@]} - 1; i >= 0; i--)); do eval "${_at_exit[$i]}" || true; done
  if [ -z "$_scratch" ]; then
    :
  elif [ -n "${KEEP:-}${KEEP_WS:-}" ]; then
    echo "kept $_scratch" >&2
  else
    rm -rf "$_scratch"
  fi
}
trap _on_exit EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
finish() {
  echo "$(basename "$0" .sh): $_pass passed, $_fail failed"
  [ "$_fail" -eq 0 ]
}
