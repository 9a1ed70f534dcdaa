#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The marks API end to end: runs marksprog (tests/marks/marksprog.c) in
one mode and reads its raw profile directly (vpraw.py):
  count    each scope's call edge (caller -> VPR_NAME_FN(id)) has the
           known count from the known call site, instants are counted,
           NAMES gives each string one id, threads their names
  time     the scope around a 30 ms sleep has >= 20 ms inclusive time and
           little self time (the sleeping call nests under it)
  context  the calling-context paths through scopes (nesting, VITPROF_SCOPE
           with early returns, longjmp out of a scope)
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import vptest  # noqa: E402
import vpraw  # noqa: E402

args = vptest.arguments(["--prog", "--scratch"], cases=("count", "time", "context"))
checks = vptest.Checks(args.case)
check = checks.expect
scratch = vptest.fresh_dir(args.scratch)
raw_path = os.path.join(scratch, "marks.vitraw")
env = vptest.clean_env({"VITPROF_MODE": args.case, "VITPROF_FILE": raw_path})
vptest.must([args.prog], env=env, timeout=60)
raw = vpraw.Raw(raw_path)

# Functions of the program: name -> (runtime address, size).
exe = os.path.realpath(args.prog)
bias = [m[1] for m in raw.modules if os.path.realpath(m[4]) == exe]
if not check(len(bias) == 1, "one module record for the program"):
    checks.finish()
funcs = {}
for line in subprocess.run(["nm", "-S", "--defined-only", args.prog], stdout=subprocess.PIPE,
                           universal_newlines=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 4 and parts[2] in "tT":
        funcs[parts[3]] = (int(parts[0], 16) + bias[0], int(parts[1], 16))


def fn_name(addr):
    if addr & vpraw.NAME_FN_BASE == vpraw.NAME_FN_BASE:
        return "@" + raw.strings.get(addr & ~vpraw.NAME_FN_BASE, "?%d" % (addr & 0xffffffff))
    for name, (lo, _) in funcs.items():
        if lo == addr:
            return name
    return hex(addr)


def site_in(site):
    for name, (lo, size) in funcs.items():
        if lo <= site < lo + size:
            return name
    return hex(site)


# NAMES: each string once, ids from 1 without gaps.
ids = [i for i, _ in raw.string_records]
texts = [t for _, t in raw.string_records]
check(sorted(ids) == list(range(1, len(ids) + 1)), "string ids 1..n, each once: %s" % ids)
check(len(set(texts)) == len(texts), "each string recorded once: %s" % texts)
for name in ("early", "phase", "tagA", "outer", "inner", "sleepy", "guard", "ljscope", "tick"):
    check(name in texts, "NAMES holds %r" % name)
check(raw.threads.count((raw.pid, "mainthr")) == 1,
      "the main thread named mainthr once: %s" % raw.threads)
check(len([t for t in raw.threads if t[1] == "worker-1" and t[0] != raw.pid]) == 1,
      "the worker thread named worker-1: %s" % raw.threads)

if args.case in ("count", "time"):
    def edges_of(scope):
        fn = raw.name_fn(scope)
        return [e for e in raw.entries() if e[1] == fn and e[0] != 1]

    for scope, caller, count in (("early", None, 1), ("phase", "phase_loop", 7),
                                 ("outer", "nested", 3), ("inner", "nested", 3),
                                 ("sleepy", "sleepy", 1), ("guard", "guarded", 5),
                                 ("ljscope", "lj_mid", 1), ("tick", "instants", 5)):
        es = edges_of(scope)
        if not check(len(es) == 1, "scope %s: one call edge (%d)" % (scope, len(es))):
            continue
        check(es[0][2] == count, "scope %s: count %d (expected %d)" % (scope, es[0][2], count))
        if caller:
            check(site_in(es[0][0]) == caller, "scope %s: called from %s (%s)"
                  % (scope, caller, site_in(es[0][0])))

if args.case == "time":
    es = edges_of("sleepy")
    if es:
        total, self_ = raw.ns(es[0][3]), raw.ns(es[0][4])
        check(total >= 20e6, "sleepy: inclusive %.1f ms >= 20 ms" % (total / 1e6))
        check(self_ < total / 2, "sleepy: self %.1f ms < half (nap nests under the scope)"
              % (self_ / 1e6))
    naps = [e for e in raw.entries() if e[1] == funcs["nap"][0] and e[0] != 1]
    check(len(naps) == 1 and raw.ns(naps[0][3]) >= 20e6, "nap: one edge, >= 20 ms")
    ticks = edges_of("tick")
    check(ticks and ticks[0][3] >= 0, "instants have an edge")

if args.case == "context":
    paths = {}
    for ents in raw.tables.values():
        nodes = {e[5]: e for e in ents}
        for e in ents:
            names, n = [], e
            while n is not None:
                names.append(fn_name(n[1]))
                n = nodes.get(n[0]) if n[0] else None
            key = ";".join(reversed(names))
            paths[key] = paths.get(key, 0) + e[2]
    expected = {
        "@early": 1,
        "main;phase_loop;@phase": 7,
        "main;phase_loop;@phase;leaf": 7,
        "main;nested;@outer": 3,
        "main;nested;@outer;@inner": 3,
        "main;nested;@outer;@inner;leaf": 3,
        "main;sleepy;@sleepy;nap": 1,
        "main;guard_loop;guarded;@guard": 5,
        "main;guard_loop;guarded;@guard;leaf2": 2,
        "main;guard_loop;after": 1,
        "main;lj_parent;lj_mid;@ljscope;lj_deep": 1,
        "main;lj_parent;after": 1,
        "main;instants;@tick": 5,
        "worker;leaf": 1,
    }
    for path, count in expected.items():
        check(paths.get(path) == count, "path %s: %s (expected %d)" % (path, paths.get(path),
                                                                      count))
    for path in paths:
        check("@ljscope;after" not in path and "lj_mid;after" not in path,
              "after() is not under the scope a longjmp left: %s" % path)
        check("@guard;after" not in path, "VITPROF_SCOPE closed at return: %s" % path)
        check("@phase;@phase" not in path and "@outer;@outer" not in path,
              "scopes do not nest in themselves: %s" % path)

checks.finish()
