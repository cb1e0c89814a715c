/*
 * batch.c - provider batch APIs for calls that can wait (eval, execution,
 * verification, audit): OpenAI's Batch API (upload a JSONL to /files,
 * POST /batches, poll, download the output and error files) and
 * Anthropic's Message Batches (POST /v1/messages/batches, poll, read the
 * results_url). Half the price, minutes to hours of latency.
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

#define BATCH_MAX_REPLY ((size_t)1 << 30) /* a result file may hold 50,000 replies */

struct ba_batch_work {
	ba_gateway *gw;
	const ba_provider_cfg *prov;
	ba_job *jobs;              /* linked by next */
	pthread_t thread;
	int finished;
	ba_batch_work *next;
};

struct batch_set {
	ba_job **jobs;
	char **cids;
	size_t n;
	json_t *index;             /* custom_id -> position (results are joined on it) */
	char id[128];              /* provider's batch id, "" = not submitted yet */
};

/* ---- HTTP on the batch thread ---- */

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	return ba_buf_append(ud, ptr, size * nmemb) == 0 ? size * nmemb : 0;
}

/* One blocking request. post: JSON body (NULL: GET unless mime). 0 with
 * *status set (any HTTP status), or -1 on a transport failure (errmsg). */
static int bhttp(const ba_provider_cfg *p, const char *url, const char *post, curl_mime *mime, ba_buf *out,
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
static char *base_of(const ba_provider_cfg *p)
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
static json_t *bjson(const ba_provider_cfg *p, const char *url, const char *post, curl_mime *mime,
		     char *errmsg, size_t errlen)
{
	ba_buf b;
	long status;
	json_t *j = NULL;

	ba_buf_init(&b, 64u << 20);
	if (bhttp(p, url, post, mime, &b, &status, errmsg, errlen) == 0) {
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

/* ---- job outcomes ---- */

static void job_ok(ba_job *j, const json_t *body)
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

static void job_err(ba_job *j, int retry, const char *fmt, const char *a, const char *b)
{
	snprintf(j->errmsg, sizeof(j->errmsg), fmt, j->prov->name, j->model, a ? a : "", b ? b : "");
	ba_redact_key(j, j->errmsg);
	if (j->bstate == BJ_PENDING)
		j->bstate = retry ? BJ_RETRY : BJ_FAIL;
}

static void set_all(batch_set *s, int retry, const char *why)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		job_err(s->jobs[i], retry, "provider '%s' (model %s): batch: %s%s", why, NULL);
}

static ba_job *by_cid(batch_set *s, const char *cid)
{
	json_t *i = cid && s->index ? json_object_get(s->index, cid) : NULL;

	return i ? s->jobs[json_integer_value(i)] : NULL;
}

/* Apply every JSON line of a downloaded result file to its job. */
static void each_line(batch_set *s, const ba_buf *b, void (*fn)(batch_set *, const json_t *))
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

/* ---- OpenAI: /files + /batches ---- */

static char *openai_jsonl(batch_set *s)
{
	ba_buf b;
	size_t i;
	char *out;
	int bad = 0;

	ba_buf_init(&b, (size_t)200 << 20); /* the API takes files up to 200 MB */
	for (i = 0; i < s->n; i++) {
		json_t *body = json_loads(s->jobs[i]->payload, 0, NULL);
		json_t *line = json_pack("{s:s, s:s, s:s, s:o}", "custom_id", s->cids[i], "method", "POST", "url",
					 "/v1/chat/completions", "body", body ? body : json_object());
		char *t = json_dumps(line, JSON_COMPACT);
		if (!t || ba_buf_append(&b, t, strlen(t)) != 0 || ba_buf_append(&b, "\n", 1) != 0)
			bad = 1;
		free(t);
		json_decref(line);
	}
	out = bad ? NULL : ba_strndup(ba_buf_cstr(&b), b.len);
	ba_buf_free(&b);
	return out;
}

static int openai_submit(ba_batch_work *w, batch_set *s, char *err, size_t errlen)
{
	char *base = base_of(w->prov), *url, *jsonl = openai_jsonl(s), *body;
	CURL *e = curl_easy_init();
	curl_mime *mime = e ? curl_mime_init(e) : NULL;
	curl_mimepart *part;
	json_t *f = NULL, *b = NULL;
	int rc = -1;

	if (!jsonl || !mime) {
		snprintf(err, errlen, "cannot build the batch input file");
		goto out;
	}
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "purpose");
	curl_mime_data(part, "batch", CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	curl_mime_filename(part, "batch.jsonl");
	curl_mime_type(part, "application/jsonl");
	curl_mime_data(part, jsonl, strlen(jsonl));
	url = ba_asprintf("%s/files", base);
	f = bjson(w->prov, url, NULL, mime, err, errlen);
	free(url);
	if (!f || !json_is_string(json_object_get(f, "id"))) {
		if (f)
			snprintf(err, errlen, "provider '%s': /files answered without an id", w->prov->name);
		goto out;
	}
	body = ba_asprintf("{\"input_file_id\":\"%s\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}",
			   json_string_value(json_object_get(f, "id")));
	url = ba_asprintf("%s/batches", base);
	b = bjson(w->prov, url, body, NULL, err, errlen);
	free(url);
	free(body);
	if (b && json_is_string(json_object_get(b, "id"))) {
		snprintf(s->id, sizeof(s->id), "%s", json_string_value(json_object_get(b, "id")));
		rc = 0;
	} else if (b)
		snprintf(err, errlen, "provider '%s': /batches answered without an id", w->prov->name);
out:
	json_decref(f);
	json_decref(b);
	if (mime)
		curl_mime_free(mime);
	if (e)
		curl_easy_cleanup(e);
	free(jsonl);
	free(base);
	return rc;
}

/* Apply one output/error file line to its job. */
static void openai_line(batch_set *s, const json_t *l)
{
	ba_job *j = by_cid(s, ba_json_str(l, "custom_id", NULL));
	json_t *resp = json_object_get(l, "response"), *e = json_object_get(l, "error");
	long code = (long)json_integer_value(json_object_get(resp, "status_code"));
	char cbuf[32];

	if (!j || j->bstate != BJ_PENDING)
		return;
	if (json_is_object(resp) && code >= 200 && code < 300 && !json_is_object(e)) {
		job_ok(j, json_object_get(resp, "body"));
		return;
	}
	if (json_is_object(e)) {
		const char *ec = ba_json_str(e, "code", "error");
		job_err(j, 1, "provider '%s' (model %s): batch request failed: %s: %s", ec, ba_json_str(e, "message", ""));
		return;
	}
	snprintf(cbuf, sizeof(cbuf), "HTTP %ld", code);
	job_err(j, code == 408 || code == 409 || code == 429 || code >= 500,
		"provider '%s' (model %s): batch request failed: %s: %s", cbuf,
		ba_json_str(json_object_get(json_object_get(resp, "body"), "error"), "message", ""));
}

static int openai_download(ba_batch_work *w, batch_set *s, const char *fid, char *err, size_t errlen)
{
	char *base = base_of(w->prov), *url = ba_asprintf("%s/files/%s/content", base, fid);
	ba_buf b;
	long status;
	int rc = -1;

	ba_buf_init(&b, BATCH_MAX_REPLY);
	if (bhttp(w->prov, url, NULL, NULL, &b, &status, err, errlen) == 0) {
		if (status == 200) {
			each_line(s, &b, openai_line);
			rc = 0;
		} else
			snprintf(err, errlen, "provider '%s': HTTP %ld downloading %s", w->prov->name, status, fid);
	}
	ba_buf_free(&b);
	free(url);
	free(base);
	return rc;
}

/* 1 = ended (results applied), 0 = still running, -1 = error (err). */
static int openai_poll(ba_batch_work *w, batch_set *s, char *err, size_t errlen)
{
	char *base = base_of(w->prov), *url = ba_asprintf("%s/batches/%s", base, s->id);
	json_t *b = bjson(w->prov, url, NULL, NULL, err, errlen);
	const char *st = b ? ba_json_str(b, "status", "") : "";
	int rc = 0;

	free(url);
	free(base);
	if (!b)
		return -1;
	if (!strcmp(st, "completed") || !strcmp(st, "expired") || !strcmp(st, "cancelled") || !strcmp(st, "failed")) {
		const char *of = ba_json_str(b, "output_file_id", NULL), *ef = ba_json_str(b, "error_file_id", NULL);
		if (w->gw->st)
			ba_batch_set_status(w->gw->st, s->id, st);
		rc = 1;
		if ((of && openai_download(w, s, of, err, errlen) != 0) || (ef && openai_download(w, s, ef, err, errlen) != 0))
			rc = -1;
		if (!strcmp(st, "failed")) {
			json_t *errs = json_object_get(json_object_get(b, "errors"), "data");
			const char *m = ba_json_str(json_array_get(errs, 0), "message", "the provider failed the batch");
			set_all(s, 0, m);
		}
	}
	json_decref(b);
	return rc;
}

/* ---- Anthropic: /v1/messages/batches ---- */

static int anthropic_submit(ba_batch_work *w, batch_set *s, char *err, size_t errlen)
{
	char *base = base_of(w->prov), *url = ba_asprintf("%s/v1/messages/batches", base), *body;
	json_t *reqs = json_array(), *b;
	size_t i;
	int rc = -1;

	for (i = 0; i < s->n; i++) {
		json_t *params = json_loads(s->jobs[i]->payload, 0, NULL);
		json_array_append_new(reqs, json_pack("{s:s, s:o}", "custom_id", s->cids[i], "params",
						      params ? params : json_object()));
	}
	b = json_pack("{s:o}", "requests", reqs);
	body = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	b = body ? bjson(w->prov, url, body, NULL, err, errlen) : NULL;
	if (b && json_is_string(json_object_get(b, "id"))) {
		snprintf(s->id, sizeof(s->id), "%s", json_string_value(json_object_get(b, "id")));
		rc = 0;
	} else if (b)
		snprintf(err, errlen, "provider '%s': message batch answered without an id", w->prov->name);
	json_decref(b);
	free(body);
	free(url);
	free(base);
	return rc;
}

static void anthropic_line(batch_set *s, const json_t *l)
{
	ba_job *j = by_cid(s, ba_json_str(l, "custom_id", NULL));
	json_t *r = json_object_get(l, "result");
	const char *type = ba_json_str(r, "type", "");

	if (!j || j->bstate != BJ_PENDING)
		return;
	if (!strcmp(type, "succeeded") && json_is_object(json_object_get(r, "message"))) {
		job_ok(j, json_object_get(r, "message"));
	} else if (!strcmp(type, "errored")) {
		json_t *e = json_object_get(json_object_get(r, "error"), "error");
		const char *et = ba_json_str(e, "type", "error");
		job_err(j, strcmp(et, "invalid_request_error") != 0, "provider '%s' (model %s): batch request failed: %s: %s",
			et, ba_json_str(e, "message", ""));
	} else
		job_err(j, 1, "provider '%s' (model %s): batch request %s%s", type, NULL);
}

static int anthropic_results(ba_batch_work *w, batch_set *s, const char *rurl, char *err, size_t errlen)
{
	char *base = base_of(w->prov);
	ba_buf b;
	long status;
	int rc = -1;

	/* the API key goes with the request: only to the provider's own host */
	if (strncmp(rurl, base, strlen(base)) || (rurl[strlen(base)] != '/' && rurl[strlen(base)] != 0)) {
		snprintf(err, errlen, "provider '%s': results_url %.200s is not under %s; not sending the key there",
			 w->prov->name, rurl, base);
		free(base);
		return -1;
	}
	free(base);
	ba_buf_init(&b, BATCH_MAX_REPLY);
	if (bhttp(w->prov, rurl, NULL, NULL, &b, &status, err, errlen) == 0) {
		if (status == 200) {
			each_line(s, &b, anthropic_line);
			rc = 0;
		} else
			snprintf(err, errlen, "provider '%s': HTTP %ld reading batch results", w->prov->name, status);
	}
	ba_buf_free(&b);
	return rc;
}

static int anthropic_poll(ba_batch_work *w, batch_set *s, char *err, size_t errlen)
{
	char *base = base_of(w->prov), *url = ba_asprintf("%s/v1/messages/batches/%s", base, s->id);
	json_t *b = bjson(w->prov, url, NULL, NULL, err, errlen);
	int rc = 0;

	free(url);
	free(base);
	if (!b)
		return -1;
	if (!strcmp(ba_json_str(b, "processing_status", ""), "ended")) {
		const char *rurl = ba_json_str(b, "results_url", NULL);
		if (w->gw->st)
			ba_batch_set_status(w->gw->st, s->id, "ended");
		rc = rurl && anthropic_results(w, s, rurl, err, errlen) == 0 ? 1 : -1;
		if (!rurl)
			snprintf(err, errlen, "provider '%s': ended batch %s has no results_url", w->prov->name, s->id);
	}
	json_decref(b);
	return rc;
}

const ba_batch_api ba_batch_openai = { openai_submit, openai_poll, 0 };
const ba_batch_api ba_batch_anthropic = { anthropic_submit, anthropic_poll, 1 };

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
			set_all(s, 1, err);
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
			set_all(s, 1, err);
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
			job_err(s->jobs[i], 1, "provider '%s' (model %s): batch: no result for this request%s%s", NULL, NULL);
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
	if (by_cid(s, out))
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
