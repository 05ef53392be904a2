/*
 * test_dissect_links.c — the link layers of serial, WAN and other non-LAN
 * captures (PPP, PPPoE, Cisco HDLC, Frame Relay, ARCNET, Solaris IPNET,
 * IP over InfiniBand, Juniper's capture header, IEEE 802.15.4 with 6LoWPAN)
 * and the encapsulations MPLS, MACsec and Arista's timestamp, on frames
 * built byte by byte here from the layouts of their RFCs and standards.
 *
 * Each case is a link header before the same UDP datagram over IPv4 or
 * IPv6: the test checks the layer, one field's value, that the UDP header
 * is found right after the header (its offset), and then, through valid(),
 * every shorter capture of the frame (each truncation reported, no field
 * outside the captured bytes, under ASan too) and random byte flips.
 */
#include "dissect/dissect.h"

#include <stdio.h>
#include <string.h>

#include "pktbuild.h"

/* The datagram every case carries: UDP 51000 > 53 "hey", over IPv4 and IPv6. */
static void datagrams(struct pkt *ip4, struct pkt *ip6)
{
	struct pkt u;
	udp(&u, 51000, 53, "hey");
	ip4->n = 0;
	ipv4(ip4, 17, &u);
	ip6->n = 0;
	ipv6(ip6, 17, &u);
}

static void test_link_headers(void)
{
	struct pkt ip4, ip6, f;
	datagrams(&ip4, &ip6);
	struct dissection d;

	static const struct {
		const char *what;
		int lt;
		uint8_t hdr[48];
		uint32_t hlen;
		int v6;
		const char *layer, *field, *value;
	} cases[] = {
		{ "PPP framed", LINK_PPP, { 0xff, 0x03, 0x00, 0x21 }, 4, 0, "Point-to-Point Protocol", "Protocol",
		  "0x0021 (IPv4)" },
		{ "PPP ACFC+PFC", LINK_PPP, { 0x57 }, 1, 1, "Point-to-Point Protocol", "Protocol",
		  "0x57 (IPv6, compressed)" },
		{ "PPP in HDLC framing", LINK_PPP_HDLC, { 0xff, 0x03, 0x00, 0x57 }, 4, 1, "Point-to-Point Protocol",
		  "Protocol", "0x0057 (IPv6)" },
		{ "Cisco PPP in HDLC framing", LINK_PPP_HDLC, { 0x0f, 0x00, 0x08, 0x00 }, 4, 0, "Cisco HDLC", "Protocol",
		  "0x0800 (IPv4)" },
		{ "Cisco HDLC", LINK_C_HDLC, { 0x8f, 0x00, 0x86, 0xdd }, 4, 1, "Cisco HDLC", "Address",
		  "0x8f (broadcast)" },
		{ "PPPoE link type", LINK_PPP_ETHER, { 0x11, 0x00, 0x12, 0x34, 0x00, 33, 0x00, 0x21 }, 8, 0,
		  "PPP over Ethernet", "Session ID", "0x1234" },
		{ "FR NLPID IPv4", LINK_FRELAY, { 0x18, 0x41, 0x03, 0xcc }, 4, 0, "Frame Relay", "DLCI", "100" },
		{ "FR pad NLPID IPv6", LINK_FRELAY, { 0x18, 0x41, 0x03, 0x00, 0x8e }, 5, 1, "Frame Relay", "NLPID",
		  "0x00 (padding)" },
		{ "FR SNAP", LINK_FRELAY, { 0x18, 0x41, 0x03, 0x00, 0x80, 0, 0, 0, 0x08, 0x00 }, 10, 0, "SNAP", "Type",
		  "0x0800 (IPv4)" },
		{ "FR Cisco", LINK_FRELAY, { 0x48, 0xe1, 0x86, 0xdd }, 4, 1, "Frame Relay", "DLCI", "302" },
		{ "FR 3-byte address", LINK_FRELAY, { 0x18, 0x40, 0x05, 0x03, 0xcc }, 5, 0, "Frame Relay", "DLCI",
		  "6401" },
		{ "ARCNET RFC 1201", LINK_ARCNET_LINUX, { 1, 2, 0, 0, 0xd4, 0, 0, 1 }, 8, 0, "ARCNET", "Protocol ID",
		  "212 (IPv4 (RFC 1201))" },
		{ "ARCNET RFC 1201 exception", LINK_ARCNET_LINUX, { 1, 2, 0, 0, 0xd4, 0xff, 0xff, 0xff, 0xd4, 0, 0, 7 },
		  12, 0, "ARCNET", "Sequence number", "7" },
		{ "ARCNET RFC 2497 IPv6", LINK_ARCNET_LINUX, { 1, 0, 0, 0, 0xc4, 0, 0, 1 }, 8, 1, "ARCNET",
		  "Destination", "0 (broadcast)" },
		{ "ARCNET RFC 1051", LINK_ARCNET_LINUX, { 1, 2, 0, 0, 0xf0 }, 5, 0, "ARCNET", "Protocol ID",
		  "240 (IPv4 (RFC 1051))" },
		{ "IPNET IPv4", LINK_IPNET, { 1, 2, 0, 1, 0, 0, 0, 31, 0, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff },
		  24, 0, "Solaris IPNET", "Type", "1 (outbound)" },
		{ "IPNET IPv6", LINK_IPNET, { 1, 26, 0, 0, 0, 0, 0, 51, 0, 0, 0, 3 }, 24, 1, "Solaris IPNET", "Family",
		  "26 (IPv6)" },
		{ "IPoIB", LINK_IPOIB,
		  { [20] = 0x80, 0x00, 0x05, 0x50, 0xfe, 0x80, [36] = 0x66, 0x4a, 0xb4, 0x51, 0x08, 0x00 }, 44, 0,
		  "IP over InfiniBand", "Destination GID", "fe80::664a:b451" },
		{ "802.15.4 uncompressed IPv6", 230,
		  { 0x41, 0xcc, 7, 0x34, 0x12, 0x0c, 0x0b, 0x0a, 0, 0x4b, 0, 0x12, 0, 3, 2, 1, 0, 0x4b, 0, 0x12, 0, 0x41 }, 22, 1,
		  "IEEE 802.15.4", "Destination", "00:12:00:4b:00:0a:0b:0c" },
		{ "802.15.4 fragment", 230, { 0x41, 0x88, 7, 0x34, 0x12, 0xff, 0xff, 1, 0, 0xc0, 60, 0, 9, 0x41 }, 14, 1,
		  "IEEE 802.15.4", "Source", "0x0001" },
		/* Juniper's header: "MGC", flags, and with flag 0x80 a length and TLVs */
		{ "Juniper Ethernet", LINK_JUNIPER_ETHER,
		  { 'M', 'G', 'C', 0x81, 0, 9, 1, 1, 14, 2, 4, 'g', 'e', '-', '0', [27] = 0x08, 0x00 }, 29, 0,
		  "Juniper Ethernet", "Device index", "14" },
		{ "Juniper PPP", 179, { 'M', 'G', 'C', 0x00, 0xff, 0x03, 0x00, 0x21 }, 8, 0, "Point-to-Point Protocol",
		  "Protocol", "0x0021 (IPv4)" },
		{ "Juniper Frame Relay", 180, { 'M', 'G', 'C', 0x01, 0x18, 0x41, 0x03, 0xcc }, 8, 0, "Frame Relay", "DLCI",
		  "100" },
		{ "Juniper Cisco HDLC", 181, { 'M', 'G', 'C', 0x01, 0x8f, 0x00, 0x86, 0xdd }, 8, 1, "Cisco HDLC",
		  "Address", "0x8f (broadcast)" },
		{ "Juniper PPPoE ATM", 168, { 'M', 'G', 'C', 0x01, 0x08, 0x00 }, 6, 0, "Juniper PPPoE ATM", "Type",
		  "0x0800 (IPv4)" },
		{ "Juniper no L2 header", LINK_JUNIPER_ETHER, { 'M', 'G', 'C', 0x03, 0, 0, 0, 0 }, 8, 1, "Juniper Ethernet",
		  "No link-layer header", "set" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const struct pkt *ip = cases[k].v6 ? &ip6 : &ip4;
		f.n = 0;
		pmem(&f, cases[k].hdr, cases[k].hlen);
		pmem(&f, ip->b, ip->n);
		enum dis_status st = dis(cases[k].lt, &f, &d);
		if (st != DIS_OK)
			fprintf(stderr, "%s: %s\n", cases[k].what, d.problem);
		EQ_INT(DIS_OK, st);
		EQ_STR(cases[k].layer, fld(&d, cases[k].layer)->name);
		EQ_STR(cases[k].value, fld_in(&d, cases[k].layer, cases[k].field)->value);
		EQ_INT(cases[k].hlen + (cases[k].v6 ? 40 : 20), fld(&d, "Source port")->off);
		EQ_STR("UDP, length 3", summary(&d, NULL));
		dissection_free(&d);
		valid(cases[k].what, cases[k].lt, &f);
	}

	/* A cut link header says which header and how much it needs. */
	f.n = 0;
	pmem(&f, cases[0].hdr, 3);
	EQ_INT(DIS_TRUNCATED, dis(LINK_PPP, &f, &d));
	EQ_STR("truncated: PPP protocol field needs 2 bytes, 1 captured", d.problem);
	dissection_free(&d);
	f.n = 0;
	pmem(&f, cases[15].hdr, 10);
	EQ_INT(DIS_TRUNCATED, dis(LINK_IPNET, &f, &d));
	EQ_STR("truncated: IPNET header needs 24 bytes, 10 captured", d.problem);
	dissection_free(&d);

	/* 6LoWPAN IPHC: the link-local source from the extended MAC address,
	 * ff02::1 in one byte, next header and hop limit inline. */
	struct pkt u;
	udp(&u, 51000, 53, "hey");
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 0x41, 0xc8, 7, 0x34, 0x12, 0xff, 0xff, 0x0c, 0x0b, 0x0a, 0, 0x4b, 0, 0x12, 0 }, 15);
	pmem(&f, (const uint8_t[]){ 0x78, 0x3b, 17, 9, 0x01 }, 5);
	pmem(&f, u.b, u.n);
	p16(&f, 0xbeef);   /* the FCS */
	EQ_INT(DIS_OK, dis(LINK_IEEE802_15_4, &f, &d));
	EQ_STR("fe80::212:4b:a:b0c > ff02::1", fld(&d, "Internet Protocol version 6")->value);
	EQ_STR("9", fld_in(&d, "Internet Protocol version 6", "Hop limit")->value);
	EQ_INT(20, fld(&d, "Source port")->off);
	EQ_STR("UDP, length 3", summary(&d, NULL));
	dissection_free(&d);
	valid("6LoWPAN IPHC", LINK_IEEE802_15_4, &f);
	/* A context-based source is named, not rebuilt. */
	f.b[16] = 0x7b;   /* SAC=1 SAM=11 */
	EQ_INT(DIS_UNSUPPORTED, dis(LINK_IEEE802_15_4, &f, &d));
	EQ_STR("unsupported: 6LoWPAN: an address compressed against a context is not rebuilt", d.problem);
	dissection_free(&d);
	/* A cut IPHC header and the PHY and TAP headers before the frame. */
	f.b[16] = 0x3b;
	struct pkt g;
	g.n = 0;
	pmem(&g, (const uint8_t[]){ 0, 0, 0, 0, 0xa7, (uint8_t)f.n }, 6);   /* preamble, SFD, length */
	pmem(&g, f.b, f.n);
	EQ_INT(DIS_OK, dis(215, &g, &d));
	EQ_INT(6 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("802.15.4 non-ASK PHY", 215, &g);
	g.n = 0;
	pmem(&g, (const uint8_t[]){ 0, 0, 12, 0, 0, 0, 1, 0, 1, 0, 0, 0 }, 12);   /* TLV 0: a 16-bit FCS */
	pmem(&g, f.b, f.n);
	EQ_INT(DIS_OK, dis(283, &g, &d));
	EQ_STR("1", val(&d, "FCS type"));
	EQ_INT(12 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("802.15.4 TAP", 283, &g);
	f.n = 19;
	EQ_INT(DIS_TRUNCATED, dis(LINK_IEEE802_15_4_NOFCS, &f, &d));
	EQ_STR("truncated: 6LoWPAN IPHC header needs 5 bytes, 4 captured", d.problem);
	dissection_free(&d);

	/* Juniper: extensions cut by the capture, one running past their
	 * length, a header without the magic, a type whose cookie is not decoded. */
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 'M', 'G', 'C', 0x80, 0, 9, 1, 1 }, 8);
	EQ_INT(DIS_TRUNCATED, dis(LINK_JUNIPER_ETHER, &f, &d));
	EQ_STR("truncated: Juniper extensions needs 15 bytes, 8 captured", d.problem);
	dissection_free(&d);
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 'M', 'G', 'C', 0x80, 0, 3, 1, 2, 14 }, 9);
	EQ_INT(DIS_MALFORMED, dis(LINK_JUNIPER_ETHER, &f, &d));
	EQ_STR("malformed: Juniper extension 1 of 2 bytes runs past the extensions' end", d.problem);
	dissection_free(&d);
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 'M', 'G', 'X', 0x00, 0, 0 }, 6);
	EQ_INT(DIS_MALFORMED, dis(LINK_JUNIPER_ETHER, &f, &d));
	EQ_STR("malformed: Juniper header: magic 0x4d4758, not \"MGC\"", d.problem);
	dissection_free(&d);
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 'M', 'G', 'C', 0x00, 1, 2, 3, 4 }, 8);
	EQ_INT(DIS_UNSUPPORTED, dis(137, &f, &d));
	EQ_STR("Juniper ATM1", fld(&d, "Juniper ATM1")->name);
	dissection_free(&d);
}

static void test_encapsulations(void)
{
	struct pkt ip4, ip6, f;
	datagrams(&ip4, &ip6);
	struct dissection d;

	/* Two MPLS labels over Ethernet, the bottom one with TTL 63. */
	ether(&f, 0x8847);
	p32(&f, 100704u << 12 | 0u << 9 | 0 << 8 | 64);
	p32(&f, 16u << 12 | 5u << 9 | 1 << 8 | 63);
	pmem(&f, ip4.b, ip4.n);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Label stack entry", 14, 4, "label 100704, tc 0, ttl 64");
	EQ_FIELD(&d, "Label", 14, 3, "100704");
	EQ_STR("0", fld_in(&d, "MPLS label stack", "Traffic class")->value);
	EQ_STR("2 labels, bottom 16", fld(&d, "MPLS label stack")->value);
	EQ_INT(22 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("MPLS over Ethernet", LINK_ETHERNET, &f);

	/* Arista's timestamp header, 64-bit and 48-bit, before the frame's EtherType. */
	ether(&f, 0xd28b);
	pmem(&f, (const uint8_t[]){ 0, 1, 0, 0x10, 0x65, 0x53, 0xf1, 0x00, 0x07, 0x5b, 0xcd, 0x15, 0x08, 0x00 }, 14);
	pmem(&f, ip4.b, ip4.n);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("1700000000.123456789 s (64-bit TAI)", val(&d, "Timestamp"));
	EQ_INT(28 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("Arista 64-bit", LINK_ETHERNET, &f);
	ether(&f, 0xd28b);
	pmem(&f, (const uint8_t[]){ 0, 1, 0x01, 0x20, 0x10, 0x92, 0, 0, 0, 5, 0x86, 0xdd }, 12);
	pmem(&f, ip6.b, ip6.n);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("4242.000000005 s", fld(&d, "Arista timestamp")->value);
	EQ_INT(26 + 40, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("Arista 48-bit", LINK_ETHERNET, &f);

	/* The IPv6 explicit null label names IPv6 outright. */
	ether(&f, 0x8847);
	p32(&f, 2u << 12 | 1 << 8 | 1);
	pmem(&f, ip6.b, ip6.n);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("label 2, tc 0, [S], ttl 1", val(&d, "Label stack entry"));
	EQ_STR("2 (IPv6 explicit null)", val(&d, "Label"));
	EQ_STR("set", val(&d, "Bottom of stack"));
	EQ_STR("Internet Protocol version 6", fld(&d, "Internet Protocol version 6")->name);
	dissection_free(&d);
	valid("MPLS IPv6 explicit null", LINK_ETHERNET, &f);

	/* MPLS over PPP. */
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 0xff, 0x03, 0x02, 0x81 }, 4);
	p32(&f, 300u << 12 | 1 << 8 | 1);
	pmem(&f, ip4.b, ip4.n);
	EQ_INT(DIS_OK, dis(LINK_PPP, &f, &d));
	EQ_STR("0x0281 (MPLS unicast)", val(&d, "Protocol"));
	EQ_INT(8 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("MPLS over PPP", LINK_PPP, &f);

	/* A PPPoE session over Ethernet. */
	ether(&f, 0x8864);
	pmem(&f, (const uint8_t[]){ 0x11, 0x00, 0xbe, 0xef }, 4);
	p16(&f, 2 + ip6.n);
	p16(&f, 0x0057);
	pmem(&f, ip6.b, ip6.n);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("session data, session 0xbeef", fld(&d, "PPP over Ethernet")->value);
	EQ_INT(22 + 40, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("PPPoE session", LINK_ETHERNET, &f);

	/* MACsec, integrity only, with an SCI: the frame inside, then the ICV. */
	ether(&f, 0x88e5);
	p8(&f, 0x20);   /* TCI: SC */
	p8(&f, 0);      /* short length 0: the data runs to the ICV */
	p32(&f, 66);
	pmem(&f, (const uint8_t[]){ 0xca, 0xf9, 0xdf, 0x4f, 0x50, 0x9a, 0x00, 0x64 }, 8);
	p16(&f, 0x0800);
	pmem(&f, ip4.b, ip4.n);
	for (int i = 0; i < 16; i++)
		p8(&f, 0xa0 + (unsigned)i);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Packet number", 16, 4, "66");
	EQ_STR("ca:f9:df:4f:50:9a:00:64", val(&d, "SCI"));
	EQ_INT(30 + 20, fld(&d, "Source port")->off);
	EQ_INT((int)(f.n - 16), fld(&d, "MACsec ICV")->off);
	EQ_STR("UDP, length 3", summary(&d, NULL));
	dissection_free(&d);
	valid("MACsec", LINK_ETHERNET, &f);

	/* Encrypted MACsec: bytes only, and said so. */
	ether(&f, 0x88e5);
	p8(&f, 0x0c);   /* E and C */
	p8(&f, 0);
	p32(&f, 7);
	for (int i = 0; i < 40; i++)
		p8(&f, (unsigned)i);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("AN 0, PN 7, encrypted", fld(&d, "MACsec")->value);
	EQ_STR("(missing)", fld(&d, "Internet Protocol version 4")->name);
	dissection_free(&d);
	valid("MACsec encrypted", LINK_ETHERNET, &f);
}

/* UDP around raw bytes (pktbuild's udp() takes a C string). */
static void udp_raw(struct pkt *s, unsigned sport, unsigned dport, const struct pkt *payload)
{
	s->n = 0;
	p16(s, sport);
	p16(s, dport);
	p16(s, 8 + payload->n);
	p16(s, 0);   /* no checksum: allowed over IPv4 */
	pmem(s, payload->b, payload->n);
}

static const uint8_t OUT_A[4] = { 192, 0, 2, 1 }, OUT_B[4] = { 192, 0, 2, 2 };

/* ether + IPv4 192.0.2.1 > 192.0.2.2 around l4 of IP protocol proto. */
static void outer4(struct pkt *f, unsigned proto, const struct pkt *l4)
{
	ether(f, 0x0800);
	ipv4_from(f, proto, OUT_A, OUT_B, l4);
}

static void test_tunnels(void)
{
	struct pkt ip4, ip6, t, l4, f;
	datagrams(&ip4, &ip6);
	struct dissection d;

	/* IP in IP, and 6in4: the inner packet is what the list shows. */
	outer4(&f, 4, &ip4);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("192.0.2.1 > 192.0.2.2 IP in IP: UDP, length 3", summary(&d, NULL));
	EQ_STR("127.0.0.1", d.info.src);
	EQ_INT(51000, d.info.sport);
	EQ_INT(14 + 20 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("IP in IP", LINK_ETHERNET, &f);
	outer4(&f, 41, &ip6);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("192.0.2.1 > 192.0.2.2 IPv6 in IP: UDP, length 3", summary(&d, NULL));
	EQ_INT(6, d.info.ip_version);
	dissection_free(&d);
	valid("6in4", LINK_ETHERNET, &f);

	/* GRE with key and sequence number around IPv4. */
	t.n = 0;
	p16(&t, 0x3000);
	p16(&t, 0x0800);
	p32(&t, 0xabcd);
	p32(&t, 42);
	pmem(&t, ip4.b, ip4.n);
	outer4(&f, 47, &t);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Key", 38, 4, "0x0000abcd");
	EQ_FIELD(&d, "Sequence number", 42, 4, "42");
	EQ_STR("GREv0, proto IPv4, key", fld(&d, "Generic Routing Encapsulation")->value);
	EQ_STR("192.0.2.1 > 192.0.2.2 GREv0 key 0xabcd: UDP, length 3", summary(&d, NULL));
	dissection_free(&d);
	valid("GRE key seq", LINK_ETHERNET, &f);

	/* GRE transparent Ethernet bridging: an Ethernet frame inside. */
	t.n = 0;
	p16(&t, 0);
	p16(&t, 0x6558);
	struct pkt e;
	ether(&e, 0x86dd);
	pmem(&e, ip6.b, ip6.n);
	pmem(&t, e.b, e.n);
	outer4(&f, 47, &t);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("Ethernet II", fld_in(&d, "Generic Routing Encapsulation", "Ethernet II")->name);
	EQ_INT(14 + 20 + 4 + 14 + 40, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("GRE TEB", LINK_ETHERNET, &f);

	/* PPTP's enhanced GRE (version 1) around PPP around IPv4. */
	t.n = 0;
	p16(&t, 0x3001);   /* K, S, version 1 */
	p16(&t, 0x880b);
	p16(&t, (unsigned)(4 + ip4.n));
	p16(&t, 7);
	p32(&t, 1);
	pmem(&t, (const uint8_t[]){ 0xff, 0x03, 0x00, 0x21 }, 4);
	pmem(&t, ip4.b, ip4.n);
	outer4(&f, 47, &t);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Call ID", 40, 2, "7");
	EQ_STR("0x0021 (IPv4)", fld_in(&d, "Point-to-Point Protocol", "Protocol")->value);
	dissection_free(&d);
	valid("PPTP GRE", LINK_ETHERNET, &f);

	/* ERSPAN type II: GRE with S, an 8-byte header, the mirrored frame. */
	t.n = 0;
	p16(&t, 0x1000);
	p16(&t, 0x88be);
	p32(&t, 5);
	p16(&t, 1u << 12 | 100);
	p16(&t, 3u << 13 | 77);
	p32(&t, 9);
	ether(&e, 0x0800);
	pmem(&e, ip4.b, ip4.n);
	pmem(&t, e.b, e.n);
	outer4(&f, 47, &t);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("session 77, VLAN 100", fld(&d, "ERSPAN type II")->value);
	EQ_STR("192.0.2.1 > 192.0.2.2 GREv0 ERSPAN: UDP, length 3", summary(&d, NULL));
	dissection_free(&d);
	valid("ERSPAN II", LINK_ETHERNET, &f);

	/* VXLAN on UDP 4789: VNI 4660, an Ethernet frame with IPv4 inside. */
	t.n = 0;
	p32(&t, 0x08000000);
	p32(&t, 4660u << 8);
	ether(&e, 0x0800);
	pmem(&e, ip4.b, ip4.n);
	pmem(&t, e.b, e.n);
	udp_raw(&l4, 40000, 4789, &t);
	outer4(&f, 17, &l4);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "VNI", 46, 3, "4660");
	EQ_STR("192.0.2.1 > 192.0.2.2 VXLAN vni 4660: UDP, length 3", summary(&d, NULL));
	EQ_INT(53, d.info.dport);
	dissection_free(&d);
	valid("VXLAN", LINK_ETHERNET, &f);

	/* Geneve on UDP 6081 with one 8-byte option, IPv6 by its EtherType. */
	t.n = 0;
	p8(&t, 2);         /* version 0, options 2 words */
	p8(&t, 0x40);      /* C */
	p16(&t, 0x86dd);
	p32(&t, 10u << 8);
	p16(&t, 0x0101);   /* option class */
	p8(&t, 0x80);      /* type */
	p8(&t, 1);         /* one more word */
	p32(&t, 0xdeadbeef);
	pmem(&t, ip6.b, ip6.n);
	udp_raw(&l4, 40000, 6081, &t);
	outer4(&f, 17, &l4);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("class 0x0101, type 0x80, 8 bytes", val(&d, "Option"));
	EQ_STR("192.0.2.1 > 192.0.2.2 Geneve vni 10: UDP, length 3", summary(&d, NULL));
	dissection_free(&d);
	valid("Geneve", LINK_ETHERNET, &f);

	/* NSH over Ethernet: base and service path headers, IPv4 next. */
	ether(&f, 0x894f);
	p16(&f, 63u << 6 | 2);
	p8(&f, 1);
	p8(&f, 1);
	p32(&f, 300u << 8 | 254);
	pmem(&f, ip4.b, ip4.n);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("SPI 300, SI 254, next IPv4", fld(&d, "Network Service Header")->value);
	EQ_STR("NSH SPI 300 SI 254: UDP, length 3", summary(&d, NULL));
	dissection_free(&d);
	valid("NSH", LINK_ETHERNET, &f);

	/* GRE inside GRE inside ... : decoded to DIS_MAX_TUNNELS, then said. */
	struct pkt in = ip4, g;
	for (int k = 0; k < 12; k++) {
		g.n = 0;
		p16(&g, 0);
		p16(&g, 0x0800);
		pmem(&g, in.b, in.n);
		in.n = 0;
		ipv4_from(&in, 47, OUT_A, OUT_B, &g);
	}
	ether(&f, 0x0800);
	pmem(&f, in.b, in.n);
	EQ_INT(DIS_UNSUPPORTED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("unsupported: more than 8 tunnels inside each other are not decoded", d.problem);
	dissection_free(&d);
}

/* Wi-Fi data from the AP (From DS) to a station, with LLC/SNAP. */
static void wifi_data(struct pkt *f, bool qos, const struct pkt *ip, unsigned ethertype)
{
	static const uint8_t sta[6] = { 2, 0, 0, 0, 0, 1 }, ap[6] = { 2, 0, 0, 0, 0, 0xaa }, src[6] = { 2, 0, 0, 0, 0, 2 };
	p8(f, qos ? 0x88 : 0x08);
	p8(f, 0x02);
	p16(f, 0x2c00);   /* duration 44, little-endian */
	pmem(f, sta, 6);
	pmem(f, ap, 6);
	pmem(f, src, 6);
	p16(f, 0x1000);   /* sequence 1 */
	if (qos)
		p16(f, 0);
	pmem(f, (const uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0 }, 6);
	p16(f, ethertype);
	pmem(f, ip->b, ip->n);
}

static void test_capture_headers(void)
{
	struct pkt ip4, ip6, f;
	datagrams(&ip4, &ip6);
	struct dissection d;

	/* NFLOG: a prefix attribute, then the payload attribute (little-endian TLVs). */
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 2, 0, 0, 5, 8, 0, 10, 0, 'a', 'b', 'c', 0 }, 12);
	p8(&f, 4 + ip4.n);
	pmem(&f, (const uint8_t[]){ 0, 9, 0 }, 3);
	pmem(&f, ip4.b, ip4.n);
	EQ_INT(DIS_OK, dis(LINK_NFLOG, &f, &d));
	EQ_STR("abc", val(&d, "Prefix"));
	EQ_STR("group 5", fld(&d, "Linux netfilter log (NFLOG)")->value);
	EQ_INT(16 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("NFLOG", LINK_NFLOG, &f);

	/* pflog: a 61-byte header padded to 64, IPv6 as OpenBSD numbers it (24). */
	f.n = 0;
	p8(&f, 61);
	p8(&f, 24);
	p8(&f, 1);   /* block */
	p8(&f, 0);
	pmem(&f, "em0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	pmem(&f, (const uint8_t[16]){ 0 }, 16);
	p32(&f, 3);
	while (f.n < 64)
		p8(&f, 0);
	pmem(&f, ip6.b, ip6.n);
	EQ_INT(DIS_OK, dis(LINK_PFLOG, &f, &d));
	EQ_STR("1 (block)", val(&d, "Action"));
	EQ_STR("em0", val(&d, "Interface"));
	EQ_STR("rule 3, block", fld(&d, "pf log")->value);
	EQ_INT(64 + 40, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("pflog", LINK_PFLOG, &f);

	/* PKTAP: a 108-byte little-endian header, then an Ethernet frame. */
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 108, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 }, 12);
	pmem(&f, "en0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 24);
	while (f.n < 52)
		p8(&f, 0);
	pmem(&f, (const uint8_t[]){ 0x39, 0x30, 0, 0 }, 4);   /* pid 12345 */
	pmem(&f, "curl\0\0\0\0\0\0\0\0\0\0\0\0\0", 17);
	while (f.n < 108)
		p8(&f, 0);
	struct pkt e;
	ether(&e, 0x0800);
	pmem(&e, ip4.b, ip4.n);
	pmem(&f, e.b, e.n);
	EQ_INT(DIS_OK, dis(LINK_PKTAP, &f, &d));
	EQ_STR("en0, curl[12345]", fld(&d, "Apple PKTAP")->value);
	EQ_INT(108 + 14 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("PKTAP", LINK_PKTAP, &f);
	EQ_INT(DIS_OK, dis(LINK_USER2, &f, &d));   /* as macOS writes PKTAP */
	EQ_INT(108 + 14 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);

	/* 802.11 data from the AP, and QoS data over IPv6. */
	f.n = 0;
	wifi_data(&f, false, &ip4, 0x0800);
	EQ_INT(DIS_OK, dis(LINK_IEEE802_11, &f, &d));
	EQ_FIELD(&d, "BSSID", 10, 6, "02:00:00:00:00:aa");
	EQ_STR("44", val(&d, "Duration"));
	EQ_INT(32 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("802.11 data", LINK_IEEE802_11, &f);
	f.n = 0;
	wifi_data(&f, true, &ip6, 0x86dd);
	EQ_INT(DIS_OK, dis(LINK_IEEE802_11, &f, &d));
	EQ_STR("data, QoS data", val(&d, "Type/subtype"));
	EQ_INT(34 + 40, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("802.11 QoS data", LINK_IEEE802_11, &f);

	/* Radiotap with flags (FCS at the end), rate, channel and signal. */
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 0, 0, 15, 0, 0x2e, 0, 0, 0, 0x10, 12, 0x85, 0x09, 0xa0, 0x00, 0xd8 }, 15);
	wifi_data(&f, false, &ip4, 0x0800);
	p32(&f, 0x11223344);   /* the FCS */
	EQ_INT(DIS_OK, dis(LINK_RADIOTAP, &f, &d));
	EQ_STR("6 Mb/s", val(&d, "Rate"));
	EQ_STR("2437 MHz", val(&d, "Channel"));
	EQ_STR("-40 dBm", val(&d, "Antenna signal"));
	EQ_INT(15 + 32 + 20, fld(&d, "Source port")->off);
	EQ_STR("UDP, length 3", summary(&d, NULL));
	dissection_free(&d);
	valid("radiotap", LINK_RADIOTAP, &f);

	/* PPI naming 802.11. */
	f.n = 0;
	pmem(&f, (const uint8_t[]){ 0, 0, 8, 0, 105, 0, 0, 0 }, 8);
	wifi_data(&f, false, &ip4, 0x0800);
	EQ_INT(DIS_OK, dis(LINK_PPI, &f, &d));
	EQ_STR("link type 105", fld(&d, "Per-Packet Information")->value);
	EQ_INT(8 + 32 + 20, fld(&d, "Source port")->off);
	dissection_free(&d);
	valid("PPI", LINK_PPI, &f);
}

int main(void)
{
	test_capture_headers();
	test_link_headers();
	test_encapsulations();
	test_tunnels();
	return check_done("test_dissect_links");
}
