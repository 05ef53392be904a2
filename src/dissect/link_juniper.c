/*
 * link_juniper.c — Juniper's capture header (LINKTYPE_JUNIPER_*, tcpdump.org link-layer header types list)
 *
 * A Juniper router's `monitor traffic` writes every frame behind a header
 * of its own: the magic "MGC", a flags byte (bit 0: received, bit 1: the
 * link-layer header was stripped, bit 7: extensions follow) and, with bit
 * 7, a 2-byte length of type-length-value extensions (interface index,
 * name, media type...; their numbers are little-endian).  What follows
 * depends on the link type: an Ethernet frame (ETHER, PPPOE), a PPP,
 * Cisco HDLC or Frame Relay frame, or an EtherType and its packet
 * (PPPOE_ATM).  With bit 1 set, 4 more bytes come first and the packet is
 * IP, its version in its first nibble.  The types whose header carries a
 * per-PIC cookie first (ATM, multilink, services, GGSN, ES) are shown
 * with the common header decoded and the rest as data.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum {
	JNX_IN = 0x01,      /* flags: received, not sent */
	JNX_NO_L2 = 0x02,   /* the link-layer header was stripped */
	JNX_EXT = 0x80,     /* extension TLVs follow */
	JNX_MAGIC = 0x4d4743,   /* "MGC" */
};

static const struct dis_name tlv_names[] = {
	{ 1, "Device index" }, { 2, "Device name" }, { 3, "Device media type" }, { 4, "Logical index" },
	{ 5, "Logical unit" }, { 6, "Logical encapsulation" }, { 7, "Tunnel media type" },
	{ 8, "Tunnel encapsulation" },
};

/* The extension TLVs in [o, end): each a field; a TLV that runs past end is malformed. */
static void ext_tlvs(struct dctx *c, uint32_t o, uint32_t end)
{
	struct rd r = rd_at(&c->r, o);
	while (r.off + 2 <= end && !r.short_) {   /* each turn moves on by 2 bytes or more */
		uint32_t t = r.off;
		uint8_t type = rd_u8(&r), len = rd_u8(&r);
		if (r.short_)
			break;
		if (t + 2u + len > end) {
			dis_malformed(c, "Juniper extension %u of %u bytes runs past the extensions' end", type, len);
			return;
		}
		char buf[32];
		const char *n = dis_name_or(tlv_names, DIS_COUNT(tlv_names), type, buf, sizeof buf, "Extension %u", type);
		if (type == 2) {
			char text[64];
			dis_text(&r, r.off, len, text, sizeof text);
			dis_field(c, 2, t, 2u + len, n, NULL, "%s", text);
		} else if (len == 1 || len == 2 || len == 4) {
			uint32_t v = len == 1 ? rd_u8(&r) : len == 2 ? rd_le16(&r) : rd_le32(&r);
			if (!r.short_)
				dis_field(c, 2, t, 2u + len, n, NULL, "%u", v);
			continue;
		} else {
			dis_field(c, 2, t, 2u + len, n, NULL, "%u bytes", len);
		}
		rd_skip(&r, len);
	}
}

/* The IP packet of a frame whose link-layer header was stripped. */
static void no_l2(struct dctx *c)
{
	struct rd peek = c->r;
	uint8_t v = rd_u8(&peek) >> 4;
	if (peek.short_)
		dis_truncated(c, "IP header", c->r.off, 1);
	else if (v == 4)
		dis_ipv4(c);
	else if (v == 6)
		dis_ipv6(c);
	else
		dis_undecoded(c, NULL, "Juniper data", "Juniper: no link-layer header and no IP header after it");
}

static void pppoe_atm(struct dctx *c)
{
	uint32_t o = c->r.off;
	uint16_t type = rd_be16(&c->r);
	dis_ethertype_field(c, o, "Type", type);
	if (!dis_short(c, "Juniper PPPoE ATM EtherType", o, 2))
		dis_ethertype(c, type);
}

static const struct jnx_type {
	unsigned linktype;
	const char *name;
	void (*inner)(struct dctx *c);   /* NULL: a cookie first, not decoded */
} types[] = {
	{ 130, "MLPPP", NULL },         { 131, "MLFR", NULL },        { 132, "ES", NULL },
	{ 133, "GGSN", NULL },          { 134, "MFR", NULL },         { 135, "ATM2", NULL },
	{ 136, "Services", NULL },      { 137, "ATM1", NULL },        { 164, "Monitor", NULL },
	{ 167, "PPPoE", dis_link_ether }, { 168, "PPPoE ATM", pppoe_atm }, { 178, "Ethernet", dis_link_ether },
	{ 179, "PPP", dis_link_ppp },   { 180, "Frame Relay", dis_link_fr }, { 181, "Cisco HDLC", dis_link_chdlc },
};

void dis_link_juniper(struct dctx *c)
{
	const struct jnx_type *t = DIS_FIND(types, linktype, c->linktype);
	struct rd *r = &c->r;
	uint32_t magic = (uint32_t)rd_u8(r) << 16;
	magic |= rd_be16(r);
	uint8_t flags = rd_u8(r);
	c->info->proto = "Juniper";
	char name[48];
	snprintf(name, sizeof name, "Juniper %s", t ? t->name : "header");
	int L = dis_layer(c, 0, 4, name, "The header a Juniper router puts before each frame it captures", NULL);
	dis_field(c, 1, 0, 3, "Magic", "\"MGC\" on every Juniper capture", "0x%06x", magic);
	dis_field(c, 1, 3, 1, "Flags", NULL, "0x%02x", flags);
	dis_flag(c, 2, 3, 1, "Received", "Set: the frame came in; clear: it went out", flags & JNX_IN);
	dis_flag(c, 2, 3, 1, "No link-layer header", "The router stripped the link-layer header", flags & JNX_NO_L2);
	dis_flag(c, 2, 3, 1, "Extensions", "Type-length-value extensions follow", flags & JNX_EXT);
	if (dis_short(c, "Juniper header", 0, 4))
		return;
	if (magic != JNX_MAGIC) {
		dis_malformed(c, "Juniper header: magic 0x%06x, not \"MGC\"", magic);
		dis_data(c, "Juniper data", 4, rd_left(r));
		return;
	}
	uint32_t hl = 4;
	if (flags & JNX_EXT) {
		uint16_t elen = rd_be16(r);
		dis_field(c, 1, 4, 2, "Extensions length", NULL, "%u", elen);
		if (dis_short(c, "Juniper extensions length", 0, 6))
			return;
		hl = 6u + elen;
		dis_group(c, 1, 6, elen, "Extensions", NULL, "%u bytes", elen);
		ext_tlvs(c, 6, hl);
		if (hl > r->len) {
			dis_layer_len(c, L, hl);
			dis_truncated(c, "Juniper extensions", 0, hl);
			return;
		}
	}
	if (flags & JNX_NO_L2)
		hl += 4;   /* 4 bytes precede the IP header */
	dis_layer_len(c, L, hl);
	rd_seek(r, hl);
	if (r->short_) {
		dis_truncated(c, "Juniper header", 0, hl);
		return;
	}
	dis_value(c, L, "%s", flags & JNX_IN ? "in" : "out");
	if (flags & JNX_NO_L2)
		no_l2(c);
	else if (t && t->inner)
		t->inner(c);
	else
		dis_undecoded(c, NULL, "Juniper data", "Juniper %s: the per-PIC cookie and what follows are not decoded",
		              t ? t->name : "link type");
}
