#!/usr/bin/env python3
"""handout_check.py — checks of a handout (src/text/handout.c) that need a
parser, for tests/e2e_handout.sh.  Standard library only.

  handout_check.py html FILE [--title TEXT]... [--text TEXT]... [--not-text TEXT]...
      FILE is well-formed enough: every element opened is closed, in order
      (void elements excepted); one <title>, one doctype; no script, no
      external resource (no src=, no href but "#...", no url() or @import
      in the CSS); UTF-8 declared; a @media print rule.  Each --title must
      be the text of an <h2> (after its entities are decoded), each --text
      must be in the decoded page text, no --not-text may be.
  handout_check.py md FILE
      every code fence is closed; outside the fences no '<' is unescaped
      and no entity ("&amp;") would be decoded.
  handout_check.py png FILE WIDTH HEIGHT
      a PNG of that size whose pixels are not all one colour: it shows
      text (many distinct values, a share of dark pixels).
Prints what it found; exits 1 with a message on the first failure.
"""
import html.parser
import re
import struct
import sys
import zlib

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def die(msg):
    print("handout_check: " + msg)
    sys.exit(1)


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.counts = {}
        self.decls = []
        self.text = []
        self.h2 = []
        self.in_h2 = None
        self.style = []
        self.in_style = False
        self.charset = False

    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        a = dict(attrs)
        if tag == "meta" and (a.get("charset") or "").lower() == "utf-8":
            self.charset = True
        for k, v in attrs:
            v = v or ""
            if k == "src" or (k == "href" and not v.startswith("#")):
                self.errors.append("an external reference: <%s %s=\"%s\">" % (tag, k, v))
            if k.startswith("on"):
                self.errors.append("a script attribute: <%s %s>" % (tag, k))
        if tag in ("script", "link", "iframe", "object", "img"):
            self.errors.append("a <%s> element" % tag)
        if tag in VOID:
            return
        self.stack.append((tag, self.getpos()))
        if tag == "h2":
            self.in_h2 = []
        if tag == "style":
            self.in_style = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.errors.append("</%s> at line %d closes nothing" % (tag, self.getpos()[0]))
            return
        top, pos = self.stack.pop()
        if top != tag:
            self.errors.append("</%s> at line %d closes <%s> of line %d" % (tag, self.getpos()[0], top, pos[0]))
        if tag == "h2" and self.in_h2 is not None:
            self.h2.append(" ".join("".join(self.in_h2).split()))
            self.in_h2 = None
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.style.append(data)
            return
        self.text.append(data)
        if self.in_h2 is not None:
            self.in_h2.append(data)

    def handle_decl(self, decl):
        self.decls.append(decl)


def check_html(path, args):
    raw = open(path, encoding="utf-8").read()
    p = Checker()
    p.feed(raw)
    p.close()
    for s in p.stack:
        p.errors.append("<%s> of line %d is never closed" % (s[0], s[1][0]))
    if p.errors:
        die("%s: %s" % (path, "; ".join(p.errors[:5])))
    if [d.lower() for d in p.decls] != ["doctype html"]:
        die("%s: doctypes %r (one was expected)" % (path, p.decls))
    if p.counts.get("title") != 1 or p.counts.get("html") != 1 or p.counts.get("body") != 1:
        die("%s: %d <title>, %d <html>, %d <body> (one each expected): a payload was not escaped?" %
            (path, p.counts.get("title", 0), p.counts.get("html", 0), p.counts.get("body", 0)))
    if not p.charset:
        die("%s: no <meta charset=\"utf-8\">" % path)
    css = "".join(p.style)
    if "@media print" not in css:
        die("%s: no @media print rule" % path)
    if re.search(r"url\(|@import", css):
        die("%s: the CSS loads something" % path)
    text = "".join(p.text)
    i = 0
    while i < len(args):
        opt, val = args[i], args[i + 1]
        i += 2
        if opt == "--title":
            if not any(val in h for h in p.h2):
                die("%s: no <h2> says %r (h2s: %r)" % (path, val, p.h2[:4]))
        elif opt == "--text":
            if val not in text:
                die("%s: the page text does not say %r" % (path, val))
        elif opt == "--not-text":
            if val in text:
                die("%s: the page text says %r" % (path, val))
        else:
            die("unknown option " + opt)
    print("%s: well-formed (%d elements, %d h2), self-contained, %d checks of its text" %
          (path, sum(p.counts.values()), len(p.h2), len(args) // 2))


def check_md(path):
    fence = None
    n = 0
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        m = re.match(r"^(`{3,})(.*)$", line)
        if fence is None:
            if m:
                fence = m.group(1)
                n += 1
                continue
            for j, c in enumerate(line):
                if c == "<" and (j == 0 or line[j - 1] != "\\"):
                    die("%s:%d: an unescaped '<' outside a code block: %s" % (path, ln, line))
            if re.search(r"(?<!\\)&#?[A-Za-z0-9]+;", line):
                die("%s:%d: an entity outside a code block would be decoded: %s" % (path, ln, line))
        elif m and m.group(1) == fence and not m.group(2).strip():
            fence = None
    if fence is not None:
        die("%s: a code fence is never closed" % path)
    print("%s: %d code blocks, all closed; the prose is escaped" % (path, n))


def png_pixels(path):
    d = open(path, "rb").read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        die(path + ": not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos + 8 <= len(d):
        n, = struct.unpack(">I", d[pos:pos + 4])
        t, c = d[pos + 4:pos + 8], d[pos + 8:pos + 8 + n]
        pos += 12 + n
        if t == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", c)
        elif t == b"IDAT":
            idat += c
    if not hdr:
        die(path + ": no IHDR")
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or interlace or ctype not in (0, 2, 4, 6):
        die("%s: a PNG kind this check does not read (depth %d, colour type %d, interlace %d)" %
            (path, depth, ctype, interlace))
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            for x in range(stride):
                line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + (a + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                pp = a + b - c
                pa, pb, pc = abs(pp - a), abs(pp - b), abs(pp - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path, want_w, want_h):
    w, h, bpp, rows = png_pixels(path)
    if (w, h) != (want_w, want_h):
        die("%s: %dx%d, not %dx%d" % (path, w, h, want_w, want_h))
    colours = set()
    dark = 0
    total = 0
    for y in range(0, h, 2):   # every other row and column: enough, and quick
        r = rows[y]
        for x in range(0, w, 2):
            px = r[x * bpp:x * bpp + min(bpp, 3)]
            colours.add(px)
            total += 1
            if sum(px) / len(px) < 128:
                dark += 1
    share = dark / total
    # A blank page (a failed load, a screenshot taken before painting) is
    # one colour; a page of text has antialiased glyphs in many greys.
    if len(colours) < 16 or share < 0.005:
        die("%s: looks blank: %d distinct pixel values, %.2f%% dark" % (path, len(colours), 100 * share))
    print("%s: %dx%d, %d distinct pixel values, %.1f%% dark pixels: not blank" %
          (path, w, h, len(colours), 100 * share))


def main():
    if len(sys.argv) < 3:
        die(__doc__)
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "html":
        check_html(path, sys.argv[3:])
    elif kind == "md":
        check_md(path)
    elif kind == "png":
        check_png(path, int(sys.argv[3]), int(sys.argv[4]))
    else:
        die("unknown check " + kind)


if __name__ == "__main__":
    main()
