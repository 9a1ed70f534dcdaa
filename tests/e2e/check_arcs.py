# SPDX-License-Identifier: MIT
"""e2e: branchy.c built once with -finstrument-functions -fprofile-arcs
-ftest-coverage, linked twice from the same objects: with libgcov (the
ground truth, read by `gcov -b -c --json-format`) and with vitprof's runtime
and linker-script fragment (counters mapped in place). For every line of
the source, vitprof's line count and branch outcomes must equal gcov's; every
function's entry count must equal gcov's execution count and the hooks'
call count; loops must have the entries and iterations known by
construction (see branchy.c); the mode must be in-place; and `vitprof show
--branches --loops` must print them."""
import glob
import json
import os
import shutil
import subprocess

from vpcheck import Checker, basename

N = 1000


def gcov_truth(c, gcov_prog):
    """Runs the libgcov build; returns gcov's JSON for branchy.c."""
    d = os.path.join(c.scratch, "gcov")
    os.makedirs(d)
    env = dict(os.environ, GCOV_PREFIX=d, GCOV_PREFIX_STRIP="0")
    cp = subprocess.run([gcov_prog, str(N)], env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    c.expect(cp.returncode == 0, "libgcov build exited %d: %s" % (cp.returncode, cp.stderr))
    gcdas = glob.glob(os.path.join(d, "**", "branchy.c.gcda"), recursive=True)
    if len(gcdas) != 1:
        c.fatal("libgcov run left %d branchy.c.gcda under %s" % (len(gcdas), d))
    gcda = gcdas[0]
    gcno_orig = gcda[len(d):][:-len(".gcda")] + ".gcno"
    shutil.copy(gcno_orig, gcda[:-len(".gcda")] + ".gcno")
    g = subprocess.run(["gcov", "-b", "-c", "--json-format", "--stdout", gcda],
                       cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=120)
    if g.returncode != 0:
        c.fatal("gcov failed: %s" % g.stderr)
    doc = json.loads(g.stdout)
    files = [f for f in doc["files"] if basename(f["file"]) == "branchy.c"]
    if len(files) != 1:
        c.fatal("gcov's JSON has %d entries for branchy.c" % len(files))
    return cp.stdout, files[0]


def refused(c, raw, gcno_dir, want, what):
    """vitprof export with --gcno-dir must fail with one line containing want."""
    cp = c.tool(["export", "--gcno-dir", gcno_dir, "-o", raw + ".bad.json", raw])
    lines = cp.stderr.strip().splitlines()
    c.expect(cp.returncode == 1 and len(lines) == 1 and lines[0].startswith("vitprof: ")
             and want in lines[0],
             "%s: expected exit 1 and one line with %r, got %d: %r"
             % (what, want, cp.returncode, cp.stderr))
    c.expect(not os.path.exists(raw + ".bad.json"), "%s: an output was written" % what)


def bad_gcno(c, raw, doc):
    """A .gcno that is missing, truncated, of another version, from a later
    compilation or with a changed function must be refused, clearly."""
    gcno = doc["gcov_objects"][0]["gcno"]
    data = open(gcno, "rb").read()
    name = os.path.basename(gcno)

    def variant(tag, content):
        d = os.path.join(c.scratch, "gcno-" + tag)
        os.makedirs(d)
        if content is not None:
            with open(os.path.join(d, name), "wb") as f:
                f.write(content)
        return d

    refused(c, raw, variant("missing", None), "cannot read the notes file", "missing .gcno")
    refused(c, raw, variant("truncated", data[:len(data) // 2]), name, "truncated .gcno")
    refused(c, raw, variant("version", data[:4] + bytes(reversed(b"B32*")) + data[8:]),
            name, ".gcno of another gcc version")
    # Recompiled: the same source compiled again has a new stamp.
    d = variant("recompiled", None)
    src = os.path.join(c.args.src, "branchy.c")
    subprocess.run(["gcc", "-g", "-O0", "-finstrument-functions", "-fprofile-arcs",
                    "-ftest-coverage", "-c", src, "-o", os.path.join(d, "x.o")],
                   check=True, cwd=d)
    os.rename(os.path.join(d, "x.gcno"), os.path.join(d, name))
    refused(c, raw, d, "the source was recompiled since the run", "recompiled .gcno")
    # Same stamp, but one function's cfg checksum differs (another build of
    # the function): the solver must name it. FUNCTION record: tag
    # 0x01000000, length, ident, lineno_checksum, cfg_checksum.
    tag = (0x01000000).to_bytes(4, "little")
    i = data.find(tag, 16)
    c.expect(i > 0, "no FUNCTION record in %s" % gcno)
    cfg = i + 16
    changed = data[:cfg] + bytes([data[cfg] ^ 0x5a]) + data[cfg + 1:]
    refused(c, raw, variant("checksum", changed), "checksum", "changed cfg checksum")


def main():
    c = Checker("arcs", [(["--gcov-prog"], {"required": True})])
    want_out, truth = gcov_truth(c, os.path.abspath(c.args.gcov_prog))
    cp, raws = c.run([N])
    c.expect(cp.stdout == want_out, "output %r differs from the libgcov build's %r"
             % (cp.stdout, want_out))
    raw = c.one_raw(raws)
    p = c.export(raw)
    doc = p.doc

    objs = doc.get("gcov_objects", [])
    c.expect(len(objs) == 1 and objs[0]["mode"] == "in-place" and objs[0]["counted"],
             "gcov_objects: expected one counted in-place object, got %s" % objs)

    # Lines and branches, every line of the file.
    ours_lines = {l["line"]: l["count"] for l in doc.get("lines", [])
                  if basename(l["file"]) == "branchy.c"}
    ours_br = {b["line"]: [(o["count"], o["fallthrough"], o.get("throw", False))
                           for o in b["outcomes"]]
               for b in doc.get("branches", []) if basename(b["file"]) == "branchy.c"}
    want_lines = {l["line_number"]: l["count"] for l in truth["lines"]}
    want_br = {l["line_number"]: [(b["count"], b["fallthrough"], b["throw"])
                                  for b in l["branches"]]
               for l in truth["lines"] if l["branches"]}
    c.compare("line counts (line: count) against gcov --json-format", want_lines, ours_lines)
    c.expect(set(ours_lines) == set(want_lines), "lines with code differ: gcov only %s,"
             " vitprof only %s" % (sorted(set(want_lines) - set(ours_lines)),
                                   sorted(set(ours_lines) - set(want_lines))))
    for line in sorted(set(want_br) | set(ours_br)):
        c.expect(want_br.get(line) == ours_br.get(line),
                 "line %d branches: gcov %s, vitprof %s"
                 % (line, want_br.get(line), ours_br.get(line)))
    n_out = sum(len(v) for v in want_br.values())
    c.log("compared %d lines and %d branch outcomes on %d lines with gcov"
          % (len(want_lines), n_out, len(want_br)))
    c.expect(n_out >= 40, "only %d branch outcomes: the program lost its branches?" % n_out)

    # Entry counts: gcov's execution_count, and the hooks' calls.
    gf = {f["name"]: f for f in doc.get("gcov_functions", [])}
    c.compare("entry counts against gcov",
              {f["name"]: f["execution_count"] for f in truth["functions"]},
              {k: v["entry_count"] for k, v in gf.items()})
    for f in p.functions:
        if f.get("instrumented") and basename(f.get("file")) == "branchy.c":
            c.expect(f.get("entry_count") == f["calls"],
                     "%s: entry_count %s, hooks counted %d calls"
                     % (f["name"], f.get("entry_count"), f["calls"]))
            g = gf.get(f["linkage_name"])
            c.expect(g is not None and g["function"] == f["id"],
                     "%s: gcov_functions does not join to functions[%d]" % (f["name"], f["id"]))

    # Loops known by construction.
    loops = {}
    for l in doc.get("loops", []):
        loops.setdefault(l["function"], []).append(
            (l["depth"], l["entries"], l["iterations"]))
    for k in loops:
        loops[k].sort()
    c.compare("loops (function: [(depth, entries, iterations)])",
              {"sum_to": [(1, 10, 45)], "grid": [(1, 3, 12), (2, 12, 60)],
               "countdown": [(1, 1, 9)], "one_line": [(1, 1, N)]},
              {k: loops.get(k) for k in ("sum_to", "grid", "countdown", "one_line")})
    main_loops = loops.get("main", [])
    c.expect((1, 1, N + 3) in main_loops, "main's first loop: expected (1, 1, %d) in %s"
             % (N + 3, main_loops))

    bad_gcno(c, raw, doc)

    # The text reports.
    s = c.tool(["show", "--branches", "--loops", "-n", "0", raw])
    c.expect(s.returncode == 0, "show --branches --loops failed: %s" % s.stderr)
    c.expect("branches:" in s.stdout and "loops:" in s.stdout and "grid" in s.stdout,
             "show --branches --loops output:\n%s" % s.stdout)
    c.finish()


if __name__ == "__main__":
    main()
