/*
 * http.c - one HTTP exchange of a job on the shared curl multi handle:
 * URL, headers (the API key is read from the environment here, at request
 * time, and wiped from memory after use), a size-capped reply sink, and
 * the classification of the outcome (success, retryable, final).
 */
#define BA_LOG_MODULE "llm"
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	ba_job *j = ud;
	size_t n = size * nmemb;

	if (ba_buf_append(&j->reply, ptr, n) != 0) {
		j->too_big = 1;
		return 0; /* aborts the transfer */
	}
	return n;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
	ba_job *j = ud;
	size_t n = size * nitems;

	if (n > 12 && !strncasecmp(buf, "retry-after:", 12)) {
		char tmp[128];
		size_t m = n - 12 < sizeof(tmp) - 1 ? n - 12 : sizeof(tmp) - 1;
		char *end;
		double secs;
		memcpy(tmp, buf + 12, m);
		tmp[m] = 0;
		secs = strtod(tmp, &end);
		if (end != tmp && secs >= 0)
			j->retry_after_ms = (long)(secs * 1000);
		else {
			time_t t = curl_getdate(tmp, NULL);
			if (t > 0) {
				double d = (double)t - ba_now();
				j->retry_after_ms = d > 0 ? (long)(d * 1000) : 0;
			}
		}
	}
	return n;
}

void ba_http_free_headers(struct curl_slist *h)
{
	struct curl_slist *p;

	/* header strings may hold the API key: wipe before freeing (a memset
	 * of memory about to be freed is a dead store the compiler may drop) */
	for (p = h; p; p = p->next)
		if (p->data)
			explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(h);
}

int ba_http_auth_headers(const ba_provider_cfg *p, struct curl_slist **h, char *errmsg, size_t errlen)
{
	const ba_wire_protocol *w = ba_wire_of(p);

	if (p->api_key_env && *p->api_key_env) {
		const char *key = getenv(p->api_key_env);
		char *line;
		if (!key || !*key) {
			snprintf(errmsg, errlen, "provider '%s': the environment variable %s (api_key_env) is not set",
				 p->name, p->api_key_env);
			return -1;
		}
		line = ba_asprintf(w->auth_header ? w->auth_header : "Authorization: Bearer %s", key);
		*h = curl_slist_append(*h, line);
		explicit_bzero(line, strlen(line));
		free(line);
	}
	if (w->extra_header)
		*h = curl_slist_append(*h, w->extra_header);
	return 0;
}

void ba_redact_key(const ba_job *j, char *s)
{
	const char *key;
	size_t kl;
	char *p;

	if (!s || !j->prov || !j->prov->api_key_env)
		return;
	key = getenv(j->prov->api_key_env);
	if (!key || (kl = strlen(key)) < 4)
		return;
	while ((p = strstr(s, key))) {
		memset(p, '*', kl);
	}
}

void ba_http_payload(ba_job *j)
{
	const ba_wire_protocol *w = ba_wire_of(j->prov);

	free(j->payload);
	j->payload = NULL;
	j->streaming = j->kind == JOB_CHAT && j->req.stream && w->parse_stream;
	if (j->kind == JOB_EMBED)
		j->payload = w->embed_body ? w->embed_body(j) : NULL;
	else if (w->chat_body)
		j->payload = w->chat_body(j, j->streaming);
}

int ba_endpoint_pick(provider_state *ps, double now)
{
	int best = -1, rest = 0;
	size_t i;

	for (i = 0; i < ps->neps; i++) {
		const endpoint_state *e = &ps->eps[i];
		if (e->rest_until > now)
			continue;
		if (best < 0 || e->inflight < ps->eps[best].inflight ||
		    (e->inflight == ps->eps[best].inflight && e->requests < ps->eps[best].requests))
			best = (int)i;
	}
	if (best >= 0)
		return best;
	for (i = 1; i < ps->neps; i++)
		if (ps->eps[i].rest_until < ps->eps[rest].rest_until)
			rest = (int)i;
	return rest;
}

int ba_endpoint_other_healthy(const provider_state *ps, int ep, double now)
{
	size_t i;

	for (i = 0; i < ps->neps; i++)
		if ((int)i != ep && ps->eps[i].rest_until <= now)
			return 1;
	return 0;
}

/* The request's headers: a key-less provider's are shared (one list per
 * provider and streaming mode, in j->shared_hdrs); otherwise *hp gets a
 * list of the job's own with the key read from the environment now. 0, or
 * -1 with j->errmsg set. */
static int request_headers(ba_job *j, struct curl_slist **hp)
{
	const ba_provider_cfg *p = j->prov;
	const char *extra = ba_wire_of(p)->extra_header;
	struct curl_slist *h = NULL;

	*hp = NULL;
	if (!(p->api_key_env && *p->api_key_env) && j->ps) {
		/* no secret in them: one header list per provider, shared */
		struct curl_slist **sh = &j->ps->shared_hdrs[j->streaming ? 1 : 0];
		if (!*sh) {
			*sh = curl_slist_append(NULL, "Content-Type: application/json");
			*sh = curl_slist_append(*sh, j->streaming ? "Accept: text/event-stream" : "Accept: application/json");
			*sh = curl_slist_append(*sh, "Expect:");
			if (extra)
				*sh = curl_slist_append(*sh, extra);
		}
		j->shared_hdrs = *sh;
	} else {
		j->shared_hdrs = NULL;
		h = curl_slist_append(h, "Content-Type: application/json");
		h = curl_slist_append(h, j->streaming ? "Accept: text/event-stream" : "Accept: application/json");
		h = curl_slist_append(h, "Expect:");
		if (ba_http_auth_headers(p, &h, j->errmsg, sizeof(j->errmsg)) != 0) {
			ba_http_free_headers(h);
			j->rc = BA_EINVAL;
			return -1;
		}
	}
	*hp = h;
	return 0;
}

int ba_http_start(ba_gateway *gw, ba_job *j)
{
	const ba_provider_cfg *p = j->prov;
	const char *base;
	size_t bl;
	char *url = NULL;
	struct curl_slist *h = NULL;
	CURL *e;
	const ba_wire_protocol *w = ba_wire_of(p);

	j->ep = j->ps && j->ps->neps ? ba_endpoint_pick(j->ps, ba_now()) : -1;
	base = j->ep >= 0 ? j->ps->eps[j->ep].url : p->base_url;
	if (!base)
		base = "";
	bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	if (!bl) {
		j->rc = BA_EINVAL;
		snprintf(j->errmsg, sizeof(j->errmsg), "provider '%s' has no base_url", p->name);
		return -1;
	}
	if (j->kind == JOB_EMBED ? !w->embed_url : !w->chat_url) {
		j->rc = BA_EINVAL;
		snprintf(j->errmsg, sizeof(j->errmsg), "provider '%s': its protocol %s has no %s endpoint", p->name,
			 ba_protocol_name(p->protocol), j->kind == JOB_EMBED ? "embeddings" : "chat");
		return -1;
	}
	url = j->kind == JOB_EMBED ? w->embed_url(base, bl) : w->chat_url(base, bl);
	/* usually built on the submitting thread already (ba_http_payload) */
	if (!j->payload)
		ba_http_payload(j);
	if (!j->payload) {
		free(url);
		j->rc = BA_EINVAL;
		snprintf(j->errmsg, sizeof(j->errmsg), "request could not be serialised as JSON");
		return -1;
	}
	if (request_headers(j, &h) != 0) {
		free(url);
		return -1;
	}
	if (gw->neasy)
		e = gw->easy_pool[--gw->neasy];
	else
		e = curl_easy_init();
	if (!e) {
		free(url);
		ba_http_free_headers(h);
		j->rc = BA_ENOMEM;
		snprintf(j->errmsg, sizeof(j->errmsg), "cannot create an HTTP handle");
		return -1;
	}
	if (j->reply.cap < 2048) {
		/* most replies fit: one allocation instead of a chain of doublings */
		static const char zeros[2048];
		ba_buf_append(&j->reply, zeros, sizeof(zeros) - 1);
	}
	ba_buf_reset(&j->reply);
	j->too_big = 0;
	j->retry_after_ms = 0;
	j->http_status = 0;
	curl_easy_setopt(e, CURLOPT_URL, url);
	/* keys go to web endpoints only, whatever a URL from the environment says */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->payload);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(j->payload));
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->shared_hdrs ? j->shared_hdrs : h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)j);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)((p->timeout_s > 0 ? p->timeout_s : 120) * 1000));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	if (p->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, p->ca_file);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "benchagent/0.1");
	/* a redirect could carry the key elsewhere: never follow */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	free(url);
	j->easy = e;
	j->hdrs = h;
	j->t_sent = ba_now();
	if (j->ep >= 0) {
		j->ps->eps[j->ep].inflight++;
		j->ps->eps[j->ep].requests++;
	}
	if (curl_multi_add_handle(gw->multi, e) != CURLM_OK) {
		ba_http_release(gw, j);
		j->rc = BA_EHTTP;
		snprintf(j->errmsg, sizeof(j->errmsg), "cannot start the HTTP request");
		return -1;
	}
	return 0;
}

void ba_http_release(ba_gateway *gw, ba_job *j)
{
	if (j->easy) {
		curl_multi_remove_handle(gw->multi, j->easy);
		/* no curl_easy_reset: every option is set again on reuse */
		ba_array_reserve((void **)&gw->easy_pool, &gw->capeasy, gw->neasy + 1, sizeof(CURL *));
		gw->easy_pool[gw->neasy++] = j->easy;
		j->easy = NULL;
	}
	ba_http_free_headers(j->hdrs);
	j->hdrs = NULL;
	/* the payload stays: a retry sends the same bytes */
}

static int retryable_curl(CURLcode cc)
{
	switch (cc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_FILESIZE_EXCEEDED:
		return 0;
	default:
		return 1;
	}
}

int ba_http_classify(ba_gateway *gw, ba_job *j, CURLcode cc)
{
	const ba_provider_cfg *p = j->prov;
	long status = 0;

	(void)gw;
	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	j->http_status = status;
	if (j->too_big) {
		snprintf(j->errmsg, sizeof(j->errmsg), "provider '%s': reply larger than the %zu-byte cap (gateway.max_reply_mb)",
			 p->name, j->reply.max);
		return BA_ELIMIT;
	}
	if (cc != CURLE_OK) {
		snprintf(j->errmsg, sizeof(j->errmsg), "provider '%s' (%s): %s%s", p->name,
			 j->ep >= 0 && j->ps ? j->ps->eps[j->ep].url : p->base_url,
			 curl_easy_strerror(cc), j->reply.len ? " (connection broke mid-reply)" : "");
		return retryable_curl(cc) ? 1 : BA_EHTTP;
	}
	if (status < 200 || status >= 300) {
		char *m = ba_wire_error_message(ba_buf_cstr(&j->reply), j->reply.len);
		if (!m) {
			m = ba_strndup(ba_buf_cstr(&j->reply), j->reply.len > 200 ? 200 : j->reply.len);
		}
		snprintf(j->errmsg, sizeof(j->errmsg), "provider '%s' (model %s): HTTP %ld: %s", p->name, j->model,
			 status, *m ? m : "(no message)");
		free(m);
		ba_redact_key(j, j->errmsg);
		if (status == 408 || status == 409 || status == 429 || status >= 500)
			return 1;
		return BA_EHTTP;
	}
	return 0;
}

int ba_http_parse(ba_job *j, ba_wire_reply *w)
{
	const ba_provider_cfg *p = j->prov;
	const ba_wire_protocol *wp = ba_wire_of(p);
	ba_error err = BA_ERROR_INIT;
	int rc;

	{
		const char *body = ba_buf_cstr(&j->reply);
		size_t len = j->reply.len, k = 0;
		int sse;
		while (k < len && (body[k] == ' ' || body[k] == '\n' || body[k] == '\r' || body[k] == '\t'))
			k++;
		/* a server may ignore "stream": detect by the first byte */
		sse = j->streaming && k < len && body[k] != '{';
		int (*parse)(const char *, size_t, ba_wire_reply *, ba_error *) =
			j->kind == JOB_EMBED ? wp->parse_embed : sse && wp->parse_stream ? wp->parse_stream : wp->parse_reply;
		rc = parse ? parse(body, len, w, &err) : ba_error_set(&err, BA_EINVAL, "the protocol reads no reply");
	}
	if (rc) {
		snprintf(j->errmsg, sizeof(j->errmsg), "provider '%s' (model %s): malformed reply: %.700s", p->name,
			 j->model, err.msg);
		ba_redact_key(j, j->errmsg);
		return 1; /* a broken reply is worth another try */
	}
	return 0;
}
