#!/usr/bin/env python3
"""lesson_seeds.py OUTDIR LESSON_DIR TEST_C — fuzz_lesson's seed corpus.

Every *.lesson file of LESSON_DIR (the shipped lessons), and every lesson
text written as a C string in TEST_C (tests/test_lesson.c: the valid
lessons and each broken case of its table), each as one file.  A C string
is taken when, after concatenating adjacent literals and decoding escapes,
its first line that is not a comment has the form "key:" of a lesson.
"""
import hashlib
import os
import re
import sys

STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
KEY = re.compile(r"^[a-z][a-z0-9-]*(\[!?[a-z0-9-]+\])?:")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
        elif s[i + 1] == "x":
            m = re.match(r"[0-9a-fA-F]+", s[i + 2:])
            out.append(chr(int(m.group(0), 16) & 0xFF))
            i += 2 + len(m.group(0))
        else:
            out.append(ESCAPES.get(s[i + 1], s[i + 1]))
            i += 2
    return "".join(out)


def c_strings(src):
    """The string constants of a C file, adjacent literals joined."""
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    src = re.sub(r"^\s*#.*$", " ", src, flags=re.M)
    pos, cur, out = 0, None, []
    for m in STRING.finditer(src):
        between = src[pos:m.start()]
        if cur is not None and between.strip() == "":
            cur += m.group(1)
        else:
            if cur is not None:
                out.append(cur)
            cur = m.group(1)
        pos = m.end()
    if cur is not None:
        out.append(cur)
    return [unescape(s) for s in out]


def is_lesson(text):
    for line in text.split("\n"):
        if line.startswith("#"):
            continue
        return bool(KEY.match(line)) and not line.startswith("x.lesson:")
    return False


def main():
    out, lesson_dir, test_c = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    n = 0
    for name in sorted(os.listdir(lesson_dir)):
        if name.endswith(".lesson"):
            with open(os.path.join(lesson_dir, name), "rb") as f:
                data = f.read()
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
            n += 1
    k = 0
    with open(test_c, encoding="utf-8") as f:
        for text in c_strings(f.read()):
            if is_lesson(text):
                data = text.encode("latin-1")
                with open(os.path.join(out, "test-" + hashlib.sha1(data).hexdigest()[:12]), "wb") as f:
                    f.write(data)
                k += 1
    print("lesson_seeds.py: %d lessons and %d test cases in %s" % (n, k, out))


if __name__ == "__main__":
    main()
