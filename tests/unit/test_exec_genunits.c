/*
 * test_exec_genunits.c - BM25 search over generators, query validation,
 * the planner's no-model plan (ba_plan_offline: shape, quotas, levels) and
 * generator units through the executor (ba_exec_build_with_opts with no
 * model: the generator's verify() and the executor's checks on every item,
 * resume from the store, byte-identical reruns, duplicates drawn again in
 * place, an exhausted source).
 */
#define _GNU_SOURCE
#include "support.h"
#include "benchagent/config.h"
#include "benchagent/exec.h"
#include "benchagent/gen.h"
#include "benchagent/plan.h"
#include "benchagent/query.h"
#include "benchagent/json.h"
#include "benchagent/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ba_gen_registry *reg;
static ba_config *cfg; /* the defaults: verification.near_duplicate_threshold, shingle */

static int setup(void **state)
{
	ba_error err = BA_ERROR_INIT;
	(void)state;
	if (ba_config_load(&cfg, "/nonexistent/benchagent.yaml", 1, &err) != 0)
		return -1;
	return ba_gen_registry_new(&reg, NULL, &err);
}

static int teardown(void **state)
{
	(void)state;
	ba_gen_registry_free(reg);
	ba_config_free(cfg);
	return 0;
}

static const char *top_hit(const char *text)
{
	static char name[64];
	json_t *hits = NULL;

	ba_gen_search(reg, text, 5, &hits);
	snprintf(name, sizeof(name), "%s", ba_json_str(json_array_get(hits, 0), "name", ""));
	json_decref(hits);
	return name;
}

static void test_search(void **state)
{
	json_t *hits = NULL;
	size_t i;
	double prev = 1e9;
	json_t *h;
	(void)state;

	assert_string_equal(top_hit("reading values from bar charts"), "chart_reading");
	assert_string_equal(top_hit("knights and knaves truth tellers"), "knights_knaves");
	assert_string_equal(top_hit("balancing chemical equations"), "chemical_balancing");
	assert_string_equal(top_hit("what time does the analog clock show"), "clock_reading");
	assert_string_equal(top_hit("shortest path in a graph"), "graph_shortest_path");
	assert_string_equal(top_hit("convert units km to miles"), "unit_conversion");
	ba_gen_search(reg, "calendar dates and logic puzzles", 10, &hits);
	assert_true(json_array_size(hits) >= 2);
	json_array_foreach(hits, i, h) {
		double s = ba_json_num(h, "score", 0);
		assert_true(s > 0 && s <= prev);
		prev = s;
		assert_true(json_array_size(json_object_get(h, "terms")) >= 1);
	}
	json_decref(hits);
	ba_gen_search(reg, "", 10, &hits);
	assert_int_equal(json_array_size(hits), 0);
	json_decref(hits);
	ba_gen_search(reg, "zzzqqq xxyyzz", 10, &hits);
	assert_int_equal(json_array_size(hits), 0);
	json_decref(hits);
}

static void test_query_validation(void **state)
{
	static const struct { const char *json, *want; } cases[] = {
		{ "[]", "JSON object" },
		{ "{\"description\": \"x\", \"target_size\": 5}", "id: missing" },
		{ "{\"id\": \"\", \"description\": \"x\", \"target_size\": 5}", "id: expected a non-empty string" },
		{ "{\"id\": \"../x\", \"description\": \"x\", \"target_size\": 5}", "it names the output folder" },
		{ "{\"id\": \"a\", \"target_size\": 5}", "description: missing" },
		{ "{\"id\": \"a\", \"description\": \"  \", \"target_size\": 5}", "description: empty" },
		{ "{\"id\": \"a\", \"description\": \"x\"}", "target_size: missing" },
		{ "{\"id\": \"a\", \"description\": \"x\", \"target_size\": 0}", "target_size: 0 is not a positive number" },
		{ "{\"id\": \"a\", \"description\": \"x\", \"target_size\": 1000000000}", "1000000000 is above the limit of 100000" },
		{ "{\"id\": \"a\", \"description\": \"x\", \"target_size\": -3}", "-3 is not a positive" },
		{ "{\"id\": \"a\", \"description\": \"x\", \"target_size\": 2.5}", "expected an integer" },
		{ "{\"id\": \"a\", \"description\": \"x\", \"target_size\": \"10\"}", "expected an integer" },
		{ NULL, NULL }
	};
	int i;
	(void)state;

	for (i = 0; cases[i].json; i++) {
		json_t *q = json_loads(cases[i].json, 0, NULL);
		ba_error err = BA_ERROR_INIT;
		assert_non_null(q);
		assert_int_equal(ba_query_validate(q, "q.json", &err), BA_EINVAL);
		if (!strstr(err.msg, cases[i].want) || strncmp(err.msg, "q.json: ", 8))
			fail_msg("case %d: '%s' lacks '%s'", i, err.msg, cases[i].want);
		json_decref(q);
	}
}

static json_t *shared_query(void)
{
	char *p = NULL;
	json_t *q = NULL;
	ba_error err = BA_ERROR_INIT;

	if (asprintf(&p, "%s/queries/arithmetic_logic_offline.json", bt_shared()) < 0)
		abort();
	assert_int_equal(ba_json_load_file(&q, p, 0, &err), 0);
	free(p);
	return q;
}

static void test_offline_plan(void **state)
{
	json_t *q = shared_query(), *plan = NULL, *v, *again = NULL;
	ba_error err = BA_ERROR_INIT;
	size_t i;
	long sum = 0;
	int seen_level[6] = { 0 };
	int found_logic = 0, found_date = 0, found_arith = 0;
	(void)state;

	assert_int_equal(ba_plan_offline(reg, q, &plan, &err), 0);
	assert_int_equal(ba_json_int(plan, "version", 0), 1);
	assert_true(json_equal(json_object_get(plan, "query"), q));
	json_array_foreach(json_object_get(plan, "quotas"), i, v) {
		json_t *dl = json_object_get(v, "difficulty");
		sum += (long)ba_json_int(v, "count", 0);
		assert_int_equal(json_array_size(dl), 1);
		seen_level[json_integer_value(json_array_get(dl, 0))] = 1;
	}
	assert_int_equal(sum, 300);
	/* "in three difficulty levels" -> 1, 3, 5 */
	assert_true(seen_level[1] && seen_level[3] && seen_level[5]);
	assert_false(seen_level[2] || seen_level[4]);
	json_array_foreach(json_object_get(plan, "sources"), i, v) {
		const char *g = ba_json_str(v, "generator", "");
		assert_string_equal(ba_json_str(v, "kind", ""), "generator");
		assert_true(json_is_null(json_object_get(v, "capacity")));
		assert_non_null(ba_gen_find(reg, g));
		if (strstr(g, "knights") || strstr(g, "syllogism") || strstr(g, "boolean"))
			found_logic = 1;
		if (strstr(g, "date") || strstr(g, "calendar"))
			found_date = 1;
		if (strstr(g, "arithmetic"))
			found_arith = 1;
	}
	/* one generator per facet of the request */
	assert_true(found_logic && found_date && found_arith);
	assert_int_equal(json_array_size(json_object_get(plan, "subtasks")), json_array_size(json_object_get(plan, "sources")));
	json_array_foreach(json_object_get(plan, "groundings"), i, v)
		assert_true(ba_json_bool(v, "accepted", 0));
	/* deterministic */
	assert_int_equal(ba_plan_offline(reg, q, &again, &err), 0);
	assert_true(json_equal(plan, again));
	json_decref(again);
	json_decref(plan);

	/* a request naming no level count gets 1, 3, 5; a tiny target still sums up */
	json_object_set_new(q, "description", json_string("bar charts and pie charts"));
	json_object_set_new(q, "target_size", json_integer(2));
	assert_int_equal(ba_plan_offline(reg, q, &plan, &err), 0);
	sum = 0;
	json_array_foreach(json_object_get(plan, "quotas"), i, v)
		sum += (long)ba_json_int(v, "count", 0);
	assert_int_equal(sum, 2);
	assert_true(json_array_size(json_object_get(plan, "subtasks")) <= 2);
	json_decref(plan);

	json_object_set_new(q, "description", json_string("qqqq zzzz wwww"));
	assert_int_equal(ba_plan_offline(reg, q, &plan, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "no generator matches"));
	json_decref(q);
}

/* Build plan through the executor (no model, the test's registry) into
 * ws/out-<tag>: 0 with *items (the items.jsonl lines) and *man (the
 * manifest's executor section), or the build's code. */
static int build(ba_store *st, int64_t run, const json_t *plan, const char *ws, const char *tag, json_t **items,
		 json_t **man, ba_error *err)
{
	ba_exec_build_with w = { .reg = reg, .no_item_models = 1 };
	char *out = NULL, *path = NULL;
	FILE *f;
	char line[1 << 16];
	int rc;

	*items = NULL;
	*man = NULL;
	if (asprintf(&out, "%s/out-%s", ws, tag) < 0)
		abort();
	rc = ba_exec_build_with_opts(NULL, st, cfg, plan, run, out, &w, man, err);
	if (rc == 0) {
		if (asprintf(&path, "%s/items.jsonl", out) < 0)
			abort();
		*items = json_array();
		if ((f = fopen(path, "r")) != NULL) {
			while (fgets(line, sizeof(line), f))
				json_array_append_new(*items, json_loads(line, 0, NULL));
			fclose(f);
		}
	}
	free(path);
	free(out);
	return rc;
}

static char *items_text(const json_t *items)
{
	size_t i;
	json_t *it;
	char *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len);

	json_array_foreach(items, i, it) {
		char *s = ba_json_canonical(it);
		fprintf(f, "%s\n", s);
		free(s);
	}
	fclose(f);
	return all;
}

static void test_offline_build_resumes(void **state)
{
	char *ws1 = bt_tmpdir("genbuild1"), *ws2 = bt_tmpdir("genbuild2"), *a, *b;
	json_t *q = shared_query(), *plan = NULL, *items = NULL, *man = NULL, *items2 = NULL, *man2 = NULL, *it;
	ba_store *st1 = NULL, *st2 = NULL;
	ba_error err = BA_ERROR_INIT;
	int64_t run1, run2;
	size_t i;
	(void)state;

	json_object_set_new(q, "target_size", json_integer(90));
	assert_int_equal(ba_plan_offline(reg, q, &plan, &err), 0);
	json_object_set_new(plan, "seed", json_integer(7));
	assert_int_equal(ba_store_open(&st1, ws1, &err), 0);
	assert_int_equal(ba_store_open(&st2, ws2, &err), 0);
	assert_int_equal(ba_run_open(st1, "build", "x", &run1, &err), 0);
	assert_int_equal(ba_run_open(st2, "build", "x", &run2, &err), 0);

	/* reference: one uninterrupted build; every key agrees with the
	 * generator's own verify() run again here on what the examinee sees */
	assert_int_equal(build(st1, run1, plan, ws1, "a", &items, &man, &err), 0);
	assert_int_equal(json_array_size(items), 90);
	assert_int_equal(ba_json_int(man, "generated", 0), 90);
	assert_int_equal(ba_json_int(man, "reused", 0), 0);
	json_array_foreach(items, i, it) {
		double s = 0;
		char id[128];
		snprintf(id, sizeof(id), "multistep_arithmetic_and_logic_v1-%04zu", i + 1);
		assert_string_equal(ba_json_str(it, "id", ""), id);
		assert_int_equal(ba_gen_verify(reg, ba_json_str(ba_json_path(it, "source"), "generator", ""), it,
					       ba_json_str(it, "answer", ""), &s, &err), 0);
		assert_true(s == 1);
		assert_string_equal(ba_json_str(ba_json_path(it, "qc.verify"), "verdict", ""), "pass");
		/* and the executor's verification ran on it too */
		assert_string_equal(ba_json_str(ba_json_path(it, "qc.schema"), "verdict", "none"), "pass");
		assert_string_equal(ba_json_str(ba_json_path(it, "qc.answer_type"), "verdict", "none"), "pass");
		assert_non_null(ba_json_path(it, "qc.leakage"));
	}

	/* interrupted build: a plan with the first half of each quota, then the full plan */
	{
		json_t *half = json_deep_copy(plan), *qq;
		json_array_foreach(json_object_get(half, "quotas"), i, qq)
			json_object_set_new(qq, "count", json_integer(ba_json_int(qq, "count", 0) / 2));
		assert_int_equal(build(st2, run2, half, ws2, "h", &items2, &man2, &err), 0);
		json_decref(items2);
		json_decref(man2);
		json_decref(half);
	}
	assert_int_equal(build(st2, run2, plan, ws2, "a", &items2, &man2, &err), 0);
	assert_true(ba_json_int(man2, "reused", 0) > 30);
	assert_int_equal(ba_json_int(man2, "reused", 0) + ba_json_int(man2, "generated", 0), 90);
	a = items_text(items);
	b = items_text(items2);
	assert_string_equal(a, b);
	free(a);
	free(b);
	json_decref(items2);
	json_decref(man2);

	/* a rerun generates nothing */
	assert_int_equal(build(st1, run1, plan, ws1, "b", &items2, &man2, &err), 0);
	assert_int_equal(ba_json_int(man2, "generated", 0), 0);
	assert_true(json_equal(json_object_get(man, "checks"), json_object_get(man2, "checks")));
	json_decref(items2);
	json_decref(man2);

	/* another seed gives other items */
	json_object_set_new(plan, "seed", json_integer(8));
	assert_int_equal(build(st1, run1, plan, ws1, "c", &items2, &man2, &err), 0);
	assert_false(json_equal(json_object_get(json_array_get(items, 0), "question"),
				json_object_get(json_array_get(items2, 0), "question")));
	json_decref(items2);
	json_decref(man2);
	json_decref(items);
	json_decref(man);
	json_decref(plan);
	json_decref(q);
	ba_store_close(st1);
	ba_store_close(st2);
	bt_rmrf(ws1);
	bt_rmrf(ws2);
	free(ws1);
	free(ws2);
}

/* The failure count of reason r in the executor's failures. */
static long reason_count(const json_t *man, const char *r)
{
	const char *k;
	json_t *v;
	long n = 0;

	json_object_foreach(json_object_get(man, "failures"), k, v)
		if (strstr(k, r))
			n += (long)json_integer_value(v);
	return n;
}

static void test_duplicates_redrawn(void **state)
{
	/* a generator with only 3 distinct items: a quota of 5 cannot be met */
	const char *src = "return { name = 'tiny', description = 'tiny space', answer_type = 'short',\n"
			  " levels = {'1','2','3','4','5'}, generate = function(rng, d)\n"
			  " local k = rng:int(1, 3) return { question = 'q' .. k, answer = 'a' .. k } end }";
	json_t *plan, *items = NULL, *man = NULL, *it;
	char *ws = bt_tmpdir("gendup");
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	int64_t run;
	size_t i;
	long redraws = 0;
	(void)state;

	assert_int_equal(ba_gen_registry_add_source(reg, "tiny", src, strlen(src), &err), 0);
	plan = json_pack("{s:{s:s},s:[{s:s,s:s}],s:[{s:s,s:s,s:s}],s:[{s:s,s:s,s:i,s:[i]}]}", "query", "id", "t",
			 "subtasks", "id", "st1", "answer_type", "short", "sources", "id", "gen:tiny", "kind",
			 "generator", "generator", "tiny", "quotas", "subtask", "st1", "source", "gen:tiny", "count", 5,
			 "difficulty", 2);
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_run_open(st, "build", "t", &run, &err), 0);
	assert_int_equal(build(st, run, plan, ws, "5", &items, &man, &err), 0);
	assert_int_equal(json_array_size(items), 3);
	assert_true(ba_json_bool(ba_json_path(man, "subtasks.st1"), "exhausted", 0));
	assert_int_equal(ba_json_int(ba_json_path(man, "unit_status"), "exhausted", 0), 2);
	assert_int_equal(reason_count(man, "every draw was a duplicate"), 2);
	/* the three items are the three distinct ones, each drawn again in place when a duplicate */
	json_array_foreach(items, i, it)
		redraws += (long)ba_json_int(ba_json_path(json_array_get(ba_json_path(it, "provenance.steps"), 0),
							  "redraws"), "duplicate", 0);
	assert_true(redraws > 0);
	assert_string_not_equal(ba_json_str(json_array_get(items, 0), "question", ""),
				ba_json_str(json_array_get(items, 1), "question", ""));
	json_decref(items);
	json_decref(man);
	/* a big quota on an exhausted source stops drawing after 3 unfillable units */
	json_object_set_new(json_array_get(json_object_get(plan, "quotas"), 0), "count", json_integer(10000));
	assert_int_equal(build(st, run, plan, ws, "10k", &items, &man, &err), 0);
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(ba_json_int(ba_json_path(man, "unit_status"), "exhausted", 0), 9997);
	assert_int_equal(reason_count(man, "every draw was a duplicate"), 3);
	assert_int_equal(reason_count(man, "no new distinct item"), 9994);
	json_decref(items);
	json_decref(man);
	json_decref(plan);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_query_validation),
		cmocka_unit_test(test_offline_plan),
		cmocka_unit_test(test_offline_build_resumes),
		cmocka_unit_test(test_duplicates_redrawn),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
