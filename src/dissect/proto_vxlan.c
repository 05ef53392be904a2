/*
 * proto_vxlan.c — VXLAN (RFC 7348, UDP port 4789) and VXLAN-GPE
 * (draft-ietf-nvo3-vxlan-gpe, UDP port 4790): Ethernet frames of a virtual
 * network carried in UDP between hypervisors or switches.
 *
 * Eight bytes: flags (I = 0x08, the VNI is valid), 24 reserved bits, the
 * 24-bit VXLAN network identifier and 8 more reserved bits.  GPE uses one
 * of those reserved bytes for "next protocol" (1 IPv4, 2 IPv6, 3 Ethernet,
 * 4 NSH, 5 MPLS) and sets its P flag (0x04) when it does.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { VXLAN_HDR = 8, VXLAN_PORT = 4789, VXLAN_GPE_PORT = 4790 };

static const struct dis_name gpe_next[] = {
	{ 1, "IPv4" }, { 2, "IPv6" }, { 3, "Ethernet" }, { 4, "NSH" }, { 5, "MPLS" },
};

bool dis_vxlan(struct dctx *c, const struct dis_seg *s)
{
	const struct pkt_info *i = c->info;
	bool gpe = i->dport == VXLAN_GPE_PORT || (i->sport == VXLAN_GPE_PORT && i->dport != VXLAN_PORT);
	if (s->tcp || !s->by_port || s->len < VXLAN_HDR)
		return false;
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t flags = rd_u8(r);
	rd_skip(r, 2);
	uint8_t next = rd_u8(r);
	uint32_t vni = rd_be32(r) >> 8;
	if (r->short_)
		return false;   /* the UDP payload's truncation is said by dis_payload */
	c->info->proto = gpe ? "VXLAN-GPE" : "VXLAN";
	dis_layer(c, o, VXLAN_HDR, gpe ? "VXLAN-GPE" : "Virtual eXtensible LAN",
	                  "An Ethernet frame of a virtual network (VNI), carried between tunnel endpoints in UDP",
	                  "VNI %u", vni);
	dis_field(c, 1, o, 1, "Flags", "0x08 (I): the VNI is valid", "0x%02x", flags);
	dis_flag(c, 2, o, 1, "VNI valid", NULL, flags & 0x08);
	const char *nn = NULL;
	if (gpe) {
		nn = dis_name(gpe_next, DIS_COUNT(gpe_next), next);
		dis_field(c, 1, o + 3, 1, "Next protocol", NULL, "%u (%s)", next, nn ? nn : "unknown");
	}
	dis_field(c, 1, o + 4, 3, "VNI", "VXLAN network identifier: which virtual network", "%u", vni);
	char what[32];
	snprintf(what, sizeof what, "%s vni %u", gpe ? "VXLAN-GPE" : "VXLAN", vni);
	if (rd_left(r) == 0 || !dis_tunnel_enter(c, what))
		return true;
	if (!gpe || next == 3)
		dis_link_ether(c);
	else if (next == 1)
		dis_ipv4(c);
	else if (next == 2)
		dis_ipv6(c);
	else if (next == 4)
		dis_nsh(c);
	else if (next == 5)
		dis_mpls(c);
	else {
		dis_data(c, nn ? nn : "VXLAN-GPE payload", r->off, rd_left(r));
		dis_unsupported(c, "VXLAN-GPE next protocol %u is not decoded", next);
	}
	return true;
}
