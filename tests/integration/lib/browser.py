#!/usr/bin/env python3
"""Render a page in headless Chromium (Debian's chromium) and report what
the page did: the DOM after scripts ran, console messages (errors,
uncaught exceptions, CSP refusals), and the network requests the page
itself started (the browser's own background traffic is not the page's).

usage: browser.py URL --dom OUT.html [--png OUT.png] [--size 1400,3000]
prints one JSON object: {"console": [...], "requests": [...], "responses": [...]}
where responses are the HTTP answers the page's requests got, read from
the browser's net log: {"url", "status", "content_type"}.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]


def chromium():
    for c in ("chromium", "chromium-browser"):
        p = shutil.which(c)
        if p:
            return p
    sys.exit("browser.py: chromium is not installed (scripts/install-deps.sh installs it)")


def run(url, extra, tmp):
    prof = tempfile.mkdtemp(dir=tmp)
    net = os.path.join(tmp, "net-%d.json" % len(os.listdir(tmp)))
    cmd = [chromium()] + FLAGS + ["--user-data-dir=" + prof, "--enable-logging=stderr", "--v=0",
                                  "--log-net-log=" + net] + extra + [url]
    p = subprocess.run(cmd, capture_output=True, timeout=180)
    return p, net


def console_of(stderr):
    out = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        m = re.search(r":CONSOLE(?:\(\d+\)|:\d+)\] (.*)$", line)
        if m:
            out.append(m.group(1))
    return out


def load_net(net):
    try:
        with open(net) as f:
            d = json.load(f)
    except (OSError, ValueError):
        # the log of a killed browser may lack its closing brackets
        with open(net) as f:
            txt = f.read().rstrip().rstrip(",")
        d = json.loads(txt + "]}")
    return d


def requests_of(net):
    d = load_net(net)
    out = []
    for e in d.get("events", []):
        p = e.get("params") or {}
        if "url" in p and "method" in p and p.get("initiator") != "not an origin":
            out.append(p["url"])
    return out


def responses_of(net):
    d = load_net(net)
    kind = (d.get("constants") or {}).get("logEventTypes", {}).get("HTTP_TRANSACTION_READ_RESPONSE_HEADERS")
    urls, out = {}, []
    for e in d.get("events", []):
        p = e.get("params") or {}
        src = (e.get("source") or {}).get("id")
        if "url" in p and "method" in p:
            urls[src] = p["url"]
        elif kind is not None and e.get("type") == kind and src in urls:
            hs = p.get("headers") or []
            status = int(hs[0].split()[1]) if hs and len(hs[0].split()) > 1 else None
            ct = [h.split(":", 1)[1].strip() for h in hs[1:] if h.lower().startswith("content-type:")]
            out.append({"url": urls[src], "status": status, "content_type": ct[0] if ct else None})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--dom")
    ap.add_argument("--png")
    ap.add_argument("--size", default="1400,2000")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    res = {"console": [], "requests": [], "responses": []}
    try:
        if a.dom:
            p, net = run(a.url, ["--dump-dom", "--virtual-time-budget=3000"], tmp)
            with open(a.dom, "wb") as f:
                f.write(p.stdout)
            res["console"] += console_of(p.stderr)
            res["requests"] += requests_of(net)
            res["responses"] += responses_of(net)
        if a.png:
            p, net = run(a.url, ["--screenshot=" + a.png, "--window-size=" + a.size, "--hide-scrollbars"], tmp)
            res["console"] += console_of(p.stderr)
            res["requests"] += requests_of(net)
            if not os.path.exists(a.png):
                sys.exit("browser.py: no screenshot written: " + p.stderr.decode()[-400:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
