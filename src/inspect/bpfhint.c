/*
 * bpfhint.c — Wireshark-style filters told apart and put in tcpdump's
 * words (see bpfhint.h).
 *
 * The expression is cut into words, comparison operators, && || ! and
 * parentheses; each comparison `field op value` and each bare protocol
 * name is looked up in a table and written the way pcap-filter(7) says
 * it.  Anything not in the tables makes the whole answer "no suggestion":
 * a half-translated filter would be a wrong one.
 */
#include "inspect/bpfhint.h"

#include <ctype.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

enum { MAXTOK = 64, TOKLEN = 128 };

enum tok_kind { T_WORD, T_CMP, T_AND, T_OR, T_NOT, T_OPEN, T_CLOSE };

struct tok {
	enum tok_kind kind;
	char text[TOKLEN];   /* the word, or the operator in C spelling ("==", "!=", ">=") */
};

static bool word_char(int c)
{
	return isalnum(c) || c == '.' || c == ':' || c == '_' || c == '/' || c == '-' || c == '"' || c == '\'';
}

/* Cut expr into tokens; -1 when it has something else (or too many). */
static int tokenize(const char *expr, struct tok *t, int max)
{
	static const struct { const char *op; enum tok_kind kind; const char *c; } ops[] = {
		{ "==", T_CMP, "==" }, { "!=", T_CMP, "!=" }, { ">=", T_CMP, ">=" }, { "<=", T_CMP, "<=" },
		{ "&&", T_AND, "and" }, { "||", T_OR, "or" }, { "=", T_CMP, "==" }, { ">", T_CMP, ">" },
		{ "<", T_CMP, "<" }, { "!", T_NOT, "not" }, { "(", T_OPEN, "(" }, { ")", T_CLOSE, ")" },
	};
	static const struct { const char *w; enum tok_kind kind; const char *c; } words[] = {
		{ "and", T_AND, "and" }, { "or", T_OR, "or" }, { "not", T_NOT, "not" }, { "eq", T_CMP, "==" },
		{ "ne", T_CMP, "!=" }, { "gt", T_CMP, ">" }, { "lt", T_CMP, "<" }, { "ge", T_CMP, ">=" },
		{ "le", T_CMP, "<=" },
	};
	int n = 0;
	const char *p = expr;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			return n;
		if (n == max)
			return -1;
		struct tok *k = &t[n];
		size_t i;
		for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
			if (strncmp(p, ops[i].op, strlen(ops[i].op)) == 0)
				break;
		if (i < sizeof ops / sizeof ops[0]) {
			k->kind = ops[i].kind;
			snprintf(k->text, sizeof k->text, "%s", ops[i].c);
			p += strlen(ops[i].op);
			n++;
			continue;
		}
		size_t len = 0;
		while (word_char((unsigned char)p[len]))
			len++;
		if (len == 0 || len >= TOKLEN)
			return -1;
		/* Wireshark quotes strings and addresses at will; tcpdump takes them bare. */
		size_t o = 0;
		for (size_t j = 0; j < len; j++)
			if (p[j] != '"' && p[j] != '\'')
				k->text[o++] = (char)tolower((unsigned char)p[j]);
		k->text[o] = '\0';
		k->kind = T_WORD;
		for (i = 0; i < sizeof words / sizeof words[0]; i++)
			if (strcmp(k->text, words[i].w) == 0) {
				k->kind = words[i].kind;
				snprintf(k->text, sizeof k->text, "%s", words[i].c);
			}
		p += len;
		n++;
	}
}

/* Protocol names as Wireshark writes them alone: tcpdump's own names
 * stay, the others become their usual ports (which is what a capture
 * filter can see; the dissector names more on the screen). */
static const struct { const char *name, *bpf; } protos[] = {
	{ "tcp", "tcp" }, { "udp", "udp" }, { "icmp", "icmp" }, { "arp", "arp" }, { "ip", "ip" },
	{ "ipv6", "ip6" }, { "icmpv6", "icmp6" }, { "sctp", "sctp" }, { "vlan", "vlan" }, { "rarp", "rarp" },
	{ "igmp", "igmp" },
	{ "http", "tcp port 80" }, { "https", "tcp port 443" }, { "tls", "tcp port 443" }, { "ssl", "tcp port 443" },
	{ "dns", "port 53" }, { "mdns", "udp port 5353" }, { "ssh", "tcp port 22" }, { "telnet", "tcp port 23" },
	{ "smtp", "tcp port 25" }, { "ftp", "tcp port 21" }, { "ftp-data", "tcp port 20" }, { "pop", "tcp port 110" },
	{ "imap", "tcp port 143" }, { "bgp", "tcp port 179" }, { "ntp", "udp port 123" }, { "snmp", "udp port 161" },
	{ "dhcp", "udp port 67 or udp port 68" }, { "bootp", "udp port 67 or udp port 68" },
	{ "dhcpv6", "udp port 546 or udp port 547" }, { "syslog", "udp port 514" }, { "sip", "port 5060" },
	{ "quic", "udp port 443" }, { "mysql", "tcp port 3306" }, { "pgsql", "tcp port 5432" },
	{ "rdp", "tcp port 3389" }, { "smb", "tcp port 445" }, { "ldap", "tcp port 389" },
};

/* A comparison's field: how it is written in tcpdump.  `form`:
 *   PORT   "tcp port V" (== and != only), with a direction
 *   HOST   "host V" / "net V" for an address with a prefix (== and != only)
 *   EQONLY "PREFIX V" (== and != only): ether host, ip proto, vlan
 *   ARITH  "EXPR OP V": any comparison, on bytes of the packet */
enum form { PORT, HOST, EQONLY, ARITH, FLAG };

static const struct { const char *field; enum form form; const char *bpf; } fields[] = {
	{ "tcp.port", PORT, "tcp port" }, { "tcp.srcport", PORT, "tcp src port" },
	{ "tcp.dstport", PORT, "tcp dst port" }, { "udp.port", PORT, "udp port" },
	{ "udp.srcport", PORT, "udp src port" }, { "udp.dstport", PORT, "udp dst port" },
	{ "sctp.port", PORT, "sctp port" },
	{ "ip.addr", HOST, "" }, { "ip.host", HOST, "" }, { "ip.src", HOST, "src" }, { "ip.dst", HOST, "dst" },
	{ "ipv6.addr", HOST, "ip6" }, { "ipv6.host", HOST, "ip6" }, { "ipv6.src", HOST, "ip6 src" },
	{ "ipv6.dst", HOST, "ip6 dst" },
	{ "eth.addr", EQONLY, "ether host" }, { "eth.src", EQONLY, "ether src" }, { "eth.dst", EQONLY, "ether dst" },
	{ "eth.type", EQONLY, "ether proto" }, { "ip.proto", EQONLY, "ip proto" }, { "ipv6.nxt", EQONLY, "ip6 proto" },
	{ "vlan.id", EQONLY, "vlan" },
	{ "frame.len", ARITH, "len" }, { "ip.ttl", ARITH, "ip[8]" }, { "ip.len", ARITH, "ip[2:2]" },
	{ "ipv6.hlim", ARITH, "ip6[7]" }, { "icmp.type", ARITH, "icmp[icmptype]" },
	{ "icmp.code", ARITH, "icmp[icmpcode]" }, { "tcp.window_size_value", ARITH, "tcp[14:2]" },
	{ "tcp.flags", ARITH, "tcp[tcpflags]" },
	{ "tcp.flags.syn", FLAG, "tcp-syn" }, { "tcp.flags.fin", FLAG, "tcp-fin" },
	{ "tcp.flags.reset", FLAG, "tcp-rst" }, { "tcp.flags.rst", FLAG, "tcp-rst" },
	{ "tcp.flags.push", FLAG, "tcp-push" }, { "tcp.flags.psh", FLAG, "tcp-push" },
	{ "tcp.flags.ack", FLAG, "tcp-ack" }, { "tcp.flags.urg", FLAG, "tcp-urg" },
	{ "tcp.flags.ece", FLAG, "tcp-ece" }, { "tcp.flags.cwr", FLAG, "tcp-cwr" },
};

struct out {
	char *buf;
	size_t n, len;
	bool full;
};

static void put(struct out *o, const char *s)
{
	int k = snprintf(o->buf + o->len, o->n - o->len, "%s%s", o->len ? " " : "", s);
	if (k < 0 || (size_t)k >= o->n - o->len)
		o->full = true;
	else
		o->len += (size_t)k;
}

/* Is a flag's value true (1, true) or false (0, false)?  -1: neither. */
static int truth(const char *v)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	return -1;
}

/* One comparison (or a bare field: a flag set, a protocol present). */
static bool comparison(struct out *o, const char *field, const char *op, const char *value)
{
	char b[512];
	size_t i;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strcmp(fields[i].field, field) == 0)
			break;
	if (i == sizeof fields / sizeof fields[0])
		return false;
	const char *bpf = fields[i].bpf;
	bool eq = op && strcmp(op, "==") == 0, ne = op && strcmp(op, "!=") == 0;
	switch (fields[i].form) {
	case FLAG: {
		int t = op ? truth(value) : 1;
		if (t < 0 || (op && !eq && !ne))
			return false;
		bool set = (t == 1) == !ne;
		snprintf(b, sizeof b, "tcp[tcpflags] & %s %s 0", bpf, set ? "!=" : "==");
		break;
	}
	case PORT:
	case HOST:
	case EQONLY:
		if (!eq && !ne)
			return false;
		/* "not" binds tightest in both languages: no parentheses needed. */
		if (fields[i].form == HOST)
			snprintf(b, sizeof b, "%s%s%s%s %s", ne ? "not " : "", bpf, *bpf ? " " : "",
			         strchr(value, '/') ? "net" : "host", value);
		else
			snprintf(b, sizeof b, "%s%s %s", ne ? "not " : "", bpf, value);
		break;
	case ARITH:
		if (!op)
			return false;
		snprintf(b, sizeof b, "%s %s %s", bpf, op, value);
		break;
	}
	put(o, b);
	return true;
}

bool bpfhint_suggest(const char *expr, char *out, size_t n)
{
	struct tok t[MAXTOK];
	int nt = tokenize(expr ? expr : "", t, MAXTOK);
	if (nt <= 0 || n == 0)
		return false;
	struct out o = { out, n, 0, false };
	out[0] = '\0';
	for (int i = 0; i < nt; i++) {
		struct tok *k = &t[i];
		switch (k->kind) {
		case T_AND:
		case T_OR:
		case T_NOT:
		case T_OPEN:
		case T_CLOSE:
			put(&o, k->text);
			continue;
		case T_CMP:
			return false;   /* an operator with no field before it */
		case T_WORD:
			break;
		}
		if (i + 2 < nt && t[i + 1].kind == T_CMP && t[i + 2].kind == T_WORD) {
			if (!comparison(&o, k->text, t[i + 1].text, t[i + 2].text))
				return false;
			i += 2;
			continue;
		}
		if (i + 1 < nt && t[i + 1].kind == T_CMP)
			return false;
		if (strchr(k->text, '.')) {   /* a bare field: tcp.flags.syn, or a protocol's field present */
			if (!comparison(&o, k->text, NULL, NULL))
				return false;
			continue;
		}
		size_t p;
		for (p = 0; p < sizeof protos / sizeof protos[0]; p++)
			if (strcmp(protos[p].name, k->text) == 0)
				break;
		if (p == sizeof protos / sizeof protos[0])
			return false;
		if (strstr(protos[p].bpf, " or ") && nt > 1) {
			char b[256];
			snprintf(b, sizeof b, "(%s)", protos[p].bpf);
			put(&o, b);
		} else {
			put(&o, protos[p].bpf);
		}
	}
	if (o.full)
		return false;
	/* The same words back: it was tcpdump syntax already (the error is another one). */
	char norm[512];
	struct out e = { norm, sizeof norm, 0, false };
	for (int i = 0; i < nt; i++)
		put(&e, t[i].text);
	return strcmp(norm, out) != 0;
}

void bpfhint_explain(const char *expr, const char *pcap_msg, bool (*compiles)(const char *bpf, void *ud), void *ud,
                     char *out, size_t n)
{
	char form[512];
	bool have = bpfhint_suggest(expr, form, sizeof form) && (!compiles || compiles(form, ud));
	if (have)
		snprintf(out, n, "%s; filters are tcpdump (BPF) syntax, not Wireshark's: did you mean: %s", pcap_msg, form);
	else
		snprintf(out, n, "%s; filters are tcpdump (BPF) syntax, see man pcap-filter (e.g. tcp port 80, host 10.0.0.1)",
		         pcap_msg);
}

bool bpfhint_compiles(const char *bpf, void *linktype)
{
	pcap_t *p = pcap_open_dead(*(const int *)linktype, 65535);
	struct bpf_program prog;
	bool ok = p && pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (ok)
		pcap_freecode(&prog);
	if (p)
		pcap_close(p);
	return ok;
}
