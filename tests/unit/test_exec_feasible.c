/*
 * test_exec_feasible.c - ba_exec_plan_feasibility: plans that cannot build
 * are refused before any model call, each by its own reason naming the
 * quota's subtask and source: a numeric generator in a choice subtask
 * (answer type), a required context no source field or step gives
 * (required field), options mapped to a question field (zero options), an
 * image subtask on a text source; feasible plans pass. No gateway exists
 * in these tests, so nothing could have been sent.
 */
#include "support.h"
#include "benchagent/config.h"
#include "benchagent/exec.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ba_config *cfg_with_pool(void)
{
	char pool[1024];
	ba_config *cfg = ba_config_default();
	snprintf(pool, sizeof(pool), "%s/datasets/general-bench-subset", bt_shared());
	ba_config_add_pool(cfg, pool);
	return cfg;
}

static json_t *load_plan(const char *name)
{
	char path[1024];
	json_t *p = NULL;
	snprintf(path, sizeof(path), "%s/tests/data/exec/%s", BA_SOURCE_DIR, name);
	assert_int_equal(ba_json_load_file(&p, path, 0, NULL), 0);
	return p;
}

static json_t *problems_of(const ba_config *cfg, const json_t *plan)
{
	ba_error err = BA_ERROR_INIT;
	json_t *pr = NULL;
	if (ba_exec_plan_feasibility(cfg, plan, BA_EXEC_FEASIBLE_UNITS, &pr, &err) != 0)
		fail_msg("feasibility: %s", err.msg);
	return pr;
}

/* The one problem of quota q: its reason contains every needle. */
static void expect_problem(const json_t *pr, size_t q, const char *const *needles)
{
	json_t *e;
	size_t i;
	const char *why = NULL;

	json_array_foreach(pr, i, e)
		if ((size_t)ba_json_int(e, "quota", -1) == q)
			why = ba_json_str(e, "reason", "");
	if (!why)
		fail_msg("quota %zu was not refused", q);
	for (; *needles; needles++)
		if (!strstr(why, *needles))
			fail_msg("reason of quota %zu lacks '%s': %s", q, *needles, why);
	assert_null(strchr(why, '\n'));
}

static void test_feasible_plans_pass(void **state)
{
	ba_config *cfg = cfg_with_pool();
	static const char *plans[] = { "plan_text.json", "plan_image.json", "plan_chart.json", NULL };
	int i;

	(void)state;
	for (i = 0; plans[i]; i++) {
		json_t *p = load_plan(plans[i]), *pr = problems_of(cfg, p);
		if (json_array_size(pr))
			fail_msg("%s: %s", plans[i], ba_json_str(json_array_get(pr, 0), "reason", ""));
		json_decref(pr);
		json_decref(p);
	}
	ba_config_free(cfg);
}

/* A generator whose items have no options, in a choice subtask. */
static void test_numeric_generator_in_choice_subtask(void **state)
{
	ba_config *cfg = cfg_with_pool();
	json_t *p = load_plan("plan_chart.json"), *pr;
	static const char *want[] = { "quotas[0]", "subtask st1", "source gen:chart_reading", "answer type",
				      "asks for choice", NULL };

	(void)state;
	json_object_set_new(json_array_get(json_object_get(p, "subtasks"), 0), "answer_type", json_string("choice"));
	json_array_append_new(json_object_get(json_array_get(json_object_get(p, "groundings"), 0), "transformation"),
			      json_pack("{s:s, s:s}", "tool", "choice_shuffle", "purpose", "order"));
	pr = problems_of(cfg, p);
	expect_problem(pr, 0, want);
	assert_int_equal(json_array_size(pr), 1); /* the other quota still builds */
	json_decref(pr);
	/* numeric subtask, generator giving text answers at some difficulties */
	json_object_set_new(json_array_get(json_object_get(p, "subtasks"), 0), "answer_type", json_string("numeric"));
	json_array_remove(json_object_get(json_array_get(json_object_get(p, "groundings"), 0), "transformation"), 1);
	pr = problems_of(cfg, p);
	{
		static const char *w2[] = { "subtask st1", "gen:chart_reading", "asks for numeric", NULL };
		expect_problem(pr, 0, w2);
	}
	json_decref(pr);
	json_decref(p);
	ba_config_free(cfg);
}

/* The subtask requires a context; the grounding maps none and no step writes one. */
static void test_required_field_missing(void **state)
{
	ba_config *cfg = cfg_with_pool();
	json_t *p = load_plan("plan_text.json"), *pr;
	json_t *sub = json_array_get(json_object_get(p, "subtasks"), 0);
	static const char *want[] = { "quotas[0]", "subtask st1", "source ds:7fb63e11",
				      "schema requires a context", NULL };

	(void)state;
	json_object_set_new(json_object_get(sub, "schema"), "context", json_string("string"));
	pr = problems_of(cfg, p);
	expect_problem(pr, 0, want);
	assert_int_equal(json_array_size(pr), 1);
	json_decref(pr);
	/* a context_construction step makes it feasible again */
	json_array_insert_new(json_object_get(json_array_get(json_object_get(p, "groundings"), 0), "transformation"), 0,
			      json_pack("{s:s, s:s}", "tool", "context_construction", "purpose", "write it"));
	pr = problems_of(cfg, p);
	assert_int_equal(json_array_size(pr), 0);
	json_decref(pr);
	json_decref(p);
	ba_config_free(cfg);
}

/* `options` mapped to the question text: no option list, no distractor step. */
static void test_zero_options(void **state)
{
	ba_config *cfg = cfg_with_pool();
	json_t *p = load_plan("plan_text.json"), *pr;
	json_t *g = json_array_get(json_object_get(p, "groundings"), 0);
	static const char *want[] = { "quotas[0]", "subtask st1", "source ds:7fb63e11", "0 option", NULL };

	(void)state;
	json_object_set_new(json_object_get(g, "field_map"), "options", json_string("input.question"));
	pr = problems_of(cfg, p);
	expect_problem(pr, 0, want);
	json_decref(pr);
	json_decref(p);
	ba_config_free(cfg);
}

/* An image subtask grounded on a text dataset: no image to show. */
static void test_image_subtask_on_text_source(void **state)
{
	ba_config *cfg = cfg_with_pool();
	json_t *p = load_plan("plan_text.json"), *pr;
	json_t *sub = json_array_get(json_object_get(p, "subtasks"), 1);
	static const char *want[] = { "quotas[1]", "subtask st2", "source ds:2681e85c", "image", NULL };

	(void)state;
	json_object_set_new(sub, "modalities", json_pack("[s, s]", "text", "image"));
	json_object_set_new(json_object_get(sub, "schema"), "image", json_string("image"));
	pr = problems_of(cfg, p);
	expect_problem(pr, 1, want);
	json_decref(pr);
	json_decref(p);
	ba_config_free(cfg);
}

/* A dataset the configured pools do not hold: one line that says so. */
static void test_no_pool(void **state)
{
	ba_config *cfg = ba_config_default();
	json_t *p = load_plan("plan_text.json"), *pr;
	ba_error err = BA_ERROR_INIT;
	static const char *want[] = { "quotas[0]", "ds:7fb63e11", "--pool", NULL };

	(void)state;
	pr = problems_of(cfg, p);
	expect_problem(pr, 0, want);
	json_decref(pr);
	assert_int_equal(ba_exec_plan_check(cfg, p, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "subtask st1"));
	json_decref(p);
	ba_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feasible_plans_pass),
		cmocka_unit_test(test_numeric_generator_in_choice_subtask),
		cmocka_unit_test(test_required_field_missing),
		cmocka_unit_test(test_zero_options),
		cmocka_unit_test(test_image_subtask_on_text_source),
		cmocka_unit_test(test_no_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
