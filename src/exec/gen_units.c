/*
 * gen_units.c - a generator source's units in the executor. A generator
 * unit is a unit like a dataset one: made by ba_exec_prepare, run through
 * its (pure) steps, verified by ba_verify_item, judged by the gate
 * (build --audit), deduplicated with every other candidate and replaced by
 * the replenishment rounds when refused. What is a generator's own is its
 * draft: src/gen draws it (ba_gen_draw_unit: seeded draws that must pass
 * the generator's schema and its own verify()), and a draw that
 * duplicates an earlier unit's item is drawn again in place, against
 * ba_verify's duplicate index (the executor's one rule: equal normalised
 * text and media, or MinHash similarity of stem and context at
 * verification.near_duplicate_threshold).
 *
 * Determinism: ba_exec_prepare visits the units in plan order; the
 * duplicate index (kept from round to round) holds the items of every
 * generator unit of the earlier rounds and of the earlier units of this
 * round, stored or new, in that order; draw n of a unit comes from the seed of (unit
 * seed, unit key, n). So an interrupted-then-resumed build and an
 * uninterrupted one draw exactly the same items.
 *
 * Exhaustion: a unit whose every draw was a duplicate is "exhausted" (the
 * quota's source has no new item at that difficulty: no replenishment);
 * after MAX_EXHAUSTED such units in a row, the quota's remaining new units
 * are exhausted without drawing.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DRAWS 50
#define MAX_EXHAUSTED 3  /* unfillable units in a row that end a quota */

struct ba_exec_gen_prep {
	ba_dedup *seen;          /* every earlier generator unit's item, in plan order */
	json_t *indexed;         /* keys of the units whose item is in seen */
	json_t *in_a_row;        /* quota index -> exhausted units in a row */
	long delay_ms;           /* test hook: BENCHAGENT_TEST_ITEM_DELAY_MS */
};

const char *ba_exec_unit_generator(const ba_exec_ctx *x, const json_t *unit)
{
	const json_t *src = ba_exec_plan_source(x->plan, ba_json_str(unit, "source", ""));

	if (!ba_exec_source_is_generator(src))
		return NULL;
	return ba_json_str(src, "generator", "");
}

ba_exec_gen_prep *ba_exec_gen_prep_new(const ba_exec_ctx *x)
{
	ba_exec_gen_prep *gp = ba_calloc(1, sizeof(*gp));
	const char *dl = getenv("BENCHAGENT_TEST_ITEM_DELAY_MS");

	ba_dedup_new(&gp->seen, x->cfg->verification.near_duplicate_threshold, x->cfg->verification.shingle);
	gp->in_a_row = json_object();
	gp->indexed = json_object();
	/* testing only: slow each new generator unit down so a test can
	 * kill -9 a build mid-run (tests/integration/build_offline_resume.sh) */
	gp->delay_ms = dl ? strtol(dl, NULL, 10) : 0;
	if (gp->delay_ms < 0 || gp->delay_ms > 1000)
		gp->delay_ms = 0;
	return gp;
}

void ba_exec_gen_prep_free(ba_exec_gen_prep *gp)
{
	if (!gp)
		return;
	ba_dedup_free(gp->seen);
	json_decref(gp->in_a_row);
	json_decref(gp->indexed);
	free(gp);
}

static void note_exhausted(ba_exec_gen_prep *gp, const json_t *unit, int exhausted)
{
	char q[32];

	snprintf(q, sizeof(q), "%lld", (long long)ba_json_int(unit, "quota", 0));
	json_object_set_new(gp->in_a_row, q, json_integer(exhausted ? ba_json_int(gp->in_a_row, q, 0) + 1 : 0));
}

static int quota_ended(const ba_exec_gen_prep *gp, const json_t *unit)
{
	char q[32];

	snprintf(q, sizeof(q), "%lld", (long long)ba_json_int(unit, "quota", 0));
	return ba_json_int(gp->in_a_row, q, 0) >= MAX_EXHAUSTED;
}

int ba_exec_gen_seen(ba_exec_ctx *x, ba_exec_gen_prep *gp, const json_t *unit, ba_error *err)
{
	const char *key = ba_json_str(unit, "key", "");
	json_t *state = NULL, *it;
	char *status = NULL;
	int rc;

	if (json_object_get(gp->indexed, key))
		return 0;
	json_object_set_new(gp->indexed, key, json_true());
	if ((rc = ba_item_get(x->st, x->run_id, key, &state, &status, err)) != 0)
		return rc;
	it = json_object_get(state, "item");
	if (!it)
		it = json_object_get(state, "draft");
	if (it)
		ba_dedup_add(gp->seen, it);
	note_exhausted(gp, unit, status && !strcmp(status, "exhausted"));
	json_decref(state);
	free(status);
	return 0;
}

/* A draw that passed the generator's schema and verify(): kept unless it
 * duplicates an earlier unit's item. */
static int accept_new(void *ud, json_t *cand, double score)
{
	(void)score;
	return ba_dedup_add(ud, cand) >= 0 ? 1 : 0;
}

/* The provenance step of a generator draft: the generator, its version,
 * the draws, and the audio's recognition check and SNR when it has audio. */
static json_t *gen_step(const char *gname, const ba_gen_info *gi, const json_t *draft, const ba_gen_draws *dr)
{
	json_t *step = json_pack("{s:s, s:s, s:s, s:{s:i, s:i, s:i}}", "tool", "generator", "generator", gname,
				 "version", gi && gi->version ? gi->version : "", "redraws", "schema", dr->schema_fail,
				 "verify", dr->verify_fail, "duplicate", dr->rejected);
	json_t *tmp = json_pack("{s:O?, s:{s:[O]}}", "media", json_object_get(draft, "media"), "provenance",
				"steps", step);

	ba_gen_audio_provenance(tmp);
	json_decref(tmp);
	return step;
}

int ba_exec_gen_draft(ba_exec_ctx *x, ba_exec_gen_prep *gp, const json_t *unit, json_t **draft, json_t **srcinfo,
		      ba_error *err)
{
	const char *gname = ba_exec_unit_generator(x, unit), *key = ba_json_str(unit, "key", "");
	const ba_gen_info *gi;
	ba_gen_draws dr;
	json_t *item = NULL;
	double score = 0;
	int rc;

	*draft = NULL;
	*srcinfo = NULL;
	if (!gname || !*gname)
		return ba_error_set(err, BA_EINVAL, "plan: source %s: generator name missing",
				    ba_json_str(unit, "source", ""));
	if (!x->gen_reg && (rc = ba_gen_registry_new((ba_gen_registry **)&x->gen_reg, NULL, err)) != 0)
		return rc;
	if (!(gi = ba_gen_find(x->gen_reg, gname)))
		return ba_error_set(err, BA_ENOTFOUND, "plan: source %s: no generator named '%s'",
				    ba_json_str(unit, "source", ""), gname);
	if (gp && quota_ended(gp, unit)) {
		json_object_set_new(gp->indexed, key, json_true());
		*srcinfo = json_pack("{s:s, s:b, s:s, s:s}", "kind", "generator", "exhausted", 1, "check", "source",
				     "reason", "generator exhausted (no new distinct item)");
		return 0;
	}
	rc = ba_gen_draw_unit(x->gen_reg, gname, key, (uint64_t)ba_json_int(unit, "seed", 1),
			      (int)ba_json_int(unit, "difficulty", 3), x->dry ? NULL : x->st, MAX_DRAWS,
			      gp ? accept_new : NULL, gp ? gp->seen : NULL, &item, &score, &dr);
	if (rc != 0)
		return ba_error_set(err, rc, "%s: the generator's draws stopped", key);
	if (gp && gp->delay_ms > 0) {
		struct timespec ts = { gp->delay_ms / 1000, (gp->delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (!item && dr.rejected > 0 && !dr.error[0]) {
		if (gp) {
			note_exhausted(gp, unit, 1);
			json_object_set_new(gp->indexed, key, json_true());
		}
		*srcinfo = json_pack("{s:s, s:b, s:s, s:s}", "kind", "generator", "exhausted", 1, "check",
				     "duplicate", "reason", "every draw was a duplicate");
		return 0;
	}
	if (!item)
		return ba_error_set(err, BA_ERR, "%s: no acceptable item after %d draws (%.300s)", key, MAX_DRAWS,
				    dr.error[0] ? dr.error : "every draw failed the generator's own verify()");
	if (gp) {
		note_exhausted(gp, unit, 0);
		json_object_set_new(gp->indexed, key, json_true());
	}
	json_object_del(item, "id");
	*srcinfo = json_pack("{s:s, s:o, s:{s:s, s:f, s:s}, s:{s:i, s:i, s:i}}", "kind", "generator", "step",
			     gen_step(gname, gi, item, &dr), "verify", "verdict", "pass", "score", score, "by",
			     "the generator's own verify()", "attempts", "schema_fail", dr.schema_fail, "verify_fail",
			     dr.verify_fail, "duplicate", dr.rejected);
	*draft = item;
	return 0;
}
