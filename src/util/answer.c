/*
 * answer.c - the table of answer types (include/benchagent/answer.h).
 */
#include "benchagent/answer.h"

#include <string.h>

const char *const ba_answer_types[] = { BA_ANSWER_TYPES(BA_ANSWER_STR_, BA_ANSWER_COMMA_), NULL };

int ba_answer_type_known(const char *s)
{
	size_t i;

	for (i = 0; s && ba_answer_types[i]; i++)
		if (!strcmp(s, ba_answer_types[i]))
			return 1;
	return 0;
}
