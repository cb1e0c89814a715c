/*
 * dataset.c - loading a card's annotation file (JSON `data` array, bare
 * array, JSONL or CSV) and resolving role paths into sample values.
 */
#define BA_LOG_MODULE "pool"
#include "dataset_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DS_MAX_SAMPLES 1000000u
#define DS_MAX_BYTES ((size_t)512 << 20)

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcasecmp(s + a - b, suf);
}

typedef struct {
	json_t *arr;
	size_t max;
} jl_ctx;

static int jl_line(void *ud, json_t *obj, size_t lineno, ba_error *err)
{
	jl_ctx *c = ud;
	(void)lineno;
	(void)err;
	if (json_array_size(c->arr) >= c->max)
		return 1;
	json_array_append(c->arr, obj);
	return 0;
}

/* Set a dotted key ("input.question") into nested objects. */
static void set_dotted(json_t *obj, const char *key, json_t *val)
{
	const char *dot = strchr(key, '.');
	if (!dot || dot == key || !dot[1]) {
		json_object_set_new(obj, key, val);
		return;
	}
	{
		char *head = ba_strndup(key, (size_t)(dot - key));
		json_t *sub = json_object_get(obj, head);
		if (!json_is_object(sub)) {
			sub = json_object();
			json_object_set_new(obj, head, sub);
		}
		set_dotted(sub, dot + 1, val);
		free(head);
	}
}

/* One CSV record starting at *p (RFC 4180 quoting); fields appended to
 * row. Returns 0, 1 at end of input, BA_EINVAL on an unterminated quote. */
static int csv_record(const char **p, const char *end, json_t *row)
{
	ba_buf f = BA_BUF_INIT(64u << 20);
	const char *s = *p;

	if (s >= end)
		return 1;
	for (;;) {
		ba_buf_reset(&f);
		ba_buf_puts(&f, "");
		if (s < end && *s == '"') {
			s++;
			for (;;) {
				if (s >= end) {
					ba_buf_free(&f);
					return BA_EINVAL;
				}
				if (*s == '"') {
					if (s + 1 < end && s[1] == '"') {
						ba_buf_append(&f, "\"", 1);
						s += 2;
						continue;
					}
					s++;
					break;
				}
				ba_buf_append(&f, s++, 1);
			}
			while (s < end && *s != ',' && *s != '\n' && *s != '\r')
				s++;
		} else {
			const char *st = s;
			while (s < end && *s != ',' && *s != '\n' && *s != '\r')
				s++;
			ba_buf_append(&f, st, (size_t)(s - st));
		}
		json_array_append_new(row, json_string(ba_buf_cstr(&f)));
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s == '\n')
			s++;
		break;
	}
	ba_buf_free(&f);
	*p = s;
	return 0;
}

static int load_csv(const char *path, json_t *arr, size_t max, ba_error *err)
{
	ba_buf b = BA_BUF_INIT(DS_MAX_BYTES);
	json_t *hdr = json_array(), *row;
	const char *p, *end;
	size_t line = 1;
	int rc;

	if ((rc = ba_fs_read(path, &b, err)) != 0)
		goto out;
	p = ba_buf_cstr(&b);
	end = p + b.len;
	if (csv_record(&p, end, hdr) != 0 || json_array_size(hdr) == 0) {
		rc = ba_error_set(err, BA_EINVAL, "%s:1: expected a CSV header row", path);
		goto out;
	}
	for (;;) {
		size_t i;
		json_t *obj, *v;
		int r;

		line++;
		row = json_array();
		r = csv_record(&p, end, row);
		if (r == 1) {
			json_decref(row);
			break;
		}
		if (r != 0) {
			json_decref(row);
			rc = ba_error_set(err, BA_EINVAL, "%s:%zu: unterminated quoted field", path, line);
			goto out;
		}
		if (json_array_size(row) == 1 && !*json_string_value(json_array_get(row, 0))) {
			json_decref(row);
			continue; /* blank line */
		}
		if (json_array_size(row) != json_array_size(hdr)) {
			rc = ba_error_set(err, BA_EINVAL, "%s:%zu: %zu fields, header has %zu", path, line,
					  json_array_size(row), json_array_size(hdr));
			json_decref(row);
			goto out;
		}
		obj = json_object();
		json_array_foreach(row, i, v)
			set_dotted(obj, json_string_value(json_array_get(hdr, i)), json_copy(v));
		json_array_append_new(arr, obj);
		json_decref(row);
		if (json_array_size(arr) >= max)
			break;
	}
	rc = 0;
out:
	json_decref(hdr);
	ba_buf_free(&b);
	return rc;
}

int ba_dataset_load_file(ba_dataset **out, const char *path, const char *root, size_t max,
			 ba_error *err)
{
	json_t *arr = NULL, *j = NULL;
	ba_dataset *d;
	int rc = 0;

	*out = NULL;
	if (max == 0 || max > DS_MAX_SAMPLES)
		max = DS_MAX_SAMPLES;
	if (!ba_fs_exists(path))
		return ba_error_set(err, BA_ENOTFOUND, "%s: dataset file not found", path);
	if (root && (rc = ba_fs_path_inside(root, path, NULL, err)) != 0)
		return ba_error_prefix(err, "dataset file refused: ");
	if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) {
		jl_ctx c = { json_array(), max };
		if ((rc = ba_jsonl_foreach(path, jl_line, &c, err)) != 0) {
			json_decref(c.arr);
			return rc;
		}
		arr = c.arr;
	} else if (ends_with(path, ".csv")) {
		arr = json_array();
		if ((rc = load_csv(path, arr, max, err)) != 0) {
			json_decref(arr);
			return rc;
		}
	} else {
		if ((rc = ba_json_load_file(&j, path, DS_MAX_BYTES, err)) != 0)
			return ba_error_prefix(err, "dataset: ");
		if (json_is_array(j)) {
			arr = json_incref(j);
		} else if (json_is_array(json_object_get(j, "data"))) {
			arr = json_incref(json_object_get(j, "data"));
		} else {
			json_decref(j);
			return ba_error_set(err, BA_EINVAL,
					    "%s: expected a JSON object with a `data` array of samples (or a bare array)",
					    path);
		}
		json_decref(j);
		while (json_array_size(arr) > max)
			json_array_remove(arr, json_array_size(arr) - 1);
	}
	d = ba_calloc(1, sizeof(*d));
	d->samples = arr;
	d->file = ba_strdup(path);
	d->dir = ba_path_dirname(path);
	d->root = ba_strdup(root ? root : d->dir);
	*out = d;
	return 0;
}

int ba_dataset_load(ba_dataset **out, const ba_card *card, size_t max, ba_error *err)
{
	*out = NULL;
	if (!card->source)
		return ba_error_set(err, BA_EINVAL, "%s: raw_meta.source_json: missing (no dataset file)",
				    card->file);
	return ba_dataset_load_file(out, card->source, card->root, max, err);
}

void ba_dataset_free(ba_dataset *d)
{
	if (!d)
		return;
	json_decref(d->samples);
	free(d->file);
	free(d->dir);
	free(d->root);
	ba_media_index_free(d);
	free(d);
}

size_t ba_dataset_count(const ba_dataset *d)
{
	return d ? json_array_size(d->samples) : 0;
}

json_t *ba_dataset_sample(const ba_dataset *d, size_t i)
{
	return json_array_get(d->samples, i);
}

const char *ba_dataset_dir(const ba_dataset *d)
{
	return d->dir;
}

static json_t *media_value(ba_dataset *d, json_t *v, int *media_missing)
{
	if (json_is_string(v)) {
		char *p = ba_dataset_media(d, json_string_value(v));
		json_t *r = p ? json_string(p) : json_null();
		if (!p && media_missing)
			(*media_missing)++;
		free(p);
		return r;
	}
	if (json_is_array(v)) {
		json_t *arr = json_array(), *e;
		size_t i;
		json_array_foreach(v, i, e)
			json_array_append_new(arr, media_value(d, e, media_missing));
		return arr;
	}
	return json_deep_copy(v);
}

json_t *ba_dataset_resolve(ba_dataset *d, const ba_card *card, size_t i, int *missing,
			   int *media_missing)
{
	json_t *sample = ba_dataset_sample(d, i), *out = json_object(), *f;
	const char *role;

	if (missing)
		*missing = 0;
	if (media_missing)
		*media_missing = 0;
	json_object_foreach(ba_json_path(card->json, "meta.fields"), role, f) {
		json_t *paths = json_object_get(f, "paths"), *p, *val = NULL;
		int media = ba_card_role_is_media(card, role);
		size_t k;

		if (json_array_size(paths) == 1) {
			json_t *v = ba_json_path(sample, json_string_value(json_array_get(paths, 0)));
			if (v && !json_is_null(v))
				val = media ? media_value(d, v, media_missing) : json_deep_copy(v);
		} else {
			val = json_array();
			json_array_foreach(paths, k, p) {
				json_t *v = ba_json_path(sample, json_string_value(p));
				if (v && !json_is_null(v))
					json_array_append_new(val, media ? media_value(d, v, media_missing)
									 : json_deep_copy(v));
			}
			if (json_array_size(val) == 0) {
				json_decref(val);
				val = NULL;
			}
		}
		if (!val) {
			if (missing)
				(*missing)++;
			json_object_set_new(out, role, json_null());
		} else {
			json_object_set_new(out, role, val);
		}
	}
	return out;
}

long ba_dataset_usable(ba_dataset *d, const ba_card *card)
{
	size_t i, n = ba_dataset_count(d);
	long ok = 0;

	for (i = 0; i < n; i++) {
		int miss = 0, mm = 0;
		json_t *r = ba_dataset_resolve(d, card, i, &miss, &mm);
		if (!miss && !mm)
			ok++;
		json_decref(r);
	}
	return ok;
}
