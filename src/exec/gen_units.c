/*
 * gen_units.c - the executor's generator units: a plan whose sources are
 * all generators becomes checked items, one store item per finished unit,
 * so a killed run resumes where it stopped and a rerun is instant. src/gen
 * draws a unit (ba_gen_draw_unit: seeded draws, the generator's schema and
 * its own verify()); what a draw must pass besides, the duplicate index of
 * ba_verify and the audit gate, is decided here, as are the units, their
 * keys, their records in the store and the quota's exhaustion.
 *
 * Determinism: units are visited in plan order; unit (subtask, generator
 * version, difficulty, i) draws from seeds derived from the base seed and
 * that label, redrawing on a failed check; the duplicate set holds every
 * earlier accepted item in the same order. So an interrupted-then-resumed
 * run and an uninterrupted one accept exactly the same items.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/audit.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DRAWS 50
#define BATCH 64
#define MAX_EXHAUSTED 3  /* consecutive unfillable units that end a quota */
/* Duplicates: ba_verify's index, the executor's one rule with its
 * settings (verification.near_duplicate_threshold, default 0.8, and
 * verification.shingle): equal normalised text and media, or MinHash
 * similarity at the threshold of stem and context. On the demo query it
 * refuses 1 draw in 301 (a redraw replaces it). */

static void count(json_t *checks, const char *name, int passed)
{
	json_t *c = json_object_get(checks, name);

	if (!c) {
		c = json_pack("{s:i,s:i}", "passed", 0, "total", 0);
		json_object_set_new(checks, name, c);
	}
	json_object_set_new(c, "total", json_integer(json_integer_value(json_object_get(c, "total")) + 1));
	if (passed)
		json_object_set_new(c, "passed", json_integer(json_integer_value(json_object_get(c, "passed")) + 1));
}

static const char *source_generator(const json_t *plan, const char *srcid)
{
	size_t i;
	json_t *s;

	json_array_foreach(json_object_get(plan, "sources"), i, s)
		if (!strcmp(ba_json_str(s, "id", ""), srcid))
			return !strcmp(ba_json_str(s, "kind", ""), "generator") ? ba_json_str(s, "generator", NULL) : NULL;
	return NULL;
}

/* What one build carries from unit to unit. */
typedef struct obuild {
	ba_gen_registry *reg;
	ba_store *st;
	int64_t run_id;
	uint64_t seed;
	ba_dedup *seen;          /* every accepted item, in plan order */
	json_t *checks, *failures, *shortfall;
	long reused, generated, since_commit;
	int in_tx;
	long delay_ms;
	ba_gateway *gw;           /* the judges' gateway (build --audit) */
	const ba_audit_gate_opts *gate;  /* build --audit, or NULL */
	const json_t *plan;
	char gate_sig[17];        /* ba_audit_gate_signature of gate */
	json_t *gate_rejected;    /* the current unit's draws the gate rejected: [{check, reason, question}] */
	int fatal;                /* the gate could not decide: stop the build */
	ba_error fatal_err;
} obuild;

/* A stored unit: replay its draw history so a rerun reports the same
 * acceptance, and take its item into the duplicate index. NULL when the
 * unit is not stored yet. */
static json_t *reuse_unit(obuild *b, const char *key)
{
	json_t *rec = NULL, *item = NULL, *att;
	char *status = NULL;
	ba_error e2 = BA_ERROR_INIT;
	long k, sf, vf, dp;

	if (ba_item_get(b->st, b->run_id, key, &rec, &status, &e2) == 0 && status && !strcmp(status, "done")) {
		item = json_incref(json_object_get(rec, "item"));
		att = json_object_get(rec, "attempts");
		sf = (long)ba_json_int(att, "schema_fail", 0);
		vf = (long)ba_json_int(att, "verify_fail", 0);
		dp = (long)ba_json_int(att, "duplicate", 0);
		if (b->gate) {
			long af = (long)ba_json_int(att, "audit_fail", 0);
			for (k = 0; k < af; k++)
				count(b->checks, "audit", 0);
			count(b->checks, "audit", 1);
		}
		for (k = 0; k < sf; k++)
			count(b->checks, "schema", 0);
		for (k = 0; k < 1 + vf + dp; k++)
			count(b->checks, "schema", 1);
		for (k = 0; k < vf; k++)
			count(b->checks, "verify", 0);
		for (k = 0; k < 1 + dp; k++)
			count(b->checks, "verify", 1);
		for (k = 0; k < dp; k++)
			count(b->checks, "duplicate", 0);
		count(b->checks, "duplicate", 1);
		ba_dedup_add(b->seen, item);
		b->reused++;
	}
	free(status);
	json_decref(rec);
	return item;
}

/* build --audit: the panel judges a candidate that passed its own checks.
 * 0: passed (its verdict kept in cand's "_audit" until the qc is made);
 * 1: rejected (a redraw follows; the draw is kept as an example); <0: no
 * judgement could be made (b->fatal_err says why; the build stops). */
static int gate_draw(obuild *b, const char *sub, json_t *cand, int att[4])
{
	json_t *v = NULL;
	int g;

	json_object_set_new(cand, "subtask", json_string(sub));
	/* the gateway records the judge's call in the store from its own
	 * thread: no transaction of ours may be open while it runs */
	if (b->in_tx) {
		b->in_tx = 0;
		b->since_commit = 0;
		if ((g = ba_store_commit(b->st, &b->fatal_err)) != 0)
			return b->fatal = g;
	}
	g = ba_exec_gate_draw(b->gw, b->gate, b->plan, cand, &v, &b->fatal_err);
	if (g < 0)
		return b->fatal = g;
	if (g > 0) {
		att[3]++;
		count(b->checks, "audit", 0);
		if (json_array_size(b->gate_rejected) < 3)
			json_array_append_new(b->gate_rejected,
					      json_pack("{s:s, s:s, s:s}", "check", "audit", "reason",
							ba_json_str(v, "reason", "audit"), "question",
							ba_json_str(cand, "question", "")));
		json_decref(v);
		return 1;
	}
	count(b->checks, "audit", 1);
	json_object_set_new(cand, "_audit", v);
	return 0;
}

/* One unit's draws under way: what accept_draw needs. */
typedef struct unit_draw {
	obuild *b;
	const char *sub;
	int *att;
} unit_draw;

/* A draw that passed the generator's schema and verify(): the gate (build
 * --audit), then the duplicate index over every accepted item. */
static int accept_draw(void *ud, json_t *cand, double score)
{
	unit_draw *u = ud;
	int g;

	(void)score;
	count(u->b->checks, "schema", 1);
	count(u->b->checks, "verify", 1);
	if (u->b->gate && (g = gate_draw(u->b, u->sub, cand, u->att)) != 0)
		return g;
	if (ba_dedup_add(u->b->seen, cand) >= 0) {
		u->att[2]++;
		count(u->b->checks, "duplicate", 0);
		return 1;
	}
	count(u->b->checks, "duplicate", 1);
	return 0;
}

/* Draw a unit until an item passes the generator's schema, its own
 * verify() and accept_draw (MAX_DRAWS at most). NULL with msg saying why
 * when none did (or b->fatal); att counts the failed draws. */
static json_t *draw_unit(obuild *b, const char *key, const char *sub, const char *gname, const ba_gen_info *gi,
			 int d, int att[4], char *msg, size_t mlen)
{
	unit_draw u = { b, sub, att };
	ba_gen_draws dr;
	json_t *item = NULL, *av;
	double score = 0;
	int k;

	if (ba_gen_draw_unit(b->reg, gname, key, b->seed, d, b->st, MAX_DRAWS, accept_draw, &u, &item, &score,
			     &dr) != 0)
		return NULL;
	att[0] = dr.schema_fail;
	att[1] = dr.verify_fail;
	for (k = 0; k < dr.schema_fail; k++)
		count(b->checks, "schema", 0);
	for (k = 0; k < dr.verify_fail; k++) {
		count(b->checks, "schema", 1);
		count(b->checks, "verify", 0);
	}
	if (!item) {
		const char *why = dr.error[0] ? dr.error : att[3] ? "every draw scored below the audit threshold" :
				  att[2] ? "every draw was a duplicate" : "failed checks";
		snprintf(msg, mlen, "%s: no acceptable item after %d draws (%.200s)", key, MAX_DRAWS, why);
		ba_verify_count_reason(b->failures, dr.error[0] ? "generator" : att[3] ? "audit" : att[2] ? "duplicate" : "verify",
				       why);
		return NULL;
	}
	json_object_set_new(item, "subtask", json_string(sub));
	av = json_incref(json_object_get(item, "_audit"));
	json_object_del(item, "_audit");
	json_object_set_new(item, "qc", json_pack("{s:{s:s},s:{s:s,s:f},s:{s:s,s:i}}", "schema", "verdict", "pass",
						  "verify", "verdict", "pass", "score", score, "duplicate", "verdict",
						  "pass", "redraws", att[2]));
	if (av)
		json_object_set_new(json_object_get(item, "qc"), "audit", av);
	json_object_set_new(item, "provenance", json_pack("{s:[{s:s,s:s,s:s}],s:[],s:b}", "steps", "tool", "generator",
							  "generator", gname, "version", gi->version, "models", "mock",
							  0));
	ba_gen_audio_provenance(item);
	return item;
}

/* Store an accepted unit (transactions of BATCH items). */
static int store_unit(obuild *b, const char *key, const char *sub, const json_t *item, const int att[4],
		      ba_error *err)
{
	json_t *rec;
	int rc;

	if (!b->in_tx) {
		if ((rc = ba_store_begin(b->st, err)) != 0)
			return rc;
		b->in_tx = 1;
	}
	rec = json_pack("{s:O,s:{s:i,s:i,s:i}}", "item", item, "attempts", "schema_fail", att[0], "verify_fail",
			att[1], "duplicate", att[2]);
	if (b->gate) {
		json_object_set_new(json_object_get(rec, "attempts"), "audit_fail", json_integer(att[3]));
		json_object_set(rec, "rejected", b->gate_rejected);
	}
	rc = ba_item_put(b->st, b->run_id, key, sub, "done", rec, err);
	json_decref(rec);
	if (rc != 0)
		return rc;
	b->generated++;
	if (b->delay_ms > 0) {
		struct timespec ts = { b->delay_ms / 1000, (b->delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (++b->since_commit >= BATCH) {
		b->in_tx = 0;
		b->since_commit = 0;
		if ((rc = ba_store_commit(b->st, err)) != 0)
			return rc;
	}
	return 0;
}

/* The quota's generator and difficulty, checked. */
static int quota_gen(obuild *b, const json_t *plan, size_t qi, const json_t *q, const char **gname,
		     const ba_gen_info **gi, int *d, ba_error *err)
{
	const char *srcid = ba_json_str(q, "source", "");
	json_t *dl = json_object_get(q, "difficulty");

	*gname = source_generator(plan, srcid);
	*gi = ba_gen_find(b->reg, *gname);
	*d = (int)(json_is_array(dl) ? json_integer_value(json_array_get(dl, 0)) :
		   json_is_integer(dl) ? json_integer_value(dl) : 3);
	if (!ba_json_str(q, "subtask", NULL))
		return ba_error_set(err, BA_EINVAL, "plan: quotas[%zu] has no subtask", qi);
	if (!*gname)
		return ba_error_set(err, BA_EINVAL,
				    "plan: quotas[%zu] uses source '%s', which is not a generator; the offline build "
				    "runs generator sources only", qi, srcid);
	if (!*gi)
		return ba_error_set(err, BA_ENOTFOUND, "plan: quotas[%zu]: no generator named '%s'", qi, *gname);
	if (*d < 1 || *d > 5)
		return ba_error_set(err, BA_EINVAL, "plan: quotas[%zu]: difficulty %d is not in 1..5", qi, *d);
	return 0;
}

/* All units of one quota, appended to items in order. */
static int build_quota(obuild *b, const json_t *plan, size_t qi, const json_t *q, json_t *items,
		       json_t *per_sub, ba_progress *prog, ba_error *err)
{
	const char *sub = ba_json_str(q, "subtask", NULL), *gname, *qid;
	const ba_gen_info *gi;
	long cnt = (long)ba_json_int(q, "count", 0), i;
	int d, rc, exhausted = 0;

	if ((rc = quota_gen(b, plan, qi, q, &gname, &gi, &d, err)) != 0)
		return rc;
	qid = ba_json_str(ba_json_path(plan, "query"), "id", "benchmark");
	for (i = 0; i < cnt; i++) {
		char key[256], skey[300], msg[700];
		int att[4] = { 0, 0, 0, 0 };
		json_t *item, *final;
		const char *k2;
		json_t *v2;

		/* the key holds everything the item depends on, so a changed seed
		 * or generator never reuses a stale item */
		snprintf(key, sizeof(key), "%s/%s@%.12s/s%llu/d%d/%06ld", sub, gname, gi->version,
			 (unsigned long long)b->seed, d, i);
		/* a gated unit is stored apart (its draws are the same: an item
		 * the gate passes is the one the ungated build makes) */
		snprintf(skey, sizeof(skey), "%s%s%s", key, b->gate ? "/audit-" : "", b->gate ? b->gate_sig : "");
		if (!(item = reuse_unit(b, skey))) {
			json_array_clear(b->gate_rejected);
			if (!(item = draw_unit(b, key, sub, gname, gi, d, att, msg, sizeof(msg)))) {
				if (b->fatal) {
					*err = b->fatal_err;
					return b->fatal;
				}
				BA_WARN("%s", msg);
				json_array_append_new(b->shortfall, json_string(msg));
				ba_progress_add(prog, 1, 0);
				if (++exhausted >= MAX_EXHAUSTED && i + 1 < cnt) {
					/* the generator has run out of distinct items at this
					 * difficulty: stop the quota instead of burning draws */
					snprintf(msg, sizeof(msg), "%s/%s d%d: source exhausted, %ld more units left unfilled",
						 sub, gname, d, cnt - i - 1);
					BA_WARN("%s", msg);
					json_array_append_new(b->shortfall, json_string(msg));
					long left = cnt - i - 1, j;
					for (j = 0; j < left; j++)
						ba_verify_count_reason(b->failures, "source",
								       "generator exhausted (no new distinct item)");
					ba_progress_add(prog, left, 0);
					break;
				}
				continue;
			}
			exhausted = 0;
			if ((rc = store_unit(b, skey, sub, item, att, err)) != 0) {
				json_decref(item);
				return rc;
			}
		}
		final = json_object();
		json_object_set_new(final, "id", json_sprintf("%s-%04zu", qid, json_array_size(items) + 1));
		json_object_foreach(item, k2, v2)
			json_object_set(final, k2, v2);
		json_array_append_new(items, final);
		json_decref(item);
		json_object_set_new(per_sub, sub, json_integer(ba_json_int(per_sub, sub, 0) + 1));
		ba_progress_add(prog, 1, 0);
	}
	return 0;
}

int ba_exec_gen_units(struct ba_gen_registry *reg, ba_store *st, const ba_config *cfg, int64_t run_id,
		      const json_t *plan, uint64_t seed, ba_gateway *gw, const struct ba_audit_gate_opts *gate, json_t **items_out, json_t **stats_out,
		      ba_error *err)
{
	json_t *quotas = json_object_get(plan, "quotas"), *q, *items = json_array(), *per_sub = json_object();
	obuild b = { reg, st, run_id, seed, NULL, json_object(), json_object(), json_array(), 0, 0, 0, 0, 0 };
	const char *dl = getenv("BENCHAGENT_TEST_ITEM_DELAY_MS");
	ba_progress *prog;
	size_t qi;
	long total = 0;
	int rc = 0;

	*items_out = NULL;
	*stats_out = NULL;
	if (!json_is_array(quotas)) {
		rc = ba_error_set(err, BA_EINVAL, "plan: 'quotas' must be a list");
		goto out;
	}
	json_array_foreach(quotas, qi, q)
		total += (long)ba_json_int(q, "count", 0);
	/* testing only: slow each new item down so a test can kill -9 a build
	 * mid-run (tests/integration/build_offline_resume.sh) */
	b.delay_ms = dl ? strtol(dl, NULL, 10) : 0;
	if (b.delay_ms < 0 || b.delay_ms > 1000)
		b.delay_ms = 0;
	ba_dedup_new(&b.seen, cfg->verification.near_duplicate_threshold, cfg->verification.shingle);
	b.gate = gate;
	b.gw = gw;
	b.plan = plan;
	if (gate)
		ba_audit_gate_signature(gate, b.gate_sig);
	b.gate_rejected = json_array();
	prog = ba_progress_start("generate", total);
	json_array_foreach(quotas, qi, q)
		if ((rc = build_quota(&b, plan, qi, q, items, per_sub, prog, err)) != 0)
			break;
	if (rc == 0 && b.in_tx) {
		b.in_tx = 0;
		rc = ba_store_commit(st, err);
	}
	if (b.in_tx)
		ba_store_rollback(st);
	ba_progress_done(prog);
out:
	ba_dedup_free(b.seen);
	json_decref(b.gate_rejected);
	if (rc != 0) {
		json_decref(items);
		json_decref(per_sub);
		json_decref(b.checks);
		json_decref(b.failures);
		json_decref(b.shortfall);
		return rc;
	}
	*items_out = items;
	*stats_out = json_pack("{s:o,s:o,s:o,s:o,s:i,s:i}", "checks", b.checks, "per_subtask", per_sub, "shortfall",
			       b.shortfall, "failures", b.failures, "reused", (json_int_t)b.reused, "generated",
			       (json_int_t)b.generated);
	return 0;
}
