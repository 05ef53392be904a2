/*
 * proto_arp.c — the Address Resolution Protocol (RFC 826), and RARP
 * (RFC 903), which uses the same packet.
 *
 * "Who has this IPv4 address? Tell me": a request is broadcast with the
 * target hardware address unknown (zero); the owner answers with a reply.
 * The header gives the sizes of the addresses that follow; Ethernet/IPv4
 * (6 and 4) is shown with names, other sizes as bytes.  A hardware or
 * protocol size of 0 is malformed; addresses the capture cut are truncated.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

enum { ARP_FIXED = 8 };

static const struct dis_name arp_ops[] = {
	{ 1, "request" }, { 2, "reply" }, { 3, "RARP request" }, { 4, "RARP reply" },
	{ 8, "InARP request" }, { 9, "InARP reply" },
};
static const struct dis_name arp_hw[] = {
	{ 1, "Ethernet" }, { 6, "IEEE 802" }, { 15, "Frame Relay" }, { 16, "ATM" }, { 32, "InfiniBand" },
};

/* An address of n bytes at off: IPv4 dotted, 6 bytes as a MAC, else hex. */
static void arp_addr(struct dctx *c, uint32_t off, uint32_t n, bool ip4, const char *name,
                     const char *help, char *out, size_t on)
{
	struct rd r = rd_at(&c->r, off);
	uint8_t a[255];
	rd_bytes(&r, a, n);
	if (ip4 && n == 4)
		snprintf(out, on, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else
		dis_fmt_hw(a, n, out, on);
	dis_field(c, 1, off, n, name, help, "%s", out);
}

uint32_t dis_arp(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t htype = rd_be16(r), ptype = rd_be16(r);
	uint8_t hlen = rd_u8(r), plen = rd_u8(r);
	uint16_t op = rd_be16(r);
	bool rarp = op == 3 || op == 4;
	const char *on = dis_name(arp_ops, DIS_COUNT(arp_ops), op);
	const char *hn = dis_name(arp_hw, DIS_COUNT(arp_hw), htype);
	const char *pn = dis_ethertype_name(ptype);
	uint32_t total = ARP_FIXED + 2u * hlen + 2u * plen;

	c->info->proto = rarp ? "RARP" : "ARP";
	int L = dis_layer(c, o, total, "Address Resolution Protocol",
	                  "Finds the hardware address that goes with an IPv4 address on the local link",
	                  NULL);
	dis_field(c, 1, o, 2, "Hardware type", "The kind of link: 1 for Ethernet", "%u (%s)", htype,
	          hn ? hn : "unknown");
	dis_field(c, 1, o + 2, 2, "Protocol type", "The EtherType of the addresses asked about",
	          "0x%04x (%s)", ptype, pn ? pn : "unknown");
	dis_field(c, 1, o + 4, 1, "Hardware size", "Bytes in a hardware address: 6 for Ethernet", "%u", hlen);
	dis_field(c, 1, o + 5, 1, "Protocol size", "Bytes in a protocol address: 4 for IPv4", "%u", plen);
	dis_field(c, 1, o + 6, 2, "Opcode", "1 asks (request), 2 answers (reply)", "%u (%s)", op,
	          on ? on : "unknown");
	if (dis_short(c, "ARP header", o, ARP_FIXED))
		return 0;
	if (hlen == 0 || plen == 0) {
		dis_malformed(c, "ARP hardware size %u, protocol size %u: neither may be 0", hlen, plen);
		return 0;
	}
	bool ip4 = ptype == 0x0800;
	char sha[800], spa[800], tha[800], tpa[800];
	uint32_t p = o + ARP_FIXED;
	arp_addr(c, p, hlen, false, "Sender hardware address", "The asker's (or answerer's) MAC address",
	         sha, sizeof sha);
	arp_addr(c, p + hlen, plen, ip4, "Sender protocol address", "The sender's IPv4 address", spa,
	         sizeof spa);
	arp_addr(c, p + hlen + plen, hlen, false, "Target hardware address",
	         "In a request: unknown, all zero; in a reply: the asker's", tha, sizeof tha);
	arp_addr(c, p + 2u * hlen + plen, plen, ip4, "Target protocol address",
	         "The IPv4 address asked about (request) or the asker's (reply)", tpa, sizeof tpa);
	if (!rd_has(r, o, total)) {
		dis_truncated(c, "ARP packet", o, total);
		return 0;
	}
	struct pkt_info *i = c->info;
	i->app = i->proto;
	if (op == 1 && !strcmp(spa, tpa))
		snprintf(i->app_summary, sizeof i->app_summary, "Announcement (gratuitous) %s is-at %s", spa, sha);
	else if (op == 1)
		snprintf(i->app_summary, sizeof i->app_summary, "Request who-has %s tell %s", tpa, spa);
	else if (op == 2)
		snprintf(i->app_summary, sizeof i->app_summary, "Reply %s is-at %s", spa, sha);
	else
		snprintf(i->app_summary, sizeof i->app_summary, "%s, sender %s", on ? on : "opcode ?", spa);
	dis_value(c, L, "%s", i->app_summary);
	return total;
}
