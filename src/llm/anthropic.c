/*
 * anthropic.c - the Anthropic Messages protocol: converts the gateway's
 * OpenAI-style request (messages with text/image parts, tools, tool calls
 * and tool results) into a /v1/messages body, and parses replies (plain
 * and streamed) defensively into the common wire form; its Message Batches
 * API (POST /v1/messages/batches, poll, the results_url's lines).
 */
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An image_url part -> an image block (data: URLs become base64 sources). */
static json_t *image_block(const json_t *part)
{
	const char *url = ba_json_str(json_object_get(part, "image_url"), "url", "");
	const char *comma, *semi;

	if (!strncmp(url, "data:", 5) && (comma = strchr(url, ',')) && (semi = strchr(url, ';')) && semi < comma) {
		char *mt = ba_strndup(url + 5, (size_t)(semi - url - 5));
		json_t *b = json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", "image", "source", "type", "base64",
				      "media_type", mt, "data", comma + 1);
		free(mt);
		return b;
	}
	return json_pack("{s:s, s:{s:s, s:s}}", "type", "image", "source", "type", "url", "url", url);
}

static json_t *convert_content(const json_t *c)
{
	json_t *blocks, *p;
	size_t i;

	if (json_is_string(c))
		return json_incref((json_t *)c);
	blocks = json_array();
	json_array_foreach(c, i, p) {
		const char *t = ba_json_str(p, "type", "");
		if (!strcmp(t, "text"))
			json_array_append_new(blocks, json_pack("{s:s, s:s}", "type", "text", "text",
								ba_json_str(p, "text", "")));
		else if (!strcmp(t, "image_url"))
			json_array_append_new(blocks, image_block(p));
	}
	return blocks;
}

static json_t *convert_messages(const json_t *msgs, ba_buf *system)
{
	json_t *out = json_array(), *m;
	size_t i, k;

	json_array_foreach(msgs, i, m) {
		const char *role = ba_json_str(m, "role", "user");
		json_t *content = json_object_get(m, "content");
		if (!strcmp(role, "system")) {
			char *t = json_is_string(content) ? ba_strdup(json_string_value(content)) : NULL;
			if (t) {
				if (system->len)
					ba_buf_puts(system, "\n\n");
				ba_buf_puts(system, t);
			}
			free(t);
		} else if (!strcmp(role, "tool")) {
			json_array_append_new(out, json_pack("{s:s, s:[{s:s, s:s, s:o}]}", "role", "user", "content",
							     "type", "tool_result", "tool_use_id",
							     ba_json_str(m, "tool_call_id", ""), "content",
							     content ? json_incref(content) : json_string("")));
		} else if (!strcmp(role, "assistant") && json_array_size(json_object_get(m, "tool_calls"))) {
			json_t *blocks = json_array(), *tc;
			if (json_is_string(content) && json_string_length(content))
				json_array_append_new(blocks, json_pack("{s:s, s:O}", "type", "text", "text", content));
			json_array_foreach(json_object_get(m, "tool_calls"), k, tc) {
				json_t *fn = json_object_get(tc, "function"), *args = json_object_get(fn, "arguments");
				json_t *input = NULL;
				json_error_t e;
				if (json_is_string(args))
					input = json_loads(json_string_value(args), 0, &e);
				else if (json_is_object(args))
					input = json_incref(args);
				if (!json_is_object(input)) {
					json_decref(input);
					input = json_object();
				}
				json_array_append_new(blocks, json_pack("{s:s, s:s, s:s, s:o}", "type", "tool_use", "id",
									ba_json_str(tc, "id", ""), "name",
									ba_json_str(fn, "name", ""), "input", input));
			}
			json_array_append_new(out, json_pack("{s:s, s:o}", "role", "assistant", "content", blocks));
		} else {
			json_array_append_new(out, json_pack("{s:s, s:o}", "role",
							     strcmp(role, "assistant") ? "user" : "assistant",
							     "content", convert_content(content)));
		}
	}
	return out;
}

char *ba_anthropic_body(const ba_job *j, int stream)
{
	const ba_llm_request *r = &j->req;
	json_t *b = json_object();
	ba_buf system = BA_BUF_INIT(64 << 20);
	char *out;
	size_t i;
	json_t *t;

	if (r->system)
		ba_buf_puts(&system, r->system);
	json_object_set_new(b, "model", json_string(j->model));
	json_object_set_new(b, "max_tokens", json_integer(r->max_tokens > 0 ? r->max_tokens : 4096));
	json_object_set_new(b, "messages", convert_messages(j->messages, &system));
	if (r->schema || r->json_mode) {
		/* no response_format in this protocol: ask in the system prompt, validate after */
		char *s = r->schema ? json_dumps(r->schema, JSON_COMPACT) : NULL;
		if (system.len)
			ba_buf_puts(&system, "\n\n");
		if (s)
			ba_buf_printf(&system, "Reply with only a JSON value that satisfies this JSON schema, no prose: %s", s);
		else
			ba_buf_puts(&system, "Reply with only a JSON object, no prose.");
		free(s);
	}
	if (system.len)
		json_object_set_new(b, "system", json_string(system.ptr));
	if (r->temperature >= 0)
		json_object_set_new(b, "temperature", json_real(r->temperature > 1 ? 1 : r->temperature));
	if (r->top_p >= 0)
		json_object_set_new(b, "top_p", json_real(r->top_p));
	if (json_is_string(r->stop))
		json_object_set_new(b, "stop_sequences", json_pack("[O]", r->stop));
	else if (json_is_array(r->stop))
		json_object_set(b, "stop_sequences", (json_t *)r->stop);
	if (json_array_size(r->tools)) {
		json_t *tools = json_array();
		json_array_foreach(r->tools, i, t) {
			json_t *fn = json_object_get(t, "function");
			if (!fn)
				fn = t;
			json_t *schema = json_object_get(fn, "parameters");
			if (!schema)
				schema = json_object_get(fn, "input_schema");
			json_array_append_new(tools, json_pack("{s:s, s:s, s:o}", "name", ba_json_str(fn, "name", ""),
							       "description", ba_json_str(fn, "description", ""),
							       "input_schema", schema ? json_incref(schema)
										      : json_pack("{s:s}", "type", "object")));
		}
		json_object_set_new(b, "tools", tools);
		if (r->tool_choice && strcmp(r->tool_choice, "auto")) {
			if (!strcmp(r->tool_choice, "required"))
				json_object_set_new(b, "tool_choice", json_pack("{s:s}", "type", "any"));
			else if (!strcmp(r->tool_choice, "none"))
				json_object_set_new(b, "tool_choice", json_pack("{s:s}", "type", "none"));
			else
				json_object_set_new(b, "tool_choice", json_pack("{s:s, s:s}", "type", "tool", "name",
										r->tool_choice));
		}
	}
	if (stream)
		json_object_set_new(b, "stream", json_true());
	out = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	ba_buf_free(&system);
	return out;
}

static char *map_stop(const char *s)
{
	if (!s)
		return NULL;
	if (!strcmp(s, "end_turn") || !strcmp(s, "stop_sequence"))
		return ba_strdup("stop");
	if (!strcmp(s, "tool_use"))
		return ba_strdup("tool_calls");
	if (!strcmp(s, "max_tokens"))
		return ba_strdup("length");
	return ba_strdup(s);
}

int ba_anthropic_parse(const char *body, size_t len, ba_wire_reply *out, ba_error *err)
{
	json_error_t e;
	json_t *root, *content, *blk, *u;
	ba_buf text = BA_BUF_INIT(64 << 20);
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
	if (!strcmp(ba_json_str(root, "type", ""), "error")) {
		char *m = ba_wire_error_message(body, len);
		rc = ba_error_set(err, BA_EINVAL, "reply carries an error: %s", m ? m : "(no message)");
		free(m);
		goto out;
	}
	content = json_object_get(root, "content");
	if (!json_is_array(content)) {
		rc = ba_error_set(err, BA_EINVAL, "reply has no content array");
		goto out;
	}
	json_array_foreach(content, i, blk) {
		const char *t = ba_json_str(blk, "type", "");
		if (!strcmp(t, "text"))
			ba_buf_puts(&text, ba_json_str(blk, "text", ""));
		else if (!strcmp(t, "tool_use")) {
			json_t *input = json_object_get(blk, "input");
			if (!ba_json_str(blk, "name", NULL)) {
				rc = ba_error_set(err, BA_EINVAL, "content[%zu]: tool_use without a name", i);
				goto out;
			}
			if (!out->tool_calls)
				out->tool_calls = json_array();
			json_array_append_new(out->tool_calls,
					      json_pack("{s:s, s:s, s:o}", "id", ba_json_str(blk, "id", ""), "name",
							ba_json_str(blk, "name", ""), "arguments",
							input ? json_incref(input) : json_object()));
		}
	}
	out->content = ba_buf_detach(&text);
	out->finish_reason = map_stop(ba_json_str(root, "stop_reason", NULL));
	u = json_object_get(root, "usage");
	if (json_is_object(u)) {
		out->prompt_tokens = (long)ba_json_int(u, "input_tokens", 0);
		out->completion_tokens = (long)ba_json_int(u, "output_tokens", 0);
		if (out->prompt_tokens < 0)
			out->prompt_tokens = 0;
		if (out->completion_tokens < 0)
			out->completion_tokens = 0;
		out->have_usage = 1;
	}
out:
	ba_buf_free(&text);
	json_decref(root);
	if (rc)
		ba_wire_reply_clear(out);
	return rc;
}

typedef struct {
	ba_buf text;
	json_t *tools;   /* [{id, name, arguments (partial json string)}] by block index */
	json_t *block_tool; /* block index -> tool slot */
	int stopped;
	ba_wire_reply *out;
} an_stream;

static int an_event(void *ud, const char *data, size_t len, ba_error *err)
{
	an_stream *s = ud;
	json_error_t e;
	json_t *ev = json_loadb(data, len, 0, &e), *x;
	const char *type;
	int rc = 0;
	char idx[32];

	if (!json_is_object(ev)) {
		json_decref(ev);
		return ba_error_set(err, BA_EINVAL, "stream event is not a JSON object");
	}
	type = ba_json_str(ev, "type", "");
	snprintf(idx, sizeof(idx), "%lld", ba_json_int(ev, "index", 0));
	if (!strcmp(type, "error")) {
		char *m = ba_wire_error_message(data, len);
		rc = ba_error_set(err, BA_EINVAL, "stream carries an error: %s", m ? m : "(no message)");
		free(m);
	} else if (!strcmp(type, "message_start")) {
		x = json_object_get(json_object_get(ev, "message"), "usage");
		if (json_is_object(x)) {
			s->out->prompt_tokens = (long)ba_json_int(x, "input_tokens", 0);
			s->out->have_usage = 1;
		}
	} else if (!strcmp(type, "content_block_start")) {
		x = json_object_get(ev, "content_block");
		if (!strcmp(ba_json_str(x, "type", ""), "tool_use")) {
			json_object_set_new(s->block_tool, idx, json_integer((json_int_t)json_array_size(s->tools)));
			json_array_append_new(s->tools, json_pack("{s:s, s:s, s:s}", "id", ba_json_str(x, "id", ""),
								  "name", ba_json_str(x, "name", ""), "arguments", ""));
		}
	} else if (!strcmp(type, "content_block_delta")) {
		x = json_object_get(ev, "delta");
		if (!strcmp(ba_json_str(x, "type", ""), "text_delta")) {
			if (ba_buf_puts(&s->text, ba_json_str(x, "text", "")) != 0)
				rc = ba_error_set(err, BA_ELIMIT, "streamed content too large");
		} else if (!strcmp(ba_json_str(x, "type", ""), "input_json_delta")) {
			json_t *slotno = json_object_get(s->block_tool, idx), *slot;
			if (!slotno) {
				rc = ba_error_set(err, BA_EINVAL, "input_json_delta for a block that is not a tool_use");
			} else {
				char *acc;
				slot = json_array_get(s->tools, (size_t)json_integer_value(slotno));
				acc = ba_asprintf("%s%s", ba_json_str(slot, "arguments", ""), ba_json_str(x, "partial_json", ""));
				json_object_set_new(slot, "arguments", json_string(acc));
				free(acc);
			}
		}
	} else if (!strcmp(type, "message_delta")) {
		x = json_object_get(ev, "delta");
		if (ba_json_str(x, "stop_reason", NULL)) {
			free(s->out->finish_reason);
			s->out->finish_reason = map_stop(ba_json_str(x, "stop_reason", NULL));
		}
		x = json_object_get(ev, "usage");
		if (json_is_object(x)) {
			s->out->completion_tokens = (long)ba_json_int(x, "output_tokens", 0);
			s->out->have_usage = 1;
		}
	} else if (!strcmp(type, "message_stop")) {
		s->stopped = 1;
	}
	json_decref(ev);
	return rc;
}

int ba_anthropic_parse_sse(const char *body, size_t len, ba_wire_reply *out, ba_error *err)
{
	an_stream s;
	int rc, done = 0;
	size_t i;
	json_t *t;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	ba_buf_init(&s.text, 64 << 20);
	s.tools = json_array();
	s.block_tool = json_object();
	s.out = out;
	rc = ba_sse_each(body, len, an_event, &s, &done, err);
	if (!rc && !s.stopped)
		rc = ba_error_set(err, BA_EINVAL, "stream ended before message_stop (reply truncated)");
	if (!rc) {
		json_array_foreach(s.tools, i, t) {
			/* an empty input means {} */
			if (!*ba_json_str(t, "arguments", ""))
				json_object_set_new(t, "arguments", json_object());
		}
	}
	json_decref(s.block_tool);
	return ba_sse_reply_end(&s.text, &s.tools, out, rc);
}

/* base_url is the host (https://api.anthropic.com); a trailing /v1 is tolerated */
static char *chat_url(const char *base, size_t len)
{
	if (len >= 3 && !strncmp(base + len - 3, "/v1", 3))
		return ba_asprintf("%.*s/messages", (int)len, base);
	return ba_asprintf("%.*s/v1/messages", (int)len, base);
}

/* ---- Anthropic: /v1/messages/batches ---- */

static int anthropic_submit(ba_batch_work *w, batch_set *s, char *err, size_t errlen)
{
	return ba_batch_post(w, s, "/v1/messages/batches", "custom_id", "params", err, errlen);
}

static void anthropic_line(batch_set *s, const json_t *l)
{
	ba_job *j = ba_batch_job_of(s, ba_json_str(l, "custom_id", NULL));
	json_t *r = json_object_get(l, "result");
	const char *type = ba_json_str(r, "type", "");

	if (!j || j->bstate != BJ_PENDING)
		return;
	if (!strcmp(type, "succeeded") && json_is_object(json_object_get(r, "message"))) {
		ba_batch_job_ok(j, json_object_get(r, "message"));
	} else if (!strcmp(type, "errored")) {
		json_t *e = json_object_get(json_object_get(r, "error"), "error");
		const char *et = ba_json_str(e, "type", "error");
		ba_batch_job_err(j, strcmp(et, "invalid_request_error") != 0, "provider '%s' (model %s): batch request failed: %s: %s",
			et, ba_json_str(e, "message", ""));
	} else
		ba_batch_job_err(j, 1, "provider '%s' (model %s): batch request %s%s", type, NULL);
}

static int anthropic_results(ba_batch_work *w, batch_set *s, const char *rurl, char *err, size_t errlen)
{
	char *base = ba_batch_base(w->prov);
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
	ba_buf_init(&b, BA_BATCH_MAX_REPLY);
	if (ba_batch_http(w->prov, rurl, NULL, NULL, &b, &status, err, errlen) == 0) {
		if (status == 200) {
			ba_batch_each_line(s, &b, anthropic_line);
			rc = 0;
		} else
			snprintf(err, errlen, "provider '%s': HTTP %ld reading batch results", w->prov->name, status);
	}
	ba_buf_free(&b);
	return rc;
}

static int anthropic_poll(ba_batch_work *w, batch_set *s, char *err, size_t errlen)
{
	char *base = ba_batch_base(w->prov), *url = ba_asprintf("%s/v1/messages/batches/%s", base, s->id);
	json_t *b = ba_batch_json(w->prov, url, NULL, NULL, err, errlen);
	int rc = 0;

	free(url);
	free(base);
	if (!b)
		return -1;
	if (!strcmp(ba_json_str(b, "processing_status", ""), "ended")) {
		const char *rurl = ba_json_str(b, "results_url", NULL);
		ba_batch_ended(w, s, "ended");
		rc = rurl && anthropic_results(w, s, rurl, err, errlen) == 0 ? 1 : -1;
		if (!rurl)
			snprintf(err, errlen, "provider '%s': ended batch %s has no results_url", w->prov->name, s->id);
	}
	json_decref(b);
	return rc;
}

static const ba_batch_api batch_api = { anthropic_submit, anthropic_poll, 1 };

const ba_wire_protocol ba_protocol_anthropic = {
	.chat_url = chat_url,
	.chat_body = ba_anthropic_body,
	.parse_reply = ba_anthropic_parse,
	.parse_stream = ba_anthropic_parse_sse,
	.auth_header = "x-api-key: %s",
	.extra_header = "anthropic-version: 2023-06-01",
	.batch = &batch_api,
	.media = BA_MEDIA_IMAGE, /* Messages has no audio block */
};
