/*
 * exec_internal.h - shared pieces of the executor that are not public API:
 * the build context, per-unit execution, image I/O helpers.
 */
#ifndef BA_EXEC_INTERNAL_H
#define BA_EXEC_INTERNAL_H

#include <pthread.h>

#define BA_LOG_MODULE "exec"
#include "benchagent/exec.h"
#include "benchagent/log.h"
#include "benchagent/verify.h"
#include "prompt_forms.h" /* slots and inline options (prompt_forms.c) */


typedef struct ba_exec_ctx {
	ba_gateway *gw;
	ba_store *st;
	const ba_config *cfg;
	const json_t *plan;
	int64_t run_id;
	uint64_t seed;
	int workers;
	int step_retries;
	const char *fallback_role;
	json_t *datasets;        /* dataset_id -> loaded dataset (ba_exec_dataset_load) */
	json_t *src_cursor;      /* source id -> next position in its sample order */
	json_t *slot_pos;        /* unit slot -> its sample position (kept across recipe edits) */
	void *gen_reg;           /* generator registry (ba_gen_registry *) or NULL */
	int gen_reg_borrowed;    /* gen_reg is the caller's (ba_exec_build_with.reg) */
	json_t *plan_own;        /* plan with the generators' versions, when plan is it */
	json_t *stored_before;   /* keys of the units stored before this build: reused */
	struct ba_exec_gen_prep *gen_prep; /* generator drafts' duplicate index (gen_units.c) */
	json_t *states;          /* key -> {status, data}: the units read so far (build.c) */
	pthread_mutex_t mu;      /* guards datasets, models, mock */
	json_t *models;          /* set of models used: object name -> true */
	int mock;
	int dry;                 /* feasibility dry run: no store, no model, media not copied */
	int inspector, repair;   /* verification: LLM inspector and repair enabled */
	long unverified;         /* inspector unavailable: left for a rerun */
	long batch_rounds;       /* provider batch rounds the stages waited for */
	long steps_run, steps_cached, steps_failed, llm_step_plans, refused_step_plans;
	const struct ba_audit_gate_opts *gate;  /* build --audit: the panel, or NULL */
	char gate_sig[17];                      /* ba_audit_gate_signature of gate */
	int queue;               /* stages through the store's work queue (queue.c) */
	double lease_s;          /* a claimed unit's lease */
	double started;          /* when this build began (ba_queue_enqueue's since) */
	char worker[160];        /* this process in the queue: host:pid */
} ba_exec_ctx;

/* The CLI's summary of a build (entry.c; fields in exec.h,
 * ba_exec_build_doc) from the executor's manifest section man; mode is
 * "model" or "offline"; gw may be NULL. New ref. */
json_t *ba_exec_summary(ba_gateway *gw, const json_t *query, const json_t *plan, const json_t *man,
			const char *outdir, const char *mode);

/* plan lookups (borrowed) */
const json_t *ba_exec_plan_subtask(const json_t *plan, const char *id);
const json_t *ba_exec_plan_source(const json_t *plan, const char *id);
const json_t *ba_exec_plan_grounding(const json_t *plan, const char *subtask, const char *source);
/* 1 when a plan source (may be NULL) is a generator. */
int ba_exec_source_is_generator(const json_t *source);
/* Index of the plan's first source that is (generator 1) or is not
 * (generator 0) a generator, -1 when none is. */
long ba_exec_plan_find_source(const json_t *plan, int generator);
/* The generators a plan's generator sources draw from: the built-ins,
 * those of gen_dir (or NULL) and those the plan carries as source; *reg
 * NULL when the plan has no generator source. */
struct ba_gen_registry;
int ba_exec_plan_generators(const json_t *plan, const char *gen_dir, struct ba_gen_registry **reg, ba_error *err);

/* relation_fact.c: an answer listing relation triples ("(S (PER) =>
 * per:title => actor (STRING) ...") as one question about one fact whose
 * subject has a single object: 1 with *question (caller frees) and
 * *choices (new ref; the key first, 2-3 entities of the same sample and
 * type that do not hold, people also from the dialogue's speaker labels),
 * else 0. seed picks the fact. */
int ba_exec_relation_fact(const char *answer, const char *dialogue, uint64_t seed, char **question,
			  json_t **choices);

/* gen_units.c: a generator source's units. The generator a unit draws
 * from (NULL for a dataset unit). */
const char *ba_exec_unit_generator(const ba_exec_ctx *x, const json_t *unit);
/* What ba_exec_prepare carries from one generator unit to the next: the
 * duplicate index of the earlier units' items and the exhausted units in
 * a row per quota. */
typedef struct ba_exec_gen_prep ba_exec_gen_prep;
ba_exec_gen_prep *ba_exec_gen_prep_new(const ba_exec_ctx *x);
void ba_exec_gen_prep_free(ba_exec_gen_prep *gp);
/* A stored generator unit, met in plan order: its item joins the index. */
int ba_exec_gen_seen(ba_exec_ctx *x, ba_exec_gen_prep *gp, const json_t *unit, ba_error *err);
/* A generator unit's draft: the first draw (of up to 50) that passes the
 * generator's schema and its own verify() and, with gp, is no duplicate
 * of an earlier unit's item. 0 with *draft (new ref) and *srcinfo ({kind,
 * step: the provenance step, verify: the generator's verdict}); 0 with
 * *draft NULL when the unit is exhausted (srcinfo says why); or an error
 * (the unit fails: every draw failed the generator's checks). */
int ba_exec_gen_draft(ba_exec_ctx *x, ba_exec_gen_prep *gp, const json_t *unit, json_t **draft, json_t **srcinfo,
		      ba_error *err);

/* Build the initial draft of a unit from its source (dataset sample or
 * generator, drawn with no duplicate index). Returns 0 with *draft (new
 * ref), or an error. */
int ba_exec_unit_draft(ba_exec_ctx *x, const json_t *unit, json_t **draft, json_t **srcinfo,
		       ba_error *err);
/* Make (or reuse) a unit's state and run its steps to completion. The
 * state is stored after every step. Returns 0 (built or recorded failure)
 * or a fatal code (budget, store). */
int ba_exec_unit_run(ba_exec_ctx *x, const json_t *unit, ba_error *err);
/* key -> status of every unit of the run (one query). New ref. */
json_t *ba_exec_status_map(ba_exec_ctx *x);
/* The units whose status in map is `status` (NULL: units with no state). */
json_t *ba_exec_units_with(const json_t *units, const json_t *map, const char *status);
/* Create the stored state of every unit that has none (sample choice,
 * first draft), sequentially in plan order; drafted outside any
 * transaction, stored 64 units a transaction. */
int ba_exec_prepare(ba_exec_ctx *x, const json_t *units, ba_error *err);
/* Run fn on every unit on the worker pool (x->workers threads); the
 * first failing unit stops the pool and its error is returned. */
typedef int (*ba_exec_unit_fn)(ba_exec_ctx *x, const json_t *unit, ba_error *err);
/* A unit fn returning BA_EPENDING stopped at a call queued for a provider
 * batch (--batch-api): the stage sends the queued calls as one round
 * (ba_exec_batch_round: one batch per provider, waited for), then runs
 * those units again; they go on from their stored state. */
int ba_exec_batch_round(ba_exec_ctx *x, const char *stage, size_t waiting, ba_error *err);
int ba_exec_parallel(ba_exec_ctx *x, const json_t *units, ba_exec_unit_fn fn, const char *stage,
		     ba_error *err);
/* The same through the store's work queue (x->queue): units are enqueued
 * and claimed with leases, shared with every process building this run;
 * returns when no unit of the stage is left undone by anyone. */
int ba_exec_queued(ba_exec_ctx *x, const json_t *units, ba_exec_unit_fn fn, const char *stage, ba_error *err);
/* Verify one built unit (deterministic checks, inspector, repair). */
int ba_exec_unit_verify(ba_exec_ctx *x, const json_t *unit, ba_error *err);
/* build --audit (gate.c): the units the gate has to look at, from their
 * states {key: {status, data}} (checked, or rejected by the gate alone,
 * with no verdict under this gate; with no gate, those with a stale
 * verdict), and the gate on one of them: judged by the panel, rejected
 * below the threshold; without a gate, the gate's own rejections are
 * taken back. */
json_t *ba_exec_gate_units(ba_exec_ctx *x, const json_t *units, const json_t *states);
int ba_exec_unit_gate(ba_exec_ctx *x, const json_t *unit, ba_error *err);
/* The gate of a build: 1 with *g filled when o names judges (the mock
 * auditor registered: call before the gateway is made), 0 without. */
int ba_exec_gate_init(const ba_exec_build_opts *o, const json_t *query, ba_store *st, int64_t run_id,
		      struct ba_audit_gate_opts *g);
/* The manifest's "audit_gate": {judges, threshold, seed, signature}. New ref. */
json_t *ba_exec_gate_manifest(const struct ba_audit_gate_opts *gate, const char *sig);
/* Run every unit on the worker pool. */
int ba_exec_run_all(ba_exec_ctx *x, const json_t *units, ba_error *err);
/* Post-step normalisation every item gets: choices imply a letter answer. */
void ba_exec_settle_answer(json_t *draft);
/* Turn a draft into an items.jsonl-shaped item (new ref). */
json_t *ba_exec_finalize(const json_t *state);

/* Step list for a unit: LLM (role realize) checked against the
 * transformation, else the default. *origin gets "llm" or "default". */
int ba_exec_steps_plan(ba_exec_ctx *x, const json_t *unit, const json_t *draft, json_t **steps,
		       const char **origin, char *note, size_t nlen, ba_error *err);

/* Image helpers (image_io.c). Load PNG or JPEG into an ARGB32 cairo
 * surface (returned as void* to keep cairo out of this header). */
void *ba_img_load(const char *path, ba_error *err);
int ba_img_store_png(ba_store *st, void *surface, char sha[65], char **rel, ba_error *err);
void ba_img_free(void *surface);
/* The item's media files in this workspace: on a team store a worker may
 * verify or judge a unit whose media another machine made (the store
 * writes them here from its copy; image_io.c). */
void ba_exec_media_here(ba_store *st, const json_t *item);
/* JPEG round trip at quality q, in place. */
int ba_img_jpeg_roundtrip(void *surface, int quality, ba_error *err);
/* Lay text out as a picture (render_text.c): paragraphs wrapped to the
 * width, lists, "Name: line" dialogue lines, '|' or tab tables as grids;
 * font_size in px. *surface (a cairo ARGB32 surface, free with
 * ba_img_free) and *layout ({width, height, paragraphs, list_items,
 * dialogue_lines, tables, rows}, new ref) are the caller's. BA_ELIMIT when
 * the text needs a taller image than can be read. */
int ba_render_text(const char *text, int width, double font_size, void **surface, json_t **layout,
		   ba_error *err);

/* The first 12 hex digits of a prompt's text hash, in hex ("" when there
 * is no such prompt): the version tool memos and manifests record. */
const char *ba_tool_prompt_version(const char *prompt, char hex[65]);
/* The prompt of the step planner (steps.c). */
#define BA_EXEC_STEPS_PROMPT "exec_steps.txt"

#endif
