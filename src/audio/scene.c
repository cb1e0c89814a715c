/*
 * scene.c - audio scenes: what a generator or tool describes (segments of
 * speech, tones, beeps, silence; noise; effects) rendered to WAV here, and
 * verified on the way: each English speech segment is recognised back
 * (pocketsphinx) before any degradation and re-made at a slower rate (and
 * with another voice when the scene did not fix one) while its WER is
 * above the threshold; the final mix is decoded back from its WAV bytes
 * and its SNR measured against the processed clean track.
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCENE_MAX_SEGMENTS 64
#define SCENE_MAX_TEXT 4000
#define SCENE_MAX_EFFECTS 8

static const char *const seg_keys[] = { "say", "tone", "beep", "silence", NULL };

static const char *seg_kind(const json_t *s)
{
	int i;
	for (i = 0; seg_keys[i]; i++)
		if (json_object_get(s, seg_keys[i]))
			return seg_keys[i];
	return NULL;
}

static int num_in(const json_t *o, const char *k, double lo, double hi, int required, size_t i,
		  const char *what, ba_error *err)
{
	json_t *v = json_object_get(o, k);
	if (!v)
		return required ? ba_error_set(err, BA_EINVAL, "audio scene: %s %zu: '%s' is required", what, i + 1, k) : 0;
	if (!json_is_number(v) || !(json_number_value(v) >= lo && json_number_value(v) <= hi))
		return ba_error_set(err, BA_EINVAL, "audio scene: %s %zu: '%s' must be a number in %g..%g", what,
				    i + 1, k, lo, hi);
	return 0;
}

static int check_segment(const json_t *s, size_t i, double *secs, ba_error *err)
{
	const char *k = json_is_object(s) ? seg_kind(s) : NULL;
	json_t *v;

	if (!k)
		return ba_error_set(err, BA_EINVAL, "audio scene: segment %zu needs one of say, tone, beep, silence", i + 1);
	if (num_in(s, "gap", 0, 10, 0, i, "segment", err) != 0)
		return BA_EINVAL;
	if (!strcmp(k, "say")) {
		v = json_object_get(s, "say");
		if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > SCENE_MAX_TEXT)
			return ba_error_set(err, BA_EINVAL, "audio scene: segment %zu: 'say' must be 1..%d bytes of text",
					    i + 1, SCENE_MAX_TEXT);
		if (num_in(s, "rate", 0.5, 2, 0, i, "segment", err) || num_in(s, "pitch", -12, 12, 0, i, "segment", err) ||
		    num_in(s, "wer_max", 0, 1, 0, i, "segment", err))
			return BA_EINVAL;
		for (const char *const *f = (const char *const[]){ "voice", "lang", "speaker", NULL }; *f; f++)
			if ((v = json_object_get(s, *f)) && (!json_is_string(v) || json_string_length(v) > 64))
				return ba_error_set(err, BA_EINVAL, "audio scene: segment %zu: '%s' must be a short string",
						    i + 1, *f);
		if ((v = json_object_get(s, "hear")) != NULL) {
			json_t *h;
			size_t k;
			if (!json_is_array(v) || json_array_size(v) > 32)
				return ba_error_set(err, BA_EINVAL, "audio scene: segment %zu: 'hear' must be a list of at most 32 "
						    "strings", i + 1);
			json_array_foreach(v, k, h)
				if (!json_is_string(h) || json_string_length(h) == 0 || json_string_length(h) > 200)
					return ba_error_set(err, BA_EINVAL, "audio scene: segment %zu: hear[%zu] must be a "
							    "short non-empty string", i + 1, k + 1);
		}
		*secs += (double)json_string_length(json_object_get(s, "say")) / 12.0;
	} else if (!strcmp(k, "silence")) {
		if (num_in(s, "silence", 0, 30, 1, i, "segment", err))
			return BA_EINVAL;
		*secs += json_number_value(json_object_get(s, "silence"));
	} else {
		if (num_in(s, k, 20, 7900, 1, i, "segment", err) || num_in(s, "dur", 0.01, 30, 1, i, "segment", err) ||
		    num_in(s, "gain", 0.01, 1, 0, i, "segment", err))
			return BA_EINVAL;
		*secs += json_number_value(json_object_get(s, "dur"));
	}
	return 0;
}

static int check_effect(const json_t *e, size_t i, ba_error *err)
{
	const char *k = ba_json_str(e, "kind", "");

	if (!strcmp(k, "speed"))
		return num_in(e, "factor", 0.5, 2, 1, i, "effect", err);
	if (!strcmp(k, "pitch"))
		return num_in(e, "semitones", -12, 12, 1, i, "effect", err);
	if (!strcmp(k, "band_limit"))
		return num_in(e, "lo", 0, 4000, 0, i, "effect", err) || num_in(e, "hi", 100, 7900, 0, i, "effect", err)
			       ? BA_EINVAL : 0;
	if (!strcmp(k, "clip"))
		return num_in(e, "gain_db", -40, 40, 0, i, "effect", err) ||
				       num_in(e, "level", 0.01, 1, 0, i, "effect", err) ? BA_EINVAL : 0;
	if (!strcmp(k, "reverb"))
		return num_in(e, "room", 0, 1, 0, i, "effect", err) || num_in(e, "wet", 0, 1, 0, i, "effect", err)
			       ? BA_EINVAL : 0;
	return ba_error_set(err, BA_EINVAL, "audio scene: effect %zu: kind '%s' is not speed, pitch, band_limit, "
			    "clip or reverb", i + 1, k);
}

int ba_audio_scene_check(const json_t *scene, ba_error *err)
{
	json_t *segs = json_object_get(scene, "segments"), *v, *nz;
	double secs = 0;
	size_t i;

	if (!json_is_object(scene))
		return ba_error_set(err, BA_EINVAL, "audio scene: not an object");
	if (!json_is_array(segs) || json_array_size(segs) == 0 || json_array_size(segs) > SCENE_MAX_SEGMENTS)
		return ba_error_set(err, BA_EINVAL, "audio scene: 'segments' must be a list of 1..%d segments",
				    SCENE_MAX_SEGMENTS);
	json_array_foreach(segs, i, v)
		if (check_segment(v, i, &secs, err) != 0)
			return BA_EINVAL;
	if (secs > BA_AUDIO_MAX_SECONDS)
		return ba_error_set(err, BA_ELIMIT, "audio scene: about %.0f s, more than %d", secs, BA_AUDIO_MAX_SECONDS);
	if ((nz = json_object_get(scene, "noise")) != NULL) {
		json_t *in = json_object_get(nz, "intensity");
		if (!json_is_object(nz) || ba_noise_kind_parse(ba_json_str(nz, "kind", "")) < 0)
			return ba_error_set(err, BA_EINVAL, "audio scene: noise.kind must be white, pink, babble or hum");
		if (in && isnan(ba_noise_intensity_snr(json_string_value(in))))
			return ba_error_set(err, BA_EINVAL, "audio scene: noise.intensity must be low, medium or high");
		if (!in && num_in(nz, "snr", -20, 60, 1, 0, "noise", err))
			return BA_EINVAL;
	}
	if ((v = json_object_get(scene, "effects")) != NULL) {
		json_t *e;
		if (!json_is_array(v) || json_array_size(v) > SCENE_MAX_EFFECTS)
			return ba_error_set(err, BA_EINVAL, "audio scene: 'effects' must be a list of at most %d",
					    SCENE_MAX_EFFECTS);
		json_array_foreach(v, i, e)
			if (!json_is_object(e) || check_effect(e, i, err) != 0)
				return err && err->code ? err->code : ba_error_set(err, BA_EINVAL, "audio scene: bad effect");
	}
	if ((v = json_object_get(scene, "seed")) != NULL && !json_is_integer(v))
		return ba_error_set(err, BA_EINVAL, "audio scene: 'seed' must be an integer");
	return 0;
}

char *ba_audio_scene_transcript(const json_t *scene)
{
	ba_buf b = BA_BUF_INIT(1u << 20);
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(scene, "segments"), i, v) {
		const char *say = ba_json_str(v, "say", NULL), *sp = ba_json_str(v, "speaker", NULL);
		if (!say)
			continue;
		if (b.len)
			ba_buf_puts(&b, "\n");
		if (sp)
			ba_buf_printf(&b, "%s: ", sp);
		ba_buf_puts(&b, say);
	}
	return ba_buf_detach(&b);
}

void ba_audio_scene_settle(json_t *scene, const json_t *report)
{
	json_t *seg, *rep;
	size_t i;

	json_array_foreach(json_object_get(scene, "segments"), i, seg) {
		if (!json_object_get(seg, "say"))
			continue;
		rep = json_array_get(json_object_get(report, "segments"), i);
		if (!strcmp(ba_json_str(rep, "engine", ""), "flite") && ba_json_str(rep, "voice", NULL))
			json_object_set(seg, "voice", json_object_get(rep, "voice"));
		if (json_is_number(json_object_get(rep, "rate")))
			json_object_set(seg, "rate", json_object_get(rep, "rate"));
	}
}
