/*
 * test_report_page.c - the report's parts with known answers: nice ticks,
 * Holm's correction, the escaper, and a whole page from a small workspace
 * (three models with stored results, a hostile item): every section and
 * plot present, hostile text escaped, one script, nothing loaded from
 * outside, the leaderboard numbers those of ba_eval_report, no audit
 * section without audit.json and one with it; the JSON escaper for text in
 * the page, and the transcripts' data (messages stored once, proved by
 * the call keys, another prompt shown as such, an unlogged request said).
 */
#include "support.h"
#include "benchagent/eval.h"
#include "benchagent/fs.h"
#include "benchagent/html.h"
#include "benchagent/json.h"
#include "benchagent/report.h"
#include "benchagent/sha256.h"
#include "benchagent/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ba_svg_ticks(double lo, double hi, int want, double *ticks, size_t max);
void ba_rep_json_str(ba_buf *b, const char *s, size_t len);

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

/* JSON text inside an HTML element: nothing that could end it or start markup */
static void test_json_escape(void **state)
{
	ba_buf b = BA_BUF_INIT(4096);
	const char in[] = "</script><b x=\"1\">&\\\n\x01 \xc3\xa9 \xff\xc3 \xed\xa0\x80 \xf0\x9f\x98\x80";

	(void)state;
	ba_rep_json_str(&b, in, sizeof(in) - 1);
	assert_string_equal(ba_buf_cstr(&b), "\"\\u003c/script\\u003e\\u003cb x=\\\"1\\\"\\u003e\\u0026\\\\\\n\\u0001 "
					     "\xc3\xa9 \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
	ba_buf_free(&b);
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
	/* the hostile question is in the transcripts' data block as JSON text without '<' */
	assert_non_null(strstr(html, "\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u003cimg src=x onerror=alert(2)\\u003e\""));
	assert_int_equal(count(html, "<script"), 2);
	assert_int_equal(count(html, "<script type=\"application/json\" id=tx-data>"), 1);
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
	assert_int_equal(count(html, "<script"), 2);
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

/* Log a chat request as the gateway does (key = SHA-256 of its canonical
 * text) unless log is 0; the key goes to *key. */
static void call(ba_store *st, const char *model, int epoch, const json_t *msgs, int log, char key[65])
{
	json_t *req = json_pack("{s:s, s:O, s:s, s:i, s:f, s:i}", "kind", "chat", "messages", msgs, "model", model,
				"sample_index", epoch, "temperature", 0.0, "v", 1);
	char *canon = ba_json_canonical(req);
	ba_call_row cr = { 0 };

	ba_sha256_hex(canon, strlen(canon), key);
	cr.key = key;
	cr.role = "solver";
	cr.provider = "local";
	cr.model = model;
	cr.request = canon;
	cr.response = "{}";
	cr.status = "ok";
	if (log)
		assert_int_equal(ba_call_put(st, &cr), 0);
	free(canon);
	json_decref(req);
}

/* The page's transcripts data (the JSON of its data block). */
static json_t *tx_data(const char *html)
{
	const char *a = strstr(html, "<script type=\"application/json\" id=tx-data>"), *e;

	assert_non_null(a);
	a += strlen("<script type=\"application/json\" id=tx-data>");
	e = strstr(a, "</script>");
	assert_non_null(e);
	assert_null(memchr(a, '<', (size_t)(e - a)));
	return json_loadb(a, (size_t)(e - a), 0, NULL);
}

/* The messages of message set ms as text: "role:part|part;role:..." */
static void set_text(const json_t *d, long ms, ba_buf *out)
{
	const json_t *S = json_object_get(d, "s"), *m, *p;
	size_t i, j, k;

	json_array_foreach(json_array_get(json_object_get(d, "m"), (size_t)ms), i, m) {
		ba_buf_printf(out, "%s%s:", i ? ";" : "", json_string_value(json_array_get(S, json_integer_value(json_array_get(m, 0)))));
		json_array_foreach(json_array_get(m, 1), j, p) {
			long kind = (long)json_integer_value(json_array_get(p, 0));
			ba_buf_printf(out, "%s%ld=", j ? "|" : "", kind);
			for (k = 1; k < json_array_size(p); k++)
				ba_buf_puts(out, json_string_value(json_array_get(S, json_integer_value(json_array_get(p, k)))));
		}
	}
}

/* Every transcript in the data block, messages stored once: rows whose
 * requests are the item's first one with another model and sample are
 * proved so by their keys (even when the log lacks them), a row that was
 * sent other messages shows those, a row whose request is not logged says
 * so; images and audio as checked data URLs, audio the call log keeps as
 * a hash and anything else as a note. */
static void test_transcripts(void **state)
{
	char *ws = bt_tmpdir("report-tx"), *dir, *html;
	const char *models[3] = { "local/a", "local/b", "local/c" }, *names[3] = { "a", "b", "c" };
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_result_row rows[9];
	char keys[9][65];
	json_t *m1, *m2, *m3, *d, *items, *it, *r;
	ba_buf t = BA_BUF_INIT(1 << 20);
	size_t i, k;

	(void)state;
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	dir = ba_path_join(ws, "bench");
	assert_int_equal(ba_fs_mkdir_p(dir, &err), 0);
	free(bt_write(dir, "items.jsonl", "{\"id\":\"i1\",\"subtask\":\"s\",\"question\":\"one?\",\"answer\":\"4\"}\n"
					  "{\"id\":\"i2\",\"subtask\":\"s\",\"question\":\"two?\",\"answer\":\"4\"}\n"
					  "{\"id\":\"i3\",\"subtask\":\"s\",\"question\":\"three?\",\"answer\":\"4\"}\n"));
	free(bt_write(dir, "manifest.json", "{\"id\": \"tt\"}"));
	m1 = json_loads("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
			"\"text\":\"Q: one?\\n\\nEnd with Answer: X.\"},{\"type\":\"image_url\",\"image_url\":{\"url\":"
			"\"data:image/png;base64,iVBORw0KGgo=\"}},{\"type\":\"image_url\",\"image_url\":{\"url\":\"javascript:alert(1)\"}},"
			"{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklGRg==\",\"format\":\"wav\"}},"
			"{\"type\":\"input_audio\",\"input_audio\":{\"bytes\":4,\"format\":\"wav\",\"sha256\":\"ab12\"}}]}]", 0, NULL);
	m2 = json_loads("[{\"role\":\"user\",\"content\":\"Q: two?\\n\\nEnd with Answer: X.\"}]", 0, NULL);
	m3 = json_loads("[{\"role\":\"user\",\"content\":\"Q: two? (another prompt)\\n\\nEnd with Answer: X.\"}]", 0, NULL);
	for (k = 0; k < 3; k++) {
		call(st, names[k], 0, m1, k == 0, keys[k]);        /* i1: only a's request is logged */
		call(st, names[k], 0, k == 2 ? m3 : m2, 1, keys[3 + k]); /* i2: c was sent another prompt */
		call(st, names[k], 0, m2, k != 1, keys[6 + k]);    /* i3: b's request is not logged and */
	}
	memcpy(keys[7], "0000", 4);                            /* its key proves nothing */
	for (i = 0; i < 9; i++)
		rows[i] = (ba_result_row){ .bench = "tt", .model = models[i % 3], .item = i < 3 ? "i1" : i < 6 ? "i2" : "i3",
					   .request_hash = "h", .response = "</script><script>alert(1)</script> Answer: 4",
					   .extracted = "4", .score = 1, .call_key = keys[i] };
	assert_int_equal(ba_result_put_many(st, rows, 9, &err), 0);
	html = page(st, dir);
	d = tx_data(html);
	assert_non_null(d);
	assert_null(strstr(html, "<script>alert"));
	items = json_object_get(d, "items");
	assert_int_equal(json_array_size(items), 3);
	/* i1: one message set for the three rows (b and c proved by their keys) */
	it = json_array_get(items, 0);
	assert_true(json_integer_value(json_array_get(it, 5)) >= 0);
	set_text(d, (long)json_integer_value(json_array_get(it, 5)), &t);
	assert_string_equal(ba_buf_cstr(&t), "system:0=Be brief.;user:0=Q: one?\n\nEnd with Answer: X.|1=data:image/png;base64,"
					     "iVBORw0KGgo=|3=[image not shown: not an inline base64 image]|2=data:audio/wav;base64,UklGRg==|"
					     "3=[audio sent: wav, 4 bytes, sha256 ab12; not shown: no such file among the item's media]");
	json_array_foreach(json_array_get(it, 6), i, r)
		assert_true(json_array_size(r) <= 8);  /* no row has messages of its own */
	/* the instruction paragraph is one string for every item */
	ba_buf_reset(&t);
	json_array_foreach(json_object_get(d, "s"), i, r)
		if (!strcmp(json_string_value(r), "End with Answer: X."))
			ba_buf_puts(&t, "x");
	assert_string_equal(ba_buf_cstr(&t), "x");
	/* i2: c's row has its own messages */
	it = json_array_get(items, 1);
	json_array_foreach(json_array_get(it, 6), i, r) {
		json_int_t m = json_integer_value(json_array_get(r, 0));
		const char *model = json_string_value(json_array_get(json_object_get(d, "models"), (size_t)m));
		if (!strcmp(model, "local/c")) {
			assert_int_equal(json_array_size(r), 9);
			ba_buf_reset(&t);
			set_text(d, (long)json_integer_value(json_array_get(r, 8)), &t);
			assert_string_equal(ba_buf_cstr(&t), "user:0=Q: two? (another prompt)\n\nEnd with Answer: X.");
		} else {
			assert_true(json_array_size(r) <= 8);
		}
	}
	/* i3: b's row says its request is not in the log (-1) */
	it = json_array_get(items, 2);
	json_array_foreach(json_array_get(it, 6), i, r) {
		json_int_t m = json_integer_value(json_array_get(r, 0));
		const char *model = json_string_value(json_array_get(json_object_get(d, "models"), (size_t)m));
		assert_int_equal(json_array_size(r) > 8 ? json_integer_value(json_array_get(r, 8)) : 0,
				 !strcmp(model, "local/b") ? -1 : 0);
	}
	json_decref(d);
	free(html);
	json_decref(m1);
	json_decref(m2);
	json_decref(m3);
	ba_buf_free(&t);
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
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_transcripts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
