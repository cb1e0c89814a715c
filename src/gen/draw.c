/*
 * draw.c - the drawing API visual generators use, backed by cairo.
 *
 *   local c = draw.canvas(w, h [, background])
 *   c:line(x1, y1, x2, y2 [, {color=, width=, dash=}])
 *   c:rect(x, y, w, h [, {fill=, stroke=, width=}])
 *   c:circle(x, y, r [, {fill=, stroke=, width=}])
 *   c:polygon({x1, y1, x2, y2, ...} [, {fill=, stroke=, width=}])
 *   c:text(x, y, s [, {size=, color=, align="left|center|right", bold=}])
 *   c:bar_chart{labels=, values=, title=, xlabel=, ylabel=, color=, ymax=, ticks=}
 *   c:line_chart{labels=, series={{name=, values=, color=}}, title=, xlabel=, ylabel=}
 *   c:pie_chart{labels=, values=, colors=, title=, percent=}
 *   draw.colors()  -- a new list of colour names; a colour is a name, "#rrggbb" or {r, g, b}
 *
 * A canvas put into an item (item.image or item.media) is rendered to PNG
 * and stored as media. Canvases live outside the Lua allocator, so their
 * size (<= 1600x1600) and number alive per state (<= 4) are capped.
 */
#include "gen_internal.h"

#include <cairo.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#define CANVAS_MT "ba.canvas"
#define MAX_DIM 1600
#define MAX_LIVE 4

typedef struct canvas {
	cairo_surface_t *s;
	cairo_t *cr;
	int w, h;
} canvas;

static const struct named_color {
	const char *name;
	double r, g, b;
} colors[] = {
	{ "black", 0, 0, 0 },        { "white", 1, 1, 1 },          { "red", 0.86, 0.15, 0.15 },
	{ "green", 0.13, 0.6, 0.2 }, { "blue", 0.16, 0.35, 0.85 },  { "yellow", 0.95, 0.8, 0.1 },
	{ "orange", 0.95, 0.55, 0.1 }, { "purple", 0.55, 0.25, 0.7 }, { "brown", 0.55, 0.35, 0.2 },
	{ "pink", 0.95, 0.5, 0.7 },  { "gray", 0.5, 0.5, 0.5 },     { "cyan", 0.1, 0.7, 0.8 },
	{ "lightgray", 0.85, 0.85, 0.85 }, { "darkgray", 0.3, 0.3, 0.3 },
	{ NULL, 0, 0, 0 }
};
/* the names offered to scripts as draw.colors (distinct, readable on white) */
static const char *const palette[] = { "red", "green", "blue", "yellow", "orange", "purple",
	"brown", "pink", "gray", "cyan", NULL };

static canvas *check_canvas(lua_State *L, int idx)
{
	canvas *c = luaL_checkudata(L, idx, CANVAS_MT);
	if (!c->cr)
		luaL_error(L, "canvas already released");
	return c;
}

int gen_is_canvas(lua_State *L, int idx)
{
	return luaL_testudata(L, idx, CANVAS_MT) != NULL;
}

static int parse_hex(const char *s, double rgb[3])
{
	int i;
	unsigned v[3];

	if (strlen(s) != 7)
		return -1;
	for (i = 0; i < 3; i++) {
		unsigned x = 0;
		int k;
		for (k = 0; k < 2; k++) {
			char ch = s[1 + i * 2 + k];
			x <<= 4;
			if (ch >= '0' && ch <= '9')
				x |= (unsigned)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				x |= (unsigned)(ch - 'a' + 10);
			else if (ch >= 'A' && ch <= 'F')
				x |= (unsigned)(ch - 'A' + 10);
			else
				return -1;
		}
		v[i] = x;
	}
	for (i = 0; i < 3; i++)
		rgb[i] = v[i] / 255.0;
	return 0;
}

/* Read a colour at idx (name, "#rrggbb" or {r,g,b} 0..255). 0 if absent. */
static int get_color(lua_State *L, int idx, double rgb[3])
{
	int i;

	if (lua_isnoneornil(L, idx))
		return 0;
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);
		if (s[0] == '#') {
			if (parse_hex(s, rgb) != 0)
				luaL_error(L, "bad colour '%s'", s);
			return 1;
		}
		for (i = 0; colors[i].name; i++)
			if (!strcmp(colors[i].name, s)) {
				rgb[0] = colors[i].r;
				rgb[1] = colors[i].g;
				rgb[2] = colors[i].b;
				return 1;
			}
		luaL_error(L, "unknown colour '%s'", s);
	}
	if (lua_type(L, idx) == LUA_TTABLE) {
		for (i = 0; i < 3; i++) {
			lua_rawgeti(L, idx, i + 1);
			rgb[i] = luaL_checknumber(L, -1) / 255.0;
			lua_pop(L, 1);
		}
		return 1;
	}
	luaL_error(L, "a colour is a name, \"#rrggbb\" or {r, g, b}");
	return 0;
}

static int opt_color(lua_State *L, int opts, const char *key, double rgb[3])
{
	int r;

	if (opts == 0 || !lua_istable(L, opts))
		return 0;
	lua_getfield(L, opts, key);
	r = get_color(L, lua_gettop(L), rgb);
	lua_pop(L, 1);
	return r;
}

static double opt_num(lua_State *L, int opts, const char *key, double def)
{
	double v = def;

	if (opts == 0 || !lua_istable(L, opts))
		return def;
	lua_getfield(L, opts, key);
	if (lua_type(L, -1) == LUA_TNUMBER)
		v = lua_tonumber(L, -1);
	lua_pop(L, 1);
	return v;
}

static const char *opt_str(lua_State *L, int opts, const char *key, const char *def)
{
	const char *v = def;

	if (opts == 0 || !lua_istable(L, opts))
		return def;
	lua_getfield(L, opts, key);
	if (lua_type(L, -1) == LUA_TSTRING)
		v = lua_tostring(L, -1); /* kept alive by the opts table */
	lua_pop(L, 1);
	return v;
}

static int opt_bool(lua_State *L, int opts, const char *key, int def)
{
	int v = def;

	if (opts == 0 || !lua_istable(L, opts))
		return def;
	lua_getfield(L, opts, key);
	if (!lua_isnil(L, -1))
		v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

static void set_rgb(cairo_t *cr, const double c[3])
{
	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

static double coord(lua_State *L, int idx)
{
	double v = luaL_checknumber(L, idx);
	if (!isfinite(v) || fabs(v) > 1e6)
		luaL_error(L, "coordinate out of range");
	return v;
}

/* fill and/or stroke the current path per opts; default stroke black */
static void paint_path(lua_State *L, canvas *c, int opts, int default_fill)
{
	double fill[3], stroke[3];
	int hf = opt_color(L, opts, "fill", fill), hs = opt_color(L, opts, "stroke", stroke);

	if (!hf && !hs) {
		if (opt_color(L, opts, "color", fill)) {
			if (default_fill)
				hf = 1;
			else {
				memcpy(stroke, fill, sizeof(fill));
				hs = 1;
			}
		} else {
			stroke[0] = stroke[1] = stroke[2] = 0;
			hs = 1;
		}
	}
	cairo_set_line_width(c->cr, opt_num(L, opts, "width", 2));
	if (hf) {
		set_rgb(c->cr, fill);
		if (hs)
			cairo_fill_preserve(c->cr);
		else
			cairo_fill(c->cr);
	}
	if (hs) {
		set_rgb(c->cr, stroke);
		cairo_stroke(c->cr);
	}
}

static int d_canvas(lua_State *L)
{
	lua_Integer w = luaL_checkinteger(L, 1), h = luaL_checkinteger(L, 2);
	double bg[3] = { 1, 1, 1 };
	canvas *c;
	void *ud;
	gen_state *gs;

	lua_getallocf(L, &ud);
	gs = ud;
	luaL_argcheck(L, w >= 8 && w <= MAX_DIM, 1, "canvas width must be 8..1600");
	luaL_argcheck(L, h >= 8 && h <= MAX_DIM, 2, "canvas height must be 8..1600");
	if (gs->live_canvases >= MAX_LIVE) {
		lua_gc(L, LUA_GCCOLLECT, 0);
		if (gs->live_canvases >= MAX_LIVE)
			return luaL_error(L, "too many canvases alive (limit %d)", MAX_LIVE);
	}
	get_color(L, 3, bg);
	c = lua_newuserdatauv(L, sizeof(*c), 0);
	memset(c, 0, sizeof(*c));
	luaL_setmetatable(L, CANVAS_MT);
	c->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
	if (cairo_surface_status(c->s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(c->s);
		c->s = NULL;
		return luaL_error(L, "cannot create a canvas");
	}
	c->cr = cairo_create(c->s);
	c->w = (int)w;
	c->h = (int)h;
	gs->live_canvases++;
	set_rgb(c->cr, bg);
	cairo_paint(c->cr);
	cairo_select_font_face(c->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	return 1;
}

static int c_gc(lua_State *L)
{
	canvas *c = luaL_checkudata(L, 1, CANVAS_MT);
	void *ud;

	if (c->cr) {
		lua_getallocf(L, &ud);
		((gen_state *)ud)->live_canvases--;
		cairo_destroy(c->cr);
		cairo_surface_destroy(c->s);
		c->cr = NULL;
		c->s = NULL;
	}
	return 0;
}

static int c_size(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	lua_pushinteger(L, c->w);
	lua_pushinteger(L, c->h);
	return 2;
}

static int c_line(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	double x1 = coord(L, 2), y1 = coord(L, 3), x2 = coord(L, 4), y2 = coord(L, 5);
	double col[3] = { 0, 0, 0 };
	int opts = lua_istable(L, 6) ? 6 : 0;

	opt_color(L, opts, "color", col);
	cairo_set_line_width(c->cr, opt_num(L, opts, "width", 2));
	if (opt_bool(L, opts, "dash", 0)) {
		double d[2] = { 6, 4 };
		cairo_set_dash(c->cr, d, 2, 0);
	}
	set_rgb(c->cr, col);
	cairo_move_to(c->cr, x1, y1);
	cairo_line_to(c->cr, x2, y2);
	cairo_stroke(c->cr);
	cairo_set_dash(c->cr, NULL, 0, 0);
	return 0;
}

static int c_rect(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	double x = coord(L, 2), y = coord(L, 3), w = coord(L, 4), h = coord(L, 5);

	cairo_rectangle(c->cr, x, y, w, h);
	paint_path(L, c, lua_istable(L, 6) ? 6 : 0, 1);
	return 0;
}

static int c_circle(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	double x = coord(L, 2), y = coord(L, 3), r = coord(L, 4);

	cairo_new_sub_path(c->cr);
	cairo_arc(c->cr, x, y, fabs(r), 0, 2 * M_PI);
	paint_path(L, c, lua_istable(L, 5) ? 5 : 0, 1);
	return 0;
}

static int c_polygon(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	lua_Integer n, i;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = (lua_Integer)lua_rawlen(L, 2);
	luaL_argcheck(L, n >= 6 && n % 2 == 0 && n <= 2000, 2, "polygon needs x1, y1, x2, y2, x3, y3, ...");
	for (i = 1; i <= n; i += 2) {
		double x, y;
		lua_rawgeti(L, 2, i);
		lua_rawgeti(L, 2, i + 1);
		x = coord(L, -2);
		y = coord(L, -1);
		lua_pop(L, 2);
		if (i == 1)
			cairo_move_to(c->cr, x, y);
		else
			cairo_line_to(c->cr, x, y);
	}
	cairo_close_path(c->cr);
	paint_path(L, c, lua_istable(L, 3) ? 3 : 0, 1);
	return 0;
}

static void draw_text(cairo_t *cr, double x, double y, const char *s, double size, const char *align,
		      int bold, const double col[3])
{
	cairo_text_extents_t te;

	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_text_extents(cr, s, &te);
	if (!strcmp(align, "center"))
		x -= te.width / 2 + te.x_bearing;
	else if (!strcmp(align, "right"))
		x -= te.width + te.x_bearing;
	set_rgb(cr, col);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

static int c_text(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	double x = coord(L, 2), y = coord(L, 3);
	size_t len;
	const char *s = luaL_checklstring(L, 4, &len);
	int opts = lua_istable(L, 5) ? 5 : 0;
	double col[3] = { 0, 0, 0 }, size = opt_num(L, opts, "size", 14);

	luaL_argcheck(L, len <= 512, 4, "text longer than 512 bytes");
	luaL_argcheck(L, size >= 4 && size <= 200, 5, "text size must be 4..200");
	opt_color(L, opts, "color", col);
	draw_text(c->cr, x, y, s, size, opt_str(L, opts, "align", "left"), opt_bool(L, opts, "bold", 0), col);
	return 0;
}

/* ---- charts ---- */

typedef struct chart_box {
	double x, y, w, h;      /* whole chart area */
	double px, py, pw, ph;  /* plot area inside the axes */
} chart_box;

static void chart_frame(lua_State *L, canvas *c, int spec, chart_box *b, int axes)
{
	const double black[3] = { 0, 0, 0 };
	const char *title = opt_str(L, spec, "title", NULL);
	const char *xl = opt_str(L, spec, "xlabel", NULL), *yl = opt_str(L, spec, "ylabel", NULL);

	b->x = opt_num(L, spec, "x", 0);
	b->y = opt_num(L, spec, "y", 0);
	b->w = opt_num(L, spec, "w", c->w);
	b->h = opt_num(L, spec, "h", c->h);
	b->px = b->x + (axes ? 64 : 16);
	b->py = b->y + (title ? 40 : 16);
	b->pw = b->w - (axes ? 64 : 16) - 20;
	b->ph = b->h - (b->py - b->y) - (axes ? 56 : 16);
	if (b->pw < 20 || b->ph < 20)
		luaL_error(L, "chart area too small");
	if (title)
		draw_text(c->cr, b->x + b->w / 2, b->y + 26, title, 16, "center", 1, black);
	if (axes && xl)
		draw_text(c->cr, b->px + b->pw / 2, b->y + b->h - 10, xl, 13, "center", 0, black);
	if (axes && yl) {
		cairo_text_extents_t te;
		cairo_save(c->cr);
		cairo_set_font_size(c->cr, 13);
		cairo_select_font_face(c->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
		cairo_text_extents(c->cr, yl, &te);
		cairo_move_to(c->cr, b->x + 16, b->py + b->ph / 2 + te.width / 2);
		cairo_rotate(c->cr, -M_PI / 2);
		set_rgb(c->cr, black);
		cairo_show_text(c->cr, yl);
		cairo_restore(c->cr);
	}
}

static double nice_step(double max, int ticks)
{
	double raw = max / ticks, mag = pow(10, floor(log10(raw))), f = raw / mag;

	if (f <= 1)
		return mag;
	if (f <= 2)
		return 2 * mag;
	if (f <= 2.5)
		return 2.5 * mag;
	if (f <= 5)
		return 5 * mag;
	return 10 * mag;
}

/* y axis with gridlines from 0 to ymax; returns ymax used */
static double chart_yaxis(lua_State *L, canvas *c, int spec, const chart_box *b, double vmax)
{
	const double black[3] = { 0, 0, 0 }, grid[3] = { 0.88, 0.88, 0.88 };
	int ticks = (int)opt_num(L, spec, "ticks", 5);
	double ymax = opt_num(L, spec, "ymax", 0), step, v;
	char lab[32];

	if (ticks < 2 || ticks > 20)
		ticks = 5;
	if (ymax <= 0) {
		step = nice_step(vmax > 0 ? vmax : 1, ticks);
		ymax = ceil((vmax > 0 ? vmax : 1) / step) * step;
	} else {
		step = ymax / ticks;
	}
	for (v = 0; v <= ymax + step * 1e-6; v += step) {
		double y = b->py + b->ph - v / ymax * b->ph;
		cairo_set_line_width(c->cr, 1);
		set_rgb(c->cr, grid);
		cairo_move_to(c->cr, b->px, y);
		cairo_line_to(c->cr, b->px + b->pw, y);
		cairo_stroke(c->cr);
		if (fabs(step - floor(step)) < 1e-9)
			snprintf(lab, sizeof(lab), "%.0f", v);
		else
			snprintf(lab, sizeof(lab), "%.2g", v);
		draw_text(c->cr, b->px - 6, y + 4, lab, 11, "right", 0, black);
	}
	set_rgb(c->cr, black);
	cairo_set_line_width(c->cr, 1.5);
	cairo_move_to(c->cr, b->px, b->py);
	cairo_line_to(c->cr, b->px, b->py + b->ph);
	cairo_line_to(c->cr, b->px + b->pw, b->py + b->ph);
	cairo_stroke(c->cr);
	return ymax;
}

static lua_Integer read_numbers(lua_State *L, int tbl, double *out, lua_Integer max, const char *what)
{
	lua_Integer n, i;

	if (!lua_istable(L, tbl))
		luaL_error(L, "chart: '%s' must be a list of numbers", what);
	n = (lua_Integer)lua_rawlen(L, tbl);
	if (n < 1 || n > max)
		luaL_error(L, "chart: '%s' needs 1..%d values", what, (int)max);
	for (i = 0; i < n; i++) {
		lua_rawgeti(L, tbl, i + 1);
		out[i] = luaL_checknumber(L, -1);
		if (!isfinite(out[i]) || out[i] < 0)
			luaL_error(L, "chart: '%s' values must be finite and >= 0", what);
		lua_pop(L, 1);
	}
	return n;
}

static const char *label_at(lua_State *L, int spec, lua_Integer i)
{
	const char *s = NULL;

	lua_getfield(L, spec, "labels");
	if (lua_istable(L, -1)) {
		lua_rawgeti(L, -1, i + 1);
		if (lua_type(L, -1) == LUA_TSTRING)
			s = lua_tostring(L, -1); /* alive through spec.labels */
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return s;
}

static void palette_color(int i, double rgb[3])
{
	const char *name = palette[i % 10];
	int k;

	for (k = 0; colors[k].name; k++)
		if (!strcmp(colors[k].name, name)) {
			rgb[0] = colors[k].r;
			rgb[1] = colors[k].g;
			rgb[2] = colors[k].b;
		}
}

static int c_bar_chart(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	const double black[3] = { 0, 0, 0 };
	double vals[64], vmax = 0, ymax, col[3], slot;
	chart_box b;
	lua_Integer n, i;
	int show = 0;

	luaL_checktype(L, 2, LUA_TTABLE);
	lua_getfield(L, 2, "values");
	n = read_numbers(L, lua_gettop(L), vals, 64, "values");
	lua_pop(L, 1);
	show = opt_bool(L, 2, "show_values", 0);
	chart_frame(L, c, 2, &b, 1);
	for (i = 0; i < n; i++)
		if (vals[i] > vmax)
			vmax = vals[i];
	ymax = chart_yaxis(L, c, 2, &b, vmax);
	slot = b.pw / (double)n;
	for (i = 0; i < n; i++) {
		double h = vals[i] / ymax * b.ph, x = b.px + slot * i + slot * 0.15;
		const char *lab = label_at(L, 2, i);
		if (!opt_color(L, 2, "color", col))
			palette_color((int)i, col);
		cairo_rectangle(c->cr, x, b.py + b.ph - h, slot * 0.7, h);
		set_rgb(c->cr, col);
		cairo_fill(c->cr);
		if (lab)
			draw_text(c->cr, x + slot * 0.35, b.py + b.ph + 16, lab, 11, "center", 0, black);
		if (show) {
			char vs[32];
			snprintf(vs, sizeof(vs), "%g", vals[i]);
			draw_text(c->cr, x + slot * 0.35, b.py + b.ph - h - 4, vs, 11, "center", 0, black);
		}
	}
	return 0;
}

static int c_line_chart(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	const double black[3] = { 0, 0, 0 };
	double vals[8][64], vmax = 0, ymax, col[3];
	lua_Integer ns, n = 0, i, s, len[8];
	chart_box b;

	luaL_checktype(L, 2, LUA_TTABLE);
	lua_getfield(L, 2, "series");
	luaL_argcheck(L, lua_istable(L, -1), 2, "line_chart needs series = {{name=, values=}, ...}");
	ns = (lua_Integer)lua_rawlen(L, -1);
	luaL_argcheck(L, ns >= 1 && ns <= 8, 2, "line_chart needs 1..8 series");
	for (s = 0; s < ns; s++) {
		lua_rawgeti(L, -1, s + 1);
		luaL_checktype(L, -1, LUA_TTABLE);
		lua_getfield(L, -1, "values");
		len[s] = read_numbers(L, lua_gettop(L), vals[s], 64, "series values");
		lua_pop(L, 2);
		if (len[s] > n)
			n = len[s];
		for (i = 0; i < len[s]; i++)
			if (vals[s][i] > vmax)
				vmax = vals[s][i];
	}
	chart_frame(L, c, 2, &b, 1);
	ymax = chart_yaxis(L, c, 2, &b, vmax);
	for (i = 0; i < n; i++) {
		const char *lab = label_at(L, 2, i);
		double x = n > 1 ? b.px + 10 + (b.pw - 20) * i / (double)(n - 1) : b.px + b.pw / 2;
		if (lab)
			draw_text(c->cr, x, b.py + b.ph + 16, lab, 11, "center", 0, black);
	}
	for (s = 0; s < ns; s++) {
		const char *name = NULL;
		lua_rawgeti(L, -1, s + 1);
		lua_getfield(L, -1, "color");
		if (!get_color(L, lua_gettop(L), col))
			palette_color((int)s, col);
		lua_pop(L, 1);
		lua_getfield(L, -1, "name");
		if (lua_type(L, -1) == LUA_TSTRING)
			name = lua_tostring(L, -1);
		set_rgb(c->cr, col);
		cairo_set_line_width(c->cr, 2.5);
		for (i = 0; i < len[s]; i++) {
			double x = n > 1 ? b.px + 10 + (b.pw - 20) * i / (double)(n - 1) : b.px + b.pw / 2;
			double y = b.py + b.ph - vals[s][i] / ymax * b.ph;
			if (i == 0)
				cairo_move_to(c->cr, x, y);
			else
				cairo_line_to(c->cr, x, y);
		}
		cairo_stroke(c->cr);
		for (i = 0; i < len[s]; i++) {
			double x = n > 1 ? b.px + 10 + (b.pw - 20) * i / (double)(n - 1) : b.px + b.pw / 2;
			double y = b.py + b.ph - vals[s][i] / ymax * b.ph;
			cairo_arc(c->cr, x, y, 3.5, 0, 2 * M_PI);
			cairo_fill(c->cr);
		}
		if (name && ns > 1) {
			double lx = b.px + b.pw - 110, ly = b.py + 10 + 18 * s;
			cairo_rectangle(c->cr, lx, ly - 9, 12, 10);
			cairo_fill(c->cr);
			draw_text(c->cr, lx + 16, ly, name, 11, "left", 0, black);
		}
		lua_pop(L, 2);
	}
	lua_pop(L, 1);
	return 0;
}

static int c_pie_chart(lua_State *L)
{
	canvas *c = check_canvas(L, 1);
	const double black[3] = { 0, 0, 0 }, white[3] = { 1, 1, 1 };
	double vals[32], total = 0, a = -M_PI / 2, col[3], cx, cy, r;
	lua_Integer n, i;
	chart_box b;
	int percent;

	luaL_checktype(L, 2, LUA_TTABLE);
	lua_getfield(L, 2, "values");
	n = read_numbers(L, lua_gettop(L), vals, 32, "values");
	lua_pop(L, 1);
	percent = opt_bool(L, 2, "percent", 0);
	chart_frame(L, c, 2, &b, 0);
	for (i = 0; i < n; i++)
		total += vals[i];
	if (total <= 0)
		return luaL_error(L, "pie_chart: values sum to 0");
	r = fmin(b.pw * 0.6, b.ph) / 2 - 4;
	cx = b.px + r + 4;
	cy = b.py + b.ph / 2;
	for (i = 0; i < n; i++) {
		double sweep = vals[i] / total * 2 * M_PI;
		const char *lab = label_at(L, 2, i);
		char txt[96];

		palette_color((int)i, col);
		lua_getfield(L, 2, "colors");
		if (lua_istable(L, -1)) {
			lua_rawgeti(L, -1, i + 1);
			get_color(L, lua_gettop(L), col);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		cairo_move_to(c->cr, cx, cy);
		cairo_arc(c->cr, cx, cy, r, a, a + sweep);
		cairo_close_path(c->cr);
		set_rgb(c->cr, col);
		cairo_fill_preserve(c->cr);
		set_rgb(c->cr, white);
		cairo_set_line_width(c->cr, 1.5);
		cairo_stroke(c->cr);
		/* legend */
		cairo_rectangle(c->cr, cx + r + 20, b.py + 8 + 20 * i, 12, 12);
		set_rgb(c->cr, col);
		cairo_fill(c->cr);
		if (percent)
			snprintf(txt, sizeof(txt), "%s (%.0f%%)", lab ? lab : "", vals[i] / total * 100);
		else
			snprintf(txt, sizeof(txt), "%s", lab ? lab : "");
		draw_text(c->cr, cx + r + 38, b.py + 18 + 20 * i, txt, 12, "left", 0, black);
		a += sweep;
	}
	return 0;
}

static int d_colors(lua_State *L)
{
	int i;

	lua_newtable(L);
	for (i = 0; palette[i]; i++) {
		lua_pushstring(L, palette[i]);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

static const luaL_Reg canvas_methods[] = {
	{ "size", c_size },
	{ "line", c_line },
	{ "rect", c_rect },
	{ "circle", c_circle },
	{ "polygon", c_polygon },
	{ "text", c_text },
	{ "bar_chart", c_bar_chart },
	{ "line_chart", c_line_chart },
	{ "pie_chart", c_pie_chart },
	{ NULL, NULL }
};

/* PNG through libpng directly: 8-bit RGB, fast zlib level and the "up"
 * filter. Charts and shapes are flat colours, so this is about as small as
 * cairo's default and several times faster; the bytes are deterministic. */
static void png_write_fn(png_structp png, png_bytep data, png_size_t len)
{
	ba_buf *out = png_get_io_ptr(png);
	if (ba_buf_append(out, data, len) != 0)
		png_error(png, "PNG larger than its cap");
}

static void png_flush_fn(png_structp png)
{
	(void)png;
}

int gen_canvas_png(lua_State *L, int idx, ba_buf *out)
{
	canvas *c = luaL_testudata(L, idx, CANVAS_MT);
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *row = NULL;
	const unsigned char *data;
	int stride, y, x;

	if (!c || !c->s)
		return BA_EINVAL;
	cairo_surface_flush(c->s);
	data = cairo_image_surface_get_data(c->s);
	stride = cairo_image_surface_get_stride(c->s);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!png)
		return BA_ENOMEM;
	info = png_create_info_struct(png);
	row = malloc((size_t)c->w * 3);
	if (!info || !row || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, info ? &info : NULL);
		free(row);
		return BA_EIO;
	}
	png_set_write_fn(png, out, png_write_fn, png_flush_fn);
	png_set_IHDR(png, info, (png_uint_32)c->w, (png_uint_32)c->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_compression_level(png, 3);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
	png_write_info(png, info);
	for (y = 0; y < c->h; y++) {
		const uint32_t *src = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
		for (x = 0; x < c->w; x++) {
			uint32_t px = src[x]; /* CAIRO_FORMAT_RGB24: xRGB in native order */
			row[x * 3] = (unsigned char)(px >> 16);
			row[x * 3 + 1] = (unsigned char)(px >> 8);
			row[x * 3 + 2] = (unsigned char)px;
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	return 0;
}

int gen_open_draw(lua_State *L)
{
	int i;

	luaL_newmetatable(L, CANVAS_MT);
	luaL_newlib(L, canvas_methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, c_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);

	lua_newtable(L);
	lua_pushcfunction(L, d_canvas);
	lua_setfield(L, -2, "canvas");
	/* a function, not a table: each call gets its own list, so no script
	 * can change what another sees */
	lua_pushcfunction(L, d_colors);
	lua_setfield(L, -2, "colors");
	(void)i;
	return 1;
}
