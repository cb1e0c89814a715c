/*
 * test_util_text.c - issue 12 item 7: text people read. Descriptions are
 * clipped at a word boundary with an ellipsis (never mid-word, never
 * mid-UTF-8); floats are written without noise (0.1, not
 * 0.10000000000000001) yet round-trip exactly; tiny values display as 0.
 */
#include "support.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/text.h"

#include <stdlib.h>
#include <string.h>

static void text__clip_at_word_boundary(void **state)
{
	char *c;
	(void)state;

	c = ba_text_clip("short text", 50);
	assert_string_equal(c, "short text");
	free(c);
	c = ba_text_clip("Items on arithmetic that test multistep reasoning", 30);
	assert_string_equal(c, "Items on arithmetic that\xe2\x80\xa6");
	assert_true(strlen(c) <= 30);
	free(c);
	/* no space: cut at a UTF-8 boundary */
	c = ba_text_clip("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8);
	assert_string_equal(c, "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
	free(c);
	/* trailing punctuation before the cut goes */
	c = ba_text_clip("alpha, beta gamma delta", 13);
	assert_string_equal(c, "alpha\xe2\x80\xa6");
	free(c);
}

static void text__floats_without_noise_and_exact(void **state)
{
	char *dir = bt_tmpdir("text"), *p = ba_path_join(dir, "plan.json"), *t;
	json_t *j = json_pack("{s:f,s:f,s:f,s:f}", "share", 0.1, "rate", 0.25, "odd", 0.1 + 0.2, "third", 1.0 / 3.0), *back = NULL;
	ba_error err = BA_ERROR_INIT;
	(void)state;

	assert_int_equal(ba_json_write_file(p, j, &err), 0);
	t = bt_read(p);
	assert_non_null(strstr(t, "\"share\": 0.1,"));
	assert_non_null(strstr(t, "\"rate\": 0.25,"));
	assert_null(strstr(t, "0.10000000000000001"));
	free(t);
	assert_int_equal(ba_json_load_file(&back, p, 0, &err), 0);
	/* every value comes back bit-identical */
	assert_true(json_real_value(json_object_get(back, "odd")) == 0.1 + 0.2);
	assert_true(json_real_value(json_object_get(back, "third")) == 1.0 / 3.0);
	assert_true(json_real_value(json_object_get(back, "share")) == 0.1);
	json_decref(back);
	json_decref(j);
	free(p);
	bt_rmrf(dir);
	free(dir);
}

static void text__snap_tiny_values(void **state)
{
	(void)state;
	assert_true(ba_text_snap(-3.3e-16) == 0.0);
	assert_true(ba_text_snap(0.25) == 0.25);
	assert_true(ba_text_snap(-0.01) == -0.01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text__clip_at_word_boundary),
		cmocka_unit_test(text__floats_without_noise_and_exact),
		cmocka_unit_test(text__snap_tiny_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
