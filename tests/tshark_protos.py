#!/usr/bin/env python3
"""tshark_protos.py DIR — write hand-built captures of the protocols past
the basics (NTP, DHCPv6, OSPF, BGP, SCTP, VRRP ...), one file each, for
tests/e2e_tshark.sh to decode with sockscope and tshark and compare field
by field.  The messages follow their RFCs' layouts; the IP, UDP and TCP
around them carry correct checksums (tests/tshark_pcaps.py's builders).
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_pcaps import csum, eth, ipv4, ipv6, pseudo6, tcp4, udp, udp4, write_pcap  # noqa: E402

A4, B4 = "192.0.2.1", "198.51.100.7"
A6, B6 = "2001:db8::1", "2001:db8:1::7"


def udp6(src, dst, sport, dport, payload):
    return ipv6(src, dst, 17, udp(sport, dport, payload, lambda n: pseudo6(src, dst, 17, n)))


def ntp(flags, stratum, refid, xmt):
    return (struct.pack("!BBbbII", flags, stratum, 6, -23, 0x123, 0x10000) + refid +
            struct.pack("!IIIIIIII", 0xED003782, 0x80000000, 0, 0, 0, 0, xmt, 0x40000000))


def ntp_frames():
    ctl = struct.pack("!BBHHHHH", 0x16, 0x82, 3, 0x0615, 0, 0, 9) + b"stratum=2\0\0\0"
    return [eth(udp4(A4, B4, 40000, 123, ntp(0x23, 1, b"GPS\0", 0xED003782))),
            eth(udp4(B4, A4, 123, 40000, ntp(0x24, 2, bytes([192, 0, 2, 1]), 0xED003783)
                     + struct.pack("!HH", 0x0104, 16) + bytes(12))),
            eth(udp6(A6, B6, 123, 123, ntp(0x1d, 3, b"\x0a\x0b\x0c\x0d", 0xED003784)), 0x86DD),
            eth(udp4(B4, A4, 123, 40001, ctl))]


def opt6(code, body):
    return struct.pack("!HH", code, len(body)) + body


def dhcp6_frames():
    mac = bytes.fromhex("001122334455")
    a = socket.inet_pton(socket.AF_INET6, "2001:db8::42")
    p = socket.inet_pton(socket.AF_INET6, "2001:db8:100::")
    solicit = (b"\x01\x12\x34\x56" + opt6(1, struct.pack("!HH", 3, 1) + mac) + opt6(6, struct.pack("!HH", 23, 24))
               + opt6(8, struct.pack("!H", 150))
               + opt6(3, struct.pack("!III", 0x02030405, 1800, 2880) + opt6(5, a + struct.pack("!II", 3600, 7200))))
    reply = (b"\x07\x12\x34\x56" + opt6(2, struct.pack("!HHI", 1, 1, 407259545) + mac)
             + opt6(25, struct.pack("!III", 7, 0, 0) + opt6(26, struct.pack("!IIB", 4500, 7200, 56) + p))
             + opt6(13, struct.pack("!H", 0) + b"all fine") + opt6(23, a + a) + opt6(7, b"\xff"))
    relay = (b"\x0c\x00" + socket.inet_pton(socket.AF_INET6, A6) + socket.inet_pton(socket.AF_INET6, "fe80::2")
             + opt6(18, b"eth0") + opt6(9, solicit))
    return [eth(udp6("fe80::1", "ff02::1:2", 546, 547, solicit), 0x86DD),
            eth(udp6("fe80::2", "fe80::1", 547, 546, reply), 0x86DD),
            eth(udp6(A6, B6, 547, 547, relay), 0x86DD)]


def ip4b(a):
    return socket.inet_aton(a)


def ospf2(mtype, body, auth=(0, b"\0" * 8)):
    m = struct.pack("!BBH4s4sHH", 2, mtype, 24 + len(body), ip4b("10.0.0.1"), ip4b("0.0.0.1"), 0, auth[0]) + auth[1] + body
    s = csum(m[:16] + m[24:]) if auth[0] != 2 else 0
    return m[:12] + struct.pack("!H", s) + m[14:]


def ospf3(mtype, body, src, dst):
    m = struct.pack("!BBH4s4sHBB", 3, mtype, 16 + len(body), ip4b("1.1.1.1"), ip4b("0.0.0.0"), 0, 0, 0) + body
    s = csum(pseudo6(src, dst, 89, len(m)) + m)
    return m[:12] + struct.pack("!H", s) + m[14:]


def lsa2(age, ltype, lsid, adv, seq, body=b""):
    return struct.pack("!HBB4s4sIHH", age, 0x22, ltype, ip4b(lsid), ip4b(adv), seq, 0x1234, 20 + len(body)) + body


def ospf_frames():
    hello2 = struct.pack("!4sHBBI4s4s4s4s", ip4b("255.255.255.0"), 10, 0x12, 1, 40, ip4b("10.0.0.1"),
                         ip4b("10.0.0.2"), ip4b("10.0.0.2"), ip4b("10.0.0.3"))
    dd2 = struct.pack("!HBBI", 1500, 0x42, 0x07, 4242) + lsa2(1, 1, "10.0.0.1", "10.0.0.1", 0x80000001)
    lsu2 = struct.pack("!I", 2) + lsa2(5, 10, "4.0.0.0", "10.0.0.1", 0x80000003, b"\0\1\0\4abcd") \
        + lsa2(7, 1, "10.0.0.1", "10.0.0.1", 0x80000002, bytes(12))
    ack2 = lsa2(5, 1, "10.0.0.1", "10.0.0.1", 0x80000002)
    lsr2 = struct.pack("!I4s4s", 1, ip4b("10.0.0.9"), ip4b("10.0.0.9"))
    s6, d6 = "fe80::1", "ff02::5"
    hello3 = struct.pack("!IBBHHH4s4s4s", 5, 1, 0, 0x13, 10, 40, ip4b("1.1.1.1"), ip4b("0.0.0.0"), ip4b("2.2.2.2"))
    dd3 = struct.pack("!BBHHBBI", 0, 0, 0x13, 1500, 0, 7, 99) + struct.pack("!HH4s4sIHH", 1, 0x2001, ip4b("0.0.0.0"),
                                                                           ip4b("1.1.1.1"), 0x80000001, 0x1111, 40)
    v4 = lambda m: eth(ipv4("10.0.0.1", "224.0.0.5", 89, m, ttl=1))
    v6 = lambda m: eth(ipv6(s6, d6, 89, m, hlim=1), 0x86DD)
    return [v4(ospf2(1, hello2)), v4(ospf2(2, dd2)), v4(ospf2(4, lsu2)), v4(ospf2(5, ack2)), v4(ospf2(3, lsr2)),
            v4(ospf2(1, hello2, (1, b"secret\0\0"))),
            v6(ospf3(1, hello3, s6, d6)), v6(ospf3(2, dd3, s6, d6))]


def bgp(mtype, body):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), mtype) + body


def bgp_frames():
    caps = struct.pack("!BBBBI", 2, 6, 65, 4, 4200000000) + struct.pack("!BBBBHBB", 2, 6, 1, 4, 1, 0, 1)
    opn = bgp(1, struct.pack("!BHH4sB", 4, 65001, 180, ip4b("192.0.2.1"), len(caps)) + caps)
    attrs = (b"\x40\x01\x01\x00" + b"\x40\x02\x0a\x02\x02" + struct.pack("!II", 65001, 65002)
             + b"\x40\x03\x04" + ip4b("192.0.2.1") + b"\x80\x04\x04" + struct.pack("!I", 50)
             + b"\x40\x05\x04" + struct.pack("!I", 200) + b"\xc0\x08\x04" + struct.pack("!HH", 65001, 7))
    upd = bgp(2, struct.pack("!H", 2) + b"\x08\x0a" + struct.pack("!H", len(attrs)) + attrs
              + b"\x18\xc6\x33\x64" + b"\x10\xac\x10")
    notif = bgp(3, b"\x06\x02")
    refresh = bgp(5, struct.pack("!HBB", 1, 0, 1))
    seg = lambda sp, dp, seq, data: eth(tcp4(A4, B4, sp, dp, seq, 1, 0x18, 512, data))
    return [seg(40000, 179, 1000, opn + bgp(4, b"")), seg(179, 40000, 1, upd), seg(40000, 179, 1000 + 64, refresh),
            seg(40000, 179, 1000 + 87, notif)]


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return ~crc & 0xFFFFFFFF


def sctp(sport, dport, vtag, chunks):
    m = struct.pack("!HHII", sport, dport, vtag, 0) + chunks
    return m[:8] + struct.pack("<I", crc32c(m)) + m[12:]


def chunk(ctype, flags, value):
    c = struct.pack("!BBH", ctype, flags, 4 + len(value)) + value
    return c + bytes(-len(c) % 4)


def sctp_frames():
    init = chunk(1, 0, struct.pack("!IIHHI", 0x11223344, 106496, 10, 65535, 1000) + struct.pack("!HH", 0x8000, 4))
    initack = chunk(2, 0, struct.pack("!IIHHI", 0x55667788, 106496, 5, 10, 5000) + struct.pack("!HH", 7, 8) + b"cook")
    data = chunk(0, 3, struct.pack("!IHHI", 1000, 0, 0, 46) + b"hello")
    sack = chunk(3, 0, struct.pack("!IIHH", 1000, 106000, 1, 0) + struct.pack("!HH", 2, 3))
    v4 = lambda m: eth(ipv4(A4, B4, 132, m))
    return [v4(sctp(5000, 6000, 0, init)), v4(sctp(6000, 5000, 0x11223344, initack)),
            v4(sctp(5000, 6000, 0x55667788, chunk(10, 0, b"cook"))), v4(sctp(6000, 5000, 0x11223344, chunk(11, 0, b""))),
            v4(sctp(5000, 6000, 0x55667788, data + sack)),
            eth(ipv6(A6, B6, 132, sctp(5000, 6000, 0x55667788, chunk(7, 0, struct.pack("!I", 999)))), 0x86DD),
            v4(sctp(5000, 6000, 0x55667788, chunk(6, 1, b"")))]


def vrrp_frames():
    v2 = struct.pack("!BBBBBBH4s", 0x21, 42, 191, 1, 1, 10, 0, ip4b("192.0.2.254")) + b"pass\0\0\0\0"
    v2 = v2[:6] + struct.pack("!H", csum(v2)) + v2[8:]
    v2n = struct.pack("!BBBBBBH4s4s", 0x21, 43, 100, 2, 0, 1, 0, ip4b("192.0.2.253"), ip4b("192.0.2.252")) + bytes(8)
    v2n = v2n[:6] + struct.pack("!H", csum(v2n)) + v2n[8:]
    v3 = struct.pack("!BBBBHH4s", 0x31, 44, 255, 1, 100, 0, ip4b("192.0.2.250"))
    v3 = v3[:6] + struct.pack("!H", csum(ip4b(A4) + ip4b("224.0.0.18") + struct.pack("!BBH", 0, 112, len(v3)) + v3)) + v3[8:]
    return [eth(ipv4(A4, "224.0.0.18", 112, v2, ttl=255)), eth(ipv4(A4, "224.0.0.18", 112, v2n, ttl=255)),
            eth(ipv4(A4, "224.0.0.18", 112, v3, ttl=255))]


INVITE = (b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776\r\n"
          b"Max-Forwards: 70\r\nTo: Bob <sip:bob@example.com>\r\nFrom: Alice <sip:alice@example.org>;tag=1928\r\n"
          b"Call-ID: a84b4c76e66710@pc33\r\nCSeq: 314159 INVITE\r\nContent-Type: application/sdp\r\n"
          b"Content-Length: 13\r\n\r\nv=0\r\no=- 1 1\r\n")
OK200 = (b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776\r\nCall-ID: a84b4c76e66710@pc33\r\n"
         b"CSeq: 314159 INVITE\r\nl: 0\r\n\r\n")


def sip_frames():
    return [eth(udp4(A4, B4, 5060, 5060, INVITE)), eth(udp4(B4, A4, 5060, 5060, OK200)),
            eth(tcp4(A4, B4, 40000, 5060, 1, 1, 0x18, 500, INVITE)),
            eth(udp6(A6, B6, 5060, 5060, b"BYE sip:bob@example.com SIP/2.0\r\nCall-ID: x@y\r\nCSeq: 2 BYE\r\n\r\n"),
                0x86DD)]


def tlv(tag, body):
    n = len(body)
    return bytes([tag]) + (bytes([n]) if n < 128 else bytes([0x81, n])) + body


def ber_int(v):
    return tlv(2, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def snmp_frames():
    oid = lambda k: tlv(6, bytes([43, 6, 1, 2, 1, 1, k, 0]))
    vb = tlv(0x30, tlv(0x30, oid(1) + b"\x05\x00") + tlv(0x30, oid(5) + b"\x05\x00"))
    get = tlv(0x30, ber_int(1) + tlv(4, b"public") + tlv(0xa0, ber_int(1234) + ber_int(0) + ber_int(0) + vb))
    resp = tlv(0x30, ber_int(0) + tlv(4, b"private") + tlv(0xa2, ber_int(1234) + ber_int(2) + ber_int(1)
                                                            + tlv(0x30, tlv(0x30, oid(1) + tlv(4, b"Linux")))))
    v3 = tlv(0x30, ber_int(3) + tlv(0x30, ber_int(42) + ber_int(65507) + tlv(4, b"\x04") + ber_int(3))
             + tlv(4, b"") + tlv(0x30, tlv(4, b"") + tlv(4, b"") + tlv(0xa0, ber_int(1) + ber_int(0) + ber_int(0)
                                                                         + tlv(0x30, b""))))
    return [eth(udp4(A4, B4, 40000, 161, get)), eth(udp4(B4, A4, 161, 40000, resp)), eth(udp4(A4, B4, 40000, 161, v3))]


def quic_frames():
    dcid = bytes.fromhex("84acac06b42ed863")
    initial = b"\xc3" + struct.pack("!IB", 1, 8) + dcid + b"\x00" + b"\x00" + struct.pack("!H", 0x4000 | 40) + bytes(40)
    hs = b"\xe1" + struct.pack("!IB", 1, 0) + b"\x08" + dcid + struct.pack("!H", 0x4000 | 30) + bytes(range(30))
    vn = b"\x80" + struct.pack("!IB", 0, 0) + b"\x08" + dcid + struct.pack("!II", 1, 0x6B3343CF)
    retry = b"\xf0" + struct.pack("!IB", 1, 0) + b"\x04" + b"\x01\x02\x03\x04" + b"token!" + bytes(16)
    return [eth(udp4(A4, B4, 50000, 443, initial)), eth(udp4(B4, A4, 443, 50000, hs + hs)),
            eth(udp4(B4, A4, 443, 50000, vn)), eth(udp6(B6, A6, 443, 50000, retry), 0x86DD)]


def rtcp_frames():
    block = struct.pack("!IIIIII", 0xCAFE0001, (25 << 24) | 3, 0x10064, 17, 0x3782ABCD, 65536)
    sr = struct.pack("!BBHIIIIII", 0x81, 200, 12, 0x1234ABCD, 0xED003782, 0x80000000, 160000, 50, 8000) + block
    rr = struct.pack("!BBHI", 0x81, 201, 7, 0xCAFE0001) + block
    sdes = struct.pack("!BBHI", 0x81, 202, 3, 0x1234ABCD) + b"\x01\x03abc" + b"\x00\x00\x00"
    bye = struct.pack("!BBHI", 0x81, 203, 1, 0x1234ABCD)
    return [eth(udp4(A4, B4, 5005, 5005, sr + sdes)), eth(udp4(B4, A4, 5005, 5005, rr + bye))]


FILES = {
    "ntp": ntp_frames,
    "dhcp6": dhcp6_frames,
    "ospf": ospf_frames,
    "bgp": bgp_frames,
    "sctp": sctp_frames,
    "vrrp": vrrp_frames,
    "sip": sip_frames,
    "snmp": snmp_frames,
    "quic": quic_frames,
    "rtcp": rtcp_frames,
}


def main():
    d = sys.argv[1]
    only = sys.argv[2:]
    for name, build in FILES.items():
        if not only or name in only:
            write_pcap(os.path.join(d, name + ".pcap"), build())


if __name__ == "__main__":
    main()
