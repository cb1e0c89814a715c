/*
 * cmd_gen.c - `benchagent gen`: list, show, sample and check verified
 * generators (sandboxed Lua programs; see docs/generators.md).
 */
#include "cli.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/text.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

static int exec_gen(ba_cli *cli, int argc, char **argv);

const ba_command ba_cmd_gen = {
	.name = "gen",
	.summary = "List, show, sample and check verified item generators.",
	.usage = "benchagent gen list | show NAME | sample NAME [--difficulty D] [-n N] | check FILE.lua [-n N] | solve DIR | search TEXT",
	.help = "Subcommands:\n"
		"  list                  every generator with its answer type and modalities\n"
		"  show NAME             a generator's description, tags and difficulty levels\n"
		"  sample NAME           draw items (JSON lines); --difficulty 1..5 (default 3),\n"
		"                        -n N items (default 3), global --seed S (default 1);\n"
		"                        images go to the workspace's media store\n"
		"  check FILE.lua|NAME   run the generator N times (default 200) and hold it to the\n"
		"                        contract: no error, deterministic per seed, own answer\n"
		"                        verifies, >= 95% distinct, no answer > 50% (unless binary),\n"
		"                        wrong answers rejected, difficulty changes the items, and\n"
		"                        its solver re-derives every key from the question alone\n"
		"                        (>= 200 items per difficulty; puzzles: one valid answer).\n"
		"  solve DIR|FILE.jsonl  solve a built benchmark's generator items again with the\n"
		"                        independent solvers; exit 1 when a key is not re-derived\n"
		"  search TEXT           generators ranked by BM25 over name, description, tags\n"
		"  --dir DIR             also load the generators in DIR\n"
		"Examples:\n"
		"  benchagent gen sample linear_equations --difficulty 5 -n 2 --seed 7\n"
		"  benchagent gen check my_generator.lua -n 500\n",
	.exec = exec_gen,
};

static void print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	printf("%s\n", s);
	free(s);
}

static int do_list(ba_cli *cli, ba_gen_registry *reg)
{
	size_t i;

	for (i = 0; i < ba_gen_count(reg); i++) {
		const ba_gen_info *g = ba_gen_at(reg, i);
		if (cli->json) {
			json_t *o = json_pack("{s:s,s:s,s:s,s:O,s:O}", "name", g->name, "description", g->description,
					      "answer_type", g->answer_type, "modalities", g->modalities, "tags", g->tags);
			print_json(o);
			json_decref(o);
		} else {
			char *mods = json_dumps(g->modalities, JSON_COMPACT);
			char *desc = ba_text_clip(g->description, 70);
			printf("%-28s %-8s %-16s %s\n", g->name, g->answer_type, mods, desc);
			free(desc);
			free(mods);
		}
	}
	return BA_EXIT_OK;
}

static int do_show(ba_cli *cli, ba_gen_registry *reg, const char *name)
{
	const ba_gen_info *g = ba_gen_find(reg, name);
	size_t i;
	json_t *v;

	if (!g) {
		fprintf(stderr, "benchagent: no generator named '%s' (see 'benchagent gen list')\n", name);
		return BA_EXIT_FAIL;
	}
	if (cli->json) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:O,s:O,s:O,s:s}", "name", g->name, "description",
				      g->description, "answer_type", g->answer_type, "modalities", g->modalities,
				      "tags", g->tags, "levels", g->levels, "origin", g->origin);
		print_json(o);
		json_decref(o);
		return BA_EXIT_OK;
	}
	printf("%s\n  %s\n  answer type: %s\n  origin: %s\n  tags:", g->name, g->description, g->answer_type,
	       g->origin);
	json_array_foreach(g->tags, i, v)
		printf("%s %s", i ? "," : "", json_string_value(v));
	printf("\n  levels:\n");
	json_array_foreach(g->levels, i, v)
		printf("    %lld: %s\n", ba_json_int(v, "level", 0), ba_json_str(v, "changes", ""));
	return BA_EXIT_OK;
}

static int do_check(ba_cli *cli, ba_gen_registry **regp, const char *what, int n)
{
	ba_error err = BA_ERROR_INIT;
	const char *name = NULL;
	json_t *rep = NULL, *c;
	size_t i;
	int ec;

	if (strlen(what) > 4 && !strcmp(what + strlen(what) - 4, ".lua")) {
		/* a file: check it on its own, so a name clash with a built-in
		 * does not hide it */
		ba_gen_registry_free(*regp);
		*regp = NULL;
		if (ba_gen_registry_new(regp, NULL, &err) != 0)
			return ba_cli_fail(cli, &err);
		if (ba_gen_registry_add_file(*regp, what, &name, &err) != 0)
			return ba_cli_fail(cli, &err);
	} else {
		name = what;
	}
	if (ba_gen_check(*regp, name, n, &rep, &err) != 0)
		return ba_cli_fail(cli, &err);
	if (cli->json) {
		print_json(rep);
	} else {
		printf("gen check %s (%lld items): %s\n", name, ba_json_int(rep, "n", 0),
		       ba_json_bool(rep, "passed", 0) ? "PASS" : "FAIL");
		json_array_foreach(json_object_get(rep, "checks"), i, c)
			printf("  [%s] %-26s %s\n", ba_json_bool(c, "passed", 0) ? "ok" : "FAIL",
			       ba_json_str(c, "name", ""), ba_json_str(c, "detail", ""));
		json_array_foreach(json_object_get(rep, "failures"), i, c)
			printf("  - %s\n", json_string_value(c));
	}
	ec = ba_json_bool(rep, "passed", 0) ? BA_EXIT_OK : BA_EXIT_FAIL;
	json_decref(rep);
	return ec;
}

static int collect_item(void *ud, json_t *obj, size_t lineno, ba_error *err)
{
	(void)lineno;
	(void)err;
	json_array_append(ud, obj);
	return 0;
}

/* gen solve DIR|items.jsonl: every generator item's key derived again by
 * its generator's solver (agent-written generators come from DIR/plan.json). */
static int do_solve(ba_cli *cli, ba_gen_registry *reg, const char *what)
{
	ba_error err = BA_ERROR_INIT;
	json_t *items = json_array(), *rep = NULL, *p;
	char *path = ba_fs_is_dir(what) ? ba_path_join(what, "items.jsonl") : ba_strdup(what);
	size_t i;
	int ec;

	if ((ba_fs_is_dir(what) && ba_gen_registry_add_bench(reg, what, &err) != 0) ||
	    ba_jsonl_foreach(path, collect_item, items, &err) != 0 ||
	    ba_gen_solve_items(reg, items, &rep, &err) != 0) {
		free(path);
		json_decref(items);
		return ba_cli_fail(cli, &err);
	}
	if (cli->json) {
		print_json(rep);
	} else {
		printf("gen solve %s: %lld of %lld generator items solved independently (%lld other items skipped)\n",
		       path, ba_json_int(rep, "solved", 0), ba_json_int(rep, "checked", 0), ba_json_int(rep, "skipped", 0));
		json_array_foreach(json_object_get(rep, "problems"), i, p)
			printf("  - %s\n", json_string_value(p));
	}
	ec = ba_json_int(rep, "solved", 0) == ba_json_int(rep, "checked", -1) ? BA_EXIT_OK : BA_EXIT_FAIL;
	free(path);
	json_decref(items);
	json_decref(rep);
	return ec;
}

static int exec_gen(ba_cli *cli, int argc, char **argv)
{
	ba_error err = BA_ERROR_INIT;
	ba_gen_registry *reg = NULL;
	const char *dval = NULL, *nval = NULL, *dir = NULL;
	const ba_opt opts[] = {
		{ "difficulty", 'd', 1, &dval, NULL },
		{ "n", 'n', 1, &nval, NULL },
		{ "dir", 0, 1, &dir, NULL },
		{ NULL, 0, 0, NULL, NULL }
	};
	char *pos[2];
	int npos, ec = BA_EXIT_OK;
	long d = 3, n = -1;

	if (ba_cli_parse(&ba_cmd_gen, argc, argv, opts, pos, 2, &npos, &ec))
		return ec;
	if (npos < 1)
		return ba_cli_usage(&ba_cmd_gen, "missing subcommand (list, show, sample, check, solve, search)");
	if (dval && ba_cli_long(&ba_cmd_gen, "--difficulty", dval, 1, 5, &d))
		return BA_EXIT_USAGE;
	if (nval && ba_cli_long(&ba_cmd_gen, "-n", nval, 1, 100000, &n))
		return BA_EXIT_USAGE;
	if (ba_gen_registry_new(&reg, dir, &err) != 0)
		return ba_cli_fail(cli, &err);

	if (!strcmp(pos[0], "list")) {
		ec = do_list(cli, reg);
	} else if (!strcmp(pos[0], "show")) {
		if (npos < 2)
			ec = ba_cli_usage(&ba_cmd_gen, "show needs a generator NAME");
		else
			ec = do_show(cli, reg, pos[1]);
	} else if (!strcmp(pos[0], "search")) {
		json_t *hits = NULL, *h;
		size_t i;
		if (npos < 2) {
			ec = ba_cli_usage(&ba_cmd_gen, "search needs a TEXT");
			goto done;
		}
		ba_gen_search(reg, pos[1], n < 0 ? 10 : (size_t)n, &hits);
		json_array_foreach(hits, i, h) {
			if (cli->json)
				print_json(h);
			else
				printf("%-28s %.3f\n", ba_json_str(h, "name", ""), ba_json_num(h, "score", 0));
		}
		json_decref(hits);
	} else if (!strcmp(pos[0], "sample")) {
		ba_store *st = NULL;
		long i;
		uint64_t seed = cli->seed_set ? cli->seed : 1;
		const ba_gen_info *g;

		if (npos < 2) {
			ec = ba_cli_usage(&ba_cmd_gen, "sample needs a generator NAME");
			goto done;
		}
		g = ba_gen_find(reg, pos[1]);
		if (g) {
			size_t k;
			json_t *m;
			json_array_foreach(g->modalities, k, m)
				if ((!strcmp(json_string_value(m), "image") || !strcmp(json_string_value(m), "audio")) && !st &&
				    ba_cli_store(cli, &st, &err) != 0) {
					ec = ba_cli_fail(cli, &err);
					goto done;
				}
		}
		for (i = 0; i < (n < 0 ? 3 : n); i++) {
			json_t *item = NULL;
			if (ba_gen_generate(reg, pos[1], seed + (uint64_t)i, (int)d, st, &item, &err) != 0) {
				ec = ba_cli_fail(cli, &err);
				goto done;
			}
			print_json(item);
			json_decref(item);
		}
	} else if (!strcmp(pos[0], "check")) {
		if (npos < 2)
			ec = ba_cli_usage(&ba_cmd_gen, "check needs FILE.lua (or a generator NAME)");
		else
			ec = do_check(cli, &reg, pos[1], n < 0 ? 200 : (int)n);
	} else if (!strcmp(pos[0], "solve")) {
		if (npos < 2)
			ec = ba_cli_usage(&ba_cmd_gen, "solve needs a benchmark folder or an items.jsonl file");
		else
			ec = do_solve(cli, reg, pos[1]);
	} else {
		ec = ba_cli_usage(&ba_cmd_gen, "unknown subcommand '%s'", pos[0]);
	}
done:
	ba_gen_registry_free(reg);
	return ec;
}
