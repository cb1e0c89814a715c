/*
 * web_internal.h - shared by the review server's files.
 */
#ifndef BA_WEB_INTERNAL_H
#define BA_WEB_INTERNAL_H

#include "benchagent/buf.h"
#include "benchagent/report.h"
#include "benchagent/review.h"

#include <microhttpd.h>

struct ba_review_server {
	struct MHD_Daemon *daemon;
	ba_store *st;
	char *bench_dir;      /* realpath */
	char *bench;          /* benchmark id: the reviews' key */
	json_t *items;        /* array, in file order */
	json_t *index;        /* id -> position */
	char *annotator;      /* default annotator */
	ba_report_opts report; /* template for /report (stats as eval's; sizes, families held) */
	int port;
	char bind[64];        /* the loopback address listened on (Host/Origin check) */
};

/* A parsed request for a route handler. */
typedef struct ba_web_req {
	ba_review_server *srv;
	struct MHD_Connection *conn;
	const char *url;
	json_t *form;         /* POST form fields (application/x-www-form-urlencoded), or NULL */
} ba_web_req;

/* A response: status, content type and body (owned). */
typedef struct ba_web_resp {
	unsigned status;
	const char *type;
	char *body;
	size_t len;
	char *location;       /* for redirects (owned) */
} ba_web_resp;

typedef int (*ba_web_handler)(ba_web_req *req, ba_web_resp *resp);

/* Pages and API (pages.c). */
int ba_web_index(ba_web_req *req, ba_web_resp *resp);
int ba_web_item(ba_web_req *req, ba_web_resp *resp);
int ba_web_post_review(ba_web_req *req, ba_web_resp *resp);
int ba_web_api_stats(ba_web_req *req, ba_web_resp *resp);
int ba_web_api_items(ba_web_req *req, ba_web_resp *resp);
int ba_web_media(ba_web_req *req, ba_web_resp *resp);
/* The report (pages_report.c): the whole page, and one item's transcripts. */
int ba_web_report(ba_web_req *req, ba_web_resp *resp);
int ba_web_script(ba_web_req *req, ba_web_resp *resp);   /* /page.js: the pages' one script */
int ba_web_report_transcripts(ba_web_req *req, ba_web_resp *resp);
/* Per item (file order) flags for the review filters: 1 solved by all,
 * 2 solved by none, 4 negative discrimination (from stored results), 8 a
 * failed check in item.qc. Caller frees; never NULL. */
unsigned *ba_web_item_flags(ba_review_server *srv);

/* Helpers (server.c). */
void ba_web_text(ba_web_resp *resp, unsigned status, const char *type, char *body);
void ba_web_error(ba_web_resp *resp, unsigned status, const char *msg);
const char *ba_web_arg(ba_web_req *req, const char *name);  /* query string or form */
/* Decode application/x-www-form-urlencoded into an object; NULL if malformed. */
json_t *ba_web_parse_form(const char *body, size_t len);
/* 1 when url is "http://" + this server's authority (127.0.0.1, localhost
 * or the bound address, with its port) and then nothing (an Origin) or,
 * with path_allowed, a path (a Referer). */
int ba_web_same_origin(const ba_review_server *srv, const char *url, int path_allowed);

#endif
