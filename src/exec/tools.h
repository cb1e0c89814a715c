/*
 * tools.h - handlers of the executor's tools (internal; the table is in
 * tools.c, the public view in exec.h).
 */
#ifndef BA_EXEC_TOOLS_H
#define BA_EXEC_TOOLS_H

#include "benchagent/exec.h"
#include "benchagent/verify.h"

int ba_tool_context_construction(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_question_rewrite(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_dialogue_synthesis(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_reasoning_transform(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_distractor_writing(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_choice_shuffle(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_answer_normalize(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_image_crop(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_metadata_question(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_image_degrade(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_text_to_speech(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_audio_noise(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_audio_effect(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_render_text_image(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);
int ba_tool_ocr_check(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out, ba_error *err);

/* The producers' rule for a distractor taken from other samples' values
 * (tools_metadata.c; the mock distractor writer uses it too): the key's
 * kind (number, date, list, name, sentence), similar length, neither equal
 * to nor containing the key, not already in chosen (an array). The
 * verifier's distractors check is a separate implementation. */
int ba_exec_value_fits(const char *key, const char *cand, const json_t *chosen);

#endif
