/*
 * pages.c - the review pages and JSON API. Every piece of item, model or
 * annotator text goes through ba_html_escape (or a JSON encoder) before it
 * reaches a response.
 */
#include "web_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/text.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char style[] =
	"<style>body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:1.5em auto;padding:0 1em;color:#222}"
	"table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}"
	"pre{white-space:pre-wrap;background:#f6f6f6;padding:8px;border-radius:4px}.ok{color:#176f2c}.bad{color:#a11}"
	".correct{font-weight:bold;color:#176f2c}.box{border:1px solid #ccc;border-radius:6px;padding:10px;margin:10px 0}"
	"img{max-width:100%;border:1px solid #ccc}button{font-size:15px;padding:6px 16px;margin-right:8px}"
	".nav{display:flex;justify-content:space-between}</style>";

/* Append escaped text. */
static void put_esc(ba_buf *b, const char *s)
{
	char *e = ba_html_escape(s ? s : "");
	ba_buf_puts(b, e);
	free(e);
}

/* Append a query-string-safe value (percent-encoded). */
static void put_url(ba_buf *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			ba_buf_append(b, s, 1);
		else
			ba_buf_printf(b, "%%%c%c", hx[c >> 4], hx[c & 15]);
	}
}

static void put_json_pre(ba_buf *b, const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY);
	ba_buf_puts(b, "<pre>");
	put_esc(b, s ? s : "null");
	ba_buf_puts(b, "</pre>");
	free(s);
}

static const char *annotator_of(ba_web_req *req)
{
	const char *a = ba_web_arg(req, "annotator");
	return a && *a ? a : req->srv->annotator;
}

static void head(ba_buf *b, ba_review_server *srv, const char *title)
{
	ba_buf_puts(b, "<!doctype html><html><head><meta charset=utf-8><title>");
	put_esc(b, title);
	ba_buf_puts(b, "</title>");
	ba_buf_puts(b, style);
	ba_buf_puts(b, "</head><body><p><a href=\"/\">");
	put_esc(b, srv->bench);
	ba_buf_puts(b, "</a> &middot; review</p>");
}

static void finish(ba_web_resp *resp, ba_buf *b)
{
	ba_buf_puts(b, "</body></html>\n");
	resp->status = 200;
	resp->type = "text/html; charset=utf-8";
	resp->len = b->len;
	resp->body = ba_buf_detach(b);
}

static void fmt_num(char *out, size_t n, const json_t *v, const char *fmt)
{
	if (json_is_number(v))
		snprintf(out, n, fmt, ba_text_snap(json_number_value(v))); /* no "-0.000" */
	else
		snprintf(out, n, "-");
}

struct verdict_ctx {
	const char *ann;
	char *mine;
	int *n_acc, *n_rej;
};

static int count_verdict(void *ud, const char *item, const char *a, const char *v, const char *comment)
{
	struct verdict_ctx *c = ud;

	(void)item;
	(void)comment;
	if (!strcmp(v, "accept"))
		(*c->n_acc)++;
	else
		(*c->n_rej)++;
	if (c->ann && !strcmp(a, c->ann)) {
		free(c->mine);
		c->mine = ba_strdup(v);
	}
	return 0;
}

/* verdict of one annotator for an item, or NULL (free it) */
static char *verdict_of(ba_review_server *srv, const char *item, const char *ann, int *n_acc, int *n_rej)
{
	struct verdict_ctx c = { ann, NULL, n_acc, n_rej };

	*n_acc = *n_rej = 0;
	ba_verdict_foreach(srv->st, srv->bench, item, count_verdict, &c, NULL);
	return c.mine;
}

int ba_web_index(ba_web_req *req, ba_web_resp *resp)
{
	ba_review_server *srv = req->srv;
	ba_buf b = BA_BUF_INIT((size_t)256 << 20);
	json_t *stats = ba_review_stats(srv->st, srv->bench, json_array_size(srv->items)), *it;
	const char *ann = annotator_of(req);
	char rate[32], kappa[32];
	size_t i;

	head(&b, srv, srv->bench);
	fmt_num(rate, sizeof(rate), json_object_get(stats, "acceptance_rate"), "%.3f");
	fmt_num(kappa, sizeof(kappa), ba_json_path(stats, "agreement.fleiss_kappa"), "%.3f");
	ba_buf_puts(&b, "<h1>");
	put_esc(&b, srv->bench);
	ba_buf_printf(&b, "</h1><p>%lld items &middot; %lld reviewed &middot; %lld verdicts &middot; acceptance rate <b>%s</b>"
			  " &middot; Fleiss&#39; kappa <b>%s</b> over %lld items with 2+ annotators &middot; <a href=\"/api/stats\">stats JSON</a></p>",
		      ba_json_int(stats, "items", 0), ba_json_int(stats, "reviewed", 0), ba_json_int(stats, "verdicts", 0),
		      rate, kappa, (long long)json_integer_value(ba_json_path(stats, "agreement.items_multi")));
	ba_buf_puts(&b, "<form method=get action=\"/\">Annotator: <input name=annotator value=\"");
	put_esc(&b, ann);
	ba_buf_puts(&b, "\"> <button>set</button></form>");
	ba_buf_puts(&b, "<table><tr><th>#</th><th>id</th><th>subtask</th><th>type</th><th>question</th><th>accept/reject</th><th>yours</th></tr>");
	json_array_foreach(srv->items, i, it) {
		const char *id = ba_json_str(it, "id", "");
		char q[160];
		int na, nr;
		char *mine = verdict_of(srv, id, ann, &na, &nr);

		snprintf(q, sizeof(q), "%s", ba_json_str(it, "question", ""));
		ba_buf_printf(&b, "<tr><td>%zu</td><td><a href=\"/item?id=", i + 1);
		put_url(&b, id);
		ba_buf_puts(&b, "&amp;annotator=");
		put_url(&b, ann);
		ba_buf_puts(&b, "\">");
		put_esc(&b, id);
		ba_buf_puts(&b, "</a></td><td>");
		put_esc(&b, ba_json_str(it, "subtask", ""));
		ba_buf_puts(&b, "</td><td>");
		put_esc(&b, ba_json_str(it, "answer_type", ""));
		ba_buf_puts(&b, "</td><td>");
		put_esc(&b, q);
		ba_buf_printf(&b, "</td><td>%d / %d</td><td class=\"%s\">", na, nr,
			      mine ? (!strcmp(mine, "accept") ? "ok" : "bad") : "");
		put_esc(&b, mine ? mine : "");
		ba_buf_puts(&b, "</td></tr>");
		free(mine);
	}
	ba_buf_puts(&b, "</table>");
	json_decref(stats);
	finish(resp, &b);
	return 0;
}

static void item_link(ba_buf *b, ba_review_server *srv, size_t pos, const char *ann, const char *label)
{
	json_t *it = json_array_get(srv->items, pos);
	if (!it) {
		ba_buf_puts(b, "<span></span>");
		return;
	}
	ba_buf_puts(b, "<a href=\"/item?id=");
	put_url(b, ba_json_str(it, "id", ""));
	ba_buf_puts(b, "&amp;annotator=");
	put_url(b, ann);
	ba_buf_printf(b, "\">%s</a>", label);
}

/* one row of an item's review table */
static int review_row(void *ud, const char *item, const char *annotator, const char *verdict,
		      const char *comment)
{
	ba_buf *b = ud;

	(void)item;
	ba_buf_puts(b, "<tr><td>");
	put_esc(b, annotator);
	ba_buf_printf(b, "</td><td class=\"%s\">", !strcmp(verdict, "accept") ? "ok" : "bad");
	put_esc(b, verdict);
	ba_buf_puts(b, "</td><td>");
	put_esc(b, comment);
	ba_buf_puts(b, "</td></tr>");
	return 0;
}

int ba_web_item(ba_web_req *req, ba_web_resp *resp)
{
	ba_review_server *srv = req->srv;
	const char *id = ba_web_arg(req, "id"), *ann = annotator_of(req);
	json_t *pos = id ? json_object_get(srv->index, id) : NULL, *it, *choices, *media, *m, *qc, *v;
	ba_buf b = BA_BUF_INIT((size_t)256 << 20);
	size_t i, p;
	int idx = -1;
	const char *k;

	if (!pos) {
		ba_web_error(resp, 404, "no item with that id");
		return 0;
	}
	p = (size_t)json_integer_value(pos);
	it = json_array_get(srv->items, p);
	head(&b, srv, id);
	ba_buf_puts(&b, "<div class=nav>");
	item_link(&b, srv, p - 1, ann, "&larr; previous");
	ba_buf_printf(&b, "<span>item %zu of %zu</span>", p + 1, json_array_size(srv->items));
	item_link(&b, srv, p + 1, ann, "next &rarr;");
	ba_buf_puts(&b, "</div><h2>");
	put_esc(&b, id);
	ba_buf_puts(&b, "</h2><p>subtask <b>");
	put_esc(&b, ba_json_str(it, "subtask", ""));
	ba_buf_puts(&b, "</b> &middot; answer type <b>");
	put_esc(&b, ba_json_str(it, "answer_type", ""));
	ba_buf_printf(&b, "</b> &middot; difficulty <b>%lld</b></p>", ba_json_int(it, "difficulty", 0));
	if (ba_json_str(it, "context", NULL)) {
		ba_buf_puts(&b, "<h3>Context</h3><pre>");
		put_esc(&b, ba_json_str(it, "context", ""));
		ba_buf_puts(&b, "</pre>");
	}
	media = json_object_get(it, "media");
	json_array_foreach(media, i, m) {
		const char *path = ba_json_str(m, "path", "");
		if (!ba_path_is_safe(path))
			continue;
		ba_buf_puts(&b, "<p><img alt=\"item image\" src=\"/");
		put_esc(&b, path);
		ba_buf_puts(&b, "\"></p>");
	}
	ba_buf_puts(&b, "<h3>Question</h3><pre>");
	put_esc(&b, ba_json_str(it, "question", ""));
	ba_buf_puts(&b, "</pre>");
	choices = json_object_get(it, "choices");
	if (json_array_size(choices)) {
		const char *a = ba_json_str(it, "answer", "");
		if (a[0] >= 'A' && a[0] <= 'Z' && a[1] == '\0')
			idx = a[0] - 'A';
		ba_buf_puts(&b, "<ol type=A>");
		json_array_foreach(choices, i, v) {
			ba_buf_printf(&b, "<li%s>", (int)i == idx ? " class=correct" : "");
			put_esc(&b, json_is_string(v) ? json_string_value(v) : "");
			ba_buf_puts(&b, (int)i == idx ? " &#10003;</li>" : "</li>");
		}
		ba_buf_puts(&b, "</ol>");
	}
	ba_buf_puts(&b, "<h3>Answer</h3><pre>");
	{
		json_t *ans = json_object_get(it, "answer");
		char *s = json_is_string(ans) ? ba_strdup(json_string_value(ans)) : json_dumps(ans, JSON_ENCODE_ANY);
		put_esc(&b, s ? s : "");
		free(s);
	}
	ba_buf_puts(&b, "</pre>");
	if (ba_json_str(it, "explanation", NULL)) {
		ba_buf_puts(&b, "<h3>Explanation</h3><pre>");
		put_esc(&b, ba_json_str(it, "explanation", ""));
		ba_buf_puts(&b, "</pre>");
	}

	ba_buf_puts(&b, "<div class=box><form method=post action=\"/review\"><input type=hidden name=id value=\"");
	put_esc(&b, id);
	ba_buf_puts(&b, "\">Annotator <input name=annotator required maxlength=64 value=\"");
	put_esc(&b, ann);
	ba_buf_puts(&b, "\"><br>Comment<br><textarea name=comment rows=2 cols=70 maxlength=4000></textarea><br>"
			"<button name=verdict value=accept>Accept</button><button name=verdict value=reject>Reject</button></form></div>");

	qc = json_object_get(it, "qc");
	if (json_object_size(qc)) {
		ba_buf_puts(&b, "<h3>Checks</h3><table><tr><th>check</th><th>verdict</th><th>reason</th></tr>");
		json_object_foreach(qc, k, v) {
			const char *verdict = json_is_object(v) ? ba_json_str(v, "verdict", "") : (json_is_string(v) ? json_string_value(v) : "");
			ba_buf_puts(&b, "<tr><td>");
			put_esc(&b, k);
			ba_buf_printf(&b, "</td><td class=\"%s\">", !strcmp(verdict, "pass") ? "ok" : "bad");
			put_esc(&b, verdict);
			ba_buf_puts(&b, "</td><td>");
			put_esc(&b, json_is_object(v) ? ba_json_str(v, "reason", "") : "");
			ba_buf_puts(&b, "</td></tr>");
		}
		ba_buf_puts(&b, "</table>");
	}
	ba_buf_puts(&b, "<h3>Source</h3>");
	put_json_pre(&b, json_object_get(it, "source"));
	ba_buf_puts(&b, "<h3>Provenance</h3>");
	put_json_pre(&b, json_object_get(it, "provenance"));

	ba_buf_puts(&b, "<h3>Reviews</h3><table><tr><th>annotator</th><th>verdict</th><th>comment</th></tr>");
	ba_verdict_foreach(srv->st, srv->bench, id, review_row, &b, NULL);
	ba_buf_puts(&b, "</table>");
	finish(resp, &b);
	return 0;
}

int ba_web_post_review(ba_web_req *req, ba_web_resp *resp)
{
	ba_review_server *srv = req->srv;
	const char *id = ba_json_str(req->form, "id", NULL), *verdict = ba_json_str(req->form, "verdict", NULL);
	const char *ann = ba_json_str(req->form, "annotator", NULL), *comment = ba_json_str(req->form, "comment", "");
	json_t *pos = id ? json_object_get(srv->index, id) : NULL, *next;
	ba_error err = BA_ERROR_INIT;
	ba_buf loc = BA_BUF_INIT(4096);

	if (!pos) {
		ba_web_error(resp, 400, "form field 'id' names no item of this benchmark");
		return 0;
	}
	if (!verdict || !ann) {
		ba_web_error(resp, 400, "form needs 'verdict' and 'annotator'");
		return 0;
	}
	if (ba_review_put(srv->st, srv->bench, id, ann, verdict, comment, &err) != 0) {
		ba_web_error(resp, err.code == BA_EINVAL ? 400 : 500, err.msg);
		return 0;
	}
	next = json_array_get(srv->items, (size_t)json_integer_value(pos) + 1);
	if (next) {
		ba_buf_puts(&loc, "/item?id=");
		put_url(&loc, ba_json_str(next, "id", ""));
		ba_buf_puts(&loc, "&annotator=");
	} else {
		ba_buf_puts(&loc, "/?annotator=");
	}
	put_url(&loc, ann);
	resp->location = ba_buf_detach(&loc);
	ba_web_text(resp, 303, "text/plain", ba_strdup("saved\n"));
	return 0;
}

static void json_resp(ba_web_resp *resp, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	ba_web_text(resp, 200, "application/json", s ? s : ba_strdup("null"));
	json_decref(j);
}

int ba_web_api_stats(ba_web_req *req, ba_web_resp *resp)
{
	json_t *s = ba_review_stats(req->srv->st, req->srv->bench, json_array_size(req->srv->items));
	json_object_set_new(s, "bench", json_string(req->srv->bench));
	json_resp(resp, s);
	return 0;
}

int ba_web_api_items(ba_web_req *req, ba_web_resp *resp)
{
	json_resp(resp, json_incref(req->srv->items));
	return 0;
}

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot) return "application/octet-stream";
	if (!strcmp(dot, ".png")) return "image/png";
	if (!strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg")) return "image/jpeg";
	if (!strcmp(dot, ".gif")) return "image/gif";
	if (!strcmp(dot, ".webp")) return "image/webp";
	if (!strcmp(dot, ".wav")) return "audio/wav";
	return "application/octet-stream";
}

int ba_web_media(ba_web_req *req, ba_web_resp *resp)
{
	const char *rel = req->url + 1; /* "media/..." */
	char *real = NULL;
	ba_buf b = BA_BUF_INIT((size_t)64 << 20);

	if (!ba_path_is_safe(rel)) {
		ba_web_error(resp, 400, "bad media path");
		return 0;
	}
	if (ba_fs_rel_inside(req->srv->bench_dir, rel, &real, NULL) != 0 || ba_fs_read(real, &b, NULL) != 0) {
		free(real);
		ba_buf_free(&b);
		ba_web_error(resp, 404, "no such media file");
		return 0;
	}
	resp->status = 200;
	resp->type = mime_of(real);
	resp->len = b.len;
	resp->body = ba_buf_detach(&b);
	free(real);
	return 0;
}
