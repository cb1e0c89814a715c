/*
 * test_verify_score.c - the one scorer, table-driven: (scorer or answer
 * type, key, extra item fields, answer, expected score). The rows include
 * the cases where the old Lua and C scorers disagreed ("y" as yes, a fixed
 * 1e-6 tolerance) and where a stated tolerance decides.
 */
#include "support.h"
#include "benchagent/json.h"
#include "benchagent/score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
	const char *type;     /* answer_type, or "scorer:NAME" */
	const char *key;
	const char *extra;    /* JSON object merged into the item, or NULL */
	const char *answer;
	int want;
} row;

static const char *const CH = "{\"choices\":[\"red\",\"green\",\"blue\",\"amber\"]}";

static const row rows[] = {
	/* choice: letter forms and option text */
	{ "choice", "B", NULL, "B", 1 },
	{ "choice", "B", NULL, "(B)", 1 },
	{ "choice", "B", NULL, "B)", 1 },
	{ "choice", "B", NULL, "b)", 1 },
	{ "choice", "B", NULL, "Option B", 1 },
	{ "choice", "B", NULL, "B: green", 1 },
	{ "choice", "B", NULL, "green", 1 },
	{ "choice", "B", NULL, "Green.", 1 },
	{ "choice", "B", NULL, "C", 0 },
	{ "choice", "B", NULL, "blue", 0 },
	{ "choice", "B", NULL, "", 0 },
	{ "choice", "B", NULL, "E", 0 },           /* no fifth option */
	{ "choice", "green", NULL, "B", 1 },       /* key written as the option text */
	/* numeric: exact unless the item states a tolerance */
	{ "numeric", "0.5", NULL, "0.5", 1 },
	{ "numeric", "0.5", NULL, "1/2", 1 },
	{ "numeric", "0.5", NULL, "0.50", 1 },
	{ "numeric", "0.5", NULL, "50%", 0 },      /* "%" is dropped: 50 */
	{ "numeric", "0.5", NULL, "0.51", 0 },
	{ "numeric", "1234", NULL, "1,234", 1 },
	{ "numeric", "1234", NULL, "$1,234", 1 },
	{ "numeric", "1234", NULL, "about 1234 I think", 1 },
	{ "numeric", "1234", NULL, "12345", 0 },
	{ "numeric", "-40", NULL, "-40", 1 },
	{ "numeric", "-40", NULL, "40", 0 },
	{ "numeric", "2.5", NULL, "2 1/2", 1 },
	{ "numeric", "-2.5", NULL, "-2 1/2", 1 },
	{ "numeric", "0.75", NULL, "\\frac{3}{4}", 1 },
	{ "numeric", "-2000", NULL, "-2e3", 1 },
	{ "numeric", "7/12", NULL, "14/24", 1 },
	{ "numeric", "7/12", NULL, "0.5833333", 0 }, /* not exact, no tolerance stated */
	{ "numeric", "7/12", "{\"rel_tolerance\":1e-4}", "0.5833333", 1 },
	/* the old fixed 1e-6 (absolute below 1) accepted 0.000003 for 0.0000034 */
	{ "numeric", "0.0000034", NULL, "0.000003", 0 },
	{ "numeric", "0.0000034", NULL, "0.0000034", 1 },
	{ "numeric", "0.0000034", NULL, "3.4e-6", 1 },
	{ "numeric", "0.1", NULL, "0.10000000000000001", 1 }, /* binary float noise only */
	{ "numeric", "68.88", "{\"tolerance\":0.005}", "68.8848", 1 }, /* "round to two decimals" */
	{ "numeric", "68.88", "{\"tolerance\":0.005}", "68.89", 0 },
	{ "numeric", "3.14", "{\"tolerance\":0.01}", "3.141", 1 },
	{ "numeric", "3.14", "{\"tolerance\":0.01}", "3.2", 0 },
	{ "numeric", "42", "{\"metadata\":{\"abs_tolerance\":0.5}}", "42.4", 1 }, /* legacy field */
	{ "numeric", "42", NULL, "none", 0 },
	{ "numeric", "42", NULL, "", 0 },
	/* binary: one policy (first word; y/n/1/0 are not answers) */
	{ "binary", "yes", NULL, "yes", 1 },
	{ "binary", "yes", NULL, "Yes, it follows.", 1 },
	{ "binary", "yes", NULL, "true", 1 },
	{ "binary", "yes", NULL, "correct", 1 },
	{ "binary", "yes", NULL, "valid", 1 },
	{ "binary", "yes", NULL, "y", 0 },         /* Lua accepted it, C did not: now neither */
	{ "binary", "yes", NULL, "1", 0 },
	{ "binary", "yes", NULL, "no", 0 },
	{ "binary", "True", NULL, "yes", 1 },
	{ "binary", "false", NULL, "False", 1 },
	{ "binary", "false", NULL, "No.", 1 },
	{ "binary", "false", NULL, "incorrect", 1 },
	{ "binary", "false", NULL, "true", 0 },
	{ "binary", "false", NULL, "n", 0 },
	{ "binary", "false", NULL, "not sure", 0 },
	/* normalised short text and aliases */
	{ "short", "The Nile", NULL, "the nile.", 1 },
	{ "short", "The Nile", NULL, "Nile", 1 },
	{ "short", "The Nile", "{\"aliases\":[\"Nile River\"]}", "nile river", 1 },
	{ "short", "The Nile", NULL, "amazon", 0 },
	{ "short", "red circle", NULL, "The red circle", 1 },
	{ "short", "red circle", NULL, "blue circle", 0 },
	{ "short", "benchmark", NULL, "x", 0 },
	{ "open", "Because of gravity", NULL, "because of gravity", 1 },
	/* sets of names: any order, any separator */
	{ "scorer:set", "Ava, Ben", NULL, "Ben and Ava", 1 },
	{ "scorer:set", "Ava, Ben", NULL, "ben, ava.", 1 },
	{ "scorer:set", "Ava, Ben", NULL, "Ava; Ben", 1 },
	{ "scorer:set", "Ava, Ben", NULL, "Ava", 0 },
	{ "scorer:set", "Ava, Ben", NULL, "Ava, Ben, Chen", 0 },
	{ "scorer:set", "none", NULL, "None", 1 },
	{ "scorer:set", "none", NULL, "Ava", 0 },
	/* ordered lists */
	{ "scorer:list", "3, 17, 42", NULL, "3, 17, 42", 1 },
	{ "scorer:list", "3, 17, 42", NULL, "3 < 17 < 42", 1 },
	{ "scorer:list", "3, 17, 42", NULL, "42, 17, 3", 0 },
	{ "scorer:list", "maple, orbit, river", NULL, "maple, orbit and river", 1 },
	{ "scorer:list", "maple, orbit, river", NULL, "maple, river, orbit", 0 },
	/* clock times, dates, grid cells */
	{ "scorer:time", "14:05", NULL, "2:05 pm", 1 },
	{ "scorer:time", "14:05", NULL, "14:05", 1 },
	{ "scorer:time", "14:05", NULL, "2:05 am", 0 },
	{ "scorer:time", "Monday 14:05", NULL, "Monday, 14:05", 1 },
	{ "scorer:time", "Monday 14:05", NULL, "Tuesday 14:05", 0 },
	{ "scorer:time", "Monday 14:05", NULL, "14:05", 0 },
	{ "scorer:clock12", "3:40", NULL, "15:40", 1 },
	{ "scorer:clock12", "3:40", NULL, "3:45", 0 },
	{ "scorer:clock12", "12:05", NULL, "0:05", 1 },
	{ "scorer:date", "2024-03-05", NULL, "March 5, 2024", 1 },
	{ "scorer:date", "2024-03-05", NULL, "5 March 2024", 1 },
	{ "scorer:date", "2024-03-05", NULL, "2024-3-5", 1 },
	{ "scorer:date", "2024-03-05", NULL, "Mar 5 2024", 1 },
	{ "scorer:date", "2024-03-05", NULL, "March 6, 2024", 0 },
	{ "scorer:date", "2024-03-05", NULL, "2023-03-05", 0 },
	{ "scorer:cell", "C4", NULL, "The token ends on c4.", 1 },
	{ "scorer:cell", "C4", NULL, "C4", 1 },
	{ "scorer:cell", "C4", NULL, "D4", 0 },
	{ "scorer:cell", "C4", NULL, "C44", 0 },
	{ NULL, NULL, NULL, NULL, 0 }
};

static json_t *make_item(const row *r)
{
	json_t *it = json_pack("{s:s,s:s,s:s}", "id", "t", "question", "q", "answer", r->key);

	if (!strncmp(r->type, "scorer:", 7)) {
		json_object_set_new(it, "answer_type", json_string("short"));
		json_object_set_new(it, "scorer", json_string(r->type + 7));
	} else {
		json_object_set_new(it, "answer_type", json_string(r->type));
	}
	if (!strcmp(r->type, "choice")) {
		json_t *c = json_loads(CH, 0, NULL);
		json_object_update(it, c);
		json_decref(c);
	}
	if (r->extra) {
		json_t *x = json_loads(r->extra, 0, NULL);
		assert_non_null(x);
		json_object_update(it, x);
		json_decref(x);
	}
	return it;
}

static void score__table(void **state)
{
	int i, bad = 0;
	(void)state;

	for (i = 0; rows[i].type; i++) {
		json_t *it = make_item(&rows[i]);
		ba_error err = BA_ERROR_INIT;
		double s = -1;
		const char *how = NULL;
		assert_int_equal(ba_score_item(it, rows[i].answer, &s, &how, &err), 0);
		assert_non_null(how);
		if ((int)s != rows[i].want) {
			print_error("row %d: %s key '%s' answer '%s': scored %.0f, want %d\n", i, rows[i].type,
				    rows[i].key, rows[i].answer, s, rows[i].want);
			bad++;
		}
		json_decref(it);
	}
	assert_int_equal(bad, 0);
	assert_true(i >= 90);
}

static void score__table_is_one_row_per_scorer(void **state)
{
	static const char *const names[] = { "choice", "numeric", "binary", "text", "set", "list", "time",
		"clock12", "date", "cell", NULL };
	size_t i, j;
	(void)state;

	for (i = 0; names[i]; i++)
		assert_non_null(ba_score_find(names[i]));
	assert_null(ba_score_find("nope"));
	for (i = 0; i < ba_score_count(); i++) {
		assert_non_null(ba_score_at(i)->fn);
		assert_true(strlen(ba_score_at(i)->doc) > 10);
		for (j = 0; j < i; j++)
			assert_string_not_equal(ba_score_at(i)->name, ba_score_at(j)->name);
	}
	assert_null(ba_score_at(ba_score_count()));
}

static void score__errors_and_selection(void **state)
{
	json_t *noans = json_pack("{s:s,s:s,s:[i]}", "id", "x", "question", "q", "answer", 1);
	json_t *badsc = json_pack("{s:s,s:s,s:s,s:s}", "id", "y", "question", "q", "answer", "1", "scorer", "nope");
	json_t *num = json_pack("{s:s,s:s,s:i,s:s}", "id", "z", "question", "q", "answer", 12, "answer_type", "numeric");
	ba_error err = BA_ERROR_INIT;
	const char *how;
	double s;
	(void)state;

	assert_int_equal(ba_score_item(noans, "1", &s, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "item x"));
	ba_error_clear(&err);
	assert_int_equal(ba_score_item(badsc, "1", &s, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "unknown scorer"));
	/* a number key */
	assert_int_equal(ba_score_item(num, "12", &s, &how, &err), 0);
	assert_true(s == 1);
	assert_string_equal(how, "numeric");
	/* metadata.scorer selects too (items written by older builds) */
	json_object_set_new(num, "answer_type", json_string("short"));
	json_object_set_new(num, "metadata", json_pack("{s:s}", "scorer", "numeric"));
	assert_int_equal(ba_score_item(num, "12.0", &s, &how, &err), 0);
	assert_true(s == 1);
	assert_int_equal(ba_score_yesno("Yes."), 1);
	assert_int_equal(ba_score_yesno("y"), -1);
	assert_int_equal(ba_score_letter("(C)", 4), 2);
	assert_int_equal(ba_score_letter("Apple", 4), -1);
	json_decref(noans);
	json_decref(badsc);
	json_decref(num);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(score__table),
		cmocka_unit_test(score__table_is_one_row_per_scorer),
		cmocka_unit_test(score__errors_and_selection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
