/*
 * alloc.c - allocation wrappers that die loudly instead of returning NULL.
 */
#include "benchagent/alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "benchagent: out of memory allocating %zu bytes\n", n);
	abort();
}

void *ba_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *ba_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *ba_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *ba_strdup(const char *s)
{
	return s ? ba_strndup(s, strlen(s)) : NULL;
}

char *ba_strndup(const char *s, size_t n)
{
	char *d;
	size_t len = 0;

	if (!s)
		return NULL;
	while (len < n && s[len])
		len++;
	d = ba_malloc(len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *ba_asprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *s;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		return ba_strdup("");
	}
	s = ba_malloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

void ba_array_reserve(void **arr, size_t *cap, size_t need, size_t elsz)
{
	size_t c = *cap ? *cap : 8;

	if (need <= *cap)
		return;
	while (c < need)
		c = c > SIZE_MAX / 2 ? need : c * 2;
	if (elsz && c > SIZE_MAX / elsz) {
		/* as for any allocation that cannot be satisfied */
		fprintf(stderr, "benchagent: array of %zu x %zu bytes overflows the address space\n", c, elsz);
		abort();
	}
	*arr = ba_realloc(*arr, c * elsz);
	*cap = c;
}

#if defined(__SANITIZE_ADDRESS__)
/* fontconfig (under cairo's text API: src/gen/draw.c, src/exec/render_text.c)
 * keeps process-lifetime caches that LeakSanitizer reports at exit; they
 * are not ours and not growing. Defined here because every binary links
 * the allocation wrappers: a binary that draws text gets the suppression
 * whichever other objects it happens to pull in. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif
