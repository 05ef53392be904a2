#!/usr/bin/env python3
"""inspect_pcaps.py DIR — write the captures tests/e2e_tui_screens_inspect.sh
opens on the inspection screen, built with tshark_pcaps.py's helpers (real
checksums, classic pcap, Ethernet).

mixed.pcap mixes what makes a packet list's columns hard: a short IPv4 TCP
connection (handshake, an HTTP request, its answer), a row with the longest
IPv4 endpoints (212.9.51.132:50079 > 204.9.54.80:22), IPv6 rows with full
32-digit addresses, ARP (no IP: link addresses only) and a DNS query.

wide.pcap is one HTTP request whose field tree is taller than its hex dump
and whose last header is 160 characters long: on a wide screen that line
sits under the dump, where the whole width is free.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_pcaps import (MAC_A, MAC_B, BCAST, eth, ip4, ipv6, pseudo6, tcp, tcp4, udp4, dns_query,  # noqa: E402
                          write_pcap)
import struct  # noqa: E402

V6A = "2001:db8:1234:5678:9abc:def0:1234:5678"
V6B = "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"


def tcp6(src, dst, sport, dport, seq, ack, flags, win, payload=b""):
    return ipv6(src, dst, 6, tcp(sport, dport, seq, ack, flags, win, payload,
                                 pseudo_fn=lambda n: pseudo6(src, dst, 6, n)))


def mixed():
    a, b = "10.0.0.1", "10.0.0.2"
    req = b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n"
    ans = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
    out = [
        eth(tcp4(a, b, 40000, 80, 1000, 0, 0x02, 64240)),
        eth(tcp4(b, a, 80, 40000, 5000, 1001, 0x12, 65160)),
        eth(tcp4(a, b, 40000, 80, 1001, 5001, 0x10, 502)),
        eth(tcp4(a, b, 40000, 80, 1001, 5001, 0x18, 502, req)),
        eth(tcp4(b, a, 80, 40000, 5001, 1001 + len(req), 0x18, 509, ans)),
        eth(tcp4("212.9.51.132", "204.9.54.80", 50079, 22, 77, 88, 0x18, 501, b"SSH-2.0-x\r\n")),
        eth(tcp6(V6A, V6B, 443, 51000, 10, 20, 0x18, 300, b"\x17\x03\x03\x00\x01z"), 0x86DD),
        eth(tcp6(V6B, V6A, 51000, 443, 20, 16, 0x10, 300), 0x86DD),
    ]
    req_arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A, ip4("10.0.0.1"),
                          b"\0" * 6, ip4("10.0.0.2"))
    out.append(eth(req_arp + b"\0" * 18, 0x0806, dst=BCAST))
    out.append(eth(udp4(a, "10.0.0.53", 41000, 53, dns_query(0x4242, "lab.sockscope.test"))))
    # More of the same connection, so a search has matches below the first screen.
    seq = 1001 + len(req)
    for i in range(30):
        out.append(eth(tcp4(a, b, 40000, 80, seq, 5001 + len(ans), 0x18, 502, b"ping %02d\n" % i)))
        seq += 8
    out.append(eth(tcp4(a, b, 40000, 80, seq, 5001 + len(ans), 0x11, 502)))
    return out


def wide():
    heads = b"".join(b"%c: %d\r\n" % (65 + i, i) for i in range(14))
    req = b"GET / HTTP/1.1\r\n" + heads + b"User-Agent: " + b"sockscope-wide-" + b"x" * 130 + b"-end\r\n\r\n"
    return [eth(tcp4("10.0.0.1", "10.0.0.2", 40000, 80, 1001, 5001, 0x18, 502, req))]


def main():
    write_pcap(os.path.join(sys.argv[1], "mixed.pcap"), mixed())
    write_pcap(os.path.join(sys.argv[1], "wide.pcap"), wide())


if __name__ == "__main__":
    main()
