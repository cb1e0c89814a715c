/*
 * cli.c - helpers shared by the commands.
 */
#include "cli.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int ba_cli_config(ba_cli *cli, ba_config **out, ba_error *err)
{
	int i, rc;

	if (!cli->cfg) {
		char *path = ba_path_join(cli->workspace, "benchagent.yaml");
		rc = ba_config_load(&cli->cfg, path, 1, err);
		free(path);
		if (rc)
			return rc;
		for (i = 0; i < cli->npools; i++)
			ba_config_add_pool(cli->cfg, cli->pools[i]);
		if (cli->provider && (rc = ba_config_set_provider_override(cli->cfg, cli->provider, err)) != 0)
			return rc;
		for (i = 0; cli->cmd && cli->cmd->roles && cli->cmd->roles[i]; i++)
			ba_cli_print_role(cli, cli->cmd->roles[i]);
	}
	*out = cli->cfg;
	return 0;
}

/* Where a provider comes from, for the lines below. */
static void print_ref(const char *label, const ba_provider_cfg *p, const char *model, const ba_config *cfg)
{
	if (p->protocol == BA_PROTO_MOCK)
		fprintf(stderr, "%s: %s/%s (offline mock)\n", label, p->name, model);
	else
		fprintf(stderr, "%s: %s/%s (%s, %s)\n", label, p->name, model,
			p->from_env ? "from OPENAI_API_KEY/OPENAI_BASE_URL" : cfg->path ? cfg->path : "configuration",
			p->base_url ? p->base_url : "");
}

void ba_cli_print_role(ba_cli *cli, const char *role)
{
	const ba_provider_cfg *p;
	const char *model;
	char *label;

	if (cli->verbosity < 0 || !cli->cfg || ba_config_resolve(cli->cfg, role, &p, &model, NULL) != 0)
		return;
	label = ba_asprintf("role %s", role);
	print_ref(label, p, model, cli->cfg);
	free(label);
}

void ba_cli_print_model(ba_cli *cli, const char *label, const char *spec)
{
	ba_model_ref ref;
	const ba_provider_cfg *p;

	if (cli->verbosity < 0 || !cli->cfg || ba_model_ref_parse(&ref, spec, NULL) != 0)
		return;
	if ((p = ba_config_provider(cli->cfg, ref.provider)))
		print_ref(label, p, ref.model ? ref.model : p->default_model ? p->default_model : "mock", cli->cfg);
	ba_model_ref_clear(&ref);
}

const char *ba_cli_store_target(const ba_cli *cli)
{
	const char *env = getenv("BENCHAGENT_STORE");

	if (env && *env)
		return env;
	return cli->cfg ? cli->cfg->store : NULL;
}

int ba_cli_store(ba_cli *cli, ba_store **out, ba_error *err)
{
	ba_store *real = NULL;
	int rc;

	if (cli->store) {
		*out = cli->store;
		return 0;
	}
	if ((rc = ba_store_open_at(&real, cli->workspace, ba_cli_store_target(cli), err)) != 0)
		return rc;
	if (!cli->dry_run) {
		cli->store = real;
		*out = real;
		return 0;
	}
	cli->dry_dir = ba_fs_mkdtemp("dryrun", err);
	rc = cli->dry_dir ? ba_store_clone(real, cli->dry_dir, &cli->store, err) : BA_EIO;
	ba_store_close(real);
	if (rc)
		return rc;
	*out = cli->store;
	return 0;
}

void ba_cli_print_estimate(ba_cli *cli, long calls, long cached, long prompt_tokens,
			   long completion_tokens, double cost_usd)
{
	if (cli->json)
		return;
	fprintf(stderr,
		"dry run: %ld model calls (%ld already cached, %ld to send), about %ld input + %ld output tokens,\n"
		"         estimated cost $%.4f at the configured prices; nothing was sent and nothing was kept\n",
		calls, cached, calls - cached, prompt_tokens, completion_tokens, cost_usd);
}

void ba_cli_print_item_cost(double cost_usd, long long items, int estimate)
{
	if (items > 0)
		printf("%s $%.4f, $%.6f per accepted item\n", estimate ? "estimated cost" : "cost", cost_usd,
		       cost_usd / (double)items);
	else
		printf("%s $%.4f, no accepted item\n", estimate ? "estimated cost" : "cost", cost_usd);
}

int ba_cli_fail(ba_cli *cli, const ba_error *err)
{
	(void)cli;
	fprintf(stderr, "benchagent: %s\n", err->msg[0] ? err->msg : ba_strerror(err->code));
	return err->code == BA_EUSAGE ? BA_EXIT_USAGE : BA_EXIT_FAIL;
}

int ba_cli_usage(const ba_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "benchagent %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n(see 'benchagent %s --help')\n", cmd->usage, cmd->name);
	return BA_EXIT_USAGE;
}

void ba_cli_print_help(const ba_command *cmd, FILE *f)
{
	fprintf(f, "usage: %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		fprintf(f, "\n%s", cmd->help);
	if (cmd->help_tables)
		cmd->help_tables(f);
	fprintf(f, "\nGlobal options: --workspace DIR, -v/-q, --json, --seed N, --provider NAME,\n"
		   "  --pool DIR, -o PATH, --dry-run, --no-cache (see 'benchagent help').\n");
}

static const ba_opt *find_long(const ba_opt *opts, const char *name, size_t n)
{
	for (; opts && opts->lng; opts++)
		if (strlen(opts->lng) == n && !strncmp(opts->lng, name, n))
			return opts;
	return NULL;
}

static const ba_opt *find_short(const ba_opt *opts, char c)
{
	for (; opts && opts->lng; opts++)
		if (opts->shrt && opts->shrt == c)
			return opts;
	return NULL;
}

int ba_cli_parse(const ba_command *cmd, int argc, char **argv, const ba_opt *opts,
		 char **pos, int npos_max, int *npos, int *exit_code)
{
	int i, only_pos = 0;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		const ba_opt *o = NULL;
		const char *val = NULL;

		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= npos_max) {
				*exit_code = ba_cli_usage(cmd, "unexpected argument '%s'", a);
				return 1;
			}
			pos[(*npos)++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			ba_cli_print_help(cmd, stdout);
			*exit_code = BA_EXIT_OK;
			return 1;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			o = find_long(opts, a + 2, n);
			if (eq)
				val = eq + 1;
		} else if (a[2] == '\0') {
			o = find_short(opts, a[1]);
		}
		if (!o) {
			*exit_code = ba_cli_usage(cmd, "unknown option '%s'", a);
			return 1;
		}
		if (o->has_arg) {
			if (!val) {
				if (i + 1 >= argc) {
					*exit_code = ba_cli_usage(cmd, "option '--%s' needs a value", o->lng);
					return 1;
				}
				val = argv[++i];
			}
			*o->str = val;
		} else {
			if (val) {
				*exit_code = ba_cli_usage(cmd, "option '--%s' takes no value", o->lng);
				return 1;
			}
			*o->flag = 1;
		}
	}
	return 0;
}

int ba_cli_long(const ba_command *cmd, const char *name, const char *val, long lo, long hi,
		long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || end == val || *end || v < lo || v > hi)
		return ba_cli_usage(cmd, "%s: '%s' is not a whole number from %ld to %ld", name, val, lo, hi);
	*out = v;
	return 0;
}

/* Pull repeatable options out of argv (they would overwrite each other in
 * ba_cli_parse); returns 0 or a usage exit code. */
int ba_cli_take_repeat(const ba_command *cmd, int *argc, char **argv, const char *name, const char **vals, int max,
		       int *n)
{
	size_t ln = strlen(name);
	int i, j = 1;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i], *v = NULL;
		if (!strcmp(a, "--"))  {
			for (; i < *argc; i++)
				argv[j++] = argv[i];
			break;
		}
		if (!strncmp(a, name, ln) && a[ln] == '=')
			v = a + ln + 1;
		else if (!strcmp(a, name)) {
			if (i + 1 >= *argc)
				return ba_cli_usage(cmd, "option '%s' needs a value", name);
			v = argv[++i];
		}
		if (v) {
			if (*n >= max)
				return ba_cli_usage(cmd, "at most %d %s options", max, name);
			vals[(*n)++] = v;
			continue;
		}
		argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	return 0;
}

/* MODEL=VALUE pairs into obj (numbers when numeric is set). */
int ba_cli_pairs(const ba_command *cmd, const char **vals, int n, const char *opt, int numeric, json_t *obj)
{
	int i;

	for (i = 0; i < n; i++) {
		const char *eq = strrchr(vals[i], '=');
		char *k;
		if (!eq || eq == vals[i] || !eq[1])
			return ba_cli_usage(cmd, "%s '%s': expected MODEL=VALUE", opt, vals[i]);
		k = ba_strndup(vals[i], (size_t)(eq - vals[i]));
		if (numeric) {
			char *end;
			double d;
			errno = 0;
			d = strtod(eq + 1, &end);
			if (errno || end == eq + 1 || (*end && strcmp(end, "B") && strcmp(end, "b")) || d <= 0) {
				free(k);
				return ba_cli_usage(cmd, "%s '%s': size must be a positive number of billions",
						    opt, vals[i]);
			}
			json_object_set_new(obj, k, json_real(d));
		} else {
			json_object_set_new(obj, k, json_string(eq + 1));
		}
		free(k);
	}
	return 0;
}

void ba_cli_audit_defaults(ba_config *cfg, const char **vals, int max, int *n, int thr_given, double *thr)
{
	json_t *sec = ba_config_section(cfg, "audit"), *v;
	size_t i;

	if (*n == 0)
		json_array_foreach(json_object_get(sec, "judges"), i, v)
			if (json_is_string(v) && *n < max)
				vals[(*n)++] = json_string_value(v);
	if (!thr_given && json_is_number(json_object_get(sec, "threshold")))
		*thr = json_number_value(json_object_get(sec, "threshold"));
}
