# SPDX-License-Identifier: MIT
"""export_pgo: `vitprof export --format sample-profile|link-order` fed to
the tools that consume them (tests/export_pgo.cmake).

    check_export_pgo.py sample|link-order --vitprof TOOL --src tests/export_pgo
                        --scratch DIR [--sanitized]

Both cases train pgo_prog.c the real way: gcc -O2 with `vitprof flags
--compile`, linked with `vitprof flags --link`, run with VITPROF_FILE, then
exported. The counts are checked against the values known by construction
(computed here), then:

  sample      llvm-profdata merge --sample --text rewrites our file byte for
              byte (it is canonical); llvm-profdata show --sample reads our
              counts; clang -O2 -g -fprofile-sample-use compiles with it
              without a diagnostic, and the IR carries our counts:
              function_entry_count = entry count + 1 (clang adds 1), the
              indirect call promoted with our callee counts as weights,
              classify's branch weighted by our line counts; the binary
              clang builds prints what the training build printed.
  link-order  the order holds exactly the functions that ran, callers
              before their heaviest callees; pgo_prog rebuilt -O2
              -ffunction-sections and linked with lld
              --symbol-ordering-file and with gold --section-ordering-file
              (the file turned into section names as docs/export-formats.md
              says) has, in `nm -n`, those functions in our order, adjacent,
              and the cold functions after them.

Exit status 0 pass, 1 fail, 77 skipped (a compiler or linker is missing).
"""
import argparse
import os
import re
import shutil
import sys

SKIP = 77
N = 2000
HOT = ["main", "classify", "mix", "collatz", "step_even", "step_odd", "util_clamp"]
COLD = ["cold_report", "cold_usage", "cold_checksum"]

# docs/export-formats.md: symbols -> gold's section names.
GOLD_AWK = ('{ print ".text." $0; print ".text.hot." $0; print ".text.startup." $0 }'
            ' END { print ".text.*" }')

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vptest  # noqa: E402
from vptest import Checks  # noqa: E402

CHECKS = Checks("export_pgo")
log, fail, expect, finish = CHECKS.log, CHECKS.fail, CHECKS.expect, CHECKS.finish


def run(cmd, env=None, check_stderr=True, what=None):
    log("$ " + " ".join(cmd))
    cp = vptest.run(cmd, env=env, timeout=600)
    if cp.returncode != 0:
        fail("%s failed (exit %d):\n%s%s" % (what or cmd[0], cp.returncode,
                                             cp.stdout[-3000:], cp.stderr[-3000:]))
        finish()
    if check_stderr and cp.stderr.strip():
        fail("%s wrote to stderr:\n%s" % (what or cmd[0], cp.stderr[-3000:]))
    return cp


def need(tool):
    path = shutil.which(tool)
    if not path:
        log("SKIPPED: %s not found" % tool)
        sys.exit(SKIP)
    return path


# ---- ground truth ------------------------------------------------------------

def collatz_steps(x):
    even = odd = 0
    while x != 1:
        if x & 1:
            odd += 1
            x = 3 * x + 1
        else:
            even += 1
            x //= 2
    return even, odd


def truth():
    even = odd = 0
    for i in range(1, N + 1):
        e, o = collatz_steps(i)
        even += e
        odd += o
    calls = {"main": 1, "collatz": N, "step_even": even, "step_odd": odd,
             "classify": 10 * N, "mix": len([v for v in range(10 * N) if v % 7 == 0])}
    calls["util_clamp"] = calls["classify"] - calls["mix"]
    return calls


def source_lines(src):
    """The line of each function's name (clang's DISubprogram line) and of
    the statements the checks look at."""
    with open(os.path.join(src, "pgo_prog.c")) as f:
        text = f.read().split("\n")
    lines = {}
    for i, l in enumerate(text, 1):
        m = re.match(r"^(\w+)\(", l)
        if m:
            lines[m.group(1)] = i
        for key, pat in (("indirect", "x = steps[x & 1](x);"), ("while", "while (x != 1)"),
                         ("call_mix", "return mix(v);"),
                         ("call_collatz", "sink += collatz(i);"),
                         ("call_classify", "sink += classify(i);")):
            if pat in l:
                lines[key] = i
    return lines


# ---- training ------------------------------------------------------------------

def train(args, work, hooks=True):
    """Builds and runs the training program; hooks=False: arc counters
    only (the compile flags without -finstrument-functions)."""
    vp = args.vitprof
    cflags = run([vp, "flags", "--compile"]).stdout.split()
    if not hooks:
        cflags = [f for f in cflags if f != "-finstrument-functions"]
        work = os.path.join(work, "arcs")
        os.makedirs(work)
    lflags = run([vp, "flags", "--link"]).stdout.split()
    san = vptest.san_flags(args.sanitized)
    src = os.path.join(args.src, "pgo_prog.c")
    obj = os.path.join(work, "train.o")
    exe = os.path.join(work, "pgo_train")
    run(["gcc", "-O2"] + cflags + san + ["-c", src, "-o", obj], what="gcc (training)")
    run(["gcc", obj] + lflags + san + ["-o", exe], what="gcc (training link)")
    env = dict(os.environ)
    env["VITPROF_FILE"] = os.path.join(work, "train.vitraw")
    env.pop("VITPROF_MODE", None)
    out = run([exe, str(N)], env=env, what="pgo_train").stdout
    return env["VITPROF_FILE"], out


def export(args, raw, fmt, out):
    run([args.vitprof, "export", "--format", fmt, "-o", out, raw], what="vitprof export")
    with open(out) as f:
        return f.read()


def parse_sample(text):
    """{name: (total, head, {offset: (count, {callee: count})})}."""
    fns = {}
    cur = None
    for l in text.split("\n"):
        if not l:
            continue
        m = re.match(r"^(\S+):(\d+):(\d+)$", l)
        if m:
            cur = {}
            fns[m.group(1)] = (int(m.group(2)), int(m.group(3)), cur)
            continue
        m = re.match(r"^ (\d+): (\d+)((?: \S+:\d+)*)$", l)
        if not m or cur is None:
            fail("malformed sample-profile line: %r" % l)
            continue
        calls = {}
        for c in m.group(3).split():
            name, n = c.rsplit(":", 1)
            calls[name] = int(n)
        cur[int(m.group(1))] = (int(m.group(2)), calls)
    return fns


# ---- sample profile ---------------------------------------------------------------

def check_heads(fns, calls, required):
    """Every function of the profile that pgo_prog.c defines has its entry
    count as head samples and the sum of its lines as total; the required
    ones are there; the cold ones are not."""
    for name in required:
        expect(name in fns, "%s missing from the sample profile" % name)
    for name, (total, head, body) in fns.items():
        if not expect(name in calls, "%s in the sample profile is no function that ran"
                      % name):
            continue
        expect(head == calls[name], "%s: head samples %d, expected its %d calls"
               % (name, head, calls[name]))
        expect(total == sum(c for c, _ in body.values()),
               "%s: total %d is not the sum of its lines" % (name, total))


def gcov_lines(args, raw):
    """{line: count} of pgo_prog.c, from the .vitprof document of raw."""
    import json
    out = raw + ".vitprof"
    run([args.vitprof, "export", "-o", out, raw], what="vitprof export --format vitprof")
    with open(out) as f:
        doc = json.load(f)
    return {l["line"]: l["count"] for l in doc.get("lines", [])
            if os.path.basename(l["file"]) == "pgo_prog.c"}


def consume(args, work, prof, text, fns, train_out, tag, annotated=None, line_counts=None):
    """llvm-profdata and clang read prof; returns the metadata of the
    -fno-inline IR. Entry counts in the IR are checked for the functions
    named by annotated (default: every function of the profile); the others
    must have our count or none (-1: clang found no record on a line that
    has code). line_counts: gcov's count of each line of pgo_prog.c, which
    every count clang applies there must be."""
    clang = shutil.which("clang")
    profdata = shutil.which("llvm-profdata")
    canon = os.path.join(work, tag + ".canonical.txt")
    run([profdata, "merge", "--sample", "--text", prof, "-o", canon], what="llvm-profdata merge")
    with open(canon) as f:
        expect(f.read() == text, "%s: llvm-profdata merge --sample --text changes our file"
               " (diff %s %s)" % (tag, prof, canon))
    run([profdata, "merge", "--sample", prof, "-o", os.path.join(work, tag + ".profdata")],
        what="llvm-profdata merge (binary)")
    show = run([profdata, "show", "--sample", prof], what="llvm-profdata show").stdout
    for name, (total, head, _) in fns.items():
        expect("Function: %s: %d, %d," % (name, total, head) in show,
               "%s: llvm-profdata show does not read %s: %d, %d:\n%s"
               % (tag, name, total, head, show[:2000]))

    # clang builds with it, quietly, and the program still works.
    src = os.path.join(args.src, "pgo_prog.c")
    exe = os.path.join(work, tag + ".use")
    run([clang, "-O2", "-g", "-Wall", "-Wextra", "-Werror", "-fprofile-sample-use=" + prof,
         src, "-o", exe], what="clang -fprofile-sample-use (%s)" % tag)
    out = run([exe, str(N)], what="pgo_use").stdout
    expect(out == train_out, "%s: the clang build prints %r, the training build %r"
           % (tag, out, train_out))

    # clang's own account, line by line: its offset of each line it
    # annotated is ours, and so is the count it applied.
    cp = run([clang, "-O2", "-g", "-fprofile-sample-use=" + prof, "-c", src, "-o", os.devnull,
              "-Rpass-analysis=sample-profile"], what="clang -Rpass-analysis=sample-profile",
             check_stderr=False)
    start_of = {f: l for f, l in source_lines(args.src).items() if f in fns}
    applied = 0
    for m in re.finditer(r"^(\S+?):(\d+):\d+: remark: Applied (\d+) samples from profile"
                         r" \(offset: (\d+)(?:\.\d+)?\)", cp.stderr, re.M):
        if os.path.basename(m.group(1)) != "pgo_prog.c":
            continue                    # pgo_util.h
        line, count, off = int(m.group(2)), int(m.group(3)), int(m.group(4))
        # The function of the line: the last one starting at or before it.
        owner = max((f for f, l in start_of.items() if l <= line),
                    key=lambda f: start_of[f], default=None)
        if not expect(owner, "%s: clang applied samples at line %d, in no function of ours"
                      % (tag, line)):
            continue
        ours = fns[owner][2].get(line - start_of[owner])
        expect(off == line - start_of[owner] and ours and ours[0] == count,
               "%s: clang applied %d samples at line %d (%s, offset %d); ours: %r"
               % (tag, count, line, owner, off, ours))
        if line_counts is not None:
            expect(line_counts.get(line) == count, "%s: clang applied %d samples at line %d,"
                   " gcov counted %r" % (tag, count, line, line_counts.get(line)))
        applied += 1
    expect(applied > 0, "%s: clang reports no line annotated from the profile" % tag)
    log("%s: clang applied %d line records, each at our offset with our count" % (tag, applied))

    # The IR carries our counts (-fno-inline: every function stays).
    ll = os.path.join(work, tag + ".ll")
    run([clang, "-O2", "-gline-tables-only", "-fno-inline", "-fprofile-sample-use=" + prof,
         "-S", "-emit-llvm", src, "-o", ll], what="clang -S -emit-llvm")
    with open(ll) as f:
        ir = f.read()
    md = dict(re.findall(r"^(![0-9]+) = (.*)$", ir, re.M))
    for name, (_, head, _) in fns.items():
        m = re.search(r"^define .*@%s\(.*!prof (![0-9]+)" % name, ir, re.M)
        got = md.get(m.group(1)) if m else None
        if annotated is not None and name not in annotated and \
           got == '!{!"function_entry_count", i64 -1}':
            continue
        expect(got == '!{!"function_entry_count", i64 %d}' % (head + 1),
               "%s: IR: %s has %s, expected function_entry_count %d (head + 1)"
               % (tag, name, got, head + 1))
    return set(md.values())


def check_sample(args, work):
    need("clang")
    need("llvm-profdata")
    calls = truth()
    lines = source_lines(args.src)
    raw, train_out = train(args, work)
    prof = os.path.join(work, "pgo.afdo.txt")
    text = export(args, raw, "sample-profile", prof)
    log("sample profile:\n" + text)
    fns = parse_sample(text)

    # Our counts, as constructed.
    check_heads(fns, calls, list(calls))
    col = fns.get("collatz", (0, 0, {}))[2]
    steps = calls["step_even"] + calls["step_odd"]
    off = lines["indirect"] - lines["collatz"]
    expect(col.get(off) == (steps, {"step_even": calls["step_even"],
                                    "step_odd": calls["step_odd"]}),
           "collatz offset %d: %r, expected %d with both step targets" % (off, col.get(off), steps))
    off = lines["while"] - lines["collatz"]
    expect(col.get(off, (0,))[0] == steps + calls["collatz"],
           "collatz offset %d (while): %r, expected %d" % (off, col.get(off), steps + N))
    cl = fns.get("classify", (0, 0, {}))[2]
    off = lines["call_mix"] - lines["classify"]
    expect(cl.get(off) == (calls["mix"], {"mix": calls["mix"]}),
           "classify offset %d: %r" % (off, cl.get(off)))
    mn = fns.get("main", (0, 0, {}))[2]
    off = lines["call_collatz"] - lines["main"]
    expect(mn.get(off) == (N, {"collatz": N}), "main offset %d: %r" % (off, mn.get(off)))
    off = lines["call_classify"] - lines["main"]
    expect(mn.get(off, (0, {}))[1].get("classify") == 10 * N,
           "main offset %d: %r" % (off, mn.get(off)))

    weights = consume(args, work, prof, text, fns, train_out, "full",
                      line_counts=gcov_lines(args, raw))

    def has_weights(*ws):
        # The sample loader adds 1 to branch edges it infers; accept both.
        for d in (0, 1):
            if '!{!"branch_weights", %s}' % ", ".join("i32 %d" % (w + d) for w in ws) in weights:
                return True
        return False

    hi, lo = sorted((calls["step_even"], calls["step_odd"]), reverse=True)
    expect(has_weights(hi, lo), "IR: no branch_weights %d, %d (the indirect call promoted"
           " with our callee counts)" % (hi, lo))
    expect(has_weights(calls["mix"], calls["classify"] - calls["mix"]),
           "IR: no branch_weights %d, %d on classify's v %% 7 test"
           % (calls["mix"], calls["classify"] - calls["mix"]))

    # Without the arc counters' lines: calls only.
    prof = os.path.join(work, "pgo.calls.afdo.txt")
    run([args.vitprof, "export", "--format", "sample-profile", "--no-coverage", "-o", prof, raw],
        what="vitprof export --no-coverage")
    with open(prof) as f:
        text = f.read()
    log("sample profile, --no-coverage:\n" + text)
    fns = parse_sample(text)
    check_heads(fns, calls, list(calls))
    col = fns.get("collatz", (0, 0, {}))[2]
    off = lines["indirect"] - lines["collatz"]
    expect(col.get(off) == (steps, {"step_even": calls["step_even"],
                                    "step_odd": calls["step_odd"]}),
           "--no-coverage: collatz offset %d: %r" % (off, col.get(off)))
    expect(col.get(0, (0,))[0] == N, "--no-coverage: collatz offset 0 is not its entry count")
    # clang annotates a function only when a record falls on a line with
    # code: without coverage lines, the functions that make calls.
    consume(args, work, prof, text, fns, train_out, "calls",
            annotated=["main", "collatz", "classify"])

    # An arcs-only training build (no hooks): entry counts and lines from
    # the arc counters, no callees. GCC inlines what it likes there, so
    # only the functions called through a pointer must be present.
    raw, train_out = train(args, work, hooks=False)
    prof = os.path.join(work, "pgo.arcs.afdo.txt")
    text = export(args, raw, "sample-profile", prof)
    log("sample profile, arcs only:\n" + text)
    fns = parse_sample(text)
    check_heads(fns, calls, ["step_even", "step_odd"])
    for name, (_, _, body) in fns.items():
        expect(not any(c for _, c in body.values()), "arcs only: %s has callees" % name)
    consume(args, work, prof, text, fns, train_out, "arcs", line_counts=gcov_lines(args, raw))


# ---- link order -----------------------------------------------------------------------

def nm_text(exe):
    out = run(["nm", "-n", exe], what="nm").stdout
    return [l.split()[2] for l in out.split("\n")
            if len(l.split()) == 3 and l.split()[1] in "tT"]


def check_placement(order, syms, how):
    pos = {s: i for i, s in enumerate(syms)}
    missing = [s for s in order if s not in pos]
    if not expect(not missing, "%s: %s not in nm -n output" % (how, missing)):
        return
    first = pos[order[0]]
    expect(syms[first:first + len(order)] == order,
           "%s: nm -n has %s where our order is %s" % (how, syms[first:first + len(order)], order))
    for c in COLD:
        expect(c in pos and pos[c] > first + len(order) - 1,
               "%s: cold %s is not after the ordered functions: %s" % (how, c, syms))
    log("%s: nm -n: %s" % (how, " ".join(syms)))


def check_link_order(args, work):
    raw, _ = train(args, work)
    text = export(args, raw, "link-order", os.path.join(work, "pgo.order"))
    log("link order:\n" + text)
    order = text.split()
    expect(sorted(order) == sorted(HOT), "order %s, expected exactly the functions that ran %s"
           % (order, HOT))
    pos = {s: i for i, s in enumerate(order)}
    for caller, callee in (("collatz", "step_even"), ("collatz", "step_odd"),
                           ("classify", "mix")):
        expect(pos.get(caller, 99) < pos.get(callee, -1),
               "%s is not placed before its heaviest callee %s" % (caller, callee))

    # The optimized build, one section per function (no IPA-CP: its
    # .constprop clones are named by no profile).
    src = os.path.join(args.src, "pgo_prog.c")
    obj = os.path.join(work, "final.o")
    run(["gcc", "-O2", "-fno-inline", "-fno-ipa-cp", "-ffunction-sections", "-c", src,
         "-o", obj], what="gcc (final)")
    linked = 0
    if shutil.which("ld.lld"):
        exe = os.path.join(work, "final_lld")
        run(["gcc", "-fuse-ld=lld", "-Wl,--symbol-ordering-file=" + os.path.join(work, "pgo.order"),
             obj, "-o", exe], what="link with lld")
        check_placement(order, nm_text(exe), "lld")
        linked += 1
    if shutil.which("ld.gold"):
        gold = os.path.join(work, "pgo.gold-order")
        with open(gold, "w") as f:      # the recipe of docs/export-formats.md
            f.write(run(["awk", GOLD_AWK, os.path.join(work, "pgo.order")],
                        what="awk").stdout)
        exe = os.path.join(work, "final_gold")
        run(["gcc", "-fuse-ld=gold", "-Wl,--section-ordering-file=" + gold, obj, "-o", exe],
            what="link with gold")
        check_placement(order, nm_text(exe), "gold")
        linked += 1
    if not linked:
        log("SKIPPED: neither ld.lld nor ld.gold found")
        sys.exit(SKIP)

    # Arcs only (no hooks, no call edges): the functions that ran, by
    # entry count, hottest first.
    calls = truth()
    raw, _ = train(args, work, hooks=False)
    text = export(args, raw, "link-order", os.path.join(work, "pgo.arcs.order"))
    log("link order, arcs only:\n" + text)
    order = text.split()
    expect(all(s in calls for s in order) and "step_even" in order and "step_odd" in order,
           "arcs only: order %s" % order)
    expect([calls[s] for s in order] == sorted((calls[s] for s in order), reverse=True),
           "arcs only: order %s is not by entry count" % order)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("case", choices=["sample", "link-order"])
    p.add_argument("--vitprof", required=True)
    p.add_argument("--src", required=True, help="tests/export_pgo")
    p.add_argument("--scratch", required=True)
    p.add_argument("--sanitized", action="store_true")
    args = p.parse_args()
    work = os.path.abspath(args.scratch)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if args.case == "sample":
        check_sample(args, work)
    else:
        check_link_order(args, work)
    finish()


if __name__ == "__main__":
    main()
