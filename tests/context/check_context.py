#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Context mode end to end: runs ctxprog under VITPROF_MODE=context (and
context,time), checks `vitprof export --format folded` line by line against
the tree ctxprog.c builds, that the folded total equals the root's total,
and that `vitprof flamegraph` writes well-formed XML with one <title> per
frame."""
import os
import struct
import sys
import xml.etree.ElementTree as ET

EXPECTED = {
    "main": 1,
    "main;a": 1,
    "main;a;b": 3,
    "main;b": 3,
    "main;jumper": 1,
    "main;jumper;deep1": 1,
    "main;jumper;deep1;deep2": 1,
    "main;rec": 1,
    "main;rec;rec": 1,
    "main;rec;rec;rec": 1,
    "main;rec;rec;rec;rec": 1,
    "main;rec;rec;rec;rec;rec": 1,
    "worker": 2,
    "worker;a": 2,
    "worker;a;b": 6,
    "worker;b": 2,
}

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

CHECKS = vptest.Checks()
check = CHECKS.expect


def run(cmd, **kw):
    r = vptest.run(cmd, **kw)
    if r.returncode != 0:
        print(" ".join(cmd), "->", r.returncode, r.stderr)
    return r


def folded(vitprof, raw, extra=()):
    r = run([vitprof, "export", "--format", "folded", "--no-coverage", "--keep-all", "-o", "-"] +
            list(extra) + [raw])
    check(r.returncode == 0, "export --format folded succeeds")
    lines = {}
    for line in r.stdout.splitlines():
        path, _, n = line.rpartition(" ")
        check(path not in lines, "path %s appears once" % path)
        lines[path] = int(n)
    return lines


def record(prog, scratch, mode):
    raw = os.path.join(scratch, mode.replace(",", "_") + ".vitraw")
    env = dict(os.environ, VITPROF_MODE=mode, VITPROF_FILE=raw)
    r = run([prog], env=env)
    check(r.returncode == 0, "%s: program exits 0" % mode)
    return raw


def svg_check(vitprof, raw, out, lines, all_frames=True):
    r = run([vitprof, "flamegraph", "-o", out, raw])
    check(r.returncode == 0, "flamegraph succeeds")
    root = ET.parse(out).getroot()          # well-formed XML or an exception
    ns = "{http://www.w3.org/2000/svg}"
    check(root.tag == ns + "svg", "root element is <svg>")
    frames = root.findall(ns + "g")
    # one frame per distinct path prefix, plus "all"
    prefixes = {"all"}
    for p in lines:
        parts = p.split(";")
        for i in range(1, len(parts) + 1):
            prefixes.add(";".join(parts[:i]))
    titles = [g.find(ns + "title") for g in frames]
    check(all(t is not None for t in titles), "every frame has a <title>")
    names = sorted(t.text.split(" (")[0] for t in titles if t is not None)
    want = sorted(p.split(";")[-1] for p in prefixes)
    if all_frames:
        check(len(frames) == len(prefixes),
              "%d frames for %d paths" % (len(frames), len(prefixes)))
        check(names == want, "frame names %s == %s" % (names, want))
    else:   # frames under 0.1 px are left out
        check(0 < len(frames) <= len(prefixes),
              "%d frames for %d paths" % (len(frames), len(prefixes)))
        check(set(names) <= set(want), "frame names %s in %s" % (names, want))
    return root


def ctx_nodes(data):
    """(offset of the node, parent, id, table offset) of every node of every
    live table."""
    page, first, end = struct.unpack_from("<IQQ", data, 0x14)
    off, out = first, []
    while off < end:
        magic, typ, _, size = struct.unpack_from("<IIQQ", data, off)
        if typ == 2:
            live, es = struct.unpack_from("<II", data, off + 52)
            cap, _, eoff = struct.unpack_from("<QQQ", data, off + 64)
            if live == 1 and es == 56:
                for i in range(cap):
                    o = off + eoff + i * 56
                    parent, fn, _, _, _, nid, _ = struct.unpack_from("<7Q", data, o)
                    if fn:
                        out.append((o, parent, nid, off))
        off += size
    return out


def corrupt(vitprof, raw, scratch):
    """The reader refuses a parent that does not exist or makes a cycle."""
    data = bytearray(open(raw, "rb").read())
    nodes = ctx_nodes(data)
    check(len(nodes) >= 16, "%d context nodes found in the file" % len(nodes))
    tables = [n[3] for n in nodes]
    big = max(set(tables), key=tables.count)     # main's shard
    child = [n for n in nodes if n[1] != 0 and n[3] == big][0]
    for what, parent, msg in (("cycle", child[2], "not an earlier node"),
                              ("missing", 0xffff, "not an earlier node")):
        bad = bytearray(data)
        struct.pack_into("<Q", bad, child[0], parent)
        path = os.path.join(scratch, "bad-%s.vitraw" % what)
        open(path, "wb").write(bad)
        r = run([vitprof, "export", "--format", "folded", "--no-coverage", "-o", "-", path])
        check(r.returncode != 0 and msg in r.stderr, "reader refuses a %s parent: %s"
              % (what, r.stderr.strip()))
    bad = bytearray(data)
    other = [n for n in nodes if n[3] == child[3] and n[2] != child[2]][0]
    struct.pack_into("<Q", bad, child[0] + 40, other[2])
    path = os.path.join(scratch, "bad-dupid.vitraw")
    open(path, "wb").write(bad)
    r = run([vitprof, "export", "--format", "folded", "--no-coverage", "-o", "-", path])
    check(r.returncode != 0 and "used twice" in r.stderr,
          "reader refuses a duplicate id: %s" % r.stderr.strip())


def main():
    a = vptest.arguments(("--prog", "--vitprof", "--scratch"))
    vptest.fresh_dir(a.scratch)

    # context: exact counts per path
    raw = record(a.prog, a.scratch, "context")
    lines = folded(a.vitprof, raw)
    for k in sorted(set(lines) | set(EXPECTED)):
        check(lines.get(k) == EXPECTED.get(k),
              "%s: %s, expected %s" % (k, lines.get(k), EXPECTED.get(k)))
    check(sum(lines.values()) == 28, "folded total %d == 28 calls" % sum(lines.values()))
    corrupt(a.vitprof, raw, a.scratch)
    root = svg_check(a.vitprof, raw, os.path.join(a.scratch, "ctx.svg"), lines)
    ns = "{http://www.w3.org/2000/svg}"
    all_title = [g.find(ns + "title").text for g in root.findall(ns + "g")
                 if g.find(ns + "title").text.startswith("all (")]
    check(all_title == ["all (28 calls, 100.00%)"],
          "root frame total = folded total: %s" % all_title)
    # the other commands read a context profile too (edges made from nodes)
    r = run([a.vitprof, "export", "--format", "vitprof", "--no-coverage", "-o",
             os.path.join(a.scratch, "ctx.vitprof"), raw])
    check(r.returncode == 0, "export --format vitprof reads a context profile")
    if r.returncode == 0:
        import json
        import jsonschema
        schema = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                              "docs", "vitprof.schema.json")
        with open(os.path.join(a.scratch, "ctx.vitprof")) as f:
            doc = json.load(f)
        try:
            jsonschema.validate(doc, json.load(open(schema)))
            ok = True
        except jsonschema.ValidationError as e:
            ok = False
            print("schema: %s" % e.message)
        check(ok and doc["program"]["mode"] == "context",
              "the context profile's document matches the schema, mode 'context'")
    r = run([a.vitprof, "show", raw])
    check(r.returncode == 0, "show reads a context profile")

    # deep recursion: the table grows twice with ~500 and ~2000 frames open
    raw = os.path.join(a.scratch, "deep.vitraw")
    r = run([a.prog, "2100"], env=dict(os.environ, VITPROF_MODE="context", VITPROF_FILE=raw))
    check(r.returncode == 0, "deep: program exits 0")
    dl = folded(a.vitprof, raw, ["--keep-all"])       # not pruned, not cut
    want = {";".join(["main"] + ["rec"] * k): 1 for k in range(0, 2101)}
    check(dl == want, "deep: %d paths, each once (%d expected)" % (len(dl), len(want)))

    # context,time: same paths, values are self ns; total = root's total
    raw = record(a.prog, a.scratch, "context,time")
    tl = folded(a.vitprof, raw)
    check(set(tl) <= set(EXPECTED), "context,time paths %s" % sorted(set(tl) - set(EXPECTED)))
    check(sum(tl.values()) > 0, "context,time has time")
    root = svg_check(a.vitprof, raw, os.path.join(a.scratch, "time.svg"), tl, False)
    all_title = [g.find(ns + "title").text for g in root.findall(ns + "g")
                 if g.find(ns + "title").text.startswith("all (")]
    check(all_title and all_title[0].startswith("all (%d ns" % sum(tl.values())),
          "root frame total %s = folded total %d" % (all_title, sum(tl.values())))

    # a count-mode profile has no contexts: one clear error
    raw = record(a.prog, a.scratch, "count")
    r = run([a.vitprof, "export", "--format", "folded", "--no-coverage", "-o", "-", raw])
    check(r.returncode != 0 and "VITPROF_MODE=context" in r.stderr,
          "folded refuses a count-mode profile")

    CHECKS.finish()


if __name__ == "__main__":
    main()
