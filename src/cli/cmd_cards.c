/*
 * cmd_cards.c - `benchagent cards list|show ID|check|build DATASET|search
 * TEXT`: the dataset-card pool and what the grounding agent retrieves.
 */
#define BA_LOG_MODULE "cards"
#include "cli.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/log.h"
#include "benchagent/plan.h"
#include "benchagent/pool.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int exec_cards(ba_cli *cli, int argc, char **argv);

/* card writing and the search index */
static const char *const cards_roles[] = { "cards", "embedding", NULL };

const ba_command ba_cmd_cards = {
	.name = "cards",
	.summary = "List, show, check and build dataset cards of the pool.",
	.usage = "benchagent cards list | show ID | check | build DATASET [--root DIR] [--force] | "
		 "search TEXT [--modality M] [-k K]",
	.help = "The pool is `pool:` in benchagent.yaml or --pool DIR (cards in DIR/dataset_cards/).\n"
		"  list            one line per card: id, modalities, samples, name\n"
		"  show ID         the card as JSON\n"
		"  check           every card against its dataset: required fields, paths that\n"
		"                  match samples, media found; exit 1 when any card is broken\n"
		"  build DATASET   infer a card from a data file (JSON with `data`, JSONL, CSV)\n"
		"                  inside the pool root (--root, default the first pool); the model\n"
		"                  (role \"cards\") writes the description and card text. Writes\n"
		"                  -o PATH or ROOT/dataset_cards/<id>_card.json (--force overwrites).\n"
		"  search TEXT     the pool's datasets and the generators ranked for a request or\n"
		"                  subtask text, with score, matched fields and why: the grounding\n"
		"                  agent's own retrieval. --modality M (repeatable in a comma list,\n"
		"                  e.g. text,image; default: read from the text), -k K (default 8),\n"
		"                  --json for the hits as JSON.\n",
	.exec = exec_cards,
	.roles = cards_roles,
};

static int need_pool(ba_cli *cli, ba_config **cfg, ba_error *err)
{
	if (ba_cli_config(cli, cfg, err) != 0)
		return -1;
	if ((*cfg)->npools == 0) {
		ba_error_set(err, BA_EUSAGE, "no pool configured: use --pool DIR or `pool:` in benchagent.yaml");
		return -1;
	}
	return 0;
}

static int cards_list(ba_cli *cli, ba_config *cfg)
{
	ba_error err = BA_ERROR_INIT;
	ba_pool *p = NULL;
	json_t *arr = json_array();
	size_t i;

	if (ba_pool_open(&p, (const char *const *)cfg->pools, cfg->npools, 0, &err) != 0)
		return ba_cli_fail(cli, &err);
	for (i = 0; i < ba_pool_count(p); i++) {
		const ba_card *c = ba_pool_card(p, i);
		char *mods = ba_json_canonical(json_object_get(c->json, "modalities"));
		if (cli->json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:O, s:I, s:s}", "id", c->id, "name",
							     c->name, "modalities", json_object_get(c->json, "modalities"),
							     "size_samples", (json_int_t)c->size_samples, "file", c->file));
		else
			printf("%-10s %-18s %6ld  %s\n", c->id, mods, c->size_samples, c->name);
		free(mods);
	}
	if (cli->json) {
		char *s = ba_json_canonical(arr);
		printf("%s\n", s);
		free(s);
	} else {
		printf("%zu cards\n", ba_pool_count(p));
	}
	json_decref(arr);
	ba_pool_free(p);
	return BA_EXIT_OK;
}

static int cards_show(ba_cli *cli, ba_config *cfg, const char *id)
{
	ba_error err = BA_ERROR_INIT;
	ba_pool *p = NULL;
	const ba_card *c;
	char *s;

	if (ba_pool_open(&p, (const char *const *)cfg->pools, cfg->npools, 0, &err) != 0)
		return ba_cli_fail(cli, &err);
	if (!(c = ba_pool_find(p, id))) {
		ba_error_set(&err, BA_ENOTFOUND, "no card with dataset_id '%s' in the pool", id);
		ba_pool_free(p);
		return ba_cli_fail(cli, &err);
	}
	s = ba_json_pretty(c->json);
	printf("%s\n", s);
	free(s);
	ba_pool_free(p);
	return BA_EXIT_OK;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_one(const ba_card *c, json_t *all, size_t *ok, size_t *bad)
{
	json_t *rep = NULL, *w;
	ba_error e = BA_ERROR_INIT;
	size_t k;
	int rc = ba_card_check(c, &rep, &e);

	if (rep)
		json_array_append(all, rep);
	if (rc) {
		printf("error %s\n", e.msg);
		(*bad)++;
	} else {
		(*ok)++;
		printf("ok    %-10s %5lld samples, %5lld usable", c->id, ba_json_int(rep, "samples", 0),
		       ba_json_int(rep, "usable", 0));
		if (ba_json_int(rep, "media", 0))
			printf(", %lld/%lld media found",
			       ba_json_int(rep, "media", 0) - ba_json_int(rep, "media_missing", 0),
			       ba_json_int(rep, "media", 0));
		printf("  %s\n", c->name);
	}
	json_array_foreach(json_object_get(rep, "warnings"), k, w)
		printf("warn  %s\n", json_string_value(w));
	json_decref(rep);
}

/* Every card file on its own: a broken card is reported, not skipped. */
static int cards_check(ba_cli *cli, ba_config *cfg)
{
	size_t r, i, bad = 0, ok = 0, total = 0;
	json_t *all = json_array(), *seen = json_object();

	for (r = 0; r < cfg->npools; r++) {
		char *cdir = ba_path_join(cfg->pools[r], "dataset_cards");
		const char *dir = ba_fs_is_dir(cdir) ? cdir : cfg->pools[r];
		DIR *d = opendir(dir);
		struct dirent *e;
		char **names = NULL;
		size_t n = 0, cap = 0;

		if (!d) {
			printf("error %s: cannot open the pool folder\n", cfg->pools[r]);
			bad++;
			free(cdir);
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			size_t l = strlen(e->d_name);
			if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json"))
				continue;
			ba_array_reserve((void **)&names, &cap, n + 1, sizeof(char *));
			names[n++] = ba_strdup(e->d_name);
		}
		closedir(d);
		if (n)
			qsort(names, n, sizeof(char *), cmp_name);
		for (i = 0; i < n; i++) {
			char *file = ba_path_join(dir, names[i]);
			ba_card *c = NULL;
			ba_error le = BA_ERROR_INIT;
			total++;
			if (ba_card_load(&c, file, cfg->pools[r], &le) != 0) {
				printf("error %s\n", le.msg);
				bad++;
			} else if (json_object_get(seen, c->id)) {
				printf("error %s: dataset_id: '%s' already used by %s\n", file, c->id,
				       json_string_value(json_object_get(seen, c->id)));
				bad++;
			} else {
				json_object_set_new(seen, c->id, json_string(file));
				check_one(c, all, &ok, &bad);
			}
			ba_card_free(c);
			free(file);
			free(names[i]);
		}
		free(names);
		if (n == 0) {
			printf("error %s: no dataset cards found (expected %s/dataset_cards/*.json)\n",
			       cfg->pools[r], cfg->pools[r]);
			bad++;
		}
		free(cdir);
	}
	printf("%zu cards ok, %zu with errors\n", ok, bad);
	if (cli->json) {
		char *s = ba_json_canonical(all);
		printf("%s\n", s);
		free(s);
	}
	(void)total;
	json_decref(all);
	json_decref(seen);
	return bad ? BA_EXIT_FAIL : BA_EXIT_OK;
}

static int cards_build(ba_cli *cli, ba_config *cfg, const char *data, const char *root, int force)
{
	ba_error err = BA_ERROR_INIT;
	ba_gateway_options go = BA_GATEWAY_OPTIONS_INIT;
	ba_gateway *gw = NULL;
	ba_store *st;
	json_t *card = NULL;
	char *out = NULL;
	int rc = BA_EXIT_OK;

	if (!root)
		root = cfg->npools ? cfg->pools[0] : NULL;
	if (!root) {
		char *d = ba_path_dirname(data);
		ba_error_set(&err, BA_EUSAGE, "no pool root: use --root DIR (the folder the card's "
			     "raw_meta.source_json is relative to), --pool DIR or `pool:`");
		free(d);
		return ba_cli_fail(cli, &err);
	}
	if (ba_cli_store(cli, &st, &err) != 0)
		return ba_cli_fail(cli, &err);
	ba_card_register_mock();
	go.no_cache = cli->no_cache;
	go.dry_run = cli->dry_run;
	if (ba_gateway_new(&gw, cfg, st, &go, &err) != 0)
		return ba_cli_fail(cli, &err);
	if (ba_card_build(gw, data, root, 0, &card, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto out;
	}
	if (cli->output) {
		out = ba_strdup(cli->output);
	} else {
		char *dir = ba_path_join(root, "dataset_cards");
		char *name = ba_asprintf("%s_card.json", ba_json_str(card, "dataset_id", "x"));
		if (ba_fs_mkdir_p(dir, &err) != 0) {
			free(dir);
			free(name);
			rc = ba_cli_fail(cli, &err);
			goto out;
		}
		out = ba_path_join(dir, name);
		free(dir);
		free(name);
	}
	if (ba_fs_exists(out) && !force) {
		ba_error_set(&err, BA_EINVAL, "%s exists (use --force to overwrite)", out);
		rc = ba_cli_fail(cli, &err);
		goto out;
	}
	if (ba_json_write_file(out, card, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto out;
	}
	printf("wrote %s (%s, %lld samples, roles:", out, ba_json_str(card, "dataset_id", ""),
	       ba_json_int(card, "size_samples", 0));
	{
		const char *role;
		json_t *f;
		json_object_foreach(ba_json_path(card, "meta.fields"), role, f)
			printf(" %s", role);
	}
	printf(")\n");
out:
	ba_gateway_free(gw);
	json_decref(card);
	free(out);
	return rc;
}

static void print_hit(size_t rank, const json_t *h)
{
	json_t *via = json_array_get(json_object_get(h, "via"), 0);
	printf("%2zu. %-30s %.3f  %-9s %s\n", rank, ba_json_str(h, "source", ""), ba_json_num(h, "score", 0),
	       ba_json_str(h, "kind", ""), ba_json_str(h, "name", ""));
	printf("    text %.3f  meta %.3f  roles %.2f%s%s\n", ba_json_num(json_object_get(h, "scores"), "text", 0),
	       ba_json_num(json_object_get(h, "scores"), "meta", 0),
	       ba_json_num(json_object_get(h, "scores"), "roles", 0), via ? "  via " : "",
	       via ? ba_json_str(via, "tool", "") : "");
	printf("    %s\n", ba_json_str(h, "why", ""));
}

static int cards_search(ba_cli *cli, ba_config *cfg, const char *text, const char *mods, const char *kval)
{
	ba_error err = BA_ERROR_INIT;
	ba_gateway *gw = NULL;
	ba_store *st = NULL;
	ba_gen_registry *gens = NULL;
	ba_pool *p = NULL;
	json_t *want = NULL, *hits, *h;
	long k = 8;
	size_t i;
	int rc;

	if (kval && ba_cli_long(&ba_cmd_cards, "-k", kval, 1, 1000, &k))
		return BA_EXIT_USAGE;
	if (mods) {
		char *m = ba_strdup(mods), *s = m, *c;
		want = json_array();
		for (; s; s = c ? c + 1 : NULL) {
			if ((c = strchr(s, ',')))
				*c = '\0';
			if (strcmp(s, "text") && strcmp(s, "image") && strcmp(s, "audio")) {
				json_decref(want);
				free(m);
				return ba_cli_usage(&ba_cmd_cards, "--modality: expected text, image or audio");
			}
			json_array_append_new(want, json_string(s));
		}
		free(m);
	}
	/* with an embedding role the search blends embeddings in, as the
	 * grounding agent's does: through the gateway (its cache) and the store */
	for (i = 0; i < cfg->nroles; i++)
		if (!strcmp(cfg->roles[i].role, "embedding")) {
			ba_gateway_options go = BA_GATEWAY_OPTIONS_INIT;
			go.no_cache = cli->no_cache;
			if (ba_cli_store(cli, &st, &err) != 0 || ba_gateway_new(&gw, cfg, st, &go, &err) != 0) {
				rc = ba_cli_fail(cli, &err);
				goto out;
			}
			break;
		}
	if (ba_pool_open(&p, (const char *const *)cfg->pools, cfg->npools, 0, &err) != 0 ||
	    ba_gen_registry_new(&gens, NULL, &err) != 0 ||
	    ba_plan_sources_index(p, gens, st, gw, cfg, &err) != 0) {
		rc = ba_cli_fail(cli, &err);
		goto out;
	}
	hits = ba_plan_search(p, text, want, (size_t)k);
	if (cli->json) {
		char *s = ba_json_pretty(hits);
		printf("%s\n", s);
		free(s);
	} else {
		json_array_foreach(hits, i, h)
			print_hit(i + 1, h);
		if (!json_array_size(hits))
			printf("nothing in the pool or the generators matches\n");
	}
	json_decref(hits);
	rc = BA_EXIT_OK;
out:
	json_decref(want);
	ba_gen_registry_free(gens);
	ba_pool_free(p);
	ba_gateway_free(gw);
	return rc;
}

static int exec_cards(ba_cli *cli, int argc, char **argv)
{
	ba_error err = BA_ERROR_INIT;
	ba_config *cfg;
	const char *root = NULL, *mods = NULL, *kval = NULL;
	int force = 0;
	const ba_opt opts[] = {
		{ "root", 0, 1, &root, NULL },
		{ "force", 0, 0, NULL, &force },
		{ "modality", 0, 1, &mods, NULL },
		{ "k", 'k', 1, &kval, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};
	char *pos[2];
	int npos, ec;

	if (ba_cli_parse(&ba_cmd_cards, argc, argv, opts, pos, 2, &npos, &ec))
		return ec;
	if (npos < 1)
		return ba_cli_usage(&ba_cmd_cards, "expected list, show ID, check or build DATASET");
	if (!strcmp(pos[0], "build")) {
		if (npos != 2)
			return ba_cli_usage(&ba_cmd_cards, "build needs a DATASET file");
		if (ba_cli_config(cli, &cfg, &err) != 0)
			return ba_cli_fail(cli, &err);
		return cards_build(cli, cfg, pos[1], root, force);
	}
	if (!strcmp(pos[0], "search")) {
		if (npos != 2)
			return ba_cli_usage(&ba_cmd_cards, "search needs one TEXT (quote it)");
		if (ba_cli_config(cli, &cfg, &err) != 0)
			return ba_cli_fail(cli, &err);
		return cards_search(cli, cfg, pos[1], mods, kval);
	}
	if (need_pool(cli, &cfg, &err) != 0)
		return ba_cli_fail(cli, &err);
	if (!strcmp(pos[0], "list") && npos == 1)
		return cards_list(cli, cfg);
	if (!strcmp(pos[0], "show") && npos == 2)
		return cards_show(cli, cfg, pos[1]);
	if (!strcmp(pos[0], "check") && npos == 1)
		return cards_check(cli, cfg);
	return ba_cli_usage(&ba_cmd_cards, "expected list, show ID, check, build DATASET or search TEXT");
}
