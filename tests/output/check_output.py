#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Text outputs of vitprof:

  escape      a header exe_path patched to hold terminal escape sequences,
              and a source file name that holds them (#line in out_prog.c):
              no raw control byte in any text output or message, the
              strings printed escaped (\\xHH), one warning that the header
              path differs from the main module record
  show        totals line and per-function share, by construction
  columns     two call sites on one line told apart by their column, the
              columns those of llvm-symbolizer (and of the source text)
  prune       folded and flamegraph: paths under 0.1% left out, paths
              deeper than 256 frames cut into [deeper], one note line;
              --keep-all gives the whole tree (by construction)
  cli         --color for show and report (NO_COLOR), help X, plurals
  (show also checks that a relative source name with "." and ".." is
  printed absolute and folded, as the coverage tables print theirs)
"""
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET

HOT_CALLS = 10000
DEPTH = 300
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

CHECKS = vptest.Checks()
check = CHECKS.expect
run = vptest.run


def record(a, mode, name, depth=DEPTH):
    raw = os.path.join(a.scratch, name)
    env = dict(os.environ, VITPROF_MODE=mode, VITPROF_FILE=raw)
    r = run([a.prog, str(depth)], env=env)
    check(r.returncode == 0, "%s: program exits 0 (%s)" % (mode, r.stderr))
    return raw


def has_control(b):
    """A control byte (C0, DEL) other than newline, tab and CSV's CR LF."""
    b = b.replace(b"\r\n", b"\n")
    return any((c < 0x20 and c not in (0x0a, 0x09)) or c == 0x7f for c in b)


def case_escape(a):
    raw = record(a, "count", "esc.vitraw")
    ctx = record(a, "context", "escctx.vitraw")
    evil = b"/tmp/\x1b]0;pwned\x07\x1b[2J"
    shown = "/tmp/\\x1b]0;pwned\\x07\\x1b[2J"
    prog = os.path.realpath(a.prog).encode()
    for path in (raw, ctx):
        data = bytearray(open(path, "rb").read())
        at = data.find(prog + b"\0")
        check(0 <= at < 4096, "the header holds the program path")
        assert len(evil) <= len(prog)
        data[at:at + len(prog)] = evil + b"\0" * (len(prog) - len(evil))
        check(data.find(prog + b"\0") > at, "the module record still names the program")
        open(path + ".bad", "wb").write(bytes(data))
    bad, badctx = raw + ".bad", ctx + ".bad"
    cmds = [
        (["show", "-n", "0", bad], True),
        (["report", "-n", "0", bad], True),
        (["export", "--format", "callgrind", "-o", "-", bad], True),
        (["export", "--format", "csv", "-o", "-", bad], False),
        (["export", "--format", "dot", "-o", "-", bad], False),
        (["export", "--format", "prometheus", "-o", "-", bad], False),
        (["export", "--format", "folded", "--keep-all", "-o", "-", badctx], False),
        (["flamegraph", "--keep-all", "-o", "-", badctx], False),
    ]
    odd_file = "odd\\x1b]0;pwned\\x07\\x1b[2J.c"
    for args, names_program in cmds:
        r = run([a.vitprof] + args, binary=True)
        what = " ".join(args[:3])
        check(r.returncode == 0, "%s: exit 0 (%d) %s" % (what, r.returncode, r.stderr))
        check(not has_control(r.stdout), "%s: no control byte on stdout" % what)
        check(not has_control(r.stderr), "%s: no control byte on stderr" % what)
        out = r.stdout.decode("ascii", "replace")
        err = r.stderr.decode("ascii", "replace").splitlines()
        if names_program:
            check(shown in out, "%s: the program path is printed escaped" % what)
        # the source file of odd: "odd\x1b]0;pwned\x07\x1b[2J.c"
        if "prometheus" in args:      # then label-escaped: \\ for \\
            check(odd_file.replace("\\", "\\\\") in out,
                  "%s: the file name of odd is printed escaped" % what)
        elif not set(args) & {"folded", "flamegraph", "dot"}:   # dot prunes odd
            check(odd_file in out, "%s: the file name of odd is printed escaped" % what)
        warn = [l for l in err if "warning: the header names the program" in l]
        check(len(warn) == 1 and len(err) == 1,
              "%s: one warning line, naming both paths: %s" % (what, err))
        if warn:
            check(warn[0].startswith("vitprof: %s: warning: " % args[-1]),
                  "%s: warning form: %s" % (what, warn[0]))
            check(shown in warn[0] and prog.decode() in warn[0],
                  "%s: the warning names both paths: %s" % (what, warn[0]))
    # the unpatched file: no warning at all, the file name still escaped
    for args in (["show", raw], ["report", raw],
                 ["export", "--format", "callgrind", "-o", "-", raw]):
        r = run([a.vitprof] + args, binary=True)
        check(r.returncode == 0 and r.stderr == b"",
              "%s: unpatched: exit 0, nothing on stderr (%s)" % (args[0], r.stderr))
        check(not has_control(r.stdout), "%s: unpatched: no control byte" % args[0])


def case_show(a):
    raw = record(a, "count", "show.vitraw")
    r = run([a.vitprof, "show", "-n", "0", raw])
    check(r.returncode == 0, "show exits 0")
    lines = r.stdout.splitlines()
    total = HOT_CALLS + 1 + 1 + 2 + DEPTH + 1 + 1 + 1  # hot cold twice leaf rec odd rel main
    check(lines[0].endswith(", count mode, 1 thread"), "show: '1 thread': %s" % lines[0])
    check(lines[1] == "total: %d calls into 8 functions" % total,
          "show: totals line: %r" % lines[1])
    rows = {}
    for l in lines[3:]:
        m = re.match(r"^ +(\d+) +(\d+\.\d\d)  (\S+) ", l)
        if m:
            rows[m.group(3)] = (int(m.group(1)), float(m.group(2)))
    want = {"hot": HOT_CALLS, "cold": 1, "twice": 1, "leaf": 2, "rec": DEPTH, "odd": 1,
            "rel": 1, "main": 1}
    check({k: v[0] for k, v in rows.items()} == want, "show: calls %s" % rows)
    for k, (calls, pct) in rows.items():
        check(abs(pct - round(100.0 * calls / total, 2)) < 0.006,
              "show: %s share %.2f, expected %.2f" % (k, pct, 100.0 * calls / total))
    rel = [l for l in lines if re.match(r"^ +1 +\d+\.\d\d  rel ", l)]
    check(len(rel) == 1 and re.search(r"  (/\S+)/relpath\.c:50$", rel[0]) and
          "/./" not in rel[0] and "/../" not in rel[0] and "/sub/" not in rel[0],
          "show: rel's file absolute, . and .. folded: %s" % rel)
    r = run([a.vitprof, "show", "-n", "2", raw])
    check("(6 more functions; -n 0 shows all)" in r.stdout, "show -n 2: plural")
    r = run([a.vitprof, "show", "-n", "7", raw])
    check("(1 more function; -n 0 shows all)" in r.stdout, "show -n 7: singular")


def case_columns(a):
    raw = record(a, "count", "cols.vitraw")
    r = run([a.vitprof, "report", "-n", "0", raw])
    check(r.returncode == 0, "report exits 0")
    src = open(a.src).read().splitlines()
    twice_line = next(i + 1 for i, l in enumerate(src) if "static int twice(" in l)
    text = src[twice_line - 1]
    want = sorted(i + 1 for i in range(len(text)) if text.startswith("leaf(", i))
    check(len(want) == 2, "source: two calls of leaf on line %d" % twice_line)
    # the callee lines below twice's entry: "leaf [n]  FILE:LINE:COL"
    got = sorted(int(m.group(1)) for m in re.finditer(
        r"^ +1 +leaf \[\d+\] +\S*out_prog\.c:%d:(\d+)$" % twice_line, r.stdout, re.M))
    got_callers = sorted(int(m.group(1)) for m in re.finditer(
        r"^ +1 +twice \[\d+\] +\S*out_prog\.c:%d:(\d+)$" % twice_line, r.stdout, re.M))
    check(got == want, "report: twice's two calls of leaf at columns %s, expected %s"
          % (got, want))
    check(got_callers == want, "report: leaf's callers at columns %s, expected %s"
          % (got_callers, want))
    # llvm-symbolizer on the call instructions (site - 1) says the same
    sym = shutil.which("llvm-symbolizer")
    if not sym:
        print("note: llvm-symbolizer missing: columns checked against the source only")
        return
    doc = os.path.join(a.scratch, "cols.vitprof")
    r = run([a.vitprof, "export", "--no-coverage", "-o", doc, raw])
    import json
    d = json.load(open(doc))
    fs = d["functions"]
    sites = [e["site"] for e in d["edges"] if fs[e["callee"]]["name"] == "leaf"]
    r = run([sym, "--obj=" + a.prog] + ["0x%x" % (s - 1) for s in sites])
    cols = sorted(int(m.group(1)) for m in re.finditer(r":%d:(\d+)$" % twice_line,
                                                        r.stdout, re.M))
    check(cols == got, "llvm-symbolizer's columns %s == vitprof's %s" % (cols, got))


def model_tree(depth):
    """The calling-context tree out_prog builds: {path tuple: calls}."""
    t = {("main",): 1, ("main", "hot"): HOT_CALLS, ("main", "cold"): 1,
         ("main", "twice"): 1, ("main", "twice", "leaf"): 2, ("main", "odd"): 1,
         ("main", "rel"): 1}
    for k in range(1, depth + 1):
        t[("main",) + ("rec",) * k] = 1
    return t


def apply_limits(tree, min_share, max_depth):
    """The documented rule (docs/export-formats.md, "Pruning")."""
    total = sum(tree.values())
    sub = {}
    for p, v in tree.items():
        for k in range(1, len(p) + 1):
            sub[p[:k]] = sub.get(p[:k], 0) + v
    out, small, deep = {}, [0, 0], [0, 0]
    for p, v in tree.items():
        # the first ancestor (or p) left out decides
        cut = None
        for k in range(1, len(p) + 1):
            if sub[p[:k]] < min_share * total:
                cut = ("small", k)
                break
            if max_depth and k > max_depth:
                cut = ("deep", k)
                break
        if cut is None:
            out[";".join(p)] = out.get(";".join(p), 0) + v
        elif cut[0] == "small":
            small[0] += 1
            small[1] += v
        else:
            key = ";".join(p[:max_depth] + ("[deeper]",))
            out[key] = out.get(key, 0) + v
            deep[0] += 1
            deep[1] += v
    return out, small, deep, total


def folded(a, raw, extra):
    r = run([a.vitprof, "export", "--format", "folded", "-o", "-"] + extra + [raw])
    check(r.returncode == 0, "folded %s: exit 0 (%s)" % (extra, r.stderr))
    lines = {}
    for l in r.stdout.splitlines():
        path, _, n = l.rpartition(" ")
        lines[path] = int(n)
    return lines, r.stderr


def case_prune(a):
    raw = record(a, "context", "prune.vitraw")
    tree = model_tree(DEPTH)
    # default: 0.1 %, 256 frames
    want, small, deep, total = apply_limits(tree, 0.001, 256)
    check(small[0] > 0 and deep[0] > 0, "model: the defaults prune and cut something")
    got, err = folded(a, raw, [])
    check(got == want, "folded default: %d lines, expected %d; differ at %s" % (
        len(got), len(want), [(k[-60:], v) for k, v in
                              sorted(set(got.items()) ^ set(want.items()))[:4]]))
    el = err.splitlines()
    check(len(el) == 1, "folded default: one note line: %s" % el)
    if el:
        m = re.match(r"^vitprof: .*prune\.vitraw: note: folded: left out (\d+) paths under"
                     r" --min-share of the total \((\d+\.\d\d)% of the calls\); cut (\d+)"
                     r" paths deeper than --max-depth into \[deeper\] frames \((\d+\.\d\d)%"
                     r" of the calls\); --keep-all keeps every path$", el[0])
        check(m is not None, "folded note form: %s" % el[0])
        if m:
            check(int(m.group(1)) == small[0] and int(m.group(3)) == deep[0],
                  "note counts %s/%s, expected %d/%d" % (m.group(1), m.group(3), small[0],
                                                         deep[0]))
            check(m.group(2) == "%.2f" % (100.0 * small[1] / total) and
                  m.group(4) == "%.2f" % (100.0 * deep[1] / total),
                  "note shares %s/%s" % (m.group(2), m.group(4)))
    check(sum(got.values()) == total - small[1], "folded sum = total - left out")
    # everything
    for extra in (["--keep-all"], ["--min-share", "0", "--max-depth", "0"]):
        got, err = folded(a, raw, extra)
        full = {";".join(p): v for p, v in tree.items()}
        check(got == full, "folded %s: the whole tree (%d lines, expected %d)"
              % (extra, len(got), len(full)))
        check(err == "", "folded %s: nothing on stderr: %s" % (extra, err))
    # other limits
    for share, depth in ((1.0, 0), (0, 10), (5, 50)):
        want, small, deep, total = apply_limits(tree, share / 100.0, depth)
        got, err = folded(a, raw, ["--min-share", "%g%%" % share if share == 5 else
                                   str(share), "--max-depth", str(depth)])
        check(got == want, "folded --min-share %g --max-depth %d" % (share, depth))
    r = run([a.vitprof, "export", "--format", "folded", "--min-share", "x", raw])
    check(r.returncode == 2 and "--min-share wants a percentage" in r.stderr,
          "--min-share x: usage error")
    r = run([a.vitprof, "export", "--format", "folded", "--max-depth", "-1", raw])
    check(r.returncode == 2 and "--max-depth wants a number" in r.stderr,
          "--max-depth -1: usage error")
    # flamegraph: the same frames (prefixes of the kept paths) and note
    want, small, deep, total = apply_limits(tree, 0.001, 256)
    svg = os.path.join(a.scratch, "prune.svg")
    r = run([a.vitprof, "flamegraph", "-o", svg, raw])
    check(r.returncode == 0, "flamegraph exits 0")
    check(len(r.stderr.splitlines()) == 1 and "note: flamegraph: left out" in r.stderr,
          "flamegraph: one note line: %s" % r.stderr)
    ns = "{http://www.w3.org/2000/svg}"
    frames = ET.parse(svg).getroot().findall(ns + "g")
    prefixes = {"all"}
    for p in want:
        parts = p.split(";")
        for k in range(1, len(parts) + 1):
            prefixes.add(";".join(parts[:k]))
    check(len(frames) == len(prefixes), "flamegraph: %d frames, expected %d"
          % (len(frames), len(prefixes)))
    titles = [g.find(ns + "title").text for g in frames]
    check(any(t.startswith("[deeper] (45 calls") for t in titles),
          "flamegraph: a [deeper] frame of 45 calls")
    r = run([a.vitprof, "flamegraph", "--keep-all", "-o", svg, raw])
    check(r.returncode == 0 and r.stderr == "", "flamegraph --keep-all: no note")
    check(len(ET.parse(svg).getroot().findall(ns + "g")) == len(tree) + 1,
          "flamegraph --keep-all: every frame")


def case_cli(a):
    raw = record(a, "count", "cli.vitraw")
    for cmd in ("show", "report"):
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        r = run([a.vitprof, cmd, "--color=always", raw], env=env)
        check("\x1b[" in r.stdout, "%s --color=always colours" % cmd)
        r = run([a.vitprof, cmd, "--color=never", raw], env=env)
        check("\x1b" not in r.stdout, "%s --color=never does not" % cmd)
        r = run([a.vitprof, cmd, raw], env=env)
        check("\x1b" not in r.stdout, "%s --color=auto, not a terminal: plain" % cmd)
        env["NO_COLOR"] = "1"
        r = run([a.vitprof, cmd, "--color=always", raw], env=env)
        check("\x1b[" in r.stdout, "%s --color=always wins over NO_COLOR" % cmd)
        r = run([a.vitprof, cmd, "--color=sometimes", raw])
        check(r.returncode == 2 and r.stderr.startswith(
            "vitprof: %s: --color wants auto, always or never, not 'sometimes'" % cmd),
            "%s --color=sometimes: usage error: %s" % (cmd, r.stderr))
    if shutil.which("script"):
        # auto on a terminal: colour, unless NO_COLOR
        for no_color, want in (("", True), ("1", False)):
            env = dict(os.environ, NO_COLOR=no_color)
            r = run(["script", "-qec", "%s report %s" % (a.vitprof, raw), "/dev/null"],
                    env=env)
            check(("\x1b[" in r.stdout) == want,
                  "report on a terminal, NO_COLOR=%r: colour %s" % (no_color, want))
    r = run([a.vitprof, "help", "nosuch"])
    check(r.returncode == 2 and r.stderr.startswith("vitprof: help: no command 'nosuch'"),
          "help nosuch names it: %s" % r.stderr.splitlines()[:1])
    r = run([a.vitprof, "help", "show", "report"])
    check(r.returncode == 2 and "'show' and 'report'" in r.stderr.splitlines()[0],
          "help show report: %s" % r.stderr.splitlines()[:1])
    for cmd in ("show", "export", "flags", "gcda", "merge", "overlap", "report",
                "flamegraph"):
        r = run([a.vitprof, "help", cmd])
        check(r.returncode == 0 and r.stdout.startswith("usage: vitprof %s " % cmd),
              "help %s prints %s's usage" % (cmd, cmd))


CASES = {"escape": case_escape, "show": case_show, "columns": case_columns,
         "prune": case_prune, "cli": case_cli}


def main():
    a = vptest.arguments(("--prog", "--vitprof", "--src", "--scratch"), CASES)
    vptest.fresh_dir(a.scratch)
    CASES[a.case](a)
    CHECKS.finish()


if __name__ == "__main__":
    main()
