/*
 * tts.c - text-to-speech: flite for English (cmu_us_rms, slt, awb, kal16:
 * 16 kHz), espeak-ng for every other language (22.05 kHz, resampled).
 * flite keeps global state (voices, features), so every synthesis holds
 * one module lock; espeak-ng runs in a forked child (see synth_espeak). Speaking rate goes to the
 * engine (flite duration_stretch, espeak words per minute); pitch is
 * shifted afterwards (ba_audio_pitch) so it works the same for both.
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <flite/flite.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

cst_voice *register_cmu_us_rms(const char *voxdir);
cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);
cst_voice *register_cmu_us_kal16(const char *voxdir);

#define TTS_MAX_TEXT 4000

/* Ordered by how well pocketsphinx recognises them (bench + docs/audio.md). */
const char *const ba_tts_flite_voices[] = { "rms", "kal", "awb", "slt", NULL };

static pthread_mutex_t tts_lock = PTHREAD_MUTEX_INITIALIZER;
static cst_voice *flite_v[4];
static int flite_ready;

static int is_english(const char *lang)
{
	return !lang || !*lang || strcmp(lang, "en") == 0 || strncmp(lang, "en-", 3) == 0 ||
	       strncmp(lang, "en_", 3) == 0;
}

const char *ba_tts_engine(const char *lang)
{
	return is_english(lang) ? "flite" : "espeak-ng";
}

static int flite_index(const char *voice)
{
	int i;

	if (!voice || !*voice)
		return 0;
	for (i = 0; ba_tts_flite_voices[i]; i++)
		if (strcmp(voice, ba_tts_flite_voices[i]) == 0)
			return i;
	return -1;
}

static int synth_flite(const char *text, const ba_tts_opts *o, ba_audio *out, ba_error *err)
{
	int vi = flite_index(o->voice);
	cst_wave *w;
	float *s;
	size_t i, n;

	if (vi < 0)
		return ba_error_set(err, BA_EINVAL, "tts: no English voice '%s' (rms, slt, awb, kal)", o->voice);
	if (!flite_ready) {
		flite_init();
		flite_v[0] = register_cmu_us_rms(NULL);
		flite_v[1] = register_cmu_us_kal16(NULL);
		flite_v[2] = register_cmu_us_awb(NULL);
		flite_v[3] = register_cmu_us_slt(NULL);
		flite_ready = 1;
	}
	if (!flite_v[vi])
		return ba_error_set(err, BA_ERR, "tts: flite voice %s did not load", ba_tts_flite_voices[vi]);
	feat_set_float(flite_v[vi]->features, "duration_stretch", (float)(1.0 / o->rate));
	/* flite's clustergen excitation draws from rand(): reseed it so the
	 * same text gives the same samples (benchagent itself never uses rand) */
	srand(1);
	w = flite_text_to_wave(text, flite_v[vi]);
	if (!w)
		return ba_error_set(err, BA_ERR, "tts: flite made no audio");
	n = (size_t)w->num_samples;
	s = ba_malloc((n ? n : 1) * sizeof(float));
	for (i = 0; i < n; i++)
		s[i] = (float)(w->samples[i * w->num_channels] / 32768.0);
	audio_take(out, s, n);
	out->rate = w->sample_rate;
	delete_wave(w);
	return ba_audio_resample(out, BA_AUDIO_RATE, err);
}

/* Language codes espeak-ng names differently. */
static const char *espeak_voice(const char *lang)
{
	if (!lang)
		return "en";
	if (!strcmp(lang, "zh") || !strncmp(lang, "zh-", 3))
		return "cmn";
	return lang;
}

const char *ba_tts_espeak_voice(const char *lang)
{
	return espeak_voice(lang);
}

/* espeak-ng 1.51 carries wave-generator state from one utterance to the
 * next (the same text comes out differently the second time), so every
 * synthesis runs in a fresh forked child that initialises the engine,
 * writes its 16-bit samples to a pipe and exits: ~40 ms, deterministic. */
static int espeak_fd = -1;

static int espeak_cb(short *wav, int n, espeak_EVENT *ev)
{
	size_t off = 0, len = (size_t)(n > 0 ? n : 0) * sizeof(short);

	(void)ev;
	while (wav && off < len) {
		ssize_t w = write(espeak_fd, (const char *)wav + off, len - off);
		if (w <= 0)
			return 1;
		off += (size_t)w;
	}
	return 0;
}

static void espeak_child(const char *text, const char *voice, double rate, int fd)
{
	int sr;

	espeak_fd = fd;
	espeak_ng_InitializePath(NULL);
	if (espeak_ng_Initialize(NULL) != ENS_OK ||
	    espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL) != ENS_OK)
		_exit(3);
	if (espeak_ng_SetVoiceByName(voice) != ENS_OK)
		_exit(4);
	sr = espeak_ng_GetSampleRate();
	if (write(fd, &sr, sizeof(sr)) != (ssize_t)sizeof(sr))
		_exit(5);
	espeak_SetSynthCallback(espeak_cb);
	espeak_ng_SetParameter(espeakRATE, (int)lround(175 * rate), 0);
	srand(1);
	if (espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL) != ENS_OK ||
	    espeak_ng_Synchronize() != ENS_OK)
		_exit(6);
	_exit(0);
}

static int synth_espeak(const char *text, const ba_tts_opts *o, ba_audio *out, ba_error *err)
{
	const char *voice = o->voice && *o->voice ? o->voice : espeak_voice(o->lang);
	ba_buf b = BA_BUF_INIT((size_t)BA_AUDIO_MAX_SECONDS * 48000 * 2 + 16);
	char chunk[16384];
	int p[2], status = 0, sr = 0;
	ssize_t k;
	pid_t pid;
	size_t i, n;
	float *s;

	if (pipe(p) != 0)
		return ba_error_set(err, BA_EIO, "tts: pipe: %s", strerror(errno));
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return ba_error_set(err, BA_EIO, "tts: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(p[0]);
		espeak_child(text, voice, o->rate, p[1]);
	}
	close(p[1]);
	while ((k = read(p[0], chunk, sizeof(chunk))) > 0 || (k < 0 && errno == EINTR))
		if (k > 0 && ba_buf_append(&b, chunk, (size_t)k) != 0)
			break;
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || b.len < sizeof(int)) {
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		ba_buf_free(&b);
		if (code == 4)
			return ba_error_set(err, BA_EINVAL, "tts: espeak-ng has no voice '%s'", voice);
		return ba_error_set(err, BA_ERR, "tts: espeak-ng failed (status %d; espeak-ng-data installed?)", code);
	}
	memcpy(&sr, b.ptr, sizeof(sr));
	n = (b.len - sizeof(int)) / sizeof(short);
	s = ba_malloc((n ? n : 1) * sizeof(float));
	for (i = 0; i < n; i++) {
		short v;
		memcpy(&v, b.ptr + sizeof(int) + i * sizeof(short), sizeof(v));
		s[i] = (float)(v / 32768.0);
	}
	ba_buf_free(&b);
	audio_take(out, s, n);
	out->rate = sr;
	return ba_audio_resample(out, BA_AUDIO_RATE, err);
}

int ba_tts(const char *text, const ba_tts_opts *o, ba_audio *out, ba_error *err)
{
	ba_tts_opts d = BA_TTS_OPTS_INIT;
	ba_audio a = BA_AUDIO_INIT;
	int rc;

	if (!o)
		o = &d;
	if (!text || !*text)
		return ba_error_set(err, BA_EINVAL, "tts: empty text");
	if (strlen(text) > TTS_MAX_TEXT)
		return ba_error_set(err, BA_ELIMIT, "tts: text longer than %d bytes", TTS_MAX_TEXT);
	if (!(o->rate >= 0.5 && o->rate <= 2.0))
		return ba_error_set(err, BA_EINVAL, "tts: rate %g (0.5..2)", o->rate);
	if (!(o->pitch >= -12 && o->pitch <= 12))
		return ba_error_set(err, BA_EINVAL, "tts: pitch %g semitones (-12..12)", o->pitch);
	pthread_mutex_lock(&tts_lock);
	rc = is_english(o->lang) ? synth_flite(text, o, &a, err) : synth_espeak(text, o, &a, err);
	pthread_mutex_unlock(&tts_lock);
	if (rc == 0 && a.n == 0)
		rc = ba_error_set(err, BA_ERR, "tts: no audio for '%.40s'", text);
	if (rc == 0 && o->pitch != 0)
		rc = ba_audio_pitch(&a, o->pitch, err);
	if (rc != 0) {
		ba_audio_free(&a);
		return rc;
	}
	ba_audio_free(out);
	*out = a;
	return 0;
}
