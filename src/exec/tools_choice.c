/*
 * tools_choice.c - the pure text tools: choice normalisation with a seeded
 * shuffle that balances the correct option's position across items, and
 * answer-format normalisation.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/rng.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim_dup(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return ba_strndup(s, n);
}

/* Strip "A. ", "A) ", "(A) " labels when every option carries its own. */
static void strip_labels(char **opt, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ba_exec_option_label(opt[i], (char)('A' + i)))
			return;
	for (i = 0; i < n; i++) {
		char *t = trim_dup(ba_exec_option_label(opt[i], (char)('A' + i)));
		free(opt[i]);
		opt[i] = t;
	}
}

/* Index of the correct option in choices, or -1. */
static int correct_index(const json_t *d, char **opt, size_t n)
{
	const char *a = ba_json_str(d, "answer", NULL), *at = ba_json_str(d, "answer_text", NULL);
	int li = ba_letter_index(a);
	size_t i;

	if (li >= 0 && (size_t)li < n)
		return li;
	for (i = 0; i < n; i++) {
		char *no = ba_verify_normalize(opt[i]);
		char *na = ba_verify_normalize(at ? at : (a ? a : ""));
		int eq = *no && strcmp(no, na) == 0;
		free(no);
		free(na);
		if (eq)
			return (int)i;
	}
	return -1;
}

static int take_inline_choices(json_t *res);

int ba_tool_choice_shuffle(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			   ba_error *err)
{
	json_t *choices = json_object_get(in, "choices"), *c, *res;
	char **opt = NULL, **keep = NULL;
	size_t n = json_array_size(choices), i, nk = 0;
	int ci, ck = -1, rc = 0;
	size_t *perm = NULL, target;
	ba_rng r;
	char label[160];

	if (n < 2) {
		/* options written into the question (a card whose options role
		 * is the question) are the item's options */
		json_t *cp = json_deep_copy(in);
		if (take_inline_choices(cp))
			rc = ba_tool_choice_shuffle(ctx, args, cp, out, err);
		else
			rc = ba_error_set(err, BA_EINVAL, "tool choice_shuffle: the item has %zu option(s), needs 2+", n);
		json_decref(cp);
		return rc;
	}
	opt = ba_calloc(n, sizeof(*opt));
	keep = ba_calloc(n, sizeof(*keep));
	json_array_foreach(choices, i, c)
		opt[i] = trim_dup(json_is_string(c) ? json_string_value(c) : "");
	strip_labels(opt, n);
	ci = correct_index(in, opt, n);
	if (ci < 0) {
		rc = ba_error_set(err, BA_EINVAL, "tool choice_shuffle: no option matches the answer");
		goto cleanup;
	}
	/* distractors: non-empty, distinct from each other and the answer */
	for (i = 0; i < n; i++) {
		size_t j;
		char *ni = ba_verify_normalize(opt[i]);
		int dup = (int)i != ci && !*ni;
		for (j = 0; j < n && !dup; j++) {
			char *nj;
			if (j == i || (j > i && (int)j != ci))
				continue;
			nj = ba_verify_normalize(opt[j]);
			/* an earlier option or the correct one has the same text */
			dup = (int)i != ci && strcmp(ni, nj) == 0;
			free(nj);
		}
		free(ni);
		if ((int)i != ci && !dup)
			keep[nk++] = opt[i];
	}
	if (nk < 1) {
		rc = ba_error_set(err, BA_EINVAL, "tool choice_shuffle: no distinct distractor left");
		goto cleanup;
	}
	/* seeded order of the distractors */
	ba_rng_seed(&r, ctx->seed, 11);
	ba_rng_shuffle(&r, keep, nk, sizeof(*keep));
	/* a long label list ("the possible relation types are: ...") keeps a
	 * seeded subset: at most max_options options in all */
	{
		long mx = (long)ba_json_int(args, "max_options", 10);
		if (mx >= 2 && nk + 1 > (size_t)mx)
			nk = (size_t)mx - 1;
	}
	/* balanced position: a seeded permutation of positions per block of
	 * nk+1 consecutive items of the subtask */
	perm = ba_malloc((nk + 1) * sizeof(*perm));
	for (i = 0; i <= nk; i++)
		perm[i] = i;
	snprintf(label, sizeof(label), "%s/block%ld",
		 ctx->subtask ? ba_json_str(ctx->subtask, "id", "") : "", ctx->ordinal / (long)(nk + 1));
	ba_rng_seed(&r, ba_rng_seed_from(0x5eedULL, label), 3);
	ba_rng_shuffle(&r, perm, nk + 1, sizeof(*perm));
	target = perm[(size_t)(ctx->ordinal % (long)(nk + 1))];
	res = json_array();
	for (i = 0, ck = 0; i <= nk; i++) {
		if (i == target) {
			json_array_append_new(res, json_string(opt[ci]));
			ck = (int)i;
		} else {
			json_array_append_new(res, json_string(keep[i < target ? i : i - 1]));
		}
	}
	*out = json_deep_copy(in);
	json_object_set_new(*out, "choices", res);
	label[0] = (char)('A' + ck);
	label[1] = 0;
	json_object_set_new(*out, "answer", json_string(label));
	json_object_set_new(*out, "answer_text", json_string(opt[ci]));
	json_object_set_new(*out, "answer_type", json_string("choice"));
cleanup:
	for (i = 0; i < n; i++)
		free(opt[i]);
	free(opt);
	free(keep);
	free(perm);
	return rc;
}

static char *clean_text(const char *s)
{
	ba_buf b = BA_BUF_INIT(1 << 20);
	int sp = 0;
	char *t;
	size_t n;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			sp = b.len > 0;
			continue;
		}
		if (sp)
			ba_buf_puts(&b, " ");
		sp = 0;
		ba_buf_append(&b, s, 1);
	}
	t = ba_buf_detach(&b);
	n = strlen(t);
	if (n > 1 && t[n - 1] == '.' && !isdigit((unsigned char)t[n - 2]))
		t[n - 1] = 0;
	return t;
}

/* Options written inline in the question ("The candidate choices are
 * [...]", read by prompt_forms.c) become the item's choices, the sentence
 * holding them cut out of the stem. 1 when taken. */
static int take_inline_choices(json_t *res)
{
	char *stem, *c;
	json_t *inl;

	if (!ba_exec_bracket_choices(ba_json_str(res, "question", ""), &stem, &inl))
		return 0;
	c = clean_text(stem);
	json_object_set_new(res, "question", json_string(c));
	free(c);
	free(stem);
	json_object_set_new(res, "choices", inl);
	return 1;
}

/* The answer as the letter of its option; options written inline in the
 * question ("The candidate choices are [...]") become the item's choices. */
static int norm_letter(json_t *res, const char *a, ba_error *err)
{
	json_t *choices = json_object_get(res, "choices");
	int li = ba_letter_index(a);
	size_t i;

	if (json_array_size(choices) < 2 && take_inline_choices(res)) {
		choices = json_object_get(res, "choices");
		li = -1;
	}
	if (json_array_size(choices) < 2)
		return ba_error_set(err, BA_EINVAL, "tool answer_normalize: a letter answer needs options");
	if (li < 0 || (size_t)li >= json_array_size(choices)) {
		char *na = ba_verify_normalize(a);
		li = -1;
		for (i = 0; i < json_array_size(choices) && li < 0; i++) {
			char *nc = ba_verify_normalize(json_string_value(json_array_get(choices, i)));
			if (*nc && strcmp(nc, na) == 0)
				li = (int)i;
			free(nc);
		}
		free(na);
	}
	if (li < 0)
		return ba_error_set(err, BA_EINVAL,
				    "tool answer_normalize: answer matches no option");
	{
		char L[2] = { (char)('A' + li), 0 };
		json_object_set_new(res, "answer", json_string(L));
		json_object_set(res, "answer_text", json_array_get(choices, (size_t)li));
		json_object_set_new(res, "answer_type", json_string("choice"));
	}
	return 0;
}

/* The answer as a plain number ("$1,200" -> "1200"). */
static int norm_number(json_t *res, const char *a, ba_error *err)
{
	char buf[64];
	size_t j = 0;
	const char *p;
	char *end;
	double v;

	for (p = a; *p && j + 1 < sizeof(buf); p++)
		if (isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == 'e' || *p == 'E')
			buf[j++] = *p;
		else if (*p != ',' && *p != '$' && *p != '%' && !isspace((unsigned char)*p) && j)
			break;
	buf[j] = 0;
	errno = 0;
	v = strtod(buf, &end);
	if (!j || *end || errno || !isfinite(v))
		return ba_error_set(err, BA_EINVAL, "tool answer_normalize: '%.40s' is not a number", a);
	snprintf(buf, sizeof(buf), "%.10g", v);
	json_object_set_new(res, "answer", json_string(buf));
	return 0;
}

static int norm_yesno(json_t *res, const char *a, ba_error *err)
{
	char *n = ba_verify_normalize(a);
	const char *yn = NULL;

	if (!strcmp(n, "yes") || !strcmp(n, "true") || !strcmp(n, "y") || !strcmp(n, "1") ||
	    !strcmp(n, "correct"))
		yn = "yes";
	else if (!strcmp(n, "no") || !strcmp(n, "false") || !strcmp(n, "n") || !strcmp(n, "0") ||
		 !strcmp(n, "incorrect"))
		yn = "no";
	free(n);
	if (!yn)
		return ba_error_set(err, BA_EINVAL, "tool answer_normalize: '%.40s' is not yes/no", a);
	json_object_set_new(res, "answer", json_string(yn));
	return 0;
}

int ba_tool_answer_normalize(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			     ba_error *err)
{
	const char *fmt = ba_json_str(args, "format", "auto");
	const char *at = ba_json_str(in, "answer_type", "short");
	json_t *ans = json_object_get(in, "answer"), *res = json_deep_copy(in);
	char *a = NULL;
	int rc = 0;

	(void)ctx;
	if (json_is_string(ans))
		a = ba_strdup(json_string_value(ans));
	else if (json_is_number(ans))
		a = ba_asprintf("%.10g", json_number_value(ans));
	else if (json_is_true(ans) || json_is_false(ans))
		a = ba_strdup(json_is_true(ans) ? "yes" : "no");
	else if (json_is_array(ans) && json_is_string(json_array_get(ans, 0)))
		a = ba_strdup(json_string_value(json_array_get(ans, 0)));
	if (!a) {
		json_decref(res);
		return ba_error_set(err, BA_EINVAL, "tool answer_normalize: the item has no answer");
	}
	if (strcmp(fmt, "auto") == 0) {
		char *stem;
		json_t *inl;
		/* a choice item still without options (distractors come later):
		 * normalise the answer text */
		int opts = ba_exec_bracket_choices(ba_json_str(res, "question", ""), &stem, &inl) ||
			   json_array_size(json_object_get(res, "choices")) >= 2;
		free(stem);
		json_decref(inl);
		if (!strcmp(at, "choice") && !opts)
			at = "short";
	}
	if (strcmp(fmt, "auto") == 0)
		fmt = strcmp(at, "choice") == 0 ? "letter" :
		      strcmp(at, "numeric") == 0 ? "number" :
		      strcmp(at, "binary") == 0 ? "yesno" : "text";
	if (strcmp(fmt, "letter") == 0) {
		rc = norm_letter(res, a, err);
	} else if (strcmp(fmt, "number") == 0) {
		rc = norm_number(res, a, err);
	} else if (strcmp(fmt, "yesno") == 0) {
		rc = norm_yesno(res, a, err);
	} else {
		char *c = clean_text(a);
		json_object_set_new(res, "answer", json_string(c));
		free(c);
	}
	free(a);
	if (rc) {
		json_decref(res);
		return rc;
	}
	*out = res;
	return 0;
}
