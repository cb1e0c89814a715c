/*
 * stats.h - item and model statistics for evaluation: seeded bootstrap
 * confidence intervals, paired comparisons (paired bootstrap + exact
 * McNemar), separability, a regularised 2PL IRT fit, item flags, Spearman
 * rank correlation and a planner for how many items a target interval
 * needs. Pure C, no I/O, no globals; every random draw comes from a
 * ba_rng seeded by the caller's seed, so results are reproducible.
 *
 * Score matrices are row-major nmodels x nitems doubles in [0,1] (1 =
 * correct; a fraction when several epochs were averaged); NAN = missing.
 */
#ifndef BA_STATS_H
#define BA_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "benchagent/error.h"

typedef struct ba_stats_opts {
	int resamples;     /* bootstrap resamples (default 1000) */
	uint64_t seed;     /* bootstrap seed */
	double level;      /* interval level (default 0.95) */
} ba_stats_opts;

#define BA_STATS_OPTS_INIT { 1000, 1, 0.95 }

/* A point estimate with a (percentile bootstrap) interval. */
typedef struct ba_ci {
	double est;
	double lo;
	double hi;
	size_t n;          /* observations used (missing values skipped) */
} ba_ci;

/* Standard normal quantile (Acklam's rational approximation, |err| < 1e-9
 * after one Newton step). p in (0,1); 0 or 1 give -/+ infinity. */
double ba_stats_norm_quantile(double p);
/* Standard normal CDF. */
double ba_stats_norm_cdf(double x);

/* Mean of x[0..n) (NAN entries skipped) with a percentile bootstrap
 * interval: opts->resamples resamples of the non-missing values, drawn
 * with ba_rng(opts->seed, stream). stream separates independent
 * intervals (e.g. one per model) under the same seed. n == 0 (or all
 * missing) gives est = lo = hi = NAN and returns BA_EINVAL. */
int ba_stats_bootstrap_mean(const double *x, size_t n, const ba_stats_opts *opts,
			    uint64_t stream, ba_ci *out);

/* Paired bootstrap of mean(a) - mean(b) over items where both are present:
 * the same resampled item indices for both. */
int ba_stats_paired_bootstrap(const double *a, const double *b, size_t n,
			      const ba_stats_opts *opts, uint64_t stream, ba_ci *out);

/* Exact two-sided McNemar test on the discordant counts: nb = items only
 * the first model solved, nc = only the second. p = min(1, 2 * P(X <=
 * min(nb,nc))), X ~ Binomial(nb+nc, 1/2). nb + nc == 0 gives 1. */
double ba_stats_mcnemar_exact(long nb, long nc);

/* Share of the k*(k-1)/2 pairs of intervals that do not overlap; k < 2
 * gives NAN. */
double ba_stats_separability(const ba_ci *cis, size_t k);

/* Spearman rank correlation (average ranks for ties). n < 2 or a constant
 * input gives NAN. */
double ba_stats_spearman(const double *x, const double *y, size_t n);
/* Pearson correlation; NAN when undefined. */
double ba_stats_pearson(const double *x, const double *y, size_t n);

/* Holm's step-down correction of n p-values for multiple comparisons:
 * adj[i] = max over the first k sorted p of (n - j) p_(j), capped at 1,
 * monotone. adj may not alias p. */
void ba_stats_holm(const double *p, size_t n, double *adj);

/* Items needed so that a level interval for an accuracy near p has half
 * width <= half_width: ceil(z^2 p (1-p) / h^2) (normal approximation,
 * with p = 0.5 when p is outside (0,1): the worst case). Returns 0 for a
 * non-positive half width. */
long ba_stats_plan_items(double p, double half_width, double level);

/* ---- 2PL item response theory ----
 * P(correct | model i, item j) = 1 / (1 + exp(-a_j (theta_i - b_j))).
 * Joint maximum a posteriori fit (priors theta ~ N(0, 1), b ~ N(0, sd_b^2),
 * a ~ N(mean_a, sd_a^2); a may go negative: a suspect key), by alternating
 * Newton steps: one Fisher-scoring step per model ability, then one per
 * item (a, b) pair, damped, until the largest change < tol. Standard
 * errors come from the inverse information (prior included) at the
 * solution, each block holding the others fixed. */
typedef struct ba_irt_opts {
	int max_iter;      /* default 300 */
	double tol;        /* default 1e-4 */
	double sd_theta;   /* default 1 */
	double sd_b;       /* default 2 */
	double mean_a;     /* default 1 */
	double sd_a;       /* default 1 */
} ba_irt_opts;

#define BA_IRT_OPTS_INIT { 300, 1e-4, 1.0, 2.0, 1.0, 1.0 }

typedef struct ba_irt_fit {
	size_t nmodels;
	size_t nitems;
	double *theta, *theta_se;   /* nmodels each */
	double *a, *a_se;           /* nitems each */
	double *b, *b_se;           /* nitems each */
	int iterations;
	int converged;
	double logpost;             /* log posterior at the solution */
} ba_irt_fit;

/* Fit y (nmodels x nitems, row-major, values in [0,1], NAN missing).
 * Needs nmodels >= 3 and nitems >= 1 (BA_EINVAL otherwise). *out is the
 * caller's (free with ba_irt_fit_free). opts may be NULL (defaults). */
int ba_irt_fit_2pl(const double *y, size_t nmodels, size_t nitems, const ba_irt_opts *opts,
		   ba_irt_fit **out, ba_error *err);
void ba_irt_fit_free(ba_irt_fit *fit);

/* Simulate examinees under a known 2PL (for checks and benches): theta_i
 * ~ N(0, theta_sd^2), b_j ~ N(0, 1), a_j ~ exp(N(0.2, 0.3^2)), y_ij ~
 * Bernoulli(P). Arrays are the caller's: theta[nm], a[ni], b[ni], y[nm*ni];
 * truth (optional, nm) gets each model's expected accuracy over the
 * item population (Monte Carlo with 200,000 fresh items, same seed). */
void ba_irt_simulate(size_t nm, size_t ni, double theta_sd, uint64_t seed, double *theta,
		     double *a, double *b, double *y, double *truth);

/* ---- item flags ---- */
enum {
	BA_ITEM_SOLVED_BY_ALL = 1,    /* every model scored 1 on every epoch */
	BA_ITEM_SOLVED_BY_NONE = 2,   /* every model scored 0 */
	BA_ITEM_NEG_DISCRIM = 4       /* discrimination <= 0: suspect answer key */
};

/* Flags per item into flags[nitems]. Negative discrimination uses the
 * IRT a_j <= 0 when fit is given, otherwise the item-rest correlation
 * (item score vs the model's mean on the other items) < 0. Items nobody
 * or everybody solved never get the discrimination flag. Needs
 * nmodels >= 2 for the discrimination flag. */
void ba_stats_item_flags(const double *y, size_t nmodels, size_t nitems, const ba_irt_fit *fit,
			 unsigned *flags);
/* Item-rest correlation of item j (NAN when undefined). */
double ba_stats_item_rest_corr(const double *y, size_t nmodels, size_t nitems, size_t j);

#endif
