/*
 * openai.c - the OpenAI-compatible wire protocol: chat-completions and
 * embeddings request bodies, and defensive parsers for their replies
 * (plain JSON and the streamed server-sent-events form), and its Batch
 * API (the JSONL of request lines uploaded to /files, POST /batches, poll,
 * the output and error files joined on custom_id). Replies are untrusted:
 * every field is type-checked, nothing is assumed present.
 */
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ba_openai_chat_body(const ba_job *j, int stream)
{
	const ba_llm_request *r = &j->req;
	json_t *b = json_object(), *msgs = json_array();
	char *out;

	json_object_set_new(b, "model", json_string(j->model));
	if (r->system)
		json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "system", "content", r->system));
	json_array_extend(msgs, j->messages);
	json_object_set_new(b, "messages", msgs);
	if (r->temperature >= 0)
		json_object_set_new(b, "temperature", json_real(r->temperature));
	if (r->top_p >= 0)
		json_object_set_new(b, "top_p", json_real(r->top_p));
	if (r->max_tokens > 0)
		json_object_set_new(b, "max_tokens", json_integer(r->max_tokens));
	if (r->seed >= 0)
		json_object_set_new(b, "seed", json_integer(r->seed));
	if (r->stop)
		json_object_set(b, "stop", (json_t *)r->stop);
	if (r->n > 1)
		json_object_set_new(b, "n", json_integer(r->n));
	if (r->schema) {
		json_object_set_new(b, "response_format",
				    json_pack("{s:s, s:{s:s, s:O, s:b}}", "type", "json_schema", "json_schema",
					      "name", r->schema_name ? r->schema_name : "reply",
					      "schema", r->schema, "strict", 0));
	} else if (r->json_mode) {
		json_object_set_new(b, "response_format", json_pack("{s:s}", "type", "json_object"));
	}
	if (json_array_size(r->tools)) {
		json_object_set(b, "tools", (json_t *)r->tools);
		if (r->tool_choice) {
			if (!strcmp(r->tool_choice, "auto") || !strcmp(r->tool_choice, "required") ||
			    !strcmp(r->tool_choice, "none"))
				json_object_set_new(b, "tool_choice", json_string(r->tool_choice));
			else
				json_object_set_new(b, "tool_choice",
						    json_pack("{s:s, s:{s:s}}", "type", "function", "function",
							      "name", r->tool_choice));
		}
	}
	if (stream) {
		json_object_set_new(b, "stream", json_true());
		json_object_set_new(b, "stream_options", json_pack("{s:b}", "include_usage", 1));
	}
	out = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	return out;
}

char *ba_openai_embed_body(const ba_job *j)
{
	json_t *b = json_pack("{s:s, s:O}", "model", j->model, "input", j->texts);
	char *out = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	return out;
}

/* content: a string, null, or an array of text parts. New string or NULL. */
static char *content_text(const json_t *c)
{
	size_t i;
	json_t *p;
	ba_buf b = BA_BUF_INIT(64 << 20);

	if (json_is_string(c))
		return ba_strndup(json_string_value(c), json_string_length(c));
	if (!json_is_array(c))
		return NULL;
	json_array_foreach(c, i, p) {
		const char *t = json_is_string(p) ? json_string_value(p) : ba_json_str(p, "text", NULL);
		if (t)
			ba_buf_puts(&b, t);
	}
	return ba_buf_detach(&b);
}

static int parse_tool_calls(const json_t *tcs, json_t **out, ba_error *err)
{
	size_t i;
	json_t *tc, *arr;

	*out = NULL;
	if (!tcs || json_is_null(tcs))
		return 0;
	if (!json_is_array(tcs))
		return ba_error_set(err, BA_EINVAL, "choices[0].message.tool_calls is not an array");
	arr = json_array();
	json_array_foreach(tcs, i, tc) {
		const json_t *fn = json_object_get(tc, "function");
		const char *name = ba_json_str(fn, "name", NULL);
		json_t *args = json_object_get(fn, "arguments");
		if (!json_is_object(fn) || !name) {
			json_decref(arr);
			return ba_error_set(err, BA_EINVAL, "tool_calls[%zu]: missing function.name", i);
		}
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "id", ba_json_str(tc, "id", ""),
						     "name", name, "arguments", args ? json_incref(args) : json_object()));
	}
	*out = arr;
	return 0;
}

static void parse_usage(const json_t *u, ba_wire_reply *out)
{
	if (!json_is_object(u))
		return;
	out->prompt_tokens = (long)ba_json_int(u, "prompt_tokens", 0);
	out->completion_tokens = (long)ba_json_int(u, "completion_tokens", 0);
	if (out->prompt_tokens < 0)
		out->prompt_tokens = 0;
	if (out->completion_tokens < 0)
		out->completion_tokens = 0;
	out->have_usage = 1;
}

int ba_openai_parse_chat(const char *body, size_t len, ba_wire_reply *out, ba_error *err)
{
	json_error_t e;
	json_t *root, *choices, *c0, *msg, *c;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	root = json_loadb(body, len, 0, &e);
	if (!root)
		return ba_error_set(err, BA_EINVAL, "reply is not JSON: %s (line %d)", e.text, e.line);
	if (!json_is_object(root)) {
		rc = ba_error_set(err, BA_EINVAL, "reply is not a JSON object");
		goto out;
	}
	if (json_object_get(root, "error") && !json_is_null(json_object_get(root, "error"))) {
		char *m = ba_wire_error_message(body, len);
		rc = ba_error_set(err, BA_EINVAL, "reply carries an error: %s", m ? m : "(no message)");
		free(m);
		goto out;
	}
	choices = json_object_get(root, "choices");
	if (!json_is_array(choices) || json_array_size(choices) == 0) {
		rc = ba_error_set(err, BA_EINVAL, "reply has no choices");
		goto out;
	}
	c0 = json_array_get(choices, 0);
	msg = json_object_get(c0, "message");
	if (!json_is_object(msg)) {
		rc = ba_error_set(err, BA_EINVAL, "choices[0] has no message object");
		goto out;
	}
	out->content = content_text(json_object_get(msg, "content"));
	if ((rc = parse_tool_calls(json_object_get(msg, "tool_calls"), &out->tool_calls, err)) != 0)
		goto out;
	if (!out->content && !out->tool_calls) {
		/* reasoning servers may put text elsewhere; an empty string keeps the caller simple */
		out->content = ba_strdup("");
	}
	out->finish_reason = ba_strdup(ba_json_str(c0, "finish_reason", NULL));
	if (json_array_size(choices) > 1) {
		out->choices = json_array();
		json_array_foreach(choices, i, c) {
			char *t = content_text(json_object_get(json_object_get(c, "message"), "content"));
			json_array_append_new(out->choices, t ? json_string(t) : json_null());
			free(t);
		}
	}
	parse_usage(json_object_get(root, "usage"), out);
out:
	json_decref(root);
	if (rc)
		ba_wire_reply_clear(out);
	return rc;
}

int ba_openai_parse_embed(const char *body, size_t len, ba_wire_reply *out, ba_error *err)
{
	json_error_t e;
	json_t *root, *data, *d, *vecs;
	size_t i, n, k;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	root = json_loadb(body, len, 0, &e);
	if (!root)
		return ba_error_set(err, BA_EINVAL, "reply is not JSON: %s (line %d)", e.text, e.line);
	data = json_object_get(root, "data");
	if (!json_is_array(data)) {
		rc = ba_error_set(err, BA_EINVAL, "embeddings reply has no data array");
		goto out;
	}
	n = json_array_size(data);
	vecs = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(vecs, json_null());
	json_array_foreach(data, i, d) {
		json_t *emb = json_object_get(d, "embedding");
		json_int_t idx = json_is_integer(json_object_get(d, "index")) ?
				 json_integer_value(json_object_get(d, "index")) : (json_int_t)i;
		if (!json_is_array(emb) || idx < 0 || (size_t)idx >= n ||
		    !json_is_null(json_array_get(vecs, (size_t)idx))) {
			json_decref(vecs);
			rc = ba_error_set(err, BA_EINVAL, "embeddings reply: data[%zu] has no usable embedding/index", i);
			goto out;
		}
		for (k = 0; k < json_array_size(emb); k++)
			if (!json_is_number(json_array_get(emb, k))) {
				json_decref(vecs);
				rc = ba_error_set(err, BA_EINVAL, "embeddings reply: data[%zu].embedding[%zu] is not a number", i, k);
				goto out;
			}
		json_array_set(vecs, (size_t)idx, emb);
	}
	out->embeddings = vecs;
	parse_usage(json_object_get(root, "usage"), out);
out:
	json_decref(root);
	return rc;
}

typedef struct {
	ba_buf text;
	json_t *tools;      /* [{id, name, args(string accum)}] by index */
	char *finish;
	ba_wire_reply *out;
} oa_stream;

static int oa_chunk(void *ud, const char *data, size_t len, ba_error *err)
{
	oa_stream *s = ud;
	json_error_t e;
	json_t *root = json_loadb(data, len, 0, &e), *choices, *c0, *delta, *tcs, *tc;
	size_t i;
	int rc = 0;

	if (!json_is_object(root)) {
		json_decref(root);
		return ba_error_set(err, BA_EINVAL, "stream chunk is not a JSON object: %s", root ? "wrong type" : e.text);
	}
	if (json_object_get(root, "error") && !json_is_null(json_object_get(root, "error"))) {
		char *m = ba_wire_error_message(data, len);
		rc = ba_error_set(err, BA_EINVAL, "stream carries an error: %s", m ? m : "(no message)");
		free(m);
		goto out;
	}
	parse_usage(json_object_get(root, "usage"), s->out);
	choices = json_object_get(root, "choices");
	c0 = NULL;
	json_array_foreach(choices, i, tc)
		if (ba_json_int(tc, "index", 0) == 0)
			c0 = tc;
	if (!c0)
		goto out;
	if (json_is_string(json_object_get(c0, "finish_reason"))) {
		free(s->finish);
		s->finish = ba_strdup(json_string_value(json_object_get(c0, "finish_reason")));
	}
	delta = json_object_get(c0, "delta");
	if (json_is_string(json_object_get(delta, "content")) &&
	    ba_buf_puts(&s->text, json_string_value(json_object_get(delta, "content"))) != 0) {
		rc = ba_error_set(err, BA_ELIMIT, "streamed content too large");
		goto out;
	}
	tcs = json_object_get(delta, "tool_calls");
	json_array_foreach(tcs, i, tc) {
		json_int_t idx = ba_json_int(tc, "index", (long long)i);
		json_t *fn = json_object_get(tc, "function"), *slot;
		if (idx < 0 || idx > 128) {
			rc = ba_error_set(err, BA_EINVAL, "stream tool_calls index %lld out of range", (long long)idx);
			goto out;
		}
		while (json_array_size(s->tools) <= (size_t)idx)
			json_array_append_new(s->tools, json_pack("{s:s, s:s, s:s}", "id", "", "name", "", "arguments", ""));
		slot = json_array_get(s->tools, (size_t)idx);
		if (json_is_string(json_object_get(tc, "id")))
			json_object_set(slot, "id", json_object_get(tc, "id"));
		if (json_is_string(json_object_get(fn, "name")))
			json_object_set(slot, "name", json_object_get(fn, "name"));
		if (json_is_string(json_object_get(fn, "arguments"))) {
			char *acc = ba_asprintf("%s%s", ba_json_str(slot, "arguments", ""),
						json_string_value(json_object_get(fn, "arguments")));
			json_object_set_new(slot, "arguments", json_string(acc));
			free(acc);
		}
	}
out:
	json_decref(root);
	return rc;
}

int ba_openai_parse_sse(const char *body, size_t len, ba_wire_reply *out, ba_error *err)
{
	oa_stream s;
	int rc, done = 0;
	size_t i;
	json_t *t;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	ba_buf_init(&s.text, 64 << 20);
	s.tools = json_array();
	s.out = out;
	rc = ba_sse_each(body, len, oa_chunk, &s, &done, err);
	if (!rc && !done && !s.finish)
		rc = ba_error_set(err, BA_EINVAL, "stream ended before [DONE] (reply truncated)");
	if (!rc) {
		json_array_foreach(s.tools, i, t)
			if (!*ba_json_str(t, "name", "")) {
				rc = ba_error_set(err, BA_EINVAL, "streamed tool call %zu has no name", i);
				break;
			}
	}
	if (!rc) {
		out->finish_reason = s.finish;
		s.finish = NULL;
	}
	free(s.finish);
	return ba_sse_reply_end(&s.text, &s.tools, out, rc);
}

static char *chat_url(const char *base, size_t len)
{
	return ba_asprintf("%.*s/chat/completions", (int)len, base);
}

static char *embed_url(const char *base, size_t len)
{
	return ba_asprintf("%.*s/embeddings", (int)len, base);
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
	char *base = ba_batch_base(w->prov), *url, *jsonl = openai_jsonl(s), *body;
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
	f = ba_batch_json(w->prov, url, NULL, mime, err, errlen);
	free(url);
	if (!f || !json_is_string(json_object_get(f, "id"))) {
		if (f)
			snprintf(err, errlen, "provider '%s': /files answered without an id", w->prov->name);
		goto out;
	}
	body = ba_asprintf("{\"input_file_id\":\"%s\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}",
			   json_string_value(json_object_get(f, "id")));
	url = ba_asprintf("%s/batches", base);
	b = ba_batch_json(w->prov, url, body, NULL, err, errlen);
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
	ba_job *j = ba_batch_job_of(s, ba_json_str(l, "custom_id", NULL));
	json_t *resp = json_object_get(l, "response"), *e = json_object_get(l, "error");
	long code = (long)json_integer_value(json_object_get(resp, "status_code"));
	char cbuf[32];

	if (!j || j->bstate != BJ_PENDING)
		return;
	if (json_is_object(resp) && code >= 200 && code < 300 && !json_is_object(e)) {
		ba_batch_job_ok(j, json_object_get(resp, "body"));
		return;
	}
	if (json_is_object(e)) {
		const char *ec = ba_json_str(e, "code", "error");
		ba_batch_job_err(j, 1, "provider '%s' (model %s): batch request failed: %s: %s", ec, ba_json_str(e, "message", ""));
		return;
	}
	snprintf(cbuf, sizeof(cbuf), "HTTP %ld", code);
	ba_batch_job_err(j, code == 408 || code == 409 || code == 429 || code >= 500,
		"provider '%s' (model %s): batch request failed: %s: %s", cbuf,
		ba_json_str(json_object_get(json_object_get(resp, "body"), "error"), "message", ""));
}

static int openai_download(ba_batch_work *w, batch_set *s, const char *fid, char *err, size_t errlen)
{
	char *base = ba_batch_base(w->prov), *url = ba_asprintf("%s/files/%s/content", base, fid);
	ba_buf b;
	long status;
	int rc = -1;

	ba_buf_init(&b, BA_BATCH_MAX_REPLY);
	if (ba_batch_http(w->prov, url, NULL, NULL, &b, &status, err, errlen) == 0) {
		if (status == 200) {
			ba_batch_each_line(s, &b, openai_line);
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
	char *base = ba_batch_base(w->prov), *url = ba_asprintf("%s/batches/%s", base, s->id);
	json_t *b = ba_batch_json(w->prov, url, NULL, NULL, err, errlen);
	const char *st = b ? ba_json_str(b, "status", "") : "";
	int rc = 0;

	free(url);
	free(base);
	if (!b)
		return -1;
	if (!strcmp(st, "completed") || !strcmp(st, "expired") || !strcmp(st, "cancelled") || !strcmp(st, "failed")) {
		const char *of = ba_json_str(b, "output_file_id", NULL), *ef = ba_json_str(b, "error_file_id", NULL);
		ba_batch_ended(w, s, st);
		rc = 1;
		if ((of && openai_download(w, s, of, err, errlen) != 0) || (ef && openai_download(w, s, ef, err, errlen) != 0))
			rc = -1;
		if (!strcmp(st, "failed")) {
			json_t *errs = json_object_get(json_object_get(b, "errors"), "data");
			const char *m = ba_json_str(json_array_get(errs, 0), "message", "the provider failed the batch");
			ba_batch_fail_all(s, 0, m);
		}
	}
	json_decref(b);
	return rc;
}

static const ba_batch_api batch_api = { openai_submit, openai_poll, 0 };

const ba_wire_protocol ba_protocol_openai = {
	.chat_url = chat_url,
	.chat_body = ba_openai_chat_body,
	.parse_reply = ba_openai_parse_chat,
	.parse_stream = ba_openai_parse_sse,
	.embed_url = embed_url,
	.embed_body = ba_openai_embed_body,
	.parse_embed = ba_openai_parse_embed,
	.auth_header = "Authorization: Bearer %s",
	.batch = &batch_api,
	.media = BA_MEDIA_IMAGE | BA_MEDIA_AUDIO,
};
