# SPDX-License-Identifier: MIT
"""What `vitprof --help` and `vitprof COMMAND --help` list, read the one
way the doc, man page and completion tests all use (and the completion
script itself, tools/completion/vitprof.bash, in bash):

- the commands: the lines under "commands:" in `vitprof --help`, up to
  the first blank line, each's first word;
- a command's options: every -x or --long-name token of its usage block
  (the "usage:" line and the lines after it indented by more than two
  spaces), and of its option lines (lines indented by 1 to 8 spaces whose
  text starts with '-'; only their first column, up to two spaces in a
  row, so a description's own -flags are not taken): with [ ] | , =
  read as spaces, each word that is -x or --long-name as a whole.
"""
import re
import subprocess

TOKEN = re.compile(r"--[a-z][a-z0-9-]*|-[A-Za-z0-9]")


def run_help(vitprof, command=None):
    """The --help text (stdout) of vitprof or of one command; raises with
    the command line when it does not exit 0."""
    argv = [vitprof] + ([command] if command else []) + ["--help"]
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def commands(help_text):
    out, inside = [], False
    for line in help_text.splitlines():
        if line.startswith("commands:"):
            inside = True
        elif inside:
            if not line.strip():
                break
            out.append(line.split()[0])
    return out


def options(help_text):
    """Option tokens in order of first appearance."""
    found = []
    in_usage = False
    for line in help_text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if line.startswith("usage:"):
            in_usage = True
            text = line
        elif in_usage and indent > 2:
            text = line
        else:
            in_usage = False
            if not (1 <= indent <= 8 and line.lstrip().startswith("-")):
                continue
            text = re.split(r"\s{2,}", line.strip())[0]
        for word in re.sub(r"[\[\]|,=]", " ", text).split():
            if TOKEN.fullmatch(word) and word not in found:
                found.append(word)
    return found
