/*
 * exec.h - the executor: from an accepted plan to a verified benchmark on
 * disk (mission steps 5-6).
 *
 * ba_exec_build() expands the plan's quotas into (source, subtask, index)
 * work units, picks source samples without replacement (seeded), gives each
 * a step list of tool calls checked against the grounding's transformation
 * plan, runs the steps on a worker-thread pool through the gateway, verifies
 * every item (see verify.h), replenishes short subtasks, and writes
 * out/<id>/ with ba_benchout_write(). Every unit's state and every tool
 * output live in the store, so a rerun (or a run after kill -9) skips
 * finished work and produces the same benchmark.
 *
 * The tool table (one table, name + kind + argument schema + handler) and
 * the sample planning are public for tests and the docs.
 */
#ifndef BA_EXEC_H
#define BA_EXEC_H

#include <jansson.h>
#include <stdint.h>

#include "benchagent/config.h"
#include "benchagent/error.h"
#include "benchagent/llm.h"
#include "benchagent/store.h"

/* ---- the build ---- */

/* Run execution + verification for plan (plan-format.md) under run_id and
 * write the benchmark to outdir (the benchmark folder itself, e.g.
 * out/<query id>). gw may be NULL only when every source is a generator.
 * *manifest (optional) receives a new reference to the manifest's
 * "executor" section (counts, acceptance per check, rounds, shortfalls).
 * Config: section `execution:` {workers (16), seed (plan.seed or 1), step_retries (1),
 * fallback_role ("default")}, section `verification:` {near_duplicate_threshold
 * (0.8), shingle (3), replenish_rounds (2), inspector (true), repair (true)}.
 * Fails with BA_EINVAL naming the plan field at fault, BA_EBUDGET when the
 * budget stops the run (state is kept: rerun to resume). */
int ba_exec_build(ba_gateway *gw, ba_store *st, const ba_config *cfg, const json_t *plan,
		  int64_t run_id, const char *outdir, json_t **manifest, ba_error *err);
/* ba_exec_build with options (w NULL: none):
 * - gate: the audit gate (build --audit, docs/audit.md): every unit
 *   verification accepted is judged by gate's panel and rejected (check
 *   "audit") when its weakest criterion's panel mean is below the
 *   threshold; replenishment rounds make new units in place of the
 *   rejected ones. Without a gate, units rejected by an earlier gate alone
 *   are taken back. The manifest gets "audit_gate".
 * - reg: the generators of the plan's generator sources (borrowed; NULL:
 *   the built-ins plus those the plan carries as source).
 * - no_item_models: no model makes or inspects an item (the no-model
 *   build: gw, when given, serves the gate's judges alone).
 * A generator source's units are units like a dataset's: each unit's
 * draft is the generator's first draw (of up to 50) that passes its schema
 * and its own verify() and duplicates no earlier unit's item (drawn again
 * in place); they then take the same steps, verification, gate,
 * duplicate check and replenishment as every unit (docs/executor.md). */
struct ba_audit_gate_opts;
struct ba_gen_registry;
typedef struct ba_exec_build_with {
	const struct ba_audit_gate_opts *gate;
	struct ba_gen_registry *reg;
	int no_item_models;
} ba_exec_build_with;
int ba_exec_build_with_opts(ba_gateway *gw, ba_store *st, const ba_config *cfg, const json_t *plan, int64_t run_id,
			    const char *outdir, const ba_exec_build_with *w, json_t **manifest, ba_error *err);

/* The whole build for the CLI: doc is a query {id, description,
 * target_size} or a plan (it has "subtasks" and "quotas": validated with
 * ba_plan_validate, then built as it is). With a model configured (or a
 * plan naming datasets, or --provider mock with a pool) the planner runs
 * (ba_exec_build_model: the gateway gets the mock responders of the
 * planner and executor); otherwise, or with o->offline, the planner's
 * no-model mode (ba_exec_build_offline: generator sources only). Either
 * plan is built by ba_exec_build_with_opts (the no-model one with
 * no_item_models). Opens the run ("build", query id), writes
 * <outroot>/<id>/, records the outcome for `status` and sets the run's
 * status ("done", "short" when fewer items than the target, "failed").
 * *summary (caller's): {mode ("model" | "offline"), benchmark, out, items,
 * target (the quota total), target_size, per_subtask (subtasks with
 * items), subtasks: {id: {name, items, quota, exhausted, sources}},
 * failures: [{reason, count}] (top 5), checks (the acceptance per check),
 * generated, reused (items made by this build and reused from the store),
 * unit_status, plan_mock, cost_usd, llm_calls, llm_sent, llm_cached,
 * prompt_tokens, completion_tokens}. */
typedef struct ba_exec_build_opts {
	const char *outroot;       /* default "out" */
	int dry_run;
	int no_cache;
	int batch_api;             /* --batch-api: execution, verification and gate calls batch */
	uint64_t seed;
	int seed_set;              /* override the plan's seed */
	int offline;               /* the no-model path even when a model is configured */
	int provider_mock;         /* --provider mock: with a pool, the model path on the mock */
	const char *gen_dir;       /* extra generators (*.lua) for the no-model path */
	/* build --audit: judges ("provider/model") gate every item; 0 judges = no gate */
	const char *const *audit_judges;
	size_t naudit_judges;
	double audit_threshold;    /* pass: every criterion's panel mean >= this (0..100) */
} ba_exec_build_opts;

#define BA_EXEC_BUILD_OPTS_INIT { 0 }

int ba_exec_build_doc(const ba_config *cfg, ba_store *st, const json_t *doc, const ba_exec_build_opts *o,
		      json_t **summary, ba_error *err);
int ba_exec_build_model(const ba_config *cfg, ba_store *st, const json_t *doc, const ba_exec_build_opts *o,
			json_t **summary, ba_error *err);
int ba_exec_build_offline(const ba_config *cfg, ba_store *st, const json_t *doc, const ba_exec_build_opts *o,
			  json_t **summary, ba_error *err);
/* What a plan asks for: the sum of its quotas' counts. */
long ba_exec_quota_total(const json_t *plan);
/* The run status an outcome summary means: "done", or "short" when it
 * made fewer items than its target (the plan's quota total). */
const char *ba_exec_outcome_status(const json_t *summary);
/* Store / read back a build's outcome {made, target, subtasks, failures}
 * for `status` (kv "outcome:<run id>"). get: new ref or NULL. */
void ba_exec_outcome_record(ba_store *st, int64_t run_id, const json_t *summary);
json_t *ba_exec_outcome_get(ba_store *st, int64_t run_id);
/* Whether a JSON document is a plan (has "subtasks" and "quotas"). */
int ba_exec_doc_is_plan(const json_t *doc);

/* Whether a plan can build, before any paid call: up to per_quota units of
 * every quota are built dry (the real first draft, the pure tools, the LLM
 * tools replaced by placeholders of the fields they own; no model, no
 * store) and checked for what no model step changes: the schema's required
 * fields, the answer type against the subtask's, the options, the media.
 * *problems (new ref) gets [{quota, subtask, source, reason}] for every
 * quota most of whose dry units fail; reason is one line naming the quota,
 * subtask, source and the first failure (half or more failing: rejected). Errors only for a broken plan or
 * generator registry. Dataset sources need cfg->pools. */
#define BA_EXEC_FEASIBLE_UNITS 4
int ba_exec_plan_feasibility(const ba_config *cfg, const json_t *plan, int per_quota, json_t **problems,
			     ba_error *err);

/* ba_exec_plan_feasibility as a gate: 0 when every quota can build, else
 * BA_EINVAL with the first problem's line in err (the others are logged
 * as warnings). gen_dir (or NULL): generators besides the built-ins
 * (build --gen-dir). */
int ba_exec_plan_check(const ba_config *cfg, const json_t *plan, const char *gen_dir, ba_error *err);

/* Register the executor's and verifier's mock responders (roles realize,
 * inspect, repair, fix) so an offline mock run makes sensible items.
 * Idempotent; call before creating the gateway. */
void ba_exec_register_mocks(void);

/* ---- sample planning ---- */

/* Load the samples of a dataset source: the card <dataset_id>_card.json in
 * one of the pools, its raw_meta.source_json, every sample's role fields
 * resolved (meta.fields.<role>.paths or the grounding's field_map) and
 * media paths resolved against the dataset folder. *out = {"dataset_id",
 * "dir", "samples": [{"sample_id", "fields": {role: value}, "image": abs
 * path or null, "image_missing": bool}]}, caller's reference. */
int ba_exec_dataset_load(const char *const *pools, size_t npools, const char *dataset_id,
			 const json_t *field_map, json_t **out, ba_error *err);

/* Expand the plan's quotas into work units: a new array of
 * {key, slot, subtask, source, quota, index, ordinal, difficulty, seed} with index
 * 0..count-1 per quota (plus `extra` more per quota index when given, for
 * replenishment: extra is an object quota-number -> additional count).
 * ordinal is the unit's position within its subtask (balances choice
 * positions). The key holds a hash of the unit's recipe (subtask, source,
 * grounding transformation and field_map, difficulty range): editing it
 * gives new keys, so those units are rebuilt; slot (subtask|source|quota|
 * index) keeps their sample. Fails with BA_EINVAL naming the quota at fault. */
int ba_exec_expand(const json_t *plan, uint64_t seed, const json_t *extra, json_t **units,
		   ba_error *err);

/* Sample order for a source: a seeded permutation of 0..n-1 (caller frees).
 * Units of one source consume it in order, so samples never repeat. */
size_t *ba_exec_sample_order(const char *source_id, size_t n, uint64_t seed);

/* Check a proposed step list [{tool, args}] against a grounding's
 * transformation [{tool, purpose}]: every tool must exist in the table, be
 * listed in the transformation, keep its order, and have valid args.
 * 0 when acceptable, else BA_EINVAL with the reason in err. */
int ba_exec_steps_check(const json_t *steps, const json_t *transformation, ba_error *err);
/* The deterministic default step list of a transformation (new ref). */
json_t *ba_exec_steps_default(const json_t *transformation);

/* ---- tools ---- */

typedef enum { BA_TOOL_PURE = 0, BA_TOOL_LLM = 1 } ba_tool_kind;

/* What a tool sees besides its arguments and input item. */
typedef struct ba_tool_ctx {
	ba_gateway *gw;          /* LLM tools */
	ba_store *st;            /* media + memo; may be NULL for pure text tools */
	int64_t run_id;
	uint64_t seed;           /* per unit and step */
	long ordinal;            /* unit position in its subtask (choice balance) */
	const json_t *subtask;   /* borrowed plan subtask or NULL */
	const char *purpose;     /* the transformation step's purpose or NULL */
	const char *role;        /* LLM role (default "realize") */
	int attempt;             /* 0 first try, 1.. retries (part of the cache key) */
	int can_wait;            /* LLM calls may batch (BA_EPENDING until a batch round answered them) */
	/* filled by the tool */
	char model[160];         /* provider/model used, "" for pure tools */
	int mock;                /* the reply came from the mock provider */
	int cached;              /* served from the tool memo */
} ba_tool_ctx;

/* A tool maps an item draft (question, context, choices, answer,
 * answer_text, answer_type, media, explanation, aux) to a new draft.
 * *out is a new reference; in is not modified. */
typedef int (*ba_tool_fn)(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			  ba_error *err);

typedef struct ba_tool {
	const char *name;
	ba_tool_kind kind;
	const char *description;
	const char *args_schema;   /* JSON schema text of the arguments */
	const char *default_args;  /* JSON text used by default step lists */
	ba_tool_fn run;
	/* a conversion tool: the modality it reads and the one it produces
	 * (e.g. "text" -> "audio" for text-to-speech). The planner's modality
	 * rule accepts exactly these conversions; NULL for other tools. */
	const char *consumes;
	const char *produces;
	/* 1: the planner offers it to the grounding agent by name for a
	 * transformation (plan_note: what the agent is told besides the name,
	 * or NULL); 0: the agent does not propose it on its own (a conversion
	 * reaches it through a candidate's "via"). Every tool of the table is a
	 * step a plan may name either way. */
	int planner;
	const char *plan_note;
	/* an LLM tool's prompt (prompts/<file>): its text is part of the tool's
	 * memo key and of the build's recorded versions, so editing it redoes
	 * exactly the work that used it; NULL for pure tools */
	const char *prompt;
} ba_tool;

/* The table (borrowed), *n entries. */
const ba_tool *ba_tool_table(size_t *n);
const ba_tool *ba_tool_find(const char *name);
/* Validate args against the tool's schema. */
int ba_tool_check_args(const ba_tool *t, const json_t *args, ba_error *err);
/* Run a tool through the memo: the output is stored in the store's kv under
 * a content hash of (tool, args, input, seed, ordinal, attempt), and a
 * stored output is returned without running the tool (ctx->cached = 1).
 * st may be NULL (no memo). */
int ba_tool_run(ba_tool_ctx *ctx, const char *name, const json_t *args, const json_t *in,
		json_t **out, ba_error *err);

#endif
