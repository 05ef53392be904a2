/*
 * link_sll.c — Linux "cooked" capture headers, SLL (LINKTYPE_LINUX_SLL, 16
 * bytes) and SLL2 (LINKTYPE_LINUX_SLL2, 20 bytes), as described in the
 * tcpdump.org link-layer header types list.  libpcap writes these when it
 * captures on "any" interface, in place of each device's own link header.
 */
#include "dissect/dissect_priv.h"

static const struct dis_name pkttypes[] = {
	{ 0, "unicast to us" }, { 1, "broadcast" }, { 2, "multicast" },
	{ 3, "unicast to another host" }, { 4, "sent by us" },
};

/* ARPHRD_ device types from linux/if_arp.h that a learner is likely to meet. */
static const struct dis_name hatypes[] = {
	{ 1, "Ethernet" }, { 768, "IP-in-IP tunnel" }, { 769, "IPv6-in-IPv6 tunnel" },
	{ 772, "loopback" }, { 776, "IPv6-in-IPv4 (sit)" }, { 778, "GRE" }, { 823, "GRE over IPv6" },
	{ 824, "netlink" }, { 65534, "none (tun, wireguard)" },
};

static const char H_PKTTYPE[] = "Which way the packet went, as the kernel saw it";
static const char H_HATYPE[] = "The kind of device it was captured on (ARPHRD_ type)";

static void pkttype_field(struct dctx *c, uint32_t off, uint32_t size, unsigned v)
{
	const char *n = dis_name(pkttypes, DIS_COUNT(pkttypes), v);
	dis_field(c, 1, off, size, "Packet type", H_PKTTYPE, "%u (%s)", v, n ? n : "unknown");
}

static void hatype_field(struct dctx *c, uint32_t off, unsigned v)
{
	const char *n = dis_name(hatypes, DIS_COUNT(hatypes), v);
	dis_field(c, 1, off, 2, "Device type", H_HATYPE, "%u (%s)", v, n ? n : "unknown");
}

/* The address length field of `size` bytes at off, then the 8-byte address. */
static void address_fields(struct dctx *c, uint32_t off, uint32_t size, unsigned alen,
                           const uint8_t addr[8])
{
	char s[32];
	dis_fmt_hw(addr, alen < 8 ? alen : 8, s, sizeof s);
	dis_field(c, 1, off, size, "Address length", NULL, "%u", alen);
	dis_field(c, 1, off + size, 8, "Source address",
	          "The sender's link-layer address (only the first Address length bytes count)", "%s",
	          alen ? s : "(none)");
}

void dis_link_sll(struct dctx *c)
{
	struct rd *r = &c->r;
	uint16_t pkttype = rd_be16(r), hatype = rd_be16(r), alen = rd_be16(r);
	uint8_t addr[8];
	rd_bytes(r, addr, 8);
	uint16_t proto = rd_be16(r);

	c->info->proto = "SLL";
	dis_layer(c, 0, 16, "Linux cooked capture (SLL)",
	          "A header libpcap makes up when capturing on several interfaces at once", NULL);
	pkttype_field(c, 0, 2, pkttype);
	hatype_field(c, 2, hatype);
	address_fields(c, 4, 2, alen, addr);
	dis_ethertype_field(c, 14, "Protocol", proto);
	if (dis_short(c, "SLL header", 0, 16))
		return;
	dis_ethertype(c, proto);
}

void dis_link_sll2(struct dctx *c)
{
	struct rd *r = &c->r;
	uint16_t proto = rd_be16(r), reserved = rd_be16(r);
	uint32_t ifindex = rd_be32(r);
	uint16_t hatype = rd_be16(r);
	uint8_t pkttype = rd_u8(r), alen = rd_u8(r);
	uint8_t addr[8];
	rd_bytes(r, addr, 8);

	c->info->proto = "SLL2";
	dis_layer(c, 0, 20, "Linux cooked capture (SLL2)",
	          "A header libpcap makes up when capturing on several interfaces at once", NULL);
	dis_ethertype_field(c, 0, "Protocol", proto);
	dis_field(c, 1, 2, 2, "Reserved", "Must be zero", "%u", reserved);
	dis_field(c, 1, 4, 4, "Interface index", "Which interface (as in `ip link`) saw the packet", "%u",
	          ifindex);
	hatype_field(c, 8, hatype);
	pkttype_field(c, 10, 1, pkttype);
	address_fields(c, 11, 1, alen, addr);
	if (dis_short(c, "SLL2 header", 0, 20))
		return;
	dis_ethertype(c, proto);
}
