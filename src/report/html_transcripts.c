/*
 * html_transcripts.c - the Transcripts section. The report (file and
 * /report) holds every included transcript as data (tx_data.c) that the
 * page's script shows, a page of items at a time, with filters over all of
 * them. One item's page (/report/transcripts?id=ID) is written here as
 * HTML: for every model and sample, the exact messages the gateway sent
 * (read back from the call log, images shown from their data URLs, audio
 * as a player of the item's file whose SHA-256 the stored request names),
 * the raw reply, the extracted answer, the score and the judge's rationale;
 * its filters (model, outcome) run in the page's script, without it
 * everything shows.
 */
#include "report_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/fs.h"
#include "benchagent/sha256.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	ba_buf *b;
	const ba_report_opts *o;
	const json_t *index;     /* item id -> position */
	const json_t *items;
	const json_t *flags;     /* id -> 1 */
	char *cur;               /* item being written */
	json_t *cur_msgs;        /* its messages (first row's) */
	char *cur_req;           /* the first row's request text */
	size_t shown, rows;
} tx_ctx;

/* The "messages" member of a canonical request (keys sorted: it ends where
 * "model" begins); 0 when not found. */
static int messages_span(const char *req, const char **at, size_t *n)
{
	const char *a = strstr(req, "\"messages\":"), *e = a ? strstr(a, "],\"model\":") : NULL;

	if (!a || !e)
		return 0;
	*at = a;
	*n = (size_t)(e - a);
	return 1;
}

static int same_messages(const char *r1, const char *r2)
{
	const char *a, *b;
	size_t na, nb;

	return r1 && messages_span(r1, &a, &na) && messages_span(r2, &b, &nb) && na == nb && !memcmp(a, b, na);
}

/* An input_audio part: a player for the audio sent, or what is known of it. */
static void put_audio(const tx_ctx *c, const json_t *part)
{
	const json_t *ia = json_object_get(part, "input_audio");
	const json_t *it = json_array_get(c->items, (size_t)json_integer_value(json_object_get(c->index, c->cur)));
	char *url = ba_rep_sent_audio_url(c->o->bench_dir, it, ia);

	if (url) {
		ba_buf_puts(c->b, "<p><audio controls preload=metadata class=media src=\"");
		ba_rep_esc(c->b, url);
		ba_buf_puts(c->b, "\">audio sent</audio></p>");
		free(url);
		return;
	}
	ba_buf_puts(c->b, "<p class=mut>[audio sent");
	if (json_is_integer(json_object_get(ia, "bytes")))
		ba_buf_printf(c->b, ": %lld bytes", (long long)json_integer_value(json_object_get(ia, "bytes")));
	ba_buf_puts(c->b, ", sha256 ");
	ba_rep_esc(c->b, ba_json_str(ia, "sha256", "?"));
	ba_buf_puts(c->b, "; not shown: no such file among the item's media]</p>");
}

static void put_messages(const tx_ctx *c, const json_t *msgs)
{
	ba_buf *b = c->b;
	json_t *m, *part;
	size_t i, j;

	ba_buf_puts(b, "<details class=msgs><summary>messages sent</summary>");
	json_array_foreach(msgs, i, m) {
		json_t *content = json_object_get(m, "content");
		ba_buf_puts(b, "<div><b>");
		ba_rep_esc(b, ba_json_str(m, "role", "?"));
		ba_buf_puts(b, "</b>");
		if (json_is_string(content)) {
			ba_buf_puts(b, "<pre>");
			ba_rep_esc(b, json_string_value(content));
			ba_buf_puts(b, "</pre>");
		}
		json_array_foreach(json_is_array(content) ? content : NULL, j, part) {
			const char *type = ba_json_str(part, "type", "");
			if (!strcmp(type, "text")) {
				ba_buf_puts(b, "<pre>");
				ba_rep_esc(b, ba_json_str(part, "text", ""));
				ba_buf_puts(b, "</pre>");
			} else if (!strcmp(type, "image_url")) {
				const char *u = ba_json_str(json_object_get(part, "image_url"), "url", "");
				if (ba_rep_image_url_ok(u)) {
					ba_buf_puts(b, "<p><img class=media alt=\"image sent\" src=\"");
					ba_rep_esc(b, u);
					ba_buf_puts(b, "\"></p>");
				} else {
					ba_buf_puts(b, "<p class=mut>[image not shown: not an inline base64 image]</p>");
				}
			} else if (!strcmp(type, "input_audio")) {
				put_audio(c, part);
			} else {
				ba_buf_puts(b, "<p class=mut>[");
				ba_rep_esc(b, type);
				ba_buf_puts(b, " part]</p>");
			}
		}
		ba_buf_puts(b, "</div>");
	}
	ba_buf_puts(b, "</details>");
}

static void close_item(tx_ctx *c)
{
	if (!c->cur)
		return;
	ba_buf_puts(c->b, "</div>");
	free(c->cur);
	c->cur = NULL;
	json_decref(c->cur_msgs);
	c->cur_msgs = NULL;
	free(c->cur_req);
	c->cur_req = NULL;
}

static void open_item(tx_ctx *c, const char *id)
{
	json_t *pos = json_object_get(c->index, id);
	const json_t *it = json_array_get(c->items, (size_t)json_integer_value(pos));
	json_t *ans = json_object_get(it, "answer");
	char *as;

	c->cur = ba_strdup(id);
	c->shown++;
	ba_buf_puts(c->b, "<div class=tx id=\"t-");
	ba_rep_esc(c->b, id);
	ba_buf_puts(c->b, "\" data-subtask=\"");
	ba_rep_esc(c->b, ba_json_str(it, "subtask", ""));
	ba_buf_printf(c->b, "\" data-flagged=\"%d\"><h3>", json_object_get(c->flags, id) ? 1 : 0);
	ba_rep_esc(c->b, id);
	ba_buf_puts(c->b, "</h3><div class=mut>subtask ");
	ba_rep_esc(c->b, ba_json_str(it, "subtask", ""));
	ba_buf_puts(c->b, " &middot; answer <b>");
	as = json_is_string(ans) ? ba_strdup(json_string_value(ans)) : json_dumps(ans, JSON_ENCODE_ANY);
	ba_rep_esc(c->b, as);
	free(as);
	ba_buf_puts(c->b, "</b>");
	if (json_object_get(c->flags, id))
		ba_buf_puts(c->b, " <span class=\"badge warn\">flagged</span>");
	if (c->o->served) {
		ba_buf_puts(c->b, " &middot; ");
		ba_buf_puts(c->b, "<a href=\"/item?id=");
		ba_rep_url(c->b, id);
		ba_buf_puts(c->b, "\">review page</a>");
	}
	ba_buf_puts(c->b, "</div><div class=txq>");
	ba_rep_esc(c->b, ba_json_str(it, "question", ""));
	ba_buf_puts(c->b, "</div>");
}

static int tx_row(void *ud, const ba_result_row *r, const char *request)
{
	tx_ctx *c = ud;
	const char *outcome;
	json_t *req = NULL, *msgs;

	/* rows come for the included items only (ba_result_foreach_item) */
	if (!c->cur || strcmp(c->cur, r->item)) {
		close_item(c);
		open_item(c, r->item);
	}
	c->rows++;
	/* the messages of an item are the same for every model (only the
	 * model name differs): parse the request only when its messages
	 * text differs from the item's first one */
	if (request && !(c->cur_msgs && same_messages(c->cur_req, request)))
		req = json_loads(request, 0, NULL);
	msgs = req ? json_object_get(req, "messages") : request && c->cur_msgs ? c->cur_msgs : NULL;
	if (msgs && !c->cur_msgs) {
		c->cur_msgs = json_incref(msgs);
		free(c->cur_req);
		c->cur_req = ba_strdup(request);
		put_messages(c, msgs);
	}
	outcome = r->error ? "error" : isnan(r->score) ? "error" : r->score >= 1 ? "correct" : r->score <= 0 ? "wrong" : "partial";
	ba_buf_puts(c->b, "<div class=txr data-model=\"");
	ba_rep_esc(c->b, r->model);
	ba_buf_printf(c->b, "\" data-outcome=\"%s\"><b>", outcome);
	ba_rep_esc(c->b, r->model);
	ba_buf_printf(c->b, "</b> <span class=mut>sample %d</span> <span class=\"badge %s\">%s", r->epoch,
		      !strcmp(outcome, "correct") ? "ok" : !strcmp(outcome, "partial") ? "warn" : "bad", outcome);
	if (!isnan(r->score))
		ba_buf_printf(c->b, " %.2f", r->score);
	ba_buf_puts(c->b, "</span> extracted: <code>");
	ba_rep_esc(c->b, r->extracted ? r->extracted : "");
	ba_buf_puts(c->b, "</code>");
	if (msgs && c->cur_msgs && !json_equal(msgs, c->cur_msgs))
		put_messages(c, msgs);
	if (!msgs)
		ba_buf_puts(c->b, " <span class=mut>(request not in this workspace's call log)</span>");
	if (r->error) {
		ba_buf_puts(c->b, "<pre class=bad>");
		ba_rep_esc(c->b, r->error);
		ba_buf_puts(c->b, "</pre>");
	}
	if (r->response) {
		ba_buf_puts(c->b, "<pre>");
		ba_rep_esc(c->b, r->response);
		ba_buf_puts(c->b, "</pre>");
	}
	if (r->judge) {
		json_t *j = json_loads(r->judge, 0, NULL);
		ba_buf_puts(c->b, "<div>judge ");
		ba_rep_esc(c->b, ba_json_str(j, "model", ""));
		ba_buf_printf(c->b, ": score %.2f &middot; ", ba_json_num(j, "score", 0));
		ba_rep_esc(c->b, ba_json_str(j, "reason", ""));
		ba_buf_puts(c->b, "</div>");
		json_decref(j);
	}
	ba_buf_puts(c->b, "</div>");
	json_decref(req);
	return 0;
}

static void filters(ba_buf *b, const json_t *data, int search)
{
	json_t *ev = json_object_get(data, "eval"), *v;
	size_t i;

	ba_buf_puts(b, "<form class=filters id=tfilter><label>subtask <select name=subtask>"
		       "<option value=\"\">all</option>");
	json_array_foreach(json_object_get(ev, "subtasks"), i, v) {
		ba_buf_puts(b, "<option>");
		ba_rep_esc(b, json_string_value(v));
		ba_buf_puts(b, "</option>");
	}
	ba_buf_puts(b, "</select></label><label>model <select name=model><option value=\"\">all</option>");
	json_array_foreach(json_object_get(ev, "models"), i, v) {
		ba_buf_puts(b, "<option>");
		ba_rep_esc(b, ba_json_str(v, "model", ""));
		ba_buf_puts(b, "</option>");
	}
	ba_buf_puts(b, "</select></label><label>outcome <select name=outcome><option value=\"\">all</option>"
		       "<option>correct</option><option>wrong</option><option>partial</option><option>error</option></select>"
		       "</label><label><input type=checkbox name=flagged> flagged only</label>");
	if (search)
		ba_buf_puts(b, "<label>search <input type=search name=q placeholder=\"item id or question text\"></label>");
	ba_buf_puts(b, " <span id=tcount class=mut></span></form>");
}

/* The ids whose transcripts the page holds, in item order: the one item;
 * or the first cap items and every flagged one. */
static const char **included(const json_t *items, const json_t *flags, const ba_report_opts *o, size_t cap,
			     json_t *index, size_t *n, size_t *nflag)
{
	const char **ids = ba_calloc(json_array_size(items) + 1, sizeof(char *));
	const json_t *it;
	size_t i;

	*n = *nflag = 0;
	json_array_foreach(items, i, it) {
		const char *id = ba_json_str(it, "id", "");
		json_object_set_new(index, id, json_integer((json_int_t)i));
		if (o->only_item ? !strcmp(o->only_item, id) : i < cap || json_object_get(flags, id)) {
			*nflag += !o->only_item && i >= cap;
			ids[(*n)++] = id;
		}
	}
	return ids;
}

/* The viewer: the filters, the pager, the list the page's script fills
 * from the data block that holds every included transcript. */
static int viewer(ba_buf *b, ba_store *st, const json_t *data, const ba_report_opts *o, const json_t *flags,
		  ba_error *err)
{
	const json_t *items = json_object_get(data, "items");
	json_t *index = json_object();
	size_t n = json_array_size(items), cap, nids, nflag, nrows = 0;
	const char **ids;
	int rc;

	cap = o->max_transcripts > 0 && (size_t)o->max_transcripts < n ? (size_t)o->max_transcripts : n;
	ids = included(items, flags, o, cap, index, &nids, &nflag);
	if (cap < n)
		ba_buf_printf(b, "<p class=intro>This file holds the transcripts of the first %zu of %zu items and of the %zu "
				 "flagged ones after them (<code>--transcripts %zu</code>; without it, every item's).",
			      cap, n, nflag, cap);
	else
		ba_buf_printf(b, "<p class=intro>Every transcript of the %zu items: for each model and sample the exact "
				 "messages sent, the raw reply, the extracted answer, the score and the judge's rationale.", n);
	ba_buf_puts(b, " Each text is stored once in the file and shown by the page's script, 25 items a page; the "
		       "filters and the search (item id or question) run over all of them.");
	if (o->served)
		ba_buf_puts(b, " Each item links to its review page and to its transcripts alone.");
	ba_buf_puts(b, "</p>");
	filters(b, data, 1);
	ba_buf_puts(b, "<div id=tpager class=pager></div><div id=tlist></div><noscript><p class=note>The transcripts are "
		       "stored in this page as data and shown by its script, which is not running. <code>benchagent review"
		       "</code> serves each item's transcripts as a page of their own (/report/transcripts?id=ID).</p>"
		       "</noscript>");
	rc = ba_rep_tx_data(b, st, data, o, ids, nids, index, flags, &nrows, err);
	free(ids);
	json_decref(index);
	return rc;
}

int ba_rep_transcripts(ba_buf *b, ba_store *st, const json_t *data, const ba_report_opts *o, ba_error *err)
{
	const json_t *items = json_object_get(data, "items"), *ev = json_object_get(data, "eval"), *v;
	tx_ctx c = { 0 };
	json_t *index = json_object(), *flags = json_object();
	size_t i, k, nids, nflag;
	static const char *const fl[] = { "solved_by_all", "solved_by_none", "negative_discrimination" };
	const char **ids;
	int rc;

	ba_rep_section_open(b, "transcripts", "Transcripts", NULL);
	if (!json_is_object(ev)) {
		ba_rep_note(b, "No evaluation results yet.");
		ba_rep_section_close(b);
		json_decref(index);
		json_decref(flags);
		return 0;
	}
	/* id -> flag bits: 1 solved by all, 2 solved by none, 4 negative discrimination */
	for (k = 0; k < 3; k++)
		json_array_foreach(json_object_get(json_object_get(ev, "flags"), fl[k]), i, v)
			json_object_set_new(flags, json_string_value(v),
					    json_integer(ba_json_int(flags, json_string_value(v), 0) | (1 << k)));
	if (!o->only_item) {
		rc = viewer(b, st, data, o, flags, err);
		ba_rep_section_close(b);
		json_decref(index);
		json_decref(flags);
		return rc;
	}
	c.b = b;
	c.o = o;
	c.items = items;
	c.index = index;
	c.flags = flags;
	ids = included(items, flags, o, 0, index, &nids, &nflag);
	ba_buf_puts(b, "<p class=intro>Every model and sample on this item.</p>");
	filters(b, data, 0);
	rc = ba_result_foreach_item(st, json_string_value(json_object_get(data, "key")), ids, nids, 1, tx_row, &c, err);
	free(ids);
	close_item(&c);
	if (c.shown == 0)
		ba_rep_note(b, "No stored results for this item.");
	ba_rep_section_close(b);
	json_decref(index);
	json_decref(flags);
	return rc;
}
