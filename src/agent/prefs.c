/*
 * prefs.c - retrieval preferences and the query they make. Preferences
 * {roles: [{role, weight}], domains, modalities, convert, keywords} come
 * from one structured call (role "retrieval", prompts/retrieval.txt,
 * schema-checked, cached by the gateway) when that role is configured or
 * served by the mock, else from the same deterministic derivation the
 * mock uses (ba_planner_prefs_derive). The query adds to the subtask's
 * name and description its keywords (weighted twice), terms from its
 * schema and answer type (query expansion) and the preferred domains.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/log.h"
#include "benchagent/prompt.h"

#include <stdlib.h>
#include <string.h>

static const char prefs_schema[] =
	"{\"type\":\"object\",\"required\":[\"roles\",\"domains\",\"modalities\",\"convert\",\"keywords\"],"
	"\"properties\":{"
	"\"roles\":{\"type\":\"array\",\"maxItems\":12,\"items\":{\"type\":\"object\",\"required\":[\"role\","
	"\"weight\"],\"properties\":{\"role\":{\"type\":\"string\",\"minLength\":1},\"weight\":{\"type\":"
	"\"number\",\"minimum\":0,\"maximum\":1}}}},"
	"\"domains\":{\"type\":\"array\",\"maxItems\":8,\"items\":{\"type\":\"string\"}},"
	"\"modalities\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"string\",\"enum\":[\"text\","
	"\"image\",\"audio\"]}},"
	"\"convert\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":[\"image\",\"audio\"]}},"
	"\"keywords\":{\"type\":\"array\",\"maxItems\":16,\"items\":{\"type\":\"string\"}}}}";

/* Schema field -> card role and how much it matters. */
static const struct {
	const char *field, *role;
	double required, optional;
} field_roles[] = {
	{ "answer", "answer", 1.0, 1.0 },     { "question", "question", 0.6, 0.3 },
	{ "context", "context", 0.6, 0.3 },   { "choices", "options", 0.5, 0.25 },
	{ "options", "options", 0.5, 0.25 },  { "image", "image", 1.0, 0.5 },
	{ "dialog", "dialog", 0.8, 0.4 },     { "audio", "context", 0.8, 0.4 },
};

/* Answer type / modality -> words a fitting card uses (query expansion). */
static const struct {
	const char *key, *terms;
} expansions[] = {
	{ "choice", "multiple choice options" },   { "binary", "yes no binary classification" },
	{ "numeric", "number numeric value" },     { "label", "classification label category" },
	{ "short", "short answer" },               { "span", "span extraction passage" },
	{ "open", "open ended free form" },        { "audio", "dialogue conversation spoken speakers turns" },
	{ "image", "image visual picture" },       { "context", "context passage" },
	{ "choices", "options" },                  { "dialog", "dialogue conversation turns" },
};

static const char *expansion(const char *key)
{
	size_t i;
	for (i = 0; i < sizeof(expansions) / sizeof(expansions[0]); i++)
		if (!strcmp(expansions[i].key, key))
			return expansions[i].terms;
	return NULL;
}

static void schema_key(const char *k, char out[64])
{
	size_t n = strlen(k);
	snprintf(out, 64, "%.*s", (int)(n && k[n - 1] == '?' ? n - 1 : n), k);
}

static int is_optional(const char *k, const json_t *v)
{
	size_t n = strlen(k);
	return (n && k[n - 1] == '?') || (json_is_string(v) && strchr(json_string_value(v), '?'));
}

static void add_role(json_t *roles, const char *role, double w)
{
	size_t i;
	json_t *r;
	json_array_foreach(roles, i, r)
		if (!strcmp(ba_json_str(r, "role", ""), role)) {
			if (ba_json_num(r, "weight", 0) < w)
				json_object_set_new(r, "weight", json_real(w));
			return;
		}
	json_array_append_new(roles, json_pack("{s:s, s:f}", "role", role, "weight", w));
}

/* Words saying that the subtask's image shows text (a page, a
 * screenshot, a printed card): only then does rendered text serve it, as
 * prompts/retrieval.txt tells a model ("a photograph cannot be made from
 * a caption"). Speech is always made from text. */
static const char *const text_image_words[] = {
	"text", "document", "page", "article", "report", "screenshot", "scan", "scanned", "printed",
	"print", "written", "typed", "card", "sign", "poster", "letter", "note", "menu", "table", "list",
	"transcript", "script", "chat", "message", "email", "receipt", "form", "newspaper", "slide",
	"spreadsheet", NULL
};

static int shows_text(const json_t *st)
{
	ba_buf b = BA_BUF_INIT(1 << 16);
	json_t *toks, *t, *v;
	size_t i, j;
	int found = 0;

	ba_buf_printf(&b, "%s %s ", ba_json_str(st, "name", ""), ba_json_str(st, "description", ""));
	json_array_foreach(json_object_get(st, "keywords"), i, v)
		if (json_is_string(v))
			ba_buf_printf(&b, "%s ", json_string_value(v));
	toks = ba_text_tokens(ba_buf_cstr(&b));
	json_array_foreach(toks, i, t)
		for (j = 0; text_image_words[j] && !found; j++)
			found = !strcmp(json_string_value(t), text_image_words[j]);
	json_decref(toks);
	ba_buf_free(&b);
	return found;
}

json_t *ba_planner_prefs_derive(const json_t *st, const json_t *conversions)
{
	const json_t *mods = json_object_get(st, "modalities"), *sch = json_object_get(st, "schema");
	json_t *roles = json_array(), *convert = json_array(), *kw = json_array(), *v, *c;
	const char *k;
	size_t i, j;

	json_object_foreach((json_t *)sch, k, v) {
		char key[64];
		schema_key(k, key);
		for (i = 0; i < sizeof(field_roles) / sizeof(field_roles[0]); i++)
			if (!strcmp(field_roles[i].field, key))
				add_role(roles, field_roles[i].role,
					 is_optional(k, v) ? field_roles[i].optional : field_roles[i].required);
	}
	if (!json_object_get(sch, "answer"))
		add_role(roles, "answer", 1.0);
	/* a media modality no source has may come from a conversion tool */
	json_array_foreach(mods, i, v) {
		if (!json_is_string(v) || !strcmp(json_string_value(v), "text"))
			continue;
		if (!strcmp(json_string_value(v), "image") && !shows_text(st))
			continue; /* a picture of things is not made from text */
		json_array_foreach(conversions, j, c)
			if (!strcmp(ba_json_str(c, "to", ""), json_string_value(v))) {
				json_array_append(convert, v);
				break;
			}
	}
	json_array_foreach(json_object_get(st, "keywords"), i, v)
		if (json_is_string(v))
			json_array_append(kw, v);
	return json_pack("{s:o, s:o, s:O, s:o, s:o}", "roles", roles, "domains", json_array(), "modalities",
			 mods ? mods : json_null(), "convert", convert, "keywords", kw);
}

/* The preferences: a model call when a "retrieval" role is configured or
 * served by the mock, else derived. New ref in *out. */
int ba_planner_prefs(planner *p, const json_t *st, const json_t *request, json_t **out, ba_error *err)
{
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	ba_llm_response *resp = NULL;
	const ba_provider_cfg *prov = NULL;
	const char *model = NULL;
	json_t *schema = NULL, *vars, *msgs = NULL, *state, *conv = ba_plan_conversions();
	char *prompt = NULL, *stxt;
	int rc = 0, ask = 0;
	size_t i;

	for (i = 0; p->cfg && i < p->cfg->nroles; i++)
		ask |= !strcmp(p->cfg->roles[i].role, "retrieval");
	if (!ask && p->cfg && ba_config_resolve(p->cfg, "retrieval", &prov, &model, NULL) == 0 && prov)
		ask = prov->protocol == BA_PROTO_MOCK;
	if (!ask || !p->gw) {
		*out = ba_planner_prefs_derive(st, conv);
		json_decref(conv);
		return 0;
	}
	if ((rc = ba_json_parse(&schema, prefs_schema, strlen(prefs_schema), "schema", err)))
		goto out;
	state = json_pack("{s:O, s:O, s:O}", "subtask", st, "request", request ? request : json_null(),
			  "conversions", conv);
	stxt = ba_json_pretty(state);
	json_decref(state);
	vars = json_pack("{s:s}", "state", stxt);
	free(stxt);
	rc = ba_prompt_render("retrieval.txt", vars, &prompt, err);
	json_decref(vars);
	if (rc)
		goto out;
	msgs = json_pack("[{s:s, s:s}]", "role", "user", "content", prompt);
	req.role = "retrieval";
	req.messages = msgs;
	req.schema = schema;
	req.schema_name = "retrieval_preferences";
	req.temperature = 0;
	req.run_id = p->run_id;
	if ((rc = ba_llm_call(p->gw, &req, &resp, err)) != 0) {
		ba_error_prefix(err, "retrieval preferences: ");
		goto out;
	}
	*out = json_deep_copy(resp->json);
out:
	ba_llm_response_free(resp);
	json_decref(msgs);
	json_decref(schema);
	json_decref(conv);
	free(prompt);
	return rc;
}

static int in_list(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

static void weigh_list(json_t *q, const json_t *arr, double w)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			ba_text_weigh(q, json_string_value(v), w);
}

/* The retrieval query of a subtask under its preferences (new ref):
 * {text, terms, meta_terms, roles} for ba_pool_retrieve. */
json_t *ba_planner_query(const json_t *st, const json_t *prefs, const char *extra)
{
	json_t *terms = json_object(), *meta = json_object(), *roles = json_object(), *v;
	ba_buf text = BA_BUF_INIT(1 << 16);
	const char *k, *e;
	size_t i;

	ba_buf_printf(&text, "%s. %s %s", ba_json_str(st, "name", ""), ba_json_str(st, "description", ""),
		      extra ? extra : "");
	weigh_list(terms, json_object_get(st, "keywords"), 2.0);
	weigh_list(terms, json_object_get(prefs, "keywords"), 1.5);
	if (extra)
		ba_text_weigh(terms, extra, 2.0);
	weigh_list(meta, json_object_get(prefs, "domains"), 1.5);
	if ((e = expansion(ba_json_str(st, "answer_type", ""))))
		ba_text_weigh(meta, e, 0.8);
	json_array_foreach(json_object_get(st, "modalities"), i, v) {
		/* an image that shows text (rendered from a text source) is about
		 * that text: "image visual picture" would only find pictures */
		if (json_is_string(v) && !strcmp(json_string_value(v), "image") &&
		    in_list(json_object_get(prefs, "convert"), "image"))
			continue;
		if (json_is_string(v) && (e = expansion(json_string_value(v))))
			ba_text_weigh(terms, e, 0.8);
	}
	json_object_foreach(json_object_get(st, "schema"), k, v) {
		char key[64];
		schema_key(k, key);
		if (!is_optional(k, v) && (e = expansion(key)))
			ba_text_weigh(meta, e, 0.5);
	}
	json_array_foreach(json_object_get(prefs, "roles"), i, v)
		if (ba_json_str(v, "role", NULL))
			json_object_set_new(roles, ba_json_str(v, "role", ""), json_real(ba_json_num(v, "weight", 0)));
	/* words the pool does not know are expanded with WordNet (docs/pool.md) */
	v = json_pack("{s:s, s:s, s:o, s:o, s:o}", "text", ba_buf_cstr(&text), "expand", ba_buf_cstr(&text),
		      "terms", terms, "meta_terms", meta, "roles", roles);
	ba_buf_free(&text);
	return v;
}

static int cmp_score(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	double sx = ba_json_num(x, "score", 0), sy = ba_json_num(y, "score", 0);
	long i = (long)ba_json_int(x, "rank", 0), j = (long)ba_json_int(y, "rank", 0);

	return sx < sy ? 1 : sx > sy ? -1 : (i > j) - (i < j);
}

/* Ranked sources of a subtask: the hybrid retrieval, then the modality
 * rule (with the conversions its preferences allow); each hit gets "via"
 * when it needs a conversion tool. New ref, at most k hits. */
json_t *ba_plan_retrieve(ba_pool *pool, const json_t *st, const json_t *prefs, const char *extra,
			 const ba_retrieval_weights *w, size_t k)
{
	json_t *q = ba_planner_query(st, prefs, extra), *hits, *out = json_array(), *h, **v;
	const json_t *want = json_object_get(prefs, "modalities");
	size_t i, n = 0;

	if (!json_is_array(want) || !json_array_size(want))
		want = json_object_get(st, "modalities");
	hits = ba_pool_retrieve(pool, q, w, (size_t)-1);
	v = ba_calloc(json_array_size(hits) + 1, sizeof(*v));
	json_array_foreach(hits, i, h) {
		json_t *via = NULL;
		if (!ba_plan_modality_fit(want, json_object_get(h, "modalities"), json_object_get(prefs, "convert"),
					  &via))
			continue;
		if (via)
			json_object_set_new(h, "via", via);
		json_object_set_new(h, "rank", json_integer((json_int_t)i));
		v[n++] = h;
	}
	qsort(v, n, sizeof(*v), cmp_score);
	for (i = 0; i < n && i < k; i++) {
		json_object_del(v[i], "rank");
		json_array_append(out, v[i]);
	}
	free(v);
	json_decref(hits);
	json_decref(q);
	return out;
}

json_t *ba_plan_search(ba_pool *pool, const char *text, const json_t *modalities, size_t k)
{
	json_t *kw = ba_planner_keywords(text, 10), *st, *prefs, *conv = ba_plan_conversions(), *hits;
	json_t *mods = modalities ? json_incref((json_t *)modalities) : ba_planner_text_modalities(text);

	st = json_pack("{s:s, s:s, s:o, s:o, s:{}}", "name", "", "description", text ? text : "", "keywords",
		       kw, "modalities", mods, "schema");
	prefs = ba_planner_prefs_derive(st, conv);
	hits = ba_plan_retrieve(pool, st, prefs, NULL, NULL, k);
	json_decref(prefs);
	json_decref(st);
	json_decref(conv);
	return hits;
}
