# SPDX-License-Identifier: MIT
"""e2e: static_a.c / static_b.c - two `static int helper()` with the same
name in two translation units must be two functions, each with its file,
line and count."""
from vpcheck import Checker, basename

A, B = 123, 4567


def main():
    c = Checker("static_same_name")
    cp, raws = c.run([A, B])
    sa = sum(i * 2 + 1 for i in range(A))
    sb = -sum(i ^ 0x55 for i in range(B))
    c.expect(cp.stdout == "%d %d\n" % (sa, sb), "unexpected output %r" % cp.stdout)
    p = c.export(c.one_raw(raws))

    helpers = p.funcs_named("helper")
    c.expect(len(helpers) == 2, "expected two functions named helper, got %d: %s"
             % (len(helpers), helpers))
    by_file = {basename(f.get("file")): f for f in helpers}
    c.expect(len({f["id"] for f in helpers}) == len(helpers), "helper ids not distinct")
    c.expect(len({f["address"] for f in helpers}) == len(helpers),
             "helper addresses not distinct")
    c.compare("helper calls per file", {"static_a.c": A, "static_b.c": B},
              {k: f["calls"] for k, f in by_file.items()})
    for src, tag in (("static_a.c", "helper_a"), ("static_b.c", "helper_b")):
        f = by_file.get(src)
        if f:
            want = c.marker_line(src, "DEF:" + tag)
            c.expect(f.get("line") == want, "helper in %s: line %s, expected %d"
                     % (src, f.get("line"), want))
    c.compare("function calls (by name, file)",
              {("main", "static_main.c"): 1, ("a_entry", "static_a.c"): 1,
               ("b_entry", "static_b.c"): 1, ("helper", "static_a.c"): A,
               ("helper", "static_b.c"): B},
              p.calls(key=lambda f: (f["name"], basename(f.get("file")))))
    # Each entry calls its own helper: edges by (caller, callee file).
    got = {}
    for e in p.edges:
        if e["callee_name"] == "helper":
            k = (e["caller_name"], basename(p.byid[e["callee"]].get("file")), e.get("line"))
            got[k] = got.get(k, 0) + e["count"]
    c.compare("edges into helper (caller, helper's file, line)",
              {("a_entry", "static_a.c", c.marker_line("static_a.c", "SITE:a_helper")): A,
               ("b_entry", "static_b.c", c.marker_line("static_b.c", "SITE:b_helper")): B},
              got)
    c.finish()


if __name__ == "__main__":
    main()
