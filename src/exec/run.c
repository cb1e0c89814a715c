/*
 * run.c - execution: every unit's state lives in the store (ba_item_put)
 * and is written after each step, so a crash loses at most the step in
 * flight, whose tool output is memoised anyway. Units run on a pool of
 * worker threads calling the blocking gateway (which multiplexes them).
 * A failed step is retried with the fallback role, then the failure is
 * recorded in the unit's state.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/progress.h"
#include "benchagent/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put_state(ba_exec_ctx *x, const json_t *unit, const char *status, const json_t *state,
		     ba_error *err)
{
	return ba_item_put(x->st, x->run_id, ba_json_str(unit, "key", ""),
			   ba_json_str(unit, "subtask", ""), status, state, err);
}

json_t *ba_exec_status_map(ba_exec_ctx *x)
{
	return ba_item_statuses(x->st, x->run_id);
}

json_t *ba_exec_units_with(const json_t *units, const json_t *map, const char *status)
{
	json_t *out = json_array(), *u;
	size_t i;

	json_array_foreach(units, i, u) {
		const char *s = ba_json_str(map, ba_json_str(u, "key", ""), NULL);
		if (status ? (s && !strcmp(s, status)) : !s)
			json_array_append(out, u);
	}
	return out;
}

/* One new unit's state: its first draft (generator units from gp) or why
 * there is none. 0, or a code that stops the build. */
static int new_state(ba_exec_ctx *x, ba_exec_gen_prep *gp, const json_t *u, json_t **state_out,
		     const char **status, ba_error *err)
{
	json_t *state, *draft = NULL, *src = NULL;
	ba_error e2 = BA_ERROR_INIT;
	int rc;

	*state_out = NULL;
	rc = ba_exec_unit_generator(x, u) ? ba_exec_gen_draft(x, gp, u, &draft, &src, &e2) :
					    ba_exec_unit_draft(x, u, &draft, &src, &e2);
	if (rc == BA_ENOMEM || rc == BA_EIO ||
	    (rc != 0 && rc != BA_ENOTFOUND && rc != BA_EINVAL && rc != BA_ELIMIT && rc != BA_ERR) ||
	    (rc == BA_ENOTFOUND && strstr(e2.msg, "no card"))) {
		json_decref(src);
		return ba_error_set(err, rc, "%s", e2.msg);
	}
	state = json_pack("{s:O, s:i, s:o, s:[]}", "unit", u, "next_step", 0, "src", src ? src : json_object(),
			  "provenance");
	/* a generator's draft starts its provenance; its redraws per check
	 * are the unit's "attempts" (the report's funnel) */
	if (json_object_get(src, "step")) {
		json_array_append(json_object_get(state, "provenance"), json_object_get(src, "step"));
		json_object_set(state, "attempts", json_object_get(src, "attempts"));
		json_object_del(src, "step");
		json_object_del(src, "attempts");
	}
	if (rc != 0) {
		*status = "failed";
		json_object_set_new(state, "error", json_string(e2.msg));
	} else if (!draft) {
		*status = "exhausted";
	} else {
		*status = "pending";
		json_object_set_new(state, "draft", draft);
	}
	*state_out = state;
	return 0;
}

#define PREPARE_BATCH 64  /* new units per transaction */

/* Store the drafted units of batch ({unit, status, state}) in one short
 * transaction (drafting happens outside it: a dataset load or an audio
 * render must not hold the store's write lock another process waits on). */
static int store_batch(ba_exec_ctx *x, json_t *batch, ba_error *err)
{
	json_t *e;
	size_t i;
	int rc;

	if (json_array_size(batch) == 0)
		return 0;
	if ((rc = ba_store_begin(x->st, err)) != 0)
		return rc;
	json_array_foreach(batch, i, e) {
		const json_t *u = json_object_get(e, "unit");
		/* another process sharing the store may have made (and advanced) it */
		if ((rc = ba_item_add(x->st, x->run_id, ba_json_str(u, "key", ""), ba_json_str(u, "subtask", ""),
				      ba_json_str(e, "status", ""), json_object_get(e, "state"), err)) != 0)
			break;
	}
	if (rc == 0)
		rc = ba_store_commit(x->st, err);
	else
		ba_store_rollback(x->st);
	json_array_clear(batch);
	return rc;
}

int ba_exec_prepare(ba_exec_ctx *x, const json_t *units, ba_error *err)
{
	json_t *u, *map = ba_exec_status_map(x), *batch = json_array();
	ba_exec_gen_prep *gp;
	size_t i;
	int rc = 0;

	if (x->gen_reg && !x->gen_prep)
		x->gen_prep = ba_exec_gen_prep_new(x);
	gp = x->gen_prep;
	/* in plan order: a generator unit's draws see every earlier one's item */
	json_array_foreach(units, i, u) {
		const char *status = NULL;
		json_t *state = NULL;

		if (ba_json_str(map, ba_json_str(u, "key", ""), NULL)) {
			if (gp && ba_exec_unit_generator(x, u) && (rc = ba_exec_gen_seen(x, gp, u, err)) != 0)
				break;
			continue;
		}
		if ((rc = new_state(x, gp, u, &state, &status, err)) != 0)
			break;
		json_array_append_new(batch, json_pack("{s:O, s:s, s:o}", "unit", u, "status", status, "state", state));
		if (json_array_size(batch) >= PREPARE_BATCH && (rc = store_batch(x, batch, err)) != 0)
			break;
	}
	/* what was drafted before a failure is kept too */
	if (json_array_size(batch) > 0) {
		ba_error e2 = BA_ERROR_INIT;
		int rc2 = store_batch(x, batch, rc ? &e2 : err);
		if (rc == 0)
			rc = rc2;
	}
	json_decref(batch);
	json_decref(map);
	return rc;
}

static const char *purpose_of(const json_t *tr, const char *tool)
{
	size_t i;
	json_t *s;

	json_array_foreach(tr, i, s)
		if (strcmp(ba_json_str(s, "tool", ""), tool) == 0)
			return ba_json_str(s, "purpose", NULL);
	return NULL;
}

/* Post-step normalisation every item gets: choices imply a letter answer. */
void ba_exec_settle_answer(json_t *d)
{
	json_t *choices = json_object_get(d, "choices");
	const char *a = ba_json_str(d, "answer", NULL);
	size_t i;

	if (json_array_size(choices) < 2 || !a || ba_letter_index(a) >= 0)
		return;
	for (i = 0; i < json_array_size(choices); i++) {
		char *nc = ba_verify_normalize(json_string_value(json_array_get(choices, i)));
		char *na = ba_verify_normalize(a);
		int eq = *nc && strcmp(nc, na) == 0;
		free(nc);
		free(na);
		if (eq) {
			char L[2] = { (char)('A' + i), 0 };
			json_object_set_new(d, "answer_text", json_string(a));
			json_object_set_new(d, "answer", json_string(L));
			return;
		}
	}
}

int ba_exec_unit_run(ba_exec_ctx *x, const json_t *unit, ba_error *err)
{
	const char *key = ba_json_str(unit, "key", ""), *stid = ba_json_str(unit, "subtask", "");
	const json_t *g = ba_exec_plan_grounding(x->plan, stid, ba_json_str(unit, "source", ""));
	json_t *state = NULL, *steps, *draft;
	char *status = NULL;
	int rc;
	size_t i;

	if ((rc = ba_item_get(x->st, x->run_id, key, &state, &status, err)) != 0)
		return rc;
	if (strcmp(status, "pending") != 0) {
		rc = 0;
		goto cleanup;
	}
	draft = json_object_get(state, "draft");
	if (!json_object_get(state, "steps")) {
		const char *origin;
		char note[512];
		json_t *st = NULL;
		if ((rc = ba_exec_steps_plan(x, unit, draft, &st, &origin, note, sizeof(note), err)) != 0)
			goto cleanup;
		json_object_set_new(state, "steps", st);
		json_object_set_new(state, "steps_origin", json_string(origin));
		if (note[0])
			json_object_set_new(state, "steps_note", json_string(note));
		if ((rc = put_state(x, unit, "pending", state, err)) != 0)
			goto cleanup;
	}
	steps = json_object_get(state, "steps");
	for (i = (size_t)ba_json_int(state, "next_step", 0); i < json_array_size(steps); i++) {
		json_t *s = json_array_get(steps, i), *out = NULL;
		const char *tool = ba_json_str(s, "tool", "");
		ba_tool_ctx tc = { 0 };
		ba_error e2 = BA_ERROR_INIT;
		int attempt, trc = BA_ERR;
		char label[64];

		snprintf(label, sizeof(label), "step%zu", i);
		tc.gw = x->gw;
		tc.st = x->st;
		tc.run_id = x->run_id;
		tc.seed = ba_rng_seed_from((uint64_t)ba_json_int(unit, "seed", 0), label);
		tc.ordinal = (long)ba_json_int(unit, "ordinal", 0);
		tc.subtask = ba_exec_plan_subtask(x->plan, stid);
		tc.purpose = purpose_of(json_object_get(g, "transformation"), tool);
		tc.can_wait = 1;
		for (attempt = 0; attempt <= x->step_retries; attempt++) {
			tc.attempt = attempt;
			tc.role = attempt == 0 ? "realize" : x->fallback_role;
			ba_error_clear(&e2);
			trc = ba_tool_run(&tc, tool, json_object_get(s, "args"),
					  json_object_get(state, "draft"), &out, &e2);
			if (trc == 0 || trc == BA_EBUDGET || trc == BA_EPENDING)
				break;
		}
		if (trc == BA_EPENDING) {
			/* the unit waits here for the stage's batch round */
			rc = ba_error_set(err, trc, "%s", e2.msg);
			goto cleanup;
		}
		if (trc == BA_EBUDGET) {
			rc = ba_error_set(err, trc, "%s", e2.msg);
			goto cleanup;
		}
		pthread_mutex_lock(&x->mu);
		if (trc == 0) {
			x->steps_run++;
			x->steps_cached += tc.cached;
			if (tc.model[0])
				json_object_set_new(x->models, tc.model, json_true());
			if (tc.mock)
				x->mock = 1;
		} else {
			x->steps_failed++;
		}
		pthread_mutex_unlock(&x->mu);
		if (trc != 0) {
			json_object_set_new(state, "error",
					    json_sprintf("step %zu (%s) failed after %d attempt(s): %s", i,
							 tool, attempt, e2.msg));
			rc = put_state(x, unit, "failed", state, err);
			goto cleanup;
		}
		json_array_append_new(json_object_get(state, "provenance"),
				      json_pack("{s:s, s:s, s:b, s:i}", "tool", tool, "model", tc.model,
						"mock", tc.mock, "attempts", attempt + 1));
		json_object_set_new(state, "draft", out);
		json_object_set_new(state, "next_step", json_integer((json_int_t)i + 1));
		if ((rc = put_state(x, unit, "pending", state, err)) != 0)
			goto cleanup;
	}
	ba_exec_settle_answer(json_object_get(state, "draft"));
	rc = put_state(x, unit, "built", state, err);
cleanup:
	free(status);
	json_decref(state);
	return rc;
}

typedef struct pool_arg {
	ba_exec_ctx *x;
	const json_t *units;
	ba_exec_unit_fn fn;
	ba_progress *prog;
	size_t next;
	int stop;
	int rc;
	ba_error err;
	json_t *waiting;    /* units stopped at a call queued for the batch round */
	pthread_mutex_t mu;
} pool_arg;

static void *worker(void *ud)
{
	pool_arg *p = ud;

	for (;;) {
		size_t i;
		ba_error e2 = BA_ERROR_INIT;
		int rc;

		pthread_mutex_lock(&p->mu);
		if (p->stop || p->next >= json_array_size(p->units)) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		rc = p->fn(p->x, json_array_get(p->units, i), &e2);
		if (rc == BA_EPENDING) {
			pthread_mutex_lock(&p->mu);
			json_array_append(p->waiting, json_array_get(p->units, i));
			pthread_mutex_unlock(&p->mu);
			continue;
		}
		ba_progress_add(p->prog, 1, 0);
		if (rc != 0) {
			pthread_mutex_lock(&p->mu);
			if (!p->rc) {
				p->rc = rc;
				p->err = e2;
			}
			p->stop = 1;
			pthread_mutex_unlock(&p->mu);
		}
	}
}

/* One pass of the pool over p->units (p->waiting gets the units that
 * stopped at a batch call). */
static void pool_pass(pool_arg *p)
{
	int n = p->x->workers, i;
	pthread_t *th;

	p->next = 0;
	if ((size_t)n > json_array_size(p->units))
		n = (int)json_array_size(p->units);
	if (n <= 1) {
		worker(p);
		return;
	}
	th = ba_calloc((size_t)n, sizeof(*th));
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, worker, p) != 0)
			th[i] = 0;
	for (i = 0; i < n; i++)
		if (th[i])
			pthread_join(th[i], NULL);
	free(th);
}

int ba_exec_parallel(ba_exec_ctx *x, const json_t *units, ba_exec_unit_fn fn, const char *stage,
		     ba_error *err)
{
	pool_arg p = { .x = x, .units = units, .fn = fn };
	json_t *todo = json_incref((json_t *)units);

	if (x->queue) {
		json_decref(todo);
		return ba_exec_queued(x, units, fn, stage, err);
	}
	if (json_array_size(units) == 0) {
		json_decref(todo);
		return 0;
	}
	p.prog = ba_progress_start(stage, (long)json_array_size(units));
	pthread_mutex_init(&p.mu, NULL);
	/* rounds: the units that stopped at a batch call go on once the
	 * round has answered their calls */
	for (;;) {
		p.units = todo;
		p.waiting = json_array();
		pool_pass(&p);
		json_decref(todo);
		todo = p.waiting;
		p.waiting = NULL;
		if (p.rc || json_array_size(todo) == 0)
			break;
		if ((p.rc = ba_exec_batch_round(x, stage, json_array_size(todo), &p.err)) != 0)
			break;
	}
	json_decref(todo);
	pthread_mutex_destroy(&p.mu);
	ba_progress_done(p.prog);
	if (p.rc) {
		if (err)
			*err = p.err;
		return p.rc;
	}
	return 0;
}

int ba_exec_run_all(ba_exec_ctx *x, const json_t *units, ba_error *err)
{
	json_t *map = ba_exec_status_map(x), *todo = ba_exec_units_with(units, map, "pending");
	int rc = ba_exec_parallel(x, todo, ba_exec_unit_run, "execute", err);
	json_decref(map);
	json_decref(todo);
	return rc;
}

json_t *ba_exec_finalize(const json_t *state)
{
	const json_t *d = json_object_get(state, "draft"), *unit = json_object_get(state, "unit");
	static const char *keep[] = { "question", "context", "choices", "answer", "answer_text",
				      "answer_type", "media", "explanation", "difficulty", "source",
				      "metadata", "tolerance", "rel_tolerance", "scorer", "aliases", "scene", NULL };
	json_t *it = json_object(), *prov, *models = json_array(), *s;
	size_t i;
	int mock = 0;

	json_object_set_new(it, "id", json_string(""));
	json_object_set(it, "subtask", json_object_get(unit, "subtask"));
	for (i = 0; keep[i]; i++) {
		json_t *v = json_object_get(d, keep[i]);
		if (v && !json_is_null(v))
			json_object_set(it, keep[i], v);
	}
	if (!json_object_get(it, "media"))
		json_object_set_new(it, "media", json_array());
	if (!json_object_get(it, "explanation"))
		json_object_set_new(it, "explanation", json_string(""));
	json_array_foreach(json_object_get(state, "provenance"), i, s) {
		const char *m = ba_json_str(s, "model", "");
		size_t j;
		json_t *e;
		int have = !*m;
		mock |= ba_json_bool(s, "mock", 0);
		json_array_foreach(models, j, e)
			have |= strcmp(json_string_value(e), m) == 0;
		if (!have)
			json_array_append_new(models, json_string(m));
	}
	prov = json_pack("{s:O, s:s, s:o, s:b}", "steps", json_object_get(state, "provenance"),
			 "steps_origin", ba_json_str(state, "steps_origin", "default"), "models", models,
			 "mock", mock);
	if (json_object_get(state, "steps_note"))
		json_object_set(prov, "steps_note", json_object_get(state, "steps_note"));
	json_object_set_new(it, "provenance", prov);
	return it;
}
