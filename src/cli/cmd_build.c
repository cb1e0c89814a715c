/*
 * cmd_build.c - `benchagent build QUERY.json|PLAN.json`: request in,
 * verified benchmark out (out/<id>/).
 *
 * Parse, call ba_exec_build_doc (which picks the model path or the
 * planner's no-model mode, see exec.h), print. A build that makes fewer
 * items than its target exits 1 unless --allow-short; either way it
 * prints made/target per subtask and the top failure reasons.
 */
#include "cli.h"
#include "benchagent/alloc.h"
#include "benchagent/exec.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"
#include "benchagent/query.h"

#include <stdlib.h>
#include <string.h>

static int exec_build(ba_cli *cli, int argc, char **argv);

/* the planner's agents, then the executor and verification */
static const char *const build_roles[] = { "query", "design", "grounding", "allocation", "generator",
					   "embedding", "realize", "inspect", "repair", "fix", NULL };

const ba_command ba_cmd_build = {
	.name = "build",
	.summary = "Build a verified benchmark from a request (QUERY.json) or an edited plan (PLAN.json).",
	.usage = "benchagent build QUERY.json|PLAN.json [--out DIR] [--offline] [--gen-dir DIR] [--allow-short]\n"
		 "       [--audit] [--judge PROVIDER/MODEL ...] [--audit-threshold N]",
	.help = "QUERY.json is {\"id\", \"description\", \"target_size\"}; PLAN.json is a plan.json from an\n"
		"earlier build (edit it and build again: only what changed is redone).\n"
		"With no model configured (or --provider mock, or --offline) the request is mapped to\n"
		"verified generators (BM25 over their names, descriptions and tags) and built fully\n"
		"offline. Output: <out>/<id>/ with items.jsonl, media/, plan.json, manifest.json,\n"
		"README.md and evaluation.json (default out = <workspace>/out).\n"
		"Options:\n"
		"  --out DIR       where benchmark folders go\n"
		"  --offline       use the generator planner even when a model is configured, or\n"
		"                  when no generator matches the request well (generators.min_score,\n"
		"                  default 8.0, is the BM25 score the best generator must reach)\n"
		"  --gen-dir DIR   also use the generators (*.lua) in DIR\n"
		"  --allow-short   exit 0 even when fewer items than target_size were made\n"
		"  --audit         gate the build with the audit panel (docs/audit.md): every item that\n"
		"                  passed verification is scored by each judge on the six criteria;\n"
		"                  one whose weakest criterion's panel mean is below the threshold is\n"
		"                  rejected (check \"audit\") and made again while the source lasts\n"
		"  --judge P/M     a gate judge (repeatable, implies --audit; default audit.judges)\n"
		"  --audit-threshold N  the gate's pass mark, 0-100 (default audit.threshold or 60)\n"
		"  --seed N        (global) seed for every draw (default 1); same seed, same items\n"
		"Example:\n"
		"  benchagent build ../shared/queries/arithmetic_logic_offline.json\n",
	.exec = exec_build,
	.roles = build_roles,
};

static char *out_root(ba_cli *cli, const ba_config *cfg, const char *outopt)
{
	if (cli->dry_run) /* the private workspace copy: nothing reaches the real one */
		return ba_path_join(cli->dry_dir, "out");
	if (outopt)
		return ba_strdup(outopt);
	if (cfg->output_dir && cfg->output_dir[0] == '/')
		return ba_strdup(cfg->output_dir);
	return ba_path_join(cli->workspace, cfg->output_dir ? cfg->output_dir : "out");
}

static void print_summary(ba_cli *cli, const json_t *sum)
{
	int offline = !strcmp(ba_json_str(sum, "mode", ""), "offline");
	const char *k;
	json_t *v;
	size_t i;

	if (cli->dry_run && offline)
		printf("dry run: no model is used; would build %lld of %lld items from verified generators "
		       "(nothing written; run it without --dry-run: it costs nothing)\n",
		       ba_json_int(sum, "items", 0), ba_json_int(sum, "target_size", 0));
	else if (cli->dry_run)
		printf("dry run: would build about %lld of %lld items (mock replies; nothing written)\n",
		       ba_json_int(sum, "items", 0), ba_json_int(sum, "target_size", 0));
	else if (offline)
		printf("built %lld of %lld items (%lld new, %lld reused) into %s\n", ba_json_int(sum, "items", 0),
		       ba_json_int(sum, "target_size", 0), ba_json_int(sum, "generated", 0),
		       ba_json_int(sum, "reused", 0), ba_json_str(sum, "out", ""));
	else
		printf("built %lld of %lld items into %s\n", ba_json_int(sum, "items", 0),
		       ba_json_int(sum, "target_size", 0), ba_json_str(sum, "out", ""));
	json_object_foreach(json_object_get(sum, "subtasks"), k, v)
		printf("  %-5s %-32.32s %4lld / %lld items%s\n", k, ba_json_str(v, "name", ""),
		       ba_json_int(v, "items", 0), ba_json_int(v, "quota", 0),
		       ba_json_bool(v, "exhausted", 0) ? "  (source exhausted)" : "");
	if (json_array_size(json_object_get(sum, "failures")))
		printf("  top failure reasons:\n");
	json_array_foreach(json_object_get(sum, "failures"), i, v)
		printf("  %6lld  %s\n", ba_json_int(v, "count", 0), ba_json_str(v, "reason", ""));
	if ((v = json_object_get(json_object_get(sum, "checks"), "audit")) != NULL)
		printf("  audit gate: %lld of %lld judged items passed\n", ba_json_int(v, "passed", 0),
		       ba_json_int(v, "total", 0));
	if (!cli->json)
		ba_cli_print_item_cost(ba_json_num(sum, "cost_usd", 0), ba_json_int(sum, "items", 0), cli->dry_run);
}

#define MAX_JUDGES 16

/* --audit / --judge / --audit-threshold into o (judges: storage for the specs). */
static int gate_options(ba_config *cfg, int audit, const char *thr_s, const char **judges, int njudges,
			ba_exec_build_opts *o)
{
	o->audit_threshold = 60;
	if (thr_s) {
		char *end;
		o->audit_threshold = strtod(thr_s, &end);
		if (end == thr_s || *end || !(o->audit_threshold >= 0 && o->audit_threshold <= 100))
			return ba_cli_usage(&ba_cmd_build, "--audit-threshold: '%s' is not a number from 0 to 100", thr_s);
	}
	if (!audit && njudges == 0 && !thr_s)
		return 0;
	ba_cli_audit_defaults(cfg, judges, MAX_JUDGES, &njudges, thr_s != NULL, &o->audit_threshold);
	if (njudges == 0)
		return ba_cli_usage(&ba_cmd_build, "--audit needs judges: give --judge PROVIDER/MODEL (or audit.judges "
						  "in benchagent.yaml)");
	o->audit_judges = judges;
	o->naudit_judges = (size_t)njudges;
	return 0;
}

static int exec_build(ba_cli *cli, int argc, char **argv)
{
	ba_error err = BA_ERROR_INIT;
	ba_exec_build_opts o = BA_EXEC_BUILD_OPTS_INIT;
	const char *outopt = NULL, *judges[MAX_JUDGES], *thr_s = NULL;
	int npos, ec = BA_EXIT_OK, rc, allow_short = 0, audit = 0, njudges = 0;
	const ba_opt opts[] = {
		{ "out", 0, 1, &outopt, NULL },
		{ "offline", 0, 0, NULL, &o.offline },
		{ "gen-dir", 0, 1, &o.gen_dir, NULL },
		{ "allow-short", 0, 0, NULL, &allow_short },
		{ "audit", 0, 0, NULL, &audit },
		{ "audit-threshold", 0, 1, &thr_s, NULL },
		{ NULL, 0, 0, NULL, NULL }
	};
	char *pos[1], *outroot = NULL;
	json_t *doc = NULL, *sum = NULL;
	ba_store *st;
	ba_config *cfg;

	if ((ec = ba_cli_take_repeat(&ba_cmd_build, &argc, argv, "--judge", judges, MAX_JUDGES, &njudges)) != 0)
		return ec;
	if (ba_cli_parse(&ba_cmd_build, argc, argv, opts, pos, 1, &npos, &ec))
		return ec;
	if (npos != 1)
		return ba_cli_usage(&ba_cmd_build, "expected one QUERY.json or PLAN.json");
	if ((rc = ba_json_load_file(&doc, pos[0], 16u << 20, &err)) != 0)
		return ba_cli_fail(cli, &err);
	if (!ba_exec_doc_is_plan(doc) && ba_query_validate(doc, pos[0], &err) != 0)
		goto fail;
	/* a bad plan is refused before the run starts (and says its roles) */
	if (ba_exec_doc_is_plan(doc)) {
		json_t *copy = json_deep_copy(doc);
		rc = ba_plan_validate(copy, &err);
		json_decref(copy);
		if (rc) {
			ba_error_prefix(&err, "%s: ", pos[0]);
			goto fail;
		}
	}
	if (ba_cli_config(cli, &cfg, &err) != 0)
		goto fail;
	if ((ec = gate_options(cfg, audit, thr_s, judges, njudges, &o)) != 0)
		goto done;
	if (ba_cli_store(cli, &st, &err) != 0)
		goto fail;
	outroot = out_root(cli, cfg, outopt);
	o.outroot = outroot;
	o.dry_run = cli->dry_run;
	o.no_cache = cli->no_cache;
	o.batch_api = cli->batch_api;
	o.seed = cli->seed;
	o.seed_set = cli->seed_set;
	o.provider_mock = cli->provider && !strcmp(cli->provider, "mock");
	if ((rc = ba_exec_build_doc(cfg, st, doc, &o, &sum, &err)) != 0) {
		if (rc == BA_ENOTFOUND)
			err.code = BA_ERR;
		goto fail;
	}
	if (cli->dry_run && strcmp(ba_json_str(sum, "mode", ""), "offline")) {
		json_object_set_new(sum, "dry_run", json_true());
		json_object_del(sum, "out");
		ba_cli_print_estimate(cli, (long)ba_json_int(sum, "llm_calls", 0), (long)ba_json_int(sum, "llm_cached", 0),
				      (long)ba_json_int(sum, "prompt_tokens", 0),
				      (long)ba_json_int(sum, "completion_tokens", 0), ba_json_num(sum, "cost_usd", 0));
	} else if (cli->dry_run) {
		json_object_set_new(sum, "dry_run", json_true());
		json_object_del(sum, "out");
		ba_cli_print_estimate(cli, 0, 0, 0, 0, 0);
	}
	if (cli->json) {
		char *s = ba_json_canonical(sum);
		printf("%s\n", s);
		free(s);
	} else {
		print_summary(cli, sum);
	}
	if (ba_json_int(sum, "items", 0) == 0)
		ec = ba_cli_fail(cli, (ba_error_set(&err, BA_ERR, "no item passed verification"), &err));
	else if (ba_json_int(sum, "items", 0) < ba_json_int(sum, "target", 0) && !allow_short)
		ec = ba_cli_fail(cli, (ba_error_set(&err, BA_ERR, "built %lld of the %lld items the plan asks for "
						       "(pass --allow-short to accept a short benchmark)",
						       ba_json_int(sum, "items", 0), ba_json_int(sum, "target", 0)), &err));
	goto done;
fail:
	ec = ba_cli_fail(cli, &err);
done:
	json_decref(doc);
	json_decref(sum);
	free(outroot);
	return ec;
}
