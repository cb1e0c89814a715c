/*
 * sources.c - the grounding agent's view of sources: candidates from the
 * retrieval (prefs.c) shown as cards and generators, capacities (usable
 * samples), and the score blend.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

double ba_planner_final_score(const planner *p, double a, double c, double s, double r, double o)
{
	double wsum = p->w_align + p->w_cov + p->w_simp + p->w_risk;
	double base = p->w_align * a + p->w_cov * c + p->w_simp * s + p->w_risk * (1.0 - r);
	if (wsum > 0)
		base /= wsum;
	return p->blend * base + (1.0 - p->blend) * o;
}

json_t *ba_planner_capacity(planner *p, const char *source)
{
	json_t *memo = json_object_get(p->capacity, source);
	const ba_card *card;
	ba_dataset *d = NULL;
	long cap;

	if (memo)
		return json_incref(memo);
	if (!strncmp(source, "gen:", 4))
		return p->gens && ba_gen_find(p->gens, source + 4) ? json_null() : NULL;
	if (strncmp(source, "ds:", 3) || !(card = ba_pool_find(p->pool, source + 3)))
		return NULL;
	if (ba_dataset_load(&d, card, 0, NULL) != 0) {
		cap = 0;
	} else {
		cap = ba_dataset_usable(d, card);
		if (card->size_samples >= 0 && card->size_samples < cap)
			cap = card->size_samples;
		ba_dataset_free(d);
	}
	json_object_set_new(p->capacity, source, json_integer(cap));
	return json_integer(cap);
}

static char *trunc_str(const char *s, size_t n)
{
	char *r = ba_strndup(s ? s : "", n);
	return r;
}

static json_t *card_candidate(planner *p, const ba_card *c, double score)
{
	json_t *fields = json_object(), *f, *cand;
	const char *role;
	char *desc = trunc_str(ba_json_str(c->json, "description", ""), 500);
	char sid[160];

	json_object_foreach(ba_json_path(c->json, "meta.fields"), role, f) {
		char *sem = trunc_str(ba_json_str(f, "semantics", ""), 200);
		json_object_set_new(fields, role,
				    json_pack("{s:O, s:s, s:s, s:s}", "paths", json_object_get(f, "paths"),
					      "modality", ba_json_str(f, "modality", "text"), "style",
					      ba_json_str(f, "style", ""), "semantics", sem));
		free(sem);
	}
	snprintf(sid, sizeof(sid), "ds:%s", c->id);
	cand = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:o, s:o, s:f}", "source", sid, "kind",
			 "dataset", "dataset_id", c->id, "name", c->name, "description", desc,
			 "modalities", json_object_get(c->json, "modalities"), "tasks",
			 json_is_array(json_object_get(c->json, "tasks")) ? json_object_get(c->json, "tasks")
									 : json_null(),
			 "fields", fields, "capacity", ba_planner_capacity(p, sid), "retrieval", score);
	free(desc);
	return cand;
}

static json_t *gen_candidate(const ba_gen_info *g, double score)
{
	char sid[160];
	snprintf(sid, sizeof(sid), "gen:%s", g->name);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:{s:{s:[s]}, s:{s:[s]}, s:{s:[s]}}, s:n, s:f}",
			 "source", sid, "kind", "generator", "generator", g->name, "name", g->name,
			 "description", g->description ? g->description : "", "modalities",
			 g->modalities ? g->modalities : json_null(), "answer_type",
			 g->answer_type ? g->answer_type : "short", "fields", "question", "paths",
			 "question", "answer", "paths", "answer", "choices", "paths", "choices",
			 "capacity", "retrieval", score);
}

json_t *ba_planner_candidates(planner *p, const json_t *st, const json_t *prefs, const char *extra,
			      size_t k)
{
	json_t *hits = ba_plan_retrieve(p->pool, st, prefs, extra, &p->rw, k), *out = json_array(), *h;
	size_t i;

	json_array_foreach(hits, i, h) {
		const char *src = ba_json_str(h, "source", "");
		double s = ba_json_num(h, "score", 0);
		json_t *c = NULL;
		if (!strcmp(ba_json_str(h, "kind", ""), "generator")) {
			const ba_gen_info *g = p->gens ? ba_gen_find(p->gens, src + 4) : NULL;
			if (g)
				c = gen_candidate(g, s);
		} else {
			const ba_card *card = ba_pool_find(p->pool, ba_json_str(h, "id", ""));
			if (card)
				c = card_candidate(p, card, s);
		}
		if (!c)
			continue;
		json_object_set_new(c, "why", json_string(ba_json_str(h, "why", "")));
		/* which of its fields the query's terms (and their WordNet
		 * expansions) were found in: {term: [field, ...]} */
		if (json_object_get(h, "matched"))
			json_object_set(c, "matched", json_object_get(h, "matched"));
		if (json_object_get(h, "via"))
			json_object_set(c, "via", json_object_get(h, "via"));
		json_array_append_new(out, c);
	}
	json_decref(hits);
	return out;
}
