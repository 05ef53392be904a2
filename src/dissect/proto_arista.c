/*
 * proto_arista.c — Arista's timestamp header, EtherType 0xD28B (the IEEE registry assigns it to Arista)
 *
 * An Arista switch that timestamps mirrored frames inserts, after the
 * source MAC address: the EtherType 0xD28B, a 2-byte subtype (1: a
 * timestamp), a 2-byte version that says the timestamp's size and clock
 * (0x0010 64-bit TAI, 0x0110 64-bit UTC, 0x0020 48-bit TAI, 0x0120 48-bit
 * UTC), the timestamp (seconds and nanoseconds: 4 + 4 bytes, or 2 + 4),
 * then the frame's own EtherType and the rest of the frame.
 */
#include "dissect/dissect_priv.h"

enum { ARISTA_TIMESTAMP = 1 };

static const struct dis_name versions[] = {
	{ 0x0010, "64-bit TAI" }, { 0x0020, "48-bit TAI" }, { 0x0110, "64-bit UTC" }, { 0x0120, "48-bit UTC" },
};

uint32_t dis_arista(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t sub = rd_be16(r), version = rd_be16(r);
	const char *vn = dis_name(versions, DIS_COUNT(versions), version);
	c->info->proto = "Arista";
	int L = dis_layer(c, o, 4, "Arista timestamp", "The time an Arista switch saw the frame, added as it mirrored it",
	                  NULL);
	dis_field(c, 1, o, 2, "Subtype", NULL, "0x%04x%s", sub, sub == ARISTA_TIMESTAMP ? " (timestamp)" : "");
	dis_field(c, 1, o + 2, 2, "Version", NULL, "0x%04x (%s)", version, vn ? vn : "unknown");
	if (dis_short(c, "Arista header", o, 4))
		return 0;
	if (sub != ARISTA_TIMESTAMP || !vn) {
		dis_undecoded(c, NULL, "Arista data", "Arista subtype 0x%04x version 0x%04x is not decoded", sub, version);
		return 0;
	}
	bool wide = (version & 0xff) == 0x10;
	uint32_t sec = wide ? rd_be32(r) : rd_be16(r), ns = rd_be32(r);
	uint32_t hl = 4u + (wide ? 8 : 6);
	dis_layer_len(c, L, hl + 2);
	dis_field(c, 1, o + 4, hl - 4, "Timestamp", NULL, "%u.%09u s (%s)", sec, ns, vn);
	uint32_t at = r->off;
	uint16_t type = rd_be16(r);
	dis_ethertype_field(c, at, "Type", type);
	if (dis_short(c, "Arista timestamp header", o, hl + 2))
		return 0;
	dis_value(c, L, "%u.%09u s", sec, ns);
	uint32_t inner = dis_ethertype(c, type);
	return inner ? hl + 2 + inner : 0;
}
