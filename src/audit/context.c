/*
 * context.c - what the benchmark folder says about the items being
 * audited: the user's request and the subtasks (plan.json), and the models
 * that wrote the items (manifest.json "models" and each item's
 * provenance.models), for the self-preference warning.
 */
#include "audit_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/benchdir.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

static void add_writer(json_t *writers, const json_t *v)
{
	const char *s = json_string_value(v);
	const json_t *e;
	size_t i;

	if (!s || !*s)
		return;
	json_array_foreach(writers, i, e)
		if (!strcmp(json_string_value(e), s))
			return;
	json_array_append_new(writers, json_string(s));
}

void ba_audit_ctx_load(audit_ctx *c, const char *dir, const json_t *items)
{
	char *p = ba_path_join(dir, "plan.json");
	json_t *plan = NULL, *man = ba_benchdir_manifest(dir), *st, *it, *m;
	size_t i, k;

	c->request = NULL;
	c->subtasks = json_object();
	c->writers = json_array();
	if (ba_fs_exists(p) && ba_json_load_file(&plan, p, 0, NULL) != 0)
		plan = NULL;
	free(p);
	if (plan) {
		const char *d = ba_json_str(json_object_get(plan, "query"), "description", NULL);
		if (d)
			c->request = ba_strdup(d);
		json_array_foreach(json_object_get(plan, "subtasks"), i, st) {
			const char *id = ba_json_str(st, "id", NULL);
			if (id)
				json_object_set_new(c->subtasks, id,
						    json_pack("{s:s, s:s?, s:s?, s:s?, s:O?}", "id", id, "name",
							      ba_json_str(st, "name", NULL), "description",
							      ba_json_str(st, "description", NULL), "answer_type",
							      ba_json_str(st, "answer_type", NULL), "modalities",
							      json_object_get(st, "modalities")));
		}
	}
	if (!c->request && man && ba_json_str(man, "description", NULL))
		c->request = ba_strdup(ba_json_str(man, "description", NULL));
	json_array_foreach(json_object_get(man, "models"), i, m)
		add_writer(c->writers, m);
	json_array_foreach(items, i, it)
		json_array_foreach(json_object_get(json_object_get(it, "provenance"), "models"), k, m)
			add_writer(c->writers, m);
	json_decref(plan);
	json_decref(man);
}

void ba_audit_ctx_clear(audit_ctx *c)
{
	free(c->request);
	json_decref(c->subtasks);
	json_decref(c->writers);
	memset(c, 0, sizeof(*c));
}

json_t *ba_audit_subtask(const audit_ctx *c, const char *id)
{
	return id ? json_object_get(c->subtasks, id) : NULL;
}
