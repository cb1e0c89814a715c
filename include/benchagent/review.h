/*
 * review.h - human review of a built benchmark in a local web page: every
 * item with its provenance and checks, accept/reject verdicts per
 * annotator stored in the workspace, acceptance rate and inter-annotator
 * agreement (percent agreement, Cohen's kappa per pair, Fleiss' kappa).
 */
#ifndef BA_REVIEW_H
#define BA_REVIEW_H

#include <jansson.h>
#include <stddef.h>

#include "benchagent/error.h"
#include "benchagent/html.h"   /* ba_html_escape: the one escaper */
#include "benchagent/store.h"

typedef struct ba_review_server ba_review_server;

typedef struct ba_review_opts {
	const char *bench_dir;   /* out/<id>/ with items.jsonl */
	const char *bind;        /* address to listen on (default 127.0.0.1; loopback only) */
	int port;                /* 0 = any free port */
	const char *annotator;   /* default annotator name shown in the form */
	const struct ba_report_opts *report; /* statistics options for /report (NULL: defaults) */
} ba_review_opts;

#define BA_REVIEW_OPTS_INIT { NULL, "127.0.0.1", 0, NULL, NULL }

/* Load the benchmark and start serving on a background thread. st must
 * outlive the server. Fails on a missing/malformed items.jsonl, a
 * non-loopback bind address, or a port in use. */
int ba_review_start(ba_review_server **out, const ba_review_opts *opts, ba_store *st, ba_error *err);
int ba_review_port(const ba_review_server *srv);
void ba_review_stop(ba_review_server *srv);   /* NULL is fine */

/* Load a benchmark folder's items (array, new ref) and its id (from
 * manifest.json, else the folder name; caller frees). Items need unique
 * string ids. */
int ba_review_load(const char *bench_dir, json_t **items, char **bench_id, ba_error *err);

/* Record a verdict ("accept" | "reject") for an item by an annotator. */
int ba_review_put(ba_store *st, const char *bench, const char *item, const char *annotator,
		  const char *verdict, const char *comment, ba_error *err);
/* Statistics over the stored verdicts of bench, for n_items items:
 * {items, reviewed, verdicts, accepted, acceptance_rate, annotators: [..],
 *  agreement: {items_multi, percent, fleiss_kappa, pairs: [{a, b, n, percent, cohen_kappa}]}}.
 * New reference. */
json_t *ba_review_stats(ba_store *st, const char *bench, size_t n_items);


#endif
