/*
 * html.c - escaping for everything that reaches a page: item text, ids,
 * model names and comments are untrusted.
 */
#include "benchagent/html.h"

#include <string.h>

void ba_html_put(ba_buf *b, const char *s)
{
	const char *run = s;

	for (; s && *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (s > run)
			ba_buf_append(b, run, (size_t)(s - run));
		ba_buf_puts(b, rep);
		run = s + 1;
	}
	if (s && s > run)
		ba_buf_append(b, run, (size_t)(s - run));
}

char *ba_html_escape(const char *s)
{
	ba_buf b = BA_BUF_INIT((size_t)256 << 20);

	ba_html_put(&b, s);
	return ba_buf_detach(&b);
}
