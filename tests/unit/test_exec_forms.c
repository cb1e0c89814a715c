/*
 * test_exec_forms.c - the pool's prompt forms, through their one reader
 * (src/exec/prompt_forms.c): template slots filled or removed; options in
 * each inline form (lettered lines, a closing label list, a bracket list
 * "The candidate choices are [...]", an option's own label) turned into
 * options, and the texts that are none of them left alone. The prompts
 * are the shared pool's own (Event-Coreference-Resolution, Temporal-Event-
 * Reasoning, Chemistry VQA).
 */
#include "support.h"
#include "benchagent/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/exec/prompt_forms.h" /* the one reader of slots and inline options */

/* src/exec/exec_internal.h */
int ba_exec_relation_fact(const char *answer, const char *dialogue, uint64_t seed, char **question,
			  json_t **choices);

static void test_slots(void **state)
{
	json_t *raw = json_pack("{s:{s:s, s:s}}", "input", "raw_text", "The letter came.", "title", "FINRA");
	json_t *f = json_pack("{s:s, s:s}", "question", "<<<raw_text>>>\n\nWhich pair is coreferential?",
			      "context", "The letter came.");
	(void)state;
	/* the slot's text is shown as the context: the slot goes */
	ba_exec_fill_slots(f, raw);
	assert_string_equal(json_string_value(json_object_get(f, "question")), "Which pair is coreferential?");
	json_decref(f);
	/* not shown elsewhere: filled in; a slot the sample lacks stays (verification refuses it) */
	f = json_pack("{s:s}", "question", "Headline <<<title>>>: what does <<<missing>>> mean?");
	ba_exec_fill_slots(f, raw);
	assert_string_equal(json_string_value(json_object_get(f, "question")),
			    "Headline FINRA: what does <<<missing>>> mean?");
	json_decref(f);
	json_decref(raw);
}

static void test_lettered(void **state)
{
	const char *q = "Which pair of events refers to the same event?\n\n"
			"A. [\"trading\", 564] -> [\"letters\", 469]\nB. [\"trading\", 300] -> [\"trading\", 746]\n"
			"C. [\"trading\", 300] -> [\"x\", 1]\n\nChoose A, B, or C.";
	char *stem;
	json_t *ch;
	(void)state;
	assert_int_equal(ba_exec_lettered_options(q, &stem, &ch), 1);
	assert_string_equal(stem, "Which pair of events refers to the same event?");
	assert_int_equal(json_array_size(ch), 3);
	assert_string_equal(json_string_value(json_array_get(ch, 1)), "[\"trading\", 300] -> [\"trading\", 746]");
	free(stem);
	json_decref(ch);
	/* options that do not close the text, or out of order, are not options */
	assert_int_equal(ba_exec_lettered_options("A. one\nB. two\nSo which is bigger, one or two?", &stem, &ch), 0);
	assert_int_equal(ba_exec_lettered_options("Pick:\nA. one\nC. two", &stem, &ch), 0);
	assert_int_equal(ba_exec_lettered_options("A dog met a cat. B. is a letter.", &stem, &ch), 0);
	assert_null(stem);
	assert_null(ch);
}

static void test_labels(void **state)
{
	const char *q = "Given two events in the text:\nEvent 1: 'had' (Type: OCCURRENCE)\nEvent 2: 'losses' (Type: STATE)\n"
			"Determine the temporal relation between these events. The possible relation types are: AFTER, "
			"BEFORE, IDENTITY, IS_INCLUDED.";
	char *stem;
	json_t *ch;
	(void)state;
	assert_int_equal(ba_exec_listed_labels(q, "IDENTITY", &stem, &ch), 1);
	assert_non_null(strstr(stem, "Determine the temporal relation between these events."));
	assert_null(strstr(stem, "possible relation"));
	assert_int_equal(json_array_size(ch), 4);
	assert_string_equal(json_string_value(json_array_get(ch, 3)), "IS_INCLUDED");
	free(stem);
	json_decref(ch);
	/* the answer must be one of the labels */
	assert_int_equal(ba_exec_listed_labels(q, "DURING", &stem, &ch), 0);
	assert_int_equal(ba_exec_listed_labels("Name the colours: red, green, blue, and say why.", "red", &stem, &ch), 0);
}

/* Chemistry VQA's form: the list inside the question, the stem the text
 * before the sentence holding it; a list that is not closed, not quoted or
 * of one option is no list. */
static void test_bracket(void **state)
{
	const char *q = "The diagram shows two solutions. Which solution is denser? The candidate choices are "
			"['Solution B', \"Solution A\", 'neither']. Answer with the option.";
	char *stem;
	json_t *ch;
	(void)state;
	assert_int_equal(ba_exec_bracket_choices(q, &stem, &ch), 1);
	assert_string_equal(stem, "The diagram shows two solutions. Which solution is denser?");
	assert_int_equal(json_array_size(ch), 3);
	assert_string_equal(json_string_value(json_array_get(ch, 0)), "Solution B");
	assert_string_equal(json_string_value(json_array_get(ch, 1)), "Solution A");
	assert_string_equal(json_string_value(json_array_get(ch, 2)), "neither");
	free(stem);
	json_decref(ch);
	/* the list in the first sentence: an empty stem */
	assert_int_equal(ba_exec_bracket_choices("Its choices are ['x', 'y']", &stem, &ch), 1);
	assert_string_equal(stem, "");
	free(stem);
	json_decref(ch);
	assert_int_equal(ba_exec_bracket_choices("The candidate choices are ['x', 'y'", &stem, &ch), 0);
	assert_int_equal(ba_exec_bracket_choices("The candidate choices are [x, y].", &stem, &ch), 0);
	assert_int_equal(ba_exec_bracket_choices("The candidate choices are ['only'].", &stem, &ch), 0);
	assert_int_equal(ba_exec_bracket_choices("Which is denser, A or B?", &stem, &ch), 0);
	assert_null(stem);
	assert_null(ch);
}

/* An option's own label, as choice_shuffle strips it and the lettered
 * form reads it: "A. ", "A) ", "(A) ", only for the letter asked. */
static void test_option_label(void **state)
{
	(void)state;
	assert_string_equal(ba_exec_option_label("A. one", 'A'), "one");
	assert_string_equal(ba_exec_option_label("B) two", 'B'), "two");
	assert_string_equal(ba_exec_option_label("(C) three", 'C'), "three");
	assert_null(ba_exec_option_label("B. two", 'A'));
	assert_null(ba_exec_option_label("A.one", 'A'));
	assert_null(ba_exec_option_label("A dog", 'A'));
	assert_null(ba_exec_option_label("(A)x", 'A'));
}

/* Dialogue-Relation-Extraction's answer form: one fact asked, the key
 * first, no option that also holds or is another name of the key. */
static void test_relation_fact(void **state)
{
	const char *ans = "(Speaker 2 (PER) => per:alternate_names => Mon (PER) (Speaker 3 (PER) => per:alternate_names "
			  "=> Rach (PER) (Speaker 1 (PER) => per:friends => Speaker 2 (PER) (Speaker 1 (PER) => per:friends "
			  "=> Rach (PER)";
	const char *dlg = "Speaker 1: Oh, hey, Mon.\nSpeaker 2: Yeah?\nSpeaker 3: Hi.\nSpeaker 4: Hello.";
	char *q;
	json_t *ch;
	uint64_t seed;
	int asked_name = 0;
	(void)state;
	for (seed = 0; seed < 8; seed++) {
		size_t i;
		assert_int_equal(ba_exec_relation_fact(ans, dlg, seed, &q, &ch), 1);
		/* Speaker 1 has two friends: never asked; the alternate names are */
		assert_null(strstr(q, "friend"));
		assert_true(json_array_size(ch) >= 3);
		if (!strcmp(q, "In the conversation, which other name is Speaker 2 called by?")) {
			asked_name = 1;
			assert_string_equal(json_string_value(json_array_get(ch, 0)), "Mon");
			for (i = 1; i < json_array_size(ch); i++) {
				const char *o = json_string_value(json_array_get(ch, i));
				assert_string_not_equal(o, "Speaker 2");
				assert_string_not_equal(o, "Mon");
			}
		} else {
			assert_string_equal(q, "In the conversation, which other name is Speaker 3 called by?");
			assert_string_equal(json_string_value(json_array_get(ch, 0)), "Rach");
		}
		free(q);
		json_decref(ch);
	}
	assert_true(asked_name);
	/* not a triple list, or too few other people: nothing made */
	assert_int_equal(ba_exec_relation_fact("IS_INCLUDED", dlg, 0, &q, &ch), 0);
	assert_int_equal(ba_exec_relation_fact("(Speaker 1 (PER) => per:spouse => Speaker 2 (PER)", "Speaker 1: a\nSpeaker 2: b",
					       0, &q, &ch), 0);
	assert_null(q);
	assert_null(ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_lettered),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_bracket),
		cmocka_unit_test(test_option_label),
		cmocka_unit_test(test_relation_fact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
