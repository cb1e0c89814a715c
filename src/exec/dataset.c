/*
 * dataset.c - a dataset source's samples for the executor, through the
 * planner's pool (pool.h): the card found in the pools, its annotation
 * file loaded, every sample's role fields resolved (the card's paths,
 * overridden by the grounding's field_map) and its image found with the
 * pool's media resolution (which never leaves the pool root).
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/pool.h"

#include <stdlib.h>
#include <string.h>

/* The role that holds the sample's image: the field map's or the card's
 * "image" role, else the first media role of the card (NULL: none). */
static const char *image_role(const ba_card *card, const json_t *field_map)
{
	json_t *fields = ba_json_path(card->json, "meta.fields"), *f;
	const char *role;

	if (json_object_get(field_map, "image") || json_object_get(fields, "image"))
		return "image";
	json_object_foreach(fields, role, f) {
		const char *m = ba_json_str(f, "modality", "");
		if (!strcmp(m, "image"))
			return role;
	}
	return NULL;
}

static json_t *first_value(const json_t *sample, const json_t *paths)
{
	size_t i;
	json_t *p;

	if (json_is_string(paths))
		return ba_json_path(sample, json_string_value(paths));
	json_array_foreach(paths, i, p) {
		json_t *v = json_is_string(p) ? ba_json_path(sample, json_string_value(p)) : NULL;
		if (v && !json_is_null(v))
			return v;
	}
	return NULL;
}

int ba_exec_dataset_load(const char *const *pools, size_t npools, const char *dataset_id,
			 const json_t *field_map, json_t **out, ba_error *err)
{
	ba_pool *pool = NULL;
	ba_dataset *d = NULL;
	const ba_card *card;
	json_t *samples = NULL, *cfields;
	const char *irole;
	size_t i, n;
	int rc;

	*out = NULL;
	if ((rc = ba_pool_open(&pool, pools, npools, 0, err)) != 0)
		return rc;
	card = ba_pool_find(pool, dataset_id);
	if (!card) {
		rc = ba_error_set(err, BA_ENOTFOUND, "dataset %s: no card in the %zu configured pool(s)", dataset_id,
				  npools);
		goto cleanup;
	}
	if ((rc = ba_dataset_load(&d, card, 0, err)) != 0)
		goto cleanup;
	irole = image_role(card, field_map);
	cfields = ba_json_path(card->json, "meta.fields");
	samples = json_array();
	n = ba_dataset_count(d);
	for (i = 0; i < n; i++) {
		json_t *raw = ba_dataset_sample(d, i), *fields, *o;
		const char *sid = ba_json_str(raw, "id", NULL);

		fields = ba_dataset_resolve(d, card, i, NULL, NULL);
		/* the grounding's field map wins over the card's roles */
		if (json_is_object(field_map)) {
			const char *role;
			json_t *p;
			json_object_foreach((json_t *)field_map, role, p) {
				json_t *v = first_value(raw, p);
				if (!v || json_is_null(v))
					continue;
				if (irole && !strcmp(role, irole) && json_is_string(v)) {
					char *path = ba_dataset_media(d, json_string_value(v));
					json_object_set_new(fields, role, path ? json_string(path) : json_null());
					free(path);
				} else {
					json_object_set(fields, role, v);
				}
			}
		}
		o = json_pack("{s:o, s:I, s:O}", "sample_id", sid ? json_string(sid) : json_sprintf("%zu", i), "index",
			      (json_int_t)i, "fields", fields);
		if (irole) {
			json_t *img = json_object_get(fields, irole);
			json_t *paths = json_object_get(field_map, irole) ?
						json_object_get(field_map, irole) :
						json_object_get(json_object_get(cfields, irole), "paths");
			json_t *ref = first_value(raw, paths);
			if (json_is_array(img))
				img = json_array_get(img, 0);
			json_object_set_new(o, "image", json_is_string(img) ? json_string(json_string_value(img))
									   : json_null());
			json_object_set_new(o, "image_missing", json_boolean(!json_is_string(img)));
			if (json_is_string(ref))
				json_object_set(o, "image_ref", ref);
			/* the draft reads the image from "image", never from the role's text */
			json_object_set(fields, "image", json_object_get(o, "image"));
		}
		json_decref(fields);
		json_array_append_new(samples, o);
	}
	*out = json_pack("{s:s, s:s, s:s, s:o}", "dataset_id", dataset_id, "name", card->name ? card->name : dataset_id,
			 "pool", card->root ? card->root : "", "samples", samples);
	samples = NULL;
cleanup:
	json_decref(samples);
	ba_dataset_free(d);
	ba_pool_free(pool);
	return rc;
}
