/*
 * pages.c - the review pages and JSON API. Every piece of item, model or
 * annotator text goes through ba_html_escape (or a JSON encoder) before it
 * reaches a response.
 */
#include "web_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/export.h"
#include "benchagent/text.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char style[] =
	"<style>body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:1.5em auto;padding:0 1em;color:#222;overflow-wrap:break-word}"
	"table{border-collapse:collapse;width:100%}td.txt{overflow-wrap:anywhere}td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}"
	"pre{white-space:pre-wrap;background:#f6f6f6;padding:8px;border-radius:4px}.ok{color:#176f2c}.bad{color:#a11}"
	".correct{font-weight:bold;color:#176f2c}.box{border:1px solid #ccc;border-radius:6px;padding:10px;margin:10px 0}"
	"img{max-width:100%;border:1px solid #ccc}button{font-size:15px;padding:6px 16px;margin-right:8px}"
	".nav{display:flex;justify-content:space-between}.skip{color:#666}.keys{color:#666;font-size:13px}"
	"#items td:nth-child(2){white-space:nowrap}form.filters{margin:8px 0}form.filters label{margin-right:12px}details>summary{cursor:pointer;color:#1f5fbf}</style>";

/* Append escaped text (the one escaper, benchagent/html.h). */
static void put_esc(ba_buf *b, const char *s)
{
	ba_html_put(b, s ? s : "");
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

static void head(ba_buf *b, ba_review_server *srv, const char *title, const char *keys)
{
	ba_buf_puts(b, "<!doctype html><html><head><meta charset=utf-8><title>");
	put_esc(b, title);
	ba_buf_puts(b, "</title>");
	ba_buf_puts(b, style);
	ba_buf_printf(b, "</head><body data-keys=\"%s\"><p><a href=\"/\">", keys);
	put_esc(b, srv->bench);
	ba_buf_puts(b, "</a> &middot; review &middot; <a href=\"/report\">report</a></p>");
}

/* The pages' one script (keys, filters), from this server (CSP script-src 'self'). */
static void finish(ba_web_resp *resp, ba_buf *b)
{
	ba_buf_puts(b, "<script src=\"/page.js\"></script></body></html>\n");
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

/* At most max bytes of s, cut at a word boundary (never inside a word or
 * a UTF-8 sequence), with an ellipsis when shortened. Caller frees. */
static char *snippet(const char *s, size_t max)
{
	size_t n = strlen(s), cut, k;
	char *out;

	if (n <= max)
		return ba_strdup(s);
	cut = max;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	for (k = cut; k > max / 2; k--)
		if (s[k] == ' ' || s[k] == '\n' || s[k] == '\t')
			break;
	if (k > max / 2)
		cut = k;
	while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == '\n'))
		cut--;
	out = ba_malloc(cut + 4);
	memcpy(out, s, cut);
	memcpy(out + cut, "\xE2\x80\xA6", 4);
	return out;
}

static int checked(ba_web_req *req, const char *name)
{
	const char *v = ba_web_arg(req, name);
	return v && *v && strcmp(v, "0");
}

/* The filter form of the index: subtask, unreviewed (by this annotator),
 * flagged (result flags or a failed check), disagreement (accept and
 * reject both given). A plain GET form: works without script. */
static void filter_form(ba_buf *b, ba_web_req *req, const char *ann)
{
	ba_review_server *srv = req->srv;
	const char *sub = ba_web_arg(req, "subtask");
	json_t *seen = json_object(), *it;
	size_t i;

	ba_buf_puts(b, "<form class=filters method=get action=\"/\"><input type=hidden name=annotator value=\"");
	put_esc(b, ann);
	ba_buf_puts(b, "\"><label>subtask <select name=subtask><option value=\"\">all</option>");
	json_array_foreach(srv->items, i, it) {
		const char *st = ba_json_str(it, "subtask", "");
		if (json_object_get(seen, st))
			continue;
		json_object_set_new(seen, st, json_true());
		ba_buf_printf(b, "<option%s>", sub && !strcmp(sub, st) ? " selected" : "");
		put_esc(b, st);
		ba_buf_puts(b, "</option>");
	}
	ba_buf_printf(b, "</select></label><label><input type=checkbox name=unreviewed value=1%s> unreviewed by me</label>"
			 "<label><input type=checkbox name=flagged value=1%s> flagged</label>"
			 "<label><input type=checkbox name=disagreement value=1%s> disagreement</label><button>filter</button></form>",
		      checked(req, "unreviewed") ? " checked" : "", checked(req, "flagged") ? " checked" : "",
		      checked(req, "disagreement") ? " checked" : "");
	json_decref(seen);
}

int ba_web_index(ba_web_req *req, ba_web_resp *resp)
{
	ba_review_server *srv = req->srv;
	ba_buf b = BA_BUF_INIT((size_t)256 << 20);
	json_t *stats = ba_review_stats(srv->st, srv->bench, json_array_size(srv->items)), *it;
	const char *ann = annotator_of(req), *sub = ba_web_arg(req, "subtask");
	int f_unrev = checked(req, "unreviewed"), f_flag = checked(req, "flagged"), f_dis = checked(req, "disagreement");
	unsigned *flags = ba_web_item_flags(srv);
	char rate[32], kappa[32];
	size_t i, shown = 0;

	head(&b, srv, srv->bench, "");
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
	filter_form(&b, req, ann);
	ba_buf_puts(&b, "<table id=items><tr><th>#</th><th>id</th><th>subtask</th><th>type</th><th>question</th><th>accept/reject</th><th>yours</th></tr>");
	json_array_foreach(srv->items, i, it) {
		const char *id = ba_json_str(it, "id", "");
		char *q;
		int na, nr;
		char *mine;

		if (sub && *sub && strcmp(sub, ba_json_str(it, "subtask", "")))
			continue;
		if (f_flag && !flags[i])
			continue;
		mine = verdict_of(srv, id, ann, &na, &nr);
		if ((f_unrev && mine) || (f_dis && !(na > 0 && nr > 0))) {
			free(mine);
			continue;
		}
		shown++;
		q = snippet(ba_json_str(it, "question", ""), 150);
		ba_buf_printf(&b, "<tr><td>%zu</td><td><a href=\"/item?id=", i + 1);
		put_url(&b, id);
		ba_buf_puts(&b, "&amp;annotator=");
		put_url(&b, ann);
		ba_buf_puts(&b, "\">");
		put_esc(&b, id);
		ba_buf_puts(&b, "</a>");
		if (flags[i])
			ba_buf_printf(&b, " <span class=bad title=\"%s%s%s%s\">&#9873;</span>", flags[i] & 1 ? "solved by all; " : "",
				      flags[i] & 2 ? "solved by none; " : "", flags[i] & 4 ? "negative discrimination; " : "",
				      flags[i] & 8 ? "a check failed" : "");
		ba_buf_puts(&b, "</td><td>");
		put_esc(&b, ba_json_str(it, "subtask", ""));
		ba_buf_puts(&b, "</td><td>");
		put_esc(&b, ba_json_str(it, "answer_type", ""));
		ba_buf_puts(&b, "</td><td class=txt>");
		put_esc(&b, q);
		ba_buf_printf(&b, "</td><td>%d / %d</td><td class=\"%s\">", na, nr,
			      mine ? (!strcmp(mine, "accept") ? "ok" : "bad") : "");
		put_esc(&b, mine ? mine : "");
		ba_buf_puts(&b, "</td></tr>");
		free(mine);
		free(q);
	}
	ba_buf_printf(&b, "</table><p id=shown>%zu of %zu items shown</p>", shown, json_array_size(srv->items));
	free(flags);
	json_decref(stats);
	finish(resp, &b);
	return 0;
}

static void item_link(ba_buf *b, ba_review_server *srv, size_t pos, const char *ann, const char *label,
		      const char *elid)
{
	json_t *it = json_array_get(srv->items, pos);
	if (!it) {
		ba_buf_puts(b, "<span></span>");
		return;
	}
	ba_buf_printf(b, "<a id=\"%s\" href=\"/item?id=", elid);
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
	ba_buf_puts(b, "</td><td class=txt>");
	put_esc(b, comment);
	ba_buf_puts(b, "</td></tr>");
	return 0;
}

/* An item's images and audio, each served by /media/ (ba_web_media, which
 * keeps to the benchmark's media folder). */
static void put_media(ba_buf *b, const json_t *media)
{
	json_t *m;
	size_t i;

	json_array_foreach(media, i, m) {
		const char *path = ba_json_str(m, "path", "");
		int audio = !strcmp(ba_json_str(m, "type", ""), "audio");
		if (!ba_path_is_safe(path))
			continue;
		ba_buf_puts(b, audio ? "<p><audio controls preload=metadata class=media src=\"/"
				     : "<p><img alt=\"item image\" src=\"/");
		put_esc(b, path);
		ba_buf_puts(b, audio ? "\">audio: <a href=\"/" : "\"></p>");
		if (audio) {
			put_esc(b, path);
			ba_buf_puts(b, "\">download</a></audio></p>");
		}
	}
}

int ba_web_item(ba_web_req *req, ba_web_resp *resp)
{
	ba_review_server *srv = req->srv;
	const char *id = ba_web_arg(req, "id"), *ann = annotator_of(req);
	json_t *pos = id ? json_object_get(srv->index, id) : NULL, *it, *choices, *qc, *v;
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
	head(&b, srv, id, "review");
	ba_buf_puts(&b, "<div class=nav>");
	item_link(&b, srv, p - 1, ann, "&larr; previous", "lnk-prev");
	ba_buf_printf(&b, "<span>item %zu of %zu</span>", p + 1, json_array_size(srv->items));
	item_link(&b, srv, p + 1, ann, "next &rarr;", "lnk-next");
	ba_buf_puts(&b, "</div><h2>");
	put_esc(&b, id);
	ba_buf_puts(&b, "</h2><p>subtask <b>");
	put_esc(&b, ba_json_str(it, "subtask", ""));
	ba_buf_puts(&b, "</b> &middot; answer type <b>");
	put_esc(&b, ba_json_str(it, "answer_type", ""));
	ba_buf_printf(&b, "</b> &middot; difficulty <b>%lld</b></p>", ba_json_int(it, "difficulty", 0));
	if (ba_json_str(it, "context", NULL)) {
		const char *ctx = ba_json_str(it, "context", "");
		size_t n = strlen(ctx);
		/* a long context is collapsed: the question stays on screen */
		if (n > 800)
			ba_buf_printf(&b, "<h3>Context</h3><details id=context><summary>%zu characters (show)</summary><pre>", n);
		else
			ba_buf_puts(&b, "<h3>Context</h3><pre>");
		put_esc(&b, ctx);
		ba_buf_puts(&b, n > 800 ? "</pre></details>" : "</pre>");
	}
	put_media(&b, json_object_get(it, "media"));
	ba_buf_puts(&b, "<h3>Question</h3><pre>");
	put_esc(&b, ba_json_str(it, "question", ""));
	ba_buf_puts(&b, "</pre>");
	choices = json_object_get(it, "choices");
	if (json_array_size(choices)) {
		idx = ba_export_answer_index(it);
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
			"<button id=btn-accept name=verdict value=accept>Accept</button><button id=btn-reject name=verdict value=reject>Reject</button>"
			"</form><p class=keys>keys: <b>a</b> accept, <b>r</b> reject, <b>n</b>/<b>j</b> next, <b>p</b>/<b>k</b> previous</p></div>");
	ba_buf_puts(&b, "<p><a id=lnk-transcripts href=\"/report/transcripts?id=");
	put_url(&b, id);
	ba_buf_puts(&b, "\">model answers to this item (transcripts)</a></p>");

	qc = json_object_get(it, "qc");
	if (json_object_size(qc)) {
		ba_buf_puts(&b, "<h3>Checks</h3><table><tr><th>check</th><th>verdict</th><th>reason</th></tr>");
		json_object_foreach(qc, k, v) {
			const char *verdict = json_is_object(v) ? ba_json_str(v, "verdict", "") : (json_is_string(v) ? json_string_value(v) : "");
			ba_buf_puts(&b, "<tr><td>");
			put_esc(&b, k);
			/* only a failure is bad: a skipped check (not applicable) is neutral */
			ba_buf_printf(&b, "</td><td class=\"%s\">",
				      !strcmp(verdict, "pass") ? "ok" : !strcmp(verdict, "fail") ? "bad" : "skip");
			put_esc(&b, !strcmp(verdict, "skip") ? "skipped (not applicable)" : verdict);
			ba_buf_puts(&b, "</td><td class=txt>");
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
	if (!strcmp(dot, ".mp3")) return "audio/mpeg";
	return "application/octet-stream";
}

/* The real path of media/<rel> when it is a file inside the benchmark's
 * media folder reached without any symlink (the resolved path equals the
 * folder's resolved path plus rel), else NULL. Caller frees. */
static char *media_file(const char *bench_dir, const char *rel)
{
	char *dir = ba_path_join(bench_dir, "media"), *root = realpath(dir, NULL), *want, *real = NULL;

	free(dir);
	if (!root)
		return NULL;
	want = ba_path_join(root, rel);
	if (ba_fs_rel_inside(root, rel, &real, NULL) != 0 || strcmp(real, want)) {
		free(real);
		real = NULL;
	}
	free(want);
	free(root);
	return real;
}

int ba_web_media(ba_web_req *req, ba_web_resp *resp)
{
	const char *rel = req->url + 1; /* "media/..." */
	char *real = NULL;
	ba_buf b = BA_BUF_INIT((size_t)64 << 20);

	if (!ba_path_is_safe(rel) || strncmp(rel, "media/", 6)) {
		ba_web_error(resp, 400, "bad media path");
		return 0;
	}
	if (!(real = media_file(req->srv->bench_dir, rel + 6)) || ba_fs_read(real, &b, NULL) != 0) {
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
