/*
 * strtab.c - a table of distinct byte strings, each given the index of its
 * first appearance, so the transcripts' data holds every text once (a
 * reply forty models gave, the instruction every prompt ends with) and
 * refers to it by number; and the JSON string writer for text embedded in
 * an HTML page (no '<', '>' or '&' left, invalid UTF-8 replaced).
 */
#include "report_internal.h"
#include "benchagent/alloc.h"

#include <stdlib.h>
#include <string.h>

typedef struct strtab_slot {
	uint64_t h;
	size_t off, len;
	long idx;       /* -1: empty */
} strtab_slot;

static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, v;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&v, p, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	v = 0;
	memcpy(&v, p, n);
	h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

static void grow(ba_strtab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024, i, j;
	strtab_slot *ns = ba_malloc(sizeof(*ns) * ncap);

	for (i = 0; i < ncap; i++)
		ns[i].idx = -1;
	for (i = 0; i < t->cap; i++) {
		if (t->slot[i].idx < 0)
			continue;
		for (j = t->slot[i].h & (ncap - 1); ns[j].idx >= 0; j = (j + 1) & (ncap - 1))
			;
		ns[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = ns;
	t->cap = ncap;
}

long ba_strtab_add(ba_strtab *t, const char *s, size_t len, int *is_new)
{
	uint64_t h = hash_bytes((const unsigned char *)s, len);
	size_t j;

	*is_new = 0;
	if ((t->n + 1) * 2 > t->cap)
		grow(t);
	for (j = h & (t->cap - 1); t->slot[j].idx >= 0; j = (j + 1) & (t->cap - 1))
		if (t->slot[j].h == h && t->slot[j].len == len && !memcmp(t->arena.ptr + t->slot[j].off, s, len))
			return t->slot[j].idx;
	if (ba_buf_append(&t->arena, s, len) != 0 && len)
		return -1;
	t->slot[j].h = h;
	t->slot[j].off = t->arena.len - len;
	t->slot[j].len = len;
	t->slot[j].idx = (long)t->n++;
	*is_new = 1;
	return t->slot[j].idx;
}

void ba_strtab_free(ba_strtab *t)
{
	free(t->slot);
	ba_buf_free(&t->arena);
	memset(t, 0, sizeof(*t));
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t k, i;
	unsigned cp;

	if (p[0] < 0xC2 || p[0] > 0xF4)
		return 0;
	k = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	cp = k == 2 ? 0x80 : k == 3 ? ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6)
				   : ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12);
	if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return k;
}

void ba_rep_json_str(ba_buf *b, const char *s, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run;

	ba_buf_append(b, "\"", 1);
	for (run = p; p < end;) {
		unsigned char c = *p;
		size_t k;
		char esc[7];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
			p++;
			continue;
		}
		if (c >= 0x80 && (k = utf8_len(p, (size_t)(end - p))) != 0) {
			p += k;
			continue;
		}
		if (p > run)
			ba_buf_append(b, run, (size_t)(p - run));
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			ba_buf_append(b, esc, 2);
		} else if (c == '\n') {
			ba_buf_append(b, "\\n", 2);
		} else if (c >= 0x80) {
			ba_buf_append(b, "\\ufffd", 6);  /* not UTF-8: the replacement character */
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hx[c >> 4];
			esc[5] = hx[c & 15];
			ba_buf_append(b, esc, 6);
		}
		run = ++p;
	}
	if (p > run)
		ba_buf_append(b, run, (size_t)(p - run));
	ba_buf_append(b, "\"", 1);
}

void ba_rep_long(ba_buf *b, long v)
{
	char d[24];
	size_t i = sizeof(d);
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do
		d[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		d[--i] = '-';
	ba_buf_append(b, d + i, sizeof(d) - i);
}
