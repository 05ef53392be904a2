/*
 * proto_ntp.c — NTP over UDP port 123: the version 4 header (RFC 5905
 * section 7.3) with its timestamps as UTC dates, the extension fields and
 * the key ID and MAC that may follow it (RFC 7822), and the header of a
 * control message (mode 6, RFC 9327); mode 7 (ntpd's private requests,
 * never standardised) is shown as data.
 *
 * Recognised by port only: 48 bytes of numbers have no signature to tell
 * them by.  tcpdump's one-liner is kept ("NTPv4, Client, length 48").  A
 * datagram shorter than its mode's header, or an extension field whose
 * length cannot be one (under 4, not a multiple of 4, past the end) is
 * MALFORMED; the extension walk moves forward by at least 4 bytes a step
 * and stops after MAX_EXT fields.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <time.h>

enum { NTP_HDR = 48, CTL_HDR = 12, MAX_EXT = 32, MODE_CONTROL = 6, MODE_PRIVATE = 7 };
/* Seconds from the NTP era's start (1900) to the Unix epoch (1970). */
#define NTP_UNIX_OFFSET 2208988800u

static const struct dis_name modes[] = {
	{ 0, "Reserved" }, { 1, "Symmetric Active" }, { 2, "Symmetric Passive" }, { 3, "Client" },
	{ 4, "Server" }, { 5, "Broadcast" }, { 6, "Control Message" }, { 7, "Reserved" },
};
static const struct dis_name leaps[] = {
	{ 0, "no warning" }, { 1, "last minute has 61 seconds" }, { 2, "last minute has 59 seconds" },
	{ 3, "unknown (clock unsynchronized)" },
};
/* RFC 9327 section 2: the opcodes of a control message. */
static const struct dis_name opcodes[] = {
	{ 1, "read status" }, { 2, "read variables" }, { 3, "write variables" }, { 4, "read clock variables" },
	{ 5, "write clock variables" }, { 6, "set trap address" }, { 7, "trap response" },
};

/* A 64-bit NTP timestamp as "2026-12-03 13:23:30.254335 UTC".  Era 0 is
 * assumed, as every implementation in use does until 2036. */
static void ts_text(uint32_t sec, uint32_t frac, char *buf, size_t n)
{
	if (sec == 0 && frac == 0) {
		snprintf(buf, n, "0 (not set)");
		return;
	}
	time_t t = (time_t)((int64_t)sec - NTP_UNIX_OFFSET);
	struct tm tm;
	unsigned usec = (unsigned)(((uint64_t)frac * 1000000u) >> 32);
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, n, "0x%08x.%08x", sec, frac);
		return;
	}
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d.%06u UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
}

/* A 32-bit NTP short format (16.16 seconds) as "123 (0.001877 s)": the raw
 * number first, as tshark shows it. */
static void short_text(uint32_t v, char *buf, size_t n)
{
	snprintf(buf, n, "%u (%.6f s)", v, v / 65536.0);
}

static void timestamp(struct dctx *c, struct rd *r, uint32_t off, const char *name, const char *help)
{
	uint32_t sec = rd_be32(r), frac = rd_be32(r);
	char t[64];
	ts_text(sec, frac, t, sizeof t);
	dis_field(c, 1, off, 8, name, help, "%s", t);
}

/* What follows the 48-byte header: extension fields, then perhaps a key
 * ID and MAC, which RFC 7822 section 7.5 tells apart by what is left. */
static void trailer(struct dctx *c, uint32_t p, uint32_t end)
{
	for (int k = 0; k < MAX_EXT && p < end; k++) {
		uint32_t left = end - p;
		if (left == 20 || left == 24) {
			struct rd r = rd_at(&c->r, p);
			uint32_t key = rd_be32(&r);
			dis_field(c, 1, p, 4, "Key ID", "Which shared key the MAC was made with", "%u", key);
			dis_hex(c, 1, p + 4, left - 4, "MAC", "Message authentication code over the header and extensions");
			return;
		}
		struct rd r = rd_at(&c->r, p);
		uint16_t type = rd_be16(&r), len = rd_be16(&r);
		if (r.short_)
			return;   /* cut: dis_payload says so */
		if (left < 4 || len < 4 || len % 4 || len > left) {
			dis_malformed(c, "NTP extension field length %u does not fit the %u bytes left", len, left);
			return;
		}
		dis_group(c, 1, p, len, "Extension field", "A typed block after the header (RFC 7822): NTS "
		          "cookies and authenticators, for example", "type 0x%04x, %u bytes", type, len);
		dis_field(c, 2, p, 2, "Field type", NULL, "0x%04x", type);
		dis_field(c, 2, p + 2, 2, "Length", "Bytes in the field, these 4 included", "%u", len);
		if (len > 4)
			dis_hex(c, 2, p + 4, len - 4u, "Value", NULL);
		p += len;
	}
	if (p < end)
		dis_hex(c, 1, p, end - p, "More extension fields", "Not shown one by one");
}

/* RFC 9327 section 2: the 12-byte header of a mode 6 message. */
static void control(struct dctx *c, uint32_t o, const struct dis_seg *s)
{
	struct rd r = rd_at(&c->r, o + 1);
	uint8_t b = rd_u8(&r);
	uint16_t seq = rd_be16(&r), status = rd_be16(&r), assoc = rd_be16(&r), offset = rd_be16(&r),
	         count = rd_be16(&r);
	const char *op = dis_name(opcodes, DIS_COUNT(opcodes), b & 0x1f);
	if (dis_field(c, 1, o + 1, 1, "Control flags", NULL, "0x%02x", b)) {
		dis_flag(c, 2, o + 1, 1, "Response", "Set in the server's answer", b & 0x80);
		dis_flag(c, 2, o + 1, 1, "Error", "The request failed; the status says why", b & 0x40);
		dis_flag(c, 2, o + 1, 1, "More", "More fragments of this response follow", b & 0x20);
		dis_field(c, 2, o + 1, 1, "Opcode", NULL, "%u (%s)", b & 0x1f, op ? op : "unknown");
	}
	dis_field(c, 1, o + 2, 2, "Sequence", "Matches a response to its request", "%u", seq);
	dis_field(c, 1, o + 4, 2, "Status", NULL, "0x%04x", status);
	dis_field(c, 1, o + 6, 2, "Association ID", "Which peer the request is about (0: the server itself)",
	          "%u", assoc);
	dis_field(c, 1, o + 8, 2, "Offset", "Where this fragment's data begins in the whole response", "%u", offset);
	dis_field(c, 1, o + 10, 2, "Count", "Data bytes in this fragment", "%u", count);
	if (s->len < CTL_HDR) {
		dis_malformed(c, "NTP control message of %u bytes is shorter than its 12-byte header", s->len);
		return;
	}
	if (r.short_)
		return;
	if (count > s->len - CTL_HDR) {
		dis_malformed(c, "NTP control message count %u exceeds the %u data bytes", count, s->len - CTL_HDR);
		return;
	}
	if (count) {
		char t[FIELD_VALUE_MAX - 4];
		dis_text(&c->r, o + CTL_HDR, count, t, sizeof t);
		dis_field(c, 1, o + CTL_HDR, count, "Data", "Variables as name=value text", "\"%s\"", t);
	}
	/* What is left after the data is padding and perhaps a MAC. */
}

bool dis_ntp(struct dctx *c, const struct dis_seg *s)
{
	if (s->tcp || !s->by_port)
		return false;
	uint32_t o = s->off;
	struct rd rr = rd_at(&c->r, o);
	struct rd *r = &rr;
	uint8_t flags = rd_u8(r);
	if (r->short_)
		return false;
	unsigned li = flags >> 6, vn = flags >> 3 & 7, mode = flags & 7;
	const char *mn = dis_name(modes, DIS_COUNT(modes), mode);

	struct pkt_info *i = c->info;
	i->app = i->proto = "NTP";
	snprintf(i->app_summary, sizeof i->app_summary, "NTPv%u, %s, length %u", vn, mn, s->len);
	dis_layer(c, o, s->len, "Network Time Protocol", "NTP sets a clock from servers: each "
	                  "message carries when it was sent and, in answers, when the request arrived",
	                  "%s", i->app_summary);
	dis_field(c, 1, o, 1, "Flags", NULL, "0x%02x", flags);
	dis_field(c, 2, o, 1, "Leap indicator", "Warns of a leap second at the end of the day", "%u (%s)", li,
	          dis_name(leaps, DIS_COUNT(leaps), li));
	dis_field(c, 2, o, 1, "Version", NULL, "%u", vn);
	dis_field(c, 2, o, 1, "Mode", "3 client, 4 server, 5 broadcast, 6 control", "%u (%s)", mode, mn);
	if (mode == MODE_CONTROL) {
		control(c, o, s);
		return true;
	}
	if (mode == MODE_PRIVATE) {
		if (s->len > 1)
			dis_hex(c, 1, o + 1, s->len - 1, "Private data", "ntpd's own mode 7 requests (ntpdc), "
			        "never standardised");
		return true;
	}
	uint8_t stratum = rd_u8(r);
	int8_t poll = (int8_t)rd_u8(r), prec = (int8_t)rd_u8(r);
	uint32_t delay = rd_be32(r), disp = rd_be32(r);
	uint8_t ref[4];
	rd_bytes(r, ref, 4);
	char t[64];
	dis_field(c, 1, o + 1, 1, "Stratum", "Distance from a reference clock: 1 the server has one, "
	          "2 it asks a stratum 1 server ..., 0 unspecified or a kiss-o'-death message", "%u", stratum);
	double secs = 1;
	for (int k = 0; k < poll && k < 64; k++)
		secs *= 2;
	for (int k = 0; k > poll && k > -64; k--)
		secs /= 2;
	dis_field(c, 1, o + 2, 1, "Poll", "log2 of the seconds between messages", "%d (%g s)", poll, secs);
	dis_field(c, 1, o + 3, 1, "Precision", "log2 of the clock's precision in seconds", "%d", prec);
	short_text(delay, t, sizeof t);
	dis_field(c, 1, o + 4, 4, "Root delay", "Round trip to the reference clock", "%s", t);
	short_text(disp, t, sizeof t);
	dis_field(c, 1, o + 8, 4, "Root dispersion", "Error the server may have against the reference clock",
	          "%s", t);
	if (stratum <= 1) {
		char id[8];
		dis_text(&c->r, o + 12, 4, id, sizeof id);
		dis_field(c, 1, o + 12, 4, "Reference ID", "Stratum 1: the kind of reference clock (GPS, PPS...); "
		          "stratum 0: a kiss code (DENY, RATE...)", "%02x%02x%02x%02x (\"%s\")", ref[0], ref[1],
		          ref[2], ref[3], id);
	} else {
		dis_field(c, 1, o + 12, 4, "Reference ID", "The server this one follows (its IPv4 address, "
		          "or a hash of its IPv6 address)", "%02x%02x%02x%02x (%u.%u.%u.%u)", ref[0], ref[1],
		          ref[2], ref[3], ref[0], ref[1], ref[2], ref[3]);
	}
	timestamp(c, r, o + 16, "Reference timestamp", "When the server's clock was last set");
	timestamp(c, r, o + 24, "Origin timestamp", "The request's transmit time, echoed in the answer");
	timestamp(c, r, o + 32, "Receive timestamp", "When the request arrived at the server");
	timestamp(c, r, o + 40, "Transmit timestamp", "When this message left");
	if (s->len < NTP_HDR) {
		dis_malformed(c, "NTP message of %u bytes is shorter than the 48-byte header", s->len);
		return true;
	}
	if (r->short_)
		return true;   /* cut: dis_payload reports it */
	trailer(c, o + NTP_HDR, s->end);
	return true;
}
