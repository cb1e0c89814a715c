/*
 * refresh.c - continual evaluation: the next version of a benchmark from
 * its stored results (retire saturated and non-discriminating items,
 * replenish, keep anchors) and the linking of a version to the previous
 * one (raw drift, anchor drift, mean/sigma IRT linking on the anchors).
 *
 * Layout: the first version is the benchmark folder itself (<root>);
 * version N >= 2 is <root>/versions/vN/, a complete benchmark folder whose
 * manifest.json has {version, previous: {dir, bench_key, version},
 * anchors, retired, replenished, needs_replenishment}.
 */
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/rng.h"
#include "benchagent/store_audit.h"
#include "eval_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

json_t *ba_eval_manifest(const char *dir)
{
	char *p = ba_path_join(dir, "manifest.json");
	json_t *m = NULL;

	if (ba_fs_exists(p) && ba_json_load_file(&m, p, 0, NULL) != 0)
		m = NULL;
	free(p);
	return m;
}

static int copy_file(const char *from, const char *to, ba_error *err)
{
	ba_buf b = BA_BUF_INIT(256u << 20);
	char *d = ba_path_dirname(to);
	int rc;

	rc = ba_fs_mkdir_p(d, err);
	free(d);
	if (rc == 0)
		rc = ba_fs_read(from, &b, err);
	if (rc == 0)
		rc = ba_fs_write_atomic(to, b.ptr ? b.ptr : "", b.len, err);
	ba_buf_free(&b);
	return rc;
}

/* Copy an item's media from src_root (paths relative to it) into
 * dst/media/, rewriting paths to "media/<name>". */
static int copy_media(json_t *item, const char *src_root, const char *dst, ba_error *err)
{
	json_t *media = json_object_get(item, "media"), *m;
	size_t i;

	json_array_foreach(media, i, m) {
		const char *rel = ba_json_str(m, "path", NULL);
		const char *base;
		char *from = NULL, *nrel, *to;
		int rc;
		/* resolved inside the source folder (no symlink out), relative
		 * layout kept under media/ so equal base names never collide */
		if (ba_fs_rel_inside(src_root, rel, &from, err) != 0)
			return ba_error_prefix(err, "item %s: media: ", ba_json_str(item, "id", "?"));
		base = !strncmp(rel, "media/", 6) ? rel + 6 : strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
		nrel = ba_asprintf("media/%s", base);
		to = ba_path_join(dst, nrel);
		rc = ba_fs_exists(to) ? 0 : copy_file(from, to, err);
		if (rc == 0)
			json_object_set_new(m, "path", json_string(nrel));
		free(from);
		free(to);
		free(nrel);
		if (rc)
			return rc;
	}
	return 0;
}

static double mean_over(const double *row, const unsigned char *mask, size_t n, size_t *cnt)
{
	double s = 0;
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if ((!mask || mask[i]) && !isnan(row[i])) {
			s += row[i];
			c++;
		}
	if (cnt)
		*cnt = c;
	return c ? s / (double)c : NAN;
}

typedef struct disc_ent {
	double d;
	size_t i;
} disc_ent;

/* by difficulty, easy first; NAN (no information) last */
static int cmp_disc(const void *pa, const void *pb)
{
	const disc_ent *a = pa, *b = pb;

	if (isnan(a->d) != isnan(b->d))
		return isnan(a->d) ? 1 : -1;
	if (a->d != b->d)
		return a->d > b->d ? 1 : -1;
	return (a->i > b->i) - (a->i < b->i);
}

static char *root_of(const char *dir, long long version)
{
	char *a, *b;

	if (version <= 1)
		return ba_strdup(dir);
	a = ba_path_dirname(dir);   /* versions */
	b = ba_path_dirname(a);     /* root */
	free(a);
	return b;
}

static json_t *jnum(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* "audit: <criterion> <score>: <rationale>" when the audit failed item id
 * (caller frees), else NULL. */
static char *audit_failure(const json_t *audit, const char *id)
{
	const json_t *f = json_object_get(audit, id);

	if (!f || strcmp(ba_json_str(f, "verdict", ""), "fail"))
		return NULL;
	return ba_asprintf("audit: %s %.0f: %s", ba_json_str(f, "criterion", "?"), ba_json_num(f, "score", NAN),
			   ba_json_str(f, "reason", ""));
}

/* Which items stay: the retired (audit failure, solved by every model,
 * non-positive discrimination) go to retired with their reason; a kept one
 * gets keep[i] and its difficulty in de. Returns how many are kept. */
static size_t classify_items(const json_t *items, const json_t *audit, const unsigned *flags,
			     const double *y, size_t nm, const ba_irt_fit *fit, unsigned char *keep,
			     disc_ent *de, json_t *retired)
{
	size_t ni = json_array_size(items), nkeep = 0, i, m;
	const json_t *it;

	for (i = 0; i < ni; i++) {
		const char *reason = NULL;
		char *audit_reason = NULL;
		it = json_array_get(items, i);
		audit_reason = audit_failure(audit, ba_json_str(it, "id", ""));
		if (audit_reason)
			reason = audit_reason;
		else if (flags[i] & BA_ITEM_SOLVED_BY_ALL)
			reason = "solved by every model";
		else if (flags[i] & BA_ITEM_NEG_DISCRIM)
			reason = "non-positive discrimination (suspect key or ambiguous item)";
		if (reason) {
			json_array_append_new(retired, json_pack("{s:s, s:s}", "id", ba_json_str(it, "id", ""),
								 "reason", reason));
			free(audit_reason);
			continue;
		}
		keep[i] = 1;
		de[nkeep].i = i;
		/* difficulty: IRT b, else the share of models that failed the item */
		if (fit) {
			de[nkeep].d = fit->b[i];
		} else {
			double sum = 0, c = 0;
			for (m = 0; m < nm; m++)
				if (!isnan(y[m * ni + i])) {
					sum += y[m * ni + i];
					c++;
				}
			de[nkeep].d = c > 0 ? 1 - sum / c : NAN;
		}
		if (flags[i] & BA_ITEM_SOLVED_BY_NONE)
			de[nkeep].d = NAN; /* no information about the models yet: a poor anchor */
		nkeep++;
	}
	return nkeep;
}

/* Anchors: spread evenly over the difficulty range of the informative kept
 * items, so linking sees easy and hard anchors alike; marked in is_anchor
 * and their ids appended to anchors. */
static void pick_anchors(const ba_refresh_opts *opts, disc_ent *de, size_t nkeep, const json_t *items,
			 unsigned char *is_anchor, json_t *anchors)
{
	size_t ni = json_array_size(items), nanchor, i;

	qsort(de, nkeep, sizeof(disc_ent), cmp_disc);
	nanchor = (size_t)ceil(opts->anchor_share * (double)nkeep);
	if (nanchor < (size_t)opts->min_anchors)
		nanchor = (size_t)opts->min_anchors;
	if (nanchor > nkeep)
		nanchor = nkeep;
	{
		size_t ninf = 0, picked = 0;
		while (ninf < nkeep && !isnan(de[ninf].d))
			ninf++;
		for (i = 0; i < nanchor && i < ninf; i++) {
			size_t at = nanchor >= ninf ? i : (size_t)((double)i * (double)(ninf - 1) / (double)(nanchor - 1 ? nanchor - 1 : 1) + 0.5);
			if (!is_anchor[de[at].i]) {
				is_anchor[de[at].i] = 1;
				picked++;
			}
		}
		for (i = 0; i < nkeep && picked < nanchor; i++)
			if (!is_anchor[de[i].i]) {
				is_anchor[de[i].i] = 1;
				picked++;
			}
		for (i = 0; i < ni; i++)
			if (is_anchor[i])
				json_array_append_new(anchors, json_string(ba_json_str(json_array_get(items, i), "id", "")));
	}
}

/* Replenishment: a retired generator item is drawn again one level harder
 * (new id <id>-v<N>, media copied into tmpdir) and appended to out_items and
 * repl; any other retired item counts in needs[subtask]. */
static int replenish(ba_store *st, ba_gen_registry *reg, const ba_refresh_opts *opts, const json_t *items,
		     const unsigned char *keep, long long version, const char *tmpdir, json_t *out_items,
		     json_t *repl, json_t *needs, ba_error *err)
{
	size_t ni = json_array_size(items), i;
	const json_t *it;
	int rc;

	for (i = 0; i < ni; i++) {
		json_t *src, *nit = NULL;
		const char *gen, *id, *sub;
		ba_error e = BA_ERROR_INIT;
		int d;
		if (keep[i])
			continue;
		it = json_array_get(items, i);
		id = ba_json_str(it, "id", "");
		sub = ba_json_str(it, "subtask", "all");
		src = json_object_get(it, "source");
		gen = ba_json_str(src, "generator", NULL);
		if (!strcmp(ba_json_str(src, "kind", ""), "generator") && gen && reg) {
			char *label = ba_asprintf("refresh/v%lld/%s", version + 1, id);
			uint64_t seed = ba_rng_seed_from(opts->seed, label);
			free(label);
			d = (int)ba_json_int(src, "difficulty", ba_json_int(it, "difficulty", 3)) + 1;
			if (d > 5)
				d = 5;
			if (d < 1)
				d = 1;
			if (ba_gen_generate(reg, gen, seed, d, st, &nit, &e) == 0) {
				char *nid = ba_asprintf("%s-v%lld", id, version + 1);
				json_object_set_new(nit, "id", json_string(nid));
				json_object_set_new(nit, "subtask", json_string(sub));
				json_object_set_new(nit, "refresh",
						    json_pack("{s:s, s:I}", "replaces", id, "version",
							      (json_int_t)(version + 1)));
				if ((rc = copy_media(nit, ba_store_workspace(st), tmpdir, err)) != 0) {
					free(nid);
					json_decref(nit);
					return rc;
				}
				json_array_append_new(repl, json_pack("{s:s, s:s, s:s, s:i}", "id", nid,
								      "replaces", id, "generator", gen,
								      "difficulty", d));
				json_array_append_new(out_items, nit);
				free(nid);
				continue;
			}
			json_object_set_new(needs, sub,
					    json_integer(ba_json_int(needs, sub, 0) + 1));
			continue;
		}
		json_object_set_new(needs, sub, json_integer(ba_json_int(needs, sub, 0) + 1));
	}
	return 0;
}

/* tmpdir/items.jsonl: one canonical line an item. */
static int write_items(const char *tmpdir, const json_t *out_items, ba_error *err)
{
	ba_buf lines = BA_BUF_INIT(512u << 20);
	char *path;
	size_t i;
	int rc = 0;

	for (i = 0; i < json_array_size(out_items); i++) {
		char *line = ba_json_canonical(json_array_get(out_items, i));
		rc = ba_buf_puts(&lines, line);
		free(line);
		if (rc == 0)
			rc = ba_buf_puts(&lines, "\n");
		if (rc) {
			ba_buf_free(&lines);
			return ba_error_set(err, rc, "refresh: items.jsonl too large");
		}
	}
	path = ba_path_join(tmpdir, "items.jsonl");
	rc = ba_fs_write_atomic(path, lines.ptr ? lines.ptr : "", lines.len, err);
	free(path);
	ba_buf_free(&lines);
	return rc;
}

/* The kept items, in their order, into out_items (anchor flag set, media
 * copied from dir into tmpdir). */
static int copy_kept(const json_t *items, const unsigned char *keep, const unsigned char *is_anchor,
		     const char *dir, const char *tmpdir, json_t *out_items, ba_error *err)
{
	size_t ni = json_array_size(items), i;
	int rc;

	for (i = 0; i < ni; i++) {
		json_t *c;
		if (!keep[i])
			continue;
		c = json_deep_copy(json_array_get(items, i));
		if (is_anchor[i])
			json_object_set_new(c, "anchor", json_true());
		else
			json_object_del(c, "anchor");
		if ((rc = copy_media(c, dir, tmpdir, err)) != 0) {
			json_decref(c);
			return rc;
		}
		json_array_append_new(out_items, c);
	}
	return 0;
}

/* Drift projection from the stored results: each model's accuracy over all,
 * kept and anchor items. */
static json_t *drift_of(const json_t *models, const double *y, size_t ni, const unsigned char *keep,
			const unsigned char *is_anchor)
{
	json_t *drift = json_array();
	size_t m;

	for (m = 0; m < json_array_size(models); m++) {
		const double *row = y + m * ni;
		json_array_append_new(drift, json_pack("{s:s, s:o, s:o, s:o}", "model",
						       json_string_value(json_array_get(models, m)),
						       "accuracy", jnum(mean_over(row, NULL, ni, NULL)),
						       "kept_accuracy", jnum(mean_over(row, keep, ni, NULL)),
						       "anchor_accuracy", jnum(mean_over(row, is_anchor, ni, NULL))));
	}
	return drift;
}

/* The new version's manifest: the old one with id, version, previous and
 * what this refresh did. */
static json_t *new_manifest(const json_t *manifest, const char *key, long long version, json_t *anchors,
			    json_t *retired, json_t *repl, json_t *needs_arr, const json_t *out_items,
			    const json_t *models)
{
	json_t *newman = manifest ? json_deep_copy(manifest) : json_object();

	{
		char *id = ba_strdup(key);
		char *at = strchr(id, '@');
		char *prevrel = version <= 1 ? ba_strdup("../..") : ba_asprintf("../v%lld", version);
		if (at)
			*at = '\0';
		json_object_set_new(newman, "id", json_string(id));
		json_object_set_new(newman, "version", json_integer(version + 1));
		json_object_set_new(newman, "previous",
				    json_pack("{s:s, s:s, s:I}", "dir", prevrel, "bench_key", key, "version",
					      (json_int_t)version));
		free(id);
		free(prevrel);
	}
	json_object_set(newman, "anchors", anchors);
	json_object_set(newman, "retired", retired);
	json_object_set(newman, "replenished", repl);
	json_object_set(newman, "needs_replenishment", needs_arr);
	json_object_set_new(newman, "item_count", json_integer((json_int_t)json_array_size(out_items)));
	json_object_set_new(newman, "models_seen", json_deep_copy(models));
	return newman;
}

/* needs {subtask: count} as the list the manifest and report carry */
static void needs_list(json_t *needs, json_t *needs_arr)
{
	const char *sk;
	json_t *cnt;

	json_object_foreach(needs, sk, cnt)
		json_array_append_new(needs_arr,
				      json_pack("{s:s, s:O, s:s}", "subtask", sk, "count", cnt, "reason",
						"dataset items (or generator items that could not be regenerated) were retired; build new items for this subtask"));
}

static void copy_plan(const char *dir, const char *tmpdir)
{
	char *plan = ba_path_join(dir, "plan.json"), *nplan = ba_path_join(tmpdir, "plan.json");

	if (ba_fs_exists(plan))
		copy_file(plan, nplan, NULL);
	free(plan);
	free(nplan);
}

int ba_eval_refresh(ba_store *st, ba_gen_registry *reg, const ba_refresh_opts *opts,
		    json_t **report, ba_error *err)
{
	const char *dir = opts->bench_dir;
	json_t *manifest = ba_eval_manifest(dir), *items = NULL, *models = NULL;
	json_t *out_items = json_array(), *retired = json_array(), *repl = json_array();
	json_t *needs = json_object(), *anchors = json_array(), *drift = NULL, *nm_json;
	json_t *newman = NULL, *needs_arr = json_array(), *audit = NULL;
	double *y = NULL;
	unsigned *flags = NULL;
	unsigned char *keep = NULL, *is_anchor = NULL;
	ba_irt_fit *fit = NULL;
	char *key = NULL, *root = NULL, *vdir = NULL, *newdir = NULL, *path = NULL, *tmpdir = NULL;
	long long version = manifest ? ba_json_int(manifest, "version", 1) : 1;
	size_t ni, nm, nkeep = 0;
	disc_ent *de = NULL;
	int rc = 0;

	*report = NULL;
	if ((rc = ba_eval_load_items(dir, 0, &items, err)) != 0)
		goto cleanup;
	key = ba_eval_bench_key(dir);
	if ((rc = ba_eval_load_matrix(st, key, items, NULL, 0, 0, &models, &y, err)) != 0)
		goto cleanup;
	ni = json_array_size(items);
	nm = json_array_size(models);
	/* items the audit failed (benchagent audit) are retired too */
	if ((rc = ba_audit_flags_get(st, key, &audit, err)) != 0)
		goto cleanup;
	if (nm == 0 && json_object_size(audit) == 0) {
		rc = ba_error_set(err, BA_EINVAL,
				  "%s: no stored evaluation results or audit flags for benchmark '%s'; run 'benchagent eval %s --model ...' or 'benchagent audit %s --judge ...' first",
				  dir, key, dir, dir);
		goto cleanup;
	}
	root = root_of(dir, version);
	vdir = ba_path_join(root, "versions");
	newdir = ba_asprintf("%s/v%lld", vdir, version + 1);
	if (ba_fs_exists(newdir)) {
		rc = ba_error_set(err, BA_EINVAL, "%s already exists; remove it to refresh again", newdir);
		goto cleanup;
	}
	/* written in a temporary folder and renamed to vN once complete: a
	 * refresh that fails half-way leaves no vN behind to block the next */
	tmpdir = ba_asprintf("%s/.v%lld.tmp-%ld", vdir, version + 1, (long)getpid());
	ba_fs_rmtree(tmpdir, NULL);

	/* item statistics */
	flags = ba_calloc(ni + 1, sizeof(unsigned));
	if (nm >= 3)
		ba_irt_fit_2pl(y, nm, ni, NULL, &fit, NULL);
	if (nm > 0)
		ba_stats_item_flags(y, nm, ni, fit, flags);
	keep = ba_calloc(ni + 1, 1);
	is_anchor = ba_calloc(ni + 1, 1);
	de = ba_calloc(ni + 1, sizeof(disc_ent));
	nkeep = classify_items(items, audit, flags, y, nm, fit, keep, de, retired);
	pick_anchors(opts, de, nkeep, items, is_anchor, anchors);

	if ((rc = ba_fs_mkdir_p(tmpdir, err)) != 0)
		goto cleanup;
	if ((rc = copy_kept(items, keep, is_anchor, dir, tmpdir, out_items, err)) != 0)
		goto cleanup;
	if ((rc = replenish(st, reg, opts, items, keep, version, tmpdir, out_items, repl, needs, err)) != 0)
		goto cleanup;
	needs_list(needs, needs_arr);

	if ((rc = write_items(tmpdir, out_items, err)) != 0)
		goto cleanup;
	copy_plan(dir, tmpdir);
	drift = drift_of(models, y, ni, keep, is_anchor);
	newman = new_manifest(manifest, key, version, anchors, retired, repl, needs_arr, out_items, models);
	path = ba_path_join(tmpdir, "manifest.json");
	if ((rc = ba_json_write_file(path, newman, err)) != 0)
		goto cleanup;
	if (rename(tmpdir, newdir) != 0) {
		rc = ba_error_set(err, BA_EIO, "%s: cannot move the new version into place: %s", newdir, strerror(errno));
		goto cleanup;
	}

	nm_json = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:o, s:O, s:O, s:O, s:O, s:O, s:s}",
			    "version", (json_int_t)(version + 1), "dir", newdir, "previous", key,
			    "items_before", (json_int_t)ni, "items_after",
			    (json_int_t)json_array_size(out_items), "models", (json_int_t)nm, "irt",
			    json_boolean(fit != NULL), "retired", retired, "replenished", repl,
			    "needs_replenishment", needs_arr, "anchors", anchors, "drift", drift,
			    "linking", fit ? "IRT mean/sigma on anchors (run eval on the new version)"
					   : "anchor accuracy (fewer than 3 models: no IRT)");
	*report = nm_json;
cleanup:
	free(path);
	free(de);
	free(keep);
	free(is_anchor);
	free(flags);
	free(y);
	ba_irt_fit_free(fit);
	json_decref(newman);
	json_decref(manifest);
	json_decref(audit);
	json_decref(items);
	json_decref(models);
	json_decref(out_items);
	json_decref(retired);
	json_decref(repl);
	json_decref(needs);
	json_decref(needs_arr);
	json_decref(anchors);
	json_decref(drift);
	free(key);
	free(root);
	free(vdir);
	free(newdir);
	if (tmpdir) {
		if (rc != 0)
			ba_fs_rmtree(tmpdir, NULL);
		free(tmpdir);
	}
	return rc;
}

/* mean and sd of v over the indices idx[0..n) with non-NAN values */
static int mean_sd(const double *v, const size_t *idx, size_t n, double *mean, double *sd)
{
	double s = 0, ss = 0;
	size_t i;

	if (n < 2)
		return -1;
	for (i = 0; i < n; i++)
		s += v[idx[i]];
	*mean = s / (double)n;
	for (i = 0; i < n; i++)
		ss += (v[idx[i]] - *mean) * (v[idx[i]] - *mean);
	*sd = sqrt(ss / (double)(n - 1));
	return *sd > 1e-9 ? 0 : -1;
}

/* previous.dir comes from a manifest on disk: only the two shapes refresh
 * writes ("../.." for the first version, "../vN" for later ones). */
static int prev_dir_ok(const char *d)
{
	const char *p;

	if (!strcmp(d, "../.."))
		return 1;
	if (strncmp(d, "../v", 4) || !d[4])
		return 0;
	for (p = d + 4; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

json_t *ba_eval_link(ba_store *st, const char *dir, const ba_eval_opts *opts)
{
	json_t *man = ba_eval_manifest(dir), *prev, *pitems = NULL, *nitems = NULL;
	json_t *pmodels = NULL, *nmodels = NULL, *anchors, *out = NULL, *jm, *pidx, *nidx, *a;
	double *py = NULL, *ny = NULL;
	char *pdir = NULL, *nkey = NULL;
	const char *pkey;
	size_t pn, nn, i, m, k, na = 0, *pa = NULL, *nai = NULL;
	unsigned char *pmask = NULL, *nmask = NULL;
	ba_irt_fit *pf = NULL, *nf = NULL;
	double A = NAN, B = NAN;

	prev = json_object_get(man, "previous");
	pkey = ba_json_str(prev, "bench_key", NULL);
	if (!prev || !pkey || !prev_dir_ok(ba_json_str(prev, "dir", "")))
		goto cleanup;
	pdir = ba_path_join(dir, ba_json_str(prev, "dir", "."));
	if (ba_eval_load_items(pdir, 0, &pitems, NULL) != 0 ||
	    ba_eval_load_items(dir, 0, &nitems, NULL) != 0)
		goto cleanup;
	nkey = ba_eval_bench_key(dir);
	if (ba_eval_load_matrix(st, pkey, pitems, NULL, 0, 0, &pmodels, &py, NULL) != 0 ||
	    ba_eval_load_matrix(st, nkey, nitems, NULL, 0, 0, &nmodels, &ny, NULL) != 0)
		goto cleanup;
	pn = json_array_size(pitems);
	nn = json_array_size(nitems);
	anchors = json_object_get(man, "anchors");
	pidx = json_object();
	nidx = json_object();
	json_array_foreach(pitems, i, a)
		json_object_set_new(pidx, ba_json_str(a, "id", ""), json_integer((json_int_t)i));
	json_array_foreach(nitems, i, a)
		json_object_set_new(nidx, ba_json_str(a, "id", ""), json_integer((json_int_t)i));
	pa = ba_calloc(json_array_size(anchors) + 1, sizeof(size_t));
	nai = ba_calloc(json_array_size(anchors) + 1, sizeof(size_t));
	pmask = ba_calloc(pn + 1, 1);
	nmask = ba_calloc(nn + 1, 1);
	json_array_foreach(anchors, i, a) {
		json_t *x = json_object_get(pidx, json_string_value(a)), *z = json_object_get(nidx, json_string_value(a));
		if (!x || !z)
			continue;
		pa[na] = (size_t)json_integer_value(x);
		nai[na] = (size_t)json_integer_value(z);
		pmask[pa[na]] = 1;
		nmask[nai[na]] = 1;
		na++;
	}
	json_decref(pidx);
	json_decref(nidx);
	if (json_array_size(pmodels) >= 3 && json_array_size(nmodels) >= 3 &&
	    ba_irt_fit_2pl(py, json_array_size(pmodels), pn, NULL, &pf, NULL) == 0 &&
	    ba_irt_fit_2pl(ny, json_array_size(nmodels), nn, NULL, &nf, NULL) == 0) {
		double mp, sp, mn, sn;
		if (mean_sd(pf->b, pa, na, &mp, &sp) == 0 && mean_sd(nf->b, nai, na, &mn, &sn) == 0) {
			A = sp / sn;
			B = mp - A * mn;
		}
	}
	jm = json_array();
	for (m = 0; m < json_array_size(nmodels); m++) {
		const char *spec = json_string_value(json_array_get(nmodels, m));
		size_t pm = SIZE_MAX;
		json_t *o;
		for (k = 0; k < json_array_size(pmodels); k++)
			if (!strcmp(json_string_value(json_array_get(pmodels, k)), spec))
				pm = k;
		if (pm == SIZE_MAX)
			continue;
		{
			double ap = mean_over(py + pm * pn, NULL, pn, NULL), an = mean_over(ny + m * nn, NULL, nn, NULL);
			o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "model", spec, "accuracy_prev", jnum(ap),
				      "accuracy_now", jnum(an), "drift", jnum(an - ap), "anchor_prev",
				      jnum(mean_over(py + pm * pn, pmask, pn, NULL)), "anchor_now",
				      jnum(mean_over(ny + m * nn, nmask, nn, NULL)));
		}
		if (!isnan(A)) {
			double linked = A * nf->theta[m] + B;
			json_object_set_new(o, "theta_prev", json_real(pf->theta[pm]));
			json_object_set_new(o, "theta_now_linked", json_real(linked));
			json_object_set_new(o, "theta_drift", json_real(linked - pf->theta[pm]));
		}
		json_array_append_new(jm, o);
	}
	out = json_pack("{s:s, s:I, s:o}", "previous", pkey, "anchors", (json_int_t)na, "models", jm);
	if (!isnan(A))
		json_object_set_new(out, "irt_link", json_pack("{s:f, s:f}", "A", A, "B", B));
cleanup:
	(void)opts;
	ba_irt_fit_free(pf);
	ba_irt_fit_free(nf);
	free(pa);
	free(nai);
	free(pmask);
	free(nmask);
	free(py);
	free(ny);
	free(pdir);
	free(nkey);
	json_decref(pitems);
	json_decref(nitems);
	json_decref(pmodels);
	json_decref(nmodels);
	json_decref(man);
	return out;
}
