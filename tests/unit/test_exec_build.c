/*
 * test_exec_build.c - ba_exec_build end to end on the real pool with the
 * offline mock provider: a text plan and an image plan become verified
 * benchmarks on disk; a rerun is byte-identical and runs no step again;
 * an exhausted source is reported in the manifest; planted defects in
 * the source are rejected by their checks; a bad plan names its field.
 */
#include "support.h"
#include "benchagent/config.h"
#include "benchagent/exec.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/store.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

typedef struct env {
	char *ws;
	ba_store *st;
	ba_config *cfg;
	ba_gateway *gw;
} env;

static void env_open(env *e, const char *tag)
{
	char pool[1024];
	ba_error err = BA_ERROR_INIT;

	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	e->ws = bt_tmpdir(tag);
	assert_int_equal(ba_store_open(&e->st, e->ws, &err), 0);
	e->cfg = ba_config_default();
	snprintf(pool, sizeof(pool), "%s/datasets/general-bench-subset", bt_shared());
	ba_config_add_pool(e->cfg, pool);
	ba_exec_register_mocks();
	if (ba_gateway_new(&e->gw, e->cfg, e->st, NULL, &err) != 0)
		fail_msg("gateway: %s", err.msg);
}

/* Open store, config (mock provider with latency_ms, 2 workers when
 * slow) and gateway on an existing workspace e->ws. */
static void env_attach(env *e, double latency_ms)
{
	char pool[1024];
	ba_error err = BA_ERROR_INIT;
	ba_provider_cfg *mp;

	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	if (ba_store_open(&e->st, e->ws, &err) != 0)
		fail_msg("store: %s", err.msg);
	e->cfg = ba_config_default();
	snprintf(pool, sizeof(pool), "%s/datasets/general-bench-subset", bt_shared());
	ba_config_add_pool(e->cfg, pool);
	mp = (ba_provider_cfg *)ba_config_provider(e->cfg, "mock");
	assert_non_null(mp);
	mp->latency_ms = latency_ms;
	if (latency_ms > 0)
		e->cfg->execution.workers = 2;
	ba_exec_register_mocks();
	if (ba_gateway_new(&e->gw, e->cfg, e->st, NULL, &err) != 0)
		fail_msg("gateway: %s", err.msg);
}

/* Close everything but keep the workspace folder. */
static void env_close_keep(env *e)
{
	ba_gateway_free(e->gw);
	ba_config_free(e->cfg);
	ba_store_close(e->st);
}

static void env_close(env *e)
{
	ba_gateway_free(e->gw);
	ba_config_free(e->cfg);
	ba_store_close(e->st);
	bt_rmrf(e->ws);
	free(e->ws);
}

static json_t *load_plan(const char *name)
{
	char path[1024];
	json_t *p = NULL;
	snprintf(path, sizeof(path), "%s/tests/data/exec/%s", BA_SOURCE_DIR, name);
	assert_int_equal(ba_json_load_file(&p, path, 0, NULL), 0);
	return p;
}

static json_t *read_items(const char *dir)
{
	char *path = ba_path_join(dir, "items.jsonl");
	char *txt = bt_read(path), *line, *save = NULL;
	json_t *arr = json_array();

	assert_non_null(txt);
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		json_array_append_new(arr, j);
	}
	free(txt);
	free(path);
	return arr;
}

static int64_t new_run(env *e, const char *key)
{
	int64_t id = 0;
	assert_int_equal(ba_run_open(e->st, "build", key, &id, NULL), 0);
	return id;
}

static void check_items(const json_t *items, const char *qid, int image)
{
	json_t *it, *qc;
	size_t i;
	int pos[8] = { 0 };

	json_array_foreach(items, i, it) {
		const char *k;
		json_t *v;
		char want[128];
		snprintf(want, sizeof(want), "%s-%04zu", qid, i + 1);
		assert_string_equal(ba_json_str(it, "id", ""), want);
		assert_true(strlen(ba_json_str(it, "question", "")) > 0);
		assert_string_equal(ba_json_str(it, "answer_type", ""), "choice");
		assert_true(json_array_size(json_object_get(it, "choices")) >= 2);
		pos[(ba_json_str(it, "answer", "?")[0] - 'A') & 7]++;
		assert_string_equal(ba_json_str(json_object_get(it, "source"), "kind", ""), "dataset");
		assert_non_null(ba_json_str(json_object_get(it, "source"), "sample_id", NULL));
		assert_true(ba_json_bool(json_object_get(it, "provenance"), "mock", 0));
		assert_true(json_array_size(json_object_get(json_object_get(it, "provenance"), "steps")) >= 1);
		qc = json_object_get(it, "qc");
		json_object_foreach(qc, k, v)
			if (!strcmp(ba_json_str(v, "verdict", ""), "fail"))
				fail_msg("item %zu: check %s failed in the output: %s", i, k, ba_json_str(v, "reason", ""));
		assert_string_equal(ba_json_str(json_object_get(qc, "inspector"), "verdict", ""), "pass");
		assert_string_equal(ba_json_str(json_object_get(qc, "duplicate"), "verdict", ""), "pass");
		if (image) {
			json_t *m = json_array_get(json_object_get(it, "media"), 0);
			assert_non_null(m);
			assert_non_null(strstr(ba_json_str(m, "path", ""), "media/"));
			assert_int_equal(strlen(ba_json_str(m, "sha256", "")), 64);
		}
		assert_null(json_object_get(it, "aux"));
	}
	/* no answer position takes more than half */
	for (i = 0; i < 8; i++)
		assert_true(pos[i] * 2 <= (int)json_array_size(items));
}

static void test_text_plan(void **state)
{
	env e;
	json_t *plan = load_plan("plan_text.json"), *man = NULL, *items, *man2 = NULL;
	char *out, *a, *b, *p;
	ba_error err = BA_ERROR_INIT;
	int64_t run;
	(void)state;

	env_open(&e, "exec-text");
	run = new_run(&e, "causal_temporal_reasoning_v1");
	out = ba_path_join(e.ws, "out/causal_temporal_reasoning_v1");
	if (ba_exec_build(e.gw, e.st, e.cfg, plan, run, out, &man, &err) != 0)
		fail_msg("build: %s", err.msg);
	items = read_items(out);
	assert_int_equal(json_array_size(items), 24);
	check_items(items, "causal_temporal_reasoning_v1", 0);
	/* st2 items got distractors from other samples' answers and a context */
	{
		json_t *it = json_array_get(items, 23);
		assert_string_equal(ba_json_str(it, "subtask", ""), "st2");
		assert_true(strlen(ba_json_str(it, "context", "")) > 200);
		assert_true(json_array_size(json_object_get(it, "choices")) == 4);
	}
	assert_int_equal(ba_json_int(json_object_get(json_object_get(man, "subtasks"), "st1"), "items", 0), 12);
	assert_true(ba_json_int(man, "steps_run", 0) > 0);
	p = ba_path_join(out, "items.jsonl");
	a = bt_read(p);
	/* rerun: nothing recomputed, byte-identical items */
	if (ba_exec_build(e.gw, e.st, e.cfg, plan, run, out, &man2, &err) != 0)
		fail_msg("rebuild: %s", err.msg);
	b = bt_read(p);
	assert_string_equal(a, b);
	assert_int_equal(ba_json_int(man2, "steps_run", -1), 0);
	{
		char *mp = ba_path_join(out, "manifest.json");
		json_t *m = NULL;
		assert_int_equal(ba_json_load_file(&m, mp, 0, NULL), 0);
		assert_non_null(json_object_get(json_object_get(m, "checks"), "leakage"));
		assert_non_null(json_object_get(m, "executor"));
		json_decref(m);
		free(mp);
	}
	free(a);
	free(b);
	free(p);
	json_decref(man);
	json_decref(man2);
	json_decref(items);
	free(out);
	json_decref(plan);
	env_close(&e);
}

static void test_image_plan(void **state)
{
	env e;
	json_t *plan = load_plan("plan_image.json"), *man = NULL, *items, *it;
	char *out;
	ba_error err = BA_ERROR_INIT;
	size_t i;
	(void)state;

	env_open(&e, "exec-image");
	out = ba_path_join(e.ws, "out/visual_recognition_v1");
	if (ba_exec_build(e.gw, e.st, e.cfg, plan, new_run(&e, "visual_recognition_v1"), out, &man, &err) != 0)
		fail_msg("build: %s", err.msg);
	items = read_items(out);
	assert_int_equal(json_array_size(items), 16);
	check_items(items, "visual_recognition_v1", 1);
	json_array_foreach(items, i, it) {
		char *mp = ba_path_join(out, ba_json_str(json_array_get(json_object_get(it, "media"), 0), "path", ""));
		FILE *f = fopen(mp, "rb");
		assert_non_null(f);
		fclose(f);
		free(mp);
		if (!strcmp(ba_json_str(it, "subtask", ""), "st1")) {
			/* the degraded image, not the original: four steps ran */
			assert_int_equal(json_array_size(json_object_get(json_object_get(it, "provenance"), "steps")), 4);
		} else {
			/* chemistry: options parsed out of the stem */
			assert_null(strstr(ba_json_str(it, "question", ""), "candidate choices"));
		}
	}
	json_decref(items);
	json_decref(man);
	free(out);
	json_decref(plan);
	env_close(&e);
}

static void test_exhausted_and_bad_plan(void **state)
{
	env e;
	json_t *plan = load_plan("plan_text.json"), *man = NULL, *items, *st1;
	char *out;
	ba_error err = BA_ERROR_INIT;
	(void)state;

	env_open(&e, "exec-short");
	/* st1's source can give only 5 samples: 5 items, manifest says why */
	json_object_set_new(json_array_get(json_object_get(plan, "sources"), 0), "capacity", json_integer(5));
	out = ba_path_join(e.ws, "out/short");
	if (ba_exec_build(e.gw, e.st, e.cfg, plan, new_run(&e, "short"), out, &man, &err) != 0)
		fail_msg("build: %s", err.msg);
	items = read_items(out);
	assert_int_equal(json_array_size(items), 17);
	st1 = json_object_get(json_object_get(man, "subtasks"), "st1");
	assert_int_equal(ba_json_int(st1, "items", 0), 5);
	assert_true(ba_json_bool(st1, "exhausted", 0));
	assert_string_equal(ba_json_str(json_array_get(json_object_get(st1, "sources"), 0), "status", ""),
			    "short: source exhausted");
	json_decref(items);
	json_decref(man);
	/* a plan without quotas fails naming the field */
	json_object_del(plan, "quotas");
	assert_int_equal(ba_exec_build(e.gw, e.st, e.cfg, plan, 99, out, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "quotas"));
	free(out);
	json_decref(plan);
	env_close(&e);
}

static int collect_state(void *ud, const char *key, const char *subtask, const char *status, json_t *data)
{
	(void)subtask;
	json_object_set_new(ud, key, json_pack("{s:s, s:O}", "status", status, "data", data));
	return 0;
}

/* Planted defects through the whole pipeline: a dataset whose samples
 * carry a wrong key, a leaked answer, two correct options, a duplicate
 * and a missing image. Each is rejected by its own check and the
 * replenishment round tops the subtask up from the remaining samples. */
static void test_planted_defects(void **state)
{
	env e;
	char *pool, *out;
	json_t *plan, *man = NULL, *items, *it;
	ba_error err = BA_ERROR_INIT;
	int64_t run;
	size_t i;
	(void)state;

	env_open(&e, "exec-defects");
	pool = ba_path_join(e.ws, "pool");
	assert_int_equal(ba_fs_mkdir_p(pool, NULL), 0);
	free(bt_write(pool, "dataset_cards/defect01_card.json",
		 "{\"dataset_id\":\"defect01\",\"name\":\"Defects\",\"modalities\":[\"image\",\"text\"],"
		 "\"raw_meta\":{\"source_json\":\"data/defects.json\"},"
		 "\"meta\":{\"fields\":{\"question\":{\"paths\":[\"q\"]},\"options\":{\"paths\":[\"opts\"]},"
		 "\"answer\":{\"paths\":[\"a\"]},\"image\":{\"paths\":[\"img\"]}}}}"));
	{
		/* a real image for the good samples */
		char src[1024], *png;
		FILE *f;
		long n;
		snprintf(src, sizeof(src), "%s/datasets/general-bench-subset/datasets/image/chemistry_vqa/images/6272_image.png",
			 bt_shared());
		f = fopen(src, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		png = malloc((size_t)n);
		assert_int_equal(fread(png, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		{
			char *dir = ba_path_join(pool, "data/images");
			char *cmd = NULL;
			size_t k;
			for (k = 0; k < 8; k++) {
				char name[64];
				FILE *o;
				snprintf(name, sizeof(name), "data/images/ok%zu.png", k);
				free(bt_write(pool, name, ""));
				cmd = ba_path_join(pool, name);
				o = fopen(cmd, "wb");
				fwrite(png, 1, (size_t)n, o);
				/* a distinct byte after IEND keeps the files distinct */
				fputc((int)k, o);
				fclose(o);
				free(cmd);
			}
			free(dir);
		}
		free(png);
	}
	free(bt_write(pool, "data/defects.json",
		 "{\"data\":["
		 "{\"id\":\"wrongkey\",\"q\":\"Which particle colour dominates in beaker one?\",\"opts\":[\"green\",\"pink\"],\"a\":\"E\",\"img\":\"ok0.png\"},"
		 "{\"id\":\"leak\",\"q\":\"The solution turns magenta red; which colour is the solution?\",\"opts\":[\"magenta red\",\"pale blue\",\"dark green\"],\"a\":\"A\",\"img\":\"ok1.png\"},"
		 "{\"id\":\"twocorrect\",\"q\":\"How many flasks hold a liquid?\",\"opts\":[\"three flasks\",\"Three flasks.\",\"two flasks\"],\"a\":\"A\",\"img\":\"ok2.png\"},"
		 "{\"id\":\"nofile\",\"q\":\"What is drawn on the left side?\",\"opts\":[\"a beaker\",\"a funnel\"],\"a\":\"B\",\"img\":\"gone.png\"},"
		 "{\"id\":\"good1\",\"q\":\"Which solution has a higher concentration of particles?\",\"opts\":[\"Solution A\",\"Solution B\"],\"a\":\"A\",\"img\":\"ok3.png\"},"
		 "{\"id\":\"dup1\",\"q\":\"What liquid level is shown in the measuring cylinder today?\",\"opts\":[\"40 ml\",\"60 ml\"],\"a\":\"B\",\"img\":\"ok4.png\"},"
		 "{\"id\":\"dup2\",\"q\":\"What liquid level is shown in the measuring cylinder today ?\",\"opts\":[\"40 ml\",\"60 ml\"],\"a\":\"A\",\"img\":\"ok4.png\"},"
		 "{\"id\":\"good2\",\"q\":\"Which beaker is the warmest one?\",\"opts\":[\"left beaker\",\"right beaker\"],\"a\":\"B\",\"img\":\"ok5.png\"},"
		 "{\"id\":\"good3\",\"q\":\"Which tube contains the most solid?\",\"opts\":[\"first tube\",\"second tube\"],\"a\":\"A\",\"img\":\"ok6.png\"},"
		 "{\"id\":\"good4\",\"q\":\"Which arrow marks the flow of heat?\",\"opts\":[\"upper arrow\",\"lower arrow\"],\"a\":\"B\",\"img\":\"ok7.png\"}"
		 "]}"));
	ba_config_add_pool(e.cfg, pool);
	plan = json_loads(
		"{\"query\":{\"id\":\"defects_v1\",\"description\":\"planted defects\",\"target_size\":5},"
		"\"subtasks\":[{\"id\":\"st1\",\"name\":\"diagram reading\",\"description\":\"read a diagram\","
		"\"modalities\":[\"image\",\"text\"],\"answer_type\":\"choice\",\"schema\":{\"question\":\"string\",\"image\":\"image\",\"choices\":\"list\",\"answer\":\"string\"}}],"
		"\"sources\":[{\"id\":\"ds:defect01\",\"kind\":\"dataset\",\"dataset_id\":\"defect01\",\"capacity\":10}],"
		"\"groundings\":[{\"subtask\":\"st1\",\"source\":\"ds:defect01\",\"accepted\":true,\"transformation\":[]}],"
		"\"quotas\":[{\"subtask\":\"st1\",\"source\":\"ds:defect01\",\"count\":6}]}",
		0, NULL);
	assert_non_null(plan);
	/* enough rounds to use every sample: the quota (6) exceeds the good ones (5) */
	e.cfg->verification.replenish_rounds = 8;
	out = ba_path_join(e.ws, "out/defects_v1");
	run = new_run(&e, "defects_v1");
	if (ba_exec_build(e.gw, e.st, e.cfg, plan, run, out, &man, &err) != 0)
		fail_msg("build: %s", err.msg);
	items = read_items(out);
	/* 10 samples - 5 defects = 5 good ones; the manifest says the source ran out */
	assert_int_equal(json_array_size(items), 5);
	{
		json_t *s1 = json_object_get(json_object_get(man, "subtasks"), "st1");
		assert_true(ba_json_bool(s1, "exhausted", 0));
		assert_string_equal(ba_json_str(json_array_get(json_object_get(s1, "sources"), 0), "status", ""),
				    "short: source exhausted");
	}
	json_array_foreach(items, i, it) {
		const char *sid = ba_json_str(json_object_get(it, "source"), "sample_id", "");
		assert_true(!strncmp(sid, "good", 4) || !strncmp(sid, "dup", 3));
	}
	assert_true(ba_json_int(man, "rounds", 0) >= 1);
	/* every defect was rejected by the check meant for it */
	{
		static const struct {
			const char *sample, *check;
		} want[] = { { "wrongkey", "answer_type" }, { "leak", "leakage" }, { "twocorrect", "options" },
			     { "nofile", "media" }, { "dup2", "duplicate" } };
		size_t k;
		for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
			int found = 0;
			json_t *states = json_object(), *se;
			const char *key;
			assert_int_equal(ba_item_foreach(e.st, run, NULL, collect_state, states, NULL), 0);
			json_object_foreach(states, key, se) {
				json_t *u = json_object_get(json_object_get(se, "data"), "item");
				const char *status = ba_json_str(se, "status", "");
				if (strcmp(ba_json_str(json_object_get(u, "source"), "sample_id", ""), want[k].sample))
					continue;
				found = 1;
				if (strcmp(want[k].check, "duplicate") == 0) {
					/* duplicates are decided over the whole set: see the output */
					assert_string_equal(status, "checked");
				} else {
					assert_string_equal(status, "rejected");
					if (strcmp(ba_json_str(json_object_get(json_object_get(u, "qc"), want[k].check),
							       "verdict", ""), "fail"))
						fail_msg("%s: check %s did not fail", want[k].sample, want[k].check);
				}
			}
			json_decref(states);
			if (!found)
				fail_msg("sample %s was never built", want[k].sample);
		}
	}
	/* only one of the two duplicates is in the output */
	{
		int d = 0;
		json_array_foreach(items, i, it)
			d += !strncmp(ba_json_str(json_object_get(it, "source"), "sample_id", ""), "dup", 3);
		assert_int_equal(d, 1);
		assert_true(ba_json_int(json_object_get(json_object_get(man, "checks"), "duplicate"), "failed", 0) >= 1);
	}
	json_decref(items);
	json_decref(man);
	json_decref(plan);
	free(out);
	free(pool);
	env_close(&e);
}


/* An edited plan: only the quota whose recipe changed is rebuilt, on the
 * same samples; the other quota's items stay byte for byte. */
static void test_edited_plan(void **state)
{
	env e;
	json_t *plan = load_plan("plan_text.json"), *man = NULL, *a, *b, *it, *drawn;
	char *out;
	ba_error err = BA_ERROR_INIT;
	int64_t run;
	size_t i;
	(void)state;

	env_open(&e, "exec-edit");
	run = new_run(&e, "edit");
	out = ba_path_join(e.ws, "out/edit");
	if (ba_exec_build(e.gw, e.st, e.cfg, plan, run, out, NULL, &err) != 0)
		fail_msg("build: %s", err.msg);
	a = read_items(out);
	/* every sample the first build drew for st2 (accepted or rejected) */
	drawn = json_object();
	{
		json_t *states = json_object(), *v;
		const char *k;
		assert_int_equal(ba_item_foreach(e.st, run, NULL, collect_state, states, NULL), 0);
		json_object_foreach(states, k, v) {
			json_t *d = json_object_get(v, "data");
			json_t *src = json_object_get(json_object_get(d, "item") ? json_object_get(d, "item")
										  : json_object_get(d, "draft"), "source");
			if (!strcmp(ba_json_str(json_object_get(d, "unit"), "subtask", ""), "st2") && src)
				json_object_set_new(drawn, ba_json_str(src, "sample_id", ""), json_true());
		}
		json_decref(states);
	}
	/* st2 gets no distractor step any more: its options come from nothing, so
	 * drop the choice format too (short answers) */
	json_object_set_new(json_array_get(json_object_get(plan, "groundings"), 1), "transformation",
			    json_pack("[{s:s, s:s}]", "tool", "answer_normalize", "purpose", "short text"));
	json_object_set_new(json_array_get(json_object_get(plan, "subtasks"), 1), "answer_type", json_string("short"));
	json_object_set_new(json_object_get(json_array_get(json_object_get(plan, "subtasks"), 1), "schema"), "choices",
			    json_string("list?"));
	if (ba_exec_build(e.gw, e.st, e.cfg, plan, run, out, &man, &err) != 0)
		fail_msg("rebuild: %s", err.msg);
	b = read_items(out);
	assert_int_equal(json_array_size(a), 24);
	assert_int_equal(json_array_size(b), 24);
	json_array_foreach(b, i, it) {
		json_t *old = json_array_get(a, i);
		if (!strcmp(ba_json_str(it, "subtask", ""), "st1")) {
			assert_true(json_equal(it, old));
		} else {
			assert_string_equal(ba_json_str(it, "answer_type", ""), "short");
			assert_null(json_object_get(it, "choices"));
			/* rebuilt on samples drawn before the edit (its slots keep their
			 * samples; the first build's rejected slots were replenished from
			 * later samples, so the i-th item of each build may differ) */
			if (!json_object_get(drawn, ba_json_str(json_object_get(it, "source"), "sample_id", "")))
				fail_msg("st2 item %zu: sample %s was not drawn before the edit", i,
					 ba_json_str(json_object_get(it, "source"), "sample_id", ""));
			(void)old;
		}
	}
	/* only st2's 12 units ran a step (one each) */
	assert_int_equal(ba_json_int(man, "steps_run", -1), 12);
	json_decref(man);
	json_decref(a);
	json_decref(drawn);
	json_decref(b);
	free(out);
	json_decref(plan);
	env_close(&e);
}

/* kill -9 in the middle of execution, then a rerun: the same benchmark
 * as an uninterrupted run. */
static void test_kill_resume(void **state)
{
	env a, b;
	json_t *plan = load_plan("plan_text.json"), *mana = NULL;
	char *outa, *outb, *pa, *pb, *ta, *tb;
	ba_error err = BA_ERROR_INIT;
	long steps_total;
	pid_t pid;
	int status, killed = 0, i;
	(void)state;

	env_open(&a, "exec-kill-a");
	outa = ba_path_join(a.ws, "out/x");
	if (ba_exec_build(a.gw, a.st, a.cfg, plan, new_run(&a, "x"), outa, &mana, &err) != 0)
		fail_msg("build: %s", err.msg);
	steps_total = (long)ba_json_int(mana, "steps_run", 0);
	json_decref(mana);
	env_close_keep(&a);

	b.ws = bt_tmpdir("exec-kill-b");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the child: a slow build (mock latency, two workers) */
		env c;
		char *out;
		ba_error e2 = BA_ERROR_INIT;
		ba_provider_cfg *mp;
		c.ws = b.ws;
		env_attach(&c, 40.0);
		mp = (ba_provider_cfg *)ba_config_provider(c.cfg, "mock");
		(void)mp;
		out = ba_path_join(c.ws, "out/x");
		ba_exec_build(c.gw, c.st, c.cfg, plan, new_run(&c, "x"), out, NULL, &e2);
		_exit(3);
	}
	/* the parent: wait until some units are built, then kill -9 */
	{
		ba_store *st = NULL;
		int64_t run = 0;
		for (i = 0; i < 600 && !killed; i++) {
			usleep(20000);
			if (!st && ba_store_open(&st, b.ws, NULL) != 0) {
				st = NULL;
				continue;
			}
			if (!run && ba_run_open(st, "build", "x", &run, NULL) != 0)
				continue;
			if (ba_item_count(st, run, "built") >= 4) {
				kill(pid, SIGKILL);
				killed = 1;
			}
		}
		ba_store_close(st);
	}
	waitpid(pid, &status, 0);
	assert_true(killed);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* rerun in the same workspace */
	env_attach(&b, 0);
	outb = ba_path_join(b.ws, "out/x");
	{
		int64_t run = new_run(&b, "x");
		long done_before = ba_item_count(b.st, run, "built");
		json_t *man = NULL;
		assert_true(done_before >= 4);
		if (ba_exec_build(b.gw, b.st, b.cfg, plan, run, outb, &man, &err) != 0)
			fail_msg("resume: %s", err.msg);
		/* finished steps were not run again: at most what an uninterrupted
		 * build runs, less two steps per unit built before the kill */
		assert_true(steps_total > 0);
		assert_true(ba_json_int(man, "steps_run", 9999) <= steps_total - 2 * done_before);
		json_decref(man);
	}
	pa = ba_path_join(outa, "items.jsonl");
	pb = ba_path_join(outb, "items.jsonl");
	ta = bt_read(pa);
	tb = bt_read(pb);
	assert_non_null(ta);
	assert_non_null(tb);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	free(pa);
	free(pb);
	free(outa);
	free(outb);
	bt_rmrf(a.ws);
	free(a.ws);
	env_close(&b);
	json_decref(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_plan),
		cmocka_unit_test(test_image_plan),
		cmocka_unit_test(test_exhausted_and_bad_plan),
		cmocka_unit_test(test_planted_defects),
		cmocka_unit_test(test_edited_plan),
		cmocka_unit_test(test_kill_resume),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
