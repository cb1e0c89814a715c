/*
 * cmd_audit.c - `benchagent audit BENCH_DIR --judge PROVIDER/MODEL ...`:
 * LLM-judge audit of a built benchmark on the six criteria (docs/audit.md).
 */
#include "cli.h"
#include "benchagent/audit.h"
#include "benchagent/eval.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

#define MAX_JUDGES 16

static int exec_audit(ba_cli *cli, int argc, char **argv);

/* The criteria, from their one table (src/audit/criteria.c). */
static void criteria_help(FILE *f)
{
	int i;

	fprintf(f, "\nCriteria:\n");
	for (i = 0; i < BA_AUDIT_NCRIT; i++)
		fprintf(f, "  %s\n", ba_audit_criteria[i]);
}

const ba_command ba_cmd_audit = {
	.name = "audit",
	.summary = "Score every item with LLM judges on six quality criteria; compare with reviews.",
	.usage = "benchagent audit BENCH_DIR --judge PROVIDER/MODEL [--judge ...] [--threshold N]\n"
		 "       [--limit N] [--concurrency N] [--json]",
	.help = "Each judge scores each item 0-100, with a one-sentence rationale, on each of the\n"
		"criteria listed below. Several judges form a panel:\n"
		"panel means, majority votes, Krippendorff's alpha per criterion, a warning when a judge\n"
		"shares a family with the model that wrote the items, a length-bias check. Where human\n"
		"review verdicts exist (benchagent review), the panel is compared with them (Cohen's\n"
		"kappa, the threshold that best matches people). Writes BENCH_DIR/audit.json and flags\n"
		"items below the threshold in the store (benchagent refresh retires them).\n"
		"Every judgement is stored: a rerun sends nothing already answered.\n\n"
		"  --judge P/M        a judge (repeatable; default: audit.judges in benchagent.yaml)\n"
		"  --threshold N      an item passes when every criterion's panel mean is >= N (default 60)\n"
		"  --limit N          first N items only\n"
		"  --concurrency N    judge calls in flight (default 64)\n"
		"Exit code 1 when some judgement failed or was not asked (budget): rerun to continue.\n",
	.exec = exec_audit,
	.help_tables = criteria_help,
};

static int parse_numbers(ba_cli *cli, const char *thr_s, const char *lim_s, const char *conc_s,
			 ba_audit_opts *ao)
{
	long v;
	int ec;

	if (thr_s) {
		char *end;
		ao->threshold = strtod(thr_s, &end);
		if (end == thr_s || *end || !(ao->threshold >= 0 && ao->threshold <= 100))
			return ba_cli_usage(&ba_cmd_audit, "--threshold: '%s' is not a number from 0 to 100", thr_s);
	}
	if (lim_s) {
		if ((ec = ba_cli_long(&ba_cmd_audit, "--limit", lim_s, 1, 100000000, &v)) != 0)
			return ec;
		ao->limit = v;
	}
	if (conc_s) {
		if ((ec = ba_cli_long(&ba_cmd_audit, "--concurrency", conc_s, 1, 100000, &v)) != 0)
			return ec;
		ao->window = (int)v;
	} else if (cli->batch_api) {
		/* one provider batch for the whole audit, not one per window */
		ao->window = 1 << 24;
	}
	if (cli->seed_set)
		ao->seed = cli->seed;
	return 0;
}

static int print_report(ba_cli *cli, const json_t *rep, ba_error *err)
{
	char *s;

	if (cli->output && ba_json_write_file(cli->output, rep, err) != 0)
		return ba_cli_fail(cli, err);
	s = cli->json ? ba_json_canonical(rep) : ba_audit_format(rep);
	fputs(s, stdout);
	if (cli->json)
		fputs("\n", stdout);
	free(s);
	return BA_EXIT_OK;
}

static int exec_audit(ba_cli *cli, int argc, char **argv)
{
	const char *judges[MAX_JUDGES], *thr_s = NULL, *lim_s = NULL, *conc_s = NULL;
	int njudges = 0, ec, npos, rc = BA_EXIT_OK;
	ba_opt opts[] = {
		{ "threshold", 0, 1, &thr_s, NULL },
		{ "limit", 0, 1, &lim_s, NULL },
		{ "concurrency", 0, 1, &conc_s, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	char *pos[1], *key = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_config *cfg;
	ba_store *st;
	ba_gateway *gw = NULL;
	ba_gateway_options gopts = BA_GATEWAY_OPTIONS_INIT;
	ba_audit_opts ao = BA_AUDIT_OPTS_INIT;
	json_t *rep = NULL, *req;
	int64_t run_id = 0;

	if ((ec = ba_cli_take_repeat(&ba_cmd_audit, &argc, argv, "--judge", judges, MAX_JUDGES, &njudges)) != 0)
		return ec;
	if (ba_cli_parse(&ba_cmd_audit, argc, argv, opts, pos, 1, &npos, &ec))
		return ec;
	if (npos != 1)
		return ba_cli_usage(&ba_cmd_audit, "give one benchmark folder");
	if ((ec = parse_numbers(cli, thr_s, lim_s, conc_s, &ao)) != 0)
		return ec;
	if (ba_cli_config(cli, &cfg, &err) != 0 || ba_cli_store(cli, &st, &err) != 0)
		return ba_cli_fail(cli, &err);
	ba_cli_audit_defaults(cfg, judges, MAX_JUDGES, &njudges, thr_s != NULL, &ao.threshold);
	if (njudges == 0)
		return ba_cli_usage(&ba_cmd_audit, "give at least one --judge PROVIDER/MODEL (or audit.judges in benchagent.yaml)");
	ao.bench_dir = pos[0];
	ao.judges = judges;
	ao.njudges = (size_t)njudges;
	ao.no_reuse = cli->no_cache;
	ao.families = json_object_get(ba_config_section(cfg, "audit"), "families");
	ao.write = !cli->dry_run;
	key = ba_eval_bench_key(pos[0]);
	if (ba_run_open(st, "audit", key, &run_id, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	ao.run_id = gopts.run_id = run_id;
	gopts.no_cache = cli->no_cache;
	gopts.dry_run = cli->dry_run;
	gopts.batch_api = cli->batch_api;
	ba_audit_register_mocks();
	if (ba_gateway_new(&gw, cfg, st, &gopts, &err) != 0 || ba_audit_run(gw, st, &ao, &rep, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	if (cli->dry_run) {
		ba_gateway_stats gs;
		ba_gateway_stats_get(gw, &gs);
		ba_cli_print_estimate(cli, gs.calls, gs.cached, gs.prompt_tokens, gs.completion_tokens, gs.cost_usd);
	}
	if ((rc = print_report(cli, rep, &err)) != BA_EXIT_OK)
		goto cleanup;
	req = json_object_get(rep, "requests");
	if (ba_json_int(req, "failed", 0) > 0 || ba_json_int(req, "not_asked", 0) > 0) {
		fprintf(stderr, "benchagent: audit incomplete: %lld judgement(s) failed, %lld not asked; rerun to retry them\n",
			ba_json_int(req, "failed", 0), ba_json_int(req, "not_asked", 0));
		rc = BA_EXIT_FAIL;
	}
	ba_run_set_status(st, run_id, rc == BA_EXIT_OK ? "done" : "partial", NULL);
cleanup:
	ba_gateway_free(gw);
	json_decref(rep);
	free(key);
	return rc;
}
