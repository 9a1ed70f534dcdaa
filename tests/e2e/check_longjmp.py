# SPDX-License-Identifier: MIT
"""e2e: longjmp.c in time mode - longjmp out of nested instrumented calls,
again and again: counts exact, nothing lost, and the times stay sane."""
import re
import time

from vpcheck import Checker

RA, RB, D = 200, 50, 8
MS = 1000 * 1000


def main():
    c = Checker("longjmp")
    t0 = time.monotonic()
    cp, raws = c.run([RA, RB, D], mode="time")
    wall_ns = int((time.monotonic() - t0) * 1e9)
    sink = 2 * (3 * RA + RB) + sum(range(1000))
    m = re.fullmatch(r"sink=(\d+)\nsleep_ns=(\d+)\n", cp.stdout)
    if not (m and int(m.group(1)) == sink):
        c.fatal("unexpected output %r, expected sink=%d and sleep_ns" % (cp.stdout, sink))
    # measured() sleeps 30 ms; on a loaded machine nanosleep may overrun,
    # so the reference is what it measured itself when that is longer.
    sleep_ns = max(30 * MS, int(m.group(2)))
    p = c.export(c.one_raw(raws))
    c.expect(p.program["mode"] == "time", "mode %r, expected time" % p.program["mode"])

    expected = {
        "main": 1,
        "catcher": RA,
        "thrower_a": 3 * RA,
        "leaf_a": 3 * RA * (D + 1),
        "after_catch": 3 * RA + RB,
        "thrower_b": RB,
        "leaf_b": RB * (D + 1),
        "measured": 1,
        "now_ns": 2,
        "tail_work": 1,
        "tail_leaf": 1000,
    }
    c.compare("function calls", expected, p.calls())
    c.expect_program(p)

    tot, slf = c.times(p, expected)
    for n in expected:
        c.expect(tot["main"] >= tot[n], "main's total %d < %s's total %d" % (tot["main"], n, tot[n]))
    c.expect(tot["main"] <= wall_ns, "main's total %d ns > the run's wall time %d ns"
             % (tot["main"], wall_ns))
    c.expect(tot["catcher"] >= tot["thrower_a"] >= tot["leaf_a"],
             "expected catcher total %d >= thrower_a total %d >= leaf_a total %d"
             % (tot["catcher"], tot["thrower_a"], tot["leaf_a"]))
    c.expect(tot["tail_work"] >= tot["tail_leaf"],
             "tail_work total %d < tail_leaf total %d" % (tot["tail_work"], tot["tail_leaf"]))
    for what, v in (("total", tot["measured"]), ("self", slf["measured"])):
        c.expect(0.7 * sleep_ns <= v <= 1.3 * sleep_ns,
                 "measured() slept %d ns (30 ms asked), its %s_ns is %d (expected +-30%%)"
                 % (sleep_ns, what, v))
    # Part B longjmps into main itself: the skipped thrower_b/leaf_b frames
    # must be closed when main calls on (after_catch), not left open to
    # absorb measured()'s sleep until main returns.
    c.expect(tot["thrower_b"] < 0.5 * sleep_ns,
             "thrower_b total %d ns absorbed measured()'s %d ns sleep: frames skipped "
             "by longjmp were left open" % (tot["thrower_b"], sleep_ns))
    c.expect(slf["leaf_b"] < 0.5 * sleep_ns,
             "leaf_b self %d ns absorbed the later sleep" % slf["leaf_b"])
    # after_catch runs on top of the frames longjmp skipped: it must be
    # charged only its own (tiny) time.
    c.expect(tot["after_catch"] < 10 * MS,
             "after_catch total %d ns: skipped frames leaked into it" % tot["after_catch"])
    c.finish()


if __name__ == "__main__":
    main()
