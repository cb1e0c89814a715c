/*
 * cmd_eval.c - `benchagent eval BENCH_DIR --model PROVIDER/MODEL ...`: run
 * models on a built benchmark and print scores with confidence intervals,
 * paired comparisons, separability, IRT and item flags (docs/evaluation.md).
 */
#include "cli.h"
#include "benchagent/alloc.h"
#include "benchagent/eval.h"
#include "benchagent/json.h"
#include "benchagent/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MODELS 64

static int exec_eval(ba_cli *cli, int argc, char **argv);

const ba_command ba_cmd_eval = {
	.name = "eval",
	.summary = "Evaluate models on a benchmark: accuracy with CIs, comparisons, IRT, item flags.",
	.usage = "benchagent eval BENCH_DIR --model PROVIDER/MODEL [--model ...] [--epochs K] [--limit N]\n"
		 "       [--judge PROVIDER/MODEL [--pairwise]] [--size MODEL=B] [--family MODEL=F]\n"
		 "       [--resamples N] [--concurrency N] [--max-tokens N] [--json] [--seed N]",
	.help = "Runs every model on every item of BENCH_DIR/items.jsonl through the LLM gateway\n"
		"(cached; a rerun re-scores stored responses and sends nothing new) and stores each\n"
		"response, extracted answer and score in the workspace store.\n\n"
		"  --model P/M         a model under test (repeatable, at most 64)\n"
		"  --epochs K          K samples per item (sample_index 0..K-1), scores averaged\n"
		"  --limit N           only the first N items\n"
		"  --judge P/M         LLM judge with a rubric for open-answer items\n"
		"  --pairwise          also judge the first two models head to head (both orders)\n"
		"  --size MODEL=B      model size in billions (repeatable): size/accuracy Spearman\n"
		"  --family MODEL=F    model family (repeatable; default: leading letters of the name)\n"
		"  --resamples N       bootstrap resamples (default evaluation.resamples or 1000)\n"
		"  --concurrency N     calls in flight at most (default evaluation.window or 256)\n"
		"  --max-tokens N      max_tokens for the models under test\n"
		"  --half-width H      planner target interval half-width (default 0.02)\n\n"
		"Config (benchagent.yaml): evaluation: {resamples, seed, level, window, max_tokens,\n"
		"temperature, plan_half_width}. --seed sets the bootstrap seed.\n"
		"Exit status 1 when some model calls failed after every retry (a one-line summary\n"
		"on stderr; they count as missing): rerun the same command to send only those.\n"
		"Example: benchagent eval out/mybench --model openai/gpt-4o --model local/qwen2-7b\n",
	.exec = exec_eval,
};

/* the numeric options, given as text */
typedef struct {
	const char *epochs, *limit, *res, *conc, *maxtok, *hw;
} eval_nums;

/* Apply the numeric options over the configured values; 0 or a usage exit. */
static int eval_numbers(const ba_cli *cli, const eval_nums *o, ba_eval_opts *eo)
{
	long v;
	int ec;

	if (o->epochs) {
		if ((ec = ba_cli_long(&ba_cmd_eval, "--epochs", o->epochs, 1, 100, &v)) != 0)
			return ec;
		eo->epochs = (int)v;
	}
	if (o->limit) {
		if ((ec = ba_cli_long(&ba_cmd_eval, "--limit", o->limit, 1, 100000000, &v)) != 0)
			return ec;
		eo->limit = v;
	}
	if (o->res) {
		if ((ec = ba_cli_long(&ba_cmd_eval, "--resamples", o->res, 10, 1000000, &v)) != 0)
			return ec;
		eo->stats.resamples = (int)v;
	}
	if (o->conc) {
		if ((ec = ba_cli_long(&ba_cmd_eval, "--concurrency", o->conc, 1, 100000, &v)) != 0)
			return ec;
		eo->window = (int)v;
	} else if (cli->batch_api) {
		/* one provider batch for the whole evaluation, not one per window */
		eo->window = 1 << 24;
	}
	if (o->maxtok) {
		if ((ec = ba_cli_long(&ba_cmd_eval, "--max-tokens", o->maxtok, 1, 10000000, &v)) != 0)
			return ec;
		eo->max_tokens = (int)v;
	}
	if (o->hw) {
		char *end;
		eo->plan_half_width = strtod(o->hw, &end);
		if (end == o->hw || *end || !(eo->plan_half_width > 0 && eo->plan_half_width < 0.5))
			return ba_cli_usage(&ba_cmd_eval, "--half-width: '%s' is not a number in (0, 0.5)", o->hw);
	}
	return 0;
}

/* Print the report (JSON or text); BA_EXIT_FAIL when some model calls
 * failed after every retry (as `batch`: the run is incomplete). */
static int eval_print(const ba_cli *cli, const json_t *report)
{
	if (cli->json) {
		char *s = ba_json_canonical(report);
		printf("%s\n", s);
		free(s);
	} else {
		char *s = ba_eval_format(report);
		fputs(s, stdout);
		free(s);
	}
	{
		json_int_t failed = json_integer_value(ba_json_path(report, "requests.calls_failed"));
		if (failed > 0) {
			fprintf(stderr, "benchagent: eval: %lld of %lld model calls failed after all retries (first: %s); "
				"rerun the same command to send only those\n", (long long)failed,
				(long long)json_integer_value(ba_json_path(report, "requests.total")),
				ba_json_str(json_object_get(report, "requests"), "first_error", "?"));
			return BA_EXIT_FAIL;
		}
	}
	return BA_EXIT_OK;
}

/* The evaluation section of the configuration (and --seed) into eo. */
static void eval_configured(const ba_cli *cli, const ba_config *cfg, ba_eval_opts *eo)
{
	eo->stats.resamples = cfg->evaluation.resamples;
	eo->stats.seed = (uint64_t)cfg->evaluation.seed;
	eo->stats.level = cfg->evaluation.level;
	eo->window = cfg->evaluation.window;
	eo->max_tokens = cfg->evaluation.max_tokens;
	eo->temperature = cfg->evaluation.temperature;
	eo->plan_half_width = cfg->evaluation.plan_half_width;
	if (cli->seed_set)
		eo->stats.seed = cli->seed;
}

/* The sizes and families given, for `benchagent report` and the review
 * server's /report. */
static void save_model_info(ba_store *st, const char *key, json_t *jsizes, json_t *jfams)
{
	json_t *mi;
	char *txt, *kk;

	if (!json_object_size(jsizes) && !json_object_size(jfams))
		return;
	mi = json_pack("{s:O, s:O}", "sizes", jsizes, "families", jfams);
	txt = ba_json_canonical(mi);
	kk = ba_asprintf("eval.model_info:%s", key);
	ba_kv_put(st, kk, txt, NULL);
	free(txt);
	free(kk);
	json_decref(mi);
}

/* The built-in generators plus the agent-written ones the benchmark's plan
 * carries, or NULL (generator items are then scored by answer type). */
static ba_gen_registry *open_generators(const char *bench)
{
	ba_gen_registry *reg = NULL;
	ba_error ge = BA_ERROR_INIT;

	if (ba_gen_registry_new(&reg, NULL, &ge) != 0) {
		BA_WARN("generators unavailable (%s): generator items are scored by answer type", ge.msg);
		return NULL;
	}
	if (ba_gen_registry_add_bench(reg, bench, &ge) != 0)
		BA_WARN("%s", ge.msg);
	return reg;
}

/* models without repeats, in their order; returns how many */
static int unique_models(const char **models, int n, const char **uniq)
{
	int nuniq = 0, i, k;

	for (i = 0; i < n; i++) {
		int dup = 0;
		for (k = 0; k < nuniq; k++)
			dup |= !strcmp(uniq[k], models[i]);
		if (!dup)
			uniq[nuniq++] = models[i];
	}
	return nuniq;
}

static int exec_eval(ba_cli *cli, int argc, char **argv)
{
	const char *models[MAX_MODELS], *sizes[MAX_MODELS], *fams[MAX_MODELS], *uniq[MAX_MODELS];
	int nmodels = 0, nsizes = 0, nfams = 0, nuniq = 0, ec, npos, pairwise = 0, k;
	const char *judge = NULL;
	eval_nums nums = { 0 };
	ba_opt opts[] = {
		{ "epochs", 0, 1, &nums.epochs, NULL },
		{ "limit", 0, 1, &nums.limit, NULL },
		{ "judge", 0, 1, &judge, NULL },
		{ "pairwise", 0, 0, NULL, &pairwise },
		{ "resamples", 0, 1, &nums.res, NULL },
		{ "concurrency", 0, 1, &nums.conc, NULL },
		{ "max-tokens", 0, 1, &nums.maxtok, NULL },
		{ "half-width", 0, 1, &nums.hw, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	char *pos[1];
	ba_error err = BA_ERROR_INIT;
	ba_config *cfg;
	ba_store *st;
	ba_gateway *gw = NULL;
	ba_gateway_options gopts = BA_GATEWAY_OPTIONS_INIT;
	ba_gen_registry *reg = NULL;
	ba_eval_opts eo = BA_EVAL_OPTS_INIT;
	json_t *jsizes = json_object(), *jfams = json_object(), *report = NULL;
	char *key = NULL;
	int64_t run_id = 0;
	int rc = BA_EXIT_OK;

	if ((ec = ba_cli_take_repeat(&ba_cmd_eval, &argc, argv, "--model", models, MAX_MODELS, &nmodels)) != 0 ||
	    (ec = ba_cli_take_repeat(&ba_cmd_eval, &argc, argv, "--size", sizes, MAX_MODELS, &nsizes)) != 0 ||
	    (ec = ba_cli_take_repeat(&ba_cmd_eval, &argc, argv, "--family", fams, MAX_MODELS, &nfams)) != 0) {
		rc = ec;
		goto cleanup;
	}
	if (ba_cli_parse(&ba_cmd_eval, argc, argv, opts, pos, 1, &npos, &ec)) {
		rc = ec;
		goto cleanup;
	}
	if (npos != 1) {
		rc = ba_cli_usage(&ba_cmd_eval, "give one benchmark folder");
		goto cleanup;
	}
	if (nmodels == 0) {
		rc = ba_cli_usage(&ba_cmd_eval, "give at least one --model PROVIDER/MODEL");
		goto cleanup;
	}
	nuniq = unique_models(models, nmodels, uniq);
	if ((ec = ba_cli_pairs(&ba_cmd_eval, sizes, nsizes, "--size", 1, jsizes)) != 0 ||
	    (ec = ba_cli_pairs(&ba_cmd_eval, fams, nfams, "--family", 0, jfams)) != 0) {
		rc = ec;
		goto cleanup;
	}
	if (ba_cli_config(cli, &cfg, &err) != 0 || ba_cli_store(cli, &st, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	for (k = 0; k < nuniq; k++)
		ba_cli_print_model(cli, "model under test", uniq[k]);
	if (judge)
		ba_cli_print_model(cli, "judge", judge);
	eo.bench_dir = pos[0];
	eo.cfg = cfg;
	eo.no_reuse = cli->no_cache;
	eo.models = uniq;
	eo.nmodels = (size_t)nuniq;
	eo.judge = judge;
	eo.pairwise = pairwise;
	eo.sizes = jsizes;
	eo.families = jfams;
	eval_configured(cli, cfg, &eo);
	/* on a team store several `eval` processes share the work (docs/scale.md) */
	eo.queue = cfg->execution.queue >= 0 ? cfg->execution.queue : !strcmp(ba_store_backend(st), "postgresql");
	eo.lease_s = cfg->execution.lease_s;
	eo.batch_api = cli->batch_api;
	if ((ec = eval_numbers(cli, &nums, &eo)) != 0) {
		rc = ec;
		goto cleanup;
	}
	key = ba_eval_bench_key(pos[0]);
	if (ba_run_open(st, "eval", key, &run_id, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	eo.run_id = run_id;
	gopts.no_cache = cli->no_cache;
	gopts.batch_api = cli->batch_api;
	gopts.dry_run = cli->dry_run;
	gopts.run_id = run_id;
	ba_eval_register_mocks();
	if (ba_gateway_new(&gw, cfg, st, &gopts, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	reg = open_generators(pos[0]);
	if (ba_eval_run(gw, st, reg, &eo, &report, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	ba_run_set_status(st, run_id, "done", NULL);
	/* kept for `benchagent report` (reused while the stored results are these) */
	ba_eval_save_report(st, key, &eo, (int)ba_json_int(report, "epochs", eo.epochs), report, NULL);
	save_model_info(st, key, jsizes, jfams);
	if (cli->output && ba_json_write_file(cli->output, report, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	rc = eval_print(cli, report);
cleanup:
	ba_gateway_free(gw);
	ba_gen_registry_free(reg);
	json_decref(report);
	json_decref(jsizes);
	json_decref(jfams);
	free(key);
	return rc;
}
