/*
 * report.c - the statistics report of an evaluation (JSON) and its text
 * table, from a models x items score matrix.
 */
#include "benchagent/eval.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAIRS_ALL 12   /* up to this many models: every pair; above: neighbours by accuracy */

struct matrix_ctx {
	json_t *index, *mindex;
	double *sum, *cnt;
	size_t nitems;
};

static int add_score(void *ud, const char *model, const char *item, double score)
{
	struct matrix_ctx *c = ud;
	json_t *mi = json_object_get(c->mindex, model), *ii = json_object_get(c->index, item);
	size_t at;

	if (!mi || !ii)
		return 0;
	at = (size_t)json_integer_value(mi) * c->nitems + (size_t)json_integer_value(ii);
	c->sum[at] += score;
	c->cnt[at] += 1;
	return 0;
}

int ba_eval_load_matrix(ba_store *st, const char *bench_key, const json_t *items,
			const char *const *want, size_t nwant, int epochs, json_t **models,
			double **y, ba_error *err)
{
	json_t *index = json_object(), *mindex = json_object(), *it;
	double *sum = NULL, *cnt = NULL;
	struct matrix_ctx c;
	size_t nitems = json_array_size(items), i, nm;
	int rc = 0;

	*models = json_array();
	*y = NULL;
	json_array_foreach(items, i, it)
		json_object_set_new(index, ba_json_str(it, "id", ""), json_integer((json_int_t)i));
	for (i = 0; i < nwant; i++)
		if (!json_object_get(mindex, want[i])) {
			json_object_set_new(mindex, want[i], json_integer((json_int_t)json_array_size(*models)));
			json_array_append_new(*models, json_string(want[i]));
		}
	/* models in first-stored order unless the caller named them */
	if (!nwant) {
		json_t *stored = json_array(), *m;
		rc = ba_result_models(st, bench_key, stored, err);
		json_array_foreach(stored, i, m) {
			json_object_set_new(mindex, json_string_value(m), json_integer((json_int_t)json_array_size(*models)));
			json_array_append(*models, m);
		}
		json_decref(stored);
		if (rc)
			goto cleanup;
	}
	nm = json_array_size(*models);
	sum = ba_calloc(nm * nitems + 1, sizeof(double));
	cnt = ba_calloc(nm * nitems + 1, sizeof(double));
	c = (struct matrix_ctx){ index, mindex, sum, cnt, nitems };
	if ((rc = ba_result_foreach_score(st, bench_key, epochs, add_score, &c, err)) != 0)
		goto cleanup;
	*y = ba_malloc(sizeof(double) * (nm * nitems + 1));
	for (i = 0; i < nm * nitems; i++)
		(*y)[i] = cnt[i] > 0 ? sum[i] / cnt[i] : NAN;
cleanup:
	free(sum);
	free(cnt);
	json_decref(index);
	json_decref(mindex);
	if (rc) {
		json_decref(*models);
		*models = NULL;
		free(*y);
		*y = NULL;
	}
	return rc;
}

static json_t *ci_json(const ba_ci *c)
{
	if (isnan(c->est))
		return json_pack("{s:n, s:n, s:I}", "accuracy", "ci", "n", (json_int_t)c->n);
	return json_pack("{s:f, s:[f, f], s:I}", "accuracy", c->est, "ci", c->lo, c->hi, "n",
			 (json_int_t)c->n);
}

static const char *model_name(const char *spec)
{
	const char *p = strchr(spec, '/');

	return p ? p + 1 : spec;
}

static double lookup_num(const json_t *map, const char *spec, double def)
{
	json_t *v;

	if (!map)
		return def;
	v = json_object_get(map, spec);
	if (!v)
		v = json_object_get(map, model_name(spec));
	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v)) {
		char *end;
		double d = strtod(json_string_value(v), &end);
		if (end != json_string_value(v))
			return d;
	}
	return def;
}

/* Paired comparisons of the models, best first (adjacent pairs only past
 * MAX_PAIRS_ALL models), with McNemar p-values Holm-adjusted. */
static json_t *paired_json(const json_t *models, const double *y, size_t ni, const ba_ci *cis,
			   const ba_stats_opts *so)
{
	size_t nm = json_array_size(models), m, i;
	json_t *pairs = json_array();
	size_t *order = ba_malloc(sizeof(size_t) * nm), a, b, t;

	for (m = 0; m < nm; m++)
		order[m] = m;
	/* by accuracy, best first (insertion sort: nm is small) */
	for (a = 1; a < nm; a++)
		for (b = a; b > 0 && !(cis[order[b]].est <= cis[order[b - 1]].est); b--) {
			t = order[b];
			order[b] = order[b - 1];
			order[b - 1] = t;
		}
	for (a = 0; a < nm; a++)
		for (b = a + 1; b < nm; b++) {
			size_t ia = order[a], ib = order[b];
			const double *ra = y + ia * ni, *rb = y + ib * ni;
			long only_a = 0, only_b = 0;
			ba_ci d;
			if (nm > MAX_PAIRS_ALL && b != a + 1)
				continue;
			ba_stats_paired_bootstrap(ra, rb, ni, so, 100000 + ia * 1000 + ib, &d);
			for (i = 0; i < ni; i++) {
				int sa, sb;
				if (isnan(ra[i]) || isnan(rb[i]))
					continue;
				sa = ra[i] >= 0.5;
				sb = rb[i] >= 0.5;
				only_a += sa && !sb;
				only_b += sb && !sa;
			}
			json_array_append_new(
				pairs,
				json_pack("{s:s, s:s, s:f, s:[f, f], s:I, s:I, s:f}", "a",
					  json_string_value(json_array_get(models, ia)), "b",
					  json_string_value(json_array_get(models, ib)), "diff",
					  isnan(d.est) ? 0 : d.est, "ci", isnan(d.lo) ? 0 : d.lo,
					  isnan(d.hi) ? 0 : d.hi, "only_a", (json_int_t)only_a,
					  "only_b", (json_int_t)only_b, "mcnemar_p",
					  ba_stats_mcnemar_exact(only_a, only_b)));
		}
	free(order);
	{
		size_t np = json_array_size(pairs), k;
		double *pv = ba_malloc(sizeof(double) * (np + 1)), *adj = ba_malloc(sizeof(double) * (np + 1));
		for (k = 0; k < np; k++)
			pv[k] = ba_json_num(json_array_get(pairs, k), "mcnemar_p", 1);
		ba_stats_holm(pv, np, adj);
		for (k = 0; k < np; k++)
			json_object_set_new(json_array_get(pairs, k), "mcnemar_p_holm", json_real(adj[k]));
		free(pv);
		free(adj);
	}
	return pairs;
}

/* The ids flagged solved by all, by none, or negatively discriminating. */
static json_t *flags_json(const json_t *items, const unsigned *flags)
{
	json_t *fa = json_array(), *fn = json_array(), *fd = json_array(), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		const char *id = ba_json_str(it, "id", "");
		if (flags[i] & BA_ITEM_SOLVED_BY_ALL)
			json_array_append_new(fa, json_string(id));
		if (flags[i] & BA_ITEM_SOLVED_BY_NONE)
			json_array_append_new(fn, json_string(id));
		if (flags[i] & BA_ITEM_NEG_DISCRIM)
			json_array_append_new(fd, json_string(id));
	}
	return json_pack("{s:o, s:o, s:o}", "solved_by_all", fa, "solved_by_none", fn,
			 "negative_discrimination", fd);
}

/* Per family: the Spearman correlation of model size and accuracy. */
static json_t *size_json(const json_t *models, const ba_ci *cis, const ba_eval_opts *opts)
{
	size_t nm = json_array_size(models), m, j;
	json_t *fams = json_object(), *cons = json_array(), *lst;
	const char *fk;

	for (m = 0; m < nm; m++) {
		const char *spec = json_string_value(json_array_get(models, m));
		double size = lookup_num(opts->sizes, spec, NAN);
		char *fam;
		if (isnan(size) || isnan(cis[m].est))
			continue;
		fam = ba_eval_family(spec, opts->families);
		lst = json_object_get(fams, fam);
		if (!lst) {
			lst = json_array();
			json_object_set_new(fams, fam, lst);
		}
		json_array_append_new(lst, json_integer((json_int_t)m));
		free(fam);
	}
	json_object_foreach(fams, fk, lst) {
		size_t n = json_array_size(lst);
		double *xs = ba_malloc(sizeof(double) * (n + 1)), *ys = ba_malloc(sizeof(double) * (n + 1));
		json_t *names = json_array(), *v;
		double rho;
		json_array_foreach(lst, j, v) {
			size_t mi = (size_t)json_integer_value(v);
			const char *spec = json_string_value(json_array_get(models, mi));
			xs[j] = lookup_num(opts->sizes, spec, 0);
			ys[j] = cis[mi].est;
			json_array_append_new(names, json_string(spec));
		}
		rho = ba_stats_spearman(xs, ys, n);
		json_array_append_new(cons, json_pack("{s:s, s:o, s:I, s:f}", "family", fk, "models",
						      names, "n", (json_int_t)n, "spearman",
						      isnan(rho) ? 0 : rho));
		if (isnan(rho))
			json_object_set_new(json_array_get(cons, json_array_size(cons) - 1), "spearman",
					    json_null());
		free(xs);
		free(ys);
	}
	json_decref(fams);
	return cons;
}

json_t *ba_eval_report(const json_t *items, const json_t *models, const double *y,
		       const ba_eval_opts *opts)
{
	size_t nm = json_array_size(models), ni = json_array_size(items), m, i, s;
	json_t *rep = json_object(), *jm = json_array(), *subtasks = json_array(), *it;
	json_t *stidx = json_object();
	ba_ci *cis = ba_calloc(nm + 1, sizeof(ba_ci));
	double *tmp = ba_malloc(sizeof(double) * (ni + 1));
	size_t *sub_of = ba_malloc(sizeof(size_t) * (ni + 1));
	unsigned *flags = ba_calloc(ni + 1, sizeof(unsigned));
	ba_irt_fit *fit = NULL;
	const ba_stats_opts *so = &opts->stats;
	double maxhalf = 0, worstp = 0.5;

	json_array_foreach(items, i, it) {
		const char *st = ba_json_str(it, "subtask", "all");
		json_t *k = json_object_get(stidx, st);
		if (!k) {
			k = json_integer((json_int_t)json_array_size(subtasks));
			json_object_set_new(stidx, st, k);
			json_array_append_new(subtasks, json_string(st));
		}
		sub_of[i] = (size_t)json_integer_value(k);
	}
	json_object_set_new(rep, "items", json_integer((json_int_t)ni));
	json_object_set(rep, "subtasks", subtasks);

	/* accuracy with CI, overall and per subtask */
	for (m = 0; m < nm; m++) {
		const char *spec = json_string_value(json_array_get(models, m));
		const double *row = y + m * ni;
		json_t *o, *sj = json_object();
		char *fam = ba_eval_family(spec, opts->families);
		size_t missing = 0;
		double size = lookup_num(opts->sizes, spec, NAN);

		ba_stats_bootstrap_mean(row, ni, so, m, &cis[m]);
		for (i = 0; i < ni; i++)
			missing += isnan(row[i]);
		o = ci_json(&cis[m]);
		json_object_set_new(o, "model", json_string(spec));
		json_object_set_new(o, "family", json_string(fam));
		if (!isnan(size))
			json_object_set_new(o, "size_b", json_real(size));
		json_object_set_new(o, "missing", json_integer((json_int_t)missing));
		for (s = 0; s < json_array_size(subtasks); s++) {
			size_t n = 0;
			ba_ci c;
			for (i = 0; i < ni; i++)
				if (sub_of[i] == s)
					tmp[n++] = row[i];
			ba_stats_bootstrap_mean(tmp, n, so, 1000 + m * 1000 + s, &c);
			json_object_set_new(sj, json_string_value(json_array_get(subtasks, s)), ci_json(&c));
		}
		json_object_set_new(o, "subtasks", sj);
		json_array_append_new(jm, o);
		free(fam);
		if (!isnan(cis[m].est) && (cis[m].hi - cis[m].lo) / 2 > maxhalf) {
			maxhalf = (cis[m].hi - cis[m].lo) / 2;
			worstp = cis[m].est;
		}
	}
	json_object_set_new(rep, "models", jm);

	if (nm >= 2) {
		json_object_set_new(rep, "paired", paired_json(models, y, ni, cis, so));
		json_object_set_new(rep, "separability", json_real(ba_stats_separability(cis, nm)));
	}

	/* IRT with >= 3 models */
	if (nm >= 3) {
		ba_error e = BA_ERROR_INIT;
		if (ba_irt_fit_2pl(y, nm, ni, NULL, &fit, &e) == 0) {
			json_t *ji = json_array(), *jt = json_array();
			for (m = 0; m < nm; m++)
				json_array_append_new(jt, json_pack("{s:s, s:f, s:f}", "model",
								    json_string_value(json_array_get(models, m)),
								    "theta", fit->theta[m], "se", fit->theta_se[m]));
			json_array_foreach(items, i, it)
				json_array_append_new(ji, json_pack("{s:s, s:f, s:f, s:f, s:f}", "id",
								    ba_json_str(it, "id", ""), "a", fit->a[i],
								    "a_se", fit->a_se[i], "b", fit->b[i],
								    "b_se", fit->b_se[i]));
			json_object_set_new(rep, "irt",
					    json_pack("{s:o, s:o, s:i, s:b}", "models", jt, "items", ji,
						      "iterations", fit->iterations, "converged", fit->converged));
		} else {
			json_object_set_new(rep, "irt", json_null());
		}
	}

	ba_stats_item_flags(y, nm, ni, fit, flags);
	json_object_set_new(rep, "flags", flags_json(items, flags));

	if (opts->sizes && json_object_size(opts->sizes) > 0)
		json_object_set_new(rep, "size_consistency", size_json(models, cis, opts));

	/* planner */
	{
		double h = opts->plan_half_width > 0 ? opts->plan_half_width : 0.02;
		json_object_set_new(rep, "planner",
				    json_pack("{s:f, s:f, s:I, s:I}", "target_half_width", h,
					      "current_half_width", maxhalf, "items_now", (json_int_t)ni,
					      "items_needed",
					      (json_int_t)ba_stats_plan_items(worstp, h, so->level)));
	}
	json_object_set_new(rep, "stats",
			    json_pack("{s:i, s:I, s:f}", "resamples", so->resamples, "seed",
				      (json_int_t)so->seed, "level", so->level));
	ba_irt_fit_free(fit);
	json_decref(subtasks);
	json_decref(stidx);
	free(cis);
	free(tmp);
	free(sub_of);
	free(flags);
	return rep;
}

static void fmt_ci(ba_buf *b, const json_t *o)
{
	json_t *ci = json_object_get(o, "ci");

	if (!json_is_array(ci)) {
		ba_buf_printf(b, "%8s  %-17s", "-", "");
		return;
	}
	ba_buf_printf(b, "%7.1f%%  [%5.1f, %5.1f]  ", 100 * ba_json_num(o, "accuracy", 0),
		      100 * json_number_value(json_array_get(ci, 0)),
		      100 * json_number_value(json_array_get(ci, 1)));
}

char *ba_eval_format(const json_t *r)
{
	ba_buf b = BA_BUF_INIT(64u << 20);
	json_t *models = json_object_get(r, "models"), *subtasks = json_object_get(r, "subtasks");
	json_t *m, *p, *v, *irt = json_object_get(r, "irt"), *flags = json_object_get(r, "flags");
	json_t *req = json_object_get(r, "requests"), *w;
	size_t i, k;
	const char *key;

	ba_buf_printf(&b, "benchmark %s: %lld items, %lld epoch(s), %d resamples, %.0f%% intervals\n",
		      ba_json_str(r, "benchmark", "?"), ba_json_int(r, "items", 0),
		      ba_json_int(r, "epochs", 1), (int)ba_json_int(json_object_get(r, "stats"), "resamples", 0),
		      100 * ba_json_num(json_object_get(r, "stats"), "level", 0.95));
	if (req)
		ba_buf_printf(&b, "requests: %lld sent, %lld reused from the store, %lld failed\n",
			      ba_json_int(req, "submitted", 0), ba_json_int(req, "reused", 0),
			      ba_json_int(req, "failed", 0));
	ba_buf_printf(&b, "\n%-32s %8s  %-17s %7s\n", "model", "accuracy", "95% CI", "missing");
	json_array_foreach(models, i, m) {
		ba_buf_printf(&b, "%-32s ", ba_json_str(m, "model", "?"));
		fmt_ci(&b, m);
		ba_buf_printf(&b, "%7lld\n", ba_json_int(m, "missing", 0));
	}
	if (json_array_size(subtasks) > 1) {
		ba_buf_printf(&b, "\nper subtask:\n");
		json_array_foreach(subtasks, k, v) {
			const char *st = json_string_value(v);
			json_array_foreach(models, i, m) {
				json_t *o = json_object_get(json_object_get(m, "subtasks"), st);
				ba_buf_printf(&b, "  %-14s %-28s ", st, ba_json_str(m, "model", "?"));
				fmt_ci(&b, o);
				ba_buf_printf(&b, "n=%lld\n", ba_json_int(o, "n", 0));
			}
		}
	}
	if (json_array_size(json_object_get(r, "paired")) > 0) {
		ba_buf_printf(&b, "\npaired comparisons (A - B, paired bootstrap; exact McNemar, Holm-corrected):\n");
		json_array_foreach(json_object_get(r, "paired"), i, p) {
			json_t *ci = json_object_get(p, "ci");
			ba_buf_printf(&b, "  %-24s vs %-24s %+6.1f pts [%+5.1f, %+5.1f]  only A %lld, only B %lld, p = %.3g (Holm %.3g)\n",
				      ba_json_str(p, "a", "?"), ba_json_str(p, "b", "?"),
				      100 * ba_json_num(p, "diff", 0), 100 * json_number_value(json_array_get(ci, 0)),
				      100 * json_number_value(json_array_get(ci, 1)), ba_json_int(p, "only_a", 0),
				      ba_json_int(p, "only_b", 0), ba_json_num(p, "mcnemar_p", 1),
				      ba_json_num(p, "mcnemar_p_holm", 1));
		}
		ba_buf_printf(&b, "separability: %.2f (share of model pairs whose intervals do not overlap)\n",
			      ba_json_num(r, "separability", 0));
	}
	if (json_is_object(irt)) {
		json_t *items = json_object_get(irt, "items");
		double sa = 0, sb = 0;
		ba_buf_printf(&b, "\n2PL IRT (%lld iterations%s): ability theta (se)\n",
			      ba_json_int(irt, "iterations", 0),
			      ba_json_bool(irt, "converged", 0) ? ", converged" : ", NOT converged");
		json_array_foreach(json_object_get(irt, "models"), i, m)
			ba_buf_printf(&b, "  %-32s %+6.2f (%.2f)\n", ba_json_str(m, "model", "?"),
				      ba_json_num(m, "theta", 0), ba_json_num(m, "se", 0));
		json_array_foreach(items, i, v) {
			sa += ba_json_num(v, "a", 0);
			sb += ba_json_num(v, "b", 0);
		}
		if (json_array_size(items))
			ba_buf_printf(&b, "  items: mean discrimination a = %.2f, mean difficulty b = %+.2f\n",
				      sa / (double)json_array_size(items), sb / (double)json_array_size(items));
	}
	if (flags) {
		ba_buf_printf(&b, "\nitem flags: %zu solved by all, %zu solved by none, %zu negative discrimination (suspect key)\n",
			      json_array_size(json_object_get(flags, "solved_by_all")),
			      json_array_size(json_object_get(flags, "solved_by_none")),
			      json_array_size(json_object_get(flags, "negative_discrimination")));
		json_array_foreach(json_object_get(flags, "negative_discrimination"), i, v) {
			if (i >= 10) {
				ba_buf_printf(&b, "  ...\n");
				break;
			}
			ba_buf_printf(&b, "  suspect: %s\n", json_string_value(v));
		}
	}
	json_array_foreach(json_object_get(r, "size_consistency"), i, v) {
		json_t *rho = json_object_get(v, "spearman");
		if (i == 0)
			ba_buf_printf(&b, "\nsize vs accuracy (Spearman, per family):\n");
		if (json_is_number(rho))
			ba_buf_printf(&b, "  %-16s n=%lld  rho = %+.2f\n", ba_json_str(v, "family", "?"),
				      ba_json_int(v, "n", 0), json_number_value(rho));
		else
			ba_buf_printf(&b, "  %-16s n=%lld  rho undefined (needs 2+ distinct sizes and accuracies)\n",
				      ba_json_str(v, "family", "?"), ba_json_int(v, "n", 0));
	}
	if ((p = json_object_get(r, "pairwise")) != NULL) {
		ba_buf_printf(&b, "\npairwise judge (%s vs %s, both orders): A wins %lld, B wins %lld, ties %lld, inconsistent %lld; win rate A %.2f\n",
			      ba_json_str(p, "a", "?"), ba_json_str(p, "b", "?"), ba_json_int(p, "a_wins", 0),
			      ba_json_int(p, "b_wins", 0), ba_json_int(p, "ties", 0),
			      ba_json_int(p, "inconsistent", 0), ba_json_num(p, "win_rate_a", 0));
	}
	if ((p = json_object_get(r, "linking")) != NULL) {
		ba_buf_printf(&b, "\nversion drift (vs %s, %lld anchors):\n", ba_json_str(p, "previous", "?"),
			      ba_json_int(p, "anchors", 0));
		json_array_foreach(json_object_get(p, "models"), i, m) {
			ba_buf_printf(&b, "  %-28s prev %5.1f%%  now %5.1f%%  drift %+5.1f pts  anchors prev %5.1f%% now %5.1f%%",
				      ba_json_str(m, "model", "?"), 100 * ba_json_num(m, "accuracy_prev", 0),
				      100 * ba_json_num(m, "accuracy_now", 0), 100 * ba_json_num(m, "drift", 0),
				      100 * ba_json_num(m, "anchor_prev", 0), 100 * ba_json_num(m, "anchor_now", 0));
			if (json_is_number(json_object_get(m, "theta_drift")))
				ba_buf_printf(&b, "  linked theta drift %+.2f", ba_json_num(m, "theta_drift", 0));
			ba_buf_printf(&b, "\n");
		}
	}
	if ((p = json_object_get(r, "planner")) != NULL)
		ba_buf_printf(&b, "\nplanner: widest interval half-width %.3f with %lld items; %lld items give +-%.3f\n",
			      ba_json_num(p, "current_half_width", 0), ba_json_int(p, "items_now", 0),
			      ba_json_int(p, "items_needed", 0), ba_json_num(p, "target_half_width", 0));
	json_array_foreach(json_object_get(r, "warnings"), i, w)
		ba_buf_printf(&b, "warning: %s\n", json_string_value(w));
	(void)key;
	return ba_buf_detach(&b);
}
