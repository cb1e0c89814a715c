/*
 * reviews.c - stored verdicts and their statistics: acceptance rate,
 * percent agreement, Cohen's kappa for each annotator pair and Fleiss'
 * kappa over items rated by two or more annotators.
 */
#include "benchagent/review.h"
#include "benchagent/alloc.h"
#include "benchagent/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int ba_review_put(ba_store *st, const char *bench, const char *item, const char *annotator,
		  const char *verdict, const char *comment, ba_error *err)
{
	if (strcmp(verdict, "accept") && strcmp(verdict, "reject"))
		return ba_error_set(err, BA_EINVAL, "verdict must be accept or reject, not '%.40s'", verdict);
	if (!*annotator || strlen(annotator) > 64)
		return ba_error_set(err, BA_EINVAL, "annotator name must be 1 to 64 characters");
	if (comment && strlen(comment) > 4000)
		return ba_error_set(err, BA_EINVAL, "comment longer than 4000 characters");
	return ba_verdict_put(st, bench, item, annotator, verdict, comment, err);
}

struct load_ctx {
	json_t *by_item, *annotators;
};

static int load_one(void *ud, const char *item, const char *ann, const char *verdict, const char *comment)
{
	struct load_ctx *c = ud;
	json_t *row = json_object_get(c->by_item, item);

	(void)comment;
	if (!row) {
		row = json_object();
		json_object_set_new(c->by_item, item, row);
	}
	json_object_set_new(row, ann, json_integer(!strcmp(verdict, "accept")));
	json_object_set_new(c->annotators, ann, json_true());
	return 0;
}

/* verdicts: item -> {annotator: 1 accept / 0 reject} */
static json_t *load(ba_store *st, const char *bench, json_t *annotators)
{
	struct load_ctx c = { json_object(), annotators };

	ba_verdict_foreach(st, bench, NULL, load_one, &c, NULL);
	return c.by_item;
}

static json_t *cohen(json_t *by_item, const char *a, const char *b)
{
	const char *item;
	json_t *row;
	double n = 0, agree = 0, a1 = 0, b1 = 0, po, pe, kappa;

	json_object_foreach(by_item, item, row) {
		json_t *va = json_object_get(row, a), *vb = json_object_get(row, b);
		if (!va || !vb)
			continue;
		n++;
		agree += json_integer_value(va) == json_integer_value(vb);
		a1 += json_integer_value(va);
		b1 += json_integer_value(vb);
	}
	if (n == 0)
		return NULL;
	po = agree / n;
	pe = (a1 / n) * (b1 / n) + (1 - a1 / n) * (1 - b1 / n);
	kappa = ba_text_snap(pe < 1 ? (po - pe) / (1 - pe) : 1.0); /* no -3.3e-16 */
	return json_pack("{s:s,s:s,s:i,s:f,s:f}", "a", a, "b", b, "n", (int)n, "percent", po, "cohen_kappa", kappa);
}

json_t *ba_review_stats(ba_store *st, const char *bench, size_t n_items)
{
	json_t *annotators = json_object(), *by_item = load(st, bench, annotators);
	json_t *names = json_array(), *pairs = json_array(), *row, *v;
	const char *item, *ann;
	double verdicts = 0, accepted = 0, multi = 0, pbar = 0, p1 = 0, nratings = 0;
	void *it, *it2;

	json_object_foreach(annotators, ann, v)
		json_array_append_new(names, json_string(ann));
	json_object_foreach(by_item, item, row) {
		double k = json_object_size(row), yes = 0;
		json_object_foreach(row, ann, v) {
			verdicts++;
			yes += json_integer_value(v);
		}
		accepted += yes;
		if (k >= 2) {
			multi++;
			pbar += (yes * (yes - 1) + (k - yes) * (k - yes - 1)) / (k * (k - 1));
			p1 += yes;
			nratings += k;
		}
	}
	for (it = json_object_iter(annotators); it; it = json_object_iter_next(annotators, it))
		for (it2 = json_object_iter_next(annotators, it); it2; it2 = json_object_iter_next(annotators, it2)) {
			json_t *c = cohen(by_item, json_object_iter_key(it), json_object_iter_key(it2));
			if (c)
				json_array_append_new(pairs, c);
		}
	{
		json_t *agreement = json_object();
		json_object_set_new(agreement, "items_multi", json_integer((json_int_t)multi));
		json_object_set_new(agreement, "pairs", pairs);
		if (multi > 0) {
			double P = pbar / multi, q = p1 / nratings, Pe = q * q + (1 - q) * (1 - q);
			json_object_set_new(agreement, "percent", json_real(P));
			json_object_set_new(agreement, "fleiss_kappa", Pe < 1 ? json_real(ba_text_snap((P - Pe) / (1 - Pe))) : json_real(1.0));
		} else {
			json_object_set_new(agreement, "percent", json_null());
			json_object_set_new(agreement, "fleiss_kappa", json_null());
		}
		v = json_pack("{s:i,s:i,s:i,s:i,s:o,s:o,s:o}", "items", (int)n_items,
			      "reviewed", (int)json_object_size(by_item), "verdicts", (int)verdicts,
			      "accepted", (int)accepted,
			      "acceptance_rate", verdicts > 0 ? json_real(accepted / verdicts) : json_null(),
			      "annotators", names, "agreement", agreement);
	}
	json_decref(by_item);
	json_decref(annotators);
	return v;
}
