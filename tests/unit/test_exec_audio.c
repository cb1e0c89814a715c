/*
 * test_exec_audio.c - the executor's audio tools and OCR check, through
 * ba_tool_run with a real store: a dialogue spoken with one voice per
 * speaker and recognised back, noise at 15/10/5 dB measured here from the
 * stored WAV files (own least-squares fit, not the mixer's), effects,
 * clipping only when asked, "not possible" for German, unrecognisable
 * speech rejected, and OCR reading our own chart images' labels.
 */
#include "support.h"
#include "benchagent/audio.h"
#include "benchagent/exec.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"
#include "benchagent/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *J(const char *txt)
{
	json_t *j = json_loads(txt, 0, NULL);
	assert_non_null(j);
	return j;
}

typedef struct fx {
	char *ws;
	ba_store *st;
	ba_tool_ctx c;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	f->ws = bt_tmpdir("exec-audio");
	if (ba_store_open(&f->st, f->ws, NULL) != 0)
		return -1;
	f->c.st = f->st;
	f->c.seed = 11;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	ba_store_close(f->st);
	bt_rmrf(f->ws);
	free(f->ws);
	free(f);
	return 0;
}

static const json_t *audio_media(const json_t *item)
{
	json_t *m;
	size_t i;
	json_array_foreach(json_object_get(item, "media"), i, m)
		if (!strcmp(ba_json_str(m, "type", ""), "audio"))
			return m;
	return NULL;
}

/* The stored WAV of an item's audio, decoded. */
static void load_audio(fx *f, const json_t *item, ba_audio *a)
{
	const json_t *m = audio_media(item);
	char *p;
	ba_error e = BA_ERROR_INIT;

	assert_non_null(m);
	assert_string_equal(ba_json_str(m, "mime", ""), "audio/wav");
	p = ba_media_path(f->st, ba_json_str(m, "sha256", ""));
	assert_non_null(p);
	assert_non_null(strstr(p, ".wav"));
	assert_int_equal(ba_audio_wav_read(p, a, &e), 0);
	free(p);
}

/* SNR of mix against clean, by this test's own least-squares fit. */
static double snr_of(const ba_audio *clean, const ba_audio *mix)
{
	double cc = 0, cm = 0, g, pn = 0, ps = 0;
	size_t i, n = clean->n < mix->n ? clean->n : mix->n;

	assert_true(clean->n == mix->n);
	for (i = 0; i < n; i++) {
		cc += (double)clean->s[i] * clean->s[i];
		cm += (double)clean->s[i] * mix->s[i];
	}
	g = cm / cc;
	for (i = 0; i < n; i++) {
		double r = mix->s[i] - g * clean->s[i];
		pn += r * r;
		ps += g * clean->s[i] * g * clean->s[i];
	}
	return 10 * log10(ps / pn);
}

static void test_table_entries(void **state)
{
	const ba_tool *t = ba_tool_find("text_to_speech");
	json_t *conv = ba_plan_conversions(), *c;
	size_t i;
	int seen = 0;

	(void)state;
	assert_non_null(t);
	assert_string_equal(t->consumes, "text");
	assert_string_equal(t->produces, "audio");
	assert_non_null(ba_tool_find("audio_noise"));
	assert_non_null(ba_tool_find("audio_effect"));
	assert_non_null(ba_tool_find("ocr_check"));
	assert_true(ba_plan_tool_known("text_to_speech"));
	/* the planner's modality rule sees the conversion */
	json_array_foreach(conv, i, c)
		if (!strcmp(ba_json_str(c, "tool", ""), "text_to_speech") && !strcmp(ba_json_str(c, "from", ""), "text") &&
		    !strcmp(ba_json_str(c, "to", ""), "audio"))
			seen = 1;
	assert_true(seen);
	json_decref(conv);
}

/* A two-speaker dialogue: two voices, each line recognised back, the
 * context moved into the audio, then noise at each intensity measured
 * from the stored files. */
static void test_dialogue_and_noise(void **state)
{
	fx *f = *state;
	json_t *in = J("{\"question\":\"Who is taking the train?\",\"answer\":\"Anna\",\"answer_type\":\"short\","
		       "\"context\":\"Anna: I will take the train at seven.\\nBen: I will drive to the airport tomorrow.\"}");
	json_t *out = NULL, *args = J("{}"), *segs;
	const json_t *m;
	ba_audio clean = BA_AUDIO_INIT;
	ba_error e = BA_ERROR_INIT;
	static const char *const levels[] = { "low", "medium", "high" };
	static const double target[] = { 15, 10, 5 };
	size_t i;

	assert_int_equal(ba_tool_run(&f->c, "text_to_speech", args, in, &out, &e), 0);
	m = audio_media(out);
	assert_non_null(m);
	assert_null(json_object_get(out, "context"));
	assert_string_equal(ba_json_str(out, "question", ""), "Who is taking the train?");
	segs = json_object_get(json_object_get(m, "speech"), "segments");
	assert_int_equal(json_array_size(segs), 2);
	for (i = 0; i < 2; i++) {
		json_t *s = json_array_get(segs, i);
		assert_string_equal(ba_json_str(s, "asr", ""), "checked");
		assert_true(ba_json_num(s, "wer", 1) <= BA_AUDIO_WER_MAX);
	}
	assert_string_not_equal(ba_json_str(json_array_get(segs, 0), "voice", "a"),
				ba_json_str(json_array_get(segs, 1), "voice", "a"));
	assert_string_equal(ba_json_str(json_array_get(segs, 0), "speaker", ""), "Anna");
	assert_true(ba_json_bool(json_object_get(m, "speech"), "asr_possible", 0));
	assert_true(json_is_null(json_object_get(m, "snr")));
	/* the stored clean WAV, recognised again here, carries the words */
	load_audio(f, out, &clean);
	{
		char *hyp = NULL;
		assert_int_equal(ba_asr(&clean, &hyp, &e), 0);
		printf("# dialogue heard: %s\n", hyp);
		assert_true(ba_wer("I will take the train at seven I will drive to the airport tomorrow", hyp) <= 0.25);
		free(hyp);
	}
	for (i = 0; i < 3; i++) {
		json_t *nargs = json_pack("{s:s, s:s}", "kind", i == 1 ? "white" : "babble", "intensity", levels[i]), *noisy = NULL;
		ba_audio mix = BA_AUDIO_INIT;
		const json_t *nm;
		double snr;

		assert_int_equal(ba_tool_run(&f->c, "audio_noise", nargs, out, &noisy, &e), 0);
		load_audio(f, noisy, &mix);
		snr = snr_of(&clean, &mix);
		printf("# %s (%s): target %.0f dB, measured here %.2f dB\n", levels[i],
		       ba_json_str(nargs, "kind", ""), target[i], snr);
		assert_true(fabs(snr - target[i]) <= 0.5);
		nm = audio_media(noisy);
		assert_true(fabs(ba_json_num(json_object_get(nm, "snr"), "measured", 0) - target[i]) <= 0.5);
		assert_int_equal(ba_json_int(nm, "clipped_samples", -1), 0);
		/* the clean track's recognition check stays on record */
		assert_true(json_equal(json_object_get(nm, "speech"), json_object_get(m, "speech")));
		assert_string_not_equal(ba_json_str(nm, "sha256", ""), ba_json_str(m, "sha256", ""));
		ba_audio_free(&mix);
		json_decref(noisy);
		json_decref(nargs);
	}
	ba_audio_free(&clean);
	json_decref(out);
	json_decref(args);
	json_decref(in);
}

/* Effects change the audio and are recorded in the scene; clipping is
 * only there when asked for; the same call gives the same bytes. */
static void test_effects(void **state)
{
	fx *f = *state;
	json_t *in = J("{\"question\":\"What is seven plus twelve?\",\"answer\":\"19\",\"answer_type\":\"numeric\"}");
	json_t *out = NULL, *args = J("{\"source\":\"question\"}"), *again = NULL;
	static const char *const kinds[] = { "speed", "pitch", "telephone", "reverb", "clip", NULL };
	ba_error e = BA_ERROR_INIT;
	size_t i;

	assert_int_equal(ba_tool_run(&f->c, "text_to_speech", args, in, &out, &e), 0);
	assert_string_equal(ba_json_str(out, "question", ""), "Listen to the audio and answer the question it asks.");
	for (i = 0; kinds[i]; i++) {
		json_t *a = json_pack("{s:s}", "kind", kinds[i]), *o2 = NULL, *fxs;
		const json_t *m;
		assert_int_equal(ba_tool_run(&f->c, "audio_effect", a, out, &o2, &e), 0);
		m = audio_media(o2);
		assert_string_not_equal(ba_json_str(m, "sha256", ""), ba_json_str(audio_media(out), "sha256", ""));
		fxs = json_object_get(json_object_get(o2, "audio_scene"), "effects");
		assert_int_equal(json_array_size(fxs), 1);
		if (!strcmp(kinds[i], "clip")) {
			/* flat tops at the clip level (0.5 by default), counted here */
			ba_audio a2 = BA_AUDIO_INIT;
			size_t k, flat = 0;
			load_audio(f, o2, &a2);
			for (k = 0; k < a2.n; k++)
				flat += fabsf(a2.s[k]) >= 0.499f && fabsf(a2.s[k]) <= 0.501f;
			printf("# clip: %zu samples at the clip level\n", flat);
			assert_true(flat > 100);
			ba_audio_free(&a2);
		} else {
			assert_int_equal(ba_json_int(m, "clipped_samples", -1), 0);
		}
		json_decref(o2);
		json_decref(a);
	}
	/* deterministic: a second run in a fresh workspace (no memo) gives the same WAV */
	{
		ba_tool_ctx c2 = f->c;
		char *ws2 = bt_tmpdir("exec-audio2");
		ba_store *st2 = NULL;
		assert_int_equal(ba_store_open(&st2, ws2, NULL), 0);
		c2.st = st2;
		assert_int_equal(ba_tool_run(&c2, "text_to_speech", args, in, &again, &e), 0);
		assert_int_equal(c2.cached, 0);
		ba_store_close(st2);
		bt_rmrf(ws2);
		free(ws2);
	}
	assert_string_equal(ba_json_str(audio_media(again), "sha256", "x"), ba_json_str(audio_media(out), "sha256", "y"));
	json_decref(again);
	json_decref(out);
	json_decref(args);
	json_decref(in);
}

/* German: espeak-ng speaks it, pocketsphinx cannot check it, and the item
 * says so. */
static void test_not_possible(void **state)
{
	fx *f = *state;
	json_t *in = J("{\"question\":\"Wer fährt mit dem Zug?\",\"answer\":\"Anna\",\"answer_type\":\"short\","
		       "\"context\":\"Anna: Ich fahre morgen mit dem Zug.\\nBen: Ich fahre mit dem Auto.\"}");
	json_t *out = NULL, *args = J("{\"lang\":\"de\"}"), *segs;
	const json_t *m;
	ba_error e = BA_ERROR_INIT;

	assert_int_equal(ba_tool_run(&f->c, "text_to_speech", args, in, &out, &e), 0);
	m = audio_media(out);
	assert_false(ba_json_bool(json_object_get(m, "speech"), "asr_possible", 1));
	segs = json_object_get(json_object_get(m, "speech"), "segments");
	assert_int_equal(json_array_size(segs), 2);
	assert_string_equal(ba_json_str(json_array_get(segs, 0), "asr", ""), "not_possible");
	assert_string_equal(ba_json_str(json_array_get(segs, 0), "engine", ""), "espeak-ng");
	assert_string_equal(ba_json_str(json_array_get(segs, 1), "voice", ""), "de+f3");
	assert_true(ba_json_num(m, "seconds", 0) > 1.0);
	json_decref(out);
	json_decref(args);
	json_decref(in);
}

/* Speech pocketsphinx cannot hear as the intended words is rejected with
 * the reason; a noise step on an item without audio is refused. */
static void test_rejected(void **state)
{
	fx *f = *state;
	json_t *in = J("{\"question\":\"Xqzt vrblk pfftgrm zhwakt?\",\"answer\":\"1\",\"answer_type\":\"numeric\"}");
	json_t *out = NULL, *args = J("{\"source\":\"question\",\"voice\":\"rms\"}"), *nargs = J("{}");
	ba_error e = BA_ERROR_INIT;

	assert_int_equal(ba_tool_run(&f->c, "text_to_speech", args, in, &out, &e), BA_EINVAL);
	assert_null(out);
	printf("# %s\n", e.msg);
	assert_non_null(strstr(e.msg, "not recognisable"));
	ba_error_clear(&e);
	assert_int_equal(ba_tool_run(&f->c, "audio_noise", nargs, in, &out, &e), BA_EINVAL);
	assert_non_null(strstr(e.msg, "no audio"));
	json_decref(nargs);
	json_decref(args);
	json_decref(in);
}

/* OCR reads the labels of our own chart images; a picture that shows the
 * key is caught by key_hidden. */
static void test_ocr_charts(void **state)
{
	fx *f = *state;
	ba_gen_registry *reg = NULL;
	ba_error e = BA_ERROR_INIT;
	int seed, read = 0, caught = 0;

	assert_int_equal(ba_gen_registry_new(&reg, NULL, &e), 0);
	for (seed = 1; seed <= 4; seed++) {
		json_t *item = NULL, *out = NULL, *args = J("{}"), *kh = J("{\"key_hidden\":true}");
		int d = seed % 2 ? 1 : 2; /* 1: the key is a label in the picture; 2: a value */
		assert_int_equal(ba_gen_generate(reg, "chart_reading", (uint64_t)seed, d, f->st, &item, &e), 0);
		if (ba_tool_run(&f->c, "ocr_check", args, item, &out, &e) == 0) {
			const json_t *m = json_array_get(json_object_get(out, "media"), 0);
			assert_non_null(json_object_get(m, "ocr"));
			read++;
			json_decref(out);
		} else {
			printf("# seed %d: %s\n", seed, e.msg);
		}
		ba_error_clear(&e);
		if (d == 1) {
			assert_int_equal(ba_tool_run(&f->c, "ocr_check", kh, item, &out, &e), BA_EINVAL);
			assert_non_null(strstr(e.msg, "shows the key"));
			caught++;
			ba_error_clear(&e);
		}
		json_decref(kh);
		json_decref(args);
		json_decref(item);
	}
	assert_true(read >= 3);
	assert_int_equal(caught, 2);
	ba_gen_registry_free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_entries),
		cmocka_unit_test_setup_teardown(test_dialogue_and_noise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_effects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_possible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ocr_charts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
