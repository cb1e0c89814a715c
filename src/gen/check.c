/*
 * check.c - `gen check`: run a generator n times and hold it to the
 * contract: no error, deterministic per seed, every item passes its own
 * verify with its own answer, >= 95% distinct items, no single answer
 * above 50% (unless binary), wrong answers rejected, and difficulty 5
 * items more complex than difficulty 1 items.
 */
#include "gen_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FAILURES 20

typedef struct check_ctx {
	json_t *checks;
	json_t *failures;
	int passed;
} check_ctx;

static void fail_note(check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_note(check_ctx *c, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	if (json_array_size(c->failures) >= MAX_FAILURES)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(c->failures, json_string(buf));
}

static void add_check(check_ctx *c, const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add_check(check_ctx *c, const char *name, int ok, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(c->checks, json_pack("{s:s,s:b,s:s}", "name", name, "passed", ok, "detail", buf));
	if (!ok)
		c->passed = 0;
}

/* What makes two items the same: question, context, choices, media. */
static char *item_identity(const json_t *it)
{
	json_t *k = json_object();
	json_t *m = json_object_get(it, "media"), *v, *shas = json_array();
	size_t i;
	char *s;

	json_object_set(k, "q", json_object_get(it, "question"));
	if (json_object_get(it, "context"))
		json_object_set(k, "c", json_object_get(it, "context"));
	if (json_object_get(it, "choices"))
		json_object_set(k, "o", json_object_get(it, "choices"));
	json_array_foreach(m, i, v)
		json_array_append(shas, json_object_get(v, "sha256"));
	json_object_set_new(k, "m", shas);
	s = ba_json_canonical(k);
	json_decref(k);
	return s;
}

double ba_gen_item_complexity(const json_t *it)
{
	json_t *c = ba_json_path(it, "metadata.complexity");

	if (json_is_number(c))
		return json_number_value(c);
	return (double)strlen(ba_json_str(it, "question", "")) + (double)strlen(ba_json_str(it, "context", ""));
}

static const char *gi_version(const ba_gen_registry *reg, size_t gi)
{
	return reg->gens[gi].info.version;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ba_gen_check(ba_gen_registry *reg, const char *name, int n, json_t **report, ba_error *err)
{
	check_ctx c;
	json_t **items;
	char **ids, **answers;
	const ba_gen_info *gi = ba_gen_find(reg, name);
	int i, errors = 0, made = 0, nondet = 0, ownfail = 0, distinct = 0, wrong_tested = 0,
	    wrong_accepted = 0, maxshare = 0;
	double cx[6] = { 0 };
	int ncx[6] = { 0 };
	int binary;

	*report = NULL;
	if (!gi)
		return ba_error_set(err, BA_ENOTFOUND, "no generator named '%s'", name ? name : "");
	if (n < 10)
		n = 10;
	if (n > 100000)
		n = 100000;
	binary = !strcmp(gi->answer_type, "binary");
	c.checks = json_array();
	c.failures = json_array();
	c.passed = 1;
	items = ba_calloc((size_t)n, sizeof(*items));
	ids = ba_calloc((size_t)n, sizeof(*ids));
	answers = ba_calloc((size_t)n, sizeof(*answers));

	for (i = 0; i < n; i++) {
		ba_error e = BA_ERROR_INIT;
		int d = 1 + i % 5;
		if (ba_gen_generate(reg, name, (uint64_t)(i + 1), d, NULL, &items[i], &e) != 0) {
			errors++;
			fail_note(&c, "seed %d difficulty %d: %s", i + 1, d, e.msg);
			if (e.code == BA_ELIMIT && errors >= 3)
				break;
			continue;
		}
		made++;
	}
	add_check(&c, "no_errors", errors == 0, "%d of %d items generated without error", made, n);

	/* determinism: the first 50 seeds again */
	for (i = 0; i < n && i < 50; i++) {
		json_t *again = NULL;
		ba_error e = BA_ERROR_INIT;
		if (!items[i])
			continue;
		if (ba_gen_generate(reg, name, (uint64_t)(i + 1), 1 + i % 5, NULL, &again, &e) != 0 ||
		    !json_equal(again, items[i])) {
			nondet++;
			fail_note(&c, "seed %d: a second run gave a different item%s%s", i + 1, e.msg[0] ? ": " : "", e.msg);
		}
		json_decref(again);
	}
	/* ... and in a fresh registry (new Lua states: other hash seeds and
	 * addresses), which catches pairs()-order or tostring(table) leaks */
	{
		ba_gen_registry *fresh = NULL;
		ba_error e = BA_ERROR_INIT;
		size_t gi = gen_index(reg, name);
		if (ba_gen_registry_new(&fresh, NULL, &e) == 0 &&
		    (ba_gen_find(fresh, name) ||
		     ba_gen_registry_add_source(fresh, reg->gens[gi].chunkname[0] == '=' ? reg->gens[gi].chunkname + 1
											 : reg->gens[gi].chunkname,
						reg->gens[gi].src, reg->gens[gi].len, &e) == 0) &&
		    !strcmp(ba_gen_find(fresh, name)->version, gi_version(reg, gi))) {
			for (i = 0; i < n && i < 20; i++) {
				json_t *again = NULL;
				if (!items[i])
					continue;
				ba_error_clear(&e);
				if (ba_gen_generate(fresh, name, (uint64_t)(i + 1), 1 + i % 5, NULL, &again, &e) != 0 ||
				    !json_equal(again, items[i])) {
					nondet++;
					fail_note(&c, "seed %d: a fresh sandbox gave a different item (does it depend on "
						  "pairs() order or tostring(table)?)%s%s", i + 1, e.msg[0] ? ": " : "", e.msg);
				}
				json_decref(again);
			}
		}
		ba_gen_registry_free(fresh);
	}
	add_check(&c, "deterministic", nondet == 0, "%d re-generated items differ (50 seeds again, 20 in a fresh sandbox)",
		  nondet);

	/* own answer verifies */
	for (i = 0; i < n; i++) {
		double s = 0, s2 = 1;
		ba_error e = BA_ERROR_INIT;
		const char *ans;
		if (!items[i])
			continue;
		ans = ba_json_str(items[i], "answer", "");
		if (ba_gen_verify(reg, name, items[i], ans, &s, &e) != 0 ||
		    (json_object_get(items[i], "answer_text") &&
		     ba_gen_verify(reg, name, items[i], ba_json_str(items[i], "answer_text", ""), &s2, &e) != 0)) {
			ownfail++;
			fail_note(&c, "seed %d: verify failed: %s", i + 1, e.msg);
		} else if (s < 1 || s2 < 1) {
			ownfail++;
			fail_note(&c, "seed %d: own answer '%.80s' scored %.2f", i + 1, ans, s < 1 ? s : s2);
		}
	}
	add_check(&c, "own_answer_verifies", ownfail == 0 && made > 0, "%d of %d items fail their own verify", ownfail, made);

	/* distinct items, answer spread */
	{
		int k = 0, j, run = 1;
		for (i = 0; i < n; i++)
			if (items[i]) {
				ids[k] = item_identity(items[i]);
				answers[k] = ba_strdup(ba_json_str(items[i], "answer", ""));
				k++;
			}
		qsort(ids, (size_t)k, sizeof(*ids), str_cmp);
		for (j = 0; j < k; j++)
			if (j == 0 || strcmp(ids[j], ids[j - 1]))
				distinct++;
		qsort(answers, (size_t)k, sizeof(*answers), str_cmp);
		for (j = 1; j <= k; j++) {
			if (j < k && !strcmp(answers[j], answers[j - 1]))
				run++;
			else {
				if (run > maxshare)
					maxshare = run;
				run = 1;
			}
		}
		add_check(&c, "distinct", k > 0 && distinct * 100 >= 95 * k, "%d of %d items distinct (need 95%%)", distinct, k);
		if (binary)
			add_check(&c, "answers_spread", 1, "binary: most common answer %d of %d (allowed)", maxshare, k);
		else
			add_check(&c, "answers_spread", k > 0 && maxshare * 2 <= k,
				  "most common answer %d of %d (limit 50%%)", maxshare, k);
		if (!(k > 0 && distinct * 100 >= 95 * k))
			fail_note(&c, "only %d of %d items are distinct", distinct, k);
		if (!binary && !(k > 0 && maxshare * 2 <= k))
			fail_note(&c, "one answer covers %d of %d items", maxshare, k);
	}

	/* wrong answers: another item's (different) answer, and nonsense */
	for (i = 0; i < n; i++) {
		int j;
		double s = 0;
		ba_error e = BA_ERROR_INIT;
		const char *mine;
		if (!items[i])
			continue;
		mine = ba_json_str(items[i], "answer", "");
		for (j = 1; j < n; j++) {
			json_t *o = items[(i + j) % n];
			const char *other;
			if (!o)
				continue;
			other = json_object_get(items[i], "choices") ? NULL : ba_json_str(o, "answer", "");
			if (!other) {
				/* choice item: a different letter */
				static const char *const L[] = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J" };
				size_t nc = json_array_size(json_object_get(items[i], "choices"));
				size_t w = ((size_t)(mine[0] - 'A') + 1 + (size_t)i % (nc - 1)) % nc;
				other = L[w];
			}
			if (!strcmp(other, mine))
				continue;
			if (json_object_get(items[i], "choices") == NULL) {
				double v1 = 0, v2 = 0;
				char *e1, *e2;
				v1 = strtod(other, &e1);
				v2 = strtod(mine, &e2);
				if (!*e1 && !*e2 && e1 != other && fabs(v1 - v2) <= 1e-6 * fmax(1, fabs(v2)))
					continue;
			}
			wrong_tested++;
			if (ba_gen_verify(reg, name, items[i], other, &s, &e) == 0 && s >= 1) {
				wrong_accepted++;
				fail_note(&c, "seed %d: wrong answer '%.60s' accepted (right: '%.60s')", i + 1, other, mine);
			}
			break;
		}
		wrong_tested++;
		if (ba_gen_verify(reg, name, items[i], "I do not know.", &s, &e) == 0 && s >= 1) {
			wrong_accepted++;
			fail_note(&c, "seed %d: the response 'I do not know.' was accepted", i + 1);
		}
	}
	add_check(&c, "wrong_rejected", wrong_tested > 0 && wrong_accepted * 100 <= wrong_tested,
		  "%d of %d wrong answers accepted (limit 1%%)", wrong_accepted, wrong_tested);

	/* difficulty changes the items */
	for (i = 0; i < n; i++)
		if (items[i]) {
			int d = (int)ba_json_int(items[i], "difficulty", 1);
			cx[d] += ba_gen_item_complexity(items[i]);
			ncx[d]++;
		}
	{
		double lo = ncx[1] ? cx[1] / ncx[1] : 0, hi = ncx[5] ? cx[5] / ncx[5] : 0;
		add_check(&c, "difficulty_changes_items", ncx[1] && ncx[5] && hi > lo,
			  "mean complexity %.2f at level 1, %.2f at level 5", lo, hi);
		if (!(ncx[1] && ncx[5] && hi > lo))
			fail_note(&c, "difficulty 5 items are not more complex than difficulty 1 items (%.2f vs %.2f)", hi, lo);
	}

	*report = json_pack("{s:s,s:i,s:b,s:o,s:o}", "generator", name, "n", n, "passed", c.passed,
			    "checks", c.checks, "failures", c.failures);
	for (i = 0; i < n; i++) {
		json_decref(items[i]);
		free(ids[i]);
		free(answers[i]);
	}
	free(items);
	free(ids);
	free(answers);
	return 0;
}

/* Here, not in registry.c: the registry never calls the check, the check
 * calls down into the registry. */
int ba_gen_check_source(const char *chunkname, const char *src, size_t len, int n, json_t **report,
			ba_error *err)
{
	ba_gen_registry *tmp = NULL;
	int rc;

	*report = NULL;
	if ((rc = ba_gen_registry_new(&tmp, NULL, err)) != 0)
		return rc;
	rc = ba_gen_registry_add_source(tmp, chunkname, src, len, err);
	if (rc == 0)
		rc = ba_gen_check(tmp, ba_gen_at(tmp, ba_gen_count(tmp) - 1)->name, n, report, err);
	ba_gen_registry_free(tmp);
	return rc;
}
