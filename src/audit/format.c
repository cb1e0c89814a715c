/*
 * format.c - the audit report as a plain-text table for the terminal.
 */
#include "benchagent/audit.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdlib.h>

static void stat_cell(ba_buf *b, const json_t *m)
{
	const json_t *ci = json_object_get(m, "ci");
	double v = ba_json_num(m, "mean", NAN);

	if (isnan(v))
		ba_buf_printf(b, " %17s", "-");
	else
		ba_buf_printf(b, " %5.1f [%4.1f,%5.1f]", v, json_number_value(json_array_get(ci, 0)),
			      json_number_value(json_array_get(ci, 1)));
}

static void criteria_table(ba_buf *b, const json_t *rep)
{
	const json_t *ov = json_object_get(rep, "overall"), *subs = json_object_get(rep, "subtasks"), *g;
	const json_t *alpha = json_object_get(json_object_get(rep, "agreement"), "krippendorff_alpha");
	const char *name;
	int c;

	ba_buf_printf(b, "\n%-34s %17s", "criterion (mean, 95% CI)", "all items");
	json_object_foreach((json_t *)subs, name, g)
		ba_buf_printf(b, " %17.17s", name);
	ba_buf_printf(b, " %7s\n", "alpha");
	for (c = 0; c < BA_AUDIT_NCRIT; c++) {
		const char *k = ba_audit_criteria[c];
		double a = ba_json_num(alpha, k, NAN);
		ba_buf_printf(b, "%-34s", k);
		stat_cell(b, json_object_get(json_object_get(ov, "criteria"), k));
		json_object_foreach((json_t *)subs, name, g)
			stat_cell(b, json_object_get(json_object_get(g, "criteria"), k));
		if (isnan(a))
			ba_buf_printf(b, " %7s\n", "-");
		else
			ba_buf_printf(b, " %7.3f\n", a);
	}
	ba_buf_printf(b, "%-34s", "item score (mean of criteria)");
	stat_cell(b, json_object_get(ov, "score"));
	json_object_foreach((json_t *)subs, name, g)
		stat_cell(b, json_object_get(g, "score"));
	ba_buf_puts(b, "\n");
}

char *ba_audit_format(const json_t *rep)
{
	ba_buf b = BA_BUF_INIT(16u << 20);
	const json_t *ov = json_object_get(rep, "overall"), *v, *h = json_object_get(rep, "humans");
	size_t i;
	char *out;

	ba_buf_printf(&b, "audit of %s: %lld items, %lld judge(s), threshold %.0f\n", ba_json_str(rep, "benchmark", "?"),
		      ba_json_int(ov, "items", 0), (long long)json_array_size(json_object_get(rep, "judges")),
		      ba_json_num(rep, "threshold", 0));
	ba_buf_printf(&b, "passed: %lld of %lld (%.1f%%); judge calls: %lld sent, %lld reused, %lld failed\n",
		      ba_json_int(ov, "passed", 0), ba_json_int(ov, "items", 0),
		      100 * ba_json_num(ov, "pass_rate", 0), ba_json_int(json_object_get(rep, "requests"), "submitted", 0),
		      ba_json_int(json_object_get(rep, "requests"), "reused", 0),
		      ba_json_int(json_object_get(rep, "requests"), "failed", 0));
	criteria_table(&b, rep);
	if (json_array_size(json_object_get(rep, "worst")))
		ba_buf_puts(&b, "\nworst items:\n");
	json_array_foreach(json_object_get(rep, "worst"), i, v)
		ba_buf_printf(&b, "  %-28.28s %5.1f %-32s %.160s\n", ba_json_str(v, "id", "?"),
			      ba_json_num(v, "min_score", NAN), ba_json_str(v, "criterion", "?"),
			      ba_json_str(v, "rationale", ""));
	if (json_is_object(h))
		ba_buf_printf(&b, "\nagreement with people (%lld items): %.1f%%, Cohen's kappa %.3f; best threshold %lld (kappa %.3f)\n",
			      ba_json_int(h, "items", 0), 100 * ba_json_num(h, "agreement", NAN),
			      ba_json_num(h, "cohen_kappa", NAN),
			      ba_json_int(json_object_get(h, "best_threshold"), "threshold", 0),
			      ba_json_num(json_object_get(h, "best_threshold"), "cohen_kappa", NAN));
	json_array_foreach(json_object_get(rep, "warnings"), i, v)
		ba_buf_printf(&b, "WARNING: %s\n", json_string_value(v));
	json_array_foreach(json_object_get(rep, "failures"), i, v)
		if (i < 10)
			ba_buf_printf(&b, "FAILED: item %s, judge %s: %.200s\n", ba_json_str(v, "item", "?"),
				      ba_json_str(v, "judge", "?"), ba_json_str(v, "error", ""));
	out = ba_strdup(ba_buf_cstr(&b));
	ba_buf_free(&b);
	return out;
}
