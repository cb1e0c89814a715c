/*
 * registry.c - the generator registry: loading built-in, directory and
 * agent-written generators, reading their contract fields, the pool of Lua
 * states, and the generate / verify calls that turn a Lua item into the
 * item JSON of docs/item-format.md.
 */
#include "gen_internal.h"
#include "benchagent/answer.h"
#include "benchagent/audio.h"
#include "benchagent/alloc.h"
#include "benchagent/embed.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/score.h"
#include "benchagent/sha256.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SOURCE (1u << 20)


static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/* ---- the state pool ---- */

gen_state *gen_acquire(ba_gen_registry *reg, ba_error *err)
{
	gen_state *gs = NULL;
	int i;

	pthread_mutex_lock(&reg->mu);
	for (;;) {
		for (i = 0; i < reg->nstates; i++)
			if (!reg->states[i]->busy) {
				gs = reg->states[i];
				break;
			}
		if (gs || reg->nstates < BA_GEN_MAX_STATES)
			break;
		pthread_cond_wait(&reg->cv, &reg->mu);
	}
	if (!gs) {
		/* built under the lock: rare (at most BA_GEN_MAX_STATES times) and
		 * keeps the slot table consistent */
		gs = gen_state_new(reg, err);
		if (!gs) {
			pthread_mutex_unlock(&reg->mu);
			return NULL;
		}
		reg->states[reg->nstates++] = gs;
	}
	gs->busy = 1;
	pthread_mutex_unlock(&reg->mu);
	return gs;
}

void gen_release(ba_gen_registry *reg, gen_state *gs)
{
	int i;

	if (!gs)
		return;
	pthread_mutex_lock(&reg->mu);
	if (gs->poisoned) {
		/* a script broke a limit: its state may be in any shape; drop it */
		for (i = 0; i < reg->nstates; i++)
			if (reg->states[i] == gs) {
				reg->states[i] = reg->states[--reg->nstates];
				break;
			}
		pthread_mutex_unlock(&reg->mu);
		gen_state_free(gs);
		pthread_mutex_lock(&reg->mu);
	} else {
		gs->busy = 0;
		lua_settop(gs->L, 0);
	}
	pthread_cond_signal(&reg->cv);
	pthread_mutex_unlock(&reg->mu);
}

void gen_push_module(lua_State *L, ba_gen_registry *reg, size_t i)
{
	gen_entry *g = &reg->gens[i];

	lua_getfield(L, LUA_REGISTRYINDEX, "ba.modules");
	if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TTABLE) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	gen_load_module_raw(L, g->chunkname, g->src, g->len);
	lua_pushvalue(L, -1);
	lua_rawseti(L, -3, (lua_Integer)i + 1);
	lua_remove(L, -2);
}

size_t gen_index(const ba_gen_registry *reg, const char *name)
{
	size_t i;

	if (!name)
		return (size_t)-1;
	for (i = 0; i < reg->ngens; i++)
		if (!strcmp(reg->gens[i].info.name, name))
			return i;
	return (size_t)-1;
}

/* ---- reading the contract fields (inside a pcall) ---- */

static int raw_field(lua_State *L, int t, const char *k)
{
	lua_pushstring(L, k);
	return lua_rawget(L, t);
}

/* generate, verify, solver, scorer, puzzle (inside info_tramp; raises). */
static void info_functions(lua_State *L, int m, int out, const char *chunk)
{
	int n;

	if (raw_field(L, m, "generate") != LUA_TFUNCTION)
		(void)luaL_error(L, "%s: field 'generate' must be a function(rng, difficulty)", chunk);
	lua_pop(L, 1);
	n = raw_field(L, m, "verify");
	if (n != LUA_TNIL && n != LUA_TFUNCTION)
		(void)luaL_error(L, "%s: field 'verify' must be a function(item, response)", chunk);
	lua_pushboolean(L, n == LUA_TFUNCTION);
	lua_setfield(L, out, "has_verify");
	lua_pop(L, 1);
	/* the solver: Lua source text, loaded by gen check into a fresh state
	 * (docs/generators.md "The solver") */
	n = raw_field(L, m, "solver");
	if (n != LUA_TNIL && (n != LUA_TSTRING || lua_rawlen(L, -1) == 0))
		(void)luaL_error(L, "%s: field 'solver' must be the solver's Lua source text (a string "
				  "returning function(view))", chunk);
	if (n == LUA_TSTRING)
		lua_setfield(L, out, "solver");
	else
		lua_pop(L, 1);
	n = raw_field(L, m, "scorer");
	if (n != LUA_TNIL && (n != LUA_TSTRING || !ba_score_find(lua_tostring(L, -1))))
		(void)luaL_error(L, "%s: field 'scorer' must name a scorer (choice, numeric, binary, text, set, "
				  "list, time, clock12, date, cell)", chunk);
	if (n == LUA_TSTRING)
		lua_setfield(L, out, "scorer");
	else
		lua_pop(L, 1);
	n = raw_field(L, m, "puzzle");
	if (n != LUA_TNIL && n != LUA_TBOOLEAN)
		(void)luaL_error(L, "%s: field 'puzzle' must be true or false", chunk);
	lua_pushboolean(L, lua_toboolean(L, -1));
	lua_setfield(L, out, "puzzle");
	lua_pop(L, 1);
}

static int info_tramp(lua_State *L)
{
	const char *chunk = lua_tostring(L, 2);
	int m = 1, out, n, i;
	const char *s;

	lua_settop(L, 2);
	lua_newtable(L);
	out = lua_gettop(L);

	if (raw_field(L, m, "name") != LUA_TSTRING)
		return luaL_error(L, "%s: field 'name' must be a string", chunk);
	s = lua_tostring(L, -1);
	n = (int)strlen(s);
	if (n < 1 || n > 64)
		return luaL_error(L, "%s: field 'name' must be 1..64 characters", chunk);
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return luaL_error(L, "%s: field 'name' may hold only a-z, 0-9 and _", chunk);
	lua_setfield(L, out, "name");

	if (raw_field(L, m, "description") != LUA_TSTRING || lua_rawlen(L, -1) == 0)
		return luaL_error(L, "%s: field 'description' must be a non-empty string", chunk);
	lua_setfield(L, out, "description");

	lua_newtable(L);
	if (raw_field(L, m, "tags") != LUA_TNIL) {
		if (!lua_istable(L, -1))
			return luaL_error(L, "%s: field 'tags' must be a list of strings", chunk);
		n = (int)lua_rawlen(L, -1);
		for (i = 1; i <= n; i++) {
			if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
				return luaL_error(L, "%s: tags[%d] must be a string", chunk, i);
			lua_rawseti(L, -3, i);
		}
	}
	lua_pop(L, 1);
	lua_setfield(L, out, "tags");

	if (raw_field(L, m, "answer_type") != LUA_TSTRING || !ba_answer_type_known(lua_tostring(L, -1)))
		return luaL_error(L, "%s: field 'answer_type' must be one of " BA_ANSWER_TYPES_LIST, chunk);
	lua_setfield(L, out, "answer_type");

	lua_newtable(L);
	if (raw_field(L, m, "modalities") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_pushliteral(L, "text");
		lua_rawseti(L, -2, 1);
	} else {
		if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0)
			return luaL_error(L, "%s: field 'modalities' must be a list like {\"text\", \"image\"}", chunk);
		n = (int)lua_rawlen(L, -1);
		for (i = 1; i <= n; i++) {
			if (lua_rawgeti(L, -1, i) != LUA_TSTRING ||
			    (strcmp(lua_tostring(L, -1), "text") && strcmp(lua_tostring(L, -1), "image") &&
			     strcmp(lua_tostring(L, -1), "audio")))
				return luaL_error(L, "%s: modalities[%d] must be \"text\", \"image\" or \"audio\"", chunk, i);
			lua_rawseti(L, -3, i);
		}
		lua_pop(L, 1);
	}
	lua_setfield(L, out, "modalities");

	/* levels: {"what 1 changes", ...} or {{level=1, changes="..."}, ...} */
	if (raw_field(L, m, "levels") != LUA_TTABLE)
		return luaL_error(L, "%s: field 'levels' must list difficulty levels 1..5 and what each changes", chunk);
	n = (int)lua_rawlen(L, -1);
	if (n < 5)
		return luaL_error(L, "%s: field 'levels' needs at least 5 levels (has %d)", chunk, n);
	lua_newtable(L);
	for (i = 1; i <= n; i++) {
		int t = lua_rawgeti(L, -2, i);
		lua_newtable(L);
		lua_pushinteger(L, i);
		lua_setfield(L, -2, "level");
		if (t == LUA_TSTRING) {
			lua_pushvalue(L, -2);
		} else if (t == LUA_TTABLE) {
			if (raw_field(L, -2, "changes") != LUA_TSTRING)
				return luaL_error(L, "%s: levels[%d].changes must be a string", chunk, i);
			if (raw_field(L, -3, "level") != LUA_TNIL &&
			    (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != i))
				return luaL_error(L, "%s: levels[%d].level must be %d", chunk, i, i);
			lua_pop(L, 1);
		} else {
			return luaL_error(L, "%s: levels[%d] must be a string or {level=, changes=}", chunk, i);
		}
		lua_setfield(L, -2, "changes");
		lua_rawseti(L, -3, i);
		lua_pop(L, 1);
	}
	lua_setfield(L, out, "levels");
	lua_pop(L, 1);

	info_functions(L, m, out, chunk);
	lua_pushvalue(L, out);
	return 1;
}

static int registry_add(ba_gen_registry *reg, const char *chunkname, const char *src, size_t len,
			const char *origin, ba_error *err)
{
	gen_state *gs;
	json_t *meta = NULL;
	gen_entry *g;
	int rc, st;
	const char *name;

	if (len > MAX_SOURCE)
		return ba_error_set(err, BA_ELIMIT, "%s: generator source larger than %u bytes", chunkname,
				    MAX_SOURCE);
	if ((gs = gen_acquire(reg, err)) == NULL)
		return err ? err->code : BA_ERR;
	rc = gen_state_load_module(gs, chunkname, chunkname, src, len, err);
	if (rc != 0)
		goto out;
	lua_pushcfunction(gs->L, info_tramp);
	lua_insert(gs->L, 1);
	lua_pushstring(gs->L, chunkname);
	st = lua_pcall(gs->L, 2, 1, 0);
	if (st != LUA_OK) {
		rc = gen_state_fail(gs, st, chunkname, "contract check", err);
		rc = rc == BA_ERR ? BA_EINVAL : rc;
		goto out;
	}
	meta = gen_lua_to_json(gs, -1, NULL, err);
	lua_settop(gs->L, 0);
	if (!meta) {
		rc = err ? err->code : BA_EINVAL;
		goto out;
	}
	name = ba_json_str(meta, "name", "");
	if (gen_index(reg, name) != (size_t)-1) {
		rc = ba_error_set(err, BA_EINVAL, "%s: a generator named '%s' already exists", chunkname, name);
		goto out;
	}
	ba_array_reserve((void **)&reg->gens, &reg->capgens, reg->ngens + 1, sizeof(*reg->gens));
	g = &reg->gens[reg->ngens];
	memset(g, 0, sizeof(*g));
	g->meta = meta;
	json_object_set_new(meta, "origin", json_string(origin));
	{
		char sha[65];
		ba_sha256_hex(src, len, sha);
		json_object_set_new(meta, "version", json_string(sha));
	}
	g->info.name = ba_json_str(meta, "name", "");
	g->info.description = ba_json_str(meta, "description", "");
	g->info.tags = json_object_get(meta, "tags");
	g->info.answer_type = ba_json_str(meta, "answer_type", "short");
	g->info.modalities = json_object_get(meta, "modalities");
	g->info.levels = json_object_get(meta, "levels");
	g->info.origin = ba_json_str(meta, "origin", "");
	g->info.version = ba_json_str(meta, "version", "");
	g->has_verify = ba_json_bool(meta, "has_verify", 0);
	g->solver = ba_json_str(meta, "solver", NULL);
	g->puzzle = ba_json_bool(meta, "puzzle", 0);
	g->scorer = ba_json_str(meta, "scorer", NULL);
	{
		size_t i;
		json_t *v;
		json_array_foreach(g->info.modalities, i, v) {
			if (!strcmp(json_string_value(v), "image"))
				g->visual = 1;
			if (!strcmp(json_string_value(v), "audio"))
				g->audio = 1;
		}
	}
	g->src = ba_malloc(len + 1);
	memcpy(g->src, src, len);
	g->src[len] = '\0';
	g->len = len;
	g->chunkname = ba_strdup(chunkname);
	meta = NULL;
	reg->ngens++;
out:
	json_decref(meta);
	gen_release(reg, gs);
	return rc;
}

int ba_gen_registry_add_source(ba_gen_registry *reg, const char *chunkname, const char *src,
			       size_t len, ba_error *err)
{
	char *cn = ba_asprintf("=%s", chunkname ? chunkname : "source");
	int rc = registry_add(reg, cn, src, len, chunkname ? chunkname : "source", err);
	free(cn);
	return rc;
}

int ba_gen_registry_add_file(ba_gen_registry *reg, const char *path, const char **name_out,
			     ba_error *err)
{
	ba_buf b = BA_BUF_INIT(MAX_SOURCE);
	char *cn;
	int rc;

	if ((rc = ba_fs_read(path, &b, err)) != 0) {
		ba_buf_free(&b);
		return rc;
	}
	cn = ba_asprintf("@%s", path);
	rc = registry_add(reg, cn, ba_buf_cstr(&b), b.len, path, err);
	free(cn);
	ba_buf_free(&b);
	if (rc == 0 && name_out)
		*name_out = reg->gens[reg->ngens - 1].info.name;
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_dir(ba_gen_registry *reg, const char *dir, ba_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (!d)
		return ba_error_set(err, BA_EIO, "%s: cannot open generator directory", dir);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".lua") && de->d_name[0] != '.') {
			ba_array_reserve((void **)&names, &cap, n + 1, sizeof(*names));
			names[n++] = ba_strdup(de->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		char *p = ba_path_join(dir, names[i]);
		if (rc == 0)
			rc = ba_gen_registry_add_file(reg, p, NULL, err);
		free(p);
		free(names[i]);
	}
	free(names);
	return rc;
}

int ba_gen_registry_new(ba_gen_registry **out, const char *extra_dir, ba_error *err)
{
	ba_gen_registry *reg = ba_calloc(1, sizeof(*reg));
	const ba_embedded_file *f;
	size_t cap = 0, n;
	int rc = 0;

	*out = NULL;
	reg->instr_limit = BA_GEN_DEFAULT_INSTRUCTIONS;
	reg->mem_limit = BA_GEN_DEFAULT_MEMORY;
	pthread_mutex_init(&reg->mu, NULL);
	pthread_cond_init(&reg->cv, NULL);
	/* library chunks first (every state runs them) */
	for (f = ba_generators; f->name; f++) {
		n = strlen(f->name);
		if (f->name[0] == '_' && n > 4 && !strcmp(f->name + n - 4, ".lua")) {
			size_t c2 = cap, c3 = cap;
			ba_array_reserve((void **)&reg->lib_src, &cap, reg->nlibs + 1, sizeof(char *));
			ba_array_reserve((void **)&reg->lib_len, &c2, reg->nlibs + 1, sizeof(size_t));
			ba_array_reserve((void **)&reg->lib_names, &c3, reg->nlibs + 1, sizeof(char *));
			reg->lib_src[reg->nlibs] = f->data;
			reg->lib_len[reg->nlibs] = f->len;
			reg->lib_names[reg->nlibs] = f->name;
			reg->nlibs++;
		}
	}
	for (f = ba_generators; f->name && rc == 0; f++) {
		n = strlen(f->name);
		if (f->name[0] != '_' && !strchr(f->name, '/') && n > 4 && !strcmp(f->name + n - 4, ".lua")) {
			char *cn = ba_asprintf("@generators/%s", f->name);
			char *origin = ba_asprintf("builtin:%s", f->name);
			rc = registry_add(reg, cn, f->data, f->len, origin, err);
			free(cn);
			free(origin);
		}
	}
	if (rc == 0 && extra_dir)
		rc = add_dir(reg, extra_dir, err);
	if (rc != 0) {
		ba_gen_registry_free(reg);
		return rc;
	}
	*out = reg;
	return 0;
}

void ba_gen_registry_free(ba_gen_registry *reg)
{
	size_t i;
	int k;

	if (!reg)
		return;
	for (k = 0; k < reg->nstates; k++)
		gen_state_free(reg->states[k]);
	for (i = 0; i < reg->ngens; i++) {
		json_decref(reg->gens[i].meta);
		free(reg->gens[i].src);
		free(reg->gens[i].chunkname);
	}
	free(reg->gens);
	free(reg->lib_src);
	free(reg->lib_len);
	free(reg->lib_names);
	pthread_mutex_destroy(&reg->mu);
	pthread_cond_destroy(&reg->cv);
	free(reg);
}

void ba_gen_set_limits(ba_gen_registry *reg, long instructions, size_t memory_bytes)
{
	int k;

	if (instructions > 0)
		reg->instr_limit = instructions;
	if (memory_bytes > 0)
		reg->mem_limit = memory_bytes;
	for (k = 0; k < reg->nstates; k++) {
		reg->states[k]->instr_limit = reg->instr_limit;
		reg->states[k]->mem_limit = reg->mem_limit > reg->states[k]->mem_used
						    ? reg->mem_limit : reg->states[k]->mem_used + (1u << 20);
	}
}

size_t ba_gen_count(const ba_gen_registry *reg)
{
	return reg ? reg->ngens : 0;
}

const ba_gen_info *ba_gen_at(const ba_gen_registry *reg, size_t i)
{
	return reg && i < reg->ngens ? &reg->gens[i].info : NULL;
}

const ba_gen_info *ba_gen_find(const ba_gen_registry *reg, const char *name)
{
	size_t i = reg ? gen_index(reg, name) : (size_t)-1;
	return i == (size_t)-1 ? NULL : &reg->gens[i].info;
}

/* ---- generate ---- */

struct call_args {
	ba_gen_registry *reg;
	gen_state *gs;
	size_t idx;
	int difficulty;
	const json_t *item;
	const char *response;
};

static int generate_tramp(lua_State *L)
{
	struct call_args *a = lua_touserdata(L, 1);

	lua_settop(L, 0);
	gen_push_module(L, a->reg, a->idx);
	lua_pushliteral(L, "generate");
	lua_rawget(L, -2);
	gen_push_rng(L, a->gs);
	lua_pushinteger(L, a->difficulty);
	lua_call(L, 2, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "generate() must return a table (got %s)", luaL_typename(L, -1));
	return 1;
}

static char *scalar_text(const json_t *v)
{
	if (json_is_string(v))
		return ba_strdup(json_string_value(v));
	if (json_is_integer(v))
		return ba_asprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d == floor(d) && fabs(d) < 1e15)
			return ba_asprintf("%.0f", d);
		return ba_asprintf("%.10g", d);
	}
	if (json_is_boolean(v))
		return ba_strdup(json_is_true(v) ? "yes" : "no");
	return NULL;
}

/* The item fields the scorer and the solver read: tolerance and
 * rel_tolerance (numbers >= 0), scorer (a name in the scorer table),
 * aliases (strings), scene (the description the picture was drawn from;
 * the solver sees it, the examinee sees the picture). */
static int item_scoring_fields(const char *who, const json_t *raw, json_t *it, ba_error *err)
{
	static const char *const nums[] = { "tolerance", "rel_tolerance", NULL };
	json_t *v;
	size_t i;

	for (i = 0; nums[i]; i++)
		if ((v = json_object_get(raw, nums[i])) != NULL) {
			if (!json_is_number(v) || json_number_value(v) < 0)
				return ba_error_set(err, BA_EINVAL, "generator %s: item.%s must be a number >= 0", who,
						    nums[i]);
			json_object_set(it, nums[i], v);
		}
	if ((v = json_object_get(raw, "scorer")) != NULL) {
		if (!json_is_string(v) || !ba_score_find(json_string_value(v)))
			return ba_error_set(err, BA_EINVAL, "generator %s: item.scorer is not a known scorer", who);
		json_object_set(it, "scorer", v);
	}
	if ((v = json_object_get(raw, "aliases")) != NULL) {
		json_t *a;
		if (!json_is_array(v))
			return ba_error_set(err, BA_EINVAL, "generator %s: item.aliases must be a list of strings", who);
		json_array_foreach(v, i, a)
			if (!json_is_string(a))
				return ba_error_set(err, BA_EINVAL, "generator %s: item.aliases must be a list of strings",
						    who);
		json_object_set(it, "aliases", v);
	}
	if ((v = json_object_get(raw, "scene")) != NULL)
		json_object_set(it, "scene", v);
	return 0;
}

/* choices (2..10 distinct strings) and the answer as a letter plus
 * answer_text; without choices the answer as it is. */
static int item_choices(const char *who, const json_t *raw, const char *ans, json_t *it, ba_error *err)
{
	json_t *v = json_object_get(raw, "choices"), *c;
	size_t i, n = json_array_size(v), j;
	long hit = -1;

	if (!v) {
		json_object_set_new(it, "answer", json_string(ans));
		return 0;
	}
	if (!json_is_array(v) || n < 2 || n > 10)
		return ba_error_set(err, BA_EINVAL, "generator %s: item.choices must be a list of 2..10 strings", who);
	json_array_foreach(v, i, c) {
		if (!json_is_string(c))
			return ba_error_set(err, BA_EINVAL, "generator %s: choices[%zu] is not a string", who, i + 1);
		for (j = 0; j < i; j++)
			if (json_equal(c, json_array_get(v, j)))
				return ba_error_set(err, BA_EINVAL, "generator %s: choices %zu and %zu are the same", who,
						    j + 1, i + 1);
		if (!strcmp(json_string_value(c), ans))
			hit = (long)i;
	}
	if (strlen(ans) == 1 && ans[0] >= 'A' && ans[0] < 'A' + (int)n)
		hit = ans[0] - 'A';
	if (hit < 0)
		return ba_error_set(err, BA_EINVAL,
				    "generator %s: item.answer '%.60s' is neither a choice letter nor a choice's text", who, ans);
	json_object_set(it, "choices", v);
	json_object_set_new(it, "answer", json_sprintf("%c", (char)('A' + hit)));
	json_object_set(it, "answer_text", json_array_get(v, (size_t)hit));
	return 0;
}

/* An audio generator's item: item.audio is the scene the sound is made
 * from (docs/audio.md "Scenes"); it becomes the item's scene (what the
 * solver reads, never shown as text) and an audio media entry, rendered
 * later (gen_audio_item) when the item goes into a store. */
static int item_audio(const gen_entry *g, const json_t *raw, json_t *it, json_t *media, ba_error *err)
{
	const char *who = g->info.name;
	json_t *v = json_object_get(raw, "audio");

	if (!v && !g->audio)
		return 0;
	if (!g->audio)
		return ba_error_set(err, BA_EINVAL, "generator %s: item.audio needs \"audio\" in the generator's modalities", who);
	if (!v)
		return ba_error_set(err, BA_EINVAL, "generator %s: an audio generator's item needs item.audio (a scene)", who);
	if (json_object_get(raw, "scene"))
		return ba_error_set(err, BA_EINVAL, "generator %s: an audio item's scene is its audio: return item.audio, not item.scene", who);
	if (ba_audio_scene_check(v, err) != 0)
		return ba_error_prefix(err, "generator %s: item.audio: ", who), BA_EINVAL;
	json_object_set(it, "scene", v);
	json_array_append_new(media, json_pack("{s:s, s:n, s:s, s:s}", "type", "audio", "path", "sha256", "unrendered",
					       "mime", "audio/wav"));
	return 0;
}

/* Turn the generator's table (as JSON) into the item shape. Steals raw. */
static int build_item(const gen_entry *g, json_t *raw, uint64_t seed, int difficulty, json_t **item,
		      ba_error *err)
{
	const char *who = g->info.name;
	json_t *it = json_object(), *v, *media = NULL, *meta;
	const char *k, *atype = g->info.answer_type;
	char *ans = NULL;
	int rc = 0;

	v = json_object_get(raw, "question");
	if (!json_is_string(v) || json_string_length(v) == 0) {
		rc = ba_error_set(err, BA_EINVAL, "generator %s: item.question must be a non-empty string", who);
		goto out;
	}
	json_object_set(it, "question", v);
	if ((v = json_object_get(raw, "context")) != NULL) {
		if (!json_is_string(v)) {
			rc = ba_error_set(err, BA_EINVAL, "generator %s: item.context must be a string", who);
			goto out;
		}
		json_object_set(it, "context", v);
	}
	if ((v = json_object_get(raw, "answer_type")) != NULL) {
		if (!json_is_string(v) || !ba_answer_type_known(json_string_value(v))) {
			rc = ba_error_set(err, BA_EINVAL, "generator %s: item.answer_type is not a known type", who);
			goto out;
		}
		atype = json_string_value(v);
	}
	ans = scalar_text(json_object_get(raw, "answer"));
	if (!ans || !*ans) {
		rc = ba_error_set(err, BA_EINVAL, "generator %s: item.answer must be a non-empty string or number", who);
		goto out;
	}
	if ((rc = item_choices(who, raw, ans, it, err)) != 0)
		goto out;
	json_object_set_new(it, "answer_type", json_string(atype));
	if ((v = json_object_get(raw, "explanation")) != NULL) {
		if (!json_is_string(v)) {
			rc = ba_error_set(err, BA_EINVAL, "generator %s: item.explanation must be a string", who);
			goto out;
		}
		json_object_set(it, "explanation", v);
	}
	media = json_array();
	if ((v = json_object_get(raw, "image")) != NULL) {
		if (!json_is_object(v) || !json_object_get(v, "sha256")) {
			rc = ba_error_set(err, BA_EINVAL, "generator %s: item.image must be a canvas", who);
			goto out;
		}
		json_array_append(media, v);
	}
	if ((v = json_object_get(raw, "media")) != NULL) {
		size_t i;
		json_t *m;
		if (!json_is_array(v)) {
			rc = ba_error_set(err, BA_EINVAL, "generator %s: item.media must be a list of canvases", who);
			goto out;
		}
		json_array_foreach(v, i, m) {
			if (!json_is_object(m) || !json_object_get(m, "sha256")) {
				rc = ba_error_set(err, BA_EINVAL, "generator %s: item.media[%zu] is not a canvas", who, i + 1);
				goto out;
			}
			json_array_append(media, m);
		}
	}
	if ((rc = item_audio(g, raw, it, media, err)) != 0)
		goto out;
	if (json_array_size(media) > 0)
		json_object_set(it, "media", media);
	else if (g->visual) {
		rc = ba_error_set(err, BA_EINVAL, "generator %s: a visual generator's item needs an image", who);
		goto out;
	}
	if ((rc = item_scoring_fields(who, raw, it, err)) != 0)
		goto out;
	if (g->scorer && !json_object_get(it, "scorer"))
		json_object_set_new(it, "scorer", json_string(g->scorer));
	meta = json_object_get(raw, "metadata");
	if (meta && !json_is_object(meta)) {
		rc = ba_error_set(err, BA_EINVAL, "generator %s: item.metadata must be a table of named values", who);
		goto out;
	}
	meta = meta ? json_deep_copy(meta) : json_object();
	json_object_foreach(raw, k, v) {
		/* anything else the generator returned is kept as metadata */
		if (!in_list(k, (const char *const[]){ "question", "context", "answer", "answer_type", "choices",
							  "explanation", "image", "media", "metadata", "scene",
							  "tolerance", "rel_tolerance", "scorer", "aliases", "audio", NULL }))
			json_object_set(meta, k, v);
	}
	json_object_set_new(it, "metadata", meta);
	json_object_set_new(it, "difficulty", json_integer(difficulty));
	json_object_set_new(it, "source", json_pack("{s:s,s:s,s:I,s:i}", "kind", "generator", "generator", who,
						    "seed", (json_int_t)seed, "difficulty", difficulty));
out:
	free(ans);
	json_decref(media);
	json_decref(raw);
	if (rc != 0) {
		json_decref(it);
		return rc;
	}
	*item = it;
	return 0;
}

int ba_gen_generate(ba_gen_registry *reg, const char *name, uint64_t seed, int difficulty,
		    ba_store *st, json_t **item, ba_error *err)
{
	return gen_generate(reg, name, seed, difficulty, st, 1, item, err);
}

int gen_generate(ba_gen_registry *reg, const char *name, uint64_t seed, int difficulty, ba_store *st,
		 int render, json_t **item, ba_error *err)
{
	size_t idx = gen_index(reg, name);
	struct call_args a;
	gen_state *gs;
	json_t *raw;
	int status, rc;

	*item = NULL;
	if (idx == (size_t)-1)
		return ba_error_set(err, BA_ENOTFOUND, "no generator named '%s' (see 'benchagent gen list')",
				    name ? name : "");
	if (difficulty < 1 || difficulty > 5)
		return ba_error_set(err, BA_EINVAL, "generator %s: difficulty %d is not in 1..5", name, difficulty);
	if ((gs = gen_acquire(reg, err)) == NULL)
		return err ? err->code : BA_ERR;
	gen_state_arm(gs, reg->instr_limit);
	ba_rng_seed(&gs->rng, seed ^ ((uint64_t)difficulty * 0x9e3779b97f4a7c15ULL),
		    ba_rng_seed_from(0, reg->gens[idx].info.name));
	a.reg = reg;
	a.gs = gs;
	a.idx = idx;
	a.difficulty = difficulty;
	lua_pushcfunction(gs->L, generate_tramp);
	lua_pushlightuserdata(gs->L, &a);
	status = lua_pcall(gs->L, 1, 1, 0);
	if (status != LUA_OK || gs->limit_hit) {
		rc = gen_state_fail(gs, status == LUA_OK ? LUA_ERRRUN : status, name, "generate", err);
		gen_release(reg, gs);
		return rc;
	}
	gs->no_render = !render;
	raw = gen_lua_to_json(gs, -1, st, err);
	gs->no_render = 0;
	lua_settop(gs->L, 0);
	gen_release(reg, gs);
	if (!raw)
		return ba_error_prefix(err, "generator %s: ", name), err ? err->code : BA_EINVAL;
	rc = build_item(&reg->gens[idx], raw, seed, difficulty, item, err);
	return rc == 0 && render && st && reg->gens[idx].audio ? gen_audio_item(name, item, st, err) : rc;
}

/* ---- verify ---- */

static int verify_tramp(lua_State *L)
{
	struct call_args *a = lua_touserdata(L, 1);

	lua_settop(L, 0);
	gen_push_module(L, a->reg, a->idx);
	lua_pushliteral(L, "verify");
	if (lua_rawget(L, -2) != LUA_TFUNCTION) {
		lua_pop(L, 1);
		lua_getfield(L, LUA_REGISTRYINDEX, "ba.base");
		lua_getfield(L, -1, "util");
		if (!lua_istable(L, -1))
			return luaL_error(L, "no verify() and no util library");
		lua_getfield(L, -1, "verify");
	}
	gen_json_to_lua(L, a->item, 0);
	lua_pushstring(L, a->response);
	lua_call(L, 2, 1);
	return 1;
}

int ba_gen_verify(ba_gen_registry *reg, const char *name, const json_t *item,
		  const char *response, double *score, ba_error *err)
{
	size_t idx = gen_index(reg, name);
	struct call_args a;
	gen_state *gs;
	json_t *withsc = NULL;
	int status, rc = 0;

	*score = 0;
	if (idx == (size_t)-1)
		return ba_error_set(err, BA_ENOTFOUND, "no generator named '%s'", name ? name : "");
	if (!json_is_object(item))
		return ba_error_set(err, BA_EINVAL, "generator %s: verify needs an item object", name);
	if ((gs = gen_acquire(reg, err)) == NULL)
		return err ? err->code : BA_ERR;
	gen_state_arm(gs, reg->instr_limit);
	a.reg = reg;
	a.gs = gs;
	a.idx = idx;
	/* an item without its own scorer is scored by the generator's */
	if (reg->gens[idx].scorer && !json_object_get(item, "scorer")) {
		withsc = json_copy((json_t *)item);
		json_object_set_new(withsc, "scorer", json_string(reg->gens[idx].scorer));
	}
	a.item = withsc ? withsc : item;
	a.response = response ? response : "";
	lua_pushcfunction(gs->L, verify_tramp);
	lua_pushlightuserdata(gs->L, &a);
	status = lua_pcall(gs->L, 1, 1, 0);
	if (status != LUA_OK || gs->limit_hit) {
		rc = gen_state_fail(gs, status == LUA_OK ? LUA_ERRRUN : status, name, "verify", err);
	} else if (lua_type(gs->L, -1) == LUA_TNUMBER) {
		double d = lua_tonumber(gs->L, -1);
		*score = isfinite(d) ? (d < 0 ? 0 : d > 1 ? 1 : d) : 0;
	} else if (lua_type(gs->L, -1) == LUA_TBOOLEAN) {
		*score = lua_toboolean(gs->L, -1) ? 1 : 0;
	} else {
		rc = ba_error_set(err, BA_EINVAL, "generator %s: verify() must return a number in [0,1] (got %s)",
				  name, lua_typename(gs->L, lua_type(gs->L, -1)));
	}
	lua_settop(gs->L, 0);
	gen_release(reg, gs);
	json_decref(withsc);
	return rc;
}

int ba_gen_registry_add_plan(ba_gen_registry *reg, const json_t *plan, ba_error *err)
{
	json_t *src;
	size_t i;

	json_array_foreach(json_object_get(plan, "sources"), i, src) {
		const char *lua = ba_json_str(src, "lua", NULL), *name = ba_json_str(src, "generator", "");
		char *chunk;
		int rc;

		if (!lua || ba_gen_find(reg, name))
			continue;
		chunk = ba_asprintf("=plan:%s", name);
		rc = ba_gen_registry_add_source(reg, chunk, lua, strlen(lua), err);
		free(chunk);
		if (rc)
			return ba_error_prefix(err, "plan source %s: ", ba_json_str(src, "id", "?"));
	}
	return 0;
}

int ba_gen_registry_add_bench(ba_gen_registry *reg, const char *bench_dir, ba_error *err)
{
	char *path = ba_path_join(bench_dir, "plan.json");
	json_t *plan = NULL;
	int rc = 0;

	if (ba_fs_exists(path) && (rc = ba_json_load_file(&plan, path, 0, err)) == 0)
		rc = ba_gen_registry_add_plan(reg, plan, err);
	json_decref(plan);
	free(path);
	return rc;
}
