/*
 * export_inspect.c - inspect_ai samples (JSONL): input (a string, or chat
 * messages with an image part), choices, target (a capital letter for
 * choice items), id, metadata, files. Audio media are ContentAudio parts
 * (type "audio", audio: the relative path, format wav/mp3), resolved the
 * same way (chat_content_with_resolved_content).
 *
 * Images are copied into the export (media/..., the benchmark's relative
 * layout) and named by relative paths: inspect_ai's json_dataset resolves
 * a relative image path against the samples file's folder
 * (dataset/_sources/util.py resolve_sample_files), so the export loads
 * from any working directory and can be moved.
 */
#include "export_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

/* An inspect_ai content part for a copied media file at p (relative):
 * ContentImage {type: "image", image} or ContentAudio {type: "audio",
 * audio, format: "wav" | "mp3"} (inspect_ai/_util/content.py). */
static json_t *media_part(const json_t *m, const char *p)
{
	const char *mime = ba_json_str(m, "mime", "");
	size_t n = strlen(p);

	if (strcmp(ba_json_str(m, "type", "image"), "audio"))
		return json_pack("{s:s,s:s}", "type", "image", "image", p);
	return json_pack("{s:s,s:s,s:s}", "type", "audio", "audio", p, "format",
			 !strcmp(mime, "audio/mpeg") || (n > 4 && !strcmp(p + n - 4, ".mp3")) ? "mp3" : "wav");
}

static int run_inspect(ba_export_ctx *ctx, ba_error *err)
{
	ba_buf out = BA_BUF_INIT((size_t)1 << 30);
	json_t *item;
	size_t i;
	int rc = 0;

	json_array_foreach(ctx->items, i, item) {
		json_t *choices = json_object_get(item, "choices"), *media = json_object_get(item, "media");
		json_t *s = json_object(), *meta = json_object(), *m;
		char *text = ba_export_prompt(item, 0);
		size_t k;

		json_object_set_new(s, "id", json_string(ba_json_str(item, "id", "")));
		if (json_array_size(media)) {
			json_t *parts = json_array();
			json_array_foreach(media, k, m) {
				char *p = NULL;
				if ((rc = ba_export_copy_media(ctx, item, m, NULL, &p, err)) != 0) {
					json_decref(parts);
					json_decref(s);
					json_decref(meta);
					free(text);
					goto cleanup;
				}
				json_array_append_new(parts, media_part(m, p));
				free(p);
			}
			json_array_append_new(parts, json_pack("{s:s,s:s}", "type", "text", "text", text));
			json_object_set_new(s, "input", json_pack("[{s:s,s:o}]", "role", "user", "content", parts));
		} else {
			json_object_set_new(s, "input", json_string(text));
		}
		free(text);
		/* a letter for choice items (the choice scorer reads letters), a
		 * binary key in the words its question asks for, else the text */
		if (!(text = ba_export_key(item, err))) {
			rc = BA_EINVAL;
			json_decref(s);
			json_decref(meta);
			goto cleanup;
		}
		if (json_array_size(choices))
			json_object_set(s, "choices", choices);
		json_object_set_new(s, "target", json_string(text));
		free(text);
		json_object_set_new(meta, "subtask", json_string(ba_json_str(item, "subtask", "")));
		json_object_set_new(meta, "answer_type", json_string(ba_json_str(item, "answer_type", "")));
		if (json_object_get(item, "difficulty"))
			json_object_set(meta, "difficulty", json_object_get(item, "difficulty"));
		if (json_object_get(item, "source"))
			json_object_set(meta, "source", json_object_get(item, "source"));
		json_object_set_new(s, "metadata", meta);
		ba_export_line(&out, s);
		json_decref(s);
	}
	rc = ba_export_put_buf(ctx, "samples.jsonl", &out, err);
	if (rc == 0) {
		char *readme = ba_asprintf(
			"# %s for inspect_ai\n\n"
			"    from inspect_ai.dataset import json_dataset\n"
			"    dataset = json_dataset(\"%s/samples.jsonl\")\n\n"
			"Image and audio paths are relative to this folder (inspect_ai resolves them against the\n"
			"samples file), so the folder can be moved.\n\n"
			"Choice items carry `choices` and a letter `target` (use the multiple_choice solver and\n"
			"the choice scorer); other items a text `target` (match or model_graded_fact).\n", ctx->id,
			ctx->final_dir);
		rc = ba_export_put(ctx, "README.md", readme, strlen(readme), err);
		free(readme);
	}
cleanup:
	ba_buf_free(&out);
	return rc;
}

const ba_exporter ba_export_inspect = {
	.name = "inspect",
	.summary = "inspect_ai samples JSONL (input, choices, target letter, id, metadata)",
	.run = run_inspect,
};
