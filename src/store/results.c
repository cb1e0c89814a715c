/*
 * results.c - the eval_results table: one row per (benchmark, model,
 * item, epoch) with the response, extracted answer, score, judge verdict
 * and error of that call. Written by eval in batches, read by reruns,
 * reports, pairwise judging and refresh.
 */
#include "store_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/sha256.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bind_opt_text(ba_sql *s, int i, const char *v)
{
	if (v)
		ba_sql_text(s, i, v);
	else
		ba_sql_null(s, i);
}

int ba_result_put_many(ba_store *st, const ba_result_row *rows, size_t n, ba_error *err)
{
	ba_sql *s = NULL;
	size_t k;
	int rc;
	double now = ba_now();

	ba_store_lock(st);
	if ((rc = ba_store_begin(st, err)) != 0)
		goto unlock;
	if (ba_sql_prepare(st, "INSERT INTO eval_results(bench, model, item, epoch, request_hash,"
			       " response, extracted, score, judge, error, call_key, updated)"
			       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(bench, model, item, epoch) DO UPDATE SET"
			       " request_hash = excluded.request_hash, response = excluded.response,"
			       " extracted = excluded.extracted, score = excluded.score, judge = excluded.judge,"
			       " error = excluded.error, call_key = excluded.call_key, updated = excluded.updated", &s) != 0) {
		rc = ba_store_fail(st, err, "eval: saving results");
		ba_store_rollback(st);
		goto unlock;
	}
	for (k = 0; k < n; k++) {
		const ba_result_row *r = &rows[k];
		ba_sql_reset(s);
		ba_sql_text(s, 1, r->bench);
		ba_sql_text(s, 2, r->model);
		ba_sql_text(s, 3, r->item);
		ba_sql_int(s, 4, r->epoch);
		ba_sql_text(s, 5, r->request_hash);
		bind_opt_text(s, 6, r->response);
		bind_opt_text(s, 7, r->extracted);
		if (!isnan(r->score))
			ba_sql_real(s, 8, r->score);
		else
			ba_sql_null(s, 8);
		bind_opt_text(s, 9, r->judge);
		bind_opt_text(s, 10, r->error);
		bind_opt_text(s, 11, r->call_key);
		ba_sql_real(s, 12, now);
		if (ba_sql_step(s) != BA_SQL_DONE) {
			rc = ba_store_fail(st, err, "eval: saving results");
			break;
		}
	}
	ba_sql_finalize(s);
	if (rc == 0)
		rc = ba_store_commit(st, err);
	else
		ba_store_rollback(st);
unlock:
	ba_store_unlock(st);
	return rc;
}

int ba_result_foreach_answered(ba_store *st, const char *bench, ba_result_answered_fn fn, void *ud,
			       ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT model, item, epoch, request_hash FROM eval_results "
			       "WHERE bench = ? AND error IS NULL AND response IS NOT NULL", &s) != 0) {
		rc = ba_store_fail(st, err, "eval: reading stored results");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	while (ba_sql_step(s) == BA_SQL_ROW)
		if (fn(ud, ba_sql_col_text(s, 0), ba_sql_col_text(s, 1),
		       ba_sql_col_int(s, 2), ba_sql_col_text(s, 3)))
			break;
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_get_answer(ba_store *st, const char *bench, const char *model, const char *item, int epoch,
			 char **response, char **judge)
{
	ba_sql *s = NULL;
	int rc = BA_ENOTFOUND;

	*response = NULL;
	if (judge)
		*judge = NULL;
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT response, judge FROM eval_results WHERE bench = ? AND model = ? AND "
			       "item = ? AND epoch = ? AND error IS NULL AND response IS NOT NULL", &s) == 0) {
		ba_sql_text(s, 1, bench);
		ba_sql_text(s, 2, model);
		ba_sql_text(s, 3, item);
		ba_sql_int(s, 4, epoch);
		if (ba_sql_step(s) == BA_SQL_ROW) {
			const char *jt = ba_sql_col_text(s, 1);
			*response = ba_strdup(ba_sql_col_text(s, 0));
			if (judge && jt)
				*judge = ba_strdup(jt);
			rc = 0;
		}
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_models(ba_store *st, const char *bench, json_t *models, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT model, MIN(rowid) AS r FROM eval_results WHERE bench = ? AND "
			       "score IS NOT NULL AND error IS NULL GROUP BY model ORDER BY r", &s) != 0) {
		rc = ba_store_fail(st, err, "eval: reading results");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	while (ba_sql_step(s) == BA_SQL_ROW)
		json_array_append_new(models, json_string(ba_sql_col_text(s, 0)));
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_foreach_score(ba_store *st, const char *bench, int epochs, ba_result_score_fn fn, void *ud,
			    ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT model, item, score FROM eval_results WHERE bench = ? AND "
			       "score IS NOT NULL AND error IS NULL AND (?2 <= 0 OR epoch < ?2)", &s) != 0) {
		rc = ba_store_fail(st, err, "eval: reading results");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	ba_sql_int(s, 2, epochs);
	while (ba_sql_step(s) == BA_SQL_ROW)
		if (fn(ud, ba_sql_col_text(s, 0), ba_sql_col_text(s, 1),
		       ba_sql_col_real(s, 2)))
			break;
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_foreach_row(ba_store *st, const char *bench, int with_request, const char *items_json,
			  ba_result_row_fn fn, void *ud, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;
	/* the ids of a JSON array, per dialect */
	const char *ids = ba_store_is_pg(st) ? "SELECT json_array_elements_text(CAST(?2 AS json))"
					     : "SELECT value FROM json_each(?2)";
	char *sql = with_request ?
		ba_asprintf("SELECT r.model, r.item, r.epoch, r.request_hash, r.response, r.extracted, r.score,"
			    " r.judge, r.error, r.call_key, c.request FROM eval_results r"
			    " LEFT JOIN llm_calls c ON c.key = r.call_key WHERE r.bench = ?1"
			    " AND (CAST(?2 AS TEXT) IS NULL OR r.item IN (%s))"
			    " ORDER BY r.item, r.model, r.epoch", ids) :
		ba_asprintf("SELECT model, item, epoch, request_hash, response, extracted, score, judge, error,"
			    " call_key, NULL FROM eval_results WHERE bench = ?1"
			    " AND (CAST(?2 AS TEXT) IS NULL OR item IN (%s)) ORDER BY item, model, epoch", ids);

	ba_store_lock(st);
	rc = ba_sql_prepare(st, sql, &s);
	free(sql);
	if (rc != 0) {
		rc = ba_store_fail(st, err, "report: reading results");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	if (items_json)
		ba_sql_text(s, 2, items_json);
	while (ba_sql_step(s) == BA_SQL_ROW) {
		ba_result_row r;
		r.bench = bench;
		r.model = ba_sql_col_text(s, 0);
		r.item = ba_sql_col_text(s, 1);
		r.epoch = ba_sql_col_int(s, 2);
		r.request_hash = ba_sql_col_text(s, 3);
		r.response = ba_sql_col_text(s, 4);
		r.extracted = ba_sql_col_text(s, 5);
		r.score = ba_sql_col_type(s, 6) == BA_SQL_NULL ? NAN : ba_sql_col_real(s, 6);
		r.judge = ba_sql_col_text(s, 7);
		r.error = ba_sql_col_text(s, 8);
		r.call_key = ba_sql_col_text(s, 9);
		if (fn(ud, &r, ba_sql_col_text(s, 10)))
			break;
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_foreach_item(ba_store *st, const char *bench, const char *const *items, size_t n, int with_request,
			   ba_result_row_fn fn, void *ud, ba_error *err)
{
	ba_sql *s = NULL;
	size_t i;
	int rc = 0, stop = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st,
			   with_request ?
			   "SELECT r.model, r.item, r.epoch, r.request_hash, r.response, r.extracted, r.score,"
			   " r.judge, r.error, r.call_key, c.request FROM eval_results r"
			   " LEFT JOIN llm_calls c ON c.key = r.call_key WHERE r.bench = ?1 AND r.item = ?2"
			   " ORDER BY r.model, r.epoch" :
			   "SELECT model, item, epoch, request_hash, response, extracted, score, judge, error,"
			   " call_key, NULL FROM eval_results WHERE bench = ?1 AND item = ?2 ORDER BY model, epoch",
			   &s) != 0) {
		rc = ba_store_fail(st, err, "report: reading results");
		goto out;
	}
	for (i = 0; i < n && !stop; i++) {
		ba_sql_reset(s);
		ba_sql_text(s, 1, bench);
		ba_sql_text(s, 2, items[i]);
		while (!stop && ba_sql_step(s) == BA_SQL_ROW) {
			ba_result_row r;
			r.bench = bench;
			r.model = ba_sql_col_text(s, 0);
			r.item = ba_sql_col_text(s, 1);
			r.epoch = (int)ba_sql_col_int(s, 2);
			r.request_hash = ba_sql_col_text(s, 3);
			r.response = ba_sql_col_text(s, 4);
			r.extracted = ba_sql_col_text(s, 5);
			r.score = ba_sql_col_type(s, 6) == BA_SQL_NULL ? NAN : ba_sql_col_real(s, 6);
			r.judge = ba_sql_col_text(s, 7);
			r.error = ba_sql_col_text(s, 8);
			r.call_key = ba_sql_col_text(s, 9);
			stop = fn(ud, &r, ba_sql_col_text(s, 10));
		}
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_fingerprint(ba_store *st, const char *bench, char hex[65], int *epochs)
{
	ba_sql *s = NULL;
	int rc = 0;

	hex[0] = 0;
	if (epochs)
		*epochs = 0;
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT COUNT(*), COALESCE(MAX(updated), 0), COALESCE(SUM(score), 0.0), COALESCE(MAX(epoch), -1),"
			       " COUNT(error) FROM eval_results WHERE bench = ?", &s) != 0) {
		rc = BA_EIO;
		goto out;
	}
	ba_sql_text(s, 1, bench);
	if (ba_sql_step(s) == BA_SQL_ROW) {
		char txt[160];
		snprintf(txt, sizeof(txt), "%lld|%.6f|%.9g|%d|%lld", (long long)ba_sql_col_int(s, 0),
			 ba_sql_col_real(s, 1), ba_sql_col_real(s, 2), (int)ba_sql_col_int(s, 3),
			 (long long)ba_sql_col_int(s, 4));
		ba_sha256_hex(txt, strlen(txt), hex);
		if (epochs)
			*epochs = (int)ba_sql_col_int(s, 3) + 1;
	} else {
		rc = BA_EIO;
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}
