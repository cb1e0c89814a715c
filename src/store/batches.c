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
	ba_sql *b = NULL, *k = NULL;
	double now = ba_now();
	size_t i;
	int rc;

	ba_store_lock(st);
	if ((rc = ba_store_begin(st, err)) != 0)
		goto out;
	if (ba_sql_prepare(st, "INSERT INTO llm_batches(id, provider, protocol, status, requests,"
			       " created, updated) VALUES(?1, ?2, ?3, 'submitted', ?4, ?5, ?5) ON CONFLICT(id) DO UPDATE SET"
			       " provider = excluded.provider, protocol = excluded.protocol, status = excluded.status,"
			       " requests = excluded.requests, created = excluded.created, updated = excluded.updated", &b) ||
	    ba_sql_prepare(st, "INSERT INTO llm_batch_keys(batch_id, custom_id, key) VALUES(?1, ?2, ?3)"
			       " ON CONFLICT(batch_id, custom_id) DO UPDATE SET key = excluded.key", &k)) {
		rc = ba_store_fail(st, err, "recording a batch");
		ba_store_rollback(st);
		goto out;
	}
	ba_sql_text(b, 1, id);
	ba_sql_text(b, 2, provider);
	ba_sql_text(b, 3, protocol);
	ba_sql_int(b, 4, (int64_t)n);
	ba_sql_real(b, 5, now);
	rc = ba_sql_step(b) == BA_SQL_DONE ? 0 : ba_store_fail(st, err, "recording a batch");
	for (i = 0; rc == 0 && i < n; i++) {
		ba_sql_reset(k);
		ba_sql_text(k, 1, id);
		ba_sql_text(k, 2, custom_ids[i]);
		ba_sql_text(k, 3, keys[i]);
		if (ba_sql_step(k) != BA_SQL_DONE)
			rc = ba_store_fail(st, err, "recording a batch's requests");
	}
	if (rc)
		ba_store_rollback(st);
	else
		rc = ba_store_commit(st, err);
out:
	ba_sql_finalize(b);
	ba_sql_finalize(k);
	ba_store_unlock(st);
	return rc;
}

int ba_batch_set_status(ba_store *st, const char *id, const char *status)
{
	ba_sql *s = NULL;
	int rc = BA_EIO;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "UPDATE llm_batches SET status = ?2, updated = ?3 WHERE id = ?1", &s) == 0) {
		ba_sql_text(s, 1, id);
		ba_sql_text(s, 2, status);
		ba_sql_real(s, 3, ba_now());
		rc = ba_sql_step(s) == BA_SQL_DONE ? 0 : BA_EIO;
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_batch_find(ba_store *st, const char *provider, const char *key, char id[128], char custom_id[80])
{
	ba_sql *s = NULL;
	int rc = BA_ENOTFOUND;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT b.id, k.custom_id FROM llm_batch_keys k JOIN llm_batches b"
				       " ON b.id = k.batch_id WHERE k.key = ?1 AND b.provider = ?2"
				       " AND b.status NOT IN ('failed', 'cancelled')"
				       " ORDER BY b.created DESC, b.rowid DESC LIMIT 1", &s) == 0) {
		ba_sql_text(s, 1, key);
		ba_sql_text(s, 2, provider);
		if (ba_sql_step(s) == BA_SQL_ROW) {
			snprintf(id, 128, "%s", ba_sql_col_text(s, 0));
			snprintf(custom_id, 80, "%s", ba_sql_col_text(s, 1));
			rc = 0;
		}
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

long ba_batch_count(ba_store *st, const char *provider)
{
	ba_sql *s = NULL;
	long n = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, provider ? "SELECT count(*) FROM llm_batches WHERE provider = ?1"
						: "SELECT count(*) FROM llm_batches", &s) == 0) {
		if (provider)
			ba_sql_text(s, 1, provider);
		if (ba_sql_step(s) == BA_SQL_ROW)
			n = (long)ba_sql_col_int(s, 0);
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return n;
}

int ba_endpoint_stats_add(ba_store *st, const char *provider, const char *url, long requests,
			  long failures, long oks, double ok_ms)
{
	ba_sql *s = NULL;
	int rc = BA_EIO;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "INSERT INTO llm_endpoints(provider, url, requests, failures, oks, ok_ms, updated)"
				       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(provider, url) DO UPDATE SET"
				       " requests = llm_endpoints.requests + excluded.requests,"
				       " failures = llm_endpoints.failures + excluded.failures, oks = llm_endpoints.oks + excluded.oks,"
				       " ok_ms = llm_endpoints.ok_ms + excluded.ok_ms, updated = excluded.updated", &s) == 0) {
		ba_sql_text(s, 1, provider);
		ba_sql_text(s, 2, url);
		ba_sql_int(s, 3, requests);
		ba_sql_int(s, 4, failures);
		ba_sql_int(s, 5, oks);
		ba_sql_real(s, 6, ok_ms);
		ba_sql_real(s, 7, ba_now());
		rc = ba_sql_step(s) == BA_SQL_DONE ? 0 : BA_EIO;
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

json_t *ba_endpoint_stats(ba_store *st)
{
	ba_sql *s = NULL;
	json_t *out = json_array();

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT provider, url, requests, failures, oks, ok_ms FROM llm_endpoints"
				       " ORDER BY provider, url", &s) == 0) {
		while (ba_sql_step(s) == BA_SQL_ROW) {
			long long oks = ba_sql_col_int(s, 4);
			json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:I, s:I, s:f}", "provider",
							     ba_sql_col_text(s, 0), "url",
							     ba_sql_col_text(s, 1), "requests",
							     (json_int_t)ba_sql_col_int(s, 2), "failures",
							     (json_int_t)ba_sql_col_int(s, 3), "oks", (json_int_t)oks,
							     "mean_ms", oks ? ba_sql_col_real(s, 5) / (double)oks : 0.0));
		}
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return out;
}
