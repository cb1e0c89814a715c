/*
 * plan.c - the planner pipeline: analysis -> design <-> grounding (up to
 * grounding.max_rounds, with feedback) -> capacity check (more design
 * rounds when the sources cannot hold the target) -> allocation -> the
 * plan document. Each step is a stored stage of the caller's run.
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

#define STAGE_VERSION 1

/* The planner's settings from the typed sections (ranges are checked when
 * the file is read: config/sections.c). */
static void planner_config(planner *p, const ba_config *cfg)
{
	const ba_grounding_cfg *g = &cfg->grounding;

	p->w_align = g->w_alignment;
	p->w_cov = g->w_coverage;
	p->w_simp = g->w_simplicity;
	p->w_risk = g->w_risk;
	p->blend = g->blend;
	p->threshold = g->accept_threshold;
	p->g_rounds = g->max_rounds;
	p->ncand = g->candidates;
	p->grounding_steps = g->max_steps;
	p->scored = g->scored;
	p->request_floor = g->request_floor;
	p->align_floor = g->alignment_floor;
	p->ds_align_floor = g->dataset_alignment_floor;
	p->gen_request_floor = g->generator_request_floor;
	p->allow_unrelated = g->allow_unrelated;
	p->rw = (ba_retrieval_weights){ g->r_bm25, g->r_tfidf, g->r_text, g->r_meta, g->r_roles, g->r_embedding };
	p->a_rounds = cfg->allocation.max_rounds;
	p->max_subtasks = cfg->design.max_subtasks;
	p->design_steps = cfg->design.max_steps;
	/* agent-written generators: on by default when the "generator" role has
	 * a real model (the mock cannot write programs), off with
	 * generators.agent_write: false */
	{
		const ba_provider_cfg *prov = NULL;
		const char *model = NULL;
		int real = ba_config_resolve(cfg, "generator", &prov, &model, NULL) == 0 &&
			   prov->protocol != BA_PROTO_MOCK;
		p->write_generators = cfg->generators.agent_write >= 0 ? cfg->generators.agent_write : real;
		p->write_attempts = cfg->generators.write_attempts;
	}
}

static void take_history(json_t *dst, const json_t *src)
{
	size_t i;
	json_t *h;
	json_array_foreach(src, i, h) {
		json_t *e = json_pack("{s:s, s:s, s:s}", "agent", ba_json_str(h, "agent", "?"), "action",
				      ba_json_str(h, "action", "?"), "rationale",
				      ba_json_str(h, "rationale", ""));
		if (json_is_false(json_object_get(h, "ok")))
			json_object_set_new(e, "error", json_string(ba_json_str(h, "error", "")));
		json_array_append_new(dst, e);
	}
}

static void take_strings(json_t *dst, const json_t *src)
{
	size_t i;
	json_t *v;
	json_array_foreach(src, i, v)
		if (json_is_string(v) && *json_string_value(v))
			json_array_append(dst, v);
}

static int stage(planner *p, const char *name, json_t *input, ba_stage_fn fn, json_t **out,
		 ba_error *err)
{
	int reused = 0, rc;
	rc = ba_stage_run(p->st, p->run_id, name, STAGE_VERSION, input, fn, p, out, &reused, err);
	json_decref(input);
	if (rc == 0 && !reused) {
		/* a stored stage comes back with sorted keys: give a fresh one
		 * the same shape, so a rerun writes a byte-identical plan */
		char *canon = ba_json_canonical(*out);
		json_t *again = NULL;
		if (ba_json_parse(&again, canon, strlen(canon), name, NULL) == 0) {
			json_decref(*out);
			*out = again;
		}
		free(canon);
	}
	if (rc == 0)
		BA_INFO("stage %s %s", name, reused ? "reused" : "done");
	return rc;
}

/* Accepted (subtask, source, capacity, final) pairs of the grounding. */
static json_t *accepted_pairs(const json_t *grounding)
{
	json_t *pairs = json_array(), *g, *s;
	size_t i, j;

	json_array_foreach(json_object_get(grounding, "groundings"), i, g) {
		json_t *cap = json_null();
		if (!json_is_true(json_object_get(g, "accepted")))
			continue;
		json_array_foreach(json_object_get(grounding, "sources"), j, s)
			if (!strcmp(ba_json_str(s, "id", ""), ba_json_str(g, "source", "")))
				cap = json_object_get(s, "capacity");
		json_array_append_new(pairs, json_pack("{s:s, s:s, s:O, s:O}", "subtask",
						       ba_json_str(g, "subtask", ""), "source",
						       ba_json_str(g, "source", ""), "capacity", cap,
						       "final", ba_json_path(g, "scores.final")));
	}
	return pairs;
}

/* Total capacity of the accepted sources; -1 when any is unlimited. */
static long total_capacity(const json_t *pairs)
{
	json_t *seen = json_object(), *p;
	size_t i;
	long sum = 0;

	json_array_foreach(pairs, i, p) {
		json_t *c = json_object_get(p, "capacity");
		if (!json_is_integer(c)) {
			json_decref(seen);
			return -1;
		}
		if (!json_object_get(seen, ba_json_str(p, "source", ""))) {
			json_object_set_new(seen, ba_json_str(p, "source", ""), json_true());
			sum += (long)json_integer_value(c);
		}
	}
	json_decref(seen);
	return sum;
}

static int subtask_grounded(const json_t *pairs, const char *id)
{
	size_t i;
	json_t *p;
	json_array_foreach(pairs, i, p)
		if (!strcmp(ba_json_str(p, "subtask", ""), id))
			return 1;
	return 0;
}

static int open_sources(planner *p, const ba_config *cfg, ba_error *err)
{
	ba_error e = BA_ERROR_INIT;
	size_t i;
	int rc;

	if ((rc = ba_pool_open(&p->pool, (const char *const *)cfg->pools, cfg->npools, 0, err)) != 0)
		return rc;
	if (cfg->npools > 0 && ba_pool_count(p->pool) == 0) {
		return ba_error_set(err, BA_ENOTFOUND, "pool %s%s: no usable dataset cards (expected "
				    "<pool>/dataset_cards/*.json; see `benchagent cards check`)",
				    cfg->pools[0], cfg->npools > 1 ? " (and others)" : "");
	}
	if (ba_gen_registry_new(&p->gens, NULL, &e) != 0) {
		BA_WARN("generators unavailable: %s", e.msg);
		p->gens = NULL;
	}
	if (ba_pool_count(p->pool) == 0 && (!p->gens || ba_gen_count(p->gens) == 0))
		return ba_error_set(err, BA_ENOTFOUND, "no sources: no dataset pool is configured (`pool:` "
				    "in benchagent.yaml or --pool DIR) and no generator is available");
	(void)i;
	return ba_plan_sources_index(p->pool, p->gens, p->st, p->gw, cfg, err);
}

/* provider/model per planner role: part of every stage's input, so a
 * different model recomputes while a moved endpoint (same names) does not */
static json_t *role_models(const ba_config *cfg)
{
	static const char *const roles[] = { "query", "design", "grounding", "allocation", "embedding",
					     NULL };
	json_t *o = json_object();
	int i;

	for (i = 0; roles[i]; i++) {
		const ba_provider_cfg *prov = NULL;
		const char *model = NULL;
		if (ba_config_resolve(cfg, roles[i], &prov, &model, NULL) == 0 && prov)
			json_object_set_new(o, roles[i], json_sprintf("%s/%s", prov->name, model ? model : ""));
	}
	return o;
}

/* One paragraph on the subtasks nothing fits: each one's reason, its
 * closest candidates, and what data would fit (new string). */
static char *unfit_summary(const json_t *unfit)
{
	ba_buf b = BA_BUF_INIT(1 << 14);
	json_t *u, *c;
	size_t i, j;

	json_array_foreach(unfit, i, u) {
		ba_buf_printf(&b, "%s%s", i ? " | " : "", ba_json_str(u, "message", ba_json_str(u, "feedback", "")));
		if (json_array_size(json_object_get(u, "closest"))) {
			ba_buf_puts(&b, "; closest:");
			json_array_foreach(json_object_get(u, "closest"), j, c)
				ba_buf_printf(&b, "%s %s %.2f", j ? "," : "", ba_json_str(c, "name", ""),
					      ba_json_num(c, "final", 0));
		}
		if (ba_json_str(u, "would_fit", NULL))
			ba_buf_printf(&b, "; what would fit: %s", ba_json_str(u, "would_fit", ""));
	}
	if (!b.len)
		ba_buf_puts(&b, "no feedback");
	return ba_buf_detach(&b);
}

static ba_plan_feasible_fn feasible_fn;

void ba_plan_register_feasibility(ba_plan_feasible_fn fn)
{
	feasible_fn = fn;
}

static json_t *find_grounding(json_t *grounding, const char *subtask, const char *source)
{
	json_t *g;
	size_t i;
	json_array_foreach(json_object_get(grounding, "groundings"), i, g)
		if (!strcmp(ba_json_str(g, "subtask", ""), subtask) && !strcmp(ba_json_str(g, "source", ""), source))
			return g;
	return NULL;
}

/* Dry-build every accepted pair (the executor's feasibility check): a pair
 * that cannot build loses its acceptance (the grounding says why); a
 * subtask left without a buildable source goes back to design through
 * feedback and the grounding's "ungrounded" list. */
static int send_back_infeasible(planner *p, const json_t *query, const json_t *subtasks, json_t *grounding,
				int round, json_t *feedback, json_t *r_ground, ba_error *err)
{
	json_t *pairs = accepted_pairs(grounding), *doc, *quotas = json_array(), *pr, *problems = NULL, *e, *st;
	size_t i, j;
	int rc;

	if (!feasible_fn || json_array_size(pairs) == 0) {
		json_decref(pairs);
		json_decref(quotas);
		return 0;
	}
	json_array_foreach(pairs, i, pr) {
		long d = 3;
		json_array_foreach(subtasks, j, st)
			if (!strcmp(ba_json_str(st, "id", ""), ba_json_str(pr, "subtask", "")))
				d = (long)ba_json_int(st, "difficulty", 3);
		/* the deterministic allocator's range: [d-1, d] */
		json_array_append_new(quotas, json_pack("{s:s, s:s, s:i, s:[I, I]}", "subtask",
							ba_json_str(pr, "subtask", ""), "source",
							ba_json_str(pr, "source", ""), "count", 4, "difficulty",
							(json_int_t)(d > 1 ? d - 1 : 1), (json_int_t)(d < 5 ? d : 5)));
	}
	doc = json_pack("{s:i, s:O, s:O, s:O, s:O, s:o}", "version", 1, "query", query, "subtasks", subtasks,
			"sources", json_object_get(grounding, "sources"), "groundings",
			json_object_get(grounding, "groundings"), "quotas", quotas);
	rc = feasible_fn(p->cfg, doc, &problems, err);
	json_decref(doc);
	if (rc != 0) {
		json_decref(pairs);
		return rc;
	}
	json_array_foreach(problems, i, e) {
		json_t *g = find_grounding(grounding, ba_json_str(e, "subtask", ""), ba_json_str(e, "source", ""));
		if (!g)
			continue;
		json_object_set_new(g, "accepted", json_false());
		json_object_set(g, "infeasible", json_object_get(e, "reason"));
		json_array_append_new(r_ground, json_sprintf("round %d: not accepted: %s", round,
							     ba_json_str(e, "reason", "")));
		BA_INFO("%s", ba_json_str(e, "reason", ""));
	}
	json_decref(pairs);
	pairs = accepted_pairs(grounding);
	json_array_foreach(subtasks, i, st) {
		const char *id = ba_json_str(st, "id", "");
		json_t *first = NULL;
		json_array_foreach(problems, j, e)
			if (!first && !strcmp(ba_json_str(e, "subtask", ""), id))
				first = e;
		if (!first || subtask_grounded(pairs, id))
			continue;
		json_array_append_new(feedback, json_sprintf("%s '%s': cannot build from %s: %s", id,
							     ba_json_str(st, "name", ""),
							     ba_json_str(first, "source", ""),
							     ba_json_str(first, "reason", "")));
		json_array_append_new(json_object_get(grounding, "ungrounded"),
				      json_pack("{s:s, s:O, s:O}", "subtask", id, "feedback",
						json_array_get(feedback, json_array_size(feedback) - 1), "message",
						json_array_get(feedback, json_array_size(feedback) - 1)));
	}
	json_decref(problems);
	json_decref(pairs);
	return 0;
}

/* After allocation: the quotas as allocated, dry-built. Quotas that cannot
 * build lose their pair (the grounding says why, rationale.allocation too);
 * subtasks left without a pair are dropped. 1 when something changed
 * (allocate again), 0 when every quota builds, <0 on error. *dropped gets
 * the reasons (new ref) when it returns 1. */
static int reallocate_infeasible(planner *p, const json_t *query, json_t *grounding, const json_t *alloc,
				 json_t **kept, json_t **pairs, json_t *r_alloc, json_t *r_design, json_t **dropped,
				 ba_error *err)
{
	json_t *doc, *problems = NULL, *e, *st, *k2;
	size_t i;
	int rc;

	*dropped = NULL;
	if (!feasible_fn)
		return 0;
	doc = json_pack("{s:i, s:O, s:O, s:O, s:O, s:O}", "version", 1, "query", query, "subtasks", *kept,
			"sources", json_object_get(grounding, "sources"), "groundings",
			json_object_get(grounding, "groundings"), "quotas", json_object_get(alloc, "quotas"));
	rc = feasible_fn(p->cfg, doc, &problems, err);
	json_decref(doc);
	if (rc != 0)
		return rc;
	if (json_array_size(problems) == 0) {
		json_decref(problems);
		return 0;
	}
	*dropped = json_array();
	json_array_foreach(problems, i, e) {
		json_t *g = find_grounding(grounding, ba_json_str(e, "subtask", ""), ba_json_str(e, "source", ""));
		if (g) {
			json_object_set_new(g, "accepted", json_false());
			json_object_set(g, "infeasible", json_object_get(e, "reason"));
		}
		json_array_append_new(r_alloc, json_sprintf("not allocated: %s", ba_json_str(e, "reason", "")));
		json_array_append(*dropped, json_object_get(e, "reason"));
		BA_INFO("%s", ba_json_str(e, "reason", ""));
	}
	json_decref(problems);
	json_decref(*pairs);
	*pairs = accepted_pairs(grounding);
	k2 = json_array();
	json_array_foreach(*kept, i, st) {
		if (subtask_grounded(*pairs, ba_json_str(st, "id", ""))) {
			json_array_append(k2, st);
			continue;
		}
		json_array_append_new(r_design, json_sprintf("dropped %s '%s': none of its quotas can build",
							     ba_json_str(st, "id", ""), ba_json_str(st, "name", "")));
	}
	json_decref(*kept);
	*kept = k2;
	return 1;
}

/* Allocation; quotas that cannot build (dry-built by the executor) lose
 * their pair and allocation runs again without them (at most 3 times).
 * On an error *kept is freed. */
static int allocate(planner *p, const json_t *query, json_t *grounding, const json_t *models, long target,
		    json_t **kept, json_t **pairs, json_t **alloc, int *mock, json_t *history, json_t *r_alloc,
		    json_t *r_design, ba_error *err)
{
	size_t i, j;
	int rc;

	for (j = 1;; j++) {
		json_t *kp = json_array(), *pr, *dropped = NULL;
		char name[32];
		snprintf(name, sizeof(name), j == 1 ? "allocation" : "allocation.%zu", j);
		json_array_foreach(*pairs, i, pr)
			json_array_append(kp, pr);
		json_decref(*alloc);
		*alloc = NULL;
		rc = stage(p, name, json_pack("{s:O, s:O, s:I, s:O}", "subtasks", *kept, "pairs", kp, "target_size",
					     (json_int_t)target, "models", models),
			   ba_planner_allocation, alloc, err);
		json_decref(kp);
		if (rc != 0)
			break;
		*mock |= json_is_true(json_object_get(*alloc, "mock"));
		take_history(history, json_object_get(*alloc, "history"));
		take_strings(r_alloc, json_object_get(*alloc, "rationale"));
		if (j >= 3 || (rc = reallocate_infeasible(p, query, grounding, *alloc, kept, pairs, r_alloc, r_design,
							  &dropped, err)) == 0)
			break;
		if (rc < 0)
			break;
		rc = 0;
		if (json_array_size(*kept) == 0)
			rc = ba_error_set(err, BA_ENOTFOUND, "no quota of this request can build: %s",
					  json_string_value(json_array_get(dropped, 0)));
		json_decref(dropped);
		if (rc != 0)
			break;
	}
	if (rc != 0) {
		json_decref(*kept);
		*kept = NULL;
	}
	return rc;
}

static json_t *gen_names(const planner *p)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; p->gens && i < ba_gen_count(p->gens); i++)
		json_array_append_new(a, json_string(ba_gen_at(p->gens, i)->name));
	return a;
}

/* The planner's parameters, part of every stage's key: a change of pool,
 * generators, weights or models replans. */
static json_t *plan_params(planner *p, json_t *models)
{
	json_t *params;

	params = json_pack("{s:s, s:o, s:f, s:f, s:f, s:f, s:f, s:f, s:i, s:O}", "pool",
			   ba_pool_signature(p->pool), "generators", gen_names(p), "w_align", p->w_align,
			   "w_cov", p->w_cov, "w_simp", p->w_simp, "w_risk", p->w_risk, "blend", p->blend,
			   "threshold", p->threshold, "candidates", p->ncand, "models", models);
	json_object_set_new(params, "write_generators", json_integer(p->write_generators ? p->write_attempts : 0));
	json_object_set_new(params, "retrieval",
			    json_pack("{s:i, s:f, s:f, s:b, s:f, s:f, s:f, s:f, s:f, s:f, s:o}", "scored",
				      p->scored, "request_floor", p->request_floor, "alignment_floor", p->align_floor, "allow_unrelated", p->allow_unrelated,
				      "bm25", p->rw.bm25, "tfidf", p->rw.tfidf, "text", p->rw.text, "meta", p->rw.meta,
				      "roles", p->rw.roles, "embedding", p->rw.embedding, "conversions",
				      ba_plan_conversions()));
	return params;
}

/* The next round's feedback: what the grounding could not ground, then
 * the accepted pairs that cannot build (send_back_infeasible). */
static int round_feedback(planner *p, const json_t *query, const json_t *subtasks, json_t *grounding, int round,
			  json_t **feedback, json_t *r_ground, ba_error *err)
{
	json_t *ung = json_object_get(grounding, "ungrounded"), *g;
	size_t i;

	json_decref(*feedback);
	*feedback = json_array();
	json_array_foreach(ung, i, g)
		json_array_append_new(*feedback, json_string(ba_json_str(g, "feedback", "")));
	if (!json_is_array(ung))
		json_object_set_new(grounding, "ungrounded", json_array());
	return send_back_infeasible(p, query, subtasks, grounding, round, *feedback, r_ground, err);
}

/* After grounding round `round` (feedback holds what is not grounded or
 * cannot build): when nothing is, the sources may still be too small for
 * the target, which goes upstream as feedback; 1 when the design <->
 * grounding loop stops here. */
static int round_done(const planner *p, const json_t *pairs, json_t *feedback, json_t *r_ground,
		      json_t *r_alloc, int round, long target, int *extra_rounds)
{
	json_t *g;
	size_t i;

	if (json_array_size(feedback) == 0) {
		long cap = total_capacity(pairs);
		if (cap < 0 || cap >= target || *extra_rounds >= p->a_rounds - 1 ||
		    round >= p->g_rounds + p->a_rounds - 1)
			return 1;
		/* infeasible: the sources cannot hold the target -> upstream */
		(*extra_rounds)++;
		json_array_append_new(feedback,
				      json_sprintf("capacity: the accepted sources hold only %ld usable "
						   "samples for a target of %ld items; add or revise "
						   "subtasks so they can use other datasets or "
						   "generators", cap, target));
		json_array_append_new(r_alloc, json_sprintf("round %d: %s", round,
							     json_string_value(json_array_get(feedback, 0))));
		return 0;
	}
	json_array_foreach(feedback, i, g)
		json_array_append_new(r_ground, json_sprintf("round %d: not grounded: %s", round,
							     json_string_value(g)));
	return round >= p->g_rounds;
}

/* The subtasks some accepted pair grounds; the others are dropped, with
 * the reason in r_design and what did not fit in unfit. */
static json_t *kept_subtasks(const json_t *subtasks, const json_t *pairs, const json_t *grounding,
			     json_t *r_design, json_t *unfit)
{
	json_t *kept = json_array(), *s, *g;
	size_t i, j;

	json_array_foreach(json_object_get(grounding, "unrelated"), i, g)
		json_array_append(unfit, g);
	json_array_foreach(subtasks, i, s) {
		if (subtask_grounded(pairs, ba_json_str(s, "id", ""))) {
			json_array_append(kept, s);
			continue;
		}
		json_array_append_new(r_design, json_sprintf("dropped %s '%s': no source could "
							     "ground it", ba_json_str(s, "id", ""),
							     ba_json_str(s, "name", "")));
		json_array_foreach(json_object_get(grounding, "ungrounded"), j, g)
			if (!strcmp(ba_json_str(g, "subtask", ""), ba_json_str(s, "id", "")))
				json_array_append(unfit, g);
	}
	return kept;
}

/* Append to into each element x of from whose x[fkey] equals y[akey] of
 * some element y of against. */
static void keep_matching(const json_t *from, const char *fkey, const json_t *against, const char *akey,
			  json_t *into)
{
	json_t *x, *y;
	size_t i, j;

	json_array_foreach(from, i, x) {
		int hit = 0;
		json_array_foreach(against, j, y)
			hit |= !strcmp(ba_json_str(x, fkey, ""), ba_json_str(y, akey, ""));
		if (hit)
			json_array_append(into, x);
	}
}

/* The plan carries only the groundings of kept subtasks and the sources
 * they use. */
static void used_only(const json_t *grounding, const json_t *kept, json_t *groundings, json_t *sources)
{
	keep_matching(json_object_get(grounding, "groundings"), "subtask", kept, "id", groundings);
	keep_matching(json_object_get(grounding, "sources"), "id", groundings, "source", sources);
}

/* The error when no subtask could be grounded: what did not fit and why. */
static int nothing_fits(const planner *p, const json_t *unfit, int round, ba_error *err)
{
	char *why = unfit_summary(unfit);
	int rc = ba_error_set(err, BA_ENOTFOUND, "nothing in the pool fits this request after %d "
			      "round%s%s: %s", round, round == 1 ? "" : "s",
			      ba_pool_count(p->pool) ? "" : " with generators only (no dataset pool: add "
							    "`pool:` to benchagent.yaml or use --pool DIR)",
			      why);

	free(why);
	return rc;
}

/* Grounding stage `round` of the subtasks; the agent-written generators
 * travel in its sources, and later stages (capacities, the final plan)
 * must know them even when this stage came from the store. */
static int ground_round(planner *p, const json_t *query, json_t *subtasks, json_t *params, int round,
			json_t **grounding, ba_error *err)
{
	char name[64];
	int rc;

	snprintf(name, sizeof(name), "grounding.%d", round);
	rc = stage(p, name, json_pack("{s:O, s:O, s:O, s:i}", "query", query, "subtasks", subtasks, "params",
				      params, "round", round),
		   ba_planner_grounding, grounding, err);
	if (rc == 0 && p->gens) {
		ba_error ge = BA_ERROR_INIT;
		if (ba_gen_registry_add_plan(p->gens, *grounding, &ge) != 0)
			BA_WARN("%s", ge.msg);
	}
	return rc;
}

int ba_plan_make(ba_gateway *gw, ba_store *st, const ba_config *cfg, const json_t *query,
		 int64_t run_id, json_t **plan, ba_error *err)
{
	planner p;
	json_t *analysis = NULL, *design = NULL, *grounding = NULL, *alloc = NULL, *pairs = NULL;
	json_t *feedback = json_array(), *subtasks = NULL, *history = json_array();
	json_t *r_design = json_array(), *r_ground = json_array(), *r_alloc = json_array();
	json_t *params, *models = NULL, *out = NULL, *kept, *sources, *groundings, *unfit = NULL;
	long target;
	int rc, round, mock = 0, extra_rounds = 0;

	*plan = NULL;
	memset(&p, 0, sizeof(p));
	if (!gw || !st || !cfg) {
		rc = ba_error_set(err, BA_EINVAL, "ba_plan_make: a gateway, a store and a config are required");
		goto cleanup_early;
	}
	if ((rc = ba_query_validate(query, "query", err)) != 0)
		goto cleanup_early;
	target = (long)ba_json_int(query, "target_size", 0);
	p.gw = gw;
	p.st = st;
	p.cfg = cfg;
	p.run_id = run_id;
	p.capacity = json_object();
	planner_config(&p, cfg);
	if ((rc = open_sources(&p, cfg, err)) != 0)
		goto cleanup;
	models = role_models(cfg);
	params = plan_params(&p, models);

	/* 1. query analysis */
	if ((rc = stage(&p, "analysis", json_pack("{s:O, s:O}", "query", query, "models", models),
			ba_planner_analysis, &analysis, err)) != 0)
		goto cleanup_params;
	mock |= json_is_true(json_object_get(analysis, "mock"));

	/* 2-3. design <-> grounding */
	subtasks = json_array();
	for (round = 1;; round++) {
		char name[64];

		snprintf(name, sizeof(name), "design.%d", round);
		json_decref(design);
		if ((rc = stage(&p, name, json_pack("{s:O, s:O, s:O, s:O, s:i, s:O}", "query", query,
						    "analysis", json_object_get(analysis, "analysis"),
						    "subtasks", subtasks, "feedback", feedback, "round",
						    round, "models", models),
				ba_planner_design, &design, err)) != 0)
			goto cleanup_params;
		mock |= json_is_true(json_object_get(design, "mock"));
		take_history(history, json_object_get(design, "history"));
		take_strings(r_design, json_object_get(design, "rationale"));
		json_decref(subtasks);
		subtasks = json_deep_copy(json_object_get(design, "subtasks"));

		json_decref(grounding);
		if ((rc = ground_round(&p, query, subtasks, params, round, &grounding, err)) != 0)
			goto cleanup_params;
		mock |= json_is_true(json_object_get(grounding, "mock"));
		take_history(history, json_object_get(grounding, "history"));
		take_strings(r_ground, json_object_get(grounding, "rationale"));
		if ((rc = round_feedback(&p, query, subtasks, grounding, round, &feedback, r_ground, err)) != 0)
			goto cleanup_params;
		json_decref(pairs);
		pairs = accepted_pairs(grounding);
		if (round_done(&p, pairs, feedback, r_ground, r_alloc, round, target, &extra_rounds))
			break;
	}
	/* subtasks still ungrounded are dropped, and the plan says why */
	unfit = json_array();
	kept = kept_subtasks(subtasks, pairs, grounding, r_design, unfit);
	if (json_array_size(kept) == 0) {
		json_decref(kept);
		rc = nothing_fits(&p, unfit, round, err);
		goto cleanup_params;
	}

	/* 4. allocation */
	if ((rc = allocate(&p, query, grounding, models, target, &kept, &pairs, &alloc, &mock, history, r_alloc,
			   r_design, err)) != 0)
		goto cleanup_params;

	/* the plan: only what kept subtasks use */
	groundings = json_array();
	sources = json_array();
	used_only(grounding, kept, groundings, sources);
	out = json_pack("{s:i, s:O, s:O, s:o, s:o, s:o, s:O, s:{s:O, s:O, s:O}, s:O, s:b}", "version", 1,
			"query", query, "analysis", json_object_get(analysis, "analysis"), "subtasks",
			kept, "sources", sources, "groundings", groundings, "quotas",
			json_object_get(alloc, "quotas"), "rationale", "design", r_design, "grounding",
			r_ground, "allocation", r_alloc, "history", history, "mock", mock);
	if (json_array_size(unfit))
		json_object_set(out, "unfit", unfit);
	if ((rc = ba_plan_validate(out, err)) != 0) {
		ba_error_prefix(err, "internal: the assembled plan is invalid: ");
		json_decref(out);
		goto cleanup_params;
	}
	*plan = out;
cleanup_params:
	json_decref(unfit);
	json_decref(params);
	json_decref(models);
cleanup:
	json_decref(analysis);
	json_decref(design);
	json_decref(grounding);
	json_decref(alloc);
	json_decref(pairs);
	json_decref(subtasks);
	json_decref(p.capacity);
	ba_pool_free(p.pool);
	ba_gen_registry_free(p.gens);
cleanup_early:
	json_decref(feedback);
	json_decref(history);
	json_decref(r_design);
	json_decref(r_ground);
	json_decref(r_alloc);
	return rc;
}
