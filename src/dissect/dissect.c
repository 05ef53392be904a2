/*
 * dissect.c — the entry point, the field array and the dispatch tables.
 *
 * dissect_frame picks a link decoder from a const table by link type; link
 * decoders hand over by EtherType and IP decoders by protocol number, both
 * through tables here, so adding a protocol is adding a row and a file
 * (application payloads are dispatched the same way, in app.c).  This
 * file also holds what every decoder shares: recording fields (which enforces
 * "every field lies within the captured bytes"), problems, the payload and
 * raw-data layers, the ICMP quoted-packet decode, and raw IP link types
 * (LINKTYPE_RAW/IPV4/IPV6 from the tcpdump.org link-type list).
 */
#include "dissect/dissect_priv.h"
#include "common/strbuf.h"
#include "common/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- fields */

static struct field *field_push(struct dissection *d)
{
	d->fields = vec_room(d->fields, d->nfields, &d->cap, sizeof *d->fields);
	return &d->fields[d->nfields++];   /* field_add sets every member */
}

/* Add a field; when it is not all captured, clip it (clip) or leave it out. */
static int field_add(struct dctx *c, int depth, uint32_t off, uint32_t len, bool clip,
                     const char *name, const char *help, const char *fmt, va_list ap)
{
	uint32_t lim = c->r.len;
	if (!rd_has(&c->r, off, len)) {
		if (!clip)
			return -1;
		if (off > lim)
			off = lim;
		len = lim - off;
	}
	struct field *f = field_push(c->d);
	f->off = off;
	f->len = len;
	f->depth = (uint8_t)depth;
	f->help = help;
	f->name[0] = f->value[0] = '\0';
	if (c->d->opts & DISSECT_NO_TEXT)
		return (int)(c->d->nfields - 1);   /* formatting is most of the cost of a frame */
	snprintf(f->name, sizeof f->name, "%s", name);
	if (fmt)
		vsnprintf(f->value, sizeof f->value, fmt, ap);
	return (int)(c->d->nfields - 1);
}

int dis_layer(struct dctx *c, uint32_t off, uint32_t len, const char *name, const char *help,
              const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int i = field_add(c, c->depth, off, len, true, name, help, fmt, ap);
	va_end(ap);
	return i;
}

void dis_layer_len(struct dctx *c, int idx, uint32_t len)
{
	if (idx < 0)
		return;
	struct field *f = &c->d->fields[idx];
	f->len = rd_has(&c->r, f->off, len) ? len : c->r.len - f->off;
}

void dis_value(struct dctx *c, int idx, const char *fmt, ...)
{
	if (idx < 0 || (c->d->opts & DISSECT_NO_TEXT))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->d->fields[idx].value, FIELD_VALUE_MAX, fmt, ap);
	va_end(ap);
}

bool dis_field(struct dctx *c, int sub, uint32_t off, uint32_t len, const char *name,
               const char *help, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int i = field_add(c, c->depth + sub, off, len, false, name, help, fmt, ap);
	va_end(ap);
	return i >= 0;
}

void dis_group(struct dctx *c, int sub, uint32_t off, uint32_t len, const char *name,
               const char *help, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	field_add(c, c->depth + sub, off, len, true, name, help, fmt, ap);
	va_end(ap);
}

void dis_hex(struct dctx *c, int sub, uint32_t off, uint32_t len, const char *name, const char *help)
{
	if (c->d->opts & DISSECT_NO_TEXT) {
		dis_group(c, sub, off, len, name, help, NULL);
		return;
	}
	char hex[FIELD_VALUE_MAX];
	struct rd r = rd_at(&c->r, off);
	size_t n = (size_t)snprintf(hex, sizeof hex, "%u bytes:", len);
	uint32_t i = 0;
	for (; i < len && rd_left(&r) > 0 && n + 8 < sizeof hex; i++)
		n += (size_t)snprintf(hex + n, sizeof hex - n, " %02x", rd_u8(&r));
	if (i < len)
		snprintf(hex + n, sizeof hex - n, " ...");
	dis_group(c, sub, off, len, name, help, "%s", hex);
}

void dis_flag(struct dctx *c, int sub, uint32_t off, uint32_t len, const char *name,
              const char *help, bool set)
{
	dis_field(c, sub, off, len, name, help, "%s", set ? "set" : "not set");
}

const void *dis_find(const void *table, size_t n, size_t size, unsigned key)
{
	const char *e = table;
	for (size_t i = 0; i < n; i++, e += size) {
		unsigned k;
		memcpy(&k, e, sizeof k);   /* the key leads every entry (DIS_FIND checks) */
		if (k == key)
			return e;
	}
	return NULL;
}

const char *dis_name(const struct dis_name *t, size_t n, unsigned v)
{
	const struct dis_name *e = dis_find(t, n, sizeof *t, v);
	return e ? e->name : NULL;
}

const char *dis_name_or(const struct dis_name *t, size_t n, unsigned v, char *buf, size_t bn, const char *fmt, ...)
{
	const char *name = dis_name(t, n, v);
	if (name)
		return name;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, bn, fmt, ap);
	va_end(ap);
	return buf;
}

const char *dis_icmp_type_name(const struct dis_icmp_type *t)
{
	return t ? t->name : NULL;
}

const char *dis_icmp_code_name(const struct dis_icmp_type *t, uint8_t code)
{
	return t && t->codes ? dis_name(t->codes, t->ncodes, code) : NULL;
}

/* -------------------------------------------------------------- problems */

static void problem(struct dctx *c, enum dis_status st, const char *fmt, va_list ap)
{
	struct dissection *d = c->d;
	if (c->quoted || (d->status != DIS_OK && d->status != DIS_UNSUPPORTED))
		return;
	if (d->status == DIS_UNSUPPORTED && st == DIS_UNSUPPORTED)
		return;
	d->status = st;
	vsnprintf(d->problem, sizeof d->problem, fmt, ap);
}

static void problemf(struct dctx *c, enum dis_status st, const char *fmt, ...) DIS_PRINTF(3, 4);
static void problemf(struct dctx *c, enum dis_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	problem(c, st, fmt, ap);
	va_end(ap);
}

static uint32_t captured_from(const struct dctx *c, uint32_t start)
{
	return start < c->r.len ? c->r.len - start : 0;
}

void dis_truncated(struct dctx *c, const char *what, uint32_t start, uint32_t need)
{
	problemf(c, DIS_TRUNCATED, "truncated: %s needs %u bytes, %u captured", what, need,
	         captured_from(c, start));
}

bool dis_short(struct dctx *c, const char *what, uint32_t start, uint32_t need)
{
	if (!c->r.short_)
		return false;
	dis_truncated(c, what, start, need);
	return true;
}

static void vproblem(struct dctx *c, enum dis_status st, const char *fmt, va_list ap) DIS_PRINTF(3, 0);
static void vproblem(struct dctx *c, enum dis_status st, const char *fmt, va_list ap)
{
	char msg[150];
	vsnprintf(msg, sizeof msg, fmt, ap);
	problemf(c, st, "%s: %s", st == DIS_MALFORMED ? "malformed" : "unsupported", msg);
}

void dis_malformed(struct dctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(c, DIS_MALFORMED, fmt, ap);
	va_end(ap);
}

void dis_unsupported(struct dctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(c, DIS_UNSUPPORTED, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------- payload and raw data */

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

void dis_payload(struct dctx *c, const char *proto, uint32_t off, uint32_t len)
{
	if (c->quoted)
		return;
	uint32_t cap = min_u32(len, captured_from(c, off));
	c->info->payload_off = off;
	c->info->payload_len = len;
	c->info->payload_caplen = cap;
	if (len == 0)
		return;
	if (dis_app(c, off, len)) {
		if (cap < len)
			problemf(c, DIS_TRUNCATED, "truncated: %s payload %u bytes, %u captured", proto, len, cap);
		return;
	}

	/* A printable preview of the first bytes, as tcpdump -A shows them. */
	enum { PREVIEW = 48 };
	char text[PREVIEW + 1];
	struct rd r = rd_at(&c->r, off);
	uint32_t n = min_u32(cap, PREVIEW);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t b = rd_u8(&r);
		text[i] = b >= 0x20 && b < 0x7f ? (char)b : '.';
	}
	text[n] = '\0';
	char got[32] = "";
	if (cap < len)
		snprintf(got, sizeof got, " (%u captured)", cap);
	dis_layer(c, off, len, "Payload",
	          "The application's bytes carried by this segment or datagram",
	          "%u bytes%s: \"%s\"%s", len, got, text, cap > PREVIEW ? "..." : "");
	if (cap < len)
		problemf(c, DIS_TRUNCATED, "truncated: %s payload %u bytes, %u captured", proto, len, cap);
}

void dis_data(struct dctx *c, const char *name, uint32_t off, uint32_t len)
{
	uint32_t cap = min_u32(len, captured_from(c, off));
	char got[32] = "";
	if (cap < len)
		snprintf(got, sizeof got, " (%u captured)", cap);
	dis_layer(c, off, len, name, NULL, "%u bytes%s", len, got);
	if (len)
		dis_hex(c, 1, off, len, "Data", "Bytes this program does not decode");
	if (cap < len)
		problemf(c, DIS_TRUNCATED, "truncated: %s %u bytes, %u captured", name, len, cap);
}

void dis_undecoded(struct dctx *c, const char *known, const char *fallback, const char *fmt, ...)
{
	char name[FIELD_NAME_MAX];
	snprintf(name, sizeof name, "%s", known ? known : fallback);
	if (known)
		c->info->proto = known;
	dis_data(c, name, c->r.off, rd_left(&c->r));
	va_list ap;
	va_start(ap, fmt);
	vproblem(c, DIS_UNSUPPORTED, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ EtherTypes */

/* IEEE EtherType registry values. */
static const struct dis_next ethertypes[] = {
	{ 0x0800, "IPv4", dis_ipv4 },
	{ 0x0806, "ARP", dis_arp },
	{ 0x22eb, "ERSPAN type III", NULL },
	{ 0x6558, "Transparent Ethernet bridging", NULL },
	{ 0x8035, "RARP", dis_arp },
	{ 0x8100, "802.1Q VLAN", dis_vlan },
	{ 0x86dd, "IPv6", dis_ipv6 },
	{ 0x880b, "PPP", NULL },
	{ 0x8847, "MPLS", dis_mpls },
	{ 0x8848, "MPLS multicast", dis_mpls },
	{ 0x8863, "PPPoE discovery", dis_pppoe },
	{ 0x8864, "PPPoE session", dis_pppoe },
	{ 0x888e, "EAPOL", NULL },
	{ 0x88a8, "802.1ad VLAN", dis_vlan },
	{ 0x88be, "ERSPAN", NULL },
	{ 0x88cc, "LLDP", NULL },
	{ 0x88e5, "MACsec", dis_macsec },
	{ 0x894f, "NSH", dis_nsh },
	{ 0xd28b, "Arista timestamp", dis_arista },
};

bool dis_ethertype_decodes(uint16_t type)
{
	const struct dis_next *e = DIS_FIND(ethertypes, v, type);
	return e && e->decode;
}

const char *dis_ethertype_name(uint16_t type)
{
	const struct dis_next *e = DIS_FIND(ethertypes, v, type);
	return e ? e->name : NULL;
}

void dis_ethertype_field(struct dctx *c, uint32_t off, const char *name, uint16_t type)
{
	const char *n = dis_ethertype_name(type);
	dis_field(c, 1, off, 2, name, "EtherType: which protocol's header follows", "0x%04x (%s)", type,
	          n ? n : "unknown");
}

uint32_t dis_ethertype(struct dctx *c, uint16_t type)
{
	const struct dis_next *e = DIS_FIND(ethertypes, v, type);
	if (e && e->decode)
		return e->decode(c);

	char name[FIELD_NAME_MAX];
	if (e) {
		c->info->proto = e->name;
		snprintf(name, sizeof name, "%s", e->name);
	} else {
		snprintf(name, sizeof name, "EtherType 0x%04x", type);
	}
	dis_data(c, name, c->r.off, rd_left(&c->r));
	dis_unsupported(c, "%s is not decoded", name);
	return 0;
}

/* ---------------------------------------------------------- IP protocols */

/* IANA protocol numbers.  Extension headers are listed for their names;
 * proto_ipv6.c walks them before it dispatches here. */
static const struct ipproto {
	unsigned num;
	const char *name;
	void (*decode)(struct dctx *c, uint32_t len);
} ipprotos[] = {
	{ 0, "IPv6 hop-by-hop options", NULL },
	{ 1, "ICMP", dis_icmp },
	{ 2, "IGMP", NULL },
	{ 4, "IPv4 in IP", dis_ipip },
	{ 6, "TCP", dis_tcp },
	{ 17, "UDP", dis_udp },
	{ 41, "IPv6 in IP", dis_ip6ip },
	{ 43, "IPv6 routing header", NULL },
	{ 44, "IPv6 fragment header", NULL },
	{ 47, "GRE", dis_gre },
	{ 50, "ESP", NULL },
	{ 51, "AH", NULL },
	{ 58, "ICMPv6", dis_icmp6 },
	{ 59, "No next header", NULL },
	{ 60, "IPv6 destination options", NULL },
	{ 89, "OSPF", dis_ospf },
	{ 103, "PIM", NULL },
	{ 112, "VRRP", dis_vrrp },
	{ 132, "SCTP", dis_sctp },
	{ 136, "UDP-Lite", NULL },
};

const char *dis_ipproto_name(uint8_t proto)
{
	const struct ipproto *p = DIS_FIND(ipprotos, num, proto);
	return p ? p->name : NULL;
}

bool dis_header_v2v3(struct dctx *c, const char *proto, uint32_t o, uint32_t need, unsigned v)
{
	if (c->r.short_) {
		char what[32];
		snprintf(what, sizeof what, "%s header", proto);
		dis_truncated(c, what, o, need);
		return false;
	}
	if (c->quoted)
		return false;
	if (v != 2 && v != 3) {
		dis_malformed(c, "%s version %u is neither 2 nor 3", proto, v);
		return false;
	}
	return true;
}

void dis_ip_info(struct dctx *c, uint8_t version, const char *src, const char *dst, const uint8_t *sraw,
                 const uint8_t *draw, uint8_t ttl, uint8_t proto)
{
	struct pkt_info *i = c->info;
	size_t alen = version == 4 ? 4 : 16;
	i->ip_version = version;
	/* As snprintf "%s" would cut them, without its cost on every packet. */
	size_t ls = strnlen(src, sizeof i->src - 1), ld = strnlen(dst, sizeof i->dst - 1);
	memcpy(i->src, src, ls);
	i->src[ls] = '\0';
	memcpy(i->dst, dst, ld);
	i->dst[ld] = '\0';
	memset(i->ip_src, 0, sizeof i->ip_src);
	memset(i->ip_dst, 0, sizeof i->ip_dst);
	memcpy(i->ip_src, sraw, alen);
	memcpy(i->ip_dst, draw, alen);
	i->ttl = ttl;
	i->ip_proto = proto;
}

bool dis_ip_addrs(struct dctx *c, int L, uint32_t o, uint32_t at, uint32_t alen, const char *src,
                  const char *dst, uint32_t need, unsigned version, unsigned want)
{
	dis_field(c, 1, o + at, alen, "Source address", "The sending host", "%s", src);
	dis_field(c, 1, o + at + alen, alen, "Destination address", "The host the packet is for", "%s", dst);
	char what[16];
	snprintf(what, sizeof what, "IPv%u header", want);
	if (dis_short(c, what, o, need))
		return false;
	dis_value(c, L, "%s > %s", src, dst);
	if (version != want) {
		dis_malformed(c, "IPv%u version field is %u, not %u", want, version, want);
		return false;
	}
	return true;
}

void dis_ip_payload(struct dctx *c, uint8_t proto, uint32_t len, uint32_t frag_off, bool more)
{
	const struct ipproto *p = DIS_FIND(ipprotos, num, proto);
	char name[FIELD_NAME_MAX];
	if (frag_off) {
		snprintf(name, sizeof name, "%s fragment data", p ? p->name : "IP");
		c->info->fragment = true;
		c->info->frag_offset = frag_off;
		c->info->l4_len = len;
		dis_data(c, name, c->r.off, len);
		return;
	}
	if (!c->quoted)
		c->info->l4_len = len;
	if (p && p->decode) {
		bool was = c->partial;
		c->partial = more;
		p->decode(c, len);
		c->partial = was;
		return;
	}
	if (len == 0 && proto == 59)
		return;   /* "no next header" with nothing after it: all is well */
	if (p)
		snprintf(name, sizeof name, "%s", p->name);
	else
		snprintf(name, sizeof name, "IP protocol %u", proto);
	dis_data(c, name, c->r.off, len);
	dis_unsupported(c, "%s is not decoded", name);
}

void dis_ports(struct dctx *c, uint32_t off, uint16_t sport, uint16_t dport)
{
	dis_field(c, 1, off, 2, "Source port", "The sending socket's port", "%u", sport);
	dis_field(c, 1, off + 2, 2, "Destination port", "The receiving socket's port", "%u", dport);
	if (rd_has(&c->r, off, 4)) {
		c->info->has_ports = true;
		c->info->sport = sport;
		c->info->dport = dport;
	}
}

/* ------------------------------------------------- ICMP's quoted packet */

void dis_quoted(struct dctx *c, uint32_t off, uint32_t len)
{
	if (c->quoted || len == 0)
		return;
	struct pkt_info scratch;
	memset(&scratch, 0, sizeof scratch);
	struct dctx q = *c;
	q.info = &scratch;
	q.depth = (uint8_t)(c->depth + 1);
	q.quoted = true;
	q.partial = false;
	/* The quote ends with the ICMP message, wherever its own headers say
	 * the original packet ended. */
	q.r = rd_at(&c->r, off);
	if (len < q.r.len - q.r.off)
		q.r.len = q.r.off + len;

	struct rd peek = q.r;
	uint8_t version = rd_u8(&peek) >> 4;
	if (peek.short_)
		return;
	if (version == 4)
		dis_ipv4(&q);
	else if (version == 6)
		dis_ipv6(&q);
	else
		dis_hex(&q, 0, off, len, "Original datagram", "The start of the packet that caused this error");

	struct pkt_quote *o = &c->info->quote;
	o->valid = scratch.ip_version != 0;
	o->ip_version = scratch.ip_version;
	memcpy(o->src, scratch.src, sizeof o->src);
	memcpy(o->dst, scratch.dst, sizeof o->dst);
	o->ip_proto = scratch.ip_proto;
	o->has_ports = scratch.has_ports;
	o->sport = scratch.sport;
	o->dport = scratch.dport;
}

/* ---------------------------------------------------------- small helpers */

uint16_t dis_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void dis_cksum_text(const struct dctx *c, uint32_t off, uint32_t len, uint32_t at, uint32_t pseudo,
                    uint16_t sum, char *buf, size_t n)
{
	/* The text goes only into a field's value, which DISSECT_NO_TEXT leaves
	 * "": summing every byte of every packet for it was a twentieth of the
	 * packet list's time. */
	if (c->d->opts & DISSECT_NO_TEXT) {
		if (n)
			buf[0] = '\0';
		return;
	}
	if (at + 2 > len || !rd_has(&c->r, off, len)) {
		snprintf(buf, n, "0x%04x (not verified: not all captured)", sum);
		return;
	}
	struct rd t = rd_at(&c->r, off);
	uint32_t s = pseudo + rd_sum16(&t, at);
	rd_skip(&t, 2);   /* the checksum field itself counts as zero */
	s += rd_sum16(&t, len - at - 2);
	uint16_t want = (uint16_t)~dis_cksum_fold(s);
	if (want == sum)
		snprintf(buf, n, "0x%04x (correct)", sum);
	else
		snprintf(buf, n, "0x%04x (incorrect, should be 0x%04x)", sum, want);
}

void dis_l4_cksum(const struct dctx *c, uint32_t off, uint32_t len, uint32_t at, uint8_t proto,
                  uint16_t sum, char *buf, size_t n)
{
	if (c->d->opts & DISSECT_NO_TEXT) {   /* as dis_cksum_text */
		if (n)
			buf[0] = '\0';
		return;
	}
	uint32_t pseudo = c->src_sum + c->dst_sum + proto + (len >> 16) + (len & 0xffff);
	if (c->partial || c->info->fragment) {
		snprintf(buf, n, "0x%04x (unverified: IP fragment, the rest of the segment is elsewhere)", sum);
		return;
	}
	if (at + 2 > len || !rd_has(&c->r, off, len)) {
		snprintf(buf, n, "0x%04x (unverified: not all bytes captured)", sum);
		return;
	}
	uint16_t part = dis_cksum_fold(pseudo), npart = (uint16_t)~part;
	if (sum == part || sum == npart) {
		/* CHECKSUM_PARTIAL: the sender left the pseudo-header sum for the
		 * hardware to finish; on loopback nothing ever does. */
		char full[64];
		dis_cksum_text(c, off, len, at, pseudo, sum, full, sizeof full);
		if (!strstr(full, "(correct)")) {
			snprintf(buf, n, "0x%04x (unverified: offloaded, it holds only the pseudo-header sum; "
			         "the network card would fill it in)", sum);
			return;
		}
	}
	dis_cksum_text(c, off, len, at, pseudo, sum, buf, n);
}

void dis_fmt_hw(const uint8_t *a, size_t n, char *buf, size_t bn)
{
	/* By hand, cut as the appends of "%02x" were: a hot path for every
	 * Ethernet frame's tree. */
	static const char hex[] = "0123456789abcdef";
	struct strbuf b = sb_make(buf, bn);
	for (size_t i = 0; i < n; i++) {
		char x[3] = { ':', hex[a[i] >> 4], hex[a[i] & 15] };
		if (b.len + 1 >= bn)
			break;   /* full: a further append added nothing */
		sb_mem(&b, i ? x : x + 1, i ? 3 : 2);
	}
}

/* ------------------------------------------------------- raw IP links */

static void link_raw(struct dctx *c)
{
	struct rd peek = c->r;
	uint8_t version = rd_u8(&peek) >> 4;
	c->info->proto = "IP";
	if (peek.short_) {
		dis_truncated(c, "IP header", 0, 1);
	} else if (version == 4) {
		dis_ipv4(c);
	} else if (version == 6) {
		dis_ipv6(c);
	} else {
		dis_data(c, "Raw IP", 0, rd_left(&c->r));
		dis_malformed(c, "raw IP packet has version %u, not 4 or 6", version);
	}
}

static void link_ipv4(struct dctx *c)
{
	dis_ipv4(c);
}

static void link_pppoe(struct dctx *c)
{
	dis_pppoe(c);
}

static void link_ipv6(struct dctx *c)
{
	dis_ipv6(c);
}

/* ------------------------------------------------------------- link types */

static const struct link {
	unsigned type;
	const char *name;
	void (*decode)(struct dctx *c);
} links[] = {
	{ LINK_NULL, "BSD loopback", dis_link_null },
	{ LINK_ETHERNET, "Ethernet", dis_link_ether },
	{ LINK_RAW, "Raw IP", link_raw },
	{ LINK_LOOP, "OpenBSD loopback", dis_link_loop },
	{ LINK_LINUX_SLL, "Linux cooked (SLL)", dis_link_sll },
	{ LINK_IPV4, "Raw IPv4", link_ipv4 },
	{ LINK_IPV6, "Raw IPv6", link_ipv6 },
	{ LINK_LINUX_SLL2, "Linux cooked (SLL2)", dis_link_sll2 },
	{ LINK_PPP, "PPP", dis_link_ppp },
	{ LINK_PPP_HDLC, "PPP in HDLC-like framing", dis_link_ppp_hdlc },
	{ LINK_PPP_ETHER, "PPPoE", link_pppoe },
	{ LINK_C_HDLC, "Cisco HDLC", dis_link_chdlc },
	{ LINK_FRELAY, "Frame Relay", dis_link_fr },
	{ LINK_ARCNET_LINUX, "Linux ARCNET", dis_link_arcnet },
	{ LINK_IPNET, "Solaris IPNET", dis_link_ipnet },
	{ LINK_IPOIB, "IP over InfiniBand", dis_link_ipoib },
	{ LINK_NFLOG, "Linux NFLOG", dis_link_nflog },
	{ LINK_PFLOG, "OpenBSD pflog", dis_link_pflog },
	{ LINK_PKTAP, "Apple PKTAP", dis_link_pktap },
	/* macOS's libpcap writes PKTAP captures with LINKTYPE_USER2 (149). */
	{ LINK_USER2, "Apple PKTAP (USER2)", dis_link_pktap },
	{ LINK_IEEE802_15_4, "IEEE 802.15.4", dis_link_802154 },
	{ 215, "IEEE 802.15.4 non-ASK PHY", dis_link_802154_phy },
	{ LINK_IEEE802_15_4_NOFCS, "IEEE 802.15.4 without FCS", dis_link_802154_nofcs },
	{ 283, "IEEE 802.15.4 TAP", dis_link_802154_tap },
	{ 130, "Juniper MLPPP", dis_link_juniper },
	{ 131, "Juniper MLFR", dis_link_juniper },
	{ 132, "Juniper ES", dis_link_juniper },
	{ 133, "Juniper GGSN", dis_link_juniper },
	{ 134, "Juniper MFR", dis_link_juniper },
	{ 135, "Juniper ATM2", dis_link_juniper },
	{ 136, "Juniper services", dis_link_juniper },
	{ 137, "Juniper ATM1", dis_link_juniper },
	{ 164, "Juniper monitor", dis_link_juniper },
	{ 167, "Juniper PPPoE", dis_link_juniper },
	{ 168, "Juniper PPPoE ATM", dis_link_juniper },
	{ LINK_JUNIPER_ETHER, "Juniper Ethernet", dis_link_juniper },
	{ 179, "Juniper PPP", dis_link_juniper },
	{ 180, "Juniper Frame Relay", dis_link_juniper },
	{ 181, "Juniper Cisco HDLC", dis_link_juniper },
	{ LINK_IEEE802_11, "IEEE 802.11", dis_link_80211 },
	{ LINK_RADIOTAP, "802.11 with radiotap", dis_link_radiotap },
	{ LINK_PPI, "PPI", dis_link_ppi },
};

/* A link type is an int in pcap's API; a negative one (never a real
 * type) becomes a key no entry has. */
const char *dissect_linktype_name(int linktype)
{
	const struct link *l = DIS_FIND(links, type, (unsigned)linktype);
	return l ? l->name : NULL;
}

enum dis_status dissect_frame(int linktype, const uint8_t *data, uint32_t caplen,
                              uint32_t wirelen, struct dissection *d)
{
	return dissect_frame_opt(linktype, data, caplen, wirelen, 0, d);
}

enum dis_status dissect_frame_opt(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                  unsigned opts, struct dissection *d)
{
	struct field *keep = opts & DISSECT_REUSE ? d->fields : NULL;
	size_t keepcap = opts & DISSECT_REUSE ? d->cap : 0;
	memset(d, 0, sizeof *d);
	d->fields = keep;
	d->cap = keepcap;
	d->nfields = 0;
	d->opts = opts;
	d->caplen = caplen;
	d->wirelen = wirelen;
	struct dctx c = { .d = d, .r = rd_make(data, data ? caplen : 0), .info = &d->info,
	                  .linktype = (unsigned)linktype };
	d->info.frame_hash = rd_hash(&c.r) ^ (uint64_t)linktype << 56 ^ wirelen;

	const struct link *l = DIS_FIND(links, type, (unsigned)linktype);
	if (l) {
		l->decode(&c);
	} else {
		char name[FIELD_NAME_MAX];
		snprintf(name, sizeof name, "Link type %d (unknown)", linktype);
		d->info.proto = "Unknown";
		dis_data(&c, name, 0, c.r.len);
		dis_unsupported(&c, "link type %d is not decoded", linktype);
	}
	return d->status;
}

void dissection_free(struct dissection *d)
{
	free(d->fields);
	d->fields = NULL;
	d->nfields = d->cap = 0;
}

int dissect_field_at(const struct dissection *d, uint32_t off)
{
	int best = -1;
	for (size_t i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];
		if (off >= f->off && off - f->off < f->len && (best < 0 || f->depth > d->fields[best].depth))
			best = (int)i;
	}
	return best;
}
