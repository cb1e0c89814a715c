/*
 * gate.c - `build --audit`: one item judged by the panel while the build
 * runs, decided by the same summary `benchagent audit` uses (an item is
 * as good as its weakest criterion's panel mean). The calls are ordinary
 * gateway calls (role auditor, the reply schema, re-asked on a bad reply,
 * cached by request), so a rebuild asks nothing again.
 */
#include "audit_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/prompt.h"
#include "benchagent/sha256.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ba_audit_gate_signature(const ba_audit_gate_opts *o, char out[17])
{
	static const char *const prompts[] = { "audit_system.txt", "audit_item.txt", NULL };
	ba_buf b = BA_BUF_INIT(1 << 20);
	char hex[65];
	size_t i;

	ba_buf_printf(&b, "gate v%d|%.6g|%llu", BA_AUDIT_FORMAT_VERSION, o->threshold, (unsigned long long)o->seed);
	for (i = 0; i < o->njudges; i++)
		ba_buf_printf(&b, "|%s", o->judges[i]);
	for (i = 0; prompts[i]; i++) {
		const char *t = ba_prompt_text(prompts[i]);
		ba_buf_printf(&b, "|%s", t ? t : "");
	}
	ba_sha256_hex(ba_buf_cstr(&b), b.len, hex);
	ba_buf_free(&b);
	memcpy(out, hex, 16);
	out[16] = 0;
}

/* Judge j's reply to the item (new ref in *reply). */
static int ask(ba_gateway *gw, const ba_audit_gate_opts *o, size_t j, const json_t *subtask, const json_t *item,
	       const json_t *schema, json_t **reply, int *mock, ba_error *err)
{
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *resp = NULL;
	ba_model_ref ref = { 0 };
	json_t *msgs = NULL;
	int order[BA_AUDIT_NCRIT], rc;

	*reply = NULL;
	if ((rc = ba_model_ref_parse(&ref, o->judges[j], err)) != 0) {
		ba_error_prefix(err, "audit gate: judge %s: ", o->judges[j]);
		return rc;
	}
	ba_audit_order(o->seed, o->judges[j], ba_json_str(item, "id", ""), order);
	if ((rc = ba_audit_messages(o->media_root ? o->media_root : ".", o->request, subtask, item, order, &msgs,
				    err)) != 0)
		goto done;
	req.role = "auditor";
	req.provider = ref.provider;
	req.model = ref.model;
	req.system = ba_prompt_text("audit_system.txt");
	req.messages = msgs;
	req.schema = schema;
	req.schema_name = "audit";
	req.temperature = 0;
	req.run_id = o->run_id;
	req.can_wait = o->can_wait;
	if ((rc = ba_llm_call(gw, &req, &resp, err)) != 0) {
		if (rc != BA_EPENDING)
			ba_error_prefix(err, "audit gate: judge %s: ", o->judges[j]);
		goto done;
	}
	if (!json_is_object(resp->json)) {
		rc = ba_error_set(err, BA_EINVAL, "audit gate: judge %s: reply is not a judgement", o->judges[j]);
		goto done;
	}
	*reply = json_incref(resp->json);
	*mock |= resp->mock;
done:
	ba_llm_response_free(resp);
	json_decref(msgs);
	ba_model_ref_clear(&ref);
	return rc;
}

/* The verdict from the one-item summary. New ref. */
static json_t *verdict_of(const json_t *rep, const ba_audit_gate_opts *o, const json_t *judges, int mock)
{
	json_t *it = json_array_get(json_object_get(rep, "items"), 0), *w = json_object_get(it, "weakest");
	double min = ba_json_num(it, "min_score", NAN);
	char sig[17];
	json_t *v;

	ba_audit_gate_signature(o, sig);
	v = json_pack("{s:s, s:s, s:f, s:f, s:f, s:s, s:s, s:O, s:O, s:b}", "verdict",
		      ba_json_bool(it, "pass", 0) ? "pass" : "fail", "gate", sig, "threshold", o->threshold, "score",
		      min, "mean", ba_json_num(it, "score", NAN), "criterion", ba_json_str(w, "criterion", "?"),
		      "judge", ba_json_str(w, "judge", "?"), "scores", json_object_get(it, "scores"), "judges",
		      judges, "mock", mock);
	json_object_set_new(v, "reason", json_sprintf("%s %g: %s", ba_json_str(w, "criterion", "?"), min,
						      ba_json_str(w, "rationale", "")));
	return v;
}

int ba_audit_gate_item(ba_gateway *gw, const ba_audit_gate_opts *o, const json_t *subtask,
		       const json_t *item, json_t **verdict, ba_error *err)
{
	ba_audit_opts ao = BA_AUDIT_OPTS_INIT;
	json_t *schema = ba_audit_reply_schema(), *items = json_pack("[O]", item), *judges = json_array();
	json_t *rat = json_object(), *rep;
	double *y;
	size_t j;
	int c, rc = 0, mock = 0, pending = 0;

	*verdict = NULL;
	if (o->njudges == 0) {
		rc = ba_error_set(err, BA_EINVAL, "audit gate: no judge");
		goto done;
	}
	y = ba_malloc(o->njudges * BA_AUDIT_NCRIT * sizeof(double));
	for (j = 0; j < o->njudges && rc == 0; j++) {
		json_t *reply = NULL;
		char *k;
		if ((rc = ask(gw, o, j, subtask, item, schema, &reply, &mock, err)) == BA_EPENDING) {
			/* every judge's call goes into the same batch round */
			pending = 1;
			rc = 0;
			continue;
		}
		if (rc != 0) {
			ba_error_prefix(err, "item '%.80s': ", ba_json_str(item, "question", "?"));
			break;
		}
		for (c = 0; c < BA_AUDIT_NCRIT; c++)
			y[j * BA_AUDIT_NCRIT + c] = ba_json_num(json_object_get(reply, ba_audit_criteria[c]), "score", NAN);
		k = ba_asprintf("%s\n%s", o->judges[j], ba_json_str(item, "id", ""));
		json_object_set_new(rat, k, reply);
		free(k);
		json_array_append_new(judges, json_string(o->judges[j]));
	}
	if (rc == 0 && pending)
		rc = ba_error_set(err, BA_EPENDING, "audit gate: waiting for the next batch round");
	else if (rc == 0) {
		ao.threshold = o->threshold;
		ao.seed = o->seed;
		ao.njudges = o->njudges;
		ao.judges = o->judges;
		rep = ba_audit_summarize(items, judges, y, rat, NULL, NULL, &ao);
		*verdict = verdict_of(rep, o, judges, mock);
		json_decref(rep);
	}
	free(y);
done:
	json_decref(schema);
	json_decref(items);
	json_decref(judges);
	json_decref(rat);
	return rc;
}
