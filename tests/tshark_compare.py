#!/usr/bin/env python3
"""tshark_compare.py HELPER PCAP [TSHARK OPTION...] — compare sockscope's
decoding of PCAP (HELPER is build/tests/tshark_fields) with tshark's, packet
by packet and field by field.

Only fields both decode are compared: a key sockscope gives for a packet
is looked up in tshark's output for that packet; when tshark has no value
(it does not decode it, or names it differently in this version) the pair
is counted as "ours only" and reported in the tally, not failed.  Values
are normalised, never dropped: numbers in hex or decimal become integers,
True/False become 1/0, text is compared as is (MAC addresses lowercased).
Single-valued keys take tshark's first occurrence (the outer header, not
the copy inside an ICMP error); the keys in MULTI compare every occurrence.
Prints each disagreement as "PCAP packet N: KEY: ours 'X', tshark 'Y'" and
exits 1 when there is any, 2 when nothing at all was compared.
"""
import re
import subprocess
import sys

MULTI = {"tcp.analysis", "fr.nlpid", "dns.qry.name", "dns.qry.type", "dns.a", "dns.aaaa", "dns.cname", "dns.resp.ttl",
         "tls.handshake.ciphersuite", "tls.handshake.extensions_alpn_str",
         "tls.handshake.extensions.supported_version",
         # DHCPv6 options nest and repeat: every occurrence, in tree order
         "dhcpv6.option.type", "dhcpv6.option.length", "dhcpv6.duid.type", "dhcpv6.iaid", "dhcpv6.iaid.t1",
         "dhcpv6.iaid.t2", "dhcpv6.iaaddr.ip", "dhcpv6.iaaddr.pref_lifetime", "dhcpv6.iaaddr.valid_lifetime",
         "dhcpv6.iaprefix.pref_len", "dhcpv6.iaprefix.pref_lifetime",
         "dhcpv6.iaprefix.valid_lifetime", "dhcpv6.iaprefix.pref_addr", "dhcpv6.requested_option_code", "dhcpv6.status_code",
         "dhcpv6.dns_server",
         "ospf.hello.active_neighbor", "ospf.lsa.age", "ospf.lsa.id", "ospf.lsa.seqnum", "ospf.lsa.length", "ospf.lsid_opaque_type",
         # BGP: every message of a segment
         "bgp.length", "bgp.type", "bgp.open.version", "bgp.open.myas", "bgp.open.holdtime", "bgp.open.identifier", "bgp.open.opt.len", "bgp.cap.type", "bgp.cap.length", "bgp.notify.major_error", "bgp.update.withdrawn_routes.length", "bgp.update.path_attributes.length", "bgp.update.path_attribute.flags", "bgp.update.path_attribute.type_code", "bgp.update.path_attribute.length", "bgp.update.path_attribute.origin", "bgp.update.path_attribute.next_hop", "bgp.update.path_attribute.multi_exit_disc", "bgp.update.path_attribute.local_pref", "bgp.route_refresh.afi", "bgp.route_refresh.safi",
         # SCTP: every chunk of a packet
         "sctp.chunk_type", "sctp.chunk_flags", "sctp.chunk_length", "sctp.data_tsn_raw", "sctp.data_sid", "sctp.data_ssn", "sctp.data_payload_proto_id", "sctp.sack_cumulative_tsn_ack_raw", "sctp.sack_number_of_gap_blocks", "sctp.sack_number_of_duplicated_tsns", "sctp.initiate_tag",
         "vrrp.ip_addr",
         # RTCP: every packet of a compound datagram
         "rtcp.version", "rtcp.pt", "rtcp.length", "rtcp.senderssrc", "rtcp.timestamp.rtp", "rtcp.sender.packetcount", "rtcp.sender.octetcount", "rtcp.ssrc.identifier", "rtcp.ssrc.fraction", "rtcp.ssrc.cum_nr", "rtcp.ssrc.high_seq", "rtcp.ssrc.jitter", "rtcp.ssrc.lsr", "rtcp.ssrc.dlsr",
         # QUIC: every packet coalesced into a datagram
         "quic.header_form", "quic.long.packet_type", "quic.version", "quic.dcil", "quic.dcid", "quic.scil", "quic.scid", "quic.token_length", "quic.length", "quic.supported_version"}

_known = None
ANALYSIS = {
    "tcp.analysis.retransmission": "retransmission",
    "tcp.analysis.fast_retransmission": "retransmission",
    "tcp.analysis.spurious_retransmission": "retransmission",
    "tcp.analysis.out_of_order": "out_of_order",
    "tcp.analysis.duplicate_ack": "duplicate_ack",
    "tcp.analysis.zero_window": "zero_window",
    "tcp.analysis.window_update": "window_update",
    "tcp.analysis.lost_segment": "lost_segment",
    "tcp.analysis.keep_alive": "keep_alive",
}


def known_fields():
    global _known
    if _known is None:
        out = subprocess.run(["tshark", "-G", "fields"], capture_output=True, text=True).stdout
        _known = {l.split("\t")[2] for l in out.splitlines() if l.startswith("F\t") and l.count("\t") >= 2}
    return _known


def norm(v):
    v = v.strip()
    if re.fullmatch(r"0x[0-9a-fA-F]+", v):
        return str(int(v, 16))
    if re.fullmatch(r"\d+", v):
        return str(int(v))
    if v in ("True", "False"):
        return "1" if v == "True" else "0"
    if re.fullmatch(r"([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}", v):
        return v.lower()
    return v


def norm_list(v, multi):
    parts = v.split(",") if v else []
    if not multi:
        parts = parts[:1]
    return ",".join(norm(p) for p in parts)


def main():
    helper, pcap, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
    ours = {}
    keys = []
    out = subprocess.run([helper, pcap], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        n, k, v = line.split("\t", 2)
        ours[(int(n), k)] = v
        if k not in keys:
            keys.append(k)
    # tcp.analysis is ours: the sorted list of findings, built for tshark
    # from its flags below (spurious and fast retransmissions are
    # retransmissions; flags we do not compute are not asked for).
    analysis = "tcp.analysis" in keys
    fields = [k for k in keys if k in known_fields()]
    unknown = [k for k in keys if k not in known_fields() and k != "tcp.analysis"]
    if analysis:
        fields += ANALYSIS
    cmd = ["tshark", "-n", "-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
           "-o", "udp.check_checksum:TRUE", *opts, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=,", "-e", "frame.number"]
    for k in fields:
        cmd += ["-e", k]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        print("tshark failed: %s" % res.stderr, file=sys.stderr)
        return 1
    theirs = {}
    for line in res.stdout.splitlines():
        cols = line.split("\t")
        n = int(cols[0])
        found = set()
        for k, v in zip(fields, cols[1:]):
            if k in ANALYSIS:
                if v != "":
                    found.add(ANALYSIS[k])
            elif v != "":
                theirs[(n, k)] = v
        if analysis and (n, "tcp.srcport") in theirs:
            theirs[(n, "tcp.analysis")] = ",".join(sorted(found)) or "none"
    if analysis:
        fields = [k for k in fields if k not in ANALYSIS] + ["tcp.analysis"]
    bad = agree = only = 0
    tally = {}
    for (n, k), v in sorted(ours.items()):
        if k not in fields:
            continue
        t = theirs.get((n, k))
        if t is None:
            only += 1
            continue
        m = k in MULTI
        a, b = norm_list(v, m), norm_list(t, m)
        if a == b:
            agree += 1
            tally[k] = tally.get(k, 0) + 1
        else:
            bad += 1
            print("%s packet %d: %s: ours '%s', tshark '%s'" % (pcap, n, k, v, t))
    print("%s: %d values agree over %d fields, %d disagree, %d decoded only by sockscope%s" %
          (pcap, agree, len(tally), bad, only,
           ("; tshark has no field " + ", ".join(unknown)) if unknown else ""))
    print("  compared: " + " ".join("%s(%d)" % (k, c) for k, c in sorted(tally.items())))
    return 1 if bad else 2 if not agree else 0


if __name__ == "__main__":
    sys.exit(main())
