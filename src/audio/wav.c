/*
 * wav.c - WAV in and out through libsndfile's virtual I/O (memory, no
 * temporary files), and a header check that decodes nothing.
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"

#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#define WAV_MAX_BYTES (64u << 20)

typedef struct vmem {
	const unsigned char *rd;  /* decoding: borrowed */
	ba_buf *wr;               /* encoding */
	sf_count_t len, pos;
} vmem;

static sf_count_t vm_len(void *ud)
{
	vmem *m = ud;
	return m->wr ? (sf_count_t)m->wr->len : m->len;
}

static sf_count_t vm_seek(sf_count_t off, int whence, void *ud)
{
	vmem *m = ud;
	sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : vm_len(ud);
	if (base + off < 0)
		return -1;
	m->pos = base + off;
	return m->pos;
}

static sf_count_t vm_read(void *ptr, sf_count_t count, void *ud)
{
	vmem *m = ud;
	sf_count_t len = vm_len(ud), k = count;
	const unsigned char *src = m->wr ? (const unsigned char *)m->wr->ptr : m->rd;

	if (m->pos >= len)
		return 0;
	if (k > len - m->pos)
		k = len - m->pos;
	memcpy(ptr, src + m->pos, (size_t)k);
	m->pos += k;
	return k;
}

static sf_count_t vm_write(const void *ptr, sf_count_t count, void *ud)
{
	vmem *m = ud;
	size_t end = (size_t)(m->pos + count);

	if (!m->wr)
		return 0;
	if (end > m->wr->len) {
		size_t grow = end - m->wr->len;
		char *z = ba_calloc(1, grow);
		int rc = ba_buf_append(m->wr, z, grow);
		free(z);
		if (rc != 0)
			return 0;
	}
	memcpy(m->wr->ptr + m->pos, ptr, (size_t)count);
	m->pos += count;
	return count;
}

static sf_count_t vm_tell(void *ud)
{
	return ((vmem *)ud)->pos;
}

static SF_VIRTUAL_IO vio = { vm_len, vm_seek, vm_read, vm_write, vm_tell };

int ba_audio_wav_encode(const ba_audio *a, ba_buf *out, ba_error *err)
{
	SF_INFO info = { 0 };
	vmem m = { NULL, out, 0, 0 };
	SNDFILE *f;
	short *pcm;
	size_t i;
	sf_count_t w;

	info.samplerate = a->rate;
	info.channels = 1;
	info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
	ba_buf_reset(out);
	f = sf_open_virtual(&vio, SFM_WRITE, &info, &m);
	if (!f)
		return ba_error_set(err, BA_ERR, "WAV encode: %s", sf_strerror(NULL));
	pcm = ba_malloc((a->n ? a->n : 1) * sizeof(short));
	for (i = 0; i < a->n; i++) {
		double x = a->s[i] * 32767.0;
		pcm[i] = (short)(x > 32767 ? 32767 : x < -32768 ? -32768 : lrint(x));
	}
	w = sf_write_short(f, pcm, (sf_count_t)a->n);
	free(pcm);
	sf_close(f);
	if (w != (sf_count_t)a->n)
		return ba_error_set(err, BA_ELIMIT, "WAV encode: %zu samples do not fit", a->n);
	return 0;
}

int ba_audio_wav_decode(const void *data, size_t len, ba_audio *a, ba_error *err)
{
	SF_INFO info = { 0 };
	vmem m = { data, NULL, (sf_count_t)len, 0 };
	SNDFILE *f;
	float *buf = NULL, *mono = NULL;
	sf_count_t frames, got, i;
	int c, rc = 0;

	if (ba_audio_wav_check(data, len, NULL, err) != 0)
		return BA_EINVAL;
	f = sf_open_virtual(&vio, SFM_READ, &info, &m);
	if (!f)
		return ba_error_set(err, BA_EINVAL, "WAV: %s", sf_strerror(NULL));
	frames = info.frames;
	if (info.channels < 1 || info.channels > 8 || frames < 0 ||
	    frames > (sf_count_t)BA_AUDIO_MAX_SECONDS * info.samplerate) {
		rc = ba_error_set(err, BA_ELIMIT, "WAV: %d channels, %lld frames", info.channels, (long long)frames);
		goto cleanup;
	}
	buf = ba_malloc((size_t)(frames ? frames : 1) * info.channels * sizeof(float));
	got = sf_readf_float(f, buf, frames);
	mono = ba_malloc((size_t)(got ? got : 1) * sizeof(float));
	for (i = 0; i < got; i++) {
		double acc = 0;
		for (c = 0; c < info.channels; c++)
			acc += buf[i * info.channels + c];
		mono[i] = (float)(acc / info.channels);
	}
	audio_take(a, mono, (size_t)got);
	a->rate = info.samplerate;
	mono = NULL;
cleanup:
	free(buf);
	free(mono);
	sf_close(f);
	return rc;
}

int ba_audio_wav_read(const char *path, ba_audio *a, ba_error *err)
{
	ba_buf b = BA_BUF_INIT(WAV_MAX_BYTES);
	int rc = ba_fs_read(path, &b, err);

	if (rc == 0) {
		rc = ba_audio_wav_decode(b.ptr, b.len, a, err);
		if (rc != 0)
			ba_error_prefix(err, "%s: ", path);
	}
	ba_buf_free(&b);
	return rc;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

int ba_audio_wav_check(const void *data, size_t len, double *seconds, ba_error *err)
{
	const unsigned char *p = data;
	size_t off = 12;
	unsigned fmt = 0, ch = 0, bits = 0;
	uint32_t rate = 0, byterate = 0;
	int have_fmt = 0;

	if (len < 44 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WAVE", 4) != 0)
		return ba_error_set(err, BA_EINVAL, "not a WAV file (no RIFF/WAVE header)");
	while (off + 8 <= len) {
		uint32_t sz = le32(p + off + 4);
		if (memcmp(p + off, "fmt ", 4) == 0) {
			if (sz < 16 || off + 8 + 16 > len)
				return ba_error_set(err, BA_EINVAL, "WAV: short fmt chunk");
			fmt = le16(p + off + 8);
			ch = le16(p + off + 10);
			rate = le32(p + off + 12);
			byterate = le32(p + off + 16);
			bits = le16(p + off + 22);
			have_fmt = 1;
		} else if (memcmp(p + off, "data", 4) == 0) {
			if (!have_fmt)
				return ba_error_set(err, BA_EINVAL, "WAV: data chunk before fmt");
			if (fmt != 1 && fmt != 3 && fmt != 0xfffe)
				return ba_error_set(err, BA_EINVAL, "WAV: format tag %u is not PCM or float", fmt);
			if (ch < 1 || ch > 8 || rate < 4000 || rate > 192000 || (bits != 8 && bits != 16 &&
			    bits != 24 && bits != 32) || byterate != rate * ch * (bits / 8))
				return ba_error_set(err, BA_EINVAL, "WAV: implausible fmt (%u ch, %u Hz, %u bits)", ch,
						    (unsigned)rate, bits);
			if ((size_t)sz > len - off - 8)
				return ba_error_set(err, BA_EINVAL, "WAV: data chunk of %u bytes, only %zu present",
						    (unsigned)sz, len - off - 8);
			if (seconds)
				*seconds = (double)sz / byterate;
			return 0;
		}
		if ((size_t)sz > len - off - 8)
			break;
		off += 8 + sz + (sz & 1);
	}
	return ba_error_set(err, BA_EINVAL, "WAV: no data chunk");
}
