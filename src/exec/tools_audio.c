/*
 * tools_audio.c - the pure audio tools and OCR (docs/audio.md "Tools").
 *
 * text_to_speech turns the item's context (or question) into speech: a
 * dialogue ("Name: line" lines) gets one voice per speaker. The item
 * carries the scene it was rendered from (`audio_scene`, never shown to
 * the examinee, like a visual item's `scene`) with the voices and rates
 * the recognition check settled on, so audio_noise and audio_effect
 * re-render it deterministically with noise or an effect added, and the
 * SNR is measured against the clean track. The WAV goes into the media
 * store by SHA-256; the media entry records the recognition check (WER,
 * "not_possible" for languages pocketsphinx does not model) and the SNR.
 *
 * ocr_check reads an image item's picture with tesseract: the labels it
 * must show are legible, and (key_hidden) the key is not written in it.
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/audio.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TTS_SPEAKERS_MAX 5
#define TTS_VOICE_ROTATIONS 3
#define OCR_TEXT_MAX 2000

/* Distinct English voices, best recognised first: flite's rms and kal,
 * then the same raised by six semitones, then awb (docs/audio.md). */
static const struct { const char *voice; double pitch; } en_voices[TTS_SPEAKERS_MAX] = {
	{ "rms", 0 }, { "kal", 0 }, { "rms", 6 }, { "kal", 6 }, { "awb", 0 },
};
/* espeak-ng variants for the speakers of other languages. */
static const char *const es_variants[TTS_SPEAKERS_MAX] = { "", "+f3", "+m3", "+f2", "+m5" };

static int is_en(const char *lang)
{
	return ba_asr_supports(lang);
}

/* The voice of speaker k (0-based) under rotation rot. */
static void speaker_voice(const char *lang, const json_t *voices, size_t k, size_t rot,
			  json_t *seg)
{
	size_t i = (k + rot) % TTS_SPEAKERS_MAX;

	if (json_is_string(json_array_get(voices, k))) {
		json_object_set(seg, "voice", json_array_get(voices, k));
		return;
	}
	if (is_en(lang)) {
		json_object_set_new(seg, "voice", json_string(en_voices[i].voice));
		if (en_voices[i].pitch != 0 && !json_object_get(seg, "pitch"))
			json_object_set_new(seg, "pitch", json_real(en_voices[i].pitch));
	} else if (i > 0) {
		json_object_set_new(seg, "voice", json_sprintf("%s%s", ba_tts_espeak_voice(lang), es_variants[i]));
	}
}

/* "Name: line" -> name length, or 0. Names are 1..30 characters starting
 * with a letter, without sentence punctuation. */
static size_t speaker_label(const char *line)
{
	size_t i;

	if (!isalpha((unsigned char)line[0]) && !((unsigned char)line[0] & 0x80))
		return 0;
	for (i = 1; line[i] && i <= 30; i++) {
		if (line[i] == ':')
			return line[i + 1] == ' ' || line[i + 1] == '\t' ? i : 0;
		if (strchr(".?!,;\"()[]", line[i]))
			return 0;
	}
	return 0;
}

/* The segments of a text: one per "Name: line" when every non-empty line
 * has a speaker label (a dialogue), else the whole text as one. */
static json_t *text_segments(const char *text, const json_t *args, size_t rot, int *nspeakers)
{
	const char *lang = ba_json_str(args, "lang", "en"), *p = text;
	json_t *segs = json_array(), *names = json_array(), *voices = json_object_get(args, "voices");
	int dialogue = 1, lines = 0;

	for (p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = ba_strndup(p, len);
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s) {
			size_t nl = speaker_label(s);
			lines++;
			if (!nl) {
				dialogue = 0;
			} else {
				json_t *seg = json_object(), *name = json_stringn(s, nl), *v;
				const char *say = s + nl + 1;
				size_t k, idx = json_array_size(names);
				while (*say == ' ' || *say == '\t')
					say++;
				json_array_foreach(names, k, v)
					if (json_equal(v, name))
						idx = k;
				if (idx == json_array_size(names))
					json_array_append(names, name);
				json_object_set_new(seg, "say", json_string(say));
				json_object_set_new(seg, "speaker", name);
				json_object_set_new(seg, "lang", json_string(lang));
				speaker_voice(lang, voices, idx % TTS_SPEAKERS_MAX, rot, seg);
				if (*say)
					json_array_append_new(segs, seg);
				else
					json_decref(seg);
			}
		}
		free(line);
		p = e ? e + 1 : p + len;
	}
	*nspeakers = dialogue && lines > 0 ? (int)json_array_size(names) : 1;
	if (!dialogue || lines == 0 || json_array_size(segs) == 0) {
		json_t *seg = json_pack("{s:s, s:s}", "say", text, "lang", lang);
		json_array_clear(segs);
		if (json_is_string(json_object_get(args, "voice")))
			json_object_set(seg, "voice", json_object_get(args, "voice"));
		else if (json_is_string(json_array_get(voices, 0)))
			json_object_set(seg, "voice", json_array_get(voices, 0));
		json_array_append_new(segs, seg);
	}
	json_decref(names);
	{
		json_t *seg;
		size_t i;
		json_array_foreach(segs, i, seg) {
			if (json_is_number(json_object_get(args, "rate")))
				json_object_set(seg, "rate", json_object_get(args, "rate"));
			if (json_is_number(json_object_get(args, "pitch")))
				json_object_set(seg, "pitch", json_object_get(args, "pitch"));
		}
	}
	return segs;
}

/* The media entry of a rendered WAV: where it is, and what was checked.
 * speech (borrowed, may be NULL) replaces the report's own speech check
 * (a re-render for noise or an effect keeps the clean track's check). */
static json_t *audio_entry(const char *rel, const char *sha, const json_t *report, const json_t *speech)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:O}", "type", "audio", "path", rel, "sha256", sha,
			      "mime", "audio/wav", "seconds", json_object_get(report, "seconds"));
	json_t *sp;

	if (speech) {
		sp = json_deep_copy(speech);
	} else {
		json_t *segs = json_array(), *s;
		size_t i;
		json_array_foreach(json_object_get(report, "segments"), i, s)
			if (json_object_get(s, "say"))
				json_array_append(segs, s);
		sp = json_pack("{s:O, s:O, s:o}", "wer", json_object_get(report, "wer"), "asr_possible",
			       json_object_get(report, "asr_possible"), "segments", segs);
	}
	json_object_set_new(m, "speech", sp);
	json_object_set(m, "snr", json_object_get(report, "snr"));
	json_object_set(m, "clipped_samples", json_object_get(report, "clipped_samples"));
	json_object_set(m, "peak", json_object_get(report, "peak"));
	return m;
}

/* Index of the draft's first audio media entry, or -1. */
static long first_audio(const json_t *in)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(in, "media"), i, m)
		if (!strcmp(ba_json_str(m, "type", ""), "audio"))
			return (long)i;
	return -1;
}

/* Render scene, store the WAV, and put the entry into out's media
 * (replacing the first audio entry, or appended); out gets the scene. */
static int render_into(ba_tool_ctx *ctx, json_t *out, json_t *scene, int asr, const json_t *speech,
		       json_t **report_out, ba_error *err)
{
	ba_audio_verify_opts o = BA_AUDIO_VERIFY_OPTS_INIT;
	ba_buf wav = BA_BUF_INIT((size_t)BA_AUDIO_MAX_SECONDS * BA_AUDIO_RATE * 2 + 4096);
	json_t *report = NULL, *media, *entry;
	char sha[65], *rel = NULL;
	long idx;
	int rc;

	o.asr = asr;
	if ((rc = ba_audio_scene_render(scene, &o, &wav, &report, err)) != 0) {
		ba_buf_free(&wav);
		return rc;
	}
	rc = ba_media_put(ctx->st, wav.ptr, wav.len, "wav", "audio/wav", sha, &rel, err);
	ba_buf_free(&wav);
	if (rc != 0) {
		json_decref(report);
		return rc;
	}
	if (asr)
		ba_audio_scene_settle(scene, report);
	entry = audio_entry(rel, sha, report, speech);
	free(rel);
	if (!json_is_array(json_object_get(out, "media")))
		json_object_set_new(out, "media", json_array());
	media = json_object_get(out, "media");
	if ((idx = first_audio(out)) >= 0)
		json_array_set_new(media, (size_t)idx, entry);
	else
		json_array_append_new(media, entry);
	json_object_set(out, "audio_scene", scene);
	if (report_out)
		*report_out = report;
	else
		json_decref(report);
	return 0;
}

int ba_tool_text_to_speech(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			   ba_error *err)
{
	const char *src = ba_json_str(args, "source", "context");
	const char *ctxt = ba_json_str(in, "context", NULL), *q = ba_json_str(in, "question", "");
	char *text;
	size_t rot;
	int rc = BA_EINVAL, nsp = 1;
	ba_error last = BA_ERROR_INIT;

	if (!ctx->st)
		return ba_error_set(err, BA_EINVAL, "tool text_to_speech: needs the store for its media");
	if (!strcmp(src, "context") && !(ctxt && *ctxt))
		src = "question"; /* nothing else to speak */
	text = !strcmp(src, "context") ? ba_strdup(ctxt)
	       : !strcmp(src, "question") ? ba_strdup(q)
	       : ctxt && *ctxt ? ba_asprintf("%s\n%s", ctxt, q) : ba_strdup(q);
	if (!*text) {
		free(text);
		return ba_error_set(err, BA_EINVAL, "tool text_to_speech: the item has no %s to speak", src);
	}
	/* a dialogue whose voices fail recognition is re-made with the voices rotated */
	for (rot = 0; rot < TTS_VOICE_ROTATIONS; rot++) {
		json_t *segs = text_segments(text, args, rot, &nsp);
		json_t *scene = json_pack("{s:o, s:I}", "segments", segs, "seed",
					  (json_int_t)(ctx->seed & 0x7fffffffffffLL));
		*out = json_deep_copy(in);
		ba_error_clear(&last);
		rc = render_into(ctx, *out, scene, 1, NULL, NULL, &last);
		json_decref(scene);
		if (rc == 0 || nsp < 2 || json_object_get(args, "voices"))
			break;
		json_decref(*out);
		*out = NULL;
	}
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
		free(text);
		return ba_error_set(err, rc, "tool text_to_speech: %s", last.msg);
	}
	if (!ba_json_bool(args, "keep_text", 0)) {
		if (!strcmp(src, "context") || !strcmp(src, "both"))
			json_object_del(*out, "context");
		if (!strcmp(src, "question") || !strcmp(src, "both"))
			json_object_set_new(*out, "question",
					    json_string("Listen to the audio and answer the question it asks."));
	}
	free(text);
	return 0;
}

/* The scene of the draft's audio and the speech check of its entry. */
static int audio_scene_of(const json_t *in, const char *tool, json_t **scene, const json_t **speech,
			  ba_error *err)
{
	long idx = first_audio(in);
	const json_t *sc = json_object_get(in, "audio_scene");

	if (!sc && json_is_array(json_object_get(json_object_get(in, "scene"), "segments")))
		sc = json_object_get(in, "scene"); /* an audio generator's item: its scene is its audio */

	if (idx < 0 || !json_is_object(sc))
		return ba_error_set(err, BA_EINVAL, "tool %s: the item has no audio made from a scene "
				    "(run text_to_speech first)", tool);
	*scene = json_deep_copy(sc);
	*speech = json_object_get(json_array_get(json_object_get(in, "media"), (size_t)idx), "speech");
	return 0;
}

int ba_tool_audio_noise(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			ba_error *err)
{
	const json_t *speech;
	json_t *scene, *nz;
	int rc;

	if (!ctx->st)
		return ba_error_set(err, BA_EINVAL, "tool audio_noise: needs the store for its media");
	if ((rc = audio_scene_of(in, "audio_noise", &scene, &speech, err)) != 0)
		return rc;
	nz = json_pack("{s:s}", "kind", ba_json_str(args, "kind", "white"));
	if (json_is_number(json_object_get(args, "snr")))
		json_object_set(nz, "snr", json_object_get(args, "snr"));
	else
		json_object_set_new(nz, "intensity", json_string(ba_json_str(args, "intensity", "medium")));
	json_object_set_new(scene, "noise", nz);
	json_object_set_new(scene, "seed", json_integer((json_int_t)(ctx->seed & 0x7fffffffffffLL)));
	*out = json_deep_copy(in);
	rc = render_into(ctx, *out, scene, 0, speech, NULL, err);
	json_decref(scene);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
		return ba_error_prefix(err, "tool audio_noise: "), rc;
	}
	return 0;
}

/* The scene effect of the tool's arguments (new ref). */
static json_t *effect_of(const json_t *args)
{
	const char *k = ba_json_str(args, "kind", "telephone");

	if (!strcmp(k, "speed"))
		return json_pack("{s:s, s:f}", "kind", "speed", "factor", ba_json_num(args, "factor", 1.15));
	if (!strcmp(k, "pitch"))
		return json_pack("{s:s, s:f}", "kind", "pitch", "semitones", ba_json_num(args, "semitones", 3));
	if (!strcmp(k, "clip"))
		return json_pack("{s:s, s:f, s:f}", "kind", "clip", "gain_db", ba_json_num(args, "gain_db", 12),
				 "level", ba_json_num(args, "level", 0.5));
	if (!strcmp(k, "reverb"))
		return json_pack("{s:s, s:f, s:f}", "kind", "reverb", "room", ba_json_num(args, "room", 0.5),
				 "wet", ba_json_num(args, "wet", 0.3));
	return json_pack("{s:s, s:f, s:f}", "kind", "band_limit", "lo", ba_json_num(args, "lo", 300),
			 "hi", ba_json_num(args, "hi", 3400));
}

int ba_tool_audio_effect(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			 ba_error *err)
{
	const json_t *speech;
	json_t *scene, *fx;
	int rc;

	if (!ctx->st)
		return ba_error_set(err, BA_EINVAL, "tool audio_effect: needs the store for its media");
	if ((rc = audio_scene_of(in, "audio_effect", &scene, &speech, err)) != 0)
		return rc;
	if (!json_is_array(json_object_get(scene, "effects")))
		json_object_set_new(scene, "effects", json_array());
	fx = json_object_get(scene, "effects");
	json_array_append_new(fx, effect_of(args));
	*out = json_deep_copy(in);
	rc = render_into(ctx, *out, scene, 0, speech, NULL, err);
	json_decref(scene);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
		return ba_error_prefix(err, "tool audio_effect: "), rc;
	}
	return 0;
}

/* The strings the picture must show: args.expect, else the labels of the
 * item's scene (what a chart generator drew). New ref. */
static json_t *ocr_expected(const json_t *args, const json_t *in)
{
	json_t *e = json_object_get(args, "expect"), *labels;

	if (json_is_array(e))
		return json_incref(e);
	labels = json_object_get(json_object_get(in, "scene"), "labels");
	return json_is_array(labels) ? json_incref(labels) : json_array();
}

int ba_tool_ocr_check(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
		      ba_error *err)
{
	json_t *m, *expect, *v, *missing = json_array(), *entry;
	const char *sha = NULL;
	char *path = NULL, *text = NULL, *ans;
	size_t i, idx = 0;
	int rc, found = 0;

	if (!ctx->st)
		return ba_error_set(err, BA_EINVAL, "tool ocr_check: needs the store for its media");
	json_array_foreach(json_object_get(in, "media"), i, m)
		if (!found && !strcmp(ba_json_str(m, "type", ""), "image") && (sha = ba_json_str(m, "sha256", NULL))) {
			idx = i;
			found = 1;
		}
	if (!found || !(path = ba_media_path(ctx->st, sha))) {
		json_decref(missing);
		return ba_error_set(err, BA_EINVAL, "tool ocr_check: the item has no stored image");
	}
	rc = ba_ocr_file(path, ba_json_num(args, "scale", 2), &text, err);
	free(path);
	if (rc != 0) {
		json_decref(missing);
		return ba_error_prefix(err, "tool ocr_check: "), rc;
	}
	expect = ocr_expected(args, in);
	json_array_foreach(expect, i, v)
		if (json_is_string(v) && !ba_ocr_contains(text, json_string_value(v)))
			json_array_append(missing, v);
	ans = ba_strdup(ba_json_str(in, "answer_text", ba_json_str(in, "answer", "")));
	if (json_array_size(missing) > 0) {
		char *list = ba_json_canonical(missing);
		rc = ba_error_set(err, BA_EINVAL, "tool ocr_check: %zu of %zu labels are not legible: %.200s",
				  json_array_size(missing), json_array_size(expect), list);
		free(list);
	} else if (ba_json_bool(args, "key_hidden", 0) && *ans && ba_ocr_contains(text, ans)) {
		rc = ba_error_set(err, BA_EINVAL, "tool ocr_check: the image shows the key '%.80s' "
				  "where it must be inferred", ans);
	}
	if (rc == 0) {
		*out = json_deep_copy(in);
		entry = json_array_get(json_object_get(*out, "media"), idx);
		size_t n = strlen(text);
		if (n > OCR_TEXT_MAX) /* cut at a character boundary */
			for (n = OCR_TEXT_MAX; n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80; n--)
				;
		json_object_set_new(entry, "ocr", json_pack("{s:s%, s:I}", "text", text, n, "labels_read",
							      (json_int_t)json_array_size(expect)));
	}
	free(ans);
	free(text);
	json_decref(expect);
	json_decref(missing);
	return rc;
}
