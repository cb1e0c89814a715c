/*
 * mock.c - offline responders for the executor's and verifier's roles
 * (realize, inspect, repair, fix), so a mock run makes sensible items:
 * step lists inside the transformation, distractors drawn from other
 * samples' answers, an inspector that passes items the deterministic
 * checks already passed, and repairs that keep the substance. Everything
 * they produce is marked mock by the gateway.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/rng.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The JSON input the executor sent as the user message. New ref or NULL. */
static json_t *request_input(const ba_llm_request *req)
{
	json_t *msg = json_array_get(req->messages, json_array_size(req->messages) - 1);
	json_t *c = json_object_get(msg, "content");
	const char *text = NULL;

	if (json_is_string(c))
		text = json_string_value(c);
	else if (json_is_array(c))
		text = ba_json_str(json_array_get(c, 0), "text", NULL);
	return text ? json_loads(text, 0, NULL) : NULL;
}

static json_t *mock_steps(const json_t *in)
{
	json_t *steps = json_array(), *s;
	size_t i;

	json_array_foreach(json_object_get(in, "allowed_steps"), i, s) {
		const ba_tool *t = ba_tool_find(ba_json_str(s, "tool", ""));
		if (t)
			json_array_append_new(steps, json_pack("{s:s, s:o}", "tool", t->name, "args",
							       json_loads(t->default_args, 0, NULL)));
	}
	return json_pack("{s:o}", "steps", steps);
}

static const char *answer_text(const json_t *item)
{
	return ba_draft_answer_text(item);
}

/* Distractors as a careful writer would pick them: other samples' values
 * of the same field (aux.answer_pool) of the key's kind and similar length,
 * never the key or containing it; numbers also get nearby values. Fewer
 * than asked when the pool has too few such values (never a padded
 * "not X" option). */
static json_t *mock_distractors(const json_t *in, uint64_t seed)
{
	const json_t *item = json_object_get(in, "item"), *pool = json_object_get(in, "answer_pool"), *p;
	long n = (long)ba_json_int(json_object_get(in, "args"), "n", 3);
	const char *ans = answer_text(item);
	json_t *out = json_array();
	size_t i, np = json_array_size(pool), start = np ? (size_t)(seed % np) : 0;
	char *end = NULL;
	double v = ans ? strtod(ans, &end) : 0;

	for (i = 0; ans && *ans && i < np && (long)json_array_size(out) < n; i++) {
		p = json_array_get(pool, (start + i) % np);
		if (json_is_string(p) && ba_exec_value_fits(ans, json_string_value(p), out))
			json_array_append(out, (json_t *)p);
	}
	for (i = 1; ans && *ans && end && !*end && (long)json_array_size(out) < n && i < 16; i++) {
		double d = (double)((i + 1) / 2) * ((i % 2) ? 1 : -1);
		json_t *c = json_sprintf("%.10g", v + d * (1 + (double)(seed % 3)));
		if (ba_exec_value_fits(ans, json_string_value(c), out))
			json_array_append(out, c);
		json_decref(c);
	}
	return json_pack("{s:o}", "distractors", out);
}

static json_t *mock_dialogue(const json_t *item)
{
	const char *src = ba_json_str(item, "context", ba_json_str(item, "question", ""));
	json_t *turns = json_array();
	const char *p = src;
	int k = 0;

	while (*p && k < 12) {
		const char *e = strpbrk(p, ".!?\n");
		size_t len = e ? (size_t)(e - p + 1) : strlen(p);
		while (len && isspace((unsigned char)*p))
			p++, len--;
		if (len)
			json_array_append_new(turns, json_pack("{s:s, s:s%}", "speaker", k % 2 ? "B" : "A",
							       "text", p, len));
		k += len > 0;
		p += len;
		if (!e)
			break;
	}
	while (json_array_size(turns) < 2)
		json_array_append_new(turns, json_pack("{s:s, s:s}", "speaker", k++ % 2 ? "B" : "A", "text",
						       "Let us look at this carefully."));
	return json_pack("{s:o}", "dialogue", turns);
}

static int realize(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	const char *name = req->schema_name ? req->schema_name : "";
	json_t *in = request_input(req), *item;
	const char *q;

	(void)ud;
	if (!in)
		return 1;
	item = json_object_get(in, "item");
	q = ba_json_str(item, "question", "");
	if (!strcmp(name, "exec_steps"))
		resp->json = mock_steps(in);
	else if (!strcmp(name, "exec_distractor_writing"))
		resp->json = mock_distractors(in, seed);
	else if (!strcmp(name, "exec_question_rewrite"))
		resp->json = json_pack("{s:o}", "question",
				       strncmp(q, "Based on the given material", 27) ?
					       json_sprintf("Based on the given material, answer: %s", q) :
					       json_string(q));
	else if (!strcmp(name, "exec_context_construction"))
		resp->json = json_pack("{s:o}", "context",
				       ba_json_str(item, "context", NULL) ?
					       json_sprintf("Background. %s", ba_json_str(item, "context", "")) :
					       json_sprintf("Consider the following situation, then answer. %s", q));
	else if (!strcmp(name, "exec_dialogue_synthesis"))
		resp->json = mock_dialogue(item);
	else if (!strcmp(name, "exec_reasoning_transform"))
		resp->json = json_pack("{s:o, s:o}", "question",
				       json_sprintf("%s Think it through step by step before answering.", q),
				       "explanation",
				       json_sprintf("The material supports the answer \"%s\".",
						    answer_text(item) ? answer_text(item) : ""));
	else {
		json_decref(in);
		return 1;
	}
	json_decref(in);
	return 0;
}

/* ---- the mock examinee of the probes ----
 * It does not know the key: it answers from what it is shown, like a
 * test-taker with no knowledge. Shown only options, it picks the one that
 * stands out in shape (the only one with digits, or without; the only
 * capitalised or lower-case one; one at least twice as long as every
 * other); shown the question, the option sharing the most content words
 * with it. It is confident only when one option stands out. */
static json_t *content_words(const char *s)
{
	static const char *stop[] = { "the", "and", "for", "that", "this", "with", "which", "what", "from",
				      "are", "was", "were", "is", "of", "to", "in", "on", "a", "an", "it", "by",
				      "as", "at", "or", "be", "its", "their", "how", "why", "when", "who", NULL };
	json_t *set = json_object();
	char *n = ba_verify_normalize(s), *w, *save = NULL;
	int i, skip;

	for (w = strtok_r(n, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		for (i = 0, skip = strlen(w) < 3; stop[i] && !skip; i++)
			skip = !strcmp(w, stop[i]);
		if (!skip)
			json_object_set_new(set, w, json_true());
	}
	free(n);
	return set;
}

static unsigned shape(const char *s)
{
	unsigned sh = 0;
	const char *p;
	for (p = s; *p; p++)
		sh |= isdigit((unsigned char)*p) ? 1u : 0u;
	while (*s && !isalnum((unsigned char)*s))
		s++;
	sh |= isupper((unsigned char)*s) ? 2u : 0u;
	return sh;
}

/* Index of the only option whose value of f differs from all the others
 * (which agree), or -1. */
static int odd_one(const json_t *choices, unsigned (*f)(const char *))
{
	size_t n = json_array_size(choices), i, j;
	for (i = 0; n >= 3 && i < n; i++) {
		unsigned fi = f(json_string_value(json_array_get(choices, i))), ref = 0;
		int same = 1, first = 1;
		for (j = 0; j < n && same; j++) {
			unsigned fj;
			if (j == i)
				continue;
			fj = f(json_string_value(json_array_get(choices, j)));
			if (first)
				ref = fj, first = 0;
			same = fj == ref;
		}
		if (same && fi != ref)
			return (int)i;
	}
	return -1;
}

static int longest_by_far(const json_t *choices)
{
	size_t n = json_array_size(choices), i, best = 0, second = 0;
	int bi = -1;
	for (i = 0; i < n; i++) {
		size_t l = strlen(json_string_value(json_array_get(choices, i)));
		if (l > best)
			second = best, best = l, bi = (int)i;
		else if (l > second)
			second = l;
	}
	return n >= 3 && best >= 2 * second + 4 ? bi : -1;
}

static json_t *mock_probe(const json_t *in)
{
	const json_t *choices = json_object_get(in, "choices");
	const char *q = ba_json_str(in, "question", NULL), *why = "nothing singles out an option: a guess";
	int pick = -1, conf = 0;
	char L[2] = { 'A', 0 };

	if (json_array_size(choices) >= 2) {
		if (q) {
			json_t *qw = content_words(q), *c;
			size_t i, best = 0, ties = 0;
			json_array_foreach(choices, i, c) {
				json_t *cw = content_words(json_string_value(c));
				const char *k;
				json_t *v;
				size_t hits = 0;
				json_object_foreach(cw, k, v)
					hits += json_object_get(qw, k) != NULL;
				json_decref(cw);
				if (hits > best)
					best = hits, pick = (int)i, ties = 0;
				else if (hits == best && hits)
					ties++;
			}
			json_decref(qw);
			conf = best > 0 && !ties;
			if (conf)
				why = "the option that shares the most words with the question";
		} else if ((pick = odd_one(choices, shape)) >= 0 || (pick = longest_by_far(choices)) >= 0) {
			conf = 1;
			why = "the option that does not look like the others";
		}
		L[0] = (char)('A' + (pick >= 0 ? pick : 0));
		return json_pack("{s:s, s:b, s:s}", "answer", L, "confident", conf, "reason", why);
	}
	return json_pack("{s:s, s:b, s:s}", "answer", "", "confident", 0, "reason",
			 "no options and the input is hidden: no answer");
}

static int inspect(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	(void)ud;
	(void)seed;
	if (req->schema_name && !strcmp(req->schema_name, "verify_probe")) {
		json_t *in = request_input(req);
		if (!in)
			return 1;
		resp->json = mock_probe(in);
		json_decref(in);
		return 0;
	}
	resp->json = json_pack("{s:b, s:b, s:b, s:b, s:s, s:s}", "answerable_without_input", 0,
			       "answer_correct", 1, "answer_hinted", 0, "ambiguous", 0, "verdict", "pass",
			       "reason", "mock inspector: no problem found");
	return 0;
}

static int repair(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	(void)ud;
	(void)req;
	(void)seed;
	resp->json = json_pack("{s:b, s:b, s:[{s:s, s:s}], s:s}", "repairable", 1, "changes_substance", 0,
			       "edits", "field", "question", "instruction",
			       "state the question more precisely", "reason", "mock repair planner");
	return 0;
}

static int fix(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	json_t *in = request_input(req), *item;

	(void)ud;
	(void)seed;
	if (!in)
		return 1;
	item = json_object_get(in, "item");
	resp->json = json_pack("{s:s}", "question", ba_json_str(item, "question", "?"));
	if (ba_json_str(item, "context", NULL))
		json_object_set(resp->json, "context", json_object_get(item, "context"));
	if (json_object_get(item, "choices"))
		json_object_set(resp->json, "choices", json_object_get(item, "choices"));
	json_decref(in);
	return 0;
}

void ba_exec_register_mocks(void)
{
	ba_mock_register("realize", realize, NULL);
	ba_mock_register("inspect", inspect, NULL);
	ba_mock_register("repair", repair, NULL);
	ba_mock_register("fix", fix, NULL);
}
