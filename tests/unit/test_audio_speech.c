/*
 * test_audio_speech.c - text-to-speech -> speech recognition round trips
 * on clean speech for every English voice the generators use, the WER
 * and its normalisation, espeak-ng for other languages, WAV I/O.
 */
#include "support.h"
#include "benchagent/audio.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sentences[] = {
	"what is seven plus twelve",
	"the numbers are four nine two seven one",
	"what time does the train to boston leave tomorrow morning",
};

/* rms, the voice the renderer tries first, straight through: near word
 * for word. */
static void test_round_trip_rms(void **state)
{
	double total = 0;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		ba_tts_opts o = BA_TTS_OPTS_INIT;
		ba_audio a = BA_AUDIO_INIT;
		ba_error err = BA_ERROR_INIT;
		char *hyp = NULL;

		o.voice = "rms";
		assert_int_equal(ba_tts(sentences[i], &o, &a, &err), 0);
		assert_int_equal(a.rate, BA_AUDIO_RATE);
		assert_true(ba_audio_seconds(&a) > 1.0 && ba_audio_seconds(&a) < 8.0);
		assert_int_equal(ba_asr(&a, &hyp, &err), 0);
		printf("# rms: '%s' -> '%s'\n", sentences[i], hyp);
		total += ba_wer(sentences[i], hyp);
		free(hyp);
		ba_audio_free(&a);
	}
	assert_true(total / 3 < 0.05);
}

/* Every voice the generators use for English (rms, kal; awb and slt are
 * not used: pocketsphinx hears awb's "seven" as "said and" and misses
 * slt often, docs/audio.md), through the renderer's
 * check: recognised back below the threshold, re-made at a slower rate
 * when needed (the voice is fixed, so never swapped). */
static void test_round_trip_every_voice(void **state)
{
	const char *voices[] = { "rms", "kal" };
	size_t v, i;

	(void)state;
	for (v = 0; v < 2; v++)
		for (i = 0; i < 3; i++) {
			json_t *scene = json_pack("{s:[{s:s,s:s}]}", "segments", "say", sentences[i], "voice", voices[v]);
			json_t *rep = NULL, *seg;
			ba_buf wav = BA_BUF_INIT(1u << 24);
			ba_error err = BA_ERROR_INIT;

			if (ba_audio_scene_render(scene, NULL, &wav, &rep, &err) != 0)
				fail_msg("%s: %s", voices[v], err.msg);
			seg = json_array_get(json_object_get(rep, "segments"), 0);
			printf("# %s: '%s' -> '%s' WER %.2f (attempt %lld, rate %.1f)\n", voices[v], sentences[i],
			       ba_json_str(seg, "hyp", ""), ba_json_num(seg, "wer", 1), ba_json_int(seg, "attempts", 0),
			       ba_json_num(seg, "rate", 0));
			assert_string_equal(ba_json_str(seg, "voice", ""), voices[v]);
			assert_string_equal(ba_json_str(seg, "asr", ""), "checked");
			assert_true(ba_json_num(seg, "wer", 1) <= BA_AUDIO_WER_MAX);
			assert_true(ba_wer(sentences[i], ba_json_str(seg, "hyp", "")) <= BA_AUDIO_WER_MAX);
			json_decref(rep);
			json_decref(scene);
			ba_buf_free(&wav);
		}
}

static void test_wer(void **state)
{
	char *n;

	(void)state;
	assert_true(ba_wer("the cat sat", "the cat sat") == 0.0);
	assert_true(fabs(ba_wer("the cat sat", "the bat sat") - 1.0 / 3) < 1e-9);
	assert_true(fabs(ba_wer("the cat sat", "the cat") - 1.0 / 3) < 1e-9);
	assert_true(fabs(ba_wer("the cat", "the big cat") - 0.5) < 1e-9);
	assert_true(ba_wer("", "") == 0.0);
	assert_true(ba_wer("", "noise") == 1.0);
	assert_true(ba_wer("What is 17 + 4?", "what is seventeen plus four") < 0.3);
	n = ba_asr_normalize("It's 1,234 and 21, OK?");
	assert_string_equal(n, "it's one thousand two hundred thirty four and twenty one ok");
	free(n);
	n = ba_asr_normalize("Bob said: 'Friday!'");
	assert_string_equal(n, "bob said friday");
	free(n);
}

static void test_espeak_other_languages(void **state)
{
	const char *langs[] = { "de", "fr", "es", "zh" };
	const char *text[] = { "Guten Morgen, wie geht es dir?", "Bonjour, comment allez-vous?",
			       "Buenos días, ¿cómo estás?", "你好，今天天气很好。" };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		ba_tts_opts o = BA_TTS_OPTS_INIT;
		ba_audio a = BA_AUDIO_INIT;
		ba_error err = BA_ERROR_INIT;

		o.lang = langs[i];
		assert_string_equal(ba_tts_engine(langs[i]), "espeak-ng");
		if (ba_tts(text[i], &o, &a, &err) != 0)
			fail_msg("%s: %s", langs[i], err.msg);
		assert_int_equal(a.rate, BA_AUDIO_RATE);
		assert_true(ba_audio_seconds(&a) > 0.5);
		assert_true(ba_audio_rms(&a) > 0.01);
		assert_false(ba_asr_supports(langs[i]));
		ba_audio_free(&a);
	}
	{
		ba_tts_opts o = BA_TTS_OPTS_INIT;
		ba_audio a = BA_AUDIO_INIT;
		ba_error err = BA_ERROR_INIT;
		o.lang = "xx-nowhere";
		assert_int_not_equal(ba_tts("hello", &o, &a, &err), 0);
		assert_non_null(strstr(err.msg, "no voice"));
		o.lang = "en";
		o.voice = "nobody";
		assert_int_not_equal(ba_tts("hello", &o, &a, &err), 0);
		assert_non_null(strstr(err.msg, "no English voice"));
	}
}

static void test_rate_and_determinism(void **state)
{
	ba_tts_opts o = BA_TTS_OPTS_INIT;
	ba_audio a = BA_AUDIO_INIT, b = BA_AUDIO_INIT, slow = BA_AUDIO_INIT;
	ba_error err = BA_ERROR_INIT;

	(void)state;
	assert_int_equal(ba_tts("seven eight nine", &o, &a, &err), 0);
	assert_int_equal(ba_tts("seven eight nine", &o, &b, &err), 0);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.s, b.s, a.n * sizeof(float));
	o.rate = 0.7;
	assert_int_equal(ba_tts("seven eight nine", &o, &slow, &err), 0);
	assert_true(ba_audio_seconds(&slow) > 1.2 * ba_audio_seconds(&a));
	ba_audio_free(&a);
	ba_audio_free(&b);
	ba_audio_free(&slow);
}

static void test_wav_io(void **state)
{
	ba_audio a = BA_AUDIO_INIT, back = BA_AUDIO_INIT;
	ba_buf wav = BA_BUF_INIT(1u << 24);
	ba_error err = BA_ERROR_INIT;
	double secs = 0;
	size_t i;

	(void)state;
	assert_int_equal(ba_audio_tone(&a, 440, 0.5, 0.5, &err), 0);
	assert_int_equal(ba_audio_wav_encode(&a, &wav, &err), 0);
	assert_memory_equal(wav.ptr, "RIFF", 4);
	assert_int_equal(ba_audio_wav_check(wav.ptr, wav.len, &secs, &err), 0);
	assert_true(fabs(secs - 0.5) < 1e-3);
	assert_int_equal(ba_audio_wav_decode(wav.ptr, wav.len, &back, &err), 0);
	assert_int_equal(back.n, a.n);
	assert_int_equal(back.rate, BA_AUDIO_RATE);
	for (i = 0; i < a.n; i++)
		assert_true(fabs(back.s[i] - a.s[i]) < 2.0 / 32768);
	/* not a WAV / truncated */
	assert_int_not_equal(ba_audio_wav_check("RIFFxxxxWAVEjunk", 16, NULL, &err), 0);
	assert_int_not_equal(ba_audio_wav_check(wav.ptr, wav.len / 2, NULL, &err), 0);
	assert_non_null(strstr(err.msg, "data chunk"));
	assert_int_not_equal(ba_audio_wav_decode("hello", 5, &back, &err), 0);
	ba_buf_free(&wav);
	ba_audio_free(&a);
	ba_audio_free(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wer),
		cmocka_unit_test(test_wav_io),
		cmocka_unit_test(test_rate_and_determinism),
		cmocka_unit_test(test_espeak_other_languages),
		cmocka_unit_test(test_round_trip_rms),
		cmocka_unit_test(test_round_trip_every_voice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
