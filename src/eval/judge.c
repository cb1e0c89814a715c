/*
 * judge.c - pairwise LLM judging of two models' open answers. Each pair is
 * judged twice with the answers' positions swapped, so a judge's position
 * bias cancels out (and shows up as "inconsistent" verdicts).
 */
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/prompt.h"
#include "eval_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair_call {
	struct pair_ctx *ctx;
	size_t item;
	int swapped;
	int verdict;   /* +1 first model wins, -1 second wins, 0 tie, -2 failed */
} pair_call;

typedef struct pair_ctx {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t pending;
} pair_ctx;

static void pair_done(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	pair_call *c = ud;
	const char *w = rc == 0 && resp && resp->json ? ba_json_str(resp->json, "winner", "") : NULL;
	int v = -2;

	(void)errmsg;
	if (w) {
		if (!strcmp(w, "1"))
			v = c->swapped ? -1 : 1;
		else if (!strcmp(w, "2"))
			v = c->swapped ? 1 : -1;
		else if (!strcmp(w, "tie"))
			v = 0;
	}
	ba_llm_response_free(resp);
	pthread_mutex_lock(&c->ctx->mu);
	c->verdict = v;
	c->ctx->pending--;
	pthread_cond_signal(&c->ctx->cv);
	pthread_mutex_unlock(&c->ctx->mu);
}

static char *stored_response(ba_store *st, const char *bench, const char *model, const char *item)
{
	char *out = NULL;

	ba_result_get_answer(st, bench, model, item, 0, &out, NULL);
	return out;
}

json_t *ba_eval_pairwise(ba_gateway *gw, ba_store *st, const ba_model_ref *judge,
			 const ba_eval_opts *opts, const json_t *items, const char *bench_key,
			 json_t *warnings)
{
	size_t n = json_array_size(items), i, ncalls = 0;
	pair_call *calls = ba_calloc(2 * n + 1, sizeof(pair_call));
	json_t *schema, *it, *out = NULL;
	pair_ctx ctx;
	long aw = 0, bw = 0, ties = 0, incons = 0, judged = 0;

	pthread_mutex_init(&ctx.mu, NULL);
	pthread_cond_init(&ctx.cv, NULL);
	ctx.pending = 0;
	schema = json_pack("{s:s, s:{s:{s:s, s:[s,s,s]}, s:{s:s}}, s:[s]}", "type", "object",
			   "properties", "winner", "type", "string", "enum", "1", "2", "tie", "reason",
			   "type", "string", "required", "winner");
	json_array_foreach(items, i, it) {
		const char *id = ba_json_str(it, "id", "");
		char *ra, *rb;
		int sw;
		if (strcmp(ba_json_str(it, "answer_type", ""), "open"))
			continue;
		ra = stored_response(st, bench_key, opts->models[0], id);
		rb = stored_response(st, bench_key, opts->models[1], id);
		for (sw = 0; ra && rb && sw < 2; sw++) {
			ba_llm_request req = BA_LLM_REQUEST_INIT;
			ba_error e = BA_ERROR_INIT;
			const char *rubric = ba_json_str(it, "rubric", "Correctness first, then completeness.");
			json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s}", "question",
						 ba_json_str(it, "question", ""), "reference",
						 ba_json_str(it, "answer", ""), "rubric", rubric, "answer_1",
						 sw ? rb : ra, "answer_2", sw ? ra : rb);
			char *text = NULL;
			json_t *msgs;
			int rc = ba_prompt_render("eval_judge_pair.txt", vars, &text, &e);
			json_decref(vars);
			if (rc) {
				json_array_append_new(warnings, json_string(e.msg));
				break;
			}
			msgs = json_pack("[{s:s, s:s}]", "role", "user", "content", text);
			free(text);
			req.role = "judge";
			req.provider = judge->provider;
			req.model = judge->model;
			req.messages = msgs;
			req.schema = schema;
			req.schema_name = "verdict";
			req.temperature = 0;
			req.run_id = opts->run_id;
			calls[ncalls].ctx = &ctx;
			calls[ncalls].item = i;
			calls[ncalls].swapped = sw;
			calls[ncalls].verdict = -2;
			pthread_mutex_lock(&ctx.mu);
			ctx.pending++;
			pthread_mutex_unlock(&ctx.mu);
			if (ba_llm_submit(gw, &req, pair_done, &calls[ncalls], &e) != 0) {
				pthread_mutex_lock(&ctx.mu);
				ctx.pending--;
				pthread_mutex_unlock(&ctx.mu);
				json_array_append_new(warnings, json_string(e.msg));
			} else {
				ncalls++;
			}
			json_decref(msgs);
		}
		free(ra);
		free(rb);
	}
	pthread_mutex_lock(&ctx.mu);
	while (ctx.pending > 0)
		pthread_cond_wait(&ctx.cv, &ctx.mu);
	pthread_mutex_unlock(&ctx.mu);
	/* calls come in (item, order 0), (item, order 1) pairs */
	for (i = 0; i + 1 < ncalls; i += 2) {
		int v1 = calls[i].verdict, v2 = calls[i + 1].verdict;
		if (calls[i].item != calls[i + 1].item || v1 == -2 || v2 == -2)
			continue;
		judged++;
		if (v1 != v2)
			incons++;
		if (v1 + v2 > 0)
			aw++;
		else if (v1 + v2 < 0)
			bw++;
		else
			ties++;
	}
	if (judged > 0)
		out = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:f}", "a", opts->models[0], "b",
				opts->models[1], "judge", opts->judge ? opts->judge : "", "items",
				(json_int_t)judged, "a_wins", (json_int_t)aw, "b_wins", (json_int_t)bw,
				"ties", (json_int_t)ties, "inconsistent", (json_int_t)incons, "win_rate_a",
				((double)aw + 0.5 * (double)ties) / (double)judged);
	json_decref(schema);
	free(calls);
	pthread_mutex_destroy(&ctx.mu);
	pthread_cond_destroy(&ctx.cv);
	return out;
}
