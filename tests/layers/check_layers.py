#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_layers.py - the file-level call graph of one library has no cycle
and follows its declared layer order.

    check_layers.py SPEC OBJECT... [--nm NM] [--graph]

OBJECTs are the library's object files (CMake's $<TARGET_OBJECTS>: each
named <target>.dir/<source>.o, the source path relative to the library's
folder), or one directory searched for them. A file depends on another when it
references a global symbol the other defines (nm: U against T/D/B/R...),
which is how one .c file calls another's function or reads its data.

SPEC lists the layers from the bottom up, one per line:

    log: rt_log.c rt_util.c
    file: rt_file.c
    # comments and blank lines are ignored

A file may use files of its own layer and of layers below it, never of a
layer above. Every object file found must be named in SPEC and every file
SPEC names must exist, so the spec cannot drift from the tree. Independent
of the order, the graph must have no cycle (a strongly connected component
of more than one file), even inside one layer.

Exit 0 when all holds; 1 with one line per violation otherwise.
"""
import os
import subprocess
import sys


def parse_spec(path):
    layers = []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if ":" not in line:
            sys.exit(f"{path}:{n}: expected 'layer: file...'")
        name, files = line.split(":", 1)
        layers.append((name.strip(), files.split()))
    return layers


def objects(paths):
    if len(paths) > 1 or not os.path.isdir(paths[0]):
        out = {}
        for o in paths:
            rel = o.split(".dir/", 1)[-1]
            out[rel[:-2] if rel.endswith(".o") else rel] = o
        return out
    objdir = paths[0]
    out = {}
    for root, _, files in os.walk(objdir):
        for f in files:
            if f.endswith(".o"):
                src = f[:-2]  # foo.c.o -> foo.c
                rel = os.path.relpath(os.path.join(root, src), objdir)
                out[rel] = os.path.join(root, f)
    return out


def symbols(nm, obj):
    text = subprocess.run([nm, "-P", obj], capture_output=True, text=True,
                          check=True).stdout
    defined, undefined = set(), set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind in "TDBRVWGS" or kind in "i":
            defined.add(name)
    return defined, undefined


def sccs(nodes, edges):
    """Tarjan's algorithm, iterative; returns the components."""
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
    return comps


def main():
    args = sys.argv[1:]
    nm, graph = "nm", False
    if "--nm" in args:
        i = args.index("--nm")
        nm = args[i + 1]
        del args[i:i + 2]
    if "--graph" in args:
        args.remove("--graph")
        graph = True
    if len(args) < 2:
        sys.exit(__doc__)
    spec, objdir = args[0], args[1:]
    layers = parse_spec(spec)
    level = {}
    for i, (_, files) in enumerate(layers):
        for f in files:
            if f in level:
                sys.exit(f"{spec}: {f} is named twice")
            level[f] = i
    objs = objects(objdir)
    if not objs:
        sys.exit(f"{' '.join(objdir)}: no object files")
    bad = []
    for f in sorted(set(objs) - set(level)):
        bad.append(f"{f}: not in {os.path.basename(spec)} (every file has a layer)")
    for f in sorted(set(level) - set(objs)):
        bad.append(f"{f}: named in {os.path.basename(spec)} but not built")
    owner, needs = {}, {}
    for f, o in objs.items():
        d, u = symbols(nm, o)
        for s in d:
            owner.setdefault(s, f)
        needs[f] = u
    edges = {}
    for f, u in needs.items():
        for s in u:
            g = owner.get(s)
            if g and g != f:
                edges.setdefault(f, {}).setdefault(g, set()).add(s)
    for f in sorted(edges):
        for g in sorted(edges[f]):
            if graph:
                print(f"{f} -> {g}: {', '.join(sorted(edges[f][g])[:4])}")
            if f in level and g in level and level[g] > level[f]:
                bad.append(f"{f} (layer {layers[level[f]][0]}) uses {g} (layer "
                           f"{layers[level[g]][0]}, above it): "
                           f"{', '.join(sorted(edges[f][g])[:4])}")
    for comp in sccs(sorted(objs), {f: set(e) for f, e in edges.items()}):
        if len(comp) > 1:
            bad.append("cycle: " + " <-> ".join(sorted(comp)))
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
