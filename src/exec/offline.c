/*
 * offline.c - the build of a plan whose sources are all generators, with
 * no model: the planner's no-model mode (ba_plan_make_offline) or an
 * edited plan (ba_plan_validate, the same validator the model path uses),
 * then the executor (ba_exec_build_with_opts, no model making or
 * inspecting items: a generator unit is drafted, run, verified,
 * deduplicated and replenished like any unit). With build --audit a
 * gateway is made for the judges alone. A rerun reuses the plan and the
 * units; a killed run resumes.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/audit.h"
#include "benchagent/fs.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"

#include <stdlib.h>
#include <string.h>

/* A no-model build runs generator sources only. */
static int generators_only(const json_t *plan, ba_error *err)
{
	long i = ba_exec_plan_find_source(plan, 0);

	if (i < 0)
		return 0;
	return ba_error_set(err, BA_EINVAL,
			    "plan: sources[%ld] ('%s') is not a generator; the no-model build runs generator sources "
			    "only (configure a model to build from datasets)",
			    i, ba_json_str(json_array_get(json_object_get(plan, "sources"), (size_t)i), "id", ""));
}

/* The plan to build: doc itself (validated) or the planner's no-model plan. */
static int offline_plan(ba_gen_registry *reg, ba_store *st, const ba_config *cfg, const json_t *doc,
			const ba_exec_build_opts *o, int64_t run_id, json_t **plan, ba_error *err)
{
	int rc;

	if (ba_exec_doc_is_plan(doc)) {
		*plan = json_deep_copy(doc);
		if ((rc = ba_plan_validate(*plan, err)) != 0)
			return ba_error_prefix(err, "plan: "), rc;
	} else if ((rc = ba_plan_make_offline(reg, st, cfg, doc, run_id, o->offline, plan, err)) != 0) {
		return rc;
	}
	if ((rc = generators_only(*plan, err)) != 0)
		return rc;
	/* the items' seed: --seed, else the plan's, else 1 */
	if (o->seed_set || !json_is_integer(json_object_get(*plan, "seed")))
		json_object_set_new(*plan, "seed", json_integer((json_int_t)((o->seed_set ? o->seed : 1) &
									    0x7fffffffffffLL)));
	return 0;
}

int ba_exec_build_offline(const ba_config *cfg, ba_store *st, const json_t *doc, const ba_exec_build_opts *o,
			  json_t **summary, ba_error *err)
{
	const json_t *query = ba_exec_doc_is_plan(doc) ? json_object_get(doc, "query") : doc;
	ba_gen_registry *reg = NULL;
	ba_gateway *gw = NULL;
	ba_audit_gate_opts gate;
	ba_exec_build_with w = { .no_item_models = 1 };
	json_t *plan = NULL, *man = NULL;
	char *safe = NULL, *outdir = NULL;
	int64_t run_id = 0;
	int rc;

	*summary = NULL;
	if ((rc = ba_gen_registry_new(&reg, o->gen_dir, err)) != 0 ||
	    (rc = ba_run_open(st, "build", ba_json_str(query, "id", ""), &run_id, err)) != 0 ||
	    (rc = offline_plan(reg, st, cfg, doc, o, run_id, &plan, err)) != 0 ||
	    (rc = ba_gen_registry_add_plan(reg, plan, err)) != 0)
		goto cleanup;
	ba_run_set_status(st, run_id, "running", NULL);
	w.reg = reg;
	if (ba_exec_gate_init(o, query, st, run_id, &gate)) {
		/* build --audit: the judges are models even when the items are not */
		ba_gateway_options gopt = BA_GATEWAY_OPTIONS_INIT;
		gopt.dry_run = o->dry_run;
		gopt.no_cache = o->no_cache;
		gopt.batch_api = o->batch_api;
		gopt.run_id = run_id;
		gate.can_wait = 1;
		w.gate = &gate;
		if ((rc = ba_gateway_new(&gw, cfg, st, &gopt, err)) != 0)
			goto cleanup;
	}
	safe = ba_path_sanitize(ba_json_str(query, "id", "benchmark"));
	outdir = ba_path_join(o->outroot ? o->outroot : "out", safe);
	if ((rc = ba_exec_build_with_opts(gw, st, cfg, plan, run_id, outdir, &w, &man, err)) != 0)
		goto cleanup;
	*summary = ba_exec_summary(gw, query, plan, man, outdir, "offline");
	ba_exec_outcome_record(st, run_id, *summary);
cleanup:
	if (run_id)
		ba_run_set_status(st, run_id, rc != 0 ? "failed" : ba_exec_outcome_status(*summary), NULL);
	ba_gateway_free(gw);
	ba_gen_registry_free(reg);
	json_decref(plan);
	json_decref(man);
	free(safe);
	free(outdir);
	return rc;
}
