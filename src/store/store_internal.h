/*
 * store_internal.h - shared between the store's own files (and its tests) only.
 */
#ifndef BA_STORE_INTERNAL_H
#define BA_STORE_INTERNAL_H

#include "benchagent/store.h"

#include <pthread.h>
#include <sqlite3.h>

struct ba_store {
	sqlite3 *db;
	char *workspace;
	char *dir;
	pthread_mutex_t lock;  /* recursive */
	int txn_depth;
	int txn_failed;
};

extern const char *const ba_store_migrations[];

/* The connection (borrowed; hold the lock while using it). For the
 * store's files and the store's own tests only. */
sqlite3 *ba_store_db(ba_store *st);
/* Run one SQL statement with no result rows. */
int ba_store_exec(ba_store *st, const char *sql, ba_error *err);
/* Turn the connection's last error into err with context. */
int ba_store_fail(ba_store *st, ba_error *err, const char *what);

#endif
