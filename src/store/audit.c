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
	ba_sql *s = NULL;
	char *txt = scores ? ba_json_canonical(scores) : NULL;
	int rc = 0;

	ba_store_lock(st);
	/* a failure never overwrites a success for the same request */
	if (ba_sql_prepare(st, "INSERT INTO audit_scores(bench, item, judge, request_hash, status, scores, error, updated, mock)"
			       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(bench, item, judge) DO UPDATE SET"
			       " request_hash=excluded.request_hash, status=excluded.status, scores=excluded.scores,"
			       " mock=excluded.mock,"
			       " error=excluded.error, updated=excluded.updated"
			       " WHERE excluded.status = 'ok' OR audit_scores.status != 'ok'"
			       " OR audit_scores.request_hash != excluded.request_hash", &s) != 0) {
		rc = ba_store_fail(st, err, "audit score put");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	ba_sql_text(s, 2, item);
	ba_sql_text(s, 3, judge);
	ba_sql_text(s, 4, request_hash);
	ba_sql_text(s, 5, scores ? "ok" : "failed");
	if (txt)
		ba_sql_text(s, 6, txt);
	else
		ba_sql_null(s, 6);
	ba_sql_text(s, 7, error ? error : "");
	ba_sql_real(s, 8, ba_now());
	ba_sql_int(s, 9, mock != 0);
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = ba_store_fail(st, err, "audit score put");
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	free(txt);
	return rc;
}

int ba_audit_score_get(ba_store *st, const char *bench, const char *item, const char *judge,
		       const char *request_hash, json_t **scores, int *mock, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = BA_ENOTFOUND;

	*scores = NULL;
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT scores, mock FROM audit_scores WHERE bench = ? AND item = ? AND judge = ?"
			       " AND request_hash = ? AND status = 'ok'", &s) != 0) {
		rc = ba_store_fail(st, err, "audit score get");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	ba_sql_text(s, 2, item);
	ba_sql_text(s, 3, judge);
	ba_sql_text(s, 4, request_hash);
	if (ba_sql_step(s) == BA_SQL_ROW && ba_sql_col_text(s, 0)) {
		const char *txt = ba_sql_col_text(s, 0);
		rc = ba_json_parse(scores, txt, strlen(txt), "stored audit scores", err);
		if (mock)
			*mock = ba_sql_col_int(s, 1);
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

static int flag_insert(ba_store *st, ba_sql *s, const char *bench, const json_t *f,
		       double threshold, const char *judges, ba_error *err)
{
	json_t *score = json_object_get(f, "score");

	ba_sql_reset(s);
	ba_sql_text(s, 1, bench);
	ba_sql_text(s, 2, ba_json_str(f, "item", ""));
	ba_sql_text(s, 3, ba_json_str(f, "verdict", "fail"));
	if (json_is_number(score))
		ba_sql_real(s, 4, json_number_value(score));
	else
		ba_sql_null(s, 4);
	ba_sql_text(s, 5, ba_json_str(f, "criterion", NULL));
	ba_sql_text(s, 6, ba_json_str(f, "reason", NULL));
	ba_sql_real(s, 7, threshold);
	ba_sql_text(s, 8, judges);
	ba_sql_real(s, 9, ba_now());
	if (ba_sql_step(s) != BA_SQL_DONE)
		return ba_store_fail(st, err, "audit flag put");
	return 0;
}

int ba_audit_flags_put(ba_store *st, const char *bench, const json_t *flags, double threshold,
		       const char *judges, ba_error *err)
{
	ba_sql *del = NULL, *ins = NULL;
	const json_t *f;
	size_t i;
	int rc;

	ba_store_lock(st);
	if ((rc = ba_store_begin(st, err)) != 0)
		goto out;
	if (ba_sql_prepare(st, "DELETE FROM audit_flags WHERE bench = ?", &del) != 0 ||
	    ba_sql_prepare(st, "INSERT INTO audit_flags(bench, item, verdict, score, criterion, reason, threshold,"
			       " judges, updated) VALUES(?,?,?,?,?,?,?,?,?)", &ins) != 0) {
		rc = ba_store_fail(st, err, "audit flags put");
		goto fail;
	}
	ba_sql_text(del, 1, bench);
	if (ba_sql_step(del) != BA_SQL_DONE) {
		rc = ba_store_fail(st, err, "audit flags put");
		goto fail;
	}
	json_array_foreach(flags, i, f)
		if ((rc = flag_insert(st, ins, bench, f, threshold, judges, err)) != 0)
			goto fail;
	ba_sql_finalize(del);
	ba_sql_finalize(ins);
	rc = ba_store_commit(st, err);
	goto out;
fail:
	ba_sql_finalize(del);
	ba_sql_finalize(ins);
	ba_store_rollback(st);
out:
	ba_store_unlock(st);
	return rc;
}

int ba_audit_flags_get(ba_store *st, const char *bench, json_t **flags, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	*flags = json_object();
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT item, verdict, score, criterion, reason, threshold, judges FROM audit_flags"
			       " WHERE bench = ? ORDER BY item", &s) != 0) {
		rc = ba_store_fail(st, err, "audit flags get");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	while (ba_sql_step(s) == BA_SQL_ROW) {
		json_t *o = json_pack("{s:s, s:s?, s:s?, s:f, s:s}", "verdict",
				      ba_sql_col_text(s, 1), "criterion",
				      ba_sql_col_text(s, 3), "reason",
				      ba_sql_col_text(s, 4), "threshold",
				      ba_sql_col_real(s, 5), "judges",
				      ba_sql_col_text(s, 6));
		json_object_set_new(o, "score", ba_sql_col_type(s, 2) == BA_SQL_NULL
							? json_null()
							: json_real(ba_sql_col_real(s, 2)));
		json_object_set_new(*flags, ba_sql_col_text(s, 0), o);
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_audit_report_put(ba_store *st, const char *bench, const json_t *report, ba_error *err)
{
	ba_sql *s = NULL;
	char *txt = ba_json_canonical(report);
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "INSERT INTO audit_reports(bench, report, updated) VALUES(?,?,?)"
			       " ON CONFLICT(bench) DO UPDATE SET report = excluded.report, updated = excluded.updated", &s) != 0) {
		rc = ba_store_fail(st, err, "audit report put");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	ba_sql_text(s, 2, txt);
	ba_sql_real(s, 3, ba_now());
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = ba_store_fail(st, err, "audit report put");
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	free(txt);
	return rc;
}

int ba_audit_report_get(ba_store *st, const char *bench, json_t **report, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = BA_ENOTFOUND;

	*report = NULL;
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT report FROM audit_reports WHERE bench = ?", &s) != 0) {
		rc = ba_store_fail(st, err, "audit report get");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	if (ba_sql_step(s) == BA_SQL_ROW) {
		const char *txt = ba_sql_col_text(s, 0);
		rc = ba_json_parse(report, txt, strlen(txt), "stored audit report", err);
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}
