/*
 * feasible.c - can a plan build? Before any paid call, a few units of
 * every quota are built dry: the unit's first draft from its source (the
 * same ba_exec_unit_draft as the build), then the transformation with the
 * pure tools for real and the LLM tools replaced by stand-ins that only
 * fill the fields they own with placeholders (no model, no store). The
 * result must pass the checks a build applies that no model step can
 * change: the schema's required fields, the answer type against the
 * subtask's, the options. A quota most of whose dry units fail cannot
 * build; the reason names the subtask, the source and what failed.
 * `plan --check`, `build` of a plan and the planner (ba_plan_make, which
 * sends an infeasible pair back to grounding) all call this.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"
#include "benchagent/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRY_SHA "0000000000000000000000000000000000000000000000000000000000000000"
/* A dry unit's reason: room for an error message whole plus what is said
 * around it (the step, the answer types). */
#define WHY_LEN (sizeof(((ba_error *)0)->msg) + 256)

/* An LLM tool's stand-in: the fields it owns, with placeholders. */
static int dry_llm(const char *tool, const json_t *args, const json_t *in, json_t **out, char *why,
		   size_t wlen)
{
	json_t *d = json_deep_copy(in);
	const char *ans = ba_draft_answer_text(in);

	if (!strcmp(tool, "distractor_writing")) {
		long n = (long)ba_json_int(args, "n", 3), i;
		json_t *ch;
		if (!ans || !*ans) {
			json_decref(d);
			snprintf(why, wlen, "distractor_writing: the item has no answer");
			return -1;
		}
		ch = json_pack("[s]", ans);
		for (i = 0; i < n; i++)
			json_array_append_new(ch, json_sprintf("(wrong option %ld)", i + 1));
		json_object_set_new(d, "choices", ch);
		json_object_set_new(d, "answer", json_string("A"));
		json_object_set_new(d, "answer_text", json_string(ans));
		json_object_set_new(d, "answer_type", json_string("choice"));
	} else if (!strcmp(tool, "context_construction") || !strcmp(tool, "dialogue_synthesis")) {
		json_object_set_new(d, "context", json_string("(a passage the model will write)"));
	} else if (!strcmp(tool, "question_rewrite") || !strcmp(tool, "reasoning_transform")) {
		if (!*ba_json_str(d, "question", ""))
			json_object_set_new(d, "question", json_string("(a question the model will write)"));
	}
	*out = d;
	return 0;
}

/* The item's answer type can serve the subtask's: choice, numeric and
 * binary need their own; the text types (short, label, span, open) take
 * any answer but a letter. */
static int type_fits(const char *item_at, const char *sub_at)
{
	static const char *text[] = { "short", "label", "span", "open", NULL };
	int i, sub_text = 0;

	if (!strcmp(item_at, sub_at))
		return 1;
	for (i = 0; text[i]; i++)
		sub_text |= !strcmp(sub_at, text[i]);
	return sub_text && strcmp(item_at, "choice") != 0;
}

/* Media of a dry draft: nothing is stored, so a found file, a rendered
 * image or an audio generator's unrendered sound gets a placeholder
 * path/sha256 (a missing one stays missing). */
static void dry_media(json_t *d)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(d, "media"), i, m) {
		if (ba_json_bool(m, "missing", 0))
			continue;
		if (!ba_json_str(m, "path", NULL))
			json_object_set_new(m, "path", json_string("(dry)"));
		if (!ba_json_str(m, "sha256", NULL) || !strcmp(ba_json_str(m, "sha256", ""), "unrendered"))
			json_object_set_new(m, "sha256", json_string(DRY_SHA));
		json_object_del(m, "bytes");
	}
}

static int has_media(const json_t *d)
{
	json_t *m;
	size_t i;
	json_array_foreach(json_object_get(d, "media"), i, m)
		if (!ba_json_bool(m, "missing", 0))
			return 1;
	return 0;
}

/* A conversion tool's stand-in (a tool whose table line names what it
 * produces from what it consumes, e.g. text_to_speech): the item gets a
 * placeholder medium of that type when it has text to convert. */
static int dry_convert(const ba_tool *t, const json_t *in, json_t **out, char *why, size_t wlen)
{
	if (t->consumes && !strcmp(t->consumes, "text") && !*ba_json_str(in, "context", "") &&
	    !*ba_json_str(in, "question", "")) {
		snprintf(why, wlen, "step %s: no text to convert to %s", t->name, t->produces);
		return -1;
	}
	*out = json_deep_copy(in);
	if (!json_is_array(json_object_get(*out, "media")))
		json_object_set_new(*out, "media", json_array());
	json_array_append_new(json_object_get(*out, "media"),
			      json_pack("{s:s, s:s, s:s}", "type", t->produces, "path", "(dry)", "sha256", DRY_SHA));
	return 0;
}

/* One dry unit: 1 builds, 0 cannot (why says what failed). */
static int dry_unit(ba_exec_ctx *x, const json_t *unit, char *why, size_t wlen)
{
	const char *stid = ba_json_str(unit, "subtask", "");
	const json_t *subtask = ba_exec_plan_subtask(x->plan, stid);
	json_t *draft = NULL, *info = NULL, *steps = NULL, *s, *state, *item;
	ba_error e = BA_ERROR_INIT;
	const char *origin;
	char note[256];
	size_t i;
	int ok = 1, rc;

	rc = ba_exec_unit_draft(x, unit, &draft, &info, &e);
	json_decref(info);
	if (rc != 0) {
		if (rc == BA_ENOTFOUND && strstr(e.msg, "no card"))
			snprintf(why, wlen, "%s (the plan's pool is needed: --pool DIR or pool: in benchagent.yaml)",
				 e.msg);
		else
			snprintf(why, wlen, "the source gives no draft: %s", e.msg);
		return rc == BA_ENOTFOUND ? -1 : 0;
	}
	if (!draft) {
		snprintf(why, wlen, "the source has no sample left");
		return 0;
	}
	dry_media(draft);
	ba_exec_steps_plan(x, unit, draft, &steps, &origin, note, sizeof(note), &e);
	json_array_foreach(steps, i, s) {
		const char *tool = ba_json_str(s, "tool", "");
		const ba_tool *t = ba_tool_find(tool);
		json_t *out = NULL;
		if (t && t->kind == BA_TOOL_LLM) {
			if (dry_llm(tool, json_object_get(s, "args"), draft, &out, why, wlen) != 0)
				ok = 0;
		} else if (t && t->produces) {
			/* a conversion (text -> audio): media the dry run does not make */
			if (dry_convert(t, draft, &out, why, wlen) != 0)
				ok = 0;
		} else {
			ba_tool_ctx tc = { 0 };
			char label[64];
			snprintf(label, sizeof(label), "step%zu", i);
			tc.seed = ba_rng_seed_from((uint64_t)ba_json_int(unit, "seed", 0), label);
			tc.ordinal = (long)ba_json_int(unit, "ordinal", 0);
			tc.subtask = subtask;
			ba_error_clear(&e);
			if (ba_tool_run(&tc, tool, json_object_get(s, "args"), draft, &out, &e) == 0) {
				/* ran for real */
			} else if (strstr(e.msg, "store")) {
				/* a media tool (image, audio, OCR) changes or reads only the
				 * media, which a dry run does not copy: it needs some */
				if (has_media(draft))
					out = json_incref(draft);
				else
					snprintf(why, wlen, "step %s: the item has no media to work on", tool), ok = 0;
			} else {
				const char *dat = ba_json_str(draft, "answer_type", "short");
				const char *sat = ba_json_str(subtask, "answer_type", "short");
				/* a step failing on an answer of the wrong type: say so first */
				if (!type_fits(dat, sat))
					snprintf(why, wlen, "answer type: the source gives %s answers, the subtask "
						 "asks for %s (step %s fails: %s)", dat, sat, tool, e.msg);
				else
					snprintf(why, wlen, "step %s fails: %s", tool, e.msg);
				ok = 0;
			}
		}
		if (!ok)
			break;
		json_decref(draft);
		draft = out;
	}
	json_decref(steps);
	if (!ok) {
		json_decref(draft);
		return 0;
	}
	ba_exec_settle_answer(draft);
	state = json_pack("{s:O, s:o, s:[]}", "unit", unit, "draft", draft, "provenance");
	item = ba_exec_finalize(state);
	json_decref(state);
	if (!type_fits(ba_json_str(item, "answer_type", ""), ba_json_str(subtask, "answer_type", "short"))) {
		snprintf(why, wlen, "answer type: the source gives %s answers, the subtask asks for %s",
			 ba_json_str(item, "answer_type", "?"), ba_json_str(subtask, "answer_type", "?"));
		ok = 0;
	} else {
		static const char *checks[] = { "schema", "answer_type", "options", "media", NULL };
		char reason[400];
		for (i = 0; checks[i] && ok; i++)
			if (ba_verify_check(checks[i], item, subtask, reason, sizeof(reason)) == 0) {
				snprintf(why, wlen, "%s: %s", checks[i], reason);
				ok = 0;
			}
	}
	json_decref(item);
	return ok;
}

/* ba_exec_plan_feasibility with the generators of gen_dir besides the
 * built-ins and the plan's own. */
static int feasibility(const ba_config *cfg, const json_t *plan, const char *gen_dir, int per_quota,
		       json_t **problems, ba_error *err)
{
	ba_exec_ctx x;
	json_t *small, *units = NULL, *q, *u, *out = json_array();
	size_t i, j;
	int rc = 0;

	*problems = NULL;
	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.seed = json_is_integer(json_object_get(plan, "seed")) ? (uint64_t)ba_json_int(plan, "seed", 1)
								 : (uint64_t)cfg->execution.seed;
	x.dry = 1;
	x.datasets = json_object();
	x.src_cursor = json_object();
	x.slot_pos = json_object();
	x.models = json_object();
	pthread_mutex_init(&x.mu, NULL);
	/* the same plan with every count cut to per_quota */
	small = json_deep_copy(plan);
	json_array_foreach(json_object_get(small, "quotas"), i, q)
		if (ba_json_int(q, "count", 0) > per_quota)
			json_object_set_new(q, "count", json_integer(per_quota));
	x.plan = small;
	if ((rc = ba_exec_plan_generators(small, gen_dir, (ba_gen_registry **)&x.gen_reg, err)) != 0)
		goto cleanup;
	if ((rc = ba_exec_expand(small, x.seed, NULL, &units, err)) != 0)
		goto cleanup;
	json_array_foreach(json_object_get(small, "quotas"), i, q) {
		long n = 0, bad = 0;
		char why[WHY_LEN] = "", first[WHY_LEN] = "";
		json_array_foreach(units, j, u) {
			int r;
			if ((size_t)ba_json_int(u, "quota", -1) != i)
				continue;
			n++;
			why[0] = 0;
			r = dry_unit(&x, u, why, sizeof(why));
			if (r < 0) { /* a dataset the pools do not hold: nothing more to try */
				bad = n;
				snprintf(first, sizeof(first), "%s", why);
				break;
			}
			if (r == 0 && bad++ == 0)
				snprintf(first, sizeof(first), "%s", why);
		}
		if (n > 0 && bad * 2 >= n)
			json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:o}", "quota", (json_int_t)i,
							     "subtask", ba_json_str(q, "subtask", ""), "source",
							     ba_json_str(q, "source", ""), "reason",
							     json_sprintf("quotas[%zu] (subtask %s, source %s) cannot "
									  "build: %ld of %ld dry-built units fail: %s",
									  i, ba_json_str(q, "subtask", ""),
									  ba_json_str(q, "source", ""), bad, n, first)));
	}
	*problems = out;
	out = NULL;
cleanup:
	json_decref(out);
	json_decref(units);
	json_decref(small);
	json_decref(x.datasets);
	json_decref(x.src_cursor);
	json_decref(x.slot_pos);
	json_decref(x.models);
	if (x.gen_reg)
		ba_gen_registry_free(x.gen_reg);
	pthread_mutex_destroy(&x.mu);
	return rc;
}

/* For the planner: the same check on its accepted pairs. */
static int planner_hook(const ba_config *cfg, const json_t *plan, json_t **problems, ba_error *err)
{
	return ba_exec_plan_feasibility(cfg, plan, BA_EXEC_FEASIBLE_UNITS, problems, err);
}

__attribute__((constructor)) static void register_feasibility(void)
{
	ba_plan_register_feasibility(planner_hook);
}

int ba_exec_plan_feasibility(const ba_config *cfg, const json_t *plan, int per_quota, json_t **problems,
			     ba_error *err)
{
	return feasibility(cfg, plan, NULL, per_quota, problems, err);
}

int ba_exec_plan_check(const ba_config *cfg, const json_t *plan, const char *gen_dir, ba_error *err)
{
	json_t *problems = NULL, *e;
	size_t i, n;
	int rc = feasibility(cfg, plan, gen_dir, BA_EXEC_FEASIBLE_UNITS, &problems, err);

	if (rc != 0)
		return rc;
	n = json_array_size(problems);
	json_array_foreach(problems, i, e)
		if (i > 0)
			BA_WARN("%s", ba_json_str(e, "reason", ""));
	if (n > 0)
		rc = ba_error_set(err, BA_EINVAL, "%s%s", ba_json_str(json_array_get(problems, 0), "reason", ""),
				  n > 1 ? " (and more quotas: see the warnings)" : "");
	json_decref(problems);
	return rc;
}
