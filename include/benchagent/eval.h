/*
 * eval.h - evaluation of models on a built benchmark (docs/evaluation.md):
 * prompts per answer type (images attached as data URLs), answer
 * extraction, scorers (exact, normalised text, numeric tolerance, choice
 * letter or option text, the generator's own verify, an LLM judge), a
 * resumable runner over the gateway's async API that keeps every response
 * in the store, and the statistics report (stats.h) as JSON.
 *
 * Benchmark versions (refresh) live in <root>/versions/vN/, each a full
 * benchmark folder whose manifest.json says {version, previous, anchors}.
 */
#ifndef BA_EVAL_H
#define BA_EVAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "benchagent/error.h"
#include "benchagent/gen.h"
#include "benchagent/llm.h"
#include "benchagent/stats.h"
#include "benchagent/store.h"

/* ---- benchmark folders ---- */

/* Load <dir>/items.jsonl (at most limit items when limit > 0). Every item
 * needs a string id (unique), question and answer; a bad line fails with
 * "items.jsonl:LINE: ...". *items is a new array. */
int ba_eval_load_items(const char *dir, long limit, json_t **items, ba_error *err);
/* The key results are stored under: manifest "id" (or the folder name),
 * plus "@v<version>" for refreshed versions. Caller frees. */
char *ba_eval_bench_key(const char *dir);

/* ---- prompts, extraction, scoring ---- */

/* The chat messages for item (new array): one user message; text only, or
 * parts with the question text and one image_url part (base64 data URL)
 * per image in item.media, whose paths must be safe and relative to dir
 * (BA_EINVAL otherwise, naming the item). */
int ba_eval_messages(const char *dir, const json_t *item, json_t **messages, ba_error *err);

/* The answer in a model's reply (caller frees; never NULL): the last
 * "Answer: X" line, else the last \boxed{X}, else (choice) the last
 * standalone option letter, (numeric) the last number, (other) the last
 * non-empty line. For choice items option text maps to its letter. */
char *ba_eval_extract(const json_t *item, const char *response);

/* Lowercase, drop punctuation and the articles a/an/the, collapse spaces.
 * Caller frees. */
char *ba_eval_normalize(const char *s);
/* Parse a number as written in answers ("1,234.5", "$3", "50%", "3/4",
 * "\frac{3}{4}", "-2e3"). Returns 0 and *out, or BA_EINVAL. */
int ba_eval_parse_number(const char *s, double *out);

/* Score an extracted answer against item without a judge: generator items
 * (source.kind == "generator") through ba_gen_verify when reg is given,
 * then by answer type (choice letter / option text, numeric within
 * tolerance (item.tolerance, absolute, default 1e-6 relative), binary
 * yes/no/true/false, normalised text for the rest; open items fall back to
 * normalised text). *score in [0,1]. *how (optional, borrowed static)
 * names the scorer used. */
int ba_eval_score(ba_gen_registry *reg, const json_t *item, const char *extracted,
		  double *score, const char **how, ba_error *err);

/* The family of a model spec "provider/model": families[model] or
 * families[spec] when given, else the model name's leading letters
 * ("gpt-4o" -> "gpt", "llama-3-8b" -> "llama"). Caller frees. */
char *ba_eval_family(const char *spec, const json_t *families);

/* ---- running ---- */

typedef struct ba_eval_opts {
	const char *bench_dir;
	const char *const *models;   /* "provider/model" specs under test */
	size_t nmodels;
	int epochs;                  /* samples per item (default 1); epoch k uses sample_index k */
	long limit;                  /* first N items only (0 = all) */
	const char *judge;           /* "provider/model" judge for open items, or NULL */
	int pairwise;                /* judge the first two models head to head (both orders) */
	const json_t *sizes;         /* {model or spec: size in billions} or NULL */
	const json_t *families;      /* {model or spec: family} or NULL */
	ba_stats_opts stats;
	double plan_half_width;      /* planner target (default 0.02) */
	int window;                  /* calls in flight at most (default 256) */
	double temperature;          /* < 0: unset (default 0) */
	int max_tokens;              /* 0: unset */
	int64_t run_id;
	const ba_config *cfg;        /* optional: model and judge providers must exist in it */
	int no_reuse;                /* ask again even when a result is stored (--no-cache) */
	int queue;                   /* share the jobs with other processes through the store's
				      * work queue (execution.queue: a team store) */
	double lease_s;              /* a claimed unit's lease (execution.lease_s; 30 when 0) */
	int batch_api;               /* --batch-api: the whole evaluation is one provider batch, so a
				      * shared evaluation is one unit (one process runs it) */
} ba_eval_opts;

#define BA_EVAL_OPTS_INIT \
	{ .epochs = 1, .stats = BA_STATS_OPTS_INIT, .plan_half_width = 0.02, .window = 256, \
	  .temperature = 0 }

/* Run every model on every item and epoch, storing each response,
 * extracted answer and score in the store (table eval_results). Results
 * already stored for the same request are re-scored and not asked again,
 * so a rerun sends nothing new. Failed calls are stored with their error
 * and retried on the next run; they count as missing in the statistics.
 * reg (may be NULL) scores generator items. *report (new reference) is the
 * statistics report (see ba_eval_report) plus {benchmark, requests:
 * {submitted, reused, failed}, warnings}. Fails only when nothing can be
 * evaluated (bad benchmark, bad model spec); BA_EBUDGET stops early but
 * keeps what was stored. */
int ba_eval_run(ba_gateway *gw, ba_store *st, ba_gen_registry *reg, const ba_eval_opts *opts,
		json_t **report, ba_error *err);

/* The scores stored for bench_key, as a matrix over items x models:
 * y[m * nitems + i] = mean score over epochs 0..epochs-1 (all epochs when
 * epochs <= 0) of model m on items[i], NAN when missing. *models (new
 * array of specs, in first-stored order, or the order of want when given)
 * and *y (caller frees) are outputs. */
int ba_eval_load_matrix(ba_store *st, const char *bench_key, const json_t *items,
			const char *const *want, size_t nwant, int epochs, json_t **models,
			double **y, ba_error *err);

/* The statistics report from a score matrix (nmodels x nitems, NAN =
 * missing): per model accuracy with CI and per subtask; paired
 * comparisons (paired bootstrap + McNemar on items every epoch agreed);
 * separability; IRT (>= 3 models); item flags; Spearman of size and
 * accuracy per family (with sizes); the planner. New reference. */
json_t *ba_eval_report(const json_t *items, const json_t *models, const double *y,
		       const ba_eval_opts *opts);

/* Keep report (from ba_eval_run with opts, epochs samples per item) in the
 * store for bench_key, with the fingerprint of the stored results it was
 * computed from; nothing is kept when more epochs are stored than it used. */
int ba_eval_save_report(ba_store *st, const char *bench_key, const ba_eval_opts *opts, int epochs,
			const json_t *report, ba_error *err);
/* The kept report of bench_key when it was computed from the results now
 * stored, for these models (array of specs, in order), every stored epoch,
 * and the same statistics options, sizes and families; else NULL. New
 * reference. */
json_t *ba_eval_saved_report(ba_store *st, const char *bench_key, const ba_eval_opts *opts, const json_t *models);

/* A plain-text table of a report (caller frees). */
char *ba_eval_format(const json_t *report);

/* ---- continual evaluation ---- */

typedef struct ba_refresh_opts {
	const char *bench_dir;
	uint64_t seed;
	double anchor_share;         /* share of kept items used as anchors (default 0.2) */
	int min_anchors;             /* default 10 */
	ba_stats_opts stats;
} ba_refresh_opts;

#define BA_REFRESH_OPTS_INIT { .seed = 1, .anchor_share = 0.2, .min_anchors = 10, \
			       .stats = BA_STATS_OPTS_INIT }

/* Make the next version of a benchmark from its stored evaluation results:
 * retire items every model solved and items with non-positive
 * discrimination, replace generator items with new ones one difficulty
 * level harder (ba_gen_generate, reg required for them), list dataset
 * subtasks that need new items, keep anchors, and write
 * <root>/versions/v<N+1>/ (items.jsonl, manifest.json, media/). *report
 * (new reference) has {version, dir, retired, replenished,
 * needs_replenishment, anchors, drift: [{model, accuracy, kept_accuracy,
 * anchor_accuracy}]}. Fails with BA_EINVAL when the benchmark has no
 * stored results. */
int ba_eval_refresh(ba_store *st, ba_gen_registry *reg, const ba_refresh_opts *opts,
		    json_t **report, ba_error *err);

/* Linking of a version to its previous one (when dir's manifest names a
 * previous version and both have stored results): per model, accuracy in
 * both versions, accuracy on the anchors in both, the raw drift, and with
 * IRT on both, the mean/sigma linked ability drift. New reference or NULL
 * when dir has no previous version. */
json_t *ba_eval_link(ba_store *st, const char *dir, const ba_eval_opts *opts);

/* Register the mock provider's "solver" responder: answers "Answer: X"
 * with a letter among the item's options (or a digit) chosen from the
 * request hash, so mock models score at chance. Call before creating the
 * gateway. */
void ba_eval_register_mocks(void);

#endif
