#!/usr/bin/env bash
# List C function bodies longer than a limit (default 120 lines), as
# "file:line: function: N lines". House style puts a function's opening
# brace alone in column 0 and its closing brace alone in column 0, so a
# function body is the lines between "{" and "}" at the start of a line.
# Usage: scripts/check-functions.sh [--max N] [DIR|FILE ...]  (default: src)
# Exits 1 when any function is over the limit.
set -euo pipefail
max=120
if [ "${1:-}" = "--max" ]; then max=$2; shift 2; fi
cd "$(dirname "$0")/.."
[ $# -eq 0 ] && set -- src
files=$(find "$@" -name '*.c' | sort)
[ -z "$files" ] && exit 0
awk -v max="$max" '
  FNR == 1 { prev = ""; name = ""; start = 0; sig = "" }
  /^\{[ \t]*$/ && prev ~ /\)[ \t]*$/ {
    # the signature starts on the last column-0 line with a "(" (it may
    # run over several lines); the name is the word before that "("
    n = sig; sub(/\(.*/, "", n); sub(/.*[ \t*]/, "", n)
    name = n; start = FNR; next
  }
  /^[A-Za-z_].*\(/ && !start { sig = $0 }
  /^\}/ && start {
    len = FNR - start - 1
    if (len > max) { printf "%s:%d: %s: %d lines\n", FILENAME, start, name, len; over++ }
    start = 0
  }
  { prev = $0 }
  END { exit over > 0 }
' $files
