/*
 * proto_vrrp.c — VRRP, IP protocol 112: version 2 (RFC 3768 section 5)
 * and version 3 (RFC 9568 section 5, over IPv4 and IPv6): the router that
 * owns a virtual address advertises it with its priority, so another takes
 * over when the advertisements stop.  Shown: version, type, virtual router
 * ID, priority, the addresses, the interval, version 2's authentication,
 * and the checksum verified (version 3's over the IP pseudo-header).
 *
 * tcpdump's summary: "VRRPv2, Advertisement, vrid 1, prio 100, authtype
 * none, intvl 1s, length 20".  A version other than 2 or 3, or an address
 * count the message has no room for, is MALFORMED.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>

enum { VRRP_HDR = 8, V2_AUTH = 8, MAX_ADDRS = 64 };

static const struct dis_name auth_types[] = { { 0, "none" }, { 1, "simple" }, { 2, "ah" } };

void dis_vrrp(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint8_t vt = rd_u8(r), vrid = rd_u8(r), prio = rd_u8(r), count = rd_u8(r);
	uint8_t b4 = rd_u8(r), b5 = rd_u8(r);
	uint16_t sum = rd_be16(r);
	unsigned v = vt >> 4, type = vt & 15;
	struct pkt_info *i = c->info;
	bool v6 = i->ip_version == 6;

	i->proto = "VRRP";
	int L = dis_layer(c, o, len, "Virtual Router Redundancy Protocol", "Routers share a virtual gateway "
	                  "address: the master advertises it; when it falls silent the next in priority takes over",
	                  NULL);
	dis_field(c, 1, o, 1, "Version", NULL, "%u", v);
	dis_field(c, 1, o, 1, "Type", "1: advertisement, the only type", "%u%s", type, type == 1 ? " (Advertisement)" : "");
	dis_field(c, 1, o + 1, 1, "Virtual router ID", "Which virtual router of the link (1-255)", "%u", vrid);
	dis_field(c, 1, o + 2, 1, "Priority", "Highest becomes master; 255 owns the address, 0 the master leaves",
	          "%u", prio);
	dis_field(c, 1, o + 3, 1, "Address count", NULL, "%u", count);
	unsigned intvl;
	if (v == 3) {
		intvl = (unsigned)(b4 & 15) << 8 | b5;
		dis_field(c, 1, o + 4, 2, "Maximum advertisement interval", "Centiseconds between advertisements",
		          "%u cs", intvl);
	} else {
		intvl = b5;
		const char *an = dis_name(auth_types, DIS_COUNT(auth_types), b4);
		dis_field(c, 1, o + 4, 1, "Authentication type", "Removed in version 3: it protected nothing",
		          "%u (%s)", b4, an ? an : "unknown");
		dis_field(c, 1, o + 5, 1, "Advertisement interval", NULL, "%u s", intvl);
	}
	char ck[FIELD_VALUE_MAX];
	if (v == 3)
		dis_l4_cksum(c, o, len, 6, 112, sum, ck, sizeof ck);
	else
		dis_cksum_text(c, o, len, 6, 0, sum, ck, sizeof ck);
	dis_field(c, 1, o + 6, 2, "Checksum", v == 3 ? "Over the message and the IP pseudo-header" :
	          "Over the VRRP message", "%s", ck);
	if (!dis_header_v2v3(c, "VRRP", o, VRRP_HDR, v))
		return;
	i->app = "VRRP";
	/* RFC 3768 5.1.1.3: sent with TTL 255, so a receiver knows it came
	 * from the link itself; tcpdump flags any other. */
	char ttl[16] = "";
	if (i->ttl != 255)
		snprintf(ttl, sizeof ttl, ", (ttl %u)", i->ttl);
	if (v == 2) {
		const char *an = dis_name(auth_types, DIS_COUNT(auth_types), b4);
		char at[16];
		snprintf(at, sizeof at, "%u", b4);
		snprintf(i->app_summary, sizeof i->app_summary, "VRRPv2, %s%s, vrid %u, prio %u, authtype %s, intvl %us, "
		         "length %u", type == 1 ? "Advertisement" : "unknown type", ttl, vrid, prio, an ? an : at, intvl, len);
	} else {
		snprintf(i->app_summary, sizeof i->app_summary, "VRRPv3, %s%s, vrid %u, prio %u, intvl %ucs, length %u",
		         type == 1 ? "Advertisement" : "unknown type", ttl, vrid, prio, intvl, len);
	}
	dis_value(c, L, "%s", i->app_summary);
	uint32_t asz = v6 && v == 3 ? 16 : 4;
	uint32_t need = VRRP_HDR + count * asz + (v == 2 ? V2_AUTH : 0);
	if (need > len) {
		dis_malformed(c, "VRRP message of %u bytes has no room for its %u addresses (%u bytes needed)", len,
		              count, need);
		return;
	}
	uint32_t p = o + VRRP_HDR;
	for (unsigned k = 0; k < count && k < MAX_ADDRS; k++, p += asz) {
		struct rd a = rd_at(&c->r, p);
		uint8_t b[16];
		char t[64];
		rd_bytes(&a, b, asz);
		if (asz == 16)
			dis_fmt_ip6(b, t, sizeof t);
		else
			snprintf(t, sizeof t, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		dis_field(c, 1, p, asz, "Virtual address", "An address the virtual router answers for", "%s", t);
	}
	p = o + VRRP_HDR + count * asz;
	if (v == 2) {
		if (b4 == 1) {
			char pw[12];
			struct rd t = rd_at(&c->r, p);
			uint32_t pl = 0;   /* padded with NULs */
			while (pl < V2_AUTH && rd_u8(&t) && !t.short_)
				pl++;
			dis_text(&c->r, p, pl, pw, sizeof pw);
			dis_field(c, 1, p, V2_AUTH, "Authentication data", "A password in plain text", "\"%s\"", pw);
		} else {
			dis_hex(c, 1, p, V2_AUTH, "Authentication data", NULL);
		}
	}
	if (!rd_has(&c->r, o, len))
		dis_truncated(c, "VRRP message", o, len);
}
