/*
 * pages_report.c - the report under the review server: /report (the page
 * `benchagent report` writes, with links to the review pages) and
 * /report/transcripts?id=ID (every model's transcript of one item, linked
 * from the item's review page), and the item flags the review filters use.
 */
#include "web_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/eval.h"
#include "benchagent/json.h"
#include "benchagent/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int render(ba_web_req *req, ba_web_resp *resp, const char *only_item)
{
	ba_review_server *srv = req->srv;
	ba_report_opts o = srv->report;
	ba_error err = BA_ERROR_INIT;
	json_t *reviews = ba_review_stats(srv->st, srv->bench, json_array_size(srv->items));
	char *html = NULL;
	size_t len = 0;

	o.bench_dir = srv->bench_dir;
	o.served = 1;
	o.reviews = reviews;
	o.only_item = only_item;
	if (ba_report_html(srv->st, &o, &html, &len, &err) != 0) {
		json_decref(reviews);
		ba_web_error(resp, 500, err.msg);
		return 0;
	}
	json_decref(reviews);
	resp->status = 200;
	resp->type = "text/html; charset=utf-8";
	resp->body = html;
	resp->len = len;
	return 0;
}

int ba_web_report(ba_web_req *req, ba_web_resp *resp)
{
	return render(req, resp, NULL);
}

int ba_web_script(ba_web_req *req, ba_web_resp *resp)
{
	(void)req;
	ba_web_text(resp, 200, "text/javascript; charset=utf-8", ba_strdup(ba_report_script()));
	return 0;
}

int ba_web_report_transcripts(ba_web_req *req, ba_web_resp *resp)
{
	const char *id = ba_web_arg(req, "id");

	if (!id || !json_object_get(req->srv->index, id)) {
		ba_web_error(resp, 404, "no item with that id");
		return 0;
	}
	return render(req, resp, id);
}

unsigned *ba_web_item_flags(ba_review_server *srv)
{
	size_t ni = json_array_size(srv->items), nm, i;
	unsigned *flags = ba_calloc(ni + 1, sizeof(unsigned));
	json_t *models = NULL, *it, *v;
	double *y = NULL;
	char *key = ba_eval_bench_key(srv->bench_dir);
	ba_irt_fit *fit = NULL;
	const char *k;

	if (ba_eval_load_matrix(srv->st, key, srv->items, NULL, 0, 0, &models, &y, NULL) == 0 &&
	    (nm = json_array_size(models)) > 0) {
		if (nm >= 3 && ba_irt_fit_2pl(y, nm, ni, NULL, &fit, NULL) != 0)
			fit = NULL;
		ba_stats_item_flags(y, nm, ni, fit, flags);
		ba_irt_fit_free(fit);
		/* only items some model answered carry result flags */
		for (i = 0; i < ni; i++) {
			size_t m, seen = 0;
			for (m = 0; m < nm; m++)
				seen += !isnan(y[m * ni + i]);
			if (!seen)
				flags[i] = 0;
		}
	}
	json_array_foreach(srv->items, i, it)
		json_object_foreach(json_object_get(it, "qc"), k, v) {
			const char *verdict = json_is_object(v) ? ba_json_str(v, "verdict", "") : json_string_value(v);
			if (verdict && !strcmp(verdict, "fail"))
				flags[i] |= 8;
		}
	free(y);
	free(key);
	json_decref(models);
	return flags;
}
