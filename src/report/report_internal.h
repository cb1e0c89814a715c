/*
 * report_internal.h - what the report's files share: the SVG plotting
 * primitives (svg.c) and the HTML helpers and sections (html_*.c).
 *
 * Every section writes into one capped ba_buf; text that comes from items,
 * models, datasets or annotators goes through ba_html_put (the one
 * escaper), numbers through the formatting helpers here.
 */
#ifndef BA_REPORT_INTERNAL_H
#define BA_REPORT_INTERNAL_H

#include "benchagent/buf.h"
#include "benchagent/embed.h"
#include "benchagent/html.h"
#include "benchagent/report.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The files of src/report/assets/, compiled in (cmake/embed.cmake). */
extern const ba_embedded_file ba_report_assets[];

/* ---- SVG (svg.c) ---- */

/* A linear map from data [d0, d1] to pixels [p0, p1]. */
typedef struct ba_scale {
	double d0, d1, p0, p1;
} ba_scale;
double ba_scale_at(const ba_scale *s, double v);
/* "Nice" tick values covering [lo, hi] (1, 2, 5 x 10^k steps), about
 * want of them; returns how many were written (at most max). */
size_t ba_svg_ticks(double lo, double hi, int want, double *ticks, size_t max);

/* A plot frame: the svg element with a viewBox of w x h (scaled to the
 * column width by CSS), a title for screen readers, and the plot area
 * inside the margins. */
typedef struct ba_plot {
	ba_buf *b;
	double w, h;
	double left, right, top, bottom;   /* margins in px */
	ba_scale x, y;
} ba_plot;
void ba_plot_open(ba_plot *p, ba_buf *b, double w, double h, const char *id, const char *title);
void ba_plot_close(ba_plot *p);
/* Set the scales to [x0, x1] x [y0, y1] inside the margins. */
void ba_plot_scales(ba_plot *p, double x0, double x1, double y0, double y1);
/* Axes with ticks, grid lines and labels; fmt formats a tick value. */
void ba_plot_axis_x(ba_plot *p, int want, const char *fmt, const char *label);
void ba_plot_axis_y(ba_plot *p, int want, const char *fmt, const char *label);
/* Text (escaped) at (x, y) px; anchor "start" | "middle" | "end". */
void ba_svg_text(ba_buf *b, double x, double y, const char *anchor, const char *cls, const char *text);
/* A legend row at (x, y) px: a swatch of class cls[i] and label[i] each. */
void ba_svg_legend(ba_buf *b, double x, double y, const char *const *labels, const char *const *cls, size_t n);
/* A polyline through data points (NAN points break the line). */
void ba_plot_line(ba_plot *p, const double *xs, const double *ys, size_t n, const char *cls);
/* A marker at a data point: circle (shape 0), triangle (1), square (2),
 * cross (3), with a <title> tooltip (escaped, may be NULL). */
void ba_plot_marker(ba_plot *p, double x, double y, int shape, const char *cls, const char *tip);
/* A vertical/horizontal reference line at data x / y. */
void ba_plot_vline(ba_plot *p, double x, const char *cls, const char *label);
void ba_plot_hline(ba_plot *p, double y, const char *cls, const char *label);

/* Whole charts. */
/* Forest plot: one row per label, a point at est and a line lo..hi on an
 * x axis [x0, x1]; ref draws a dashed line (NAN = none). */
void ba_svg_forest(ba_buf *b, const char *id, const char *title, const char *const *labels,
		   const double *est, const double *lo, const double *hi, size_t n, double x0, double x1,
		   const char *fmt, const char *xlabel, double ref);
/* Horizontal bars (value[i] on [0, max]), with the value written at the
 * end of each bar; target (may be NULL, NAN entries skipped) draws a tick. */
void ba_svg_hbars(ba_buf *b, const char *id, const char *title, const char *const *labels, const double *value,
		  const double *target, const char *const *cls, size_t n, const char *fmt, const char *xlabel);
/* Heatmap: rows x cols values in [0, 1] (NAN = empty), the value printed
 * in each cell (as percent) when the cells are large enough. */
void ba_svg_heatmap(ba_buf *b, const char *id, const char *title, const char *const *rows, size_t nr,
		    const char *const *cols, size_t nc, const double *v);

/* ---- HTML helpers (html_doc.c) ---- */
void ba_rep_esc(ba_buf *b, const char *s);
/* A number with printf fmt, or "-" when NAN / missing. */
void ba_rep_num(ba_buf *b, const char *fmt, double v);
void ba_rep_pct(ba_buf *b, double v);              /* 0.1234 -> "12.3%" */
void ba_rep_ci(ba_buf *b, const json_t *ci);       /* [lo, hi] -> "[12.3, 45.6]" (percent) */
/* A section: <section id=ID><h2>TITLE</h2> ... </section>. */
void ba_rep_section_open(ba_buf *b, const char *id, const char *title, const char *intro);
void ba_rep_section_close(ba_buf *b);
/* A plot and its numbers side by side: open, (plot), mid, (table), close. */
void ba_rep_pair_open(ba_buf *b);
void ba_rep_pair_mid(ba_buf *b);
void ba_rep_pair_close(ba_buf *b);
/* A note paragraph for a section without data. */
void ba_rep_note(ba_buf *b, const char *text);
/* Link to the review page of an item (served) or its anchor (file). */
void ba_rep_item_link(ba_buf *b, const ba_report_opts *o, const char *id);
/* s percent-encoded for a URL query value (unreserved characters kept). */
void ba_rep_url(ba_buf *b, const char *s);

/* ---- sections (html_*.c): each appends to b from the collected data ---- */
void ba_rep_results(ba_buf *b, const json_t *data, const ba_report_opts *o);
void ba_rep_items(ba_buf *b, const json_t *data, const ba_report_opts *o);
void ba_rep_quality(ba_buf *b, const json_t *data, const ba_report_opts *o);
void ba_rep_versions(ba_buf *b, const json_t *data, const ba_report_opts *o);
void ba_rep_cost(ba_buf *b, const json_t *data, const ba_report_opts *o);
/* Transcripts stream from the store (they are the bulk of the file). */
int ba_rep_transcripts(ba_buf *b, ba_store *st, const json_t *data, const ba_report_opts *o, ba_error *err);

/* ---- the transcripts as data for the page's viewer (tx_data.c, strtab.c) ---- */
/* Distinct byte strings numbered in order of first appearance. */
typedef struct ba_strtab {
	struct strtab_slot *slot;
	size_t n, cap;
	ba_buf arena;      /* the strings' bytes (its cap bounds the table) */
} ba_strtab;
/* The number of s[0..len): *is_new = 1 when it was not in the table
 * (then the caller writes it out); -1 when the arena is full. */
long ba_strtab_add(ba_strtab *t, const char *s, size_t len, int *is_new);
void ba_strtab_free(ba_strtab *t);
/* s[0..len) as a JSON string safe inside an HTML element: '<', '>', '&'
 * and control characters as \u00XX escapes, invalid UTF-8 as U+FFFD. */
void ba_rep_json_str(ba_buf *b, const char *s, size_t len);
/* A decimal integer (faster than printf for the rows). */
void ba_rep_long(ba_buf *b, long v);
/* Media shown from a transcript (tx_data.c): 1 when u is an inline
 * base64 PNG, JPEG, GIF or WebP data URL (nothing else becomes an img src);
 * the data URL of an input_audio part ({data, format}) when it is base64
 * WAV or MP3 (new string), else NULL. */
int ba_rep_image_url_ok(const char *u);
char *ba_rep_audio_url(const json_t *input_audio);
/* The data URL of the audio an input_audio part sent: its inline base64
 * (ba_rep_audio_url), else the item's audio file inside bench_dir (may be
 * NULL) whose SHA-256 the part names (the call log keeps the hash, not the
 * bytes); NULL when neither. Caller frees. */
char *ba_rep_sent_audio_url(const char *bench_dir, const json_t *item, const json_t *input_audio);
/* The data block <script type="application/json" id=tx-data> of ids (in
 * item order; pos: id -> index in data.items, flags: id -> IRT flag bits)
 * with every stored row of the eval models on them; *nrows rows written. */
int ba_rep_tx_data(ba_buf *b, ba_store *st, const json_t *data, const ba_report_opts *o, const char *const *ids,
		   size_t nids, const json_t *pos, const json_t *flags, size_t *nrows, ba_error *err);

#endif
