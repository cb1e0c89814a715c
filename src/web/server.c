/*
 * server.c - the review server: libmicrohttpd on loopback, one route
 * table, capped request bodies, strict headers on every response.
 */
#define BA_LOG_MODULE "review"
#include "web_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/benchdir.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/log.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_BODY (64 * 1024)
#define IDLE_TIMEOUT_S 5 /* seconds a connection may stay silent */

typedef struct {
	const char *method;
	const char *path;
	int prefix;            /* path is a prefix (e.g. /media/) */
	ba_web_handler fn;
} route;

static const route routes[] = {
	{ "GET", "/", 0, ba_web_index },
	{ "GET", "/item", 0, ba_web_item },
	{ "POST", "/review", 0, ba_web_post_review },
	{ "GET", "/api/stats", 0, ba_web_api_stats },
	{ "GET", "/api/items", 0, ba_web_api_items },
	{ "GET", "/media/", 1, ba_web_media },
	{ "GET", "/page.js", 0, ba_web_script },
	{ "GET", "/report", 0, ba_web_report },
	{ "GET", "/report/transcripts", 0, ba_web_report_transcripts },
	{ NULL, NULL, 0, NULL },
};

typedef struct {
	ba_buf body;
	int too_large;
} conn_state;

void ba_web_text(ba_web_resp *resp, unsigned status, const char *type, char *body)
{
	resp->status = status;
	resp->type = type;
	resp->body = body;
	resp->len = strlen(body);
}

void ba_web_error(ba_web_resp *resp, unsigned status, const char *msg)
{
	char *esc = ba_html_escape(msg);
	ba_web_text(resp, status, "text/html; charset=utf-8",
		    ba_asprintf("<!doctype html><meta charset=utf-8><title>%u</title><p>%u: %s</p><p><a href=\"/\">back</a></p>\n",
				status, status, esc));
	free(esc);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static char *url_decode(const char *s, size_t n)
{
	char *out = ba_malloc(n + 1);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			int h, l;
			if (i + 2 >= n) {
				free(out);
				return NULL;
			}
			h = hexval(s[i + 1]);
			l = hexval(s[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0)) {
				free(out);
				return NULL;
			}
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

json_t *ba_web_parse_form(const char *body, size_t len)
{
	json_t *form = json_object();
	size_t i = 0;

	while (i < len) {
		size_t end = i, eq;
		char *k, *v;
		while (end < len && body[end] != '&')
			end++;
		for (eq = i; eq < end && body[eq] != '='; eq++)
			;
		if (end > i) {
			json_t *jv;
			k = url_decode(body + i, eq - i);
			v = eq < end ? url_decode(body + eq + 1, end - eq - 1) : ba_strdup("");
			/* not UTF-8 (json_string refuses it): malformed, never dropped silently */
			jv = k && v && *k ? json_string(v) : NULL;
			if (!jv || json_object_set_new(form, k, jv) != 0) {
				free(k);
				free(v);
				json_decref(form);
				return NULL;
			}
			free(k);
			free(v);
		}
		i = end + 1;
	}
	return form;
}

const char *ba_web_arg(ba_web_req *req, const char *name)
{
	const char *v = req->form ? ba_json_str(req->form, name, NULL) : NULL;
	return v ? v : MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result reply_send(struct MHD_Connection *c, ba_web_resp *r)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	r->body = NULL;
	MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "text/plain");
	/* scripts: only the page's own one, served by this server at /page.js */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; img-src 'self' data:; media-src 'self' data:; style-src 'unsafe-inline'; script-src 'self'; "
				"form-action 'self'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	free(r->location);
	return ret;
}

/* 1 when [s, s+n) names this server: "127.0.0.1:PORT", "localhost:PORT"
 * or the bound address with the port. */
static int authority_ok(const ba_review_server *srv, const char *s, size_t n)
{
	const char *hosts[3] = { "127.0.0.1", "localhost", srv->bind };
	char want[96];
	int i;

	for (i = 0; i < 3; i++) {
		int w = snprintf(want, sizeof(want), "%s:%d", hosts[i], srv->port);
		if (w > 0 && (size_t)w == n && !strncasecmp(s, want, n))
			return 1;
		/* without a port (HTTP/1.1 clients that omit it): still only our names */
		if (strlen(hosts[i]) == n && !strncasecmp(s, hosts[i], n))
			return 1;
	}
	return 0;
}

/* DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends
 * "Host: evil.example:PORT"; only our own names are served. */
static int host_ok(const ba_review_server *srv, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	return h && authority_ok(srv, h, strlen(h));
}

/* 1 when url is "http://<our authority>" followed by nothing (an Origin)
 * or by '/' (a Referer). */
int ba_web_same_origin(const ba_review_server *srv, const char *url, int path_allowed)
{
	const char *a, *end;

	if (strncmp(url, "http://", 7))
		return 0;
	a = url + 7;
	end = a + strcspn(a, "/?#");
	if (!authority_ok(srv, a, (size_t)(end - a)))
		return 0;
	return *end == '\0' || (path_allowed && *end == '/');
}

/* A form posted from another site is refused (no cross-site writes). With
 * an Origin it must be ours; without one (older browsers, some same-origin
 * requests) Sec-Fetch-Site must not say cross-site or same-site and a
 * Referer, when present, must be ours. A client that sends none of them
 * (curl, scripts) is not a browser driven by another site. */
static int origin_ok(ba_review_server *srv, struct MHD_Connection *c)
{
	const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *sfs = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	const char *ref = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Referer");

	if (o)
		return ba_web_same_origin(srv, o, 0);
	if (sfs && strcmp(sfs, "same-origin") && strcmp(sfs, "none"))
		return 0;
	if (ref)
		return ba_web_same_origin(srv, ref, 1);
	return 1;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			       const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	ba_review_server *srv = cls;
	conn_state *cs = *con_cls;
	ba_web_resp r = { 0 };
	ba_web_req req = { srv, c, url, NULL };
	const route *rt;
	int path_known = 0;

	(void)version;
	if (!cs) {
		cs = ba_calloc(1, sizeof(*cs));
		ba_buf_init(&cs->body, MAX_BODY);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_size) {
		if (ba_buf_append(&cs->body, upload, *upload_size) != 0)
			cs->too_large = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	for (rt = routes; rt->path; rt++) {
		int match = rt->prefix ? !strncmp(url, rt->path, strlen(rt->path)) : !strcmp(url, rt->path);
		if (!match)
			continue;
		path_known = 1;
		if (!strcmp(method, rt->method) || (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET")))
			break;
	}
	if (!rt->path) {
		ba_web_error(&r, path_known ? 405 : 404, path_known ? "method not allowed" : "no such page");
	} else if (!host_ok(srv, c)) {
		ba_web_error(&r, 421, "unexpected Host header (this server answers only to its loopback address)");
	} else if (cs->too_large) {
		ba_web_error(&r, 413, "request body larger than 64 KiB");
	} else if (!strcmp(method, "POST") && !origin_ok(srv, c)) {
		ba_web_error(&r, 403, "cross-origin form refused");
	} else {
		if (!strcmp(method, "POST")) {
			req.form = ba_web_parse_form(ba_buf_cstr(&cs->body), cs->body.len);
			if (!req.form) {
				ba_web_error(&r, 400, "malformed form body");
				goto reply;
			}
		}
		rt->fn(&req, &r);
		json_decref(req.form);
	}
reply:
	return reply_send(c, &r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	conn_state *cs = *con_cls;
	(void)cls; (void)c; (void)toe;
	if (cs) {
		ba_buf_free(&cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

typedef struct {
	json_t *items;
	json_t *index;
} loader;

static int add_item(void *ud, json_t *obj, size_t lineno, ba_error *err)
{
	loader *l = ud;
	const char *id = ba_json_str(obj, "id", NULL);

	if (!json_is_object(obj) || !id || !*id)
		return ba_error_set(err, BA_EINVAL, "items.jsonl:%zu: an item needs a string 'id'", lineno);
	if (json_object_get(l->index, id))
		return ba_error_set(err, BA_EINVAL, "items.jsonl:%zu: duplicate id '%.80s'", lineno, id);
	json_object_set_new(l->index, id, json_integer((json_int_t)json_array_size(l->items)));
	json_array_append(l->items, obj);
	return 0;
}

static int load_index(const char *dir, char **realdir, json_t **items, json_t **index, char **bench, ba_error *err)
{
	char real[PATH_MAX], *path;
	json_t *manifest = NULL;
	loader l;

	*bench = NULL;
	int rc;

	if (!realpath(dir, real) || !ba_fs_is_dir(real))
		return ba_error_set(err, BA_ENOTFOUND, "%s: no such benchmark folder", dir);
	path = ba_path_join(real, "items.jsonl");
	if (!ba_fs_exists(path)) {
		free(path);
		return ba_error_set(err, BA_ENOTFOUND, "%s: no items.jsonl (is this a built benchmark folder?)", dir);
	}
	l.items = json_array();
	l.index = json_object();
	rc = ba_jsonl_foreach(path, add_item, &l, err);
	free(path);
	if (rc) {
		json_decref(l.items);
		json_decref(l.index);
		return rc;
	}
	manifest = ba_benchdir_manifest(real);
	*bench = ba_strdup(ba_benchdir_id(manifest) ? ba_benchdir_id(manifest)
						    : strrchr(real, '/') ? strrchr(real, '/') + 1 : real);
	json_decref(manifest);
	*items = l.items;
	if (index)
		*index = l.index;
	else
		json_decref(l.index);
	if (realdir)
		*realdir = ba_strdup(real);
	return 0;
}

int ba_review_load(const char *bench_dir, json_t **items, char **bench_id, ba_error *err)
{
	return load_index(bench_dir, NULL, items, NULL, bench_id, err);
}

int ba_review_start(ba_review_server **out, const ba_review_opts *opts, ba_store *st, ba_error *err)
{
	ba_review_server *srv;
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;
	const char *bind = opts->bind ? opts->bind : "127.0.0.1";
	int rc;

	*out = NULL;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)opts->port);
	if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1 || (ntohl(addr.sin_addr.s_addr) >> 24) != 127)
		return ba_error_set(err, BA_EINVAL, "--bind %s: the review page listens on loopback (127.x.x.x) only", bind);
	if (opts->port < 0 || opts->port > 65535)
		return ba_error_set(err, BA_EINVAL, "--port %d: not a port number", opts->port);
	srv = ba_calloc(1, sizeof(*srv));
	srv->st = st;
	srv->annotator = ba_strdup(opts->annotator ? opts->annotator : "");
	if (opts->report)
		srv->report = *opts->report;
	else
		srv->report = (ba_report_opts)BA_REPORT_OPTS_INIT;
	srv->report.sizes = json_incref((json_t *)srv->report.sizes);
	srv->report.families = json_incref((json_t *)srv->report.families);
	if ((rc = load_index(opts->bench_dir, &srv->bench_dir, &srv->items, &srv->index, &srv->bench, err)) != 0) {
		ba_review_stop(srv);
		return rc;
	}
	snprintf(srv->bind, sizeof(srv->bind), "%s", bind);
	/* Event-driven (poll/epoll) with a small thread pool, not a thread per
	 * connection: idle connections cost no thread, so 100 of them cannot
	 * block the page; they are closed after IDLE_TIMEOUT_S without a byte. */
	srv->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL,
				       handler, srv, MHD_OPTION_SOCK_ADDR, &addr,
				       MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
				       MHD_OPTION_THREAD_POOL_SIZE, 4u,
				       MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
	if (!srv->daemon) {
		ba_review_stop(srv);
		return ba_error_set(err, BA_EIO, "cannot listen on %s:%d (port in use?)", bind, opts->port);
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : opts->port;
	*out = srv;
	return 0;
}

int ba_review_port(const ba_review_server *srv)
{
	return srv->port;
}

void ba_review_stop(ba_review_server *srv)
{
	if (!srv)
		return;
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	json_decref(srv->items);
	json_decref(srv->index);
	json_decref((json_t *)srv->report.sizes);
	json_decref((json_t *)srv->report.families);
	free(srv->bench_dir);
	free(srv->bench);
	free(srv->annotator);
	free(srv);
}
