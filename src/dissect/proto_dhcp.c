/*
 * proto_dhcp.c — DHCP (RFC 2131) and its options (RFC 2132) over UDP
 * ports 67 (server) and 68 (client): the BOOTP header (RFC 951) with the
 * addresses it hands out, the magic cookie, and the options, with the
 * message type (DISCOVER, OFFER, REQUEST, ACK...) and the common ones
 * decoded; the rest are named by number and shown as bytes.
 *
 * Recognised by port only, and then only with the magic cookie 99.130.83.99
 * after the 236-byte header (a BOOTP message without it is shown as such).
 * An option whose length runs past the message is MALFORMED; the option
 * walk moves forward by at least one byte a step and stops at End (255).
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

enum { BOOTP_HDR = 236, COOKIE = 0x63825363, MAX_OPTIONS = 255 };
enum { OPT_PAD = 0, OPT_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_HOSTNAME = 12, OPT_DOMAIN = 15,
       OPT_REQ_IP = 50, OPT_LEASE = 51, OPT_MSGTYPE = 53, OPT_SERVER_ID = 54, OPT_PARAMS = 55,
       OPT_MAXSIZE = 57, OPT_RENEW = 58, OPT_REBIND = 59, OPT_VENDOR = 60, OPT_CLIENT_ID = 61,
       OPT_END = 255 };

static const struct dis_name msg_types[] = {
	{ 1, "Discover" }, { 2, "Offer" }, { 3, "Request" }, { 4, "Decline" }, { 5, "ACK" },
	{ 6, "NAK" }, { 7, "Release" }, { 8, "Inform" },
};
static const struct dis_name msg_helps[] = {
	{ 1, "a client looks for servers" }, { 2, "a server offers an address" },
	{ 3, "the client asks for the offered address" }, { 4, "the address is already in use" },
	{ 5, "the server confirms: the address is the client's" }, { 6, "the server refuses" },
	{ 7, "the client gives the address back" }, { 8, "the client asks for settings only" },
};

static const struct opt {
	unsigned code;
	const char *name;
	char kind;           /* 'a' addresses, 't' seconds, 's' text, 'm' message type, 'p' list of codes, 'u' u16, 'x' bytes */
	const char *help;
} opts[] = {
	{ OPT_MASK, "Subnet mask", 'a', "Which part of the address is the network" },
	{ OPT_ROUTER, "Router", 'a', "The default gateway" },
	{ OPT_DNS, "Domain name server", 'a', "DNS resolvers to use" },
	{ OPT_HOSTNAME, "Host name", 's', "The client's name" },
	{ OPT_DOMAIN, "Domain name", 's', "The domain for short names" },
	{ 28, "Broadcast address", 'a', NULL },
	{ 42, "NTP servers", 'a', NULL },
	{ OPT_REQ_IP, "Requested IP address", 'a', "The address the client would like" },
	{ OPT_LEASE, "Lease time", 't', "How long the client may keep the address" },
	{ OPT_MSGTYPE, "DHCP message type", 'm', "Which step of the exchange this message is" },
	{ OPT_SERVER_ID, "Server identifier", 'a', "The server that made the offer" },
	{ OPT_PARAMS, "Parameter request list", 'p', "The options the client wants in the answer" },
	{ OPT_MAXSIZE, "Maximum message size", 'u', NULL },
	{ OPT_RENEW, "Renewal time", 't', "T1: when to ask the same server to extend the lease" },
	{ OPT_REBIND, "Rebinding time", 't', "T2: when to ask any server" },
	{ OPT_VENDOR, "Vendor class identifier", 's', NULL },
	{ OPT_CLIENT_ID, "Client identifier", 'x', "How the server tells clients apart" },
	{ 81, "Client FQDN", 'x', NULL },
	{ 119, "Domain search", 'x', NULL },
	{ 121, "Classless static route", 'x', NULL },
};

/* The four addresses of the fixed header, from offset 12 on. */
static const struct {
	const char *name, *help;
} addr_fields[4] = {
	{ "Client address", "ciaddr: the client's current address, when it has one" },
	{ "Your address", "yiaddr: the address the server gives the client" },
	{ "Server address", "siaddr: the next server (boot file), often 0" },
	{ "Relay agent address", "giaddr: the relay that forwarded this, or 0" },
};

static void ip_text(const uint8_t *a, char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* One option's value text from its n data bytes at r. */
static void opt_value(struct rd *r, const struct opt *o, uint8_t code, uint8_t n, char *v, size_t vn,
                      uint8_t *msgtype)
{
	v[0] = '\0';
	char kind = o ? o->kind : 'x';
	if ((kind == 'a' && (n == 0 || n % 4)) || (kind == 't' && n != 4) || (kind == 'm' && n != 1) ||
	    (kind == 'u' && n != 2))
		kind = 'x';
	switch (kind) {
	case 'a':
		for (unsigned k = 0; k < n / 4u; k++) {
			uint8_t a[4];
			char s[16];
			rd_bytes(r, a, 4);
			ip_text(a, s, sizeof s);
			dis_appendf(v, vn, "%s%s", k ? ", " : "", s);
		}
		return;
	case 't': {
		uint32_t t = rd_be32(r);
		if (t == 0xffffffffu)
			snprintf(v, vn, "infinite");
		else
			snprintf(v, vn, "%u (%u h %u min %u s)", t, t / 3600, t / 60 % 60, t % 60);
		return;
	}
	case 'm': {
		uint8_t m = rd_u8(r);
		const char *mn = dis_name(msg_types, DIS_COUNT(msg_types), m);
		const char *mh = dis_name(msg_helps, DIS_COUNT(msg_helps), m);
		snprintf(v, vn, "%u (%s%s%s)", m, mn ? mn : "unknown", mh ? ": " : "", mh ? mh : "");
		*msgtype = m;
		return;
	}
	case 'u':
		snprintf(v, vn, "%u", rd_be16(r));
		return;
	case 's': {
		char s[FIELD_VALUE_MAX - 4];
		dis_text(r, r->off, n, s, sizeof s);
		snprintf(v, vn, "\"%s\"", s);
		rd_skip(r, n);
		return;
	}
	case 'p':
		for (unsigned k = 0; k < n; k++) {
			uint8_t p = rd_u8(r);
			const struct opt *po = DIS_FIND(opts, code, p);
			dis_appendf(v, vn, "%s%u%s%s%s", k ? ", " : "", p, po ? " (" : "", po ? po->name : "",
			            po ? ")" : "");
		}
		return;
	default:
		(void)code;
		snprintf(v, vn, "%u bytes:", n);
		for (unsigned k = 0; k < n && k < 24; k++)
			dis_appendf(v, vn, " %02x", rd_u8(r));
		if (n > 24)
			dis_appendf(v, vn, " ...");
		return;
	}
}

bool dis_dhcp(struct dctx *c, const struct dis_seg *s)
{
	if (s->tcp || !s->by_port || s->len < BOOTP_HDR)
		return false;
	uint32_t o = s->off;
	struct rd rr = rd_at(&c->r, o);   /* the caller's reader stays put for the next decoder */
	struct rd *r = &rr;
	uint8_t op = rd_u8(r), htype = rd_u8(r), hlen = rd_u8(r), hops = rd_u8(r);
	uint32_t xid = rd_be32(r);
	uint16_t secs = rd_be16(r), flags = rd_be16(r);
	uint8_t addr[4][4], ch[16];   /* ciaddr, yiaddr, siaddr, giaddr as in addr_fields */
	for (int k = 0; k < 4; k++)
		rd_bytes(r, addr[k], 4);
	const uint8_t *yi = addr[1];
	rd_bytes(r, ch, 16);
	if (r->short_ || (op != 1 && op != 2))
		return false;   /* not enough to tell, or not BOOTP */
	struct rd ck = rd_at(r, o + BOOTP_HDR);
	bool cookie = rd_be32(&ck) == COOKIE && !ck.short_;

	struct pkt_info *i = c->info;
	int L = dis_layer(c, o, s->len, cookie ? "Dynamic Host Configuration Protocol" :
	                  "Bootstrap Protocol", "DHCP gives a host its IPv4 address, netmask, router "
	                  "and DNS servers, for a limited time (a lease)", NULL);
	char a[16];
	dis_field(c, 1, o, 1, "Message type", "BOOTP op: 1 from a client, 2 from a server", "%u (%s)", op,
	          op == 1 ? "boot request" : "boot reply");
	dis_field(c, 1, o + 1, 1, "Hardware type", "1 for Ethernet", "%u", htype);
	dis_field(c, 1, o + 2, 1, "Hardware address length", NULL, "%u", hlen);
	dis_field(c, 1, o + 3, 1, "Hops", "Relay agents passed", "%u", hops);
	dis_field(c, 1, o + 4, 4, "Transaction ID", "Chosen by the client; the answers repeat it",
	          "0x%08x", xid);
	dis_field(c, 1, o + 8, 2, "Seconds elapsed", "Since the client began", "%u", secs);
	dis_field(c, 1, o + 10, 2, "Flags", "Bit 15: answer by broadcast (the client cannot receive "
	          "unicast before it has an address)", "0x%04x%s", flags, flags & 0x8000 ? " (broadcast)" : "");
	for (int k = 0; k < 4; k++) {
		ip_text(addr[k], a, sizeof a);
		dis_field(c, 1, o + 12 + 4u * (uint32_t)k, 4, addr_fields[k].name, addr_fields[k].help, "%s", a);
	}
	char mac[64];
	dis_fmt_hw(ch, hlen <= 16 ? hlen : 16, mac, sizeof mac);
	dis_field(c, 1, o + 28, 16, "Client hardware address", "chaddr: the client's MAC address", "%s", mac);
	dis_hex(c, 1, o + 44, 64, "Server host name", "Rarely used; may carry options (overload)");
	dis_hex(c, 1, o + 108, 128, "Boot file name", "For network boot; rarely used");

	uint8_t msgtype = 0;
	if (cookie) {
		dis_field(c, 1, o + BOOTP_HDR, 4, "Magic cookie", "99.130.83.99: DHCP options follow",
		          "0x63825363 (DHCP)");
		uint32_t p = o + BOOTP_HDR + 4;
		dis_group(c, 1, p, s->end - p, "Options", "Type, length, value: the settings themselves",
		          NULL);
		struct rd q = rd_at(&c->r, p);
		for (int k = 0; k < MAX_OPTIONS && q.off < s->end; k++) {
			uint32_t at = q.off;
			uint8_t code = rd_u8(&q);
			if (q.short_)
				break;
			if (code == OPT_PAD)
				continue;
			if (code == OPT_END) {
				dis_field(c, 2, at, 1, "End", "The end of the options", NULL);
				break;
			}
			uint8_t n = rd_u8(&q);
			if (q.short_)
				break;
			if (n > s->end - q.off) {
				dis_malformed(c, "DHCP option %u length %u runs past the end of the message", code, n);
				break;
			}
			if (!rd_has(&q, q.off, n))
				break;   /* cut by the capture: dis_payload says so */
			const struct opt *op_ = DIS_FIND(opts, code, code);
			char nb[FIELD_NAME_MAX], v[FIELD_VALUE_MAX];
			snprintf(nb, sizeof nb, "%s", op_ ? op_->name : "Option");
			if (!op_)
				snprintf(nb, sizeof nb, "Option %u", code);
			opt_value(&q, op_, code, n, v, sizeof v, &msgtype);
			dis_field(c, 2, at, 2u + n, nb, op_ ? op_->help : NULL, "%s", v);
			rd_seek(&q, at + 2u + n);
		}
	}
	i->app = i->proto = cookie ? "DHCP" : "BOOTP";
	const char *mn = dis_name(msg_types, DIS_COUNT(msg_types), msgtype);
	ip_text(yi, a, sizeof a);
	if (mn)
		snprintf(i->app_summary, sizeof i->app_summary, "%s, xid 0x%08x", mn, xid);
	else
		snprintf(i->app_summary, sizeof i->app_summary, "%s, xid 0x%08x", op == 1 ? "Request" : "Reply", xid);
	if (yi[0] | yi[1] | yi[2] | yi[3])
		dis_appendf(i->app_summary, sizeof i->app_summary, ", your address %s", a);
	if (op == 1)
		dis_appendf(i->app_summary, sizeof i->app_summary, ", from %s", mac);
	dis_value(c, L, "%s", i->app_summary);
	return true;
}
