#!/usr/bin/env python3
"""How wide a page lays out in headless Chromium at a given window width.

usage: page_width.py PAGE.html [--fragment t-ID] [--script page.js] [--width 1000] [--dom OUT]
prints one JSON object: {"inner": window.innerWidth, "scroll": the document's
scrollWidth, "body": body.scrollWidth, "widest": the right edge of the widest
element, "who": that element (tag.class#id), "tx": how many .tx blocks the
page shows}.

A copy of the page is rendered from a file (beside PAGE.html) with a measuring
script added before </body>; a served page's <script src="/page.js"> is
replaced by the script file given (--script), so the viewer the page script
builds is measured too. The measurement runs after the load event, when the
page script has filled the page.
"""
import argparse, json, os, re, shutil, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser  # noqa: E402

MEASURE = """<script>
window.addEventListener('load',function(){setTimeout(function(){
var d=document,e=d.documentElement,w=0,who='';
[].forEach.call(d.querySelectorAll('body *'),function(x){var r=x.getBoundingClientRect();
if(r.width>0&&r.right>w){w=r.right;who=x.tagName.toLowerCase()+'.'+x.className+'#'+x.id;}});
var o=d.createElement('div');o.id='page-width';o.style.display='none';
o.textContent=JSON.stringify({inner:innerWidth,scroll:e.scrollWidth,body:d.body.scrollWidth,
widest:Math.round(w),who:who,tx:d.querySelectorAll('.tx').length});
d.body.appendChild(o);},100);});
</script>"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("--fragment", default="")
    ap.add_argument("--script")
    ap.add_argument("--width", type=int, default=1000)
    ap.add_argument("--dom")
    a = ap.parse_args()
    html = open(a.page, encoding="utf-8").read()
    if a.script:
        js = open(a.script, encoding="utf-8").read()
        html = html.replace('<script src="/page.js"></script>', "<script>" + js + "</script>")
    if "</body>" not in html:
        sys.exit("page_width.py: %s has no </body>" % a.page)
    i = html.rindex("</body>")
    html = html[:i] + MEASURE + html[i:]
    copy = re.sub(r"\.html?$", "", a.page) + ".measure.html"
    with open(copy, "w", encoding="utf-8") as f:
        f.write(html)
    tmp = tempfile.mkdtemp()
    try:
        url = "file://" + os.path.abspath(copy) + ("#" + a.fragment if a.fragment else "")
        p, _ = browser.run(url, ["--dump-dom", "--virtual-time-budget=3000",
                                 "--window-size=%d,900" % a.width, "--hide-scrollbars"], tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    dom = p.stdout.decode("utf-8", "replace")
    if a.dom:
        with open(a.dom, "w", encoding="utf-8") as f:
            f.write(dom)
    m = re.search(r'<div id="page-width" style="display: none;">([^<]*)</div>', dom)
    if not m:
        sys.exit("page_width.py: no measurement in the rendered page: " + p.stderr.decode()[-400:])
    print(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))


if __name__ == "__main__":
    main()
