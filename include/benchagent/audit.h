/*
 * audit.h - LLM-judge audit of a built benchmark (docs/audit.md): every
 * item scored by every judge of a panel on the reference paper's six
 * criteria (0-100, each with a one-sentence rationale), combined into panel
 * means and majority verdicts, with inter-judge agreement (Krippendorff's
 * alpha, interval metric), a self-preference warning, position (criteria
 * order shuffled per judge and item) and length bias controls, agreement
 * with human review verdicts (confusion matrix, Cohen's kappa, the
 * threshold that best matches people), per-subtask means with 95%
 * intervals, the worst items, and pass/fail flags in the store that
 * refresh and build --audit use.
 *
 * Every judge call goes through the LLM gateway (cached, budgeted) and each
 * judgement is committed to the store as it arrives, so a rerun or a run
 * after a crash sends nothing already answered.
 */
#ifndef BA_AUDIT_H
#define BA_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "benchagent/error.h"
#include "benchagent/llm.h"
#include "benchagent/store.h"

#define BA_AUDIT_NCRIT 6
#define BA_AUDIT_FORMAT_VERSION 1

/* The six criteria keys, in their canonical order (borrowed, static). */
extern const char *const ba_audit_criteria[BA_AUDIT_NCRIT];
/* A one-line description of criterion i (what the judge is told). */
const char *ba_audit_criterion_text(int i);
/* The JSON schema a judge's reply must satisfy: an object with the six
 * keys, each {score: number 0..100, rationale: string of 1..400 chars}.
 * New reference. */
json_t *ba_audit_reply_schema(void);

typedef struct ba_audit_opts {
	const char *bench_dir;        /* out/<id>/ with items.jsonl */
	const char *const *judges;    /* "provider/model" specs */
	size_t njudges;
	double threshold;             /* an item passes when every criterion's panel mean >= this (default 60) */
	uint64_t seed;                /* criteria order per judge and item (default 1) */
	long limit;                   /* first N items only (0 = all) */
	int window;                   /* judge calls in flight at most (default 64) */
	int64_t run_id;
	int no_reuse;                 /* ask again even when a judgement is stored (--no-cache) */
	const json_t *families;       /* {model or spec: family} overrides, or NULL */
	int write;                    /* write <bench_dir>/audit.json and the store's report and flags */
} ba_audit_opts;

#define BA_AUDIT_OPTS_INIT { .threshold = 60, .seed = 1, .window = 64, .write = 1 }

/* Audit a benchmark folder: judge every item with every judge (stored
 * judgements for the same request are reused, failed ones asked again),
 * then summarise. *report (new reference) is the audit report described in
 * docs/audit.md. Fails when the folder cannot be read, a judge spec is
 * malformed, or no judgement at all could be obtained; individual failed
 * judgements are recorded in the report ("failures") and the store. */
int ba_audit_run(ba_gateway *gw, ba_store *st, const ba_audit_opts *opts, json_t **report,
		 ba_error *err);

/* The chat messages a judge gets for item (new array in *messages): one
 * user message whose text has the request, the subtask and the item as
 * JSON inside tagged data sections (<request>, <subtask>, <item_data>) in
 * which no '<' or '>' can occur, so item text cannot close a section or
 * pose as instructions; order[] (BA_AUDIT_NCRIT indices) is the order the
 * criteria are listed in. Images of the item are attached as image_url
 * parts (base64 data URLs); their paths must stay inside dir. */
int ba_audit_messages(const char *dir, const char *request, const json_t *subtask,
		      const json_t *item, const int *order, json_t **messages, ba_error *err);

/* Summarise judgements into the report (pure: no I/O). items: the items
 * audited; judges: array of specs; scores[(j * nitems + i) * NCRIT + c]
 * the score of judge j on item i and criterion c (NAN = missing);
 * rationales: {"<judge>\n<item>": reply object} (may be NULL); humans: the
 * review verdicts {item: {annotator: 1 accept | 0 reject}} or NULL; writers: the item
 * writer models (array of specs) or NULL. New reference. */
json_t *ba_audit_summarize(const json_t *items, const json_t *judges, const double *scores,
			   const json_t *rationales, const json_t *humans, const json_t *writers,
			   const ba_audit_opts *opts);

/* ---- statistics (exposed for tests) ---- */

/* Krippendorff's alpha with the interval metric for a reliability matrix
 * of ncoders x nunits values (x[c * nunits + u], NAN = missing). Units with
 * fewer than two values are dropped. NAN when undefined (no pairable
 * values or no disagreement expected). */
double ba_audit_kalpha_interval(const double *x, size_t ncoders, size_t nunits);
/* Cohen's kappa of a 2x2 confusion matrix m[a][b] (a: rater 1, b: rater 2;
 * index 1 = accept). NAN when undefined (expected agreement 1). */
double ba_audit_cohen_kappa(const long m[2][2]);
/* Mean of v[0..n) ignoring NAN, with a two-sided 95% Student t interval
 * (lo = hi = mean with one value). Returns the count used. */
size_t ba_audit_mean_ci(const double *v, size_t n, double *mean, double *lo, double *hi);
/* Spearman rank correlation of the pairs (x[i], y[i]) where both are not
 * NAN (average ranks for ties). NAN with fewer than 3 pairs or no spread. */
double ba_audit_spearman(const double *x, const double *y, size_t n);

/* The order the criteria are listed in for (judge, item): a seeded
 * shuffle of 0..NCRIT-1 into order[] (the position-bias control). */
void ba_audit_order(uint64_t seed, const char *judge, const char *item, int order[BA_AUDIT_NCRIT]);

/* A plain-text summary of a report (caller frees). */
char *ba_audit_format(const json_t *report);

/* Register the mock provider's "auditor" responder: a deterministic,
 * schema-valid judgement whose scores come from simple checks of the item
 * the prompt carries (empty answer, choice key out of range, missing
 * image), so a dry run and offline demo give sensible numbers. */
void ba_audit_register_mocks(void);

/* ---- the build gate (build --audit) ---- */

/* What the gate needs besides the item: the panel, the pass threshold,
 * the criteria-order seed, the user's request and the folder the item's
 * media paths are relative to. */
typedef struct ba_audit_gate_opts {
	const char *const *judges;    /* "provider/model" specs */
	size_t njudges;
	double threshold;             /* pass: every criterion's panel mean >= this */
	uint64_t seed;
	const char *request;          /* the user's request or NULL */
	const char *media_root;       /* item media paths are relative to this (NULL: no images) */
	int64_t run_id;
	int can_wait;                 /* the calls may batch: BA_EPENDING until a batch round
				       * answered every judge (then ask again) */
} ba_audit_gate_opts;

/* A short signature of the gate (judges, threshold, seed and the audit
 * prompts): a verdict recorded under another signature is stale. */
void ba_audit_gate_signature(const ba_audit_gate_opts *o, char out[17]);

/* Judge one item with every judge of the panel while a build runs (one
 * synchronous gateway call per judge: cached, budgeted, schema-validated
 * and re-asked like every audit call, so a rebuild sends nothing) and
 * decide it exactly as `benchagent audit` would: *verdict (new ref) is
 * {verdict "pass"|"fail", gate (the signature), threshold, score (the
 * lowest panel criterion mean), mean, criterion, judge, reason
 * ("<criterion> <score>: <rationale>", the check being "audit"), scores {criterion: panel
 * mean}, judges, mock}. Thread-safe (the gateway is). Fails (item not
 * decided) when a judge's reply could not be obtained or validated, with
 * the judge and item named; BA_EBUDGET when the budget stops it. */
int ba_audit_gate_item(ba_gateway *gw, const ba_audit_gate_opts *o, const json_t *subtask,
		       const json_t *item, json_t **verdict, ba_error *err);

#endif
