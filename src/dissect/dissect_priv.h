/*
 * dissect_priv.h — what the per-protocol decoders of src/dissect share.
 * Not for users of the dissector: they include dissect.h only.
 *
 * A decoder gets a struct dctx whose reader sits at the start of its
 * header.  It reads the header's values (the reader makes short reads
 * harmless), records fields with explicit frame offsets — a field whose bytes
 * were not captured is silently left out — then checks c->r.short_ once and
 * reports truncation, or checks values and reports malformation.
 */
#ifndef SOCKSCOPE_DISSECT_PRIV_H
#define SOCKSCOPE_DISSECT_PRIV_H

#include <stddef.h>

#include "dissect/dissect.h"
#include "dissect/reader.h"
#include "common/text.h"

#define DIS_PRINTF(f, a) __attribute__((format(printf, f, a)))

struct dctx {
	struct dissection *d;
	struct rd r;            /* positioned at the current header */
	struct pkt_info *info;  /* &d->info, or scratch for a packet quoted by ICMP */
	uint8_t depth;          /* depth of a layer here: 0, or 1 inside an ICMP error */
	bool quoted;            /* inside an ICMP error: no problems, no payload */
	bool partial;           /* the IP payload is a first fragment: inner lengths may exceed it */
	uint8_t nest;           /* VLAN tags passed, to bound stacked tags */
	uint8_t tunnels;        /* encapsulations entered (GRE, VXLAN, IP in IP...), to bound them */
	unsigned linktype;      /* the frame's: one decoder serves a family of link types (Juniper's) */
	uint32_t src_sum;       /* ones'-complement sums of the IP source and (final) destination */
	uint32_t dst_sum;       /*   address, for the TCP/UDP pseudo-header (set by dis_ipv4/6) */
};

/* Tables keyed by a number (EtherTypes, IP protocols, link types, ICMP
 * types, options...): each entry begins with its key, an unsigned, so one
 * lookup serves every table, linearly (all are short).  struct dis_name is
 * the plainest such table. */
struct dis_name {
	unsigned v;
	const char *name;
};
#define DIS_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* The entry of n entries of size bytes at table whose key is key, or NULL. */
const void *dis_find(const void *table, size_t n, size_t size, unsigned key);
/* dis_find on an array, after checking at compile time that member is
 * the entries' first field and an unsigned. */
#define DIS_FIND(table, member, key)                                                                  \
	(sizeof(struct {                                                                              \
		_Static_assert(offsetof(__typeof__((table)[0]), member) == 0 &&                       \
		               sizeof(table)[0].member == sizeof(unsigned), "a table's key comes first"); \
		int unused;                                                                           \
	}) ? dis_find((table), DIS_COUNT(table), sizeof(table)[0], (key)) : NULL)
const char *dis_name(const struct dis_name *t, size_t n, unsigned v);
/* dis_name, or when the table has none for v, fmt's text ("Option %u")
 * written in buf, which is returned. */
const char *dis_name_or(const struct dis_name *t, size_t n, unsigned v, char *buf, size_t bn,
                        const char *fmt, ...) DIS_PRINTF(6, 7);
/* A number that says which header follows (an EtherType, an address
 * family), its name, and the decoder of that header or NULL. */
struct dis_next {
	unsigned v;
	const char *name;
	uint32_t (*decode)(struct dctx *c);
};

/* ---- recording fields (dissect.c) ----
 * dis_layer: a layer at c->depth, clipped to the captured bytes; returns its
 *   index for dis_layer_len / dis_value, or -1.
 * dis_field: a field at c->depth + sub, left out unless all of [off, off+len)
 *   was captured; returns whether it was added.
 * dis_group: like dis_field but clipped (a container such as "Options" whose
 *   children follow, or raw bytes).
 * dis_hex:   a clipped dis_group whose value is "N bytes: 01 02 03 ...". */
int dis_layer(struct dctx *c, uint32_t off, uint32_t len, const char *name, const char *help,
              const char *fmt, ...) DIS_PRINTF(6, 7);
void dis_layer_len(struct dctx *c, int idx, uint32_t len);
void dis_value(struct dctx *c, int idx, const char *fmt, ...) DIS_PRINTF(3, 4);
bool dis_field(struct dctx *c, int sub, uint32_t off, uint32_t len, const char *name,
               const char *help, const char *fmt, ...) DIS_PRINTF(7, 8);
void dis_group(struct dctx *c, int sub, uint32_t off, uint32_t len, const char *name,
               const char *help, const char *fmt, ...) DIS_PRINTF(7, 8);
void dis_hex(struct dctx *c, int sub, uint32_t off, uint32_t len, const char *name, const char *help);
/* A one-bit flag as a sub-field: "set" / "not set". */
void dis_flag(struct dctx *c, int sub, uint32_t off, uint32_t len, const char *name,
              const char *help, bool set);

/* ---- problems (dissect.c); all are ignored inside a quoted packet ---- */
/* "truncated: <what> needs <need> bytes, <n> captured", n counted from start. */
void dis_truncated(struct dctx *c, const char *what, uint32_t start, uint32_t need);
/* The check after a header's fields: whether the reader ran past the
 * capture, and if so dis_truncated(c, what, start, need) once. */
bool dis_short(struct dctx *c, const char *what, uint32_t start, uint32_t need);
void dis_malformed(struct dctx *c, const char *fmt, ...) DIS_PRINTF(2, 3);
void dis_unsupported(struct dctx *c, const char *fmt, ...) DIS_PRINTF(2, 3);

/* ---- shared decoders (dissect.c) ---- */
/* The transport payload: info->payload_*, a "Payload" layer with a text
 * preview, and truncation "<proto> payload N bytes, M captured". */
void dis_payload(struct dctx *c, const char *proto, uint32_t off, uint32_t len);
/* An undecoded block as a layer `name` with a raw "Data" field; truncated
 * when fewer than len bytes were captured. */
void dis_data(struct dctx *c, const char *name, uint32_t off, uint32_t len);
/* What a decoder does not go into: the rest of the bytes as a layer named
 * known (a table's name for the protocol, which also becomes info->proto)
 * or fallback, and an "unsupported: ..." problem in fmt's words. */
void dis_undecoded(struct dctx *c, const char *known, const char *fallback, const char *fmt, ...) DIS_PRINTF(4, 5);
/* Dispatch on an EtherType with the reader at the network header; returns
 * the length the network header announces (0 when unknown). */
uint32_t dis_ethertype(struct dctx *c, uint16_t type);
const char *dis_ethertype_name(uint16_t type);
/* Whether dis_ethertype decodes what follows type (else: bytes). */
bool dis_ethertype_decodes(uint16_t type);
/* A depth-1 field "0x0800 (IPv4)" for an EtherType at off. */
void dis_ethertype_field(struct dctx *c, uint32_t off, const char *name, uint16_t type);
/* The source and destination ports that TCP and UDP headers begin with,
 * at off: their fields, and info's ports once their 4 bytes were captured
 * (even when the rest of the header was not: a cut segment still names
 * its ports). */
void dis_ports(struct dctx *c, uint32_t off, uint16_t sport, uint16_t dport);
/* What an IPv4 or IPv6 header leaves, len bytes with the reader at their
 * start, the same for both: dispatched on the IP protocol number; but of a
 * fragment after the first (frag_off, in bytes, not 0) only the data, as
 * its transport header travelled in the first.  more: more fragments
 * follow, so the inner headers may announce more than len. */
void dis_ip_payload(struct dctx *c, uint8_t proto, uint32_t len, uint32_t frag_off, bool more);
/* What IPv4 and IPv6 do alike once their fixed header (need bytes at o,
 * layer L) is read: the source and destination fields (alen bytes each,
 * from o + at), the truncation check, "src > dst" as the layer's value and
 * the version check.  false: a problem was recorded and the header ends. */
/* Where a header that comes in versions 2 and 3 (OSPF, VRRP) is read:
 * truncation of its need bytes at o, then, outside a quoted packet, its
 * version v.  false: a problem was recorded (or the packet is quoted) and
 * the decoder goes no further. */
bool dis_header_v2v3(struct dctx *c, const char *proto, uint32_t o, uint32_t need, unsigned v);
/* The IP header's facts in c->info, once it is known to be sound; sraw and
 * draw: the addresses' 4 (IPv4) or 16 bytes. */
void dis_ip_info(struct dctx *c, uint8_t version, const char *src, const char *dst, const uint8_t *sraw,
                 const uint8_t *draw, uint8_t ttl, uint8_t proto);
bool dis_ip_addrs(struct dctx *c, int L, uint32_t o, uint32_t at, uint32_t alen, const char *src,
                  const char *dst, uint32_t need, unsigned version, unsigned want);
const char *dis_ipproto_name(uint8_t proto);
/* The IP packet quoted by an ICMP/ICMPv6 error, [off, off+len) of the frame:
 * decoded at depth 1 into info->quote. */
void dis_quoted(struct dctx *c, uint32_t off, uint32_t len);
/* Fold a ones'-complement sum to 16 bits. */
uint16_t dis_cksum_fold(uint32_t sum);
/* The value text of an Internet checksum `sum` stored at off+at and covering
 * [off, off+len) plus a pseudo-header sum: "0x1c46 (correct)", "... (incorrect,
 * should be 0x...)" or "... (not verified: not all captured)"; "" with
 * DISSECT_NO_TEXT, where it would go into no field. */
void dis_cksum_text(const struct dctx *c, uint32_t off, uint32_t len, uint32_t at, uint32_t pseudo,
                    uint16_t sum, char *buf, size_t n);
/* The value text of a TCP or UDP checksum stored at off+at, covering the
 * segment [off, off+len) and the pseudo-header (RFC 9293 3.1, RFC 768,
 * RFC 8200 8.1) of IP protocol proto: "0x1c46 (correct)", "... (incorrect,
 * should be 0x...)", "... (unverified: offloaded, ...)" when the field holds
 * just the pseudo-header sum (Linux leaves it so on loopback and for cards
 * that checksum on send), "... (unverified: not all bytes captured)", or
 * "... (unverified: IP fragment)" when the segment goes on elsewhere; "" with
 * DISSECT_NO_TEXT. */
void dis_l4_cksum(const struct dctx *c, uint32_t off, uint32_t len, uint32_t at, uint8_t proto,
                  uint16_t sum, char *buf, size_t n);
/* Append to a NUL-terminated string, silently cutting at n. */
#define dis_appendf text_appendf   /* common/text.h: the dissectors' name for it */
/* "00:11:22:33:44:55"-style colon hex of n bytes. */
void dis_fmt_hw(const uint8_t *a, size_t n, char *buf, size_t bn);

/* ---- link layers (link_*.c), network and transport layers (proto_*.c) ---- */
void dis_link_ether(struct dctx *c);      /* from the reader's position: also inside tunnels */
void dis_link_null(struct dctx *c);
void dis_link_loop(struct dctx *c);
void dis_link_sll(struct dctx *c);
void dis_link_sll2(struct dctx *c);
void dis_link_ppp(struct dctx *c);        /* link_ppp.c: PPP, PPP in HDLC framing, PPPoE */
void dis_link_ppp_hdlc(struct dctx *c);
uint32_t dis_pppoe(struct dctx *c);
void dis_link_chdlc(struct dctx *c);      /* link_chdlc.c */
void dis_link_fr(struct dctx *c);         /* link_fr.c */
void dis_link_arcnet(struct dctx *c);     /* link_arcnet.c */
void dis_link_ipnet(struct dctx *c);      /* link_ipnet.c */
void dis_link_ipoib(struct dctx *c);      /* link_ipoib.c */
void dis_link_nflog(struct dctx *c);      /* link_nflog.c */
void dis_link_pflog(struct dctx *c);      /* link_pflog.c */
void dis_link_pktap(struct dctx *c);      /* link_pktap.c */
void dis_link_802154(struct dctx *c);     /* link_ieee802154.c: with FCS, without, */
void dis_link_802154_nofcs(struct dctx *c);   /* after the non-ASK PHY header, after TAP */
void dis_link_802154_phy(struct dctx *c);
void dis_link_802154_tap(struct dctx *c);
void dis_link_juniper(struct dctx *c);    /* link_juniper.c: every LINKTYPE_JUNIPER_* (c->linktype) */
void dis_link_80211(struct dctx *c);      /* link_80211.c */
void dis_80211_frame(struct dctx *c, bool fcs);   /* from the reader; fcs: 4 bytes of FCS at the end */
void dis_link_radiotap(struct dctx *c);   /* link_radiotap.c: radiotap and PPI before 802.11 */
void dis_link_ppi(struct dctx *c);
uint32_t dis_mpls(struct dctx *c);
uint32_t dis_macsec(struct dctx *c);      /* proto_macsec.c: 802.1AE SecTAG */
uint32_t dis_arista(struct dctx *c);      /* proto_arista.c: EtherType 0xD28B, a timestamp */
/* Tunnels (proto_ipip.c, proto_gre.c, proto_vxlan.c, proto_geneve.c).
 * dis_tunnel_enter counts one more encapsulation and says false, having
 * recorded why, past DIS_MAX_TUNNELS: a crafted frame of nested tunnels
 * must not recurse without bound. */
enum { DIS_MAX_TUNNELS = 8 };
struct dis_seg;
bool dis_tunnel_enter(struct dctx *c, const char *what);
void dis_ipip(struct dctx *c, uint32_t len);      /* IP protocol 4: IPv4 in IP */
void dis_ip6ip(struct dctx *c, uint32_t len);     /* IP protocol 41: IPv6 in IP */
void dis_gre(struct dctx *c, uint32_t len);       /* IP protocol 47 */
bool dis_vxlan(struct dctx *c, const struct dis_seg *s);
bool dis_geneve(struct dctx *c, const struct dis_seg *s);
bool dis_mpls_udp(struct dctx *c, const struct dis_seg *s);  /* proto_mpls.c: RFC 7510, UDP 6635 */
uint32_t dis_nsh(struct dctx *c);                 /* proto_nsh.c, EtherType 0x894f */        /* proto_mpls.c: a label stack and what it carries */
uint32_t dis_vlan(struct dctx *c);    /* an 802.1Q/802.1ad tag (link_ether.c) */
uint32_t dis_arp(struct dctx *c);    /* ARP and RARP (proto_arp.c) */
uint32_t dis_ipv4(struct dctx *c);   /* return the length the header announces */
uint32_t dis_ipv6(struct dctx *c);
/* The DSCP and ECN sub-fields of an IPv4 DS byte or IPv6 traffic class (proto_ipv4.c). */
void dis_ds_fields(struct dctx *c, uint32_t off, uint32_t len, uint8_t ds);
/* RFC 5952 text of an IPv6 address (proto_ipv6.c). */
void dis_fmt_ip6(const uint8_t a[16], char *buf, size_t n);
void dis_tcp(struct dctx *c, uint32_t len);
void dis_udp(struct dctx *c, uint32_t len);
void dis_icmp(struct dctx *c, uint32_t len);
void dis_icmp6(struct dctx *c, uint32_t len);
void dis_ospf(struct dctx *c, uint32_t len);   /* proto_ospf.c */
void dis_sctp(struct dctx *c, uint32_t len);   /* proto_sctp.c */
void dis_vrrp(struct dctx *c, uint32_t len);   /* proto_vrrp.c */

/* ---- application layers (app.c, proto_http.c, proto_smtp.c, proto_ftp.c, proto_dns.c) ----
 *
 * dis_payload hands a non-empty transport payload to dis_app, which tries
 * the decoder of a well-known port first, then every decoder by content.  A
 * decoder gets a dctx whose reader ends where the payload does (or where
 * the capture does, if sooner) and the payload's place in `seg`.  It
 * returns false, having recorded nothing, when the payload is not its
 * protocol; else it adds its layer, sets info->app, info->proto and
 * info->app_summary and returns true.  A payload cut by the capture is
 * reported by dis_payload afterwards; a decoder reports only what is
 * impossible in the bytes it has (or a truncation it can name better). */
struct dis_seg {
	uint32_t off;       /* first payload byte in the frame */
	uint32_t len;       /* payload length per the headers */
	uint32_t end;       /* off + len */
	bool cut;           /* the capture ends before `end` */
	bool tcp;           /* a TCP segment (else a UDP datagram) */
	bool by_port;       /* chosen by a well-known port, not by content */
};
/* Returns whether an application decoder took the payload. */
bool dis_app(struct dctx *c, uint32_t off, uint32_t len);
bool dis_http(struct dctx *c, const struct dis_seg *s);
bool dis_dns(struct dctx *c, const struct dis_seg *s);
bool dis_tls(struct dctx *c, const struct dis_seg *s);   /* proto_tls.c */
bool dis_dhcp(struct dctx *c, const struct dis_seg *s);  /* proto_dhcp.c */
bool dis_ntp(struct dctx *c, const struct dis_seg *s);   /* proto_ntp.c */
bool dis_dhcp6(struct dctx *c, const struct dis_seg *s); /* proto_dhcp6.c */
bool dis_bgp(struct dctx *c, const struct dis_seg *s);   /* proto_bgp.c */
bool dis_sip(struct dctx *c, const struct dis_seg *s);   /* proto_sip.c */
bool dis_snmp(struct dctx *c, const struct dis_seg *s);  /* proto_snmp.c */
bool dis_quic(struct dctx *c, const struct dis_seg *s);  /* proto_quic.c */
bool dis_rtcp(struct dctx *c, const struct dis_seg *s);  /* proto_rtcp.c */

/* Text lines of SMTP, FTP and HTTP (app.c).  A line is [off, off+len)
 * without its end of line; eol is 2 for CRLF, 1 for a bare LF, 0 when the
 * bytes run out first.  dis_line_next returns false at the reader's end. */
struct dis_line {
	uint32_t off, len;
	uint8_t eol;
};
bool dis_line_next(struct rd *r, struct dis_line *l);
/* The bytes [off, off+len) as a C string for matching and display: bytes
 * outside printable ASCII become '.', a text longer than n-1 ends in "...". */
void dis_text(const struct rd *r, uint32_t off, uint32_t len, char *buf, size_t n);

/* SMTP and FTP share the command/reply line syntax (RFC 5321 section 4.1
 * and 4.2, RFC 959 section 4): "VERB argument" lines from the client,
 * "NNN text" / "NNN-text" reply lines from the server.  app.c decodes them
 * with a table per protocol. */
enum { VERB_SECRET = 1,   /* the argument is a password */
       VERB_ONLY = 2 };   /* only this protocol has the verb: it decides between SMTP and FTP */
struct dis_verb {
	const char *verb;
	uint8_t flags;
	const char *arg;    /* name of its argument field ("Domain", "Path name") */
	const char *help;
};
struct dis_lineproto {
	const char *app;    /* "SMTP" */
	const char *layer;  /* "Simple Mail Transfer Protocol" */
	const struct dis_verb *verbs;
	size_t nverbs;
	const struct dis_name *codes;   /* reply code meanings */
	size_t ncodes;
	const unsigned *only;           /* reply codes only this protocol sends */
	size_t nonly;
	const char *const *hints;       /* words in a reply's text that name this protocol */
	size_t nhints;
	bool message_data;              /* SMTP: a line that is no command is message content */
	/* Called for each reply line with the code and where the text is:
	 * FTP decodes the data connection's address of 227 and 229 here. */
	void (*reply)(struct dctx *c, unsigned code, uint32_t text_off, uint32_t text_len);
	/* Called for each command: FTP decodes PORT and EPRT here. */
	void (*command)(struct dctx *c, const char *verb, uint32_t arg_off, uint32_t arg_len);
};
extern const struct dis_lineproto dis_smtp_proto, dis_ftp_proto;
/* How well the first line of [s->off, ...) fits p: 0 not at all, 1 it could
 * (a shared reply code or verb), 2 it does (a verb, a reply code or a word
 * only p uses). */
int dis_lines_score(struct dctx *c, const struct dis_seg *s, const struct dis_lineproto *p);
/* Decode the payload as lines of p; name overrides p->app for a reply
 * that SMTP and FTP could both have sent ("SMTP/FTP"). */
void dis_lines(struct dctx *c, const struct dis_seg *s, const struct dis_lineproto *p, const char *name);

/* An ICMP or ICMPv6 message type (the tables of proto_icmp.c and
 * proto_icmp6.c); kind is the file's own enum. */
struct dis_icmp_type {
	unsigned type;
	int kind;
	const char *name;
	const struct dis_name *codes;   /* what the code means, or NULL */
	size_t ncodes;
	const char *help;
};
/* The type's entry, NULL if unknown (also for the summaries). */
const struct dis_icmp_type *dis_icmp_type(uint8_t type);
const struct dis_icmp_type *dis_icmp6_type(uint8_t type);
/* t's name, and the name of its code; NULL when t is NULL or the code unknown (dissect.c). */
const char *dis_icmp_type_name(const struct dis_icmp_type *t);
const char *dis_icmp_code_name(const struct dis_icmp_type *t, uint8_t code);
/* What ICMP and ICMPv6 messages share, as RFC 4443 keeps RFC 792's header
 * (proto_icmp.c): the Type and Code fields of the message at o; an echo's
 * Identifier and Sequence number fields; and once the 8-byte header is
 * read, true with the layer's value and info's type and code set, or
 * false when the header was not all captured (reported as `what`). */
void dis_icmp_type_fields(struct dctx *c, uint32_t o, const struct dis_icmp_type *t, uint8_t type, uint8_t code);
void dis_icmp_echo_fields(struct dctx *c, uint32_t o, uint16_t id, uint16_t seq);
bool dis_icmp_header_done(struct dctx *c, int layer, uint32_t o, const char *what, const struct dis_icmp_type *t,
                          uint8_t type, uint8_t code);

#endif
