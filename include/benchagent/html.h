/*
 * html.h - the one HTML escaper: every piece of item, model, dataset or
 * annotator text that reaches a page (review server, report) goes
 * through it.
 */
#ifndef BA_HTML_H
#define BA_HTML_H

#include "benchagent/buf.h"

/* HTML-escape s (& < > " ') into a new string (caller frees). NULL gives "". */
char *ba_html_escape(const char *s);
/* Append s escaped to b (no allocation of its own). */
void ba_html_put(ba_buf *b, const char *s);

#endif
