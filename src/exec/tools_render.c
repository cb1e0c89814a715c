/*
 * tools_render.c - render_text_image, the text -> image conversion
 * (docs/executor.md): the item's context (or question) is laid out as a
 * PNG (render_text.c: wrapped paragraphs, lists, dialogue lines, tables
 * as grids), stored content-addressed in the media store like every
 * image, and taken out of the item's text, so the question can only be
 * answered from the picture.
 *
 * Two checks, neither sharing the renderer's code path:
 *  - legibility: tesseract (src/audio/ocr.c) reads the stored PNG back and
 *    the share of the rendered words it finds (word recall, a multiset
 *    match after the ASR normaliser) must reach min_recall; the recall is
 *    recorded on the item's media entry;
 *  - no leak: the question and the options left in the item's text must
 *    not repeat what the picture carries (no run of LEAK_RUN consecutive
 *    words of the rendered text in them).
 */
#include "exec_internal.h"
#include "tools.h"
#include "benchagent/alloc.h"
#include "benchagent/audio.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define LEAK_RUN 6
#define RENDER_MAX_WORDS 1500

/* Normalised words of s as a JSON array (new ref). */
static json_t *words_of(const char *s)
{
	char *n = ba_asr_normalize(s ? s : ""), *p = n;
	json_t *a = json_array();

	while (*p) {
		char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len)
			json_array_append_new(a, json_stringn(p, len));
		p += len;
		while (*p == ' ')
			p++;
	}
	free(n);
	return a;
}

/* Share of ref's words found in hyp, each hyp word used once. */
static double word_recall(const json_t *ref, const json_t *hyp)
{
	json_t *left = json_object(), *w;
	const char *k;
	size_t i, found = 0;

	json_array_foreach(hyp, i, w) {
		k = json_string_value(w);
		json_object_set_new(left, k, json_integer(ba_json_int(left, k, 0) + 1));
	}
	json_array_foreach(ref, i, w) {
		long n = ba_json_int(left, json_string_value(w), 0);
		if (n > 0) {
			found++;
			json_object_set_new(left, json_string_value(w), json_integer(n - 1));
		}
	}
	json_decref(left);
	return json_array_size(ref) ? (double)found / (double)json_array_size(ref) : 1.0;
}

/* The first run of LEAK_RUN words of ref that text holds (new string), or
 * NULL: the text repeats what the picture carries. */
static char *leaked_run(const json_t *ref, const char *text)
{
	char *t = ba_asr_normalize(text ? text : ""), *hay = ba_asprintf(" %s ", t), *hit = NULL;
	size_t i, j, n = json_array_size(ref);

	for (i = 0; i + LEAK_RUN <= n && !hit; i++) {
		ba_buf b = BA_BUF_INIT(4096);
		ba_buf_puts(&b, " ");
		for (j = 0; j < LEAK_RUN; j++)
			ba_buf_printf(&b, "%s ", json_string_value(json_array_get(ref, i + j)));
		if (strstr(hay, ba_buf_cstr(&b)))
			hit = ba_strdup(ba_buf_cstr(&b) + 1);
		ba_buf_free(&b);
	}
	free(hay);
	free(t);
	return hit;
}

/* The text to render for args.source (new string) and what it came from. */
static char *render_source(const json_t *args, const json_t *in, const char **from)
{
	const char *src = ba_json_str(args, "source", "context");
	const char *c = ba_json_str(in, "context", NULL), *q = ba_json_str(in, "question", "");

	if (!strcmp(src, "context") && !(c && *c))
		src = "question"; /* nothing else to show */
	*from = src;
	if (!strcmp(src, "context"))
		return ba_strdup(c);
	if (!strcmp(src, "question"))
		return ba_strdup(q);
	return c && *c ? ba_asprintf("%s\n\n%s", c, q) : ba_strdup(q);
}

/* cp1252 punctuation stored as C1 control characters (U+0080..U+009F,
 * common in news corpora: U+0092 for an apostrophe) -> what it meant;
 * the others are dropped (no font draws them). */
static const char *c1_char(unsigned char c)
{
	switch (c) {
	case 0x80: return "\xe2\x82\xac";
	case 0x85: return "\xe2\x80\xa6";
	case 0x91: return "\xe2\x80\x98";
	case 0x92: return "\xe2\x80\x99";
	case 0x93: return "\xe2\x80\x9c";
	case 0x94: return "\xe2\x80\x9d";
	case 0x95: return "\xe2\x80\xa2";
	case 0x96: return "\xe2\x80\x93";
	case 0x97: return "\xe2\x80\x94";
	default: return "";
	}
}

/* The five XML entities and &nbsp;, or NULL. *len gets the entity's. */
static const char *entity(const char *p, size_t *len)
{
	static const struct { const char *e, *c; } ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&apos;", "'" }, { "&#39;", "'" }, { "&nbsp;", " " },
	};
	size_t i;
	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (!strncmp(p, ents[i].e, strlen(ents[i].e))) {
			*len = strlen(ents[i].e);
			return ents[i].c;
		}
	return NULL;
}

/* What a reader of the text sees (new string): markup tags of a text
 * that holds some (a closing tag "</x>": news corpora keep <DOC ...>,
 * <P>, </TEXT>) removed and blank runs collapsed; entities decoded; C1
 * control characters mapped to the cp1252 punctuation they stand for. */
static char *display_text(const char *t)
{
	ba_buf b = BA_BUF_INIT(1 << 22);
	const char *p = t, *c;
	int markup = strstr(t, "</") != NULL, nl = 0;
	size_t n;

	while (*p) {
		const char *e;
		if (markup && *p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!') &&
		    (e = strchr(p, '>')) && e - p < 400 && !memchr(p + 1, '<', (size_t)(e - p - 1))) {
			p = e + 1;
			continue;
		}
		if (*p == '\n') {
			nl++;
			p++;
			continue;
		}
		if (nl && *p == ' ') {
			p++;
			continue;
		}
		if (nl && b.len)
			ba_buf_puts(&b, nl > 1 ? "\n\n" : "\n");
		nl = 0;
		if ((unsigned char)p[0] == 0xc2 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9f) {
			ba_buf_puts(&b, c1_char((unsigned char)p[1]));
			p += 2;
		} else if (*p == '&' && (c = entity(p, &n))) {
			ba_buf_puts(&b, c);
			p += n;
		} else {
			ba_buf_append(&b, p++, 1);
		}
	}
	return ba_buf_detach(&b);
}

/* A question written for the text beside it may hold the dataset's
 * placeholder for that text ("<<<raw_text>>>"): it now means the image. */
static void point_at_image(json_t *out)
{
	const char *q = ba_json_str(out, "question", ""), *a = strstr(q, "<<<"), *e;
	char *nq;

	if (!a || !(e = strstr(a, ">>>")) || e - a > 40)
		return;
	nq = ba_asprintf("%.*s[the text in the image]%s", (int)(a - q), q, e + 3);
	json_object_set_new(out, "question", json_string(nq));
	free(nq);
}

/* The item's text after rendering: the rendered part left out (unless
 * keep_text); the question points at the picture when it moved there. */
static void strip_rendered(json_t *out, const json_t *args, const char *from)
{
	if (ba_json_bool(args, "keep_text", 0))
		return;
	if (!strcmp(from, "context") || !strcmp(from, "both")) {
		json_object_del(out, "context");
		point_at_image(out);
	}
	if (!strcmp(from, "question") || !strcmp(from, "both"))
		json_object_set_new(out, "question", json_string("Read the text in the image and answer the question it asks."));
}

/* No leak: the question and options do not repeat the picture's text. */
static int check_leak(const json_t *out, const json_t *ref, ba_error *err)
{
	ba_buf b = BA_BUF_INIT(1 << 20);
	json_t *c;
	size_t i;
	char *hit;

	ba_buf_printf(&b, "%s\n", ba_json_str(out, "question", ""));
	json_array_foreach(json_object_get(out, "choices"), i, c)
		if (json_is_string(c))
			ba_buf_printf(&b, "%s\n", json_string_value(c));
	hit = leaked_run(ref, ba_buf_cstr(&b));
	ba_buf_free(&b);
	if (!hit)
		return 0;
	ba_error_set(err, BA_EINVAL, "tool render_text_image: the question or options repeat the "
		     "rendered text ('%.80s'): the image would not be needed", hit);
	free(hit);
	return BA_EINVAL;
}

/* Store the surface, read it back with OCR, and make the media entry
 * (new ref in *entry) with the recall. */
static int store_and_read(ba_tool_ctx *ctx, void *surface, const json_t *ref, const json_t *layout,
			  const json_t *args, const char *from, json_t **entry, ba_error *err)
{
	double min_recall = ba_json_num(args, "min_recall", 0.9), recall;
	char sha[65], *rel = NULL, *path, *text = NULL;
	json_t *hyp;
	int rc;

	if ((rc = ba_img_store_png(ctx->st, surface, sha, &rel, err)) != 0)
		return rc;
	path = ba_media_path(ctx->st, sha);
	rc = path ? ba_ocr_file(path, ba_json_num(args, "ocr_scale", 1), &text, err)
		  : ba_error_set(err, BA_ENOTFOUND, "the rendered image is missing from the store");
	free(path);
	if (rc != 0) {
		free(rel);
		return ba_error_prefix(err, "tool render_text_image: "), rc;
	}
	hyp = words_of(text);
	recall = word_recall(ref, hyp);
	json_decref(hyp);
	free(text);
	if (recall < min_recall) {
		free(rel);
		return ba_error_set(err, BA_EINVAL, "tool render_text_image: OCR reads %.0f%% of the %zu "
				    "rendered words (< %.0f%%): not legible", recall * 100,
				    json_array_size(ref), min_recall * 100);
	}
	*entry = json_pack("{s:s, s:s, s:s, s:s, s:O, s:O, s:{s:s, s:I, s:O}, s:{s:f, s:I, s:s}}", "type",
			   "image", "path", rel, "sha256", sha, "mime", "image/png", "width",
			   json_object_get(layout, "width"), "height", json_object_get(layout, "height"),
			   "rendered", "from", from, "words", (json_int_t)json_array_size(ref), "layout", layout,
			   "ocr", "recall", (double)(long)(recall * 10000 + 0.5) / 10000, "words",
			   (json_int_t)json_array_size(ref), "engine", "tesseract");
	free(rel);
	return 0;
}

int ba_tool_render_text_image(ba_tool_ctx *ctx, const json_t *args, const json_t *in, json_t **out,
			      ba_error *err)
{
	const char *from;
	char *text;
	void *surface = NULL;
	json_t *layout = NULL, *ref, *entry = NULL;
	int rc;

	*out = NULL;
	if (!ctx->st)
		return ba_error_set(err, BA_EINVAL, "tool render_text_image: needs the store for its media");
	{
		char *raw = render_source(args, in, &from);
		text = display_text(raw);
		free(raw);
	}
	ref = words_of(text);
	if (json_array_size(ref) == 0 || json_array_size(ref) > RENDER_MAX_WORDS) {
		rc = ba_error_set(err, BA_EINVAL, "tool render_text_image: the item's %s has %zu words "
				  "(1..%d can be rendered)", from, json_array_size(ref), RENDER_MAX_WORDS);
		goto done;
	}
	*out = json_deep_copy(in);
	strip_rendered(*out, args, from);
	if ((rc = check_leak(*out, ref, err)) != 0)
		goto done;
	rc = ba_render_text(text, (int)ba_json_int(args, "width", 900), ba_json_num(args, "font_size", 20),
			    &surface, &layout, err);
	if (rc != 0) {
		ba_error_prefix(err, "tool render_text_image: ");
		goto done;
	}
	if ((rc = store_and_read(ctx, surface, ref, layout, args, from, &entry, err)) != 0)
		goto done;
	if (!json_is_array(json_object_get(*out, "media")))
		json_object_set_new(*out, "media", json_array());
	json_array_append_new(json_object_get(*out, "media"), entry);
done:
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	ba_img_free(surface);
	json_decref(layout);
	json_decref(ref);
	free(text);
	return rc;
}
