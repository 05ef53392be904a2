/*
 * link_nflog.c — Linux NFLOG (LINKTYPE_NFLOG, 239, per the tcpdump.org
 * link-layer header types list): packets an iptables/nftables rule sent to
 * a netfilter log group, captured on the "nflog" device.
 *
 * A 4-byte header — address family (AF_INET 2, AF_INET6 10), version 0,
 * the log group (resource ID, big-endian) — then type-length-value
 * attributes whose length and type are in the capturing host's byte order
 * (little-endian on the machines that write these), each padded to 4
 * bytes.  Attribute 9, NFULA_PAYLOAD, is the packet from its IP header on;
 * 10 is the rule's prefix text.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { NFLOG_HDR = 4, TLV_HDR = 4, MAX_TLVS = 64, NFULA_PAYLOAD = 9, NFULA_PREFIX = 10 };

static const struct dis_name tlv_types[] = {
	{ 1, "packet header" }, { 2, "mark" }, { 3, "timestamp" }, { 4, "input interface" },
	{ 5, "output interface" }, { 6, "physical input interface" }, { 7, "physical output interface" },
	{ 8, "hardware address" }, { 9, "payload" }, { 10, "prefix" }, { 11, "uid" }, { 12, "sequence" },
	{ 13, "global sequence" }, { 14, "gid" }, { 15, "hardware type" }, { 16, "hardware header" },
	{ 17, "hardware header length" },
};

void dis_link_nflog(struct dctx *c)
{
	struct rd *r = &c->r;
	uint8_t family = rd_u8(r), version = rd_u8(r);
	uint16_t group = rd_be16(r);
	c->info->proto = "NFLOG";
	int L = dis_layer(c, 0, NFLOG_HDR, "Linux netfilter log (NFLOG)",
	                  "A packet a firewall rule logged: its attributes, then the packet", NULL);
	dis_field(c, 1, 0, 1, "Family", NULL, "%u (%s)", family, family == 2 ? "IPv4" : family == 10 ? "IPv6" : "unknown");
	dis_field(c, 1, 1, 1, "Version", NULL, "%u", version);
	dis_field(c, 1, 2, 2, "Log group", "The nflog group the rule logs to", "%u", group);
	if (dis_short(c, "NFLOG header", 0, NFLOG_HDR))
		return;
	for (int n = 0; n < MAX_TLVS && rd_left(r) >= TLV_HDR; n++) {
		uint32_t at = r->off;
		uint16_t len = rd_le16(r), type = rd_le16(r) & 0x7fff;
		const char *tn = dis_name(tlv_types, DIS_COUNT(tlv_types), type);
		if (len < TLV_HDR) {
			dis_malformed(c, "NFLOG attribute length %u is less than its 4-byte header", len);
			return;
		}
		uint32_t vlen = len - TLV_HDR;
		if (type == NFULA_PAYLOAD) {
			dis_layer_len(c, L, at + TLV_HDR);
			dis_field(c, 1, at, TLV_HDR, "Attribute", NULL, "%u (payload), %u bytes", type, vlen);
			dis_value(c, L, "group %u", group);
			if (r->off + vlen < r->len)
				r->len = r->off + vlen;
			if (family == 2)
				dis_ipv4(c);
			else if (family == 10)
				dis_ipv6(c);
			else
				dis_data(c, "NFLOG payload", r->off, vlen);
			return;
		}
		if (type == NFULA_PREFIX && vlen) {
			char text[64];
			uint32_t tl = vlen;   /* the prefix is a C string: without its NUL */
			struct rd t = rd_at(r, r->off);
			for (uint32_t k = 0; k < vlen; k++)
				if (rd_u8(&t) == 0 && !t.short_) {
					tl = k;
					break;
				}
			dis_text(r, r->off, tl, text, sizeof text);
			dis_group(c, 1, at, len, "Prefix", "The log prefix the rule gave", "%s", text);
		} else {
			dis_group(c, 1, at, len, "Attribute", NULL, "%u (%s), %u bytes", type, tn ? tn : "unknown", vlen);
		}
		rd_seek(r, at + ((len + 3u) & ~3u));
	}
	dis_layer_len(c, L, r->off);
	if (r->short_ || rd_left(r) || c->d->caplen < c->d->wirelen)
		dis_truncated(c, "NFLOG attributes", 0, r->off + TLV_HDR);
	else
		dis_value(c, L, "group %u, no payload", group);
}
