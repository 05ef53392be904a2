/*
 * proto_geneve.c — Geneve, Generic Network Virtualization Encapsulation
 * (RFC 8926, UDP port 6081).
 *
 * Eight bytes and options: version (2 bits) and the options' length in
 * 4-byte words (6 bits); O (a control packet) and C (a critical option is
 * present); the protocol type of the payload, an EtherType (0x6558 for an
 * Ethernet frame); the 24-bit virtual network identifier.  Each option is
 * a class (16 bits), a type (8), and a length in 4-byte words (5 bits).
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { GENEVE_HDR = 8, MAX_OPTIONS = 32 };

bool dis_geneve(struct dctx *c, const struct dis_seg *s)
{
	if (s->tcp || !s->by_port || s->len < GENEVE_HDR)
		return false;
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t b0 = rd_u8(r), b1 = rd_u8(r);
	uint16_t proto = rd_be16(r);
	uint32_t vni = rd_be32(r) >> 8;
	unsigned ver = b0 >> 6, optlen = (b0 & 0x3fu) * 4u;
	if (r->short_ || ver != 0)
		return false;
	c->info->proto = "Geneve";
	dis_layer(c, o, GENEVE_HDR + optlen, "Geneve",
	                  "Generic Network Virtualization Encapsulation: a frame of a virtual network in UDP",
	                  "VNI %u", vni);
	dis_field(c, 1, o, 1, "Version", NULL, "%u", ver);
	dis_field(c, 1, o, 1, "Options length", "In 4-byte words", "%u (%u bytes)", b0 & 0x3fu, optlen);
	dis_flag(c, 1, o + 1, 1, "Control packet", "O: for the tunnel endpoints, not a tenant's frame", b1 & 0x80);
	dis_flag(c, 1, o + 1, 1, "Critical options", "C: an option the receiver must understand", b1 & 0x40);
	dis_ethertype_field(c, o + 2, "Protocol type", proto);
	dis_field(c, 1, o + 4, 3, "VNI", "Virtual network identifier", "%u", vni);
	uint32_t end = o + GENEVE_HDR + optlen;
	int n = 0;
	while (r->off + 4 <= end && n < MAX_OPTIONS) {
		uint32_t at = r->off;
		uint16_t cls = rd_be16(r);
		uint8_t type = rd_u8(r), l = rd_u8(r) & 0x1f;
		uint32_t olen = 4 + 4u * l;
		if (r->short_ || at + olen > end)
			break;
		dis_group(c, 1, at, olen, "Option", NULL, "class 0x%04x, type 0x%02x, %u bytes", cls, type, olen);
		rd_skip(r, 4u * l);
		n++;
	}
	rd_seek(r, end);
	if (dis_short(c, "Geneve options", o, GENEVE_HDR + optlen))
		return true;
	if (proto != 0x6558 && !dis_ethertype_decodes(proto)) {
		dis_data(c, "Geneve payload", r->off, rd_left(r));
		dis_unsupported(c, "Geneve protocol type 0x%04x is not decoded", proto);
		return true;
	}
	char what[32];
	snprintf(what, sizeof what, "Geneve vni %u", vni);
	if (rd_left(r) == 0 || !dis_tunnel_enter(c, what))
		return true;
	if (proto == 0x6558)
		dis_link_ether(c);
	else
		dis_ethertype(c, proto);
	return true;
}
