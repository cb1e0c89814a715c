/*
 * cmd_batch.c - `benchagent batch IN.jsonl -o OUT.jsonl`: OpenAI batch input
 * lines run concurrently through the gateway against any provider; one
 * output line per custom_id in the OpenAI batch output shape.
 *
 * Resumable: completed custom_ids already in OUT are not sent again (and
 * the gateway's cache holds any reply that was stored but not yet written
 * when the process died). A partial last line or an error line in OUT is
 * dropped and redone.
 */
#include "cli.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int exec_batch(ba_cli *cli, int argc, char **argv);

const ba_command ba_cmd_batch = {
	.name = "batch",
	.summary = "Run an OpenAI batch input file (JSONL) through the gateway, resumably.",
	.usage = "benchagent batch IN.jsonl -o OUT.jsonl [--model PROVIDER/MODEL] [--window N]",
	.help = "Each input line is {\"custom_id\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {...}}.\n"
		"Lines run concurrently (the provider's max_concurrency) and each gives one output line\n"
		"{\"id\", \"custom_id\", \"response\": {\"status_code\", \"request_id\", \"body\"}, \"error\"}\n"
		"in completion order (join on custom_id). Rerunning after a crash skips completed lines.\n"
		"Options:\n"
		"  --model P/M   send every line to this provider/model (default: the body's model on\n"
		"                the provider of role 'default', or --provider)\n"
		"  --window N    most lines held in memory at once (default 4096)\n"
		"Exit status 1 when some lines failed (their error lines say why; rerun to retry them).\n",
	.exec = exec_batch,
};

typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	FILE *out;
	long outstanding, window;
	long ok, failed;
	ba_progress *prog;
	struct line_ud *dq_head, *dq_tail;  /* completed, not yet written */
	int write_error;
	char first_error[512];
} batch_ctx;

typedef struct line_ud {
	batch_ctx *ctx;
	char *custom_id;
	/* filled on completion, formatted by the main thread */
	int rc;
	ba_llm_response *resp;
	char *errmsg;
	struct line_ud *next;
} line_ud;

/* ---- resuming: completed custom_ids from an existing OUT file ---- */

typedef struct {
	char **slots;   /* open addressing, NULL = empty */
	size_t n, cap;  /* cap is a power of two */
} idset;

static uint64_t id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int id_has(const idset *s, const char *id)
{
	size_t i;

	if (!s->cap)
		return 0;
	for (i = id_hash(id) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->slots[i], id))
			return 1;
	return 0;
}

static void id_put(idset *s, char *owned)
{
	size_t i;

	for (i = id_hash(owned) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
		;
	s->slots[i] = owned;
	s->n++;
}

static void id_add(idset *s, const char *id)
{
	if ((s->n + 1) * 2 > s->cap) {
		idset bigger = { NULL, 0, s->cap ? s->cap * 2 : 64 };
		size_t i;
		bigger.slots = ba_calloc(bigger.cap, sizeof(char *));
		for (i = 0; i < s->cap; i++)
			if (s->slots[i])
				id_put(&bigger, s->slots[i]);
		free(s->slots);
		*s = bigger;
	}
	id_put(s, ba_strdup(id));
}

static void id_free(idset *s)
{
	size_t i;
	for (i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	s->slots = NULL;
	s->n = s->cap = 0;
}

/* Keep only complete, successful lines of OUT (rewritten atomically). */
static int load_done(const char *path, idset *done, ba_error *err)
{
	ba_buf in = BA_BUF_INIT((size_t)4 << 30), keep = BA_BUF_INIT((size_t)4 << 30);
	char *p, *nl;
	int rc = 0;

	if (!ba_fs_exists(path))
		return 0;
	if ((rc = ba_fs_read(path, &in, err)) != 0)
		return rc;
	for (p = in.ptr; p && *p; p = nl + 1) {
		json_t *j;
		json_error_t e;
		nl = strchr(p, '\n');
		if (!nl)
			break; /* a partial last line from a crash: redo it */
		j = json_loadb(p, (size_t)(nl - p), 0, &e);
		if (json_is_object(j) && json_is_string(json_object_get(j, "custom_id")) &&
		    json_is_null(json_object_get(j, "error")) &&
		    !id_has(done, json_string_value(json_object_get(j, "custom_id")))) {
			id_add(done, json_string_value(json_object_get(j, "custom_id")));
			ba_buf_append(&keep, p, (size_t)(nl - p + 1));
		}
		json_decref(j);
	}
	rc = ba_fs_write_atomic(path, ba_buf_cstr(&keep), keep.len, err);
	ba_buf_free(&in);
	ba_buf_free(&keep);
	return rc;
}

/* ---- request conversion ---- */

typedef struct {
	ba_llm_request req;
	json_t *schema;
	char *provider, *model, *schema_name, *tool_choice;
} conv;

static void conv_clear(conv *c)
{
	json_decref(c->schema);
	free(c->provider);
	free(c->model);
	free(c->schema_name);
	free(c->tool_choice);
}

static int convert(const ba_config *cfg, const json_t *line, const ba_model_ref *force, conv *c,
		   ba_error *err)
{
	const json_t *body = json_object_get(line, "body"), *rf, *tc, *v;
	const char *url = ba_json_str(line, "url", ""), *model;

	memset(c, 0, sizeof(*c));
	c->req = (ba_llm_request)BA_LLM_REQUEST_INIT;
	if (!strstr(url, "/chat/completions"))
		return ba_error_set(err, BA_EINVAL, "url '%s' is not supported (only /v1/chat/completions)", url);
	if (strcmp(ba_json_str(line, "method", "POST"), "POST"))
		return ba_error_set(err, BA_EINVAL, "method must be POST");
	if (!json_is_object(body))
		return ba_error_set(err, BA_EINVAL, "body must be an object");
	if (!json_is_array(json_object_get(body, "messages")) || !json_array_size(json_object_get(body, "messages")))
		return ba_error_set(err, BA_EINVAL, "body.messages must be a non-empty array");
	c->req.role = "batch";
	c->req.messages = json_object_get(body, "messages");
	model = ba_json_str(body, "model", NULL);
	if (force) {
		c->provider = ba_strdup(force->provider);
		c->model = ba_strdup(force->model ? force->model : model);
	} else if (model) {
		/* "provider/model" naming a configured provider picks it */
		const char *slash = strchr(model, '/');
		char *prov = slash ? ba_strndup(model, (size_t)(slash - model)) : NULL;
		if (prov && ba_config_provider(cfg, prov)) {
			c->provider = prov;
			c->model = ba_strdup(slash + 1);
		} else {
			free(prov);
			c->model = ba_strdup(model);
		}
	}
	c->req.provider = c->provider;
	c->req.model = c->model;
	if ((v = json_object_get(body, "temperature")) && json_is_number(v))
		c->req.temperature = json_number_value(v);
	if ((v = json_object_get(body, "top_p")) && json_is_number(v))
		c->req.top_p = json_number_value(v);
	if ((v = json_object_get(body, "max_tokens")) && json_is_integer(v))
		c->req.max_tokens = (int)json_integer_value(v);
	if ((v = json_object_get(body, "max_completion_tokens")) && json_is_integer(v))
		c->req.max_tokens = (int)json_integer_value(v);
	if ((v = json_object_get(body, "seed")) && json_is_integer(v))
		c->req.seed = json_integer_value(v);
	if ((v = json_object_get(body, "n")) && json_is_integer(v))
		c->req.n = (int)json_integer_value(v);
	if ((v = json_object_get(body, "stop")) && (json_is_string(v) || json_is_array(v)))
		c->req.stop = v;
	if ((v = json_object_get(body, "tools")) && json_is_array(v))
		c->req.tools = v;
	tc = json_object_get(body, "tool_choice");
	if (json_is_string(tc))
		c->tool_choice = ba_strdup(json_string_value(tc));
	else if (json_is_object(tc) && ba_json_str(json_object_get(tc, "function"), "name", NULL))
		c->tool_choice = ba_strdup(ba_json_str(json_object_get(tc, "function"), "name", NULL));
	c->req.tool_choice = c->tool_choice;
	rf = json_object_get(body, "response_format");
	if (!strcmp(ba_json_str(rf, "type", ""), "json_object"))
		c->req.json_mode = 1;
	else if (!strcmp(ba_json_str(rf, "type", ""), "json_schema")) {
		const json_t *js = json_object_get(rf, "json_schema");
		if (!json_is_object(json_object_get(js, "schema")))
			return ba_error_set(err, BA_EINVAL, "response_format.json_schema.schema must be an object");
		c->schema = json_incref(json_object_get(js, "schema"));
		c->schema_name = ba_strdup(ba_json_str(js, "name", "reply"));
		c->req.schema = c->schema;
		c->req.schema_name = c->schema_name;
	}
	return 0;
}

/* ---- output ---- */

static json_t *openai_body(const ba_llm_response *r)
{
	json_t *msg = json_pack("{s:s, s:s?}", "role", "assistant", "content", r->content);
	json_t *choices = json_array(), *tcs, *tc;
	size_t i;
	char id[48];

	if (r->tool_calls) {
		tcs = json_array();
		json_array_foreach(r->tool_calls, i, tc) {
			char *args = json_dumps(json_object_get(tc, "arguments"), JSON_COMPACT | JSON_ENCODE_ANY);
			json_array_append_new(tcs, json_pack("{s:s, s:s, s:{s:s, s:s}}", "id", ba_json_str(tc, "id", ""),
							     "type", "function", "function", "name",
							     ba_json_str(tc, "name", ""), "arguments", args ? args : "{}"));
			free(args);
		}
		json_object_set_new(msg, "tool_calls", tcs);
	}
	json_array_append_new(choices, json_pack("{s:i, s:o, s:s?}", "index", 0, "message", msg, "finish_reason",
						 r->finish_reason));
	for (i = 1; i < json_array_size(r->choices); i++)
		json_array_append_new(choices, json_pack("{s:i, s:{s:s, s:O}, s:s?}", "index", (int)i, "message", "role",
							 "assistant", "content", json_array_get(r->choices, i),
							 "finish_reason", r->finish_reason));
	snprintf(id, sizeof(id), "chatcmpl-%.24s", r->key);
	return json_pack("{s:s, s:s, s:I, s:s?, s:o, s:{s:I, s:I, s:I}}", "id", id, "object", "chat.completion",
			 "created", (json_int_t)time(NULL), "model", r->model, "choices", choices, "usage",
			 "prompt_tokens", (json_int_t)r->prompt_tokens, "completion_tokens",
			 (json_int_t)r->completion_tokens, "total_tokens",
			 (json_int_t)(r->prompt_tokens + r->completion_tokens));
}

static void write_line(batch_ctx *c, json_t *line)
{
	char *s = json_dumps(line, JSON_COMPACT);

	pthread_mutex_lock(&c->mu);
	if (!s || fputs(s, c->out) == EOF || fputc('\n', c->out) == EOF)
		c->write_error = errno ? errno : EIO;
	pthread_mutex_unlock(&c->mu);
	free(s);
}

static const char *code_name(int rc)
{
	switch (rc) {
	case BA_EBUDGET: return "budget_exhausted";
	case BA_ESCHEMA: return "schema_validation_failed";
	case BA_EHTTP: return "http_error";
	case BA_EINVAL: return "invalid_request";
	default: return "error";
	}
}

/* JSON string literal (input is valid UTF-8: it came through jansson). */
static void put_str(ba_buf *b, const char *s)
{
	const char *run;

	if (!s) {
		ba_buf_puts(b, "null");
		return;
	}
	ba_buf_append(b, "\"", 1);
	for (run = s; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ba_buf_append(b, run, (size_t)(s - run));
		switch (c) {
		case '"': ba_buf_puts(b, "\\\""); break;
		case '\\': ba_buf_puts(b, "\\\\"); break;
		case '\n': ba_buf_puts(b, "\\n"); break;
		case '\r': ba_buf_puts(b, "\\r"); break;
		case '\t': ba_buf_puts(b, "\\t"); break;
		default: ba_buf_printf(b, "\\u%04x", c);
		}
		run = s + 1;
	}
	ba_buf_append(b, run, (size_t)(s - run));
	ba_buf_append(b, "\"", 1);
}

/* The common line (one text choice) written directly: no JSON tree. */
static int emit_fast(batch_ctx *c, const line_ud *l)
{
	const ba_llm_response *r = l->resp;
	ba_buf b = BA_BUF_INIT((size_t)1 << 30);
	int ok;

	ba_buf_printf(&b, "{\"id\":\"batch_req_%.24s\",\"custom_id\":", r->key);
	put_str(&b, l->custom_id);
	ba_buf_printf(&b, ",\"response\":{\"status_code\":200,\"request_id\":\"%.24s\",\"body\":{\"id\":\"chatcmpl-%.24s\","
			  "\"object\":\"chat.completion\",\"created\":%lld,\"model\":", r->key, r->key, (long long)time(NULL));
	put_str(&b, r->model);
	ba_buf_puts(&b, ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
	put_str(&b, r->content);
	ba_buf_puts(&b, "},\"finish_reason\":");
	put_str(&b, r->finish_reason);
	ok = ba_buf_printf(&b, "}],\"usage\":{\"prompt_tokens\":%ld,\"completion_tokens\":%ld,\"total_tokens\":%ld}}},"
			      "\"error\":null}\n", r->prompt_tokens, r->completion_tokens,
			   r->prompt_tokens + r->completion_tokens) == 0;
	if (ok && fwrite(b.ptr, 1, b.len, c->out) != b.len)
		c->write_error = errno ? errno : EIO;
	ba_buf_free(&b);
	return ok ? 0 : -1;
}

/* Main thread: write the output line of one completed request. */
static void emit(line_ud *l)
{
	batch_ctx *c = l->ctx;
	ba_llm_response *resp = l->resp;
	int rc = l->rc;
	json_t *line;
	char id[48];

	if (rc == 0 && !resp->tool_calls && json_array_size(resp->choices) <= 1 && emit_fast(c, l) == 0) {
		line = NULL;
	} else if (rc == 0) {
		snprintf(id, sizeof(id), "batch_req_%.24s", resp->key);
		line = json_pack("{s:s, s:s, s:{s:i, s:s, s:o}, s:n}", "id", id, "custom_id", l->custom_id, "response",
				 "status_code", 200, "request_id", id + 10, "body", openai_body(resp), "error");
	} else {
		snprintf(id, sizeof(id), "batch_req_failed");
		line = json_pack("{s:s, s:s, s:n, s:{s:s, s:s}}", "id", id, "custom_id", l->custom_id, "response",
				 "error", "code", code_name(rc), "message", l->errmsg ? l->errmsg : ba_strerror(rc));
	}
	if (line)
		write_line(c, line);
	json_decref(line);
	if (rc == 0)
		c->ok++;
	else {
		c->failed++;
		if (!c->first_error[0])
			snprintf(c->first_error, sizeof(c->first_error), "%s: %s", l->custom_id,
				 l->errmsg ? l->errmsg : ba_strerror(rc));
	}
	ba_progress_add(c->prog, 1, resp ? (resp->cached || resp->mock ? 0 : resp->cost_usd) : 0);
	ba_llm_response_free(resp);
	free(l->errmsg);
	free(l->custom_id);
	free(l);
}

/* Gateway thread: hand the result to the main thread (kept short). */
static void on_done(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	line_ud *l = ud;
	batch_ctx *c = l->ctx;

	l->rc = rc;
	l->resp = resp;
	l->errmsg = errmsg ? ba_strdup(errmsg) : NULL;
	l->next = NULL;
	pthread_mutex_lock(&c->mu);
	if (c->dq_tail)
		c->dq_tail->next = l;
	else
		c->dq_head = l;
	c->dq_tail = l;
	c->outstanding--;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* Main thread: write every completed line; with wait_below >= 0, first
 * block until fewer than that many requests are outstanding. */
static void drain(batch_ctx *c, long wait_below)
{
	line_ud *l, *next;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		l = c->dq_head;
		c->dq_head = c->dq_tail = NULL;
		if (l || wait_below < 0 || c->outstanding < wait_below) {
			long out = c->outstanding;
			pthread_mutex_unlock(&c->mu);
			for (; l; l = next) {
				next = l->next;
				emit(l);
			}
			/* one write per batch of lines; a reply stored but not yet
			 * written when the process dies comes from the cache next time */
			if (fflush(c->out) != 0 && !c->write_error)
				c->write_error = errno ? errno : EIO;
			if (wait_below < 0 || out < wait_below)
				return;
			pthread_mutex_lock(&c->mu);
			continue;
		}
		pthread_cond_wait(&c->cv, &c->mu);
	}
}

typedef struct {
	batch_ctx *ctx;
	ba_gateway *gw;
	const ba_config *cfg;
	const ba_model_ref *force;
	idset *done;
	idset seen;
	long skipped, total;
	const char *in_path;
} feed_ctx;

static void fail_line(batch_ctx *c, const char *custom_id, const char *msg)
{
	json_t *line = json_pack("{s:s, s:s, s:n, s:{s:s, s:s}}", "id", "batch_req_invalid", "custom_id", custom_id,
				 "response", "error", "code", "invalid_request", "message", msg);
	write_line(c, line);
	json_decref(line);
	pthread_mutex_lock(&c->mu);
	c->failed++;
	if (!c->first_error[0])
		snprintf(c->first_error, sizeof(c->first_error), "%s: %s", custom_id, msg);
	pthread_mutex_unlock(&c->mu);
}

static int feed(void *ud, json_t *obj, size_t lineno, ba_error *err)
{
	feed_ctx *f = ud;
	const char *cid = ba_json_str(obj, "custom_id", NULL);
	ba_error e = BA_ERROR_INIT;
	conv c;
	line_ud *l;

	if (!cid)
		return ba_error_set(err, BA_EINVAL, "%s:%zu: custom_id: missing or not a string", f->in_path, lineno);
	/* duplicates inside IN are an input error: the output could not be joined */
	if (id_has(&f->seen, cid))
		return ba_error_set(err, BA_EINVAL, "%s:%zu: custom_id '%s' appears twice", f->in_path, lineno, cid);
	id_add(&f->seen, cid);
	f->total++;
	if (id_has(f->done, cid)) {
		f->skipped++;
		return 0;
	}
	if (convert(f->cfg, obj, f->force, &c, &e) != 0) {
		char msg[1400];
		snprintf(msg, sizeof(msg), "%s:%zu: %s", f->in_path, lineno, e.msg);
		fail_line(f->ctx, cid, msg);
		conv_clear(&c);
		return 0;
	}
	/* write finished lines as we go; when the window is full, wait for it
	 * to half-empty, so submissions come in bursts */
	if (f->ctx->outstanding >= f->ctx->window)
		drain(f->ctx, f->ctx->window / 2 + 1);
	else if ((f->total & 63) == 0)
		drain(f->ctx, -1);
	pthread_mutex_lock(&f->ctx->mu);
	f->ctx->outstanding++;
	pthread_mutex_unlock(&f->ctx->mu);
	l = ba_calloc(1, sizeof(*l));
	l->ctx = f->ctx;
	l->custom_id = ba_strdup(cid);
	if (ba_llm_submit(f->gw, &c.req, on_done, l, &e) != 0) {
		char msg[1400];
		pthread_mutex_lock(&f->ctx->mu);
		f->ctx->outstanding--;
		pthread_mutex_unlock(&f->ctx->mu);
		snprintf(msg, sizeof(msg), "%s:%zu: %s", f->in_path, lineno, e.msg);
		fail_line(f->ctx, cid, msg);
		free(l->custom_id);
		free(l);
	}
	conv_clear(&c);
	return 0;
}

/* The run's counts: JSON on stdout with --json, else a line on stderr. */
static void print_summary(const ba_cli *cli, const feed_ctx *f, const batch_ctx *ctx,
			  const ba_gateway_stats *stats)
{
	if (cli->verbosity < 0 && !cli->json)
		return;
	if (cli->json)
		printf("{\"lines\":%ld,\"skipped\":%ld,\"ok\":%ld,\"failed\":%ld,\"sent\":%ld,\"cached\":%ld,"
		       "\"retries\":%ld,\"cost_usd\":%.6f,\"dry_run\":%s}\n",
		       f->total, f->skipped, ctx->ok, ctx->failed, stats->sent, stats->cached, stats->retries,
		       stats->cost_usd, cli->dry_run ? "true" : "false");
	else
		fprintf(stderr,
			"batch: %ld lines: %ld done earlier, %ld ok, %ld failed; %ld sent, %ld from cache, %ld retries, $%.4f%s\n",
			f->total, f->skipped, ctx->ok, ctx->failed, stats->sent, stats->cached, stats->retries,
			stats->cost_usd, cli->dry_run ? " (dry run: estimated, nothing sent)" : "");
}

static int exec_batch(ba_cli *cli, int argc, char **argv)
{
	const char *model = NULL, *window = NULL;
	ba_opt opts[] = {
		{ "model", 0, 1, &model, NULL },
		{ "window", 0, 1, &window, NULL },
		{ NULL, 0, 0, NULL, NULL }
	};
	char *pos[1];
	int npos, ec, rc;
	ba_error err = BA_ERROR_INIT;
	ba_config *cfg;
	ba_store *st;
	ba_gateway *gw = NULL;
	ba_gateway_options go = BA_GATEWAY_OPTIONS_INIT;
	ba_gateway_stats stats;
	ba_model_ref ref = { NULL, NULL };
	idset done = { NULL, 0, 0 };
	batch_ctx ctx;
	feed_ctx f;
	long w = 4096;

	if (ba_cli_parse(&ba_cmd_batch, argc, argv, opts, pos, 1, &npos, &ec))
		return ec;
	if (npos != 1)
		return ba_cli_usage(&ba_cmd_batch, "expected one input file");
	if (!cli->output)
		return ba_cli_usage(&ba_cmd_batch, "-o OUT.jsonl is required");
	if (window && (ec = ba_cli_long(&ba_cmd_batch, "window", window, 1, 10000000, &w)) != 0)
		return ec;
	if (model && ba_model_ref_parse(&ref, model, &err) != 0)
		return ba_cli_usage(&ba_cmd_batch, "--model: %s", err.msg);
	if (!ba_fs_exists(pos[0])) {
		ba_model_ref_clear(&ref);
		ba_error_set(&err, BA_ENOTFOUND, "%s: no such input file", pos[0]);
		return ba_cli_fail(cli, &err);
	}
	if (ba_cli_config(cli, &cfg, &err) != 0 || ba_cli_store(cli, &st, &err) != 0) {
		ba_model_ref_clear(&ref);
		return ba_cli_fail(cli, &err);
	}
	if (ref.provider && !ba_config_provider(cfg, ref.provider)) {
		ba_error_set(&err, BA_EUSAGE, "--model: unknown provider '%s'", ref.provider);
		ba_model_ref_clear(&ref);
		return ba_cli_fail(cli, &err);
	}
	memset(&ctx, 0, sizeof(ctx));
	pthread_mutex_init(&ctx.mu, NULL);
	pthread_cond_init(&ctx.cv, NULL);
	ctx.window = w;
	if ((rc = load_done(cli->output, &done, &err)) != 0)
		goto fail;
	ctx.out = fopen(cli->output, "a");
	if (!ctx.out) {
		rc = ba_error_set(&err, BA_EIO, "%s: cannot open for writing: %s", cli->output, strerror(errno));
		goto fail;
	}
	go.no_cache = cli->no_cache;
	go.batch_api = cli->batch_api;
	go.dry_run = cli->dry_run;
	/* spend is attributed to a run named after the output file */
	if (!cli->dry_run && (rc = ba_run_open(st, "batch", cli->output, &go.run_id, &err)) != 0)
		goto fail;
	if ((rc = ba_gateway_new(&gw, cfg, st, &go, &err)) != 0)
		goto fail;
	ctx.prog = ba_progress_start("batch", 0);
	memset(&f, 0, sizeof(f));
	f.ctx = &ctx;
	f.gw = gw;
	f.cfg = cfg;
	f.force = ref.provider ? &ref : NULL;
	f.done = &done;
	f.in_path = pos[0];
	rc = ba_jsonl_foreach(pos[0], feed, &f, &err);
	drain(&ctx, 1);
	ba_gateway_wait(gw);
	ba_gateway_stats_get(gw, &stats);
	ba_gateway_free(gw);
	gw = NULL;
	ba_progress_done(ctx.prog);
	if (fclose(ctx.out) != 0 && !ctx.write_error)
		ctx.write_error = errno;
	ctx.out = NULL;
	id_free(&f.seen);
	if (ctx.write_error && !rc)
		rc = ba_error_set(&err, BA_EIO, "%s: write failed: %s", cli->output, strerror(ctx.write_error));
	print_summary(cli, &f, &ctx, &stats);
	if (rc)
		goto fail;
	id_free(&done);
	ba_model_ref_clear(&ref);
	if (ctx.failed) {
		char *q;
		/* ids and messages are untrusted: keep the summary on one line */
		for (q = ctx.first_error; *q; q++)
			if ((unsigned char)*q < 0x20)
				*q = ' ';
		fprintf(stderr, "benchagent: %ld line%s failed (first: %s); rerun the same command to retry only those\n",
			ctx.failed, ctx.failed == 1 ? "" : "s", ctx.first_error);
		return BA_EXIT_FAIL;
	}
	return BA_EXIT_OK;
fail:
	if (gw) {
		drain(&ctx, 1);
		ba_gateway_wait(gw);
		ba_gateway_free(gw);
	}
	if (ctx.out)
		fclose(ctx.out);
	id_free(&done);
	ba_model_ref_clear(&ref);
	return ba_cli_fail(cli, &err);
}
