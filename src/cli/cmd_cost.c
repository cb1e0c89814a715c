/*
 * cmd_cost.c - `benchagent cost [--run ID]`: model spend from the gateway's
 * call log, by run, role and model, what the cache saved, and the cost per
 * accepted item of each benchmark built in the workspace.
 */
#include "cli.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int exec_cost(ba_cli *cli, int argc, char **argv);

const ba_command ba_cmd_cost = {
	.name = "cost",
	.summary = "Show model spend by run, role and model, and cache savings.",
	.usage = "benchagent cost [--run ID] [--json]",
	.help = "Reads the workspace's call log (every call the gateway sent or served from cache).\n"
		"Spend counts sent calls only; 'saved' is the cost of replies served from the cache\n"
		"instead of being paid again; mock (offline) calls are counted apart and cost nothing.\n"
		"Each benchmark under the output folder (out/<id>/manifest.json) is listed with its\n"
		"build cost and cost per accepted item. Prices: the provider's price_input/\n"
		"price_output, else the dated price table (docs/gateway.md).\n"
		"Options:\n"
		"  --run ID   only this run (see 'benchagent status')\n",
	.exec = exec_cost,
};

static void print_table(const char *title, const char *key, const json_t *sec)
{
	json_t *row;
	size_t i;

	printf("\nby %s\n", title);
	printf("  %-28s %7s %7s %12s %12s %12s\n", title, "calls", "failed", "tokens in", "tokens out", "spend $");
	json_array_foreach(json_object_get(sec, "spend"), i, row) {
		char name[64];
		json_t *k = json_object_get(row, key);
		if (json_is_string(k))
			snprintf(name, sizeof(name), "%s", json_string_value(k));
		else if (json_is_integer(k))
			snprintf(name, sizeof(name), "%lld", (long long)json_integer_value(k));
		else
			snprintf(name, sizeof(name), "(none)");
		if (json_object_get(row, "provider"))
			snprintf(name, sizeof(name), "%s/%s", ba_json_str(row, "provider", "?"), ba_json_str(row, "model", "?"));
		printf("  %-28s %7lld %7lld %12lld %12lld %12.6f\n", name, ba_json_int(row, "calls", 0),
		       ba_json_int(row, "failed", 0), ba_json_int(row, "prompt_tokens", 0),
		       ba_json_int(row, "completion_tokens", 0), ba_json_num(row, "cost_usd", 0));
	}
	json_array_foreach(json_object_get(sec, "cache"), i, row) {
		char name[64];
		json_t *k = json_object_get(row, key);
		if (json_is_string(k))
			snprintf(name, sizeof(name), "%s", json_string_value(k));
		else if (json_is_integer(k))
			snprintf(name, sizeof(name), "%lld", (long long)json_integer_value(k));
		else
			snprintf(name, sizeof(name), "(none)");
		printf("  cache %-22s %7lld hits, saved $%.6f\n", name, ba_json_int(row, "hits", 0),
		       ba_json_num(row, "saved_usd", 0));
	}
}

static void print_endpoints(const json_t *eps)
{
	json_t *row;
	size_t i;

	if (!json_array_size(eps))
		return;
	printf("\nby endpoint (all runs)\n");
	printf("  %-44s %9s %9s %10s\n", "provider endpoint", "attempts", "failed", "mean ms");
	json_array_foreach(eps, i, row) {
		char name[256];
		snprintf(name, sizeof(name), "%s %s", ba_json_str(row, "provider", "?"), ba_json_str(row, "url", "?"));
		printf("  %-44s %9lld %9lld %10.1f\n", name, ba_json_int(row, "requests", 0),
		       ba_json_int(row, "failures", 0), ba_json_num(row, "mean_ms", 0));
	}
}

/* {id: {items, cost_usd, per_item_usd}} from every <out>/<id>/manifest.json. */
static json_t *bench_costs(ba_cli *cli)
{
	ba_config *cfg = NULL;
	ba_error e = BA_ERROR_INIT;
	json_t *out = json_object();
	char *root;
	DIR *d;
	struct dirent *de;

	if (ba_cli_config(cli, &cfg, &e) != 0)
		return out;
	root = cfg->output_dir && cfg->output_dir[0] == '/' ? ba_strdup(cfg->output_dir)
		: ba_path_join(cli->workspace, cfg->output_dir ? cfg->output_dir : "out");
	d = opendir(root);
	while (d && (de = readdir(d)) != NULL) {
		char *sub, *mp;
		json_t *m = NULL;
		if (de->d_name[0] == '.')
			continue;
		sub = ba_path_join(root, de->d_name);
		mp = ba_path_join(sub, "manifest.json");
		if (ba_fs_exists(mp) && ba_json_load_file(&m, mp, 1 << 24, NULL) == 0 && json_is_object(m)) {
			json_int_t n = (json_int_t)ba_json_int(m, "item_count", 0);
			double c = ba_json_num(m, "cost_usd", 0);
			json_object_set_new(out, de->d_name, json_pack("{s:I,s:f,s:o}", "items", n, "cost_usd", c,
								       "per_item_usd", n > 0 ? json_real(c / (double)n) : json_null()));
		}
		json_decref(m);
		free(mp);
		free(sub);
	}
	if (d)
		closedir(d);
	free(root);
	return out;
}

static void print_benches(const json_t *b)
{
	const char *k;
	json_t *v;

	if (!json_object_size(b))
		return;
	printf("\nby benchmark (out/<id>/manifest.json)\n");
	printf("  %-36s %7s %12s %16s\n", "benchmark", "items", "cost $", "per accepted item $");
	json_object_foreach((json_t *)b, k, v)
		printf("  %-36s %7lld %12.6f %16.6f\n", k, ba_json_int(v, "items", 0), ba_json_num(v, "cost_usd", 0),
		       ba_json_num(v, "per_item_usd", 0));
}

static int exec_cost(ba_cli *cli, int argc, char **argv)
{
	const char *runs = NULL;
	ba_opt opts[] = { { "run", 0, 1, &runs, NULL }, { NULL, 0, 0, NULL, NULL } };
	char *pos[1];
	int npos, ec;
	long run = 0;
	ba_error err = BA_ERROR_INIT;
	ba_store *st;
	json_t *out;

	if (ba_cli_parse(&ba_cmd_cost, argc, argv, opts, pos, 0, &npos, &ec))
		return ec;
	if (runs && (ec = ba_cli_long(&ba_cmd_cost, "run", runs, 1, 1L << 62, &run)) != 0)
		return ec;
	if (ba_cli_store(cli, &st, &err) != 0)
		return ba_cli_fail(cli, &err);
	out = ba_call_cost_report(st, run);
	json_object_set_new(out, "endpoints", ba_endpoint_stats(st));
	json_object_set_new(out, "benchmarks", bench_costs(cli));
	if (cli->json) {
		char *s = json_dumps(out, JSON_COMPACT);
		printf("%s\n", s);
		free(s);
	} else {
		json_t *t = json_object_get(out, "total"), *h = json_object_get(out, "cache");
		printf("spend%s: $%.6f over %lld sent call%s (%lld failed), %lld + %lld tokens\n",
		       run ? " for this run" : "", ba_json_num(t, "cost_usd", 0), ba_json_int(t, "calls", 0),
		       ba_json_int(t, "calls", 0) == 1 ? "" : "s", ba_json_int(t, "failed", 0),
		       ba_json_int(t, "prompt_tokens", 0), ba_json_int(t, "completion_tokens", 0));
		printf("cache: %lld repl%s served from the cache, saving $%.6f\n", ba_json_int(h, "hits", 0),
		       ba_json_int(h, "hits", 0) == 1 ? "y" : "ies", ba_json_num(h, "saved_usd", 0));
		printf("mock: %lld offline call%s (free)\n", ba_json_int(out, "mock_calls", 0),
		       ba_json_int(out, "mock_calls", 0) == 1 ? "" : "s");
		print_table("run", "run_id", json_object_get(out, "by_run"));
		print_table("role", "role", json_object_get(out, "by_role"));
		print_table("model", "model", json_object_get(out, "by_model"));
		print_endpoints(json_object_get(out, "endpoints"));
		print_benches(json_object_get(out, "benchmarks"));
	}
	json_decref(out);
	return BA_EXIT_OK;
}
