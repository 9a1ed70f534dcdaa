#!/usr/bin/env python3
"""How the raw context tree and the folded stacks grow with recursion depth.

  bench/ctx_depth.py [--build BUILD_DIR]

Builds bench/ctxdeep.c (-O0 -g -finstrument-functions, vitprof's runtime),
runs it under VITPROF_MODE=context at several depths D with H helper calls
per level, and prints a markdown table: context nodes (folded lines with
--keep-all: every node is reached once), raw profile bytes, bytes per node,
the folded output with --keep-all (every path spelled in full: quadratic in
D) and with the defaults (--min-share 0.1 --max-depth 256), and the deepest
path. Figures for docs/benchmarks.md ("Context mode: deep recursion").
"""
import argparse, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    a = ap.parse_args()
    tool = os.path.join(a.build, "tools", "vitprof")
    rt = os.path.join(a.build, "rt", "libvitprof_rt.a")
    w = tempfile.mkdtemp(prefix="vitprof-ctxdeep-")
    prog = os.path.join(w, "ctxdeep")
    subprocess.run(["gcc", "-O0", "-g", "-finstrument-functions", "-o", prog,
                    os.path.join(HERE, "ctxdeep.c"), rt, "-lpthread"], check=True)
    print("| depth D | helpers H | nodes | raw bytes | bytes/node | folded --keep-all |"
          " folded default | default lines | deepest default path |")
    print("|---|---|---|---|---|---|---|---|---|")
    for helpers in (0, 2):
        for depth in (100, 1000, 2000, 5000):
            raw = os.path.join(w, "d%d-h%d.vitraw" % (depth, helpers))
            env = dict(os.environ, VITPROF_MODE="context", VITPROF_FILE=raw)
            subprocess.run([prog, str(depth), str(helpers)], env=env, check=True)
            size = os.path.getsize(raw)
            full = subprocess.run([tool, "export", "--format", "folded", "--keep-all",
                                   "-o", "-", raw], stdout=subprocess.PIPE, check=True).stdout
            nodes = full.count(b"\n")
            dflt = subprocess.run([tool, "export", "--format", "folded", "-o", "-", raw],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  check=True).stdout
            deepest = max((l.rpartition(b" ")[0].count(b";") + 1 for l in dflt.splitlines()),
                          default=0)
            print("| %d | %d | %d | %d | %.0f | %d | %d | %d | %d |" % (
                depth, helpers, nodes, size, size / nodes, len(full), len(dflt),
                dflt.count(b"\n"), deepest))
            os.unlink(raw)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
