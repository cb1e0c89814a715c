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
  FNR == 1 { prev = ""; name = ""; start = 0 }
  /^\{[ \t]*$/ && prev ~ /\)[ \t]*$/ {
    # the signature is prev (or ends on it); the name is the word before "("
    sig = prev; if (sig !~ /\(/) sig = sig2
    n = sig; sub(/\(.*/, "", n); sub(/.*[ \t*]/, "", n)
    name = n; start = FNR; next
  }
  /^\}/ && start {
    len = FNR - start - 1
    if (len > max) { printf "%s:%d: %s: %d lines\n", FILENAME, start, name, len; over++ }
    start = 0
  }
  { sig2 = prev; prev = $0 }
  END { exit over > 0 }
' $files
