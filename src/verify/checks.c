/*
 * verify.c - the deterministic per-item checks: schema, answer type,
 * options (unique, non-empty, exactly one correct), media; the checks on
 * what the examinee sees (distractors, leakage) are in visible.c.
 */
#include "verify_internal.h"
#include "benchagent/answer.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHORT_MAX_WORDS 12
#define LABEL_MAX_WORDS 6
#define MAX_OPTIONS 10

static int is_nonempty_str(const json_t *v)
{
	const char *s = json_string_value(v);
	if (!s)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	return *s != 0;
}


#define FAIL(...) (snprintf(reason, rlen, __VA_ARGS__), 0)

/* A template slot left unfilled ("<<<raw_text>>>"): the examinee would
 * read the marker instead of the text it stands for. */
static int has_slot(const char *s)
{
	const char *o = s ? strstr(s, "<<<") : NULL, *c = o ? strstr(o + 3, ">>>") : NULL;
	return c && c - o > 3 && c - o < 70;
}

/* Lines of text that start like options ("A. ", "B) ", "(C) "), counted
 * from A in order: a stem that lists options of its own. Kept apart from
 * the executor's reader of the same forms (src/exec/prompt_forms.c) on
 * purpose, and looser than it (any line, leading space, no closing rule):
 * a check that shared that parser would pass exactly the stems it misses. */
static int lettered_lines(const char *s)
{
	int next = 0;
	const char *p = s;

	while (p && *p) {
		const char *l = p;
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '(')
			l++;
		if (*l == 'A' + next && (l[1] == '.' || l[1] == ')') && l[2] == ' ')
			next++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return next;
}

static int check_schema(const json_t *it, const json_t *subtask, char *reason, size_t rlen)
{
	const char *at = ba_json_str(it, "answer_type", NULL), *k;
	json_t *schema = json_object_get(subtask, "schema"), *v, *m;
	size_t i;

	if (!json_is_object(it))
		return FAIL("item is not an object");
	if (!is_nonempty_str(json_object_get(it, "question")))
		return FAIL("question missing or empty");
	if (!is_nonempty_str(json_object_get(it, "answer")))
		return FAIL("answer missing, empty or not a string");
	if (!ba_answer_type_known(at))
		return FAIL("answer_type '%s' is not one of " BA_ANSWER_TYPES_BARS,
			    at ? at : "(none)");
	if ((v = json_object_get(it, "context")) && !json_is_null(v) && !json_is_string(v))
		return FAIL("context must be a string");
	if (has_slot(ba_json_str(it, "question", NULL)) || has_slot(ba_json_str(it, "context", NULL)))
		return FAIL("the %s holds an unfilled template slot '<<<...>>>'",
			    has_slot(ba_json_str(it, "question", NULL)) ? "question" : "context");
	if ((v = json_object_get(it, "choices")) && !json_is_null(v)) {
		if (!json_is_array(v))
			return FAIL("choices must be a list");
		json_array_foreach(v, i, m)
			if (!json_is_string(m))
				return FAIL("choices[%zu] is not a string", i);
	}
	json_array_foreach(json_object_get(it, "media"), i, m)
		if (!ba_json_str(m, "type", NULL) || (!ba_json_bool(m, "missing", 0) &&
						      (!ba_json_str(m, "path", NULL) || !ba_json_str(m, "sha256", NULL))))
			return FAIL("media[%zu] needs type, path and sha256", i);
	/* the subtask's sample schema: fields without '?' are required */
	json_object_foreach(schema, k, v) {
		const char *t = json_string_value(v);
		if (t && t[0] && t[strlen(t) - 1] == '?')
			continue;
		if (!strcmp(k, "question") || !strcmp(k, "answer") || !strcmp(k, "explanation"))
			continue;
		if (!strcmp(k, "context") && !is_nonempty_str(json_object_get(it, "context")))
			return FAIL("the subtask schema requires a context");
		if ((!strcmp(k, "choices") || !strcmp(k, "options")) &&
		    json_array_size(json_object_get(it, "choices")) < 2)
			return FAIL("the subtask schema requires choices");
		if (!strcmp(k, "image") || !strcmp(k, "audio")) {
			int have = 0;
			json_array_foreach(json_object_get(it, "media"), i, m)
				have |= !strcmp(ba_json_str(m, "type", ""), k);
			if (!have)
				return FAIL("the subtask schema requires %s media", k);
		}
	}
	return 1;
}

static int parse_number(const char *s, double *v)
{
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno)
		return 0;
	while (isspace((unsigned char)*end))
		end++;
	return *end == 0 && isfinite(*v);
}

static int check_answer_type(const json_t *it, char *reason, size_t rlen)
{
	const char *at = ba_json_str(it, "answer_type", ""), *a = ba_json_str(it, "answer", "");
	json_t *choices = json_object_get(it, "choices");
	char *n = ba_verify_normalize(a);
	size_t words = ba_verify_word_count(n);
	int ok = 1;
	double d;

	if (!strcmp(at, "choice")) {
		int li = ba_letter_index(a);
		if (json_array_size(choices) < 2)
			ok = FAIL("choice item without options");
		else if (li < 0 || (size_t)li >= json_array_size(choices) || strlen(a) != 1)
			ok = FAIL("choice answer '%.20s' is not a letter A..%c", a,
				  (char)('A' + json_array_size(choices) - 1));
	} else if (!strcmp(at, "numeric")) {
		if (!parse_number(a, &d))
			ok = FAIL("numeric answer '%.40s' does not parse as a number", a);
	} else if (!strcmp(at, "binary")) {
		if (strcmp(n, "yes") && strcmp(n, "no") && strcmp(n, "true") && strcmp(n, "false"))
			ok = FAIL("binary answer '%.40s' is not yes/no/true/false", a);
	} else if (!strcmp(at, "short")) {
		if (words == 0 || words > SHORT_MAX_WORDS)
			ok = FAIL("short answer has %zu words (1..%d)", words, SHORT_MAX_WORDS);
	} else if (!strcmp(at, "label")) {
		if (words == 0 || words > LABEL_MAX_WORDS)
			ok = FAIL("label answer has %zu words (1..%d)", words, LABEL_MAX_WORDS);
	} else if (!strcmp(at, "span")) {
		char *c = ba_verify_normalize(ba_json_str(it, "context", ""));
		if (!*n || !strstr(c, n))
			ok = FAIL("span answer does not occur in the context");
		free(c);
	} else if (!strcmp(at, "open")) {
		if (!*n)
			ok = FAIL("open answer is empty");
	} else {
		ok = FAIL("unknown answer_type '%s'", at);
	}
	free(n);
	return ok;
}

/* The options are the labels A..N themselves, in some order, and the
 * stem never names one of B..N as a word: what they stood for was lost. */
static int option_labels_only(const json_t *it, const json_t *choices)
{
	const char *q = ba_json_str(it, "question", "");
	unsigned seen = 0;
	size_t n = json_array_size(choices), i;

	for (i = 0; i < n; i++) {
		const char *t = json_string_value(json_array_get(choices, i));
		if (!t || strlen(t) != 1 || t[0] < 'A' || (size_t)(t[0] - 'A') >= n)
			return 0;
		seen |= 1u << (t[0] - 'A');
	}
	if (seen != (1u << n) - 1)
		return 0;
	for (; *q; q++)
		if (*q > 'A' && (size_t)(*q - 'A') < n && (q == ba_json_str(it, "question", "") || !isalnum((unsigned char)q[-1])) &&
		    !isalnum((unsigned char)q[1]))
			return 0;
	return 1;
}

static int check_options(const json_t *it, char *reason, size_t rlen)
{
	json_t *choices = json_object_get(it, "choices");
	const char *a = ba_json_str(it, "answer", ""), *at = ba_json_str(it, "answer_text", NULL);
	size_t n = json_array_size(choices), i, j, ncorrect = 0;
	char **norm;
	int li = ba_letter_index(a), ok = 1;

	if (!json_is_array(choices) || n == 0)
		return -1;
	if (n < 2 || n > MAX_OPTIONS)
		return FAIL("%zu options (2..%d)", n, MAX_OPTIONS);
	if (li < 0 || (size_t)li >= n)
		return FAIL("answer '%.20s' names no option", a);
	if (lettered_lines(ba_json_str(it, "question", "")) >= 2)
		return FAIL("the question lists options of its own (lines 'A. ...', 'B. ...') beside the item's %zu choices", n);
	if (option_labels_only(it, choices))
		return FAIL("the options are the labels A-%c themselves, and the question names none of them: "
			    "they stand for options the examinee is not shown", (char)('A' + n - 1));
	norm = ba_calloc(n, sizeof(*norm));
	for (i = 0; i < n; i++)
		norm[i] = ba_verify_normalize(json_string_value(json_array_get(choices, i)));
	for (i = 0; i < n && ok; i++)
		if (!*norm[i])
			ok = FAIL("option %c is empty", (char)('A' + i));
	for (i = 0; i < n; i++)
		if (*norm[i] && !strcmp(norm[i], norm[li]))
			ncorrect++;
	if (ok && ncorrect > 1)
		ok = FAIL("%zu options read as the correct answer '%.40s'", ncorrect,
			  json_string_value(json_array_get(choices, (size_t)li)));
	for (i = 0; i < n && ok; i++)
		for (j = i + 1; j < n && ok; j++)
			if (!strcmp(norm[i], norm[j]))
				ok = FAIL("options %c and %c are the same", (char)('A' + i), (char)('A' + j));
	if (ok && at) {
		char *nat = ba_verify_normalize(at);
		if (strcmp(nat, norm[li]) != 0)
			ok = FAIL("answer_text '%.40s' is not option %c", at, (char)('A' + li));
		free(nat);
	}
	for (i = 0; i < n; i++)
		free(norm[i]);
	free(norm);
	return ok;
}

static int check_media(const json_t *it, const json_t *subtask, char *reason, size_t rlen)
{
	json_t *media = json_object_get(it, "media"), *m, *mods = json_object_get(subtask, "modalities");
	size_t i;
	int need_image = 0, have_image = 0;

	json_array_foreach(mods, i, m)
		need_image |= json_is_string(m) && !strcmp(json_string_value(m), "image");
	json_array_foreach(media, i, m) {
		if (ba_json_bool(m, "missing", 0))
			return FAIL("media[%zu] (%s) is missing: %.120s", i, ba_json_str(m, "type", "?"),
				    ba_json_str(m, "ref", ba_json_str(m, "path", "?")));
		if (!ba_json_str(m, "sha256", NULL) || strlen(ba_json_str(m, "sha256", "")) != 64)
			return FAIL("media[%zu] has no sha256", i);
		have_image |= !strcmp(ba_json_str(m, "type", ""), "image");
	}
	if (need_image && !have_image)
		return FAIL("the subtask needs an image and the item has none");
	if (!json_array_size(media) && !need_image)
		return -1;
	return 1;
}

int ba_verify_check(const char *name, const json_t *item, const json_t *subtask, char *reason,
		    size_t rlen)
{
	char dummy[8];

	if (!reason) {
		reason = dummy;
		rlen = sizeof(dummy);
	}
	reason[0] = 0;
	if (!strcmp(name, "schema"))
		return check_schema(item, subtask, reason, rlen);
	if (!strcmp(name, "answer_type"))
		return check_answer_type(item, reason, rlen);
	if (!strcmp(name, "options"))
		return check_options(item, reason, rlen);
	if (!strcmp(name, "media"))
		return check_media(item, subtask, reason, rlen);
	if (!strcmp(name, "leakage"))
		return ba_verify_check_leakage(item, reason, rlen);
	if (!strcmp(name, "distractors"))
		return ba_verify_check_distractors(item, reason, rlen);
	snprintf(reason, rlen, "unknown check '%s'", name);
	return 0;
}

int ba_verify_item(const json_t *item, const json_t *subtask, json_t *qc)
{
	static const char *checks[] = { "schema", "answer_type", "options", "distractors", "media", "leakage", NULL };
	int fails = 0, i, schema_ok = 1;

	for (i = 0; checks[i]; i++) {
		char reason[512];
		int r;
		if (!schema_ok && strcmp(checks[i], "media") != 0) {
			json_object_set_new(qc, checks[i], json_pack("{s:s, s:s}", "verdict", "skip", "reason",
								      "schema failed"));
			continue;
		}
		r = ba_verify_check(checks[i], item, subtask, reason, sizeof(reason));
		if (r < 0)
			json_object_set_new(qc, checks[i], json_pack("{s:s, s:s}", "verdict", "skip", "reason",
								      "not applicable"));
		else if (r)
			json_object_set_new(qc, checks[i], json_pack("{s:s}", "verdict", "pass"));
		else
			json_object_set_new(qc, checks[i], json_pack("{s:s, s:s}", "verdict", "fail", "reason",
								      reason));
		if (r == 0) {
			fails++;
			if (i == 0)
				schema_ok = 0;
		}
	}
	return fails;
}
