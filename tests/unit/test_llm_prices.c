/*
 * test_llm_prices.c - issue 12 item 5: the dated price table prices the
 * common OpenAI and Anthropic models (dated snapshots by prefix), a
 * provider's own prices override it, mock providers are free, and a dry
 * run through the environment provider (OPENAI_API_KEY, no config)
 * estimates a non-zero cost.
 */
#include "support.h"
#include "benchagent/config.h"
#include "benchagent/llm.h"
#include "benchagent/store.h"

#include <stdlib.h>
#include <string.h>

static void prices__table_rows_by_prefix(void **state)
{
	double in = -1, out = -1;
	(void)state;

	assert_int_equal(strlen(ba_price_table_date), 10);
	assert_int_equal(ba_llm_price_lookup("gpt-4o-mini", &in, &out), 0);
	assert_true(in == 0.15 && out == 0.60);
	assert_int_equal(ba_llm_price_lookup("gpt-4o-mini-2024-07-18", &in, &out), 0);
	assert_true(in == 0.15 && out == 0.60);
	assert_int_equal(ba_llm_price_lookup("gpt-4o-2024-08-06", &in, &out), 0);
	assert_true(in == 2.50 && out == 10.00);
	assert_int_equal(ba_llm_price_lookup("claude-sonnet-4-20250514", &in, &out), 0);
	assert_true(in == 3.00 && out == 15.00);
	assert_int_equal(ba_llm_price_lookup("claude-3-5-haiku-20241022", &in, &out), 0);
	assert_true(in == 0.80 && out == 4.00);
	assert_int_equal(ba_llm_price_lookup("o1", &in, &out), 0);
	assert_true(in == 15.00);
	/* "o1" is not a prefix of "o10", "gpt-4" is not "gpt-4o" */
	assert_int_equal(ba_llm_price_lookup("o10", &in, &out), BA_ENOTFOUND);
	assert_int_equal(ba_llm_price_lookup("gpt-4-0613", &in, &out), 0);
	assert_true(in == 30.00);
	/* the newer Opus rows are cheaper than the Opus 4 family row they
	 * would otherwise fall back to; gpt-5.x is not a '-' continuation */
	assert_int_equal(ba_llm_price_lookup("claude-opus-4-6", &in, &out), 0);
	assert_true(in == 5.00 && out == 25.00);
	assert_int_equal(ba_llm_price_lookup("claude-opus-4-1-20250805", &in, &out), 0);
	assert_true(in == 15.00 && out == 75.00);
	assert_int_equal(ba_llm_price_lookup("gpt-5.4", &in, &out), 0);
	assert_true(in == 2.50 && out == 15.00);
	assert_int_equal(ba_llm_price_lookup("gpt-5-pro", &in, &out), 0);
	assert_true(in == 15.00 && out == 120.00);
	assert_int_equal(ba_llm_price_lookup("qwen2-7b", &in, &out), BA_ENOTFOUND);
	assert_int_equal(ba_llm_price_lookup(NULL, &in, &out), BA_ENOTFOUND);
}

static void prices__provider_overrides_and_mock_free(void **state)
{
	ba_provider_cfg p;
	double in, out;
	(void)state;

	memset(&p, 0, sizeof(p));
	p.protocol = BA_PROTO_OPENAI;
	ba_llm_price(&p, "gpt-4o-mini", &in, &out);
	assert_true(in == 0.15 && out == 0.60);
	ba_llm_price(&p, "local-llama", &in, &out);
	assert_true(in == 0 && out == 0);
	p.price_set = 1; /* price_input: 0 for a free local server named like a hosted model */
	ba_llm_price(&p, "gpt-4o-mini", &in, &out);
	assert_true(in == 0 && out == 0);
	p.price_in = 1.0;
	p.price_out = 2.0;
	ba_llm_price(&p, "gpt-4o-mini", &in, &out);
	assert_true(in == 1.0 && out == 2.0);
	memset(&p, 0, sizeof(p));
	p.protocol = BA_PROTO_MOCK;
	ba_llm_price(&p, "gpt-4o", &in, &out);
	assert_true(in == 0 && out == 0);
}

static void prices__config_marks_provider_prices(void **state)
{
	char *dir = bt_tmpdir("prices"), *f;
	ba_config *cfg = NULL;
	ba_error err = BA_ERROR_INIT;
	(void)state;

	f = bt_write(dir, "benchagent.yaml",
		     "providers:\n"
		     "  - name: a\n    protocol: openai\n    base_url: http://127.0.0.1:1/v1\n    model: gpt-4o\n"
		     "  - name: b\n    protocol: openai\n    base_url: http://127.0.0.1:1/v1\n    model: gpt-4o\n"
		     "    price_input: 0\n");
	assert_int_equal(ba_config_load(&cfg, f, 0, &err), 0);
	assert_int_equal(ba_config_provider(cfg, "a")->price_set, 0);
	assert_int_equal(ba_config_provider(cfg, "b")->price_set, 1);
	ba_config_free(cfg);
	free(f);
	bt_rmrf(dir);
	free(dir);
}

static void prices__dry_run_with_env_key_costs_something(void **state)
{
	char *dir = bt_tmpdir("pricesdry");
	ba_config *cfg;
	ba_store *st = NULL;
	ba_gateway *gw = NULL;
	ba_gateway_options go = BA_GATEWAY_OPTIONS_INIT;
	ba_gateway_stats stats;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *resp = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *msgs = json_pack("[{s:s,s:s}]", "role", "user", "content", "Write one arithmetic question with its answer.");
	(void)state;

	setenv("OPENAI_API_KEY", "sk-test-not-sent", 1);
	unsetenv("OPENAI_BASE_URL");
	unsetenv("BENCHAGENT_MODEL");
	cfg = ba_config_default();
	unsetenv("OPENAI_API_KEY");
	assert_int_equal(ba_store_open(&st, dir, &err), 0);
	go.dry_run = 1;
	assert_int_equal(ba_gateway_new(&gw, cfg, st, &go, &err), 0);
	req.role = "default";
	req.messages = msgs;
	assert_int_equal(ba_llm_call(gw, &req, &resp, &err), 0);
	ba_gateway_stats_get(gw, &stats);
	assert_true(stats.dry_run);
	assert_true(stats.cost_usd > 0);
	ba_llm_response_free(resp);
	json_decref(msgs);
	ba_gateway_free(gw);
	ba_store_close(st);
	ba_config_free(cfg);
	bt_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prices__table_rows_by_prefix),
		cmocka_unit_test(prices__provider_overrides_and_mock_free),
		cmocka_unit_test(prices__config_marks_provider_prices),
		cmocka_unit_test(prices__dry_run_with_env_key_costs_something),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
