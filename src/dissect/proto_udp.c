/*
 * proto_udp.c — the UDP header (RFC 768; over IPv6 per RFC 8200 §8.1).
 *
 * A length below 8 (the header itself) or beyond what the IP header leaves
 * is malformed.  Inside an ICMP error only the header is shown: the quoted
 * copy is cut, so its length field no longer matches.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { UDP_HDR = 8 };

void dis_udp(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t sport = rd_be16(r), dport = rd_be16(r), ulen = rd_be16(r), sum = rd_be16(r);
	struct pkt_info *i = c->info;
	bool v6 = i->ip_version == 6;

	i->proto = "UDP";
	int L = dis_layer(c, o, UDP_HDR, "User Datagram Protocol",
	                  "UDP carries single messages between two ports, with no connection and no "
	                  "delivery guarantee", NULL);
	dis_ports(c, o, sport, dport);
	dis_field(c, 1, o + 4, 2, "Length", "Bytes in the datagram: the 8-byte header and the data",
	          "%u", ulen);
	char ck[FIELD_VALUE_MAX];
	if (sum && (ulen < UDP_HDR || (ulen > len && !c->partial)) && !c->quoted)
		snprintf(ck, sizeof ck, "0x%04x (unverified: the length field is impossible)", sum);
	else if (sum)
		dis_l4_cksum(c, o, ulen, 6, 17, sum, ck, sizeof ck);
	else
		snprintf(ck, sizeof ck, "0x0000 (%s)", v6 ? "missing: required over IPv6" : "none");
	dis_field(c, 1, o + 6, 2, "Checksum",
	          "Ones'-complement sum over a pseudo-header (addresses, protocol, length), the UDP header "
	          "and data; 0 means none, which IPv6 forbids outside some tunnels", "%s", ck);
	if (dis_short(c, "UDP header", o, UDP_HDR))
		return;
	dis_value(c, L, "%u > %u", sport, dport);
	if (c->quoted)
		return;
	i->udp = true;
	if (ulen < UDP_HDR) {
		dis_malformed(c, "UDP length %u is less than the 8-byte header", ulen);
		return;
	}
	if (ulen > len && !c->partial) {
		dis_malformed(c, "UDP length %u exceeds the %u bytes the IP header leaves for it", ulen, len);
		return;
	}
	/* In a first fragment the datagram goes on in later fragments. */
	uint32_t end = c->partial ? len : ulen;
	dis_payload(c, "UDP", o + UDP_HDR, end > UDP_HDR ? end - UDP_HDR : 0);
}
