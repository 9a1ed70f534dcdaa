# SPDX-License-Identifier: MIT
"""Shared helpers of the end-to-end checkers (tests/e2e/check_*.py).

Every checker is run by ctest as

    python3 check_X.py --prog PROGRAM --vitprof TOOL --scratch DIR \
                       --schema docs/vitprof.schema.json --src tests/programs [...]

It runs PROGRAM with VITPROF_FILE pointing into DIR, exports each raw
profile with `vitprof export --format vitprof`, validates the JSON against
the schema, checks the invariants every profile must satisfy, and compares
the counts with the ground truth the checker computes by itself. Failures
are collected (so one run shows every difference) and printed as a table;
the exit status is 0 (pass), 1 (fail) or 77 (skipped, see SKIP_RETURN_CODE
in tests/e2e.cmake).
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vptest import Checks, fresh_dir  # noqa: E402


class Checker(Checks):
    def __init__(self, name, extra_args=None):
        super().__init__(name)
        p = argparse.ArgumentParser(description="vitprof e2e check: " + name)
        p.add_argument("--prog", required=True, help="the instrumented program")
        p.add_argument("--vitprof", required=True, help="the vitprof tool")
        p.add_argument("--scratch", required=True, help="scratch directory (emptied)")
        p.add_argument("--schema", required=True, help="docs/vitprof.schema.json")
        p.add_argument("--src", required=True, help="tests/programs")
        p.add_argument("--sanitized", action="store_true",
                       help="programs are built with ASan/UBSan")
        for a in extra_args or []:
            p.add_argument(*a[0], **a[1])
        self.args = p.parse_args()
        self.prog = os.path.abspath(self.args.prog)
        self.scratch = fresh_dir(self.args.scratch)
        self._validator = None
        self._schema_note = None
        self.log("program: %s" % self.prog)

    # ---- output (log, fail, expect, skip: vptest.Checks) --------------------

    def fatal(self, msg):
        self.fail(msg)
        self.finish()

    def finish(self, recap=True):
        super().finish(recap)

    # ---- checks shared by the checkers --------------------------------------

    def expect_program(self, p, tag="", state="exited"):
        """The run of profile p ended in state (None: not checked) and lost
        no call; tag prefixes the failure messages."""
        pre = tag + ": " if tag else ""
        if state is not None:
            self.expect(p.program["state"] == state, "%sstate %r" % (pre, p.program["state"]))
        self.expect(p.program["lost_calls"] == 0,
                    "%slost_calls %d" % (pre, p.program["lost_calls"]))

    def expect_in_file(self, p, names, src):
        """Each of names is one function of p, defined in a file ending in src."""
        for name in names:
            f = p.func(name)
            if self.expect(f is not None, "no single function named %s" % name):
                self.expect(f.get("file") and f["file"].endswith(src),
                            "%s: file %r, expected .../%s" % (name, f.get("file"), src))

    def times(self, p, names, tag=""):
        """({name: total_ns}, {name: self_ns}) of names in p, logged; a
        function without time ends the test (tag prefixes the message)."""
        f = {n: p.func(n) for n in names}
        missing = [n for n, x in f.items() if x is None or "total_ns" not in x]
        if missing:
            self.fatal("%sfunctions without time: %s" % (tag + ": " if tag else "", missing))
        tot = {n: x["total_ns"] for n, x in f.items()}
        slf = {n: x["self_ns"] for n, x in f.items()}
        self.log("total_ns: %s" % tot)
        self.log("self_ns:  %s" % slf)
        return tot, slf

    # ---- sources ------------------------------------------------------------

    def source_path(self, fname):
        return os.path.join(os.path.abspath(self.args.src), fname)

    def marker_line(self, fname, marker):
        """Line number (1-based) of the unique line of fname containing the
        comment marker ("SITE:x" or "DEF:x")."""
        hits = []
        with open(self.source_path(fname)) as f:
            for i, line in enumerate(f, 1):
                if re.search(r"\b%s\b" % re.escape(marker), line):
                    hits.append(i)
        if len(hits) != 1:
            self.fatal("marker %s found %d times in %s" % (marker, len(hits), fname))
        return hits[0]

    # ---- running ------------------------------------------------------------

    def run(self, args=(), tag="run", env=None, mode="count", timeout=120,
            expect_rc=0, raw_pattern=None, check_stderr_empty=True, wrapper=()):
        """Runs the program; returns (CompletedProcess, [raw files it left])."""
        d = os.path.join(self.scratch, tag)
        os.makedirs(d, exist_ok=True)
        e = dict(os.environ)
        e.pop("VITPROF_VERBOSE", None)
        e["VITPROF_FILE"] = raw_pattern or os.path.join(d, "%e.%p.vitraw")
        e["VITPROF_MODE"] = mode
        if env:
            e.update(env)
        cmd = list(wrapper) + [self.prog] + [str(a) for a in args]
        self.log("running: VITPROF_MODE=%s VITPROF_FILE=%s %s"
                 % (mode, e["VITPROF_FILE"], " ".join(cmd)))
        try:
            cp = subprocess.run(cmd, env=e, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=timeout,
                                universal_newlines=True)
        except subprocess.TimeoutExpired:
            self.fatal("%s timed out after %ds" % (" ".join(cmd), timeout))
        if expect_rc is not None and cp.returncode != expect_rc:
            self.fail("%s exited with %d, expected %d\nstdout: %s\nstderr: %s"
                      % (" ".join(cmd), cp.returncode, expect_rc,
                         cp.stdout[-2000:], cp.stderr[-2000:]))
        if check_stderr_empty and cp.stderr.strip():
            self.fail("%s wrote to stderr:\n%s" % (" ".join(cmd), cp.stderr[-2000:]))
        return cp, self.raw_files(d)

    def raw_files(self, d):
        return sorted(os.path.join(d, f) for f in os.listdir(d)
                      if re.search(r"\.vitraw(\.\d+)?$", f))

    def one_raw(self, raws, what="the run"):
        if len(raws) != 1:
            self.fatal("%s left %d raw profiles, expected 1: %s" % (what, len(raws), raws))
        return raws[0]

    # ---- the tool -----------------------------------------------------------

    def tool(self, args, timeout=300):
        cmd = [self.args.vitprof] + list(args)
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=timeout, universal_newlines=True)
        except subprocess.TimeoutExpired:
            self.fatal("%s timed out" % " ".join(cmd))

    def export(self, raw, show=True):
        """vitprof export --format vitprof; returns the validated document."""
        out = raw + ".json"
        cp = self.tool(["export", "--format", "vitprof", "-o", out, raw])
        if cp.returncode != 0:
            self.fatal("vitprof export %s failed (exit %d):\n%s%s"
                       % (raw, cp.returncode, cp.stdout, cp.stderr))
        if cp.stderr.strip():
            self.fail("vitprof export %s wrote to stderr:\n%s" % (raw, cp.stderr))
        try:
            with open(out) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            self.fatal("cannot load %s: %s" % (out, e))
        self.log("exported %s -> %s (%d functions, %d edges)"
                 % (os.path.basename(raw), os.path.basename(out),
                    len(doc.get("functions", [])), len(doc.get("edges", []))))
        self.validate(doc, out)
        self.invariants(doc, out)
        if show:
            self.show(raw, doc)
        return Profile(doc, out)

    def show(self, raw, doc):
        """vitprof show must succeed and name the program's busiest function."""
        cp = self.tool(["show", raw])
        if cp.returncode != 0:
            self.fail("vitprof show %s failed (exit %d):\n%s"
                      % (raw, cp.returncode, cp.stderr))
            return
        fs = [f for f in doc.get("functions", []) if f.get("instrumented")]
        if fs:
            top = max(fs, key=lambda f: f.get("calls", 0))
            self.expect(top["name"] in cp.stdout,
                        "vitprof show %s does not mention %s:\n%s"
                        % (raw, top["name"], cp.stdout[:3000]))

    def validate(self, doc, where):
        if self._validator is None and self._schema_note is None:
            try:
                import jsonschema
            except ImportError:
                self._schema_note = "python3 jsonschema missing: schema validation skipped"
                self.log(self._schema_note)
                return
            try:
                with open(self.args.schema) as f:
                    schema = json.load(f)
            except (OSError, ValueError) as e:
                self.fatal("cannot load the schema %s: %s" % (self.args.schema, e))
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            self._validator = cls(schema)
        if self._validator is None:
            return
        errs = sorted(self._validator.iter_errors(doc), key=lambda e: [str(p) for p in e.path])
        if not errs:
            self.log("%s matches %s" % (os.path.basename(where), os.path.basename(self.args.schema)))
        for e in errs[:10]:
            self.fail("%s does not match the schema at /%s: %s"
                      % (where, "/".join(str(p) for p in e.path), e.message[:300]))

    def invariants(self, doc, where):
        """What every exported profile must satisfy, whatever the program."""
        prog = doc.get("program", {})
        funcs = doc.get("functions", [])
        edges = doc.get("edges", [])
        ids = [f.get("id") for f in funcs]
        if not self.expect(len(ids) == len(set(ids)), "%s: duplicate function ids" % where):
            return
        byid = {f["id"]: f for f in funcs}
        timed = prog.get("mode") == "time"
        incoming = {}
        keys = set()
        for e in edges:
            if e.get("caller") not in byid or e.get("callee") not in byid:
                self.fail("%s: edge with unknown function id: %s" % (where, e))
                continue
            k = (e["caller"], e["callee"], e.get("site"))
            self.expect(k not in keys, "%s: duplicate edge (caller, callee, site) %s" % (where, k))
            keys.add(k)
            self.expect(e["caller_name"] == byid[e["caller"]]["name"]
                        and e["callee_name"] == byid[e["callee"]]["name"],
                        "%s: edge names do not match its function ids: %s" % (where, e))
            self.expect(e["count"] > 0, "%s: edge with count 0: %s" % (where, e))
            incoming[e["callee"]] = incoming.get(e["callee"], 0) + e["count"]
            if timed and "total_ns" in e:
                self.expect(e["total_ns"] >= e["self_ns"] >= 0,
                            "%s: edge %s -> %s: total_ns %d < self_ns %d"
                            % (where, e["caller_name"], e["callee_name"],
                               e["total_ns"], e["self_ns"]))
        for f in funcs:
            self.expect(f.get("calls", 0) == incoming.get(f["id"], 0),
                        "%s: %s: calls %d != sum of its incoming edges %d"
                        % (where, f["name"], f.get("calls", 0), incoming.get(f["id"], 0)))
            if f.get("instrumented"):
                self.expect(f.get("calls", 0) > 0,
                            "%s: instrumented function %s with 0 calls" % (where, f["name"]))
            if timed and "total_ns" in f:
                self.expect(f["total_ns"] >= f["self_ns"] >= 0,
                            "%s: %s: total_ns %d < self_ns %d"
                            % (where, f["name"], f["total_ns"], f["self_ns"]))
        for h in doc.get("hot_spots", []):
            self.expect(h in byid, "%s: hot spot %s is not a function id" % (where, h))
        mods = {m.get("id") for m in doc.get("modules", [])}
        for f in funcs:
            m = f.get("module")
            self.expect(m is None or m in mods,
                        "%s: %s: module %s not in modules" % (where, f["name"], m))

    # ---- comparing ----------------------------------------------------------

    def compare(self, what, expected, actual):
        """expected, actual: {key: number}. Keys missing on one side count as 0.
        Prints every difference as one table."""
        keys = sorted(set(expected) | set(actual), key=str)
        bad = [(k, expected.get(k, 0), actual.get(k, 0)) for k in keys
               if expected.get(k, 0) != actual.get(k, 0)]
        if not bad:
            self.log("%s: %d values exact" % (what, len(expected)))
            return True
        w = max(len(str(k)) for k, _, _ in bad)
        lines = ["%-*s  %12s  %12s  %12s" % (w, "key", "expected", "actual", "diff")]
        for k, e, a in bad:
            lines.append("%-*s  %12d  %12d  %+12d" % (w, k, e, a, a - e))
        self.fail("%s differs:\n%s" % (what, "\n".join(lines)))
        return False


def basename(p):
    return os.path.basename(p) if p else p


class Profile:
    """An exported .vitprof document with lookups by name."""

    def __init__(self, doc, path):
        self.doc = doc
        self.path = path
        self.program = doc["program"]
        self.functions = doc["functions"]
        self.edges = doc["edges"]
        self.modules = {m["id"]: m for m in doc["modules"]}
        self.byid = {f["id"]: f for f in self.functions}

    def funcs_named(self, name, file=None):
        return [f for f in self.functions if f["name"] == name
                and (file is None or basename(f.get("file")) == file)]

    def func(self, name, file=None):
        fs = self.funcs_named(name, file)
        return fs[0] if len(fs) == 1 else None

    def calls(self, instrumented_only=True, key=lambda f: f["name"]):
        """{key(f): calls} summed over functions with the same key."""
        out = {}
        for f in self.functions:
            if instrumented_only and not f.get("instrumented"):
                continue
            k = key(f)
            out[k] = out.get(k, 0) + f.get("calls", 0)
        return out

    def edge_counts(self, by_line=False, src=None):
        """{(caller, callee) or (caller, callee, line): count} summed over
        sites. src: keep only edges whose call site is in that file."""
        out = {}
        for e in self.edges:
            if src is not None and basename(e.get("file")) != src:
                continue
            k = (e["caller_name"], e["callee_name"])
            if by_line:
                k = k + (e.get("line"),)
            out[k] = out.get(k, 0) + e["count"]
        return out

    def module_of(self, f):
        return self.modules.get(f.get("module"))
