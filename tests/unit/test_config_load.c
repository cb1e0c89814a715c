/*
 * test_config_load.c - benchagent.yaml: defaults, environment, full files,
 * errors naming file:line:key, unknown-key warnings, role resolution.
 */
#include "support.h"

#include "benchagent/config.h"
#include "benchagent/fs.h"
#include "benchagent/log.h"
#include "benchagent/query.h"

#include <stdlib.h>
#include <string.h>

static char warned[4096];

static void capture(void *ud, ba_log_level lvl, const char *module, const char *msg)
{
	(void)ud; (void)module;
	if (lvl == BA_LOG_WARN) {
		strncat(warned, msg, sizeof(warned) - strlen(warned) - 2);
		strcat(warned, "\n");
	}
}

static int setup(void **state)
{
	*state = bt_tmpdir("config");
	warned[0] = '\0';
	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	return 0;
}

static int teardown(void **state)
{
	bt_rmrf(*state);
	free(*state);
	return 0;
}

static int load_text(const char *dir, const char *text, ba_config **cfg, ba_error *err)
{
	char *path = bt_write(dir, "benchagent.yaml", text);
	int rc = ba_config_load(cfg, path, 0, err);
	free(path);
	return rc;
}

static void config__missing_file_gives_mock_defaults(void **state)
{
	ba_config *cfg;
	ba_error err = BA_ERROR_INIT;
	const ba_provider_cfg *p;
	const char *model;
	char *path = strdup("/nonexistent/benchagent.yaml");

	(void)state;
	assert_int_equal(ba_config_load(&cfg, path, 1, &err), 0);
	assert_int_equal(ba_config_resolve(cfg, "design", &p, &model, &err), 0);
	assert_int_equal(p->protocol, BA_PROTO_MOCK);
	assert_string_equal(model, "mock");
	assert_string_equal(cfg->output_dir, "out");
	ba_config_free(cfg);
	assert_int_equal(ba_config_load(&cfg, path, 0, &err), BA_ENOTFOUND);
	assert_non_null(strstr(err.msg, "/nonexistent/benchagent.yaml"));
	free(path);
}

static void config__openai_env_works_without_file(void **state)
{
	ba_config *cfg;
	ba_error err = BA_ERROR_INIT;
	const ba_provider_cfg *p;
	const char *model;

	(void)state;
	setenv("OPENAI_API_KEY", "sk-test-secret", 1);
	setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1", 1);
	cfg = ba_config_default();
	assert_int_equal(ba_config_resolve(cfg, "inspect", &p, &model, &err), 0);
	assert_int_equal(p->protocol, BA_PROTO_OPENAI);
	assert_string_equal(p->base_url, "http://127.0.0.1:9/v1");
	assert_string_equal(p->api_key_env, "OPENAI_API_KEY");
	/* the key itself is never copied into the configuration */
	assert_null(strstr(p->name, "sk-test"));
	assert_null(strstr(p->base_url, "sk-test"));
	/* mock stays available for dry runs */
	assert_non_null(ba_config_provider(cfg, "mock"));
	ba_config_free(cfg);
	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
}

static void config__full_file_parses(void **state)
{
	ba_config *cfg;
	ba_error err = BA_ERROR_INIT;
	const ba_provider_cfg *p;
	const char *model;

	assert_int_equal(load_text(*state,
		"providers:\n"
		"  - name: local\n"
		"    protocol: openai\n"
		"    base_url: http://127.0.0.1:8000/v1\n"
		"    api_key_env: LOCAL_KEY\n"
		"    max_concurrency: 64\n"
		"    requests_per_minute: 600\n"
		"    tokens_per_minute: 100000\n"
		"    timeout: 30\n"
		"    price_input: 0.5\n"
		"    price_output: 1.5\n"
		"  - name: claude\n"
		"    protocol: anthropic\n"
		"    api_key_env: ANTHROPIC_API_KEY\n"
		"roles:\n"
		"  default: local/small\n"
		"  judge: claude/claude-3-5-sonnet\n"
		"  design: local/org/model-7b\n"
		"solvers: [local/a, local/b]\n"
		"budget: {usd: 2.5, tokens: 100000, workspace_usd: 10}\n"
		"pool: [/data/pool1, /data/pool2]\n"
		"output: results\n"
		"grounding: {accept_threshold: 0.6}\n",
		&cfg, &err), 0);
	p = ba_config_provider(cfg, "local");
	assert_non_null(p);
	assert_int_equal(p->max_concurrency, 64);
	assert_true(p->rpm == 600 && p->tpm == 100000 && p->timeout_s == 30);
	assert_true(p->price_in == 0.5 && p->price_out == 1.5);
	assert_string_equal(ba_config_provider(cfg, "claude")->base_url, "https://api.anthropic.com");
	assert_int_equal(ba_config_resolve(cfg, "judge", &p, &model, &err), 0);
	assert_string_equal(p->name, "claude");
	assert_string_equal(model, "claude-3-5-sonnet");
	assert_int_equal(ba_config_resolve(cfg, "design", &p, &model, &err), 0);
	assert_string_equal(model, "org/model-7b");
	assert_int_equal(ba_config_resolve(cfg, "inspect", &p, &model, &err), 0);
	assert_string_equal(p->name, "local");
	assert_string_equal(model, "small");
	assert_int_equal(cfg->nsolvers, 2);
	assert_string_equal(cfg->solvers[1].model, "b");
	assert_true(cfg->budget_usd == 2.5 && cfg->budget_tokens == 100000 && cfg->workspace_budget_usd == 10);
	assert_int_equal(cfg->npools, 2);
	assert_string_equal(cfg->output_dir, "results");
	assert_true(cfg->grounding.accept_threshold == 0.6);
	assert_true(cfg->grounding.max_rounds == 4); /* a key not in the file: its default */
	/* --provider mock: every role goes to mock */
	assert_int_equal(ba_config_set_provider_override(cfg, "mock", &err), 0);
	assert_int_equal(ba_config_resolve(cfg, "judge", &p, &model, &err), 0);
	assert_int_equal(p->protocol, BA_PROTO_MOCK);
	assert_int_equal(ba_config_set_provider_override(cfg, "nope", &err), BA_EUSAGE);
	assert_non_null(strstr(err.msg, "nope"));
	ba_config_free(cfg);
}

static void config__errors_name_file_line_and_key(void **state)
{
	ba_config *cfg = NULL;
	ba_error err = BA_ERROR_INIT;

	assert_int_equal(load_text(*state,
		"providers:\n"
		"  - name: local\n"
		"    base_url: http://x/v1\n"
		"    max_concurrency: lots\n", &cfg, &err), BA_EINVAL);
	assert_null(cfg);
	assert_non_null(strstr(err.msg, "benchagent.yaml:4: providers.0.max_concurrency: expected a number"));

	assert_int_equal(load_text(*state, "roles:\n  design: ghost/model\n", &cfg, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, ":2: roles.design: unknown provider 'ghost'"));

	assert_int_equal(load_text(*state, "providers:\n  - name: a\n    protocol: grpc\n    base_url: x\n", &cfg, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, ":3: providers.0.protocol: must be openai, anthropic or mock"));

	assert_int_equal(load_text(*state, "providers:\n  - name: a\n    protocol: openai\n", &cfg, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "missing 'base_url'"));

	assert_int_equal(load_text(*state, "budget:\n  usd: -1\n", &cfg, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, ":2: budget.usd: must be >= 0"));

	assert_int_equal(load_text(*state, "roles: [a, b\n", &cfg, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "benchagent.yaml:"));

	assert_int_equal(load_text(*state, "a: &x 1\nb: *x\n", &cfg, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "aliases"));

	assert_int_equal(load_text(*state, "output: a\noutput: b\n", &cfg, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "duplicate key"));

	assert_int_equal(load_text(*state, "providers:\n  - name: a\n    base_url: http://x\n  - name: a\n    base_url: http://y\n", &cfg, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, ":4: providers.1.name: duplicate provider name"));
}

static void config__unknown_keys_warn_but_load(void **state)
{
	ba_config *cfg = NULL;
	ba_error err = BA_ERROR_INIT;

	ba_log_clear_sinks();
	ba_log_add_sink(capture, NULL);
	assert_int_equal(load_text(*state,
		"colour: blue\n"
		"providers:\n"
		"  - name: m\n"
		"    protocol: mock\n"
		"    temprature: 3\n", &cfg, &err), 0);
	assert_non_null(cfg);
	assert_non_null(strstr(warned, ":1: unknown key 'colour'"));
	assert_non_null(strstr(warned, ":5: unknown key 'providers.0.temprature'"));
	ba_config_free(cfg);
	ba_log_clear_sinks();
}

static void config__template_loads_and_is_not_overwritten(void **state)
{
	char *path = bt_write(*state, "x.txt", "");
	ba_config *cfg = NULL;
	ba_error err = BA_ERROR_INIT;
	char *tpl;

	free(path);
	tpl = ba_path_join(*state, "tpl.yaml");
	assert_int_equal(ba_config_write_template(tpl, &err), 0);
	assert_int_equal(ba_config_write_template(tpl, &err), BA_EINVAL);
	assert_int_equal(ba_config_load(&cfg, tpl, 0, &err), 0);
	assert_non_null(ba_config_provider(cfg, "mock"));
	ba_config_free(cfg);
	free(tpl);
}


/* Each module section is typed: wrong types and values out of range are
 * errors naming file:line:key; defaults fill what the file leaves out. */
static void config__sections_are_typed_with_ranges(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "execution:\n  workers: abc\n", "benchagent.yaml:2: execution.workers: expected an integer" },
		{ "execution:\n  workers: -3\n", "benchagent.yaml:2: execution.workers: must be an integer from 1 to 256" },
		{ "execution:\n  workers: 1e8\n", "benchagent.yaml:2: execution.workers: must be an integer from 1 to 256" },
		{ "execution:\n  workers: 2.5\n", "execution.workers: must be an integer from 1 to 256" },
		{ "gateway:\n  max_reply_mb: 100000\n", "benchagent.yaml:2: gateway.max_reply_mb: must be a number from 0.001 to 1024" },
		{ "gateway: {max_retries: lots}\n", "benchagent.yaml:1: gateway.max_retries: expected an integer" },
		{ "verification:\n  inspector: maybe\n", ":2: verification.inspector: expected true or false" },
		{ "evaluation:\n  level: 2\n", ":2: evaluation.level: must be a number from 0.5 to 0.9999" },
		{ "grounding:\n  weights: {alignment: -1}\n", ":2: grounding.weights.alignment: must be a number from 0 to 1000" },
		{ "grounding:\n  weights: {alignment: 0, coverage: 0, simplicity: 0, risk: 0}\n", "grounding.weights: the weights must have a positive sum" },
		{ "execution: 5\n", ":1: execution: expected a mapping" },
		{ "providers:\n  - name: x\n    base_url: file:///etc/passwd\n", ":3: providers.0.base_url: must be an http:// or https:// URL" },
		{ "providers:\n  - name: x\n    base_url: 'http:///v1'\n", ":3: providers.0.base_url: must name a host" },
		{ "providers:\n  - name: x\n    base_url: http://h/v1\n    max_concurrency: 1e9\n", ":4: providers.0.max_concurrency: must be <= 4096" },
	};
	ba_config *cfg = NULL;
	ba_error err = BA_ERROR_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = (ba_error)BA_ERROR_INIT;
		assert_int_equal(load_text(*state, bad[i].text, &cfg, &err), BA_EINVAL);
		assert_null(cfg);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("%s: got '%s', want '%s'", bad[i].text, err.msg, bad[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
	assert_int_equal(load_text(*state,
		"execution: {workers: 4, seed: 77, fallback_role: fix}\n"
		"gateway: {max_reply_mb: 2}\n"
		"verification: {inspector: false}\n"
		"generators: {agent_write: true}\n", &cfg, &err), 0);
	assert_int_equal(cfg->execution.workers, 4);
	assert_true(cfg->execution.seed == 77);
	assert_string_equal(cfg->execution.fallback_role, "fix");
	assert_true(cfg->gateway.max_reply_mb == 2);
	assert_int_equal(cfg->verification.inspector, 0);
	assert_int_equal(cfg->verification.repair, 1);
	assert_int_equal(cfg->generators.agent_write, 1);
	/* what the file leaves out has its default */
	assert_int_equal(cfg->gateway.max_retries, 5);
	assert_int_equal(cfg->evaluation.resamples, 1000);
	assert_true(cfg->grounding.w_alignment == 0.45);
	ba_config_free(cfg);
	/* the same defaults with no file */
	cfg = ba_config_default();
	assert_int_equal(cfg->execution.workers, 16);
	assert_string_equal(cfg->execution.fallback_role, "default");
	assert_int_equal(cfg->generators.agent_write, -1);
	ba_config_free(cfg);
}

/* A misspelt key inside a section is warned about with its line. */
static void config__unknown_nested_keys_warn_with_line(void **state)
{
	ba_config *cfg = NULL;
	ba_error err = BA_ERROR_INIT;

	ba_log_clear_sinks();
	ba_log_add_sink(capture, NULL);
	assert_int_equal(load_text(*state,
		"execution:\n"
		"  workers: 2\n"
		"  wokers: 3\n"
		"grounding:\n"
		"  weights: {alignment: 1, coverag: 2}\n"
		"review: {colour: red}\n", &cfg, &err), 0);
	assert_non_null(strstr(warned, ":3: unknown key 'execution.wokers'"));
	assert_non_null(strstr(warned, ":5: unknown key 'grounding.weights.coverag'"));
	assert_non_null(strstr(warned, ":6: unknown key 'review.colour'"));
	assert_null(strstr(warned, "'execution'"));
	assert_int_equal(cfg->execution.workers, 2);
	ba_config_free(cfg);
	ba_log_clear_sinks();
}

/* After `init` (a file exists), OPENAI_API_KEY / OPENAI_BASE_URL still give
 * the "openai" provider, which serves the roles the file leaves open; a
 * provider of that name in the file wins; an explicit default stays. */
static void config__environment_provider_with_a_file(void **state)
{
	ba_config *cfg = NULL;
	ba_error err = BA_ERROR_INIT;
	const ba_provider_cfg *p;
	const char *model;
	char *tpl = ba_path_join(*state, "benchagent.yaml");

	setenv("OPENAI_API_KEY", "sk-test-secret", 1);
	setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1", 1);
	assert_int_equal(ba_config_write_template(tpl, &err), 0);
	assert_int_equal(ba_config_load(&cfg, tpl, 0, &err), 0);
	p = ba_config_provider(cfg, "openai");
	assert_non_null(p);
	assert_true(p->from_env);
	assert_string_equal(p->base_url, "http://127.0.0.1:9/v1");
	assert_int_equal(ba_config_resolve(cfg, "design", &p, &model, &err), 0);
	assert_string_equal(p->name, "openai");
	assert_string_equal(model, "gpt-4o-mini");
	assert_non_null(ba_config_provider(cfg, "mock"));
	ba_config_free(cfg);
	free(tpl);

	assert_int_equal(load_text(*state,
		"providers:\n  - name: openai\n    base_url: http://file.example/v1\n    model: m1\n", &cfg, &err), 0);
	p = ba_config_provider(cfg, "openai");
	assert_string_equal(p->base_url, "http://file.example/v1");
	assert_false(p->from_env);
	ba_config_free(cfg);

	assert_int_equal(load_text(*state, "roles: {default: mock/mock}\n", &cfg, &err), 0);
	assert_int_equal(ba_config_resolve(cfg, "design", &p, &model, &err), 0);
	assert_string_equal(p->name, "mock");
	assert_non_null(ba_config_provider(cfg, "openai"));
	ba_config_free(cfg);

	/* a file with a real provider of its own keeps it as the default */
	assert_int_equal(load_text(*state,
		"providers:\n  - name: local\n    base_url: http://127.0.0.1:8/v1\n    model: q\n", &cfg, &err), 0);
	assert_int_equal(ba_config_resolve(cfg, "design", &p, &model, &err), 0);
	assert_string_equal(p->name, "local");
	ba_config_free(cfg);
	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
}

/* "\u0000" in a query id used to cut it short silently */
static void config__nul_in_query_id_refused(void **state)
{
	ba_error err = BA_ERROR_INIT;
	json_t *q = json_loads("{\"id\": \"abc\\u0000evil\", \"description\": \"arithmetic\", \"target_size\": 5}", JSON_ALLOW_NUL,
			       NULL);

	(void)state;
	assert_non_null(q);
	assert_int_equal(ba_query_validate(q, "q.json", &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "q.json: id: contains a NUL character"));
	json_object_set_new(q, "id", json_string("abc"));
	err = (ba_error)BA_ERROR_INIT;
	assert_int_equal(ba_query_validate(q, "q.json", &err), 0);
	json_object_set_new(q, "description", json_stringn("a\0b", 3));
	assert_int_equal(ba_query_validate(q, "q.json", &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "description: contains a NUL character"));
	json_decref(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(config__missing_file_gives_mock_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(config__openai_env_works_without_file, setup, teardown),
		cmocka_unit_test_setup_teardown(config__full_file_parses, setup, teardown),
		cmocka_unit_test_setup_teardown(config__errors_name_file_line_and_key, setup, teardown),
		cmocka_unit_test_setup_teardown(config__unknown_keys_warn_but_load, setup, teardown),
		cmocka_unit_test_setup_teardown(config__template_loads_and_is_not_overwritten, setup, teardown),
		cmocka_unit_test_setup_teardown(config__sections_are_typed_with_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(config__unknown_nested_keys_warn_with_line, setup, teardown),
		cmocka_unit_test_setup_teardown(config__environment_provider_with_a_file, setup, teardown),
		cmocka_unit_test(config__nul_in_query_id_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
