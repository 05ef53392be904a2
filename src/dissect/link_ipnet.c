/*
 * link_ipnet.c — Solaris IPNET (LINKTYPE_IPNET, 226, per the tcpdump.org
 * link-layer header types list): what Solaris and illumos capture on their
 * IP observability devices (/dev/ipnet), IP packets before any link layer.
 *
 * A 24-byte header, big-endian: version (1), address family (AF_INET 2,
 * AF_INET6 26 on Solaris), a type (0 inbound, 1 outbound, 2 local), the
 * packet's length, the interface index and its group's, and the zones the
 * packet came from and goes to.
 */
#include "dissect/dissect_priv.h"

enum { IPNET_HDR = 24 };

static const struct dis_name htypes[] = {
	{ 0, "inbound" }, { 1, "outbound" }, { 2, "local" },
};

void dis_link_ipnet(struct dctx *c)
{
	struct rd *r = &c->r;
	uint8_t version = rd_u8(r), family = rd_u8(r);
	uint16_t htype = rd_be16(r);
	uint32_t pktlen = rd_be32(r), ifindex = rd_be32(r), grindex = rd_be32(r);
	uint32_t zsrc = rd_be32(r), zdst = rd_be32(r);
	const char *hn = dis_name(htypes, DIS_COUNT(htypes), htype);
	c->info->proto = "IPNET";
	int L = dis_layer(c, 0, IPNET_HDR, "Solaris IPNET", "The header of a Solaris/illumos IP observability capture",
	                  NULL);
	dis_field(c, 1, 0, 1, "Version", NULL, "%u", version);
	dis_field(c, 1, 1, 1, "Family", "Which IP follows: 2 AF_INET, 26 AF_INET6 (Solaris numbers)", "%u (%s)",
	          family, family == 2 ? "IPv4" : family == 26 ? "IPv6" : "unknown");
	dis_field(c, 1, 2, 2, "Type", NULL, "%u (%s)", htype, hn ? hn : "unknown");
	dis_field(c, 1, 4, 4, "Packet length", NULL, "%u", pktlen);
	dis_field(c, 1, 8, 4, "Interface index", NULL, "%u", ifindex);
	dis_field(c, 1, 12, 4, "Group interface index", NULL, "%u", grindex);
	dis_field(c, 1, 16, 4, "Source zone", NULL, "%d", (int32_t)zsrc);
	dis_field(c, 1, 20, 4, "Destination zone", NULL, "%d", (int32_t)zdst);
	if (dis_short(c, "IPNET header", 0, IPNET_HDR))
		return;
	dis_value(c, L, "%s, interface %u", hn ? hn : "unknown type", ifindex);
	if (family == 2)
		dis_ipv4(c);
	else if (family == 26)
		dis_ipv6(c);
	else {
		dis_data(c, "IPNET data", r->off, rd_left(r));
		dis_unsupported(c, "IPNET address family %u is not decoded", family);
	}
}
