/*
 * stats.c - bootstrap intervals, paired comparisons, McNemar, separability,
 * rank correlation and the item planner (see stats.h).
 */
#include "benchagent/stats.h"
#include "benchagent/alloc.h"
#include "benchagent/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double ba_stats_norm_cdf(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

double ba_stats_norm_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
				    -2.759285104469687e+02, 1.383577518672690e+02,
				    -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
				    -1.556989798598866e+02, 6.680131188771972e+01,
				    -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
				    -2.400758277161838e+00, -2.549732539343734e+00,
				    4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
				    2.445134137142996e+00, 3.754408661907416e+00 };
	const double plow = 0.02425, phigh = 1 - 0.02425;
	double q, r, x, e, u;

	if (!(p > 0))
		return -INFINITY;
	if (!(p < 1))
		return INFINITY;
	if (p < plow) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= phigh) {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	} else {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	/* one Halley refinement step */
	e = ba_stats_norm_cdf(x) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* Type-7 quantile of sorted v[0..n). */
static double quantile_sorted(const double *v, size_t n, double q)
{
	double h = (double)(n - 1) * q, f = floor(h);
	size_t i = (size_t)f;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - f) * (v[i + 1] - v[i]);
}

static void opts_or_default(const ba_stats_opts *in, ba_stats_opts *o)
{
	ba_stats_opts def = BA_STATS_OPTS_INIT;

	*o = in ? *in : def;
	if (o->resamples < 1)
		o->resamples = def.resamples;
	if (!(o->level > 0 && o->level < 1))
		o->level = def.level;
}

/* Percentile interval of resampled means of v[0..n) (values already
 * compacted); v2 non-NULL makes it a paired difference v - v2. */
static void bootstrap(const double *v, const double *v2, size_t n, const ba_stats_opts *o,
		      uint64_t stream, ba_ci *out)
{
	double *means = ba_malloc(sizeof(double) * (size_t)o->resamples);
	double est = 0;
	ba_rng rng;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		est += v2 ? v[i] - v2[i] : v[i];
	est /= (double)n;
	ba_rng_seed(&rng, o->seed, stream);
	for (r = 0; r < o->resamples; r++) {
		double s = 0;
		for (i = 0; i < n; i++) {
			uint32_t k = ba_rng_below(&rng, (uint32_t)n);
			s += v2 ? v[k] - v2[k] : v[k];
		}
		means[r] = s / (double)n;
	}
	qsort(means, (size_t)o->resamples, sizeof(double), cmp_double);
	out->est = est;
	out->lo = quantile_sorted(means, (size_t)o->resamples, (1 - o->level) / 2);
	out->hi = quantile_sorted(means, (size_t)o->resamples, 1 - (1 - o->level) / 2);
	out->n = n;
	free(means);
}

static void ci_nan(ba_ci *out)
{
	out->est = out->lo = out->hi = NAN;
	out->n = 0;
}

int ba_stats_bootstrap_mean(const double *x, size_t n, const ba_stats_opts *opts,
			    uint64_t stream, ba_ci *out)
{
	ba_stats_opts o;
	double *v;
	size_t i, m = 0;

	opts_or_default(opts, &o);
	ci_nan(out);
	if (n == 0 || n > UINT32_MAX)
		return BA_EINVAL;
	v = ba_malloc(sizeof(double) * n);
	for (i = 0; i < n; i++)
		if (!isnan(x[i]))
			v[m++] = x[i];
	if (m > 0)
		bootstrap(v, NULL, m, &o, stream, out);
	free(v);
	return m > 0 ? 0 : BA_EINVAL;
}

int ba_stats_paired_bootstrap(const double *a, const double *b, size_t n,
			      const ba_stats_opts *opts, uint64_t stream, ba_ci *out)
{
	ba_stats_opts o;
	double *va, *vb;
	size_t i, m = 0;

	opts_or_default(opts, &o);
	ci_nan(out);
	if (n == 0 || n > UINT32_MAX)
		return BA_EINVAL;
	va = ba_malloc(sizeof(double) * n);
	vb = ba_malloc(sizeof(double) * n);
	for (i = 0; i < n; i++)
		if (!isnan(a[i]) && !isnan(b[i])) {
			va[m] = a[i];
			vb[m++] = b[i];
		}
	if (m > 0)
		bootstrap(va, vb, m, &o, stream, out);
	free(va);
	free(vb);
	return m > 0 ? 0 : BA_EINVAL;
}

double ba_stats_mcnemar_exact(long nb, long nc)
{
	long m = nb + nc, k = nb < nc ? nb : nc, i;
	double lfm, tail = 0, p;

	if (nb < 0 || nc < 0)
		return NAN;
	if (m == 0)
		return 1.0;
	lfm = lgamma((double)m + 1);
	for (i = 0; i <= k; i++)
		tail += exp(lfm - lgamma((double)i + 1) - lgamma((double)(m - i) + 1) -
			    (double)m * M_LN2);
	p = 2 * tail;
	return p > 1 ? 1 : p;
}

double ba_stats_separability(const ba_ci *cis, size_t k)
{
	size_t i, j, pairs = 0, sep = 0;

	if (k < 2)
		return NAN;
	for (i = 0; i < k; i++)
		for (j = i + 1; j < k; j++) {
			pairs++;
			if (cis[i].hi < cis[j].lo || cis[j].hi < cis[i].lo)
				sep++;
		}
	return (double)sep / (double)pairs;
}

double ba_stats_pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
	size_t i;

	if (n < 2)
		return NAN;
	for (i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	if (sxx <= 0 || syy <= 0)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

typedef struct rank_ent {
	double v;
	size_t i;
} rank_ent;

static int cmp_rank(const void *pa, const void *pb)
{
	const rank_ent *a = pa, *b = pb;

	return (a->v > b->v) - (a->v < b->v);
}

/* Average ranks (1-based) of x into r. */
static void ranks(const double *x, size_t n, double *r)
{
	rank_ent *e = ba_malloc(sizeof(rank_ent) * n);
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		e[i].v = x[i];
		e[i].i = i;
	}
	qsort(e, n, sizeof(rank_ent), cmp_rank);
	for (i = 0; i < n; i = j) {
		double avg;
		for (j = i + 1; j < n && e[j].v == e[i].v; j++)
			;
		avg = ((double)(i + 1) + (double)j) / 2.0;
		for (k = i; k < j; k++)
			r[e[k].i] = avg;
	}
	free(e);
}

double ba_stats_spearman(const double *x, const double *y, size_t n)
{
	double *rx, *ry, rho;

	if (n < 2)
		return NAN;
	rx = ba_malloc(sizeof(double) * n);
	ry = ba_malloc(sizeof(double) * n);
	ranks(x, n, rx);
	ranks(y, n, ry);
	rho = ba_stats_pearson(rx, ry, n);
	free(rx);
	free(ry);
	return rho;
}

long ba_stats_plan_items(double p, double half_width, double level)
{
	double z, n;

	if (!(half_width > 0))
		return 0;
	if (!(p > 0 && p < 1))
		p = 0.5;
	if (!(level > 0 && level < 1))
		level = 0.95;
	z = ba_stats_norm_quantile(1 - (1 - level) / 2);
	n = ceil(z * z * p * (1 - p) / (half_width * half_width) - 1e-9);
	return n < 1 ? 1 : (long)n;
}

double ba_stats_item_rest_corr(const double *y, size_t nmodels, size_t nitems, size_t j)
{
	double *xi = ba_malloc(sizeof(double) * nmodels), *rest = ba_malloc(sizeof(double) * nmodels);
	size_t i, k, m = 0;
	double r;

	for (i = 0; i < nmodels; i++) {
		const double *row = y + i * nitems;
		double s = 0;
		size_t c = 0;
		if (isnan(row[j]))
			continue;
		for (k = 0; k < nitems; k++)
			if (k != j && !isnan(row[k])) {
				s += row[k];
				c++;
			}
		if (!c)
			continue;
		xi[m] = row[j];
		rest[m++] = s / (double)c;
	}
	r = ba_stats_pearson(xi, rest, m);
	free(xi);
	free(rest);
	return r;
}

void ba_stats_item_flags(const double *y, size_t nmodels, size_t nitems, const ba_irt_fit *fit,
			 unsigned *flags)
{
	double *rowsum = NULL;
	size_t *rowcnt = NULL;
	size_t i, j;

	if (!fit && nmodels >= 2) {
		/* model totals once, so the item-rest correlation is O(models) per item */
		rowsum = ba_calloc(nmodels, sizeof(double));
		rowcnt = ba_calloc(nmodels, sizeof(size_t));
		for (i = 0; i < nmodels; i++)
			for (j = 0; j < nitems; j++)
				if (!isnan(y[i * nitems + j])) {
					rowsum[i] += y[i * nitems + j];
					rowcnt[i]++;
				}
	}
	for (j = 0; j < nitems; j++) {
		int all = 1, none = 1, seen = 0;
		unsigned f = 0;
		for (i = 0; i < nmodels; i++) {
			double v = y[i * nitems + j];
			if (isnan(v))
				continue;
			seen = 1;
			if (v < 1)
				all = 0;
			if (v > 0)
				none = 0;
		}
		if (seen && all)
			f |= BA_ITEM_SOLVED_BY_ALL;
		else if (seen && none)
			f |= BA_ITEM_SOLVED_BY_NONE;
		else if (seen && fit && j < fit->nitems) {
			if (fit->a[j] <= 0)
				f |= BA_ITEM_NEG_DISCRIM;
		} else if (seen && rowsum) {
			double *xi = ba_malloc(sizeof(double) * nmodels);
			double *rest = ba_malloc(sizeof(double) * nmodels);
			size_t m = 0;
			double r;
			for (i = 0; i < nmodels; i++) {
				double v = y[i * nitems + j];
				if (isnan(v) || rowcnt[i] < 2)
					continue;
				xi[m] = v;
				rest[m++] = (rowsum[i] - v) / (double)(rowcnt[i] - 1);
			}
			r = ba_stats_pearson(xi, rest, m);
			if (!isnan(r) && r < 0)
				f |= BA_ITEM_NEG_DISCRIM;
			free(xi);
			free(rest);
		}
		flags[j] = f;
	}
	free(rowsum);
	free(rowcnt);
}

void ba_stats_holm(const double *p, size_t n, double *adj)
{
	size_t *ord = ba_malloc(sizeof(size_t) * (n + 1)), i, j, t;
	double run = 0;

	for (i = 0; i < n; i++)
		ord[i] = i;
	for (i = 1; i < n; i++)  /* insertion sort by p: pair counts are small */
		for (j = i; j > 0 && p[ord[j]] < p[ord[j - 1]]; j--) {
			t = ord[j];
			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		double v = (double)(n - i) * p[ord[i]];
		if (v > run)
			run = v;
		adj[ord[i]] = run > 1 ? 1 : run;
	}
	free(ord);
}
