# A throwaway PostgreSQL cluster for tests and benches: Debian's server
# binaries (/usr/lib/postgresql/*/bin), data and socket under the given
# folder (in the build tree), run as an unprivileged user (nobody when the
# caller is root), listening on 127.0.0.1 only with trust auth.
#   pg_start DIR   -> sets PG_URL (postgresql://...), 0 or 1 (why on stderr)
#   pg_stop        -> stops the server (call it from the EXIT trap)
#   pg_restart     -> restarts it (fast: open connections are cut), same port
#   pg_halt / pg_resume -> stops it keeping its data / starts it again
#   pg_sql SQL, url NAME, pg_cluster DB... (below)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PG_DIR=
PG_URL=
_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
pg_start() {
  [ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL server (apt-get install postgresql)" >&2; return 1; }
  PG_DIR=$1
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$PG_DIR"
    # the server must reach its folder: a parent nobody cannot traverse
    # (say /root on a CI machine) gets o+x (traverse, not list)
    local d=$PG_DIR
    while [ "$d" != / ]; do
      d=$(dirname "$d")
      runuser -u nobody -- test -x "$d" || { chmod o+x "$d" && echo "# pg.sh: chmod o+x $d (for the test server)" >&2; }
    done
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  PG_OPTS="-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c max_connections=60"
  _pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U bench --auth=trust -E UTF8 --no-locale > "$PG_DIR/initdb.log" 2>&1 ||
    { echo "initdb failed: $(tail -3 "$PG_DIR/initdb.log")" >&2; return 1; }
  _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "$PG_OPTS" start > /dev/null 2>&1 ||
    { echo "pg_ctl start failed: $(tail -3 "$PG_DIR/server.log")" >&2; return 1; }
  PG_URL="postgresql://bench@127.0.0.1:$port/postgres"
  PG_PORT=$port
}
pg_stop() {
  [ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ] &&
    _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop > /dev/null 2>&1
  [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
  PG_DIR=
}
pg_restart() { _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 restart > /dev/null 2>&1; }
pg_halt() { _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1; }
pg_resume() { _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 -o "$PG_OPTS" start > /dev/null 2>&1; }
# Run SQL against the test server, print unaligned rows.
pg_sql() { "$PG_BIN/psql" -X -q -A -t "$PG_URL" -c "$1"; }
# url NAME -> the URL of database NAME on the cluster
url() { echo "${PG_URL%/*}/$1"; }
# pg_cluster DB... (integration tests: needs lib/common.sh's at_exit) a
# cluster in the build tree for this test, stopped and removed at exit,
# with the databases DB... made; a cluster that cannot start fails the test
pg_cluster() {
  local db
  pgdir=$(mktemp -d "${BA_BINARY_DIR:?}/pgtest.XXXXXX")
  at_exit 'pg_stop; rm -rf "$pgdir"'
  pg_start "$pgdir" || { echo "FAIL: cannot start PostgreSQL" >&2; exit 1; }
  for db in "$@"; do pg_sql "CREATE DATABASE $db" || exit 1; done
}
