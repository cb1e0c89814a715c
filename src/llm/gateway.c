/*
 * gateway.c - the public face of the gateway: creation, job submission
 * (async and blocking), embeddings, stats. The work itself happens on the
 * event-loop thread (loop.c).
 */
#define BA_LOG_MODULE "llm"
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/log.h"
#include "benchagent/sha256.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int ba_gateway_new(ba_gateway **out, const ba_config *cfg, ba_store *st,
		   const ba_gateway_options *opts, ba_error *err)
{
	ba_gateway *gw;
	size_t i, total_conc = 0;

	*out = NULL;
	if (!cfg)
		return ba_error_set(err, BA_EINVAL, "gateway: no configuration");
	pthread_once(&curl_once, curl_init_once);
	gw = ba_calloc(1, sizeof(*gw));
	gw->cfg = cfg;
	gw->st = st;
	if (opts)
		gw->opts = *opts;
	pthread_mutex_init(&gw->mu, NULL);
	pthread_cond_init(&gw->cv, NULL);
	pthread_mutex_init(&gw->wmu, NULL);
	pthread_cond_init(&gw->wcv, NULL);
	pthread_mutex_init(&gw->bmu, NULL);
	gw->nps = cfg->nproviders;
	gw->ps = ba_calloc(gw->nps ? gw->nps : 1, sizeof(*gw->ps));
	for (i = 0; i < gw->nps; i++) {
		provider_state *ps = &gw->ps[i];
		ps->cfg = &cfg->providers[i];
		ps->req_bucket = -1; /* filled on first use */
		ps->neps = ps->cfg->nbase_urls ? ps->cfg->nbase_urls : 1;
		ps->eps = ba_calloc(ps->neps, sizeof(*ps->eps));
		for (size_t e = 0; e < ps->neps; e++)
			ps->eps[e].url = ps->cfg->nbase_urls ? ps->cfg->base_urls[e] : ps->cfg->base_url;
		total_conc += (size_t)(ps->cfg->max_concurrency > 0 ? ps->cfg->max_concurrency : 32);
	}
	gw->max_retries = cfg->gateway.max_retries;
	gw->retry_base_ms = cfg->gateway.retry_base_ms;
	gw->retry_max_ms = cfg->gateway.retry_max_ms;
	gw->retry_after_max_ms = cfg->gateway.retry_after_max_s * 1000.0;
	gw->max_reply = (size_t)(cfg->gateway.max_reply_mb * 1024 * 1024);
	gw->batch_window_ms = cfg->gateway.batch_window_ms;
	gw->batch_poll_ms = cfg->gateway.batch_poll_s * 1000.0;
	ba_defer_init(gw);
	gw->budget_usd = gw->opts.budget_usd > 0 ? gw->opts.budget_usd : cfg->budget_usd;
	gw->budget_tokens = gw->opts.budget_tokens > 0 ? gw->opts.budget_tokens : cfg->budget_tokens;
	gw->ws_budget_usd = cfg->workspace_budget_usd;
	gw->ws_spent = st ? ba_call_spent_usd(st, 0) : 0;
	ba_rng_seed(&gw->rng, (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)gw, 3);
	gw->stats.dry_run = gw->opts.dry_run;

	gw->multi = curl_multi_init();
	if (!gw->multi) {
		ba_gateway_free(gw);
		return ba_error_set(err, BA_ENOMEM, "gateway: cannot create the HTTP event loop");
	}
	curl_multi_setopt(gw->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(gw->multi, CURLMOPT_MAXCONNECTS, (long)(total_conc + 16));
	if (pthread_create(&gw->writer, NULL, ba_writer_main, gw) != 0) {
		ba_gateway_free(gw);
		return ba_error_set(err, BA_ERR, "gateway: cannot start the writer thread");
	}
	gw->writer_started = 1;
	if (pthread_create(&gw->thread, NULL, ba_loop_main, gw) != 0) {
		ba_gateway_free(gw);
		return ba_error_set(err, BA_ERR, "gateway: cannot start the event-loop thread");
	}
	gw->thread_started = 1;
	*out = gw;
	return 0;
}

void ba_gateway_free(ba_gateway *gw)
{
	size_t i;

	if (!gw)
		return;
	if (gw->thread_started) {
		ba_gateway_wait(gw);
		pthread_mutex_lock(&gw->mu);
		gw->stop = 1;
		pthread_mutex_unlock(&gw->mu);
		curl_multi_wakeup(gw->multi);
		pthread_join(gw->thread, NULL);
	}
	if (gw->writer_started) {
		pthread_mutex_lock(&gw->wmu);
		gw->w_stop = 1;
		pthread_cond_signal(&gw->wcv);
		pthread_mutex_unlock(&gw->wmu);
		pthread_join(gw->writer, NULL);
	}
	/* endpoint counters of this process, added to the store's (for `cost`) */
	for (i = 0; gw->st && i < gw->nps; i++)
		for (size_t e = 0; e < gw->ps[i].neps; e++) {
			const endpoint_state *ep = &gw->ps[i].eps[e];
			if (ep->requests && ep->url)
				ba_endpoint_stats_add(gw->st, gw->ps[i].cfg->name, ep->url, ep->requests, ep->failures,
						      ep->oks, ep->ok_ms);
		}
	for (i = 0; i < gw->neasy; i++)
		curl_easy_cleanup(gw->easy_pool[i]);
	free(gw->easy_pool);
	if (gw->multi)
		curl_multi_cleanup(gw->multi);
	free(gw->heap);
	for (i = 0; i < gw->nps; i++) {
		curl_slist_free_all(gw->ps[i].shared_hdrs[0]);
		curl_slist_free_all(gw->ps[i].shared_hdrs[1]);
		free(gw->ps[i].eps);
	}
	free(gw->ps);
	free(gw->runs);
	for (ba_job *j = ba_defer_free(gw), *next; j; j = next) {
		next = j->next;
		ba_job_free(j);
	}
	pthread_mutex_destroy(&gw->mu);
	pthread_cond_destroy(&gw->cv);
	pthread_mutex_destroy(&gw->wmu);
	pthread_cond_destroy(&gw->wcv);
	pthread_mutex_destroy(&gw->bmu);
	free(gw);
}

static int resolve(ba_gateway *gw, const ba_llm_request *req, const ba_provider_cfg **prov,
		   const char **model, ba_error *err)
{
	const ba_config *cfg = gw->cfg;
	int rc;

	if (cfg->provider_override) {
		if ((rc = ba_config_resolve(cfg, req->role, prov, model, err)) != 0)
			return rc;
		if (req->model && (!req->provider || !strcmp(req->provider, (*prov)->name)))
			*model = req->model;
		return 0;
	}
	if (req->provider) {
		*prov = ba_config_provider(cfg, req->provider);
		if (!*prov)
			return ba_error_set(err, BA_EINVAL, "unknown provider '%s' (not in benchagent.yaml providers)",
					    req->provider);
		if (req->model)
			*model = req->model;
		else {
			const ba_provider_cfg *rp;
			const char *rm;
			/* the role's model when the role points at this provider */
			if (ba_config_resolve(cfg, req->role, &rp, &rm, NULL) == 0 && rp == *prov)
				*model = rm;
			else
				*model = (*prov)->default_model ? (*prov)->default_model : "default";
		}
		return 0;
	}
	if ((rc = ba_config_resolve(cfg, req->role, prov, model, err)) != 0)
		return rc;
	if (req->model)
		*model = req->model;
	return 0;
}

/* A request whose parts carry media the provider's protocol cannot take
 * is refused here (never sent with the media silently left out). */
static int refuse_media(const ba_provider_cfg *prov, const char *model, const json_t *messages,
			ba_error *err)
{
	unsigned lack = ba_llm_media_needed(messages) & ~ba_llm_media_accepted(prov);
	unsigned bit = lack & BA_MEDIA_AUDIO ? BA_MEDIA_AUDIO : BA_MEDIA_IMAGE;

	if (!lack)
		return 0;
	ba_error_set(err, BA_EINVAL, "model %s/%s: protocol %s cannot take %s input",
		     prov->name ? prov->name : "?", model ? model : "?", ba_protocol_name(prov->protocol),
		     ba_llm_media_name(bit));
	return 1;
}

static ba_job *job_new(ba_gateway *gw, const ba_llm_request *req, job_kind kind, json_t *texts,
		       ba_error *err)
{
	const ba_provider_cfg *prov = NULL;
	const char *model = NULL;
	ba_job *j;
	json_t *canon, *empty;
	size_t i;

	if (resolve(gw, req, &prov, &model, err) != 0)
		return NULL;
	if (kind == JOB_CHAT) {
		if (req->messages && !json_is_array(req->messages)) {
			ba_error_set(err, BA_EINVAL, "request: messages must be an array of {role, content}");
			return NULL;
		}
		if (json_array_size(req->messages) == 0 && !req->system) {
			ba_error_set(err, BA_EINVAL, "request: no messages and no system prompt");
			return NULL;
		}
		if (req->tools && !json_is_array(req->tools)) {
			ba_error_set(err, BA_EINVAL, "request: tools must be an array of {type: function, function: {...}}");
			return NULL;
		}
		if (req->schema && !json_is_object(req->schema)) {
			ba_error_set(err, BA_EINVAL, "request: schema must be a JSON object");
			return NULL;
		}
		if (refuse_media(prov, model, req->messages, err))
			return NULL;
	}
	j = ba_calloc(1, sizeof(*j));
	j->kind = kind;
	ba_request_copy(&j->req, req);
	if (j->req.n < 1)
		j->req.n = 1;
	/* borrowed from the caller until the key and body are made */
	empty = req->messages ? NULL : json_array();
	j->req.messages = req->messages ? req->messages : empty;
	j->messages = (json_t *)j->req.messages;
	j->texts = texts;
	j->prov = prov;
	for (i = 0; i < gw->nps; i++)
		if (gw->ps[i].cfg == prov)
			j->ps = &gw->ps[i];
	j->model = ba_strdup(model);
	canon = ba_request_canonical(&j->req, j->model, kind, texts);
	j->canon = ba_json_canonical(canon);
	json_decref(canon);
	ba_sha256_hex(j->canon, strlen(j->canon), j->key);
	j->run_id = req->run_id ? req->run_id : gw->opts.run_id;
	j->dry = gw->opts.dry_run;
	/* calls that can wait go through the provider's batch API (half the
	 * price) when --batch-api or the provider's batch_api asks for it */
	j->batch = kind == JOB_CHAT && req->can_wait && !j->dry &&
		   (gw->opts.batch_api || prov->batch_api || ba_defer_role_batches(gw, req->role)) &&
		   ba_wire_of(prov)->batch != NULL;
	if (j->batch)
		j->req.stream = 0;
	/* serialise the HTTP body here, on the caller's thread, keeping the
	 * event loop's own work per request small */
	if (!j->dry && prov->protocol != BA_PROTO_MOCK)
		ba_http_payload(j);
	/* keep a copy of the conversation only if something may need it again:
	 * the mock, a re-ask, a rebuilt body or a token estimate */
	if (kind == JOB_CHAT && (!j->payload || j->dry || prov->protocol == BA_PROTO_MOCK || req->schema ||
				 req->json_mode || json_array_size(req->tools) || prov->tpm > 0)) {
		json_t *copy = json_deep_copy(j->messages);
		j->req.messages = copy;
		j->messages = json_incref(copy);
	} else {
		j->req.messages = NULL;
		j->messages = NULL;
	}
	json_decref(empty);
	j->t_start = ba_now();
	ba_buf_init(&j->reply, gw->max_reply);
	return j;
}

void ba_job_free(ba_job *j)
{
	if (!j)
		return;
	ba_request_clear(&j->req);
	json_decref(j->messages);
	json_decref(j->texts);
	free(j->model);
	free(j->canon);
	free(j->payload);
	ba_buf_free(&j->reply);
	ba_llm_response_free(j->resp);
	free(j);
}

static int enqueue_list(ba_gateway *gw, ba_job *head)
{
	ba_job *tail = head;
	long n = 1;
	int wake;

	while (tail->next) {
		tail = tail->next;
		n++;
	}
	pthread_mutex_lock(&gw->mu);
	if (gw->stop) {
		pthread_mutex_unlock(&gw->mu);
		return -1;
	}
	/* the loop drains the whole queue each turn: wake it only for the first */
	wake = gw->in_head == NULL;
	if (gw->in_tail)
		gw->in_tail->next = head;
	else
		gw->in_head = head;
	gw->in_tail = tail;
	gw->pending += n;
	pthread_mutex_unlock(&gw->mu);
	if (wake)
		curl_multi_wakeup(gw->multi);
	return 0;
}

static int enqueue(ba_gateway *gw, ba_job *j)
{
	j->next = NULL;
	return enqueue_list(gw, j);
}

int ba_llm_submit(ba_gateway *gw, const ba_llm_request *req, ba_llm_done_fn done, void *ud,
		  ba_error *err)
{
	ba_job *j;

	if (!gw || !req)
		return ba_error_set(err, BA_EINVAL, "ba_llm_submit: no gateway or request");
	if (!(j = job_new(gw, req, JOB_CHAT, NULL, err)))
		return err ? err->code : BA_EINVAL;
	j->done = done;
	j->ud = ud;
	if (enqueue(gw, j) != 0) {
		ba_job_free(j);
		return ba_error_set(err, BA_ECANCEL, "gateway is shutting down");
	}
	return 0;
}

typedef struct {
	pthread_mutex_t m;
	pthread_cond_t c;
	int done;
	int rc;
	ba_llm_response *resp;
	char msg[1024];
} sync_wait;

static void sync_done(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	sync_wait *w = ud;

	pthread_mutex_lock(&w->m);
	w->rc = rc;
	w->resp = resp;
	if (errmsg)
		snprintf(w->msg, sizeof(w->msg), "%s", errmsg);
	w->done = 1;
	pthread_cond_signal(&w->c);
	pthread_mutex_unlock(&w->m);
}

static int on_loop_thread(ba_gateway *gw)
{
	return (gw->thread_started && pthread_equal(pthread_self(), gw->thread)) ||
	       (gw->writer_started && pthread_equal(pthread_self(), gw->writer));
}

static int run_sync(ba_gateway *gw, ba_job *j, ba_llm_response **out, ba_error *err)
{
	sync_wait w;
	int rc;

	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.m, NULL);
	pthread_cond_init(&w.c, NULL);
	j->done = sync_done;
	j->ud = &w;
	if (enqueue(gw, j) != 0) {
		ba_job_free(j);
		rc = ba_error_set(err, BA_ECANCEL, "gateway is shutting down");
		goto out;
	}
	pthread_mutex_lock(&w.m);
	while (!w.done)
		pthread_cond_wait(&w.c, &w.m);
	pthread_mutex_unlock(&w.m);
	rc = w.rc;
	if (rc == 0)
		*out = w.resp;
	else {
		ba_llm_response_free(w.resp);
		ba_error_set(err, rc, "%s", w.msg[0] ? w.msg : ba_strerror(rc));
	}
out:
	pthread_mutex_destroy(&w.m);
	pthread_cond_destroy(&w.c);
	return rc;
}

int ba_llm_call(ba_gateway *gw, const ba_llm_request *req, ba_llm_response **out, ba_error *err)
{
	ba_job *j;

	*out = NULL;
	if (!gw || !req)
		return ba_error_set(err, BA_EINVAL, "ba_llm_call: no gateway or request");
	if (on_loop_thread(gw))
		return ba_error_set(err, BA_EINVAL,
				    "ba_llm_call from a gateway callback would deadlock; use ba_llm_submit there");
	if (!(j = job_new(gw, req, JOB_CHAT, NULL, err)))
		return err ? err->code : BA_EINVAL;
	/* a blocking call never sits through a batch: it is answered from the
	 * cache or queued for the next batch round (BA_EPENDING) */
	if (j->batch && gw->st) {
		int d = ba_defer_check(gw, j, err);
		if (d == BA_DEFER_QUEUED)
			return BA_EPENDING;
		if (d != BA_DEFER_RUN) {
			ba_job_free(j);
			return d == BA_DEFER_SAME ? BA_EPENDING : d;
		}
	}
	return run_sync(gw, j, out, err);
}

long ba_gateway_batch_round(ba_gateway *gw)
{
	ba_job *head, *j, *next;
	long n = 0;

	if (!gw || on_loop_thread(gw) || !(head = ba_defer_take(gw)))
		return 0;
	for (j = head; j; j = j->next)
		n++;
	/* one hand-over: the loop takes them in one turn, so one batch per provider */
	if (enqueue_list(gw, head) != 0) {
		for (j = head; j; j = next) {
			next = j->next;
			j->done(j->ud, BA_ECANCEL, NULL, "gateway is shutting down");
			ba_job_free(j);
		}
		return -1;
	}
	pthread_mutex_lock(&gw->mu);
	gw->stats.batch_rounds++;
	pthread_mutex_unlock(&gw->mu);
	BA_INFO("batch round: %ld call(s) sent through provider batch APIs", n);
	ba_gateway_wait(gw);
	return n;
}

void ba_gateway_wait(ba_gateway *gw)
{
	if (!gw || on_loop_thread(gw))
		return;
	pthread_mutex_lock(&gw->mu);
	while (gw->pending > 0)
		pthread_cond_wait(&gw->cv, &gw->mu);
	pthread_mutex_unlock(&gw->mu);
}

void ba_gateway_stats_get(ba_gateway *gw, ba_gateway_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!gw)
		return;
	pthread_mutex_lock(&gw->mu);
	*out = gw->stats;
	pthread_mutex_unlock(&gw->mu);
}

static int embed_mock(ba_gateway *gw, const ba_provider_cfg *prov, const char *model, const char *const *texts,
		      size_t n, float **vecs, size_t *dim)
{
	size_t i;
	long toks = 0;
	double cost, pin, pout;

	*vecs = ba_malloc((n ? n : 1) * BA_MOCK_EMBED_DIM * sizeof(float));
	*dim = BA_MOCK_EMBED_DIM;
	for (i = 0; i < n; i++) {
		ba_mock_embed_text(texts[i], *vecs + i * BA_MOCK_EMBED_DIM, BA_MOCK_EMBED_DIM);
		toks += (long)(strlen(texts[i] ? texts[i] : "") / 4 + 1);
	}
	ba_llm_price(prov, model, &pin, &pout);
	cost = gw->opts.dry_run ? toks * pin / 1e6 : 0;
	pthread_mutex_lock(&gw->mu);
	gw->stats.calls++;
	gw->stats.prompt_tokens += toks;
	gw->stats.cost_usd += cost;
	pthread_mutex_unlock(&gw->mu);
	return 0;
}

/* One embeddings request for texts[0..n): vectors into out (n * d floats,
 * allocated here when *out is NULL, else d must match). */
static int embed_chunk(ba_gateway *gw, ba_llm_request *req, const ba_provider_cfg *prov,
		       const char *const *texts, size_t n, float **out, size_t *d, ba_error *err)
{
	ba_llm_response *resp = NULL;
	json_t *arr, *row;
	ba_job *j;
	size_t i, k, dd;
	int rc = 0;

	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(texts[i] ? texts[i] : ""));
	if (!(j = job_new(gw, req, JOB_EMBED, arr, err))) {
		json_decref(arr);
		return err ? err->code : BA_EINVAL;
	}
	if ((rc = run_sync(gw, j, &resp, err)) != 0)
		return rc;
	if (!json_is_array(resp->json) || json_array_size(resp->json) != n) {
		rc = ba_error_set(err, BA_EINVAL, "provider '%s': embeddings reply has %zu vectors for %zu texts",
				  prov->name, json_array_size(resp->json), n);
		goto out;
	}
	dd = json_array_size(json_array_get(resp->json, 0));
	if (dd == 0 || dd > 65536 || (*d && dd != *d)) {
		rc = ba_error_set(err, BA_EINVAL, "provider '%s': embedding dimension %zu is not usable", prov->name, dd);
		goto out;
	}
	*d = dd;
	if (!*out)
		*out = ba_malloc(n * dd * sizeof(float));
	json_array_foreach(resp->json, i, row) {
		double norm = 0;
		if (json_array_size(row) != dd) {
			rc = ba_error_set(err, BA_EINVAL, "provider '%s': embedding %zu has dimension %zu, expected %zu",
					  prov->name, i, json_array_size(row), dd);
			goto out;
		}
		for (k = 0; k < dd; k++) {
			float x = (float)json_number_value(json_array_get(row, k));
			(*out)[i * dd + k] = x;
			norm += (double)x * x;
		}
		if (norm > 0) {
			norm = sqrt(norm);
			for (k = 0; k < dd; k++)
				(*out)[i * dd + k] = (float)((*out)[i * dd + k] / norm);
		}
	}
out:
	ba_llm_response_free(resp);
	return rc;
}

/* Texts per embeddings request: keeps replies well under the size cap and
 * within provider input limits; each chunk is cached on its own. */
#define EMBED_CHUNK 256

int ba_llm_embed(ba_gateway *gw, const char *role, const char *const *texts, size_t n,
		 float **vecs, size_t *dim, ba_error *err)
{
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	const ba_provider_cfg *prov = NULL;
	const char *model = NULL;
	float *all = NULL, *part;
	size_t off, d = 0;
	int rc;

	*vecs = NULL;
	*dim = 0;
	if (!gw)
		return ba_error_set(err, BA_EINVAL, "ba_llm_embed: no gateway");
	req.role = role ? role : "embedding";
	if ((rc = resolve(gw, &req, &prov, &model, err)) != 0)
		return rc;
	if (prov->protocol == BA_PROTO_MOCK || gw->opts.dry_run)
		return embed_mock(gw, prov, model, texts, n, vecs, dim);
	if (!ba_wire_of(prov)->embed_body)
		return ba_error_set(err, BA_EINVAL,
				    "provider '%s' speaks the %s protocol, which has no embeddings endpoint; point role '%s' at an OpenAI-compatible provider",
				    prov->name, ba_protocol_name(prov->protocol), req.role);
	if (on_loop_thread(gw))
		return ba_error_set(err, BA_EINVAL, "ba_llm_embed from a gateway callback would deadlock");
	if (n == 0) {
		*vecs = ba_malloc(1);
		return 0;
	}
	req.system = "embed";
	for (off = 0; off < n; off += EMBED_CHUNK) {
		size_t m = n - off < EMBED_CHUNK ? n - off : EMBED_CHUNK;
		part = NULL;
		if ((rc = embed_chunk(gw, &req, prov, texts + off, m, &part, &d, err)) != 0) {
			free(part);
			free(all);
			return rc;
		}
		if (!all)
			all = ba_malloc(n * d * sizeof(float));
		memcpy(all + off * d, part, m * d * sizeof(float));
		free(part);
	}
	*vecs = all;
	*dim = d;
	return 0;
}
