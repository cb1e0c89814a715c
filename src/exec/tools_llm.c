/*
 * tools_llm.c - the LLM tools: context construction, question rewriting,
 * dialogue synthesis, reasoning transformation, distractor writing.
 *
 * Each tool may only set the fields it owns (context, question,
 * explanation, choices): the answer never passes through a model here, so
 * a tool cannot change an item's substance.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMAGE_MAX (4u << 20)

/* The item as the model sees it: no provenance, no internal aux except
 * the answer pool. */
static json_t *model_view(const json_t *in)
{
	static const char *keys[] = { "question", "context", "choices", "answer", "answer_text",
				      "answer_type", "explanation", NULL };
	json_t *v = json_object();
	size_t i;

	for (i = 0; keys[i]; i++) {
		json_t *x = json_object_get(in, keys[i]);
		if (x && !json_is_null(x))
			json_object_set(v, keys[i], x);
	}
	return v;
}

static json_t *item_images(ba_tool_ctx *ctx, const json_t *in)
{
	json_t *arr = json_array(), *m;
	size_t i;

	json_array_foreach(json_object_get(in, "media"), i, m) {
		const char *sha = ba_json_str(m, "sha256", NULL);
		char *p, *url;
		if (!sha || !ctx->st || strcmp(ba_json_str(m, "type", ""), "image") != 0)
			continue;
		p = ba_media_path(ctx->st, sha);
		url = p ? ba_data_url_from_file(p, IMAGE_MAX) : NULL;
		if (url)
			json_array_append_new(arr, json_string(url));
		free(url);
		free(p);
	}
	return arr;
}

static int call_tool(ba_tool_ctx *ctx, const char *tool, const json_t *args, const json_t *in,
		     const char *schema_txt, json_t **reply, ba_error *err)
{
	json_t *schema = json_loads(schema_txt, 0, NULL), *input, *vars, *images;
	const ba_tool *t = ba_tool_find(tool);
	const char *prompt = t && t->prompt ? t->prompt : "";
	char sname[96];
	int rc;

	snprintf(sname, sizeof(sname), "exec_%s", tool);
	input = json_pack("{s:s, s:O, s:o}", "tool", tool, "args", (json_t *)args, "item",
			  model_view(in));
	if (ctx->subtask)
		json_object_set_new(input, "subtask",
				    json_pack("{s:s, s:s, s:s}", "name",
					      ba_json_str(ctx->subtask, "name", ""), "description",
					      ba_json_str(ctx->subtask, "description", ""),
					      "answer_type",
					      ba_json_str(ctx->subtask, "answer_type", "short")));
	if (ctx->purpose)
		json_object_set_new(input, "purpose", json_string(ctx->purpose));
	if (json_object_get(json_object_get(in, "aux"), "answer_pool"))
		json_object_set(input, "answer_pool",
				json_object_get(json_object_get(in, "aux"), "answer_pool"));
	vars = json_pack("{s:s, s:s}", "subtask_name",
			 ctx->subtask ? ba_json_str(ctx->subtask, "name", "") : "", "purpose",
			 ctx->purpose ? ctx->purpose : "");
	images = item_images(ctx, in);
	rc = ba_llm_call_json(ctx->gw, ctx->role ? ctx->role : "realize", prompt, vars, input, schema,
			      sname, ctx->run_id, ctx->attempt, images, ctx->can_wait, reply, ctx->model,
			      sizeof(ctx->model), &ctx->mock, err);
	if (rc != 0)
		ba_error_prefix(err, "tool %s: ", tool);
	json_decref(images);
	json_decref(vars);
	json_decref(input);
	json_decref(schema);
	return rc;
}

static int nonempty(const json_t *reply, const char *key, const char *tool, ba_error *err)
{
	const char *s = ba_json_str(reply, key, NULL);
	while (s && (*s == ' ' || *s == '\n' || *s == '\t'))
		s++;
	if (!s || !*s)
		return ba_error_set(err, BA_EINVAL, "tool %s: reply field '%s' is empty", tool, key);
	return 0;
}

int ba_tool_context_construction(ba_tool_ctx *ctx, const json_t *args, const json_t *in,
				 json_t **out, ba_error *err)
{
	json_t *r = NULL;
	int rc = call_tool(ctx, "context_construction", args, in,
			   "{\"type\":\"object\",\"properties\":{\"context\":{\"type\":\"string\",\"minLength\":1}},"
			   "\"required\":[\"context\"]}",
			   &r, err);
	if (rc == 0 && (rc = nonempty(r, "context", "context_construction", err)) == 0) {
		*out = json_deep_copy(in);
		json_object_set(*out, "context", json_object_get(r, "context"));
	}
	json_decref(r);
	return rc;
}

int ba_tool_question_rewrite(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			     ba_error *err)
{
	json_t *r = NULL;
	int rc = call_tool(ctx, "question_rewrite", args, in,
			   "{\"type\":\"object\",\"properties\":{\"question\":{\"type\":\"string\",\"minLength\":1}},"
			   "\"required\":[\"question\"]}",
			   &r, err);
	if (rc == 0 && (rc = nonempty(r, "question", "question_rewrite", err)) == 0) {
		*out = json_deep_copy(in);
		json_object_set(*out, "question", json_object_get(r, "question"));
	}
	json_decref(r);
	return rc;
}

int ba_tool_dialogue_synthesis(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			       ba_error *err)
{
	json_t *r = NULL;
	int rc = call_tool(ctx, "dialogue_synthesis", args, in,
			   "{\"type\":\"object\",\"properties\":{\"dialogue\":{\"type\":\"array\",\"minItems\":2,"
			   "\"items\":{\"type\":\"object\",\"properties\":{\"speaker\":{\"type\":\"string\"},"
			   "\"text\":{\"type\":\"string\"}},\"required\":[\"speaker\",\"text\"]}}},"
			   "\"required\":[\"dialogue\"]}",
			   &r, err);
	if (rc == 0) {
		ba_buf b = BA_BUF_INIT(1 << 20);
		json_t *turn;
		size_t i;
		json_array_foreach(json_object_get(r, "dialogue"), i, turn)
			ba_buf_printf(&b, "%s%s: %s", i ? "\n" : "", ba_json_str(turn, "speaker", "?"),
				      ba_json_str(turn, "text", ""));
		*out = json_deep_copy(in);
		json_object_set_new(*out, "context", json_string(ba_buf_cstr(&b)));
		ba_buf_free(&b);
	}
	json_decref(r);
	return rc;
}

int ba_tool_reasoning_transform(ba_tool_ctx *ctx, const json_t *args, const json_t *in,
				json_t **out, ba_error *err)
{
	json_t *r = NULL;
	int rc = call_tool(ctx, "reasoning_transform", args, in,
			   "{\"type\":\"object\",\"properties\":{\"question\":{\"type\":\"string\",\"minLength\":1},"
			   "\"explanation\":{\"type\":\"string\"}},\"required\":[\"question\",\"explanation\"]}",
			   &r, err);
	if (rc == 0 && (rc = nonempty(r, "question", "reasoning_transform", err)) == 0) {
		*out = json_deep_copy(in);
		json_object_set(*out, "question", json_object_get(r, "question"));
		json_object_set(*out, "explanation", json_object_get(r, "explanation"));
	}
	json_decref(r);
	return rc;
}

/* The item already has its source's options, the key among them. */
static int own_options(const json_t *in)
{
	const json_t *c = json_object_get(in, "choices");
	int li = ba_letter_index(ba_json_str(in, "answer", ""));
	return json_array_size(c) >= 2 && li >= 0 && (size_t)li < json_array_size(c);
}

int ba_tool_distractor_writing(ba_tool_ctx *ctx, const json_t *args, const json_t *in,
			       json_t **out, ba_error *err)
{
	json_t *r = NULL, *choices, *d;
	const char *ans = ba_draft_answer_text(in);
	long n = (long)ba_json_int(args, "n", 3);
	char *nans;
	size_t i;
	int rc;

	if (!ans || !*ans)
		return ba_error_set(err, BA_EINVAL, "tool distractor_writing: the item has no answer");
	if (own_options(in)) {
		/* the source's own options were written (and checked) with its key:
		 * kept, and no model is paid to replace them */
		*out = json_deep_copy(in);
		return 0;
	}
	rc = call_tool(ctx, "distractor_writing", args, in,
		       "{\"type\":\"object\",\"properties\":{\"distractors\":{\"type\":\"array\",\"minItems\":1,"
		       "\"items\":{\"type\":\"string\"}}},\"required\":[\"distractors\"]}",
		       &r, err);
	if (rc != 0)
		return rc;
	nans = ba_verify_normalize(ans);
	choices = json_array();
	json_array_append_new(choices, json_string(ans));
	json_array_foreach(json_object_get(r, "distractors"), i, d) {
		char *nd = ba_verify_normalize(json_string_value(d));
		size_t j;
		json_t *c;
		int dup = !*nd || strcmp(nd, nans) == 0;
		json_array_foreach(choices, j, c) {
			char *nc = ba_verify_normalize(json_string_value(c));
			dup |= strcmp(nc, nd) == 0;
			free(nc);
		}
		if (!dup && (long)json_array_size(choices) <= n)
			json_array_append(choices, d);
		free(nd);
	}
	free(nans);
	json_decref(r);
	if (json_array_size(choices) < 2) {
		json_decref(choices);
		return ba_error_set(err, BA_EINVAL,
				    "tool distractor_writing: no usable distractor (empty, or equal to the answer)");
	}
	*out = json_deep_copy(in);
	json_object_set_new(*out, "choices", choices);
	json_object_set_new(*out, "answer", json_string("A"));
	json_object_set_new(*out, "answer_text", json_string(ans));
	json_object_set_new(*out, "answer_type", json_string("choice"));
	return 0;
}
