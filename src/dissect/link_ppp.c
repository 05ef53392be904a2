/*
 * link_ppp.c — PPP frames: RFC 1661 (the protocol field), RFC 1662 (HDLC-like
 * framing: address 0xff, control 0x03), and PPPoE sessions (RFC 2516).
 *
 * LINKTYPE_PPP (9) and LINKTYPE_PPP_HDLC (50) hold a frame as it was on the
 * link, without flags, escapes or FCS: "ff 03" then the protocol, or the
 * protocol at once when the peers agreed to omit address and control
 * (ACFC, RFC 1661 section 6.6).  The protocol may be one byte when they
 * agreed to compress it (PFC, section 6.5): a protocol value's first byte
 * is even and its last odd, so an odd first byte is a whole one-byte
 * protocol.  LINKTYPE_PPP_HDLC may also hold Cisco HDLC framing (first byte
 * 0x0f or 0x8f, RFC 1547 section 4.3.1), which link_chdlc.c decodes.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

/* The IANA "PPP DLL Protocol Numbers" a capture is likely to show. */
static const struct dis_name protocols[] = {
	{ 0x0021, "IPv4" }, { 0x002b, "IPX" }, { 0x002d, "Van Jacobson compressed TCP/IP" },
	{ 0x002f, "Van Jacobson uncompressed TCP/IP" }, { 0x003d, "Multilink" }, { 0x0057, "IPv6" },
	{ 0x00fd, "compressed datagram" }, { 0x0281, "MPLS unicast" }, { 0x0283, "MPLS multicast" },
	{ 0x8021, "IPCP" }, { 0x8057, "IPV6CP" }, { 0x80fd, "CCP" }, { 0x8281, "MPLSCP" },
	{ 0xc021, "LCP" }, { 0xc023, "PAP" }, { 0xc025, "Link Quality Report" }, { 0xc223, "CHAP" },
	{ 0xc227, "EAP" },
};

static const char H_PROTO[] = "Which protocol the frame carries (RFC 1661 section 2; IANA PPP DLL numbers)";

/* The protocol field at the reader, and the packet after it. */
static void ppp_payload(struct dctx *c, uint32_t off)
{
	struct rd *r = &c->r;
	unsigned proto = rd_u8(r);
	uint32_t plen = 1;
	if (!(proto & 1)) {   /* not compressed: two bytes */
		proto = proto << 8 | rd_u8(r);
		plen = 2;
	}
	const char *n = dis_name(protocols, DIS_COUNT(protocols), proto);
	dis_field(c, 1, off, plen, "Protocol", H_PROTO, plen == 1 ? "0x%02x (%s, compressed)" : "0x%04x (%s)", proto,
	          n ? n : "unknown");
	if (dis_short(c, "PPP protocol field", off, plen))
		return;
	switch (proto) {
	case 0x0021:
		dis_ipv4(c);
		return;
	case 0x0057:
		dis_ipv6(c);
		return;
	case 0x0281:
	case 0x0283:
		dis_mpls(c);
		return;
	}
	dis_undecoded(c, n, "PPP data", "PPP protocol 0x%04x (%s) is not decoded", proto, n ? n : "unknown");
}

void dis_link_ppp(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	struct rd peek = *r;
	/* 0xff starts the address, never a protocol (0x00ff is reserved). */
	bool framed = rd_u8(&peek) == 0xff;
	uint8_t ctl = rd_u8(&peek);
	c->info->proto = "PPP";
	dis_layer(c, o, framed ? 4 : 2, "Point-to-Point Protocol",
	          "PPP: a frame of a serial, dial-up or tunnelled point-to-point link", NULL);
	if (framed) {
		rd_skip(r, 2);
		dis_field(c, 1, o, 1, "Address", "Always 0xff, all stations (RFC 1662 section 3.1)", "0xff");
		dis_field(c, 1, o + 1, 1, "Control", "0x03: an unnumbered information frame", "0x%02x", ctl);
		if (dis_short(c, "PPP header", o, 4))
			return;
		if (ctl != 0x03)
			dis_malformed(c, "PPP: control 0x%02x where HDLC-like framing has 0x03", ctl);
	}
	ppp_payload(c, r->off);
}

void dis_link_ppp_hdlc(struct dctx *c)
{
	struct rd peek = c->r;
	uint8_t a = rd_u8(&peek);
	if (!peek.short_ && (a == 0x0f || a == 0x8f))
		dis_link_chdlc(c);
	else
		dis_link_ppp(c);
}

/* PPPoE (EtherType 0x8864 session, 0x8863 discovery), RFC 2516 section 4. */
static const struct dis_name pppoe_codes[] = {
	{ 0x00, "session data" }, { 0x07, "PADO (offer)" }, { 0x09, "PADI (initiation)" },
	{ 0x19, "PADR (request)" }, { 0x65, "PADS (session confirmation)" }, { 0xa7, "PADT (termination)" },
};

uint32_t dis_pppoe(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t vt = rd_u8(r), code = rd_u8(r);
	uint16_t session = rd_be16(r), len = rd_be16(r);
	const char *cn = dis_name(pppoe_codes, DIS_COUNT(pppoe_codes), code);
	c->info->proto = "PPPoE";
	int L = dis_layer(c, o, 6, "PPP over Ethernet", "RFC 2516: PPP sessions carried in Ethernet frames", NULL);
	dis_field(c, 1, o, 1, "Version", NULL, "%u", vt >> 4);
	dis_field(c, 1, o, 1, "Type", NULL, "%u", vt & 15);
	dis_field(c, 1, o + 1, 1, "Code", NULL, "0x%02x (%s)", code, cn ? cn : "unknown");
	dis_field(c, 1, o + 2, 2, "Session ID", NULL, "0x%04x", session);
	dis_field(c, 1, o + 4, 2, "Payload length", NULL, "%u", len);
	if (dis_short(c, "PPPoE header", o, 6))
		return 0;
	dis_value(c, L, "%s, session 0x%04x", cn ? cn : "unknown code", session);
	if (code != 0x00)
		dis_data(c, "PPPoE discovery", r->off, len);
	else   /* a session's payload is a PPP frame without address and control */
		ppp_payload(c, r->off);
	return 6u + len;
}
