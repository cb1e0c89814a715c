/*
 * export.c - running the exporters (their table is exporters.c), item
 * loading and shared helpers.
 */
#include "export_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/benchdir.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/score.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int add_item(void *ud, json_t *obj, size_t lineno, ba_error *err)
{
	if (!json_is_object(obj) || !json_is_string(json_object_get(obj, "question")) ||
	    !json_object_get(obj, "answer"))
		return ba_error_set(err, BA_EINVAL, "items.jsonl:%zu: an item needs 'question' and 'answer'", lineno);
	json_array_append(ud, obj);
	return 0;
}

int ba_export_answer_index(const json_t *item)
{
	json_t *choices = json_object_get(item, "choices"), *c;
	json_t *ans = json_object_get(item, "answer");
	const char *a = json_string_value(ans);
	size_t i, n = json_array_size(choices);

	if (!n)
		return -1;
	if (json_is_integer(ans)) {
		json_int_t v = json_integer_value(ans);
		return v >= 0 && (size_t)v < n ? (int)v : -1;
	}
	if (!a)
		return -1;
	if (a[0] >= 'A' && a[0] <= 'Z' && (a[1] == '\0' || (a[1] == ')' && a[2] == '\0')) &&
	    (size_t)(a[0] - 'A') < n)
		return a[0] - 'A';
	json_array_foreach(choices, i, c)
		if (json_is_string(c) && !strcmp(json_string_value(c), a))
			return (int)i;
	return -1;
}

/* The answer as text: a string as it is, anything else as compact JSON. Caller frees. */
static char *answer_text(const json_t *item)
{
	const json_t *a = json_object_get(item, "answer");
	char *s;

	if (json_is_string(a))
		return ba_strdup(json_string_value(a));
	s = a ? json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	return s ? s : ba_strdup("");
}

int ba_export_choice_index(const json_t *item, ba_error *err)
{
	int idx = ba_export_answer_index(item);
	size_t n = json_array_size(json_object_get(item, "choices"));
	char *a;

	if (idx >= 0)
		return idx;
	a = answer_text(item);
	ba_error_set(err, BA_EINVAL,
		     "item %s: answer matches no option: '%.80s' is not a letter A-%c, an index 0-%zu or an option's exact text",
		     ba_json_str(item, "id", "?"), a, n > 26 ? 'Z' : (int)('A' + n - 1), n ? n - 1 : 0);
	free(a);
	return BA_EINVAL;
}

/* Where the pair of ba_score_yesno_words (the scorer's; the first is what
 * eval's instruction asks) is last named in q ("true or false", "true/false", any
 * case, the words whole), or -1. */
static long last_named(const char *q, size_t pair)
{
	const char *p, *pos = ba_score_yesno_words[pair][0], *neg = ba_score_yesno_words[pair][1];
	size_t lp = strlen(pos), ln = strlen(neg);
	long at = -1;

	for (p = q; *p; p++) {
		const char *r = p + lp;
		if (strncasecmp(p, pos, lp) || (p > q && isalpha((unsigned char)p[-1])))
			continue;
		if (!strncasecmp(r, " or ", 4))
			r += 4;
		else if (*r == '/')
			r++;
		else
			continue;
		if (!strncasecmp(r, neg, ln) && !isalpha((unsigned char)r[ln]))
			at = (long)(p - q);
	}
	return at;
}

int ba_export_binary_pair(const json_t *item)
{
	const char *q = ba_json_str(item, "question", "");
	long best = -1, at;
	size_t i;
	int pair = -1;

	for (i = 0; i < BA_SCORE_YESNO_PAIRS; i++)
		if ((at = last_named(q, i)) > best) {
			best = at;
			pair = (int)i;
		}
	return pair;
}

const char *ba_export_yes_no(int pair, int yes)
{
	return ba_score_yesno_words[pair < 0 || (size_t)pair >= BA_SCORE_YESNO_PAIRS ? 0 : pair][yes ? 0 : 1];
}

int ba_export_is_binary(const json_t *item)
{
	return !strcmp(ba_score_for(item)->name, "binary");
}

/* A binary key in the words the question asks for (yes/no when it names
 * none: what eval asks). Caller frees; NULL when the key is no yes/no word. */
static char *binary_key(const json_t *item, ba_error *err)
{
	const json_t *a = json_object_get(item, "answer");
	int v = json_is_boolean(a) ? json_is_true(a) : json_is_string(a) ? ba_score_yesno(json_string_value(a)) : -1;
	int pair = ba_export_binary_pair(item);
	char *s;

	if (v < 0) {
		s = answer_text(item);
		ba_error_set(err, BA_EINVAL, "item %s: binary answer '%.80s' is not yes/no (or true/false, correct/incorrect, "
					     "valid/invalid)", ba_json_str(item, "id", "?"), s);
		free(s);
		return NULL;
	}
	return ba_strdup(ba_export_yes_no(pair, v));
}

char *ba_export_key(const json_t *item, ba_error *err)
{
	int idx;

	if (json_array_size(json_object_get(item, "choices"))) {
		char l[2] = { 0, 0 };
		if ((idx = ba_export_choice_index(item, err)) < 0)
			return NULL;
		l[0] = (char)('A' + idx);
		return ba_strdup(l);
	}
	if (ba_export_is_binary(item))
		return binary_key(item, err);
	return answer_text(item);
}

int ba_export_put(ba_export_ctx *ctx, const char *name, const char *text, size_t len, ba_error *err)
{
	char *path = ba_path_join(ctx->out_dir, name), *dir = ba_path_dirname(path);
	int rc = ba_fs_mkdir_p(dir, err);

	if (rc == 0)
		rc = ba_fs_write_atomic(path, text, len, err);
	if (rc == 0)
		json_array_append_new(ctx->written, json_sprintf("%s/%s", ctx->final_dir, name));
	free(path);
	free(dir);
	return rc;
}

int ba_export_put_buf(ba_export_ctx *ctx, const char *name, const ba_buf *b, ba_error *err)
{
	if (ba_buf_status(b) != 0)
		return ba_error_set(err, BA_ELIMIT, "%s/%s: more than %zu MiB; not written", ctx->final_dir, name,
				    b->max >> 20);
	return ba_export_put(ctx, name, ba_buf_cstr(b), b->len, err);
}

/* One JSON line; a failure stays in b (ba_export_put_buf reports it). */
void ba_export_line(ba_buf *b, const json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	ba_buf_puts(b, s ? s : "null");
	ba_buf_puts(b, "\n");
	free(s);
}

char *ba_export_prompt(const json_t *item, int with_choices)
{
	ba_buf b = BA_BUF_INIT(64 << 20);
	const char *ctx = ba_json_str(item, "context", NULL);
	json_t *choices = json_object_get(item, "choices"), *c;
	size_t i;

	if (ctx && *ctx) {
		ba_buf_puts(&b, ctx);
		ba_buf_puts(&b, "\n\n");
	}
	ba_buf_puts(&b, ba_json_str(item, "question", ""));
	if (with_choices && json_array_size(choices)) {
		json_array_foreach(choices, i, c)
			ba_buf_printf(&b, "\n%c. %s", (char)('A' + i), json_is_string(c) ? json_string_value(c) : "");
	}
	/* a binary question that names no pair of answer words is asked for
	 * yes or no (eval's instruction), the words its key is exported in */
	if (!json_array_size(choices) && ba_export_is_binary(item) && ba_export_binary_pair(item) < 0)
		ba_buf_puts(&b, "\n\nAnswer yes or no.");
	return ba_buf_detach(&b);
}

char *ba_export_media_path(ba_export_ctx *ctx, const json_t *media)
{
	char *real = NULL;

	if (ba_fs_rel_inside(ctx->opts->bench_dir, ba_json_str(media, "path", NULL), &real, NULL) != 0)
		return NULL;
	return real;
}

int ba_export_copy_media(ba_export_ctx *ctx, const json_t *item, const json_t *media, const char *prefix,
			 char **rel, ba_error *err)
{
	const char *path = ba_json_str(media, "path", NULL);
	char *src = ba_export_media_path(ctx, media), *dst;
	ba_buf b = BA_BUF_INIT((size_t)256 << 20);
	int rc;

	*rel = NULL;
	if (!src)
		return ba_error_set(err, BA_EINVAL, "item %s: media '%s' is missing or outside the benchmark",
				    ba_json_str(item, "id", "?"), path ? path : "?");
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	dst = ba_asprintf("%s%s", prefix ? prefix : "", path);
	rc = ba_fs_read(src, &b, err);
	if (rc == 0) {
		char *full = ba_path_join(ctx->out_dir, dst);
		/* the same file for several items is copied once */
		if (!ba_fs_exists(full))
			rc = ba_export_put(ctx, dst, b.ptr ? b.ptr : "", b.len, err);
		free(full);
	}
	if (rc == 0)
		*rel = dst;
	else
		free(dst);
	ba_buf_free(&b);
	free(src);
	return rc;
}

char *ba_export_yaml_str(const char *s)
{
	json_t *j = json_string(s ? s : "");
	char *out = json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	json_decref(j);
	return out ? out : ba_strdup("\"\"");
}

/* Replace final by tmp (both directories): final moves aside, tmp takes its
 * name, the old copy is removed. A failure before the rename leaves final
 * as it was. */
static int swap_in(const char *tmp, const char *final, ba_error *err)
{
	char *old = ba_asprintf("%s.old-%ld", final, (long)getpid());
	int rc = 0, had = ba_fs_exists(final);

	ba_fs_rmtree(old, NULL);
	if (had && rename(final, old) != 0) {
		rc = ba_error_set(err, BA_EIO, "%s: cannot move the previous export aside: %s", final, strerror(errno));
		goto cleanup;
	}
	if (rename(tmp, final) != 0) {
		rc = ba_error_set(err, BA_EIO, "%s: cannot move the export into place: %s", final, strerror(errno));
		if (had)
			rename(old, final);
		goto cleanup;
	}
	if (had)
		ba_fs_rmtree(old, NULL);
cleanup:
	free(old);
	return rc;
}

/* One exporter. The default destination, <bench>/exports/<format>/, is
 * written in a temporary sibling folder and renamed into place only when
 * complete, so a failed or interrupted export never leaves a half-written
 * or stale mix. With -o DIR the files are written into DIR one by one. */
static int run_one(const ba_exporter *ex, const ba_export_opts *opts, const char *id, json_t *items,
		   json_t *written, ba_error *err)
{
	ba_export_ctx ctx;
	char *final = NULL, *tmp = NULL, *exports = NULL, *root = NULL;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	ctx.id = id;
	ctx.items = items;
	ctx.written = json_array();
	if (opts->out_dir) {
		if ((rc = ba_fs_mkdir_p(opts->out_dir, err)) != 0)
			goto cleanup;
		final = realpath(opts->out_dir, NULL);
		ctx.out_dir = final;
	} else {
		if (!(root = realpath(opts->bench_dir, NULL))) {
			rc = ba_error_set(err, BA_ENOTFOUND, "%s: cannot resolve: %s", opts->bench_dir, strerror(errno));
			goto cleanup;
		}
		exports = ba_path_join(root, "exports");
		if ((rc = ba_fs_mkdir_p(exports, err)) != 0)
			goto cleanup;
		final = ba_asprintf("%s/%s", exports, ex->name);
		tmp = ba_asprintf("%s/.%s.tmp-%ld", exports, ex->name, (long)getpid());
		ba_fs_rmtree(tmp, NULL);
		if ((rc = ba_fs_mkdir_p(tmp, err)) != 0)
			goto cleanup;
		ctx.out_dir = tmp;
	}
	if (!final) {
		rc = ba_error_set(err, BA_EIO, "%s: cannot resolve: %s", opts->out_dir, strerror(errno));
		goto cleanup;
	}
	ctx.final_dir = final;
	rc = ex->run(&ctx, err);
	if (rc == 0 && tmp)
		rc = swap_in(tmp, final, err);
	if (rc == 0)
		json_array_extend(written, ctx.written);
cleanup:
	if (rc)
		ba_error_prefix(err, "export %s: ", ex->name);
	if (tmp)
		ba_fs_rmtree(tmp, NULL);
	json_decref(ctx.written);
	free(final);
	free(tmp);
	free(exports);
	free(root);
	return rc;
}

/* "all": every format that applies; one that does not is skipped with a
 * warning (in opts->warnings) instead of stopping the others. */
static int run_formats(const char *format, const ba_export_opts *opts, const char *id, json_t *items,
		       json_t *files, ba_error *err)
{
	const ba_exporter *const *exporters = ba_exporters;
	int i, rc = 0, found = 0, all = !strcmp(format, "all");

	for (i = 0; exporters[i] && rc == 0; i++) {
		ba_export_ctx probe;
		char why[512] = "";

		if (!all && strcmp(format, exporters[i]->name))
			continue;
		found = 1;
		memset(&probe, 0, sizeof(probe));
		probe.opts = opts;
		probe.id = id;
		probe.items = items;
		if (exporters[i]->applies && exporters[i]->applies(&probe, why, sizeof(why)) != 0) {
			if (!all)
				return ba_error_set(err, BA_EINVAL, "export %s: %s", exporters[i]->name, why);
			if (json_is_array(opts->warnings))
				json_array_append_new(opts->warnings, json_sprintf("%s skipped: %s", exporters[i]->name, why));
			continue;
		}
		rc = run_one(exporters[i], opts, id, items, files, err);
	}
	if (!found && rc == 0)
		rc = ba_error_set(err, BA_EUSAGE, "unknown export format '%s' (%s, all)", format, ba_export_format_list());
	return rc;
}

int ba_export(const char *format, const ba_export_opts *opts, json_t **written, ba_error *err)
{
	json_t *items = json_array(), *manifest = NULL, *files = json_array();
	char *path, *id = NULL;
	int rc = 0;

	if (written)
		*written = NULL;
	path = ba_path_join(opts->bench_dir, "items.jsonl");
	if (!ba_fs_exists(path)) {
		rc = ba_error_set(err, BA_ENOTFOUND, "%s: no items.jsonl (is this a built benchmark folder?)", opts->bench_dir);
		goto cleanup;
	}
	if ((rc = ba_jsonl_foreach(path, add_item, items, err)) != 0)
		goto cleanup;
	free(path);
	path = NULL;
	manifest = ba_benchdir_manifest(opts->bench_dir);
	if (ba_benchdir_id(manifest))
		id = ba_path_sanitize(ba_benchdir_id(manifest));
	if (!id) {
		char real[PATH_MAX];
		const char *base = realpath(opts->bench_dir, real) ? strrchr(real, '/') : NULL;
		id = ba_path_sanitize(base ? base + 1 : "benchmark");
	}
	rc = run_formats(format, opts, id, items, files, err);
cleanup:
	if (rc == 0 && written)
		*written = json_incref(files);
	json_decref(files);
	json_decref(items);
	json_decref(manifest);
	free(path);
	free(id);
	return rc;
}
