/*
 * prompt_forms.c - the one reader of what a prompt writes inline, read the
 * way an examinee would see it. The pool's prompts name another field of
 * their sample as a template slot ("<<<raw_text>>>\n\nWhich pair ...") and
 * carry their own options in three forms: lettered lines ("A. ...\nB. ...
 * \n\nChoose A, B, C, or D."), a closing label list ("The possible relation
 * types are: AFTER, BEFORE, ...") and a bracket list ("The candidate
 * choices are ['a', 'b']."). Left as they are, a slot shows the examinee
 * the marker instead of the text, and an item whose stem lists options
 * A-D has four bare letters as choices. Draft time (dataset.c, draft.c)
 * and tool time (tools_choice.c: choice_shuffle, answer_normalize) call
 * the entry points of prompt_forms.h; nothing else in the executor parses
 * these forms. The verifier reads option lines with code of its own on
 * purpose (src/verify/checks.c: a check must not share the parser it
 * checks).
 */
#include "prompt_forms.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SLOT_OPEN "<<<"
#define SLOT_CLOSE ">>>"
#define SLOT_NAME_MAX 64
#define OPTIONS_MAX 26

/* The sample's value for a slot name: a top-level key or a key of one of
 * the sample's top-level objects (input, output, ...). Borrowed. */
static const json_t *slot_value(const json_t *raw, const char *name)
{
	const char *k;
	json_t *v, *in;

	if ((v = json_object_get(raw, name)) && json_is_string(v))
		return v;
	json_object_foreach((json_t *)raw, k, in)
		if (json_is_object(in) && (v = json_object_get(in, name)) && json_is_string(v))
			return v;
	return NULL;
}

/* Whether another role of the item already shows this text. */
static int shown_elsewhere(const json_t *fields, const char *self, const char *text)
{
	const char *role;
	json_t *v;

	json_object_foreach((json_t *)fields, role, v)
		if (strcmp(role, self) && json_is_string(v) && !strcmp(json_string_value(v), text))
			return 1;
	return 0;
}

/* text with its slots filled: a slot whose text another role shows is
 * removed (with the punctuation and space that followed it), any other
 * slot is replaced by its text; a slot the sample does not have stays.
 * NULL when the text has no slot. */
static char *fill_slots(const char *text, const json_t *raw, const json_t *fields, const char *role)
{
	ba_buf b = BA_BUF_INIT(8 << 20);
	const char *p = text, *o;

	if (!strstr(text, SLOT_OPEN))
		return NULL;
	while ((o = strstr(p, SLOT_OPEN))) {
		const char *c = strstr(o + 3, SLOT_CLOSE);
		char name[SLOT_NAME_MAX];
		const json_t *v;
		size_t n = c ? (size_t)(c - o - 3) : 0;

		if (!c || n == 0 || n >= sizeof name) {
			ba_buf_append(&b, p, (size_t)(o - p) + 3);
			p = o + 3;
			continue;
		}
		memcpy(name, o + 3, n);
		name[n] = 0;
		ba_buf_append(&b, p, (size_t)(o - p));
		p = c + 3;
		v = slot_value(raw, name);
		if (!v) {
			ba_buf_append(&b, o, (size_t)(p - o));
		} else if (shown_elsewhere(fields, role, json_string_value(v))) {
			while (*p == '.' || *p == ':' || isspace((unsigned char)*p))
				p++;
		} else {
			ba_buf_puts(&b, json_string_value(v));
		}
	}
	ba_buf_puts(&b, p);
	return ba_buf_detach(&b);
}

void ba_exec_fill_slots(json_t *fields, const json_t *raw)
{
	json_t *keys = json_array(), *k;
	size_t i;
	const char *role;
	json_t *v;

	json_object_foreach(fields, role, v)
		if (json_is_string(v))
			json_array_append_new(keys, json_string(role));
	json_array_foreach(keys, i, k) {
		const char *r = json_string_value(k);
		char *t = fill_slots(json_string_value(json_object_get(fields, r)), raw, fields, r);
		if (t)
			json_object_set_new(fields, r, json_string(t));
		free(t);
	}
	json_decref(keys);
}

/* Start of the line holding p (the text's start or after a newline). */
static int line_start(const char *text, const char *p)
{
	return p == text || p[-1] == '\n';
}

const char *ba_exec_option_label(const char *p, char want)
{
	if (p[0] == '(' && p[1] == want && p[2] == ')' && p[3] == ' ')
		return p + 4;
	if (p[0] == want && (p[1] == '.' || p[1] == ')') && p[2] == ' ')
		return p + 3;
	return NULL;
}

/* A trailing instruction naming the letters ("Choose A, B, C, or D.",
 * "Answer with the letter."): the end of the stem's useful text. */
static int letter_instruction(const char *line)
{
	static const char *const heads[] = { "choose ", "answer with", "select ", "pick ", "respond with", NULL };
	int i;
	for (i = 0; heads[i]; i++)
		if (!strncasecmp(line, heads[i], strlen(heads[i])))
			return 1;
	return 0;
}

int ba_exec_lettered_options(const char *text, char **stem, json_t **choices)
{
	const char *p, *first = NULL, *end;
	json_t *opts;
	char want = 'A';

	*stem = NULL;
	*choices = NULL;
	for (p = text; (p = strstr(p, "A")); p++)
		if (line_start(text, p) && ba_exec_option_label(p, 'A')) {
			first = p;
			break;
		}
	if (!first)
		return 0;
	opts = json_array();
	p = first;
	while (want - 'A' < OPTIONS_MAX && line_start(text, p) && ba_exec_option_label(p, want)) {
		const char *t = ba_exec_option_label(p, want), *nl = strchr(t, '\n');
		size_t n = nl ? (size_t)(nl - t) : strlen(t);
		while (n > 0 && isspace((unsigned char)t[n - 1]))
			n--;
		json_array_append_new(opts, json_stringn(t, n));
		p = nl ? nl + 1 : t + strlen(t);
		want++;
	}
	/* what follows the options may only be blank lines and a letter instruction */
	for (end = p; *end; end++)
		if (!isspace((unsigned char)*end))
			break;
	if (json_array_size(opts) < 2 || (*end && !letter_instruction(end)) || (*end && strchr(end, '\n') &&
	    strspn(strchr(end, '\n'), " \t\r\n") != strlen(strchr(end, '\n')))) {
		json_decref(opts);
		return 0;
	}
	{
		size_t n = (size_t)(first - text);
		while (n > 0 && isspace((unsigned char)text[n - 1]))
			n--;
		*stem = ba_strndup(text, n);
	}
	*choices = opts;
	return 1;
}

/* One label of a list: a single token of letters, digits, '_' or '-'. */
static int label_token(const char *s, size_t n)
{
	size_t i;
	if (n == 0 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

int ba_exec_listed_labels(const char *text, const char *answer, char **stem, json_t **choices)
{
	const char *p = text, *colon;

	*stem = NULL;
	*choices = NULL;
	/* the last "...: L1, L2, ..., Ln." sentence of the text */
	while ((colon = strstr(p, ": "))) {
		const char *q = colon + 2, *end = strpbrk(q, ".\n"), *s;
		json_t *labels = json_array();
		int has = 0;
		size_t n;

		p = colon + 1;
		if (!end)
			end = q + strlen(q);
		for (s = q; s < end;) {
			const char *c = memchr(s, ',', (size_t)(end - s));
			size_t len = (size_t)((c ? c : end) - s);
			if (!label_token(s, len))
				break;
			json_array_append_new(labels, json_stringn(s, len));
			has |= strlen(answer) == len && !strncmp(s, answer, len);
			s = c ? c + 1 : end;
			while (s < end && *s == ' ')
				s++;
		}
		if (s == end && has && json_array_size(labels) >= 3 && strspn(end, ". \t\r\n") == strlen(end)) {
			/* the stem is the text before the sentence: the list is the options */
			const char *head = colon;
			while (head > text && head[-1] != '.' && head[-1] != '\n')
				head--;
			n = (size_t)(head - text);
			while (n > 0 && isspace((unsigned char)text[n - 1]))
				n--;
			if (n == 0) {
				json_decref(labels);
				return 0;
			}
			*stem = ba_strndup(text, n);
			*choices = labels;
			return 1;
		}
		json_decref(labels);
	}
	return 0;
}

int ba_exec_bracket_choices(const char *text, char **stem, json_t **choices)
{
	const char *list = strstr(text, "choices are ["), *p, *sent;
	json_t *arr;
	size_t n;

	*stem = NULL;
	*choices = NULL;
	if (!list)
		return 0;
	p = list + strlen("choices are [");
	arr = json_array();
	while (*p && *p != ']') {
		char quote;
		const char *e;
		while (*p == ' ' || *p == ',')
			p++;
		if (*p != '\'' && *p != '"')
			break;
		quote = *p++;
		e = strchr(p, quote);
		if (!e)
			break;
		json_array_append_new(arr, json_stringn(p, (size_t)(e - p)));
		p = e + 1;
	}
	if (*p != ']' || json_array_size(arr) < 2) {
		json_decref(arr);
		return 0;
	}
	/* the stem: the text before the sentence that holds the list */
	for (sent = list; sent > text && sent[-1] != '.' && sent[-1] != '?'; sent--)
		;
	n = (size_t)(sent - text);
	while (n > 0 && isspace((unsigned char)text[n - 1]))
		n--;
	*stem = ba_strndup(text, n);
	*choices = arr;
	return 1;
}
