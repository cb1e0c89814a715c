/*
 * pool.h - the dataset pool: dataset cards, the datasets they describe,
 * role resolution (a card's meta.fields.<role>.paths -> sample values),
 * robust media-path resolution, and a BM25 (+ optional embedding) index
 * over the cards for retrieval by the grounding agent.
 *
 * A pool is one or more root directories. Cards are the *.json files in
 * <root>/dataset_cards/ (or directly in <root> when it has no such folder).
 * A card's raw_meta.source_json is its annotation file relative to the
 * root; nothing resolved from a card or a sample ever leaves the root.
 */
#ifndef BA_POOL_H
#define BA_POOL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "benchagent/config.h"
#include "benchagent/error.h"
#include "benchagent/store.h"

struct ba_gateway;

/* One card. All fields are owned by the pool (borrowed by callers). */
typedef struct ba_card {
	char *id;          /* dataset_id */
	char *name;
	char *file;        /* path of the card file */
	char *root;        /* pool root it belongs to */
	char *source;      /* annotation file (root-joined) or NULL */
	long size_samples; /* from the card, -1 when absent */
	json_t *json;      /* the whole card */
} ba_card;

typedef struct ba_pool ba_pool;

/* Load every card under the given roots. Cards that fail validation are
 * skipped with a warning unless strict is set (then the first failure is
 * returned, naming the card file and field). An empty pool is not an
 * error here (see ba_pool_count). Caller frees with ba_pool_free. */
int ba_pool_open(ba_pool **out, const char *const *roots, size_t nroots, int strict,
		 ba_error *err);
void ba_pool_free(ba_pool *p);
size_t ba_pool_count(const ba_pool *p);
const ba_card *ba_pool_card(const ba_pool *p, size_t i);      /* borrowed */
const ba_card *ba_pool_find(const ba_pool *p, const char *id); /* borrowed or NULL */
/* sha256 of every card file's path, size and mtime: changes whenever a
 * card changes. Borrowed. */
const char *ba_pool_signature(const ba_pool *p);

/* Validate one card object (required fields and types). file names the
 * card in errors: "FILE: meta.fields.answer.paths: expected a list". */
int ba_card_validate(const json_t *card, const char *file, ba_error *err);
/* Parse and validate a card file into a ba_card (caller frees with
 * ba_card_free). root is the pool root for source resolution. */
int ba_card_load(ba_card **out, const char *file, const char *root, ba_error *err);
void ba_card_free(ba_card *c);
/* Roles of a card (meta.fields keys) whose modality is image or audio. */
int ba_card_role_is_media(const ba_card *c, const char *role);
/* A one-paragraph text of the card for indexing and prompts (caller frees). */
char *ba_card_text(const ba_card *c);

/* Check a card against its dataset: the file loads, every role's paths
 * match at least one sample, media are found. *report (new ref) is {id,
 * name, file, samples, usable, media, media_missing, problems[],
 * warnings[]}; returns BA_EINVAL with the first problem ("FILE:
 * meta.fields.answer.paths: 'x' matches no sample of ...") or the
 * dataset's load error (then *report is NULL). */
int ba_card_check(const ba_card *c, json_t **report, ba_error *err);
/* Infer a card skeleton from a data file inside root: fields and roles
 * from the samples, dataset_id from the relative path. New ref. */
int ba_card_infer(const char *data_path, const char *root, json_t **card, ba_error *err);
/* ba_card_infer + the model (role "cards") for name, description,
 * card_text, tasks, domain and field semantics. New ref. */
int ba_card_build(struct ba_gateway *gw, const char *data_path, const char *root, int64_t run_id,
		  json_t **card, ba_error *err);
/* Offline responder for role "cards". Call before creating the gateway. */
void ba_card_register_mock(void);

/* ---- datasets ---- */
typedef struct ba_dataset ba_dataset;

/* Load the card's annotation file: JSON with a `data` array (or a bare
 * array), JSONL (.jsonl) or CSV (.csv, header row). At most max_samples
 * samples (0 = all, capped at 1,000,000). Errors name the file. */
int ba_dataset_load(ba_dataset **out, const ba_card *card, size_t max_samples, ba_error *err);
/* Load a data file without a card (for `cards build`). */
int ba_dataset_load_file(ba_dataset **out, const char *path, const char *root,
			 size_t max_samples, ba_error *err);
void ba_dataset_free(ba_dataset *d);
size_t ba_dataset_count(const ba_dataset *d);
json_t *ba_dataset_sample(const ba_dataset *d, size_t i);    /* borrowed */
const char *ba_dataset_dir(const ba_dataset *d);             /* folder of the file */

/* Resolve sample i into {role: value} using the card's field paths: a role
 * with one path gives that value, several paths an array of values; media
 * roles give the resolved absolute path (or null when missing). New ref.
 * *missing (optional) counts roles with no value, *media_missing media
 * that could not be found. */
json_t *ba_dataset_resolve(ba_dataset *d, const ba_card *card, size_t i, int *missing,
			   int *media_missing);
/* Find a media file referenced by a sample: as given relative to the
 * dataset folder, its parent and their images/ subfolders, then by suffix
 * and basename anywhere under the dataset folder. Never outside the pool
 * root: the file found is resolved with realpath (ba_fs_path_inside), and
 * one that leaves the root through a symlink is refused (NULL, warning).
 * New string (the path under the dataset folder) or NULL. */
char *ba_dataset_media(ba_dataset *d, const char *ref);
/* 1 when ref names a file that ba_dataset_media refuses because it
 * resolves outside the pool root (`cards check` reports these). */
int ba_dataset_media_outside(ba_dataset *d, const char *ref);

/* Samples that resolve completely (every role has a value, media found). */
long ba_dataset_usable(ba_dataset *d, const ba_card *card);

/* ---- retrieval index ---- */
typedef struct ba_bm25 ba_bm25;

/* Generic BM25 (k1 = 1.2, b = 0.75) over documents with string ids. */
ba_bm25 *ba_bm25_new(void);
void ba_bm25_free(ba_bm25 *ix);
void ba_bm25_add(ba_bm25 *ix, const char *id, const char *text);
/* Top k documents for the query as [{id, score}] (score > 0), best
 * first, ties broken by id. New ref. */
json_t *ba_bm25_search(const ba_bm25 *ix, const char *query, size_t k);
size_t ba_bm25_count(const ba_bm25 *ix);
/* Serialise / restore the index (term frequencies) for caching. */
json_t *ba_bm25_dump(const ba_bm25 *ix);
ba_bm25 *ba_bm25_restore(const json_t *dump);
/* Lower-case word tokens without stop words (plural 's' folded) into a
 * JSON array: surface words, for keyword lists. New ref. */
json_t *ba_text_tokens(const char *text);
/* The index's terms of a text (as ba_text_tokens, plus the index's light
 * stemming: "-ing", "-ies"). New ref. */
json_t *ba_text_terms(const char *text);
/* Add the terms of text to a weighted query {term: weight}: a term keeps
 * the highest weight it is given. */
void ba_text_weigh(json_t *qterms, const char *text, double w);
/* Query expansion from WordNet (wordnet-base; $BA_WORDNET_DIR or
 * /usr/share/wordnet): add to qterms, with weight w, the synonyms, direct
 * hypernyms, similar adjectives and derivationally related forms of the
 * first two senses of every word of text for which known(ud, term) is 0
 * (known NULL: every word). Without WordNet, nothing. */
void ba_text_expand(json_t *qterms, const char *text, double w, int (*known)(void *ud, const char *term),
		    void *ud);
typedef struct ba_lexicon ba_lexicon;
int ba_lexicon_open(ba_lexicon **out, const char *dir, ba_error *err);
void ba_lexicon_free(ba_lexicon *lx);
/* Related words (strings appended to out) of a lower-case word. */
void ba_lexicon_related(const ba_lexicon *lx, const char *word, int senses, json_t *out);
const ba_lexicon *ba_lexicon_default(void); /* process-wide, NULL when absent */

/* Score every document of the index for the weighted query terms: BM25
 * (weights multiply each term's contribution) into bm25[i] and TF-IDF
 * cosine ((1 + ln tf) * idf vectors) into cosine[i], arrays of
 * ba_bm25_count entries (either may be NULL). */
void ba_bm25_score(const ba_bm25 *ix, const json_t *qterms, double *bm25, double *cosine);
/* The documents with a score above 0 into order[] (n entries of room),
 * highest score first, ties by index; returns how many. What every ranked
 * list over the pool and the generators is sorted by. */
size_t ba_rank_scores(const double *score, size_t n, size_t *order);
const char *ba_bm25_id(const ba_bm25 *ix, size_t i); /* borrowed */
size_t ba_bm25_df(const ba_bm25 *ix, const char *term); /* documents holding term */

/* ---- retrieval over the pool (docs/pool.md "Retrieval") ----
 * A retrieval document is {id, source, kind, name, modalities, roles,
 * text: {field: string}, meta: {field: string}}: every card is one (id
 * its dataset_id, source "ds:<id>"), other sources are added with
 * ba_pool_add_doc before ba_pool_index (the generators: id and source
 * "gen:<name>", kind "generator"). */
json_t *ba_card_doc(const ba_card *c); /* new ref */
/* Add a document (deep-copied); resets the index. BA_EINVAL when its id
 * is missing or taken. */
int ba_pool_add_doc(ba_pool *p, const json_t *doc, ba_error *err);
size_t ba_pool_doc_count(const ba_pool *p); /* after ba_pool_index */

/* Weights of the hybrid score (docs/pool.md; configurable under
 * grounding.retrieval in benchagent.yaml). */
typedef struct ba_retrieval_weights {
	double bm25, tfidf;   /* inside each view: normalised BM25 vs TF-IDF cosine */
	double text, meta;    /* the two views */
	double roles;         /* share of the wanted field roles the source has */
	double embedding;     /* cosine of embeddings, when the index has them */
} ba_retrieval_weights;
#define BA_RETRIEVAL_WEIGHTS_INIT { 0.5, 0.5, 0.6, 0.4, 0.2, 0.5 }

/* Rank the documents for query {text, terms?: {term: weight}, meta_terms?:
 * {term: weight} (meta view only), roles?: {role: weight}, kind?}. Returns
 * (new ref) the top k with a score > 0, best first, ties by position:
 * [{id, source, kind, name, modalities, score, scores: {text, meta, roles,
 * embedding}, matched: {term: [field, ...]}, why}]. w NULL = defaults. */
json_t *ba_pool_retrieve(ba_pool *p, const json_t *query, const ba_retrieval_weights *w, size_t k);
/* query may also hold "expand": a text whose words the pool does not know
 * (in neither view) are expanded with WordNet at weight "expand_weight"
 * (default 0.35): a request need not use a card's words, and words the
 * pool knows keep their own meaning. */

/* The pool's index: both views of every document, built once per
 * signature (card files + added documents) and cached in the store's kv
 * (st may be NULL: no cache). With a gateway and a config that names an
 * "embedding" role, document embeddings are added to the score.
 * *from_cache (optional) tells whether the views came from the cache. */
int ba_pool_index(ba_pool *p, ba_store *st, struct ba_gateway *gw, const ba_config *cfg,
		  int *from_cache, ba_error *err);
/* Search the cards by free text: [{id, score}] best first (the hybrid
 * score of ba_pool_retrieve, cards only). */
json_t *ba_pool_search(ba_pool *p, const char *query, size_t k);

#endif
