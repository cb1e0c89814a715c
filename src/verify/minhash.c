/*
 * minhash.c - duplicates and near duplicates across a benchmark:
 * normalised exact match, then MinHash signatures of word shingles with
 * LSH banding (16 bands x 4 rows) to find candidate pairs, confirmed on
 * the signatures against the configured threshold.
 */
#include "verify_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

#define BANDS 16
#define ROWS (BA_MINHASH_K / BANDS)

static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void ba_minhash_compute(ba_minhash *mh, const char *text, int shingle)
{
	char *norm = ba_verify_normalize(text);
	const char *starts[4096];
	size_t nw = 0, i, k;
	const char *p = norm;

	for (k = 0; k < BA_MINHASH_K; k++)
		mh->h[k] = UINT32_MAX;
	mh->nshingles = 0;
	if (shingle < 1)
		shingle = 1;
	while (*p && nw < sizeof(starts) / sizeof(starts[0])) {
		starts[nw++] = p;
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	if (nw == 0) {
		free(norm);
		return;
	}
	{
		size_t w = nw < (size_t)shingle ? nw : (size_t)shingle, count = nw - w + 1;
		for (i = 0; i < count; i++) {
			const char *last = starts[i + w - 1];
			const char *e = last + strcspn(last, " ");
			/* one 64-bit hash per shingle; the K hash functions derive
			 * from it by double hashing plus a cheap 32-bit finaliser */
			uint64_t h = mix64(fnv(starts[i], (size_t)(e - starts[i])));
			uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32) | 1u;
			for (k = 0; k < BA_MINHASH_K; k++) {
				uint32_t v = h1 + (uint32_t)k * h2;
				v ^= v >> 15;
				v *= 0x2c1b3c6dU;
				v ^= v >> 12;
				if (v < mh->h[k])
					mh->h[k] = v;
			}
			mh->nshingles++;
		}
	}
	free(norm);
}

double ba_minhash_similarity(const ba_minhash *a, const ba_minhash *b)
{
	size_t k, eq = 0;

	if (a->nshingles == 0 && b->nshingles == 0)
		return 1.0;
	if (a->nshingles == 0 || b->nshingles == 0)
		return 0.0;
	for (k = 0; k < BA_MINHASH_K; k++)
		eq += a->h[k] == b->h[k];
	return (double)eq / BA_MINHASH_K;
}

/* question + choices (the stem side), context apart, media key apart. */
static char *stem_text(const json_t *it)
{
	ba_buf b = BA_BUF_INIT(16 << 20);
	json_t *c;
	size_t i;

	ba_buf_puts(&b, ba_json_str(it, "question", ""));
	json_array_foreach(json_object_get(it, "choices"), i, c)
		ba_buf_printf(&b, " %s", json_is_string(c) ? json_string_value(c) : "");
	return ba_buf_detach(&b);
}

static uint64_t media_key(const json_t *it)
{
	json_t *m;
	size_t i;
	uint64_t h = 0;

	json_array_foreach(json_object_get(it, "media"), i, m) {
		const char *s = ba_json_str(m, "sha256", ba_json_str(m, "ref", ""));
		h = mix64(h ^ fnv(s, strlen(s)));
	}
	return h;
}

typedef struct bucket {
	uint64_t h;
	long idx;
} bucket;

static int bucket_cmp(const void *a, const void *b)
{
	const bucket *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

size_t ba_verify_dedup(const json_t *items, double threshold, int shingle, long *dup_of)
{
	size_t n = json_array_size(items), i, j, band, ndup = 0;
	ba_minhash *qs = ba_calloc(n ? n : 1, sizeof(*qs)), *cs = ba_calloc(n ? n : 1, sizeof(*cs));
	uint64_t *mk = ba_calloc(n ? n : 1, sizeof(*mk)), *ex = ba_calloc(n ? n : 1, sizeof(*ex));
	bucket *bk = ba_calloc(n ? n : 1, sizeof(*bk));
	char *nc;

	for (i = 0; i < n; i++) {
		const json_t *it = json_array_get(items, i);
		char *st = stem_text(it), *ns = ba_verify_normalize(st);
		dup_of[i] = -1;
		mk[i] = media_key(it);
		nc = ba_verify_normalize(ba_json_str(it, "context", ""));
		ex[i] = mix64(fnv(ns, strlen(ns)) ^ mix64(fnv(nc, strlen(nc))) ^ mk[i]);
		ba_minhash_compute(&qs[i], st, shingle);
		ba_minhash_compute(&cs[i], ba_json_str(it, "context", ""), shingle);
		free(nc);
		free(ns);
		free(st);
	}
	/* exact: equal normalised text and media (hash, then sorted runs) */
	for (i = 0; i < n; i++) {
		bk[i].h = ex[i];
		bk[i].idx = (long)i;
	}
	qsort(bk, n, sizeof(*bk), bucket_cmp);
	for (i = 1; i < n; i++)
		if (bk[i].h == bk[i - 1].h) {
			long first = bk[i - 1].idx;
			while (dup_of[first] >= 0)
				first = dup_of[first];
			dup_of[bk[i].idx] = first;
		}
	/* near: LSH on the stem signature, one band at a time */
	for (band = 0; band < BANDS; band++) {
		size_t r0 = 0;
		for (i = 0; i < n; i++) {
			uint64_t h = mk[i] ^ (0x9e37ULL * (band + 1));
			for (j = 0; j < ROWS; j++)
				h = mix64(h ^ qs[i].h[band * ROWS + j]);
			bk[i].h = h;
			bk[i].idx = (long)i;
		}
		qsort(bk, n, sizeof(*bk), bucket_cmp);
		for (i = 1; i <= n; i++) {
			if (i < n && bk[i].h == bk[r0].h)
				continue;
			/* run r0..i-1 shares the band: the later item is a duplicate of the
			 * earliest kept one it is similar enough to */
			for (j = r0 + 1; j < i; j++) {
				long b = bk[j].idx;
				size_t k;
				if (dup_of[b] >= 0)
					continue;
				for (k = r0; k < j; k++) {
					long a = bk[k].idx;
					double cq, cc;
					if (dup_of[a] >= 0 || a > b)
						continue;
					cq = ba_minhash_similarity(&qs[a], &qs[b]);
					cc = ba_minhash_similarity(&cs[a], &cs[b]);
					if (cq >= threshold && cc >= threshold) {
						dup_of[b] = a;
						break;
					}
				}
			}
			r0 = i;
		}
	}
	for (i = 0; i < n; i++)
		ndup += dup_of[i] >= 0;
	free(qs);
	free(cs);
	free(mk);
	free(ex);
	free(bk);
	return ndup;
}

/* ---- the incremental index: the same rule as ba_verify_dedup, one item
 * at a time (exact key and LSH band buckets in hash tables) ---- */

struct ba_dedup {
	double threshold;
	int shingle;
	size_t n, cap;            /* kept items */
	ba_minhash *qs, *cs;      /* their stem and context signatures */
	uint64_t *mk;             /* their media keys */
	/* one open-addressing table for the exact keys and the band keys:
	 * (key, item index) pairs, tcap a power of two */
	uint64_t *tkey;
	long *tidx;
	size_t tn, tcap;
};

static void table_put(ba_dedup *d, uint64_t key, long idx);

static void table_grow(ba_dedup *d)
{
	uint64_t *ok = d->tkey;
	long *oi = d->tidx;
	size_t ocap = d->tcap, i;

	d->tcap = ocap ? ocap * 2 : 4096;
	d->tkey = ba_calloc(d->tcap, sizeof(*d->tkey));
	d->tidx = ba_malloc(d->tcap * sizeof(*d->tidx));
	for (i = 0; i < d->tcap; i++)
		d->tidx[i] = -1;
	d->tn = 0;
	for (i = 0; i < ocap; i++)
		if (oi[i] >= 0)
			table_put(d, ok[i], oi[i]);
	free(ok);
	free(oi);
}

static void table_put(ba_dedup *d, uint64_t key, long idx)
{
	size_t i;

	if ((d->tn + 1) * 2 > d->tcap)
		table_grow(d);
	for (i = (size_t)mix64(key) & (d->tcap - 1); d->tidx[i] >= 0; i = (i + 1) & (d->tcap - 1))
		;
	d->tkey[i] = key;
	d->tidx[i] = idx;
	d->tn++;
}

int ba_dedup_new(ba_dedup **out, double threshold, int shingle)
{
	ba_dedup *d = ba_calloc(1, sizeof(*d));

	d->threshold = threshold;
	d->shingle = shingle > 0 ? shingle : 3;
	table_grow(d);
	*out = d;
	return 0;
}

void ba_dedup_free(ba_dedup *d)
{
	if (!d)
		return;
	free(d->qs);
	free(d->cs);
	free(d->mk);
	free(d->tkey);
	free(d->tidx);
	free(d);
}

static uint64_t exact_key(const json_t *it, uint64_t mk)
{
	char *st = stem_text(it), *ns = ba_verify_normalize(st);
	char *nc = ba_verify_normalize(ba_json_str(it, "context", ""));
	uint64_t h = mix64(fnv(ns, strlen(ns)) ^ mix64(fnv(nc, strlen(nc))) ^ mk);

	free(nc);
	free(ns);
	free(st);
	return h;
}

static uint64_t band_key(const ba_minhash *q, uint64_t mk, size_t band)
{
	uint64_t h = mk ^ (0x9e37ULL * (band + 1));
	size_t j;

	for (j = 0; j < ROWS; j++)
		h = mix64(h ^ q->h[band * ROWS + j]);
	return h ^ 0x5bd1e995ULL; /* apart from the exact keys */
}

long ba_dedup_add(ba_dedup *d, const json_t *item)
{
	uint64_t mk = media_key(item), ex = exact_key(item, mk);
	ba_minhash q, c;
	char *st;
	size_t i, band;

	for (i = (size_t)mix64(ex) & (d->tcap - 1); d->tidx[i] >= 0; i = (i + 1) & (d->tcap - 1))
		if (d->tkey[i] == ex)
			return d->tidx[i];
	st = stem_text(item);
	ba_minhash_compute(&q, st, d->shingle);
	ba_minhash_compute(&c, ba_json_str(item, "context", ""), d->shingle);
	free(st);
	for (band = 0; band < BANDS && d->threshold <= 1.0; band++) {
		uint64_t bk = band_key(&q, mk, band);
		for (i = (size_t)mix64(bk) & (d->tcap - 1); d->tidx[i] >= 0; i = (i + 1) & (d->tcap - 1)) {
			long a = d->tidx[i];
			if (d->tkey[i] != bk || d->mk[a] != mk)
				continue;
			if (ba_minhash_similarity(&d->qs[a], &q) >= d->threshold &&
			    ba_minhash_similarity(&d->cs[a], &c) >= d->threshold)
				return a;
		}
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->qs = ba_realloc(d->qs, d->cap * sizeof(*d->qs));
		d->cs = ba_realloc(d->cs, d->cap * sizeof(*d->cs));
		d->mk = ba_realloc(d->mk, d->cap * sizeof(*d->mk));
	}
	d->qs[d->n] = q;
	d->cs[d->n] = c;
	d->mk[d->n] = mk;
	table_put(d, ex, (long)d->n);
	for (band = 0; band < BANDS && d->threshold <= 1.0; band++)
		table_put(d, band_key(&q, mk, band), (long)d->n);
	d->n++;
	return -1;
}
