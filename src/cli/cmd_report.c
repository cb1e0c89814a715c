/*
 * cmd_report.c - `benchagent report BENCH_DIR [-o FILE.html]`: the report
 * page (docs/report.md) as one self-contained HTML file.
 */
#include "cli.h"
#include "benchagent/fs.h"
#include "benchagent/alloc.h"
#include "benchagent/report.h"
#include "benchagent/review.h"

#include <stdlib.h>
#include <string.h>

#define MAX_MODELS 64

static int exec_report(ba_cli *cli, int argc, char **argv);

const ba_command ba_cmd_report = {
	.name = "report",
	.summary = "Write the report: results, item statistics, quality, versions, cost, transcripts (HTML).",
	.usage = "benchagent report BENCH_DIR [-o FILE.html] [--model P/M ...] [--size MODEL=B ...]\n"
		 "       [--family MODEL=F ...] [--transcripts N|all] [--resamples N] [--seed N]",
	.help = "One self-contained HTML page (inline CSS and SVG, no network) from the benchmark\n"
		"folder and the results stored by `benchagent eval`: leaderboard with intervals,\n"
		"paired comparisons (McNemar, Holm), per-subtask heatmap, epochs, size vs accuracy,\n"
		"IRT item map, test information, abilities, the items-needed planner, the\n"
		"verification funnel and rejections, balance and mix, reviews, audit, versions,\n"
		"cost, and every transcript. `benchagent review` serves the same page at /report.\n\n"
		"  -o FILE.html        where to write (default BENCH_DIR/report.html)\n"
		"  --model P/M         report these models, in this order (default: every stored one)\n"
		"  --size MODEL=B      model size in billions (repeatable), as for eval\n"
		"  --family MODEL=F    model family (repeatable), as for eval\n"
		"  --transcripts N     hold the transcripts of the first N items and of every flagged\n"
		"                      one only (default: all, every item's)\n"
		"  --resamples N       bootstrap resamples (default evaluation.resamples or 1000)\n"
		"Statistics use the same configuration (evaluation: resamples, seed, level,\n"
		"plan_half_width) as eval, so the numbers equal those of `eval --json`.\n",
	.exec = exec_report,
};

static int exec_report(ba_cli *cli, int argc, char **argv)
{
	const char *models[MAX_MODELS], *sizes[MAX_MODELS], *fams[MAX_MODELS];
	int nmodels = 0, nsizes = 0, nfams = 0, ec, npos, rc = BA_EXIT_OK;
	const char *tx_s = NULL, *res_s = NULL;
	ba_opt opts[] = {
		{ "transcripts", 0, 1, &tx_s, NULL },
		{ "resamples", 0, 1, &res_s, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	char *pos[1], *html = NULL, *out = NULL, *bench = NULL;
	ba_report_opts ro = BA_REPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *jsizes = json_object(), *jfams = json_object(), *items = NULL, *reviews = NULL;
	ba_config *cfg;
	ba_store *st;
	size_t len = 0;
	long v;

	if ((ec = ba_cli_take_repeat(&ba_cmd_report, &argc, argv, "--model", models, MAX_MODELS, &nmodels)) != 0 ||
	    (ec = ba_cli_take_repeat(&ba_cmd_report, &argc, argv, "--size", sizes, MAX_MODELS, &nsizes)) != 0 ||
	    (ec = ba_cli_take_repeat(&ba_cmd_report, &argc, argv, "--family", fams, MAX_MODELS, &nfams)) != 0 ||
	    (ec = ba_cli_parse(&ba_cmd_report, argc, argv, opts, pos, 1, &npos, &ec) ? ec : 0) != 0) {
		rc = ec;
		goto cleanup;
	}
	if (npos != 1) {
		rc = ba_cli_usage(&ba_cmd_report, "give one benchmark folder");
		goto cleanup;
	}
	if ((ec = ba_cli_pairs(&ba_cmd_report, sizes, nsizes, "--size", 1, jsizes)) != 0 ||
	    (ec = ba_cli_pairs(&ba_cmd_report, fams, nfams, "--family", 0, jfams)) != 0) {
		rc = ec;
		goto cleanup;
	}
	if (tx_s && !strcmp(tx_s, "all"))
		ro.max_transcripts = 0;
	else if (tx_s) {
		if ((ec = ba_cli_long(&ba_cmd_report, "--transcripts", tx_s, 1, 100000000, &v)) != 0) {
			rc = ec;
			goto cleanup;
		}
		ro.max_transcripts = v;
	}
	if (ba_cli_config(cli, &cfg, &err) != 0 || ba_cli_store(cli, &st, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	ro.bench_dir = pos[0];
	ro.models = nmodels ? models : NULL;
	ro.nmodels = (size_t)nmodels;
	ro.sizes = jsizes;
	ro.families = jfams;
	ro.stats.resamples = cfg->evaluation.resamples;
	ro.stats.seed = (uint64_t)cfg->evaluation.seed;
	ro.stats.level = cfg->evaluation.level;
	ro.plan_half_width = cfg->evaluation.plan_half_width;
	if (cli->seed_set)
		ro.stats.seed = cli->seed;
	if (res_s) {
		if ((ec = ba_cli_long(&ba_cmd_report, "--resamples", res_s, 10, 1000000, &v)) != 0) {
			rc = ec;
			goto cleanup;
		}
		ro.stats.resamples = (int)v;
	}
	if (ba_review_load(pos[0], &items, &bench, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	reviews = ba_review_stats(st, bench, json_array_size(items));
	ro.reviews = reviews;
	if (ba_report_html(st, &ro, &html, &len, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	out = cli->output ? ba_strdup(cli->output) : ba_path_join(pos[0], "report.html");
	if (ba_fs_write_atomic(out, html, len, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	printf("wrote %s (%zu bytes)\n", out, len);
cleanup:
	free(html);
	free(out);
	free(bench);
	json_decref(items);
	json_decref(reviews);
	json_decref(jsizes);
	json_decref(jfams);
	return rc;
}
