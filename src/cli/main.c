/*
 * main.c - benchagent entry point: global options, then dispatch through
 * the command table.
 */
#include "cli.h"
#include "benchagent/fs.h"
#include "benchagent/log.h"
#include "benchagent/progress.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BA_VERSION
#define BA_VERSION "0.0.0"
#endif

static void usage_all(FILE *f)
{
	int i;

	fprintf(f, "usage: benchagent [global options] <command> [options]\n\n"
		   "Turns a plain-language request into a verified benchmark, evaluates models\n"
		   "on it and keeps it fresh.\n\nCommands:\n");
	for (i = 0; ba_commands[i]; i++)
		fprintf(f, "  %-8s %s\n", ba_commands[i]->name, ba_commands[i]->summary);
	fprintf(f, "\nGlobal options (before or after the command):\n"
		   "  --workspace DIR   workspace with benchagent.yaml and .benchagent/ (default .)\n"
		   "  -v, -q            more / less logging\n"
		   "  --json            machine-readable output on stdout\n"
		   "  --seed N          seed for everything random (default 1)\n"
		   "  --provider NAME   one provider for every role (e.g. --provider mock)\n"
		   "  --pool DIR        an extra dataset-card pool (repeatable)\n"
		   "  -o PATH           where a command writes its one output file\n"
		   "  --dry-run         estimate calls, tokens and cost; send nothing\n"
		   "  --no-cache        do not read the LLM call cache\n"
		   "  --batch-api       calls that can wait (execution, verification, audit, eval) go\n"
		   "                    through provider batch APIs: half the price, slower\n"
		   "  --version         print the version\n\n"
		   "Run 'benchagent <command> --help' for a command's options.\n");
}

static int global_arg(ba_cli *cli, const char *opt, const char *val)
{
	if (!strcmp(opt, "--workspace"))
		cli->workspace = val;
	else if (!strcmp(opt, "--provider"))
		cli->provider = val;
	else if (!strcmp(opt, "-o") || !strcmp(opt, "--output"))
		cli->output = val;
	else if (!strcmp(opt, "--pool")) {
		if (cli->npools >= 16) {
			fprintf(stderr, "benchagent: at most 16 --pool options\n");
			return -1;
		}
		cli->pools[cli->npools++] = val;
	} else if (!strcmp(opt, "--seed")) {
		char *end;
		errno = 0;
		cli->seed = strtoull(val, &end, 10);
		if (errno || end == val || *end || val[0] == '-') {
			fprintf(stderr, "benchagent: --seed: '%s' is not a non-negative whole number\n", val);
			return -1;
		}
		cli->seed_set = 1;
	}
	return 0;
}

/* Pull global options out of argv wherever they stand; what remains is
 * the command and its own arguments. Returns -1 on a usage error. */
static int strip_globals(ba_cli *cli, int *argc, char **argv)
{
	static const char *const with_arg[] = { "--workspace", "--provider", "--pool", "--seed", "-o", "--output", NULL };
	int i, j = 1, k;

	for (i = 1; i < *argc; i++) {
		char *a = argv[i];
		int matched = 0;

		if (!strcmp(a, "--")) {
			for (; i < *argc; i++)
				argv[j++] = argv[i];
			break;
		}
		for (k = 0; with_arg[k]; k++) {
			size_t n = strlen(with_arg[k]);
			if (!strcmp(a, with_arg[k])) {
				if (i + 1 >= *argc) {
					fprintf(stderr, "benchagent: option '%s' needs a value\n", a);
					return -1;
				}
				if (global_arg(cli, with_arg[k], argv[++i]))
					return -1;
				matched = 1;
			} else if (!strncmp(a, with_arg[k], n) && a[n] == '=' && with_arg[k][1] == '-') {
				if (global_arg(cli, with_arg[k], a + n + 1))
					return -1;
				matched = 1;
			}
			if (matched)
				break;
		}
		if (!matched) {
			if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
				cli->verbosity++, matched = 1;
			else if (!strcmp(a, "-vv"))
				cli->verbosity += 2, matched = 1;
			else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
				cli->verbosity--, matched = 1;
			else if (!strcmp(a, "--json"))
				cli->json = 1, matched = 1;
			else if (!strcmp(a, "--dry-run"))
				cli->dry_run = 1, matched = 1;
			else if (!strcmp(a, "--no-cache"))
				cli->no_cache = 1, matched = 1;
			else if (!strcmp(a, "--batch-api"))
				cli->batch_api = 1, matched = 1;
		}
		if (!matched)
			argv[j++] = a;
	}
	*argc = j;
	argv[j] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	ba_cli cli;
	const ba_command *cmd;
	int rc, lvl;

	memset(&cli, 0, sizeof(cli));
	cli.workspace = ".";
	cli.seed = 1;

	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		printf("benchagent %s\n", BA_VERSION);
		return BA_EXIT_OK;
	}
	if (strip_globals(&cli, &argc, argv) != 0)
		return BA_EXIT_USAGE;
	if (argc < 2) {
		usage_all(stderr);
		return BA_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_all(stdout);
		return BA_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("benchagent %s\n", BA_VERSION);
		return BA_EXIT_OK;
	}
	cmd = ba_command_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "benchagent: unknown command '%s' (see 'benchagent help')\n", argv[1]);
		return BA_EXIT_USAGE;
	}

	lvl = BA_LOG_INFO + cli.verbosity;
	if (lvl < BA_LOG_ERROR)
		lvl = BA_LOG_ERROR;
	if (lvl > BA_LOG_DEBUG)
		lvl = BA_LOG_DEBUG;
	ba_log_set_level((ba_log_level)lvl);
	ba_log_add_sink(ba_log_stderr_sink, NULL);
	if (cli.verbosity >= 0)
		ba_progress_set_mode(isatty(STDERR_FILENO) ? BA_PROGRESS_TTY : BA_PROGRESS_LOG);

	cli.cmd = cmd;
	rc = cmd->exec(&cli, argc - 1, argv + 1);

	ba_store_close(cli.store);
	ba_config_free(cli.cfg);
	if (cli.dry_dir) {
		ba_fs_rmtree(cli.dry_dir, NULL);
		free(cli.dry_dir);
	}
	return rc;
}

/* exposed for cmd_help.c */
void ba_cli_usage_all(FILE *f);
void ba_cli_usage_all(FILE *f) { usage_all(f); }
