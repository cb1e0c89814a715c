/*
 * answer.c - the text helpers every check shares: the normaliser, the
 * option letter of an answer, the answer text of an item or draft. They
 * live here (not in the executor's tools) so checks and tools both call
 * down into verify and never into each other.
 */
#include "verify_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *ba_verify_normalize(const char *s)
{
	size_t n = s ? strlen(s) : 0, o = 0;
	char *out = ba_malloc(n + 1);
	int sp = 0;

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c >= 0x80) {
			if (sp && o)
				out[o++] = ' ';
			sp = 0;
			out[o++] = (char)tolower(c);
		} else {
			sp = 1;
		}
	}
	out[o] = 0;
	return out;
}

/* Words in a ba_verify_normalize'd (single-space separated) text. */
size_t ba_verify_word_count(const char *norm)
{
	size_t n = 0;
	int in = 0;

	for (; *norm; norm++) {
		if (*norm != ' ' && !in)
			n++;
		in = *norm != ' ';
	}
	return n;
}

int ba_letter_index(const char *s)
{
	char c;

	if (!s)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '(')
		s++;
	if (!isalpha((unsigned char)*s))
		return -1;
	c = (char)toupper((unsigned char)*s);
	s++;
	if (*s == ')' || *s == '.' || *s == ':')
		s++;
	while (isspace((unsigned char)*s))
		s++;
	if (*s)
		return -1;
	return c - 'A';
}

const char *ba_draft_answer_text(const json_t *d)
{
	const char *at = ba_json_str(d, "answer_text", NULL), *a = ba_json_str(d, "answer", NULL);
	json_t *choices = json_object_get(d, "choices");
	int li;

	if (at && *at)
		return at;
	if (json_array_size(choices) > 0 && (li = ba_letter_index(a)) >= 0 &&
	    (size_t)li < json_array_size(choices))
		return json_string_value(json_array_get(choices, (size_t)li));
	return a;
}
