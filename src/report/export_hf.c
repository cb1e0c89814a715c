/*
 * export_hf.c - Hugging Face datasets layout with a dataset card.
 *
 * Rows are flat with one fixed set of columns, all declared in the card's
 * `dataset_info.features` (the json builder casts every table to the
 * declared schema, so an undeclared or mistyped column would fail to load).
 *
 * Text-only benchmarks: data/test.jsonl (the "json" builder).
 * Benchmarks with images: data/test/metadata.jsonl + data/test/media/...,
 * the "imagefolder" layout. Why: with the json builder an Image column
 * holding a relative path is opened by PIL relative to the working
 * directory (datasets/features/image.py decode_example), so it only loads
 * from one folder; the folder builder joins `file_name` (or `file_names`)
 * to the metadata file's own directory (folder_based_builder.py
 * _generate_examples), so the export loads from anywhere and can be moved.
 * `file_name` becomes the `image` column (`file_names` -> `images`).
 *
 * Benchmarks with audio: the same layout read by the "audiofolder" builder
 * (chosen by the most common extension, .wav), whose base column is
 * `audio` (an Audio feature, `dtype: audio` in the card: features.py
 * _from_yaml_list maps it to Audio()). The folder builders turn every
 * `file_name` / `*_file_name` column into their one base feature
 * (_set_feature), so a split cannot hold images and audio both: such a
 * benchmark is refused with the reason (export it per modality).
 */
#include "export_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_DIR "data/test/"

/* The most media entries of one type (image: entries without a type too)
 * any item has. */
static size_t max_media(const json_t *items, const char *type)
{
	size_t i, k, most = 0;
	json_t *item, *m;

	json_array_foreach(items, i, item) {
		size_t n = 0;
		json_array_foreach(json_object_get(item, "media"), k, m)
			n += !strcmp(ba_json_str(m, "type", "image"), type);
		if (n > most)
			most = n;
	}
	return most;
}

/* The media column of the export: images, or audio, or none. */
typedef struct {
	const char *type;        /* media type, also the folder builder's base column */
	size_t most;             /* 0: a text-only benchmark */
} hf_media;

static hf_media media_of(const json_t *items)
{
	hf_media h = { "image", max_media(items, "image") };

	if (!h.most && (h.most = max_media(items, "audio")) > 0)
		h.type = "audio";
	return h;
}

static int applies_hf(const ba_export_ctx *ctx, char *why, size_t n)
{
	if (max_media(ctx->items, "image") && max_media(ctx->items, "audio")) {
		snprintf(why, n, "items carry both images and audio: a datasets folder builder turns every file name "
				 "into its one feature type (image or audio), so one split cannot hold both");
		return 1;
	}
	return 0;
}

static json_t *as_text(const json_t *v)
{
	char *s;
	json_t *out;

	if (!v || json_is_null(v))
		return json_string("");
	if (json_is_string(v))
		return json_incref((json_t *)v);
	s = ba_json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
	out = json_string(s ? s : "");
	free(s);
	return out;
}

/* One flat row; every column is declared in features_yaml(). The answer
 * is the key as ba_export_key writes it (a choice item's letter, however
 * the item gives it; a binary item's word); NULL with err set when the key
 * cannot be converted. */
static json_t *row_of(const json_t *item, ba_error *err)
{
	json_t *r, *choices = json_object_get(item, "choices"), *c, *list;
	char *key = ba_export_key(item, err);
	const char *atext = ba_json_str(item, "answer_text", "");
	size_t i;

	if (!key)
		return NULL;
	/* a choice item's answer_text: its option's text when the item has none */
	if (!*atext && json_array_size(choices) && json_is_string(json_array_get(choices, (size_t)(key[0] - 'A'))))
		atext = json_string_value(json_array_get(choices, (size_t)(key[0] - 'A')));
	r = json_object();
	list = json_array();

	json_object_set_new(r, "id", json_string(ba_json_str(item, "id", "")));
	json_object_set_new(r, "subtask", json_string(ba_json_str(item, "subtask", "")));
	json_object_set_new(r, "question", json_string(ba_json_str(item, "question", "")));
	json_object_set_new(r, "context", json_string(ba_json_str(item, "context", "")));
	json_array_foreach(choices, i, c)
		json_array_append_new(list, as_text(c));
	json_object_set_new(r, "choices", list);
	json_object_set_new(r, "answer", json_string(key));
	json_object_set_new(r, "answer_text", json_string(atext));
	json_object_set_new(r, "answer_type", json_string(ba_json_str(item, "answer_type", "")));
	json_object_set_new(r, "difficulty", json_integer(ba_json_int(item, "difficulty", 0)));
	json_object_set_new(r, "explanation", json_string(ba_json_str(item, "explanation", "")));
	json_object_set_new(r, "source", as_text(json_object_get(item, "source")));
	json_object_set_new(r, "provenance", as_text(json_object_get(item, "provenance")));
	free(key);
	return r;
}

/* Copy the item's images (or audio) under data/test/ and name them in the row. */
static int add_media(ba_export_ctx *ctx, const json_t *item, json_t *row, hf_media h, ba_error *err)
{
	json_t *names = json_array(), *m;
	size_t k;
	int rc = 0;

	json_array_foreach(json_object_get(item, "media"), k, m) {
		char *rel = NULL;
		if (strcmp(ba_json_str(m, "type", "image"), h.type))
			continue;
		if ((rc = ba_export_copy_media(ctx, item, m, DATA_DIR, &rel, err)) != 0)
			break;
		json_array_append_new(names, json_string(rel + strlen(DATA_DIR)));
		free(rel);
	}
	if (rc == 0 && h.most > 1)
		json_object_set(row, "file_names", names);
	else if (rc == 0)
		json_object_set(row, "file_name", json_array_size(names) ? json_array_get(names, 0) : json_null());
	json_decref(names);
	return rc;
}

static void features_yaml(ba_buf *b, hf_media h)
{
	static const char *const strings[] = { "id", "subtask", "question", "context", NULL };
	static const char *const more[] = { "answer", "answer_text", "answer_type", NULL };
	int i;

	ba_buf_puts(b, "dataset_info:\n  features:\n");
	for (i = 0; strings[i]; i++)
		ba_buf_printf(b, "  - name: %s\n    dtype: string\n", strings[i]);
	ba_buf_puts(b, "  - name: choices\n    sequence: string\n");
	for (i = 0; more[i]; i++)
		ba_buf_printf(b, "  - name: %s\n    dtype: string\n", more[i]);
	ba_buf_puts(b, "  - name: difficulty\n    dtype: int64\n"
		       "  - name: explanation\n    dtype: string\n"
		       "  - name: source\n    dtype: string\n"
		       "  - name: provenance\n    dtype: string\n");
	if (h.most == 1)
		ba_buf_printf(b, "  - name: %s\n    dtype: %s\n", h.type, h.type);
	else if (h.most > 1)
		ba_buf_printf(b, "  - name: %ss\n    sequence: %s\n", h.type, h.type);
	ba_buf_puts(b, "  splits:\n  - name: test\n");
}

static void card_text(ba_export_ctx *ctx, ba_buf *card, hf_media h)
{
	char *pretty = ba_export_yaml_str(ctx->id);
	size_t n = json_array_size(ctx->items), most = h.most;
	int audio = most && !strcmp(h.type, "audio");
	char col[256] = "";

	ba_buf_printf(card,
		      "---\n"
		      "configs:\n"
		      "- config_name: default\n"
		      "  data_files:\n"
		      "  - split: test\n"
		      "    path: %s\n",
		      most ? DATA_DIR "**" : "data/test.jsonl");
	features_yaml(card, h);
	if (most)
		snprintf(col, sizeof(col), ", and `%s%s` (%s %s feature%s; files under `data/test/media/`)", h.type,
			 most > 1 ? "s" : "", most > 1 ? "a list of" : "an", audio ? "Audio" : "Image", most > 1 ? "s" : "");
	ba_buf_printf(card,
		      "pretty_name: %s\n"
		      "license: other\n"
		      "language:\n- en\n"
		      "task_categories:\n- %s\n"
		      "tags:\n- benchagent\n- benchmark\n- verified\n%s"
		      "size_categories:\n- %s\n"
		      "---\n\n"
		      "# %s\n\n"
		      "%zu items built and verified by benchagent. Columns: `id`, `subtask`, `question`,\n"
		      "`context`, `choices` (empty when not a choice item), `answer` (a capital letter for\n"
		      "choice items; always a string), `answer_text`, `answer_type`, `difficulty`,\n"
		      "`explanation`, `source` and `provenance` (JSON strings)%s.\n\n"
		      "License: `other`: the items inherit the licenses of their sources (see `source`);\n"
		      "generator items are synthetic.\n\n"
		      "```python\nfrom datasets import load_dataset\nds = load_dataset(\"%s\")[\"test\"]  # this folder\n```\n",
		      pretty, most && !audio ? "visual-question-answering" : "question-answering", audio ? "- audio\n" : "",
		      n < 1000 ? "n<1K" : n < 10000 ? "1K<n<10K" : n < 100000 ? "10K<n<100K" : "100K<n<1M",
		      ctx->id, n, col, ctx->final_dir);
	free(pretty);
}

static int run_hf(ba_export_ctx *ctx, ba_error *err)
{
	ba_buf lines = BA_BUF_INIT((size_t)1 << 30), card = BA_BUF_INIT(1 << 20);
	hf_media h = media_of(ctx->items);
	size_t most = h.most, i;
	json_t *item;
	int rc = 0;
	char why[256];

	if (applies_hf(ctx, why, sizeof(why)))
		return ba_error_set(err, BA_EINVAL, "hf: %s", why);
	json_array_foreach(ctx->items, i, item) {
		json_t *row = row_of(item, err);
		if (!row) {
			rc = BA_EINVAL;
			goto cleanup;
		}
		if (most && (rc = add_media(ctx, item, row, h, err)) != 0) {
			json_decref(row);
			goto cleanup;
		}
		ba_export_line(&lines, row);
		json_decref(row);
	}
	rc = ba_export_put_buf(ctx, most ? DATA_DIR "metadata.jsonl" : "data/test.jsonl", &lines, err);
	if (rc)
		goto cleanup;
	card_text(ctx, &card, h);
	rc = ba_export_put_buf(ctx, "README.md", &card, err);
cleanup:
	ba_buf_free(&lines);
	ba_buf_free(&card);
	return rc;
}

const ba_exporter ba_export_hf = {
	.name = "hf",
	.summary = "Hugging Face dataset: data/test.jsonl (or image/audiofolder data/test/ with an Image or Audio column) + card",
	.applies = applies_hf,
	.run = run_hf,
};
