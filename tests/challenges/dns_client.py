#!/usr/bin/env python3
"""Reference solution of the dns-client challenge (10), and its deliberately
wrong variants, chosen by the first argument; the name is the second:
  ok        a query with RD, the name as labels; the reply whose ID is ours;
            names skipped with their compression pointers; each A printed
  nocomp    skips names label by label: a pointer's 0xC0 taken for a length
  noid      takes the first reply, whatever its ID
  dotted    the name as a dotted string, not labels
  nord      flags 0: RD not set
  aaaa      asks for type AAAA (28)
Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT."""
import os, random, socket, struct, sys

mode, name = sys.argv[1], sys.argv[2]
host, port = os.environ["SOCKSCOPE_HOST"], int(os.environ["SOCKSCOPE_PORT"])
qid = random.randrange(65536)
if mode == "dotted":
    qname = name.encode() + b"\0"
else:
    qname = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
query = struct.pack("!HHHHHH", qid, 0 if mode == "nord" else 0x0100, 1, 0, 0, 0) + qname
query += struct.pack("!HH", 28 if mode == "aaaa" else 1, 1)


def skip_name(m, i):
    """The offset after the name at i: labels, ended by a zero byte or a pointer."""
    while True:
        b = m[i]
        if mode == "nocomp":            # the mistake: no pointers
            if b == 0:
                return i + 1
            i += 1 + b
            continue
        if b >= 0xC0:
            return i + 2
        if b == 0:
            return i + 1
        i += 1 + b


family = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(query, (host, port))
while True:
    try:
        m, _ = s.recvfrom(65535)
    except socket.timeout:
        print("no answer")
        sys.exit(1)
    if len(m) < 12:
        continue
    rid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", m[:12])
    if rid == qid or mode == "noid":
        break
i = 12
for _ in range(qd):
    i = skip_name(m, i) + 4
for _ in range(an):
    i = skip_name(m, i)
    rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", m[i:i + 10])
    i += 10
    if rtype == 1 and rdlen == 4:
        print(socket.inet_ntoa(m[i:i + 4]))
    i += rdlen
