/*
 * proto_dhcp6.c — DHCPv6 (RFC 8415) over UDP ports 546 (client) and 547
 * (server and relay): the message type and transaction ID, a relay's
 * link and peer addresses with the relayed message inside, and the
 * options, with the ones a learner follows through an exchange decoded
 * (DUIDs, IA_NA/IA_TA/IA_PD with their addresses and prefixes, the option
 * request list, elapsed time, status code, DNS servers); the rest are
 * named by number and shown as bytes.
 *
 * Recognised by port only.  Options nest (an IA holds addresses, a relay
 * message holds a whole message): the walk recurses at most MAX_NEST deep
 * and shows at most MAX_OPTIONS options a level, each step moving forward
 * by at least the 4-byte option header.  An option whose length runs past
 * what holds it is MALFORMED.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

enum { MSG_HDR = 4, RELAY_HDR = 34, OPT_HDR = 4, MAX_OPTIONS = 64, MAX_NEST = 4 };
enum { RELAY_FORW = 12, RELAY_REPL = 13 };
enum { O_CLIENTID = 1, O_SERVERID = 2, O_IA_NA = 3, O_IA_TA = 4, O_IAADDR = 5, O_ORO = 6,
       O_PREFERENCE = 7, O_ELAPSED = 8, O_RELAY_MSG = 9, O_UNICAST = 12, O_STATUS = 13,
       O_RAPID = 14, O_DNS = 23, O_DOMAINS = 24, O_IA_PD = 25, O_IAPREFIX = 26 };

/* RFC 8415 section 7.3 and the IANA registry; tcpdump's short names. */
static const struct dis_name msg_names[] = {
	{ 1, "solicit" }, { 2, "advertise" }, { 3, "request" }, { 4, "confirm" }, { 5, "renew" },
	{ 6, "rebind" }, { 7, "reply" }, { 8, "release" }, { 9, "decline" }, { 10, "reconfigure" },
	{ 11, "inf-req" }, { 12, "relay-fwd" }, { 13, "relay-reply" }, { 14, "leasequery" },
	{ 15, "leasequery-reply" },
};
static const struct dis_name msg_helps[] = {
	{ 1, "a client looks for servers" }, { 2, "a server says it can serve" },
	{ 3, "the client asks one server for addresses" }, { 4, "the client checks its addresses still fit the link" },
	{ 5, "the client asks its server to extend the lease" }, { 6, "the client asks any server to extend it" },
	{ 7, "the server answers" }, { 8, "the client gives addresses back" },
	{ 9, "an address is already in use" }, { 10, "the server tells the client to renew" },
	{ 11, "the client asks for settings only" }, { 12, "a relay passes a message on to a server" },
	{ 13, "a server answers through a relay" },
};
static const struct dis_name status_names[] = {
	{ 0, "Success" }, { 1, "UnspecFail" }, { 2, "NoAddrsAvail" }, { 3, "NoBinding" },
	{ 4, "NotOnLink" }, { 5, "UseMulticast" }, { 6, "NoPrefixAvail" },
};
static const struct dis_name duid_types[] = {
	{ 1, "link-layer address plus time" }, { 2, "enterprise number" }, { 3, "link-layer address" },
	{ 4, "UUID" },
};

static const struct opt6 {
	unsigned code;
	const char *name;
	const char *help;
} opts[] = {
	{ O_CLIENTID, "Client identifier", "The client's DUID: how servers tell clients apart" },
	{ O_SERVERID, "Server identifier", "The server's DUID" },
	{ O_IA_NA, "Identity association for non-temporary addresses", "IA_NA: the addresses a client "
	  "holds on one interface, with when to renew them" },
	{ O_IA_TA, "Identity association for temporary addresses", NULL },
	{ O_IAADDR, "IA address", "One address of an IA and how long it may be used" },
	{ O_ORO, "Option request", "The options the client wants in the answer" },
	{ O_PREFERENCE, "Preference", "A server's rank: the client picks the highest" },
	{ O_ELAPSED, "Elapsed time", "How long the client has been trying, in hundredths of a second" },
	{ O_RELAY_MSG, "Relay message", "The relayed client or server message" },
	{ 11, "Authentication", NULL },
	{ O_UNICAST, "Server unicast", "The address the client may send to directly" },
	{ O_STATUS, "Status code", "Whether the request worked, and why not" },
	{ O_RAPID, "Rapid commit", "Two messages instead of four: solicit and reply" },
	{ 15, "User class", NULL },
	{ 16, "Vendor class", NULL },
	{ 17, "Vendor-specific information", NULL },
	{ 18, "Interface ID", "Chosen by a relay to know the interface it received on" },
	{ 19, "Reconfigure message", NULL },
	{ 20, "Reconfigure accept", NULL },
	{ O_DNS, "DNS recursive name servers", "Resolvers to use (RFC 3646)" },
	{ O_DOMAINS, "Domain search list", "Domains for short names (RFC 3646)" },
	{ O_IA_PD, "Identity association for prefix delegation", "IA_PD: prefixes a router is given to "
	  "number its own networks with (RFC 8415 6.3)" },
	{ O_IAPREFIX, "IA prefix", "One delegated prefix and how long it may be used" },
	{ 39, "Client FQDN", NULL },
	{ 64, "AFTR name", NULL },
	{ 82, "SOL_MAX_RT", NULL },
};

static void ip6_at(struct rd *r, char *buf, size_t n)
{
	uint8_t a[16];
	rd_bytes(r, a, 16);
	dis_fmt_ip6(a, buf, n);
}

static void lifetime(struct dctx *c, int sub, uint32_t off, const char *name, const char *help, uint32_t v)
{
	if (v == 0xffffffffu)
		dis_field(c, sub, off, 4, name, help, "%u (infinity)", v);
	else
		dis_field(c, sub, off, 4, name, help, "%u s", v);
}

static void duid(struct dctx *c, int sub, uint32_t p, uint32_t n)
{
	struct rd r = rd_at(&c->r, p);
	uint16_t type = rd_be16(&r);
	const char *tn = dis_name(duid_types, DIS_COUNT(duid_types), type);
	if (n < 2)
		return;
	dis_field(c, sub, p, 2, "DUID type", NULL, "%u (%s)", type, tn ? tn : "unknown");
	uint8_t hw[16];
	char t[64];
	uint32_t at = p + 2;
	if (type == 1 && n >= 8) {
		uint16_t hwt = rd_be16(&r);
		uint32_t time = rd_be32(&r);
		dis_field(c, sub, p + 2, 2, "Hardware type", "1 for Ethernet", "%u", hwt);
		dis_field(c, sub, p + 4, 4, "Time", "Seconds since 2000-01-01 when the DUID was made", "%u", time);
		at = p + 8;
	} else if (type == 3 && n >= 4) {
		uint16_t hwt = rd_be16(&r);
		dis_field(c, sub, p + 2, 2, "Hardware type", "1 for Ethernet", "%u", hwt);
		at = p + 4;
	} else if (type == 2 && n >= 6) {
		dis_field(c, sub, p + 2, 4, "Enterprise number", NULL, "%u", rd_be32(&r));
		dis_hex(c, sub, p + 6, n - 6, "Identifier", NULL);
		return;
	} else {
		if (n > 2)
			dis_hex(c, sub, p + 2, n - 2, "Identifier", NULL);
		return;
	}
	uint32_t hl = p + n - at;
	if (hl && hl <= sizeof hw) {
		struct rd h = rd_at(&c->r, at);
		rd_bytes(&h, hw, hl);
		dis_fmt_hw(hw, hl, t, sizeof t);
		dis_field(c, sub, at, hl, "Link-layer address", NULL, "%s", t);
	} else if (hl) {
		dis_hex(c, sub, at, hl, "Link-layer address", NULL);
	}
}

/* As tshark shows it (8 hex digits) and as tcpdump does (decimal). */
static void iaid(struct dctx *c, int sub, uint32_t p, uint32_t v)
{
	dis_field(c, sub, p, 4, "IAID", "Chosen by the client for one interface", "%08x (%u)", v, v);
}

static void options(struct dctx *c, int sub, uint32_t p, uint32_t end, int nest);

/* One message at p (a client/server message or a relay's), its fields at
 * depth sub; sets the summary's words when top. */
static void message(struct dctx *c, int sub, uint32_t p, uint32_t end, int nest, bool top);

/* The contents of option code of n bytes at p. */
static void opt_body(struct dctx *c, int sub, unsigned code, uint32_t p, uint32_t n, int nest)
{
	struct rd r = rd_at(&c->r, p);
	char a[64];
	switch (code) {
	case O_CLIENTID:
	case O_SERVERID:
		duid(c, sub, p, n);
		return;
	case O_IA_NA:
	case O_IA_PD:
		if (n < 12)
			break;
		iaid(c, sub, p, rd_be32(&r));
		dis_field(c, sub, p + 4, 4, "T1", "When to ask the same server to extend (0: the server's choice)",
		          "%u s", rd_be32(&r));
		dis_field(c, sub, p + 8, 4, "T2", "When to ask any server", "%u s", rd_be32(&r));
		options(c, sub, p + 12, p + n, nest + 1);
		return;
	case O_IA_TA:
		if (n < 4)
			break;
		iaid(c, sub, p, rd_be32(&r));
		options(c, sub, p + 4, p + n, nest + 1);
		return;
	case O_IAADDR:
		if (n < 24)
			break;
		ip6_at(&r, a, sizeof a);
		dis_field(c, sub, p, 16, "Address", NULL, "%s", a);
		lifetime(c, sub, p + 16, "Preferred lifetime", "After it, new connections avoid the address",
		         rd_be32(&r));
		lifetime(c, sub, p + 20, "Valid lifetime", "After it, the address is gone", rd_be32(&r));
		options(c, sub, p + 24, p + n, nest + 1);
		return;
	case O_IAPREFIX:
		if (n < 25)
			break;
		lifetime(c, sub, p, "Preferred lifetime", NULL, rd_be32(&r));
		lifetime(c, sub, p + 4, "Valid lifetime", NULL, rd_be32(&r));
		{
			uint8_t plen = rd_u8(&r);
			ip6_at(&r, a, sizeof a);
			dis_field(c, sub, p + 8, 1, "Prefix length", NULL, "%u", plen);
			dis_field(c, sub, p + 9, 16, "Prefix", NULL, "%s", a);
		}
		options(c, sub, p + 25, p + n, nest + 1);
		return;
	case O_ORO:
		for (uint32_t k = 0; k + 2 <= n && k < 2 * MAX_OPTIONS; k += 2) {
			uint16_t q = rd_be16(&r);
			const struct opt6 *o = DIS_FIND(opts, code, q);
			dis_field(c, sub, p + k, 2, "Requested option", NULL, "%u (%s)", q, o ? o->name : "unknown");
		}
		return;
	case O_PREFERENCE:
		if (n != 1)
			break;
		dis_field(c, sub, p, 1, "Preference value", NULL, "%u", rd_u8(&r));
		return;
	case O_ELAPSED:
		if (n != 2) {
			break;
		} else {
			uint16_t t = rd_be16(&r);
			dis_field(c, sub, p, 2, "Elapsed time value", NULL, "%u (%u.%02u s)", t, t / 100u, t % 100u);
		}
		return;
	case O_RELAY_MSG:
		message(c, sub, p, p + n, nest + 1, false);
		return;
	case O_UNICAST:
		if (n != 16)
			break;
		ip6_at(&r, a, sizeof a);
		dis_field(c, sub, p, 16, "Server address", NULL, "%s", a);
		return;
	case O_STATUS:
		if (n < 2)
			break;
		{
			uint16_t st = rd_be16(&r);
			const char *sn = dis_name(status_names, DIS_COUNT(status_names), st);
			dis_field(c, sub, p, 2, "Status", NULL, "%u (%s)", st, sn ? sn : "unknown");
			if (n > 2) {
				char t[FIELD_VALUE_MAX - 4];
				dis_text(&c->r, p + 2, n - 2, t, sizeof t);
				dis_field(c, sub, p + 2, n - 2, "Message", NULL, "\"%s\"", t);
			}
		}
		return;
	case O_DNS:
		if (n % 16)
			break;
		for (uint32_t k = 0; k < n && k < 16 * 16; k += 16) {
			ip6_at(&r, a, sizeof a);
			dis_field(c, sub, p + k, 16, "DNS server", NULL, "%s", a);
		}
		return;
	default:
		break;
	}
	if (n)
		dis_hex(c, sub, p, n, "Data", NULL);
}

static void options(struct dctx *c, int sub, uint32_t p, uint32_t end, int nest)
{
	if (nest > MAX_NEST) {
		if (p < end)
			dis_hex(c, sub, p, end - p, "Nested too deep", "Not decoded further");
		return;
	}
	for (int k = 0; p < end; k++) {
		if (k == MAX_OPTIONS) {
			dis_hex(c, sub, p, end - p, "More options", "Not shown one by one");
			return;
		}
		struct rd r = rd_at(&c->r, p);
		uint16_t code = rd_be16(&r), n = rd_be16(&r);
		if (r.short_)
			return;   /* cut: dis_payload says so */
		if (end - p < OPT_HDR || n > end - p - OPT_HDR) {
			dis_malformed(c, "DHCPv6 option %u length %u runs past the %u bytes that hold it", code, n,
			              end - p < OPT_HDR ? 0 : end - p - OPT_HDR);
			return;
		}
		const struct opt6 *o = DIS_FIND(opts, code, code);
		char nb[FIELD_NAME_MAX];
		if (o)
			snprintf(nb, sizeof nb, "%s", o->name);
		else
			snprintf(nb, sizeof nb, "Option %u", code);
		dis_group(c, sub, p, OPT_HDR + n, nb, o ? o->help : NULL, "%u bytes", n);
		dis_field(c, sub + 1, p, 2, "Option code", NULL, "%u", code);
		dis_field(c, sub + 1, p + 2, 2, "Length", NULL, "%u", n);
		opt_body(c, sub + 1, code, p + OPT_HDR, n, nest);
		p += OPT_HDR + n;
	}
}

static void message(struct dctx *c, int sub, uint32_t p, uint32_t end, int nest, bool top)
{
	struct rd r = rd_at(&c->r, p);
	uint8_t type = rd_u8(&r);
	const char *mn = dis_name(msg_names, DIS_COUNT(msg_names), type);
	const char *mh = dis_name(msg_helps, DIS_COUNT(msg_helps), type);
	struct pkt_info *i = c->info;
	if (end <= p)
		return;   /* an empty relay message option: nothing relayed */
	dis_field(c, sub, p, 1, "Message type", NULL, "%u (%s%s%s)", type, mn ? mn : "unknown", mh ? ": " : "",
	          mh ? mh : "");
	if (type == RELAY_FORW || type == RELAY_REPL) {
		uint8_t hops = rd_u8(&r);
		char la[64], pa[64];
		ip6_at(&r, la, sizeof la);
		ip6_at(&r, pa, sizeof pa);
		dis_field(c, sub, p + 1, 1, "Hop count", "Relays the message passed", "%u", hops);
		dis_field(c, sub, p + 2, 16, "Link address", "Names the client's link for the server", "%s", la);
		dis_field(c, sub, p + 18, 16, "Peer address", "Where the relay got the message from", "%s", pa);
		if (top)
			snprintf(i->app_summary, sizeof i->app_summary, "%s", mn);
		if (end - p < RELAY_HDR) {
			dis_malformed(c, "DHCPv6 relay message of %u bytes is shorter than its 34-byte header", end - p);
			return;
		}
		if (!r.short_)
			options(c, sub, p + RELAY_HDR, end, nest);
		return;
	}
	uint32_t xid = (uint32_t)rd_u8(&r) << 16;
	xid |= rd_be16(&r);
	dis_field(c, sub, p + 1, 3, "Transaction ID", "Chosen by the client; the answer repeats it", "0x%06x", xid);
	if (top) {
		if (mn)
			snprintf(i->app_summary, sizeof i->app_summary, "%s, xid 0x%06x", mn, xid);
		else
			snprintf(i->app_summary, sizeof i->app_summary, "message type %u, xid 0x%06x", type, xid);
	}
	if (end - p < MSG_HDR) {
		dis_malformed(c, "DHCPv6 message of %u bytes is shorter than its 4-byte header", end - p);
		return;
	}
	if (!r.short_)
		options(c, sub, p + MSG_HDR, end, nest);
}

bool dis_dhcp6(struct dctx *c, const struct dis_seg *s)
{
	if (s->tcp || !s->by_port)
		return false;
	struct pkt_info *i = c->info;
	i->app = i->proto = "DHCPv6";
	snprintf(i->app_summary, sizeof i->app_summary, "message");
	int L = dis_layer(c, s->off, s->len, "DHCPv6", "DHCPv6 hands IPv6 hosts addresses, prefixes and "
	                  "settings such as DNS servers; routers' announcements say whether to ask", NULL);
	message(c, 1, s->off, s->end, 0, true);
	dis_value(c, L, "%s", i->app_summary);
	return true;
}
