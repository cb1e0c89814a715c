/*
 * cmd_review.c - `benchagent review BENCH_DIR`: the local review page, or
 * its statistics with --stats.
 */
#include "cli.h"
#include "benchagent/json.h"
#include "benchagent/report.h"
#include "benchagent/review.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int exec_review(ba_cli *cli, int argc, char **argv);

const ba_command ba_cmd_review = {
	.name = "review",
	.summary = "Review a built benchmark's items in a local web page (acceptance rate, agreement).",
	.usage = "benchagent review BENCH_DIR [--port N] [--bind 127.0.0.1] [--annotator NAME] [--stats]",
	.help = "Serves http://127.0.0.1:PORT/ (loopback only) until interrupted: every item with\n"
		"its media, answer, checks, source and provenance; Accept/Reject with a comment per\n"
		"annotator, stored in the workspace (.benchagent/state.db, table reviews).\n"
		"The index shows the acceptance rate and Fleiss' kappa and filters items (subtask,\n"
		"unreviewed, flagged, disagreement); on an item page a/r accept/reject, n/p move.\n"
		"/report is the report of `benchagent report`; /report/transcripts?id=ID one item's\n"
		"model answers. /api/stats gives the\n"
		"statistics as JSON (percent agreement, Cohen's kappa per annotator pair).\n"
		"  --port N          port (default 8765; 0 = any free port)\n"
		"  --bind ADDR       a 127.x.x.x address (default 127.0.0.1)\n"
		"  --annotator NAME  the name pre-filled in the form\n"
		"  --stats           print the review statistics and exit\n",
	.exec = exec_review,
};

static int exec_review(ba_cli *cli, int argc, char **argv)
{
	ba_review_opts o = BA_REVIEW_OPTS_INIT;
	ba_report_opts ro = BA_REPORT_OPTS_INIT;
	ba_config *cfg;
	ba_error err = BA_ERROR_INIT;
	ba_review_server *srv;
	ba_store *st;
	const char *port = "8765", *bind = NULL, *ann = NULL;
	int stats = 0, npos, ec, sig;
	long p;
	char *pos[1];
	sigset_t set;
	const ba_opt opts[] = {
		{ "port", 'p', 1, &port, NULL },
		{ "bind", 0, 1, &bind, NULL },
		{ "annotator", 'a', 1, &ann, NULL },
		{ "stats", 0, 0, NULL, &stats },
		{ NULL, 0, 0, NULL, NULL },
	};

	if (ba_cli_parse(&ba_cmd_review, argc, argv, opts, pos, 1, &npos, &ec))
		return ec;
	if (npos != 1)
		return ba_cli_usage(&ba_cmd_review, "expected one BENCH_DIR");
	if ((ec = ba_cli_long(&ba_cmd_review, "--port", port, 0, 65535, &p)) != 0)
		return ec;
	if (ba_cli_config(cli, &cfg, &err) != 0 || ba_cli_store(cli, &st, &err) != 0)
		return ba_cli_fail(cli, &err);
	/* /report uses eval's statistics settings, so its numbers are eval's */
	ro.stats.resamples = cfg->evaluation.resamples;
	ro.stats.seed = (uint64_t)cfg->evaluation.seed;
	ro.stats.level = cfg->evaluation.level;
	ro.plan_half_width = cfg->evaluation.plan_half_width;
	if (cli->seed_set)
		ro.stats.seed = cli->seed;
	o.report = &ro;
	o.bench_dir = pos[0];
	o.port = (int)p;
	if (bind)
		o.bind = bind;
	o.annotator = ann ? ann : getenv("USER");

	if (stats) {
		json_t *items, *s;
		char *bench, *txt;
		if (ba_review_load(pos[0], &items, &bench, &err) != 0)
			return ba_cli_fail(cli, &err);
		s = ba_review_stats(st, bench, json_array_size(items));
		json_object_set_new(s, "bench", json_string(bench));
		txt = cli->json ? ba_json_canonical(s) : ba_json_pretty(s);
		printf("%s\n", txt);
		free(txt);
		free(bench);
		json_decref(s);
		json_decref(items);
		return BA_EXIT_OK;
	}
	/* threads started below inherit this mask; the main thread waits */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ba_review_start(&srv, &o, st, &err) != 0)
		return ba_cli_fail(cli, &err);
	fprintf(stderr, "benchagent: reviewing %s at http://%s:%d/ (Ctrl-C to stop)\n", pos[0],
		o.bind ? o.bind : "127.0.0.1", ba_review_port(srv));
	if (cli->json)
		printf("{\"port\":%d}\n", ba_review_port(srv));
	fflush(stdout);
	sigwait(&set, &sig);
	ba_review_stop(srv);
	return BA_EXIT_OK;
}
