/*
 * judge.c - the audit runner: one job per (judge, item). A job whose exact
 * request was judged before is served from the store; the rest go through
 * the gateway's async API, at most opts->window in flight. Callbacks only
 * hand results to the main thread, which commits them to the store in one
 * transaction per wake-up, so a crash loses nothing already committed and
 * a rerun asks only what is missing (failed judgements are asked again).
 */
#include "audit_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/log.h"
#include "benchagent/prompt.h"
#include "benchagent/rng.h"
#include "benchagent/sha256.h"
#include "benchagent/store_audit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Criteria order for (judge, item): a seeded shuffle, so a judge's habit
 * of scoring the first-listed criteria differently averages out. */
void ba_audit_order(uint64_t seed, const char *judge, const char *item, int order[BA_AUDIT_NCRIT])
{
	char *label = ba_asprintf("audit/%s/%s", judge, item);
	ba_rng r;
	int i;

	ba_rng_seed(&r, ba_rng_seed_from(seed, label), 0);
	free(label);
	for (i = 0; i < BA_AUDIT_NCRIT; i++)
		order[i] = i;
	ba_rng_shuffle(&r, order, BA_AUDIT_NCRIT, sizeof(int));
}

static void done_cb(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	audit_job *j = ud;
	audit_runner *r = j->owner;

	pthread_mutex_lock(&r->mu);
	if (rc == 0 && resp && json_is_object(resp->json)) {
		j->scores = json_incref(resp->json);
		j->mock = resp->mock;
	} else {
		j->error = ba_strdup(errmsg && *errmsg ? errmsg : "judge call failed");
		j->budget = rc == BA_EBUDGET;
	}
	j->state = AJ_DONE;
	r->inflight--;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	ba_llm_response_free(resp);
}

/* Build job j's request; serve it from the store when judged before.
 * Returns 0 with *req_msgs set (caller submits), 1 when served, <0 on a
 * bad item (recorded as a failure). */
static int prepare(audit_runner *r, audit_job *j, json_t **req_msgs)
{
	const json_t *item = json_array_get(r->items, j->item);
	const char *id = ba_json_str(item, "id", "");
	const char *spec = r->specs[j->judge];
	json_t *msgs = NULL, *h, *sub = ba_audit_subtask(r->ctx, ba_json_str(item, "subtask", NULL));
	ba_error e = BA_ERROR_INIT;
	char *canon;
	int order[BA_AUDIT_NCRIT];

	*req_msgs = NULL;
	ba_audit_order(r->o->seed, spec, id, order);
	memcpy(j->order, order, sizeof(order));
	if (ba_audit_messages(r->o->bench_dir, r->ctx->request, sub, item, order, &msgs, &e) != 0) {
		j->error = ba_strdup(e.msg);
		j->state = AJ_DONE;
		return -1;
	}
	h = json_pack("{s:s, s:i, s:s, s:O, s:s}", "kind", "audit", "version", BA_AUDIT_FORMAT_VERSION, "judge",
		      spec, "messages", msgs, "system", ba_prompt_text("audit_system.txt") ? ba_prompt_text("audit_system.txt") : "");
	canon = ba_json_canonical(h);
	ba_sha256_hex(canon, strlen(canon), j->rhash);
	free(canon);
	json_decref(h);
	if (!r->o->no_reuse &&
	    ba_audit_score_get(r->st, r->bench_key, id, spec, j->rhash, &j->scores, &j->mock, NULL) == 0) {
		json_decref(msgs);
		j->state = AJ_SAVED;
		j->reused = 1;
		r->reused++;
		return 1;
	}
	*req_msgs = msgs;
	return 0;
}

static int submit(audit_runner *r, audit_job *j, ba_error *err)
{
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	json_t *msgs;
	int rc = prepare(r, j, &msgs);

	if (rc != 0)
		return 0;
	req.role = "auditor";
	req.provider = r->refs[j->judge].provider;
	req.model = r->refs[j->judge].model;
	req.system = ba_prompt_text("audit_system.txt");
	req.messages = msgs;
	req.schema = r->schema;
	req.schema_name = "audit";
	req.temperature = 0;
	req.run_id = r->o->run_id;
	req.can_wait = 1; /* may go through a provider batch API (--batch-api) */
	j->state = AJ_SENT;
	pthread_mutex_lock(&r->mu);
	r->inflight++;
	pthread_mutex_unlock(&r->mu);
	rc = ba_llm_submit(r->gw, &req, done_cb, j, err);
	json_decref(msgs);
	if (rc != 0) {
		pthread_mutex_lock(&r->mu);
		r->inflight--;
		pthread_mutex_unlock(&r->mu);
		return rc;
	}
	r->submitted++;
	return 0;
}

/* Commit every finished job (one transaction). Called without the lock. */
static void flush(audit_runner *r)
{
	size_t i;
	int txn = ba_store_begin(r->st, NULL) == 0;

	for (i = 0; i < r->njobs; i++) {
		audit_job *j = &r->jobs[i];
		int done;
		pthread_mutex_lock(&r->mu);
		done = j->state == AJ_DONE;
		pthread_mutex_unlock(&r->mu);
		if (!done)
			continue;
		if (j->budget)
			r->budget_stop = 1;
		else
			ba_audit_score_put(r->st, r->bench_key, ba_json_str(json_array_get(r->items, j->item), "id", ""),
					   r->specs[j->judge], j->rhash, j->scores, j->mock, j->error, NULL);
		if (j->error)
			r->failed++;
		j->state = AJ_SAVED;
	}
	if (txn)
		ba_store_commit(r->st, NULL);
}

int ba_audit_judge_all(audit_runner *r, ba_error *err)
{
	size_t next = 0;
	int rc = 0;

	while (next < r->njobs || r->inflight > 0) {
		while (next < r->njobs && r->inflight < (size_t)r->o->window && !r->budget_stop) {
			if ((rc = submit(r, &r->jobs[next], err)) != 0)
				goto drain;
			next++;
		}
		if (r->budget_stop && next < r->njobs) {
			BA_WARN("audit: budget reached; %zu judgement(s) not asked (rerun to continue)", r->njobs - next);
			r->not_asked = r->njobs - next;
			next = r->njobs;
		}
		pthread_mutex_lock(&r->mu);
		while (r->inflight > 0 && (next >= r->njobs || r->inflight >= (size_t)r->o->window) &&
		       !ba_audit_any_done(r))
			pthread_cond_wait(&r->cv, &r->mu);
		pthread_mutex_unlock(&r->mu);
		flush(r);
	}
	flush(r);  /* a job may have finished after flush looked at it */
	return 0;
drain:
	ba_gateway_wait(r->gw);
	flush(r);
	return rc;
}

/* With the lock held: 1 when some job finished and is not yet saved. */
int ba_audit_any_done(audit_runner *r)
{
	size_t i;

	for (i = 0; i < r->njobs; i++)
		if (r->jobs[i].state == AJ_DONE)
			return 1;
	return 0;
}
