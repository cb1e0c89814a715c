/*
 * batch.c - provider batch APIs for calls that can wait (eval, execution,
 * verification, audit): half the price, minutes to hours of latency. What
 * one provider's API looks like (the request lines, submit, poll, the
 * result lines) is its protocol's ba_batch_api, in the protocol's own
 * file (openai.c: upload a JSONL to /files, POST /batches, poll, download
 * the output and error files; anthropic.c: POST /v1/messages/batches,
 * poll, read the results_url); this file is what they share.
 *
 * The event loop collects batch jobs per provider (ba_batch_collect) and,
 * once no new one arrived for gateway.batch_window_ms, hands the list to a
 * batch thread (ba_batch_launch), which:
 *   1. looks every request's cache key up in the store: a request that is
 *      already in a batch still pending (a killed run) is polled there,
 *      never submitted again;
 *   2. submits the rest as one batch and records it in the store at once;
 *   3. polls until the batch ends, downloads the results, joins them on
 *      custom_id (order is not guaranteed), and gives each job its reply
 *      body (parsed, checked and cached by the writer thread like a direct
 *      reply), a retryable failure (resubmitted in the next batch: only
 *      what failed) or a final failure;
 * and then wakes the loop (ba_batch_take_done).
 *
 * Blocking HTTP on the batch thread's own curl handles: a handful of
 * requests per batch, none of them on the event loop.
 */
#define BA_LOG_MODULE "llm"
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- HTTP on the batch thread ---- */

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	return ba_buf_append(ud, ptr, size * nmemb) == 0 ? size * nmemb : 0;
}

/* One blocking request. post: JSON body (NULL: GET unless mime). 0 with
 * *status set (any HTTP status), or -1 on a transport failure (errmsg). */
int ba_batch_http(const ba_provider_cfg *p, const char *url, const char *post, curl_mime *mime, ba_buf *out,
		 long *status, char *errmsg, size_t errlen)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	CURLcode cc;

	*status = 0;
	ba_buf_reset(out);
	if (!e) {
		snprintf(errmsg, errlen, "cannot create an HTTP handle");
		return -1;
	}
	if (post)
		h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	if (ba_http_auth_headers(p, &h, errmsg, errlen) != 0) {
		ba_http_free_headers(h);
		curl_easy_cleanup(e);
		return -1;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	if (post) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(post));
	} else if (mime)
		curl_easy_setopt(e, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)((p->timeout_s > 0 ? p->timeout_s : 120) * 1000 * 5));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect could carry the key elsewhere */
	curl_easy_setopt(e, CURLOPT_USERAGENT, "benchagent/0.1");
	if (p->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, p->ca_file);
	cc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
	ba_http_free_headers(h);
	curl_easy_cleanup(e);
	if (cc != CURLE_OK) {
		snprintf(errmsg, errlen, "provider '%s' (%s): %s", p->name, url, curl_easy_strerror(cc));
		return -1;
	}
	return 0;
}

/* base_url without trailing slashes (and without a trailing /v1 when the
 * batch API's paths sit beside it, as Anthropic's do). */
char *ba_batch_base(const ba_provider_cfg *p)
{
	const char *b = p->base_url ? p->base_url : "";
	size_t n = strlen(b);

	while (n && b[n - 1] == '/')
		n--;
	if (ba_wire_of(p)->batch && ba_wire_of(p)->batch->strip_v1 && n >= 3 && !strncmp(b + n - 3, "/v1", 3))
		n -= 3;
	return ba_strndup(b, n);
}

/* GET/POST url and parse a JSON object reply; NULL with errmsg otherwise. */
json_t *ba_batch_json(const ba_provider_cfg *p, const char *url, const char *post, curl_mime *mime,
		     char *errmsg, size_t errlen)
{
	ba_buf b;
	long status;
	json_t *j = NULL;

	ba_buf_init(&b, 64u << 20);
	if (ba_batch_http(p, url, post, mime, &b, &status, errmsg, errlen) == 0) {
		if (status < 200 || status >= 300) {
			char *m = ba_wire_error_message(ba_buf_cstr(&b), b.len);
			snprintf(errmsg, errlen, "provider '%s': HTTP %ld from %s: %s", p->name, status, url,
				 m ? m : "(no message)");
			free(m);
		} else if (!(j = json_loadb(ba_buf_cstr(&b), b.len, 0, NULL)) || !json_is_object(j)) {
			json_decref(j);
			j = NULL;
			snprintf(errmsg, errlen, "provider '%s': %s did not answer with a JSON object", p->name, url);
		}
	}
	ba_buf_free(&b);
	return j;
}

int ba_batch_post(ba_batch_work *w, batch_set *s, const char *path, const char *id_key, const char *body_key,
		  char *err, size_t errlen)
{
	char *base = ba_batch_base(w->prov), *url = ba_asprintf("%s%s", base, path), *body;
	json_t *reqs = json_array(), *b;
	size_t i;
	int rc = -1;

	for (i = 0; i < s->n; i++) {
		json_t *one = json_loads(s->jobs[i]->payload, 0, NULL);
		json_array_append_new(reqs, json_pack("{s:s, s:o}", id_key, s->cids[i], body_key,
						      one ? one : json_object()));
	}
	b = json_pack("{s:o}", "requests", reqs);
	body = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	b = body ? ba_batch_json(w->prov, url, body, NULL, err, errlen) : NULL;
	if (b && json_is_string(json_object_get(b, "id"))) {
		snprintf(s->id, sizeof(s->id), "%s", json_string_value(json_object_get(b, "id")));
		rc = 0;
	} else if (b)
		snprintf(err, errlen, "provider '%s': %s answered without a batch id", w->prov->name, path);
	json_decref(b);
	free(body);
	free(url);
	free(base);
	return rc;
}

/* ---- job outcomes ---- */

void ba_batch_job_ok(ba_job *j, const json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);

	ba_buf_reset(&j->reply);
	if (!s || ba_buf_append(&j->reply, s, strlen(s)) != 0) {
		j->bstate = BJ_RETRY;
		snprintf(j->errmsg, sizeof(j->errmsg), "provider '%s': batch reply too large", j->prov->name);
	} else {
		j->bstate = BJ_OK;
		j->http_status = 200;
	}
	free(s);
}

void ba_batch_job_err(ba_job *j, int retry, const char *fmt, const char *a, const char *b)
{
	snprintf(j->errmsg, sizeof(j->errmsg), fmt, j->prov->name, j->model, a ? a : "", b ? b : "");
	ba_redact_key(j, j->errmsg);
	if (j->bstate == BJ_PENDING)
		j->bstate = retry ? BJ_RETRY : BJ_FAIL;
}

void ba_batch_fail_all(batch_set *s, int retry, const char *why)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		ba_batch_job_err(s->jobs[i], retry, "provider '%s' (model %s): batch: %s%s", why, NULL);
}

ba_job *ba_batch_job_of(batch_set *s, const char *cid)
{
	json_t *i = cid && s->index ? json_object_get(s->index, cid) : NULL;

	return i ? s->jobs[json_integer_value(i)] : NULL;
}

/* Apply every JSON line of a downloaded result file to its job. */
void ba_batch_each_line(batch_set *s, const ba_buf *b, void (*fn)(batch_set *, const json_t *))
{
	char *text = ba_strndup(ba_buf_cstr(b), b->len), *p, *nl;

	for (p = text; p && *p; p = nl) {
		json_t *l;
		if ((nl = strchr(p, '\n')))
			*nl++ = 0;
		if ((l = json_loads(p, 0, NULL)))
			fn(s, l);
		json_decref(l);
	}
	free(text);
}

void ba_batch_ended(ba_batch_work *w, const batch_set *s, const char *status)
{
	if (w->gw->st)
		ba_batch_set_status(w->gw->st, s->id, status);
}

/* ---- one batch set: submit (unless resumed), poll, collect ---- */

static void run_set(ba_batch_work *w, batch_set *s)
{
	ba_gateway *gw = w->gw;
	const ba_batch_api *api = ba_wire_of(w->prov)->batch;
	int r, errors = 0;
	char err[900] = "";
	size_t i;

	if (!s->id[0]) {
		double t0 = ba_now();
		r = api->submit(w, s, err, sizeof(err));
		pthread_mutex_lock(&gw->mu);
		gw->stats.batch_submit_s += ba_now() - t0;
		pthread_mutex_unlock(&gw->mu);
		if (r != 0) {
			ba_batch_fail_all(s, 1, err);
			return;
		}
		if (gw->st) {
			const char **keys = ba_calloc(s->n, sizeof(*keys));
			for (i = 0; i < s->n; i++)
				keys[i] = s->jobs[i]->key;
			if (ba_batch_put(gw->st, s->id, w->prov->name, ba_protocol_name(w->prov->protocol), keys,
					 (const char *const *)s->cids, s->n, NULL) != 0)
				BA_WARN("batch %s: could not record it in the store", s->id);
			free(keys);
		}
		pthread_mutex_lock(&gw->mu);
		gw->stats.batches++;
		pthread_mutex_unlock(&gw->mu);
		BA_INFO("provider '%s': submitted batch %s (%zu requests)", w->prov->name, s->id, s->n);
	} else
		BA_INFO("provider '%s': polling batch %s from an earlier run (%zu requests)", w->prov->name, s->id, s->n);
	for (;;) {
		double t0 = ba_now();
		r = api->poll(w, s, err, sizeof(err));
		if (r == 1) {
			/* this poll downloaded and applied the results */
			pthread_mutex_lock(&gw->mu);
			gw->stats.batch_results_s += ba_now() - t0;
			pthread_mutex_unlock(&gw->mu);
			break;
		}
		if (r < 0 && ++errors > gw->max_retries) {
			/* the batch is gone (e.g. expired files): forget it, resubmit */
			if (gw->st)
				ba_batch_set_status(gw->st, s->id, "failed");
			ba_batch_fail_all(s, 1, err);
			return;
		}
		{
			struct timespec ts = { (time_t)(gw->batch_poll_ms / 1000),
					       (long)((long)gw->batch_poll_ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	for (i = 0; i < s->n; i++)
		if (s->jobs[i]->bstate == BJ_PENDING)
			ba_batch_job_err(s->jobs[i], 1, "provider '%s' (model %s): batch: no result for this request%s%s", NULL, NULL);
}

static void set_add(batch_set *s, ba_job *j, const char *cid)
{
	s->jobs = ba_realloc(s->jobs, (s->n + 1) * sizeof(*s->jobs));
	s->cids = ba_realloc(s->cids, (s->n + 1) * sizeof(*s->cids));
	s->jobs[s->n] = j;
	s->cids[s->n] = ba_strdup(cid);
	if (!s->index)
		s->index = json_object();
	json_object_set_new(s->index, cid, json_integer((json_int_t)s->n));
	s->n++;
}

static void set_clear(batch_set *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		free(s->cids[i]);
	free(s->cids);
	free(s->jobs);
	json_decref(s->index);
	memset(s, 0, sizeof(*s));
}

/* A custom_id unique in the new set: the cache key, or (identical requests
 * sent with no_cache) the key's first 55 digits and a counter. */
static void new_cid(batch_set *s, const ba_job *j, char out[80])
{
	snprintf(out, 80, "%s", j->key);
	if (ba_batch_job_of(s, out))
		snprintf(out, 80, "%.55s-%zu", j->key, s->n);
}

static void *batch_main(void *arg)
{
	ba_batch_work *w = arg;
	batch_set fresh, *old = NULL;
	size_t nold = 0, i;
	ba_job *j;

	memset(&fresh, 0, sizeof(fresh));
	for (j = w->jobs; j; j = j->next) {
		char id[128], cid[80];
		j->bstate = BJ_PENDING;
		if (w->gw->st && ba_batch_find(w->gw->st, w->prov->name, j->key, id, cid) == 0 && !j->batch_resubmit) {
			for (i = 0; i < nold && strcmp(old[i].id, id); i++)
				;
			if (i == nold) {
				old = ba_realloc(old, (nold + 1) * sizeof(*old));
				memset(&old[nold], 0, sizeof(*old));
				snprintf(old[nold].id, sizeof(old[nold].id), "%s", id);
				nold++;
			}
			set_add(&old[i], j, cid);
		} else {
			char cid2[80];
			new_cid(&fresh, j, cid2);
			set_add(&fresh, j, cid2);
		}
	}
	for (i = 0; i < nold; i++) {
		run_set(w, &old[i]);
		set_clear(&old[i]);
	}
	free(old);
	if (fresh.n)
		run_set(w, &fresh);
	set_clear(&fresh);
	for (j = w->jobs; j; j = j->next)
		j->batch_resubmit = j->bstate == BJ_RETRY;
	pthread_mutex_lock(&w->gw->bmu);
	w->finished = 1;
	pthread_mutex_unlock(&w->gw->bmu);
	if (w->gw->st) {
		ba_store_lock(w->gw->st);
		ba_store_thread_release();
		ba_store_unlock(w->gw->st);
	}
	curl_multi_wakeup(w->gw->multi);
	return NULL;
}

/* ---- the event loop's side ---- */

void ba_batch_collect(provider_state *ps, ba_job *j, double now)
{
	j->next = NULL;
	if (ps->btail)
		ps->btail->next = j;
	else
		ps->bhead = j;
	ps->btail = j;
	ps->b_last = now;
}

double ba_batch_launch(ba_gateway *gw, provider_state *ps, double now)
{
	ba_batch_work *w;
	double left = gw->batch_window_ms - (now - ps->b_last) * 1000.0;

	if (!ps->bhead)
		return -1;
	if (left > 0)
		return left;
	w = ba_calloc(1, sizeof(*w));
	w->gw = gw;
	w->prov = ps->cfg;
	w->jobs = ps->bhead;
	ps->bhead = ps->btail = NULL;
	pthread_mutex_lock(&gw->bmu);
	w->next = gw->bwork;
	gw->bwork = w;
	pthread_mutex_unlock(&gw->bmu);
	if (pthread_create(&w->thread, NULL, batch_main, w) != 0) {
		/* run it here rather than lose the jobs */
		batch_main(w);
		w->thread = pthread_self();
		w->finished = 2;
	}
	return -1;
}

ba_job *ba_batch_take_done(ba_gateway *gw)
{
	ba_batch_work **pw, *w;
	ba_job *out = NULL, **tail = &out;

	pthread_mutex_lock(&gw->bmu);
	for (pw = &gw->bwork; (w = *pw);) {
		if (!w->finished) {
			pw = &w->next;
			continue;
		}
		*pw = w->next;
		if (w->finished == 1)
			pthread_join(w->thread, NULL);
		*tail = w->jobs;
		while (*tail)
			tail = &(*tail)->next;
		free(w);
	}
	pthread_mutex_unlock(&gw->bmu);
	return out;
}

int ba_batch_busy(ba_gateway *gw)
{
	int busy;

	pthread_mutex_lock(&gw->bmu);
	busy = gw->bwork != NULL;
	pthread_mutex_unlock(&gw->bmu);
	return busy;
}
