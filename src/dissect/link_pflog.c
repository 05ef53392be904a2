/*
 * link_pflog.c — OpenBSD/FreeBSD pf's log device (LINKTYPE_PFLOG, 117, per
 * the tcpdump.org link-layer header types list): each packet a pf rule with
 * "log" matched, after a header saying which rule and what it did.
 *
 * The header starts with its own length (the packet follows at that length
 * rounded up to 4 bytes), the address family (AF_INET 2; AF_INET6 24 on
 * OpenBSD and NetBSD, 28 on FreeBSD, 30 on macOS), the action and reason
 * codes, the interface name and anchor (16 bytes each, NUL-padded), the
 * rule and sub-rule numbers, then ids and the direction.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

enum { PFLOG_MIN = 28 };

static const struct dis_name actions[] = {
	{ 0, "pass" }, { 1, "block" }, { 2, "scrub" }, { 3, "no scrub" }, { 4, "nat" }, { 5, "no nat" },
	{ 6, "binat" }, { 7, "no binat" }, { 8, "rdr" }, { 9, "no rdr" }, { 10, "synproxy drop" },
	{ 11, "defer" }, { 12, "match" }, { 13, "divert" }, { 14, "rt" }, { 15, "after rt" },
};

static const struct dis_name reasons[] = {
	{ 0, "match" }, { 1, "bad offset" }, { 2, "fragment" }, { 3, "short" }, { 4, "normalize" },
	{ 5, "memory" }, { 6, "bad timestamp" }, { 7, "congestion" }, { 8, "ip-option" },
	{ 9, "proto-cksum" }, { 10, "state-mismatch" }, { 11, "state-insert" }, { 12, "state-limit" },
	{ 13, "src-limit" }, { 14, "synproxy" },
};

/* A NUL-padded name of n bytes at the reader, shown as text. */
static void name_field(struct dctx *c, uint32_t off, const char *label, const char *help)
{
	char buf[17];
	struct rd r = rd_at(&c->r, off);
	rd_bytes(&r, buf, 16);
	if (r.short_)
		return;
	buf[16] = '\0';
	for (char *p = buf; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '.';
	dis_field(c, 1, off, 16, label, help, "%s", buf[0] ? buf : "(none)");
}

void dis_link_pflog(struct dctx *c)
{
	struct rd *r = &c->r;
	uint8_t hlen = rd_u8(r), af = rd_u8(r), action = rd_u8(r), reason = rd_u8(r);
	rd_skip(r, 32);
	uint32_t rulenr = rd_be32(r);
	uint32_t hl = (hlen + 3u) & ~3u;
	const char *an = dis_name(actions, DIS_COUNT(actions), action);
	const char *rn = dis_name(reasons, DIS_COUNT(reasons), reason);
	bool v6 = af == 24 || af == 28 || af == 30;
	c->info->proto = "PFLOG";
	int L = dis_layer(c, 0, hl, "pf log", "What the pf firewall rule that logged this packet did", NULL);
	dis_field(c, 1, 0, 1, "Header length", NULL, "%u", hlen);
	dis_field(c, 1, 1, 1, "Family", NULL, "%u (%s)", af, af == 2 ? "IPv4" : v6 ? "IPv6" : "unknown");
	dis_field(c, 1, 2, 1, "Action", NULL, "%u (%s)", action, an ? an : "unknown");
	dis_field(c, 1, 3, 1, "Reason", NULL, "%u (%s)", reason, rn ? rn : "unknown");
	name_field(c, 4, "Interface", "The interface the packet was seen on");
	name_field(c, 20, "Anchor", "The anchor (sub-ruleset) of the rule");
	dis_field(c, 1, 36, 4, "Rule number", NULL, "%d", (int32_t)rulenr);
	if (r->short_ || rd_left(r) + r->off < hl) {
		dis_truncated(c, "pflog header", 0, hl < PFLOG_MIN ? PFLOG_MIN : hl);
		return;
	}
	if (hl < PFLOG_MIN + 12) {
		dis_malformed(c, "pflog header length %u is shorter than its fixed fields", hlen);
		return;
	}
	dis_value(c, L, "rule %d, %s", (int32_t)rulenr, an ? an : "unknown action");
	rd_seek(r, hl);
	if (af == 2)
		dis_ipv4(c);
	else if (v6)
		dis_ipv6(c);
	else {
		dis_data(c, "pflog payload", hl, rd_left(r));
		dis_unsupported(c, "pflog address family %u is not decoded", af);
	}
}
