/*
 * export.h - a built benchmark (out/<id>/) in the formats other harnesses
 * run: Hugging Face JSONL + dataset card, lm-evaluation-harness task YAML,
 * inspect_ai samples, OpenAI batch requests. One table of exporters.
 */
#ifndef BA_EXPORT_H
#define BA_EXPORT_H

#include <jansson.h>
#include <stddef.h>

#include "benchagent/error.h"

typedef struct ba_export_opts {
	const char *bench_dir;  /* out/<id>/ with items.jsonl */
	const char *out_dir;    /* where files go (default <bench_dir>/exports/<format>) */
	const char *model;      /* openai-batch: the "model" of each request (default gpt-4o-mini) */
	int max_tokens;         /* openai-batch / lm-eval generation cap (default 512) */
	json_t *warnings;       /* optional array: "all" appends one line per format skipped
				   because it does not apply (e.g. lm-eval, image items only) */
} ba_export_opts;

#define BA_EXPORT_OPTS_INIT { NULL, NULL, NULL, 512, NULL }

/* The formats, from the one table of exporters (src/report/exporters.c):
 * the name of the i-th ("hf", "lm-eval", "inspect", "openai-batch",
 * "reference": the reference system's evaluation.json), NULL past the
 * last; and all of them as "hf, lm-eval, ..." (static). */
const char *ba_export_format(size_t i);
/* The one-line summary of format i (NULL past the last). */
const char *ba_export_format_summary(size_t i);
const char *ba_export_format_list(void);

/* Export to one format ("all" for every one that applies: the others are
 * skipped with a line in opts->warnings). Each <bench>/exports/<format>/
 * folder is written in a temporary folder and renamed into place whole. *written (optional) gets a
 * JSON array of the files written (new ref). Fails with BA_EINVAL naming
 * the item when an item cannot be converted (e.g. an answer that matches
 * no option: converted, never guessed). */
int ba_export(const char *format, const ba_export_opts *opts, json_t **written, ba_error *err);

/* Zero-based index of the correct option of a choice item: the answer as a
 * letter (A..), else the option whose text equals the answer. -1 if none. */
int ba_export_answer_index(const json_t *item);

#endif
