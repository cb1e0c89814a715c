/*
 * test_exec_metadata.c - the type-B tool metadata_question: a question
 * from the role that names the target, distractors from other samples'
 * values of the same field with the key's type, seeded; too few fitting
 * values is an error, not a padded item.
 */
#include "support.h"
#include "benchagent/exec.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *run(const char *draft, const char *args, uint64_t seed, int *rc, char *msg)
{
	ba_tool_ctx ctx;
	ba_error err = BA_ERROR_INIT;
	json_t *in = json_loads(draft, 0, NULL), *a = json_loads(args, 0, NULL), *out = NULL;

	assert_non_null(in);
	assert_non_null(a);
	memset(&ctx, 0, sizeof(ctx));
	ctx.seed = seed;
	ctx.purpose = "ask for the car brand";
	*rc = ba_tool_run(&ctx, "metadata_question", a, in, &out, &err);
	if (msg)
		snprintf(msg, 1024, "%s", err.msg);
	json_decref(in);
	json_decref(a);
	return out;
}

#define CARS "{\"question\":\"recognize the brand of the car in the image\",\"answer\":\"Volvo\"," \
	"\"media\":[{\"type\":\"image\",\"path\":\"media/x.png\"}],\"aux\":{\"answer_pool\":[\"Acura\"," \
	"\"volvo\",\"1998\",\"BMW\",\"Mercedes-Benz\",\"[1, 2, 3, 4]\",\"The car in the picture is a red one.\"," \
	"\"Audi\",\"Volvo Cars\",\"Kia\",\"Tesla\"]}}"

static void test_names(void **state)
{
	static const char *const allowed[] = { "Acura", "BMW", "Mercedes-Benz", "Audi", "Kia", "Tesla", NULL };
	json_t *o, *o2, *o3, *c;
	size_t i;
	int rc, k, ok, differ = 0;
	uint64_t s;

	(void)state;
	o = run(CARS, "{}", 1, &rc, NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(ba_json_str(o, "question", ""), "Which car brand matches the image?");
	assert_string_equal(ba_json_str(o, "answer", ""), "A");
	assert_string_equal(ba_json_str(o, "answer_text", ""), "Volvo");
	assert_int_equal(json_array_size(json_object_get(o, "choices")), 4);
	json_array_foreach(json_object_get(o, "choices"), i, c) {
		if (i == 0)
			continue;
		/* names only: no year, box, sentence, the key in other case, or a text containing it */
		for (ok = 0, k = 0; allowed[k]; k++)
			ok |= !strcmp(json_string_value(c), allowed[k]);
		assert_true(ok);
	}
	o2 = run(CARS, "{}", 1, &rc, NULL); /* seeded: the same unit gives the same item */
	assert_true(json_equal(o, o2));
	for (s = 2; s < 12; s++) {
		o3 = run(CARS, "{\"n\":2}", s, &rc, NULL);
		assert_int_equal(rc, 0);
		assert_int_equal(json_array_size(json_object_get(o3, "choices")), 3);
		differ |= !json_equal(json_array_get(json_object_get(o3, "choices"), 1),
				      json_array_get(json_object_get(o, "choices"), 1));
		json_decref(o3);
	}
	assert_true(differ); /* other seeds pick other distractors */
	json_decref(o);
	json_decref(o2);
}

static void test_types_and_shortage(void **state)
{
	char msg[1024];
	json_t *o, *c;
	size_t i;
	int rc;

	(void)state;
	/* a numeric key gets numeric distractors */
	o = run("{\"question\":\"x\",\"answer\":\"42\",\"aux\":{\"answer_pool\":[\"7\",\"Audi\",\"13.5\",\"99\","
		"\"two\"]}}", "{\"asks_for\":\"count\"}", 3, &rc, NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(ba_json_str(o, "question", ""), "Which count is correct?");
	json_array_foreach(json_object_get(o, "choices"), i, c)
		assert_true(strtod(json_string_value(c), NULL) > 0);
	json_decref(o);
	/* a dialogue that came in as the question is kept, as the context */
	o = run("{\"question\":\"A: Hi.\\nB: Hello, how are you?\",\"answer\":\"Fine, thanks.\",\"aux\":{\"answer_pool\":"
		"[\"See you tomorrow.\",\"It is raining again.\",\"I lost my keys.\",\"Not at all.\"]}}",
		"{\"asks_for\":\"reply that comes next\"}", 3, &rc, NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(ba_json_str(o, "context", ""), "A: Hi.\nB: Hello, how are you?");
	assert_string_equal(ba_json_str(o, "question", ""), "Which reply that comes next matches the text above?");
	json_decref(o);
	/* not enough values of the key's type: refused, never padded */
	o = run("{\"question\":\"x\",\"answer\":\"Volvo\",\"aux\":{\"answer_pool\":[\"1\",\"2\",\"Kia\"]}}", "{}", 1,
		&rc, msg);
	assert_int_not_equal(rc, 0);
	assert_null(o);
	assert_non_null(strstr(msg, "only 1 other value"));
	o = run("{\"question\":\"x\",\"answer\":\"\"}", "{}", 1, &rc, msg);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(msg, "no value for the target"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_types_and_shortage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
