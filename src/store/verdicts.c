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
	sqlite3_stmt *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       "INSERT OR REPLACE INTO reviews(bench, item, annotator, verdict, comment, updated) VALUES(?,?,?,?,?,?)",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "review put");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, annotator, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, comment ? comment : "", -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 6, ba_now());
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = ba_store_fail(st, err, "review put");
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_verdict_foreach(ba_store *st, const char *bench, const char *item, ba_verdict_fn fn, void *ud,
		       ba_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;

	ba_store_lock(st);
	if (sqlite3_prepare_v2(st->db,
			       item ? "SELECT item, annotator, verdict, comment FROM reviews WHERE bench = ?1 AND item = ?2"
				      " ORDER BY annotator"
				    : "SELECT item, annotator, verdict, comment FROM reviews WHERE bench = ?1"
				      " ORDER BY item, annotator",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = ba_store_fail(st, err, "reading reviews");
		goto out;
	}
	sqlite3_bind_text(s, 1, bench, -1, SQLITE_STATIC);
	if (item)
		sqlite3_bind_text(s, 2, item, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(s, 3);
		if (fn(ud, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
		       (const char *)sqlite3_column_text(s, 2), c ? c : ""))
			break;
	}
out:
	sqlite3_finalize(s);
	ba_store_unlock(st);
	return rc;
}
