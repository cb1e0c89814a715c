/*
 * run.c - the evaluation runner: every (model, item, epoch) is one job;
 * jobs whose request was answered before are re-scored from the store,
 * the rest go through the gateway's async API with a bounded window in
 * flight. Callbacks only hand results to the main thread, which extracts,
 * scores, asks the judge for open items, and writes results in batches
 * (one transaction per batch) so a crash loses at most one batch.
 */
#include "benchagent/eval.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/log.h"
#include "benchagent/progress.h"
#include "benchagent/prompt.h"
#include "benchagent/sha256.h"
#include "eval_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BA_LOG_MODULE_EVAL "eval"
#define FLUSH_EVERY 512

enum { J_TODO = 0, J_MODEL, J_JUDGE, J_DONE, J_SAVED };

struct runner;

typedef struct job {
	struct runner *owner;
	size_t idx;
	size_t item, model;
	int epoch;
	int state;
	int reused;
	char rhash[65];
	char call_key[65];
	char *response;
	char *extracted;
	char *error;
	json_t *judge;      /* {model, score, reason} */
	double score;       /* NAN until scored */
	/* filled by callbacks under the mutex */
	int cb_rc;
	char *cb_text;
	json_t *cb_json;
	char *cb_err;
	char cb_key[65];
	int cb_mock;
	int nostore;        /* a dry-run stand-in reply: never stored as a result */
} job;

typedef struct runner {
	ba_gateway *gw;
	ba_store *st;
	ba_gen_registry *reg;
	const ba_eval_opts *o;
	json_t *items;
	ba_model_ref *refs;
	char *bench_key;
	ba_model_ref judge;
	int have_judge;
	job *jobs;
	size_t njobs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t *queue;
	size_t qlen, qcap;
	size_t inflight;
	long submitted, reused, failed;
	long calls_failed;  /* of failed: model/judge calls that failed after every retry */
	char *first_error;  /* message of the first call that failed for good */
	int budget_stop;
	json_t *warnings;
	json_t *stored;     /* "model\nitem\nepoch" -> request hash of the stored answer */
	ba_progress *progress;
} runner;

static void warn(runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(runner *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t i;
	json_t *w;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_foreach(r->warnings, i, w)
		if (!strcmp(json_string_value(w), msg))
			return;
	json_array_append_new(r->warnings, json_string(msg));
	ba_log_write(BA_LOG_WARN, BA_LOG_MODULE_EVAL, "%s", msg);
}

static char *row_key(const char *model, const char *item, int epoch)
{
	return ba_asprintf("%s\n%s\n%d", model, item, epoch);
}

static int index_stored(void *ud, const char *model, const char *item, int epoch, const char *request_hash)
{
	runner *r = ud;
	char *k = row_key(model, item, epoch);

	json_object_set_new(r->stored, k, json_string(request_hash));
	free(k);
	return 0;
}

/* Index the stored answers of this benchmark: key -> request hash only,
 * so memory stays flat on big reruns; the response itself is read when a
 * job reuses it (fetch_stored). */
static int load_stored(runner *r, ba_error *err)
{
	r->stored = json_object();
	return ba_result_foreach_answered(r->st, r->bench_key, index_stored, r, err);
}

/* The stored response and judge verdict of one job (new string / new
 * ref, judge may be NULL). Returns 0 or BA_ENOTFOUND. */
static int fetch_stored(runner *r, const char *model, const char *item, int epoch, char **response,
			json_t **judge)
{
	char *jt = NULL;
	int rc = ba_result_get_answer(r->st, r->bench_key, model, item, epoch, response, &jt);

	*judge = jt ? json_loads(jt, 0, NULL) : NULL;
	free(jt);
	return rc;
}

/* Save every finished job in one transaction; a saved job drops its
 * response text (it is in the store now; memory stays flat on big runs). */
static int flush(runner *r, ba_error *err)
{
	ba_result_row *rows;
	char **judges;
	size_t k, n = 0;
	int rc;

	for (k = 0; k < r->njobs; k++)
		n += r->jobs[k].state == J_DONE && !r->jobs[k].nostore;
	rows = ba_calloc(n + 1, sizeof(*rows));
	judges = ba_calloc(n + 1, sizeof(*judges));
	n = 0;
	for (k = 0; k < r->njobs; k++) {
		job *j = &r->jobs[k];
		ba_result_row *row = &rows[n];
		if (j->state != J_DONE || j->nostore)
			continue;
		row->bench = r->bench_key;
		row->model = r->o->models[j->model];
		row->item = ba_json_str(json_array_get(r->items, j->item), "id", "");
		row->epoch = j->epoch;
		row->request_hash = j->rhash;
		row->response = j->response;
		row->extracted = j->extracted;
		row->score = j->score;
		row->judge = judges[n] = j->judge ? ba_json_canonical(j->judge) : NULL;
		row->error = j->error;
		row->call_key = j->call_key;
		n++;
	}
	rc = n ? ba_result_put_many(r->st, rows, n, err) : 0;
	for (k = 0; k < n; k++)
		free(judges[k]);
	free(judges);
	free(rows);
	if (rc)
		return rc;
	for (k = 0; k < r->njobs; k++) {
		job *j = &r->jobs[k];
		if (j->state != J_DONE)
			continue;
		j->state = J_SAVED;
		if (!j->nostore) {
			free(j->response);
			j->response = NULL;
		}
	}
	return 0;
}

static void on_done(void *ud, int rc, ba_llm_response *resp, const char *errmsg, runner *r,
		    size_t idx)
{
	job *j = &r->jobs[idx];

	pthread_mutex_lock(&r->mu);
	j->cb_rc = rc;
	if (rc == 0 && resp) {
		j->cb_text = resp->content ? ba_strdup(resp->content) : ba_strdup("");
		j->cb_json = resp->json ? json_incref(resp->json) : NULL;
		memcpy(j->cb_key, resp->key, sizeof(j->cb_key));
		j->cb_mock = resp->mock;
	} else {
		j->cb_err = ba_strdup(errmsg && *errmsg ? errmsg : ba_strerror(rc));
	}
	if (r->qlen == r->qcap) {
		r->qcap = r->qcap ? r->qcap * 2 : 256;
		r->queue = ba_realloc(r->queue, r->qcap * sizeof(size_t));
	}
	r->queue[r->qlen++] = idx;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	(void)ud;
	ba_llm_response_free(resp);
}

/* The callback's user data is the job, which knows its runner. */
static void done_cb(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	job *j = ud;

	on_done(ud, rc, resp, errmsg, j->owner, j->idx);
}

static json_t *judge_schema(void)
{
	return json_pack("{s:s, s:{s:{s:s, s:i, s:i}, s:{s:s}}, s:[s]}", "type", "object",
			 "properties", "score", "type", "number", "minimum", 0, "maximum", 1, "reason",
			 "type", "string", "required", "score");
}

static int submit_judge(runner *r, size_t idx, ba_error *err)
{
	job *j = &r->jobs[idx];
	const json_t *item = json_array_get(r->items, j->item);
	json_t *vars, *msgs, *schema;
	const char *rubric = ba_json_str(item, "rubric", NULL);
	char *text = NULL;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	int rc;

	vars = json_pack("{s:s, s:s, s:s, s:s}", "question", ba_json_str(item, "question", ""),
			 "reference", ba_json_str(item, "answer", ""), "rubric",
			 rubric ? rubric : "Full credit when the answer states the same facts and "
					   "conclusion as the reference; partial credit for partly "
					   "correct answers; none for wrong or missing ones.",
			 "answer", j->response ? j->response : "");
	rc = ba_prompt_render("eval_judge.txt", vars, &text, err);
	json_decref(vars);
	if (rc)
		return rc;
	msgs = json_pack("[{s:s, s:s}]", "role", "user", "content", text);
	free(text);
	schema = judge_schema();
	req.role = "judge";
	req.provider = r->judge.provider;
	req.model = r->judge.model;
	req.messages = msgs;
	req.schema = schema;
	req.schema_name = "grade";
	req.temperature = 0;
	req.run_id = r->o->run_id;
	req.can_wait = 1; /* may go through a provider batch API (--batch-api) */
	j->state = J_JUDGE;
	rc = ba_llm_submit(r->gw, &req, done_cb, &r->jobs[idx], err);
	json_decref(msgs);
	json_decref(schema);
	return rc;
}

static int needs_judge(runner *r, const json_t *item)
{
	return r->have_judge && !strcmp(ba_json_str(item, "answer_type", ""), "open");
}

/* Extract and score a job whose response is known (main thread). */
static void finalize(runner *r, job *j)
{
	const json_t *item = json_array_get(r->items, j->item);
	ba_error e = BA_ERROR_INIT;
	const char *how = NULL;

	free(j->extracted);
	j->extracted = ba_eval_extract(item, j->response);
	if (j->judge) {
		j->score = ba_json_num(j->judge, "score", 0);
	} else if (ba_eval_score(r->reg, item, j->extracted, &j->score, &how, &e) != 0) {
		warn(r, "%s", e.msg);
		j->score = NAN;
	} else if (how && !strcmp(how, "normalized(open, no judge)")) {
		warn(r, "open-answer items are scored by normalised exact match; pass --judge "
			"PROVIDER/MODEL for rubric grading");
	}
	j->state = J_DONE;
	ba_progress_add(r->progress, 1, 0);
}

/* Build the request for job idx; reuse a stored answer when the request
 * is unchanged; else submit. */
/* Job j's messages (*msgs, new ref) and request hash (j->rhash); 1 when
 * its answer to exactly that request is stored (and may be reused), 0
 * when not, <0 on a bad item. */
static int job_request(runner *r, job *j, json_t **msgs, ba_error *err)
{
	const json_t *item = json_array_get(r->items, j->item);
	const char *spec = r->o->models[j->model];
	json_t *h, *row;
	char *key, *canon;
	int rc;

	*msgs = NULL;
	if ((rc = ba_eval_messages(r->o->bench_dir, item, msgs, err)) != 0)
		return rc;
	h = json_pack("{s:s, s:O, s:i, s:f, s:i}", "model", spec, "messages", *msgs, "epoch",
		      j->epoch, "temperature", r->o->temperature, "max_tokens", r->o->max_tokens);
	canon = ba_json_canonical(h);
	ba_sha256_hex(canon, strlen(canon), j->rhash);
	free(canon);
	json_decref(h);
	key = row_key(spec, ba_json_str(item, "id", ""), j->epoch);
	row = json_object_get(r->stored, key);
	free(key);
	return row && !r->o->no_reuse && !strcmp(json_string_value(row), j->rhash);
}

static int start_job(runner *r, size_t idx, ba_error *err)
{
	job *j = &r->jobs[idx];
	const json_t *item = json_array_get(r->items, j->item);
	const char *spec = r->o->models[j->model];
	json_t *msgs = NULL, *jd = NULL;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	int rc, stored;

	if ((stored = job_request(r, j, &msgs, err)) < 0)
		return stored;
	if (stored &&
	    fetch_stored(r, spec, ba_json_str(item, "id", ""), j->epoch, &j->response, &jd) == 0) {
		j->reused = 1;
		r->reused++;
		json_decref(msgs);
		if (needs_judge(r, item)) {
			char *jspec = ba_asprintf("%s/%s", r->judge.provider, r->judge.model);
			int same = jd && !strcmp(ba_json_str(jd, "model", ""), jspec);
			free(jspec);
			if (!same) {
				json_decref(jd);
				rc = submit_judge(r, idx, err);
				if (rc == 0)
					r->inflight++;
				return rc;
			}
			j->judge = jd;
			jd = NULL;
		}
		json_decref(jd);
		finalize(r, j);
		return 0;
	}
	req.role = "solver";
	req.provider = r->refs[j->model].provider;
	req.model = r->refs[j->model].model;
	req.messages = msgs;
	req.sample_index = j->epoch;
	req.run_id = r->o->run_id;
	req.can_wait = 1; /* may go through a provider batch API (--batch-api) */
	if (r->o->temperature >= 0)
		req.temperature = r->o->temperature;
	if (r->o->max_tokens > 0)
		req.max_tokens = r->o->max_tokens;
	j->state = J_MODEL;
	rc = ba_llm_submit(r->gw, &req, done_cb, &r->jobs[idx], err);
	json_decref(msgs);
	if (rc == 0) {
		r->inflight++;
		r->submitted++;
	}
	return rc;
}

/* 1 when provider is the offline mock one (its replies are real results
 * for it); a mock reply from any other provider means a dry run. */
static int is_mock_provider(runner *r, const char *provider)
{
	const ba_provider_cfg *p = r->o->cfg ? ba_config_provider(r->o->cfg, provider) : NULL;

	return !r->o->cfg || (p && p->protocol == BA_PROTO_MOCK);
}

/* Handle one completed call (main thread). */
static void complete(runner *r, size_t idx)
{
	job *j = &r->jobs[idx];
	int rc;
	ba_error e = BA_ERROR_INIT;

	pthread_mutex_lock(&r->mu);
	rc = j->cb_rc;
	pthread_mutex_unlock(&r->mu);
	if (rc == BA_EBUDGET)
		r->budget_stop = 1;
	if (j->state == J_MODEL) {
		if (rc != 0) {
			free(j->error);
			j->error = j->cb_err;
			j->cb_err = NULL;
			j->score = NAN;
			j->state = J_DONE;
			r->failed++;
			r->calls_failed++;
			if (!r->first_error && j->error)
				r->first_error = ba_strdup(j->error);
			r->inflight--;
			return;
		}
		free(j->response);
		j->response = j->cb_text;
		j->cb_text = NULL;
		memcpy(j->call_key, j->cb_key, sizeof(j->call_key));
		if (j->cb_mock && !is_mock_provider(r, r->refs[j->model].provider)) {
			j->nostore = 1;
			warn(r, "dry run: replies are offline stand-ins, so nothing is scored or stored");
		}
		json_decref(j->cb_json);
		j->cb_json = NULL;
		if (needs_judge(r, json_array_get(r->items, j->item)) && !r->budget_stop) {
			if (submit_judge(r, idx, &e) == 0)
				return; /* still in flight */
			warn(r, "judge: %s", e.msg);
		}
		finalize(r, j);
		r->inflight--;
		return;
	}
	if (j->state == J_JUDGE) {
		if (rc == 0 && j->cb_json && json_is_number(json_object_get(j->cb_json, "score"))) {
			double s = ba_json_num(j->cb_json, "score", 0);
			char *jspec = ba_asprintf("%s/%s", r->judge.provider, r->judge.model);
			s = s < 0 ? 0 : s > 1 ? 1 : s;
			json_decref(j->judge);
			j->judge = json_pack("{s:s, s:f, s:s}", "model", jspec, "score", s, "reason",
					     ba_json_str(j->cb_json, "reason", ""));
			free(jspec);
			finalize(r, j);
		} else {
			warn(r, "judge call failed: %s", j->cb_err ? j->cb_err : "reply without a score");
			free(j->error);
			j->error = ba_strdup("judge failed");
			j->score = NAN;
			j->state = J_DONE;
			r->failed++;
		}
		free(j->cb_text);
		j->cb_text = NULL;
		free(j->cb_err);
		j->cb_err = NULL;
		json_decref(j->cb_json);
		j->cb_json = NULL;
		r->inflight--;
	}
}

static int parse_models(runner *r, ba_error *err)
{
	size_t i;
	int rc;

	r->refs = ba_calloc(r->o->nmodels ? r->o->nmodels : 1, sizeof(ba_model_ref));
	for (i = 0; i < r->o->nmodels; i++) {
		if ((rc = ba_model_ref_parse(&r->refs[i], r->o->models[i], err)) != 0)
			return ba_error_prefix(err, "--model %s: ", r->o->models[i]);
		if (r->o->cfg && !ba_config_provider(r->o->cfg, r->refs[i].provider))
			return ba_error_set(err, BA_EINVAL, "--model %s: no provider '%s' in the configuration",
					    r->o->models[i], r->refs[i].provider);
	}
	if (r->o->judge) {
		if ((rc = ba_model_ref_parse(&r->judge, r->o->judge, err)) != 0)
			return ba_error_prefix(err, "--judge %s: ", r->o->judge);
		r->have_judge = 1;
		if (r->o->cfg && !ba_config_provider(r->o->cfg, r->judge.provider))
			return ba_error_set(err, BA_EINVAL, "--judge %s: no provider '%s' in the configuration",
					    r->o->judge, r->judge.provider);
		for (i = 0; i < r->o->nmodels; i++) {
			char *fj = ba_eval_family(r->o->judge, r->o->families);
			char *fm = ba_eval_family(r->o->models[i], r->o->families);
			if (*fj && !strcmp(fj, fm))
				warn(r, "judge %s and model under test %s share the family '%s': the judge may favour its own family",
				     r->o->judge, r->o->models[i], fj);
			free(fj);
			free(fm);
		}
	}
	return 0;
}

/* Refuse, before anything is sent, a model whose protocol cannot take a
 * modality the items carry (audio to Anthropic Messages): one line naming
 * the model, the modality and the first such item. Never a text-only
 * stand-in for the item. */
static int check_media(runner *r, ba_error *err)
{
	size_t i, k, d;
	json_t *it, *m;

	for (i = 0; i < r->o->nmodels && r->o->cfg; i++) {
		const ba_provider_cfg *p = ba_config_provider(r->o->cfg, r->refs[i].provider);
		unsigned ok = ba_llm_media_accepted(p), lack = 0;
		const char *first = NULL;
		size_t n = 0;
		json_array_foreach(r->items, k, it) {
			unsigned miss = 0;
			json_array_foreach(json_object_get(it, "media"), d, m)
				miss |= ba_llm_media_bit(ba_json_str(m, "type", "")) & ~ok;
			if (miss && !first)
				first = ba_json_str(it, "id", "?");
			if (miss)
				n++;
			lack |= miss;
		}
		if (lack) {
			char more[64] = "";
			if (n > 1)
				snprintf(more, sizeof(more), " (and %zu more items)", n - 1);
			return ba_error_set(err, BA_EINVAL,
					    "eval: model %s (protocol %s) cannot take %s input, which item %s%s carries; "
					    "evaluate it with a provider whose protocol can (openai) or leave those items out",
					    r->o->models[i], ba_protocol_name(p->protocol),
					    ba_llm_media_name(lack & BA_MEDIA_AUDIO ? BA_MEDIA_AUDIO : BA_MEDIA_IMAGE),
					    first, more);
		}
	}
	return 0;
}

static void free_runner(runner *r)
{
	size_t k;

	for (k = 0; k < r->njobs; k++) {
		job *j = &r->jobs[k];
		free(j->response);
		free(j->extracted);
		free(j->error);
		free(j->cb_text);
		free(j->cb_err);
		json_decref(j->judge);
		json_decref(j->cb_json);
	}
	free(r->jobs);
	if (r->refs)
		for (k = 0; k < r->o->nmodels; k++)
			ba_model_ref_clear(&r->refs[k]);
	free(r->refs);
	if (r->have_judge)
		ba_model_ref_clear(&r->judge);
	free(r->queue);
	free(r->bench_key);
	free(r->first_error);
	ba_progress_done(r->progress);
	json_decref(r->items);
	json_decref(r->stored);
	json_decref(r->warnings);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

/* Keep up to the window's jobs of [lo, hi) in flight and complete them as
 * they come back, flushing results every FLUSH_EVERY; stops early when the
 * budget is exhausted. 0, or the flush's error. */
static int drive(runner *r, size_t lo, size_t hi, ba_error *err)
{
	size_t next = lo, since_flush = 0, window;
	int rc = 0;

	window = r->o->window > 0 ? (size_t)r->o->window : 256;
	while (next < hi || r->inflight > 0) {
		size_t *batch = NULL, nb = 0, i;
		while (next < hi && r->inflight < window && !r->budget_stop) {
			ba_error e = BA_ERROR_INIT;
			if (start_job(r, next, &e) != 0) {
				job *j = &r->jobs[next];
				if (e.code == BA_EBUDGET)
					r->budget_stop = 1;
				warn(r, "%s", e.msg);
				j->error = ba_strdup(e.msg);
				j->state = J_DONE;
				r->failed++; /* refused before sending (e.g. unsafe media): a warning, not a call failure */
			}
			next++;
			if (r->jobs[next - 1].state == J_DONE)
				since_flush++;
		}
		if (r->budget_stop && r->inflight == 0)
			break;
		if (r->inflight == 0)
			continue;
		pthread_mutex_lock(&r->mu);
		while (r->qlen == 0)
			pthread_cond_wait(&r->cv, &r->mu);
		batch = r->queue;
		nb = r->qlen;
		r->queue = NULL;
		r->qlen = r->qcap = 0;
		pthread_mutex_unlock(&r->mu);
		for (i = 0; i < nb; i++) {
			complete(r, batch[i]);
			if (r->jobs[batch[i]].state == J_DONE)
				since_flush++;
		}
		free(batch);
		if (since_flush >= FLUSH_EVERY) {
			if ((rc = flush(r, err)) != 0)
				break;
			since_flush = 0;
		}
	}
	return rc;
}

/* Items per unit of a shared evaluation (each unit: that many items x the
 * epochs of one model). */
#define SHARE_ITEMS 8

/* A unit of a shared evaluation: its jobs run and their results stored. */
static int run_unit(void *ud, size_t lo, size_t hi, ba_error *err)
{
	runner *r = ud;
	int rc = drive(r, lo, hi, err);

	if (rc == 0)
		rc = flush(r, err);
	if (rc == 0 && r->budget_stop)
		rc = ba_error_set(err, BA_EBUDGET, "eval: budget exhausted");
	return rc;
}

/* Whether a unit of a shared evaluation has work left: a job whose
 * answer to its exact request is not stored, or one a judge grades (its
 * verdict may be another judge's). */
static int unit_todo(void *ud, size_t lo, size_t hi)
{
	runner *r = ud;
	size_t k;

	for (k = lo; k < hi; k++) {
		json_t *msgs = NULL;
		int stored = job_request(r, &r->jobs[k], &msgs, NULL);
		json_decref(msgs);
		if (stored != 1 || needs_judge(r, json_array_get(r->items, r->jobs[k].item)))
			return 1;
	}
	return 0;
}

/* Every job of the evaluation: here, or shared with the other processes
 * working on the same store (opts->queue). */
static int run_jobs(runner *r, size_t nitems, int epochs, ba_error *err)
{
	ba_eval_share sh = { 0 };
	json_t *what;
	char hex[65], stage[32], worker[160], host[128] = "host";
	size_t k;
	int rc;

	if (!r->o->queue || !r->st)
		return drive(r, 0, r->njobs, err);
	what = json_pack("{s:[], s:i, s:I, s:s?}", "models", "epochs", epochs, "items", (json_int_t)nitems, "judge",
			 r->o->judge);
	for (k = 0; k < r->o->nmodels; k++)
		json_array_append_new(json_object_get(what, "models"), json_string(r->o->models[k]));
	ba_json_hash(what, hex);
	json_decref(what);
	snprintf(stage, sizeof(stage), "eval:%.12s", hex);
	gethostname(host, sizeof(host) - 1);
	snprintf(worker, sizeof(worker), "%s:%ld", host, (long)getpid());
	sh.st = r->st;
	sh.run_id = r->o->run_id;
	sh.stage = stage;
	sh.worker = worker;
	sh.lease_s = r->o->lease_s > 0 ? r->o->lease_s : 30;
	sh.since = ba_now();
	/* with the batch API the provider does the work: one batch, one unit */
	rc = ba_eval_shared(&sh, r->njobs, r->o->batch_api ? r->njobs : SHARE_ITEMS * (size_t)epochs, unit_todo,
			    run_unit, r, err);
	return rc == BA_EBUDGET ? 0 : rc; /* stopped early: the report says so */
}

int ba_eval_run(ba_gateway *gw, ba_store *st, ba_gen_registry *reg, const ba_eval_opts *opts,
		json_t **report, ba_error *err)
{
	runner r;
	size_t nitems, k;
	int epochs = opts->epochs > 0 ? opts->epochs : 1, rc = 0;
	json_t *models = NULL, *pair = NULL;
	double *y = NULL;

	*report = NULL;
	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	r.gw = gw;
	r.st = st;
	r.reg = reg;
	r.o = opts;
	r.warnings = json_array();
	if (!opts->bench_dir || opts->nmodels == 0) {
		rc = ba_error_set(err, BA_EUSAGE, "eval: a benchmark folder and at least one --model are needed");
		goto cleanup;
	}
	if ((rc = parse_models(&r, err)) != 0)
		goto cleanup;
	if ((rc = ba_eval_load_items(opts->bench_dir, opts->limit, &r.items, err)) != 0)
		goto cleanup;
	nitems = json_array_size(r.items);
	if (nitems == 0) {
		rc = ba_error_set(err, BA_EINVAL, "%s: items.jsonl has no items", opts->bench_dir);
		goto cleanup;
	}
	if ((rc = check_media(&r, err)) != 0)
		goto cleanup;
	r.bench_key = ba_eval_bench_key(opts->bench_dir);
	if (epochs > 1 && opts->temperature == 0)
		warn(&r, "--epochs %d at temperature 0: a deterministic model repeats itself; set "
			 "evaluation.temperature to sample", epochs);
	if ((rc = load_stored(&r, err)) != 0)
		goto cleanup;
	r.njobs = opts->nmodels * nitems * (size_t)epochs;
	r.jobs = ba_calloc(r.njobs, sizeof(job));
	for (k = 0; k < r.njobs; k++) {
		/* model-major so one model's results are complete early */
		r.jobs[k].model = k / (nitems * (size_t)epochs);
		r.jobs[k].item = (k / (size_t)epochs) % nitems;
		r.jobs[k].epoch = (int)(k % (size_t)epochs);
		r.jobs[k].score = NAN;
		r.jobs[k].owner = &r;
		r.jobs[k].idx = k;
	}
	r.progress = ba_progress_start("eval", (long)r.njobs);
	rc = run_jobs(&r, nitems, epochs, err);
	ba_gateway_wait(gw);
	ba_progress_done(r.progress);
	r.progress = NULL;
	if (rc == 0)
		rc = flush(&r, err);
	if (rc)
		goto cleanup;
	if (r.budget_stop)
		warn(&r, "budget exhausted: stopped early; rerun with a larger budget to continue (stored results are kept)");
	if (opts->pairwise && opts->nmodels >= 2 && r.have_judge)
		pair = ba_eval_pairwise(gw, st, &r.judge, opts, r.items, r.bench_key, r.warnings);
	else if (opts->pairwise)
		warn(&r, "--pairwise needs --judge and at least two models");
	if ((rc = ba_eval_load_matrix(st, r.bench_key, r.items, opts->models, opts->nmodels, epochs, &models,
				      &y, err)) != 0)
		goto cleanup;
	*report = ba_eval_report(r.items, models, y, opts);
	json_object_set_new(*report, "benchmark", json_string(r.bench_key));
	json_object_set_new(*report, "epochs", json_integer(epochs));
	json_object_set_new(*report, "requests",
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:s?}", "submitted", (json_int_t)r.submitted,
				      "reused", (json_int_t)r.reused, "failed", (json_int_t)r.failed,
				      "calls_failed", (json_int_t)r.calls_failed, "total", (json_int_t)r.njobs,
				      "first_error", r.first_error));
	if (pair)
		json_object_set_new(*report, "pairwise", pair);
	{
		json_t *link = ba_eval_link(st, opts->bench_dir, opts);
		if (link)
			json_object_set_new(*report, "linking", link);
	}
	json_object_set(*report, "warnings", r.warnings);
cleanup:
	free(y);
	json_decref(models);
	free_runner(&r);
	return rc;
}
