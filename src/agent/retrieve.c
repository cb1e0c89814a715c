/*
 * retrieve.c - what the grounding agent sees: retrieval preferences for a
 * subtask (wanted field roles with weights, domains, modalities, and the
 * modalities a conversion tool may produce), the query they expand to,
 * the hybrid retrieval over the pool's cards and the generators (one
 * index, src/data/retrieve.c), and the modality rule with cross-modal
 * conversions read from the executor's tool table as registered (tools.c).
 * `cards search` calls the same ba_plan_search, so users see what the
 * agent saw.
 */
#define BA_LOG_MODULE "plan"
#include "planner.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/text.h"
#include "benchagent/log.h"

#include <stdlib.h>
#include <string.h>

/* ---- modalities ---- */
static int has_mod(const json_t *arr, const char *m)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), m))
			return 1;
	return 0;
}

/* the modality words are one table, in src/util/text.c */
#define img_words ba_text_image_words
#define aud_words ba_text_audio_words

/* Words that only say how the input is presented (an image, speech):
 * "image", "picture", "shown", "spoken" ... (not "chart", "diagram" or
 * "figure", which also say what is in it). */
int ba_planner_presentation_word(const char *w)
{
	static const char *const extra[] = { "shown", "show", "photograph", "vision", "listen", "hear", NULL };
	size_t i;

	for (i = 0; img_words[i]; i++)
		if (strcmp(img_words[i], "chart") && strcmp(img_words[i], "diagram") &&
		    strcmp(img_words[i], "figure") && !strncmp(w, img_words[i], strlen(img_words[i])))
			return 1;
	for (i = 0; aud_words[i]; i++)
		if (!strncmp(w, aud_words[i], strlen(aud_words[i])))
			return 1;
	for (i = 0; extra[i]; i++)
		if (!strcmp(w, extra[i]))
			return 1;
	return 0;
}

json_t *ba_planner_text_modalities(const char *text)
{
	return ba_text_modalities(text);
}

/* The modality rule. A source fits when, for every media modality, it
 * has it exactly when the subtask wants it (an image dataset for a text
 * subtask would make items that ignore their image), except that a media
 * modality the subtask wants and the source lacks may be produced by a
 * conversion tool of the executor from a modality the source has, when
 * the preferences allow converting to it. *via (new ref) then names the
 * conversion {tool, from, to}; 1 fits, 0 does not. */
int ba_plan_modality_fit(const json_t *want, const json_t *have, const json_t *convert, json_t **via)
{
	static const char *const media[] = { "image", "audio", NULL };
	int i;

	*via = NULL;
	for (i = 0; media[i]; i++) {
		int w = has_mod(want, media[i]), h = has_mod(have, media[i]);
		size_t j;
		json_t *m;
		char *tool = NULL;
		if (w == h)
			continue;
		if (h || !has_mod(convert, media[i]))
			goto no;
		const char *from = NULL;
		json_array_foreach(have, j, m)
			if (!tool && json_is_string(m) && (tool = ba_plan_conversion(json_string_value(m), media[i])))
				from = json_string_value(m);
		if (!tool)
			goto no;
		if (!*via)
			*via = json_array();
		json_array_append_new(*via, json_pack("{s:s, s:s, s:s}", "tool", tool, "from", from, "to",
						      media[i]));
		free(tool);
	}
	return 1;
no:
	json_decref(*via);
	*via = NULL;
	return 0;
}

/* ---- the generators as retrieval documents ---- */
static json_t *gen_doc(const ba_gen_info *g)
{
	char id[160], *name = ba_strdup(g->name);
	ba_buf b = BA_BUF_INIT(4096);
	json_t *roles = json_pack("[s, s]", "question", "answer"), *doc, *v;
	json_t *mods = g->modalities ? json_incref((json_t *)g->modalities) : json_pack("[s]", "text");
	size_t i;

	for (i = 0; name[i]; i++)
		if (name[i] == '_')
			name[i] = ' ';
	if (g->answer_type && !strcmp(g->answer_type, "choice"))
		json_array_append_new(roles, json_string("options"));
	if (g->modalities && has_mod(g->modalities, "image"))
		json_array_append_new(roles, json_string("image"));
	if (g->modalities && has_mod(g->modalities, "audio"))
		json_array_append_new(roles, json_string("audio"));
	json_array_foreach(g->tags, i, v)
		if (json_is_string(v))
			ba_buf_printf(&b, "%s ", json_string_value(v));
	snprintf(id, sizeof(id), "gen:%s", g->name);
	doc = json_pack("{s:s, s:s, s:s, s:o, s:o, s:{s:s, s:s}, s:{s:s, s:s, s:s}}", "id", id, "kind",
			"generator", "name", g->name, "modalities", mods, "roles", roles, "text", "name",
			name, "description", g->description ? g->description : "", "meta", "tags",
			ba_buf_cstr(&b), "answer_type", g->answer_type ? g->answer_type : "short", "fields",
			"question answer procedural generator exact answers");
	ba_buf_free(&b);
	free(name);
	return doc;
}

int ba_plan_sources_index(ba_pool *pool, ba_gen_registry *gens, ba_store *st, ba_gateway *gw,
			  const ba_config *cfg, ba_error *err)
{
	size_t i;
	int rc;

	for (i = 0; gens && i < ba_gen_count(gens); i++) {
		json_t *d = gen_doc(ba_gen_at(gens, i));
		rc = ba_pool_add_doc(pool, d, err);
		json_decref(d);
		if (rc)
			return rc;
	}
	return ba_pool_index(pool, st, gw, cfg, NULL, err);
}
