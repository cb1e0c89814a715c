/*
 * audio_internal.h - helpers shared inside src/audio (not public).
 */
#ifndef BA_AUDIO_INTERNAL_H
#define BA_AUDIO_INTERNAL_H

#include "benchagent/audio.h"

/* Resample in[0..n) by ratio (output sample i is input position i*ratio),
 * windowed sinc with anti-aliasing when ratio > 1. *out malloc'd. */
int audio_resample_ratio(const float *in, size_t n, double ratio, float **out, size_t *nout,
			 ba_error *err);
/* Reserve room for n samples (fails beyond BA_AUDIO_MAX_SECONDS). */
int audio_reserve(ba_audio *a, size_t n, ba_error *err);
/* Take ownership of s[0..n) into a (frees a's old samples). */
void audio_take(ba_audio *a, float *s, size_t n);

#endif
