/*
 * outcome.c - what every build path shares about a build document and its
 * result: plan or query, the quotas' total, the summary the CLI prints
 * (ba_exec_summary), the outcome recorded for `benchagent status`.
 */
#include "exec_internal.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>

int ba_exec_doc_is_plan(const json_t *doc)
{
	return json_is_object(doc) && json_object_get(doc, "subtasks") && json_object_get(doc, "quotas");
}

long ba_exec_quota_total(const json_t *plan)
{
	json_t *q;
	size_t i;
	long t = 0;

	json_array_foreach(json_object_get(plan, "quotas"), i, q)
		t += (long)ba_json_int(q, "count", 0);
	return t;
}

const char *ba_exec_outcome_status(const json_t *summary)
{
	if (!summary)
		return "failed";
	return ba_json_int(summary, "items", 0) >= ba_json_int(summary, "target", 0) ? "done" : "short";
}

void ba_exec_outcome_record(ba_store *st, int64_t run_id, const json_t *summary)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:O?, s:O?}", "made", (json_int_t)ba_json_int(summary, "items", 0),
			      "target", (json_int_t)ba_json_int(summary, "target", 0), "target_size",
			      (json_int_t)ba_json_int(summary, "target_size", 0), "subtasks",
			      json_object_get(summary, "subtasks"), "failures", json_object_get(summary, "failures"));
	char key[64], *txt = ba_json_canonical(o);

	snprintf(key, sizeof(key), "outcome:%lld", (long long)run_id);
	if (ba_kv_put(st, key, txt, NULL) != 0)
		BA_WARN("run %lld: could not record the outcome for status", (long long)run_id);
	free(txt);
	json_decref(o);
}

json_t *ba_exec_outcome_get(ba_store *st, int64_t run_id)
{
	char key[64], *txt = NULL;
	json_t *o = NULL;

	snprintf(key, sizeof(key), "outcome:%lld", (long long)run_id);
	if (ba_kv_get(st, key, &txt, NULL) == 0 && txt)
		o = json_loads(txt, 0, NULL);
	free(txt);
	return o;
}

json_t *ba_exec_summary(ba_gateway *gw, const json_t *query, const json_t *plan, const json_t *man,
			const char *outdir, const char *mode)
{
	ba_gateway_stats gs = { 0 };
	json_t *per = json_object(), *v, *sum;
	const char *k;
	long total = 0;

	if (gw)
		ba_gateway_stats_get(gw, &gs);
	json_object_foreach(json_object_get(man, "subtasks"), k, v) {
		if (ba_json_int(v, "items", 0) > 0)
			json_object_set(per, k, json_object_get(v, "items"));
		total += (long)ba_json_int(v, "items", 0);
	}
	sum = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:O, s:b, s:f, s:I, s:I, s:O}", "mode", mode, "benchmark",
			ba_json_str(query, "id", ""), "out", outdir, "items", (json_int_t)total, "target_size",
			(json_int_t)ba_json_int(query, "target_size", 0), "per_subtask", per, "subtasks",
			json_object_get(man, "subtasks"), "plan_mock", ba_json_bool(plan, "mock", 0), "cost_usd",
			gs.cost_usd, "llm_calls", (json_int_t)gs.calls, "llm_sent", (json_int_t)gs.sent,
			"unit_status", json_object_get(man, "unit_status"));
	json_object_set_new(sum, "target", json_integer(ba_exec_quota_total(plan)));
	json_object_set_new(sum, "llm_cached", json_integer(gs.cached));
	json_object_set_new(sum, "prompt_tokens", json_integer(gs.prompt_tokens));
	json_object_set_new(sum, "completion_tokens", json_integer(gs.completion_tokens));
	json_object_set_new(sum, "failures", ba_verify_top_reasons(json_object_get(man, "failures"), 5));
	json_object_set(sum, "checks", json_object_get(man, "checks"));
	json_object_set(sum, "generated", json_object_get(man, "generated"));
	json_object_set(sum, "reused", json_object_get(man, "reused"));
	return sum;
}
