/*
 * stats.c - the audit's statistics: Krippendorff's alpha (interval metric),
 * Cohen's kappa on a 2x2 table, means with Student t 95% intervals, and
 * Spearman's rank correlation over the complete pairs (length bias).
 */
#include "benchagent/audit.h"
#include "benchagent/alloc.h"
#include "benchagent/stats.h"

#include <math.h>
#include <stdlib.h>

/* Sum over ordered pairs i != j of (v_i - v_j)^2 for a set with count m,
 * sum s and sum of squares q: 2 (m q - s^2). */
static double pair_sq(double m, double s, double q)
{
	return 2 * (m * q - s * s);
}

double ba_audit_kalpha_interval(const double *x, size_t ncoders, size_t nunits)
{
	double n = 0, s = 0, q = 0, dobs = 0, dexp;
	size_t u, c;

	for (u = 0; u < nunits; u++) {
		double mu = 0, su = 0, qu = 0;
		for (c = 0; c < ncoders; c++) {
			double v = x[c * nunits + u];
			if (isnan(v))
				continue;
			mu++;
			su += v;
			qu += v * v;
		}
		if (mu < 2)
			continue;  /* a unit with one value has nothing to agree on */
		dobs += pair_sq(mu, su, qu) / (mu - 1);
		n += mu;
		s += su;
		q += qu;
	}
	if (n < 2)
		return NAN;
	dobs /= n;
	dexp = pair_sq(n, s, q) / (n * (n - 1));
	if (!(dexp > 0))
		return NAN;
	return 1 - dobs / dexp;
}

double ba_audit_cohen_kappa(const long m[2][2])
{
	double n = (double)(m[0][0] + m[0][1] + m[1][0] + m[1][1]);
	double po, pe, r0, r1, c0, c1;

	if (n <= 0)
		return NAN;
	r0 = (double)(m[0][0] + m[0][1]);
	r1 = (double)(m[1][0] + m[1][1]);
	c0 = (double)(m[0][0] + m[1][0]);
	c1 = (double)(m[0][1] + m[1][1]);
	po = (double)(m[0][0] + m[1][1]) / n;
	pe = (r0 * c0 + r1 * c1) / (n * n);
	if (pe >= 1)
		return NAN;
	return (po - pe) / (1 - pe);
}

/* two-sided 95% Student t quantile for df degrees of freedom */
static double t975(size_t df)
{
	static const double tab[31] = { 0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
					2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
					2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
					2.052, 2.048, 2.045, 2.042 };
	double z = 1.959964, d = (double)df;

	if (df <= 30)
		return tab[df];
	/* Cornish-Fisher expansion; within 1e-3 of the exact value above 30 */
	return z + (z * z * z + z) / (4 * d) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

size_t ba_audit_mean_ci(const double *v, size_t n, double *mean, double *lo, double *hi)
{
	double s = 0, ss = 0, m, h;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s += v[i];
			k++;
		}
	if (k == 0) {
		*mean = *lo = *hi = NAN;
		return 0;
	}
	m = s / (double)k;
	*mean = *lo = *hi = m;
	if (k < 2)
		return k;
	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			ss += (v[i] - m) * (v[i] - m);
	h = t975(k - 1) * sqrt(ss / (double)(k - 1) / (double)k);
	*lo = m - h;
	*hi = m + h;
	return k;
}

double ba_audit_spearman(const double *x, const double *y, size_t n)
{
	double *a = ba_calloc(n + 1, sizeof(double)), *b = ba_calloc(n + 1, sizeof(double)), out = NAN;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i])) {
			a[k] = x[i];
			b[k] = y[i];
			k++;
		}
	if (k >= 3)
		out = ba_stats_spearman(a, b, k);
	free(a);
	free(b);
	return out;
}
