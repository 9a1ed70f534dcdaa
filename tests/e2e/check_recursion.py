# SPDX-License-Identifier: MIT
"""e2e: recursion.c - fib(N) and is_even/is_odd mutual recursion, exact
call counts and per-call-site edges, computed here independently."""
from functools import lru_cache

from vpcheck import Checker

N, M = 20, 1001
SRC = "recursion.c"


def fibv(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


@lru_cache(maxsize=None)
def fib_calls(n):
    """Activations of fib(n) (a tree walk, not the closed formula)."""
    return 1 if n < 2 else 1 + fib_calls(n - 1) + fib_calls(n - 2)


@lru_cache(maxsize=None)
def fib_internal(n):
    """Activations with n >= 2: each makes one call from each site."""
    return 0 if n < 2 else 1 + fib_internal(n - 1) + fib_internal(n - 2)


def parity_calls(start_fn, n):
    """Simulates is_even/is_odd: returns ({fn: activations}, {edge: count})."""
    calls = {"is_even": 0, "is_odd": 0}
    edges = {("is_even", "is_odd"): 0, ("is_odd", "is_even"): 0}
    fn = start_fn
    while True:
        calls[fn] += 1
        if n == 0:
            break
        other = "is_odd" if fn == "is_even" else "is_even"
        edges[(fn, other)] += 1
        fn, n = other, n - 1
    return calls, edges


def main():
    c = Checker("recursion")
    cp, raws = c.run([N, M])
    even = M % 2 == 0
    c.expect(cp.stdout == "fib(%d)=%d is_even(%d)=%d is_odd(%d)=%d\n"
             % (N, fibv(N), M, int(even), M + 1, int((M + 1) % 2 == 1)),
             "unexpected output: %r" % cp.stdout)
    p = c.export(c.one_raw(raws))

    # The closed formula and the tree walk must agree (checks the checker).
    assert fib_calls(N) == 2 * fibv(N + 1) - 1
    assert fib_internal(N) == fibv(N + 1) - 1

    ce, ee = parity_calls("is_even", M)
    co, eo = parity_calls("is_odd", M + 1)
    expected = {
        "main": 1,
        "fib": fib_calls(N),
        "is_even": ce["is_even"] + co["is_even"],
        "is_odd": ce["is_odd"] + co["is_odd"],
    }
    c.compare("function calls", expected, p.calls())

    line = lambda m: c.marker_line(SRC, "SITE:" + m)
    exp_edges = {
        ("main", "fib", line("main_fib")): 1,
        ("main", "is_even", line("main_even")): 1,
        ("main", "is_odd", line("main_odd")): 1,
        ("fib", "fib", line("fib_a")): fib_internal(N),
        ("fib", "fib", line("fib_b")): fib_internal(N),
        ("is_even", "is_odd", line("even_odd")):
            ee[("is_even", "is_odd")] + eo[("is_even", "is_odd")],
        ("is_odd", "is_even", line("odd_even")):
            ee[("is_odd", "is_even")] + eo[("is_odd", "is_even")],
    }
    c.compare("call edges (caller, callee, line)", exp_edges,
              p.edge_counts(by_line=True, src=SRC))

    fibfib = [e for e in p.edges if e["caller_name"] == "fib" and e["callee_name"] == "fib"]
    c.expect(len(fibfib) == 2 and fibfib[0]["site"] != fibfib[1]["site"],
             "fib -> fib should be two edges with distinct sites: %s" % fibfib)
    c.expect_in_file(p, expected, SRC)
    prog = p.program
    c.expect(prog["state"] == "exited", "state %r, expected exited" % prog["state"])
    c.expect(prog["mode"] == "count", "mode %r" % prog["mode"])
    c.expect(prog["lost_calls"] == 0, "lost_calls %d" % prog["lost_calls"])
    c.expect(prog["threads"] == 1, "threads %d, expected 1" % prog["threads"])
    c.expect(prog["fork_child"] is False, "fork_child should be false")
    c.finish()


if __name__ == "__main__":
    main()
