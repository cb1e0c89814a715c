/*
 * validate.c - ba_plan_validate: the rules of docs/plan-format.md that the
 * executor relies on, checked on a plan from the planner or edited by a
 * user. Errors name the field: "quotas[2].count: ...".
 */
#include "planner.h"
#include "benchagent/answer.h"
#include "benchagent/json.h"

#include <string.h>

static const json_t *find_id(const json_t *arr, const char *key, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!strcmp(ba_json_str(v, key, ""), id))
			return v;
	return NULL;
}

/* A generator source's grounding may name the step "generator" (running
 * it; the offline planner writes that). */
static int is_generator(const json_t *srcs, const char *id)
{
	return !strcmp(ba_json_str(find_id(srcs, "id", id), "kind", ""), "generator");
}

static int check_subtasks(const json_t *subs, ba_error *err)
{
	const json_t *v;
	size_t i;

	json_array_foreach(subs, i, v) {
		const char *id = ba_json_str(v, "id", NULL);
		if (!id || !*id)
			return ba_error_set(err, BA_EINVAL, "subtasks[%zu].id: missing", i);
		if (find_id(subs, "id", id) != v)
			return ba_error_set(err, BA_EINVAL, "subtasks[%zu].id: '%s' used twice", i, id);
		if (!ba_json_str(v, "name", NULL))
			return ba_error_set(err, BA_EINVAL, "subtasks[%zu].name: missing", i);
		if (!ba_answer_type_known(ba_json_str(v, "answer_type", NULL)))
			return ba_error_set(err, BA_EINVAL, "subtasks[%zu].answer_type: expected one of "
					    BA_ANSWER_TYPES_LIST, i);
		if (!json_is_object(json_object_get(v, "schema")))
			return ba_error_set(err, BA_EINVAL, "subtasks[%zu].schema: expected an object", i);
		if (!json_is_array(json_object_get(v, "modalities")))
			return ba_error_set(err, BA_EINVAL, "subtasks[%zu].modalities: expected a list", i);
	}
	return 0;
}

static int check_sources(const json_t *srcs, ba_error *err)
{
	const json_t *v;
	size_t i;

	json_array_foreach(srcs, i, v) {
		const char *id = ba_json_str(v, "id", NULL), *kind = ba_json_str(v, "kind", "");
		const json_t *cap = json_object_get(v, "capacity");
		if (!id || find_id(srcs, "id", id) != v)
			return ba_error_set(err, BA_EINVAL, "sources[%zu].id: missing or used twice", i);
		if (strcmp(kind, "dataset") && strcmp(kind, "generator"))
			return ba_error_set(err, BA_EINVAL, "sources[%zu].kind: expected dataset or generator", i);
		if (!strcmp(kind, "dataset") && !ba_json_str(v, "dataset_id", NULL))
			return ba_error_set(err, BA_EINVAL, "sources[%zu].dataset_id: missing", i);
		if (!strcmp(kind, "generator") && !ba_json_str(v, "generator", NULL))
			return ba_error_set(err, BA_EINVAL, "sources[%zu].generator: missing", i);
		if (cap && !json_is_null(cap) && (!json_is_integer(cap) || json_integer_value(cap) < 0))
			return ba_error_set(err, BA_EINVAL, "sources[%zu].capacity: expected a non-negative "
					    "integer or null", i);
	}
	return 0;
}

static int check_groundings(const json_t *subs, const json_t *srcs, const json_t *grs, ba_error *err)
{
	const json_t *v, *w;
	size_t i, j;

	json_array_foreach(grs, i, v) {
		if (!find_id(subs, "id", ba_json_str(v, "subtask", "")))
			return ba_error_set(err, BA_EINVAL, "groundings[%zu].subtask: no subtask '%s'", i,
					    ba_json_str(v, "subtask", ""));
		if (!find_id(srcs, "id", ba_json_str(v, "source", "")))
			return ba_error_set(err, BA_EINVAL, "groundings[%zu].source: no source '%s'", i,
					    ba_json_str(v, "source", ""));
		if (!json_is_true(json_object_get(v, "accepted")))
			continue;
		if (!json_is_array(json_object_get(v, "transformation")) ||
		    json_array_size(json_object_get(v, "transformation")) == 0)
			return ba_error_set(err, BA_EINVAL, "groundings[%zu].transformation: expected a "
					    "non-empty list of steps", i);
		json_array_foreach(json_object_get(v, "transformation"), j, w)
			if (!ba_plan_tool_known(ba_json_str(w, "tool", NULL)) &&
			    !(is_generator(srcs, ba_json_str(v, "source", "")) &&
			      !strcmp(ba_json_str(w, "tool", ""), "generator")))
				return ba_error_set(err, BA_EINVAL, "groundings[%zu].transformation[%zu].tool: "
						    "'%s' is not an executor tool", i, j,
						    ba_json_str(w, "tool", "?"));
		if (json_object_get(v, "field_map") && !json_is_object(json_object_get(v, "field_map")))
			return ba_error_set(err, BA_EINVAL, "groundings[%zu].field_map: expected an object", i);
	}
	return 0;
}

/* Each quota names a subtask and source with an accepted grounding, once
 * per difficulty, within the caps and the sources' capacities; *total gets
 * their sum. */
static int check_quotas(const json_t *subs, const json_t *srcs, const json_t *grs, const json_t *quotas,
			long *total, ba_error *err)
{
	const json_t *v, *w;
	json_t *used;
	const char *k;
	size_t i, j;

	used = json_object();
	json_array_foreach(quotas, i, v) {
		const char *st = ba_json_str(v, "subtask", ""), *src = ba_json_str(v, "source", "");
		const json_t *cnt = json_object_get(v, "count"), *g = NULL;
		int ok = 0;
		if (!json_is_integer(cnt) || json_integer_value(cnt) < 0) {
			json_decref(used);
			return ba_error_set(err, BA_EINVAL, "quotas[%zu].count: expected a non-negative integer, got %s",
					    i, json_is_string(cnt) ? "a string" : json_is_real(cnt) ? "a fraction or "
					    "exponent" : json_is_integer(cnt) ? "a negative number" : "no count");
		}
		if (json_integer_value(cnt) > BA_QUERY_MAX_TARGET) {
			json_decref(used);
			return ba_error_set(err, BA_EINVAL, "quotas[%zu].count: %lld is above the cap of %d items", i,
					    (long long)json_integer_value(cnt), BA_QUERY_MAX_TARGET);
		}
		if (!find_id(subs, "id", st)) {
			json_decref(used);
			return ba_error_set(err, BA_EINVAL, "quotas[%zu].subtask: no subtask '%s'", i, st);
		}
		if (!find_id(srcs, "id", src)) {
			json_decref(used);
			return ba_error_set(err, BA_EINVAL, "quotas[%zu].source: no source '%s'", i, src);
		}
		for (j = 0; j < i; j++) {
			const json_t *o = json_array_get(quotas, j);
			if (!strcmp(ba_json_str(o, "subtask", ""), st) && !strcmp(ba_json_str(o, "source", ""), src) &&
			    json_equal(json_object_get(o, "difficulty"), json_object_get(v, "difficulty"))) {
				json_decref(used);
				return ba_error_set(err, BA_EINVAL, "quotas[%zu]: repeats quotas[%zu] (subtask %s, source %s, "
						    "same difficulty); merge their counts", i, j, st, src);
			}
		}
		json_array_foreach(grs, j, w)
			if (!strcmp(ba_json_str(w, "subtask", ""), st) &&
			    !strcmp(ba_json_str(w, "source", ""), src) && json_is_true(json_object_get(w, "accepted")))
				ok = 1, g = w;
		(void)g;
		if (!ok) {
			json_decref(used);
			return ba_error_set(err, BA_EINVAL, "quotas[%zu]: (%s, %s) has no accepted grounding",
					    i, st, src);
		}
		*total += (long)json_integer_value(cnt);
		json_object_set_new(used, src, json_integer(ba_json_int(used, src, 0) + json_integer_value(cnt)));
	}
	json_object_foreach(used, k, w) {
		const json_t *s = find_id(srcs, "id", k);
		const json_t *cap = json_object_get(s, "capacity");
		if (json_is_integer(cap) && json_integer_value(w) > json_integer_value(cap)) {
			ba_error_set(err, BA_EINVAL, "quotas: source %s gets %lld items but its capacity is %lld",
				     k, (long long)json_integer_value(w), (long long)json_integer_value(cap));
			json_decref(used);
			return BA_EINVAL;
		}
	}
	json_decref(used);
	return 0;
}

int ba_plan_validate(const json_t *plan, ba_error *err)
{
	const json_t *subs, *srcs, *grs, *quotas;
	long total = 0;
	int rc;

	if (!json_is_object(plan))
		return ba_error_set(err, BA_EINVAL, "plan: expected a JSON object");
	if (ba_json_int(plan, "version", 0) != 1)
		return ba_error_set(err, BA_EINVAL, "version: expected 1");
	if ((rc = ba_query_validate(json_object_get(plan, "query"), "query", err)) != 0)
		return rc;
	subs = json_object_get(plan, "subtasks");
	srcs = json_object_get(plan, "sources");
	grs = json_object_get(plan, "groundings");
	quotas = json_object_get(plan, "quotas");
	if (!json_is_array(subs) || json_array_size(subs) == 0)
		return ba_error_set(err, BA_EINVAL, "subtasks: expected a non-empty list");
	if (!json_is_array(srcs))
		return ba_error_set(err, BA_EINVAL, "sources: expected a list");
	if (!json_is_array(grs))
		return ba_error_set(err, BA_EINVAL, "groundings: expected a list");
	if (!json_is_array(quotas))
		return ba_error_set(err, BA_EINVAL, "quotas: expected a list");
	if ((rc = check_subtasks(subs, err)) != 0 || (rc = check_sources(srcs, err)) != 0 ||
	    (rc = check_groundings(subs, srcs, grs, err)) != 0 ||
	    (rc = check_quotas(subs, srcs, grs, quotas, &total, err)) != 0)
		return rc;
	{
		long t = (long)ba_json_int(json_object_get(plan, "query"), "target_size", 0);
		if (total > t)
			return ba_error_set(err, BA_EINVAL, "quotas: sum %ld exceeds target_size %ld", total, t);
		if (total < t && json_array_size(ba_json_path(plan, "rationale.allocation")) == 0)
			return ba_error_set(err, BA_EINVAL, "quotas: sum %ld is below target_size %ld and "
					    "rationale.allocation does not say why", total, t);
	}
	return 0;
}
