# SPDX-License-Identifier: MIT
"""e2e: fork.c - parent and child each make known calls after fork(): two
raw profiles (VITPROF_FILE with %p); the child's holds only its post-fork
calls, and the two add up to the whole run, nothing lost or counted twice."""
import os
import re

from vpcheck import Checker

P, C, S1, Q, S2 = 1000, 2000, 300, 4000, 500


def main():
    c = Checker("fork")
    cp, raws = c.run([P, C, S1, Q, S2])
    m_child = re.search(r"^child (\d+)$", cp.stdout, re.M)
    m_parent = re.search(r"^parent (\d+)$", cp.stdout, re.M)
    if not (m_child and m_parent):
        c.fatal("unexpected output %r" % cp.stdout)
    cpid, ppid = int(m_child.group(1)), int(m_parent.group(1))
    names = sorted(os.path.basename(r) for r in raws)
    exe = os.path.basename(c.prog)
    c.expect(names == sorted(["%s.%d.vitraw" % (exe, cpid), "%s.%d.vitraw" % (exe, ppid)]),
             "raw profiles %s, expected %s.{%d,%d}.vitraw" % (names, exe, ppid, cpid))
    if len(raws) != 2:
        c.fatal("expected two raw profiles")
    profs = {}
    for r in raws:
        p = c.export(r)
        profs[p.program["pid"]] = p
    if set(profs) != {cpid, ppid}:
        c.fatal("profile pids %s, expected parent %d and child %d" % (list(profs), ppid, cpid))
    parent, child = profs[ppid], profs[cpid]

    exp_parent = {"main": 1, "before_fork": P, "fork_here": 1, "do_fork": 1,
                  "parent_work": Q, "shared_fn": S2}
    exp_child = {"child_work": C, "shared_fn": S1}
    c.compare("parent's function calls", exp_parent, parent.calls())
    c.compare("child's function calls (post-fork only)", exp_child, child.calls())
    total = {}
    for p in (parent, child):
        for k, v in p.calls().items():
            total[k] = total.get(k, 0) + v
    c.compare("parent + child", {"main": 1, "before_fork": P, "fork_here": 1, "do_fork": 1,
                                 "parent_work": Q, "child_work": C, "shared_fn": S1 + S2},
              total)

    pp, pc = parent.program, child.program
    c.expect(pc["fork_child"] is True, "child's program.fork_child is %r" % pc["fork_child"])
    c.expect(pp["fork_child"] is False, "parent's program.fork_child is %r" % pp["fork_child"])
    c.expect(pc["ppid"] == ppid, "child's ppid %r, expected %d" % (pc["ppid"], ppid))
    for who, pr in (("parent", pp), ("child", pc)):
        c.expect(pr["state"] == "exited", "%s: state %r" % (who, pr["state"]))
        c.expect(pr["lost_calls"] == 0, "%s: lost_calls %d" % (who, pr["lost_calls"]))
        c.expect(pr["threads"] == 1, "%s: threads %d" % (who, pr["threads"]))
    c.finish()


if __name__ == "__main__":
    main()
