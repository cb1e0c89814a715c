/*
 * steps.c - a unit's step list: written by the model (role realize) but
 * only accepted when it stays inside the grounding's transformation plan
 * (known tools, listed tools, the plan's order, valid arguments);
 * otherwise the deterministic default list of the transformation is used.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ba_exec_steps_check(const json_t *steps, const json_t *transformation, ba_error *err)
{
	size_t i, pos = 0, nt = json_array_size(transformation);
	json_t *s;

	if (!json_is_array(steps))
		return ba_error_set(err, BA_EINVAL, "steps: expected a list");
	if (json_array_size(steps) == 0 && nt > 0)
		return ba_error_set(err, BA_EINVAL, "steps: empty, but the transformation has %zu step(s)", nt);
	json_array_foreach(steps, i, s) {
		const char *name = ba_json_str(s, "tool", NULL);
		const ba_tool *t = ba_tool_find(name);
		json_t *args = json_object_get(s, "args");
		int found = 0;

		if (!t)
			return ba_error_set(err, BA_EINVAL, "steps[%zu]: unknown tool '%s'", i,
					    name ? name : "(none)");
		while (pos < nt) {
			const char *tn = ba_json_str(json_array_get(transformation, pos), "tool", "");
			pos++;
			if (strcmp(tn, name) == 0) {
				found = 1;
				break;
			}
		}
		if (!found)
			return ba_error_set(err, BA_EINVAL,
					    "steps[%zu]: tool '%s' is outside the transformation plan (or out of its order)",
					    i, name);
		if (args && !json_is_object(args))
			return ba_error_set(err, BA_EINVAL, "steps[%zu]: args must be an object", i);
		if (ba_tool_check_args(t, args, err) != 0)
			return ba_error_prefix(err, "steps[%zu]: ", i), BA_EINVAL;
	}
	/* model steps may be left out, pure ones not: they are free, and
	 * dropping e.g. choice_shuffle would leave every answer at A */
	for (pos = 0; pos < nt; pos++) {
		const char *tn = ba_json_str(json_array_get(transformation, pos), "tool", "");
		const ba_tool *t = ba_tool_find(tn);
		int used = 0;
		json_t *st;
		size_t j;
		if (!t || t->kind != BA_TOOL_PURE)
			continue;
		json_array_foreach(steps, j, st)
			used |= !strcmp(ba_json_str(st, "tool", ""), tn);
		if (!used)
			return ba_error_set(err, BA_EINVAL, "steps: the pure step '%s' of the transformation is missing",
					    tn);
	}
	return 0;
}

json_t *ba_exec_steps_default(const json_t *transformation)
{
	json_t *out = json_array(), *s;
	size_t i;

	json_array_foreach(transformation, i, s) {
		const ba_tool *t = ba_tool_find(ba_json_str(s, "tool", NULL));
		json_t *args = json_object_get(s, "args");
		if (!t)
			continue; /* the planner named a tool we do not have: skip it */
		if (!json_is_object(args) || ba_tool_check_args(t, args, NULL) != 0)
			args = NULL;
		json_array_append_new(out, json_pack("{s:s, s:o}", "tool", t->name, "args",
						     args ? json_deep_copy(args) : json_loads(t->default_args, 0, NULL)));
	}
	return out;
}

static const char *steps_schema =
	"{\"type\":\"object\",\"properties\":{\"steps\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"properties\":{\"tool\":{\"type\":\"string\"},\"args\":{\"type\":\"object\"}},"
	"\"required\":[\"tool\"]}}},\"required\":[\"steps\"]}";

int ba_exec_steps_plan(ba_exec_ctx *x, const json_t *unit, const json_t *draft, json_t **steps,
		       const char **origin, char *note, size_t nlen, ba_error *err)
{
	const char *stid = ba_json_str(unit, "subtask", ""), *src = ba_json_str(unit, "source", "");
	const json_t *g = ba_exec_plan_grounding(x->plan, stid, src);
	const json_t *tr = json_object_get(g, "transformation");
	const json_t *subtask = ba_exec_plan_subtask(x->plan, stid);
	json_t *input = NULL, *schema = NULL, *reply = NULL, *tools, *s, *vars = NULL;
	char model[160];
	ba_error e2 = BA_ERROR_INIT;
	int mock = 0, rc;
	size_t i;

	*steps = NULL;
	*origin = "default";
	note[0] = 0;
	if (ba_exec_source_is_generator(ba_exec_plan_source(x->plan, src))) {
		/* generator items are exact already: only the pure steps apply */
		json_t *all = ba_exec_steps_default(tr), *pure = json_array();
		json_array_foreach(all, i, s)
			if (ba_tool_find(ba_json_str(s, "tool", ""))->kind == BA_TOOL_PURE)
				json_array_append(pure, s);
		json_decref(all);
		*steps = pure;
		snprintf(note, nlen, "generator source: pure steps only");
		return 0;
	}
	if (json_array_size(tr) == 0 || !x->gw) {
		*steps = ba_exec_steps_default(tr);
		snprintf(note, nlen, "%s", x->gw ? "no transformation steps" : "no model: default steps");
		return 0;
	}
	tools = json_array();
	json_array_foreach(tr, i, s) {
		const ba_tool *t = ba_tool_find(ba_json_str(s, "tool", NULL));
		if (t)
			json_array_append_new(tools, json_pack("{s:s, s:s, s:s, s:o}", "tool", t->name,
							       "purpose", ba_json_str(s, "purpose", ""),
							       "description", t->description, "args_schema",
							       json_loads(t->args_schema, 0, NULL)));
	}
	input = json_pack("{s:{s:s, s:s, s:s}, s:o, s:{s:s, s:s, s:b, s:b}}", "subtask", "name",
			  ba_json_str(subtask, "name", ""), "description",
			  ba_json_str(subtask, "description", ""), "answer_type",
			  ba_json_str(subtask, "answer_type", "short"), "allowed_steps", tools, "sample",
			  "question", ba_json_str(draft, "question", ""), "answer",
			  ba_json_str(draft, "answer", ""), "has_choices",
			  json_array_size(json_object_get(draft, "choices")) > 0, "has_image",
			  json_array_size(json_object_get(draft, "media")) > 0);
	schema = json_loads(steps_schema, 0, NULL);
	vars = json_pack("{s:s}", "subtask_name", ba_json_str(subtask, "name", ""));
	rc = ba_llm_call_json(x->gw, "realize", BA_EXEC_STEPS_PROMPT, vars, input, schema, "exec_steps",
			      x->run_id, 0, NULL, 1, &reply, model, sizeof(model), &mock, &e2);
	if (rc == BA_EBUDGET || rc == BA_EPENDING) {
		ba_error_set(err, rc, "%s", e2.msg);
		goto cleanup;
	}
	rc = 0;
	if (reply && ba_exec_steps_check(json_object_get(reply, "steps"), tr, &e2) == 0) {
		json_t *st = json_array();
		json_array_foreach(json_object_get(reply, "steps"), i, s) {
			json_t *args = json_object_get(s, "args");
			json_array_append_new(st, json_pack("{s:s, s:o}", "tool", ba_json_str(s, "tool", ""),
							    "args", args ? json_deep_copy(args) : json_object()));
		}
		*steps = st;
		*origin = "llm";
	} else {
		*steps = ba_exec_steps_default(tr);
		snprintf(note, nlen, "model step list refused: %s", e2.msg);
	}
	pthread_mutex_lock(&x->mu);
	if (reply) {
		x->llm_step_plans++;
		if (mock)
			x->mock = 1;
		json_object_set_new(x->models, model, json_true());
	}
	if (strcmp(*origin, "default") == 0)
		x->refused_step_plans++;
	pthread_mutex_unlock(&x->mu);
cleanup:
	json_decref(vars);
	json_decref(reply);
	json_decref(schema);
	json_decref(input);
	return rc;
}
