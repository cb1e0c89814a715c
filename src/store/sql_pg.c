/*
 * sql_pg.c - the shared backend: a PostgreSQL database through libpq, for
 * a team or several machines (store: postgresql://... or
 * $BENCHAGENT_STORE). Statements are client-side: the SQL (placeholders
 * rewritten to $n) and its text parameters, sent on the first step; the
 * rows are then read from the result. Each distinct SQL text is prepared
 * on the server once per connection (PQprepare, named s1, s2, ...), so a
 * statement run for every unit is planned once, not every time.
 *
 * A lost connection (the server restarted, a network blip) is reopened
 * once per loss, outside a transaction: the statement that found it lost
 * runs again on the new connection. The server gets up to
 * $BENCHAGENT_STORE_RECONNECT_S seconds (default 30) to come back; after
 * that the statement fails with one line saying so. Inside a transaction
 * the work of the transaction is gone with the connection: it fails (and
 * the caller's rerun redoes it), and the next statement reconnects.
 */
#include "store_internal.h"
#include "benchagent/alloc.h"

#define BA_LOG_MODULE "store"
#include "benchagent/log.h"

#include <libpq-fe.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* SQL text -> server-side statement name, per connection */
typedef struct pg_prepared {
	char **sql;
	size_t n, cap;
} pg_prepared;

typedef struct pg_stmt {
	ba_sql base;
	char *sql;
	char name[24];      /* prepared on the server ("" = not yet) */
	int gen;            /* the connection generation name belongs to */
	int nparams;
	char **vals;
	PGresult *res;
	int row, nrows, ran;
} pg_stmt;

#define P(x) ((pg_stmt *)(x))
#define CONN(st) ((PGconn *)(st)->conn)

static void remember(ba_store *st, const PGresult *res)
{
	const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(CONN(st));
	const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	size_t n;

	snprintf(st->errmsg, sizeof(st->errmsg), "%s", m && *m ? m : "connection lost");
	n = strlen(st->errmsg);
	while (n && (st->errmsg[n - 1] == '\n' || st->errmsg[n - 1] == ' '))
		st->errmsg[--n] = 0;
	for (n = 0; st->errmsg[n]; n++)
		if (st->errmsg[n] == '\n')
			st->errmsg[n] = ' ';
	snprintf(st->sqlstate, sizeof(st->sqlstate), "%s", code ? code : "");
}

static void notice_quiet(void *arg, const char *msg) { (void)arg; (void)msg; }

static int pg_open(ba_store *st, const char *url, ba_error *err)
{
	PGconn *c = PQconnectdb(url);

	st->conn = c;
	if (!c || PQstatus(c) != CONNECTION_OK) {
		remember(st, NULL);
		return ba_error_set(err, BA_EIO, "%s: cannot connect: %s", st->label, c ? st->errmsg : "out of memory");
	}
	PQsetNoticeProcessor(c, notice_quiet, NULL);
	return 0;
}

/* Forget the statements prepared on the server (a new connection has none). */
static void forget_prepared(ba_store *st)
{
	pg_prepared *pp = st->prepared;
	size_t i;

	if (pp) {
		for (i = 0; i < pp->n; i++)
			free(pp->sql[i]);
		free(pp->sql);
		free(pp);
	}
	st->prepared = NULL;
	st->conn_gen++;
}

static void pg_close(ba_store *st)
{
	if (st->conn)
		PQfinish(CONN(st));
	st->conn = NULL;
	forget_prepared(st);
}

static double reconnect_wait_s(void)
{
	const char *e = getenv("BENCHAGENT_STORE_RECONNECT_S");
	char *end;
	double v = e ? strtod(e, &end) : 30;

	return e && (end == e || *end || v < 0 || v > 3600) ? 30 : v;
}

/* The connection is gone: reopen it (waiting up to the reconnect window
 * for the server). 0, or -1 with st->errmsg saying why. Lock held. */
static int reconnect(ba_store *st)
{
	double wait = reconnect_wait_s(), waited = 0;
	struct timespec nap = { 0, 250000000L };
	char last[sizeof(st->errmsg)];

	BA_WARN("%s: the connection was lost; reconnecting", st->label);
	for (;;) {
		PQreset(CONN(st));
		if (PQstatus(CONN(st)) == CONNECTION_OK) {
			forget_prepared(st);
			PQsetNoticeProcessor(CONN(st), notice_quiet, NULL);
			BA_WARN("%s: reconnected", st->label);
			return 0;
		}
		if (waited >= wait)
			break;
		nanosleep(&nap, NULL);
		waited += 0.25;
	}
	remember(st, NULL);
	st->conn_dead = 1;
	snprintf(last, sizeof(last), "%s", st->errmsg);
	snprintf(st->errmsg, sizeof(st->errmsg),
		 "the connection to the server was lost and could not be reopened within %g s: %.380s", wait, last);
	st->sqlstate[0] = 0;
	return -1;
}

/* Before a statement (or after one failed): 1 when the connection was lost
 * and has been reopened (run the statement again), 0 when it is fine, -1
 * when it is lost for good or inside a transaction (st->errmsg set). */
static int revive(ba_store *st)
{
	if (PQstatus(CONN(st)) == CONNECTION_OK)
		return 0;
	if (st->conn_dead)
		return -1; /* reconnecting failed once: st->errmsg still says why */
	if (st->txn_depth > 0) {
		snprintf(st->errmsg, sizeof(st->errmsg), "the connection to the server was lost inside a transaction");
		return -1;
	}
	return reconnect(st) == 0 ? 1 : -1;
}

/* The server-side name of sql, preparing it on first use; 0 or -1. Call
 * with the store lock held. */
static int server_name(ba_store *st, pg_stmt *p)
{
	pg_prepared *pp = st->prepared;
	PGresult *r;
	size_t i;

	if (!pp)
		pp = st->prepared = ba_calloc(1, sizeof(*pp));
	for (i = 0; i < pp->n; i++)
		if (!strcmp(pp->sql[i], p->sql)) {
			snprintf(p->name, sizeof(p->name), "s%zu", i + 1);
			p->gen = st->conn_gen;
			return 0;
		}
	p->gen = st->conn_gen;
	snprintf(p->name, sizeof(p->name), "s%zu", pp->n + 1);
	r = PQprepare(CONN(st), p->name, p->sql, p->nparams, NULL);
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
		remember(st, r);
		PQclear(r);
		p->name[0] = 0;
		return -1;
	}
	PQclear(r);
	if (pp->n == pp->cap) {
		pp->cap = pp->cap ? pp->cap * 2 : 32;
		pp->sql = ba_realloc(pp->sql, pp->cap * sizeof(*pp->sql));
	}
	pp->sql[pp->n++] = ba_strdup(p->sql);
	return 0;
}

static int exec_once(ba_store *st, const char *sql)
{
	PGresult *r = PQexec(CONN(st), sql);
	int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		remember(st, r);
	PQclear(r);
	return ok ? 0 : -1;
}

static int pg_exec(ba_store *st, const char *sql)
{
	/* BEGIN opens a transaction (txn_depth is already 1): it may reconnect */
	int opening = !strcmp(sql, "BEGIN") && st->txn_depth == 1, rc, depth = st->txn_depth;

	if (!strcmp(sql, "COMMIT") || !strcmp(sql, "ROLLBACK")) {
		/* never on a new connection: it would commit nothing and say so
		 * with a mere warning */
		if (PQstatus(CONN(st)) == CONNECTION_OK)
			return exec_once(st, sql);
		if (!strcmp(sql, "ROLLBACK"))
			return 0; /* the server dropped the transaction with the connection */
		snprintf(st->errmsg, sizeof(st->errmsg),
			 "the connection to the server was lost before the commit (the transaction is lost)");
		return -1;
	}
	if (opening)
		st->txn_depth = 0;
	if (revive(st) < 0) {
		st->txn_depth = depth;
		return -1;
	}
	rc = exec_once(st, sql);
	if (rc != 0 && revive(st) == 1)
		rc = exec_once(st, sql);
	st->txn_depth = depth;
	return rc;
}

static const char *pg_errmsg(ba_store *st) { return st->errmsg; }

static int pg_busy(ba_store *st)
{
	/* serialization failure, deadlock, lock not available */
	return !strcmp(st->sqlstate, "40001") || !strcmp(st->sqlstate, "40P01") || !strcmp(st->sqlstate, "55P03");
}

static int pg_get_version(ba_store *st)
{
	PGresult *r;
	int v = -1;

	if (pg_exec(st, "CREATE TABLE IF NOT EXISTS ba_schema(version INTEGER NOT NULL)") != 0)
		return -1;
	r = PQexec(CONN(st), "SELECT COALESCE(MAX(version), 0) FROM ba_schema");
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = atoi(PQgetvalue(r, 0, 0)); /* an integer PostgreSQL printed */
	else
		remember(st, r);
	PQclear(r);
	return v;
}

static int pg_set_version(ba_store *st, int v)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "DELETE FROM ba_schema; INSERT INTO ba_schema(version) VALUES(%d)", v);
	return pg_exec(st, sql);
}

static int pg_prepare(ba_store *st, const char *sql, int persistent, ba_sql **out)
{
	pg_stmt *p = ba_calloc(1, sizeof(*p));

	(void)persistent;
	p->base.be = &ba_sql_pg;
	p->base.st = st;
	p->sql = ba_sql_dollar(sql, &p->nparams);
	p->vals = ba_calloc((size_t)p->nparams + 1, sizeof(char *));
	*out = &p->base;
	return 0;
}

static void pg_bind(ba_sql *s, int i, int type, const char *txt, int len, int64_t iv, double dv)
{
	pg_stmt *p = P(s);
	char num[40];

	if (i < 1 || i > p->nparams)
		return;
	free(p->vals[i - 1]);
	p->vals[i - 1] = NULL;
	switch (type) {
	case BA_SQL_TEXT:
		p->vals[i - 1] = len < 0 ? ba_strdup(txt) : ba_strndup(txt, (size_t)len);
		break;
	case BA_SQL_INT:
		snprintf(num, sizeof(num), "%" PRId64, iv);
		p->vals[i - 1] = ba_strdup(num);
		break;
	case BA_SQL_FLOAT:
		snprintf(num, sizeof(num), "%.17g", dv);
		p->vals[i - 1] = ba_strdup(num);
		break;
	default:
		break;
	}
}

static int pg_step(ba_sql *s)
{
	pg_stmt *p = P(s);

	if (!p->ran) {
		ExecStatusType t;
		int again = 1;
		p->ran = 1;
		ba_store_lock(s->st);
		for (;;) {
			if (revive(s->st) < 0 || ((!p->name[0] || p->gen != s->st->conn_gen) && server_name(s->st, p) != 0)) {
				ba_store_unlock(s->st);
				if (s->st->txn_depth)
					s->st->txn_failed = 1;
				return -1;
			}
			p->res = PQexecPrepared(CONN(s->st), p->name, p->nparams, (const char *const *)p->vals, NULL,
						NULL, 0);
			t = p->res ? PQresultStatus(p->res) : PGRES_FATAL_ERROR;
			if ((t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) || !again || s->st->txn_depth ||
			    PQstatus(CONN(s->st)) == CONNECTION_OK)
				break;
			/* lost between statements: once more on a new connection */
			again = 0;
			remember(s->st, p->res);
			PQclear(p->res);
			p->res = NULL;
		}
		ba_store_unlock(s->st);
		if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
			remember(s->st, p->res);
			PQclear(p->res);
			p->res = NULL;
			if (s->st->txn_depth)
				s->st->txn_failed = 1; /* PostgreSQL aborts the whole transaction */
			return -1;
		}
		p->nrows = PQntuples(p->res);
		p->row = -1;
	}
	if (!p->res)
		return -1;
	return ++p->row < p->nrows ? BA_SQL_ROW : BA_SQL_DONE;
}

static int pg_col_count(ba_sql *s) { return P(s)->res ? PQnfields(P(s)->res) : 0; }
static const char *pg_col_name(ba_sql *s, int i) { return PQfname(P(s)->res, i); }

static int in_row(pg_stmt *p, int i)
{
	return p->res && p->row >= 0 && p->row < p->nrows && i >= 0 && i < PQnfields(p->res);
}

static const char *pg_col_text(ba_sql *s, int i)
{
	pg_stmt *p = P(s);
	if (!in_row(p, i) || PQgetisnull(p->res, p->row, i))
		return NULL;
	return PQgetvalue(p->res, p->row, i);
}

static int pg_col_type(ba_sql *s, int i)
{
	const char *v = pg_col_text(s, i);
	Oid t;

	if (!v)
		return BA_SQL_NULL;
	t = PQftype(P(s)->res, i);
	if (t == 20 || t == 21 || t == 23 || t == 16) /* int8, int2, int4, bool */
		return BA_SQL_INT;
	if (t == 700 || t == 701) /* float4, float8 */
		return BA_SQL_FLOAT;
	if (t == 1700) /* numeric: sums and rounds */
		return strpbrk(v, ".eE") ? BA_SQL_FLOAT : BA_SQL_INT;
	return BA_SQL_TEXT;
}

static int64_t pg_col_int(ba_sql *s, int i)
{
	const char *v = pg_col_text(s, i);
	if (!v)
		return 0;
	if (*v == 't')
		return 1;
	return strpbrk(v, ".eE") ? (int64_t)strtod(v, NULL) : strtoll(v, NULL, 10);
}

static double pg_col_real(ba_sql *s, int i)
{
	const char *v = pg_col_text(s, i);
	return v ? strtod(v, NULL) : 0;
}

static void pg_reset(ba_sql *s)
{
	pg_stmt *p = P(s);
	int i;

	PQclear(p->res);
	p->res = NULL;
	p->ran = 0;
	for (i = 0; i < p->nparams; i++) {
		free(p->vals[i]);
		p->vals[i] = NULL;
	}
}

static void pg_finalize(ba_sql *s)
{
	pg_stmt *p = P(s);

	pg_reset(s);
	free(p->vals);
	free(p->sql);
	free(p);
}

const ba_sql_backend ba_sql_pg = {
	"postgresql", ba_store_pg_migrations, "BEGIN", pg_open, pg_close, pg_exec, pg_errmsg, pg_busy,
	pg_get_version, pg_set_version, pg_prepare, pg_bind, pg_step, pg_col_count, pg_col_name, pg_col_type,
	pg_col_text, pg_col_int, pg_col_real, pg_reset, pg_finalize,
};
