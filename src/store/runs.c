/*
 * runs.c - runs (one per kind and key) and their event log.
 */
#include "store_internal.h"
#include "benchagent/alloc.h"

#include <stdarg.h>
#include <stdio.h>

int ba_run_open(ba_store *st, const char *kind, const char *key, int64_t *run_id, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;
	double now = ba_now();

	ba_store_lock(st);
	if (ba_sql_prepare(st, "INSERT INTO runs(kind, key, created, updated) VALUES(?1, ?2, ?3, ?3) "
			       "ON CONFLICT(kind, key) DO UPDATE SET updated = ?3 RETURNING id", &s) != 0) {
		rc = ba_store_fail(st, err, "opening run");
		goto out;
	}
	ba_sql_text(s, 1, kind);
	ba_sql_text(s, 2, key);
	ba_sql_real(s, 3, now);
	if (ba_sql_step(s) != BA_SQL_ROW)
		rc = ba_store_fail(st, err, "opening run");
	else
		*run_id = ba_sql_col_int(s, 0);
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_run_set_status(ba_store *st, int64_t run_id, const char *status, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "UPDATE runs SET status = ?1, updated = ?2 WHERE id = ?3", &s) != 0) {
		rc = ba_store_fail(st, err, "run status");
		goto out;
	}
	ba_sql_text(s, 1, status);
	ba_sql_real(s, 2, ba_now());
	ba_sql_int(s, 3, run_id);
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = ba_store_fail(st, err, "run status");
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

json_t *ba_run_list(ba_store *st)
{
	json_t *arr = json_array();
	ba_sql *s = NULL;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT id, kind, key, status, created, updated FROM runs ORDER BY id", &s) == 0) {
		while (ba_sql_step(s) == BA_SQL_ROW)
			json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:f,s:f}",
				"id", (json_int_t)ba_sql_col_int(s, 0),
				"kind", ba_sql_col_text(s, 1),
				"key", ba_sql_col_text(s, 2),
				"status", ba_sql_col_text(s, 3),
				"created", ba_sql_col_real(s, 4),
				"updated", ba_sql_col_real(s, 5)));
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return arr;
}

int ba_event_add(ba_store *st, int64_t run_id, const char *level, const char *kind,
		 const char *fmt, ...)
{
	char msg[2048];
	ba_sql *s = NULL;
	va_list ap;
	int rc = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ba_store_lock(st);
	if (ba_sql_prepare(st, "INSERT INTO events(run_id, ts, level, kind, message) VALUES(?,?,?,?,?)", &s) != 0) {
		rc = BA_EIO;
		goto out;
	}
	if (run_id > 0)
		ba_sql_int(s, 1, run_id);
	ba_sql_real(s, 2, ba_now());
	ba_sql_text(s, 3, level);
	ba_sql_text(s, 4, kind);
	ba_sql_text(s, 5, msg);
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = BA_EIO;
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_kv_put(ba_store *st, const char *key, const char *value, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "INSERT INTO kv(key, value, updated) VALUES(?,?,?)"
			       " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated = excluded.updated", &s) != 0) {
		rc = ba_store_fail(st, err, "kv put");
		goto out;
	}
	ba_sql_text(s, 1, key);
	ba_sql_text(s, 2, value);
	ba_sql_real(s, 3, ba_now());
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = ba_store_fail(st, err, "kv put");
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_kv_get(ba_store *st, const char *key, char **value, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	*value = NULL;
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT value FROM kv WHERE key = ?", &s) != 0) {
		rc = ba_store_fail(st, err, "kv get");
		goto out;
	}
	ba_sql_text(s, 1, key);
	if (ba_sql_step(s) == BA_SQL_ROW)
		*value = ba_strdup(ba_sql_col_text(s, 0));
	else
		rc = BA_ENOTFOUND;
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}
