# SPDX-License-Identifier: MIT
"""symbolizer.corrupt_elf: `vitprof show` when the profiled program's file
has been replaced by a corrupt, truncated or foreign one.

The checker copies PROGRAM (tests/programs/recursion.c, instrumented) into
the scratch directory, runs the copy there once (the raw profile records
that path and the program's build-id) and checks `vitprof show` on the
intact file: the counts must be those of the recursion, computed here by
simulating it (fib(10), is_even(5), is_odd(6)). Then it overwrites the
recorded path with each variant below, built from the program's own bytes
(offsets from its ELF and section headers), and runs `vitprof show` again
(60 s limit: a hang is a failure). Each variant declares the outcomes it
allows:

  error     exit status 1, nothing on stdout, exactly one line on stderr:
            "vitprof: ..." naming the program's path;
  degraded  exit status 0, a warning naming the path on stderr, and the
            table holds the right functions with the right counts (names
            from the symbol table, no file:line): nothing wrong is shown;
  correct   exit status 0, nothing on stderr, the same table as the
            intact file.

Always: no signal, no sanitizer report, never anything but these. Exit 0
(pass), 1 (fail).
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys

FIB_N, EVEN_M = 10, 5
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                       r"runtime error:")
ROW = re.compile(r"^\s+(\d+)\s+\d+\.\d\d\s+(\S+)\s+(\S+)\s*$")   # calls, % calls


def expected_counts():
    """Calls per function of `recursion 10 5`, by simulating it."""
    calls = {"main": 1, "fib": 0, "is_even": 0, "is_odd": 0}

    def fib(n):
        calls["fib"] += 1
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    def is_even(n):
        calls["is_even"] += 1
        return 1 if n == 0 else is_odd(n - 1)

    def is_odd(n):
        calls["is_odd"] += 1
        return 0 if n == 0 else is_even(n - 1)

    fib(FIB_N)
    is_even(EVEN_M)
    is_odd(EVEN_M + 1)
    return calls


class Elf64:
    """The ELF64 little-endian header fields and section headers of data."""

    def __init__(self, data):
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit("check_corrupt_elf: the program is not ELF64 LE")
        (self.shoff,) = struct.unpack_from("<Q", data, 0x28)
        (self.phoff,) = struct.unpack_from("<Q", data, 0x20)
        self.shentsize, self.shnum, self.shstrndx = struct.unpack_from("<HHH", data, 0x3a)
        self.sections = {}
        raw = []
        for i in range(self.shnum):
            off = self.shoff + i * self.shentsize
            name, typ, _flags, _addr, offset, size = struct.unpack_from("<IIQQQQ", data, off)
            raw.append((name, off, offset, size))
        strtab_off, strtab_size = raw[self.shstrndx][2], raw[self.shstrndx][3]
        for name, hdr, offset, size in raw:
            end = data.index(b"\0", strtab_off + name)
            sname = data[strtab_off + name:end].decode()
            self.sections[sname] = {"hdr": hdr, "offset": offset, "size": size}

    def section(self, name):
        if name not in self.sections:
            raise SystemExit("check_corrupt_elf: the program has no %s" % name)
        return self.sections[name]


def patched(data, offset, fmt, value):
    d = bytearray(data)
    struct.pack_into(fmt, d, offset, value)
    return bytes(d)


def filled(data, sec, byte):
    d = bytearray(data)
    d[sec["offset"]:sec["offset"] + sec["size"]] = bytes([byte]) * sec["size"]
    return bytes(d)


def variants(data, other):
    """(name, bytes or None for no file, allowed outcomes, what it is)."""
    e = Elf64(data)
    size = len(data)
    line = e.section(".debug_line")
    info = e.section(".debug_info")
    note = e.section(".note.gnu.build-id")
    err = {"error"}
    return [
        ("missing", None, err, "the file was deleted"),
        ("empty", b"", err, "a file of 0 bytes"),
        ("not-elf", b"#!/bin/sh\necho this is not an ELF object\n" * 40, err,
         "a shell script"),
        ("trunc-ident", data[:10], err, "cut inside e_ident"),
        ("trunc-ehdr", data[:40], err, "cut inside the ELF header"),
        ("trunc-phdrs", data[:e.phoff + 100], err, "cut inside the program headers"),
        ("trunc-note", data[:note["offset"] + 8], err, "cut inside the build-id note"),
        ("trunc-half", data[:size // 2], err, "half of the file"),
        ("trunc-last-byte", data[:size - 1], err,
         "one byte short (the section header table is last)"),
        ("shoff-past-eof", patched(data, 0x28, "<Q", size + 4096), err,
         "e_shoff past the end of the file"),
        ("shnum-huge", patched(data, 0x3c, "<H", 0xffff), err, "e_shnum = 65535"),
        ("shentsize-wrong", patched(data, 0x3a, "<H", 40), err,
         "e_shentsize 40 instead of 64"),
        ("phoff-past-eof", patched(data, 0x20, "<Q", size + 4096), err,
         "e_phoff past the end of the file"),
        ("debug-info-past-eof", patched(data, info["hdr"] + 0x18, "<Q", size + 64), err,
         ".debug_info's sh_offset past the end of the file"),
        ("debug-line-size-huge", patched(data, line["hdr"] + 0x20, "<Q", 1 << 40), err,
         ".debug_line's sh_size = 1 TiB"),
        ("debug-line-truncated", patched(data, line["hdr"] + 0x20, "<Q", 12), {"degraded"},
         ".debug_line's sh_size cut to 12 bytes (inside the first table header)"),
        ("debug-line-garbage", filled(data, line, 0xff), {"degraded"},
         ".debug_line's bytes all 0xff"),
        ("debug-info-garbage", filled(data, info, 0xff), {"degraded"},
         ".debug_info's bytes all 0xff"),
        ("class-32", patched(data, 4, "<B", 1), err, "EI_CLASS says ELFCLASS32"),
        ("big-endian", patched(data, 5, "<B", 2), err, "EI_DATA says big-endian"),
        # The build-id still matches: the bytes are those of the program that
        # ran, and the symbolizer does not read e_machine.
        ("machine-aarch64", patched(data, 0x12, "<H", 183), {"correct"},
         "e_machine says AArch64, nothing else changed"),
        ("other-program", other, err, "another real ELF program (build-id differs)"),
    ]


def show(vitprof, raw):
    try:
        p = subprocess.run([vitprof, "show", raw], capture_output=True, text=True,
                           timeout=60, errors="replace")
    except subprocess.TimeoutExpired:
        return None
    return p


def table(stdout):
    """{function: calls} of the show table, and the rows' file:line."""
    rows, where = {}, {}
    started = False
    for ln in stdout.splitlines():
        if re.match(r"^\s+calls\s+% calls\s+function", ln):
            started = True
            continue
        m = ROW.match(ln) if started else None
        if m:
            rows[m.group(2)] = rows.get(m.group(2), 0) + int(m.group(1))
            where[m.group(2)] = m.group(3)
    return rows, where


def classify(p, path, truth, baseline):
    """The outcome of one `vitprof show` run, or a description of what is wrong."""
    if p is None:
        return "hang: no exit within 60 s"
    if p.returncode < 0 or p.returncode >= 128:
        return "killed (status %d)" % p.returncode
    if SANITIZER.search(p.stderr):
        return "sanitizer report:\n" + p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    if p.returncode != 0:
        if p.returncode != 1:
            return "exit status %d" % p.returncode
        if p.stdout.strip():
            return "error exit but stdout has output:\n" + p.stdout
        if len(lines) != 1 or not lines[0].startswith("vitprof:") or path not in lines[0]:
            return "error exit without one line naming %s:\n%s" % (path, p.stderr)
        return "error"
    rows, _where = table(p.stdout)
    if not lines:
        if rows != baseline:
            return "silent success with another table: %s" % rows
        return "correct"
    if not any(path in ln for ln in lines):
        return "warnings not naming %s:\n%s" % (path, p.stderr)
    if rows != truth:
        return "degraded output with wrong functions or counts: %s" % rows
    return "degraded"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prog", required=True, help="instrumented recursion program")
    ap.add_argument("--vitprof", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--other", required=True, help="another ELF program")
    a = ap.parse_args()

    scratch = os.path.abspath(a.scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    prog = os.path.join(scratch, "prog")
    raw = os.path.join(scratch, "run.vitraw")
    shutil.copy2(a.prog, prog)
    env = dict(os.environ, VITPROF_FILE=raw, VITPROF_MODE="count")
    r = subprocess.run([prog, str(FIB_N), str(EVEN_M)], env=env, capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0 or not os.path.exists(raw):
        print("FAIL: the program did not run or wrote no profile:", r.stderr)
        return 1
    with open(prog, "rb") as f:
        data = f.read()
    with open(a.other, "rb") as f:
        other = f.read()
    truth = expected_counts()

    failures = 0
    p = show(a.vitprof, raw)
    base, where = table(p.stdout) if p else ({}, {})
    if not p or p.returncode != 0 or p.stderr.strip() or base != truth or \
            not all(re.match(r".*/recursion\.c:\d+$", w) for w in where.values()):
        print("FAIL: intact program: expected %s with file:line, got:\n%s\n%s"
              % (truth, p.stdout if p else "(hang)", p.stderr if p else ""))
        return 1
    print("intact program: %s, sources %s" % (base, sorted(set(where.values()))))

    counts = {}
    for name, content, allowed, what in variants(data, other):
        if os.path.exists(prog):
            os.unlink(prog)
        if content is not None:
            with open(prog, "wb") as f:
                f.write(content)
        p = show(a.vitprof, raw)
        outcome = classify(p, prog, truth, base)
        ok = outcome in allowed
        counts[outcome if ok else "FAIL"] = counts.get(outcome if ok else "FAIL", 0) + 1
        msg = (p.stderr.strip().splitlines() or [""])[0] if p else ""
        print("%-4s %-22s %-40s -> %s%s" % ("ok" if ok else "FAIL", name, what,
                                             outcome if ok else "%s (allowed: %s)" %
                                             (outcome, "/".join(sorted(allowed))),
                                             "\n       " + msg if msg else ""))
        failures += not ok
    print("variants: %s" % ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
