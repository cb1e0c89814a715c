/*
 * text.c - text helpers for what people read (text.h).
 */
#include "benchagent/text.h"
#include "benchagent/alloc.h"

#include <math.h>
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
