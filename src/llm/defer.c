/*
 * defer.c - batch calls from stages that run on blocking worker threads
 * (execution, verification, build --audit) without one batch per thread.
 *
 * ba_llm_call of a request that goes through a provider batch API does
 * not wait for the batch. Its reply already in the cache: answered at
 * once. Otherwise the job is queued here and the call fails with
 * BA_EPENDING; the stage stops that unit where it stands (its state is
 * stored after every finished step), goes on with the others, and when
 * every unit has either finished or stopped at such a call it runs
 * ba_gateway_batch_round(): the queued jobs go to the event loop at once,
 * which collects them into one batch per provider, and the round waits
 * until each is answered (the reply is stored in the content-addressed
 * cache like any other) or has failed for good. Then the stage runs the
 * stopped units again: the same request is now a cache hit, or fails with
 * the error its batch gave it. So one stage round is one batch, a stage
 * with k dependent calls per unit takes k rounds, and a run killed while a
 * batch is pending sends the same requests on rerun, which batch.c finds
 * in the store's llm_batch_keys and polls instead of submitting again.
 */
#define BA_LOG_MODULE "llm"
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct defer_ud {
	ba_gateway *gw;
	char key[65];
} defer_ud;

void ba_defer_init(ba_gateway *gw)
{
	const char *s = gw->cfg->gateway.batch_roles;

	gw->defer_keys = json_object();
	gw->defer_done = json_object();
	while (s && *s) {
		size_t n;
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		for (n = 0; s[n] && s[n] != ',' && !isspace((unsigned char)s[n]); n++)
			;
		if (n) {
			gw->batch_roles = ba_realloc(gw->batch_roles, (gw->nbatch_roles + 1) * sizeof(char *));
			gw->batch_roles[gw->nbatch_roles++] = ba_strndup(s, n);
		}
		s += n;
	}
}

ba_job *ba_defer_free(ba_gateway *gw)
{
	ba_job *left = gw->defer_head;
	size_t i;

	gw->defer_head = NULL;
	for (i = 0; i < gw->nbatch_roles; i++)
		free(gw->batch_roles[i]);
	free(gw->batch_roles);
	json_decref(gw->defer_keys);
	json_decref(gw->defer_done);
	return left;
}

int ba_defer_role_batches(const ba_gateway *gw, const char *role)
{
	size_t i;

	for (i = 0; i < gw->nbatch_roles; i++)
		if (!strcmp(gw->batch_roles[i], role ? role : "default"))
			return 1;
	return 0;
}

/* Writer thread: a deferred job ended; its reply (if any) is stored. */
static void defer_done(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	defer_ud *d = ud;
	ba_gateway *gw = d->gw;

	pthread_mutex_lock(&gw->mu);
	json_object_del(gw->defer_keys, d->key);
	json_object_set_new(gw->defer_done, d->key,
			    rc == 0 ? json_true() :
				      json_pack("{s:i, s:s}", "rc", rc, "msg", errmsg && *errmsg ? errmsg : ba_strerror(rc)));
	pthread_mutex_unlock(&gw->mu);
	ba_llm_response_free(resp);
	free(d);
}

int ba_defer_check(ba_gateway *gw, ba_job *j, ba_error *err)
{
	json_t *e;
	char who[300];
	int rc;

	pthread_mutex_lock(&gw->mu);
	e = json_object_get(gw->defer_done, j->key);
	if (json_is_object(e)) {
		rc = (int)ba_json_int(e, "rc", BA_EHTTP);
		ba_error_set(err, rc, "%s", ba_json_str(e, "msg", "batch call failed"));
		pthread_mutex_unlock(&gw->mu);
		return rc;
	}
	pthread_mutex_unlock(&gw->mu);
	if (e) {
		/* answered by a round of this process: in the cache even under --no-cache */
		j->cache_ok = 1;
		return BA_DEFER_RUN;
	}
	if (!gw->opts.no_cache && !j->req.no_cache && ba_call_cached(gw->st, j->key))
		return BA_DEFER_RUN;
	snprintf(who, sizeof(who), "provider '%s' (model %s)", j->prov->name, j->model);
	ba_error_set(err, BA_EPENDING, "%s: waiting for the next batch round", who);
	pthread_mutex_lock(&gw->mu);
	rc = BA_DEFER_SAME;
	if (!json_object_get(gw->defer_keys, j->key)) {
		/* an identical request of another unit rides on this one */
		json_object_set_new(gw->defer_keys, j->key, json_true());
		j->next = gw->defer_head;
		gw->defer_head = j;
		rc = BA_DEFER_QUEUED;
	}
	pthread_mutex_unlock(&gw->mu);
	return rc;
}

ba_job *ba_defer_take(ba_gateway *gw)
{
	ba_job *list, *j, *next, *head = NULL;

	pthread_mutex_lock(&gw->mu);
	list = gw->defer_head;
	gw->defer_head = NULL;
	pthread_mutex_unlock(&gw->mu);
	/* back into the order the calls were made, each with its callback */
	for (j = list; j; j = next) {
		defer_ud *d = ba_calloc(1, sizeof(*d));
		next = j->next;
		d->gw = gw;
		memcpy(d->key, j->key, sizeof(d->key));
		j->done = defer_done;
		j->ud = d;
		j->next = head;
		head = j;
	}
	return head;
}
