/*
 * reasons.c - why units did not become items, grouped: "check: reason"
 * with the parts that vary per item (quoted text, numbers, unit keys)
 * masked, so 300 "duplicate of x:st1:..." become one line with a count.
 * Both build paths report their shortfall through these.
 */
#include "verify_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX 160

static void mask(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	char q = 0;

	for (; *in && o + 4 < cap; in++) {
		unsigned char c = (unsigned char)*in;
		if (q) {              /* inside a quote: drop until it closes */
			if (c == (unsigned char)q)
				q = 0;
			continue;
		}
		if (c == '\'' || c == '"') {
			q = (char)c;
			out[o++] = '\'';
			out[o++] = '.';
			out[o++] = '\'';
			continue;
		}
		if (isdigit(c)) {
			while (isdigit((unsigned char)in[1]) || in[1] == '.')
				in++;
			out[o++] = 'N';
			continue;
		}
		if (!strncmp(in, "x:", 2) || !strncmp(in, "st", 2)) {
			/* unit keys and subtask-prefixed keys: up to the next space */
			const char *sp = strpbrk(in, " :),");
			if (!strncmp(in, "x:", 2) || (sp && *sp == '/')) {
				while (in[1] && !isspace((unsigned char)in[1]) && in[1] != ')')
					in++;
				out[o++] = 'K';
				continue;
			}
		}
		out[o++] = (char)c;
	}
	out[o] = 0;
}

void ba_verify_count_reason(json_t *reasons, const char *check, const char *reason)
{
	char m[REASON_MAX], *key;

	if (!reasons)
		return;
	mask(reason ? reason : "", m, sizeof(m));
	key = ba_asprintf("%s: %s", check ? check : "?", m);
	json_object_set_new(reasons, key, json_integer(ba_json_int(reasons, key, 0) + 1));
	free(key);
}

void ba_verify_count_qc(json_t *reasons, const json_t *qc)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)qc, k, v)
		if (!strcmp(ba_json_str(v, "verdict", ""), "fail")) {
			ba_verify_count_reason(reasons, k, ba_json_str(v, "reason", "failed"));
			return;
		}
	ba_verify_count_reason(reasons, "verify", "rejected");
}

static int by_count(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	long long cx = ba_json_int(x, "count", 0), cy = ba_json_int(y, "count", 0);

	if (cx != cy)
		return cx < cy ? 1 : -1;
	return strcmp(ba_json_str(x, "reason", ""), ba_json_str(y, "reason", ""));
}

json_t *ba_verify_top_reasons(const json_t *reasons, size_t n)
{
	json_t **v, *out = json_array(), *c;
	size_t cnt = json_object_size(reasons), i = 0;
	const char *k;

	if (!cnt)
		return out;
	v = calloc(cnt, sizeof(*v));
	if (!v)
		return out;
	json_object_foreach((json_t *)reasons, k, c)
		v[i++] = json_pack("{s:s, s:I}", "reason", k, "count", (json_int_t)json_integer_value(c));
	qsort(v, cnt, sizeof(*v), by_count);
	for (i = 0; i < cnt; i++) {
		if (i < n)
			json_array_append(out, v[i]);
		json_decref(v[i]);
	}
	free(v);
	return out;
}
