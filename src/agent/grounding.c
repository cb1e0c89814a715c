/*
 * grounding.c - the grounding agent (role "grounding"). For each subtask:
 * retrieval preferences -> candidates (cards and generators, 2-3 kept) ->
 * the model scores alignment, coverage, simplicity, risk and overall and
 * gives a field_map and a transformation plan per candidate -> the blend
 * decides acceptance. Subtasks nothing can ground go back to design with
 * feedback. Input: {subtasks, pool, round}. Output: {sources, groundings,
 * ungrounded: [{subtask, feedback}], rationale, history, mock}.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Item fields a generator produces (targets of a generator field_map). */
static const char *const gen_fields[] = { "question", "answer", "answer_text", "choices",
					  "explanation", "context", "media", "metadata", NULL };

typedef struct {
	planner *p;
	const json_t *subtask;
	const json_t *request;  /* the query: {id, description, target_size} */
	json_t *prefs;          /* retrieval preferences of this subtask */
	json_t *candidates;
	json_t *scores;        /* accepted model scores, by source */
	char *feedback;        /* reject_subtask */
	int searched;
} ground_ctx;

static json_t *find_cand(ground_ctx *g, const char *source)
{
	size_t i;
	json_t *c;
	json_array_foreach(g->candidates, i, c)
		if (!strcmp(ba_json_str(c, "source", ""), source))
			return c;
	return NULL;
}

/* A field_map value must name a path the source really has. */
static int path_known(ground_ctx *g, const json_t *cand, const char *path)
{
	const json_t *fields = json_object_get(cand, "fields"), *f, *pp;
	const char *role;
	size_t i;

	if (!strcmp(ba_json_str(cand, "kind", ""), "generator")) {
		for (i = 0; gen_fields[i]; i++)
			if (!strcmp(gen_fields[i], path))
				return 1;
		return 0;
	}
	json_object_foreach((json_t *)fields, role, f)
		json_array_foreach(json_object_get(f, "paths"), i, pp)
			if (json_is_string(pp) && !strcmp(json_string_value(pp), path))
				return 1;
	/* any path present in the first sample is fine too */
	{
		const ba_card *c = ba_pool_find(g->p->pool, ba_json_str(cand, "dataset_id", ""));
		ba_dataset *d = NULL;
		int ok = 0;
		if (c && ba_dataset_load(&d, c, 1, NULL) == 0) {
			ok = ba_json_path(ba_dataset_sample(d, 0), path) != NULL;
			ba_dataset_free(d);
		}
		return ok;
	}
}

static int t_search(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	ground_ctx *g = ud;
	json_t *more, *c, *added = json_array();
	size_t i;

	if (g->searched++ >= 2)
		return ba_error_set(err, BA_EINVAL, "search limit reached: score the candidates you have");
	more = ba_planner_candidates(g->p, g->subtask, g->prefs, ba_json_str(args, "query", ""), 6);
	json_array_foreach(more, i, c) {
		if (json_array_size(added) >= 2)
			break;
		if (!find_cand(g, ba_json_str(c, "source", ""))) {
			json_array_append(g->candidates, c);
			json_array_append_new(added, json_string(ba_json_str(c, "source", "")));
		}
	}
	json_decref(more);
	*result = json_pack("{s:o}", "added", added);
	return 0;
}

static int t_score(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	ground_ctx *g = ud;
	json_t *scores = json_object_get(args, "scores"), *s, *step, *checked = json_object();
	const char *k;
	json_t *v;
	size_t i, j;

	json_array_foreach(scores, i, s) {
		const char *src = ba_json_str(s, "source", "");
		json_t *cand = find_cand(g, src);
		if (!cand) {
			ba_buf b = BA_BUF_INIT(4096);
			json_t *c;
			size_t n;
			ba_buf_printf(&b, "scores[%zu].source: '%s' is not a candidate (candidates:", i, src);
			json_array_foreach(g->candidates, n, c)
				ba_buf_printf(&b, " %s", ba_json_str(c, "source", ""));
			ba_buf_puts(&b, ")");
			ba_error_set(err, BA_EINVAL, "%s", ba_buf_cstr(&b));
			ba_buf_free(&b);
			json_decref(checked);
			return BA_EINVAL;
		}
		json_array_foreach(json_object_get(s, "transformation"), j, step) {
			if (!ba_plan_tool_known(ba_json_str(step, "tool", NULL))) {
				char *names = ba_plan_tool_list(0);
				ba_error_set(err, BA_EINVAL, "scores[%zu].transformation[%zu].tool: '%s' is not "
					     "an executor tool (use %s)", i, j, ba_json_str(step, "tool", "?"), names);
				free(names);
				json_decref(checked);
				return BA_EINVAL;
			}
		}
		if (json_object_get(cand, "via")) {
			json_t *via;
			size_t vi;
			json_array_foreach(json_object_get(cand, "via"), vi, via) {
				int has = 0;
				json_array_foreach(json_object_get(s, "transformation"), j, step)
					has |= !strcmp(ba_json_str(step, "tool", ""), ba_json_str(via, "tool", ""));
				if (!has) {
					json_decref(checked);
					return ba_error_set(err, BA_EINVAL,
							    "scores[%zu].transformation: %s has no %s; it grounds "
							    "this subtask only through the conversion tool %s",
							    i, src, ba_json_str(via, "to", "?"),
							    ba_json_str(via, "tool", "?"));
				}
			}
		}
		json_object_foreach(json_object_get(s, "field_map"), k, v) {
			if (!json_is_string(v) || !path_known(g, cand, json_string_value(v))) {
				json_decref(checked);
				return ba_error_set(err, BA_EINVAL,
						    "scores[%zu].field_map.%s: '%s' is not a field of %s", i, k,
						    json_is_string(v) ? json_string_value(v) : "?", src);
			}
		}
		json_object_set(checked, src, s);
	}
	json_object_update(g->scores, checked);
	json_decref(checked);
	*result = json_pack("{s:i}", "scored", (int)json_array_size(scores));
	return BA_AGENT_DONE;
}

static int t_reject(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	ground_ctx *g = ud;
	(void)result;
	(void)err;
	free(g->feedback);
	g->feedback = ba_strdup(ba_json_str(args, "feedback", ""));
	return BA_AGENT_DONE;
}

#define UNIT "{\"type\":\"number\",\"minimum\":0,\"maximum\":1}"
static const ba_agent_tool grounding_tools[] = {
	{ "search_pool", "Search the dataset pool and generators again with your own query "
	  "(adds up to 2 candidates).",
	  "{\"type\":\"object\",\"required\":[\"query\"],\"properties\":{\"query\":{\"type\":\"string\","
	  "\"minLength\":2}}}",
	  t_search },
	{ "score_candidates", "Score candidates for this subtask (each 0..1; request_alignment: how "
	  "well the source serves the user's request as a whole) with a field_map "
	  "(subtask schema field -> source path) and the ordered transformation steps.",
	  "{\"type\":\"object\",\"required\":[\"scores\"],\"properties\":{\"scores\":{\"type\":\"array\","
	  "\"minItems\":1,\"maxItems\":20,\"items\":{\"type\":\"object\",\"required\":[\"source\","
	  "\"alignment\",\"coverage\",\"simplicity\",\"risk\",\"overall\",\"field_map\","
	  "\"transformation\",\"rationale\"],\"properties\":{\"source\":{\"type\":\"string\"},"
	  "\"alignment\":" UNIT ",\"coverage\":" UNIT ",\"simplicity\":" UNIT ",\"risk\":" UNIT
	  ",\"overall\":" UNIT ",\"request_alignment\":" UNIT ",\"field_map\":{\"type\":\"object\"},\"transformation\":{\"type\":"
	  "\"array\",\"minItems\":1,\"maxItems\":8,\"items\":{\"type\":\"object\",\"required\":[\"tool\","
	  "\"purpose\"],\"properties\":{\"tool\":{\"type\":\"string\"},\"purpose\":{\"type\":\"string\"}}}},"
	  "\"rationale\":{\"type\":\"string\"}}}}}}",
	  t_score },
	{ "reject_subtask", "No candidate can ground this subtask: say what the design should change.",
	  "{\"type\":\"object\",\"required\":[\"feedback\"],\"properties\":{\"feedback\":{\"type\":"
	  "\"string\",\"minLength\":5}}}",
	  t_reject },
};

static json_t *ground_state(void *ud)
{
	ground_ctx *g = ud;
	json_t *s = json_pack("{s:O, s:O, s:O, s:f, s:{s:f, s:f, s:f, s:f, s:f}}", "request",
			      g->request ? g->request : json_null(), "subtask", g->subtask, "candidates",
			      g->candidates, "accept_threshold", g->p->threshold, "weights", "alignment",
			      g->p->w_align, "coverage", g->p->w_cov, "simplicity", g->p->w_simp, "risk",
			      g->p->w_risk, "blend", g->p->blend);
	/* the retrieval preferences that chose the candidates */
	json_object_set_new(s, "retrieval", json_pack("{s:O, s:o, s:s}", "preferences", g->prefs,
						      "conversions", ba_plan_conversions(), "sources",
						      "dataset cards (two views: the card's text; its meta: "
						      "field roles, io schemas, tasks, domain) and generators, "
						      "BM25 + TF-IDF cosine"));
	return s;
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* One scored candidate as a grounding entry (new ref); *fin and *ok out.
 * A subtask serves a part of the request, so the blend uses the
 * subtask's alignment; the scorer's request alignment (how well the
 * source serves the request as a whole) is a floor: below
 * grounding.request_floor the source is refused as unrelated. */
static json_t *grounding_entry(planner *p, const char *sid, const json_t *c, const json_t *s,
			       double *fin, int *ok)
{
	double a = clamp01(ba_json_num(s, "alignment", 0)), cv = clamp01(ba_json_num(s, "coverage", 0));
	double sm = clamp01(ba_json_num(s, "simplicity", 0)), rk = clamp01(ba_json_num(s, "risk", 1));
	double ov = clamp01(ba_json_num(s, "overall", 0)), ra = a;
	json_t *cap = json_object_get(c, "capacity"), *gr;
	int related = 1;

	if (json_is_number(json_object_get(s, "request_alignment"))) {
		ra = clamp01(ba_json_num(s, "request_alignment", 0));
		/* a generator's items are made for one task: it serves a request
		 * only when the request asks for that task (who_said scored 0.32-0.42
		 * for spoken news, spoken_arithmetic 0.33 for a next-reply request) */
		related = ra >= (strncmp(ba_json_str(c, "source", ""), "gen:", 4) ? p->request_floor
			  : (p->gen_request_floor > p->request_floor ? p->gen_request_floor : p->request_floor));
	}
	/* easy fields do not make up for a task that does not match; a
	 * dataset must match its subtask more than a generator (whose items
	 * are made for the task): a dataset's card shares general words with
	 * any request ("relation" reached from "rate" by WordNet) */
	related &= a >= (strncmp(ba_json_str(c, "source", ""), "ds:", 3) ? p->align_floor
								  : (p->ds_align_floor > p->align_floor ? p->ds_align_floor : p->align_floor));
	*fin = ba_planner_final_score(p, a, cv, sm, rk, ov);
	*fin = (double)(long)(*fin * 10000 + 0.5) / 10000;
	if (!related && *fin >= p->threshold) {
		/* refused as unrelated: the final stays below the threshold */
		*fin = (double)(long)((p->threshold - 0.01) * 10000) / 10000;
	}
	*ok = *fin >= p->threshold && !(json_is_integer(cap) && json_integer_value(cap) <= 0);
	gr = json_pack("{s:s, s:s, s:{s:f, s:f, s:f, s:f, s:f, s:f}, s:b, s:O, s:O, s:s}", "subtask", sid,
		       "source", ba_json_str(c, "source", ""), "scores", "alignment", a, "coverage", cv,
		       "simplicity", sm, "risk", rk, "llm_overall", ov, "final", *fin, "accepted", *ok,
		       "field_map", json_object_get(s, "field_map"), "transformation",
		       json_object_get(s, "transformation"), "rationale", ba_json_str(s, "rationale", ""));
	if (ra != a || json_is_number(json_object_get(s, "request_alignment")))
		json_object_set_new(json_object_get(gr, "scores"), "request_alignment", json_real(ra));
	if (json_object_get(c, "via"))
		json_object_set(gr, "via", json_object_get(c, "via"));
	return gr;
}

static void add_source(json_t *sources, const json_t *c)
{
	const char *src = ba_json_str(c, "source", "");
	if (json_object_get(sources, src))
		return;
	json_object_set_new(sources, src,
			    json_pack("{s:s, s:s, s:o, s:o, s:s, s:O}", "id", src, "kind",
				      ba_json_str(c, "kind", "dataset"), "dataset_id",
				      json_object_get(c, "dataset_id") ? json_string(ba_json_str(c, "dataset_id", ""))
								       : json_null(),
				      "generator", json_object_get(c, "generator")
							   ? json_string(ba_json_str(c, "generator", ""))
							   : json_null(),
				      "name", ba_json_str(c, "name", ""), "capacity", json_object_get(c, "capacity")));
}

/* What kind of data would ground st, in plain words (new string). */
static char *would_fit(const json_t *st, const json_t *prefs)
{
	ba_buf b = BA_BUF_INIT(2048);
	size_t i, n = 0;
	json_t *v;

	ba_buf_puts(&b, "a dataset of ");
	json_array_foreach(json_object_get(st, "modalities"), i, v)
		ba_buf_printf(&b, "%s%s", i ? "+" : "", json_string_value(v));
	ba_buf_puts(&b, " samples with");
	json_array_foreach(json_object_get(prefs, "roles"), i, v)
		if (ba_json_num(v, "weight", 0) >= 0.5)
			ba_buf_printf(&b, "%s %s", n++ ? "," : "", ba_json_str(v, "role", ""));
	ba_buf_puts(&b, n ? " fields" : " question and answer fields");
	n = 0;
	json_array_foreach(json_object_get(st, "keywords"), i, v)
		if (json_is_string(v))
			ba_buf_printf(&b, "%s%s", n++ ? ", " : " about ", json_string_value(v));
	ba_buf_printf(&b, " (%s answers), or a generator that makes such items",
		      ba_json_str(st, "answer_type", "short"));
	return ba_buf_detach(&b);
}

/* The unfit record of a subtask nothing grounds: message, closest
 * candidates (best final first), what data would fit. New ref. */
static json_t *unfit_record(const json_t *st, const json_t *prefs, const json_t *ranked, const char *msg)
{
	json_t *closest = json_array(), *r;
	char *wf = would_fit(st, prefs);
	size_t i;

	json_array_foreach(ranked, i, r) {
		if (i >= 3)
			break;
		json_array_append_new(closest, json_pack("{s:s, s:s, s:O}", "source", ba_json_str(r, "source", ""),
							 "name", ba_json_str(r, "name", ""), "final",
							 json_object_get(r, "final")));
	}
	r = json_pack("{s:s, s:s, s:s, s:o, s:s}", "subtask", ba_json_str(st, "id", ""), "name",
		      ba_json_str(st, "name", ""), "message", msg, "closest", closest, "would_fit", wf);
	free(wf);
	return r;
}

#define KEEP_MARGIN 0.1

static int cmp_final(const void *a, const void *b)
{
	double x = ba_json_num(*(json_t *const *)a, "final", 0), y = ba_json_num(*(json_t *const *)b, "final", 0);
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Scored candidates best first: [{source, name, final, ok, entry, c}]. */
static json_t *rank_scored(ground_ctx *g, const char *sid)
{
	json_t *list = json_array(), *c, **v, *out;
	size_t i, n = 0;

	json_array_foreach(g->candidates, i, c) {
		json_t *s = json_object_get(g->scores, ba_json_str(c, "source", ""));
		double fin;
		int ok;
		if (!s)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:b, s:o, s:O}", "source",
						      ba_json_str(c, "source", ""), "name", ba_json_str(c, "name", ""),
						      "final", 0.0, "ok", 0, "entry",
						      grounding_entry(g->p, sid, c, s, &fin, &ok), "c", c));
		json_object_set_new(json_array_get(list, n), "final", json_real(fin));
		json_object_set_new(json_array_get(list, n++), "ok", json_boolean(ok));
	}
	v = ba_calloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_array_get(list, i);
	qsort(v, n, sizeof(*v), cmp_final); /* stable enough: ties keep retrieval order below */
	out = json_array();
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(list);
	return out;
}

/* Ground one subtask: the best grounding.candidates scored candidates go
 * to groundings (accepted when final >= threshold); *unfit (new ref) when
 * none is accepted. */
static int ground_one(planner *p, const json_t *st, const json_t *request, json_t *groundings,
		      json_t *sources, json_t *history, json_t *rationale, int *mock, json_t **unfit,
		      ba_error *err)
{
	ground_ctx g = { p, st, request, NULL, NULL, json_object(), NULL, 0 };
	ba_agent_spec spec = BA_AGENT_SPEC_INIT;
	ba_agent_result res;
	const char *sid = ba_json_str(st, "id", "?");
	json_t *ranked = NULL, *r, *vars = NULL;
	size_t i, accepted = 0;
	double best;
	char *tools;
	int rc;

	*unfit = NULL;
	if ((rc = ba_planner_prefs(p, st, request, &g.prefs, err)) != 0)
		goto out;
	g.candidates = ba_planner_candidates(p, st, g.prefs, NULL, (size_t)p->scored);
	if (json_array_size(g.candidates) == 0) {
		char *m = ba_asprintf("%s '%s': nothing in the pool or the generators matches its modalities "
				      "and keywords; change its modalities (the pool has text and image "
				      "sources) or its topic", sid, ba_json_str(st, "name", ""));
		ranked = json_array();
		*unfit = unfit_record(st, g.prefs, ranked, m);
		free(m);
		goto out;
	}
	spec.name = "grounding";
	spec.role = "grounding";
	spec.prompt = "grounding.txt";
	/* the executor tools it may name, from the executor's table */
	tools = ba_plan_tool_list(1);
	vars = json_pack("{s:s}", "tools", tools);
	free(tools);
	spec.vars = vars;
	spec.tools = grounding_tools;
	spec.ntools = sizeof(grounding_tools) / sizeof(grounding_tools[0]);
	spec.state = ground_state;
	spec.ud = &g;
	spec.max_steps = p->grounding_steps;
	spec.run_id = p->run_id;
	if ((rc = ba_agent_run(p->gw, &spec, &res, err)) != 0) {
		ba_agent_result_clear(&res);
		goto out;
	}
	*mock |= res.mock;
	json_array_extend(history, res.history);
	ranked = rank_scored(&g, sid);
	best = ba_json_num(json_array_get(ranked, 0), "final", 0);
	json_array_foreach(ranked, i, r) {
		const json_t *c = json_object_get(r, "c"), *e = json_object_get(r, "entry");
		int ok = json_is_true(json_object_get(r, "ok"));
		/* keep 2-3: the best grounding.candidates, and of those only the
		 * ones close to the best (a much weaker source would only dilute) */
		if (i >= (size_t)p->ncand || (i >= 2 && ba_json_num(r, "final", 0) < best - KEEP_MARGIN)) {
			json_array_append_new(rationale, json_sprintf("%s <- %s: final %.3f (not kept: %zu better)",
								      sid, ba_json_str(r, "source", ""),
								      ba_json_num(r, "final", 0), i));
			continue;
		}
		json_array_append(groundings, (json_t *)e);
		add_source(sources, c);
		accepted += ok;
		json_array_append_new(rationale, json_sprintf("%s <- %s: final %.3f (%s)%s%s", sid,
							      ba_json_str(r, "source", ""), ba_json_num(r, "final", 0),
							      ok ? "accepted" : "rejected",
							      *ba_json_str(e, "rationale", "") ? ": " : "",
							      ba_json_str(e, "rationale", "")));
	}
	if (accepted == 0) {
		char *m;
		r = json_array_get(ranked, 0);
		if (g.feedback)
			m = ba_asprintf("%s '%s': %s", sid, ba_json_str(st, "name", ""), g.feedback);
		else if (r)
			m = ba_asprintf("%s '%s': nothing in the pool fits it: the closest, %s (%s), scored %.3f "
					"(< %.2f): %s", sid, ba_json_str(st, "name", ""), ba_json_str(r, "source", ""),
					ba_json_str(r, "name", ""), ba_json_num(r, "final", 0), p->threshold,
					ba_json_str(json_object_get(r, "entry"), "rationale", ""));
		else
			m = ba_asprintf("%s '%s': the grounding agent scored no candidate (%s)", sid,
					ba_json_str(st, "name", ""), res.stop);
		*unfit = unfit_record(st, g.prefs, ranked, m);
		free(m);
		if (r && p->allow_unrelated) {
			/* asked for: fill it with the closest source anyway, and say so */
			json_t *e = json_object_get(r, "entry");
			json_object_set_new(e, "accepted", json_true());
			json_object_set_new(e, "unrelated", json_true());
			json_object_set_new(*unfit, "filled_with", json_string(ba_json_str(r, "source", "")));
		}
	}
	ba_agent_result_clear(&res);
out:
	json_decref(vars);
	json_decref(ranked);
	json_decref(g.candidates);
	json_decref(g.scores);
	json_decref(g.prefs);
	free(g.feedback);
	return rc;
}

/* Nothing grounds st: ask the model to write a generator for it (checked
 * by gen check). On success the generator becomes the subtask's accepted
 * source and 1 is returned; otherwise 0 and the feedback stands. */
static int write_generator(planner *p, const json_t *st, json_t *groundings, json_t *sources,
			   json_t *history, json_t *rationale, const char *why)
{
	const char *sid = ba_json_str(st, "id", "?");
	ba_error e = BA_ERROR_INIT;
	json_t *src = NULL, *tr;

	if (ba_plan_write_generator(p->gw, st, p->write_attempts, p->run_id, &src, history, &e) != 0) {
		json_array_append_new(rationale, json_sprintf("%s: no agent-written generator: %s", sid, e.msg));
		return 0;
	}
	tr = json_array();
	if (!strcmp(ba_json_str(st, "answer_type", ""), "choice"))
		json_array_append_new(tr, json_pack("{s:s,s:s}", "tool", "choice_shuffle", "purpose",
						    "seeded order of the generator's options"));
	json_array_append_new(tr, json_pack("{s:s,s:s}", "tool", "answer_normalize", "purpose",
					    "answer in the subtask's answer format"));
	json_array_append_new(groundings, json_pack(
		"{s:s, s:s, s:{s:f, s:f, s:f, s:f, s:f, s:f}, s:b, s:{}, s:o, s:s}", "subtask", sid,
		"source", ba_json_str(src, "id", ""), "scores", "alignment", 1.0, "coverage", 1.0,
		"simplicity", 1.0, "risk", 0.0, "llm_overall", 1.0, "final", 1.0, "accepted", 1,
		"field_map", "transformation", tr, "rationale",
		"agent-written generator; passed gen check (deterministic, own answers verify, distinct items, difficulty changes items)"));
	if (p->gens) {
		ba_error ge = BA_ERROR_INIT;
		json_t *one = json_pack("{s:[O]}", "sources", src);
		if (ba_gen_registry_add_plan(p->gens, one, &ge) != 0)
			BA_WARN("%s", ge.msg);
		json_decref(one);
	}
	json_array_append_new(rationale, json_sprintf("%s <- %s: agent-written generator after: %s", sid,
						      ba_json_str(src, "id", ""), why));
	json_object_set_new(sources, ba_json_str(src, "id", ""), src);
	return 1;
}

int ba_planner_grounding(void *ud, const json_t *input, json_t **output, ba_error *err)
{
	planner *p = ud;
	json_t *groundings = json_array(), *sources = json_object(), *history = json_array();
	json_t *rationale = json_array(), *ungrounded = json_array(), *st, *srcarr, *v;
	json_t *unrelated = json_array();
	const char *k;
	size_t i;
	int mock = 0, rc = 0;

	json_array_foreach(json_object_get(input, "subtasks"), i, st) {
		json_t *unfit = NULL;
		if ((rc = ground_one(p, st, json_object_get(input, "query"), groundings, sources, history,
				     rationale, &mock, &unfit, err)))
			goto fail;
		if (unfit && p->write_generators &&
		    write_generator(p, st, groundings, sources, history, rationale, ba_json_str(unfit, "message", ""))) {
			json_decref(unfit);
			unfit = NULL;
		}
		if (unfit && json_object_get(unfit, "filled_with")) {
			json_array_append_new(unrelated, unfit);
		} else if (unfit) {
			/* "feedback" is the line design reads */
			json_object_set_new(unfit, "feedback", json_string(ba_json_str(unfit, "message", "")));
			json_array_append_new(ungrounded, unfit);
		}
	}
	srcarr = json_array();
	json_object_foreach(sources, k, v)
		json_array_append(srcarr, v);
	*output = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "sources", srcarr, "groundings",
			    groundings, "ungrounded", ungrounded, "unrelated", unrelated, "rationale",
			    rationale, "history", history, "mock", mock);
	json_decref(sources);
	return 0;
fail:
	json_decref(groundings);
	json_decref(sources);
	json_decref(history);
	json_decref(rationale);
	json_decref(ungrounded);
	json_decref(unrelated);
	return rc;
}
