/*
 * store_internal.h - shared between the store's own files (and its tests) only.
 *
 * Every store file speaks to the database through the small statement
 * interface below (prepare, bind, step, column, reset, finalize), written
 * once in the dialect SQLite and PostgreSQL share (ON CONFLICT upserts,
 * RETURNING, CASE instead of boolean sums, `?`/`?N` placeholders, which
 * the PostgreSQL backend turns into `$n`). A backend is one table of
 * functions (ba_sql_backend); the two are in sql_sqlite.c and sql_pg.c.
 */
#ifndef BA_STORE_INTERNAL_H
#define BA_STORE_INTERNAL_H

#include "benchagent/store.h"

#include <pthread.h>
#include <sqlite3.h>

typedef struct ba_sql ba_sql;                 /* one prepared statement */
typedef struct ba_sql_backend ba_sql_backend;

struct ba_store {
	const ba_sql_backend *be;
	void *conn;            /* the backend's connection */
	sqlite3 *db;           /* == conn on SQLite, NULL on PostgreSQL */
	char *workspace;
	char *dir;
	char *label;           /* "<ws>/.benchagent/state.db" or the URL without credentials */
	pthread_mutex_t lock;  /* recursive */
	int txn_depth;
	int txn_failed;
	void *prepared;        /* PostgreSQL: the statements prepared on this connection */
	int conn_gen;          /* PostgreSQL: bumped on every reconnect (prepared names are gone) */
	int conn_dead;         /* PostgreSQL: lost and not reopened: every statement fails at once */
	char errmsg[512];      /* PostgreSQL: the last failure's message */
	char sqlstate[6];
};

enum { BA_SQL_DONE = 0, BA_SQL_ROW = 1 };
enum { BA_SQL_NULL, BA_SQL_INT, BA_SQL_FLOAT, BA_SQL_TEXT };

struct ba_sql_backend {
	const char *name;                    /* "sqlite", "postgresql" */
	const char *const *migrations;       /* NULL-terminated, this dialect's schema */
	const char *begin_sql;
	int (*open)(ba_store *st, const char *target, ba_error *err);
	void (*close)(ba_store *st);
	int (*exec)(ba_store *st, const char *sql);          /* 0 or -1 */
	const char *(*errmsg)(ba_store *st);
	int (*busy)(ba_store *st);                           /* last failure was a lock conflict */
	int (*get_version)(ba_store *st);
	int (*set_version)(ba_store *st, int v);
	int (*prepare)(ba_store *st, const char *sql, int persistent, ba_sql **out);
	void (*bind)(ba_sql *s, int i, int type, const char *txt, int len, int64_t iv, double dv);
	int (*step)(ba_sql *s);
	int (*col_count)(ba_sql *s);
	const char *(*col_name)(ba_sql *s, int i);
	int (*col_type)(ba_sql *s, int i);
	const char *(*col_text)(ba_sql *s, int i);
	int64_t (*col_int)(ba_sql *s, int i);
	double (*col_real)(ba_sql *s, int i);
	void (*reset)(ba_sql *s);
	void (*finalize)(ba_sql *s);
};

/* Every backend's statement starts with this. */
struct ba_sql {
	const ba_sql_backend *be;
	ba_store *st;
};

extern const ba_sql_backend ba_sql_sqlite, ba_sql_pg;
extern const char *const ba_store_migrations[];     /* SQLite */
extern const char *const ba_store_pg_migrations[];  /* PostgreSQL */

/* Statements: 0 or BA_EIO (the store's error message says why). */
int ba_sql_prepare(ba_store *st, const char *sql, ba_sql **out);
int ba_sql_prepare_persistent(ba_store *st, const char *sql, ba_sql **out);
void ba_sql_text(ba_sql *s, int i, const char *v);          /* NULL binds NULL */
void ba_sql_textn(ba_sql *s, int i, const char *v, int n);
void ba_sql_int(ba_sql *s, int i, int64_t v);
void ba_sql_real(ba_sql *s, int i, double v);
void ba_sql_null(ba_sql *s, int i);
int ba_sql_step(ba_sql *s);                                 /* BA_SQL_ROW, BA_SQL_DONE or < 0 */
int ba_sql_col_count(ba_sql *s);
const char *ba_sql_col_name(ba_sql *s, int i);
int ba_sql_col_type(ba_sql *s, int i);
const char *ba_sql_col_text(ba_sql *s, int i);              /* NULL for NULL */
int64_t ba_sql_col_int(ba_sql *s, int i);
double ba_sql_col_real(ba_sql *s, int i);
void ba_sql_reset(ba_sql *s);                               /* and clears the bindings */
void ba_sql_finalize(ba_sql *s);                            /* NULL is fine */
/* `?` and `?N` placeholders as `$n` outside quoted text (new string);
 * *nparams gets the highest number used. */
char *ba_sql_dollar(const char *sql, int *nparams);

/* The SQLite connection (borrowed; NULL on PostgreSQL; hold the lock while
 * using it). For the store's own tests only. */
sqlite3 *ba_store_db(ba_store *st);
int ba_store_is_pg(const ba_store *st);
/* Run SQL statements with no result rows. */
int ba_store_exec(ba_store *st, const char *sql, ba_error *err);
/* Turn the connection's last error into err with context. */
int ba_store_fail(ba_store *st, ba_error *err, const char *what);

#endif
