#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Value profiles by function and site (known.c, values known by
construction): `vitprof export` (value_sites, first_call, version 3, the
schema), `vitprof show --values`, `vitprof merge` of documents (weights,
a version-2 document, a site layout that differs).

Usage: check_values_show.py --vitprof PATH --rtdir DIR --ldscript PATH
                            --src DIR --schema PATH --scratch DIR
"""
import argparse
import copy
import json
import os
import shutil
import sys

import jsonschema

ap = argparse.ArgumentParser()
for a in ("vitprof", "rtdir", "ldscript", "src", "schema", "scratch"):
    ap.add_argument("--" + a, required=True)
ap.add_argument("--cc", default="gcc")
A = ap.parse_args()
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402

CHECKS = vptest.Checks()
check = CHECKS.expect


def sh(cmd, ok=True, **kw):
    return vptest.must(cmd, ok=(0,) if ok else None, **kw)


w = vptest.fresh_dir(A.scratch)
src = os.path.join(A.src, "known.c")
sh([A.cc, "-O2", "-g", "-fprofile-generate", "-ftest-coverage", "-fdata-sections",
    "-c", src, "-o", w + "/known.o"])
sh([A.cc, w + "/known.o", "-o", w + "/known", "-L" + A.rtdir, "-Wl,-rpath," + A.rtdir,
    "-lvitprof_gcov", "-lvitprof_rt", "-Wl,-T," + A.ldscript, "-Wl,--build-id"])
env = {k: v for k, v in os.environ.items() if not k.startswith(("GCOV_", "VITPROF_"))}
env["VITPROF_FILE"] = "run.vitraw"
sh([w + "/known"], cwd=w, env=env)
raw = w + "/run.vitraw"
doc_path = w + "/run.vitprof"
sh([A.vitprof, "export", "-o", doc_path, raw])
schema = jsonschema.Draft202012Validator(json.load(open(A.schema)))


def valid(path):
    errs = [e.message for e in schema.iter_errors(json.load(open(path)))]
    check(not errs, "%s follows the schema: %s" % (os.path.basename(path), errs[:3]))


doc = json.load(open(doc_path))
valid(doc_path)
check(doc["version"] == 3, "version 3 with value profiles")

# ---- value sites, exactly as known.c makes them ----------------------------
first = {f["name"]: f.get("first_call") for f in doc["gcov_functions"]}
check(first == {"main": 1, "dispatch": 2, "tgt_hot": 3, "divide_by": 4, "umod": 5,
                "copy_n": 6, "tgt_cold": 7, "never_called": 0},
      "first calls in the order known.c makes them: %s" % first)
sites = {(s["function"], s["kind"], s["site"]): s for s in doc["value_sites"]}
lines = {}
for n, l in enumerate(open(src), 1):
    for fn in ("tgt_hot", "tgt_cold", "dispatch", "divide_by", "umod", "copy_n"):
        if "int %s(" % fn in l or "long %s(" % fn in l or "unsigned %s(" % fn in l \
                or "void %s(" % fn in l:
            lines[fn] = n
for (fn, kind, _), s in sites.items():
    check(s["file"] == os.path.abspath(src) and s["line"] == lines.get(fn),
          "%s %s: at %s's definition (%s:%s)" % (fn, kind, fn, s["file"], s["line"]))
# each site's own line: the "site:" comment that names it (known.o's line
# table, -O2), exactly
site_lines = {}
for n, l in enumerate(open(src), 1):
    if "/* site:" in l:
        fn = max((f for f in lines if lines[f] < n), key=lambda f: lines[f])
        for part in l.split("/* site:")[1].split("*/")[0].split(","):
            kind, idx = part.split()
            site_lines[(fn, kind, int(idx))] = n
check(sorted(site_lines) == sorted(sites), "a site: comment per site: %s vs %s" %
      (sorted(site_lines), sorted(sites)))
for k, s in sorted(sites.items()):
    check(s.get("site_file") == os.path.abspath(src) and s.get("site_line") == site_lines.get(k),
          "%s: at line %s, not %s:%s" % (k, site_lines.get(k), s.get("site_file"),
                                         s.get("site_line")))


def values(s):
    return [(v["value"], v["count"]) for v in s["values"]]


ic = sites.get(("dispatch", "indirect_call", 0))
check(ic is not None and ic["total"] == 1000 and not ic["dropped"] and
      [(t["function"], t["line"], t["count"]) for t in ic["targets"]] ==
      [("tgt_hot", lines["tgt_hot"], 900), ("tgt_cold", lines["tgt_cold"], 100)],
      "dispatch: tgt_hot 900, tgt_cold 100, named from the profile ids: %s" % ic)
exp = {
    ("divide_by", "topn", 0): [(7, 1000)],
    ("umod", "topn", 0): [(16, 1000)],
    ("copy_n", "topn", 0): [(24, 1000)],
}
for k, v in exp.items():
    s = sites.get(k)
    check(s is not None and s["total"] == 1000 and values(s) == v, "%s: %s" % (k, s))
for k, v in {("umod", "interval", 0): [16, 16, 968, 0],
             ("umod", "pow2", 0): [0, 1000],
             ("copy_n", "average", 0): [24000, 1000]}.items():
    s = sites.get(k)
    check(s is not None and s["counters"] == v, "%s counters %s: %s" % (k, v, s))
s = sites.get(("copy_n", "ior", 0))
check(s is not None and len(s["counters"]) == 1 and s["counters"][0] != 0,
      "copy_n: an ior site (the destination's address bits): %s" % s)
check(sorted(sites) == sorted(list(exp) + [("dispatch", "indirect_call", 0),
                                           ("umod", "interval", 0), ("umod", "pow2", 0),
                                           ("copy_n", "average", 0), ("copy_n", "ior", 0)]),
      "no other value sites: %s" % sorted(sites))

# ---- the object beside the .gcda missing, without -g, of another build -----
# The sites stay, without their lines, and one warning names the object.
def other_object(name, flags, source):
    d = w + "/" + name
    os.makedirs(d)
    open(d + "/known.c", "w").write(source)
    sh([A.cc, "-O2", "-fprofile-generate", "-ftest-coverage", "-fdata-sections"] + flags +
       ["-c", d + "/known.c", "-o", d + "/known.o"])
    return d + "/known.o"


shutil.copy(w + "/known.o", w + "/known.o.orig")
text = open(src).read()
assert "q = a / b;" in text
cases = [
    ("missing", None, "cannot open"),
    ("no -g", other_object("nog", [], text), "no .debug_line"),
    ("another build", other_object("other", ["-g"], text.replace("q = a / b;",
                                                                 "q = a / b + a / (b + 1);")),
     "the object's counter arrays are not the profile's"),
]
for what, obj, why in cases:
    if os.path.exists(w + "/known.o"):
        os.remove(w + "/known.o")
    if obj:
        shutil.copy(obj, w + "/known.o")
    r = sh([A.vitprof, "export", "-o", w + "/noline.vitprof", raw])
    warn = [l for l in r.stderr.splitlines() if "value sites without their lines" in l]
    check(len(warn) == 1 and why in warn[0] and w + "/known.o" in warn[0],
          "object %s: one warning naming it: %r" % (what, r.stderr))
    nl = json.load(open(w + "/noline.vitprof"))
    valid(w + "/noline.vitprof")
    check(len(nl["value_sites"]) == len(doc["value_sites"]) and
          all(s["site_file"] is None and s["site_line"] is None for s in nl["value_sites"]),
          "object %s: every site kept, without a line" % what)
    out = sh([A.vitprof, "show", "--values", raw]).stdout
    check("dispatch (known.c:%d) #0" % lines["dispatch"] in out,
          "object %s: show --values names the function's line\n%s" % (what, out))
shutil.copy(w + "/known.o.orig", w + "/known.o")

# ---- show --values ---------------------------------------------------------
out = sh([A.vitprof, "show", "--values", raw]).stdout
check("known.c:%d dispatch #0" % site_lines[("dispatch", "indirect_call", 0)] in out and
      "tgt_hot 90.0% (900), tgt_cold 10.0% (100)" in out, "show --values: targets\n" + out)
rows = [l.split() for l in out.splitlines() if l.strip().startswith("1000 100.0%")]
check([r[2] for r in rows] == ["7", "16", "24"], "show --values: specialized values\n" + out)
out = sh([A.vitprof, "show", "--values", "--limit", "1", raw]).stdout
check("(2 more; -n 0 shows all)" in out, "show --values --limit 1\n" + out)

# ---- merge -----------------------------------------------------------------
merged = w + "/merged.vitprof"
sh([A.vitprof, "merge", "-w", "3," + doc_path, doc_path, "-o", merged])
valid(merged)
m = json.load(open(merged))
ms = {(s["function"], s["kind"], s["site"]): s for s in m["value_sites"]}
check(m["version"] == 3 and ms[("dispatch", "indirect_call", 0)]["total"] == 4000 and
      [t["count"] for t in ms[("dispatch", "indirect_call", 0)]["targets"]] == [3600, 400],
      "merge weight 3 + 1: targets x4")
check(values(ms[("divide_by", "topn", 0)]) == [(7, 4000)] and
      ms[("umod", "interval", 0)]["counters"] == [64, 64, 3872, 0] and
      ms[("copy_n", "average", 0)]["counters"] == [96000, 4000] and
      ms[("copy_n", "ior", 0)]["counters"] == sites[("copy_n", "ior", 0)]["counters"],
      "merge: topn, interval, average x4, ior or-ed")
check({f["name"]: f.get("first_call") for f in m["gcov_functions"]} == first,
      "merge: first calls kept")
# a version-2 document (no value profiles) merges with a version-3 one
v2 = copy.deepcopy(doc)
v2["version"] = 2
del v2["value_sites"]
for f in v2["gcov_functions"]:
    del f["first_call"]
json.dump(v2, open(w + "/v2.vitprof", "w"))
valid(w + "/v2.vitprof")
sh([A.vitprof, "merge", w + "/v2.vitprof", w + "/v2.vitprof", "-o", w + "/v2m.vitprof"])
check(json.load(open(w + "/v2m.vitprof"))["version"] == 2, "version 2 stays version 2")
sh([A.vitprof, "merge", w + "/v2.vitprof", doc_path, "-o", w + "/mixed.vitprof"])
x = json.load(open(w + "/mixed.vitprof"))
check(x["version"] == 3 and len(x["value_sites"]) == len(doc["value_sites"]),
      "version 2 + version 3: the value sites of the one that has them")
# another layout of a fixed-size site is refused
bad = copy.deepcopy(doc)
for s in bad["value_sites"]:
    if s["kind"] == "pow2":
        s["counters"].append(0)
json.dump(bad, open(w + "/bad.vitprof", "w"))
r = sh([A.vitprof, "merge", doc_path, w + "/bad.vitprof", "-o", w + "/x.vitprof"], ok=False)
check(r.returncode == 1 and "pow2 site 0 of umod has 3 counters, not 2" in r.stderr,
      "a site with other counters is refused: %s" % r.stderr)
# a version-4 document is refused, naming the versions read
bad = dict(doc, version=4)
json.dump(bad, open(w + "/v4.vitprof", "w"))
r = sh([A.vitprof, "merge", w + "/v4.vitprof", "-o", w + "/x.vitprof"], ok=False)
check(r.returncode == 1 and "reads versions 2 and 3" in r.stderr, "version 4 refused")

CHECKS.finish()
