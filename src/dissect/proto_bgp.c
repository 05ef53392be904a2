/*
 * proto_bgp.c — BGP-4 (RFC 4271 section 4) over TCP port 179: every
 * message a segment holds, with the header (marker, length, type), OPEN
 * (version, AS, hold time, identifier, capabilities per RFC 5492), UPDATE
 * (withdrawn routes, path attributes with ORIGIN, AS_PATH, NEXT_HOP, MED,
 * LOCAL_PREF decoded, the rest named and shown as bytes, and the announced
 * prefixes), NOTIFICATION (error code and subcode), KEEPALIVE and
 * ROUTE-REFRESH (RFC 2918).
 *
 * Recognised on port 179, or by content: sixteen 0xff marker bytes, a
 * length from 19 to 4096 and a type from 1 to 5 — a start nothing else
 * sends.  A segment that does not start with a marker on port 179 carries
 * the rest of an earlier message (dissection is per packet) and is said
 * so.  A message may go on in the next segment: its missing part is not
 * an error.  A length under 19, a marker that is not all ones, or a
 * length inside a message (attribute, prefix, capability) that overruns
 * what holds it is MALFORMED.  Walks move forward at least a byte a step;
 * at most MAX_MSGS messages and MAX_ITEMS items a list are shown.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

/* RFC 8654 allows up to 65535 once both ends agreed: by content only the
 * classic limit is taken. */
enum { BGP_HDR = 19, BGP_MAX = 4096, MAX_MSGS = 32, MAX_ITEMS = 64 };
enum { ATTR_SET = 128 };
enum { M_OPEN = 1, M_UPDATE = 2, M_NOTIFY = 3, M_KEEPALIVE = 4, M_REFRESH = 5 };

static const struct dis_name msg_names[] = {
	{ M_OPEN, "Open" }, { M_UPDATE, "Update" }, { M_NOTIFY, "Notification" }, { M_KEEPALIVE, "Keepalive" },
	{ M_REFRESH, "Route Refresh" },
};
static const struct dis_name msg_helps[] = {
	{ M_OPEN, "starts a session: who the speaker is and what it can do" },
	{ M_UPDATE, "routes announced and withdrawn" },
	{ M_NOTIFY, "an error: the session closes after it" },
	{ M_KEEPALIVE, "the session is alive (every third of the hold time)" },
	{ M_REFRESH, "asks the peer to send its routes again" },
};
static const struct dis_name errors[] = {
	{ 1, "Message Header Error" }, { 2, "OPEN Message Error" }, { 3, "UPDATE Message Error" },
	{ 4, "Hold Timer Expired" }, { 5, "Finite State Machine Error" }, { 6, "Cease" },
	{ 7, "ROUTE-REFRESH Message Error" },
};
static const struct dis_name attr_names[] = {
	{ 1, "ORIGIN" }, { 2, "AS_PATH" }, { 3, "NEXT_HOP" }, { 4, "MULTI_EXIT_DISC" }, { 5, "LOCAL_PREF" },
	{ 6, "ATOMIC_AGGREGATE" }, { 7, "AGGREGATOR" }, { 8, "COMMUNITIES" }, { 9, "ORIGINATOR_ID" },
	{ 10, "CLUSTER_LIST" }, { 14, "MP_REACH_NLRI" }, { 15, "MP_UNREACH_NLRI" },
	{ 16, "EXTENDED_COMMUNITIES" }, { 17, "AS4_PATH" }, { 18, "AS4_AGGREGATOR" }, { 32, "LARGE_COMMUNITY" },
	{ ATTR_SET, "ATTR_SET" },
};
static const struct dis_name cap_names[] = {
	{ 1, "Multiprotocol extensions" }, { 2, "Route refresh" }, { 5, "Extended next hop" },
	{ 6, "Extended message" }, { 9, "BGP role" }, { 64, "Graceful restart" }, { 65, "4-octet AS number" },
	{ 69, "ADD-PATH" }, { 70, "Enhanced route refresh" }, { 71, "Long-lived graceful restart" },
	{ 73, "FQDN" }, { 128, "Route refresh (Cisco)" },
};
static const struct dis_name origins[] = { { 0, "IGP" }, { 1, "EGP" }, { 2, "INCOMPLETE" } };

static void ip4_text(const uint8_t a[4], char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* IPv4 prefixes from p to end (withdrawn routes, NLRI): "10.0.0.0/8".
 * Returns how many; sets *odd when one does not fit: then the bytes are
 * likely ADD-PATH's (RFC 7911), a 4-byte path ID before each prefix, which
 * only the OPEN exchange tells; they are shown as bytes, not called
 * malformed. */
static unsigned prefixes(struct dctx *c, int sub, uint32_t p, uint32_t end, const char *name, bool *odd)
{
	unsigned k = 0;
	uint32_t start = p;
	while (p < end) {
		struct rd r = rd_at(&c->r, p);
		uint8_t bits = rd_u8(&r);
		if (r.short_)
			return k;
		uint32_t nb = (bits + 7u) / 8u;
		if (bits > 32 || nb > end - p - 1) {
			*odd = true;
			dis_hex(c, sub, start, end - start, "Undecoded prefixes", "Not IPv4 prefixes as such: "
			        "ADD-PATH (RFC 7911) puts a path ID before each, if the OPEN messages agreed on it");
			return 0;
		}
		uint8_t a[4] = { 0 };
		for (uint32_t b = 0; b < nb; b++)
			a[b] = rd_u8(&r);
		char t[20];
		ip4_text(a, t, sizeof t);
		if (k < MAX_ITEMS)
			dis_field(c, sub, p, 1 + nb, name, NULL, "%s/%u", t, bits);
		k++;
		p += 1 + nb;
	}
	return k;
}

static void open_msg(struct dctx *c, uint32_t p, uint32_t end, char *sum, size_t sn)
{
	struct rd r = rd_at(&c->r, p);
	uint8_t ver = rd_u8(&r);
	uint16_t as = rd_be16(&r), hold = rd_be16(&r);
	uint8_t id[4];
	rd_bytes(&r, id, 4);
	uint8_t olen = rd_u8(&r);
	char t[20];
	ip4_text(id, t, sizeof t);
	if (end - p < 10) {
		dis_malformed(c, "BGP OPEN of %u bytes is shorter than its 10-byte fixed part", end - p);
		return;
	}
	dis_field(c, 2, p, 1, "Version", NULL, "%u", ver);
	dis_field(c, 2, p + 1, 2, "My AS", "The sender's autonomous system (23456: see the 4-octet AS capability)",
	          "%u", as);
	dis_field(c, 2, p + 3, 2, "Hold time", "Seconds without a message before the session is dropped "
	          "(0: never)", "%u", hold);
	dis_field(c, 2, p + 5, 4, "BGP identifier", "The sender's router ID", "%s", t);
	dis_field(c, 2, p + 9, 1, "Optional parameters length", NULL, "%u", olen);
	if (r.short_)
		return;
	snprintf(sum, sn, "Open, AS %u, hold %u, id %s", as, hold, t);
	if (olen > end - p - 10) {
		dis_malformed(c, "BGP OPEN parameters length %u exceeds the %u bytes left", olen, end - p - 10);
		return;
	}
	uint32_t q = p + 10, qend = q + olen;
	for (int k = 0; q < qend && k < MAX_ITEMS; k++) {
		struct rd pr = rd_at(&c->r, q);
		uint8_t ptype = rd_u8(&pr), plen = rd_u8(&pr);
		if (pr.short_)
			return;
		if (qend - q < 2 || plen > qend - q - 2) {
			dis_malformed(c, "BGP OPEN parameter length %u runs past the parameters", plen);
			return;
		}
		dis_group(c, 2, q, 2u + plen, ptype == 2 ? "Capabilities" : "Optional parameter", NULL,
		          "type %u, %u bytes", ptype, plen);
		uint32_t cp = q + 2, cend = cp + plen;
		for (int j = 0; ptype == 2 && cp < cend && j < MAX_ITEMS; j++) {
			struct rd cr = rd_at(&c->r, cp);
			uint8_t code = rd_u8(&cr), clen = rd_u8(&cr);
			if (cr.short_)
				return;
			if (cend - cp < 2 || clen > cend - cp - 2) {
				dis_malformed(c, "BGP capability %u length %u runs past its parameter", code, clen);
				return;
			}
			const char *cn = dis_name(cap_names, DIS_COUNT(cap_names), code);
			dis_group(c, 3, cp, 2u + clen, "Capability", NULL, "%u (%s)", code, cn ? cn : "unknown");
			dis_field(c, 4, cp, 1, "Capability code", NULL, "%u", code);
			dis_field(c, 4, cp + 1, 1, "Capability length", NULL, "%u", clen);
			if (code == 65 && clen == 4)
				dis_field(c, 4, cp + 2, 4, "AS number", "The sender's full 4-octet AS", "%u", rd_be32(&cr));
			else if (code == 1 && clen == 4) {
				uint16_t afi = rd_be16(&cr);
				rd_u8(&cr);
				uint8_t safi = rd_u8(&cr);
				dis_field(c, 4, cp + 2, 4, "Address family", "AFI 1 IPv4, 2 IPv6; SAFI 1 unicast, 2 multicast",
				          "AFI %u, SAFI %u", afi, safi);
			} else if (clen)
				dis_hex(c, 4, cp + 2, clen, "Value", NULL);
			cp += 2u + clen;
		}
		if (ptype != 2 && plen)
			dis_hex(c, 3, q + 2, plen, "Value", NULL);
		q += 2u + plen;
	}
}

static void attribute_value(struct dctx *c, int sub, uint8_t type, uint32_t p, uint32_t n)
{
	struct rd r = rd_at(&c->r, p);
	uint8_t a[4];
	char t[20];
	switch (type) {
	case 1:
		if (n != 1)
			break;
		{
			uint8_t o = rd_u8(&r);
			const char *on = dis_name(origins, DIS_COUNT(origins), o);
			dis_field(c, sub, p, 1, "Origin", "Where the route came from", "%u (%s)", o, on ? on : "unknown");
		}
		return;
	case 2:
	case 17: {
		/* AS numbers are 2 or 4 bytes depending on what OPEN agreed on:
		 * per packet, 4 is taken when the lengths fit it exactly. */
		uint32_t q = p, end = p + n;
		bool four = true;
		for (int k = 0; q < end && k < MAX_ITEMS; k++) {
			struct rd s = rd_at(&c->r, q + 1);
			uint32_t cnt = rd_u8(&s);
			if (s.short_ || cnt * 4 + 2 > end - q) {
				four = false;
				break;
			}
			q += 2 + cnt * 4;
		}
		four = type == 17 || (four && q == end);
		q = p;
		for (int k = 0; q + 2 <= end && k < MAX_ITEMS; k++) {
			struct rd s = rd_at(&c->r, q);
			uint8_t st = rd_u8(&s), cnt = rd_u8(&s);
			uint32_t w = four ? 4 : 2;
			if (s.short_ || cnt * w > end - q - 2)
				break;
			char v[FIELD_VALUE_MAX] = "";
			for (unsigned j = 0; j < cnt; j++)
				dis_appendf(v, sizeof v, "%s%u", j ? " " : "", four ? rd_be32(&s) : rd_be16(&s));
			dis_field(c, sub, q, 2 + cnt * w, "AS path segment", "The ASes the route passed, nearest first "
			          "(a set: in no order)", "%s%s%s", st == 1 ? "{" : "", v, st == 1 ? "}" : "");
			q += 2 + cnt * w;
		}
		return;
	}
	case 3:
		if (n != 4)
			break;
		rd_bytes(&r, a, 4);
		ip4_text(a, t, sizeof t);
		dis_field(c, sub, p, 4, "Next hop", "Where to send packets for these prefixes", "%s", t);
		return;
	case 4:
		if (n != 4)
			break;
		dis_field(c, sub, p, 4, "MED", "Multi-exit discriminator: lower is preferred, between the same neighbors",
		          "%u", rd_be32(&r));
		return;
	case 5:
		if (n != 4)
			break;
		dis_field(c, sub, p, 4, "Local preference", "Higher is preferred, inside one AS", "%u", rd_be32(&r));
		return;
	case 8:
		if (n % 4)
			break;
		for (uint32_t k = 0; k < n && k < 4 * MAX_ITEMS; k += 4) {
			uint16_t hi = rd_be16(&r), lo = rd_be16(&r);
			dis_field(c, sub, p + k, 4, "Community", NULL, "%u:%u", hi, lo);
		}
		return;
	default:
		break;
	}
	if (n)
		dis_hex(c, sub, p, n, "Value", NULL);
}

/* Path attributes from a to aend, at depth sub; ATTR_SET (RFC 6368)
 * holds attributes of its own after an origin AS, nested once at most. */
static void attributes(struct dctx *c, int sub, uint32_t a, uint32_t aend, int nest)
{
	for (int k = 0; a < aend && k < MAX_ITEMS; k++) {
		struct rd t = rd_at(&c->r, a);
		uint8_t flags = rd_u8(&t), type = rd_u8(&t);
		uint32_t hl = flags & 0x10 ? 4 : 3;
		uint32_t n = flags & 0x10 ? rd_be16(&t) : rd_u8(&t);
		if (t.short_)
			return;
		if (aend - a < hl || n > aend - a - hl) {
			dis_malformed(c, "BGP path attribute %u length %u runs past the attributes", type, n);
			return;
		}
		const char *an = dis_name(attr_names, DIS_COUNT(attr_names), type);
		dis_group(c, sub, a, hl + n, "Path attribute", NULL, "%s (%u)", an ? an : "unknown", type);
		if (dis_field(c, sub + 1, a, 1, "Flags", "Optional, transitive, partial, extended length", "0x%02x", flags)) {
			dis_flag(c, sub + 2, a, 1, "Optional", NULL, flags & 0x80);
			dis_flag(c, sub + 2, a, 1, "Transitive", NULL, flags & 0x40);
			dis_flag(c, sub + 2, a, 1, "Partial", NULL, flags & 0x20);
			dis_flag(c, sub + 2, a, 1, "Extended length", NULL, flags & 0x10);
		}
		dis_field(c, sub + 1, a + 1, 1, "Type code", NULL, "%u (%s)", type, an ? an : "unknown");
		dis_field(c, sub + 1, a + 2, hl - 2, "Length", NULL, "%u", n);
		if (type == ATTR_SET && n >= 4 && nest == 0) {
			struct rd o = rd_at(&c->r, a + hl);
			dis_field(c, sub + 1, a + hl, 4, "Origin AS", "The AS that set these attributes", "%u", rd_be32(&o));
			attributes(c, sub + 1, a + hl + 4, a + hl + n, nest + 1);
		} else {
			attribute_value(c, sub + 1, type, a + hl, n);
		}
		a += hl + n;
	}
}

/* An UPDATE's 2-byte length at at of the block after it: its field, and
 * whether it was captured and fits the room bytes left (else malformed). */
static bool block_length(struct dctx *c, uint32_t at, uint32_t room, const char *field, const char *what,
                         uint16_t *len)
{
	struct rd r = rd_at(&c->r, at);
	*len = rd_be16(&r);
	dis_field(c, 2, at, 2, field, NULL, "%u", *len);
	if (r.short_)
		return false;
	if (*len > room) {
		dis_malformed(c, "BGP %s length %u exceeds the %u bytes left", what, *len, room);
		return false;
	}
	return true;
}

static void update_msg(struct dctx *c, uint32_t p, uint32_t end, char *sum, size_t sn)
{
	if (end - p < 4) {
		dis_malformed(c, "BGP UPDATE of %u bytes is shorter than its two length fields", end - p);
		return;
	}
	uint16_t wlen, alen;
	if (!block_length(c, p, end - p - 4, "Withdrawn routes length", "withdrawn routes", &wlen))
		return;
	bool odd = false;
	if (wlen)
		dis_group(c, 2, p + 2, wlen, "Withdrawn routes", "Prefixes no longer reachable this way", NULL);
	unsigned nw = prefixes(c, 3, p + 2, p + 2 + wlen, "Withdrawn prefix", &odd);
	uint32_t q = p + 2 + wlen;
	if (!block_length(c, q, end - q - 2, "Total path attribute length", "path attribute", &alen))
		return;
	uint32_t a = q + 2, aend = a + alen;
	if (alen)
		dis_group(c, 2, a, alen, "Path attributes", "What is said of every prefix of this message", NULL);
	attributes(c, 3, a, aend, 0);
	uint32_t np = q + 2 + alen;
	if (np < end)
		dis_group(c, 2, np, end - np, "Network layer reachability information", "The prefixes announced", NULL);
	unsigned na = prefixes(c, 3, np, end, "Prefix", &odd);
	if (!wlen && !alen && np == end)
		snprintf(sum, sn, "Update, end of RIB");
	else if (na || nw)
		snprintf(sum, sn, "Update, %u announced, %u withdrawn", na, nw);
	else
		snprintf(sum, sn, "Update");   /* attributes only, or MP_REACH's prefixes of other families */
}

static void notify_msg(struct dctx *c, uint32_t p, uint32_t end, char *sum, size_t sn)
{
	struct rd r = rd_at(&c->r, p);
	uint8_t code = rd_u8(&r), sub = rd_u8(&r);
	if (end - p < 2) {
		dis_malformed(c, "BGP NOTIFICATION of %u bytes has no room for its error code and subcode", end - p);
		return;
	}
	const char *en = dis_name(errors, DIS_COUNT(errors), code);
	dis_field(c, 2, p, 1, "Error code", NULL, "%u (%s)", code, en ? en : "unknown");
	dis_field(c, 2, p + 1, 1, "Error subcode", NULL, "%u", sub);
	if (end - p > 2)
		dis_hex(c, 2, p + 2, end - p - 2, "Data", "What caused the error, or a text (RFC 9003)");
	if (!r.short_)
		snprintf(sum, sn, "Notification, %s (%u), subcode %u", en ? en : "unknown error", code, sub);
}

static void refresh_msg(struct dctx *c, uint32_t p, uint32_t end, char *sum, size_t sn)
{
	struct rd r = rd_at(&c->r, p);
	uint16_t afi = rd_be16(&r);
	uint8_t st = rd_u8(&r), safi = rd_u8(&r);
	if (end - p < 4) {
		dis_malformed(c, "BGP ROUTE-REFRESH of %u bytes is shorter than its 4 bytes", end - p);
		return;
	}
	dis_field(c, 2, p, 2, "AFI", "1 IPv4, 2 IPv6", "%u", afi);
	dis_field(c, 2, p + 2, 1, "Subtype", "0 a request; 1 and 2 begin and end a refresh (RFC 7313)", "%u", st);
	dis_field(c, 2, p + 3, 1, "SAFI", "1 unicast, 2 multicast", "%u", safi);
	if (end - p > 4)
		dis_hex(c, 2, p + 4, end - p - 4, "Outbound route filters", NULL);
	if (!r.short_)
		snprintf(sum, sn, "Route Refresh, AFI %u, SAFI %u", afi, safi);
}

/* The bodies of the message types that have one (a KEEPALIVE is the
 * header alone). */
static const struct body {
	unsigned type;
	void (*decode)(struct dctx *c, uint32_t p, uint32_t end, char *sum, size_t sn);
} bodies[] = {
	{ M_OPEN, open_msg }, { M_UPDATE, update_msg }, { M_NOTIFY, notify_msg }, { M_REFRESH, refresh_msg },
};

/* Does the payload start with a BGP header?  On port 179 the marker is
 * enough (its length and type are then checked as the message's); by
 * content a length up to 4096 and a known type must follow. */
static bool bgp_start(struct dctx *c, uint32_t off, bool by_port)
{
	struct rd r = rd_at(&c->r, off);
	for (int k = 0; k < 16; k++)
		if (rd_u8(&r) != 0xff)
			return false;
	uint16_t len = rd_be16(&r);
	uint8_t type = rd_u8(&r);
	return !r.short_ && (by_port || (len >= BGP_HDR && len <= BGP_MAX && type >= M_OPEN && type <= M_REFRESH));
}

bool dis_bgp(struct dctx *c, const struct dis_seg *s)
{
	if (!s->tcp)
		return false;
	bool start = bgp_start(c, s->off, s->by_port);
	if (!start && !s->by_port)
		return false;
	struct pkt_info *i = c->info;
	i->app = i->proto = "BGP";
	int L = dis_layer(c, s->off, s->len, "Border Gateway Protocol", "BGP is how networks (autonomous "
	                  "systems) tell each other which addresses they reach, over a long-lived TCP session",
	                  NULL);
	if (!start) {
		dis_hex(c, 1, s->off, s->len, "Continuation", "The rest of a message begun in an earlier segment");
		snprintf(i->app_summary, sizeof i->app_summary, "continuation, %u bytes", s->len);
		dis_value(c, L, "%s", i->app_summary);
		return true;
	}
	unsigned n = 0;
	uint32_t p = s->off;
	i->app_summary[0] = '\0';
	while (p < s->end && n < MAX_MSGS) {
		struct rd r = rd_at(&c->r, p);
		bool marker = true;
		for (int k = 0; k < 16; k++)
			marker = (rd_u8(&r) == 0xff) && marker;
		uint16_t len = rd_be16(&r);
		uint8_t type = rd_u8(&r);
		if (r.short_)
			break;   /* cut by the capture, or goes on in the next segment */
		const char *mn = dis_name(msg_names, DIS_COUNT(msg_names), type);
		const char *mh = dis_name(msg_helps, DIS_COUNT(msg_helps), type);
		uint32_t whole = len <= s->end - p ? len : s->end - p;
		dis_group(c, 1, p, whole, "Message", NULL, "%s, length %u", mn ? mn : "unknown type", len);
		dis_hex(c, 2, p, 16, "Marker", "Sixteen 0xff bytes: where a message starts");
		dis_field(c, 2, p + 16, 2, "Length", "Bytes in the message, the 19-byte header included", "%u", len);
		dis_field(c, 2, p + 18, 1, "Type", NULL, "%u (%s%s%s)", type, mn ? mn : "unknown", mh ? ": " : "",
		          mh ? mh : "");
		if (!marker) {
			dis_malformed(c, "BGP marker is not all ones");
			break;
		}
		if (len < BGP_HDR) {
			dis_malformed(c, "BGP message length %u is less than the 19-byte header", len);
			break;
		}
		char sum[100];
		snprintf(sum, sizeof sum, "%s", mn ? mn : "unknown message");
		uint32_t body = p + BGP_HDR, end = p + len;
		bool more = end > s->end;   /* the message goes on in the next segment */
		if (more)
			end = s->end;
		if (!more || type == M_KEEPALIVE) {
			const struct body *bd = DIS_FIND(bodies, type, type);
			if (bd)
				bd->decode(c, body, end, sum, sizeof sum);
			else if (type == M_KEEPALIVE && len != BGP_HDR)
				dis_malformed(c, "BGP KEEPALIVE of length %u: it is the 19-byte header alone", len);
			else if (type != M_KEEPALIVE && end > body)
				dis_hex(c, 2, body, end - body, "Data", NULL);
		} else {
			dis_hex(c, 2, body, end - body, "Data", "The message goes on in the next segment");
			dis_appendf(sum, sizeof sum, " (continues)");
		}
		if (n == 0)
			snprintf(i->app_summary, sizeof i->app_summary, "%s", sum);
		n++;
		if (c->d->status == DIS_MALFORMED || more)
			break;
		p += len;
	}
	if (n == 0)
		snprintf(i->app_summary, sizeof i->app_summary, "%u bytes", s->len);
	else if (n > 1)   /* the first speaks for the segment, as tcpdump -v's first line */
		dis_appendf(i->app_summary, sizeof i->app_summary, " (+%u more message%s)", n - 1, n > 2 ? "s" : "");
	dis_value(c, L, "%s", i->app_summary);
	return true;
}
