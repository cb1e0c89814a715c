/*
 * eval_internal.h - shared between the eval module's files only.
 */
#ifndef BA_EVAL_INTERNAL_H
#define BA_EVAL_INTERNAL_H

#include "benchagent/eval.h"

/* Pairwise judging of opts->models[0] vs [1] on open items (epoch 0),
 * each pair judged twice with the answers' positions swapped. Returns
 * {a, b, items, a_wins, b_wins, ties, inconsistent, win_rate_a} or NULL
 * when no open item has both answers. Warnings are appended. */
json_t *ba_eval_pairwise(ba_gateway *gw, ba_store *st, const ba_model_ref *judge,
			 const ba_eval_opts *opts, const json_t *items, const char *bench_key,
			 json_t *warnings);

/* One evaluation shared through the store's work queue (share.c): the
 * jobs [0, njobs) cut into units of per_unit consecutive jobs, enqueued
 * under (run_id, stage), claimed with leases of lease_s (renewed while
 * this process lives) and run by fn(ud, lo, hi), which stores their
 * results and returns 0 (the unit is done) or an error (it is given back,
 * and the error returned). Only units todo(ud, lo, hi) says have work left
 * are enqueued (a unit another process finished stays done). Returns 0
 * when no unit is left undone by any process. since: this invocation's
 * start (an enqueued unit done before it is opened again). */
typedef struct ba_eval_share {
	ba_store *st;
	int64_t run_id;
	const char *stage;
	const char *worker;         /* host:pid */
	double lease_s;
	double since;
} ba_eval_share;
typedef int (*ba_eval_unit_fn)(void *ud, size_t lo, size_t hi, ba_error *err);
typedef int (*ba_eval_todo_fn)(void *ud, size_t lo, size_t hi);
int ba_eval_shared(const ba_eval_share *sh, size_t njobs, size_t per_unit, ba_eval_todo_fn todo,
		   ba_eval_unit_fn fn, void *ud, ba_error *err);

/* Load one benchmark folder's manifest (new ref) or NULL. */
json_t *ba_eval_manifest(const char *dir);

#endif
