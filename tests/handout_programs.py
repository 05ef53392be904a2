#!/usr/bin/env python3
"""handout_programs.py MD OUTDIR — the programs of a Markdown handout
(src/text/handout.c, "## The programs"): each "### NAME" heading there
followed by a code fence is written to OUTDIR/NAME, its text exactly as the
fence holds it.  Prints the names written, one a line; exits 1 when the
section is missing or holds no program.  For tests/e2e_handout.sh.
"""
import os
import re
import sys


def main():
    md, out = sys.argv[1], sys.argv[2]
    lines = open(md, encoding="utf-8").read().split("\n")
    try:
        i = lines.index("## The programs")
    except ValueError:
        print("handout_programs: no '## The programs' section in " + md)
        return 1
    names = []
    name = None
    while i < len(lines) - 1:
        i += 1
        line = lines[i]
        if line.startswith("## "):
            break
        if line.startswith("### "):
            name = line[4:].strip()
            continue
        m = re.match(r"^(`{3,})\w*$", line)
        if m and name:
            fence, body = m.group(1), []
            i += 1
            while i < len(lines) and lines[i] != fence:
                body.append(lines[i])
                i += 1
            with open(os.path.join(out, os.path.basename(name)), "w", encoding="utf-8") as f:
                f.write("\n".join(body) + "\n")
            names.append(name)
            name = None
    if not names:
        print("handout_programs: the programs section of " + md + " holds no program")
        return 1
    print("\n".join(names))
    return 0


sys.exit(main())
