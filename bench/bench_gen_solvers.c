/*
 * bench_gen_solvers.c - keys derived twice: for every generator and every
 * difficulty, generate N items (seeds 1..N) and solve each with the
 * generator's independent solver (a fresh Lua state that sees only the
 * question, choices and scene), comparing with the one scorer. Prints
 * items generated, solved independently, disagreements, unsolved and
 * non-unique puzzles, and the time per item. Exit 1 when any count but
 * "solved" is non-zero.
 *
 *   bench_gen_solvers [items-per-difficulty (default 200)] [generator]
 */
#include "benchagent/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void note(void *ud, const char *msg)
{
	int *shown = ud;

	if ((*shown)++ < 3)
		fprintf(stderr, "  %s\n", msg);
}

int main(int argc, char **argv)
{
	ba_gen_registry *reg = NULL;
	ba_error err = BA_ERROR_INIT;
	long per = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
	const char *only = argc > 2 ? argv[2] : NULL;
	long tot_gen = 0, tot_solved = 0, tot_bad = 0;
	size_t i;
	int d, bad = 0;

	if (per < 1 || per > 100000) {
		fprintf(stderr, "usage: bench_gen_solvers [items-per-difficulty 1..100000] [generator]\n");
		return 2;
	}
	if (ba_gen_registry_new(&reg, NULL, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("%-26s %3s %9s %8s %8s %8s %8s %9s\n", "generator", "d", "generated", "solved", "disagree",
	       "unsolved", "unique!", "ms/item");
	for (i = 0; i < ba_gen_count(reg); i++) {
		const char *name = ba_gen_at(reg, i)->name;
		if (only && strcmp(only, name))
			continue;
		for (d = 1; d <= 5; d++) {
			ba_gen_solver_stats st;
			double t0 = now();
			int shown = 0;
			if (ba_gen_solver_tally(reg, name, d, (int)per, &st, note, &shown) != 0) {
				printf("%-26s %3d  no solver\n", name, d);
				bad = 1;
				continue;
			}
			printf("%-26s %3d %9d %8d %8d %8d %8d %9.3f\n", name, d, st.generated, st.solved, st.disagree,
			       st.unsolved, st.not_unique, st.generated ? (now() - t0) * 1000 / st.generated : 0);
			tot_gen += st.generated;
			tot_solved += st.solved;
			tot_bad += st.disagree + st.unsolved + st.not_unique;
			if (st.disagree || st.unsolved || st.not_unique || st.generated < per)
				bad = 1;
		}
	}
	printf("%-26s %3s %9ld %8ld %8ld (disagreements + unsolved + not unique)\n", "total", "", tot_gen, tot_solved,
	       tot_bad);
	ba_gen_registry_free(reg);
	return bad;
}
