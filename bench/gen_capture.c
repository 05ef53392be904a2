/*
 * gen_capture.c — write a synthetic pcap file for benchmarks: N Ethernet
 * frames (default 1,000,000) of TCP and UDP over IPv4 and IPv6, from 4096
 * flows, with payloads of 0..480 bytes (about 320 bytes a frame on
 * average), sequence numbers advancing per flow and direction, correct IP
 * header checksums.  Deterministic: the same N and MIX give the same file.
 *
 *   gen_capture OUT.pcap [N] [MIX]
 *
 * MIX (the traffic the reader is measured on; `default` when not given,
 * the file this program always wrote):
 *   default      TCP (two thirds) and UDP, a quarter IPv6, 4096 flows
 *   dns-heavy    DNS queries and answers over UDP port 53, a little TCP/UDP
 *   http-heavy   HTTP/1.1 requests and responses with bodies on port 80
 *   ipv6-heavy   the default's TCP/UDP, nine flows in ten over IPv6
 *   tls-heavy    TLS 1.2/1.3 application data records on port 443
 *   many-flows   short TCP/UDP flows (SYN ... FIN), 100,000 in 1M packets
 *   few-flows    8 long flows
 *   tiny         frames of at most 60 bytes (TCP without options, 0..6 bytes)
 *   mixed-small  a third DNS queries, a third HTTP segments, a third TCP
 *                of 0..64 bytes
 *
 * Layouts per draft-ietf-opsawg-pcap, RFC 791, RFC 8200, RFC 9293, RFC 768,
 * RFC 1035 (DNS), RFC 9112 (HTTP/1.1), RFC 8446 5.1 (TLS records).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v & 0xffff);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

enum kind { K_TCP, K_UDP, K_DNS, K_HTTP, K_TLS, K_KINDS };

struct flow {
	int v6, tcp;
	enum kind kind;
	uint8_t a[16], b[16];
	uint16_t ap, bp;
	uint32_t seq[2];
	int started;
	long left;       /* packets until the flow ends (life > 0) */
	uint32_t id;
};

/* A mix: how many flows run at once, how long each lives (0: the whole
 * file), the share over IPv6, the kinds by weight, the largest payload of
 * plain TCP/UDP and of HTTP bodies, and whether TCP carries the
 * timestamps option. */
struct mix {
	const char *name;
	int nflows;
	long life;
	int v6pct;
	int weight[K_KINDS];
	uint32_t maxpay;
	int tcpopts;
};

static const struct mix mixes[] = {
	{ "default", 4096, 0, 25, { 0 }, 480, 1 },
	{ "dns-heavy", 4096, 0, 10, { [K_TCP] = 1, [K_UDP] = 1, [K_DNS] = 10 }, 480, 1 },
	{ "http-heavy", 4096, 0, 10, { [K_TCP] = 1, [K_HTTP] = 10 }, 480, 1 },
	{ "ipv6-heavy", 4096, 0, 90, { [K_TCP] = 8, [K_UDP] = 4 }, 480, 1 },
	{ "tls-heavy", 4096, 0, 10, { [K_TCP] = 1, [K_DNS] = 1, [K_TLS] = 10 }, 480, 1 },
	{ "many-flows", 1024, 10, 25, { [K_TCP] = 8, [K_UDP] = 4 }, 200, 1 },
	{ "few-flows", 8, 0, 25, { [K_TCP] = 6, [K_UDP] = 2 }, 480, 1 },
	{ "tiny", 4096, 0, 25, { [K_TCP] = 8, [K_UDP] = 4 }, 6, 0 },
	{ "mixed-small", 4096, 0, 25, { [K_TCP] = 4, [K_DNS] = 4, [K_HTTP] = 4 }, 64, 1 },
};

enum { NFLOWS_MAX = 4096 };

static const struct mix *mix;

/* Flow `id`'s addresses, ports and kind.  The default mix keeps the
 * layout this program always had, so its file stays the same. */
static void flow_init(struct flow *x, uint32_t id)
{
	memset(x, 0, sizeof *x);
	x->id = id;
	x->left = mix->life;
	if (mix == &mixes[0]) {
		x->v6 = id % 4 == 3;          /* a quarter over IPv6 */
		x->kind = id % 3 != 2 ? K_TCP : K_UDP;   /* two thirds TCP */
	} else {
		x->v6 = (int)(id * 7919u % 100) < mix->v6pct;
		int total = 0, slot;
		for (int k = 0; k < K_KINDS; k++)
			total += mix->weight[k];
		slot = (int)(id * 2654435761u >> 8) % total;
		for (int k = 0; k < K_KINDS; k++) {
			if (slot < mix->weight[k]) {
				x->kind = (enum kind)k;
				break;
			}
			slot -= mix->weight[k];
		}
	}
	x->tcp = x->kind == K_TCP || x->kind == K_HTTP || x->kind == K_TLS;
	if (x->v6) {
		x->a[0] = 0x20; x->a[1] = 0x01; x->a[2] = 0x0d; x->a[3] = 0xb8; x->a[15] = (uint8_t)(id & 0xff); x->a[14] = (uint8_t)(id >> 8); x->a[13] = (uint8_t)(id >> 16);
		x->b[0] = 0x20; x->b[1] = 0x01; x->b[2] = 0x0d; x->b[3] = 0xb8; x->b[7] = 1; x->b[15] = (uint8_t)(id % 7 + 1);
	} else {
		x->a[0] = 10; x->a[1] = (uint8_t)(1 + (id >> 16)); x->a[2] = (uint8_t)(id >> 8); x->a[3] = (uint8_t)(id & 0xff);
		x->b[0] = 192; x->b[1] = 0; x->b[2] = 2; x->b[3] = (uint8_t)(id % 7 + 1);
	}
	x->ap = (uint16_t)(32768 + id % 28000);
	static const uint16_t svc[] = { 80, 443, 53, 8080, 5000, 9000, 25 };
	x->bp = svc[id % 7];
	if (x->kind == K_DNS)
		x->bp = 53;
	else if (x->kind == K_HTTP)
		x->bp = 80;
	else if (x->kind == K_TLS)
		x->bp = 443;
	x->seq[0] = rnd();
	x->seq[1] = rnd();
}

static size_t put(uint8_t *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return n;
}

/* The application payload of packet k of flow x in direction dir, at p;
 * returns its length.  Only for DNS, HTTP and TLS. */
static uint32_t app_payload(const struct flow *x, int dir, long k, uint8_t *p)
{
	char name[64];
	size_t o = 0;
	switch (x->kind) {
	case K_DNS: {
		/* A query (client to port 53) or its answer with one A record. */
		uint16_t qid = (uint16_t)(k * 40503u);
		be16(p, qid);
		be16(p + 2, dir ? 0x8180 : 0x0100);
		be16(p + 4, 1);
		be16(p + 6, dir ? 1 : 0);
		be16(p + 8, 0);
		be16(p + 10, 0);
		o = 12;
		snprintf(name, sizeof name, "host%u", (unsigned)(k % 997));
		p[o++] = (uint8_t)strlen(name);
		o += put(p + o, name);
		p[o++] = 7;
		o += put(p + o, "example");
		p[o++] = 3;
		o += put(p + o, "com");
		p[o++] = 0;
		be16(p + o, 1);
		be16(p + o + 2, 1);
		o += 4;
		if (dir) {
			be16(p + o, 0xc00c);
			be16(p + o + 2, 1);
			be16(p + o + 4, 1);
			be32(p + o + 6, 300);
			be16(p + o + 10, 4);
			p[o + 12] = 192; p[o + 13] = 0; p[o + 14] = 2; p[o + 15] = (uint8_t)k;
			o += 16;
		}
		return (uint32_t)o;
	}
	case K_HTTP:
		if (!dir) {
			snprintf(name, sizeof name, "GET /item/%u HTTP/1.1\r\n", (unsigned)(k % 100000));
			o = put(p, name);
			o += put(p + o, "Host: www.example.com\r\nAccept: */*\r\n\r\n");
		} else {
			uint32_t body = rnd() % (mix->maxpay + 1);
			snprintf(name, sizeof name, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n", body);
			o = put(p, name);
			o += put(p + o, "Content-Type: text/html\r\n\r\n");
			for (uint32_t i = 0; i < body; i++)
				p[o++] = (uint8_t)('a' + (k + i) % 26);
		}
		return (uint32_t)o;
	case K_TLS: {
		/* One application data record (RFC 8446 5.2) of 16..480 bytes. */
		uint32_t len = 16 + rnd() % (mix->maxpay - 15);
		p[0] = 23;
		p[1] = 3;
		p[2] = 3;
		be16(p + 3, len);
		for (uint32_t i = 0; i < len; i++)
			p[5 + i] = (uint8_t)rnd();
		return 5 + len;
	}
	default:
		return 0;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_capture OUT.pcap [PACKETS] [MIX]\n");
		return 2;
	}
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	mix = &mixes[0];
	if (argc > 3) {
		mix = NULL;
		for (size_t k = 0; k < sizeof mixes / sizeof mixes[0]; k++)
			if (!strcmp(argv[3], mixes[k].name))
				mix = &mixes[k];
		if (!mix) {
			fprintf(stderr, "gen_capture: no mix '%s'; there are:", argv[3]);
			for (size_t k = 0; k < sizeof mixes / sizeof mixes[0]; k++)
				fprintf(stderr, " %s", mixes[k].name);
			fprintf(stderr, "\n");
			return 2;
		}
	}
	FILE *f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	static char fbuf[1 << 20];
	setvbuf(f, fbuf, _IOFBF, sizeof fbuf);
	uint8_t gh[24] = { 0 };
	le32(gh, 0xa1b2c3d4);
	gh[4] = 2;
	gh[6] = 4;
	le32(gh + 16, 262144);
	le32(gh + 20, 1);   /* Ethernet */
	fwrite(gh, 1, sizeof gh, f);

	static struct flow fl[NFLOWS_MAX];
	uint32_t next_id = 0;
	for (int i = 0; i < mix->nflows; i++)
		flow_init(&fl[i], next_id++);

	uint8_t pkt[2048], rec[16];
	uint32_t sec = 1700000000, usec = 0;
	for (long k = 0; k < n; k++) {
		struct flow *x = &fl[rnd() % (uint32_t)mix->nflows];
		if (mix->life && x->left == 0)
			flow_init(x, next_id++);   /* the last one ended: a new flow in its place */
		int dir = rnd() & 1;   /* 0: a -> b */
		uint32_t plen = rnd() % (mix->maxpay + 1);
		int fin = mix->life && x->left == 1 && x->tcp && x->started;
		if (mix->life)
			x->left--;
		if ((x->tcp && !x->started) || fin) {
			plen = 0;
			dir = 0;
		}
		uint8_t app[1024];
		if (x->kind != K_TCP && x->kind != K_UDP && plen)
			plen = app_payload(x, dir, k, app);
		else if (x->kind == K_DNS)
			plen = app_payload(x, dir, k, app);
		const uint8_t *src = dir ? x->b : x->a, *dst = dir ? x->a : x->b;
		uint16_t sp = dir ? x->bp : x->ap, dp = dir ? x->ap : x->bp;
		size_t o = 0;
		memset(pkt, 0, 12);
		pkt[5] = 1;
		pkt[11] = 2;
		be16(pkt + 12, x->v6 ? 0x86dd : 0x0800);
		o = 14;
		uint32_t thl = mix->tcpopts ? 32 : 20;
		uint32_t l4 = (x->tcp ? thl : 8) + plen;
		size_t ip = o;
		if (x->v6) {
			be32(pkt + o, 0x60000000u);
			be16(pkt + o + 4, l4);
			pkt[o + 6] = x->tcp ? 6 : 17;
			pkt[o + 7] = 64;
			memcpy(pkt + o + 8, src, 16);
			memcpy(pkt + o + 24, dst, 16);
			o += 40;
		} else {
			pkt[o] = 0x45;
			pkt[o + 1] = 0;
			be16(pkt + o + 2, 20 + l4);
			be16(pkt + o + 4, (uint32_t)k & 0xffff);
			be16(pkt + o + 6, 0x4000);
			pkt[o + 8] = 64;
			pkt[o + 9] = x->tcp ? 6 : 17;
			be16(pkt + o + 10, 0);
			memcpy(pkt + o + 12, src, 4);
			memcpy(pkt + o + 16, dst, 4);
			uint32_t s = 0;
			for (int i = 0; i < 20; i += 2)
				s += (uint32_t)pkt[ip + i] << 8 | pkt[ip + i + 1];
			while (s >> 16)
				s = (s & 0xffff) + (s >> 16);
			be16(pkt + o + 10, ~s & 0xffff);
			o += 20;
		}
		be16(pkt + o, sp);
		be16(pkt + o + 2, dp);
		if (x->tcp) {
			uint8_t flags = 0x10;
			if (!x->started) {
				flags = 0x02;
				x->started = 1;
			} else if (fin) {
				flags = 0x11;
			} else if (plen) {
				flags = 0x18;
			}
			be32(pkt + o + 4, x->seq[dir]);
			be32(pkt + o + 8, flags == 0x02 ? 0 : x->seq[!dir]);
			pkt[o + 12] = (uint8_t)(thl / 4 << 4);   /* 32 bytes: timestamps option */
			pkt[o + 13] = flags;
			be16(pkt + o + 14, 512);
			be16(pkt + o + 16, 0);
			be16(pkt + o + 18, 0);
			if (mix->tcpopts) {
				pkt[o + 20] = 1;
				pkt[o + 21] = 1;
				pkt[o + 22] = 8;
				pkt[o + 23] = 10;
				be32(pkt + o + 24, (uint32_t)k);
				be32(pkt + o + 28, (uint32_t)k / 2);
			}
			x->seq[dir] += plen + (flags == 0x02) + (flags == 0x11);
			o += thl;
		} else {
			be16(pkt + o + 4, 8 + plen);
			be16(pkt + o + 6, 0);
			o += 8;
		}
		if (x->kind == K_TCP || x->kind == K_UDP)
			for (uint32_t i = 0; i < plen; i++)
				pkt[o + i] = (uint8_t)(i % 3 ? 'a' + (k + i) % 26 : rnd());
		else
			memcpy(pkt + o, app, plen);
		o += plen;
		usec += 1 + rnd() % 200;
		if (usec >= 1000000) {
			usec -= 1000000;
			sec++;
		}
		le32(rec, sec);
		le32(rec + 4, usec);
		le32(rec + 8, (uint32_t)o);
		le32(rec + 12, (uint32_t)o);
		fwrite(rec, 1, 16, f);
		fwrite(pkt, 1, o, f);
	}
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
