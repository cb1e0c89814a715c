/*
 * prompt.c - what a judge sees: the request, the subtask and the item, each
 * as JSON inside a tagged data section of prompts/audit_item.txt, the
 * criteria in a per-(judge, item) shuffled order, and the item's images
 * as image_url parts. The JSON is written with every '<' and '>' escaped
 * (\u003c, \u003e), so nothing in the data can close its section or open
 * another: hostile item text stays data.
 */
#include "benchagent/audit.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/prompt.h"

#include <stdlib.h>
#include <string.h>

#define MAX_IMAGE_BYTES ((size_t)20 << 20)
#define MAX_DATA_BYTES ((size_t)4 << 20)

/* JSON text of v with '<' and '>' escaped (caller frees), NULL when too
 * large. order: JSON_PRESERVE_ORDER (a view we built in a fixed order) or
 * JSON_SORT_KEYS (anything else: a plan's subtask has its keys in the order
 * it was made or in the stored order, and the request must not change). */
static char *data_json(const json_t *v, size_t order)
{
	char *raw = json_dumps(v, JSON_INDENT(2) | order | JSON_ENCODE_ANY);
	ba_buf b = BA_BUF_INIT(MAX_DATA_BYTES);
	const char *p;
	char *out = NULL;
	int rc = 0;

	if (!raw)
		return NULL;
	for (p = raw; *p && rc == 0; p++) {
		if (*p == '<')
			rc = ba_buf_puts(&b, "\\u003c");
		else if (*p == '>')
			rc = ba_buf_puts(&b, "\\u003e");
		else
			rc = ba_buf_append(&b, p, 1);
	}
	if (rc == 0)
		out = ba_strdup(ba_buf_cstr(&b));
	ba_buf_free(&b);
	free(raw);
	return out;
}

/* The fields a judge needs, in a fixed order (no provenance or checks,
 * which would tell the judge what other checks thought). */
static json_t *item_view(const json_t *item)
{
	static const char *const keys[] = { "id", "subtask", "question", "context", "choices", "answer",
					    "answer_text", "answer_type", "explanation", "difficulty", NULL };
	json_t *v = json_object(), *media = json_object_get(item, "media"), *m, *jm;
	size_t i;

	for (i = 0; keys[i]; i++) {
		json_t *x = json_object_get(item, keys[i]);
		if (x && !json_is_null(x))
			json_object_set(v, keys[i], x);
	}
	if (json_array_size(media)) {
		jm = json_array();
		json_array_foreach(media, i, m)
			json_array_append_new(jm, json_pack("{s:s, s:s}", "type", ba_json_str(m, "type", "?"),
							    "path", ba_json_str(m, "path", "?")));
		json_object_set_new(v, "media", jm);
	}
	return v;
}

/* Image parts for item's media (appended to parts); *nimages counts them. */
static int image_parts(const char *dir, const json_t *item, json_t *parts, int *nimages, ba_error *err)
{
	json_t *m;
	size_t i;

	*nimages = 0;
	json_array_foreach(json_object_get(item, "media"), i, m) {
		const char *rel = ba_json_str(m, "path", NULL);
		char *path = NULL, *url = NULL;
		ba_error e = BA_ERROR_INIT;
		if (strcmp(ba_json_str(m, "type", ""), "image"))
			continue;
		if (!rel || ba_fs_rel_inside(dir, rel, &path, &e) != 0)
			return ba_error_set(err, BA_EINVAL, "item %s: media[%zu]: %s", ba_json_str(item, "id", "?"), i,
					    rel ? e.msg : "no path");
		url = ba_data_url_from_file(path, MAX_IMAGE_BYTES);
		free(path);
		if (!url)
			return ba_error_set(err, BA_EINVAL, "item %s: cannot read image media[%zu] %s",
					    ba_json_str(item, "id", "?"), i, rel);
		json_array_append_new(parts, json_pack("{s:s, s:{s:s}}", "type", "image_url", "image_url", "url", url));
		free(url);
		(*nimages)++;
	}
	return 0;
}

static char *criteria_text(const int *order, char **keys_out)
{
	ba_buf b = BA_BUF_INIT(1 << 16), k = BA_BUF_INIT(1 << 16);
	char *out;
	int i;

	for (i = 0; i < BA_AUDIT_NCRIT; i++) {
		ba_buf_printf(&b, "- %s: %s\n", ba_audit_criteria[order[i]], ba_audit_criterion_text(order[i]));
		ba_buf_printf(&k, "%s\"%s\": {\"score\": ..., \"rationale\": \"...\"}", i ? ", " : "{",
			      ba_audit_criteria[order[i]]);
	}
	ba_buf_puts(&k, "}");
	out = ba_strdup(ba_buf_cstr(&b));
	*keys_out = ba_strdup(ba_buf_cstr(&k));
	ba_buf_free(&b);
	ba_buf_free(&k);
	return out;
}

int ba_audit_messages(const char *dir, const char *request, const json_t *subtask,
		      const json_t *item, const int *order, json_t **messages, ba_error *err)
{
	json_t *view = item_view(item), *parts = json_array(), *vars = NULL;
	json_t *jreq = json_string(request ? request : "(not recorded)");
	char *ji = data_json(view, JSON_PRESERVE_ORDER), *jr = data_json(jreq, JSON_PRESERVE_ORDER), *js = NULL, *keys = NULL, *crit, *text = NULL;
	char *note;
	int nimg = 0, rc;

	*messages = NULL;
	js = subtask ? data_json(subtask, JSON_SORT_KEYS) : ba_strdup("\"(no subtask description)\"");
	crit = criteria_text(order, &keys);
	if (!ji || !jr || !js) {
		rc = ba_error_set(err, BA_ELIMIT, "item %s: too large to audit", ba_json_str(item, "id", "?"));
		goto cleanup;
	}
	if ((rc = image_parts(dir, item, parts, &nimg, err)) != 0)
		goto cleanup;
	note = nimg ? ba_asprintf(" (its %d image%s attached after this text, in the order of \"media\")", nimg,
				  nimg > 1 ? "s are" : " is")
		    : ba_strdup(json_array_size(json_object_get(item, "media")) ? " (its media is not attached)" : "");
	vars = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "request", jr, "subtask", js, "item", ji, "criteria",
			 crit, "keys", keys, "media_note", note);
	free(note);
	if ((rc = ba_prompt_render("audit_item.txt", vars, &text, err)) != 0)
		goto cleanup;
	json_array_insert_new(parts, 0, json_pack("{s:s, s:s}", "type", "text", "text", text));
	if (nimg)
		*messages = json_pack("[{s:s, s:O}]", "role", "user", "content", parts);
	else
		*messages = json_pack("[{s:s, s:s}]", "role", "user", "content", text);
cleanup:
	json_decref(view);
	json_decref(jreq);
	json_decref(parts);
	json_decref(vars);
	free(ji);
	free(jr);
	free(js);
	free(keys);
	free(crit);
	free(text);
	return rc;
}
