/*
 * render_text.c - lays a text out as a picture with cairo: paragraphs
 * wrapped at word boundaries, list items ("- x", "* x", "1. x", "2) x")
 * with a hanging indent, dialogue lines ("Name: line") with the speaker in
 * bold, and tables (lines of cells separated by '|' or tabs, two or more
 * rows of the same width; a markdown rule line "|---|---|" is dropped)
 * drawn as a grid with the first row in bold. Speaker names are bold
 * only when two or more lines carry one (a "Headline: more" line is text). DejaVu Sans (fonts-dejavu-
 * core, offline), black on white. Two passes over the same layout code:
 * one measures the height, one draws.
 */
#include "exec_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"

#include <cairo.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RENDER_MAX_COLS 12
#define RENDER_MAX_SIDE 8000

typedef struct {
	cairo_t *cr;
	int draw;          /* 0: measure only */
	double size, lh;   /* font size, line height */
	double margin, width;
	double y;
	int dialogue;      /* 2+ lines carry a "Name:" label: the names are set in bold */
	json_t *layout;    /* counts: paragraphs, list_items, dialogue_lines, tables, rows */
} pen;

static void font(pen *p, int bold)
{
	cairo_select_font_face(p->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(p->cr, p->size);
}

static double advance(pen *p, const char *s, size_t n)
{
	cairo_text_extents_t e;
	char *t = ba_strndup(s, n);
	cairo_text_extents(p->cr, t, &e);
	free(t);
	return e.x_advance;
}

static void show(pen *p, double x, double y, const char *s, size_t n)
{
	char *t;
	if (!p->draw || !n)
		return;
	t = ba_strndup(s, n);
	cairo_move_to(p->cr, x, y);
	cairo_show_text(p->cr, t);
	free(t);
}

/* Wrap text into the box [x, x + w) from *y down; returns the lines used.
 * A word wider than the box is cut at a character (UTF-8) boundary. */
static int wrap(pen *p, const char *text, double x, double w, double *y)
{
	const char *s = text, *line = NULL, *end = NULL;
	int lines = 0;

	while (*s) {
		const char *ws = s, *we;
		while (*ws == ' ' || *ws == '\t')
			ws++;
		if (!*ws)
			break;
		for (we = ws; *we && *we != ' ' && *we != '\t'; we++)
			;
		if (!line) {
			line = ws;
			end = we;
		} else if (advance(p, line, (size_t)(we - line)) <= w) {
			end = we;
		} else {
			show(p, x, *y + p->size, line, (size_t)(end - line));
			*y += p->lh;
			lines++;
			line = ws;
			end = we;
		}
		/* a single word wider than the box: cut it */
		while (line == ws && advance(p, line, (size_t)(end - line)) > w && end - line > 1) {
			const char *cut = end - 1;
			while (cut > line + 1 && advance(p, line, (size_t)(cut - line)) > w)
				cut--;
			while (cut > line + 1 && ((unsigned char)*cut & 0xc0) == 0x80)
				cut--;
			show(p, x, *y + p->size, line, (size_t)(cut - line));
			*y += p->lh;
			lines++;
			line = ws = cut;
		}
		s = we;
	}
	if (line) {
		show(p, x, *y + p->size, line, (size_t)(end - line));
		*y += p->lh;
		lines++;
	}
	return lines;
}

/* Cells of a table line (new ref) or NULL when the line is not one. */
static json_t *cells(const char *line)
{
	char sep = strchr(line, '\t') ? '\t' : strchr(line, '|') ? '|' : 0;
	const char *s = line, *e;
	json_t *a;

	if (!sep)
		return NULL;
	while (*s == ' ')
		s++;
	if (sep == '|' && *s == '|')
		s++;
	a = json_array();
	for (;;) {
		size_t n;
		e = strchr(s, sep);
		n = e ? (size_t)(e - s) : strlen(s);
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (e || n)
			json_array_append_new(a, json_stringn(s, n));
		if (!e)
			break;
		s = e + 1;
	}
	/* "| a | b |": the empty cell after the closing bar is no cell */
	if (sep == '|' && json_array_size(a) && !*json_string_value(json_array_get(a, json_array_size(a) - 1)))
		json_array_remove(a, json_array_size(a) - 1);
	if (json_array_size(a) < 2 || json_array_size(a) > RENDER_MAX_COLS) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static int rule_row(const json_t *row)
{
	size_t i;
	json_t *c;
	json_array_foreach(row, i, c) {
		const char *s = json_string_value(c);
		if (!*s || strspn(s, "-: ") != strlen(s))
			return 0;
	}
	return 1;
}

static void count(pen *p, const char *k)
{
	json_object_set_new(p->layout, k, json_integer(ba_json_int(p->layout, k, 0) + 1));
}

/* A table: column widths from the longest cell (capped to the width),
 * cells wrapped in their column, a grid around them. */
static void table(pen *p, const json_t *rows)
{
	size_t nc = json_array_size(json_array_get(rows, 0)), r, c;
	double colw[RENDER_MAX_COLS], want[RENDER_MAX_COLS], tot = 0, pad = p->size * 0.4, x0 = p->margin;
	double top = p->y;
	json_t *row;

	for (c = 0; c < nc; c++) {
		want[c] = p->size * 2;
		json_array_foreach(rows, r, row) {
			const char *t = json_string_value(json_array_get(row, c));
			font(p, r == 0);
			double a = advance(p, t, strlen(t)) + 2 * pad;
			if (a > want[c])
				want[c] = a;
		}
		tot += want[c];
	}
	for (c = 0; c < nc; c++)
		colw[c] = tot <= p->width ? want[c] : p->width * want[c] / tot;
	json_array_foreach(rows, r, row) {
		double x = x0, ymax = p->y + pad;
		font(p, r == 0);
		for (c = 0; c < nc; c++) {
			double y = p->y + pad;
			wrap(p, json_string_value(json_array_get(row, c)), x + pad, colw[c] - 2 * pad, &y);
			if (y > ymax)
				ymax = y;
			x += colw[c];
		}
		p->y = ymax + pad;
		if (p->draw && r + 1 < json_array_size(rows)) {
			cairo_new_path(p->cr);
			cairo_move_to(p->cr, x0, p->y);
			cairo_line_to(p->cr, x, p->y);
			cairo_set_line_width(p->cr, 1.5);
			cairo_stroke(p->cr);
		}
		count(p, "rows");
	}
	if (p->draw) {
		double x = x0;
		cairo_new_path(p->cr);
		for (c = 0; c + 1 < nc; c++) {
			x += colw[c];
			cairo_move_to(p->cr, x, top);
			cairo_line_to(p->cr, x, p->y);
		}
		x += colw[nc - 1];
		cairo_rectangle(p->cr, x0, top, x - x0, p->y - top);
		cairo_set_line_width(p->cr, 1.5);
		cairo_stroke(p->cr);
	}
	count(p, "tables");
	p->y += p->lh * 0.5;
}

/* "- x", "* x", "• x", "12. x", "3) x": the marker's length, or 0. */
static size_t list_marker(const char *s)
{
	size_t i = 0;
	if ((s[0] == '-' || s[0] == '*') && s[1] == ' ')
		return 2;
	if (!strncmp(s, "\xe2\x80\xa2 ", 4))
		return 4;
	while (isdigit((unsigned char)s[i]) && i < 3)
		i++;
	return i && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ' ? i + 2 : 0;
}

/* "Name: line" (a name of 1..30 characters without sentence
 * punctuation): the name's length, or 0. */
static size_t speaker(const char *s)
{
	size_t i;
	if (!isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] && i <= 30; i++) {
		if (s[i] == ':')
			return s[i + 1] == ' ' ? i : 0;
		if (strchr(".?!,;\"()[]|\n", s[i]))
			return 0;
	}
	return 0;
}

static void text_line(pen *p, const char *s)
{
	size_t m = list_marker(s), sp = m || !p->dialogue ? 0 : speaker(s);

	if (m) {
		double ind = p->size * 1.6;
		font(p, 0);
		if (s[0] == '-' || s[0] == '*')
			show(p, p->margin, p->y + p->size, "\xe2\x80\xa2", 3); /* a bullet */
		else
			show(p, p->margin, p->y + p->size, s, m - 1);
		wrap(p, s + m, p->margin + ind, p->width - ind, &p->y);
		count(p, "list_items");
	} else if (sp) {
		double w;
		char *label = ba_strndup(s, sp + 1);
		font(p, 1);
		w = advance(p, label, strlen(label)) + p->size * 0.4;
		show(p, p->margin, p->y + p->size, label, strlen(label));
		free(label);
		font(p, 0);
		wrap(p, s + sp + 1, p->margin + w, p->width - w, &p->y);
		count(p, "dialogue_lines");
	} else {
		font(p, 0);
		wrap(p, s, p->margin, p->width, &p->y);
		p->y += p->lh * 0.35;
		count(p, "paragraphs");
	}
}

/* Lay the whole text out (measuring or drawing). Consecutive table lines
 * of one width are gathered (with their raw text: a lone "a | b" line is
 * text) and drawn when the table ends. */
static void lay_out(pen *p, const char *text)
{
	const char *s = text;
	json_t *rows = json_array(), *raw = json_array(), *v;
	size_t i;

	p->y = p->margin;
	/* one "Headline: rest" line is no dialogue */
	p->dialogue = 0;
	for (s = text; *s;) {
		const char *e = strchr(s, '\n');
		p->dialogue += speaker(s + strspn(s, " \t")) > 0;
		s = e ? e + 1 : s + strlen(s);
	}
	p->dialogue = p->dialogue >= 2;
	s = text;
	for (;;) {
		const char *e = *s ? strchr(s, '\n') : NULL;
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *line = ba_strndup(s, n);
		json_t *row = *s ? cells(line) : NULL;
		if (json_array_size(rows) &&
		    (!row || json_array_size(row) != json_array_size(json_array_get(rows, 0)))) {
			if (json_array_size(rows) >= 2)
				table(p, rows);
			else
				json_array_foreach(raw, i, v)
					text_line(p, json_string_value(v));
			json_array_clear(rows);
			json_array_clear(raw);
		}
		if (row && rule_row(row)) {
			json_decref(row);
		} else if (row) {
			json_array_append_new(rows, row);
			json_array_append_new(raw, json_string(line + strspn(line, " \t")));
		} else if (*line && strspn(line, " \t") != n) {
			text_line(p, line + strspn(line, " \t"));
		}
		free(line);
		if (!*s)
			break;
		s = e ? e + 1 : s + n;
	}
	json_decref(rows);
	json_decref(raw);
}

int ba_render_text(const char *text, int width, double font_size, void **surface, json_t **layout,
		   ba_error *err)
{
	cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8), *s;
	pen p = { 0 };
	int h;

	*surface = NULL;
	p.size = font_size;
	p.lh = font_size * 1.45;
	p.margin = font_size * 1.6;
	p.width = width - 2 * p.margin;
	p.cr = cairo_create(probe);
	p.layout = json_object();
	lay_out(&p, text);
	cairo_destroy(p.cr);
	cairo_surface_destroy(probe);
	h = (int)ceil(p.y + p.margin);
	if (h > RENDER_MAX_SIDE) {
		json_decref(p.layout);
		return ba_error_set(err, BA_ELIMIT, "the text needs a %d px tall image at %g px type "
				    "(at most %d): too long to render legibly", h, font_size, RENDER_MAX_SIDE);
	}
	json_decref(p.layout);
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, h);
	p.cr = cairo_create(s);
	cairo_set_source_rgb(p.cr, 1, 1, 1);
	cairo_paint(p.cr);
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	p.draw = 1;
	p.layout = json_object();
	lay_out(&p, text);
	cairo_destroy(p.cr);
	cairo_surface_flush(s);
	json_object_set_new(p.layout, "width", json_integer(width));
	json_object_set_new(p.layout, "height", json_integer(h));
	*layout = p.layout;
	*surface = s;
	return 0;
}
