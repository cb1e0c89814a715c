/*
 * run.c - ba_audit_run: load the benchmark folder, judge every (judge,
 * item) pair (judge.c), summarise (summary.c), and write the report to
 * <bench>/audit.json, the report and the per-item flags to the store.
 */
#include "audit_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/eval.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/log.h"
#include "benchagent/store_audit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The score matrix, rationales and failures from the finished jobs. */
static void collect(audit_runner *r, double *y, json_t *rationales, json_t *failures, int *mock)
{
	size_t ni = json_array_size(r->items), i;
	int c;

	for (i = 0; i < r->njobs; i++) {
		audit_job *j = &r->jobs[i];
		const char *id = ba_json_str(json_array_get(r->items, j->item), "id", "");
		*mock |= j->mock;
		if (j->scores) {
			char *k = ba_asprintf("%s\n%s", r->specs[j->judge], id);
			for (c = 0; c < BA_AUDIT_NCRIT; c++)
				y[(j->judge * ni + j->item) * BA_AUDIT_NCRIT + c] =
					ba_json_num(json_object_get(j->scores, ba_audit_criteria[c]), "score", NAN);
			json_object_set(rationales, k, j->scores);
			free(k);
		} else if (j->error) {
			json_array_append_new(failures, json_pack("{s:s, s:s, s:s}", "item", id, "judge",
								  r->specs[j->judge], "error", j->error));
		}
	}
}

static int verdict_cb(void *ud, const char *item, const char *annotator, const char *verdict,
		      const char *comment)
{
	json_t *by_item = ud, *row = json_object_get(by_item, item);

	(void)comment;
	if (!row) {
		row = json_object();
		json_object_set_new(by_item, item, row);
	}
	json_object_set_new(row, annotator, json_integer(!strcmp(verdict, "accept")));
	return 0;
}

/* Human review verdicts of bench: {item: {annotator: 1 accept | 0 reject}}. */
static json_t *human_verdicts(ba_store *st, const char *bench)
{
	json_t *out = json_object();

	if (ba_verdict_foreach(st, bench, NULL, verdict_cb, out, NULL) != 0)
		BA_WARN("audit: review verdicts of %s could not be read; no agreement with people", bench);
	return out;
}

/* audit.json, the stored report, and the flags refresh and build read. */
static int write_outputs(audit_runner *r, json_t *report, ba_error *err)
{
	char *path = ba_path_join(r->o->bench_dir, "audit.json");
	json_t *flags = json_array(), *it;
	ba_buf judges = BA_BUF_INIT(1 << 16);
	size_t i;
	int rc;

	rc = ba_json_write_file(path, report, err);
	free(path);
	if (rc == 0)
		rc = ba_audit_report_put(r->st, r->bench_key, report, err);
	json_array_foreach(json_object_get(report, "items"), i, it) {
		json_t *w = json_object_get(it, "weakest");
		if (!json_is_number(json_object_get(it, "min_score")))
			continue;  /* no judgement: no flag either way */
		json_array_append_new(flags, json_pack("{s:s, s:s, s:O, s:s?, s:s?}", "item", ba_json_str(it, "id", ""),
						       "verdict", ba_json_bool(it, "pass", 0) ? "pass" : "fail",
						       "score", json_object_get(it, "min_score"), "criterion",
						       ba_json_str(w, "criterion", NULL), "reason",
						       ba_json_str(w, "rationale", NULL)));
	}
	for (i = 0; i < r->o->njudges; i++)
		ba_buf_printf(&judges, "%s%s", i ? "," : "", r->specs[i]);
	if (rc == 0)
		rc = ba_audit_flags_put(r->st, r->bench_key, flags, r->o->threshold, ba_buf_cstr(&judges), err);
	ba_buf_free(&judges);
	json_decref(flags);
	return rc;
}

static int setup(audit_runner *r, ba_gateway *gw, ba_store *st, const ba_audit_opts *o, ba_error *err)
{
	size_t i, k, ni;
	int rc;

	memset(r, 0, sizeof(*r));
	r->gw = gw;
	r->st = st;
	r->o = o;
	r->specs = o->judges;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (o->njudges == 0)
		return ba_error_set(err, BA_EINVAL, "audit: give at least one judge (provider/model)");
	r->refs = ba_calloc(o->njudges, sizeof(ba_model_ref));
	for (i = 0; i < o->njudges; i++)
		if ((rc = ba_model_ref_parse(&r->refs[i], o->judges[i], err)) != 0) {
			ba_error_prefix(err, "--judge %s: ", o->judges[i]);
			return rc;
		}
	if ((rc = ba_eval_load_items(o->bench_dir, o->limit, &r->items, err)) != 0)
		return rc;
	r->bench_key = ba_eval_bench_key(o->bench_dir);
	r->schema = ba_audit_reply_schema();
	ni = json_array_size(r->items);
	r->njobs = ni * o->njudges;
	r->jobs = ba_calloc(r->njobs + 1, sizeof(audit_job));
	/* item-major: every judge sees item i before anyone sees item i+1 */
	for (i = 0; i < ni; i++)
		for (k = 0; k < o->njudges; k++) {
			audit_job *j = &r->jobs[i * o->njudges + k];
			j->owner = r;
			j->item = i;
			j->judge = k;
		}
	return 0;
}

static void teardown(audit_runner *r)
{
	size_t i;

	for (i = 0; i < r->njobs; i++) {
		json_decref(r->jobs[i].scores);
		free(r->jobs[i].error);
	}
	free(r->jobs);
	for (i = 0; r->refs && i < r->o->njudges; i++)
		ba_model_ref_clear(&r->refs[i]);
	free(r->refs);
	json_decref(r->items);
	json_decref(r->schema);
	free(r->bench_key);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

int ba_audit_run(ba_gateway *gw, ba_store *st, const ba_audit_opts *o, json_t **report, ba_error *err)
{
	audit_runner r;
	audit_ctx ctx = { 0 };
	json_t *judges = json_array(), *rat = json_object(), *fail = json_array(), *humans = NULL, *rep = NULL;
	double *y = NULL;
	size_t i, n;
	int rc, mock = 0;

	*report = NULL;
	if ((rc = setup(&r, gw, st, o, err)) != 0)
		goto cleanup;
	ba_audit_ctx_load(&ctx, o->bench_dir, r.items);
	r.ctx = &ctx;
	if ((rc = ba_audit_judge_all(&r, err)) != 0)
		goto cleanup;
	n = r.njobs * BA_AUDIT_NCRIT;
	y = ba_malloc((n + 1) * sizeof(double));
	for (i = 0; i < n; i++)
		y[i] = NAN;
	collect(&r, y, rat, fail, &mock);
	if ((long)json_array_size(fail) == (long)r.njobs && r.njobs > 0) {
		rc = ba_error_set(err, BA_EINVAL, "audit: no judgement could be obtained (first failure: %s)",
				  ba_json_str(json_array_get(fail, 0), "error", "?"));
		goto cleanup;
	}
	for (i = 0; i < o->njudges; i++)
		json_array_append_new(judges, json_string(o->judges[i]));
	humans = human_verdicts(st, r.bench_key);
	rep = ba_audit_summarize(r.items, judges, y, rat, humans, ctx.writers, o);
	json_object_set_new(rep, "benchmark", json_string(r.bench_key));
	json_object_set_new(rep, "request", ctx.request ? json_string(ctx.request) : json_null());
	json_object_set_new(rep, "mock", json_boolean(mock));
	json_object_set_new(rep, "requests", json_pack("{s:I, s:I, s:I, s:I}", "submitted", (json_int_t)r.submitted,
						       "reused", (json_int_t)r.reused, "failed", (json_int_t)r.failed,
						       "not_asked", (json_int_t)r.not_asked));
	json_object_set(rep, "failures", fail);
	if (r.budget_stop)
		json_array_append_new(json_object_get(rep, "warnings"),
				      json_string("budget reached before every item was judged: rerun to continue"));
	if (o->write && (rc = write_outputs(&r, rep, err)) != 0)
		goto cleanup;
	*report = rep;
	rep = NULL;
cleanup:
	json_decref(rep);
	json_decref(judges);
	json_decref(rat);
	json_decref(fail);
	json_decref(humans);
	free(y);
	ba_audit_ctx_clear(&ctx);
	teardown(&r);
	return rc;
}
