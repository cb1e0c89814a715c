/*
 * entry.c - `benchagent build` with a model: a query goes through the
 * planner (ba_plan_make) and then the executor; a plan document is built
 * as it is. Kept here so the CLI command needs only a few lines.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/audit.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1: the model path (a model is configured, or the plan names datasets,
 * or --provider mock with a pool); 0: the no-model path; <0: error. */
static int wants_model(const ba_config *cfg, const json_t *doc, const ba_exec_build_opts *o, ba_error *err)
{
	const ba_provider_cfg *prov = NULL;
	const char *model = NULL;
	int is_plan = ba_exec_doc_is_plan(doc), rc;

	if (o->offline)
		return 0;
	if ((rc = ba_config_resolve(cfg, "default", &prov, &model, err)) != 0)
		return rc;
	if (prov && prov->protocol != BA_PROTO_MOCK)
		return 1;
	if (is_plan)
		return ba_exec_plan_find_source(doc, 0) >= 0;  /* a plan naming a dataset */
	return o->provider_mock && cfg->npools > 0;
}

int ba_exec_build_doc(const ba_config *cfg, ba_store *st, const json_t *doc, const ba_exec_build_opts *o,
		      json_t **summary, ba_error *err)
{
	const json_t *query = ba_exec_doc_is_plan(doc) ? json_object_get(doc, "query") : doc;
	int rc, m;

	*summary = NULL;
	if ((rc = ba_query_validate(query, ba_exec_doc_is_plan(doc) ? "plan.query" : "query", err)) != 0)
		return rc;
	if ((m = wants_model(cfg, doc, o, err)) < 0)
		return m;
	/* an edited plan that cannot build is refused before any call */
	if (ba_exec_doc_is_plan(doc) && (rc = ba_exec_plan_check(cfg, doc, o->gen_dir, err)) != 0)
		return ba_error_prefix(err, "plan: "), rc;
	if (m)
		return ba_exec_build_model(cfg, st, doc, o, summary, err);
	return ba_exec_build_offline(cfg, st, doc, o, summary, err);
}

int ba_exec_build_model(const ba_config *cfg, ba_store *st, const json_t *doc, const ba_exec_build_opts *o,
			json_t **summary, ba_error *err)
{
	ba_gateway_options gopt = BA_GATEWAY_OPTIONS_INIT;
	ba_gateway *gw = NULL;
	json_t *query, *plan = NULL, *man = NULL;
	char *safe = NULL, *outdir = NULL;
	int64_t run_id = 0;
	ba_audit_gate_opts gate;
	ba_exec_build_with w = { 0 };
	int rc, gated, is_plan = ba_exec_doc_is_plan(doc);

	*summary = NULL;
	query = is_plan ? json_object_get(doc, "query") : (json_t *)doc;
	if ((rc = ba_query_validate(query, is_plan ? "plan.query" : "query", err)) != 0)
		return rc;
	if ((rc = ba_run_open(st, "build", ba_json_str(query, "id", ""), &run_id, err)) != 0)
		return rc;
	ba_run_set_status(st, run_id, "running", NULL);
	ba_plan_register_mocks();
	ba_exec_register_mocks();
	gated = ba_exec_gate_init(o, query, st, run_id, &gate);
	gate.can_wait = 1; /* the build's stages wait for batch rounds */
	gopt.dry_run = o->dry_run;
	gopt.no_cache = o->no_cache;
	gopt.batch_api = o->batch_api;
	gopt.run_id = run_id;
	if ((rc = ba_gateway_new(&gw, cfg, st, &gopt, err)) != 0)
		goto cleanup;
	if (is_plan) {
		plan = json_deep_copy(doc);
		if ((rc = ba_plan_validate(plan, err)) != 0) {
			ba_error_prefix(err, "plan: ");
			goto cleanup;
		}
	} else if ((rc = ba_plan_make(gw, st, cfg, query, run_id, &plan, err)) != 0 ||
		   (rc = ba_exec_plan_check(cfg, plan, o->gen_dir, err)) != 0) {
		goto cleanup;
	}
	if (o->seed_set)
		json_object_set_new(plan, "seed", json_integer((json_int_t)(o->seed & 0x7fffffffffffLL)));
	safe = ba_path_sanitize(ba_json_str(query, "id", "benchmark"));
	outdir = ba_path_join(o->outroot ? o->outroot : "out", safe);
	w.gate = gated ? &gate : NULL;
	if ((rc = ba_exec_build_with_opts(gw, st, cfg, plan, run_id, outdir, &w, &man, err)) != 0)
		goto cleanup;
	*summary = ba_exec_summary(gw, query, plan, man, outdir, "model");
	ba_exec_outcome_record(st, run_id, *summary);
cleanup:
	ba_run_set_status(st, run_id, rc == 0 ? ba_exec_outcome_status(*summary) : rc == BA_EBUDGET ? "stopped" : "failed",
			  NULL);
	ba_gateway_free(gw);
	json_decref(man);
	json_decref(plan);
	free(safe);
	free(outdir);
	return rc;
}
