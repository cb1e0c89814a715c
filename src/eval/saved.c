/*
 * saved.c - the statistics report of the last eval of a benchmark, kept
 * in the store (kv "eval.report:<bench key>") with what it was computed
 * from: a fingerprint of the stored results, the models, the epochs and
 * the statistics options. `benchagent report` and the review server's
 * /report reuse it when all of those still match, instead of redoing the
 * bootstrap and the IRT fit: the numbers are then eval's by construction,
 * and when anything changed they are recomputed by the same functions.
 */
#include "benchagent/eval.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

/* What the report depends on besides the results. */
static json_t *inputs(const ba_eval_opts *o, const json_t *models, int epochs, const char *fp)
{
	return json_pack("{s:s, s:O, s:i, s:i, s:I, s:f, s:f, s:o, s:o}", "fingerprint", fp, "models", models,
			 "epochs", epochs, "resamples", o->stats.resamples, "seed", (json_int_t)o->stats.seed, "level",
			 o->stats.level, "half_width", o->plan_half_width, "sizes",
			 o->sizes ? json_deep_copy(o->sizes) : json_object(), "families",
			 o->families ? json_deep_copy(o->families) : json_object());
}

static char *kv_key(const char *bench_key)
{
	return ba_asprintf("eval.report:%s", bench_key);
}

int ba_eval_save_report(ba_store *st, const char *bench_key, const ba_eval_opts *o, int epochs,
			const json_t *report, ba_error *err)
{
	char fp[65], *k, *txt;
	int stored_epochs, rc;
	json_t *in, *rec;

	if (ba_result_fingerprint(st, bench_key, fp, &stored_epochs) != 0 || epochs != stored_epochs)
		return 0;  /* fewer epochs than stored: the report would differ; nothing to keep */
	{
		/* models by name, in the report's order */
		json_t *names = json_array(), *m;
		size_t i;
		json_array_foreach(json_object_get(report, "models"), i, m)
			json_array_append_new(names, json_string(ba_json_str(m, "model", "")));
		in = inputs(o, names, epochs, fp);
		json_decref(names);
	}
	rec = json_pack("{s:o, s:O}", "inputs", in, "report", report);
	txt = ba_json_canonical(rec);
	k = kv_key(bench_key);
	rc = ba_kv_put(st, k, txt, err);
	free(k);
	free(txt);
	json_decref(rec);
	return rc;
}

json_t *ba_eval_saved_report(ba_store *st, const char *bench_key, const ba_eval_opts *o, const json_t *models)
{
	char fp[65], *k = kv_key(bench_key), *txt = NULL;
	json_t *rec = NULL, *want, *out = NULL;
	int epochs;

	if (ba_result_fingerprint(st, bench_key, fp, &epochs) != 0 || ba_kv_get(st, k, &txt, NULL) != 0)
		goto out;
	rec = json_loads(txt, 0, NULL);
	want = inputs(o, models, epochs, fp);
	if (json_equal(json_object_get(rec, "inputs"), want))
		out = json_incref(json_object_get(rec, "report"));
	json_decref(want);
out:
	free(k);
	free(txt);
	json_decref(rec);
	return out;
}
