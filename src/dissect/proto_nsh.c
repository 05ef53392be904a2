/*
 * proto_nsh.c — Network Service Header (RFC 8300): the path a packet takes
 * through a chain of service functions (firewall, load balancer...), in
 * front of the packet itself (EtherType 0x894f, or VXLAN-GPE's next
 * protocol 4).
 *
 * The base header: version (2 bits), O (an OAM packet), TTL (6 bits), the
 * whole header's length in 4-byte words (6 bits), the metadata type (4
 * bits) and the next protocol (1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS).
 * Then the service path header: the 24-bit service path identifier and
 * the 8-bit service index; then context headers up to the length.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

static const struct dis_name next_protos[] = {
	{ 1, "IPv4" }, { 2, "IPv6" }, { 3, "Ethernet" }, { 4, "NSH" }, { 5, "MPLS" },
};

uint32_t dis_nsh(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t w = rd_be16(r);
	uint8_t md = rd_u8(r) & 0x0f, next = rd_u8(r);
	uint32_t sp = rd_be32(r);
	unsigned ver = w >> 14, ttl = w >> 6 & 0x3f, words = w & 0x3f;
	uint32_t hl = words * 4u;
	const char *nn = dis_name(next_protos, DIS_COUNT(next_protos), next);
	c->info->proto = "NSH";
	int L = dis_layer(c, o, hl < 8 ? 8 : hl, "Network Service Header",
	                  "RFC 8300: which chain of service functions this packet is going through", NULL);
	dis_field(c, 1, o, 1, "Version", NULL, "%u", ver);
	dis_flag(c, 1, o, 1, "OAM", "O: an operations and management packet", w & 0x2000);
	dis_field(c, 1, o, 2, "TTL", NULL, "%u", ttl);
	dis_field(c, 1, o + 1, 1, "Length", "The NSH's length in 4-byte words", "%u (%u bytes)", words, hl);
	dis_field(c, 1, o + 2, 1, "MD type", "How the metadata is laid out: 1 fixed, 2 variable", "%u", md);
	dis_field(c, 1, o + 3, 1, "Next protocol", NULL, "%u (%s)", next, nn ? nn : "unknown");
	dis_field(c, 1, o + 4, 3, "Service path ID", NULL, "%u", sp >> 8);
	dis_field(c, 1, o + 7, 1, "Service index", "Counts down at each service function", "%u", sp & 0xff);
	if (dis_short(c, "NSH base and service path headers", o, 8))
		return 0;
	if (hl < 8) {
		dis_malformed(c, "NSH: length %u words is less than the 2 its fixed headers take", words);
		return 0;
	}
	if (hl > 8)
		dis_hex(c, 1, o + 8, hl - 8, "Context headers", "Metadata for the service functions");
	rd_seek(r, o + hl);
	if (dis_short(c, "NSH context headers", o, hl))
		return 0;
	dis_value(c, L, "SPI %u, SI %u, next %s", sp >> 8, sp & 0xff, nn ? nn : "unknown");
	char what[48];
	snprintf(what, sizeof what, "NSH SPI %u SI %u", sp >> 8, sp & 0xff);
	if (!dis_tunnel_enter(c, what))
		return 0;
	switch (next) {
	case 1:
		dis_ipv4(c);
		break;
	case 2:
		dis_ipv6(c);
		break;
	case 3:
		dis_link_ether(c);
		break;
	case 4:
		dis_nsh(c);
		break;
	case 5:
		dis_mpls(c);
		break;
	default:
		dis_data(c, "NSH payload", r->off, rd_left(r));
		dis_unsupported(c, "NSH next protocol %u is not decoded", next);
	}
	return 0;
}
