/*
 * test_audio_noise.c - noise mixed at 15 / 10 / 5 dB measures within
 * 0.5 dB of the target (every kind, measured by the test itself from the
 * WAV bytes), effects do what they say, scenes render and verify.
 */
#include "support.h"
#include "benchagent/audio.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ba_audio speech;

static int setup(void **state)
{
	ba_tts_opts o = BA_TTS_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;

	(void)state;
	return ba_tts("please remember the numbers four nine two seven one", &o, &speech, &err);
}

static int teardown(void **state)
{
	(void)state;
	ba_audio_free(&speech);
	return 0;
}

/* The test's own SNR: noise = heard - clean, no fitting. */
static double own_snr(const ba_audio *clean, const ba_audio *heard, double scale)
{
	double ps = 0, pn = 0;
	size_t i;

	for (i = 0; i < clean->n; i++) {
		double c = clean->s[i] * scale, r = heard->s[i] - c;
		ps += c * c;
		pn += r * r;
	}
	return 10 * log10(ps / pn);
}

static void test_snr_targets(void **state)
{
	const char *levels[] = { "low", "medium", "high" };
	int k, l;

	(void)state;
	for (k = 0; k < 4; k++)
		for (l = 0; l < 3; l++) {
			ba_audio mix = BA_AUDIO_INIT, heard = BA_AUDIO_INIT;
			ba_buf wav = BA_BUF_INIT(1u << 24);
			ba_error err = BA_ERROR_INIT;
			double target = ba_noise_intensity_snr(levels[l]), gain = 0, own, lib;

			assert_int_equal(ba_audio_mix_snr(&speech, (ba_noise_kind)k, target, 7, &mix, &gain, &err), 0);
			assert_int_equal(ba_audio_wav_encode(&mix, &wav, &err), 0);
			assert_int_equal(ba_audio_wav_decode(wav.ptr, wav.len, &heard, &err), 0);
			assert_int_equal(heard.n, speech.n);
			own = own_snr(&speech, &heard, gain);
			lib = ba_audio_snr_measure(&speech, &heard);
			printf("# %s %s: target %.1f, measured %.2f (fitted %.2f), gain %.3f\n",
			       ba_noise_kind_name((ba_noise_kind)k), levels[l], target, own, lib, gain);
			assert_true(fabs(own - target) <= 0.5);
			assert_true(fabs(lib - target) <= 0.5);
			assert_int_equal(ba_audio_clipped(&heard), 0);
			ba_audio_free(&mix);
			ba_audio_free(&heard);
			ba_buf_free(&wav);
		}
	assert_true(ba_noise_intensity_snr("loud") != ba_noise_intensity_snr("loud"));
	assert_int_equal(ba_noise_kind_parse("pink"), BA_NOISE_PINK);
	assert_int_equal(ba_noise_kind_parse("brown"), -1);
}

static void test_noise_seeded(void **state)
{
	ba_audio a = BA_AUDIO_INIT, b = BA_AUDIO_INIT, c = BA_AUDIO_INIT;
	ba_error err = BA_ERROR_INIT;

	(void)state;
	assert_int_equal(ba_noise_make(BA_NOISE_BABBLE, 16000, 3, &a, &err), 0);
	assert_int_equal(ba_noise_make(BA_NOISE_BABBLE, 16000, 3, &b, &err), 0);
	assert_int_equal(ba_noise_make(BA_NOISE_BABBLE, 16000, 4, &c, &err), 0);
	assert_memory_equal(a.s, b.s, a.n * sizeof(float));
	assert_true(memcmp(a.s, c.s, a.n * sizeof(float)) != 0);
	assert_true(fabs(ba_audio_rms(&a) - 1.0) < 1e-3);
	ba_audio_free(&a);
	ba_audio_free(&b);
	ba_audio_free(&c);
}

/* Zero crossings per second / 2 = frequency of a pure tone. */
static double tone_hz(const ba_audio *a)
{
	size_t i, z = 0, lo = a->n / 4, hi = 3 * a->n / 4;

	for (i = lo + 1; i < hi; i++)
		if ((a->s[i - 1] < 0) != (a->s[i] < 0))
			z++;
	return z / 2.0 / ((double)(hi - lo) / a->rate);
}

static void test_effects(void **state)
{
	ba_audio a = BA_AUDIO_INIT, lo = BA_AUDIO_INIT, hi = BA_AUDIO_INIT;
	ba_error err = BA_ERROR_INIT;
	size_t n;

	(void)state;
	assert_int_equal(ba_audio_tone(&a, 440, 1.0, 0.5, &err), 0);
	n = a.n;
	assert_int_equal(ba_audio_speed(&a, 1.25, &err), 0);
	assert_true(labs((long)a.n - (long)(n / 1.25)) <= 2);
	assert_true(fabs(tone_hz(&a) - 550) < 8);
	ba_audio_free(&a);

	assert_int_equal(ba_audio_tone(&a, 440, 1.0, 0.5, &err), 0);
	assert_int_equal(ba_audio_pitch(&a, 12, &err), 0);
	assert_true(labs((long)a.n - (long)n) < 400);
	assert_true(fabs(tone_hz(&a) - 880) < 20);
	ba_audio_free(&a);

	assert_int_equal(ba_audio_tone(&lo, 100, 1.0, 0.5, &err), 0);
	assert_int_equal(ba_audio_tone(&hi, 6000, 1.0, 0.5, &err), 0);
	assert_int_equal(ba_audio_tone(&a, 1000, 1.0, 0.5, &err), 0);
	assert_int_equal(ba_audio_band_limit(&lo, 300, 3400, &err), 0);
	assert_int_equal(ba_audio_band_limit(&hi, 300, 3400, &err), 0);
	assert_int_equal(ba_audio_band_limit(&a, 300, 3400, &err), 0);
	assert_true(ba_audio_rms(&lo) < 0.05 * 0.354);
	assert_true(ba_audio_rms(&hi) < 0.05 * 0.354);
	assert_true(ba_audio_rms(&a) > 0.8 * 0.354);
	assert_int_not_equal(ba_audio_band_limit(&a, 3400, 300, &err), 0);
	ba_audio_free(&lo);
	ba_audio_free(&hi);

	assert_int_equal(ba_audio_clip(&a, 12, 0.6, &err), 0);
	assert_true(fabs(ba_audio_peak(&a) - 0.6) < 1e-6);
	n = a.n;
	assert_int_equal(ba_audio_reverb(&a, 0.5, 0.3, &err), 0);
	assert_true(a.n > n);
	assert_true(fabs(a.s[a.n - a.rate / 4]) > 0 || fabs(a.s[n + 100]) > 1e-4);
	assert_int_not_equal(ba_audio_reverb(&a, 2, 0.3, &err), 0);
	assert_int_not_equal(ba_audio_speed(&a, 5, &err), 0);
	ba_audio_free(&a);
}

static void test_scene_render(void **state)
{
	const char *txt = "{\"segments\":[{\"say\":\"what is seven plus twelve\",\"voice\":\"rms\",\"speaker\":\"A\"},"
			  "{\"tone\":440,\"dur\":0.3},{\"silence\":0.2},{\"say\":\"Guten Morgen\",\"lang\":\"de\"}],"
			  "\"noise\":{\"kind\":\"pink\",\"intensity\":\"medium\"}}";
	json_t *scene = json_loads(txt, 0, NULL), *rep = NULL, *again = NULL;
	ba_buf wav = BA_BUF_INIT(1u << 24), wav2 = BA_BUF_INIT(1u << 24);
	ba_error err = BA_ERROR_INIT;
	char *tr;

	(void)state;
	assert_int_equal(ba_audio_scene_render(scene, NULL, &wav, &rep, &err), 0);
	assert_int_equal(ba_audio_wav_check(wav.ptr, wav.len, NULL, &err), 0);
	assert_string_equal(ba_json_str(json_array_get(json_object_get(rep, "segments"), 0), "asr", ""), "checked");
	assert_true(ba_json_num(rep, "wer", 1) <= BA_AUDIO_WER_MAX);
	assert_string_equal(ba_json_str(json_array_get(json_object_get(rep, "segments"), 3), "asr", ""), "not_possible");
	assert_false(ba_json_bool(rep, "asr_possible", 1));
	assert_true(fabs(json_number_value(ba_json_path(rep, "snr.measured")) - 10) <= 0.5);
	assert_int_equal(ba_json_int(rep, "clipped_samples", -1), 0);
	/* deterministic bytes */
	assert_int_equal(ba_audio_scene_render(scene, NULL, &wav2, &again, &err), 0);
	assert_int_equal(wav.len, wav2.len);
	assert_memory_equal(wav.ptr, wav2.ptr, wav.len);
	tr = ba_audio_scene_transcript(scene);
	assert_string_equal(tr, "A: what is seven plus twelve\nGuten Morgen");
	free(tr);
	json_decref(rep);
	json_decref(again);
	json_decref(scene);
	ba_buf_free(&wav);
	ba_buf_free(&wav2);
}

static void test_scene_errors(void **state)
{
	const char *bad[] = {
		"{}", "{\"segments\":[]}", "{\"segments\":[{\"sing\":\"x\"}]}",
		"{\"segments\":[{\"tone\":5,\"dur\":1}]}", "{\"segments\":[{\"say\":\"\"}]}",
		"{\"segments\":[{\"say\":\"hi\"}],\"noise\":{\"kind\":\"brown\",\"snr\":5}}",
		"{\"segments\":[{\"say\":\"hi\"}],\"noise\":{\"kind\":\"white\",\"intensity\":\"loud\"}}",
		"{\"segments\":[{\"say\":\"hi\"}],\"effects\":[{\"kind\":\"flanger\"}]}",
		"{\"segments\":[{\"silence\":1000}]}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *s = json_loads(bad[i], 0, NULL);
		ba_error err = BA_ERROR_INIT;
		assert_non_null(s);
		assert_int_not_equal(ba_audio_scene_check(s, &err), 0);
		assert_non_null(strstr(err.msg, "audio scene"));
		json_decref(s);
	}
}

/* Unrecognisable speech is rejected with the reason, not kept. */
static void test_scene_rejects_gibberish(void **state)
{
	json_t *s = json_loads("{\"segments\":[{\"say\":\"xqzt vrrbl kkpth zzyx\",\"voice\":\"kal\"}]}", 0, NULL), *rep = NULL;
	ba_buf wav = BA_BUF_INIT(1u << 24);
	ba_error err = BA_ERROR_INIT;

	(void)state;
	assert_int_not_equal(ba_audio_scene_render(s, NULL, &wav, &rep, &err), 0);
	assert_non_null(strstr(err.msg, "not recognisable"));
	assert_null(rep);
	json_decref(s);
	ba_buf_free(&wav);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snr_targets),
		cmocka_unit_test(test_noise_seeded),
		cmocka_unit_test(test_effects),
		cmocka_unit_test(test_scene_errors),
		cmocka_unit_test(test_scene_render),
		cmocka_unit_test(test_scene_rejects_gibberish),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
