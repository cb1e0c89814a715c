/*
 * tx_data.c - every transcript as data for the page's viewer: one JSON
 * block (<script type="application/json" id="tx-data">, never executed)
 * with, for each included item, every model's and sample's exact messages
 * sent (read back from the gateway's call log), raw reply, extracted
 * answer, outcome, score, judge verdict and error. Each text is stored
 * once in a string table and referred to by number; the messages of an
 * item, the same for every model, are stored once per item (and once for
 * all items that got identical ones), split at blank lines so a shared
 * instruction paragraph is stored once for the whole benchmark.
 *
 * The call log is read once per item. Another row's request is known to
 * carry the same messages without reading it: its call key is the SHA-256
 * of its canonical request, which is the item's first request with only
 * the model name and the sample index changed, so hashing that text (the
 * common prefix up to the model is hashed once per item) and finding the
 * row's key proves it. A row whose key does not match is read from the log.
 *
 * Layout (docs/report.md): {v, served, models: [spec], s: [text],
 * m: [messages: [[role, [part]]]], items: [[id, subtask, flags, question,
 * answer, messages, [row]]]}; part [0, text...] (concatenated), [1, image
 * data URL], [2, audio data URL], [3, note: a part not shown]; row [model,
 * sample, outcome (0 correct, 1 wrong, 2 partial, 3 error), score or null,
 * extracted, reply, error, judge [model, score, reason] or 0, messages];
 * text fields are string numbers (-1: none); trailing error, judge and
 * messages are left out when none / the item's; messages -1: the request
 * is not in this workspace's call log.
 */
#include "report_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/sha256.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct span {
	size_t s, e;    /* value [s, e) in the request text; e == 0: absent */
} span;

typedef struct txd {
	ba_store *st;
	ba_buf strs, msets, items, rows;   /* the JSON of s, m, items; the current item's rows */
	ba_strtab stab, mtab;
	json_t *midx;                      /* model spec -> index */
	char **mval;                       /* per model: its name as the request's JSON value */
	size_t nm;
	const char *const *ids;            /* included ids, in item order */
	size_t nids, next;                 /* the next id to write */
	const json_t *items_arr, *pos, *flags;
	const char *bench_dir;             /* the item's media are read inside it */
	/* the item being read */
	long cur;                          /* index into ids, -1 none */
	long ms;                           /* its messages, -1 none yet */
	char *ref;                         /* its first logged request */
	span model, si;
	int fast;                          /* ref can be re-hashed per row */
	ba_sha256_ctx pre;                 /* SHA-256 state after ref up to the model's value */
	size_t nrows, nitems;
} txd;

static long str_id(txd *t, const char *s, size_t n)
{
	int is_new;
	long id = ba_strtab_add(&t->stab, s, n, &is_new);

	if (is_new) {
		if (id > 0)
			ba_buf_append(&t->strs, ",", 1);
		ba_rep_json_str(&t->strs, s, n);
	}
	return id;
}

static long str_of(txd *t, const char *s)
{
	return s ? str_id(t, s, strlen(s)) : -1;
}

/* ---- the canonical request: top-level members by scanning, not parsing ---- */

/* The end of the JSON value at s[i]: just after it, or at the ',' / '}'
 * that ends a scalar; 0 if malformed. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			if (i >= n)
				return 0;
			if (depth == 0)
				return i + 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
		} else if (c == ',' && depth == 0) {
			return i;
		}
	}
	return depth == 0 ? i : 0;
}

/* Spans of the top-level "messages", "system", "model" and "sample_index"
 * values of a compact JSON object; 0 if it is not one. */
static int members(const char *s, size_t n, span *msgs, span *sys, span *model, span *si)
{
	size_t i = 1;

	memset(msgs, 0, sizeof(*msgs));
	*sys = *model = *si = *msgs;
	if (n < 2 || s[0] != '{')
		return 0;
	while (i < n && s[i] != '}') {
		size_t ks = i, ke = skip_value(s, n, i), ve;
		span *to = NULL;
		if (s[i] != '"' || !ke || ke >= n || s[ke] != ':' || !(ve = skip_value(s, n, ke + 1)))
			return 0;
#define KEY_IS(k) (ke - ks == sizeof(k) + 1 && !memcmp(s + ks + 1, k, sizeof(k) - 1))
		to = KEY_IS("messages") ? msgs : KEY_IS("system") ? sys : KEY_IS("model") ? model : KEY_IS("sample_index") ? si : NULL;
#undef KEY_IS
		if (to) {
			to->s = ke + 1;
			to->e = ve;
		}
		i = ve + (ve < n && s[ve] == ',');
	}
	return 1;
}

/* ---- messages ---- */

/* Text as chunks ending at blank lines, each a string number. */
static void put_text(txd *t, ba_buf *b, const char *s)
{
	const char *p = s, *q;

	ba_buf_puts(b, "[0");
	while (*p) {
		q = strstr(p, "\n\n");
		q = q ? q + 2 : p + strlen(p);
		ba_buf_append(b, ",", 1);
		ba_rep_long(b, str_id(t, p, (size_t)(q - p)));
		p = q;
	}
	ba_buf_append(b, "]", 1);
}

static int b64_only(const char *u)
{
	for (; *u; u++)
		if (!((*u >= 'A' && *u <= 'Z') || (*u >= 'a' && *u <= 'z') || (*u >= '0' && *u <= '9') || *u == '+' ||
		      *u == '/' || *u == '='))
			return 0;
	return 1;
}

int ba_rep_image_url_ok(const char *u)
{
	static const char *const pre[] = { "data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,",
					   "data:image/webp;base64,", NULL };
	size_t i;

	for (i = 0; pre[i]; i++)
		if (!strncmp(u, pre[i], strlen(pre[i])))
			return b64_only(u + strlen(pre[i]));
	return 0;
}

char *ba_rep_audio_url(const json_t *input_audio)
{
	const char *fmt = ba_json_str(input_audio, "format", ""), *data = ba_json_str(input_audio, "data", "");

	if ((strcmp(fmt, "wav") && strcmp(fmt, "mp3")) || !*data || !b64_only(data))
		return NULL;
	return ba_asprintf("data:audio/%s;base64,%s", !strcmp(fmt, "mp3") ? "mpeg" : "wav", data);
}

char *ba_rep_sent_audio_url(const char *bench_dir, const json_t *item, const json_t *input_audio)
{
	const char *fmt = ba_json_str(input_audio, "format", ""), *sha = ba_json_str(input_audio, "sha256", "");
	char *url = ba_rep_audio_url(input_audio);
	json_t *m;
	size_t i;

	if (url || (strcmp(fmt, "wav") && strcmp(fmt, "mp3")) || !bench_dir || !*sha)
		return url;
	json_array_foreach(json_object_get(item, "media"), i, m) {
		ba_buf f = BA_BUF_INIT((size_t)20 << 20);
		char *real = NULL, hex[65], *b64;
		if (url || strcmp(ba_json_str(m, "type", ""), "audio") ||
		    ba_fs_rel_inside(bench_dir, ba_json_str(m, "path", ""), &real, NULL) != 0 || ba_fs_read(real, &f, NULL) != 0) {
			free(real);
			ba_buf_free(&f);
			continue;
		}
		ba_sha256_hex(f.ptr, f.len, hex);
		if (!strcmp(hex, sha)) {
			b64 = ba_base64_encode(f.ptr, f.len);
			url = ba_asprintf("data:audio/%s;base64,%s", !strcmp(fmt, "mp3") ? "mpeg" : "wav", b64);
			free(b64);
		}
		free(real);
		ba_buf_free(&f);
	}
	return url;
}

static void put_note(txd *t, ba_buf *b, const char *note)
{
	ba_buf_puts(b, "[3,");
	ba_rep_long(b, str_of(t, note));
	ba_buf_append(b, "]", 1);
}

static void put_part(txd *t, ba_buf *b, const json_t *part)
{
	const char *type = ba_json_str(part, "type", "");

	if (!strcmp(type, "text")) {
		put_text(t, b, ba_json_str(part, "text", ""));
	} else if (!strcmp(type, "image_url")) {
		const char *u = ba_json_str(json_object_get(part, "image_url"), "url", "");
		if (ba_rep_image_url_ok(u)) {
			ba_buf_puts(b, "[1,");
			ba_rep_long(b, str_of(t, u));
			ba_buf_append(b, "]", 1);
		} else {
			put_note(t, b, "[image not shown: not an inline base64 image]");
		}
	} else if (!strcmp(type, "input_audio")) {
		const json_t *ia = json_object_get(part, "input_audio");
		const json_t *it = t->cur >= 0 ? json_array_get(t->items_arr, (size_t)json_integer_value(
										   json_object_get(t->pos, t->ids[t->cur]))) : NULL;
		char *u = ba_rep_sent_audio_url(t->bench_dir, it, ia);
		if (!u && json_is_string(json_object_get(ia, "sha256"))) {
			/* the call log keeps the audio's hash, not its bytes (src/llm/request.c) */
			char *note = ba_asprintf("[audio sent: %s, %lld bytes, sha256 %s; not shown: no such file among the "
						 "item's media]", ba_json_str(ia, "format", "?"), ba_json_int(ia, "bytes", 0),
						 ba_json_str(ia, "sha256", ""));
			put_note(t, b, note);
			free(note);
		} else if (u) {
			ba_buf_puts(b, "[2,");
			ba_rep_long(b, str_of(t, u));
			ba_buf_append(b, "]", 1);
			free(u);
		} else {
			put_note(t, b, "[audio not shown: not inline base64 WAV or MP3]");
		}
	} else {
		char *note = ba_asprintf("[%s part]", type);
		put_note(t, b, note);
		free(note);
	}
}

/* The messages (and a top-level system text) of request req as a message
 * set: its number, written to m the first time it is seen; -1 if the
 * request has no messages. */
static long message_set(txd *t, const char *req, const span *msgs, const span *sys)
{
	char *key;
	size_t nk;
	long id;
	int is_new;
	json_t *arr, *m, *part;
	size_t i, j;

	if (!msgs->e)
		return -1;
	/* the key: both spans as they are in the request text */
	nk = (sys->e - sys->s) + 1 + (msgs->e - msgs->s);
	key = ba_malloc(nk + 1);
	memcpy(key, req + sys->s, sys->e - sys->s);
	key[sys->e - sys->s] = 0;
	memcpy(key + (sys->e - sys->s) + 1, req + msgs->s, msgs->e - msgs->s);
	id = ba_strtab_add(&t->mtab, key, nk, &is_new);
	free(key);
	if (!is_new)
		return id;
	if (id > 0)
		ba_buf_append(&t->msets, ",", 1);
	ba_buf_append(&t->msets, "[", 1);
	if (sys->e) {
		json_t *sj = json_loadb(req + sys->s, sys->e - sys->s, JSON_DECODE_ANY, NULL);
		ba_buf_puts(&t->msets, "[");
		ba_rep_long(&t->msets, str_of(t, "system"));
		ba_buf_puts(&t->msets, ",[");
		put_text(t, &t->msets, json_is_string(sj) ? json_string_value(sj) : "");
		ba_buf_puts(&t->msets, "]]");
		json_decref(sj);
	}
	arr = json_loadb(req + msgs->s, msgs->e - msgs->s, 0, NULL);
	json_array_foreach(arr, i, m) {
		json_t *content = json_object_get(m, "content");
		if (i > 0 || sys->e)
			ba_buf_append(&t->msets, ",", 1);
		ba_buf_puts(&t->msets, "[");
		ba_rep_long(&t->msets, str_of(t, ba_json_str(m, "role", "?")));
		ba_buf_puts(&t->msets, ",[");
		if (json_is_string(content))
			put_text(t, &t->msets, json_string_value(content));
		json_array_foreach(json_is_array(content) ? content : NULL, j, part) {
			if (j > 0)
				ba_buf_append(&t->msets, ",", 1);
			put_part(t, &t->msets, part);
		}
		ba_buf_puts(&t->msets, "]]");
	}
	ba_buf_append(&t->msets, "]", 1);
	json_decref(arr);
	return id;
}

/* ---- items and rows ---- */

static void write_item(txd *t, size_t k, long ms, const ba_buf *rows)
{
	const json_t *it = json_array_get(t->items_arr, (size_t)json_integer_value(json_object_get(t->pos, t->ids[k])));
	const json_t *ans = json_object_get(it, "answer");
	char *as = json_is_string(ans) ? NULL : json_dumps(ans, JSON_ENCODE_ANY);

	if (t->nitems++)
		ba_buf_append(&t->items, ",", 1);
	ba_buf_append(&t->items, "[", 1);
	ba_rep_long(&t->items, str_of(t, t->ids[k]));
	ba_buf_append(&t->items, ",", 1);
	ba_rep_long(&t->items, str_of(t, ba_json_str(it, "subtask", "")));
	ba_buf_append(&t->items, ",", 1);
	ba_rep_long(&t->items, (long)ba_json_int(t->flags, t->ids[k], 0));
	ba_buf_append(&t->items, ",", 1);
	ba_rep_long(&t->items, str_of(t, ba_json_str(it, "question", "")));
	ba_buf_append(&t->items, ",", 1);
	ba_rep_long(&t->items, str_of(t, as ? as : json_string_value(ans) ? json_string_value(ans) : ""));
	ba_buf_append(&t->items, ",", 1);
	ba_rep_long(&t->items, ms);
	ba_buf_append(&t->items, ",[", 2);
	if (rows && rows->len)
		ba_buf_append(&t->items, rows->ptr, rows->len);
	ba_buf_append(&t->items, "]]", 2);
	free(as);
}

/* Finish the item being read, and write the items without rows before id
 * position upto (exclusive). */
static void flush_until(txd *t, size_t upto)
{
	if (t->cur >= 0) {
		write_item(t, (size_t)t->cur, t->ms, &t->rows);
		t->next = (size_t)t->cur + 1;
		t->cur = -1;
	}
	for (; t->next < upto; t->next++)
		write_item(t, t->next, -1, NULL);
	free(t->ref);
	t->ref = NULL;
	t->ms = -1;
	t->fast = 0;
	ba_buf_reset(&t->rows);
}

/* The item's first logged request: its message set, and the hash state
 * that lets the other rows' keys be checked without the log. */
static void set_ref(txd *t, char *req)
{
	span msgs, sys;
	size_t n = strlen(req);

	t->ref = req;
	if (!members(req, n, &msgs, &sys, &t->model, &t->si))
		return;
	t->ms = message_set(t, req, &msgs, &sys);
	t->fast = t->ms >= 0 && t->model.e && t->si.e && t->model.e <= t->si.s && (!msgs.e || msgs.e <= t->model.s) &&
		  (!sys.e || sys.s >= t->si.e);
	if (t->fast) {
		ba_sha256_init(&t->pre);
		ba_sha256_update(&t->pre, req, t->model.s);
	}
}

/* 1 when the row's call key is the hash of the item's first request with
 * this row's model and sample: then its messages are the item's. */
static int same_as_ref(txd *t, size_t m, int epoch, const char *key)
{
	ba_sha256_ctx c = t->pre;
	unsigned char d[32];
	char hex[65], num[24];
	size_t n = strlen(t->ref);
	int nn;

	if (!t->fast || !t->mval[m])
		return 0;
	ba_sha256_update(&c, t->mval[m], strlen(t->mval[m]));
	ba_sha256_update(&c, t->ref + t->model.e, t->si.s - t->model.e);
	nn = snprintf(num, sizeof(num), "%d", epoch);
	ba_sha256_update(&c, num, (size_t)nn);
	ba_sha256_update(&c, t->ref + t->si.e, n - t->si.e);
	ba_sha256_final(&c, d);
	ba_hex_encode(d, 32, hex);
	hex[64] = 0;
	return !strcmp(hex, key);
}

/* The message set of one row: the item's (-2), another, or -1 (not logged). */
static long row_messages(txd *t, size_t m, const ba_result_row *r)
{
	char *req = NULL;
	span msgs, sys, mo, si;
	long ms;

	if (!r->call_key)
		return -1;
	if (t->ref && same_as_ref(t, m, r->epoch, r->call_key))
		return -2;
	if (ba_call_request(t->st, r->call_key, &req) != 0)
		return -1;
	if (!t->ref) {
		set_ref(t, req);
		return t->ms >= 0 ? -2 : -1;
	}
	ms = members(req, strlen(req), &msgs, &sys, &mo, &si) ? message_set(t, req, &msgs, &sys) : -1;
	free(req);
	return ms >= 0 && ms == t->ms ? -2 : ms;
}

static void put_score(ba_buf *b, double v)
{
	if (isnan(v) || isinf(v))
		ba_buf_puts(b, "null");
	else if (v == floor(v) && fabs(v) < 1e15)
		ba_rep_long(b, (long)v);
	else
		ba_buf_printf(b, "%.6g", v);
}

static int tx_row(void *ud, const ba_result_row *r, const char *request)
{
	txd *t = ud;
	json_t *mi = json_object_get(t->midx, r->model);
	size_t m, k;
	long ms, jm = -1, jr = -1;
	double js = NAN;
	int outcome;

	(void)request;
	if (t->cur < 0 || strcmp(t->ids[t->cur], r->item)) {
		for (k = t->cur < 0 ? t->next : (size_t)t->cur; k < t->nids && strcmp(t->ids[k], r->item); k++)
			;
		if (k >= t->nids)
			return 0;  /* rows come in the order of ids: not reached */
		flush_until(t, k);
		t->cur = (long)k;
	}
	if (!mi)
		return 0;  /* a model the report does not show */
	m = (size_t)json_integer_value(mi);
	ms = row_messages(t, m, r);
	outcome = r->error || isnan(r->score) ? 3 : r->score >= 1 ? 0 : r->score <= 0 ? 1 : 2;
	if (r->judge) {
		json_t *j = json_loads(r->judge, 0, NULL);
		jm = str_of(t, ba_json_str(j, "model", ""));
		js = ba_json_num(j, "score", NAN);
		jr = str_of(t, ba_json_str(j, "reason", ""));
		json_decref(j);
	}
	if (t->rows.len)
		ba_buf_append(&t->rows, ",", 1);
	ba_buf_append(&t->rows, "[", 1);
	ba_rep_long(&t->rows, (long)m);
	ba_buf_append(&t->rows, ",", 1);
	ba_rep_long(&t->rows, r->epoch);
	ba_buf_append(&t->rows, ",", 1);
	ba_rep_long(&t->rows, outcome);
	ba_buf_append(&t->rows, ",", 1);
	put_score(&t->rows, r->score);
	ba_buf_append(&t->rows, ",", 1);
	ba_rep_long(&t->rows, str_of(t, r->extracted));
	ba_buf_append(&t->rows, ",", 1);
	ba_rep_long(&t->rows, str_of(t, r->response));
	if (r->error || r->judge || ms != -2) {
		ba_buf_append(&t->rows, ",", 1);
		ba_rep_long(&t->rows, str_of(t, r->error));
	}
	if (r->judge || ms != -2) {
		ba_buf_append(&t->rows, ",", 1);
		if (r->judge) {
			ba_buf_append(&t->rows, "[", 1);
			ba_rep_long(&t->rows, jm);
			ba_buf_append(&t->rows, ",", 1);
			put_score(&t->rows, js);
			ba_buf_append(&t->rows, ",", 1);
			ba_rep_long(&t->rows, jr);
			ba_buf_append(&t->rows, "]", 1);
		} else {
			ba_buf_append(&t->rows, "0", 1);
		}
	}
	if (ms != -2) {
		ba_buf_append(&t->rows, ",", 1);
		ba_rep_long(&t->rows, ms);
	}
	ba_buf_append(&t->rows, "]", 1);
	t->nrows++;
	return 0;
}

static void models_of(txd *t, const json_t *ev)
{
	json_t *m;
	size_t i;

	t->midx = json_object();
	t->nm = json_array_size(json_object_get(ev, "models"));
	t->mval = ba_calloc(t->nm + 1, sizeof(char *));
	json_array_foreach(json_object_get(ev, "models"), i, m) {
		const char *spec = ba_json_str(m, "model", ""), *slash = strchr(spec, '/');
		json_object_set_new(t->midx, spec, json_integer((json_int_t)i));
		if (slash) {
			json_t *name = json_string(slash + 1);
			t->mval[i] = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
			json_decref(name);
		}
	}
}

static void txd_free(txd *t)
{
	size_t i;

	for (i = 0; i < t->nm; i++)
		free(t->mval[i]);
	free(t->mval);
	json_decref(t->midx);
	free(t->ref);
	ba_buf_free(&t->strs);
	ba_buf_free(&t->msets);
	ba_buf_free(&t->items);
	ba_buf_free(&t->rows);
	ba_strtab_free(&t->stab);
	ba_strtab_free(&t->mtab);
}

int ba_rep_tx_data(ba_buf *b, ba_store *st, const json_t *data, const ba_report_opts *o, const char *const *ids,
		   size_t nids, const json_t *pos, const json_t *flags, size_t *nrows, ba_error *err)
{
	txd t = { 0 };
	json_t *m;
	size_t i;
	int rc;

	t.st = st;
	ba_buf_init(&t.strs, b->max);
	ba_buf_init(&t.msets, b->max);
	ba_buf_init(&t.items, b->max);
	ba_buf_init(&t.rows, b->max);
	ba_buf_init(&t.stab.arena, (size_t)16 << 30);
	ba_buf_init(&t.mtab.arena, (size_t)16 << 30);
	t.ids = ids;
	t.nids = nids;
	t.items_arr = json_object_get(data, "items");
	t.pos = pos;
	t.flags = flags;
	t.bench_dir = o->bench_dir;
	t.cur = t.ms = -1;
	models_of(&t, json_object_get(data, "eval"));
	/* one index range per included item, in item order: nothing else is read or sorted */
	rc = ba_result_foreach_item(st, json_string_value(json_object_get(data, "key")), ids, nids, 0, tx_row, &t, err);
	flush_until(&t, nids);
	ba_buf_printf(b, "<script type=\"application/json\" id=tx-data>{\"v\":1,\"served\":%d,\"models\":[", o->served ? 1 : 0);
	json_array_foreach(json_object_get(json_object_get(data, "eval"), "models"), i, m) {
		const char *spec = ba_json_str(m, "model", "");
		if (i)
			ba_buf_append(b, ",", 1);
		ba_rep_json_str(b, spec, strlen(spec));
	}
	ba_buf_puts(b, "],\"s\":[");
	ba_buf_append(b, t.strs.ptr ? t.strs.ptr : "", t.strs.len);
	ba_buf_puts(b, "],\"m\":[");
	ba_buf_append(b, t.msets.ptr ? t.msets.ptr : "", t.msets.len);
	ba_buf_puts(b, "],\"items\":[");
	ba_buf_append(b, t.items.ptr ? t.items.ptr : "", t.items.len);
	ba_buf_puts(b, "]}</script>");
	if (rc == 0 && (ba_buf_status(&t.strs) || ba_buf_status(&t.msets) || ba_buf_status(&t.items) ||
			ba_buf_status(&t.rows) || ba_buf_status(&t.stab.arena) || ba_buf_status(&t.mtab.arena)))
		rc = ba_error_set(err, BA_ELIMIT, "report: the transcripts reached the page's size cap (%zu MB); use "
						 "--transcripts N", b->max >> 20);
	*nrows = t.nrows;
	txd_free(&t);
	return rc;
}
