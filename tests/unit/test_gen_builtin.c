/*
 * test_gen_builtin.c - the built-in generator library: coverage of the
 * required domains, every generator passes `gen check`, difficulty
 * measurably changes items, items are reproducible across registries,
 * visual items carry real PNGs, and verify accepts equivalent answers.
 */
#define _GNU_SOURCE
#include "support.h"
#include "benchagent/gen.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ba_gen_registry *reg;

static int setup(void **state)
{
	ba_error err = BA_ERROR_INIT;
	(void)state;
	return ba_gen_registry_new(&reg, NULL, &err);
}

static int teardown(void **state)
{
	(void)state;
	ba_gen_registry_free(reg);
	return 0;
}

static void test_library_covers_the_issue(void **state)
{
	static const char *const required[] = { "arithmetic_word_problems", "linear_equations",
		"fractions_percentages", "unit_conversion", "date_arithmetic", "time_zones", "number_sequences",
		"combinatorics", "knights_knaves", "syllogisms", "boolean_formulas", "graph_shortest_path",
		"sorting_ordering", "string_manipulation", "program_tracing", "chemical_balancing",
		"chart_reading", "counting_shapes", "line_intersections", "clock_reading", "grid_navigation",
		"relative_positions", "spoken_arithmetic", "digit_recall", "tone_compare", "count_beeps", "who_said",
		"mixed_language_dialogue", NULL };
	size_t i, visual = 0, audio = 0;
	(void)state;

	assert_true(ba_gen_count(reg) >= 24);
	for (i = 0; required[i]; i++)
		if (!ba_gen_find(reg, required[i]))
			fail_msg("missing generator %s", required[i]);
	for (i = 0; i < ba_gen_count(reg); i++) {
		const ba_gen_info *g = ba_gen_at(reg, i);
		size_t k;
		json_t *m;
		assert_true(json_array_size(g->levels) >= 5);
		assert_true(strlen(g->description) > 20);
		assert_true(json_array_size(g->tags) >= 3);
		assert_int_equal(strlen(g->version), 64);
		json_array_foreach(g->modalities, k, m)
			if (!strcmp(json_string_value(m), "image"))
				visual++;
			else if (!strcmp(json_string_value(m), "audio"))
				audio++;
	}
	assert_true(visual >= 6);
	assert_true(audio >= 6);
}

static void test_every_builtin_passes_check(void **state)
{
	size_t i;
	(void)state;

	for (i = 0; i < ba_gen_count(reg); i++) {
		const char *name = ba_gen_at(reg, i)->name;
		json_t *rep = NULL;
		ba_error err = BA_ERROR_INIT;

		assert_int_equal(ba_gen_check(reg, name, 200, &rep, &err), 0);
		if (!ba_json_bool(rep, "passed", 0)) {
			char *s = json_dumps(json_object_get(rep, "failures"), 0);
			fail_msg("%s fails gen check: %s", name, s);
		}
		/* the report names every rule: the 7 rules + solver_agrees, + audio_renders for audio generators */
		{
			size_t k;
			json_t *m;
			int audio = 0;
			json_array_foreach(ba_gen_at(reg, i)->modalities, k, m)
				audio |= !strcmp(json_string_value(m), "audio");
			assert_int_equal(json_array_size(json_object_get(rep, "checks")), 8 + audio);
		}
		json_decref(rep);
	}
}

static double mean_complexity(const char *name, int d, int n, double *mean_qlen)
{
	double sum = 0, ql = 0;
	int i;

	for (i = 0; i < n; i++) {
		json_t *it = NULL;
		ba_error err = BA_ERROR_INIT;
		assert_int_equal(ba_gen_generate(reg, name, (uint64_t)(1000 + i), d, NULL, &it, &err), 0);
		sum += ba_gen_item_complexity(it);
		ql += (double)strlen(ba_json_str(it, "question", ""));
		json_decref(it);
	}
	if (mean_qlen)
		*mean_qlen = ql / n;
	return sum / n;
}

static void test_difficulty_changes_items(void **state)
{
	size_t i;
	(void)state;

	for (i = 0; i < ba_gen_count(reg); i++) {
		const char *name = ba_gen_at(reg, i)->name;
		double c1 = mean_complexity(name, 1, 30, NULL), c3 = mean_complexity(name, 3, 30, NULL),
		       c5 = mean_complexity(name, 5, 30, NULL);
		if (!(c1 < c3 && c3 < c5))
			fail_msg("%s: complexity does not rise with difficulty (%.2f, %.2f, %.2f)", name, c1, c3, c5);
	}
}

static long meta_int(const char *name, int d, const char *key, int n)
{
	long sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		json_t *it = NULL;
		ba_error err = BA_ERROR_INIT;
		assert_int_equal(ba_gen_generate(reg, name, (uint64_t)(77 + i), d, NULL, &it, &err), 0);
		sum += (long)ba_json_int(json_object_get(it, "metadata"), key, -1000);
		json_decref(it);
	}
	return sum;
}

static void test_difficulty_concrete_measures(void **state)
{
	(void)state;
	/* more steps, more objects, more edges, more people as difficulty rises */
	assert_true(meta_int("arithmetic_word_problems", 1, "steps", 20) < meta_int("arithmetic_word_problems", 5, "steps", 20));
	assert_true(meta_int("counting_shapes", 1, "objects", 20) < meta_int("counting_shapes", 5, "objects", 20));
	assert_true(meta_int("graph_shortest_path", 1, "edges", 20) < meta_int("graph_shortest_path", 5, "edges", 20));
	assert_true(meta_int("knights_knaves", 1, "people", 10) < meta_int("knights_knaves", 5, "people", 10));
	assert_true(meta_int("line_intersections", 1, "segments", 10) < meta_int("line_intersections", 5, "segments", 10));
	assert_true(meta_int("chemical_balancing", 1, "coefficient_sum", 20) <
		    meta_int("chemical_balancing", 5, "coefficient_sum", 20));
}

static void test_reproducible_across_registries(void **state)
{
	ba_gen_registry *other = NULL;
	ba_error err = BA_ERROR_INIT;
	size_t i;
	(void)state;

	assert_int_equal(ba_gen_registry_new(&other, NULL, &err), 0);
	for (i = 0; i < ba_gen_count(reg); i++) {
		const char *name = ba_gen_at(reg, i)->name;
		int d;
		for (d = 1; d <= 5; d += 2) {
			json_t *a = NULL, *b = NULL, *c = NULL;
			assert_int_equal(ba_gen_generate(reg, name, 99, d, NULL, &a, &err), 0);
			assert_int_equal(ba_gen_generate(other, name, 99, d, NULL, &b, &err), 0);
			assert_int_equal(ba_gen_generate(other, name, 100, d, NULL, &c, &err), 0);
			if (!json_equal(a, b))
				fail_msg("%s d%d: same seed, different item across registries", name, d);
			json_decref(a);
			json_decref(b);
			json_decref(c);
		}
	}
	ba_gen_registry_free(other);
}

static void test_visual_items_store_pngs(void **state)
{
	char *ws = bt_tmpdir("genpng");
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	size_t i;
	int n = 0;
	(void)state;

	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	for (i = 0; i < ba_gen_count(reg); i++) {
		const ba_gen_info *g = ba_gen_at(reg, i);
		json_t *it = NULL, *m;
		char *abs, *png;
		size_t k;
		json_t *mv;
		int visual = 0;
		json_array_foreach(g->modalities, k, mv)
			if (!strcmp(json_string_value(mv), "image"))
				visual = 1;
		if (!visual)
			continue;
		assert_int_equal(ba_gen_generate(reg, g->name, 5, 3, st, &it, &err), 0);
		m = json_array_get(json_object_get(it, "media"), 0);
		assert_non_null(m);
		assert_string_equal(ba_json_str(m, "type", ""), "image");
		assert_true(ba_path_is_safe(ba_json_str(m, "path", "")));
		abs = ba_media_path(st, ba_json_str(m, "sha256", ""));
		assert_non_null(abs);
		png = bt_read(abs);
		assert_non_null(png);
		assert_memory_equal(png, "\x89PNG", 4);
		free(png);
		free(abs);
		json_decref(it);
		n++;
	}
	assert_true(n >= 6);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
}

static void test_verify_accepts_equivalents(void **state)
{
	static const struct { const char *gen, *answer, *response; double want; } cases[] = {
		{ "arithmetic_word_problems", "1234", "The answer is 1,234.", 1 },
		{ "arithmetic_word_problems", "1234", "Final answer: 1234.0", 1 },
		{ "arithmetic_word_problems", "1234", "**1234**", 1 },
		{ "arithmetic_word_problems", "1234", "$\\boxed{1234}$", 1 },
		{ "arithmetic_word_problems", "1234", "1235", 0 },
		{ "arithmetic_word_problems", "1234", "12345", 0 },
		{ "fractions_percentages", "7/12", "7/12", 1 },
		{ "fractions_percentages", "7/12", "14/24", 1 },
		{ "fractions_percentages", "7/12", "0.5833333", 1 },
		{ "fractions_percentages", "7/12", "0.6", 0 },
		{ "date_arithmetic", "2024-03-05", "March 5, 2024", 1 },
		{ "date_arithmetic", "2024-03-05", "5 March 2024", 1 },
		{ "date_arithmetic", "2024-03-05", "2024-3-5", 1 },
		{ "date_arithmetic", "2024-03-05", "March 6, 2024", 0 },
		{ "time_zones", "14:05", "2:05 pm", 1 },
		{ "time_zones", "14:05", "14:05", 1 },
		{ "time_zones", "14:05", "2:05 am", 0 },
		{ "clock_reading", "3:40", "15:40", 1 },
		{ "clock_reading", "3:40", "3:45", 0 },
		{ "knights_knaves", "Ava, Ben", "Ben and Ava", 1 },
		{ "knights_knaves", "Ava, Ben", "Ava", 0 },
		{ "sorting_ordering", "Chen", "chen.", 1 },
		{ "syllogisms", "yes", "Yes, it follows.", 1 },
		{ "syllogisms", "yes", "No", 0 },
		{ "boolean_formulas", "false", "False", 1 },
		{ "boolean_formulas", "false", "true", 0 },
		{ "grid_navigation", "C4", "The token ends on c4.", 1 },
		{ "grid_navigation", "C4", "D4", 0 },
		{ "relative_positions", "red circle", "The red circle", 1 },
		{ "relative_positions", "red circle", "blue circle", 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int i;
	(void)state;

	for (i = 0; cases[i].gen; i++) {
		const ba_gen_info *g = ba_gen_find(reg, cases[i].gen);
		json_t *item;
		double s = -1;
		ba_error err = BA_ERROR_INIT;
		assert_non_null(g);
		item = json_pack("{s:s,s:s,s:s,s:{}}", "question", "q", "answer", cases[i].answer, "answer_type",
				 !strcmp(cases[i].gen, "fractions_percentages") || !strcmp(cases[i].gen, "arithmetic_word_problems")
					 ? "numeric" : g->answer_type, "metadata");
		if (!strcmp(cases[i].gen, "fractions_percentages"))
			json_object_set_new(json_object_get(item, "metadata"), "tolerance", json_real(1e-4));
		assert_int_equal(ba_gen_verify(reg, cases[i].gen, item, cases[i].response, &s, &err), 0);
		if (s != cases[i].want)
			fail_msg("case %d (%s): '%s' vs '%s' scored %.2f", i, cases[i].gen, cases[i].response,
				 cases[i].answer, s);
		json_decref(item);
	}
}

static void test_generate_errors(void **state)
{
	json_t *it = NULL;
	ba_error err = BA_ERROR_INIT;
	(void)state;

	assert_int_equal(ba_gen_generate(reg, "no_such_generator", 1, 1, NULL, &it, &err), BA_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no_such_generator"));
	assert_int_equal(ba_gen_generate(reg, "linear_equations", 1, 0, NULL, &it, &err), BA_EINVAL);
	assert_int_equal(ba_gen_generate(reg, "linear_equations", 1, 6, NULL, &it, &err), BA_EINVAL);
	assert_null(it);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_covers_the_issue),
		cmocka_unit_test(test_every_builtin_passes_check),
		cmocka_unit_test(test_difficulty_changes_items),
		cmocka_unit_test(test_difficulty_concrete_measures),
		cmocka_unit_test(test_reproducible_across_registries),
		cmocka_unit_test(test_visual_items_store_pngs),
		cmocka_unit_test(test_verify_accepts_equivalents),
		cmocka_unit_test(test_generate_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
