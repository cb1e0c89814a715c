/*
 * allocation.c - the allocation agent (role "allocation") and the
 * deterministic arithmetic around it. The model proposes quotas over
 * accepted (subtask, source) pairs; every proposal is checked (known
 * pairs, sums, shared capacities) and the diagnosis goes back to it; what
 * it leaves wrong is repaired deterministically, so the result always
 * satisfies docs/plan-format.md.
 * Input: {subtasks, pairs: [{subtask, source, capacity, final}],
 * target_size}. Output: {quotas, problems, rationale, history, mock, note}.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *find_pair(const json_t *pairs, const char *st, const char *src)
{
	size_t i;
	json_t *p;
	json_array_foreach(pairs, i, p)
		if (!strcmp(ba_json_str(p, "subtask", ""), st) && !strcmp(ba_json_str(p, "source", ""), src))
			return p;
	return NULL;
}

/* capacity < 0: unlimited */
static long pair_cap(const json_t *p)
{
	json_t *c = json_object_get(p, "capacity");
	return json_is_integer(c) ? (long)json_integer_value(c) : -1;
}

json_t *ba_alloc_check(const json_t *pairs, const json_t *quotas, long target)
{
	json_t *problems = json_array(), *used = json_object(), *q, *caps = json_object(), *v;
	const char *k;
	size_t i;
	long total = 0;

	json_array_foreach(quotas, i, q) {
		const char *st = ba_json_str(q, "subtask", ""), *src = ba_json_str(q, "source", "");
		json_t *p = find_pair(pairs, st, src);
		long n = (long)ba_json_int(q, "count", -1);
		if (!p) {
			json_array_append_new(problems, json_sprintf("quotas[%zu]: (%s, %s) is not an accepted "
								     "grounding", i, st, src));
			continue;
		}
		if (n < 0) {
			json_array_append_new(problems, json_sprintf("quotas[%zu].count: must be a "
								     "non-negative integer", i));
			continue;
		}
		total += n;
		json_object_set_new(used, src, json_integer(ba_json_int(used, src, 0) + n));
		json_object_set_new(caps, src, json_integer(pair_cap(p)));
	}
	json_object_foreach(used, k, v) {
		long cap = (long)ba_json_int(caps, k, -1);
		if (cap >= 0 && json_integer_value(v) > cap)
			json_array_append_new(problems, json_sprintf("source %s: %lld items asked but only "
								     "%ld usable samples (over by %lld)", k,
								     (long long)json_integer_value(v), cap,
								     (long long)json_integer_value(v) - cap));
	}
	if (total != target)
		json_array_append_new(problems, json_sprintf("quotas sum to %ld, target_size is %ld (%s %ld)",
							     total, target, total < target ? "short by" : "over by",
							     total < target ? target - total : total - target));
	json_decref(used);
	json_decref(caps);
	return problems;
}

typedef struct {
	const char *st, *src;
	double w;        /* grounding score: better pairs get more items */
	long count, cap; /* cap < 0: unlimited */
	json_t *difficulty;
} slot;

/* Shared capacities: trim the largest quota of an over-used source. */
static void trim_shared(slot *s, size_t np)
{
	size_t i, j;

	for (i = 0; i < np; i++) {
		long usedv = 0, cap = s[i].cap;
		if (cap < 0)
			continue;
		for (j = 0; j < np; j++)
			if (!strcmp(s[j].src, s[i].src))
				usedv += s[j].count;
		while (usedv > cap) {
			size_t big = (size_t)-1;
			for (j = 0; j < np; j++)
				if (!strcmp(s[j].src, s[i].src) && s[j].count > 0 &&
				    (big == (size_t)-1 || s[j].count > s[big].count))
					big = j;
			{
				long cut = usedv - cap < s[big].count ? usedv - cap : s[big].count;
				s[big].count -= cut;
				usedv -= cut;
			}
		}
	}
}

/* Under target: the subtask with the fewest items that still has room,
 * and among its pairs with room the one furthest below its
 * score-proportional share; (size_t)-1 when there is no room anywhere.
 * *best_room gets that pair's room. */
static size_t pick_slot(const slot *s, size_t np, const json_t *subtasks, long *st_total, long target,
			long *best_room)
{
	size_t nst = json_array_size(subtasks), best_st = (size_t)-1, best = (size_t)-1, j, k;

	for (k = 0; k < nst; k++)
		st_total[k] = 0;
	for (j = 0; j < np; j++)
		for (k = 0; k < nst; k++)
			if (!strcmp(s[j].st, ba_json_str(json_array_get(subtasks, k), "id", "")))
				st_total[k] += s[j].count;
	for (k = 0; k < nst; k++) {
		const char *sid = ba_json_str(json_array_get(subtasks, k), "id", "");
		size_t cand = (size_t)-1;
		long room = 0;
		for (j = 0; j < np; j++) {
			long r, usedv = 0;
			size_t m;
			if (strcmp(s[j].st, sid))
				continue;
			for (m = 0; m < np; m++)
				if (!strcmp(s[m].src, s[j].src))
					usedv += s[m].count;
			r = s[j].cap < 0 ? target : s[j].cap - usedv;
			/* among pairs with room, the one furthest below its
			 * score-proportional share */
			if (r > 0 && (cand == (size_t)-1 ||
				      (double)s[j].count / s[j].w < (double)s[cand].count / s[cand].w)) {
				room = r;
				cand = j;
			}
		}
		if (cand != (size_t)-1 && (best_st == (size_t)-1 || st_total[k] < st_total[best_st])) {
			best_st = k;
			best = cand;
			*best_room = room;
		}
	}
	return best;
}

json_t *ba_alloc_repair(const json_t *pairs, const json_t *subtasks, const json_t *quotas,
			long target, char **note)
{
	size_t np = json_array_size(pairs), i, j, nst = json_array_size(subtasks);
	slot *s = ba_calloc(np ? np : 1, sizeof(slot));
	long total = 0, *st_total = ba_calloc(nst ? nst : 1, sizeof(long));
	json_t *q, *out = json_array(), *used = json_object();
	long capsum = 0;
	int unlimited = 0;

	*note = NULL;
	for (i = 0; i < np; i++) {
		json_t *p = json_array_get(pairs, i);
		s[i].st = ba_json_str(p, "subtask", "");
		s[i].src = ba_json_str(p, "source", "");
		s[i].cap = pair_cap(p);
		s[i].w = ba_json_num(p, "final", 0.5) > 0.05 ? ba_json_num(p, "final", 0.5) : 0.05;
	}
	/* keep valid quotas, merging duplicates */
	json_array_foreach(quotas, i, q) {
		long n = (long)ba_json_int(q, "count", 0);
		for (j = 0; j < np; j++)
			if (n > 0 && !strcmp(s[j].st, ba_json_str(q, "subtask", "")) &&
			    !strcmp(s[j].src, ba_json_str(q, "source", ""))) {
				s[j].count += n;
				if (!s[j].difficulty && json_is_array(json_object_get(q, "difficulty")))
					s[j].difficulty = json_object_get(q, "difficulty");
			}
	}
	trim_shared(s, np);
	for (i = 0; i < np; i++)
		total += s[i].count;
	/* over target: trim the largest */
	while (total > target) {
		size_t big = 0;
		for (j = 1; j < np; j++)
			if (s[j].count > s[big].count)
				big = j;
		s[big].count--;
		total--;
	}
	/* under target: give to the subtask with the fewest items that still
	 * has room, its roomiest source, in chunks */
	while (total < target) {
		size_t best;
		long best_room = 0, need = target - total, chunk;
		best = pick_slot(s, np, subtasks, st_total, target, &best_room);
		if (best == (size_t)-1)
			break; /* no room anywhere */
		chunk = need / (long)(nst ? 2 * nst : 1);
		if (chunk > 8)
			chunk = 8 + (chunk - 8) / 4; /* small steps keep the split proportional */
		if (chunk < 1)
			chunk = 1;
		if (chunk > best_room)
			chunk = best_room;
		/* do not overshoot the next-smallest subtask by much: keeps balance */
		s[best].count += chunk;
		total += chunk;
	}
	for (i = 0; i < np; i++) {
		if (s[i].cap < 0)
			unlimited = 1;
		else if (!json_object_get(used, s[i].src)) {
			json_object_set_new(used, s[i].src, json_true());
			capsum += s[i].cap;
		}
	}
	if (total < target)
		*note = ba_asprintf("the accepted sources hold only %ld usable samples%s, so the plan has "
				    "%ld of the %ld items asked for",
				    capsum, unlimited ? "" : " in total", total, target);
	for (i = 0; i < np; i++) {
		json_t *d;
		if (s[i].count <= 0)
			continue;
		if (s[i].difficulty) {
			d = json_deep_copy(s[i].difficulty);
		} else {
			long df = 3;
			for (j = 0; j < nst; j++)
				if (!strcmp(s[i].st, ba_json_str(json_array_get(subtasks, j), "id", "")))
					df = (long)ba_json_int(json_array_get(subtasks, j), "difficulty", 3);
			d = json_pack("[i, i]", (int)(df > 1 ? df - 1 : 1), (int)(df < 5 ? df : 5));
		}
		json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:o}", "subtask", s[i].st, "source",
						     s[i].src, "count", (json_int_t)s[i].count,
						     "difficulty", d));
	}
	json_decref(used);
	free(s);
	free(st_total);
	return out;
}

typedef struct {
	planner *p;
	const json_t *input;
	json_t *last;         /* last proposal */
	json_t *problems;     /* of the last proposal */
	json_t *rationale;
	int round;
} alloc_ctx;

static int t_set_quotas(void *ud, const json_t *args, json_t **result, ba_error *err)
{
	alloc_ctx *c = ud;
	json_t *probs = ba_alloc_check(json_object_get(c->input, "pairs"), json_object_get(args, "quotas"),
				       (long)ba_json_int(c->input, "target_size", 0));
	(void)err;
	json_decref(c->last);
	c->last = json_deep_copy(json_object_get(args, "quotas"));
	json_decref(c->problems);
	c->problems = probs;
	json_array_append_new(c->rationale, json_string(ba_json_str(args, "rationale", "")));
	c->round++;
	{
		size_t i;
		json_t *pr;
		json_array_foreach(probs, i, pr)
			json_array_append_new(c->rationale, json_sprintf("proposal %d diagnosis: %s", c->round,
									 json_string_value(pr)));
	}
	if (json_array_size(probs) == 0) {
		*result = json_pack("{s:b}", "feasible", 1);
		return BA_AGENT_DONE;
	}
	*result = json_pack("{s:b, s:O}", "feasible", 0, "problems", probs);
	return 0;
}

static const ba_agent_tool alloc_tools[] = {
	{ "set_quotas", "Propose the quotas: item counts per (subtask, source) pair. They are "
	  "checked (pairs, sums, shared capacities); fix any reported problem in the next call.",
	  "{\"type\":\"object\",\"required\":[\"quotas\"],\"properties\":{\"quotas\":{\"type\":\"array\","
	  "\"minItems\":1,\"items\":{\"type\":\"object\",\"required\":[\"subtask\",\"source\",\"count\"],"
	  "\"properties\":{\"subtask\":{\"type\":\"string\"},\"source\":{\"type\":\"string\"},"
	  "\"count\":{\"type\":\"integer\",\"minimum\":0},\"difficulty\":{\"type\":\"array\","
	  "\"items\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5}}}}}}}",
	  t_set_quotas },
};

static json_t *alloc_state(void *ud)
{
	alloc_ctx *c = ud;
	json_t *s = json_pack("{s:O, s:O, s:O}", "target_size", json_object_get(c->input, "target_size"),
			      "subtasks", json_object_get(c->input, "subtasks"), "pairs",
			      json_object_get(c->input, "pairs"));
	if (c->last)
		json_object_set_new(s, "last_proposal",
				    json_pack("{s:O, s:O}", "quotas", c->last, "problems", c->problems));
	return s;
}

int ba_planner_allocation(void *ud, const json_t *input, json_t **output, ba_error *err)
{
	planner *p = ud;
	alloc_ctx c = { p, input, NULL, NULL, json_array(), 0 };
	ba_agent_spec spec = BA_AGENT_SPEC_INIT;
	ba_agent_result res;
	json_t *quotas, *problems;
	long target = (long)ba_json_int(input, "target_size", 0);
	char *note = NULL;
	int rc;

	spec.name = "allocation";
	spec.role = "allocation";
	spec.prompt = "allocation.txt";
	spec.tools = alloc_tools;
	spec.ntools = 1;
	spec.state = alloc_state;
	spec.ud = &c;
	spec.max_steps = p->a_rounds;
	spec.run_id = p->run_id;
	if ((rc = ba_agent_run(p->gw, &spec, &res, err)) != 0) {
		ba_agent_result_clear(&res);
		json_decref(c.last);
		json_decref(c.problems);
		json_decref(c.rationale);
		return rc;
	}
	problems = c.problems ? json_incref(c.problems) : json_pack("[s]", "no proposal from the "
								      "allocation agent");
	if (!c.problems)
		json_array_append_new(c.rationale, json_sprintf("the allocation agent made no usable "
								"proposal (%s)", res.stop));
	if (json_array_size(problems) > 0) {
		json_array_append_new(c.rationale, json_string("quotas adjusted deterministically "
							       "(clamped to capacities, balanced across "
							       "subtasks, summed to the target)"));
	}
	quotas = ba_alloc_repair(json_object_get(input, "pairs"), json_object_get(input, "subtasks"),
				 c.last, target, &note);
	if (note)
		json_array_append_new(c.rationale, json_string(note));
	*output = json_pack("{s:o, s:o, s:o, s:O, s:b, s:s?}", "quotas", quotas, "problems", problems,
			    "rationale", c.rationale, "history", res.history, "mock", res.mock, "note",
			    note);
	free(note);
	ba_agent_result_clear(&res);
	json_decref(c.last);
	json_decref(c.problems);
	return 0;
}
