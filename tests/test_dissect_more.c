/*
 * test_dissect_more.c — the protocols an engineer meets past the basics
 * (NTP, DHCPv6, OSPF, BGP, SCTP, VRRP ...), on messages built byte by byte
 * here from the layouts in their RFCs; SIP, SNMP, QUIC and RTCP too.
 *
 * Each case checks field values and their offsets, the one-line summary
 * (tcpdump's words where it has them), every shorter capture of the frame
 * and random byte flips (pktbuild.h's valid()), and values the RFC rules
 * out (MALFORMED, said how).
 */
#include "dissect/dissect.h"

#include <stdio.h>
#include <string.h>

#include "pktbuild.h"

/* A UDP datagram of n bytes of binary data (udp() takes text). */
static void udp_bin(struct pkt *s, unsigned sport, unsigned dport, const struct pkt *data)
{
	s->n = 0;
	p16(s, sport);
	p16(s, dport);
	p16(s, 8 + data->n);
	p16(s, 0);   /* no checksum: allowed over IPv4 */
	pmem(s, data->b, data->n);
}

static void udp4_frame(struct pkt *f, unsigned sport, unsigned dport, const struct pkt *data)
{
	struct pkt u;
	udp_bin(&u, sport, dport, data);
	ether(f, 0x0800);
	ipv4(f, 17, &u);
}

static void udp6_frame(struct pkt *f, unsigned sport, unsigned dport, const struct pkt *data)
{
	struct pkt u;
	udp_bin(&u, sport, dport, data);
	ether(f, 0x86dd);
	ipv6(f, 17, &u);
}

/* Ethernet + IPv4 (or IPv6) + l4 of IP protocol proto. */
static void ip_frame(struct pkt *f, int v6, unsigned proto, const struct pkt *l4)
{
	ether(f, v6 ? 0x86dd : 0x0800);
	if (v6)
		ipv6(f, proto, l4);
	else
		ipv4(f, proto, l4);
}

enum { UDP4 = 14 + 20 + 8, UDP6 = 14 + 40 + 8 };   /* where a UDP payload starts */

/* EQ_FIELD on the first field `name` after the layer `layer`. */
#define EQ_IN(d_, layer_, name_, off_, len_, value_)                 \
	do {                                                         \
		const struct field *f_ = fld_in((d_), (layer_), (name_)); \
		EQ_INT((off_), f_->off);                             \
		EQ_INT((len_), f_->len);                             \
		EQ_STR((value_), f_->value);                         \
	} while (0)   /* where a UDP payload starts over IPv4 */

/* ------------------------------------------------------------------ NTP */

static void ntp_header(struct pkt *m, unsigned flags, unsigned stratum)
{
	m->n = 0;
	p8(m, flags);
	p8(m, stratum);
	p8(m, 6);             /* poll 2^6 = 64 s */
	p8(m, 0xe9);          /* precision -23 */
	p32(m, 0x00000123);   /* root delay */
	p32(m, 0x00010000);   /* root dispersion: 1 s */
	pmem(m, "GPS", 4);    /* reference ID (with its NUL) */
	p32(m, 0xed003782);   /* reference: 2026-01-01 00:00:02.5 */
	p32(m, 0x80000000);
	p32(m, 0);            /* origin: not set */
	p32(m, 0);
	p32(m, 0);
	p32(m, 0);
	p32(m, 0xed003782);   /* transmit */
	p32(m, 0x40000000);
}

static void test_ntp(void)
{
	struct pkt m, f;
	struct dissection d;

	/* A client request (version 4, mode 3). */
	ntp_header(&m, 0x23, 1);
	udp4_frame(&f, 40000, 123, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("NTPv4, Client, length 48", summary(&d, NULL));
	EQ_IN(&d, "Network Time Protocol", "Flags", UDP4, 1, "0x23");
	EQ_STR("0 (no warning)", val(&d, "Leap indicator"));
	EQ_STR("4", val(&d, "Version"));
	EQ_STR("3 (Client)", val(&d, "Mode"));
	EQ_FIELD(&d, "Stratum", UDP4 + 1, 1, "1");
	EQ_FIELD(&d, "Poll", UDP4 + 2, 1, "6 (64 s)");
	EQ_FIELD(&d, "Precision", UDP4 + 3, 1, "-23");
	EQ_FIELD(&d, "Root delay", UDP4 + 4, 4, "291 (0.004440 s)");
	EQ_FIELD(&d, "Root dispersion", UDP4 + 8, 4, "65536 (1.000000 s)");
	EQ_FIELD(&d, "Reference ID", UDP4 + 12, 4, "47505300 (\"GPS.\")");
	EQ_FIELD(&d, "Origin timestamp", UDP4 + 24, 8, "0 (not set)");
	EQ_FIELD(&d, "Transmit timestamp", UDP4 + 40, 8, "2026-01-01 00:00:02.250000 UTC");
	EQ_STR("2026-01-01 00:00:02.500000 UTC", val(&d, "Reference timestamp"));
	EQ_STR("NTP", d.info.proto);
	dissection_free(&d);
	valid("NTP client", LINK_ETHERNET, &f);

	/* A server's answer from port 123, stratum 2: the reference is an address;
	 * then an NTS-style extension field and a key ID + MAC. */
	ntp_header(&m, 0x24, 2);
	m.b[12] = 192, m.b[13] = 0, m.b[14] = 2, m.b[15] = 1;
	p16(&m, 0x0104);
	p16(&m, 16);
	for (int k = 0; k < 12; k++)
		p8(&m, (unsigned)k);
	p32(&m, 7);   /* key ID */
	for (int k = 0; k < 16; k++)
		p8(&m, 0xa0);
	udp4_frame(&f, 123, 40000, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("NTPv4, Server, length 84", summary(&d, NULL));
	EQ_STR("c0000201 (192.0.2.1)", val(&d, "Reference ID"));
	EQ_FIELD(&d, "Extension field", UDP4 + 48, 16, "type 0x0104, 16 bytes");
	EQ_FIELD(&d, "Field type", UDP4 + 48, 2, "0x0104");
	EQ_FIELD(&d, "Key ID", UDP4 + 64, 4, "7");
	EQ_INT(UDP4 + 68, fld(&d, "MAC")->off);
	EQ_INT(16, fld(&d, "MAC")->len);
	dissection_free(&d);
	valid("NTP server with extension and MAC", LINK_ETHERNET, &f);

	/* A control message (mode 6, RFC 9327): read variables, with data. */
	m.n = 0;
	p8(&m, 0x16);                    /* version 2, mode 6 */
	p8(&m, 0x82);                    /* response, read variables */
	p16(&m, 3);
	p16(&m, 0x0615);
	p16(&m, 0);
	p16(&m, 0);
	p16(&m, 8);
	pmem(&m, "stratum=2", 8);
	udp4_frame(&f, 123, 40000, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("NTPv2, Control Message, length 20", summary(&d, NULL));
	EQ_FIELD(&d, "Control flags", UDP4 + 1, 1, "0x82");
	EQ_STR("set", val(&d, "Response"));
	EQ_STR("2 (read variables)", val(&d, "Opcode"));
	EQ_FIELD(&d, "Sequence", UDP4 + 2, 2, "3");
	EQ_FIELD(&d, "Count", UDP4 + 10, 2, "8");
	EQ_FIELD(&d, "Data", UDP4 + 12, 8, "\"stratum=\"");
	dissection_free(&d);
	valid("NTP control", LINK_ETHERNET, &f);

	/* Malformed: a header cut short by the sender, an extension field of
	 * length 6, a control count past the data. */
	ntp_header(&m, 0x23, 1);
	m.n = 40;
	udp4_frame(&f, 40000, 123, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: NTP message of 40 bytes is shorter than the 48-byte header", d.problem);
	dissection_free(&d);
	ntp_header(&m, 0x23, 1);
	p16(&m, 0x0104);
	p16(&m, 6);
	p32(&m, 0);
	p32(&m, 0);
	udp4_frame(&f, 40000, 123, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: NTP extension field length 6 does not fit the 12 bytes left", d.problem);
	dissection_free(&d);
	m.n = 0;
	p8(&m, 0x16);
	p8(&m, 0x02);
	for (int k = 0; k < 4; k++)
		p16(&m, 0);
	p16(&m, 100);
	udp4_frame(&f, 40000, 123, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: NTP control message count 100 exceeds the 0 data bytes", d.problem);
	dissection_free(&d);

	/* Not on port 123: not NTP. */
	ntp_header(&m, 0x23, 1);
	udp4_frame(&f, 40000, 40001, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("UDP, length 48", summary(&d, NULL));
	dissection_free(&d);
}

/* --------------------------------------------------------------- DHCPv6 */

static void opt6(struct pkt *m, unsigned code, const struct pkt *body)
{
	p16(m, code);
	p16(m, body->n);
	pmem(m, body->b, body->n);
}

/* A solicit: client ID (DUID-LL), option request, elapsed time, IA_NA
 * holding one address. */
static void dhcp6_solicit(struct pkt *m)
{
	struct pkt o, ia, addr;
	m->n = 0;
	p8(m, 1);
	p8(m, 0x12), p8(m, 0x34), p8(m, 0x56);
	o.n = 0;
	p16(&o, 3), p16(&o, 1), pmem(&o, MAC_A, 6);
	opt6(m, 1, &o);
	o.n = 0;
	p16(&o, 23), p16(&o, 24);
	opt6(m, 6, &o);
	o.n = 0;
	p16(&o, 150);
	opt6(m, 8, &o);
	addr.n = 0;
	pmem(&addr, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x42 }, 16);
	p32(&addr, 3600), p32(&addr, 0xffffffffu);
	ia.n = 0;
	p32(&ia, 0x02030405), p32(&ia, 1800), p32(&ia, 2880);
	opt6(&ia, 5, &addr);
	opt6(m, 3, &ia);
}

static void test_dhcp6(void)
{
	struct pkt m, f, o, in;
	struct dissection d;

	dhcp6_solicit(&m);
	udp6_frame(&f, 546, 547, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("DHCPv6 solicit, xid 0x123456", summary(&d, NULL));
	EQ_FIELD(&d, "Message type", UDP6, 1, "1 (solicit: a client looks for servers)");
	EQ_FIELD(&d, "Transaction ID", UDP6 + 1, 3, "0x123456");
	EQ_FIELD(&d, "Client identifier", UDP6 + 4, 14, "10 bytes");
	EQ_FIELD(&d, "DUID type", UDP6 + 8, 2, "3 (link-layer address)");
	EQ_FIELD(&d, "Link-layer address", UDP6 + 12, 6, "00:11:22:33:44:55");
	EQ_FIELD(&d, "Requested option", UDP6 + 22, 2, "23 (DNS recursive name servers)");
	EQ_FIELD(&d, "Elapsed time value", UDP6 + 30, 2, "150 (1.50 s)");
	EQ_FIELD(&d, "IAID", UDP6 + 36, 4, "02030405 (33752069)");
	EQ_FIELD(&d, "T2", UDP6 + 44, 4, "2880 s");
	EQ_FIELD(&d, "Address", UDP6 + 52, 16, "2001:db8::42");
	EQ_STR("4294967295 (infinity)", val(&d, "Valid lifetime"));
	EQ_INT(3, fld(&d, "Address")->depth - fld(&d, "IAID")->depth + 2);
	dissection_free(&d);
	valid("DHCPv6 solicit", LINK_ETHERNET, &f);

	/* A relay passes the solicit on: the message is decoded inside. */
	dhcp6_solicit(&in);
	m.n = 0;
	p8(&m, 12);
	p8(&m, 0);
	pmem(&m, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 16);
	pmem(&m, (const uint8_t[]){ 0xfe, 0x80, [15] = 2 }, 16);
	opt6(&m, 9, &in);
	udp6_frame(&f, 547, 547, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("DHCPv6 relay-fwd", summary(&d, NULL));
	EQ_FIELD(&d, "Link address", UDP6 + 2, 16, "2001:db8::1");
	EQ_FIELD(&d, "Peer address", UDP6 + 18, 16, "fe80::2");
	EQ_FIELD(&d, "Relay message", UDP6 + 34, 4 + in.n, "76 bytes");
	EQ_STR("1 (solicit: a client looks for servers)", fld_in(&d, "Relay message", "Message type")->value);
	EQ_INT(UDP6 + 38 + 1, fld_in(&d, "Relay message", "Transaction ID")->off);
	dissection_free(&d);
	valid("DHCPv6 relay-fwd", LINK_ETHERNET, &f);

	/* A reply with a status code. */
	m.n = 0;
	p8(&m, 7);
	p8(&m, 0x12), p8(&m, 0x34), p8(&m, 0x56);
	o.n = 0;
	p16(&o, 2);
	pmem(&o, "no room", 7);
	opt6(&m, 13, &o);
	udp6_frame(&f, 547, 546, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("DHCPv6 reply, xid 0x123456", summary(&d, NULL));
	EQ_FIELD(&d, "Status", UDP6 + 8, 2, "2 (NoAddrsAvail)");
	EQ_FIELD(&d, "Message", UDP6 + 10, 7, "\"no room\"");
	dissection_free(&d);
	valid("DHCPv6 reply", LINK_ETHERNET, &f);

	/* Malformed: an option past the message; an IA address option past its IA. */
	m.n = 0;
	p8(&m, 1), p8(&m, 0), p16(&m, 1);
	p16(&m, 1), p16(&m, 40), p32(&m, 0);
	udp6_frame(&f, 546, 547, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: DHCPv6 option 1 length 40 runs past the 4 bytes that hold it", d.problem);
	dissection_free(&d);
	dhcp6_solicit(&m);
	pset16(&m, 50, 30);   /* the IA address claims 30 bytes in an IA that leaves 24 */
	udp6_frame(&f, 546, 547, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: DHCPv6 option 5 length 30 runs past the 24 bytes that hold it", d.problem);
	dissection_free(&d);
	m.n = 0;
	p8(&m, 1), p8(&m, 0);
	udp6_frame(&f, 546, 547, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: DHCPv6 message of 2 bytes is shorter than its 4-byte header", d.problem);
	dissection_free(&d);
}

/* ----------------------------------------------------------------- OSPF */

/* OSPFv2 header + body, its checksum set (the 8 authentication bytes left out). */
static void ospf2(struct pkt *m, unsigned type, const struct pkt *body)
{
	m->n = 0;
	p8(m, 2), p8(m, type), p16(m, 24 + body->n);
	p32(m, 0x0a000001), p32(m, 0);
	p16(m, 0), p16(m, 0);
	p32(m, 0), p32(m, 0);
	pmem(m, body->b, body->n);
	pset16(m, 12, fold(sum16(m->b, 16) + sum16(m->b + 24, m->n - 24)));
}

static void test_ospf(void)
{
	struct pkt b, m, f;
	struct dissection d;
	enum { IP4 = 14 + 20, IP6 = 14 + 40 };

	/* A v2 Hello with one neighbor. */
	b.n = 0;
	p32(&b, 0xffffff00), p16(&b, 10), p8(&b, 0x02), p8(&b, 1), p32(&b, 40);
	p32(&b, 0x0a000001), p32(&b, 0), p32(&b, 0x0a000002);
	ospf2(&m, 1, &b);
	ip_frame(&f, 0, 89, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("OSPFv2, Hello, length 48", summary(&d, NULL));
	EQ_STR("OSPF", d.info.proto);
	EQ_FIELD(&d, "Packet length", IP4 + 2, 2, "48");
	EQ_FIELD(&d, "Source router", IP4 + 4, 4, "10.0.0.1");
	EQ_FIELD(&d, "Authentication type", IP4 + 14, 2, "0 (none)");
	EQ_STR("(correct)", strstr(fld_in(&d, "Open Shortest Path First", "Checksum")->value, "(correct)"));
	EQ_FIELD(&d, "Network mask", IP4 + 24, 4, "255.255.255.0");
	EQ_FIELD(&d, "Hello interval", IP4 + 28, 2, "10 s");
	EQ_FIELD(&d, "Router dead interval", IP4 + 32, 4, "40 s");
	EQ_FIELD(&d, "Designated router", IP4 + 36, 4, "10.0.0.1");
	EQ_FIELD(&d, "Active neighbor", IP4 + 44, 4, "10.0.0.2");
	dissection_free(&d);
	valid("OSPFv2 Hello", LINK_ETHERNET, &f);

	/* A v2 LS Update with one opaque LSA and one router LSA. */
	b.n = 0;
	p32(&b, 2);
	p16(&b, 1), p8(&b, 0x22), p8(&b, 10), p32(&b, 0x04000000), p32(&b, 0x0a000001), p32(&b, 0x80000001);
	p16(&b, 0x1234), p16(&b, 24), p32(&b, 0xdeadbeef);
	p16(&b, 3), p8(&b, 0x22), p8(&b, 1), p32(&b, 0x0a000001), p32(&b, 0x0a000001), p32(&b, 0x80000002);
	p16(&b, 0x4321), p16(&b, 20);
	ospf2(&m, 4, &b);
	ip_frame(&f, 0, 89, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("OSPFv2, LS-Update, length 72", summary(&d, NULL));
	EQ_FIELD(&d, "Number of LSAs", IP4 + 24, 4, "2");
	EQ_FIELD(&d, "LSA header", IP4 + 28, 20, "Opaque (area-local), id 4.0.0.0, from 10.0.0.1");
	EQ_FIELD(&d, "Opaque type", IP4 + 32, 1, "4");
	EQ_FIELD(&d, "LSA body", IP4 + 48, 4, "4 bytes: de ad be ef");
	EQ_FIELD(&d, "Link state ID", IP4 + 56, 4, "10.0.0.1");
	EQ_STR("0x80000002", fld_in(&d, "Link state ID", "Sequence number")->value);
	dissection_free(&d);
	valid("OSPFv2 LS Update", LINK_ETHERNET, &f);

	/* A v3 Hello over IPv6, its checksum over the pseudo-header. */
	m.n = 0;
	p8(&m, 3), p8(&m, 1), p16(&m, 40), p32(&m, 0x01010101), p32(&m, 0), p16(&m, 0), p8(&m, 0), p8(&m, 0);
	p32(&m, 5), p8(&m, 1), p8(&m, 0), p16(&m, 0x13), p16(&m, 10), p16(&m, 40);
	p32(&m, 0x01010101), p32(&m, 0), p32(&m, 0x02020202);
	pset16(&m, 12, fold(sum16(LO6, 16) * 2 + m.n + 89 + sum16(m.b, m.n)));
	ip_frame(&f, 1, 89, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("OSPFv3, Hello, length 40", summary(&d, NULL));
	EQ_FIELD(&d, "Instance ID", IP6 + 14, 1, "0");
	EQ_STR("(correct)", strstr(fld_in(&d, "Open Shortest Path First", "Checksum")->value, "(correct)"));
	EQ_FIELD(&d, "Interface ID", IP6 + 16, 4, "5");
	EQ_FIELD(&d, "Options", IP6 + 21, 3, "0x000013");
	EQ_FIELD(&d, "Router dead interval", IP6 + 26, 2, "40 s");
	EQ_FIELD(&d, "Active neighbor", IP6 + 36, 4, "2.2.2.2");
	dissection_free(&d);
	valid("OSPFv3 Hello", LINK_ETHERNET, &f);

	/* A v3 Database Description with one LSA header. */
	m.n = 0;
	p8(&m, 3), p8(&m, 2), p16(&m, 48), p32(&m, 0x01010101), p32(&m, 0), p16(&m, 0), p8(&m, 0), p8(&m, 0);
	p8(&m, 0), p8(&m, 0), p16(&m, 0x13), p16(&m, 1500), p8(&m, 0), p8(&m, 7), p32(&m, 4242);
	p16(&m, 1), p16(&m, 0x2001), p32(&m, 0), p32(&m, 0x01010101), p32(&m, 0x80000001), p16(&m, 0x1111), p16(&m, 40);
	pset16(&m, 12, fold(sum16(LO6, 16) * 2 + m.n + 89 + sum16(m.b, m.n)));
	ip_frame(&f, 1, 89, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("OSPFv3, Database Description, length 48", summary(&d, NULL));
	EQ_FIELD(&d, "Interface MTU", IP6 + 20, 2, "1500");
	EQ_FIELD(&d, "Flags", IP6 + 23, 1, "0x07");
	EQ_STR("set", val(&d, "Init"));
	EQ_FIELD(&d, "DD sequence number", IP6 + 24, 4, "4242");
	EQ_FIELD(&d, "LS type", IP6 + 30, 2, "0x2001 (Router)");
	dissection_free(&d);
	valid("OSPFv3 Database Description", LINK_ETHERNET, &f);

	/* Malformed: version 4, a length past the IP payload, an LSA of length 8, a short Hello. */
	b.n = 0;
	ospf2(&m, 5, &b);
	m.b[0] = 4;
	ip_frame(&f, 0, 89, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: OSPF version 4 is neither 2 nor 3", d.problem);
	dissection_free(&d);
	ospf2(&m, 5, &b);
	pset16(&m, 2, 200);
	ip_frame(&f, 0, 89, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: OSPF packet length 200 is outside [24, 24], the header and the IP payload", d.problem);
	dissection_free(&d);
	b.n = 0;
	p32(&b, 1);
	p16(&b, 1), p8(&b, 0), p8(&b, 1), p32(&b, 1), p32(&b, 1), p32(&b, 1), p16(&b, 0), p16(&b, 8);
	ospf2(&m, 4, &b);
	ip_frame(&f, 0, 89, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: OSPF LSA length 8 does not fit (20 bytes are left, 20 at least)", d.problem);
	dissection_free(&d);
	b.n = 0;
	p32(&b, 0xffffff00);
	ospf2(&m, 1, &b);
	ip_frame(&f, 0, 89, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: OSPF Hello of 4 bytes is shorter than its 20-byte fixed part", d.problem);
	dissection_free(&d);
}

/* ------------------------------------------------------------------ BGP */

static void tcp4_frame(struct pkt *f, unsigned sport, unsigned dport, const struct pkt *data)
{
	struct pkt t;
	tcp(&t, sport, dport, 1000, 2000, PSH | ACK, 512, NULL, 0, NULL);
	pmem(&t, data->b, data->n);
	ether(f, 0x0800);
	ipv4(f, 6, &t);
}

static void bgp_hdr(struct pkt *m, unsigned len, unsigned type)
{
	for (int k = 0; k < 16; k++)
		p8(m, 0xff);
	p16(m, len);
	p8(m, type);
}

static void test_bgp(void)
{
	struct pkt m, f;
	struct dissection d;
	enum { TCP4 = 14 + 20 + 20 };

	/* An OPEN with the 4-octet AS capability, then a KEEPALIVE, in one segment. */
	m.n = 0;
	bgp_hdr(&m, 19 + 10 + 8, 1);
	p8(&m, 4), p16(&m, 65001), p16(&m, 180), p32(&m, 0xc0000201), p8(&m, 8);
	p8(&m, 2), p8(&m, 6), p8(&m, 65), p8(&m, 4), p32(&m, 4200000000u);
	bgp_hdr(&m, 19, 4);
	tcp4_frame(&f, 40000, 179, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("Flags [P.], seq 1000:1056, ack 2000, win 512, length 56: BGP: Open, AS 65001, hold 180, id 192.0.2.1 "
	       "(+1 more message)", summary(&d, NULL));
	EQ_FIELD(&d, "Message", TCP4, 37, "Open, length 37");
	EQ_FIELD(&d, "Marker", TCP4, 16, "16 bytes: ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff");
	EQ_FIELD(&d, "My AS", TCP4 + 20, 2, "65001");
	EQ_FIELD(&d, "Hold time", TCP4 + 22, 2, "180");
	EQ_FIELD(&d, "BGP identifier", TCP4 + 24, 4, "192.0.2.1");
	EQ_FIELD(&d, "Capability", TCP4 + 31, 6, "65 (4-octet AS number)");
	EQ_FIELD(&d, "AS number", TCP4 + 33, 4, "4200000000");
	EQ_IN(&d, "Capability", "Type", TCP4 + 37 + 18, 1, "4 (Keepalive: the session is alive (every third of the hold time))");
	EQ_STR("BGP", d.info.proto);
	dissection_free(&d);
	valid("BGP OPEN + KEEPALIVE", LINK_ETHERNET, &f);

	/* An UPDATE: one withdrawn prefix, ORIGIN, AS_PATH (4-byte ASes), NEXT_HOP, two prefixes. */
	m.n = 0;
	bgp_hdr(&m, 56, 2);
	p16(&m, 2), p8(&m, 8), p8(&m, 10);
	p16(&m, 24);
	p8(&m, 0x40), p8(&m, 1), p8(&m, 1), p8(&m, 0);
	p8(&m, 0x40), p8(&m, 2), p8(&m, 10), p8(&m, 2), p8(&m, 2), p32(&m, 65001), p32(&m, 65002);
	p8(&m, 0x40), p8(&m, 3), p8(&m, 4), p32(&m, 0xc0000201);
	p8(&m, 24), p8(&m, 198), p8(&m, 51), p8(&m, 100);
	p8(&m, 16), p8(&m, 172), p8(&m, 16);
	tcp4_frame(&f, 179, 40000, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("BGP: Update, 2 announced, 1 withdrawn", strstr(summary(&d, NULL), "BGP: "));
	EQ_FIELD(&d, "Withdrawn prefix", TCP4 + 21, 2, "10.0.0.0/8");
	EQ_FIELD(&d, "Origin", TCP4 + 28, 1, "0 (IGP)");
	EQ_FIELD(&d, "AS path segment", TCP4 + 32, 10, "65001 65002");
	EQ_FIELD(&d, "Next hop", TCP4 + 45, 4, "192.0.2.1");
	EQ_FIELD(&d, "Prefix", TCP4 + 49, 4, "198.51.100.0/24");
	EQ_STR("set", fld_in(&d, "Path attribute", "Transitive")->value);
	dissection_free(&d);
	valid("BGP UPDATE", LINK_ETHERNET, &f);

	/* A NOTIFICATION (Cease, administrative shutdown), found by content on another port. */
	m.n = 0;
	bgp_hdr(&m, 21, 3);
	p8(&m, 6), p8(&m, 2);
	tcp4_frame(&f, 40000, 40001, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("BGP: Notification, Cease (6), subcode 2", strstr(summary(&d, NULL), "BGP: "));
	EQ_FIELD(&d, "Error code", TCP4 + 19, 1, "6 (Cease)");
	dissection_free(&d);
	valid("BGP NOTIFICATION", LINK_ETHERNET, &f);

	/* A message that goes on in the next segment is not an error; the
	 * next segment's start is a continuation. */
	m.n = 0;
	bgp_hdr(&m, 100, 2);
	p16(&m, 0);
	tcp4_frame(&f, 40000, 179, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("BGP: Update (continues)", strstr(summary(&d, NULL), "BGP: "));
	dissection_free(&d);
	m.n = 0;
	p32(&m, 0x01020304);
	tcp4_frame(&f, 40000, 179, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("BGP: continuation, 4 bytes", strstr(summary(&d, NULL), "BGP: "));
	dissection_free(&d);

	/* Malformed: a length under 19, a KEEPALIVE with a body, an attribute past the attributes. */
	m.n = 0;
	bgp_hdr(&m, 18, 4);
	tcp4_frame(&f, 40000, 179, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: BGP message length 18 is less than the 19-byte header", d.problem);
	dissection_free(&d);
	m.n = 0;
	bgp_hdr(&m, 20, 4);
	p8(&m, 0);
	tcp4_frame(&f, 40000, 179, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: BGP KEEPALIVE of length 20: it is the 19-byte header alone", d.problem);
	dissection_free(&d);
	m.n = 0;
	bgp_hdr(&m, 19 + 4 + 4, 2);
	p16(&m, 0), p16(&m, 4), p8(&m, 0x40), p8(&m, 1), p8(&m, 9), p8(&m, 0);
	tcp4_frame(&f, 40000, 179, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: BGP path attribute 1 length 9 runs past the attributes", d.problem);
	dissection_free(&d);
}

/* ----------------------------------------------------------------- SCTP */

/* CRC32c as RFC 9260 appendix A, written down again here so the test does
 * not trust the decoder's own. */
static uint32_t crc32c(const uint8_t *b, uint32_t n)
{
	uint32_t c = 0xffffffffu;
	for (uint32_t i = 0; i < n; i++) {
		c ^= b[i];
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return ~c;
}

static void sctp_pkt(struct pkt *m, uint32_t vtag, const struct pkt *chunks)
{
	m->n = 0;
	p16(m, 5000), p16(m, 6000), p32(m, vtag), p32(m, 0);
	pmem(m, chunks->b, chunks->n);
	uint32_t c = crc32c(m->b, m->n);
	m->b[8] = (uint8_t)c, m->b[9] = (uint8_t)(c >> 8), m->b[10] = (uint8_t)(c >> 16), m->b[11] = (uint8_t)(c >> 24);
}

static void test_sctp(void)
{
	struct pkt ch, m, f;
	struct dissection d;
	enum { IP4 = 14 + 20 };

	/* INIT with one parameter. */
	ch.n = 0;
	p8(&ch, 1), p8(&ch, 0), p16(&ch, 24);
	p32(&ch, 0x11223344), p32(&ch, 106496), p16(&ch, 10), p16(&ch, 65535), p32(&ch, 1000);
	p16(&ch, 0x8000), p16(&ch, 4);
	sctp_pkt(&m, 0, &ch);
	ip_frame(&f, 0, 132, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("sctp (1) [INIT] [init tag: 287454020] [rwnd: 106496] [OS: 10] [MIS: 65535] [init TSN: 1000]",
	       summary(&d, NULL));
	EQ_STR("SCTP", d.info.proto);
	EQ_INT(5000, d.info.sport);
	EQ_STR("(correct)", strstr(fld_in(&d, "Stream Control Transmission Protocol", "Checksum")->value, "(correct)"));
	EQ_FIELD(&d, "Chunk", IP4 + 12, 24, "INIT, 24 bytes");
	EQ_FIELD(&d, "Initiate tag", IP4 + 16, 4, "287454020");
	EQ_FIELD(&d, "Outbound streams", IP4 + 24, 2, "10");
	EQ_FIELD(&d, "Parameters", IP4 + 32, 4, "4 bytes: 80 00 00 04");
	dissection_free(&d);
	valid("SCTP INIT", LINK_ETHERNET, &f);

	/* DATA (5 bytes, padded) then SACK with a gap block, over IPv6. */
	ch.n = 0;
	p8(&ch, 0), p8(&ch, 3), p16(&ch, 21);
	p32(&ch, 1000), p16(&ch, 1), p16(&ch, 7), p32(&ch, 46);
	pmem(&ch, "hello\0\0\0", 8);
	p8(&ch, 3), p8(&ch, 0), p16(&ch, 20);
	p32(&ch, 1000), p32(&ch, 106000), p16(&ch, 1), p16(&ch, 0), p16(&ch, 2), p16(&ch, 3);
	sctp_pkt(&m, 0x55667788, &ch);
	ip_frame(&f, 1, 132, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("sctp (1) [DATA] (B)(E) [TSN: 1000] [SID: 1] [SSEQ 7] [PPID 0x2e] , (2) [SACK] [cum ack 1000] "
	       "[a_rwnd 106000] [#gap acks 1] [#dup tsns 0]", summary(&d, NULL));
	EQ_FIELD(&d, "Verification tag", 14 + 40 + 4, 4, "0x55667788");
	EQ_STR("set", val(&d, "Beginning"));
	EQ_FIELD(&d, "User data", 14 + 40 + 28, 5, "5 bytes: 68 65 6c 6c 6f");
	EQ_FIELD(&d, "Gap ack block", 14 + 40 + 12 + 24 + 16, 4, "2-3");
	dissection_free(&d);
	valid("SCTP DATA + SACK", LINK_ETHERNET, &f);

	/* A wrong checksum is said so, and is no malformation. */
	ch.n = 0;
	p8(&ch, 11), p8(&ch, 0), p16(&ch, 4);
	sctp_pkt(&m, 1, &ch);
	m.b[8] ^= 1;
	ip_frame(&f, 0, 132, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("sctp (1) [COOKIE ACK]", summary(&d, NULL));
	CHECK(strstr(fld_in(&d, "Stream Control Transmission Protocol", "Checksum")->value, "(incorrect, should be") != NULL);
	dissection_free(&d);

	/* Malformed: a chunk length of 2, one past the packet, a SACK too short for its gap blocks. */
	ch.n = 0;
	p8(&ch, 11), p8(&ch, 0), p16(&ch, 2);
	sctp_pkt(&m, 1, &ch);
	ip_frame(&f, 0, 132, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: SCTP chunk length 2 is outside [4, 4], the bytes left", d.problem);
	dissection_free(&d);
	ch.n = 0;
	p8(&ch, 10), p8(&ch, 0), p16(&ch, 40), p32(&ch, 0);
	sctp_pkt(&m, 1, &ch);
	ip_frame(&f, 0, 132, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: SCTP chunk length 40 is outside [4, 8], the bytes left", d.problem);
	dissection_free(&d);
	ch.n = 0;
	p8(&ch, 3), p8(&ch, 0), p16(&ch, 16);
	p32(&ch, 1), p32(&ch, 1), p16(&ch, 3), p16(&ch, 0);
	sctp_pkt(&m, 1, &ch);
	ip_frame(&f, 0, 132, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: SCTP SACK chunk length 16 does not hold its 3 gap blocks and 0 duplicates", d.problem);
	dissection_free(&d);
}

/* ----------------------------------------------------------------- VRRP */

static void test_vrrp(void)
{
	struct pkt m, f;
	struct dissection d;
	enum { IP4 = 14 + 20 };

	/* Version 2, one address, a simple password; sent with TTL 64, not 255. */
	m.n = 0;
	p8(&m, 0x21), p8(&m, 42), p8(&m, 191), p8(&m, 1), p8(&m, 1), p8(&m, 10), p16(&m, 0);
	p32(&m, 0xc0000201);
	pmem(&m, "pass\0\0\0\0", 8);
	pset16(&m, 6, fold(sum16(m.b, m.n)));
	ip_frame(&f, 0, 112, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("VRRPv2, Advertisement, (ttl 64), vrid 42, prio 191, authtype simple, intvl 10s, length 20",
	       summary(&d, NULL));
	EQ_STR("VRRP", d.info.proto);
	EQ_FIELD(&d, "Virtual router ID", IP4 + 1, 1, "42");
	EQ_FIELD(&d, "Advertisement interval", IP4 + 5, 1, "10 s");
	EQ_STR("(correct)", strstr(fld_in(&d, "Virtual Router Redundancy Protocol", "Checksum")->value, "(correct)"));
	EQ_FIELD(&d, "Virtual address", IP4 + 8, 4, "192.0.2.1");
	EQ_FIELD(&d, "Authentication data", IP4 + 12, 8, "\"pass\"");
	dissection_free(&d);
	valid("VRRPv2", LINK_ETHERNET, &f);

	/* Version 3 over IPv6: two addresses, the checksum over the pseudo-header. */
	m.n = 0;
	p8(&m, 0x31), p8(&m, 44), p8(&m, 100), p8(&m, 2), p16(&m, 100), p16(&m, 0);
	pmem(&m, (const uint8_t[]){ 0xfe, 0x80, [15] = 1 }, 16);
	pmem(&m, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 16);
	pset16(&m, 6, fold(sum16(LO6, 16) * 2 + m.n + 112 + sum16(m.b, m.n)));
	ip_frame(&f, 1, 112, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("VRRPv3, Advertisement, (ttl 64), vrid 44, prio 100, intvl 100cs, length 40", summary(&d, NULL));
	EQ_FIELD(&d, "Maximum advertisement interval", 14 + 40 + 4, 2, "100 cs");
	EQ_STR("(correct)", strstr(fld_in(&d, "Virtual Router Redundancy Protocol", "Checksum")->value, "(correct)"));
	EQ_FIELD(&d, "Virtual address", 14 + 40 + 8, 16, "fe80::1");
	dissection_free(&d);
	valid("VRRPv3 IPv6", LINK_ETHERNET, &f);

	/* Malformed: version 5; more addresses than the message holds. */
	m.n = 0;
	p8(&m, 0x51), p8(&m, 1), p8(&m, 1), p8(&m, 0), p32(&m, 0);
	ip_frame(&f, 0, 112, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: VRRP version 5 is neither 2 nor 3", d.problem);
	dissection_free(&d);
	m.n = 0;
	p8(&m, 0x31), p8(&m, 1), p8(&m, 1), p8(&m, 3), p32(&m, 0), p32(&m, 0);
	ip_frame(&f, 0, 112, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: VRRP message of 12 bytes has no room for its 3 addresses (20 bytes needed)", d.problem);
	dissection_free(&d);
}

/* ------------------------------------------------------------------ SIP */

static void test_sip(void)
{
	struct pkt u, f;
	struct dissection d;
	static const char invite[] = "INVITE sip:bob@example.com SIP/2.0\r\n"
	                             "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776\r\n"
	                             "Call-ID: a84b@pc33\r\n"
	                             "CSeq: 1 INVITE\r\n"
	                             "l: 5\r\n"
	                             "\r\n"
	                             "v=0\r\n";

	udp(&u, 5060, 5060, invite);
	ether(&f, 0x0800);
	ipv4(&f, 17, &u);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("SIP: INVITE sip:bob@example.com SIP/2.0", summary(&d, NULL));
	EQ_FIELD(&d, "Request line", UDP4, 36, "INVITE sip:bob@example.com SIP/2.0");
	EQ_FIELD(&d, "Method", UDP4, 6, "INVITE");
	EQ_FIELD(&d, "Request-URI", UDP4 + 7, 19, "sip:bob@example.com");
	EQ_IN(&d, "Request line", "Version", UDP4 + 27, 7, "SIP/2.0");
	EQ_FIELD(&d, "Call-ID", UDP4 + 36 + 51, 20, "a84b@pc33");
	EQ_STR("5", val(&d, "Content-Length"));   /* the compact form "l" */
	EQ_STR("v=0", val(&d, "Body line"));
	dissection_free(&d);
	valid("SIP INVITE", LINK_ETHERNET, &f);

	/* A response, recognised by content on other ports, over TCP. */
	struct pkt t;
	tcp(&t, 40000, 40001, 1, 1, PSH | ACK, 500, NULL, 0, "SIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n");
	ether(&f, 0x0800);
	ipv4(&f, 6, &t);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("SIP: SIP/2.0 180 Ringing", strstr(summary(&d, NULL), "SIP: "));
	EQ_FIELD(&d, "Status code", 14 + 20 + 20 + 8, 3, "180");
	EQ_STR("Ringing", val(&d, "Reason phrase"));
	dissection_free(&d);
	valid("SIP 180 over TCP", LINK_ETHERNET, &f);

	/* Not SIP by content: a line that only looks alike. */
	udp(&u, 40000, 40001, "INVITE everyone SIP/2.0\r\n");
	ether(&f, 0x0800);
	ipv4(&f, 17, &u);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("UDP, length 25", summary(&d, NULL));
	dissection_free(&d);

	/* Malformed: a header line without a colon. */
	udp(&u, 5060, 5060, "BYE sip:a@b SIP/2.0\r\nnonsense\r\n\r\n");
	ether(&f, 0x0800);
	ipv4(&f, 17, &u);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: SIP header line without a colon: \"nonsense\"", d.problem);
	dissection_free(&d);
}

/* ----------------------------------------------------------------- SNMP */

/* A BER element: tag, short-form length, contents. */
static void ber(struct pkt *m, unsigned tag, const struct pkt *body)
{
	p8(m, tag);
	p8(m, body->n);
	pmem(m, body->b, body->n);
}

static void ber_u8(struct pkt *m, unsigned tag, unsigned v)
{
	p8(m, tag), p8(m, 1), p8(m, v);
}

static void test_snmp(void)
{
	struct pkt oid, vb, vbl, pdu, msg, f;
	struct dissection d;

	/* v2c GetRequest for sysDescr.0 (1.3.6.1.2.1.1.1.0). */
	oid.n = 0;
	p8(&oid, 6), p8(&oid, 8);
	pmem(&oid, (const uint8_t[]){ 43, 6, 1, 2, 1, 1, 1, 0 }, 8);
	p8(&oid, 5), p8(&oid, 0);
	vb.n = 0;
	ber(&vb, 0x30, &oid);
	vbl.n = 0;
	ber(&vbl, 0x30, &vb);
	pdu.n = 0;
	p8(&pdu, 2), p8(&pdu, 2), p16(&pdu, 1234);
	ber_u8(&pdu, 2, 0);
	ber_u8(&pdu, 2, 0);
	pmem(&pdu, vbl.b, vbl.n);
	msg.n = 0;
	ber_u8(&msg, 2, 1);
	p8(&msg, 4), p8(&msg, 6), pmem(&msg, "public", 6);
	ber(&msg, 0xa0, &pdu);
	struct pkt whole = { .n = 0 };
	ber(&whole, 0x30, &msg);
	udp4_frame(&f, 40000, 161, &whole);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("SNMP GetRequest(26)  .1.3.6.1.2.1.1.1.0", summary(&d, NULL));
	EQ_IN(&d, "Simple Network Management Protocol", "Version", UDP4 + 2, 3, "1 (SNMPv2c)");
	EQ_FIELD(&d, "Community", UDP4 + 5, 8, "\"public\"");
	EQ_FIELD(&d, "PDU type", UDP4 + 13, 1, "0xa0 (GetRequest)");
	EQ_FIELD(&d, "Request ID", UDP4 + 15, 4, "1234");
	EQ_FIELD(&d, "Error status", UDP4 + 19, 3, "0 (noError)");
	EQ_FIELD(&d, "Variable", UDP4 + 27, 14, ".1.3.6.1.2.1.1.1.0: NULL, 0 bytes (BER tag 0x05)");
	dissection_free(&d);
	valid("SNMP GetRequest", LINK_ETHERNET, &f);

	/* Malformed: the community where an INTEGER version belongs; a length past the message. */
	msg.n = 0;
	p8(&msg, 4), p8(&msg, 1), p8(&msg, 'x');
	whole.n = 0;
	ber(&whole, 0x30, &msg);
	udp4_frame(&f, 40000, 161, &whole);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: SNMP version: BER tag 0x04 where 0x02 belongs", d.problem);
	dissection_free(&d);
	msg.n = 0;
	p8(&msg, 2), p8(&msg, 9), p8(&msg, 1);
	whole.n = 0;
	ber(&whole, 0x30, &msg);
	udp4_frame(&f, 40000, 161, &whole);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: SNMP version: a BER length runs past what holds it", d.problem);
	dissection_free(&d);

	/* Not a SEQUENCE on port 161: not taken. */
	msg.n = 0;
	p32(&msg, 0x01020304);
	udp4_frame(&f, 40000, 161, &msg);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("UDP, length 4", summary(&d, NULL));
	dissection_free(&d);
}

/* ----------------------------------------------------------------- QUIC */

static void test_quic(void)
{
	struct pkt m, f;
	struct dissection d;

	/* A client Initial (8-byte DCID, no SCID, no token) coalesced with a 0-RTT packet. */
	m.n = 0;
	p8(&m, 0xc3), p32(&m, 1), p8(&m, 8), p32(&m, 0x84acac06), p32(&m, 0xb42ed863), p8(&m, 0);
	p8(&m, 0);                       /* token length 0 */
	p16(&m, 0x4000 | 20);            /* length 20 as a 2-byte varint */
	for (int k = 0; k < 20; k++)
		p8(&m, 0xa0);
	p8(&m, 0xd3), p32(&m, 1), p8(&m, 0), p8(&m, 4), p32(&m, 0x01020304);
	p8(&m, 5);
	for (int k = 0; k < 5; k++)
		p8(&m, 0xb0);
	udp4_frame(&f, 50000, 443, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("QUIC Initial, version 1, dcid 84acac06b42ed863, scid - + 0-RTT, length 55", summary(&d, NULL));
	EQ_FIELD(&d, "Packet", UDP4, 38, "Initial");
	EQ_IN(&d, "QUIC", "Version", UDP4 + 1, 4, "0x00000001");
	EQ_FIELD(&d, "Destination connection ID", UDP4 + 6, 8, "84acac06b42ed863");
	EQ_FIELD(&d, "Source connection ID length", UDP4 + 14, 1, "0");
	EQ_FIELD(&d, "Token length", UDP4 + 15, 1, "0");
	EQ_IN(&d, "QUIC", "Length", UDP4 + 16, 2, "20");
	EQ_FIELD(&d, "Protected payload", UDP4 + 18, 20, "20 bytes: a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0 a0");
	EQ_FIELD(&d, "Source connection ID", UDP4 + 38 + 7, 4, "01020304");
	EQ_STR("1 (0-RTT)", fld_in(&d, "Protected payload", "Packet type")->value);
	dissection_free(&d);
	valid("QUIC Initial + 0-RTT", LINK_ETHERNET, &f);

	/* A version negotiation from the server. */
	m.n = 0;
	p8(&m, 0x80), p32(&m, 0), p8(&m, 0), p8(&m, 2), p16(&m, 0x1234);
	p32(&m, 1), p32(&m, 0x6b3343cf);
	udp4_frame(&f, 443, 50000, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("QUIC version negotiation, dcid -, scid 1234, length 17", summary(&d, NULL));
	EQ_FIELD(&d, "Supported version", UDP4 + 9, 4, "0x00000001");
	dissection_free(&d);
	valid("QUIC version negotiation", LINK_ETHERNET, &f);

	/* Malformed: a 21-byte connection ID in version 1, a length past the datagram. */
	m.n = 0;
	p8(&m, 0xc0), p32(&m, 1), p8(&m, 21);
	for (int k = 0; k < 22; k++)
		p8(&m, 0);
	udp4_frame(&f, 50000, 443, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: QUIC destination connection ID of 21 bytes: version 1 allows 20 at most", d.problem);
	dissection_free(&d);
	m.n = 0;
	p8(&m, 0xe0), p32(&m, 1), p8(&m, 0), p8(&m, 0), p8(&m, 30), p32(&m, 0);
	udp4_frame(&f, 50000, 443, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: QUIC length 30 runs past the datagram (4 bytes left)", d.problem);
	dissection_free(&d);

	/* No fixed bit on 443: not QUIC. */
	m.n = 0;
	p8(&m, 0x16), p32(&m, 0xfefd0000);
	udp4_frame(&f, 50000, 443, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("UDP, length 5", summary(&d, NULL));
	dissection_free(&d);
}

/* ----------------------------------------------------------------- RTCP */

static void test_rtcp(void)
{
	struct pkt m, f;
	struct dissection d;

	/* A sender report with one report block, then a BYE: found by its shape. */
	m.n = 0;
	p8(&m, 0x81), p8(&m, 200), p16(&m, 12), p32(&m, 0x1234abcd);
	p32(&m, 0xed003782), p32(&m, 0x80000000), p32(&m, 160000), p32(&m, 50), p32(&m, 8000);
	p32(&m, 0xcafe0001), p32(&m, 25u << 24 | 3), p32(&m, 0x10064), p32(&m, 17), p32(&m, 0x3782abcd), p32(&m, 65536);
	p8(&m, 0x81), p8(&m, 203), p16(&m, 1), p32(&m, 0x1234abcd);
	udp4_frame(&f, 5004, 5005, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("RTCP sender report, ssrc 0x1234abcd, 50 packets, 8000 bytes; goodbye", summary(&d, NULL));
	EQ_FIELD(&d, "Sender SSRC", UDP4 + 4, 4, "0x1234abcd");
	EQ_FIELD(&d, "RTP timestamp", UDP4 + 16, 4, "160000");
	EQ_FIELD(&d, "Fraction lost", UDP4 + 32, 1, "25 (9%)");
	EQ_FIELD(&d, "Cumulative packets lost", UDP4 + 33, 3, "3");
	EQ_FIELD(&d, "Highest sequence number", UDP4 + 38, 2, "100");
	EQ_FIELD(&d, "Delay since last SR", UDP4 + 48, 4, "65536");
	EQ_IN(&d, "Real-time Transport Control Protocol", "Source", UDP4 + 56, 4, "0x1234abcd");
	dissection_free(&d);
	valid("RTCP SR + BYE", LINK_ETHERNET, &f);

	/* What is not the shape stays UDP: lengths that do not add up, a first
	 * packet that is no report, a report whose blocks do not fit, padding
	 * before the last packet. */
	static const struct {
		unsigned b0, pt, words;
		uint32_t n;
	} bad[] = {
		{ 0x80, 201, 2, 8 },    /* says 12 bytes, has 8 */
		{ 0x80, 202, 1, 8 },    /* SDES first */
		{ 0x82, 201, 1, 8 },    /* two blocks in 8 bytes */
		{ 0xa0, 201, 1, 16 },   /* padding, then another packet */
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		m.n = 0;
		p8(&m, bad[k].b0), p8(&m, bad[k].pt), p16(&m, bad[k].words), p32(&m, 1);
		if (bad[k].n == 16)
			p8(&m, 0x80), p8(&m, 203), p16(&m, 1), p32(&m, 1);
		udp4_frame(&f, 5004, 5005, &m);
		EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
		CHECK_MSG(strncmp(summary(&d, NULL), "UDP, length", 11) == 0, "case %zu: %s", k, summary(&d, NULL));
		dissection_free(&d);
	}
}

int main(void)
{
	test_ntp();
	test_dhcp6();
	test_ospf();
	test_bgp();
	test_sctp();
	test_vrrp();
	test_sip();
	test_snmp();
	test_quic();
	test_rtcp();
	return check_done("test_dissect_more");
}
