/*
 * text.c - text helpers for what people read (text.h).
 */
#include "benchagent/text.h"
#include "benchagent/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

char *ba_text_clip(const char *s, size_t max)
{
	static const char ell[] = "\xe2\x80\xa6"; /* U+2026 */
	size_t n = s ? strlen(s) : 0, cut, keep;
	char *out;

	if (!s)
		return ba_strdup("");
	if (n <= max)
		return ba_strdup(s);
	keep = max > sizeof(ell) - 1 ? max - (sizeof(ell) - 1) : 0;
	cut = keep;
	/* back to the last space before the limit; else to a UTF-8 boundary */
	while (cut > 0 && s[cut] != ' ')
		cut--;
	if (cut == 0) {
		cut = keep;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == ',' || s[cut - 1] == ';' || s[cut - 1] == ':'))
		cut--;
	out = ba_malloc(cut + sizeof(ell));
	memcpy(out, s, cut);
	memcpy(out + cut, ell, sizeof(ell));
	return out;
}

double ba_text_snap(double v)
{
	return fabs(v) < 1e-9 ? 0.0 : v;
}

const char *const ba_text_image_words[] = { "image", "visual", "chart", "photo", "picture", "diagram",
					    "figure", "vision", NULL };
const char *const ba_text_audio_words[] = { "audio", "speech", "spoken", "voice", "sound", "listening", NULL };

json_t *ba_text_modalities(const char *text)
{
	const char *const *img = ba_text_image_words, *const *aud = ba_text_audio_words;
	char *lower = ba_strdup(text ? text : "");
	json_t *mods = json_pack("[s]", "text");
	size_t i;

	for (i = 0; lower[i]; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] + 32);
	for (i = 0; img[i]; i++)
		if (strstr(lower, img[i])) {
			json_array_append_new(mods, json_string("image"));
			break;
		}
	for (i = 0; aud[i]; i++)
		if (strstr(lower, aud[i])) {
			json_array_append_new(mods, json_string("audio"));
			break;
		}
	free(lower);
	return mods;
}
