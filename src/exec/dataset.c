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

static json_t *first_value(const json_t *sample, const json_t *paths);

static int media_word(const char *m)
{
	return m && (!strcmp(m, "image") || !strcmp(m, "audio"));
}

/* Whether a role's value is media, and which ("image"/"audio"; NULL:
 * text): judged by the paths the field map gives it (a path of a card
 * field whose modality is image or audio), else by the card role's own
 * modality. A media field never becomes text. */
static const char *media_modality(const ba_card *card, const char *role, const json_t *paths)
{
	json_t *fields = ba_json_path(card->json, "meta.fields"), *f, *q, *p;
	const char *r, *m;
	size_t i, j;

	if (!paths) {
		m = ba_json_str(json_object_get(fields, role), "modality", NULL);
		return media_word(m) ? m : NULL;
	}
	json_object_foreach(fields, r, f) {
		m = ba_json_str(f, "modality", NULL);
		if (!media_word(m))
			continue;
		json_array_foreach(json_object_get(f, "paths"), i, q) {
			if (json_is_string(paths) && json_equal(q, paths))
				return m;
			json_array_foreach(paths, j, p)
				if (json_equal(q, p))
					return m;
		}
	}
	return NULL;
}

/* Media roles other than the image role leave the text fields: their
 * files go to o.media_extra [{type, path (absolute or null), ref}] unless
 * they are the sample's image itself. */
static void move_media_roles(const ba_card *card, const json_t *field_map, const json_t *raw, const char *irole,
			     json_t *fields, json_t *o)
{
	json_t *extra = json_array(), *keys = json_array(), *k, *v;
	const char *role;
	size_t i;

	json_object_foreach(fields, role, v)
		json_array_append_new(keys, json_string(role));
	json_array_foreach(keys, i, k) {
		const char *r = json_string_value(k);
		const json_t *paths = json_object_get(field_map, r);
		const char *m = media_modality(card, r, paths);
		json_t *val = json_object_get(fields, r), *img = irole ? json_object_get(fields, irole) : NULL;
		if (!m || (irole && !strcmp(r, irole)) || !strcmp(r, "image"))
			continue;
		if (json_is_array(val))
			val = json_array_get(val, 0);
		if (!(json_is_string(val) && json_is_string(img) && json_equal(val, img))) {
			json_t *ref = first_value(raw, paths ? paths :
						  json_object_get(json_object_get(ba_json_path(card->json, "meta.fields"), r), "paths"));
			json_array_append_new(extra, json_pack("{s:s, s:s?, s:O?, s:s}", "type", m, "path",
							       json_string_value(val), "ref", json_is_string(ref) ? ref : NULL,
							       "role", r));
		}
		json_object_del(fields, r);
	}
	if (json_array_size(extra))
		json_object_set(o, "media_extra", extra);
	json_decref(extra);
	json_decref(keys);
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
				if (((irole && !strcmp(role, irole)) || media_modality(card, role, p)) && json_is_string(v)) {
					char *path = ba_dataset_media(d, json_string_value(v));
					json_object_set_new(fields, role, path ? json_string(path) : json_null());
					free(path);
				} else {
					json_object_set(fields, role, v);
				}
			}
		}
		ba_exec_fill_slots(fields, raw);
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
		move_media_roles(card, field_map, raw, irole, fields, o);
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
