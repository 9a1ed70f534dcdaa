# SPDX-License-Identifier: MIT
"""e2e: timed.c - time mode counts exactly as count mode does; sleeper()
sleeps 5 x 20 ms, so its self time is 100 ms (+-30%); its callers'
totals include it."""
import re
import time

from vpcheck import Checker

N, K = 300, 50000
MS = 1000 * 1000


def main():
    c = Checker("time_mode")
    sink = sum(i * i for i in range(K)) + N * (N + 1) // 2
    expected = {"main": 1, "phase": 1, "sleeper": 1, "now_ns": 2, "compute": 1,
                "square": K, "tri": N + 1}
    sleep_ns = {}
    profs = {}
    for mode in ("count", "time"):
        t0 = time.monotonic()
        cp, raws = c.run([N, K], tag=mode, mode=mode)
        wall = int((time.monotonic() - t0) * 1e9)
        m = re.fullmatch(r"sink=(\d+)\nsleep_ns=(\d+)\n", cp.stdout)
        if not (m and int(m.group(1)) == sink):
            c.fatal("%s: unexpected output %r, expected sink=%d and sleep_ns"
                    % (mode, cp.stdout, sink))
        sleep_ns[mode] = int(m.group(2))
        p = c.export(c.one_raw(raws))
        c.expect(p.program["mode"] == mode, "mode %r, expected %s" % (p.program["mode"], mode))
        c.compare("%s mode: function calls" % mode, expected, p.calls())
        c.expect(p.program["lost_calls"] == 0, "%s: lost_calls %d" % (mode, p.program["lost_calls"]))
        profs[mode] = (p, wall)

    pc, pt = profs["count"][0], profs["time"][0]
    c.compare("call edges, time mode vs count mode",
              pc.edge_counts(by_line=True), pt.edge_counts(by_line=True))
    for f in pc.functions:
        c.expect("total_ns" not in f and "self_ns" not in f,
                 "count mode: %s has time fields" % f["name"])

    tot, slf = c.times(pt, expected, "time mode")
    # 5 x 20 ms: 100 ms, or what sleeper() measured itself when nanosleep
    # overran on a loaded machine.
    ref = max(100 * MS, sleep_ns["time"])
    c.expect(0.7 * ref <= slf["sleeper"] <= 1.3 * ref,
             "sleeper self_ns %d, expected %d ns +-30%%" % (slf["sleeper"], ref))
    c.expect(tot["sleeper"] >= slf["sleeper"], "sleeper total < self")
    c.expect(tot["phase"] >= tot["sleeper"] + tot["compute"],
             "phase total %d < sleeper %d + compute %d"
             % (tot["phase"], tot["sleeper"], tot["compute"]))
    c.expect(tot["main"] >= tot["phase"], "main total %d < phase total %d"
             % (tot["main"], tot["phase"]))
    c.expect(tot["main"] <= profs["time"][1],
             "main total %d ns > wall time %d ns" % (tot["main"], profs["time"][1]))
    c.expect(slf["phase"] < 10 * MS, "phase self_ns %d: its callees' time leaked into it"
             % slf["phase"])
    c.expect(tot["compute"] >= tot["tri"] and tot["compute"] >= tot["square"],
             "compute total %d < a callee's total (tri %d, square %d)"
             % (tot["compute"], tot["tri"], tot["square"]))
    # Edges: phase -> sleeper carries sleeper's time.
    e = [x for x in pt.edges if x["caller_name"] == "phase" and x["callee_name"] == "sleeper"]
    if c.expect(len(e) == 1, "expected one edge phase -> sleeper, got %s" % e):
        c.expect(0.7 * ref <= e[0]["total_ns"] <= 1.3 * ref,
                 "edge phase -> sleeper total_ns %d, expected %d ns +-30%%"
                 % (e[0]["total_ns"], ref))
    c.finish()


if __name__ == "__main__":
    main()
