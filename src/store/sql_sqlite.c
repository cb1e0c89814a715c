/*
 * sql_sqlite.c - the embedded backend: one SQLite file (WAL) per workspace.
 */
#include "store_internal.h"
#include "benchagent/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct lite_stmt {
	ba_sql base;
	sqlite3_stmt *s;
} lite_stmt;

/*
 * Two processes opening a new file at once (two workers of one queue, say)
 * both read it and both ask to turn it to WAL; SQLite breaks that deadlock
 * by failing one of them at once with SQLITE_BUSY, without calling the busy
 * handler. The loser asks again, within the busy timeout, by which time the
 * file is WAL and the pragma only reads it.
 */
static int to_wal(sqlite3 *db, long ms)
{
	double until = ba_now() + ms / 1000.0;
	int rc;

	while ((rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL)) == SQLITE_BUSY &&
	       ba_now() < until)
		usleep(5000 + (useconds_t)(getpid() % 8) * 1000);
	return rc;
}

static int lite_open(ba_store *st, const char *path, ba_error *err)
{
	sqlite3 *db = NULL;
	const char *bt = getenv("BENCHAGENT_BUSY_TIMEOUT_MS");
	long ms = bt ? strtol(bt, NULL, 10) : 5000;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		int rc = ba_error_set(err, BA_EIO, "%s: cannot open database: %s", path,
				      db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close_v2(db);
		return rc;
	}
	st->conn = st->db = db;
	ms = ms > 0 ? ms : 5000;
	sqlite3_busy_timeout(db, (int)ms);
	if (to_wal(db, ms) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK)
		return ba_store_fail(st, err, "opening");
	/* reads map the file instead of copying each page through pread (the
	 * report's 100,000 transcript rows spent a third of their time
	 * copying); best effort: a failure leaves ordinary reads */
	sqlite3_exec(db, "PRAGMA mmap_size=1073741824", NULL, NULL, NULL);
	return 0;
}

static void lite_close(ba_store *st)
{
	if (st->db)
		sqlite3_close_v2(st->db);
	st->conn = st->db = NULL;
}

static int lite_exec(ba_store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static const char *lite_errmsg(ba_store *st) { return sqlite3_errmsg(st->db); }

static int lite_busy(ba_store *st)
{
	int ec = sqlite3_errcode(st->db);
	return ec == SQLITE_BUSY || ec == SQLITE_LOCKED;
}

static int lite_get_version(ba_store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	return v;
}

static int lite_set_version(ba_store *st, int v)
{
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v);
	return lite_exec(st, pragma);
}

static int lite_prepare(ba_store *st, const char *sql, int persistent, ba_sql **out)
{
	lite_stmt *l;
	sqlite3_stmt *s = NULL;

	*out = NULL;
	if (sqlite3_prepare_v3(st->db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &s, NULL) != SQLITE_OK)
		return -1;
	l = ba_calloc(1, sizeof(*l));
	l->base.be = &ba_sql_sqlite;
	l->base.st = st;
	l->s = s;
	*out = &l->base;
	return 0;
}

#define S(x) (((lite_stmt *)(x))->s)

static void lite_bind(ba_sql *s, int i, int type, const char *txt, int len, int64_t iv, double dv)
{
	switch (type) {
	case BA_SQL_TEXT: sqlite3_bind_text(S(s), i, txt, len, SQLITE_STATIC); break;
	case BA_SQL_INT: sqlite3_bind_int64(S(s), i, iv); break;
	case BA_SQL_FLOAT: sqlite3_bind_double(S(s), i, dv); break;
	default: sqlite3_bind_null(S(s), i);
	}
}

static int lite_step(ba_sql *s)
{
	int rc = sqlite3_step(S(s));
	return rc == SQLITE_ROW ? BA_SQL_ROW : rc == SQLITE_DONE ? BA_SQL_DONE : -1;
}

static int lite_col_count(ba_sql *s) { return sqlite3_column_count(S(s)); }
static const char *lite_col_name(ba_sql *s, int i) { return sqlite3_column_name(S(s), i); }

static int lite_col_type(ba_sql *s, int i)
{
	switch (sqlite3_column_type(S(s), i)) {
	case SQLITE_INTEGER: return BA_SQL_INT;
	case SQLITE_FLOAT: return BA_SQL_FLOAT;
	case SQLITE_NULL: return BA_SQL_NULL;
	default: return BA_SQL_TEXT;
	}
}

static const char *lite_col_text(ba_sql *s, int i) { return (const char *)sqlite3_column_text(S(s), i); }
static int64_t lite_col_int(ba_sql *s, int i) { return sqlite3_column_int64(S(s), i); }
static double lite_col_real(ba_sql *s, int i) { return sqlite3_column_double(S(s), i); }

static void lite_reset(ba_sql *s)
{
	sqlite3_reset(S(s));
	sqlite3_clear_bindings(S(s));
}

static void lite_finalize(ba_sql *s)
{
	sqlite3_finalize(S(s));
	free(s);
}

const ba_sql_backend ba_sql_sqlite = {
	"sqlite", ba_store_migrations, "BEGIN IMMEDIATE", lite_open, lite_close, lite_exec, lite_errmsg,
	lite_busy, lite_get_version, lite_set_version, lite_prepare, lite_bind, lite_step, lite_col_count,
	lite_col_name, lite_col_type, lite_col_text, lite_col_int, lite_col_real, lite_reset, lite_finalize,
};
