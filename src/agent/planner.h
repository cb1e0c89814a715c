/*
 * planner.h - state shared by the planner's stages (query analysis,
 * design, grounding, allocation, plan assembly and the mock responders).
 */
#ifndef BA_PLANNER_INTERNAL_H
#define BA_PLANNER_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "benchagent/agent.h"
#include "benchagent/config.h"
#include "benchagent/gen.h"
#include "benchagent/llm.h"
#include "benchagent/plan.h"
#include "benchagent/pool.h"
#include "benchagent/store.h"

typedef struct planner {
	ba_gateway *gw;
	ba_store *st;
	const ba_config *cfg;
	int64_t run_id;
	ba_pool *pool;
	ba_gen_registry *gens;     /* may be NULL */
	json_t *capacity;          /* source id -> capacity (int or null), memo */
	/* configuration */
	double w_align, w_cov, w_simp, w_risk, blend, threshold;
	int g_rounds, a_rounds, ncand, max_subtasks, design_steps, grounding_steps;
	int write_generators;      /* ask the model for a generator when nothing grounds a subtask */
	int write_attempts;
	int scored;                /* candidates shown to the scorer (grounding.scored, 8) */
	int allow_unrelated;       /* grounding.allow_unrelated: fill unfit subtasks anyway */
	double request_floor;      /* grounding.request_floor: least alignment with the request */
	double align_floor;        /* grounding.alignment_floor: least alignment with the subtask */
	double ds_align_floor;     /* grounding.dataset_alignment_floor: the same for a dataset */
	double gen_request_floor;  /* grounding.generator_request_floor: a generator's request floor */
	ba_retrieval_weights rw;   /* grounding.retrieval weights */
} planner;

/* Stage functions: input JSON -> output JSON (new ref). ud is the planner. */
int ba_planner_analysis(void *ud, const json_t *input, json_t **output, ba_error *err);
int ba_planner_design(void *ud, const json_t *input, json_t **output, ba_error *err);
int ba_planner_grounding(void *ud, const json_t *input, json_t **output, ba_error *err);
int ba_planner_allocation(void *ud, const json_t *input, json_t **output, ba_error *err);

/* Candidate sources for a subtask: [{source, kind, dataset_id|generator,
 * name, description, modalities, fields, capacity, retrieval}] best first. */
json_t *ba_planner_candidates(planner *p, const json_t *subtask, const json_t *prefs,
			      const char *extra_query, size_t k);
/* Usable samples of a source id ("ds:<id>" -> min(card size, resolvable
 * samples); "gen:<name>" -> null). New ref; NULL when the source is unknown. */
json_t *ba_planner_capacity(planner *p, const char *source);
/* Blend of the four scores and the model's overall score. */
double ba_planner_final_score(const planner *p, double align, double cov, double simp,
			      double risk, double overall);

/* Allocation arithmetic: check quotas against pairs [{subtask, source,
 * capacity}] and target; problems (new ref array of strings). */
json_t *ba_alloc_check(const json_t *pairs, const json_t *quotas, long target);
/* Deterministic repair: keep valid quotas, clamp to capacities, fill or
 * trim to target balancing subtasks. New ref array of quotas. *note gets a
 * sentence when the target cannot be met (free it), else NULL. */
json_t *ba_alloc_repair(const json_t *pairs, const json_t *subtasks, const json_t *quotas,
			long target, char **note);

/* Mock helpers shared with mock.c. */
json_t *ba_planner_keywords(const char *text, size_t max);
/* The capabilities a request asks for, as the design mock reads them
 * (mock_clauses.c): [{clause, topic: [the topic words that go with it]}].
 * New ref; empty when the request has no clause. */
json_t *ba_planner_clauses(const char *desc);

/* retrieve.c / prefs.c: modalities a text asks for ([text, image?,
 * audio?], new ref); the modality rule (*via: conversions needed); the
 * registered tool converting from -> to (new string or NULL). */
json_t *ba_planner_text_modalities(const char *text);
/* 1 for a word that only says how an input is presented ("image",
 * "picture", "shown", "spoken", "audio" ...): the modality rule handles
 * those; as topic words they would favour every visual (spoken) source. */
int ba_planner_presentation_word(const char *w);
int ba_plan_modality_fit(const json_t *want, const json_t *have, const json_t *convert, json_t **via);
char *ba_plan_conversion(const char *from, const char *to);
/* Retrieval preferences of a subtask: derived (deterministic, what the
 * mock answers) or asked from the model (role "retrieval"). New refs. */
json_t *ba_planner_prefs_derive(const json_t *subtask, const json_t *conversions);
int ba_planner_prefs(planner *p, const json_t *subtask, const json_t *request, json_t **out,
		     ba_error *err);
json_t *ba_planner_query(const json_t *subtask, const json_t *prefs, const char *extra);
json_t *ba_plan_retrieve(ba_pool *pool, const json_t *subtask, const json_t *prefs, const char *extra,
			 const ba_retrieval_weights *w, size_t k);

#endif
