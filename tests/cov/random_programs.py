#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""random_programs.py - random C programs for check_gcov.py's "random" case.

    random_programs.py SEED > prog.c

Each program has a few functions made of nested if/else chains, for, while
and do/while loops with break and continue, switch with fall-through and
default, && and ||, the conditional operator, backward and forward gotos,
early returns and calls; statements are randomly joined onto one line
(loops whose every block is on one line are what gcov's cycle rule is
for), and some functions are written on a single line. Every loop is
bounded, so each program terminates quickly; the same seed gives the same
program.
"""
import random
import sys


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0          # unique suffix for variables and labels
        self.join = 0.3     # chance that a statement shares the previous line

    def uid(self):
        self.n += 1
        return self.n

    def cond(self, vars_):
        r = self.r
        v = r.choice(vars_)
        w = r.choice(vars_)
        atoms = ["(%s & %d) == %d" % (v, r.choice([1, 3, 7]), r.randint(0, 1)),
                 "(int)%s > %d" % (v, r.randint(-2, 6)),
                 "%s %% %d == 0" % (w, r.randint(2, 5))]
        if v != w:
            atoms.append("(int)%s < (int)%s" % (v, w))
        c = r.choice(atoms)
        for _ in range(r.choice([0, 0, 1, 2])):
            c = "(%s %s %s)" % (c, r.choice(["&&", "||"]), r.choice(atoms))
        return c

    def block(self, depth, vars_, in_loop, fns):
        """A list of statements, each a list of source lines."""
        out = []
        for _ in range(self.r.randint(1, 3 if depth < 2 else 2)):
            out.append(self.stmt(depth, vars_, in_loop, fns))
        return out

    def stmt(self, depth, vars_, in_loop, fns):
        r = self.r
        kinds = ["assign", "assign", "if", "call"]
        if depth < 3:
            kinds += ["if", "for", "while", "do", "switch", "goto_loop"]
        if depth == 0:
            kinds += ["for", "while", "if"]
        if in_loop:
            kinds += ["break", "continue"]
        kinds += ["return", "ternary", "goto_fwd"]
        k = r.choice(kinds)
        v = r.choice(vars_)
        if k == "assign":
            return ["s += %s %s %d;" % (v, r.choice(["+", "-", "*", "^"]), r.randint(1, 5))]
        if k == "ternary":
            return ["s += %s ? %s : %d;" % (self.cond(vars_), v, r.randint(0, 3))]
        if k == "call":
            if not fns:
                return ["s ^= %s;" % v]
            return ["s += %s(%s & 15, s & 7);" % (r.choice(fns), v)]
        if k == "break":
            return ["if (%s) break;" % self.cond(vars_)]
        if k == "continue":
            return ["if (%s) continue;" % self.cond(vars_)]
        if k == "return":
            return ["if (%s) return (int)s;" % self.cond(vars_)]
        if k == "goto_fwd":
            u = self.uid()
            return ["if (%s) goto skip%d;" % (self.cond(vars_), u), "s++;",
                    "skip%d: s--;" % u]
        if k == "if":
            lines = ["if (%s) {" % self.cond(vars_)]
            lines += self.flat(self.block(depth + 1, vars_, in_loop, fns))
            while r.random() < 0.4:
                lines += ["} else if (%s) {" % self.cond(vars_)]
                lines += self.flat(self.block(depth + 1, vars_, in_loop, fns))
            if r.random() < 0.5:
                lines += ["} else {"]
                lines += self.flat(self.block(depth + 1, vars_, in_loop, fns))
            return lines + ["}"]
        if k == "for":
            i = "i%d" % self.uid()
            lines = ["for (int %s = 0; %s < (%s & 3) + %d; %s++) {"
                     % (i, i, v, r.randint(0, 3), i)]
            lines += self.flat(self.block(depth + 1, vars_ + [i], True, fns))
            return lines + ["}"]
        if k == "while":
            w = "w%d" % self.uid()
            lines = ["int %s = (%s & 3) + %d;" % (w, v, r.randint(0, 2)),
                     "while (%s-- > 0) {" % w]
            lines += self.flat(self.block(depth + 1, vars_ + [w], True, fns))
            return ["{"] + lines + ["}", "}"]
        if k == "do":
            d = "d%d" % self.uid()
            lines = ["int %s = 0;" % d, "do {"]
            lines += self.flat(self.block(depth + 1, vars_ + [d], True, fns))
            return ["{"] + lines + ["} while (++%s < %d);" % (d, r.randint(1, 4)), "}"]
        if k == "goto_loop":
            u = self.uid()
            return ["{", "int g%d = 0;" % u, "again%d:" % u, "s += g%d;" % u,
                    "if (++g%d < %d) goto again%d;" % (u, r.randint(1, 4), u), "}"]
        if k == "switch":
            lines = ["switch ((%s + s) %% 5) {" % v]
            for c in r.sample(range(5), r.randint(1, 4)):
                lines += ["case %d:" % c]
                lines += self.flat(self.block(depth + 1, vars_, False, fns))
                if r.random() < 0.6:
                    lines += ["break;"]
            if r.random() < 0.6:
                lines += ["default:", "s -= 1;"]
            return lines + ["}"]
        raise AssertionError(k)

    @staticmethod
    def flat(stmts):
        return [line for s in stmts for line in s]

    def function(self, name, fns):
        lines = self.flat(self.block(0, ["a", "b", "s"], False, fns))
        body = ["unsigned s = a - b;"] + lines + ["return (int)s;"]
        one_line = self.r.random() < 0.25
        text = "static int %s(int a, int b)\n{\n" % name
        cur = ""
        for ln in body:
            if one_line or (cur and self.r.random() < self.join):
                cur += " " + ln
            else:
                if cur:
                    text += "\t" + cur + "\n"
                cur = ln
        text += "\t" + cur + "\n}\n\n"
        return text

    def program(self):
        fns = []
        text = "/* generated by random_programs.py */\n#include <stdio.h>\n\n"
        for k in range(self.r.randint(2, 5)):
            name = "f%d" % k
            text += self.function(name, list(fns))
            fns.append(name)
        text += "int main(void)\n{\n\tint acc = 0;\n\n"
        text += "\tfor (int x = -3; x < 9; x++)\n\t\tfor (int y = 0; y < 4; y++) {\n"
        for f in fns:
            text += "\t\t\tacc += %s(x, y);\n" % f
        text += "\t\t}\n\tprintf(\"%d\\n\", acc);\n\treturn 0;\n}\n"
        return text


if __name__ == "__main__":
    sys.stdout.write(Gen(int(sys.argv[1])).program())
