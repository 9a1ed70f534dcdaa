#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""docs/cli.md against `vitprof --help`.

  check_cli_doc.py options VITPROF CLI_MD
      Every command `vitprof --help` lists has a section in docs/cli.md (a
      heading "## `vitprof COMMAND`"), and every option token (-x, --long)
      of `vitprof COMMAND --help` (read as tests/clidoc/helpopts.py says) is
      mentioned in that section; `vitprof --help`'s own (--version) in the
      part before the first section. Each miss is one line naming the
      command and the option.
  check_cli_doc.py defaults VITPROF SCRATCH CC
      The defaults --help states about outputs hold when run: export's
      output name, flamegraph's standard output, title and width, gcda's
      file beside the object and $GCOV_PREFIX, merge's output format,
      report's colour off a terminal. Each check first finds the sentence
      in --help (so a changed help text fails here, naming the check to
      update). VP_CONSUMER_CFLAGS: extra flags for the test program.
  check_cli_doc.py man VITPROF PAGE
      The manual page generated from docs/cli.md: groff -wall and
      man --warnings (80 and 120 columns) say nothing; as text, it has a
      section "VITPROF COMMAND" per command naming every option of its
      --help. Exit 77 (skipped) without groff.
  check_cli_doc.py completion VITPROF COMPLETION_BASH SCRATCH
      The bash completion, sourced in bash and called with COMP_WORDS and
      COMP_CWORD: commands, every command's options exactly as read from
      its --help, option values, directories, files.
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpopts  # noqa: E402


def sections(md_text):
    """{command: text of its "## `vitprof COMMAND`" section} and the text
    before the first "## " heading."""
    parts = re.split(r"(?m)^(?=## )", md_text)
    head, out = parts[0], {}
    for p in parts[1:]:
        m = re.match(r"## `vitprof ([a-z-]+)`", p)
        if m:
            out[m.group(1)] = p
    return head, out


def mentions(text, opt):
    return re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", text) is not None


def check_options(vitprof, cli_md):
    head, secs = sections(open(cli_md, encoding="utf-8").read())
    main_help = helpopts.run_help(vitprof)
    failures = []
    for opt in helpopts.options(main_help):
        if not mentions(head, opt):
            failures.append(f"vitprof: option {opt} (from `vitprof --help`) is not mentioned"
                            f" in {cli_md} before its first section")
    cmds = helpopts.commands(main_help)
    if not cmds:
        failures.append("`vitprof --help` lists no commands (no \"commands:\" block)")
    for cmd in cmds:
        if cmd not in secs:
            failures.append(f"vitprof {cmd}: {cli_md} has no section \"## `vitprof {cmd}`\"")
            continue
        opts = helpopts.options(helpopts.run_help(vitprof, cmd))
        missing = [o for o in opts if not mentions(secs[cmd], o)]
        for o in missing:
            failures.append(f"vitprof {cmd}: option {o} (from `vitprof {cmd} --help`) is not"
                            f" mentioned in {cli_md}, section \"## `vitprof {cmd}`\"")
        if not missing:
            print(f"ok: vitprof {cmd}: {len(opts)} options, all in {os.path.basename(cli_md)}:"
                  f" {' '.join(opts)}")
    return failures


class Defaults:
    def __init__(self, vitprof, scratch, cc):
        self.vp, self.w, self.cc = os.path.abspath(vitprof), scratch, cc
        self.failures = []

    def said(self, cmd, phrase, check):
        """True when `vitprof CMD --help` still says phrase (whitespace
        runs as one space); else a failure naming the check."""
        text = " ".join(helpopts.run_help(self.vp, cmd).split())
        if phrase not in text:
            self.failures.append(f"vitprof {cmd} --help no longer says \"{phrase}\":"
                                 f" update the check '{check}' of {__file__}")
            return False
        return True

    def run(self, *args, cwd=None, env=None, ok=True):
        r = subprocess.run([self.vp, *args], capture_output=True, cwd=cwd or self.w,
                           env={**os.environ, **(env or {})})
        if ok and r.returncode != 0:
            self.failures.append(f"vitprof {' '.join(args)}: exit {r.returncode}:"
                                 f" {r.stderr.decode(errors='replace').strip()}")
        return r

    def fail(self, msg):
        self.failures.append(msg)

    def build(self):
        """A small program (two objects, so gcda writes beside each), run
        once in count mode and once in context mode."""
        src = os.path.join(self.w, "prog.c")
        with open(src, "w") as f:
            f.write("static int __attribute__((noinline)) leaf(int x) { return x * 3; }\n"
                    "int twice(int);\n"
                    "int main(void) { int s = 0; for (int i = 0; i < 7; i++) s += leaf(i) + twice(i);"
                    " return s == 105 ? 0 : 1; }\n")
        with open(os.path.join(self.w, "lib.c"), "w") as f:
            f.write("int __attribute__((noinline)) twice(int x) { return 2 * x; }\n")
        comp = self.run("flags", "--compile").stdout.decode().split()
        link = self.run("flags", "--link").stdout.decode().split()
        extra = os.environ.get("VP_CONSUMER_CFLAGS", "").split()
        os.makedirs(os.path.join(self.w, "obj"))
        for name in ("prog", "lib"):
            subprocess.run([self.cc, *comp, *extra, "-O1", "-c", f"{name}.c",
                            "-o", f"obj/{name}.o"], cwd=self.w, check=True)
        subprocess.run([self.cc, "obj/prog.o", "obj/lib.o", *extra, *link, "-o", "prog"],
                       cwd=self.w, check=True)
        for mode, raw in (("count", "p.vitraw"), ("context", "ctx.vitraw")):
            env = {**os.environ, "VITPROF_FILE": os.path.join(self.w, raw),
                   "VITPROF_MODE": mode, "ASAN_OPTIONS": "detect_leaks=0"}
            subprocess.run(["./prog"], cwd=self.w, env=env, check=True)

    def check(self):
        w = self.w
        self.build()
        # export: FILE with .vitraw replaced by .vitprof; another name gets
        # .vitprof appended (docs/cli.md).
        if self.said("export", "default: FILE with .vitraw replaced by .vitprof", "export -o"):
            r = self.run("export", "p.vitraw")
            # a name the user did not give is said (issue 12: commands that
            # write say what they wrote)
            if r.stderr.decode(errors="replace").strip() != "vitprof: wrote p.vitprof (vitprof)":
                self.fail(f"vitprof export p.vitraw: expected 'vitprof: wrote p.vitprof (vitprof)'"
                          f" on stderr, got {r.stderr!r}")
            else:
                print("ok: export names the default output it wrote")
            shutil.copy(os.path.join(w, "p.vitraw"), os.path.join(w, "q.raw"))
            self.run("export", "q.raw")
            for out in ("p.vitprof", "q.raw.vitprof"):
                try:
                    doc = json.load(open(os.path.join(w, out)))
                    assert doc["format"] == "vitprof"
                    print(f"ok: export's default output {out}")
                except (OSError, ValueError, KeyError, AssertionError) as e:
                    self.fail(f"vitprof export: default output {out} not written: {e!r}")
        # flamegraph: standard output, "Flame Graph", 1200 px.
        if (self.said("flamegraph", "write OUT (default: standard output)", "flamegraph -o") and
                self.said("flamegraph", "the heading (default \"Flame Graph\")", "flamegraph -t") and
                self.said("flamegraph", "image width in pixels (default 1200)", "flamegraph -w")):
            d = os.path.join(w, "fg")
            os.makedirs(d)
            r = self.run("flamegraph", os.path.join(w, "ctx.vitraw"), cwd=d)
            svg = r.stdout.decode(errors="replace")
            if os.listdir(d):
                self.fail(f"vitprof flamegraph without -o wrote files: {os.listdir(d)}")
            elif "<svg" not in svg or "</svg>" not in svg:
                self.fail(f"vitprof flamegraph without -o: no SVG on stdout: {svg[:200]!r}")
            elif "Flame Graph" not in svg or not re.search(r'<svg[^>]*width="1200"', svg):
                self.fail("vitprof flamegraph: default title \"Flame Graph\" or width 1200"
                          f" missing: {svg[:300]!r}")
            else:
                print("ok: flamegraph's default output (stdout), title and width")
        # gcda: beside each object (the recorded path), or under $GCOV_PREFIX.
        if self.said("gcda", "--prefix P as GCOV_PREFIX (default: $GCOV_PREFIX)", "gcda --prefix"):
            self.run("gcda", "p.vitraw")
            want = [os.path.join(w, "obj", n) for n in ("prog.gcda", "lib.gcda")]
            if not all(os.path.exists(p) for p in want):
                self.fail(f"vitprof gcda: not written beside the objects: {want},"
                          f" obj/ holds {sorted(os.listdir(os.path.join(w, 'obj')))}")
            else:
                print("ok: gcda's default output beside each object")
            pfx = os.path.join(w, "pfx")
            self.run("gcda", "p.vitraw", env={"GCOV_PREFIX": pfx})
            got = [os.path.join(dp, f) for dp, _, fs in os.walk(pfx) for f in fs]
            if sorted(os.path.basename(g) for g in got) != ["lib.gcda", "prog.gcda"]:
                self.fail(f"vitprof gcda with GCOV_PREFIX={pfx}: wrote {got}")
            else:
                print("ok: gcda's default prefix $GCOV_PREFIX")
        # merge: raw unless an input is a document or OUT ends in .vitprof.
        if self.said("merge", "Default: raw when every input is raw and OUT does not end in"
                     " .vitprof, else vitprof", "merge -f"):
            for out, magic in (("m.out", b"VITPRAW"), ("m.vitprof", b"{")):
                self.run("merge", "p.vitraw", "p.vitraw", "-o", out)
                try:
                    head = open(os.path.join(w, out), "rb").read(len(magic))
                except OSError as e:
                    head = repr(e).encode()
                if head != magic:
                    self.fail(f"vitprof merge -o {out}: starts with {head!r}, expected {magic!r}")
                else:
                    print(f"ok: merge -o {out} writes {'raw' if magic == b'VITPRAW' else 'vitprof'}")
        # report: colour only on a terminal (stdout is a pipe here).
        if self.said("report", "auto (when stdout is a terminal and NO_COLOR is not set, the default)", "report --color"):
            r = self.run("report", "p.vitraw")
            if b"\x1b" in r.stdout:
                self.fail("vitprof report: escape sequences on a pipe (default --color auto)")
            else:
                print("ok: report's default colour off a terminal")
        return self.failures


def complete(completion, vitprof, cwd, *words):
    """COMPREPLY of the completion function for the words (the last is the
    one completed), vitprof's directory first in PATH."""
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vitprof;'
              ' printf "%s\\n" "${COMPREPLY[@]}"')
    env = {**os.environ,
           "PATH": os.path.dirname(os.path.abspath(vitprof)) + os.pathsep + os.environ["PATH"]}
    r = subprocess.run(["bash", "-c", script, "complete", completion, "vitprof", *words],
                       capture_output=True, text=True, cwd=cwd, env=env)
    if r.returncode != 0 or r.stderr:
        raise RuntimeError(f"completing {words}: exit {r.returncode}: {r.stderr.strip()}")
    return sorted(x for x in r.stdout.split("\n") if x)


def check_completion(vitprof, completion, scratch):
    """tools/completion/vitprof.bash sourced in bash: the commands, each
    command's options (= helpopts' reading of its --help, and --help),
    option values, directories and files."""
    failures = []
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(os.path.join(scratch, "adir"))
    for f in ("a.vitraw", "b.vitprof"):
        open(os.path.join(scratch, f), "w").close()

    def expect(words, want, what):
        got = complete(completion, vitprof, scratch, *words)
        if got != sorted(want):
            extra, miss = sorted(set(got) - set(want)), sorted(set(want) - set(got))
            failures.append(f"completing `vitprof {' '.join(words)}` ({what}): offers {got};"
                            f" missing {miss}, not expected {extra}")
        else:
            print(f"ok: vitprof {' '.join(words)}<TAB>: {' '.join(got)}")

    main_help = helpopts.run_help(vitprof)
    cmds = helpopts.commands(main_help)
    expect([""], cmds + ["help", "--help", "--version"], "the commands of `vitprof --help`")
    expect(["help", ""], cmds, "the commands")
    for cmd in cmds:
        opts = helpopts.options(helpopts.run_help(vitprof, cmd))
        expect([cmd, "-"], opts + ["--help"], f"the options of `vitprof {cmd} --help`")
    values = {("show", "--sort"): ["calls", "self", "total"],
              ("report", "-s"): ["calls", "self", "total"],
              ("report", "--color"): ["always", "auto", "never"],
              ("flags", "--compiler"): ["clang", "gcc"],
              ("merge", "--format"): ["raw", "vitprof"],
              ("export", "-f"): ["callgrind", "chrome", "csv", "dot", "folded", "link-order",
                                 "link-order-gold", "perfetto", "prometheus",
                                 "sample-profile", "vitprof"]}
    for (cmd, opt), want in values.items():
        expect([cmd, opt, ""], want, f"the values of {opt}")
    expect(["show", "--gcno-dir", ""], ["adir"], "a directory")
    expect(["gcda", "-d", ""], ["adir"], "a directory")
    expect(["show", "-n", ""], [], "a number")
    expect(["show", ""], ["a.vitraw", "adir", "b.vitprof"], "files")
    expect(["export", "-o", "a"], ["a.vitraw", "adir"], "files")
    expect(["flamegraph", "--branches", "a.vitraw", "-"],
           helpopts.options(helpopts.run_help(vitprof, "flamegraph")) + ["--help"],
           "options after a file")
    return failures


def check_man(vitprof, page):
    """The generated page: groff (and man, when there) warn about
    nothing, and, rendered as text, has a section per command naming
    every option of its --help."""
    failures = []
    if not shutil.which("groff"):
        print("groff not found (Debian: groff-base)")
        sys.exit(77)
    r = subprocess.run(["groff", "-man", "-Tascii", "-wall", "-z", page],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stderr:
        failures.append(f"groff -man -wall {page}: exit {r.returncode}: {r.stderr.strip()}")
    if shutil.which("man"):
        for width in ("80", "120"):
            r = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, text=True,
                               env={**os.environ, "MANWIDTH": width})
            if r.returncode != 0 or r.stderr:
                failures.append(f"MANWIDTH={width} man --warnings -l {page}: exit {r.returncode}:"
                                f" {r.stderr.strip()}")
    text = subprocess.run(["groff", "-man", "-Tascii", "-P-cbou", page], capture_output=True,
                          text=True, check=True).stdout
    parts = re.split(r"(?m)^(?=[A-Z])", text)
    secs = {p.split("\n", 1)[0].strip(): p for p in parts}
    main_help = helpopts.run_help(vitprof)
    head = "".join(p for k, p in secs.items() if k in ("SYNOPSIS", "DESCRIPTION"))
    for opt in helpopts.options(main_help):
        if not mentions(head, opt):
            failures.append(f"vitprof: option {opt} not in the page's SYNOPSIS or DESCRIPTION")
    for cmd in helpopts.commands(main_help):
        title = f"VITPROF {cmd.upper()}"
        if title not in secs:
            failures.append(f"vitprof {cmd}: no section {title} in {page}")
            continue
        opts = helpopts.options(helpopts.run_help(vitprof, cmd))
        missing = [o for o in opts if not mentions(secs[title], o)]
        for o in missing:
            failures.append(f"vitprof {cmd}: option {o} not in section {title} of {page}")
        if not missing:
            print(f"ok: {title}: {len(opts)} options")
    return failures


def main():
    mode = sys.argv[1]
    if mode == "options":
        failures = check_options(sys.argv[2], sys.argv[3])
    elif mode == "defaults":
        w = sys.argv[3]
        shutil.rmtree(w, ignore_errors=True)
        os.makedirs(w)
        failures = Defaults(sys.argv[2], w, sys.argv[4]).check()
    elif mode == "man":
        failures = check_man(sys.argv[2], sys.argv[3])
    elif mode == "completion":
        failures = check_completion(os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]),
                                    sys.argv[4])
    else:
        sys.exit(f"usage: {sys.argv[0]} options|defaults|man|completion ...")
    for f in failures:
        print("FAIL: " + f)
    if failures:
        sys.exit(f"{len(failures)} failure(s)")
    print(f"{mode}: passed")


if __name__ == "__main__":
    main()
