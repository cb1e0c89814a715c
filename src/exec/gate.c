/*
 * gate.c - `build --audit`: after verification every
 * checked unit is judged by the audit panel (ba_audit_gate_item); one below
 * the threshold is rejected by the check "audit" (its reason names the
 * weakest criterion and the judge's rationale), and the replenishment
 * rounds make another unit in its place. A judgement that cannot be had
 * stops the build (state kept: a rerun resumes). A verdict is kept with the unit
 * under the gate's signature, so a rebuild with the same gate judges
 * nothing again, and a build without the gate takes back the units that
 * the gate alone had rejected.
 */
#include "exec_internal.h"
#include "benchagent/audit.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

/* 1 when "audit" is the only failed check of qc. */
static int only_audit_failed(const json_t *qc)
{
	const char *k;
	json_t *v;
	int audit = 0;

	json_object_foreach((json_t *)qc, k, v) {
		if (strcmp(ba_json_str(v, "verdict", ""), "fail"))
			continue;
		if (strcmp(k, "audit"))
			return 0;
		audit = 1;
	}
	return audit;
}

/* Whether the gate has something to do with a unit in state e
 * ({status, data}): judge it (a checked unit, or one the gate alone
 * rejected, with no verdict under this gate) or, with no gate, take its
 * stale verdict back. */
static int gate_wants(const ba_exec_ctx *x, const json_t *e)
{
	const char *status = ba_json_str(e, "status", "");
	json_t *qc = json_object_get(json_object_get(json_object_get(e, "data"), "item"), "qc");
	json_t *audit = json_object_get(qc, "audit");

	if (!json_is_object(qc) || (strcmp(status, "checked") && !(!strcmp(status, "rejected") && only_audit_failed(qc))))
		return 0;
	if (!x->gate)
		return audit != NULL;
	return !audit || strcmp(ba_json_str(audit, "gate", ""), x->gate_sig);
}

json_t *ba_exec_gate_units(ba_exec_ctx *x, const json_t *units, const json_t *states)
{
	json_t *out = json_array(), *u;
	size_t i;

	json_array_foreach(units, i, u)
		if (gate_wants(x, json_object_get(states, ba_json_str(u, "key", ""))))
			json_array_append(out, u);
	return out;
}

int ba_exec_unit_gate(ba_exec_ctx *x, const json_t *unit, ba_error *err)
{
	const char *key = ba_json_str(unit, "key", "");
	const json_t *subtask = ba_exec_plan_subtask(x->plan, ba_json_str(unit, "subtask", ""));
	json_t *state = NULL, *item, *qc, *audit, *v = NULL;
	char *status = NULL;
	const char *next;
	int rc;

	if ((rc = ba_item_get(x->st, x->run_id, key, &state, &status, err)) != 0)
		return rc;
	item = json_object_get(state, "item");
	ba_exec_media_here(x->st, item);
	qc = json_object_get(item, "qc");
	audit = json_object_get(qc, "audit");
	if (!json_is_object(qc) || (strcmp(status, "checked") && !(!strcmp(status, "rejected") && only_audit_failed(qc))))
		goto cleanup;
	if (!x->gate) {
		if (!audit)
			goto cleanup;
		json_object_del(qc, "audit");
		next = "checked";
	} else {
		if (audit && !strcmp(ba_json_str(audit, "gate", ""), x->gate_sig))
			goto cleanup;  /* decided under this gate */
		/* no judgement (a reply that never fit the schema, a transport
		 * failure, the budget): the build stops, state kept for a rerun */
		if ((rc = ba_audit_gate_item(x->gw, x->gate, subtask, item, &v, err)) != 0) {
			ba_error_prefix(err, "%s: ", key);
			goto cleanup;
		}
		next = strcmp(ba_json_str(v, "verdict", ""), "pass") ? "rejected" : "checked";
		json_object_set_new(qc, "audit", v);
	}
	rc = ba_item_put(x->st, x->run_id, key, ba_json_str(unit, "subtask", ""), next, state, err);
cleanup:
	json_decref(state);
	free(status);
	return rc;
}

json_t *ba_exec_gate_manifest(const ba_audit_gate_opts *gate, const char *sig)
{
	json_t *j = json_array();
	size_t i;

	for (i = 0; i < gate->njudges; i++)
		json_array_append_new(j, json_string(gate->judges[i]));
	return json_pack("{s:o, s:f, s:I, s:s}", "judges", j, "threshold", gate->threshold, "seed",
			 (json_int_t)gate->seed, "signature", sig);
}

int ba_exec_gate_init(const ba_exec_build_opts *o, const json_t *query, ba_store *st, int64_t run_id,
		      ba_audit_gate_opts *g)
{
	if (!o->naudit_judges)
		return 0;
	memset(g, 0, sizeof(*g));
	g->judges = o->audit_judges;
	g->njudges = o->naudit_judges;
	g->threshold = o->audit_threshold;
	g->seed = o->seed_set ? o->seed : 1;
	g->request = ba_json_str(query, "description", NULL);
	g->media_root = ba_store_workspace(st);
	g->run_id = run_id;
	ba_audit_register_mocks();
	return 1;
}
