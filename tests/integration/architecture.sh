#!/usr/bin/env bash
# Architecture rules that the code must keep, checked on the source tree:
# - the store owns its SQL: no file outside src/store includes sqlite3.h or
#   calls sqlite3_* (so another backend could sit behind include/benchagent/store.h),
#   and no public header names a SQLite type; likewise libpq (PQ* calls,
#   libpq-fe.h), and only the backends (sql_sqlite.c, sql_pg.c) and the
#   store's open/migrate code call their library: every table's file goes
#   through the statement interface (store_internal.h); no SQL statement
#   text outside src/store;
# - no function body over 120 lines; no call circle between the files of a module;
set -u
. "$(dirname "$0")/lib/common.sh"
src=${BA_SOURCE_DIR:?BA_SOURCE_DIR must point at the source tree}

outside=$(grep -rlE 'sqlite3_[a-z_]+|#include <sqlite3\.h>' "$src/src" "$src/include" --include='*.c' --include='*.h' \
          | grep -v "^$src/src/store/" || true)
[ -n "$outside" ] && echo "SQL outside src/store:" $outside >&2
check "no sqlite3 calls outside src/store" test -z "$outside"
grep -rqE '\bsqlite3\b' "$src/include" ; check "public headers name no SQLite type" test $? -ne 0
outside=$(grep -rlE '\bPQ[a-zA-Z]+\(|libpq-fe\.h' "$src/src" "$src/include" --include='*.c' --include='*.h' \
          | grep -v "^$src/src/store/sql_pg\.c$" || true)
[ -n "$outside" ] && echo "libpq outside src/store/sql_pg.c:" $outside >&2
check "no libpq calls outside the PostgreSQL backend" test -z "$outside"
direct=$(grep -lE 'sqlite3_[a-z_]+' "$src"/src/store/*.c | grep -vE '/(sql_sqlite|store)\.c$' || true)
[ -n "$direct" ] && echo "store files calling SQLite directly:" $direct >&2
check "store tables go through the statement interface" test -z "$direct"

# - API key memory is wiped with explicit_bzero (a memset before free is a
#   dead store the compiler may remove)
if [ -n "${BA_BINARY_DIR:-}" ] && [ -f "$BA_BINARY_DIR/libba_llm.a" ]; then
  nm -u "$BA_BINARY_DIR/libba_llm.a" 2>/dev/null | grep -q 'explicit_bzero'
  check "the LLM client wipes key memory with explicit_bzero" test $? -eq 0
fi
grep -nE 'memset\((p->data|line), 0' "$src/src/llm/http.c" ; check "no plain memset of header memory" test $? -ne 0

# - no function body over 120 lines (the house limit; scripts/check-functions.sh
#   names the ones that are)
long=$(bash "$src/scripts/check-functions.sh" "$src/src" 2>&1)
[ -n "$long" ] && echo "functions over 120 lines:" >&2 && echo "$long" >&2
check "no function body over 120 lines in src/" test -z "$long"

# - SQL text lives in src/store too: no prepared statement, exec or SQL
#   keyword string outside it (another backend must not be bypassed by a
#   string handed through)
sqltext=$(grep -rnE '"(SELECT|INSERT|UPDATE|DELETE|CREATE TABLE|PRAGMA) ' "$src/src" --include='*.c' \
          | grep -v "^$src/src/store/" || true)
[ -n "$sqltext" ] && echo "SQL text outside src/store:" >&2 && echo "$sqltext" >&2
check "no SQL statements outside src/store" test -z "$sqltext"

# - no call circle inside a module: within each src/<module>, a file that
#   calls a function another of its files defines (not static) points at
#   it; no circle of such arrows (scripts/module-cycles.py)
cyc=$(python3 "$src/scripts/module-cycles.py" "$src/src" 2>&1)
[ -n "$cyc" ] && echo "$cyc" >&2
check "no call circle between the files of a module" test -z "$cyc"

finish
