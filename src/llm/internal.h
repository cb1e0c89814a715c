/*
 * internal.h - shared between the gateway's own files only: the job (one
 * logical call, across retries and schema re-asks), the gateway state, and
 * the protocol, cache, mock and transport entry points.
 */
#ifndef BA_LLM_INTERNAL_H
#define BA_LLM_INTERNAL_H

#include "benchagent/buf.h"
#include "benchagent/llm.h"
#include "benchagent/rng.h"

#include <curl/curl.h>
#include <pthread.h>

typedef enum { JOB_CHAT = 0, JOB_EMBED = 1 } job_kind;
enum { TIMER_MOCK = 1, TIMER_SEND = 2 };
enum { RESUME_RETRY = 1, RESUME_SEND = 2 };
/* a batch job's outcome, set by the batch thread */
enum { BJ_PENDING = 1, BJ_OK = 2, BJ_RETRY = 3, BJ_FAIL = 4 };

typedef struct provider_state provider_state;
typedef struct ba_job ba_job;
typedef struct ba_batch_work ba_batch_work;

struct ba_job {
	job_kind kind;
	ba_llm_request req;        /* deep copy: strings and json owned by the job */
	json_t *messages;          /* working conversation (grows with schema re-asks) */
	json_t *texts;             /* JOB_EMBED: array of strings */
	const ba_provider_cfg *prov;
	provider_state *ps;
	char *model;
	char key[65];
	char *canon;               /* canonical request text (stored in llm_calls.request) */
	int64_t run_id;
	int dry;                   /* dry run: estimate, answer from mock */
	int attempt;               /* transport attempts for the current exchange */
	int reasks;                /* schema re-asks done */
	double t_start;            /* when the job was accepted */
	double t_due;              /* timer: when to (re)start */
	long est_tokens;           /* prompt tokens estimated for the token bucket */
	/* transport */
	CURL *easy;
	struct curl_slist *hdrs;
	struct curl_slist *shared_hdrs; /* borrowed from the provider state */
	char *payload;
	ba_buf reply;
	long retry_after_ms;
	long http_status;
	int streaming;
	int too_big;               /* reply hit the size cap */
	int timer_kind;            /* what t_due triggers: TIMER_MOCK or TIMER_SEND */
	int was_sent;              /* at least one HTTP attempt started */
	int cache_hit;
	int leader;                /* registered in gw->inflight_keys */
	int needs_parse;           /* a 2xx reply waits for the writer to parse it */
	int resume;                /* back from the writer: RESUME_RETRY or RESUME_SEND */
	int ep;                    /* endpoint of the current attempt (index in ps->eps) */
	double t_sent;             /* when the current attempt started */
	int batch;                 /* goes through the provider's batch API (batch.c) */
	int bstate;                /* BJ_*: outcome in the last batch */
	int batch_resubmit;        /* failed in a batch: submit anew, do not poll that one */
	int cache_ok;              /* answered by a batch round of this process: read the cache
				    * even under no_cache (defer.c) */
	ba_job *followers;         /* identical requests waiting for this one */
	/* accumulated over attempts */
	long prompt_tokens, completion_tokens;
	double cost;
	/* result */
	int rc;
	char errmsg[1024];
	ba_llm_response *resp;
	ba_llm_done_fn done;
	void *ud;
	ba_job *next;              /* intrusive list link (queues) */
};

/* Reply as parsed from the wire, before the gateway's checks. */
typedef struct {
	char *content;
	json_t *tool_calls;        /* [{id, name, arguments (object or raw string)}] */
	json_t *choices;           /* every choice's content when n > 1 */
	json_t *embeddings;        /* JOB_EMBED: array of arrays */
	char *finish_reason;
	long prompt_tokens, completion_tokens;
	int have_usage;
} ba_wire_reply;

void ba_wire_reply_clear(ba_wire_reply *w);

/* ---- protocols: one ba_wire_protocol a line of include/benchagent/protocols.h ---- */
typedef struct batch_set batch_set;

/* A provider batch API, defined in the protocol's own file beside its
 * other hooks: submit a set of jobs (fills s->id), poll it (1 = finished
 * and its results applied to the jobs, 0 = not yet, -1 = error with err).
 * strip_v1: the API's paths sit beside a trailing /v1 of base_url, not
 * below it. batch.c runs them (on a batch thread of their own) with the
 * helpers below. */
typedef struct ba_batch_api {
	int (*submit)(ba_batch_work *w, batch_set *s, char *err, size_t errlen);
	int (*poll)(ba_batch_work *w, batch_set *s, char *err, size_t errlen);
	int strip_v1;
} ba_batch_api;

/* One launch of a provider's collected jobs (batch.c). */
struct ba_batch_work {
	ba_gateway *gw;
	const ba_provider_cfg *prov;
	ba_job *jobs;              /* linked by next */
	pthread_t thread;
	int finished;
	ba_batch_work *next;
};

/* The jobs of one provider batch, each with its custom_id. */
struct batch_set {
	ba_job **jobs;
	char **cids;
	size_t n;
	json_t *index;             /* custom_id -> position (results are joined on it) */
	char id[128];              /* provider's batch id, "" = not submitted yet */
};

/* ---- what a protocol's batch API builds on (batch.c) ---- */
#define BA_BATCH_MAX_REPLY ((size_t)1 << 30) /* a result file may hold 50,000 replies */
/* One blocking request with the provider's auth headers. post: JSON body
 * (NULL: GET unless mime). 0 with *status set (any HTTP status), or -1 on
 * a transport failure (errmsg). */
int ba_batch_http(const ba_provider_cfg *p, const char *url, const char *post, curl_mime *mime, ba_buf *out,
		  long *status, char *errmsg, size_t errlen);
/* GET/POST url and parse a JSON object reply; NULL with errmsg otherwise. */
json_t *ba_batch_json(const ba_provider_cfg *p, const char *url, const char *post, curl_mime *mime,
		      char *errmsg, size_t errlen);
/* Submit s as one JSON POST to base + path: {"requests": [{<id_key>:
 * custom_id, <body_key>: the job's request body}]}; the reply's "id" becomes
 * s->id. 0, or -1 with err. */
int ba_batch_post(ba_batch_work *w, batch_set *s, const char *path, const char *id_key, const char *body_key,
		  char *err, size_t errlen);
/* base_url without trailing slashes (nor /v1 with strip_v1). Caller frees. */
char *ba_batch_base(const ba_provider_cfg *p);
/* A job's outcome: its reply body; a failure (fmt gets provider, model, a,
 * b), retryable (resubmitted in the next batch) or final; every job of s. */
void ba_batch_job_ok(ba_job *j, const json_t *body);
void ba_batch_job_err(ba_job *j, int retry, const char *fmt, const char *a, const char *b);
void ba_batch_fail_all(batch_set *s, int retry, const char *why);
/* The job of s with custom_id cid, or NULL. */
ba_job *ba_batch_job_of(batch_set *s, const char *cid);
/* fn on every JSON line of a downloaded result file. */
void ba_batch_each_line(batch_set *s, const ba_buf *b, void (*fn)(batch_set *, const json_t *));
/* Record in the store that the provider ended batch s with status. */
void ba_batch_ended(ba_batch_work *w, const batch_set *s, const char *status);

/* All the gateway knows of a wire format. A hook left NULL is a feature
 * the protocol lacks (the mock, answered in-process, has none). */
typedef struct ba_wire_protocol {
	/* the chat URL below base (base_url without trailing '/'; caller frees) */
	char *(*chat_url)(const char *base, size_t len);
	/* the HTTP body of a chat job, streaming or not (caller frees) */
	char *(*chat_body)(const ba_job *j, int stream);
	/* a whole JSON reply; a server-sent-event stream (NULL: never streams) */
	int (*parse_reply)(const char *body, size_t len, ba_wire_reply *out, ba_error *err);
	int (*parse_stream)(const char *body, size_t len, ba_wire_reply *out, ba_error *err);
	/* embeddings (NULL: the protocol has no embeddings endpoint) */
	char *(*embed_url)(const char *base, size_t len);
	char *(*embed_body)(const ba_job *j);
	int (*parse_embed)(const char *body, size_t len, ba_wire_reply *out, ba_error *err);
	/* the header line carrying the key, a format with one %s */
	const char *auth_header;
	/* a header line every request carries, or NULL */
	const char *extra_header;
	/* the provider batch API, or NULL */
	const ba_batch_api *batch;
	/* the media its chat requests can carry (BA_MEDIA_* bits of llm.h);
	 * a request with other media is refused, never sent without them */
	unsigned media;
} ba_wire_protocol;

/* protocols.c: the entry of a provider's protocol (never NULL: an unknown
 * value gets one with every hook NULL). */
const ba_wire_protocol *ba_wire_of(const ba_provider_cfg *p);

/* ---- the OpenAI and Anthropic wire formats (openai.c, anthropic.c) ---- */
/* Build the HTTP body for a job (caller frees). */
char *ba_openai_chat_body(const ba_job *j, int stream);
char *ba_openai_embed_body(const ba_job *j);
char *ba_anthropic_body(const ba_job *j, int stream);
/* Parse replies; 0 or BA_EINVAL with err naming the problem. */
int ba_openai_parse_chat(const char *body, size_t len, ba_wire_reply *out, ba_error *err);
int ba_openai_parse_embed(const char *body, size_t len, ba_wire_reply *out, ba_error *err);
int ba_openai_parse_sse(const char *body, size_t len, ba_wire_reply *out, ba_error *err);
int ba_anthropic_parse(const char *body, size_t len, ba_wire_reply *out, ba_error *err);
int ba_anthropic_parse_sse(const char *body, size_t len, ba_wire_reply *out, ba_error *err);
/* ---- streamed replies (sse.c, shared by both protocols) ----
 * Iterate the "data:" payloads of a server-sent-event body; fn gets each
 * one, not NUL-terminated. *done is set when "[DONE]" was seen. */
typedef int (*ba_sse_fn)(void *ud, const char *data, size_t len, ba_error *err);
int ba_sse_each(const char *body, size_t len, ba_sse_fn fn, void *ud, int *done, ba_error *err);
/* The end of a streamed reply: when rc is 0 the reply takes the gathered
 * text as its content and the tool calls (a JSON array) when there are
 * any; the text buffer and what is left of *tools are freed either way,
 * and a failed reply (rc != 0) is cleared. Returns rc. */
int ba_sse_reply_end(ba_buf *text, json_t **tools, ba_wire_reply *out, int rc);
/* The server's error.message from an error body, or NULL (caller frees;
 * request.c, beside ba_wire_reply_clear: every protocol and batch.c use it). */
char *ba_wire_error_message(const char *body, size_t len);

/* ---- request canonical form and cache key (request.c) ---- */
/* Canonical, provider-independent request JSON (new ref). */
json_t *ba_request_canonical(const ba_llm_request *req, const char *model, int kind,
			     const json_t *texts);
/* Deep copy of everything but messages (set to NULL: the caller copies
 * them only when the job will need them again). */
void ba_request_copy(ba_llm_request *dst, const ba_llm_request *src);
void ba_request_clear(ba_llm_request *r);
/* chars/4 estimate of a job's prompt tokens. */
long ba_request_estimate_tokens(const ba_job *j);
ba_llm_response *ba_response_new(void);

/* ---- mock provider (mock.c) ---- */
/* Fill resp for a chat job; never fails. */
void ba_mock_chat(const ba_job *j, ba_llm_response *resp);
/* Hashed word features, L2-normalised, dim floats into v. */
void ba_mock_embed_text(const char *text, float *v, size_t dim);
#define BA_MOCK_EMBED_DIM 512

/* ---- cache (cache.c): jobs to and from the store's llm_calls rows ---- */
/* Look up an ok, non-mock row; on hit fills resp (cached=1). 0 / BA_ENOTFOUND. */
int ba_cache_get(ba_store *st, const char *key, ba_llm_response *resp, int kind);
/* Record one finished call (ok or failed). */
int ba_cache_put(ba_store *st, const ba_job *j, const char *status, const ba_llm_response *resp);
/* Record a cache hit (for `benchagent cost` savings). */
void ba_cache_hit(ba_store *st, const ba_job *j, const ba_llm_response *resp);

/* ---- the gateway (gateway.c, loop.c, http.c) ---- */
/* One base URL of a provider (an endpoint pool has several; loop thread). */
typedef struct {
	const char *url;           /* borrowed from the provider's config */
	int inflight;
	int fails;                 /* consecutive failures: how long it rests */
	double rest_until;         /* not chosen before this (passive health) */
	long requests, failures;   /* attempts sent, attempts failed */
	double ok_ms;              /* total latency of its 2xx replies */
	long oks;
} endpoint_state;

struct provider_state {
	const ba_provider_cfg *cfg;
	int inflight;
	ba_job *qhead, *qtail;     /* waiting to be sent */
	double req_bucket, tok_bucket, last_refill;
	struct curl_slist *shared_hdrs[2]; /* key-less providers: [streaming] (loop thread) */
	endpoint_state *eps;       /* base URLs; least outstanding requests wins */
	size_t neps;
	ba_job *bhead, *btail;     /* collected for the next batch (loop thread) */
	double b_last;             /* when the last one was collected */
};

typedef struct {
	int64_t run_id;
	double usd;
	long long tokens;
} run_spend;

struct ba_gateway {
	const ba_config *cfg;
	ba_store *st;
	ba_gateway_options opts;
	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;        /* guards in-queue, pending, stats, spend */
	pthread_cond_t cv;
	ba_job *in_head, *in_tail;
	long pending;
	int stop;
	CURLM *multi;
	provider_state *ps;
	size_t nps;
	ba_job **heap;             /* timers, min-heap on t_due (loop thread only) */
	size_t nheap, capheap;
	ba_job *done_head, *done_tail;
	json_t *inflight_keys;     /* cache key -> leader job (loop thread only) */
	/* the writer thread stores finished calls and runs the callbacks, so
	 * the event loop never waits on the disk */
	pthread_t writer;
	int writer_started;
	pthread_mutex_t wmu;
	pthread_cond_t wcv;
	ba_job *w_head, *w_tail;
	long w_count;
	int w_stop;
	CURL **easy_pool;          /* reusable easy handles */
	size_t neasy, capeasy;
	ba_gateway_stats stats;
	double ws_spent;           /* workspace spend (db at start + this process) */
	run_spend *runs;
	size_t nruns;
	ba_rng rng;
	int max_retries;
	double retry_base_ms, retry_max_ms, retry_after_max_ms;
	size_t max_reply;
	double budget_usd, ws_budget_usd;
	long long budget_tokens;
	/* provider batch APIs (batch.c) */
	pthread_mutex_t bmu;       /* guards bwork */
	ba_batch_work *bwork;      /* batches being submitted / polled */
	double batch_window_ms;    /* collect this long after the last batch job */
	double batch_poll_ms;      /* between status polls */
	char **batch_roles;        /* gateway.batch_roles: roles whose can-wait calls batch */
	size_t nbatch_roles;
	/* deferred batch calls (defer.c), guarded by mu */
	ba_job *defer_head;        /* waiting for the next ba_gateway_batch_round */
	json_t *defer_keys;        /* cache key -> true: queued or in a round now */
	json_t *defer_done;        /* cache key -> true (answered, in the cache) or {rc, msg} */
};

/* defer.c: what a blocking call of a batch job (j->batch, a store) does.
 * BA_DEFER_RUN: run it now (its reply is in the cache); BA_DEFER_QUEUED:
 * j is taken, queued for the next batch round; BA_DEFER_SAME: an identical
 * request is queued (j not taken); <0: a batch round of this process
 * failed it for good (err set). Both queued cases set err to BA_EPENDING. */
enum { BA_DEFER_RUN = 1, BA_DEFER_QUEUED = 2, BA_DEFER_SAME = 3 };
int ba_defer_check(ba_gateway *gw, ba_job *j, ba_error *err);
/* defer.c: the queued jobs, in call order, each with its done callback
 * (which records the outcome for the next ba_defer_check). */
ba_job *ba_defer_take(ba_gateway *gw);
/* defer.c: whether gateway.batch_roles names role (NULL: "default"). */
int ba_defer_role_batches(const ba_gateway *gw, const char *role);
/* defer.c: parse cfg->gateway.batch_roles into gw; free what it made,
 * returning the jobs still queued (the caller frees them). */
void ba_defer_init(ba_gateway *gw);
ba_job *ba_defer_free(ba_gateway *gw);

/* loop.c */
void *ba_loop_main(void *arg);
void *ba_writer_main(void *arg);
/* Called by the loop when a job has its final result. */
void ba_loop_finish(ba_gateway *gw, ba_job *j);
void ba_job_free(ba_job *j);
/* http.c: build j->payload for the job's protocol (any thread). */
void ba_http_payload(ba_job *j);
/* http.c: start a transfer (0) or fail the attempt (rc, errmsg set). */
int ba_http_start(ba_gateway *gw, ba_job *j);
/* http.c: the endpoint for the next attempt: healthy and with the fewest
 * requests outstanding (the one resting least long when none is healthy). */
int ba_endpoint_pick(provider_state *ps, double now);
/* 1 when another endpoint than ep is healthy now (a failover target). */
int ba_endpoint_other_healthy(const provider_state *ps, int ep, double now);
/* After a transfer ends (loop thread): 0 = a 2xx reply is in j->reply;
 * 1 = retryable failure; <0 = final failure (j->errmsg set). */
int ba_http_classify(ba_gateway *gw, ba_job *j, CURLcode cc);
/* Parse j->reply into w (writer thread): 0, or 1 = malformed (retryable,
 * j->errmsg set). */
int ba_http_parse(ba_job *j, ba_wire_reply *w);
void ba_http_release(ba_gateway *gw, ba_job *j);
/* http.c: append the provider's auth headers (key read from the
 * environment now); -1 with errmsg when its variable is unset. */
int ba_http_auth_headers(const ba_provider_cfg *p, struct curl_slist **h, char *errmsg, size_t errlen);
/* Wipe (the key) and free a header list. */
void ba_http_free_headers(struct curl_slist *h);

/* batch.c: provider batch APIs. Loop thread: collect a job for the next
 * batch; launch the provider's collected jobs once the window has passed
 * (returns ms until it will, or -1); take the jobs of finished batches
 * (bstate set). ba_batch_busy: a batch thread is still running. */
void ba_batch_collect(provider_state *ps, ba_job *j, double now);
double ba_batch_launch(ba_gateway *gw, provider_state *ps, double now);
ba_job *ba_batch_take_done(ba_gateway *gw);
int ba_batch_busy(ba_gateway *gw);

/* Remove every occurrence of the provider's API key from s (in place). */
void ba_redact_key(const ba_job *j, char *s);

#endif
