# SPDX-License-Identifier: MIT
"""The tool never trusts counts, sizes or offsets (docs/cli.md, "Limits").

    python3 check_overflow.py CASE --vitprof TOOL --mkraw OVF_MKRAW --scratch DIR

Each CASE crafts inputs at and just past one limit (raw profiles written
by ovf_mkraw, a profile of itself with the counts it is given; .vitprof
documents exported from them and edited here; raw files patched here; for
the coverage case, a real run of covsum_a.c + covsum_b.c scaled by
`vitprof merge -w`) and
checks, for every input past a limit, that the tool

  - exits 1 (not 0, not a signal),
  - prints exactly one line on stderr, "vitprof: FILE: ..." naming the
    offending file, with the expected words,
  - leaves no output file (nor a temporary one) behind, and an existing
    .gcda byte for byte as it was;

and, for every in-range limit case, that it succeeds with the exact value
(read back from the tool's JSON with Python's unbounded integers, or from
the .gcda bytes, parsed here). Exit 0 pass, 1 fail, 77 skip.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys

U64 = 2**64 - 1
I64 = 2**63 - 1
U32 = 2**32 - 1

failures = []
checks = 0


def log(msg):
    print("[overflow.%s] %s" % (ARGS.case, msg), flush=True)


def expect(cond, msg):
    global checks
    checks += 1
    if not cond:
        failures.append(msg)
        log("FAIL: " + msg)
    return cond


def run(*argv):
    p = subprocess.run([ARGS.vitprof] + [str(a) for a in argv], cwd=ARGS.scratch,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def mkraw(name, *kv):
    subprocess.run([ARGS.mkraw, os.path.join(ARGS.scratch, name)] + list(kv), check=True)
    return name


def path(name):
    return os.path.join(ARGS.scratch, name)


def listing():
    return sorted(os.listdir(ARGS.scratch))


def refused(what, argv, file, words, out=None):
    """argv must fail: exit 1, one stderr line naming file with words, no out."""
    before = listing()
    rc, so, se = run(*argv)
    # "note:" lines are information that goes with some inputs (a hooked
    # training run's .gcda), not part of the refusal
    lines = [l for l in se.splitlines() if not l.startswith("vitprof: %s: note: " % file)
             and ": note: " not in l]
    ok = expect(rc == 1, "%s: exit status %d, want 1 (stderr: %s)" % (what, rc, se.strip()))
    ok &= expect(len(lines) == 1, "%s: %d stderr lines, want 1: %r" % (what, len(lines), se))
    if lines:
        prefix = "vitprof: %s: " % file
        ok &= expect(lines[0].startswith(prefix),
                     "%s: message does not start with %r: %r" % (what, prefix, lines[0]))
        for w in words:
            ok &= expect(w in lines[0], "%s: %r not in the message %r" % (what, w, lines[0]))
    if out:
        ok &= expect(not os.path.exists(path(out)), "%s: output %s was written" % (what, out))
    after = listing()
    ok &= expect(after == before, "%s: files left behind: %s" % (
        what, sorted(set(after) - set(before))))
    if ok:
        log("refused as expected: %s -> %s" % (what, lines[0] if lines else ""))
    return so


def accepted(what, argv):
    rc, so, se = run(*argv)
    expect(rc == 0, "%s: exit status %d, want 0 (stderr: %s)" % (what, rc, se.strip()))
    # the sanitized build: UBSan reports and goes on
    expect("runtime error" not in se and "Sanitizer" not in se,
           "%s: sanitizer report: %s" % (what, se.strip()))
    return so


def export_json(src, out):
    accepted("export " + src, ["export", "--no-coverage", src, "-o", out])
    with open(path(out)) as f:
        return json.load(f)


def fn(doc, name):
    return [f for f in doc["functions"] if f["name"] == name][0]


def leaf_edges(doc):
    leaf = fn(doc, "ovf_leaf")["id"]
    return [e for e in doc["edges"] if e["callee"] == leaf]


def raw_counts(name):
    """ovf_leaf's calls and edge counts of a raw profile, from its export."""
    d = export_json(name, name + ".json")
    os.unlink(path(name + ".json"))
    return fn(d, "ovf_leaf")["calls"], sorted(e["count"] for e in leaf_edges(d))


def edit_doc(src, dst, change):
    with open(path(src)) as f:
        d = json.load(f)
    change(d)
    with open(path(dst), "w") as f:
        json.dump(d, f)
    return dst


def set_leaf(value, field="calls"):
    def change(d):
        fn(d, "ovf_leaf")[field] = value
        for e in leaf_edges(d):
            e["count"] = value
    return change


# ---- .gcda, parsed here (GCC 12 layout, docs/gcda.md) ----------------------

def gcda_parse(name):
    """(runs, sum_max, [(ident, [counters])]) of a GCC 12 .gcda."""
    data = open(path(name), "rb").read()
    w = lambda o: struct.unpack_from("<I", data, o)[0]
    assert w(0) == 0x67636461, "not a .gcda"
    pos, runs, sum_max, fns = 16, None, None, []
    while pos + 8 <= len(data):
        tag, length = w(pos), w(pos + 4)
        pos += 8
        if tag == 0:
            break
        if tag == 0xa1000000:
            runs, sum_max = w(pos), w(pos + 4)
        elif tag == 0x01000000:
            fns.append((w(pos), []))
        elif tag == 0x01a10000:
            if length & 0x80000000:        # all zero: -(8 * n), no payload
                fns[-1][1].extend([0] * ((-(length - 2**32)) // 8))
                length = 0
            else:
                fns[-1][1].extend(struct.unpack_from("<%dq" % (length // 8), data, pos))
        pos += length
    return runs, sum_max, fns


# ---- the cases ----------------------------------------------------------------

def case_raw_merge():
    # per-edge sum: 2^63 + (2^63-1) = 2^64-1 exactly; 2^63 + 2^63 refused
    mkraw("a.vitraw", "edge=%d" % 2**63)
    mkraw("b.vitraw", "edge=%d" % (2**63 - 1))
    mkraw("c.vitraw", "edge=%d" % 2**63)
    accepted("merge a b", ["merge", "a.vitraw", "b.vitraw", "-o", "ab.vitraw"])
    calls, counts = raw_counts("ab.vitraw")
    expect(calls == U64 and counts == [U64], "a+b: calls %d, edges %s, want 2^64-1" % (
        calls, counts))
    log("a + b: calls %d (2^64-1)" % calls)
    refused("merge a c", ["merge", "a.vitraw", "c.vitraw", "-o", "ac.vitraw"], "c.vitraw",
            ["count overflow", "count of the edge", "past 2^64-1"], "ac.vitraw")
    # the sum of all edges: each edge fits, their total does not
    mkraw("s1.vitraw", "edge=0", "edge2=%d" % 2**63)
    refused("merge a s1 (all edges)", ["merge", "a.vitraw", "s1.vitraw", "-o", "as.vitraw"],
            "s1.vitraw", ["count overflow", "the counts of all edges", "past 2^64-1"],
            "as.vitraw")
    mkraw("s2.vitraw", "edge=0", "edge2=%d" % (2**63 - 1))
    accepted("merge a s2", ["merge", "a.vitraw", "s2.vitraw", "-o", "as2.vitraw"])
    calls, counts = raw_counts("as2.vitraw")
    expect(calls == U64 and counts == [2**63 - 1, 2**63],
           "a+s2: calls %d, edges %s" % (calls, counts))
    # header sums: lost_calls, merged runs
    mkraw("l1.vitraw", "lost=%d" % U64)
    mkraw("l2.vitraw", "lost=1")
    refused("merge lost_calls", ["merge", "l1.vitraw", "l2.vitraw", "-o", "l.vitraw"],
            "l2.vitraw", ["count overflow", "lost_calls"], "l.vitraw")
    mkraw("r1.vitraw", "runs=%d" % U64)
    mkraw("r2.vitraw")
    refused("merge runs", ["merge", "r1.vitraw", "r2.vitraw", "-o", "r.vitraw"], "r2.vitraw",
            ["count overflow", "merged runs"], "r.vitraw")
    mkraw("r3.vitraw", "runs=%d" % (U64 - 1))
    accepted("merge runs 2^64-2 + 1", ["merge", "r3.vitraw", "r2.vitraw", "-o", "r.vitraw"])
    # arc counters are gcov_type (int64): 2^62 + (2^62-1) fits, 2^62 + 2^62 not
    gcda = path("m.gcda")
    mkraw("g1.vitraw", "arcs=%d,1" % 2**62, "gcda=" + gcda)
    mkraw("g2.vitraw", "arcs=%d,2" % (2**62 - 1), "gcda=" + gcda)
    mkraw("g3.vitraw", "arcs=%d,2" % 2**62, "gcda=" + gcda)
    refused("merge arcs", ["merge", "g1.vitraw", "g3.vitraw", "-o", "g13.vitraw"],
            "g3.vitraw", ["count overflow", "arc counter 0", "past 2^63-1"], "g13.vitraw")
    accepted("merge arcs limit", ["merge", "g1.vitraw", "g2.vitraw", "-o", "g12.vitraw"])
    accepted("gcda of the merge", ["gcda", "-o", ARGS.scratch, "g12.vitraw"])
    runs, _, fns = gcda_parse("m.gcda")
    expect(runs == 2 and fns and fns[0][1] == [I64, 3],
           "merged arcs: runs %s counters %s, want 2, [2^63-1, 3]" % (runs, fns))
    log("merged arc counters %s, runs %s" % (fns[0][1] if fns else None, runs))


def case_weighted_merge():
    # 1e9 x 1e12 = 1e21 > 2^64-1
    mkraw("big.vitraw", "edge=%d" % 10**12)
    refused("-w 1e9 x 1e12", ["merge", "-w", "1000000000,big.vitraw", "-o", "w.vitraw"],
            "big.vitraw", ["count overflow", "x 1000000000", "past 2^64-1"], "w.vitraw")
    # 2^64-1 = 65535 x 281479271743489 exactly; one more weight is past it
    mkraw("f.vitraw", "edge=65535")
    accepted("-w 281479271743489 x 65535", ["merge", "-w", "281479271743489,f.vitraw", "-o",
                                            "wf.vitraw"])
    calls, counts = raw_counts("wf.vitraw")
    expect(calls == U64 and counts == [U64], "weighted: calls %d edges %s" % (calls, counts))
    log("65535 x 281479271743489 = %d" % calls)
    refused("-w 281479271743490 x 65535", ["merge", "-w", "281479271743490,f.vitraw", "-o",
                                           "wf2.vitraw"], "f.vitraw", ["count overflow"],
            "wf2.vitraw")
    # documents: 2^63-1 = 153092023 x 60247241209 exactly
    mkraw("d.vitraw", "edge=153092023")
    export_json("d.vitraw", "d.vitprof")
    accepted("doc -w 60247241209", ["merge", "-w", "60247241209,d.vitprof", "-o",
                                    "wd.vitprof"])
    d = json.load(open(path("wd.vitprof")))
    got = fn(d, "ovf_leaf")["calls"], [e["count"] for e in leaf_edges(d)]
    expect(got == (I64, [I64]), "weighted doc: %s, want 2^63-1" % (got,))
    log("153092023 x 60247241209 = %d" % got[0])
    refused("doc -w 60247241210", ["merge", "-w", "60247241210,d.vitprof", "-o",
                                   "wd2.vitprof"], "d.vitprof",
            ["count overflow", "function ovf_leaf: calls", "past 2^63-1"], "wd2.vitprof")


def case_doc_merge():
    mkraw("a.vitraw", "edge=%d" % (I64 - 5))
    mkraw("b.vitraw", "edge=5")
    mkraw("c.vitraw", "edge=6")
    for n in "abc":
        export_json(n + ".vitraw", n + ".vitprof")
    accepted("merge a b", ["merge", "a.vitprof", "b.vitprof", "-o", "ab.vitprof"])
    d = json.load(open(path("ab.vitprof")))
    got = fn(d, "ovf_leaf")["calls"], [e["count"] for e in leaf_edges(d)]
    expect(got == (I64, [I64]), "a+b: %s, want 2^63-1" % (got,))
    log("doc a + b: calls %d (2^63-1)" % got[0])
    refused("merge a c", ["merge", "a.vitprof", "c.vitprof", "-o", "ac.vitprof"], "c.vitprof",
            ["count overflow", "function ovf_leaf: calls", "past 2^63-1"], "ac.vitprof")
    # an edge alone (function calls in range): the edge's message
    edit_doc("c.vitprof", "e.vitprof", lambda d: fn(d, "ovf_leaf").update(calls=0))
    refused("merge a e (edge)", ["merge", "a.vitprof", "e.vitprof", "-o", "ae.vitprof"],
            "e.vitprof", ["count overflow", "edge main -> ovf_leaf: count"], "ae.vitprof")
    # program counters
    def lost(v):
        return lambda d: d["program"].update(lost_calls=v)
    edit_doc("b.vitprof", "l1.vitprof", lost(I64))
    edit_doc("b.vitprof", "l2.vitprof", lost(1))
    refused("merge lost_calls", ["merge", "l1.vitprof", "l2.vitprof", "-o", "l.vitprof"],
            "l2.vitprof", ["count overflow", "program lost_calls"], "l.vitprof")
    # raw inputs into a document: a raw count above 2^63-1 cannot be one
    mkraw("h.vitraw", "edge=%d" % 2**63)
    refused("raw 2^63 into a document", ["merge", "h.vitraw", "b.vitprof", "-o", "h.vitprof"],
            "h.vitraw", ["cannot be read back", "integer out of range", "2^63-1"], "h.vitprof")


def case_gcda():
    gcda = "x.gcda"
    g = "gcda=" + path(gcda)
    mkraw("g1.vitraw", "arcs=%d,5" % (I64 - 10), g)
    mkraw("g2.vitraw", "arcs=10,5", g)
    mkraw("g3.vitraw", "arcs=1,0", g)
    accepted("gcda g1", ["gcda", "g1.vitraw"])
    accepted("gcda g2 (merged, the limit)", ["gcda", "g2.vitraw"])
    runs, _, fns = gcda_parse(gcda)
    expect(runs == 2 and fns and fns[0][1] == [I64, 10],
           "g1+g2: runs %s counters %s, want 2 [2^63-1, 10]" % (runs, fns))
    log("existing + run: counters %s runs %s" % (fns[0][1] if fns else None, runs))
    before = open(path(gcda), "rb").read()
    refused("gcda g3 onto 2^63-1", ["gcda", "g3.vitraw"], path(gcda),
            ["existing .gcda plus this run", "count overflow", "arc counter 0",
             "not overwritten"])
    expect(open(path(gcda), "rb").read() == before, "the existing .gcda changed")
    # libgcov's own arithmetic would take 2^63-1 + 1 to -2^63: compare
    # gcov's view: a negative count (see docs/reliability-overflow.md.part)
    # runs: 32 bits in the .gcda
    os.unlink(path(gcda))
    mkraw("r1.vitraw", "arcs=1,1", "runs=%d" % U32, g)
    mkraw("r2.vitraw", "arcs=1,1", g)
    accepted("gcda runs 2^32-1", ["gcda", "r1.vitraw"])
    runs, _, _ = gcda_parse(gcda)
    expect(runs == U32, "runs %s, want 2^32-1" % runs)
    before = open(path(gcda), "rb").read()
    refused("gcda runs 2^32-1 + 1", ["gcda", "r2.vitraw"], path(gcda),
            ["count overflow", "runs 4294967295 + 1", "not overwritten"])
    expect(open(path(gcda), "rb").read() == before, "the existing .gcda changed (runs)")
    os.unlink(path(gcda))
    mkraw("r3.vitraw", "arcs=1,1", "runs=%d" % (U32 + 1), g)
    refused("gcda of 2^32 runs", ["gcda", "r3.vitraw"], "r3.vitraw",
            ["count overflow", "4294967296 runs", "not written"], gcda)
    # one counter past int64 in the raw profile itself
    mkraw("n.vitraw", "arcs=%d,1" % 2**63, g)
    refused("gcda of a counter 2^63", ["gcda", "n.vitraw"], "n.vitraw",
            ["count overflow", "arc counter 0 is 9223372036854775808", "not written"], gcda)
    mkraw("n2.vitraw", "arcs=%d,1" % I64, g)
    accepted("gcda of a counter 2^63-1", ["gcda", "n2.vitraw"])
    _, _, fns = gcda_parse(gcda)
    expect(fns and fns[0][1] == [I64, 1], "counter 2^63-1 written as %s" % (fns,))


def case_json_read():
    mkraw("a.vitraw", "edge=7")
    export_json("a.vitraw", "a.vitprof")
    for name, value, words in [
            ("big", 2**63, ["integer out of range", "2^63-1"]),
            ("huge", 10**30, ["integer out of range"]),
            ("neg", -1, ["'calls' is negative"]),
            ("negbig", -2**63 - 1, ["integer out of range"]),
            ("real", 1e19, ["'calls' is not an integer"])]:
        edit_doc("a.vitprof", name + ".vitprof", set_leaf(value))
        refused("read calls=%s" % value, ["merge", name + ".vitprof", "-o", name + "-m.vitprof"],
                name + ".vitprof", words, name + "-m.vitprof")
        refused("overlap calls=%s" % value, ["overlap", "a.vitprof", name + ".vitprof"],
                name + ".vitprof", words)
    edit_doc("a.vitprof", "max.vitprof", set_leaf(I64))
    accepted("read calls=2^63-1", ["merge", "max.vitprof", "-o", "max-m.vitprof"])
    d = json.load(open(path("max-m.vitprof")))
    got = fn(d, "ovf_leaf")["calls"], [e["count"] for e in leaf_edges(d)]
    expect(got == (I64, [I64]), "calls 2^63-1 read back as %s" % (got,))


def case_aggregate():
    # one function's calls summed over the tables of two threads (shards)
    mkraw("ok.vitraw", "edge=%d,%d" % (2**63, 2**63 - 1))
    mkraw("bad.vitraw", "edge=%d,%d" % (2**63, 2**63))
    mkraw("bad2.vitraw", "edge=%d" % 2**63, "edge2=%d" % 2**63)   # two edges, one table
    so = accepted("show ok", ["show", "ok.vitraw"])
    expect(re.search(r"%d +\d+\.\d\d  ovf_leaf" % U64, so) is not None,     # calls, % calls
           "show: 2^64-1 calls of ovf_leaf not printed:\n" + so)
    so = accepted("report ok", ["report", "ok.vitraw"])
    expect(str(U64) in so, "report: 2^64-1 not printed")
    d = export_json("ok.vitraw", "ok.vitprof")
    got = fn(d, "ovf_leaf")["calls"], [e["count"] for e in leaf_edges(d)]
    expect(got == (U64, [U64]), "export: %s, want 2^64-1" % (got,))
    log("two shards 2^63 + 2^63-1: show, report, export give %d" % got[0])
    accepted("export callgrind ok", ["export", "-f", "callgrind", "ok.vitraw", "-o", "ok.cg"])
    cg = open(path("ok.cg")).read()
    expect("calls=%d " % U64 in cg, "callgrind: calls=2^64-1 not in the output")
    for f in ["callgrind", "dot", "csv", "prometheus", "link-order", "sample-profile"]:
        accepted("export %s ok" % f, ["export", "-f", f, "ok.vitraw", "-o", "ok." + f])
    for bad, words in [("bad.vitraw", ["shard 2"]), ("bad2.vitraw", ["shard 1"])]:
        for cmd in (["show", bad], ["report", bad], ["export", bad, "-o", "x.vitprof"],
                    ["export", "-f", "callgrind", bad, "-o", "x.cg"],
                    ["export", "-f", "dot", bad, "-o", "x.dot"],
                    ["gcda", bad], ["merge", bad, "-o", "x.vitraw"],
                    ["overlap", bad, bad]):
            so = refused(" ".join(cmd), cmd, bad, ["count overflow", "call counts of the"
                                                   " selected tables sum past 2^64-1"] + words,
                         cmd[-1] if "-o" in cmd else None)
            expect(so == "", "%s: printed on stdout: %r" % (" ".join(cmd), so[:200]))


def case_time_ns():
    # 1000 ns per tick: T ticks are T * 1000 ns
    t = U64 // 1000
    mkraw("ok.vitraw", "mode=time", "nspertick=1000", "edge=1", "ticks=%d" % t)
    mkraw("bad.vitraw", "mode=time", "nspertick=1000", "edge=1", "ticks=%d" % (t + 1))
    d = export_json("ok.vitraw", "ok.vitprof")
    e = leaf_edges(d)
    expect(e and e[0]["total_ns"] == t * 1000 and e[0]["self_ns"] == t * 1000,
           "time: edge %s, want total_ns = self_ns = %d" % (e, t * 1000))
    log("%d ticks at 1000 ns/tick = %d ns" % (t, t * 1000))
    for cmd in (["show", "bad.vitraw"], ["export", "bad.vitraw", "-o", "bad.vitprof"],
                ["merge", "bad.vitraw", "-o", "m.vitraw"]):
        refused(" ".join(cmd), cmd, "bad.vitraw", ["count overflow", "self ticks",
                                                   str(t + 1), "past 2^64-1 ns"],
                cmd[-1] if "-o" in cmd else None)
    # self ticks of two threads: each fits, the sum does not (the reader)
    mkraw("two.vitraw", "mode=time", "edge=1,1", "ticks=%d,%d" % (2**63, 2**63))
    refused("show two shards of 2^63 self ticks", ["show", "two.vitraw"], "two.vitraw",
            ["count overflow", "self ticks of the selected tables sum past 2^64-1"])
    # inclusive ticks (small self): the calls into ovf_leaf over threads
    mkraw("inc.vitraw", "mode=time", "edge=1,1", "ticks=%d,%d" % (2**63, 2**63), "self=1,1")
    for cmd in (["show", "inc.vitraw"], ["report", "inc.vitraw"],
                ["export", "-f", "callgrind", "inc.vitraw", "-o", "inc.cg"]):
        refused(" ".join(cmd), cmd, "inc.vitraw", ["count overflow", "inclusive time of the"
                                                   " calls into ovf_leaf", "2^64-1 ns"],
                cmd[-1] if "-o" in cmd else None)
    mkraw("inc2.vitraw", "mode=time", "edge=1,1", "ticks=%d,%d" % (2**63, 2**63 - 1),
          "self=1,1")
    d = export_json("inc2.vitraw", "inc2.vitprof")
    e = leaf_edges(d)
    expect(e and e[0]["total_ns"] == U64, "inclusive over threads: %s, want 2^64-1" % (e,))
    # function records (outermost inclusive time) of two threads
    mkraw("fr.vitraw", "mode=time", "edge=1,1", "fnticks=%d,%d" % (2**63, 2**63))
    refused("show function records 2^63 + 2^63", ["show", "fr.vitraw"], "fr.vitraw",
            ["count overflow", "inclusive time of ovf_leaf, summed over threads"])
    mkraw("fr2.vitraw", "mode=time", "edge=1,1", "fnticks=%d,%d" % (2**63, 2**63 - 1))
    d = export_json("fr2.vitraw", "fr2.vitprof")
    expect(fn(d, "ovf_leaf")["total_ns"] == U64, "function records over threads: %s" %
           fn(d, "ovf_leaf"))
    log("inclusive times over threads: 2^63 + (2^63-1) = %d ns" % fn(d, "ovf_leaf")["total_ns"])
    # merged times (1 ns per tick): 2^63 + (2^63-1) ns is the limit
    mkraw("t1.vitraw", "mode=time", "edge=1", "ticks=%d" % 2**63)
    mkraw("t2.vitraw", "mode=time", "edge=1", "ticks=%d" % (2**63 - 1))
    mkraw("t3.vitraw", "mode=time", "edge=1", "ticks=%d" % 2**63)
    accepted("merge times at the limit", ["merge", "t1.vitraw", "t2.vitraw", "-o", "t12.vitraw"])
    d = export_json("t12.vitraw", "t12.vitprof")
    e = leaf_edges(d)
    expect(e and e[0]["total_ns"] == U64, "merged time: %s, want 2^64-1" % (e,))
    refused("merge times past the limit", ["merge", "t1.vitraw", "t3.vitraw", "-o",
                                           "t13.vitraw"], "t3.vitraw",
            ["count overflow", "total_ns of the edge", "past 2^64-1"], "t13.vitraw")


def case_overlap():
    mkraw("a.vitraw", "edge=7")
    export_json("a.vitraw", "a.vitprof")

    def three(c1, c2, c3):
        def change(d):
            f = d["functions"]
            extra = dict(f[-1])
            extra.update(id=len(f), name="ovf_extra", linkage_name="ovf_extra", line=1,
                         address=f[-1]["address"] + 1)
            f.append(extra)
            for x, c in zip(f, (c1, c2, c3)):
                x["calls"] = c
        return change
    edit_doc("a.vitprof", "ok.vitprof", three(I64, I64, 1))
    edit_doc("a.vitprof", "bad.vitprof", three(I64, I64, 2))
    so = accepted("overlap at 2^64-1", ["overlap", "ok.vitprof", "ok.vitprof"])
    row = [l for l in so.splitlines() if l.startswith("functions")]
    expect(row and row[0].split()[-2:] == [str(U64)] * 2,
           "overlap: function totals %s, want 2^64-1" % row)
    expect(row and row[0].split()[1] == "100.00%", "overlap of a profile with itself: %s" % row)
    log("overlap totals: %s" % (row[0] if row else None))
    refused("overlap past 2^64-1", ["overlap", "a.vitprof", "bad.vitprof"], "bad.vitprof",
            ["count overflow", "the functions counts sum past 2^64-1"])
    # a raw profile whose counts do not fit a document
    mkraw("h.vitraw", "edge=%d" % 2**63)
    refused("overlap of a raw 2^63", ["overlap", "a.vitprof", "h.vitraw"], "h.vitraw",
            ["cannot be read back", "integer out of range"])


# ---- raw reader: sizes and offsets ----------------------------------------------

def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def u64(b, o):
    return struct.unpack_from("<Q", b, o)[0]


def sections(b):
    off, end = u64(b, 0x18), u64(b, 0x20)
    while off < end:
        yield off, u32(b, off + 4)
        off += u64(b, off + 0x10)


def case_raw_sizes():
    mkraw("base.vitraw", "edge=5,6", "arcs=1,2,3", "gcda=/tmp/ovf-sizes.gcda")
    base = open(path("base.vitraw"), "rb").read()
    secs = list(sections(base))
    first = {}
    for off, typ in secs:
        first.setdefault(typ, off)
    mods, edges, arcs, gcov = first[1], first[2], first[3], first[4]
    rec = gcov + 0x30            # the first gcov object record
    patches = [
        # (name, [(offset, fmt, value)], words of the message)
        ("header end past the file", [(0x20, "<Q", 2**64 - 4096)], ["past the end"]),
        ("header end 2^64-2^32", [(0x20, "<Q", 2**64 - 2**32)], ["past the end"]),
        ("section size wraps offset+size", [(edges + 0x10, "<Q", 2**64 - edges)], []),
        ("section size 2^64-4096", [(mods + 0x10, "<Q", 2**64 - 4096)], []),
        ("n_sections 2^32-1", [(0x28, "<I", U32)], []),
        ("capacity*entry_size wraps (2^62)", [(edges + 0x40, "<Q", 2**62)], []),
        ("capacity*entry_size wraps (2^61)", [(edges + 0x40, "<Q", 2**61)], []),
        ("capacity 2^63", [(edges + 0x40, "<Q", 2**63)], []),
        ("entries_offset near 2^64", [(edges + 0x50, "<Q", 2**64 - 8)], []),
        ("entry_size 2^32-8", [(edges + 0x38, "<I", U32 - 7)], []),
        ("modules used near 2^64", [(mods + 0x28, "<Q", 2**64 - 8)], []),
        ("modules n_records 2^32-1", [(mods + 0x20, "<I", U32)], []),
        ("module record_size 2^32-8", [(mods + 0x30, "<I", U32 - 7)], []),
        ("module path_len 65535", [(mods + 0x30 + 0x4a, "<H", 65535)], []),
        ("arcs data_offset near 2^64", [(arcs + 0x30, "<Q", 2**64 - 4096)], []),
        ("arcs data_size near 2^64", [(arcs + 0x38, "<Q", 2**64 - 8)], []),
        ("gcov n_functions 2^32-1", [(rec + 0x14, "<I", U32)], []),
        ("gcov filename_len 65535", [(rec + 0x1c, "<H", 65535)], []),
        ("gcov record_size 2^32-8", [(rec, "<I", U32 - 7)], []),
        ("gcov arcs_offset wraps", [(rec + 0x20 + 0x10, "<Q", 2**64 - 8)], []),
        ("gcov n_arcs 2^32-1", [(rec + 0x20 + 0x0c, "<I", U32)], []),
    ]
    for i, (what, fields, words) in enumerate(patches):
        b = bytearray(base)
        for off, fmt, v in fields:
            struct.pack_into(fmt, b, off, v)
        name = "p%02d.vitraw" % i
        open(path(name), "wb").write(bytes(b))
        so = refused("show: " + what, ["show", name], name, ["at offset 0x"] + words)
        expect(so == "", "show: %s: printed on stdout" % what)
        refused("merge: " + what, ["merge", name, "-o", name + ".m"], name, words,
                name + ".m")
        os.unlink(path(name))
    log("%d patched raw profiles refused by show and merge" % len(patches))


def case_coverage():
    """Line counts summed over objects, and the sample profile's sums.

    covsum_a.c and covsum_b.c both compile step() (covsum.h), each calling
    it n times from a loop (whose header runs n + 1 times): per object
    every count is at most (n + 1) x K once the run is weighted by K, and
    step()'s first line is counted n x K in each object, 2n x K in the
    report. Weighted raw merges (every arc counter x K, each checked
    against 2^63-1 by the merge) scale the real run by construction."""
    n = 1000
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)))
    for f in ("covsum.h", "covsum_a.c", "covsum_b.c"):
        shutil.copy(os.path.join(src, f), path(f))
    flags = lambda *a: run("flags", *a)[1].split()
    for obj in ("covsum_a", "covsum_b"):
        subprocess.run(["gcc", *flags("--compile", "--arcs-only"), "-O0", "-c",
                        obj + ".c", "-o", obj + ".o"], cwd=ARGS.scratch, check=True)
    subprocess.run(["gcc", "covsum_a.o", "covsum_b.o", *flags("--link"), "-o", "covsum"],
                   cwd=ARGS.scratch, check=True)
    subprocess.run([path("covsum"), str(n)], cwd=ARGS.scratch, check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, VITPROF_FILE=path("run.vitraw")))
    hdr = open(path("covsum.h")).read().splitlines()
    line_if = 1 + next(i for i, l in enumerate(hdr) if "LINE:if" in l)
    line_odd = 1 + next(i for i, l in enumerate(hdr) if "LINE:odd" in l)
    line_fn = 1 + next(i for i, l in enumerate(hdr) if "step(unsigned x)" in l)

    def step_lines(doc):
        return {l["line"]: l["count"] for l in doc["lines"] if l["file"].endswith("covsum.h")}

    def weighted(k, out):
        accepted("merge x %d" % k, ["merge", "-w", "%d,run.vitraw" % k, "-o", out])
        return out

    accepted("export of the run", ["export", "run.vitraw", "-o", "run.vitprof"])
    base = step_lines(json.load(open(path("run.vitprof"))))
    expect(base.get(line_fn) == base.get(line_if) == 2 * n and base.get(line_odd) == n,
           "run: step() lines %s, want %d at lines %d and %d, %d at line %d"
           % (base, 2 * n, line_fn, line_if, n, line_odd))

    # 2n x K fits in 2^63-1: exact, and the sample profile's sum of step()'s
    # line counts (about 2^64.6) is refused.
    k = I64 // (2 * n + 2)
    weighted(k, "fits.vitraw")
    accepted("export x %d" % k, ["export", "fits.vitraw", "-o", "fits.vitprof"])
    got = step_lines(json.load(open(path("fits.vitprof"))))
    expect(got == {ln: c * k for ln, c in base.items()},
           "x %d: step() lines %s, want %s" % (k, got, {ln: c * k for ln, c in base.items()}))
    refused("sample-profile x %d" % k, ["export", "--format", "sample-profile", "fits.vitraw",
                                        "-o", "fits.prof"],
            "fits.vitraw", ["count overflow", "function step", "2^64-1"], out="fits.prof")
    accepted("sample-profile x %d" % (k // 4),
             ["export", "--format", "sample-profile", weighted(k // 4, "quarter.vitraw"),
              "-o", "quarter.prof"])

    # Each object's counts fit (at most (n + 1) x K), their sum for step()'s
    # first line (its opening line, the first in the report's order) does
    # not: refused naming the second object's notes.
    k = I64 // (n + 1)
    weighted(k, "sum.vitraw")
    refused("export x %d" % k, ["export", "sum.vitraw", "-o", "sum.vitprof"],
            path("covsum_b.gcno"), ["count overflow", "covsum.h:%d" % line_fn,
                                    "summed over the objects", "2^63-1"], out="sum.vitprof")
    expect(I64 // (n + 1) * (n + 1) <= I64 < 2 * n * k, "the construction itself")

    # The largest weight the merge accepts: the loop header's block count
    # ((n + 1) x K) passes 2^63-1 in the solver.
    lo, hi = 1, 2**63
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if run("merge", "-w", "%d,run.vitraw" % mid, "-o", "probe.vitraw")[0] == 0:
            lo = mid
        else:
            hi = mid
    os.unlink(path("probe.vitraw"))
    log("largest weight the merge accepts: %d" % lo)
    weighted(lo, "max.vitraw")
    refused("export x %d" % lo, ["export", "max.vitraw", "-o", "max.vitprof"],
            path("covsum_a.gcno"), ["count overflows"], out="max.vitprof")


CASES = {n[5:]: f for n, f in list(globals().items()) if n.startswith("case_")}


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--vitprof", required=True)
    p.add_argument("--mkraw", required=True)
    p.add_argument("--scratch", required=True)
    ARGS = p.parse_args()
    ARGS.vitprof = os.path.abspath(ARGS.vitprof)
    ARGS.mkraw = os.path.abspath(ARGS.mkraw)
    ARGS.scratch = os.path.abspath(ARGS.scratch)
    shutil.rmtree(ARGS.scratch, ignore_errors=True)
    os.makedirs(ARGS.scratch)
    CASES[ARGS.case]()
    log("%d checks, %d failed" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
