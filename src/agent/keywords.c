/*
 * keywords.c - the capability words of a request: its longer words that are
 * not generic, most frequent first (used by the mock responders and by the
 * planner's preferences).
 */
#include "planner.h"
#include "benchagent/json.h"
#include "benchagent/text.h"

#include <string.h>

/* Words too generic to name a capability. */
static const char *const generic[] = {
	"different", "offer", "drastically", "automatically", "human", "humans", "want", "form",
	"consistent", "related", "question", "questions", "answer", "answers", "true", "nature",
	"give", "given", "need", "must", "able", "ability", "various", "several", "many", "much",
	"well", "good", "kind", "way", "ways", "thing", "things", "like", "make", "made", "using",
	"used", "use", "item", "items", "check", "checked", "exactly", "small", "three", "rise",
	/* format and modality words: they say how items look, not what they test */
	"short", "long", "simple", "multiple", "evaluate",
	NULL
};

static int is_generic(const char *w)
{
	int i;
	for (i = 0; generic[i]; i++)
		if (!strcmp(generic[i], w))
			return 1;
	return 0;
}

json_t *ba_planner_keywords(const char *text, size_t max)
{
	json_t *toks = ba_text_tokens(text), *count = json_object(), *order = json_array(), *out;
	size_t i, j;
	json_t *t;

	json_array_foreach(toks, i, t) {
		const char *w = json_string_value(t);
		if (strlen(w) < 4 || is_generic(w))
			continue;
		if (!json_object_get(count, w))
			json_array_append(order, t);
		json_object_set_new(count, w, json_integer(ba_json_int(count, w, 0) + 1));
	}
	out = json_array();
	/* stable selection by count desc, then first appearance */
	while (json_array_size(out) < max && json_array_size(order) > 0) {
		size_t best = 0;
		long bc = -1;
		json_array_foreach(order, j, t) {
			long c = (long)ba_json_int(count, json_string_value(t), 0);
			if (c > bc) {
				bc = c;
				best = j;
			}
		}
		json_array_append(out, json_array_get(order, best));
		json_array_remove(order, best);
	}
	json_decref(toks);
	json_decref(count);
	json_decref(order);
	return out;
}
