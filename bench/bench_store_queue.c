/*
 * bench_store_queue.c - the work queue's own cost per unit: enqueue N
 * units in one transaction, then claim + complete each (what a worker does
 * around every unit), on the embedded SQLite store and, when a URL is
 * given, on PostgreSQL. Prints a table of microseconds per unit.
 *
 * usage: bench_store_queue [N_UNITS] [postgresql://...]
 */
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(const char *label, const char *target, long n)
{
	ba_error err = BA_ERROR_INIT;
	ba_store *st = NULL;
	char *ws = ba_fs_mkdtemp("bench-queue", &err);
	json_t *units = json_array();
	ba_queue_unit u;
	double t0, t1, t2;
	int64_t run_id;
	long i, done = 0;
	char key[32];

	if (!ws || ba_store_open_at(&st, ws, target, &err) != 0 ||
	    ba_run_open(st, "bench", "queue", &run_id, &err) != 0) {
		fprintf(stderr, "bench_store_queue: %s: %s\n", label, err.msg);
		ba_store_close(st);
		free(ws);
		json_decref(units);
		return 1;
	}
	snprintf(key, sizeof(key), "%.0f", wall_s() * 1e6); /* a fresh stage name per run */
	for (i = 0; i < n; i++)
		json_array_append_new(units, json_pack("{s:o, s:s, s:I}", "key", json_sprintf("u%06ld", i),
						       "subtask", "st1", "seed", (json_int_t)i));
	t0 = wall_s();
	if (ba_queue_enqueue(st, run_id, key, units, wall_s(), &err) != 0)
		fprintf(stderr, "bench_store_queue: %s: %s\n", label, err.msg);
	t1 = wall_s();
	while (ba_queue_claim(st, run_id, key, "bench:1", 30, &u, &err) == 0) {
		ba_queue_complete(st, run_id, key, u.key, "bench:1", 1, &err);
		ba_queue_unit_clear(&u);
		done++;
	}
	t2 = wall_s();
	printf("| %-10s | %6ld | %12.1f | %22.1f | %10.1f |\n", label, done, (t1 - t0) / n * 1e6,
	       (t2 - t1) / (done ? done : 1) * 1e6, (t2 - t0) / n * 1e6);
	json_decref(units);
	ba_store_close(st);
	ba_fs_rmtree(ws, NULL);
	free(ws);
	return done == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	int rc = 0;

	if (n <= 0)
		n = 2000;
	printf("| store      |  units | enqueue µs/u | claim + complete µs/u | total µs/u |\n");
	printf("| ---------- | ------ | ------------ | --------------------- | ---------- |\n");
	rc |= run("sqlite", NULL, n);
	if (argc > 2)
		rc |= run("postgresql", argv[2], n);
	return rc;
}
