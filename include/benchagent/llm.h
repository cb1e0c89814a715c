/*
 * llm.h - the LLM gateway: every agent, tool, judge and model under test
 * talks to models through this.
 *
 * One gateway per process. Calls are content-addressed and cached in the
 * workspace store (a cached call is never sent again), rate-limited per
 * provider, retried with backoff, budget-capped, and driven by one libcurl
 * multi event loop on the gateway's own thread. Two ways to call:
 *   - ba_llm_call(): blocking, safe from any number of threads;
 *   - ba_llm_submit() + ba_gateway_wait(): fire many, get callbacks.
 * Protocols: OpenAI-compatible chat completions and embeddings, Anthropic
 * Messages, and the offline deterministic "mock" provider.
 */
#ifndef BA_LLM_H
#define BA_LLM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "benchagent/config.h"
#include "benchagent/error.h"
#include "benchagent/store.h"

typedef struct ba_gateway ba_gateway;

typedef struct ba_llm_request {
	const char *role;          /* selects provider/model via config roles; NULL = "default" */
	const char *provider;      /* explicit provider (overrides the role's) */
	const char *model;         /* explicit model (overrides the role's) */
	const char *system;        /* optional system prompt */
	const json_t *messages;    /* OpenAI-style [{role, content}]; content is a string or
				    * parts [{type:"text",text} | {type:"image_url",image_url:{url}} |
				    * {type:"input_audio",input_audio:{data: base64, format: "wav"}}] */
	const json_t *tools;       /* OpenAI-style [{type:"function",function:{name,description,parameters}}] */
	const char *tool_choice;   /* NULL/"auto" | "required" | "none" | a tool name */
	const json_t *schema;      /* JSON schema: reply is parsed, validated, re-asked on failure */
	const char *schema_name;   /* name for response_format json_schema (default "reply") */
	int json_mode;             /* response_format {type: json_object} */
	double temperature;        /* < 0: unset */
	double top_p;              /* < 0: unset */
	int max_tokens;            /* 0: unset */
	long long seed;            /* < 0: unset */
	int n;                     /* completions wanted (default 1) */
	const json_t *stop;        /* string, array, or NULL */
	int sample_index;          /* deliberate repeats: part of the cache key */
	int no_cache;              /* do not read the cache for this call (still written) */
	int64_t run_id;            /* attribute spend to this run (0 = none) */
	int max_schema_retries;    /* re-asks on schema violation (default 2) */
	int stream;                /* ask for a streamed (SSE) reply; same result, same cache key */
	int can_wait;              /* may go through the provider's batch API when batch mode is on
				    * (--batch-api or the provider's batch_api): half the price,
				    * minutes to hours; same result, same cache key */
} ba_llm_request;

#define BA_LLM_REQUEST_INIT \
	{ .temperature = -1, .top_p = -1, .seed = -1, .n = 1, .max_schema_retries = 2 }

typedef struct ba_llm_response {
	char *content;             /* first choice's text; may be NULL with tool calls */
	json_t *json;              /* parsed (and schema-validated) content, with schema/json_mode */
	json_t *tool_calls;        /* [{id, name, arguments: object}] or NULL */
	json_t *choices;           /* with n > 1: array of every choice's content string */
	char *finish_reason;
	char *provider;
	char *model;
	long prompt_tokens;
	long completion_tokens;
	double cost_usd;
	double latency_ms;
	int cached;                /* served from the store */
	int mock;                  /* produced by the mock provider or a dry run */
	char key[65];              /* cache key (sha256 of the canonical request) */
} ba_llm_response;

void ba_llm_response_free(ba_llm_response *r);

typedef struct ba_gateway_options {
	int no_cache;              /* --no-cache: never read the cache */
	int dry_run;               /* --dry-run: send nothing; count, estimate, reply as mock */
	double budget_usd;         /* per-run cap (0 = from config) */
	long long budget_tokens;   /* per-run cap (0 = from config) */
	int64_t run_id;            /* default run for spend attribution */
	int batch_api;             /* --batch-api: can-wait calls go through provider batch APIs */
} ba_gateway_options;

#define BA_GATEWAY_OPTIONS_INIT { 0 }

/* Create the gateway (starts its event-loop thread). st may be NULL: no
 * cache, no call log. cfg and st must outlive the gateway. */
int ba_gateway_new(ba_gateway **out, const ba_config *cfg, ba_store *st,
		   const ba_gateway_options *opts, ba_error *err);
/* Waits for in-flight calls, stops the thread, frees. NULL is fine. */
void ba_gateway_free(ba_gateway *gw);

/* Blocking call. On success *out is the caller's (free with
 * ba_llm_response_free). Fails with BA_EBUDGET when the budget is spent
 * (nothing sent), BA_EHTTP with the server's message, BA_ESCHEMA when the
 * reply never satisfied the schema. Thread-safe.
 * A request with can_wait that goes through a provider batch API (batch
 * mode on for it, a store) never blocks on the batch: a reply in the cache
 * is returned at once; otherwise the request is queued for the next
 * ba_gateway_batch_round() and the call fails with BA_EPENDING. Call it
 * again after the round: it is answered from the cache, or fails with the
 * error the batch gave it. Identical requests are queued once. */
int ba_llm_call(ba_gateway *gw, const ba_llm_request *req, ba_llm_response **out, ba_error *err);

/* Send every request queued by BA_EPENDING calls, in one hand-over (one
 * batch per provider), and wait until each is answered or failed for
 * good (partial failures are resubmitted inside the round). Returns how
 * many were sent (0: none queued), -1 when the gateway is stopping. Not
 * from a callback. src/llm/defer.c. */
long ba_gateway_batch_round(ba_gateway *gw);

/* Asynchronous call: the request is copied; done runs on the gateway
 * thread with rc, the response (owned by the callback: free it) or NULL,
 * and a one-line error when rc != 0. Keep callbacks short. */
typedef void (*ba_llm_done_fn)(void *ud, int rc, ba_llm_response *resp, const char *errmsg);
int ba_llm_submit(ba_gateway *gw, const ba_llm_request *req, ba_llm_done_fn done, void *ud,
		  ba_error *err);
/* Block until every submitted call has completed. */
void ba_gateway_wait(ba_gateway *gw);

/* Embeddings for n texts through the role's provider (OpenAI /embeddings,
 * or mock hashed word features). *vecs is n * *dim floats, L2-normalised,
 * caller frees. Cached like chat calls. */
int ba_llm_embed(ba_gateway *gw, const char *role, const char *const *texts, size_t n,
		 float **vecs, size_t *dim, ba_error *err);

typedef struct ba_gateway_stats {
	long calls;                /* completed calls (sent + cached + mock) */
	long sent;                 /* actually sent to a provider */
	long cached;
	long failed;
	long retries;
	long prompt_tokens;
	long completion_tokens;
	double cost_usd;           /* spent this process (sent calls only) */
	double saved_usd;          /* cost of cached replies, not paid again */
	int budget_exhausted;
	int dry_run;               /* tokens and cost_usd are estimates (chars/4), nothing was sent */
	long batches;              /* provider batches submitted (batch API) */
	long batch_rounds;         /* ba_gateway_batch_round calls that sent something */
	double batch_submit_s;     /* batch threads' time building, uploading and creating batches */
	double batch_results_s;    /* ... downloading the results and joining them on custom_id */
	long failovers;            /* attempts moved to another endpoint of a pool */
} ba_gateway_stats;

void ba_gateway_stats_get(ba_gateway *gw, ba_gateway_stats *out);

/* ---- media a protocol takes (the `media` of its ba_wire_protocol) ---- */
enum { BA_MEDIA_IMAGE = 1u, BA_MEDIA_AUDIO = 2u };
/* The BA_MEDIA_* bits provider p's protocol can carry in a chat request. */
unsigned ba_llm_media_accepted(const ba_provider_cfg *p);
/* "image" / "audio" for one bit; the bit of an item's media "type" (0 for
 * a type no protocol carries). */
const char *ba_llm_media_name(unsigned bit);
unsigned ba_llm_media_bit(const char *type);
/* The BA_MEDIA_* bits the content parts of messages need (image_url,
 * input_audio). */
unsigned ba_llm_media_needed(const json_t *messages);

/* ---- prices (src/llm/prices.c) ---- */
/* The date the built-in price table was taken ("YYYY-MM-DD"). */
extern const char ba_price_table_date[];
/* USD per million input/output tokens of a well-known OpenAI or Anthropic
 * model (longest matching prefix, so dated snapshots match their family).
 * BA_ENOTFOUND for other models. */
int ba_llm_price_lookup(const char *model, double *in, double *out);
/* The prices a call is charged at: the provider's price_input/price_output
 * when benchagent.yaml sets either, else the table's row for the model, else
 * 0. Mock providers are free. */
void ba_llm_price(const ba_provider_cfg *prov, const char *model, double *in, double *out);

/* Mock provider hooks: a module may register a responder for a role, so
 * offline runs produce replies that let its stage finish sensibly. The
 * responder fills resp->content / resp->json / resp->tool_calls and returns
 * 0, or returns 1 to decline (the generic mock then answers: a valid
 * instance of the schema, a valid call of one offered tool, or text derived
 * from the request hash). seed is derived from the request hash. Register
 * before creating gateways; not thread-safe against concurrent calls. */
typedef int (*ba_mock_fn)(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp);
void ba_mock_register(const char *role, ba_mock_fn fn, void *ud);

/* One structured call (src/llm/json_call.c): system prompt prompts/<prompt>
 * rendered with vars, the JSON input as the user message (plus images, an
 * array of data URLs), a JSON schema for the reply. On success *out gets
 * the parsed reply object (new ref), model "provider/model", *mock whether
 * the mock answered. Fails with the gateway's code (err says why). With
 * can_wait the call may go through a provider batch API, and then fails
 * with BA_EPENDING until a ba_gateway_batch_round() has answered it. */
int ba_llm_call_json(ba_gateway *gw, const char *role, const char *prompt, const json_t *vars,
		     const json_t *input, const json_t *schema, const char *schema_name,
		     int64_t run_id, int sample_index, const json_t *images, int can_wait, json_t **out,
		     char *model, size_t mlen, int *mock, ba_error *err);


#endif
