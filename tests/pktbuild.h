/*
 * pktbuild.h — what the dissector tests share: checks (CHECK, EQ_INT,
 * EQ_STR, EQ_FIELD), byte-by-byte frame builders (Ethernet, IPv4, IPv6,
 * TCP, UDP, ICMP), field lookups, and the robustness drivers: sweep (every
 * shorter capture length, from an exactly sized heap copy so ASan and
 * valgrind catch an overread), mutate (random byte flips) and valid (both,
 * after a clean dissection).
 *
 * A header of static functions, included by one test file each: every
 * test program is a single translation unit (see tests/CMakeLists.txt).
 */
#ifndef SOCKSCOPE_TESTS_PKTBUILD_H
#define SOCKSCOPE_TESTS_PKTBUILD_H

#include "dissect/dissect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ------------------------------------------------------------ builders */

struct pkt {
	uint8_t b[1600];
	uint32_t n;
};

static inline void p8(struct pkt *p, unsigned v)
{
	p->b[p->n++] = (uint8_t)v;
}

static inline void p16(struct pkt *p, unsigned v)
{
	p8(p, v >> 8);
	p8(p, v);
}

static inline void p32(struct pkt *p, uint32_t v)
{
	p16(p, v >> 16);
	p16(p, v & 0xffff);
}

static inline void pmem(struct pkt *p, const void *m, size_t n)
{
	if (n)
		memcpy(p->b + p->n, m, n);
	p->n += (uint32_t)n;
}

static inline void pset16(struct pkt *p, uint32_t off, unsigned v)
{
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}

static inline uint32_t sum16(const uint8_t *b, uint32_t n)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i < n; i += 2)
		s += (uint32_t)b[i] << 8 | (i + 1 < n ? b[i + 1] : 0);
	return s;
}

static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static const uint8_t LO4[4] = { 127, 0, 0, 1 };
static const uint8_t LO6[16] = { [15] = 1 };
static const uint8_t MAC_A[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_B[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };

static inline void tcp(struct pkt *s, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
                unsigned flags, unsigned win, const uint8_t *opts, uint32_t olen, const char *data)
{
	s->n = 0;
	p16(s, sport);
	p16(s, dport);
	p32(s, seq);
	p32(s, ack);
	p8(s, ((20 + olen) / 4) << 4);
	p8(s, flags);
	p16(s, win);
	p16(s, 0xfe30);   /* checksum: left as offload leaves it; the dissector does not check */
	p16(s, 0);
	pmem(s, opts, olen);
	if (data)
		pmem(s, data, strlen(data));
}

static inline void udp(struct pkt *s, unsigned sport, unsigned dport, const char *data)
{
	s->n = 0;
	p16(s, sport);
	p16(s, dport);
	p16(s, 8 + (unsigned)strlen(data));
	p16(s, 0x1234);
	pmem(s, data, strlen(data));
}

/* ICMP or ICMPv6 header with its 4 bytes of "rest" and data; the ICMP
 * checksum is set here, ICMPv6's by ipv6() (it needs the addresses). */
static inline void icmp(struct pkt *s, unsigned type, unsigned code, uint32_t rest, const void *data,
                 uint32_t len, int v4)
{
	s->n = 0;
	p8(s, type);
	p8(s, code);
	p16(s, 0);
	p32(s, rest);
	pmem(s, data, len);
	if (v4)
		pset16(s, 2, fold(sum16(s->b, s->n)));
}

/* IPv4 from src to dst (4 bytes each) around l4, its checksum set. */
static inline void ipv4_from(struct pkt *p, unsigned proto, const uint8_t *src, const uint8_t *dst,
                             const struct pkt *l4)
{
	uint32_t o = p->n;
	p8(p, 0x45);
	p8(p, 0);
	p16(p, 20 + l4->n);
	p16(p, 0x1234);
	p16(p, 0x4000);   /* DF */
	p8(p, 64);
	p8(p, proto);
	p16(p, 0);
	pmem(p, src, 4);
	pmem(p, dst, 4);
	pset16(p, o + 10, fold(sum16(p->b + o, 20)));
	pmem(p, l4->b, l4->n);
}

static inline void ipv4(struct pkt *p, unsigned proto, const struct pkt *l4)
{
	ipv4_from(p, proto, LO4, LO4, l4);
}

/* IPv6 from src to dst (16 bytes each) around l4; ICMPv6's checksum set. */
static inline void ipv6_from(struct pkt *p, unsigned nh, const uint8_t *src, const uint8_t *dst,
                             const struct pkt *l4)
{
	uint32_t o = p->n;
	p32(p, 0x60000000u | 0x12345);   /* flow label 0x12345 */
	p16(p, l4->n);
	p8(p, nh);
	p8(p, 64);
	pmem(p, src, 16);
	pmem(p, dst, 16);
	pmem(p, l4->b, l4->n);
	if (nh == 58) {
		uint32_t s = sum16(p->b + o + 8, 32) + l4->n + 58 + sum16(p->b + o + 40, l4->n);
		pset16(p, o + 42, fold(s));
	}
}

static inline void ipv6(struct pkt *p, unsigned nh, const struct pkt *l4)
{
	ipv6_from(p, nh, LO6, LO6, l4);
}

static inline void ether(struct pkt *p, unsigned type)
{
	p->n = 0;
	pmem(p, MAC_B, 6);
	pmem(p, MAC_A, 6);
	p16(p, type);
}

/* ----------------------------------------------------------- helpers */

static inline int find(const struct dissection *d, int from, const char *name)
{
	for (size_t i = from < 0 ? 0 : (size_t)from; i < d->nfields; i++)
		if (strcmp(d->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

static inline const struct field *fld(const struct dissection *d, const char *name)
{
	static const struct field none = { .name = "(missing)", .value = "(missing)", .off = 99999 };
	int i = find(d, 0, name);
	return i < 0 ? &none : &d->fields[i];
}

/* The first field `name` after the layer `layer`. */
static inline const struct field *fld_in(const struct dissection *d, const char *layer, const char *name)
{
	int i = find(d, find(d, 0, layer), name);
	return i < 0 ? fld(d, "(missing)") : &d->fields[i];
}

static inline const char *val(const struct dissection *d, const char *name)
{
	return fld(d, name)->value;
}

#define EQ_FIELD(d_, name_, off_, len_, value_)                      \
	do {                                                         \
		const struct field *f_ = fld((d_), (name_));         \
		EQ_INT((off_), f_->off);                             \
		EQ_INT((len_), f_->len);                             \
		EQ_STR((value_), f_->value);                         \
	} while (0)

/* Every field inside the capture, and a well-formed pre-order tree. */
static inline int tree_ok(const struct dissection *d, uint32_t caplen)
{
	for (size_t i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];
		if (f->off > caplen || f->len > caplen - f->off)
			return 0;
		if (i == 0 ? f->depth != 0 : f->depth > d->fields[i - 1].depth + 1)
			return 0;
		if (!f->name[0])
			return 0;
	}
	return 1;
}

static inline enum dis_status dis(int lt, const struct pkt *p, struct dissection *d)
{
	return dissect_frame(lt, p->b, p->n, p->n, d);
}

static inline char *summary(const struct dissection *d, struct flowtab *t)
{
	static char buf[256];
	return dissect_summary(d, t, buf, sizeof buf);
}

/* Cut a valid frame at every length below its own from an exactly sized
 * heap copy: truncated each time, fields inside the capture. */
static inline void sweep(const char *what, int lt, const struct pkt *p)
{
	int bad = 0;
	for (uint32_t cap = 0; cap < p->n && bad < 3; cap++) {
		uint8_t *copy = malloc(cap ? cap : 1);
		memcpy(copy, p->b, cap);
		struct dissection d;
		enum dis_status st = dissect_frame(lt, copy, cap, p->n, &d);
		char buf[256];
		struct flowtab *t = flowtab_new();
		dissect_summary(&d, t, buf, sizeof buf);
		dissect_summary(&d, NULL, buf, sizeof buf);
		flowtab_free(t);
		size_t bl = strlen(buf);
		int ok = st == DIS_TRUNCATED && strncmp(d.problem, "truncated: ", 11) == 0 &&
		         tree_ok(&d, cap) && bl >= 12 && strcmp(buf + bl - 12, " [truncated]") == 0;
		checks++;
		if (!ok) {
			failures++;
			bad++;
			fprintf(stderr, "%s:%d: %s cut at %u of %u: status %d, problem \"%s\", summary \"%s\"\n",
			        __FILE__, __LINE__, what, cap, p->n, st, d.problem, buf);
		}
		dissection_free(&d);
		free(copy);
	}
}

/* Flip a few random bytes many times; the dissector must stay in bounds. */
static uint32_t rng = 2463534242u;
static inline uint32_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static inline void mutate(const char *what, int lt, const struct pkt *p)
{
	for (int round = 0; round < 300; round++) {
		uint32_t cap = p->n - (round % 4 == 0 ? xorshift() % (p->n + 1) : 0);
		uint8_t *copy = malloc(cap ? cap : 1);
		memcpy(copy, p->b, cap);
		for (int k = 0; cap && k < 1 + round % 3; k++)
			copy[xorshift() % cap] = (uint8_t)xorshift();
		struct dissection d;
		dissect_frame(lt, copy, cap, p->n, &d);
		char buf[256];
		dissect_summary(&d, NULL, buf, sizeof buf);
		checks++;
		if (!tree_ok(&d, cap)) {
			failures++;
			fprintf(stderr, "%s:%d: %s mutated (round %d): field outside capture or bad tree\n",
			        __FILE__, __LINE__, what, round);
		}
		dissection_free(&d);
		free(copy);
	}
}

/* A valid frame: dissects cleanly at full length, then sweep and mutate. */
static inline void valid(const char *what, int lt, const struct pkt *p)
{
	struct dissection d;
	enum dis_status st = dis(lt, p, &d);
	if (st != DIS_OK)
		fprintf(stderr, "%s: %s\n", what, d.problem);
	EQ_INT(DIS_OK, st);
	EQ_STR("", d.problem);
	CHECK(tree_ok(&d, p->n));
	dissection_free(&d);
	sweep(what, lt, p);
	mutate(what, lt, p);
}


enum { SYN = 0x02, FIN = 0x01, RST = 0x04, PSH = 0x08, ACK = 0x10 };

static inline void tcp_frame(struct pkt *f, int v6, unsigned sport, unsigned dport, uint32_t seq,
                      uint32_t ack, unsigned flags, unsigned win, const uint8_t *opts, uint32_t olen,
                      const char *data)
{
	struct pkt s;
	tcp(&s, sport, dport, seq, ack, flags, win, opts, olen, data);
	ether(f, v6 ? 0x86dd : 0x0800);
	if (v6)
		ipv6(f, 6, &s);
	else
		ipv4(f, 6, &s);
}

#endif
