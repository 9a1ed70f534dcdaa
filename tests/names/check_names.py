# SPDX-License-Identifier: MIT
"""names: functions whose DWARF says little (C++ lambdas and their static
invokers, template instantiations, static functions, dynamic initializers
of globals, GCC nested functions, a header's static inline function copied
into two units) must each get a name, a file and a line, and no two of them
may share the key (name, file, line) of a .vitprof document.

Ground truth, never vitprof's own output:
  - names: `nm` / `nm -C` at the function's address (the ELF symbol), and
    the names the Itanium C++ ABI gives lambdas (numbered in order of
    appearance in their function);
  - lines: the DEF: markers of the sources; for the dynamic initializers,
    which have no declaration, `addr2line -e PROG ADDR` (the line GCC's line
    table gives their first instruction);
  - counts: by construction of the programs.

    check_names.py --prog P --lang cxx|c [common e2e options]
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from vpcheck import Checker, basename  # noqa: E402


def tool_out(c, cmd):
    cp = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        universal_newlines=True)
    if cp.returncode != 0:
        c.fatal("%s failed: %s" % (" ".join(cmd), cp.stderr))
    return cp.stdout


def symbols(c, prog, demangle):
    """{address: set of names} of the defined text symbols."""
    out = {}
    cmd = ["nm", "--defined-only"] + (["-C"] if demangle else []) + [prog]
    for line in tool_out(c, cmd).splitlines():
        m = re.match(r"([0-9a-f]+) ([tTwWiI]) (.+)$", line)
        if m:
            out.setdefault(int(m.group(1), 16), set()).add(m.group(3))
    return out


def addr2line(c, prog, addr):
    """(file, line) of addr as binutils reads the line table."""
    out = tool_out(c, ["addr2line", "-e", prog, "0x%x" % addr]).strip()
    f, _, l = out.rpartition(":")
    l = re.match(r"\d+", l)
    return f, int(l.group(0)) if l else 0


# The expected functions: name (as `nm -C` and the C++ ABI spell it) ->
# (source file, DEF: marker or None for "ask addr2line", calls). A name
# listed with two sources is a function copied into two units.
CXX = {
    "main": [("names_main.cpp", "main", 1)],
    "main::{lambda(int)#1}::operator()(int) const": [("names_main.cpp", "lambda_first", 3)],
    "main::{lambda(int)#2}::operator()(int) const": [("names_main.cpp", "lambda_second", 5)],
    "main::{lambda(int)#3}::operator()(int) const": [("names_main.cpp", "lambda_pair", 1)],
    "main::{lambda(int)#4}::operator()(int) const": [("names_main.cpp", "lambda_pair", 2)],
    "main::{lambda(int)#3}::_FUN(int)": [("names_main.cpp", "lambda_pair", 1)],
    "main::{lambda(int)#4}::_FUN(int)": [("names_main.cpp", "lambda_pair", 2)],
    "b_entry(int)::{lambda(int)#1}::operator()(int) const": [("names_b.cpp", "lambda_b", 1)],
    "int twice<int>(int)": [("names_main.cpp", "twice", 2)],
    "double twice<double>(double)": [("names_main.cpp", "twice", 1)],
    "compute_seed(int)": [("names_main.cpp", "compute_seed", 1)],
    "b_seed()": [("names_b.cpp", "b_seed", 1)],
    "b_entry(int)": [("names_b.cpp", "b_entry", 1)],
    # one copy per unit: main's (called by main), names_b.cpp's (b_seed, b_entry)
    "hdr_helper(int)": [("names_hdr.h", "hdr_helper", 1), ("names_hdr.h", "hdr_helper", 2)],
    "_GLOBAL__sub_I_main_global": [("names_main.cpp", None, 1)],
    "_GLOBAL__sub_I_b_global": [("names_b.cpp", None, 1)],
    "__static_initialization_and_destruction_0(int, int)":
        [("names_main.cpp", None, 1), ("names_b.cpp", None, 1)],
}
C = {
    "main": [("names_nested.c", "main", 1)],
    "sum_to": [("names_nested.c", "sum_to", 1)],
    "prod_to": [("names_nested.c", "prod_to", 1)],
    # GCC numbers the two `inner` symbols inner.0 and inner.1, in an order
    # that depends on the optimization level: told apart by their calls.
    re.compile(r"inner\.\d+$"): [("names_nested.c", "inner_sum", 6),
                                  ("names_nested.c", "inner_prod", 4)],
}
COPY = re.compile(r"^(.*) \[copy in ([^\]]+)\]$")


def main():
    c = Checker("names", [(("--lang",), {"required": True, "choices": ("cxx", "c")}),
                          (("--inlined",), {"action": "store_true",
                                            "help": "built with inlining"})])
    want = CXX if c.args.lang == "cxx" else C
    cp, raws = c.run()
    c.expect(cp.stdout.strip() != "", "no output")
    p = c.export(c.one_raw(raws))
    plain = symbols(c, c.prog, False)
    demangled = symbols(c, c.prog, True)

    exe = [f for f in p.functions if f.get("instrumented") and f.get("module") == 0]
    keys = {}
    for f in exe:
        k = (f["name"], f.get("file"), f.get("line"))
        keys.setdefault(k, []).append("0x%x" % f["address"])
        c.expect(f.get("file"), "%s (0x%x): no file" % (f["name"], f["address"]))
        c.expect(f.get("line", 0) > 0, "%s (0x%x): line 0" % (f["name"], f["address"]))
        # The name is the ELF symbol's (demangled), or its DWARF name when
        # that is the symbol's too; a copy of one source function in several
        # units says which unit.
        m = COPY.match(f["name"])
        base = m.group(1) if m else f["name"]
        c.expect(base in demangled.get(f["address"], ()),
                 "%s (0x%x): not a name nm -C gives that address: %s"
                 % (f["name"], f["address"], sorted(demangled.get(f["address"], ()))))
        c.expect(f["linkage_name"] in plain.get(f["address"], ()),
                 "%s (0x%x): linkage name %s is not a symbol nm gives that address: %s"
                 % (f["name"], f["address"], f["linkage_name"],
                    sorted(plain.get(f["address"], ()))))
    for k, addrs in keys.items():
        c.expect(len(addrs) == 1, "key %s shared by the functions at %s" % (k, addrs))

    # Each expected function, its place and its calls.
    by_base = {}
    for f in exe:
        m = COPY.match(f["name"])
        by_base.setdefault(m.group(1) if m else f["name"], []).append(f)
    exp_calls, got_calls = {}, {}
    units = set()
    for name, copies in want.items():
        if isinstance(name, str):
            fs = by_base.get(name, [])
        else:
            fs = [f for b, l in by_base.items() if name.match(b) for f in l]
            name = name.pattern
        fs = sorted(fs, key=lambda f: f["calls"])
        if not c.expect(len(fs) == len(copies), "%s: %d functions, expected %d"
                        % (name, len(fs), len(copies))):
            continue
        for f, (src, marker, calls) in zip(fs, sorted(copies, key=lambda x: x[2])):
            k = "%s @%s" % (name, basename(f.get("file")))
            exp_calls[k] = exp_calls.get(k, 0) + calls
            got_calls[k] = got_calls.get(k, 0) + f["calls"]
            if marker:
                line = c.marker_line(src, "DEF:" + marker)
            else:
                file, line = addr2line(c, c.prog, f["address"])
                c.expect(basename(file) == src, "%s: addr2line says %s, expected %s"
                         % (name, file, src))
            c.expect(basename(f.get("file")) == src and f.get("line") == line,
                     "%s (0x%x): at %s:%s, expected %s:%s"
                     % (f["name"], f["address"], basename(f.get("file")), f.get("line"),
                        src, line))
            m = COPY.match(f["name"])
            if len(copies) > 1 and src.endswith(".h"):
                # A header's copy is named after its unit: that of its
                # callers (with inlining, the hook credits the caller's
                # caller: then the two copies just name the two units).
                callers = {basename(p.byid[e["caller"]].get("file")) for e in p.edges
                           if e["callee"] == f["id"]}
                units.add(m.group(2) if m else None)
                c.expect(m is not None and (c.args.inlined or callers == {m.group(2)}),
                         "%s: expected a [copy in UNIT] naming its callers' unit %s"
                         % (f["name"], sorted(callers)))
    if c.args.lang == "cxx":
        c.expect(units == {"names_main.cpp", "names_b.cpp"},
                 "the header's copies name the units %s" % sorted(units, key=str))
    c.compare("calls by name", exp_calls, got_calls)
    c.finish()


if __name__ == "__main__":
    main()
