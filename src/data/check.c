/*
 * check.c - `cards check`: a card against its dataset. The dataset file
 * loads; every role's paths match at least one sample; media are found.
 */
#define BA_LOG_MODULE "pool"
#include "benchagent/pool.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

int ba_card_check(const ba_card *c, json_t **report, ba_error *err)
{
	ba_dataset *d = NULL;
	json_t *rep, *problems = json_array(), *warnings = json_array(), *f, *p;
	const char *role;
	size_t i, k, n;
	long media = 0, media_missing = 0;
	int rc;

	*report = NULL;
	if ((rc = ba_dataset_load(&d, c, 0, err)) != 0) {
		json_decref(problems);
		json_decref(warnings);
		return ba_error_prefix(err, "%s: raw_meta.source_json: ", c->file);
	}
	n = ba_dataset_count(d);
	if (n == 0)
		json_array_append_new(problems, json_sprintf("%s: raw_meta.source_json: %s holds no samples",
							     c->file, c->source));
	json_object_foreach(ba_json_path(c->json, "meta.fields"), role, f) {
		int is_media = ba_card_role_is_media(c, role);
		json_array_foreach(json_object_get(f, "paths"), k, p) {
			const char *path = json_string_value(p);
			size_t hits = 0;
			for (i = 0; i < n; i++) {
				json_t *v = ba_json_path(ba_dataset_sample(d, i), path);
				if (!v || json_is_null(v))
					continue;
				hits++;
				if (is_media && json_is_string(v)) {
					char *mp = ba_dataset_media(d, json_string_value(v));
					media++;
					if (!mp && ba_dataset_media_outside(d, json_string_value(v))) {
						json_array_append_new(problems,
								      json_sprintf("%s: meta.fields.%s: media '%s' (sample %zu) "
										   "resolves outside the pool root (symlink); refused",
										   c->file, role, json_string_value(v), i));
					} else if (!mp) {
						media_missing++;
						if (media_missing <= 3)
							json_array_append_new(warnings,
									      json_sprintf("%s: meta.fields.%s: media '%s' "
											   "(sample %zu) not found",
											   c->file, role, json_string_value(v), i));
					}
					free(mp);
				}
			}
			if (n && hits == 0)
				json_array_append_new(problems, json_sprintf("%s: meta.fields.%s.paths: '%s' matches "
									     "no sample of %s", c->file, role,
									     path, c->source));
			else if (hits < n)
				json_array_append_new(warnings, json_sprintf("%s: meta.fields.%s.paths: '%s' is "
									     "missing in %zu of %zu samples",
									     c->file, role, path, n - hits, n));
		}
	}
	if (n && media && media_missing * 2 > media)
		json_array_append_new(problems, json_sprintf("%s: %ld of %ld media files not found", c->file,
							     media_missing, media));
	if (c->size_samples >= 0 && (size_t)c->size_samples != n)
		json_array_append_new(warnings, json_sprintf("%s: size_samples: the card says %ld, the dataset "
							     "has %zu", c->file, c->size_samples, n));
	rep = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "id", c->id, "name", c->name,
			"file", c->file, "samples", (json_int_t)n, "usable",
			(json_int_t)ba_dataset_usable(d, c), "media", (json_int_t)media, "media_missing",
			(json_int_t)media_missing, "problems", problems, "warnings", warnings);
	ba_dataset_free(d);
	*report = rep;
	if (json_array_size(problems))
		return ba_error_set(err, BA_EINVAL, "%s", json_string_value(json_array_get(problems, 0)));
	return 0;
}
