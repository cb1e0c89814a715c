/*
 * cache.c - the content-addressed call cache and call log: the store's
 * llm_calls table (one row per cache key) and llm_hits (one row per reply
 * served from the cache, so `benchagent cost` can report savings).
 *
 * Only rows with status 'ok' and mock = 0 are ever served: a mock or
 * dry-run reply must never stand in for a real model's answer. The rows
 * themselves are the store's (src/store/calls.c); this file turns jobs and
 * replies into rows and back.
 */
#include "internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

static json_t *response_json(const ba_llm_response *r)
{
	json_t *o = json_object();

	if (r->content)
		json_object_set_new(o, "content", json_string(r->content));
	if (r->json)
		json_object_set(o, "json", r->json);
	if (r->tool_calls)
		json_object_set(o, "tool_calls", r->tool_calls);
	if (r->choices)
		json_object_set(o, "choices", r->choices);
	if (r->finish_reason)
		json_object_set_new(o, "finish_reason", json_string(r->finish_reason));
	return o;
}

int ba_cache_get(ba_store *st, const char *key, ba_llm_response *resp, int kind)
{
	ba_call_row row;
	json_t *o;
	int rc = BA_ENOTFOUND;

	(void)kind;
	if (ba_call_get(st, key, &row) != 0)
		return BA_ENOTFOUND;
	o = json_loads(row.response, 0, NULL);
	if (json_is_object(o)) {
		const char *c = ba_json_str(o, "content", NULL);
		json_t *v;
		resp->content = ba_strdup(c);
		if ((v = json_object_get(o, "json")))
			resp->json = json_incref(v);
		if ((v = json_object_get(o, "tool_calls")))
			resp->tool_calls = json_incref(v);
		if ((v = json_object_get(o, "choices")))
			resp->choices = json_incref(v);
		resp->finish_reason = ba_strdup(ba_json_str(o, "finish_reason", NULL));
		resp->prompt_tokens = row.prompt_tokens;
		resp->completion_tokens = row.completion_tokens;
		resp->cost_usd = row.cost_usd;
		resp->provider = ba_strdup(row.provider);
		resp->model = ba_strdup(row.model);
		resp->cached = 1;
		memcpy(resp->key, key, 64);
		resp->key[64] = 0;
		rc = 0;
	}
	json_decref(o);
	ba_call_row_clear(&row);
	return rc;
}

int ba_cache_put(ba_store *st, const ba_job *j, const char *status, const ba_llm_response *resp)
{
	ba_call_row row = { 0 };
	char *rtxt = NULL;
	int rc;

	if (!st)
		return 0;
	if (resp) {
		json_t *o = response_json(resp);
		rtxt = json_dumps(o, JSON_COMPACT);
		json_decref(o);
	} else if (j->errmsg[0]) {
		json_t *o = json_pack("{s:s}", "error", j->errmsg);
		rtxt = json_dumps(o, JSON_COMPACT);
		json_decref(o);
	}
	row.key = j->key;
	row.run_id = j->run_id;
	row.role = j->req.role;
	row.provider = j->prov ? j->prov->name : "";
	row.model = j->model;
	row.request = j->canon;
	row.response = rtxt;
	row.status = status;
	row.prompt_tokens = j->prompt_tokens;
	row.completion_tokens = j->completion_tokens;
	row.cost_usd = j->cost;
	row.latency_ms = resp ? resp->latency_ms : (ba_now() - j->t_start) * 1000.0;
	row.mock = resp ? resp->mock : 0;
	rc = ba_call_put(st, &row);
	free(rtxt);
	return rc;
}

void ba_cache_hit(ba_store *st, const ba_job *j, const ba_llm_response *resp)
{
	ba_call_hit(st, j->key, j->run_id, j->req.role, j->model, resp->cost_usd);
}
