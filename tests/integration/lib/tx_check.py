#!/usr/bin/env python3
"""Checks the transcripts a report page holds (its data block, tx-data) against
the store, read here with sqlite3 and not through the report's code: every
stored row of the given models on the given items is in the page with its
outcome, score, extracted answer, raw reply, error and judge verdict, and the
messages the page shows for it are exactly those of the request the gateway
logged for it (llm_calls.request through the row's call_key), though the page
stores each text once. Also: the block holds no '<' (nothing in it can end
the element or start markup), and its items are the given ids, in order.

usage: tx_check.py PAGE.html STATE.db ITEMS.jsonl BENCH_KEY [--ids N EVAL.json]
(--ids N: the page holds the first N items and every flagged one after them)
Prints one line per failure and a summary; exits 1 if any check failed.
"""
import base64, hashlib, json, re, sqlite3, sys

fails = []


def check(name, ok, detail=""):
    if not ok:
        fails.append(name + (": " + detail if detail else ""))


def data_block(html):
    m = re.search(r'<script type="?application/json"? id="?tx-data"?>(.*?)</script>', html, re.S)
    return m.group(1) if m else None


def norm_request(req):
    """The messages of a canonical request as (role, [(kind, value)])."""
    out = []
    if isinstance(req.get("system"), str):
        out.append(("system", [("text", req["system"])]))
    for m in req.get("messages", []):
        c, parts = m.get("content"), []
        if isinstance(c, str):
            parts.append(("text", c))
        for p in c if isinstance(c, list) else []:
            t = p.get("type")
            if t == "text":
                parts.append(("text", p.get("text", "")))
            elif t == "image_url":
                parts.append(("image", p["image_url"]["url"]))
            elif t == "input_audio":
                # the call log keeps eval's audio as the SHA-256 of its bytes
                a = p["input_audio"]
                parts.append(("audio", a["sha256"] if "sha256" in a else hashlib.sha256(base64.b64decode(a["data"])).hexdigest()))
            else:
                parts.append(("other", "[%s part]" % t))
        out.append((m.get("role", "?"), parts))
    return out


def norm_set(D, ms):
    S, out = D["s"], []
    for role, parts in D["m"][ms]:
        ps = []
        for p in parts:
            kind = ["text", "image", "audio", "other"][p[0]]
            v = "".join(S[i] for i in p[1:]) if p[0] == 0 else S[p[1]]
            if p[0] == 2:   # the bytes the page plays
                v = hashlib.sha256(base64.b64decode(v.split(",", 1)[1], validate=True)).hexdigest()
            ps.append((kind, v))
        out.append((S[role], ps))
    return out


def main():
    page, db, items_path, bench = sys.argv[1:5]
    args = sys.argv[5:]
    html = open(page, encoding="utf-8").read()
    raw = data_block(html)
    check("the page has one data block", raw is not None and html.count('id=tx-data') + html.count('id="tx-data"') == 1)
    if raw is None:
        return finish()
    check("no '<' in the data block", "<" not in raw)
    D = json.loads(raw)
    S = D["s"]
    ids = [json.loads(l)["id"] for l in open(items_path)]
    got = [S[it[0]] for it in D["items"]]
    if "--ids" in args:
        ev = json.load(open(args[args.index("--ids") + 2]))
        n = int(args[args.index("--ids") + 1])
        flagged = {i for k in ("solved_by_all", "solved_by_none", "negative_discrimination") for i in ev["flags"].get(k, [])}
        want = ids[:n] + [i for i in ids[n:] if i in flagged]
        check("the first %d items and every flagged one, in item order" % n, got == want and len(want) > n,
              "%s vs %s" % (got[:8], want[:8]))
    else:
        check("every item, in item order", got == ids, "%d vs %d items" % (len(got), len(ids)))
    models = D["models"]
    con = sqlite3.connect(db)
    q = ("SELECT r.model, r.item, r.epoch, r.score, r.extracted, r.response, r.error, r.judge, c.request "
         "FROM eval_results r LEFT JOIN llm_calls c ON c.key = r.call_key WHERE r.bench = ? AND r.item = ?")
    n_rows = n_msgs = 0
    for it in D["items"]:
        iid = S[it[0]]
        rows = {(models[r[0]], r[1]): r for r in it[6]}
        stored = [x for x in con.execute(q, (bench, iid)).fetchall() if x[0] in models]
        check("rows of %s" % iid, len(rows) == len(it[6]) == len(stored), "%d in page, %d stored" % (len(it[6]), len(stored)))
        for model, _, epoch, score, extracted, response, error, judge, request in stored:
            r = rows.get((model, epoch))
            if r is None:
                check("row %s %s %d in the page" % (iid, model, epoch), False)
                continue
            n_rows += 1
            outcome = 3 if error is not None or score is None else 0 if score >= 1 else 1 if score <= 0 else 2
            s = lambda k: S[r[k]] if len(r) > k and isinstance(r[k], int) and r[k] >= 0 else None
            check("row %s %s %d: outcome and score" % (iid, model, epoch), r[2] == outcome and r[3] == score, str(r[:4]))
            check("row %s %s %d: extracted, reply, error" % (iid, model, epoch),
                  (s(4), s(5), s(6)) == (extracted, response, error), str((s(4), s(5), s(6)))[:200])
            if judge:
                j = json.loads(judge)
                pj = r[7] if len(r) > 7 else 0
                check("row %s %s %d: judge" % (iid, model, epoch),
                      pj and [S[pj[0]], pj[1], S[pj[2]]] == [j.get("model", ""), j.get("score"), j.get("reason", "")])
            ms = r[8] if len(r) > 8 else it[5]
            if request is None:
                check("row %s %s %d: a request not logged is said so" % (iid, model, epoch), ms == -1)
                continue
            n_msgs += 1
            check("row %s %s %d: the messages shown are the ones sent" % (iid, model, epoch),
                  ms >= 0 and norm_set(D, ms) == norm_request(json.loads(request)))
    print("tx_check: %d items, %d rows, %d with their messages compared to the call log; %d strings, %d message sets"
          % (len(D["items"]), n_rows, n_msgs, len(S), len(D["m"])))
    check("some rows compared", n_rows > 0 and n_msgs > 0)
    return finish()


def finish():
    for x in fails[:20]:
        print("FAIL:", x)
    print("tx_check: %d checks failed" % len(fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
