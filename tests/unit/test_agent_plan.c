/*
 * test_agent_plan.c - the planner end to end on the real pool with the
 * mock provider (valid plan, stages reused on rerun, the audio request
 * taking the design/grounding feedback loop), query and plan validation,
 * and the deterministic allocation arithmetic (a too-small dataset is
 * corrected, an infeasible target is explained).
 */
#include "support.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"
#include "../../src/agent/planner.h"
#include "plan_tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char pool[4096];

static int setup(void **state)
{
	(void)state;
	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	snprintf(pool, sizeof(pool), "%s/datasets/general-bench-subset", bt_shared());
	ba_plan_register_mocks();
	bt_plan_tools(NULL, 0);
	return 0;
}

static ba_config *mock_config(const char *pooldir)
{
	ba_error err = BA_ERROR_INIT;
	ba_config *cfg = ba_config_default();
	ba_config_set_provider_override(cfg, "mock", &err);
	if (pooldir)
		ba_config_add_pool(cfg, pooldir);
	return cfg;
}

static json_t *load_query(const char *name)
{
	char path[4096];
	json_t *q = NULL;
	ba_error err = BA_ERROR_INIT;
	snprintf(path, sizeof(path), "%s/queries/%s", bt_shared(), name);
	assert_int_equal(ba_query_load(path, &q, &err), 0);
	return q;
}

static long quota_sum(const json_t *plan)
{
	size_t i;
	json_t *q;
	long s = 0;
	json_array_foreach(json_object_get(plan, "quotas"), i, q)
		s += (long)ba_json_int(q, "count", 0);
	return s;
}

static json_t *make(ba_config *cfg, ba_store *st, const json_t *q, ba_gateway_stats *stats, int *rc)
{
	ba_error err = BA_ERROR_INIT;
	ba_gateway *gw = NULL;
	json_t *plan = NULL;
	int64_t run;

	assert_int_equal(ba_run_open(st, "plan", ba_json_str(q, "id", ""), &run, &err), 0);
	assert_int_equal(ba_gateway_new(&gw, cfg, st, NULL, &err), 0);
	*rc = ba_plan_make(gw, st, cfg, q, run, &plan, &err);
	if (*rc)
		printf("plan error: %s\n", err.msg);
	ba_gateway_stats_get(gw, stats);
	ba_gateway_free(gw);
	return plan;
}

static void test_mock_plan_end_to_end(void **state)
{
	char *ws = bt_tmpdir("plan");
	ba_config *cfg = mock_config(pool);
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_gateway_stats s1, s2;
	json_t *q = load_query("multi_perspective_event_reasoning.json"), *plan, *plan2, *g;
	char *a, *b;
	size_t i;
	int rc;

	(void)state;
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	plan = make(cfg, st, q, &s1, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(ba_plan_validate(plan, &err), 0);
	assert_true(json_is_true(json_object_get(plan, "mock")));
	assert_int_equal(quota_sum(plan), 120);
	assert_true(json_array_size(json_object_get(plan, "subtasks")) >= 1);
	assert_true(json_array_size(json_object_get(plan, "history")) >= 3);
	json_array_foreach(json_object_get(plan, "groundings"), i, g) {
		double f = ba_json_num(json_object_get(g, "scores"), "final", -1);
		assert_int_equal(json_is_true(json_object_get(g, "accepted")), f >= 0.53);
	}
	assert_true(s1.calls > 0);
	/* rerun: every stage reused, not a single model call */
	plan2 = make(cfg, st, q, &s2, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(s2.calls, 0);
	a = ba_json_canonical(plan);
	b = ba_json_canonical(plan2);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* another model for the roles: the stages are computed again */
	{
		char *y = bt_write(ws, "other.yaml", "providers:\n  - name: mock2\n    protocol: mock\n"
				   "roles:\n  default: mock2/other-model\n");
		ba_config *cfg2 = NULL;
		ba_gateway_stats s3;
		json_t *plan3;
		assert_int_equal(ba_config_load(&cfg2, y, 0, &err), 0);
		ba_config_add_pool(cfg2, pool);
		plan3 = make(cfg2, st, q, &s3, &rc);
		assert_int_equal(rc, 0);
		assert_true(s3.calls > 0);
		json_decref(plan3);
		ba_config_free(cfg2);
		free(y);
	}
	json_decref(plan);
	json_decref(plan2);
	json_decref(q);
	ba_store_close(st);
	ba_config_free(cfg);
	bt_rmrf(ws);
	free(ws);
}

/* A subtask that nothing fits is sent back: spoken news reports whose
 * causes and effects are asked. No dataset has audio (and no conversion
 * tool is registered here); the audio generators (tones, beeps, digits,
 * dialogues) are candidates for the audio modality but none is about
 * news or causes, so grounding sends the subtask back to design round
 * after round, and the plan is refused in plain words naming the closest
 * candidates and what would fit. (Premise changed: before the audio
 * generators, the shared speech request had no audio candidate at all and
 * design dropped its audio; now nothing with audio is refused as unfit
 * instead of silently becoming text.) */
static void test_feedback_loop_audio(void **state)
{
	char *ws = bt_tmpdir("plan"), path[4096];
	ba_config *cfg = mock_config(pool);
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_gateway *gw = NULL;
	json_t *q = NULL, *plan = NULL, *stg, *sub;
	size_t i;
	int rc, saw_round2 = 0;
	int64_t run;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/planner/spoken_news.json", BA_SOURCE_DIR);
	assert_int_equal(ba_query_load(path, &q, &err), 0);
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_run_open(st, "plan", ba_json_str(q, "id", ""), &run, &err), 0);
	assert_int_equal(ba_gateway_new(&gw, cfg, st, NULL, &err), 0);
	rc = ba_plan_make(gw, st, cfg, q, run, &plan, &err);
	ba_gateway_free(gw);
	assert_int_not_equal(rc, 0);
	assert_null(plan);
	/* refused in plain words: the closest candidates and what would fit */
	assert_non_null(strstr(err.msg, "nothing in the pool fits this request"));
	assert_non_null(strstr(err.msg, "closest:"));
	assert_non_null(strstr(err.msg, "what would fit: a dataset of text+audio samples"));
	stg = ba_stage_list(st, run);
	json_array_foreach(stg, i, sub)
		saw_round2 |= !strcmp(ba_json_str(sub, "name", ""), "grounding.2");
	assert_true(saw_round2); /* sent back to design, grounded again */
	json_decref(stg);
	json_decref(q);
	ba_store_close(st);
	ba_config_free(cfg);
	bt_rmrf(ws);
	free(ws);
}

static void test_empty_pool(void **state)
{
	char *ws = bt_tmpdir("plan"), *empty = bt_tmpdir("emptypool");
	ba_config *cfg = mock_config(empty);
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_gateway *gw = NULL;
	json_t *q = load_query("multi_perspective_event_reasoning.json"), *plan = NULL;

	(void)state;
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_gateway_new(&gw, cfg, st, NULL, &err), 0);
	assert_int_equal(ba_plan_make(gw, st, cfg, q, 1, &plan, &err), BA_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no usable dataset cards"));
	assert_null(plan);
	ba_gateway_free(gw);
	json_decref(q);
	ba_store_close(st);
	ba_config_free(cfg);
	bt_rmrf(ws);
	bt_rmrf(empty);
	free(ws);
	free(empty);
}

static void test_query_validation(void **state)
{
	char *dir = bt_tmpdir("q"), *f;
	ba_error err = BA_ERROR_INIT;
	json_t *q = NULL;

	(void)state;
	f = bt_write(dir, "a.json", "{\"id\": \"x\", \"target_size\": 10}");
	assert_int_equal(ba_query_load(f, &q, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "a.json: description: missing"));
	free(f);
	f = bt_write(dir, "b.json", "{\"id\": \"x\", \"description\": \"d\", \"target_size\": 0}");
	assert_int_equal(ba_query_load(f, &q, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "b.json: target_size: 0"));
	free(f);
	f = bt_write(dir, "c.json", "{\"id\": \"x\", \"description\": \"d\", \"target_size\": 1000000000}");
	assert_int_equal(ba_query_load(f, &q, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "above the limit of 100000"));
	free(f);
	f = bt_write(dir, "d.json", "{\"id\": \"../x\", \"description\": \"d\", \"target_size\": 5}");
	assert_int_equal(ba_query_load(f, &q, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "id:"));
	free(f);
	f = bt_write(dir, "e.json", "{\"id\": \"x\", \"description\": \"d\",\n \"target_size\": }");
	assert_int_equal(ba_query_load(f, &q, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "e.json:2"));
	free(f);
	f = bt_write(dir, "ok.json", "{\"id\": \"x\", \"description\": \"d\", \"target_size\": 100000}");
	assert_int_equal(ba_query_load(f, &q, &err), 0);
	json_decref(q);
	free(f);
	bt_rmrf(dir);
	free(dir);
}

static void test_alloc_small_dataset(void **state)
{
	/* the proposal puts 50 items on a dataset with 8 usable samples */
	json_t *pairs = json_loads("[{\"subtask\":\"st1\",\"source\":\"ds:small\",\"capacity\":8,\"final\":0.9},"
				   "{\"subtask\":\"st1\",\"source\":\"gen:g\",\"capacity\":null,\"final\":0.6},"
				   "{\"subtask\":\"st2\",\"source\":\"ds:big\",\"capacity\":200,\"final\":0.7}]", 0, NULL);
	json_t *subs = json_loads("[{\"id\":\"st1\",\"difficulty\":3},{\"id\":\"st2\",\"difficulty\":2}]", 0, NULL);
	json_t *prop = json_loads("[{\"subtask\":\"st1\",\"source\":\"ds:small\",\"count\":50},"
				  "{\"subtask\":\"st2\",\"source\":\"ds:big\",\"count\":50}]", 0, NULL);
	json_t *probs = ba_alloc_check(pairs, prop, 100), *fixed, *q;
	char *note = NULL;
	long sum = 0, small = 0;
	size_t i;

	(void)state;
	assert_int_equal(json_array_size(probs), 1);
	assert_non_null(strstr(json_string_value(json_array_get(probs, 0)), "only 8 usable"));
	fixed = ba_alloc_repair(pairs, subs, prop, 100, &note);
	assert_null(note);
	json_array_foreach(fixed, i, q) {
		sum += (long)ba_json_int(q, "count", 0);
		if (!strcmp(ba_json_str(q, "source", ""), "ds:small"))
			small += (long)ba_json_int(q, "count", 0);
	}
	assert_int_equal(sum, 100);
	assert_int_equal(small, 8);
	json_decref(probs);
	probs = ba_alloc_check(pairs, fixed, 100);
	assert_int_equal(json_array_size(probs), 0);
	json_decref(probs);
	json_decref(fixed);

	/* infeasible: only datasets, 208 usable samples for 500 items */
	json_array_remove(pairs, 1);
	fixed = ba_alloc_repair(pairs, subs, prop, 500, &note);
	assert_non_null(note);
	assert_non_null(strstr(note, "208"));
	sum = 0;
	json_array_foreach(fixed, i, q)
		sum += (long)ba_json_int(q, "count", 0);
	assert_int_equal(sum, 208);
	free(note);
	json_decref(fixed);
	json_decref(pairs);
	json_decref(subs);
	json_decref(prop);
}

static void test_plan_validate(void **state)
{
	const char *base =
		"{\"version\":1,\"query\":{\"id\":\"x\",\"description\":\"d\",\"target_size\":10},"
		"\"subtasks\":[{\"id\":\"st1\",\"name\":\"n\",\"answer_type\":\"choice\",\"schema\":{},"
		"\"modalities\":[\"text\"]}],"
		"\"sources\":[{\"id\":\"ds:a\",\"kind\":\"dataset\",\"dataset_id\":\"a\",\"capacity\":5},"
		"{\"id\":\"gen:g\",\"kind\":\"generator\",\"generator\":\"g\",\"capacity\":null}],"
		"\"groundings\":[{\"subtask\":\"st1\",\"source\":\"ds:a\",\"accepted\":true,"
		"\"transformation\":[{\"tool\":\"choice_shuffle\"}]},"
		"{\"subtask\":\"st1\",\"source\":\"gen:g\",\"accepted\":true,"
		"\"transformation\":[{\"tool\":\"answer_normalize\"}]}],"
		"\"quotas\":[{\"subtask\":\"st1\",\"source\":\"ds:a\",\"count\":5},"
		"{\"subtask\":\"st1\",\"source\":\"gen:g\",\"count\":5}],\"rationale\":{\"allocation\":[]}}";
	ba_error err = BA_ERROR_INIT;
	json_t *p = json_loads(base, 0, NULL);

	(void)state;
	assert_non_null(p);
	assert_int_equal(ba_plan_validate(p, &err), 0);
	json_object_set_new(json_array_get(json_object_get(p, "quotas"), 0), "count", json_integer(6));
	json_object_set_new(json_array_get(json_object_get(p, "quotas"), 1), "count", json_integer(4));
	assert_int_equal(ba_plan_validate(p, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "capacity is 5"));
	json_object_set_new(json_array_get(json_object_get(p, "quotas"), 0), "count", json_integer(5));
	json_object_set_new(json_array_get(json_object_get(p, "quotas"), 1), "count", json_integer(3));
	assert_int_equal(ba_plan_validate(p, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "below target_size"));
	json_object_set_new(json_array_get(json_object_get(p, "quotas"), 1), "count", json_integer(5));
	json_object_set_new(json_array_get(json_object_get(p, "groundings"), 1), "transformation",
			    json_pack("[{s:s}]", "tool", "rm_rf"));
	assert_int_equal(ba_plan_validate(p, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "groundings[1].transformation[0].tool"));
	json_object_set_new(json_array_get(json_object_get(p, "groundings"), 1), "accepted", json_false());
	assert_int_equal(ba_plan_validate(p, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "no accepted grounding"));
	json_decref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mock_plan_end_to_end),
		cmocka_unit_test(test_feedback_loop_audio),
		cmocka_unit_test(test_empty_pool),
		cmocka_unit_test(test_query_validation),
		cmocka_unit_test(test_alloc_small_dataset),
		cmocka_unit_test(test_plan_validate),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
