#!/usr/bin/env python3
"""seeds.py OUTDIR PCAP... — turn captures into fuzz_dissect inputs.

Each packet becomes one file: a byte choosing its link type (the index in
fuzz_dissect.c's table), a byte of wire-length excess (0), the frame.
Reads classic pcap (either byte order, micro- or nanosecond) and pcapng
(IDB link types, EPB/SPB packets); packets of other link types are
skipped, and at most 30 packets are taken from each file.
"""
import hashlib
import os
import struct
import sys

LINKS = [0, 1, 101, 108, 113, 228, 229, 276]   # fuzz_dissect.c's links[], in order
PER_FILE = 30


def pcap_packets(b):
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    lt = struct.unpack(e + "I", b[20:24])[0] & 0xFFFF
    p = 24
    while p + 16 <= len(b):
        incl = struct.unpack(e + "I", b[p + 8:p + 12])[0]
        p += 16
        if incl > len(b) - p:
            return
        yield lt, b[p:p + incl]
        p += incl


def pcapng_packets(b):
    p, e, ifaces = 0, "<", []
    while p + 12 <= len(b):
        t = struct.unpack(e + "I", b[p:p + 4])[0]
        if t == 0x0A0D0D0A:
            e = "<" if b[p + 8:p + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        n = struct.unpack(e + "I", b[p + 4:p + 8])[0]
        if n < 12 or p + n > len(b):
            return
        body = b[p + 8:p + n - 4]
        if t == 1 and len(body) >= 2:
            ifaces.append(struct.unpack(e + "H", body[:2])[0])
        elif t == 6 and len(body) >= 20:
            i, _, _, cap = struct.unpack(e + "IIII", body[:16])
            if i < len(ifaces):
                yield ifaces[i], body[20:20 + cap]
        elif t == 3 and len(body) >= 4 and ifaces:
            yield ifaces[0], body[4:]
        p += n


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    made = 0
    for path in sys.argv[2:]:
        try:
            b = open(path, "rb").read()
        except OSError:
            continue
        gen = pcapng_packets(b) if b[:4] == b"\x0a\x0d\x0d\x0a" else pcap_packets(b)
        k = 0
        for lt, frame in gen:
            if lt not in LINKS:
                continue
            seed = bytes([LINKS.index(lt), 0]) + frame
            name = hashlib.sha1(seed).hexdigest()
            with open(os.path.join(out, name), "wb") as f:
                f.write(seed)
            made += 1
            k += 1
            if k >= PER_FILE:
                break
    print("seeds.py: %d seeds in %s" % (made, out))


if __name__ == "__main__":
    main()
