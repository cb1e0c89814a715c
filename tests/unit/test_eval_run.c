/*
 * test_eval_run.c - the evaluation runner in process, on the mock
 * provider with role hooks acting as examinees ("good" always right,
 * "mid" right on even items, "bad" never) and as a judge: accuracies and
 * the report, results in the store, a rerun sends nothing, epochs send
 * only the new samples, the judge grades open items and is warned about
 * when it shares a family with a model under test, refresh retires
 * saturated items, lists dataset subtasks for replenishment and keeps
 * anchors; bad model specs fail clearly.
 */
#include "support.h"
#include "benchagent/alloc.h"
#include "benchagent/eval.h"
#include "benchagent/json.h"
#include "benchagent/fs.h"
#include "../../src/store/store_internal.h" /* the SQLite connection, to check rows independently */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NITEMS 24

static int solver_hook(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	const char *text = json_string_value(json_object_get(json_array_get(req->messages, 0), "content"));
	const char *k = text ? strstr(text, "key=") : NULL;
	const char *n = text ? strstr(text, "#") : NULL;
	long idx = n ? strtol(n + 1, NULL, 10) : 0;
	char ans[32] = "";
	int right;

	(void)ud;
	(void)seed;
	if (!k)
		return 1;
	sscanf(k + 4, "%31[^ ]", ans);
	if (!strcmp(req->model, "good"))
		right = 1;
	else if (!strcmp(req->model, "mid"))
		right = idx % 2 == 0 || req->sample_index == 1; /* its second sample is always right */
	else
		right = idx % 6 == 0; /* items 0, 6, 12, 18: solved by every model */
	resp->content = ba_asprintf("Thinking about it.\nAnswer: %s", right ? ans : "wrong");
	return 0;
}

static int judge_hook(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	(void)ud;
	(void)req;
	(void)seed;
	resp->json = json_pack("{s:f, s:s}", "score", 0.75, "reason", "partly right");
	return 0;
}

typedef struct fixture {
	char *ws;
	char *bench;
	ba_config *cfg;
	ba_store *st;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	ba_buf b = BA_BUF_INIT(1 << 20);
	ba_error err = BA_ERROR_INIT;
	char *p;
	int i;

	f->ws = bt_tmpdir("evalrun");
	p = bt_write(f->ws, "benchagent.yaml",
		     "providers:\n  - name: mock\n    protocol: mock\nroles:\n  default: mock/mock\n");
	assert_int_equal(ba_config_load(&f->cfg, p, 0, &err), 0);
	free(p);
	assert_int_equal(ba_store_open(&f->st, f->ws, &err), 0);
	for (i = 0; i < NITEMS; i++) {
		if (i == NITEMS - 1)
			ba_buf_printf(&b, "{\"id\":\"o%02d\",\"subtask\":\"essay\",\"question\":\"Explain #%d\","
				      "\"answer\":\"because\",\"answer_type\":\"open\",\"source\":{\"kind\":\"dataset\","
				      "\"dataset_id\":\"d\",\"sample_id\":\"%d\"}}\n", i, i, i);
		else
			ba_buf_printf(&b, "{\"id\":\"q%02d\",\"subtask\":\"%s\",\"question\":\"Item #%d key=%d \","
				      "\"answer\":\"%d\",\"answer_type\":\"numeric\",\"source\":{\"kind\":\"dataset\","
				      "\"dataset_id\":\"d\",\"sample_id\":\"%d\"}}\n",
				      i, i < 12 ? "st1" : "st2", i, 100 + i, 100 + i, i);
	}
	p = bt_write(f->ws, "out/b/items.jsonl", ba_buf_cstr(&b));
	free(p);
	p = bt_write(f->ws, "out/b/manifest.json", "{\"id\": \"bench-b\"}\n");
	free(p);
	f->bench = ba_path_join(f->ws, "out/b");
	ba_buf_free(&b);
	ba_mock_register("solver", solver_hook, NULL);
	ba_mock_register("judge", judge_hook, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	ba_store_close(f->st);
	ba_config_free(f->cfg);
	bt_rmrf(f->ws);
	free(f->ws);
	free(f->bench);
	free(f);
	return 0;
}

static json_t *run(fixture *f, const char *const *models, size_t n, int epochs, const char *judge,
		   int expect_rc)
{
	ba_gateway *gw = NULL;
	ba_eval_opts o = BA_EVAL_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *rep = NULL;
	int rc;

	assert_int_equal(ba_gateway_new(&gw, f->cfg, f->st, NULL, &err), 0);
	o.bench_dir = f->bench;
	o.models = models;
	o.nmodels = n;
	o.epochs = epochs;
	o.judge = judge;
	o.stats.resamples = 200;
	o.window = 8;
	o.cfg = f->cfg;
	rc = ba_eval_run(gw, f->st, NULL, &o, &rep, &err);
	ba_gateway_free(gw);
	if (rc != expect_rc)
		fail_msg("ba_eval_run = %d (%s), want %d", rc, err.msg, expect_rc);
	if (rc)
		assert_non_null(strstr(err.msg, "--model"));
	return rep;
}

static double acc(const json_t *rep, const char *model)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(rep, "models"), i, m)
		if (!strcmp(ba_json_str(m, "model", ""), model))
			return ba_json_num(m, "accuracy", -1);
	return -2;
}

static long stored_rows(fixture *f)
{
	sqlite3_stmt *s;
	long n = -1;

	ba_store_lock(f->st);
	sqlite3_prepare_v2(ba_store_db(f->st), "SELECT COUNT(*) FROM eval_results WHERE bench = 'bench-b'", -1,
			   &s, NULL);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	ba_store_unlock(f->st);
	return n;
}

static void test_run_resume_epochs_judge(void **state)
{
	fixture *f = *state;
	const char *models[] = { "mock/good", "mock/mid", "mock/bad" };
	const char *bad_spec[] = { "/x" };
	const char *no_provider[] = { "nosuch/model" };
	json_t *rep, *w;
	double expect_mid;
	size_t i;
	int warned = 0;

	/* 23 numeric items + 1 open item (normalised match without a judge) */
	rep = run(f, models, 3, 1, NULL, 0);
	assert_string_equal(ba_json_str(rep, "benchmark", ""), "bench-b");
	assert_int_equal(ba_json_int(json_object_get(rep, "requests"), "submitted", -1), 3 * NITEMS);
	assert_int_equal(ba_json_int(json_object_get(rep, "requests"), "reused", -1), 0);
	/* good: 23 right + open item "Thinking..." extracts to the last line, no match */
	assert_true(fabs(acc(rep, "mock/good") - 23.0 / NITEMS) < 1e-9);
	expect_mid = 12.0 / NITEMS; /* even ids 0..22 */
	assert_true(fabs(acc(rep, "mock/mid") - expect_mid) < 1e-9);
	assert_true(fabs(acc(rep, "mock/bad") - 4.0 / NITEMS) < 1e-9);
	assert_int_equal(json_array_size(json_object_get(json_object_get(rep, "flags"), "solved_by_all")), 4);
	assert_int_equal(stored_rows(f), 3 * NITEMS);
	assert_true(json_is_object(json_object_get(rep, "irt")));
	assert_int_equal(json_array_size(json_object_get(rep, "paired")), 3);
	/* the open item: nobody solved it; solved-by-none flag */
	assert_true(json_array_size(json_object_get(json_object_get(rep, "flags"), "solved_by_none")) >= 1);
	json_array_foreach(json_object_get(rep, "warnings"), i, w)
		warned |= strstr(json_string_value(w), "--judge") != NULL;
	assert_true(warned);
	json_decref(rep);

	/* rerun: nothing sent, same numbers */
	rep = run(f, models, 3, 1, NULL, 0);
	assert_int_equal(ba_json_int(json_object_get(rep, "requests"), "submitted", -1), 0);
	assert_int_equal(ba_json_int(json_object_get(rep, "requests"), "reused", -1), 3 * NITEMS);
	assert_true(fabs(acc(rep, "mock/mid") - expect_mid) < 1e-9);
	json_decref(rep);

	/* two epochs for one model: only epoch 1 is new; scores are averaged per
	 * item: even items 1, odd numeric items (1 + 0) / 2, the open item 0 */
	rep = run(f, models + 1, 1, 2, NULL, 0);
	assert_int_equal(ba_json_int(json_object_get(rep, "requests"), "submitted", -1), NITEMS);
	assert_int_equal(ba_json_int(json_object_get(rep, "requests"), "reused", -1), NITEMS);
	assert_true(fabs(acc(rep, "mock/mid") - 17.5 / NITEMS) < 1e-9);
	assert_int_equal(stored_rows(f), 4 * NITEMS);
	json_decref(rep);
	/* back to one epoch: the stored second samples are left out */
	rep = run(f, models + 1, 1, 1, NULL, 0);
	assert_int_equal(ba_json_int(json_object_get(rep, "requests"), "submitted", -1), 0);
	assert_true(fabs(acc(rep, "mock/mid") - expect_mid) < 1e-9);
	json_decref(rep);

	/* a judge for the open item: same family as "mock/good"? families by name */
	rep = run(f, models, 1, 1, "mock/good-judge", 0);
	assert_true(fabs(acc(rep, "mock/good") - (23.0 + 0.75) / NITEMS) < 1e-9);
	assert_int_equal(ba_json_int(json_object_get(rep, "requests"), "submitted", -1), 0);
	warned = 0;
	json_array_foreach(json_object_get(rep, "warnings"), i, w)
		warned |= strstr(json_string_value(w), "share the family") != NULL;
	assert_true(warned);
	json_decref(rep);

	rep = run(f, bad_spec, 1, 1, NULL, BA_EINVAL);
	assert_null(rep);
	rep = run(f, no_provider, 1, 1, NULL, BA_EINVAL);
	assert_null(rep);
}

static void test_refresh(void **state)
{
	fixture *f = *state;
	ba_refresh_opts ro = BA_REFRESH_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *rep = NULL, *man = NULL, *needs;
	char *v2, *p;
	size_t nretired;

	ro.bench_dir = f->bench;
	ro.min_anchors = 3;
	assert_int_equal(ba_eval_refresh(f->st, NULL, &ro, &rep, &err), 0);
	v2 = ba_path_join(f->ws, "out/b/versions/v2");
	assert_string_equal(ba_json_str(rep, "dir", ""), v2);
	nretired = json_array_size(json_object_get(rep, "retired"));
	/* items 0, 6, 12, 18 were solved by every model: retired; they are
	 * dataset items, so their subtasks are listed for new items */
	assert_true(nretired >= 4);
	assert_int_equal(json_array_size(json_object_get(rep, "replenished")), 0);
	needs = json_object_get(rep, "needs_replenishment");
	assert_int_equal(json_array_size(needs), 2);
	assert_string_equal(ba_json_str(json_array_get(needs, 0), "subtask", ""), "st1");
	assert_true(ba_json_int(json_array_get(needs, 0), "count", 0) >= 2);
	assert_int_equal(ba_json_int(rep, "items_after", -1) + (json_int_t)nretired, NITEMS);
	assert_true(json_array_size(json_object_get(rep, "anchors")) >= 3);
	assert_int_equal(json_array_size(json_object_get(rep, "drift")), 3);
	p = ba_path_join(v2, "manifest.json");
	assert_int_equal(ba_json_load_file(&man, p, 0, &err), 0);
	assert_int_equal(ba_json_int(man, "version", 0), 2);
	assert_string_equal(ba_json_str(json_object_get(man, "previous"), "bench_key", ""), "bench-b");
	free(p);
	json_decref(man);
	json_decref(rep);
	p = ba_eval_bench_key(v2);
	assert_string_equal(p, "bench-b@v2");
	free(p);
	/* a second refresh of v1 refuses to overwrite */
	assert_int_equal(ba_eval_refresh(f->st, NULL, &ro, &rep, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "already exists"));
	free(v2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_resume_epochs_judge),
		cmocka_unit_test(test_refresh),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
