/*
 * export_batch.c - OpenAI batch input lines ({custom_id, method, url,
 * body}) asking a model every item; images as base64 data URLs, audio as
 * input_audio parts {data: base64, format: wav|mp3} as eval sends them. The output
 * of the batch can be scored with `benchagent eval`.
 */
#include "export_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char instr_choice[] =
	"\n\nAnswer with the letter of the correct option on the last line, as 'Answer: X'.";
static const char instr_open[] =
	"\n\nGive the final answer on the last line, as 'Answer: <answer>'.";

int ba_export_reasoning_model(const char *model)
{
	const char *m = model ? model : "", *slash = strrchr(m, '/');
	unsigned major = 0;
	size_t i;

	if (slash)
		m = slash + 1;
	if (!strncmp(m, "ft:", 3))
		m += 3;
	if (m[0] == 'o' && isdigit((unsigned char)m[1]))
		return 1;
	if (!strncmp(m, "codex-mini", 10))
		return 1;
	/* gpt-5, gpt-5-mini, gpt-5.2, gpt-6 ...; gpt-5-chat-latest is a chat model */
	if (strncmp(m, "gpt-", 4))
		return 0;
	for (i = 4; isdigit((unsigned char)m[i]) && major < 1000; i++)
		major = major * 10 + (unsigned)(m[i] - '0');
	return major >= 5 && !strstr(m, "-chat");
}

/* The request body: a reasoning model (opts->reasoning, or by the model's
 * name) gets no temperature (it rejects any but 1) and no max_tokens (it
 * takes max_completion_tokens, written only when a cap was given: its
 * reasoning tokens count against it, so the 512 sized for a chat model's
 * answer would end most replies before the answer); any other model
 * temperature 0 and max_tokens (default 512). */
static json_t *body_of(const ba_export_ctx *ctx, const char *model, json_t *content)
{
	int reasoning = ctx->opts->reasoning >= 0 ? ctx->opts->reasoning : ba_export_reasoning_model(model);
	int cap = ctx->opts->max_tokens;
	json_t *b = json_pack("{s:s,s:[{s:s,s:o}]}", "model", model, "messages", "role", "user", "content", content);

	if (reasoning) {
		if (cap > 0)
			json_object_set_new(b, "max_completion_tokens", json_integer(cap));
	} else {
		json_object_set_new(b, "temperature", json_real(0.0));
		json_object_set_new(b, "max_tokens", json_integer(cap > 0 ? cap : 512));
	}
	return b;
}

/* A media file as a data URL (caller frees), NULL when unreadable or too
 * large; an audio entry's mime (audio/wav, audio/mpeg) wins over the
 * extension's guess. */
static char *media_url(const char *path, const json_t *m)
{
	char *url = ba_data_url_from_file(path, (size_t)50 << 20), *comma;
	const char *mime = ba_json_str(m, "mime", "");

	if (url && !strcmp(ba_json_str(m, "type", "image"), "audio") && !strncmp(mime, "audio/", 6) &&
	    (comma = strstr(url, ";base64,"))) {
		char *u = ba_asprintf("data:%s%s", mime, comma);
		free(url);
		url = u;
	}
	return url;
}

static int run_batch(ba_export_ctx *ctx, ba_error *err)
{
	ba_buf out = BA_BUF_INIT((size_t)2 << 30);
	const char *model = ctx->opts->model ? ctx->opts->model : "gpt-4o-mini";
	json_t *item;
	size_t i;
	int rc = 0;

	json_array_foreach(ctx->items, i, item) {
		int mc = json_array_size(json_object_get(item, "choices")) > 0;
		char *prompt = ba_export_prompt(item, mc), *text;
		int pair = !mc && ba_export_is_binary(item) ? ba_export_binary_pair(item) : -2;

		if (pair > -2) /* the words the question asks for, the key's words (yes/no when it names none) */
			text = ba_asprintf("%s\n\nGive the final answer on the last line, as 'Answer: %s' or 'Answer: %s'.", prompt,
					   ba_export_yes_no(pair, 1), ba_export_yes_no(pair, 0));
		else
			text = ba_asprintf("%s%s", prompt, mc ? instr_choice : instr_open);
		json_t *media = json_object_get(item, "media"), *content, *m, *line;
		size_t k;

		free(prompt);
		if (json_array_size(media)) {
			content = json_array();
			json_array_foreach(media, k, m) {
				char *p = ba_export_media_path(ctx, m), *url = p ? media_url(p, m) : NULL;
				int audio = !strcmp(ba_json_str(m, "type", "image"), "audio");
				free(p);
				if (!url) {
					rc = ba_error_set(err, BA_EINVAL, "item %s: media '%s' is missing, too large or outside the benchmark",
							  ba_json_str(item, "id", "?"), ba_json_str(m, "path", "?"));
					json_decref(content);
					free(text);
					goto cleanup;
				}
				if (audio) /* the raw base64 after the data: URL's comma, as input_audio takes it */
					json_array_append_new(content, json_pack("{s:s,s:{s:s,s:s}}", "type", "input_audio", "input_audio",
										 "data", strchr(url, ',') + 1, "format",
										 strstr(url, "audio/mpeg") ? "mp3" : "wav"));
				else
					json_array_append_new(content, json_pack("{s:s,s:{s:s}}", "type", "image_url", "image_url", "url", url));
				free(url);
			}
			json_array_append_new(content, json_pack("{s:s,s:s}", "type", "text", "text", text));
		} else {
			content = json_string(text);
		}
		free(text);
		line = json_pack("{s:s,s:s,s:s,s:o}", "custom_id", ba_json_str(item, "id", ""), "method", "POST",
				 "url", "/v1/chat/completions", "body", body_of(ctx, model, content));
		ba_export_line(&out, line);
		json_decref(line);
	}
	rc = ba_export_put_buf(ctx, "requests.jsonl", &out, err);
cleanup:
	ba_buf_free(&out);
	return rc;
}

const ba_exporter ba_export_batch = {
	.name = "openai-batch",
	.summary = "OpenAI batch input lines (custom_id, method, url, body), images as data URLs, audio as input_audio",
	.run = run_batch,
};
