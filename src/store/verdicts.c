/*
 * verdicts.c - the reviews table: one human verdict ("accept" | "reject")
 * per (benchmark, item, annotator), with an optional comment. The web
 * module validates input and computes agreement; this file only stores.
 */
#include "store_internal.h"

#include <string.h>

int ba_verdict_put(ba_store *st, const char *bench, const char *item, const char *annotator,
		   const char *verdict, const char *comment, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "INSERT INTO reviews(bench, item, annotator, verdict, comment, updated) VALUES(?,?,?,?,?,?)"
			       " ON CONFLICT(bench, item, annotator) DO UPDATE SET verdict = excluded.verdict,"
			       " comment = excluded.comment, updated = excluded.updated", &s) != 0) {
		rc = ba_store_fail(st, err, "review put");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	ba_sql_text(s, 2, item);
	ba_sql_text(s, 3, annotator);
	ba_sql_text(s, 4, verdict);
	ba_sql_text(s, 5, comment ? comment : "");
	ba_sql_real(s, 6, ba_now());
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = ba_store_fail(st, err, "review put");
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_verdict_foreach(ba_store *st, const char *bench, const char *item, ba_verdict_fn fn, void *ud,
		       ba_error *err)
{
	ba_sql *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, item ? "SELECT item, annotator, verdict, comment FROM reviews WHERE bench = ?1 AND item = ?2"
				      " ORDER BY annotator"
				    : "SELECT item, annotator, verdict, comment FROM reviews WHERE bench = ?1"
				      " ORDER BY item, annotator", &s) != 0) {
		rc = ba_store_fail(st, err, "reading reviews");
		goto out;
	}
	ba_sql_text(s, 1, bench);
	if (item)
		ba_sql_text(s, 2, item);
	while (ba_sql_step(s) == BA_SQL_ROW) {
		const char *c = ba_sql_col_text(s, 3);
		if (fn(ud, ba_sql_col_text(s, 0), ba_sql_col_text(s, 1),
		       ba_sql_col_text(s, 2), c ? c : ""))
			break;
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}
