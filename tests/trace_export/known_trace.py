# SPDX-License-Identifier: MIT
"""known_trace.py - the trace a known.trace file describes (its header
says the format), as the checks expect an export to give it back.

    procs = read("known.trace")
    procs: [Process(pid, name, threads=[Thread(tid, name, events)])]
    events: [Event(kind, ns, name, tag, value, depth)], kind one of
            "B" (enter), "E" (exit), "i" (instant), "C" (counter);
            ns from the trace's start; an E has its B's name, a B a scope's
            tag (or None) and scope=True for scopes.
"""
import collections

Process = collections.namedtuple("Process", "pid name threads")
Thread = collections.namedtuple("Thread", "tid name events")
Event = collections.namedtuple("Event", "kind ns name tag value depth scope")


def read(path):
    procs = []
    stack = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            f = line.split("\t")
            k = f[0]
            if k == "P":
                procs.append(Process(int(f[1]), f[2], []))
            elif k == "T":
                procs[-1].threads.append(Thread(int(f[1]), None if f[2] == "-" else f[2], []))
            else:
                ev = procs[-1].threads[-1].events
                ns = int(f[1])
                if k in "FS":
                    tag = f[3] if k == "S" and f[3] != "-" else None
                    ev.append(Event("B", ns, f[2], tag, None, len(stack), k == "S"))
                    stack.append((f[2], k == "S"))
                elif k == "X":
                    name, scope = stack.pop()
                    ev.append(Event("E", ns, name, None, None, len(stack), scope))
                elif k == "I":
                    ev.append(Event("i", ns, f[2], None, None, None, False))
                elif k == "C":
                    ev.append(Event("C", ns, f[2], None, int(f[3]), None, False))
                else:
                    raise ValueError("bad line: " + line)
    return procs
