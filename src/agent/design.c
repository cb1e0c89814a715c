/*
 * design.c - the design agent (role "design"): proposes, revises and
 * discards atomic subtasks, checks coverage and consistency, finishes.
 * Input: {query, analysis, subtasks (from the previous round), feedback,
 * round}. Output: {subtasks, rationale, history, mock, stop}.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/answer.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	planner *p;
	const json_t *input;
	json_t *subtasks;     /* working list */
	json_t *rationale;
	int next_id;
	int max_subtasks;
} design_ctx;

#define SUBTASK_PROPS                                                                          \
	"\"name\":{\"type\":\"string\",\"minLength\":3,\"maxLength\":120},"                     \
	"\"description\":{\"type\":\"string\",\"minLength\":10,\"maxLength\":2000},"             \
	"\"modalities\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"string\","      \
	"\"enum\":[\"text\",\"image\",\"audio\"]}},"                                            \
	"\"answer_type\":{\"type\":\"string\",\"enum\":[\"choice\",\"short\",\"numeric\","       \
	"\"binary\",\"span\",\"label\",\"open\"]},"                                             \
	"\"schema\":{\"type\":\"object\"},"                                                     \
	"\"keywords\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":12},"     \
	"\"difficulty\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5}"

static json_t *find_subtask(design_ctx *c, const char *id, size_t *idx)
{
	size_t i;
	json_t *s;
	json_array_foreach(c->subtasks, i, s)
		if (!strcmp(ba_json_str(s, "id", ""), id)) {
			if (idx)
				*idx = i;
			return s;
		}
	return NULL;
}

/* The schema must name a question and an answer; '?' marks optional. */
static int check_schema(const json_t *schema, const json_t *mods, ba_error *err)
{
	const char *k;
	json_t *v;
	int q = 0, a = 0;

	json_object_foreach((json_t *)schema, k, v) {
		if (!json_is_string(v))
			return ba_error_set(err, BA_EINVAL, "schema.%s: expected a type name string "
					    "(\"string\", \"list\", \"image\", ... with '?' for optional)", k);
		q |= !strcmp(k, "question");
		a |= !strcmp(k, "answer");
	}
	if (!q || !a)
		return ba_error_set(err, BA_EINVAL, "schema: must have \"question\" and \"answer\" fields");
	(void)mods;
	return 0;
}

static void normalise(json_t *st)
{
	json_t *sch = json_object_get(st, "schema");
	if (!json_is_array(json_object_get(st, "keywords")))
		json_object_set_new(st, "keywords", json_array());
	if (!json_is_integer(json_object_get(st, "difficulty")))
		json_object_set_new(st, "difficulty", json_integer(3));
	if (!json_is_array(json_object_get(st, "modalities")))
		json_object_set_new(st, "modalities", json_pack("[s]", "text"));
	if (!json_is_object(sch)) {
		const char *at = ba_json_str(st, "answer_type", "short");
		sch = json_pack("{s:s, s:s, s:s}", "question", "string", "context", "string?", "answer",
				"string");
		if (!strcmp(at, "choice"))
			json_object_set_new(sch, "choices", json_string("list"));
		json_object_set_new(st, "schema", sch);
	}
}

static int t_propose(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	design_ctx *c = ud;
	json_t *st;
	char id[32];
	int rc;

	if ((int)json_array_size(c->subtasks) >= c->max_subtasks)
		return ba_error_set(err, BA_EINVAL, "already %d subtasks (the maximum): revise or discard "
				    "one instead", c->max_subtasks);
	if (json_object_get(args, "schema") &&
	    (rc = check_schema(json_object_get(args, "schema"), json_object_get(args, "modalities"), err)))
		return rc;
	snprintf(id, sizeof(id), "st%d", c->next_id++);
	st = json_deep_copy(args);
	json_object_del(st, "rationale");
	json_object_set_new(st, "id", json_string(id));
	json_object_set_new(st, "rationale", json_string(ba_json_str(args, "rationale", "")));
	normalise(st);
	json_array_append_new(c->subtasks, st);
	*result = json_pack("{s:s}", "id", id);
	return 0;
}

static int t_revise(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	design_ctx *c = ud;
	const char *id = ba_json_str(args, "id", "");
	json_t *st = find_subtask(c, id, NULL), *v;
	const char *k;
	int rc;

	if (!st)
		return ba_error_set(err, BA_ENOTFOUND, "no subtask '%s'", id);
	if (json_object_get(args, "schema") &&
	    (rc = check_schema(json_object_get(args, "schema"), NULL, err)))
		return rc;
	json_object_foreach((json_t *)args, k, v)
		if (strcmp(k, "id"))
			json_object_set(st, k, v);
	normalise(st);
	*result = json_pack("{s:s}", "revised", id);
	return 0;
}

static int t_discard(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	design_ctx *c = ud;
	const char *id = ba_json_str(args, "id", "");
	size_t idx;

	if (!find_subtask(c, id, &idx))
		return ba_error_set(err, BA_ENOTFOUND, "no subtask '%s'", id);
	json_array_append_new(c->rationale, json_sprintf("discarded %s: %s", id,
							 ba_json_str(args, "rationale", "")));
	json_array_remove(c->subtasks, idx);
	*result = json_pack("{s:s}", "discarded", id);
	return 0;
}

static int overlap(const json_t *a, const json_t *b)
{
	size_t i, j, n = 0;
	json_t *x, *y;
	json_array_foreach(a, i, x)
		json_array_foreach(b, j, y)
			if (json_equal(x, y))
				n++;
	return (int)n;
}

static json_t *subtask_tokens(const json_t *st)
{
	json_t *t = ba_text_tokens(ba_json_str(st, "name", "")), *u;
	size_t i;
	json_t *k;
	u = ba_text_tokens(ba_json_str(st, "description", ""));
	json_array_extend(t, u);
	json_decref(u);
	json_array_foreach(json_object_get(st, "keywords"), i, k) {
		u = ba_text_tokens(json_string_value(k));
		json_array_extend(t, u);
		json_decref(u);
	}
	return t;
}

/* Coverage: analysis keywords no subtask mentions; consistency: pairs of
 * subtasks with the same answer type and heavily overlapping wording. */
static int t_coverage(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	design_ctx *c = ud;
	json_t *kw = ba_json_path(c->input, "analysis.keywords"), *k, *st, *all = json_array();
	json_t *uncovered = json_array(), *dups = json_array(), *toks = json_array();
	size_t i, j;

	(void)args;
	(void)err;
	json_array_foreach(c->subtasks, i, st) {
		json_t *t = subtask_tokens(st);
		json_array_extend(all, t);
		json_array_append_new(toks, t);
	}
	json_array_foreach(kw, i, k) {
		json_t *kt = ba_text_tokens(json_string_value(k));
		if (json_array_size(kt) && overlap(kt, all) == 0)
			json_array_append(uncovered, k);
		json_decref(kt);
	}
	for (i = 0; i < json_array_size(c->subtasks); i++)
		for (j = i + 1; j < json_array_size(c->subtasks); j++) {
			json_t *a = json_array_get(c->subtasks, i), *b = json_array_get(c->subtasks, j);
			json_t *ta = ba_text_tokens(ba_json_str(a, "name", ""));
			json_t *tb = ba_text_tokens(ba_json_str(b, "name", ""));
			size_t na = json_array_size(ta), nb = json_array_size(tb);
			int ov = overlap(ta, tb);
			if (!strcmp(ba_json_str(a, "answer_type", ""), ba_json_str(b, "answer_type", "")) &&
			    na && nb && ov * 2 >= (int)(na < nb ? na : nb) + 1)
				json_array_append_new(dups, json_sprintf("%s and %s look alike",
									 ba_json_str(a, "id", ""),
									 ba_json_str(b, "id", "")));
			json_decref(ta);
			json_decref(tb);
		}
	*result = json_pack("{s:i, s:o, s:o}", "subtasks", (int)json_array_size(c->subtasks),
			    "uncovered_keywords", uncovered, "similar_pairs", dups);
	json_decref(all);
	json_decref(toks);
	return 0;
}

static int t_finish(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	design_ctx *c = ud;
	if (json_array_size(c->subtasks) == 0)
		return ba_error_set(err, BA_EINVAL, "no subtasks yet: propose at least one first");
	json_array_append_new(c->rationale, json_string(ba_json_str(args, "rationale", "")));
	(void)result;
	return BA_AGENT_DONE;
}

static const ba_agent_tool design_tools[] = {
	{ "propose_subtask", "Add one atomic subtask (one capability).",
	  "{\"type\":\"object\",\"required\":[\"name\",\"description\",\"modalities\",\"answer_type\","
	  "\"schema\",\"keywords\",\"difficulty\"],\"properties\":{" SUBTASK_PROPS "}}",
	  t_propose },
	{ "revise_subtask", "Change fields of an existing subtask.",
	  "{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"string\"},"
	  SUBTASK_PROPS "}}",
	  t_revise },
	{ "discard_subtask", "Remove a subtask.",
	  "{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"string\"}}}",
	  t_discard },
	{ "check_coverage", "Report request keywords no subtask covers and look-alike subtasks.",
	  "{\"type\":\"object\",\"properties\":{}}", t_coverage },
	{ "finish", "Finish the design (at least one subtask).",
	  "{\"type\":\"object\",\"properties\":{}}", t_finish },
};

static json_t *design_state(void *ud)
{
	design_ctx *c = ud;
	json_t *fb = json_object_get(c->input, "feedback");
	json_t *s = json_pack("{s:O, s:O, s:O, s:I, s:i}", "query", json_object_get(c->input, "query"),
			      "analysis", json_object_get(c->input, "analysis"), "subtasks", c->subtasks,
			      "round", (json_int_t)ba_json_int(c->input, "round", 1), "max_subtasks",
			      c->max_subtasks);
	json_object_set_new(s, "feedback", json_is_array(fb) ? json_deep_copy(fb) : json_array());
	return s;
}

/* When the model leaves nothing usable: one subtask from the analysis. */
static json_t *fallback_subtask(const json_t *input)
{
	const json_t *a = json_object_get(input, "analysis");
	json_t *st = json_object();
	const char *topic = ba_json_str(a, "topic", "");

	json_object_set_new(st, "id", json_string("st1"));
	json_object_set_new(st, "name", json_string(*topic ? topic : "Core capability"));
	json_object_set_new(st, "description", json_string(ba_json_str(json_object_get(input, "query"),
								       "description", "")));
	json_object_set_new(st, "modalities", json_is_array(json_object_get(a, "modalities"))
						      ? json_deep_copy(json_object_get(a, "modalities"))
						      : json_pack("[s]", "text"));
	json_object_set_new(st, "answer_type", json_string("choice"));
	json_object_set_new(st, "keywords", json_is_array(json_object_get(a, "keywords"))
						    ? json_deep_copy(json_object_get(a, "keywords"))
						    : json_array());
	json_object_set_new(st, "difficulty", json_integer(3));
	json_object_set_new(st, "rationale",
			    json_string("fallback: the design agent proposed no subtask"));
	normalise(st);
	return st;
}

int ba_planner_design(void *ud, const json_t *input, json_t **output, ba_error *err)
{
	planner *p = ud;
	design_ctx c = { p, input, NULL, json_array(), 1, p->max_subtasks };
	ba_agent_spec spec = BA_AGENT_SPEC_INIT;
	ba_agent_result res;
	json_t *st, *vars;
	size_t i;
	int rc;

	c.subtasks = json_is_array(json_object_get(input, "subtasks"))
			     ? json_deep_copy(json_object_get(input, "subtasks"))
			     : json_array();
	json_array_foreach(c.subtasks, i, st) {
		int n = 0;
		const char *id = ba_json_str(st, "id", "");
		if (id[0] == 's' && id[1] == 't')
			n = (int)strtol(id + 2, NULL, 10);
		if (n >= c.next_id)
			c.next_id = n + 1;
	}
	spec.name = "design";
	spec.role = "design";
	spec.prompt = "design.txt";
	spec.tools = design_tools;
	spec.ntools = sizeof(design_tools) / sizeof(design_tools[0]);
	spec.state = design_state;
	spec.ud = &c;
	spec.max_steps = p->design_steps;
	spec.run_id = p->run_id;
	vars = json_pack("{s:i}", "max_subtasks", c.max_subtasks);
	spec.vars = vars;
	rc = ba_agent_run(p->gw, &spec, &res, err);
	json_decref(vars);
	if (rc) {
		json_decref(c.subtasks);
		json_decref(c.rationale);
		ba_agent_result_clear(&res);
		return rc;
	}
	if (json_array_size(c.subtasks) == 0) {
		json_array_append_new(c.subtasks, fallback_subtask(input));
		json_array_append_new(c.rationale,
				      json_sprintf("the design agent stopped (%s) without subtasks; "
						   "one subtask was derived from the query analysis", res.stop));
	} else if (!res.finished) {
		json_array_append_new(c.rationale,
				      json_sprintf("the design agent stopped (%s) before finishing; its "
						   "%zu subtasks are kept", res.stop, json_array_size(c.subtasks)));
	}
	*output = json_pack("{s:o, s:o, s:O, s:b, s:s}", "subtasks", c.subtasks, "rationale",
			    c.rationale, "history", res.history, "mock", res.mock, "stop", res.stop);
	ba_agent_result_clear(&res);
	return 0;
}
