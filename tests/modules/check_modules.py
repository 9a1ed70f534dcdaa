# SPDX-License-Identifier: MIT
"""modules: modprog.c loads libone.so and libtwo.so (one layout) in turn,
with dlclose() in between, so that the loader may put one where the other
was. Every call must be credited to the library that was loaded when it was
made: the counts are known by construction (one_a/one_b N times per load of
libone, two_x/two_y M times per load of libtwo), each function is one
function of its own library's file and module, and every library loaded is
in the profile's modules. In count, time and context modes."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from vpcheck import Checker, basename  # noqa: E402

N = 7      # calls of one_a per load of libone
M = 5      # calls of two_x per load of libtwo

# scenario: (loads of libone, loads of libtwo)
LOADS = {"swap": (1, 1), "reload": (2, 0), "aba": (2, 1), "both": (1, 1)}


def main():
    c = Checker("modules", [(("--scenario",), {"required": True, "choices": sorted(LOADS)}),
                            (("--libone",), {"required": True}),
                            (("--libtwo",), {"required": True})])
    sc = c.args.scenario
    libs = {"one": os.path.realpath(c.args.libone), "two": os.path.realpath(c.args.libtwo)}
    n1, n2 = LOADS[sc]
    calls = {"run": n1 + n2, "one_a": n1 * N, "one_b": n1 * N,
             "two_x": n2 * M, "two_y": n2 * M}
    calls = {k: v for k, v in calls.items() if v}
    run_line = c.marker_line("modprog.c", "SITE:run")
    edges = {("run", "one_a", run_line): n1 * N,
             ("one_a", "one_b", c.marker_line("libone.c", "SITE:one_b")): n1 * N,
             ("run", "two_x", run_line): n2 * M,
             ("two_x", "two_y", c.marker_line("libtwo.c", "SITE:two_y")): n2 * M}
    edges = {k: v for k, v in edges.items() if v}
    owner = {"one_a": "one", "one_b": "one", "two_x": "two", "two_y": "two"}

    for mode in ("count", "time", "context"):
        cp, raws = c.run([sc, libs["one"], libs["two"], N, M], tag=mode, mode=mode)
        loads = re.findall(r"^load (one|two) (\S+)$", cp.stdout, re.M)
        c.log("%s: loads %s" % (mode, ", ".join("%s at %s" % l for l in loads)))
        addrs = {}
        for tag, a in loads:
            addrs.setdefault(tag, set()).add(a)
        if sc != "both" and "two" in addrs and addrs["two"] & addrs.get("one", set()):
            c.log("%s: libtwo's entry point is at libone's former address" % mode)
        p = c.export(c.one_raw(raws, "the %s run" % mode))
        got = p.calls()
        c.compare("%s: calls" % mode, calls, {k: v for k, v in got.items() if k in calls or
                                            k in owner})
        c.compare("%s: call edges (caller, callee, line)" % mode, edges,
                  {k: v for k, v in p.edge_counts(by_line=True).items()
                   if k[1] in owner})
        for name, lib in owner.items():
            if name not in calls:
                c.expect(not p.funcs_named(name), "%s: %s is in the profile, never called"
                         % (mode, name))
                continue
            f = p.func(name)
            if not c.expect(f is not None, "%s: %d functions named %s, expected 1"
                            % (mode, len(p.funcs_named(name)), name)):
                continue
            c.expect(basename(f.get("file")) == "lib%s.c" % lib,
                     "%s: %s: file %r, expected lib%s.c" % (mode, name, f.get("file"), lib))
            m = p.module_of(f)
            c.expect(m is not None and m.get("path") and
                     os.path.realpath(m["path"]) == libs[lib],
                     "%s: %s: module %s, expected %s" % (mode, name, m, libs[lib]))
        paths = {os.path.realpath(m["path"]) for m in p.doc["modules"] if m.get("path")}
        for lib, loaded in (("one", n1), ("two", n2)):
            if loaded:
                c.expect(libs[lib] in paths, "%s: %s is not among the modules %s"
                         % (mode, libs[lib], sorted(paths)))
        c.expect(p.program["lost_calls"] == 0, "%s: lost_calls %d"
                 % (mode, p.program["lost_calls"]))
        show = c.tool(["show", raws[0]])
        missing = [name for name in calls if name in owner and
                   not re.search(r"\b%s\b" % name, show.stdout)]
        c.expect(not missing, "%s: vitprof show does not name %s:\n%s"
                 % (mode, ", ".join(missing), show.stdout))
    c.finish()


if __name__ == "__main__":
    main()
