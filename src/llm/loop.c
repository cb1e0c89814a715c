/*
 * loop.c - the gateway's event loop, on its own thread: takes submitted
 * jobs, answers from the cache or the mock provider, queues the rest per
 * provider behind concurrency limits and token buckets, drives libcurl
 * multi, retries with backoff and full jitter, re-asks on schema
 * violations, enforces the budget, stores finished calls (one transaction
 * per loop turn) and only then runs the callbacks.
 */
#define BA_LOG_MODULE "llm"
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/log.h"
#include "benchagent/schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- timers: a binary min-heap on t_due ---- */

static void heap_push(ba_gateway *gw, ba_job *j)
{
	size_t i;

	ba_array_reserve((void **)&gw->heap, &gw->capheap, gw->nheap + 1, sizeof(*gw->heap));
	i = gw->nheap++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (gw->heap[p]->t_due <= j->t_due)
			break;
		gw->heap[i] = gw->heap[p];
		i = p;
	}
	gw->heap[i] = j;
}

static ba_job *heap_pop(ba_gateway *gw)
{
	ba_job *top = gw->heap[0], *last = gw->heap[--gw->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= gw->nheap)
			break;
		if (c + 1 < gw->nheap && gw->heap[c + 1]->t_due < gw->heap[c]->t_due)
			c++;
		if (last->t_due <= gw->heap[c]->t_due)
			break;
		gw->heap[i] = gw->heap[c];
		i = c;
	}
	if (gw->nheap)
		gw->heap[i] = last;
	return top;
}

/* ---- completion ---- */

static void append_done(ba_gateway *gw, ba_job *j)
{
	j->next = NULL;
	if (gw->done_tail)
		gw->done_tail->next = j;
	else
		gw->done_head = j;
	gw->done_tail = j;
}

static json_t *copy_or_null(const json_t *j)
{
	return j ? json_deep_copy(j) : NULL;
}

static ba_llm_response *response_copy(const ba_llm_response *r)
{
	ba_llm_response *c = ba_response_new();

	*c = *r;
	c->content = ba_strdup(r->content);
	c->json = copy_or_null(r->json);
	c->tool_calls = copy_or_null(r->tool_calls);
	c->choices = copy_or_null(r->choices);
	c->finish_reason = ba_strdup(r->finish_reason);
	c->provider = ba_strdup(r->provider);
	c->model = ba_strdup(r->model);
	return c;
}

/* Give the jobs that waited for j its result (they count as cache hits:
 * nothing was paid for them). Returns them as a list linked by next. */
static ba_job *settle_followers(ba_job *j)
{
	ba_job *f, *next, *head = NULL, **tail = &head;

	for (f = j->followers; f; f = next) {
		next = f->next;
		if (j->rc == 0 && j->resp) {
			f->resp = response_copy(j->resp);
			f->resp->cached = 1;
			f->resp->latency_ms = (ba_now() - f->t_start) * 1000.0;
			f->cache_hit = 1;
			f->rc = 0;
		} else {
			f->rc = j->rc;
			memcpy(f->errmsg, j->errmsg, sizeof(f->errmsg));
		}
		f->next = NULL;
		*tail = f;
		tail = &f->next;
	}
	j->followers = NULL;
	return head;
}

static void unregister_leader(ba_gateway *gw, ba_job *j)
{
	if (j->leader) {
		j->leader = 0;
		json_object_del(gw->inflight_keys, j->key);
	}
}

/* Loop thread: a finished job (and the identical ones that waited for it). */
static void push_done(ba_gateway *gw, ba_job *j)
{
	ba_job *f, *next;

	unregister_leader(gw, j);
	append_done(gw, j);
	for (f = settle_followers(j); f; f = next) {
		next = f->next;
		append_done(gw, f);
	}
}

/* Writer thread: send a job back to the event loop (retry or re-ask). */
static void requeue(ba_gateway *gw, ba_job *j, int how)
{
	int wake;

	j->resume = how;
	j->next = NULL;
	pthread_mutex_lock(&gw->mu);
	wake = gw->in_head == NULL;
	if (gw->in_tail)
		gw->in_tail->next = j;
	else
		gw->in_head = j;
	gw->in_tail = j;
	pthread_mutex_unlock(&gw->mu);
	if (wake)
		curl_multi_wakeup(gw->multi);
}

static void job_fail(ba_gateway *gw, ba_job *j, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void job_fail(ba_gateway *gw, ba_job *j, int rc, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(j->errmsg, sizeof(j->errmsg), fmt, ap);
		va_end(ap);
	}
	ba_redact_key(j, j->errmsg);
	j->rc = rc;
	push_done(gw, j);
}

void ba_loop_finish(ba_gateway *gw, ba_job *j)
{
	j->rc = 0;
	push_done(gw, j);
}

/* gw->mu held: the run's entry (created with no earlier spend if new). */
static run_spend *run_find(ba_gateway *gw, int64_t run_id)
{
	size_t i;
	run_spend *r;

	for (i = 0; i < gw->nruns; i++)
		if (gw->runs[i].run_id == run_id)
			return &gw->runs[i];
	gw->runs = ba_realloc(gw->runs, (gw->nruns + 1) * sizeof(*gw->runs));
	r = &gw->runs[gw->nruns++];
	r->run_id = run_id;
	r->usd = 0;
	r->tokens = 0;
	return r;
}

/* Loop thread: make sure the run's entry exists with its earlier spend
 * from the store (queried without holding gw->mu). */
static void ensure_run(ba_gateway *gw, int64_t run_id)
{
	size_t i;
	double usd = 0;
	long long tok = 0;
	run_spend *r;

	pthread_mutex_lock(&gw->mu);
	for (i = 0; i < gw->nruns; i++)
		if (gw->runs[i].run_id == run_id) {
			pthread_mutex_unlock(&gw->mu);
			return;
		}
	pthread_mutex_unlock(&gw->mu);
	if (run_id && gw->st) {
		usd = ba_call_spent_usd(gw->st, run_id);
		tok = ba_call_spent_tokens(gw->st, run_id);
	}
	pthread_mutex_lock(&gw->mu);
	r = run_find(gw, run_id);
	r->usd += usd;
	r->tokens += tok;
	pthread_mutex_unlock(&gw->mu);
}

/* 0 when the job may start a new request; otherwise fails it. */
static int budget_check(ba_gateway *gw, ba_job *j)
{
	run_spend *r;
	char who[48];
	double usd, ws;
	long long tokens;
	int which = 0;

	if (j->dry || !j->prov || j->prov->protocol == BA_PROTO_MOCK)
		return 0;
	if (gw->budget_usd <= 0 && gw->budget_tokens <= 0 && gw->ws_budget_usd <= 0)
		return 0;
	ensure_run(gw, j->run_id);
	pthread_mutex_lock(&gw->mu);
	r = run_find(gw, j->run_id);
	usd = r->usd;
	tokens = r->tokens;
	ws = gw->ws_spent;
	if (gw->budget_usd > 0 && usd >= gw->budget_usd)
		which = 1;
	else if (gw->budget_tokens > 0 && tokens >= gw->budget_tokens)
		which = 2;
	else if (gw->ws_budget_usd > 0 && ws >= gw->ws_budget_usd)
		which = 3;
	if (which)
		gw->stats.budget_exhausted = 1;
	pthread_mutex_unlock(&gw->mu);
	if (!which)
		return 0;
	if (j->run_id)
		snprintf(who, sizeof(who), "run %lld", (long long)j->run_id);
	else
		snprintf(who, sizeof(who), "this process");
	if (which == 1)
		job_fail(gw, j, BA_EBUDGET,
			 "budget exhausted: %s has spent $%.4f of its $%.4f cap (budget.usd); no new model calls are started. "
			 "Raise the cap and rerun: finished calls are cached and will not be paid again",
			 who, usd, gw->budget_usd);
	else if (which == 2)
		job_fail(gw, j, BA_EBUDGET,
			 "budget exhausted: %s has used %lld of its %lld tokens (budget.tokens); no new model calls are started. "
			 "Raise the cap and rerun: finished calls are cached and will not be paid again",
			 who, tokens, gw->budget_tokens);
	else
		job_fail(gw, j, BA_EBUDGET,
			 "budget exhausted: the workspace has spent $%.4f of its $%.4f cap (budget.workspace_usd); no new model calls are started. "
			 "Raise the cap and rerun: finished calls are cached and will not be paid again",
			 ws, gw->ws_budget_usd);
	return -1;
}

/* Any thread: record what a reply cost. */
static void account(ba_gateway *gw, ba_job *j, long ptok, long ctok)
{
	double f = j->batch ? (j->prov->batch_discount > 0 ? j->prov->batch_discount : 0.5) : 1.0;
	double pin, pout, cost;
	run_spend *r;

	ba_llm_price(j->prov, j->model, &pin, &pout);
	cost = f * (ptok * pin / 1e6 + ctok * pout / 1e6);

	j->prompt_tokens += ptok;
	j->completion_tokens += ctok;
	j->cost += cost;
	pthread_mutex_lock(&gw->mu);
	r = run_find(gw, j->run_id);
	r->usd += cost;
	r->tokens += ptok + ctok;
	gw->ws_spent += cost;
	gw->stats.prompt_tokens += ptok;
	gw->stats.completion_tokens += ctok;
	gw->stats.cost_usd += cost;
	pthread_mutex_unlock(&gw->mu);
}

/* ---- provider queues and token buckets ---- */

static void ps_push(provider_state *ps, ba_job *j)
{
	j->next = NULL;
	if (ps->qtail)
		ps->qtail->next = j;
	else
		ps->qhead = j;
	ps->qtail = j;
}

static void refill(provider_state *ps, double now)
{
	const ba_provider_cfg *c = ps->cfg;
	double dt;

	if (ps->req_bucket < 0) {
		/* start full: a burst of up to 10 s worth of the per-minute rate */
		ps->req_bucket = c->rpm > 0 ? fmax(1, c->rpm / 6) : 0;
		ps->tok_bucket = c->tpm > 0 ? fmax(1, c->tpm / 6) : 0;
		ps->last_refill = now;
		return;
	}
	dt = now - ps->last_refill;
	ps->last_refill = now;
	if (c->rpm > 0)
		ps->req_bucket = fmin(fmax(1, c->rpm / 6), ps->req_bucket + dt * c->rpm / 60);
	if (c->tpm > 0)
		ps->tok_bucket = fmin(fmax(1, c->tpm / 6), ps->tok_bucket + dt * c->tpm / 60);
}

/* Start what may start; returns ms until the buckets allow more (or -1). */
static double pump(ba_gateway *gw, provider_state *ps, double now)
{
	const ba_provider_cfg *c = ps->cfg;
	int maxc = c->max_concurrency > 0 ? c->max_concurrency : 32;
	double wait = -1;

	if (!ps->qhead)
		return -1;
	refill(ps, now);
	while (ps->qhead && (ps->qhead->batch || ps->inflight < maxc)) {
		ba_job *j = ps->qhead;
		double need_tok;

		if (j->batch) {
			/* no concurrency or rate limit: the provider schedules batches */
			ps->qhead = j->next;
			if (!ps->qhead)
				ps->qtail = NULL;
			if (budget_check(gw, j) != 0)
				continue;
			if (!j->was_sent) {
				j->was_sent = 1;
				pthread_mutex_lock(&gw->mu);
				gw->stats.sent++;
				pthread_mutex_unlock(&gw->mu);
			}
			ba_batch_collect(ps, j, now);
			continue;
		}

		if (j->est_tokens == 0 && c->tpm > 0)
			j->est_tokens = ba_request_estimate_tokens(j) + (j->req.max_tokens > 0 ? j->req.max_tokens : 256);
		need_tok = fmin((double)j->est_tokens, fmax(1, c->tpm / 6));
		if (c->rpm > 0 && ps->req_bucket < 1) {
			wait = (1 - ps->req_bucket) * 60000.0 / c->rpm;
			break;
		}
		if (c->tpm > 0 && ps->tok_bucket < need_tok) {
			wait = (need_tok - ps->tok_bucket) * 60000.0 / c->tpm;
			break;
		}
		ps->qhead = j->next;
		if (!ps->qhead)
			ps->qtail = NULL;
		j->next = NULL;
		if (budget_check(gw, j) != 0)
			continue;
		if (c->rpm > 0)
			ps->req_bucket -= 1;
		if (c->tpm > 0)
			ps->tok_bucket -= need_tok;
		if (ba_http_start(gw, j) != 0) {
			job_fail(gw, j, j->rc ? j->rc : BA_EHTTP, NULL);
			continue;
		}
		if (!j->was_sent) {
			j->was_sent = 1;
			pthread_mutex_lock(&gw->mu);
			gw->stats.sent++;
			pthread_mutex_unlock(&gw->mu);
		}
		ps->inflight++;
	}
	return wait;
}

/* ---- accepting a job ---- */

static void mock_answer(ba_gateway *gw, ba_job *j, double now)
{
	ba_llm_response *resp = ba_response_new();
	double lat = j->dry ? 0 : j->prov->latency_ms;

	ba_mock_chat(j, resp);
	resp->provider = ba_strdup(j->prov->name);
	resp->model = ba_strdup(j->model);
	memcpy(resp->key, j->key, sizeof(resp->key));
	j->prompt_tokens = resp->prompt_tokens;
	j->completion_tokens = resp->completion_tokens;
	{
		double pin, pout;
		ba_llm_price(j->prov, j->model, &pin, &pout);
		j->cost = resp->prompt_tokens * pin / 1e6 + resp->completion_tokens * pout / 1e6;
	}
	resp->cost_usd = j->cost;
	resp->latency_ms = lat;
	j->resp = resp;
	pthread_mutex_lock(&gw->mu);
	gw->stats.prompt_tokens += j->prompt_tokens;
	gw->stats.completion_tokens += j->completion_tokens;
	if (j->dry)
		gw->stats.cost_usd += j->cost;
	pthread_mutex_unlock(&gw->mu);
	if (lat > 0) {
		j->timer_kind = TIMER_MOCK;
		j->t_due = now + lat / 1000.0;
		heap_push(gw, j);
	} else
		ba_loop_finish(gw, j);
}

static void accept_job(ba_gateway *gw, ba_job *j, double now)
{
	if (j->kind == JOB_CHAT && j->prov->protocol == BA_PROTO_MOCK) {
		mock_answer(gw, j, now);
		return;
	}
	/* a dry run reads the cache too: what is paid for already is not
	 * estimated again */
	if ((j->cache_ok || (!gw->opts.no_cache && !j->req.no_cache)) && gw->st) {
		ba_llm_response *resp = ba_response_new();
		if (ba_cache_get(gw->st, j->key, resp, j->kind) == 0) {
			j->resp = resp;
			j->cache_hit = 1;
			ba_loop_finish(gw, j);
			return;
		}
		ba_llm_response_free(resp);
	}
	if (j->kind == JOB_CHAT && j->dry) {
		mock_answer(gw, j, now);
		return;
	}
	if (!j->ps) {
		job_fail(gw, j, BA_EINVAL, "provider '%s' has no state in this gateway", j->prov->name);
		return;
	}
	/* an identical request already in flight: wait for its reply instead
	 * of paying twice */
	if (!gw->opts.no_cache && !j->req.no_cache) {
		json_t *lj = json_object_get(gw->inflight_keys, j->key);
		if (lj) {
			ba_job *leader = (ba_job *)(intptr_t)json_integer_value(lj);
			j->next = leader->followers;
			leader->followers = j;
			return;
		}
		json_object_set_new(gw->inflight_keys, j->key, json_integer((json_int_t)(intptr_t)j));
		j->leader = 1;
	}
	ps_push(j->ps, j);
}

/* ---- after a transfer ---- */

static void schedule_retry(ba_gateway *gw, ba_job *j, double now)
{
	double cap, delay;

	j->attempt++;
	if (j->attempt > gw->max_retries) {
		char last[900];
		snprintf(last, sizeof(last), "%.880s", j->errmsg);
		job_fail(gw, j, BA_EHTTP, "%s (gave up after %d attempts)", last, j->attempt);
		return;
	}
	pthread_mutex_lock(&gw->mu);
	gw->stats.retries++;
	pthread_mutex_unlock(&gw->mu);
	cap = fmin(gw->retry_max_ms, gw->retry_base_ms * pow(2, j->attempt - 1));
	delay = ba_rng_double(&gw->rng) * cap; /* full jitter */
	if (j->retry_after_ms > 0 && j->retry_after_ms > delay)
		delay = fmin((double)j->retry_after_ms, gw->retry_after_max_ms);
	BA_DEBUG("retrying %.12s in %.0f ms: %s", j->key, delay, j->errmsg);
	j->timer_kind = TIMER_SEND;
	j->t_due = now + delay / 1000.0;
	heap_push(gw, j);
}

static const json_t *find_tool(const json_t *tools, const char *name)
{
	size_t i;
	json_t *t;

	json_array_foreach(tools, i, t) {
		json_t *f = json_object_get(t, "function");
		if (!strcmp(ba_json_str(f ? f : t, "name", ""), name))
			return f ? f : t;
	}
	return NULL;
}

/* Lenient JSON from model text: whole text, else inside ``` fences, else
 * from the first { or [ to the last } or ]. New ref or NULL. */
static json_t *parse_model_json(const char *s, ba_error *err)
{
	json_error_t e;
	json_t *j;
	const char *a, *b;

	j = json_loads(s, JSON_DECODE_ANY, &e);
	if (j)
		return j;
	ba_error_set(err, BA_ESCHEMA, "reply is not valid JSON: %s at line %d column %d", e.text, e.line, e.column);
	a = strstr(s, "```");
	if (a) {
		a += 3;
		while (*a && *a != '\n')
			a++;
		b = strstr(a, "```");
		if (b && (j = json_loadb(a, (size_t)(b - a), JSON_DECODE_ANY, &e)))
			return j;
	}
	a = strpbrk(s, "{[");
	if (a) {
		const char *end1 = strrchr(s, '}'), *end2 = strrchr(s, ']');
		b = end1 > end2 ? end1 : end2;
		if (b && b > a && (j = json_loadb(a, (size_t)(b - a + 1), JSON_DECODE_ANY, &e)))
			return j;
	}
	return NULL;
}

/* Check a parsed reply against what the request demanded. 0 = fine
 * (*json_out set for schema/json requests), else err says why. */
static int post_check(ba_job *j, ba_wire_reply *w, json_t **json_out, ba_error *err)
{
	size_t i;
	json_t *call;

	*json_out = NULL;
	if (j->kind == JOB_EMBED)
		return 0;
	if (json_array_size(w->tool_calls)) {
		json_array_foreach(w->tool_calls, i, call) {
			const char *name = ba_json_str(call, "name", "");
			json_t *args = json_object_get(call, "arguments");
			const json_t *tool, *params;
			if (json_is_string(args)) {
				const char *txt = json_string_value(args);
				json_t *parsed;
				json_error_t e;
				parsed = *txt ? json_loads(txt, 0, &e) : json_object();
				if (!parsed)
					return ba_error_set(err, BA_ESCHEMA, "tool call '%s': arguments are not valid JSON: %s",
							    name, e.text);
				json_object_set_new(call, "arguments", parsed);
				args = parsed;
			}
			if (!json_is_object(args))
				return ba_error_set(err, BA_ESCHEMA, "tool call '%s': arguments must be a JSON object", name);
			tool = find_tool(j->req.tools, name);
			if (!tool)
				return ba_error_set(err, BA_ESCHEMA, "called tool '%s', which was not offered", name);
			params = json_object_get(tool, "parameters");
			if (params && ba_schema_validate(params, args, err) != 0)
				return ba_error_prefix(err, "tool call '%s' arguments: ", name);
		}
		return 0;
	}
	if (j->req.tools && j->req.tool_choice && strcmp(j->req.tool_choice, "auto") &&
	    strcmp(j->req.tool_choice, "none"))
		return ba_error_set(err, BA_ESCHEMA, "no tool was called, but tool_choice '%s' requires a call",
				    j->req.tool_choice);
	if (j->req.schema || j->req.json_mode) {
		json_t *v;
		if (!w->content || !*w->content)
			return ba_error_set(err, BA_ESCHEMA, "empty reply where JSON was required");
		if (!(v = parse_model_json(w->content, err)))
			return BA_ESCHEMA;
		if (j->req.schema && ba_schema_validate(j->req.schema, v, err) != 0) {
			json_decref(v);
			return BA_ESCHEMA;
		}
		if (!j->req.schema && !json_is_object(v) && !json_is_array(v)) {
			json_decref(v);
			return ba_error_set(err, BA_ESCHEMA, "reply is JSON but not an object");
		}
		*json_out = v;
	}
	return 0;
}

/* Append the rejected reply and the reason to the conversation and rebuild
 * the body. -1 when the conversation was not kept (plain requests). */
static int reask(ba_gateway *gw, ba_job *j, ba_wire_reply *w, const char *why)
{
	json_t *m;
	char *said;

	if (!j->messages)
		return -1;
	m = json_deep_copy(j->messages);

	if (w->content && *w->content)
		said = ba_strdup(w->content);
	else if (w->tool_calls) {
		char *tc = json_dumps(w->tool_calls, JSON_COMPACT);
		said = ba_asprintf("(called tools: %s)", tc ? tc : "?");
		free(tc);
	} else
		said = ba_strdup("(empty reply)");
	json_array_append_new(m, json_pack("{s:s, s:s}", "role", "assistant", "content", said));
	json_array_append_new(m, json_pack("{s:s, s:s++}", "role", "user", "content",
					   "Your previous reply was rejected: ", why,
					   ". Reply again, following the required format exactly."));
	free(said);
	json_decref(j->messages);
	j->messages = m;
	free(j->payload);
	j->payload = NULL;
	j->reasks++;
	j->attempt = 0;
	j->est_tokens = 0;
	ba_http_payload(j);
	pthread_mutex_lock(&gw->mu);
	gw->stats.retries++;
	pthread_mutex_unlock(&gw->mu);
	return 0;
}

/* Loop thread: a transfer ended. Failures are retried or reported here;
 * a 2xx reply goes to the writer thread, which parses and checks it, so
 * the event loop's own work per request stays small. */
/* Passive health: a failed endpoint rests (0.25 s doubling up to 30 s),
 * a working one is trusted again at once. 1 = failed over: the job goes
 * straight to another, healthy endpoint instead of waiting a backoff. */
static int endpoint_outcome(ba_gateway *gw, ba_job *j, int r, double now)
{
	endpoint_state *e;

	if (j->ep < 0 || !j->ps || j->ep >= (int)j->ps->neps)
		return 0;
	e = &j->ps->eps[j->ep];
	e->inflight--;
	if (r == 0) {
		e->fails = 0;
		e->oks++;
		e->ok_ms += (now - j->t_sent) * 1000.0;
		return 0;
	}
	if (r != 1)
		return 0; /* the request's fault (HTTP 4xx), not the endpoint's */
	e->failures++;
	e->fails++;
	e->rest_until = now + fmin(30.0, 0.25 * pow(2, e->fails - 1));
	if (j->ps->neps < 2 || !ba_endpoint_other_healthy(j->ps, j->ep, now) || j->attempt >= gw->max_retries)
		return 0;
	j->attempt++; /* bounded like retries, but without the backoff */
	BA_DEBUG("failing over %.12s from %s: %s", j->key, e->url, j->errmsg);
	pthread_mutex_lock(&gw->mu);
	gw->stats.failovers++;
	pthread_mutex_unlock(&gw->mu);
	ps_push(j->ps, j);
	return 1;
}

static void transfer_done(ba_gateway *gw, ba_job *j, CURLcode cc, double now)
{
	int r;

	j->ps->inflight--;
	r = ba_http_classify(gw, j, cc);
	ba_http_release(gw, j);
	if (endpoint_outcome(gw, j, r, now))
		return;
	if (r == 1) {
		schedule_retry(gw, j, now);
		return;
	}
	if (r < 0) {
		job_fail(gw, j, r, NULL);
		return;
	}
	/* identical requests arriving from now on are sent anew; the ones
	 * already waiting ride along and are settled with the final result */
	unregister_leader(gw, j);
	j->needs_parse = 1;
	j->rc = 0;
	append_done(gw, j);
}

static void set_fail(ba_job *j, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_fail(ba_job *j, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->errmsg, sizeof(j->errmsg), fmt, ap);
	va_end(ap);
	ba_redact_key(j, j->errmsg);
	j->rc = rc;
}

/* Writer thread: parse and check a 2xx reply. 0 = the job has its final
 * result (j->rc); 1 = it went back to the loop (retry or re-ask). */
static int complete_reply(ba_gateway *gw, ba_job *j)
{
	ba_wire_reply w;
	ba_error err = BA_ERROR_INIT;
	json_t *parsed = NULL;
	ba_llm_response *resp;

	memset(&w, 0, sizeof(w));
	j->needs_parse = 0;
	if (ba_http_parse(j, &w) != 0) {
		ba_wire_reply_clear(&w);
		requeue(gw, j, RESUME_RETRY);
		return 1;
	}
	if (!w.have_usage) {
		/* servers that report no usage: estimate, so budgets still bite */
		w.prompt_tokens = ba_request_estimate_tokens(j);
		w.completion_tokens = (long)((w.content ? strlen(w.content) : 0) / 4 + 1);
	}
	account(gw, j, w.prompt_tokens, w.completion_tokens);
	if (post_check(j, &w, &parsed, &err) != 0) {
		if (j->reasks < j->req.max_schema_retries && reask(gw, j, &w, err.msg) == 0) {
			BA_DEBUG("re-asking %.12s: %s", j->key, err.msg);
			ba_wire_reply_clear(&w);
			requeue(gw, j, RESUME_SEND);
			return 1;
		}
		set_fail(j, BA_ESCHEMA, "provider '%s' (model %s): reply failed validation after %d attempt%s: %.800s",
			 j->prov->name, j->model, j->reasks + 1, j->reasks ? "s" : "", err.msg);
		ba_wire_reply_clear(&w);
		return 0;
	}
	ba_buf_free(&j->reply);
	resp = ba_response_new();
	resp->content = w.content;
	w.content = NULL;
	resp->tool_calls = w.tool_calls;
	w.tool_calls = NULL;
	resp->choices = w.choices;
	w.choices = NULL;
	resp->finish_reason = w.finish_reason;
	w.finish_reason = NULL;
	resp->json = j->kind == JOB_EMBED ? w.embeddings : parsed;
	w.embeddings = NULL;
	resp->provider = ba_strdup(j->prov->name);
	resp->model = ba_strdup(j->model);
	resp->prompt_tokens = j->prompt_tokens;
	resp->completion_tokens = j->completion_tokens;
	resp->cost_usd = j->cost;
	resp->latency_ms = (ba_now() - j->t_start) * 1000.0;
	memcpy(resp->key, j->key, sizeof(resp->key));
	j->resp = resp;
	j->rc = 0;
	ba_wire_reply_clear(&w);
	return 0;
}

/* Writer thread: finish the replies that need parsing; jobs sent back to
 * the loop leave the list, settled followers join it. */
static ba_job *complete_replies(ba_gateway *gw, ba_job *list)
{
	ba_job *out = NULL, **tail = &out, *j, *next, *f, *fnext;

	for (j = list; j; j = next) {
		next = j->next;
		j->next = NULL;
		if (j->needs_parse) {
			if (complete_reply(gw, j))
				continue;
			*tail = j;
			tail = &j->next;
			for (f = settle_followers(j); f; f = fnext) {
				fnext = f->next;
				f->next = NULL;
				*tail = f;
				tail = &f->next;
			}
			continue;
		}
		*tail = j;
		tail = &j->next;
	}
	return out;
}

/* ---- storing and delivering ---- */

static void deliver(ba_gateway *gw, ba_job *list)
{
	ba_job *j, *next;
	long n = 0;
	int txn;

	list = complete_replies(gw, list);
	if (!list)
		return;
	if (gw->st) {
		txn = ba_store_begin(gw->st, NULL) == 0;
		for (j = list; j; j = j->next) {
			if (j->dry)
				continue;
			if (j->cache_hit)
				ba_cache_hit(gw->st, j, j->resp);
			else if (j->rc == 0)
				ba_cache_put(gw->st, j, "ok", j->resp);
			else if (j->was_sent)
				ba_cache_put(gw->st, j, j->rc == BA_ESCHEMA ? "schema_error" : "error", NULL);
		}
		if (txn)
			ba_store_commit(gw->st, NULL);
	}
	pthread_mutex_lock(&gw->mu);
	for (j = list; j; j = j->next) {
		if (j->rc == 0) {
			gw->stats.calls++;
			if (j->cache_hit) {
				gw->stats.cached++;
				gw->stats.saved_usd += j->resp->cost_usd;
			}
		} else
			gw->stats.failed++;
	}
	pthread_mutex_unlock(&gw->mu);
	for (j = list; j; j = next) {
		ba_llm_response *resp = j->resp;
		next = j->next;
		j->resp = NULL;
		if (j->rc != 0) {
			ba_llm_response_free(resp);
			resp = NULL;
		}
		if (j->done)
			j->done(j->ud, j->rc, resp, j->rc ? j->errmsg : NULL);
		else
			ba_llm_response_free(resp);
		ba_job_free(j);
		n++;
	}
	pthread_mutex_lock(&gw->mu);
	gw->pending -= n;
	if (gw->pending == 0)
		pthread_cond_broadcast(&gw->cv);
	pthread_mutex_unlock(&gw->mu);
}

static long list_len(const ba_job *j)
{
	long n = 0;
	for (; j; j = j->next)
		n++;
	return n;
}

/* Loop thread: hand this turn's finished jobs to the writer. */
static void flush(ba_gateway *gw)
{
	ba_job *list = gw->done_head;

	if (!list)
		return;
	pthread_mutex_lock(&gw->wmu);
	if (gw->w_tail)
		gw->w_tail->next = list;
	else
		gw->w_head = list;
	gw->w_tail = gw->done_tail;
	gw->w_count += list_len(list);
	pthread_cond_signal(&gw->wcv);
	pthread_mutex_unlock(&gw->wmu);
	gw->done_head = gw->done_tail = NULL;
}

void *ba_writer_main(void *arg)
{
	ba_gateway *gw = arg;
	ba_job *list;

	pthread_mutex_lock(&gw->wmu);
	for (;;) {
		while (!gw->w_head && !gw->w_stop)
			pthread_cond_wait(&gw->wcv, &gw->wmu);
		if (!gw->w_head)
			break;
		/* Under load, gather a few milliseconds of finished calls into one
		 * transaction: each commit rewrites the same B-tree pages, so tiny
		 * transactions multiply the bytes written. A lone call (nothing
		 * else in flight) is stored at once. */
		if (!gw->w_stop && gw->st) {
			long pending, queued = gw->w_count;
			pthread_mutex_lock(&gw->mu);
			pending = gw->pending;
			pthread_mutex_unlock(&gw->mu);
			if (queued < 2048 && pending - queued >= 32) {
				struct timespec ts;
				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_nsec += 20 * 1000000L;
				if (ts.tv_nsec >= 1000000000L) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000L;
				}
				while (gw->w_count < 2048 && gw->w_count < pending && !gw->w_stop &&
				       pthread_cond_timedwait(&gw->wcv, &gw->wmu, &ts) == 0)
					;
			}
		}
		list = gw->w_head;
		gw->w_head = gw->w_tail = NULL;
		gw->w_count = 0;
		pthread_mutex_unlock(&gw->wmu);
		deliver(gw, list);
		pthread_mutex_lock(&gw->wmu);
	}
	pthread_mutex_unlock(&gw->wmu);
	if (gw->st) {
		ba_store_lock(gw->st);
		ba_store_thread_release();
		ba_store_unlock(gw->st);
	}
	return NULL;
}

/* Loop thread: settle the jobs of finished batches (a reply goes to the
 * writer like a direct one; a retryable failure joins the next batch) and
 * launch the batches whose window has passed. Returns ms until the next
 * launch, or -1. */
static double batch_turn(ba_gateway *gw, double now)
{
	ba_job *j, *next;
	double wait = -1, w;
	size_t i;

	for (j = ba_batch_take_done(gw); j; j = next) {
		next = j->next;
		j->next = NULL;
		if (j->bstate == BJ_OK) {
			unregister_leader(gw, j);
			j->needs_parse = 1;
			j->rc = 0;
			append_done(gw, j);
		} else if (j->bstate == BJ_RETRY && ++j->attempt <= gw->max_retries) {
			pthread_mutex_lock(&gw->mu);
			gw->stats.retries++;
			pthread_mutex_unlock(&gw->mu);
			ba_batch_collect(j->ps, j, now);
		} else if (j->bstate == BJ_RETRY) {
			char last[900];
			snprintf(last, sizeof(last), "%.880s", j->errmsg);
			job_fail(gw, j, BA_EHTTP, "%s (gave up after %d batches)", last, j->attempt);
		} else
			job_fail(gw, j, BA_EHTTP, NULL);
	}
	for (i = 0; i < gw->nps; i++) {
		w = ba_batch_launch(gw, &gw->ps[i], now);
		if (w >= 0 && (wait < 0 || w < wait))
			wait = w;
	}
	return wait;
}

void *ba_loop_main(void *arg)
{
	ba_gateway *gw = arg;

	gw->inflight_keys = json_object();
	for (;;) {
		ba_job *in, *j, *next;
		double now, timeout = 1000, w;
		int running, msgs, stop;
		CURLMsg *msg;
		size_t i;

		pthread_mutex_lock(&gw->mu);
		in = gw->in_head;
		gw->in_head = gw->in_tail = NULL;
		stop = gw->stop && gw->pending == 0;
		pthread_mutex_unlock(&gw->mu);
		if (stop)
			break;
		now = ba_now();
		for (j = in; j; j = next) {
			next = j->next;
			j->next = NULL;
			if (j->resume == RESUME_RETRY) {
				j->resume = 0;
				schedule_retry(gw, j, now);
			} else if (j->resume == RESUME_SEND) {
				j->resume = 0;
				ps_push(j->ps, j);
			} else
				accept_job(gw, j, now);
		}
		while (gw->nheap && gw->heap[0]->t_due <= now) {
			j = heap_pop(gw);
			if (j->timer_kind == TIMER_MOCK)
				ba_loop_finish(gw, j);
			else
				ps_push(j->ps, j);
		}
		for (i = 0; i < gw->nps; i++) {
			w = pump(gw, &gw->ps[i], now);
			if (w >= 0 && w < timeout)
				timeout = w;
		}
		curl_multi_perform(gw->multi, &running);
		now = ba_now();
		while ((msg = curl_multi_info_read(gw->multi, &msgs))) {
			if (msg->msg == CURLMSG_DONE) {
				CURL *e = msg->easy_handle;
				CURLcode cc = msg->data.result;
				ba_job *jj = NULL;
				curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&jj);
				if (jj)
					transfer_done(gw, jj, cc, now);
			}
		}
		/* re-asks and failures may have freed slots */
		for (i = 0; i < gw->nps; i++) {
			w = pump(gw, &gw->ps[i], now);
			if (w >= 0 && w < timeout)
				timeout = w;
		}
		w = batch_turn(gw, now);
		if (w >= 0 && w < timeout)
			timeout = w;
		flush(gw);
		if (gw->nheap) {
			w = (gw->heap[0]->t_due - ba_now()) * 1000.0;
			if (w < timeout)
				timeout = w < 0 ? 0 : w;
		}
		pthread_mutex_lock(&gw->mu);
		if (gw->in_head || (gw->stop && gw->pending == 0))
			timeout = 0;
		pthread_mutex_unlock(&gw->mu);
		curl_multi_poll(gw->multi, NULL, 0, (int)ceil(timeout), NULL);
	}
	json_decref(gw->inflight_keys);
	gw->inflight_keys = NULL;
	if (gw->st) {
		ba_store_lock(gw->st);
		ba_store_thread_release();
		ba_store_unlock(gw->st);
	}
	return NULL;
}
