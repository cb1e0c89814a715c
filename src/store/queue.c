/*
 * queue.c - the work queue several benchagent processes share: one row per
 * (run, stage, unit key) in work_queue, claimed with a lease. On
 * PostgreSQL the claim is one UPDATE of the first open row picked with
 * FOR UPDATE SKIP LOCKED, so workers never wait on each other's claims;
 * on SQLite the same statement runs under the database's write lock.
 *
 * A lease runs until lease_until; a worker renews its leases while it
 * works (ba_queue_renew), so a lease only runs out when its worker died,
 * and then the unit is open to the next claim. Completing checks the
 * lease is still the caller's, so a worker that lost its lease cannot
 * close a unit another worker now holds.
 */
#include "store_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

int ba_queue_enqueue(ba_store *st, int64_t run_id, const char *stage, const json_t *units, double since,
		     ba_error *err)
{
	ba_sql *s = NULL;
	const json_t *u;
	size_t i;
	int rc;

	if (json_array_size(units) == 0)
		return 0;
	if ((rc = ba_store_begin(st, err)) != 0)
		return rc;
	/* a unit done before `since` (an earlier invocation) is opened again;
	 * one done since then was done by a worker of this same build */
	if (ba_sql_prepare(st, "INSERT INTO work_queue(run_id, stage, key, unit, state, claims, updated)"
			       " VALUES(?1, ?2, ?3, ?4, 'open', 0, ?5) ON CONFLICT(run_id, stage, key) DO UPDATE SET"
			       " state = 'open', unit = excluded.unit, worker = NULL, lease_until = 0,"
			       " updated = excluded.updated WHERE work_queue.state = 'done' AND work_queue.updated < ?6",
			       &s) != 0) {
		rc = ba_store_fail(st, err, "queue: adding units");
		ba_store_rollback(st);
		return rc;
	}
	json_array_foreach(units, i, u) {
		char *txt = ba_json_canonical(u);
		ba_sql_reset(s);
		ba_sql_int(s, 1, run_id);
		ba_sql_text(s, 2, stage);
		ba_sql_text(s, 3, ba_json_str(u, "key", ""));
		ba_sql_text(s, 4, txt);
		ba_sql_real(s, 5, ba_now());
		ba_sql_real(s, 6, since);
		rc = ba_sql_step(s) == BA_SQL_DONE ? 0 : ba_store_fail(st, err, "queue: adding units");
		free(txt);
		if (rc)
			break;
	}
	ba_sql_finalize(s);
	if (rc) {
		ba_store_rollback(st);
		return rc;
	}
	return ba_store_commit(st, err);
}

/* One claim among open units (expired = 0) or among leases that ran out
 * (expired = 1): each an index range of (run, stage, state) in key order. */
static int claim(ba_store *st, int64_t run_id, const char *stage, const char *worker, double lease_s,
		 int expired, ba_queue_unit *out, ba_error *err)
{
	ba_sql *s = NULL;
	double now = ba_now();
	char *sql;
	int rc = BA_ENOTFOUND;

	sql = ba_asprintf("UPDATE work_queue SET state = 'leased', worker = ?1, lease_until = ?2,"
			  " claims = claims + 1, updated = ?3 WHERE run_id = ?4 AND stage = ?5 AND key ="
			  " (SELECT key FROM work_queue WHERE run_id = ?4 AND stage = ?5 AND %s"
			  " ORDER BY key LIMIT 1%s) RETURNING key, unit, claims",
			  expired ? "state = 'leased' AND lease_until < ?3" : "state = 'open'",
			  ba_store_is_pg(st) ? " FOR UPDATE SKIP LOCKED" : "");
	ba_store_lock(st);
	if (ba_sql_prepare(st, sql, &s) != 0) {
		rc = ba_store_fail(st, err, "queue: claiming a unit");
		goto out;
	}
	ba_sql_text(s, 1, worker);
	ba_sql_real(s, 2, now + lease_s);
	ba_sql_real(s, 3, now);
	ba_sql_int(s, 4, run_id);
	ba_sql_text(s, 5, stage);
	switch (ba_sql_step(s)) {
	case BA_SQL_ROW: {
		const char *txt = ba_sql_col_text(s, 1);
		out->key = ba_strdup(ba_sql_col_text(s, 0));
		out->attempts = (int)ba_sql_col_int(s, 2);
		rc = ba_json_parse(&out->unit, txt, strlen(txt), "queue unit", err);
		if (rc)
			ba_queue_unit_clear(out);
		break;
	}
	case BA_SQL_DONE:
		break;
	default:
		rc = ba_store_fail(st, err, "queue: claiming a unit");
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	free(sql);
	return rc;
}

int ba_queue_claim(ba_store *st, int64_t run_id, const char *stage, const char *worker, double lease_s,
		   ba_queue_unit *out, ba_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = claim(st, run_id, stage, worker, lease_s, 0, out, err);
	if (rc == BA_ENOTFOUND)
		rc = claim(st, run_id, stage, worker, lease_s, 1, out, err);
	return rc;
}

void ba_queue_unit_clear(ba_queue_unit *u)
{
	free(u->key);
	json_decref(u->unit);
	memset(u, 0, sizeof(*u));
}

long ba_queue_renew(ba_store *st, const char *worker, double lease_s)
{
	ba_sql *s = NULL;
	long n = -1;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "UPDATE work_queue SET lease_until = ?2 WHERE worker = ?1 AND state = 'leased'"
			       " RETURNING key", &s) == 0) {
		ba_sql_text(s, 1, worker);
		ba_sql_real(s, 2, ba_now() + lease_s);
		for (n = 0;; n++) {
			int r = ba_sql_step(s);
			if (r != BA_SQL_ROW) {
				if (r < 0)
					n = -1;
				break;
			}
		}
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return n;
}

int ba_queue_complete(ba_store *st, int64_t run_id, const char *stage, const char *key, const char *worker,
		      int done, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, done ? "UPDATE work_queue SET state = 'done', lease_until = 0, updated = ?5"
				      " WHERE run_id = ?1 AND stage = ?2 AND key = ?3 AND worker = ?4 AND state = 'leased'"
				    : "UPDATE work_queue SET state = 'open', lease_until = 0, updated = ?5"
				      " WHERE run_id = ?1 AND stage = ?2 AND key = ?3 AND worker = ?4 AND state = 'leased'",
			   &s) != 0) {
		rc = ba_store_fail(st, err, "queue: completing a unit");
		goto out;
	}
	ba_sql_int(s, 1, run_id);
	ba_sql_text(s, 2, stage);
	ba_sql_text(s, 3, key);
	ba_sql_text(s, 4, worker);
	ba_sql_real(s, 5, ba_now());
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = ba_store_fail(st, err, "queue: completing a unit");
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

long ba_queue_pending(ba_store *st, int64_t run_id, const char *stage)
{
	ba_sql *s = NULL;
	long n = -1;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT COUNT(*) FROM work_queue WHERE run_id = ?1 AND stage = ?2 AND state != 'done'",
			   &s) == 0) {
		ba_sql_int(s, 1, run_id);
		ba_sql_text(s, 2, stage);
		if (ba_sql_step(s) == BA_SQL_ROW)
			n = (long)ba_sql_col_int(s, 0);
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return n;
}

json_t *ba_queue_stats(ba_store *st, int64_t run_id, const char *stage)
{
	json_t *o = json_pack("{s:i, s:i, s:i, s:{}}", "units", 0, "done", 0, "claims", 0, "workers");
	ba_sql *s = NULL;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT worker, state, COUNT(*), COALESCE(SUM(claims), 0) FROM work_queue"
			       " WHERE run_id = ?1 AND stage = ?2 GROUP BY worker, state", &s) == 0) {
		ba_sql_int(s, 1, run_id);
		ba_sql_text(s, 2, stage);
		while (ba_sql_step(s) == BA_SQL_ROW) {
			const char *w = ba_sql_col_text(s, 0), *state = ba_sql_col_text(s, 1);
			json_int_t n = (json_int_t)ba_sql_col_int(s, 2), c = (json_int_t)ba_sql_col_int(s, 3);
			json_object_set_new(o, "units", json_integer(json_integer_value(json_object_get(o, "units")) + n));
			json_object_set_new(o, "claims", json_integer(json_integer_value(json_object_get(o, "claims")) + c));
			if (state && !strcmp(state, "done")) {
				json_object_set_new(o, "done", json_integer(json_integer_value(json_object_get(o, "done")) + n));
				json_object_set_new(json_object_get(o, "workers"), w ? w : "?", json_integer(n));
			}
		}
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return o;
}
