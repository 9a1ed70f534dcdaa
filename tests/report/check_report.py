# SPDX-License-Identifier: MIT
"""report: runs rep_prog.c (known call counts, see its header) in count and
time mode, parses `vitprof report`'s text and compares the flat profile's
calls, every caller and callee line (count and call-site line) with ground
truth computed here; checks -n, --sort, --flat-only and --color."""
import argparse
import os
import re
import subprocess
import sys

A, B, R = 7, 5, 4
PROG_FILE = "rep_prog.c"

FLAT_HEAD = re.compile(r"^ *% (calls|self) +calls +(self ms +total ms +self us/call +"
                       r"total us/call +)?function +file:line$")
EDGE = re.compile(r"^ {7} *(\d+)((?: +\d+\.\d+){2})?  {5}(\S+)( \[\d+\]| \(recursive\))? +(\S+)$")
ENTRY = re.compile(r"^\[(\d+)\] +(\d+)((?: +\d+\.\d+){2})?  (\S+) \[(\d+)\] +(\S+)$")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

CHECKS = vptest.Checks()
fail, expect = CHECKS.fail, CHECKS.expect


def site_lines(src):
    """SITE:name markers -> line numbers."""
    out = {}
    with open(src) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"SITE:(\w+)", line)
            if m:
                out[m.group(1)] = n
    return out


def parse(text):
    """Returns (flat {name: (calls, timed cols)}, flat order, graph entries).
    An entry: {index, name, calls, times, callers: [...], callees: [...]},
    each caller/callee (count, name, tag, site, times)."""
    lines = text.split("\n")
    flat, order, entries = {}, [], []
    i = next((k for k, l in enumerate(lines) if FLAT_HEAD.match(l)), None)
    if i is None:
        fail("no flat profile header in:\n" + text)
        return flat, order, entries
    for l in lines[i + 1:]:
        if not l.strip() or l.startswith("("):
            break
        f = l.split()
        timed = len(f) == 8
        flat[f[-2]] = (int(f[1]), [float(x) for x in f[2:6]] if timed else None)
        order.append(f[-2])
    g = next((k for k, l in enumerate(lines) if l.startswith("index ")), None)
    if g is None:
        return flat, order, entries
    cur, pending = None, []
    for l in lines[g + 1:]:
        if not l.strip():
            continue
        if l == "-----":
            cur, pending = None, []
            continue
        m = ENTRY.match(l)
        if m:
            cur = {"index": int(m.group(1)), "calls": int(m.group(2)),
                   "times": m.group(3), "name": m.group(4), "site": m.group(6),
                   "callers": pending, "callees": []}
            expect(m.group(1) == m.group(5), "index mismatch in %r" % l)
            entries.append(cur)
            continue
        m = EDGE.match(l)
        if not m:
            fail("unparsable call graph line %r" % l)
            continue
        e = (int(m.group(1)), m.group(3), (m.group(4) or "").strip(), m.group(5), m.group(2))
        (cur["callees"] if cur else pending).append(e)
    return flat, order, entries


def run(args, cmd, check=0, env=None):
    cp = vptest.run(cmd, env=env, binary=True)
    if check is not None and cp.returncode != check:
        fail("%s: exit %d, expected %d\n%s" % (" ".join(cmd), cp.returncode, check,
                                               cp.stderr.decode(errors="replace")))
    return cp


def strip_site(s):
    """'/path/rep_prog.c:23' or, a call site with its column,
    '/path/rep_prog.c:23:8' -> ('rep_prog.c', 23)."""
    m = re.fullmatch(r"(.*):(\d+):\d+", s) or re.fullmatch(r"(.*):(\d+)", s)
    return (os.path.basename(m.group(1)), int(m.group(2))) if m else (s, 0)


def main():
    ap = argparse.ArgumentParser()
    for a in ("--prog", "--vitprof", "--src", "--scratch"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    vptest.fresh_dir(args.scratch)
    site = site_lines(args.src)
    vp = args.vitprof

    calls = {"leaf": A * B + 2, "helper": A, "rec": R + 1, "main": 1}
    # (caller, callee, site line) -> count; recursion as a self edge
    edges = {("main", "helper", site["main_helper"]): A,
             ("helper", "leaf", site["helper_leaf"]): A * B,
             ("main", "leaf", site["main_leaf"]): 1,
             ("rec", "leaf", site["rec_leaf"]): 1,
             ("main", "rec", site["main_rec"]): 1,
             ("rec", "rec", site["rec_rec"]): R}

    raws = {}
    for mode in ("count", "time"):
        env = dict(os.environ, VITPROF_MODE=mode,
                   VITPROF_FILE=os.path.join(args.scratch, mode + ".vitraw"))
        env.pop("VITPROF_VERBOSE", None)
        cp = run(args, [args.prog, str(A), str(B), str(R)], env=env)
        expect(cp.stdout.decode().startswith("s="), "%s run: output %r" % (mode, cp.stdout))
        raws[mode] = env["VITPROF_FILE"]
        if not os.path.exists(raws[mode]):
            fail("%s run left no raw profile" % mode)
            return

    for mode, raw in raws.items():
        cp = run(args, [vp, "report", raw, "-n", "0"])
        out = cp.stdout
        print(out.decode(errors="replace"))
        expect(b"\x1b" not in out, "%s: escape bytes when stdout is not a terminal" % mode)
        flat, order, entries = parse(out.decode())
        got = {n: c for n, (c, _) in flat.items() if n in calls}
        expect(got == calls, "%s: flat calls %r, expected %r" % (mode, got, calls))
        if mode == "count":
            expect(order[:4] == ["leaf", "helper", "rec", "main"],
                   "count: flat order %r" % order)
        for n, (_, times) in flat.items():
            expect((times is not None) == (mode == "time"),
                   "%s: %s time columns %r" % (mode, n, times))
        byname = {e["name"]: e for e in entries}
        expect(set(calls) <= set(byname), "%s: entries %r" % (mode, sorted(byname)))
        seen_callees, seen_callers = {}, {}
        for e in entries:
            expect(e["calls"] == flat.get(e["name"], (None,))[0],
                   "%s: entry %s calls %d != flat" % (mode, e["name"], e["calls"]))
            expect((e["times"] is not None) == (mode == "time"),
                   "%s: entry %s times %r" % (mode, e["name"], e["times"]))
            for cnt, other, tag, s, _ in e["callees"]:
                f, line = strip_site(s)
                if tag == "(recursive)":
                    expect(other == e["name"], "%s: recursive tag on %s" % (mode, other))
                else:
                    expect(other != e["name"], "%s: self edge of %s not tagged" % (mode, other))
                if other in calls:
                    expect(f == PROG_FILE, "%s: site file %s" % (mode, s))
                    seen_callees[(e["name"], other, line)] = cnt
            for cnt, other, tag, s, _ in e["callers"]:
                f, line = strip_site(s)
                expect(other != e["name"], "%s: self edge among callers of %s" % (mode, other))
                if other in calls:
                    seen_callers[(other, e["name"], line)] = cnt
        expect(seen_callees == edges, "%s: callee lines %r,\nexpected %r"
               % (mode, seen_callees, edges))
        nonrec = {k: v for k, v in edges.items() if k[0] != k[1]}
        expect(seen_callers == nonrec, "%s: caller lines %r,\nexpected %r"
               % (mode, seen_callers, nonrec))
        if mode == "time":
            # main's total time includes everything it called
            tm = flat["main"][1]
            expect(tm[1] >= max(t[1][1] for t in flat.values()) - 1e-9,
                   "time: main's total %r is not the largest" % tm)
            # the flat profile and the entries follow the sort key
            for key, col in (("self", 0), ("total", 1), ("calls", None)):
                o = run(args, [vp, "report", raw, "-s", key, "-n", "0"]).stdout.decode()
                fl, od, en = parse(o)
                vals = [fl[n][0] if col is None else fl[n][1][col] for n in od]
                expect(vals == sorted(vals, reverse=True),
                       "time: -s %s: flat order %r (%r)" % (key, od, vals))
                expect([e["name"] for e in en] == od,
                       "time: -s %s: entries not in flat order" % key)

    cnt = raws["count"]
    # -n limits the flat profile and the call graph
    out = run(args, [vp, "report", cnt, "-n", "2"]).stdout.decode()
    flat, order, entries = parse(out)
    expect(order == ["leaf", "helper"], "-n 2: flat %r" % order)
    expect([e["name"] for e in entries] == ["leaf", "helper"],
           "-n 2: entries %r" % [e["name"] for e in entries])
    expect("(2 more functions; -n 0 shows all)" in out, "-n 2: no 'more functions' line")
    # --flat-only
    out = run(args, [vp, "report", cnt, "--flat-only"]).stdout.decode()
    expect("Call graph" not in out and "leaf" in out, "--flat-only printed a call graph")
    # --sort by time on a count-mode profile: usage error
    for key in ("self", "total"):
        cp = run(args, [vp, "report", cnt, "--sort", key], check=2)
        expect(b"needs a time-mode profile" in cp.stderr, "--sort %s: %r" % (key, cp.stderr))
    run(args, [vp, "report", cnt, "--sort", "bogus"], check=2)
    run(args, [vp, "report", cnt, "-n", "x"], check=2)
    run(args, [vp, "report", cnt, "--color=sometimes"], check=2)
    run(args, [vp, "report"], check=2)
    run(args, [vp, "report", os.path.join(args.scratch, "missing.vitraw")], check=1)
    # colour
    out = run(args, [vp, "report", cnt, "--color=always"]).stdout
    expect(b"\x1b[1m" in out, "--color=always: no escapes")
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", out)
    expect(plain == run(args, [vp, "report", cnt, "--color=never"]).stdout,
           "--color=always differs from never beyond the escapes")

    # --color=auto (the default) on a terminal: escapes
    try:
        import pty
        master, slave = pty.openpty()
    except (ImportError, OSError) as e:
        print("no pseudo-terminal (%s): --color=auto on a terminal not checked" % e)
    else:
        cp = subprocess.run([vp, "report", cnt, "-n", "1"], stdout=slave,
                            stderr=subprocess.PIPE, timeout=60)
        os.close(slave)
        data = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        os.close(master)
        expect(cp.returncode == 0 and b"\x1b[1m" in data and b"leaf" in data,
               "--color=auto on a terminal: rc %d, %r" % (cp.returncode, data[:200]))

    CHECKS.finish()


main()
