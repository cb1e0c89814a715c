/*
 * audio.c - the sample buffer: append, silence, tones, resampling.
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAMPLES ((size_t)BA_AUDIO_MAX_SECONDS * 48000u)

void ba_audio_free(ba_audio *a)
{
	if (!a)
		return;
	free(a->s);
	a->s = NULL;
	a->n = 0;
}

double ba_audio_seconds(const ba_audio *a)
{
	return a->rate > 0 ? (double)a->n / a->rate : 0.0;
}

int audio_reserve(ba_audio *a, size_t n, ba_error *err)
{
	float *p;

	if (n > MAX_SAMPLES)
		return ba_error_set(err, BA_ELIMIT, "audio longer than %d s", BA_AUDIO_MAX_SECONDS);
	p = ba_realloc(a->s, (n ? n : 1) * sizeof(float));
	a->s = p;
	return 0;
}

void audio_take(ba_audio *a, float *s, size_t n)
{
	free(a->s);
	a->s = s;
	a->n = n;
}

int ba_audio_append(ba_audio *dst, const ba_audio *src, ba_error *err)
{
	if (dst->n == 0 && !dst->s)
		dst->rate = src->rate;
	if (src->rate != dst->rate)
		return ba_error_set(err, BA_EINVAL, "audio: appending %d Hz to %d Hz", src->rate, dst->rate);
	if (audio_reserve(dst, dst->n + src->n, err) != 0)
		return err ? err->code : BA_ELIMIT;
	if (src->n)
		memcpy(dst->s + dst->n, src->s, src->n * sizeof(float));
	dst->n += src->n;
	return 0;
}

int ba_audio_silence(ba_audio *dst, double seconds, ba_error *err)
{
	size_t k;

	if (!(seconds >= 0) || seconds > BA_AUDIO_MAX_SECONDS)
		return ba_error_set(err, BA_EINVAL, "audio: silence of %g s", seconds);
	k = (size_t)lround(seconds * dst->rate);
	if (audio_reserve(dst, dst->n + k, err) != 0)
		return BA_ELIMIT;
	memset(dst->s + dst->n, 0, k * sizeof(float));
	dst->n += k;
	return 0;
}

int ba_audio_tone(ba_audio *dst, double hz, double seconds, double amplitude, ba_error *err)
{
	size_t k, i, ramp;

	if (!(hz >= 20 && hz <= dst->rate / 2.0))
		return ba_error_set(err, BA_EINVAL, "audio: tone of %g Hz (20..%d)", hz, dst->rate / 2);
	if (!(seconds > 0 && seconds <= 60))
		return ba_error_set(err, BA_EINVAL, "audio: tone of %g s (0..60)", seconds);
	if (!(amplitude > 0 && amplitude <= 1))
		return ba_error_set(err, BA_EINVAL, "audio: tone amplitude %g (0..1]", amplitude);
	k = (size_t)lround(seconds * dst->rate);
	if (audio_reserve(dst, dst->n + k, err) != 0)
		return BA_ELIMIT;
	ramp = (size_t)(0.01 * dst->rate);
	if (ramp * 2 > k)
		ramp = k / 2;
	for (i = 0; i < k; i++) {
		double env = 1.0;
		if (i < ramp)
			env = 0.5 - 0.5 * cos(M_PI * (double)i / ramp);
		else if (i >= k - ramp)
			env = 0.5 - 0.5 * cos(M_PI * (double)(k - 1 - i) / ramp);
		dst->s[dst->n + i] = (float)(amplitude * env * sin(2 * M_PI * hz * (double)i / dst->rate));
	}
	dst->n += k;
	return 0;
}

/* Windowed sinc (Blackman), 16 zero crossings each side at the output's
 * cut-off. */
int audio_resample_ratio(const float *in, size_t n, double ratio, float **out, size_t *nout,
			 ba_error *err)
{
	const int zc = 16;
	double cut = ratio > 1.0 ? 1.0 / ratio : 1.0;
	double half = zc / cut;
	size_t m, i;
	float *o;

	*out = NULL;
	*nout = 0;
	if (!(ratio > 0.05 && ratio < 20))
		return ba_error_set(err, BA_EINVAL, "audio: resampling ratio %g", ratio);
	m = (size_t)floor((double)n / ratio);
	if (m > MAX_SAMPLES)
		return ba_error_set(err, BA_ELIMIT, "audio longer than %d s", BA_AUDIO_MAX_SECONDS);
	o = ba_malloc((m ? m : 1) * sizeof(float));
	for (i = 0; i < m; i++) {
		double pos = (double)i * ratio, acc = 0;
		long lo = (long)ceil(pos - half), hi = (long)floor(pos + half), j;
		for (j = lo; j <= hi; j++) {
			double x = (double)j - pos, t = x * cut, s, w;
			if (j < 0 || (size_t)j >= n)
				continue;
			s = fabs(t) < 1e-9 ? 1.0 : sin(M_PI * t) / (M_PI * t);
			w = 0.42 + 0.5 * cos(M_PI * x / half) + 0.08 * cos(2 * M_PI * x / half);
			acc += in[j] * s * w;
		}
		o[i] = (float)(acc * cut);
	}
	*out = o;
	*nout = m;
	return 0;
}

int ba_audio_resample(ba_audio *a, int to_rate, ba_error *err)
{
	float *o;
	size_t m;
	int rc;

	if (a->rate == to_rate)
		return 0;
	if (a->rate <= 0 || to_rate <= 0)
		return ba_error_set(err, BA_EINVAL, "audio: resampling %d Hz to %d Hz", a->rate, to_rate);
	if ((rc = audio_resample_ratio(a->s, a->n, (double)a->rate / to_rate, &o, &m, err)) != 0)
		return rc;
	audio_take(a, o, m);
	a->rate = to_rate;
	return 0;
}
