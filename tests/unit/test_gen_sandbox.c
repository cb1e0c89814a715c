/*
 * test_gen_sandbox.c - hostile generator scripts are stopped and reported
 * (naming the generator and the limit), and the process and the registry
 * keep working afterwards.
 */
#define _GNU_SOURCE
#include "support.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* a valid contract around a body for generate() */
static char *script(const char *name, const char *toplevel, const char *body)
{
	char *s = NULL;
	if (asprintf(&s,
		     "%s\nreturn { name = '%s', description = 'hostile test', tags = {'t'},\n"
		     "  answer_type = 'short', levels = {'1','2','3','4','5'},\n"
		     "  generate = function(rng, d)\n%s\n  return { question = 'q' .. rng:int(1, 1000000), answer = 'a' }\n end }\n",
		     toplevel, name, body) < 0)
		abort();
	return s;
}

static ba_gen_registry *new_reg(void)
{
	ba_gen_registry *reg = NULL;
	ba_error err = BA_ERROR_INIT;
	assert_int_equal(ba_gen_registry_new(&reg, NULL, &err), 0);
	/* small limits keep the bombs quick */
	ba_gen_set_limits(reg, 2000000, 16u << 20);
	return reg;
}

/* add the script and generate: returns the generate rc, err filled */
static int run_hostile(ba_gen_registry *reg, const char *name, const char *top, const char *body, ba_error *err)
{
	char *src = script(name, top, body);
	json_t *item = NULL;
	int rc = ba_gen_registry_add_source(reg, name, src, strlen(src), err);

	free(src);
	if (rc != 0)
		return rc;
	rc = ba_gen_generate(reg, name, 1, 1, NULL, &item, err);
	json_decref(item);
	return rc;
}

/* the built-in still works and gives the same item as a fresh registry */
static void assert_registry_healthy(ba_gen_registry *reg)
{
	ba_gen_registry *fresh = new_reg();
	json_t *a = NULL, *b = NULL;
	ba_error err = BA_ERROR_INIT;

	assert_int_equal(ba_gen_generate(reg, "arithmetic_word_problems", 42, 3, NULL, &a, &err), 0);
	assert_int_equal(ba_gen_generate(fresh, "arithmetic_word_problems", 42, 3, NULL, &b, &err), 0);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	ba_gen_registry_free(fresh);
}

static void test_no_os_io_require(void **state)
{
	static const char *const bodies[] = {
		"os.execute('touch /tmp/benchagent-pwned')",
		"io.open('/etc/passwd')",
		"require('os')",
		"dofile('/etc/passwd')",
		"loadfile('/etc/passwd')",
		"debug.getregistry()",
		"package.loadlib('libc.so.6', 'system')",
		"collectgarbage('stop')",
		"string.dump(function() end)",
		"math.random(1, 2)",
		"rawset(string, 'format', nil)",
		"coroutine.create(function() end)",
		NULL
	};
	ba_gen_registry *reg = new_reg();
	int i;
	(void)state;

	for (i = 0; bodies[i]; i++) {
		ba_error err = BA_ERROR_INIT;
		char name[32];
		snprintf(name, sizeof(name), "hostile_io_%d", i);
		int rc = run_hostile(reg, name, "", bodies[i], &err);
		assert_int_not_equal(rc, 0);
		/* the message names the generator and what failed */
		assert_non_null(strstr(err.msg, name));
		assert_non_null(strstr(err.msg, "nil value"));
	}
	assert_false(access("/tmp/benchagent-pwned", F_OK) == 0);
	assert_registry_healthy(reg);
	ba_gen_registry_free(reg);
}

static void test_infinite_loops_stopped(void **state)
{
	ba_gen_registry *reg = new_reg();
	ba_error err = BA_ERROR_INIT;
	char *src;
	(void)state;

	assert_int_equal(run_hostile(reg, "spin", "", "while true do end", &err), BA_ELIMIT);
	assert_non_null(strstr(err.msg, "generator spin"));
	assert_non_null(strstr(err.msg, "instruction budget"));

	/* catching the limit error with pcall does not help */
	ba_error_clear(&err);
	assert_int_equal(run_hostile(reg, "spin_pcall", "",
				     "while true do pcall(function() while true do end end) end", &err), BA_ELIMIT);
	assert_non_null(strstr(err.msg, "instruction budget"));

	/* a loop at load time fails the load */
	ba_error_clear(&err);
	src = script("spin_top", "while true do end", "");
	assert_int_equal(ba_gen_registry_add_source(reg, "spin_top", src, strlen(src), &err), BA_ELIMIT);
	assert_null(ba_gen_find(reg, "spin_top"));
	free(src);
	assert_registry_healthy(reg);
	ba_gen_registry_free(reg);
}

static void test_memory_bombs_stopped(void **state)
{
	ba_gen_registry *reg = new_reg();
	ba_error err = BA_ERROR_INIT;
	(void)state;

	assert_int_equal(run_hostile(reg, "bomb", "", "local t = {} for i = 1, 1e9 do t[i] = i end", &err), BA_ELIMIT);
	assert_non_null(strstr(err.msg, "generator bomb"));
	assert_non_null(strstr(err.msg, "memory cap"));

	ba_error_clear(&err);
	assert_int_equal(run_hostile(reg, "rep_giant", "", "local s = string.rep('x', 1 << 30)", &err), BA_ELIMIT);
	assert_non_null(strstr(err.msg, "memory cap"));
	ba_error_clear(&err);
	assert_int_equal(run_hostile(reg, "rep_giant_sep", "", "local s = string.rep('abc', 1 << 28, ',')", &err), BA_ELIMIT);
	/* beyond Lua's own string size limit: refused before any allocation */
	ba_error_clear(&err);
	assert_int_not_equal(run_hostile(reg, "rep_huge", "", "local s = string.rep('x', 1 << 40)", &err), 0);
	assert_non_null(strstr(err.msg, "too large"));

	ba_error_clear(&err);
	assert_int_equal(run_hostile(reg, "rep_double", "",
				     "local s = 'x' while true do s = s .. s end", &err), BA_ELIMIT);

	ba_error_clear(&err);
	assert_int_equal(run_hostile(reg, "concat_giant", "",
				     "local t = {} for i = 1, 1e8 do t[i] = 'abcdefgh' end local s = table.concat(t)", &err),
			 BA_ELIMIT);
	assert_registry_healthy(reg);
	ba_gen_registry_free(reg);
}

static void test_deep_recursion_stopped(void **state)
{
	ba_gen_registry *reg = new_reg();
	ba_error err = BA_ERROR_INIT;
	(void)state;

	assert_int_equal(run_hostile(reg, "deep", "", "local function f(n) return f(n + 1) + 1 end f(1)", &err),
			 BA_ELIMIT);
	assert_non_null(strstr(err.msg, "generator deep"));
	/* recursion through C (pcall) hits the C-stack limit: an error, not a crash */
	ba_error_clear(&err);
	assert_int_not_equal(run_hostile(reg, "deep_c", "", "local function f() return pcall(f) end local ok = f() error('x')", &err),
			     0);
	ba_error_clear(&err);
	assert_int_not_equal(run_hostile(reg, "deep_meta", "",
					 "local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) return t[k] end local x = t.y",
					 &err), 0);
	assert_registry_healthy(reg);
	ba_gen_registry_free(reg);
}

static void test_binary_chunks_refused(void **state)
{
	ba_gen_registry *reg = new_reg();
	ba_error err = BA_ERROR_INIT;
	const char bin[] = "\x1bLua\x54\x00\x19\x93\r\n\x1a\n";
	json_t *item = NULL;
	char *src;
	(void)state;

	assert_int_not_equal(ba_gen_registry_add_source(reg, "binary", bin, sizeof(bin) - 1, &err), 0);
	assert_non_null(strstr(err.msg, "binary"));

	/* load() inside the sandbox refuses binary text too */
	src = script("loadbin", "", "");
	free(src);
	if (asprintf(&src, "return { name = 'loadbin', description = 'x', answer_type = 'short',\n"
			   " levels = {'1','2','3','4','5'}, generate = function(rng, d)\n"
			   " local f, msg = load(string.char(27) .. 'Lua' .. string.rep('x', 30))\n"
			   " return { question = tostring(f) .. ' ' .. tostring(msg) .. rng:int(1, 9), answer = 'a' } end }") < 0)
		abort();
	assert_int_equal(ba_gen_registry_add_source(reg, "loadbin", src, strlen(src), &err), 0);
	free(src);
	assert_int_equal(ba_gen_generate(reg, "loadbin", 1, 1, NULL, &item, &err), 0);
	assert_non_null(strstr(ba_json_str(item, "question", ""), "binary chunk"));
	assert_non_null(strstr(ba_json_str(item, "question", ""), "nil"));
	json_decref(item);
	ba_gen_registry_free(reg);
}

static void test_metatable_tricks(void **state)
{
	static const char *const bodies[] = {
		"getmetatable('').__index.rep = nil",
		"setmetatable(string, {})",
		"string.format = nil",
		"getmetatable(string).__index = {}",
		"draw.canvas = nil",
		"util.verify = function() return 1 end",
		"math.floor = function() return 0 end",
		"table.insert = nil",
		"getmetatable(_ENV).__index = {}",
		"rng.int = nil",
		"getmetatable(rng).__index.int = nil",
		NULL
	};
	ba_gen_registry *reg = new_reg();
	json_t *item = NULL;
	ba_error err = BA_ERROR_INIT;
	char *src;
	int i;
	(void)state;

	for (i = 0; bodies[i]; i++) {
		char name[32];
		snprintf(name, sizeof(name), "meta_%d", i);
		ba_error_clear(&err);
		assert_int_not_equal(run_hostile(reg, name, "", bodies[i], &err), 0);
		assert_non_null(strstr(err.msg, name));
	}
	/* a script may change its own globals, which nobody else sees */
	if (asprintf(&src, "string = nil\nmath = {}\nreturn { name = 'own_env', description = 'x', answer_type = 'short',\n"
			   " levels = {'1','2','3','4','5'}, generate = function(rng, d)\n"
			   " return { question = 'q' .. rng:int(1, 9), answer = 'a' } end }") < 0)
		abort();
	assert_int_equal(ba_gen_registry_add_source(reg, "own_env", src, strlen(src), &err), 0);
	free(src);
	assert_int_equal(ba_gen_generate(reg, "own_env", 1, 1, NULL, &item, &err), 0);
	json_decref(item);
	/* string methods and the util library still work for everyone */
	assert_registry_healthy(reg);
	ba_gen_registry_free(reg);
}

static void test_pattern_bomb_refused(void **state)
{
	ba_gen_registry *reg = new_reg();
	ba_error err = BA_ERROR_INIT;
	(void)state;

	assert_int_not_equal(run_hostile(reg, "pattern", "",
					 "local s = string.rep('a', 20000) local x = s:find('.-.-.-.-b')", &err), 0);
	assert_non_null(strstr(err.msg, "pattern too costly"));
	ba_gen_registry_free(reg);
}

static void test_bad_contracts(void **state)
{
	static const struct { const char *src, *want; } cases[] = {
		{ "return 42", "must return a table" },
		{ "return { description = 'x', answer_type = 'short', levels = {'1','2','3','4','5'}, generate = function() end }", "'name'" },
		{ "return { name = 'Bad Name', description = 'x', answer_type = 'short', levels = {'1','2','3','4','5'}, generate = function() end }", "a-z" },
		{ "return { name = 'x1', description = 'x', answer_type = 'essay', levels = {'1','2','3','4','5'}, generate = function() end }", "answer_type" },
		{ "return { name = 'x2', description = 'x', answer_type = 'short', levels = {'1','2'}, generate = function() end }", "at least 5 levels" },
		{ "return { name = 'x3', description = 'x', answer_type = 'short', levels = {'1','2','3','4','5'} }", "'generate'" },
		{ "return { name = 'arithmetic_word_problems', description = 'x', answer_type = 'short', levels = {'1','2','3','4','5'}, generate = function() end }", "already exists" },
		{ "return {", "expected" },
		{ NULL, NULL }
	};
	ba_gen_registry *reg = new_reg();
	size_t before = ba_gen_count(reg);
	int i;
	(void)state;

	for (i = 0; cases[i].src; i++) {
		ba_error err = BA_ERROR_INIT;
		assert_int_not_equal(ba_gen_registry_add_source(reg, "contract", cases[i].src, strlen(cases[i].src), &err), 0);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %d: '%s' does not mention '%s'", i, err.msg, cases[i].want);
	}
	assert_int_equal(ba_gen_count(reg), before);
	ba_gen_registry_free(reg);
}

static void test_bad_items(void **state)
{
	static const struct { const char *ret, *want; } cases[] = {
		{ "{ answer = 'a' }", "question" },
		{ "{ question = 'q' }", "answer" },
		{ "{ question = 'q', answer = 'x', choices = {'a', 'b'} }", "neither a choice letter" },
		{ "{ question = 'q', answer = 'A', choices = {'a', 'a'} }", "the same" },
		{ "{ question = 'q', answer = 'a', metadata = 5 }", "metadata" },
		{ "{ question = 'q', answer = 'a', extra = function() end }", "cannot go into an item" },
		{ "{ question = 'q', answer = 0/0 }", "not finite" },
		{ "{ question = 'q\\255', answer = 'a' }", "UTF-8" },
		{ "'nope'", "must return a table" },
		{ NULL, NULL }
	};
	ba_gen_registry *reg = new_reg();
	int i;
	(void)state;

	for (i = 0; cases[i].ret; i++) {
		ba_error err = BA_ERROR_INIT;
		char name[32], *src;
		json_t *item = NULL;
		snprintf(name, sizeof(name), "bad_item_%d", i);
		if (asprintf(&src, "return { name = '%s', description = 'x', answer_type = 'short',\n"
				   " levels = {'1','2','3','4','5'}, generate = function(rng, d) return %s end }", name,
			     cases[i].ret) < 0)
			abort();
		assert_int_equal(ba_gen_registry_add_source(reg, name, src, strlen(src), &err), 0);
		free(src);
		assert_int_not_equal(ba_gen_generate(reg, name, 1, 1, NULL, &item, &err), 0);
		assert_null(item);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %d: '%s' does not mention '%s'", i, err.msg, cases[i].want);
	}
	ba_gen_registry_free(reg);
}

static void test_choice_items_and_verify(void **state)
{
	const char *src =
		"return { name = 'pick', description = 'x', answer_type = 'choice', levels = {'1','2','3','4','5'},\n"
		" generate = function(rng, d)\n"
		"   local c, letter = util.make_choices(rng, 'Paris', {'Rome', 'Oslo', 'Lima'})\n"
		"   return { question = 'Capital of France? ' .. rng:int(1, 1000), choices = c, answer = 'Paris' } end }";
	ba_gen_registry *reg = new_reg();
	ba_error err = BA_ERROR_INIT;
	json_t *item = NULL;
	double s = -1;
	char resp[64];
	const char *letter;
	(void)state;

	assert_int_equal(ba_gen_registry_add_source(reg, "pick", src, strlen(src), &err), 0);
	assert_int_equal(ba_gen_generate(reg, "pick", 7, 2, NULL, &item, &err), 0);
	letter = ba_json_str(item, "answer", "");
	assert_int_equal(strlen(letter), 1);
	assert_string_equal(ba_json_str(item, "answer_text", ""), "Paris");
	assert_int_equal(ba_gen_verify(reg, "pick", item, letter, &s, &err), 0);
	assert_true(s == 1);
	snprintf(resp, sizeof(resp), "The answer is (%s).", letter);
	assert_int_equal(ba_gen_verify(reg, "pick", item, resp, &s, &err), 0);
	assert_true(s == 1);
	assert_int_equal(ba_gen_verify(reg, "pick", item, "paris", &s, &err), 0);
	assert_true(s == 1);
	assert_int_equal(ba_gen_verify(reg, "pick", item, "Rome", &s, &err), 0);
	assert_true(s == 0);
	snprintf(resp, sizeof(resp), "%c", letter[0] == 'A' ? 'B' : 'A');
	assert_int_equal(ba_gen_verify(reg, "pick", item, resp, &s, &err), 0);
	assert_true(s == 0);
	json_decref(item);
	ba_gen_registry_free(reg);
}

static void test_check_source_for_agents(void **state)
{
	const char *good =
		"return { name = 'agent_add', description = 'add', answer_type = 'numeric', levels = {'1','2','3','4','5'},\n"
		" generate = function(rng, d) print('ignored') local a, b = rng:int(1, 10 ^ d), rng:int(1, 10 ^ d)\n"
		" return { question = a .. ' + ' .. b .. '?', answer = a + b, metadata = { complexity = d } } end,\n"
		" solver = [[ return function(v) local a, b = v.question:match('^(%d+) %+ (%d+)%?$')\n"
		"   return tonumber(a) + tonumber(b) end ]] }";
	const char *bad = "return { name = 'agent_bad', description = 'x', answer_type = 'numeric', levels = {'1','2','3','4','5'},\n"
			  " generate = function(rng, d) return { question = 'same', answer = 1 } end }";
	json_t *rep = NULL;
	ba_error err = BA_ERROR_INIT;
	(void)state;

	assert_int_equal(ba_gen_check_source("agent:st1", good, strlen(good), 50, &rep, &err), 0);
	assert_true(ba_json_bool(rep, "passed", 0));
	json_decref(rep);
	assert_int_equal(ba_gen_check_source("agent:st2", bad, strlen(bad), 50, &rep, &err), 0);
	assert_false(ba_json_bool(rep, "passed", 0));
	assert_true(json_array_size(json_object_get(rep, "failures")) >= 2);
	json_decref(rep);
	assert_int_not_equal(ba_gen_check_source("agent:st3", "return {", 8, 50, &rep, &err), 0);
	assert_non_null(strstr(err.msg, "agent:st3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_os_io_require),
		cmocka_unit_test(test_infinite_loops_stopped),
		cmocka_unit_test(test_memory_bombs_stopped),
		cmocka_unit_test(test_deep_recursion_stopped),
		cmocka_unit_test(test_binary_chunks_refused),
		cmocka_unit_test(test_metatable_tricks),
		cmocka_unit_test(test_pattern_bomb_refused),
		cmocka_unit_test(test_bad_contracts),
		cmocka_unit_test(test_bad_items),
		cmocka_unit_test(test_choice_items_and_verify),
		cmocka_unit_test(test_check_source_for_agents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
