/*
 * html_results.c - the Results section: leaderboard (forest plot of
 * accuracy with its interval), the paired comparison matrix (difference,
 * interval, McNemar p, Holm-corrected), separability, the per-subtask
 * heatmap, epochs and consistency across samples, size vs accuracy per
 * family. Every number comes from the eval report in data.eval.
 */
#include "report_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double ci_at(const json_t *o, size_t k)
{
	json_t *ci = json_object_get(o, "ci");
	return json_is_array(ci) ? json_number_value(json_array_get(ci, k)) : NAN;
}

static double num_or_nan(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void leaderboard(ba_buf *b, const json_t *ev)
{
	json_t *models = json_object_get(ev, "models"), *m;
	size_t n = json_array_size(models), i, j, *ord = ba_malloc(sizeof(size_t) * (n + 1));
	const char **labels = ba_calloc(n + 1, sizeof(char *));
	double *est = ba_malloc(sizeof(double) * (n + 1)), *lo = ba_malloc(sizeof(double) * (n + 1)),
	       *hi = ba_malloc(sizeof(double) * (n + 1));

	for (i = 0; i < n; i++)
		ord[i] = i;
	for (i = 1; i < n; i++)  /* best first */
		for (j = i; j > 0 && num_or_nan(json_array_get(models, ord[j]), "accuracy") >
					   num_or_nan(json_array_get(models, ord[j - 1]), "accuracy"); j--) {
			size_t t = ord[j];
			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		m = json_array_get(models, ord[i]);
		labels[i] = ba_json_str(m, "model", "?");
		est[i] = num_or_nan(m, "accuracy");
		lo[i] = ci_at(m, 0);
		hi[i] = ci_at(m, 1);
	}
	ba_buf_puts(b, "<h3>Leaderboard</h3>");
	ba_rep_pair_open(b);
	ba_svg_forest(b, "plot-leaderboard", "accuracy with 95% interval per model", labels, est, lo, hi, n, 0, 1, "pct",
		      "accuracy (95% bootstrap interval)", NAN);
	ba_rep_pair_mid(b);
	ba_buf_puts(b, "<table id=tbl-leaderboard><tr><th>#</th><th>model</th><th class=n>accuracy</th><th class=n>95% CI</th>"
		       "<th class=n>n</th><th class=n>missing</th></tr>");
	for (i = 0; i < n; i++) {
		m = json_array_get(models, ord[i]);
		ba_buf_printf(b, "<tr><td class=n>%zu</td><td>", i + 1);
		ba_rep_esc(b, labels[i]);
		ba_buf_puts(b, "</td><td class=\"n acc\">");
		ba_rep_pct(b, est[i]);
		ba_buf_puts(b, "</td><td class=\"n ci\">");
		ba_rep_ci(b, json_object_get(m, "ci"));
		ba_buf_printf(b, "</td><td class=n>%lld</td><td class=n>%lld</td></tr>", ba_json_int(m, "n", 0),
			      ba_json_int(m, "missing", 0));
	}
	ba_buf_puts(b, "</table>");
	ba_rep_pair_close(b);
	free(ord);
	free(labels);
	free(est);
	free(lo);
	free(hi);
}

static const json_t *find_pair(const json_t *pairs, const char *a, const char *bn, int *swapped)
{
	json_t *p;
	size_t i;

	json_array_foreach(pairs, i, p) {
		if (!strcmp(ba_json_str(p, "a", ""), a) && !strcmp(ba_json_str(p, "b", ""), bn)) {
			*swapped = 0;
			return p;
		}
		if (!strcmp(ba_json_str(p, "a", ""), bn) && !strcmp(ba_json_str(p, "b", ""), a)) {
			*swapped = 1;
			return p;
		}
	}
	return NULL;
}

static void paired(ba_buf *b, const json_t *ev)
{
	json_t *pairs = json_object_get(ev, "paired"), *models = json_object_get(ev, "models"), *p, *ma, *mb;
	size_t n = json_array_size(models), i, j;

	if (!json_array_size(pairs))
		return;
	ba_buf_puts(b, "<h3>Paired comparisons</h3><p class=intro>Row minus column, in accuracy points, with the paired "
		       "bootstrap 95% interval (the same resampled items for both models), the exact McNemar p on the "
		       "items only one of the two solved, and that p corrected for the number of comparisons (Holm). "
		       "Shaded: Holm-corrected p &lt; 0.05.</p>");
	if (n <= 12) {
		ba_buf_puts(b, "<div class=num><table id=tbl-paired><tr><th></th>");
		json_array_foreach(models, j, mb) {
			ba_buf_puts(b, "<th>");
			ba_rep_esc(b, ba_json_str(mb, "model", "?"));
			ba_buf_puts(b, "</th>");
		}
		ba_buf_puts(b, "</tr>");
		json_array_foreach(models, i, ma) {
			ba_buf_puts(b, "<tr><th>");
			ba_rep_esc(b, ba_json_str(ma, "model", "?"));
			ba_buf_puts(b, "</th>");
			json_array_foreach(models, j, mb) {
				int sw = 0;
				const json_t *q = i == j ? NULL : find_pair(pairs, ba_json_str(ma, "model", ""),
									    ba_json_str(mb, "model", ""), &sw);
				double sg = sw ? -1 : 1, holm;
				if (!q) {
					ba_buf_printf(b, "<td class=%s></td>", i == j ? "diag" : "mut");
					continue;
				}
				holm = ba_json_num(q, "mcnemar_p_holm", ba_json_num(q, "mcnemar_p", 1));
				ba_buf_printf(b, "<td class=\"n%s\">", holm < 0.05 ? " sig" : "");
				ba_buf_printf(b, "<b>%+.1f</b><br>[%+.1f, %+.1f]<br>p %.3g<br>Holm %.3g</td>",
					      100 * sg * ba_json_num(q, "diff", 0),
					      100 * sg * (sw ? ci_at(q, 1) : ci_at(q, 0)),
					      100 * sg * (sw ? ci_at(q, 0) : ci_at(q, 1)), ba_json_num(q, "mcnemar_p", 1), holm);
			}
			ba_buf_puts(b, "</tr>");
		}
		ba_buf_puts(b, "</table></div>");
	}
	ba_buf_printf(b, "<details%s><summary>every pair as a list (%zu)</summary><table id=tbl-pairs><tr><th>A</th><th>B</th>"
		       "<th class=n>A - B</th><th class=n>95%% CI</th><th class=n>only A</th><th class=n>only B</th>"
		       "<th class=n>McNemar p</th><th class=n>Holm p</th></tr>", n > 12 ? " open" : "", json_array_size(pairs));
	json_array_foreach(pairs, i, p) {
		ba_buf_puts(b, "<tr><td>");
		ba_rep_esc(b, ba_json_str(p, "a", ""));
		ba_buf_puts(b, "</td><td>");
		ba_rep_esc(b, ba_json_str(p, "b", ""));
		ba_buf_printf(b, "</td><td class=n>%+.1f</td><td class=n>[%+.1f, %+.1f]</td><td class=n>%lld</td><td class=n>%lld</td>"
				 "<td class=n>%.3g</td><td class=n>%.3g</td></tr>",
			      100 * ba_json_num(p, "diff", 0), 100 * ci_at(p, 0), 100 * ci_at(p, 1), ba_json_int(p, "only_a", 0),
			      ba_json_int(p, "only_b", 0), ba_json_num(p, "mcnemar_p", 1), ba_json_num(p, "mcnemar_p_holm", 1));
	}
	ba_buf_puts(b, "</table></details>");
	if (n > 12)
		ba_rep_note(b, "With more than 12 models eval compares neighbours by accuracy only.");
	ba_buf_printf(b, "<p>Separability: <b id=separability>%.2f</b> (share of model pairs whose 95%% intervals do not "
			 "overlap).</p>", ba_json_num(ev, "separability", 0));
}

static void heatmap(ba_buf *b, const json_t *ev)
{
	json_t *models = json_object_get(ev, "models"), *subs = json_object_get(ev, "subtasks"), *m, *s;
	size_t nm = json_array_size(models), ns = json_array_size(subs), i, j;
	const char **rows = ba_calloc(nm + 1, sizeof(char *)), **cols = ba_calloc(ns + 1, sizeof(char *));
	double *v = ba_malloc(sizeof(double) * (nm * ns + 1));

	json_array_foreach(models, i, m) {
		rows[i] = ba_json_str(m, "model", "?");
		json_array_foreach(subs, j, s) {
			cols[j] = json_string_value(s);
			v[i * ns + j] = num_or_nan(json_object_get(json_object_get(m, "subtasks"), cols[j]), "accuracy");
		}
	}
	ba_buf_puts(b, "<h3>Per subtask</h3>");
	ba_rep_pair_open(b);
	ba_svg_heatmap(b, "plot-heatmap", "accuracy per model and subtask", rows, nm, cols, ns, v);
	ba_rep_pair_mid(b);
	ba_buf_puts(b, "<table id=tbl-subtasks><tr><th>model</th>");
	for (j = 0; j < ns; j++) {
		ba_buf_puts(b, "<th class=n>");
		ba_rep_esc(b, cols[j]);
		ba_buf_puts(b, "</th>");
	}
	ba_buf_puts(b, "</tr>");
	json_array_foreach(models, i, m) {
		ba_buf_puts(b, "<tr><td>");
		ba_rep_esc(b, rows[i]);
		ba_buf_puts(b, "</td>");
		for (j = 0; j < ns; j++) {
			json_t *o = json_object_get(json_object_get(m, "subtasks"), cols[j]);
			ba_buf_puts(b, "<td class=n>");
			ba_rep_pct(b, v[i * ns + j]);
			ba_buf_puts(b, "<br><span class=mut>");
			ba_rep_ci(b, json_object_get(o, "ci"));
			ba_buf_printf(b, " n=%lld</span></td>", ba_json_int(o, "n", 0));
		}
		ba_buf_puts(b, "</tr>");
	}
	ba_buf_puts(b, "</table>");
	ba_rep_pair_close(b);
	free(rows);
	free(cols);
	free(v);
}

static void epochs(ba_buf *b, const json_t *ep)
{
	size_t k = (size_t)ba_json_int(ep, "k", 0), i, e, nm = json_array_size(json_object_get(ep, "models"));
	json_t *m;
	ba_plot p = { 0 };
	double *xs, *ys;

	ba_buf_puts(b, "<h3>Epochs and consistency</h3>");
	if (k < 2) {
		ba_rep_note(b, "One sample per item (eval --epochs K asks every item K times; then this shows the accuracy "
			       "of each sample and how often a model answers the same item the same way).");
		return;
	}
	xs = ba_malloc(sizeof(double) * k);
	ys = ba_malloc(sizeof(double) * k);
	ba_rep_pair_open(b);
	p.bottom = 60;
	ba_plot_open(&p, b, 640, 300, "plot-epochs", "accuracy per sample (epoch) and model");
	ba_plot_scales(&p, 0, (double)(k - 1), 0, 1);
	ba_plot_axis_x(&p, (int)(k - 1 < 10 ? k - 1 : 10), "%.0f", "sample (epoch)");
	ba_plot_axis_y(&p, 5, "pct", "accuracy");
	json_array_foreach(json_object_get(ep, "models"), i, m) {
		char cls[8];
		snprintf(cls, sizeof(cls), "s%zu", i % 6);
		for (e = 0; e < k; e++) {
			xs[e] = (double)e;
			ys[e] = json_is_number(json_array_get(json_object_get(m, "per_epoch"), e)) ?
				json_number_value(json_array_get(json_object_get(m, "per_epoch"), e)) : NAN;
		}
		ba_plot_line(&p, xs, ys, k, cls);
		for (e = 0; e < k; e++)
			ba_plot_marker(&p, xs[e], ys[e], 0, cls, ba_json_str(m, "model", ""));
	}
	ba_plot_close(&p);
	ba_rep_pair_mid(b);
	ba_buf_puts(b, "<table id=tbl-epochs><tr><th>model</th>");
	for (e = 0; e < k; e++)
		ba_buf_printf(b, "<th class=n>#%zu</th>", e);
	ba_buf_puts(b, "<th class=n>consistent</th></tr>");
	json_array_foreach(json_object_get(ep, "models"), i, m) {
		ba_buf_printf(b, "<tr><td><span class=\"key k%zu\"></span> ", i % 6);
		ba_rep_esc(b, ba_json_str(m, "model", ""));
		ba_buf_puts(b, "</td>");
		for (e = 0; e < k; e++) {
			json_t *v = json_array_get(json_object_get(m, "per_epoch"), e);
			ba_buf_puts(b, "<td class=n>");
			ba_rep_pct(b, json_is_number(v) ? json_number_value(v) : NAN);
			ba_buf_puts(b, "</td>");
		}
		ba_buf_puts(b, "<td class=n>");
		ba_rep_pct(b, ba_json_num(m, "consistent", NAN));
		ba_buf_puts(b, "</td></tr>");
	}
	ba_buf_puts(b, "</table><p class=note>consistent: share of items whose samples were all solved or all failed.</p>");
	ba_rep_pair_close(b);
	(void)nm;
	free(xs);
	free(ys);
}

static void sizes(ba_buf *b, const json_t *ev)
{
	json_t *cons = json_object_get(ev, "size_consistency"), *models = json_object_get(ev, "models"), *f, *m;
	ba_plot p = { 0 };
	double smin = INFINITY, smax = -INFINITY;
	size_t i, j, k;
	const char *labels[6], *cls[6] = { "s0", "s1", "s2", "s3", "s4", "s5" };

	ba_buf_puts(b, "<h3>Size vs accuracy</h3>");
	if (!json_array_size(cons)) {
		ba_rep_note(b, "No model sizes known (eval --size MODEL=B, or report --size) - nothing to check.");
		return;
	}
	json_array_foreach(models, i, m)
		if (json_is_number(json_object_get(m, "size_b"))) {
			smin = fmin(smin, log10(ba_json_num(m, "size_b", 1)));
			smax = fmax(smax, log10(ba_json_num(m, "size_b", 1)));
		}
	if (smax <= smin) {
		smin -= 0.5;
		smax += 0.5;
	}
	ba_rep_pair_open(b);
	p.bottom = 60;
	ba_plot_open(&p, b, 640, 320, "plot-sizes", "accuracy vs model size per family");
	ba_plot_scales(&p, smin - 0.1, smax + 0.1, 0, 1);
	ba_plot_axis_x(&p, 5, "%g", "log10 of the size in billions of parameters");
	ba_plot_axis_y(&p, 5, "pct", "accuracy");
	json_array_foreach(cons, k, f) {
		size_t n = json_array_size(json_object_get(f, "models"));
		double *xs = ba_malloc(sizeof(double) * (n + 1)), *ys = ba_malloc(sizeof(double) * (n + 1));
		size_t c = 0;
		for (j = 0; j < n; j++) {
			const char *spec = json_string_value(json_array_get(json_object_get(f, "models"), j));
			json_array_foreach(models, i, m)
				if (!strcmp(ba_json_str(m, "model", ""), spec)) {
					xs[c] = log10(ba_json_num(m, "size_b", 1));
					ys[c++] = ba_json_num(m, "accuracy", NAN);
				}
		}
		for (i = 1; i < c; i++)  /* by size, for the line */
			for (j = i; j > 0 && xs[j] < xs[j - 1]; j--) {
				double t = xs[j]; xs[j] = xs[j - 1]; xs[j - 1] = t;
				t = ys[j]; ys[j] = ys[j - 1]; ys[j - 1] = t;
			}
		ba_plot_line(&p, xs, ys, c, cls[k % 6]);
		for (i = 0; i < c; i++)
			ba_plot_marker(&p, xs[i], ys[i], (int)(k % 4), cls[k % 6], ba_json_str(f, "family", ""));
		if (k < 6)
			labels[k] = ba_json_str(f, "family", "");
		free(xs);
		free(ys);
	}
	ba_svg_legend(b, p.left + 8, p.h - 26, labels, cls, json_array_size(cons) < 6 ? json_array_size(cons) : 6);
	ba_plot_close(&p);
	ba_rep_pair_mid(b);
	ba_buf_puts(b, "<table id=tbl-sizes><tr><th>family</th><th>model</th><th class=n>size (B)</th><th class=n>accuracy</th></tr>");
	json_array_foreach(cons, k, f) {
		json_t *rho = json_object_get(f, "spearman");
		json_array_foreach(json_object_get(f, "models"), j, m) {
			const char *spec = json_string_value(m);
			json_t *mm;
			json_array_foreach(models, i, mm)
				if (!strcmp(ba_json_str(mm, "model", ""), spec)) {
					ba_buf_puts(b, "<tr><td>");
					ba_rep_esc(b, ba_json_str(f, "family", ""));
					ba_buf_puts(b, "</td><td>");
					ba_rep_esc(b, spec);
					ba_buf_printf(b, "</td><td class=n>%g</td><td class=n>", ba_json_num(mm, "size_b", 0));
					ba_rep_pct(b, ba_json_num(mm, "accuracy", NAN));
					ba_buf_puts(b, "</td></tr>");
				}
		}
		ba_buf_puts(b, "<tr><td colspan=3><i>Spearman rho, ");
		ba_rep_esc(b, ba_json_str(f, "family", ""));
		ba_buf_puts(b, "</i></td><td class=n><b>");
		if (json_is_number(rho))
			ba_buf_printf(b, "%+.2f", json_number_value(rho));
		else
			ba_buf_puts(b, "undefined");
		ba_buf_puts(b, "</b></td></tr>");
	}
	ba_buf_puts(b, "</table><p class=note>Within a family, accuracy should rise with size (rho near +1).</p>");
	ba_rep_pair_close(b);
}

void ba_rep_results(ba_buf *b, const json_t *data, const ba_report_opts *o)
{
	const json_t *ev = json_object_get(data, "eval");

	(void)o;
	ba_rep_section_open(b, "results", "Results", NULL);
	if (!json_is_object(ev)) {
		ba_rep_note(b, "No evaluation results stored for this benchmark: run benchagent eval BENCH --model P/M ... "
			       "first.");
		ba_rep_section_close(b);
		return;
	}
	ba_buf_printf(b, "<p class=intro>%lld items; %d bootstrap resamples (seed %lld), %.0f%% intervals; the numbers "
			 "are those of <code>benchagent eval --json</code>.</p>",
		      ba_json_int(ev, "items", 0), (int)ba_json_int(json_object_get(ev, "stats"), "resamples", 0),
		      ba_json_int(json_object_get(ev, "stats"), "seed", 0),
		      100 * ba_json_num(json_object_get(ev, "stats"), "level", 0.95));
	leaderboard(b, ev);
	paired(b, ev);
	heatmap(b, ev);
	epochs(b, json_object_get(data, "epochs"));
	sizes(b, ev);
	ba_rep_section_close(b);
}
