/*
 * proto_toy.c - a toy provider protocol, compiled in only by the test
 * build (its line: BA_TEST_PROTOCOLS in include/benchagent/protocols.h).
 * POST <base_url>/toy/complete {"model", "prompt"} with the key in
 * "X-Toy-Key"; the reply is {"output": "...", "tokens": {"in", "out"}}.
 * Its batch API (gateway --batch-api): POST <base_url>/toy/batches
 * {"requests": [{"id", "body"}]} -> {"id"}; GET <base_url>/toy/batches/ID
 * -> {"state": "running"} or {"state": "done", "results": [{"id", "reply"}
 * or {"id", "error"}]}, each reply the body /toy/complete would answer.
 * No streaming, no embeddings: those hooks stay NULL.
 */
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *toy_url(const char *base, size_t len)
{
	return ba_asprintf("%.*s/toy/complete", (int)len, base);
}

/* the conversation flattened: every text part of every message, one a line */
static char *toy_body(const ba_job *j, int stream)
{
	ba_buf b = BA_BUF_INIT(1u << 24);
	json_t *m, *part, *body;
	size_t i, k;
	char *out;

	(void)stream;
	json_array_foreach(j->messages, i, m) {
		json_t *c = json_object_get(m, "content");
		if (json_is_string(c))
			ba_buf_printf(&b, "%s\n", json_string_value(c));
		json_array_foreach(c, k, part)
			if (json_is_string(json_object_get(part, "text")))
				ba_buf_printf(&b, "%s\n", json_string_value(json_object_get(part, "text")));
	}
	body = json_pack("{s:s, s:s}", "model", j->model, "prompt", ba_buf_cstr(&b));
	out = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	ba_buf_free(&b);
	return out;
}

static int toy_parse(const char *body, size_t len, ba_wire_reply *out, ba_error *err)
{
	json_t *root = json_loadb(body, len, 0, NULL), *tok;

	memset(out, 0, sizeof(*out));
	if (!json_is_string(json_object_get(root, "output"))) {
		json_decref(root);
		return ba_error_set(err, BA_EINVAL, "toy reply: no \"output\" string");
	}
	out->content = ba_strdup(json_string_value(json_object_get(root, "output")));
	out->finish_reason = ba_strdup("stop");
	tok = json_object_get(root, "tokens");
	if (json_is_object(tok)) {
		out->prompt_tokens = (long)ba_json_int(tok, "in", 0);
		out->completion_tokens = (long)ba_json_int(tok, "out", 0);
		out->have_usage = 1;
	}
	json_decref(root);
	return 0;
}

static int toy_submit(ba_batch_work *w, batch_set *s, char *err, size_t errlen)
{
	return ba_batch_post(w, s, "/toy/batches", "id", "body", err, errlen);
}

static int toy_poll(ba_batch_work *w, batch_set *s, char *err, size_t errlen)
{
	char *base = ba_batch_base(w->prov), *url = ba_asprintf("%s/toy/batches/%s", base, s->id);
	json_t *b = ba_batch_json(w->prov, url, NULL, NULL, err, errlen), *r;
	size_t i;

	free(url);
	free(base);
	if (!b)
		return -1;
	if (strcmp(ba_json_str(b, "state", ""), "done")) {
		json_decref(b);
		return 0;
	}
	ba_batch_ended(w, s, "done");
	json_array_foreach(json_object_get(b, "results"), i, r) {
		ba_job *j = ba_batch_job_of(s, ba_json_str(r, "id", NULL));
		if (!j || j->bstate != BJ_PENDING)
			continue;
		if (json_is_object(json_object_get(r, "reply")))
			ba_batch_job_ok(j, json_object_get(r, "reply"));
		else
			ba_batch_job_err(j, 0, "provider '%s' (model %s): toy batch request failed: %s%s",
					 ba_json_str(r, "error", "no reply"), NULL);
	}
	json_decref(b);
	return 1;
}

static const ba_batch_api toy_batch = { toy_submit, toy_poll, 0 };

const ba_wire_protocol ba_protocol_toy = {
	.chat_url = toy_url,
	.chat_body = toy_body,
	.parse_reply = toy_parse,
	.auth_header = "X-Toy-Key: %s",
	.media = 0, /* text only: a request with an image or audio part is refused */
	.batch = &toy_batch,
};
