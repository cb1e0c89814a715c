/*
 * cmd_plan.c - `benchagent plan QUERY.json`: query analysis, design,
 * grounding and allocation; writes the editable plan (docs/plan-format.md).
 */
#define BA_LOG_MODULE "plan"
#include "cli.h"
#include "benchagent/text.h"
#include "benchagent/alloc.h"
#include "benchagent/exec.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/log.h"
#include "benchagent/plan.h"

#include <stdlib.h>
#include <string.h>

static int exec_plan(ba_cli *cli, int argc, char **argv);

/* the planner's agents */
static const char *const plan_roles[] = { "query", "design", "grounding", "allocation", "generator", "embedding", NULL };

const ba_command ba_cmd_plan = {
	.name = "plan",
	.summary = "Turn a query into a plan: subtasks, grounded sources, transformations, quotas.",
	.usage = "benchagent plan QUERY.json [-o PLAN.json] [--pool DIR] [--provider NAME]\n"
		 "       benchagent plan --check PLAN.json",
	.help = "QUERY.json is {\"id\", \"description\", \"target_size\"}. The plan is written to\n"
		"-o PATH or <output>/<id>/plan.json; edit it and run `benchagent build PLAN.json`.\n"
		"Every stage is stored in the workspace: an unchanged rerun costs nothing and an\n"
		"interrupted run resumes. The pool comes from `pool:` in benchagent.yaml or --pool.\n"
		"--check PLAN.json validates a (possibly edited) plan against the format rules and\n"
		"dry-builds a few units of every quota (no model call): a quota that cannot build\n"
		"is one line naming its subtask, source and reason, and the exit code is 1.\n"
		"Examples:\n"
		"  benchagent plan --pool ../shared/datasets/general-bench-subset query.json\n"
		"  benchagent plan --provider mock query.json -o plan.json\n",
	.exec = exec_plan,
	.roles = plan_roles,
};

static void summary(const json_t *plan, const char *path)
{
	size_t i;
	json_t *s, *q;

	printf("plan for %s -> %s%s\n", ba_json_str(json_object_get(plan, "query"), "id", "?"), path,
	       json_is_true(json_object_get(plan, "mock")) ? " (mock)" : "");
	json_array_foreach(json_object_get(plan, "subtasks"), i, s) {
		long n = 0;
		size_t j;
		char *name = ba_text_clip(ba_json_str(s, "name", ""), 50);
		printf("  %-4s %-50s %s\n", ba_json_str(s, "id", ""), name, ba_json_str(s, "answer_type", ""));
		free(name);
		json_array_foreach(json_object_get(plan, "quotas"), j, q)
			if (!strcmp(ba_json_str(q, "subtask", ""), ba_json_str(s, "id", ""))) {
				printf("         %5lld  from %s\n", ba_json_int(q, "count", 0),
				       ba_json_str(q, "source", ""));
				n += (long)ba_json_int(q, "count", 0);
			}
	}
}

/* plan --check: every quota dry-built (ba_exec_plan_feasibility); each
 * one that cannot build is one line on stderr. */
static int check_feasible(ba_cli *cli, const json_t *plan, const char *path)
{
	ba_error err = BA_ERROR_INIT;
	ba_config *cfg;
	json_t *problems = NULL, *e;
	size_t i, n;

	if (ba_cli_config(cli, &cfg, &err) != 0 ||
	    ba_exec_plan_feasibility(cfg, plan, BA_EXEC_FEASIBLE_UNITS, &problems, &err) != 0) {
		ba_error_prefix(&err, "%s: ", path);
		return ba_cli_fail(cli, &err);
	}
	n = json_array_size(problems);
	json_array_foreach(problems, i, e)
		fprintf(stderr, "%s: %s\n", path, ba_json_str(e, "reason", ""));
	json_decref(problems);
	if (n == 0)
		return BA_EXIT_OK;
	fprintf(stderr, "benchagent: %s: %zu quota(s) cannot build\n", path, n);
	return BA_EXIT_FAIL;
}

static int exec_plan(ba_cli *cli, int argc, char **argv)
{
	ba_error err = BA_ERROR_INIT;
	ba_gateway_options gopts = BA_GATEWAY_OPTIONS_INIT;
	ba_gateway *gw = NULL;
	ba_config *cfg;
	ba_store *st;
	json_t *query = NULL, *plan = NULL;
	char *pos[1], *out = NULL;
	int npos, ec, rc = BA_EXIT_OK, check = 0;
	int64_t run_id;
	const ba_opt opts[] = {
		{ "check", 0, 0, NULL, &check },
		{ NULL, 0, 0, NULL, NULL },
	};

	if (ba_cli_parse(&ba_cmd_plan, argc, argv, opts, pos, 1, &npos, &ec))
		return ec;
	if (check) {
		if (npos != 1)
			return ba_cli_usage(&ba_cmd_plan, "--check needs one PLAN.json");
		if (ba_json_load_file(&plan, pos[0], 0, &err) != 0)
			return ba_cli_fail(cli, &err);
		if (ba_plan_validate(plan, &err) != 0) {
			ba_error_prefix(&err, "%s: ", pos[0]);
			json_decref(plan);
			return ba_cli_fail(cli, &err);
		}
		if ((rc = check_feasible(cli, plan, pos[0])) != BA_EXIT_OK) {
			json_decref(plan);
			return rc;
		}
		printf("%s: ok\n", pos[0]);
		json_decref(plan);
		return BA_EXIT_OK;
	}
	if (npos != 1)
		return ba_cli_usage(&ba_cmd_plan, "expected one QUERY.json");
	if (ba_query_load(pos[0], &query, &err) != 0)
		return ba_cli_fail(cli, &err);
	if (ba_cli_config(cli, &cfg, &err) != 0 || ba_cli_store(cli, &st, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	if (cli->dry_run) {
		out = ba_path_join(cli->dry_dir, "plan.json"); /* discarded at exit */
	} else if (cli->output) {
		out = ba_strdup(cli->output);
	} else {
		/* out/<id>/plan.json under the workspace, where build writes too */
		char *dir = ba_path_sanitize(ba_json_str(query, "id", "plan"));
		char *root = cfg->output_dir[0] == '/' ? ba_strdup(cfg->output_dir)
						       : ba_path_join(cli->workspace, cfg->output_dir);
		char *base = ba_path_join(root, dir);
		out = ba_path_join(base, "plan.json");
		free(root);
		free(base);
		free(dir);
	}
	if (ba_run_open(st, "plan", ba_json_str(query, "id", ""), &run_id, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	ba_plan_register_mocks();
	gopts.no_cache = cli->no_cache;
	gopts.batch_api = cli->batch_api;
	gopts.dry_run = cli->dry_run;
	gopts.run_id = run_id;
	if (ba_gateway_new(&gw, cfg, st, &gopts, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	ba_run_set_status(st, run_id, "running", NULL);
	if (ba_plan_make(gw, st, cfg, query, run_id, &plan, &err) != 0) {
		ba_run_set_status(st, run_id, err.code == BA_EBUDGET ? "stopped" : "failed", NULL);
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	{
		char *dir = ba_path_dirname(out);
		if (ba_fs_mkdir_p(dir, &err) != 0 || ba_json_write_file(out, plan, &err) != 0) {
			free(dir);
			rc = ba_cli_fail(cli, &err);
			goto cleanup;
		}
		free(dir);
	}
	ba_run_set_status(st, run_id, "done", NULL);
	if (cli->dry_run) {
		ba_gateway_stats gs;
		ba_gateway_stats_get(gw, &gs);
		ba_cli_print_estimate(cli, gs.calls, gs.cached, gs.prompt_tokens, gs.completion_tokens, gs.cost_usd);
	}
	if (cli->json) {
		char *s = ba_json_canonical(plan);
		printf("%s\n", s);
		free(s);
	} else {
		summary(plan, cli->dry_run ? "(dry run: not written)" : out);
	}
cleanup:
	ba_gateway_free(gw);
	json_decref(query);
	json_decref(plan);
	free(out);
	return rc;
}
