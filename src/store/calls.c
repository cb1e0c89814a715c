/*
 * calls.c - the gateway's call log and cache: llm_calls (one row per cache
 * key) and llm_hits (one row per reply served from the cache), plus the
 * spend totals and the grouped report `benchagent cost` prints.
 *
 * Only rows with status 'ok' and mock = 0 are ever served: a mock or
 * dry-run reply must never stand in for a real model's answer.
 *
 * The gateway's loop thread calls get/put/hit for every request, so their
 * statements are prepared once per thread and connection and kept
 * (persistent statements); ba_store_thread_release() drops them.
 */
#include "store_internal.h"
#include "benchagent/alloc.h"

#include <stdlib.h>
#include <string.h>

enum { ST_GET, ST_PUT, ST_HIT, ST_REQ, ST_N };
static __thread void *stmt_db;
static __thread ba_sql *stmts[ST_N];

void ba_store_thread_release(void)
{
	int i;

	for (i = 0; i < ST_N; i++) {
		ba_sql_finalize(stmts[i]);
		stmts[i] = NULL;
	}
	stmt_db = NULL;
}

/* Borrowed, reset statement, or NULL; call with the store lock held. */
static ba_sql *stmt(ba_store *st, int which, const char *sql)
{
	if (stmt_db != st->conn) {
		ba_store_thread_release();
		stmt_db = st->conn;
	}
	if (!stmts[which] && ba_sql_prepare_persistent(st, sql, &stmts[which]) != 0) {
		stmts[which] = NULL;
		return NULL;
	}
	ba_sql_reset(stmts[which]);
	return stmts[which];
}

int ba_call_get(ba_store *st, const char *key, ba_call_row *out)
{
	ba_sql *s;
	int rc = BA_ENOTFOUND;

	memset(out, 0, sizeof(*out));
	if (!st)
		return BA_ENOTFOUND;
	ba_store_lock(st);
	if (!(s = stmt(st, ST_GET, "SELECT response, prompt_tokens, completion_tokens, cost, provider, model "
				  "FROM llm_calls WHERE key = ?1 AND status = 'ok' AND mock = 0")))
		goto out;
	ba_sql_text(s, 1, key);
	if (ba_sql_step(s) == BA_SQL_ROW && ba_sql_col_text(s, 0)) {
		out->response = ba_strdup(ba_sql_col_text(s, 0));
		out->prompt_tokens = ba_sql_col_int(s, 1);
		out->completion_tokens = ba_sql_col_int(s, 2);
		out->cost_usd = ba_sql_col_real(s, 3);
		out->provider = ba_strdup(ba_sql_col_text(s, 4));
		out->model = ba_strdup(ba_sql_col_text(s, 5));
		out->status = "ok";
		rc = 0;
	}
	ba_sql_reset(s);
out:
	ba_store_unlock(st);
	return rc;
}

int ba_call_request(ba_store *st, const char *key, char **request)
{
	ba_sql *s;
	int rc = BA_ENOTFOUND;

	*request = NULL;
	if (!st || !key)
		return BA_ENOTFOUND;
	ba_store_lock(st);
	if ((s = stmt(st, ST_REQ, "SELECT request FROM llm_calls WHERE key = ?1")) != NULL) {
		ba_sql_text(s, 1, key);
		if (ba_sql_step(s) == BA_SQL_ROW && ba_sql_col_text(s, 0)) {
			*request = ba_strdup(ba_sql_col_text(s, 0));
			rc = 0;
		}
		ba_sql_reset(s);
	}
	ba_store_unlock(st);
	return rc;
}

void ba_call_row_clear(ba_call_row *r)
{
	free((char *)r->response);
	free((char *)r->provider);
	free((char *)r->model);
	memset(r, 0, sizeof(*r));
}

int ba_call_put(ba_store *st, const ba_call_row *r)
{
	ba_sql *s;
	int rc = 0;

	if (!st)
		return 0;
	ba_store_lock(st);
	/* an ok row is never replaced by a failure */
	if (!(s = stmt(st, ST_PUT,
		       "INSERT INTO llm_calls(key, run_id, role, provider, model, request, response, status,"
		       " prompt_tokens, completion_tokens, cost, latency_ms, mock, created)"
		       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"
		       " ON CONFLICT(key) DO UPDATE SET run_id=excluded.run_id, role=excluded.role,"
		       " provider=excluded.provider, response=excluded.response, status=excluded.status,"
		       " prompt_tokens=llm_calls.prompt_tokens+excluded.prompt_tokens,"
		       " completion_tokens=llm_calls.completion_tokens+excluded.completion_tokens,"
		       " cost=llm_calls.cost+excluded.cost, latency_ms=excluded.latency_ms,"
		       " mock=excluded.mock, created=excluded.created"
		       " WHERE llm_calls.status != 'ok' OR excluded.status = 'ok'"))) {
		rc = BA_EIO;
		goto out;
	}
	ba_sql_textn(s, 1, r->key, 64);
	if (r->run_id)
		ba_sql_int(s, 2, r->run_id);
	ba_sql_text(s, 3, r->role ? r->role : "default");
	ba_sql_text(s, 4, r->provider ? r->provider : "");
	ba_sql_text(s, 5, r->model ? r->model : "");
	ba_sql_text(s, 6, r->request ? r->request : "{}");
	if (r->response)
		ba_sql_text(s, 7, r->response);
	ba_sql_text(s, 8, r->status);
	ba_sql_int(s, 9, r->prompt_tokens);
	ba_sql_int(s, 10, r->completion_tokens);
	ba_sql_real(s, 11, r->cost_usd);
	ba_sql_real(s, 12, r->latency_ms);
	ba_sql_int(s, 13, r->mock);
	ba_sql_real(s, 14, ba_now());
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = BA_EIO;
	ba_sql_reset(s);
out:
	ba_store_unlock(st);
	return rc;
}

void ba_call_hit(ba_store *st, const char *key, int64_t run_id, const char *role, const char *model,
		 double saved_usd)
{
	ba_sql *s;

	if (!st)
		return;
	ba_store_lock(st);
	if ((s = stmt(st, ST_HIT, "INSERT INTO llm_hits(key, run_id, role, model, saved_usd, created)"
				 " VALUES(?1,?2,?3,?4,?5,?6)"))) {
		ba_sql_textn(s, 1, key, 64);
		if (run_id)
			ba_sql_int(s, 2, run_id);
		ba_sql_text(s, 3, role ? role : "default");
		ba_sql_text(s, 4, model ? model : "");
		ba_sql_real(s, 5, saved_usd);
		ba_sql_real(s, 6, ba_now());
		ba_sql_step(s);
		ba_sql_reset(s);
		}
	ba_store_unlock(st);
}

static double sum_query(ba_store *st, const char *sql, int64_t run_id)
{
	ba_sql *s = NULL;
	double v = 0;

	if (!st)
		return 0;
	ba_store_lock(st);
	if (ba_sql_prepare(st, sql, &s) == 0) {
		if (run_id)
			ba_sql_int(s, 1, run_id);
		if (ba_sql_step(s) == BA_SQL_ROW)
			v = ba_sql_col_real(s, 0);
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return v;
}

int ba_call_cached(ba_store *st, const char *key)
{
	ba_sql *s = NULL;
	int hit = 0;

	if (!st)
		return 0;
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT 1 FROM llm_calls WHERE key = ?1 AND status = 'ok' AND mock = 0", &s) == 0) {
		ba_sql_text(s, 1, key);
		hit = ba_sql_step(s) == BA_SQL_ROW;
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return hit;
}

double ba_call_spent_usd(ba_store *st, int64_t run_id)
{
	return sum_query(st, run_id ? "SELECT COALESCE(SUM(cost),0) FROM llm_calls WHERE mock = 0 AND run_id = ?1"
				    : "SELECT COALESCE(SUM(cost),0) FROM llm_calls WHERE mock = 0", run_id);
}

long long ba_call_spent_tokens(ba_store *st, int64_t run_id)
{
	return (long long)sum_query(st, run_id ? "SELECT COALESCE(SUM(prompt_tokens+completion_tokens),0) FROM llm_calls WHERE mock = 0 AND run_id = ?1"
					       : "SELECT COALESCE(SUM(prompt_tokens+completion_tokens),0) FROM llm_calls WHERE mock = 0", run_id);
}

/* ---- the cost report ---- */

/* Run one grouped query into a JSON array of objects (column names as keys). */
static json_t *query(ba_store *st, const char *sql, int64_t run)
{
	ba_sql *s = NULL;
	json_t *arr = json_array();
	int i, n;

	ba_store_lock(st);
	if (ba_sql_prepare(st, sql, &s) != 0)
		goto out;
	if (run)
		ba_sql_int(s, 1, run);
	while (ba_sql_step(s) == BA_SQL_ROW) {
		json_t *o = json_object();
		n = ba_sql_col_count(s); /* known once the statement ran (PostgreSQL) */
		for (i = 0; i < n; i++) {
			const char *name = ba_sql_col_name(s, i);
			switch (ba_sql_col_type(s, i)) {
			case BA_SQL_INT:
				json_object_set_new(o, name, json_integer(ba_sql_col_int(s, i)));
				break;
			case BA_SQL_FLOAT:
				json_object_set_new(o, name, json_real(ba_sql_col_real(s, i)));
				break;
			case BA_SQL_NULL:
				json_object_set_new(o, name, json_null());
				break;
			default:
				json_object_set_new(o, name, json_string(ba_sql_col_text(s, i)));
			}
		}
		json_array_append_new(arr, o);
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return arr;
}

/* group is one of the fixed column lists below, never outside input */
static char *sql_for(const char *group, const char *table, int64_t run)
{
	const char *where_run = run ? " AND run_id = ?1" : "";

	if (!strcmp(table, "calls"))
		return ba_asprintf("SELECT %s, COUNT(*) AS calls, SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok, SUM(CASE WHEN status != 'ok' THEN 1 ELSE 0 END) AS failed,"
				   " SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,"
				   " ROUND(CAST(SUM(cost) AS NUMERIC), 6) AS cost_usd FROM llm_calls WHERE mock = 0%s GROUP BY %s ORDER BY %s",
				   group, where_run, group, group);
	if (strstr(group, "provider"))
		group = "model"; /* hits are recorded per model */
	return ba_asprintf("SELECT %s, COUNT(*) AS hits, ROUND(CAST(SUM(saved_usd) AS NUMERIC), 6) AS saved_usd FROM llm_hits"
			   " WHERE 1 = 1%s GROUP BY %s ORDER BY %s", group, where_run, group, group);
}

static json_t *section(ba_store *st, const char *group, int64_t run)
{
	char *a = sql_for(group, "calls", run), *b = sql_for(group, "hits", run);
	json_t *o = json_pack("{s:o, s:o}", "spend", query(st, a, run), "cache", query(st, b, run));
	free(a);
	free(b);
	return o;
}

json_t *ba_call_cost_report(ba_store *st, int64_t run)
{
	json_t *out, *tot, *hits, *mock;
	char *sql;

	sql = ba_asprintf("SELECT COUNT(*) AS calls, COALESCE(SUM(CASE WHEN status != 'ok' THEN 1 ELSE 0 END), 0) AS failed,"
			  " COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens, COALESCE(SUM(completion_tokens), 0) AS completion_tokens,"
			  " ROUND(CAST(COALESCE(SUM(cost), 0) AS NUMERIC), 6) AS cost_usd FROM llm_calls WHERE mock = 0%s",
			  run ? " AND run_id = ?1" : "");
	tot = query(st, sql, run);
	free(sql);
	sql = ba_asprintf("SELECT COUNT(*) AS hits, ROUND(CAST(COALESCE(SUM(saved_usd), 0) AS NUMERIC), 6) AS saved_usd FROM llm_hits WHERE 1 = 1%s",
			  run ? " AND run_id = ?1" : "");
	hits = query(st, sql, run);
	free(sql);
	sql = ba_asprintf("SELECT COUNT(*) AS mock_calls FROM llm_calls WHERE mock != 0%s", run ? " AND run_id = ?1" : "");
	mock = query(st, sql, run);
	free(sql);
	out = json_pack("{s:O, s:O, s:I, s:o, s:o, s:o}", "total", json_array_get(tot, 0), "cache",
			json_array_get(hits, 0), "mock_calls",
			json_integer_value(json_object_get(json_array_get(mock, 0), "mock_calls")),
			"by_run", section(st, "run_id", run), "by_role", section(st, "role", run),
			"by_model", section(st, "provider, model", run));
	if (run)
		json_object_set_new(out, "run", json_integer(run));
	json_decref(tot);
	json_decref(hits);
	json_decref(mock);
	return out;
}
