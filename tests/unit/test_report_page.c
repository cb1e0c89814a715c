/*
 * test_report_page.c - the report's parts with known answers: nice ticks,
 * Holm's correction, the escaper, and a whole page from a small workspace
 * (three models with stored results, a hostile item): every section and
 * plot present, hostile text escaped, one script, nothing loaded from
 * outside, the leaderboard numbers those of ba_eval_report, no audit
 * section without audit.json and one with it.
 */
#include "support.h"
#include "benchagent/eval.h"
#include "benchagent/fs.h"
#include "benchagent/html.h"
#include "benchagent/json.h"
#include "benchagent/report.h"
#include "benchagent/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ba_svg_ticks(double lo, double hi, int want, double *ticks, size_t max);

static void test_ticks(void **state)
{
	double t[32];
	size_t n;

	(void)state;
	n = ba_svg_ticks(0, 1, 5, t, 32);
	assert_int_equal(n, 6);
	assert_true(fabs(t[0]) < 1e-12 && fabs(t[1] - 0.2) < 1e-12 && fabs(t[5] - 1) < 1e-12);
	n = ba_svg_ticks(-3, 3, 8, t, 32);
	assert_int_equal(n, 7);
	assert_true(t[0] == -3 && t[3] == 0 && t[6] == 3);
	n = ba_svg_ticks(0, 3200, 6, t, 32);
	assert_true(n >= 4 && n <= 8 && t[1] - t[0] == 500);
	n = ba_svg_ticks(2, 2, 5, t, 32);   /* empty span: one tick */
	assert_int_equal(n, 1);
}

static void test_holm(void **state)
{
	const double p[4] = { 0.01, 0.04, 0.03, 0.005 };
	double adj[4];

	(void)state;
	ba_stats_holm(p, 4, adj);
	/* sorted 0.005 0.01 0.03 0.04 -> 4x, 3x, 2x, 1x, made monotone, capped at 1 */
	assert_true(fabs(adj[3] - 0.02) < 1e-12);
	assert_true(fabs(adj[0] - 0.03) < 1e-12);
	assert_true(fabs(adj[2] - 0.06) < 1e-12);
	assert_true(fabs(adj[1] - 0.06) < 1e-12);
	{
		const double q[2] = { 0.7, 0.9 };
		ba_stats_holm(q, 2, adj);
		assert_true(adj[0] == 1 && adj[1] == 1);
	}
}

static void test_escape(void **state)
{
	char *e = ba_html_escape("<a href=\"x\" onclick='y'>&amp;</a>");

	(void)state;
	assert_string_equal(e, "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
	free(e);
	e = ba_html_escape(NULL);
	assert_string_equal(e, "");
	free(e);
}

static void put_results(ba_store *st, const char *bench, const char *const *models, size_t nm, size_t ni)
{
	ba_result_row *rows = calloc(nm * ni, sizeof(*rows));
	char (*ids)[32] = calloc(ni, 32);
	ba_error err = BA_ERROR_INIT;
	size_t m, i;

	for (i = 0; i < ni; i++)
		snprintf(ids[i], 32, i == 0 ? "evil" : "it-%zu", i);
	for (m = 0; m < nm; m++)
		for (i = 0; i < ni; i++) {
			int ok = (int)((i * 7 + m * 3) % 10) < 8 - 3 * (int)m;
			rows[m * ni + i] = (ba_result_row){ .bench = bench, .model = models[m], .item = ids[i], .epoch = 0,
							    .request_hash = "h", .response = ok ? "Answer: 4" : "Answer: <b onclick=x>5</b>",
							    .extracted = ok ? "4" : "5", .score = ok ? 1 : 0 };
		}
	assert_int_equal(ba_result_put_many(st, rows, nm * ni, &err), 0);
	free(rows);
	free(ids);
}

static char *page(ba_store *st, const char *dir)
{
	ba_report_opts o = BA_REPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	char *html = NULL;
	size_t len = 0;

	o.bench_dir = dir;
	o.stats.resamples = 200;
	assert_int_equal(ba_report_html(st, &o, &html, &len, &err), 0);
	assert_int_equal(strlen(html), len);
	return html;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

static void test_page(void **state)
{
	char *ws = bt_tmpdir("report"), *dir, *html, *p;
	const char *models[3] = { "local/a", "local/b", "local/c" };
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_buf b = BA_BUF_INIT((size_t)16 << 20);
	ba_eval_opts eo = BA_EVAL_OPTS_INIT;
	json_t *items = NULL, *ms = NULL, *rep;
	double *y = NULL;
	size_t i;
	char want[96];
	static const char *const plots[] = { "plot-leaderboard", "plot-heatmap", "plot-itemmap", "plot-information",
					     "plot-abilities", "plot-planner", "plot-funnel", "plot-positions",
					     "plot-difficulty", "plot-made", "plot-drift", NULL };

	(void)state;
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	dir = ba_path_join(ws, "bench");
	assert_int_equal(ba_fs_mkdir_p(dir, &err), 0);
	ba_buf_puts(&b, "{\"id\":\"evil\",\"subtask\":\"s<1>\",\"answer_type\":\"choice\",\"question\":"
			"\"<script>alert(1)</script><img src=x onerror=alert(2)>\",\"choices\":[\"4\",\"5\"],\"answer\":\"A\"}\n");
	for (i = 1; i < 40; i++)
		ba_buf_printf(&b, "{\"id\":\"it-%zu\",\"subtask\":\"s%zu\",\"question\":\"q %zu\",\"answer\":\"4\",\"difficulty\":%zu}\n", i,
			      i % 2, i, i % 3 + 1);
	free(bt_write(dir, "items.jsonl", ba_buf_cstr(&b)));
	free(bt_write(dir, "manifest.json", "{\"id\": \"tb\", \"counts_per_subtask\": {\"s0\": 20, \"s1\": 19, \"s<1>\": 1}}"));

	/* no results yet: the page says so and still renders */
	html = page(st, dir);
	assert_non_null(strstr(html, "No evaluation results stored"));
	free(html);

	put_results(st, "tb", models, 3, 40);
	html = page(st, dir);
	for (i = 0; plots[i]; i++) {
		snprintf(want, sizeof(want), "id=\"%s\"", plots[i]);
		assert_non_null(strstr(html, want));
	}
	assert_null(strstr(html, "<script>alert"));
	assert_null(strstr(html, "onerror=alert(2)>"));
	assert_null(strstr(html, "<b onclick"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"));
	assert_int_equal(count(html, "<script"), 1);
	assert_int_equal(count(html, "http"), count(html, "http://www.w3.org/2000/svg"));
	assert_null(strstr(html, "id=audit"));

	/* the leaderboard shows ba_eval_report's numbers */
	assert_int_equal(ba_eval_load_items(dir, 0, &items, &err), 0);
	assert_int_equal(ba_eval_load_matrix(st, "tb", items, NULL, 0, 0, &ms, &y, &err), 0);
	eo.stats.resamples = 200;
	rep = ba_eval_report(items, ms, y, &eo);
	for (i = 0; i < 3; i++) {
		json_t *m = json_array_get(json_object_get(rep, "models"), i);
		json_t *ci = json_object_get(m, "ci");
		snprintf(want, sizeof(want), "<td class=\"n acc\">%.1f%%</td><td class=\"n ci\">[%.1f, %.1f]</td>",
			 100 * ba_json_num(m, "accuracy", 0), 100 * json_number_value(json_array_get(ci, 0)),
			 100 * json_number_value(json_array_get(ci, 1)));
		assert_non_null(strstr(html, want));
	}
	free(html);

	/* an audit.json brings the audit section */
	free(bt_write(dir, "audit.json", "{\"threshold\": 60, \"overall\": {\"items\": 40, \"passed\": 30, \"pass_rate\": 0.75,"
				       " \"score\": {\"mean\": 70, \"ci\": [65, 75]}, \"criteria\": {\"qa_coherence\": {\"mean\": 70}}},"
				       " \"worst\": [{\"id\": \"evil\", \"rationale\": \"<script>x</script>\"}]}"));
	html = page(st, dir);
	assert_non_null(strstr(html, "id=audit"));
	assert_non_null(strstr(html, "id=\"plot-audit\""));
	assert_int_equal(count(html, "<script"), 1);
	free(html);
	/* a malformed audit.json is an error naming the file, not a page without it */
	p = bt_write(dir, "audit.json", "{not json");
	{
		ba_report_opts o = BA_REPORT_OPTS_INIT;
		char *h = NULL;
		o.bench_dir = dir;
		assert_int_not_equal(ba_report_html(st, &o, &h, NULL, &err), 0);
		assert_non_null(strstr(err.msg, "audit.json"));
		assert_null(h);
	}
	free(p);
	json_decref(rep);
	json_decref(items);
	json_decref(ms);
	free(y);
	ba_buf_free(&b);
	ba_store_close(st);
	free(dir);
	bt_rmrf(ws);
	free(ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_holm),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
