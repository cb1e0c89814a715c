/*
 * html_items.c - the Items section: the IRT item map (difficulty b vs
 * discrimination a, flagged items marked), the test information curve
 * with the models' abilities on it, abilities with standard errors, and
 * the items-needed planner as a curve (interval half-width vs items).
 */
#include "report_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* id -> bits: 1 solved by all, 2 solved by none, 4 negative discrimination. */
static json_t *flag_index(const json_t *ev)
{
	static const char *const names[] = { "solved_by_all", "solved_by_none", "negative_discrimination" };
	json_t *idx = json_object(), *v;
	size_t k, i;

	for (k = 0; k < 3; k++)
		json_array_foreach(json_object_get(json_object_get(ev, "flags"), names[k]), i, v)
			json_object_set_new(idx, json_string_value(v),
					    json_integer(ba_json_int(idx, json_string_value(v), 0) | (1 << k)));
	return idx;
}

static void item_map(ba_buf *b, const json_t *ev, const json_t *irt, const json_t *flags, const ba_report_opts *o)
{
	json_t *items = json_object_get(irt, "items"), *it;
	size_t n = json_array_size(items), i, nf[4] = { 0 };
	double bmin = -3, bmax = 3, amin = -0.5, amax = 2.5;
	ba_plot p = { 0 };
	const char *lab[4] = { "item", "solved by all", "solved by none", "negative discrimination" };
	const char *cls[4] = { "pt", "f-all", "f-none", "f-neg" };

	json_array_foreach(items, i, it) {
		bmin = fmin(bmin, ba_json_num(it, "b", 0));
		bmax = fmax(bmax, ba_json_num(it, "b", 0));
		amin = fmin(amin, ba_json_num(it, "a", 0));
		amax = fmax(amax, ba_json_num(it, "a", 0));
	}
	bmin = fmax(bmin, -8);
	bmax = fmin(bmax, 8);
	amin = fmax(amin, -4);
	amax = fmin(amax, 6);
	ba_buf_puts(b, "<h3>Item map</h3>");
	ba_rep_pair_open(b);
	p.bottom = 62;
	ba_plot_open(&p, b, 640, 380, "plot-itemmap", "IRT item map: difficulty vs discrimination");
	ba_plot_scales(&p, bmin, bmax, amin, amax);
	ba_plot_axis_x(&p, 8, "%g", "difficulty b (logits)");
	ba_plot_axis_y(&p, 6, "%g", "discrimination a");
	ba_plot_hline(&p, 0, "ref", "a = 0");
	json_array_foreach(items, i, it) {
		const char *id = ba_json_str(it, "id", "");
		long f = (long)ba_json_int(flags, id, 0);
		int k = f & 4 ? 3 : f & 1 ? 1 : f & 2 ? 2 : 0;
		char tip[256];
		snprintf(tip, sizeof(tip), "%.180s: b %.2f, a %.2f", id, ba_json_num(it, "b", 0), ba_json_num(it, "a", 0));
		nf[k]++;
		ba_plot_marker(&p, fmax(bmin, fmin(bmax, ba_json_num(it, "b", 0))),
			       fmax(amin, fmin(amax, ba_json_num(it, "a", 0))), k == 0 ? 0 : k == 3 ? 3 : k, cls[k], tip);
	}
	ba_svg_legend(b, p.left + 8, p.h - 26, lab, cls, 4);
	ba_plot_close(&p);
	ba_rep_pair_mid(b);
	ba_buf_printf(b, "<table id=tbl-flags class=kv><tr><td>items</td><td class=n>%zu</td></tr>"
			 "<tr><td>solved by all</td><td class=n id=n-solved-all>%zu</td></tr>"
			 "<tr><td>solved by none</td><td class=n id=n-solved-none>%zu</td></tr>"
			 "<tr><td>negative discrimination (suspect key)</td><td class=n id=n-negdisc>%zu</td></tr>"
			 "<tr><td>fit</td><td class=n>%lld iterations, %s</td></tr></table>",
		      n, json_array_size(ba_json_path(ev, "flags.solved_by_all")),
		      json_array_size(ba_json_path(ev, "flags.solved_by_none")),
		      json_array_size(ba_json_path(ev, "flags.negative_discrimination")), ba_json_int(irt, "iterations", 0),
		      ba_json_bool(irt, "converged", 0) ? "converged" : "NOT converged");
	{
		/* the flagged items by name (first 50), linked */
		size_t shown = 0;
		ba_buf_puts(b, "<details><summary>flagged items</summary><table><tr><th>item</th><th>flag</th>"
			       "<th class=n>b</th><th class=n>a</th></tr>");
		json_array_foreach(items, i, it) {
			const char *id = ba_json_str(it, "id", "");
			long f = (long)ba_json_int(flags, id, 0);
			if (!f || shown >= 200)
				continue;
			shown++;
			ba_buf_puts(b, "<tr><td>");
			ba_rep_item_link(b, o, id);
			ba_buf_printf(b, "</td><td>%s%s%s</td><td class=n>%.2f</td><td class=n>%.2f</td></tr>",
				      f & 1 ? "solved by all " : "", f & 2 ? "solved by none " : "",
				      f & 4 ? "<b class=bad>negative discrimination</b>" : "", ba_json_num(it, "b", 0),
				      ba_json_num(it, "a", 0));
		}
		ba_buf_puts(b, "</table></details>");
	}
	ba_rep_pair_close(b);
}

static void information(ba_buf *b, const json_t *irt)
{
	json_t *items = json_object_get(irt, "items"), *models = json_object_get(irt, "models"), *it, *m;
	enum { NPT = 81 };
	double th[NPT], info[NPT], se[NPT], imax = 0;
	size_t k, i, n = json_array_size(items);
	double *ab = ba_malloc(sizeof(double) * 2 * (n + 1));
	ba_plot p = { 0 };

	json_array_foreach(items, i, it) {
		ab[2 * i] = ba_json_num(it, "a", 0);
		ab[2 * i + 1] = ba_json_num(it, "b", 0);
	}
	for (k = 0; k < NPT; k++) {
		th[k] = -4 + 8.0 * (double)k / (NPT - 1);
		info[k] = 0;
		for (i = 0; i < n; i++) {
			double a = ab[2 * i], pr = 1 / (1 + exp(-a * (th[k] - ab[2 * i + 1])));
			info[k] += a * a * pr * (1 - pr);
		}
		se[k] = info[k] > 0 ? 1 / sqrt(info[k]) : NAN;
		imax = fmax(imax, info[k]);
	}
	free(ab);
	ba_buf_puts(b, "<h3>Test information</h3>");
	ba_rep_pair_open(b);
	p.bottom = 50;
	ba_plot_open(&p, b, 640, 300, "plot-information", "test information curve");
	ba_plot_scales(&p, -4, 4, 0, imax > 0 ? imax * 1.1 : 1);
	ba_plot_axis_x(&p, 8, "%g", "ability theta (logits); dashed: the models");
	ba_plot_axis_y(&p, 5, "%g", "information");
	ba_plot_line(&p, th, info, NPT, "s0");
	json_array_foreach(models, i, m)
		if (fabs(ba_json_num(m, "theta", 0)) <= 4)
			ba_plot_vline(&p, ba_json_num(m, "theta", 0), "mark", NULL);
	ba_plot_close(&p);
	ba_rep_pair_mid(b);
	ba_buf_puts(b, "<table id=tbl-information><tr><th class=n>theta</th><th class=n>information</th>"
		       "<th class=n>SE of theta</th></tr>");
	for (k = 0; k < NPT; k += 10) {
		ba_buf_printf(b, "<tr><td class=n>%+.0f</td><td class=n>%.2f</td><td class=n>", th[k], info[k]);
		ba_rep_num(b, "%.3f", se[k]);
		ba_buf_puts(b, "</td></tr>");
	}
	ba_buf_puts(b, "</table><p class=note>I(theta) = sum over items of a^2 P (1 - P); the SE of an ability estimate "
		       "is about 1 / sqrt(I).</p>");
	ba_rep_pair_close(b);
}

static void abilities(ba_buf *b, const json_t *irt)
{
	json_t *models = json_object_get(irt, "models"), *m;
	size_t n = json_array_size(models), i;
	const char **labels = ba_calloc(n + 1, sizeof(char *));
	double *est = ba_malloc(sizeof(double) * (n + 1)), *lo = ba_malloc(sizeof(double) * (n + 1)),
	       *hi = ba_malloc(sizeof(double) * (n + 1)), xmin = -3, xmax = 3;

	json_array_foreach(models, i, m) {
		double t = ba_json_num(m, "theta", 0), s = ba_json_num(m, "se", 0);
		labels[i] = ba_json_str(m, "model", "?");
		est[i] = t;
		lo[i] = t - 1.96 * s;
		hi[i] = t + 1.96 * s;
		xmin = fmin(xmin, lo[i]);
		xmax = fmax(xmax, hi[i]);
	}
	ba_buf_puts(b, "<h3>Abilities</h3>");
	ba_rep_pair_open(b);
	ba_svg_forest(b, "plot-abilities", "IRT ability per model with 95% interval", labels, est, lo, hi, n,
		      fmax(xmin, -8), fmin(xmax, 8), "%g", "ability theta (+-1.96 SE)", 0);
	ba_rep_pair_mid(b);
	ba_buf_puts(b, "<table id=tbl-abilities><tr><th>model</th><th class=n>theta</th><th class=n>SE</th></tr>");
	json_array_foreach(models, i, m) {
		ba_buf_puts(b, "<tr><td>");
		ba_rep_esc(b, labels[i]);
		ba_buf_printf(b, "</td><td class=n>%+.2f</td><td class=n>%.2f</td></tr>", est[i], ba_json_num(m, "se", 0));
	}
	ba_buf_puts(b, "</table>");
	ba_rep_pair_close(b);
	free(labels);
	free(est);
	free(lo);
	free(hi);
}

static void planner(ba_buf *b, const json_t *ev)
{
	json_t *pl = json_object_get(ev, "planner");
	double h = ba_json_num(pl, "target_half_width", 0.02), cur = ba_json_num(pl, "current_half_width", 0);
	double now = (double)ba_json_int(pl, "items_now", 0), need = (double)ba_json_int(pl, "items_needed", 0);
	double level = ba_json_num(json_object_get(ev, "stats"), "level", 0.95);
	/* the curve: h(n) = z sqrt(p (1 - p) / n) for the p that gives the
	 * planner's number, i.e. p (1 - p) = need h^2 / z^2 */
	double z = level >= 0.99 ? 2.576 : level >= 0.95 ? 1.96 : 1.645, pq = need * h * h / (z * z);
	double nmax = fmax(fmax(now, need) * 1.5, 50), xs[100], ys[100];
	static const long marks[] = { 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000 };
	ba_plot p = { 0 };
	size_t k;

	if (!pl)
		return;
	if (pq > 0.25)
		pq = 0.25;
	for (k = 0; k < 100; k++) {
		xs[k] = 10 + (nmax - 10) * (double)k / 99;
		ys[k] = z * sqrt(pq / xs[k]);
	}
	ba_buf_puts(b, "<h3>Items needed</h3>");
	ba_rep_pair_open(b);
	p.bottom = 50;
	ba_plot_open(&p, b, 640, 300, "plot-planner", "interval half-width vs number of items");
	ba_plot_scales(&p, 0, nmax, 0, fmax(ys[0], cur) * 1.05);
	ba_plot_axis_x(&p, 6, "%g", "items");
	ba_plot_axis_y(&p, 5, "pct", "interval half-width (accuracy points)");
	ba_plot_line(&p, xs, ys, 100, "s0");
	ba_plot_hline(&p, h, "ref", "target");
	ba_plot_vline(&p, now, "mark", "now");
	if (need <= nmax)
		ba_plot_marker(&p, need, h, 2, "s1", "items needed for the target");
	ba_plot_close(&p);
	ba_rep_pair_mid(b);
	ba_buf_printf(b, "<table id=tbl-planner class=kv><tr><td>widest interval now (half-width)</td><td class=n>%.1f pts</td></tr>"
			 "<tr><td>items now</td><td class=n>%.0f</td></tr><tr><td>target half-width</td><td class=n>%.1f pts</td></tr>"
			 "<tr><td>items needed</td><td class=n id=items-needed>%.0f</td></tr></table>",
		      100 * cur, now, 100 * h, need);
	ba_buf_puts(b, "<table id=tbl-planner-curve><tr><th class=n>items</th><th class=n>half-width</th></tr>");
	for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
		if ((double)marks[k] <= nmax * 2)
			ba_buf_printf(b, "<tr><td class=n>%ld</td><td class=n>%.1f pts</td></tr>", marks[k],
				      100 * z * sqrt(pq / (double)marks[k]));
	ba_buf_puts(b, "</table>");
	ba_rep_pair_close(b);
}

void ba_rep_items(ba_buf *b, const json_t *data, const ba_report_opts *o)
{
	const json_t *ev = json_object_get(data, "eval"), *irt = json_object_get(ev, "irt");
	json_t *flags;

	ba_rep_section_open(b, "items", "Items", "Item statistics from the panel of models: 2PL IRT "
			    "(P(correct) = 1 / (1 + exp(-a (theta - b)))), flags and the planner.");
	if (!json_is_object(ev)) {
		ba_rep_note(b, "No evaluation results yet.");
		ba_rep_section_close(b);
		return;
	}
	flags = flag_index(ev);
	if (json_is_object(irt)) {
		item_map(b, ev, irt, flags, o);
		information(b, irt);
		abilities(b, irt);
	} else {
		ba_rep_note(b, "IRT needs results of 3 or more models.");
	}
	planner(b, ev);
	json_decref(flags);
	ba_rep_section_close(b);
}
