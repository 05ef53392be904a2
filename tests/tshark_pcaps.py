#!/usr/bin/env python3
"""tshark_pcaps.py DIR — write hand-built captures of what loopback cannot
produce, for tests/e2e_tshark.sh to decode with sockscope and tshark.

Each file is a classic pcap (Ethernet link type) built byte by byte with
struct; checksums are computed (RFC 1071) so both decoders call them
correct.  Files: vlan, arp, ipv4frag (fragments and options), ipv6ext
(hop-by-hop, routing, fragment, destination options headers), icmp (echo,
errors quoting UDP/TCP, ICMPv6 echo and neighbour discovery), tls
(ClientHello with SNI/ALPN/supported_versions, ServerHello), dhcp
(DISCOVER, OFFER), tcpanalysis (retransmission, duplicate ACKs, zero
window, window update, out-of-order, a lost segment).
"""
import os
import struct
import sys

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")
BCAST = b"\xff" * 6


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    import socket
    return socket.inet_pton(socket.AF_INET6, a)


def eth(payload, etype=0x0800, src=MAC_A, dst=MAC_B):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ttl=64, ident=0x1234, flags=0x4000, options=b"", tot=None):
    hl = 20 + len(options)
    total = tot if tot is not None else hl + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, total, ident, flags, ttl, proto, 0, ip4(src), ip4(dst)) + options
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def pseudo4(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, proto, length):
    return ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, proto)


def l4sum(seg, pseudo, at):
    s = csum(pseudo + seg)
    return seg[:at] + struct.pack("!H", s) + seg[at + 2:]


def udp(sport, dport, payload, pseudo_fn):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    s = csum(pseudo_fn(len(seg)) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", s) + seg[8:]


def tcp(sport, dport, seq, ack, flags, win, payload=b"", options=b"", pseudo_fn=None):
    hl = 20 + len(options)
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (hl // 4) << 4, flags, win, 0, 0) + options + payload
    return l4sum(seg, pseudo_fn(len(seg)), 16)


def udp4(src, dst, sport, dport, payload, **kw):
    return ipv4(src, dst, 17, udp(sport, dport, payload, lambda n: pseudo4(src, dst, 17, n)), **kw)


def tcp4(src, dst, sport, dport, seq, ack, flags, win, payload=b"", options=b"", ident=0x1234):
    return ipv4(src, dst, 6, tcp(sport, dport, seq, ack, flags, win, payload, options,
                                 lambda n: pseudo4(src, dst, 6, n)), ident=ident)


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB", 0x60012345, len(payload), nh, hlim) + ip6(src) + ip6(dst) + payload


def write_pcap(path, frames, linktype=1, usecs=None):
    """Frames 1 s apart, or at the given microseconds from the first."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, fr in enumerate(frames):
            us = usecs[i] if usecs else i * 1001000
            f.write(struct.pack("<IIII", 1700000000 + us // 1000000, us % 1000000, len(fr), len(fr)))
            f.write(fr)


def dns_query(ident, name, qtype=1):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


# ------------------------------------------------------------------ VLAN
def vlan():
    ip = udp4("10.0.0.1", "10.0.0.2", 40000, 53, dns_query(0x1111, "lab.sockscope.test"))
    tag = struct.pack("!HH", (5 << 13) | 42, 0x0800)
    inner = struct.pack("!HH", 100, 0x8100) + tag   # 802.1ad outer, 802.1Q inner
    return [eth(tag + ip, 0x8100), eth(inner + ip, 0x88A8)]


# ------------------------------------------------------------------- ARP
def arp():
    req = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A, ip4("192.168.1.10"),
                      b"\0" * 6, ip4("192.168.1.1"))
    rep = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, MAC_B, ip4("192.168.1.1"),
                      MAC_A, ip4("192.168.1.10"))
    grat = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_B, ip4("192.168.1.1"),
                       b"\0" * 6, ip4("192.168.1.1"))
    pad = b"\0" * 18
    return [eth(req + pad, 0x0806, dst=BCAST), eth(rep + pad, 0x0806, MAC_B, MAC_A),
            eth(grat, 0x0806, MAC_B, BCAST)]


# ------------------------------------------------- IPv4 fragments, options
def ipv4frag():
    src, dst = "10.1.0.1", "10.1.0.2"
    data = bytes(range(256)) * 6   # 1536 bytes of UDP data
    whole = udp(5000, 6000, data, lambda n: pseudo4(src, dst, 17, n))
    first, second = whole[:1480], whole[1480:]
    f1 = ipv4(src, dst, 17, first, ident=0xBEEF, flags=0x2000)
    f2 = ipv4(src, dst, 17, second, ident=0xBEEF, flags=1480 // 8)
    # Options: router alert (RFC 2113) and record route with room for 2 addresses.
    opts = bytes([148, 4, 0, 0]) + bytes([7, 11, 4]) + b"\0" * 8 + b"\0"
    o = udp4("10.1.0.1", "224.0.0.22", 7, 7, b"hello", options=opts, ttl=1, ident=7, flags=0)
    return [eth(f1), eth(f2), eth(o)]


# ------------------------------------------------ IPv6 extension headers
def ipv6ext():
    s, d = "2001:db8::1", "2001:db8::2"
    out = []
    # hop-by-hop with router alert + PadN, then UDP
    u = udp(1000, 2000, b"abcd", lambda n: pseudo6(s, d, 17, n))
    hbh = bytes([17, 0]) + bytes([5, 2, 0, 0]) + bytes([1, 0])
    out.append(eth(ipv6(s, d, 0, hbh + u), 0x86DD))
    # destination options (PadN 4) then TCP SYN
    t = tcp(3333, 80, 1000, 0, 0x02, 64240, options=bytes([2, 4, 5, 0xB4]),
            pseudo_fn=lambda n: pseudo6(s, d, 6, n))
    dst = bytes([6, 0]) + bytes([1, 4, 0, 0, 0, 0])
    out.append(eth(ipv6(s, d, 60, dst + t), 0x86DD))
    # routing type 0 with one address, segments left 1, then UDP (to the final destination)
    u2 = udp(1001, 2001, b"route", lambda n: pseudo6(s, "2001:db8::3", 17, n))
    rt = bytes([17, 2, 0, 1]) + b"\0" * 4 + ip6("2001:db8::3")
    out.append(eth(ipv6(s, d, 43, rt + u2), 0x86DD))
    # fragment header: first fragment (offset 0, M) and the second (offset 16)
    data = b"x" * 24
    whole = udp(1002, 2002, data, lambda n: pseudo6(s, d, 17, n))
    fr1 = bytes([17, 0]) + struct.pack("!HI", (0 << 3) | 1, 0xCAFE)
    fr2 = bytes([17, 0]) + struct.pack("!HI", (16 // 8) << 3, 0xCAFE)
    out.append(eth(ipv6(s, d, 44, fr1 + whole[:16]), 0x86DD))
    out.append(eth(ipv6(s, d, 44, fr2 + whole[16:]), 0x86DD))
    return out


# ------------------------------------------------------------ ICMP/ICMPv6
def icmp():
    out = []
    a, b = "10.2.0.1", "10.2.0.2"
    def icmp4(t, c, rest, body):
        m = struct.pack("!BBH", t, c, 0) + rest + body
        return m[:2] + struct.pack("!H", csum(m)) + m[4:]
    out.append(eth(ipv4(a, b, 1, icmp4(8, 0, struct.pack("!HH", 0x42, 1), b"ping" * 8))))
    out.append(eth(ipv4(b, a, 1, icmp4(0, 0, struct.pack("!HH", 0x42, 1), b"ping" * 8))))
    quoted = udp4(a, b, 40000, 33434, b"probe", ttl=1)
    out.append(eth(ipv4(b, a, 1, icmp4(3, 3, b"\0" * 4, quoted[:28]))))
    out.append(eth(ipv4("10.2.0.254", a, 1, icmp4(11, 0, b"\0" * 4, quoted[:28]))))
    qt = tcp4(a, b, 5555, 443, 1, 0, 0x02, 1024)
    out.append(eth(ipv4(b, a, 1, icmp4(3, 4, struct.pack("!HH", 0, 1400), qt[:28]))))
    s6, d6 = "fe80::1", "fe80::2"
    def icmp6(src, dst, t, c, rest, body):
        m = struct.pack("!BBH", t, c, 0) + rest + body
        s = csum(pseudo6(src, dst, 58, len(m)) + m)
        return m[:2] + struct.pack("!H", s) + m[4:]
    out.append(eth(ipv6(s6, d6, 58, icmp6(s6, d6, 128, 0, struct.pack("!HH", 7, 3), b"hi!!")), 0x86DD))
    out.append(eth(ipv6(d6, s6, 58, icmp6(d6, s6, 129, 0, struct.pack("!HH", 7, 3), b"hi!!")), 0x86DD))
    ns = icmp6(s6, "ff02::1:ff00:2", 135, 0, b"\0" * 4, ip6(d6) + bytes([1, 1]) + MAC_A)
    out.append(eth(ipv6(s6, "ff02::1:ff00:2", 58, ns, hlim=255), 0x86DD))
    na = icmp6(d6, s6, 136, 0, struct.pack("!I", 0x60000000), ip6(d6) + bytes([2, 1]) + MAC_B)
    out.append(eth(ipv6(d6, s6, 58, na, hlim=255), 0x86DD))
    q6 = ipv6(s6, d6, 17, udp(40001, 33435, b"x", lambda n: pseudo6(s6, d6, 17, n)))
    out.append(eth(ipv6(d6, s6, 58, icmp6(d6, s6, 1, 4, b"\0" * 4, q6)), 0x86DD))
    return out


# ------------------------------------------------------------------- TLS
def tls_ext(t, body):
    return struct.pack("!HH", t, len(body)) + body


def tls():
    a, b = "10.3.0.1", "10.3.0.2"
    sni = b"www.example.test"
    exts = tls_ext(0, struct.pack("!HBH", len(sni) + 3, 0, len(sni)) + sni)
    alpn = b"\x02h2\x08http/1.1"
    exts += tls_ext(16, struct.pack("!H", len(alpn)) + alpn)
    exts += tls_ext(43, bytes([4]) + struct.pack("!HH", 0x0304, 0x0303))
    exts += tls_ext(10, struct.pack("!HHH", 4, 0x001D, 0x0017))
    suites = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0x009C]
    body = struct.pack("!H", 0x0303) + bytes(range(32)) + bytes([32]) + bytes(range(32, 64))
    body += struct.pack("!H", 2 * len(suites)) + b"".join(struct.pack("!H", s) for s in suites)
    body += bytes([1, 0]) + struct.pack("!H", len(exts)) + exts
    hs = bytes([1]) + struct.pack("!I", len(body))[1:] + body
    ch = bytes([0x16]) + struct.pack("!HH", 0x0301, len(hs)) + hs
    sexts = tls_ext(43, struct.pack("!H", 0x0304))
    sbody = struct.pack("!H", 0x0303) + bytes(range(64, 96)) + bytes([32]) + bytes(range(32, 64))
    sbody += struct.pack("!HB", 0x1301, 0) + struct.pack("!H", len(sexts)) + sexts
    shs = bytes([2]) + struct.pack("!I", len(sbody))[1:] + sbody
    sh = bytes([0x16]) + struct.pack("!HH", 0x0303, len(shs)) + shs
    ccs = bytes([0x14, 0x03, 0x03, 0, 1, 1])
    app = bytes([0x17, 0x03, 0x03, 0, 5]) + b"\x11\x22\x33\x44\x55"
    return [
        eth(tcp4(a, b, 50000, 443, 100, 0, 0x02, 64240, options=bytes([2, 4, 5, 0xB4]))),
        eth(tcp4(b, a, 443, 50000, 900, 101, 0x12, 65160, options=bytes([2, 4, 5, 0xB4]))),
        eth(tcp4(a, b, 50000, 443, 101, 901, 0x10, 64240)),
        eth(tcp4(a, b, 50000, 443, 101, 901, 0x18, 64240, ch)),
        eth(tcp4(b, a, 443, 50000, 901, 101 + len(ch), 0x18, 65160, sh + ccs + app)),
    ]


# ------------------------------------------------------------------ DHCP
def dhcp_msg(op, xid, yiaddr, siaddr, mtype, extra):
    m = struct.pack("!BBBBIHH4s4s4s4s", op, 1, 6, 0, xid, 0, 0x8000, b"\0" * 4, ip4(yiaddr),
                    ip4(siaddr), b"\0" * 4)
    m += MAC_A + b"\0" * 10 + b"\0" * 64 + b"\0" * 128 + bytes([99, 130, 83, 99])
    m += bytes([53, 1, mtype]) + extra + bytes([255])
    return m


def dhcp():
    disc = dhcp_msg(1, 0x3903F326, "0.0.0.0", "0.0.0.0", 1,
                    bytes([55, 4, 1, 3, 6, 15]) + bytes([61, 7, 1]) + MAC_A)
    offer = dhcp_msg(2, 0x3903F326, "192.168.1.100", "192.168.1.1", 2,
                     bytes([1, 4]) + ip4("255.255.255.0") + bytes([3, 4]) + ip4("192.168.1.1") +
                     bytes([51, 4]) + struct.pack("!I", 86400) + bytes([54, 4]) + ip4("192.168.1.1") +
                     bytes([6, 8]) + ip4("192.168.1.1") + ip4("8.8.8.8"))
    return [eth(udp4("0.0.0.0", "255.255.255.255", 68, 67, disc, flags=0), dst=BCAST),
            eth(udp4("192.168.1.1", "192.168.1.100", 67, 68, offer, flags=0), src=MAC_B, dst=MAC_A)]


# --------------------------------------------------------- TCP analysis
# Each side numbers its IP IDs as Linux does for a connected socket, so no
# two frames are byte-identical.  Times (TCPA_US): packet 9 fills the gap
# within a millisecond of the segment after it (tshark's out-of-order
# window is timing-based), packet 10 comes 200 ms later (a retransmission).
TCPA_US = [0, 1000, 2000, 3000, 4000, 4200, 4400, 4600, 4800, 204800, 205000, 205200, 205400, 205600, 205800,
           300000, 301000, 302000, 303000, 304000, 304200, 304400,
           400000, 401000, 402000, 403000, 404000, 404010, 405000, 406000]


def tcpanalysis():
    a, b = "10.4.0.1", "10.4.0.2"
    C, S = 1000, 5000
    f = []
    ids = {"c": 100, "s": 500}
    def conn(cport):
        """The two directions of a connection from cport to 8080 (IP ids count on across connections)."""
        def c2s(seq, ack, fl, win, data=b""):
            ids["c"] += 1
            f.append(eth(tcp4(a, b, cport, 8080, seq, ack, fl, win, data, ident=ids["c"])))
        def s2c(seq, ack, fl, win, data=b""):
            ids["s"] += 1
            f.append(eth(tcp4(b, a, 8080, cport, seq, ack, fl, win, data, ident=ids["s"])))
        return c2s, s2c
    c2s, s2c = conn(40000)
    c2s(C, 0, 0x02, 8192)                    # 1 SYN
    s2c(S, C + 1, 0x12, 8192)                # 2 SYN/ACK
    c2s(C + 1, S + 1, 0x10, 8192)            # 3 ACK
    c2s(C + 1, S + 1, 0x18, 8192, b"A" * 100)    # 4 data 1-101
    c2s(C + 201, S + 1, 0x18, 8192, b"C" * 100)  # 5 data 201-301: 101-201 not captured
    s2c(S + 1, C + 101, 0x10, 8192)          # 6 ACK 101
    s2c(S + 1, C + 101, 0x10, 8192)          # 7 dup ACK
    s2c(S + 1, C + 101, 0x10, 8192)          # 8 dup ACK
    c2s(C + 101, S + 1, 0x18, 8192, b"B" * 100)  # 9 fills the hole: out-of-order or retransmission
    c2s(C + 1, S + 1, 0x18, 8192, b"A" * 100)    # 10 retransmission of 4
    s2c(S + 1, C + 301, 0x10, 0)             # 11 zero window
    s2c(S + 1, C + 301, 0x10, 4096)          # 12 window update
    c2s(C + 301, S + 1, 0x11, 8192)          # 13 FIN
    s2c(S + 1, C + 302, 0x11, 8192)          # 14 FIN
    c2s(C + 302, S + 2, 0x10, 8192)          # 15 ACK
    # A second connection: a segment overtaken by the next, no duplicate ACKs between.
    c2s2, s2c2 = conn(40001)
    c2s2(C, 0, 0x02, 8192)                    # 16 SYN
    s2c2(S, C + 1, 0x12, 8192)                # 17 SYN/ACK
    c2s2(C + 1, S + 1, 0x10, 8192)            # 18 ACK
    c2s2(C + 1, S + 1, 0x18, 8192, b"a" * 50)     # 19 data 1-51
    c2s2(C + 101, S + 1, 0x18, 8192, b"c" * 50)   # 20 data 101-151: 51-101 not yet seen
    c2s2(C + 51, S + 1, 0x18, 8192, b"b" * 50)    # 21 data 51-101, 0.2 ms later: out-of-order
    # A third: what loopback does (a bare ACK queued behind a write, captured
    # after it with the older sequence number: no duplicate ACK), and a zero
    # window repeated (not a duplicate ACK either).
    c2s3, s2c3 = conn(40002)
    c2s3(C, 0, 0x02, 8192)                    # 22 SYN
    s2c3(S, C + 1, 0x12, 8192)                # 23 SYN/ACK
    c2s3(C + 1, S + 1, 0x10, 8192)            # 24 ACK
    s2c3(S + 1, C + 1, 0x18, 8192, b"220\r\n")  # 25 greeting
    c2s3(C + 1, S + 6, 0x18, 8192, b"EHLO x\r\n")  # 26 the reply
    c2s3(C + 1, S + 6, 0x10, 8192)            # 27 the ACK of 25, overtaken by 26
    s2c3(S + 6, C + 9, 0x10, 0)               # 28 zero window
    s2c3(S + 6, C + 9, 0x10, 0)               # 29 zero window again
    return f


def main():
    d = sys.argv[1]
    for name, fn in [("vlan", vlan), ("arp", arp), ("ipv4frag", ipv4frag), ("ipv6ext", ipv6ext),
                     ("icmp", icmp), ("tls", tls), ("dhcp", dhcp)]:
        write_pcap(os.path.join(d, name + ".pcap"), fn())
    write_pcap(os.path.join(d, "tcpanalysis.pcap"), tcpanalysis(), usecs=TCPA_US)


if __name__ == "__main__":
    main()
