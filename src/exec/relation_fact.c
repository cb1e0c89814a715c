/*
 * relation_fact.c - a sample whose answer is a list of relation triples
 * ("(Speaker 2 (PER) => per:alternate_names => Mon (PER) (Speaker 3 ...",
 * Dialogue-Relation-Extraction) becomes one question about one fact of
 * its dialogue: "In the conversation, which other name is Speaker 2
 * called by?" - Mon. Only relations whose subject has exactly one object
 * are asked; the other options are entities of the same dialogue that do
 * not stand in that relation (nor are another name of the key).
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

#define TRIPLES_MAX 64
#define ENT_MAX 120

typedef struct {
	char s[ENT_MAX], st[16], rel[40], o[ENT_MAX], ot[16];
} triple;

static const struct {
	const char *rel, *type, *question;
} asks[] = {
	{ "per:title", "STRING", "In the conversation, what is %s's job or title?" },
	{ "per:alternate_names", "PER", "In the conversation, which other name is %s called by?" },
	{ "per:spouse", "PER", "In the conversation, who is %s's husband or wife?" },
	{ "per:siblings", "PER", "In the conversation, who is %s's brother or sister?" },
	{ "per:children", "PER", "In the conversation, who is %s's child?" },
	{ "per:roommate", "PER", "In the conversation, who is %s's roommate?" },
	{ "per:girl/boyfriend", "PER", "In the conversation, who is %s's girlfriend or boyfriend?" },
	{ "per:friends", "PER", "In the conversation, who is a friend of %s?" },
};

/* "name (TYPE)" ending at p (p at the space before " =>" or the end):
 * copies the name and type; returns the name's start or NULL. */
static int read_entity(const char **p, const char *stop, char *name, char *type)
{
	const char *s = *p, *open = NULL, *q;
	size_t n;

	for (q = s; q < stop; q++)
		if (q[0] == ' ' && q[1] == '(' && strchr(q + 2, ')') && strchr(q + 2, ')') < stop + 1) {
			const char *c = strchr(q + 2, ')');
			size_t k;
			for (k = 0; q + 2 + k < c && q[2 + k] >= 'A' && q[2 + k] <= 'Z'; k++)
				;
			if (q + 2 + k == c && k > 0 && k < 16) {
				open = q;
				break;
			}
		}
	if (!open || (n = (size_t)(open - s)) == 0 || n >= ENT_MAX)
		return 0;
	memcpy(name, s, n);
	name[n] = 0;
	n = (size_t)(strchr(open + 2, ')') - (open + 2));
	memcpy(type, open + 2, n);
	type[n] = 0;
	*p = strchr(open + 2, ')') + 1;
	return 1;
}

/* Every "(S (T) => rel => O (T)" of text; the count. */
static size_t parse_triples(const char *text, triple *t, size_t cap)
{
	size_t n = 0;
	const char *p = text;

	while (n < cap && (p = strchr(p, '('))) {
		const char *a1 = strstr(p, " => "), *a2 = a1 ? strstr(a1 + 4, " => ") : NULL, *q = p + 1;
		triple x;
		size_t rl;
		if (!a2 || !read_entity(&q, a1, x.s, x.st) || q != a1 || (rl = (size_t)(a2 - a1 - 4)) >= sizeof x.rel) {
			p++;
			continue;
		}
		memcpy(x.rel, a1 + 4, rl);
		x.rel[rl] = 0;
		q = a2 + 4;
		if (!read_entity(&q, q + strlen(q), x.o, x.ot)) {
			p++;
			continue;
		}
		t[n++] = x;
		p = q;
	}
	return n;
}

static int holds(const triple *t, size_t n, const char *s, const char *rel, const char *o)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(t[i].s, s) && !strcmp(t[i].rel, rel) && !strcmp(t[i].o, o))
			return 1;
	return 0;
}

static int aliases(const triple *t, size_t n, const char *a, const char *b)
{
	return holds(t, n, a, "per:alternate_names", b) || holds(t, n, b, "per:alternate_names", a);
}

/* Options for fact k: the key, then entities of its type from the same
 * sample that are not objects of (subject, rel), not the subject, not
 * another name of the key or of the subject. */
static int listed(const json_t *out, const char *v)
{
	json_t *e;
	size_t j;
	json_array_foreach(out, j, e)
		if (!strcmp(json_string_value(e), v))
			return 1;
	return 0;
}

/* The dialogue's speakers ("Speaker 3: ..." line heads) as more people. */
static void add_speakers(json_t *out, const triple *t, size_t n, size_t k, const char *dialogue)
{
	const char *p = dialogue;

	while (p && *p && json_array_size(out) < 4) {
		const char *colon = strchr(p, ':'), *nl = strchr(p, '\n');
		if (colon && (!nl || colon < nl) && colon - p > 0 && colon - p < 40) {
			char *v = ba_strndup(p, (size_t)(colon - p));
			if (strcmp(v, t[k].s) && !holds(t, n, t[k].s, t[k].rel, v) && !aliases(t, n, v, t[k].o) &&
			    !aliases(t, n, v, t[k].s) && !listed(out, v))
				json_array_append_new(out, json_string(v));
			free(v);
		}
		p = nl ? nl + 1 : NULL;
	}
}

static json_t *options_for(const triple *t, size_t n, size_t k, const char *dialogue)
{
	json_t *out = json_array();
	size_t i;
	int side;

	json_array_append_new(out, json_string(t[k].o));
	for (i = 0; i < n && json_array_size(out) < 4; i++)
		for (side = 0; side < 2; side++) {
			const char *v = side ? t[i].o : t[i].s, *vt = side ? t[i].ot : t[i].st;
			if (strcmp(vt, t[k].ot) || (!strcmp(t[k].rel, "per:title") && !(side && !strcmp(t[i].rel, "per:title"))))
				continue;
			if (!strcmp(v, t[k].s) || holds(t, n, t[k].s, t[k].rel, v) || aliases(t, n, v, t[k].o) ||
			    aliases(t, n, v, t[k].s))
				continue;
			if (!listed(out, v) && json_array_size(out) < 4)
				json_array_append_new(out, json_string(v));
		}
	if (!strcmp(t[k].ot, "PER"))
		add_speakers(out, t, n, k, dialogue);
	return out;
}

int ba_exec_relation_fact(const char *answer, const char *dialogue, uint64_t seed, char **question,
			  json_t **choices)
{
	triple *t = ba_calloc(TRIPLES_MAX, sizeof(*t));
	size_t n = parse_triples(answer ? answer : "", t, TRIPLES_MAX), i, a, cand[TRIPLES_MAX], nc = 0;
	int made = 0;

	*question = NULL;
	*choices = NULL;
	for (i = 0; i < n; i++)
		for (a = 0; a < sizeof asks / sizeof asks[0]; a++) {
			size_t j, objects = 0;
			if (strcmp(t[i].rel, asks[a].rel) || strcmp(t[i].ot, asks[a].type))
				continue;
			for (j = 0; j < n; j++)
				objects += !strcmp(t[j].s, t[i].s) && !strcmp(t[j].rel, t[i].rel);
			if (objects == 1)
				cand[nc++] = i * 16 + a;
		}
	/* a seeded fact with at least two other options */
	for (i = 0; i < nc && !made; i++) {
		size_t c = cand[(seed + i) % nc], k = c / 16;
		json_t *opts = options_for(t, n, k, dialogue);
		if (json_array_size(opts) >= 3) {
			*question = ba_asprintf(asks[c % 16].question, t[k].s);
			*choices = opts;
			made = 1;
		} else {
			json_decref(opts);
		}
	}
	free(t);
	return made;
}
