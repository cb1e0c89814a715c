/*
 * benchout.c - the benchmark writer: out/<id>/ with items.jsonl, media/,
 * plan.json, manifest.json, README.md (dataset card with the Hugging Face
 * YAML header) and evaluation.json (the reference system's shape).
 *
 * Everything is written atomically and only inside outdir; media paths
 * come from items (untrusted), so they are rebuilt from the SHA-256 and
 * looked up in the store, never used as given.
 */
#define BA_LOG_MODULE "build"
#include "benchagent/benchout.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/log.h"
#include "benchagent/score.h"
#include "benchagent/sha256.h"

#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef BA_VERSION
#define BA_VERSION "0.1.0"
#endif

#define MEDIA_MAX (64u << 20)

static int is_hex64(const char *s)
{
	int i;

	if (!s || strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/* extension of a path: lower-case alnum, 1..8 chars, else NULL */
static const char *ext_of(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	size_t i, n;

	if (!dot || strchr(dot, '/'))
		return NULL;
	n = strlen(dot + 1);
	if (n == 0 || n > 8)
		return NULL;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)dot[1 + i]) && !isdigit((unsigned char)dot[1 + i]))
			return NULL;
	return dot + 1;
}

/* Copy one media entry into outdir/media and rewrite its path. */
static int copy_media(const char *outdir, json_t *m, ba_store *st, const char *item_id, ba_error *err)
{
	const char *sha = ba_json_str(m, "sha256", NULL), *path = ba_json_str(m, "path", NULL), *ext;
	char *rel = NULL, *dst = NULL, *src = NULL;
	ba_buf b = BA_BUF_INIT(MEDIA_MAX);
	int rc = 0;

	if (!is_hex64(sha))
		return ba_error_set(err, BA_EINVAL, "item %s: a media entry has no valid sha256", item_id);
	ext = ext_of(path);
	if (!ext)
		ext = "bin";
	rel = ba_asprintf("media/%s.%s", sha, ext);
	dst = ba_path_join(outdir, rel);
	if (!ba_fs_exists(dst)) {
		char got[65];
		if (!st) {
			rc = ba_error_set(err, BA_EINVAL, "item %s: media %.12s needs the workspace store", item_id, sha);
			goto out;
		}
		src = ba_media_path(st, sha);
		if (!src) {
			rc = ba_error_set(err, BA_ENOTFOUND, "item %s: media %.12s is not in the workspace store", item_id, sha);
			goto out;
		}
		if ((rc = ba_fs_read(src, &b, err)) != 0)
			goto out;
		ba_sha256_hex(b.ptr ? b.ptr : "", b.len, got);
		if (strcmp(got, sha)) {
			rc = ba_error_set(err, BA_EIO, "item %s: media file %s does not match its sha256", item_id, src);
			goto out;
		}
		if ((rc = ba_fs_write_atomic(dst, b.ptr ? b.ptr : "", b.len, err)) != 0)
			goto out;
	}
	json_object_set_new(m, "path", json_string(rel));
	json_object_del(m, "bytes");
out:
	ba_buf_free(&b);
	free(rel);
	free(dst);
	free(src);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Deep copy with a stable key order: the keys in `first` (top level
 * only) in that order, then every other key sorted, recursively. Items
 * and plans reach the writer either fresh or re-read from the store
 * (canonical, sorted), and both must give the same bytes. */
static json_t *ordered(const json_t *j, const char *const *first)
{
	if (json_is_object(j)) {
		json_t *o = json_object(), *v;
		const char *k, **keys;
		size_t n = json_object_size(j), i = 0, f;

		for (f = 0; first && first[f]; f++)
			if ((v = json_object_get(j, first[f])) != NULL)
				json_object_set_new(o, first[f], ordered(v, NULL));
		keys = calloc(n + 1, sizeof(*keys));
		json_object_foreach((json_t *)j, k, v)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), cmp_str);
		for (i = 0; i < n; i++)
			if (!json_object_get(o, keys[i]))
				json_object_set_new(o, keys[i], ordered(json_object_get(j, keys[i]), NULL));
		free(keys);
		return o;
	}
	if (json_is_array(j)) {
		json_t *a = json_array(), *v;
		size_t i;
		json_array_foreach(j, i, v)
			json_array_append_new(a, ordered(v, NULL));
		return a;
	}
	return json_deep_copy(j);
}

static const char *const item_order[] = { "id", "subtask", "question", "context", "choices", "answer",
	"answer_text", "answer_type", "media", "explanation", "difficulty", "source", "provenance", "qc",
	"metadata", NULL };
static const char *const plan_order[] = { "version", "query", "analysis", "subtasks", "sources",
	"groundings", "quotas", "rationale", "history", "mock", NULL };

/* The answer as the reference writes it: a string; yes/no for binary. */
static json_t *reference_answer(const json_t *item)
{
	json_t *ans = json_object_get(item, "answer");
	const char *type = ba_json_str(item, "answer_type", "");
	char *s;
	json_t *out;

	if (!strcmp(type, "binary")) {
		/* a string key by the scorer's one yes/no policy (score.h) */
		int yn = json_is_string(ans) ? ba_score_yesno(json_string_value(ans)) : -1;
		int yes = json_is_true(ans) || (json_is_integer(ans) && json_integer_value(ans) == 1) || yn == 1;
		int no = json_is_false(ans) || (json_is_integer(ans) && json_integer_value(ans) == 0) || yn == 0;
		if (yes || no)
			return json_string(yes ? "yes" : "no");
	}
	if (json_is_string(ans))
		return json_incref(ans);
	s = ba_json_dumps(ans, JSON_ENCODE_ANY);
	out = json_string(s ? s : "");
	free(s);
	return out;
}

json_t *ba_benchout_reference_item(const json_t *item)
{
	json_t *o = json_object(), *in = json_object(), *src = json_object_get(item, "source");
	json_t *media = json_object_get(item, "media"), *imgs = json_array(), *auds = json_array(), *m, *c;
	json_t *choices = json_object_get(item, "choices"), *idx = json_object_get(src, "index");
	const char *ctx = ba_json_str(item, "context", NULL), *did = ba_json_str(src, "dataset_id", NULL);
	ba_buf q = BA_BUF_INIT(64u << 20);
	size_t i;

	json_object_set_new(o, "subtask_id", json_string(ba_json_str(item, "subtask", "")));
	if (did)
		json_object_set_new(o, "dataset_id", json_string(did));
	else
		json_object_set_new(o, "dataset_id", json_sprintf("generator:%s", ba_json_str(src, "generator", "")));
	json_object_set_new(o, "idx", json_is_integer(idx) ? json_incref(idx) : json_integer(-1));
	json_object_set_new(o, "id", json_string(ba_json_str(src, "sample_id", ba_json_str(item, "id", ""))));
	/* options are written into the question; the answer stays the letter */
	ba_buf_puts(&q, ba_json_str(item, "question", ""));
	if (json_array_size(choices)) {
		ba_buf_puts(&q, "\nOptions:");
		json_array_foreach(choices, i, c)
			ba_buf_printf(&q, "\n%c) %s", (char)('A' + i), json_is_string(c) ? json_string_value(c) : "");
	}
	json_object_set_new(in, "question", json_string(ba_buf_cstr(&q)));
	ba_buf_free(&q);
	if (ctx && *ctx)
		json_object_set_new(in, "context", json_string(ctx));
	json_array_foreach(media, i, m)
		json_array_append(!strcmp(ba_json_str(m, "type", ""), "audio") ? auds : imgs, json_object_get(m, "path"));
	/* one file: a string; several: a list (as the reference's list-style fields) */
	if (json_array_size(imgs))
		json_object_set(in, "image_url", json_array_size(imgs) == 1 ? json_array_get(imgs, 0) : imgs);
	if (json_array_size(auds))
		json_object_set(in, "audio_url", json_array_size(auds) == 1 ? json_array_get(auds, 0) : auds);
	json_decref(imgs);
	json_decref(auds);
	json_object_set_new(o, "sample", json_pack("{s:o,s:{s:o}}", "input", in, "output", "answer",
						   reference_answer(item)));
	return o;
}

/* Count an item under its plan source id: "ds:<dataset_id>" or "gen:<generator>". */
static void count_source(json_t *per_src, const json_t *src)
{
	const char *did = ba_json_str(src, "dataset_id", NULL), *gen = ba_json_str(src, "generator", NULL);
	char *key;

	if (!did && !gen)
		return;
	key = did ? ba_asprintf("ds:%s", did) : ba_asprintf("gen:%s", gen);
	json_object_set_new(per_src, key, json_integer(ba_json_int(per_src, key, 0) + 1));
	free(key);
}

/* Markdown-safe copy of untrusted text: no raw HTML, no table breaks. */
static void md_text(ba_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': ba_buf_puts(b, "&lt;"); break;
		case '>': ba_buf_puts(b, "&gt;"); break;
		case '&': ba_buf_puts(b, "&amp;"); break;
		case '|': ba_buf_puts(b, "\\|"); break;
		case '\n': ba_buf_puts(b, " "); break;
		default: ba_buf_append(b, s, 1);
		}
	}
}

static const char *size_category(size_t n)
{
	if (n < 1000)
		return "n<1K";
	if (n < 10000)
		return "1K<n<10K";
	if (n < 100000)
		return "10K<n<100K";
	return "100K<n<1M";
}

static char *readme_text(const json_t *query, const json_t *plan, const json_t *manifest)
{
	ba_buf b = BA_BUF_INIT(4u << 20);
	const char *id = ba_json_str(query, "id", "benchmark");
	json_t *st, *v, *q = json_string(id);
	char *qs = json_dumps(q, JSON_ENCODE_ANY);
	const char *k;
	size_t i;
	int image = 0;

	json_array_foreach(ba_json_path(plan, "analysis.modalities"), i, v)
		if (!strcmp(json_string_value(v), "image"))
			image = 1;
	/* YAML header: values that come from users are JSON strings, which YAML reads verbatim */
	ba_buf_printf(&b, "---\nconfigs:\n- config_name: default\n  data_files:\n  - split: test\n    path: items.jsonl\n"
		      "pretty_name: %s\nsize_categories:\n- %s\ntask_categories:\n- %s\nlanguage:\n- en\n"
		      "tags:\n- benchagent\n- verified\n---\n\n",
		      qs, size_category((size_t)ba_json_int(manifest, "item_count", 0)),
		      image ? "visual-question-answering" : "question-answering");
	free(qs);
	json_decref(q);
	ba_buf_puts(&b, "# ");
	md_text(&b, id);
	ba_buf_puts(&b, "\n\n");
	md_text(&b, ba_json_str(query, "description", ""));
	ba_buf_printf(&b, "\n\n%lld verified items (requested %lld), built by benchagent %s%s.\n\n",
		      ba_json_int(manifest, "item_count", 0), ba_json_int(query, "target_size", 0), BA_VERSION,
		      ba_json_bool(plan, "mock", 0) ? " with the offline mock provider" : "");
	ba_buf_puts(&b, "## Subtasks\n\n| id | name | answer type | items | description |\n| --- | --- | --- | --- | --- |\n");
	json_array_foreach(json_object_get(plan, "subtasks"), i, st) {
		const char *sid = ba_json_str(st, "id", "");
		ba_buf_puts(&b, "| ");
		md_text(&b, sid);
		ba_buf_puts(&b, " | ");
		md_text(&b, ba_json_str(st, "name", ""));
		ba_buf_puts(&b, " | ");
		md_text(&b, ba_json_str(st, "answer_type", ""));
		ba_buf_printf(&b, " | %lld | ", ba_json_int(json_object_get(manifest, "counts_per_subtask"), sid, 0));
		md_text(&b, ba_json_str(st, "description", ""));
		ba_buf_puts(&b, " |\n");
	}
	ba_buf_puts(&b, "\n## How the items were made and checked\n\n");
	/* only the sources that produced accepted items, with their counts */
	json_array_foreach(json_object_get(plan, "sources"), i, st) {
		long long used = ba_json_int(json_object_get(manifest, "counts_per_source"), ba_json_str(st, "id", ""), 0);
		if (used <= 0)
			continue;
		ba_buf_puts(&b, "- source `");
		md_text(&b, ba_json_str(st, "id", ""));
		ba_buf_puts(&b, "` (");
		md_text(&b, ba_json_str(st, "kind", ""));
		ba_buf_printf(&b, "): %lld items\n", used);
	}
	ba_buf_puts(&b, "\nChecks (passed / total):\n\n");
	json_object_foreach(json_object_get(manifest, "acceptance"), k, v) {
		ba_buf_puts(&b, "- ");
		md_text(&b, k);
		ba_buf_printf(&b, ": %lld / %lld (%.1f%%)\n", ba_json_int(v, "passed", 0), ba_json_int(v, "total", 0),
			      ba_json_num(v, "rate", 0) * 100);
	}
	ba_buf_puts(&b, "\nEvery item records how it was made in `source` and `provenance`. Items from a generator "
		        "come from a sandboxed Lua program with an exact answer: (generator, seed, difficulty) "
		        "reproduces the item.\n\n");
	ba_buf_puts(&b, "## Files\n\n| file | what |\n| --- | --- |\n"
		        "| items.jsonl | one item per line |\n| media/ | images the items reference, named by SHA-256 |\n"
		        "| plan.json | the plan the items were built from |\n"
		        "| manifest.json | counts, acceptance per check, cost, models, seeds, versions |\n"
		        "| evaluation.json | the items in the reference system's evaluation.json shape |\n\n");
	ba_buf_puts(&b, "## Fields\n\n`id`, `subtask`, `question`, optional `context`, optional `choices` (then "
		        "`answer` is the option's capital letter and `answer_text` its text), `answer`, `answer_type` "
		        "(choice, short, numeric, binary, span, label, open), optional `media` [{type, path, sha256}], "
		        "`explanation`, `difficulty` (1..5), `source`, `provenance`, `qc`.\n\n");
	ba_buf_puts(&b, "## Use\n\n```python\nfrom datasets import load_dataset\n"
		        "ds = load_dataset(\"json\", data_files={\"test\": \"items.jsonl\"})[\"test\"]\n```\n");
	return ba_buf_detach(&b);
}

static int write_text(const char *outdir, const char *name, const char *text, ba_error *err)
{
	char *p = ba_path_join(outdir, name);
	int rc = ba_fs_write_atomic(p, text, strlen(text), err);
	free(p);
	return rc;
}

/* After a rebuild whose items differ from the folder's previous items:
 * exports/ (derived from the old items) is removed; versions/ (refreshed
 * versions of the old items, with their evaluation history) is kept but
 * moved aside to versions.stale-<first 12 hex of the old items' sha256>,
 * so neither is mistaken for the new benchmark's. */
static void clear_stale(const char *outdir, const char *old_sha)
{
	char *ex = ba_path_join(outdir, "exports"), *vs = ba_path_join(outdir, "versions"), *aside;

	if (ba_fs_exists(ex) && ba_fs_rmtree(ex, NULL) == 0)
		BA_WARN("%s: removed: exports of the previous items (run `benchagent export` again)", ex);
	aside = ba_asprintf("%s.stale-%.12s", vs, old_sha);
	if (ba_fs_exists(vs) && !ba_fs_exists(aside) && rename(vs, aside) == 0)
		BA_WARN("%s: versions of the previous items moved to %s", vs, aside);
	free(aside);
	free(ex);
	free(vs);
}

static void file_hash(const char *outdir, const char *name, json_t *files)
{
	char *p = ba_path_join(outdir, name), sha[65];
	ba_buf b = BA_BUF_INIT(1u << 30);

	if (ba_fs_read(p, &b, NULL) == 0) {
		ba_sha256_hex(b.ptr ? b.ptr : "", b.len, sha);
		json_object_set_new(files, name, json_string(sha));
	}
	ba_buf_free(&b);
	free(p);
}

/* The manifest: counts (steals per_sub, per_diff, per_type, per_src), the
 * build's extra fields, cost per item and acceptance rate per check. */
static json_t *manifest_of(const json_t *query, const json_t *out_items, json_t *per_sub, json_t *per_diff,
			   json_t *per_type, json_t *per_src, const json_t *manifest_extra)
{
	json_t *manifest, *acc, *v;
	const char *k;

	manifest = json_pack("{s:s,s:i,s:s,s:i,s:i,s:o,s:o,s:o}", "benchmark_id", ba_json_str(query, "id", ""),
			     "format_version", 1, "benchagent_version", BA_VERSION,
			     "target_size", (json_int_t)ba_json_int(query, "target_size", 0),
			     "item_count", (json_int_t)json_array_size(out_items), "counts_per_subtask", per_sub,
			     "counts_per_difficulty", per_diff, "counts_per_answer_type", per_type);
	json_object_set_new(manifest, "counts_per_source", per_src);
	json_object_set_new(manifest, "cost_usd", json_real(0));
	json_object_set_new(manifest, "models", json_array());
	if (json_is_object(manifest_extra))
		json_object_update(manifest, (json_t *)manifest_extra);
	/* what one accepted item cost (the build's model spend over its items) */
	json_object_set_new(manifest, "cost_per_item_usd",
			    json_array_size(out_items) ? json_real(ba_json_num(manifest, "cost_usd", 0) /
								   (double)json_array_size(out_items))
						       : json_null());
	/* acceptance rate per check from {passed, total} */
	acc = json_object();
	json_object_foreach(json_object_get(manifest, "checks"), k, v) {
		json_int_t p = (json_int_t)ba_json_int(v, "passed", 0), t = (json_int_t)ba_json_int(v, "total", 0);
		json_object_set_new(acc, k, json_pack("{s:I,s:I,s:f}", "passed", p, "total", t, "rate",
						      t ? (double)p / (double)t : 1.0));
	}
	json_object_set_new(manifest, "acceptance", acc);
	return manifest;
}

/* A build that made nothing never replaces a benchmark that has items:
 * the folder keeps everything an earlier build wrote (the build itself
 * says it made nothing and exits 1). Returns 1 when the write is skipped. */
static int keeps_earlier_items(const char *outdir, const json_t *items)
{
	char *path;
	struct stat sb;
	int had;

	if (json_array_size(items) > 0)
		return 0;
	path = ba_path_join(outdir, "items.jsonl");
	had = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
	free(path);
	if (had)
		BA_WARN("benchmark writer: no items made; %s keeps the items of the earlier build", outdir);
	return had;
}

int ba_benchout_write(const char *outdir, const json_t *query, const json_t *plan,
		      const json_t *items, const json_t *manifest_extra, ba_store *st,
		      ba_error *err)
{
	ba_buf lines = BA_BUF_INIT((size_t)2 << 30);
	json_t *out_items = json_array(), *evals = json_array(), *it, *names = json_object();
	json_t *per_sub = json_object(), *per_diff = json_object(), *per_type = json_object();
	json_t *per_src = json_object();
	json_t *manifest = NULL, *files = json_object(), *v;
	char *media_dir = NULL, *text = NULL, *old_sha = NULL;
	const char *k;
	size_t i, j;
	int rc = 0;

	if (!outdir || !json_is_object(query) || !json_is_array(items)) {
		rc = ba_error_set(err, BA_EINVAL, "benchmark writer: needs an output folder, a query and an item list");
		goto out;
	}
	if (keeps_earlier_items(outdir, items))
		goto out;
	media_dir = ba_path_join(outdir, "media");
	if ((rc = ba_fs_mkdir_p(outdir, err)) != 0 || (rc = ba_fs_mkdir_p(media_dir, err)) != 0)
		goto out;
	json_array_foreach(json_object_get(plan, "subtasks"), i, v)
		json_object_set(names, ba_json_str(v, "id", ""), json_object_get(v, "name"));

	json_array_foreach(items, i, it) {
		json_t *copy, *m;
		const char *iid = ba_json_str(it, "id", NULL);
		char *line, dkey[16];

		if (!json_is_object(it) || !iid || !json_is_string(json_object_get(it, "question"))) {
			rc = ba_error_set(err, BA_EINVAL, "benchmark writer: items[%zu] needs an id and a question", i);
			goto out;
		}
		copy = ordered(it, item_order);
		json_array_foreach(json_object_get(copy, "media"), j, m) {
			if ((rc = copy_media(outdir, m, st, iid, err)) != 0) {
				json_decref(copy);
				goto out;
			}
		}
		line = ba_json_dumps(copy, JSON_COMPACT);
		if (ba_buf_puts(&lines, line) != 0 || ba_buf_puts(&lines, "\n") != 0) {
			free(line);
			json_decref(copy);
			rc = ba_error_set(err, BA_ELIMIT, "benchmark writer: items.jsonl larger than 2 GiB");
			goto out;
		}
		free(line);
		k = ba_json_str(copy, "subtask", "");
		json_object_set_new(per_sub, k, json_integer(ba_json_int(per_sub, k, 0) + 1));
		snprintf(dkey, sizeof(dkey), "%lld", ba_json_int(copy, "difficulty", 0));
		json_object_set_new(per_diff, dkey, json_integer(ba_json_int(per_diff, dkey, 0) + 1));
		k = ba_json_str(copy, "answer_type", "?");
		json_object_set_new(per_type, k, json_integer(ba_json_int(per_type, k, 0) + 1));
		count_source(per_src, json_object_get(copy, "source"));
		if (json_object_get(names, ba_json_str(copy, "subtask", "")))
			json_object_set(copy, "subtask_name", json_object_get(names, ba_json_str(copy, "subtask", "")));
		json_array_append_new(evals, ba_benchout_reference_item(copy));
		json_array_append_new(out_items, copy);
	}
	{
		json_t *prev = json_object();
		file_hash(outdir, "items.jsonl", prev);
		if (ba_json_str(prev, "items.jsonl", NULL))
			old_sha = ba_strdup(ba_json_str(prev, "items.jsonl", NULL));
		json_decref(prev);
	}
	if ((rc = write_text(outdir, "items.jsonl", ba_buf_cstr(&lines), err)) != 0)
		goto out;
	text = ba_json_dumps(evals, JSON_INDENT(2));
	if ((rc = write_text(outdir, "evaluation.json", text, err)) != 0)
		goto out;
	free(text);
	text = NULL;
	if (plan) {
		char *pp = ba_path_join(outdir, "plan.json");
		json_t *po = ordered(plan, plan_order);
		rc = ba_json_write_file(pp, po, err);
		json_decref(po);
		free(pp);
		if (rc)
			goto out;
	}

	manifest = manifest_of(query, out_items, per_sub, per_diff, per_type, per_src, manifest_extra);
	per_sub = per_diff = per_type = per_src = NULL;
	file_hash(outdir, "items.jsonl", files);
	if (old_sha && strcmp(old_sha, ba_json_str(files, "items.jsonl", "")))
		clear_stale(outdir, old_sha);
	file_hash(outdir, "evaluation.json", files);
	if (plan)
		file_hash(outdir, "plan.json", files);
	json_object_set_new(manifest, "files", files);
	files = NULL;
	{
		json_t *empty = json_object();
		text = readme_text(query, plan ? plan : empty, manifest);
		json_decref(empty);
	}
	if ((rc = write_text(outdir, "README.md", text, err)) != 0)
		goto out;
	{
		char *mp = ba_path_join(outdir, "manifest.json");
		rc = ba_json_write_file(mp, manifest, err);
		free(mp);
	}
out:
	ba_buf_free(&lines);
	json_decref(out_items);
	json_decref(evals);
	json_decref(names);
	json_decref(per_sub);
	json_decref(per_diff);
	json_decref(per_type);
	json_decref(per_src);
	json_decref(manifest);
	json_decref(files);
	free(media_dir);
	free(text);
	free(old_sha);
	return rc;
}
