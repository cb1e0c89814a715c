/*
 * score.h - the one answer comparison (docs/evaluation.md "Scoring").
 *
 * Every place that decides whether an answer matches an item's key goes
 * through here: eval (after ba_eval_extract took the answer out of the
 * reply), gen check (a generator's own answer, wrong answers, and the
 * independent solver's answer), the Lua util.verify every generator uses
 * (registered into the sandbox as the C function `score`), and exports.
 *
 * The scorers are one table (scorers.c): a new scorer is one function and
 * its ba_scorer (in a file of its own or score.c) plus one table line. Which scorer an item uses: item.scorer when it names one,
 * else "choice" when the item has choices, else by answer_type (numeric,
 * binary; everything else "text").
 *
 * Item fields the scorers read (docs/item-format.md): answer, choices,
 * answer_type, scorer, tolerance (absolute), rel_tolerance (relative),
 * aliases (other accepted strings for text answers).
 */
#ifndef BA_SCORE_H
#define BA_SCORE_H

#include <jansson.h>
#include <stddef.h>

#include "benchagent/error.h"

/* A scorer compares an already-extracted answer with the key (gold, the
 * item's answer as text) and returns 1 (match) or 0. */
typedef int (*ba_score_fn)(const json_t *item, const char *gold, const char *answer);

typedef struct ba_scorer {
	const char *name;     /* "choice", "numeric", ... (item.scorer) */
	const char *how;      /* what ba_score_item reports as *how */
	ba_score_fn fn;
	const char *doc;      /* one line: what counts as equal */
} ba_scorer;

size_t ba_score_count(void);
const ba_scorer *ba_score_at(size_t i);                 /* NULL past the end */
const ba_scorer *ba_score_find(const char *name);       /* NULL when unknown */

/* The scorer item uses (never NULL). */
const ba_scorer *ba_score_for(const json_t *item);

/* Compare answer (already extracted from a reply) with item's key.
 * *score is 0 or 1; *how (optional, static) names the scorer. Fails with
 * BA_EINVAL when the item has no string/number/boolean answer (message
 * names the item id) or names an unknown scorer. */
int ba_score_item(const json_t *item, const char *answer, double *score, const char **how,
		  ba_error *err);

/* Lower-case words (letters, digits, UTF-8), decimals kept ("3.5"),
 * punctuation dropped, the articles a/an/the dropped, single spaces.
 * Caller frees; never NULL. */
char *ba_score_normalize(const char *s);

/* A number as written in answers: "1,234.5", "$3", "50%", "3/4", "2 1/2",
 * "\frac{3}{4}", "-2e3". 0 and *out, or BA_EINVAL. */
int ba_score_parse_number(const char *s, double *out);

/* The last number-like token in s ("-3", "1,234.5", "3/4", "2e5"):
 * 1 with *start and *len pointing into s, 0 when s has none. */
int ba_score_last_number(const char *s, const char **start, size_t *len);

/* The option index (0-based) an answer names as a letter among n options:
 * "B", "(B)", "B)", "B.", "b)", "Option B", "B: text"; -1 when none. */
int ba_score_letter(const char *s, size_t n);

/* The option (0-based) of item.choices whose normalised text equals the
 * normalised answer; -1 when none does. */
int ba_score_option_index(const json_t *item, const char *answer);

/* The yes/no policy for binary answers: the first word of the answer,
 * normalised; yes, true, correct, valid -> 1; no, false, incorrect,
 * invalid -> 0; anything else (also "y", "n", "1", "0") -> -1. */
int ba_score_yesno(const char *s);
/* Those words as pairs, the positive first: yes/no (what eval's instruction
 * asks), true/false, correct/incorrect, valid/invalid. The exports write a
 * binary key in the pair its question names. */
#define BA_SCORE_YESNO_PAIRS 4
extern const char *const ba_score_yesno_words[BA_SCORE_YESNO_PAIRS][2];

#endif
