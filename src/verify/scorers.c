/*
 * scorers.c - the table of scorers: one X(name) a scorer, naming the
 * `const ba_scorer ba_scorer_<name>` its file defines (the built-in ones
 * are in score.c). A new scorer is a function and its ba_scorer plus its
 * line here. BA_TEST_SCORERS holds the lines only the test build compiles
 * in (tests/toys/).
 */
#include "benchagent/score.h"

#include <string.h>

#ifdef BA_TEST_TOYS
#define BA_TEST_SCORERS X(toy)
#else
#define BA_TEST_SCORERS
#endif

#define BA_SCORERS X(choice) X(numeric) X(binary) X(text) X(set) X(list) X(time) X(clock12) X(date) X(cell) \
	BA_TEST_SCORERS

#define X(name) extern const ba_scorer ba_scorer_##name;
BA_SCORERS
#undef X

static const ba_scorer *const scorers[] = {
#define X(name) &ba_scorer_##name,
	BA_SCORERS
#undef X
};

size_t ba_score_count(void)
{
	return sizeof(scorers) / sizeof(scorers[0]);
}

const ba_scorer *ba_score_at(size_t i)
{
	return i < ba_score_count() ? scorers[i] : NULL;
}

const ba_scorer *ba_score_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < ba_score_count(); i++)
		if (!strcmp(scorers[i]->name, name))
			return scorers[i];
	return NULL;
}
