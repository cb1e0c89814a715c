/*
 * audit.c - the audit's tables (migration 7): judgements, flags, reports,
 * the audit report per benchmark.
 */
#include "store_internal.h"
#include "benchagent/store_audit.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

int ba_audit_score_put(ba_store *st, const char *bench, const char *item, const char *judge,
		       const char *request_hash, const json_t *scores, int mock, const char *error,
		       ba_error *err)
{
	sqlite3_stmt *s = NULL;
	char *txt = scores ? ba_json_canonical(scores) : NULL;
	int rc = 0;

	ba_store_lock(st);
	/* a failure never overwrites a success for the same request */
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO audit_scores(bench, item, judge, request_hash, status, scores, error, updated, mock)"
			       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(bench, item, judge) DO UPDATE SET"
			       " request_hash=excluded.request_hash, status=excluded.status, scores=excluded.scores,"
			       " mock=excluded.mock,"
			       " error=excluded.error, updated=excluded.updated"
			       " WHERE excluded.status = 'ok' OR audit_scores.status != 'ok'"
			       " OR audit_scores.request_hash != excluded.request_hash",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "audit score put");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, judge, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, request_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, scores ? "ok" : "failed", -1, SQLITE_STATIC);
	if (txt)
		sqlite3_bind_text(s, 6, txt, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 6);
	sqlite3_bind_text(s, 7, error ? error : "", -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 8, ba_now());
	sqlite3_bind_int(s, 9, mock != 0);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = ba_store_fail(st, err, "audit score put");
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	free(txt);
	return rc;
}

int ba_audit_score_get(ba_store *st, const char *bench, const char *item, const char *judge,
		       const char *request_hash, json_t **scores, int *mock, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = BA_ENOTFOUND;

	*scores = NULL;
	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT scores, mock FROM audit_scores WHERE bench = ? AND item = ? AND judge = ?"
			       " AND request_hash = ? AND status = 'ok'",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "audit score get");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, judge, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, request_hash, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
		const char *txt = (const char *)sqlite3_column_text(s, 0);
		rc = ba_json_parse(scores, txt, strlen(txt), "stored audit scores", err);
		if (mock)
			*mock = sqlite3_column_int(s, 1);
	}
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

static int flag_insert(ba_store *st, sqlite3_stmt *s, const char *bench, const json_t *f,
		       double threshold, const char *judges, ba_error *err)
{
	json_t *score = json_object_get(f, "score");

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ba_json_str(f, "item", ""), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ba_json_str(f, "verdict", "fail"), -1, SQLITE_STATIC);
	if (json_is_number(score))
		sqlite3_bind_double(s, 4, json_number_value(score));
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, ba_json_str(f, "criterion", NULL), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, ba_json_str(f, "reason", NULL), -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 7, threshold);
	sqlite3_bind_text(s, 8, judges, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 9, ba_now());
	if (sqlite3_step(s) != SQLITE_DONE)
		return ba_store_fail(st, err, "audit flag put");
	return 0;
}

int ba_audit_flags_put(ba_store *st, const char *bench, const json_t *flags, double threshold,
		       const char *judges, ba_error *err)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	const json_t *f;
	size_t i;
	int rc;

	ba_store_lock(st);
	if ((rc = ba_store_begin(st, err)) != 0)
		goto out;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM audit_flags WHERE bench = ?", -1, &del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db,
			       "INSERT INTO audit_flags(bench, item, verdict, score, criterion, reason, threshold,"
			       " judges, updated) VALUES(?,?,?,?,?,?,?,?,?)",
			       -1, &ins, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "audit flags put");
		goto fail;
	}
	sqlite3_bind_text(del, 1, bench, -1, SQLITE_STATIC);
	if (sqlite3_step(del) != SQLITE_DONE) {
		rc = ba_store_fail(st, err, "audit flags put");
		goto fail;
	}
	json_array_foreach(flags, i, f)
		if ((rc = flag_insert(st, ins, bench, f, threshold, judges, err)) != 0)
			goto fail;
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	rc = ba_store_commit(st, err);
	goto out;
fail:
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	ba_store_rollback(st);
out:
	ba_store_unlock(st);
	return rc;
}

int ba_audit_flags_get(ba_store *st, const char *bench, json_t **flags, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;

	*flags = json_object();
	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT item, verdict, score, criterion, reason, threshold, judges FROM audit_flags"
			       " WHERE bench = ? ORDER BY item",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "audit flags get");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *o = json_pack("{s:s, s:s?, s:s?, s:f, s:s}", "verdict",
				      (const char *)sqlite3_column_text(s, 1), "criterion",
				      (const char *)sqlite3_column_text(s, 3), "reason",
				      (const char *)sqlite3_column_text(s, 4), "threshold",
				      sqlite3_column_double(s, 5), "judges",
				      (const char *)sqlite3_column_text(s, 6));
		json_object_set_new(o, "score", sqlite3_column_type(s, 2) == SQLITE_NULL
							? json_null()
							: json_real(sqlite3_column_double(s, 2)));
		json_object_set_new(*flags, (const char *)sqlite3_column_text(s, 0), o);
	}
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_audit_report_put(ba_store *st, const char *bench, const json_t *report, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	char *txt = ba_json_canonical(report);
	int rc = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO audit_reports(bench, report, updated) VALUES(?,?,?)",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "audit report put");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, txt, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 3, ba_now());
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = ba_store_fail(st, err, "audit report put");
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	free(txt);
	return rc;
}

int ba_audit_report_get(ba_store *st, const char *bench, json_t **report, ba_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = BA_ENOTFOUND;

	*report = NULL;
	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db, "SELECT report FROM audit_reports WHERE bench = ?", -1, &s, NULL) !=
	    SQLITE_OK) {
		rc = ba_store_fail(st, err, "audit report get");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *txt = (const char *)sqlite3_column_text(s, 0);
		rc = ba_json_parse(report, txt, strlen(txt), "stored audit report", err);
	}
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}
