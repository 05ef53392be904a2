/*
 * proto_gre.c — Generic Routing Encapsulation: RFC 2784 with RFC 2890's key
 * and sequence number, PPTP's enhanced GRE (version 1, RFC 2637 section
 * 4.1), and the ERSPAN mirror sessions that ride on it (types I, II and
 * III; Cisco's draft-foschiano-erspan).
 *
 * The header: flags and version (C checksum present, K key present, S
 * sequence present; version 0 or 1), a protocol type (an EtherType), then
 * the optional fields in that order.  Version 1 always has K, and the key
 * is a payload length and a call ID; its A flag adds an acknowledgment
 * number.  The payload is decoded by its EtherType; 0x6558 (transparent
 * Ethernet bridging) is a whole Ethernet frame, 0x880b PPP.  ERSPAN type I
 * (0x88be without S) is the mirrored Ethernet frame at once; type II
 * (0x88be with S) has an 8-byte header, type III (0x22eb) 12 bytes and an
 * 8-byte platform sub-header when its O bit is set.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

static const char H_FLAGS[] = "Which optional fields follow: C checksum, K key, S sequence number";

static void erspan(struct dctx *c, bool type3, bool seq)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	if (!type3 && !seq) {   /* type I: no header of its own */
		dis_link_ether(c);
		return;
	}
	uint16_t w0 = rd_be16(r), w1 = rd_be16(r);
	unsigned ver = w0 >> 12, vlan = w0 & 0xfff, cos = w1 >> 13, session = w1 & 0x3ff;
	uint32_t hl = 8;
	c->info->proto = "ERSPAN";
	int L = dis_layer(c, o, hl, type3 ? "ERSPAN type III" : "ERSPAN type II",
	                  "Encapsulated remote port mirroring: a copy of a frame seen on another switch's port",
	                  NULL);
	dis_field(c, 1, o, 1, "Version", NULL, "%u", ver);
	dis_field(c, 1, o, 2, "VLAN", "The mirrored frame's VLAN", "%u", vlan);
	dis_field(c, 1, o + 2, 1, "Class of service", NULL, "%u", cos);
	dis_field(c, 1, o + 2, 2, "Session ID", "Which mirror session sent it", "%u", session);
	if (type3) {
		uint32_t ts = rd_be32(r);
		uint16_t sgt = rd_be16(r), w5 = rd_be16(r);
		hl = 12 + (w5 & 1 ? 8u : 0u);
		dis_field(c, 1, o + 4, 4, "Timestamp", NULL, "%u", ts);
		dis_field(c, 1, o + 8, 2, "Security group tag", NULL, "%u", sgt);
		dis_flag(c, 1, o + 10, 2, "Platform sub-header", NULL, w5 & 1);
		if (w5 & 1)
			rd_skip(r, 8);
	} else {
		uint32_t w2 = rd_be32(r);
		dis_field(c, 1, o + 4, 4, "Index", "The port or interface it was mirrored from", "%u", w2 & 0xfffff);
	}
	dis_layer_len(c, L, hl);
	if (dis_short(c, "ERSPAN header", o, hl))
		return;
	dis_value(c, L, "session %u, VLAN %u", session, vlan);
	dis_link_ether(c);
}

void dis_gre(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t fl = rd_be16(r), proto = rd_be16(r);
	bool ck = fl & 0x8000, key = fl & 0x2000, seq = fl & 0x1000, ack = fl & 0x0080;
	unsigned ver = fl & 7;
	uint32_t hl = 4 + (ck ? 4u : 0u) + (key ? 4u : 0u) + (seq ? 4u : 0u) + (ver == 1 && ack ? 4u : 0u);
	c->info->proto = "GRE";
	int L = dis_layer(c, o, hl, "Generic Routing Encapsulation", "A tunnel: a packet carried inside IP", NULL);
	if (dis_field(c, 1, o, 2, "Flags and version", H_FLAGS, "0x%04x", fl)) {
		dis_flag(c, 2, o, 1, "Checksum present", NULL, ck);
		dis_flag(c, 2, o, 1, "Key present", NULL, key);
		dis_flag(c, 2, o, 1, "Sequence number present", NULL, seq);
		dis_field(c, 2, o + 1, 1, "Version", "0 GRE, 1 PPTP's enhanced GRE", "%u", ver);
	}
	dis_ethertype_field(c, o + 2, "Protocol type", proto);
	uint32_t at = o + 4, k = 0;
	if (ck) {
		uint16_t sum = rd_be16(r);
		rd_skip(r, 2);
		dis_field(c, 1, at, 2, "Checksum", NULL, "0x%04x", sum);
		at += 4;
	}
	if (key && ver == 1) {
		uint16_t plen = rd_be16(r), call = rd_be16(r);
		dis_field(c, 1, at, 2, "Payload length", NULL, "%u", plen);
		dis_field(c, 1, at + 2, 2, "Call ID", "PPTP: which call of the control connection", "%u", call);
		at += 4;
	} else if (key) {
		k = rd_be32(r);
		dis_field(c, 1, at, 4, "Key", "RFC 2890: tells the flows of one tunnel apart", "0x%08x", k);
		at += 4;
	}
	uint32_t sn = 0;
	if (seq) {
		sn = rd_be32(r);
		dis_field(c, 1, at, 4, "Sequence number", NULL, "%u", sn);
		at += 4;
	}
	if (ver == 1 && ack) {
		dis_field(c, 1, at, 4, "Acknowledgment number", NULL, "%u", rd_be32(r));
		at += 4;
	}
	if (dis_short(c, "GRE header", o, hl))
		return;
	if (len < hl) {
		dis_malformed(c, "GRE: the IP payload (%u bytes) is shorter than the GRE header (%u)", len, hl);
		return;
	}
	const char *pn = dis_ethertype_name(proto);
	dis_value(c, L, "GREv%u, proto %s%s", ver, pn ? pn : "unknown", key && ver == 0 ? ", key" : "");
	if (ver > 1) {
		dis_data(c, "GRE payload", r->off, len - hl);
		dis_unsupported(c, "GRE version %u is not decoded", ver);
		return;
	}
	if (len - hl == 0)
		return;   /* a keepalive or an empty PPTP acknowledgment */
	bool ours = proto == 0x6558 || proto == 0x880b || proto == 0x88be || proto == 0x22eb ||
	            dis_ethertype_decodes(proto);
	if (!ours) {
		dis_data(c, "GRE payload", r->off, len - hl);
		dis_unsupported(c, "GRE protocol 0x%04x is not decoded", proto);
		return;
	}
	char what[48];
	if (proto == 0x88be || proto == 0x22eb)
		snprintf(what, sizeof what, "GREv%u ERSPAN", ver);
	else if (key && ver == 0)
		snprintf(what, sizeof what, "GREv0 key 0x%x", k);
	else
		snprintf(what, sizeof what, "GREv%u", ver);
	if (!dis_tunnel_enter(c, what))
		return;
	switch (proto) {
	case 0x6558:
		dis_link_ether(c);
		return;
	case 0x880b:
		dis_link_ppp(c);
		return;
	case 0x88be:
		erspan(c, false, seq);
		return;
	case 0x22eb:
		erspan(c, true, seq);
		return;
	}
	dis_ethertype(c, proto);
}
