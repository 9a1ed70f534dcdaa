# SPDX-License-Identifier: MIT
"""vptest.py - helpers shared by the Python test scripts (tests/**/*.py).

A script imports it with

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "lib"))
    from vptest import Checks  # noqa: E402

(ctest runs the scripts as `python3 -B SCRIPT ARGS`, from the build tree).

  arguments     a test script's command line
  Checks        failure collection: every failed expectation is printed as
                it happens and counted, so one run shows every difference;
                finish() exits 1 when any failed, else 0
  Scratch       a test's scratch directory, emptied, with numbered subdirs
  run, must     a command with its output captured; must() ends the test
                when the command fails
  clean_env     the environment of a program run, without inherited
                VITPROF_* / GCOV_PREFIX* settings
  san_flags     the sanitizer flags of a VITPROF_SANITIZE build
  export_doc    a raw profile's .vitprof document, parsed
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

SKIP = 77  # the SKIP_RETURN_CODE of the tests' ctest entries


def arguments(required, cases=None, defaults=None, sanitized=True, more=()):
    """The command line of a test script, parsed: a positional case (one of
    cases; any word when cases is True; none when cases is None), the
    options in required (each required), those of defaults with their
    default value, --sanitized (programs built with the sanitizers) unless
    sanitized is False, and more: (name, add_argument keywords) pairs."""
    ap = argparse.ArgumentParser()
    if cases is True:
        ap.add_argument("case")
    elif cases is not None:
        ap.add_argument("case", choices=sorted(cases))
    for opt in required:
        ap.add_argument(opt, required=True)
    for opt, value in (defaults or {}).items():
        ap.add_argument(opt, default=value)
    if sanitized:
        ap.add_argument("--sanitized", action="store_true")
    for opt, kw in more:
        ap.add_argument(opt, **kw)
    return ap.parse_args()


class Checks:
    """Failures of one test, named name ("[name] " before each line; no
    prefix when name is None)."""

    def __init__(self, name=None):
        self.name = name
        self.failures = []

    def log(self, msg):
        if self.name is None:
            print(msg, flush=True)
        else:
            print("[%s] %s" % (self.name, msg), flush=True)

    def fail(self, msg):
        self.failures.append(msg)
        self.log("FAIL: " + msg)

    def expect(self, cond, msg):
        if not cond:
            self.fail(msg)
        return bool(cond)

    def sh(self, cmd, rc=0, env=None, cwd=None, timeout=120):
        """Runs cmd (output captured, as text); an exit status other than rc
        (None: any) is a failure. Returns the CompletedProcess."""
        p = run(cmd, env=env, cwd=cwd, timeout=timeout)
        if rc is not None and p.returncode != rc:
            self.fail("%s: exit %d (expected %d)\n%s%s" % (" ".join(cmd), p.returncode, rc,
                                                           p.stdout, p.stderr))
        return p

    def skip(self, why):
        """Ends the test as skipped (ctest's SKIP_RETURN_CODE)."""
        self.log("SKIPPED: " + why)
        sys.exit(SKIP)

    def finish(self, recap=False):
        """Exits 1 after "N failure(s)" (with recap, followed by the list of
        them) when any expectation failed, else 0 after "PASS"."""
        if self.failures:
            self.log("%d failure(s)%s" % (len(self.failures), ":" if recap else ""))
            if recap:
                for f in self.failures:
                    print("  - " + f.replace("\n", "\n    "), flush=True)
            sys.exit(1)
        self.log("PASS")
        sys.exit(0)


def fresh_dir(path):
    """Empties (or creates) the directory path; returns its absolute path."""
    path = os.path.abspath(path)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


class Scratch:
    """The scratch directory path, emptied; newdir(tag) makes its next
    subdirectory, "NN-tag" (numbered from 01 in the order of the calls)."""

    def __init__(self, path):
        self.scratch = fresh_dir(path)
        self.n = 0

    def newdir(self, tag):
        self.n += 1
        d = os.path.join(self.scratch, "%02d-%s" % (self.n, tag))
        os.makedirs(d)
        return d


def san_flags(sanitized):
    """The compile and link flags of the sanitizers the test programs are
    built with in a VITPROF_SANITIZE build; [] otherwise."""
    return ["-fsanitize=address,undefined"] if sanitized else []


def clean_env(extra=None, drop=()):
    """os.environ without the variables a vitprof or libgcov run reads
    (VITPROF_FILE, VITPROF_MODE, GCOV_PREFIX, GCOV_PREFIX_STRIP) and those
    named in drop, with ASan's leak report off (an instrumented program may
    exit holding memory), plus extra."""
    env = dict(os.environ)
    for k in ("VITPROF_FILE", "VITPROF_MODE", "GCOV_PREFIX", "GCOV_PREFIX_STRIP") + tuple(drop):
        env.pop(k, None)
    env["ASAN_OPTIONS"] = "detect_leaks=0"
    env.update(extra or {})
    return env


def run(cmd, env=None, cwd=None, timeout=None, binary=False, **kw):
    """Runs cmd with stdout and stderr captured (text unless binary);
    returns the CompletedProcess, whatever its exit status."""
    return subprocess.run(cmd, env=env, cwd=cwd, timeout=timeout, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=not binary, **kw)


def must(cmd, env=None, cwd=None, ok=(0,), timeout=None):
    """run() for a step the test cannot go on without: an exit status not
    in ok (None: any) ends the test with "FAIL: CMD: exit N" and the
    command's output."""
    p = run(cmd, env=env, cwd=cwd, timeout=timeout)
    if ok is not None and p.returncode not in ok:
        sys.exit("FAIL: %s: exit %d\n%s%s" % (" ".join(cmd), p.returncode, p.stdout,
                                             p.stderr))
    return p


def export_doc(vitprof, raw, *options, env=None, timeout=120):
    """`vitprof export --format vitprof OPTIONS -o - RAW`: (the document,
    parsed, or None when the export failed; the CompletedProcess)."""
    p = run([vitprof, "export", "--format", "vitprof"] + list(options) + ["-o", "-", raw],
            env=env, timeout=timeout)
    return (json.loads(p.stdout) if p.returncode == 0 else None), p
