/*
 * score_toy.c - a toy scorer, compiled in only by the test build (its
 * line: BA_TEST_SCORERS in src/verify/scorers.c): the answer read
 * backwards is the key ("cba" matches "abc").
 */
#include "benchagent/score.h"

#include <string.h>

static int score_toy(const json_t *item, const char *gold, const char *answer)
{
	size_t n = strlen(answer), i;

	(void)item;
	if (n != strlen(gold) || n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (answer[n - 1 - i] != gold[i])
			return 0;
	return 1;
}

const ba_scorer ba_scorer_toy = { "toy", "toy", score_toy, "the answer read backwards is the key" };
