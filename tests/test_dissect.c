/*
 * test_dissect.c — the packet dissector on hand-built frames.
 *
 * Every frame is built byte by byte here (no capture files), so each
 * expectation can be checked against the RFC layout by reading the builder.
 * Besides field values, offsets and summaries, every valid frame is also
 * dissected at every shorter capture length — from an exactly-sized heap
 * copy, so ASan/valgrind catch any overread — and with random byte flips,
 * checking that every field stays inside the captured bytes.
 */
#include "dissect/dissect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"

/* -------------------------------------------------------- the packets */

#define CLIENT 40000
#define SERVER 5000
#define C_ISN 1000000u
#define S_ISN 2000000u

/* mss 65495, sackOK, TS, nop, wscale 7: what Linux puts in a SYN. */
static uint32_t syn_opts(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	const uint8_t head[] = { 2, 4, 0xff, 0xd7, 4, 2, 8, 10 };
	memcpy(o, head, sizeof head);
	for (int i = 0; i < 4; i++) {
		o[8 + i] = (uint8_t)(tsval >> (24 - 8 * i));
		o[12 + i] = (uint8_t)(tsecr >> (24 - 8 * i));
	}
	o[16] = 1;
	o[17] = 3;
	o[18] = 3;
	o[19] = 7;
	return 20;
}

static void test_tcp_handshake(void)
{
	uint8_t o[40];
	struct pkt syn, synack, ack, data, reply, fin;
	tcp_frame(&syn, 0, CLIENT, SERVER, C_ISN, 0, SYN, 65495, o, syn_opts(o, 123, 0), NULL);
	tcp_frame(&synack, 0, SERVER, CLIENT, S_ISN, C_ISN + 1, SYN | ACK, 65483, o, syn_opts(o, 456, 123), NULL);
	tcp_frame(&ack, 0, CLIENT, SERVER, C_ISN + 1, S_ISN + 1, ACK, 512, NULL, 0, NULL);
	tcp_frame(&data, 0, CLIENT, SERVER, C_ISN + 1, S_ISN + 1, PSH | ACK, 512, NULL, 0, "Hello, World!");
	tcp_frame(&reply, 0, SERVER, CLIENT, S_ISN + 1, C_ISN + 14, PSH | ACK, 512, NULL, 0, "Hi there, client!");
	tcp_frame(&fin, 0, CLIENT, SERVER, C_ISN + 14, S_ISN + 18, FIN | ACK, 512, NULL, 0, NULL);

	struct dissection d;
	EQ_INT(74, syn.n);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &syn, &d));
	EQ_STR("Ethernet II", d.fields[0].name);
	EQ_INT(0, d.fields[0].depth);
	EQ_INT(14, d.fields[0].len);
	EQ_STR("00:11:22:33:44:55 > 66:77:88:99:aa:bb", d.fields[0].value);
	EQ_FIELD(&d, "Destination", 0, 6, "66:77:88:99:aa:bb");
	EQ_FIELD(&d, "Type", 12, 2, "0x0800 (IPv4)");
	EQ_FIELD(&d, "Header length", 14, 1, "20 bytes (IHL 5)");
	EQ_FIELD(&d, "Total length", 16, 2, "60");
	EQ_FIELD(&d, "Flags", 20, 1, "0x2 (DF)");
	EQ_STR("set", val(&d, "Don't fragment"));
	EQ_FIELD(&d, "Time to live", 22, 1, "64");
	EQ_FIELD(&d, "Protocol", 23, 1, "6 (TCP)");
	CHECK(strstr(val(&d, "Header checksum"), "(correct)") != NULL);
	EQ_FIELD(&d, "Source address", 26, 4, "127.0.0.1");
	EQ_FIELD(&d, "Source port", 34, 2, "40000");
	EQ_FIELD(&d, "Destination port", 36, 2, "5000");
	EQ_FIELD(&d, "Sequence number", 38, 4, "1000000");
	EQ_FIELD(&d, "Acknowledgment number", 42, 4, "0 (not used: ACK not set)");
	EQ_FIELD(&d, "Data offset", 46, 1, "10 (40 bytes)");
	int fl = find(&d, find(&d, 0, "Transmission Control Protocol"), "Flags");
	CHECK(fl > 0);
	if (fl > 0) {
		EQ_INT(47, d.fields[fl].off);
		EQ_STR("0x02 (SYN)", d.fields[fl].value);
		EQ_INT(1, d.fields[fl].depth);
		EQ_STR("CWR", d.fields[fl + 1].name);
		EQ_INT(2, d.fields[fl + 1].depth);
	}
	EQ_STR("set", val(&d, "SYN"));
	EQ_STR("not set", val(&d, "ACK"));
	CHECK(fld(&d, "SYN")->help != NULL);
	CHECK(fld(&d, "Window")->help != NULL);
	EQ_FIELD(&d, "Window", 48, 2, "65495");
	EQ_FIELD(&d, "Options", 54, 20, "20 bytes");
	EQ_FIELD(&d, "Maximum segment size", 54, 4, "65495 bytes");
	EQ_INT(2, fld(&d, "Maximum segment size")->depth);
	EQ_FIELD(&d, "SACK permitted", 58, 2, "");
	EQ_FIELD(&d, "Timestamps", 60, 10, "TSval 123, TSecr 0");
	EQ_FIELD(&d, "No-operation", 70, 1, "");
	EQ_FIELD(&d, "Window scale", 71, 3, "shift 7 (multiply by 128)");
	EQ_INT(-1, find(&d, 0, "Payload"));
	const struct pkt_info *i = &d.info;
	EQ_INT(4, i->ip_version);
	EQ_STR("127.0.0.1", i->src);
	EQ_INT(6, i->ip_proto);
	EQ_INT(64, i->ttl);
	EQ_STR("TCP", i->proto);
	CHECK(i->tcp && i->has_ports);
	EQ_INT(CLIENT, i->sport);
	EQ_INT(SERVER, i->dport);
	EQ_INT(SYN, i->tcp_flags);
	EQ_INT(C_ISN, i->seq);
	EQ_INT(65495, i->win);
	EQ_STR("mss 65495,sackOK,TS val 123 ecr 0,nop,wscale 7", i->tcp_opts);
	EQ_INT(0, i->payload_len);
	char ep[64];
	dissect_endpoint(i, true, ep, sizeof ep);
	EQ_STR("127.0.0.1:40000", ep);
	dissect_endpoint(i, false, ep, sizeof ep);
	EQ_STR("127.0.0.1:5000", ep);
	EQ_INT(find(&d, 0, "Source port"), dissect_field_at(&d, 34));
	EQ_INT(find(&d, 0, "Maximum segment size"), dissect_field_at(&d, 55));
	EQ_INT(-1, dissect_field_at(&d, 74));
	EQ_STR("Flags [S], seq 1000000, win 65495, options [mss 65495,sackOK,TS val 123 ecr 0,nop,wscale 7], length 0",
	       summary(&d, NULL));
	dissection_free(&d);
	dissection_free(&d);   /* freeing twice is safe */

	/* The data segment: payload bytes and their place. */
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &data, &d));
	EQ_INT(54, d.info.payload_off);
	EQ_INT(13, d.info.payload_len);
	EQ_INT(13, d.info.payload_caplen);
	EQ_FIELD(&d, "Payload", 54, 13, "13 bytes: \"Hello, World!\"");
	EQ_INT(0, fld(&d, "Payload")->depth);
	EQ_INT(find(&d, 0, "Payload"), dissect_field_at(&d, 60));
	EQ_STR("0x18 (PSH, ACK)", d.fields[find(&d, find(&d, 0, "Data offset"), "Flags")].value);
	dissection_free(&d);

	/* Relative numbers through a flow table, as tcpdump prints them. */
	static const char *const want[] = {
		"Flags [S], seq 0, win 65495, options [mss 65495,sackOK,TS val 123 ecr 0,nop,wscale 7], length 0",
		"Flags [S.], seq 0, ack 1, win 65483, options [mss 65495,sackOK,TS val 456 ecr 123,nop,wscale 7], length 0",
		"Flags [.], ack 1, win 512, length 0",
		"Flags [P.], seq 1:14, ack 1, win 512, length 13",
		"Flags [P.], seq 1:18, ack 14, win 512, length 17",
		"Flags [F.], seq 14, ack 18, win 512, length 0",
	};
	const struct pkt *seqs[] = { &syn, &synack, &ack, &data, &reply, &fin };
	struct flowtab *t = flowtab_new();
	for (size_t k = 0; k < 6; k++) {
		dis(LINK_ETHERNET, seqs[k], &d);
		EQ_STR(want[k], summary(&d, t));
		dissection_free(&d);
	}
	flowtab_free(t);

	/* Without the table: absolute numbers. */
	dis(LINK_ETHERNET, &data, &d);
	EQ_STR("Flags [P.], seq 1000001:1000014, ack 2000001, win 512, length 13", summary(&d, NULL));
	dissection_free(&d);

	/* Joining mid-stream: the first seq seen is the base; the ack stays
	 * absolute until the other direction has been seen. */
	t = flowtab_new();
	dis(LINK_ETHERNET, &data, &d);
	EQ_STR("Flags [P.], seq 0:13, ack 2000001, win 512, length 13", summary(&d, t));
	dissection_free(&d);
	dis(LINK_ETHERNET, &reply, &d);
	EQ_STR("Flags [P.], seq 0:17, ack 13, win 512, length 17", summary(&d, t));
	dissection_free(&d);
	flowtab_free(t);

	/* A payload cut by the snap length. */
	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_ETHERNET, data.b, 59, data.n, &d));
	EQ_STR("truncated: TCP payload 13 bytes, 5 captured", d.problem);
	EQ_INT(5, d.info.payload_caplen);
	EQ_FIELD(&d, "Payload", 54, 5, "13 bytes (5 captured): \"Hello\"");
	EQ_STR("Flags [P.], seq 1000001:1000014, ack 2000001, win 512, length 13 [truncated]", summary(&d, NULL));
	dissection_free(&d);
	/* ... and a header cut. */
	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_ETHERNET, data.b, 40, data.n, &d));
	EQ_STR("truncated: TCP header needs 20 bytes, 6 captured", d.problem);
	EQ_FIELD(&d, "Source port", 34, 2, "40000");
	EQ_INT(-1, find(&d, 0, "Sequence number"));
	EQ_STR("TCP [truncated]", summary(&d, NULL));
	dissection_free(&d);
	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_ETHERNET, data.b, 20, data.n, &d));
	EQ_STR("truncated: IPv4 header needs 20 bytes, 6 captured", d.problem);
	EQ_STR("IPv4 [truncated]", summary(&d, NULL));
	dissection_free(&d);

	/* RST and the other flag letters. */
	struct pkt rst;
	tcp_frame(&rst, 0, SERVER, CLIENT, 0, C_ISN + 1, RST | ACK, 0, NULL, 0, NULL);
	dis(LINK_ETHERNET, &rst, &d);
	EQ_STR("Flags [R.], seq 0, ack 1000001, win 0, length 0", summary(&d, NULL));
	dissection_free(&d);
	struct pkt odd;
	tcp_frame(&odd, 0, SERVER, CLIENT, 5, 0, 0xe0 | FIN | PSH, 1, NULL, 0, NULL);
	dis(LINK_ETHERNET, &odd, &d);
	EQ_STR("Flags [FPUEW], seq 5, win 1, urg 0, length 0", summary(&d, NULL));
	dissection_free(&d);

	valid("SYN", LINK_ETHERNET, &syn);
	valid("SYN/ACK", LINK_ETHERNET, &synack);
	valid("ACK", LINK_ETHERNET, &ack);
	valid("data", LINK_ETHERNET, &data);
	valid("FIN", LINK_ETHERNET, &fin);
}

static void test_tcp_ipv6(void)
{
	uint8_t o[40];
	struct pkt f;
	tcp_frame(&f, 1, CLIENT, SERVER, C_ISN, 0, SYN, 65476, o, syn_opts(o, 1, 0), NULL);
	struct dissection d;
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Type", 12, 2, "0x86dd (IPv6)");
	EQ_FIELD(&d, "Version", 14, 1, "6");
	EQ_FIELD(&d, "Flow label", 15, 3, "0x12345");
	EQ_FIELD(&d, "Payload length", 18, 2, "40");
	EQ_FIELD(&d, "Next header", 20, 1, "6 (TCP)");
	EQ_FIELD(&d, "Hop limit", 21, 1, "64");
	EQ_FIELD(&d, "Source address", 22, 16, "::1");
	EQ_FIELD(&d, "Source port", 54, 2, "40000");
	EQ_INT(6, d.info.ip_version);
	EQ_STR("::1", d.info.dst);
	char ep[64];
	dissect_endpoint(&d.info, true, ep, sizeof ep);
	EQ_STR("[::1]:40000", ep);
	EQ_STR("Flags [S], seq 1000000, win 65476, options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("IPv6 SYN", LINK_ETHERNET, &f);

	/* A hop-by-hop options header before TCP. */
	struct pkt s, ext, g;
	tcp(&s, CLIENT, SERVER, 7, 0, SYN, 100, NULL, 0, NULL);
	ext.n = 0;
	p8(&ext, 6);       /* next header: TCP */
	p8(&ext, 0);       /* length: 8 bytes */
	p8(&ext, 1);       /* PadN, 4 bytes of padding */
	p8(&ext, 4);
	p32(&ext, 0);
	pmem(&ext, s.b, s.n);
	ether(&g, 0x86dd);
	ipv6(&g, 0, &ext);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &g, &d));
	int h = find(&d, 0, "IPv6 hop-by-hop options");
	CHECK(h > 0);
	if (h > 0) {
		EQ_INT(54, d.fields[h].off);
		EQ_INT(8, d.fields[h].len);
		EQ_INT(0, d.fields[h].depth);
		EQ_STR("6 (TCP)", d.fields[find(&d, h, "Next header")].value);
	}
	EQ_FIELD(&d, "Source port", 62, 2, "40000");
	EQ_INT(6, d.info.ip_proto);
	dissection_free(&d);
	valid("IPv6 hop-by-hop + TCP", LINK_ETHERNET, &g);
}

static void test_udp(void)
{
	struct pkt u, f4, f6;
	udp(&u, 51000, 53, "hello");
	ether(&f4, 0x0800);
	ipv4(&f4, 17, &u);
	struct dissection d;
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f4, &d));
	EQ_FIELD(&d, "Source port", 34, 2, "51000");
	EQ_FIELD(&d, "Length", 38, 2, "13");
	EQ_FIELD(&d, "Checksum", 40, 2, "0x1234 (incorrect, should be 0xf691)");
	EQ_FIELD(&d, "Payload", 42, 5, "5 bytes: \"hello\"");
	EQ_STR("UDP", d.info.proto);
	CHECK(d.info.udp && !d.info.tcp);
	EQ_INT(42, d.info.payload_off);
	EQ_INT(5, d.info.payload_len);
	EQ_STR("UDP, length 5", summary(&d, NULL));
	dissection_free(&d);
	valid("UDP/IPv4", LINK_ETHERNET, &f4);

	udp(&u, 51000, 53, "over six");
	pset16(&u, 6, 0);
	ether(&f6, 0x86dd);
	ipv6(&f6, 17, &u);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f6, &d));
	EQ_FIELD(&d, "Destination port", 56, 2, "53");
	EQ_FIELD(&d, "Checksum", 60, 2, "0x0000 (missing: required over IPv6)");
	EQ_STR("UDP, length 8", summary(&d, NULL));
	char ep[64];
	dissect_endpoint(&d.info, false, ep, sizeof ep);
	EQ_STR("[::1]:53", ep);
	dissection_free(&d);
	valid("UDP/IPv6", LINK_ETHERNET, &f6);
}

static void test_icmp(void)
{
	/* The datagram that could not be delivered: UDP to port 40000. */
	struct pkt u, orig, m, f;
	udp(&u, 51000, 40000, "ping");
	orig.n = 0;
	ipv4(&orig, 17, &u);
	icmp(&m, 3, 3, 0, orig.b, orig.n, 1);
	ether(&f, 0x0800);
	ipv4(&f, 1, &m);

	struct dissection d;
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	const struct field *ft = fld_in(&d, "Internet Control Message Protocol", "Type");
	EQ_INT(34, ft->off);
	EQ_STR("3 (destination unreachable)", ft->value);
	EQ_FIELD(&d, "Code", 35, 1, "3 (port unreachable)");
	CHECK(strstr(val(&d, "Checksum"), "(correct)") != NULL);
	int q = find(&d, find(&d, 0, "Internet Control Message Protocol"), "Internet Protocol version 4");
	CHECK(q > 0);
	if (q > 0) {
		EQ_INT(42, d.fields[q].off);
		EQ_INT(1, d.fields[q].depth);
		int dp = find(&d, q, "Destination port");
		CHECK(dp > 0);
		if (dp > 0) {
			EQ_INT(64, d.fields[dp].off);
			EQ_INT(2, d.fields[dp].depth);
			EQ_STR("40000", d.fields[dp].value);
		}
	}
	const struct pkt_info *i = &d.info;
	CHECK(i->icmp && !i->has_ports);
	EQ_STR("ICMP", i->proto);
	EQ_INT(3, i->icmp_type);
	EQ_INT(1, i->ip_proto);
	CHECK(i->quote.valid && i->quote.has_ports);
	EQ_INT(17, i->quote.ip_proto);
	EQ_INT(40000, i->quote.dport);
	EQ_INT(51000, i->quote.sport);
	char ep[64];
	dissect_endpoint(i, true, ep, sizeof ep);
	EQ_STR("127.0.0.1", ep);
	EQ_STR("ICMP 127.0.0.1 udp port 40000 unreachable, length 40", summary(&d, NULL));
	dissection_free(&d);
	valid("ICMP port unreachable", LINK_ETHERNET, &f);

	/* An echo request. */
	icmp(&m, 8, 0, 1u << 16 | 2, "abcdefgh", 8, 1);
	ether(&f, 0x0800);
	ipv4(&f, 1, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Identifier", 38, 2, "1");
	EQ_FIELD(&d, "Sequence number", 40, 2, "2");
	EQ_STR("ICMP echo request, id 1, seq 2, length 16", summary(&d, NULL));
	dissection_free(&d);
	valid("ICMP echo", LINK_ETHERNET, &f);
}

static void test_icmp6(void)
{
	struct pkt m, f;
	icmp(&m, 128, 0, 7u << 16 | 3, "abcdefgh", 8, 0);
	ether(&f, 0x86dd);
	ipv6(&f, 58, &m);
	struct dissection d;
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("128 (echo request)", fld_in(&d, "Internet Control Message Protocol v6", "Type")->value);
	EQ_INT(54, fld_in(&d, "Internet Control Message Protocol v6", "Type")->off);
	EQ_FIELD(&d, "Identifier", 58, 2, "7");
	CHECK(strstr(val(&d, "Checksum"), "(correct)") != NULL);
	EQ_STR("ICMPv6", d.info.proto);
	EQ_STR("ICMP6, echo request, id 7, seq 3, length 16", summary(&d, NULL));
	dissection_free(&d);
	valid("ICMPv6 echo", LINK_ETHERNET, &f);

	/* Port unreachable quoting a UDP datagram over IPv6. */
	struct pkt u, orig;
	udp(&u, 51000, 40000, "x");
	orig.n = 0;
	ipv6(&orig, 17, &u);
	icmp(&m, 1, 4, 0, orig.b, orig.n, 0);
	ether(&f, 0x86dd);
	ipv6(&f, 58, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Code", 55, 1, "4 (port unreachable)");
	EQ_INT(40000, d.info.quote.dport);
	EQ_STR("ICMP6, destination unreachable, unreachable port, ::1 udp port 40000, length 57", summary(&d, NULL));
	dissection_free(&d);
	valid("ICMPv6 unreachable", LINK_ETHERNET, &f);

	/* Neighbor solicitation with a source link-layer address option. */
	uint8_t body[24] = { 0xfe, 0x80, [15] = 0x01, [16] = 1, [17] = 1, 2, 0, 0, 0, 0, 1 };
	icmp(&m, 135, 0, 0, body, sizeof body, 0);
	ether(&f, 0x86dd);
	ipv6(&f, 58, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Target address", 62, 16, "fe80::1");
	EQ_FIELD(&d, "Source link-layer address", 78, 8, "02:00:00:00:00:01");
	EQ_STR("ICMP6, neighbor solicitation, who has fe80::1, length 32", summary(&d, NULL));
	dissection_free(&d);
	valid("ICMPv6 NS", LINK_ETHERNET, &f);
}

/* The same UDP datagram behind each link header. */
static void test_links(void)
{
	struct pkt u, ip4, ip6, f;
	udp(&u, 51000, 53, "hey");
	ip4.n = 0;
	ipv4(&ip4, 17, &u);
	ip6.n = 0;
	ipv6(&ip6, 17, &u);
	struct dissection d;

	static const struct {
		const char *what;
		int lt;
		uint8_t hdr[20];
		uint32_t hlen;
		int v6;
		const char *layer, *field, *value;
	} cases[] = {
		{ "NULL little-endian", LINK_NULL, { 2, 0, 0, 0 }, 4, 0, "Null/Loopback", "Family", "2 (IPv4, little-endian)" },
		{ "NULL big-endian", LINK_NULL, { 0, 0, 0, 2 }, 4, 0, "Null/Loopback", "Family", "2 (IPv4, big-endian)" },
		{ "NULL macOS IPv6", LINK_NULL, { 30, 0, 0, 0 }, 4, 1, "Null/Loopback", "Family", "30 (IPv6, little-endian)" },
		{ "LOOP IPv6", LINK_LOOP, { 0, 0, 0, 24 }, 4, 1, "OpenBSD loopback", "Family", "24 (IPv6, network byte order)" },
		{ "SLL", LINK_LINUX_SLL, { 0, 4, 0x03, 0x04, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00 }, 16, 0,
		  "Linux cooked capture (SLL)", "Packet type", "4 (sent by us)" },
		{ "SLL2", LINK_LINUX_SLL2, { 0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0 }, 20, 1,
		  "Linux cooked capture (SLL2)", "Interface index", "1" },
		{ "RAW v4", LINK_RAW, { 0 }, 0, 0, "Internet Protocol version 4", "Version", "4" },
		{ "RAW v6", LINK_RAW, { 0 }, 0, 1, "Internet Protocol version 6", "Version", "6" },
		{ "IPV4", LINK_IPV4, { 0 }, 0, 0, "Internet Protocol version 4", "Protocol", "17 (UDP)" },
		{ "IPV6", LINK_IPV6, { 0 }, 0, 1, "Internet Protocol version 6", "Next header", "17 (UDP)" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const struct pkt *ip = cases[k].v6 ? &ip6 : &ip4;
		f.n = 0;
		pmem(&f, cases[k].hdr, cases[k].hlen);
		pmem(&f, ip->b, ip->n);
		EQ_INT(DIS_OK, dis(cases[k].lt, &f, &d));
		EQ_STR(cases[k].layer, d.fields[0].name);
		EQ_STR(cases[k].value, val(&d, cases[k].field));
		EQ_INT(cases[k].hlen + (cases[k].v6 ? 40 : 20), fld(&d, "Source port")->off);
		EQ_STR("hey", d.info.payload_caplen == 3 ? "hey" : "?");
		EQ_STR("UDP, length 3", summary(&d, NULL));
		dissection_free(&d);
		valid(cases[k].what, cases[k].lt, &f);
	}
	f.n = 0;
	pmem(&f, cases[4].hdr, 16);
	pmem(&f, ip4.b, ip4.n);
	dis(LINK_LINUX_SLL, &f, &d);
	EQ_FIELD(&d, "Device type", 2, 2, "772 (loopback)");
	EQ_FIELD(&d, "Source address", 6, 8, "01:02:03:04:05:06");
	EQ_FIELD(&d, "Protocol", 14, 2, "0x0800 (IPv4)");
	dissection_free(&d);

	/* 802.1Q-tagged Ethernet. */
	ether(&f, 0x8100);
	p16(&f, 3u << 13 | 100);
	p16(&f, 0x0800);
	pmem(&f, ip4.b, ip4.n);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "VLAN ID", 14, 2, "100");
	EQ_STR("3", val(&d, "Priority"));
	EQ_FIELD(&d, "Source port", 38, 2, "51000");
	dissection_free(&d);
	valid("VLAN", LINK_ETHERNET, &f);

	/* A frame padded to Ethernet's 60 bytes, and cut inside the padding. */
	struct pkt s;
	tcp(&s, CLIENT, SERVER, 1, 1, ACK, 512, NULL, 0, NULL);
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	while (f.n < 60)
		p8(&f, 0);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Ethernet padding", 54, 6, "6 bytes");
	EQ_INT(0, d.info.payload_len);
	EQ_INT(-1, find(&d, 0, "Payload"));
	dissection_free(&d);
	EQ_INT(DIS_OK, dissect_frame(LINK_ETHERNET, f.b, 56, 60, &d));
	EQ_FIELD(&d, "Ethernet padding", 54, 2, "2 bytes");
	dissection_free(&d);

	/* Linux loopback: Ethernet with zero addresses. */
	memset(f.b, 0, 12);
	dis(LINK_ETHERNET, &f, &d);
	CHECK(strstr(val(&d, "Source"), "00:00:00:00:00:00 (all zero") == val(&d, "Source"));
	dissection_free(&d);

	/* An IEEE 802.3 frame (spanning tree over LLC): shown, not decoded. */
	ether(&f, 38);
	p8(&f, 0x42);
	p8(&f, 0x42);
	p8(&f, 0x03);
	for (int k = 0; k < 35; k++)
		p8(&f, 0);
	EQ_INT(DIS_UNSUPPORTED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("IEEE 802.3 Ethernet", d.fields[0].name);
	EQ_FIELD(&d, "Length", 12, 2, "38");
	EQ_FIELD(&d, "DSAP", 14, 1, "0x42 (Spanning Tree)");
	EQ_STR("LLC", d.info.proto);
	dissection_free(&d);

	/* An LLDP frame: named, shown as data. */
	ether(&f, 0x88cc);
	for (int k = 0; k < 28; k++)
		p8(&f, k);
	EQ_INT(DIS_UNSUPPORTED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("LLDP", d.info.proto);
	EQ_STR("unsupported: LLDP is not decoded", d.problem);
	EQ_FIELD(&d, "Data", 14, 28, "28 bytes: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b");
	EQ_STR("LLDP, length 42", summary(&d, NULL));
	dissection_free(&d);

	/* An unknown link type. */
	EQ_INT(DIS_UNSUPPORTED, dis(999, &ip4, &d));
	EQ_INT(2, d.nfields);
	EQ_STR("Link type 999 (unknown)", d.fields[0].name);
	EQ_INT(0, d.fields[0].off);
	EQ_INT(ip4.n, d.fields[0].len);
	EQ_STR("Data", d.fields[1].name);
	EQ_INT(ip4.n, d.fields[1].len);
	EQ_INT(1, d.fields[1].depth);
	dissection_free(&d);

	EQ_STR("Linux cooked (SLL2)", dissect_linktype_name(LINK_LINUX_SLL2));
	EQ_STR("Ethernet", dissect_linktype_name(LINK_ETHERNET));
	CHECK(dissect_linktype_name(999) == NULL);
}

/* Impossible header values: malformed, with the field named. */
static void expect_malformed(const char *what, const struct pkt *f, const char *problem)
{
	struct dissection d;
	enum dis_status st = dis(LINK_ETHERNET, f, &d);
	if (st != DIS_MALFORMED)
		fprintf(stderr, "%s: not malformed\n", what);
	EQ_INT(DIS_MALFORMED, st);
	EQ_STR(problem, d.problem);
	CHECK(tree_ok(&d, f->n));
	char want[256];
	snprintf(want, sizeof want, " [%s]", problem);
	const char *s = summary(&d, NULL);
	CHECK(strlen(s) >= strlen(want) && strcmp(s + strlen(s) - strlen(want), want) == 0);
	dissection_free(&d);
	mutate(what, LINK_ETHERNET, f);
}

static void test_malformed(void)
{
	struct pkt s, f;
	tcp(&s, CLIENT, SERVER, 1, 1, ACK, 512, NULL, 0, "abc");

	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	f.b[14] = 0x44;
	expect_malformed("IHL 4", &f, "malformed: IPv4 header length 16 bytes (IHL 4) is less than 20");

	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	pset16(&f, 16, 12);
	expect_malformed("total length", &f, "malformed: IPv4 total length 12 is less than its header length 20");

	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	f.b[46] = 3 << 4;
	expect_malformed("TCP data offset 3", &f, "malformed: TCP data offset 3 (12 bytes) is less than 5 (20 bytes)");

	const uint8_t bad_len[] = { 1, 1, 2, 1 };            /* nop, nop, MSS with length 1 */
	tcp(&s, CLIENT, SERVER, 1, 1, ACK, 512, bad_len, 4, "abc");
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	expect_malformed("TCP option length 1", &f,
	                 "malformed: TCP option Maximum segment size (kind 2) length 1 is less than 2");
	struct dissection d;
	dis(LINK_ETHERNET, &f, &d);
	EQ_FIELD(&d, "Payload", 58, 3, "3 bytes: \"abc\"");   /* the data offset still places it */
	dissection_free(&d);

	const uint8_t past[] = { 1, 8, 10, 0, 0, 0, 0, 0 };   /* nop, timestamps running past the end */
	tcp(&s, CLIENT, SERVER, 1, 1, ACK, 512, past, 8, NULL);
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	expect_malformed("TCP option past header", &f,
	                 "malformed: TCP option Timestamps (kind 8) length 10 runs past the end of the TCP header");

	const uint8_t wrong[] = { 2, 3, 1, 0 };               /* MSS of length 3 */
	tcp(&s, CLIENT, SERVER, 1, 1, ACK, 512, wrong, 4, NULL);
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	expect_malformed("MSS length 3", &f, "malformed: TCP option Maximum segment size length 3, expected 4");

	udp(&s, 1, 2, "abcd");
	pset16(&s, 4, 4);
	ether(&f, 0x0800);
	ipv4(&f, 17, &s);
	expect_malformed("UDP length 4", &f, "malformed: UDP length 4 is less than the 8-byte header");

	udp(&s, 1, 2, "abcd");
	pset16(&s, 4, 200);
	ether(&f, 0x0800);
	ipv4(&f, 17, &s);
	expect_malformed("UDP length 200", &f,
	                 "malformed: UDP length 200 exceeds the 12 bytes the IP header leaves for it");

	/* A header checksum that does not add up is shown, not fatal. */
	udp(&s, 1, 2, "abcd");
	ether(&f, 0x0800);
	ipv4(&f, 17, &s);
	f.b[24] ^= 0xff;
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	CHECK(strstr(val(&d, "Header checksum"), "(incorrect, should be 0x") != NULL);
	dissection_free(&d);
}

static void test_edges(void)
{
	struct dissection d;
	memset(&d, 0, sizeof d);
	dissection_free(&d);   /* a zeroed struct */

	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_ETHERNET, NULL, 0, 60, &d));
	EQ_STR("truncated: Ethernet header needs 14 bytes, 0 captured", d.problem);
	EQ_INT(1, d.nfields);
	EQ_INT(0, d.fields[0].len);
	EQ_STR("Ethernet [truncated]", summary(&d, NULL));
	char ep[16] = "x";
	dissect_endpoint(&d.info, true, ep, sizeof ep);
	EQ_STR("", ep);
	dissection_free(&d);

	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_RAW, NULL, 0, 20, &d));
	dissection_free(&d);

	/* A non-first fragment has no transport header. */
	struct pkt s, f;
	udp(&s, 1, 2, "0123456789");
	ether(&f, 0x0800);
	ipv4(&f, 17, &s);
	pset16(&f, 20, 185);   /* offset 1480 bytes, DF clear */
	pset16(&f, 24, 0);
	pset16(&f, 24, fold(sum16(f.b + 14, 20)));
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Fragment offset", 20, 2, "185 (x 8 = byte 1480)");
	EQ_FIELD(&d, "Fragment", 20, 2, "last fragment: data only, no transport header");
	CHECK(d.info.fragment && !d.info.udp && !d.info.has_ports);
	EQ_STR("UDP fragment, offset 1480, length 18", summary(&d, NULL));
	dissection_free(&d);
	valid("fragment", LINK_ETHERNET, &f);

	/* An IP protocol that is not decoded. */
	ether(&f, 0x0800);
	ipv4(&f, 50, &s);
	EQ_INT(DIS_UNSUPPORTED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("unsupported: ESP is not decoded", d.problem);
	EQ_STR("ESP, length 18", summary(&d, NULL));
	dissection_free(&d);

	/* Random bytes behind every link type. */
	static const int lts[] = { LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_LOOP, LINK_LINUX_SLL,
	                           LINK_IPV4, LINK_IPV6, LINK_LINUX_SLL2, LINK_PPP, LINK_PPP_HDLC,
	                           LINK_PPP_ETHER, LINK_C_HDLC, LINK_FRELAY, LINK_ARCNET_LINUX, LINK_IPNET,
	                           LINK_IPOIB };
	for (int round = 0; round < 4000; round++) {
		uint32_t len = xorshift() % 120;
		uint8_t *b = malloc(len ? len : 1);
		for (uint32_t k = 0; k < len; k++)
			b[k] = (uint8_t)xorshift();
		if (len > 20 && round % 2)
			b[xorshift() % 8] = round % 4 == 1 ? 0x45 : 0x60;   /* help it look like IP */
		int lt = lts[round % (int)(sizeof lts / sizeof lts[0])];
		dissect_frame(lt, b, len, len, &d);
		char buf[256];
		dissect_summary(&d, NULL, buf, sizeof buf);
		checks++;
		if (!tree_ok(&d, len)) {
			failures++;
			fprintf(stderr, "%s:%d: random frame %d on link %d: bad field\n", __FILE__, __LINE__, round, lt);
		}
		dissection_free(&d);
		free(b);
	}
}

int main(void)
{
	test_tcp_handshake();
	test_tcp_ipv6();
	test_udp();
	test_icmp();
	test_icmp6();
	test_links();
	test_malformed();
	test_edges();
	return check_done("test_dissect");
}
