/*
 * tools.c - the executor's tools as the planner sees them. The planner
 * keeps no list of its own: the executor registers its one tool table
 * (src/exec/tools.c) when it is linked in, and everything the planner says
 * or checks about tools reads that copy: the tools the grounding agent is
 * offered by name (the prompt's list, the error naming them), the names a
 * transformation may use (t_score, ba_plan_validate), the conversions of
 * the modality rule.
 */
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t tools_mu = PTHREAD_MUTEX_INITIALIZER;
static ba_plan_tool_info *tools;
static size_t ntools;

static char *dup_or_null(const char *s)
{
	return s ? ba_strdup(s) : NULL;
}

void ba_plan_register_tools(const ba_plan_tool_info *t, size_t n)
{
	size_t i;

	pthread_mutex_lock(&tools_mu);
	for (i = 0; i < ntools; i++) {
		free((char *)tools[i].name);
		free((char *)tools[i].consumes);
		free((char *)tools[i].produces);
		free((char *)tools[i].note);
	}
	free(tools);
	tools = n ? ba_calloc(n, sizeof(*tools)) : NULL;
	for (i = 0; i < n; i++) {
		tools[i].name = ba_strdup(t[i].name);
		tools[i].consumes = dup_or_null(t[i].consumes);
		tools[i].produces = dup_or_null(t[i].produces);
		tools[i].planner = t[i].planner;
		tools[i].note = dup_or_null(t[i].note);
	}
	ntools = n;
	pthread_mutex_unlock(&tools_mu);
}

int ba_plan_tool_known(const char *name)
{
	size_t i;
	int found = 0;

	pthread_mutex_lock(&tools_mu);
	for (i = 0; name && i < ntools && !found; i++)
		found = !strcmp(tools[i].name, name);
	pthread_mutex_unlock(&tools_mu);
	return found;
}

char *ba_plan_tool_list(int notes)
{
	ba_buf b = BA_BUF_INIT(1 << 16);
	size_t i;
	int first = 1;

	pthread_mutex_lock(&tools_mu);
	for (i = 0; i < ntools; i++) {
		if (!tools[i].planner)
			continue;
		ba_buf_printf(&b, "%s%s", first ? "" : ", ", tools[i].name);
		if (notes && tools[i].note)
			ba_buf_printf(&b, " (%s)", tools[i].note);
		first = 0;
	}
	pthread_mutex_unlock(&tools_mu);
	return ba_buf_detach(&b);
}

/* The registered tool that turns `from` into `to` (new string) or NULL. */
char *ba_plan_conversion(const char *from, const char *to)
{
	char *r = NULL;
	size_t i;

	pthread_mutex_lock(&tools_mu);
	for (i = 0; i < ntools && !r; i++)
		if (tools[i].consumes && tools[i].produces && !strcmp(tools[i].consumes, from) &&
		    !strcmp(tools[i].produces, to))
			r = ba_strdup(tools[i].name);
	pthread_mutex_unlock(&tools_mu);
	return r;
}

/* Every conversion the executor can perform: [{tool, from, to}]. */
json_t *ba_plan_conversions(void)
{
	json_t *a = json_array();
	size_t i;

	pthread_mutex_lock(&tools_mu);
	for (i = 0; i < ntools; i++)
		if (tools[i].consumes && tools[i].produces)
			json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "tool", tools[i].name, "from",
							   tools[i].consumes, "to", tools[i].produces));
	pthread_mutex_unlock(&tools_mu);
	return a;
}
