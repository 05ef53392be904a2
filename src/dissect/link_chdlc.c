/*
 * link_chdlc.c — Cisco HDLC (LINKTYPE_C_HDLC, 104; RFC 1547 section 4.3.1
 * describes the framing), and its keepalive protocol SLARP.
 *
 * Four bytes: an address (0x0f unicast, 0x8f broadcast), a control byte
 * (0) and an EtherType.  One exception to the EtherType registry: 0x8035,
 * RARP elsewhere, is Cisco's SLARP here (address requests and keepalives).
 */
#include "dissect/dissect_priv.h"

static const struct dis_name slarp_codes[] = {
	{ 0, "address request" }, { 1, "address reply" }, { 2, "keepalive" },
};

static void slarp(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint32_t code = rd_be32(r);
	const char *cn = dis_name(slarp_codes, DIS_COUNT(slarp_codes), code);
	c->info->proto = "SLARP";
	int L = dis_layer(c, o, rd_left(r) + 4 < 18 ? rd_left(r) + 4 : 18, "Cisco SLARP",
	                  "Serial Line ARP: Cisco's address requests and keepalives on an HDLC link", NULL);
	dis_field(c, 1, o, 4, "Code", NULL, "%u (%s)", code, cn ? cn : "unknown");
	if (code == 2) {
		uint32_t mine = rd_be32(r), yours = rd_be32(r);
		uint16_t rel = rd_be16(r);
		dis_field(c, 1, o + 4, 4, "My sequence", "The sender's keepalive counter", "0x%08x", mine);
		dis_field(c, 1, o + 8, 4, "Your sequence", "The last counter seen from the peer", "0x%08x", yours);
		dis_field(c, 1, o + 12, 2, "Reliability", NULL, "0x%04x", rel);
		if (!r->short_)
			dis_value(c, L, "keepalive, mine 0x%08x, yours 0x%08x", mine, yours);
	} else {
		uint8_t a[4], m[4];
		rd_bytes(r, a, 4);
		rd_bytes(r, m, 4);
		dis_field(c, 1, o + 4, 4, "Address", NULL, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		dis_field(c, 1, o + 8, 4, "Mask", NULL, "%u.%u.%u.%u", m[0], m[1], m[2], m[3]);
		if (!r->short_)
			dis_value(c, L, "%s", cn ? cn : "unknown code");
	}
	if (r->short_)
		dis_truncated(c, "SLARP message", o, 14);
}

void dis_link_chdlc(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t addr = rd_u8(r), ctl = rd_u8(r);
	uint16_t type = rd_be16(r);
	c->info->proto = "C-HDLC";
	int L = dis_layer(c, o, 4, "Cisco HDLC", "Cisco's HDLC framing: an address, a control byte and an EtherType",
	                  NULL);
	dis_field(c, 1, o, 1, "Address", NULL, "0x%02x (%s)", addr,
	          addr == 0x0f ? "unicast" : addr == 0x8f ? "broadcast" : "unknown");
	dis_field(c, 1, o + 1, 1, "Control", NULL, "0x%02x", ctl);
	if (type == 0x8035)
		dis_field(c, 1, o + 2, 2, "Protocol", "EtherType: which protocol's header follows", "0x8035 (SLARP)");
	else
		dis_ethertype_field(c, o + 2, "Protocol", type);
	if (dis_short(c, "Cisco HDLC header", o, 4))
		return;
	dis_value(c, L, "%s", addr == 0x8f ? "broadcast" : "unicast");
	if (type == 0x8035)
		slarp(c);
	else
		dis_ethertype(c, type);
}
