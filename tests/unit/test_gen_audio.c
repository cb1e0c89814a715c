/*
 * test_gen_audio.c - the audio generators (docs/generators.md "Audio
 * generators"): items carry an audio scene and a WAV in the media store
 * (RIFF/WAVE, 16 kHz mono, read here from the header bytes), the
 * recognition check and the SNR recorded in the media entry, the question
 * never carries what the audio must; keys derived again from the sound
 * itself (the test's own recognition of the stored WAV fed to the
 * solver, beeps counted and tone pitches measured from the samples);
 * the same bytes from a fresh store; contract errors; and gen check's
 * audio_renders rule refusing speech nobody can recognise.
 */
#define _GNU_SOURCE
#include "support.h"
#include "benchagent/audio.h"
#include "benchagent/fs.h"
#include "benchagent/gen.h"
#include "benchagent/json.h"
#include "benchagent/score.h"
#include "benchagent/store.h"
#include "benchagent/verify.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const audio_gens[] = { "spoken_arithmetic", "digit_recall", "tone_compare", "count_beeps",
					  "who_said", "mixed_language_dialogue", NULL };

static ba_gen_registry *reg;
static ba_store *st;
static char *ws;

static int setup(void **state)
{
	ba_error err = BA_ERROR_INIT;
	(void)state;
	ws = bt_tmpdir("genaudio");
	if (ba_store_open(&st, ws, &err) != 0)
		return -1;
	return ba_gen_registry_new(&reg, NULL, &err);
}

static int teardown(void **state)
{
	(void)state;
	ba_gen_registry_free(reg);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
	return 0;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The stored WAV of item: its header read byte by byte (RIFF, WAVE, fmt
 * PCM, 1 channel, 16000 Hz, 16 bits), then decoded. */
static void stored_wav(const json_t *item, ba_audio *a)
{
	const json_t *m = json_array_get(json_object_get(item, "media"), 0);
	char *abs;
	ba_buf b = BA_BUF_INIT(64u << 20);
	ba_error err = BA_ERROR_INIT;
	const unsigned char *p;

	assert_string_equal(ba_json_str(m, "type", ""), "audio");
	assert_string_equal(ba_json_str(m, "mime", ""), "audio/wav");
	assert_true(ba_path_is_safe(ba_json_str(m, "path", "")));
	abs = ba_media_path(st, ba_json_str(m, "sha256", ""));
	assert_non_null(abs);
	assert_int_equal(ba_fs_read(abs, &b, &err), 0);
	assert_true(b.len > 44);
	p = (const unsigned char *)b.ptr;
	assert_memory_equal(p, "RIFF", 4);
	assert_memory_equal(p + 8, "WAVEfmt ", 8);
	assert_int_equal(p[20] | p[21] << 8, 1);       /* PCM */
	assert_int_equal(p[22] | p[23] << 8, 1);       /* mono */
	assert_int_equal(le32(p + 24), 16000);
	assert_int_equal(p[34] | p[35] << 8, 16);
	assert_int_equal(le32(p + 4), b.len - 8);
	assert_int_equal(ba_audio_wav_decode(b.ptr, b.len, a, &err), 0);
	assert_int_equal(a->rate, 16000);
	assert_true(fabs(ba_audio_seconds(a) - ba_json_num(m, "seconds", 0)) < 0.01);
	ba_buf_free(&b);
	free(abs);
}

/* An item; into a store (rendered, recognition checked) with a build's
 * redraw: speech that fails recognition refuses the item, and a build
 * draws again (at most two redraws here, each printed). */
static json_t *make(const char *name, uint64_t seed, int d, ba_store *where)
{
	json_t *it = NULL;
	ba_error err = BA_ERROR_INIT;
	int draw;

	for (draw = 0; draw < (where ? 3 : 1); draw++) {
		if (ba_gen_generate(reg, name, seed + 1000 * (uint64_t)draw, d, where, &it, &err) == 0)
			return it;
		print_message("%s seed %llu d%d refused: %s\n", name, (unsigned long long)(seed + 1000 * (uint64_t)draw),
			      d, err.msg);
	}
	fail_msg("%s seed %llu d%d: %s", name, (unsigned long long)seed, d, err.msg);
	return NULL;
}

static void test_registered_and_nothing_leaks(void **state)
{
	int i, k, d;
	(void)state;

	for (i = 0; audio_gens[i]; i++) {
		const ba_gen_info *g = ba_gen_find(reg, audio_gens[i]);
		int has_audio = 0;
		size_t j;
		json_t *m;
		assert_non_null(g);
		json_array_foreach(g->modalities, j, m)
			has_audio |= !strcmp(json_string_value(m), "audio");
		assert_true(has_audio);
		for (d = 1; d <= 5; d++)
			for (k = 1; k <= 8; k++) {
				json_t *it = make(audio_gens[i], (uint64_t)k, d, NULL), *seg;
				char why[300] = "";
				const json_t *ent = json_array_get(json_object_get(it, "media"), 0);
				/* no store: the scene and an unrendered entry */
				assert_true(json_is_array(ba_json_path(it, "scene.segments")));
				assert_string_equal(ba_json_str(ent, "type", ""), "audio");
				assert_string_equal(ba_json_str(ent, "sha256", ""), "unrendered");
				if (ba_verify_check("leakage", it, NULL, why, sizeof(why)) == 0)
					fail_msg("%s d%d seed %d leaks: %s", audio_gens[i], d, k, why);
				/* the question carries none of the speech */
				json_array_foreach(json_object_get(json_object_get(it, "scene"), "segments"), j, seg) {
					char *ns, *nq;
					if (!ba_json_str(seg, "say", NULL))
						continue;
					ns = ba_verify_fold(ba_json_str(seg, "say", ""));
					nq = ba_verify_fold(ba_json_str(it, "question", ""));
					if (strlen(ns) > 12 && strstr(nq, ns))
						fail_msg("%s: the question repeats the speech '%s'", audio_gens[i], ns);
					free(ns);
					free(nq);
				}
				json_decref(it);
			}
	}
}

static void test_items_store_checked_wav(void **state)
{
	int i;
	(void)state;

	for (i = 0; audio_gens[i]; i++) {
		int d = !strcmp(audio_gens[i], "who_said") || !strcmp(audio_gens[i], "mixed_language_dialogue") ? 2 : 5;
		json_t *it = make(audio_gens[i], 3, d, st), *m;
		ba_audio a = BA_AUDIO_INIT;
		int speech = json_array_size(ba_json_path(json_array_get(json_object_get(it, "media"), 0), "speech.segments")) > 0;

		stored_wav(it, &a);
		m = json_array_get(json_object_get(it, "media"), 0);
		/* what was checked is recorded */
		assert_non_null(json_object_get(m, "speech"));
		assert_true(json_is_boolean(ba_json_path(m, "speech.asr_possible")));
		if (speech && ba_json_bool(json_object_get(m, "speech"), "asr_possible", 0))
			assert_true(ba_json_num(json_object_get(m, "speech"), "wer", 1) <= BA_AUDIO_WER_MAX);
		if (json_object_get(json_object_get(it, "scene"), "noise"))
			assert_true(fabs(ba_json_num(json_object_get(m, "snr"), "measured", 99) -
					 ba_json_num(json_object_get(m, "snr"), "target", 0)) <= 0.5);
		assert_int_equal(ba_json_int(m, "clipped_samples", -1), 0);
		/* the scene is settled: every speech segment names its voice and rate */
		{
			json_t *seg;
			size_t j;
			json_array_foreach(ba_json_path(it, "scene.segments"), j, seg)
				if (json_object_get(seg, "say"))
					assert_true(ba_json_str(seg, "voice", NULL) && json_is_number(json_object_get(seg, "rate")));
		}
		/* the per-item media check passes */
		assert_int_equal(ba_verify_check("media", it, NULL, NULL, 0) != 0, 1);
		ba_audio_free(&a);
		json_decref(it);
	}
}

static char *solve_view(const char *name, const json_t *view)
{
	ba_gen_solver *sv = NULL;
	ba_error err = BA_ERROR_INIT;
	char *ans = NULL;

	assert_int_equal(ba_gen_solver_open(reg, name, &sv, &err), 0);
	if (ba_gen_solver_solve(sv, view, &ans, NULL, &err) != 0)
		ans = NULL;
	ba_gen_solver_close(sv);
	return ans;
}

/* The key derived from what the examinee hears: the stored WAV
 * recognised by the test, the hypothesis given to the solver as the
 * speech after the tone. Clean levels only (pocketsphinx fails in noise). */
static void test_key_from_recognised_speech(void **state)
{
	static const struct { const char *gen; int d; } cases[] = {
		{ "spoken_arithmetic", 1 }, { "spoken_arithmetic", 2 }, { "digit_recall", 1 }, { NULL, 0 } };
	int i, k, agree = 0, total = 0;
	(void)state;

	for (i = 0; cases[i].gen; i++)
		for (k = 1; k <= 2; k++) {
			json_t *it = make(cases[i].gen, (uint64_t)(20 + k), cases[i].d, st), *view;
			ba_audio a = BA_AUDIO_INIT;
			ba_error err = BA_ERROR_INIT;
			char *hyp = NULL, *ans;
			double s = 0;

			stored_wav(it, &a);
			assert_int_equal(ba_asr(&a, &hyp, &err), 0);
			view = json_pack("{s:O, s:{s:[{s:f, s:f}, {s:s}]}}", "question", json_object_get(it, "question"),
					 "scene", "segments", "beep", 880.0, "dur", 0.25, "say", hyp);
			ans = solve_view(cases[i].gen, view);
			total++;
			if (ans && ba_score_item(it, ans, &s, NULL, NULL) == 0 && s >= 1)
				agree++;
			else
				print_message("%s d%d: heard '%s' -> '%s', key '%s'\n", cases[i].gen, cases[i].d, hyp,
					      ans ? ans : "(none)", ba_json_str(it, "answer", ""));
			free(ans);
			free(hyp);
			json_decref(view);
			ba_audio_free(&a);
			json_decref(it);
		}
	/* every clean recording gives its key back through recognition */
	assert_int_equal(agree, total);
}

/* Bursts of sound in a: runs of 10 ms frames above a fifth of the peak
 * frame RMS; *hz gets each burst's frequency from zero crossings. */
static int bursts(const ba_audio *a, double *hz, int max)
{
	size_t fr = 160, nf = a->n / fr, f, i;
	double top = 0, *rms = calloc(nf + 1, sizeof(double));
	int n = 0, in = 0;
	size_t start = 0;

	for (f = 0; f < nf; f++) {
		double e = 0;
		for (i = 0; i < fr; i++)
			e += (double)a->s[f * fr + i] * a->s[f * fr + i];
		rms[f] = sqrt(e / fr);
		if (rms[f] > top)
			top = rms[f];
	}
	for (f = 0; f <= nf; f++) {
		int on = f < nf && rms[f] > top / 5;
		if (on && !in) {
			start = f;
		} else if (!on && in && f - start >= 3 && n < max) {
			size_t zc = 0, s0 = start * fr, s1 = f * fr;
			for (i = s0 + 1; i < s1; i++)
				zc += (a->s[i - 1] < 0) != (a->s[i] < 0);
			hz[n++] = (double)zc / 2.0 / ((double)(s1 - s0) / a->rate);
		}
		in = on;
	}
	free(rms);
	return n;
}

static void test_beeps_and_tones_measured(void **state)
{
	int k;
	(void)state;

	for (k = 1; k <= 4; k++) {
		json_t *it = make("count_beeps", (uint64_t)k, 1 + (k % 2), st);
		ba_audio a = BA_AUDIO_INIT;
		double hz[64];
		int n;
		stored_wav(it, &a);
		n = bursts(&a, hz, 64);
		assert_int_equal(n, atoi(ba_json_str(it, "answer", "-1")));
		ba_audio_free(&a);
		json_decref(it);
	}
	for (k = 1; k <= 4; k++) {
		json_t *it = make("tone_compare", (uint64_t)k, 1, st);
		ba_audio a = BA_AUDIO_INIT;
		double hz[8];
		stored_wav(it, &a);
		assert_int_equal(bursts(&a, hz, 8), 2);
		/* level 1 asks whether the second is higher */
		assert_string_equal(ba_json_str(it, "answer", ""), hz[1] > hz[0] ? "yes" : "no");
		ba_audio_free(&a);
		json_decref(it);
	}
}

static void test_same_bytes_from_a_fresh_store(void **state)
{
	char *ws2 = bt_tmpdir("genaudio2");
	ba_store *st2 = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *a, *b;
	(void)state;

	assert_int_equal(ba_store_open(&st2, ws2, &err), 0);
	a = make("mixed_language_dialogue", 7, 4, st);
	b = make("mixed_language_dialogue", 7, 4, st2);
	assert_true(json_equal(a, b));
	/* German, French, Spanish, Italian: recognition not possible, said so */
	assert_false(ba_json_bool(ba_json_path(json_array_get(json_object_get(a, "media"), 0), "speech"), "asr_possible", 1));
	json_decref(a);
	json_decref(b);
	ba_store_close(st2);
	bt_rmrf(ws2);
	free(ws2);
}

static const char *planted(const char *modalities, const char *item)
{
	static char buf[2000];
	snprintf(buf, sizeof(buf),
		 "return { name = 'planted_audio', description = 'a planted audio generator for tests', "
		 "tags = {'a','b','c'}, answer_type = 'numeric', modalities = %s, levels = {'1','2','3','4','5'}, "
		 "generate = function(rng, d) local n = rng:int(1, 1000) return %s end, "
		 "solver = [[return function(view) return #view.scene.segments end]] }",
		 modalities, item);
	return buf;
}

static void test_contract_errors(void **state)
{
	static const struct { const char *mods, *item, *want; } cases[] = {
		{ "{'text'}", "{ question = 'q ' .. n, answer = 1, audio = { segments = { { silence = 0.1 } } } }",
		  "needs \"audio\" in the generator's modalities" },
		{ "{'audio', 'text'}", "{ question = 'q ' .. n, answer = 1 }", "needs item.audio" },
		{ "{'audio', 'text'}", "{ question = 'q ' .. n, answer = 1, audio = { segments = { { tone = 50000, dur = 1 } } } }",
		  "item.audio: audio scene: segment 1" },
		{ "{'audio', 'text'}", "{ question = 'q ' .. n, answer = 1, scene = {}, audio = { segments = { { silence = 1 } } } }",
		  "scene is its audio" },
		{ NULL, NULL, NULL } };
	int i;
	(void)state;

	for (i = 0; cases[i].mods; i++) {
		ba_gen_registry *r = NULL;
		ba_error err = BA_ERROR_INIT;
		const char *src = planted(cases[i].mods, cases[i].item);
		json_t *it = NULL;
		assert_int_equal(ba_gen_registry_new(&r, NULL, &err), 0);
		assert_int_equal(ba_gen_registry_add_source(r, "planted", src, strlen(src), &err), 0);
		assert_int_equal(ba_gen_generate(r, "planted_audio", 1, 1, NULL, &it, &err), BA_EINVAL);
		if (!strstr(err.msg, cases[i].want) || !strstr(err.msg, "planted_audio"))
			fail_msg("case %d: '%s' does not say '%s'", i, err.msg, cases[i].want);
		ba_gen_registry_free(r);
	}
}

/* Speech nobody can recognise (a fixed voice saying non-words) fails
 * audio_renders; the rest of gen check passes for it. */
static void test_check_refuses_unrecognisable_speech(void **state)
{
	const char *src = planted("{'audio', 'text'}",
				  "{ question = 'How many sounds? ' .. n, answer = 2, audio = { segments = { "
				  "{ say = 'zorblat quimfex vrindle ' .. n, voice = 'slt', lang = 'en' }, { beep = 900, dur = 0.1 } } } }");
	json_t *rep = NULL, *c;
	ba_error err = BA_ERROR_INIT;
	size_t i;
	int seen = 0;
	(void)state;

	assert_int_equal(ba_gen_check_source("planted", src, strlen(src), 10, &rep, &err), 0);
	assert_false(ba_json_bool(rep, "passed", 1));
	json_array_foreach(json_object_get(rep, "checks"), i, c)
		if (!strcmp(ba_json_str(c, "name", ""), "audio_renders")) {
			seen = 1;
			assert_false(ba_json_bool(c, "passed", 1));
		} else if (!strcmp(ba_json_str(c, "name", ""), "solver_agrees")) {
			assert_true(ba_json_bool(c, "passed", 0));
		}
	assert_true(seen);
	{
		char *f = json_dumps(json_object_get(rep, "failures"), 0);
		assert_non_null(strstr(f, "not recognisable"));
		free(f);
	}
	json_decref(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered_and_nothing_leaks),
		cmocka_unit_test(test_items_store_checked_wav),
		cmocka_unit_test(test_key_from_recognised_speech),
		cmocka_unit_test(test_beeps_and_tones_measured),
		cmocka_unit_test(test_same_bytes_from_a_fresh_store),
		cmocka_unit_test(test_contract_errors),
		cmocka_unit_test(test_check_refuses_unrecognisable_speech),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
