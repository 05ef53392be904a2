/*
 * proto_mpls.c — an MPLS label stack (RFC 3032 section 2.1), over Ethernet
 * (EtherType 0x8847 unicast, 0x8848 multicast) or PPP (0x0281, 0x0283).
 *
 * Each entry is 4 bytes: a 20-bit label, 3 bits of traffic class (RFC
 * 5462, once "EXP"), the bottom-of-stack bit and a TTL.  Nothing after the
 * bottom entry says what follows: like tcpdump, the payload is taken as
 * IPv4 or IPv6 by its first nibble, except that labels 0 and 2 (the
 * explicit nulls, RFC 3032 section 2.1) name IPv4 and IPv6 outright.
 */
#include "dissect/dissect_priv.h"

enum { MAX_LABELS = 16 };

static const struct dis_name reserved[] = {
	{ 0, "IPv4 explicit null" }, { 1, "router alert" }, { 2, "IPv6 explicit null" }, { 3, "implicit null" },
	{ 7, "entropy label indicator" }, { 13, "generic associated channel" }, { 14, "OAM alert" },
	{ 15, "extension" },
};

uint32_t dis_mpls(struct dctx *c)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint32_t last = 0;
	bool bottom = false;
	int n = 0;
	c->info->proto = "MPLS";
	int L = dis_layer(c, o, 4, "MPLS label stack", "Multiprotocol Label Switching: labels routers forward by",
	                  NULL);
	while (!bottom && n < MAX_LABELS) {
		uint32_t e = rd_be32(r);
		if (dis_short(c, "MPLS label stack entry", o + 4u * (uint32_t)n, 4))
			return 0;
		uint32_t label = e >> 12;
		bottom = e >> 8 & 1;
		const char *rn = label < 16 ? dis_name(reserved, DIS_COUNT(reserved), label) : NULL;
		uint32_t at = o + 4u * (uint32_t)n;
		dis_group(c, 1, at, 4, "Label stack entry", "One label: where routers switch it, its class, its TTL",
		          "label %u, tc %u, %sttl %u", label, e >> 9 & 7, bottom ? "[S], " : "", e & 0xff);
		dis_field(c, 2, at, 3, "Label", "20 bits: the forwarding equivalence class (0-15 are reserved)",
		          rn ? "%u (%s)" : "%u", label, rn);
		dis_field(c, 2, at + 2, 1, "Traffic class", "3 bits (RFC 5462; once called EXP)", "%u", e >> 9 & 7);
		dis_flag(c, 2, at + 2, 1, "Bottom of stack", "Set on the last label", bottom);
		dis_field(c, 2, at + 3, 1, "TTL", NULL, "%u", e & 0xff);
		last = label;
		n++;
	}
	dis_layer_len(c, L, 4u * (uint32_t)n);
	dis_value(c, L, "%d label%s, bottom %u", n, n == 1 ? "" : "s", last);
	if (!bottom) {
		dis_malformed(c, "MPLS: no bottom of stack in %d labels", MAX_LABELS);
		return 0;
	}
	struct rd peek = *r;
	uint8_t v = rd_u8(&peek) >> 4;
	if (peek.short_) {
		dis_truncated(c, "IP header after the MPLS labels", r->off, 20);
		return 0;
	}
	if (last == 0 || (last != 2 && v == 4))
		dis_ipv4(c);
	else if (last == 2 || v == 6)
		dis_ipv6(c);
	else {
		dis_data(c, "MPLS payload", r->off, rd_left(r));
		dis_unsupported(c, "what follows the MPLS label stack is not IP");
	}
	return 0;
}

/* MPLS in UDP (RFC 7510): the label stack is the whole UDP payload's start. */
bool dis_mpls_udp(struct dctx *c, const struct dis_seg *s)
{
	if (s->tcp || !s->by_port)
		return false;
	if (dis_tunnel_enter(c, "MPLS-in-UDP"))
		dis_mpls(c);
	return true;
}
