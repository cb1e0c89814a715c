/*
 * sha256.h - SHA-256 for content addresses (cache keys, media files).
 */
#ifndef BA_SHA256_H
#define BA_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct ba_sha256_ctx {
	uint32_t h[8];
	uint64_t bits;
	unsigned char block[64];
	size_t used;
} ba_sha256_ctx;

void ba_sha256_init(ba_sha256_ctx *c);
void ba_sha256_update(ba_sha256_ctx *c, const void *data, size_t len);
void ba_sha256_final(ba_sha256_ctx *c, unsigned char out[32]);
void ba_sha256(const void *data, size_t len, unsigned char out[32]);
/* Lower-case hex digest into hex[65] (NUL-terminated). */
void ba_sha256_hex(const void *data, size_t len, char hex[65]);
void ba_hex_encode(const unsigned char *in, size_t len, char *out);
/* The x86 SHA extensions are used when the processor has them; on = 1
 * forces the portable code instead (tests run both), 0 goes back. Returns
 * whether the portable code was forced before. */
int ba_sha256_portable(int on);

#endif
