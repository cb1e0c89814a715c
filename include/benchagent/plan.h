/*
 * plan.h - the planner: query -> analysis -> design <-> grounding ->
 * allocation -> plan (docs/plan-format.md). Mission steps 1-4.
 *
 * Every stage runs through the store's stage model under the caller's run
 * (ba_stage_run), so an unchanged rerun reuses every stage and an
 * interrupted run resumes after the last finished stage. Every model call
 * goes through the gateway (cached). Configuration sections:
 *   design:     {max_subtasks (6), max_steps (12)}
 *   grounding:  {weights: {alignment .45, coverage .35, simplicity .10,
 *                risk .10}, blend (.7), accept_threshold (.53),
 *                max_rounds (4), candidates (3), max_steps (6)}
 *   allocation: {max_rounds (3), max_steps (4)}
 */
#ifndef BA_PLAN_H
#define BA_PLAN_H

#include <jansson.h>
#include <stdint.h>

#include "benchagent/config.h"
#include "benchagent/error.h"
#include "benchagent/gen.h"
#include "benchagent/llm.h"
#include "benchagent/pool.h"
#include "benchagent/query.h"
#include "benchagent/store.h"

/* The executor's tools as the planner sees them. The planner keeps no
 * list of its own: the executor registers its one tool table (copied;
 * src/exec/tools.c) when it is linked in, and the planner reads only that
 * (docs/planner.md). A conversion tool names the modality it reads and the
 * one it produces (e.g. text -> audio); the modality rule of grounding
 * accepts exactly these conversions. planner = 1 for a tool the grounding
 * agent is offered by name for its transformations (note: what it is told
 * besides the name, or NULL); a conversion comes to it through a
 * candidate's "via" instead. Thread-safe; a new registration replaces the
 * last. */
typedef struct ba_plan_tool_info {
	const char *name;
	const char *consumes;
	const char *produces;
	int planner;
	const char *note;
} ba_plan_tool_info;
void ba_plan_register_tools(const ba_plan_tool_info *tools, size_t n);
/* 1 when name is a registered tool: the only steps a transformation may
 * list (checked by the grounding agent and ba_plan_validate). */
int ba_plan_tool_known(const char *name);
/* The tools offered to the grounding agent, in table order:
 * "context_construction, question_rewrite, ..." with each note in
 * parentheses when notes is 1 (new string, "" when none is registered). */
char *ba_plan_tool_list(int notes);
/* The executor's feasibility check (ba_exec_plan_feasibility), registered
 * when the executor is linked in: the planner dry-builds its accepted
 * (subtask, source) pairs with it and sends a pair that cannot build back
 * to grounding. fn gets a plan-shaped document and sets *problems to
 * [{subtask, source, reason}]. NULL while no executor is linked. */
typedef int (*ba_plan_feasible_fn)(const ba_config *cfg, const json_t *plan, json_t **problems,
				   ba_error *err);
void ba_plan_register_feasibility(ba_plan_feasible_fn fn);
/* [{tool, from, to}] of the registered conversion tools (new ref). */
json_t *ba_plan_conversions(void);

/* The grounding agent's retrieval, for `cards search` and tests: add the
 * generators to the pool's retrieval documents and index them (gens and
 * st may be NULL) ... */
int ba_plan_sources_index(ba_pool *pool, ba_gen_registry *gens, ba_store *st, ba_gateway *gw,
			  const ba_config *cfg, ba_error *err);
/* ... then rank datasets and generators for a request or subtask text:
 * the retrieval preferences derived from it (modalities from the text
 * when NULL), the hybrid score and the modality rule with conversions.
 * New ref: ba_pool_retrieve's hits (+ "via": [{tool, from, to}] when the
 * source needs a conversion tool), at most k. */
json_t *ba_plan_search(ba_pool *pool, const char *text, const json_t *modalities, size_t k);

/* Make a plan. gw, st and cfg are required; the pool is cfg->pools. The
 * plan (new ref in *plan) satisfies docs/plan-format.md: quotas sum to
 * target_size unless rationale.allocation says why not, every quota has
 * an accepted grounding, no source is over capacity. Fails with BA_EINVAL
 * on a bad query, BA_ENOTFOUND when the pool is empty and no generator
 * exists, BA_EBUDGET when the budget stops the run (rerun to resume). */
int ba_plan_make(ba_gateway *gw, ba_store *st, const ba_config *cfg, const json_t *query,
		 int64_t run_id, json_t **plan, ba_error *err);

/* Check a plan document against the format rules (shape, referential
 * integrity, sums, capacities, transformation tools). 0 or BA_EINVAL
 * naming the first problem ("quotas[2].count: ..."). */
int ba_plan_validate(const json_t *plan, ba_error *err);

/* Ask the model (role "generator") to write a Lua generator for a subtask
 * no source covers; the program must pass gen check (200 runs, scratch
 * sandbox) and the checker's failures are fed back, up to attempts times.
 * On success *source (new ref) is a plan source {id "gen:<name>", kind
 * generator, generator, name, capacity null, written_by "agent", lua,
 * sha256, attempts}; history (optional) gets one entry per attempt.
 * Fails with BA_ESCHEMA when no attempt passed, or the gateway's error. */
int ba_plan_write_generator(ba_gateway *gw, const json_t *subtask, int attempts, int64_t run_id,
			    json_t **source, json_t *history, ba_error *err);

/* Register the planner's mock responders (roles query, design, grounding,
 * allocation) so `--provider mock` makes a sensible plan. Idempotent;
 * call before creating the gateway. */
void ba_plan_register_mocks(void);

/* The planner's no-model mode (src/agent/offline.c): map query to the
 * verified generators of reg by BM25 (ba_plan_offline), as the stored
 * stage "plan_offline" of run_id (reused while the query and generator
 * versions are the same), then ba_plan_validate. Unless force, a request
 * whose best generator scores below generators.min_score is refused with
 * a way forward. *plan is the caller's. */
struct ba_gen_registry;
int ba_plan_make_offline(struct ba_gen_registry *reg, ba_store *st, const ba_config *cfg, const json_t *query,
			 int64_t run_id, int force, json_t **plan, ba_error *err);
/* Its one decision (src/agent/offline_map.c): map a query {id,
 * description, target_size} to generators and write a plan in the
 * docs/plan-format.md shape (sources kind generator, capacity null, quotas
 * over matched generators x difficulty levels, summing to target_size).
 * Deterministic. *plan is a new reference. Fails with BA_EINVAL on a bad
 * query (message names the field) or when no generator matches. */
int ba_plan_offline(const struct ba_gen_registry *reg, const json_t *query, json_t **plan, ba_error *err);

#endif
