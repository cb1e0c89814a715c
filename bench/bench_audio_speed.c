/*
 * bench_audio_speed.c - how fast the audio module works on this CPU:
 *   - text-to-speech: seconds of speech synthesised per CPU second, flite
 *     (the English voices) and espeak-ng (German, French, Spanish; each
 *     synthesis runs in a forked child, whose CPU time is counted too);
 *   - speech recognition: pocketsphinx's real-time factor (CPU seconds per
 *     second of audio) on the flite rms sentences, with their mean WER;
 *   - noise mixing at 10 dB SNR: MB of 16-bit 16 kHz PCM mixed per CPU second,
 *     per noise kind (after one warm-up call: babble builds its talkers once);
 *   - OCR: chart images read per CPU second (the chart_reading generator's
 *     PNGs, tesseract at scale 2).
 * CPU time is user + system of this process and its waited-for children
 * (getrusage), wall time is CLOCK_MONOTONIC; every value is per CPU
 * second, so a loaded machine changes the wall column, not the values. The reference system has no
 * number to compare with: it defers TTS to a GPU model and leaves ASR and
 * OCR as stubs (its noise mixing too: the pydub code is commented out),
 * so the last column says so.
 *
 *   bench_audio_speed [repeats (default 3)]
 * Run it in a Release build (docs/audio.md has the table).
 */
#include "benchagent/audio.h"
#include "benchagent/fs.h"
#include "benchagent/gen.h"
#include "benchagent/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char *const english[] = {
	"What is seven plus twelve?",
	"The train to Boston leaves at nine fifteen tomorrow morning.",
	"Please remember the numbers four, eight, fifteen and sixteen.",
	"Anna said she would bring the blue umbrella to the meeting.",
	"How many beeps did you hear after the second tone?",
	"My favourite colour is green, but my sister prefers red.",
	"Twenty three minus nine is fourteen.",
	"The library closes at six on Saturdays and stays closed on Sundays.",
	NULL,
};

static const struct { const char *lang, *text; } others[] = {
	{ "de", "Der Zug nach Berlin fährt morgen früh um neun Uhr ab." },
	{ "fr", "Le train pour Paris part demain matin à neuf heures." },
	{ "es", "El tren a Madrid sale mañana por la mañana a las nueve." },
	{ NULL, NULL },
};

typedef struct {
	double wall, cpu;
} stamp;

static stamp now(void)
{
	struct timespec ts;
	struct rusage self, kids;
	stamp s;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	s.wall = ts.tv_sec + ts.tv_nsec / 1e9;
	s.cpu = self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec + kids.ru_stime.tv_sec +
		(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
	return s;
}

static void row(const char *what, double value, const char *unit, stamp t0, stamp t1, const char *ref)
{
	printf("%-34s %10.2f  %-26s %8.2f %8.2f  %s\n", what, value, unit, t1.wall - t0.wall, t1.cpu - t0.cpu, ref);
}

static int fail(const ba_error *e)
{
	fprintf(stderr, "bench_audio_speed: %s\n", e->msg);
	return 1;
}

/* Synthesise every English sentence with one voice, reps times; *clip
 * (optional) collects rms's audio for the ASR and noise rows. */
static int bench_flite(const char *voice, int reps, ba_audio *clip)
{
	ba_error e = BA_ERROR_INIT;
	double secs = 0;
	stamp t0 = now(), t1;
	char what[64];
	int r, i;

	for (r = 0; r < reps; r++)
		for (i = 0; english[i]; i++) {
			ba_tts_opts o = BA_TTS_OPTS_INIT;
			ba_audio a = BA_AUDIO_INIT;
			o.voice = voice;
			if (ba_tts(english[i], &o, &a, &e) != 0)
				return fail(&e);
			secs += ba_audio_seconds(&a);
			if (clip && r == 0 && ba_audio_append(clip, &a, &e) != 0)
				return fail(&e);
			ba_audio_free(&a);
		}
	t1 = now();
	snprintf(what, sizeof(what), "TTS flite %s (%d sentences)", voice, reps * i);
	row(what, secs / (t1.cpu - t0.cpu), "s speech / CPU s", t0, t1, "n/a: reference TTS is a GPU model");
	return 0;
}

static int bench_espeak(int reps)
{
	ba_error e = BA_ERROR_INIT;
	double secs = 0;
	stamp t0 = now(), t1;
	char what[64];
	int r, i;

	for (r = 0; r < reps; r++)
		for (i = 0; others[i].lang; i++) {
			ba_tts_opts o = BA_TTS_OPTS_INIT;
			ba_audio a = BA_AUDIO_INIT;
			o.lang = others[i].lang;
			if (ba_tts(others[i].text, &o, &a, &e) != 0)
				return fail(&e);
			secs += ba_audio_seconds(&a);
			ba_audio_free(&a);
		}
	t1 = now();
	snprintf(what, sizeof(what), "TTS espeak-ng de/fr/es (%d)", reps * i);
	row(what, secs / (t1.cpu - t0.cpu), "s speech / CPU s", t0, t1, "n/a: reference TTS is a GPU model");
	return 0;
}

/* Recognise each rms sentence (the decoder is loaded by a first call,
 * timed on its own row). */
static int bench_asr(int reps)
{
	ba_error e = BA_ERROR_INIT;
	double secs = 0, wer = 0;
	stamp t0, t1;
	ba_audio warm = BA_AUDIO_INIT;
	char *hyp = NULL;
	int r, i, n = 0;

	if (ba_audio_silence(&warm, 0.5, &e) != 0)
		return fail(&e);
	t0 = now();
	if (ba_asr(&warm, &hyp, &e) != 0)
		return fail(&e);
	t1 = now();
	free(hyp);
	ba_audio_free(&warm);
	row("ASR decoder load (once a process)", t1.wall - t0.wall, "s", t0, t1, "n/a: reference ASR is a stub");
	t0.wall = t0.cpu = t1.wall = t1.cpu = 0; /* sums over the recognitions only, not the synthesis */
	for (r = 0; r < reps; r++)
		for (i = 0; english[i]; i++) {
			ba_tts_opts o = BA_TTS_OPTS_INIT;
			ba_audio a = BA_AUDIO_INIT;
			stamp s0, s1;
			o.voice = "rms";
			if (ba_tts(english[i], &o, &a, &e) != 0)
				return fail(&e);
			s0 = now();
			if (ba_asr(&a, &hyp, &e) != 0)
				return fail(&e);
			s1 = now();
			t1.wall += s1.wall - s0.wall;
			t1.cpu += s1.cpu - s0.cpu;
			secs += ba_audio_seconds(&a);
			wer += ba_wer(english[i], hyp);
			n++;
			free(hyp);
			ba_audio_free(&a);
		}
	{
		char what[64];
		snprintf(what, sizeof(what), "ASR pocketsphinx, rms (%d, WER %.2f)", n, wer / n);
		row(what, t1.cpu / secs, "CPU s / s audio (RTF)", t0, t1, "n/a: reference ASR is a stub");
	}
	return 0;
}

static int bench_noise(const ba_audio *speech, int reps)
{
	ba_error e = BA_ERROR_INIT;
	ba_audio clean = BA_AUDIO_INIT;
	int k, r;

	/* one minute of speech: the rms sentences, looped */
	while (ba_audio_seconds(&clean) < 60)
		if (ba_audio_append(&clean, speech, &e) != 0)
			return fail(&e);
	for (k = BA_NOISE_WHITE; k <= BA_NOISE_HUM; k++) {
		ba_audio mix = BA_AUDIO_INIT;
		stamp t0, t1;
		char what[64];
		if (ba_audio_mix_snr(&clean, (ba_noise_kind)k, 10, 1, &mix, NULL, &e) != 0) /* warm-up */
			return fail(&e);
		ba_audio_free(&mix);
		t0 = now();
		for (r = 0; r < reps; r++) {
			if (ba_audio_mix_snr(&clean, (ba_noise_kind)k, 10, (uint64_t)r + 2, &mix, NULL, &e) != 0)
				return fail(&e);
			ba_audio_free(&mix);
		}
		t1 = now();
		snprintf(what, sizeof(what), "noise mix %s 10 dB (%d x %.0f s)", ba_noise_kind_name((ba_noise_kind)k), reps,
			 ba_audio_seconds(&clean));
		row(what, reps * clean.n * 2.0 / 1e6 / (t1.cpu - t0.cpu), "MB PCM16 / CPU s", t0, t1,
		    "n/a: reference noise mixing is a stub");
	}
	ba_audio_free(&clean);
	return 0;
}

/* OCR of n chart images drawn by the chart_reading generator into a
 * scratch workspace. */
static int bench_ocr(int n)
{
	ba_error e = BA_ERROR_INIT;
	ba_gen_registry *reg = NULL;
	ba_store *st = NULL;
	char *ws = ba_fs_mkdtemp("bench-ocr", &e), **paths;
	stamp t0, t1;
	int i, read = 0;

	if (!ws || ba_store_open(&st, ws, &e) != 0 || ba_gen_registry_new(&reg, NULL, &e) != 0)
		return fail(&e);
	paths = calloc((size_t)n, sizeof(char *));
	for (i = 0; i < n; i++) {
		json_t *item = NULL, *m;
		if (ba_gen_generate(reg, "chart_reading", (uint64_t)i + 1, 1 + i % 3, st, &item, &e) != 0)
			return fail(&e);
		m = json_array_get(json_object_get(item, "media"), 0);
		paths[i] = ba_media_path(st, json_string_value(json_object_get(m, "sha256")));
		json_decref(item);
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		char *text = NULL;
		if (ba_ocr_file(paths[i], 2.0, &text, &e) != 0)
			return fail(&e);
		read += text && *text;
		free(text);
	}
	t1 = now();
	{
		char what[64];
		snprintf(what, sizeof(what), "OCR chart images (%d, %d with text)", n, read);
		row(what, n / (t1.cpu - t0.cpu), "images / CPU s", t0, t1, "n/a: reference OCR is a stub");
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	ba_gen_registry_free(reg);
	ba_store_close(st);
	ba_fs_rmtree(ws, NULL);
	free(ws);
	return 0;
}

int main(int argc, char **argv)
{
	long reps = argc > 1 ? strtol(argv[1], NULL, 10) : 3;
	ba_audio speech = BA_AUDIO_INIT;
	const char *const *v;

	if (reps < 1 || reps > 100) {
		fprintf(stderr, "usage: bench_audio_speed [repeats 1..100]\n");
		return 2;
	}
	{
		/* the voices load on the first synthesis: not part of any row */
		ba_tts_opts o = BA_TTS_OPTS_INIT;
		ba_error e = BA_ERROR_INIT;
		double load[3] = { 0, 0, 0 };
		if (ba_tts("warm up", &o, &speech, &e) != 0)
			return fail(&e);
		ba_audio_free(&speech);
		if (getloadavg(load, 3) > 0)
			printf("# load average %.2f (wall times include waiting for the CPU; the values use CPU time)\n",
			       load[0]);
	}
	printf("%-34s %10s  %-26s %8s %8s  %s\n", "measure", "value", "unit", "wall s", "CPU s", "reference");
	for (v = ba_tts_flite_voices; *v; v++)
		if (bench_flite(*v, (int)reps, strcmp(*v, "rms") ? NULL : &speech))
			return 1;
	if (bench_espeak((int)reps) || bench_asr(1) || bench_noise(&speech, (int)reps) || bench_ocr(8 * (int)reps))
		return 1;
	ba_audio_free(&speech);
	return 0;
}
