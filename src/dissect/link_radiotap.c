/*
 * link_radiotap.c — the radiotap header (LINKTYPE_IEEE802_11_RADIOTAP, 127;
 * the radiotap.org specification) and PPI (LINKTYPE_PPI, 192; CACE's Per-
 * Packet Information header) in front of an 802.11 frame (link_80211.c).
 *
 * Radiotap: version 0, a pad byte, the header's length and a bitmap of the
 * fields present (more bitmaps follow while bit 31 is set), then the fields
 * in bit order, each aligned to its own size from the header's start, all
 * little-endian.  Shown: TSFT, flags (whose 0x10 says the frame ends with
 * its FCS), rate, channel and signal; the rest is skipped by the length.
 * PPI: version, flags, the header's length and the DLT of what follows.
 */
#include "dissect/dissect_priv.h"

enum { RT_MIN = 8, MAX_BITMAPS = 8, PPI_MIN = 8 };

/* The first fields of the bitmap: size and alignment, bits 0..5. */
static const struct { uint8_t size, align; } rt_fields[] = {
	{ 8, 8 }, { 1, 1 }, { 1, 1 }, { 4, 2 }, { 2, 1 }, { 1, 1 },
};

void dis_link_radiotap(struct dctx *c)
{
	struct rd *r = &c->r;
	uint8_t version = rd_u8(r);
	rd_skip(r, 1);
	uint16_t len = rd_le16(r);
	uint32_t present = rd_le32(r), p = present;
	int words = 1;
	while ((p & 0x80000000u) && words < MAX_BITMAPS) {
		p = rd_le32(r);
		words++;
	}
	c->info->proto = "Radiotap";
	int L = dis_layer(c, 0, len, "Radiotap header", "What the radio knew about the frame: rate, channel, signal",
	                  NULL);
	dis_field(c, 1, 0, 1, "Version", NULL, "%u", version);
	dis_field(c, 1, 2, 2, "Length", NULL, "%u", len);
	dis_field(c, 1, 4, 4, "Present flags", "Which fields follow (a bit each)", "0x%08x", present);
	if (dis_short(c, "radiotap header", 0, RT_MIN))
		return;
	if (version != 0 || len < RT_MIN) {
		dis_malformed(c, "radiotap: version %u, length %u", version, len);
		return;
	}
	uint32_t off = 4u * (uint32_t)words + 4;
	bool fcs = false;
	for (unsigned bit = 0; bit < DIS_COUNT(rt_fields) && off < len; bit++) {
		if (!(present & 1u << bit))
			continue;
		unsigned a = rt_fields[bit].align;
		off = (off + a - 1) & ~(a - 1u);
		if (off + rt_fields[bit].size > len)
			break;
		struct rd f = rd_at(r, off);
		switch (bit) {
		case 1: {
			uint8_t fl = rd_u8(&f);
			fcs = fl & 0x10;
			dis_field(c, 1, off, 1, "Flags", "0x10: the frame ends with its FCS", "0x%02x%s", fl,
			          fcs ? " (FCS at end)" : "");
			break;
		}
		case 2:
			dis_field(c, 1, off, 1, "Rate", NULL, "%g Mb/s", rd_u8(&f) / 2.0);
			break;
		case 3: {
			uint16_t mhz = rd_le16(&f);
			dis_field(c, 1, off, 4, "Channel", NULL, "%u MHz", mhz);
			break;
		}
		case 5:
			dis_field(c, 1, off, 1, "Antenna signal", NULL, "%d dBm", (int8_t)rd_u8(&f));
			break;
		}
		off += rt_fields[bit].size;
	}
	rd_seek(r, len);
	if (dis_short(c, "radiotap header", 0, len))
		return;
	dis_value(c, L, "%u bytes", len);
	dis_80211_frame(c, fcs);
}

void dis_link_ppi(struct dctx *c)
{
	struct rd *r = &c->r;
	uint8_t version = rd_u8(r), flags = rd_u8(r);
	uint16_t len = rd_le16(r);
	uint32_t dlt = rd_le32(r);
	c->info->proto = "PPI";
	int L = dis_layer(c, 0, len, "Per-Packet Information", "A header of radio facts (CACE PPI)", NULL);
	dis_field(c, 1, 0, 1, "Version", NULL, "%u", version);
	dis_field(c, 1, 1, 1, "Flags", NULL, "0x%02x", flags);
	dis_field(c, 1, 2, 2, "Length", NULL, "%u", len);
	dis_field(c, 1, 4, 4, "Link type", "The DLT of what follows", "%u", dlt);
	if (dis_short(c, "PPI header", 0, PPI_MIN))
		return;
	if (len < PPI_MIN) {
		dis_malformed(c, "PPI header length %u is less than %u", len, PPI_MIN);
		return;
	}
	rd_seek(r, len);
	if (dis_short(c, "PPI header", 0, len))
		return;
	dis_value(c, L, "link type %u", dlt);
	if (dlt == 105)
		dis_80211_frame(c, false);
	else if (dlt == 1)
		dis_link_ether(c);
	else {
		dis_data(c, "PPI packet", len, rd_left(r));
		dis_unsupported(c, "PPI link type %u is not decoded", dlt);
	}
}
