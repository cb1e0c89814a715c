/*
 * sha256.c - FIPS 180-4 SHA-256: portable C, and the block function with
 * the x86 SHA extensions when the processor has them (cache keys, media
 * and the report's transcript keys hash a lot).
 */
#include "benchagent/sha256.h"

#include <string.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(ba_sha256_ctx *c, const unsigned char *p)
{
	uint32_t w[64], a, b, cc, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/* The same compression with the x86 SHA extensions (about six times
 * faster), used when the processor has them. */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_ni(ba_sha256_ctx *c, const unsigned char *p)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i s0, s1, t, msg, w[4], abef, cdgh;
	int i;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&c->h[0]), 0xB1);   /* CDAB */
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&c->h[4]), 0x1B);  /* EFGH */
	s0 = _mm_alignr_epi8(t, s1, 8);                                             /* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xF0);                                          /* CDGH */
	abef = s0;
	cdgh = s1;
	for (i = 0; i < 16; i++) {  /* four rounds each */
		if (i < 4)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), mask);
		msg = _mm_add_epi32(w[i & 3], _mm_loadu_si128((const __m128i *)&K[4 * i]));
		s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
		if (i >= 3 && i <= 14) {
			t = _mm_alignr_epi8(w[i & 3], w[(i + 3) & 3], 4);
			w[(i + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(w[(i + 1) & 3], t), w[i & 3]);
		}
		s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(msg, 0x0E));
		if (i >= 1 && i <= 12)
			w[(i + 3) & 3] = _mm_sha256msg1_epu32(w[(i + 3) & 3], w[i & 3]);
	}
	s0 = _mm_add_epi32(s0, abef);
	s1 = _mm_add_epi32(s1, cdgh);
	t = _mm_shuffle_epi32(s0, 0x1B);                                            /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);                                           /* DCHG */
	_mm_storeu_si128((__m128i *)&c->h[0], _mm_blend_epi16(t, s1, 0xF0));
	_mm_storeu_si128((__m128i *)&c->h[4], _mm_alignr_epi8(s1, t, 8));
}

static int has_sha_ni(void)
{
	unsigned a, b, cc, d;

	if (!__get_cpuid(1, &a, &b, &cc, &d) || !(cc & bit_SSE4_1) || !(cc & bit_SSSE3))
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &cc, &d) && (b & bit_SHA);
}
#endif

/* -1 not decided yet, 0 portable, 1 SHA extensions (threads may race
 * to decide: they store the same value) */
static int use_ni = -1;

int ba_sha256_portable(int on)
{
	int was = __atomic_load_n(&use_ni, __ATOMIC_RELAXED) == 0, v = 0;
#if defined(__x86_64__) && defined(__GNUC__)
	v = on ? 0 : has_sha_ni();
#endif
	(void)on;
	__atomic_store_n(&use_ni, v, __ATOMIC_RELAXED);
	return was;
}

static void compress(ba_sha256_ctx *c, const unsigned char *p)
{
#if defined(__x86_64__) && defined(__GNUC__)
	int ni = __atomic_load_n(&use_ni, __ATOMIC_RELAXED);
	if (ni < 0) {
		ni = has_sha_ni();
		__atomic_store_n(&use_ni, ni, __ATOMIC_RELAXED);
	}
	if (ni) {
		compress_ni(c, p);
		return;
	}
#endif
	compress_portable(c, p);
}

void ba_sha256_init(ba_sha256_ctx *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(c->h, iv, sizeof(iv));
	c->bits = 0;
	c->used = 0;
}

void ba_sha256_update(ba_sha256_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->bits += (uint64_t)len * 8;
	while (len) {
		size_t take = 64 - c->used;
		if (take > len)
			take = len;
		if (c->used == 0 && len >= 64) {
			compress(c, p);
			p += 64;
			len -= 64;
			continue;
		}
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		len -= take;
		if (c->used == 64) {
			compress(c, c->block);
			c->used = 0;
		}
	}
}

void ba_sha256_final(ba_sha256_ctx *c, unsigned char out[32])
{
	uint64_t bits = c->bits;
	int i;

	c->block[c->used++] = 0x80;
	if (c->used > 56) {
		memset(c->block + c->used, 0, 64 - c->used);
		compress(c, c->block);
		c->used = 0;
	}
	memset(c->block + c->used, 0, 56 - c->used);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	compress(c, c->block);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void ba_sha256(const void *data, size_t len, unsigned char out[32])
{
	ba_sha256_ctx c;
	ba_sha256_init(&c);
	ba_sha256_update(&c, data, len);
	ba_sha256_final(&c, out);
}

void ba_hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * len] = '\0';
}

void ba_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char d[32];
	ba_sha256(data, len, d);
	ba_hex_encode(d, 32, hex);
}
