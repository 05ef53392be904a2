/*
 * link_ipoib.c — IP over InfiniBand (LINKTYPE_IPOIB, 242): RFC 4391
 * section 6's 4-byte encapsulation header (an EtherType and 2 reserved
 * bytes), after the 40 bytes Linux's capture puts before it.
 *
 * Of those 40 bytes the last 20 are the InfiniBand "hardware address" of
 * the destination (RFC 4391 section 9.1.1: a flags byte, the 24-bit queue
 * pair number, the 16-byte port GID); the first 20 are filler here.  The
 * datagram after the header is an ordinary IPv4, IPv6 or ARP packet.
 */
#include "dissect/dissect_priv.h"

enum { IPOIB_PSEUDO = 40, IPOIB_HDR = 44 };

void dis_link_ipoib(struct dctx *c)
{
	struct rd *r = &c->r;
	rd_skip(r, 20);
	uint8_t flags = rd_u8(r);
	uint8_t q[3];
	rd_bytes(r, q, 3);
	uint8_t gid[16];
	rd_bytes(r, gid, 16);
	uint16_t type = rd_be16(r), reserved = rd_be16(r);
	c->info->proto = "IPoIB";
	int L = dis_layer(c, 0, IPOIB_HDR, "IP over InfiniBand",
	                  "RFC 4391: IP datagrams carried by InfiniBand, as Linux captures them", NULL);
	char g[48];
	dis_fmt_ip6(gid, g, sizeof g);
	unsigned qpn = (unsigned)q[0] << 16 | (unsigned)q[1] << 8 | q[2];
	dis_hex(c, 1, 0, 20, "Capture pseudo-header", "Bytes Linux's capture adds; not on the wire");
	dis_field(c, 1, 20, 1, "Flags", "The destination address's flags: 0x80 connected mode supported", "0x%02x",
	          flags);
	dis_field(c, 1, 21, 3, "Destination QPN", "The destination's queue pair number", "0x%06x", qpn);
	dis_field(c, 1, 24, 16, "Destination GID", "The destination port's global identifier (an IPv6-like address)",
	          "%s", g);
	dis_ethertype_field(c, IPOIB_PSEUDO, "Type", type);
	dis_field(c, 1, IPOIB_PSEUDO + 2, 2, "Reserved", "Zero (RFC 4391 section 6)", "0x%04x", reserved);
	if (dis_short(c, "IPoIB header", 0, IPOIB_HDR))
		return;
	dis_value(c, L, "to QPN 0x%06x", qpn);
	dis_ethertype(c, type);
}
