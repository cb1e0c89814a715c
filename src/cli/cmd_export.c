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
	.usage = "benchagent export BENCH_DIR [--format FORMAT|all] [--model M] [-o DIR]",
	.help = "Reads BENCH_DIR/items.jsonl (a folder written by `benchagent build`) and writes\n"
		"it in FORMAT (listed below). Default format: all: every format that applies;\n"
		"one that does not (lm-eval on an image-only benchmark) is skipped with a\n"
		"warning. Output goes to BENCH_DIR/exports/<format>/ (written aside and renamed\n"
		"into place whole) unless -o DIR (only with a single format). --model names the\n"
		"model of openai-batch request lines (default gpt-4o-mini). Choice answers are\n"
		"converted between letter, index and text exactly; an answer that matches no\n"
		"option is an error. See docs/export.md.\n",
	.exec = exec_export,
	.help_tables = formats_help,
};

static int exec_export(ba_cli *cli, int argc, char **argv)
{
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	const char *format = "all", *model = NULL;
	json_t *written = NULL, *f;
	char *pos[1];
	int npos, ec;
	size_t i;
	const ba_opt opts[] = {
		{ "format", 'f', 1, &format, NULL },
		{ "model", 'm', 1, &model, NULL },
		{ NULL, 0, 0, NULL, NULL },
	};

	if (ba_cli_parse(&ba_cmd_export, argc, argv, opts, pos, 1, &npos, &ec))
		return ec;
	if (npos != 1)
		return ba_cli_usage(&ba_cmd_export, "expected one BENCH_DIR");
	if (cli->output && !strcmp(format, "all"))
		return ba_cli_usage(&ba_cmd_export, "-o needs a single --format");
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
