/*
 * index.c - the pool's retrieval index: every card (and every document
 * added with ba_pool_add_doc, e.g. the generators) in two views, each a
 * BM25 + TF-IDF index (bm25.c), built once per signature and cached in the
 * store's kv, plus optional document embeddings through the gateway.
 * Scoring (ba_pool_retrieve) is documented in docs/pool.md.
 */
#define BA_LOG_MODULE "pool"
#include "pool_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_VERSION 2

static int has_embedding_role(const ba_config *cfg)
{
	size_t i;
	for (i = 0; cfg && i < cfg->nroles; i++)
		if (!strcmp(cfg->roles[i].role, "embedding"))
			return 1;
	return 0;
}

static void reset_index(ba_pool *p)
{
	ba_bm25_free(p->bm_text);
	ba_bm25_free(p->bm_meta);
	p->bm_text = p->bm_meta = NULL;
	json_decref(p->docs);
	p->docs = NULL;
	free(p->emb);
	p->emb = NULL;
	p->dim = 0;
}

int ba_pool_add_doc(ba_pool *p, const json_t *doc, ba_error *err)
{
	const char *id = ba_json_str(doc, "id", NULL);
	size_t i;
	json_t *d;

	if (!id || !*id || !json_is_object(json_object_get(doc, "text")))
		return ba_error_set(err, BA_EINVAL, "retrieval document: needs an id and a \"text\" object");
	if (ba_pool_find(p, id))
		return ba_error_set(err, BA_EINVAL, "retrieval document '%s': a card has that id", id);
	if (!p->extra)
		p->extra = json_array();
	json_array_foreach(p->extra, i, d)
		if (!strcmp(ba_json_str(d, "id", ""), id))
			return ba_error_set(err, BA_EINVAL, "retrieval document '%s': added twice", id);
	d = json_deep_copy(doc);
	if (!ba_json_str(d, "source", NULL))
		json_object_set_new(d, "source", json_string(id));
	if (!json_is_object(json_object_get(d, "meta")))
		json_object_set_new(d, "meta", json_object());
	if (!json_is_array(json_object_get(d, "roles")))
		json_object_set_new(d, "roles", json_array());
	if (!json_is_array(json_object_get(d, "modalities")))
		json_object_set_new(d, "modalities", json_pack("[s]", "text"));
	json_array_append_new(p->extra, d);
	reset_index(p); /* the next ba_pool_index includes it */
	return 0;
}

size_t ba_pool_doc_count(const ba_pool *p)
{
	return p->docs ? json_array_size(p->docs) : 0;
}

static void embed_docs(ba_pool *p, ba_gateway *gw)
{
	size_t n = json_array_size(p->docs), i, dim = 0;
	const char **texts = ba_calloc(n ? n : 1, sizeof(char *));
	ba_error e = BA_ERROR_INIT;
	float *v = NULL;

	for (i = 0; i < n; i++)
		texts[i] = ba_doc_view_text(json_array_get(p->docs, i), "text");
	if (ba_llm_embed(gw, "embedding", texts, n, &v, &dim, &e) == 0 && dim > 0) {
		p->emb = v;
		p->dim = dim;
		p->gw = gw;
	} else {
		BA_WARN("document embeddings unavailable, using the lexical scores only: %s", e.msg);
		free(v);
	}
	for (i = 0; i < n; i++)
		free((char *)texts[i]);
	free(texts);
}

static int restore_views(ba_pool *p, ba_store *st, const char *key)
{
	char *val = NULL;
	json_t *dump = NULL;
	size_t n = json_array_size(p->docs);

	if (!st || ba_kv_get(st, key, &val, NULL) != 0)
		return 0;
	if (ba_json_parse(&dump, val, strlen(val), key, NULL) == 0) {
		p->bm_text = ba_bm25_restore(json_object_get(dump, "text"));
		p->bm_meta = ba_bm25_restore(json_object_get(dump, "meta"));
	}
	json_decref(dump);
	free(val);
	if (!p->bm_text || !p->bm_meta || ba_bm25_count(p->bm_text) != n || ba_bm25_count(p->bm_meta) != n) {
		ba_bm25_free(p->bm_text);
		ba_bm25_free(p->bm_meta);
		p->bm_text = p->bm_meta = NULL;
		return 0;
	}
	return 1;
}

static void build_views(ba_pool *p, ba_store *st, const char *key)
{
	size_t i;
	json_t *d;

	p->bm_text = ba_bm25_new();
	p->bm_meta = ba_bm25_new();
	json_array_foreach(p->docs, i, d) {
		char *t = ba_doc_view_text(d, "text"), *m = ba_doc_view_text(d, "meta");
		ba_bm25_add(p->bm_text, ba_json_str(d, "id", ""), t);
		ba_bm25_add(p->bm_meta, ba_json_str(d, "id", ""), m);
		free(t);
		free(m);
	}
	if (st) {
		json_t *dump = json_pack("{s:i, s:o, s:o}", "version", INDEX_VERSION, "text",
					 ba_bm25_dump(p->bm_text), "meta", ba_bm25_dump(p->bm_meta));
		char *s = ba_json_canonical(dump);
		ba_error e = BA_ERROR_INIT;
		if (ba_kv_put(st, key, s, &e) != 0)
			BA_WARN("could not cache the pool index: %s", e.msg);
		free(s);
		json_decref(dump);
	}
}

int ba_pool_index(ba_pool *p, ba_store *st, ba_gateway *gw, const ba_config *cfg,
		  int *from_cache, ba_error *err)
{
	char key[128], hex[65];
	json_t *sig;
	size_t i;

	(void)err;
	if (from_cache)
		*from_cache = 0;
	if (!p->bm_text) {
		reset_index(p);
		p->docs = json_array();
		for (i = 0; i < p->n; i++)
			json_array_append_new(p->docs, ba_card_doc(p->cards[i]));
		if (p->extra)
			json_array_extend(p->docs, p->extra);
		/* the key covers the card files and every added document */
		sig = json_pack("{s:s, s:O, s:i}", "cards", p->signature, "extra",
				p->extra ? p->extra : json_null(), "v", INDEX_VERSION);
		ba_json_hash(sig, hex);
		json_decref(sig);
		snprintf(key, sizeof(key), "pool.index.%s", hex);
		if (restore_views(p, st, key)) {
			if (from_cache)
				*from_cache = 1;
		} else {
			build_views(p, st, key);
		}
	}
	if (gw && has_embedding_role(cfg) && !p->emb && json_array_size(p->docs))
		embed_docs(p, gw);
	return 0;
}
