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
 */
#include "export_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

#define DATA_DIR "data/test/"

static size_t max_images(const json_t *items)
{
	size_t i, k, most = 0;
	json_t *item, *m;

	json_array_foreach(items, i, item) {
		size_t n = 0;
		json_array_foreach(json_object_get(item, "media"), k, m)
			n += !strcmp(ba_json_str(m, "type", "image"), "image");
		if (n > most)
			most = n;
	}
	return most;
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

/* One flat row; every column is declared in features_yaml(). */
static json_t *row_of(const json_t *item)
{
	json_t *r = json_object(), *choices = json_object_get(item, "choices"), *c;
	json_t *list = json_array();
	size_t i;

	json_object_set_new(r, "id", json_string(ba_json_str(item, "id", "")));
	json_object_set_new(r, "subtask", json_string(ba_json_str(item, "subtask", "")));
	json_object_set_new(r, "question", json_string(ba_json_str(item, "question", "")));
	json_object_set_new(r, "context", json_string(ba_json_str(item, "context", "")));
	json_array_foreach(choices, i, c)
		json_array_append_new(list, as_text(c));
	json_object_set_new(r, "choices", list);
	json_object_set_new(r, "answer", as_text(json_object_get(item, "answer")));
	json_object_set_new(r, "answer_text", json_string(ba_json_str(item, "answer_text", "")));
	json_object_set_new(r, "answer_type", json_string(ba_json_str(item, "answer_type", "")));
	json_object_set_new(r, "difficulty", json_integer(ba_json_int(item, "difficulty", 0)));
	json_object_set_new(r, "explanation", json_string(ba_json_str(item, "explanation", "")));
	json_object_set_new(r, "source", as_text(json_object_get(item, "source")));
	json_object_set_new(r, "provenance", as_text(json_object_get(item, "provenance")));
	return r;
}

/* Copy the item's images under data/test/ and name them in the row. */
static int add_images(ba_export_ctx *ctx, const json_t *item, json_t *row, size_t most, ba_error *err)
{
	json_t *names = json_array(), *m;
	size_t k;
	int rc = 0;

	json_array_foreach(json_object_get(item, "media"), k, m) {
		char *rel = NULL;
		if (strcmp(ba_json_str(m, "type", "image"), "image"))
			continue;
		if ((rc = ba_export_copy_media(ctx, item, m, DATA_DIR, &rel, err)) != 0)
			break;
		json_array_append_new(names, json_string(rel + strlen(DATA_DIR)));
		free(rel);
	}
	if (rc == 0 && most > 1)
		json_object_set(row, "file_names", names);
	else if (rc == 0)
		json_object_set(row, "file_name", json_array_size(names) ? json_array_get(names, 0) : json_null());
	json_decref(names);
	return rc;
}

static void features_yaml(ba_buf *b, size_t most)
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
	if (most == 1)
		ba_buf_puts(b, "  - name: image\n    dtype: image\n");
	else if (most > 1)
		ba_buf_puts(b, "  - name: images\n    sequence: image\n");
	ba_buf_puts(b, "  splits:\n  - name: test\n");
}

static void card_text(ba_export_ctx *ctx, ba_buf *card, size_t most)
{
	char *pretty = ba_export_yaml_str(ctx->id);
	size_t n = json_array_size(ctx->items);

	ba_buf_printf(card,
		      "---\n"
		      "configs:\n"
		      "- config_name: default\n"
		      "  data_files:\n"
		      "  - split: test\n"
		      "    path: %s\n",
		      most ? DATA_DIR "**" : "data/test.jsonl");
	features_yaml(card, most);
	ba_buf_printf(card,
		      "pretty_name: %s\n"
		      "license: other\n"
		      "language:\n- en\n"
		      "task_categories:\n- %s\n"
		      "tags:\n- benchagent\n- benchmark\n- verified\n"
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
		      pretty, most ? "visual-question-answering" : "question-answering",
		      n < 1000 ? "n<1K" : n < 10000 ? "1K<n<10K" : n < 100000 ? "10K<n<100K" : "100K<n<1M",
		      ctx->id, n,
		      most == 1 ? ", and `image` (an Image feature; files under `data/test/media/`)"
				: most > 1 ? ", and `images` (a list of Image features; files under `data/test/media/`)" : "",
		      ctx->final_dir);
	free(pretty);
}

static int run_hf(ba_export_ctx *ctx, ba_error *err)
{
	ba_buf lines = BA_BUF_INIT((size_t)1 << 30), card = BA_BUF_INIT(1 << 20);
	size_t most = max_images(ctx->items), i;
	json_t *item;
	int rc = 0;

	json_array_foreach(ctx->items, i, item) {
		json_t *row = row_of(item);
		if (most && (rc = add_images(ctx, item, row, most, err)) != 0) {
			json_decref(row);
			goto cleanup;
		}
		ba_export_line(&lines, row);
		json_decref(row);
	}
	rc = ba_export_put_buf(ctx, most ? DATA_DIR "metadata.jsonl" : "data/test.jsonl", &lines, err);
	if (rc)
		goto cleanup;
	card_text(ctx, &card, most);
	rc = ba_export_put_buf(ctx, "README.md", &card, err);
cleanup:
	ba_buf_free(&lines);
	ba_buf_free(&card);
	return rc;
}

const ba_exporter ba_export_hf = {
	.name = "hf",
	.summary = "Hugging Face dataset: data/test.jsonl (or imagefolder data/test/ with an Image column) + card",
	.run = run_hf,
};
