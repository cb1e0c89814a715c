/*
 * search.c - generators by free text, without a model: the project's one
 * lexical index (BM25 of src/data/bm25.c, one tokenizer and stop list)
 * over each generator's name, tags and description. Name parts and tags
 * count twice (they are short and chosen with care). The grounding agent
 * ranks generators with the pool's hybrid retrieval instead (the same
 * tokenizer); this is for `gen search` and offline query matching.
 */
#include "gen_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/pool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *doc_text(const ba_gen_info *g)
{
	ba_buf b = BA_BUF_INIT(1 << 16);
	size_t i;
	json_t *v;

	ba_buf_printf(&b, "%s %s ", g->name, g->name);
	json_array_foreach(g->tags, i, v)
		if (json_is_string(v))
			ba_buf_printf(&b, "%s %s ", json_string_value(v), json_string_value(v));
	ba_buf_puts(&b, g->description ? g->description : "");
	return ba_buf_detach(&b);
}

/* The query terms a generator's text holds, in query order. */
static json_t *matched_terms(const ba_gen_info *g, const json_t *qlist)
{
	char *t = doc_text(g);
	json_t *have = ba_text_terms(t), *set = json_object(), *out = json_array(), *v;
	size_t i;

	json_array_foreach(have, i, v)
		json_object_set(set, json_string_value(v), json_true());
	json_array_foreach(qlist, i, v)
		if (json_object_get(set, json_string_value(v)))
			json_array_append(out, v);
	json_decref(set);
	json_decref(have);
	free(t);
	return out;
}

int ba_gen_search(const ba_gen_registry *reg, const char *text, size_t k, json_t **out)
{
	size_t n = ba_gen_count(reg), i;
	ba_bm25 *ix;
	json_t *q, *qlist, *uniq;
	double *sc;
	size_t *order, nr;

	*out = json_array();
	if (n == 0 || !text)
		return 0;
	ix = ba_bm25_new();
	for (i = 0; i < n; i++) {
		char *t = doc_text(ba_gen_at(reg, i));
		ba_bm25_add(ix, ba_gen_at(reg, i)->name, t);
		free(t);
	}
	q = json_object();
	ba_text_weigh(q, text, 1.0);
	sc = ba_calloc(n, sizeof(double));
	order = ba_calloc(n, sizeof(*order));
	ba_bm25_score(ix, q, sc, NULL);
	nr = ba_rank_scores(sc, n, order);
	/* the query's terms in order, once each */
	qlist = json_array();
	uniq = json_object();
	{
		json_t *all = ba_text_terms(text), *v;
		json_array_foreach(all, i, v)
			if (!json_object_get(uniq, json_string_value(v))) {
				json_object_set(uniq, json_string_value(v), json_true());
				json_array_append(qlist, v);
			}
		json_decref(all);
	}
	for (i = 0; i < nr && i < k; i++) {
		const ba_gen_info *g = ba_gen_at(reg, order[i]);
		json_array_append_new(*out, json_pack("{s:s, s:f, s:o}", "name", g->name, "score",
						      floor(sc[order[i]] * 10000 + 0.5) / 10000, "terms",
						      matched_terms(g, qlist)));
	}
	json_decref(qlist);
	json_decref(uniq);
	json_decref(q);
	free(sc);
	free(order);
	ba_bm25_free(ix);
	return 0;
}
