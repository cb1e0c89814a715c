/*
 * test_verify_checks.c - verification: each planted defect (wrong key,
 * leaked answer, two correct options, duplicates, missing image, bad
 * answer type, schema gaps) is caught by the check meant for it and
 * clean items pass; MinHash similarity and LSH dedup; the substance guard
 * of repairs.
 */
#include "support.h"
#include "benchagent/exec.h"
#include "benchagent/json.h"
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
		fail_msg("bad JSON in test: %s", e.text);
	return j;
}

static json_t *good_choice(void)
{
	return J("{\"id\":\"x-1\",\"subtask\":\"st1\",\"question\":\"What is the effect of: Mary read some papers?\","
		 "\"choices\":[\"She made many mistakes.\",\"She knew lots of details.\",\"She went home.\"],"
		 "\"answer\":\"B\",\"answer_text\":\"She knew lots of details.\",\"answer_type\":\"choice\","
		 "\"media\":[],\"explanation\":\"\"}");
}

/* verdict of check `name` after ba_verify_item */
static const char *verdict(const json_t *item, const json_t *sub, const char *name, json_t **qc_out)
{
	static char v[16];
	json_t *qc = json_object();
	ba_verify_item(item, sub, qc);
	snprintf(v, sizeof(v), "%s", ba_json_str(json_object_get(qc, name), "verdict", "none"));
	if (qc_out)
		*qc_out = qc;
	else
		json_decref(qc);
	return v;
}

static void test_clean_items_pass(void **state)
{
	json_t *it = good_choice(), *qc = json_object();
	json_t *sub = J("{\"id\":\"st1\",\"answer_type\":\"choice\",\"modalities\":[\"text\"],"
			"\"schema\":{\"question\":\"string\",\"choices\":\"list\",\"answer\":\"string\"}}");
	(void)state;
	assert_int_equal(ba_verify_item(it, sub, qc), 0);
	assert_string_equal(ba_json_str(json_object_get(qc, "schema"), "verdict", ""), "pass");
	assert_string_equal(ba_json_str(json_object_get(qc, "options"), "verdict", ""), "pass");
	assert_string_equal(ba_json_str(json_object_get(qc, "leakage"), "verdict", ""), "pass");
	json_decref(qc);
	json_decref(it);
	it = J("{\"question\":\"How many legs do 3 spiders have?\",\"answer\":\"24\",\"answer_type\":\"numeric\"}");
	qc = json_object();
	assert_int_equal(ba_verify_item(it, NULL, qc), 0);
	/* options do not apply without choices */
	assert_string_equal(ba_json_str(json_object_get(qc, "options"), "verdict", ""), "skip");
	json_decref(qc);
	json_decref(it);
	json_decref(sub);
}

static void test_wrong_key(void **state)
{
	json_t *it = good_choice(), *qc = NULL;
	char reason[256];
	(void)state;
	/* the key names an option that does not exist */
	json_object_set_new(it, "answer", json_string("E"));
	assert_string_equal(verdict(it, NULL, "answer_type", &qc), "fail");
	assert_string_equal(ba_json_str(json_object_get(qc, "options"), "verdict", ""), "fail");
	json_decref(qc);
	/* the key points at another option than the stated answer text */
	json_object_set_new(it, "answer", json_string("A"));
	assert_int_equal(ba_verify_check("options", it, NULL, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "answer_text"));
	json_decref(it);
}

static void test_leaked_answer(void **state)
{
	json_t *it = good_choice(), *sh;
	char reason[256];
	(void)state;
	json_object_set_new(it, "question",
			    json_string("Mary read some papers, so she knew lots of details. What is the effect?"));
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "fail");
	assert_int_equal(ba_verify_check("leakage", it, NULL, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "stem contains the answer"));
	json_decref(it);
	/* a near copy of a long answer (bigram containment) */
	sh = J("{\"question\":\"Why did he start it? Because clean needles were given to drug users in prison, he said.\","
	       "\"answer\":\"because clean needles were given to the drug users in prison\",\"answer_type\":\"short\"}");
	assert_string_equal(verdict(sh, NULL, "leakage", NULL), "fail");
	json_decref(sh);
	/* naming every option in the stem is no leak */
	it = J("{\"question\":\"Is the car red or blue?\",\"choices\":[\"red\",\"blue\"],\"answer\":\"A\","
	       "\"answer_type\":\"choice\"}");
	assert_string_not_equal(verdict(it, NULL, "leakage", NULL), "fail");
	json_decref(it);
	/* numbers as whole tokens only: 4 is not leaked by 42 */
	it = J("{\"question\":\"What is 40 plus 2?\",\"answer\":\"42\",\"answer_type\":\"numeric\"}");
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "pass");
	json_decref(it);
	/* picking among the candidates the stem lists is the task (knights_knaves) */
	it = J("{\"question\":\"You meet Eli, Fatima, Hana, Rosa and Yusuf. Hana says: Yusuf is a knight. Which of them "
	       "are knights? List their names separated by commas, or answer \\\"none\\\".\",\"answer\":\"Eli, Hana\",\"answer_type\":\"short\"}");
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "pass");
	json_object_set_new(it, "answer", json_string("none"));
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "pass");
	json_object_set_new(it, "question", json_string("You meet Rosa and Uma. Rosa says: we are both knaves. "
							"Which of them are knights?"));
	json_object_set_new(it, "answer", json_string("Uma"));
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "pass");
	/* ... but a name the stem does not list among candidates still leaks */
	json_object_set_new(it, "question", json_string("Eli is the knight. Which of Fatima and Hana is a knave?"));
	json_object_set_new(it, "answer", json_string("Eli"));
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "fail");
	/* a name among three or more compared side by side is a pick (sorting_ordering) */
	json_object_set_new(it, "question", json_string("Quinn is slower than Ava. Quinn is faster than Fatima. Tariq is "
							"slower than Fatima. Who is the third fastest? Answer with a name."));
	json_object_set_new(it, "answer", json_string("Fatima"));
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "pass");
	/* ... not when a sentence names it alone, nor with two names only */
	json_object_set_new(it, "question", json_string("Quinn is slower than Ava. Fatima won. Tariq is slower than Quinn. "
							"Who is the fastest?"));
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "fail");
	json_object_set_new(it, "question", json_string("Paris is the capital of France. What is the capital of France?"));
	json_object_set_new(it, "answer", json_string("Paris"));
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "fail");
	json_decref(it);
	/* an operand equal to the result is no leak; a stated result is */
	it = J("{\"question\":\"Wen has 15 books. A friend gives Wen enough to make 3 times as many books. Wen splits the books "
	       "into 3 equal groups as large as possible and keeps one group. How many books does Wen have now?\",\"answer\":\"15\",\"answer_type\":\"numeric\"}");
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "pass");
	json_object_set_new(it, "question", json_string("Wen has 3 books and gets 12 more, so the total is 15. How many?"));
	assert_string_equal(verdict(it, NULL, "leakage", NULL), "fail");
	json_decref(it);
}

static void test_two_correct(void **state)
{
	json_t *it = good_choice();
	char reason[256];
	(void)state;
	json_array_set_new(json_object_get(it, "choices"), 2, json_string("she knew lots of details"));
	assert_string_equal(verdict(it, NULL, "options", NULL), "fail");
	assert_int_equal(ba_verify_check("options", it, NULL, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "2 options read as the correct answer"));
	json_decref(it);
	/* duplicate distractors and empty options */
	it = good_choice();
	json_array_set_new(json_object_get(it, "choices"), 2, json_string("She made many mistakes"));
	assert_int_equal(ba_verify_check("options", it, NULL, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "same"));
	json_array_set_new(json_object_get(it, "choices"), 2, json_string("  "));
	assert_int_equal(ba_verify_check("options", it, NULL, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "empty"));
	json_decref(it);
}

static void test_missing_image(void **state)
{
	json_t *sub = J("{\"id\":\"st1\",\"answer_type\":\"label\",\"modalities\":[\"image\",\"text\"],"
			"\"schema\":{\"question\":\"string\",\"image\":\"image\",\"answer\":\"string\"}}");
	json_t *it = J("{\"question\":\"Which brand is this car?\",\"answer\":\"GMC\",\"answer_type\":\"label\","
		       "\"media\":[{\"type\":\"image\",\"ref\":\"images/CarBrands9999.png\",\"missing\":true}]}");
	char reason[256];
	(void)state;
	assert_string_equal(verdict(it, sub, "media", NULL), "fail");
	assert_int_equal(ba_verify_check("media", it, sub, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "missing"));
	json_decref(it);
	/* no media at all for an image subtask: schema and media fail */
	it = J("{\"question\":\"Which brand is this car?\",\"answer\":\"GMC\",\"answer_type\":\"label\",\"media\":[]}");
	assert_string_equal(verdict(it, sub, "schema", NULL), "fail");
	assert_string_equal(verdict(it, sub, "media", NULL), "fail");
	json_decref(it);
	it = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "question", "Which brand is this car?", "answer",
		       "GMC", "answer_type", "label", "media", "type", "image", "path", "media/x.png", "sha256", SHA);
	assert_string_equal(verdict(it, sub, "media", NULL), "pass");
	json_decref(it);
	json_decref(sub);
}

static void test_answer_types_and_schema(void **state)
{
	static const struct {
		const char *item, *check, *want;
	} cases[] = {
		{ "{\"question\":\"q?\",\"answer\":\"ten\",\"answer_type\":\"numeric\"}", "answer_type", "fail" },
		{ "{\"question\":\"q?\",\"answer\":\"-3.5e2\",\"answer_type\":\"numeric\"}", "answer_type", "pass" },
		{ "{\"question\":\"q?\",\"answer\":\"maybe\",\"answer_type\":\"binary\"}", "answer_type", "fail" },
		{ "{\"question\":\"q?\",\"answer\":\"Yes\",\"answer_type\":\"binary\"}", "answer_type", "pass" },
		{ "{\"question\":\"q?\",\"context\":\"The cat sat on the red mat.\",\"answer\":\"red mat\",\"answer_type\":\"span\"}", "answer_type", "pass" },
		{ "{\"question\":\"q?\",\"context\":\"The cat sat on the red mat.\",\"answer\":\"blue mat\",\"answer_type\":\"span\"}", "answer_type", "fail" },
		{ "{\"question\":\"q?\",\"answer\":\"one two three four five six seven eight nine ten eleven twelve thirteen\",\"answer_type\":\"short\"}", "answer_type", "fail" },
		{ "{\"question\":\"\",\"answer\":\"x\",\"answer_type\":\"short\"}", "schema", "fail" },
		{ "{\"question\":\"q?\",\"answer\":\"x\",\"answer_type\":\"essay\"}", "schema", "fail" },
		{ "{\"question\":\"q?\",\"answer\":\"\",\"answer_type\":\"short\"}", "schema", "fail" },
		{ "{\"question\":\"q?\",\"answer\":\"B\",\"answer_type\":\"choice\"}", "answer_type", "fail" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *it = J(cases[i].item);
		const char *v = verdict(it, NULL, cases[i].check, NULL);
		if (strcmp(v, cases[i].want) != 0)
			fail_msg("case %zu: %s is %s, want %s", i, cases[i].check, v, cases[i].want);
		json_decref(it);
	}
	/* a subtask that requires a context */
	{
		json_t *sub = J("{\"schema\":{\"question\":\"string\",\"context\":\"string\",\"answer\":\"string\"}}");
		json_t *it = J("{\"question\":\"q?\",\"answer\":\"x\",\"answer_type\":\"short\"}");
		assert_string_equal(verdict(it, sub, "schema", NULL), "fail");
		json_object_set_new(it, "context", json_string("some text"));
		assert_string_equal(verdict(it, sub, "schema", NULL), "pass");
		json_decref(it);
		json_decref(sub);
	}
}

static void test_minhash(void **state)
{
	ba_minhash a, b, c;
	(void)state;
	ba_minhash_compute(&a, "the quick brown fox jumps over the lazy dog near the river bank today", 3);
	ba_minhash_compute(&b, "The quick brown fox jumps over the lazy dog near the river bank, today!", 3);
	ba_minhash_compute(&c, "an entirely different sentence about chemistry and particle concentration", 3);
	assert_true(ba_minhash_similarity(&a, &b) > 0.99);
	assert_true(ba_minhash_similarity(&a, &c) < 0.2);
	ba_minhash_compute(&b, "the quick brown fox jumps over the lazy dog near the river bank yesterday", 3);
	{
		double s = ba_minhash_similarity(&a, &b); /* true Jaccard 10/12 = 0.83 */
		assert_true(s > 0.6 && s < 0.97);
	}
}

static void test_dedup(void **state)
{
	json_t *items = json_array();
	long dup[8];
	size_t n;
	(void)state;
	json_array_append_new(items, J("{\"question\":\"What is the effect of: Mary read some papers carefully at home on Sunday?\",\"answer\":\"A\"}"));
	json_array_append_new(items, J("{\"question\":\"Which city is the capital of France and its largest city by population?\",\"answer\":\"Paris\"}"));
	/* exact after normalisation */
	json_array_append_new(items, J("{\"question\":\"what is the EFFECT of: mary read some papers carefully at home on sunday\",\"answer\":\"B\"}"));
	/* near duplicate: one word changed */
	json_array_append_new(items, J("{\"question\":\"Which city is the capital of France and its largest town by population?\",\"answer\":\"Paris\"}"));
	/* same stem, different image: not a duplicate */
	json_array_append_new(items, J("{\"question\":\"recognize the brand of the car in the image\",\"answer\":\"GMC\",\"media\":[{\"type\":\"image\",\"sha256\":\"aa\"}]}"));
	json_array_append_new(items, J("{\"question\":\"recognize the brand of the car in the image\",\"answer\":\"Kia\",\"media\":[{\"type\":\"image\",\"sha256\":\"bb\"}]}"));
	/* same question over a different context: not a duplicate */
	json_array_append_new(items, J("{\"question\":\"Why did the author leave?\",\"context\":\"The author left because the rent in the old town had doubled in two years.\",\"answer\":\"x\"}"));
	json_array_append_new(items, J("{\"question\":\"Why did the author leave?\",\"context\":\"A storm flooded the village, and every family including the author moved north.\",\"answer\":\"y\"}"));
	n = ba_verify_dedup(items, 0.6, 2, dup);
	assert_int_equal(dup[0], -1);
	assert_int_equal(dup[1], -1);
	assert_int_equal(dup[2], 0);
	assert_int_equal(dup[3], 1);
	assert_int_equal(dup[4], -1);
	assert_int_equal(dup[5], -1);
	assert_int_equal(dup[6], -1);
	assert_int_equal(dup[7], -1);
	assert_int_equal(n, 2);
	/* a threshold of 1.0 keeps the near duplicate, drops only the exact one */
	n = ba_verify_dedup(items, 1.0, 2, dup);
	assert_int_equal(dup[3], -1);
	assert_int_equal(dup[2], 0);
	assert_int_equal(n, 1);
	json_decref(items);
}

static void test_substance(void **state)
{
	json_t *a = good_choice(), *b;
	char reason[256];
	(void)state;
	b = json_deep_copy(a);
	json_object_set_new(b, "question", json_string("After Mary read some papers, what followed?"));
	assert_int_equal(ba_verify_same_substance(a, b, reason, sizeof(reason)), 1);
	/* the correct option's text changed */
	json_array_set_new(json_object_get(b, "choices"), 1, json_string("She forgot everything."));
	json_object_set_new(b, "answer_text", json_string("She forgot everything."));
	assert_int_equal(ba_verify_same_substance(a, b, reason, sizeof(reason)), 0);
	json_decref(b);
	/* the key fact removed from the context */
	json_object_set_new(a, "context", json_string("Mary read papers. She knew lots of details."));
	b = json_deep_copy(a);
	json_object_set_new(b, "context", json_string("Mary read papers."));
	assert_int_equal(ba_verify_same_substance(a, b, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "key fact"));
	json_decref(b);
	json_decref(a);
}

/* The pool's prompt forms left raw: a template slot in the stem, the
 * stem's own lettered option list beside the item's choices, and options
 * that are only the labels A-D (what they stood for was lost). */
static void test_raw_prompt_forms(void **state)
{
	json_t *it;
	(void)state;
	it = J("{\"question\":\"<<<raw_text>>>\\n\\nWhich pair of events is coreferential?\",\"context\":\"A story.\","
	       "\"choices\":[\"trading -> letters\",\"trading -> trading\"],\"answer\":\"B\",\"answer_type\":\"choice\"}");
	assert_string_equal(verdict(it, NULL, "schema", NULL), "fail");
	json_decref(it);
	it = J("{\"question\":\"Which pair refers to the same event?\\n\\nA. trading -> letters\\nB. trading -> trading\\n\\nChoose A or B.\","
	       "\"choices\":[\"B\",\"A\"],\"answer\":\"A\",\"answer_type\":\"choice\"}");
	assert_string_equal(verdict(it, NULL, "options", NULL), "fail");
	json_decref(it);
	it = J("{\"question\":\"Which pair refers to the same event?\",\"choices\":[\"C\",\"A\",\"B\",\"D\"],"
	       "\"answer\":\"A\",\"answer_type\":\"choice\"}");
	assert_string_equal(verdict(it, NULL, "options", NULL), "fail");
	json_decref(it);
	/* letters the stem names are real options ("box B"), as are letters inside options */
	it = J("{\"question\":\"Boxes A, B and C: which one holds the key?\",\"choices\":[\"C\",\"A\",\"B\"],"
	       "\"answer\":\"A\",\"answer_type\":\"choice\"}");
	assert_string_equal(verdict(it, NULL, "options", NULL), "pass");
	json_decref(it);
	it = J("{\"question\":\"Which vitamin is made in the skin?\\nA hint: sunlight.\",\"choices\":[\"Vitamin D\",\"Vitamin C\"],"
	       "\"answer\":\"A\",\"answer_type\":\"choice\"}");
	assert_string_equal(verdict(it, NULL, "options", NULL), "pass");
	assert_string_equal(verdict(it, NULL, "schema", NULL), "pass");
	json_decref(it);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_items_pass),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_leaked_answer),
		cmocka_unit_test(test_two_correct),
		cmocka_unit_test(test_missing_image),
		cmocka_unit_test(test_answer_types_and_schema),
		cmocka_unit_test(test_minhash),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_substance),
		cmocka_unit_test(test_raw_prompt_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
