/*
 * prompt_forms.h - what a prompt writes inline (internal to src/exec; the
 * one reader is prompt_forms.c): template slots, and options in each of
 * the pool's forms, one entry point a form. Draft time uses the slots, the
 * lettered lines and the label list (dataset.c, draft.c); tool time the
 * bracket list and the option label (tools_choice.c).
 */
#ifndef BA_EXEC_PROMPT_FORMS_H
#define BA_EXEC_PROMPT_FORMS_H

#include <jansson.h>

/* Fill "<<<field>>>" slots of the string roles in fields from the raw
 * sample (a slot whose text another role shows is removed). */
void ba_exec_fill_slots(json_t *fields, const json_t *raw);
/* Options written as lettered lines at the end of text ("A. ..\nB. ..",
 * optionally followed by "Choose A, B, C, or D."): 1 with *stem (the text
 * before them, caller frees) and *choices (new ref), 0 when there are none. */
int ba_exec_lettered_options(const char *text, char **stem, json_t **choices);
/* A closing sentence listing the allowed answers ("The possible relation
 * types are: AFTER, BEFORE, ..."), the answer among them: 1 with *stem
 * (the text before that sentence) and *choices (the labels), else 0. */
int ba_exec_listed_labels(const char *text, const char *answer, char **stem, json_t **choices);
/* Options as a quoted list inside the text ("The candidate choices are
 * ['a', "b"]."; 2 or more): 1 with *stem (the text before the sentence
 * holding the list, trailing space trimmed, possibly "") and *choices
 * (new ref), else 0 with both NULL. */
int ba_exec_bracket_choices(const char *text, char **stem, json_t **choices);
/* The label of option `want` at p ("A. ", "A) " or "(A) "): the text
 * after it, or NULL when p does not start with that label. */
const char *ba_exec_option_label(const char *p, char want);

#endif
