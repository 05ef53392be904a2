/*
 * gen_capture.c — write a synthetic pcap file for benchmarks: N Ethernet
 * frames (default 1,000,000) of TCP and UDP over IPv4 and IPv6, from 4096
 * flows, with payloads of 0..480 bytes (about 320 bytes a frame on
 * average), sequence numbers advancing per flow and direction, correct IP
 * header checksums.  Deterministic: the same N gives the same file.
 *
 *   gen_capture OUT.pcap [N]
 *
 * Layouts per draft-ietf-opsawg-pcap, RFC 791, RFC 8200, RFC 9293, RFC 768.
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

struct flow {
	int v6, tcp;
	uint8_t a[16], b[16];
	uint16_t ap, bp;
	uint32_t seq[2];
	int started;
};

enum { NFLOWS = 4096 };

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_capture OUT.pcap [PACKETS]\n");
		return 2;
	}
	long n = argc > 2 ? atol(argv[2]) : 1000000;
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

	static struct flow fl[NFLOWS];
	for (int i = 0; i < NFLOWS; i++) {
		struct flow *x = &fl[i];
		x->v6 = i % 4 == 3;          /* a quarter over IPv6 */
		x->tcp = i % 3 != 2;         /* two thirds TCP */
		if (x->v6) {
			x->a[0] = 0x20; x->a[1] = 0x01; x->a[2] = 0x0d; x->a[3] = 0xb8; x->a[15] = (uint8_t)(i & 0xff); x->a[14] = (uint8_t)(i >> 8);
			x->b[0] = 0x20; x->b[1] = 0x01; x->b[2] = 0x0d; x->b[3] = 0xb8; x->b[7] = 1; x->b[15] = (uint8_t)(i % 7 + 1);
		} else {
			x->a[0] = 10; x->a[1] = 1; x->a[2] = (uint8_t)(i >> 8); x->a[3] = (uint8_t)(i & 0xff);
			x->b[0] = 192; x->b[1] = 0; x->b[2] = 2; x->b[3] = (uint8_t)(i % 7 + 1);
		}
		x->ap = (uint16_t)(32768 + i);
		static const uint16_t svc[] = { 80, 443, 53, 8080, 5000, 9000, 25 };
		x->bp = svc[i % 7];
		x->seq[0] = rnd();
		x->seq[1] = rnd();
	}

	uint8_t pkt[2048], rec[16];
	uint32_t sec = 1700000000, usec = 0;
	for (long k = 0; k < n; k++) {
		struct flow *x = &fl[rnd() % NFLOWS];
		int dir = rnd() & 1;   /* 0: a -> b */
		uint32_t plen = rnd() % 481;
		if (x->tcp && !x->started) {
			plen = 0;
			dir = 0;
		}
		const uint8_t *src = dir ? x->b : x->a, *dst = dir ? x->a : x->b;
		uint16_t sp = dir ? x->bp : x->ap, dp = dir ? x->ap : x->bp;
		size_t o = 0;
		memset(pkt, 0, 12);
		pkt[5] = 1;
		pkt[11] = 2;
		be16(pkt + 12, x->v6 ? 0x86dd : 0x0800);
		o = 14;
		uint32_t l4 = (x->tcp ? 32 : 8) + plen;
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
			} else if (plen) {
				flags = 0x18;
			}
			be32(pkt + o + 4, x->seq[dir]);
			be32(pkt + o + 8, flags == 0x02 ? 0 : x->seq[!dir]);
			pkt[o + 12] = 8 << 4;   /* 32 bytes: timestamps option */
			pkt[o + 13] = flags;
			be16(pkt + o + 14, 512);
			be16(pkt + o + 16, 0);
			be16(pkt + o + 18, 0);
			pkt[o + 20] = 1;
			pkt[o + 21] = 1;
			pkt[o + 22] = 8;
			pkt[o + 23] = 10;
			be32(pkt + o + 24, (uint32_t)k);
			be32(pkt + o + 28, (uint32_t)k / 2);
			x->seq[dir] += plen + (flags == 0x02);
			o += 32;
		} else {
			be16(pkt + o + 4, 8 + plen);
			be16(pkt + o + 6, 0);
			o += 8;
		}
		for (uint32_t i = 0; i < plen; i++)
			pkt[o + i] = (uint8_t)(i % 3 ? 'a' + (k + i) % 26 : rnd());
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
