# SPDX-License-Identifier: MIT
"""e2e: deeprec.c in time mode - a recursion 1e6 frames deep in a thread
with a 1 GiB stack: exact counts, nothing lost, sane times."""
from vpcheck import Checker

N = 1000000


def main():
    c = Checker("deep_recursion")
    cp, raws = c.run([N], mode="time", timeout=600)
    c.expect(cp.stdout == "depth=%d\n" % (N + 1), "unexpected output %r" % cp.stdout)
    p = c.export(c.one_raw(raws))
    c.compare("function calls", {"main": 1, "runner": 1, "deep": N + 1, "bottom": 1},
              p.calls())
    c.compare("call edges (caller, callee, line)",
              {("runner", "deep"): 1, ("deep", "deep"): N, ("deep", "bottom"): 1},
              p.edge_counts(src="deeprec.c"))
    c.expect(p.program["lost_calls"] == 0, "lost_calls %d" % p.program["lost_calls"])
    c.expect(p.program["threads"] == 2, "threads %d, expected 2" % p.program["threads"])
    f = {n: p.func(n) for n in ("main", "runner", "deep", "bottom")}
    if all(x is not None and "total_ns" in x for x in f.values()):
        t = {n: x["total_ns"] for n, x in f.items()}
        c.log("total_ns: %s" % t)
        # Recursion is counted once: deep's total is its outermost activation,
        # inside runner's.
        c.expect(t["runner"] >= t["deep"] >= t["bottom"],
                 "expected runner total %d >= deep total %d >= bottom total %d"
                 % (t["runner"], t["deep"], t["bottom"]))
        c.expect(t["deep"] > 0, "deep total_ns is 0")
        c.expect(f["deep"]["self_ns"] <= t["deep"], "deep self > total")
    else:
        c.fail("functions without time: %s" % f)
    c.finish()


if __name__ == "__main__":
    main()
