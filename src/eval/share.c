/*
 * share.c - one evaluation shared by several processes through the
 * store's work queue (a team store: PostgreSQL; evaluation on
 * execution.queue), like the build's stages (src/exec/queue.c).
 *
 * The evaluation's jobs (model x item x epoch, in the runner's order) are
 * cut into units of consecutive jobs; every process enqueues the same
 * units under the eval run and a stage named after what is evaluated
 * (models, epochs, items, judge), claims one at a time with a lease that
 * a heartbeat renews, runs its jobs (their results land in eval_results)
 * and marks it done. A process stops claiming when no unit is left undone
 * by anyone; each then computes the report from the stored results, so
 * every process prints the report one process would have. A process killed
 * mid-unit stops renewing; after its lease the next claim takes the unit
 * and runs it again (answers already in the call cache are not paid again).
 */
#include "eval_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static json_t *make_units(size_t njobs, size_t per_unit, ba_eval_todo_fn todo, void *ud)
{
	json_t *units = json_array();
	size_t lo;

	for (lo = 0; lo < njobs; lo += per_unit) {
		size_t hi = lo + per_unit < njobs ? lo + per_unit : njobs;
		if (!todo(ud, lo, hi))
			continue;
		json_array_append_new(units, json_pack("{s:o, s:I, s:I}", "key", json_sprintf("jobs %zu-%zu", lo, hi), "lo",
						       (json_int_t)lo, "hi", (json_int_t)hi));
	}
	return units;
}

/* Claim and run units until none is left undone. */
static int claim_loop(const ba_eval_share *sh, ba_eval_unit_fn fn, void *ud, ba_error *err)
{
	long poll = (long)(sh->lease_s * 1000 / 20);
	struct timespec nap;

	poll = poll < 20 ? 20 : poll > 200 ? 200 : poll;
	nap.tv_sec = poll / 1000;
	nap.tv_nsec = (poll % 1000) * 1000000L;
	for (;;) {
		ba_queue_unit u;
		int rc = ba_queue_claim(sh->st, sh->run_id, sh->stage, sh->worker, sh->lease_s, &u, err), crc;
		long left;

		if (rc == BA_ENOTFOUND) {
			if ((left = ba_queue_pending(sh->st, sh->run_id, sh->stage)) == 0)
				return 0;
			if (left < 0)
				return ba_error_set(err, BA_EIO, "eval: cannot count the units left in the queue");
			nanosleep(&nap, NULL);
			continue;
		}
		if (rc != 0)
			return rc;
		if (u.attempts > 1)
			BA_INFO("eval: %s taken over (claim %d; an earlier worker's lease ran out)", u.key, u.attempts);
		rc = fn(ud, (size_t)ba_json_int(u.unit, "lo", 0), (size_t)ba_json_int(u.unit, "hi", 0), err);
		/* done only when its results are stored; otherwise back for another worker */
		crc = ba_queue_complete(sh->st, sh->run_id, sh->stage, u.key, sh->worker, rc == 0, rc ? NULL : err);
		ba_queue_unit_clear(&u);
		if (rc)
			return rc;
		if (crc)
			return crc;
	}
}

int ba_eval_shared(const ba_eval_share *sh, size_t njobs, size_t per_unit, ba_eval_todo_fn todo,
		   ba_eval_unit_fn fn, void *ud, ba_error *err)
{
	json_t *units = make_units(njobs, per_unit ? per_unit : 1, todo, ud);
	ba_queue_heartbeat *hb;
	int rc;

	rc = ba_queue_enqueue(sh->st, sh->run_id, sh->stage, units, sh->since, err);
	json_decref(units);
	if (rc)
		return rc;
	hb = ba_queue_heartbeat_start(sh->st, sh->worker, sh->lease_s, "eval");
	rc = claim_loop(sh, fn, ud, err);
	ba_queue_heartbeat_stop(hb);
	return rc;
}
