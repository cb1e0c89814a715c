/*
 * json.h - helpers over jansson: loading with file:line errors, canonical
 * serialisation for content hashes, typed getters, atomic writes, JSONL.
 */
#ifndef BA_JSON_H
#define BA_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "benchagent/error.h"

/* Load a JSON file (capped at max_bytes, 0 = 256 MiB). Errors name
 * "path:line:col: message". New reference on success. */
int ba_json_load_file(json_t **out, const char *path, size_t max_bytes, ba_error *err);
/* Parse a string; what names the source in errors. */
int ba_json_parse(json_t **out, const char *text, size_t len, const char *what, ba_error *err);
/* Canonical compact form: sorted keys, no spaces. Caller frees. */
char *ba_json_canonical(const json_t *j);
/* SHA-256 hex of the canonical form. */
void ba_json_hash(const json_t *j, char hex[65]);
/* Pretty form (2-space indent, keys in insertion order). Caller frees. */
char *ba_json_pretty(const json_t *j);
/* json_dumps(j, flags) with every real in its shortest form that reads
 * back as the same double (0.1 is "0.1", not jansson's %.17g
 * "0.10000000000000001"; 0.1+0.2 keeps its 17 digits). Used by
 * ba_json_pretty (so ba_json_write_file) and the benchmark writer. Caller
 * frees; NULL when jansson cannot encode j. */
char *ba_json_dumps(const json_t *j, size_t flags);
/* Write pretty JSON + newline to path atomically (tmp file, fsync, rename). */
int ba_json_write_file(const char *path, const json_t *j, ba_error *err);

/* Typed getters on objects: borrowed strings, defaults when absent/wrong type. */
const char *ba_json_str(const json_t *obj, const char *key, const char *def);
long long ba_json_int(const json_t *obj, const char *key, long long def);
double ba_json_num(const json_t *obj, const char *key, double def);
int ba_json_bool(const json_t *obj, const char *key, int def);
/* Dotted path lookup "a.b.0.c" (numbers index arrays). Borrowed or NULL. */
json_t *ba_json_path(const json_t *root, const char *dotted);

/* JSONL: read every line of a file; calls fn for each parsed object.
 * A malformed line fails with "path:LINE: message". fn returning non-zero stops. */
typedef int (*ba_jsonl_fn)(void *ud, json_t *obj, size_t lineno, ba_error *err);
int ba_jsonl_foreach(const char *path, ba_jsonl_fn fn, void *ud, ba_error *err);

#endif
