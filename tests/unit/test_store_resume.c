/*
 * test_store_resume.c - the stage model: reuse on unchanged input,
 * recompute on changed input, and kill -9 at arbitrary moments losing no
 * completed work and giving the same result as an uninterrupted run.
 */
#include "support.h"

#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/sha256.h"
#include "benchagent/store.h"
#include "../../src/store/store_internal.h" /* the SQLite connection, to check rows independently */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NITEMS 300

static int plan_calls, work_calls;
static int slow_us;

/* stage 1: the "plan": a list of work keys derived from the input */
static int make_plan(void *ud, const json_t *input, json_t **out, ba_error *err)
{
	json_t *keys = json_array();
	long n = ba_json_int(input, "n", 0), i;
	(void)ud; (void)err;
	plan_calls++;
	for (i = 0; i < n; i++) {
		char k[32];
		snprintf(k, sizeof(k), "item-%04ld", i);
		json_array_append_new(keys, json_string(k));
	}
	*out = json_pack("{s:o,s:s}", "keys", keys, "salt", ba_json_str(input, "salt", ""));
	return 0;
}

/* stage 2: per-item work, each item committed as it finishes */
static void do_items(ba_store *st, int64_t run, const json_t *plan)
{
	json_t *keys = json_object_get(plan, "keys"), *k;
	size_t i;
	ba_error err = BA_ERROR_INIT;

	json_array_foreach(keys, i, k) {
		const char *key = json_string_value(k);
		json_t *have = NULL, *data;
		char buf[256], hex[65];
		int r;

		if (ba_item_get(st, run, key, &have, NULL, &err) == 0) {
			json_decref(have);
			continue;
		}
		work_calls++;
		snprintf(buf, sizeof(buf), "%s/%s", ba_json_str(plan, "salt", ""), key);
		for (r = 0; r < 200; r++) {
			ba_sha256_hex(buf, strlen(buf), hex);
			memcpy(buf, hex, 65);
		}
		if (slow_us)
			usleep((useconds_t)slow_us);
		data = json_pack("{s:s,s:s}", "key", key, "digest", buf);
		assert_int_equal(ba_item_put(st, run, key, "s", "done", data, &err), 0);
		json_decref(data);
	}
}

static int concat_digest(void *ud, const char *key, const char *subtask, const char *status, json_t *data)
{
	(void)key; (void)subtask; (void)status;
	ba_sha256_update(ud, ba_json_str(data, "digest", ""), 64);
	return 0;
}

/* Run the pipeline in ws; returns the digest over all items. */
static char *pipeline(const char *ws, int n, const char *salt)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	int64_t run;
	json_t *input = json_pack("{s:i,s:s}", "n", n, "salt", salt), *plan;
	int reused;
	ba_sha256_ctx c;
	unsigned char d[32];
	char *hex = malloc(65);

	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_run_open(st, "test", "resume", &run, &err), 0);
	assert_int_equal(ba_stage_run(st, run, "plan", 1, input, make_plan, NULL, &plan, &reused, &err), 0);
	do_items(st, run, plan);
	ba_sha256_init(&c);
	assert_int_equal(ba_item_foreach(st, run, "done", concat_digest, &c, &err), 0);
	ba_sha256_final(&c, d);
	ba_hex_encode(d, 32, hex);
	json_decref(plan);
	json_decref(input);
	ba_store_close(st);
	return hex;
}

static void stages__reuse_and_recompute_on_change(void **state)
{
	char *ws = bt_tmpdir("stages");
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	int64_t run;
	json_t *in1 = json_pack("{s:i,s:s}", "n", 3, "salt", "a"), *in2 = json_pack("{s:s,s:i}", "salt", "a", "n", 3);
	json_t *in3 = json_pack("{s:i,s:s}", "n", 4, "salt", "a"), *out;
	int reused;
	(void)state;

	plan_calls = 0;
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_run_open(st, "t", "x", &run, &err), 0);
	assert_int_equal(ba_stage_run(st, run, "plan", 1, in1, make_plan, NULL, &out, &reused, &err), 0);
	assert_int_equal(reused, 0);
	json_decref(out);
	/* same input with keys in another order: reused, not recomputed */
	assert_int_equal(ba_stage_run(st, run, "plan", 1, in2, make_plan, NULL, &out, &reused, &err), 0);
	assert_int_equal(reused, 1);
	assert_int_equal(plan_calls, 1);
	assert_int_equal(json_array_size(json_object_get(out, "keys")), 3);
	json_decref(out);
	/* edited input: recomputed */
	assert_int_equal(ba_stage_run(st, run, "plan", 1, in3, make_plan, NULL, &out, &reused, &err), 0);
	assert_int_equal(reused, 0);
	assert_int_equal(plan_calls, 2);
	assert_int_equal(json_array_size(json_object_get(out, "keys")), 4);
	json_decref(out);
	/* a new stage version invalidates too */
	assert_int_equal(ba_stage_run(st, run, "plan", 2, in3, make_plan, NULL, &out, &reused, &err), 0);
	assert_int_equal(reused, 0);
	json_decref(out);
	ba_store_close(st);
	/* survives reopening */
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_stage_run(st, run, "plan", 2, in3, make_plan, NULL, &out, &reused, &err), 0);
	assert_int_equal(reused, 1);
	json_decref(out);
	ba_store_close(st);
	json_decref(in1);
	json_decref(in2);
	json_decref(in3);
	bt_rmrf(ws);
	free(ws);
}

static long done_count(const char *ws)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	int64_t run;
	long n;

	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_run_open(st, "test", "resume", &run, &err), 0);
	n = ba_item_count(st, run, "done");
	{
		sqlite3_stmt *s;
		ba_store_lock(st);
		assert_int_equal(sqlite3_prepare_v2(ba_store_db(st), "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
		sqlite3_finalize(s);
		ba_store_unlock(st);
	}
	ba_store_close(st);
	return n;
}

static void stages__kill9_loses_nothing_and_matches(void **state)
{
	char *ref_ws = bt_tmpdir("ref"), *ws = bt_tmpdir("killed");
	char *ref, *got;
	long before = 0, after;
	int k;
	(void)state;

	slow_us = 0;
	ref = pipeline(ref_ws, NITEMS, "salt");

	/* kill the pipeline several times at different moments */
	for (k = 0; k < 4; k++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			slow_us = 5000; /* 4 kills within 0.9 s: at most ~180 of 300 items done */
			free(pipeline(ws, NITEMS, "salt"));
			_exit(0);
		}
		usleep((useconds_t)(120000 + 70000 * k));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		after = done_count(ws);
		assert_true(after >= before); /* nothing completed is lost */
		before = after;
	}
	assert_true(before > 0 && before < NITEMS);

	work_calls = 0;
	got = pipeline(ws, NITEMS, "salt");
	assert_int_equal(work_calls, NITEMS - before); /* only the remaining work ran */
	assert_string_equal(got, ref);
	assert_int_equal(done_count(ws), NITEMS);

	free(ref);
	free(got);
	bt_rmrf(ref_ws);
	bt_rmrf(ws);
	free(ref_ws);
	free(ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stages__reuse_and_recompute_on_change),
		cmocka_unit_test(stages__kill9_loses_nothing_and_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
