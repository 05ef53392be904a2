/*
 * dissect.h — turn one captured frame into a tree of fields and a summary.
 *
 * Role: the packet decoder shared by the lesson screens, the headless text
 * output, inspection mode and the tests.  It never touches curses or the
 * network; it reads bytes and produces data.
 *
 * Data model: a dissection owns a flat, pre-ordered array of fields.  Each
 * field has a depth (0 = a layer such as "Ethernet II", 1 = a field of that
 * layer, 2 = a sub-field such as one TCP flag or one TCP option ...), a name,
 * a printable value, and the byte range [off, off+len) of the frame it was
 * read from, so the hex view can highlight it.  Children directly follow
 * their parent.  Alongside the tree, `info` holds the facts that summaries,
 * filters and the demo engine need (addresses, ports, TCP header values).
 *
 * Every byte is read through the bounds-checked reader in reader.h.  A frame
 * that ends before a header does is TRUNCATED (the capture stopped there); a
 * header whose values are impossible (IPv4 IHL < 5, TCP data offset < 5, a
 * length field shorter than its own header) is MALFORMED.  Both keep every
 * field decoded before the problem and say what went wrong in `problem`.
 *
 * Truncation is judged against what the headers announce, not against
 * wirelen: a frame whose headers were all captured but whose transport
 * payload (per the IP/UDP length fields) was cut is TRUNCATED too, with e.g.
 * "truncated: TCP payload 13 bytes, 5 captured"; bytes after the end of the
 * IP packet (Ethernet padding) are shown but their loss is not a problem.
 * Problems read "truncated: ...", "malformed: ..." or "unsupported: ...";
 * the first truncation or malformation wins (it may replace "unsupported").
 * Every field lies within [0, caplen): bytes that were not captured are not
 * shown as fields (a layer or raw-data field is clipped to what was captured).
 */
#ifndef SOCKSCOPE_DISSECT_H
#define SOCKSCOPE_DISSECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* libpcap DLT_/LINKTYPE_ numbers we decode (values from the tcpdump.org
 * link-layer header types list; defined here so this module does not need
 * pcap.h). */
enum {
	LINK_NULL = 0,         /* BSD loopback: 4-byte host-order family */
	LINK_ETHERNET = 1,
	LINK_PPP = 9,          /* PPP, "ff 03" framing optional */
	LINK_PPP_HDLC = 50,    /* PPP in HDLC-like framing, or Cisco HDLC */
	LINK_PPP_ETHER = 51,   /* PPPoE header first */
	LINK_RAW = 101,        /* raw IPv4/IPv6, version from the first nibble */
	LINK_C_HDLC = 104,     /* Cisco HDLC */
	LINK_FRELAY = 107,     /* Frame Relay, Q.922 address first */
	LINK_IEEE802_11 = 105, /* Wi-Fi frames */
	LINK_LOOP = 108,       /* OpenBSD loopback: 4-byte network-order family */
	LINK_LINUX_SLL = 113,
	LINK_PFLOG = 117,      /* pf's log device */
	LINK_RADIOTAP = 127,   /* radiotap, then 802.11 */
	LINK_ARCNET_LINUX = 129,
	LINK_USER2 = 149,      /* user-defined; Apple PKTAP on macOS */
	LINK_JUNIPER_ETHER = 178,   /* Juniper's header, then Ethernet (link_juniper.c has the family) */
	LINK_PPI = 192,        /* CACE PPI, then the DLT it names */
	LINK_IEEE802_15_4 = 195,   /* with FCS; 215 after a PHY header, 283 after TAP */
	LINK_IPNET = 226,      /* Solaris IP observability devices */
	LINK_IPV4 = 228,
	LINK_IPV6 = 229,
	LINK_IEEE802_15_4_NOFCS = 230,
	LINK_NFLOG = 239,      /* Linux netfilter log */
	LINK_IPOIB = 242,      /* IP over InfiniBand */
	LINK_PKTAP = 258,      /* Apple PKTAP */
	LINK_LINUX_SLL2 = 276,
};

enum dis_status {
	DIS_OK = 0,
	DIS_TRUNCATED,   /* the captured bytes end before the headers do */
	DIS_MALFORMED,   /* a header value is impossible */
	DIS_UNSUPPORTED, /* a link type or protocol we do not decode (shown as raw bytes) */
};

#define FIELD_NAME_MAX 40
#define FIELD_VALUE_MAX 160

struct field {
	uint32_t off;                 /* first byte of the field within the frame */
	uint32_t len;                 /* bytes covered (0 for a computed field) */
	uint8_t depth;                /* 0 = layer, 1 = field, 2 = sub-field ... */
	char name[FIELD_NAME_MAX];    /* "Source port", "Flags", "MSS" */
	char value[FIELD_VALUE_MAX];  /* "51234", "0x012 (SYN, ACK)", "65495" */
	const char *help;             /* static one-line explanation, or NULL */
};

/* TCP flag bits as on the wire (RFC 9293 + RFC 3168). */
enum {
	TCPF_FIN = 0x01, TCPF_SYN = 0x02, TCPF_RST = 0x04, TCPF_PSH = 0x08,
	TCPF_ACK = 0x10, TCPF_URG = 0x20, TCPF_ECE = 0x40, TCPF_CWR = 0x80,
};

/* Facts about a packet, filled as far as decoding got. */
struct pkt_info {
	int ip_version;            /* 4, 6, or 0 when there is no IP layer */
	char src[46], dst[46];     /* numeric addresses ("127.0.0.1", "::1") */
	uint8_t ip_proto;          /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 ... */
	uint8_t ttl;               /* TTL / hop limit */
	bool has_ports;
	uint16_t sport, dport;
	const char *proto;         /* short name for the list: "TCP", "UDP", "ICMP", "ICMPv6", "IPv4", "ARP", "Ethernet"..., or the application's ("HTTP", "DNS") (static) */

	/* TCP only (valid when ip_proto == 6 and the header was decoded) */
	bool tcp;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint16_t win;
	char tcp_opts[120];        /* tcpdump-like option list: "mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7" */

	/* ICMP / ICMPv6 */
	bool icmp;
	uint8_t icmp_type, icmp_code;

	/* transport payload (TCP segment data, UDP datagram data) */
	uint32_t payload_off;      /* offset in the frame */
	uint32_t payload_len;      /* per the headers (may exceed what was captured) */
	uint32_t payload_caplen;   /* how much of it was captured */

	/* Added by the dissector (appended; the members above are unchanged). */
	bool udp;                  /* the UDP header was decoded */
	uint16_t tcp_urp;          /* TCP urgent pointer */
	uint32_t l4_len;           /* transport message length per the IP header (header + data) */
	bool fragment;             /* a non-first IP fragment: no transport header in it */
	uint32_t frag_offset;      /* its offset in bytes */
	uint16_t icmp_id, icmp_seq;  /* ICMP/ICMPv6 echo identifier and sequence number */
	char nd_target[46];        /* ICMPv6 neighbor solicitation/advertisement target, or "" */
	struct pkt_quote {         /* the packet an ICMP/ICMPv6 error message quotes */
		bool valid;            /* its IP header was decoded */
		int ip_version;
		char src[46], dst[46];
		uint8_t ip_proto;
		bool has_ports;
		uint16_t sport, dport;
	} quote;

	/* Application layer (app.c and the proto_<app>.c files): set when the
	 * transport payload was recognised by a well-known port or by content. */
	const char *app;           /* "HTTP", "SMTP", "FTP", "SMTP/FTP" (a reply either could send), "DNS", "TLS",
	                              "DHCP", "BOOTP", or NULL (static); "ARP"/"RARP" for those (no IP layer) */
	char app_summary[160];     /* its one-liner: "GET /hello HTTP/1.1", "250-sockscope.test ...", "query 0x5c00 A lab.sockscope.test" */
	/* FTP: where the data connection will go, from a 227 (PASV) or 229
	 * (EPSV) reply or a PORT/EPRT command in this packet; port 0 when none.
	 * A 229 reply names only the port: the address is then the reply's
	 * source (RFC 2428 section 3). */
	uint16_t ftp_data_port;
	char ftp_data_addr[46];

	/* TCP analysis (summary.c): set by flowtab_analyse, else 0. */
	uint64_t frame_hash;       /* of the captured bytes: the flow table's identity of a packet */
	unsigned tcp_analysis;     /* TCPA_* bits */
	unsigned tcp_dupack;       /* with TCPA_DUP_ACK: 1 for the first duplicate, 2 ... */

	/* Tunnels (GRE, VXLAN, Geneve, IP in IP, NSH): every field above then
	 * describes the innermost packet, as the list shows it; this says what
	 * it was carried in, outermost first, for the summary's prefix:
	 * "192.0.2.1 > 192.0.2.2 VXLAN vni 7: " ("" when not tunnelled). */
	char tunnel[128];

	/* The IP addresses as on the wire (4 bytes for IPv4, the rest zero),
	 * set with src and dst: the flow table's key, compared and hashed as
	 * four words where the text took a byte at a time. */
	uint8_t ip_src[16], ip_dst[16];
};

/* TCP analysis per connection and direction (like tshark's tcp.analysis.*). */
enum {
	TCPA_LOST = 1,          /* previous segment not captured: seq beyond the next expected */
	TCPA_RETRANS = 2,       /* data (or SYN/FIN) already seen, sent again */
	TCPA_OUT_OF_ORDER = 4,  /* data filling a gap left by a "not captured" segment */
	TCPA_DUP_ACK = 8,       /* a bare ACK repeating the previous ack and window */
	TCPA_ZERO_WINDOW = 16,  /* window 0: the receiver's buffer is full */
	TCPA_WINDOW_UPDATE = 32,/* a bare ACK that only changes the window */
	TCPA_KEEP_ALIVE = 64,   /* a probe one byte before the next expected seq */
};

struct dissection {
	enum dis_status status;
	char problem[160];         /* "truncated: TCP header needs 20 bytes, 12 captured" */
	struct pkt_info info;
	struct field *fields;      /* owned; nfields entries, pre-order */
	size_t nfields, cap;
	uint32_t caplen, wirelen;
	unsigned opts;             /* the DISSECT_* options it was made with */
};

/* Decode one frame.  `data` holds `caplen` captured bytes of a frame that
 * was `wirelen` bytes on the wire.  Always fills *d (call dissection_free
 * after), also on truncation or malformation; returns d->status.
 * Never reads outside data[0..caplen). */
enum dis_status dissect_frame(int linktype, const uint8_t *data, uint32_t caplen,
                              uint32_t wirelen, struct dissection *d);
void dissection_free(struct dissection *d);

/* Options of dissect_frame_opt, for views that decode many frames and show
 * only their summaries (the packet list of a capture file). */
enum {
	DISSECT_NO_TEXT = 1,   /* fields keep offsets, lengths and depths, but their
	                          names and values stay "": info, status, problem
	                          and summaries are as with dissect_frame */
	DISSECT_REUSE = 2,     /* d holds an earlier dissection (or is zeroed): its
	                          field array is reused, so no allocation per frame */
};
/* dissect_frame with options; call dissection_free once after the last use. */
enum dis_status dissect_frame_opt(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                  unsigned opts, struct dissection *d);

/* Name of a link type for messages ("Ethernet", "Linux cooked (SLL2)"...),
 * a static string, or NULL when unknown. */
const char *dissect_linktype_name(int linktype);

/* Index of the deepest field that covers byte `off`, or -1. */
int dissect_field_at(const struct dissection *d, uint32_t off);

/* ---- one-line summaries with per-connection relative sequence numbers ----
 *
 * A flow table remembers, per TCP connection and direction, the first
 * sequence number seen (the ISN from the SYN when it was captured), so
 * summaries show seq/ack relative to it as tcpdump does.  Feed packets in
 * capture order.  The table owns its memory. */
struct flowtab;
struct flowtab *flowtab_new(void);
void flowtab_free(struct flowtab *t);

/* Write a tcpdump-like summary of a decoded packet into buf, e.g.
 *   "Flags [S.], seq 0, ack 1, win 65483, options [mss 65495,sackOK,TS val 1 ecr 1,nop,wscale 7], length 0"
 *   "UDP, length 12"
 *   "ICMP 127.0.0.1 udp port 40000 unreachable"
 * A recognised application payload appends its line to a TCP summary
 * ("..., length 38: HTTP: GET /hello HTTP/1.1", ": SMTP: EHLO ...",
 * ": FTP: 227 Entering Passive Mode (127,0,0,1,170,47)") and replaces UDP's
 * ("DNS query 0x5c00 A lab.sockscope.test",
 *  "DNS response 0x5c00 A lab.sockscope.test: A 127.0.0.1").
 * When t is non-NULL the packet is also recorded in it (first call per
 * packet decides relative numbering; pass NULL to format without tracking,
 * absolute numbers are then shown).  seq is relative to its direction's
 * base (the ISN from a SYN, else the first seq seen), ack to the reverse
 * direction's (absolute until that direction has been seen).  TCP analysis
 * findings (see flowtab_analyse) follow as " [retransmission]",
 * " [duplicate ACK #2]", " [zero window]"...  A truncated
 * or malformed packet's summary ends with " [truncated]" or
 * " [malformed: reason]".  Returns buf. */
char *dissect_summary(const struct dissection *d, struct flowtab *t, char *buf, size_t n);

/* dissect_summary in two halves, for a walk that dissects and formats
 * packets on several threads while one feeds the table in capture order
 * (inspect/print.c): flowtab_step records d in t exactly as dissect_summary
 * does and says what the summary takes from the table; the summary of d
 * with those facts is then dissect_summary's, byte for byte, on any
 * thread, as it reads nothing else of t.  t may be NULL (absolute numbers,
 * no findings). */
struct flow_facts {
	uint32_t seq, ack;         /* relative (absolute without a table) */
	unsigned bits, dupn;       /* TCPA_* findings, the duplicate ACK number */
	bool ftp_data;             /* a segment of an announced FTP data connection */
};
void flowtab_step(struct flowtab *t, const struct dissection *d, struct flow_facts *ff);
/* A hint before flowtab_step(t, d) a few packets later: the table's
 * memory d will touch (the frames seen: a cache miss a TCP packet on a big
 * file) starts coming into the cache.  Changes nothing. */
void flowtab_prefetch(const struct flowtab *t, const struct dissection *d);
char *dissect_summary_facts(const struct dissection *d, const struct flow_facts *ff, char *buf, size_t n);

/* Record a TCP segment in t (as dissect_summary does) and give its seq and
 * ack relative to the connection, by the same rules, for views that lay
 * the numbers out themselves (the ladder diagram).  Feed packets in capture
 * order; recording a packet twice changes nothing.  t may be NULL (absolute
 * numbers).  Returns false, writing nothing, when d holds no TCP header. */
bool flowtab_relative(struct flowtab *t, const struct dissection *d, uint32_t *seq, uint32_t *ack);

/* TCP analysis: record d in t (as dissect_summary does), set
 * d->info.tcp_analysis and tcp_dupack, and append a depth-0 layer "TCP
 * analysis" with one field per finding and its explanation (nothing when
 * there is none).  The rules, per direction (sequence numbers mod 2^32):
 *   - previous segment not captured: data starts beyond the next expected seq;
 *   - out-of-order: data inside the gap such a segment left, unless the
 *     receiver asked for it with two or more duplicate ACKs: then it is a
 *     (fast) retransmission;
 *   - retransmission: other data (or SYN/FIN) before the next expected seq;
 *   - keep-alive: 0 or 1 byte at next expected seq - 1;
 *   - duplicate ACK: no data, no SYN/FIN/RST, same ack and window as the
 *     direction's previous segment (counted until the ack moves);
 *   - window update: no data, same ack, a different non-zero window;
 *   - zero window: window 0 outside SYN/FIN/RST.
 * Where tshark decides between retransmission and out-of-order by timing,
 * this decides by whether the bytes were seen and asked for again.  A frame fed again (the same
 * bytes) gets its first answer and changes nothing, so an exact duplicate
 * frame is not called a retransmission.  Returns the TCPA_* bits. */
unsigned flowtab_analyse(struct flowtab *t, struct dissection *d);

/* "127.0.0.1:5000" or "[::1]:5000" or just the address when no ports. */
void dissect_endpoint(const struct pkt_info *i, bool source, char *buf, size_t n);

#endif
