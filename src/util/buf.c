/*
 * buf.c - capped growable buffer with a sticky failure (buf.h).
 */
#include "benchagent/buf.h"
#include "benchagent/alloc.h"
#include "benchagent/error.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ba_buf_init(ba_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->failed = 0;
}

int ba_buf_append(ba_buf *b, const void *data, size_t len)
{
	size_t need, c, limit;

	if (b->failed || len > b->max || b->len > b->max - len || b->len + len == SIZE_MAX) {
		b->failed = 1;
		return BA_ELIMIT;
	}
	need = b->len + len + 1;                 /* no overflow: checked above */
	limit = b->max == SIZE_MAX ? SIZE_MAX : b->max + 1;
	if (need > b->cap) {
		c = b->cap ? b->cap : 64;
		while (c < need)
			c = c > SIZE_MAX / 2 ? need : c * 2;
		if (c > limit)
			c = limit;
		b->ptr = ba_realloc(b->ptr, c);
		b->cap = c;
	}
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int ba_buf_puts(ba_buf *b, const char *s)
{
	return ba_buf_append(b, s, strlen(s));
}

int ba_buf_printf(ba_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n, rc;
	char *big;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return BA_ERR;
	}
	if ((size_t)n < sizeof(small))
		return ba_buf_append(b, small, (size_t)n);
	big = ba_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = ba_buf_append(b, big, (size_t)n);
	free(big);
	return rc;
}

int ba_buf_status(const ba_buf *b)
{
	return b->failed ? BA_ELIMIT : 0;
}

void ba_buf_reset(ba_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void ba_buf_free(ba_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

char *ba_buf_detach(ba_buf *b)
{
	char *p = b->ptr ? b->ptr : ba_strdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	return p;
}

const char *ba_buf_cstr(const ba_buf *b)
{
	return b->ptr ? b->ptr : "";
}
