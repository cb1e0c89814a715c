/*
 * test_exec_genwrite.c - agent-written generators: a program that fails
 * gen check is refused and the checker's failures go back to the model;
 * the fixed program passes, travels inside the plan, and the executor
 * builds verified items from it; eval/refresh registries load it back
 * from the benchmark folder.
 */
#include "support.h"
#include "benchagent/config.h"
#include "benchagent/exec.h"
#include "benchagent/fs.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/plan.h"
#include "benchagent/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A generator that breaks the rules: the same answer on every item. */
static const char bad_lua[] =
	"return { name = 'triangle_sides', description = 'Triangle sides.', tags = {'geometry'},\n"
	"  answer_type = 'numeric', levels = {'1','2','3','4','5'},\n"
	"  generate = function(rng, d) local a = rng:int(1, 1000)\n"
	"    return { question = 'Is ' .. a .. ' a number? Answer 7.', answer = 7 } end,\n"
	"  verify = util.verify }\n";

/* The fixed one: the third side of a triangle from its perimeter. */
static const char good_lua[] =
	"return { name = 'triangle_sides', description = 'Find the missing side of a triangle from its perimeter.',\n"
	"  tags = {'geometry', 'perimeter', 'triangle'}, answer_type = 'numeric',\n"
	"  levels = {'sides up to 10', 'up to 50', 'up to 200', 'up to 1000', 'up to 5000'},\n"
	"  generate = function(rng, d)\n"
	"    local hi = ({10, 50, 200, 1000, 5000})[d]\n"
	"    local a, b = rng:int(2, hi), rng:int(2, hi)\n"
	"    local c = rng:int(math.abs(a - b) + 1, a + b - 1)\n"
	"    return { question = string.format('A triangle has sides %d and %d and perimeter %d. How long is the third side? Answer with a number.', a, b, a + b + c),\n"
	"      answer = c, explanation = string.format('%d - %d - %d = %d', a + b + c, a, b, c),\n"
	"      metadata = { complexity = d * 10 + math.log(hi) } }\n"
	"  end,\n"
	"  verify = util.verify,\n"
	"  solver = [[ return function(v)\n"
	"    local a, b, p = v.question:match('has sides (%d+) and (%d+) and perimeter (%d+)%.')\n"
	"    return tonumber(p) - tonumber(a) - tonumber(b) end ]] }\n";

static int calls;
static int saw_feedback;

static int mock_writer(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	const char *text = json_string_value(json_object_get(json_array_get(req->messages, 0), "content"));
	(void)ud; (void)seed;
	calls++;
	if (text && strstr(text, "Your previous program failed these checks") && strstr(text, "answers_spread"))
		saw_feedback = 1;
	resp->json = json_pack("{s:s,s:s,s:s}", "name", "triangle_sides", "lua", (calls == 1 || calls < 0) ? bad_lua : good_lua,
			       "rationale", "perimeter arithmetic");
	return 0;
}

static void genwrite__refused_then_fixed_then_built(void **state)
{
	char *ws = bt_tmpdir("genwrite"), *out;
	ba_store *st;
	ba_config *cfg;
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	json_t *subtask, *src = NULL, *history = json_array(), *plan, *manifest = NULL;
	ba_gen_registry *reg;
	int64_t run;
	char *items;
	(void)state;

	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	ba_mock_register("generator", mock_writer, NULL);
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	cfg = ba_config_default();
	assert_int_equal(ba_gateway_new(&gw, cfg, st, NULL, &err), 0);

	subtask = json_pack("{s:s,s:s,s:s,s:s}", "id", "st1", "name", "Triangle perimeter",
			    "description", "Find a missing side from the perimeter", "answer_type", "numeric");
	if (ba_plan_write_generator(gw, subtask, 3, 0, &src, history, &err) != 0)
		fail_msg("write: %s", err.msg);
	assert_int_equal(calls, 2);
	assert_true(saw_feedback);
	assert_int_equal(ba_json_int(src, "attempts", 0), 2);
	assert_string_equal(ba_json_str(src, "id", ""), "gen:triangle_sides");
	assert_string_equal(ba_json_str(src, "written_by", ""), "agent");
	assert_true(json_is_null(json_object_get(src, "capacity")));
	assert_string_equal(ba_json_str(json_array_get(history, 0), "action", ""), "write_generator_refused");
	assert_string_equal(ba_json_str(json_array_get(history, 1), "action", ""), "write_generator");

	/* a model that never gets it right: bounded, clear failure */
	{
		/* another subtask, so no reply comes from the call cache */
		json_t *none = NULL, *other = json_pack("{s:s,s:s,s:s}", "id", "st2", "name", "Other",
							  "answer_type", "numeric");
		calls = -100; /* always the bad program */
		assert_int_equal(ba_plan_write_generator(gw, other, 2, 0, &none, NULL, &err), BA_ESCHEMA);
		assert_null(none);
		assert_int_equal(calls, -98);
		json_decref(other);
		assert_non_null(strstr(err.msg, "no agent-written generator passed gen check in 2 attempts"));
		calls = 2;
	}

	/* the plan carries it; the executor builds from it */
	plan = json_pack("{s:i,s:{s:s,s:s,s:i},s:[O],s:[O],s:[{s:s,s:s,s:b,s:{},s:[{s:s,s:s}],s:{s:f,s:f,s:f,s:f,s:f,s:f}}],s:[{s:s,s:s,s:i,s:[i,i]}],s:b}",
			 "version", 1, "query", "id", "tri_v1", "description", "triangle sides", "target_size", 12,
			 "subtasks", subtask, "sources", src,
			 "groundings", "subtask", "st1", "source", "gen:triangle_sides", "accepted", 1, "field_map",
			 "transformation", "tool", "answer_normalize", "purpose", "numbers",
			 "scores", "alignment", 1.0, "coverage", 1.0, "simplicity", 1.0, "risk", 0.0, "llm_overall", 1.0, "final", 1.0,
			 "quotas", "subtask", "st1", "source", "gen:triangle_sides", "count", 12, "difficulty", 2, 4,
			 "mock", 1);
	assert_int_equal(ba_run_open(st, "build", "tri_v1", &run, &err), 0);
	out = ba_path_join(ws, "out/tri_v1");
	if (ba_exec_build(gw, st, cfg, plan, run, out, &manifest, &err) != 0)
		fail_msg("build: %s", err.msg);
	{
		char *p = ba_path_join(out, "items.jsonl");
		const char *q;
		int n = 0;
		items = bt_read(p);
		free(p);
		assert_non_null(items);
		for (q = items; (q = strchr(q, '\n')); q++)
			n++;
		assert_int_equal(n, 12);
		assert_non_null(strstr(items, "\"generator\":\"triangle_sides\""));
		assert_non_null(strstr(items, "How long is the third side?"));
		free(items);
	}
	/* eval / refresh load it back from the benchmark folder */
	assert_int_equal(ba_gen_registry_new(&reg, NULL, &err), 0);
	assert_null(ba_gen_find(reg, "triangle_sides"));
	assert_int_equal(ba_gen_registry_add_bench(reg, out, &err), 0);
	assert_non_null(ba_gen_find(reg, "triangle_sides"));
	ba_gen_registry_free(reg);

	json_decref(manifest);
	json_decref(plan);
	json_decref(src);
	json_decref(subtask);
	json_decref(history);
	free(out);
	ba_gateway_free(gw);
	ba_config_free(cfg);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
}

/* The planner asks for a generator when nothing grounds a subtask. */
static void genwrite__planner_falls_back_to_a_written_generator(void **state)
{
	char *ws = bt_tmpdir("genplan"), pool[1024];
	ba_store *st;
	ba_config *cfg;
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	json_t *query, *plan = NULL, *src;
	int64_t run;
	size_t i, written = 0;
	(void)state;

	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	calls = 1; /* every reply is the good program */
	ba_mock_register("generator", mock_writer, NULL);
	ba_plan_register_mocks();
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	cfg = ba_config_default();
	snprintf(pool, sizeof(pool), "%s/datasets/general-bench-subset", bt_shared());
	ba_config_add_pool(cfg, pool);
	/* no candidate can reach a final score above 1: nothing is accepted */
	cfg->grounding.accept_threshold = 1.0;
	cfg->generators.agent_write = 1;
	assert_int_equal(ba_gateway_new(&gw, cfg, st, NULL, &err), 0);
	query = json_pack("{s:s,s:s,s:i}", "id", "tri_plan", "description",
			  "Find the missing side of a triangle from its perimeter.", "target_size", 20);
	assert_int_equal(ba_run_open(st, "plan", "tri_plan", &run, &err), 0);
	if (ba_plan_make(gw, st, cfg, query, run, &plan, &err) != 0)
		fail_msg("plan: %s", err.msg);
	json_array_foreach(json_object_get(plan, "sources"), i, src)
		if (!strcmp(ba_json_str(src, "written_by", ""), "agent")) {
			written++;
			assert_non_null(strstr(ba_json_str(src, "lua", ""), "triangle"));
		}
	assert_true(written >= 1);
	assert_int_equal(ba_plan_validate(plan, &err), 0);
	json_decref(plan);
	json_decref(query);
	ba_gateway_free(gw);
	ba_config_free(cfg);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(genwrite__refused_then_fixed_then_built),
		cmocka_unit_test(genwrite__planner_falls_back_to_a_written_generator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
