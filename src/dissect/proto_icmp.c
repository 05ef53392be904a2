/*
 * proto_icmp.c — ICMP for IPv4 (RFC 792; codes 9-13 of destination
 * unreachable per RFC 1122 and RFC 1812, next-hop MTU per RFC 1191).
 *
 * Error messages quote the IP header and at least the first 8 bytes of the
 * packet that caused them; that quote is decoded (see dis_quoted) so a
 * summary can say which port was unreachable.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { ICMP_HDR = 8 };
enum icmp_kind { K_OTHER, K_ECHO, K_ERROR };

static const struct dis_name unreach_codes[] = {
	{ 0, "net unreachable" }, { 1, "host unreachable" }, { 2, "protocol unreachable" },
	{ 3, "port unreachable" }, { 4, "fragmentation needed and DF set" },
	{ 5, "source route failed" }, { 6, "destination network unknown" },
	{ 7, "destination host unknown" }, { 9, "network administratively prohibited" },
	{ 10, "host administratively prohibited" }, { 13, "communication administratively prohibited" },
};
static const struct dis_name redirect_codes[] = {
	{ 0, "for the network" }, { 1, "for the host" },
	{ 2, "for the type of service and network" }, { 3, "for the type of service and host" },
};
static const struct dis_name timex_codes[] = {
	{ 0, "time to live exceeded in transit" }, { 1, "fragment reassembly time exceeded" },
};
static const struct dis_name param_codes[] = {
	{ 0, "pointer indicates the error" }, { 1, "missing a required option" }, { 2, "bad length" },
};

static const struct dis_icmp_type icmp_types[] = {
	{ 0, K_ECHO, "echo reply", NULL, 0, "The answer to an echo request (ping)" },
	{ 3, K_ERROR, "destination unreachable", unreach_codes, DIS_COUNT(unreach_codes),
	  "The packet quoted below could not be delivered; the code says why" },
	{ 4, K_ERROR, "source quench", NULL, 0, "Deprecated request to send more slowly (RFC 6633)" },
	{ 5, K_ERROR, "redirect", redirect_codes, DIS_COUNT(redirect_codes),
	  "A router tells the sender of a better first hop" },
	{ 8, K_ECHO, "echo request", NULL, 0, "Ping: asks the destination for an echo reply" },
	{ 11, K_ERROR, "time exceeded", timex_codes, DIS_COUNT(timex_codes),
	  "The TTL of the quoted packet ran out on the way (this is what traceroute uses)" },
	{ 12, K_ERROR, "parameter problem", param_codes, DIS_COUNT(param_codes),
	  "A header field of the quoted packet could not be processed" },
	{ 13, K_ECHO, "timestamp request", NULL, 0, "Asks for the destination's clock" },
	{ 14, K_ECHO, "timestamp reply", NULL, 0, "The answer to a timestamp request" },
};

const struct dis_icmp_type *dis_icmp_type(uint8_t type)
{
	return DIS_FIND(icmp_types, type, type);
}

void dis_icmp_type_fields(struct dctx *c, uint32_t o, const struct dis_icmp_type *t, uint8_t type, uint8_t code)
{
	const char *cn = dis_icmp_code_name(t, code);
	dis_field(c, 1, o, 1, "Type", t ? t->help : NULL, "%u (%s)", type, t ? t->name : "unknown");
	dis_field(c, 1, o + 1, 1, "Code", "Refines the type", cn ? "%u (%s)" : "%u", code, cn);
}

void dis_icmp_echo_fields(struct dctx *c, uint32_t o, uint16_t id, uint16_t seq)
{
	dis_field(c, 1, o + 4, 2, "Identifier", "Chosen by the sender to match replies to requests", "%u", id);
	dis_field(c, 1, o + 6, 2, "Sequence number", "Counts the requests: 1, 2, 3...", "%u", seq);
}

bool dis_icmp_header_done(struct dctx *c, int layer, uint32_t o, const char *what, const struct dis_icmp_type *t,
                          uint8_t type, uint8_t code)
{
	if (dis_short(c, what, o, ICMP_HDR))
		return false;
	dis_value(c, layer, "%s", t ? t->name : "unknown type");
	c->info->icmp = true;
	c->info->icmp_type = type;
	c->info->icmp_code = code;
	return true;
}

/* The second 4 bytes of an error message's header. */
static void error_rest(struct dctx *c, uint32_t o, uint8_t type, uint8_t code)
{
	struct rd r = rd_at(&c->r, o + 4);
	uint16_t hi = rd_be16(&r), lo = rd_be16(&r);
	if (type == 3 && code == 4) {
		dis_field(c, 1, o + 4, 2, "Unused", NULL, "%u", hi);
		dis_field(c, 1, o + 6, 2, "Next-hop MTU",
		          "The largest packet the next link takes: send smaller ones (RFC 1191)", "%u", lo);
	} else if (type == 5) {
		dis_field(c, 1, o + 4, 4, "Gateway address", "The better first-hop router", "%u.%u.%u.%u",
		          hi >> 8, hi & 0xffu, lo >> 8, lo & 0xffu);
	} else if (type == 12) {
		dis_field(c, 1, o + 4, 1, "Pointer", "The offset of the bad byte in the quoted header",
		          "%u", hi >> 8);
	} else {
		dis_field(c, 1, o + 4, 4, "Unused", "Zero in this message type", "0x%08x",
		          (uint32_t)hi << 16 | lo);
	}
}

void dis_icmp(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t type = rd_u8(r), code = rd_u8(r);
	uint16_t sum = rd_be16(r), id = rd_be16(r), seq = rd_be16(r);
	const struct dis_icmp_type *t = dis_icmp_type(type);
	struct pkt_info *i = c->info;
	char ck[64];
	dis_cksum_text(c, o, len, 2, 0, sum, ck, sizeof ck);

	i->proto = "ICMP";
	int L = dis_layer(c, o, len > ICMP_HDR ? len : ICMP_HDR, "Internet Control Message Protocol",
	                  "ICMP carries error reports and diagnostics (ping) for IPv4", NULL);
	dis_icmp_type_fields(c, o, t, type, code);
	dis_field(c, 1, o + 2, 2, "Checksum", "Ones'-complement sum over the whole ICMP message",
	          "%s", ck);
	enum icmp_kind kind = t ? (enum icmp_kind)t->kind : K_OTHER;
	if (kind == K_ECHO)
		dis_icmp_echo_fields(c, o, id, seq);
	else if (kind == K_ERROR)
		error_rest(c, o, type, code);
	else
		dis_hex(c, 1, o + 4, 4, "Rest of header", NULL);
	if (!dis_icmp_header_done(c, L, o, "ICMP header", t, type, code))
		return;
	if (len < ICMP_HDR) {
		dis_malformed(c, "ICMP message length %u is less than its 8-byte header", len);
		return;
	}
	if (kind == K_ECHO) {
		i->icmp_id = id;
		i->icmp_seq = seq;
		dis_payload(c, "ICMP", o + ICMP_HDR, len - ICMP_HDR);
		return;
	}
	if (kind == K_ERROR)
		dis_quoted(c, o + ICMP_HDR, len - ICMP_HDR);
	else if (len > ICMP_HDR)
		dis_hex(c, 1, o + ICMP_HDR, len - ICMP_HDR, "Data", NULL);
	if (!rd_has(r, o, len))
		dis_truncated(c, "ICMP message", o, len);
}
