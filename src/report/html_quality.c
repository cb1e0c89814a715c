/*
 * html_quality.c - the Benchmark quality section: the verification funnel
 * (drafted, rejected by each check, redrawn, repaired, accepted), the
 * rejection reasons with examples, duplicates, answer-position balance,
 * difficulty and source mix, made vs target per subtask, human review
 * (acceptance and kappa) when reviews exist, and the audit (audit.json,
 * written by `benchagent audit`) when one exists.
 */
#include "report_internal.h"
#include "benchagent/export.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXROWS 64

typedef struct {
	const char *label[MAXROWS];
	char *owned[MAXROWS];
	double v[MAXROWS], t[MAXROWS];
	const char *cls[MAXROWS];
	size_t n;
} rows;

static void row_add(rows *r, const char *label, double v, double t, const char *cls)
{
	if (r->n >= MAXROWS)
		return;
	r->owned[r->n] = ba_strdup(label);
	r->label[r->n] = r->owned[r->n];
	r->v[r->n] = v;
	r->t[r->n] = t;
	r->cls[r->n] = cls;
	r->n++;
}

static void rows_free(rows *r)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		free(r->owned[i]);
	r->n = 0;
}

/* The plot and a two-column table of the same rows. */
static void bars_with_table(ba_buf *b, const char *id, const char *title, rows *r, int with_target, const char *fmt,
			    const char *xlabel, const char *c1, const char *c2)
{
	size_t i;

	ba_rep_pair_open(b);
	ba_svg_hbars(b, id, title, r->label, r->v, with_target ? r->t : NULL, r->cls, r->n, fmt, xlabel);
	ba_rep_pair_mid(b);
	ba_buf_printf(b, "<table id=\"tbl-%s\"><tr><th>%s</th><th class=n>%s</th>%s</tr>", id + 5, c1, c2,
		      with_target ? "<th class=n>target</th>" : "");
	for (i = 0; i < r->n; i++) {
		ba_buf_puts(b, "<tr><td>");
		ba_rep_esc(b, r->label[i]);
		ba_buf_puts(b, "</td><td class=n>");
		if (fmt && !strcmp(fmt, "pct"))
			ba_rep_pct(b, r->v[i]);
		else
			ba_rep_num(b, "%.0f", r->v[i]);
		ba_buf_puts(b, "</td>");
		if (with_target) {
			ba_buf_puts(b, "<td class=n>");
			ba_rep_num(b, r->t[i] == floor(r->t[i]) ? "%.0f" : "%.1f", r->t[i]);
			ba_buf_puts(b, "</td>");
		}
		ba_buf_puts(b, "</tr>");
	}
	ba_buf_puts(b, "</table>");
	ba_rep_pair_close(b);
}

static void funnel(ba_buf *b, const json_t *data)
{
	const json_t *man = json_object_get(data, "manifest"), *build = json_object_get(data, "build");
	json_t *checks = json_object_get(man, "checks"), *v;
	rows r = { 0 };
	double drafted = 0, units = 0, accepted;
	const char *k;
	char lab[128];

	json_object_foreach(json_object_get(build, "status"), k, v)
		units += (double)json_integer_value(v);
	drafted = units;
	json_object_foreach(json_object_get(build, "attempts"), k, v)
		drafted += (double)json_integer_value(v);
	json_object_foreach(checks, k, v)
		drafted = fmax(drafted, (double)ba_json_int(v, "total", 0));
	accepted = (double)(json_is_integer(json_object_get(man, "item_count")) ? ba_json_int(man, "item_count", 0)
									       : (long long)json_array_size(json_object_get(data, "items")));
	ba_buf_puts(b, "<h3>Verification funnel</h3>");
	row_add(&r, "drafted", drafted, NAN, "");
	json_object_foreach(json_object_get(build, "attempts"), k, v)
		if (json_integer_value(v) > 0) {
			snprintf(lab, sizeof(lab), "redrawn: %s", k);
			row_add(&r, lab, (double)json_integer_value(v), NAN, "bad");
		}
	json_object_foreach(checks, k, v) {
		snprintf(lab, sizeof(lab), "rejected by %s", k);
		row_add(&r, lab, (double)(ba_json_int(v, "total", 0) - ba_json_int(v, "passed", 0)), NAN, "bad");
	}
	json_object_foreach(json_object_get(build, "status"), k, v)
		if (strcmp(k, "done") && strcmp(k, "checked") && strcmp(k, "rejected")) {
			snprintf(lab, sizeof(lab), "unit %s", k);
			row_add(&r, lab, (double)json_integer_value(v), NAN, "mut");
		}
	if (build)
		row_add(&r, "repaired", (double)ba_json_int(build, "repaired", 0), NAN, "ok");
	row_add(&r, "accepted", accepted, NAN, "ok");
	bars_with_table(b, "plot-funnel", "verification funnel", &r, 0, "%.0f", "items", "stage", "items");
	if (!build)
		ba_rep_note(b, "No build run of this benchmark in this workspace: the funnel comes from manifest.json only.");
	rows_free(&r);
}

static void rejections(ba_buf *b, const json_t *data)
{
	json_t *checks = json_object_get(json_object_get(data, "build"), "checks"), *c, *e;
	json_t *dup = json_object_get(json_object_get(json_object_get(data, "manifest"), "checks"), "duplicate");
	const char *k;
	size_t i;

	ba_buf_puts(b, "<h3>Rejection reasons</h3>");
	if (dup)
		ba_buf_printf(b, "<p>Duplicates removed: <b id=n-duplicates>%lld</b> of %lld candidates (MinHash near-duplicates "
				 "included).</p>",
			      ba_json_int(dup, "total", 0) - ba_json_int(dup, "passed", 0), ba_json_int(dup, "total", 0));
	if (!json_object_size(checks)) {
		ba_rep_note(b, "No rejected units stored for this benchmark's build run.");
		return;
	}
	ba_buf_puts(b, "<table id=tbl-rejections><tr><th>check</th><th class=n>rejected</th><th>examples (unit, reason, question)</th></tr>");
	json_object_foreach(checks, k, c) {
		ba_buf_puts(b, "<tr><td>");
		ba_rep_esc(b, k);
		ba_buf_printf(b, "</td><td class=n>%lld</td><td class=txt>", ba_json_int(c, "failed", 0));
		json_array_foreach(json_object_get(c, "examples"), i, e) {
			ba_buf_puts(b, "<details><summary>");
			ba_rep_esc(b, ba_json_str(e, "reason", ""));
			ba_buf_puts(b, "</summary><div class=mut>");
			ba_rep_esc(b, ba_json_str(e, "unit", ""));
			ba_buf_puts(b, "</div><pre>");
			ba_rep_esc(b, ba_json_str(e, "question", ""));
			ba_buf_puts(b, "</pre></details>");
		}
		ba_buf_puts(b, "</td></tr>");
	}
	ba_buf_puts(b, "</table>");
}

static void balance(ba_buf *b, const json_t *items)
{
	double cnt[26] = { 0 }, exp_[26] = { 0 }, total = 0;
	size_t i, maxk = 0;
	json_t *it;
	rows r = { 0 };

	json_array_foreach(items, i, it) {
		int p = ba_export_answer_index(it);
		size_t nch = json_array_size(json_object_get(it, "choices")), k;
		if (p < 0 || p >= 26)
			continue;
		cnt[p]++;
		total++;
		for (k = 0; k < nch && k < 26; k++)
			exp_[k] += 1.0 / (double)nch;
		if (nch > maxk)
			maxk = nch > 26 ? 26 : nch;
	}
	ba_buf_puts(b, "<h3>Answer-position balance</h3>");
	if (total == 0) {
		ba_rep_note(b, "No multiple-choice items.");
		return;
	}
	for (i = 0; i < maxk; i++) {
		char lab[16];
		snprintf(lab, sizeof(lab), "%c", (char)('A' + i));
		row_add(&r, lab, cnt[i], exp_[i], "");
	}
	bars_with_table(b, "plot-positions", "position of the correct option (tick: expected if uniform)", &r, 1, "%.0f",
			"choice items", "correct option", "items");
	{
		double chi = 0;
		for (i = 0; i < maxk; i++)
			if (exp_[i] > 0)
				chi += (cnt[i] - exp_[i]) * (cnt[i] - exp_[i]) / exp_[i];
		ba_buf_printf(b, "<p class=note>chi-square against uniform: %.2f on %zu degrees of freedom.</p>", chi,
			      maxk ? maxk - 1 : 0);
	}
	rows_free(&r);
}

static const char *source_of(const json_t *it, char *buf, size_t n)
{
	json_t *s = json_object_get(it, "source");
	const char *kind = ba_json_str(s, "kind", "unknown");
	const char *name = ba_json_str(s, "generator", ba_json_str(s, "dataset", ba_json_str(s, "name", NULL)));

	snprintf(buf, n, "%s%s%s", kind, name ? ": " : "", name ? name : "");
	return buf;
}

static void mix(ba_buf *b, const json_t *data)
{
	const json_t *items = json_object_get(data, "items");
	json_t *diff = json_object(), *src = json_object(), *v, *it;
	rows r = { 0 };
	const char *k;
	size_t i;
	char buf[160];

	json_array_foreach(items, i, it) {
		json_t *d = json_object_get(it, "difficulty");
		snprintf(buf, sizeof(buf), "difficulty %lld", json_is_integer(d) ? (long long)json_integer_value(d) : 0LL);
		if (!json_is_integer(d))
			snprintf(buf, sizeof(buf), "difficulty unset");
		json_object_set_new(diff, buf, json_integer(ba_json_int(diff, buf, 0) + 1));
		source_of(it, buf, sizeof(buf));
		json_object_set_new(src, buf, json_integer(ba_json_int(src, buf, 0) + 1));
	}
	ba_buf_puts(b, "<h3>Difficulty and source mix</h3>");
	json_object_foreach(diff, k, v)
		row_add(&r, k, (double)json_integer_value(v), NAN, "");
	bars_with_table(b, "plot-difficulty", "items per difficulty level", &r, 0, "%.0f", "items", "difficulty", "items");
	rows_free(&r);
	json_object_foreach(src, k, v)
		row_add(&r, k, (double)json_integer_value(v), NAN, "");
	bars_with_table(b, "plot-sources", "items per source", &r, 0, "%.0f", "items", "source", "items");
	rows_free(&r);
	json_decref(diff);
	json_decref(src);
}

static void made_target(ba_buf *b, const json_t *data)
{
	const json_t *man = json_object_get(data, "manifest"), *plan = json_object_get(data, "plan");
	json_t *made = json_object_get(man, "counts_per_subtask"), *target = json_object(), *q, *v;
	rows r = { 0 };
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(plan, "quotas"), i, q) {
		const char *st = ba_json_str(q, "subtask", "");
		long long n = ba_json_int(q, "count", ba_json_int(q, "quota", 0));
		json_object_set_new(target, st, json_integer(ba_json_int(target, st, 0) + n));
	}
	ba_buf_puts(b, "<h3>Made vs target per subtask</h3>");
	json_object_foreach(made, k, v)
		row_add(&r, k, (double)json_integer_value(v),
			json_object_get(target, k) ? (double)ba_json_int(target, k, 0) : NAN,
			json_object_get(target, k) && json_integer_value(v) < ba_json_int(target, k, 0) ? "bad" : "ok");
	json_object_foreach(target, k, v)
		if (!json_object_get(made, k))
			row_add(&r, k, 0, (double)json_integer_value(v), "bad");
	bars_with_table(b, "plot-made", "items made per subtask (tick: target)", &r, 1, "%.0f", "items", "subtask", "made");
	ba_buf_printf(b, "<p class=note>target size %lld, made %lld.</p>", ba_json_int(man, "target_size", 0),
		      ba_json_int(man, "item_count", (long long)json_array_size(json_object_get(data, "items"))));
	rows_free(&r);
	json_decref(target);
}

static void reviews(ba_buf *b, const json_t *rv)
{
	json_t *pairs = ba_json_path(rv, "agreement.pairs"), *p;
	size_t i;

	ba_buf_puts(b, "<h3>Human review</h3>");
	if (!json_is_object(rv) || ba_json_int(rv, "verdicts", 0) == 0) {
		ba_rep_note(b, "No human reviews yet (benchagent review BENCH).");
		return;
	}
	ba_buf_printf(b, "<table id=tbl-reviews class=kv><tr><td>items reviewed</td><td class=n>%lld of %lld</td></tr>"
			 "<tr><td>verdicts</td><td class=n>%lld</td></tr><tr><td>acceptance rate</td><td class=n id=review-acceptance>",
		      ba_json_int(rv, "reviewed", 0), ba_json_int(rv, "items", 0), ba_json_int(rv, "verdicts", 0));
	ba_rep_num(b, "%.3f", ba_json_num(rv, "acceptance_rate", NAN));
	ba_buf_printf(b, "</td></tr><tr><td>Fleiss' kappa (%lld items with 2+ annotators)</td><td class=n>",
		      ba_json_int(json_object_get(rv, "agreement"), "items_multi", 0));
	ba_buf_puts(b, "<span id=review-fleiss>");
	ba_rep_num(b, "%.3f", json_is_number(ba_json_path(rv, "agreement.fleiss_kappa")) ?
				      json_number_value(ba_json_path(rv, "agreement.fleiss_kappa")) : NAN);
	ba_buf_puts(b, "</span></td></tr></table>");
	if (json_array_size(pairs)) {
		ba_buf_puts(b, "<table id=tbl-review-pairs><tr><th>annotator A</th><th>annotator B</th><th class=n>items</th><th class=n>agreement</th>"
			       "<th class=n>Cohen's kappa</th></tr>");
		json_array_foreach(pairs, i, p) {
			ba_buf_puts(b, "<tr><td>");
			ba_rep_esc(b, ba_json_str(p, "a", ""));
			ba_buf_puts(b, "</td><td>");
			ba_rep_esc(b, ba_json_str(p, "b", ""));
			ba_buf_printf(b, "</td><td class=n>%lld</td><td class=n>", ba_json_int(p, "n", 0));
			ba_rep_num(b, "%.3f", ba_json_num(p, "percent", NAN));
			ba_buf_puts(b, "</td><td class=n>");
			ba_rep_num(b, "%.3f", json_is_number(json_object_get(p, "cohen_kappa")) ? ba_json_num(p, "cohen_kappa", 0) : NAN);
			ba_buf_puts(b, "</td></tr>");
		}
		ba_buf_puts(b, "</table>");
	}
}

static double jnum(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The panel against the people: confusion matrix, agreement, kappa and
 * the threshold that matches them best. */
static void audit_humans(ba_buf *b, const json_t *h)
{
	json_t *cm = json_object_get(h, "confusion"), *bt = json_object_get(h, "best_threshold");

	ba_buf_printf(b, "<p>Against human reviews (<span id=audit-h-items>%lld</span> items, the panel's pass = accept at "
			 "threshold %lld): agreement <b id=audit-h-agreement>", ba_json_int(h, "items", 0),
		      ba_json_int(h, "threshold", 60));
	ba_rep_num(b, "%.3f", jnum(json_object_get(h, "agreement")));
	ba_buf_puts(b, "</b>, Cohen's kappa <b id=audit-h-kappa>");
	ba_rep_num(b, "%.3f", jnum(json_object_get(h, "cohen_kappa")));
	ba_buf_puts(b, "</b>");
	if (json_is_object(bt)) {
		ba_buf_puts(b, "; the threshold that best matches people: <b id=audit-h-best>");
		ba_rep_num(b, "%.0f", jnum(json_object_get(bt, "threshold")));
		ba_buf_puts(b, "</b> (kappa <span id=audit-h-best-kappa>");
		ba_rep_num(b, "%.3f", jnum(json_object_get(bt, "cohen_kappa")));
		ba_buf_puts(b, "</span>)");
	}
	ba_buf_puts(b, ".</p>");
	if (json_is_object(cm))
		ba_buf_printf(b, "<table id=tbl-audit-confusion><tr><th></th><th class=n>people accept</th><th class=n>people reject"
				 "</th></tr><tr><td>judges accept</td><td class=n>%lld</td><td class=n>%lld</td></tr><tr><td>judges "
				 "reject</td><td class=n>%lld</td><td class=n>%lld</td></tr></table>",
			      ba_json_int(cm, "judge_accept_human_accept", 0), ba_json_int(cm, "judge_accept_human_reject", 0),
			      ba_json_int(cm, "judge_reject_human_accept", 0), ba_json_int(cm, "judge_reject_human_reject", 0));
}

/* Per subtask: items, passed, mean score with its interval. */
static void audit_subtasks(ba_buf *b, const json_t *subs)
{
	const char *k;
	json_t *v;

	if (!json_object_size(subs))
		return;
	ba_buf_puts(b, "<table id=tbl-audit-subtasks><tr><th>subtask</th><th class=n>items</th><th class=n>passed</th>"
		       "<th class=n>mean score</th><th class=n>95% CI</th></tr>");
	json_object_foreach((json_t *)subs, k, v) {
		json_t *ci = ba_json_path(v, "score.ci");
		ba_buf_puts(b, "<tr><td>");
		ba_rep_esc(b, k);
		ba_buf_printf(b, "</td><td class=n>%lld</td><td class=n>%lld</td><td class=n>", ba_json_int(v, "items", 0),
			      ba_json_int(v, "passed", 0));
		ba_rep_num(b, "%.1f", jnum(ba_json_path(v, "score.mean")));
		ba_buf_puts(b, "</td><td class=n>");
		if (json_array_size(ci) == 2)
			ba_buf_printf(b, "[%.1f, %.1f]", jnum(json_array_get(ci, 0)), jnum(json_array_get(ci, 1)));
		else
			ba_buf_puts(b, "-");
		ba_buf_puts(b, "</td></tr>");
	}
	ba_buf_puts(b, "</table>");
}

static void audit(ba_buf *b, const json_t *au, const ba_report_opts *o)
{
	json_t *ov = json_object_get(au, "overall"), *crit = json_object_get(ov, "criteria"), *v, *j;
	const char *k;
	size_t i;
	rows r = { 0 };

	ba_buf_puts(b, "<h3 id=audit>Audit (LLM judges)</h3>");
	ba_buf_printf(b, "<p>Items judged: <b id=audit-items>%lld</b>, passed (every criterion at or above %lld): <b "
			 "id=audit-passed>%lld</b> (",
		      ba_json_int(ov, "items", 0), ba_json_int(au, "threshold", 60), ba_json_int(ov, "passed", 0));
	ba_rep_pct(b, jnum(json_object_get(ov, "pass_rate")));
	ba_buf_puts(b, "); mean score <b id=audit-score>");
	ba_rep_num(b, "%.1f", jnum(ba_json_path(ov, "score.mean")));
	ba_buf_puts(b, "</b> ");
	if (json_array_size(ba_json_path(ov, "score.ci")) == 2)
		ba_buf_printf(b, "[%.1f, %.1f]", jnum(json_array_get(ba_json_path(ov, "score.ci"), 0)),
			      jnum(json_array_get(ba_json_path(ov, "score.ci"), 1)));
	ba_buf_puts(b, " on 0-100.");
	if (ba_json_bool(au, "mock", 0))
		ba_buf_puts(b, " <span class=\"badge warn\">mock judges: the scores mean nothing</span>");
	ba_buf_puts(b, "</p>");
	json_object_foreach(crit, k, v)
		row_add(&r, k, jnum(json_object_get(v, "mean")), NAN, "");
	if (r.n) {
		size_t n = r.n;
		ba_rep_pair_open(b);
		ba_svg_hbars(b, "plot-audit", "mean judge score per criterion (0-100)", r.label, r.v, NULL, NULL, n, "%.1f",
			     "score");
		ba_rep_pair_mid(b);
		ba_buf_puts(b, "<table id=tbl-audit><tr><th>criterion</th><th class=n>mean</th><th class=n>95% CI</th>"
			       "<th class=n>alpha</th></tr>");
		json_object_foreach(crit, k, v) {
			json_t *ci = json_object_get(v, "ci");
			ba_buf_puts(b, "<tr><td>");
			ba_rep_esc(b, k);
			ba_buf_puts(b, "</td><td class=n>");
			ba_rep_num(b, "%.1f", jnum(json_object_get(v, "mean")));
			ba_buf_puts(b, "</td><td class=n>");
			if (json_array_size(ci) == 2)
				ba_buf_printf(b, "[%.1f, %.1f]", jnum(json_array_get(ci, 0)), jnum(json_array_get(ci, 1)));
			else
				ba_buf_puts(b, "-");
			ba_buf_puts(b, "</td><td class=n>");
			ba_rep_num(b, "%.2f", jnum(json_object_get(ba_json_path(au, "agreement.krippendorff_alpha"), k)));
			ba_buf_puts(b, "</td></tr>");
		}
		ba_buf_puts(b, "</table>");
		ba_rep_pair_close(b);
	}
	rows_free(&r);
	if (json_array_size(json_object_get(au, "judges"))) {
		ba_buf_puts(b, "<table><tr><th>judge</th><th>family</th><th class=n>items</th><th class=n>failed</th><th>warnings</th></tr>");
		json_array_foreach(json_object_get(au, "judges"), i, j) {
			ba_buf_puts(b, "<tr><td>");
			ba_rep_esc(b, ba_json_str(j, "spec", ""));
			ba_buf_puts(b, "</td><td>");
			ba_rep_esc(b, ba_json_str(j, "family", ""));
			ba_buf_printf(b, "</td><td class=n>%lld</td><td class=n>%lld</td><td>%s</td></tr>",
				      ba_json_int(j, "items_judged", 0), ba_json_int(j, "failed", 0),
				      ba_json_bool(j, "self_preference", 0) ? "<b class=bad>judges its own writing</b>" : "");
		}
		ba_buf_puts(b, "</table>");
	}
	audit_subtasks(b, json_object_get(au, "subtasks"));
	if (json_is_object(json_object_get(au, "humans")))
		audit_humans(b, json_object_get(au, "humans"));
	if (json_array_size(json_object_get(au, "worst"))) {
		ba_buf_puts(b, "<details><summary>lowest-scored items</summary><table><tr><th>item</th><th>criterion</th>"
			       "<th class=n>score</th><th>judge rationale</th></tr>");
		json_array_foreach(json_object_get(au, "worst"), i, j) {
			if (i >= 50)
				break;
			ba_buf_puts(b, "<tr><td>");
			ba_rep_item_link(b, o, ba_json_str(j, "id", ""));
			ba_buf_puts(b, "</td><td>");
			ba_rep_esc(b, ba_json_str(j, "criterion", ""));
			ba_buf_puts(b, "</td><td class=n>");
			ba_rep_num(b, "%.1f", jnum(json_object_get(j, "min_score")));
			ba_buf_puts(b, "</td><td class=txt>");
			ba_rep_esc(b, ba_json_str(j, "rationale", ""));
			ba_buf_puts(b, "</td></tr>");
		}
		ba_buf_puts(b, "</table></details>");
	}
}

void ba_rep_quality(ba_buf *b, const json_t *data, const ba_report_opts *o)
{
	ba_rep_section_open(b, "quality", "Benchmark quality", "How the items were made and checked (manifest.json, "
			    "the build run in the store), what people and judges thought of them.");
	funnel(b, data);
	rejections(b, data);
	balance(b, json_object_get(data, "items"));
	mix(b, data);
	made_target(b, data);
	reviews(b, json_object_get(data, "reviews"));
	if (json_is_object(json_object_get(data, "audit")))
		audit(b, json_object_get(data, "audit"), o);
	ba_rep_section_close(b);
}
