/*
 * buf.h - growable byte buffer with a mandatory size cap (after curl's
 * dynbuf). Used as the HTTP write sink, so a runaway reply cannot eat
 * memory: an append past the cap fails with BA_ELIMIT and leaves the
 * contents as they were.
 *
 * A failure is sticky: once an append has failed, every later append
 * fails too (so the text never has a hole where one piece is missing), and
 * ba_buf_status() says so. Callers may build a whole text without checking
 * each append and check once at the end. ba_buf_reset() clears it.
 */
#ifndef BA_BUF_H
#define BA_BUF_H

#include <stddef.h>

typedef struct ba_buf {
	char *ptr;   /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t max;  /* hard cap on len (SIZE_MAX: only memory limits it) */
	int failed;  /* an append failed: sticky until ba_buf_reset */
} ba_buf;

#define BA_BUF_INIT(max_) { NULL, 0, 0, (max_), 0 }

void ba_buf_init(ba_buf *b, size_t max);
int ba_buf_append(ba_buf *b, const void *data, size_t len);
int ba_buf_puts(ba_buf *b, const char *s);
int ba_buf_printf(ba_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 0, or BA_ELIMIT when an append has failed since the last reset. */
int ba_buf_status(const ba_buf *b);
void ba_buf_reset(ba_buf *b);               /* len = 0, clears a failure, keeps memory */
void ba_buf_free(ba_buf *b);
/* Hand the contents to the caller (free() it); the buffer is reset. Never NULL. */
char *ba_buf_detach(ba_buf *b);
/* Content as a C string, "" when empty. Borrowed. */
const char *ba_buf_cstr(const ba_buf *b);

#endif
