/*
 * test_llm_http.c - the gateway's real protocols against ba-testserver:
 * OpenAI and Anthropic (plain and streamed), tool calls, embeddings, every
 * injected fault (429 + Retry-After, 500, 503, dropped connection,
 * malformed and truncated bodies, schema-violating content), the cache
 * (a hit is never re-sent: checked with /__stats), budgets, concurrency,
 * and that an API key never reaches errors, logs or the database.
 */
#define _GNU_SOURCE
#include "support.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/log.h"
#include "benchagent/schema.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SERVER BA_BINARY_DIR "/tests/server/ba-testserver"

static pid_t server_pids[64];
static int nserver_pids;

/* A failed assertion leaves the test early: never leave a server behind. */
static void kill_servers(void)
{
	int i;

	for (i = 0; i < nserver_pids && i < 64; i++)
		if (server_pids[i] > 0)
			kill(server_pids[i], SIGTERM);
}

typedef struct {
	char *dir;
	pid_t pid;
	int port;
	ba_config *cfg;
	ba_store *st;
	ba_gateway *gw;
} fixture;

static void start_opts(fixture *f, const char *rules, const char *provider_extra, const char *top_extra,
		       const ba_gateway_options *opts)
{
	char *rpath, *portfile, *yaml, *ypath, *txt;
	ba_error err = BA_ERROR_INIT;
	int i;

	memset(f, 0, sizeof(*f));
	f->dir = bt_tmpdir("llmhttp");
	rpath = bt_write(f->dir, "rules.json", rules);
	if (asprintf(&portfile, "%s/port", f->dir) < 0)
		abort();
	f->pid = fork();
	if (f->pid == 0) {
		/* keep the test's stdout free: a pipe reader must see EOF when we exit */
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		execl(SERVER, SERVER, "--rules", rpath, "--port-file", portfile, (char *)NULL);
		_exit(127);
	}
	server_pids[nserver_pids++ % 64] = f->pid;
	for (i = 0; i < 100 && !(txt = bt_read(portfile)); i++)
		usleep(20000);
	assert_non_null(txt);
	f->port = (int)strtol(txt, NULL, 10);
	free(txt);
	if (asprintf(&yaml,
		     "providers:\n"
		     "  - name: local\n    protocol: openai\n    base_url: http://127.0.0.1:%d/v1\n    model: test-model\n%s"
		     "  - name: claude\n    protocol: anthropic\n    base_url: http://127.0.0.1:%d\n    model: claude-test\n"
		     "roles:\n  default: local/test-model\n"
		     "gateway:\n  retry_base_ms: 10\n  retry_max_ms: 50\n  max_retries: 3\n%s",
		     f->port, provider_extra ? provider_extra : "", f->port, top_extra ? top_extra : "") < 0)
		abort();
	ypath = bt_write(f->dir, "benchagent.yaml", yaml);
	assert_int_equal(ba_config_load(&f->cfg, ypath, 0, &err), 0);
	assert_int_equal(ba_store_open(&f->st, f->dir, &err), 0);
	assert_int_equal(ba_gateway_new(&f->gw, f->cfg, f->st, opts, &err), 0);
	free(rpath);
	free(portfile);
	free(yaml);
	free(ypath);
}

static void start(fixture *f, const char *rules)
{
	start_opts(f, rules, NULL, NULL, NULL);
}

static void stop(fixture *f)
{
	int status;

	ba_gateway_free(f->gw);
	ba_store_close(f->st);
	ba_config_free(f->cfg);
	kill(f->pid, SIGTERM);
	waitpid(f->pid, &status, 0);
	{
		int i;
		for (i = 0; i < 64; i++)
			if (server_pids[i] == f->pid)
				server_pids[i] = 0;
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	bt_rmrf(f->dir);
	free(f->dir);
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
	ba_buf *b = ud;
	ba_buf_append(b, p, s * n);
	return s * n;
}

/* Requests the server has seen (all paths). */
static long server_requests(fixture *f)
{
	CURL *c = curl_easy_init();
	ba_buf b = BA_BUF_INIT(1 << 20);
	char url[128];
	json_t *j;
	json_error_t e;
	long n;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/__stats", f->port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	j = json_loads(ba_buf_cstr(&b), 0, &e);
	assert_non_null(j);
	n = (long)ba_json_int(j, "requests", -1);
	json_decref(j);
	ba_buf_free(&b);
	return n;
}

static json_t *msg(const char *text)
{
	return json_pack("[{s:s, s:s}]", "role", "user", "content", text);
}

static int call(fixture *f, ba_llm_request *req, const char *text, ba_llm_response **out, ba_error *err)
{
	json_t *m = msg(text);
	int rc;

	req->messages = m;
	rc = ba_llm_call(f->gw, req, out, err);
	req->messages = NULL;
	json_decref(m);
	return rc;
}

/* A blocking call that goes through a batch API never sits through the
 * batch: BA_EPENDING until ba_gateway_batch_round() has sent every queued
 * request in one batch (identical ones once); then the same call is
 * answered from the cache, or fails with the error its batch line got. */
static void test_blocking_batch_calls_wait_for_a_round(void **state)
{
	fixture f;
	ba_gateway_options o = BA_GATEWAY_OPTIONS_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_gateway_stats st;
	const char *texts[] = { "first question", "second question", "first question", "a bad one" };
	size_t i;

	(void)state;
	o.batch_api = 1;
	start_opts(&f,
		   "{\"rules\":[{\"when\":{\"body_contains\":\"a bad one\"},\"replies\":[{\"status\":400,\"error\":\"refused here\"}]},"
		   "{\"when\":{\"body_contains\":\"question\"},\"replies\":[{\"content\":\"fine\"}]}],\"batch\":{\"delay_ms\":50}}",
		   NULL, "  batch_window_ms: 20\n  batch_poll_s: 0.05\n", &o);
	req.can_wait = 1;
	for (i = 0; i < 4; i++) {
		assert_int_equal(call(&f, &req, texts[i], &r, &err), BA_EPENDING);
		assert_null(r);
		assert_non_null(strstr(err.msg, "waiting for the next batch round"));
	}
	assert_int_equal(server_requests(&f), 0);
	/* three distinct requests, one batch */
	assert_int_equal(ba_gateway_batch_round(f.gw), 3);
	ba_gateway_stats_get(f.gw, &st);
	assert_int_equal(st.batches, 1);
	assert_int_equal(st.batch_rounds, 1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(call(&f, &req, texts[i], &r, &err), 0);
		assert_string_equal(r->content, "fine");
		assert_true(r->cached);
		ba_llm_response_free(r);
		r = NULL;
	}
	assert_int_equal(call(&f, &req, "a bad one", &r, &err), BA_EHTTP);
	assert_non_null(strstr(err.msg, "refused here"));
	assert_int_equal(ba_gateway_batch_round(f.gw), 0);
	/* a call that cannot wait is sent directly, at once */
	req.can_wait = 0;
	assert_int_equal(call(&f, &req, "third question", &r, &err), 0);
	assert_string_equal(r->content, "fine");
	ba_llm_response_free(r);
	ba_gateway_stats_get(f.gw, &st);
	assert_int_equal(st.batches, 1);
	stop(&f);
}

static void test_openai_text_and_cache(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_gateway_stats st;

	(void)state;
	start(&f, "{\"rules\":[{\"when\":{\"model\":\"test-model\"},\"replies\":[{\"content\":\"Paris\","
		  "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}]}]}");
	req.temperature = 0.2;
	req.max_tokens = 20;
	req.seed = 7;
	assert_int_equal(call(&f, &req, "capital of France?", &r, &err), 0);
	assert_string_equal(r->content, "Paris");
	assert_int_equal(r->prompt_tokens, 12);
	assert_int_equal(r->completion_tokens, 3);
	assert_int_equal(r->cached, 0);
	assert_int_equal(r->mock, 0);
	assert_string_equal(r->provider, "local");
	assert_string_equal(r->model, "test-model");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 1);
	/* the same request again: from the cache, not sent */
	assert_int_equal(call(&f, &req, "capital of France?", &r, &err), 0);
	assert_string_equal(r->content, "Paris");
	assert_int_equal(r->cached, 1);
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 1);
	/* no_cache sends again */
	req.no_cache = 1;
	assert_int_equal(call(&f, &req, "capital of France?", &r, &err), 0);
	assert_int_equal(r->cached, 0);
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 2);
	ba_gateway_stats_get(f.gw, &st);
	assert_int_equal(st.calls, 3);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.cached, 1);
	stop(&f);
}

static void test_streaming_and_tools(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	json_error_t je;
	json_t *tools = json_loads("[{\"type\":\"function\",\"function\":{\"name\":\"finish\",\"parameters\":{\"type\":\"object\","
				   "\"required\":[\"rationale\"],\"properties\":{\"rationale\":{\"type\":\"string\"}}}}}]", 0, &je);

	(void)state;
	start(&f, "{\"rules\":[{\"when\":{\"tool\":\"finish\"},\"replies\":[{\"tool_calls\":[{\"name\":\"finish\","
		  "\"arguments\":{\"rationale\":\"all covered\"}}]}]}],"
		  "\"default\":{\"content\":\"a streamed reply of some length\"}}");
	req.stream = 1;
	assert_int_equal(call(&f, &req, "stream please", &r, &err), 0);
	assert_string_equal(r->content, "a streamed reply of some length");
	assert_string_equal(r->finish_reason, "stop");
	assert_true(r->prompt_tokens > 0);
	ba_llm_response_free(r);
	req.tools = tools;
	req.tool_choice = "required";
	assert_int_equal(call(&f, &req, "finish now", &r, &err), 0);
	assert_int_equal(json_array_size(r->tool_calls), 1);
	assert_string_equal(ba_json_str(json_array_get(r->tool_calls, 0), "name", ""), "finish");
	assert_string_equal(ba_json_str(json_object_get(json_array_get(r->tool_calls, 0), "arguments"), "rationale", ""),
			    "all covered");
	ba_llm_response_free(r);
	/* not streamed */
	req.stream = 0;
	assert_int_equal(call(&f, &req, "finish now, plainly", &r, &err), 0);
	assert_string_equal(ba_json_str(json_object_get(json_array_get(r->tool_calls, 0), "arguments"), "rationale", ""),
			    "all covered");
	ba_llm_response_free(r);
	/* Anthropic, plain and streamed, text and tool_use */
	req.provider = "claude";
	assert_int_equal(call(&f, &req, "finish via claude", &r, &err), 0);
	assert_string_equal(r->provider, "claude");
	assert_string_equal(ba_json_str(json_array_get(r->tool_calls, 0), "name", ""), "finish");
	assert_string_equal(r->finish_reason, "tool_calls");
	ba_llm_response_free(r);
	req.stream = 1;
	assert_int_equal(call(&f, &req, "finish via claude streamed", &r, &err), 0);
	assert_string_equal(ba_json_str(json_object_get(json_array_get(r->tool_calls, 0), "arguments"), "rationale", ""),
			    "all covered");
	ba_llm_response_free(r);
	req.tools = NULL;
	req.tool_choice = NULL;
	assert_int_equal(call(&f, &req, "hello claude", &r, &err), 0);
	assert_string_equal(r->content, "a streamed reply of some length");
	assert_string_equal(r->finish_reason, "stop");
	ba_llm_response_free(r);
	req.stream = 0;
	assert_int_equal(call(&f, &req, "hello claude plain", &r, &err), 0);
	assert_string_equal(r->content, "a streamed reply of some length");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 7);
	json_decref(tools);
	stop(&f);
}

static void test_faults_are_retried(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_gateway_stats st;
	double t0;

	(void)state;
	start(&f, "{\"rules\":["
		  "{\"when\":{\"body_contains\":\"f429\"},\"replies\":[{\"status\":429,\"retry_after\":1,\"error\":\"slow down\"},{\"content\":\"ok429\"}]},"
		  "{\"when\":{\"body_contains\":\"f5xx\"},\"replies\":[{\"status\":500},{\"status\":503},{\"content\":\"ok5xx\"}]},"
		  "{\"when\":{\"body_contains\":\"fdrop\"},\"replies\":[{\"content\":\"a reply long enough to be cut in half\",\"fault\":\"drop\"},{\"content\":\"okdrop\"}]},"
		  "{\"when\":{\"body_contains\":\"fmal\"},\"replies\":[{\"fault\":\"malformed\"},{\"content\":\"okmal\"}]},"
		  "{\"when\":{\"body_contains\":\"ftrunc\"},\"replies\":[{\"content\":\"x\",\"fault\":\"truncate\"},{\"content\":\"oktrunc\"}]},"
		  "{\"when\":{\"body_contains\":\"fstrunc\"},\"replies\":[{\"content\":\"streamed and cut\",\"fault\":\"truncate\"},{\"content\":\"okstrunc\"}]},"
		  "{\"when\":{\"body_contains\":\"fslow\"},\"replies\":[{\"content\":\"okslow\",\"delay_ms\":300}]},"
		  "{\"when\":{\"body_contains\":\"f400\"},\"replies\":[{\"status\":400,\"error\":\"model does not exist\"}]},"
		  "{\"when\":{\"body_contains\":\"falways\"},\"replies\":[{\"status\":502,\"error\":\"bad gateway\"}]}"
		  "]}");
	t0 = ba_now();
	assert_int_equal(call(&f, &req, "f429", &r, &err), 0);
	assert_true(ba_now() - t0 >= 0.95); /* Retry-After: 1 honoured */
	assert_string_equal(r->content, "ok429");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 2);
	assert_int_equal(call(&f, &req, "f5xx", &r, &err), 0);
	assert_string_equal(r->content, "ok5xx");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 5);
	assert_int_equal(call(&f, &req, "fdrop", &r, &err), 0);
	assert_string_equal(r->content, "okdrop");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 7);
	assert_int_equal(call(&f, &req, "fmal", &r, &err), 0);
	assert_string_equal(r->content, "okmal");
	ba_llm_response_free(r);
	assert_int_equal(call(&f, &req, "ftrunc", &r, &err), 0);
	assert_string_equal(r->content, "oktrunc");
	ba_llm_response_free(r);
	req.stream = 1;
	assert_int_equal(call(&f, &req, "fstrunc", &r, &err), 0);
	assert_string_equal(r->content, "okstrunc");
	ba_llm_response_free(r);
	req.stream = 0;
	assert_int_equal(server_requests(&f), 13);
	assert_int_equal(call(&f, &req, "fslow", &r, &err), 0);
	assert_string_equal(r->content, "okslow");
	assert_true(r->latency_ms >= 290);
	ba_llm_response_free(r);
	/* non-retryable: fails at once with the server's message */
	assert_int_equal(call(&f, &req, "f400", &r, &err), BA_EHTTP);
	assert_null(r);
	assert_non_null(strstr(err.msg, "HTTP 400"));
	assert_non_null(strstr(err.msg, "model does not exist"));
	assert_int_equal(server_requests(&f), 15);
	/* always failing: max_retries (3) retries, then a clear failure */
	assert_int_equal(call(&f, &req, "falways", &r, &err), BA_EHTTP);
	assert_non_null(strstr(err.msg, "HTTP 502"));
	assert_non_null(strstr(err.msg, "bad gateway"));
	assert_non_null(strstr(err.msg, "gave up after 4 attempts"));
	assert_int_equal(server_requests(&f), 19);
	ba_gateway_stats_get(f.gw, &st);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.calls, 7);
	/* failures are not cached: asking again sends again */
	assert_int_equal(call(&f, &req, "f400", &r, &err), BA_EHTTP);
	assert_int_equal(server_requests(&f), 20);
	stop(&f);
}

static void test_schema_reask(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	json_error_t je;
	json_t *schema = json_loads("{\"type\":\"object\",\"required\":[\"answer\"],\"properties\":{\"answer\":"
				    "{\"enum\":[\"A\",\"B\",\"C\",\"D\"]}}}", 0, &je);

	(void)state;
	start(&f, "{\"rules\":["
		  "{\"when\":{\"body_contains\":\"rejected: $.answer\"},\"replies\":[{\"json\":{\"answer\":\"B\"}}]},"
		  "{\"when\":{\"body_contains\":\"fixable\"},\"replies\":[{\"content\":\"```json\\n{\\\"answer\\\": \\\"E\\\"}\\n```\"}]},"
		  "{\"when\":{\"body_contains\":\"hopeless\"},\"replies\":[{\"content\":\"I refuse to answer in JSON\"}]},"
		  "{\"when\":{\"body_contains\":\"fenced\"},\"replies\":[{\"content\":\"Sure:\\n```json\\n{\\\"answer\\\": \\\"C\\\"}\\n```\"}]}"
		  "]}");
	req.schema = schema;
	assert_int_equal(call(&f, &req, "fixable question", &r, &err), 0);
	assert_string_equal(ba_json_str(r->json, "answer", ""), "B");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 2);
	/* the validated reply is cached under the original request */
	assert_int_equal(call(&f, &req, "fixable question", &r, &err), 0);
	assert_int_equal(r->cached, 1);
	assert_string_equal(ba_json_str(r->json, "answer", ""), "B");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 2);
	/* prose around fenced JSON is tolerated */
	assert_int_equal(call(&f, &req, "fenced", &r, &err), 0);
	assert_string_equal(ba_json_str(r->json, "answer", ""), "C");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 3);
	/* never valid: 1 + max_schema_retries requests, then BA_ESCHEMA */
	req.max_schema_retries = 2;
	assert_int_equal(call(&f, &req, "hopeless", &r, &err), BA_ESCHEMA);
	assert_non_null(strstr(err.msg, "failed validation after 3 attempts"));
	assert_non_null(strstr(err.msg, "not valid JSON"));
	assert_int_equal(server_requests(&f), 6);
	json_decref(schema);
	stop(&f);
}

static void test_embeddings(void **state)
{
	fixture f;
	ba_error err = BA_ERROR_INIT;
	const char *texts[] = { "one", "two", "one" };
	float *v = NULL;
	size_t dim = 0, k;

	(void)state;
	start(&f, "{\"rules\":[]}");
	assert_int_equal(ba_llm_embed(f.gw, "embedding", texts, 3, &v, &dim, &err), 0);
	assert_int_equal(dim, 16);
	for (k = 0; k < dim; k++)
		assert_true(v[k] == v[2 * dim + k]);
	free(v);
	assert_int_equal(server_requests(&f), 1);
	/* cached */
	assert_int_equal(ba_llm_embed(f.gw, "embedding", texts, 3, &v, &dim, &err), 0);
	free(v);
	assert_int_equal(server_requests(&f), 1);
	/* many texts go in chunks of 256, in order */
	{
		const char *many[600];
		char buf[600][16];
		float *one = NULL;
		size_t d1 = 0, i;
		for (i = 0; i < 600; i++) {
			snprintf(buf[i], sizeof(buf[i]), "text %zu", i);
			many[i] = buf[i];
		}
		assert_int_equal(ba_llm_embed(f.gw, "embedding", many, 600, &v, &dim, &err), 0);
		assert_int_equal(server_requests(&f), 4);
		assert_int_equal(ba_llm_embed(f.gw, "embedding", many + 517, 1, &one, &d1, &err), 0);
		assert_int_equal(d1, dim);
		for (i = 0; i < dim; i++)
			assert_true(one[i] == v[517 * dim + i]);
		free(one);
		free(v);
	}
	stop(&f);
}

static char logbuf[65536];
static size_t loglen;
static pthread_mutex_t logmu = PTHREAD_MUTEX_INITIALIZER;

static void capture_sink(void *ud, ba_log_level lvl, const char *module, const char *m)
{
	(void)ud; (void)lvl; (void)module;
	pthread_mutex_lock(&logmu);
	loglen += (size_t)snprintf(logbuf + loglen, loglen < sizeof(logbuf) ? sizeof(logbuf) - loglen : 0, "%s\n", m);
	if (loglen > sizeof(logbuf))
		loglen = sizeof(logbuf);
	pthread_mutex_unlock(&logmu);
}

static int file_contains(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n, nl = strlen(needle), i;
	int found = 0;

	if (!fp)
		return 0;
	buf = malloc(64 << 20);
	n = fread(buf, 1, 64 << 20, fp);
	fclose(fp);
	for (i = 0; i + nl <= n && !found; i++)
		if (!memcmp(buf + i, needle, nl))
			found = 1;
	free(buf);
	return found;
}

static void test_api_key_never_leaks(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	const char *key = "sk-test-SECRET-0123456789abcdef";
	char *db, *wal;

	(void)state;
	setenv("BA_TEST_KEY", key, 1);
	ba_log_set_level(BA_LOG_DEBUG);
	ba_log_add_sink(capture_sink, NULL);
	start_opts(&f,
		   "{\"rules\":[{\"when\":{\"body_contains\":\"deny\"},\"replies\":[{\"status\":401,\"echo_auth\":true,\"error\":\"bad key\"}]},"
		   "{\"when\":{\"body_contains\":\"flaky\"},\"replies\":[{\"status\":500,\"echo_auth\":true,\"error\":\"oops\"},{\"content\":\"fine\"}]}],"
		   "\"default\":{\"content\":\"welcome\"}}",
		   "    api_key_env: BA_TEST_KEY\n", NULL, NULL);
	assert_int_equal(call(&f, &req, "hello", &r, &err), 0);
	assert_string_equal(r->content, "welcome");
	ba_llm_response_free(r);
	assert_int_equal(call(&f, &req, "flaky", &r, &err), 0);
	ba_llm_response_free(r);
	assert_int_equal(call(&f, &req, "deny", &r, &err), BA_EHTTP);
	assert_non_null(strstr(err.msg, "bad key"));
	assert_non_null(strstr(err.msg, "Bearer ****")); /* the echo arrived, redacted */
	assert_null(strstr(err.msg, key));
	assert_null(strstr(err.msg, "SECRET"));
	/* a missing variable is a clear error, not an unauthenticated call */
	unsetenv("BA_TEST_KEY");
	assert_int_equal(call(&f, &req, "another", &r, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "BA_TEST_KEY"));
	setenv("BA_TEST_KEY", key, 1);
	stop(&f);
	/* (stop() removed the workspace: check a second one kept open) */
	start_opts(&f, "{\"rules\":[{\"when\":{\"body_contains\":\"deny\"},\"replies\":[{\"status\":401,\"echo_auth\":true,\"error\":\"bad key\"}]}],"
		   "\"default\":{\"content\":\"welcome\"}}",
		   "    api_key_env: BA_TEST_KEY\n", NULL, NULL);
	assert_int_equal(call(&f, &req, "hello", &r, &err), 0);
	ba_llm_response_free(r);
	assert_int_equal(call(&f, &req, "deny", &r, &err), BA_EHTTP);
	ba_gateway_free(f.gw);
	f.gw = NULL;
	ba_store_close(f.st);
	f.st = NULL;
	db = ba_path_join(f.dir, ".benchagent/state.db");
	wal = ba_path_join(f.dir, ".benchagent/state.db-wal");
	assert_true(file_contains(db, "welcome") || file_contains(wal, "welcome"));
	assert_false(file_contains(db, "SECRET"));
	assert_false(file_contains(wal, "SECRET"));
	free(db);
	free(wal);
	pthread_mutex_lock(&logmu);
	assert_null(strstr(logbuf, "SECRET"));
	pthread_mutex_unlock(&logmu);
	ba_log_clear_sinks();
	ba_log_set_level(BA_LOG_INFO);
	stop(&f);
	unsetenv("BA_TEST_KEY");
}

static void test_budget_stops_new_calls(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_gateway_options o = BA_GATEWAY_OPTIONS_INIT;
	ba_gateway_stats st;

	(void)state;
	o.budget_usd = 0.5;
	o.run_id = 3;
	/* 1000 prompt tokens at $1000/M = $1 per call */
	start_opts(&f, "{\"default\":{\"content\":\"pricey\",\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":0}}}",
		   "    price_input: 1000\n", NULL, &o);
	assert_int_equal(call(&f, &req, "first", &r, &err), 0);
	assert_true(r->cost_usd > 0.99 && r->cost_usd < 1.01);
	ba_llm_response_free(r);
	assert_int_equal(call(&f, &req, "second", &r, &err), BA_EBUDGET);
	assert_non_null(strstr(err.msg, "budget exhausted"));
	assert_non_null(strstr(err.msg, "run 3"));
	assert_int_equal(server_requests(&f), 1);
	/* cached replies are still served */
	assert_int_equal(call(&f, &req, "first", &r, &err), 0);
	assert_int_equal(r->cached, 1);
	ba_llm_response_free(r);
	ba_gateway_stats_get(f.gw, &st);
	assert_int_equal(st.budget_exhausted, 1);
	assert_true(st.saved_usd > 0.99);
	/* a new gateway on the same workspace remembers the run's spend */
	ba_gateway_free(f.gw);
	assert_int_equal(ba_gateway_new(&f.gw, f.cfg, f.st, &o, &err), 0);
	assert_int_equal(call(&f, &req, "third", &r, &err), BA_EBUDGET);
	assert_int_equal(server_requests(&f), 1);
	stop(&f);
}

static void test_workspace_and_token_budgets(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_gateway_options o = BA_GATEWAY_OPTIONS_INIT;

	(void)state;
	/* workspace cap: spend of every run counts */
	o.run_id = 1;
	start_opts(&f, "{\"default\":{\"content\":\"pricey\",\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":0}}}",
		   "    price_input: 1000\n", "budget:\n  workspace_usd: 1.5\n", &o);
	assert_int_equal(call(&f, &req, "one", &r, &err), 0);
	ba_llm_response_free(r);
	req.run_id = 2;
	assert_int_equal(call(&f, &req, "two", &r, &err), 0);
	ba_llm_response_free(r);
	req.run_id = 3;
	assert_int_equal(call(&f, &req, "three", &r, &err), BA_EBUDGET);
	assert_non_null(strstr(err.msg, "workspace"));
	assert_non_null(strstr(err.msg, "budget.workspace_usd"));
	assert_int_equal(server_requests(&f), 2);
	stop(&f);

	/* token cap per run */
	req.run_id = 0;
	start_opts(&f, "{\"default\":{\"content\":\"long\",\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":300}}}",
		   NULL, "budget:\n  tokens: 1000\n", NULL);
	assert_int_equal(call(&f, &req, "a", &r, &err), 0);
	ba_llm_response_free(r);
	assert_int_equal(call(&f, &req, "b", &r, &err), 0); /* 600 < 1000 before it started */
	ba_llm_response_free(r);
	assert_int_equal(call(&f, &req, "c", &r, &err), BA_EBUDGET);
	assert_non_null(strstr(err.msg, "1200 of its 1000 tokens"));
	assert_int_equal(server_requests(&f), 2);
	stop(&f);
}

static void test_examinee_replies(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;
	int i, strong_right = 0, weak_right = 0, mid_right = 0, model;
	char *key;

	(void)state;
	start(&f, "{\"rules\":[{\"when\":{\"model\":\"strong\"},\"replies\":[{\"examinee\":{\"skill\":1.0,\"key\":\"key.json\"}}]},"
		  "{\"when\":{\"model\":\"weak\"},\"replies\":[{\"examinee\":{\"skill\":0.0,\"key\":\"key.json\"}}]}],"
		  "\"default\":{\"examinee\":{\"skill\":0.5,\"key\":\"key.json\"}}}");
	key = bt_write(f.dir, "key.json", "{\"items\":[{\"match\":\"capital of France\",\"answer\":\"B\",\"wrong\":\"C\"},"
				   "{\"match\":\"largest planet\",\"answer\":\"D\"}]}");
	free(key);
	req.no_cache = 1;
	for (model = 0; model < 3; model++) {
		req.model = model == 0 ? "strong" : model == 1 ? "weak" : "mid";
		for (i = 0; i < 40; i++) {
			char q[128];
			snprintf(q, sizeof(q), "Q%d: What is the capital of France? A) Rome B) Paris C) Lyon D) Nice", i);
			assert_int_equal(call(&f, &req, q, &r, &err), 0);
			if (!strcmp(r->content, "Answer: B"))
				(*(model == 0 ? &strong_right : model == 1 ? &weak_right : &mid_right))++;
			else
				assert_string_equal(r->content, "Answer: C");
			ba_llm_response_free(r);
		}
	}
	assert_int_equal(strong_right, 40);
	assert_int_equal(weak_right, 0);
	assert_true(mid_right > 8 && mid_right < 32);
	/* deterministic: the same model and question give the same answer */
	req.model = "mid";
	assert_int_equal(call(&f, &req, "Q7: What is the capital of France? A) Rome B) Paris C) Lyon D) Nice", &r, &err), 0);
	{
		char *first = strdup(r->content);
		ba_llm_response_free(r);
		assert_int_equal(call(&f, &req, "Q7: What is the capital of France? A) Rome B) Paris C) Lyon D) Nice", &r, &err), 0);
		assert_string_equal(first, r->content);
		free(first);
		ba_llm_response_free(r);
	}
	/* no "wrong" given: another letter; unmatched: I do not know */
	req.model = "weak";
	assert_int_equal(call(&f, &req, "Which is the largest planet?", &r, &err), 0);
	assert_true(!strncmp(r->content, "Answer: ", 8) && strcmp(r->content, "Answer: D"));
	ba_llm_response_free(r);
	assert_int_equal(call(&f, &req, "Something unrelated", &r, &err), 0);
	assert_string_equal(r->content, "I do not know.");
	ba_llm_response_free(r);
	stop(&f);
}

typedef struct {
	pthread_mutex_t mu;
	int ok, failed;
} counter;

static void count_done(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	counter *c = ud;
	(void)errmsg;
	pthread_mutex_lock(&c->mu);
	if (rc == 0)
		c->ok++;
	else
		c->failed++;
	pthread_mutex_unlock(&c->mu);
	ba_llm_response_free(resp);
}

static void test_concurrency_limit(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_error err = BA_ERROR_INIT;
	counter c = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };
	double t0, wall;
	int i;

	(void)state;
	/* 40 requests of 100 ms, at most 10 in flight: about 4 rounds */
	start_opts(&f, "{\"default\":{\"content\":\"slow\",\"delay_ms\":100}}", "    max_concurrency: 10\n", NULL, NULL);
	t0 = ba_now();
	for (i = 0; i < 40; i++) {
		char text[32];
		json_t *m;
		snprintf(text, sizeof(text), "q%d", i);
		m = msg(text);
		req.messages = m;
		assert_int_equal(ba_llm_submit(f.gw, &req, count_done, &c, &err), 0);
		json_decref(m);
	}
	ba_gateway_wait(f.gw);
	wall = ba_now() - t0;
	assert_int_equal(c.ok, 40);
	assert_true(wall >= 0.39);
	assert_true(wall < 2.0);
	assert_int_equal(server_requests(&f), 40);
	stop(&f);
}

static void test_token_rate_limit(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_error err = BA_ERROR_INIT;
	counter c = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };
	double t0, wall;
	int i;

	(void)state;
	/* 6000 tokens/min: a bucket of 1000, refilled at 100/s; each request
	 * needs ~105 (prompt estimate + max_tokens 100): 9 at once, then ~1/s */
	start_opts(&f, "{\"default\":{\"content\":\"x\"}}", "    tokens_per_minute: 6000\n", NULL, NULL);
	req.max_tokens = 100;
	t0 = ba_now();
	for (i = 0; i < 12; i++) {
		char text[32];
		json_t *m;
		snprintf(text, sizeof(text), "t%d", i);
		m = msg(text);
		req.messages = m;
		assert_int_equal(ba_llm_submit(f.gw, &req, count_done, &c, &err), 0);
		json_decref(m);
	}
	ba_gateway_wait(f.gw);
	wall = ba_now() - t0;
	assert_int_equal(c.ok, 12);
	assert_true(wall >= 2.0);
	assert_true(wall < 6.0);
	stop(&f);
}

static void test_identical_inflight_requests_sent_once(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_error err = BA_ERROR_INIT;
	counter c = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };
	ba_gateway_stats st;
	json_t *m = msg("the same question");
	int i;

	(void)state;
	start(&f, "{\"default\":{\"content\":\"shared\",\"delay_ms\":200,\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1}}}");
	req.messages = m;
	for (i = 0; i < 10; i++)
		assert_int_equal(ba_llm_submit(f.gw, &req, count_done, &c, &err), 0);
	ba_gateway_wait(f.gw);
	assert_int_equal(c.ok, 10);
	assert_int_equal(server_requests(&f), 1);
	ba_gateway_stats_get(f.gw, &st);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.cached, 9);
	/* a deliberate repeat (sample_index) is a different request */
	req.sample_index = 1;
	assert_int_equal(ba_llm_submit(f.gw, &req, count_done, &c, &err), 0);
	req.sample_index = 0;
	req.no_cache = 1; /* explicitly fresh: sent even though cached */
	assert_int_equal(ba_llm_submit(f.gw, &req, count_done, &c, &err), 0);
	ba_gateway_wait(f.gw);
	assert_int_equal(c.ok, 12);
	assert_int_equal(server_requests(&f), 3);
	json_decref(m);
	stop(&f);
}

static void test_rate_limit(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_error err = BA_ERROR_INIT;
	counter c = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };
	double t0, wall;
	int i;

	(void)state;
	/* 120 requests/min: a burst of 20, then 2 per second */
	start_opts(&f, "{\"default\":{\"content\":\"x\"}}", "    requests_per_minute: 120\n", NULL, NULL);
	t0 = ba_now();
	for (i = 0; i < 23; i++) {
		char text[32];
		json_t *m;
		snprintf(text, sizeof(text), "r%d", i);
		m = msg(text);
		req.messages = m;
		assert_int_equal(ba_llm_submit(f.gw, &req, count_done, &c, &err), 0);
		json_decref(m);
	}
	ba_gateway_wait(f.gw);
	wall = ba_now() - t0;
	assert_int_equal(c.ok, 23);
	assert_true(wall >= 1.4);
	assert_true(wall < 4.0);
	stop(&f);
}

static void test_timeout_is_retried(void **state)
{
	fixture f;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *r = NULL;
	ba_error err = BA_ERROR_INIT;

	(void)state;
	start_opts(&f, "{\"rules\":[{\"when\":{\"body_contains\":\"slowpoke\"},\"replies\":[{\"content\":\"late\",\"delay_ms\":1500},"
		   "{\"content\":\"on time\"}]},{\"when\":{\"body_contains\":\"always slow\"},\"replies\":[{\"content\":\"x\",\"delay_ms\":1500}]}]}",
		   "    timeout: 0.3\n", NULL, NULL);
	assert_int_equal(call(&f, &req, "slowpoke", &r, &err), 0);
	assert_string_equal(r->content, "on time");
	ba_llm_response_free(r);
	assert_int_equal(server_requests(&f), 2);
	assert_int_equal(call(&f, &req, "always slow", &r, &err), BA_EHTTP);
	assert_non_null(strstr(err.msg, "imeout"));
	assert_non_null(strstr(err.msg, "gave up after 4 attempts"));
	assert_int_equal(server_requests(&f), 6);
	stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openai_text_and_cache),
		cmocka_unit_test(test_streaming_and_tools),
		cmocka_unit_test(test_faults_are_retried),
		cmocka_unit_test(test_schema_reask),
		cmocka_unit_test(test_embeddings),
		cmocka_unit_test(test_api_key_never_leaks),
		cmocka_unit_test(test_budget_stops_new_calls),
		cmocka_unit_test(test_workspace_and_token_budgets),
		cmocka_unit_test(test_examinee_replies),
		cmocka_unit_test(test_concurrency_limit),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_identical_inflight_requests_sent_once),
		cmocka_unit_test(test_blocking_batch_calls_wait_for_a_round),
		cmocka_unit_test(test_token_rate_limit),
		cmocka_unit_test(test_timeout_is_retried),
	};
	signal(SIGPIPE, SIG_IGN);
	atexit(kill_servers);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
