# SPDX-License-Identifier: MIT
"""e2e: fnptr.c - three functions called through a pointer table from one
call site in dispatch(), plus direct calls of op_add from main."""
from vpcheck import Checker

T, D = 6000, 77
SRC = "fnptr.c"
OPS = ["op_add", "op_mul", "op_neg"]
PICK = [0, 1, 1, 2, 2, 2]


def main():
    c = Checker("fnptr")
    cp, raws = c.run([T, D])
    p = c.export(c.one_raw(raws))

    n = [0, 0, 0]
    acc = 0
    for i in range(T):
        w = PICK[(i * 7) % 6]
        n[w] += 1
        acc += [i + 1, i * 3, -i - 7][w]
    acc += sum(i + 1 for i in range(D))
    c.expect(cp.stdout == "acc=%d\n" % acc, "unexpected output %r" % cp.stdout)
    assert n == [1000, 2000, 3000]

    expected = {"main": 1, "dispatch": T, "op_add": n[0] + D, "op_mul": n[1], "op_neg": n[2]}
    c.compare("function calls", expected, p.calls())

    ld = c.marker_line(SRC, "SITE:dispatch")
    exp_edges = {
        ("main", "dispatch", c.marker_line(SRC, "SITE:main_dispatch")): T,
        ("main", "op_add", c.marker_line(SRC, "SITE:main_add")): D,
        ("dispatch", "op_add", ld): n[0],
        ("dispatch", "op_mul", ld): n[1],
        ("dispatch", "op_neg", ld): n[2],
    }
    c.compare("call edges (caller, callee, line)", exp_edges,
              p.edge_counts(by_line=True, src=SRC))
    # One dispatching call site: the three edges out of dispatch share it.
    sites = {e["site"] for e in p.edges if e["caller_name"] == "dispatch"}
    c.expect(len(sites) == 1, "dispatch's edges should share one call site, got %s" % sites)
    c.expect_program(p)
    c.finish()


if __name__ == "__main__":
    main()
