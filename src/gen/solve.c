/*
 * solve.c - a generator's independent solver (docs/generators.md "The
 * solver").
 *
 * The solver is Lua source text the generator carries in its `solver`
 * field. It runs in a Lua state of its own, made for it and never used by
 * any generator (no shared globals, upvalues or module tables), and sees
 * only what the examinee sees: the question, context, choices and answer
 * type, plus for visual items the scene description the picture was drawn
 * from. It returns the answer and, for puzzles, how many valid answers it
 * found by enumeration.
 */
#include "gen_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOLVER_KEY "ba.solver"

struct ba_gen_solver {
	gen_state *gs;          /* owned: a fresh state, closed by close() */
	char *name;
	long instr_limit;
};

json_t *ba_gen_examinee_view(const json_t *item)
{
	static const char *const keys[] = { "question", "context", "choices", "answer_type", "scene", NULL };
	json_t *v = json_object();
	size_t i;

	for (i = 0; keys[i]; i++) {
		json_t *x = json_object_get(item, keys[i]);
		if (x && !json_is_null(x))
			json_object_set(v, keys[i], x);
	}
	return v;
}

struct load_args {
	const char *chunk;
	const char *src;
};

static int load_tramp(lua_State *L)
{
	struct load_args *a = lua_touserdata(L, 1);

	if (a->src[0] == 0x1b)
		return luaL_error(L, "%s: binary chunks are not allowed", a->chunk);
	if (luaL_loadbufferx(L, a->src, strlen(a->src), a->chunk, "t") != LUA_OK)
		return lua_error(L);
	gen_push_env(L);
	lua_setupvalue(L, -2, 1);
	lua_call(L, 0, 1);
	if (!lua_isfunction(L, -1))
		return luaL_error(L, "%s: the solver source must return a function(view) (got %s)", a->chunk,
				  luaL_typename(L, -1));
	lua_setfield(L, LUA_REGISTRYINDEX, SOLVER_KEY);
	return 0;
}

int ba_gen_solver_open(ba_gen_registry *reg, const char *name, ba_gen_solver **out, ba_error *err)
{
	size_t idx = gen_index(reg, name);
	struct load_args a;
	ba_gen_solver *s;
	char *chunk;
	int st;

	*out = NULL;
	if (idx == (size_t)-1)
		return ba_error_set(err, BA_ENOTFOUND, "no generator named '%s'", name ? name : "");
	if (!reg->gens[idx].solver)
		return ba_error_set(err, BA_ENOTFOUND,
				    "generator %s has no solver (field 'solver': Lua source that derives the answer "
				    "from the question alone; see docs/generators.md)", name);
	s = ba_calloc(1, sizeof(*s));
	s->name = ba_strdup(name);
	s->instr_limit = reg->instr_limit;
	if ((s->gs = gen_state_new(reg, err)) == NULL) {
		ba_gen_solver_close(s);
		return err ? err->code : BA_ERR;
	}
	chunk = ba_asprintf("=%s.solver", name);
	a.chunk = chunk;
	a.src = reg->gens[idx].solver;
	gen_state_arm(s->gs, s->instr_limit);
	lua_pushcfunction(s->gs->L, load_tramp);
	lua_pushlightuserdata(s->gs->L, &a);
	st = lua_pcall(s->gs->L, 1, 0, 0);
	free(chunk);
	if (st != LUA_OK || s->gs->limit_hit) {
		int rc = gen_state_fail(s->gs, st == LUA_OK ? LUA_ERRRUN : st, name, "solver load", err);
		ba_gen_solver_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void ba_gen_solver_close(ba_gen_solver *s)
{
	if (!s)
		return;
	gen_state_free(s->gs);
	free(s->name);
	free(s);
}

static int solve_tramp(lua_State *L)
{
	const json_t *view = lua_touserdata(L, 1);

	lua_settop(L, 0);
	lua_getfield(L, LUA_REGISTRYINDEX, SOLVER_KEY);
	gen_json_to_lua(L, view, 0);
	lua_call(L, 1, 2);
	return 2;
}

/* The solver's answer as text: strings as they are, integers in full,
 * other numbers with 17 significant digits (the scorer compares values). */
static char *answer_text(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TSTRING)
		return ba_strdup(lua_tostring(L, idx));
	if (lua_isinteger(L, idx))
		return ba_asprintf("%lld", (long long)lua_tointeger(L, idx));
	if (lua_type(L, idx) == LUA_TNUMBER && isfinite(lua_tonumber(L, idx))) {
		double d = lua_tonumber(L, idx);
		if (d == floor(d) && fabs(d) < 1e15)
			return ba_asprintf("%.0f", d);
		return ba_asprintf("%.17g", d);
	}
	if (lua_type(L, idx) == LUA_TBOOLEAN)
		return ba_strdup(lua_toboolean(L, idx) ? "yes" : "no");
	return NULL;
}

int ba_gen_solver_solve(ba_gen_solver *s, const json_t *item, char **answer, int *nsolutions,
			ba_error *err)
{
	json_t *view = ba_gen_examinee_view(item);
	lua_State *L = s->gs->L;
	int st, rc = 0;

	*answer = NULL;
	if (nsolutions)
		*nsolutions = -1;
	if (s->gs->poisoned) {
		json_decref(view);
		return ba_error_set(err, BA_ELIMIT, "generator %s: the solver broke a limit earlier", s->name);
	}
	gen_state_arm(s->gs, s->instr_limit);
	lua_pushcfunction(L, solve_tramp);
	lua_pushlightuserdata(L, view);
	st = lua_pcall(L, 1, 2, 0);
	json_decref(view);
	if (st != LUA_OK || s->gs->limit_hit)
		return gen_state_fail(s->gs, st == LUA_OK ? LUA_ERRRUN : st, s->name, "solver", err);
	*answer = answer_text(L, -2);
	if (!*answer || !**answer) {
		free(*answer);
		*answer = NULL;
		rc = ba_error_set(err, BA_EINVAL, "generator %s: the solver gave no answer (got %s)", s->name,
				  luaL_typename(L, -2));
	} else if (nsolutions && lua_isinteger(L, -1)) {
		lua_Integer n = lua_tointeger(L, -1);
		*nsolutions = n < 0 ? 0 : n > 1000000 ? 1000000 : (int)n;
	}
	lua_settop(L, 0);
	return rc;
}

int ba_gen_is_puzzle(const ba_gen_registry *reg, const char *name)
{
	size_t i = gen_index(reg, name);

	return i != (size_t)-1 && reg->gens[i].puzzle;
}

/* ---- a built benchmark's items, solved again ---- */

struct open_solver {
	char *name;
	ba_gen_solver *s;       /* NULL when it could not be opened */
	char *why;
};

static struct open_solver *solver_for(struct open_solver **tab, size_t *n, size_t *cap, ba_gen_registry *reg,
				      const char *name)
{
	size_t i;
	ba_error e = BA_ERROR_INIT;

	for (i = 0; i < *n; i++)
		if (!strcmp((*tab)[i].name, name))
			return &(*tab)[i];
	ba_array_reserve((void **)tab, cap, *n + 1, sizeof(**tab));
	(*tab)[*n].name = ba_strdup(name);
	(*tab)[*n].s = NULL;
	(*tab)[*n].why = NULL;
	if (ba_gen_solver_open(reg, name, &(*tab)[*n].s, &e) != 0)
		(*tab)[*n].why = ba_strdup(e.msg);
	return &(*tab)[(*n)++];
}

/* One item: 1 solved, 0 not (a line added to problems), -1 not a generator item. */
static int solve_one(ba_gen_registry *reg, struct open_solver *os, const json_t *it, json_t *problems)
{
	const char *id = ba_json_str(it, "id", "?");
	ba_error e = BA_ERROR_INIT;
	char *ans = NULL;
	int nsol = -1, ok = 0, puzzle = ba_gen_is_puzzle(reg, os->name);
	double s = 0;

	if (!os->s) {
		json_array_append_new(problems, json_sprintf("%s: %s", id, os->why));
		return 0;
	}
	if (ba_gen_solver_solve(os->s, it, &ans, &nsol, &e) != 0)
		json_array_append_new(problems, json_sprintf("%s: the solver could not answer: %s", id, e.msg));
	else if (ba_score_item(it, ans, &s, NULL, &e) != 0 || s < 1)
		json_array_append_new(problems, json_sprintf("%s: key '%.60s' but the solver derives '%.60s'", id,
							     ba_json_str(it, "answer", ""), ans));
	else if ((puzzle && nsol != 1) || nsol > 1)
		json_array_append_new(problems, json_sprintf("%s: %d valid answers", id, nsol));
	else
		ok = 1;
	free(ans);
	return ok;
}

int ba_gen_solve_items(ba_gen_registry *reg, const json_t *items, json_t **report, ba_error *err)
{
	struct open_solver *tab = NULL;
	size_t ntab = 0, cap = 0, i;
	json_t *problems = json_array(), *it;
	int solved = 0, checked = 0, skipped = 0;

	(void)err;
	json_array_foreach(items, i, it) {
		const json_t *src = json_object_get(it, "source");
		const char *gen = ba_json_str(src, "generator", NULL);
		if (strcmp(ba_json_str(src, "kind", ""), "generator") || !gen) {
			skipped++;
			continue;
		}
		checked++;
		solved += solve_one(reg, solver_for(&tab, &ntab, &cap, reg, gen), it, problems) == 1;
	}
	for (i = 0; i < ntab; i++) {
		ba_gen_solver_close(tab[i].s);
		free(tab[i].name);
		free(tab[i].why);
	}
	free(tab);
	*report = json_pack("{s:i,s:i,s:i,s:i,s:o}", "items", (int)json_array_size(items), "checked", checked,
			    "solved", solved, "skipped", skipped, "problems", problems);
	return 0;
}
