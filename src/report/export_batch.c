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

#include <stdlib.h>
#include <string.h>

static const char instr_choice[] =
	"\n\nAnswer with the letter of the correct option on the last line, as 'Answer: X'.";
static const char instr_open[] =
	"\n\nGive the final answer on the last line, as 'Answer: <answer>'.";

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
		char *prompt = ba_export_prompt(item, mc), *text = ba_asprintf("%s%s", prompt, mc ? instr_choice : instr_open);
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
		line = json_pack("{s:s,s:s,s:s,s:{s:s,s:[{s:s,s:o}],s:f,s:i}}",
				 "custom_id", ba_json_str(item, "id", ""), "method", "POST",
				 "url", "/v1/chat/completions", "body", "model", model,
				 "messages", "role", "user", "content", content,
				 "temperature", 0.0, "max_tokens", ctx->opts->max_tokens > 0 ? ctx->opts->max_tokens : 512);
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
