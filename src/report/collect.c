/*
 * collect.c - gathers what the report shows from the benchmark folder
 * (items, manifest, plan, versions/, audit) and the store (evaluation
 * results through eval's own report functions, so the numbers are those of
 * `eval --json`; epochs; build-run rejections; cost per run).
 */
#include "report_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/benchdir.h"
#include "benchagent/eval.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- epochs and consistency across samples ---- */

typedef struct {
	json_t *models;     /* spec -> index */
	size_t nm, ni, k;   /* k: epochs seen */
	json_t *index;      /* item id -> index */
	double *sum, *cnt;  /* [m][epoch] (up to 64 epochs) */
	signed char *seen;  /* [m][i]: -1 none, bit 0 solved once, bit 1 failed once */
} epoch_acc;

#define MAX_EPOCHS 64

static int epoch_row(void *ud, const ba_result_row *r, const char *request)
{
	epoch_acc *a = ud;
	json_t *mi = json_object_get(a->models, r->model), *ii = json_object_get(a->index, r->item);
	size_t m, i;

	(void)request;
	if (!mi || !ii || r->error || isnan(r->score) || r->epoch < 0 || r->epoch >= MAX_EPOCHS)
		return 0;
	m = (size_t)json_integer_value(mi);
	i = (size_t)json_integer_value(ii);
	a->sum[m * MAX_EPOCHS + (size_t)r->epoch] += r->score;
	a->cnt[m * MAX_EPOCHS + (size_t)r->epoch] += 1;
	if ((size_t)r->epoch + 1 > a->k)
		a->k = (size_t)r->epoch + 1;
	if (a->seen[m * a->ni + i] < 0)
		a->seen[m * a->ni + i] = 0;
	a->seen[m * a->ni + i] |= r->score >= 0.5 ? 1 : 2;
	return 0;
}

/* {k, models: [{model, per_epoch: [acc], consistent, items}]}: consistent =
 * share of items with every sample solved or every sample failed. */
static json_t *epochs_of(ba_store *st, const char *key, const json_t *items, const json_t *models, int known_k)
{
	epoch_acc a = { 0 };
	json_t *out, *jm = json_array(), *it;
	size_t i, m, e;

	a.models = json_object();
	a.index = json_object();
	a.nm = json_array_size(models);
	a.ni = json_array_size(items);
	json_array_foreach(models, m, it)
		json_object_set_new(a.models, json_string_value(it), json_integer((json_int_t)m));
	json_array_foreach(items, i, it)
		json_object_set_new(a.index, ba_json_str(it, "id", ""), json_integer((json_int_t)i));
	a.sum = ba_calloc(a.nm * MAX_EPOCHS + 1, sizeof(double));
	a.cnt = ba_calloc(a.nm * MAX_EPOCHS + 1, sizeof(double));
	a.seen = ba_malloc(a.nm * a.ni + 1);
	memset(a.seen, -1, a.nm * a.ni + 1);
	{
		int k = 0;
		char fp[65];
		/* one sample per item: nothing to compare across samples, no pass over the rows
		 * (known_k: the epochs of eval's kept report, which matched the results) */
		if (known_k >= 0 ? (k = known_k) <= 1 : ba_result_fingerprint(st, key, fp, &k) == 0 && k <= 1)
			a.k = (size_t)(k > 0 ? k : 0);
		else
			ba_result_foreach_row(st, key, 0, NULL, epoch_row, &a, NULL);
	}
	for (m = 0; m < a.nm; m++) {
		json_t *pe = json_array();
		size_t n = 0, cons = 0;
		for (e = 0; e < a.k; e++) {
			double c = a.cnt[m * MAX_EPOCHS + e];
			json_array_append_new(pe, c > 0 ? json_real(a.sum[m * MAX_EPOCHS + e] / c) : json_null());
		}
		for (i = 0; i < a.ni; i++) {
			signed char s = a.seen[m * a.ni + i];
			if (s < 0)
				continue;
			n++;
			cons += s != 3;
		}
		json_array_append_new(jm, json_pack("{s:O, s:o, s:f, s:I}", "model", json_array_get(models, m),
						    "per_epoch", pe, "consistent", n ? (double)cons / (double)n : 0.0,
						    "items", (json_int_t)n));
	}
	out = json_pack("{s:I, s:o}", "k", (json_int_t)a.k, "models", jm);
	free(a.sum);
	free(a.cnt);
	free(a.seen);
	json_decref(a.models);
	json_decref(a.index);
	return out;
}

/* ---- the statistics report, as eval computes it ---- */

/* The model sizes and families eval was last given for key (kv
 * "eval.model_info:<key>"), or NULL. New reference. */
static json_t *stored_model_info(ba_store *st, const char *key)
{
	char *k = ba_asprintf("eval.model_info:%s", key), *txt = NULL;
	json_t *mi = NULL;

	if (ba_kv_get(st, k, &txt, NULL) == 0)
		mi = json_loads(txt, 0, NULL);
	free(k);
	free(txt);
	return json_is_object(mi) ? mi : (json_decref(mi), NULL);
}

/* The statistics report; *known_k: the epochs of eval's kept report when
 * it was used (its results' fingerprint matched), else -1. */
static json_t *eval_of(ba_store *st, const ba_report_opts *o, const char *key, const json_t *items, json_t **models_out,
		       int *known_k)
{
	ba_eval_opts eo = BA_EVAL_OPTS_INIT;
	json_t *models = json_array(), *rep = NULL, *link, *mi = stored_model_info(st, key);
	double *y = NULL;
	size_t i;

	*models_out = NULL;
	*known_k = -1;
	eo.bench_dir = o->bench_dir;
	/* given sizes win; else those eval was given */
	eo.sizes = json_object_size(o->sizes) ? o->sizes : json_object_get(mi, "sizes");
	eo.families = json_object_size(o->families) ? o->families : json_object_get(mi, "families");
	eo.stats = o->stats;
	eo.plan_half_width = o->plan_half_width;
	for (i = 0; i < o->nmodels; i++)
		json_array_append_new(models, json_string(o->models[i]));
	if (!o->nmodels)
		ba_result_models(st, key, models, NULL);
	if (json_array_size(models) == 0)
		goto none;
	/* eval's own report when it was made from exactly these results and options */
	if ((rep = ba_eval_saved_report(st, key, &eo, models)) != NULL) {
		if (json_is_integer(json_object_get(rep, "epochs")))
			*known_k = (int)ba_json_int(rep, "epochs", -1);
		json_object_del(rep, "requests");
		json_object_del(rep, "warnings");
	} else {
		json_decref(models);
		models = NULL;
		if (ba_eval_load_matrix(st, key, items, o->models, o->nmodels, 0, &models, &y, NULL) != 0 ||
		    json_array_size(models) == 0)
			goto none;
		rep = ba_eval_report(items, models, y, &eo);
		json_object_set_new(rep, "benchmark", json_string(key));
		if ((link = ba_eval_link(st, o->bench_dir, &eo)) != NULL)
			json_object_set_new(rep, "linking", link);
	}
	free(y);
	json_decref(mi);
	*models_out = models;
	return rep;
none:
	json_decref(models);
	json_decref(mi);
	free(y);
	return json_null();
}

/* ---- versions: v1 (the root) and root/versions/vN ---- */

static char *version_root(const char *dir)
{
	json_t *man = ba_benchdir_manifest(dir);
	const char *prev = ba_json_str(json_object_get(man, "previous"), "dir", NULL);
	char *root;

	if (ba_json_int(man, "version", 1) > 1 && prev) {
		/* versions/vN: the root is two levels up */
		char *a = ba_path_join(dir, "../..");
		root = a;
	} else {
		root = ba_strdup(dir);
	}
	json_decref(man);
	return root;
}

static json_t *version_entry(ba_store *st, const char *dir, const json_t *want)
{
	json_t *items = NULL, *models = NULL, *man = ba_benchdir_manifest(dir), *jm = json_array(), *it, *mv;
	char *key = ba_eval_bench_key(dir);
	double *y = NULL;
	size_t ni, m, i, nanch = 0;
	json_t *out;

	if (ba_eval_load_items(dir, 0, &items, NULL) != 0) {
		json_decref(man);
		free(key);
		json_decref(jm);
		return NULL;
	}
	ni = json_array_size(items);
	json_array_foreach(items, i, it)
		nanch += ba_json_bool(it, "anchor", 0);
	if (ba_eval_load_matrix(st, key, items, NULL, 0, 0, &models, &y, NULL) == 0) {
		json_array_foreach(models, m, mv) {
			double s = 0, n = 0, sa = 0, na = 0;
			if (want && json_array_size(want)) {
				size_t k;
				json_t *w;
				int found = 0;
				json_array_foreach(want, k, w)
					found |= json_equal(w, mv);
				if (!found)
					continue;
			}
			for (i = 0; i < ni; i++) {
				double v = y[m * ni + i];
				if (isnan(v))
					continue;
				s += v;
				n++;
				if (ba_json_bool(json_array_get(items, i), "anchor", 0)) {
					sa += v;
					na++;
				}
			}
			json_array_append_new(jm, json_pack("{s:O, s:o, s:o, s:I}", "model", mv, "accuracy",
							    n ? json_real(s / n) : json_null(), "anchor_accuracy",
							    na ? json_real(sa / na) : json_null(), "n", (json_int_t)n));
		}
	}
	out = json_pack("{s:I, s:s, s:I, s:I, s:o, s:I, s:I}", "version", (json_int_t)ba_json_int(man, "version", 1),
			"key", key, "items", (json_int_t)ni, "anchors", (json_int_t)nanch, "models", jm, "retired",
			(json_int_t)json_array_size(json_object_get(man, "retired")), "replenished",
			(json_int_t)(json_is_array(json_object_get(man, "replenished")) ?
				     (long long)json_array_size(json_object_get(man, "replenished")) :
				     ba_json_int(man, "replenished", 0)));
	free(y);
	json_decref(models);
	json_decref(items);
	json_decref(man);
	free(key);
	return out;
}

static json_t *versions_of(ba_store *st, const char *dir, const json_t *want, const json_t *ev)
{
	char *root = version_root(dir), *vdir = ba_path_join(root, "versions");
	json_t *out = json_array(), *e;
	DIR *d;
	struct dirent *de;
	long v, maxv = 1;

	if (!ba_fs_is_dir(vdir) && json_is_object(ev)) {
		/* one version, the one just computed: no second pass over the results */
		json_t *jm = json_array(), *m;
		size_t i;
		json_array_foreach(json_object_get(ev, "models"), i, m)
			json_array_append_new(jm, json_pack("{s:O, s:O, s:n, s:O}", "model", json_object_get(m, "model"),
							    "accuracy", json_object_get(m, "accuracy"), "anchor_accuracy",
							    "n", json_object_get(m, "n")));
		json_array_append_new(out, json_pack("{s:i, s:s, s:I, s:i, s:o, s:i, s:i}", "version", 1, "key",
						     ba_json_str(ev, "benchmark", ""), "items",
						     (json_int_t)ba_json_int(ev, "items", 0), "anchors", 0, "models", jm,
						     "retired", 0, "replenished", 0));
		free(root);
		free(vdir);
		return out;
	}
	if ((e = version_entry(st, root, want)) != NULL)
		json_array_append_new(out, e);
	if ((d = opendir(vdir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] == 'v' && (v = strtol(de->d_name + 1, NULL, 10)) > maxv && v < 10000)
				maxv = v;
		closedir(d);
	}
	for (v = 2; v <= maxv; v++) {
		char name[32], *p;
		snprintf(name, sizeof(name), "v%ld", v);
		p = ba_path_join(vdir, name);
		if (ba_fs_is_dir(p) && (e = version_entry(st, p, want)) != NULL)
			json_array_append_new(out, e);
		free(p);
	}
	free(root);
	free(vdir);
	return out;
}

/* ---- build run: unit outcomes and rejection reasons ---- */

typedef struct {
	json_t *status;      /* status -> count */
	json_t *checks;      /* check -> {failed, examples: [{unit, reason, question}]} */
	json_t *attempts;    /* redraw counter -> sum */
	long repaired;
} build_acc;

static void add_reason(build_acc *a, const char *check, const char *unit, const char *reason, const char *question)
{
	json_t *c = json_object_get(a->checks, check);

	if (!c) {
		c = json_pack("{s:i, s:[]}", "failed", 0, "examples");
		json_object_set_new(a->checks, check, c);
	}
	json_object_set_new(c, "failed", json_integer(ba_json_int(c, "failed", 0) + 1));
	if (json_array_size(json_object_get(c, "examples")) < 3)
		json_array_append_new(json_object_get(c, "examples"),
				      json_pack("{s:s, s:s, s:s}", "unit", unit, "reason", reason ? reason : "",
						"question", question ? question : ""));
}

static int build_unit(void *ud, const char *key, const char *subtask, const char *status, json_t *data)
{
	build_acc *a = ud;
	json_t *item = json_object_get(data, "item"), *qc = json_object_get(item, "qc"), *v;
	const char *k;

	(void)subtask;
	json_object_set_new(a->status, status, json_integer(ba_json_int(a->status, status, 0) + 1));
	json_object_foreach(json_object_get(data, "attempts"), k, v)
		if (json_is_integer(v))
			json_object_set_new(a->attempts, k, json_integer(ba_json_int(a->attempts, k, 0) + json_integer_value(v)));
	if (ba_json_bool(json_object_get(item, "provenance"), "repaired", 0))
		a->repaired++;
	if (!strcmp(status, "rejected"))
		json_object_foreach(qc, k, v) {
			const char *verdict = json_is_object(v) ? ba_json_str(v, "verdict", "") : json_string_value(v);
			if (verdict && !strcmp(verdict, "fail"))
				add_reason(a, k, key, json_is_object(v) ? ba_json_str(v, "reason", "") : "",
					   ba_json_str(item, "question", ""));
		}
	if (!strcmp(status, "failed"))
		add_reason(a, "tool failure", key, ba_json_str(data, "error", ba_json_str(data, "reason", "")),
			   ba_json_str(item, "question", ""));
	return 0;
}

/* The runs of this benchmark (build, plan, eval, refresh ...) by key. */
static json_t *runs_of(ba_store *st, const char *id, const char *key)
{
	json_t *all = ba_run_list(st), *out = json_array(), *r;
	size_t i, n = strlen(id);

	json_array_foreach(all, i, r) {
		const char *k = ba_json_str(r, "key", "");
		if (!strcmp(k, id) || !strcmp(k, key) || (!strncmp(k, id, n) && k[n] == '@'))
			json_array_append(out, r);
	}
	json_decref(all);
	return out;
}

static void build_and_cost(ba_store *st, json_t *data, const char *id, const char *key)
{
	json_t *runs = runs_of(st, id, key), *r, *cost = json_array();
	build_acc a = { json_object(), json_object(), json_object(), 0 };
	size_t i;
	int have_build = 0;

	json_array_foreach(runs, i, r) {
		int64_t rid = (int64_t)ba_json_int(r, "id", 0);
		json_t *c = ba_call_cost_report(st, rid);
		json_object_set_new(c, "kind", json_string(ba_json_str(r, "kind", "")));
		json_object_set_new(c, "key", json_string(ba_json_str(r, "key", "")));
		json_array_append_new(cost, c);
		if (!strcmp(ba_json_str(r, "kind", ""), "build")) {
			ba_item_foreach(st, rid, NULL, build_unit, &a, NULL);
			have_build = 1;
		}
	}
	json_object_set_new(data, "cost", cost);
	if (have_build)
		json_object_set_new(data, "build",
				    json_pack("{s:o, s:o, s:o, s:I}", "status", a.status, "checks", a.checks, "attempts",
					      a.attempts, "repaired", (json_int_t)a.repaired));
	else {
		json_decref(a.status);
		json_decref(a.checks);
		json_decref(a.attempts);
		json_object_set_new(data, "build", json_null());
	}
	json_decref(runs);
}

int ba_report_collect(ba_store *st, const ba_report_opts *o, json_t **data, ba_error *err)
{
	json_t *items = NULL, *man, *plan = NULL, *models = NULL, *ev, *audit = NULL;
	char *key, *path;
	const char *id;
	int rc, known_k;

	*data = NULL;
	if ((rc = ba_eval_load_items(o->bench_dir, 0, &items, err)) != 0)
		return rc;
	man = ba_benchdir_manifest(o->bench_dir);
	key = ba_eval_bench_key(o->bench_dir);
	id = ba_benchdir_id(man) ? ba_benchdir_id(man) : key;
	path = ba_path_join(o->bench_dir, "plan.json");
	if (ba_fs_exists(path))
		ba_json_load_file(&plan, path, (size_t)64 << 20, NULL);
	free(path);
	path = ba_path_join(o->bench_dir, "audit.json");
	if (ba_fs_exists(path) && ba_json_load_file(&audit, path, (size_t)64 << 20, err) != 0) {
		free(path);
		free(key);
		json_decref(items);
		json_decref(man);
		json_decref(plan);
		return err ? err->code : BA_EINVAL;
	}
	free(path);
	ev = eval_of(st, o, key, items, &models, &known_k);
	*data = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "bench", id, "key", key, "dir", o->bench_dir,
			  "manifest", man ? man : json_object(), "plan", plan ? plan : json_null(), "items", items,
			  "eval", ev);
	json_object_set_new(*data, "epochs", models ? epochs_of(st, key, items, models, known_k) : json_null());
	json_object_set_new(*data, "versions", versions_of(st, o->bench_dir, models, ev));
	json_object_set_new(*data, "audit", audit ? audit : json_null());
	json_object_set_new(*data, "reviews", o->reviews ? json_deep_copy(o->reviews) : json_null());
	build_and_cost(st, *data, id, key);
	json_decref(models);
	free(key);
	return 0;
}
