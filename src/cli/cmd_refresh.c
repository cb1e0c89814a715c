/*
 * cmd_refresh.c - `benchagent refresh BENCH_DIR`: the next benchmark
 * version from the stored evaluation results (retire saturated and
 * non-discriminating items, replenish, keep anchors, report drift).
 */
#include "cli.h"
#include "benchagent/eval.h"
#include "benchagent/json.h"
#include "benchagent/log.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int exec_refresh(ba_cli *cli, int argc, char **argv);

const ba_command ba_cmd_refresh = {
	.name = "refresh",
	.summary = "Make the next benchmark version: retire saturated items, replenish, keep anchors.",
	.usage = "benchagent refresh BENCH_DIR [--anchors SHARE] [--json] [--seed N]",
	.help = "Uses the results stored by 'benchagent eval BENCH_DIR' (run it with the models you\n"
		"care about first; 3+ models give IRT discrimination). Items every model solved,\n"
		"items with non-positive discrimination, and items 'benchagent audit' failed are\n"
		"retired (audit flags alone are enough to refresh). Generator items are replaced\n"
		"by new ones one difficulty level harder; dataset items are listed per subtask as\n"
		"needing new items. The most discriminating kept items become anchors that link\n"
		"scores across versions. Writes <root>/versions/vN/ (a complete benchmark folder);\n"
		"then run 'benchagent eval <root>/versions/vN --model ...' to see each model's drift.\n\n"
		"  --anchors SHARE   share of kept items used as anchors (default 0.2, at least 10)\n",
	.exec = exec_refresh,
};

static int exec_refresh(ba_cli *cli, int argc, char **argv)
{
	const char *share_s = NULL;
	ba_opt opts[] = {
		{ "anchors", 0, 1, &share_s, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	char *pos[1];
	int npos, ec, rc = BA_EXIT_OK;
	ba_error err = BA_ERROR_INIT;
	ba_store *st;
	ba_gen_registry *reg = NULL;
	ba_refresh_opts ro = BA_REFRESH_OPTS_INIT;
	json_t *rep = NULL, *v;
	size_t i;

	if (ba_cli_parse(&ba_cmd_refresh, argc, argv, opts, pos, 1, &npos, &ec))
		return ec;
	if (npos != 1)
		return ba_cli_usage(&ba_cmd_refresh, "give one benchmark folder");
	if (share_s) {
		char *end;
		ro.anchor_share = strtod(share_s, &end);
		if (end == share_s || *end || !(ro.anchor_share >= 0 && ro.anchor_share <= 1))
			return ba_cli_usage(&ba_cmd_refresh, "--anchors: '%s' is not a share from 0 to 1", share_s);
	}
	ro.bench_dir = pos[0];
	ro.seed = cli->seed;
	if (ba_cli_store(cli, &st, &err) != 0)
		return ba_cli_fail(cli, &err);
	{
		ba_error ge = BA_ERROR_INIT;
		if (ba_gen_registry_new(&reg, NULL, &ge) != 0) {
			BA_WARN("generators unavailable (%s): generator items cannot be replenished", ge.msg);
			reg = NULL;
		}
		/* agent-written generators the benchmark's plan carries */
		if (reg && ba_gen_registry_add_bench(reg, pos[0], &ge) != 0)
			BA_WARN("%s", ge.msg);
	}
	if (ba_eval_refresh(st, reg, &ro, &rep, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto cleanup;
	}
	if (cli->json) {
		char *s = ba_json_canonical(rep);
		printf("%s\n", s);
		free(s);
		goto cleanup;
	}
	printf("version %lld written to %s\n", ba_json_int(rep, "version", 0), ba_json_str(rep, "dir", "?"));
	printf("items: %lld before, %lld after (%zu retired, %zu replenished by generators, %zu anchors)\n",
	       ba_json_int(rep, "items_before", 0), ba_json_int(rep, "items_after", 0),
	       json_array_size(json_object_get(rep, "retired")),
	       json_array_size(json_object_get(rep, "replenished")),
	       json_array_size(json_object_get(rep, "anchors")));
	json_array_foreach(json_object_get(rep, "needs_replenishment"), i, v)
		printf("NEEDS NEW ITEMS: subtask %s lost %lld dataset item(s); build new items for it "
		       "(benchagent build) and add them to this version\n",
		       ba_json_str(v, "subtask", "?"), ba_json_int(v, "count", 0));
	printf("\n%-32s %9s %9s %9s\n", "model (stored results)", "accuracy", "kept", "anchors");
	json_array_foreach(json_object_get(rep, "drift"), i, v) {
		printf("%-32s %8.1f%% %8.1f%% %8.1f%%\n", ba_json_str(v, "model", "?"),
		       100 * ba_json_num(v, "accuracy", NAN), 100 * ba_json_num(v, "kept_accuracy", NAN),
		       100 * ba_json_num(v, "anchor_accuracy", NAN));
	}
	printf("\nlinking: %s\n", ba_json_str(rep, "linking", ""));
cleanup:
	ba_gen_registry_free(reg);
	json_decref(rep);
	return rc;
}
