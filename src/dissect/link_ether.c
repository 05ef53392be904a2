/*
 * link_ether.c — Ethernet II and IEEE 802.3 frames (IEEE 802.3 clause 3),
 * with 802.2 LLC/SNAP and 802.1Q/802.1ad VLAN tags.
 *
 * Linux captures its loopback interface as Ethernet II frames whose
 * addresses are all zero.  Bytes after the end of the IP packet (padding to
 * the 60-byte minimum) are shown as a trailer layer.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { ETHER_HDR = 14, MAX_VLAN_TAGS = 8 };

static const struct dis_name llc_saps[] = {
	{ 0x00, "null" }, { 0x06, "IP" }, { 0x42, "Spanning Tree" },
	{ 0xaa, "SNAP" }, { 0xe0, "IPX" }, { 0xf0, "NetBIOS" }, { 0xfe, "ISO network layer" },
};

static void show_address(struct dctx *c, uint32_t off, const char *name, const char *help,
                         const uint8_t mac[6])
{
	static const uint8_t zero[6];
	if (c->d->opts & DISSECT_NO_TEXT) {
		/* The field's place only: formatting a value nobody reads was a
		 * third of the packet list's time. */
		dis_field(c, 1, off, 6, name, help, NULL);
		return;
	}
	char s[24];
	dis_fmt_hw(mac, 6, s, sizeof s);
	bool none = true;
	for (int i = 0; i < 6; i++)
		none = none && mac[i] == zero[i];
	dis_field(c, 1, off, 6, name, help, "%s%s", s,
	          none ? " (all zero: the loopback interface has no hardware address)" :
	          mac[0] & 1 ? " (group address)" : "");
}

/* The padding after the network packet, when the packet's length is known. */
static void trailer(struct dctx *c, uint32_t start, uint32_t used)
{
	uint32_t end = start + used;
	if (used == 0 || end >= c->r.len)
		return;
	dis_layer(c, end, c->r.len - end, "Ethernet padding",
	          "Filler after the packet: Ethernet frames are at least 60 bytes long",
	          "%u bytes", c->r.len - end);
}

/* IEEE 802.2 LLC, and SNAP, which carries an EtherType after all. */
static uint32_t llc(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t dsap = rd_u8(r), ssap = rd_u8(r), ctl = rd_u8(r);
	uint32_t hl = (ctl & 3) == 3 ? 3 : 4;   /* U-format control is 1 byte, I/S are 2 */
	c->info->proto = "LLC";
	int L = dis_layer(c, o, hl, "Logical Link Control", "IEEE 802.2: which protocol the frame carries",
	                  NULL);
	const char *dn = dis_name(llc_saps, DIS_COUNT(llc_saps), dsap & 0xfe);
	const char *sn = dis_name(llc_saps, DIS_COUNT(llc_saps), ssap & 0xfe);
	dis_field(c, 1, o, 1, "DSAP", "Destination service access point", "0x%02x (%s)", dsap, dn ? dn : "unknown");
	dis_field(c, 1, o + 1, 1, "SSAP", "Source service access point", "0x%02x (%s)", ssap, sn ? sn : "unknown");
	unsigned control = hl == 4 ? (unsigned)ctl << 8 | rd_u8(r) : ctl;
	dis_field(c, 1, o + 2, hl - 2, "Control", NULL, hl == 4 ? "0x%04x" : "0x%02x", control);
	if (dis_short(c, "LLC header", o, hl))
		return 0;
	if (len < hl) {
		dis_malformed(c, "802.3 length %u is too short for the LLC header", len);
		return 0;
	}
	dis_value(c, L, "DSAP 0x%02x, SSAP 0x%02x", dsap, ssap);
	if (dsap == 0xaa && ssap == 0xaa && hl == 3) {
		uint32_t s = r->off;
		uint8_t oui[3];
		rd_bytes(r, oui, 3);
		uint16_t type = rd_be16(r);
		char os[12];
		dis_fmt_hw(oui, 3, os, sizeof os);
		dis_layer(c, s, 5, "SNAP", "Subnetwork Access Protocol: an EtherType inside LLC", NULL);
		dis_field(c, 1, s, 3, "Organization code", NULL, "%s", os);
		dis_ethertype_field(c, s + 3, "Type", type);
		if (dis_short(c, "SNAP header", s, 5))
			return 0;
		if (oui[0] == 0 && oui[1] == 0 && oui[2] == 0 && len >= 8) {
			dis_ethertype(c, type);
			return len;
		}
	}
	uint32_t used = r->off - o;
	dis_data(c, "LLC data", r->off, len > used ? len - used : 0);
	dis_unsupported(c, "802.2 LLC service access point 0x%02x is not decoded", dsap);
	return len;
}

/* The frame from the reader's position: offset 0 for the link layer, or
 * inside a tunnel (VXLAN, Geneve, GRE's transparent bridging, ERSPAN). */
void dis_link_ether(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t dst[6], src[6];
	rd_bytes(r, dst, 6);
	rd_bytes(r, src, 6);
	uint16_t type = rd_be16(r);
	bool is_len = !r->short_ && type <= 1500;   /* IEEE 802.3: a length, not a type */

	c->info->proto = "Ethernet";
	int L = dis_layer(c, o, ETHER_HDR, is_len ? "IEEE 802.3 Ethernet" : "Ethernet II",
	                  "The frame on the local link: who sends it, who receives it, what it carries",
	                  NULL);
	show_address(c, o, "Destination", "Hardware (MAC) address of the receiving interface", dst);
	show_address(c, o + 6, "Source", "Hardware (MAC) address of the sending interface", src);
	if (is_len)
		dis_field(c, 1, o + 12, 2, "Length", "IEEE 802.3: the number of data bytes that follow", "%u", type);
	else
		dis_ethertype_field(c, o + 12, "Type", type);
	if (dis_short(c, "Ethernet header", o, ETHER_HDR))
		return;
	char s[24], d[24];
	dis_fmt_hw(src, 6, s, sizeof s);
	dis_fmt_hw(dst, 6, d, sizeof d);
	dis_value(c, L, "%s > %s", s, d);

	if (is_len) {
		trailer(c, o + ETHER_HDR, llc(c, type));
	} else if (type < 0x600) {
		dis_data(c, "Ethernet data", o + ETHER_HDR, rd_left(r));
		dis_malformed(c, "Ethernet type 0x%04x is neither a length (up to 1500) nor an EtherType "
		              "(0x0600 and up)", type);
	} else {
		trailer(c, o + ETHER_HDR, dis_ethertype(c, type));
	}
}

uint32_t dis_vlan(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	/* The EtherType just before the tag tells an 802.1ad (provider, outer)
	 * tag from an 802.1Q one. */
	struct rd before = rd_at(r, o >= 2 ? o - 2 : 0);
	bool ad = o >= 2 && rd_be16(&before) == 0x88a8;
	uint16_t tci = rd_be16(r), type = rd_be16(r);
	dis_layer(c, o, 4, ad ? "802.1ad service tag" : "802.1Q VLAN tag",
	          ad ? "A provider's outer VLAN tag (Q-in-Q); the customer's 802.1Q tag usually follows" :
	          "Marks the frame as belonging to a virtual LAN", "VLAN %u", tci & 0xfff);
	dis_field(c, 1, o, 2, "Priority", "Priority code point: the frame's class of service (0-7)",
	          "%u", tci >> 13);
	dis_field(c, 1, o, 2, "Drop eligible", "May be dropped first under congestion", "%u",
	          (tci >> 12) & 1);
	dis_field(c, 1, o, 2, "VLAN ID", "Which virtual LAN the frame belongs to", "%u", tci & 0xfff);
	dis_ethertype_field(c, o + 2, "Type", type);
	if (dis_short(c, "802.1Q tag", o, 4))
		return 0;
	if (++c->nest > MAX_VLAN_TAGS) {
		dis_data(c, "Stacked VLAN tags", r->off, rd_left(r));
		dis_unsupported(c, "more than %d stacked VLAN tags", MAX_VLAN_TAGS);
		return 0;
	}
	uint32_t used = dis_ethertype(c, type);
	return used ? used + 4 : 0;
}
