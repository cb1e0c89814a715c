/*
 * criteria.c - the reference paper's six audit criteria (keys fixed: the
 * report, the store and the schema use them verbatim) and the reply schema.
 */
#include "benchagent/audit.h"

const char *const ba_audit_criteria[BA_AUDIT_NCRIT] = {
	"format_schema",
	"qa_coherence",
	"context_question_correspondence",
	"target_signal_dependency",
	"skill_specific_challenge",
	"user_intention_alignment",
};

static const char *const texts[BA_AUDIT_NCRIT] = {
	"the item is well-formed: required fields present, the answer respects the answer type "
	"(a choice item's answer is the letter of exactly one listed option, a numeric answer is a number)",
	"the key is correct: the given answer really answers the question",
	"the question is about the given context and media, not about something else",
	"the question cannot be answered without the intended input (the context, image or audio "
	"it comes with); an item answerable from the text alone when it has an image scores low",
	"the item exercises the subtask's capability, not a shortcut (a give-away option, "
	"a pattern, general knowledge)",
	"the item serves the user's original request",
};

const char *ba_audit_criterion_text(int i)
{
	return i >= 0 && i < BA_AUDIT_NCRIT ? texts[i] : "";
}

json_t *ba_audit_reply_schema(void)
{
	json_t *props = json_object(), *req = json_array();
	int i;

	for (i = 0; i < BA_AUDIT_NCRIT; i++) {
		json_object_set_new(props, ba_audit_criteria[i],
				    json_pack("{s:s, s:{s:{s:s, s:i, s:i}, s:{s:s, s:i, s:i}}, s:[s,s], s:b}",
					      "type", "object", "properties", "score", "type", "number",
					      "minimum", 0, "maximum", 100, "rationale", "type", "string",
					      "minLength", 1, "maxLength", 400, "required", "score",
					      "rationale", "additionalProperties", 0));
		json_array_append_new(req, json_string(ba_audit_criteria[i]));
	}
	return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", props, "required", req,
			 "additionalProperties", 0);
}
