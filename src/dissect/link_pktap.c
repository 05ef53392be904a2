/*
 * link_pktap.c — Apple's PKTAP (LINKTYPE_PKTAP, 258, per the tcpdump.org
 * link-layer header types list; macOS `tcpdump -i pktap`): a header naming
 * the process and interface of each packet, then the packet with the link
 * type the header names.
 *
 * The header is little-endian: its length (4 bytes), its type (1 = packet),
 * the DLT of what follows, the interface name (24 bytes), flags, protocol
 * family, link-layer header and trailer lengths, the process id and name
 * (17 bytes), and more after (service class, effective process...).
 * Only the fields a learner uses are shown; the packet follows at the
 * header's length and is decoded as a frame of its own link type.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { PKTAP_MIN = 73 };   /* up to and with the process name */

void dis_link_pktap(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t hl = rd_le32(r), type = rd_le32(r), dlt = rd_le32(r);
	char ifname[25] = "";
	rd_bytes(r, ifname, 24);
	ifname[24] = '\0';
	rd_skip(r, 16);   /* flags, protocol family, link-layer header and trailer lengths */
	uint32_t pid = rd_le32(r);
	char comm[18] = "";
	rd_bytes(r, comm, 17);
	comm[17] = '\0';
	c->info->proto = "PKTAP";
	int L = dis_layer(c, 0, hl, "Apple PKTAP", "macOS: which interface and process each packet belongs to", NULL);
	dis_field(c, 1, 0, 4, "Header length", NULL, "%u", hl);
	dis_field(c, 1, 4, 4, "Type", NULL, "%u%s", type, type == 1 ? " (packet)" : "");
	dis_field(c, 1, 8, 4, "Link type", "The link-layer type of the packet after the header (a DLT)", "%u", dlt);
	for (char *p = ifname; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '.';
	for (char *p = comm; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '.';
	dis_field(c, 1, 12, 24, "Interface", NULL, "%s", ifname);
	dis_field(c, 1, 52, 4, "Process ID", NULL, "%u", pid);
	dis_field(c, 1, 56, 17, "Process name", NULL, "%s", comm);
	if (r->short_ || hl > r->len) {
		dis_truncated(c, "PKTAP header", 0, hl > PKTAP_MIN ? hl : PKTAP_MIN);
		return;
	}
	if (hl < PKTAP_MIN) {
		dis_malformed(c, "PKTAP header length %u is less than %u", hl, PKTAP_MIN);
		return;
	}
	dis_value(c, L, "%s, %s[%u]", ifname, comm, pid);
	rd_seek(r, hl);
	/* DLT_NULL and DLT_EN10MB are the link types macOS puts here. */
	if (dlt == 1)
		dis_link_ether(c);
	else if (dlt == 0)
		dis_link_null(c);
	else {
		dis_data(c, "PKTAP packet", hl, rd_left(r));
		dis_unsupported(c, "PKTAP link type %u is not decoded", dlt);
	}
}
