/*
 * render.c - ba_audio_scene_render(): segments -> clean track (speech
 * checked by recognition) -> effects -> noise at the target SNR -> WAV,
 * then the WAV decoded back and measured (SNR, clipping).
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/sha256.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SAY_GAP 0.3
#define EDGE 0.2
#define CLEAN_PEAK 0.5

/* The rates and voices tried, in order, for one speech segment. */
static const double retry_rates[] = { 1.0, 0.9, 0.8 };

/* Synthesise one say segment, recognising it back when asked; fills the
 * segment's report. */
static int render_say(const json_t *seg, const ba_audio_verify_opts *o, ba_audio *out, json_t *rep,
		      int *checked, double *worst, ba_error *err)
{
	const char *text = ba_json_str(seg, "say", ""), *lang = ba_json_str(seg, "lang", "en");
	const char *voice = ba_json_str(seg, "voice", NULL);
	int fixed = voice != NULL, english = ba_asr_supports(lang), attempts = 0, vi, ri;
	double rate0 = ba_json_num(seg, "rate", 1.0), best_wer = INFINITY;
	/* a segment may ask for a stricter check (0: every word heard back) */
	double wmax = json_is_number(json_object_get(seg, "wer_max")) ? ba_json_num(seg, "wer_max", 0) : o->wer_max;
	int nvoices = english && !fixed ? 3 : 1, keys, best_keys = 0;
	char *best_hyp = NULL;

	for (vi = 0; vi < nvoices; vi++) {
		for (ri = 0; ri < (o->asr && english ? 3 : 1); ri++) {
			ba_tts_opts t = BA_TTS_OPTS_INIT;
			char *hyp = NULL;
			double wer;
			int rc;

			t.lang = lang;
			t.voice = fixed ? voice : english ? ba_tts_flite_voices[vi] : NULL;
			t.rate = rate0 * retry_rates[ri];
			if (t.rate < 0.5)
				t.rate = 0.5;
			t.pitch = ba_json_num(seg, "pitch", 0);
			attempts++;
			if ((rc = ba_tts(text, &t, out, err)) != 0) {
				free(best_hyp);
				return rc;
			}
			json_object_set_new(rep, "voice", json_string(t.voice ? t.voice : lang));
			json_object_set_new(rep, "engine", json_string(ba_tts_engine(lang)));
			json_object_set_new(rep, "rate", json_real(t.rate));
			if (!o->asr || !english) {
				json_object_set_new(rep, "asr", json_string(!english ? "not_possible" : "off"));
				json_object_set_new(rep, "attempts", json_integer(attempts));
				return 0;
			}
			if ((rc = ba_asr(out, &hyp, err)) != 0) {
				free(best_hyp);
				return rc;
			}
			wer = ba_wer(text, hyp);
			/* the words the answer needs must be heard, whatever the WER */
			keys = ba_asr_heard(hyp, json_object_get(seg, "hear"));
			if (wer + (keys ? 0 : 2) < best_wer + (best_keys ? 0 : 2)) {
				best_wer = wer;
				best_keys = keys;
				free(best_hyp);
				best_hyp = hyp;
			} else {
				free(hyp);
			}
			if (wer <= wmax && keys) {
				json_object_set_new(rep, "asr", json_string("checked"));
				json_object_set_new(rep, "wer", json_real(wer));
				json_object_set_new(rep, "hyp", json_string(best_hyp));
				json_object_set_new(rep, "attempts", json_integer(attempts));
				free(best_hyp);
				*checked = 1;
				if (wer > *worst)
					*worst = wer;
				return 0;
			}
		}
	}
	if (best_wer <= wmax)
		ba_error_set(err, BA_EINVAL, "audio: speech '%.60s' is not recognisable: a word the answer needs is "
			     "misheard after %d attempts (heard '%.60s')", text, attempts, best_hyp ? best_hyp : "");
	else
		ba_error_set(err, BA_EINVAL, "audio: speech '%.60s' is not recognisable: WER %.2f > %.2f after %d "
			     "attempts (heard '%.60s')", text, best_wer, wmax, attempts, best_hyp ? best_hyp : "");
	free(best_hyp);
	return BA_EINVAL;
}

static int render_segments(const json_t *scene, const ba_audio_verify_opts *o, ba_audio *clean,
			   json_t *reps, int *all_possible, double *worst, ba_error *err)
{
	json_t *seg;
	size_t i;
	int rc = 0, checked = 0;

	if ((rc = ba_audio_silence(clean, EDGE, err)) != 0)
		return rc;
	json_array_foreach(json_object_get(scene, "segments"), i, seg) {
		ba_audio piece = BA_AUDIO_INIT;
		json_t *rep = json_object();
		double gap = 0;

		if (json_object_get(seg, "say")) {
			json_object_set_new(rep, "say", json_string(ba_json_str(seg, "say", "")));
			json_object_set_new(rep, "lang", json_string(ba_json_str(seg, "lang", "en")));
			if (json_object_get(seg, "speaker"))
				json_object_set(rep, "speaker", json_object_get(seg, "speaker"));
			rc = render_say(seg, o, &piece, rep, &checked, worst, err);
			if (rc == 0) {
				/* each piece at the same loudness, so speakers are balanced */
				ba_audio_normalize(&piece, CLEAN_PEAK);
				if (!ba_asr_supports(ba_json_str(seg, "lang", "en")))
					*all_possible = 0;
			}
			gap = SAY_GAP;
		} else if (json_object_get(seg, "silence")) {
			rc = ba_audio_silence(&piece, ba_json_num(seg, "silence", 0), err);
		} else {
			const char *k = json_object_get(seg, "tone") ? "tone" : "beep";
			rc = ba_audio_tone(&piece, ba_json_num(seg, k, 440), ba_json_num(seg, "dur", 0.2),
					   ba_json_num(seg, "gain", 0.4), err);
		}
		if (rc == 0)
			rc = ba_audio_append(clean, &piece, err);
		if (rc == 0)
			rc = ba_audio_silence(clean, ba_json_num(seg, "gap", gap), err);
		ba_audio_free(&piece);
		json_array_append_new(reps, rep);
		if (rc != 0) {
			ba_error_prefix(err, "segment %zu: ", i + 1);
			return rc;
		}
	}
	return ba_audio_silence(clean, EDGE, err);
}

static int apply_effects(const json_t *effects, ba_audio *a, int *clip_asked, ba_error *err)
{
	json_t *e;
	size_t i;
	int rc = 0;

	json_array_foreach(effects, i, e) {
		const char *k = ba_json_str(e, "kind", "");
		if (!strcmp(k, "speed"))
			rc = ba_audio_speed(a, ba_json_num(e, "factor", 1), err);
		else if (!strcmp(k, "pitch"))
			rc = ba_audio_pitch(a, ba_json_num(e, "semitones", 0), err);
		else if (!strcmp(k, "band_limit"))
			rc = ba_audio_band_limit(a, ba_json_num(e, "lo", 300), ba_json_num(e, "hi", 3400), err);
		else if (!strcmp(k, "reverb"))
			rc = ba_audio_reverb(a, ba_json_num(e, "room", 0.5), ba_json_num(e, "wet", 0.3), err);
		else if (!strcmp(k, "clip")) {
			*clip_asked = 1;
			rc = ba_audio_clip(a, ba_json_num(e, "gain_db", 12), ba_json_num(e, "level", 0.5), err);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

static uint64_t scene_seed(const json_t *scene)
{
	json_t *s = json_object_get(scene, "seed");
	char hex[65];

	if (json_is_integer(s))
		return (uint64_t)json_integer_value(s);
	ba_json_hash(scene, hex);
	return strtoull((char[17]){ hex[0], hex[1], hex[2], hex[3], hex[4], hex[5], hex[6], hex[7], hex[8],
				    hex[9], hex[10], hex[11], hex[12], hex[13], hex[14], hex[15], 0 }, NULL, 16);
}

/* Measure what the examinee will hear: the WAV decoded back. */
static int measure(const ba_buf *wav, const ba_audio *clean, double target, const ba_audio_verify_opts *o,
		   int clip_asked, json_t *report, ba_error *err)
{
	ba_audio heard = BA_AUDIO_INIT;
	size_t clipped;
	int rc;

	if ((rc = ba_audio_wav_decode(wav->ptr, wav->len, &heard, err)) != 0)
		return rc;
	clipped = ba_audio_clipped(&heard);
	json_object_set_new(report, "seconds", json_real(ba_audio_seconds(&heard)));
	json_object_set_new(report, "clipped_samples", json_integer((json_int_t)clipped));
	json_object_set_new(report, "peak", json_real(ba_audio_peak(&heard)));
	if (!isnan(target)) {
		double m = ba_audio_snr_measure(clean, &heard);
		json_object_set_new(report, "snr", json_pack("{s:f,s:f}", "target", target, "measured",
							     isfinite(m) ? m : 999.0));
		if (!(fabs(m - target) <= o->snr_tol))
			rc = ba_error_set(err, BA_EINVAL, "audio: mix SNR measured %.2f dB, target %.2f dB (tolerance %.2f)",
					  m, target, o->snr_tol);
	} else {
		json_object_set_new(report, "snr", json_null());
	}
	if (rc == 0 && clipped > 0 && !clip_asked && !o->allow_clipping)
		rc = ba_error_set(err, BA_EINVAL, "audio: %zu samples clip and no clipping was asked", clipped);
	ba_audio_free(&heard);
	return rc;
}

int ba_audio_scene_render(const json_t *scene, const ba_audio_verify_opts *opts, ba_buf *wav,
			  json_t **report, ba_error *err)
{
	ba_audio_verify_opts d = BA_AUDIO_VERIFY_OPTS_INIT;
	const ba_audio_verify_opts *o = opts ? opts : &d;
	ba_audio clean = BA_AUDIO_INIT, mix = BA_AUDIO_INIT;
	json_t *rep = json_object(), *segs = json_array(), *nz = json_object_get(scene, "noise");
	double worst = -1, target = NAN;
	int all_possible = 1, clip_asked = 0, rc;

	*report = NULL;
	if ((rc = ba_audio_scene_check(scene, err)) != 0)
		goto cleanup;
	if ((rc = render_segments(scene, o, &clean, segs, &all_possible, &worst, err)) != 0)
		goto cleanup;
	if ((rc = apply_effects(json_object_get(scene, "effects"), &clean, &clip_asked, err)) != 0)
		goto cleanup;
	if (nz) {
		const char *in = ba_json_str(nz, "intensity", NULL);
		target = in ? ba_noise_intensity_snr(in) : ba_json_num(nz, "snr", 10);
		rc = ba_audio_mix_snr(&clean, (ba_noise_kind)ba_noise_kind_parse(ba_json_str(nz, "kind", "white")),
				      target, scene_seed(scene), &mix, NULL, err);
		if (rc != 0)
			goto cleanup;
		json_object_set_new(rep, "noise", json_pack("{s:s,s:f}", "kind", ba_json_str(nz, "kind", ""), "snr", target));
	} else {
		mix = clean;
		clean.s = NULL;
		clean.n = 0;
		if ((rc = ba_audio_append(&clean, &mix, err)) != 0)
			goto cleanup;
	}
	if ((rc = ba_audio_wav_encode(&mix, wav, err)) != 0)
		goto cleanup;
	json_object_set_new(rep, "segments", segs);
	segs = NULL;
	json_object_set_new(rep, "asr_possible", json_boolean(all_possible));
	json_object_set_new(rep, "wer", worst >= 0 ? json_real(worst) : json_null());
	rc = measure(wav, &clean, target, o, clip_asked, rep, err);
cleanup:
	json_decref(segs);
	ba_audio_free(&clean);
	ba_audio_free(&mix);
	if (rc != 0) {
		json_decref(rep);
		return rc;
	}
	*report = rep;
	return 0;
}
