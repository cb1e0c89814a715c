/*
 * items.c - per-run work units (samples being built, items being checked).
 */
#include "store_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

int ba_item_put(ba_store *st, int64_t run_id, const char *key, const char *subtask,
		const char *status, const json_t *data, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	char *txt = ba_json_canonical(data);
	int rc = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "INSERT OR REPLACE INTO items(run_id, key, subtask, status, data, updated) VALUES(?,?,?,?,?,?)",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "item put");
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, subtask, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, txt, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 6, ba_now());
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = ba_store_fail(st, err, "item put");
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	free(txt);
	return rc;
}

int ba_item_get(ba_store *st, int64_t run_id, const char *key, json_t **data,
		char **status_out, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = BA_ENOTFOUND;

	*data = NULL;
	if (status_out)
		*status_out = NULL;
	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, "SELECT status, data FROM items WHERE run_id = ? AND key = ?", -1, &s,
			       NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "item get");
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *txt = (const char *)sqlite3_column_text(s, 1);
		rc = ba_json_parse(data, txt, strlen(txt), key, err);
		if (rc == 0 && status_out)
			*status_out = ba_strdup((const char *)sqlite3_column_text(s, 0));
	}
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_item_foreach(ba_store *st, int64_t run_id, const char *status, ba_item_fn fn, void *ud,
		    ba_error *err)
{
	sqlite3_stmt *s = NULL;
	json_t *rows = json_array();
	size_t i;
	int rc = 0;

	/* Snapshot first, then call back without holding the lock, so the
	 * callback may write to the store from any thread. */
	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       status ? "SELECT key, subtask, status, data FROM items WHERE run_id = ?1 AND status = ?2 ORDER BY key"
				      : "SELECT key, subtask, status, data FROM items WHERE run_id = ?1 ORDER BY key",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "item list");
		ba_store_unlock(st);
		json_decref(rows);
		return rc;
	}
	sqlite3_bind_int64(s, 1, run_id);
	if (status)
		sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *sub = (const char *)sqlite3_column_text(s, 1);
		json_array_append_new(rows, json_pack("[s,s?,s,s]",
			(const char *)sqlite3_column_text(s, 0), sub,
			(const char *)sqlite3_column_text(s, 2),
			(const char *)sqlite3_column_text(s, 3)));
	}
	sqlite3_finalize(s);
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
	sqlite3_stmt *s = NULL;
	long n = -1;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       status ? "SELECT count(*) FROM items WHERE run_id = ?1 AND status = ?2"
				      : "SELECT count(*) FROM items WHERE run_id = ?1",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, run_id);
		if (status)
			sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return n;
}

json_t *ba_item_statuses(ba_store *st, int64_t run_id)
{
	json_t *map = json_object();
	sqlite3_stmt *s = NULL;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, "SELECT key, status FROM items WHERE run_id = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, run_id);
		while (sqlite3_step(s) == SQLITE_ROW)
			json_object_set_new(map, (const char *)sqlite3_column_text(s, 0),
					    json_string((const char *)sqlite3_column_text(s, 1)));
	}
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return map;
}
