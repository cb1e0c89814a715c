/*
 * queue.c - running a stage's units through the store's work queue, so
 * several benchagent processes (on one machine or many, sharing a
 * PostgreSQL store) build one benchmark together.
 *
 * Every process enqueues the units it sees as to do, then its threads
 * claim units one at a time with a lease (x->lease_s) and run them; a
 * heartbeat thread renews this process's leases every lease/3 seconds. A
 * stage ends for a process when the queue holds no unit of the stage that
 * is not done, so every process passes the stage together and then reads
 * the same stored states (the next stage, dedup and replenishment are
 * functions of those). A worker killed mid-unit stops renewing: its lease
 * runs out and the unit goes to the next claim, which resumes it from the
 * state stored after its last step.
 *
 * With --batch-api a unit may stop at a call queued for a provider batch
 * (BA_EPENDING): the process keeps its lease (the heartbeat renews it),
 * claims on, and when nothing is left to claim runs the batch round and
 * takes those units up again before claiming more. A process killed while
 * the batch is pending loses the leases; whoever takes the units over
 * sends the same requests, which batch.c finds in the store's batch keys
 * and polls rather than submitting them again.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct queue_arg {
	ba_exec_ctx *x;
	const char *stage;
	ba_exec_unit_fn fn;
	ba_progress *prog;
	json_t *retry;      /* units of this process waiting since the last batch round (leased) */
	size_t retry_next;
	json_t *waiting;    /* units that stopped at a batch call in this pass */
	int stop;
	int rc;
	ba_error err;
	pthread_mutex_t mu;
} queue_arg;

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void fail(queue_arg *q, int rc, const ba_error *e)
{
	pthread_mutex_lock(&q->mu);
	if (!q->rc) {
		q->rc = rc;
		q->err = *e;
	}
	q->stop = 1;
	pthread_mutex_unlock(&q->mu);
}

static int stopped(queue_arg *q)
{
	int s;
	pthread_mutex_lock(&q->mu);
	s = q->stop;
	pthread_mutex_unlock(&q->mu);
	return s;
}

/* How long an idle worker waits before looking again: short against the
 * lease, so a dead worker's unit is taken soon after its lease ends. */
static long poll_ms(const ba_exec_ctx *x)
{
	long ms = (long)(x->lease_s * 1000 / 20);
	return ms < 20 ? 20 : ms > 100 ? 100 : ms;
}

/* The next unit for a claimer: one waiting since the last batch round,
 * else a new claim. 0 with *unit (new ref) and key, 1 = stop this pass
 * (nothing to claim and a batch round is due, or the stage is done). */
static int next_unit(queue_arg *q, json_t **unit, int *attempts)
{
	ba_exec_ctx *x = q->x;

	*unit = NULL;
	*attempts = 1;
	pthread_mutex_lock(&q->mu);
	if (q->retry_next < json_array_size(q->retry))
		*unit = json_incref(json_array_get(q->retry, q->retry_next++));
	pthread_mutex_unlock(&q->mu);
	while (!*unit && !stopped(q)) {
		ba_queue_unit u;
		ba_error e2 = BA_ERROR_INIT;
		int rc = ba_queue_claim(x->st, x->run_id, q->stage, x->worker, x->lease_s, &u, &e2);
		long left;
		size_t nwait;

		if (rc == 0) {
			*unit = json_incref(u.unit);
			*attempts = u.attempts;
			ba_queue_unit_clear(&u);
			return 0;
		}
		if (rc != BA_ENOTFOUND) {
			fail(q, rc, &e2);
			return 1;
		}
		pthread_mutex_lock(&q->mu);
		nwait = json_array_size(q->waiting);
		pthread_mutex_unlock(&q->mu);
		if (nwait > 0)
			return 1; /* the batch round comes first */
		left = ba_queue_pending(x->st, x->run_id, q->stage);
		if (left == 0)
			return 1;
		if (left < 0) {
			ba_error_set(&e2, BA_EIO, "queue: cannot count the units of %s left", q->stage);
			fail(q, BA_EIO, &e2);
			return 1;
		}
		nap_ms(poll_ms(x));
	}
	return *unit ? 0 : 1;
}

static void *claimer(void *ud)
{
	queue_arg *q = ud;
	ba_exec_ctx *x = q->x;
	json_t *unit;
	int attempts;

	while (!stopped(q) && next_unit(q, &unit, &attempts) == 0) {
		const char *key = ba_json_str(unit, "key", "");
		ba_error e2 = BA_ERROR_INIT, e3 = BA_ERROR_INIT;
		int rc, crc;

		if (attempts > 1)
			BA_INFO("%s: %s: taken over (claim %d; an earlier worker's lease ran out)", q->stage, key,
				attempts);
		rc = q->fn(x, unit, &e2);
		if (rc == BA_EPENDING) {
			/* keeps its lease until the batch round has answered it */
			pthread_mutex_lock(&q->mu);
			json_array_append(q->waiting, unit);
			pthread_mutex_unlock(&q->mu);
			json_decref(unit);
			continue;
		}
		crc = ba_queue_complete(x->st, x->run_id, q->stage, key, x->worker, rc == 0, &e3);
		if (rc == 0 && crc != 0) {
			rc = crc;
			e2 = e3;
		}
		json_decref(unit);
		ba_progress_add(q->prog, 1, 0);
		if (rc != 0)
			fail(q, rc, &e2);
	}
	return NULL;
}

/* After an error: the units still waiting for a batch go back to the queue. */
static void give_back(queue_arg *q)
{
	json_t *u;
	size_t i;

	json_array_foreach(q->retry, i, u)
		ba_queue_complete(q->x->st, q->x->run_id, q->stage, ba_json_str(u, "key", ""), q->x->worker, 0, NULL);
}

int ba_exec_queued(ba_exec_ctx *x, const json_t *units, ba_exec_unit_fn fn, const char *stage, ba_error *err)
{
	queue_arg q = { .x = x, .stage = stage, .fn = fn };
	pthread_t *th;
	ba_queue_heartbeat *hb;
	int n = x->workers, i, rc;

	if ((rc = ba_queue_enqueue(x->st, x->run_id, stage, units, x->started, err)) != 0)
		return rc;
	pthread_mutex_init(&q.mu, NULL);
	q.prog = ba_progress_start(stage, (long)json_array_size(units));
	hb = ba_queue_heartbeat_start(x->st, x->worker, x->lease_s, "queue");
	th = ba_calloc((size_t)n, sizeof(*th));
	q.retry = json_array();
	for (;;) {
		q.waiting = json_array();
		q.retry_next = 0;
		for (i = 0; i < n; i++)
			if (pthread_create(&th[i], NULL, claimer, &q) != 0)
				th[i] = 0;
		for (i = 0; i < n; i++)
			if (th[i])
				pthread_join(th[i], NULL);
		json_decref(q.retry);
		q.retry = q.waiting;
		q.waiting = NULL;
		if (q.rc || json_array_size(q.retry) == 0)
			break;
		if ((q.rc = ba_exec_batch_round(x, stage, json_array_size(q.retry), &q.err)) != 0)
			break;
	}
	give_back(&q);
	json_decref(q.retry);
	free(th);
	ba_queue_heartbeat_stop(hb);
	ba_progress_done(q.prog);
	pthread_mutex_destroy(&q.mu);
	if (q.rc) {
		if (err)
			*err = q.err;
		return q.rc;
	}
	return 0;
}
