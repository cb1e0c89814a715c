/*
 * sandbox.c - the Lua 5.4 sandbox generators run in.
 *
 * What a script can reach: a base environment of safe functions and
 * read-only proxies of math/string/table/utf8 plus the host's draw and util
 * libraries. Not there: io, os, package, require, debug, dofile, loadfile,
 * collectgarbage, rawset, coroutine, string.dump, math.random. `load` takes
 * text only. Each generator gets its own environment table whose metatable
 * is hidden (__metatable = false), so one script cannot change what another
 * sees. Limits: an instruction budget (count hook) and a memory cap (our
 * lua_Alloc); string patterns whose worst-case cost on the subject is too
 * large are refused, because C code cannot be interrupted by the hook.
 */
#include "gen_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/score.h"
#include "benchagent/sha256.h"

#include <lualib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_STEP 1000
#define BASE_KEY "ba.base"
#define ENVMT_KEY "ba.envmt"
#define MAX_JSON_DEPTH 24
#define MAX_JSON_NODES 200000
#define PATTERN_COST_MAX 1e9

static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	gen_state *gs = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		gs->mem_used -= old;
		return NULL;
	}
	if (nsize > old && gs->mem_used + (nsize - old) > gs->mem_limit) {
		gs->limit_hit = LIMIT_MEM;
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	gs->mem_used = gs->mem_used - old + nsize;
	return p;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	void *ud;
	gen_state *gs;

	(void)ar;
	lua_getallocf(L, &ud);
	gs = ud;
	gs->instr_used += HOOK_STEP;
	if (gs->instr_used > gs->instr_limit || gs->limit_hit) {
		if (!gs->limit_hit)
			gs->limit_hit = LIMIT_INSTR;
		/* from now on every instruction raises, so no handler can keep
		 * the script running */
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
		luaL_error(L, gs->limit_hit == LIMIT_MEM ? "memory cap exceeded" : "instruction budget exceeded");
	}
}

static int l_panic(lua_State *L)
{
	/* Everything the host does runs under lua_pcall; reaching here is a
	 * bug, and continuing would be undefined. */
	const char *m = lua_tostring(L, -1);
	(void)m;
	abort();
	return 0;
}

/* ---- read-only proxies ---- */

static int ro_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to modify a read-only host table (key '%s')",
			  lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

static int ro_pairs_next(lua_State *L)
{
	/* upvalue 1: the real table */
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int ro_pairs(lua_State *L)
{
	lua_getmetatable(L, 1); /* raw: __metatable only affects getmetatable() in Lua */
	lua_getfield(L, -1, "__index");
	lua_pushcclosure(L, ro_pairs_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Replace the table at the top of the stack by a read-only proxy of it. */
static void make_proxy(lua_State *L)
{
	lua_newtable(L);                 /* real proxy */
	lua_newtable(L);                 /* real proxy mt */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_remove(L, -2);
}

/* ---- string pattern guard ---- */

static int pattern_guard(lua_State *L)
{
	size_t n = 0, m = 0, i;
	const char *pat;
	int q = 0, e;
	double cost = 1;

	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
		lua_tolstring(L, 1, &n);
	pat = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &m) : NULL;
	if (pat && !(lua_tointeger(L, lua_upvalueindex(2)) == 1 && lua_toboolean(L, 4))) {
		for (i = 0; i < m; i++) {
			if (pat[i] == '%') {
				i++;
				continue;
			}
			if (pat[i] == '*' || pat[i] == '+' || pat[i] == '-' || pat[i] == '?')
				q++;
		}
		if (q > 0) {
			e = q + (m > 0 && pat[0] == '^' ? 0 : 1);
			for (i = 0; i < (size_t)e && cost <= PATTERN_COST_MAX; i++)
				cost *= (double)(n + 1);
			if (cost > PATTERN_COST_MAX)
				return luaL_error(L, "string pattern too costly for a %d-byte subject "
						  "(%d quantifiers): limit reached", (int)n, q);
		}
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static void guard_string_fn(lua_State *L, int strtab, const char *name, int is_find)
{
	lua_getfield(L, strtab, name);
	lua_pushinteger(L, is_find);
	lua_pushcclosure(L, pattern_guard, 2);
	lua_setfield(L, strtab, name);
}

/* ---- pcall/xpcall that cannot swallow a limit ---- */

static int l_guarded_pcall(lua_State *L)
{
	void *ud;
	gen_state *gs;
	int n;

	lua_getallocf(L, &ud);
	gs = ud;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	if (gs->limit_hit)
		return luaL_error(L, gs->limit_hit == LIMIT_MEM ? "memory cap exceeded" : "instruction budget exceeded");
	n = lua_gettop(L);
	return n;
}

/* ---- load (text only) ---- */

void gen_push_env(lua_State *L)
{
	lua_newtable(L);
	lua_getfield(L, LUA_REGISTRYINDEX, ENVMT_KEY);
	lua_setmetatable(L, -2);
}

static int l_load_text(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, "=(load)");
	int has_env = !lua_isnoneornil(L, 4);

	if (has_env)
		luaL_checktype(L, 4, LUA_TTABLE);
	if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (has_env)
		lua_pushvalue(L, 4);
	else
		gen_push_env(L);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
	return 1;
}

/* print() is accepted and ignored: the library never prints */
static int l_print_noop(lua_State *L)
{
	(void)L;
	return 0;
}

/* score(item, answer) -> 0|1, how: the one C scorer (src/verify/score.c),
 * so util.verify and eval compare answers the same way. */
static int l_score(lua_State *L)
{
	void *ud;
	json_t *item;
	ba_error e = BA_ERROR_INIT;
	double sc = 0;
	const char *how = NULL, *ans;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	ans = luaL_optstring(L, 2, "");
	lua_getallocf(L, &ud);
	item = gen_lua_to_json(ud, 1, NULL, &e);
	if (!item)
		return luaL_error(L, "score: %s", e.msg);
	rc = ba_score_item(item, ans, &sc, &how, &e);
	json_decref(item);
	if (rc != 0)
		return luaL_error(L, "score: %s", e.msg);
	lua_pushnumber(L, sc);
	lua_pushstring(L, how);
	return 2;
}

/* ---- building the base environment ---- */

static void copy_field(lua_State *L, int from, int to, const char *name)
{
	lua_getfield(L, from, name);
	lua_setfield(L, to, name);
}

static int open_base(lua_State *L)
{
	static const char *const basefns[] = { "assert", "error", "ipairs", "pairs", "next", "pcall",
		"xpcall", "select", "tonumber", "tostring", "type", "setmetatable", "getmetatable",
		"rawequal", "rawget", "rawlen", NULL };
	static const char *const mathfns[] = { "abs", "ceil", "floor", "fmod", "huge", "log", "max",
		"maxinteger", "min", "mininteger", "modf", "pi", "sqrt", "tointeger", "type", "ult",
		"exp", "sin", "cos", "tan", "asin", "acos", "atan", NULL };
	gen_state *gs = lua_touserdata(L, 1);
	int i, G, base, tmp;

	luaL_openlibs(L);
	lua_pushglobaltable(L);
	G = lua_gettop(L);
	lua_newtable(L);
	base = lua_gettop(L);
	for (i = 0; basefns[i]; i++)
		copy_field(L, G, base, basefns[i]);
	lua_pushcfunction(L, l_load_text);
	lua_setfield(L, base, "load");
	lua_pushcfunction(L, l_print_noop);
	lua_setfield(L, base, "print");
	lua_pushcfunction(L, l_score);
	lua_setfield(L, base, "score");
	lua_getfield(L, G, "pcall");
	lua_pushcclosure(L, l_guarded_pcall, 1);
	lua_setfield(L, base, "pcall");
	lua_getfield(L, G, "xpcall");
	lua_pushcclosure(L, l_guarded_pcall, 1);
	lua_setfield(L, base, "xpcall");
	lua_getfield(L, G, "table");
	lua_getfield(L, -1, "unpack");
	lua_setfield(L, base, "unpack");
	lua_pop(L, 1);

	/* math without random/randomseed */
	lua_newtable(L);
	tmp = lua_gettop(L);
	lua_getfield(L, G, "math");
	for (i = 0; mathfns[i]; i++)
		copy_field(L, tmp + 1, tmp, mathfns[i]);
	lua_pop(L, 1);
	make_proxy(L);
	lua_setfield(L, base, "math");

	/* string: the real table is also the strings' __index; strip dump,
	 * guard the pattern functions, hide the string metatable. */
	lua_getfield(L, G, "string");
	tmp = lua_gettop(L);
	lua_pushnil(L);
	lua_setfield(L, tmp, "dump");
	guard_string_fn(L, tmp, "find", 1);
	guard_string_fn(L, tmp, "match", 0);
	guard_string_fn(L, tmp, "gmatch", 0);
	guard_string_fn(L, tmp, "gsub", 0);
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	make_proxy(L);
	lua_setfield(L, base, "string");

	lua_getfield(L, G, "table");
	make_proxy(L);
	lua_setfield(L, base, "table");
	lua_getfield(L, G, "utf8");
	make_proxy(L);
	lua_setfield(L, base, "utf8");

	gen_open_rng(L);
	gen_open_draw(L);
	make_proxy(L);
	lua_setfield(L, base, "draw");

	/* the environment metatable every generator env gets */
	lua_newtable(L);
	lua_pushvalue(L, base);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setfield(L, LUA_REGISTRYINDEX, ENVMT_KEY);
	lua_pushvalue(L, base);
	lua_setfield(L, LUA_REGISTRYINDEX, BASE_KEY);

	/* drop every global the standard libraries made: nothing reaches
	 * _G except through the base table, which scripts cannot see. */
	lua_pushnil(L);
	while (lua_next(L, G)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, G);
	}
	/* clear package.loaded too (it references io/os) */
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, -4);
	}
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);

	(void)gs;
	return 0;
}

static int run_lib(lua_State *L)
{
	const char *src = lua_touserdata(L, 1);
	size_t len = (size_t)lua_tointeger(L, 2);
	const char *name = lua_tostring(L, 3);
	const char *field = lua_tostring(L, 4);

	if (luaL_loadbufferx(L, src, len, name, "t") != LUA_OK)
		return lua_error(L);
	gen_push_env(L);
	lua_setupvalue(L, -2, 1);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "%s: a library chunk must return a table", name);
	make_proxy(L);
	lua_getfield(L, LUA_REGISTRYINDEX, BASE_KEY);
	lua_insert(L, -2);
	lua_setfield(L, -2, field);
	return 0;
}

gen_state *gen_state_new(ba_gen_registry *reg, ba_error *err)
{
	gen_state *gs = ba_calloc(1, sizeof(*gs));
	size_t i;

	gs->mem_limit = reg->mem_limit;
	gs->instr_limit = reg->instr_limit;
	gs->L = lua_newstate(l_alloc, gs);
	if (!gs->L) {
		free(gs);
		ba_error_set(err, BA_ENOMEM, "generator sandbox: cannot create a Lua state");
		return NULL;
	}
	lua_atpanic(gs->L, l_panic);
	lua_pushcfunction(gs->L, open_base);
	lua_pushlightuserdata(gs->L, gs);
	if (lua_pcall(gs->L, 1, 0, 0) != LUA_OK) {
		ba_error_set(err, BA_ERR, "generator sandbox: setup failed: %s", lua_tostring(gs->L, -1));
		gen_state_free(gs);
		return NULL;
	}
	gen_state_arm(gs, reg->instr_limit);
	lua_sethook(gs->L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
	for (i = 0; i < reg->nlibs; i++) {
		const char *nm = reg->lib_names[i];
		char field[64];
		size_t n = strlen(nm);
		int st;

		/* "_util.lua" -> "util" */
		if (n < 6 || n - 5 >= sizeof(field)) {
			ba_error_set(err, BA_EINVAL, "generators/%s: bad library file name", nm);
			gen_state_free(gs);
			return NULL;
		}
		memcpy(field, nm + 1, n - 5);
		field[n - 5] = '\0';
		gen_state_arm(gs, reg->instr_limit);
		lua_pushcfunction(gs->L, run_lib);
		lua_pushlightuserdata(gs->L, (void *)reg->lib_src[i]);
		lua_pushinteger(gs->L, (lua_Integer)reg->lib_len[i]);
		lua_pushfstring(gs->L, "@generators/%s", nm);
		lua_pushstring(gs->L, field);
		st = lua_pcall(gs->L, 4, 0, 0);
		if (st != LUA_OK) {
			gen_state_fail(gs, st, nm, "library", err);
			gen_state_free(gs);
			return NULL;
		}
	}
	lua_newtable(gs->L);
	lua_setfield(gs->L, LUA_REGISTRYINDEX, "ba.modules");
	lua_gc(gs->L, LUA_GCGEN, 0, 0);
	return gs;
}

void gen_state_free(gen_state *gs)
{
	if (!gs)
		return;
	if (gs->L) {
		/* finalizers may run Lua code: keep them on a short leash */
		gs->instr_used = 0;
		gs->instr_limit = 1000000;
		lua_close(gs->L);
	}
	free(gs);
}

void gen_state_arm(gen_state *gs, long instr_limit)
{
	if (gs->limit_hit)
		lua_sethook(gs->L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
	gs->instr_used = 0;
	gs->instr_limit = instr_limit;
	gs->limit_hit = LIMIT_NONE;
	lua_settop(gs->L, 0);
}

struct load_args {
	const char *chunkname;
	const char *src;
	size_t len;
};

int gen_load_module_raw(lua_State *L, const char *chunkname, const char *src, size_t len)
{
	if (len > 0 && src[0] == 0x1b)
		return luaL_error(L, "%s: binary chunks are not allowed", chunkname);
	if (luaL_loadbufferx(L, src, len, chunkname, "t") != LUA_OK)
		return lua_error(L);
	gen_push_env(L);
	lua_setupvalue(L, -2, 1);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "%s: a generator must return a table (got %s)", chunkname,
				  luaL_typename(L, -1));
	return 1;
}

static int load_module_tramp(lua_State *L)
{
	struct load_args *a = lua_touserdata(L, 1);
	return gen_load_module_raw(L, a->chunkname, a->src, a->len);
}

int gen_state_load_module(gen_state *gs, const char *who, const char *chunkname,
			  const char *src, size_t len, ba_error *err)
{
	struct load_args a = { chunkname, src, len };
	int st;

	gen_state_arm(gs, gs->instr_limit > 0 ? gs->instr_limit : BA_GEN_DEFAULT_INSTRUCTIONS);
	lua_pushcfunction(gs->L, load_module_tramp);
	lua_pushlightuserdata(gs->L, &a);
	st = lua_pcall(gs->L, 1, 1, 0);
	if (st != LUA_OK)
		return gen_state_fail(gs, st, who, "load", err);
	if (gs->limit_hit) {
		lua_pop(gs->L, 1);
		return gen_state_fail(gs, LUA_ERRRUN, who, "load", err);
	}
	return 0;
}

int gen_state_fail(gen_state *gs, int status, const char *who, const char *what, ba_error *err)
{
	const char *msg = lua_type(gs->L, -1) == LUA_TSTRING ? lua_tostring(gs->L, -1)
							    : "(error object is not a string)";
	int rc;

	if (gs->limit_hit == LIMIT_INSTR) {
		rc = ba_error_set(err, BA_ELIMIT, "generator %s: %s stopped: instruction budget of %ld exceeded",
				  who, what, gs->instr_limit);
		gs->poisoned = 1;
	} else if (gs->limit_hit == LIMIT_MEM || status == LUA_ERRMEM) {
		rc = ba_error_set(err, BA_ELIMIT, "generator %s: %s stopped: memory cap of %zu MiB exceeded",
				  who, what, gs->mem_limit >> 20);
		gs->poisoned = 1;
	} else if (msg && strstr(msg, "stack overflow")) {
		rc = ba_error_set(err, BA_ELIMIT, "generator %s: %s stopped: stack depth limit exceeded (%.200s)",
				  who, what, msg);
		gs->poisoned = 1;
	} else {
		rc = ba_error_set(err, BA_ERR, "generator %s: %s failed: %.400s", who, what, msg ? msg : "?");
	}
	lua_settop(gs->L, 0);
	return rc;
}

/* ---- Lua -> JSON (raises no Lua errors) ---- */

struct conv {
	gen_state *gs;
	ba_store *st;
	ba_error *err;
	long nodes;
};

static json_t *conv_value(struct conv *c, int idx, int depth);

static _Thread_local const char **key_sort_keys;

static int key_cmp(const void *a, const void *b)
{
	return strcmp(key_sort_keys[*(const size_t *)a], key_sort_keys[*(const size_t *)b]);
}

static json_t *conv_table(struct conv *c, int idx, int depth)
{
	lua_State *L = c->gs->L;
	size_t n = lua_rawlen(L, idx), count = 0, nstr = 0, i;
	int all_int = 1;
	json_t *out = NULL;
	const char **keys = NULL;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		count++;
		if (lua_type(L, -2) == LUA_TNUMBER && lua_isinteger(L, -2)) {
			lua_Integer k = lua_tointeger(L, -2);
			if (k < 1 || (size_t)k > n)
				all_int = 0;
		} else if (lua_type(L, -2) == LUA_TSTRING) {
			all_int = 0;
			nstr++;
		} else {
			lua_pop(L, 2);
			ba_error_set(c->err, BA_EINVAL, "item: table keys must be strings or 1..n");
			return NULL;
		}
		lua_pop(L, 1);
	}
	if (count > 0 && all_int && count == n) {
		out = json_array();
		for (i = 1; i <= n; i++) {
			json_t *v;
			lua_rawgeti(L, idx, (lua_Integer)i);
			v = conv_value(c, lua_gettop(L), depth + 1);
			lua_pop(L, 1);
			if (!v) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, v);
		}
		return out;
	}
	if (nstr != count) {
		ba_error_set(c->err, BA_EINVAL, "item: a table mixes list and named entries");
		return NULL;
	}
	/* sorted keys: Lua's iteration order differs between states */
	{
		json_t **vals = ba_calloc(count + 1, sizeof(*vals));
		size_t *ord = ba_calloc(count + 1, sizeof(*ord));
		int ok = 1;

		keys = ba_calloc(count + 1, sizeof(*keys));
		i = 0;
		lua_pushnil(L);
		while (lua_next(L, idx)) {
			keys[i] = lua_tostring(L, -2); /* string keys stay alive in the table */
			vals[i] = ok ? conv_value(c, lua_gettop(L), depth + 1) : NULL;
			if (!vals[i])
				ok = 0;
			ord[i] = i;
			i++;
			lua_pop(L, 1);
		}
		if (ok) {
			key_sort_keys = keys;
			qsort(ord, count, sizeof(*ord), key_cmp);
			out = json_object();
			for (i = 0; i < count; i++) {
				json_object_set_new(out, keys[ord[i]], vals[ord[i]]);
				vals[ord[i]] = NULL;
			}
		}
		for (i = 0; i < count; i++)
			json_decref(vals[i]);
		free(vals);
		free(ord);
		free(keys);
	}
	return out;
}

static json_t *conv_value(struct conv *c, int idx, int depth)
{
	lua_State *L = c->gs->L;

	if (++c->nodes > MAX_JSON_NODES || depth > MAX_JSON_DEPTH) {
		ba_error_set(c->err, BA_ELIMIT, "item: too large or too deeply nested");
		return NULL;
	}
	if (!lua_checkstack(L, 8)) {
		ba_error_set(c->err, BA_ELIMIT, "item: too deeply nested");
		return NULL;
	}
	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return json_integer((json_int_t)lua_tointeger(L, idx));
		else {
			double d = lua_tonumber(L, idx);
			if (!isfinite(d)) {
				ba_error_set(c->err, BA_EINVAL, "item: a number is not finite");
				return NULL;
			}
			return json_real(d);
		}
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		json_t *j = json_stringn(s, len);
		if (!j)
			ba_error_set(c->err, BA_EINVAL, "item: a string is not valid UTF-8");
		return j;
	}
	case LUA_TTABLE:
		return conv_table(c, idx, depth);
	case LUA_TUSERDATA:
		if (gen_is_canvas(L, idx) && c->gs->no_render)
			return json_pack("{s:s,s:n,s:s,s:i}", "type", "image", "path", "sha256", "unrendered", "bytes", 0);
		if (gen_is_canvas(L, idx)) {
			ba_buf png = BA_BUF_INIT(32u << 20);
			char sha[65];
			char *rel = NULL;
			json_t *m;
			ba_error e2 = BA_ERROR_INIT;

			if (gen_canvas_png(L, idx, &png) != 0) {
				ba_buf_free(&png);
				ba_error_set(c->err, BA_ERR, "item: rendering a canvas to PNG failed");
				return NULL;
			}
			if (c->st) {
				if (ba_media_put(c->st, png.ptr, png.len, "png", "image/png", sha, &rel, &e2) != 0) {
					ba_buf_free(&png);
					ba_error_set(c->err, e2.code, "%s", e2.msg);
					return NULL;
				}
			} else {
				ba_sha256_hex(png.ptr, png.len, sha);
			}
			m = json_pack("{s:s,s:s?,s:s,s:i}", "type", "image", "path", rel, "sha256", sha,
				      "bytes", (json_int_t)png.len);
			free(rel);
			ba_buf_free(&png);
			return m;
		}
		/* fallthrough */
	default:
		ba_error_set(c->err, BA_EINVAL, "item: a value of type %s cannot go into an item",
			     lua_typename(L, lua_type(L, idx)));
		return NULL;
	}
}

json_t *gen_lua_to_json(gen_state *gs, int idx, ba_store *st, ba_error *err)
{
	struct conv c = { gs, st, err, 0 };

	idx = lua_absindex(gs->L, idx);
	return conv_value(&c, idx, 0);
}

void gen_json_to_lua(lua_State *L, const json_t *j, int depth)
{
	luaL_checkstack(L, 4, "json too deep");
	if (depth > MAX_JSON_DEPTH) {
		lua_pushnil(L);
		return;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		lua_createtable(L, 0, (int)json_object_size(j));
		json_object_foreach((json_t *)j, k, v) {
			if (json_is_null(v))
				continue;
			gen_json_to_lua(L, v, depth + 1);
			lua_setfield(L, -2, k);
		}
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		lua_createtable(L, (int)json_array_size(j), 0);
		json_array_foreach(j, i, v) {
			gen_json_to_lua(L, v, depth + 1);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	}
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(j));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(j));
		break;
	case JSON_TRUE:
		lua_pushboolean(L, 1);
		break;
	case JSON_FALSE:
		lua_pushboolean(L, 0);
		break;
	default:
		lua_pushnil(L);
	}
}
