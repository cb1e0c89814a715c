/*
 * batch.c - ba-testserver's provider batch APIs, answered by the same rules
 * as direct requests (each line goes through ts_handle), so a batch result
 * equals the direct reply:
 *   OpenAI:    POST /v1/files (multipart, purpose=batch), POST /v1/batches,
 *              GET /v1/batches/{id}, GET /v1/files/{id}/content
 *   Anthropic: POST /v1/messages/batches, GET /v1/messages/batches/{id},
 *              GET /v1/messages/batches/{id}/results
 * RULES.json "batch": {"delay_ms": N (in_progress until then),
 * "expire": [k, ...] (the k-th batch created, 1-based, expires: its second
 * half is never run)}. See docs/testserver.md.
 */
#define _GNU_SOURCE
#include "testserver.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct {
	char id[40];
	char *data;
	size_t len;
} ts_file;

typedef struct {
	char id[48];
	int anth;
	double created, ready_at;
	long n, ok, failed;
	int expire, finalized;
	char input_file[40], out_file[40], err_file[40];
	json_t *out_lines, *err_lines; /* OpenAI: output and error file lines */
	json_t *results;               /* Anthropic: result lines */
} ts_batch;

static pthread_mutex_t bmu = PTHREAD_MUTEX_INITIALIZER;
static ts_file *files;
static size_t nfiles;
static ts_batch *batches;
static size_t nbatches;
static long delay_ms;
static json_t *expire_list;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void ts_batch_init(const json_t *cfg)
{
	delay_ms = (long)json_integer_value(json_object_get(cfg, "delay_ms"));
	expire_list = json_incref(json_object_get(cfg, "expire"));
}

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

int ts_batch_claims(const char *method, const char *url)
{
	if (!strcmp(method, "POST"))
		return !strcmp(url, "/v1/files") || !strcmp(url, "/v1/batches") ||
		       !strcmp(url, "/v1/messages/batches");
	if (!strcmp(method, "GET"))
		return starts(url, "/v1/batches/") || starts(url, "/v1/files/") ||
		       starts(url, "/v1/messages/batches/");
	return 0;
}

static void json_reply(out_reply *o, json_t *j)
{
	o->status = 200;
	o->body = ts_dump_free(j);
	o->len = strlen(o->body);
	o->ctype = "application/json";
}

/* ---- files ---- */

static const ts_file *file_find(const char *id)
{
	size_t i;
	for (i = 0; i < nfiles; i++)
		if (!strcmp(files[i].id, id))
			return &files[i];
	return NULL;
}

/* bmu held: a new file (takes data). */
static const char *file_add(char *data, size_t len)
{
	ts_file *f;

	files = realloc(files, (nfiles + 1) * sizeof(*files));
	f = &files[nfiles++];
	snprintf(f->id, sizeof(f->id), "file-%zu", nfiles);
	f->data = data;
	f->len = len;
	return f->id;
}

static const char *memfind(const char *h, size_t hl, const char *n, size_t nl)
{
	size_t i;
	if (nl > hl)
		return NULL;
	for (i = 0; i + nl <= hl; i++)
		if (!memcmp(h + i, n, nl))
			return h + i;
	return NULL;
}

/* The content of the multipart part named name, or NULL. */
static const char *part(const char *raw, size_t len, const char *boundary, const char *name, size_t *plen)
{
	char delim[256], nm[128];
	const char *p = raw, *end = raw + len;

	snprintf(delim, sizeof(delim), "--%s", boundary);
	snprintf(nm, sizeof(nm), "name=\"%s\"", name);
	while ((p = memfind(p, (size_t)(end - p), delim, strlen(delim)))) {
		const char *hdr = p + strlen(delim), *body, *next;
		if (hdr + 2 > end || !memcmp(hdr, "--", 2))
			return NULL;
		body = memfind(hdr, (size_t)(end - hdr), "\r\n\r\n", 4);
		if (!body)
			return NULL;
		body += 4;
		next = memfind(body, (size_t)(end - body), delim, strlen(delim));
		if (!next)
			return NULL;
		if (memfind(hdr, (size_t)(body - hdr), nm, strlen(nm))) {
			*plen = (size_t)(next - body);
			if (*plen >= 2 && next[-2] == '\r' && next[-1] == '\n')
				*plen -= 2;
			return body;
		}
		p = next;
	}
	return NULL;
}

static void files_post(struct MHD_Connection *conn, const char *raw, size_t len, out_reply *o)
{
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	const char *b = ct ? strstr(ct, "boundary=") : NULL, *purpose, *data;
	char boundary[200];
	size_t pl = 0, dl = 0;
	char *copy;
	const char *id;

	if (!ct || strncasecmp(ct, "multipart/form-data", 19) || !b) {
		ts_error_reply(o, 400, "POST /v1/files takes multipart/form-data");
		return;
	}
	snprintf(boundary, sizeof(boundary), "%s", b + 9);
	if (boundary[0] == '"') {
		memmove(boundary, boundary + 1, strlen(boundary));
		boundary[strcspn(boundary, "\"")] = 0;
	}
	purpose = part(raw, len, boundary, "purpose", &pl);
	data = part(raw, len, boundary, "file", &dl);
	if (!purpose || pl != 5 || memcmp(purpose, "batch", 5)) {
		ts_error_reply(o, 400, "purpose must be 'batch'");
		return;
	}
	if (!data) {
		ts_error_reply(o, 400, "no 'file' part");
		return;
	}
	copy = malloc(dl + 1);
	memcpy(copy, data, dl);
	copy[dl] = 0;
	pthread_mutex_lock(&bmu);
	id = file_add(copy, dl);
	json_reply(o, json_pack("{s:s, s:s, s:I, s:s, s:s}", "id", id, "object", "file", "bytes", (json_int_t)dl,
				"purpose", "batch", "filename", "batch.jsonl"));
	pthread_mutex_unlock(&bmu);
}

/* ---- creating a batch: every line answered now, shown after delay_ms ---- */

static int expires(size_t k)
{
	size_t i;
	json_t *v;
	json_array_foreach(expire_list, i, v)
		if ((size_t)json_integer_value(v) == k)
			return 1;
	return 0;
}

/* One request through the rules: status, parsed body (new ref). */
static json_t *run_line(struct MHD_Connection *conn, const char *path, const json_t *body, int *status)
{
	out_reply r;
	char *raw = json_dumps(body, JSON_COMPACT);
	json_t *parsed;

	memset(&r, 0, sizeof(r));
	ts_handle(conn, path, raw ? raw : "", raw ? strlen(raw) : 0, &r);
	*status = r.status;
	parsed = r.body ? json_loadb(r.body, r.len, 0, NULL) : NULL;
	if (!parsed)
		parsed = json_pack("{s:{s:s}}", "error", "message", "malformed reply");
	free(r.body);
	free(raw);
	return parsed;
}

static ts_batch *batch_new(int anth)
{
	ts_batch *b;

	batches = realloc(batches, (nbatches + 1) * sizeof(*batches));
	b = &batches[nbatches++];
	memset(b, 0, sizeof(*b));
	b->anth = anth;
	snprintf(b->id, sizeof(b->id), anth ? "msgbatch_%zu" : "batch_%zu", nbatches);
	b->created = now_s();
	b->ready_at = b->created + delay_ms / 1000.0;
	b->expire = expires(nbatches);
	b->out_lines = json_array();
	b->err_lines = json_array();
	b->results = json_array();
	return b;
}

static void openai_line(struct MHD_Connection *conn, ts_batch *b, const json_t *line, long i)
{
	const char *cid = json_string_value(json_object_get(line, "custom_id"));
	char rid[128];
	int status;
	json_t *body;

	snprintf(rid, sizeof(rid), "batch_req_%s_%ld", b->id, i);
	if (b->expire && i >= b->n / 2) {
		json_array_append_new(b->err_lines, json_pack("{s:s, s:s, s:n, s:{s:s, s:s}}", "id", rid, "custom_id", cid,
							      "response", "error", "code", "batch_expired", "message",
							      "This request could not be executed before the completion window expired."));
		b->failed++;
		return;
	}
	body = run_line(conn, json_string_value(json_object_get(line, "url")), json_object_get(line, "body"), &status);
	json_array_append_new(status == 200 ? b->out_lines : b->err_lines,
			      json_pack("{s:s, s:s, s:{s:i, s:s, s:o}, s:n}", "id", rid, "custom_id", cid, "response",
					"status_code", status, "request_id", "req-test", "body", body, "error"));
	if (status == 200)
		b->ok++;
	else
		b->failed++;
}

/* 0, or an error message for a malformed input file. */
static const char *check_openai_line(const json_t *line, json_t *seen)
{
	const char *cid = json_string_value(json_object_get(line, "custom_id"));

	if (!json_is_object(line))
		return "a line is not a JSON object";
	if (!cid || !*cid)
		return "a line has no custom_id";
	if (json_object_get(seen, cid))
		return "duplicate custom_id";
	json_object_set_new(seen, cid, json_true());
	if (strcmp(json_string_value(json_object_get(line, "method")) ?: "", "POST"))
		return "method must be POST";
	if (strcmp(json_string_value(json_object_get(line, "url")) ?: "", "/v1/chat/completions"))
		return "url must be /v1/chat/completions (the batch's endpoint)";
	if (!json_is_object(json_object_get(line, "body")))
		return "body must be an object";
	return NULL;
}

static json_t *openai_batch_json(const ts_batch *b);

static void batches_post(struct MHD_Connection *conn, const char *raw, size_t len, out_reply *o)
{
	json_t *req = json_loadb(raw, len, 0, NULL), *lines = json_array(), *seen = json_object(), *l;
	const char *fid = json_string_value(json_object_get(req, "input_file_id")), *bad = NULL;
	const ts_file *f;
	ts_batch *b;
	char *data, *s, *nl;
	size_t i;

	pthread_mutex_lock(&bmu);
	f = fid ? file_find(fid) : NULL;
	if (!f || strcmp(json_string_value(json_object_get(req, "endpoint")) ?: "", "/v1/chat/completions")) {
		pthread_mutex_unlock(&bmu);
		ts_error_reply(o, 400, f ? "endpoint must be /v1/chat/completions" : "no such input_file_id");
		goto out;
	}
	data = strndup(f->data, f->len);
	for (s = data; s && *s; s = nl) {
		nl = strchr(s, '\n');
		if (nl)
			*nl++ = 0;
		if (!*s)
			continue;
		l = json_loads(s, 0, NULL);
		if (!bad && !(bad = l ? check_openai_line(l, seen) : "a line is not JSON"))
			json_array_append(lines, l);
		json_decref(l);
	}
	free(data);
	if (bad || !json_array_size(lines)) {
		pthread_mutex_unlock(&bmu);
		ts_error_reply(o, 400, bad ? bad : "the input file has no lines");
		goto out;
	}
	b = batch_new(0);
	snprintf(b->input_file, sizeof(b->input_file), "%s", fid);
	b->n = (long)json_array_size(lines);
	json_array_foreach(lines, i, l)
		openai_line(conn, b, l, (long)i);
	json_reply(o, openai_batch_json(b));
	pthread_mutex_unlock(&bmu);
out:
	json_decref(req);
	json_decref(lines);
	json_decref(seen);
}

static void anthropic_post(struct MHD_Connection *conn, const char *raw, size_t len, out_reply *o)
{
	json_t *req = json_loadb(raw, len, 0, NULL), *reqs = json_object_get(req, "requests"), *r, *seen = json_object();
	ts_batch *b;
	size_t i;
	json_t *out;

	json_array_foreach(reqs, i, r) {
		const char *cid = json_string_value(json_object_get(r, "custom_id"));
		if (!cid || json_object_get(seen, cid) || !json_is_object(json_object_get(r, "params"))) {
			ts_error_reply(o, 400, "each request needs a unique custom_id and params");
			goto out;
		}
		json_object_set_new(seen, cid, json_true());
	}
	if (!json_array_size(reqs)) {
		ts_error_reply(o, 400, "requests must be a non-empty list");
		goto out;
	}
	pthread_mutex_lock(&bmu);
	b = batch_new(1);
	b->n = (long)json_array_size(reqs);
	json_array_foreach(reqs, i, r) {
		const char *cid = json_string_value(json_object_get(r, "custom_id"));
		int status;
		json_t *body;
		if (b->expire && (long)i >= b->n / 2) {
			json_array_append_new(b->results, json_pack("{s:s, s:{s:s}}", "custom_id", cid, "result", "type", "expired"));
			b->failed++;
			continue;
		}
		body = run_line(conn, "/v1/messages", json_object_get(r, "params"), &status);
		if (status == 200) {
			json_array_append_new(b->results, json_pack("{s:s, s:{s:s, s:o}}", "custom_id", cid, "result", "type",
								    "succeeded", "message", body));
			b->ok++;
		} else {
			const char *m = json_string_value(json_object_get(json_object_get(body, "error"), "message"));
			json_array_append_new(b->results,
					      json_pack("{s:s, s:{s:s, s:{s:s, s:{s:s, s:s}}}}", "custom_id", cid, "result",
							"type", "errored", "error", "type", "error", "error", "type",
							"api_error", "message", m ? m : "error"));
			json_decref(body);
			b->failed++;
		}
	}
	out = json_pack("{s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I}, s:n}", "id", b->id, "type", "message_batch",
			"processing_status", "in_progress", "request_counts", "processing", (json_int_t)b->n, "succeeded",
			(json_int_t)0, "errored", (json_int_t)0, "canceled", (json_int_t)0, "expired", (json_int_t)0,
			"results_url");
	json_reply(o, out);
	pthread_mutex_unlock(&bmu);
out:
	json_decref(req);
	json_decref(seen);
}

/* ---- status and results ---- */

static char *lines_text(const json_t *lines, size_t *len)
{
	size_t i, cap = 1, n = 0;
	json_t *l;
	char *out = malloc(1);

	json_array_foreach(lines, i, l) {
		char *s = json_dumps(l, JSON_COMPACT);
		size_t sl = strlen(s);
		if (n + sl + 2 > cap) {
			cap = (n + sl + 2) * 2;
			out = realloc(out, cap);
		}
		memcpy(out + n, s, sl);
		n += sl;
		out[n++] = '\n';
		free(s);
	}
	out[n] = 0;
	*len = n;
	return out;
}

/* bmu held: once ready, write the output / error files. */
static void finalize(ts_batch *b)
{
	size_t len;
	char *t;

	if (b->finalized || now_s() < b->ready_at)
		return;
	b->finalized = 1;
	if (b->anth)
		return;
	if (json_array_size(b->out_lines)) {
		t = lines_text(b->out_lines, &len);
		snprintf(b->out_file, sizeof(b->out_file), "%s", file_add(t, len));
	}
	if (json_array_size(b->err_lines)) {
		t = lines_text(b->err_lines, &len);
		snprintf(b->err_file, sizeof(b->err_file), "%s", file_add(t, len));
	}
}

static json_t *openai_batch_json(const ts_batch *b)
{
	const char *status = !b->finalized ? (now_s() < b->created + 0.05 ? "validating" : "in_progress")
			     : b->expire ? "expired" : "completed";
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:n, s:s, s:I, s:{s:I, s:I, s:I}}", "id", b->id, "object",
			      "batch", "endpoint", "/v1/chat/completions", "input_file_id", b->input_file,
			      "completion_window", "24h", "errors", "status", status, "created_at", (json_int_t)b->created,
			      "request_counts", "total", (json_int_t)b->n, "completed",
			      (json_int_t)(b->finalized ? b->ok : 0), "failed", (json_int_t)(b->finalized ? b->failed : 0));

	json_object_set_new(j, "output_file_id", b->out_file[0] ? json_string(b->out_file) : json_null());
	json_object_set_new(j, "error_file_id", b->err_file[0] ? json_string(b->err_file) : json_null());
	return j;
}

static json_t *anthropic_batch_json(struct MHD_Connection *conn, const ts_batch *b)
{
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	json_t *j = json_pack("{s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I}}", "id", b->id, "type", "message_batch",
			      "processing_status", b->finalized ? "ended" : "in_progress", "request_counts",
			      "processing", (json_int_t)(b->finalized ? 0 : b->n), "succeeded",
			      (json_int_t)(b->finalized ? b->ok : 0), "errored",
			      (json_int_t)(b->finalized && !b->expire ? b->failed : 0), "canceled", (json_int_t)0,
			      "expired", (json_int_t)(b->finalized && b->expire ? b->failed : 0));
	char *url = NULL;

	if (b->finalized && asprintf(&url, "http://%s/v1/messages/batches/%s/results", host ? host : "127.0.0.1", b->id) > 0) {
		json_object_set_new(j, "results_url", json_string(url));
		free(url);
	} else
		json_object_set_new(j, "results_url", json_null());
	return j;
}

static ts_batch *batch_find(const char *id, size_t idlen)
{
	size_t i;
	for (i = 0; i < nbatches; i++)
		if (strlen(batches[i].id) == idlen && !strncmp(batches[i].id, id, idlen))
			return &batches[i];
	return NULL;
}

static void batch_get(struct MHD_Connection *conn, const char *url, out_reply *o)
{
	int anth = starts(url, "/v1/messages/batches/");
	const char *id = url + (anth ? strlen("/v1/messages/batches/") : strlen("/v1/batches/"));
	const char *slash = strchr(id, '/');
	ts_batch *b = batch_find(id, slash ? (size_t)(slash - id) : strlen(id));
	size_t len;

	if (!b || b->anth != anth || (slash && (!anth || strcmp(slash, "/results")))) {
		ts_error_reply(o, 404, "no such batch");
		return;
	}
	finalize(b);
	if (!slash) {
		json_reply(o, anth ? anthropic_batch_json(conn, b) : openai_batch_json(b));
		return;
	}
	if (!b->finalized) {
		ts_error_reply(o, 400, "the batch has not ended yet");
		return;
	}
	o->status = 200;
	o->body = lines_text(b->results, &len);
	o->len = len;
	o->ctype = "application/x-jsonl";
}

static void file_get(const char *url, out_reply *o)
{
	const char *id = url + strlen("/v1/files/"), *slash = strchr(id, '/');
	char fid[40];
	const ts_file *f;

	snprintf(fid, sizeof(fid), "%.*s", slash ? (int)(slash - id) : (int)strlen(id), id);
	f = file_find(fid);
	if (!f || !slash || strcmp(slash, "/content")) {
		ts_error_reply(o, 404, "no such file");
		return;
	}
	o->status = 200;
	o->body = malloc(f->len + 1);
	memcpy(o->body, f->data, f->len + 1);
	o->len = f->len;
	o->ctype = "application/jsonl";
}

void ts_batch_route(struct MHD_Connection *conn, const char *method, const char *url, const char *raw, size_t len,
		    out_reply *o)
{
	if (!strcmp(method, "POST")) {
		if (!strcmp(url, "/v1/files"))
			files_post(conn, raw, len, o);
		else if (!strcmp(url, "/v1/batches"))
			batches_post(conn, raw, len, o);
		else
			anthropic_post(conn, raw, len, o);
		return;
	}
	pthread_mutex_lock(&bmu);
	if (starts(url, "/v1/files/"))
		file_get(url, o);
	else
		batch_get(conn, url, o);
	pthread_mutex_unlock(&bmu);
}

json_t *ts_batch_stats(void)
{
	json_t *a = json_array();
	size_t i;

	pthread_mutex_lock(&bmu);
	for (i = 0; i < nbatches; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "id", batches[i].id, "protocol",
						   batches[i].anth ? "anthropic" : "openai", "requests",
						   (json_int_t)batches[i].n));
	pthread_mutex_unlock(&bmu);
	return a;
}
