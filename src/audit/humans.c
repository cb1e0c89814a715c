/*
 * humans.c - judges against people: the panel's accept/reject (an item is
 * accepted when its weakest criterion's panel mean reaches the threshold)
 * against the majority verdict of the human reviewers (items with a tied
 * human vote are left out): confusion matrix, percent agreement, Cohen's
 * kappa, and the threshold 0..100 whose verdicts best match people.
 */
#include "audit_internal.h"
#include "benchagent/json.h"

#include <math.h>
#include <string.h>

static json_t *jnum(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 1e4) / 1e4);
}

/* human majority per item: 1 accept, 0 reject, -1 none or tie */
static int human_vote(const json_t *humans, const char *id)
{
	const json_t *row = json_object_get(humans, id), *v;
	const char *k;
	long a = 0, r = 0;

	json_object_foreach((json_t *)row, k, v)
		json_integer_value(v) ? a++ : r++;
	return a > r ? 1 : r > a ? 0 : -1;
}

static void confusion(const json_t *items, const double *minscore, const int *vote, double thr, long m[2][2])
{
	size_t i;

	memset(m, 0, 4 * sizeof(long));
	for (i = 0; i < json_array_size(items); i++)
		if (vote[i] >= 0 && !isnan(minscore[i]))
			m[minscore[i] >= thr][vote[i]]++;
}

json_t *ba_audit_humans(const json_t *items, const double *minscore, const json_t *humans, double thr)
{
	size_t ni = json_array_size(items), i, n = 0;
	int *vote = calloc(ni + 1, sizeof(int)), t, bt = -1;
	long m[2][2];
	double k, bk = NAN, ba = 0, agree;
	json_t *out;

	if (!vote)
		return json_null();
	for (i = 0; i < ni; i++) {
		vote[i] = human_vote(humans, ba_json_str(json_array_get(items, i), "id", ""));
		n += vote[i] >= 0 && !isnan(minscore[i]);
	}
	if (n == 0) {
		free(vote);
		return json_null();
	}
	/* the threshold people agree with most: highest kappa, then agreement,
	 * then the one nearest the configured threshold */
	for (t = 0; t <= 100; t++) {
		double a;
		confusion(items, minscore, vote, t, m);
		k = ba_audit_cohen_kappa((const long(*)[2])m);
		a = (double)(m[0][0] + m[1][1]) / (double)n;
		if (isnan(k))
			k = -2;  /* undefined (one class only): worst */
		if (bt < 0 || k > bk + 1e-12 || (fabs(k - bk) <= 1e-12 && (a > ba + 1e-12 ||
		    (fabs(a - ba) <= 1e-12 && fabs(t - thr) < fabs(bt - thr))))) {
			bt = t;
			bk = k;
			ba = a;
		}
	}
	confusion(items, minscore, vote, thr, m);
	k = ba_audit_cohen_kappa((const long(*)[2])m);
	agree = (double)(m[0][0] + m[1][1]) / (double)n;
	out = json_pack("{s:I, s:f, s:{s:I, s:I, s:I, s:I}, s:o, s:o, s:{s:i, s:o, s:o}}", "items", (json_int_t)n,
			"threshold", thr, "confusion", "judge_accept_human_accept", (json_int_t)m[1][1],
			"judge_accept_human_reject", (json_int_t)m[1][0], "judge_reject_human_accept",
			(json_int_t)m[0][1], "judge_reject_human_reject", (json_int_t)m[0][0], "agreement",
			jnum(agree), "cohen_kappa", jnum(k), "best_threshold", "threshold", bt, "cohen_kappa",
			jnum(bk < -1 ? NAN : bk), "agreement", jnum(ba));
	free(vote);
	return out;
}
