#!/usr/bin/env python3
"""tshark_links.py DIR — write hand-built captures of the link layers and
encapsulations that loopback cannot produce (PPP, PPP in HDLC framing,
Cisco HDLC, Frame Relay in its three encapsulations, Linux ARCNET, Solaris
IPNET, IP over InfiniBand; MPLS, PPPoE and MACsec over Ethernet; tunnels:
IP in IP, 6in4, GRE, GRE bridging, ERSPAN II, VXLAN, Geneve, NSH; NFLOG,
pflog, 802.11 alone and after radiotap and PPI, PKTAP, Juniper's capture
header before Ethernet, PPP, Cisco HDLC and Frame Relay, IEEE 802.15.4
with 6LoWPAN (IPHC and uncompressed IPv6), Arista's timestamp header;
IP in IP and IPv6 in IPv6), one file per link type, for tests/e2e_tshark.sh to decode with sockscope and tshark
and compare field by field.  Each frame carries a UDP datagram or a TCP
segment with correct checksums, built with tests/tshark_pcaps.py's builders.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_pcaps import eth, ip6 as ip6b, ipv4, ipv6, pseudo6, tcp4, udp, udp4, write_pcap  # noqa: E402

A4, B4 = "192.0.2.1", "198.51.100.7"
A6, B6 = "2001:db8::1", "2001:db8:1::7"


def udp6(src, dst, sport, dport, payload):
    return ipv6(src, dst, 17, udp(sport, dport, payload, lambda n: pseudo6(src, dst, 17, n)))


V4 = udp4(A4, B4, 40000, 53, b"hello")
V6 = udp6(A6, B6, 40001, 5353, b"hi there")
T4 = tcp4(A4, B4, 40002, 80, 1000, 0, 0x02, 65535)


def mpls(label, tc, bottom, ttl):
    return struct.pack("!I", label << 12 | tc << 9 | bottom << 8 | ttl)


def gre(flags, proto, extra, payload):
    return struct.pack("!HH", flags, proto) + extra + payload


def l2(payload, etype=0x0800):
    return eth(payload, etype)


TUNNELS = [
    ipv4(A4, "203.0.113.9", 4, V4),                                              # IP in IP
    ipv4(A4, "203.0.113.9", 41, V6),                                             # 6in4
    ipv4(A4, "203.0.113.9", 47, gre(0x3000, 0x0800, struct.pack("!II", 0xABCD, 42), T4)),
    ipv4(A4, "203.0.113.9", 47, gre(0x0000, 0x6558, b"", l2(V6, 0x86DD))),      # transparent bridging
    ipv4(A4, "203.0.113.9", 47, gre(0x1000, 0x88BE, struct.pack("!I", 5),
                                   struct.pack("!HHI", 1 << 12 | 100, 3 << 13 | 77, 9) + l2(V4))),  # ERSPAN II
    udp4(A4, "203.0.113.9", 40000, 4789, struct.pack("!II", 0x08000000, 4660 << 8) + l2(V4)),
    udp4(A4, "203.0.113.9", 40000, 6081, struct.pack("!BBHI", 0, 0, 0x6558, 10 << 8) + l2(V6, 0x86DD)),
]

def wifi(payload, etype=0x0800, qos=False):
    fc = bytes([0x88 if qos else 0x08, 0x02])
    hdr = fc + struct.pack("<H", 44) + bytes.fromhex("020000000001" "0200000000aa" "020000000002") + struct.pack("<H", 16)
    return hdr + (b"\0\0" if qos else b"") + bytes.fromhex("aaaa03000000") + struct.pack("!H", etype) + payload


def nflog(payload, family=2):
    prefix = b"abc\0"
    return (struct.pack("!BBH", family, 0, 5) + struct.pack("<HH", 4 + len(prefix), 10) + prefix
            + struct.pack("<HH", 4 + len(payload), 9) + payload)


def pflog(payload, af=2):
    h = struct.pack("!BBBB", 61, af, 1, 0) + b"em0".ljust(16, b"\0") + bytes(16) + struct.pack("!I", 3)
    return h.ljust(64, b"\0") + payload


def pktap(frame):
    h = struct.pack("<III", 108, 1, 1) + b"en0".ljust(24, b"\0") + bytes(16) + struct.pack("<I", 12345)
    return (h + b"curl".ljust(17, b"\0")).ljust(108, b"\0") + frame


def jnx(frame, flags=0x01, tlvs=b""):
    """Juniper's capture header: "MGC", flags, extension TLVs when flag 0x80."""
    ext = struct.pack("!H", len(tlvs)) + tlvs if flags & 0x80 else b""
    return b"MGC" + bytes([flags]) + ext + frame


JNX_TLVS = bytes([1, 1, 14, 3, 1, 2, 4, 4]) + struct.pack("<I", 332) + bytes([2, 4]) + b"ge-0"


def fcs16(b):
    """The 802.15.4 FCS: CRC-16 (ITU-T polynomial, reflected, initial 0), little-endian."""
    crc = 0
    for x in b:
        crc ^= x
        for _ in range(8):
            crc = crc >> 1 ^ 0x8408 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


EXT_SRC = bytes.fromhex("0012004b00010203")   # 802.15.4 extended addresses, most significant byte first
EXT_DST = bytes.fromhex("0012004b000a0b0c")


def wpan(fc, addrs, payload):
    """An 802.15.4 data frame: frame control, sequence 7, destination PAN 0x1234, the addresses (given
    most significant byte first, written little-endian), the payload."""
    return struct.pack("<HBH", fc, 7, 0x1234) + b"".join(a[::-1] for a in addrs) + payload


def ll(mac):
    """fe80:: and the interface identifier of an extended address (RFC 6282 3.2.2: U/L bit inverted)."""
    b = bytes([mac[0] ^ 2]) + mac[1:]
    return "fe80::" + ":".join(b[i:i + 2].hex() for i in range(0, 8, 2))


def iphc_udp(src, dst, iphc, inline):
    """IPHC bits, the inline fields, next header UDP inline, and a UDP datagram to the rebuilt addresses."""
    return struct.pack("!H", iphc) + inline + udp(40005, 5683, b"coap", lambda n: pseudo6(src, dst, 17, n))


LLS, LLD = ll(EXT_SRC), ll(EXT_DST)
WPAN_IPHC = wpan(0xCC41, [EXT_DST, EXT_SRC],   # data, PAN ID compressed, extended addresses
                 iphc_udp(LLS, LLD, 0x7A33, b"\x11"))   # TF elided, NH inline, hop limit 64, both from the MAC
WPAN_MCAST = wpan(0x8841, [b"\xff\xff", b"\x00\x01"],   # short addresses
                  iphc_udp("fe80::ff:fe00:1", "ff02::1", 0x7A3B, b"\x11\x01"))   # ff02::1 in one byte
WPAN_INLINE = wpan(0xCC41, [EXT_DST, EXT_SRC],
                   iphc_udp(A6, "ff05::1:3", 0x7809, b"\x11\x05" + ip6b(A6) + b"\x05\x00\x00\x01\x00\x03"))
WPAN_V6 = wpan(0xCC41, [EXT_DST, EXT_SRC], b"\x41" + V6)


RADIOTAP = bytes([0, 0, 15, 0, 0x2E, 0, 0, 0, 0x10, 12, 0x85, 0x09, 0xA0, 0x00, 0xD8])

FILES = {
    # name: (LINKTYPE, frames)
    "ppp": (9, [b"\xff\x03\x00\x21" + V4, b"\xff\x03\x00\x57" + V6, b"\x21" + T4,
                b"\xff\x03\x02\x81" + mpls(100704, 0, 1, 1) + V4]),
    "ppp_hdlc": (50, [b"\xff\x03\x00\x21" + V4, b"\x0f\x00\x86\xdd" + V6]),
    "chdlc": (104, [b"\x0f\x00\x08\x00" + V4, b"\x8f\x00\x86\xdd" + V6]),
    "frelay": (107, [b"\x18\x41\x03\xcc" + V4, b"\x18\x41\x03\x8e" + V6, b"\x48\xe1\x86\xdd" + V6,
                     b"\x18\x41\x03\x00\x80\x00\x00\x00\x08\x00" + T4]),
    "arcnet": (129, [b"\x01\x02\x00\x00\xd4\x00\x00\x01" + V4, b"\x01\x00\x00\x00\xf0" + T4]),
    "ipnet": (226, [struct.pack("!BBHIIIII", 1, 2, 1, len(V4), 2, 0, 0, 0) + V4,
                    struct.pack("!BBHIIIII", 1, 26, 0, len(V6), 3, 0, 0, 0) + V6]),
    "ipoib": (242, [bytes(20) + bytes.fromhex("80000550fe800000000000000010e000664ab451") + b"\x08\x00\x00\x00" + V4,
                    bytes(20) + bytes.fromhex("80000550fe800000000000000010e000664ab451") + b"\x86\xdd\x00\x00" + V6]),
    "encap": (1, [eth(mpls(100704, 0, 0, 64) + mpls(16, 5, 1, 63) + V4, 0x8847),
                  eth(mpls(2, 0, 1, 1) + V6, 0x8847),
                  eth(struct.pack("!BBHH", 0x11, 0, 0xbeef, 2 + len(V6)) + b"\x00\x57" + V6, 0x8864),
                  eth(struct.pack("!HHII", 1, 0x0010, 1700000000, 123456789) + b"\x08\x00" + V4, 0xD28B),  # Arista
                  eth(struct.pack("!HHHI", 1, 0x0120, 4242, 5) + b"\x86\xdd" + V6, 0xD28B),
                  eth(struct.pack("!BBI", 0x20, 0, 66) + bytes.fromhex("caf9df4f509a0064") + b"\x08\x00" + V4
                      + bytes(range(16)), 0x88e5)]),
    "nflog": (239, [nflog(V4), nflog(V6, 10)]),
    "pflog": (117, [pflog(V4), pflog(V6, 24)]),
    "wifi": (105, [wifi(V4), wifi(V6, 0x86DD, True)]),
    "radiotap": (127, [RADIOTAP + wifi(V4) + b"\x11\x22\x33\x44"]),
    "pktap": (258, [pktap(eth(V4)), pktap(eth(V6, 0x86DD))]),
    "ppi": (192, [bytes([0, 0, 8, 0, 105, 0, 0, 0]) + wifi(T4)]),
    "jnx_ether": (178, [jnx(eth(V4), 0x81, JNX_TLVS), jnx(eth(V6, 0x86DD), 0x00)]),
    "jnx_ppp": (179, [jnx(b"\xff\x03\x00\x21" + V4), jnx(b"\xff\x03\x00\x57" + V6, 0x80, JNX_TLVS)]),
    "jnx_chdlc": (181, [jnx(b"\x0f\x00\x08\x00" + V4), jnx(b"\x8f\x00\x86\xdd" + V6, 0x80)]),
    "jnx_frelay": (180, [jnx(b"\x18\x41\x03\xcc" + V4), jnx(b"\x18\x41\x03\x8e" + V6, 0x81, JNX_TLVS)]),
    "wpan": (195, [f + fcs16(f) for f in (WPAN_IPHC, WPAN_MCAST, WPAN_INLINE, WPAN_V6)]),
    "tunnels": (1, [l2(p) for p in TUNNELS] + [eth(ipv6(A6, "2001:db8::9", 4, V4), 0x86DD),    # 4in6
                                               eth(ipv6(A6, "2001:db8::9", 41, V6), 0x86DD)] + [   # 6in6
eth(struct.pack("!HBBI", 63 << 6 | 2, 1, 1, 300 << 8 | 254) + V4, 0x894F)]),
}


def main():
    d = sys.argv[1]
    for name, (lt, frames) in FILES.items():
        write_pcap(os.path.join(d, name + ".pcap"), frames, linktype=lt)


if __name__ == "__main__":
    main()
