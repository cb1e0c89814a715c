/*
 * tools_metadata.c - type-B sources: datasets with no ready question but
 * rich metadata (a label, a name, a box, an attribute per sample). The
 * pure tool metadata_question turns the value of the role that names the
 * target into a multiple-choice item: the question is built from what
 * that role names ("Which car brand is shown in the image?"), the
 * distractors are other samples' values of the same field (the draft's
 * aux.answer_pool), of the key's type (number, date, box/list, name,
 * sentence) and similar length, never equal to or containing the key,
 * picked with the unit's seed. choice_shuffle then places the key.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/rng.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { V_NUMBER, V_DATE, V_LIST, V_NAME, V_SENTENCE } value_kind;

/* A word that is a year (1000-2999), a decade ("1950s") or a month. */
static int names_a_time(const char *s)
{
	static const char *months[] = { "january", "february", "march", "april", "may", "june", "july",
					"august", "september", "october", "november", "december", NULL };
	while (*s) {
		const char *e = s;
		size_t n, i;
		while (*e && !isspace((unsigned char)*e) && *e != ',')
			e++;
		n = (size_t)(e - s);
		if ((n == 4 || (n == 5 && s[4] == 's')) && (s[0] == '1' || s[0] == '2') &&
		    isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]))
			return 1;
		for (i = 0; months[i]; i++)
			if (n == strlen(months[i]) && !strncasecmp(s, months[i], n))
				return 1;
		s = *e ? e + 1 : e;
	}
	return 0;
}

static value_kind kind_of(const char *s)
{
	size_t n = strlen(s), words = 1, digits = 0, i;
	char *end;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (*s == '[' || *s == '{' || *s == '(')
		return V_LIST;
	strtod(s, &end);
	if (end != s && (size_t)(end - s) == n)
		return V_NUMBER;
	for (i = 0; i < n; i++) {
		digits += isdigit((unsigned char)s[i]) != 0;
		words += s[i] == ' ';
	}
	if (digits >= 4 && (strchr(s, '-') || strchr(s, '/')) && words <= 3)
		return V_DATE;
	if (words <= 6 && names_a_time(s))
		return V_DATE;
	return words <= 5 && n && s[n - 1] != '.' && s[n - 1] != '?' ? V_NAME : V_SENTENCE;
}

/* Same text up to case and surrounding space. */
static int same_ci(const char *a, const char *b)
{
	while (isspace((unsigned char)*a))
		a++;
	while (isspace((unsigned char)*b))
		b++;
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	while (isspace((unsigned char)*a))
		a++;
	while (isspace((unsigned char)*b))
		b++;
	return !*a && !*b;
}

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;
	if (!n)
		return 0;
	for (; *hay; hay++) {
		for (i = 0; i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]); i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Two structured values ({"Fall": [x, y, w, h]}) have the same keys (a
 * box labelled "person" among "Fall" boxes is told apart by its label);
 * 1 when either is not a JSON object. */
static int same_shape(const char *key, const char *cand)
{
	json_t *a = *key == '{' ? json_loads(key, 0, NULL) : NULL, *b = *cand == '{' ? json_loads(cand, 0, NULL) : NULL;
	const char *k;
	json_t *v;
	int same = 1;

	if (json_is_object(a) && json_is_object(b)) {
		same = json_object_size(a) == json_object_size(b);
		json_object_foreach(a, k, v)
			same &= json_object_get(b, k) != NULL;
	}
	json_decref(a);
	json_decref(b);
	return same;
}

/* A distractor fits the key: same kind (and keys, for a structured
 * value), similar length, not the key. */
int ba_exec_value_fits(const char *key, const char *cand, const json_t *chosen)
{
	size_t lk = strlen(key), lc = strlen(cand), i;
	json_t *c;

	if (!*cand || kind_of(cand) != kind_of(key) || same_ci(key, cand) || contains_ci(cand, key) ||
	    contains_ci(key, cand) || !same_shape(key, cand))
		return 0;
	if (kind_of(key) >= V_NAME && (lc * 2 + 3 < lk || lk * 2 + 3 < lc))
		return 0;
	json_array_foreach(chosen, i, c)
		if (same_ci(json_string_value(c), cand))
			return 0;
	return 1;
}

/* What the target role names, for the question: args.asks_for, else the
 * step's purpose after "ask for ", else "answer". */
static char *target_name(const ba_tool_ctx *ctx, const json_t *args)
{
	const char *a = ba_json_str(args, "asks_for", NULL), *p = ctx->purpose;
	if (a && *a)
		return ba_strdup(a);
	if (p && !strncmp(p, "ask for ", 8) && p[8]) {
		p += 8;
		if (!strncmp(p, "the ", 4))
			p += 4;
		return ba_strndup(p, strcspn(p, ",;.:("));
	}
	return ba_strdup("answer");
}

int ba_tool_metadata_question(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			      ba_error *err)
{
	const char *key = ba_draft_answer_text(in);
	const json_t *pool = ba_json_path(in, "aux.answer_pool");
	long want = ba_json_int(args, "n", 3);
	json_t *chosen = json_array(), *d, *choices;
	size_t n = json_array_size(pool), i, start;
	char *what = target_name(ctx, args);
	ba_buf q = BA_BUF_INIT(4096);
	int has_media = json_array_size(json_object_get(in, "media")) > 0;
	ba_rng rng;

	*out = NULL;
	if (!key || !*key) {
		free(what);
		json_decref(chosen);
		return ba_error_set(err, BA_EINVAL, "metadata_question: the sample has no value for the target");
	}
	ba_rng_seed(&rng, ctx->seed, 7);
	start = n ? (size_t)(ba_rng_u64(&rng) % n) : 0;
	for (i = 0; i < n && (long)json_array_size(chosen) < want; i++) {
		const char *c = json_string_value(json_array_get(pool, (start + i) % n));
		if (c && ba_exec_value_fits(key, c, chosen))
			json_array_append_new(chosen, json_string(c));
	}
	if ((long)json_array_size(chosen) < want) {
		int rc = ba_error_set(err, BA_EINVAL, "metadata_question: only %zu other value(s) of the key's "
				      "type for '%s' (need %ld)", json_array_size(chosen), key, want);
		free(what);
		json_decref(chosen);
		return rc;
	}
	d = json_deep_copy(in);
	/* a sample whose only text is material (several lines: a dialogue, a
	 * passage) came in as the question: it is the context of the new one */
	if (!json_object_get(d, "context") && strchr(ba_json_str(d, "question", ""), '\n'))
		json_object_set_new(d, "context", json_string(ba_json_str(d, "question", "")));
	ba_buf_printf(&q, "Which %s %s?", what, has_media ? "matches the image" : "matches the text above");
	if (!has_media && !json_object_get(d, "context"))
		ba_buf_reset(&q), ba_buf_printf(&q, "Which %s is correct?", what);
	choices = json_pack("[s]", key);
	json_array_extend(choices, chosen);
	json_object_set_new(d, "question", json_string(ba_buf_cstr(&q)));
	json_object_set_new(d, "choices", choices);
	json_object_set_new(d, "answer", json_string("A"));
	json_object_set_new(d, "answer_text", json_string(key));
	json_object_set_new(d, "answer_type", json_string("choice"));
	*out = d;
	ba_buf_free(&q);
	free(what);
	json_decref(chosen);
	return 0;
}
