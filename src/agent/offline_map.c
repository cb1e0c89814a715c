/*
 * offline_map.c - the planner's no-model mode, its one decision: a query
 * is mapped to verified generators by BM25 over their name, description
 * and tags (ba_gen_search), and the target size is spread over the
 * matches and the difficulty levels the request names. The result has the
 * docs/plan-format.md shape, so the executor, the review page and
 * `benchagent build PLAN.json` read it like any other plan. The stage
 * around it (stored, reused, validated) is offline.c.
 */
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/gen.h"
#include "benchagent/plan.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/query.h"
#include "benchagent/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SUBTASKS 6

/* "three difficulty levels", "3 levels", "five levels of difficulty" */
static int levels_requested(const char *desc)
{
	static const char *const words[] = { "one", "two", "three", "four", "five" };
	char low[2048];
	size_t i, n = strlen(desc);
	int k;

	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)desc[i]);
	low[n] = '\0';
	for (k = 0; k < 5; k++) {
		char a[64], b[64], c[64];
		snprintf(a, sizeof(a), "%s difficulty level", words[k]);
		snprintf(b, sizeof(b), "%d difficulty level", k + 1);
		snprintf(c, sizeof(c), "%s levels", words[k]);
		if (strstr(low, a) || strstr(low, b) || strstr(low, c))
			return k + 1;
		snprintf(c, sizeof(c), "%d levels", k + 1);
		if (strstr(low, c))
			return k + 1;
	}
	return 0;
}

static json_t *level_set(int n)
{
	switch (n) {
	case 1: return json_pack("[i]", 3);
	case 2: return json_pack("[i,i]", 2, 4);
	case 4: return json_pack("[i,i,i,i]", 1, 2, 4, 5);
	case 5: return json_pack("[i,i,i,i,i]", 1, 2, 3, 4, 5);
	default: return json_pack("[i,i,i]", 1, 3, 5);
	}
}

static char *humanize(const char *name)
{
	char *s = ba_strdup(name);
	size_t i;

	for (i = 0; s[i]; i++)
		if (s[i] == '_')
			s[i] = ' ';
	if (s[0])
		s[0] = (char)toupper((unsigned char)s[0]);
	return s;
}

static json_t *keywords_of(const char *desc)
{
	json_t *kw = json_array();
	const char *p = desc;
	char w[48];

	while (*p && json_array_size(kw) < 12) {
		size_t k = 0;
		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (*p && (isalnum((unsigned char)*p) || *p == '-') && k < sizeof(w) - 1)
			w[k++] = (char)tolower((unsigned char)*p++);
		while (*p && (isalnum((unsigned char)*p) || *p == '-'))
			p++;
		w[k] = '\0';
		if (k >= 5) {
			size_t i;
			json_t *v;
			int dup = 0;
			json_array_foreach(kw, i, v)
				if (!strcmp(json_string_value(v), w))
					dup = 1;
			if (!dup)
				json_array_append_new(kw, json_string(w));
		}
	}
	return kw;
}

/* Coverage-aware selection, best first: keep a generator when it is a
 * strong match (>= 70% of the best score) or when it matches query terms
 * no kept generator matched yet and is a fair match (>= 30%). So
 * "arithmetic, dates and logic puzzles" gets one generator per facet
 * rather than five arithmetic ones. At most MAX_SUBTASKS. Steals hits. */
static json_t *select_hits(json_t *hits, double top)
{
	json_t *covered = json_object(), *sel = json_array(), *t;
	size_t i, j;

	for (i = 0; i < json_array_size(hits) && json_array_size(sel) < MAX_SUBTASKS; i++) {
		json_t *hh = json_array_get(hits, i);
		double sc = ba_json_num(hh, "score", 0);
		int fresh = 0;
		json_array_foreach(json_object_get(hh, "terms"), j, t)
			if (!json_object_get(covered, json_string_value(t)))
				fresh++;
		if (i == 0 || sc >= 0.7 * top || (fresh > 0 && sc >= 0.3 * top)) {
			json_array_append(sel, hh);
			json_array_foreach(json_object_get(hh, "terms"), j, t)
				json_object_set_new(covered, json_string_value(t), json_true());
		}
	}
	json_decref(covered);
	json_decref(hits);
	return sel;
}

/* The agent's modality rule, without conversions: a generator is kept
 * when it carries exactly the media (image, audio) the request's text
 * names (ba_text_modalities). A text request about arithmetic gets no
 * spoken arithmetic, a speech request no text-only time zones. Returns
 * hits. */
static int has_medium(const json_t *mods, const char *m)
{
	size_t i;
	json_t *v;

	json_array_foreach(mods, i, v)
		if (!strcmp(json_string_value(v), m))
			return 1;
	return 0;
}

static json_t *media_the_request_names(const ba_gen_registry *reg, const char *desc, json_t *hits)
{
	static const char *const media[] = { "image", "audio", NULL };
	json_t *want = ba_text_modalities(desc), *keep = json_array(), *h;
	size_t i, k;

	json_array_foreach(hits, i, h) {
		const ba_gen_info *g = ba_gen_find(reg, ba_json_str(h, "name", ""));
		int ok = g != NULL;
		for (k = 0; ok && media[k]; k++)
			ok = has_medium(g->modalities, media[k]) == has_medium(want, media[k]);
		if (ok)
			json_array_append(keep, h);
	}
	json_decref(want);
	json_decref(hits);
	return keep;
}

int ba_gen_search_request(const ba_gen_registry *reg, const char *text, size_t k, json_t **out)
{
	ba_gen_search(reg, text, ba_gen_count(reg), out);
	*out = media_the_request_names(reg, text, *out);
	while (json_array_size(*out) > k)
		json_array_remove(*out, json_array_size(*out) - 1);
	return 0;
}

/* The item schema of a generator's subtask; its modalities are added to
 * mods (once each). */
static json_t *schema_of(const ba_gen_info *g, json_t *mods)
{
	json_t *v, *schema;
	size_t j;

	schema = json_pack("{s:s,s:s,s:s}", "question", "string", "answer", "string", "explanation", "string?");
	if (!strcmp(g->answer_type, "choice"))
		json_object_set_new(schema, "choices", json_string("list"));
	json_array_foreach(g->modalities, j, v) {
		size_t k;
		json_t *m;
		int dup = 0;
		if (!strcmp(json_string_value(v), "image"))
			json_object_set_new(schema, "image", json_string("image"));
		if (!strcmp(json_string_value(v), "audio"))
			json_object_set_new(schema, "audio", json_string("audio"));
		json_array_foreach(mods, k, m)
			if (json_equal(m, v))
				dup = 1;
		if (!dup)
			json_array_append(mods, v);
	}
	return schema;
}

int ba_plan_offline(const ba_gen_registry *reg, const json_t *query, json_t **plan, ba_error *err)
{
	const char *desc;
	json_t *hits = NULL, *h, *subtasks, *sources, *groundings, *quotas, *levels, *mods, *v;
	json_t *design_r, *ground_r, *alloc_r, *history;
	double top;
	size_t i, nsel = 0, j;
	long target, per, rem;
	int nlev, rc;
	char buf[512];

	*plan = NULL;
	if ((rc = ba_query_validate(query, "query", err)) != 0)
		return rc;
	desc = ba_json_str(query, "description", "");
	target = (long)ba_json_int(query, "target_size", 0);
	ba_gen_search_request(reg, desc, ba_gen_count(reg), &hits);
	if (json_array_size(hits) == 0) {
		json_decref(hits);
		return ba_error_set(err, BA_EINVAL,
				    "query: no generator matches the description; with no model configured, "
				    "benchagent can only build from its generators (see 'benchagent gen list')");
	}
	top = ba_json_num(json_array_get(hits, 0), "score", 0);
	hits = select_hits(hits, top);
	nsel = json_array_size(hits);
	if ((long)nsel > target)
		nsel = (size_t)target;
	nlev = levels_requested(desc);
	levels = level_set(nlev ? nlev : 3);

	subtasks = json_array();
	sources = json_array();
	groundings = json_array();
	quotas = json_array();
	mods = json_array();
	design_r = json_array();
	ground_r = json_array();
	alloc_r = json_array();
	history = json_array();
	per = target / (long)nsel;
	rem = target % (long)nsel;
	for (i = 0; i < nsel; i++) {
		const ba_gen_info *g;
		char stid[32], srcid[96], *nice;
		long cnt = per + ((long)i < rem ? 1 : 0), lper, lrem;
		double sc;
		json_t *schema;

		h = json_array_get(hits, i);
		g = ba_gen_find(reg, ba_json_str(h, "name", ""));
		sc = ba_json_num(h, "score", 0);
		snprintf(stid, sizeof(stid), "st%zu", i + 1);
		snprintf(srcid, sizeof(srcid), "gen:%s", g->name);
		nice = humanize(g->name);
		schema = schema_of(g, mods);
		json_array_append_new(subtasks, json_pack("{s:s,s:s,s:s,s:O,s:s,s:o,s:O,s:i,s:s}",
			"id", stid, "name", nice, "description", g->description, "modalities", g->modalities,
			"answer_type", g->answer_type, "schema", schema, "keywords", g->tags,
			"difficulty", (int)json_integer_value(json_array_get(levels, json_array_size(levels) / 2)),
			"rationale", "offline planning: a verified generator that matches the request"));
		json_array_append_new(sources, json_pack("{s:s,s:s,s:n,s:s,s:s,s:n,s:s}",
			"id", srcid, "kind", "generator", "dataset_id", "generator", g->name, "name", nice,
			"capacity", "version", g->version));
		snprintf(buf, sizeof(buf), "BM25 score %.3f (best %.3f) over name, description and tags", sc, top);
		json_array_append_new(groundings, json_pack("{s:s,s:s,s:{s:f,s:f,s:f,s:f,s:n,s:f},s:b,s:{},s:[{s:s,s:s}],s:s}",
			"subtask", stid, "source", srcid,
			"scores", "alignment", top > 0 ? sc / top : 0, "coverage", 1.0, "simplicity", 1.0, "risk", 0.0,
			"llm_overall", "final", top > 0 ? 0.45 * sc / top + 0.35 + 0.10 + 0.10 : 0,
			"accepted", 1, "field_map", "transformation", "tool", "generator",
			"purpose", "run the generator at the quota's difficulty; its verify() checks every answer",
			"rationale", buf));
		snprintf(buf, sizeof(buf), "%s: matched '%s' (%s)", stid, g->name, g->description);
		json_array_append_new(design_r, json_string(buf));
		json_array_append_new(ground_r, json_pack("s", buf));
		json_array_append_new(history, json_pack("{s:s,s:s,s:s}", "agent", "offline", "action",
							 "match_generator", "rationale", buf));
		lper = cnt / (long)json_array_size(levels);
		lrem = cnt % (long)json_array_size(levels);
		json_array_foreach(levels, j, v) {
			long c2 = lper + ((long)j < lrem ? 1 : 0);
			if (c2 > 0)
				json_array_append_new(quotas, json_pack("{s:s,s:s,s:i,s:[O]}", "subtask", stid, "source",
									srcid, "count", (json_int_t)c2, "difficulty", v));
		}
		free(nice);
	}
	snprintf(buf, sizeof(buf), "target_size %ld spread evenly over %zu generators x %zu difficulty levels%s",
		 target, nsel, json_array_size(levels), nlev ? " (as the request asks)" : " (default 1, 3, 5)");
	json_array_append_new(alloc_r, json_string(buf));
	json_array_append_new(alloc_r, json_string("generators have unlimited capacity; duplicates are replaced by new draws"));
	if (top < 4.0) {
		snprintf(buf, sizeof(buf), "weak match: the best generator scores %.2f; the request may need a model "
			 "(configure one in benchagent.yaml) or a generator written for it", top);
		json_array_append_new(alloc_r, json_string(buf));
		json_array_append_new(history, json_pack("{s:s,s:s,s:s}", "agent", "offline", "action", "warn",
							 "rationale", buf));
	}
	*plan = json_pack("{s:i,s:O,s:{s:s,s:o,s:o,s:[s]},s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},s:o,s:b,s:s,s:O}",
		"version", 1, "query", query,
		"analysis", "topic", ba_json_str(query, "id", ""), "modalities", mods, "keywords", keywords_of(desc),
		"constraints", "answers are checked exactly by each generator's verify()",
		"subtasks", subtasks, "sources", sources, "groundings", groundings, "quotas", quotas,
		"rationale", "design", design_r, "grounding", ground_r, "allocation", alloc_r,
		"history", history, "mock", 0, "planner", "offline-bm25", "bm25", hits);
	json_decref(levels);
	json_decref(hits);
	return 0;
}
