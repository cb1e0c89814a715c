/*
 * verify.h - item verification: deterministic checks, near-duplicate
 * detection (MinHash + LSH on word shingles), and the LLM inspector /
 * repair planner / fixer.
 *
 * Every check writes {"verdict": "pass"|"fail"|"skip", "reason": "..."}
 * into the item's qc object under its own name: schema, answer_type,
 * options, distractors, media, leakage, duplicate, options_probe,
 * blind_probe, inspector, repair.
 */
#ifndef BA_VERIFY_H
#define BA_VERIFY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "benchagent/error.h"
#include "benchagent/llm.h"

/* The deterministic per-item checks (schema, answer_type, options, media,
 * leakage) on item (items.jsonl shape or a draft). subtask (borrowed, may
 * be NULL) supplies the schema's required fields. Sets qc entries on
 * qc (an object). Returns the number of failed checks. */
int ba_verify_item(const json_t *item, const json_t *subtask, json_t *qc);

/* One check by name ("schema", "answer_type", "options", "distractors",
 * "media", "leakage"): 1 pass, 0 fail, -1 not applicable; reason (optional) gets a
 * short static or buffer-copied explanation. */
int ba_verify_check(const char *name, const json_t *item, const json_t *subtask, char *reason,
		    size_t rlen);

/* Lower-case, strip punctuation, collapse whitespace. Caller frees. */
char *ba_verify_normalize(const char *s);
/* ba_verify_normalize after folding accented Latin letters to their base
 * letter ("Sérgio_Müller" -> "sergio muller"): what leakage compares.
 * Caller frees. */
char *ba_verify_fold(const char *s);
/* The kind of a value as the distractor check sees it: "number" (also
 * 3/4, 50%, $4, 3:45, 12 cm), "date" (a year, decade or month within six
 * words), "sentence" (7+ words, or 4+ ending in . ! ?), else "entity".
 * Static string. */
const char *ba_verify_value_kind(const char *s);

/* The text of the correct option of a draft (borrowed from it) or the
 * answer itself; NULL when none. */
const char *ba_draft_answer_text(const json_t *draft);
/* Letter index of "A".."Z" style answers (also "(b)", "B.", "b"), or -1. */
int ba_letter_index(const char *s);

/* ---- near duplicates ---- */

#define BA_MINHASH_K 64

typedef struct ba_minhash {
	uint32_t h[BA_MINHASH_K];
	size_t nshingles;
} ba_minhash;

/* Signature of text's word shingles of `shingle` words (texts shorter
 * than that use one shingle of all words). */
void ba_minhash_compute(ba_minhash *mh, const char *text, int shingle);
/* Estimated Jaccard similarity. */
double ba_minhash_similarity(const ba_minhash *a, const ba_minhash *b);

/* Mark duplicates among items (an array, processed in order: the first of
 * a group stays). Two items are duplicates when their normalised text
 * (question + context + choices) and media are equal, or, with the same
 * media, their MinHash similarity reaches threshold (LSH banding finds the
 * candidates; the similarity is then confirmed on the signatures).
 * dup_of[i] is set to the index of the kept item, or -1. Returns the number
 * of duplicates. */
size_t ba_verify_dedup(const json_t *items, double threshold, int shingle, long *dup_of);

/* The same rule one item at a time, for builds that redraw on a duplicate
 * (the generator units): ba_dedup_add returns the index (in add order) of
 * the kept item that item duplicates, or -1 after keeping it. threshold
 * above 1 keeps the exact rule only (normalised text and media equal). */
typedef struct ba_dedup ba_dedup;
int ba_dedup_new(ba_dedup **out, double threshold, int shingle);
long ba_dedup_add(ba_dedup *d, const json_t *item);
void ba_dedup_free(ba_dedup *d);

/* ---- LLM inspector, repair planner, fixer ---- */

typedef struct ba_inspect_opts {
	int64_t run_id;
	int repair;               /* try repair + fix on an inspector failure */
	const json_t *subtask;    /* borrowed */
	const char *media_root;   /* where item media paths resolve (workspace) */
	int can_wait;             /* calls may batch: the call fails with BA_EPENDING until a
				   * ba_gateway_batch_round() answered it (then ask again) */
} ba_inspect_opts;

/* Ask the inspector (role inspect) about item; on a fail and with
 * opts->repair, ask the repair planner (role repair) and the fixer (role
 * fix). A fix that changes the substance (answer, correct option text, the
 * key fact) is refused. Sets qc.inspector and qc.repair; *fixed (optional)
 * gets the repaired item (new ref) when a repair was accepted. Returns 1
 * when the item passes (possibly after repair), 0 when rejected, or a
 * negative code when the gateway failed (err says why). mock (optional)
 * is set when a reply came from the mock provider; models (optional array)
 * gets the models used appended. */
int ba_verify_inspect(ba_gateway *gw, const ba_inspect_opts *opts, const json_t *item, json_t *qc,
		      json_t **fixed, int *mock, json_t *models, ba_error *err);

/* Whether a repaired item keeps the original's substance: same answer
 * type, same answer, same correct option text (normalised), key fact
 * (answer text) still present wherever it was. 1 keeps, 0 changes
 * (reason says what). */
int ba_verify_same_substance(const json_t *orig, const json_t *fixed, char *reason, size_t rlen);

/* ---- why units did not become items (reasons.c) ---- */

/* Count one failure into reasons (an object "check: reason" -> count).
 * The parts of reason that vary per item (quoted text, numbers, unit
 * keys) are masked, so like failures group into one entry. */
void ba_verify_count_reason(json_t *reasons, const char *check, const char *reason);
/* Count the first failed check of an item's qc object. */
void ba_verify_count_qc(json_t *reasons, const json_t *qc);
/* The n most frequent entries of reasons as [{reason, count}], most
 * frequent first (ties by text). New ref. */
json_t *ba_verify_top_reasons(const json_t *reasons, size_t n);

/* The prompts the inspector, repairer and fixer use, NULL-terminated:
 * verify_inspect.txt, verify_repair.txt, verify_fix.txt, verify_probe.txt (builds record
 * their versions). */
extern const char *const ba_verify_prompts[];

#endif
