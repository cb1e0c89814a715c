/*
 * text.h - small text helpers for what people read: clipping at a word
 * boundary, numbers without floating-point noise.
 */
#ifndef BA_TEXT_H
#define BA_TEXT_H

#include <jansson.h>
#include <stddef.h>

/* s clipped to at most max bytes, cut at the last word boundary (space)
 * before the limit and ended with an ellipsis ("…"); s unchanged when it
 * fits. Never splits a UTF-8 sequence. New string, caller frees. */
char *ba_text_clip(const char *s, size_t max);

/* A value for display: |v| < 1e-9 becomes 0 (a kappa of -3.3e-16 is 0). */
double ba_text_snap(double v);

/* The modalities a request's text names (new ref): always "text", plus
 * "image" for words like image, chart, picture, and "audio" for audio,
 * speech, spoken, voice, sound, listening. The one word list the planners
 * (agent and offline) read a request's media from. */
json_t *ba_text_modalities(const char *text);
/* The words ba_text_modalities looks for (NULL-terminated). */
extern const char *const ba_text_image_words[];
extern const char *const ba_text_audio_words[];

#endif
