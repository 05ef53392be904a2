/*
 * link_fr.c — Frame Relay (LINKTYPE_FRELAY, 107): the Q.922 address (ITU-T
 * Q.922 section 3.3), then either RFC 2427 multiprotocol encapsulation
 * (control 0x03 and an NLPID, ISO/IEC TR 9577) or Cisco's (an EtherType).
 *
 * The address (two bytes, or three or four) holds the DLCI (the virtual circuit), the
 * command/response bit, the congestion bits FECN and BECN, and the
 * discard-eligible bit.  After it, 0x03 (a UI frame) starts RFC 2427's
 * form: an optional pad byte 0x00, then the NLPID (0xcc IPv4, 0x8e IPv6,
 * 0x80 SNAP, 0x08 Q.933 signalling).  Anything else is a router that sends
 * the EtherType right after the address, as Cisco's default does.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

static const struct dis_name nlpids[] = {
	{ 0x00, "padding" }, { 0x08, "Q.933 signalling" }, { 0x80, "SNAP" }, { 0x81, "CLNP" },
	{ 0x82, "ES-IS" }, { 0x83, "IS-IS" }, { 0x8e, "IPv6" }, { 0xb0, "FRF.9 compression" },
	{ 0xb1, "FRF.12 fragmentation" }, { 0xcc, "IPv4" }, { 0xcf, "PPP" },
};

/* The Q.922 address: 2, 3 or 4 bytes, each with its low bit (EA) set on
 * the last.  2 bytes: a 10-bit DLCI; 3: 16 bits; 4: 23 bits. */
void dis_link_fr(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;   /* 0, or after a Juniper header */
	uint8_t a[4] = { 0 };
	uint32_t alen = 0;
	do
		a[alen++] = rd_u8(r);
	while (!r->short_ && !(a[alen - 1] & 1) && alen < 4);
	unsigned dlci = (unsigned)(a[0] >> 2) << 4 | a[1] >> 4;
	if (alen == 3)
		dlci = dlci << 6 | a[2] >> 2;
	else if (alen == 4)
		dlci = (dlci << 7 | a[2] >> 1) << 6 | a[3] >> 2;
	c->info->proto = "FR";
	int L = dis_layer(c, o, alen, "Frame Relay", "A frame of a Frame Relay virtual circuit (Q.922)", NULL);
	dis_field(c, 1, o, alen, "DLCI", "Data link connection identifier: which virtual circuit", "%u", dlci);
	dis_flag(c, 1, o, 1, "Command/response", NULL, a[0] & 2);
	dis_flag(c, 1, o + 1, 1, "FECN", "Forward explicit congestion notification", a[1] & 8);
	dis_flag(c, 1, o + 1, 1, "BECN", "Backward explicit congestion notification", a[1] & 4);
	dis_flag(c, 1, o + 1, 1, "Discard eligible", "May be dropped first when the network is congested", a[1] & 2);
	if (dis_short(c, "Frame Relay address", o, alen + 1))
		return;
	if (alen < 2 || !(a[alen - 1] & 1)) {
		dis_malformed(c, "Frame Relay: the address does not end within %u bytes", alen);
		dis_data(c, "Frame Relay data", o + alen, rd_left(r));
		return;
	}
	struct rd peek = *r;
	uint8_t ctl = rd_u8(&peek);
	if (peek.short_) {
		dis_truncated(c, "Frame Relay header", o, alen + 2);
		return;
	}
	if (ctl != 0x03) {   /* Cisco encapsulation: an EtherType */
		uint16_t type = rd_be16(r);
		dis_ethertype_field(c, o + alen, "Type", type);
		dis_layer_len(c, L, alen + 2);
		if (dis_short(c, "Frame Relay header", o, alen + 2))
			return;
		dis_value(c, L, "DLCI %u, Cisco encapsulation", dlci);
		dis_ethertype(c, type);
		return;
	}
	rd_skip(r, 1);
	dis_field(c, 1, o + alen, 1, "Control", "0x03: an unnumbered information frame", "0x03");
	uint32_t at = r->off;
	uint8_t nlpid = rd_u8(r);
	if (nlpid == 0x00) {   /* RFC 2427 section 4: a pad byte (the null NLPID) before the NLPID */
		dis_field(c, 1, at, 1, "NLPID", "0x00 here is padding before the real NLPID (RFC 2427)", "0x00 (padding)");
		at = r->off;
		nlpid = rd_u8(r);
	}
	const char *nn = dis_name(nlpids, DIS_COUNT(nlpids), nlpid);
	dis_field(c, 1, at, 1, "NLPID", "Network layer protocol identifier (ISO/IEC TR 9577)", "0x%02x (%s)", nlpid,
	          nn ? nn : "unknown");
	dis_layer_len(c, L, r->off - o);
	if (dis_short(c, "Frame Relay header", o, at + 1 - o))
		return;
	dis_value(c, L, "DLCI %u, %s", dlci, nn ? nn : "unknown NLPID");
	switch (nlpid) {
	case 0xcc:
		dis_ipv4(c);
		return;
	case 0x8e:
		dis_ipv6(c);
		return;
	case 0x80: {   /* SNAP: an OUI and a protocol, an EtherType when the OUI is 0 */
		uint32_t s = r->off;
		uint8_t oui[3];
		rd_bytes(r, oui, 3);
		uint16_t type = rd_be16(r);
		dis_layer(c, s, 5, "SNAP", "Subnetwork Access Protocol: an EtherType after an organization code", NULL);
		dis_field(c, 1, s, 3, "Organization code", NULL, "%02x:%02x:%02x", oui[0], oui[1], oui[2]);
		dis_ethertype_field(c, s + 3, "Type", type);
		if (dis_short(c, "SNAP header", s, 5))
			return;
		if (!oui[0] && !oui[1] && !oui[2]) {
			dis_ethertype(c, type);
			return;
		}
		dis_data(c, "SNAP data", r->off, rd_left(r));
		return;
	}
	}
	dis_undecoded(c, nn, "Frame Relay data", "Frame Relay NLPID 0x%02x is not decoded", nlpid);
}
