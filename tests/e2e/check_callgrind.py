# SPDX-License-Identifier: MIT
"""e2e: cgprog.c (-O2 -fno-inline) - per-function call counts compared with
callgrind's, the ground truth: the program runs once under
`valgrind --tool=callgrind` (profiled by vitprof at the same time) and once
normally; callgrind's counts, parsed here from its output file, must equal
vitprof's in both runs for every function of the program."""
import os
import re
import shutil

from vpcheck import Checker

N = 40
# Every function cgprog.c defines (the ground truth of what is instrumented).
FUNCTIONS = ["main", "ackermann", "ping", "pong", "cmp_long", "shape_circle",
             "shape_square", "shape_line", "area_sum", "lcg", "sort_some",
             "collatz_len", "collatz_max"]


def base_name(name):
    """callgrind's name of a function -> the C name: drops the recursion
    level ("fib'2") and GCC clone suffixes ("f.constprop.0")."""
    name = re.sub(r"'\d+$", "", name.strip())
    return name.split(".")[0]


def parse_callgrind(path):
    """Returns {(object, function): calls} from a callgrind output file:
    every calls= line adds its count to the callee named by the last cfn=
    (in the object named by cob=, else the current ob=). Names may be
    compressed: "(id) name" defines id, "(id)" refers to it; fn and cfn
    share one table, ob and cob another, fl/fi/fe/cfi/cfl a third."""
    tables = {"fn": {}, "ob": {}, "fl": {}}
    table_of = {"fn": "fn", "cfn": "fn", "ob": "ob", "cob": "ob",
                "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl"}

    def resolve(kind, value):
        t = tables[table_of[kind]]
        m = re.match(r"\((\d+)\)(?:\s+(.*))?$", value)
        if not m:
            return value
        if m.group(2) is not None:
            t[m.group(1)] = m.group(2)
        return t.get(m.group(1), "?(%s)" % m.group(1))

    calls = {}
    ob = cob = cfn = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"(fn|cfn|ob|cob|fl|fi|fe|cfi|cfl)=(.*)$", line)
            if m:
                kind, v = m.group(1), resolve(m.group(1), m.group(2))
                if kind == "ob":
                    ob = v
                elif kind == "cob":
                    cob = v
                elif kind == "cfn":
                    cfn = v
                elif kind == "fn":
                    cob = None
                continue
            if line.startswith("calls="):
                n = int(line[len("calls="):].split()[0])
                k = (cob if cob is not None else ob, cfn)
                calls[k] = calls.get(k, 0) + n
                cob = None
    return calls


def main():
    c = Checker("callgrind")
    if c.args.sanitized:
        c.skip("programs are built with sanitizers, which do not run under valgrind")
    valgrind = shutil.which("valgrind")
    if not valgrind:
        c.skip("valgrind is not installed")

    cp_n, raws_n = c.run([N], tag="normal")
    p_normal = c.export(c.one_raw(raws_n))

    out = os.path.join(c.scratch, "callgrind.out")
    cp_v, raws_v = c.run([N], tag="valgrind", timeout=600, check_stderr_empty=False,
                         wrapper=[valgrind, "--tool=callgrind", "--callgrind-out-file=" + out])
    c.expect(cp_v.stdout == cp_n.stdout, "stdout under valgrind %r != %r"
             % (cp_v.stdout, cp_n.stdout))
    p_vg = c.export(c.one_raw(raws_v))

    exe = os.path.realpath(c.prog)
    cg = {}
    for (obj, fn), n in parse_callgrind(out).items():
        if obj and os.path.realpath(obj) == exe and fn:
            b = base_name(fn)
            cg[b] = cg.get(b, 0) + n
    cg_mine = {k: v for k, v in cg.items() if k in FUNCTIONS}
    c.log("callgrind: %s" % cg_mine)
    for f in FUNCTIONS:
        c.expect(cg_mine.get(f, 0) > 0, "callgrind saw no call of %s" % f)

    norm = lambda p: p.calls(key=lambda f: base_name(f["name"]))
    c.compare("callgrind vs vitprof (same run, under valgrind)", cg_mine, norm(p_vg))
    c.compare("callgrind vs vitprof (normal run)", cg_mine, norm(p_normal))
    c.finish()


if __name__ == "__main__":
    main()
