/*
 * export_internal.h - what the exporters share.
 */
#ifndef BA_EXPORT_INTERNAL_H
#define BA_EXPORT_INTERNAL_H

#include "benchagent/buf.h"
#include "benchagent/export.h"

typedef struct ba_export_ctx {
	const ba_export_opts *opts;
	const char *id;          /* benchmark id (sanitized) */
	const char *out_dir;     /* where files are written now (a temporary folder) */
	const char *final_dir;   /* absolute path the folder gets once complete */
	json_t *items;           /* every item of items.jsonl */
	json_t *written;         /* files written so far (paths under final_dir) */
} ba_export_ctx;

typedef struct ba_exporter {
	const char *name;
	const char *summary;
	/* optional: 0 when the format applies to these items, else a one-line
	 * reason in why (e.g. lm-eval on an image-only benchmark) */
	int (*applies)(const ba_export_ctx *ctx, char *why, size_t n);
	int (*run)(ba_export_ctx *ctx, ba_error *err);
} ba_exporter;

/* The exporters, NULL-terminated, in the order "all" runs them (exporters.c). */
extern const ba_exporter *const ba_exporters[];

/* Write text to out_dir/name atomically and record it. */
int ba_export_put(ba_export_ctx *ctx, const char *name, const char *text, size_t len, ba_error *err);
/* Append one compact JSON line to b. */
void ba_export_line(ba_buf *b, const json_t *obj);
/* ba_export_put of a buffer built with unchecked appends: refuses (BA_ELIMIT,
 * nothing written) when any append failed, so no line is dropped silently. */
int ba_export_put_buf(ba_export_ctx *ctx, const char *name, const ba_buf *b, ba_error *err);
/* The question as shown to a model: context, question, lettered options. */
char *ba_export_prompt(const json_t *item, int with_choices);
/* Absolute path of an item's media file inside the benchmark dir, or NULL
 * when the path is unsafe, missing, or resolves (through a symlink) outside
 * the benchmark folder (ba_fs_rel_inside). Caller frees. */
char *ba_export_media_path(ba_export_ctx *ctx, const json_t *media);
/* Copy an item's media file to out_dir/<prefix><its relative path> (the
 * relative structure is kept, so media/a/x.png and media/b/x.png never
 * overwrite each other) and set *rel (caller frees) to that path relative
 * to the export folder. Refuses media outside the benchmark folder. */
int ba_export_copy_media(ba_export_ctx *ctx, const json_t *item, const json_t *media, const char *prefix,
			 char **rel, ba_error *err);
/* The key as the exports write it (caller frees): a choice item's option
 * letter (its answer given as a letter, an index or an option's exact
 * text: ba_export_answer_index); a binary item's word in the pair its
 * question asks for ("true or false" -> true/false; none named -> yes/no,
 * what eval asks); else the answer as text. NULL with BA_EINVAL in err,
 * one line naming the item, for a choice key that matches no option or a
 * binary key that is no yes/no word. */
char *ba_export_key(const json_t *item, ba_error *err);
/* ba_export_answer_index, or BA_EINVAL with that one-line error. */
int ba_export_choice_index(const json_t *item, ba_error *err);
/* 1 when the item is scored as yes/no (ba_score_for: the binary scorer). */
int ba_export_is_binary(const json_t *item);
/* The answer words a binary question names last: 0 yes/no, 1 true/false,
 * 2 correct/incorrect, 3 valid/invalid; -1 none. */
int ba_export_binary_pair(const json_t *item);
/* The positive (yes 1) or negative word of a pair (-1: yes/no). Static. */
const char *ba_export_yes_no(int pair, int yes);
/* A YAML double-quoted scalar (JSON string syntax). Caller frees. */
char *ba_export_yaml_str(const char *s);

#endif
