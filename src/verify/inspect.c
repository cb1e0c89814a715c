/*
 * inspect.c - the LLM side of verification: the inspector (role inspect:
 * answerable only with the intended input, answer correct, no hint, one
 * unambiguous answer), the repair planner (role repair) and the fixer
 * (role fix). A repair that changes the substance is refused. Before the
 * inspector, two probes through the same role: the options alone, and the
 * item without its context/media; answered right and confidently, the
 * item does not need what it claims to need.
 */
#include "verify_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ba_verify_prompts[] = { "verify_inspect.txt", "verify_repair.txt", "verify_fix.txt",
					  "verify_probe.txt", NULL };

#define IMAGE_MAX (4u << 20)

static const char *inspect_schema =
	"{\"type\":\"object\",\"properties\":{"
	"\"answerable_without_input\":{\"type\":\"boolean\"},"
	"\"answer_correct\":{\"type\":\"boolean\"},"
	"\"answer_hinted\":{\"type\":\"boolean\"},"
	"\"ambiguous\":{\"type\":\"boolean\"},"
	"\"verdict\":{\"enum\":[\"pass\",\"fail\"]},"
	"\"reason\":{\"type\":\"string\"}},"
	"\"required\":[\"answerable_without_input\",\"answer_correct\",\"answer_hinted\",\"ambiguous\",\"verdict\",\"reason\"]}";

static const char *repair_schema =
	"{\"type\":\"object\",\"properties\":{"
	"\"repairable\":{\"type\":\"boolean\"},"
	"\"changes_substance\":{\"type\":\"boolean\"},"
	"\"edits\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"field\":{\"enum\":[\"question\",\"context\",\"choices\",\"explanation\",\"answer\"]},"
	"\"instruction\":{\"type\":\"string\"}},\"required\":[\"field\",\"instruction\"]}},"
	"\"reason\":{\"type\":\"string\"}},"
	"\"required\":[\"repairable\",\"changes_substance\",\"edits\",\"reason\"]}";

static const char *fix_schema =
	"{\"type\":\"object\",\"properties\":{"
	"\"question\":{\"type\":\"string\",\"minLength\":1},"
	"\"context\":{\"type\":\"string\"},"
	"\"choices\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	"\"explanation\":{\"type\":\"string\"}},"
	"\"required\":[\"question\"]}";

static json_t *view(const json_t *it)
{
	static const char *keys[] = { "question", "context", "choices", "answer", "answer_text",
				      "answer_type", "explanation", NULL };
	json_t *v = json_object();
	size_t i;

	for (i = 0; keys[i]; i++) {
		json_t *x = json_object_get(it, keys[i]);
		if (x && !json_is_null(x))
			json_object_set(v, keys[i], x);
	}
	json_object_set_new(v, "has_image", json_boolean(json_array_size(json_object_get(it, "media")) > 0));
	return v;
}

static json_t *images_of(const ba_inspect_opts *o, const json_t *it)
{
	json_t *arr = json_array(), *m;
	size_t i;

	json_array_foreach(json_object_get(it, "media"), i, m) {
		const char *p = ba_json_str(m, "path", NULL);
		char *abs, *url;
		if (!p || !o->media_root || !ba_path_is_safe(p) || strcmp(ba_json_str(m, "type", ""), "image"))
			continue;
		abs = ba_path_join(o->media_root, p);
		url = ba_data_url_from_file(abs, IMAGE_MAX);
		if (url)
			json_array_append_new(arr, json_string(url));
		free(url);
		free(abs);
	}
	return arr;
}

static json_t *subtask_view(const json_t *st)
{
	return json_pack("{s:s, s:s, s:s, s:O?}", "name", ba_json_str(st, "name", ""), "description",
			 ba_json_str(st, "description", ""), "answer_type",
			 ba_json_str(st, "answer_type", "short"), "modalities",
			 json_object_get(st, "modalities"));
}

static void note_model(json_t *models, const char *m)
{
	size_t i;
	json_t *e;

	if (!models || !m[0])
		return;
	json_array_foreach(models, i, e)
		if (!strcmp(json_string_value(e), m))
			return;
	json_array_append_new(models, json_string(m));
}

/* One inspector call: 1 pass, 0 fail (qcv filled), <0 error. */
static int inspect_once(ba_gateway *gw, const ba_inspect_opts *o, const json_t *it, json_t **qcv,
			int *mock, json_t *models, int round, ba_error *err)
{
	json_t *schema = json_loads(inspect_schema, 0, NULL), *input, *r = NULL, *imgs, *vars;
	char model[160];
	int m = 0, rc, needs_input, pass;

	input = json_pack("{s:o, s:o}", "subtask", subtask_view(o->subtask), "item", view(it));
	imgs = images_of(o, it);
	vars = json_object();
	rc = ba_llm_call_json(gw, "inspect", ba_verify_prompts[0], vars, input, schema, "verify_inspect",
			      o->run_id, round, imgs, o->can_wait, &r, model, sizeof(model), &m, err);
	json_decref(vars);
	json_decref(imgs);
	json_decref(input);
	json_decref(schema);
	if (rc != 0)
		return rc;
	if (mock && m)
		*mock = 1;
	note_model(models, model);
	needs_input = json_array_size(json_object_get(it, "media")) > 0 ||
		      ba_json_str(it, "context", NULL) != NULL;
	pass = !strcmp(ba_json_str(r, "verdict", "fail"), "pass") && ba_json_bool(r, "answer_correct", 0) &&
	       !ba_json_bool(r, "answer_hinted", 1) && !ba_json_bool(r, "ambiguous", 1) &&
	       !(needs_input && ba_json_bool(r, "answerable_without_input", 0));
	*qcv = json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:s}", "verdict", pass ? "pass" : "fail",
			 "reason", ba_json_str(r, "reason", ""), "answer_correct",
			 ba_json_bool(r, "answer_correct", 0), "answer_hinted",
			 ba_json_bool(r, "answer_hinted", 0), "ambiguous", ba_json_bool(r, "ambiguous", 0),
			 "answerable_without_input", ba_json_bool(r, "answerable_without_input", 0),
			 "model", model);
	if (!pass && !ba_json_str(r, "reason", "")[0])
		json_object_set_new(*qcv, "reason", json_string("inspector found a problem"));
	json_decref(r);
	return pass;
}

static const char *probe_schema =
	"{\"type\":\"object\",\"properties\":{"
	"\"answer\":{\"type\":\"string\"},"
	"\"confident\":{\"type\":\"boolean\"},"
	"\"reason\":{\"type\":\"string\"}},"
	"\"required\":[\"answer\",\"confident\",\"reason\"]}";

/* One probe through the inspector role: the item with parts hidden
 * ("options_only": only the options; "blind": question and options, no
 * context or media). The item fails when the examinee answers it right
 * and is confident: it does not need what was hidden. 1 pass, 0 fail,
 * <0 error. qc.<kind>_probe records it. */
static int probe_once(ba_gateway *gw, const ba_inspect_opts *o, const json_t *it, const char *kind, json_t *qc,
		      int *mock, json_t *models, ba_error *err)
{
	json_t *schema = json_loads(probe_schema, 0, NULL), *input, *r = NULL, *vars = json_object();
	char model[160], qkey[32];
	const char *ans;
	double score = 0;
	int m = 0, rc, right, conf;

	input = json_pack("{s:s, s:s}", "probe", kind, "answer_type", ba_json_str(it, "answer_type", "short"));
	if (json_object_get(it, "choices"))
		json_object_set(input, "choices", json_object_get(it, "choices"));
	if (!strcmp(kind, "blind"))
		json_object_set_new(input, "question", json_string(ba_json_str(it, "question", "")));
	rc = ba_llm_call_json(gw, "inspect", ba_verify_prompts[3], vars, input, schema, "verify_probe", o->run_id, 0,
			      NULL, o->can_wait, &r, model, sizeof(model), &m, err);
	json_decref(vars);
	json_decref(input);
	json_decref(schema);
	if (rc != 0)
		return rc;
	if (mock && m)
		*mock = 1;
	note_model(models, model);
	ans = ba_json_str(r, "answer", "");
	right = *ans && ba_score_item(it, ans, &score, NULL, NULL) == 0 && score >= 1;
	conf = ba_json_bool(r, "confident", 0);
	snprintf(qkey, sizeof(qkey), "%s_probe", !strcmp(kind, "blind") ? "blind" : "options");
	json_object_set_new(qc, qkey, json_pack("{s:s, s:o, s:s, s:b, s:s}", "verdict", right && conf ? "fail" : "pass",
						"reason", right && conf ?
							  json_sprintf("answerable %s: the examinee answered '%.40s' "
								       "confidently (%.200s)",
								       strcmp(kind, "blind") ? "from the options alone"
											     : "without its context/media",
								       ans, ba_json_str(r, "reason", "")) :
							  json_string(ba_json_str(r, "reason", "")),
						"answer", ans, "confident", conf, "model", model));
	json_decref(r);
	return !(right && conf);
}

/* The probes an item gets, before the inspector: options_only for a
 * choice item, blind for an item with media or context. An item that does
 * not need its input is rejected without a repair (no rewording makes it
 * need it). 1 all pass, 0 one failed, <0 error. */
static int probes(ba_gateway *gw, const ba_inspect_opts *o, const json_t *it, json_t *qc, int *mock,
		  json_t *models, ba_error *err)
{
	int rc = 1;

	if (json_array_size(json_object_get(it, "choices")) >= 2)
		rc = probe_once(gw, o, it, "options_only", qc, mock, models, err);
	if (rc == 1 && (json_array_size(json_object_get(it, "media")) > 0 || ba_json_str(it, "context", NULL)))
		rc = probe_once(gw, o, it, "blind", qc, mock, models, err);
	if (rc == 0)
		json_object_set_new(qc, "repair", json_pack("{s:s, s:s}", "verdict", "skip", "reason",
							     "a probe failed: not repairable by rewording"));
	return rc;
}

int ba_verify_same_substance(const json_t *orig, const json_t *fixed, char *reason, size_t rlen)
{
	const char *oa = ba_draft_answer_text(orig), *fa = ba_draft_answer_text(fixed);
	char *no = ba_verify_normalize(oa ? oa : ""), *nf = ba_verify_normalize(fa ? fa : "");
	char *oc = ba_verify_normalize(ba_json_str(orig, "context", ""));
	char *fc = ba_verify_normalize(ba_json_str(fixed, "context", ""));
	int ok = 1;

	if (strcmp(ba_json_str(orig, "answer_type", ""), ba_json_str(fixed, "answer_type", "")))
		ok = (snprintf(reason, rlen, "the answer type changed"), 0);
	else if (strcmp(ba_json_str(orig, "answer", ""), ba_json_str(fixed, "answer", "")) &&
		 !json_array_size(json_object_get(fixed, "choices")))
		ok = (snprintf(reason, rlen, "the answer changed"), 0);
	else if (strcmp(no, nf))
		ok = (snprintf(reason, rlen, "the correct answer's text changed ('%.40s' -> '%.40s')",
			       oa ? oa : "", fa ? fa : ""), 0);
	else if (*no && strstr(oc, no) && !strstr(fc, no))
		ok = (snprintf(reason, rlen, "the key fact (the answer in the context) was removed"), 0);
	else if (!json_equal(json_object_get(orig, "media"), json_object_get(fixed, "media")) &&
		 (json_object_get(orig, "media") || json_object_get(fixed, "media")))
		ok = (snprintf(reason, rlen, "the media changed"), 0);
	free(no);
	free(nf);
	free(oc);
	free(fc);
	return ok;
}

int ba_verify_inspect(ba_gateway *gw, const ba_inspect_opts *o, const json_t *item, json_t *qc,
		      json_t **fixed, int *mock, json_t *models, ba_error *err)
{
	json_t *qv = NULL, *schema = NULL, *input = NULL, *plan = NULL, *fix = NULL, *cand = NULL, *e;
	char model[160], reason[256];
	int rc, m = 0;
	size_t i;

	if (fixed)
		*fixed = NULL;
	if ((rc = probes(gw, o, item, qc, mock, models, err)) != 1 ||
	    (rc = inspect_once(gw, o, item, &qv, mock, models, 0, err)) < 0)
		return rc;
	json_object_set(qc, "inspector", qv);
	if (rc == 1 || !o->repair) {
		json_object_set_new(qc, "repair", json_pack("{s:s, s:s}", "verdict", "skip", "reason",
							     rc == 1 ? "not needed" : "repair disabled"));
		json_decref(qv);
		return rc;
	}
	/* repair planner */
	schema = json_loads(repair_schema, 0, NULL);
	input = json_pack("{s:o, s:o, s:O}", "subtask", subtask_view(o->subtask), "item", view(item),
			  "inspector", qv);
	{
		json_t *vars = json_object();
		rc = ba_llm_call_json(gw, "repair", ba_verify_prompts[1], vars, input, schema, "verify_repair",
				      o->run_id, 0, NULL, o->can_wait, &plan, model, sizeof(model), &m, err);
		json_decref(vars);
	}
	if (rc != 0)
		goto cleanup;
	if (m && mock)
		*mock = 1;
	note_model(models, model);
	json_array_foreach(json_object_get(plan, "edits"), i, e)
		if (!strcmp(ba_json_str(e, "field", ""), "answer")) {
			json_object_set_new(plan, "changes_substance", json_true());
			break;
		}
	if (!ba_json_bool(plan, "repairable", 0) || ba_json_bool(plan, "changes_substance", 0) ||
	    json_array_size(json_object_get(plan, "edits")) == 0) {
		json_object_set_new(qc, "repair",
				    json_pack("{s:s, s:s}", "verdict", "fail", "reason",
					      ba_json_bool(plan, "changes_substance", 0) ?
						      "refused: the repair would change the item's substance" :
						      "the repair planner found no safe repair"));
		rc = 0;
		goto cleanup;
	}
	/* fixer */
	json_decref(schema);
	json_decref(input);
	schema = json_loads(fix_schema, 0, NULL);
	input = json_pack("{s:o, s:o, s:O}", "subtask", subtask_view(o->subtask), "item", view(item),
			  "edits", json_object_get(plan, "edits"));
	{
		json_t *vars = json_object();
		rc = ba_llm_call_json(gw, "fix", ba_verify_prompts[2], vars, input, schema, "verify_fix",
				      o->run_id, 0, NULL, o->can_wait, &fix, model, sizeof(model), &m, err);
		json_decref(vars);
	}
	if (rc != 0)
		goto cleanup;
	if (m && mock)
		*mock = 1;
	note_model(models, model);
	cand = json_deep_copy(item);
	{
		static const char *keys[] = { "question", "context", "choices", "explanation", NULL };
		for (i = 0; keys[i]; i++)
			if (json_object_get(fix, keys[i]))
				json_object_set(cand, keys[i], json_object_get(fix, keys[i]));
	}
	if (!ba_verify_same_substance(item, cand, reason, sizeof(reason))) {
		json_object_set_new(qc, "repair", json_pack("{s:s, s:o}", "verdict", "fail", "reason",
							     json_sprintf("refused: %s", reason)));
		rc = 0;
		goto cleanup;
	}
	{
		json_t *q2 = json_object();
		int nfail = ba_verify_item(cand, o->subtask, q2);
		json_decref(q2);
		if (nfail > 0) {
			json_object_set_new(qc, "repair", json_pack("{s:s, s:s}", "verdict", "fail", "reason",
								     "the repaired item fails the deterministic checks"));
			rc = 0;
			goto cleanup;
		}
	}
	/* the repaired item must satisfy the inspector too */
	json_decref(qv);
	qv = NULL;
	rc = inspect_once(gw, o, cand, &qv, mock, models, 1, err);
	if (rc < 0)
		goto cleanup;
	json_object_set_new(qc, "repair",
			    json_pack("{s:s, s:s, s:O}", "verdict", rc == 1 ? "pass" : "fail", "reason",
				      rc == 1 ? "repaired without changing the substance" :
						"the repaired item still fails the inspector",
				      "edits", json_object_get(plan, "edits")));
	/* the verdict that counts is the one on the repaired item; the first
	 * one stays on record */
	if (rc == 1) {
		json_object_set(qc, "inspector_before_repair", json_object_get(qc, "inspector"));
		json_object_set_new(qc, "inspector", qv);
	} else {
		json_object_set_new(qc, "inspector_after_repair", qv);
	}
	qv = NULL;
	if (rc == 1 && fixed) {
		*fixed = cand;
		cand = NULL;
	}
cleanup:
	json_decref(qv);
	json_decref(cand);
	json_decref(fix);
	json_decref(plan);
	json_decref(input);
	json_decref(schema);
	return rc;
}
