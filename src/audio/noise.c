/*
 * noise.c - noise of four kinds (unit RMS, seeded), mixing at a target
 * SNR, and the measurements that verify a mix (SNR against the clean
 * track, clipping, RMS, peak).
 *
 * Babble is overlapping synthetic speech: six talkers (the four flite
 * voices at two rates) each reading a fixed paragraph, looped and
 * circularly shifted by seeded offsets, summed. The talker tracks are
 * synthesised once per process (lock-protected) and never freed.
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/rng.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BABBLE_TALKERS 6

static const char *const babble_text[BABBLE_TALKERS] = {
	"The committee met on Tuesday to talk about the budget for next year and the new library.",
	"I told her the bus was late again, so we walked along the river until the rain started.",
	"Please remember to bring the blue folder, the receipts and the keys to the storage room.",
	"When the market opened the prices went up quickly and nobody knew what would happen next.",
	"My brother likes to cook on weekends, mostly soup, bread and a little cake for the kids.",
	"They moved the concert to the old hall because the garden was too wet after the storm.",
};

static pthread_mutex_t babble_lock = PTHREAD_MUTEX_INITIALIZER;
static ba_audio babble_track[BABBLE_TALKERS];
static int babble_ready;

int ba_noise_kind_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "white"))
		return BA_NOISE_WHITE;
	if (!strcmp(s, "pink"))
		return BA_NOISE_PINK;
	if (!strcmp(s, "babble"))
		return BA_NOISE_BABBLE;
	if (!strcmp(s, "hum"))
		return BA_NOISE_HUM;
	return -1;
}

const char *ba_noise_kind_name(ba_noise_kind k)
{
	static const char *const names[] = { "white", "pink", "babble", "hum" };
	return (unsigned)k < 4 ? names[k] : "?";
}

double ba_noise_intensity_snr(const char *s)
{
	if (!s)
		return NAN;
	if (!strcmp(s, "low"))
		return 15.0;
	if (!strcmp(s, "medium"))
		return 10.0;
	if (!strcmp(s, "high"))
		return 5.0;
	return NAN;
}

static int babble_init(ba_error *err)
{
	int i, rc = 0;

	pthread_mutex_lock(&babble_lock);
	for (i = 0; !babble_ready && i < BABBLE_TALKERS; i++) {
		ba_tts_opts o = BA_TTS_OPTS_INIT;
		o.voice = ba_tts_flite_voices[i % 4];
		o.rate = i < 4 ? 1.0 : 1.15;
		babble_track[i].rate = BA_AUDIO_RATE;
		if ((rc = ba_tts(babble_text[i], &o, &babble_track[i], err)) != 0)
			break;
	}
	if (rc == 0)
		babble_ready = 1;
	pthread_mutex_unlock(&babble_lock);
	return rc;
}

static void unit_rms(float *s, size_t n)
{
	double acc = 0, g;
	size_t i;

	for (i = 0; i < n; i++)
		acc += (double)s[i] * s[i];
	if (n == 0 || acc <= 0)
		return;
	g = 1.0 / sqrt(acc / n);
	for (i = 0; i < n; i++)
		s[i] = (float)(s[i] * g);
}

static void fill_noise(ba_noise_kind k, float *s, size_t n, ba_rng *r)
{
	double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
	double ph = ba_rng_double(r) * 2 * M_PI, f0 = ba_rng_double(r) < 0.5 ? 50.0 : 60.0;
	size_t i;
	int t;

	for (i = 0; i < n; i++) {
		double w = ba_rng_normal(r), x = 0;
		switch (k) {
		case BA_NOISE_WHITE:
			x = w;
			break;
		case BA_NOISE_PINK:   /* Paul Kellet's refined pink filter */
			b0 = 0.99886 * b0 + w * 0.0555179;
			b1 = 0.99332 * b1 + w * 0.0750759;
			b2 = 0.96900 * b2 + w * 0.1538520;
			b3 = 0.86650 * b3 + w * 0.3104856;
			b4 = 0.55000 * b4 + w * 0.5329522;
			b5 = -0.7616 * b5 - w * 0.0168980;
			x = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
			b6 = w * 0.115926;
			break;
		case BA_NOISE_HUM:    /* mains hum: fundamental + odd/even harmonics, a little hiss */
			for (t = 1; t <= 6; t++)
				x += sin(2 * M_PI * f0 * t * (double)i / BA_AUDIO_RATE + ph * t) / t;
			x += 0.02 * w;
			break;
		default:
			break;
		}
		s[i] = (float)x;
	}
}

int ba_noise_make(ba_noise_kind k, size_t n, uint64_t seed, ba_audio *out, ba_error *err)
{
	ba_rng r;
	float *s;
	int rc;

	if ((unsigned)k > BA_NOISE_HUM)
		return ba_error_set(err, BA_EINVAL, "noise: unknown kind %d", (int)k);
	ba_rng_seed(&r, seed, 0x6e6f697365ULL + (uint64_t)k);
	ba_audio_free(out);
	out->rate = BA_AUDIO_RATE;
	if ((rc = audio_reserve(out, n, err)) != 0)
		return rc;
	s = out->s;
	memset(s, 0, (n ? n : 1) * sizeof(float));
	if (k == BA_NOISE_BABBLE) {
		int t;
		if ((rc = babble_init(err)) != 0)
			return rc;
		for (t = 0; t < BABBLE_TALKERS; t++) {
			const ba_audio *tr = &babble_track[t];
			size_t off = ba_rng_below(&r, (uint32_t)tr->n), i;
			for (i = 0; i < n; i++)
				s[i] += tr->s[(off + i) % tr->n];
		}
	} else {
		fill_noise(k, s, n, &r);
	}
	out->n = n;
	unit_rms(s, n);
	return 0;
}

static double mean_power(const float *s, size_t n)
{
	double acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc += (double)s[i] * s[i];
	return n ? acc / n : 0;
}

int ba_audio_mix_snr(const ba_audio *clean, ba_noise_kind k, double snr_db, uint64_t seed,
		     ba_audio *mix, double *gain_out, ba_error *err)
{
	ba_audio nz = BA_AUDIO_INIT;
	double ps = mean_power(clean->s, clean->n), pn, g, peak = 0, scale = 1;
	size_t i;
	int rc;

	if (!(snr_db >= -20 && snr_db <= 60))
		return ba_error_set(err, BA_EINVAL, "noise: SNR %g dB (-20..60)", snr_db);
	if (ps <= 0)
		return ba_error_set(err, BA_EINVAL, "noise: the clean track is silent");
	if ((rc = ba_noise_make(k, clean->n, seed, &nz, err)) != 0)
		return rc;
	pn = mean_power(nz.s, nz.n);
	g = pn > 0 ? sqrt(ps / (pn * pow(10.0, snr_db / 10.0))) : 0;
	for (i = 0; i < nz.n; i++) {
		nz.s[i] = clean->s[i] + (float)(g * nz.s[i]);
		if (fabs(nz.s[i]) > peak)
			peak = fabs(nz.s[i]);
	}
	if (peak > 0.97) {
		scale = 0.97 / peak;
		for (i = 0; i < nz.n; i++)
			nz.s[i] = (float)(nz.s[i] * scale);
	}
	ba_audio_free(mix);
	*mix = nz;
	mix->rate = clean->rate;
	if (gain_out)
		*gain_out = scale;
	return 0;
}

double ba_audio_snr_measure(const ba_audio *clean, const ba_audio *mix)
{
	size_t n = clean->n < mix->n ? clean->n : mix->n, i;
	double cc = 0, cm = 0, a, rr = 0;

	for (i = 0; i < n; i++) {
		cc += (double)clean->s[i] * clean->s[i];
		cm += (double)clean->s[i] * mix->s[i];
	}
	if (cc <= 0)
		return NAN;
	a = cm / cc;
	for (i = 0; i < n; i++) {
		double r = mix->s[i] - a * clean->s[i];
		rr += r * r;
	}
	if (rr <= 0)
		return INFINITY;
	return 10.0 * log10(a * a * cc / rr);
}

size_t ba_audio_clipped(const ba_audio *a)
{
	size_t i, k = 0;

	for (i = 0; i < a->n; i++)
		if (fabsf(a->s[i]) >= 32767.0f / 32768.0f)
			k++;
	return k;
}

double ba_audio_rms(const ba_audio *a)
{
	return sqrt(mean_power(a->s, a->n));
}
