/*
 * html_doc.c - the report page: its CSS, its one script (transcript
 * filters, and the review page's keyboard shortcuts) and
 * ba_report_render/ba_report_html which put the sections together (the
 * helpers the sections share are in html_util.c). The page loads nothing:
 * no network, no external script, style or font.
 */
#include "report_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/embed.h"
#include "benchagent/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
	":root{--fg:#1d232b;--mut:#5b6470;--line:#d5dae0;--acc:#1f5fbf;--ok:#17773a;--bad:#b3261e;--warn:#a15c00}"
	"body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--fg);margin:0;background:#fff;overflow-wrap:break-word}"
	"header{padding:14px 28px;border-bottom:1px solid var(--line);background:#f7f9fb}"
	"header h1{margin:0 0 4px;font-size:22px}nav a{margin-right:14px;color:var(--acc);text-decoration:none}"
	"main{max-width:1340px;margin:0 auto;padding:0 28px 40px}"
	"section{border-bottom:1px solid var(--line);padding:18px 0}h2{font-size:20px;margin:6px 0 10px}"
	"h3{font-size:16px;margin:16px 0 6px}p.intro,p.note{color:var(--mut);margin:4px 0 10px;max-width:980px}"
	".pair{display:flex;flex-wrap:wrap;gap:22px;align-items:flex-start;margin:8px 0 16px}"
	".pair>.fig{flex:0 1 640px;min-width:320px}.pair>.num{flex:1 1 420px;min-width:300px;overflow-x:auto}"
	"svg.plot{width:100%;height:auto;max-width:640px;font-size:12px;background:#fff}"
	"svg .grid{stroke:#e6e9ed}svg .frame{stroke:#7b848f}svg .tick{fill:#5b6470;font-size:11px}"
	"svg .label{fill:#1d232b;font-size:12px}svg .row{fill:#1d232b;font-size:12px}svg .note{fill:#5b6470;font-size:11px}"
	"svg .val{fill:#1d232b;font-size:11px}svg .cell{fill:#1d232b;font-size:10px}svg .cell.inv{fill:#fff}"
	"svg .ci{stroke:#1f5fbf;stroke-width:2.5}svg .est{fill:#1f5fbf}svg .ref{stroke:#a15c00;stroke-dasharray:4 3}"
	"svg .bar{fill:#7aa7e0}svg .bar.bad{fill:#e39a93}svg .bar.ok{fill:#8cc79c}svg .bar.mut{fill:#c3c9d1}"
	"svg .target{stroke:#1d232b;stroke-width:2}svg .empty{fill:#f2f2f2}"
	"svg polyline{fill:none;stroke-width:2}svg .s0{stroke:#1f5fbf;fill:#1f5fbf}svg .s1{stroke:#d0661a;fill:#d0661a}"
	"svg .s2{stroke:#2e8b57;fill:#2e8b57}svg .s3{stroke:#8e44ad;fill:#8e44ad}svg .s4{stroke:#b3261e;fill:#b3261e}"
	"svg .s5{stroke:#5b6470;fill:#5b6470}svg polyline.s0,svg polyline.s1,svg polyline.s2,svg polyline.s3,"
	"svg polyline.s4,svg polyline.s5{fill:none}svg .sw.s0{fill:#1f5fbf}"
	"svg .pt{fill:#1f5fbf;fill-opacity:.55}svg .f-all{fill:#2e8b57}svg .f-none{fill:#a15c00}svg .f-neg{fill:none;stroke:#b3261e;stroke-width:2}"
	"svg .sw{stroke:none}svg .sw.pt{fill:#1f5fbf}svg .sw.f-neg{fill:#b3261e}"
	"svg .mark{stroke:#1d232b;stroke-dasharray:2 3}"
	"table{border-collapse:collapse;font-size:13.5px}td,th{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}"
	"th{background:#f3f5f7;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.txt{overflow-wrap:anywhere}td.sig{background:#e3f1e6}td.diag{background:#f3f5f7}.ok{color:var(--ok)}.bad{color:var(--bad)}.mut{color:var(--mut)}"
	"details>summary{cursor:pointer;color:var(--acc)}pre{white-space:pre-wrap;word-break:break-word;background:#f6f7f9;"
	"padding:6px 8px;border-radius:4px;margin:4px 0;font-size:13px;max-height:420px;overflow:auto}"
	".tx{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:10px 0}"
	".tx h3{margin:0 0 4px;font-size:15px}.txr{border-top:1px dashed var(--line);padding:6px 0}"
	".badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:#eef1f4;margin-left:6px}"
	".badge.ok{background:#e3f1e6}.badge.bad{background:#f8e1df}.badge.warn{background:#fbecd6}"
	"form.filters{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid var(--line);z-index:2}"
	"form.filters label{margin-right:12px}img.media{max-width:420px;max-height:320px;border:1px solid var(--line)}"
	".kv td:first-child{color:var(--mut)}.key{display:inline-block;width:14px;height:4px;vertical-align:middle;margin-right:4px}"
	".k0{background:#1f5fbf}.k1{background:#d0661a}.k2{background:#2e8b57}.k3{background:#8e44ad}.k4{background:#b3261e}"
	".k5{background:#5b6470}svg polyline.dot{stroke-dasharray:2 3}.txq{margin:2px 0;color:var(--fg)}"
	".pager{margin:8px 0}.pager button{margin-right:6px}"
	"@media print{header{background:none}nav,form.filters,.pager button{display:none}section{break-inside:avoid-page}"
	".pair{display:block}svg.plot{max-width:100%}pre{max-height:none}details:not([open])>*:not(summary){display:none}}";

/* The pages' one script (src/report/assets/page.js, embedded at build
 * time): the transcripts viewer and filters, the review page's keys. */
const char *ba_report_script(void)
{
	const ba_embedded_file *f = ba_embed_find(ba_report_assets, "page.js");
	return f ? f->data : "";
}

static void header(ba_buf *b, const json_t *data, const ba_report_opts *o)
{
	const json_t *ev = json_object_get(data, "eval");
	const char *bench = ba_json_str(data, "bench", "");

	ba_buf_puts(b, "<!doctype html><html lang=en><head><meta charset=utf-8>"
		       "<meta name=viewport content=\"width=device-width,initial-scale=1\"><title>report: ");
	ba_html_put(b, bench);
	ba_buf_printf(b, "</title><style>%s</style></head><body data-report=1><header><h1>", css);
	ba_html_put(b, bench);
	ba_buf_printf(b, "</h1><div class=mut>%zu items &middot; %zu subtasks &middot; %zu models evaluated",
		      json_array_size(json_object_get(data, "items")),
		      json_object_size(json_object_get(json_object_get(data, "manifest"), "counts_per_subtask")),
		      json_array_size(json_object_get(ev, "models")));
	if (o->served)
		ba_buf_puts(b, " &middot; <a href=\"/\">review page</a>");
	if (o->only_item) {
		/* one item's transcripts: a page of its own, linked to the whole report */
		ba_buf_puts(b, "</div><nav><a href=\"/report\">the whole report</a><a href=\"/item?id=");
		ba_rep_url(b, o->only_item);
		ba_buf_puts(b, "\">this item's review page</a></nav></header><main>");
		return;
	}
	ba_buf_puts(b, "</div><nav><a href=\"#results\">Results</a><a href=\"#items\">Items</a>"
		       "<a href=\"#quality\">Benchmark quality</a><a href=\"#versions\">Versions</a>"
		       "<a href=\"#cost\">Cost</a><a href=\"#transcripts\">Transcripts</a></nav></header><main>");
}

int ba_report_render(ba_store *st, const json_t *data, const ba_report_opts *o, ba_buf *out, ba_error *err)
{
	int rc;

	header(out, data, o);
	if (!o->only_item) {
		ba_rep_results(out, data, o);
		ba_rep_items(out, data, o);
		ba_rep_quality(out, data, o);
		ba_rep_versions(out, data, o);
		ba_rep_cost(out, data, o);
	}
	rc = ba_rep_transcripts(out, st, data, o, err);
	if (o->served)  /* the review server serves it (its CSP allows only its own scripts) */
		ba_buf_puts(out, "</main><script src=\"/page.js\"></script></body></html>\n");
	else
		ba_buf_printf(out, "</main><script>%s</script></body></html>\n", ba_report_script());
	if (rc == 0 && out->len >= out->max - 64)
		rc = ba_error_set(err, BA_ELIMIT, "report: the page reached its size cap (%zu MB); use --transcripts N",
				  out->max >> 20);
	return rc;
}

int ba_report_html(ba_store *st, const ba_report_opts *o, char **html, size_t *len, ba_error *err)
{
	json_t *data = NULL;
	ba_buf b = BA_BUF_INIT((size_t)1 << 30);
	int rc;

	*html = NULL;
	if ((rc = ba_report_collect(st, o, &data, err)) != 0)
		return rc;
	rc = ba_report_render(st, data, o, &b, err);
	json_decref(data);
	if (rc) {
		ba_buf_free(&b);
		return rc;
	}
	if (len)
		*len = b.len;
	*html = ba_buf_detach(&b);
	return 0;
}
