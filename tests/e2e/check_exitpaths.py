# SPDX-License-Identifier: MIT
"""e2e: exitpaths.c - exit() from five frames down, and return from main:
state "exited", exact counts (atexit handler included); in time mode the
frames still open at exit() are closed with sane times."""
from vpcheck import Checker

N = 100


def expected(how):
    e = {"main": 1, "count_me": 6 * N, "loop": 6, "at_exit_handler": 1, "in_atexit": 5}
    for i in range(1, 6):
        e["level%d" % i] = 1
    return e


def main():
    c = Checker("exit_paths")
    sink = 6 * N * (N - 1) // 2 + sum(range(5))
    for how, rc, last in (("exit", 7, "exiting from level5"), ("return", 3, "returning from main")):
        for mode in ("count", "time"):
            tag = "%s-%s" % (how, mode)
            cp, raws = c.run([how, N], tag=tag, mode=mode, expect_rc=rc)
            c.expect(cp.stdout == "%s\natexit sink=%d\n" % (last, sink),
                     "%s: unexpected output %r" % (tag, cp.stdout))
            p = c.export(c.one_raw(raws))
            c.compare("%s: function calls" % tag, expected(how), p.calls())
            c.expect_program(p, tag)
            if mode != "time":
                continue
            f = {n: p.func(n) for n in expected(how)}
            if any(x is None or "total_ns" not in x for x in f.values()):
                c.fail("%s: functions without time: %s" % (tag, f))
                continue
            t = {n: x["total_ns"] for n, x in f.items()}
            chain = ["main"] + ["level%d" % i for i in range(1, 6)]
            for a, b in zip(chain, chain[1:]):
                c.expect(t[a] >= t[b] > 0, "%s: %s total %d, %s total %d: expected %s >= %s > 0"
                         % (tag, a, t[a], b, t[b], a, b))
    c.finish()


if __name__ == "__main__":
    main()
