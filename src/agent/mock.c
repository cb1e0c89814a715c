/*
 * mock.c - offline responders for the planner's roles (query, design,
 * grounding, allocation). They read the <state> block of the prompt and
 * answer like a careful but literal model: keywords from the request,
 * subtasks from keyword groups, scores from keyword overlap with each
 * candidate's card, quotas from the deterministic allocator. Everything
 * they produce is marked mock by the gateway, and so is the plan.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/answer.h"
#include "benchagent/text.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_call(ba_llm_response *resp, const char *name, json_t *args, uint64_t seed)
{
	char id[40];
	snprintf(id, sizeof(id), "call_%016llx", (unsigned long long)seed);
	if (!resp->tool_calls)
		resp->tool_calls = json_array();
	json_array_append_new(resp->tool_calls,
			      json_pack("{s:s, s:s, s:o}", "id", id, "name", name, "arguments", args));
}

/* ---- query ---- */
static int mock_query(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	json_t *q = ba_agent_request_state(req), *kw, *mods, *cons;
	const char *d;
	char *lower, *topic;
	size_t i;

	(void)ud;
	(void)seed;
	if (!q)
		return 1;
	d = ba_json_str(q, "description", "");
	lower = ba_strdup(d);
	for (i = 0; lower[i]; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] + 32);
	kw = ba_planner_keywords(d, 10);
	mods = ba_planner_text_modalities(d);
	cons = json_array();
	{
		const char *s = d;
		while (*s) {
			const char *e = strpbrk(s, ".;");
			size_t n = e ? (size_t)(e - s) : strlen(s);
			char *sent = ba_strndup(s, n);
			if (strstr(sent, " must ") || strstr(sent, " should ") || strstr(sent, " not "))
				json_array_append_new(cons, json_string(sent[0] == ' ' ? sent + 1 : sent));
			free(sent);
			s += n;
			if (*s)
				s++;
		}
	}
	{
		ba_buf b = BA_BUF_INIT(512);
		for (i = 0; i < 3 && i < json_array_size(kw); i++)
			ba_buf_printf(&b, "%s%s", i ? " " : "", json_string_value(json_array_get(kw, i)));
		ba_buf_puts(&b, " reasoning");
		topic = ba_buf_detach(&b);
	}
	if (json_array_size(kw) == 0)
		json_array_append_new(kw, json_string("general"));
	resp->json = json_pack("{s:s, s:o, s:o, s:o}", "topic", topic, "modalities", mods, "keywords",
			       kw, "constraints", cons);
	free(topic);
	free(lower);
	json_decref(q);
	return 0;
}

/* ---- design ---- */
static json_t *mock_schema(const json_t *mods)
{
	json_t *sch = json_pack("{s:s, s:s, s:s, s:s, s:s}", "question", "string", "context", "string",
				"choices", "list", "answer", "string", "explanation", "string?");
	size_t k;

	for (k = 0; k < json_array_size(mods); k++) {
		const char *m = json_string_value(json_array_get(mods, k));
		if (m && (!strcmp(m, "image") || !strcmp(m, "audio"))) {
			json_object_set_new(sch, m, json_string(m));
			/* the image or the speech is the item's input: a written
			 * passage is optional (spoken, it is not kept as text) */
			json_object_set_new(sch, "context", json_string("string?"));
		}
	}
	return sch;
}

static json_t *pack_subtask(const char *name, const char *desc, const json_t *mods, json_t *kw, size_t i,
			    const char *why)
{
	return json_pack("{s:s, s:s, s:O, s:s, s:o, s:o, s:i, s:s}", "name", name, "description", desc,
			 "modalities", mods, "answer_type", "choice", "schema", mock_schema(mods), "keywords", kw,
			 "difficulty", (int)(2 + i % 3), "rationale", why);
}

/* A subtask for one keyword group of the analysis (when the request's
 * clauses are used up, e.g. more subtasks asked for capacity). */
static json_t *mock_subtask(const json_t *analysis, size_t i, const char *desc)
{
	const json_t *kw = json_object_get(analysis, "keywords");
	size_t n = json_array_size(kw), k;
	json_t *group = json_array(), *st;
	ba_buf name = BA_BUF_INIT(512), d = BA_BUF_INIT(4096);

	for (k = 0; k < 3 && n; k++)
		json_array_append(group, json_array_get(kw, (i * 3 + k) % n));
	ba_buf_printf(&name, "%s: %s and %s", i == 0 ? "Integrate" : i == 1 ? "Compare" : "Infer",
		      json_string_value(json_array_get(group, 0)),
		      json_string_value(json_array_get(group, json_array_size(group) > 1 ? 1 : 0)));
	ba_buf_printf(&d, "Items on %s that test %s; from the request: ",
		      ba_json_str(analysis, "topic", "the topic"), ba_buf_cstr(&name));
	{
		char *clip = ba_text_clip(desc, 300); /* at a word boundary, with an ellipsis */
		ba_buf_puts(&d, clip);
		free(clip);
	}
	st = pack_subtask(ba_buf_cstr(&name), ba_buf_cstr(&d), json_object_get(analysis, "modalities"), group, i,
			  "covers a distinct group of the request's keywords");
	ba_buf_free(&name);
	ba_buf_free(&d);
	return st;
}

/* A subtask for one capability the request names (ba_planner_clauses):
 * named after the clause, its keywords the clause's content words and
 * the topic words that go with it. */
static json_t *clause_subtask(const json_t *analysis, const json_t *clause, size_t i, const char *request)
{
	const char *c = ba_json_str(clause, "clause", "");
	json_t *kw = ba_planner_keywords(c, 4), *t;
	ba_buf d = BA_BUF_INIT(4096);
	char *name = ba_text_clip(c, 70);
	size_t j;

	if (name[0] >= 'a' && name[0] <= 'z')
		name[0] = (char)(name[0] - 32);
	ba_buf_printf(&d, "%c%s.", c[0] >= 'a' && c[0] <= 'z' ? c[0] - 32 : c[0], c[0] ? c + 1 : "");
	json_array_foreach(json_object_get(clause, "topic"), j, t) {
		size_t k;
		int dup = 0;
		for (k = 0; k < json_array_size(kw); k++)
			dup |= !strcmp(json_string_value(json_array_get(kw, k)), json_string_value(t));
		ba_buf_printf(&d, "%s%s", j ? ", " : " Part of a benchmark on: ", json_string_value(t));
		if (!dup && json_array_size(kw) < 6)
			json_array_append(kw, t);
	}
	{
		/* the request itself stays out of the description: quoted there it
		 * would pull every subtask towards the same sources */
		char *clip = ba_text_clip(request, 160), *why = ba_asprintf("one capability the request names: %s", clip);
		json_t *st = pack_subtask(name, ba_buf_cstr(&d), json_object_get(analysis, "modalities"), kw, i, why);
		free(clip);
		free(why);
		ba_buf_free(&d);
		free(name);
		return st;
	}
}

/* Feedback "stN 'name': cannot build from SRC: ... the source gives X
 * answers ..." (the executor's dry build): take the source's answer type,
 * without options, the material in the question (context optional); a
 * missing context alone makes the context optional. 1 when a revision
 * was proposed, 0 when it was made already, -1 when no revision helps. */
static int cannot_build_revision(const json_t *st, const char *msg, ba_llm_response *resp, uint64_t seed)
{
	const char *const *types = ba_answer_types;
	const char *g = strstr(msg, "the source gives ");
	const char *at = ba_json_str(st, "answer_type", "");
	json_t *sch = json_deep_copy(json_object_get(st, "schema")), *args;
	const char *want = NULL;
	int i, changed = 0;

	/* a source's type without options (a source giving choices is no
	 * revision to "without options") */
	for (i = 0; g && types[i]; i++)
		if (strcmp(types[i], "choice") && !strncmp(g + 17, types[i], strlen(types[i])) &&
		    g[17 + strlen(types[i])] == ' ')
			want = types[i];
	if (!json_is_object(sch))
		sch = json_object();
	if (want && strcmp(want, at)) {
		json_object_del(sch, "choices");
		changed = 1;
	}
	if ((want || strstr(msg, "requires a context")) && json_object_get(sch, "context") &&
	    strcmp(ba_json_str(sch, "context", ""), "string?")) {
		json_object_set_new(sch, "context", json_string("string?"));
		changed = 1;
	}
	if (!changed) {
		json_decref(sch);
		return want || strstr(msg, "requires a context") ? 0 : -1;
	}
	args = json_pack("{s:s, s:o, s:s}", "id", ba_json_str(st, "id", ""), "schema", sch, "rationale",
			 "the dry build showed the grounded source cannot make items of this shape");
	if (want)
		json_object_set_new(args, "answer_type", json_string(want));
	add_call(resp, "revise_subtask", args, seed);
	return 1;
}

static int mock_design(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	json_t *s = ba_agent_request_state(req), *subs, *fb, *f, *st, *clauses;
	const json_t *analysis;
	size_t i, j, want, nclauses;
	long round;
	int capacity_fb = 0;

	(void)ud;
	if (!s)
		return 1;
	subs = json_object_get(s, "subtasks");
	fb = json_object_get(s, "feedback");
	analysis = json_object_get(s, "analysis");
	round = (long)ba_json_int(s, "round", 1);
	/* feedback on a subtask: make it text-only if a modality was the
	 * problem, otherwise discard it */
	json_array_foreach(fb, i, f) {
		const char *msg = json_string_value(f);
		if (!msg)
			continue;
		if (!strncmp(msg, "capacity", 8)) {
			capacity_fb = 1;
			continue;
		}
		json_array_foreach(subs, j, st) {
			const char *id = ba_json_str(st, "id", "");
			size_t n = strlen(id);
			if (strncmp(msg, id, n) || msg[n] != ' ')
				continue;
			if (strstr(msg, "cannot build")) {
				int r = cannot_build_revision(st, msg, resp, seed);
				if (r > 0) {
					json_decref(s);
					return 0;
				}
				if (r == 0)
					continue; /* already revised */
			}
			if (strstr(msg, "modalities")) {
				if (json_array_size(json_object_get(st, "modalities")) <= 1)
					continue; /* already revised */
				add_call(resp, "revise_subtask",
					 json_pack("{s:s, s:[s], s:s}", "id", id, "modalities", "text",
						   "rationale", "no source has the requested media: use text"),
					 seed);
			} else if (json_array_size(subs) > 1) {
				add_call(resp, "discard_subtask",
					 json_pack("{s:s, s:s}", "id", id, "rationale",
						   "the grounding agent found no source for it"),
					 seed);
			} else {
				continue;
			}
			json_decref(s);
			return 0;
		}
	}
	clauses = ba_planner_clauses(ba_json_str(json_object_get(s, "query"), "description", ""));
	nclauses = json_array_size(clauses);
	want = nclauses ? nclauses : json_array_size(json_object_get(analysis, "keywords")) >= 4 ? 2 : 1;
	if (nclauses && round > 1 && !capacity_fb)
		want = json_array_size(subs); /* a discarded capability is not proposed again */
	if (capacity_fb)
		want += (size_t)(round > 1 ? round - 1 : 1);
	if (want > (size_t)ba_json_int(s, "max_subtasks", 6))
		want = (size_t)ba_json_int(s, "max_subtasks", 6);
	if (json_array_size(subs) < want) {
		size_t idx = json_array_size(subs);
		json_t *args = round == 1 && idx < nclauses
				       ? clause_subtask(analysis, json_array_get(clauses, idx), idx,
							ba_json_str(json_object_get(s, "query"), "description", ""))
				       : mock_subtask(analysis, idx + (size_t)(round - 1),
						      ba_json_str(json_object_get(s, "query"), "description", ""));
		json_array_foreach(fb, i, f)
			if (json_string_value(f) && strstr(json_string_value(f), "modalities"))
				json_object_set_new(args, "modalities", json_pack("[s]", "text"));
		add_call(resp, "propose_subtask", args, seed);
	} else {
		add_call(resp, "finish",
			 json_pack("{s:s}", "rationale", "the subtasks cover what the request asks for"),
			 seed);
	}
	json_decref(clauses);
	json_decref(s);
	return 0;
}

/* ---- grounding ---- */
static const char *role_path(const json_t *fields, const char *role)
{
	json_t *f = json_object_get(fields, role);
	return json_string_value(json_array_get(json_object_get(f, "paths"), 0));
}

/* The candidate's words as a term set: 2 for what it is (name,
 * description, tasks), 1 for what its fields' semantics mention. New ref. */
static json_t *cand_terms(const json_t *cand)
{
	ba_buf text = BA_BUF_INIT(1 << 16);
	json_t *set = json_object(), *toks, *v;
	const char *k;
	size_t i;

	json_object_foreach(json_object_get(cand, "fields"), k, v)
		ba_buf_printf(&text, "%s %s ", k, ba_json_str(v, "semantics", ""));
	toks = ba_text_terms(ba_buf_cstr(&text));
	json_array_foreach(toks, i, v)
		json_object_set_new(set, json_string_value(v), json_integer(1));
	json_decref(toks);
	ba_buf_reset(&text);
	ba_buf_printf(&text, "%s %s ", ba_json_str(cand, "name", ""), ba_json_str(cand, "description", ""));
	json_array_foreach(json_object_get(cand, "tasks"), i, v)
		ba_buf_printf(&text, "%s ", json_string_value(v) ? json_string_value(v) : "");
	toks = ba_text_terms(ba_buf_cstr(&text));
	json_array_foreach(toks, i, v)
		json_object_set_new(set, json_string_value(v), json_integer(2));
	json_decref(toks);
	ba_buf_free(&text);
	return set;
}

/* How the candidate holds term w: 2 in what it is, 1 in its fields'
 * semantics, half that for a WordNet relative of w (a careful reader
 * knows an automobile is a car); syn caches the relatives. */
static double held(const json_t *have, const char *w, json_t *syn)
{
	json_t *rel = json_object_get(syn, w), *v;
	const char *k;
	json_int_t best = json_integer_value(json_object_get(have, w));

	if (best)
		return (double)best;
	if (!rel) {
		rel = json_object();
		ba_text_expand(rel, w, 1.0, NULL, NULL);
		json_object_set_new(syn, w, rel);
	}
	json_object_foreach(rel, k, v)
		if (json_integer_value(json_object_get(have, k)) > best)
			best = json_integer_value(json_object_get(have, k));
	return 0.5 * (double)best;
}

/* Share of the wanted terms a candidate holds, each term weighted by how
 * rare it is among the candidates (a word every candidate has tells them
 * apart no better than none), a term only its fields mention counting
 * half: what a careful but literal reader would weigh. */
static double overlap(const json_t *want, const json_t *have, const json_t *all, json_t *syn)
{
	double got = 0, tot = 0;
	size_t i, j, n = json_array_size(all);
	json_t *w, *h;

	json_array_foreach(want, i, w) {
		size_t df = 0;
		double wt;
		json_array_foreach(all, j, h)
			df += held(h, json_string_value(w), syn) > 0;
		/* a term no candidate has says nothing about which one fits: it
		 * weighs as little as a term every candidate has */
		wt = log(1.0 + (double)(n + 1) / (double)((df ? df : n) + 1));
		tot += wt;
		got += wt * held(have, json_string_value(w), syn) / 2.0;
	}
	return tot > 0 ? got / tot : 0;
}

/* Distinct terms of a list of strings (keywords) or a text. New ref. */
static json_t *want_terms(const json_t *list, const char *text)
{
	ba_buf b = BA_BUF_INIT(1 << 16);
	json_t *t, *seen = json_object(), *out = json_array(), *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (json_is_string(v))
			ba_buf_printf(&b, "%s ", json_string_value(v));
	ba_buf_puts(&b, text ? text : "");
	t = ba_text_terms(ba_buf_cstr(&b));
	json_array_foreach(t, i, v)
		if (!json_object_get(seen, json_string_value(v)) &&
		    !ba_planner_presentation_word(json_string_value(v))) {
			json_object_set(seen, json_string_value(v), json_true());
			json_array_append(out, v);
		}
	json_decref(t);
	json_decref(seen);
	ba_buf_free(&b);
	return out;
}

static json_t *mock_field_map(const json_t *st, const json_t *cand, size_t *nreq, size_t *mapped)
{
	const json_t *fields = json_object_get(cand, "fields"), *sch = json_object_get(st, "schema");
	int gen = !strcmp(ba_json_str(cand, "kind", ""), "generator");
	json_t *fm = json_object(), *v;
	const char *k;

	*nreq = *mapped = 0;
	json_object_foreach((json_t *)sch, k, v) {
		const char *p = NULL;
		char key[64];
		size_t n = strlen(k);
		snprintf(key, sizeof(key), "%.*s", (int)(n && k[n - 1] == '?' ? n - 1 : n), k);
		if (!json_is_string(v) || strchr(json_string_value(v), '?') == NULL)
			(*nreq)++;
		if (gen) {
			if (!strcmp(key, "question") || !strcmp(key, "answer") || !strcmp(key, "choices") ||
			    !strcmp(key, "explanation"))
				p = key;
		} else if (!strcmp(key, "question")) {
			p = role_path(fields, "question");
		} else if (!strcmp(key, "context")) {
			p = role_path(fields, "context") ? role_path(fields, "context") : role_path(fields, "dialog");
		} else if (!strcmp(key, "choices")) {
			p = role_path(fields, "options");
		} else if (!strcmp(key, "answer")) {
			p = role_path(fields, "answer") ? role_path(fields, "answer")
			    : role_path(fields, "category") ? role_path(fields, "category") : role_path(fields, "bbox");
		} else if (!strcmp(key, "image") || !strcmp(key, "audio")) {
			p = role_path(fields, key);
			if (!p && json_object_get(cand, "via"))
				(*mapped)++; /* made from its text by the conversion tool */
		}
		if (p) {
			json_object_set_new(fm, key, json_string(p));
			(*mapped)++;
		}
	}
	return fm;
}

/* A type-B source: no question role, its only text an instruction (or
 * none), and an answer-like role holding a label, name or box. */
static int type_b(const json_t *cand)
{
	const json_t *fields = json_object_get(cand, "fields"), *ctx = json_object_get(fields, "context");
	if (strcmp(ba_json_str(cand, "kind", ""), "dataset") || json_object_get(fields, "question"))
		return 0;
	if (ctx && strcmp(ba_json_str(ctx, "style", ""), "instruction"))
		return 0;
	return role_path(fields, "answer") || role_path(fields, "category") || role_path(fields, "bbox");
}

static json_t *mock_transformation(const json_t *st, const json_t *cand, const json_t *fm)
{
	const json_t *sch = json_object_get(st, "schema"), *via;
	int gen = !strcmp(ba_json_str(cand, "kind", ""), "generator");
	json_t *tr = json_array();
	size_t i;

#define STEP(t_, p_) json_array_append_new(tr, json_pack("{s:s, s:s}", "tool", t_, "purpose", p_))
	if (gen) {
		if (!strcmp(ba_json_str(st, "answer_type", ""), "choice"))
			STEP("choice_shuffle", "seeded order of the generator's options");
	} else if (type_b(cand) && !strcmp(ba_json_str(st, "answer_type", ""), "choice")) {
		/* no ready question, a label to ask for: the item comes from the metadata */
		/* the question names what the target role holds */
		const json_t *fl = json_object_get(cand, "fields");
		char *p = role_path(fl, "answer") || role_path(fl, "category")
				  ? ba_asprintf("ask for the %s label", ba_json_str(cand, "name", "dataset"))
				  : ba_strdup("ask for the bounding box");
		STEP("metadata_question", p);
		free(p);
		STEP("choice_shuffle", "seeded option order");
	} else {
		if (json_object_get(sch, "context") && !json_object_get(fm, "context"))
			STEP("context_construction", "write the context the question needs");
		if (!json_object_get(fm, "question"))
			STEP("question_rewrite", "turn the sample into a question for this subtask");
		else
			STEP("reasoning_transform", "make the question need the subtask's reasoning");
		if (!strcmp(ba_json_str(st, "answer_type", ""), "choice")) {
			if (!json_object_get(fm, "choices"))
				STEP("distractor_writing", "write plausible wrong options");
			STEP("choice_shuffle", "seeded option order");
		}
	}
	json_array_foreach(json_object_get(cand, "via"), i, via)
		STEP(ba_json_str(via, "tool", ""), "produce the subtask's modality from the source's text");
	STEP("answer_normalize", "answer in the subtask's answer format");
#undef STEP
	return tr;
}

/* 1 when retrieval found one of the query's words (or their WordNet
 * expansions) in the candidate's name. A dataset's name says what it is
 * about; one whose name shares no word with the subtask matched only on
 * words most cards use ("infer", "multiple" of multiple-choice). */
static int name_matched(const json_t *cand)
{
	const char *t;
	json_t *fields, *f;
	size_t i;

	json_object_foreach(json_object_get(cand, "matched"), t, fields)
		json_array_foreach(fields, i, f)
			if (json_is_string(f) && !strcmp(json_string_value(f), "name"))
				return 1;
	return 0;
}

static json_t *mock_score(const json_t *st, const json_t *request_kw, const json_t *cand,
			  const json_t *all, json_t *syn, size_t rank, double top)
{
	int gen = !strcmp(ba_json_str(cand, "kind", ""), "generator");
	json_t *fm, *tr, *have = cand_terms(cand), *want, *t;
	size_t nreq, mapped;
	double f, fn, rel, fr, align, ralign, cov, simp;
	char *buf;

	want = want_terms(json_object_get(st, "keywords"), NULL);
	f = overlap(want, have, all, syn);
	{
		json_t *nt = want_terms(NULL, ba_json_str(st, "name", ""));
		fn = overlap(nt, have, all, syn);
		json_decref(nt);
	}
	rel = ba_json_num(cand, "retrieval", 0) / (top > 0.55 ? top : 0.55);
	fr = overlap(request_kw, have, all, syn);
	fm = mock_field_map(st, cand, &nreq, &mapped);
	tr = mock_transformation(st, cand, fm);
	/* the keywords, and how close retrieval put the card to the best one
	 * (the hybrid score over both views, relative to the best candidate's
	 * or to 0.55 when even the best matched poorly): squared, so a card
	 * far behind the best is judged unrelated however easy its fields */
	align = 0.05 + 0.35 * f + 0.6 * rel * rel + (rank == 0 && f > 0 ? 0.05 : 0);
	if (fn == 0 && align > 0.35)
		align = 0.35; /* not one word of the capability the subtask names */
	if (!gen && !name_matched(cand) && align > 0.35)
		align = 0.35; /* a dataset about something else */
	ralign = 0.15 + 2.5 * fr;
	if (align > 1)
		align = 1;
	if (ralign > 1)
		ralign = 1;
	cov = nreq ? (double)mapped / (double)(nreq + 1) + 0.25 : 0.5;
	if (cov > 1)
		cov = 1;
	simp = json_array_size(tr) <= 2 ? 0.8 : json_array_size(tr) <= 3 ? 0.6 : 0.45;
	buf = ba_asprintf("%.0f%% of the subtask's distinguishing keywords and %.0f%% of the request's "
			  "appear in its card (%.0f%% of the words naming the capability); retrieval %.2f "
			  "(%.2f of the best); %zu of its schema fields map to source fields%s",
			  f * 100, fr * 100, fn * 100, ba_json_num(cand, "retrieval", 0), rel, mapped,
			  !gen && !name_matched(cand) ? "; its name shares no word with the subtask" : "");
	t = json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:o, s:o, s:s}", "source",
		      ba_json_str(cand, "source", ""), "alignment", align, "request_alignment", ralign,
		      "coverage", cov, "simplicity", simp, "risk", gen ? 0.1 : 0.25, "overall",
		      0.7 * align + 0.3 * cov, "field_map", fm, "transformation", tr,
		      "rationale", buf);
	free(buf);
	json_decref(have);
	json_decref(want);
	return t;
}

static int mock_grounding(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	json_t *s = ba_agent_request_state(req), *scores, *c, *all, *rkw, *syn;
	double top[2] = { 0, 0 };
	size_t i;

	(void)ud;
	if (!s)
		return 1;
	all = json_array();
	syn = json_object();
	json_array_foreach(json_object_get(s, "candidates"), i, c)
		json_array_append_new(all, cand_terms(c));
	rkw = want_terms(NULL, ba_json_str(json_object_get(s, "request"), "description", ""));
	scores = json_array();
	/* retrieval is judged against the best candidate of the same kind: a
	 * generator's card (a name, one sentence and tags) and a dataset's
	 * (a README, fields, tasks) are not on one scale, and a generator
	 * worded like the request must not make every dataset look unrelated */
	json_array_foreach(json_object_get(s, "candidates"), i, c) {
		int g = !strcmp(ba_json_str(c, "kind", ""), "generator");
		if (ba_json_num(c, "retrieval", 0) > top[g])
			top[g] = ba_json_num(c, "retrieval", 0);
	}
	json_array_foreach(json_object_get(s, "candidates"), i, c)
		json_array_append_new(scores, mock_score(json_object_get(s, "subtask"), rkw, c, all, syn, i,
							 top[!strcmp(ba_json_str(c, "kind", ""), "generator")]));
	add_call(resp, "score_candidates",
		 json_pack("{s:o, s:s}", "scores", scores, "rationale",
			   "scored by distinguishing keyword overlap with the subtask and the request, "
			   "and field coverage"),
		 seed);
	json_decref(all);
	json_decref(rkw);
	json_decref(syn);
	json_decref(s);
	return 0;
}

/* ---- retrieval preferences ---- */
static int mock_retrieval(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	json_t *s = ba_agent_request_state(req);

	(void)ud;
	(void)seed;
	if (!s)
		return 1;
	resp->json = ba_planner_prefs_derive(json_object_get(s, "subtask"), json_object_get(s, "conversions"));
	json_decref(s);
	return 0;
}

/* ---- allocation ---- */
static int mock_allocation(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	json_t *s = ba_agent_request_state(req), *q, *empty = json_array();
	char *note = NULL;

	(void)ud;
	if (!s)
		return 1;
	q = ba_alloc_repair(json_object_get(s, "pairs"), json_object_get(s, "subtasks"), empty,
			    (long)ba_json_int(s, "target_size", 0), &note);
	free(note);
	json_decref(empty);
	if (json_array_size(q) == 0) {
		json_decref(q);
		json_decref(s);
		return 1;
	}
	add_call(resp, "set_quotas",
		 json_pack("{s:o, s:s}", "quotas", q, "rationale",
			   "balanced across subtasks, within each source's capacity"),
		 seed);
	json_decref(s);
	return 0;
}

void ba_plan_register_mocks(void)
{
	ba_mock_register("query", mock_query, NULL);
	ba_mock_register("design", mock_design, NULL);
	ba_mock_register("grounding", mock_grounding, NULL);
	ba_mock_register("retrieval", mock_retrieval, NULL);
	ba_mock_register("allocation", mock_allocation, NULL);
}
