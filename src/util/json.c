/*
 * json.c - jansson helpers.
 */
#include "benchagent/json.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ba_json_parse(json_t **out, const char *text, size_t len, const char *what, ba_error *err)
{
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);

	*out = NULL;
	if (!j)
		return ba_error_set(err, BA_EINVAL, "%s:%d:%d: %s", what ? what : "<json>",
				    je.line, je.column, je.text);
	*out = j;
	return 0;
}

int ba_json_load_file(json_t **out, const char *path, size_t max_bytes, ba_error *err)
{
	ba_buf b;
	int rc;

	*out = NULL;
	ba_buf_init(&b, max_bytes ? max_bytes : (size_t)256 << 20);
	rc = ba_fs_read(path, &b, err);
	if (rc == 0)
		rc = ba_json_parse(out, ba_buf_cstr(&b), b.len, path, err);
	ba_buf_free(&b);
	return rc;
}

char *ba_json_canonical(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	return s ? s : ba_strdup("null");
}

void ba_json_hash(const json_t *j, char hex[65])
{
	char *s = ba_json_canonical(j);
	ba_sha256_hex(s, strlen(s), hex);
	free(s);
}

/* Shortest of %.15g..%.17g that gives back the same double, kept a real
 * (".0" added when it reads as an integer). */
static void shortest_real(double v, char *out, size_t n)
{
	int p;

	for (p = 15; p <= 17; p++) {
		snprintf(out, n, "%.*g", p, v);
		if (strtod(out, NULL) == v)
			break;
	}
	if (!strpbrk(out, ".eEn")) /* "n": nan/inf never reach JSON, but never append to them */
		strncat(out, ".0", n - strlen(out) - 1);
}

char *ba_json_dumps(const json_t *j, size_t flags)
{
	char *raw = json_dumps(j, flags | JSON_REAL_PRECISION(17)), *p;
	ba_buf b = BA_BUF_INIT((size_t)4 << 30);
	int in_str = 0;

	if (!raw)
		return NULL;
	/* rewrite each real token outside strings in its shortest exact form */
	for (p = raw; *p;) {
		if (in_str) {
			if (*p == '\\' && p[1]) {
				ba_buf_append(&b, p, 2);
				p += 2;
				continue;
			}
			in_str = *p != '"';
			ba_buf_append(&b, p++, 1);
		} else if (*p == '"') {
			in_str = 1;
			ba_buf_append(&b, p++, 1);
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			size_t n = strspn(p, "-+0123456789.eE");
			char tok[64], fmt[64];
			int real = n < sizeof(tok) && (memchr(p, '.', n) || memchr(p, 'e', n) || memchr(p, 'E', n));
			if (real) {
				memcpy(tok, p, n);
				tok[n] = '\0';
				shortest_real(strtod(tok, NULL), fmt, sizeof(fmt));
				ba_buf_puts(&b, fmt);
			} else {
				ba_buf_append(&b, p, n);
			}
			p += n;
		} else {
			ba_buf_append(&b, p++, 1);
		}
	}
	free(raw);
	return ba_buf_detach(&b);
}

char *ba_json_pretty(const json_t *j)
{
	char *s = ba_json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY);
	return s ? s : ba_strdup("null");
}

int ba_json_write_file(const char *path, const json_t *j, ba_error *err)
{
	char *s = ba_json_pretty(j);
	size_t n = strlen(s);
	int rc;

	s = ba_realloc(s, n + 2);
	s[n] = '\n';
	s[n + 1] = '\0';
	rc = ba_fs_write_atomic(path, s, n + 1, err);
	free(s);
	return rc;
}

const char *ba_json_str(const json_t *obj, const char *key, const char *def)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : def;
}

long long ba_json_int(const json_t *obj, const char *key, long long def)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	return def;
}

double ba_json_num(const json_t *obj, const char *key, double def)
{
	json_t *v = json_object_get(obj, key);
	return json_is_number(v) ? json_number_value(v) : def;
}

int ba_json_bool(const json_t *obj, const char *key, int def)
{
	json_t *v = json_object_get(obj, key);
	return json_is_boolean(v) ? json_is_true(v) : def;
}

json_t *ba_json_path(const json_t *root, const char *dotted)
{
	json_t *cur = (json_t *)root;
	char part[256];
	const char *p = dotted, *dot;
	size_t n;

	if (!dotted || !*dotted)
		return cur;
	while (cur && *p) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		if (json_is_object(cur)) {
			cur = json_object_get(cur, part);
		} else if (json_is_array(cur)) {
			char *end;
			long idx = strtol(part, &end, 10);
			if (*end || idx < 0)
				return NULL;
			cur = json_array_get(cur, (size_t)idx);
		} else {
			return NULL;
		}
		p += n;
		if (*p == '.')
			p++;
	}
	return cur;
}

int ba_jsonl_foreach(const char *path, ba_jsonl_fn fn, void *ud, ba_error *err)
{
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f)
		return ba_error_set(err, BA_EIO, "%s: cannot open: %m", path);
	while ((n = getline(&line, &cap, f)) >= 0) {
		json_t *obj;
		json_error_t je;
		size_t i;

		lineno++;
		for (i = 0; i < (size_t)n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r'); i++)
			;
		if (i == (size_t)n)
			continue;
		obj = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &je);
		if (!obj) {
			rc = ba_error_set(err, BA_EINVAL, "%s:%zu: %s", path, lineno, je.text);
			break;
		}
		rc = fn(ud, obj, lineno, err);
		json_decref(obj);
		if (rc)
			break;
	}
	free(line);
	fclose(f);
	return rc;
}
