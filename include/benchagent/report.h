/*
 * report.h - the report people look at (docs/report.md): one HTML page
 * with results (leaderboard, paired comparisons, per-subtask heatmap,
 * epochs, size vs accuracy), item statistics (IRT item map, test
 * information, abilities, the items-needed planner), benchmark quality
 * (verification funnel, rejections, balance and mix, reviews, audit),
 * versions and cost, and every transcript. Plots are SVG drawn here;
 * numbers stand beside each plot. The same page is written by
 * `benchagent report` (self-contained: inline CSS, SVG, one small inline
 * script, media as data URLs) and served by `benchagent review` under
 * /report.
 */
#ifndef BA_REPORT_H
#define BA_REPORT_H

#include <jansson.h>
#include <stddef.h>

#include "benchagent/buf.h"
#include "benchagent/error.h"
#include "benchagent/stats.h"
#include "benchagent/store.h"

typedef struct ba_report_opts {
	const char *bench_dir;        /* out/<id>/ (or versions/vN) */
	const char *const *models;    /* the models to report, in this order (NULL: every stored one) */
	size_t nmodels;
	const json_t *sizes;          /* {model or spec: size in billions} or NULL */
	const json_t *families;       /* {model or spec: family} or NULL */
	ba_stats_opts stats;          /* the same as eval's, so the numbers are eval's */
	double plan_half_width;       /* planner target (default 0.02) */
	long max_transcripts;         /* items whose transcripts are included (<= 0: all) */
	const char *only_item;        /* transcripts of this item only (served item pages) */
	int served;                   /* 1: links go to the review server's pages, media by URL */
	const json_t *reviews;        /* ba_review_stats() of the benchmark, or NULL (no section) */
} ba_report_opts;

#define BA_REPORT_OPTS_INIT { .stats = BA_STATS_OPTS_INIT, .plan_half_width = 0.02, .max_transcripts = 0 }

/* Everything the report shows, gathered from the benchmark folder and the
 * store: {bench, dir, manifest, plan, items, eval (the statistics report
 * of `eval --json`, or null without results), epochs, reviews, audit,
 * versions, cost, rejections}. New reference in *data. Fails on a
 * missing or malformed benchmark folder. */
int ba_report_collect(ba_store *st, const ba_report_opts *opts, json_t **data, ba_error *err);

/* The page for data (from ba_report_collect) appended to out. Transcripts
 * are read from st while writing. */
int ba_report_render(ba_store *st, const json_t *data, const ba_report_opts *opts, ba_buf *out,
		     ba_error *err);

/* Collect and render into a new string (*html, caller frees; *len). */
int ba_report_html(ba_store *st, const ba_report_opts *opts, char **html, size_t *len, ba_error *err);

/* The pages' one script (transcript filters, review keys): inline in the
 * report file, served as /page.js by the review server. Borrowed, static. */
const char *ba_report_script(void);

#endif
