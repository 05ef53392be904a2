/*
 * kind_dns_query.c — "a DNS client": the learner's program builds a DNS
 * query for the A records of a name (RFC 1035 4.1: a 12-byte header, then
 * the question: the name as length-prefixed labels, QTYPE, QCLASS), sends
 * it in one UDP datagram to the lab, parses the answer and prints the
 * addresses.  The lab answers as its DNS server does (src/servers,
 * labsrv_dns_answer): for the challenge's name a CNAME record and then three
 * A records, their names compressed (RFC 1035 4.1.4: part labels, part a
 * pointer back into the message), so a parser that does not follow
 * pointers misreads the answer.  Before the answer it sends a decoy: the
 * same answer with another ID and other addresses, as a late reply to an
 * earlier query would be; a program that does not match the reply's ID to
 * its query's prints the decoy's addresses.
 *
 * Judged: the query, field by field, from the bytes the lab's socket
 * received (the capture's packet as evidence): QR 0, opcode 0, RD set,
 * QDCOUNT 1 and no answer or authority records, the name in labels (a
 * dotted string is told as such), QTYPE A and QCLASS IN (byte order too),
 * nothing after the question but EDNS's OPT record; then, with --run,
 * the addresses the program printed against the answer's and the decoy's.
 * Run from another terminal, what it printed is a note.
 *
 * Parameter: name (the name to look up, default mirror.sockscope.test).
 */
#include "challenge/challenge.h"
#include "common/clock.h"
#include "dissect/reader.h"
#include "servers/labsrv.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MSG_MAX 1500        /* bytes kept of a query and of an answer */
#define LIFE_MS 600000
#define MAX_ADDRS 8
#define DECOY_LAST 99       /* the decoy's addresses: 127.0.0.99 and on */

struct dns_query {
	/* the first datagram the lab's socket received, and what the lab sent back */
	uint8_t q[MSG_MAX];
	size_t nq;              /* its real length (MSG_TRUNC) */
	bool got;
	uint16_t sport;
	uint8_t ans[MSG_MAX];
	ssize_t nans;           /* -1: no answer (the server's rules: a response, too short) */
	/* the A records of the answer and of the decoy */
	uint8_t addr[MAX_ADDRS][4], decoy[MAX_ADDRS][4];
	size_t naddr;
	unsigned ncname;        /* CNAME records in the answer */
	uint16_t decoy_id;
};

/* Walk an answer's records (our own server's message, read through the
 * bounds-checked reader all the same): the A records' addresses into
 * u->addr, and, when decoy is given, their last bytes changed in it. */
static void answer_records(struct dns_query *u, uint8_t *decoy)
{
	struct rd r = rd_make(u->ans, (uint32_t)u->nans);
	rd_skip(&r, 6);
	unsigned an = rd_be16(&r);
	rd_skip(&r, 4);
	for (uint8_t b; (b = rd_u8(&r)) && !r.short_;)   /* the question: labels only, as asked */
		rd_skip(&r, b);
	rd_skip(&r, 4);
	for (unsigned i = 0; i < an && !r.short_; i++) {
		for (uint8_t b; !r.short_;) {
			b = rd_u8(&r);
			if ((b & 0xc0) == 0xc0) {
				rd_skip(&r, 1);
				break;
			}
			if (!b)
				break;
			rd_skip(&r, b);
		}
		uint16_t type = rd_be16(&r);
		rd_skip(&r, 6);
		uint16_t len = rd_be16(&r);
		uint32_t at = r.off;
		rd_skip(&r, len);
		if (r.short_)
			break;
		u->ncname += type == 5;
		if (type == 1 && len == 4 && u->naddr < MAX_ADDRS) {
			memcpy(u->addr[u->naddr], u->ans + at, 4);
			memcpy(u->decoy[u->naddr], u->ans + at, 4);
			u->decoy[u->naddr][3] = (uint8_t)(DECOY_LAST + u->naddr);
			decoy[at + 3] = u->decoy[u->naddr][3];
			u->naddr++;
		}
	}
}

static void lab(struct chal_run *r)
{
	struct dns_query *u = r->priv;
	int64_t end = clock_ms() + LIFE_MS;
	while (!u->got && chal_readable(r, r->lfd, end)) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(r->lfd, u->q, sizeof u->q, MSG_TRUNC | MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		u->got = true;
		u->nq = (size_t)n;
		u->sport = ntohs(from.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&from)->sin6_port
		                                            : ((struct sockaddr_in *)&from)->sin_port);
		u->nans = labsrv_dns_answer(u->q, u->nq < sizeof u->q ? u->nq : sizeof u->q, u->ans, sizeof u->ans);
		if (u->nans < 0)
			return;
		uint8_t decoy[MSG_MAX];
		memcpy(decoy, u->ans, (size_t)u->nans);
		answer_records(u, decoy);
		if (u->naddr) {   /* the decoy first: another ID, other addresses */
			u->decoy_id = (uint16_t)((u->ans[0] << 8 | u->ans[1]) + 0x1111);
			decoy[0] = (uint8_t)(u->decoy_id >> 8);
			decoy[1] = (uint8_t)u->decoy_id;
			sendto(r->lfd, decoy, (size_t)u->nans, 0, (struct sockaddr *)&from, fl);
		}
		sendto(r->lfd, u->ans, (size_t)u->nans, 0, (struct sockaddr *)&from, fl);
	}
}

/* ---- the judge ---- */

static const char *type_name(unsigned t)
{
	return t == 1 ? "A" : t == 28 ? "AAAA" : t == 5 ? "CNAME" : t == 255 ? "ANY" : t == 15 ? "MX" : "";
}

/* The question's name at r's offset (labels, dotted into out; r moves past
 * it); false with why in out when it is no name of labels. */
static bool question_name(struct rd *r, char *out, size_t n)
{
	size_t k = 0;
	/* the name as text (letters, digits, '-' and at least one '.'), maybe
	 * behind one length byte for the whole */
	for (uint32_t at = r->off; at <= r->off + 1; at++) {
		struct rd t = rd_at(r, at);
		char text[254];
		size_t len = 0, dots = 0;
		while (rd_left(&t) && len < sizeof text - 1) {
			uint8_t ch = rd_u8(&t);
			if (!isalnum(ch) && ch != '-' && ch != '.')
				break;
			dots += ch == '.';
			text[len++] = (char)ch;
		}
		struct rd first = rd_at(r, r->off);
		uint8_t b = rd_u8(&first);
		if (dots && len > 3 && (at == r->off || b == len || b == len + 1)) {
			snprintf(out, n, "the dotted string \"%.*s\"%s: on the wire a name is labels, each a length byte "
			         "and that many bytes, ending with a zero byte", (int)len, text,
			         at > r->off ? " behind a length byte" : "");
			return false;
		}
	}
	out[0] = '\0';
	for (unsigned labels = 0; labels < 128; labels++) {
		uint8_t b = rd_u8(r);
		if (r->short_) {
			snprintf(out, n, "cut off: the datagram ends inside the name (every name ends with a zero byte)");
			return false;
		}
		if (!b)
			return true;
		if (b & 0xc0) {
			snprintf(out, n, "not labels: byte 0x%02x at offset %u is no label length (at most 63); a query's "
			         "name is written out in full", b, r->off - 1);
			return false;
		}
		const uint8_t *l = rd_take_(r, b);
		if (!l) {
			snprintf(out, n, "cut off: a label of %u bytes goes past the end of the datagram", b);
			return false;
		}
		k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%.*s", k ? "." : "", (int)b, (const char *)l);
		if (k >= n)
			k = n - 1;
	}
	snprintf(out, n, "more than 128 labels long");
	return false;
}

/* The query's evidence: its packet in the capture. */
static void query_packet(const struct chal_run *r, const struct dns_query *u, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < r->npkts; i++) {
		const struct pkt_info *in = &r->pkts[i].info;
		if (in->udp && r->pkts[i].from_learner && in->sport == u->sport && in->payload_len == u->nq) {
			snprintf(out, n, "packet %zu, ", i + 1);
			return;
		}
	}
}

/* The query, field by field; true when it is right. */
static bool judge_query(const struct chal_run *r, const struct dns_query *u, struct verdict *v)
{
	const char *want = challenge_text(r->c, "name");
	char ev[32], name[300];
	query_packet(r, u, ev, sizeof ev);
	if (u->nq < 12) {
		verdict_add(v, false, "its datagram (%s%zu bytes) is shorter than a DNS header, which is 12 bytes: ID, "
		            "flags, and the four counts, each 2 bytes, big-endian", ev, u->nq);
		return false;
	}
	struct rd rr = rd_make(u->q, (uint32_t)(u->nq < MSG_MAX ? u->nq : MSG_MAX)), *q = &rr;
	unsigned id = rd_be16(q), flags = rd_be16(q), qd = rd_be16(q), an = rd_be16(q), ns = rd_be16(q),
	         ar = rd_be16(q);
	size_t before = v->n;   /* every finding below is a fault */
	if (flags & 0x8000)
		verdict_add(v, false, "its flags (0x%04x) have QR set: that marks a response; a query has "
		            "QR 0", flags);
	if (flags >> 11 & 0xf)
		verdict_add(v, false, "its opcode is %u: a standard query is opcode 0", flags >> 11 & 0xf);
	if (!(flags & 0x0100))
		verdict_add(v, false, "it does not set RD (recursion desired, 0x0100 in the flags; its "
		            "flags are 0x%04x): a stub resolver asks the server to do the lookup for it. "
		            "Set the flags to 0x0100", flags);
	if (qd != 1)
		verdict_add(v, false, "its QDCOUNT is %u%s: a query asks one question (QDCOUNT 1, "
		            "big-endian: the bytes 00 01)", qd, qd == 256 ? " (the bytes 01 00: 1 in "
		            "little-endian)" : "");
	if (an || ns)
		verdict_add(v, false, "its ANCOUNT and NSCOUNT are %u and %u: a query carries no answer "
		            "or authority records (both 0)", an, ns);
	if (!question_name(q, name, sizeof name)) {
		char labels[300] = "";   /* "6 mirror 9 sockscope 4 test 0" */
		size_t k = 0;
		for (const char *p = want; *p && k < sizeof labels;) {
			size_t l = strcspn(p, ".");
			k += (size_t)snprintf(labels + k, sizeof labels - k, "%zu %.*s ", l, (int)l, p);
			p += l + (p[l] == '.');
		}
		verdict_add(v, false, "its question's name (QNAME) is %s: \"%s\" is %s0", name, want, labels);
		return false;
	}
	if (strcasecmp(name, want))
		verdict_add(v, false, "it asks for \"%s\": the task's name is \"%s\"", name, want);
	unsigned qtype = rd_be16(q), qclass = rd_be16(q);
	if (q->short_) {
		verdict_add(v, false, "its question ends after the name: QTYPE and QCLASS (2 bytes each) must follow");
		return false;
	}
	if (qtype != 1)
		verdict_add(v, false, "its QTYPE is %u%s%s%s: an A record is type 1 (the bytes 00 01)", qtype,
		            type_name(qtype)[0] ? " (" : "", type_name(qtype), type_name(qtype)[0] ? ")" :
		            qtype == 256 ? " (the bytes 01 00: 1 in little-endian)" : "");
	if (qclass != 1)
		verdict_add(v, false, "its QCLASS is %u%s: the Internet class IN is 1 (the bytes 00 01)", qclass,
		            qclass == 256 ? " (the bytes 01 00: 1 in little-endian)" : "");
	size_t extra = rd_left(q);
	struct rd o = rd_at(q, q->off);
	bool opt = ar == 1 && extra >= 11 && rd_u8(&o) == 0 && rd_be16(&o) == 41;   /* the root's OPT record */
	if (ar > (opt ? 1u : 0u) || (extra && !opt))
		verdict_add(v, false, "after the question come %zu more bytes (ARCOUNT %u): a query ends "
		            "with its question (an EDNS OPT record is the one addition a server takes)", extra, ar);
	bool ok = v->n == before;
	if (ok)
		verdict_add(v, true, "its query (%s%zu bytes) is right: ID 0x%04x, flags 0x%04x (a standard query with "
		            "RD), one question: %s, type A, class IN, the name as labels", ev, u->nq, id, flags, name);
	return ok;
}

/* The addresses a.b.c.d printed in text, into a (at most max). */
static size_t printed(const char *t, uint8_t (*a)[4], size_t max)
{
	size_t n = 0;
	for (const char *p = t; *p && n < max; p++) {
		if (!isdigit((unsigned char)*p) || (p > t && (isdigit((unsigned char)p[-1]) || p[-1] == '.')))
			continue;
		unsigned b[4];
		int used = 0;
		if (sscanf(p, "%3u.%3u.%3u.%3u%n", &b[0], &b[1], &b[2], &b[3], &used) == 4 && b[0] < 256 && b[1] < 256 &&
		    b[2] < 256 && b[3] < 256) {
			for (int i = 0; i < 4; i++)
				a[n][i] = (uint8_t)b[i];
			n++;
			p += used - 1;
		}
	}
	return n;
}

static bool in_list(uint8_t (*l)[4], size_t n, const uint8_t *a)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(l[i], a, 4))
			return true;
	return false;
}

static void addr_list(uint8_t (*l)[4], size_t n, char *out, size_t len)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(out + k, len - k, "%s%u.%u.%u.%u", i ? (i + 1 == n ? " and " : ", ") : "", l[i][0],
		                      l[i][1], l[i][2], l[i][3]);
}

static void judge_printed(const struct chal_run *r, struct dns_query *u, struct verdict *v)
{
	char want[160], dec[160], got[200];
	addr_list(u->addr, u->naddr, want, sizeof want);
	addr_list(u->decoy, u->naddr, dec, sizeof dec);
	if (!r->ran) {
		verdict_note(v, "run in another terminal, the lab cannot see what your program printed: it must print "
		             "%s, the answer's addresses, and none of %s (the first reply the lab sent carries another "
		             "ID, 0x%04x: it is no answer to your query); with --run \"CMD\" the lab checks it", want, dec,
		             u->decoy_id);
		return;
	}
	uint8_t p[16][4];
	size_t np = printed(r->out, p, 16);
	addr_list(p, np, got, sizeof got);
	size_t right = 0, decoy = 0, other = 0;
	for (size_t i = 0; i < np; i++) {
		right += in_list(u->addr, u->naddr, p[i]);
		decoy += in_list(u->decoy, u->naddr, p[i]);
	}
	other = np - right - decoy;
	if (decoy)
		verdict_add(v, false, "it printed %s: the decoy's addresses. The first reply the lab sent had the ID "
		            "0x%04x, not your query's 0x%04x: it answered another query (a late reply looks just like "
		            "that). Check that a reply's ID is your query's, and read on until one is", got, u->decoy_id,
		            u->ans[0] << 8 | u->ans[1]);
	bool all = true;
	for (size_t i = 0; i < u->naddr; i++)
		all = all && in_list(p, np, u->addr[i]);
	if (!np)
		verdict_add(v, false, "it printed no address: the answer holds %u CNAME record and %zu A records (%s). "
		            "Names in it are compressed: a length byte of 0xC0 or more starts a 2-byte pointer to the "
		            "rest of the name earlier in the message; follow it, or skip the name up to its zero byte or "
		            "its pointer (2 bytes)", u->ncname, u->naddr, want);
	else if (other)
		verdict_add(v, false, "it printed %s, of which %zu %s not in the answer (its A records are %s): "
		            "the parse went wrong. Names in the answer are compressed (a length byte of 0xC0 or more "
		            "starts a 2-byte pointer; a name may be labels and then a pointer), and only type A (1) "
		            "records with RDLENGTH 4 are addresses: the CNAME record's data is a name", got, other,
		            other == 1 ? "is" : "are", want);
	else if (!all && !decoy)
		verdict_add(v, false, "it printed %s: the answer holds %zu A records, %s: read every record "
		            "(ANCOUNT says how many) and print each A", got, u->naddr, want);
	else if (all && !decoy)
		verdict_add(v, true, "it printed the answer's %zu addresses, %s, past its CNAME record and its "
		            "compressed names, and ignored the decoy reply (another ID)", u->naddr, want);
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct dns_query *u = r->priv;
	if (!u->got) {
		unsigned syn = chal_count_flag(r, true, TCPF_SYN);
		if (syn)
			verdict_add(v, false, "it tried TCP (a SYN to port %u): ask over UDP, one datagram for the query "
			            "(DNS over TCP is for answers too long for a datagram)", r->port);
		else
			verdict_add(v, false, "nothing arrived at %s port %u: send the query in a UDP datagram to the lab "
			            "(with --run, also in $SOCKSCOPE_HOST and $SOCKSCOPE_PORT)", r->host, r->port);
		return;
	}
	bool ok = judge_query(r, u, v);
	if (u->nans >= 12 && (u->ans[3] & 0xf) && ok)
		verdict_add(v, false, "the lab's server answered with error %u", u->ans[3] & 0xf);
	if (!u->naddr) {
		if (ok)
			verdict_add(v, false, "the answer holds no address: does the name \"%s\" exist in the lab's zone?",
			            challenge_text(r->c, "name"));
		else
			verdict_add(v, false, "so the lab's server answered %s", u->nans < 12 ? "nothing" :
			            (u->ans[3] & 0xf) == 1 ? "FORMERR (1): it could not read the query" : (u->ans[3] & 0xf) ==
			            5 ? "REFUSED (5): it answers only for its zone" : (u->ans[3] & 0xf) == 3 ? "NXDOMAIN (3)"
			            : "with no address");
		return;
	}
	judge_printed(r, u, v);
}

static const struct chal_param params[] = {
	{ "name", "mirror.sockscope.test", 0, 0, NULL },
	{ NULL },
};

const struct chal_kind kind_dns_query = {
	.name = "dns-query", .learner = "client",
	.params = params, .priv_size = sizeof(struct dns_query), .serves = SOCK_DGRAM,
	.lab = lab, .judge = judge,
};
