/*
 * proto_macsec.c — MACsec, IEEE 802.1AE (EtherType 0x88e5): the SecTAG, and
 * the frame it protects when that frame is not encrypted.
 *
 * The SecTAG: a TCI/AN byte (version, end station, SCI present, single
 * copy broadcast, encrypted, changed text; the association number), the
 * short length (the secure data's length when under 48 bytes, else 0), a
 * 32-bit packet number, and the 8-byte secure channel identifier when the
 * SC bit says so.  Integrity-only frames (E and C clear) carry the original
 * EtherType and data in the clear, followed by the 16-byte ICV; encrypted
 * ones can only be shown as bytes.
 */
#include "dissect/dissect_priv.h"

enum { ICV_LEN = 16 };

/* The ICV is part of the frame: a capture that ends inside it is cut. */
static void icv_cut(struct dctx *c, uint32_t icv)
{
	if (icv + ICV_LEN > c->d->caplen)
		dis_truncated(c, "MACsec ICV", icv, ICV_LEN);
}

uint32_t dis_macsec(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t tci = rd_u8(r), sl = rd_u8(r) & 0x3f;
	uint32_t pn = rd_be32(r);
	bool sc = tci & 0x20, enc = tci & 0x08, changed = tci & 0x04;
	uint8_t sci[8] = { 0 };
	if (sc)
		rd_bytes(r, sci, 8);
	uint32_t hl = sc ? 14 : 6;
	c->info->proto = "MACsec";
	int L = dis_layer(c, o, hl, "MACsec", "IEEE 802.1AE: a frame protected between two ports of one LAN", NULL);
	dis_field(c, 1, o, 1, "TCI", "Tag control: version, ES, SC, SCB, E (encrypted), C (changed text)",
	          "0x%02x", tci & 0xfc);
	dis_flag(c, 2, o, 1, "SCI present", NULL, sc);
	dis_flag(c, 2, o, 1, "Encrypted", NULL, enc);
	dis_flag(c, 2, o, 1, "Changed text", NULL, changed);
	dis_field(c, 1, o, 1, "Association number", NULL, "%u", tci & 3);
	dis_field(c, 1, o + 1, 1, "Short length", "The secure data's length when under 48 bytes, else 0", "%u", sl);
	dis_field(c, 1, o + 2, 4, "Packet number", "Counts the frames of this association: replay protection",
	          "%u", pn);
	if (sc) {
		char s[32];
		dis_fmt_hw(sci, 8, s, sizeof s);
		dis_field(c, 1, o + 6, 8, "SCI", "Secure channel identifier: the sender's MAC address and port", "%s", s);
	}
	if (dis_short(c, "MACsec SecTAG", o, hl))
		return 0;
	dis_value(c, L, "AN %u, PN %u%s", tci & 3, pn, enc ? ", encrypted" : "");
	/* The secure data ends 16 bytes before the frame as it was on the wire. */
	uint32_t wire = c->d->wirelen > r->off ? c->d->wirelen - r->off : 0;
	uint32_t data = sl ? sl : wire > ICV_LEN ? wire - ICV_LEN : 0;
	uint32_t icv = r->off + data;
	if (enc || changed || data < 2) {
		dis_data(c, "MACsec secure data", r->off, data);
		icv_cut(c, icv);
		return hl + data + ICV_LEN;
	}
	if (icv + ICV_LEN <= r->len)
		dis_hex(c, 0, icv, ICV_LEN, "MACsec ICV", "The integrity check value over the frame");
	uint32_t at = r->off;
	uint16_t type = rd_be16(r);
	dis_ethertype_field(c, at, "Type", type);
	if (dis_short(c, "MACsec protected frame", at, 2))
		return 0;
	if (icv < r->len)
		r->len = icv;   /* the protected frame ends where the ICV begins */
	dis_ethertype(c, type);
	icv_cut(c, icv);
	return hl + data + ICV_LEN;
}
