/*
 * cmd_export.c - `benchagent export BENCH_DIR --format F`.
 */
#include "cli.h"
#include "benchagent/export.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int exec_export(ba_cli *cli, int argc, char **argv);

/* The formats, from the exporter table (src/report/exporters.c). */
static void formats_help(FILE *f)
{
	const char *name;
	size_t i;

	fprintf(f, "\nFormats (FORMAT), in the order \"all\" writes them:\n");
	for (i = 0; (name = ba_export_format(i)) != NULL; i++)
		fprintf(f, "  %-13s %s\n", name, ba_export_format_summary(i));
}

const ba_command ba_cmd_export = {
	.name = "export",
	.summary = "Write a built benchmark in other harnesses' formats (export --help lists them).",
	.usage = "benchagent export BENCH_DIR [--format FORMAT|all] [--model M] [--reasoning auto|yes|no]\n"
		 "                        [--max-tokens N] [-o DIR]",
	.help = "Reads BENCH_DIR/items.jsonl (a folder written by `benchagent build`) and writes\n"
		"it in FORMAT (listed below). Default format: all: every format that applies;\n"
		"one that does not (lm-eval on an image-only benchmark) is skipped with a\n"
		"warning. Output goes to BENCH_DIR/exports/<format>/ (written aside and renamed\n"
		"into place whole) unless -o DIR (only with a single format). --model names the\n"
		"model of openai-batch request lines (default gpt-4o-mini); an OpenAI reasoning\n"
		"model (o1, o3, o4-mini, gpt-5, ...: --reasoning auto, by the name; yes/no to\n"
		"say so) gets no temperature and max_completion_tokens only with --max-tokens,\n"
		"any other model temperature 0 and max_tokens (--max-tokens, default 512, also\n"
		"lm-eval's max_gen_toks). Choice answers are written as the option's letter\n"
		"(given as letter, index or the option's exact text; one that matches no option\n"
		"is an error), yes/no answers in the words the question asks for. See\n"
		"docs/export.md.\n",
	.exec = exec_export,
	.help_tables = formats_help,
};

static int exec_export(ba_cli *cli, int argc, char **argv)
{
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	const char *format = "all", *model = NULL, *reasoning = "auto", *max_tokens = NULL;
	json_t *written = NULL, *f;
	char *pos[1];
	int npos, ec;
	long cap = 0;
	size_t i;
	const ba_opt opts[] = {
		{ "format", 'f', 1, &format, NULL },
		{ "model", 'm', 1, &model, NULL },
		{ "reasoning", 0, 1, &reasoning, NULL },
		{ "max-tokens", 0, 1, &max_tokens, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};

	if (ba_cli_parse(&ba_cmd_export, argc, argv, opts, pos, 1, &npos, &ec))
		return ec;
	if (npos != 1)
		return ba_cli_usage(&ba_cmd_export, "expected one BENCH_DIR");
	if (cli->output && !strcmp(format, "all"))
		return ba_cli_usage(&ba_cmd_export, "-o needs a single --format");
	if (strcmp(reasoning, "auto") && strcmp(reasoning, "yes") && strcmp(reasoning, "no"))
		return ba_cli_usage(&ba_cmd_export, "--reasoning takes auto, yes or no");
	if (max_tokens && (ec = ba_cli_long(&ba_cmd_export, "--max-tokens", max_tokens, 1, 1000000, &cap)) != 0)
		return ec;
	o.reasoning = !strcmp(reasoning, "auto") ? -1 : !strcmp(reasoning, "yes");
	o.max_tokens = (int)cap;
	o.bench_dir = pos[0];
	o.out_dir = cli->output;
	o.model = model;
	o.warnings = json_array();
	if (ba_export(format, &o, &written, &err) != 0) {
		json_decref(o.warnings);
		return ba_cli_fail(cli, &err);
	}
	json_array_foreach(o.warnings, i, f)
		fprintf(stderr, "warning: export %s\n", json_string_value(f));
	json_decref(o.warnings);
	if (cli->json) {
		char *s = ba_json_canonical(written);
		printf("%s\n", s);
		free(s);
	} else {
		json_array_foreach(written, i, f)
			printf("wrote %s\n", json_string_value(f));
	}
	json_decref(written);
	return BA_EXIT_OK;
}
