/*
 * config.c - benchagent.yaml loading, validation and defaults: providers,
 * roles, solvers, budget, pools, output (the module sections are in
 * sections.c). The environment provider "openai" (OPENAI_API_KEY /
 * OPENAI_BASE_URL) exists whether or not there is a file; a provider of
 * that name in the file wins.
 */
#define BA_LOG_MODULE "config"
#include "config_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/log.h"
#include "benchagent/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ba_config_roles[] = {
	"default", "query", "design", "grounding", "allocation", "realize", "inspect",
	"repair", "fix", "judge", "cards", "generator", "embedding", "chat", NULL
};

/* Top-level keys besides the module sections (sections.c). */
static const char *const known_top[] = {
	"providers", "roles", "solvers", "budget", "pool", "output", "store",
	"audit", /* read by cmd_audit (threshold) */
	NULL
};

static const char *const known_provider[] = {
	"name", "protocol", "base_url", "base_urls", "api_key_env", "model", "max_concurrency",
	"requests_per_minute", "tokens_per_minute", "timeout", "price_input",
	"price_output", "latency_ms", "ca_file", "batch_api", "batch_discount", NULL
};

typedef ba_cfg_ctx vctx;

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static void warn_unknown(vctx *v, json_t *obj, const char *prefix, const char *const *known)
{
	const char *k;
	json_t *val;

	json_object_foreach(obj, k, val) {
		if (!in_list(k, known) && (*prefix || !ba_config_is_section(k))) {
			char *p = *prefix ? ba_asprintf("%s.%s", prefix, k) : ba_strdup(k);
			BA_WARN("%s:%ld: unknown key '%s' ignored", v->file, ba_cfg_line(v, p), p);
			free(p);
		}
	}
}

static int get_str(vctx *v, json_t *obj, const char *path, const char *key, char **out)
{
	json_t *j = json_object_get(obj, key);
	char *p;
	int rc = 0;

	if (!j || json_is_null(j))
		return 0;
	p = ba_asprintf("%s.%s", path, key);
	if (!json_is_string(j))
		rc = ba_cfg_bad(v, p, "expected a string");
	else {
		free(*out);
		*out = ba_strdup(json_string_value(j));
	}
	free(p);
	return rc;
}

static int get_num(vctx *v, json_t *obj, const char *path, const char *key, double min, double max,
		   double *out)
{
	json_t *j = json_object_get(obj, key);
	char *p;
	int rc = 0;

	if (!j || json_is_null(j))
		return 0;
	p = *path ? ba_asprintf("%s.%s", path, key) : ba_strdup(key);
	if (!json_is_number(j))
		rc = ba_cfg_bad(v, p, "expected a number");
	else if (json_number_value(j) < min) {
		char msg[96];
		snprintf(msg, sizeof(msg), "must be >= %g", min);
		rc = ba_cfg_bad(v, p, msg);
	} else if (json_number_value(j) > max) {
		char msg[96];
		snprintf(msg, sizeof(msg), "must be <= %g", max);
		rc = ba_cfg_bad(v, p, msg);
	} else
		*out = json_number_value(j);
	free(p);
	return rc;
}

static void provider_defaults(ba_provider_cfg *p)
{
	memset(p, 0, sizeof(*p));
	p->protocol = BA_PROTO_OPENAI;
	p->max_concurrency = 32;
	p->timeout_s = 120;
}

static ba_provider_cfg *add_provider(ba_config *cfg)
{
	cfg->providers = ba_realloc(cfg->providers, (cfg->nproviders + 1) * sizeof(*cfg->providers));
	provider_defaults(&cfg->providers[cfg->nproviders]);
	return &cfg->providers[cfg->nproviders++];
}

static void add_mock(ba_config *cfg)
{
	ba_provider_cfg *p;

	if (ba_config_provider(cfg, "mock"))
		return;
	p = add_provider(cfg);
	p->name = ba_strdup("mock");
	p->protocol = BA_PROTO_MOCK;
	p->default_model = ba_strdup("mock");
	p->max_concurrency = 256;
}

static void set_role(ba_config *cfg, const char *role, const char *provider, const char *model)
{
	size_t i;

	for (i = 0; i < cfg->nroles; i++) {
		if (!strcmp(cfg->roles[i].role, role)) {
			ba_model_ref_clear(&cfg->roles[i].ref);
			goto fill;
		}
	}
	cfg->roles = ba_realloc(cfg->roles, (cfg->nroles + 1) * sizeof(*cfg->roles));
	cfg->roles[i].role = ba_strdup(role);
	cfg->nroles++;
fill:
	cfg->roles[i].ref.provider = ba_strdup(provider);
	cfg->roles[i].ref.model = ba_strdup(model);
}

/* The environment provider "openai", unless one of that name exists or
 * neither OPENAI_API_KEY nor OPENAI_BASE_URL is set. Returns it or NULL. */
static const ba_provider_cfg *add_env_provider(ba_config *cfg)
{
	const char *key = getenv("OPENAI_API_KEY"), *base = getenv("OPENAI_BASE_URL");
	const char *model = getenv("BENCHAGENT_MODEL");
	ba_provider_cfg *p;

	if (!((key && *key) || (base && *base)) || ba_config_provider(cfg, "openai"))
		return NULL;
	p = add_provider(cfg);
	p->name = ba_strdup("openai");
	p->base_url = ba_strdup(base && *base ? base : "https://api.openai.com/v1");
	p->api_key_env = ba_strdup("OPENAI_API_KEY");
	p->default_model = ba_strdup(model && *model ? model : "gpt-4o-mini");
	p->from_env = 1;
	return p;
}

static ba_config *config_new(void)
{
	ba_config *cfg = ba_calloc(1, sizeof(*cfg));

	cfg->output_dir = ba_strdup("out");
	ba_config_sections_default(cfg);
	return cfg;
}

/* base_urls: a list of replicas of one model (an endpoint pool). */
static int get_urls(vctx *v, json_t *pj, const char *path, ba_provider_cfg *p)
{
	json_t *a = json_object_get(pj, "base_urls"), *u;
	char *np = ba_asprintf("%s.base_urls", path);
	size_t i;
	int rc = 0;

	if (!a || json_is_null(a))
		goto out;
	if (!json_is_array(a) || !json_array_size(a)) {
		rc = ba_cfg_bad(v, np, "expected a list of URLs");
		goto out;
	}
	if (p->base_url) {
		rc = ba_cfg_bad(v, np, "give base_url or base_urls, not both");
		goto out;
	}
	json_array_foreach(a, i, u) {
		const char *s = json_string_value(u);
		if (!s || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8))) {
			char *ip = ba_asprintf("%s.%zu", np, i);
			rc = ba_cfg_bad(v, ip, "expected an http:// or https:// URL");
			free(ip);
			goto out;
		}
	}
	p->base_urls = ba_calloc(json_array_size(a), sizeof(char *));
	json_array_foreach(a, i, u)
		p->base_urls[i] = ba_strdup(json_string_value(u));
	p->nbase_urls = json_array_size(a);
	p->base_url = ba_strdup(p->base_urls[0]);
out:
	free(np);
	return rc;
}

ba_config *ba_config_default(void)
{
	ba_config *cfg = config_new();
	const ba_provider_cfg *env;

	cfg->raw = json_object();
	add_env_provider(cfg);
	add_mock(cfg);
	if ((env = ba_config_provider(cfg, "openai")))
		set_role(cfg, "default", "openai", env->default_model);
	else
		set_role(cfg, "default", "mock", "mock");
	return cfg;
}

/* http:// or https:// and a host: the gateway sends keys there. */
static int check_url(vctx *v, const char *path, const char *url)
{
	char *p = ba_asprintf("%s.base_url", path);
	const char *host = !strncmp(url, "http://", 7) ? url + 7 : !strncmp(url, "https://", 8) ? url + 8 : NULL;
	int rc = 0;

	if (!host)
		rc = ba_cfg_bad(v, p, "must be an http:// or https:// URL");
	else if (!*host || *host == '/' || strpbrk(url, " \t\r\n"))
		rc = ba_cfg_bad(v, p, "must name a host (http://HOST[:PORT]/...)");
	free(p);
	return rc;
}

static int parse_provider(vctx *v, ba_config *cfg, json_t *pj, size_t idx)
{
	char path[64];
	ba_provider_cfg *p;
	char *proto = NULL;
	double num;
	int rc = 0;
	size_t i;

	snprintf(path, sizeof(path), "providers.%zu", idx);
	if (!json_is_object(pj))
		return ba_cfg_bad(v, path, "expected a mapping with name, protocol, base_url ...");
	warn_unknown(v, pj, path, known_provider);
	p = add_provider(cfg);
	if ((rc = get_str(v, pj, path, "name", &p->name)) ||
	    (rc = get_str(v, pj, path, "protocol", &proto)) ||
	    (rc = get_str(v, pj, path, "base_url", &p->base_url)) ||
	    (rc = get_str(v, pj, path, "api_key_env", &p->api_key_env)) ||
	    (rc = get_str(v, pj, path, "model", &p->default_model)) ||
	    (rc = get_str(v, pj, path, "ca_file", &p->ca_file)))
		goto out;
	if (!p->name) {
		rc = ba_cfg_bad(v, path, "missing 'name'");
		goto out;
	}
	for (i = 0; i + 1 < cfg->nproviders; i++)
		if (!strcmp(cfg->providers[i].name, p->name)) {
			char *np = ba_asprintf("%s.name", path);
			rc = ba_cfg_bad(v, np, "duplicate provider name");
			free(np);
			goto out;
		}
	if (!proto)
		p->protocol = BA_PROTO_OPENAI;
	else if (ba_protocol_parse(proto, &p->protocol) != 0) {
		char *np = ba_asprintf("%s.protocol", path), *msg = ba_asprintf("must be %s", ba_protocol_names());
		rc = ba_cfg_bad(v, np, msg);
		free(msg);
		free(np);
		goto out;
	}
	if ((rc = get_urls(v, pj, path, p)))
		goto out;
	if (ba_protocol_uses_http(p->protocol) && !p->base_url) {
		if (ba_protocol_default_url(p->protocol))
			p->base_url = ba_strdup(ba_protocol_default_url(p->protocol));
		else {
			rc = ba_cfg_bad(v, path, "missing 'base_url'");
			goto out;
		}
	}
	if (p->base_url && (rc = check_url(v, path, p->base_url)) != 0)
		goto out;
	num = p->max_concurrency;
	if ((rc = get_num(v, pj, path, "max_concurrency", 1, 4096, &num)))
		goto out;
	p->max_concurrency = (int)num;
	if ((rc = get_num(v, pj, path, "requests_per_minute", 0, 1e9, &p->rpm)) ||
	    (rc = get_num(v, pj, path, "tokens_per_minute", 0, 1e12, &p->tpm)) ||
	    (rc = get_num(v, pj, path, "timeout", 0.001, 86400, &p->timeout_s)) ||
	    (rc = get_num(v, pj, path, "price_input", 0, 1e6, &p->price_in)) ||
	    (rc = get_num(v, pj, path, "price_output", 0, 1e6, &p->price_out)) ||
	    (rc = get_num(v, pj, path, "latency_ms", 0, 3600000, &p->latency_ms)) ||
	    (rc = get_num(v, pj, path, "batch_discount", 0, 1e6, &p->batch_discount)))
		goto out;
	if (json_object_get(pj, "batch_api")) {
		json_t *b = json_object_get(pj, "batch_api");
		if (!json_is_boolean(b)) {
			char *np = ba_asprintf("%s.batch_api", path);
			rc = ba_cfg_bad(v, np, "expected true or false");
			free(np);
			goto out;
		}
		p->batch_api = json_is_true(b);
	}
	if (p->batch_discount > 1) {
		char *np = ba_asprintf("%s.batch_discount", path);
		rc = ba_cfg_bad(v, np, "must be between 0 and 1 (the batch price as a fraction of the direct price)");
		free(np);
		goto out;
	}
	p->price_set = json_object_get(pj, "price_input") != NULL || json_object_get(pj, "price_output") != NULL;
out:
	free(proto);
	return rc;
}

static int check_ref(vctx *v, ba_config *cfg, const char *path, const char *spec, ba_model_ref *ref)
{
	ba_error e = BA_ERROR_INIT;

	if (ba_model_ref_parse(ref, spec, &e) != 0)
		return ba_cfg_bad(v, path, e.msg);
	if (!ba_config_provider(cfg, ref->provider)) {
		char msg[256];
		snprintf(msg, sizeof(msg), "unknown provider '%s'", ref->provider);
		ba_model_ref_clear(ref);
		return ba_cfg_bad(v, path, msg);
	}
	return 0;
}

static int parse_tree(vctx *v, ba_config *cfg, json_t *root)
{
	json_t *j, *val;
	const char *k;
	size_t i;
	int rc;

	if (!json_is_object(root))
		return ba_cfg_bad(v, "(top)", "expected a mapping");
	warn_unknown(v, root, "", known_top);

	j = json_object_get(root, "providers");
	if (j && !json_is_array(j))
		return ba_cfg_bad(v, "providers", "expected a list of providers");
	json_array_foreach(j, i, val)
		if ((rc = parse_provider(v, cfg, val, i)))
			return rc;
	add_env_provider(cfg);
	add_mock(cfg);

	j = json_object_get(root, "roles");
	if (json_is_null(j))
		j = NULL;
	if (j && !json_is_object(j))
		return ba_cfg_bad(v, "roles", "expected a mapping role: provider/model");
	json_object_foreach(j, k, val) {
		char *path = ba_asprintf("roles.%s", k);
		ba_model_ref ref;
		if (!in_list(k, ba_config_roles))
			BA_WARN("%s:%ld: unknown role '%s' (known: design, grounding, allocation, realize, inspect, repair, fix, judge, ...)",
				v->file, ba_cfg_line(v, path), k);
		if (!json_is_string(val))
			rc = ba_cfg_bad(v, path, "expected \"provider/model\"");
		else
			rc = check_ref(v, cfg, path, json_string_value(val), &ref);
		free(path);
		if (rc)
			return rc;
		set_role(cfg, k, ref.provider, ref.model);
		ba_model_ref_clear(&ref);
	}

	j = json_object_get(root, "solvers");
	if (j && !json_is_array(j))
		return ba_cfg_bad(v, "solvers", "expected a list of \"provider/model\"");
	json_array_foreach(j, i, val) {
		char path[64];
		snprintf(path, sizeof(path), "solvers.%zu", i);
		if (!json_is_string(val))
			return ba_cfg_bad(v, path, "expected \"provider/model\"");
		cfg->solvers = ba_realloc(cfg->solvers, (cfg->nsolvers + 1) * sizeof(*cfg->solvers));
		if ((rc = check_ref(v, cfg, path, json_string_value(val), &cfg->solvers[cfg->nsolvers])))
			return rc;
		cfg->nsolvers++;
	}

	j = json_object_get(root, "budget");
	if (j && !json_is_object(j))
		return ba_cfg_bad(v, "budget", "expected a mapping (usd, tokens, workspace_usd)");
	if (j) {
		static const char *const kb[] = { "usd", "tokens", "workspace_usd", NULL };
		double t = 0;
		warn_unknown(v, j, "budget", kb);
		if ((rc = get_num(v, j, "budget", "usd", 0, 1e9, &cfg->budget_usd)) ||
		    (rc = get_num(v, j, "budget", "tokens", 0, 9e15, &t)) ||
		    (rc = get_num(v, j, "budget", "workspace_usd", 0, 1e9, &cfg->workspace_budget_usd)))
			return rc;
		cfg->budget_tokens = (long long)t;
	}

	j = json_object_get(root, "pool");
	if (json_is_string(j))
		ba_config_add_pool(cfg, json_string_value(j));
	else if (json_is_array(j)) {
		json_array_foreach(j, i, val) {
			char path[64];
			snprintf(path, sizeof(path), "pool.%zu", i);
			if (!json_is_string(val))
				return ba_cfg_bad(v, path, "expected a directory path");
			ba_config_add_pool(cfg, json_string_value(val));
		}
	} else if (j && !json_is_null(j))
		return ba_cfg_bad(v, "pool", "expected a directory or a list of directories");

	j = json_object_get(root, "output");
	if (j && !json_is_string(j))
		return ba_cfg_bad(v, "output", "expected a directory path");
	if (j) {
		free(cfg->output_dir);
	free(cfg->store);
		cfg->output_dir = ba_strdup(json_string_value(j));
	}
	j = json_object_get(root, "store");
	if (j && !json_is_null(j)) {
		const char *t = json_string_value(j);
		if (!t || (strcmp(t, "sqlite") != 0 && strncmp(t, "postgresql://", 13) != 0 &&
			   strncmp(t, "postgres://", 11) != 0))
			return ba_cfg_bad(v, "store", "expected sqlite or a postgresql://... URL");
		cfg->store = ba_strdup(t);
	}
	return ba_config_sections_parse(v, cfg, root);
}

static int has_role(const ba_config *cfg, const char *role)
{
	size_t i;

	for (i = 0; i < cfg->nroles; i++)
		if (!strcmp(cfg->roles[i].role, role))
			return 1;
	return 0;
}

int ba_config_load(ba_config **out, const char *path, int missing_ok, ba_error *err)
{
	ba_config *cfg;
	json_t *root = NULL, *lines = NULL;
	vctx v;
	int rc;

	*out = NULL;
	if (!ba_fs_exists(path)) {
		if (!missing_ok)
			return ba_error_set(err, BA_ENOTFOUND, "%s: no such configuration file", path);
		*out = ba_config_default();
		return 0;
	}
	if ((rc = ba_yaml_load_file(&root, &lines, path, err)) != 0)
		return rc;
	cfg = config_new();
	cfg->path = ba_strdup(path);
	v.file = path;
	v.lines = lines;
	v.err = err;
	if (json_is_null(root)) {
		json_decref(root);
		root = json_object();
	}
	rc = parse_tree(&v, cfg, root);
	json_decref(lines);
	if (rc) {
		json_decref(root);
		ba_config_free(cfg);
		return rc;
	}
	cfg->raw = root;
	if (!has_role(cfg, "default")) {
		/* no explicit default: the first real provider of the file serves
		 * every role, else the environment's, else the mock */
		const ba_provider_cfg *p = NULL;
		size_t i;
		for (i = 0; i < cfg->nproviders && !p; i++)
			if (cfg->providers[i].protocol != BA_PROTO_MOCK && !cfg->providers[i].from_env)
				p = &cfg->providers[i];
		for (i = 0; i < cfg->nproviders && !p; i++)
			if (cfg->providers[i].from_env)
				p = &cfg->providers[i];
		if (!p)
			p = &cfg->providers[0];
		set_role(cfg, "default", p->name, p->default_model ? p->default_model : "mock");
	}
	*out = cfg;
	return 0;
}

void ba_model_ref_clear(ba_model_ref *r)
{
	free(r->provider);
	free(r->model);
	r->provider = r->model = NULL;
}

int ba_model_ref_parse(ba_model_ref *out, const char *spec, ba_error *err)
{
	const char *slash = strchr(spec, '/');

	out->provider = out->model = NULL;
	if (!*spec)
		return ba_error_set(err, BA_EINVAL, "empty model reference");
	if (!slash) {
		out->provider = ba_strdup(spec);
		return 0;
	}
	if (slash == spec || !slash[1])
		return ba_error_set(err, BA_EINVAL, "'%s' is not of the form provider/model", spec);
	out->provider = ba_strndup(spec, (size_t)(slash - spec));
	out->model = ba_strdup(slash + 1);
	return 0;
}

void ba_config_free(ba_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nproviders; i++) {
		ba_provider_cfg *p = &cfg->providers[i];
		free(p->name);
		free(p->base_url);
		for (size_t u = 0; u < p->nbase_urls; u++)
			free(p->base_urls[u]);
		free(p->base_urls);
		free(p->api_key_env);
		free(p->default_model);
		free(p->ca_file);
	}
	free(cfg->providers);
	for (i = 0; i < cfg->nroles; i++) {
		free(cfg->roles[i].role);
		ba_model_ref_clear(&cfg->roles[i].ref);
	}
	free(cfg->roles);
	for (i = 0; i < cfg->nsolvers; i++)
		ba_model_ref_clear(&cfg->solvers[i]);
	free(cfg->solvers);
	for (i = 0; i < cfg->npools; i++)
		free(cfg->pools[i]);
	free(cfg->pools);
	free(cfg->output_dir);
	free(cfg->path);
	free(cfg->provider_override);
	ba_config_sections_free(cfg);
	json_decref(cfg->raw);
	free(cfg);
}

void ba_config_add_pool(ba_config *cfg, const char *dir)
{
	cfg->pools = ba_realloc(cfg->pools, (cfg->npools + 1) * sizeof(char *));
	cfg->pools[cfg->npools++] = ba_strdup(dir);
}

int ba_config_set_provider_override(ba_config *cfg, const char *name, ba_error *err)
{
	if (!ba_config_provider(cfg, name)) {
		size_t i;
		char known[512] = "";
		for (i = 0; i < cfg->nproviders; i++) {
			strncat(known, i ? ", " : "", sizeof(known) - strlen(known) - 1);
			strncat(known, cfg->providers[i].name, sizeof(known) - strlen(known) - 1);
		}
		return ba_error_set(err, BA_EUSAGE, "--provider: unknown provider '%s' (configured: %s)", name, known);
	}
	free(cfg->provider_override);
	cfg->provider_override = ba_strdup(name);
	return 0;
}

const ba_provider_cfg *ba_config_provider(const ba_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; name && i < cfg->nproviders; i++)
		if (!strcmp(cfg->providers[i].name, name))
			return &cfg->providers[i];
	return NULL;
}

int ba_config_resolve(const ba_config *cfg, const char *role, const ba_provider_cfg **prov,
		      const char **model, ba_error *err)
{
	const ba_model_ref *ref = NULL;
	const ba_provider_cfg *p;
	size_t i;

	if (cfg->provider_override) {
		p = ba_config_provider(cfg, cfg->provider_override);
		*prov = p;
		*model = p->default_model ? p->default_model : "mock";
		/* keep a role's model when the role already points at that provider */
		for (i = 0; i < cfg->nroles; i++)
			if (role && !strcmp(cfg->roles[i].role, role) &&
			    !strcmp(cfg->roles[i].ref.provider, p->name) && cfg->roles[i].ref.model)
				*model = cfg->roles[i].ref.model;
		return 0;
	}
	for (i = 0; role && i < cfg->nroles; i++)
		if (!strcmp(cfg->roles[i].role, role))
			ref = &cfg->roles[i].ref;
	for (i = 0; !ref && i < cfg->nroles; i++)
		if (!strcmp(cfg->roles[i].role, "default"))
			ref = &cfg->roles[i].ref;
	if (!ref) {
		if (cfg->nproviders == 0)
			return ba_error_set(err, BA_EINVAL, "no provider configured for role '%s'", role ? role : "?");
		*prov = &cfg->providers[0];
		*model = cfg->providers[0].default_model ? cfg->providers[0].default_model : "mock";
		return 0;
	}
	p = ba_config_provider(cfg, ref->provider);
	if (!p)
		return ba_error_set(err, BA_EINVAL, "role '%s': unknown provider '%s'", role ? role : "default", ref->provider);
	*prov = p;
	*model = ref->model ? ref->model : (p->default_model ? p->default_model : "mock");
	return 0;
}

json_t *ba_config_section(const ba_config *cfg, const char *name)
{
	json_t *j = cfg->raw ? json_object_get(cfg->raw, name) : NULL;
	return json_is_object(j) ? j : NULL;
}

static const char template_text[] =
"# benchagent.yaml - workspace configuration (written by `benchagent init`).\n"
"# API keys are never stored here: each provider names the environment\n"
"# variable that holds its key.\n"
"\n"
"providers:\n"
"  # Offline, deterministic replies for dry runs and tests (always available).\n"
"  - name: mock\n"
"    protocol: mock\n"
"    latency_ms: 0\n"
"  # Any OpenAI-compatible endpoint: OpenAI, vLLM, SGLang, llama-server, Ollama, OpenRouter.\n"
"  # - name: openai\n"
"  #   protocol: openai            # @PROTOCOLS@\n"
"  #   base_url: https://api.openai.com/v1\n"
"  #   api_key_env: OPENAI_API_KEY # name of the environment variable, not the key\n"
"  #   model: gpt-4o-mini          # default model for roles naming only the provider\n"
"  #   max_concurrency: 32         # requests in flight\n"
"  #   requests_per_minute: 500\n"
"  #   tokens_per_minute: 2000000\n"
"  #   timeout: 120                # seconds per request\n"
"  #   price_input: 0.15           # USD per million input tokens\n"
"  #   price_output: 0.60          # USD per million output tokens\n"
"  #   ca_file: /path/ca.pem       # CA bundle for an https endpoint with its own certificate\n"
"  # - name: claude\n"
"  #   protocol: anthropic\n"
"  #   base_url: https://api.anthropic.com\n"
"  #   api_key_env: ANTHROPIC_API_KEY\n"
"\n"
"# Which provider/model plays each role. 'default' serves any role not listed.\n"
"roles:\n"
"  # default: mock/mock   # unset: the first real provider above serves every role; with\n"
"  #                      # none, the environment's (OPENAI_API_KEY / OPENAI_BASE_URL, model\n"
"  #                      # $BENCHAGENT_MODEL or gpt-4o-mini) as 'openai'; else the mock\n"
"  # design: openai/gpt-4o\n"
"  # grounding: openai/gpt-4o-mini\n"
"  # allocation: openai/gpt-4o-mini\n"
"  # realize: openai/gpt-4o-mini\n"
"  # inspect: openai/gpt-4o\n"
"  # repair: openai/gpt-4o-mini\n"
"  # fix: openai/gpt-4o-mini\n"
"  # judge: claude/claude-3-5-sonnet-latest\n"
"\n"
"# Models under test (the solver panel) for `benchagent eval` and item statistics.\n"
"solvers: []\n"
"#  - openai/gpt-4o-mini\n"
"\n"
"# Hard caps. 0 means no cap. When a cap is reached no new call starts and the\n"
"# run stops resumably.\n"
"budget:\n"
"  usd: 0            # per run\n"
"  tokens: 0         # per run\n"
"  workspace_usd: 0  # across all runs in this workspace\n"
"\n"
"# Dataset-card pools searched by the grounding agent.\n"
"pool: []\n"
"#  - ../shared/datasets/general-bench-subset\n"
"\n"
"# Where built benchmarks are written (out/<benchmark-id>/).\n"
"output: out\n";

int ba_config_write_template(const char *path, ba_error *err)
{
	/* the protocols a provider may name come from their table */
	const char *at = strstr(template_text, "@PROTOCOLS@");
	char *text;
	int rc;

	if (ba_fs_exists(path))
		return ba_error_set(err, BA_EINVAL, "%s: already exists (not overwritten)", path);
	text = ba_asprintf("%.*s%s%s", (int)(at - template_text), template_text, ba_protocol_names(),
			   at + strlen("@PROTOCOLS@"));
	rc = ba_fs_write_atomic(path, text, strlen(text), err);
	free(text);
	return rc;
}
