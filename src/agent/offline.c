/*
 * offline.c - the planner's no-model mode: with no model configured (or
 * --offline), a query is mapped to verified generators by BM25
 * (ba_plan_offline, offline_map.c) instead of the design/grounding/allocation agents.
 * The plan is a stored stage ("plan_offline", keyed by the query and the
 * generators' versions), so a rerun reuses it and an edited generator
 * plans again.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/log.h"
#include "benchagent/alloc.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

static int plan_stage(void *ud, const json_t *input, json_t **output, ba_error *err)
{
	return ba_plan_offline(ud, json_object_get(input, "query"), output, err);
}

static json_t *generator_versions(const ba_gen_registry *reg)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < ba_gen_count(reg); i++)
		json_object_set_new(o, ba_gen_at(reg, i)->name, json_string(ba_gen_at(reg, i)->version));
	return o;
}

/* Refuse, with a way forward, a request no generator serves well (BM25 of
 * the best generator below generators.min_score). */
static int check_match(const ba_config *cfg, ba_gen_registry *reg, const json_t *query, ba_error *err)
{
	double min = cfg->generators.min_score, top;
	json_t *hits = NULL, *best;
	int rc = 0;

	ba_gen_search_request(reg, ba_json_str(query, "description", ""), 1, &hits);
	best = json_array_get(hits, 0);
	top = best ? ba_json_num(best, "score", 0) : 0;
	if (top < min)
		rc = ba_error_set(err, BA_EINVAL,
				  "no model is configured and no verified generator matches this request well "
				  "(best: %s, BM25 %.2f < generators.min_score %.2f); configure a model "
				  "(OPENAI_API_KEY or providers in benchagent.yaml) with a dataset pool (--pool DIR), "
				  "or pass --offline to build from the closest generators anyway",
				  best ? ba_json_str(best, "name", "?") : "none", top, min);
	json_decref(hits);
	return rc;
}

int ba_plan_make_offline(ba_gen_registry *reg, ba_store *st, const ba_config *cfg, const json_t *query,
			 int64_t run_id, int force, json_t **plan, ba_error *err)
{
	json_t *input, *hv;
	int rc, reused = 0;
	size_t i;

	*plan = NULL;
	if (!force && (rc = check_match(cfg, reg, query, err)) != 0)
		return rc;
	input = json_pack("{s:O,s:o}", "query", query, "generators", generator_versions(reg));
	rc = ba_stage_run(st, run_id, "plan_offline", 1, input, plan_stage, reg, plan, &reused, err);
	json_decref(input);
	if (rc != 0)
		return rc;
	json_array_foreach(json_object_get(*plan, "history"), i, hv)
		if (!strcmp(ba_json_str(hv, "action", ""), "warn"))
			BA_WARN("%s", ba_json_str(hv, "rationale", ""));
	BA_INFO("plan: %s (%zu subtasks, %zu quotas)", reused ? "reused" : "made",
		json_array_size(json_object_get(*plan, "subtasks")), json_array_size(json_object_get(*plan, "quotas")));
	if ((rc = ba_plan_validate(*plan, err)) != 0) {
		ba_error_prefix(err, "offline plan: ");
		json_decref(*plan);
		*plan = NULL;
	}
	return rc;
}
