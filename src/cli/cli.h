/*
 * cli.h - the command-line front end: global options, the command table,
 * and helpers every cmd_<name>.c uses.
 *
 * Adding a command is one file (src/cli/cmd_<name>.c defining a
 * `const ba_command ba_cmd_<name>`) plus one line in commands.c.
 */
#ifndef BA_CLI_H
#define BA_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "benchagent/config.h"
#include "benchagent/error.h"
#include "benchagent/store.h"

/* Exit codes */
#define BA_EXIT_OK 0
#define BA_EXIT_FAIL 1
#define BA_EXIT_USAGE 2

typedef struct ba_command ba_command;

typedef struct ba_cli {
	const char *workspace;   /* --workspace DIR (default ".") */
	int verbosity;           /* -v: +1, -q: -1 */
	int json;                /* --json: machine-readable stdout */
	uint64_t seed;           /* --seed N */
	int seed_set;
	const char *provider;    /* --provider NAME */
	const char *pools[16];   /* --pool DIR (repeatable) */
	int npools;
	const char *output;      /* -o PATH */
	int dry_run;             /* --dry-run */
	int no_cache;            /* --no-cache */
	int batch_api;           /* --batch-api */
	ba_config *cfg;          /* loaded on first ba_cli_config() */
	ba_store *store;         /* opened on first ba_cli_store() */
	char *dry_dir;           /* --dry-run: the private workspace copy (removed at exit) */
	const ba_command *cmd;   /* the command being run */
} ba_cli;

struct ba_command {
	const char *name;
	const char *summary;     /* one line for `benchagent help` */
	const char *usage;       /* "benchagent init [--force]" */
	const char *help;        /* paragraph(s) for --help: options, examples */
	int (*exec)(ba_cli *cli, int argc, char **argv); /* returns an exit code */
	const char *const *roles; /* NULL-terminated: the roles a run of it uses; their
				   * provider/model is printed when the config loads */
	void (*help_tables)(FILE *f); /* optional: prints, after .help, what the help lists
				       * from a table (export formats, audit criteria), so
				       * the help never lists a table's contents by hand */
};

extern const ba_command *const ba_commands[];
const ba_command *ba_command_find(const char *name);

/* Lazily load <workspace>/benchagent.yaml (+ --pool, --provider). Borrowed.
 * On the first load prints, on stderr, the provider/model of each role of
 * cli->cmd->roles (not with -q). */
int ba_cli_config(ba_cli *cli, ba_config **out, ba_error *err);
/* The store target: $BENCHAGENT_STORE, else the config's store: (NULL = SQLite). */
const char *ba_cli_store_target(const ba_cli *cli);
/* Lazily open the workspace store. Borrowed. With --dry-run this is a
 * private copy in a temporary workspace (cli->dry_dir): the run sees the
 * cache and finished work, and nothing it does reaches the real store. */
int ba_cli_store(ba_cli *cli, ba_store **out, ba_error *err);
/* Print "LABEL: provider/model (where it comes from)" on stderr (not with
 * -q) for a role or a model reference such as "openai/gpt-4o-mini". */
void ba_cli_print_role(ba_cli *cli, const char *role);
void ba_cli_print_model(ba_cli *cli, const char *label, const char *spec);
/* Print the --dry-run estimate (calls, cached, tokens, cost) to stderr. */
void ba_cli_print_estimate(ba_cli *cli, long calls, long cached, long prompt_tokens,
			   long completion_tokens, double cost_usd);
/* "cost $X, $Y per accepted item" (estimated cost in a dry run). */
void ba_cli_print_item_cost(double cost_usd, long long items, int estimate);
/* Print "benchagent: <msg>" to stderr and map the code to an exit code. */
int ba_cli_fail(ba_cli *cli, const ba_error *err);
/* Usage error for cmd: prints message + usage line, returns 2. */
int ba_cli_usage(const ba_command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ba_cli_print_help(const ba_command *cmd, FILE *f);

/* Command option parsing. Each option is --long (and optional -s); with
 * has_arg the value goes to *str; without, *flag is set to 1. Positional
 * arguments are collected in order into pos (argv pointers, max npos_max).
 * --help prints the command help and makes the function return 1 with
 * *exit_code = 0; a bad option returns 1 with *exit_code = 2. Otherwise 0. */
typedef struct ba_opt {
	const char *lng;
	char shrt;
	int has_arg;
	const char **str;
	int *flag;
} ba_opt;
int ba_cli_parse(const ba_command *cmd, int argc, char **argv, const ba_opt *opts,
		 char **pos, int npos_max, int *npos, int *exit_code);
/* Parse an integer option value with bounds; usage error on failure. */
/* Pull every "--name V" / "--name=V" out of argv into vals (at most max;
 * ba_cli_parse would keep only the last). 0 or a usage exit code. */
int ba_cli_take_repeat(const ba_command *cmd, int *argc, char **argv, const char *name, const char **vals, int max,
		       int *n);
/* The audit panel and threshold from benchagent.yaml (audit.judges,
 * audit.threshold) where the command line gave none: judges appended to
 * vals (borrowed from cfg) up to max; *thr set when thr_given is 0 and the
 * file has one. */
void ba_cli_audit_defaults(ba_config *cfg, const char **vals, int max, int *n, int thr_given, double *thr);
/* MODEL=VALUE pairs into obj (positive numbers of billions when numeric).
 * 0 or a usage exit code. */
int ba_cli_pairs(const ba_command *cmd, const char **vals, int n, const char *opt, int numeric, json_t *obj);
int ba_cli_long(const ba_command *cmd, const char *name, const char *val, long lo, long hi,
		long *out);

#endif
