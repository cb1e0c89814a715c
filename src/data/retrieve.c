/*
 * retrieve.c - hybrid scoring of the pool's retrieval documents for one
 * query: per view, BM25 (normalised by the best hit) mixed with TF-IDF
 * cosine; the two views mixed; a role-fit share for the field roles the
 * query wants; embeddings blended in when the index has them. Every hit
 * says which fields matched which terms, and why it ranks.
 */
#include "pool_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Roles a document may call by another name (wanted -> also satisfied by). */
static const char *const role_synonyms[][4] = {
	{ "context", "dialog", "passage", NULL },
	{ "options", "choices", NULL, NULL },
	{ "choices", "options", NULL, NULL },
	{ "answer", "category", "label", "bbox" }, /* a type-B target: the box is the key */
	{ "dialog", "context", NULL, NULL },
	{ "image", "video", NULL, NULL },
};

static int doc_has_role(const json_t *doc, const char *role)
{
	size_t i, s;
	json_t *r;

	json_array_foreach(json_object_get(doc, "roles"), i, r) {
		const char *have = json_string_value(r);
		if (!have)
			continue;
		if (!strcmp(have, role))
			return 1;
		for (s = 0; s < sizeof(role_synonyms) / sizeof(role_synonyms[0]); s++) {
			int k;
			if (strcmp(role_synonyms[s][0], role))
				continue;
			for (k = 1; k < 4 && role_synonyms[s][k]; k++)
				if (!strcmp(role_synonyms[s][k], have))
					return 1;
		}
	}
	return 0;
}

/* Share of the wanted role weight the document has (1 when none wanted). */
static double role_fit(const json_t *doc, const json_t *roles, json_t *missing)
{
	double want = 0, have = 0;
	const char *r;
	json_t *w;

	json_object_foreach((json_t *)roles, r, w) {
		double x = json_number_value(w);
		if (x <= 0)
			continue;
		want += x;
		if (doc_has_role(doc, r))
			have += x;
		else if (missing)
			json_array_append_new(missing, json_string(r));
	}
	return want > 0 ? have / want : 1.0;
}

static double max_of(const double *v, size_t n)
{
	double m = 0;
	size_t i;
	for (i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* Cosine between the query's embedding and each document's (0 when the
 * index has none or the query cannot be embedded). */
static void embed_scores(ba_pool *p, const char *text, double *out, size_t n)
{
	float *q = NULL;
	size_t dim = 0, i, d;

	memset(out, 0, n * sizeof(double));
	if (!p->emb || !text || !*text)
		return;
	if (ba_llm_embed(p->gw, "embedding", &text, 1, &q, &dim, NULL) != 0 || dim != p->dim) {
		free(q);
		return;
	}
	for (i = 0; i < n; i++) {
		double c = 0;
		for (d = 0; d < dim; d++)
			c += (double)q[d] * p->emb[i * dim + d];
		out[i] = c > 0 ? c : 0;
	}
	free(q);
}

/* A short sentence: the best-weighted matched terms with their fields. */
static char *why_text(const json_t *matched, const json_t *qterms, double fit, const json_t *missing,
		      int roles_wanted)
{
	ba_buf b = BA_BUF_INIT(2048);
	const char *t;
	json_t *fl, *x;
	size_t n = 0, i;

	json_object_foreach((json_t *)matched, t, fl) {
		if (n++ >= 6)
			break;
		ba_buf_printf(&b, "%s'%s' in ", n > 1 ? "; " : "matched ", t);
		json_array_foreach(fl, i, x)
			ba_buf_printf(&b, "%s%s", i ? ", " : "", json_string_value(x));
	}
	(void)qterms;
	if (n == 0)
		ba_buf_puts(&b, "no query term matched");
	if (roles_wanted) {
		ba_buf_printf(&b, "; %.0f%% of the wanted field roles", fit * 100);
		if (json_array_size(missing)) {
			ba_buf_puts(&b, " (lacks");
			json_array_foreach(missing, i, x)
				ba_buf_printf(&b, " %s", json_string_value(x));
			ba_buf_puts(&b, ")");
		}
	}
	return ba_buf_detach(&b);
}

static json_t *make_hit(const json_t *doc, double score, const double comp[4], const json_t *qmeta,
			const json_t *roles)
{
	json_t *matched = ba_doc_matches(doc, qmeta), *missing = json_array(), *h;
	double fit = role_fit(doc, roles, missing);
	char *why = why_text(matched, qmeta, fit, missing, json_object_size(roles) > 0);

	h = json_pack("{s:s, s:s, s:s, s:s, s:O, s:f, s:{s:f, s:f, s:f, s:f}, s:o, s:s}", "id",
		      ba_json_str(doc, "id", ""), "source", ba_json_str(doc, "source", ""), "kind",
		      ba_json_str(doc, "kind", "dataset"), "name", ba_json_str(doc, "name", ""), "modalities",
		      json_object_get(doc, "modalities"), "score", floor(score * 10000 + 0.5) / 10000,
		      "scores", "text", floor(comp[0] * 10000 + 0.5) / 10000, "meta",
		      floor(comp[1] * 10000 + 0.5) / 10000, "roles", floor(comp[2] * 10000 + 0.5) / 10000,
		      "embedding", floor(comp[3] * 10000 + 0.5) / 10000, "matched", matched, "why", why);
	free(why);
	json_decref(missing);
	return h;
}

static int pool_knows(void *ud, const char *term)
{
	const ba_pool *p = ud;
	return ba_bm25_df(p->bm_text, term) > 0 || ba_bm25_df(p->bm_meta, term) > 0;
}

/* Weighted terms of each view's query. New refs in *qt and *qm. */
static void view_queries(ba_pool *p, const json_t *query, json_t **qt, json_t **qm)
{
	const char *t;
	json_t *w;

	*qt = json_object();
	if (ba_json_str(query, "expand", NULL))
		ba_text_expand(*qt, ba_json_str(query, "expand", ""), ba_json_num(query, "expand_weight", 0.35),
			       pool_knows, p);
	ba_text_weigh(*qt, ba_json_str(query, "text", ""), 1.0);
	json_object_foreach(json_object_get(query, "terms"), t, w)
		if (json_number_value(w) > json_number_value(json_object_get(*qt, t)))
			json_object_set_new(*qt, t, json_real(json_number_value(w)));
	*qm = json_deep_copy(*qt);
	json_object_foreach(json_object_get(query, "meta_terms"), t, w)
		if (json_number_value(w) > json_number_value(json_object_get(*qm, t)))
			json_object_set_new(*qm, t, json_real(json_number_value(w)));
}

json_t *ba_pool_retrieve(ba_pool *p, const json_t *query, const ba_retrieval_weights *wt, size_t k)
{
	ba_retrieval_weights def = BA_RETRIEVAL_WEIGHTS_INIT;
	const json_t *roles = json_object_get(query, "roles");
	const char *kind = ba_json_str(query, "kind", NULL);
	json_t *qt, *qm, *out = json_array();
	size_t n, i;
	double *bt, *ct, *bm, *cm, *em, *sc, mt, mm, lexw, vw;
	size_t *order, nr;

	if (!p->bm_text)
		ba_pool_index(p, NULL, NULL, NULL, NULL, NULL);
	if (!wt)
		wt = &def;
	n = json_array_size(p->docs);
	if (!n)
		return out;
	view_queries(p, query, &qt, &qm);
	bt = ba_calloc(n, sizeof(double));
	ct = ba_calloc(n, sizeof(double));
	bm = ba_calloc(n, sizeof(double));
	cm = ba_calloc(n, sizeof(double));
	em = ba_calloc(n, sizeof(double));
	sc = ba_calloc(n, sizeof(double));
	order = ba_calloc(n, sizeof(*order));
	ba_bm25_score(p->bm_text, qt, bt, ct);
	ba_bm25_score(p->bm_meta, qm, bm, cm);
	embed_scores(p, ba_json_str(query, "text", ""), em, n);
	mt = max_of(bt, n);
	mm = max_of(bm, n);
	lexw = wt->bm25 + wt->tfidf > 0 ? wt->bm25 + wt->tfidf : 1;
	vw = wt->text + wt->meta > 0 ? wt->text + wt->meta : 1;
	for (i = 0; i < n; i++) {
		double vt = (wt->bm25 * (mt > 0 ? bt[i] / mt : 0) + wt->tfidf * ct[i]) / lexw;
		double vm = (wt->bm25 * (mm > 0 ? bm[i] / mm : 0) + wt->tfidf * cm[i]) / lexw;
		double lex = (wt->text * vt + wt->meta * vm) / vw, s = lex;
		if (json_object_size(roles) > 0)
			s = (1 - wt->roles) * lex + wt->roles * role_fit(json_array_get(p->docs, i), roles, NULL);
		if (p->emb)
			s = (1 - wt->embedding) * s + wt->embedding * em[i];
		sc[i] = lex > 0 || em[i] > 0 ? s : 0;
		if (kind && strcmp(ba_json_str(json_array_get(p->docs, i), "kind", ""), kind))
			sc[i] = 0;
		bt[i] = vt; /* keep the view scores for the hit */
		bm[i] = vm;
	}
	nr = ba_rank_scores(sc, n, order);
	for (i = 0; i < nr && i < k; i++) {
		const json_t *doc = json_array_get(p->docs, order[i]);
		double comp[4];
		comp[0] = bt[order[i]];
		comp[1] = bm[order[i]];
		comp[2] = json_object_size(roles) ? role_fit(doc, roles, NULL) : 0;
		comp[3] = em[order[i]];
		json_array_append_new(out, make_hit(doc, sc[order[i]], comp, qm, roles));
	}
	free(bt);
	free(ct);
	free(bm);
	free(cm);
	free(em);
	free(sc);
	free(order);
	json_decref(qt);
	json_decref(qm);
	return out;
}

json_t *ba_pool_search(ba_pool *p, const char *text, size_t k)
{
	json_t *q = json_pack("{s:s, s:s}", "text", text ? text : "", "kind", "dataset"), *all;
	json_t *out = json_array(), *h;
	size_t i;

	all = ba_pool_retrieve(p, q, NULL, k);
	json_array_foreach(all, i, h)
		json_array_append_new(out, json_pack("{s:s, s:O}", "id", ba_json_str(h, "id", ""), "score",
						     json_object_get(h, "score")));
	json_decref(all);
	json_decref(q);
	return out;
}
