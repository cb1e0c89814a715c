/*
 * bm25.c - the ONE lexical index of the project: Okapi BM25 (k1 = 1.2,
 * b = 0.75) and TF-IDF cosine over the same postings, with one word
 * tokenizer (lower-case, one stop list, plural 's' folded, light stemming)
 * used for dataset cards, generators and queries alike.
 */
#include "benchagent/pool.h"
#include "benchagent/alloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BM25_K1 1.2
#define BM25_B 0.75
#define TOK_MAX 48

typedef struct {
	uint32_t doc;
	uint32_t tf;
} posting;

typedef struct {
	char *term;
	posting *p;
	size_t n, cap;
} term_entry;

struct ba_bm25 {
	char **ids;
	uint32_t *len;
	size_t ndocs, dcap;
	double total_len;
	term_entry *terms;     /* open addressing */
	size_t tcap, tcount;
	double *norm;          /* TF-IDF vector length per doc, computed lazily */
	size_t norm_n;         /* ndocs when norm was computed */
};

/* The ONE stop list of every lexical index (cards, generators, mock
 * keywords): function words, request boilerplate ("build a benchmark that
 * tests ...") and item vocabulary every source shares. */
static const char *const stop[] = {
	"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from",
	"is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those",
	"as", "can", "may", "will", "would", "should", "i", "we", "you", "he", "she", "they",
	"them", "their", "our", "my", "me", "want", "whether", "which", "what", "who", "whose",
	"how", "into", "not", "no", "but", "if", "than", "then", "so", "such", "same", "each",
	"any", "all", "also", "do", "does", "has", "have", "had", "there", "here", "about", "up",
	"out", "one", "two", "three", "four", "five", "more", "most", "other", "some", "many",
	"very", "just", "only", "own", "both", "e", "g", "eg", "ie", "etc", "s", "build",
	"benchmark", "test", "tests", "model", "models", "item", "items", "level", "levels",
	"difficulty", "exactly", "checked", "check", "different", "small", "question", "answer",
	NULL
};

static int is_stop(const char *w)
{
	int i;
	for (i = 0; stop[i]; i++)
		if (!strcmp(stop[i], w))
			return 1;
	return 0;
}

typedef void (*tok_fn)(void *ud, const char *w);

/* Index stemming on top of the plural fold: "-ies" -> "-y", "-ing" off
 * (words of 6+ letters), so "reading"/"read" and "stories"/"story" meet. */
static void stem(char *w, size_t *n)
{
	if (*n > 4 && !strcmp(w + *n - 3, "ies")) {
		w[*n - 3] = 'y';
		w[*n - 2] = '\0';
		*n -= 2;
	} else if (*n > 5 && !strcmp(w + *n - 3, "ing")) {
		*n -= 3;
		w[*n] = '\0';
	}
}

static void tokenize_opt(const char *text, int stemmed, tok_fn fn, void *ud)
{
	char w[TOK_MAX + 1];
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");

	for (;; p++) {
		unsigned char c = *p;
		int word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   c >= 0x80;
		if (word) {
			if (n < TOK_MAX)
				w[n++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
			continue;
		}
		if (n > 0) {
			w[n] = '\0';
			if (stemmed)
				stem(w, &n);
			if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i')
				w[--n] = '\0';
			if (!is_stop(w))
				fn(ud, w);
			n = 0;
		}
		if (!c)
			break;
	}
}

/* Index and query terms: stemmed. */
static void tokenize(const char *text, tok_fn fn, void *ud)
{
	tokenize_opt(text, 1, fn, ud);
}

static void tok_collect(void *ud, const char *w)
{
	json_array_append_new((json_t *)ud, json_string(w));
}

json_t *ba_text_tokens(const char *text)
{
	json_t *arr = json_array();
	tokenize_opt(text, 0, tok_collect, arr);
	return arr;
}

json_t *ba_text_terms(const char *text)
{
	json_t *arr = json_array();
	tokenize(text, tok_collect, arr);
	return arr;
}

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static term_entry *find_term(const ba_bm25 *ix, const char *t)
{
	size_t i;
	if (!ix->tcap)
		return NULL;
	for (i = fnv(t) & (ix->tcap - 1); ix->terms[i].term; i = (i + 1) & (ix->tcap - 1))
		if (!strcmp(ix->terms[i].term, t))
			return &ix->terms[i];
	return NULL;
}

static term_entry *get_term(ba_bm25 *ix, const char *t)
{
	term_entry *e;
	size_t i;

	if ((ix->tcount + 1) * 2 > ix->tcap) {
		size_t ncap = ix->tcap ? ix->tcap * 2 : 1024, k;
		term_entry *nt = ba_calloc(ncap, sizeof(*nt));
		for (k = 0; k < ix->tcap; k++) {
			if (!ix->terms[k].term)
				continue;
			for (i = fnv(ix->terms[k].term) & (ncap - 1); nt[i].term; i = (i + 1) & (ncap - 1))
				;
			nt[i] = ix->terms[k];
		}
		free(ix->terms);
		ix->terms = nt;
		ix->tcap = ncap;
	}
	if ((e = find_term(ix, t)))
		return e;
	for (i = fnv(t) & (ix->tcap - 1); ix->terms[i].term; i = (i + 1) & (ix->tcap - 1))
		;
	ix->terms[i].term = ba_strdup(t);
	ix->tcount++;
	return &ix->terms[i];
}

ba_bm25 *ba_bm25_new(void)
{
	return ba_calloc(1, sizeof(ba_bm25));
}

void ba_bm25_free(ba_bm25 *ix)
{
	size_t i;
	if (!ix)
		return;
	for (i = 0; i < ix->ndocs; i++)
		free(ix->ids[i]);
	free(ix->ids);
	free(ix->len);
	for (i = 0; i < ix->tcap; i++) {
		free(ix->terms[i].term);
		free(ix->terms[i].p);
	}
	free(ix->terms);
	free(ix->norm);
	free(ix);
}

size_t ba_bm25_count(const ba_bm25 *ix)
{
	return ix ? ix->ndocs : 0;
}

static uint32_t new_doc(ba_bm25 *ix, const char *id)
{
	if (ix->ndocs == ix->dcap) {
		ix->dcap = ix->dcap ? ix->dcap * 2 : 64;
		ix->ids = ba_realloc(ix->ids, ix->dcap * sizeof(char *));
		ix->len = ba_realloc(ix->len, ix->dcap * sizeof(uint32_t));
	}
	ix->ids[ix->ndocs] = ba_strdup(id);
	ix->len[ix->ndocs] = 0;
	return (uint32_t)ix->ndocs++;
}

static void add_tf(ba_bm25 *ix, uint32_t doc, const char *t, uint32_t tf)
{
	term_entry *e = get_term(ix, t);
	if (e->n && e->p[e->n - 1].doc == doc) {
		e->p[e->n - 1].tf += tf;
	} else {
		ba_array_reserve((void **)&e->p, &e->cap, e->n + 1, sizeof(posting));
		e->p[e->n].doc = doc;
		e->p[e->n].tf = tf;
		e->n++;
	}
	ix->len[doc] += tf;
	ix->total_len += tf;
}

typedef struct {
	ba_bm25 *ix;
	uint32_t doc;
} add_ctx;

static void tok_add(void *ud, const char *w)
{
	add_ctx *a = ud;
	add_tf(a->ix, a->doc, w, 1);
}

void ba_bm25_add(ba_bm25 *ix, const char *id, const char *text)
{
	add_ctx a = { ix, new_doc(ix, id) };
	tokenize(text, tok_add, &a);
}

typedef struct {
	double score;
	size_t doc;
} hit;

static int cmp_hit(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

size_t ba_rank_scores(const double *score, size_t n, size_t *order)
{
	hit *hits = ba_malloc((n ? n : 1) * sizeof(hit));
	size_t i, nh = 0;

	for (i = 0; i < n; i++)
		if (score[i] > 0) {
			hits[nh].score = score[i];
			hits[nh++].doc = i;
		}
	qsort(hits, nh, sizeof(hit), cmp_hit);
	for (i = 0; i < nh; i++)
		order[i] = hits[i].doc;
	free(hits);
	return nh;
}

json_t *ba_bm25_search(const ba_bm25 *ix, const char *query, size_t k)
{
	json_t *out = json_array(), *q;
	double *scores;
	size_t *order, i, nh;

	if (!ix || !ix->ndocs)
		return out;
	q = json_object();
	ba_text_weigh(q, query, 1.0); /* each query term counts once */
	scores = ba_calloc(ix->ndocs, sizeof(double));
	ba_bm25_score(ix, q, scores, NULL);
	order = ba_malloc(ix->ndocs * sizeof(size_t));
	nh = ba_rank_scores(scores, ix->ndocs, order);
	for (i = 0; i < nh && i < k; i++) {
		json_t *h = json_object();
		json_object_set_new(h, "id", json_string(ix->ids[order[i]]));
		json_object_set_new(h, "score", json_real(scores[order[i]]));
		json_array_append_new(out, h);
	}
	free(order);
	free(scores);
	json_decref(q);
	return out;
}

json_t *ba_bm25_dump(const ba_bm25 *ix)
{
	json_t *docs = json_array(), *d;
	size_t i, k;

	for (i = 0; i < ix->ndocs; i++) {
		d = json_object();
		json_object_set_new(d, "id", json_string(ix->ids[i]));
		json_object_set_new(d, "tf", json_object());
		json_array_append_new(docs, d);
	}
	for (k = 0; k < ix->tcap; k++) {
		const term_entry *e = &ix->terms[k];
		if (!e->term)
			continue;
		for (i = 0; i < e->n; i++)
			json_object_set_new(json_object_get(json_array_get(docs, e->p[i].doc), "tf"), e->term,
					    json_integer(e->p[i].tf));
	}
	d = json_object();
	json_object_set_new(d, "version", json_integer(1));
	json_object_set_new(d, "docs", docs);
	return d;
}

ba_bm25 *ba_bm25_restore(const json_t *dump)
{
	json_t *docs = json_object_get(dump, "docs"), *d, *v;
	ba_bm25 *ix;
	const char *t;
	size_t i;

	if (json_integer_value(json_object_get(dump, "version")) != 1 || !json_is_array(docs))
		return NULL;
	ix = ba_bm25_new();
	json_array_foreach(docs, i, d) {
		const char *id = json_string_value(json_object_get(d, "id"));
		uint32_t doc;
		if (!id || !json_is_object(json_object_get(d, "tf"))) {
			ba_bm25_free(ix);
			return NULL;
		}
		doc = new_doc(ix, id);
		json_object_foreach(json_object_get(d, "tf"), t, v)
			if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) < (1 << 30))
				add_tf(ix, doc, t, (uint32_t)json_integer_value(v));
	}
	return ix;
}

const char *ba_bm25_id(const ba_bm25 *ix, size_t i)
{
	return ix && i < ix->ndocs ? ix->ids[i] : NULL;
}

static double idf_bm25(const ba_bm25 *ix, size_t df)
{
	return log(1.0 + ((double)ix->ndocs - (double)df + 0.5) / ((double)df + 0.5));
}

/* Smoothed TF-IDF idf: ln((N + 1) / (df + 1)) + 1, never 0. */
static double idf_tfidf(const ba_bm25 *ix, size_t df)
{
	return log(((double)ix->ndocs + 1.0) / ((double)df + 1.0)) + 1.0;
}

/* Document vector lengths for the cosine: (1 + ln tf) * idf per term.
 * Computed on the first scoring after the index changed (the index is
 * built before it is shared, so this cache needs no lock in practice). */
static const double *doc_norms(const ba_bm25 *cix)
{
	ba_bm25 *ix = (ba_bm25 *)cix;
	size_t k, i;

	if (ix->norm && ix->norm_n == ix->ndocs)
		return ix->norm;
	free(ix->norm);
	ix->norm = ba_calloc(ix->ndocs ? ix->ndocs : 1, sizeof(double));
	for (k = 0; k < ix->tcap; k++) {
		const term_entry *e = &ix->terms[k];
		double idf;
		if (!e->term)
			continue;
		idf = idf_tfidf(ix, e->n);
		for (i = 0; i < e->n; i++) {
			double w = (1.0 + log((double)e->p[i].tf)) * idf;
			ix->norm[e->p[i].doc] += w * w;
		}
	}
	for (i = 0; i < ix->ndocs; i++)
		ix->norm[i] = sqrt(ix->norm[i]);
	ix->norm_n = ix->ndocs;
	return ix->norm;
}

void ba_bm25_score(const ba_bm25 *ix, const json_t *qterms, double *bm25, double *cosine)
{
	const double *norm;
	double avg, qnorm = 0;
	const char *t;
	json_t *v;
	size_t i;

	if (!ix || !ix->ndocs)
		return;
	if (bm25)
		memset(bm25, 0, ix->ndocs * sizeof(double));
	if (cosine)
		memset(cosine, 0, ix->ndocs * sizeof(double));
	norm = doc_norms(ix);
	avg = ix->total_len / (double)ix->ndocs;
	json_object_foreach((json_t *)qterms, t, v) {
		const term_entry *e = find_term(ix, t);
		double qw = json_number_value(v), bidf, tidf;
		if (qw <= 0)
			continue;
		if (!e) {
			/* an unknown term still lengthens the query vector (idf of df 0) */
			qnorm += pow(qw * idf_tfidf(ix, 0), 2);
			continue;
		}
		bidf = idf_bm25(ix, e->n);
		tidf = idf_tfidf(ix, e->n);
		qnorm += pow(qw * tidf, 2);
		for (i = 0; i < e->n; i++) {
			double tf = e->p[i].tf, dl = ix->len[e->p[i].doc];
			if (bm25)
				bm25[e->p[i].doc] += qw * bidf * tf * (BM25_K1 + 1) /
						     (tf + BM25_K1 * (1 - BM25_B + BM25_B * dl / (avg > 0 ? avg : 1)));
			if (cosine)
				cosine[e->p[i].doc] += qw * tidf * (1.0 + log(tf)) * tidf;
		}
	}
	if (cosine)
		for (i = 0; i < ix->ndocs; i++)
			cosine[i] = qnorm > 0 && norm[i] > 0 ? cosine[i] / (sqrt(qnorm) * norm[i]) : 0;
}

typedef struct {
	json_t *q;
	double w;
} weigh_ctx;

static void tok_weigh(void *ud, const char *w)
{
	weigh_ctx *c = ud;
	if (json_number_value(json_object_get(c->q, w)) < c->w)
		json_object_set_new(c->q, w, json_real(c->w));
}

void ba_text_weigh(json_t *qterms, const char *text, double w)
{
	weigh_ctx c = { qterms, w };
	tokenize(text, tok_weigh, &c);
}

size_t ba_bm25_df(const ba_bm25 *ix, const char *term)
{
	const term_entry *e = ix ? find_term(ix, term) : NULL;
	return e ? e->n : 0;
}
