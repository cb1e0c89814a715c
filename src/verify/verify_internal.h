/*
 * verify_internal.h - what the verify module's files share (nothing of it
 * is public API; the public view is include/benchagent/verify.h).
 */
#ifndef BA_VERIFY_INTERNAL_H
#define BA_VERIFY_INTERNAL_H

#define BA_LOG_MODULE "verify"
#include "benchagent/log.h"
#include "benchagent/verify.h"

#include <stddef.h>

/* answer.c: words in a normalised (space-separated) text */
size_t ba_verify_word_count(const char *norm);

/* visible.c: 1 pass, 0 fail (reason filled), -1 not applicable */
int ba_verify_check_leakage(const json_t *item, char *reason, size_t rlen);
int ba_verify_check_distractors(const json_t *item, char *reason, size_t rlen);

#endif
