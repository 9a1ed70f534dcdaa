# SPDX-License-Identifier: MIT
"""e2e: threads.c - counts summed over concurrent workers, threads that
leave early with pthread_exit(), many short threads (reused shards) and one
late thread: exact totals."""
from vpcheck import Checker

W, E, S, L, M = 6, 3, 40, 777, 100
SRC = "threads.c"


def main():
    c = Checker("threads")
    cp, raws = c.run([W, E, S, L, M], timeout=180)
    loops = [(i + 1) * 1000 for i in range(W)] + [500] * E + [10] * S + [L, M]
    sink = sum(n * (n - 1) // 2 for n in loops)
    c.expect(cp.stdout == "sink=%d\n" % sink, "unexpected output %r" % cp.stdout)
    p = c.export(c.one_raw(raws))

    expected = {
        "main": 1,
        "work": sum(loops),
        "work_loop": len(loops),
        "worker_main": W,
        "early_main": E,
        "bail_out": E,
        "bail_deeper": E,
        "short_main": S,
        "late_main": 1,
        "must": 1 + 2 * (W + E) + 2 * S + 2,
    }
    c.compare("function calls", expected, p.calls())
    c.compare("call edges work_loop -> work",
              {("work_loop", "work", c.marker_line(SRC, "SITE:loop_work")): sum(loops)},
              {k: v for k, v in p.edge_counts(by_line=True, src=SRC).items()
               if k[1] == "work"})
    prog = p.program
    c.expect(prog["threads"] == 1 + W + E + S + 1,
             "threads %d, expected %d" % (prog["threads"], 1 + W + E + S + 1))
    c.expect_program(p)
    c.finish()


if __name__ == "__main__":
    main()
