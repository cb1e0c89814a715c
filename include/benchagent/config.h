/*
 * config.h - benchagent.yaml: providers, roles, budget, pools, output.
 *
 * OPENAI_API_KEY / OPENAI_BASE_URL give an "openai" provider whether or
 * not there is a file (a provider of that name in the file wins); it
 * serves every role unless the file names a default or a real provider.
 * Without those every role uses the offline "mock" provider. API keys are never read here: a provider names the
 * environment variable that holds its key, and only the LLM client reads
 * it, at request time.
 */
#ifndef BA_CONFIG_H
#define BA_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "benchagent/error.h"
#include "benchagent/protocols.h"

/* One value a protocol of the table in protocols.h. */
typedef enum {
#define X(id, name, url, http) BA_PROTO_##id,
	BA_PROTOCOLS
#undef X
} ba_protocol;

typedef struct ba_provider_cfg {
	char *name;
	ba_protocol protocol;
	char *base_url;        /* e.g. http://127.0.0.1:8000/v1 */
	char **base_urls;      /* endpoint pool: every replica's base URL (base_url is the first) */
	size_t nbase_urls;     /* 0 or 1: a single endpoint */
	char *api_key_env;     /* name of the env var with the key, or NULL */
	char *default_model;   /* model used when a role names only the provider */
	int max_concurrency;   /* requests in flight (default 32) */
	double rpm;            /* requests per minute, 0 = unlimited */
	double tpm;            /* tokens per minute, 0 = unlimited */
	double timeout_s;      /* per request (default 120) */
	double price_in;       /* USD per million input tokens */
	double price_out;      /* USD per million output tokens */
	int price_set;         /* price_input or price_output given: they override the price table */
	double latency_ms;     /* mock only: simulated latency */
	char *ca_file;         /* PEM CA bundle for an https endpoint with its own certificate */
	int batch_api;         /* can-wait calls go through the provider's batch API */
	double batch_discount; /* price factor of batch calls (default 0.5) */
	int from_env;          /* the environment provider (OPENAI_API_KEY / OPENAI_BASE_URL) */
} ba_provider_cfg;

typedef struct ba_model_ref {
	char *provider;
	char *model;
} ba_model_ref;

typedef struct ba_role_cfg {
	char *role;
	ba_model_ref ref;
} ba_role_cfg;

/* ---- module sections: each parsed once, with defaults and ranges, into
 * its struct (src/config/sections.c holds the one table of keys). ---- */
typedef struct ba_gateway_cfg {
	int max_retries;          /* retries after the first attempt (5; 0..100) */
	double retry_base_ms;     /* backoff base (500) */
	double retry_max_ms;      /* backoff ceiling (30000) */
	double retry_after_max_s; /* longest Retry-After honoured (120) */
	double max_reply_mb;      /* reply size cap (32; up to 1024) */
	double batch_window_ms;   /* how long batch calls are collected (500; 0..600000) */
	double batch_poll_s;      /* how often a pending batch is polled (30; 0..86400) */
	char *batch_roles;        /* roles whose can-wait calls always batch ("": none; "realize, inspect") */
} ba_gateway_cfg;

typedef struct ba_execution_cfg {
	int workers;              /* worker threads (16; 1..256) */
	long long seed;           /* when the plan has none (1) */
	int step_retries;         /* retries of a failed step (1; 0..20) */
	char *fallback_role;      /* role for retries ("default") */
	int queue;                /* units through the store's work queue: -1 = when the store is shared (auto) */
	double lease_s;           /* a claimed unit's lease, renewed while it runs (30; 1..3600) */
} ba_execution_cfg;

typedef struct ba_verification_cfg {
	double near_duplicate_threshold; /* MinHash similarity (0.8; 0..1) */
	int shingle;              /* words per shingle (3; 1..16) */
	int replenish_rounds;     /* (2; 0..20) */
	int inspector;            /* LLM inspector on (1) */
	int repair;               /* repair after an inspector failure (1) */
} ba_verification_cfg;

typedef struct ba_evaluation_cfg {
	int resamples;            /* bootstrap resamples (1000; 0..1000000) */
	long long seed;           /* bootstrap seed (1) */
	double level;             /* interval level (0.95; 0.5..0.9999) */
	int window;               /* calls kept submitted (256; 1..100000) */
	int max_tokens;           /* for the models under test (0 = unset) */
	double temperature;       /* (0; 0..2) */
	double plan_half_width;   /* planner target (0.02; 0.001..0.5) */
} ba_evaluation_cfg;

typedef struct ba_design_cfg {
	int max_subtasks;         /* (6; 1..50) */
	int max_steps;            /* (12; 1..100) */
} ba_design_cfg;

typedef struct ba_grounding_cfg {
	double w_alignment, w_coverage, w_simplicity, w_risk; /* weights.* (0.45, 0.35, 0.10, 0.10) */
	double blend;             /* (0.7; 0..1) */
	double accept_threshold;  /* (0.53; 0..1) */
	int max_rounds;           /* design <-> grounding rounds (4; 1..20) */
	int candidates;           /* per subtask (3; 1..6) */
	int max_steps;            /* (6; 1..50) */
	int scored;               /* sources per subtask sent to the scorer (8; 1..20) */
	double request_floor;     /* (0.3; 0..1) */
	double alignment_floor;   /* (0.4; 0..1) */
	double dataset_alignment_floor; /* (0.45; 0..1) a dataset's least alignment */
	double generator_request_floor; /* (0.45; 0..1) a generator's least request alignment */
	int allow_unrelated;      /* (false) */
	/* retrieval.*: the hybrid search's weights (0.5, 0.5, 0.6, 0.4, 0.2, 0.5) */
	double r_bm25, r_tfidf, r_text, r_meta, r_roles, r_embedding;
} ba_grounding_cfg;

typedef struct ba_allocation_cfg {
	int max_rounds;           /* (3; 1..20) */
} ba_allocation_cfg;

typedef struct ba_generators_cfg {
	double min_score;         /* BM25 score a request needs offline (8.0) */
	int agent_write;          /* -1 = when the generator role has a real model, else 0/1 */
	int write_attempts;       /* (3; 1..10) */
} ba_generators_cfg;

typedef struct ba_config {
	char *path;               /* file it came from, NULL for defaults */
	ba_provider_cfg *providers;
	size_t nproviders;
	ba_role_cfg *roles;
	size_t nroles;
	ba_model_ref *solvers;    /* the solver panel (models under test) */
	size_t nsolvers;
	double budget_usd;        /* per run, 0 = no cap */
	long long budget_tokens;  /* per run, 0 = no cap */
	double workspace_budget_usd; /* across all runs, 0 = no cap */
	char **pools;             /* dataset-card pool directories */
	size_t npools;
	char *output_dir;         /* default "out" */
	char *store;              /* store: "sqlite" or postgresql://...; NULL = sqlite ($BENCHAGENT_STORE wins) */
	char *provider_override;  /* --provider: every role uses this provider */
	ba_gateway_cfg gateway;
	ba_execution_cfg execution;
	ba_verification_cfg verification;
	ba_evaluation_cfg evaluation;
	ba_design_cfg design;
	ba_grounding_cfg grounding;
	ba_allocation_cfg allocation;
	ba_generators_cfg generators;
	json_t *raw;              /* the whole parsed tree (modules read their struct above) */
} ba_config;

/* The role names the pipeline uses. */
extern const char *const ba_config_roles[];

/* Load path (YAML). A missing file gives the defaults when missing_ok.
 * Errors name "file:line: key: problem". Unknown keys are warned about
 * through the log, not fatal. Caller frees with ba_config_free. */
int ba_config_load(ba_config **out, const char *path, int missing_ok, ba_error *err);
/* Defaults only (environment-derived). */
ba_config *ba_config_default(void);
void ba_config_free(ba_config *cfg);

/* Add --pool directories and --provider override. */
void ba_config_add_pool(ba_config *cfg, const char *dir);
int ba_config_set_provider_override(ba_config *cfg, const char *name, ba_error *err);

/* Borrowed provider by name, or NULL. */
const ba_provider_cfg *ba_config_provider(const ba_config *cfg, const char *name);
/* Resolve a role to provider + model (borrowed). Unknown roles fall back
 * to the "default" role, then to the first provider. */
int ba_config_resolve(const ba_config *cfg, const char *role, const ba_provider_cfg **prov,
		      const char **model, ba_error *err);
/* Parse "provider/model" (model may contain '/'). Caller frees fields. */
int ba_model_ref_parse(ba_model_ref *out, const char *spec, ba_error *err);
void ba_model_ref_clear(ba_model_ref *r);

/* A module's own section (e.g. "grounding") as parsed, borrowed, or NULL.
 * Modules use the typed structs above; this is for tools that show the file. */
json_t *ba_config_section(const ba_config *cfg, const char *name);

/* Write the commented template to path; fails if the file exists. */
int ba_config_write_template(const char *path, ba_error *err);

/* The protocol table (protocols.h) as the configuration sees it: the
 * name ("openai"; "?" out of range), the protocol a name is (0, or -1 when
 * none is), the base URL a provider gets when it names none (NULL: it must
 * name one), 1 when it speaks HTTP (0: answered in-process, the mock), and
 * "openai, anthropic or mock" for error messages (static). */
const char *ba_protocol_name(ba_protocol p);
int ba_protocol_parse(const char *name, ba_protocol *out);
const char *ba_protocol_default_url(ba_protocol p);
int ba_protocol_uses_http(ba_protocol p);
const char *ba_protocol_names(void);

#endif
