/*
 * link_arcnet.c — ARCNET as Linux captures it (LINKTYPE_ARCNET_LINUX, 129,
 * per the tcpdump.org link-layer header types list), carrying IP and ARP
 * by RFC 1201 (or the older RFC 1051).
 *
 * Linux's header: source and destination station (one byte each), a
 * two-byte offset field, then the protocol ID.  RFC 1201 protocols (IPv4
 * 212, ARP 213, RARP 214, IPv6 196 by RFC 2497) add a split flag and a
 * sequence number; a split flag of 0xff marks an "exception" packet that
 * repeats protocol ID, flag and sequence after two filler bytes (RFC 1201
 * section 4.1).  RFC 1051 protocols (IPv4 240, ARP 241) have neither.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

static const struct dis_name protos[] = {
	{ 0xc4, "IPv6 (RFC 2497)" }, { 0xd4, "IPv4 (RFC 1201)" }, { 0xd5, "ARP (RFC 1201)" },
	{ 0xd6, "RARP (RFC 1201)" }, { 0xf0, "IPv4 (RFC 1051)" }, { 0xf1, "ARP (RFC 1051)" },
	{ 0xfa, "IPX" }, { 0xcd, "AppleTalk" },
};

/* RFC 1201's protocols carry a split flag and a sequence number. */
static bool rfc1201(uint8_t proto)
{
	return proto == 0xc4 || proto == 0xd4 || proto == 0xd5 || proto == 0xd6;
}

static const char H_STATION[] = "An ARCNET station number: one byte, 0 is broadcast";

void dis_link_arcnet(struct dctx *c)
{
	struct rd *r = &c->r;
	uint8_t src = rd_u8(r), dst = rd_u8(r);
	uint16_t offset = rd_be16(r);
	uint8_t proto = rd_u8(r);
	const char *pn = dis_name(protos, DIS_COUNT(protos), proto);
	c->info->proto = "ARCNET";
	int L = dis_layer(c, 0, 5, "ARCNET", "An ARCNET frame, as Linux captures it", NULL);
	dis_field(c, 1, 0, 1, "Source", H_STATION, "%u", src);
	dis_field(c, 1, 1, 1, "Destination", H_STATION, "%u%s", dst, dst == 0 ? " (broadcast)" : "");
	dis_field(c, 1, 2, 2, "Offset", "Linux's field: where the data starts in the card's buffer", "0x%04x", offset);
	dis_field(c, 1, 4, 1, "Protocol ID", NULL, "%u (%s)", proto, pn ? pn : "unknown");
	if (dis_short(c, "ARCNET header", 0, 5))
		return;
	if (rfc1201(proto)) {
		uint8_t split = rd_u8(r);
		uint16_t seq = rd_be16(r);
		uint32_t at = 5;
		if (split == 0xff) {   /* an exception packet: flag and 2 filler bytes (read as seq), the header again */
			uint8_t again = rd_u8(r);
			split = rd_u8(r);
			seq = rd_be16(r);
			dis_field(c, 1, 5, 3, "Exception", "Split flag 0xff and filler: the header follows again", "yes");
			dis_field(c, 1, 8, 1, "Protocol ID", "Repeated after the exception's filler", "%u", again);
			proto = again;
			pn = dis_name(protos, DIS_COUNT(protos), proto);
			at = 9;
		}
		dis_field(c, 1, at, 1, "Split flag", "RFC 1201 fragmentation: 0 for a packet sent whole", "0x%02x", split);
		dis_field(c, 1, at + 1, 2, "Sequence number", NULL, "%u", seq);
		dis_layer_len(c, L, r->off);
		if (dis_short(c, "ARCNET RFC 1201 header", 0, at + 3))
			return;
		if (split != 0) {
			dis_value(c, L, "%u > %u, fragment (split flag 0x%02x)", src, dst, split);
			dis_data(c, "ARCNET fragment", r->off, rd_left(r));
			return;
		}
	}
	dis_value(c, L, "%u > %u, %s", src, dst, pn ? pn : "unknown protocol");
	switch (proto) {
	case 0xd4:
	case 0xf0:
		dis_ipv4(c);
		return;
	case 0xc4:
		dis_ipv6(c);
		return;
	case 0xd5:
	case 0xd6:
	case 0xf1:
		dis_arp(c);
		return;
	}
	char name[FIELD_NAME_MAX];
	snprintf(name, sizeof name, "ARCNET protocol %u", proto);
	dis_data(c, name, r->off, rd_left(r));
	dis_unsupported(c, "%s is not decoded", name);
}
