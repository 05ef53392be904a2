#!/usr/bin/env python3
"""capfile_seeds.py OUTDIR PCAP... [-- FILE...] — fuzz_capfile's seed corpus.

For each classic pcap given before "--" (tests/tshark_pcaps.py's hand-built
files), write it as it is and rewritten in the layouts the reader knows
(draft-ietf-opsawg-pcap and -pcapng):

  NAME.pcap              as given
  NAME-be-ns.pcap        classic pcap, big-endian, nanosecond magic
  NAME-modified.pcap     Kuznetzov's "modified" pcap (24-byte record headers)
  NAME-le.pcapng         pcapng, little-endian: SHB with two comments, one
                         Ethernet IDB (if_name, microseconds), EPBs with flags
                         and, every third, a comment
  NAME-be.pcapng         pcapng, big-endian: two IDBs (if_tsresol 9; binary
                         2^-20 with if_tsoffset), EPBs on both, SPBs, an OPB
                         with a comment, a name resolution block, a statistics
                         block and an unknown block type
  NAME-2sec.pcapng       two sections, little- then big-endian, the second with
                         a snaplen of 96 (SPBs cut to it) and if_tsresol 3
  NAME-cut.pcapng        NAME-be.pcapng cut inside its last block

The files given after "--" (a capture corpus) are copied as they are when at
most 64 KiB, the fuzzer's -max_len; at most 600 of them.
"""
import hashlib
import os
import struct
import sys

MAX_LEN = 65536
MAX_COPIED = 600


def read_pcap(b):
    """(linktype, [(ts_ns, frame, wirelen)]) of a classic pcap, or None."""
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    if len(b) < 24:
        return None
    lt = struct.unpack(e + "I", b[20:24])[0] & 0xFFFF
    p, pkts = 24, []
    while p + 16 <= len(b):
        sec, frac, incl, orig = struct.unpack(e + "IIII", b[p:p + 16])
        p += 16
        if incl > len(b) - p:
            break
        pkts.append((sec * 1000000000 + frac * (1 if nano else 1000), b[p:p + incl], orig))
        p += incl
    return lt, pkts


# ---------------------------------------------------------------- classic pcap

def write_pcap(lt, pkts, be=False, nano=False, modified=False):
    e = ">" if be else "<"
    magic = 0xA1B2CD34 if modified else 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, 65535, lt)]
    for ts, fr, orig in pkts:
        frac = ts % 1000000000 if nano else ts % 1000000000 // 1000
        out.append(struct.pack(e + "IIII", ts // 1000000000, frac, len(fr), orig))
        if modified:
            out.append(struct.pack(e + "IHBB", 1, 0x0800, 0, 0))
        out.append(fr)
    return b"".join(out)


# ---------------------------------------------------------------------- pcapng

def pad(b):
    return b + b"\0" * (-len(b) % 4)


def opt(e, code, value):
    return struct.pack(e + "HH", code, len(value)) + pad(value)


def opts(e, *items):
    return b"".join(items) + struct.pack(e + "HH", 0, 0) if items else b""


def block(e, btype, body):
    body = pad(body)
    n = len(body) + 12
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def shb(e, *comments):
    body = struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1)
    if comments:
        body += opts(e, *(opt(e, 1, c.encode()) for c in comments))
    return block(e, 0x0A0D0D0A, body)


def idb(e, lt, snaplen=65535, name=None, tsresol=None, tsoffset=None):
    items = []
    if name:
        items.append(opt(e, 2, name.encode()))
    if tsresol is not None:
        items.append(opt(e, 9, bytes([tsresol])))
    if tsoffset is not None:
        items.append(opt(e, 14, struct.pack(e + "q", tsoffset)))
    return block(e, 1, struct.pack(e + "HHI", lt, 0, snaplen) + opts(e, *items))


def units(ts_ns, tsresol, tsoffset):
    """A time in the interface's units (if_tsresol), if_tsoffset seconds taken off."""
    t = ts_ns - (tsoffset or 0) * 1000000000
    if tsresol is None:
        tsresol = 6
    if tsresol & 0x80:
        return (t << (tsresol & 0x7F)) // 1000000000
    return t * 10 ** tsresol // 1000000000


def epb(e, ifid, ts, fr, orig, flags=None, comment=None):
    body = struct.pack(e + "IIIII", ifid, ts >> 32, ts & 0xFFFFFFFF, len(fr), orig) + pad(fr)
    items = []
    if flags is not None:
        items.append(opt(e, 2, struct.pack(e + "I", flags)))
    if comment is not None:
        items.append(opt(e, 1, comment.encode()))
    return block(e, 6, body + opts(e, *items))


def spb(e, fr, orig):
    return block(e, 3, struct.pack(e + "I", orig) + fr)


def opb(e, ifid, ts, fr, orig, comment=None):
    body = struct.pack(e + "HHIIII", ifid, 0, ts >> 32, ts & 0xFFFFFFFF, len(fr), orig) + pad(fr)
    return block(e, 2, body + (opts(e, opt(e, 1, comment.encode())) if comment else b""))


def nrb(e):
    rec = struct.pack(e + "HH", 1, 15) + pad(bytes([10, 0, 0, 1]) + b"lab.test\0\0\0")
    return block(e, 4, rec + struct.pack(e + "HH", 0, 0))


def isb(e, ifid, ts):
    return block(e, 5, struct.pack(e + "III", ifid, ts >> 32, ts & 0xFFFFFFFF)
                 + opts(e, opt(e, 4, struct.pack(e + "Q", 3))))


def ng_le(lt, pkts):
    out = [shb("<", "sockscope fuzz seed", "step 1: a second comment"), idb("<", lt, name="eth0")]
    for i, (ts, fr, orig) in enumerate(pkts):
        out.append(epb("<", 0, units(ts, None, None), fr, orig, flags=(1 if i % 2 else 2),
                       comment=("step %d" % i) if i % 3 == 0 else None))
    return b"".join(out)


def ng_be(lt, pkts):
    e = ">"
    out = [shb(e), idb(e, lt, tsresol=9, name="lo"), idb(e, lt, tsresol=0x80 | 20, tsoffset=1000), nrb(e)]
    for i, (ts, fr, orig) in enumerate(pkts):
        if i % 4 == 2:
            out.append(spb(e, fr, orig))
        elif i % 4 == 3 and i < 8:
            out.append(opb(e, 1, units(ts, 0x80 | 20, 1000), fr, orig, comment="an obsolete packet block"))
        else:
            k = i % 2
            out.append(epb(e, k, units(ts, 9 if k == 0 else 0x80 | 20, None if k == 0 else 1000), fr, orig))
        if i == 1:
            out.append(block(e, 0x00000BAD, b"\xde\xad\xbe\xef"))
    out.append(isb(e, 0, units(pkts[-1][0] if pkts else 0, 9, None)))
    return b"".join(out)


def ng_two_sections(lt, pkts):
    half = len(pkts) // 2
    out = [shb("<"), idb("<", lt)]
    for ts, fr, orig in pkts[:half]:
        out.append(epb("<", 0, units(ts, None, None), fr, orig))
    out += [shb(">", "second section"), idb(">", lt, snaplen=96, tsresol=3)]
    for i, (ts, fr, orig) in enumerate(pkts[half:]):
        if i % 2:
            out.append(spb(">", fr[:96], orig))
        else:
            out.append(epb(">", 0, units(ts, 3, None), fr[:96], orig))
    return b"".join(out)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    made = copied = 0

    def put(name, data):
        nonlocal made
        if len(data) <= MAX_LEN:
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
            made += 1

    args = sys.argv[2:]
    rewrite, copy = (args[:args.index("--")], args[args.index("--") + 1:]) if "--" in args else (args, [])
    for path in copy:   # a capture corpus: copied as it is when small
        try:
            if os.path.getsize(path) > MAX_LEN or copied >= MAX_COPIED:
                continue
            b = open(path, "rb").read()
        except OSError:
            continue
        put("corpus-%s-%s" % (hashlib.sha1(b).hexdigest()[:12], os.path.basename(path)), b)
        copied += 1
    for path in rewrite:
        b = open(path, "rb").read()
        base = os.path.basename(path)
        stem = base.rsplit(".", 1)[0]
        parsed = read_pcap(b)
        if parsed is None:
            print("capfile_seeds.py: %s is no classic pcap" % path, file=sys.stderr)
            continue
        lt, pkts = parsed
        put(base, b)
        put(stem + "-be-ns.pcap", write_pcap(lt, pkts, be=True, nano=True))
        put(stem + "-modified.pcap", write_pcap(lt, pkts, modified=True))
        put(stem + "-le.pcapng", ng_le(lt, pkts))
        be = ng_be(lt, pkts)
        put(stem + "-be.pcapng", be)
        put(stem + "-2sec.pcapng", ng_two_sections(lt, pkts))
        put(stem + "-cut.pcapng", be[:len(be) - 7])
    print("capfile_seeds.py: %d seeds in %s (%d copied from the corpus)" % (made, out, copied))


if __name__ == "__main__":
    main()
