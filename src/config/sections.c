/*
 * sections.c - the module sections of benchagent.yaml (gateway, execution,
 * verification, evaluation, design, grounding, allocation, generators,
 * review): one table of keys with type, default and range; each section is
 * parsed once into its struct in ba_config. A wrong type or a value out of
 * range is an error "file:line: section.key: message"; an unknown key is a
 * warning with its line. Adding a setting is one struct field plus one
 * line in the table below.
 */
#define BA_LOG_MODULE "config"
#include "config_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/log.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { F_INT, F_I64, F_NUM, F_BOOL, F_AUTOBOOL, F_STR, F_MAP } ftype;

typedef struct field {
	const char *section;   /* "grounding", or "grounding.weights" for a nested mapping */
	const char *key;
	ftype type;
	size_t off;            /* offset in ba_config */
	double def, lo, hi;    /* F_INT/F_NUM: default and inclusive range; F_BOOL: default */
	const char *sdef;      /* F_STR default */
} field;

#define C(m) offsetof(ba_config, m)
#define BIG 9.007199254740992e15 /* 2^53: integers a double holds exactly */

static const field fields[] = {
	{ "gateway", "max_retries", F_INT, C(gateway.max_retries), 5, 0, 100, NULL },
	{ "gateway", "retry_base_ms", F_NUM, C(gateway.retry_base_ms), 500, 0, 600000, NULL },
	{ "gateway", "retry_max_ms", F_NUM, C(gateway.retry_max_ms), 30000, 0, 3600000, NULL },
	{ "gateway", "retry_after_max_s", F_NUM, C(gateway.retry_after_max_s), 120, 0, 86400, NULL },
	{ "gateway", "max_reply_mb", F_NUM, C(gateway.max_reply_mb), 32, 0.001, 1024, NULL },
	{ "gateway", "batch_window_ms", F_NUM, C(gateway.batch_window_ms), 500, 0, 600000, NULL },
	{ "gateway", "batch_poll_s", F_NUM, C(gateway.batch_poll_s), 30, 0, 86400, NULL },
	{ "gateway", "batch_roles", F_STR, C(gateway.batch_roles), 0, 0, 0, "" },
	{ "execution", "workers", F_INT, C(execution.workers), 16, 1, 256, NULL },
	{ "execution", "seed", F_I64, C(execution.seed), 1, 0, BIG, NULL },
	{ "execution", "step_retries", F_INT, C(execution.step_retries), 1, 0, 20, NULL },
	{ "execution", "fallback_role", F_STR, C(execution.fallback_role), 0, 0, 0, "default" },
	{ "execution", "queue", F_AUTOBOOL, C(execution.queue), -1, 0, 1, NULL },
	{ "execution", "lease_s", F_NUM, C(execution.lease_s), 30, 1, 3600, NULL },
	{ "verification", "near_duplicate_threshold", F_NUM, C(verification.near_duplicate_threshold), 0.8, 0, 1, NULL },
	{ "verification", "shingle", F_INT, C(verification.shingle), 3, 1, 16, NULL },
	{ "verification", "replenish_rounds", F_INT, C(verification.replenish_rounds), 2, 0, 20, NULL },
	{ "verification", "inspector", F_BOOL, C(verification.inspector), 1, 0, 1, NULL },
	{ "verification", "repair", F_BOOL, C(verification.repair), 1, 0, 1, NULL },
	{ "evaluation", "resamples", F_INT, C(evaluation.resamples), 1000, 0, 1000000, NULL },
	{ "evaluation", "seed", F_I64, C(evaluation.seed), 1, 0, BIG, NULL },
	{ "evaluation", "level", F_NUM, C(evaluation.level), 0.95, 0.5, 0.9999, NULL },
	{ "evaluation", "window", F_INT, C(evaluation.window), 256, 1, 100000, NULL },
	{ "evaluation", "max_tokens", F_INT, C(evaluation.max_tokens), 0, 0, 10000000, NULL },
	{ "evaluation", "temperature", F_NUM, C(evaluation.temperature), 0, 0, 2, NULL },
	{ "evaluation", "plan_half_width", F_NUM, C(evaluation.plan_half_width), 0.02, 0.001, 0.5, NULL },
	{ "design", "max_subtasks", F_INT, C(design.max_subtasks), 6, 1, 50, NULL },
	{ "design", "max_steps", F_INT, C(design.max_steps), 12, 1, 100, NULL },
	{ "grounding", "weights", F_MAP, 0, 0, 0, 0, NULL },
	{ "grounding.weights", "alignment", F_NUM, C(grounding.w_alignment), 0.45, 0, 1000, NULL },
	{ "grounding.weights", "coverage", F_NUM, C(grounding.w_coverage), 0.35, 0, 1000, NULL },
	{ "grounding.weights", "simplicity", F_NUM, C(grounding.w_simplicity), 0.10, 0, 1000, NULL },
	{ "grounding.weights", "risk", F_NUM, C(grounding.w_risk), 0.10, 0, 1000, NULL },
	{ "grounding", "blend", F_NUM, C(grounding.blend), 0.7, 0, 1, NULL },
	{ "grounding", "accept_threshold", F_NUM, C(grounding.accept_threshold), 0.53, 0, 1, NULL },
	{ "grounding", "max_rounds", F_INT, C(grounding.max_rounds), 4, 1, 20, NULL },
	{ "grounding", "candidates", F_INT, C(grounding.candidates), 3, 1, 6, NULL },
	{ "grounding", "max_steps", F_INT, C(grounding.max_steps), 6, 1, 50, NULL },
	{ "grounding", "scored", F_INT, C(grounding.scored), 8, 1, 20, NULL },
	{ "grounding", "request_floor", F_NUM, C(grounding.request_floor), 0.3, 0, 1, NULL },
	{ "grounding", "alignment_floor", F_NUM, C(grounding.alignment_floor), 0.4, 0, 1, NULL },
	{ "grounding", "generator_request_floor", F_NUM, C(grounding.generator_request_floor), 0.45, 0, 1, NULL },
	{ "grounding", "dataset_alignment_floor", F_NUM, C(grounding.dataset_alignment_floor), 0.45, 0, 1, NULL },
	{ "grounding", "allow_unrelated", F_BOOL, C(grounding.allow_unrelated), 0, 0, 1, NULL },
	{ "grounding", "retrieval", F_MAP, 0, 0, 0, 0, NULL },
	{ "grounding.retrieval", "bm25", F_NUM, C(grounding.r_bm25), 0.5, 0, 1000, NULL },
	{ "grounding.retrieval", "tfidf", F_NUM, C(grounding.r_tfidf), 0.5, 0, 1000, NULL },
	{ "grounding.retrieval", "text", F_NUM, C(grounding.r_text), 0.6, 0, 1000, NULL },
	{ "grounding.retrieval", "meta", F_NUM, C(grounding.r_meta), 0.4, 0, 1000, NULL },
	{ "grounding.retrieval", "roles", F_NUM, C(grounding.r_roles), 0.2, 0, 1, NULL },
	{ "grounding.retrieval", "embedding", F_NUM, C(grounding.r_embedding), 0.5, 0, 1, NULL },
	{ "allocation", "max_rounds", F_INT, C(allocation.max_rounds), 3, 1, 20, NULL },
	{ "generators", "min_score", F_NUM, C(generators.min_score), 8.0, 0, 1e6, NULL },
	{ "generators", "agent_write", F_AUTOBOOL, C(generators.agent_write), -1, 0, 1, NULL },
	{ "generators", "write_attempts", F_INT, C(generators.write_attempts), 3, 1, 10, NULL },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* Sections with no settings yet that the file may still carry. */
static const char *const empty_sections[] = { "review", NULL };

static void *at(ba_config *cfg, const field *f) { return (char *)cfg + f->off; }

static void set_default(ba_config *cfg, const field *f)
{
	switch (f->type) {
	case F_INT: *(int *)at(cfg, f) = (int)f->def; break;
	case F_I64: *(long long *)at(cfg, f) = (long long)f->def; break;
	case F_NUM: *(double *)at(cfg, f) = f->def; break;
	case F_BOOL:
	case F_AUTOBOOL: *(int *)at(cfg, f) = (int)f->def; break;
	case F_STR:
		free(*(char **)at(cfg, f));
		*(char **)at(cfg, f) = ba_strdup(f->sdef);
		break;
	case F_MAP: break;
	}
}

void ba_config_sections_default(ba_config *cfg)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		set_default(cfg, &fields[i]);
}

void ba_config_sections_free(ba_config *cfg)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (fields[i].type == F_STR) {
			free(*(char **)at(cfg, &fields[i]));
			*(char **)at(cfg, &fields[i]) = NULL;
		}
}

/* "must be an integer from 1 to 256" and the like */
static int out_of_range(ba_cfg_ctx *v, const char *path, const field *f, int integer)
{
	char msg[128];

	if (f->hi >= BIG)
		snprintf(msg, sizeof(msg), "must be %s >= %g", integer ? "an integer" : "a number", f->lo);
	else
		snprintf(msg, sizeof(msg), "must be %s from %g to %g", integer ? "an integer" : "a number",
			 f->lo, f->hi);
	return ba_cfg_bad(v, path, msg);
}

static int parse_field(ba_cfg_ctx *v, ba_config *cfg, const field *f, json_t *val)
{
	char *path = ba_asprintf("%s.%s", f->section, f->key);
	int rc = 0;

	if (f->type == F_INT || f->type == F_I64 || f->type == F_NUM) {
		double d = json_number_value(val);
		int integer = f->type != F_NUM;
		if (!json_is_number(val))
			rc = ba_cfg_bad(v, path, integer ? "expected an integer" : "expected a number");
		else if (integer && (d != floor(d) || d < f->lo || d > f->hi))
			rc = out_of_range(v, path, f, 1);
		else if (d < f->lo || d > f->hi || !isfinite(d))
			rc = out_of_range(v, path, f, 0);
		else if (f->type == F_NUM)
			*(double *)at(cfg, f) = d;
		else if (f->type == F_I64)
			*(long long *)at(cfg, f) = json_is_integer(val) ? json_integer_value(val) : (long long)d;
		else
			*(int *)at(cfg, f) = (int)d;
	} else if (f->type == F_BOOL || f->type == F_AUTOBOOL) {
		if (!json_is_boolean(val))
			rc = ba_cfg_bad(v, path, "expected true or false");
		else
			*(int *)at(cfg, f) = json_is_true(val);
	} else if (f->type == F_STR) {
		if (!json_is_string(val) || !json_string_value(val)[0])
			rc = ba_cfg_bad(v, path, "expected a non-empty string");
		else {
			free(*(char **)at(cfg, f));
			*(char **)at(cfg, f) = ba_strdup(json_string_value(val));
		}
	} else if (!json_is_object(val)) {
		rc = ba_cfg_bad(v, path, "expected a mapping");
	}
	free(path);
	return rc;
}

static json_t *section_obj(json_t *root, const char *name)
{
	const char *dot = strchr(name, '.');
	json_t *s;

	if (!dot)
		return json_object_get(root, name);
	{
		char *top = ba_strndup(name, (size_t)(dot - name));
		s = json_object_get(root, top);
		free(top);
	}
	return json_is_object(s) ? json_object_get(s, dot + 1) : NULL;
}

/* One section: type of the section itself, its keys, unknown keys. */
static int parse_section(ba_cfg_ctx *v, ba_config *cfg, json_t *root, const char *name)
{
	json_t *obj = section_obj(root, name), *val;
	const char *k;
	size_t i;
	int rc;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return ba_cfg_bad(v, name, "expected a mapping");
	json_object_foreach(obj, k, val) {
		const field *f = NULL;
		for (i = 0; i < NFIELDS && !f; i++)
			if (!strcmp(fields[i].section, name) && !strcmp(fields[i].key, k))
				f = &fields[i];
		if (!f) {
			char *p = ba_asprintf("%s.%s", name, k);
			BA_WARN("%s:%ld: unknown key '%s' ignored", v->file, ba_cfg_line(v, p), p);
			free(p);
			continue;
		}
		if (json_is_null(val))
			continue;
		if ((rc = parse_field(v, cfg, f, val)) != 0)
			return rc;
	}
	return 0;
}

int ba_config_sections_parse(ba_cfg_ctx *v, ba_config *cfg, json_t *root)
{
	const ba_grounding_cfg *g = &cfg->grounding;
	size_t i, j;
	int rc;

	for (i = 0; i < NFIELDS; i++) {
		for (j = 0; j < i && strcmp(fields[j].section, fields[i].section); j++)
			;
		if (j == i && (rc = parse_section(v, cfg, root, fields[i].section)) != 0)
			return rc;
	}
	for (i = 0; empty_sections[i]; i++)
		if ((rc = parse_section(v, cfg, root, empty_sections[i])) != 0)
			return rc;
	if (g->w_alignment + g->w_coverage + g->w_simplicity + g->w_risk <= 0)
		return ba_cfg_bad(v, "grounding.weights", "the weights must have a positive sum");
	if (g->r_bm25 + g->r_tfidf <= 0 || g->r_text + g->r_meta <= 0)
		return ba_cfg_bad(v, "grounding.retrieval", "bm25 + tfidf and text + meta must be positive");
	return 0;
}

int ba_config_is_section(const char *name)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (!strncmp(fields[i].section, name, strlen(name)) &&
		    (fields[i].section[strlen(name)] == 0 || fields[i].section[strlen(name)] == '.'))
			return 1;
	for (i = 0; empty_sections[i]; i++)
		if (!strcmp(empty_sections[i], name))
			return 1;
	return 0;
}
