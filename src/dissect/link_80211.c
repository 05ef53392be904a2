/*
 * link_80211.c — IEEE 802.11 (Wi-Fi) frames (LINKTYPE_IEEE802_11, 105;
 * IEEE Std 802.11-2020 clause 9), as captured in monitor mode, alone or
 * after a radiotap or PPI header (link_radiotap.c).
 *
 * The frame control field (type: management, control or data; subtype;
 * the To DS / From DS bits that say what the addresses mean; Protected),
 * the duration, up to four addresses, the sequence control, QoS and HT
 * control when present.  A data frame that is not protected carries an
 * LLC/SNAP header and then an EtherType's packet, decoded as over
 * Ethernet; a protected one can only be shown as bytes.  Management and
 * control frames are named, not decoded further.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

static const struct dis_name mgmt_subtypes[] = {
	{ 0, "association request" }, { 1, "association response" }, { 2, "reassociation request" },
	{ 3, "reassociation response" }, { 4, "probe request" }, { 5, "probe response" }, { 8, "beacon" },
	{ 9, "ATIM" }, { 10, "disassociation" }, { 11, "authentication" }, { 12, "deauthentication" },
	{ 13, "action" },
};
static const struct dis_name ctl_subtypes[] = {
	{ 8, "block ack request" }, { 9, "block ack" }, { 10, "PS-poll" }, { 11, "RTS" }, { 12, "CTS" },
	{ 13, "ACK" }, { 14, "CF-end" },
};

static void address(struct dctx *c, uint32_t off, const char *name, const uint8_t a[6])
{
	char s[24];
	dis_fmt_hw(a, 6, s, sizeof s);
	dis_field(c, 1, off, 6, name, NULL, "%s", s);
}

/* fcs: the frame ends with a 4-byte FCS (radiotap said so), not decoded. */
void dis_80211_frame(struct dctx *c, bool fcs)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	if (fcs && r->len >= o + 4)
		r->len -= 4;
	uint8_t fc0 = rd_u8(r), fc1 = rd_u8(r);
	uint16_t dur = rd_be16(r);
	unsigned type = fc0 >> 2 & 3, sub = fc0 >> 4;
	bool to_ds = fc1 & 1, from_ds = fc1 & 2, prot = fc1 & 0x40, order = fc1 & 0x80;
	const char *sn = type == 0 ? dis_name(mgmt_subtypes, DIS_COUNT(mgmt_subtypes), sub)
	                 : type == 1 ? dis_name(ctl_subtypes, DIS_COUNT(ctl_subtypes), sub)
	                 : sub & 8 ? "QoS data" : "data";
	c->info->proto = "802.11";
	int L = dis_layer(c, o, 2, "IEEE 802.11", "A Wi-Fi frame as the radio sent it", NULL);
	dis_field(c, 1, o, 1, "Type/subtype", NULL, "%s, %s", type == 0 ? "management" : type == 1 ? "control" :
	          type == 2 ? "data" : "extension", sn ? sn : "unknown subtype");
	dis_field(c, 1, o + 1, 1, "Flags", "To DS, From DS, more fragments, retry, power management, more data, "
	          "protected, order", "0x%02x%s%s%s", fc1, to_ds ? " to-DS" : "", from_ds ? " from-DS" : "",
	          prot ? " protected" : "");
	dis_field(c, 1, o + 2, 2, "Duration", "Microseconds the medium stays reserved (little-endian)", "%u",
	          (unsigned)(dur >> 8 | (dur & 0xff) << 8));
	if (dis_short(c, "802.11 header", o, 10))
		return;
	uint8_t a1[6], a2[6], a3[6], a4[6];
	rd_bytes(r, a1, 6);
	/* Control frames: ACK and CTS have one address, the rest two. */
	if (type == 1) {
		address(c, o + 4, "Receiver address", a1);
		uint32_t hl = 10;
		if (sub != 12 && sub != 13) {
			rd_bytes(r, a2, 6);
			address(c, o + 10, "Transmitter address", a2);
			hl = 16;
		}
		dis_layer_len(c, L, hl);
		if (dis_short(c, "802.11 control frame", o, hl))
			return;
		dis_value(c, L, "%s", sn ? sn : "control");
		return;
	}
	rd_bytes(r, a2, 6);
	rd_bytes(r, a3, 6);
	uint16_t seq = rd_be16(r);
	uint32_t hl = 24;
	if (type == 2 && to_ds && from_ds) {
		rd_bytes(r, a4, 6);
		hl += 6;
	}
	bool qos = type == 2 && (sub & 8);
	if (qos) {
		rd_skip(r, 2);
		hl += 2;
	}
	if (order && (qos || type == 0)) {
		rd_skip(r, 4);   /* HT control */
		hl += 4;
	}
	static const char *const names[4][3] = {
		{ "Destination address", "Source address", "BSSID" },   /* neither bit: ad hoc, management */
		{ "BSSID", "Source address", "Destination address" },   /* to DS */
		{ "Destination address", "BSSID", "Source address" },   /* from DS */
		{ "Receiver address", "Transmitter address", "Destination address" },
	};
	unsigned ds = (to_ds ? 1u : 0u) | (from_ds ? 2u : 0u);
	if (type != 2)
		ds = 0;
	address(c, o + 4, names[ds][0], a1);
	address(c, o + 10, names[ds][1], a2);
	address(c, o + 16, names[ds][2], a3);
	dis_field(c, 1, o + 22, 2, "Sequence number", NULL, "%u", (unsigned)((seq >> 8 | (seq & 0xff) << 8) >> 4));
	if (ds == 3)
		address(c, o + 24, "Source address", a4);
	dis_layer_len(c, L, hl);
	if (dis_short(c, "802.11 header", o, hl))
		return;
	char s2[24], s1[24];
	dis_fmt_hw(a2, 6, s2, sizeof s2);
	dis_fmt_hw(a1, 6, s1, sizeof s1);
	dis_value(c, L, "%s, %s > %s", sn ? sn : "unknown", s2, s1);
	if (type != 2) {
		if (rd_left(r))
			dis_data(c, type == 0 ? "802.11 management body" : "802.11 frame body", r->off, rd_left(r));
		return;
	}
	if (prot) {
		dis_data(c, "802.11 protected data", r->off, rd_left(r));
		return;
	}
	if (rd_left(r) == 0) {
		if (c->d->caplen < c->d->wirelen)
			dis_truncated(c, "802.11 data", r->off, 8);
		return;   /* else null data: a power-save signal */
	}
	/* LLC/SNAP: aa aa 03 and an OUI of zero, then the EtherType. */
	uint32_t s = r->off;
	uint8_t dsap = rd_u8(r), ssap = rd_u8(r), ctl = rd_u8(r);
	uint8_t oui[3];
	rd_bytes(r, oui, 3);
	uint16_t et = rd_be16(r);
	if (dis_short(c, "LLC/SNAP header", s, 8))
		return;
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03 || oui[0] || oui[1] || oui[2]) {
		rd_seek(r, s);
		dis_data(c, "802.11 data", s, rd_left(r));
		dis_unsupported(c, "802.11 data without LLC/SNAP is not decoded");
		return;
	}
	dis_layer(c, s, 8, "LLC/SNAP", "The 802.2 header Wi-Fi puts before an EtherType", NULL);
	dis_ethertype_field(c, s + 6, "Type", et);
	dis_ethertype(c, et);
}

void dis_link_80211(struct dctx *c)
{
	dis_80211_frame(c, false);
}
