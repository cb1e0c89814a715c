/*
 * draft.c - a unit's first draft from its source: a dataset sample (role
 * fields -> question/context/choices/answer/image) or a generator item.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MEDIA_MAX (32u << 20)

/* A field value as text: strings as they are, arrays of strings joined by
 * sep, arrays of dialogue turns as "speaker: text" lines, anything else as
 * compact JSON. Caller frees; NULL for null/absent. */
static char *as_text(const json_t *v, const char *sep)
{
	ba_buf b = BA_BUF_INIT(4 << 20);
	size_t i;
	json_t *e;

	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return ba_strdup(json_string_value(v));
	if (json_is_number(v)) {
		char *s = ba_json_canonical(v);
		return s;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			char *t = NULL;
			if (json_is_object(e) && (json_object_get(e, "text") || json_object_get(e, "utterance")))
				t = ba_asprintf("%s: %s",
						ba_json_str(e, "speaker", ba_json_str(e, "role", "Speaker")),
						ba_json_str(e, "text", ba_json_str(e, "utterance", "")));
			else
				t = as_text(e, sep);
			if (t && *t)
				ba_buf_printf(&b, "%s%s", b.len ? sep : "", t);
			free(t);
		}
		return ba_buf_detach(&b);
	}
	return ba_json_canonical(v);
}

static const char *role_alias(const json_t *f, const char *const *names)
{
	for (; *names; names++)
		if (json_object_get(f, *names))
			return *names;
	return NULL;
}

static char *answer_of(const json_t *fields)
{
	json_t *a = json_object_get(fields, "answer");

	if (json_is_array(a) && json_array_size(a) > 0 && json_is_string(json_array_get(a, 0)))
		return ba_strdup(json_string_value(json_array_get(a, 0)));
	return as_text(a, " ");
}

static json_t *choices_of(const json_t *fields)
{
	static const char *const names[] = { "options", "choices", NULL };
	const char *r = role_alias(fields, names);
	json_t *v = r ? json_object_get(fields, r) : NULL, *out, *e;
	size_t i;

	if (!json_is_array(v) || json_array_size(v) < 2)
		return NULL;
	out = json_array();
	json_array_foreach(v, i, e) {
		char *t = as_text(e, " ");
		json_array_append_new(out, json_string(t ? t : ""));
		free(t);
	}
	return out;
}

static const char *ext_of(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash) || strlen(dot + 1) > 5)
		return "bin";
	return dot + 1;
}

/* "None of the above" and its kin are never options (docs/verification.md):
 * not material for distractors either. */
static int no_option(const char *txt)
{
	static const char *p[] = { "none of the above", "all of the above", "none of these", "all of these",
				   "none of them", "all of them", NULL };
	char *n = ba_verify_normalize(txt);
	int i, r = 0;
	for (i = 0; p[i] && !r; i++)
		r = !strcmp(n, p[i]);
	free(n);
	return r;
}

/* Answers of nearby samples of the same dataset: material for distractors. */
static json_t *answer_pool(const json_t *samples, const size_t *order, size_t n, size_t pos,
			   const char *answer)
{
	json_t *pool = json_array();
	size_t k;

	/* up to 40 values from the next 500 samples in the source's order */
	for (k = 1; k < n && k <= 500 && json_array_size(pool) < 40; k++) {
		const json_t *s = json_array_get(samples, order[(pos + k) % n]);
		json_t *f = json_object_get(s, "fields"), *ch = choices_of(f), *e;
		char *a = answer_of(f);
		const char *txt = a;
		size_t i;
		int dup = 0;

		if (a && ch) {
			int li = ba_letter_index(a);
			if (li >= 0 && (size_t)li < json_array_size(ch))
				txt = json_string_value(json_array_get(ch, (size_t)li));
		}
		if (txt && *txt && strlen(txt) < 200 && (!answer || strcmp(txt, answer) != 0) && !no_option(txt)) {
			json_array_foreach(pool, i, e)
				dup |= strcmp(json_string_value(e), txt) == 0;
			if (!dup)
				json_array_append_new(pool, json_string(txt));
		}
		free(a);
		json_decref(ch);
	}
	return pool;
}

/* The sample's other media roles (an audio track, a second image): media
 * of their own type, never text; a file not found is kept missing so
 * verification rejects the item. */
static void add_media_extra(ba_exec_ctx *x, const json_t *s, json_t *media)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(s, "media_extra"), i, e) {
		const char *path = ba_json_str(e, "path", NULL), *type = ba_json_str(e, "type", "image");
		ba_buf b = BA_BUF_INIT(MEDIA_MAX);
		char sha[65], *rel = NULL;
		if (path && x->st && ba_fs_read(path, &b, NULL) == 0 &&
		    ba_media_put(x->st, b.ptr, b.len, ext_of(path), NULL, sha, &rel, NULL) == 0)
			json_array_append_new(media, json_pack("{s:s, s:s, s:s}", "type", type, "path", rel, "sha256", sha));
		else if (x->dry && path && access(path, R_OK) == 0)
			json_array_append_new(media, json_pack("{s:s, s:s}", "type", type, "path", "(dry)"));
		else
			json_array_append_new(media, json_pack("{s:s, s:s?, s:b}", "type", type, "ref",
							       ba_json_str(e, "ref", NULL), "missing", 1));
		free(rel);
		ba_buf_free(&b);
	}
}

/* The subtask's schema names a context without '?' (not optional). */
static int requires_context(const json_t *subtask)
{
	const json_t *v = json_object_get(json_object_get(subtask, "schema"), "context");
	const char *t = json_string_value(v);

	return v && !(t && *t && t[strlen(t) - 1] == '?');
}

/* The sample's image (copied into the store), a dry run's placeholder, or
 * an entry marked missing so verification rejects the item. */
static void add_image(ba_exec_ctx *x, const json_t *s, json_t *media)
{
	const char *path = ba_json_str(s, "image", NULL);
	ba_buf b = BA_BUF_INIT(MEDIA_MAX);
	char sha[65], *rel = NULL;

	if (!json_object_get(s, "image"))
		return;
	if (path && x->st && ba_fs_read(path, &b, NULL) == 0 &&
	    ba_media_put(x->st, b.ptr, b.len, ext_of(path), NULL, sha, &rel, NULL) == 0) {
		json_array_append_new(media, json_pack("{s:s, s:s, s:s}", "type", "image", "path",
						       rel, "sha256", sha));
	} else if (x->dry && path && access(path, R_OK) == 0) {
		/* a dry run (feasibility) copies nothing: the file is there */
		json_array_append_new(media, json_pack("{s:s, s:s}", "type", "image", "path", "(dry)"));
	} else {
		/* kept so verification rejects the item for its missing image */
		json_array_append_new(media, json_pack("{s:s, s:s?, s:b}", "type", "image", "ref",
						       ba_json_str(s, "image_ref", NULL), "missing", 1));
	}
	free(rel);
	ba_buf_free(&b);
}

static int dataset_draft(ba_exec_ctx *x, const json_t *unit, const json_t *ds, long pos,
			 json_t **draft, ba_error *err)
{
	const json_t *samples = json_object_get(ds, "samples"), *s, *f;
	const json_t *subtask = ba_exec_plan_subtask(x->plan, ba_json_str(unit, "subtask", ""));
	size_t n = json_array_size(samples), *order;
	static const char *const qn[] = { "question", NULL };
	static const char *const cn[] = { "context", "dialog", "passage", NULL };
	char *q = NULL, *c = NULL, *a = NULL;
	json_t *d, *choices, *media = json_array(), *img;
	const char *atext = NULL;
	size_t i;

	order = ba_exec_sample_order(ba_json_str(unit, "source", ""), n, x->seed);
	s = json_array_get(samples, order[pos]);
	f = json_object_get(s, "fields");
	if (role_alias(f, qn))
		q = as_text(json_object_get(f, "question"), " ");
	if (role_alias(f, cn))
		c = as_text(json_object_get(f, role_alias(f, cn)), "\n");
	a = answer_of(f);
	img = json_object_get(f, "image");
	/* a context that is only the image reference or the question is no context */
	if (c && ((json_is_string(img) && strcmp(c, json_string_value(img)) == 0) ||
		  (q && strcmp(c, q) == 0))) {
		free(c);
		c = NULL;
	}
	/* no question: the material is the question, unless the subtask
	 * requires a context (then it stays one; question_rewrite asks) */
	if ((!q || !*q) && c && !requires_context(subtask)) {
		free(q);
		q = c;
		c = NULL;
	}
	choices = choices_of(f);
	if (!choices && a && c) {
		/* an answer that lists relation triples: one fact of the dialogue asked */
		char *fq;
		json_t *fc;
		if (ba_exec_relation_fact(a, c, x->seed + (uint64_t)ba_json_int(s, "index", 0), &fq, &fc)) {
			free(q);
			q = fq;
			free(a);
			if (!strcmp(ba_json_str(subtask, "answer_type", ""), "choice")) {
				choices = fc;
				a = ba_strdup("A");
			} else {
				a = ba_strdup(json_string_value(json_array_get(fc, 0)));
				json_decref(fc);
			}
		}
	}
	if (!choices && q && ba_letter_index(a) >= 0) {
		char *stem;
		json_t *inl;
		if (ba_exec_lettered_options(q, &stem, &inl) && (size_t)ba_letter_index(a) < json_array_size(inl)) {
			free(q);
			q = stem;
			choices = inl;
		} else if (inl) {
			free(stem);
			json_decref(inl);
		}
	}
	if (!choices && q && a && !strcmp(ba_json_str(subtask, "answer_type", ""), "choice")) {
		char *stem;
		json_t *labels;
		if (ba_exec_listed_labels(q, a, &stem, &labels)) {
			free(q);
			q = stem;
			choices = labels;
			for (i = 0; i < json_array_size(labels); i++)
				if (!strcmp(json_string_value(json_array_get(labels, i)), a))
					break;
			free(a);
			a = ba_asprintf("%c", (char)('A' + i));
		}
	}
	d = json_pack("{s:s, s:s, s:s}", "question", q ? q : "", "answer", a ? a : "", "answer_type",
		      ba_json_str(subtask, "answer_type", "short"));
	if (c && *c)
		json_object_set_new(d, "context", json_string(c));
	if (choices) {
		int li = ba_letter_index(a);
		json_object_set_new(d, "choices", choices);
		if (li >= 0 && (size_t)li < json_array_size(choices))
			json_object_set(d, "answer_text", json_array_get(choices, (size_t)li));
	}
	atext = ba_draft_answer_text(d);
	add_image(x, s, media);
	add_media_extra(x, s, media);
	json_object_set_new(d, "media", media);
	json_object_set_new(d, "difficulty", json_integer(ba_json_int(unit, "difficulty", 3)));
	json_object_set_new(d, "source",
			    json_pack("{s:s, s:s, s:s}", "kind", "dataset", "dataset_id",
				      ba_json_str(ds, "dataset_id", ""), "sample_id",
				      ba_json_str(s, "sample_id", "")));
	if (json_is_integer(json_object_get(s, "index"))) /* the sample's position in its source */
		json_object_set(json_object_get(d, "source"), "index", json_object_get(s, "index"));
	json_object_set_new(d, "aux", json_pack("{s:o}", "answer_pool",
						answer_pool(samples, order, n, (size_t)pos, atext)));
	free(q);
	free(c);
	free(a);
	free(order);
	*draft = d;
	(void)err;
	return 0;
}

int ba_exec_unit_draft(ba_exec_ctx *x, const json_t *unit, json_t **draft, json_t **srcinfo,
		       ba_error *err)
{
	const char *srcid = ba_json_str(unit, "source", "");
	const json_t *src = ba_exec_plan_source(x->plan, srcid);
	long pos, cap;
	int rc;

	*draft = NULL;
	*srcinfo = NULL;
	if (ba_exec_source_is_generator(src))
		return ba_exec_gen_draft(x, NULL, unit, draft, srcinfo, err);
	{
		const char *dsid = ba_json_str(src, "dataset_id", NULL);
		json_t *ds;
		if (!dsid)
			return ba_error_set(err, BA_EINVAL, "plan: source %s: dataset_id missing", srcid);
		char *ck = ba_asprintf("%s|%s", srcid, ba_json_str(unit, "subtask", ""));
		ds = json_object_get(x->datasets, ck);
		if (!ds) {
			const json_t *g = ba_exec_plan_grounding(x->plan, ba_json_str(unit, "subtask", ""), srcid);
			rc = ba_exec_dataset_load((const char *const *)x->cfg->pools, x->cfg->npools, dsid,
						  json_object_get(g, "field_map"), &ds, err);
			if (rc != 0) {
				free(ck);
				return rc;
			}
			json_object_set_new(x->datasets, ck, ds);
		}
		free(ck);
		cap = (long)json_array_size(json_object_get(ds, "samples"));
		if (json_is_integer(json_object_get(src, "capacity")) &&
		    ba_json_int(src, "capacity", cap) < cap)
			cap = (long)ba_json_int(src, "capacity", cap);
		if (json_is_integer(json_object_get(x->slot_pos, ba_json_str(unit, "slot", "")))) {
			/* the slot had a sample under an earlier recipe: keep it */
			pos = (long)json_integer_value(json_object_get(x->slot_pos, ba_json_str(unit, "slot", "")));
		} else {
			pos = (long)ba_json_int(x->src_cursor, srcid, 0);
			if (pos >= cap) {
				*srcinfo = json_pack("{s:s, s:b}", "kind", "dataset", "exhausted", 1);
				return 0;
			}
			json_object_set_new(x->src_cursor, srcid, json_integer(pos + 1));
			json_object_set_new(x->slot_pos, ba_json_str(unit, "slot", ""), json_integer(pos));
		}
		rc = dataset_draft(x, unit, ds, pos, draft, err);
		*srcinfo = json_pack("{s:s, s:I}", "kind", "dataset", "pos", (json_int_t)pos);
		return rc;
	}
}
