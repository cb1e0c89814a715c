/*
 * test_llm_mock.c - the gateway's synchronous and asynchronous paths with
 * the offline mock provider: determinism, schema instances, tool calls,
 * embeddings, role hooks, call log rows marked mock, stats.
 */
#include "support.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/schema.h"
#include "../../src/store/store_internal.h" /* the SQLite connection, to check rows independently */

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static ba_config *mock_cfg(void)
{
	ba_config *cfg = NULL;
	ba_error err = BA_ERROR_INIT;
	char *dir = bt_tmpdir("llmcfg");
	char *path = bt_write(dir, "benchagent.yaml",
			      "providers:\n  - name: mock\n    protocol: mock\n    price_input: 1\n    price_output: 2\n"
			      "  - name: slowmock\n    protocol: mock\n    latency_ms: 30\n"
			      "roles:\n  default: mock/mock\n");
	assert_int_equal(ba_config_load(&cfg, path, 0, &err), 0);
	free(path);
	bt_rmrf(dir);
	free(dir);
	return cfg;
}

static json_t *user_msg(const char *text)
{
	return json_pack("[{s:s, s:s}]", "role", "user", "content", text);
}

static void test_text_reply_deterministic(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *a = NULL, *b = NULL, *c = NULL;
	json_t *m1 = user_msg("hello"), *m2 = user_msg("something else");
	ba_gateway_stats st;

	(void)state;
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	req.messages = m1;
	assert_int_equal(ba_llm_call(gw, &req, &a, &err), 0);
	assert_int_equal(ba_llm_call(gw, &req, &b, &err), 0);
	req.messages = m2;
	assert_int_equal(ba_llm_call(gw, &req, &c, &err), 0);
	assert_non_null(a->content);
	assert_string_equal(a->content, b->content);
	assert_string_equal(a->key, b->key);
	assert_string_not_equal(a->content, c->content);
	assert_string_not_equal(a->key, c->key);
	assert_int_equal(a->mock, 1);
	assert_string_equal(a->provider, "mock");
	assert_string_equal(a->finish_reason, "stop");
	assert_true(a->prompt_tokens > 0);
	ba_gateway_stats_get(gw, &st);
	assert_int_equal(st.calls, 3);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.failed, 0);
	ba_llm_response_free(a);
	ba_llm_response_free(b);
	ba_llm_response_free(c);
	json_decref(m1);
	json_decref(m2);
	ba_gateway_free(gw);
	ba_config_free(cfg);
}

static void test_sample_index_changes_key(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *a = NULL, *b = NULL;
	json_t *m = user_msg("same prompt");

	(void)state;
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	req.messages = m;
	assert_int_equal(ba_llm_call(gw, &req, &a, &err), 0);
	req.sample_index = 1;
	assert_int_equal(ba_llm_call(gw, &req, &b, &err), 0);
	assert_string_not_equal(a->key, b->key);
	ba_llm_response_free(a);
	ba_llm_response_free(b);
	json_decref(m);
	ba_gateway_free(gw);
	ba_config_free(cfg);
}

static void test_schema_instance_reply(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	json_t *m = user_msg("design subtasks");
	json_error_t je;
	json_t *schema = json_loads(
		"{\"type\":\"object\",\"required\":[\"subtasks\",\"done\"],\"additionalProperties\":false,"
		"\"properties\":{\"subtasks\":{\"type\":\"array\",\"minItems\":2,\"maxItems\":4,\"items\":"
		"{\"type\":\"object\",\"required\":[\"id\",\"answer_type\",\"weight\"],\"properties\":{"
		"\"id\":{\"type\":\"string\",\"minLength\":3,\"maxLength\":12},"
		"\"answer_type\":{\"enum\":[\"choice\",\"numeric\",\"open\"]},"
		"\"weight\":{\"type\":\"number\",\"minimum\":0.5,\"maximum\":0.75}}}},"
		"\"done\":{\"type\":\"boolean\"}}}", 0, &je);
	json_t *parsed;

	(void)state;
	assert_non_null(schema);
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	req.messages = m;
	req.schema = schema;
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), 0);
	assert_non_null(r->json);
	assert_int_equal(ba_schema_validate(schema, r->json, &err), 0);
	/* content is the same JSON serialised */
	parsed = json_loads(r->content, 0, &je);
	assert_non_null(parsed);
	assert_true(json_equal(parsed, r->json));
	json_decref(parsed);
	ba_llm_response_free(r);
	json_decref(schema);
	json_decref(m);
	ba_gateway_free(gw);
	ba_config_free(cfg);
}

static void test_tool_call_reply(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	json_t *m = user_msg("use a tool");
	json_error_t je;
	json_t *tools = json_loads(
		"[{\"type\":\"function\",\"function\":{\"name\":\"propose\",\"description\":\"d\",\"parameters\":"
		"{\"type\":\"object\",\"required\":[\"name\",\"count\"],\"properties\":{\"name\":{\"type\":\"string\"},"
		"\"count\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":3}}}}},"
		"{\"type\":\"function\",\"function\":{\"name\":\"finish\",\"parameters\":{\"type\":\"object\","
		"\"required\":[\"rationale\"],\"properties\":{\"rationale\":{\"type\":\"string\"}}}}}]", 0, &je);
	json_t *call;
	const char *name;
	size_t i;
	int found = 0;

	(void)state;
	assert_non_null(tools);
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	req.messages = m;
	req.tools = tools;
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), 0);
	assert_int_equal(json_array_size(r->tool_calls), 1);
	call = json_array_get(r->tool_calls, 0);
	name = ba_json_str(call, "name", "");
	assert_true(json_is_object(json_object_get(call, "arguments")));
	for (i = 0; i < json_array_size(tools); i++) {
		json_t *fn = json_object_get(json_array_get(tools, i), "function");
		if (!strcmp(ba_json_str(fn, "name", ""), name)) {
			found = 1;
			assert_int_equal(ba_schema_validate(json_object_get(fn, "parameters"),
							    json_object_get(call, "arguments"), &err), 0);
		}
	}
	assert_true(found);
	assert_string_equal(r->finish_reason, "tool_calls");
	ba_llm_response_free(r);
	/* a named tool_choice is honoured */
	req.tool_choice = "finish";
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), 0);
	assert_string_equal(ba_json_str(json_array_get(r->tool_calls, 0), "name", ""), "finish");
	ba_llm_response_free(r);
	/* "none" gives text */
	req.tool_choice = "none";
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), 0);
	assert_null(r->tool_calls);
	assert_non_null(r->content);
	ba_llm_response_free(r);
	json_decref(tools);
	json_decref(m);
	ba_gateway_free(gw);
	ba_config_free(cfg);
}

static double cosine(const float *a, const float *b, size_t d)
{
	double s = 0;
	size_t i;

	for (i = 0; i < d; i++)
		s += (double)a[i] * b[i];
	return s;
}

static void test_embeddings_similarity(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	const char *texts[] = {
		"the cat sat on the mat",
		"the cat sat on a mat",
		"quarterly revenue grew by eleven percent",
		""
	};
	float *v = NULL;
	size_t dim = 0, i, k;

	(void)state;
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	assert_int_equal(ba_llm_embed(gw, NULL, texts, 4, &v, &dim, &err), 0);
	assert_true(dim >= 64);
	for (i = 0; i < 4; i++) {
		double n = 0;
		for (k = 0; k < dim; k++)
			n += (double)v[i * dim + k] * v[i * dim + k];
		assert_true(fabs(n - 1.0) < 1e-4);
	}
	assert_true(cosine(v, v + dim, dim) > 0.7);
	assert_true(cosine(v, v + 2 * dim, dim) < 0.3);
	assert_true(cosine(v, v + dim, dim) > cosine(v, v + 2 * dim, dim) + 0.4);
	free(v);
	ba_gateway_free(gw);
	ba_config_free(cfg);
}

static int design_hook(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	int *calls = ud;
	(void)req;
	(void)seed;
	(*calls)++;
	resp->json = json_pack("{s:s}", "plan", "from the hook");
	return 0;
}

static int declining_hook(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	(void)req; (void)seed; (void)resp;
	(*(int *)ud)++;
	return 1;
}

static void test_role_hooks(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	json_t *m = user_msg("plan it");
	int calls = 0, declined = 0;

	(void)state;
	ba_mock_register("design", design_hook, &calls);
	ba_mock_register("inspect", declining_hook, &declined);
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	req.messages = m;
	req.role = "design";
	req.json_mode = 1;
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), 0);
	assert_int_equal(calls, 1);
	assert_string_equal(ba_json_str(r->json, "plan", ""), "from the hook");
	assert_non_null(strstr(r->content, "from the hook"));
	assert_int_equal(r->mock, 1);
	ba_llm_response_free(r);
	req.role = "inspect";
	req.json_mode = 0;
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), 0);
	assert_int_equal(declined, 1);
	assert_non_null(strstr(r->content, "Mock reply"));
	ba_llm_response_free(r);
	ba_mock_register("design", NULL, NULL);
	ba_mock_register("inspect", NULL, NULL);
	json_decref(m);
	ba_gateway_free(gw);
	ba_config_free(cfg);
}

typedef struct {
	pthread_mutex_t mu;
	int ok, failed;
	char keys[64][65];
} async_ctx;

static void on_done(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	async_ctx *c = ud;
	(void)errmsg;
	pthread_mutex_lock(&c->mu);
	if (rc == 0 && resp && resp->content) {
		memcpy(c->keys[c->ok % 64], resp->key, 65);
		c->ok++;
	} else
		c->failed++;
	pthread_mutex_unlock(&c->mu);
	ba_llm_response_free(resp);
}

static void test_submit_wait_with_latency_and_store(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	async_ctx ctx;
	char *ws = bt_tmpdir("llmws");
	ba_store *st;
	sqlite3_stmt *s;
	double t0;
	int i;
	ba_gateway_stats stats;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	pthread_mutex_init(&ctx.mu, NULL);
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_gateway_new(&gw, cfg, st, NULL, &err), 0);
	req.provider = "slowmock";
	t0 = ba_now();
	for (i = 0; i < 40; i++) {
		char text[64];
		json_t *m;
		snprintf(text, sizeof(text), "question %d", i);
		m = user_msg(text);
		req.messages = m;
		assert_int_equal(ba_llm_submit(gw, &req, on_done, &ctx, &err), 0);
		json_decref(m);
	}
	ba_gateway_wait(gw);
	/* 40 calls of 30 ms each, concurrently: far less than 40 * 30 ms */
	assert_true(ba_now() - t0 < 0.6);
	assert_int_equal(ctx.ok, 40);
	assert_int_equal(ctx.failed, 0);
	ba_gateway_stats_get(gw, &stats);
	assert_int_equal(stats.calls, 40);
	ba_gateway_free(gw);
	/* every call is in the call log, marked mock */
	assert_int_equal(sqlite3_prepare_v2(ba_store_db(st),
					    "SELECT COUNT(*), SUM(mock), SUM(status = 'ok') FROM llm_calls", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 40);
	assert_int_equal(sqlite3_column_int(s, 1), 40);
	assert_int_equal(sqlite3_column_int(s, 2), 40);
	sqlite3_finalize(s);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
	pthread_mutex_destroy(&ctx.mu);
	ba_config_free(cfg);
}

static void test_bad_requests(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	json_t *notarray = json_pack("{s:s}", "role", "user");

	(void)state;
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "no messages"));
	req.messages = notarray;
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "messages"));
	req.system = "hi";
	req.messages = NULL;
	req.provider = "nonexistent";
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "nonexistent"));
	assert_null(r);
	json_decref(notarray);
	ba_gateway_free(gw);
	ba_config_free(cfg);
}

/* A request with an audio part to a protocol without audio (Anthropic
 * Messages) is refused by the gateway with the model and the modality
 * named: never sent with the audio left out. Images still go. */
static void test_media_refused(void **state)
{
	ba_config *cfg = NULL;
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	char *dir = bt_tmpdir("llmmedia");
	char *path = bt_write(dir, "benchagent.yaml",
			      "providers:\n  - name: anth\n    protocol: anthropic\n    base_url: http://127.0.0.1:9\n"
			      "    model: c1\n  - name: mock\n    protocol: mock\nroles:\n  default: anth/c1\n");
	json_t *audio = json_pack("[{s:s, s:[{s:s, s:s}, {s:s, s:{s:s, s:s}}]}]", "role", "user", "content", "type",
				  "text", "text", "listen", "type", "input_audio", "input_audio", "data", "UklGRg==",
				  "format", "wav");

	(void)state;
	assert_int_equal(ba_config_load(&cfg, path, 0, &err), 0);
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	req.messages = audio;
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), BA_EINVAL);
	assert_string_equal(err.msg, "model anth/c1: protocol anthropic cannot take audio input");
	assert_null(r);
	req.provider = "mock"; /* the mock takes it (its reply never looks at media) */
	req.model = "m";
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), 0);
	ba_llm_response_free(r);
	json_decref(audio);
	ba_gateway_free(gw);
	ba_config_free(cfg);
	free(path);
	bt_rmrf(dir);
	free(dir);
}

static void test_dry_run_estimates(void **state)
{
	ba_config *cfg = mock_cfg();
	ba_gateway *gw;
	ba_error err = BA_ERROR_INIT;
	ba_gateway_options o = BA_GATEWAY_OPTIONS_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_gateway_stats st;
	json_t *m = user_msg("0123456789012345678901234567890123456789"); /* 40 chars */

	(void)state;
	o.dry_run = 1;
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, &o, &err), 0);
	req.messages = m;
	assert_int_equal(ba_llm_call(gw, &req, &r, &err), 0);
	assert_int_equal(r->mock, 1);
	ba_gateway_stats_get(gw, &st);
	assert_int_equal(st.dry_run, 1);
	assert_int_equal(st.sent, 0);
	assert_true(st.prompt_tokens >= 10);
	/* price_input 1 USD/M, price_output 2 USD/M */
	assert_true(fabs(st.cost_usd - (st.prompt_tokens * 1e-6 + st.completion_tokens * 2e-6)) < 1e-12);
	assert_true(st.cost_usd > 0);
	ba_llm_response_free(r);
	json_decref(m);
	ba_gateway_free(gw);
	ba_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_reply_deterministic),
		cmocka_unit_test(test_sample_index_changes_key),
		cmocka_unit_test(test_schema_instance_reply),
		cmocka_unit_test(test_tool_call_reply),
		cmocka_unit_test(test_embeddings_similarity),
		cmocka_unit_test(test_role_hooks),
		cmocka_unit_test(test_submit_wait_with_latency_and_store),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_media_refused),
		cmocka_unit_test(test_dry_run_estimates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
