/*
 * proto_tcp.c — the TCP header (RFC 9293) and its options: MSS (RFC 9293),
 * window scale and timestamps (RFC 7323), SACK (RFC 2018); ECN flags per
 * RFC 3168.
 *
 * A data offset below 5, or an option whose length byte is below 2 or runs
 * past the header, is malformed.  A bad option stops the option walk but not
 * the payload, whose place the data offset still gives.
 */
#include "dissect/dissect_priv.h"
#include "common/strbuf.h"

#include <stdio.h>

enum { TCP_MIN_HDR = 20, TCP_MAX_WSCALE = 14 };
enum { OPT_EOL = 0, OPT_NOP = 1, OPT_MSS = 2, OPT_WSCALE = 3, OPT_SACKOK = 4, OPT_SACK = 5, OPT_TS = 8 };

static const struct tcpflag {
	uint8_t bit;
	const char *name, *help;
} tcpflags[] = {   /* most significant first, as on the wire */
	{ TCPF_CWR, "CWR", "Congestion window reduced: the sender slowed down after an ECN echo (RFC 3168)" },
	{ TCPF_ECE, "ECE", "ECN echo: the peer saw congestion marks; in a SYN, offers ECN (RFC 3168)" },
	{ TCPF_URG, "URG", "Urgent: the urgent pointer field is in use" },
	{ TCPF_ACK, "ACK", "Acknowledgment: the acknowledgment number is valid; set on every segment "
	                   "after the first SYN" },
	{ TCPF_PSH, "PSH", "Push: hand the data to the application without waiting for more" },
	{ TCPF_RST, "RST", "Reset: abort the connection at once" },
	{ TCPF_SYN, "SYN", "Synchronize: opens a connection and carries the initial sequence number" },
	{ TCPF_FIN, "FIN", "Finish: the sender has no more data to send" },
};

static const struct tcpopt {
	unsigned kind;
	uint8_t len;        /* the length it must have, 0 when variable */
	const char *name;   /* field name */
	const char *tag;    /* tcpdump's word for it */
	const char *help;
} tcpopts[] = {
	{ OPT_EOL, 1, "End of option list", "eol", "Ends the options; what follows is padding" },
	{ OPT_NOP, 1, "No-operation", "nop", "Padding that aligns the next option" },
	{ OPT_MSS, 4, "Maximum segment size", "mss",
	  "The largest segment (data bytes, headers not counted) the sender of this option can "
	  "receive; sent only in SYNs" },
	{ OPT_WSCALE, 3, "Window scale", "wscale",
	  "In a SYN: the sender's later window fields are to be shifted left by this many bits, "
	  "if both SYNs carry the option (RFC 7323)" },
	{ OPT_SACKOK, 2, "SACK permitted", "sackOK",
	  "In a SYN: the sender understands selective acknowledgments (RFC 2018)" },
	{ OPT_SACK, 0, "SACK", "sack",
	  "Blocks received beyond the acknowledgment number, so only the gaps are resent (RFC 2018)" },
	{ OPT_TS, 10, "Timestamps", "TS",
	  "TSval is the sender's clock, TSecr echoes the peer's latest TSval: used to measure "
	  "round-trip time and to reject old duplicates (RFC 7323)" },
	{ 19, 18, "MD5 signature", "md5", "Authenticates the segment with a shared key (RFC 2385)" },
	{ 28, 4, "User timeout", "uto", "How long data may stay unacknowledged (RFC 5482)" },
	{ 29, 0, "TCP authentication", "tcp-ao", "Authenticates the segment (RFC 5925)" },
	{ 30, 0, "Multipath TCP", "mptcp", "Spreads one connection over several paths (RFC 8684)" },
	{ 34, 0, "Fast Open cookie", "tfo", "Lets a later SYN carry data (RFC 7413)" },
};

/* The value of one option of length olen >= 2, with r just past its kind
 * and length bytes; also appended tcpdump-style to the option list `list`. */
static void opt_value(struct rd *r, uint8_t kind, uint32_t olen, char *val, size_t vn, char *list,
                      size_t ln)
{
	switch (kind) {
	case OPT_MSS: {
		unsigned mss = rd_be16(r);
		snprintf(val, vn, "%u bytes", mss);
		dis_appendf(list, ln, "mss %u", mss);
		break;
	}
	case OPT_WSCALE: {
		unsigned s = rd_u8(r), eff = s > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : s;
		snprintf(val, vn, "shift %u%s (multiply by %u)", s,
		         s > TCP_MAX_WSCALE ? ", treated as 14" : "", 1u << eff);
		dis_appendf(list, ln, "wscale %u", s);
		break;
	}
	case OPT_SACKOK:
		val[0] = '\0';
		dis_appendf(list, ln, "sackOK");
		break;
	case OPT_SACK: {
		unsigned n = (olen - 2) / 8;
		snprintf(val, vn, "%u block%s:", n, n == 1 ? "" : "s");
		dis_appendf(list, ln, "sack %u", n);
		for (unsigned i = 0; i < n; i++) {
			uint32_t left = rd_be32(r), right = rd_be32(r);
			dis_appendf(val, vn, " %u-%u", left, right);
			dis_appendf(list, ln, " {%u:%u}", left, right);
		}
		break;
	}
	case OPT_TS: {
		/* By hand (strbuf.h): most segments carry this option. */
		uint32_t tsval = rd_be32(r), tsecr = rd_be32(r);
		struct strbuf v = sb_make(val, vn), l = sb_resume(list, ln);
		sb_str(&v, "TSval ");
		sb_u64(&v, tsval);
		sb_str(&v, ", TSecr ");
		sb_u64(&v, tsecr);
		sb_str(&l, "TS val ");
		sb_u64(&l, tsval);
		sb_str(&l, " ecr ");
		sb_u64(&l, tsecr);
		break;
	}
	default: {
		const struct tcpopt *t = DIS_FIND(tcpopts, kind, kind);
		snprintf(val, vn, "kind %u, %u bytes", kind, olen);
		if (t)
			dis_appendf(list, ln, "%s", t->tag);
		else
			dis_appendf(list, ln, "unknown-%u", kind);
		break;
	}
	}
}

/* Walk the options in [o+20, end).  Stops at EOL, at a malformed option,
 * or when the capture ends (r->short_ then tells). */
static void options(struct dctx *c, uint32_t o, uint32_t end)
{
	struct rd *r = &c->r;
	char *list = c->info->tcp_opts;
	size_t ln = sizeof c->info->tcp_opts;

	dis_group(c, 1, o + TCP_MIN_HDR, end - o - TCP_MIN_HDR, "Options",
	          "Extras negotiated mostly in the SYNs", "%u bytes", end - o - TCP_MIN_HDR);
	rd_seek(r, o + TCP_MIN_HDR);
	while (r->off < end) {
		uint32_t p = r->off;
		uint8_t kind = rd_u8(r);
		const struct tcpopt *t = DIS_FIND(tcpopts, kind, kind);
		if (r->short_)
			return;
		if (list[0]) {
			struct strbuf l = sb_resume(list, ln);
			sb_char(&l, ',');
		}
		if (kind == OPT_EOL || kind == OPT_NOP) {
			dis_field(c, 2, p, 1, t->name, t->help, NULL);
			struct strbuf l = sb_resume(list, ln);
			sb_str(&l, t->tag);
			if (kind == OPT_EOL) {
				if (p + 1 < end)
					dis_hex(c, 2, p + 1, end - p - 1, "Padding", "Zeros after the end of the options");
				return;
			}
			continue;
		}
		uint32_t olen = rd_u8(r);
		if (r->short_)
			return;
		char name[FIELD_NAME_MAX];
		if (t)
			snprintf(name, sizeof name, "%s", t->name);
		else
			snprintf(name, sizeof name, "Option %u", kind);
		if (olen < 2 || olen > end - p) {
			dis_malformed(c, "TCP option %s (kind %u) length %u %s", name, kind, olen,
			              olen < 2 ? "is less than 2" : "runs past the end of the TCP header");
			return;
		}
		if (t && t->len && olen != t->len) {
			dis_malformed(c, "TCP option %s length %u, expected %u", name, olen, t->len);
			return;
		}
		if (kind == OPT_SACK && (olen - 2) % 8 != 0) {
			dis_malformed(c, "TCP option SACK length %u is not 2 plus 8 per block", olen);
			return;
		}
		char val[FIELD_VALUE_MAX];
		opt_value(r, kind, olen, val, sizeof val, list, ln);
		dis_field(c, 2, p, olen, name, t ? t->help : NULL, "%s", val);
		rd_seek(r, p + olen);
	}
}

void dis_tcp(struct dctx *c, uint32_t len)
{
	struct rd *r = &c->r;
	uint32_t o = r->off;
	uint16_t sport = rd_be16(r), dport = rd_be16(r);
	uint32_t seq = rd_be32(r), ack = rd_be32(r);
	uint8_t offx = rd_u8(r), flags = rd_u8(r);
	uint16_t win = rd_be16(r), sum = rd_be16(r), urp = rd_be16(r);
	uint32_t hl = (offx >> 4) * 4u;
	struct pkt_info *i = c->info;

	char names[48] = "";
	for (size_t k = DIS_COUNT(tcpflags); k-- > 0;)
		if (flags & tcpflags[k].bit)
			dis_appendf(names, sizeof names, "%s%s", names[0] ? ", " : "", tcpflags[k].name);

	i->proto = "TCP";
	int L = dis_layer(c, o, hl > TCP_MIN_HDR ? hl : TCP_MIN_HDR, "Transmission Control Protocol",
	                  "TCP turns packets into a reliable, ordered byte stream between two ports", NULL);
	dis_ports(c, o, sport, dport);
	dis_field(c, 1, o + 4, 4, "Sequence number",
	          "Number of this segment's first data byte; SYN and FIN each use up one number. "
	          "In a SYN it is the initial sequence number (ISN)", "%u", seq);
	dis_field(c, 1, o + 8, 4, "Acknowledgment number",
	          "With ACK: the next sequence number expected from the peer; all before it arrived",
	          flags & TCPF_ACK ? "%u" : "%u (not used: ACK not set)", ack);
	dis_field(c, 1, o + 12, 1, "Data offset",
	          "Header length in 32-bit words; 5 (20 bytes) when there are no options",
	          "%u (%u bytes)", offx >> 4, hl);
	dis_field(c, 1, o + 12, 1, "Reserved", "Must be zero", "%u", offx & 15u);
	dis_field(c, 1, o + 13, 1, "Flags", "Control bits", "0x%02x%s%s%s", flags, names[0] ? " (" : "",
	          names, names[0] ? ")" : "");
	for (size_t k = 0; k < DIS_COUNT(tcpflags); k++)
		dis_flag(c, 2, o + 13, 1, tcpflags[k].name, tcpflags[k].help, flags & tcpflags[k].bit);
	dis_field(c, 1, o + 14, 2, "Window",
	          "How many more bytes the sender of this segment is willing to receive (shifted by "
	          "the window scale when both SYNs offered it; never in a SYN)", "%u", win);
	char ck[FIELD_VALUE_MAX];
	dis_l4_cksum(c, o, len, 16, 6, sum, ck, sizeof ck);
	dis_field(c, 1, o + 16, 2, "Checksum",
	          "Ones'-complement sum over a pseudo-header (addresses, protocol, length), the TCP header "
	          "and data; a card that checksums on send fills it in after capture", "%s", ck);
	dis_field(c, 1, o + 18, 2, "Urgent pointer",
	          "With URG: where urgent data ends, counted from the sequence number", "%u", urp);

	if (dis_short(c, "TCP header", o, TCP_MIN_HDR))
		return;
	dis_value(c, L, "%u > %u", sport, dport);
	i->tcp = true;
	i->tcp_flags = flags;
	i->seq = seq;
	i->ack = ack;
	i->win = win;
	i->tcp_urp = urp;
	if (hl < TCP_MIN_HDR) {
		dis_malformed(c, "TCP data offset %u (%u bytes) is less than 5 (20 bytes)", offx >> 4, hl);
		return;
	}
	if (hl > len && !c->partial) {
		dis_malformed(c, "TCP data offset says %u header bytes, but the segment has only %u", hl, len);
		return;
	}
	if (hl > TCP_MIN_HDR) {
		options(c, o, o + hl);
		if (dis_short(c, "TCP header", o, hl))
			return;
	}
	dis_payload(c, "TCP", o + hl, len > hl ? len - hl : 0);
}
