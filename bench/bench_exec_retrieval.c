/*
 * bench_exec_retrieval.c - retrieval quality of `benchagent cards search`
 * (ba_plan_search, the grounding agent's retrieval) on the relevance set
 * tests/data/grounding/relevance.json over the shared pool and the
 * built-in generators, with the executor's tool table registered as in
 * the benchagent binary (so a speech request sees exactly the conversions
 * the executor can perform). Prints one line per query (rank of each
 * relevant source in the top 8) and hit@3, recall@8 and MRR; exit 1 when
 * hit@3 < 1.0 or recall@8 < 0.95.
 * Usage: bench_exec_retrieval [SHARED_DIR [RELEVANCE.json]]
 */
#include "benchagent/exec.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K 8

static int rank_of(const json_t *hits, const char *src)
{
	size_t i;
	json_t *h;
	json_array_foreach(hits, i, h)
		if (!strcmp(ba_json_str(h, "source", ""), src))
			return (int)i + 1;
	return 0;
}

/* The query's text: the shared query's description or its own. New string. */
static char *query_text(const json_t *q, const char *shared)
{
	char path[4400];
	json_t *sq = NULL;
	char *t;

	if (!ba_json_str(q, "shared", NULL))
		return strdup(ba_json_str(q, "text", ""));
	snprintf(path, sizeof(path), "%s/queries/%s", shared, ba_json_str(q, "shared", ""));
	if (ba_json_load_file(&sq, path, 0, NULL) != 0)
		return NULL;
	t = strdup(ba_json_str(sq, "description", ""));
	json_decref(sq);
	return t;
}

int main(int argc, char **argv)
{
	char shared[4096], pooldir[4200], relpath[4200];
	const char *roots[1];
	ba_error err = BA_ERROR_INIT;
	ba_pool *pool = NULL;
	ba_gen_registry *gens = NULL;
	json_t *rel = NULL, *q;
	size_t i, n = 0, hit3 = 0, nconv;
	double recall = 0, mrr = 0;

	snprintf(shared, sizeof(shared), "%s", argc > 1 ? argv[1] : BA_SOURCE_DIR "/../shared");
	snprintf(relpath, sizeof(relpath), "%s",
		 argc > 2 ? argv[2] : BA_SOURCE_DIR "/tests/data/grounding/relevance.json");
	snprintf(pooldir, sizeof(pooldir), "%s/datasets/general-bench-subset", shared);
	roots[0] = pooldir;
	(void)ba_tool_table(&nconv); /* links the executor's table (registered with the planner) */
	{
		json_t *c = ba_plan_conversions();
		nconv = json_array_size(c);
		json_decref(c);
	}
	if (ba_json_load_file(&rel, relpath, 0, &err) != 0 || ba_pool_open(&pool, roots, 1, 1, &err) != 0 ||
	    ba_gen_registry_new(&gens, NULL, &err) != 0 ||
	    ba_plan_sources_index(pool, gens, NULL, NULL, NULL, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("relevance set %s: %zu queries; pool %zu cards + %zu generators; %zu conversion tool(s)\n\n",
	       relpath, json_array_size(json_object_get(rel, "queries")), ba_pool_count(pool), ba_gen_count(gens),
	       nconv);
	printf("%-40s %s\n", "query", "rank of each relevant source in the top 8 (- = not there)");
	json_array_foreach(json_object_get(rel, "queries"), i, q) {
		char *text = query_text(q, shared);
		json_t *hits, *r;
		size_t j, found = 0;
		int first = 0;
		const char *id = ba_json_str(q, "shared", ba_json_str(q, "id", "?"));

		if (!text)
			continue;
		hits = ba_plan_search(pool, text, json_object_get(q, "modalities"), K);
		printf("%-40s", id);
		json_array_foreach(json_object_get(q, "relevant"), j, r) {
			int rk = rank_of(hits, json_string_value(r));
			printf(" %s:%s", json_string_value(r), rk ? "" : "-");
			if (rk) {
				printf("%d", rk);
				found++;
				if (!first || rk < first)
					first = rk;
			}
		}
		printf("\n");
		n++;
		hit3 += first && first <= 3;
		recall += json_array_size(json_object_get(q, "relevant"))
				  ? (double)found / (double)json_array_size(json_object_get(q, "relevant"))
				  : 1;
		mrr += first ? 1.0 / first : 0;
		json_decref(hits);
		free(text);
	}
	printf("\n| queries | hit@3 | recall@8 | MRR |\n|---|---|---|---|\n| %zu | %.3f | %.3f | %.3f |\n", n,
	       n ? (double)hit3 / n : 0, n ? recall / n : 0, n ? mrr / n : 0);
	json_decref(rel);
	ba_gen_registry_free(gens);
	ba_pool_free(pool);
	return n && hit3 == n && recall / n >= 0.95 ? 0 : 1;
}
