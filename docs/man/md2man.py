#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""md2man.py - the manual page vitprof(1), from docs/cli.md.

  md2man.py --version X.Y.Z CLI_MD -o OUT

The build runs it (CMakeLists.txt, target vitprof_man), so the page is
docs/cli.md, which test clidoc.options checks against every command's
--help, and never drifts from it. It reads the Markdown subset cli.md
uses: "#", "##", "###" headings, paragraphs, 4-space code blocks, "- "
lists, pipe tables, `code`, **bold**, *emphasis* and [links](target).
Headings become .SH/.SS; a table becomes one .TP entry per row (first
cell as the tag, the other cells "header: cell"), which reads well in a
terminal of any width and needs no tbl; code is bold, code blocks are
no-fill; text is left-adjusted, not hyphenated (flags and paths would
break at their hyphens). Non-ASCII characters become groff's \\[uXXXX] escapes, so the
page is plain ASCII. The page is checked by test clidoc.man
(groff -wall, every command and option present).
"""
import argparse
import re

NAME = ("vitprof \\- exact call counts, call graphs, times and gcov arc counts"
        " of C and C++ programs")


def escape(text):
    """Plain text to roff: backslashes, then non-ASCII."""
    text = text.replace("\\", "\\e")
    return "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)


def inline(text):
    """Inline Markdown to roff fonts; code spans get \\- for -."""
    out, pos = [], 0
    for m in re.finditer(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)]+)\)",
                         text):
        out.append(escape(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append("\\fB" + escape(m.group(1)).replace("-", "\\-") + "\\fR")
        elif m.group(2) is not None:
            out.append("\\fB" + inline(m.group(2)) + "\\fR")
        elif m.group(3) is not None:
            out.append("\\fI" + inline(m.group(3)) + "\\fR")
        else:
            out.append(inline(m.group(4)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def text_line(s):
    """A line of filled text, protected from being read as a request."""
    return "\\&" + s if s[:1] in (".", "'") else s


def cells(row):
    return [c.strip() for c in row.strip().strip("|").split("|")]


def convert(md, version):
    out = ['.\\" Generated from docs/cli.md by docs/man/md2man.py: edit those, not this.',
           f'.TH VITPROF 1 "" "vitprof {version}" "User Commands"',
           ".ad l", ".nh", ".SH NAME", NAME]
    lines = md.splitlines()
    i, n = 0, len(lines)
    synopsis = False
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith("# "):
            # the title: the synopsis block after it becomes SYNOPSIS
            i += 1
            out.append(".SH SYNOPSIS")
            synopsis = True
            continue
        if line.startswith("## ") or line.startswith("### "):
            title = re.sub(r"[`*]", "", line.lstrip("#").strip())
            if line.startswith("## "):
                out.append('.SH "' + escape(title.upper()) + '"')
            else:
                out.append('.SS "' + escape(title) + '"')
            synopsis = False
            i += 1
            continue
        if line.startswith("    "):
            block = []
            while i < n and (lines[i].startswith("    ") or not lines[i].strip()):
                block.append(lines[i][4:])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            out += [".PP", ".RS 4", ".nf"]
            out += [text_line(escape(b).replace("-", "\\-")) for b in block]
            out += [".fi", ".RE"]
            continue
        if synopsis:
            # the first thing after the synopsis' code block
            out.append(".SH DESCRIPTION")
            synopsis = False
        if line.startswith("|"):
            rows = []
            while i < n and lines[i].startswith("|"):
                rows.append(cells(lines[i]))
                i += 1
            head, body = rows[0], [r for r in rows[1:] if not re.match(r"^:?-+:?$", r[0])]
            for r in body:
                out.append(".TP")
                out.append(text_line(inline(r[0])))
                if len(r) == 2:
                    out.append(text_line(inline(r[1])))
                else:
                    out.append(text_line("; ".join(
                        f"\\fI{escape(h)}:\\fR {inline(c)}" for h, c in zip(head[1:], r[1:]) if c)))
            continue
        if re.match(r"^(- |\d+\. )", line):
            while i < n and re.match(r"^(- |\d+\. )", lines[i]):
                m = re.match(r"^(- |\d+\. )", lines[i])
                item = [lines[i][m.end():].strip()]
                i += 1
                while i < n and lines[i].startswith("  ") and lines[i].strip():
                    item.append(lines[i].strip())
                    i += 1
                tag = "\\(bu" if m.group(1) == "- " else m.group(1).strip()
                out.append(f'.IP "{tag}" 4')
                out.append(text_line(inline(" ".join(item))))
                while i < n and not lines[i].strip() and i + 1 < n and \
                        re.match(r"^(- |\d+\. )", lines[i + 1]):
                    i += 1
            continue
        para = []
        while i < n and lines[i].strip() and not re.match(r"^(#|    |\||- |\d+\. )", lines[i]):
            para.append(lines[i].strip())
            i += 1
        out.append(".PP")
        out.append(text_line(inline(" ".join(para))))
    out += [".SH SEE ALSO",
            "\\fBgcov\\fR(1), \\fBgprof\\fR(1), \\fBgcc\\fR(1);"
            " the runtime (environment variables, API) and file formats:"
            " docs/runtime.md, docs/raw-format.md, docs/vitprof-format.md"
            " in the source tree, the format documents under share/vitprof."]
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("cli_md")
    a = ap.parse_args()
    with open(a.cli_md, encoding="utf-8") as f:
        page = convert(f.read(), a.version)
    with open(a.output, "w", encoding="ascii") as f:
        f.write(page)


if __name__ == "__main__":
    main()
