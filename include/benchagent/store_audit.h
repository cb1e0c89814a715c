/*
 * store_audit.h - the store's typed functions for the audit (docs/audit.md):
 * judgements per (benchmark, item, judge), the panel's pass/fail flag per
 * item (read by refresh and build --audit), the last audit report per
 * benchmark (human review verdicts are read with ba_verdict_foreach).
 * Every function takes the store's lock; the SQL lives here only.
 */
#ifndef BA_STORE_AUDIT_H
#define BA_STORE_AUDIT_H

#include <jansson.h>

#include "benchagent/error.h"
#include "benchagent/store.h"

/* Record one judge's judgement of an item, answering the request whose
 * hash is request_hash: scores (the validated reply object; mock set when
 * the mock provider made it) when it succeeded, or error (one line) when it
 * failed; a failure never replaces a stored success for the same request. */
int ba_audit_score_put(ba_store *st, const char *bench, const char *item, const char *judge,
		       const char *request_hash, const json_t *scores, int mock, const char *error,
		       ba_error *err);
/* The stored successful judgement for exactly this request (new ref in
 * *scores, *mock whether the mock provider made it), or BA_ENOTFOUND when
 * there is none (never asked, failed, or asked with a different request:
 * another prompt, item or criteria order). */
int ba_audit_score_get(ba_store *st, const char *bench, const char *item, const char *judge,
		       const char *request_hash, json_t **scores, int *mock, ba_error *err);

/* Replace bench's flags with flags, an array of {item, verdict: "pass" |
 * "fail", score, criterion, reason}, all in one transaction. */
int ba_audit_flags_put(ba_store *st, const char *bench, const json_t *flags, double threshold,
		       const char *judges, ba_error *err);
/* bench's flags as {item: {verdict, score, criterion, reason, threshold,
 * judges}} (new ref; an empty object when the benchmark was never
 * audited). */
int ba_audit_flags_get(ba_store *st, const char *bench, json_t **flags, ba_error *err);

/* Keep the last audit report of bench (replacing the previous one). */
int ba_audit_report_put(ba_store *st, const char *bench, const json_t *report, ba_error *err);
/* The last audit report (new ref) or BA_ENOTFOUND. */
int ba_audit_report_get(ba_store *st, const char *bench, json_t **report, ba_error *err);

#endif
