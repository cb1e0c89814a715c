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
	int max_tokens;         /* openai-batch / lm-eval generation cap (0: 512; a reasoning model's
				   openai-batch body: none unless set, then max_completion_tokens) */
	json_t *warnings;       /* optional array: "all" appends one line per format skipped
				   because it does not apply (e.g. lm-eval, image items only) */
	int reasoning;          /* openai-batch: 1 the model is an OpenAI reasoning model (the body
				   has no temperature and no max_tokens), 0 it is not (temperature 0,
				   max_tokens), -1 by its name (ba_export_reasoning_model; default) */
} ba_export_opts;

#define BA_EXPORT_OPTS_INIT { NULL, NULL, NULL, 0, NULL, -1 }

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

/* 1 when model (an OpenAI model name; a "provider/" prefix and a
 * fine-tune's "ft:" are skipped) is a reasoning model, which rejects
 * temperature other than 1 and max_tokens (it takes max_completion_tokens,
 * which counts its reasoning tokens too): o1, o3, o4-mini, ... (o and a digit),
 * gpt-5 and later gpt-N but not their -chat models, codex-mini. */
int ba_export_reasoning_model(const char *model);

/* Zero-based index of the correct option of a choice item: the answer as a
 * letter (A..), an integer index, else the option whose text equals the
 * answer exactly. -1 if none. */
int ba_export_answer_index(const json_t *item);

#endif
