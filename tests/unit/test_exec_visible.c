/*
 * test_exec_visible.c - what the examinee sees (issue 10 item 3), each
 * planted defect caught by its own check: the answer in a media file name
 * or alt text (leakage, with case/underscore/accent folding), an image
 * field pasted as text (the dataset loader makes it media), a distractor
 * of another type or length and "none of the above" (distractors), a
 * distractor containing the key (leakage), a duplicate key among the
 * options (options), an item answerable from its options alone
 * (options_probe) or without its image/context (blind_probe) - the probes
 * run through the inspector role, here the mock examinee, which does not
 * know the key.
 */
#include "support.h"
#include "benchagent/config.h"
#include "benchagent/exec.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/store.h"
#include "benchagent/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SHA = "3f2a000000000000000000000000000000000000000000000000000000000000";

static json_t *J(const char *txt)
{
	json_error_t e;
	json_t *j = json_loads(txt, 0, &e);
	if (!j)
		fail_msg("bad JSON in test: %s (%s)", e.text, txt);
	return j;
}

static json_t *choice_item(const char *q, const char *const *opts, const char *key_letter)
{
	json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:[], s:s}", "id", "t-1", "subtask", "st1", "question", q,
			       "answer", key_letter, "media", "explanation", "");
	json_t *ch = json_array();
	for (; *opts; opts++)
		json_array_append_new(ch, json_string(*opts));
	json_object_set_new(it, "choices", ch);
	json_object_set_new(it, "answer_type", json_string("choice"));
	return it;
}

static int check(const char *name, const json_t *it, char *why)
{
	return ba_verify_check(name, it, NULL, why, 300);
}

static void test_fold_and_kinds(void **state)
{
	char *f = ba_verify_fold("Sérgio_MÜLLER, São-Paulo!");
	(void)state;
	assert_string_equal(f, "sergio muller sao paulo");
	free(f);
	assert_string_equal(ba_verify_value_kind("1,234.5"), "number");
	assert_string_equal(ba_verify_value_kind("3/4"), "number");
	assert_string_equal(ba_verify_value_kind("12 cm"), "number");
	assert_string_equal(ba_verify_value_kind("3:45"), "number");
	assert_string_equal(ba_verify_value_kind("in the 1950s"), "date");
	assert_string_equal(ba_verify_value_kind("March 3, 2001"), "date");
	assert_string_equal(ba_verify_value_kind("Exxon Mobil"), "entity");
	assert_string_equal(ba_verify_value_kind("She knew lots of details."), "sentence");
	assert_string_equal(ba_verify_value_kind("She went home."), "sentence");
	assert_string_equal(ba_verify_value_kind("efficient therapies for dementia"), "entity");
	assert_string_equal(ba_verify_value_kind("because the river flooded the lower town overnight"), "sentence");
}

/* Answer in a media file name, its ref, its alt text: leakage. */
static void test_answer_in_media_name(void **state)
{
	static const char *opts[] = { "Qin Feng", "Wu Guanzhong", "Qi Baishi", NULL };
	json_t *it = choice_item("Which Chinese artist painted this picture?", opts, "A");
	char why[300];

	(void)state;
	json_array_append_new(json_object_get(it, "media"),
			      json_pack("{s:s, s:s, s:s}", "type", "image", "path", "media/Qin_Feng_03.jpg", "sha256", SHA));
	assert_int_equal(check("leakage", it, why), 0);
	assert_non_null(strstr(why, "media[0].path"));
	/* the same item with a content-addressed name passes */
	json_object_set_new(json_array_get(json_object_get(it, "media"), 0), "path", json_string("media/3f2a00.jpg"));
	assert_int_equal(check("leakage", it, why), 1);
	/* accents and case folded: "Sérgio Müller" in "SERGIO_muller.png" */
	json_array_set_new(json_object_get(it, "choices"), 0, json_string("Sérgio Müller"));
	json_object_set_new(json_array_get(json_object_get(it, "media"), 0), "alt", json_string("portrait by SERGIO_muller"));
	assert_int_equal(check("leakage", it, why), 0);
	assert_non_null(strstr(why, "media[0].alt"));
	json_decref(it);
}

/* A media item whose context holds the key (e.g. its file name pasted as
 * text): leakage; a text item's passage may hold it (reading). */
static void test_context_of_media_item(void **state)
{
	static const char *opts[] = { "Qin Feng", "Wu Guanzhong", "Qi Baishi", NULL };
	json_t *it = choice_item("Which Chinese artist painted this picture?", opts, "A");
	char why[300];

	(void)state;
	json_object_set_new(it, "context", json_string("Qin_Feng_03.jpg"));
	assert_int_equal(check("leakage", it, why), 1); /* text item: the passage is its input */
	json_array_append_new(json_object_get(it, "media"),
			      json_pack("{s:s, s:s, s:s}", "type", "image", "path", "media/3f2a00.jpg", "sha256", SHA));
	assert_int_equal(check("leakage", it, why), 0);
	assert_non_null(strstr(why, "context"));
	json_decref(it);
}

/* The loader: a card field of image modality mapped to the context never
 * becomes text (Chinese-Fine-Art: the file names carry the painter). */
static void test_image_field_never_text(void **state)
{
	char pool[1024];
	const char *pools[1] = { pool };
	json_t *fm = J("{\"question\":\"input.prompt\",\"answer\":\"output.text\",\"context\":\"input.image_file\","
		       "\"image\":\"input.image_file\"}");
	json_t *ds = NULL, *s;
	ba_error err = BA_ERROR_INIT;
	size_t i, n = 0;

	(void)state;
	snprintf(pool, sizeof(pool), "%s/datasets/general-bench-subset", bt_shared());
	if (ba_exec_dataset_load(pools, 1, "791bc8ca", fm, &ds, &err) != 0)
		fail_msg("load: %s", err.msg);
	json_array_foreach(json_object_get(ds, "samples"), i, s) {
		const json_t *f = json_object_get(s, "fields");
		const char *k;
		json_t *v;
		assert_null(json_object_get(f, "context"));
		json_object_foreach((json_t *)f, k, v)
			if (strcmp(k, "image") && json_is_string(v))
				assert_null(strstr(json_string_value(v), ".jpg"));
		n += json_is_string(json_object_get(s, "image"));
	}
	assert_true(n > 0); /* the image itself is media */
	json_decref(ds);
	/* mapped to the question as well: the question is not the file name */
	json_object_set_new(fm, "question", json_string("input.image_file"));
	if (ba_exec_dataset_load(pools, 1, "791bc8ca", fm, &ds, &err) != 0)
		fail_msg("load: %s", err.msg);
	json_array_foreach(json_object_get(ds, "samples"), i, s)
		assert_null(json_object_get(json_object_get(s, "fields"), "question"));
	json_decref(ds);
	json_decref(fm);
}

/* Distractors of another type or length, none of the above: distractors. */
static void test_distractor_types(void **state)
{
	static const char *bad_type[] = { "in the 1950s", "Exxon Mobil", "efficient therapies for dementia", NULL };
	static const char *nota[] = { "Lisbon", "Oslo", "None of the above", NULL };
	static const char *longer[] = { "The river flooded the town.", "The bridge fell.",
		"The mayor, who had been warned many times by the engineers of the city, finally closed the old "
		"bridge over the river.", NULL };
	static const char *good_num[] = { "12", "15", "9.5", "3/4", NULL };
	static const char *good_name[] = { "Qin Feng", "Wu Guanzhong", "Qi Baishi", NULL };
	json_t *it;
	char why[300];

	(void)state;
	it = choice_item("When was the article published?", bad_type, "A");
	assert_int_equal(check("distractors", it, why), 0);
	assert_non_null(strstr(why, "is an entity, the key 'in the 1950s' is a date"));
	json_decref(it);
	it = choice_item("Which city is the capital of Norway?", nota, "B");
	assert_int_equal(check("distractors", it, why), 0);
	assert_non_null(strstr(why, "none/all of the above"));
	json_decref(it);
	it = choice_item("What happened after the storm?", longer, "A");
	assert_int_equal(check("distractors", it, why), 0);
	assert_non_null(strstr(why, "words"));
	json_decref(it);
	it = choice_item("How long is the rod in metres?", good_num, "C");
	assert_int_equal(check("distractors", it, why), 1);
	json_decref(it);
	it = choice_item("Which painter made it?", good_name, "B");
	assert_int_equal(check("distractors", it, why), 1);
	json_decref(it);
	{	/* a dataset's own options: names and a short sentence are both text */
		static const char *mixed[] = { "Solution A", "Solution B", "neither; their concentrations are the same", NULL };
		it = choice_item("Which solution has a higher concentration of blue particles?", mixed, "A");
		assert_int_equal(check("distractors", it, why), 1);
		json_decref(it);
	}
}

/* A distractor containing the key (leakage) and a duplicate key (options). */
static void test_key_in_options(void **state)
{
	static const char *contains[] = { "Paris", "Rome", "Paris, Texas", NULL };
	static const char *dup[] = { "Paris", "Rome", "PARIS!", "Oslo", NULL };
	json_t *it;
	char why[300];

	(void)state;
	it = choice_item("Which city is the capital of France?", contains, "A");
	assert_int_equal(check("leakage", it, why), 0);
	assert_non_null(strstr(why, "option C"));
	json_decref(it);
	it = choice_item("Which city is the capital of France?", dup, "A");
	assert_int_equal(check("options", it, why), 0);
	assert_non_null(strstr(why, "read as the correct answer"));
	json_decref(it);
}

typedef struct env {
	char *ws;
	ba_store *st;
	ba_config *cfg;
	ba_gateway *gw;
} env;

static void env_open(env *e)
{
	ba_error err = BA_ERROR_INIT;
	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	e->ws = bt_tmpdir("visible");
	assert_int_equal(ba_store_open(&e->st, e->ws, &err), 0);
	e->cfg = ba_config_default();
	ba_exec_register_mocks();
	if (ba_gateway_new(&e->gw, e->cfg, e->st, NULL, &err) != 0)
		fail_msg("gateway: %s", err.msg);
}

static void env_close(env *e)
{
	ba_gateway_free(e->gw);
	ba_config_free(e->cfg);
	ba_store_close(e->st);
	bt_rmrf(e->ws);
	free(e->ws);
}

static int inspect(env *e, const json_t *it, json_t *qc)
{
	ba_inspect_opts o = { .run_id = 0, .repair = 1, .subtask = NULL, .media_root = e->ws };
	ba_error err = BA_ERROR_INIT;
	int rc = ba_verify_inspect(e->gw, &o, it, qc, NULL, NULL, NULL, &err);
	if (rc < 0)
		fail_msg("inspect: %s", err.msg);
	return rc;
}

/* Options that give the key away by their shape: the options-only probe
 * rejects it; plain look-alike options pass both probes. */
static void test_options_only_probe(void **state)
{
	static const char *odd[] = { "1912", "Lisbon", "Oslo", "Rome", NULL };
	static const char *fine[] = { "1912", "1905", "1921", "1899", NULL };
	env e;
	json_t *it, *qc;

	(void)state;
	env_open(&e);
	it = choice_item("In which year did the ship sink?", odd, "A");
	qc = json_object();
	assert_int_equal(inspect(&e, it, qc), 0);
	assert_string_equal(ba_json_str(json_object_get(qc, "options_probe"), "verdict", ""), "fail");
	assert_non_null(strstr(ba_json_str(json_object_get(qc, "options_probe"), "reason", ""), "options alone"));
	assert_null(json_object_get(qc, "inspector")); /* rejected before the inspector */
	json_decref(qc);
	json_decref(it);
	/* the same odd option as a distractor: the probe's pick is wrong, it passes */
	it = choice_item("In which year did the ship sink?", odd, "B");
	qc = json_object();
	assert_int_equal(inspect(&e, it, qc), 1);
	assert_string_equal(ba_json_str(json_object_get(qc, "options_probe"), "verdict", ""), "pass");
	json_decref(qc);
	json_decref(it);
	it = choice_item("In which year did the ship sink?", fine, "A");
	qc = json_object();
	assert_int_equal(inspect(&e, it, qc), 1);
	assert_string_equal(ba_json_str(json_object_get(qc, "options_probe"), "verdict", ""), "pass");
	assert_string_equal(ba_json_str(json_object_get(qc, "inspector"), "verdict", ""), "pass");
	json_decref(qc);
	json_decref(it);
	env_close(&e);
}

/* An image item whose question points at one option: answerable without
 * its image (blind probe); with a neutral question it needs the image. */
static void test_blind_probe(void **state)
{
	static const char *opts[] = { "a red bicycle", "a blue car", "a green boat", NULL };
	env e;
	json_t *it, *qc;

	(void)state;
	env_open(&e);
	it = choice_item("The picture shows a bicycle leaning on a wall. What is in the picture?", opts, "A");
	json_array_append_new(json_object_get(it, "media"),
			      json_pack("{s:s, s:s, s:s}", "type", "image", "path", "media/none.png", "sha256", SHA));
	qc = json_object();
	assert_int_equal(inspect(&e, it, qc), 0);
	assert_string_equal(ba_json_str(json_object_get(qc, "options_probe"), "verdict", ""), "pass");
	assert_string_equal(ba_json_str(json_object_get(qc, "blind_probe"), "verdict", ""), "fail");
	assert_non_null(strstr(ba_json_str(json_object_get(qc, "blind_probe"), "reason", ""), "without its context"));
	json_decref(qc);
	json_object_set_new(it, "question", json_string("What is in the picture?"));
	qc = json_object();
	assert_int_equal(inspect(&e, it, qc), 1);
	assert_string_equal(ba_json_str(json_object_get(qc, "blind_probe"), "verdict", ""), "pass");
	json_decref(qc);
	json_decref(it);
	env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_and_kinds),
		cmocka_unit_test(test_answer_in_media_name),
		cmocka_unit_test(test_context_of_media_item),
		cmocka_unit_test(test_image_field_never_text),
		cmocka_unit_test(test_distractor_types),
		cmocka_unit_test(test_key_in_options),
		cmocka_unit_test(test_options_only_probe),
		cmocka_unit_test(test_blind_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
