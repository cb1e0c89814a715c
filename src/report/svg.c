/*
 * svg.c - the plotting primitives of the report: linear scales, nice
 * ticks, axes with grid lines and labels, markers, lines, legends, and
 * three whole charts (forest plot, horizontal bars, heatmap). Output is
 * plain SVG text styled by the page's CSS classes, so it prints and
 * scales; every label goes through the one HTML escaper.
 */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double ba_scale_at(const ba_scale *s, double v)
{
	if (s->d1 == s->d0)
		return (s->p0 + s->p1) / 2;
	return s->p0 + (v - s->d0) * (s->p1 - s->p0) / (s->d1 - s->d0);
}

size_t ba_svg_ticks(double lo, double hi, int want, double *ticks, size_t max)
{
	double span = hi - lo, raw, mag, step, t;
	size_t n = 0;

	if (!(span > 0) || want < 1) {
		if (max)
			ticks[n++] = lo;
		return n;
	}
	raw = span / want;
	mag = pow(10, floor(log10(raw)));
	step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
	for (t = ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9 && n < max; t += step)
		ticks[n++] = fabs(t) < step * 1e-9 ? 0 : t;
	return n;
}

void ba_svg_text(ba_buf *b, double x, double y, const char *anchor, const char *cls, const char *text)
{
	ba_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s%s>", x, y, anchor,
		      cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	ba_html_put(b, text);
	ba_buf_puts(b, "</text>");
}

void ba_plot_open(ba_plot *p, ba_buf *b, double w, double h, const char *id, const char *title)
{
	p->b = b;
	p->w = w;
	p->h = h;
	if (!p->left)
		p->left = 56;
	if (!p->right)
		p->right = 16;
	if (!p->top)
		p->top = 12;
	if (!p->bottom)
		p->bottom = 44;
	ba_buf_printf(b, "<svg class=plot viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=img id=\"", w, h,
		      w, h);
	ba_html_put(b, id);
	ba_buf_puts(b, "\" aria-label=\"");
	ba_html_put(b, title);
	ba_buf_puts(b, "\" xmlns=\"http://www.w3.org/2000/svg\"><title>");
	ba_html_put(b, title);
	ba_buf_puts(b, "</title>");
}

void ba_plot_close(ba_plot *p)
{
	ba_buf_puts(p->b, "</svg>");
}

void ba_plot_scales(ba_plot *p, double x0, double x1, double y0, double y1)
{
	p->x = (ba_scale){ x0, x1, p->left, p->w - p->right };
	p->y = (ba_scale){ y0, y1, p->h - p->bottom, p->top };
}

static void fmt_tick(char *out, size_t n, const char *fmt, double v)
{
	if (fmt && !strcmp(fmt, "pct"))
		snprintf(out, n, "%.0f%%", 100 * v);
	else
		snprintf(out, n, fmt ? fmt : "%g", v);
}

void ba_plot_axis_x(ba_plot *p, int want, const char *fmt, const char *label)
{
	double t[64], lo = fmin(p->x.d0, p->x.d1), hi = fmax(p->x.d0, p->x.d1);
	size_t n = ba_svg_ticks(lo, hi, want, t, 64), i;
	double yb = p->h - p->bottom;
	char s[48];

	ba_buf_printf(p->b, "<g class=axis><line class=frame x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		      p->left, yb, p->w - p->right, yb);
	for (i = 0; i < n; i++) {
		double x = ba_scale_at(&p->x, t[i]);
		if (fmt && strstr(fmt, ".0f") && fabs(t[i] - round(t[i])) > 1e-9)
			continue;  /* an integer axis (epochs, versions) has no half ticks */
		ba_buf_printf(p->b, "<line class=grid x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, p->top, x, yb);
		fmt_tick(s, sizeof(s), fmt, t[i]);
		ba_svg_text(p->b, x, yb + 15, "middle", "tick", s);
	}
	if (label)
		ba_svg_text(p->b, (p->left + p->w - p->right) / 2, p->h - 6, "middle", "label", label);
	ba_buf_puts(p->b, "</g>");
}

void ba_plot_axis_y(ba_plot *p, int want, const char *fmt, const char *label)
{
	double t[64], lo = fmin(p->y.d0, p->y.d1), hi = fmax(p->y.d0, p->y.d1);
	size_t n = ba_svg_ticks(lo, hi, want, t, 64), i;
	char s[48];

	ba_buf_printf(p->b, "<g class=axis><line class=frame x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		      p->left, p->top, p->left, p->h - p->bottom);
	for (i = 0; i < n; i++) {
		double y = ba_scale_at(&p->y, t[i]);
		ba_buf_printf(p->b, "<line class=grid x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", p->left, y,
			      p->w - p->right, y);
		fmt_tick(s, sizeof(s), fmt, t[i]);
		ba_svg_text(p->b, p->left - 6, y + 4, "end", "tick", s);
	}
	if (label) {
		double cy = (p->top + p->h - p->bottom) / 2;
		ba_buf_printf(p->b, "<text class=label text-anchor=middle transform=\"translate(14 %.1f) rotate(-90)\">", cy);
		ba_html_put(p->b, label);
		ba_buf_puts(p->b, "</text>");
	}
	ba_buf_puts(p->b, "</g>");
}

void ba_svg_legend(ba_buf *b, double x, double y, const char *const *labels, const char *const *cls, size_t n)
{
	size_t i;

	ba_buf_puts(b, "<g class=legend>");
	for (i = 0; i < n; i++) {
		ba_buf_printf(b, "<rect class=\"sw %s\" x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\"/>", cls[i], x, y - 9);
		ba_svg_text(b, x + 15, y, "start", NULL, labels[i]);
		x += 26 + 6.8 * (double)strlen(labels[i]);
	}
	ba_buf_puts(b, "</g>");
}

void ba_plot_line(ba_plot *p, const double *xs, const double *ys, size_t n, const char *cls)
{
	size_t i;
	int open = 0;

	for (i = 0; i < n; i++) {
		if (isnan(xs[i]) || isnan(ys[i])) {
			if (open)
				ba_buf_puts(p->b, "\"/>");
			open = 0;
			continue;
		}
		if (!open)
			ba_buf_printf(p->b, "<polyline class=\"%s\" points=\"", cls);
		ba_buf_printf(p->b, "%s%.1f,%.1f", open ? " " : "", ba_scale_at(&p->x, xs[i]), ba_scale_at(&p->y, ys[i]));
		open = 1;
	}
	if (open)
		ba_buf_puts(p->b, "\"/>");
}

void ba_plot_marker(ba_plot *p, double x, double y, int shape, const char *cls, const char *tip)
{
	double px = ba_scale_at(&p->x, x), py = ba_scale_at(&p->y, y);

	if (isnan(px) || isnan(py))
		return;
	switch (shape) {
	case 1:
		ba_buf_printf(p->b, "<path class=\"%s\" d=\"M%.1f %.1fl4.5 8h-9z\">", cls, px, py - 5);
		break;
	case 2:
		ba_buf_printf(p->b, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\">", cls, px - 4, py - 4);
		break;
	case 3:
		ba_buf_printf(p->b, "<path class=\"%s\" d=\"M%.1f %.1fl8 8m0 -8l-8 8\">", cls, px - 4, py - 4);
		break;
	default:
		ba_buf_printf(p->b, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\">", cls, px, py);
	}
	if (tip) {
		ba_buf_puts(p->b, "<title>");
		ba_html_put(p->b, tip);
		ba_buf_puts(p->b, "</title>");
	}
	ba_buf_puts(p->b, shape == 1 || shape == 3 ? "</path>" : shape == 2 ? "</rect>" : "</circle>");
}

void ba_plot_vline(ba_plot *p, double x, const char *cls, const char *label)
{
	double px = ba_scale_at(&p->x, x);

	ba_buf_printf(p->b, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", cls, px, p->top, px,
		      p->h - p->bottom);
	if (label)
		ba_svg_text(p->b, px + 4, p->top + 10, "start", "note", label);
}

void ba_plot_hline(ba_plot *p, double y, const char *cls, const char *label)
{
	double py = ba_scale_at(&p->y, y);

	ba_buf_printf(p->b, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", cls, p->left, py,
		      p->w - p->right, py);
	if (label)
		ba_svg_text(p->b, p->w - p->right - 4, py - 4, "end", "note", label);
}

/* Left margin wide enough for the longest label (about 6.6 px a character, capped). */
static double label_margin(const char *const *labels, size_t n)
{
	size_t i, m = 4;

	for (i = 0; i < n; i++)
		if (strlen(labels[i]) > m)
			m = strlen(labels[i]);
	return fmin(280, 18 + 7.0 * (double)m);
}

/* A row label, shortened to what fits (the full text stays in a tooltip). */
static void row_label(ba_buf *b, double x, double y, const char *s, size_t maxc)
{
	char cut[96];
	size_t n = strlen(s);

	ba_buf_printf(b, "<text class=row x=\"%.1f\" y=\"%.1f\" text-anchor=end><title>", x, y);
	ba_html_put(b, s);
	ba_buf_puts(b, "</title>");
	if (n > maxc && maxc + 4 < sizeof(cut)) {
		size_t k = maxc - 1;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;  /* never cut inside a UTF-8 sequence */
		memcpy(cut, s, k);
		memcpy(cut + k, "\xE2\x80\xA6", 4);
		ba_html_put(b, cut);
	} else {
		ba_html_put(b, s);
	}
	ba_buf_puts(b, "</text>");
}

void ba_svg_forest(ba_buf *b, const char *id, const char *title, const char *const *labels,
		   const double *est, const double *lo, const double *hi, size_t n, double x0, double x1,
		   const char *fmt, const char *xlabel, double ref)
{
	ba_plot p = { 0 };
	double rowh = n > 40 ? 14 : 22;
	size_t i;

	p.left = label_margin(labels, n);
	p.top = 8;
	ba_plot_open(&p, b, 640, p.top + 44 + rowh * (double)(n ? n : 1), id, title);
	ba_plot_scales(&p, x0, x1, 0, (double)n);
	ba_plot_axis_x(&p, 8, fmt, xlabel);
	if (!isnan(ref))
		ba_plot_vline(&p, ref, "ref", NULL);
	for (i = 0; i < n; i++) {
		double y = p.top + rowh * ((double)i + 0.5);
		row_label(b, p.left - 6, y + 4, labels[i], (size_t)((p.left - 10) / 6.4));
		if (isnan(est[i]))
			continue;
		if (!isnan(lo[i]) && !isnan(hi[i]))
			ba_buf_printf(b, "<line class=ci x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
				      ba_scale_at(&p.x, fmax(lo[i], x0)), y, ba_scale_at(&p.x, fmin(hi[i], x1)), y);
		ba_buf_printf(b, "<circle class=est cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>", ba_scale_at(&p.x, est[i]), y);
	}
	ba_plot_close(&p);
}

void ba_svg_hbars(ba_buf *b, const char *id, const char *title, const char *const *labels, const double *value,
		  const double *target, const char *const *cls, size_t n, const char *fmt, const char *xlabel)
{
	ba_plot p = { 0 };
	double rowh = n > 30 ? 14 : 22, max = 0;
	size_t i;
	char s[48];

	for (i = 0; i < n; i++) {
		if (value[i] > max)
			max = value[i];
		if (target && !isnan(target[i]) && target[i] > max)
			max = target[i];
	}
	if (max <= 0)
		max = 1;
	p.left = label_margin(labels, n);
	p.right = 56;
	p.top = 8;
	ba_plot_open(&p, b, 640, p.top + 44 + rowh * (double)(n ? n : 1), id, title);
	ba_plot_scales(&p, 0, max, 0, (double)n);
	ba_plot_axis_x(&p, 6, fmt && !strcmp(fmt, "pct") ? "pct" : "%g", xlabel);
	for (i = 0; i < n; i++) {
		double y = p.top + rowh * (double)i, x = ba_scale_at(&p.x, value[i]);
		row_label(b, p.left - 6, y + rowh / 2 + 4, labels[i], (size_t)((p.left - 10) / 6.4));
		ba_buf_printf(b, "<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
			      cls && cls[i] ? cls[i] : "", p.left, y + 3, x - p.left, rowh - 6);
		if (target && !isnan(target[i])) {
			double tx = ba_scale_at(&p.x, target[i]);
			ba_buf_printf(b, "<line class=target x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", tx, y + 1, tx,
				      y + rowh - 1);
		}
		fmt_tick(s, sizeof(s), fmt && !strcmp(fmt, "pct") ? "pct" : fmt, value[i]);
		ba_svg_text(b, x + 4, y + rowh / 2 + 4, "start", "val", s);
	}
	ba_plot_close(&p);
}

void ba_svg_heatmap(ba_buf *b, const char *id, const char *title, const char *const *rows, size_t nr,
		    const char *const *cols, size_t nc, const double *v)
{
	ba_plot p = { 0 };
	double cw, ch = nr > 40 ? 12 : 22;
	size_t r, c;
	char s[32];

	p.left = label_margin(rows, nr);
	p.top = 90;
	p.bottom = 30;
	cw = (640 - p.left - p.right) / (double)(nc ? nc : 1);
	ba_plot_open(&p, b, 640, p.top + p.bottom + ch * (double)(nr ? nr : 1), id, title);
	for (c = 0; c < nc; c++) {
		double x = p.left + cw * ((double)c + 0.5);
		if (6.4 * (double)strlen(cols[c]) < cw - 4) {
			ba_svg_text(b, x, p.top - 8, "middle", "row", cols[c]);
			continue;
		}
		/* rotated, reading upwards from the column's foot */
		ba_buf_printf(b, "<text class=row text-anchor=start transform=\"translate(%.1f %.1f) rotate(-40)\"><title>", x - 3,
			      p.top - 6);
		ba_html_put(b, cols[c]);
		ba_buf_puts(b, "</title>");
		{
			char cut[40];
			size_t n = strlen(cols[c]), k = n > 16 ? 15 : n;
			while (k > 0 && k < n && ((unsigned char)cols[c][k] & 0xC0) == 0x80)
				k--;
			memcpy(cut, cols[c], k);
			cut[k] = 0;
			ba_html_put(b, cut);
			if (k < n)
				ba_buf_puts(b, "\xE2\x80\xA6");
		}
		ba_buf_puts(b, "</text>");
	}
	for (r = 0; r < nr; r++) {
		double y = p.top + ch * (double)r;
		row_label(b, p.left - 6, y + ch / 2 + 4, rows[r], (size_t)((p.left - 10) / 6.4));
		for (c = 0; c < nc; c++) {
			double val = v[r * nc + c];
			double x = p.left + cw * (double)c;
			if (isnan(val)) {
				ba_buf_printf(b, "<rect class=empty x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x, y,
					      cw - 1, ch - 1);
				continue;
			}
			/* sequential scale: light (0) to dark blue (1) */
			ba_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"hsl(215 70%% %.0f%%)\">"
					 "<title>%.1f%%</title></rect>",
				      x, y, cw - 1, ch - 1, 96 - 62 * fmax(0, fmin(1, val)), 100 * val);
			if (cw >= 30 && ch >= 14) {
				snprintf(s, sizeof(s), "%.0f", 100 * val);
				ba_svg_text(b, x + cw / 2, y + ch / 2 + 4, "middle", val > 0.55 ? "cell inv" : "cell", s);
			}
		}
	}
	ba_svg_text(b, p.left, p.h - 10, "start", "note", "cells: accuracy in percent (light 0% .. dark 100%)");
	ba_plot_close(&p);
}
