#!/usr/bin/env python3
"""Print the call circles between the files of one module.

For each src/<module>/, a file calls another when it names (followed by
"(") a function that the other defines without "static"; a circle is a
set of two or more files that reach each other that way (a strongly
connected component). Comments and string literals are ignored. Prints
one line a circle, "module: a.c -> b.c (fn, ...); ...", nothing when
there is none. Usage: module-cycles.py SRC_DIR
"""
import os
import re
import sys

DEF = re.compile(r'^(?!static\b|typedef\b|extern\b|struct\b|enum\b|union\b|#)'
                 r'[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*\n\{', re.M)
STRIP = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def strip(text):
    return STRIP.sub(lambda m: '""' if m.group(0).startswith('"') else ' ', text)


def sccs(nodes, edges):
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(src):
    sys.setrecursionlimit(10000)
    for mod in sorted(os.listdir(src)):
        d = os.path.join(src, mod)
        if not os.path.isdir(d):
            continue
        files = sorted(f for f in os.listdir(d) if f.endswith('.c'))
        text = {}
        for f in files:
            with open(os.path.join(d, f), encoding='utf-8', errors='replace') as fh:
                text[f] = strip(fh.read())
        owner = {}
        for f in files:
            for m in DEF.finditer(text[f]):
                owner.setdefault(m.group(1), f)
        edges, why = {}, {}
        for f in files:
            for name in set(re.findall(r'\b([A-Za-z_]\w*)\s*\(', text[f])):
                g = owner.get(name)
                if g and g != f:
                    edges.setdefault(f, set()).add(g)
                    why.setdefault((f, g), set()).add(name)
        for comp in sccs(files, edges):
            if len(comp) < 2:
                continue
            parts = []
            for f in comp:
                for g in sorted(edges.get(f, ())):
                    if g in comp:
                        parts.append('%s -> %s (%s)' % (f, g, ', '.join(sorted(why[(f, g)]))))
            print('%s: %s' % (mod, '; '.join(parts)))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'src')
