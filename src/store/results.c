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

static void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int ba_result_put_many(ba_store *st, const ba_result_row *rows, size_t n, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	size_t k;
	int rc;
	double now = ba_now();

	ba_store_lock(st);
	if ((rc = ba_store_begin(st, err)) != 0)
		goto unlock;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT OR REPLACE INTO eval_results(bench, model, item, epoch, request_hash,"
			       " response, extracted, score, judge, error, call_key, updated)"
			       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "eval: saving results");
		ba_store_rollback(st);
		goto unlock;
	}
	for (k = 0; k < n; k++) {
		const ba_result_row *r = &rows[k];
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, r->bench, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, r->model, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, r->item, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 4, r->epoch);
		sqlite3_bind_text(s, 5, r->request_hash, -1, SQLITE_STATIC);
		bind_opt_text(s, 6, r->response);
		bind_opt_text(s, 7, r->extracted);
		if (!isnan(r->score))
			sqlite3_bind_double(s, 8, r->score);
		else
			sqlite3_bind_null(s, 8);
		bind_opt_text(s, 9, r->judge);
		bind_opt_text(s, 10, r->error);
		bind_opt_text(s, 11, r->call_key);
		sqlite3_bind_double(s, 12, now);
		if (sqlite3_step(s) != SQLITE_DONE) {
			rc = ba_store_fail(st, err, "eval: saving results");
			break;
		}
	}
	sqlite3_finalize(s);
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
	sqlite3_stmt *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT model, item, epoch, request_hash FROM eval_results "
			       "WHERE bench = ? AND error IS NULL AND response IS NOT NULL",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "eval: reading stored results");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (fn(ud, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
		       sqlite3_column_int(s, 2), (const char *)sqlite3_column_text(s, 3)))
			break;
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_get_answer(ba_store *st, const char *bench, const char *model, const char *item, int epoch,
			 char **response, char **judge)
{
	sqlite3_stmt *s = NULL;
	int rc = BA_ENOTFOUND;

	*response = NULL;
	if (judge)
		*judge = NULL;
	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT response, judge FROM eval_results WHERE bench = ? AND model = ? AND "
			       "item = ? AND epoch = ? AND error IS NULL AND response IS NOT NULL",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, bench, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, model, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 3, item, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(s, 4, epoch);
		if (sqlite3_step(s) == SQLITE_ROW) {
			const char *jt = (const char *)sqlite3_column_text(s, 1);
			*response = ba_strdup((const char *)sqlite3_column_text(s, 0));
			if (judge && jt)
				*judge = ba_strdup(jt);
			rc = 0;
		}
	}
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_models(ba_store *st, const char *bench, json_t *models, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT model, MIN(rowid) AS r FROM eval_results WHERE bench = ? AND "
			       "score IS NOT NULL AND error IS NULL GROUP BY model ORDER BY r",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "eval: reading results");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(models, json_string((const char *)sqlite3_column_text(s, 0)));
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_foreach_score(ba_store *st, const char *bench, int epochs, ba_result_score_fn fn, void *ud,
			    ba_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT model, item, score FROM eval_results WHERE bench = ? AND "
			       "score IS NOT NULL AND error IS NULL AND (?2 <= 0 OR epoch < ?2)",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "eval: reading results");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, epochs);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (fn(ud, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
		       sqlite3_column_double(s, 2)))
			break;
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_foreach_row(ba_store *st, const char *bench, int with_request, const char *items_json,
			  ba_result_row_fn fn, void *ud, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       with_request ?
			       "SELECT r.model, r.item, r.epoch, r.request_hash, r.response, r.extracted, r.score,"
			       " r.judge, r.error, r.call_key, c.request FROM eval_results r"
			       " LEFT JOIN llm_calls c ON c.key = r.call_key WHERE r.bench = ?1"
			       " AND (?2 IS NULL OR r.item IN (SELECT value FROM json_each(?2)))"
			       " ORDER BY r.item, r.model, r.epoch" :
			       "SELECT model, item, epoch, request_hash, response, extracted, score, judge, error,"
			       " call_key, NULL FROM eval_results WHERE bench = ?1"
			       " AND (?2 IS NULL OR item IN (SELECT value FROM json_each(?2))) ORDER BY item, model, epoch",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "report: reading results");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_TRANSIENT);
	if (items_json)
		sqlite3_bind_text(s, 2, items_json, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW) {
		ba_result_row r;
		r.bench = bench;
		r.model = (const char *)sqlite3_column_text(s, 0);
		r.item = (const char *)sqlite3_column_text(s, 1);
		r.epoch = sqlite3_column_int(s, 2);
		r.request_hash = (const char *)sqlite3_column_text(s, 3);
		r.response = (const char *)sqlite3_column_text(s, 4);
		r.extracted = (const char *)sqlite3_column_text(s, 5);
		r.score = sqlite3_column_type(s, 6) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 6);
		r.judge = (const char *)sqlite3_column_text(s, 7);
		r.error = (const char *)sqlite3_column_text(s, 8);
		r.call_key = (const char *)sqlite3_column_text(s, 9);
		if (fn(ud, &r, (const char *)sqlite3_column_text(s, 10)))
			break;
	}
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_result_fingerprint(ba_store *st, const char *bench, char hex[65], int *epochs)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;

	hex[0] = 0;
	if (epochs)
		*epochs = 0;
	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT COUNT(*), COALESCE(MAX(updated), 0), COALESCE(TOTAL(score), 0), COALESCE(MAX(epoch), -1),"
			       " COUNT(error) FROM eval_results WHERE bench = ?",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = BA_EIO;
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		char txt[160];
		snprintf(txt, sizeof(txt), "%lld|%.6f|%.9g|%d|%lld", (long long)sqlite3_column_int64(s, 0),
			 sqlite3_column_double(s, 1), sqlite3_column_double(s, 2), sqlite3_column_int(s, 3),
			 (long long)sqlite3_column_int64(s, 4));
		ba_sha256_hex(txt, strlen(txt), hex);
		if (epochs)
			*epochs = sqlite3_column_int(s, 3) + 1;
	} else {
		rc = BA_EIO;
	}
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}
