/*
 * link_ieee802154.c — IEEE 802.15.4 MAC frames (IEEE 802.15.4-2006 section 7.2) and 6LoWPAN IPHC (RFC 6282)
 *
 * Link types (tcpdump.org list): 195 a MAC frame with its 2-byte FCS, 230
 * without one, 215 after the non-ASK PHY's preamble, SFD and length byte,
 * 283 after the TAP header (a length and TLVs, one of which names the
 * FCS's size).  The MAC header: a little-endian frame control (type,
 * security, PAN ID compression, address modes, version), a sequence
 * number, then destination PAN and address and source PAN and address,
 * each present as the address modes say (addresses little-endian, 2 or 8
 * bytes).  A data frame without security carries 6LoWPAN: an uncompressed
 * IPv6 header (dispatch 0x41), a fragment header (RFC 4944 section 5.3)
 * before one, or an IPHC header, whose IPv6 header is rebuilt here as far
 * as it goes without state: the addresses carried inline, link-local ones
 * derived from the MAC addresses, multicast ones from their inline bytes,
 * the next header when it is inline (a compressed one is named).  An
 * address compressed against a context (state shared by the network) is
 * shown as such and the IPv6 header is not rebuilt.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

static const struct dis_name frame_types[] = {
	{ 0, "beacon" }, { 1, "data" }, { 2, "acknowledgment" }, { 3, "MAC command" },
};

/* A MAC address as the frame holds it (little-endian) and as text. */
struct mac_addr {
	uint8_t mode;      /* 0 none, 2 short, 3 extended */
	uint8_t be[8];     /* most significant byte first */
};

static uint32_t addr_len(uint8_t mode)
{
	return mode == 2 ? 2 : mode == 3 ? 8 : 0;
}

static void read_addr(struct dctx *c, struct mac_addr *a, uint32_t off, const char *name)
{
	uint32_t n = addr_len(a->mode);
	uint8_t le[8] = { 0 };
	rd_bytes(&c->r, le, n);
	for (uint32_t i = 0; i < n; i++)
		a->be[i] = le[n - 1 - i];
	if (!n)
		return;
	char buf[32];
	if (n == 2)
		snprintf(buf, sizeof buf, "0x%02x%02x", a->be[0], a->be[1]);
	else
		dis_fmt_hw(a->be, 8, buf, sizeof buf);
	dis_field(c, 1, off, n, name, NULL, "%s", buf);
}

/* RFC 6282 section 3.2.2: the interface identifier of a MAC address, the
 * U/L bit of an extended one inverted, a short one as 0000:00ff:fe00:XXXX. */
static bool iid_of(const struct mac_addr *a, uint8_t iid[8])
{
	if (a->mode == 3) {
		memcpy(iid, a->be, 8);
		iid[0] ^= 0x02;
		return true;
	}
	if (a->mode == 2) {
		static const uint8_t s[6] = { 0, 0, 0, 0xff, 0xfe, 0 };
		memcpy(iid, s, 6);
		memcpy(iid + 6, a->be, 2);
		return true;
	}
	return false;
}

/* How many bytes of an IPHC address are inline (section 3.1.1). */
static uint32_t iphc_addr_len(bool ctx, bool mcast, unsigned mode)
{
	static const uint8_t mc[4] = { 16, 6, 4, 1 }, cb[4] = { 0, 8, 2, 0 }, ll[4] = { 16, 8, 2, 0 };
	return mcast ? (ctx ? 6 : mc[mode]) : ctx ? cb[mode] : ll[mode];
}

/* One IPHC address (section 3.1.1): false when it cannot be rebuilt
 * (context-based, or derived from an absent MAC address); why in *why. */
static bool iphc_addr(struct rd *r, bool ctx, bool mcast, unsigned mode, const struct mac_addr *mac, uint8_t a[16],
                      const char **why)
{
	memset(a, 0, 16);
	if (mcast && !ctx) {
		uint8_t in[16];
		rd_bytes(r, in, iphc_addr_len(false, true, mode));
		switch (mode) {
		case 0: memcpy(a, in, 16); break;
		case 1: a[0] = 0xff; a[1] = in[0]; memcpy(a + 11, in + 1, 5); break;   /* ffXX::00XX:XXXX:XXXX */
		case 2: a[0] = 0xff; a[1] = in[0]; memcpy(a + 13, in + 1, 3); break;   /* ffXX::00XX:XXXX */
		case 3: a[0] = 0xff; a[1] = 0x02; a[15] = in[0]; break;                /* ff02::00XX */
		}
		return true;
	}
	if (mcast) {
		rd_skip(r, 6);
		*why = "a multicast address built on a context's prefix";
		return false;
	}
	if (ctx) {
		rd_skip(r, iphc_addr_len(true, false, mode));
		if (mode == 0)
			return true;   /* the unspecified address :: */
		*why = "an address compressed against a context";
		return false;
	}
	a[0] = 0xfe;   /* fe80::/64, the link-local prefix */
	a[1] = 0x80;
	switch (mode) {
	case 0: rd_bytes(r, a, 16); return true;
	case 1: rd_bytes(r, a + 8, 8); return true;
	case 2: a[11] = 0xff; a[12] = 0xfe; rd_bytes(r, a + 14, 2); return true;
	}
	if (iid_of(mac, a + 8))
		return true;
	*why = "an address derived from an absent MAC address";
	return false;
}

/* The IPv6 header an IPHC header stands for, from the reader on (at the dispatch). */
static void iphc(struct dctx *c, const struct mac_addr *src, const struct mac_addr *dst, uint32_t wire_end)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t h = rd_be16(r);
	unsigned tf = h >> 11 & 3, nhc = h >> 10 & 1, hlim = h >> 8 & 3, cid = h >> 7 & 1, sac = h >> 6 & 1,
	         sam = h >> 4 & 3, m = h >> 3 & 1, dac = h >> 2 & 1, dam = h & 3;
	int L = dis_layer(c, o, 2, "6LoWPAN", "IPv6 over 802.15.4: a compressed IPv6 header (RFC 6282)", NULL);
	dis_field(c, 1, o, 2, "IPHC", "Which IPv6 header fields are carried and which are elided", "0x%04x", h);
	if (cid)
		rd_skip(r, 1);   /* the context identifiers */
	static const uint8_t tf_len[4] = { 4, 3, 1, 0 };
	rd_skip(r, tf_len[tf]);
	uint32_t nh_off = r->off;
	uint8_t nh = nhc ? 0 : rd_u8(r);
	uint32_t hl_off = r->off;
	static const uint8_t hops[4] = { 0, 1, 64, 255 };
	uint8_t hl = hlim ? hops[hlim] : rd_u8(r);
	uint32_t s_off = r->off;
	uint8_t sa[16], da[16];
	const char *why = NULL;
	bool sok = iphc_addr(r, sac, false, sam, src, sa, &why);
	uint32_t d_off = r->off;
	bool dok = iphc_addr(r, dac, m, dam, dst, da, &why);
	uint32_t end = r->off;
	dis_layer_len(c, L, end - o);
	uint32_t need = 2u + cid + tf_len[tf] + !nhc + !hlim + iphc_addr_len(sac, false, sam) +
	                iphc_addr_len(dac, m, dam);
	if (dis_short(c, "6LoWPAN IPHC header", o, need))
		return;
	c->info->proto = "6LoWPAN";
	if (!sok || !dok) {
		dis_value(c, L, "IPHC, %s", why);
		dis_undecoded(c, NULL, "6LoWPAN data", "6LoWPAN: %s is not rebuilt", why);
		return;
	}
	char s[48], d[48];
	dis_fmt_ip6(sa, s, sizeof s);
	dis_fmt_ip6(da, d, sizeof d);
	dis_value(c, L, "IPHC, %s > %s", s, d);
	dis_layer(c, o, end - o, "Internet Protocol version 6",
	          "The IPv6 header the 6LoWPAN IPHC header stands for (elided fields rebuilt)", "%s > %s", s, d);
	if (nhc)
		dis_field(c, 1, o, 1, "Next header", NULL, "compressed (6LoWPAN NHC)");
	else
		dis_field(c, 1, nh_off, 1, "Next header", NULL, "%u (%s)", nh, dis_ipproto_name(nh));
	/* An elided field's bytes are the IPHC bits that say how to rebuild it. */
	dis_field(c, 1, hlim ? o : hl_off, 1, "Hop limit", NULL, "%u", hl);
	dis_field(c, 1, d_off > s_off ? s_off : o, d_off > s_off ? d_off - s_off : 2, "Source address", NULL, "%s", s);
	dis_field(c, 1, end > d_off ? d_off : o, end > d_off ? end - d_off : 2, "Destination address", NULL, "%s", d);
	dis_ip_info(c, 6, s, d, sa, da, hl, nh);
	c->src_sum = c->dst_sum = 0;
	for (int k = 0; k < 16; k += 2) {
		c->src_sum += (uint32_t)(sa[k] << 8 | sa[k + 1]);
		c->dst_sum += (uint32_t)(da[k] << 8 | da[k + 1]);
	}
	if (nhc)
		dis_undecoded(c, NULL, "6LoWPAN compressed next header", "6LoWPAN: compressed next headers are not decoded");
	else
		dis_ip_payload(c, nh, wire_end > end ? wire_end - end : 0, 0, false);
}

/* The 6LoWPAN payload of a data frame, from the reader on. */
static void lowpan(struct dctx *c, const struct mac_addr *src, const struct mac_addr *dst, uint32_t wire_end)
{
	struct rd *r = &c->r;
	struct rd peek = *r;
	uint8_t d = rd_u8(&peek);
	if (peek.short_) {   /* an empty data frame, or one cut here */
		if (wire_end > r->off)
			dis_truncated(c, "6LoWPAN dispatch", r->off, 1);
		return;
	}
	if ((d & 0xf8) == 0xc0) {   /* FRAG1: size, tag, then the first fragment's header */
		uint32_t o = r->off;
		uint16_t size = rd_be16(r) & 0x7ff, tag = rd_be16(r);
		dis_layer(c, o, 4, "6LoWPAN fragment", "The first fragment of an IPv6 packet (RFC 4944 section 5.3)",
		          "size %u, tag 0x%04x", size, tag);
		if (dis_short(c, "6LoWPAN fragment header", o, 4))
			return;
		peek = *r;
		d = rd_u8(&peek);
		if (peek.short_) {
			dis_truncated(c, "6LoWPAN dispatch", r->off, 1);
			return;
		}
	}
	if (d == 0x41) {
		rd_skip(r, 1);
		dis_ipv6(c);
	} else if ((d & 0xe0) == 0x60) {
		iphc(c, src, dst, wire_end);
	} else {
		dis_undecoded(c, NULL, "6LoWPAN data", "6LoWPAN dispatch 0x%02x is not decoded", d);
	}
}

/* The MAC header and payload from the reader on, ending at wire_end on the wire. */
static void mac_body(struct dctx *c, uint32_t wire_end)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t fc = rd_le16(r);
	uint8_t seq = rd_u8(r);
	unsigned type = fc & 7;
	bool sec = fc >> 3 & 1, panc = fc >> 6 & 1;
	struct mac_addr dst = { (uint8_t)(fc >> 10 & 3), { 0 } }, src = { (uint8_t)(fc >> 14 & 3), { 0 } };
	const char *tn = dis_name(frame_types, DIS_COUNT(frame_types), type);
	c->info->proto = "802.15.4";
	int L = dis_layer(c, o, 3, "IEEE 802.15.4", "A frame of a low-rate wireless personal area network", NULL);
	dis_field(c, 1, o, 2, "Frame type", NULL, "%u (%s)", type, tn ? tn : "reserved");
	dis_flag(c, 1, o, 1, "Security enabled", NULL, sec);
	dis_flag(c, 1, o, 1, "PAN ID compression", "The source PAN is the destination's, not repeated", panc);
	dis_field(c, 1, o + 1, 1, "Frame version", NULL, "%u", fc >> 12 & 3);
	dis_field(c, 1, o + 2, 1, "Sequence number", NULL, "%u", seq);
	if (dst.mode == 1 || src.mode == 1) {
		dis_short(c, "802.15.4 header", o, 3);
		dis_malformed(c, "802.15.4: address mode 1 is reserved");
		return;
	}
	if (dst.mode) {
		uint32_t at = r->off;
		uint16_t pan = rd_le16(r);
		dis_field(c, 1, at, 2, "Destination PAN", NULL, "0x%04x", pan);
		read_addr(c, &dst, at + 2, "Destination");
	}
	if (src.mode) {
		if (!panc || !dst.mode) {   /* 2006: the source PAN unless compressed away */
			uint32_t at = r->off;
			uint16_t pan = rd_le16(r);
			dis_field(c, 1, at, 2, "Source PAN", NULL, "0x%04x", pan);
		}
		read_addr(c, &src, r->off, "Source");
	}
	uint32_t hl = r->off - o;
	dis_layer_len(c, L, hl);
	if (dis_short(c, "802.15.4 header", o, hl))
		return;
	dis_value(c, L, "%s, seq %u", tn ? tn : "reserved type", seq);
	if (type != 1 || sec) {
		if (rd_left(r))
			dis_undecoded(c, NULL, "802.15.4 payload", "802.15.4: %s are not decoded",
			              sec ? "secured frames" : "frames other than data");
		return;
	}
	lowpan(c, &src, &dst, wire_end);
}

/* A MAC frame from the reader on; fcs: its last bytes are an FCS of that many bytes. */
static void mac_frame(struct dctx *c, uint32_t fcs)
{
	struct rd *r = &c->r;
	uint32_t o = r->off, len = r->len;
	/* Where the frame ends on the wire, before its FCS: what a rebuilt
	 * IPv6 header's payload length is counted to.  The FCS is not payload:
	 * the reader ends before it, and a capture cut inside it says so. */
	uint32_t wire_end = c->d->wirelen > len ? c->d->wirelen : len;
	wire_end = wire_end >= o + fcs ? wire_end - fcs : o;
	bool fcs_cut = fcs && len < wire_end + fcs && len >= wire_end;
	if (fcs && len >= wire_end)
		r->len = wire_end;
	mac_body(c, wire_end);
	r->len = len;
	if (fcs_cut)
		dis_truncated(c, "802.15.4 FCS", wire_end, fcs);
}

void dis_link_802154(struct dctx *c)
{
	mac_frame(c, 2);
}

void dis_link_802154_nofcs(struct dctx *c)
{
	mac_frame(c, 0);
}

/* The non-ASK PHY: a 4-byte preamble, the start-of-frame delimiter and the frame's length. */
void dis_link_802154_phy(struct dctx *c)
{
	struct rd *r = &c->r;
	rd_skip(r, 5);
	uint8_t len = rd_u8(r);
	dis_layer(c, 0, 6, "IEEE 802.15.4 PHY", "The physical layer's preamble, delimiter and frame length",
	          "length %u", len & 0x7f);
	if (!dis_short(c, "802.15.4 PHY header", 0, 6))
		mac_frame(c, 2);
}

/* The TAP header: version, reserved, a little-endian length covering the
 * TLVs (type, length, value padded to 4 bytes); TLV 0 is the FCS type
 * (0 none, 1 16 bits, 2 32 bits). */
void dis_link_802154_tap(struct dctx *c)
{
	struct rd *r = &c->r;
	uint8_t version = rd_u8(r);
	rd_skip(r, 1);
	uint16_t hl = rd_le16(r);
	int L = dis_layer(c, 0, hl, "IEEE 802.15.4 TAP", "A capture header: the FCS's size and radio facts", NULL);
	dis_field(c, 1, 0, 1, "Version", NULL, "%u", version);
	dis_field(c, 1, 2, 2, "Length", NULL, "%u", hl);
	if (dis_short(c, "802.15.4 TAP header", 0, 4))
		return;
	if (hl < 4 || version != 0) {
		dis_malformed(c, "802.15.4 TAP: version %u, length %u", version, hl);
		return;
	}
	uint32_t fcs = 2;
	while (r->off + 4 <= hl) {   /* each turn moves on by 4 bytes or more */
		uint32_t t = r->off;
		uint16_t type = rd_le16(r), len = rd_le16(r);
		if (type == 0 && len == 1 && t + 5 <= hl) {
			uint8_t f = rd_u8(r);
			fcs = f == 1 ? 2 : f == 2 ? 4 : 0;
			dis_field(c, 1, t, 8, "FCS type", NULL, "%u", f);
		}
		rd_seek(r, t + 4 + ((len + 3u) & ~3u));
		if (r->short_)
			break;
	}
	rd_seek(r, hl);
	if (dis_short(c, "802.15.4 TAP header", 0, hl))
		return;
	dis_value(c, L, "FCS %u bytes", fcs);
	mac_frame(c, fcs);
}
