/*
 * summary.c - from a score array (judges x items x criteria) to the audit
 * report (docs/audit.md): per item panel means, weakest criterion, mean
 * verdict and majority vote; per subtask and overall means with 95%
 * intervals; Krippendorff's alpha per criterion; self-preference and
 * length-bias warnings; the worst items; agreement with human reviews.
 * Pure: no I/O, so tests can feed hand-made scores.
 */
#include "audit_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/eval.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WORST_MAX 10
#define LENGTH_BIAS_RHO 0.3
#define LENGTH_BIAS_MIN_ITEMS 10

typedef struct sum_ctx {
	const json_t *items, *judges, *rationales;
	const double *y;          /* (j * ni + i) * NCRIT + c */
	size_t ni, nj;
	double thr;
	double *panel;            /* i * NCRIT + c: mean over judges */
	double *minscore;         /* i: min over criteria of panel */
	double *score;            /* i: mean over criteria of panel */
	json_t *warnings;
} sum_ctx;

static json_t *jnum(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 1e4) / 1e4);
}

static double Y(const sum_ctx *s, size_t j, size_t i, int c)
{
	return s->y[(j * s->ni + i) * BA_AUDIT_NCRIT + c];
}

/* min over criteria of judge j's scores on item i (NAN when incomplete) */
static double judge_min(const sum_ctx *s, size_t j, size_t i)
{
	double m = INFINITY;
	int c;

	for (c = 0; c < BA_AUDIT_NCRIT; c++) {
		double v = Y(s, j, i, c);
		if (isnan(v))
			return NAN;
		if (v < m)
			m = v;
	}
	return m;
}

static void panel_means(sum_ctx *s)
{
	size_t i, j;
	int c;

	for (i = 0; i < s->ni; i++) {
		double mn = INFINITY, tot = 0;
		int complete = 1;
		for (c = 0; c < BA_AUDIT_NCRIT; c++) {
			double sum = 0, k = 0, m;
			for (j = 0; j < s->nj; j++)
				if (!isnan(Y(s, j, i, c))) {
					sum += Y(s, j, i, c);
					k++;
				}
			m = k > 0 ? sum / k : NAN;
			s->panel[i * BA_AUDIT_NCRIT + c] = m;
			if (isnan(m))
				complete = 0;
			else if (m < mn)
				mn = m;
			tot += m;
		}
		s->minscore[i] = complete ? mn : NAN;
		s->score[i] = complete ? tot / BA_AUDIT_NCRIT : NAN;
	}
}

/* The rationale for item i on criterion c from the judge who scored it lowest. */
static json_t *weakest(const sum_ctx *s, size_t i, int c)
{
	const char *id = ba_json_str(json_array_get(s->items, i), "id", "");
	double best = INFINITY;
	size_t j, bj = 0;
	json_t *r;
	char *k;

	for (j = 0; j < s->nj; j++)
		if (!isnan(Y(s, j, i, c)) && Y(s, j, i, c) < best) {
			best = Y(s, j, i, c);
			bj = j;
		}
	k = ba_asprintf("%s\n%s", json_string_value(json_array_get(s->judges, bj)), id);
	r = json_object_get(json_object_get(s->rationales, k), ba_audit_criteria[c]);
	free(k);
	return json_pack("{s:s, s:o, s:s, s:s}", "criterion", ba_audit_criteria[c], "score",
			 jnum(s->panel[i * BA_AUDIT_NCRIT + c]), "judge",
			 json_string_value(json_array_get(s->judges, bj)), "rationale",
			 ba_json_str(r, "rationale", ""));
}

static size_t item_length(const json_t *it)
{
	size_t n = strlen(ba_json_str(it, "question", "")) + strlen(ba_json_str(it, "context", ""));
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(it, "choices"), i, c)
		n += strlen(json_string_value(c) ? json_string_value(c) : "");
	return n;
}

/* One item's row: panel scores, weakest criterion, verdicts, each judge's reply. */
static json_t *item_row(const sum_ctx *s, size_t i)
{
	const json_t *it = json_array_get(s->items, i);
	const char *id = ba_json_str(it, "id", "");
	json_t *sc = json_object(), *per = json_object(), *row;
	long pass = 0, fail = 0;
	double mn = INFINITY;
	size_t j;
	int c, wc = -1;

	for (c = 0; c < BA_AUDIT_NCRIT; c++) {
		double v = s->panel[i * BA_AUDIT_NCRIT + c];
		json_object_set_new(sc, ba_audit_criteria[c], jnum(v));
		if (!isnan(v) && v < mn) {
			mn = v;
			wc = c;
		}
	}
	for (j = 0; j < s->nj; j++) {
		const char *spec = json_string_value(json_array_get(s->judges, j));
		char *k = ba_asprintf("%s\n%s", spec, id);
		json_t *r = json_object_get(s->rationales, k);
		double jm = judge_min(s, j, i);
		free(k);
		if (r)
			json_object_set(per, spec, r);
		if (!isnan(jm))
			jm >= s->thr ? pass++ : fail++;
	}
	row = json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:b, s:{s:I, s:I}, s:s, s:o}", "id", id, "subtask",
			ba_json_str(it, "subtask", "all"), "scores", sc, "score", jnum(s->score[i]), "min_score",
			jnum(s->minscore[i]), "length", (json_int_t)item_length(it), "pass",
			!isnan(s->minscore[i]) && s->minscore[i] >= s->thr, "votes", "pass", (json_int_t)pass,
			"fail", (json_int_t)fail, "majority",
			pass + fail == 0 ? "none" : pass > fail ? "pass" : fail > pass ? "fail" : "tie", "judges", per);
	if (wc >= 0)
		json_object_set_new(row, "weakest", weakest(s, i, wc));
	return row;
}

/* {criterion: {mean, ci, n}} plus score over the items whose subtask is
 * sub (NULL = all). */
static json_t *group_means(const sum_ctx *s, const char *sub, size_t *nitems, size_t *npass)
{
	double *v = ba_calloc(s->ni + 1, sizeof(double)), m, lo, hi;
	json_t *out = json_object(), *crit = json_object();
	size_t i, k;
	int c;

	*nitems = *npass = 0;
	for (i = 0; i < s->ni; i++)
		if (!sub || !strcmp(ba_json_str(json_array_get(s->items, i), "subtask", "all"), sub)) {
			(*nitems)++;
			*npass += !isnan(s->minscore[i]) && s->minscore[i] >= s->thr;
		}
	for (c = 0; c <= BA_AUDIT_NCRIT; c++) {
		for (i = 0, k = 0; i < s->ni; i++)
			if (!sub || !strcmp(ba_json_str(json_array_get(s->items, i), "subtask", "all"), sub))
				v[k++] = c < BA_AUDIT_NCRIT ? s->panel[i * BA_AUDIT_NCRIT + c] : s->score[i];
		k = ba_audit_mean_ci(v, k, &m, &lo, &hi);
		lo = lo < 0 ? 0 : lo;     /* scores live in [0, 100] */
		hi = hi > 100 ? 100 : hi;
		json_object_set_new(c < BA_AUDIT_NCRIT ? crit : out, c < BA_AUDIT_NCRIT ? ba_audit_criteria[c] : "score",
				    json_pack("{s:o, s:[o,o], s:I}", "mean", jnum(m), "ci", jnum(lo), jnum(hi), "n",
					      (json_int_t)k));
	}
	free(v);
	json_object_set_new(out, "criteria", crit);
	json_object_set_new(out, "items", json_integer((json_int_t)*nitems));
	json_object_set_new(out, "passed", json_integer((json_int_t)*npass));
	json_object_set_new(out, "pass_rate", *nitems ? json_real((double)*npass / (double)*nitems) : json_null());
	return out;
}

static json_t *subtask_means(const sum_ctx *s)
{
	json_t *out = json_object();
	size_t i, n, p;

	for (i = 0; i < s->ni; i++) {
		const char *sub = ba_json_str(json_array_get(s->items, i), "subtask", "all");
		if (!json_object_get(out, sub))
			json_object_set_new(out, sub, group_means(s, sub, &n, &p));
	}
	return out;
}

static json_t *alphas(const sum_ctx *s)
{
	double *x = ba_calloc(s->nj * s->ni + 1, sizeof(double));
	json_t *out = json_object();
	size_t i, j;
	int c;

	for (c = 0; c < BA_AUDIT_NCRIT; c++) {
		for (j = 0; j < s->nj; j++)
			for (i = 0; i < s->ni; i++)
				x[j * s->ni + i] = Y(s, j, i, c);
		json_object_set_new(out, ba_audit_criteria[c],
				    s->nj >= 2 ? jnum(ba_audit_kalpha_interval(x, s->nj, s->ni)) : json_null());
	}
	free(x);
	return out;
}

/* Per judge: family, count, means, self-preference, length correlation. */
static json_t *judge_rows(const sum_ctx *s, const json_t *writers, const json_t *families)
{
	double *len = ba_calloc(s->ni + 1, sizeof(double)), *jm = ba_calloc(s->ni + 1, sizeof(double));
	json_t *out = json_array(), *w;
	size_t i, j, k;
	int c;

	for (i = 0; i < s->ni; i++)
		len[i] = (double)item_length(json_array_get(s->items, i));
	for (j = 0; j < s->nj; j++) {
		const char *spec = json_string_value(json_array_get(s->judges, j));
		char *fam = ba_eval_family(spec, families);
		json_t *means = json_object(), *shared = json_array();
		size_t judged = 0;
		double rho;
		for (i = 0; i < s->ni; i++) {
			double t = 0;
			for (c = 0; c < BA_AUDIT_NCRIT; c++)
				t += Y(s, j, i, c);
			jm[i] = t / BA_AUDIT_NCRIT;
			judged += !isnan(jm[i]);
		}
		for (c = 0; c < BA_AUDIT_NCRIT; c++) {
			double *v = ba_calloc(s->ni + 1, sizeof(double)), m, lo, hi;
			for (i = 0; i < s->ni; i++)
				v[i] = Y(s, j, i, c);
			ba_audit_mean_ci(v, s->ni, &m, &lo, &hi);
			json_object_set_new(means, ba_audit_criteria[c], jnum(m));
			free(v);
		}
		json_array_foreach(writers, k, w) {
			char *wf = ba_eval_family(json_string_value(w), families);
			if (!strcmp(wf, fam))
				json_array_append(shared, w);
			free(wf);
		}
		rho = ba_audit_spearman(len, jm, s->ni);
		if (json_array_size(shared))
			json_array_append_new(s->warnings,
					      json_sprintf("self-preference: judge %s shares the family '%s' with the model(s) that wrote the items; prefer a judge from another family",
							   spec, fam));
		json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:I, s:o, s:b, s:o, s:o}", "spec", spec, "family", fam,
						     "items_judged", (json_int_t)judged, "failed",
						     (json_int_t)(s->ni - judged), "means", means, "self_preference",
						     json_array_size(shared) > 0, "shares_family_with", shared,
						     "length_spearman", jnum(rho)));
		free(fam);
	}
	free(len);
	free(jm);
	return out;
}

static json_t *length_bias(const sum_ctx *s)
{
	double *len = ba_calloc(s->ni + 1, sizeof(double)), rho;
	size_t i, n = 0;
	int warn;

	for (i = 0; i < s->ni; i++) {
		len[i] = (double)item_length(json_array_get(s->items, i));
		n += !isnan(s->score[i]);
	}
	rho = ba_audit_spearman(len, s->score, s->ni);
	free(len);
	warn = !isnan(rho) && fabs(rho) >= LENGTH_BIAS_RHO && n >= LENGTH_BIAS_MIN_ITEMS;
	if (warn)
		json_array_append_new(s->warnings,
				      json_sprintf("length bias: item score and item length correlate (Spearman %.2f over %zu items); check that judges do not reward long items",
						   rho, n));
	return json_pack("{s:o, s:I, s:b}", "spearman", jnum(rho), "items", (json_int_t)n, "warning", warn);
}

typedef struct worst_ent {
	double v;
	size_t i;
} worst_ent;

static int cmp_worst(const void *a, const void *b)
{
	const worst_ent *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static json_t *worst_items(const sum_ctx *s, const json_t *rows)
{
	worst_ent *e = ba_calloc(s->ni + 1, sizeof(worst_ent));
	json_t *out = json_array();
	size_t i, n = 0;

	for (i = 0; i < s->ni; i++)
		if (!isnan(s->minscore[i])) {
			e[n].v = s->minscore[i];
			e[n++].i = i;
		}
	qsort(e, n, sizeof(worst_ent), cmp_worst);
	for (i = 0; i < n && i < WORST_MAX; i++) {
		const json_t *r = json_array_get(rows, e[i].i), *w = json_object_get(r, "weakest");
		json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(r, "id"),
						     "subtask", json_object_get(r, "subtask"), "min_score",
						     json_object_get(r, "min_score"), "criterion",
						     json_object_get(w, "criterion"), "judge", json_object_get(w, "judge"),
						     "rationale", json_object_get(w, "rationale"), "pass",
						     json_object_get(r, "pass")));
	}
	free(e);
	return out;
}

json_t *ba_audit_summarize(const json_t *items, const json_t *judges, const double *scores,
			   const json_t *rationales, const json_t *humans, const json_t *writers,
			   const ba_audit_opts *opts)
{
	sum_ctx s = { 0 };
	json_t *rows = json_array(), *crit = json_array(), *rep;
	size_t i, n, p;

	s.items = items;
	s.judges = judges;
	s.rationales = rationales;
	s.y = scores;
	s.ni = json_array_size(items);
	s.nj = json_array_size(judges);
	s.thr = opts->threshold;
	s.panel = ba_calloc(s.ni * BA_AUDIT_NCRIT + 1, sizeof(double));
	s.minscore = ba_calloc(s.ni + 1, sizeof(double));
	s.score = ba_calloc(s.ni + 1, sizeof(double));
	s.warnings = json_array();
	panel_means(&s);
	for (i = 0; i < s.ni; i++)
		json_array_append_new(rows, item_row(&s, i));
	for (i = 0; i < BA_AUDIT_NCRIT; i++)
		json_array_append_new(crit, json_string(ba_audit_criteria[i]));
	rep = json_pack("{s:i, s:o, s:f, s:o, s:o}", "format_version", BA_AUDIT_FORMAT_VERSION, "criteria", crit,
			"threshold", s.thr, "judges", judge_rows(&s, writers, opts->families), "writers",
			writers ? json_deep_copy(writers) : json_array());
	json_object_set_new(rep, "overall", group_means(&s, NULL, &n, &p));
	json_object_set_new(rep, "subtasks", subtask_means(&s));
	json_object_set_new(rep, "agreement", json_pack("{s:I, s:s, s:o}", "judges", (json_int_t)s.nj, "metric",
							"krippendorff_alpha_interval", "krippendorff_alpha", alphas(&s)));
	json_object_set_new(rep, "bias", json_pack("{s:{s:s, s:I}, s:o}", "position", "control",
						   "criteria listed in a seeded random order per judge and item", "seed",
						   (json_int_t)opts->seed, "length", length_bias(&s)));
	json_object_set_new(rep, "worst", worst_items(&s, rows));
	json_object_set_new(rep, "humans", ba_audit_humans(items, s.minscore, humans, s.thr));
	json_object_set_new(rep, "items", rows);
	json_object_set_new(rep, "warnings", s.warnings);
	if (s.nj < 2)
		json_array_append_new(s.warnings, json_string("one judge: no inter-judge agreement; add --judge for a panel"));
	free(s.panel);
	free(s.minscore);
	free(s.score);
	return rep;
}
