/*
 * mock_clauses.c - how the design mock reads a request, like a careful
 * but literal model: the capabilities it asks for are the clauses of the
 * sentence that says what the model must do ("the model must pick the
 * most plausible cause or effect, or order events in time"; "a benchmark
 * of word problems, date calculations, and logic puzzles"), each becoming
 * one subtask; a framing part ("a text benchmark on everyday causal and
 * temporal reasoning:", "I want to evaluate the model's comprehension of
 * ...") is the topic, and each topic word goes with the clause that
 * speaks of it (causal -> "cause or effect"), the others with every
 * clause. Constraints ("it must not be answerable from the options") and
 * difficulty sentences make no subtask.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { MK_NONE, MK_TOPIC, MK_CAPABILITY };

/* Phrases after which a request says what is tested; the furthest one
 * found in a part wins ("the model should not only recognize" -> "recognize"). */
static const struct {
	const char *s;
	int kind;
} markers[] = {
	{ "benchmark of ", MK_TOPIC },      { "benchmark on ", MK_TOPIC },
	{ "benchmark for ", MK_TOPIC },     { "evaluate the model's ", MK_TOPIC },
	{ "evaluate ", MK_TOPIC },          { "whether it can ", MK_CAPABILITY },
	{ " model can ", MK_CAPABILITY },   { " model must ", MK_CAPABILITY },
	{ " model should ", MK_CAPABILITY }, { "not only ", MK_CAPABILITY },
	{ "tests whether ", MK_CAPABILITY }, { "test whether ", MK_CAPABILITY },
};

/* Separators between clauses (checked in order at each position). */
static const char *const seps[] = { ", and finally ", ", but also ", ", and then ", ", and ", ", or ",
				    " but also ", " and finally ", NULL };
static const char *const lead[] = { "and ", "or ", "but also ", "also ", "finally ", "then ", NULL };

typedef struct {
	char *text;   /* the part after its marker */
	char *frame;  /* the part before its marker */
	int kind;
	int topic;    /* left of a ':' */
	json_t *chunks;
} part;

static char *lower_dup(const char *s, size_t n)
{
	char *l = ba_strndup(s, n);
	size_t i;
	for (i = 0; l[i]; i++)
		l[i] = (char)tolower((unsigned char)l[i]);
	return l;
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && (isspace((unsigned char)*s) || *s == ',')) {
		s++;
		n--;
	}
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ',' || s[n - 1] == '.'))
		n--;
	return ba_strndup(s, n);
}

static size_t nkeywords(const char *s)
{
	json_t *k = ba_planner_keywords(s, 8);
	size_t n = json_array_size(k);
	json_decref(k);
	return n;
}

/* A constraint or a negative: no subtask of its own. */
static int is_constraint(const char *c)
{
	/* after its marker ("the model must pick ..." -> "pick ..."), a clause
	 * that still says must / should is a requirement on the items */
	static const char *const neg[] = { " must ", " should ", "cannot ", "can't ", "never ", NULL };
	char *l = lower_dup(c, strlen(c));
	int r = !strncmp(l, "not ", 4) || !strncmp(l, "difficult", 9) || !strncmp(l, "the difficult", 13), i;
	for (i = 0; neg[i]; i++)
		r |= strstr(l, neg[i]) != NULL;
	free(l);
	return r;
}

/* The chunks of a clause list, at depth 0 (not inside parentheses); a
 * plain ", " separates only when a list connector follows later. */
static json_t *split_clauses(const char *t)
{
	json_t *out = json_array();
	size_t i, start = 0, n = strlen(t);
	int depth = 0;

	for (i = 0; i <= n; i++) {
		size_t sl = 0;
		int k;
		if (i < n && t[i] == '(')
			depth++;
		else if (i < n && t[i] == ')' && depth > 0)
			depth--;
		if (i < n && depth == 0) {
			for (k = 0; seps[k] && !sl; k++)
				if (!strncmp(t + i, seps[k], strlen(seps[k])))
					sl = strlen(seps[k]);
			if (!sl && !strncmp(t + i, ", ", 2) && (strstr(t + i + 2, ", and ") || strstr(t + i + 2, ", or ")))
				sl = 2;
		}
		if (i == n || sl) {
			char *c = trim_dup(t + start, i - start), *p = c;
			for (k = 0; lead[k]; k++)
				if (!strncmp(p, lead[k], strlen(lead[k])))
					p += strlen(lead[k]);
			if (*p)
				json_array_append_new(out, json_string(p));
			free(c);
			if (sl)
				i += sl - 1;
			start = i + 1;
		}
	}
	return out;
}

/* Chunks with fewer than two content words join the next one (or the
 * previous, for the last); constraints are left out. New ref. */
static json_t *merge_small(json_t *chunks)
{
	json_t *out = json_array();
	char *carry = NULL;
	size_t i;
	json_t *c;

	json_array_foreach(chunks, i, c) {
		const char *s = json_string_value(c);
		char *m;
		if (is_constraint(s))
			continue;
		m = carry ? ba_asprintf("%s, %s", carry, s) : ba_strdup(s);
		free(carry);
		carry = NULL;
		if (nkeywords(m) < 2) {
			carry = m;
			continue;
		}
		json_array_append_new(out, json_string(m));
		free(m);
	}
	if (carry && json_array_size(out)) {
		size_t last = json_array_size(out) - 1;
		char *m = ba_asprintf("%s, %s", json_string_value(json_array_get(out, last)), carry);
		json_array_set_new(out, last, json_string(m));
		free(m);
	} else if (carry && nkeywords(carry) >= 1) {
		json_array_append_new(out, json_string(carry));
	}
	free(carry);
	return out;
}

/* One sentence part: its marker (the furthest found), frame and chunks. */
static void read_part(part *p, const char *s, size_t n, int topic)
{
	char *l = lower_dup(s, n);
	size_t i, best = 0, at = 0;

	p->kind = MK_NONE;
	p->topic = topic;
	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		const char *f = strstr(l, markers[i].s);
		while (f && strstr(f + 1, markers[i].s))
			f = strstr(f + 1, markers[i].s);
		if (f && (size_t)(f - l) + strlen(markers[i].s) > best) {
			best = (size_t)(f - l) + strlen(markers[i].s);
			at = (size_t)(f - l);
			p->kind = markers[i].kind;
		}
	}
	p->frame = trim_dup(s, at);
	p->text = trim_dup(s + best, n - best);
	{
		json_t *raw = split_clauses(p->text);
		p->chunks = merge_small(raw);
		json_decref(raw);
	}
	free(l);
}

/* The request's parts: sentences, and the two sides of a ':'. */
static size_t read_parts(const char *desc, part **out)
{
	size_t n = 0, cap = 8;
	const char *s = desc;
	part *ps = ba_calloc(cap, sizeof(*ps));

	while (*s) {
		size_t len = 0, colon = 0;
		while (s[len] && !(strchr(".!?;", s[len]) && (s[len + 1] == ' ' || !s[len + 1] || s[len + 1] == '\n')))
			len++;
		for (colon = 0; colon < len && s[colon] != ':'; colon++)
			;
		if (n + 2 > cap) {
			cap *= 2;
			ps = ba_realloc(ps, cap * sizeof(*ps));
			memset(ps + n, 0, (cap - n) * sizeof(*ps));
		}
		if (colon < len) {
			read_part(&ps[n++], s, colon, 1);
			read_part(&ps[n++], s + colon + 1, len - colon - 1, 0);
		} else if (len) {
			read_part(&ps[n++], s, len, 0);
		}
		s += len;
		while (*s && (strchr(".!?;", *s) || isspace((unsigned char)*s)))
			s++;
	}
	*out = ps;
	return n;
}

/* Which parts hold the capabilities; the rest that frames them goes to
 * the topic. */
static void choose(part *ps, size_t n, json_t *clauses, ba_buf *topic)
{
	size_t i, j;
	int cap = 0, top = 0;

	for (i = 0; i < n; i++) {
		cap |= !ps[i].topic && ps[i].kind == MK_CAPABILITY;
		top |= !ps[i].topic && ps[i].kind == MK_TOPIC;
	}
	for (i = 0; i < n; i++) {
		int is_clause;
		if (ps[i].topic) {
			ba_buf_printf(topic, "%s ", ps[i].text);
			continue;
		}
		if (cap)
			is_clause = ps[i].kind == MK_CAPABILITY ||
				    (ps[i].kind == MK_TOPIC && json_array_size(ps[i].chunks) >= 2);
		else
			is_clause = !top || ps[i].kind == MK_TOPIC;
		if (!is_clause && !is_constraint(ps[i].text))
			ba_buf_printf(topic, "%s ", ps[i].text); /* framing and background */
		if (ps[i].kind != MK_NONE && is_clause)
			ba_buf_printf(topic, "%s ", ps[i].frame);
		if (is_clause)
			for (j = 0; j < json_array_size(ps[i].chunks); j++)
				json_array_append(clauses, json_array_get(ps[i].chunks, j));
	}
}

/* Shares a 4-letter stem with a word of the text ("causal" / "cause"). */
static int speaks_of(const char *text, const char *w)
{
	json_t *t = ba_text_tokens(text), *v;
	size_t i;
	int r = 0;

	if (strlen(w) < 4)
		return 0;
	json_array_foreach(t, i, v)
		r |= strlen(json_string_value(v)) >= 4 && !strncmp(json_string_value(v), w, 4);
	json_decref(t);
	return r;
}

json_t *ba_planner_clauses(const char *desc)
{
	part *ps = NULL;
	size_t n = read_parts(desc ? desc : "", &ps), i, j, k;
	json_t *clauses = json_array(), *out = json_array(), *tkw, *c;
	ba_buf topic = BA_BUF_INIT(1 << 14);

	choose(ps, n, clauses, &topic);
	tkw = ba_planner_keywords(ba_buf_cstr(&topic), 6);
	json_array_foreach(clauses, i, c) {
		json_t *own = json_array(), *tw;
		const char *cl = json_string_value(c);
		json_array_foreach(tkw, j, tw) {
			const char *w = json_string_value(tw);
			size_t elsewhere = 0;
			for (k = 0; k < json_array_size(clauses); k++)
				elsewhere += k != i && speaks_of(json_string_value(json_array_get(clauses, k)), w);
			/* a topic word goes with the clause that speaks of it, or with all */
			if (!elsewhere || speaks_of(cl, w))
				json_array_append(own, tw);
		}
		json_array_append_new(out, json_pack("{s:s, s:o}", "clause", cl, "topic", own));
	}
	for (i = 0; i < n; i++) {
		free(ps[i].text);
		free(ps[i].frame);
		json_decref(ps[i].chunks);
	}
	free(ps);
	json_decref(tkw);
	json_decref(clauses);
	ba_buf_free(&topic);
	return out;
}
