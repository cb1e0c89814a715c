/*
 * items.c - per-run work units (samples being built, items being checked).
 */
#include "store_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

static int item_write(ba_store *st, int64_t run_id, const char *key, const char *subtask,
		      const char *status, const json_t *data, int replace, ba_error *err)
{
	ba_sql *s = NULL;
	char *txt = ba_json_canonical(data);
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, replace ?
			   "INSERT INTO items(run_id, key, subtask, status, data, updated) VALUES(?,?,?,?,?,?)"
			   " ON CONFLICT(run_id, key) DO UPDATE SET subtask = excluded.subtask, status = excluded.status,"
			   " data = excluded.data, updated = excluded.updated" :
			   "INSERT INTO items(run_id, key, subtask, status, data, updated) VALUES(?,?,?,?,?,?)"
			   " ON CONFLICT(run_id, key) DO NOTHING", &s) != 0) {
		rc = ba_store_fail(st, err, "item put");
		goto out;
	}
	ba_sql_int(s, 1, run_id);
	ba_sql_text(s, 2, key);
	ba_sql_text(s, 3, subtask);
	ba_sql_text(s, 4, status);
	ba_sql_text(s, 5, txt);
	ba_sql_real(s, 6, ba_now());
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = ba_store_fail(st, err, "item put");
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	free(txt);
	return rc;
}

int ba_item_put(ba_store *st, int64_t run_id, const char *key, const char *subtask,
		const char *status, const json_t *data, ba_error *err)
{
	return item_write(st, run_id, key, subtask, status, data, 1, err);
}

int ba_item_add(ba_store *st, int64_t run_id, const char *key, const char *subtask,
		const char *status, const json_t *data, ba_error *err)
{
	return item_write(st, run_id, key, subtask, status, data, 0, err);
}

int ba_item_get(ba_store *st, int64_t run_id, const char *key, json_t **data,
		char **status_out, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = BA_ENOTFOUND;

	*data = NULL;
	if (status_out)
		*status_out = NULL;
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT status, data FROM items WHERE run_id = ? AND key = ?", &s) != 0) {
		rc = ba_store_fail(st, err, "item get");
		goto out;
	}
	ba_sql_int(s, 1, run_id);
	ba_sql_text(s, 2, key);
	if (ba_sql_step(s) == BA_SQL_ROW) {
		const char *txt = ba_sql_col_text(s, 1);
		rc = ba_json_parse(data, txt, strlen(txt), key, err);
		if (rc == 0 && status_out)
			*status_out = ba_strdup(ba_sql_col_text(s, 0));
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_item_foreach(ba_store *st, int64_t run_id, const char *status, ba_item_fn fn, void *ud,
		    ba_error *err)
{
	ba_sql *s = NULL;
	json_t *rows = json_array();
	size_t i;
	int rc = 0;

	/* Snapshot first, then call back without holding the lock, so the
	 * callback may write to the store from any thread. */
	ba_store_lock(st);
	if (ba_sql_prepare(st, status ? "SELECT key, subtask, status, data FROM items WHERE run_id = ?1 AND status = ?2 ORDER BY key"
				      : "SELECT key, subtask, status, data FROM items WHERE run_id = ?1 ORDER BY key", &s) != 0) {
		rc = ba_store_fail(st, err, "item list");
		ba_store_unlock(st);
		json_decref(rows);
		return rc;
	}
	ba_sql_int(s, 1, run_id);
	if (status)
		ba_sql_text(s, 2, status);
	while (ba_sql_step(s) == BA_SQL_ROW) {
		const char *sub = ba_sql_col_text(s, 1);
		json_array_append_new(rows, json_pack("[s,s?,s,s]",
			ba_sql_col_text(s, 0), sub,
			ba_sql_col_text(s, 2),
			ba_sql_col_text(s, 3)));
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);

	for (i = 0; i < json_array_size(rows) && rc == 0; i++) {
		json_t *row = json_array_get(rows, i), *data;
		const char *txt = json_string_value(json_array_get(row, 3));
		if ((rc = ba_json_parse(&data, txt, strlen(txt), "item", err)) != 0)
			break;
		rc = fn(ud, json_string_value(json_array_get(row, 0)),
			json_string_value(json_array_get(row, 1)),
			json_string_value(json_array_get(row, 2)), data);
		json_decref(data);
	}
	json_decref(rows);
	return rc;
}

long ba_item_count(ba_store *st, int64_t run_id, const char *status)
{
	ba_sql *s = NULL;
	long n = -1;

	ba_store_lock(st);
	if (ba_sql_prepare(st, status ? "SELECT count(*) FROM items WHERE run_id = ?1 AND status = ?2"
				      : "SELECT count(*) FROM items WHERE run_id = ?1", &s) == 0) {
		ba_sql_int(s, 1, run_id);
		if (status)
			ba_sql_text(s, 2, status);
		if (ba_sql_step(s) == BA_SQL_ROW)
			n = ba_sql_col_int(s, 0);
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return n;
}

json_t *ba_item_statuses(ba_store *st, int64_t run_id)
{
	json_t *map = json_object();
	ba_sql *s = NULL;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT key, status FROM items WHERE run_id = ?1", &s) == 0) {
		ba_sql_int(s, 1, run_id);
		while (ba_sql_step(s) == BA_SQL_ROW)
			json_object_set_new(map, ba_sql_col_text(s, 0),
					    json_string(ba_sql_col_text(s, 1)));
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return map;
}
