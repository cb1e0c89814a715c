/*
 * json_call.c - one structured LLM call (executor tools, planner steps, verifier):
 * system prompt from prompts/, the input as a JSON user message (plus the
 * item's images as data URLs), a JSON schema for the reply.
 */
#include "benchagent/llm.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/json.h"
#include "benchagent/prompt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ba_llm_call_json(ba_gateway *gw, const char *role, const char *prompt, const json_t *vars,
		     const json_t *input, const json_t *schema, const char *schema_name,
		     int64_t run_id, int sample_index, const json_t *images, int can_wait, json_t **out,
		     char *model, size_t mlen, int *mock, ba_error *err)
{
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *resp = NULL;
	char *system = NULL, *user = NULL;
	json_t *messages = NULL, *content;
	int rc;

	*out = NULL;
	if (!gw)
		return ba_error_set(err, BA_EINVAL, "%s: no model configured", prompt);
	if ((rc = ba_prompt_render(prompt, vars, &system, err)) != 0)
		return rc;
	user = ba_json_canonical(input);
	if (json_array_size(images) > 0) {
		size_t i;
		json_t *u;
		content = json_array();
		json_array_append_new(content, json_pack("{s:s, s:s}", "type", "text", "text", user));
		json_array_foreach(images, i, u)
			json_array_append_new(content, json_pack("{s:s, s:{s:O}}", "type", "image_url",
								 "image_url", "url", u));
	} else {
		content = json_string(user);
	}
	messages = json_pack("[{s:s, s:o}]", "role", "user", "content", content);
	req.role = role;
	req.system = system;
	req.messages = messages;
	req.schema = schema;
	req.schema_name = schema_name;
	req.run_id = run_id;
	req.sample_index = sample_index;
	req.temperature = 0.7;
	req.can_wait = can_wait;
	rc = ba_llm_call(gw, &req, &resp, err);
	if (rc != 0)
		goto cleanup;
	if (!json_is_object(resp->json)) {
		rc = ba_error_set(err, BA_ESCHEMA, "%s: reply is not a JSON object", schema_name);
		goto cleanup;
	}
	*out = json_incref(resp->json);
	if (model)
		snprintf(model, mlen, "%s/%s", resp->provider ? resp->provider : "?",
			 resp->model ? resp->model : "?");
	if (mock)
		*mock = resp->mock;
cleanup:
	ba_llm_response_free(resp);
	json_decref(messages);
	free(system);
	free(user);
	return rc;
}
