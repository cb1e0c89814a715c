/*
 * check.c - `gen check`: run a generator n times and hold it to the
 * contract: no error, deterministic per seed, every item passes its own
 * verify with its own answer, >= 95% distinct items, no single answer
 * above 50% (unless binary), wrong answers rejected, and difficulty 5
 * items more complex than difficulty 1 items; and the independent solver
 * (solve.c), which sees only what the examinee sees, re-derives every key
 * at every difficulty (and proves puzzles have one answer).
 */
#include "gen_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/audio.h"
#include "benchagent/json.h"
#include "benchagent/score.h"

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
	/* an audio item's sound is rendered only into a store: its scene is
	 * what it is made of */
	if (json_object_get(it, "scene"))
		json_object_set(k, "s", json_object_get(it, "scene"));
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

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One check run: the items (seeds 1..n, difficulties cycling 1..5). */
typedef struct check_run {
	ba_gen_registry *reg;
	const char *name;
	int n;
	json_t **items;
	int made;
} check_run;

static void rule_no_errors(check_ctx *c, check_run *r)
{
	int i, errors = 0;

	for (i = 0; i < r->n; i++) {
		ba_error e = BA_ERROR_INIT;
		int d = 1 + i % 5;
		if (ba_gen_generate(r->reg, r->name, (uint64_t)(i + 1), d, NULL, &r->items[i], &e) != 0) {
			errors++;
			fail_note(c, "seed %d difficulty %d: %s", i + 1, d, e.msg);
			if (e.code == BA_ELIMIT && errors >= 3)
				break;
			continue;
		}
		r->made++;
	}
	add_check(c, "no_errors", errors == 0, "%d of %d items generated without error", r->made, r->n);
}

/* Items again from seeds 0..count-1 of reg; returns how many differ. */
static int regenerate_differs(check_ctx *c, check_run *r, ba_gen_registry *reg, int count, const char *what)
{
	int i, bad = 0;

	for (i = 0; i < r->n && i < count; i++) {
		json_t *again = NULL;
		ba_error e = BA_ERROR_INIT;
		if (!r->items[i])
			continue;
		if (ba_gen_generate(reg, r->name, (uint64_t)(i + 1), 1 + i % 5, NULL, &again, &e) != 0 ||
		    !json_equal(again, r->items[i])) {
			bad++;
			fail_note(c, "seed %d: %s gave a different item%s%s", i + 1, what, e.msg[0] ? ": " : "", e.msg);
		}
		json_decref(again);
	}
	return bad;
}

static void rule_deterministic(check_ctx *c, check_run *r)
{
	ba_gen_registry *fresh = NULL;
	ba_error e = BA_ERROR_INIT;
	size_t gi = gen_index(r->reg, r->name);
	const gen_entry *g = &r->reg->gens[gi];
	int nondet = regenerate_differs(c, r, r->reg, 50, "a second run");

	/* ... and in a fresh registry (new Lua states: other hash seeds and
	 * addresses), which catches pairs()-order or tostring(table) leaks */
	if (ba_gen_registry_new(&fresh, NULL, &e) == 0 &&
	    (ba_gen_find(fresh, r->name) ||
	     ba_gen_registry_add_source(fresh, g->chunkname[0] == '=' ? g->chunkname + 1 : g->chunkname, g->src,
					g->len, &e) == 0) &&
	    !strcmp(ba_gen_find(fresh, r->name)->version, g->info.version))
		nondet += regenerate_differs(c, r, fresh, 20,
					     "a fresh sandbox (does it depend on pairs() order or tostring(table)?)");
	ba_gen_registry_free(fresh);
	add_check(c, "deterministic", nondet == 0, "%d re-generated items differ (50 seeds again, 20 in a fresh sandbox)",
		  nondet);
}

static void rule_own_answer(check_ctx *c, check_run *r)
{
	int i, ownfail = 0;

	for (i = 0; i < r->n; i++) {
		double s = 0, s2 = 1;
		ba_error e = BA_ERROR_INIT;
		const char *ans;
		if (!r->items[i])
			continue;
		ans = ba_json_str(r->items[i], "answer", "");
		if (ba_gen_verify(r->reg, r->name, r->items[i], ans, &s, &e) != 0 ||
		    (json_object_get(r->items[i], "answer_text") &&
		     ba_gen_verify(r->reg, r->name, r->items[i], ba_json_str(r->items[i], "answer_text", ""), &s2, &e) != 0)) {
			ownfail++;
			fail_note(c, "seed %d: verify failed: %s", i + 1, e.msg);
		} else if (s < 1 || s2 < 1) {
			ownfail++;
			fail_note(c, "seed %d: own answer '%.80s' scored %.2f", i + 1, ans, s < 1 ? s : s2);
		}
	}
	add_check(c, "own_answer_verifies", ownfail == 0 && r->made > 0, "%d of %d items fail their own verify", ownfail,
		  r->made);
}

static void rule_distinct_spread(check_ctx *c, check_run *r, int binary)
{
	char **ids = ba_calloc((size_t)r->n + 1, sizeof(*ids)), **answers = ba_calloc((size_t)r->n + 1, sizeof(*answers));
	int i, k = 0, j, run = 1, distinct = 0, maxshare = 0;

	for (i = 0; i < r->n; i++)
		if (r->items[i]) {
			ids[k] = item_identity(r->items[i]);
			answers[k] = ba_strdup(ba_json_str(r->items[i], "answer", ""));
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
	add_check(c, "distinct", k > 0 && distinct * 100 >= 95 * k, "%d of %d items distinct (need 95%%)", distinct, k);
	if (binary)
		add_check(c, "answers_spread", 1, "binary: most common answer %d of %d (allowed)", maxshare, k);
	else
		add_check(c, "answers_spread", k > 0 && maxshare * 2 <= k, "most common answer %d of %d (limit 50%%)",
			  maxshare, k);
	if (!(k > 0 && distinct * 100 >= 95 * k))
		fail_note(c, "only %d of %d items are distinct", distinct, k);
	if (!binary && !(k > 0 && maxshare * 2 <= k))
		fail_note(c, "one answer covers %d of %d items", maxshare, k);
	for (i = 0; i < k; i++) {
		free(ids[i]);
		free(answers[i]);
	}
	free(ids);
	free(answers);
}

/* Another item's different answer for item i (a different letter for
 * choice items); NULL when none differs. */
static const char *other_answer(check_run *r, int i)
{
	static const char *const L[] = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J" };
	const json_t *it = r->items[i];
	const char *mine = ba_json_str(it, "answer", "");
	size_t nc = json_array_size(json_object_get(it, "choices"));
	int j;

	if (nc > 1) {
		size_t w = ((size_t)(mine[0] - 'A') + 1 + (size_t)i % (nc - 1)) % nc;
		return L[w < 10 ? w : 0];
	}
	for (j = 1; j < r->n; j++) {
		json_t *o = r->items[(i + j) % r->n];
		const char *other;
		double s = 0;
		if (!o)
			continue;
		other = ba_json_str(o, "answer", "");
		/* an equal answer written differently is not a wrong answer */
		if (!strcmp(other, mine) || (ba_score_item(it, other, &s, NULL, NULL) == 0 && s >= 1))
			continue;
		return other;
	}
	return NULL;
}

static void rule_wrong_rejected(check_ctx *c, check_run *r)
{
	int i, tested = 0, accepted = 0;

	for (i = 0; i < r->n; i++) {
		double s = 0;
		ba_error e = BA_ERROR_INIT;
		const char *other;
		if (!r->items[i])
			continue;
		if ((other = other_answer(r, i)) != NULL) {
			tested++;
			if (ba_gen_verify(r->reg, r->name, r->items[i], other, &s, &e) == 0 && s >= 1) {
				accepted++;
				fail_note(c, "seed %d: wrong answer '%.60s' accepted (right: '%.60s')", i + 1, other,
					  ba_json_str(r->items[i], "answer", ""));
			}
		}
		tested++;
		if (ba_gen_verify(r->reg, r->name, r->items[i], "I do not know.", &s, &e) == 0 && s >= 1) {
			accepted++;
			fail_note(c, "seed %d: the response 'I do not know.' was accepted", i + 1);
		}
	}
	add_check(c, "wrong_rejected", tested > 0 && accepted * 100 <= tested, "%d of %d wrong answers accepted (limit 1%%)",
		  accepted, tested);
}

static void rule_difficulty(check_ctx *c, check_run *r)
{
	double cx[6] = { 0 }, lo, hi;
	int ncx[6] = { 0 }, i;

	for (i = 0; i < r->n; i++)
		if (r->items[i]) {
			int d = (int)ba_json_int(r->items[i], "difficulty", 1);
			cx[d] += ba_gen_item_complexity(r->items[i]);
			ncx[d]++;
		}
	lo = ncx[1] ? cx[1] / ncx[1] : 0;
	hi = ncx[5] ? cx[5] / ncx[5] : 0;
	add_check(c, "difficulty_changes_items", ncx[1] && ncx[5] && hi > lo, "mean complexity %.2f at level 1, %.2f at level 5",
		  lo, hi);
	if (!(ncx[1] && ncx[5] && hi > lo))
		fail_note(c, "difficulty 5 items are not more complex than difficulty 1 items (%.2f vs %.2f)", hi, lo);
}

int ba_gen_solver_tally(ba_gen_registry *reg, const char *name, int difficulty, int count,
			ba_gen_solver_stats *st, ba_gen_solver_note note, void *ud)
{
	ba_gen_solver *sv = NULL;
	ba_error e = BA_ERROR_INIT;
	int puzzle = ba_gen_is_puzzle(reg, name), k;
	char msg[600];

	memset(st, 0, sizeof(*st));
	if (ba_gen_solver_open(reg, name, &sv, &e) != 0) {
		if (note)
			note(ud, e.msg);
		return e.code;
	}
	for (k = 0; k < count; k++) {
		json_t *it = NULL;
		char *ans = NULL;
		int nsol = -1;
		double s = 0;
		ba_error e2 = BA_ERROR_INIT;
		if (gen_generate(reg, name, (uint64_t)(k + 1), difficulty, NULL, 0, &it, &e2) != 0)
			continue;  /* no_errors reports generation failures */
		st->generated++;
		if (ba_gen_solver_solve(sv, it, &ans, &nsol, &e2) != 0) {
			st->unsolved++;
			snprintf(msg, sizeof(msg), "difficulty %d seed %d: the solver could not answer: %.300s", difficulty,
				 k + 1, e2.msg);
		} else if (ba_score_item(it, ans, &s, NULL, &e2) != 0 || s < 1) {
			st->disagree++;
			snprintf(msg, sizeof(msg), "difficulty %d seed %d: key '%.60s' but the solver derives '%.60s' from '%.200s'",
				 difficulty, k + 1, ba_json_str(it, "answer", ""), ans, ba_json_str(it, "question", ""));
		} else if ((puzzle && nsol != 1) || nsol > 1) {
			st->not_unique++;
			snprintf(msg, sizeof(msg), "difficulty %d seed %d: %s (key '%.60s')", difficulty, k + 1,
				 nsol < 0 ? "a puzzle's solver must return the number of valid answers"
					  : nsol == 0 ? "the solver finds no valid answer" : "the solver finds more than one valid answer",
				 ba_json_str(it, "answer", ""));
			if (nsol > 1)
				snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), ": %d valid answers", nsol);
		} else {
			st->solved++;
			msg[0] = '\0';
		}
		if (msg[0] && note)
			note(ud, msg);
		free(ans);
		json_decref(it);
	}
	ba_gen_solver_close(sv);
	return 0;
}

static void note_failure(void *ud, const char *msg)
{
	fail_note(ud, "%s", msg);
}

/* The solver re-derives every key, per difficulty (>= 200 items each). */
static void rule_solver(check_ctx *c, check_run *r)
{
	int per = r->n / 5 < BA_GEN_SOLVER_MIN ? BA_GEN_SOLVER_MIN : r->n / 5, d, gen = 0, solved = 0, bad = 0;
	ba_gen_solver_stats st;

	for (d = 1; d <= 5; d++) {
		if (ba_gen_solver_tally(r->reg, r->name, d, per, &st, note_failure, c) != 0) {
			add_check(c, "solver_agrees", 0, "no solver could run (see failures)");
			return;
		}
		gen += st.generated;
		solved += st.solved;
		bad += st.disagree + st.unsolved + st.not_unique;
	}
	add_check(c, "solver_agrees", gen > 0 && bad == 0,
		  "%d of %d items re-derived by the independent solver (%d per difficulty, %d not)%s", solved, gen, per,
		  bad, ba_gen_is_puzzle(r->reg, r->name) ? ", each with one valid answer" : "");
}

/* Audio generators: the first few items (difficulties 1, 2, ...) rendered
 * with recognition: every English speech segment heard back within
 * BA_AUDIO_WER_MAX, the mix's SNR within 0.5 dB of its target, nothing
 * clipped (the renderer refuses otherwise), and the settled scene
 * rendered again without recognition gives the same WAV bytes (what a
 * later noise or effect step relies on). Few items (n / 100, 2..5, spread
 * over the difficulties from 1 and 5): recognition runs at ~0.3-0.8 x
 * real time. */
static void rule_audio(check_ctx *c, check_run *r)
{
	int k = r->n / 100 < 2 ? 2 : r->n / 100 > 5 ? 5 : r->n / 100, j, ok = 0, heard = 0;
	double worst = 0, secs = 0;

	if (!r->reg->gens[gen_index(r->reg, r->name)].audio)
		return;
	for (j = 0; j < k; j++) {
		/* seeds spread over the difficulties: 1 and 5 first */
		int i = (j * 4 + (k - 1) / 2) / (k - 1);
		json_t *a = r->items[i] ? json_deep_copy(r->items[i]) : NULL, *rep = NULL, *b;
		ba_error e = BA_ERROR_INIT;
		const char *sha;
		if (!a)
			continue;
		if (ba_gen_audio_render(a, NULL, 1, &rep, &e) != 0) {
			fail_note(c, "seed %d: the audio does not render: %s", i + 1, e.msg);
		} else {
			b = json_deep_copy(a);
			sha = ba_json_str(json_array_get(json_object_get(a, "media"), 0), "sha256", "");
			if (ba_gen_audio_render(b, NULL, 0, NULL, &e) != 0 ||
			    strcmp(sha, ba_json_str(json_array_get(json_object_get(b, "media"), 0), "sha256", "")))
				fail_note(c, "seed %d: the settled scene renders to other bytes%s%s", i + 1, e.msg[0] ? ": " : "",
					  e.msg);
			else
				ok++;
			if (json_is_number(json_object_get(rep, "wer"))) {
				heard++;
				if (ba_json_num(rep, "wer", 0) > worst)
					worst = ba_json_num(rep, "wer", 0);
			}
			secs += ba_json_num(rep, "seconds", 0);
			json_decref(b);
		}
		json_decref(rep);
		json_decref(a);
	}
	add_check(c, "audio_renders", ok == k,
		  "%d of %d items rendered and checked (%.1f s of audio; speech recognised in %d, worst WER %.2f <= %.2f; "
		  "SNR within 0.5 dB; same bytes again)", ok, k, secs, heard, worst, BA_AUDIO_WER_MAX);
}

int ba_gen_check(ba_gen_registry *reg, const char *name, int n, json_t **report, ba_error *err)
{
	const ba_gen_info *gi = ba_gen_find(reg, name);
	check_ctx c;
	check_run r;
	int i;

	*report = NULL;
	if (!gi)
		return ba_error_set(err, BA_ENOTFOUND, "no generator named '%s'", name ? name : "");
	n = n < 10 ? 10 : n > 100000 ? 100000 : n;
	c.checks = json_array();
	c.failures = json_array();
	c.passed = 1;
	r.reg = reg;
	r.name = name;
	r.n = n;
	r.made = 0;
	r.items = ba_calloc((size_t)n, sizeof(*r.items));

	rule_no_errors(&c, &r);
	rule_deterministic(&c, &r);
	rule_own_answer(&c, &r);
	rule_distinct_spread(&c, &r, !strcmp(gi->answer_type, "binary"));
	rule_wrong_rejected(&c, &r);
	rule_difficulty(&c, &r);
	rule_solver(&c, &r);
	rule_audio(&c, &r);

	*report = json_pack("{s:s,s:i,s:b,s:o,s:o}", "generator", name, "n", n, "passed", c.passed,
			    "checks", c.checks, "failures", c.failures);
	for (i = 0; i < n; i++)
		json_decref(r.items[i]);
	free(r.items);
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
