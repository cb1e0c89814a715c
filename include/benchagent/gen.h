/*
 * gen.h - verified generators: sandboxed Lua 5.4 programs that draw an item
 * at a chosen difficulty from a seed and know its exact answer.
 *
 * A registry holds the built-in generators (the embedded `ba_generators`
 * table, files generators/NAME.lua), optional extra ones from a directory,
 * and any added from source text (agent-written generators). Each
 * generator runs in a sandbox: no io/os/package/require/debug/dofile/
 * loadfile, text chunks only, an instruction budget and a memory cap per
 * call, randomness only from the host's seeded ba_rng. So (generator,
 * seed, difficulty) always gives the same item.
 *
 * Thread safety: a registry may be shared by many threads once built.
 * ba_gen_generate/verify/check run on a pool of Lua states (one state is
 * used by one thread at a time; the pool grows up to BA_GEN_MAX_STATES,
 * further callers wait), so concurrent calls run in parallel. The lookup
 * functions (count/at/find/search) are read-only and lock-free. Adding
 * generators (ba_gen_registry_add_source) must not race with other calls.
 *
 * The generator contract (what a .lua file returns) is in docs/generators.md.
 */
#ifndef BA_GEN_H
#define BA_GEN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "benchagent/error.h"
#include "benchagent/store.h"

#define BA_GEN_MAX_STATES 16

/* Default sandbox limits per call (generate or verify). */
#define BA_GEN_DEFAULT_INSTRUCTIONS 20000000L  /* Lua VM instructions */
#define BA_GEN_DEFAULT_MEMORY (64u << 20)      /* bytes per Lua state */

typedef struct ba_gen_registry ba_gen_registry;

/* What a generator declares about itself. All fields borrowed from the
 * registry (valid until it is freed). */
typedef struct ba_gen_info {
	const char *name;          /* unique, [a-z0-9_]+ */
	const char *description;
	const json_t *tags;        /* array of strings */
	const char *answer_type;   /* choice | short | numeric | binary | span | label | open */
	const json_t *modalities;  /* array: "text" and/or "image" */
	const json_t *levels;      /* array of {level, changes}, levels 1..5 at least */
	const char *origin;        /* "builtin:<file>", a file path, or the chunk name */
	const char *version;       /* sha256 (hex) of the generator's source */
} ba_gen_info;

/* Build a registry with every built-in generator plus, when extra_dir is
 * not NULL, every *.lua in that directory. A generator that fails to load
 * fails the call with its file name in err. Free with ba_gen_registry_free. */
int ba_gen_registry_new(ba_gen_registry **out, const char *extra_dir, ba_error *err);
void ba_gen_registry_free(ba_gen_registry *reg);

/* Change the per-call limits (0 keeps the current value). Not thread-safe:
 * call before sharing the registry. */
void ba_gen_set_limits(ba_gen_registry *reg, long instructions, size_t memory_bytes);

/* Load a generator from Lua source text (text only; binary chunks are
 * refused). chunkname names it in errors ("agent:st3" or a path). Fails
 * with BA_EINVAL (syntax, bad contract fields, duplicate name) or
 * BA_ELIMIT (a sandbox limit), leaving the registry unchanged. */
int ba_gen_registry_add_source(ba_gen_registry *reg, const char *chunkname, const char *src,
			       size_t len, ba_error *err);

size_t ba_gen_count(const ba_gen_registry *reg);
/* Borrowed; NULL when out of range / not found. Order: built-ins by file
 * name, then extras in load order. */
const ba_gen_info *ba_gen_at(const ba_gen_registry *reg, size_t i);
const ba_gen_info *ba_gen_find(const ba_gen_registry *reg, const char *name);

/* Draw one item. *item (new reference, caller owns) has the shape of
 * docs/item-format.md: question, answer, answer_type, optional choices
 * (answer is then the letter) and answer_text, explanation, media
 * [{type, path (workspace-relative, from ba_media_put), sha256}], metadata,
 * difficulty, source {kind:"generator", generator, seed, difficulty}.
 * st receives rendered images; with st NULL images are rendered in memory
 * only (media entries then have path null, plus sha256 and bytes), which
 * suits checks and benchmarks. An audio generator's item (modalities
 * include "audio") has its scene in item.scene; its sound is rendered
 * (text-to-speech, recognition check, noise, SNR measured) only into a
 * store: with st NULL its media entry says sha256 "unrendered" (render it
 * with ba_gen_audio_render). difficulty is 1..5.
 * Errors: BA_ENOTFOUND (no such generator), BA_EINVAL (bad difficulty or a
 * malformed item), BA_ELIMIT (instruction/memory limit; err names the
 * generator and the limit), BA_ERR (a Lua runtime error). */
int ba_gen_generate(ba_gen_registry *reg, const char *name, uint64_t seed, int difficulty,
		    ba_store *st, json_t **item, ba_error *err);

/* Render an audio item's scene (item.scene) to WAV and put the entry into
 * item.media (replacing its first audio entry): {type: "audio", path
 * (null when st is NULL: in memory), sha256, mime, bytes, seconds, speech:
 * {wer, asr_possible, segments}, snr, clipped_samples, peak}. asr = 1
 * recognises every English speech segment back (re-made or rejected above
 * BA_AUDIO_WER_MAX) and settles the scene to the voices and rates chosen.
 * *report (optional, new ref) is the renderer's report. */
int ba_gen_audio_render(json_t *item, ba_store *st, int asr, json_t **report, ba_error *err);
/* The recognition check and SNR of an item's rendered audio ({wer,
 * asr_possible, snr, seconds}) put on its first provenance step as
 * "audio"; nothing when the item has no rendered audio. */
void ba_gen_audio_provenance(json_t *item);

/* Score response against item with the generator's verify(): *score in
 * [0,1]; equivalent answers (numbers within tolerance, normalised text,
 * letter or option text for choices) score 1. */
int ba_gen_verify(ba_gen_registry *reg, const char *name, const json_t *item,
		  const char *response, double *score, ba_error *err);

/* BM25 over each generator's name, description and tags. *out (new
 * reference) is [{name, score, terms}] best first (terms: the query terms,
 * stemmed, that the generator matched), at most k entries, only entries
 * with score > 0. Returns 0. */
int ba_gen_search(const ba_gen_registry *reg, const char *text, size_t k, json_t **out);

/* ba_gen_search for a request: only generators that carry exactly the
 * media (image, audio) the text names (ba_text_modalities), so a text
 * request never gets spoken or drawn items and a speech request no
 * text-only ones. What offline planning ranks. */
int ba_gen_search_request(const ba_gen_registry *reg, const char *text, size_t k, json_t **out);

/* The `gen check` rules, run n times (seeds 1..n, difficulties cycling
 * 1..5): no error, deterministic per seed, own answer verifies to 1,
 * >= 95% distinct items, no single answer > 50% (unless binary), wrong
 * answers rejected, and difficulty changes the items. *report (new
 * reference): {generator, n, passed: bool, checks: [{name, passed, detail}],
 * failures: [strings]}. Returns 0 when the checks ran (passed or not), an
 * error code when the generator cannot be run at all. Images render to
 * memory only. Determinism is also checked in a fresh registry. */
int ba_gen_check(ba_gen_registry *reg, const char *name, int n, json_t **report, ba_error *err);

/* ---- the independent solver (docs/generators.md "The solver") ---- */

typedef struct ba_gen_solver ba_gen_solver;

/* What the examinee sees of item, and all a solver gets (new reference):
 * question, context, choices, answer_type, and scene (the description a
 * visual item's picture was drawn from; never shown as text). */
json_t *ba_gen_examinee_view(const json_t *item);
/* Open generator name's solver in a fresh Lua state of its own (no state
 * shared with any generator). BA_ENOTFOUND when the generator or its
 * solver is missing, BA_EINVAL/BA_ERR/BA_ELIMIT when the solver source
 * does not load. Close with ba_gen_solver_close (NULL ok). One thread at a
 * time per solver. */
int ba_gen_solver_open(ba_gen_registry *reg, const char *name, ba_gen_solver **out, ba_error *err);
/* Solve item from its examinee view: *answer (caller frees) is the
 * solver's answer as text; *nsolutions (optional) the number of valid
 * answers it found by enumeration, -1 when it did not say. Fails (answer
 * NULL) when the solver raises, breaks a limit or returns no answer. */
int ba_gen_solver_solve(ba_gen_solver *s, const json_t *item, char **answer, int *nsolutions,
			ba_error *err);
void ba_gen_solver_close(ba_gen_solver *s);
/* Items per difficulty gen check gives the solver (at least). */
#define BA_GEN_SOLVER_MIN 200

typedef struct ba_gen_solver_stats {
	int generated;    /* items made */
	int solved;       /* the solver's answer scores 1 against the key (and is unique) */
	int disagree;     /* the solver derived another answer */
	int unsolved;     /* the solver raised or gave no answer */
	int not_unique;   /* a puzzle with 0 or >= 2 valid answers (or no count) */
} ba_gen_solver_stats;

typedef void (*ba_gen_solver_note)(void *ud, const char *msg);

/* Generate seeds 1..count at difficulty and solve each with the solver in
 * a fresh state; compare with the one scorer (score.h). note (optional)
 * gets a line per failed item. Returns 0 with *st filled, or the error of
 * opening the solver (no solver, does not load; note gets its message). */
int ba_gen_solver_tally(ba_gen_registry *reg, const char *name, int difficulty, int count,
			ba_gen_solver_stats *st, ba_gen_solver_note note, void *ud);

/* Solve every generator item of items (an array in items.jsonl shape)
 * with its generator's solver and compare with the one scorer. Dataset
 * items are skipped. *report (new reference): {items, checked, solved,
 * skipped, problems: ["<id>: ..."]}; checked == solved means every key
 * was derived again. Returns 0. */
int ba_gen_solve_items(ba_gen_registry *reg, const json_t *items, json_t **report, ba_error *err);

/* 1 when the generator declares puzzle = true (its solver must return the
 * number of valid answers, and gen check requires exactly 1). */
int ba_gen_is_puzzle(const ba_gen_registry *reg, const char *name);

/* The number gen check compares across difficulty levels:
 * item.metadata.complexity when the generator sets it (steps, objects,
 * digits...), else the length of question + context. */
double ba_gen_item_complexity(const json_t *item);

/* For agent-written generators: load src into a scratch registry and run
 * the gen check rules n times. Returns 0 with *report (as ba_gen_check;
 * report.failures is the feedback to give the model) when the checks ran,
 * or an error (syntax, contract, name clash with a built-in, limit) whose
 * message is the feedback. The caller's registry is untouched: add the
 * source to it only when report.passed is true. */
int ba_gen_check_source(const char *chunkname, const char *src, size_t len, int n, json_t **report,
			ba_error *err);

/* Add every generator a plan carries as source text (plan sources with a
 * "lua" field: agent-written generators), skipping names already loaded.
 * Fails like add_source, naming the source. */
int ba_gen_registry_add_plan(ba_gen_registry *reg, const json_t *plan, ba_error *err);
/* The same for a built benchmark folder: its plan.json, when present. */
int ba_gen_registry_add_bench(ba_gen_registry *reg, const char *bench_dir, ba_error *err);

/* Load one .lua file (chunk name "@path"); *name_out (optional, borrowed
 * from reg) gets the generator's name. Fails like add_source, or BA_EIO. */
int ba_gen_registry_add_file(ba_gen_registry *reg, const char *path, const char **name_out,
			     ba_error *err);

/* ---- one unit's draws (src/gen/unit.c) ---- */

/* What becomes of a draw that passed the generator's schema and its own
 * verify() (score: verify's): 0 keeps it, 1 draws again, <0 stops the
 * unit (the callee keeps its error). */
typedef int (*ba_gen_accept_fn)(void *ud, json_t *cand, double score);
/* Why a unit's draws failed: counts per check, and the last draw's error
 * message ("" when the last draw failed no generator call). */
typedef struct ba_gen_draws {
	int schema_fail, verify_fail, rejected;
	char error[1024];
} ba_gen_draws;
/* Draw one unit: draw n (0 .. max_draws-1) from the seed
 * ba_rng_seed_from(base_seed, "<label>#n") at difficulty, until a draw
 * passes the schema (ba_gen_generate), verify() with score 1 and accept
 * (NULL: every such draw is kept); a sandbox limit hit from the third
 * draw on ends the unit. 0 with *item (new ref; NULL when no draw was
 * kept, dr says why) and *score, or accept's negative code. */
int ba_gen_draw_unit(ba_gen_registry *reg, const char *gname, const char *label, uint64_t base_seed,
		     int difficulty, ba_store *st, int max_draws, ba_gen_accept_fn accept, void *ud,
		     json_t **item, double *score, ba_gen_draws *dr);

#endif
