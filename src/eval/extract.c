/*
 * extract.c - answer extraction from free-text model replies. The
 * comparison of the extracted answer with the key is the one scorer
 * (src/verify/score.c); ba_eval_score routes generator items through their
 * verify (which calls the same scorer). The judge lives in judge.c.
 */
#include "benchagent/eval.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/score.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CHOICES 26

static size_t nchoices(const json_t *item)
{
	size_t n = json_array_size(json_object_get(item, "choices"));

	return n > MAX_CHOICES ? MAX_CHOICES : n;
}

/* Trim spaces, markdown emphasis, quotes, trailing '.' and a leading '$'
 * from [s, e) into a new string. */
static char *trim_answer(const char *s, const char *e)
{
	while (s < e && (isspace((unsigned char)*s) || *s == '*' || *s == '"' || *s == '\'' ||
			 *s == '`' || *s == ':'))
		s++;
	while (e > s && (isspace((unsigned char)e[-1]) || e[-1] == '*' || e[-1] == '"' ||
			 e[-1] == '\'' || e[-1] == '`' || e[-1] == '.'))
		e--;
	return ba_strndup(s, (size_t)(e - s));
}

/* Last "answer:" (any case, also "final answer:") -> rest of its line. */
static char *find_answer_line(const char *r)
{
	const char *p = r, *hit = NULL;

	for (; *p; p++)
		if ((*p == 'a' || *p == 'A') && !strncasecmp(p, "answer", 6)) {
			const char *q = p + 6;
			while (*q == ' ' || *q == '*')
				q++;
			if (*q == ':' || (*q == 'i' && !strncmp(q, "is:", 3)))
				hit = q + (*q == ':' ? 1 : 3);
		}
	if (!hit)
		return NULL;
	{
		const char *e = hit;
		char *out;
		while (*e && *e != '\n')
			e++;
		out = trim_answer(hit, e);
		if (!*out) { /* "Answer:\nB" */
			free(out);
			while (*e == '\n' || *e == ' ')
				e++;
			hit = e;
			while (*e && *e != '\n')
				e++;
			out = trim_answer(hit, e);
		}
		return out;
	}
}

/* Content of the last \boxed{...} (balanced braces). */
static char *find_boxed(const char *r)
{
	const char *p = r, *last = NULL;

	while ((p = strstr(p, "\\boxed{")) != NULL) {
		last = p + 7;
		p = last;
	}
	if (!last)
		return NULL;
	{
		int depth = 1;
		const char *e = last;
		for (; *e && depth; e++) {
			if (*e == '{')
				depth++;
			else if (*e == '}')
				depth--;
		}
		if (depth)
			return NULL;
		return trim_answer(last, e - 1);
	}
}

/* A letter answer among the first n options (the scorer's rule). */
static char letter_of(const char *s, size_t n)
{
	int i = ba_score_letter(s, n);

	return i < 0 ? 0 : (char)('A' + i);
}

static char last_standalone_letter(const char *r, size_t n)
{
	size_t len = strlen(r), i;

	for (i = len; i-- > 0;) {
		char c = r[i];
		if (c >= 'A' && c < (char)('A' + n) && (i == 0 || !isalnum((unsigned char)r[i - 1])) &&
		    !isalnum((unsigned char)r[i + 1])) {
			/* skip the English article/pronoun "A"/"I" followed by a word */
			if ((c == 'A' || c == 'I') && r[i + 1] == ' ' && isalpha((unsigned char)r[i + 2]))
				continue;
			return c;
		}
	}
	return 0;
}

/* The last number-like token in r, as a new string (the scorer's rule). */
static char *last_number(const char *r)
{
	const char *s;
	size_t n;

	return ba_score_last_number(r, &s, &n) ? ba_strndup(s, n) : NULL;
}

static char *last_line(const char *r)
{
	const char *e = r + strlen(r), *s;

	while (e > r && isspace((unsigned char)e[-1]))
		e--;
	s = e;
	while (s > r && s[-1] != '\n')
		s--;
	return trim_answer(s, e);
}

char *ba_eval_normalize(const char *s)
{
	return ba_score_normalize(s);
}

int ba_eval_parse_number(const char *s, double *out)
{
	return ba_score_parse_number(s, out);
}

/* An extracted choice answer that is an option's text -> its letter, or 0
 * (the scorer's rule). */
static char option_text_letter(const json_t *item, const char *ans)
{
	int i = ba_score_option_index(item, ans);

	return i < 0 ? 0 : (char)('A' + i);
}

/* The letter of the only option whose normalised text occurs, word-bounded,
 * in the normalised text t; 0 when none or several do. */
static char unique_option_mention(const json_t *item, const char *t)
{
	json_t *choices = json_object_get(item, "choices");
	size_t i, n = nchoices(item);
	char *nt = ba_eval_normalize(t);
	size_t ntl = strlen(nt);
	char hit = 0;
	int hits = 0;

	for (i = 0; i < n; i++) {
		const char *opt = json_string_value(json_array_get(choices, i));
		char *no;
		const char *p;
		size_t nl;
		if (!opt)
			continue;
		no = ba_eval_normalize(opt);
		nl = strlen(no);
		for (p = nt; nl && (p = strstr(p, no)) != NULL; p++) {
			int left = p == nt || p[-1] == ' ';
			int right = (size_t)(p - nt) + nl == ntl || p[nl] == ' ';
			if (left && right) {
				hit = (char)('A' + i);
				hits++;
				break;
			}
		}
		free(no);
	}
	free(nt);
	return hits == 1 ? hit : 0;
}

char *ba_eval_extract(const json_t *item, const char *response)
{
	const char *type = ba_json_str(item, "answer_type", "short");
	size_t n = nchoices(item);
	char *ans;

	if (!response)
		return ba_strdup("");
	ans = find_answer_line(response);
	if (!ans)
		ans = find_boxed(response);
	if (ans && n > 0) {
		char l = letter_of(ans, n);
		if (!l)
			l = option_text_letter(item, ans);
		if (l) {
			free(ans);
			ans = ba_strndup(&l, 1);
		}
		return ans;
	}
	if (ans)
		return ans;
	if (n > 0) {
		char l = option_text_letter(item, response);
		if (!l)
			l = last_standalone_letter(response, n);
		if (!l) {
			char *ll = last_line(response);
			l = unique_option_mention(item, ll);
			if (!l) {
				return ll;
			}
			free(ll);
		}
		return ba_strndup(&l, 1);
	}
	if (!strcmp(type, "numeric")) {
		ans = last_number(response);
		return ans ? ans : ba_strdup("");
	}
	return last_line(response);
}

int ba_eval_score(ba_gen_registry *reg, const json_t *item, const char *extracted,
		  double *score, const char **how, ba_error *err)
{
	json_t *src = json_object_get(item, "source");
	const char *dummy;

	if (!how)
		how = &dummy;
	*score = 0;
	if (!extracted)
		extracted = "";
	if (reg && !strcmp(ba_json_str(src, "kind", ""), "generator")) {
		const char *gen = ba_json_str(src, "generator", NULL);
		ba_error e2 = BA_ERROR_INIT;
		/* the generator's verify (util.verify calls the same C scorer; a
		 * generator may override it) */
		if (gen && ba_gen_verify(reg, gen, item, extracted, score, &e2) == 0) {
			*how = "generator";
			return 0;
		}
		/* fall through: the generator may simply not be in this registry */
	}
	return ba_score_item(item, extracted, score, how, err);
}

char *ba_eval_family(const char *spec, const json_t *families)
{
	const char *model = strchr(spec, '/'), *p;
	const char *f;
	size_t n = 0;
	char *out;

	model = model ? model + 1 : spec;
	if (families && ((f = json_string_value(json_object_get(families, spec))) ||
			 (f = json_string_value(json_object_get(families, model)))))
		return ba_strdup(f);
	/* last path component ("meta-llama/Llama-3-8B" -> "Llama-3-8B") */
	if ((p = strrchr(model, '/')) != NULL)
		model = p + 1;
	while (model[n] && isalpha((unsigned char)model[n]))
		n++;
	out = ba_strndup(model, n ? n : strlen(model));
	for (p = out; *p; p++)
		*(char *)p = (char)tolower((unsigned char)*p);
	return out;
}
