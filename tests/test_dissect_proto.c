/*
 * test_dissect_proto.c — the decoders added for issue 5 on hand-built
 * frames: ARP, IPv4 options and fragments, IPv6 extension headers, TCP and
 * UDP checksums with the pseudo-header, TLS hellos, DHCP, and the TCP
 * analysis of the flow table.  As in test_dissect.c: exact values and
 * byte ranges, then every shorter capture and random corruption (valid()).
 */
#include "dissect/dissect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"

/* The value of the first field `name` after the first field `after`. */
static const char *val_after(const struct dissection *d, const char *after, const char *name)
{
	int a = find(d, 0, after);
	int k = a < 0 ? -1 : find(d, a + 1, name);
	return k < 0 ? "(none)" : d->fields[k].value;
}

/* ------------------------------------------------------------------ ARP */

static void arp_frame(struct pkt *f, unsigned op, const uint8_t *sha, const uint8_t spa[4],
                      const uint8_t *tha, const uint8_t tpa[4])
{
	ether(f, 0x0806);
	p16(f, 1);
	p16(f, 0x0800);
	p8(f, 6);
	p8(f, 4);
	p16(f, op);
	pmem(f, sha, 6);
	pmem(f, spa, 4);
	pmem(f, tha, 6);
	pmem(f, tpa, 4);
}

static void test_arp(void)
{
	static const uint8_t zero[6], a1[4] = { 192, 168, 1, 10 }, a2[4] = { 192, 168, 1, 1 };
	struct pkt f;
	struct dissection d;
	arp_frame(&f, 1, MAC_A, a1, zero, a2);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("ARP", d.info.proto);
	EQ_FIELD(&d, "Address Resolution Protocol", 14, 28, "Request who-has 192.168.1.1 tell 192.168.1.10");
	EQ_FIELD(&d, "Hardware type", 14, 2, "1 (Ethernet)");
	EQ_FIELD(&d, "Protocol type", 16, 2, "0x0800 (IPv4)");
	EQ_FIELD(&d, "Hardware size", 18, 1, "6");
	EQ_FIELD(&d, "Protocol size", 19, 1, "4");
	EQ_FIELD(&d, "Opcode", 20, 2, "1 (request)");
	EQ_FIELD(&d, "Sender hardware address", 22, 6, "00:11:22:33:44:55");
	EQ_FIELD(&d, "Sender protocol address", 28, 4, "192.168.1.10");
	EQ_FIELD(&d, "Target hardware address", 32, 6, "00:00:00:00:00:00");
	EQ_FIELD(&d, "Target protocol address", 38, 4, "192.168.1.1");
	CHECK(fld(&d, "Opcode")->help != NULL);
	EQ_STR("ARP, Request who-has 192.168.1.1 tell 192.168.1.10, length 42", summary(&d, NULL));
	dissection_free(&d);
	valid("ARP request", LINK_ETHERNET, &f);

	struct pkt r;
	arp_frame(&r, 2, MAC_B, a2, MAC_A, a1);
	for (int k = 0; k < 18; k++)
		p8(&r, 0);   /* Ethernet padding */
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &r, &d));
	EQ_STR("ARP, Reply 192.168.1.1 is-at 66:77:88:99:aa:bb, length 60", summary(&d, NULL));
	EQ_FIELD(&d, "Ethernet padding", 42, 18, "18 bytes");
	dissection_free(&d);
	r.n = 42;   /* without the padding, whose loss is no problem */
	valid("ARP reply", LINK_ETHERNET, &r);

	struct pkt g;
	arp_frame(&g, 1, MAC_B, a2, zero, a2);
	dis(LINK_ETHERNET, &g, &d);
	EQ_STR("ARP, Announcement (gratuitous) 192.168.1.1 is-at 66:77:88:99:aa:bb, length 42", summary(&d, NULL));
	dissection_free(&d);

	/* A size of 0 is impossible. */
	struct pkt m = f;
	m.b[18] = 0;
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &m, &d));
	EQ_STR("malformed: ARP hardware size 0, protocol size 4: neither may be 0", d.problem);
	dissection_free(&d);
	/* A cut address is truncated. */
	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_ETHERNET, f.b, 32, f.n, &d));
	EQ_STR("truncated: ARP packet needs 28 bytes, 18 captured", d.problem);
	EQ_STR("192.168.1.10", val(&d, "Sender protocol address"));
	EQ_INT(-1, find(&d, 0, "Target hardware address"));
	dissection_free(&d);
}

/* ----------------------------------------------- IPv4 options, fragments */

/* An IPv4 header with options opt (olen bytes, a multiple of 4), then data. */
static void ip4_frame(struct pkt *f, unsigned frag, unsigned proto, const uint8_t *opt, uint32_t olen,
                      const struct pkt *l4, unsigned tot_extra)
{
	ether(f, 0x0800);
	uint32_t o = f->n;
	p8(f, 0x40 | (20 + olen) / 4);
	p8(f, 0);
	p16(f, 20 + olen + l4->n + tot_extra);
	p16(f, 0xbeef);
	p16(f, frag);
	p8(f, 64);
	p8(f, proto);
	p16(f, 0);
	pmem(f, LO4, 4);
	pmem(f, LO4, 4);
	pmem(f, opt, olen);
	pset16(f, o + 10, fold(sum16(f->b + o, 20 + olen)));
	pmem(f, l4->b, l4->n);
}

/* UDP over 127.0.0.1 with its checksum computed. */
static void udp_ck(struct pkt *s, unsigned sport, unsigned dport, const char *data)
{
	udp(s, sport, dport, data);
	pset16(s, 6, 0);
	uint32_t sum = sum16(LO4, 4) * 2 + 17 + s->n + sum16(s->b, s->n);
	uint16_t v = fold(sum);
	pset16(s, 6, v ? v : 0xffff);
}

static void test_ipv4(void)
{
	struct pkt s, f;
	struct dissection d;
	/* Router alert and a record route with two empty slots, then End. */
	const uint8_t opt[16] = { 148, 4, 0, 0, 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	udp_ck(&s, 7, 7, "hello");
	ip4_frame(&f, 0, 17, opt, 16, &s, 0);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Header length", 14, 1, "36 bytes (IHL 9)");
	EQ_FIELD(&d, "Options", 34, 16, "16 bytes");
	EQ_FIELD(&d, "Router alert", 34, 4, "value 0 (every router on the path should look at this packet)");
	EQ_FIELD(&d, "Record route", 38, 11, "pointer 4, 2 address slots: 0.0.0.0, 0.0.0.0");
	EQ_FIELD(&d, "End of options list", 49, 1, "");
	EQ_INT(2, fld(&d, "Router alert")->depth);
	EQ_STR("UDP, length 5", summary(&d, NULL));
	dissection_free(&d);
	valid("IPv4 options", LINK_ETHERNET, &f);

	/* Total length 0, as segmentation offload leaves it: taken from the frame. */
	udp_ck(&s, 7, 7, "hello");
	ip4_frame(&f, 0, 17, NULL, 0, &s, 0);
	pset16(&f, 16, 0);
	pset16(&f, 24, 0);
	pset16(&f, 24, fold(sum16(f.b + 14, 20)));
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Total length", 16, 2, "0 (not set: segmentation offload; taken as 33 from the frame)");
	EQ_STR("UDP, length 5", summary(&d, NULL));
	dissection_free(&d);

	/* An option running past the header. */
	uint8_t bad[4] = { 7, 9, 4, 0 };
	ip4_frame(&f, 0, 17, bad, 4, &s, 0);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: IPv4 option Record route (type 7) length 9 runs past the end of the header", d.problem);
	dissection_free(&d);

	/* A first fragment: MF set, offset 0; the UDP length covers more. */
	udp_ck(&s, 5000, 6000, "0123456789abcdef");
	s.b[5] = 8 + 40;   /* the whole datagram is 40 bytes of data */
	ip4_frame(&f, 0x2000, 17, NULL, 0, &s, 0);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Flags", 20, 1, "0x1 (MF)");
	EQ_FIELD(&d, "Fragment offset", 20, 2, "0 (x 8 = byte 0)");
	EQ_FIELD(&d, "Fragment", 20, 2, "first fragment (more follow): it carries the transport header");
	CHECK(strstr(val_after(&d, "User Datagram Protocol", "Checksum"), "(unverified: IP fragment") != NULL);
	dissection_free(&d);
	valid("IPv4 first fragment", LINK_ETHERNET, &f);

	/* A middle fragment: offset 3 (24 bytes), MF. */
	struct pkt raw = { .n = 0 };
	pmem(&raw, "middle-data-16by", 16);
	ip4_frame(&f, 0x2000 | 3, 17, NULL, 0, &raw, 0);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Fragment offset", 20, 2, "3 (x 8 = byte 24)");
	EQ_FIELD(&d, "Fragment", 20, 2, "middle fragment: data only, more follow");
	EQ_STR("UDP fragment, offset 24, length 16", summary(&d, NULL));
	dissection_free(&d);
	valid("IPv4 middle fragment", LINK_ETHERNET, &f);
}

/* ------------------------------------------------- IPv6 extension headers */

static void ip6_frame(struct pkt *f, unsigned nh, const struct pkt *payload)
{
	ether(f, 0x86dd);
	p32(f, 0x60000000u);
	p16(f, payload->n);
	p8(f, nh);
	p8(f, 64);
	pmem(f, LO6, 16);
	pmem(f, LO6, 16);
	pmem(f, payload->b, payload->n);
}

static void test_ipv6_ext(void)
{
	struct pkt p = { .n = 0 }, f;
	struct dissection d;
	/* Hop-by-hop: router alert (MLD) and PadN, then UDP (checksum 0x1234). */
	const uint8_t hbh[8] = { 17, 0, 5, 2, 0, 0, 1, 0 };
	pmem(&p, hbh, 8);
	struct pkt u;
	udp(&u, 1000, 2000, "abcd");
	pmem(&p, u.b, u.n);
	ip6_frame(&f, 0, &p);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "IPv6 hop-by-hop options", 54, 8, "");
	EQ_FIELD(&d, "Options", 56, 6, "6 bytes");
	EQ_FIELD(&d, "Router alert", 56, 4, "value 0");
	EQ_FIELD(&d, "PadN", 60, 2, "2 bytes");
	EQ_STR("UDP, length 4", summary(&d, NULL));
	CHECK(strstr(val(&d, "Checksum"), "(incorrect, should be 0x") != NULL);
	dissection_free(&d);
	valid("IPv6 hop-by-hop", LINK_ETHERNET, &f);

	/* Destination options with an unknown option whose type says "discard". */
	p.n = 0;
	const uint8_t dst[8] = { 59, 0, 0x4f, 2, 0xaa, 0xbb, 0, 0 };
	pmem(&p, dst, 8);
	ip6_frame(&f, 60, &p);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Option 0x4f", 56, 4, "2 bytes of data; if unknown: discard the packet");
	EQ_FIELD(&d, "Pad1", 60, 1, "");
	dissection_free(&d);
	valid("IPv6 destination options", LINK_ETHERNET, &f);

	/* An option running past its header is malformed. */
	p.b[3] = 9;
	ip6_frame(&f, 60, &p);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: IPv6 option Option 0x4f length 9 runs past the end of its header", d.problem);
	dissection_free(&d);

	/* Routing type 0 with one address, one segment left. */
	p.n = 0;
	const uint8_t rt[8] = { 59, 2, 0, 1, 0, 0, 0, 0 };
	static const uint8_t hop[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 3 };
	pmem(&p, rt, 8);
	pmem(&p, hop, 16);
	ip6_frame(&f, 43, &p);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Routing type", 56, 1, "0 (source route, deprecated)");
	EQ_FIELD(&d, "Segments left", 57, 1, "1");
	EQ_FIELD(&d, "Address", 62, 16, "2001:db8::3");
	dissection_free(&d);
	valid("IPv6 routing type 0", LINK_ETHERNET, &f);

	/* Fragment header: offset 2 (16 bytes), more fragments. */
	p.n = 0;
	const uint8_t fr[8] = { 17, 0, 0, (2 << 3) | 1, 0, 0, 0xca, 0xfe };
	pmem(&p, fr, 8);
	pmem(&p, "xxxxxxxx", 8);
	ip6_frame(&f, 44, &p);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Fragment offset", 56, 2, "2 (x 8 = byte 16)");
	EQ_FIELD(&d, "More fragments", 56, 2, "set");
	EQ_FIELD(&d, "Identification", 58, 4, "0x0000cafe");
	EQ_STR("UDP fragment, offset 16, length 8", summary(&d, NULL));
	dissection_free(&d);
	valid("IPv6 fragment", LINK_ETHERNET, &f);
}

/* ------------------------------------------------------------ checksums */

static void test_checksums(void)
{
	struct pkt s, f;
	struct dissection d;
	/* UDP with the right checksum. */
	udp_ck(&s, 40000, 53, "abc");
	ip4_frame(&f, 0x4000, 17, NULL, 0, &s, 0);
	dis(LINK_ETHERNET, &f, &d);
	char want[FIELD_VALUE_MAX];
	snprintf(want, sizeof want, "0x%02x%02x (correct)", s.b[6], s.b[7]);
	EQ_FIELD(&d, "Checksum", 40, 2, want);
	dissection_free(&d);
	/* Wrong by one. */
	unsigned good = (unsigned)s.b[6] << 8 | s.b[7];
	pset16(&s, 6, good ^ 1);
	ip4_frame(&f, 0x4000, 17, NULL, 0, &s, 0);
	dis(LINK_ETHERNET, &f, &d);
	snprintf(want, sizeof want, "0x%04x (incorrect, should be 0x%04x)", good ^ 1, good);
	EQ_FIELD(&d, "Checksum", 40, 2, want);
	dissection_free(&d);
	/* Cut: the bytes are not all there. */
	pset16(&s, 6, good);
	ip4_frame(&f, 0x4000, 17, NULL, 0, &s, 0);
	dissect_frame(LINK_ETHERNET, f.b, f.n - 1, f.n, &d);
	snprintf(want, sizeof want, "0x%04x (unverified: not all bytes captured)", good);
	EQ_FIELD(&d, "Checksum", 40, 2, want);
	dissection_free(&d);

	/* TCP as Linux's loopback leaves it: the pseudo-header sum only.
	 * 127.0.0.1 twice, protocol 6, length 20: 0x7f00+0x0001 twice + 6 + 20. */
	struct pkt t;
	tcp(&t, 40000, 5000, 1, 0, 0x02, 1000, NULL, 0, NULL);
	uint16_t part = (uint16_t)~fold(0x7f00 + 1 + 0x7f00 + 1 + 6 + 20);   /* fold() complements */
	pset16(&t, 16, part);
	ip4_frame(&f, 0x4000, 6, NULL, 0, &t, 0);
	dis(LINK_ETHERNET, &f, &d);
	snprintf(want, sizeof want, "0x%04x (unverified: offloaded, it holds only the pseudo-header sum; "
	         "the network card would fill it in)", part);
	EQ_FIELD(&d, "Checksum", 50, 2, want);
	dissection_free(&d);
	/* ... and computed in full. */
	pset16(&t, 16, 0);
	uint16_t full = fold(0x7f00 + 1 + 0x7f00 + 1 + 6 + 20 + sum16(t.b, t.n));
	pset16(&t, 16, full);
	ip4_frame(&f, 0x4000, 6, NULL, 0, &t, 0);
	dis(LINK_ETHERNET, &f, &d);
	snprintf(want, sizeof want, "0x%04x (correct)", full);
	EQ_FIELD(&d, "Checksum", 50, 2, want);
	dissection_free(&d);
}

/* ------------------------------------------------------------------ TLS */

static void ext(struct pkt *p, unsigned type, const uint8_t *body, unsigned n)
{
	p16(p, type);
	p16(p, n);
	pmem(p, body, n);
}

static void client_hello(struct pkt *rec)
{
	struct pkt e = { .n = 0 }, b = { .n = 0 }, h = { .n = 0 };
	const uint8_t sni[] = { 0, 19, 0, 0, 16, 'w', 'w', 'w', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
	                        't', 'e', 's', 't' };
	const uint8_t alpn[] = { 0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
	const uint8_t vers[] = { 4, 3, 4, 3, 3 };
	const uint8_t groups[] = { 0, 2, 0, 0x1d };
	ext(&e, 0, sni, sizeof sni);
	ext(&e, 16, alpn, sizeof alpn);
	ext(&e, 43, vers, sizeof vers);
	ext(&e, 10, groups, sizeof groups);
	p16(&b, 0x0303);
	for (int k = 0; k < 32; k++)
		p8(&b, k);
	p8(&b, 0);          /* no session ID */
	p16(&b, 4);
	p16(&b, 0x1301);
	p16(&b, 0xc02f);
	p8(&b, 1);
	p8(&b, 0);
	p16(&b, e.n);
	pmem(&b, e.b, e.n);
	p8(&h, 1);
	p8(&h, 0);
	p16(&h, b.n);
	pmem(&h, b.b, b.n);
	rec->n = 0;
	p8(rec, 0x16);
	p16(rec, 0x0301);
	p16(rec, h.n);
	pmem(rec, h.b, h.n);
}

static void test_tls(void)
{
	struct pkt rec, s, f;
	struct dissection d;
	client_hello(&rec);
	rec.b[rec.n] = 0;
	tcp(&s, 50000, 443, 1, 1, 0x18, 512, NULL, 0, NULL);
	pmem(&s, rec.b, rec.n);
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("TLS", d.info.app);
	EQ_STR("ClientHello, SNI www.example.test, ALPN h2,http/1.1", d.info.app_summary);
	uint32_t o = 54;
	EQ_FIELD(&d, "Transport Layer Security", o, rec.n, "ClientHello, SNI www.example.test, ALPN h2,http/1.1");
	EQ_FIELD(&d, "Record", o, rec.n, "Handshake, TLS 1.0, 109 bytes");
	EQ_FIELD(&d, "Content type", o, 1, "22 (Handshake)");
	EQ_FIELD(&d, "Handshake", o + 5, 109, "ClientHello");
	EQ_STR("0x0303 (TLS 1.2)", val_after(&d, "Handshake", "Version"));
	EQ_FIELD(&d, "Cipher suites", o + 44, 6, "2 suites");
	EQ_FIELD(&d, "Cipher suite", o + 46, 2, "0x1301 (TLS_AES_128_GCM_SHA256)");
	EQ_FIELD(&d, "Host name", o + 63, 16, "www.example.test");
	EQ_INT(5, fld(&d, "Host name")->depth);
	EQ_STR("h2", val_after(&d, "ALPN", "Protocol"));
	EQ_INT(o + 85, d.fields[find(&d, find(&d, 0, "ALPN"), "Protocol")].off);
	EQ_STR("0x0304 (TLS 1.3)", val_after(&d, "Supported versions", "Version"));
	EQ_FIELD(&d, "Supported groups", o + 106, 8, "type 10, 4 bytes");
	EQ_STR("Flags [P.], seq 1:115, ack 1, win 512, length 114: TLS: ClientHello, SNI www.example.test, "
	       "ALPN h2,http/1.1", summary(&d, NULL));
	dissection_free(&d);
	valid("TLS ClientHello", LINK_ETHERNET, &f);

	/* The same on another port: recognised by content. */
	tcp(&s, 50000, 8443, 1, 1, 0x18, 512, NULL, 0, NULL);
	pmem(&s, rec.b, rec.n);
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("TLS", d.info.app);
	dissection_free(&d);

	/* A cipher suite list longer than the hello, all captured: malformed. */
	struct pkt m = rec;
	m.b[5 + 4 + 35] = 0xff;
	tcp(&s, 50000, 443, 1, 1, 0x18, 512, NULL, 0, NULL);
	pmem(&s, m.b, m.n);
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: TLS cipher suites length 65284 runs past the end of its container", d.problem);
	dissection_free(&d);

	/* ServerHello + ChangeCipherSpec + application data in one segment. */
	struct pkt sh = { .n = 0 };
	const uint8_t sv[] = { 0, 43, 0, 2, 3, 4 };
	p8(&sh, 0x16);
	p16(&sh, 0x0303);
	p16(&sh, 4 + 2 + 32 + 1 + 3 + 2 + sizeof sv);
	p8(&sh, 2);
	p8(&sh, 0);
	p16(&sh, 2 + 32 + 1 + 3 + 2 + sizeof sv);
	p16(&sh, 0x0303);
	for (int k = 0; k < 32; k++)
		p8(&sh, 0x40 + k);
	p8(&sh, 0);
	p16(&sh, 0x1302);
	p8(&sh, 0);
	p16(&sh, sizeof sv);
	pmem(&sh, sv, sizeof sv);
	const uint8_t ccs[] = { 0x14, 3, 3, 0, 1, 1, 0x17, 3, 3, 0, 3, 9, 9, 9 };
	pmem(&sh, ccs, sizeof ccs);
	tcp(&s, 443, 50000, 1, 107, 0x18, 512, NULL, 0, NULL);
	pmem(&s, sh.b, sh.n);
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("ServerHello, Change Cipher Spec, Application Data, TLS 1.3, TLS_AES_256_GCM_SHA384",
	       d.info.app_summary);
	EQ_STR("0x1302 (TLS_AES_256_GCM_SHA384)", val(&d, "Cipher suite"));
	EQ_STR("0x0304 (TLS 1.3)", val_after(&d, "Supported versions", "Version"));
	EQ_STR("3 bytes: 09 09 09", val(&d, "Encrypted data"));
	dissection_free(&d);
	valid("TLS ServerHello", LINK_ETHERNET, &f);

	/* A record that goes on in the next segment is not a problem. */
	tcp(&s, 50000, 443, 1, 1, 0x18, 512, NULL, 0, NULL);
	pmem(&s, rec.b, 60);
	ether(&f, 0x0800);
	ipv4(&f, 6, &s);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("Handshake, TLS 1.0, 109 bytes (continues in a later segment)", val(&d, "Record"));
	EQ_STR("ClientHello (continues in a later segment)", val(&d, "Handshake"));
	dissection_free(&d);
}

/* ----------------------------------------------------------------- DHCP */

static void dhcp_msg(struct pkt *m, unsigned op, unsigned type, const uint8_t your[4])
{
	m->n = 0;
	p8(m, op);
	p8(m, 1);
	p8(m, 6);
	p8(m, 0);
	p32(m, 0x3903f326);
	p16(m, 0);
	p16(m, 0x8000);
	for (int k = 0; k < 4; k++)
		p8(m, 0);
	pmem(m, your, 4);
	for (int k = 0; k < 8; k++)
		p8(m, 0);
	pmem(m, MAC_A, 6);
	for (int k = 0; k < 10 + 64 + 128; k++)
		p8(m, 0);
	p32(m, 0x63825363);
	p8(m, 53);
	p8(m, 1);
	p8(m, type);
	if (op == 2) {
		const uint8_t o[] = { 1, 4, 255, 255, 255, 0, 51, 4, 0, 1, 0x51, 0x80, 54, 4, 192, 168, 1, 1 };
		pmem(m, o, sizeof o);
	} else {
		const uint8_t o[] = { 55, 3, 1, 3, 6 };
		pmem(m, o, sizeof o);
	}
	p8(m, 255);
}

static void udp_frame(struct pkt *f, unsigned sport, unsigned dport, const struct pkt *payload)
{
	struct pkt s = { .n = 0 };
	p16(&s, sport);
	p16(&s, dport);
	p16(&s, 8 + payload->n);
	p16(&s, 0);
	pmem(&s, payload->b, payload->n);
	ether(f, 0x0800);
	ipv4(f, 17, &s);
}

static void test_dhcp(void)
{
	static const uint8_t none[4], yours[4] = { 192, 168, 1, 100 };
	struct pkt m, f;
	struct dissection d;
	dhcp_msg(&m, 1, 1, none);
	udp_frame(&f, 68, 67, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("DHCP", d.info.proto);
	EQ_STR("DHCP Discover, xid 0x3903f326, from 00:11:22:33:44:55", summary(&d, NULL));
	uint32_t o = 42;
	EQ_FIELD(&d, "Message type", o, 1, "1 (boot request)");
	EQ_FIELD(&d, "Transaction ID", o + 4, 4, "0x3903f326");
	EQ_STR("0x8000 (broadcast)", val_after(&d, "Dynamic Host Configuration Protocol", "Flags"));
	EQ_FIELD(&d, "Client hardware address", o + 28, 16, "00:11:22:33:44:55");
	EQ_FIELD(&d, "Magic cookie", o + 236, 4, "0x63825363 (DHCP)");
	EQ_FIELD(&d, "DHCP message type", o + 240, 3, "1 (Discover: a client looks for servers)");
	EQ_FIELD(&d, "Parameter request list", o + 243, 5,
	         "1 (Subnet mask), 3 (Router), 6 (Domain name server)");
	EQ_FIELD(&d, "End", o + 248, 1, "");
	dissection_free(&d);
	valid("DHCP Discover", LINK_ETHERNET, &f);

	dhcp_msg(&m, 2, 2, yours);
	udp_frame(&f, 67, 68, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("DHCP Offer, xid 0x3903f326, your address 192.168.1.100", summary(&d, NULL));
	EQ_FIELD(&d, "Your address", o + 16, 4, "192.168.1.100");
	EQ_FIELD(&d, "Subnet mask", o + 243, 6, "255.255.255.0");
	EQ_FIELD(&d, "Lease time", o + 249, 6, "86400 (24 h 0 min 0 s)");
	EQ_FIELD(&d, "Server identifier", o + 255, 6, "192.168.1.1");
	dissection_free(&d);
	valid("DHCP Offer", LINK_ETHERNET, &f);

	/* An option running past the message. */
	m.b[m.n - 1] = 99;   /* End becomes option 99 without a length */
	m.b[m.n++] = 50;
	udp_frame(&f, 67, 68, &m);
	EQ_INT(DIS_MALFORMED, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("malformed: DHCP option 99 length 50 runs past the end of the message", d.problem);
	dissection_free(&d);
}

/* --------------------------------------------------------- TCP analysis */

static void seg(struct pkt *f, int c2s, uint32_t seq, uint32_t ack, unsigned flags, unsigned win,
                const char *data, unsigned ipid)
{
	struct pkt s;
	tcp(&s, c2s ? 40000 : 8080, c2s ? 8080 : 40000, seq, ack, flags, win, NULL, 0, data);
	ether(f, 0x0800);
	ipv4(f, 6, &s);
	pset16(f, 18, ipid);   /* so no two frames are byte-identical, as with Linux */
}

static void test_analysis(void)
{
	char a100[101];
	memset(a100, 'A', 100);
	a100[100] = '\0';
	enum { C = 1000, S = 5000 };
	struct pkt f[15];
	seg(&f[0], 1, C, 0, SYN, 8192, NULL, 1);
	seg(&f[1], 0, S, C + 1, SYN | ACK, 8192, NULL, 2);
	seg(&f[2], 1, C + 1, S + 1, ACK, 8192, NULL, 3);
	seg(&f[3], 1, C + 1, S + 1, PSH | ACK, 8192, a100, 4);
	seg(&f[4], 1, C + 201, S + 1, PSH | ACK, 8192, a100, 5);
	seg(&f[5], 0, S + 1, C + 101, ACK, 8192, NULL, 6);
	seg(&f[6], 0, S + 1, C + 101, ACK, 8192, NULL, 7);
	seg(&f[7], 0, S + 1, C + 101, ACK, 8192, NULL, 8);
	seg(&f[8], 1, C + 101, S + 1, PSH | ACK, 8192, a100, 9);
	seg(&f[9], 1, C + 1, S + 1, PSH | ACK, 8192, a100, 10);
	seg(&f[10], 0, S + 1, C + 301, ACK, 0, NULL, 11);
	seg(&f[11], 0, S + 1, C + 301, ACK, 4096, NULL, 12);
	seg(&f[12], 0, S, C + 301, ACK, 4096, NULL, 13);          /* keep-alive */
	seg(&f[13], 1, C + 101, S + 1, PSH | ACK, 8192, a100, 14); /* gap filled already: retransmission */
	seg(&f[14], 1, C + 301, S + 1, FIN | ACK, 8192, NULL, 15);
	static const char *const want[] = {
		"", "", "", "", " [previous segment not captured]", "", " [duplicate ACK #1]",
		" [duplicate ACK #2]", " [retransmission]", " [retransmission]", " [zero window]",
		" [window update]", " [keep-alive]", " [retransmission]", "",
	};
	struct flowtab *t = flowtab_new();
	struct dissection d;
	for (int k = 0; k < 15; k++) {
		dis(LINK_ETHERNET, &f[k], &d);
		char buf[256];
		dissect_summary(&d, t, buf, sizeof buf);
		const char *tail = strstr(strstr(buf, "length "), " [") ? strstr(strstr(buf, "length "), " [") : "";
		if (strchr(tail, ':'))
			*strchr((char *)tail, ':') = '\0';   /* the application's part follows */
		EQ_STR(want[k], tail);
		/* Fed again (as the inspection list re-renders a row): the same answer. */
		dissect_summary(&d, t, buf, sizeof buf);
		tail = strstr(strstr(buf, "length "), " [") ? strstr(strstr(buf, "length "), " [") : "";
		if (strchr(tail, ':'))
			*strchr((char *)tail, ':') = '\0';
		EQ_STR(want[k], tail);
		dissection_free(&d);
	}
	/* The findings as fields, after the other layers. */
	dis(LINK_ETHERNET, &f[7], &d);
	EQ_INT(TCPA_DUP_ACK, flowtab_analyse(t, &d));
	EQ_INT(2, d.info.tcp_dupack);
	EQ_STR("TCP analysis", d.fields[d.nfields - 2].name);
	EQ_STR("duplicate ACK #2", d.fields[d.nfields - 2].value);
	EQ_STR("Duplicate ACK", d.fields[d.nfields - 1].name);
	EQ_STR("#2 of ack 101", d.fields[d.nfields - 1].value);
	CHECK(d.fields[d.nfields - 1].help != NULL);
	CHECK(tree_ok(&d, f[7].n));
	dissection_free(&d);
	flowtab_free(t);

	/* Out-of-order: a gap filled without the receiver asking. */
	t = flowtab_new();
	const int order[] = { 0, 1, 2, 3, 4, 8 };
	for (int k = 0; k < 6; k++) {
		dis(LINK_ETHERNET, &f[order[k]], &d);
		unsigned a = flowtab_analyse(t, &d);
		EQ_INT(k == 4 ? TCPA_LOST : k == 5 ? TCPA_OUT_OF_ORDER : 0, a);
		dissection_free(&d);
	}
	flowtab_free(t);
}

int main(void)
{
	test_arp();
	test_ipv4();
	test_ipv6_ext();
	test_checksums();
	test_tls();
	test_dhcp();
	test_analysis();
	return check_done("test_dissect_proto");
}
