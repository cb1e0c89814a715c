/*
 * heartbeat.c - a thread that renews one worker's queue leases every
 * lease/3 seconds until stopped: what keeps a unit claimed while its
 * worker is busy with it (or waits for a batch round). Builds
 * (src/exec/queue.c) and shared evals (src/eval/share.c) start one.
 */
#define BA_LOG_MODULE "store"
#include "store_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/log.h"

#include <stdlib.h>
#include <time.h>

struct ba_queue_heartbeat {
	ba_store *st;
	const char *worker, *who;
	double lease_s;
	int done, running;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *beat(void *ud)
{
	ba_queue_heartbeat *h = ud;
	double every = h->lease_s / 3;

	pthread_mutex_lock(&h->mu);
	while (!h->done) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)every;
		until.tv_nsec += (long)((every - (double)(time_t)every) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&h->cv, &h->mu, &until) != 0 && !h->done) {
			pthread_mutex_unlock(&h->mu);
			if (ba_queue_renew(h->st, h->worker, h->lease_s) < 0)
				BA_WARN("%s: renewing this worker's leases failed; another worker may take its units",
					h->who);
			pthread_mutex_lock(&h->mu);
		}
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

ba_queue_heartbeat *ba_queue_heartbeat_start(ba_store *st, const char *worker, double lease_s, const char *who)
{
	ba_queue_heartbeat *h = ba_calloc(1, sizeof(*h));

	h->st = st;
	h->worker = worker;
	h->who = who;
	h->lease_s = lease_s;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->running = pthread_create(&h->th, NULL, beat, h) == 0;
	return h;
}

void ba_queue_heartbeat_stop(ba_queue_heartbeat *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->done = 1;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	if (h->running)
		pthread_join(h->th, NULL);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
