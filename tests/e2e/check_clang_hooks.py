# SPDX-License-Identifier: MIT
"""e2e: clang_hooks.c built by clang -O2 with the hooks flag under test,
linked with `vitprof flags --link`; exact call counts and edges known by
construction (main -> f 1000 times, f -> g 37 times).

--hooks after-inlining: the flags `vitprof flags --compile --compiler=clang`
prints (which must be -finstrument-functions-after-inlining): the always
inlined static h has no hook and must be absent from the profile.
--hooks plain: clang -finstrument-functions: hooks inserted before
inlining, so h is counted 1000 times though it is inlined; its hooks,
inlined into f, pass f's return address as the call site, so the edge is
main -> h at main's call of f (the call site of an inlined function is its
host's)."""
import os
import shutil
import subprocess

from vpcheck import Checker

SRC = "clang_hooks.c"
F_CALLS, G_CALLS = 1000, 37


def main():
    c = Checker("clang_hooks", [
        (["--cc"], {"default": "clang", "help": "clang driver"}),
        (["--hooks"], {"choices": ["plain", "after-inlining"], "required": True}),
    ])
    cc = shutil.which(c.args.cc)
    if not cc:
        c.skip("%s not found" % c.args.cc)

    def flags(*a):
        return subprocess.run([c.args.vitprof, "flags"] + list(a), check=True,
                              capture_output=True, text=True).stdout.split()

    compile_flags = flags("--compile", "--compiler=clang")
    c.expect("-finstrument-functions-after-inlining" in compile_flags
             and "-finstrument-functions" not in compile_flags,
             "vitprof flags --compile --compiler=clang: %s" % compile_flags)
    if c.args.hooks == "plain":
        compile_flags = ["-finstrument-functions" if f.startswith("-finstrument-functions")
                         else f for f in compile_flags]
    os.makedirs(os.path.dirname(c.prog), exist_ok=True)
    cmd = [cc, "-O2"] + compile_flags + [c.source_path(SRC), "-o", c.prog] \
        + flags("--link", "--compiler=clang")
    c.log("building: " + " ".join(cmd))
    cp = subprocess.run(cmd, capture_output=True, text=True)
    if cp.returncode != 0:
        c.fatal("build failed:\n" + cp.stderr)

    run, raws = c.run()
    sink = want_sum = 0
    for i in range(F_CALLS):      # f(i), as clang_hooks.c computes it
        r = 3 * i + sink
        if i < G_CALLS:
            sink += i
            r += i + 1
        want_sum += r
    c.expect(run.stdout == "%d\n" % want_sum, "unexpected output %r, expected %d"
             % (run.stdout, want_sum))
    p = c.export(c.one_raw(raws))

    expected = {"main": 1, "f": F_CALLS, "g": G_CALLS}
    line = lambda m: c.marker_line(SRC, "SITE:" + m)
    exp_edges = {
        ("main", "f", line("main_f")): F_CALLS,
        ("f", "g", line("f_g")): G_CALLS,
    }
    if c.args.hooks == "plain":
        expected["h"] = F_CALLS
        exp_edges[("main", "h", line("main_f"))] = F_CALLS
    c.compare("function calls", expected, p.calls())
    c.compare("call edges (caller, callee, line)", exp_edges,
              p.edge_counts(by_line=True, src=SRC))
    if c.args.hooks == "after-inlining":
        c.expect(not p.funcs_named("h"), "h is inlined, it must have no hook: %s"
                 % p.funcs_named("h"))
    c.expect_in_file(p, expected, SRC)
    c.expect_program(p)
    c.finish()


if __name__ == "__main__":
    main()
