/*
 * build.c - ba_exec_build(): plan -> units -> execution -> verification
 * -> duplicates -> quota check and replenishment rounds -> output folder.
 * Everything per unit is in the store, and every decision is a function
 * of the plan, the seed and stored results, so a rerun after a crash
 * gives the same benchmark as an uninterrupted run.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/audit.h"
#include "benchagent/benchout.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/prompt.h"
#include "benchagent/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ba_exec_unit_verify(ba_exec_ctx *x, const json_t *unit, ba_error *err)
{
	const char *key = ba_json_str(unit, "key", "");
	const json_t *subtask = ba_exec_plan_subtask(x->plan, ba_json_str(unit, "subtask", ""));
	json_t *state = NULL, *item = NULL, *qc;
	char *status = NULL;
	int rc, nfail;

	if ((rc = ba_item_get(x->st, x->run_id, key, &state, &status, err)) != 0)
		return rc;
	if (strcmp(status, "built") != 0)
		goto cleanup;
	item = ba_exec_finalize(state);
	ba_exec_media_here(x->st, item);
	qc = json_object();
	json_object_set_new(item, "qc", qc);
	nfail = ba_verify_item(item, subtask, qc);
	/* a generator unit's key was checked by its own verify() when drawn */
	if (json_object_get(json_object_get(state, "src"), "verify"))
		json_object_set(qc, "verify", json_object_get(json_object_get(state, "src"), "verify"));
	if (nfail == 0 && x->inspector && x->gw) {
		ba_inspect_opts o = { .run_id = x->run_id, .repair = x->repair, .subtask = subtask,
				      .media_root = ba_store_workspace(x->st), .can_wait = 1 };
		json_t *fixed = NULL, *models = json_array(), *m;
		ba_error e2 = BA_ERROR_INIT;
		int mock = 0;
		size_t i;

		rc = ba_verify_inspect(x->gw, &o, item, qc, &fixed, &mock, models, &e2);
		pthread_mutex_lock(&x->mu);
		json_array_foreach(models, i, m)
			json_object_set_new(x->models, json_string_value(m), json_true());
		if (mock)
			x->mock = 1;
		pthread_mutex_unlock(&x->mu);
		json_decref(models);
		if (rc == BA_EBUDGET || rc == BA_EPENDING) {
			json_decref(fixed);
			ba_error_set(err, rc, "%s", e2.msg);
			goto cleanup;
		}
		if (rc < 0) {
			/* inspector unreachable: leave the unit built for a rerun */
			BA_WARN("%s: inspector failed, item left unverified: %s", key, e2.msg);
			pthread_mutex_lock(&x->mu);
			x->unverified++;
			pthread_mutex_unlock(&x->mu);
			json_decref(fixed);
			rc = 0;
			goto cleanup;
		}
		if (rc == 0)
			nfail = 1;
		if (fixed) {
			static const char *keys[] = { "question", "context", "choices", "explanation", NULL };
			size_t k;
			for (k = 0; keys[k]; k++)
				if (json_object_get(fixed, keys[k]))
					json_object_set(item, keys[k], json_object_get(fixed, keys[k]));
			json_object_set_new(json_object_get(item, "provenance"), "repaired", json_true());
			json_decref(fixed);
		}
		if (mock)
			json_object_set_new(json_object_get(item, "provenance"), "mock", json_true());
	} else if (nfail == 0) {
		json_object_set_new(qc, "inspector", json_pack("{s:s, s:s}", "verdict", "skip", "reason",
							    x->gw ? "inspector disabled" : "no model configured"));
	}
	/* the item now carries everything the draft had */
	json_object_del(state, "draft");
	json_object_set_new(state, "item", item);
	item = NULL;
	rc = ba_item_put(x->st, x->run_id, key, ba_json_str(unit, "subtask", ""),
			 nfail ? "rejected" : "checked", state, err);
cleanup:
	json_decref(item);
	json_decref(state);
	free(status);
	return rc;
}

static int cursor_fn(void *ud, const char *key, const char *subtask, const char *status, json_t *data)
{
	ba_exec_ctx *x = ud;
	const char *src = ba_json_str(json_object_get(data, "unit"), "source", NULL);
	json_t *pos = json_object_get(json_object_get(data, "src"), "pos");

	(void)subtask;
	(void)status;
	json_object_set_new(x->stored_before, key, json_true());
	if (strncmp(key, "x:", 2) != 0 || !src || !json_is_integer(pos))
		return 0;
	if (json_integer_value(pos) + 1 > ba_json_int(x->src_cursor, src, 0))
		json_object_set_new(x->src_cursor, src, json_integer(json_integer_value(pos) + 1));
	/* a slot keeps its sample across edits of its recipe */
	if (ba_json_str(json_object_get(data, "unit"), "slot", NULL))
		json_object_set(x->slot_pos, ba_json_str(json_object_get(data, "unit"), "slot", NULL), pos);
	return 0;
}

static int validate_plan(const json_t *plan, ba_error *err)
{
	static const char *arrays[] = { "subtasks", "sources", "quotas", NULL };
	json_t *q = json_object_get(plan, "query");
	size_t i;

	if (!json_is_object(plan))
		return ba_error_set(err, BA_EINVAL, "plan: expected a JSON object");
	for (i = 0; arrays[i]; i++)
		if (!json_is_array(json_object_get(plan, arrays[i])))
			return ba_error_set(err, BA_EINVAL, "plan: %s: expected a list", arrays[i]);
	if (!json_is_object(q) || !ba_json_str(q, "id", NULL))
		return ba_error_set(err, BA_EINVAL, "plan: query.id: missing");
	return 0;
}

typedef struct tally {
	json_t *checks; /* name -> {passed, failed, skipped} */
} tally;

static void tally_qc(tally *t, const json_t *qc)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)qc, k, v) {
		const char *verdict = ba_json_str(v, "verdict", "skip");
		json_t *c = json_object_get(t->checks, k);
		const char *field = !strcmp(verdict, "pass") ? "passed" : !strcmp(verdict, "fail") ? "failed" : "skipped";
		if (!c) {
			c = json_pack("{s:i, s:i, s:i}", "passed", 0, "failed", 0, "skipped", 0);
			json_object_set_new(t->checks, k, c);
		}
		json_object_set_new(c, field, json_integer(ba_json_int(c, field, 0) + 1));
	}
}

/* key -> {status, data} for every unit of the run. The states are kept
 * in x->states from round to round: a unit is read again only when its
 * status changed (or ba_exec_gate_units marked it: the gate rewrites a
 * verdict under the same status). New ref. */
static int load_states(ba_exec_ctx *x, json_t **out, ba_error *err)
{
	json_t *map = ba_item_statuses(x->st, x->run_id), *m = json_object(), *st;
	const char *key;
	int rc = 0;

	if (!x->states)
		x->states = json_object();
	json_object_foreach(map, key, st) {
		json_t *e = json_object_get(x->states, key), *data = NULL;
		char *status = NULL;
		if (!e || strcmp(ba_json_str(e, "status", ""), json_string_value(st))) {
			if ((rc = ba_item_get(x->st, x->run_id, key, &data, &status, err)) != 0)
				break;
			e = json_pack("{s:s, s:o}", "status", status, "data", data);
			json_object_set_new(x->states, key, e);
			free(status);
		}
		json_object_set(m, key, e);
	}
	json_decref(map);
	if (rc != 0) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

static int collect(ba_exec_ctx *x, const json_t *units, const json_t *states, double thr, int shingle,
		   json_t **cands_out, json_t **per_quota, json_t **status_count, ba_error *err)
{
	json_t *cands = json_array(), *pq = json_array(), *sc = json_object(), *u;
	size_t i, nq = json_array_size(json_object_get(x->plan, "quotas"));
	long *dup;

	for (i = 0; i < nq; i++)
		json_array_append_new(pq, json_pack("{s:[], s:b, s:i, s:i}", "items", "exhausted", 0,
						    "failed", 0, "rejected", 0));
	json_array_foreach(units, i, u) {
		json_t *q = json_array_get(pq, (size_t)ba_json_int(u, "quota", 0));
		json_t *e = json_object_get(states, ba_json_str(u, "key", ""));
		json_t *state = json_object_get(e, "data");
		const char *status = ba_json_str(e, "status", "missing");
		json_object_set_new(sc, status, json_integer(ba_json_int(sc, status, 0) + 1));
		if (!strcmp(status, "checked"))
			json_array_append_new(cands, json_pack("{s:O, s:O}", "unit", u, "item",
							       json_object_get(state, "item")));
		else if (!strcmp(status, "exhausted"))
			json_object_set_new(q, "exhausted", json_true());
		else if (!strcmp(status, "failed"))
			json_object_set_new(q, "failed", json_integer(ba_json_int(q, "failed", 0) + 1));
		else if (!strcmp(status, "rejected"))
			json_object_set_new(q, "rejected", json_integer(ba_json_int(q, "rejected", 0) + 1));
	}
	{
		json_t *items = json_array(), *c;
		json_array_foreach(cands, i, c)
			json_array_append(items, json_object_get(c, "item"));
		dup = ba_calloc(json_array_size(items) + 1, sizeof(*dup));
		ba_verify_dedup(items, thr, shingle, dup);
		json_array_foreach(cands, i, c) {
			json_t *it = json_object_get(c, "item"), *qc = json_object_get(it, "qc");
			json_t *q = json_array_get(pq, (size_t)ba_json_int(json_object_get(c, "unit"), "quota", 0));
			if (dup[i] >= 0) {
				const json_t *orig = json_object_get(json_array_get(cands, (size_t)dup[i]), "unit");
				json_object_set_new(qc, "duplicate",
						    json_pack("{s:s, s:o}", "verdict", "fail", "reason",
							      json_sprintf("duplicate of %s", ba_json_str(orig, "key", "?"))));
				json_object_set_new(q, "rejected", json_integer(ba_json_int(q, "rejected", 0) + 1));
			} else {
				json_object_set_new(qc, "duplicate", json_pack("{s:s}", "verdict", "pass"));
				/* which unit made it (work_counts), dropped before the write */
				json_object_set(it, "_key", json_object_get(json_object_get(c, "unit"), "key"));
				json_array_append(json_object_get(q, "items"), it);
			}
		}
		free(dup);
		json_decref(items);
	}
	*cands_out = cands;
	*per_quota = pq;
	*status_count = sc;
	return 0;
}

/* What the items depend on besides the plan: the prompts the executor
 * and verifier render, and the generators' sources (short sha256s). */
/* One prompt's version into prompts (none when there is no such prompt). */
static void put_prompt(json_t *prompts, const char *name)
{
	char hex[65];
	const char *ver = ba_tool_prompt_version(name, hex);

	if (*ver)
		json_object_set_new(prompts, name, json_string(ver));
}

/* What the build's items depend on: the versions of the prompts (the step
 * planner's, every LLM tool's as its table entry names it, the verifier's)
 * and of the plan's generators. */
static json_t *versions(ba_exec_ctx *x)
{
	json_t *v = json_pack("{s:{}, s:{}}", "prompts", "generators"), *src;
	json_t *prompts = json_object_get(v, "prompts");
	const ba_tool *tools;
	size_t i, n;

	put_prompt(prompts, BA_EXEC_STEPS_PROMPT);
	tools = ba_tool_table(&n);
	for (i = 0; i < n; i++)
		if (tools[i].prompt)
			put_prompt(prompts, tools[i].prompt);
	for (i = 0; ba_verify_prompts[i]; i++)
		put_prompt(prompts, ba_verify_prompts[i]);
	json_array_foreach(json_object_get(x->plan, "sources"), i, src) {
		const ba_gen_info *gi;
		const char *g = ba_json_str(src, "generator", NULL);
		if (!g || !x->gen_reg || !(gi = ba_gen_find(x->gen_reg, g)) || !gi->version)
			continue;
		json_object_set_new(json_object_get(v, "generators"), g, json_stringn(gi->version, 12));
	}
	return v;
}

/* The plan with each generator source's version ("version": the sha256
 * of its code) in it, so a unit's recipe, hence its key, changes when its
 * generator does. New ref. */
static json_t *plan_with_versions(const json_t *plan, ba_gen_registry *reg)
{
	json_t *p = json_deep_copy(plan), *src;
	size_t i;

	json_array_foreach(json_object_get(p, "sources"), i, src) {
		const ba_gen_info *gi = ba_gen_find(reg, ba_json_str(src, "generator", ""));
		if (ba_exec_source_is_generator(src) && gi && gi->version)
			json_object_set_new(src, "version", json_string(gi->version));
	}
	return p;
}

/* The generators of a plan with generator sources: w->reg (borrowed), or
 * the built-ins plus any agent-written ones the plan carries as source. */
static int ctx_generators(ba_exec_ctx *x, const json_t *plan, const ba_exec_build_with *w, ba_error *err)
{
	int rc;

	if (ba_exec_plan_find_source(plan, 1) < 0)
		return 0;
	if (w && w->reg) {
		x->gen_reg = w->reg;
		x->gen_reg_borrowed = 1;
	} else if ((rc = ba_exec_plan_generators(plan, NULL, (ba_gen_registry **)&x->gen_reg, err)) != 0) {
		return rc;
	}
	x->plan_own = plan_with_versions(plan, x->gen_reg);
	x->plan = x->plan_own;
	return 0;
}

/* The executor's context for one build (workers, seed, verification
 * switches from cfg; the generator registry when the plan has generator
 * sources). Undo with ctx_free. */
static int ctx_init(ba_exec_ctx *x, ba_gateway *gw, ba_store *st, const ba_config *cfg, const json_t *plan,
		    int64_t run_id, const ba_exec_build_with *w, ba_error *err)
{
	memset(x, 0, sizeof(*x));
	x->gate = w ? w->gate : NULL;
	if (x->gate)
		ba_audit_gate_signature(x->gate, x->gate_sig);
	x->gw = gw;
	x->st = st;
	x->cfg = cfg;
	x->plan = plan;
	x->run_id = run_id;
	x->seed = json_is_integer(json_object_get(plan, "seed")) ? (uint64_t)ba_json_int(plan, "seed", 1) :
								 (uint64_t)cfg->execution.seed;
	/* ranges are checked when the file is read (config/sections.c) */
	x->workers = cfg->execution.workers;
	x->step_retries = cfg->execution.step_retries;
	x->fallback_role = cfg->execution.fallback_role;
	x->queue = cfg->execution.queue >= 0 ? cfg->execution.queue : st && !strcmp(ba_store_backend(st), "postgresql");
	x->lease_s = cfg->execution.lease_s;
	x->started = ba_now();
	{
		char host[128] = "host";
		gethostname(host, sizeof(host) - 1);
		snprintf(x->worker, sizeof(x->worker), "%s:%ld", host, (long)getpid());
	}
	/* no model makes or inspects the items of a no-model build: its
	 * gateway (build --audit) serves the judges alone */
	x->inspector = cfg->verification.inspector && !(w && w->no_item_models);
	x->repair = cfg->verification.repair && !(w && w->no_item_models);
	x->datasets = json_object();
	x->src_cursor = json_object();
	x->slot_pos = json_object();
	x->models = json_object();
	x->stored_before = json_object();
	pthread_mutex_init(&x->mu, NULL);
	/* generators up front (workers share the registry) */
	return ctx_generators(x, plan, w, err);
}

static void ctx_free(ba_exec_ctx *x)
{
	json_decref(x->datasets);
	json_decref(x->src_cursor);
	json_decref(x->slot_pos);
	json_decref(x->models);
	json_decref(x->stored_before);
	json_decref(x->plan_own);
	ba_exec_gen_prep_free(x->gen_prep);
	json_decref(x->states);
	if (x->gen_reg && !x->gen_reg_borrowed)
		ba_gen_registry_free(x->gen_reg);
	pthread_mutex_destroy(&x->mu);
}

/* What one round leaves behind: the units, their states, the checked
 * candidates, per quota the accepted items, the count per status. */
typedef struct round_out {
	json_t *units, *states, *cands, *pq, *sc;
} round_out;

static void round_clear(round_out *r)
{
	json_decref(r->units);
	json_decref(r->states);
	json_decref(r->cands);
	json_decref(r->pq);
	json_decref(r->sc);
	memset(r, 0, sizeof(*r));
}

/* build --audit: the panel judges what verification accepted (states
 * loaded into r->states, reloaded when the gate changed any). */
static int gate_pass(ba_exec_ctx *x, round_out *r, ba_error *err)
{
	json_t *todo;
	int rc;

	if ((rc = load_states(x, &r->states, err)) != 0)
		return rc;
	todo = ba_exec_gate_units(x, r->units, r->states);
	if (json_array_size(todo) > 0) {
		json_t *u;
		size_t i;
		/* judged units are read again */
		json_array_foreach(todo, i, u)
			json_object_del(x->states, ba_json_str(u, "key", ""));
		rc = ba_exec_parallel(x, todo, ba_exec_unit_gate, "audit", err);
		json_decref(r->states);
		r->states = NULL;
		if (rc == 0)
			rc = load_states(x, &r->states, err);
	}
	json_decref(todo);
	return rc;
}

/* The rounds of a generator quota: as many as a unit has draws (a draw
 * costs nothing but the gate's judges; a generator out of new items ends
 * its quota as exhausted). A dataset quota has
 * verification.replenish_rounds (each consumes samples and model calls). */
#define GEN_ROUNDS 50

/* What quota q asks of the next round (0: nothing): the items it is short
 * of while its source lasts, within its rounds. */
static long quota_wants(ba_exec_ctx *x, const json_t *q, const json_t *e, int round, int rounds)
{
	long want = (long)ba_json_int(q, "count", 0), have = (long)json_array_size(json_object_get(e, "items"));
	const json_t *src = ba_exec_plan_source(x->plan, ba_json_str(q, "source", ""));
	int gen = ba_exec_source_is_generator(src);

	if (have >= want || ba_json_bool(e, "exhausted", 0))
		return 0;
	return round < (gen ? GEN_ROUNDS : rounds) ? want - have : 0;
}

/* Build, verify and dedup every unit, then ask again for what a quota is
 * short of while its source lasts (replenishment rounds). *rounds_used
 * gets the last round's number. */
static int run_rounds(ba_exec_ctx *x, int rounds, double thr, int shingle, round_out *r, int *rounds_used,
		      ba_error *err)
{
	json_t *extra = json_object(), *q;
	size_t i;
	int round, rc = 0;

	for (round = 0;; round++) {
		int more = 0;
		round_clear(r);
		if ((rc = ba_exec_expand(x->plan, x->seed, extra, &r->units, err)) != 0 ||
		    (rc = ba_exec_prepare(x, r->units, err)) != 0 || (rc = ba_exec_run_all(x, r->units, err)) != 0)
			break;
		{
			json_t *map = ba_exec_status_map(x), *todo = ba_exec_units_with(r->units, map, "built");
			rc = ba_exec_parallel(x, todo, ba_exec_unit_verify, "verify", err);
			json_decref(map);
			json_decref(todo);
			if (rc != 0)
				break;
		}
		if ((rc = gate_pass(x, r, err)) != 0 ||
		    (rc = collect(x, r->units, r->states, thr, shingle, &r->cands, &r->pq, &r->sc, err)) != 0)
			break;
		json_array_foreach(json_object_get(x->plan, "quotas"), i, q) {
			long n = quota_wants(x, q, json_array_get(r->pq, i), round, rounds);
			char k[32];
			if (n <= 0)
				continue;
			snprintf(k, sizeof(k), "%zu", i);
			json_object_set_new(extra, k, json_integer(ba_json_int(extra, k, 0) + n));
			more = 1;
		}
		*rounds_used = round;
		if (!more)
			break;
		BA_INFO("replenishment round %d: %s", round + 1, "some subtasks are short");
	}
	json_decref(extra);
	return rc;
}

/* Final selection: per quota, the first `count` accepted in unit order,
 * then plan subtask order, ids. *subtasks_out: per subtask quota, items,
 * exhausted and per-source detail. New refs. */
static json_t *select_items(const json_t *plan, const round_out *r, const char *qid, json_t **subtasks_out)
{
	json_t *items = json_array(), *so_all = json_object(), *q, *ordered, *s2, *it;
	size_t i, j, k;

	json_array_foreach(json_object_get(plan, "quotas"), i, q) {
		json_t *e = json_array_get(r->pq, i);
		long want = (long)ba_json_int(q, "count", 0), taken = 0;
		const char *stid = ba_json_str(q, "subtask", "");
		json_t *so = json_object_get(so_all, stid);
		int exh = ba_json_bool(e, "exhausted", 0);
		if (!so) {
			so = json_pack("{s:s, s:i, s:i, s:b, s:[]}", "name",
				       ba_json_str(ba_exec_plan_subtask(plan, stid), "name", ""), "quota", 0, "items", 0,
				       "exhausted", 0, "sources");
			json_object_set_new(so_all, stid, so);
		}
		json_array_foreach(json_object_get(e, "items"), j, it) {
			if (taken >= want)
				break;
			json_array_append(items, it);
			taken++;
		}
		json_object_set_new(so, "quota", json_integer(ba_json_int(so, "quota", 0) + want));
		json_object_set_new(so, "items", json_integer(ba_json_int(so, "items", 0) + taken));
		if (taken < want && exh)
			json_object_set_new(so, "exhausted", json_true());
		json_array_append_new(json_object_get(so, "sources"),
				      json_pack("{s:s, s:I, s:I, s:b, s:I, s:I, s:s}", "source",
						ba_json_str(q, "source", ""), "quota", (json_int_t)want, "items",
						(json_int_t)taken, "exhausted", exh, "rejected",
						(json_int_t)ba_json_int(e, "rejected", 0), "failed",
						(json_int_t)ba_json_int(e, "failed", 0), "status",
						taken >= want ? "full" : exh ? "short: source exhausted" :
						"short: replenishment rounds used up"));
	}
	ordered = json_array();
	json_array_foreach(json_object_get(plan, "subtasks"), k, s2)
		json_array_foreach(items, j, it)
			if (!strcmp(ba_json_str(it, "subtask", ""), ba_json_str(s2, "id", "")))
				json_array_append(ordered, it);
	json_decref(items);
	json_array_foreach(ordered, k, it) {
		json_object_set_new(it, "id", json_sprintf("%s-%04zu", qid, k + 1));
		json_object_del(it, "aux");
	}
	*subtasks_out = so_all;
	return ordered;
}

/* Acceptance per check over every verified unit (candidates and rejected
 * ones), with totals and rates. New ref. */
static json_t *acceptance(const round_out *r)
{
	tally t = { json_object() };
	json_t *c, *u;
	const char *k;
	size_t i;

	json_array_foreach(r->cands, i, c)
		tally_qc(&t, json_object_get(json_object_get(c, "item"), "qc"));
	json_array_foreach(r->units, i, u) {
		json_t *e = json_object_get(r->states, ba_json_str(u, "key", ""));
		if (!strcmp(ba_json_str(e, "status", ""), "rejected"))
			tally_qc(&t, json_object_get(json_object_get(json_object_get(e, "data"), "item"), "qc"));
	}
	json_object_foreach(t.checks, k, c) {
		long p = (long)ba_json_int(c, "passed", 0), f = (long)ba_json_int(c, "failed", 0);
		json_object_set_new(c, "total", json_integer(p + f));
		json_object_set_new(c, "rate", json_real(p + f ? (double)p / (double)(p + f) : 1.0));
	}
	return t.checks;
}

/* Why units did not become items: reason -> count over failed units (their
 * error), rejected units and duplicate candidates (the first failed check
 * and its reason). New ref. */
static json_t *failure_reasons(const round_out *r)
{
	json_t *f = json_object(), *u, *c;
	size_t i;

	json_array_foreach(r->units, i, u) {
		json_t *e = json_object_get(r->states, ba_json_str(u, "key", ""));
		json_t *data = json_object_get(e, "data");
		const char *status = ba_json_str(e, "status", "");
		if (!strcmp(status, "failed"))
			ba_verify_count_reason(f, "build", ba_json_str(data, "error", "failed"));
		else if (!strcmp(status, "exhausted") && ba_json_str(json_object_get(data, "src"), "reason", NULL))
			ba_verify_count_reason(f, ba_json_str(json_object_get(data, "src"), "check", "source"),
					       ba_json_str(json_object_get(data, "src"), "reason", ""));
		else if (!strcmp(status, "exhausted"))
			ba_verify_count_reason(f, "source", "source exhausted");
		else if (!strcmp(status, "rejected"))
			ba_verify_count_qc(f, json_object_get(json_object_get(data, "item"), "qc"));
	}
	json_array_foreach(r->cands, i, c) {
		json_t *d = json_object_get(json_object_get(json_object_get(c, "item"), "qc"), "duplicate");
		if (!strcmp(ba_json_str(d, "verdict", ""), "fail"))
			ba_verify_count_reason(f, "duplicate", "near duplicate of an earlier item");
	}
	return f;
}

static json_t *manifest_extra(ba_exec_ctx *x, const round_out *r, json_t *subtasks_out, int round, double thr,
			      int rounds)
{
	ba_gateway_stats gs = { 0 };
	json_t *models = json_array(), *v, *checks = acceptance(r), *mextra;
	const char *k;

	if (x->gw)
		ba_gateway_stats_get(x->gw, &gs);
	json_object_foreach(x->models, k, v)
		json_array_append_new(models, json_string(k));
	mextra = json_pack("{s:O, s:o, s:I, s:f, s:b, s:{s:o, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:O, s:O, s:f, s:i}}",
			   "checks", checks, "models", models, "seed", (json_int_t)x->seed, "cost_usd", gs.cost_usd,
			   "mock", x->mock, "executor", "subtasks", subtasks_out, "rounds", round, "steps_run",
			   (json_int_t)x->steps_run, "steps_cached", (json_int_t)x->steps_cached, "steps_failed",
			   (json_int_t)x->steps_failed, "llm_step_plans", (json_int_t)x->llm_step_plans,
			   "refused_step_plans", (json_int_t)x->refused_step_plans, "unverified",
			   (json_int_t)x->unverified, "unit_status", r->sc, "checks", checks,
			   "near_duplicate_threshold", thr, "replenish_rounds", rounds);
	json_object_set_new(json_object_get(mextra, "executor"), "failures", failure_reasons(r));
	/* --batch-api: the stage rounds (one provider batch each) and batches sent */
	json_object_set_new(json_object_get(mextra, "executor"), "batch_rounds", json_integer(x->batch_rounds));
	json_object_set_new(json_object_get(mextra, "executor"), "batches", json_integer(gs.batches));
	json_decref(checks);
	json_object_set_new(mextra, "versions", versions(x));
	return mextra;
}

/* The benchmark's items whose unit was stored before this build began
 * (reused) and those this build made (generated). Drops their "_key". */
static void work_counts(const ba_exec_ctx *x, json_t *items, json_t *executor)
{
	json_t *it;
	size_t i;
	long reused = 0;

	json_array_foreach(items, i, it) {
		reused += json_object_get(x->stored_before, ba_json_str(it, "_key", "")) != NULL;
		json_object_del(it, "_key");
	}
	json_object_set_new(executor, "reused", json_integer(reused));
	json_object_set_new(executor, "generated", json_integer((json_int_t)json_array_size(items) - reused));
}

int ba_exec_build(ba_gateway *gw, ba_store *st, const ba_config *cfg, const json_t *plan,
		  int64_t run_id, const char *outdir, json_t **manifest, ba_error *err)
{
	return ba_exec_build_with_opts(gw, st, cfg, plan, run_id, outdir, NULL, manifest, err);
}

int ba_exec_build_with_opts(ba_gateway *gw, ba_store *st, const ba_config *cfg, const json_t *plan, int64_t run_id,
			    const char *outdir, const ba_exec_build_with *w, json_t **manifest, ba_error *err)
{
	ba_exec_ctx x;
	round_out r = { 0 };
	json_t *items = NULL, *mextra = NULL, *subtasks_out = NULL;
	const ba_audit_gate_opts *gate = w ? w->gate : NULL;
	double thr = cfg->verification.near_duplicate_threshold;
	int shingle = cfg->verification.shingle;
	int rounds = cfg->verification.replenish_rounds, round = 0, rc;

	if (manifest)
		*manifest = NULL;
	if ((rc = validate_plan(plan, err)) != 0)
		return rc;
	ba_exec_register_mocks();
	if (gate && !gw)
		return ba_error_set(err, BA_EINVAL, "build --audit: the judges need a model gateway");
	if ((rc = ctx_init(&x, gw, st, cfg, plan, run_id, w, err)) != 0)
		goto cleanup;
	if ((rc = ba_item_foreach(st, run_id, NULL, cursor_fn, &x, err)) != 0)
		goto cleanup;
	if ((rc = run_rounds(&x, rounds, thr, shingle, &r, &round, err)) != 0)
		goto cleanup;
	items = select_items(x.plan, &r, ba_json_str(json_object_get(plan, "query"), "id", "benchmark"),
			     &subtasks_out);
	mextra = manifest_extra(&x, &r, subtasks_out, round, thr, rounds);
	subtasks_out = NULL;
	work_counts(&x, items, json_object_get(mextra, "executor"));
	if (gate)
		json_object_set_new(mextra, "audit_gate", ba_exec_gate_manifest(gate, x.gate_sig));
	rc = ba_benchout_write(outdir, json_object_get(plan, "query"), plan, items, mextra, st, err);
	if (rc == 0 && manifest)
		*manifest = json_incref(json_object_get(mextra, "executor"));
cleanup:
	json_decref(subtasks_out);
	json_decref(mextra);
	json_decref(items);
	round_clear(&r);
	ctx_free(&x);
	return rc;
}
