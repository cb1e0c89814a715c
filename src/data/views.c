/*
 * views.c - retrieval documents and their two views. A document is
 *   {id, source, kind, name, modalities, roles, text: {field: string},
 *    meta: {field: string}}
 * "text" is the source's own words (a card's name, description and card
 * text; a generator's name and description), "meta" what it is made of
 * (a card's field roles with their semantics, io schemas, tasks, domain,
 * existing tags; a generator's tags, answer type and item fields). Each
 * view is indexed on its own (index.c); the fields are kept so a hit can
 * say which of them matched.
 */
#include "pool_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

static void put_strings(ba_buf *b, const json_t *v)
{
	size_t i;
	json_t *x;

	if (json_is_string(v)) {
		ba_buf_printf(b, "%s ", json_string_value(v));
		return;
	}
	json_array_foreach(v, i, x)
		put_strings(b, x);
}

static void set_field(json_t *view, const char *name, ba_buf *b)
{
	if (b->len > 0)
		json_object_set_new(view, name, json_string(ba_buf_cstr(b)));
	ba_buf_reset(b);
}

/* A card's meta view: one field per kind of metadata. */
static json_t *meta_view(const ba_card *c)
{
	json_t *view = json_object(), *f, *io, *tags;
	ba_buf b = BA_BUF_INIT(1 << 18);
	const char *role, *k;
	size_t i;

	json_object_foreach(ba_json_path(c->json, "meta.fields"), role, f)
		ba_buf_printf(&b, "%s %s %s %s. ", role, ba_json_str(f, "modality", ""), ba_json_str(f, "style", ""),
			      ba_json_str(f, "semantics", ""));
	set_field(view, "roles", &b);
	json_array_foreach(json_object_get(c->json, "io_schemas"), i, io) {
		put_strings(&b, json_object_get(io, "in_"));
		ba_buf_puts(&b, "to ");
		put_strings(&b, json_object_get(io, "out"));
	}
	set_field(view, "io_schemas", &b);
	put_strings(&b, json_object_get(c->json, "tasks"));
	set_field(view, "tasks", &b);
	put_strings(&b, json_object_get(c->json, "domain"));
	set_field(view, "domain", &b);
	put_strings(&b, json_object_get(c->json, "modalities"));
	set_field(view, "modalities", &b);
	tags = ba_json_path(c->json, "raw_meta.existing_tags");
	json_object_foreach(tags, k, f)
		if (strcmp(k, "set_type"))
			put_strings(&b, f);
	set_field(view, "tags", &b);
	ba_buf_free(&b);
	return view;
}

json_t *ba_card_doc(const ba_card *c)
{
	json_t *text = json_object(), *roles = json_array(), *f;
	const char *role;
	char src[200];

	json_object_set_new(text, "name", json_string(c->name ? c->name : c->id));
	if (ba_json_str(c->json, "description", NULL))
		json_object_set_new(text, "description", json_string(ba_json_str(c->json, "description", "")));
	if (ba_json_str(c->json, "card_text", NULL))
		json_object_set_new(text, "card_text", json_string(ba_json_str(c->json, "card_text", "")));
	json_object_foreach(ba_json_path(c->json, "meta.fields"), role, f)
		json_array_append_new(roles, json_string(role));
	snprintf(src, sizeof(src), "ds:%s", c->id);
	return json_pack("{s:s, s:s, s:s, s:s, s:O, s:o, s:o, s:o}", "id", c->id, "source", src, "kind",
			 "dataset", "name", c->name ? c->name : c->id, "modalities",
			 json_is_array(json_object_get(c->json, "modalities")) ? json_object_get(c->json, "modalities")
										 : json_pack("[s]", "text"),
			 "roles", roles, "text", text, "meta", meta_view(c));
}

char *ba_doc_view_text(const json_t *doc, const char *view)
{
	ba_buf b = BA_BUF_INIT(1 << 20);
	const char *k;
	json_t *v;

	json_object_foreach(json_object_get(doc, view), k, v) {
		if (!json_is_string(v))
			continue;
		/* the name is short and chosen with care: it counts twice */
		if (!strcmp(k, "name"))
			ba_buf_printf(&b, "%s. ", json_string_value(v));
		ba_buf_printf(&b, "%s. ", json_string_value(v));
	}
	return ba_buf_detach(&b);
}

/* {term: [field, ...]} for the query terms a document's fields hold. */
json_t *ba_doc_matches(const json_t *doc, const json_t *qterms)
{
	static const char *const views[] = { "text", "meta", NULL };
	json_t *out = json_object(), *v, *toks, *t, *x;
	const char *field;
	size_t i;
	int vi;

	for (vi = 0; views[vi]; vi++) {
		json_object_foreach(json_object_get(doc, views[vi]), field, v) {
			toks = ba_text_terms(json_string_value(v));
			json_array_foreach(toks, i, t) {
				const char *w = json_string_value(t);
				json_t *fl;
				size_t j;
				int dup = 0;
				if (!json_object_get(qterms, w))
					continue;
				if (!(fl = json_object_get(out, w))) {
					fl = json_array();
					json_object_set_new(out, w, fl);
				}
				json_array_foreach(fl, j, x)
					if (!strcmp(json_string_value(x), field))
						dup = 1;
				if (!dup)
					json_array_append_new(fl, json_string(field));
			}
			json_decref(toks);
		}
	}
	return out;
}
