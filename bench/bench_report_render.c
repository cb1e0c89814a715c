/*
 * bench_report_render.c - time and size of `benchagent report` for 50
 * models x 10,000 items (target: < 2 s), on a synthetic workspace: items
 * in four subtasks (a quarter multiple choice), scores drawn from a known
 * 2PL model, one stored row and one logged request per (model, item).
 * Prints a table: the statistics (eval's own report, as `eval --json`
 * computes it), the page (sections and transcripts), the total, the file
 * size and the ratio of the CPU seconds to the 2 s target; with every
 * item's transcripts (the default) and with --transcripts 2000.
 * Usage: bench_report_render [MODELS ITEMS [WORKSPACE]]
 * With WORKSPACE (a folder), the synthetic workspace is made there once
 * and kept: a second run measures again without making it again.
 */
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/eval.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/report.h"
#include "benchagent/sha256.h"
#include "benchagent/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int write_items(const char *dir, size_t ni)
{
	ba_buf b = BA_BUF_INIT((size_t)1 << 30);
	ba_error err = BA_ERROR_INIT;
	char *p;
	size_t i;
	int rc;

	for (i = 0; i < ni; i++) {
		if (i % 4 == 3)
			ba_buf_printf(&b, "{\"id\":\"it-%05zu\",\"subtask\":\"st%zu\",\"answer_type\":\"choice\",\"question\":"
					  "\"Which of the four options is right for case %zu?\",\"choices\":[\"one\",\"two\",\"three\","
					  "\"four\"],\"answer\":\"%c\",\"difficulty\":%zu,\"source\":{\"kind\":\"dataset\",\"dataset\":\"syn\"}}\n",
				      i, i % 4, i, (char)('A' + (i / 4) % 4), i % 5 + 1);
		else
			ba_buf_printf(&b, "{\"id\":\"it-%05zu\",\"subtask\":\"st%zu\",\"answer_type\":\"numeric\",\"question\":"
					  "\"What is %zu plus %zu, after the usual amount of deliberation?\",\"answer\":\"%zu\","
					  "\"difficulty\":%zu,\"source\":{\"kind\":\"generator\",\"generator\":\"syn\"}}\n",
				      i, i % 4, i, i * 7 % 1000, i + i * 7 % 1000, i % 5 + 1);
	}
	p = ba_path_join(dir, "items.jsonl");
	rc = ba_fs_write_atomic(p, b.ptr, b.len, &err);
	free(p);
	p = ba_path_join(dir, "manifest.json");
	if (rc == 0)
		rc = ba_fs_write_atomic(p, "{\"id\":\"big\",\"target_size\":10000}", 32, &err);
	free(p);
	ba_buf_free(&b);
	if (rc)
		fprintf(stderr, "%s\n", err.msg);
	return rc;
}

static int fill_store(ba_store *st, size_t nm, size_t ni)
{
	double *th = ba_malloc(sizeof(double) * nm), *a = ba_malloc(sizeof(double) * ni),
	       *bb = ba_malloc(sizeof(double) * ni), *y = ba_malloc(sizeof(double) * nm * ni);
	ba_result_row *rows = ba_calloc(ni, sizeof(*rows));
	char **strs = ba_calloc(ni * 6, sizeof(char *));
	ba_error err = BA_ERROR_INIT;
	size_t m, i, k;
	int rc = 0;

	ba_irt_simulate(nm, ni, 1.0, 7, th, a, bb, y, NULL);
	for (m = 0; m < nm && rc == 0; m++) {
		char model[48];
		snprintf(model, sizeof(model), "local/model-%02zu", m);
		ba_store_begin(st, &err);
		for (i = 0; i < ni; i++) {
			char *req = ba_asprintf("{\"kind\":\"chat\",\"messages\":[{\"content\":\"Question: What is %zu?\\n\\nEnd "
						"your reply with a line of the form \\\"Answer: X\\\".\",\"role\":\"user\"}],"
						"\"model\":\"model-%02zu\",\"sample_index\":0,\"temperature\":0.0,\"v\":1}", i, m);
			char key[65];
			ba_call_row cr = { 0 };
			ba_sha256_hex(req, strlen(req), key);
			strs[i * 6] = ba_strdup(key);
			strs[i * 6 + 1] = ba_asprintf("it-%05zu", i);
			strs[i * 6 + 2] = ba_asprintf("Let me think about it.\nAnswer: %s", y[m * ni + i] > 0.5 ? "right" : "wrong");
			strs[i * 6 + 3] = ba_strdup(y[m * ni + i] > 0.5 ? "right" : "wrong");
			strs[i * 6 + 4] = ba_strdup(model);
			rows[i] = (ba_result_row){ .bench = "big", .model = strs[i * 6 + 4], .item = strs[i * 6 + 1], .epoch = 0,
						   .request_hash = strs[i * 6], .response = strs[i * 6 + 2],
						   .extracted = strs[i * 6 + 3], .score = y[m * ni + i] > 0.5 ? 1 : 0,
						   .call_key = strs[i * 6] };
			cr.key = key;
			cr.role = "solver";
			cr.provider = "local";
			cr.model = model + 6;
			cr.request = req;
			cr.response = "{}";
			cr.status = "ok";
			ba_call_put(st, &cr);
			free(req);
		}
		ba_store_commit(st, &err);
		rc = ba_result_put_many(st, rows, ni, &err);
		for (k = 0; k < ni * 6; k++) {
			free(strs[k]);
			strs[k] = NULL;
		}
	}
	if (rc)
		fprintf(stderr, "%s\n", err.msg);
	free(th);
	free(a);
	free(bb);
	free(y);
	free(rows);
	free(strs);
	return rc;
}

/* What `benchagent eval` does after its run: compute the statistics and keep them. */
static int eval_like(ba_store *st, const char *dir, double *secs)
{
	ba_eval_opts eo = BA_EVAL_OPTS_INIT;
	json_t *items = NULL, *models = NULL, *rep;
	double *y = NULL, t0 = cpu_s();
	ba_error err = BA_ERROR_INIT;
	int rc;

	if ((rc = ba_eval_load_items(dir, 0, &items, &err)) != 0 ||
	    (rc = ba_eval_load_matrix(st, "big", items, NULL, 0, 1, &models, &y, &err)) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		json_decref(items);
		return rc;
	}
	eo.bench_dir = dir;
	rep = ba_eval_report(items, models, y, &eo);
	json_object_set_new(rep, "benchmark", json_string("big"));
	json_object_set_new(rep, "epochs", json_integer(1));
	rc = ba_eval_save_report(st, "big", &eo, 1, rep, &err);
	*secs = cpu_s() - t0;
	json_decref(rep);
	json_decref(items);
	json_decref(models);
	free(y);
	return rc;
}

static int measure(ba_store *st, const char *dir, long cap, double *t_stats, double *t_page, double *c_stats,
		   double *c_page, size_t *bytes)
{
	ba_report_opts o = BA_REPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	ba_buf b = BA_BUF_INIT((size_t)1 << 30);
	json_t *data = NULL;
	double t0 = now_s(), c0 = cpu_s();
	int rc;

	o.bench_dir = dir;
	o.max_transcripts = cap;
	if ((rc = ba_report_collect(st, &o, &data, &err)) != 0) {
		fprintf(stderr, "collect: %s\n", err.msg);
		return rc;
	}
	*t_stats = now_s() - t0;
	*c_stats = cpu_s() - c0;
	t0 = now_s();
	c0 = cpu_s();
	rc = ba_report_render(st, data, &o, &b, &err);
	*t_page = now_s() - t0;
	*c_page = cpu_s() - c0;
	*bytes = b.len;
	if (rc)
		fprintf(stderr, "render: %s\n", err.msg);
	json_decref(data);
	ba_buf_free(&b);
	return rc;
}

int main(int argc, char **argv)
{
	size_t nm = argc > 2 ? (size_t)strtoul(argv[1], NULL, 10) : 50, ni = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 10000;
	char tmpl[] = "/tmp/bench_report_XXXXXX", *dir;
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	double ts, tp, cs, cp, t0;
	size_t bytes;
	int rc = 1;

	const char *keep = argc > 3 ? argv[3] : NULL;
	char *ws = keep ? ba_strdup(keep) : mkdtemp(tmpl) ? ba_strdup(tmpl) : NULL;
	int made;

	if (!ws || (keep && ba_fs_mkdir_p(keep, &err) != 0)) {
		fprintf(stderr, "workspace: %s\n", keep ? err.msg : "mkdtemp failed");
		free(ws);
		return 1;
	}
	dir = ba_path_join(ws, "big");
	{
		char *ip = ba_path_join(dir, "items.jsonl");
		made = !ba_fs_exists(ip);
		free(ip);
	}
	if (ba_store_open(&st, ws, &err) != 0) {
		fprintf(stderr, "workspace: %s\n", err.msg);
		goto out;
	}
	ba_fs_mkdir_p(dir, &err);
	t0 = now_s();
	if (made && (fill_store(st, nm, ni) != 0 || write_items(dir, ni) != 0))
		goto out;
	if (made)
		fprintf(stderr, "synthetic workspace: %zu models x %zu items in %.1f s\n", nm, ni, now_s() - t0);
	printf("report of %zu models x %zu items (1000 bootstrap resamples)\n\n", nm, ni);
	printf("wall seconds (CPU seconds of this process in brackets: the machine is shared;\n"
	       "the target is checked on the CPU seconds)\n\n");
	printf("%-34s %15s\n", "", "statistics");
	/* forget eval's kept report (a kept workspace has one from the last run) */
	ba_kv_put(st, "eval.report:big", "{}", NULL);
	if (measure(st, dir, 1, &ts, &tp, &cs, &cp, &bytes) != 0)
		goto out;
	printf("%-34s %6.2f (%6.2f)   (computed here: no eval report kept)\n", "report without eval's report", ts, cs);
	if (eval_like(st, dir, &cs) != 0)
		goto out;
	printf("%-34s        (%6.2f)   (eval pays this once and keeps the report)\n\n", "eval's statistics", cs);
	printf("%-34s %15s %15s %15s %8s %13s\n", "transcripts in the file", "statistics", "page", "total", "file MB",
	       "CPU / 2 s");
	if (measure(st, dir, 0, &ts, &tp, &cs, &cp, &bytes) != 0)
		goto out;
	printf("%-34s %6.2f (%6.2f) %6.2f (%6.2f) %6.2f (%6.2f) %8.1f %6.2f %s\n", "every item (default)", ts, cs, tp, cp,
	       ts + tp, cs + cp, bytes / 1e6, (cs + cp) / 2, cs + cp < 2 ? "met" : "NOT met");
	if (measure(st, dir, 2000, &ts, &tp, &cs, &cp, &bytes) != 0)
		goto out;
	printf("%-34s %6.2f (%6.2f) %6.2f (%6.2f) %6.2f (%6.2f) %8.1f %6.2f\n", "first 2,000 + flagged (--transcripts)",
	       ts, cs, tp, cp, ts + tp, cs + cp, bytes / 1e6, (cs + cp) / 2);
	rc = 0;
out:
	ba_store_close(st);
	if (!keep)
		ba_fs_rmtree(ws, NULL);
	free(ws);
	free(dir);
	return rc;
}
