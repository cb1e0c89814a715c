/*
 * request.c - requests as data: deep copies for asynchronous jobs, the
 * canonical provider-independent form whose SHA-256 is the cache key, the
 * chars/4 token estimate, and response allocation.
 */
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/json.h"
#include "benchagent/sha256.h"

#include <stdlib.h>
#include <string.h>

static json_t *copy_json(const json_t *j)
{
	return j ? json_deep_copy(j) : NULL;
}

void ba_request_copy(ba_llm_request *dst, const ba_llm_request *src)
{
	*dst = *src;
	dst->role = ba_strdup(src->role);
	dst->provider = ba_strdup(src->provider);
	dst->model = ba_strdup(src->model);
	dst->system = ba_strdup(src->system);
	dst->messages = NULL; /* the caller decides: see job_new */
	dst->tools = copy_json(src->tools);
	dst->tool_choice = ba_strdup(src->tool_choice);
	dst->schema = copy_json(src->schema);
	dst->schema_name = ba_strdup(src->schema_name);
	dst->stop = copy_json(src->stop);
}

void ba_request_clear(ba_llm_request *r)
{
	free((char *)r->role);
	free((char *)r->provider);
	free((char *)r->model);
	free((char *)r->system);
	json_decref((json_t *)r->messages);
	json_decref((json_t *)r->tools);
	free((char *)r->tool_choice);
	json_decref((json_t *)r->schema);
	free((char *)r->schema_name);
	json_decref((json_t *)r->stop);
	memset(r, 0, sizeof(*r));
}

/* messages with every input_audio part's base64 data replaced by the
 * SHA-256 and size of the bytes it carries: the key covers the audio, the
 * stored request stays small (new ref; the same messages when there is no
 * audio). */
static json_t *audio_by_hash(const json_t *messages)
{
	json_t *out, *m, *p;
	size_t i, k;

	if (!(ba_llm_media_needed(messages) & BA_MEDIA_AUDIO))
		return json_incref((json_t *)messages);
	out = json_deep_copy(messages);
	json_array_foreach(out, i, m) {
		json_array_foreach(json_object_get(m, "content"), k, p) {
			json_t *ia = json_object_get(p, "input_audio");
			const char *data = json_string_value(json_object_get(ia, "data"));
			unsigned char *bytes;
			size_t n = 0;
			char hex[65];
			if (!json_is_object(ia) || !data)
				continue;
			bytes = ba_base64_decode(data, strlen(data), &n);
			if (bytes)
				ba_sha256_hex(bytes, n, hex);
			else /* not base64: the text itself is what was sent */
				ba_sha256_hex(data, strlen(data), hex);
			free(bytes);
			json_object_del(ia, "data");
			json_object_set_new(ia, "sha256", json_string(hex));
			json_object_set_new(ia, "bytes", json_integer((json_int_t)n));
		}
	}
	return out;
}

json_t *ba_request_canonical(const ba_llm_request *req, const char *model, int kind,
			     const json_t *texts)
{
	json_t *c = json_object();

	json_object_set_new(c, "v", json_integer(1));
	json_object_set_new(c, "kind", json_string(kind == JOB_EMBED ? "embed" : "chat"));
	json_object_set_new(c, "model", json_string(model ? model : ""));
	if (kind == JOB_EMBED) {
		json_object_set(c, "input", (json_t *)texts);
		return c;
	}
	if (req->system)
		json_object_set_new(c, "system", json_string(req->system));
	if (req->messages)
		json_object_set_new(c, "messages", audio_by_hash(req->messages));
	if (req->tools)
		json_object_set(c, "tools", (json_t *)req->tools);
	if (req->tool_choice && strcmp(req->tool_choice, "auto"))
		json_object_set_new(c, "tool_choice", json_string(req->tool_choice));
	if (req->schema) {
		json_object_set(c, "schema", (json_t *)req->schema);
		json_object_set_new(c, "schema_name", json_string(req->schema_name ? req->schema_name : "reply"));
	}
	if (req->json_mode)
		json_object_set_new(c, "json_mode", json_true());
	if (req->temperature >= 0)
		json_object_set_new(c, "temperature", json_real(req->temperature));
	if (req->top_p >= 0)
		json_object_set_new(c, "top_p", json_real(req->top_p));
	if (req->max_tokens > 0)
		json_object_set_new(c, "max_tokens", json_integer(req->max_tokens));
	if (req->seed >= 0)
		json_object_set_new(c, "seed", json_integer(req->seed));
	if (req->n > 1)
		json_object_set_new(c, "n", json_integer(req->n));
	if (req->stop)
		json_object_set(c, "stop", (json_t *)req->stop);
	json_object_set_new(c, "sample_index", json_integer(req->sample_index));
	return c;
}

static size_t text_chars(const json_t *content)
{
	size_t n = 0, i;
	json_t *p;

	if (json_is_string(content))
		return json_string_length(content);
	json_array_foreach(content, i, p) {
		const char *t = ba_json_str(p, "type", "");
		if (!strcmp(t, "text"))
			n += strlen(ba_json_str(p, "text", ""));
		else if (!strcmp(t, "input_audio"))
			/* audio is ~10 tokens a second; 16 kHz 16-bit WAV is 42.7k
			 * base64 chars a second: 4267 chars a token, counted here
			 * as 4 chars of text */
			n += strlen(ba_json_str(json_object_get(p, "input_audio"), "data", "")) / 1067 + 4;
		else
			n += 85 * 4; /* an image: roughly a low-detail tile */
	}
	return n;
}

long ba_request_estimate_tokens(const ba_job *j)
{
	size_t chars = 0, i;
	json_t *m;

	if (j->kind == JOB_EMBED) {
		json_array_foreach(j->texts, i, m)
			chars += json_string_length(m);
		return (long)(chars / 4 + 1);
	}
	if (!j->messages && j->payload)
		return (long)(strlen(j->payload) / 4 + 1); /* the body as sent: close enough */
	if (j->req.system)
		chars += strlen(j->req.system);
	json_array_foreach(j->messages, i, m)
		chars += text_chars(json_object_get(m, "content")) + 16;
	if (j->req.tools) {
		char *s = json_dumps(j->req.tools, JSON_COMPACT);
		chars += s ? strlen(s) : 0;
		free(s);
	}
	if (j->req.schema) {
		char *s = json_dumps(j->req.schema, JSON_COMPACT);
		chars += s ? strlen(s) : 0;
		free(s);
	}
	return (long)(chars / 4 + 1);
}

ba_llm_response *ba_response_new(void)
{
	return ba_calloc(1, sizeof(ba_llm_response));
}

void ba_llm_response_free(ba_llm_response *r)
{
	if (!r)
		return;
	free(r->content);
	json_decref(r->json);
	json_decref(r->tool_calls);
	json_decref(r->choices);
	free(r->finish_reason);
	free(r->provider);
	free(r->model);
	free(r);
}

/* The message of an error body in any protocol's shape ({"error": {"message"}},
 * {"error": "..."}, {"message"}, {"detail"}), at most 600 bytes; NULL when none. */
char *ba_wire_error_message(const char *body, size_t len)
{
	json_error_t e;
	json_t *root = json_loadb(body, len, 0, &e), *er;
	char *out = NULL;

	if (!json_is_object(root))
		goto done;
	er = json_object_get(root, "error");
	if (json_is_object(er) && json_is_string(json_object_get(er, "message")))
		out = ba_strdup(json_string_value(json_object_get(er, "message")));
	else if (json_is_string(er))
		out = ba_strdup(json_string_value(er));
	else if (json_is_string(json_object_get(root, "message")))
		out = ba_strdup(json_string_value(json_object_get(root, "message")));
	else if (json_is_string(json_object_get(root, "detail")))
		out = ba_strdup(json_string_value(json_object_get(root, "detail")));
done:
	json_decref(root);
	if (out && strlen(out) > 600)
		out[600] = 0;
	return out;
}

void ba_wire_reply_clear(ba_wire_reply *w)
{
	free(w->content);
	json_decref(w->tool_calls);
	json_decref(w->choices);
	json_decref(w->embeddings);
	free(w->finish_reason);
	memset(w, 0, sizeof(*w));
}
