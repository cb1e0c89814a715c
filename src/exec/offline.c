/*
 * offline.c - the build of a plan whose sources are all generators, with
 * no model: the planner's no-model mode (ba_plan_make_offline) or an
 * edited plan (ba_plan_validate, the same validator the model path uses),
 * then the executor's generator units (ba_exec_gen_units, gen_units.c:
 * seeded draws, the generator's own verify(), duplicates refused by
 * ba_verify's index), then the benchmark writer. A rerun reuses the plan and the items; a killed
 * run resumes.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/audit.h"
#include "benchagent/benchout.h"
#include "benchagent/fs.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"

#include <stdlib.h>
#include <string.h>

static json_t *generator_versions(const ba_gen_registry *reg)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < ba_gen_count(reg); i++)
		json_object_set_new(o, ba_gen_at(reg, i)->name, json_string(ba_gen_at(reg, i)->version));
	return o;
}

/* per subtask {name, items, quota} from the plan's quotas and the counts */
static json_t *subtask_outcome(const json_t *plan, const json_t *per_sub)
{
	json_t *out = json_object(), *q, *s;
	size_t i;

	json_array_foreach(json_object_get(plan, "subtasks"), i, s)
		json_object_set_new(out, ba_json_str(s, "id", ""),
				    json_pack("{s:s, s:I, s:i}", "name", ba_json_str(s, "name", ""), "items",
					      (json_int_t)ba_json_int(per_sub, ba_json_str(s, "id", ""), 0), "quota", 0));
	json_array_foreach(json_object_get(plan, "quotas"), i, q) {
		json_t *so = json_object_get(out, ba_json_str(q, "subtask", ""));
		if (so)
			json_object_set_new(so, "quota", json_integer(ba_json_int(so, "quota", 0) +
								      ba_json_int(q, "count", 0)));
	}
	return out;
}

static int write_offline(const char *outdir, const json_t *query, const json_t *plan, const json_t *items,
			 const json_t *stats, uint64_t seed, const ba_gen_registry *reg, ba_store *st, ba_error *err)
{
	json_t *extra = json_pack("{s:O,s:O,s:O,s:I,s:s,s:{s:I,s:I},s:o,s:b}", "checks",
				  json_object_get(stats, "checks"), "shortfall", json_object_get(stats, "shortfall"),
				  "per_subtask_built", json_object_get(stats, "per_subtask"), "seed", (json_int_t)seed,
				  "planner", "offline-bm25", "work", "generated",
				  (json_int_t)ba_json_int(stats, "generated", 0), "reused",
				  (json_int_t)ba_json_int(stats, "reused", 0), "generator_versions",
				  generator_versions(reg), "mock", 0);
	int rc;

	json_object_set(extra, "failures", json_object_get(stats, "failures"));
	if (json_object_get(stats, "audit_gate"))
		json_object_set(extra, "audit_gate", json_object_get(stats, "audit_gate"));
	rc = ba_benchout_write(outdir, query, plan, items, extra, st, err);
	json_decref(extra);
	return rc;
}

int ba_exec_build_offline(const ba_config *cfg, ba_store *st, const json_t *doc, const ba_exec_build_opts *o,
			  json_t **summary, ba_error *err)
{
	int is_plan = ba_exec_doc_is_plan(doc), rc;
	const json_t *query = is_plan ? json_object_get(doc, "query") : doc;
	uint64_t seed = o->seed_set ? o->seed : 1;
	ba_gen_registry *reg = NULL;
	ba_gateway *gw = NULL;
	ba_audit_gate_opts gate;
	json_t *plan = NULL, *items = NULL, *stats = NULL, *gate_manifest = NULL;
	char *safe = NULL, *outdir = NULL;
	int64_t run_id = 0;

	*summary = NULL;
	if ((rc = ba_gen_registry_new(&reg, o->gen_dir, err)) != 0 ||
	    (rc = ba_run_open(st, "build", ba_json_str(query, "id", ""), &run_id, err)) != 0)
		goto cleanup;
	if (is_plan) {
		plan = json_incref((json_t *)doc);
		if ((rc = ba_plan_validate(plan, err)) != 0) {
			ba_error_prefix(err, "plan: ");
			goto cleanup;
		}
	} else if ((rc = ba_plan_make_offline(reg, st, cfg, query, run_id, o->offline, &plan, err)) != 0) {
		goto cleanup;
	}
	ba_run_set_status(st, run_id, "running", NULL);
	if (ba_exec_gate_init(o, query, st, run_id, &gate)) {
		/* build --audit: the judges are models even when the items are not */
		ba_gateway_options gopt = BA_GATEWAY_OPTIONS_INIT;
		gopt.dry_run = o->dry_run;
		gopt.no_cache = o->no_cache;
		gopt.run_id = run_id;
		char sig[17];
		if ((rc = ba_gateway_new(&gw, cfg, st, &gopt, err)) != 0 ||
		    (rc = ba_exec_gen_units(reg, st, cfg, run_id, plan, seed, gw, &gate, &items, &stats, err)) != 0)
			goto cleanup;
		ba_audit_gate_signature(&gate, sig);
		gate_manifest = ba_exec_gate_manifest(&gate, sig);
	} else if ((rc = ba_exec_gen_units(reg, st, cfg, run_id, plan, seed, NULL, NULL, &items, &stats, err)) != 0) {
		goto cleanup;
	}
	safe = ba_path_sanitize(ba_json_str(query, "id", "benchmark"));
	outdir = ba_path_join(o->outroot ? o->outroot : "out", safe);
	if (gate_manifest)
		json_object_set(stats, "audit_gate", gate_manifest);
	if ((rc = write_offline(outdir, query, plan, items, stats, seed, reg, st, err)) != 0)
		goto cleanup;
	*summary = json_pack("{s:s, s:s, s:s, s:I, s:I, s:O, s:o, s:O, s:I, s:I, s:o}", "mode", "offline",
			     "benchmark", ba_json_str(query, "id", ""), "out", outdir, "items",
			     (json_int_t)json_array_size(items), "target_size",
			     (json_int_t)ba_json_int(query, "target_size", 0), "per_subtask",
			     json_object_get(stats, "per_subtask"), "subtasks",
			     subtask_outcome(plan, json_object_get(stats, "per_subtask")), "checks",
			     json_object_get(stats, "checks"), "generated",
			     (json_int_t)ba_json_int(stats, "generated", 0), "reused",
			     (json_int_t)ba_json_int(stats, "reused", 0), "failures",
			     ba_verify_top_reasons(json_object_get(stats, "failures"), 5));
	json_object_set_new(*summary, "target", json_integer(ba_exec_quota_total(plan)));
	ba_exec_outcome_record(st, run_id, *summary);
cleanup:
	if (run_id)
		ba_run_set_status(st, run_id, rc != 0 ? "failed" : ba_exec_outcome_status(*summary), NULL);
	ba_gen_registry_free(reg);
	ba_gateway_free(gw);
	json_decref(gate_manifest);
	json_decref(plan);
	json_decref(items);
	json_decref(stats);
	free(safe);
	free(outdir);
	return rc;
}
