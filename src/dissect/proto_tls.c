/*
 * proto_tls.c — TLS records (RFC 8446 section 5, RFC 5246 section 6.2)
 * and the two hellos that open a connection: ClientHello and ServerHello
 * (RFC 8446 4.1.2-4.1.3), with the extensions a learner looks for: server
 * name (SNI, RFC 6066 3), ALPN (RFC 7301), supported versions (RFC 8446
 * 4.2.1); the rest are named by number.  Everything after the hellos is
 * encrypted and shown as records only.
 *
 * Recognised on TCP port 443 (either side), or by content: a handshake
 * record header 0x16 0x03 0x00-0x04.  A segment may hold several records,
 * and a record may go on in later segments: its missing part is said so,
 * not called an error (dissection is per packet).  Inside a record every
 * length (handshake, session ID, cipher suites, extensions) must fit in the
 * one around it; one that does not, with all of it captured, is MALFORMED.
 * Each walk moves forward by at least the bytes it consumed, and at most
 * MAX_RECORDS records and MAX_ITEMS list entries are shown per segment.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

enum { REC_HDR = 5, HS_HDR = 4, MAX_RECORDS = 64, MAX_ITEMS = 128 };
enum { CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPDATA = 23, CT_HEARTBEAT = 24 };
enum { HS_CLIENT_HELLO = 1, HS_SERVER_HELLO = 2 };
enum { EXT_SNI = 0, EXT_ALPN = 16, EXT_VERSIONS = 43 };

static const struct dis_name content_types[] = {
	{ CT_CCS, "Change Cipher Spec" }, { CT_ALERT, "Alert" }, { CT_HANDSHAKE, "Handshake" },
	{ CT_APPDATA, "Application Data" }, { CT_HEARTBEAT, "Heartbeat" },
};
static const struct dis_name hs_types[] = {
	{ 0, "HelloRequest" }, { 1, "ClientHello" }, { 2, "ServerHello" }, { 4, "NewSessionTicket" },
	{ 5, "EndOfEarlyData" }, { 8, "EncryptedExtensions" }, { 11, "Certificate" },
	{ 12, "ServerKeyExchange" }, { 13, "CertificateRequest" }, { 14, "ServerHelloDone" },
	{ 15, "CertificateVerify" }, { 16, "ClientKeyExchange" }, { 20, "Finished" }, { 24, "KeyUpdate" },
};
static const struct dis_name versions[] = {
	{ 0x0300, "SSL 3.0" }, { 0x0301, "TLS 1.0" }, { 0x0302, "TLS 1.1" }, { 0x0303, "TLS 1.2" },
	{ 0x0304, "TLS 1.3" },
};
/* IANA "TLS Cipher Suites": the ones a learner meets today. */
static const struct dis_name suites[] = {
	{ 0x1301, "TLS_AES_128_GCM_SHA256" }, { 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" }, { 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" }, { 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }, { 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" }, { 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" }, { 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" }, { 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" }, { 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" }, { 0x5600, "TLS_FALLBACK_SCSV" },
};
static const struct dis_name ext_names[] = {
	{ 0, "Server name" }, { 1, "Max fragment length" }, { 5, "Status request" },
	{ 10, "Supported groups" }, { 11, "EC point formats" }, { 13, "Signature algorithms" },
	{ 16, "ALPN" }, { 18, "Signed certificate timestamp" }, { 21, "Padding" },
	{ 22, "Encrypt then MAC" }, { 23, "Extended master secret" }, { 27, "Compress certificate" },
	{ 35, "Session ticket" }, { 41, "Pre-shared key" }, { 42, "Early data" },
	{ 43, "Supported versions" }, { 44, "Cookie" }, { 45, "PSK key exchange modes" },
	{ 49, "Post-handshake auth" }, { 50, "Signature algorithms cert" }, { 51, "Key share" },
	{ 0xff01, "Renegotiation info" },
};

/* "0x0303 (TLS 1.2)", "0x1a1a (GREASE)" (RFC 8701), "0x7f1c (unknown)". */
static const char *version_name(uint16_t v)
{
	const char *n = dis_name(versions, DIS_COUNT(versions), v);
	if (n)
		return n;
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff) ? "GREASE" : "unknown";
}

/* A bounded walk over [off, end) of the frame: reads stop at end or at the
 * capture's end, whichever comes first. */
static struct rd sub(const struct dctx *c, uint32_t off, uint32_t end)
{
	struct rd r = rd_at(&c->r, off);
	if (r.len > end)
		r.len = end;
	return r;
}

/* The segment being decoded. */
struct tls {
	struct dctx *c;
	bool bad;           /* a problem was reported: stop */
	bool cont;          /* the message goes on in a later segment: lengths may run past this one */
	char sum[160];      /* the summary of the segment */
	char sni[100], alpn[100];
	uint16_t chosen_version, suite;
};

/* Does [p, p+n) fit in a container ending at end?  If not, and the
 * container was all captured, its lengths contradict: malformed. */
static bool fits(struct tls *t, uint32_t p, uint32_t n, uint32_t end, const char *what)
{
	if (t->bad)
		return false;
	if (p <= end && n <= end - p)
		return true;
	if (!t->cont && rd_has(&t->c->r, p, end > p ? end - p : 0))
		dis_malformed(t->c, "TLS %s length %u runs past the end of its container", what, n);
	t->bad = true;
	return false;
}

static void ext_sni(struct tls *t, uint32_t p, uint32_t end, int depth)
{
	struct dctx *c = t->c;
	struct rd r = sub(c, p, end);
	uint16_t list = rd_be16(&r);
	dis_field(c, depth, p, 2, "List length", NULL, "%u", list);
	for (int k = 0; k < MAX_ITEMS && rd_left(&r) >= 3; k++) {
		uint32_t at = r.off;
		uint8_t type = rd_u8(&r);
		uint16_t n = rd_be16(&r);
		if (!fits(t, r.off, n, end, "server name"))
			return;
		char name[100];
		dis_text(&r, r.off, n, name, sizeof name);
		if (type == 0) {
			dis_field(c, depth, at + 3, n, "Host name", "The name the client wants to reach: lets one "
			          "address serve many sites; sent in the clear", "%s", name);
			if (!t->sni[0])
				snprintf(t->sni, sizeof t->sni, "%s", name);
		} else {
			dis_field(c, depth, at, 3u + n, "Name", NULL, "type %u: %s", type, name);
		}
		rd_skip(&r, n);
	}
}

static void ext_alpn(struct tls *t, uint32_t p, uint32_t end, int depth)
{
	struct dctx *c = t->c;
	struct rd r = sub(c, p, end);
	uint16_t list = rd_be16(&r);
	dis_field(c, depth, p, 2, "List length", NULL, "%u", list);
	for (int k = 0; k < MAX_ITEMS && rd_left(&r) >= 1; k++) {
		uint32_t at = r.off;
		uint8_t n = rd_u8(&r);
		if (!fits(t, r.off, n, end, "ALPN protocol"))
			return;
		char name[64];
		dis_text(&r, r.off, n, name, sizeof name);
		dis_field(c, depth, at, 1u + n, "Protocol", "An application protocol the sender speaks; the "
		          "server picks one of the client's (h2: HTTP/2)", "%s", name);
		dis_appendf(t->alpn, sizeof t->alpn, "%s%s", t->alpn[0] ? "," : "", name);
		rd_skip(&r, n);
	}
}

/* supported_versions: a list in a ClientHello, one version in a ServerHello. */
static void ext_versions(struct tls *t, uint32_t p, uint32_t end, int depth, bool client)
{
	struct dctx *c = t->c;
	struct rd r = sub(c, p, end);
	if (client) {
		uint8_t n = rd_u8(&r);
		dis_field(c, depth, p, 1, "List length", NULL, "%u bytes", n);
		if (!fits(t, p + 1, n, end, "supported versions"))
			return;
	}
	for (int k = 0; k < MAX_ITEMS && rd_left(&r) >= 2; k++) {
		uint32_t at = r.off;
		uint16_t v = rd_be16(&r);
		dis_field(c, depth, at, 2, "Version", client ? "A version the client supports, best first" :
		          "The version the server chose: TLS 1.3 says so here, not in the legacy field",
		          "0x%04x (%s)", v, version_name(v));
		if (!client) {
			t->chosen_version = v;
			break;
		}
	}
}

static void extensions(struct tls *t, uint32_t p, uint32_t end, bool client)
{
	struct dctx *c = t->c;
	struct rd r = sub(c, p, end);
	uint16_t total = rd_be16(&r);
	if (r.short_)
		return;
	if (!fits(t, p + 2, total, end, "extensions"))
		return;
	uint32_t e = p + 2 + total;
	dis_group(c, 3, p, 2u + total, "Extensions", "Optional features, each a type, a length and data",
	          "%u bytes", total);
	for (int k = 0; k < MAX_ITEMS && r.off + 4 <= e && !t->bad; k++) {
		uint32_t at = r.off;
		uint16_t type = rd_be16(&r), n = rd_be16(&r);
		if (r.short_ || !fits(t, at + 4, n, e, "extension"))
			return;
		const char *name = dis_name(ext_names, DIS_COUNT(ext_names), type);
		bool grease = (type & 0x0f0f) == 0x0a0a && (type >> 8) == (type & 0xff);
		char nb[FIELD_NAME_MAX];
		if (!name) {
			snprintf(nb, sizeof nb, "Extension %u%s", type, grease ? " (GREASE)" : "");
			name = nb;
		}
		dis_group(c, 4, at, 4u + n, name, NULL, "type %u, %u bytes", type, n);
		if (type == EXT_SNI && client)
			ext_sni(t, at + 4, at + 4 + n, 5);
		else if (type == EXT_ALPN)
			ext_alpn(t, at + 4, at + 4 + n, 5);
		else if (type == EXT_VERSIONS)
			ext_versions(t, at + 4, at + 4 + n, 5, client);
		else if (n)
			dis_hex(c, 5, at + 4, n, "Data", NULL);
		rd_seek(&r, at + 4 + n);
	}
}

/* A ClientHello or ServerHello body [p, end). */
static void hello(struct tls *t, uint32_t p, uint32_t end, bool client)
{
	struct dctx *c = t->c;
	struct rd r = sub(c, p, end);
	uint16_t v = rd_be16(&r);
	dis_field(c, 3, p, 2, "Version", "The legacy version field: TLS 1.3 keeps 0x0303 here and names "
	          "itself in the supported_versions extension", "0x%04x (%s)", v, version_name(v));
	t->chosen_version = v;
	dis_hex(c, 3, p + 2, 32, "Random", "32 random bytes, mixed into the keys");
	rd_skip(&r, 32);
	uint8_t sidlen = rd_u8(&r);
	if (r.short_ || !fits(t, p + 35, sidlen, end, "session ID"))
		return;
	dis_hex(c, 3, p + 34, 1u + sidlen, "Session ID", "Resumes an earlier session (TLS 1.2); in "
	        "TLS 1.3 a compatibility value");
	rd_skip(&r, sidlen);
	if (client) {
		uint32_t at = r.off;
		uint16_t n = rd_be16(&r);
		if (r.short_ || !fits(t, at + 2, n, end, "cipher suites"))
			return;
		dis_group(c, 3, at, 2u + n, "Cipher suites", "The algorithm sets the client accepts, best first",
		          "%u suites", n / 2u);
		for (unsigned k = 0; k < n / 2u && k < MAX_ITEMS; k++) {
			uint16_t s = rd_be16(&r);
			const char *sn = dis_name(suites, DIS_COUNT(suites), s);
			dis_field(c, 4, at + 2 + 2 * k, 2, "Cipher suite", NULL, "0x%04x (%s)", s,
			          sn ? sn : (s & 0x0f0f) == 0x0a0a ? "GREASE" : "unknown");
		}
		rd_seek(&r, at + 2 + n);
		uint32_t cm = r.off;
		uint8_t ncm = rd_u8(&r);
		if (r.short_ || !fits(t, cm + 1, ncm, end, "compression methods"))
			return;
		dis_hex(c, 3, cm, 1u + ncm, "Compression methods", "Always just 0 (none) today");
		rd_seek(&r, cm + 1 + ncm);
	} else {
		uint16_t s = rd_be16(&r);
		const char *sn = dis_name(suites, DIS_COUNT(suites), s);
		dis_field(c, 3, r.off - 2, 2, "Cipher suite", "The algorithm set the server chose",
		          "0x%04x (%s)", s, sn ? sn : "unknown");
		t->suite = s;
		uint8_t cm = rd_u8(&r);
		dis_field(c, 3, r.off - 1, 1, "Compression method", NULL, "%u", cm);
	}
	if (r.short_ || r.off >= end)
		return;   /* cut by the capture (reported by dis_payload), or no extensions */
	extensions(t, r.off, end, client);
}

/* The handshake messages in a record's data [p, end). */
static void handshakes(struct tls *t, uint32_t p, uint32_t end)
{
	struct dctx *c = t->c;
	for (int k = 0; k < MAX_RECORDS && p + HS_HDR <= end && !t->bad; k++) {
		struct rd r = sub(c, p, end);
		uint8_t type = rd_u8(&r);
		uint32_t n = (uint32_t)rd_u8(&r) << 16;
		n |= rd_be16(&r);
		if (r.short_)
			return;
		const char *tn = dis_name(hs_types, DIS_COUNT(hs_types), type);
		bool whole = n <= end - p - HS_HDR;
		dis_group(c, 2, p, HS_HDR + n, "Handshake", "A message of the handshake that agrees on "
		          "keys and proves the server's identity", "%s%s", tn ? tn : "unknown (encrypted?)",
		          whole ? "" : " (continues in a later segment)");
		dis_field(c, 3, p, 1, "Type", NULL, "%u (%s)", type, tn ? tn : "unknown");
		dis_field(c, 3, p + 1, 3, "Length", NULL, "%u", n);
		dis_appendf(t->sum, sizeof t->sum, "%s%s", t->sum[0] ? ", " : "", tn ? tn : "Handshake");
		uint32_t e = whole ? p + HS_HDR + n : end;
		t->cont = !whole;
		if (type == HS_CLIENT_HELLO || type == HS_SERVER_HELLO)
			hello(t, p + HS_HDR, e, type == HS_CLIENT_HELLO);
		else if (!tn)
			return;   /* an encrypted handshake: the rest is not messages */
		if (!whole)
			return;
		p = e;
	}
}

static bool looks_like_tls(const struct rd *r, uint32_t off, bool by_port)
{
	struct rd q = rd_at(r, off);
	uint8_t ct = rd_u8(&q), major = rd_u8(&q), minor = rd_u8(&q);
	if (q.short_ || major != 3 || minor > 4)
		return false;
	return by_port ? ct >= CT_CCS && ct <= CT_HEARTBEAT : ct == CT_HANDSHAKE;
}

bool dis_tls(struct dctx *c, const struct dis_seg *s)
{
	if (!s->tcp || !looks_like_tls(&c->r, s->off, s->by_port))
		return false;
	struct pkt_info *i = c->info;
	struct tls t = { .c = c };
	int L = dis_layer(c, s->off, s->len, "Transport Layer Security",
	                  "TLS encrypts and authenticates a byte stream; only the hellos are readable",
	                  NULL);
	uint32_t p = s->off;
	for (int k = 0; k < MAX_RECORDS && p < s->end && !t.bad; k++) {
		struct rd r = sub(c, p, s->end);
		uint8_t ct = rd_u8(&r);
		uint16_t v = rd_be16(&r), n = rd_be16(&r);
		if (r.short_)
			break;   /* a record header cut by the segment or the capture */
		const char *cn = dis_name(content_types, DIS_COUNT(content_types), ct);
		bool whole = n <= s->end - p - REC_HDR;
		dis_group(c, 1, p, REC_HDR + n, "Record", "One unit of TLS: a type, a version, a length "
		          "and (after the handshake, encrypted) data", "%s, %s, %u bytes%s",
		          cn ? cn : "unknown", version_name(v), n,
		          whole ? "" : " (continues in a later segment)");
		dis_field(c, 2, p, 1, "Content type", NULL, "%u (%s)", ct, cn ? cn : "unknown");
		dis_field(c, 2, p + 1, 2, "Version", "Legacy: 0x0303 (or 0x0301 in a first ClientHello) "
		          "whatever version is in use", "0x%04x (%s)", v, version_name(v));
		dis_field(c, 2, p + 3, 2, "Length", "Bytes of data in this record (at most 2^14, plus "
		          "the encryption's overhead)", "%u", n);
		if (!cn) {
			dis_malformed(c, "TLS record content type %u is not one RFC 8446 defines", ct);
			break;
		}
		uint32_t e = whole ? p + REC_HDR + n : s->end;
		if (ct == CT_HANDSHAKE) {
			handshakes(&t, p + REC_HDR, e);
		} else {
			if (n && p + REC_HDR < e)
				dis_hex(c, 2, p + REC_HDR, e - p - REC_HDR, ct == CT_APPDATA ? "Encrypted data" : "Data",
				        ct == CT_APPDATA ? "The application's bytes, encrypted" : NULL);
			dis_appendf(t.sum, sizeof t.sum, "%s%s", t.sum[0] ? ", " : "", cn);
		}
		if (!whole)
			break;
		p = e;
	}
	i->app = i->proto = "TLS";
	snprintf(i->app_summary, sizeof i->app_summary, "%s", t.sum[0] ? t.sum : "record continues");
	if (t.sni[0])
		dis_appendf(i->app_summary, sizeof i->app_summary, ", SNI %s", t.sni);
	if (t.alpn[0])
		dis_appendf(i->app_summary, sizeof i->app_summary, ", ALPN %s", t.alpn);
	if (t.suite) {
		const char *sn = dis_name(suites, DIS_COUNT(suites), t.suite);
		dis_appendf(i->app_summary, sizeof i->app_summary, ", %s, %s", version_name(t.chosen_version),
		            sn ? sn : "unknown suite");
	}
	dis_value(c, L, "%s", i->app_summary);
	return true;
}
