/*
 * gen_internal.h - what the gen module's files share: the registry, the
 * pool of sandboxed Lua states, and the Lua bindings (rng, draw).
 */
#ifndef BA_GEN_INTERNAL_H
#define BA_GEN_INTERNAL_H

#include <lauxlib.h>
#include <lua.h>
#include <pthread.h>

#include "benchagent/buf.h"
#include "benchagent/gen.h"
#include "benchagent/rng.h"

enum { LIMIT_NONE = 0, LIMIT_INSTR = 1, LIMIT_MEM = 2 };

/* One sandboxed Lua state; used by one thread at a time. */
typedef struct gen_state {
	lua_State *L;
	size_t mem_used;
	size_t mem_limit;
	long instr_used;
	long instr_limit;
	int limit_hit;          /* LIMIT_* set by the allocator / hook */
	int poisoned;           /* close instead of reusing */
	int busy;
	int live_canvases;      /* cairo surfaces alive (memory outside Lua) */
	int no_render;          /* canvases in items are not encoded to PNG (solver checks) */
	ba_rng rng;             /* the call's RNG, reseeded per call */
} gen_state;

typedef struct gen_entry {
	ba_gen_info info;
	json_t *meta;           /* owns tags/modalities/levels + strings */
	char *src;
	size_t len;
	char *chunkname;
	int visual;             /* modalities contain "image" */
	int audio;              /* modalities contain "audio": items carry an audio scene */
	int has_verify;
	const char *solver;     /* the solver's Lua source (in meta), NULL when none */
	int puzzle;             /* the solver must prove the answer unique */
	const char *scorer;     /* the items' default scorer (in meta), NULL: by answer type */
} gen_entry;

struct ba_gen_registry {
	gen_entry *gens;
	size_t ngens, capgens;
	long instr_limit;
	size_t mem_limit;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	gen_state *states[BA_GEN_MAX_STATES];
	int nstates;
	/* shared library chunks (generators/_*.lua) run in every state */
	const char **lib_src;
	size_t *lib_len;
	const char **lib_names;
	size_t nlibs;
};

/* ---- sandbox.c ---- */
/* Create a sandboxed state with the base environment (stored in the Lua
 * registry) and the library chunks run. NULL + err on failure. */
gen_state *gen_state_new(ba_gen_registry *reg, ba_error *err);
void gen_state_free(gen_state *gs);
/* Reset per-call budgets. */
void gen_state_arm(gen_state *gs, long instr_limit);
/* Load src as a generator module into gs with its own environment; leaves
 * the module table on the stack. Protected; on failure returns a BA_E*
 * code with err set (limits name `who`). */
int gen_state_load_module(gen_state *gs, const char *who, const char *chunkname,
			  const char *src, size_t len, ba_error *err);
/* Push a new environment table over the base environment (scripts see
 * only the sandbox's safe functions through it). */
void gen_push_env(lua_State *L);
/* Inside a pcall: load + run a module chunk, push its table (raises). */
int gen_load_module_raw(lua_State *L, const char *chunkname, const char *src, size_t len);
/* Map a failed lua_pcall status + message to a ba_error naming who. */
int gen_state_fail(gen_state *gs, int status, const char *who, const char *what, ba_error *err);
/* Convert a Lua value at idx to JSON without raising Lua errors. Canvases
 * become media entries (rendered to PNG, stored in st when not NULL).
 * NULL + err on unsupported values. */
json_t *gen_lua_to_json(gen_state *gs, int idx, ba_store *st, ba_error *err);
/* Push a JSON value as Lua (may raise: call only inside a pcall). */
void gen_json_to_lua(lua_State *L, const json_t *j, int depth);

/* ---- lrng.c ---- */
void gen_open_rng(lua_State *L);            /* registers the rng metatable */
void gen_push_rng(lua_State *L, gen_state *gs);

/* ---- draw.c ---- */
int gen_open_draw(lua_State *L);            /* pushes the draw library table */
/* If the value at idx is a canvas, render it to PNG into out (capped). */
int gen_canvas_png(lua_State *L, int idx, ba_buf *out);
int gen_is_canvas(lua_State *L, int idx);

/* ---- registry.c ---- */
gen_state *gen_acquire(ba_gen_registry *reg, ba_error *err);
void gen_release(ba_gen_registry *reg, gen_state *gs);
/* Inside a pcall: push the module table of generator i (loaded on first use). */
void gen_push_module(lua_State *L, ba_gen_registry *reg, size_t i);
size_t gen_index(const ba_gen_registry *reg, const char *name);  /* (size_t)-1 if absent */
/* ba_gen_generate with render = 0: canvases become media entries with
 * sha256 "unrendered" and no PNG is encoded (for checks that only need
 * the item's text and scene). */
int gen_generate(ba_gen_registry *reg, const char *name, uint64_t seed, int difficulty, ba_store *st,
		 int render, json_t **item, ba_error *err);

/* ---- audio.c ---- */
/* Render an audio item's scene into st (recognition on); on failure the
 * item is freed (*item NULL) and err names the generator. */
int gen_audio_item(const char *name, json_t **item, ba_store *st, ba_error *err);

#endif
