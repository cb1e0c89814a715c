/*
 * html_util.c - the helpers every section of the report page shares:
 * escaping, numbers, percentages, intervals, section and figure/table
 * pairs, notes, item links.
 */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>

void ba_rep_esc(ba_buf *b, const char *s)
{
	ba_html_put(b, s ? s : "");
}

void ba_rep_num(ba_buf *b, const char *fmt, double v)
{
	if (isnan(v) || isinf(v)) {
		ba_buf_puts(b, "-");
		return;
	}
	ba_buf_printf(b, fmt, v);
}

void ba_rep_pct(ba_buf *b, double v)
{
	if (isnan(v)) {
		ba_buf_puts(b, "-");
		return;
	}
	ba_buf_printf(b, "%.1f%%", 100 * v);
}

void ba_rep_ci(ba_buf *b, const json_t *ci)
{
	if (!json_is_array(ci) || json_array_size(ci) != 2) {
		ba_buf_puts(b, "-");
		return;
	}
	ba_buf_printf(b, "[%.1f, %.1f]", 100 * json_number_value(json_array_get(ci, 0)),
		      100 * json_number_value(json_array_get(ci, 1)));
}

void ba_rep_section_open(ba_buf *b, const char *id, const char *title, const char *intro)
{
	ba_buf_printf(b, "<section id=\"%s\"><h2>%s</h2>", id, title);
	if (intro)
		ba_buf_printf(b, "<p class=intro>%s</p>", intro);
}

void ba_rep_section_close(ba_buf *b)
{
	ba_buf_puts(b, "</section>\n");
}

void ba_rep_pair_open(ba_buf *b)
{
	ba_buf_puts(b, "<div class=pair><div class=fig>");
}

void ba_rep_pair_mid(ba_buf *b)
{
	ba_buf_puts(b, "</div><div class=num>");
}

void ba_rep_pair_close(ba_buf *b)
{
	ba_buf_puts(b, "</div></div>");
}

void ba_rep_note(ba_buf *b, const char *text)
{
	ba_buf_puts(b, "<p class=note>");
	ba_html_put(b, text);
	ba_buf_puts(b, "</p>");
}

/* Percent-encode for a query string. */
void ba_rep_url(ba_buf *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.')
			ba_buf_append(b, s, 1);
		else
			ba_buf_printf(b, "%%%c%c", hx[c >> 4], hx[c & 15]);
	}
}

void ba_rep_item_link(ba_buf *b, const ba_report_opts *o, const char *id)
{
	if (o->served) {
		ba_buf_puts(b, "<a href=\"/item?id=");
		ba_rep_url(b, id);
	} else {
		ba_buf_puts(b, "<a href=\"#t-");
		ba_rep_url(b, id);
	}
	ba_buf_puts(b, "\">");
	ba_html_put(b, id);
	ba_buf_puts(b, "</a>");
}
