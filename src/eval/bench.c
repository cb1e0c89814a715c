/*
 * bench.c - reading a benchmark folder for evaluation: items.jsonl, the
 * key results are stored under, and the chat messages for an item (with
 * its images as data URLs and its audio as input_audio parts, resolved
 * inside the folder only).
 */
#include "benchagent/eval.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/benchdir.h"
#include "benchagent/json.h"
#include "benchagent/prompt.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_MEDIA_BYTES (20u << 20)

typedef struct load_ctx {
	json_t *items;
	json_t *seen;
	long limit;
	const char *path;
} load_ctx;

static int load_one(void *ud, json_t *obj, size_t lineno, ba_error *err)
{
	load_ctx *c = ud;
	const char *id = ba_json_str(obj, "id", NULL);

	if (!json_is_object(obj))
		return ba_error_set(err, BA_EINVAL, "%s:%zu: an item must be a JSON object", c->path,
				    lineno);
	if (!id || !*id)
		return ba_error_set(err, BA_EINVAL, "%s:%zu: item has no string \"id\"", c->path, lineno);
	if (!json_is_string(json_object_get(obj, "question")))
		return ba_error_set(err, BA_EINVAL, "%s:%zu: item %s has no string \"question\"",
				    c->path, lineno, id);
	if (!json_object_get(obj, "answer"))
		return ba_error_set(err, BA_EINVAL, "%s:%zu: item %s has no \"answer\"", c->path,
				    lineno, id);
	if (json_object_get(c->seen, id))
		return ba_error_set(err, BA_EINVAL, "%s:%zu: duplicate item id \"%s\"", c->path, lineno,
				    id);
	json_object_set_new(c->seen, id, json_true());
	json_array_append(c->items, obj);
	if (c->limit > 0 && (long)json_array_size(c->items) >= c->limit)
		return 1;
	return 0;
}

int ba_eval_load_items(const char *dir, long limit, json_t **items, ba_error *err)
{
	load_ctx c;
	char *path = ba_path_join(dir, "items.jsonl");
	int rc;

	*items = NULL;
	if (!ba_fs_exists(path)) {
		ba_error_set(err, BA_ENOTFOUND, "%s: no items.jsonl (is this a benchmark folder?)", dir);
		free(path);
		return BA_ENOTFOUND;
	}
	c.items = json_array();
	c.seen = json_object();
	c.limit = limit;
	c.path = path;
	rc = ba_jsonl_foreach(path, load_one, &c, err);
	json_decref(c.seen);
	free(path);
	if (rc < 0) {
		json_decref(c.items);
		return rc;
	}
	*items = c.items;
	return 0;
}

char *ba_eval_bench_key(const char *dir)
{
	json_t *m = ba_benchdir_manifest(dir);
	const char *id = ba_benchdir_id(m);
	char *key, *base = NULL;
	long long version = ba_json_int(m, "version", 1);

	if (!id) {
		char *d = ba_strdup(dir);
		size_t n = strlen(d);
		while (n > 1 && d[n - 1] == '/')
			d[--n] = '\0';
		base = ba_strdup(strrchr(d, '/') ? strrchr(d, '/') + 1 : d);
		free(d);
		id = base;
	}
	key = version > 1 ? ba_asprintf("%s@v%lld", id, version) : ba_strdup(id);
	free(base);
	json_decref(m);
	return key;
}

/* 1 when path (after resolving symlinks) lies inside dir; a missing file
 * passes here and is reported by the reader. */
static int inside_dir(const char *dir, const char *path)
{
	ba_error e = BA_ERROR_INIT;
	int rc = ba_fs_path_inside(dir, path, NULL, &e);

	return rc == 0 || (rc == BA_ENOTFOUND && ba_fs_exists(dir) && !ba_fs_exists(path));
}

static const char *instruction_for(const json_t *item)
{
	const char *t = ba_json_str(item, "answer_type", "short");

	if (json_array_size(json_object_get(item, "choices")) > 0)
		return "Choose the correct option. End your reply with a line of the form "
		       "\"Answer: X\" where X is the option's letter.";
	if (!strcmp(t, "numeric"))
		return "Give the final answer as a number. End your reply with a line of the form "
		       "\"Answer: <number>\".";
	if (!strcmp(t, "binary"))
		return "Answer yes or no. End your reply with a line of the form \"Answer: yes\" or "
		       "\"Answer: no\".";
	if (!strcmp(t, "open"))
		return "Answer the question fully and concisely.";
	return "Give a short final answer. End your reply with a line of the form "
	       "\"Answer: <answer>\".";
}

/* The wire format of an audio media entry: "wav" or "mp3" (what the
 * OpenAI input_audio part names), from its mime or its extension; NULL
 * for anything else. */
static const char *audio_format(const json_t *m, const char *rel)
{
	const char *mime = ba_json_str(m, "mime", "");
	size_t n = strlen(rel);

	if (!strcmp(mime, "audio/wav") || !strcmp(mime, "audio/x-wav") || !strcmp(mime, "audio/wave") ||
	    (!*mime && n > 4 && !strcasecmp(rel + n - 4, ".wav")))
		return "wav";
	if (!strcmp(mime, "audio/mpeg") || !strcmp(mime, "audio/mp3") ||
	    (!*mime && n > 4 && !strcasecmp(rel + n - 4, ".mp3")))
		return "mp3";
	return NULL;
}

/* The content part for media entry i of an item: an image_url part with a
 * data URL, an input_audio part with the base64 bytes, or *part NULL for
 * media no model is sent. The path must stay inside dir (symlinks too). */
static int media_part(const char *dir, const char *id, size_t i, const json_t *m, json_t **part,
		      ba_error *err)
{
	const char *type = ba_json_str(m, "type", "");
	const char *rel = ba_json_str(m, "path", NULL), *fmt = NULL;
	char *path;
	int audio = !strcmp(type, "audio");

	*part = NULL;
	if (strcmp(type, "image") && !audio)
		return 0;
	if (!rel || !ba_path_is_safe(rel))
		return ba_error_set(err, BA_EINVAL, "item %s: media[%zu].path is missing or leaves the benchmark folder",
				    id, i);
	if (audio && !(fmt = audio_format(m, rel)))
		return ba_error_set(err, BA_EINVAL, "item %s: media[%zu] %s: audio must be WAV or MP3 to be sent (mime %s)",
				    id, i, rel, ba_json_str(m, "mime", "unset"));
	path = ba_path_join(dir, rel);
	if (!inside_dir(dir, path)) {
		ba_error_set(err, BA_EINVAL, "item %s: media[%zu] %s resolves outside the benchmark folder", id, i,
			     rel);
		free(path);
		return BA_EINVAL;
	}
	if (audio) {
		ba_buf b = BA_BUF_INIT(MAX_MEDIA_BYTES);
		ba_error e = BA_ERROR_INIT;
		char *b64;
		if (ba_fs_read(path, &b, &e) != 0 || b.len == 0) {
			ba_error_set(err, BA_EINVAL, "item %s: cannot read audio %s%s%s", id, path, e.msg[0] ? ": " : "",
				     e.msg);
			ba_buf_free(&b);
			free(path);
			return BA_EINVAL;
		}
		b64 = ba_base64_encode(b.ptr, b.len);
		*part = json_pack("{s:s, s:{s:s, s:s}}", "type", "input_audio", "input_audio", "data", b64, "format",
				  fmt);
		free(b64);
		ba_buf_free(&b);
	} else {
		char *url = ba_data_url_from_file(path, MAX_MEDIA_BYTES);
		if (!url) {
			ba_error_set(err, BA_EINVAL, "item %s: cannot read image %s", id, path);
			free(path);
			return BA_EINVAL;
		}
		*part = json_pack("{s:s, s:{s:s}}", "type", "image_url", "image_url", "url", url);
		free(url);
	}
	free(path);
	return 0;
}

int ba_eval_messages(const char *dir, const json_t *item, json_t **messages, ba_error *err)
{
	json_t *vars = json_object(), *choices = json_object_get(item, "choices"), *media, *m;
	json_t *msg, *parts = NULL;
	ba_buf cb = BA_BUF_INIT(1 << 20);
	const char *ctx = ba_json_str(item, "context", NULL);
	const char *id = ba_json_str(item, "id", "?");
	char *text = NULL;
	size_t i;
	int rc;

	*messages = NULL;
	for (i = 0; i < json_array_size(choices) && i < 26; i++) {
		const char *o = json_string_value(json_array_get(choices, i));
		ba_buf_printf(&cb, "%c. %s\n", (char)('A' + i), o ? o : "");
	}
	json_object_set_new(vars, "question", json_string(ba_json_str(item, "question", "")));
	json_object_set_new(vars, "choices", json_string(ba_buf_cstr(&cb)));
	json_object_set_new(vars, "instruction", json_string(instruction_for(item)));
	if (ctx && *ctx) {
		char *c = ba_asprintf("Context:\n%s\n\n", ctx);
		json_object_set_new(vars, "context", json_string(c));
		free(c);
	} else {
		json_object_set_new(vars, "context", json_string(""));
	}
	ba_buf_free(&cb);
	rc = ba_prompt_render("eval_answer.txt", vars, &text, err);
	json_decref(vars);
	if (rc)
		return rc;
	media = json_object_get(item, "media");
	json_array_foreach(media, i, m) {
		json_t *part = NULL;
		if ((rc = media_part(dir, id, i, m, &part, err)) != 0) {
			json_decref(parts);
			free(text);
			return rc;
		}
		if (!part)
			continue;
		if (!parts) {
			parts = json_array();
			json_array_append_new(parts, json_pack("{s:s, s:s}", "type", "text", "text", text));
		}
		json_array_append_new(parts, part);
	}
	msg = json_pack("{s:s}", "role", "user");
	json_object_set_new(msg, "content", parts ? parts : json_string(text));
	free(text);
	*messages = json_array();
	json_array_append_new(*messages, msg);
	return 0;
}
