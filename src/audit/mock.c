/*
 * mock.c - the mock provider as an audit judge: deterministic, schema-valid
 * judgements. It reads the item back from the prompt's <item_data> section
 * and applies a few checks a careful reader would (empty answer, a choice
 * key that names no option, an image item with no image attached), so an
 * offline run flags the obviously broken items; the rest score 80-95 from
 * the request hash. Anything it produced is marked mock by the gateway.
 */
#include "benchagent/audit.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *user_text(const json_t *messages, int *nimages)
{
	const json_t *m = json_array_get(messages, json_array_size(messages) - 1), *c, *part;
	const char *text = "";
	size_t i;

	*nimages = 0;
	c = json_object_get(m, "content");
	if (json_is_string(c))
		return json_string_value(c);
	json_array_foreach(c, i, part) {
		if (!strcmp(ba_json_str(part, "type", ""), "image_url"))
			(*nimages)++;
		else if (json_is_string(json_object_get(part, "text")) && !*text)
			text = json_string_value(json_object_get(part, "text"));
	}
	return text;
}

static json_t *item_from_prompt(const char *t)
{
	const char *a = strstr(t, "<item_data>\n"), *b = a ? strstr(a, "\n</item_data>") : NULL;

	if (!a || !b)
		return NULL;
	a += strlen("<item_data>\n");
	return json_loadb(a, (size_t)(b - a), 0, NULL);
}

/* 1 when a choice item's answer is the letter of one of its options */
static int choice_key_ok(const json_t *item)
{
	const char *ans = ba_json_str(item, "answer", "");
	size_t n = json_array_size(json_object_get(item, "choices"));

	if (n == 0)
		return 1;
	return strlen(ans) == 1 && isupper((unsigned char)ans[0]) && (size_t)(ans[0] - 'A') < n;
}

static int has_image(const json_t *item)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(item, "media"), i, m)
		if (!strcmp(ba_json_str(m, "type", ""), "image"))
			return 1;
	return 0;
}

static int mock_auditor(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	int nimg, c, sc[BA_AUDIT_NCRIT];
	const char *why[BA_AUDIT_NCRIT];
	json_t *item, *out;

	(void)ud;
	if (!req->schema)
		return 1;
	item = item_from_prompt(user_text(req->messages, &nimg));
	for (c = 0; c < BA_AUDIT_NCRIT; c++) {
		sc[c] = 80 + (int)((seed >> (4 * c)) % 16);
		why[c] = "The mock judge found nothing wrong with this criterion.";
	}
	if (!item || !*ba_json_str(item, "answer", "") || !*ba_json_str(item, "question", "")) {
		sc[0] = sc[1] = 5;
		why[0] = why[1] = "The item has no question or no answer.";
	} else if (!choice_key_ok(item)) {
		sc[0] = 15;
		sc[1] = 20;
		why[0] = why[1] = "The answer is not the letter of one of the listed options.";
	}
	if (item && has_image(item) && nimg == 0) {
		sc[2] = sc[3] = 30;
		why[2] = why[3] = "The item refers to an image that was not attached.";
	}
	out = json_object();
	for (c = 0; c < BA_AUDIT_NCRIT; c++)
		json_object_set_new(out, ba_audit_criteria[c],
				    json_pack("{s:i, s:s}", "score", sc[c], "rationale", why[c]));
	resp->content = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	resp->json = out;
	json_decref(item);
	return 0;
}

void ba_audit_register_mocks(void)
{
	ba_mock_register("auditor", mock_auditor, NULL);
}
