/*
 * testserver.c - ba-testserver: a local, loopback-only, scriptable
 * OpenAI-compatible (and Anthropic Messages) server for tests and benches.
 *
 *   ba-testserver --rules RULES.json [--port N] [--port-file F] [-v]
 *
 * Replies come from matching rules (first match wins, its replies served in
 * order, the last one repeating) with fault injection: HTTP errors with
 * Retry-After, delays, dropped connections mid-body, malformed JSON,
 * truncated bodies. GET /__stats counts requests for duplicate checks.
 * See docs/testserver.md for the rules format.
 */
#define _GNU_SOURCE
#include <microhttpd.h>
#include <jansson.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "testserver.h"

#define MAX_BODY (64u << 20)

typedef struct {
	json_t *when;
	json_t *replies;
	size_t next;
} rule;

static rule *rules;
static size_t nrules;
static json_t *default_reply;
static json_t *root_rules;
static char *rules_dir;
static int verbose;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long nrequests;
static json_t *by_path;
static json_t *key_cache; /* path -> loaded key.json */
static json_t *audio_seen; /* the audio parts received: [{sha256, bytes, format, path}] */
#define MAX_AUDIO_SEEN 10000

typedef struct {
	char *data;
	size_t len, cap;
	int too_big;
} body_buf;

static uint64_t fnv1a(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void die(const char *fmt, const char *a)
{
	fprintf(stderr, "ba-testserver: ");
	fprintf(stderr, fmt, a);
	fprintf(stderr, "\n");
	exit(2);
}

static void load_rules(const char *path)
{
	json_error_t e;
	json_t *arr, *r;
	size_t i;
	char *slash;

	root_rules = json_load_file(path, 0, &e);
	if (!root_rules) {
		fprintf(stderr, "ba-testserver: %s:%d:%d: %s\n", path, e.line, e.column, e.text);
		exit(2);
	}
	rules_dir = strdup(path);
	slash = strrchr(rules_dir, '/');
	if (slash)
		*slash = 0;
	else {
		free(rules_dir);
		rules_dir = strdup(".");
	}
	arr = json_object_get(root_rules, "rules");
	if (arr && !json_is_array(arr))
		die("%s: 'rules' must be an array", path);
	nrules = json_array_size(arr);
	rules = calloc(nrules ? nrules : 1, sizeof(*rules));
	json_array_foreach(arr, i, r) {
		rules[i].when = json_object_get(r, "when");
		rules[i].replies = json_object_get(r, "replies");
		if (!json_is_array(rules[i].replies) || json_array_size(rules[i].replies) == 0) {
			fprintf(stderr, "ba-testserver: %s: rules[%zu]: 'replies' must be a non-empty array\n", path, i);
			exit(2);
		}
	}
	default_reply = json_object_get(root_rules, "default");
}

static int offers_tool(const json_t *req, const char *name)
{
	json_t *tools = json_object_get(req, "tools"), *t;
	size_t i;

	json_array_foreach(tools, i, t) {
		json_t *fn = json_object_get(t, "function");
		const char *n = json_string_value(json_object_get(fn ? fn : t, "name"));
		if (n && !strcmp(n, name))
			return 1;
	}
	return 0;
}

static int path_matches(const char *want, const char *path)
{
	size_t lw = strlen(want), lp = strlen(path);
	return !strcmp(want, path) || (lp > lw && !strcmp(path + lp - lw, want) && path[lp - lw - 1] != '_');
}

/* 1 when the request's audio parts (records of media.c) meet the rule's
 * "audio" (true: at least one, false: none) and "audio_sha256" (one part
 * carries exactly these bytes). */
static int audio_matches(const json_t *w, const json_t *audio)
{
	json_t *want = json_object_get(w, "audio"), *a;
	const char *sha = json_string_value(json_object_get(w, "audio_sha256"));
	size_t i;

	if (json_is_boolean(want) && json_is_true(want) != (json_array_size(audio) > 0))
		return 0;
	if (!sha)
		return 1;
	json_array_foreach(audio, i, a)
		if (!strcmp(json_string_value(json_object_get(a, "sha256")), sha))
			return 1;
	return 0;
}

/* Pick the reply for a request (new ref). */
static json_t *pick_reply(const char *path, const json_t *req, const char *raw, const json_t *audio)
{
	size_t i;
	json_t *rep = NULL;

	pthread_mutex_lock(&mu);
	for (i = 0; i < nrules; i++) {
		json_t *w = rules[i].when;
		const char *p = json_string_value(json_object_get(w, "path"));
		const char *m = json_string_value(json_object_get(w, "model"));
		const char *bc = json_string_value(json_object_get(w, "body_contains"));
		const char *tool = json_string_value(json_object_get(w, "tool"));
		const char *model = json_string_value(json_object_get(req, "model"));
		size_t n;
		if (p && !path_matches(p, path))
			continue;
		if (m && (!model || strcmp(m, model)))
			continue;
		if (bc && !strstr(raw, bc))
			continue;
		if (tool && !offers_tool(req, tool))
			continue;
		if (!audio_matches(w, audio))
			continue;
		n = json_array_size(rules[i].replies);
		rep = json_array_get(rules[i].replies, rules[i].next < n ? rules[i].next : n - 1);
		rules[i].next++;
		break;
	}
	if (!rep)
		rep = default_reply;
	/* a private copy: reference counts are not shared between threads */
	if (rep)
		rep = json_deep_copy(rep);
	pthread_mutex_unlock(&mu);
	return rep ? rep : json_pack("{s:s}", "content", "ok");
}

/* Text of every message (decoded), for examinee key matching. */
static char *message_text(const json_t *req)
{
	json_t *msgs = json_object_get(req, "messages"), *m, *p;
	size_t i, k, len = 0;
	char *out = calloc(1, 1);

	json_array_foreach(msgs, i, m) {
		json_t *c = json_object_get(m, "content");
		const char *parts[64];
		size_t np = 0, j;
		if (json_is_string(c))
			parts[np++] = json_string_value(c);
		json_array_foreach(c, k, p)
			if (np < 64 && json_is_string(json_object_get(p, "text")))
				parts[np++] = json_string_value(json_object_get(p, "text"));
		for (j = 0; j < np; j++) {
			size_t l = strlen(parts[j]);
			out = realloc(out, len + l + 2);
			memcpy(out + len, parts[j], l);
			len += l;
			out[len++] = '\n';
			out[len] = 0;
		}
	}
	if (json_is_string(json_object_get(req, "system"))) {
		const char *s = json_string_value(json_object_get(req, "system"));
		size_t l = strlen(s);
		out = realloc(out, len + l + 2);
		memcpy(out + len, s, l);
		len += l;
		out[len] = 0;
	}
	return out;
}

static char *examinee_answer(const json_t *ex, const json_t *req, const char *raw)
{
	double skill = json_number_value(json_object_get(ex, "skill"));
	const char *keyp = json_string_value(json_object_get(ex, "key"));
	const char *model = json_string_value(json_object_get(req, "model"));
	json_t *key = NULL, *items, *it;
	char *text, *out = NULL, *full;
	size_t i;
	uint64_t h;
	double u;

	if (!keyp)
		return strdup("I do not know.");
	full = keyp[0] == '/' ? strdup(keyp) : NULL;
	if (!full && asprintf(&full, "%s/%s", rules_dir, keyp) < 0)
		return strdup("I do not know.");
	pthread_mutex_lock(&mu);
	if (!key_cache)
		key_cache = json_object();
	key = json_object_get(key_cache, full);
	if (!key) {
		json_error_t e;
		key = json_load_file(full, 0, &e);
		if (!key) {
			fprintf(stderr, "ba-testserver: examinee key %s:%d: %s\n", full, e.line, e.text);
			key = json_object();
		}
		json_object_set_new(key_cache, full, key);
	}
	pthread_mutex_unlock(&mu);
	free(full);
	text = message_text(req);
	h = fnv1a(model ? model : "", model ? strlen(model) : 0, 1469598103934665603ULL);
	h = fnv1a("\n", 1, h);
	h = fnv1a(raw, strlen(raw), h);
	u = (double)(h >> 11) / 9007199254740992.0;
	items = json_object_get(key, "items");
	json_array_foreach(items, i, it) {
		const char *match = json_string_value(json_object_get(it, "match"));
		const char *ans = json_string_value(json_object_get(it, "answer"));
		const char *wrong = json_string_value(json_object_get(it, "wrong"));
		char wbuf[2] = { 0, 0 };
		if (!match || !ans || !strstr(text, match))
			continue;
		if (!wrong) {
			/* a different letter, chosen from the hash */
			const char *letters = "ABCD";
			int k = (int)(h % 4);
			if (strlen(ans) == 1 && ans[0] == letters[k])
				k = (k + 1) % 4;
			wbuf[0] = letters[k];
			wrong = wbuf;
		}
		if (asprintf(&out, "Answer: %s", u < skill ? ans : wrong) < 0)
			out = NULL;
		break;
	}
	free(text);
	return out ? out : strdup("I do not know.");
}


static char *reply_content(const json_t *rep, const json_t *req, const char *raw)
{
	json_t *j = json_object_get(rep, "json");
	json_t *ex = json_object_get(rep, "examinee");

	if (ex)
		return examinee_answer(ex, req, raw);
	if (j)
		return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	if (json_is_string(json_object_get(rep, "content")))
		return strdup(json_string_value(json_object_get(rep, "content")));
	if (json_object_get(rep, "tool_calls"))
		return NULL;
	return strdup("ok");
}

static long usage_of(const json_t *rep, const char *key, long def)
{
	json_t *u = json_object_get(rep, "usage");
	json_t *v = json_object_get(u, key);
	return json_is_integer(v) ? (long)json_integer_value(v) : def;
}

static char *dump_free(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void sse_add(char **buf, size_t *len, const char *event, json_t *data)
{
	char *d;

	if (!data && !(event && !strcmp(event, "[DONE]"))) {
		fprintf(stderr, "ba-testserver: internal error building a stream event\n");
		abort();
	}
	d = data ? dump_free(data) : strdup("[DONE]");
	if (!data)
		event = NULL;
	char *line = NULL;
	int n;

	if (event)
		n = asprintf(&line, "event: %s\ndata: %s\n\n", event, d);
	else
		n = asprintf(&line, "data: %s\n\n", d);
	free(d);
	if (n < 0)
		return;
	*buf = realloc(*buf, *len + (size_t)n + 1);
	memcpy(*buf + *len, line, (size_t)n + 1);
	*len += (size_t)n;
	free(line);
}

static json_t *openai_tool_calls(const json_t *tcs)
{
	json_t *out = json_array(), *tc;
	size_t i;

	json_array_foreach(tcs, i, tc) {
		json_t *args = json_object_get(tc, "arguments");
		char *a = json_is_string(args) ? strdup(json_string_value(args))
					       : json_dumps(args ? args : json_object(), JSON_COMPACT);
		char id[32];
		snprintf(id, sizeof(id), "call_%zu", i);
		json_array_append_new(out, json_pack("{s:s, s:s, s:{s:s, s:s}}", "id", id, "type", "function",
						     "function", "name",
						     json_string_value(json_object_get(tc, "name")) ?: "tool",
						     "arguments", a));
		free(a);
	}
	return out;
}

static void build_openai(out_reply *o, const json_t *rep, const json_t *req, const char *raw, const char *content)
{
	const json_t *tcs = json_object_get(rep, "tool_calls");
	const char *model = json_string_value(json_object_get(req, "model")) ?: "test";
	const char *finish = json_string_value(json_object_get(rep, "finish_reason"));
	long pt = usage_of(rep, "prompt_tokens", (long)(strlen(raw) / 4 + 1));
	long ct = usage_of(rep, "completion_tokens", (long)((content ? strlen(content) : 0) / 4 + 1));
	int n = (int)json_integer_value(json_object_get(req, "n"));
	int stream = json_is_true(json_object_get(req, "stream"));
	int i;

	if (!finish)
		finish = json_array_size(tcs) ? "tool_calls" : "stop";
	if (n < 1 || n > 16)
		n = 1;
	if (!stream) {
		json_t *choices = json_array(), *msg;
		for (i = 0; i < n; i++) {
			msg = json_pack("{s:s, s:o}", "role", "assistant", "content",
					content ? json_string(content) : json_null());
			if (json_array_size(tcs))
				json_object_set_new(msg, "tool_calls", openai_tool_calls(tcs));
			json_array_append_new(choices, json_pack("{s:i, s:o, s:s}", "index", i, "message", msg,
								 "finish_reason", finish));
		}
		o->body = dump_free(json_pack("{s:s, s:s, s:I, s:s, s:o, s:{s:I, s:I, s:I}}", "id", "chatcmpl-test",
					      "object", "chat.completion", "created", (json_int_t)time(NULL),
					      "model", model, "choices", choices, "usage", "prompt_tokens",
					      (json_int_t)pt, "completion_tokens", (json_int_t)ct, "total_tokens",
					      (json_int_t)(pt + ct)));
		o->len = strlen(o->body);
		o->ctype = "application/json";
		return;
	}
	o->body = NULL;
	o->len = 0;
	sse_add(&o->body, &o->len, NULL,
		json_pack("{s:s, s:s, s:s, s:[{s:i, s:{s:s}}]}", "id", "chatcmpl-test", "object",
			  "chat.completion.chunk", "model", model, "choices", "index", 0, "delta", "role", "assistant"));
	if (content) {
		size_t L = strlen(content), p = 0;
		while (p < L) {
			size_t k = L - p > 7 ? 7 : L - p;
			char *piece = strndup(content + p, k);
			sse_add(&o->body, &o->len, NULL,
				json_pack("{s:s, s:s, s:s, s:[{s:i, s:{s:s}}]}", "id", "chatcmpl-test", "object",
					  "chat.completion.chunk", "model", model, "choices", "index", 0, "delta",
					  "content", piece));
			free(piece);
			p += k;
		}
	}
	if (json_array_size(tcs)) {
		json_t *calls = openai_tool_calls(tcs), *c;
		size_t k;
		json_array_foreach(calls, k, c) {
			const char *args = json_string_value(json_object_get(json_object_get(c, "function"), "arguments"));
			size_t half = strlen(args) / 2;
			char *a1 = strndup(args, half);
			sse_add(&o->body, &o->len, NULL,
				json_pack("{s:s, s:[{s:i, s:{s:[{s:I, s:s, s:s, s:{s:s, s:s}}]}}]}", "object",
					  "chat.completion.chunk", "choices", "index", 0, "delta", "tool_calls", "index",
					  (json_int_t)k, "id", json_string_value(json_object_get(c, "id")), "type",
					  "function", "function", "name",
					  json_string_value(json_object_get(json_object_get(c, "function"), "name")),
					  "arguments", a1));
			sse_add(&o->body, &o->len, NULL,
				json_pack("{s:s, s:[{s:i, s:{s:[{s:I, s:{s:s}}]}}]}", "object", "chat.completion.chunk",
					  "choices", "index", 0, "delta", "tool_calls", "index", (json_int_t)k,
					  "function", "arguments", args + half));
			free(a1);
		}
		json_decref(calls);
	}
	sse_add(&o->body, &o->len, NULL,
		json_pack("{s:s, s:[{s:i, s:{}, s:s}]}", "object", "chat.completion.chunk", "choices", "index", 0,
			  "delta", "finish_reason", finish));
	if (json_is_true(json_object_get(json_object_get(req, "stream_options"), "include_usage")))
		sse_add(&o->body, &o->len, NULL,
			json_pack("{s:s, s:[], s:{s:I, s:I, s:I}}", "object", "chat.completion.chunk", "choices",
				  "usage", "prompt_tokens", (json_int_t)pt, "completion_tokens", (json_int_t)ct,
				  "total_tokens", (json_int_t)(pt + ct)));
	sse_add(&o->body, &o->len, "[DONE]", NULL);
	o->ctype = "text/event-stream";
}

static void build_anthropic(out_reply *o, const json_t *rep, const json_t *req, const char *raw, const char *content)
{
	const json_t *tcs = json_object_get(rep, "tool_calls"), *tc;
	const char *model = json_string_value(json_object_get(req, "model")) ?: "test";
	const char *finish = json_string_value(json_object_get(rep, "finish_reason"));
	long pt = usage_of(rep, "prompt_tokens", (long)(strlen(raw) / 4 + 1));
	long ct = usage_of(rep, "completion_tokens", (long)((content ? strlen(content) : 0) / 4 + 1));
	json_t *blocks = json_array();
	size_t i;

	if (!finish)
		finish = json_array_size(tcs) ? "tool_use" : "end_turn";
	else if (!strcmp(finish, "stop"))
		finish = "end_turn";
	else if (!strcmp(finish, "tool_calls"))
		finish = "tool_use";
	else if (!strcmp(finish, "length"))
		finish = "max_tokens";
	if (content)
		json_array_append_new(blocks, json_pack("{s:s, s:s}", "type", "text", "text", content));
	json_array_foreach(tcs, i, tc) {
		char id[32];
		json_t *args = json_object_get(tc, "arguments");
		snprintf(id, sizeof(id), "toolu_%zu", i);
		json_array_append_new(blocks, json_pack("{s:s, s:s, s:s, s:o}", "type", "tool_use", "id", id, "name",
							json_string_value(json_object_get(tc, "name")) ?: "tool",
							"input", json_is_object(args) ? json_incref(args) : json_object()));
	}
	if (!json_is_true(json_object_get(req, "stream"))) {
		o->body = dump_free(json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:{s:I, s:I}}", "id", "msg_test", "type",
					      "message", "role", "assistant", "model", model, "content", blocks,
					      "stop_reason", finish, "usage", "input_tokens", (json_int_t)pt,
					      "output_tokens", (json_int_t)ct));
		o->len = strlen(o->body);
		o->ctype = "application/json";
		return;
	}
	o->body = NULL;
	o->len = 0;
	sse_add(&o->body, &o->len, "message_start",
		json_pack("{s:s, s:{s:s, s:s, s:s, s:[], s:{s:I, s:i}}}", "type", "message_start", "message", "id",
			  "msg_test", "type", "message", "model", model, "content", "usage", "input_tokens",
			  (json_int_t)pt, "output_tokens", 1));
	json_array_foreach(blocks, i, tc) {
		const char *t = json_string_value(json_object_get(tc, "type"));
		if (!strcmp(t, "text")) {
			sse_add(&o->body, &o->len, "content_block_start",
				json_pack("{s:s, s:I, s:{s:s, s:s}}", "type", "content_block_start", "index", (json_int_t)i,
					  "content_block", "type", "text", "text", ""));
			sse_add(&o->body, &o->len, "content_block_delta",
				json_pack("{s:s, s:I, s:{s:s, s:s}}", "type", "content_block_delta", "index", (json_int_t)i,
					  "delta", "type", "text_delta", "text", json_string_value(json_object_get(tc, "text"))));
		} else {
			char *args = json_dumps(json_object_get(tc, "input"), JSON_COMPACT);
			size_t half = strlen(args) / 2;
			char *a1 = strndup(args, half);
			sse_add(&o->body, &o->len, "content_block_start",
				json_pack("{s:s, s:I, s:{s:s, s:O, s:O, s:{}}}", "type", "content_block_start", "index",
					  (json_int_t)i, "content_block", "type", "tool_use", "id", json_object_get(tc, "id"),
					  "name", json_object_get(tc, "name"), "input"));
			sse_add(&o->body, &o->len, "content_block_delta",
				json_pack("{s:s, s:I, s:{s:s, s:s}}", "type", "content_block_delta", "index", (json_int_t)i,
					  "delta", "type", "input_json_delta", "partial_json", a1));
			sse_add(&o->body, &o->len, "content_block_delta",
				json_pack("{s:s, s:I, s:{s:s, s:s}}", "type", "content_block_delta", "index", (json_int_t)i,
					  "delta", "type", "input_json_delta", "partial_json", args + half));
			free(a1);
			free(args);
		}
		sse_add(&o->body, &o->len, "content_block_stop",
			json_pack("{s:s, s:I}", "type", "content_block_stop", "index", (json_int_t)i));
	}
	sse_add(&o->body, &o->len, "message_delta",
		json_pack("{s:s, s:{s:s}, s:{s:I}}", "type", "message_delta", "delta", "stop_reason", finish, "usage",
			  "output_tokens", (json_int_t)ct));
	sse_add(&o->body, &o->len, "message_stop", json_pack("{s:s}", "type", "message_stop"));
	json_decref(blocks);
	o->ctype = "text/event-stream";
}

static void build_embeddings(out_reply *o, const json_t *req)
{
	json_t *input = json_object_get(req, "input"), *data = json_array(), *x;
	json_t *list = json_is_array(input) ? json_incref(input) : json_pack("[o]", input ? json_incref(input) : json_string(""));
	size_t i, k;
	long toks = 0;

	json_array_foreach(list, i, x) {
		const char *s = json_is_string(x) ? json_string_value(x) : "";
		json_t *vec = json_array();
		uint64_t h = fnv1a(s, strlen(s), 1469598103934665603ULL);
		for (k = 0; k < 16; k++) {
			h ^= h >> 33;
			h *= 0xff51afd7ed558ccdULL;
			h ^= h >> 33;
			json_array_append_new(vec, json_real(((double)(h % 2001) - 1000.0) / 1000.0));
		}
		toks += (long)(strlen(s) / 4 + 1);
		json_array_append_new(data, json_pack("{s:s, s:I, s:o}", "object", "embedding", "index", (json_int_t)i,
						      "embedding", vec));
	}
	json_decref(list);
	o->body = dump_free(json_pack("{s:s, s:o, s:s, s:{s:I, s:I}}", "object", "list", "data", data, "model",
				      json_string_value(json_object_get(req, "model")) ?: "test", "usage",
				      "prompt_tokens", (json_int_t)toks, "total_tokens", (json_int_t)toks));
	o->len = strlen(o->body);
	o->ctype = "application/json";
}

static void error_reply(out_reply *o, int status, const char *msg)
{
	o->status = status;
	o->body = dump_free(json_pack("{s:{s:s, s:s, s:i}}", "error", "message", msg, "type",
				      status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error",
				      "code", status));
	o->len = strlen(o->body);
	o->ctype = "application/json";
}

typedef struct {
	char *body;
	size_t len, limit;
} drop_ctx;

static ssize_t drop_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	drop_ctx *d = cls;
	size_t n;

	if (pos >= d->limit)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = d->limit - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, d->body + pos, n);
	return (ssize_t)n;
}

static void drop_free(void *cls)
{
	drop_ctx *d = cls;
	free(d->body);
	free(d);
}

/* Bodies seen (64-bit FNV-1a, open addressing): a POST whose exact body
 * arrived before counts as a repeat, so a test can prove no call was
 * sent twice. */
static uint64_t *seen;
static size_t nseen, capseen;
static long nrepeats;

static void count_body(const char *body, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i, j;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)body[i]) * 1099511628211ULL;
	h |= 1; /* 0 marks an empty slot */
	pthread_mutex_lock(&mu);
	if (2 * (nseen + 1) > capseen) {
		size_t ncap = capseen ? capseen * 2 : 1024;
		uint64_t *n = calloc(ncap, sizeof(*n));
		for (i = 0; n && i < capseen; i++)
			if (seen[i])
				for (j = seen[i] % ncap; ; j = (j + 1) % ncap)
					if (!n[j]) { n[j] = seen[i]; break; }
		if (n) {
			free(seen);
			seen = n;
			capseen = ncap;
		}
	}
	for (j = h % capseen; seen[j]; j = (j + 1) % capseen)
		if (seen[j] == h) {
			nrepeats++;
			pthread_mutex_unlock(&mu);
			return;
		}
	seen[j] = h;
	nseen++;
	pthread_mutex_unlock(&mu);
}

static void count_request(const char *path)
{
	json_t *c;

	pthread_mutex_lock(&mu);
	nrequests++;
	c = json_object_get(by_path, path);
	json_object_set_new(by_path, path, json_integer(c ? json_integer_value(c) + 1 : 1));
	pthread_mutex_unlock(&mu);
}

static void handle(struct MHD_Connection *conn, const char *path, const char *raw, size_t rawlen, out_reply *o)
{
	json_error_t e;
	json_t *req = json_loadb(raw, rawlen, 0, &e), *rep;
	int anth = path_matches("/v1/messages", path) || path_matches("/messages", path);
	int embed = path_matches("/embeddings", path);
	int chat = path_matches("/chat/completions", path);
	const char *fault;
	char *content, msg[256];
	long delay;
	json_t *audio = NULL, *a;
	size_t i;

	o->status = 200;
	if (!chat && !anth && !embed) {
		error_reply(o, 404, "no such endpoint");
		return;
	}
	if (!json_is_object(req)) {
		json_decref(req);
		error_reply(o, 400, "request body is not a JSON object");
		return;
	}
	if (!embed && ts_media_check(req, anth, &audio, msg, sizeof(msg)) != 0) {
		json_decref(audio);
		json_decref(req);
		error_reply(o, 400, msg);
		return;
	}
	pthread_mutex_lock(&mu);
	json_array_foreach(audio, i, a)
		if (json_array_size(audio_seen) < MAX_AUDIO_SEEN) {
			json_t *copy = json_deep_copy(a); /* refcounts are not shared between threads */
			json_object_set_new(copy, "path", json_string(path));
			json_array_append_new(audio_seen, copy);
		}
	pthread_mutex_unlock(&mu);
	rep = pick_reply(path, req, raw, audio);
	json_decref(audio);
	delay = (long)json_integer_value(json_object_get(rep, "delay_ms"));
	if (delay > 0) {
		struct timespec ts = { delay / 1000, (delay % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (json_is_integer(json_object_get(rep, "status")))
		o->status = (int)json_integer_value(json_object_get(rep, "status"));
	if (json_is_number(json_object_get(rep, "retry_after")))
		o->retry_after = (long)json_number_value(json_object_get(rep, "retry_after"));
	if (o->status != 200) {
		const char *msg = json_string_value(json_object_get(rep, "error"));
		char *m = NULL;
		if (json_is_true(json_object_get(rep, "echo_auth"))) {
			const char *a = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
			const char *x = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "x-api-key");
			if (asprintf(&m, "%s (you sent: %s)", msg ? msg : "denied", a ? a : x ? x : "nothing") < 0)
				m = NULL;
		}
		error_reply(o, o->status, m ? m : msg ? msg : "injected error");
		free(m);
		json_decref(rep);
		json_decref(req);
		return;
	}
	if (embed)
		build_embeddings(o, req);
	else {
		content = reply_content(rep, req, raw);
		if (anth)
			build_anthropic(o, rep, req, raw, content);
		else
			build_openai(o, rep, req, raw, content);
		free(content);
	}
	fault = json_string_value(json_object_get(rep, "fault"));
	if (fault && !strcmp(fault, "malformed")) {
		free(o->body);
		o->body = strdup("{\"choices\": [ {\"message\": this is not JSON <html>");
		o->len = strlen(o->body);
	} else if (fault && !strcmp(fault, "truncate")) {
		o->len /= 2;
		o->body[o->len] = 0;
	} else if (fault && !strcmp(fault, "drop")) {
		o->drop = 1;
	}
	json_decref(rep);
	json_decref(req);
}

void ts_handle(struct MHD_Connection *conn, const char *path, const char *raw, size_t rawlen, out_reply *o)
{
	handle(conn, path, raw, rawlen, o);
}

void ts_error_reply(out_reply *o, int status, const char *msg)
{
	error_reply(o, status, msg);
}

char *ts_dump_free(json_t *j)
{
	return dump_free(j);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	body_buf *b = *con_cls;
	out_reply o;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (!b) {
		b = calloc(1, sizeof(*b));
		*con_cls = b;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!b->too_big) {
			if (b->len + *upload_size > MAX_BODY)
				b->too_big = 1;
			else {
				if (b->len + *upload_size + 1 > b->cap) {
					b->cap = (b->len + *upload_size + 1) * 2;
					b->data = realloc(b->data, b->cap);
				}
				memcpy(b->data + b->len, upload, *upload_size);
				b->len += *upload_size;
				b->data[b->len] = 0;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&o, 0, sizeof(o));
	if (!strcmp(method, "GET") && !strcmp(url, "/__stats")) {
		pthread_mutex_lock(&mu);
		o.body = dump_free(json_pack("{s:I, s:I, s:O, s:o, s:O}", "requests", (json_int_t)nrequests, "repeats",
					     (json_int_t)nrepeats, "by_path", by_path, "batches", ts_batch_stats(),
					     "audio", audio_seen));
		pthread_mutex_unlock(&mu);
		o.len = strlen(o.body);
		o.status = 200;
		o.ctype = "application/json";
	} else if (ts_batch_claims(method, url)) {
		if (!strcmp(method, "POST"))
			count_request(url);
		ts_batch_route(conn, method, url, b->data ? b->data : "", b->len, &o);
	} else if (strcmp(method, "POST")) {
		error_reply(&o, 405, "only POST is served (and GET /__stats)");
	} else if (b->too_big) {
		count_request(url);
		error_reply(&o, 413, "request body too large");
	} else {
		count_request(url);
		count_body(b->data ? b->data : "", b->len);
		handle(conn, url, b->data ? b->data : "", b->len, &o);
	}
	if (verbose)
		fprintf(stderr, "ba-testserver: %s %s -> %d (%zu bytes)%s\n", method, url, o.status, o.len,
			o.drop ? " [drop]" : "");
	if (o.drop) {
		drop_ctx *d = calloc(1, sizeof(*d));
		d->body = o.body;
		d->len = o.len;
		d->limit = o.len / 2;
		resp = MHD_create_response_from_callback(o.len, 4096, drop_reader, d, drop_free);
	} else {
		resp = MHD_create_response_from_buffer(o.len, o.body, MHD_RESPMEM_MUST_FREE);
	}
	MHD_add_response_header(resp, "Content-Type", o.ctype ? o.ctype : "application/json");
	MHD_add_response_header(resp, "x-request-id", "req-test");
	if (o.retry_after > 0) {
		char ra[32];
		snprintf(ra, sizeof(ra), "%ld", o.retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	ret = MHD_queue_response(conn, (unsigned)o.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	body_buf *b = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (b) {
		free(b->data);
		free(b);
		*con_cls = NULL;
	}
}

int main(int argc, char **argv)
{
	const char *rules_path = NULL, *port_file = NULL;
	long port = 0;
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int i, sig;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			rules_path = argv[++i];
		else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
			char *end;
			port = strtol(argv[++i], &end, 10);
			if (*end || port < 0 || port > 65535)
				die("--port: '%s' is not a port number", argv[i]);
		} else if (!strcmp(argv[i], "--port-file") && i + 1 < argc)
			port_file = argv[++i];
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else {
			fprintf(stderr, "usage: ba-testserver --rules RULES.json [--port N] [--port-file F] [-v]\n");
			return 2;
		}
	}
	if (!rules_path) {
		fprintf(stderr, "usage: ba-testserver --rules RULES.json [--port N] [--port-file F] [-v]\n");
		return 2;
	}
	load_rules(rules_path);
	ts_batch_init(json_object_get(root_rules, "batch"));
	by_path = json_object();
	audio_seen = json_array();

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL,
			     (uint16_t)port, NULL, NULL, on_request, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)8192,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)300,
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)4096,
			     MHD_OPTION_THREAD_STACK_SIZE, (size_t)(256 * 1024),
			     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "ba-testserver: cannot listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info)
		port = info->port;
	if (verbose)
		fprintf(stderr, "ba-testserver: listening on 127.0.0.1:%ld\n", port);
	if (port_file) {
		char tmp[4096];
		FILE *f;
		snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
		f = fopen(tmp, "w");
		if (!f || fprintf(f, "%ld\n", port) < 0 || fclose(f) != 0 || rename(tmp, port_file) != 0) {
			fprintf(stderr, "ba-testserver: cannot write %s\n", port_file);
			MHD_stop_daemon(d);
			return 1;
		}
	}
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	json_decref(root_rules);
	json_decref(by_path);
	json_decref(key_cache);
	free(rules);
	free(rules_dir);
	return 0;
}
