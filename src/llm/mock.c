/*
 * mock.c - the offline, deterministic "mock" provider: role hooks that
 * other modules register, and the generic answers (a valid instance of the
 * request's schema, a valid call of one offered tool, or text derived from
 * the request hash), plus hashed-word-feature embeddings.
 */
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/schema.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOOKS 64

static struct {
	char *role;
	ba_mock_fn fn;
	void *ud;
} hooks[MAX_HOOKS];
static size_t nhooks;

void ba_mock_register(const char *role, ba_mock_fn fn, void *ud)
{
	size_t i;

	if (!role)
		role = "default";
	for (i = 0; i < nhooks; i++) {
		if (!strcmp(hooks[i].role, role)) {
			hooks[i].fn = fn;
			hooks[i].ud = ud;
			return;
		}
	}
	if (nhooks >= MAX_HOOKS)
		return;
	hooks[nhooks].role = ba_strdup(role);
	hooks[nhooks].fn = fn;
	hooks[nhooks].ud = ud;
	nhooks++;
}

static uint64_t key_seed(const char *key)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < 16 && key[i]; i++) {
		int c = key[i];
		s = (s << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return s;
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

static void mock_tool_call(const ba_job *j, ba_rng *rng, uint64_t seed, ba_llm_response *resp)
{
	const json_t *tools = j->req.tools, *fn = NULL, *params;
	json_t *call, *args;
	char id[32];

	if (j->req.tool_choice && strcmp(j->req.tool_choice, "auto") && strcmp(j->req.tool_choice, "required"))
		fn = find_tool(tools, j->req.tool_choice);
	if (!fn) {
		json_t *t = json_array_get(tools, ba_rng_below(rng, (uint32_t)json_array_size(tools)));
		fn = json_object_get(t, "function");
		if (!fn)
			fn = t;
	}
	params = json_object_get(fn, "parameters");
	if (!params)
		params = json_object_get(fn, "input_schema");
	args = params ? ba_schema_instance(params, rng) : json_object();
	if (!json_is_object(args)) {
		json_decref(args);
		args = json_object();
	}
	snprintf(id, sizeof(id), "call_%016llx", (unsigned long long)seed);
	call = json_pack("{s:s, s:s, s:o}", "id", id, "name", ba_json_str(fn, "name", "tool"),
			 "arguments", args);
	resp->tool_calls = json_array();
	json_array_append_new(resp->tool_calls, call);
	resp->finish_reason = ba_strdup("tool_calls");
}

static char *mock_text(uint64_t seed, int idx)
{
	return ba_asprintf("Mock reply %016llx-%d: this text is a deterministic offline stand-in for a model's answer.",
			   (unsigned long long)seed, idx);
}

void ba_mock_chat(const ba_job *j, ba_llm_response *resp)
{
	uint64_t seed = key_seed(j->key);
	const char *role = j->req.role ? j->req.role : "default";
	ba_rng rng;
	size_t i;
	int declined = 1;

	ba_rng_seed(&rng, seed, 7);
	for (i = 0; i < nhooks; i++) {
		if (!strcmp(hooks[i].role, role) && hooks[i].fn) {
			declined = hooks[i].fn(hooks[i].ud, &j->req, seed, resp);
			break;
		}
	}
	if (declined) {
		int want_tool = json_array_size(j->req.tools) > 0 &&
				!(j->req.tool_choice && !strcmp(j->req.tool_choice, "none"));
		if (want_tool) {
			mock_tool_call(j, &rng, seed, resp);
		} else if (j->req.schema) {
			resp->json = ba_schema_instance(j->req.schema, &rng);
			resp->content = json_dumps(resp->json, JSON_COMPACT | JSON_ENCODE_ANY);
		} else if (j->req.json_mode) {
			char *t = mock_text(seed, 0);
			resp->json = json_pack("{s:s}", "reply", t);
			resp->content = json_dumps(resp->json, JSON_COMPACT);
			free(t);
		} else {
			resp->content = mock_text(seed, 0);
		}
		if (j->req.n > 1 && resp->content) {
			int k;
			resp->choices = json_array();
			json_array_append_new(resp->choices, json_string(resp->content));
			for (k = 1; k < j->req.n; k++) {
				char *t = mock_text(seed, k);
				json_array_append_new(resp->choices, json_string(t));
				free(t);
			}
		}
	}
	/* a hook may fill only json or only content: complete the other side */
	if (resp->json && !resp->content)
		resp->content = json_dumps(resp->json, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!resp->json && resp->content && (j->req.schema || j->req.json_mode)) {
		json_error_t e;
		resp->json = json_loads(resp->content, JSON_DECODE_ANY, &e);
	}
	if (!resp->finish_reason)
		resp->finish_reason = ba_strdup(resp->tool_calls ? "tool_calls" : "stop");
	resp->mock = 1;
	resp->prompt_tokens = ba_request_estimate_tokens(j);
	resp->completion_tokens = (long)((resp->content ? strlen(resp->content) : 0) / 4 + 1);
	if (resp->tool_calls) {
		char *s = json_dumps(resp->tool_calls, JSON_COMPACT);
		resp->completion_tokens += (long)(s ? strlen(s) / 4 : 0);
		free(s);
	}
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void add_feature(float *v, size_t dim, const char *s, size_t n, float w)
{
	uint64_t h = fnv1a(s, n);
	v[h % dim] += (h >> 63) ? -w : w;
}

void ba_mock_embed_text(const char *text, float *v, size_t dim)
{
	char word[64];
	size_t n = 0, i;
	double norm = 0;
	const char *p = text ? text : "";

	memset(v, 0, dim * sizeof(float));
	for (;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c && (isalnum(c) || c >= 0x80)) {
			if (n + 1 < sizeof(word))
				word[n++] = (char)tolower(c);
			continue;
		}
		if (n) {
			word[n] = 0;
			add_feature(v, dim, word, n, 1.0f);
			/* character trigrams: related word forms land close together */
			for (i = 0; n >= 3 && i + 3 <= n; i++)
				add_feature(v, dim, word + i, 3, 0.25f);
			n = 0;
		}
		if (!c)
			break;
	}
	for (i = 0; i < dim; i++)
		norm += (double)v[i] * v[i];
	if (norm == 0) {
		v[fnv1a("", 0) % dim] = 1.0f;
		return;
	}
	norm = sqrt(norm);
	for (i = 0; i < dim; i++)
		v[i] = (float)(v[i] / norm);
}

/* answered in-process (ba_mock_chat, ba_mock_embed_text): no wire at all */
const ba_wire_protocol ba_protocol_mock = {
	/* takes any media: its replies come from the request (hash, schema,
	 * tools), never from looking at the media */
	.media = BA_MEDIA_IMAGE | BA_MEDIA_AUDIO,
};
