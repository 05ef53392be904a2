/*
 * summary.c — one-line, tcpdump -n style summaries and the flow table that
 * makes TCP sequence numbers relative.
 *
 * The flow table keeps one entry per TCP connection and direction (source
 * address and port -> destination address and port) holding that
 * direction's base sequence number: the ISN from a SYN, else the first
 * sequence number seen.  seq is shown relative to its own direction's base,
 * ack relative to the reverse direction's (absolute while that is unknown).
 * Entries are found through an open-addressing table of pointers, keyed
 * by a hash of the IP version and the 4-tuple (the addresses as bytes,
 * pkt_info.ip_src and ip_dst: with the version as unique as their text,
 * which a lookup used to hash and compare a byte at a time; each slot
 * keeps the hash, so a probe compares the addresses only on a likely match), kept at most half full by doubling: a
 * lookup stays O(1) expected from 10 flows to millions, where a fixed
 * number of chains grew linear (a capture of 100,000 short connections
 * spent a third of its time walking them).  Entries are freed with the
 * table.
 * Each direction also keeps what TCP analysis needs (the next expected
 * sequence number, the last gap, the last ack and window, the duplicate
 * ACK count), and the table remembers every TCP frame's findings by a hash
 * of its bytes (an open-addressing set that doubles as it fills), so a
 * frame fed twice is analysed once.
 * An application the dissector recognised adds its own one-liner: after a
 * TCP summary (": HTTP: GET / HTTP/1.1"), instead of a UDP one ("DNS query
 * 0x5c00 A lab.sockscope.test").
 */
#include "dissect/dissect_priv.h"
#include "common/mem.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FLOW_SLOTS_MIN = 1024 };

struct flow {
	uint32_t hash;
	uint8_t ver;                /* 4 or 6 */
	uint8_t src[16], dst[16];   /* pkt_info.ip_src and ip_dst */
	uint16_t sport, dport;
	uint32_t isn;
	/* TCP analysis */
	bool have_next, have_ack, have_syn;
	uint32_t syn_seq;           /* the SYN's sequence number, to know it when sent again */
	uint32_t next_seq;          /* the next expected sequence number */
	uint32_t hole_lo, hole_hi;  /* the last gap [lo, hi) a lost segment left */
	uint32_t last_ack;
	uint16_t last_win;
	unsigned dups;              /* duplicate ACKs of last_ack so far */
};

/* One analysed frame in 8 bytes: bit 63 used, 62-55 the duplicate ACK
 * number (saturating at 255), 54-48 the TCPA_* bits, 47-0 the frame hash
 * (48 bits: about one collision in 10^9 packet pairs). */
typedef uint64_t seen_t;
#define SEEN_USED (1ull << 63)
#define SEEN_HASH(v) ((v) & 0xffffffffffffull)

/* FTP data connections announced so far (PASV/EPSV/PORT/EPRT): a later
 * TCP segment to or from one of these ports is FTP's data, whatever the
 * port number.  The newest replace the oldest. */
#define FTP_DATA_PORTS 16

struct flowtab {
	struct flow **slot;         /* capflow entries (a power of two), NULL when free */
	size_t nflow, capflow;
	seen_t *seen;               /* every analysed TCP frame, open addressing */
	size_t nseen, capseen;
	uint16_t ftp_data[FTP_DATA_PORTS];
	size_t nftp;
};

static void ftp_data_note(struct flowtab *t, uint16_t port)
{
	for (size_t k = 0; k < t->nftp && k < FTP_DATA_PORTS; k++)
		if (t->ftp_data[k] == port)
			return;
	t->ftp_data[t->nftp++ % FTP_DATA_PORTS] = port;
}

static bool ftp_data_is(const struct flowtab *t, const struct pkt_info *i)
{
	for (size_t k = 0; k < t->nftp && k < FTP_DATA_PORTS; k++)
		if (t->ftp_data[k] == i->sport || t->ftp_data[k] == i->dport)
			return true;
	return false;
}

struct flowtab *flowtab_new(void)
{
	struct flowtab *t = xcalloc(1, sizeof(struct flowtab));
	t->capflow = FLOW_SLOTS_MIN;
	t->slot = xcalloc(t->capflow, sizeof *t->slot);
	return t;
}

void flowtab_free(struct flowtab *t)
{
	if (!t)
		return;
	mem_free_array(t->slot, t->capflow);
	free(t->seen);
	free(t);
}

/* A direction's key: the IP version (an IPv4 address's 4 bytes and zeros
 * are also an IPv6 address), both addresses and both ports. */
struct flow_key {
	uint8_t ver;
	const uint8_t *src, *dst;
	uint16_t sport, dport;
};

static struct flow_key key_of(const struct pkt_info *i, bool reverse)
{
	struct flow_key k = { (uint8_t)i->ip_version, i->ip_src, i->ip_dst, i->sport, i->dport };
	if (reverse)
		k = (struct flow_key){ (uint8_t)i->ip_version, i->ip_dst, i->ip_src, i->dport, i->sport };
	return k;
}

/* Four words of addresses, the ports and the version, mixed so that the
 * low bits (the slot) depend on every byte. */
static uint32_t flow_hash(const struct flow_key *k)
{
	uint64_t w[4], h = (uint64_t)k->ver << 32 | (uint32_t)k->sport << 16 | k->dport;
	memcpy(w, k->src, 16);
	memcpy(w + 2, k->dst, 16);
	for (int n = 0; n < 4; n++) {
		h = (h ^ w[n]) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* The slot holding the direction, or the free slot where it would go
 * (linear probing: the table is at most half full, so a probe ends). */
static struct flow **flow_slot(const struct flowtab *t, uint32_t h, const struct flow_key *k)
{
	size_t m = t->capflow - 1;
	for (size_t n = h & m;; n = (n + 1) & m) {
		struct flow *f = t->slot[n];
		if (!f || (f->hash == h && f->sport == k->sport && f->dport == k->dport && f->ver == k->ver &&
		           !memcmp(f->src, k->src, 16) && !memcmp(f->dst, k->dst, 16)))
			return &t->slot[n];
	}
}

static struct flow *flow_find(struct flowtab *t, const struct flow_key *k)
{
	return *flow_slot(t, flow_hash(k), k);
}

static void flow_grow(struct flowtab *t)
{
	struct flow **old = t->slot;
	size_t ocap = t->capflow;
	t->capflow = ocap * 2;
	t->slot = xcalloc(t->capflow, sizeof *t->slot);
	size_t m = t->capflow - 1;
	for (size_t k = 0; k < ocap; k++) {
		struct flow *f = old[k];
		if (!f)
			continue;
		size_t j = f->hash & m;
		while (t->slot[j])
			j = (j + 1) & m;
		t->slot[j] = f;
	}
	free(old);
}

/* Record a TCP segment's direction; returns its entry. */
static struct flow *flow_note(struct flowtab *t, const struct pkt_info *i)
{
	struct flow_key k = key_of(i, false);
	uint32_t h = flow_hash(&k);
	struct flow **at = flow_slot(t, h, &k);
	struct flow *f = *at;
	if (!f) {
		if ((t->nflow + 1) * 2 > t->capflow) {
			flow_grow(t);
			at = flow_slot(t, h, &k);
		}
		f = xcalloc(1, sizeof *f);
		f->hash = h;
		f->ver = k.ver;
		memcpy(f->src, i->ip_src, 16);
		memcpy(f->dst, i->ip_dst, 16);
		f->sport = i->sport;
		f->dport = i->dport;
		f->isn = i->seq;
		*at = f;
		t->nflow++;
	} else if (i->tcp_flags & TCPF_SYN) {
		f->isn = i->seq;   /* a new connection on the same ports */
	}
	return f;
}

/* ------------------------------------------------------- TCP analysis */

static seen_t *seen_slot(const struct flowtab *t, uint64_t h)
{
	size_t m = t->capseen - 1;
	for (size_t k = (size_t)(h ^ h >> 23) & m;; k = (k + 1) & m)
		if (!t->seen[k] || SEEN_HASH(t->seen[k]) == h)
			return &t->seen[k];
}

/* The entry of a frame hash already analysed, or NULL. */
static const seen_t *seen_lookup(const struct flowtab *t, uint64_t h)
{
	if (!t->capseen)
		return NULL;
	const seen_t *v = seen_slot(t, SEEN_HASH(h));
	return *v ? v : NULL;
}

/* Remember a frame's findings. */
static void seen_insert(struct flowtab *t, uint64_t h, unsigned bits, unsigned dupn)
{
	if ((t->nseen + 1) * 4 > t->capseen * 3) {   /* keep it at most 3/4 full */
		size_t ncap = t->capseen ? t->capseen * 2 : 1024;
		seen_t *old = t->seen, *n = xcalloc(ncap, sizeof *n);
		size_t ocap = t->capseen;
		t->seen = n;
		t->capseen = ncap;
		for (size_t k = 0; k < ocap; k++)
			if (old[k])
				*seen_slot(t, SEEN_HASH(old[k])) = old[k];
		free(old);
	}
	seen_t *v = seen_slot(t, SEEN_HASH(h));
	if (!*v)
		t->nseen++;
	*v = SEEN_USED | (uint64_t)(dupn > 255 ? 255 : dupn) << 55 | (uint64_t)(bits & 0x7f) << 48 | SEEN_HASH(h);
}

/* a - b as a signed distance in sequence space (RFC 9293 3.4). */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* The findings for segment i of direction f (rev: the other direction, or NULL). */
static unsigned analyse(struct flow *f, const struct flow *rev, const struct pkt_info *i, unsigned *dupn)
{
	unsigned bits = 0;
	uint8_t fl = i->tcp_flags;
	bool ctl = fl & (TCPF_SYN | TCPF_FIN | TCPF_RST);
	uint32_t seglen = i->payload_len + !!(fl & TCPF_SYN) + !!(fl & TCPF_FIN);
	uint32_t end = i->seq + seglen;

	if (fl & TCPF_SYN) {
		if (f->have_syn && f->syn_seq == i->seq) {
			bits |= TCPA_RETRANS;   /* the SYN (or SYN-ACK) again */
		} else {                    /* a connection (again) on these ports */
			f->have_syn = true;
			f->syn_seq = i->seq;
			f->next_seq = end;
			f->hole_lo = f->hole_hi = 0;
			f->have_ack = false;
			f->dups = 0;
		}
		f->have_next = true;
	} else if (!f->have_next) {
		f->have_next = true;        /* joined mid-stream: the first segment is the reference */
		f->next_seq = end;
	} else if (seglen <= 1 && !ctl && i->seq + 1 == f->next_seq) {
		bits |= TCPA_KEEP_ALIVE;
	} else if (seglen > 0) {
		int32_t gap = seq_diff(i->seq, f->next_seq);
		if (gap > 0) {
			bits |= TCPA_LOST;
			f->hole_lo = f->next_seq;
			f->hole_hi = i->seq;
			f->next_seq = end;
		} else if (gap < 0) {
			bool asked = rev && rev->dups >= 2 && rev->last_ack == i->seq;
			if (f->hole_lo != f->hole_hi && seq_diff(i->seq, f->hole_lo) >= 0 &&
			    seq_diff(end, f->hole_hi) <= 0) {
				/* New bytes in the gap: sent again at the receiver's duplicate
				 * ACKs (fast retransmit, RFC 5681 3.2), else merely late. */
				bits |= asked ? TCPA_RETRANS : TCPA_OUT_OF_ORDER;
				if (i->seq == f->hole_lo)
					f->hole_lo = end;   /* the gap shrinks from its start */
				else if (end == f->hole_hi)
					f->hole_hi = i->seq;
			} else {
				bits |= TCPA_RETRANS;
			}
			if (seq_diff(end, f->next_seq) > 0)
				f->next_seq = end;
		} else {
			f->next_seq = end;
		}
	}

	if (i->win == 0 && !ctl && fl & TCPF_ACK)
		bits |= TCPA_ZERO_WINDOW;
	if (fl & TCPF_ACK) {
		/* A duplicate ACK (or a window update) repeats the last ACK at the
		 * sequence number the sender is at: a bare ACK with an older
		 * sequence number was made before data this side sent since and
		 * overtaken by it (loopback does this: an ACK queued behind a
		 * write), so it repeats nothing.  tshark's rule is the same. */
		bool bare = seglen == 0 && !ctl && i->seq == f->next_seq;
		if (f->have_ack && bare && i->ack == f->last_ack && !(bits & TCPA_KEEP_ALIVE)) {
			if (i->win == f->last_win && i->win != 0) {   /* a zero window repeated is not a duplicate ACK */
				bits |= TCPA_DUP_ACK;
				*dupn = ++f->dups;
			} else if (i->win != 0) {
				bits |= TCPA_WINDOW_UPDATE;
			}
		}
		if (!f->have_ack || i->ack != f->last_ack)
			f->dups = 0;
		f->have_ack = true;
		f->last_ack = i->ack;
		f->last_win = i->win;
	}
	return bits;
}

/* Record a TCP segment and make its numbers relative: the one place both
 * the summaries and other views (the ladder diagram) take them from.
 * Returns its analysis bits (0 without a table), *dupn its duplicate ACK
 * number. */
static unsigned relative(struct flowtab *t, const struct pkt_info *i, uint32_t *seq, uint32_t *ack,
                         unsigned *dupn)
{
	*seq = i->seq;
	*ack = i->ack;
	*dupn = 0;
	if (!t)
		return 0;
	const seen_t *s = seen_lookup(t, i->frame_hash);
	struct flow *f;
	if (s) {
		struct flow_key k = key_of(i, false);
		f = flow_find(t, &k);   /* fed before: change nothing */
	} else {
		f = flow_note(t, i);
	}
	struct flow_key rk = key_of(i, true);
	const struct flow *rev = flow_find(t, &rk);
	if (f)
		*seq -= f->isn;
	if (rev)
		*ack -= rev->isn;
	if (s) {
		*dupn = (unsigned)(*s >> 55 & 0xff);
		return (unsigned)(*s >> 48 & 0x7f);
	}
	unsigned bits = f ? analyse(f, rev, i, dupn) : 0;
	seen_insert(t, i->frame_hash, bits, *dupn);
	return bits;
}

static const struct analysis_name {
	unsigned bit;
	const char *tag;      /* in the summary */
	const char *name;     /* the field */
	const char *help;
} analysis_names[] = {
	{ TCPA_LOST, "previous segment not captured", "Previous segment not captured",
	  "This segment starts beyond the next expected sequence number: bytes before it were lost, "
	  "or the capture missed them" },
	{ TCPA_OUT_OF_ORDER, "out-of-order", "Out-of-order",
	  "These bytes fill a gap left earlier: they were sent before the segment after them arrived" },
	{ TCPA_RETRANS, "retransmission", "Retransmission",
	  "These bytes were seen before: the sender sent them again, having had no ACK in time "
	  "(or after duplicate ACKs: fast retransmit, RFC 5681)" },
	{ TCPA_KEEP_ALIVE, "keep-alive", "Keep-alive",
	  "A probe one byte before the next sequence number, asking the peer to ACK: is it still there?" },
	{ TCPA_DUP_ACK, "duplicate ACK", "Duplicate ACK",
	  "The same ack again: the receiver got a segment beyond a gap; three in a row make the "
	  "sender retransmit at once (fast retransmit, RFC 5681)" },
	{ TCPA_ZERO_WINDOW, "zero window", "Zero window",
	  "The receiver's buffer is full: the sender must stop until the window opens" },
	{ TCPA_WINDOW_UPDATE, "window update", "Window update",
	  "Only the window changed: the receiver's application read data and there is room again" },
};

static void analysis_suffix(unsigned bits, unsigned dupn, struct strbuf *b)
{
	for (size_t k = 0; k < DIS_COUNT(analysis_names); k++) {
		if (!(bits & analysis_names[k].bit))
			continue;
		if (analysis_names[k].bit == TCPA_DUP_ACK) {
			sb_str(b, " [duplicate ACK #");
			sb_u64(b, dupn);
		} else {
			sb_mem(b, " [", 2);
			sb_str(b, analysis_names[k].tag);
		}
		sb_char(b, ']');
	}
}

unsigned flowtab_analyse(struct flowtab *t, struct dissection *d)
{
	struct pkt_info *i = &d->info;
	if (!i->tcp)
		return 0;
	uint32_t seq, ack;
	unsigned dupn;
	unsigned bits = relative(t, i, &seq, &ack, &dupn);
	i->tcp_analysis = bits;
	i->tcp_dupack = dupn;
	if (!bits)
		return 0;
	/* A computed layer after the others, over the TCP header's first byte's
	 * place (it covers no bytes). */
	struct dctx c = { .d = d, .r = rd_make(NULL, d->caplen), .info = i };
	uint32_t at = i->payload_off;
	if (at > d->caplen)
		at = d->caplen;
	int L = dis_layer(&c, at, 0, "TCP analysis", "What the sequence of segments in this connection "
	                  "says about this one (computed, not in the packet)", NULL);
	char sum[160] = "";
	for (size_t k = 0; k < DIS_COUNT(analysis_names); k++) {
		if (!(bits & analysis_names[k].bit))
			continue;
		dis_appendf(sum, sizeof sum, "%s%s", sum[0] ? ", " : "", analysis_names[k].tag);
		if (analysis_names[k].bit == TCPA_DUP_ACK)
			dis_appendf(sum, sizeof sum, " #%u", dupn);
	}
	dis_value(&c, L, "%s", sum);
	for (size_t k = 0; k < DIS_COUNT(analysis_names); k++) {
		if (!(bits & analysis_names[k].bit))
			continue;
		if (analysis_names[k].bit == TCPA_DUP_ACK)
			dis_field(&c, 1, at, 0, analysis_names[k].name, analysis_names[k].help,
			          "#%u of ack %u", dupn, ack);
		else
			dis_field(&c, 1, at, 0, analysis_names[k].name, analysis_names[k].help, "yes");
	}
	return bits;
}

bool flowtab_relative(struct flowtab *t, const struct dissection *d, uint32_t *seq, uint32_t *ack)
{
	if (!d->info.tcp)
		return false;
	unsigned dupn;
	relative(t, &d->info, seq, ack, &dupn);
	return true;
}

/* Appended through a strbuf, not snprintf: TCP is most of a big file's
 * packets, and stdio's formatting was most of this line's cost. */
static void sum_tcp(const struct pkt_info *i, const struct flow_facts *ff, struct strbuf *b)
{
	static const char letters[] = "FSRP.UEW";   /* tcpdump's, one per flag bit from FIN up */
	uint32_t seq = ff->seq, ack = ff->ack;
	sb_mem(b, "Flags [", 7);
	if (!i->tcp_flags)
		sb_mem(b, "none", 4);
	for (int f = 0; f < 8; f++)
		if (i->tcp_flags & (1u << f))
			sb_char(b, letters[f]);
	sb_char(b, ']');
	uint32_t len = i->payload_len;
	if (len || i->tcp_flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) {
		sb_mem(b, ", seq ", 6);
		sb_u64(b, seq);
		if (len) {
			sb_char(b, ':');
			sb_u64(b, (uint32_t)(seq + len));
		}
	}
	if (i->tcp_flags & TCPF_ACK) {
		sb_mem(b, ", ack ", 6);
		sb_u64(b, ack);
	}
	sb_mem(b, ", win ", 6);
	sb_u64(b, i->win);
	if (i->tcp_flags & TCPF_URG) {
		sb_mem(b, ", urg ", 6);
		sb_u64(b, i->tcp_urp);
	}
	if (i->tcp_opts[0]) {
		sb_str(b, ", options [");
		sb_mem(b, i->tcp_opts, strnlen(i->tcp_opts, sizeof i->tcp_opts));
		sb_char(b, ']');
	}
	sb_mem(b, ", length ", 9);
	sb_u64(b, len);
	analysis_suffix(ff->bits, ff->dupn, b);
}

/* "127.0.0.1 udp port 40000" for the packet an ICMP error quotes. */
static void quoted_port(const struct pkt_quote *q, char *buf, size_t n)
{
	if (q->ip_proto == 6 || q->ip_proto == 17)
		snprintf(buf, n, "%s %s port %u", q->dst, q->ip_proto == 6 ? "tcp" : "udp", q->dport);
	else
		snprintf(buf, n, "%s protocol %u port %u", q->dst, q->ip_proto, q->dport);
}

static void sum_icmp(const struct pkt_info *i, char *buf, size_t n)
{
	const struct pkt_quote *q = &i->quote;
	const struct dis_icmp_type *t = dis_icmp_type(i->icmp_type);
	const char *tn = dis_icmp_type_name(t), *cn = dis_icmp_code_name(t, i->icmp_code);
	char what[120];
	if (i->icmp_type == 0 || i->icmp_type == 8 || i->icmp_type == 13 || i->icmp_type == 14) {
		snprintf(buf, n, "ICMP %s, id %u, seq %u", tn, i->icmp_id, i->icmp_seq);
	} else if (i->icmp_type == 3 && q->valid) {
		switch (i->icmp_code) {
		case 0:
			snprintf(buf, n, "ICMP net %s unreachable", q->dst);
			break;
		case 1:
			snprintf(buf, n, "ICMP host %s unreachable", q->dst);
			break;
		case 2:
			snprintf(buf, n, "ICMP %s protocol %u unreachable", q->dst, q->ip_proto);
			break;
		case 3:
			if (q->has_ports) {
				quoted_port(q, what, sizeof what);
				snprintf(buf, n, "ICMP %s unreachable", what);
				break;
			}
			/* fall through */
		default:
			snprintf(buf, n, "ICMP %s unreachable - %s", q->dst, cn ? cn : "unknown code");
			break;
		}
	} else if (tn) {
		snprintf(buf, n, "ICMP %s%s%s", tn, cn ? ", " : "", cn ? cn : "");
	} else {
		snprintf(buf, n, "ICMP type %u, code %u", i->icmp_type, i->icmp_code);
	}
	dis_appendf(buf, n, ", length %u", i->l4_len);
}

static void sum_icmp6(const struct pkt_info *i, char *buf, size_t n)
{
	const struct pkt_quote *q = &i->quote;
	const struct dis_icmp_type *t = dis_icmp6_type(i->icmp_type);
	const char *tn = dis_icmp_type_name(t), *cn = dis_icmp_code_name(t, i->icmp_code);
	char what[120];
	if (tn)
		snprintf(buf, n, "ICMP6, %s", tn);
	else
		snprintf(buf, n, "ICMP6, type %u, code %u", i->icmp_type, i->icmp_code);
	if (i->icmp_type == 128 || i->icmp_type == 129) {
		dis_appendf(buf, n, ", id %u, seq %u", i->icmp_id, i->icmp_seq);
	} else if (i->icmp_type == 1 && i->icmp_code == 4 && q->valid && q->has_ports) {
		quoted_port(q, what, sizeof what);
		dis_appendf(buf, n, ", unreachable port, %s", what);
	} else if (i->icmp_type == 135 && i->nd_target[0]) {
		dis_appendf(buf, n, ", who has %s", i->nd_target);
	} else if (i->icmp_type == 136 && i->nd_target[0]) {
		dis_appendf(buf, n, ", tgt is %s", i->nd_target);
	} else if (cn) {
		dis_appendf(buf, n, ", %s", cn);
	}
	dis_appendf(buf, n, ", length %u", i->l4_len);
}

/* Whatever has no summary of its own: "ARP, length 42", "GRE, length 24". */
static void sum_other(const struct dissection *d, char *buf, size_t n)
{
	const struct pkt_info *i = &d->info;
	const char *pn = dis_ipproto_name(i->ip_proto);
	char name[48];
	if (pn)
		snprintf(name, sizeof name, "%s", pn);
	else
		snprintf(name, sizeof name, "IP protocol %u", i->ip_proto);
	bool whole = d->status == DIS_OK || d->status == DIS_UNSUPPORTED;

	if (!i->ip_version && i->app && whole)
		snprintf(buf, n, "%s, %s, length %u", i->app, i->app_summary, d->wirelen);   /* ARP */
	else if (i->ip_version && i->fragment)
		snprintf(buf, n, "%s fragment, offset %u, length %u", name, i->frag_offset, i->l4_len);
	else if (i->ip_version && whole)
		snprintf(buf, n, "%s, length %u", name, i->l4_len);
	else if (whole)
		snprintf(buf, n, "%s, length %u", i->proto ? i->proto : "?", d->wirelen);
	else
		snprintf(buf, n, "%s", i->proto ? i->proto : "?");
}

void flowtab_prefetch(const struct flowtab *t, const struct dissection *d)
{
	if (!t || !d->info.tcp || !t->capseen)
		return;
	uint64_t h = SEEN_HASH(d->info.frame_hash);
	__builtin_prefetch(&t->seen[(size_t)(h ^ h >> 23) & (t->capseen - 1)]);
}

void flowtab_step(struct flowtab *t, const struct dissection *d, struct flow_facts *ff)
{
	const struct pkt_info *i = &d->info;
	memset(ff, 0, sizeof *ff);
	if (!i->tcp)
		return;
	ff->bits = relative(t, i, &ff->seq, &ff->ack, &ff->dupn);
	if (t && i->ftp_data_port)
		ftp_data_note(t, i->ftp_data_port);
	ff->ftp_data = t && !i->app && i->payload_len && ftp_data_is(t, i);
}

static void summary_of(const struct dissection *d, const struct flow_facts *ff, char *buf, size_t n);

char *dissect_summary_facts(const struct dissection *d, const struct flow_facts *ff, char *buf, size_t n)
{
	if (!n)
		return buf;
	if (!d->info.tunnel[0]) {
		summary_of(d, ff, buf, n);
		return buf;
	}
	/* The inner packet's summary after what carried it (tcpdump's order). */
	int k = snprintf(buf, n, "%s: ", d->info.tunnel);
	if (k >= 0 && (size_t)k < n)
		summary_of(d, ff, buf + k, n - (size_t)k);
	return buf;
}

char *dissect_summary(const struct dissection *d, struct flowtab *t, char *buf, size_t n)
{
	struct flow_facts ff;
	flowtab_step(t, d, &ff);
	return dissect_summary_facts(d, &ff, buf, n);
}

static void summary_of(const struct dissection *d, const struct flow_facts *ff, char *buf, size_t n)
{
	const struct pkt_info *i = &d->info;
	struct strbuf b = sb_make(buf, n);
	if (i->tcp) {
		sum_tcp(i, ff, &b);
		if (i->app) {
			sb_mem(&b, ": ", 2);
			sb_str(&b, i->app);
			sb_mem(&b, ": ", 2);
			sb_mem(&b, i->app_summary, strnlen(i->app_summary, sizeof i->app_summary));
		} else if (ff->ftp_data) {
			sb_str(&b, ": FTP data, ");
			sb_u64(&b, i->payload_len);
			sb_str(&b, " bytes");
		}
	} else if (i->udp && i->app && strncmp(i->app_summary, i->app, strlen(i->app)) == 0) {
		snprintf(buf, n, "%s", i->app_summary);   /* it names itself: "NTPv4, Client, length 48" */
	} else if (i->udp && i->app) {
		sb_str(&b, i->app);   /* tcpdump shows DNS so, not "UDP" */
		sb_char(&b, ' ');
		sb_mem(&b, i->app_summary, strnlen(i->app_summary, sizeof i->app_summary));
	} else if (i->udp) {
		sb_str(&b, "UDP, length ");
		sb_u64(&b, i->payload_len);
	} else if (i->icmp && i->ip_proto == 1) {
		sum_icmp(i, buf, n);
	} else if (i->icmp) {
		sum_icmp6(i, buf, n);
	} else if (i->ip_version && i->app && !i->fragment) {
		snprintf(buf, n, "%s", i->app_summary);   /* an IP protocol's own: "OSPFv2, Hello, length 44" */
	} else {
		sum_other(d, buf, n);
	}

	if (d->status == DIS_TRUNCATED)
		dis_appendf(buf, n, " [truncated]");
	else if (d->status == DIS_MALFORMED)
		dis_appendf(buf, n, " [%s]", d->problem);
}

void dissect_endpoint(const struct pkt_info *i, bool source, char *buf, size_t n)
{
	if (!n)
		return;
	const char *addr = source ? i->src : i->dst;
	unsigned port = source ? i->sport : i->dport;
	if (!i->ip_version)
		snprintf(buf, n, "%s", "");
	else if (!i->has_ports)
		snprintf(buf, n, "%s", addr);
	else if (i->ip_version == 6)
		snprintf(buf, n, "[%s]:%u", addr, port);
	else
		snprintf(buf, n, "%s:%u", addr, port);
}
