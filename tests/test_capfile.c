/*
 * test_capfile.c — the capture file reader and the inspect core on files
 * built here byte by byte (draft-ietf-opsawg-pcap / -pcapng layouts): both
 * byte orders, nanosecond pcap, pcapng with several interfaces and link
 * types, if_tsresol/if_tsoffset, EPB/SPB/OPB, unknown blocks, two
 * sections of different byte orders; every truncation point; damaged
 * lengths; random mutations; the background indexer; the writer (pcap
 * byte for byte as built here, pcapng with comments and both time
 * resolutions, read back); then the view (BPF
 * filter, search), follow stream (out of order, retransmission, gap; its
 * lines of text),
 * conversations, marks and saving.
 */
#include "pktbuild.h"

#include "capfile/capfile.h"
#include "capfile/write.h"
#include "inspect/conn.h"
#include "inspect/convs.h"
#include "inspect/save.h"
#include "inspect/stream.h"
#include "inspect/view.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------- file builder */

struct buf {
	uint8_t *b;
	size_t n, cap;
	bool be;
};

static void bput(struct buf *f, const void *m, size_t n)
{
	if (f->n + n > f->cap) {
		f->cap = (f->n + n) * 2 + 256;
		f->b = realloc(f->b, f->cap);
	}
	memcpy(f->b + f->n, m, n);
	f->n += n;
}

static void b16(struct buf *f, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(f->be ? v >> 8 : v), (uint8_t)(f->be ? v : v >> 8) };
	bput(f, x, 2);
}

static void b32(struct buf *f, uint32_t v)
{
	if (f->be) {
		b16(f, (uint16_t)(v >> 16));
		b16(f, (uint16_t)v);
	} else {
		b16(f, (uint16_t)v);
		b16(f, (uint16_t)(v >> 16));
	}
}

static void b32at(struct buf *f, size_t at, uint32_t v)
{
	struct buf t = { .be = f->be };
	b32(&t, v);
	memcpy(f->b + at, t.b, 4);
	free(t.b);
}

static void pad4(struct buf *f)
{
	static const uint8_t z[4];
	bput(f, z, (4 - f->n % 4) % 4);
}

static char tmpdir[64];

static const char *write_file(const char *name, const uint8_t *b, size_t n)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	if (n)
		fwrite(b, 1, n, f);
	fclose(f);
	return path;
}

static struct capfile *open_all(const char *path, char *err, size_t errlen)
{
	enum capfile_error why;
	struct capfile *cf = capfile_open(path, &why, err, errlen);
	if (cf)
		while (capfile_index_step(cf, 3) == CAPFILE_SCANNING)
			;
	return cf;
}

/* Three Ethernet frames of different sizes. */
static struct pkt frames[3];

static void make_frames(void)
{
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	tcp_frame(&frames[0], 0, 40000, 80, 1000, 0, SYN, 65535, mss, 4, NULL);
	tcp_frame(&frames[1], 0, 80, 40000, 5000, 1001, SYN | ACK, 65535, mss, 4, NULL);
	struct pkt u;
	udp(&u, 5353, 53, "hello, udp");
	ether(&frames[2], 0x86dd);
	ipv6(&frames[2], 17, &u);
}

/* Classic pcap of the three frames; ends[i] = file size after record i. */
static void build_pcap(struct buf *f, bool be, bool nano, size_t ends[3])
{
	f->n = 0;
	f->be = be;
	b32(f, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	b16(f, 2);
	b16(f, 4);
	b32(f, 0);
	b32(f, 0);
	b32(f, 65535);
	b32(f, 1);
	for (int i = 0; i < 3; i++) {
		b32(f, 1700000000 + (uint32_t)i);
		b32(f, nano ? 123456789 : 123456);
		b32(f, frames[i].n);
		b32(f, frames[i].n + (i == 2 ? 100 : 0));   /* the last one was cut by the snaplen */
		bput(f, frames[i].b, frames[i].n);
		ends[i] = f->n;
	}
}

static void check_three(struct capfile *cf, bool nano, const char *what)
{
	struct capfile_progress pr;
	capfile_progress(cf, &pr);
	EQ_INT(CAPFILE_COMPLETE, pr.state);
	EQ_INT(3, pr.packets);
	EQ_INT(pr.bytes_total, pr.bytes_done);
	EQ_STR("", capfile_stop_reason(cf));
	for (int i = 0; i < 3; i++) {
		struct capfile_packet p;
		CHECK(capfile_packet(cf, (uint64_t)i, &p));
		EQ_INT(frames[i].n, p.caplen);
		EQ_INT(frames[i].n + (i == 2 ? 100 : 0), p.wirelen);
		EQ_INT(1, p.linktype);
		EQ_INT((1700000000LL + i) * 1000000000LL + (nano ? 123456789 : 123456000), p.ts_ns);
		CHECK(memcmp(p.data, frames[i].b, frames[i].n) == 0);
	}
	struct capfile_packet p;
	CHECK(!capfile_packet(cf, 3, &p));
	if (failures)
		fprintf(stderr, "  (in %s)\n", what);
}

static void test_pcap(void)
{
	struct buf f = { 0 };
	size_t ends[3];
	char err[256];
	for (int be = 0; be < 2; be++)
		for (int nano = 0; nano < 2; nano++) {
			build_pcap(&f, be, nano, ends);
			struct capfile *cf = open_all(write_file("a.pcap", f.b, f.n), err, sizeof err);
			CHECK(cf != NULL);
			if (!cf)
				continue;
			EQ_INT(CAPFILE_PCAP, capfile_format(cf));
			check_three(cf, nano, be ? "big-endian pcap" : "little-endian pcap");
			struct capfile_iface ifc;
			CHECK(capfile_iface(cf, 0, &ifc));
			EQ_INT(nano ? 9 : 6, ifc.ts_digits);
			capfile_close(cf);
		}
	free(f.b);
}

/* ------------------------------------------------------------- pcapng */

static size_t block_start(struct buf *f, uint32_t type)
{
	size_t at = f->n;
	b32(f, type);
	b32(f, 0);   /* length, set by block_end */
	return at;
}

static void block_end(struct buf *f, size_t at)
{
	pad4(f);
	uint32_t len = (uint32_t)(f->n - at + 4);
	b32(f, len);
	b32at(f, at + 4, len);
}

static void shb(struct buf *f)
{
	size_t at = block_start(f, 0x0A0D0D0A);
	b32(f, 0x1A2B3C4D);
	b16(f, 1);
	b16(f, 0);
	b32(f, 0xffffffff);
	b32(f, 0xffffffff);   /* section length unknown */
	block_end(f, at);
}

static void idb(struct buf *f, uint16_t lt, int tsresol, bool offset, const char *name)
{
	size_t at = block_start(f, 1);
	b16(f, lt);
	b16(f, 0);
	b32(f, 65535);
	if (name) {
		b16(f, 2);
		b16(f, (uint16_t)strlen(name));
		bput(f, name, strlen(name));
		pad4(f);
	}
	if (tsresol >= 0) {
		b16(f, 9);
		b16(f, 1);
		uint8_t r[4] = { (uint8_t)tsresol };
		bput(f, r, 4);
	}
	if (offset) {
		b16(f, 14);
		b16(f, 8);
		b32(f, f->be ? 0 : 100);   /* 100 seconds, as a 64-bit integer of the section's order */
		b32(f, f->be ? 100 : 0);
	}
	b16(f, 0);
	b16(f, 0);
	block_end(f, at);
}

static void epb(struct buf *f, uint32_t ifid, uint64_t ts, const struct pkt *p, uint32_t wirelen)
{
	size_t at = block_start(f, 6);
	b32(f, ifid);
	b32(f, (uint32_t)(ts >> 32));
	b32(f, (uint32_t)ts);
	b32(f, p->n);
	b32(f, wirelen);
	bput(f, p->b, p->n);
	block_end(f, at);
}

/* The pcapng file of the tests; pkt_end[i] = file size after packet block i. */
struct ngfile {
	struct buf f;
	size_t pkt_end[8];
	int npkts;
	struct pkt raw;
};

static void build_pcapng(struct ngfile *g)
{
	struct buf *f = &g->f;
	f->n = 0;
	f->be = false;
	g->npkts = 0;
	/* raw IPv4 for the LINKTYPE_RAW interface */
	struct pkt u;
	udp(&u, 1000, 2000, "raw");
	g->raw.n = 0;
	ipv4(&g->raw, 17, &u);

	shb(f);
	idb(f, 1, -1, false, "lo");            /* 0: Ethernet, microseconds */
	idb(f, 101, 9, true, NULL);            /* 1: raw IP, nanoseconds, +100 s */
	idb(f, 1, 0x80 | 10, false, NULL);     /* 2: Ethernet, 2^-10 s */
	epb(f, 0, 1700000000ull * 1000000 + 5, &frames[0], frames[0].n);
	g->pkt_end[g->npkts++] = f->n;
	epb(f, 1, 1700000000ull * 1000000000 + 7, &g->raw, g->raw.n);
	g->pkt_end[g->npkts++] = f->n;
	/* an unknown block type, then a statistics block: both skipped */
	size_t at = block_start(f, 0x00000BAD);
	b32(f, 0xdeadbeef);
	block_end(f, at);
	at = block_start(f, 5);
	b32(f, 0);
	b32(f, 0);
	b32(f, 0);
	block_end(f, at);
	/* simple packet block: interface 0, no timestamp */
	at = block_start(f, 3);
	b32(f, frames[1].n);
	bput(f, frames[1].b, frames[1].n);
	block_end(f, at);
	g->pkt_end[g->npkts++] = f->n;
	/* obsolete packet block on interface 2: 1024 units = 1 s */
	at = block_start(f, 2);
	b16(f, 2);
	b16(f, 0);
	b32(f, 0);
	b32(f, 1024 * 3);
	b32(f, frames[2].n);
	b32(f, frames[2].n);
	bput(f, frames[2].b, frames[2].n);
	block_end(f, at);
	g->pkt_end[g->npkts++] = f->n;
	/* a second section, big-endian, with a Linux cooked interface */
	f->be = true;
	shb(f);
	idb(f, 113, -1, false, NULL);
	struct pkt sll = { .n = 16 };
	memset(sll.b, 0, 16);
	sll.b[15] = 0x00;
	sll.b[14] = 0x08;   /* protocol 0x0800 */
	pmem(&sll, g->raw.b, g->raw.n);
	epb(f, 0, 42, &sll, sll.n);
	g->pkt_end[g->npkts++] = f->n;
}

static void test_pcapng(void)
{
	struct ngfile g = { 0 };
	char err[256];
	build_pcapng(&g);
	struct capfile *cf = open_all(write_file("a.pcapng", g.f.b, g.f.n), err, sizeof err);
	CHECK(cf != NULL);
	if (!cf)
		return;
	EQ_INT(CAPFILE_PCAPNG, capfile_format(cf));
	struct capfile_progress pr;
	capfile_progress(cf, &pr);
	EQ_INT(CAPFILE_COMPLETE, pr.state);
	EQ_INT(5, pr.packets);
	EQ_INT(4, capfile_iface_count(cf));
	struct capfile_packet p;
	struct capfile_iface ifc;
	CHECK(capfile_packet(cf, 0, &p));
	EQ_INT(1, p.linktype);
	EQ_INT(1700000000LL * 1000000000 + 5000, p.ts_ns);
	CHECK(capfile_iface(cf, 0, &ifc));
	EQ_STR("lo", ifc.name);
	CHECK(capfile_packet(cf, 1, &p));
	EQ_INT(101, p.linktype);
	EQ_INT((1700000000LL + 100) * 1000000000 + 7, p.ts_ns);
	CHECK(memcmp(p.data, g.raw.b, g.raw.n) == 0);
	CHECK(capfile_packet(cf, 2, &p));
	EQ_INT(1, p.linktype);
	EQ_INT(CAPFILE_NO_TIME, p.ts_ns);
	EQ_INT(frames[1].n, p.caplen);
	CHECK(memcmp(p.data, frames[1].b, frames[1].n) == 0);
	CHECK(capfile_packet(cf, 3, &p));
	EQ_INT(2, p.iface);
	EQ_INT(3000000000LL, p.ts_ns);
	CHECK(capfile_iface(cf, 2, &ifc));
	EQ_INT(4, ifc.ts_digits);
	CHECK(capfile_packet(cf, 4, &p));
	EQ_INT(113, p.linktype);
	EQ_INT(3, p.iface);
	EQ_INT(42000, p.ts_ns);
	CHECK(capfile_iface(cf, 3, &ifc));
	EQ_INT(1, ifc.section);

	/* The list lines read each link type. */
	char e2[256], line[512];
	struct inspect_view *v = inspect_view_new(cf, NULL, NULL, e2, sizeof e2);
	CHECK(v != NULL);
	while (!inspect_view_update(v, 2, NULL, NULL))
		;
	EQ_INT(5, inspect_view_count(v));
	CHECK(inspect_view_line(v, 4, INSPECT_TIME_REL, line, sizeof line));
	CHECK(strstr(line, "127.0.0.1:1000  > 127.0.0.1:2000") != NULL);
	CHECK(strstr(line, "UDP, length 3") != NULL);
	CHECK(inspect_view_line(v, 2, INSPECT_TIME_REL, line, sizeof line));
	CHECK(strstr(line, "    -  ") != NULL);   /* no timestamp in a simple packet block */
	inspect_view_free(v);
	capfile_close(cf);
	free(g.f.b);
}

/* --------------------------------------------------- truncation, damage */

static void test_truncation(void)
{
	char err[256];
	struct buf f = { 0 };
	size_t ends[3];
	build_pcap(&f, false, false, ends);
	for (size_t cut = 0; cut < f.n; cut++) {
		enum capfile_error why = 0;
		struct capfile *cf = capfile_open(write_file("cut.pcap", f.b, cut), &why, err, sizeof err);
		if (cut < 4) {
			CHECK(cf == NULL);
			EQ_INT(CAPFILE_ERR_NOT_CAPTURE, why);
			CHECK(strstr(err, "not a capture file") != NULL);
			continue;
		}
		CHECK(cf != NULL);
		if (!cf)
			continue;
		while (capfile_index_step(cf, 1) == CAPFILE_SCANNING)
			;
		uint64_t want = 0;
		while (want < 3 && ends[want] <= cut)
			want++;
		EQ_INT(want, capfile_count(cf));
		struct capfile_progress pr;
		capfile_progress(cf, &pr);
		bool boundary = cut == 24 || (want > 0 && ends[want - 1] == cut);
		EQ_INT(boundary ? CAPFILE_COMPLETE : CAPFILE_DAMAGED, pr.state);
		if (!boundary)
			CHECK(strstr(capfile_stop_reason(cf), "truncated") != NULL);
		if (cut > 24 && !boundary) {
			char head[64];
			snprintf(head, sizeof head, "packet %llu at byte offset %zu: ", (unsigned long long)want + 1,
			         want ? ends[want - 1] : 24);
			CHECK(strncmp(capfile_stop_reason(cf), head, strlen(head)) == 0);
		}
		capfile_close(cf);
	}

	struct ngfile g = { 0 };
	build_pcapng(&g);
	for (size_t cut = 4; cut < g.f.n; cut++) {
		struct capfile *cf = open_all(write_file("cut.pcapng", g.f.b, cut), err, sizeof err);
		CHECK(cf != NULL);
		if (!cf)
			continue;
		int want = 0;
		while (want < g.npkts && g.pkt_end[want] <= cut)
			want++;
		EQ_INT(want, capfile_count(cf));
		struct capfile_progress pr;
		capfile_progress(cf, &pr);
		if (pr.state == CAPFILE_DAMAGED)
			CHECK(strstr(capfile_stop_reason(cf), "truncated") != NULL);
		for (uint64_t i = 0; i < capfile_count(cf); i++) {
			struct capfile_packet p;
			CHECK(capfile_packet(cf, i, &p));
			CHECK(p.offset + p.caplen <= cut);
		}
		capfile_close(cf);
	}

	/* Impossible lengths are malformed, and named. */
	build_pcap(&f, false, false, ends);
	b32at(&f, ends[0] + 8, 70000000);
	struct capfile *cf = open_all(write_file("bad.pcap", f.b, f.n), err, sizeof err);
	EQ_INT(1, capfile_count(cf));
	char want[128];
	snprintf(want, sizeof want, "packet 2 at byte offset %zu: record length 70000000 exceeds the snapshot length 65535 (malformed)",
	         ends[0]);
	EQ_STR(want, capfile_stop_reason(cf));
	capfile_close(cf);

	build_pcapng(&g);
	/* the first EPB names interface 9 */
	size_t epb0 = 0;
	for (size_t o = 0; o + 4 <= g.f.n; o += 4)
		if (g.f.b[o] == 6 && g.f.b[o + 1] == 0 && g.f.b[o + 2] == 0 && g.f.b[o + 3] == 0) {
			epb0 = o;
			break;
		}
	CHECK(epb0 > 0);
	g.f.b[epb0 + 8] = 9;
	cf = open_all(write_file("bad.pcapng", g.f.b, g.f.n), err, sizeof err);
	EQ_INT(0, capfile_count(cf));
	CHECK(strstr(capfile_stop_reason(cf), "names interface 9, but its section describes 3 (malformed)") != NULL);
	capfile_close(cf);
	g.f.b[epb0 + 8] = 0;
	g.f.b[epb0 + 4] ^= 1;   /* block length not a multiple of 4 */
	cf = open_all(write_file("bad.pcapng", g.f.b, g.f.n), err, sizeof err);
	CHECK(strstr(capfile_stop_reason(cf), "not a multiple of 4 (malformed)") != NULL);
	capfile_close(cf);
	g.f.b[epb0 + 4] ^= 1;
	g.f.b[epb0 + 4] += 4;   /* the trailing length no longer matches */
	cf = open_all(write_file("bad.pcapng", g.f.b, g.f.n), err, sizeof err);
	CHECK(strstr(capfile_stop_reason(cf), "trailing length") != NULL);
	capfile_close(cf);
	free(g.f.b);

	/* Not captures at all. */
	const char *html = "<!DOCTYPE html>\n<html></html>\n";
	enum capfile_error why;
	cf = capfile_open(write_file("page.html", (const uint8_t *)html, strlen(html)), &why, err, sizeof err);
	CHECK(cf == NULL);
	EQ_INT(CAPFILE_ERR_NOT_CAPTURE, why);
	CHECK(strstr(err, "not a capture file: first bytes 3c 21 44 4f (looks like text)") != NULL);

	cf = capfile_open(write_file("empty", NULL, 0), &why, err, sizeof err);
	CHECK(cf == NULL && why == CAPFILE_ERR_NOT_CAPTURE);
	cf = capfile_open("/nonexistent/x.pcap", &why, err, sizeof err);
	CHECK(cf == NULL && why == CAPFILE_ERR_IO);
	free(f.b);
}

/* Random byte flips: the reader must stay inside the file and the rest of
 * the core must survive whatever it indexes. */
static void mutate_file(const char *name, const struct buf *orig, int rounds)
{
	char err[256], line[1024];
	uint8_t *m = malloc(orig->n);
	for (int r = 0; r < rounds; r++) {
		memcpy(m, orig->b, orig->n);
		int flips = 1 + (int)(xorshift() % 8);
		for (int k = 0; k < flips; k++) {
			size_t at = xorshift() % orig->n;
			m[at] = (xorshift() & 1) ? (uint8_t)xorshift() : (uint8_t)(m[at] ^ (1u << (xorshift() % 8)));
		}
		size_t len = (xorshift() % 4 == 0) ? xorshift() % orig->n : orig->n;
		const char *path = write_file(name, m, len);
		struct capfile *cf = open_all(path, err, sizeof err);
		if (!cf)
			continue;
		uint64_t n = capfile_count(cf);
		for (uint64_t i = 0; i < n; i++) {
			struct capfile_packet p;
			CHECK(capfile_packet(cf, i, &p));
			CHECK(p.offset + p.caplen <= len);
		}
		struct inspect_view *v = inspect_view_new(cf, "tcp or udp", NULL, err, sizeof err);
		if (v) {
			while (!inspect_view_update(v, 64, NULL, NULL))
				;
			for (size_t i = 0; i < inspect_view_count(v); i++)
				inspect_view_line(v, i, INSPECT_TIME_DELTA, line, sizeof line);
			inspect_view_free(v);
		}
		for (uint64_t i = 0; i < n && i < 3; i++) {
			struct inspect_stream s;
			if (inspect_stream_build(cf, i, &s, err, sizeof err) == 0)
				inspect_stream_free(&s);
		}
		struct inspect_conv *c;
		if (inspect_conversations(cf, NULL, &c, err, sizeof err) >= 0)
			free(c);
		capfile_close(cf);
	}
	free(m);
}

static void test_mutations(void)
{
	struct buf f = { 0 };
	size_t ends[3];
	build_pcap(&f, true, false, ends);
	mutate_file("m.pcap", &f, 400);
	struct ngfile g = { 0 };
	build_pcapng(&g);
	mutate_file("m.pcapng", &g.f, 600);
	free(f.b);
	free(g.f.b);
}

/* The background indexer gives the same index, with progress. */
static void test_thread(void)
{
	struct buf f = { 0 };
	size_t ends[3];
	char err[256];
	build_pcap(&f, false, true, ends);
	/* many packets, so the thread runs several slices */
	for (int i = 0; i < 20000; i++) {
		b32(&f, 1700000000);
		b32(&f, (uint32_t)i);
		b32(&f, frames[0].n);
		b32(&f, frames[0].n);
		bput(&f, frames[0].b, frames[0].n);
	}
	enum capfile_error why;
	struct capfile *cf = capfile_open(write_file("big.pcap", f.b, f.n), &why, err, sizeof err);
	CHECK(cf != NULL);
	CHECK(capfile_index_start(cf, err, sizeof err) == 0);
	struct capfile_packet p;
	/* readers may look while it runs */
	for (int k = 0; k < 1000; k++)
		if (capfile_count(cf) > 0)
			CHECK(capfile_packet(cf, capfile_count(cf) - 1, &p));
	capfile_index_wait(cf);
	struct capfile_progress pr;
	capfile_progress(cf, &pr);
	EQ_INT(CAPFILE_COMPLETE, pr.state);
	EQ_INT(20003, pr.packets);
	EQ_INT(f.n, pr.bytes_done);
	CHECK(capfile_packet(cf, 20002, &p));
	EQ_INT(1700000000LL * 1000000000 + 19999, p.ts_ns);
	capfile_close(cf);
	/* closing while the thread runs stops it */
	cf = capfile_open(write_file("big.pcap", f.b, f.n), &why, err, sizeof err);
	CHECK(capfile_index_start(cf, err, sizeof err) == 0);
	capfile_close(cf);
	free(f.b);
}

/* ------------------------------------------------------- a growing file */

/* A file written while it is read (a live capture): grown a few bytes at a
 * time, every prefix must index the whole records in it and wait on the
 * cut one (never "truncated"), until the writer ends. */
static void grow_check(const uint8_t *b, size_t n, size_t first, const size_t *ends, int nends, bool thread)
{
	char path[128], err[256];
	snprintf(path, sizeof path, "%s/grow", tmpdir);
	FILE *w = fopen(path, "wb");
	fwrite(b, 1, first, w);
	fflush(w);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct capfile *cf = capfile_open_live(fd, "growing", err, sizeof err);
	CHECK(cf != NULL);
	if (!cf) {
		fclose(w);
		return;
	}
	CHECK(capfile_live(cf));
	EQ_STR("growing", capfile_path(cf));
	if (thread)
		CHECK(capfile_index_start(cf, err, sizeof err) == 0);
	for (size_t at = first; at <= n; at += 7) {
		if (at > first) {
			fwrite(b + at - 7, 1, 7, w);
			fflush(w);
		}
		int whole = 0;
		while (whole < nends && ends[whole] <= at)
			whole++;
		if (thread) {
			for (int k = 0; k < 2000 && capfile_count(cf) < (uint64_t)whole; k++)
				usleep(1000);   /* the thread looks again every 10 ms */
		} else {
			EQ_INT(CAPFILE_SCANNING, capfile_index_step(cf, 100));
		}
		EQ_INT(whole, capfile_count(cf));
		struct capfile_progress pr;
		capfile_progress(cf, &pr);
		EQ_INT(CAPFILE_SCANNING, pr.state);
		EQ_STR("", capfile_stop_reason(cf));
	}
	/* the rest, then the end */
	size_t done = first + ((n - first) / 7) * 7;
	fwrite(b + done, 1, n - done, w);
	fclose(w);
	capfile_live_end(cf);
	if (thread)
		capfile_index_wait(cf);
	else
		while (capfile_index_step(cf, 100) == CAPFILE_SCANNING)
			;
	struct capfile_progress pr;
	capfile_progress(cf, &pr);
	EQ_INT(CAPFILE_COMPLETE, pr.state);
	EQ_INT(nends, pr.packets);
	EQ_INT(n, pr.bytes_total);
	capfile_close(cf);
}

static void test_growing(void)
{
	struct buf f = { 0 };
	size_t ends[3];
	build_pcap(&f, false, false, ends);
	grow_check(f.b, f.n, 24, ends, 3, false);
	grow_check(f.b, f.n, 24, ends, 3, true);
	struct ngfile g = { 0 };
	build_pcapng(&g);
	grow_check(g.f.b, g.f.n, 12, g.pkt_end, g.npkts, false);

	/* the writer ended inside a record: now that is damage, said as such */
	char path[128], err[256];
	snprintf(path, sizeof path, "%s/grow", tmpdir);
	FILE *w = fopen(path, "wb");
	fwrite(f.b, 1, ends[1] + 5, w);
	fclose(w);
	struct capfile *cf = capfile_open_live(open(path, O_RDONLY | O_CLOEXEC), "cut", err, sizeof err);
	CHECK(cf != NULL);
	EQ_INT(CAPFILE_SCANNING, capfile_index_step(cf, 100));
	EQ_INT(2, capfile_count(cf));
	capfile_live_end(cf);
	EQ_INT(CAPFILE_DAMAGED, capfile_index_step(cf, 100));
	CHECK(strstr(capfile_stop_reason(cf), "packet 3 at byte offset") != NULL);
	CHECK(strstr(capfile_stop_reason(cf), "(truncated)") != NULL);
	capfile_close(cf);
	free(f.b);
	free(g.f.b);
}

/* A file found by fuzzing (tests/data/capfile-spb-comment-oob.pcapng): the
 * bytes 28 before a simple packet block's data belong to the block before
 * and claim a 1 MiB EPB; asking the SPB's packet for a comment must say
 * "none", not walk past the file (AddressSanitizer checks it in CI). */
static void test_spb_comment(void)
{
	char path[512], err[256], c[64];
	snprintf(path, sizeof path, "%s/tests/data/capfile-spb-comment-oob.pcapng", SOCKSCOPE_SOURCE_DIR);
	struct capfile *cf = open_all(path, err, sizeof err);
	CHECK(cf != NULL);
	if (!cf)
		return;
	EQ_INT(2, capfile_count(cf));
	struct capfile_packet p;
	CHECK(capfile_packet(cf, 1, &p));
	EQ_INT(CAPFILE_NO_TIME, p.ts_ns);   /* the SPB's */
	CHECK(!capfile_packet_comment(cf, 1, 0, c, sizeof c));
	CHECK(!capfile_packet_comment(cf, 0, 0, c, sizeof c));
	capfile_close(cf);
}

/* ------------------------------------------ view, stream, conversations */

struct rec {
	struct pkt f;
	uint32_t us;
};

static const char *write_pcap(const char *name, const struct rec *r, size_t n)
{
	struct buf f = { 0 };
	b32(&f, 0xa1b2c3d4);
	b16(&f, 2);
	b16(&f, 4);
	b32(&f, 0);
	b32(&f, 0);
	b32(&f, 65535);
	b32(&f, 1);
	for (size_t i = 0; i < n; i++) {
		b32(&f, 1700000000);
		b32(&f, r[i].us);
		b32(&f, r[i].f.n);
		b32(&f, r[i].f.n);
		bput(&f, r[i].f.b, r[i].f.n);
	}
	const char *p = write_file(name, f.b, f.n);
	free(f.b);
	return p;
}

static void test_view_stream(void)
{
	/* client 40000 -> server 80; ISNs 1000 (client) and 5000 (server) */
	struct rec r[12];
	size_t n = 0;
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	tcp_frame(&r[n++].f, 0, 40000, 80, 1000, 0, SYN, 65535, mss, 4, NULL);
	tcp_frame(&r[n++].f, 0, 80, 40000, 5000, 1001, SYN | ACK, 65535, mss, 4, NULL);
	tcp_frame(&r[n++].f, 0, 40000, 80, 1001, 5001, ACK, 512, NULL, 0, NULL);
	tcp_frame(&r[n++].f, 0, 40000, 80, 1001, 5001, PSH | ACK, 512, NULL, 0, "GET / HTTP/1.0\r\n");   /* 16 bytes */
	tcp_frame(&r[n++].f, 0, 40000, 80, 1001, 5001, PSH | ACK, 512, NULL, 0, "GET / HTTP/1.0\r\n");   /* again */
	tcp_frame(&r[n++].f, 0, 80, 40000, 5006, 1017, PSH | ACK, 512, NULL, 0, "world");   /* before "hello" */
	tcp_frame(&r[n++].f, 0, 80, 40000, 5001, 1017, PSH | ACK, 512, NULL, 0, "hello");
	tcp_frame(&r[n++].f, 0, 80, 40000, 5021, 1017, PSH | ACK, 512, NULL, 0, "after a gap");   /* 5011..5020 lost */
	tcp_frame(&r[n++].f, 0, 40000, 80, 1017, 5032, ACK, 512, NULL, 0, NULL);
	struct pkt u;
	udp(&u, 5353, 53, "question");
	ether(&r[n].f, 0x0800);
	ipv4(&r[n++].f, 17, &u);
	udp(&u, 53, 5353, "answer");
	ether(&r[n].f, 0x0800);
	ipv4(&r[n++].f, 17, &u);
	for (size_t i = 0; i < n; i++)
		r[i].us = (uint32_t)(i * 1000);
	const char *path = write_pcap("conn.pcap", r, n);
	char err[512], line[1024];
	struct capfile *cf = open_all(path, err, sizeof err);
	CHECK(cf != NULL);

	/* filter */
	struct inspect_view *v = inspect_view_new(cf, "tcp[tcpflags] & tcp-syn != 0", NULL, err, sizeof err);
	CHECK(v != NULL);
	CHECK(inspect_view_update(v, 100, NULL, NULL));
	EQ_INT(2, inspect_view_count(v));
	EQ_INT(1, inspect_view_packet(v, 1));
	EQ_INT(1, inspect_view_row_at(v, 1));
	EQ_INT(2, inspect_view_row_at(v, 5));
	CHECK(inspect_view_line(v, 1, INSPECT_TIME_DELTA, line, sizeof line));
	CHECK(strstr(line, "   2  0.001000  127.0.0.1:80    > 127.0.0.1:40000 TCP ") == line);
	CHECK(strstr(line, "Flags [S.], seq 0, ack 1,") != NULL);
	inspect_view_free(v);
	v = inspect_view_new(cf, "udp", "answer", err, sizeof err);   /* the summary of DNS-port UDP */
	CHECK(v != NULL);
	inspect_view_free(v);
	v = inspect_view_new(cf, NULL, "length 16", err, sizeof err);
	CHECK(inspect_view_update(v, 100, NULL, NULL));
	EQ_INT(2, inspect_view_count(v));   /* the request and its retransmission */
	inspect_view_free(v);
	/* A direct view (no filter, no search) has every indexed packet as a
	 * row before its walk: a row ahead of the walk shows absolute seq/ack,
	 * marked, and does not disturb the walk's relative numbers. */
	v = inspect_view_new(cf, NULL, NULL, err, sizeof err);
	CHECK(inspect_view_direct(v));
	EQ_INT(0, inspect_view_count(v));
	EQ_INT(n, inspect_view_rows(v));
	EQ_INT(6, inspect_view_row_at(v, 6));
	EQ_INT(n, inspect_view_row_at(v, 1000));
	CHECK(inspect_view_line(v, 6, INSPECT_TIME_REL, line, sizeof line));
	CHECK(strstr(line, "seq 5001:5006, ack 1017 (abs), win 512, length 5") != NULL);
	CHECK(!inspect_view_line(v, n, INSPECT_TIME_REL, line, sizeof line));
	CHECK(inspect_view_update(v, 100, NULL, NULL));
	CHECK(inspect_view_line(v, 6, INSPECT_TIME_REL, line, sizeof line));
	CHECK(strstr(line, "seq 1:6, ack 17, win 512, length 5") != NULL);
	CHECK(strstr(line, "(abs)") == NULL);
	inspect_view_free(v);
	/* The screen's search (/, n, N): rows whose line matches, from the row
	 * after the selection, wrapping; the selection itself last. */
	CHECK(inspect_line_matches("HTTP: GET /", "http"));   /* lower case: any case */
	CHECK(!inspect_line_matches("http: get /", "HTTP"));  /* a capital: exact case */
	CHECK(inspect_line_matches("seq 1:17", "seq 1:17"));
	CHECK(!inspect_line_matches("seq 1:16", "seq 1:17"));
	v = inspect_view_new(cf, NULL, NULL, err, sizeof err);
	CHECK(inspect_view_update(v, 100, NULL, NULL));
	struct inspect_find fd;
	size_t row = 99;
	inspect_find_begin(&fd, "length 16", true, 0);   /* packets 4 and 5 (rows 3, 4) */
	EQ_INT(INSPECT_FIND_FOUND, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	EQ_INT(3, row);
	CHECK(!fd.wrapped);
	inspect_find_begin(&fd, "length 16", true, 4);   /* after the last match: wraps to row 3 */
	EQ_INT(INSPECT_FIND_FOUND, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	EQ_INT(3, row);
	CHECK(fd.wrapped);
	inspect_find_begin(&fd, "length 16", false, 4);   /* backwards: row 3, no wrap */
	EQ_INT(INSPECT_FIND_FOUND, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	EQ_INT(3, row);
	CHECK(!fd.wrapped);
	inspect_find_begin(&fd, "length 16", false, 3);   /* backwards from the first: wraps to the last */
	EQ_INT(INSPECT_FIND_FOUND, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	EQ_INT(4, row);
	CHECK(fd.wrapped);
	inspect_find_begin(&fd, "seq 6:11", true, 5);   /* the only match is the selection: found last */
	EQ_INT(INSPECT_FIND_FOUND, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	EQ_INT(5, row);
	CHECK(fd.wrapped);
	inspect_find_begin(&fd, "no such text", true, 2);
	EQ_INT(INSPECT_FIND_NONE, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	/* A bounded step: one row a call, every row looked at once, then none. */
	inspect_find_begin(&fd, "no such text", false, 2);
	int calls = 0;
	while (inspect_find_step(v, &fd, INSPECT_TIME_REL, 1, &row) == INSPECT_FIND_MORE && calls < 100)
		calls++;
	EQ_INT(n, calls);   /* one row a call: each of the n rows, the selection last */
	inspect_find_begin(&fd, "UDP, length 6", true, INSPECT_FIND_TOP);   /* from the top: row 0 first, no wrap */
	EQ_INT(INSPECT_FIND_FOUND, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	EQ_INT(10, row);
	CHECK(!fd.wrapped);
	inspect_find_begin(&fd, "Flags [S]", true, INSPECT_FIND_TOP);
	EQ_INT(INSPECT_FIND_FOUND, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	EQ_INT(0, row);
	inspect_view_free(v);
	v = inspect_view_new(cf, "udp", NULL, err, sizeof err);   /* within a filter: rows of the view */
	CHECK(inspect_view_update(v, 100, NULL, NULL));
	inspect_find_begin(&fd, "length 6", true, 0);
	EQ_INT(INSPECT_FIND_FOUND, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	EQ_INT(1, row);
	inspect_find_begin(&fd, "Flags", true, 0);
	EQ_INT(INSPECT_FIND_NONE, inspect_find_step(v, &fd, INSPECT_TIME_REL, 100, &row));
	inspect_view_free(v);
	v = inspect_view_new(cf, "udp", NULL, err, sizeof err);
	CHECK(!inspect_view_direct(v));
	EQ_INT(0, inspect_view_rows(v));   /* a filtered view's rows come from its walk */
	inspect_view_free(v);
	v = inspect_view_new(cf, "tcp portt 80", NULL, err, sizeof err);
	CHECK(v == NULL);
	CHECK(strncmp(err, "bad filter 'tcp portt 80': ", 27) == 0);

	/* follow the TCP stream from its last packet */
	struct inspect_stream s;
	CHECK(inspect_stream_build(cf, 8, &s, err, sizeof err) == 0);
	EQ_INT(40000, s.conn.aport);   /* the client is endpoint a */
	EQ_INT(9, s.packets);
	EQ_INT(16, s.bytes_a);
	EQ_INT(21, s.bytes_b);
	EQ_INT(1, s.retrans);
	EQ_INT(1, s.gaps);
	EQ_INT(1, s.out_of_order);
	/* chunks: GET, retrans, hello, world (out of order), gap, after a gap */
	EQ_INT(6, s.n);
	if (s.n == 6) {
		EQ_INT(INSPECT_CHUNK_DATA, s.chunks[0].kind);
		EQ_INT(3, s.chunks[0].packet);
		EQ_INT(INSPECT_CHUNK_RETRANS, s.chunks[1].kind);
		EQ_INT(INSPECT_CHUNK_DATA, s.chunks[2].kind);
		EQ_INT(6, s.chunks[2].packet);
		CHECK(memcmp(s.chunks[2].data, "hello", 5) == 0);
		EQ_INT(5, s.chunks[3].packet);
		CHECK(s.chunks[3].out_of_order);
		EQ_INT(INSPECT_CHUNK_GAP, s.chunks[4].kind);
		EQ_INT(11, s.chunks[4].seq);
		EQ_INT(10, s.chunks[4].len);
		EQ_INT(21, s.chunks[5].seq);
	}
	char *text = NULL;
	size_t tlen = 0;
	FILE *mf = open_memstream(&text, &tlen);
	inspect_stream_write(&s, mf);
	fclose(mf);
	CHECK(strstr(text, "==> 127.0.0.1:40000 > 127.0.0.1:80  packet 4, seq 1, 16 bytes\nGET / HTTP/1.0\n") != NULL);
	CHECK(strstr(text, "[retransmission: packet 5,") != NULL);
	CHECK(strstr(text, "[gap: 10 bytes of 127.0.0.1:80 > 127.0.0.1:40000 never captured, seq 11 to 21]") != NULL);
	free(text);
	inspect_stream_free(&s);

	/* UDP flow */
	CHECK(inspect_stream_build(cf, 10, &s, err, sizeof err) == 0);
	EQ_INT(2, s.n);
	EQ_INT(5353, s.conn.aport);
	inspect_stream_free(&s);

	/* conversations */
	struct inspect_conv *c;
	long nc = inspect_conversations(cf, NULL, &c, err, sizeof err);
	EQ_INT(2, nc);
	if (nc == 2) {
		EQ_STR("TCP", c[0].proto);
		EQ_INT(9, c[0].packets);
		EQ_INT(5, c[0].packets_ab);
		EQ_INT(8000000, c[0].last_ns - c[0].first_ns);
		EQ_STR("UDP", c[1].proto);
		EQ_INT(2, c[1].packets);
		inspect_conv_line(&c[0], line, sizeof line);
		CHECK(strstr(line, "TCP     127.0.0.1:40000") == line);
		CHECK(strstr(line, "0.008000 s") != NULL);
	}
	free(c);

	/* marks and saving */
	struct inspect_marks *m = inspect_marks_new();
	CHECK(inspect_marks_parse(m, "1,3,5-6", err, sizeof err) == 0);
	EQ_INT(4, inspect_marks_count(m));
	CHECK(inspect_marks_test(m, 4) && !inspect_marks_test(m, 3));
	inspect_marks_toggle(m, 4);
	EQ_INT(3, inspect_marks_count(m));
	CHECK(inspect_marks_parse(m, "0", err, sizeof err) < 0);
	CHECK(inspect_marks_parse(m, "3-1", err, sizeof err) < 0);
	char out[128];
	snprintf(out, sizeof out, "%s/saved.pcap", tmpdir);
	EQ_INT(3, inspect_save(cf, NULL, m, out, err, sizeof err));
	struct capfile *sv = open_all(out, err, sizeof err);
	CHECK(sv != NULL);
	EQ_INT(3, capfile_count(sv));
	struct capfile_packet a, b;
	CHECK(capfile_packet(sv, 2, &a) && capfile_packet(cf, 5, &b));
	CHECK(a.caplen == b.caplen && a.ts_ns == b.ts_ns && memcmp(a.data, b.data, a.caplen) == 0);
	capfile_close(sv);
	inspect_marks_free(m);
	snprintf(out, sizeof out, "%s/no/such/dir.pcap", tmpdir);
	CHECK(inspect_save(cf, NULL, NULL, out, err, sizeof err) < 0);

	/* a ladder of the connection */
	struct ladder *l = inspect_ladder(cf, 0, 80, err, sizeof err);
	CHECK(l != NULL && l->found);
	if (l)
		EQ_INT(9, l->conn.npackets);
	ladder_free(l);
	CHECK(inspect_ladder(cf, 9, 80, err, sizeof err) == NULL);
	capfile_close(cf);
}

/* The screen's columns: sized to the rows given, addresses cut in their
 * middle when the summary would lose its room, no arrow without addresses. */
static void test_layout(void)
{
	struct inspect_cols c[3];
	memset(c, 0, sizeof c);
	c[0] = (struct inspect_cols){ .number = 7, .time = "6.006000", .src = "2001:db8:1234:5678:9abc:def0:1234:5678",
	                              .dst = "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", .sport = "443", .dport = "51000",
	                              .v6 = true, .proto = "TLS", .len = 80, .summary = "Flags [P.], seq 0:6" };
	c[1] = (struct inspect_cols){ .number = 10, .time = "9.009000", .src = "10.0.0.1", .dst = "10.0.0.53",
	                              .sport = "41000", .dport = "53", .proto = "DNS", .len = 78, .summary = "DNS query" };
	c[2] = (struct inspect_cols){ .number = 11, .time = "10.010000", .proto = "LLC", .len = 60, .summary = "STP" };
	struct inspect_layout l;
	char line[3][512], head[512];
	/* Wide: nothing cut, every column as wide as its widest cell. */
	inspect_layout_fit(&l, c, 3, 200, "~");
	EQ_INT(2, l.num);
	EQ_INT(9, l.time);
	EQ_INT(44, l.src);   /* [2001:...:5678]:443 */
	for (int i = 0; i < 3; i++)
		inspect_layout_line(&l, &c[i], line[i], sizeof line[i]);
	HAS(line[0], "[2001:db8:1234:5678:9abc:def0:1234:5678]:443 > [2001:db8:aaaa:bbbb:cccc:dddd:eeee:1]:51000");
	CHECK(strstr(line[2], ">") == NULL);   /* no addresses: no lone arrow */
	CHECK(strstr(line[0], "TLS") - line[0] == strstr(line[1], "DNS") - line[1]);
	CHECK(strstr(line[0], "TLS") - line[0] == strstr(line[2], "LLC") - line[2]);
	inspect_layout_heading(&l, head, sizeof head);
	CHECK(strstr(head, "proto") - head == strstr(line[0], "TLS") - line[0]);
	/* 76 columns (an 80-column screen's list): the addresses give way, cut
	 * between groups, the ports kept; protocol and summary stay. */
	inspect_layout_fit(&l, c, 3, 76, "~");
	for (int i = 0; i < 3; i++)
		inspect_layout_line(&l, &c[i], line[i], sizeof line[i]);
	HAS(line[0], "]:443 ");
	HAS(line[0], "]:51000");
	HAS(line[0], "~");
	HAS(line[1], "10.0.0.1:41000 ");   /* short ones stay whole */
	HAS(line[1], "> 10.0.0.53:53 ");
	char *summary = strstr(line[0], "Flags [P.]");
	CHECK(summary && summary - line[0] + 16 <= 76);   /* 16 columns of summary fit in 76 */
	CHECK(strstr(line[0], "TLS") - line[0] == strstr(line[1], "DNS") - line[1]);
	/* 40 columns: the time column goes before the summary does. */
	inspect_layout_fit(&l, c, 3, 40, "~");
	EQ_INT(0, l.time);
	inspect_layout_line(&l, &c[1], line[1], sizeof line[1]);
	CHECK(strstr(line[1], "9.009000") == NULL);
	HAS(line[1], "DNS");
}

static void test_time(void)
{
	char t[64];
	inspect_time_text(INSPECT_TIME_REL, 5500000000LL, 1000000000LL, CAPFILE_NO_TIME, t, sizeof t);
	EQ_STR("4.500000", t);
	inspect_time_text(INSPECT_TIME_DELTA, 1000000000LL, 0, 1000500000LL, t, sizeof t);
	EQ_STR("-0.000500", t);
	inspect_time_text(INSPECT_TIME_DELTA, 1000000000LL, 0, CAPFILE_NO_TIME, t, sizeof t);
	EQ_STR("0.000000", t);
	setenv("TZ", "UTC", 1);
	tzset();
	inspect_time_text(INSPECT_TIME_ABS, 1700000000123456789LL, 0, 0, t, sizeof t);
	EQ_STR("22:13:20.123456", t);
	inspect_time_text(INSPECT_TIME_ABS, CAPFILE_NO_TIME, 0, 0, t, sizeof t);
	EQ_STR("-", t);
	enum inspect_time m;
	CHECK(inspect_time_parse("delta", &m) && m == INSPECT_TIME_DELTA);
	CHECK(!inspect_time_parse("later", &m));
}

/* ------------------------------------------------------------- writer */

static const char *read_back(const char *path, size_t *n)
{
	static uint8_t b[4096];
	FILE *f = fopen(path, "rb");
	*n = f ? fread(b, 1, sizeof b, f) : 0;
	if (f)
		fclose(f);
	return (const char *)b;
}

static void write_three(struct capfile_writer *w, bool nano, const char *const comments[3])
{
	for (int i = 0; i < 3; i++)
		EQ_INT(0, capfile_writer_packet(w, (1700000000LL + i) * 1000000000LL + (nano ? 123456789 : 123456000),
		                                frames[i].n, frames[i].n + (i == 2 ? 100 : 0), frames[i].b,
		                                comments ? comments[i] : NULL));
}

static void test_writer(void)
{
	char err[256], path[128], buf[256];
	snprintf(path, sizeof path, "%s/w.pcap", tmpdir);
	/* pcap: the very bytes of the file built by hand above */
	for (int nano = 0; nano < 2; nano++) {
		struct buf f = { 0 };
		size_t ends[3], n;
		build_pcap(&f, false, nano, ends);
		remove(path);
		struct capfile_write_opts o = { .format = CAPFILE_PCAP, .linktype = 1, .snaplen = 65535, .nano = nano };
		struct capfile_writer *w = capfile_writer_open(path, &o, err, sizeof err);
		CHECK(w != NULL);
		if (!w)
			continue;
		CHECK(access(path, F_OK) != 0);   /* only path.partial until it is complete */
		write_three(w, nano, NULL);
		CHECK(capfile_writer_error(w) == NULL);
		EQ_INT(0, capfile_writer_close(w, true, err, sizeof err));
		const char *b = read_back(path, &n);
		EQ_INT(f.n, n);
		CHECK(n == f.n && memcmp(b, f.b, n) == 0);
		free(f.b);
	}

	/* pcapng: section comments, a comment per packet (or none), both resolutions */
	static const char *const shb[] = { "first line", "second\tline, 13" };
	static const char *const pc[3] = { "step 1", NULL, "between steps" };
	snprintf(path, sizeof path, "%s/w.pcapng", tmpdir);
	for (int nano = 0; nano < 2; nano++) {
		struct capfile_write_opts o = { .format = CAPFILE_PCAPNG, .linktype = 1, .nano = nano,
		                                .comments = shb, .ncomments = 2, .userappl = "test_capfile" };
		struct capfile_writer *w = capfile_writer_open(path, &o, err, sizeof err);
		CHECK(w != NULL);
		if (!w)
			continue;
		write_three(w, nano, pc);
		EQ_INT(0, capfile_writer_close(w, true, err, sizeof err));
		struct capfile *cf = open_all(path, err, sizeof err);
		CHECK(cf != NULL);
		if (!cf)
			continue;
		EQ_INT(CAPFILE_PCAPNG, capfile_format(cf));
		check_three(cf, nano, nano ? "pcapng written in ns" : "pcapng written in us");
		struct capfile_iface ifc;
		CHECK(capfile_iface(cf, 0, &ifc));
		EQ_INT(CAPFILE_SNAPLEN, ifc.snaplen);
		EQ_INT(nano ? 9 : 6, ifc.ts_digits);
		CHECK(capfile_header_comment(cf, 0, buf, sizeof buf));
		EQ_STR("first line", buf);
		CHECK(capfile_header_comment(cf, 1, buf, sizeof buf));
		EQ_STR("second\tline, 13", buf);
		CHECK(!capfile_header_comment(cf, 2, buf, sizeof buf));
		CHECK(capfile_packet_comment(cf, 0, 0, buf, sizeof buf));
		EQ_STR("step 1", buf);
		CHECK(!capfile_packet_comment(cf, 1, 0, buf, sizeof buf));
		CHECK(capfile_packet_comment(cf, 2, 0, buf, sizeof buf));
		EQ_STR("between steps", buf);
		capfile_close(cf);
	}

	/* not committed: nothing is left, neither the file nor its .partial */
	snprintf(path, sizeof path, "%s/gone.pcap", tmpdir);
	struct capfile_write_opts o = { .format = CAPFILE_PCAP, .linktype = 1 };
	struct capfile_writer *w = capfile_writer_open(path, &o, err, sizeof err);
	CHECK(w != NULL);
	if (w) {
		write_three(w, false, NULL);
		EQ_INT(0, capfile_writer_close(w, false, err, sizeof err));
		CHECK(access(path, F_OK) != 0);
		snprintf(buf, sizeof buf, "%s.partial", path);
		CHECK(access(buf, F_OK) != 0);
	}
	/* a directory that is not there: a message naming the file */
	CHECK(capfile_writer_open("/nonexistent/x.pcap", &o, err, sizeof err) == NULL);
	CHECK(strstr(err, "cannot write /nonexistent/x.pcap: ") != NULL);
}

/* The stream's lines, the one text both faces show, on a stream made by
 * hand: a tab widens to the next multiple of 8 columns, CR before LF goes,
 * another control byte is '.', bytes after the last newline are a line of
 * their own, a long line is never cut; each line says who sent it. */
struct got_lines {
	char text[8][400];
	enum inspect_line_kind kind[8];
	enum inspect_side side[8];
	long long packet[8];
	int n;
};

static void got_line(void *ctx, const struct inspect_line *l)
{
	struct got_lines *g = ctx;
	if (g->n < 8) {
		snprintf(g->text[g->n], sizeof g->text[g->n], "%s", l->text);
		g->kind[g->n] = l->kind;
		g->side[g->n] = l->side;
		g->packet[g->n] = l->packet;
	}
	g->n++;
}

static void test_stream_lines(void)
{
	static const uint8_t req[] = "ab\tc\r\nx\x01y\r";
	uint8_t longer[300];
	memset(longer, 'L', sizeof longer);
	struct inspect_chunk chunks[] = {
		{ .kind = INSPECT_CHUNK_DATA, .from_a = true, .packet = 3, .seq = 1, .len = sizeof req - 1, .data = req },
		{ .kind = INSPECT_CHUNK_GAP, .from_a = false, .packet = 5, .seq = 1, .len = 7 },
		{ .kind = INSPECT_CHUNK_DATA, .from_a = false, .packet = 6, .seq = 8, .len = sizeof longer, .data = longer },
	};
	struct inspect_stream s = { .conn = { .ip_proto = 6, .ip_version = 4, .a = "127.0.0.1", .b = "127.0.0.2",
	                                      .aport = 40000, .bport = 80 },
	                            .tcp = true, .chunks = chunks, .n = 3, .packets = 7, .bytes_a = 10,
	                            .bytes_b = 300, .gaps = 1 };
	struct got_lines g = { .n = 0 };
	inspect_stream_lines(&s, got_line, &g);
	EQ_INT(7, g.n);
	EQ_STR("TCP stream 127.0.0.1:40000 <-> 127.0.0.2:80: 7 packets, 10 bytes 127.0.0.1:40000 > 127.0.0.2:80, "
	       "300 bytes 127.0.0.2:80 > 127.0.0.1:40000; 1 gaps, 0 retransmissions, 0 out of order", g.text[0]);
	EQ_INT(INSPECT_LINE_HEADING, g.kind[0]);
	EQ_INT(INSPECT_SIDE_NONE, g.side[0]);
	EQ_INT(-1, g.packet[0]);
	EQ_STR("==> 127.0.0.1:40000 > 127.0.0.2:80  packet 4, seq 1, 10 bytes", g.text[1]);
	EQ_INT(INSPECT_LINE_SENT, g.kind[1]);
	EQ_INT(INSPECT_SIDE_A, g.side[1]);
	EQ_INT(3, g.packet[1]);
	EQ_STR("ab      c", g.text[2]);
	EQ_STR("x.y.", g.text[3]);
	EQ_INT(INSPECT_LINE_BYTES, g.kind[3]);
	EQ_INT(INSPECT_SIDE_A, g.side[3]);
	EQ_STR("[gap: 7 bytes of 127.0.0.2:80 > 127.0.0.1:40000 never captured, seq 1 to 8]", g.text[4]);
	EQ_INT(INSPECT_LINE_LACKING, g.kind[4]);
	EQ_INT(INSPECT_SIDE_B, g.side[4]);
	EQ_STR("==> 127.0.0.2:80 > 127.0.0.1:40000  packet 7, seq 8, 300 bytes", g.text[5]);
	EQ_INT(300, (long long)strlen(g.text[6]));
	EQ_INT(INSPECT_SIDE_B, g.side[6]);
	EQ_INT(6, g.packet[6]);

	/* what the headless output prints: the same lines, a newline each */
	char *text = NULL;
	size_t tlen = 0;
	FILE *mf = open_memstream(&text, &tlen);
	inspect_stream_write(&s, mf);
	fclose(mf);
	char want[2048];
	int k = snprintf(want, sizeof want, "%s\n%s\n%s\n%s\n%s\n%s\n", g.text[0], g.text[1], g.text[2], g.text[3],
	                 g.text[4], g.text[5]);
	memset(want + k, 'L', 300);
	snprintf(want + k + 300, sizeof want - (size_t)k - 300, "\n");
	EQ_STR(want, text);
	free(text);

	/* no payload at all: a line says so */
	s.n = 0;
	g.n = 0;
	inspect_stream_lines(&s, got_line, &g);
	EQ_INT(2, g.n);
	EQ_STR("(no payload in either direction)", g.text[1]);
	EQ_INT(INSPECT_LINE_EMPTY, g.kind[1]);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_capfile.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	make_frames();
	test_pcap();
	test_pcapng();
	test_truncation();
	test_mutations();
	test_thread();
	test_growing();
	test_spb_comment();
	test_writer();
	test_view_stream();
	test_stream_lines();
	test_layout();
	test_time();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_done("test_capfile");
}
