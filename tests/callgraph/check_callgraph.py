# SPDX-License-Identifier: MIT
"""vitprof export --format callgrind|dot|csv|prometheus, checked by their readers.

    python3 check_callgraph.py FORMAT --prog cgtree --vitprof TOOL --scratch DIR
                               --schema docs/vitprof.schema.json --src tests/callgraph

Runs cgtree (tests/callgraph/cgtree.c) in count and in time mode, exports
each raw profile as the .vitprof JSON (checked against the counts cgtree
makes by construction) and in FORMAT, and checks FORMAT with its consumer:

  callgrind   callgrind_annotate (valgrind) prints our calls per function
              (and self time in time mode), our call counts per caller in
              its --tree=caller view, and puts each call count under the
              source line of its call site.
  dot         `dot -Tsvg` renders it (well-formed XML); the hot path is
              kept with our counts on its edges, the cold functions pruned.
  csv         Python's csv reader (strict) reads an RFC 4180 table: CRLF,
              header, one row per function equal to the JSON.
  prometheus  a strict parser of the text exposition format: HELP/TYPE
              before each family, unique series, escapes, values equal ours.

Exit 0 pass, 1 fail, 77 skipped (callgrind_annotate or dot missing).
"""
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import vpcheck  # noqa: E402

N = 2000
COLD = ["cold_0", "cold_1", "cold_2", "cold_3", "cold_leaf"]
HOT_PATH = ["main", "work", "hot", "leaf"]


def expected_calls(n):
    calls = {"main": 1, "work": 1, "hot": n, "leaf": 2 * n, "fib": 177, "cold_leaf": 4}
    for k in range(4):
        calls["cold_%d" % k] = 1
    return calls


def expected_edges(n):
    edges = {("main", "work"): 1, ("work", "hot"): n, ("hot", "leaf"): 2 * n,
             ("main", "fib"): 1, ("fib", "fib"): 176}
    for k in range(4):
        edges[("main", "cold_%d" % k)] = 1
        edges[("cold_%d" % k, "cold_leaf")] = 1
    return edges


def num(s):
    return int(s.replace(",", ""))


class Check(vpcheck.Checker):
    def same(self, what, want, got):
        """Equality of anything (compare() takes numbers only)."""
        if want == got:
            self.log("%s: equal" % what)
            return True
        if isinstance(want, list) and isinstance(got, list):
            for i, (w, g) in enumerate(zip(want, got)):
                if w != g:
                    self.fail("%s differs at %d:\n  want %r\n  got  %r" % (what, i, w, g))
                    return False
        self.fail("%s differs:\n  want %r\n  got  %r" % (what, want, got))
        return False

    def export_as(self, raw, fmt, ext):
        out = raw + ext
        cp = self.tool(["export", "--format", fmt, "-o", out, raw])
        if cp.returncode != 0 or cp.stderr.strip():
            self.fatal("vitprof export --format %s %s: exit %d\n%s"
                       % (fmt, raw, cp.returncode, cp.stderr))
        with open(out, "rb") as f:
            data = f.read()
        self.log("exported %s (%d bytes)" % (out, len(data)))
        return out, data

    def profile(self, mode):
        _, raws = self.run([N], tag=mode, mode=mode)
        raw = self.one_raw(raws)
        prof = self.export(raw, show=False)
        doc = prof.doc
        self.timed = doc["program"]["time_available"]
        by_name = {}
        for f in doc["functions"]:
            if f["instrumented"]:
                by_name[f["name"]] = f
        self.compare("%s: calls (JSON)" % mode, expected_calls(N),
                     {k: f["calls"] for k, f in by_name.items()})
        edges = {}
        for e in doc["edges"]:
            k = (e["caller_name"], e["callee_name"])
            if k[0] in by_name:
                edges[k] = edges.get(k, 0) + e["count"]
        self.compare("%s: edges (JSON)" % mode, expected_edges(N), edges)
        return raw, doc, by_name

    # ---- callgrind ----------------------------------------------------------

    def check_callgrind(self, mode, raw, doc, fns):
        path, data = self.export_as(raw, "callgrind", ".callgrind")
        timed = doc["program"]["time_available"]
        cp = subprocess.run(["callgrind_annotate", "--threshold=100", "--tree=caller",
                             "--auto=no", path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
        if cp.returncode != 0:
            self.fatal("callgrind_annotate failed:\n%s" % cp.stderr)
        cost = r"([\d,]+)(?: \([\d. %]+\))?"
        row = re.compile(r"^\s*%s%s\s+([<*>])\s+(\S+):(\S+)(?: \(([\d,]+)x\))? \[" %
                         (cost, r"(?:\s+" + cost + ")?" if timed else ""))
        self_calls, self_time, callers = {}, {}, {}
        block = []
        for line in cp.stdout.splitlines():
            m = row.match(line)
            if not m:
                continue
            g = m.groups()
            calls = num(g[0])
            t = num(g[1]) if timed else None
            kind, fn, count = g[-4], g[-2], g[-1]
            if kind == "<":
                block.append((fn, num(count)))
            elif kind == "*":
                self_calls[fn] = calls
                self_time[fn] = t
                for caller, c in block:
                    callers[(caller, fn)] = c
                block = []
        want = {k: v for k, v in expected_calls(N).items()}
        self.compare("%s: callgrind_annotate calls per function" % mode, want,
                     {k: v for k, v in self_calls.items() if k in want})
        self.compare("%s: callgrind_annotate calls per caller (--tree=caller)" % mode,
                     expected_edges(N), {k: v for k, v in callers.items() if k[0] in want})
        if timed:
            self.compare("%s: callgrind_annotate Time_ns per function = self_ns" % mode,
                         {k: fns[k]["self_ns"] for k in want},
                         {k: v for k, v in self_time.items() if k in want})
        # Call counts under the lines of their call sites (source annotation).
        cp = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=yes",
                             path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
        lines = cp.stdout.splitlines()
        for marker, callee, count in (("hot_leaf_a", "leaf", N), ("hot_leaf_b", "leaf", N),
                                      ("work_hot", "hot", N)):
            hits = [i for i, l in enumerate(lines) if "SITE:%s " % marker in l]
            ok = (len(hits) == 1 and hits[0] + 1 < len(lines) and
                  re.search(r"=> \S+:%s \(%sx\)" % (callee, "{:,}".format(count)),
                            lines[hits[0] + 1]))
            self.expect(ok, "%s: callgrind_annotate does not show %s (%dx) under SITE:%s:\n%s"
                        % (mode, callee, count, marker,
                           "\n".join(lines[hits[0]:hits[0] + 2]) if hits else "(line not shown)"))
        self.expect(data.startswith(b"# callgrind format\nversion: 1\n"),
                    "callgrind file does not start with its header")

    # ---- dot ----------------------------------------------------------------

    def check_dot(self, mode, raw, doc, fns):
        path, data = self.export_as(raw, "dot", ".dot")
        text = data.decode()
        svg = path + ".svg"
        cp = subprocess.run(["dot", "-Tsvg", "-o", svg, path], stderr=subprocess.PIPE,
                            universal_newlines=True)
        if not self.expect(cp.returncode == 0 and not cp.stderr.strip(),
                           "dot -Tsvg failed: %s" % cp.stderr):
            return
        try:
            root = ET.parse(svg).getroot()
            titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
            self.expect(len(titles) > 5, "the SVG has %d titles" % len(titles))
        except ET.ParseError as e:
            self.fail("%s is not well-formed XML: %s" % (svg, e))
        self.expect(re.search(r"^// pruned: nodes below 0\.5% and edges below 0\.1%", text,
                              re.M), "the graph's comment does not give the thresholds")
        nodes = {}
        for m in re.finditer(r'^  f(\d+) \[label="([^"\\]*)(?:\\n|")', text, re.M):
            nodes[m.group(1)] = m.group(2)
        arcs = {}
        for m in re.finditer(r'^  f(\d+) -> f(\d+) \[label="(\d+)x', text, re.M):
            arcs[(nodes.get(m.group(1)), nodes.get(m.group(2)))] = int(m.group(3))
        kept = set(nodes.values())
        for f in HOT_PATH:
            self.expect(f in kept, "%s: dot: %s was pruned (kept: %s)" % (mode, f, sorted(kept)))
        # fib: 177 calls, about 3% of them (kept in count mode). In time mode its weight
        # is its total time over the run's (the sum of the self times, from
        # the same profile's JSON), which depends on the machine's load:
        # kept exactly when that share reaches the 0.5% threshold.
        if doc["program"]["time_available"]:
            run_ns = sum(f.get("self_ns", 0) for f in doc["functions"])
            share = fns["fib"]["total_ns"] / run_ns if run_ns else 0
            self.expect(("fib" in kept) == (share >= 0.005),
                        "%s: dot: fib's share of the time is %.3f%%, kept %s"
                        % (mode, 100 * share, "fib" in kept))
        else:
            self.expect("fib" in kept, "%s: dot: fib was pruned (kept: %s)" % (mode, sorted(kept)))
        if mode == "count":
            for f in COLD:
                self.expect(f not in kept, "%s: dot: cold %s was kept" % (mode, f))
        want = {k: v for k, v in expected_edges(N).items()
                if k[0] in kept and k[1] in kept}
        want = {k: v for k, v in want.items() if k in arcs or k[1] in HOT_PATH}
        self.compare("%s: dot edges" % mode, want, {k: v for k, v in arcs.items() if k in want})
        for f in HOT_PATH:
            m = re.search(r'label="%s\\n[^"]*\\n(\d+) calls?' % f, text)
            self.expect(m and int(m.group(1)) == fns[f]["calls"],
                        "%s: dot: node %s does not show %d calls" % (mode, f, fns[f]["calls"]))

    # ---- csv ----------------------------------------------------------------

    def check_csv(self, mode, raw, doc, fns):
        path, data = self.export_as(raw, "csv", ".csv")
        text = data.decode()
        self.expect(text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""),
                    "csv: records do not all end with CRLF")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        header = ["id", "name", "linkage_name", "file", "line", "module", "address",
                  "calls", "self_ns", "total_ns", "entry_count"]
        self.same("csv header", header, rows[0] if rows else None)
        want, got = [], []
        for f in doc["functions"]:
            want.append([str(f["id"]), f["name"], f["linkage_name"], f["file"] or "",
                         str(f["line"]) if f["line"] else "",
                         "" if f["module"] is None else str(f["module"]),
                         str(f["address"]), str(f["calls"]),
                         str(f["self_ns"]) if "self_ns" in f else "",
                         str(f["total_ns"]) if "total_ns" in f else "",
                         str(f["entry_count"]) if "entry_count" in f else ""])
        got = rows[1:]
        self.same("%s: csv rows = JSON functions" % mode, want, got)

    # ---- prometheus ---------------------------------------------------------

    def parse_exposition(self, text):
        """A strict parser of the text exposition format 0.0.4. Returns
        {metric: {"type": t, "help": h, "samples": {labels tuple: value str}}}."""
        name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
        label_re = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
        label_nc = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
        sample_re = re.compile(r"^(%s)(?:\{((?:%s)(?:,%s)*,?)?\})? (\S+)(?: (-?\d+))?$"
                               % (name_re, label_nc, label_nc))
        fams, current, done = {}, None, set()
        if not text.endswith("\n"):
            self.fail("prometheus: the last line does not end with a newline")
        for no, line in enumerate(text.split("\n")[:-1], 1):
            where = "prometheus line %d: %r" % (no, line)
            if line.startswith("#"):
                m = re.match(r"^# (HELP|TYPE) (%s) (.*)$" % name_re, line)
                if not m:
                    self.expect(not re.match(r"^#\s*(HELP|TYPE)\b", line), where)
                    continue
                kind, name, rest = m.groups()
                f = fams.setdefault(name, {"samples": {}})
                if current != name:
                    self.expect(name not in done, "%s: family %s split" % (where, name))
                    if current:
                        done.add(current)
                    current = name
                key = kind.lower()
                self.expect(key not in f, "%s: second %s" % (where, kind))
                if kind == "TYPE":
                    self.expect(rest in ("counter", "gauge", "histogram", "summary",
                                         "untyped"), where)
                    self.expect(not f["samples"], "%s: TYPE after samples" % where)
                f[key] = rest
                continue
            m = sample_re.match(line)
            if not self.expect(m, "%s: not a sample" % where):
                continue
            name, labels, value = m.group(1), m.group(2) or "", m.group(3)
            try:
                float(value)
            except ValueError:
                self.fail("%s: bad value" % where)
            self.expect(name == current, "%s: sample outside its family" % where)
            lab = []
            for lm in re.finditer(label_re, labels):
                v = re.sub(r"\\(.)", lambda x: {"n": "\n"}.get(x.group(1), x.group(1)),
                           lm.group(2))
                lab.append((lm.group(1), v))
            key = tuple(sorted(lab))
            self.expect(len(set(k for k, _ in lab)) == len(lab), "%s: label twice" % where)
            f = fams.setdefault(name, {"samples": {}})
            self.expect(key not in f["samples"], "%s: duplicate series" % where)
            f["samples"][key] = value
        return fams

    def check_prometheus(self, mode, raw, doc, fns):
        path, data = self.export_as(raw, "prometheus", ".prom")
        fams = self.parse_exposition(data.decode())
        names = ["vitprof_function_calls_total"]
        if doc["program"]["time_available"]:
            names += ["vitprof_function_self_seconds_total", "vitprof_function_seconds_total"]
        self.same("%s: prometheus families" % mode, sorted(names), sorted(fams))
        for n in names:
            f = fams.get(n, {})
            self.expect(f.get("type") == "counter" and f.get("help"),
                        "%s: %s lacks TYPE counter or HELP" % (mode, n))
        series = {}
        for f in doc["functions"]:
            k = (("file", f["file"] or ""), ("function", f["name"]))
            s = series.setdefault(k, [0, 0, 0])
            s[0] += f["calls"]
            s[1] += f.get("self_ns", 0)
            s[2] += f.get("total_ns", 0)

        def ns(v):   # "S.NNNNNNNNN" exactly
            m = re.match(r"^(\d+)\.(\d{9})$", v)
            if not m:
                self.fail("%s: prometheus: %r is not S.NNNNNNNNN" % (mode, v))
                return -1
            return int(m.group(1)) * 10**9 + int(m.group(2))

        self.compare("%s: prometheus calls" % mode, {k: v[0] for k, v in series.items()},
                     {k: int(v) for k, v in fams.get(names[0], {}).get("samples", {}).items()})
        if len(names) > 1:
            self.compare("%s: prometheus self seconds" % mode,
                         {k: v[1] for k, v in series.items()},
                         {k: ns(v) for k, v in fams[names[1]]["samples"].items()})
            self.compare("%s: prometheus seconds" % mode,
                         {k: v[2] for k, v in series.items()},
                         {k: ns(v) for k, v in fams[names[2]]["samples"].items()})


def main():
    fmt = sys.argv.pop(1) if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
    if fmt not in ("callgrind", "dot", "csv", "prometheus"):
        print("usage: check_callgraph.py callgrind|dot|csv|prometheus --prog ...")
        sys.exit(2)
    c = Check("callgraph." + fmt)
    need = {"callgrind": "callgrind_annotate", "dot": "dot"}.get(fmt)
    if need and not shutil.which(need):
        c.skip("%s is not installed" % need)
    for mode in ("count", "time"):
        raw, doc, fns = c.profile(mode)
        getattr(c, "check_" + fmt)(mode, raw, doc, fns)
    c.finish()


if __name__ == "__main__":
    main()
