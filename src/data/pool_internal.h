/*
 * pool_internal.h - the pool's private state, shared by pool.c and index.c.
 */
#ifndef BA_POOL_INTERNAL_H
#define BA_POOL_INTERNAL_H

#include "benchagent/pool.h"

struct ba_pool {
	ba_card **cards;
	size_t n, cap;
	size_t nskipped;
	json_t *ids;        /* dataset_id -> index, for O(1) lookups */
	char signature[65];
	json_t *extra;      /* documents added with ba_pool_add_doc (generators) */
	json_t *docs;       /* every retrieval document: cards first, then extra */
	ba_bm25 *bm_text;   /* view 1: the source's own text; built by ba_pool_index */
	ba_bm25 *bm_meta;   /* view 2: its meta (roles, io, tasks, domain, tags) */
	float *emb;         /* ndocs * dim document embeddings, or NULL */
	size_t dim;
	struct ba_gateway *gw;
};

/* views.c: the two views of a retrieval document as one text each, and
 * which of a document's fields hold a term (the "matched fields"). */
char *ba_doc_view_text(const json_t *doc, const char *view);
json_t *ba_doc_matches(const json_t *doc, const json_t *qterms);

#endif
