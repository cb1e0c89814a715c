#!/usr/bin/env python3
"""Render a page in headless Chromium (Debian's chromium) and report what
the page did: the DOM after scripts ran, console messages (errors,
uncaught exceptions, CSP refusals), and the network requests the page
itself started (the browser's own background traffic is not the page's).

usage: browser.py URL --dom OUT.html [--png OUT.png] [--size 1400,3000]
prints one JSON object: {"console": [...], "requests": [...]}
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


def requests_of(net):
    try:
        with open(net) as f:
            d = json.load(f)
    except (OSError, ValueError):
        # the log of a killed browser may lack its closing brackets
        with open(net) as f:
            txt = f.read().rstrip().rstrip(",")
        d = json.loads(txt + "]}")
    out = []
    for e in d.get("events", []):
        p = e.get("params") or {}
        if "url" in p and "method" in p and p.get("initiator") != "not an origin":
            out.append(p["url"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--dom")
    ap.add_argument("--png")
    ap.add_argument("--size", default="1400,2000")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    res = {"console": [], "requests": []}
    try:
        if a.dom:
            p, net = run(a.url, ["--dump-dom", "--virtual-time-budget=3000"], tmp)
            with open(a.dom, "wb") as f:
                f.write(p.stdout)
            res["console"] += console_of(p.stderr)
            res["requests"] += requests_of(net)
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
