/*
 * media.c - ba-testserver's checks of the media parts a chat request
 * carries. OpenAI input_audio parts ({"type": "input_audio", "input_audio":
 * {"data": BASE64, "format": "wav"|"mp3"}}) must hold strict base64 (its own
 * decoder here, not the client's) of a file of the named format (a RIFF/WAVE
 * header with "fmt " and "data" chunks whose sizes fit the file, or an MP3
 * frame/ID3 start); Anthropic Messages has no audio block, so one is a 400
 * there as on the real API. Every audio part that passes is recorded
 * (sha256 of the decoded bytes, their size, the format) for GET /__stats
 * and for rules that match on audio.
 */
#include "testserver.h"
#include "benchagent/sha256.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict RFC 4648 base64 (padding required, no whitespace, no data: URL
 * prefix): the bytes (caller frees) or NULL. */
static unsigned char *b64_decode(const char *s, size_t n, size_t *outlen)
{
	unsigned char *out;
	size_t i, o = 0, pad = 0;

	if (n == 0 || n % 4)
		return NULL;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	out = malloc(n / 4 * 3 + 1);
	for (i = 0; i < n; i += 4) {
		int v[4], k;
		for (k = 0; k < 4; k++) {
			int last = i + 4 == n;
			if (last && k >= 4 - (int)pad && s[i + k] == '=')
				v[k] = 0;
			else if ((v[k] = b64_value((unsigned char)s[i + k])) < 0) {
				free(out);
				return NULL;
			}
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	*outlen = o - pad;
	return out;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* NULL when b is a WAV file (RIFF size = the file's, "WAVE", a PCM-ish
 * "fmt " chunk, a "data" chunk inside the file), else what is wrong. */
static const char *wav_problem(const unsigned char *b, size_t n)
{
	size_t off = 12;
	int fmt = 0;

	if (n < 44 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WAVE", 4))
		return "is not a RIFF/WAVE file";
	if ((size_t)le32(b + 4) + 8 != n)
		return "has a RIFF size that does not match its length";
	while (off + 8 <= n) {
		size_t sz = le32(b + off + 4);
		if (sz > n - off - 8)
			return "has a chunk running past the end of the file";
		if (!memcmp(b + off, "fmt ", 4)) {
			if (sz < 16 || (b[off + 8] | b[off + 9] << 8) == 0 || (b[off + 10] | b[off + 11] << 8) == 0)
				return "has a bad fmt chunk";
			fmt = 1;
		} else if (!memcmp(b + off, "data", 4)) {
			return fmt ? NULL : "has its data chunk before any fmt chunk";
		}
		off += 8 + sz + (sz & 1);
	}
	return "has no data chunk";
}

static int mp3_start(const unsigned char *b, size_t n)
{
	return n >= 4 && (!memcmp(b, "ID3", 3) || (b[0] == 0xFF && (b[1] & 0xE0) == 0xE0));
}

/* One input_audio part: 0 and its record appended to seen, or -1 with msg. */
static int check_audio_part(const json_t *p, const char *where, json_t *seen, char *msg, size_t mlen)
{
	json_t *ia = json_object_get(p, "input_audio");
	const char *data = json_string_value(json_object_get(ia, "data"));
	const char *fmt = json_string_value(json_object_get(ia, "format"));
	const char *bad = NULL;
	unsigned char *bytes;
	size_t n = 0;
	char hex[65];

	if (!json_is_object(ia) || !data) {
		snprintf(msg, mlen, "%s.input_audio.data: a base64 string is required", where);
		return -1;
	}
	if (!fmt || (strcmp(fmt, "wav") && strcmp(fmt, "mp3"))) {
		snprintf(msg, mlen, "%s.input_audio.format: must be 'wav' or 'mp3' (got %s)", where, fmt ? fmt : "none");
		return -1;
	}
	if (!(bytes = b64_decode(data, strlen(data), &n))) {
		snprintf(msg, mlen, "%s.input_audio.data: not valid base64", where);
		return -1;
	}
	if (!strcmp(fmt, "wav"))
		bad = wav_problem(bytes, n);
	else if (!mp3_start(bytes, n))
		bad = "is not an MP3 file";
	if (bad) {
		snprintf(msg, mlen, "%s.input_audio: the data %s (format '%s')", where, bad, fmt);
		free(bytes);
		return -1;
	}
	ba_sha256_hex(bytes, n, hex);
	free(bytes);
	json_array_append_new(seen, json_pack("{s:s, s:I, s:s}", "sha256", hex, "bytes", (json_int_t)n, "format", fmt));
	return 0;
}

int ts_media_check(const json_t *req, int anthropic, json_t **audio, char *msg, size_t mlen)
{
	json_t *msgs = json_object_get(req, "messages"), *m, *p;
	size_t i, k;

	*audio = json_array();
	json_array_foreach(msgs, i, m) {
		json_array_foreach(json_object_get(m, "content"), k, p) {
			const char *t = json_string_value(json_object_get(p, "type"));
			char where[64];
			snprintf(where, sizeof(where), "messages.%zu.content.%zu", i, k);
			if (!t)
				continue;
			if (anthropic && (!strcmp(t, "input_audio") || !strcmp(t, "audio"))) {
				snprintf(msg, mlen, "%s.type: '%s' is not a content block type of the Messages API", where, t);
				return -1;
			}
			if (!anthropic && !strcmp(t, "input_audio") && check_audio_part(p, where, *audio, msg, mlen))
				return -1;
		}
	}
	return 0;
}
