/*
 * batches.c - provider batch submissions (OpenAI Batch API, Anthropic
 * Message Batches): which batch holds which request, so a process killed
 * while a batch is pending polls the same batch when it runs again and
 * never submits it twice; and the per-endpoint counters of endpoint pools.
 */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

int ba_batch_put(ba_store *st, const char *id, const char *provider, const char *protocol,
		 const char *const *keys, const char *const *custom_ids, size_t n, ba_error *err)
{
	sqlite3_stmt *b = NULL, *k = NULL;
	double now = ba_now();
	size_t i;
	int rc;

	ba_store_lock(st);
	if ((rc = ba_store_begin(st, err)) != 0)
		goto out;
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO llm_batches(id, provider, protocol, status, requests,"
				       " created, updated) VALUES(?1, ?2, ?3, 'submitted', ?4, ?5, ?5)", -1, &b, NULL) ||
	    sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO llm_batch_keys(batch_id, custom_id, key)"
				       " VALUES(?1, ?2, ?3)", -1, &k, NULL)) {
		rc = ba_store_fail(st, err, "recording a batch");
		ba_store_rollback(st);
		goto out;
	}
	sqlite3_bind_text(b, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(b, 2, provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(b, 3, protocol, -1, SQLITE_STATIC);
	sqlite3_bind_int64(b, 4, (sqlite3_int64)n);
	sqlite3_bind_double(b, 5, now);
	rc = sqlite3_step(b) == SQLITE_DONE ? 0 : ba_store_fail(st, err, "recording a batch");
	for (i = 0; rc == 0 && i < n; i++) {
		sqlite3_reset(k);
		sqlite3_bind_text(k, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(k, 2, custom_ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(k, 3, keys[i], -1, SQLITE_STATIC);
		if (sqlite3_step(k) != SQLITE_DONE)
			rc = ba_store_fail(st, err, "recording a batch's requests");
	}
	if (rc)
		ba_store_rollback(st);
	else
		rc = ba_store_commit(st, err);
out:
	sqlite3_finalize(b);
	sqlite3_finalize(k);
	ba_store_unlock(st);
	return rc;
}

int ba_batch_set_status(ba_store *st, const char *id, const char *status)
{
	sqlite3_stmt *s = NULL;
	int rc = BA_EIO;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, "UPDATE llm_batches SET status = ?2, updated = ?3 WHERE id = ?1", -1, &s,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
		sqlite3_bind_double(s, 3, ba_now());
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : BA_EIO;
	}
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_batch_find(ba_store *st, const char *provider, const char *key, char id[128], char custom_id[80])
{
	sqlite3_stmt *s = NULL;
	int rc = BA_ENOTFOUND;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, "SELECT b.id, k.custom_id FROM llm_batch_keys k JOIN llm_batches b"
				       " ON b.id = k.batch_id WHERE k.key = ?1 AND b.provider = ?2"
				       " AND b.status NOT IN ('failed', 'cancelled')"
				       " ORDER BY b.created DESC, b.rowid DESC LIMIT 1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, provider, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW) {
			snprintf(id, 128, "%s", (const char *)sqlite3_column_text(s, 0));
			snprintf(custom_id, 80, "%s", (const char *)sqlite3_column_text(s, 1));
			rc = 0;
		}
	}
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

long ba_batch_count(ba_store *st, const char *provider)
{
	sqlite3_stmt *s = NULL;
	long n = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, provider ? "SELECT count(*) FROM llm_batches WHERE provider = ?1"
						: "SELECT count(*) FROM llm_batches", -1, &s, NULL) == SQLITE_OK) {
		if (provider)
			sqlite3_bind_text(s, 1, provider, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return n;
}

int ba_endpoint_stats_add(ba_store *st, const char *provider, const char *url, long requests,
			  long failures, long oks, double ok_ms)
{
	sqlite3_stmt *s = NULL;
	int rc = BA_EIO;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, "INSERT INTO llm_endpoints(provider, url, requests, failures, oks, ok_ms, updated)"
				       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(provider, url) DO UPDATE SET"
				       " requests = requests + excluded.requests, failures = failures + excluded.failures,"
				       " oks = oks + excluded.oks, ok_ms = ok_ms + excluded.ok_ms, updated = excluded.updated",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, provider, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, url, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, requests);
		sqlite3_bind_int64(s, 4, failures);
		sqlite3_bind_int64(s, 5, oks);
		sqlite3_bind_double(s, 6, ok_ms);
		sqlite3_bind_double(s, 7, ba_now());
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : BA_EIO;
	}
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

json_t *ba_endpoint_stats(ba_store *st)
{
	sqlite3_stmt *s = NULL;
	json_t *out = json_array();

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, "SELECT provider, url, requests, failures, oks, ok_ms FROM llm_endpoints"
				       " ORDER BY provider, url", -1, &s, NULL) == SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW) {
			long long oks = sqlite3_column_int64(s, 4);
			json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:I, s:I, s:f}", "provider",
							     (const char *)sqlite3_column_text(s, 0), "url",
							     (const char *)sqlite3_column_text(s, 1), "requests",
							     (json_int_t)sqlite3_column_int64(s, 2), "failures",
							     (json_int_t)sqlite3_column_int64(s, 3), "oks", (json_int_t)oks,
							     "mean_ms", oks ? sqlite3_column_double(s, 5) / (double)oks : 0.0));
		}
	}
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return out;
}
