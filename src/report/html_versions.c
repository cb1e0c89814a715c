/*
 * html_versions.c - the Versions section (score drift across benchmark
 * versions, with the anchors' accuracy, and eval's linking) and the Cost
 * section (calls, tokens and USD per run and stage, per accepted item,
 * and what the cache saved).
 */
#include "report_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double jnum(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Accuracy of model in version entry v (NAN when not evaluated there). */
static double acc_in(const json_t *v, const char *model, const char *field)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(v, "models"), i, m)
		if (!strcmp(ba_json_str(m, "model", ""), model))
			return jnum(json_object_get(m, field));
	return NAN;
}

static void drift(ba_buf *b, const json_t *vers)
{
	json_t *names = json_array(), *v, *m;
	size_t nv = json_array_size(vers), i, j, k;
	ba_plot p = { 0 };
	double *xs = ba_malloc(sizeof(double) * (nv + 1)), *ys = ba_malloc(sizeof(double) * (nv + 1));
	const char *labels[6], *cls[6] = { "s0", "s1", "s2", "s3", "s4", "s5" };

	json_array_foreach(vers, i, v)
		json_array_foreach(json_object_get(v, "models"), j, m) {
			int seen = 0;
			json_t *n;
			json_array_foreach(names, k, n)
				seen |= !strcmp(json_string_value(n), ba_json_str(m, "model", ""));
			if (!seen)
				json_array_append_new(names, json_string(ba_json_str(m, "model", "")));
		}
	ba_rep_pair_open(b);
	p.bottom = 62;
	ba_plot_open(&p, b, 640, 320, "plot-drift", "accuracy per benchmark version (solid) and on its anchors (dotted)");
	ba_plot_scales(&p, 1, (double)(nv > 1 ? nv : 2), 0, 1);
	ba_plot_axis_x(&p, (int)(nv > 1 ? nv - 1 : 1), "v%.0f", "benchmark version");
	ba_plot_axis_y(&p, 5, "pct", "accuracy");
	json_array_foreach(names, k, m) {
		char c2[16];
		const char *model = json_string_value(m);
		json_array_foreach(vers, i, v) {
			xs[i] = (double)ba_json_int(v, "version", (long long)i + 1);
			ys[i] = acc_in(v, model, "accuracy");
		}
		ba_plot_line(&p, xs, ys, nv, cls[k % 6]);
		for (i = 0; i < nv; i++)
			ba_plot_marker(&p, xs[i], ys[i], 0, cls[k % 6], model);
		json_array_foreach(vers, i, v)
			ys[i] = acc_in(v, model, "anchor_accuracy");
		snprintf(c2, sizeof(c2), "%s dot", cls[k % 6]);
		ba_plot_line(&p, xs, ys, nv, c2);
		if (k < 6)
			labels[k] = model;
	}
	ba_svg_legend(b, p.left + 8, p.h - 26, labels, cls, json_array_size(names) < 6 ? json_array_size(names) : 6);
	ba_plot_close(&p);
	ba_rep_pair_mid(b);
	ba_buf_puts(b, "<table id=tbl-versions><tr><th>version</th><th class=n>items</th><th class=n>anchors</th>"
		       "<th class=n>retired</th><th>model</th><th class=n>accuracy</th><th class=n>on anchors</th></tr>");
	json_array_foreach(vers, i, v) {
		size_t nm = json_array_size(json_object_get(v, "models"));
		ba_buf_printf(b, "<tr><td rowspan=%zu>v%lld</td><td class=n rowspan=%zu>%lld</td><td class=n rowspan=%zu>%lld</td>"
				 "<td class=n rowspan=%zu>%lld</td>",
			      nm ? nm : 1, ba_json_int(v, "version", 1), nm ? nm : 1, ba_json_int(v, "items", 0), nm ? nm : 1,
			      ba_json_int(v, "anchors", 0), nm ? nm : 1, ba_json_int(v, "retired", 0));
		if (!nm)
			ba_buf_puts(b, "<td class=mut>not evaluated</td><td></td><td></td></tr>");
		json_array_foreach(json_object_get(v, "models"), j, m) {
			if (j)
				ba_buf_puts(b, "<tr>");
			ba_buf_puts(b, "<td>");
			ba_rep_esc(b, ba_json_str(m, "model", ""));
			ba_buf_puts(b, "</td><td class=n>");
			ba_rep_pct(b, jnum(json_object_get(m, "accuracy")));
			ba_buf_puts(b, "</td><td class=n>");
			ba_rep_pct(b, jnum(json_object_get(m, "anchor_accuracy")));
			ba_buf_puts(b, "</td></tr>");
		}
	}
	ba_buf_puts(b, "</table><p class=note>An unchanged model keeps its accuracy on the anchors (the same items in "
		       "every version); a harder version lowers the accuracy on the rest.</p>");
	ba_rep_pair_close(b);
	json_decref(names);
	free(xs);
	free(ys);
}

static void linking(ba_buf *b, const json_t *ln)
{
	json_t *m;
	size_t i;

	ba_buf_printf(b, "<h3>Linking to the previous version</h3><p>Against ");
	ba_rep_esc(b, ba_json_str(ln, "previous", "?"));
	ba_buf_printf(b, " with %lld anchors:</p><table id=tbl-linking><tr><th>model</th><th class=n>previous</th><th class=n>now</th>"
			 "<th class=n>drift</th><th class=n>anchors prev</th><th class=n>anchors now</th><th class=n>linked theta drift</th></tr>",
		      ba_json_int(ln, "anchors", 0));
	json_array_foreach(json_object_get(ln, "models"), i, m) {
		ba_buf_puts(b, "<tr><td>");
		ba_rep_esc(b, ba_json_str(m, "model", ""));
		ba_buf_puts(b, "</td><td class=n>");
		ba_rep_pct(b, jnum(json_object_get(m, "accuracy_prev")));
		ba_buf_puts(b, "</td><td class=n>");
		ba_rep_pct(b, jnum(json_object_get(m, "accuracy_now")));
		ba_buf_printf(b, "</td><td class=n>%+.1f pts</td><td class=n>", 100 * ba_json_num(m, "drift", 0));
		ba_rep_pct(b, jnum(json_object_get(m, "anchor_prev")));
		ba_buf_puts(b, "</td><td class=n>");
		ba_rep_pct(b, jnum(json_object_get(m, "anchor_now")));
		ba_buf_puts(b, "</td><td class=n>");
		ba_rep_num(b, "%+.2f", jnum(json_object_get(m, "theta_drift")));
		ba_buf_puts(b, "</td></tr>");
	}
	ba_buf_puts(b, "</table>");
}

void ba_rep_versions(ba_buf *b, const json_t *data, const ba_report_opts *o)
{
	const json_t *vers = json_object_get(data, "versions"), *ln = ba_json_path(data, "eval.linking");

	(void)o;
	ba_rep_section_open(b, "versions", "Versions", "benchagent refresh writes versions/vN with anchors; results "
			    "of each version are stored under its own key.");
	if (json_array_size(vers) < 2)
		ba_rep_note(b, "One version so far (benchagent refresh BENCH makes the next one when models catch up).");
	if (json_array_size(vers) >= 1)
		drift(b, vers);
	if (json_is_object(ln))
		linking(b, ln);
	ba_rep_section_close(b);
}

static void cost_row(ba_buf *b, const char *what, const json_t *tot, const json_t *cache)
{
	ba_buf_puts(b, "<tr><td>");
	ba_rep_esc(b, what);
	ba_buf_printf(b, "</td><td class=n>%lld</td><td class=n>%lld</td><td class=n>%lld</td><td class=n>$%.4f</td>",
		      ba_json_int(tot, "calls", 0), ba_json_int(tot, "prompt_tokens", 0), ba_json_int(tot, "completion_tokens", 0),
		      ba_json_num(tot, "cost_usd", 0));
	if (cache)
		ba_buf_printf(b, "<td class=n>%lld</td><td class=n>$%.4f</td>", ba_json_int(cache, "hits", 0),
			      ba_json_num(cache, "saved_usd", 0));
	else
		ba_buf_puts(b, "<td></td><td></td>");
	ba_buf_puts(b, "</tr>");
}

/* Bars per run and stage: USD when anything was paid, else calls. */
static void cost_plot(ba_buf *b, const json_t *cost)
{
	enum { MAXR = 48 };
	const char *labels[MAXR];
	char *owned[MAXR];
	double v[MAXR], usd = 0;
	size_t n = 0, i, j;
	const json_t *c, *r;

	json_array_foreach(cost, i, c)
		usd += ba_json_num(json_object_get(c, "total"), "cost_usd", 0);
	json_array_foreach(cost, i, c)
		json_array_foreach(ba_json_path(c, "by_role.spend"), j, r) {
			if (n >= MAXR)
				break;
			owned[n] = ba_asprintf("%s %s: %s", ba_json_str(c, "kind", ""), ba_json_str(c, "key", ""),
					       ba_json_str(r, "role", "?"));
			labels[n] = owned[n];
			v[n++] = usd > 0 ? ba_json_num(r, "cost_usd", 0) : (double)ba_json_int(r, "calls", 0);
		}
	if (n) {
		ba_svg_hbars(b, "plot-cost", usd > 0 ? "USD by run and stage" : "calls by run and stage (nothing paid)",
			     labels, v, NULL, NULL, n, usd > 0 ? "%.4f" : "%.0f", usd > 0 ? "USD" : "calls sent");
		ba_buf_puts(b, "<p class=note>The table below has the same numbers, with tokens and cache savings.</p>");
	}
	for (i = 0; i < n; i++)
		free(owned[i]);
}

void ba_rep_cost(ba_buf *b, const json_t *data, const ba_report_opts *o)
{
	const json_t *cost = json_object_get(data, "cost"), *c, *r;
	double build_usd = 0, total = 0, saved = 0, mock = 0;
	long long accepted = (long long)json_array_size(json_object_get(data, "items"));
	size_t i, j;

	(void)o;
	ba_rep_section_open(b, "cost", "Cost", "Calls, tokens and USD of the sent, non-mock calls of this benchmark's runs, "
			    "by stage (the gateway role); cache hits and what they saved.");
	if (!json_array_size(cost)) {
		ba_rep_note(b, "No runs of this benchmark in this workspace's store.");
		ba_rep_section_close(b);
		return;
	}
	cost_plot(b, cost);
	ba_buf_puts(b, "<table id=tbl-cost><tr><th>run / stage</th><th class=n>calls</th><th class=n>prompt tokens</th>"
		       "<th class=n>completion tokens</th><th class=n>USD</th><th class=n>cache hits</th><th class=n>saved</th></tr>");
	json_array_foreach(cost, i, c) {
		char what[256];
		snprintf(what, sizeof(what), "%s %s", ba_json_str(c, "kind", ""), ba_json_str(c, "key", ""));
		ba_buf_puts(b, "<tbody>");
		cost_row(b, what, json_object_get(c, "total"), json_object_get(c, "cache"));
		json_array_foreach(ba_json_path(c, "by_role.spend"), j, r) {
			snprintf(what, sizeof(what), "  - %s", ba_json_str(r, "role", "?"));
			cost_row(b, what, r, NULL);
		}
		ba_buf_puts(b, "</tbody>");
		total += ba_json_num(json_object_get(c, "total"), "cost_usd", 0);
		saved += ba_json_num(json_object_get(c, "cache"), "saved_usd", 0);
		mock += (double)ba_json_int(c, "mock_calls", 0);
		if (!strcmp(ba_json_str(c, "kind", ""), "build") || !strcmp(ba_json_str(c, "kind", ""), "plan"))
			build_usd += ba_json_num(json_object_get(c, "total"), "cost_usd", 0);
	}
	ba_buf_puts(b, "</table>");
	ba_buf_printf(b, "<table class=kv id=tbl-cost-summary><tr><td>total spend</td><td class=n>$%.4f</td></tr>"
			 "<tr><td>plan + build per accepted item (%lld items)</td><td class=n>$%.6f</td></tr>"
			 "<tr><td>saved by the cache</td><td class=n>$%.4f</td></tr>"
			 "<tr><td>mock calls (free, not counted)</td><td class=n>%.0f</td></tr></table>",
		      total, accepted, accepted ? build_usd / (double)accepted : 0, saved, mock);
	ba_rep_section_close(b);
}
