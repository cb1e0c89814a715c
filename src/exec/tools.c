/*
 * tools.c - the ONE tool table of the executor (name, kind, argument
 * schema, default arguments, handler) and the memoised runner: every tool
 * output is stored in the store's kv under a content hash of the call, so
 * a rerun skips finished steps.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"
#include "benchagent/schema.h"
#include "benchagent/prompt.h"
#include "benchagent/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOOLS_VERSION 1

static const ba_tool tools[] = {
	{ .name = "context_construction", .kind = BA_TOOL_LLM,
	  .description = "Write or expand the context passage the question needs, keeping every fact the answer depends on.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"style\":{\"type\":\"string\",\"maxLength\":200},"
			 "\"max_words\":{\"type\":\"integer\",\"minimum\":20,\"maximum\":1000}},\"additionalProperties\":false}",
	  .default_args = "{}", .run = ba_tool_context_construction,
	  .prompt = "exec_context_construction.txt",
	  .planner = 1 },
	{ .name = "question_rewrite", .kind = BA_TOOL_LLM,
	  .description = "Rewrite the question stem so it targets the subtask, without changing the answer or hinting at it.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"style\":{\"type\":\"string\",\"maxLength\":200}},"
			 "\"additionalProperties\":false}",
	  .default_args = "{}", .run = ba_tool_question_rewrite,
	  .prompt = "exec_question_rewrite.txt",
	  .planner = 1 },
	{ .name = "dialogue_synthesis", .kind = BA_TOOL_LLM,
	  .description = "Turn the source material into a multi-speaker dialogue used as the context.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"speakers\":{\"type\":\"integer\",\"minimum\":2,\"maximum\":5},"
			 "\"turns\":{\"type\":\"integer\",\"minimum\":2,\"maximum\":20}},\"additionalProperties\":false}",
	  .default_args = "{\"speakers\":2,\"turns\":6}", .run = ba_tool_dialogue_synthesis,
	  .prompt = "exec_dialogue_synthesis.txt",
	  .planner = 1 },
	{ .name = "reasoning_transform", .kind = BA_TOOL_LLM,
	  .description = "Reframe the question so reaching the same answer needs an extra reasoning step; write the explanation.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"hops\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":4}},"
			 "\"additionalProperties\":false}",
	  .default_args = "{\"hops\":1}", .run = ba_tool_reasoning_transform,
	  .prompt = "exec_reasoning_transform.txt",
	  .planner = 1 },
	{ .name = "distractor_writing", .kind = BA_TOOL_LLM,
	  .description = "Write plausible but wrong options; the correct answer becomes option A before shuffling.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":7}},"
			 "\"additionalProperties\":false}",
	  .default_args = "{\"n\":3}", .run = ba_tool_distractor_writing,
	  .prompt = "exec_distractor_writing.txt",
	  .planner = 1 },
	{ .name = "choice_shuffle", .kind = BA_TOOL_PURE,
	  .description = "Normalise the options (trim, de-duplicate) and shuffle them with the correct option's position balanced across items; max_options keeps a seeded subset of a long list (the key always among them).",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"max_options\":{\"type\":\"integer\",\"minimum\":2,\"maximum\":10}},\"additionalProperties\":false}",
	  .default_args = "{}", .run = ba_tool_choice_shuffle,
	  .planner = 1 },
	{ .name = "answer_normalize", .kind = BA_TOOL_PURE,
	  .description = "Normalise the answer to the subtask's answer type (letter, number, yes/no, trimmed text).",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"format\":{\"enum\":[\"auto\",\"letter\",\"number\",\"yesno\",\"text\"]}},"
			 "\"additionalProperties\":false}",
	  .default_args = "{\"format\":\"auto\"}", .run = ba_tool_answer_normalize,
	  .planner = 1 },
	{ .name = "image_crop", .kind = BA_TOOL_PURE,
	  .description = "Crop the image to a box, or mask the box out (box in fractions of width/height).",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"box\":{\"type\":\"array\",\"items\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},"
			 "\"minItems\":4,\"maxItems\":4},\"mode\":{\"enum\":[\"crop\",\"mask\"]}},\"additionalProperties\":false}",
	  .default_args = "{\"box\":[0.05,0.05,0.95,0.95],\"mode\":\"crop\"}", .run = ba_tool_image_crop,
	  .planner = 1 },
	{ .name = "image_degrade", .kind = BA_TOOL_PURE,
	  .description = "Degrade the image: blur, noise, jpeg, occlusion, brightness or contrast at severity 1-5.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"blur\",\"noise\",\"jpeg\",\"occlusion\",\"brightness\",\"contrast\"]},"
			 "\"severity\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5}},\"required\":[\"kind\"],\"additionalProperties\":false}",
	  .default_args = "{\"kind\":\"blur\",\"severity\":2}", .run = ba_tool_image_degrade,
	  .planner = 1 },
	{ .name = "metadata_question", .kind = BA_TOOL_PURE,
	  .description = "Type-B sources: a multiple-choice question about the value of the role that names the target (a label, name, box), distractors from other samples' values of the same type.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"asks_for\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":80},"
			 "\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":7}},\"additionalProperties\":false}",
	  .default_args = "{\"n\":3}", .run = ba_tool_metadata_question,
	  .planner = 1, .plan_note = "a source with no ready question but a label, name or box per sample: ask for it, "
				     "distractors from other samples' values; purpose \"ask for the <what the label names>\"" },
	{ .name = "text_to_speech", .kind = BA_TOOL_PURE,
	  .description = "Speak the context (or question) as WAV audio: flite for English, espeak-ng for other languages, one voice per speaker of a 'Name: line' dialogue; English speech is recognised back (pocketsphinx) and re-made or rejected above the WER threshold.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"source\":{\"enum\":[\"context\",\"question\",\"both\"]},"
			 "\"lang\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":16},\"voice\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":32},"
			 "\"voices\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":32},\"maxItems\":5},"
			 "\"rate\":{\"type\":\"number\",\"minimum\":0.5,\"maximum\":2},\"pitch\":{\"type\":\"number\",\"minimum\":-12,\"maximum\":12},"
			 "\"keep_text\":{\"type\":\"boolean\"}},\"additionalProperties\":false}",
	  .default_args = "{\"source\":\"context\"}", .run = ba_tool_text_to_speech,
	  .consumes = "text", .produces = "audio" },
	{ .name = "audio_noise", .kind = BA_TOOL_PURE,
	  .description = "Mix noise (white, pink, babble, hum) into the item's speech at a target SNR: intensity low/medium/high = 15/10/5 dB, or snr in dB; the mix is measured (within 0.5 dB, no clipping).",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"white\",\"pink\",\"babble\",\"hum\"]},"
			 "\"intensity\":{\"enum\":[\"low\",\"medium\",\"high\"]},\"snr\":{\"type\":\"number\",\"minimum\":-5,\"maximum\":40}},"
			 "\"additionalProperties\":false}",
	  .default_args = "{\"kind\":\"babble\",\"intensity\":\"low\"}", .run = ba_tool_audio_noise },
	{ .name = "audio_effect", .kind = BA_TOOL_PURE,
	  .description = "Perturb the item's audio: speed, pitch (semitones), telephone band (300-3400 Hz), clipping, or reverb.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"speed\",\"pitch\",\"telephone\",\"clip\",\"reverb\"]},"
			 "\"factor\":{\"type\":\"number\",\"minimum\":0.5,\"maximum\":2},\"semitones\":{\"type\":\"number\",\"minimum\":-12,\"maximum\":12},"
			 "\"lo\":{\"type\":\"number\",\"minimum\":0,\"maximum\":4000},\"hi\":{\"type\":\"number\",\"minimum\":100,\"maximum\":7900},"
			 "\"gain_db\":{\"type\":\"number\",\"minimum\":-40,\"maximum\":40},\"level\":{\"type\":\"number\",\"minimum\":0.01,\"maximum\":1},"
			 "\"room\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},\"wet\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1}},"
			 "\"required\":[\"kind\"],\"additionalProperties\":false}",
	  .default_args = "{\"kind\":\"telephone\"}", .run = ba_tool_audio_effect },
	{ .name = "render_text_image", .kind = BA_TOOL_PURE,
	  .description = "Render the context (or question) as a PNG image: paragraphs wrapped, lists, dialogue lines, '|' or tab tables as grids; the rendered text leaves the item, OCR (tesseract) must read back min_recall of its words, and the question and options may not repeat it.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"source\":{\"enum\":[\"context\",\"question\",\"both\"]},"
			 "\"width\":{\"type\":\"integer\",\"minimum\":320,\"maximum\":2000},\"font_size\":{\"type\":\"number\",\"minimum\":12,\"maximum\":48},"
			 "\"min_recall\":{\"type\":\"number\",\"minimum\":0.5,\"maximum\":1},\"ocr_scale\":{\"type\":\"number\",\"minimum\":1,\"maximum\":4},"
			 "\"keep_text\":{\"type\":\"boolean\"}},\"additionalProperties\":false}",
	  .default_args = "{\"source\":\"context\"}", .run = ba_tool_render_text_image,
	  .consumes = "text", .produces = "image" },
	{ .name = "ocr_check", .kind = BA_TOOL_PURE,
	  .description = "Read the item's image with OCR (tesseract): reject it when the labels it must show (expect, else the scene's labels) are not legible, or (key_hidden) when the key is written in the picture.",
	  .args_schema = "{\"type\":\"object\",\"properties\":{\"expect\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},\"maxItems\":50},"
			 "\"key_hidden\":{\"type\":\"boolean\"},\"scale\":{\"type\":\"number\",\"minimum\":1,\"maximum\":4}},\"additionalProperties\":false}",
	  .default_args = "{}", .run = ba_tool_ocr_check },
};

const ba_tool *ba_tool_table(size_t *n)
{
	if (n)
		*n = sizeof(tools) / sizeof(tools[0]);
	return tools;
}

/* The planner sees this table (names, conversions, the tools it offers
 * the grounding agent) as soon as the executor is linked in: registered
 * before main runs. The planner has no list of its own. */
__attribute__((constructor)) static void register_with_planner(void)
{
	size_t n = sizeof(tools) / sizeof(tools[0]), i;
	ba_plan_tool_info info[sizeof(tools) / sizeof(tools[0])];

	for (i = 0; i < n; i++) {
		info[i].name = tools[i].name;
		info[i].consumes = tools[i].consumes;
		info[i].produces = tools[i].produces;
		info[i].planner = tools[i].planner;
		info[i].note = tools[i].plan_note;
	}
	ba_plan_register_tools(info, n);
}

const char *ba_tool_prompt_version(const char *prompt, char hex[65])
{
	const char *t = ba_prompt_text(prompt);

	if (!t)
		return "";
	ba_sha256_hex(t, strlen(t), hex);
	hex[12] = 0;
	return hex;
}

const ba_tool *ba_tool_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(tools[i].name, name) == 0)
			return &tools[i];
	return NULL;
}

int ba_tool_check_args(const ba_tool *t, const json_t *args, ba_error *err)
{
	json_t *schema = json_loads(t->args_schema, 0, NULL), *empty = json_object();
	int rc;

	if (!schema) {
		json_decref(empty);
		return ba_error_set(err, BA_ERR, "tool %s: bad built-in schema", t->name);
	}
	rc = ba_schema_validate(schema, args ? args : empty, err);
	json_decref(schema);
	json_decref(empty);
	if (rc != 0)
		ba_error_prefix(err, "tool %s: arguments: ", t->name);
	return rc;
}

/* The memo key: everything that determines the output. */
static void memo_key(const ba_tool_ctx *ctx, const ba_tool *t, const json_t *args,
		     const json_t *in, char key[80])
{
	const char *name = t->name;
	json_t *k = json_pack("{s:s, s:i, s:O, s:O, s:I, s:I, s:i, s:s, s:s, s:s}", "tool", name,
			      "v", TOOLS_VERSION, "args", args ? (json_t *)args : json_null(),
			      "in", (json_t *)in, "seed", (json_int_t)(ctx->seed & 0x7fffffffffffLL),
			      "ordinal", (json_int_t)ctx->ordinal, "attempt", ctx->attempt, "role",
			      ctx->role ? ctx->role : "realize", "purpose",
			      ctx->purpose ? ctx->purpose : "", "subtask",
			      ctx->subtask ? ba_json_str(ctx->subtask, "id", "") : "");
	char hex[65];

	if (t->prompt)
		json_object_set_new(k, "prompt", json_string(ba_tool_prompt_version(t->prompt, hex)));
	ba_json_hash(k, hex);
	json_decref(k);
	snprintf(key, 80, "exec:tool:%s", hex);
}

int ba_tool_run(ba_tool_ctx *ctx, const char *name, const json_t *args, const json_t *in,
		json_t **out, ba_error *err)
{
	const ba_tool *t = ba_tool_find(name);
	char key[80], *val = NULL;
	json_t *memo = NULL, *res = NULL;
	int rc;

	*out = NULL;
	ctx->model[0] = 0;
	ctx->mock = 0;
	ctx->cached = 0;
	if (!t)
		return ba_error_set(err, BA_EINVAL, "unknown tool '%s'", name ? name : "(null)");
	if ((rc = ba_tool_check_args(t, args, err)) != 0)
		return rc;
	memo_key(ctx, t, args, in, key);
	if (ctx->st && ba_kv_get(ctx->st, key, &val, NULL) == 0) {
		if (ba_json_parse(&memo, val, strlen(val), key, NULL) == 0 &&
		    json_is_object(json_object_get(memo, "out"))) {
			*out = json_incref(json_object_get(memo, "out"));
			snprintf(ctx->model, sizeof(ctx->model), "%s", ba_json_str(memo, "model", ""));
			ctx->mock = ba_json_bool(memo, "mock", 0);
			ctx->cached = 1;
			json_decref(memo);
			free(val);
			return 0;
		}
		json_decref(memo);
		free(val);
	}
	if (t->kind == BA_TOOL_LLM && !ctx->gw)
		return ba_error_set(err, BA_EINVAL, "tool %s needs a model and none is configured", name);
	{
		json_t *empty = json_object();
		rc = t->run(ctx, args ? args : empty, in, &res, err);
		json_decref(empty);
	}
	if (rc != 0)
		return rc;
	if (ctx->st) {
		json_t *m = json_pack("{s:O, s:s, s:b}", "out", res, "model", ctx->model, "mock",
				      ctx->mock);
		char *txt = ba_json_canonical(m);
		ba_error e2 = BA_ERROR_INIT;
		if (ba_kv_put(ctx->st, key, txt, &e2) != 0)
			BA_WARN("tool %s: output not stored: %s", name, e2.msg);
		free(txt);
		json_decref(m);
	}
	*out = res;
	return 0;
}
