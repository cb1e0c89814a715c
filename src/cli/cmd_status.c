/*
 * cmd_status.c - `benchagent status`: runs, stages and item counts in the
 * workspace.
 */
#include "cli.h"
#include "benchagent/exec.h"
#include "benchagent/json.h"

#include <stdlib.h>

static int exec_status(ba_cli *cli, int argc, char **argv);

const ba_command ba_cmd_status = {
	.name = "status",
	.summary = "Show the workspace's configuration, runs, stages and item counts.",
	.usage = "benchagent status [--json]",
	.help = "",
	.exec = exec_status,
};

static json_t *config_json(const ba_config *cfg)
{
	json_t *provs = json_array(), *roles = json_object();
	size_t i;

	for (i = 0; i < cfg->nproviders; i++) {
		const ba_provider_cfg *p = &cfg->providers[i];
		/* the key's variable name only; never its value */
		json_array_append_new(provs, json_pack("{s:s,s:s,s:s?,s:s?,s:i}", "name", p->name,
			"protocol", ba_protocol_name(p->protocol), "base_url", p->base_url,
			"api_key_env", p->api_key_env, "max_concurrency", p->max_concurrency));
	}
	for (i = 0; ba_config_roles[i]; i++) {
		const ba_provider_cfg *p;
		const char *model;
		if (ba_config_resolve(cfg, ba_config_roles[i], &p, &model, NULL) == 0)
			json_object_set_new(roles, ba_config_roles[i], json_sprintf("%s/%s", p->name, model));
	}
	return json_pack("{s:s?,s:o,s:o,s:f,s:s}", "path", cfg->path, "providers", provs, "roles", roles,
			 "budget_usd", cfg->budget_usd, "output", cfg->output_dir);
}

/* "run 3  build X  [short]  made 0 of 150 items; 442 failures (top: ...)" */
static void print_run(const json_t *run)
{
	const json_t *o = json_object_get(run, "outcome"), *f;
	long long fails = 0;
	size_t i;

	printf("run %lld  %s %s  [%s]", (long long)ba_json_int(run, "id", 0), ba_json_str(run, "kind", "?"),
	       ba_json_str(run, "key", "?"), ba_json_str(run, "status", "?"));
	if (!o) {
		printf("  %lld stored units\n", (long long)ba_json_int(run, "units", 0));
		return;
	}
	json_array_foreach(json_object_get(o, "failures"), i, f)
		fails += ba_json_int(f, "count", 0);
	printf("  made %lld of %lld items", ba_json_int(o, "made", 0), ba_json_int(o, "target", 0));
	if (fails)
		printf("; %lld failed units, top: %s (%lld)", fails,
		       ba_json_str(json_array_get(json_object_get(o, "failures"), 0), "reason", ""),
		       ba_json_int(json_array_get(json_object_get(o, "failures"), 0), "count", 0));
	printf("\n");
}

static int exec_status(ba_cli *cli, int argc, char **argv)
{
	ba_error err = BA_ERROR_INIT;
	ba_store *st;
	ba_config *cfg;
	json_t *runs, *run, *conf, *outcome;
	size_t i;
	char *pos[1];
	int npos, ec;

	if (ba_cli_parse(&ba_cmd_status, argc, argv, NULL, pos, 0, &npos, &ec))
		return ec;
	if (ba_cli_config(cli, &cfg, &err) != 0 || ba_cli_store(cli, &st, &err) != 0)
		return ba_cli_fail(cli, &err);
	conf = config_json(cfg);
	runs = ba_run_list(st);
	json_array_foreach(runs, i, run) {
		int64_t id = json_integer_value(json_object_get(run, "id"));
		json_object_set_new(run, "stages", ba_stage_list(st, id));
		json_object_set_new(run, "units", json_integer(ba_item_count(st, id, NULL)));
		/* a build's outcome: made, target and why units failed, apart */
		if ((outcome = ba_exec_outcome_get(st, id)) != NULL)
			json_object_set_new(run, "outcome", outcome);
	}
	if (cli->json) {
		json_t *all = json_pack("{s:s,s:O,s:O}", "workspace", cli->workspace, "config", conf, "runs", runs);
		char *s = ba_json_canonical(all);
		printf("%s\n", s);
		free(s);
		json_decref(all);
		goto done;
	}
	{
		const char *k;
		json_t *v;
		size_t j;
		printf("workspace %s (config: %s)\n", cli->workspace,
		       ba_json_str(conf, "path", NULL) ? ba_json_str(conf, "path", "") : "none, defaults");
		json_array_foreach(json_object_get(conf, "providers"), j, v)
			printf("  provider %-10s %-9s %s\n", ba_json_str(v, "name", "?"), ba_json_str(v, "protocol", "?"),
			       ba_json_str(v, "base_url", ""));
		printf("  roles:");
		json_object_foreach(json_object_get(conf, "roles"), k, v)
			printf(" %s=%s", k, json_string_value(v));
		printf("\n");
	}
	if (json_array_size(runs) == 0) {
		printf("no runs yet\n");
	} else {
		json_array_foreach(runs, i, run) {
			json_t *stg, *sv;
			size_t j;
			print_run(run);
			stg = json_object_get(run, "stages");
			json_array_foreach(stg, j, sv)
				printf("    stage %-14s %.12s\n", ba_json_str(sv, "name", "?"),
				       ba_json_str(sv, "input_hash", ""));
		}
	}
done:
	json_decref(runs);
	json_decref(conf);
	return BA_EXIT_OK;
}
