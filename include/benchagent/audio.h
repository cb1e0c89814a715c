/*
 * audio.h - speech, sound and text recognition on the CPU, offline
 * (docs/audio.md).
 *
 * One sample format throughout: mono float samples in [-1, 1] at
 * BA_AUDIO_RATE (16 kHz, what pocketsphinx models), stored as 16-bit PCM
 * WAV (libsndfile). Text-to-speech: flite for English (voices rms, slt,
 * awb, kal), espeak-ng for every other language. Noise at a target SNR
 * (white, pink, babble of overlapping synthetic speech, hum), speed and
 * pitch perturbation, telephone band-limiting, clipping, reverb. Speech
 * recognition (pocketsphinx, US English) with word error rate; OCR
 * (tesseract, English). Everything is seeded and deterministic; engines
 * with global state are serialised by the module, so every function is
 * safe to call from several threads.
 *
 * A scene (the JSON a generator or tool describes, see ba_audio_scene_*)
 * is rendered here: generators describe audio, C renders it.
 */
#ifndef BA_AUDIO_H
#define BA_AUDIO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "benchagent/buf.h"
#include "benchagent/error.h"

#define BA_AUDIO_RATE 16000
#define BA_AUDIO_MAX_SECONDS 600

typedef struct ba_audio {
	float *s;     /* samples, owned */
	size_t n;     /* number of samples */
	int rate;     /* Hz; BA_AUDIO_RATE after any ba_audio_* producer */
} ba_audio;

#define BA_AUDIO_INIT { NULL, 0, BA_AUDIO_RATE }

void ba_audio_free(ba_audio *a);
double ba_audio_seconds(const ba_audio *a);
/* Append src to dst (same rate). */
int ba_audio_append(ba_audio *dst, const ba_audio *src, ba_error *err);
int ba_audio_silence(ba_audio *dst, double seconds, ba_error *err);
/* A sine tone with 10 ms raised-cosine ramps; amplitude in (0, 1]. */
int ba_audio_tone(ba_audio *dst, double hz, double seconds, double amplitude, ba_error *err);
/* Resample to BA_AUDIO_RATE in place (windowed-sinc). */
int ba_audio_resample(ba_audio *a, int to_rate, ba_error *err);

/* ---- WAV (wav.c) ---- */
/* 16-bit PCM mono WAV bytes of a (samples outside [-1, 1] are saturated). */
int ba_audio_wav_encode(const ba_audio *a, ba_buf *out, ba_error *err);
/* Decode WAV (any libsndfile PCM/float WAV, channels mixed down) into *a
 * at its own rate. Fails with BA_EINVAL on anything that is not a WAV. */
int ba_audio_wav_decode(const void *data, size_t len, ba_audio *a, ba_error *err);
int ba_audio_wav_read(const char *path, ba_audio *a, ba_error *err);
/* Checks what a WAV header claims (RIFF/WAVE, fmt chunk, PCM, channels,
 * rate, data chunk size): 0 when plausible, else BA_EINVAL with the
 * reason. Cheap; does not decode. *seconds (optional) = duration. */
int ba_audio_wav_check(const void *data, size_t len, double *seconds, ba_error *err);

/* ---- text-to-speech (tts.c) ---- */
typedef struct ba_tts_opts {
	const char *voice;   /* flite: rms slt awb kal; espeak: a voice/language name; NULL = by lang */
	const char *lang;    /* BCP-47-ish: "en" (flite), "de", "fr", "es", "zh", ...; NULL = "en" */
	double rate;         /* speaking-rate factor, 1 = normal (0.5..2) */
	double pitch;        /* semitones relative to the voice (-12..12) */
} ba_tts_opts;

#define BA_TTS_OPTS_INIT { NULL, NULL, 1.0, 0.0 }

/* Synthesise text (UTF-8, <= 4000 bytes) into *out at BA_AUDIO_RATE. */
int ba_tts(const char *text, const ba_tts_opts *o, ba_audio *out, ba_error *err);
/* The espeak-ng voice name of lang ("zh" -> "cmn"; borrowed). A variant
 * is appended as "+f3" etc. */
const char *ba_tts_espeak_voice(const char *lang);
/* Whether the engine for lang is flite ("en") or espeak-ng. */
const char *ba_tts_engine(const char *lang);
/* The English flite voices, best recognised first (measured, docs/audio.md):
 * rms, kal, awb, slt (pocketsphinx hears rms word for word, kal well, awb
 * and slt often wrong). */
extern const char *const ba_tts_flite_voices[];

/* ---- noise and effects (noise.c, effects.c) ---- */
typedef enum { BA_NOISE_WHITE, BA_NOISE_PINK, BA_NOISE_BABBLE, BA_NOISE_HUM } ba_noise_kind;

/* "white" / "pink" / "babble" / "hum" -> kind; -1 when unknown. */
int ba_noise_kind_parse(const char *s);
const char *ba_noise_kind_name(ba_noise_kind k);
/* "low" / "medium" / "high" -> 15 / 10 / 5 dB (the reference's intensities); NAN otherwise. */
double ba_noise_intensity_snr(const char *intensity);
/* n samples of noise of kind, unit RMS, from seed. */
int ba_noise_make(ba_noise_kind k, size_t n, uint64_t seed, ba_audio *out, ba_error *err);
/* mix = clean + g * noise with g chosen so the SNR (whole-clip mean
 * power of clean over that of the added noise) is snr_db. When the mix
 * would exceed full scale, both are scaled down together (the SNR is
 * kept, nothing clips). *gain_out (optional) = overall scale applied. */
int ba_audio_mix_snr(const ba_audio *clean, ba_noise_kind k, double snr_db, uint64_t seed,
		     ba_audio *mix, double *gain_out, ba_error *err);
/* SNR in dB of mix against its clean reference (same length): the
 * residual mix - scale * clean is the noise, scale fitted by least
 * squares. Independent of how the mix was made. */
double ba_audio_snr_measure(const ba_audio *clean, const ba_audio *mix);
/* Number of samples at or beyond full scale (|x| >= 32767/32768). */
size_t ba_audio_clipped(const ba_audio *a);
double ba_audio_rms(const ba_audio *a);
double ba_audio_peak(const ba_audio *a);

/* Speed (tempo and pitch together, like tape): factor 0.5..2. */
int ba_audio_speed(ba_audio *a, double factor, ba_error *err);
/* Pitch shift by semitones keeping the duration (resample + overlap-add). */
int ba_audio_pitch(ba_audio *a, double semitones, ba_error *err);
/* Telephone band: 300-3400 Hz band-pass (4th-order Butterworth each side). */
int ba_audio_band_limit(ba_audio *a, double lo_hz, double hi_hz, ba_error *err);
/* Gain by gain_db, then hard clipping at level (0..1] of full scale. */
int ba_audio_clip(ba_audio *a, double gain_db, double level, ba_error *err);
/* Schroeder reverb (4 combs + 2 all-passes); room 0..1 (decay), wet 0..1. */
int ba_audio_reverb(ba_audio *a, double room, double wet, ba_error *err);
/* Scale so the peak is at peak (0..1]; silence stays silence. */
void ba_audio_normalize(ba_audio *a, double peak);

/* ---- speech recognition (asr.c) ---- */
/* Recognise US-English speech (pocketsphinx, en-us model). *text = the
 * hypothesis (lower case words, caller frees). */
int ba_asr(const ba_audio *a, char **text, ba_error *err);
/* Whether lang can be recognised (only "en" / "en-*"). */
int ba_asr_supports(const char *lang);
/* Word error rate of hyp against ref: (substitutions + deletions +
 * insertions) / words in ref, after normalisation (case, punctuation,
 * numbers written out: "17" -> "seventeen"). ref with no words -> 0 when
 * hyp is empty too, else 1. */
double ba_wer(const char *ref, const char *hyp);
/* Whether every phrase of phrases (a JSON list of strings) is in hyp, in
 * that order and without overlap, compared as ba_wer compares words
 * (normalised, homophones one word). An empty list is heard. */
int ba_asr_heard(const char *hyp, const json_t *phrases);
/* Normalised words of text, space-separated (caller frees). */
char *ba_asr_normalize(const char *text);

/* ---- OCR (ocr.c) ---- */
/* Text in an image file (PNG or JPEG), tesseract's English model;
 * scale > 1 upsamples first (small chart labels read better at 2-3).
 * *text caller's. */
int ba_ocr_file(const char *path, double scale, char **text, ba_error *err);
/* Text in an 8-bit gray image. */
int ba_ocr_gray(const unsigned char *px, int w, int h, int stride, char **text, ba_error *err);
/* Whether the words of needle (normalised) appear in order in haystack. */
int ba_ocr_contains(const char *haystack, const char *needle);

/* ---- scenes (scene.c) ---- */
/* A scene is {segments: [seg...], noise?: {kind, snr | intensity},
 * effects?: [{kind: speed|pitch|band_limit|clip|reverb, ...}], seed?}; a
 * segment is {say, voice?, lang?, rate?, pitch?, speaker?, wer_max?, hear?} | {tone: hz,
 * dur, gain?} | {silence: seconds} | {beep: hz, dur, gain?}. Limits:
 * 64 segments, 4000 bytes of text each, BA_AUDIO_MAX_SECONDS in total.
 * wer_max (0..1) makes one segment's recognition check stricter than the
 * renderer's; hear (up to 32 strings) lists the words the answer depends
 * on, which recognition must find in order (a number, a name) on top of
 * the WER bound. */
int ba_audio_scene_check(const json_t *scene, ba_error *err);

typedef struct ba_audio_verify_opts {
	int asr;             /* recognise English speech segments back (slow: ~0.4 x real time) */
	double wer_max;      /* re-make (rate 0.9, 0.8, then other voices unless the voice is
				fixed) or reject above this; default BA_AUDIO_WER_MAX */
	int allow_clipping;  /* accept clipped output (a clip effect asks for it) */
	double snr_tol;      /* |measured - target| allowed, default 0.5 dB */
} ba_audio_verify_opts;

#define BA_AUDIO_WER_MAX 0.25
#define BA_AUDIO_VERIFY_OPTS_INIT { 1, BA_AUDIO_WER_MAX, 0, 0.5 }

/* Fix what the recognition check settled on (a flite voice, a rate) from
 * a render's report into the scene's speech segments, so a later render
 * without recognition makes the same clean track. */
void ba_audio_scene_settle(json_t *scene, const json_t *report);
/* Render a scene: *wav = the final WAV bytes; *report (new ref) = {
 * seconds, segments: [{say, voice, lang, engine, rate, wer?, hyp?,
 * asr: "checked"|"not_possible"|"off", attempts}], wer (worst checked
 * segment or null), asr_possible, snr: {target, measured} | null,
 * clipped_samples, peak }. Fails (BA_EINVAL naming the segment) when a
 * segment stays above wer_max after the re-makes, the SNR misses its
 * target by more than snr_tol, or the output clips unexpectedly. */
int ba_audio_scene_render(const json_t *scene, const ba_audio_verify_opts *o, ba_buf *wav,
			  json_t **report, ba_error *err);
/* The spoken text of a scene's segments, "speaker: text" lines (caller frees). */
char *ba_audio_scene_transcript(const json_t *scene);

#endif
