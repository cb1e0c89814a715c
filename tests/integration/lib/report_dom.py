#!/usr/bin/env python3
"""Checks on a rendered report DOM (from browser.py --dump-dom) against the
`eval --json` report of the same benchmark: the numbers people read must be
the numbers eval computed. Also: the plots are there, hostile item text
stayed text. Prints one line per failed check and exits 1 if any failed.

usage: report_dom.py DOM.html EVAL.json [--hostile ID] [--audit] [--no-audit] [--audit-json AUDIT.json]

--audit-json: the audit section's numbers must be those of the audit.json that
`benchagent audit` wrote (counts, mean score, per-criterion means, intervals and
alpha, per-subtask rows, agreement with people, confusion matrix, best threshold).
"""
import json, math, re, sys
from html.parser import HTMLParser


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.ids, self.scripts, self.handlers, self.svgs = {}, {}, 0, [], []
        self.stack, self.cur_table, self.row, self.cell, self.text = [], None, None, None, []
        self.id_text = []   # [(id, [chunks])] open elements with an id
        self.exec_scripts, self.data_scripts = 0, 0
        self.svg_el = {}    # svg id -> [{"tag", "a", "title", "text"}] of the elements inside it
        self.svg_cur, self.svg_open = None, []   # the svg being read; its open elements

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in a:
            if k.lower().startswith("on"):
                self.handlers.append((tag, k))
        if tag == "script":
            self.scripts += 1
            if a.get("type") in (None, "", "text/javascript", "module"):
                self.exec_scripts += 1
            elif a.get("type") == "application/json":
                self.data_scripts += 1
        if tag == "svg" and "id" in a:
            self.svgs.append(a["id"])
            self.svg_cur = a["id"]
            self.svg_el[a["id"]] = []
        elif self.svg_cur:
            e = {"tag": tag, "a": a, "title": "", "text": ""}
            if tag != "title":
                self.svg_el[self.svg_cur].append(e)
            self.svg_open.append(e)
        if tag == "table":
            self.cur_table = a.get("id")
            if self.cur_table:
                self.tables[self.cur_table] = []
        if tag == "tr" and self.cur_table:
            self.row = []
        if tag in ("td", "th") and self.row is not None:
            self.cell = []
        if tag == "br" and self.cell is not None:
            self.cell.append(" ")
        if tag not in VOID:
            self.id_text.append((a.get("id"), tag, []))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg_cur, self.svg_open = None, []
        elif self.svg_cur and self.svg_open:
            while self.svg_open and self.svg_open.pop()["tag"] != tag:
                pass
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        if tag == "tr" and self.row is not None and self.cur_table:
            self.tables[self.cur_table].append(self.row)
            self.row = None
        if tag == "table":
            self.cur_table = None
        if any(t == tag for _, t, _ in self.id_text):
            while self.id_text:
                i, t, chunks = self.id_text.pop()
                if i:
                    self.ids[i] = "".join(chunks).strip()
                if t == tag:
                    break

    def handle_data(self, data):
        if self.svg_open:
            e = self.svg_open[-1]
            if e["tag"] == "title" and len(self.svg_open) > 1:
                self.svg_open[-2]["title"] += data
            elif e["tag"] == "text":
                e["text"] += data
        if self.cell is not None:
            self.cell.append(data)
        for _, _, chunks in self.id_text:
            chunks.append(data)


fails = []


def check(name, ok, detail=""):
    if not ok:
        fails.append(name + (": " + detail if detail else ""))


def pct(v):
    return "-" if v is None else "%.1f%%" % (100 * v)


def ci(c):
    return "-" if not c else "[%.1f, %.1f]" % (100 * c[0], 100 * c[1])


def main():
    dom_path, ev_path = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    d = Dom()
    d.feed(open(dom_path, encoding="utf-8").read())
    ev = json.load(open(ev_path))

    # plots
    want = ["plot-leaderboard", "plot-heatmap", "plot-itemmap", "plot-information", "plot-abilities",
            "plot-planner", "plot-funnel", "plot-positions", "plot-difficulty", "plot-made", "plot-drift"]
    if ev.get("size_consistency"):
        want.append("plot-sizes")
    if (ev.get("epochs") or 1) > 1:
        want.append("plot-epochs")
    for w in want:
        check("plot " + w + " present", w in d.svgs, "svgs: %s" % d.svgs)

    # leaderboard: every model with eval's accuracy, interval, n, missing
    rows = {r[1]: r for r in d.tables.get("tbl-leaderboard", [])[1:]}
    check("leaderboard has every model", len(rows) == len(ev["models"]), str(list(rows)))
    for m in ev["models"]:
        r = rows.get(m["model"])
        if not r:
            check("leaderboard row " + m["model"], False)
            continue
        check("accuracy of " + m["model"], r[2] == pct(m["accuracy"]), "%s vs %s" % (r[2], pct(m["accuracy"])))
        check("interval of " + m["model"], r[3] == ci(m["ci"]), "%s vs %s" % (r[3], ci(m["ci"])))
        check("n of " + m["model"], r[4] == str(m["n"]) and r[5] == str(m["missing"]))
    order = [r[1] for r in d.tables.get("tbl-leaderboard", [])[1:]]
    best = sorted(ev["models"], key=lambda m: -(m["accuracy"] or 0))
    check("leaderboard sorted by accuracy", order == [m["model"] for m in best], str(order))

    # per subtask
    sub = {r[0]: r for r in d.tables.get("tbl-subtasks", [])[1:]}
    for m in ev["models"]:
        for j, st in enumerate(ev["subtasks"]):
            o = m["subtasks"][st]
            cell = sub.get(m["model"], [""] * 99)[1 + j]
            exp = "%s %s n=%d" % (pct(o["accuracy"]), ci(o.get("ci")), o["n"])
            check("subtask cell %s/%s" % (m["model"], st), cell == exp, "%r vs %r" % (cell, exp))

    # paired comparisons
    pairs = d.tables.get("tbl-pairs", [])[1:]
    check("every pair listed", len(pairs) == len(ev.get("paired", [])))
    for r, p in zip(pairs, ev.get("paired", [])):
        exp = [p["a"], p["b"], "%+.1f" % (100 * p["diff"]), "[%+.1f, %+.1f]" % (100 * p["ci"][0], 100 * p["ci"][1]),
               str(p["only_a"]), str(p["only_b"]), "%.3g" % p["mcnemar_p"], "%.3g" % p["mcnemar_p_holm"]]
        check("pair %s vs %s" % (p["a"], p["b"]), r == exp, "%s vs %s" % (r, exp))
    holm = [p["mcnemar_p_holm"] for p in ev.get("paired", [])]
    check("Holm p >= raw p", all(p["mcnemar_p_holm"] >= p["mcnemar_p"] - 1e-12 for p in ev.get("paired", [])))
    check("separability", d.ids.get("separability") == "%.2f" % ev["separability"],
          "%s vs %.2f" % (d.ids.get("separability"), ev["separability"]))

    # item flags, abilities, planner
    f = ev["flags"]
    check("solved by all", d.ids.get("n-solved-all") == str(len(f["solved_by_all"])))
    check("solved by none", d.ids.get("n-solved-none") == str(len(f["solved_by_none"])))
    check("negative discrimination", d.ids.get("n-negdisc") == str(len(f["negative_discrimination"])))
    ab = {r[0]: r for r in d.tables.get("tbl-abilities", [])[1:]}
    for m in (ev.get("irt") or {}).get("models", []):
        r = ab.get(m["model"], ["", "", ""])
        check("theta of " + m["model"], r[1] == "%+.2f" % m["theta"] and r[2] == "%.2f" % m["se"],
              "%s vs %+.2f (%.2f)" % (r, m["theta"], m["se"]))
    check("items needed", d.ids.get("items-needed") == str(ev["planner"]["items_needed"]),
          "%s vs %s" % (d.ids.get("items-needed"), ev["planner"]["items_needed"]))

    # size vs accuracy
    for fam in ev.get("size_consistency", []):
        rows = [r for r in d.tables.get("tbl-sizes", []) if r and r[0].startswith("Spearman rho, " + fam["family"])]
        exp = "%+.2f" % fam["spearman"] if fam["spearman"] is not None else "undefined"
        check("spearman of " + fam["family"], rows and rows[0][1] == exp, "%s vs %s" % (rows, exp))

    plot_checks(d, ev)

    # hostile text stays text: one script that runs (ours; the transcripts' data block is not
    # run), no event handler attribute anywhere
    check("exactly one script that runs (the page's own)", d.exec_scripts == 1, "scripts: %d" % d.exec_scripts)
    check("at most one data block (the transcripts)", d.data_scripts <= 1 and d.scripts == d.exec_scripts + d.data_scripts,
          "scripts %d, data %d" % (d.scripts, d.data_scripts))
    check("no event-handler attribute", not d.handlers, str(d.handlers[:5]))
    if "--hostile" in args:
        hid = args[args.index("--hostile") + 1]
        txt = d.ids.get("t-" + hid, "")
        check("hostile transcript present", bool(txt))
        check("hostile script text shown as text", "<script>alert(1)</script>" in txt, txt[:200])
        check("hostile handler text shown as text", "onerror=alert(2)" in txt, txt[:200])
    if "--audit" in args:
        check("audit section present", "audit" in d.ids and "plot-audit" in d.svgs)
    if "--no-audit" in args:
        check("no audit section without audit.json", "audit" not in d.ids and "plot-audit" not in d.svgs)
    if "--audit-json" in args:
        audit_checks(d, json.load(open(args[args.index("--audit-json") + 1])), check)
    for x in fails:
        print("FAIL:", x)
    print("report_dom: %d checks failed" % len(fails))
    sys.exit(1 if fails else 0)


def tick_scale(els, pct):
    """value -> x of an SVG's x axis, from its first and last tick labels."""
    ticks = []
    for e in els:
        if e["tag"] == "text" and "tick" in e["a"].get("class", "") and e["a"].get("text-anchor") == "middle":
            t = e["text"].strip()
            try:
                v = float(t[:-1]) / 100 if pct and t.endswith("%") else float(t)
            except ValueError:
                continue
            ticks.append((v, float(e["a"]["x"])))
    if len(ticks) < 2 or ticks[-1][0] == ticks[0][0]:
        return None
    (v0, x0), (v1, x1) = ticks[0], ticks[-1]
    return lambda v: x0 + (v - v0) * (x1 - x0) / (v1 - v0)


def near(a, b, tol=0.25):
    return abs(float(a) - b) <= tol


def plot_checks(d, ev):
    """The plots show eval's numbers: the forest plots' points and intervals sit where the axis
    puts eval's accuracy and theta; the heatmap cells, the item map markers, the paired matrix,
    the test information and the planner hold eval's values."""
    models = ev["models"]
    best = sorted(models, key=lambda m: -(m["accuracy"] or 0))
    # leaderboard forest: one point and one interval per model, best first
    els = d.svg_el.get("plot-leaderboard", [])
    sc = tick_scale(els, True)
    pts = [e for e in els if e["tag"] == "circle" and "est" in e["a"].get("class", "")]
    cis = [e for e in els if e["tag"] == "line" and e["a"].get("class") == "ci"]
    check("leaderboard plot: a point per model", sc is not None and len(pts) == len(best), "%d points" % len(pts))
    for m, p, c in zip(best, pts, cis if len(cis) == len(best) else [None] * len(best)):
        check("leaderboard plot point of " + m["model"], sc and near(p["a"]["cx"], sc(m["accuracy"])),
              "%s vs %s" % (p["a"]["cx"], sc and sc(m["accuracy"])))
        check("leaderboard plot interval of " + m["model"],
              c is not None and near(c["a"]["x1"], sc(max(m["ci"][0], 0))) and near(c["a"]["x2"], sc(min(m["ci"][1], 1))),
              "%s vs %s" % (c and (c["a"]["x1"], c["a"]["x2"]), m["ci"]))
    # heatmap: one cell per model and subtask, in eval's order, its title the accuracy
    cells = [e for e in d.svg_el.get("plot-heatmap", []) if e["tag"] == "rect" and e["a"].get("class") != "empty"]
    want = [pct(m["subtasks"][st]["accuracy"]) for m in models for st in ev["subtasks"]
            if m["subtasks"].get(st) and m["subtasks"][st].get("accuracy") is not None]
    check("heatmap cells equal eval's per-subtask accuracy", [c["title"] for c in cells] == want,
          "%s vs %s" % ([c["title"] for c in cells][:6], want[:6]))
    # paired matrix: row minus column (a pair stored as (column, row) is shown negated)
    pm = d.tables.get("tbl-paired", [])
    pairs = {(p["a"], p["b"]): p for p in ev.get("paired", [])}
    if len(models) <= 12 and pairs:
        names = [m["model"] for m in models]
        check("paired matrix has every model", pm and pm[0][1:] == names and [r[0] for r in pm[1:]] == names)
        for i, ra in enumerate(names):
            for j, cb in enumerate(names):
                cell = pm[1 + i][1 + j] if len(pm) > 1 + i and len(pm[1 + i]) > 1 + j else None
                p, sg = pairs.get((ra, cb)), 1
                if p is None and (cb, ra) in pairs:
                    p, sg = pairs[(cb, ra)], -1
                if p is None:
                    check("paired matrix %s/%s empty" % (ra, cb), cell == "", repr(cell))
                    continue
                lo, hi = (p["ci"][0], p["ci"][1]) if sg > 0 else (-p["ci"][1], -p["ci"][0])
                exp = "%+.1f [%+.1f, %+.1f] p %.3g Holm %.3g" % (100 * sg * p["diff"], 100 * lo, 100 * hi,
                                                              p["mcnemar_p"], p["mcnemar_p_holm"])
                check("paired matrix %s/%s" % (ra, cb), cell == exp, "%r vs %r" % (cell, exp))
    irt = ev.get("irt")
    if irt:
        irt_checks(d, ev, irt)
    pl = ev["planner"]
    kv = {r[0]: r[1] for r in d.tables.get("tbl-planner", [])}
    check("planner: widest interval now", kv.get("widest interval now (half-width)") == "%.1f pts" % (100 * pl["current_half_width"]))
    check("planner: items now", kv.get("items now") == str(pl["items_now"]))
    check("planner: target", kv.get("target half-width") == "%.1f pts" % (100 * pl["target_half_width"]))
    z = {0.99: 2.576, 0.95: 1.96}.get(ev["stats"]["level"], 1.645)
    pq = min(pl["items_needed"] * pl["target_half_width"] ** 2 / z ** 2, 0.25)
    curve = d.tables.get("tbl-planner-curve", [])[1:]
    check("planner curve table present", len(curve) > 0)
    for r in curve:
        exp = "%.1f pts" % (100 * z * math.sqrt(pq / int(r[0])))
        check("planner curve at %s items" % r[0], r[1] == exp, "%s vs %s" % (r[1], exp))


def irt_checks(d, ev, irt):
    f = ev["flags"]
    cls = {}
    for k, c in (("solved_by_none", "f-none"), ("solved_by_all", "f-all"), ("negative_discrimination", "f-neg")):
        for i in f.get(k, []):
            cls[i] = c
    marks = {}
    for e in d.svg_el.get("plot-itemmap", []):
        m = re.match(r"^(.*): b (-?[0-9.]+), a (-?[0-9.]+)$", e["title"])
        if m:
            marks[m.group(1)] = (m.group(2), m.group(3), e["a"].get("class"))
    check("item map: a marker per item", len(marks) == len(irt["items"]), "%d vs %d" % (len(marks), len(irt["items"])))
    for it in irt["items"]:
        exp = ("%.2f" % it["b"], "%.2f" % it["a"], cls.get(it["id"], "pt"))
        check("item map marker of " + it["id"], marks.get(it["id"]) == exp, "%s vs %s" % (marks.get(it["id"]), exp))
    # test information at theta -4..4: sum of a^2 P (1 - P)
    rows = d.tables.get("tbl-information", [])[1:]
    check("test information table", len(rows) == 9, str(rows))
    for r in rows:
        th = float(r[0])
        info = 0.0
        for it in irt["items"]:
            p = 1 / (1 + math.exp(-it["a"] * (th - it["b"])))
            info += it["a"] ** 2 * p * (1 - p)
        check("information at %s" % r[0], r[1] == "%.2f" % info and r[2] == ("%.3f" % (1 / math.sqrt(info)) if info > 0 else "-"),
              "%s vs %.2f" % (r, info))
    # abilities forest: the points where the axis puts eval's theta
    els = d.svg_el.get("plot-abilities", [])
    sc = tick_scale(els, False)
    pts = [e for e in els if e["tag"] == "circle" and "est" in e["a"].get("class", "")]
    check("abilities plot: a point per model", sc is not None and len(pts) == len(irt["models"]))
    for m, p in zip(irt["models"], pts):
        check("abilities plot point of " + m["model"], sc and near(p["a"]["cx"], sc(m["theta"])),
              "%s vs %s" % (p["a"]["cx"], sc and sc(m["theta"])))


def fmt_or_dash(fmt, v):
    return "-" if v is None else fmt % v


def audit_ci(v):
    return "[%.1f, %.1f]" % tuple(v) if v and len(v) == 2 else "-"


def audit_checks(d, au, check):
    ov = au["overall"]
    check("audit items", d.ids.get("audit-items") == str(ov["items"]), "%s vs %s" % (d.ids.get("audit-items"), ov["items"]))
    check("audit passed", d.ids.get("audit-passed") == str(ov["passed"]), "%s vs %s" % (d.ids.get("audit-passed"), ov["passed"]))
    check("audit mean score", d.ids.get("audit-score") == fmt_or_dash("%.1f", ov["score"]["mean"]),
          "%s vs %s" % (d.ids.get("audit-score"), ov["score"]["mean"]))
    rows = {r[0]: r[1:] for r in d.tables.get("tbl-audit", [])[1:]}
    alpha = au["agreement"]["krippendorff_alpha"]
    for c in au["criteria"]:
        cr = ov["criteria"][c]
        exp = [fmt_or_dash("%.1f", cr["mean"]), audit_ci(cr["ci"]), fmt_or_dash("%.2f", alpha.get(c))]
        check("audit criterion " + c, rows.get(c) == exp, "%s vs %s" % (rows.get(c), exp))
    srows = {r[0]: r[1:] for r in d.tables.get("tbl-audit-subtasks", [])[1:]}
    for k, v in au["subtasks"].items():
        exp = [str(v["items"]), str(v["passed"]), fmt_or_dash("%.1f", v["score"]["mean"]), audit_ci(v["score"]["ci"])]
        check("audit subtask " + k, srows.get(k) == exp, "%s vs %s" % (srows.get(k), exp))
    h = au.get("humans")
    if h:
        check("audit vs people: items", d.ids.get("audit-h-items") == str(h["items"]))
        check("audit vs people: agreement", d.ids.get("audit-h-agreement") == fmt_or_dash("%.3f", h["agreement"]),
              "%s vs %s" % (d.ids.get("audit-h-agreement"), h["agreement"]))
        check("audit vs people: kappa", d.ids.get("audit-h-kappa") == fmt_or_dash("%.3f", h["cohen_kappa"]),
              "%s vs %s" % (d.ids.get("audit-h-kappa"), h["cohen_kappa"]))
        bt = h.get("best_threshold")
        if bt:
            check("audit vs people: best threshold", d.ids.get("audit-h-best") == fmt_or_dash("%.0f", bt["threshold"]),
                  "%s vs %s" % (d.ids.get("audit-h-best"), bt))
        cm = h["confusion"]
        exp = [["judges accept", str(cm["judge_accept_human_accept"]), str(cm["judge_accept_human_reject"])],
               ["judges reject", str(cm["judge_reject_human_accept"]), str(cm["judge_reject_human_reject"])]]
        got = d.tables.get("tbl-audit-confusion", [])[1:]
        check("audit vs people: confusion matrix", got == exp, "%s vs %s" % (got, exp))
    else:
        check("no agreement with people without reviews", "audit-h-kappa" not in d.ids)


if __name__ == "__main__":
    main()
