#!/usr/bin/env python3
"""corpus_addrs.py TSHARK_FIELDS DIR [-v] — breadth of decoding over a
directory of real captures (tcpdump's regression captures): on how many IP
packets sockscope finds the same outer IP addresses as tshark, per file and
per link type, and whether the packet counts agree.

TSHARK_FIELDS is build/tests/tshark_fields (sockscope's field tree as
tshark field names).  The outer addresses are the first occurrence of
ip.src/ip.dst (or ipv6.src/ipv6.dst) in each packet, for both tools; a
packet counts as IP when tshark finds an IP or IPv6 header in it.  Prints
the total agreement, the link types and files that lose the most, and
exits 0 (a measurement, not a test).  -v lists every disagreeing packet.
"""
import collections
import os
import subprocess
import sys

KEYS = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst"]


def tshark(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=f", "-e", "frame.number",
           "-e", "frame.protocols"] + sum((["-e", k] for k in KEYS), [])
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    except subprocess.TimeoutExpired:
        return None
    pkts = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 6 or not f[0].isdigit():
            continue
        n = int(f[0])
        link = f[1].split(":")[0] if f[1] else "?"
        # a header cut after its source address: tshark prints an empty
        # destination where ours has none
        v4 = (f[2], f[3] or None) if f[2] else None
        v6 = (f[4].lower(), f[5].lower() or None) if f[4] else None
        # the outer one: whichever tshark's protocol list names first
        prot = f[1].split(":")
        outer = None
        for p in prot:
            if p == "ip" and v4:
                outer = ("4",) + v4
                break
            if p == "ipv6" and v6:
                outer = ("6",) + v6
                break
        pkts[n] = (link, outer)
    return pkts


def ours(helper, path):
    try:
        out = subprocess.run([helper, path] + KEYS, capture_output=True, text=True, timeout=60).stdout
    except subprocess.TimeoutExpired:
        return None, 0
    facts = collections.defaultdict(dict)
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) == 3 and f[0].isdigit():
            facts[int(f[0])].setdefault(f[1], f[2].lower() if f[1].startswith("ipv6") else f[2])
    return facts


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    if len(args) != 2:
        print(__doc__)
        return 2
    helper, d = args
    total = agree = 0
    bylink = collections.Counter()
    bylink_bad = collections.Counter()
    byfile_bad = collections.Counter()
    files = sorted(f for f in os.listdir(d) if f.endswith((".pcap", ".pcapng", ".cap")) or "." not in f)
    for name in files:
        path = os.path.join(d, name)
        t = tshark(path)
        if not t:
            continue
        o = ours(helper, path)
        for n, (link, outer) in t.items():
            if not outer:
                continue
            total += 1
            bylink[link] += 1
            fam, src, dst = outer
            got = o.get(n, {}) if o else {}
            k = "ip" if fam == "4" else "ipv6"
            # our first IP layer may be the other family (4in6, 6in4)
            mine = (got.get(k + ".src"), got.get(k + ".dst"))
            if mine == (src, dst):
                agree += 1
            else:
                bylink_bad[link] += 1
                byfile_bad[name] += 1
                if verbose:
                    print(f"{name} packet {n} ({link}): tshark {src} > {dst}, ours {mine[0]} > {mine[1]}")
    pct = 100.0 * agree / total if total else 0.0
    print(f"outer IP addresses as tshark's: {agree} of {total} IP packets ({pct:.1f}%) in {len(files)} files")
    print("link types losing the most (first protocol tshark names: lost / IP packets):")
    for link, bad in bylink_bad.most_common(25):
        print(f"  {link:20s} {bad:6d} / {bylink[link]}")
    print("files losing the most:")
    for name, bad in byfile_bad.most_common(40):
        print(f"  {name:50s} {bad}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
