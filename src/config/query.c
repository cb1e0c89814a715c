/*
 * query.c - the request a benchmark is built from: {id, description,
 * target_size}. One validator for every entry point (plan, build, the
 * offline generator path), so a query is accepted or refused the same way
 * everywhere.
 */
#include "benchagent/query.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

int ba_query_validate(const json_t *q, const char *what, ba_error *err)
{
	const json_t *v;
	const char *s;

	if (!json_is_object(q))
		return ba_error_set(err, BA_EINVAL, "%s: a query must be a JSON object "
				    "{\"id\", \"description\", \"target_size\"}", what);
	v = json_object_get(q, "description");
	if (!v)
		return ba_error_set(err, BA_EINVAL, "%s: description: missing (say what the benchmark "
				    "should measure)", what);
	if (!json_is_string(v))
		return ba_error_set(err, BA_EINVAL, "%s: description: expected a string", what);
	if (json_string_length(v) != strlen(json_string_value(v)))
		return ba_error_set(err, BA_EINVAL, "%s: description: contains a NUL character", what);
	for (s = json_string_value(v); *s == ' ' || *s == '\t' || *s == '\n'; s++)
		;
	if (!*s)
		return ba_error_set(err, BA_EINVAL, "%s: description: empty", what);
	if (strlen(json_string_value(v)) > 20000)
		return ba_error_set(err, BA_EINVAL, "%s: description: longer than 20000 characters", what);
	v = json_object_get(q, "id");
	if (!v)
		return ba_error_set(err, BA_EINVAL, "%s: id: missing (a short name for the benchmark)", what);
	/* "\u0000" would cut the id short wherever it is used as a C string */
	if (json_is_string(v) && json_string_length(v) != strlen(json_string_value(v)))
		return ba_error_set(err, BA_EINVAL, "%s: id: contains a NUL character", what);
	if (!json_is_string(v) || !*json_string_value(v) || strlen(json_string_value(v)) > 120)
		return ba_error_set(err, BA_EINVAL, "%s: id: expected a non-empty string of at most 120 "
				    "characters", what);
	{
		char *san = ba_path_sanitize(json_string_value(v));
		int same = !strcmp(san, json_string_value(v));
		free(san);
		if (!same || json_string_value(v)[0] == '.')
			return ba_error_set(err, BA_EINVAL, "%s: id: '%s' may only use letters, digits, "
					    "'.', '_' and '-' (it names the output folder)", what,
					    json_string_value(v));
	}
	v = json_object_get(q, "target_size");
	if (!v)
		return ba_error_set(err, BA_EINVAL, "%s: target_size: missing (number of items wanted)", what);
	if (!json_is_integer(v))
		return ba_error_set(err, BA_EINVAL, "%s: target_size: expected an integer", what);
	if (json_integer_value(v) < 1)
		return ba_error_set(err, BA_EINVAL, "%s: target_size: %lld is not a positive number of "
				    "items", what, (long long)json_integer_value(v));
	if (json_integer_value(v) > BA_QUERY_MAX_TARGET)
		return ba_error_set(err, BA_EINVAL, "%s: target_size: %lld is above the limit of %d "
				    "items per benchmark", what, (long long)json_integer_value(v),
				    BA_QUERY_MAX_TARGET);
	return 0;
}

int ba_query_load(const char *path, json_t **query, ba_error *err)
{
	json_t *q = NULL;
	int rc;

	*query = NULL;
	if ((rc = ba_json_load_file(&q, path, 1 << 20, err)) != 0)
		return rc;
	if ((rc = ba_query_validate(q, path, err)) != 0) {
		json_decref(q);
		return rc;
	}
	*query = q;
	return 0;
}

