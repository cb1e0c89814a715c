/*
 * expand.c - sample planning: plan lookups, quotas -> work units, and the
 * seeded sample order that makes source samples never repeat.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/rng.h"

#include <stdlib.h>
#include <string.h>

static const json_t *find_by(const json_t *arr, const char *key, const char *val)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
		if (strcmp(ba_json_str(o, key, ""), val) == 0)
			return o;
	return NULL;
}

const json_t *ba_exec_plan_subtask(const json_t *plan, const char *id)
{
	return find_by(json_object_get(plan, "subtasks"), "id", id);
}

const json_t *ba_exec_plan_source(const json_t *plan, const char *id)
{
	return find_by(json_object_get(plan, "sources"), "id", id);
}

int ba_exec_source_is_generator(const json_t *source)
{
	return source && !strcmp(ba_json_str(source, "kind", "dataset"), "generator");
}

long ba_exec_plan_find_source(const json_t *plan, int generator)
{
	size_t i;
	json_t *s;

	json_array_foreach(json_object_get(plan, "sources"), i, s)
		if (ba_exec_source_is_generator(s) == !!generator)
			return (long)i;
	return -1;
}

int ba_exec_plan_generators(const json_t *plan, const char *gen_dir, struct ba_gen_registry **reg, ba_error *err)
{
	int rc;

	*reg = NULL;
	if (ba_exec_plan_find_source(plan, 1) < 0)
		return 0;
	if ((rc = ba_gen_registry_new(reg, gen_dir, err)) != 0 || (rc = ba_gen_registry_add_plan(*reg, plan, err)) != 0) {
		ba_gen_registry_free(*reg);
		*reg = NULL;
	}
	return rc;
}

const json_t *ba_exec_plan_grounding(const json_t *plan, const char *subtask, const char *source)
{
	size_t i;
	json_t *g;

	json_array_foreach(json_object_get(plan, "groundings"), i, g)
		if (strcmp(ba_json_str(g, "subtask", ""), subtask) == 0 &&
		    strcmp(ba_json_str(g, "source", ""), source) == 0 && ba_json_bool(g, "accepted", 1))
			return g;
	return NULL;
}

size_t *ba_exec_sample_order(const char *source_id, size_t n, uint64_t seed)
{
	size_t *ord = ba_malloc((n ? n : 1) * sizeof(*ord)), i;
	ba_rng r;

	for (i = 0; i < n; i++)
		ord[i] = i;
	ba_rng_seed(&r, ba_rng_seed_from(seed, source_id), 7);
	ba_rng_shuffle(&r, ord, n, sizeof(*ord));
	return ord;
}

int ba_exec_expand(const json_t *plan, uint64_t seed, const json_t *extra, json_t **units,
		   ba_error *err)
{
	json_t *quotas = json_object_get(plan, "quotas"), *q, *out;
	json_t *ordinals = json_object(); /* subtask -> next ordinal */
	size_t qi;

	*units = NULL;
	if (!json_is_array(quotas)) {
		json_decref(ordinals);
		return ba_error_set(err, BA_EINVAL, "plan: quotas: expected a list");
	}
	out = json_array();
	json_array_foreach(quotas, qi, q) {
		const char *stid = ba_json_str(q, "subtask", NULL), *src = ba_json_str(q, "source", NULL);
		const json_t *st, *so, *diff;
		long long count = ba_json_int(q, "count", -1), n, i, ord;
		char qkey[32], recipe[65];
		int dlo = 3, dhi = 3;

		if (!stid || !src || count < 0) {
			json_decref(out);
			json_decref(ordinals);
			return ba_error_set(err, BA_EINVAL,
					    "plan: quotas[%zu]: needs subtask, source and a count >= 0", qi);
		}
		st = ba_exec_plan_subtask(plan, stid);
		so = ba_exec_plan_source(plan, src);
		if (!st || !so) {
			json_decref(out);
			json_decref(ordinals);
			return ba_error_set(err, BA_EINVAL, "plan: quotas[%zu]: unknown %s '%s'", qi,
					    st ? "source" : "subtask", st ? src : stid);
		}
		if (!ba_exec_source_is_generator(so) &&
		    !ba_exec_plan_grounding(plan, stid, src)) {
			json_decref(out);
			json_decref(ordinals);
			return ba_error_set(err, BA_EINVAL,
					    "plan: quotas[%zu]: (%s, %s) has no accepted grounding", qi, stid,
					    src);
		}
		diff = json_object_get(q, "difficulty");
		if (json_is_array(diff) && (json_array_size(diff) == 1 || json_array_size(diff) == 2)) {
			/* [d] or [lo, hi] */
			dlo = (int)json_integer_value(json_array_get(diff, 0));
			dhi = (int)json_integer_value(json_array_get(diff, json_array_size(diff) - 1));
		} else if (json_is_integer(diff)) {
			dlo = dhi = (int)json_integer_value(diff);
		} else {
			dlo = dhi = (int)ba_json_int(st, "difficulty", 3);
		}
		if (dlo < 1)
			dlo = 1;
		if (dhi > 5)
			dhi = 5;
		if (dhi < dlo)
			dhi = dlo;
		snprintf(qkey, sizeof(qkey), "%zu", qi);
		/* the recipe: what a unit's item depends on besides its sample; an
		 * edit of it gives new unit keys (the units are rebuilt on the same
		 * samples), other quotas keep theirs */
		{
			const json_t *g = ba_exec_plan_grounding(plan, stid, src);
			json_t *r = json_pack("{s:O, s:O, s:O?, s:O?, s:[i, i]}", "subtask", st, "source", so,
					      "transformation", json_object_get(g, "transformation"), "field_map",
					      json_object_get(g, "field_map"), "difficulty", dlo, dhi);
			/* the seed: a generator's item is made of it, a dataset's sample
			 * is its slot's position in the seeded sample order (a slot
			 * keeps its position across recipes: under another seed it is
			 * another sample) */
			json_object_set_new(r, "seed", json_integer((json_int_t)(seed & 0x7fffffffffffLL)));
			ba_json_hash(r, recipe);
			recipe[8] = 0;
			json_decref(r);
		}
		n = count + (extra ? ba_json_int(extra, qkey, 0) : 0);
		ord = ba_json_int(ordinals, stid, 0);
		for (i = 0; i < n; i++) {
			char *key = ba_asprintf("x:%s:%s:q%02zu:%s:%06lld", stid, src, qi, recipe, i);
			char *slot = ba_asprintf("%s|%s|%zu|%lld", stid, src, qi, i);
			char *label = ba_asprintf("%s/%s/%lld", stid, src, i);
			json_t *u = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:I}", "key", key, "slot", slot,
					      "subtask", stid, "source", src, "quota", (json_int_t)qi,
					      "index", (json_int_t)i, "ordinal", (json_int_t)(ord + i),
					      "difficulty", dlo + (int)(i % (dhi - dlo + 1)), "seed",
					      (json_int_t)(ba_rng_seed_from(seed, label) & 0x7fffffffffffLL));
			json_array_append_new(out, u);
			free(slot);
			free(key);
			free(label);
		}
		json_object_set_new(ordinals, stid, json_integer(ord + n));
	}
	json_decref(ordinals);
	*units = out;
	return 0;
}
