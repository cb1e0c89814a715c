/*
 * effects.c - degradations: speed (resampling), pitch (resampling + WSOLA
 * time stretch back to the original length), telephone band-limiting
 * (Butterworth biquads), clipping, Schroeder reverb, normalisation.
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int ba_audio_speed(ba_audio *a, double factor, ba_error *err)
{
	float *o;
	size_t m;
	int rc;

	if (!(factor >= 0.5 && factor <= 2.0))
		return ba_error_set(err, BA_EINVAL, "speed: factor %g (0.5..2)", factor);
	if ((rc = audio_resample_ratio(a->s, a->n, factor, &o, &m, err)) != 0)
		return rc;
	audio_take(a, o, m);
	return 0;
}

/* WSOLA: output length ~ n * alpha; 40 ms Hann frames at 50% overlap,
 * each analysis frame moved up to +-10 ms to best continue the last one. */
static int wsola(const float *in, size_t n, double alpha, float **out, size_t *nout, ba_error *err)
{
	const size_t N = BA_AUDIO_RATE / 25, hs = N / 2, tol = BA_AUDIO_RATE / 100;
	size_t m = (size_t)(n * alpha), k, frames, i;
	float *o, *win;
	double *norm;
	long prev = 0;

	*out = NULL;
	*nout = 0;
	if (m > (size_t)BA_AUDIO_MAX_SECONDS * BA_AUDIO_RATE)
		return ba_error_set(err, BA_ELIMIT, "pitch: output too long");
	o = ba_calloc(m + N + 1, sizeof(float));
	norm = ba_calloc(m + N + 1, sizeof(double));
	win = ba_malloc(N * sizeof(float));
	for (i = 0; i < N; i++)
		win[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * (double)i / N));
	frames = m / hs + 1;
	for (k = 0; k < frames; k++) {
		long nominal = (long)((double)(k * hs) / alpha), best = nominal, d;
		double bestc = -INFINITY;
		if (k > 0) {
			/* the natural continuation of the previous frame */
			long cont = prev + (long)hs;
			for (d = -(long)tol; d <= (long)tol; d += 2) {
				long cand = nominal + d;
				double c = 0;
				if (cand < 0 || (size_t)cand + N > n || cont + (long)N > (long)n)
					continue;
				for (i = 0; i < N; i += 4)
					c += (double)in[cand + i] * in[cont + i];
				if (c > bestc) {
					bestc = c;
					best = cand;
				}
			}
		}
		prev = best;
		for (i = 0; i < N; i++) {
			long src = best + (long)i;
			size_t dst = k * hs + i;
			if (src < 0 || (size_t)src >= n || dst >= m)
				continue;
			o[dst] += in[src] * win[i];
			norm[dst] += win[i];
		}
	}
	for (i = 0; i < m; i++)
		o[i] = norm[i] > 1e-3 ? (float)(o[i] / norm[i]) : 0.0f;
	free(norm);
	free(win);
	*out = o;
	*nout = m;
	return 0;
}

int ba_audio_pitch(ba_audio *a, double semitones, ba_error *err)
{
	double r = pow(2.0, semitones / 12.0);
	float *t, *o;
	size_t nt, no;
	int rc;

	if (!(semitones >= -12 && semitones <= 12))
		return ba_error_set(err, BA_EINVAL, "pitch: %g semitones (-12..12)", semitones);
	if (semitones == 0 || a->n == 0)
		return 0;
	/* resampling by r raises the pitch by r and shortens by r; stretch back */
	if ((rc = audio_resample_ratio(a->s, a->n, r, &t, &nt, err)) != 0)
		return rc;
	rc = wsola(t, nt, (double)a->n / (nt ? nt : 1), &o, &no, err);
	free(t);
	if (rc != 0)
		return rc;
	audio_take(a, o, no);
	return 0;
}

typedef struct biquad {
	double b0, b1, b2, a1, a2, z1, z2;
} biquad;

/* RBJ cookbook Butterworth sections; q of the two sections of a 4th order. */
static void bq_design(biquad *f, int highpass, double hz, double q, int rate)
{
	double w = 2 * M_PI * hz / rate, c = cos(w), al = sin(w) / (2 * q), a0 = 1 + al;

	memset(f, 0, sizeof(*f));
	if (highpass) {
		f->b0 = (1 + c) / 2 / a0;
		f->b1 = -(1 + c) / a0;
	} else {
		f->b0 = (1 - c) / 2 / a0;
		f->b1 = (1 - c) / a0;
	}
	f->b2 = f->b0;
	f->a1 = -2 * c / a0;
	f->a2 = (1 - al) / a0;
}

static void bq_run(biquad *f, float *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double x = s[i], y = f->b0 * x + f->z1;
		f->z1 = f->b1 * x - f->a1 * y + f->z2;
		f->z2 = f->b2 * x - f->a2 * y;
		s[i] = (float)y;
	}
}

int ba_audio_band_limit(ba_audio *a, double lo, double hi, ba_error *err)
{
	static const double q[2] = { 0.54119610, 1.30656296 };
	biquad f;
	int k;

	if (!(lo >= 0 && hi > lo && hi < a->rate / 2.0))
		return ba_error_set(err, BA_EINVAL, "band_limit: %g..%g Hz (0 <= lo < hi < %d)", lo, hi, a->rate / 2);
	for (k = 0; k < 2; k++) {
		if (lo > 0) {
			bq_design(&f, 1, lo, q[k], a->rate);
			bq_run(&f, a->s, a->n);
		}
		bq_design(&f, 0, hi, q[k], a->rate);
		bq_run(&f, a->s, a->n);
	}
	return 0;
}

int ba_audio_clip(ba_audio *a, double gain_db, double level, ba_error *err)
{
	double g = pow(10.0, gain_db / 20.0);
	size_t i;

	if (!(gain_db >= -40 && gain_db <= 40) || !(level > 0 && level <= 1))
		return ba_error_set(err, BA_EINVAL, "clip: gain %g dB (-40..40), level %g (0..1]", gain_db, level);
	for (i = 0; i < a->n; i++) {
		double x = a->s[i] * g;
		a->s[i] = (float)(x > level ? level : x < -level ? -level : x);
	}
	return 0;
}

int ba_audio_reverb(ba_audio *a, double room, double wet, ba_error *err)
{
	static const double comb_ms[4] = { 29.7, 37.1, 41.1, 43.7 }, ap_ms[2] = { 5.0, 1.7 };
	size_t tail, n, i, d;
	double fb = 0.70 + 0.14 * room, dry_p = 0, out_p = 0;
	float *y, *buf;
	int k;

	if (!(room >= 0 && room <= 1) || !(wet >= 0 && wet <= 1))
		return ba_error_set(err, BA_EINVAL, "reverb: room %g, wet %g (both 0..1)", room, wet);
	tail = (size_t)((0.1 + 0.6 * room) * a->rate);
	n = a->n + tail;
	if (audio_reserve(a, n, err) != 0)
		return BA_ELIMIT;
	memset(a->s + a->n, 0, tail * sizeof(float));
	y = ba_calloc(n, sizeof(float));
	for (k = 0; k < 4; k++) {
		d = (size_t)(comb_ms[k] * a->rate / 1000);
		buf = ba_calloc(n, sizeof(float));
		for (i = 0; i < n; i++) {
			buf[i] = a->s[i] + (i >= d ? (float)(fb * buf[i - d]) : 0.0f);
			y[i] += buf[i] / 4;
		}
		free(buf);
	}
	for (k = 0; k < 2; k++) {
		d = (size_t)(ap_ms[k] * a->rate / 1000);
		buf = ba_calloc(n, sizeof(float));
		for (i = 0; i < n; i++) {
			float xd = i >= d ? y[i - d] : 0.0f, yd = i >= d ? buf[i - d] : 0.0f;
			buf[i] = (float)(-0.7 * y[i] + xd + 0.7 * yd);
		}
		memcpy(y, buf, n * sizeof(float));
		free(buf);
	}
	for (i = 0; i < n; i++) {
		dry_p += (double)a->s[i] * a->s[i];
		out_p += (double)y[i] * y[i];
	}
	/* the wet path at the dry path's power */
	{
		double g = out_p > 0 ? sqrt(dry_p / out_p) : 0;
		for (i = 0; i < n; i++)
			a->s[i] = (float)((1 - wet) * a->s[i] + wet * g * y[i]);
	}
	free(y);
	a->n = n;
	return 0;
}

void ba_audio_normalize(ba_audio *a, double peak)
{
	double p = ba_audio_peak(a), g;
	size_t i;

	if (p <= 0 || !(peak > 0 && peak <= 1))
		return;
	g = peak / p;
	for (i = 0; i < a->n; i++)
		a->s[i] = (float)(a->s[i] * g);
}

double ba_audio_peak(const ba_audio *a)
{
	double p = 0;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (fabs(a->s[i]) > p)
			p = fabs(a->s[i]);
	return p;
}
