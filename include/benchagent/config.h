/*
 * config.h - benchagent.yaml: providers, roles, budget, pools, output.
 *
 * With no file at all, OPENAI_API_KEY / OPENAI_BASE_URL give an "openai"
 * provider for every role; without those every role uses the offline
 * "mock" provider. API keys are never read here: a provider names the
 * environment variable that holds its key, and only the LLM client reads
 * it, at request time.
 */
#ifndef BA_CONFIG_H
#define BA_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "benchagent/error.h"

typedef enum {
	BA_PROTO_OPENAI = 0,
	BA_PROTO_ANTHROPIC = 1,
	BA_PROTO_MOCK = 2
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
} ba_provider_cfg;

typedef struct ba_model_ref {
	char *provider;
	char *model;
} ba_model_ref;

typedef struct ba_role_cfg {
	char *role;
	ba_model_ref ref;
} ba_role_cfg;

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
	char *provider_override;  /* --provider: every role uses this provider */
	json_t *raw;              /* the whole parsed tree, for module sections */
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

/* A module's own section (e.g. "grounding"), borrowed, or NULL. */
json_t *ba_config_section(const ba_config *cfg, const char *name);
double ba_config_num(const ba_config *cfg, const char *section, const char *key, double def);

/* Write the commented template to path; fails if the file exists. */
int ba_config_write_template(const char *path, ba_error *err);

const char *ba_protocol_name(ba_protocol p);

#endif
