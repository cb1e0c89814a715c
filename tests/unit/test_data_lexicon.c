/*
 * test_data_lexicon.c - query expansion from WordNet (wordnet-base, which
 * scripts/install-deps.sh installs): synonyms, hypernyms and related
 * forms of a word's first senses; inflected forms found; a missing
 * WordNet folder is a clear BA_ENOTFOUND; ba_text_expand adds the words
 * with the given weight and never lowers a term's weight.
 */
#include "support.h"
#include "benchagent/json.h"
#include "benchagent/pool.h"

#include <string.h>

static int has(const json_t *arr, const char *w)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), w))
			return 1;
	return 0;
}

static json_t *related(const char *w)
{
	json_t *out = json_array();
	ba_lexicon_related(ba_lexicon_default(), w, 2, out);
	return out;
}

static void test_related(void **state)
{
	json_t *r;

	(void)state;
	assert_non_null(ba_lexicon_default());
	r = related("automobile");
	assert_true(has(r, "car"));
	json_decref(r);
	r = related("timetable");
	assert_true(has(r, "schedule"));
	json_decref(r);
	r = related("raptor"); /* a hypernym */
	assert_true(has(r, "bird"));
	json_decref(r);
	r = related("collapsed"); /* an inflected verb */
	assert_true(has(r, "collapse") || has(r, "fall down"));
	json_decref(r);
	r = related("zzqxv");
	assert_int_equal(json_array_size(r), 0);
	json_decref(r);
}

static void test_expand_and_missing(void **state)
{
	ba_lexicon *lx = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *q = json_object();

	(void)state;
	assert_int_equal(ba_lexicon_open(&lx, "/nonexistent-wordnet", &err), BA_ENOTFOUND);
	assert_null(lx);
	assert_non_null(strstr(err.msg, "wordnet-base"));
	json_object_set_new(q, "car", json_real(2.0));
	ba_text_expand(q, "Which company manufactured the automobile?", 0.35, NULL, NULL);
	assert_true(json_number_value(json_object_get(q, "car")) == 2.0); /* kept its higher weight */
	assert_non_null(json_object_get(q, "motorcar"));
	assert_true(json_number_value(json_object_get(q, "motorcar")) == 0.35);
	json_decref(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_related),
		cmocka_unit_test(test_expand_and_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
