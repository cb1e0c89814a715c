/*
 * test_gen_solver.c - the solver contract and gen check's solver_agrees
 * rule, with planted defects: a wrong key, a key the question does not
 * determine, a puzzle with two valid answers, a generator without a
 * solver, and a solver that tries to read the generator's state or the
 * key. Each must fail gen check; the honest generator passes.
 */
#include "support.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An honest generator, with "%s" holding the generate body's answer
 * expression and the solver source. */
#define GEN_HEAD                                                                                   \
	"return { name = '%s', description = 'add two numbers', answer_type = 'numeric',\n"       \
	"  levels = {'1','2','3','4','5'}, puzzle = %s,\n"                                          \
	"  generate = function(rng, d) local a, b = rng:int(1, 10 ^ d), rng:int(1, 10 ^ d)\n"       \
	"    SECRET = a + b\n"                                                                      \
	"    return { question = %s, answer = %s, metadata = { complexity = d } } end,\n"

static const char *const SOLVE_SUM =
	"  solver = [[ return function(v) local a, b = v.question:match('(%d+) %+ (%d+)')\n"
	"    return tonumber(a) + tonumber(b), 1 end ]] }";

static json_t *check_src(const char *name, const char *puzzle, const char *question, const char *answer,
			 const char *solver)
{
	char src[4096];
	json_t *rep = NULL;
	ba_error err = BA_ERROR_INIT;

	snprintf(src, sizeof(src), GEN_HEAD "%s", name, puzzle, question, answer, solver);
	assert_int_equal(ba_gen_check_source(name, src, strlen(src), 50, &rep, &err), 0);
	return rep;
}

static const json_t *rule(const json_t *rep, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(rep, "checks"), i, c)
		if (!strcmp(ba_json_str(c, "name", ""), name))
			return c;
	fail_msg("no rule %s", name);
	return NULL;
}

static int failures_mention(const json_t *rep, const char *text)
{
	size_t i;
	json_t *f;

	json_array_foreach(json_object_get(rep, "failures"), i, f)
		if (strstr(json_string_value(f), text))
			return 1;
	return 0;
}

static void solver__honest_generator_passes(void **state)
{
	json_t *rep = check_src("honest", "false", "a .. ' + ' .. b .. '?'", "a + b", SOLVE_SUM);
	(void)state;

	assert_true(ba_json_bool(rep, "passed", 0));
	assert_true(ba_json_bool(rule(rep, "solver_agrees"), "passed", 0));
	/* 200 items per difficulty although n is 50 */
	assert_non_null(strstr(ba_json_str(rule(rep, "solver_agrees"), "detail", ""), "1000 of 1000"));
	json_decref(rep);
}

static void solver__wrong_key_fails(void **state)
{
	/* the key is off by one on every third item: own verify still passes */
	json_t *rep = check_src("wrongkey", "false", "a .. ' + ' .. b .. '?'", "a + b + (a % 3 == 0 and 1 or 0)",
				SOLVE_SUM);
	(void)state;

	assert_false(ba_json_bool(rep, "passed", 0));
	assert_true(ba_json_bool(rule(rep, "own_answer_verifies"), "passed", 0));
	assert_false(ba_json_bool(rule(rep, "solver_agrees"), "passed", 0));
	assert_true(failures_mention(rep, "but the solver derives"));
	json_decref(rep);
}

static void solver__key_not_derivable_fails(void **state)
{
	/* the question no longer says what b is */
	json_t *rep = check_src("hidden", "false", "a .. ' + a secret number?'", "a + b", SOLVE_SUM);
	(void)state;

	assert_false(ba_json_bool(rule(rep, "solver_agrees"), "passed", 0));
	assert_true(failures_mention(rep, "could not answer"));
	json_decref(rep);
}

static void solver__two_valid_answers_fail(void **state)
{
	/* "which of a, b is odd": both may be; the enumerating solver counts */
	const char *solver =
		"  solver = [[ return function(v) local a, b = v.question:match('(%d+) or (%d+)')\n"
		"    local n, first = 0, nil\n"
		"    for _, x in ipairs({ tonumber(a), tonumber(b) }) do\n"
		"      if x % 2 == 1 then n = n + 1; first = first or x end end\n"
		"    return first or a, n end ]] }";
	json_t *rep = check_src("twoodd", "true", "'Which is odd: ' .. (2 * a + 1) .. ' or ' .. (2 * b + (b % 2)) .. '?'",
				"2 * a + 1", solver);
	(void)state;

	assert_false(ba_json_bool(rule(rep, "solver_agrees"), "passed", 0));
	assert_true(failures_mention(rep, "more than one valid answer"));
	json_decref(rep);
}

static void solver__puzzle_must_count(void **state)
{
	const char *solver =
		"  solver = [[ return function(v) local a, b = v.question:match('(%d+) %+ (%d+)')\n"
		"    return tonumber(a) + tonumber(b) end ]] }";
	json_t *rep = check_src("nocount", "true", "a .. ' + ' .. b .. '?'", "a + b", solver);
	(void)state;

	assert_false(ba_json_bool(rule(rep, "solver_agrees"), "passed", 0));
	assert_true(failures_mention(rep, "must return the number of valid answers"));
	json_decref(rep);
}

static void solver__missing_solver_fails(void **state)
{
	json_t *rep = check_src("nosolver", "false", "a .. ' + ' .. b .. '?'", "a + b", "}");
	(void)state;

	assert_false(ba_json_bool(rep, "passed", 0));
	assert_false(ba_json_bool(rule(rep, "solver_agrees"), "passed", 0));
	assert_true(failures_mention(rep, "has no solver"));
	json_decref(rep);
}

static void solver__sees_neither_generator_state_nor_key(void **state)
{
	/* SECRET is a global the generator sets; answer/metadata are not in the view */
	json_t *rep1 = check_src("peek_global", "false", "a .. ' + ' .. b .. '?'", "a + b",
				 "  solver = [[ return function(v) return SECRET end ]] }");
	json_t *rep2 = check_src("peek_key", "false", "a .. ' + ' .. b .. '?'", "a + b",
				 "  solver = [[ return function(v) return v.answer or (v.metadata and v.metadata.complexity) end ]] }");
	(void)state;

	assert_false(ba_json_bool(rule(rep1, "solver_agrees"), "passed", 0));
	assert_true(failures_mention(rep1, "gave no answer"));
	assert_false(ba_json_bool(rule(rep2, "solver_agrees"), "passed", 0));
	assert_true(failures_mention(rep2, "gave no answer"));
	json_decref(rep1);
	json_decref(rep2);
}

static void solver__bad_solver_field_refused(void **state)
{
	const char *src = "return { name = 'badsolver', description = 'x', answer_type = 'numeric',\n"
			  " levels = {'1','2','3','4','5'}, generate = function(rng, d) return { question = 'q', answer = 1 } end,\n"
			  " solver = function(v) return 1 end }";
	ba_gen_registry *reg = NULL;
	ba_error err = BA_ERROR_INIT;
	(void)state;

	assert_int_equal(ba_gen_registry_new(&reg, NULL, &err), 0);
	assert_int_equal(ba_gen_registry_add_source(reg, "badsolver", src, strlen(src), &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "solver"));
	ba_gen_registry_free(reg);
}

static void solver__view_is_what_the_examinee_sees(void **state)
{
	json_t *it = json_pack("{s:s,s:s,s:s,s:[s,s],s:s,s:{s:i},s:{s:s},s:s,s:s}", "question", "q", "answer", "A",
			       "answer_text", "x", "choices", "x", "y", "answer_type", "choice", "metadata", "n", 1,
			       "scene", "chart", "bar", "explanation", "because", "context", "c");
	json_t *v = ba_gen_examinee_view(it);
	(void)state;

	assert_non_null(json_object_get(v, "question"));
	assert_non_null(json_object_get(v, "choices"));
	assert_non_null(json_object_get(v, "scene"));
	assert_non_null(json_object_get(v, "context"));
	assert_null(json_object_get(v, "answer"));
	assert_null(json_object_get(v, "answer_text"));
	assert_null(json_object_get(v, "metadata"));
	assert_null(json_object_get(v, "explanation"));
	json_decref(v);
	json_decref(it);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(solver__honest_generator_passes),
		cmocka_unit_test(solver__wrong_key_fails),
		cmocka_unit_test(solver__key_not_derivable_fails),
		cmocka_unit_test(solver__two_valid_answers_fail),
		cmocka_unit_test(solver__puzzle_must_count),
		cmocka_unit_test(solver__missing_solver_fails),
		cmocka_unit_test(solver__sees_neither_generator_state_nor_key),
		cmocka_unit_test(solver__bad_solver_field_refused),
		cmocka_unit_test(solver__view_is_what_the_examinee_sees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
