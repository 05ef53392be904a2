/*
 * link_null.c — BSD loopback headers (LINKTYPE_NULL and LINKTYPE_LOOP, per
 * the tcpdump.org link-layer header types list).
 *
 * Both are a 4-byte address family before the IP packet: NULL stores it in
 * the byte order of the capturing host (either order may arrive in a file
 * from another machine), LOOP in network byte order.  IPv4 is AF_INET = 2
 * everywhere; IPv6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS).
 */
#include "dissect/dissect_priv.h"

static const struct dis_next families[] = {
	{ 2, "IPv4", dis_ipv4 },
	{ 24, "IPv6", dis_ipv6 },
	{ 28, "IPv6", dis_ipv6 },
	{ 30, "IPv6", dis_ipv6 },
};

static void loopback(struct dctx *c, const char *layer, bool host_order)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;   /* 0, or after PKTAP's header */
	uint32_t v = rd_be32(r);
	const char *order = "network byte order";
	/* Families are small numbers: a value in the top half is little-endian. */
	if (host_order && v > 0xffff) {
		v = (v >> 24) | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
		order = "little-endian";
	} else if (host_order) {
		order = "big-endian";
	}
	const struct dis_next *f = DIS_FIND(families, v, v);

	c->info->proto = "Loopback";
	dis_layer(c, o, 4, layer, "The loopback interface's header: just the address family", NULL);
	dis_field(c, 1, o, 4, "Family", "Which protocol follows (an AF_ address family value)",
	          "%u (%s, %s)", v, f ? f->name : "unknown", order);
	if (dis_short(c, "loopback header", o, 4))
		return;
	if (f) {
		f->decode(c);
	} else {
		dis_data(c, "Loopback data", o + 4, rd_left(r));
		dis_unsupported(c, "address family %u is not decoded", v);
	}
}

void dis_link_null(struct dctx *c)
{
	loopback(c, "Null/Loopback", true);
}

void dis_link_loop(struct dctx *c)
{
	loopback(c, "OpenBSD loopback", false);
}
