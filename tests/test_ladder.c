/*
 * test_ladder.c — the ladder diagram on hand-built frames.
 *
 * Frames are put together field by field below (Ethernet, IPv4 or IPv6,
 * TCP with options, UDP), so every expected label can be checked by hand
 * against the numbers written in the builder: relative seq = seq - the
 * sender's ISN, relative ack = ack - the peer's ISN (RFC 9293's sequence
 * space, as tcpdump and Wireshark show it).
 */
#include "render/ladder.h"
#include "dissect/dissect.h"
#include "render/textfmt.h"

#include "pktbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ frames */

struct ep {
	int v;              /* 4 or 6 */
	uint8_t addr[16];
	uint16_t port;
};

/* Ethernet + IP + l4 from s to d (pktbuild.h's builders). */
static struct pkt frame(const struct ep *s, const struct ep *d, unsigned proto, const struct pkt *l4)
{
	struct pkt f;
	ether(&f, s->v == 6 ? 0x86dd : 0x0800);
	if (s->v == 6)
		ipv6_from(&f, proto, s->addr, d->addr, l4);
	else
		ipv4_from(&f, proto, s->addr, d->addr, l4);
	return f;
}

enum { O_NONE = 0, O_SYN = 1 };

/* A TCP segment; O_SYN: the options a Linux SYN carries (MSS, SACK
 * permitted, timestamps, window scale 7). */
static struct pkt seg(const struct ep *s, const struct ep *d, uint8_t flags, uint32_t seq, uint32_t ack,
                      unsigned win, int opts, const char *data)
{
	static const uint8_t syn_opts[20] = { 2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7 };
	struct pkt l4;
	tcp(&l4, s->port, d->port, seq, ack, flags, win, syn_opts, opts == O_SYN ? 20 : 0, data);
	return frame(s, d, 6, &l4);
}

static struct pkt dgram(const struct ep *s, const struct ep *d, const char *data)
{
	struct pkt l4;
	udp(&l4, s->port, d->port, data);
	return frame(s, d, 17, &l4);
}

static const struct ep cli4 = { 4, { 10, 0, 0, 1 }, 51234 }, srv4 = { 4, { 10, 0, 0, 2 }, 80 };
static const struct ep cli6 = { 6, { [15] = 1 }, 40000 }, srv6 = { 6, { [15] = 1 }, 5000 };
static const struct ep other = { 4, { 10, 0, 0, 1 }, 51999 };

enum { MAXF = 32 };
static struct pkt fr[MAXF];
static struct ladder_frame lf[MAXF];
static size_t nf;

static void add(struct pkt f, const char *tag)
{
	fr[nf] = f;
	lf[nf] = (struct ladder_frame){ LINK_ETHERNET, fr[nf].b, f.n, f.n, 0, tag };
	nf++;
}

/* The whole life of a connection: ISNs 1000 (client) and 5000 (server). */
static void conversation(void)
{
	nf = 0;
	const char *c = "step 3 connect()", *s = "step 5 send()", *r = "step 6 recv()", *x = "step 7 close()";
	add(seg(&cli4, &srv4, SYN, 1000, 0, 65495, O_SYN, NULL), c);
	add(seg(&srv4, &cli4, SYN | ACK, 5000, 1001, 65483, O_SYN, NULL), c);
	add(seg(&cli4, &srv4, ACK, 1001, 5001, 512, O_NONE, NULL), c);
	add(seg(&cli4, &srv4, PSH | ACK, 1001, 5001, 512, O_NONE, "Hello, World!"), s);
	add(seg(&srv4, &cli4, ACK, 5001, 1014, 512, O_NONE, NULL), s);
	add(dgram(&cli4, &srv4, "not TCP"), s);
	add(seg(&srv4, &cli4, PSH | ACK, 5001, 1014, 512, O_NONE, "hi!\r\n"), r);
	add(seg(&cli4, &srv4, ACK, 1014, 5006, 512, O_NONE, NULL), r);
	add(seg(&cli4, &srv4, FIN | ACK, 1014, 5006, 512, O_NONE, NULL), x);
	add(seg(&srv4, &cli4, FIN | ACK, 5006, 1015, 512, O_NONE, NULL), x);
	add(seg(&cli4, &srv4, ACK, 1015, 5007, 512, O_NONE, NULL), x);
}

static void dump(const struct ladder *l)
{
	for (size_t i = 0; i < l->nrows; i++)
		fprintf(stderr, "  [%2zu -> %2ld] |%s|\n", i, l->rows[i].frame, l->rows[i].text);
}

static void expect_rows(const struct ladder *l, const char *const *rows, size_t n, int line)
{
	int before = failures;
	check_(l->nrows == n, __FILE__, line, "number of rows");
	for (size_t i = 0; i < n && i < l->nrows; i++)
		eq_str_(rows[i], l->rows[i].text, __FILE__, line, "row");
	if (failures != before)
		dump(l);
}

/* ------------------------------------------------------------ tests */

static void test_conversation(void)
{
	conversation();
	struct ladder *l = ladder_build(lf, nf, NULL, 80);
	CHECK(l && l->found);
	if (!l)
		return;
	static const char *const rows[] = {
		"10.0.0.1:51234                                        10.0.0.2:80",
		"   |                                                       |",
		" 1 |--- SYN seq 0 win 65495 [mss,sackOK,TS,ws] ----------->|  step 3 connect()",
		" 2 |<-- SYN,ACK seq 0 ack 1 win 65483 [mss,sackOK,TS,ws] --|  step 3 connect()",
		" 3 |--- ACK seq 1 ack 1 win 512 -------------------------->|  step 3 connect()",
		"   |                                                       |",
		" 4 |--- PSH,ACK seq 1 ack 1 len 13 win 512 --------------->|  step 5 send()",
		" 5 |<-- ACK seq 1 ack 14 win 512 --------------------------|  step 5 send()",
		"   |                                                       |",
		" 7 |<-- PSH,ACK seq 1 ack 14 len 5 win 512 ----------------|  step 6 recv()",
		" 8 |--- ACK seq 14 ack 6 win 512 ------------------------->|  step 6 recv()",
		"   |                                                       |",
		" 9 |--- FIN,ACK seq 14 ack 6 win 512 --------------------->|  step 7 close()",
		"10 |<-- FIN,ACK seq 6 ack 15 win 512 ----------------------|  step 7 close()",
		"11 |--- ACK seq 15 ack 7 win 512 ------------------------->|  step 7 close()",
	};
	expect_rows(l, rows, sizeof rows / sizeof rows[0], __LINE__);
	CHECK(l->conn.npackets == 10);
	CHECK(l->conn.lport == 51234 && l->conn.rport == 80);

	/* Every row at most the width, no trailing blanks. */
	for (size_t i = 0; i < l->nrows; i++) {
		size_t len = strlen(l->rows[i].text);
		CHECK(len <= 80);
		CHECK(len == 0 || l->rows[i].text[len - 1] != ' ');
	}

	/* The row <-> frame map: the heading and spacers draw no frame, the
	 * UDP datagram (frame index 5) is not in the ladder. */
	CHECK(ladder_frame_of_row(l, 0) == -1);
	CHECK(ladder_frame_of_row(l, 1) == -1);
	CHECK(ladder_frame_of_row(l, 2) == 0);
	CHECK(ladder_frame_of_row(l, 9) == 6);
	CHECK(ladder_frame_of_row(l, 5) == -1);
	CHECK(ladder_frame_of_row(l, 999) == -1);
	CHECK(ladder_row_of_frame(l, 5) == -1);
	CHECK(ladder_row_of_frame(l, 99) == -1);
	for (size_t k = 0; k < nf; k++) {
		long r = ladder_row_of_frame(l, k);
		if (k != 5)
			CHECK(r >= 0 && ladder_frame_of_row(l, (size_t)r) == (long)k);
	}
	ladder_free(l);

	/* Without tags there are no tag column and no groups; numbers given
	 * by the caller are shown instead of positions. */
	struct ladder_frame plain[3];
	for (int k = 0; k < 3; k++) {
		plain[k] = lf[k];
		plain[k].tag = NULL;
		plain[k].number = (uint32_t)(1001 + k);
	}
	l = ladder_build(plain, 3, NULL, 80);
	CHECK(l && l->nrows == 5);
	if (l) {
		EQ_STR("1001 |--- SYN seq 0 win 65495 [mss,sackOK,TS,ws] ----------->|", l->rows[2].text);
		EQ_STR("1003 |--- ACK seq 1 ack 1 win 512 -------------------------->|", l->rows[4].text);
		ladder_free(l);
	}
}

/* At the narrowest width the labels lose options, window and ack, in
 * that order; flags and lengths stay; tags are cut with "...". */
static void test_narrow(void)
{
	conversation();
	struct ladder *l = ladder_build(lf, nf, NULL, 10);   /* raised to the minimum */
	CHECK(l && l->width == LADDER_MIN_WIDTH);
	if (!l)
		return;
	static const char *const rows[] = {
		"10.0.0.1:51234            10.0.0.2:80",
		"   |                           |",
		" 1 |--- SYN seq 0 win 65495 -->|  step 3 connect()",
		" 2 |<-- SYN,ACK seq 0 ack 1 ---|  step 3 connect()",
		" 3 |--- ACK seq 1 ack 1 ------>|  step 3 connect()",
		"   |                           |",
		" 4 |--- PSH,ACK seq 1 len 13 ->|  step 5 send()",
		" 5 |<-- ACK seq 1 ack 14 ------|  step 5 send()",
		"   |                           |",
		" 7 |<-- PSH,ACK seq 1 len 5 ---|  step 6 recv()",
		" 8 |--- ACK seq 14 ack 6 ----->|  step 6 recv()",
		"   |                           |",
		" 9 |--- FIN,ACK seq 14 ack 6 ->|  step 7 close()",
		"10 |<-- FIN,ACK seq 6 ack 15 --|  step 7 close()",
		"11 |--- ACK seq 15 ack 7 ----->|  step 7 close()",
	};
	expect_rows(l, rows, sizeof rows / sizeof rows[0], __LINE__);
	for (size_t i = 0; i < l->nrows; i++)
		CHECK(strlen(l->rows[i].text) <= LADDER_MIN_WIDTH);
	ladder_free(l);

	/* A long tag is cut to its column (the arrow keeps SPAN_MIN). */
	struct ladder_frame one = lf[0];
	one.tag = "step 12 a_very_long_function_name_that_will_not_fit()";
	l = ladder_build(&one, 1, NULL, 50);
	CHECK(l && l->nrows == 3);
	if (l) {
		EQ_STR(" 1 |--- SYN seq 0 --------->|  step 12 a_very_l...", l->rows[2].text);
		CHECK(strlen(l->rows[2].text) == 50);
		ladder_free(l);
	}
}

/* A refused connection: SYN, then RST,ACK. */
static void test_rst(void)
{
	nf = 0;
	add(seg(&cli4, &srv4, SYN, 77, 0, 65495, O_NONE, NULL), "step 1 connect()");
	add(seg(&srv4, &cli4, RST | ACK, 0, 78, 0, O_NONE, NULL), "step 1 connect()");
	struct ladder *l = ladder_build(lf, nf, NULL, 70);
	CHECK(l && l->nrows == 4);
	if (!l)
		return;
	EQ_STR(" 1 |--- SYN seq 0 win 65495 ------->|  step 1 connect()", l->rows[2].text);
	/* The RST's seq is its own direction's first: 0; it acks the SYN: 1. */
	EQ_STR(" 2 |<-- RST,ACK seq 0 ack 1 win 0 --|  step 1 connect()", l->rows[3].text);
	ladder_free(l);
}

static void test_ipv6(void)
{
	nf = 0;
	add(seg(&cli6, &srv6, SYN, 0xfffffff0u, 0, 65476, O_SYN, NULL), NULL);
	add(seg(&srv6, &cli6, SYN | ACK, 42, 0xfffffff1u, 65464, O_SYN, NULL), NULL);
	add(seg(&cli6, &srv6, PSH | ACK, 0xfffffff1u, 43, 512, O_NONE, "0123456789abcdefghij"), NULL);
	struct ladder *l = ladder_build(lf, nf, NULL, 72);
	CHECK(l && l->found && l->conn.ip_version == 6);
	if (!l)
		return;
	static const char *const rows[] = {
		"[::1]:40000                                           [::1]:5000",
		"   |                                                       |",
		" 1 |--- SYN seq 0 win 65476 [mss,sackOK,TS,ws] ----------->|",
		" 2 |<-- SYN,ACK seq 0 ack 1 win 65464 [mss,sackOK,TS,ws] --|",
		/* the client's seq wraps past 2^32: relative numbers do not care */
		" 3 |--- PSH,ACK seq 1 ack 1 len 20 win 512 --------------->|",
	};
	expect_rows(l, rows, sizeof rows / sizeof rows[0], __LINE__);
	char ep[64];
	ladder_endpoint(&l->conn, true, ep, sizeof ep);
	EQ_STR("[::1]:40000", ep);
	ladder_free(l);
}

/* Two connections interleaved, and a UDP datagram: the listing, then a
 * ladder of the second one. */
static void test_two_connections(void)
{
	nf = 0;
	add(seg(&cli4, &srv4, SYN, 100, 0, 1000, O_NONE, NULL), "a");
	add(dgram(&cli4, &srv4, "x"), "a");
	add(seg(&srv4, &other, SYN | ACK, 900, 201, 1000, O_NONE, NULL), "b");   /* its SYN was not seen */
	add(seg(&srv4, &cli4, SYN | ACK, 300, 101, 1000, O_NONE, NULL), "a");
	add(seg(&other, &srv4, ACK, 201, 901, 1000, O_NONE, NULL), "b");
	add(seg(&other, &srv4, PSH | ACK, 201, 901, 1000, O_NONE, "abc"), "b");
	add(seg(&cli4, &srv4, ACK, 101, 301, 1000, O_NONE, NULL), "a");

	struct ladder_conn *c = NULL;
	size_t n = ladder_connections(lf, nf, &c);
	CHECK(n == 2 && c);
	if (n != 2 || !c) {
		free(c);
		return;
	}
	EQ_STR("10.0.0.1", c[0].left);
	EQ_STR("10.0.0.2", c[0].right);
	CHECK(c[0].lport == 51234 && c[0].rport == 80 && c[0].npackets == 3 && c[0].first == 0);
	/* The SYN,ACK's receiver is the client, drawn on the left. */
	EQ_STR("10.0.0.1", c[1].left);
	CHECK(c[1].lport == 51999 && c[1].rport == 80 && c[1].npackets == 3 && c[1].first == 2);

	struct ladder *l = ladder_build(lf, nf, &c[1], 60);
	CHECK(l && l->nrows == 5);
	if (l) {
		CHECK(l->conn.npackets == 3);
		/* seq of the SYN,ACK is 0; the client's ISN was not seen, so its
		 * first seq counts as 0 and the SYN,ACK's ack stays absolute. */
		EQ_STR(" 3 |<-- SYN,ACK seq 0 ack 201 win 1000 ------|  b", l->rows[2].text);
		EQ_STR(" 5 |--- ACK seq 0 ack 1 win 1000 ----------->|  b", l->rows[3].text);
		EQ_STR(" 6 |--- PSH,ACK seq 0 ack 1 len 3 win 1000 ->|  b", l->rows[4].text);
		CHECK(ladder_row_of_frame(l, 0) == -1);
		CHECK(ladder_row_of_frame(l, 5) == 4);
		ladder_free(l);
	}
	/* Which connection a frame is in (the trace screen's pick). */
	CHECK(ladder_conn_of(lf, nf, 0, c, n) == 0);
	CHECK(ladder_conn_of(lf, nf, 1, c, n) == -1);   /* the UDP datagram */
	CHECK(ladder_conn_of(lf, nf, 2, c, n) == 1);
	CHECK(ladder_conn_of(lf, nf, 5, c, n) == 1);
	CHECK(ladder_conn_of(lf, nf, 6, c, n) == 0);
	CHECK(ladder_conn_of(lf, nf, nf, c, n) == -1);
	/* The default is the first connection. */
	l = ladder_build(lf, nf, NULL, 60);
	CHECK(l && l->conn.lport == 51234 && l->conn.npackets == 3);
	ladder_free(l);
	free(c);
}

/* No TCP at all, truncated frames and garbage: no rows, no crash. */
static void test_broken(void)
{
	nf = 0;
	add(dgram(&cli4, &srv4, "only UDP"), NULL);
	struct ladder_conn dummy, *c = &dummy;   /* must be overwritten */
	CHECK(ladder_connections(lf, nf, &c) == 0 && c == NULL);
	struct ladder *l = ladder_build(lf, nf, NULL, 80);
	CHECK(l && !l->found && l->nrows == 0);
	ladder_free(l);
	l = ladder_build(NULL, 0, NULL, 80);
	CHECK(l && !l->found && l->nrows == 0);
	ladder_free(l);

	/* Every prefix of a data segment, from an exact-size heap copy so
	 * valgrind sees any overread: the ones with a whole TCP header are
	 * drawn (marked truncated when data is missing), the others skipped. */
	struct pkt f = seg(&cli4, &srv4, PSH | ACK, 1, 1, 512, O_NONE, "Hello, World!");
	for (uint32_t len = 0; len <= f.n; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		if (!copy)
			return;
		memcpy(copy, f.b, len);
		struct ladder_frame one = { LINK_ETHERNET, copy, len, f.n, 0, "t" };
		l = ladder_build(&one, 1, NULL, 50);
		CHECK(l != NULL);
		if (l) {
			bool whole_header = len >= 14 + 20 + 20;
			CHECK(l->found == whole_header);
			if (whole_header && len < f.n)
				CHECK(strstr(l->rows[2].text, "[truncated]") != NULL);
			if (len == f.n)
				CHECK(strstr(l->rows[2].text, "len 13") && !strstr(l->rows[2].text, "truncated"));
			ladder_free(l);
		}
		free(copy);
	}

	/* Garbage of every link type we know. */
	static const int links[] = { LINK_ETHERNET, LINK_RAW, LINK_NULL, LINK_LINUX_SLL, LINK_LINUX_SLL2, 9999 };
	uint32_t seed = 12345;
	for (int round = 0; round < 400; round++) {
		struct pkt g = seg(&cli4, &srv4, (uint8_t)round, (uint32_t)round, 0, 9, round & 1, "zz");
		for (int k = 0; k < 6; k++) {
			seed = seed * 1103515245u + 12345u;
			g.b[(seed >> 8) % g.n] = (uint8_t)(seed >> 20);
		}
		struct ladder_frame one = { links[round % 6], g.b, g.n, g.n, 0, NULL };
		l = ladder_build(&one, 1, NULL, 50);
		CHECK(l != NULL);
		for (size_t i = 0; l && i < l->nrows; i++)
			CHECK(strlen(l->rows[i].text) <= 50);
		ladder_free(l);
		struct ladder_conn *cs = NULL;
		ladder_connections(&one, 1, &cs);
		free(cs);
	}
}

static void test_step_tag(void)
{
	char buf[64];
	char *sock[] = { "int fd = socket({af}, SOCK_STREAM, 0);" };
	ladder_step_tag(1, sock, 1, buf, sizeof buf);
	EQ_STR("step 1 socket()", buf);

	char *conn[] = {
		"struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons({port}) };",
		"inet_pton(AF_INET, \"{host}\", &addr.sin_addr);",
		"connect(fd, (struct sockaddr *)&addr, sizeof addr);",
	};
	ladder_step_tag(3, conn, 3, buf, sizeof buf);
	EQ_STR("step 3 connect()", buf);

	char *fix[] = {
		"int fix = socket({af}, SOCK_STREAM, 0);",
		"connect(fix, (struct sockaddr *)&addr, sizeof addr);",
		"send(fix, \"HELLO\\r\\n\", 7, 0);",
	};
	ladder_step_tag(7, fix, 3, buf, sizeof buf);
	EQ_STR("step 7 connect()", buf);

	char *commented[] = {
		"/* the lab's server side: close(",
		"   still a comment: shutdown( */ // listen(",
		"for (i = 0; i < 3; i++) send(fd, \"recv(\", 5, 0);",
	};
	ladder_step_tag(2, commented, 3, buf, sizeof buf);
	EQ_STR("step 2 send()", buf);

	char *none[] = { "struct timeval tv = { .tv_sec = 30 };", "" };
	ladder_step_tag(4, none, 2, buf, sizeof buf);
	EQ_STR("step 4", buf);
	ladder_step_tag(5, NULL, 0, buf, sizeof buf);
	EQ_STR("step 5", buf);
}

/* flowtab_relative is the summaries' numbering, exposed. */
static void test_flowtab_relative(void)
{
	struct flowtab *t = flowtab_new();
	struct pkt a = seg(&cli4, &srv4, SYN, 1000, 0, 1, O_NONE, NULL);
	struct pkt b = seg(&srv4, &cli4, SYN | ACK, 5000, 1001, 1, O_NONE, NULL);
	struct pkt u = dgram(&cli4, &srv4, "x");
	struct dissection d;
	uint32_t seq = 7, ack = 7;
	dissect_frame(LINK_ETHERNET, a.b, a.n, a.n, &d);
	CHECK(flowtab_relative(t, &d, &seq, &ack) && seq == 0 && ack == 0);
	dissection_free(&d);
	dissect_frame(LINK_ETHERNET, b.b, b.n, b.n, &d);
	CHECK(flowtab_relative(t, &d, &seq, &ack) && seq == 0 && ack == 1);
	CHECK(flowtab_relative(t, &d, &seq, &ack) && seq == 0 && ack == 1);   /* twice: the same */
	CHECK(flowtab_relative(NULL, &d, &seq, &ack) && seq == 5000 && ack == 1001);
	dissection_free(&d);
	seq = ack = 7;
	dissect_frame(LINK_ETHERNET, u.b, u.n, u.n, &d);
	CHECK(!flowtab_relative(t, &d, &seq, &ack) && seq == 7 && ack == 7);
	dissection_free(&d);
	flowtab_free(t);
}

/* The trace screen fits the lines it kept as text: a refitted line is the
 * line textfmt_list_line_fit makes from the same columns, at every width. */
static void test_refit(void)
{
	const char *sum = "Flags [P.], seq 1:30, ack 1, win 64, length 29: HTTP: GET / HTTP/1.1";
	char line[512], want[512], got[512];
	textfmt_list_line(4, "0.000772", "127.0.0.1:48378", "[::1]:60893", "HTTP", 95, sum, line, sizeof line);
	for (int w = 40; w <= 120; w += 4) {
		textfmt_list_line_fit(w, 4, "0.000772", "127.0.0.1:48378", "[::1]:60893", "HTTP", 95, sum, want, sizeof want);
		textfmt_list_line_refit(line, w, got, sizeof got);
		EQ_STR(want, got);
	}
	textfmt_list_line_refit("not a packet line", 60, got, sizeof got);
	EQ_STR("not a packet line", got);
}

int main(void)
{
	test_conversation();
	test_narrow();
	test_rst();
	test_ipv6();
	test_two_connections();
	test_broken();
	test_step_tag();
	test_flowtab_relative();
	test_refit();
	return check_done("test_ladder");
}
