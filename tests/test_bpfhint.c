/*
 * test_bpfhint.c — Wireshark-style filters and the tcpdump forms
 * bpfhint_suggest gives for them, on a table of cases; every form given
 * is compiled by libpcap (Ethernet), and every Wireshark input is checked
 * to be one pcap refuses, so the table cannot hold a case the hint is
 * never asked for.  Then the whole message of bpfhint_explain.
 */
#include "check.h"

#include "inspect/bpfhint.h"

#include <pcap/pcap.h>
#include <stdbool.h>

/* pcap really takes it, on Ethernet */
static bool compiles(const char *bpf, void *ud)
{
	(void)ud;
	int lt = DLT_EN10MB;
	return bpfhint_compiles(bpf, &lt);
}

static bool refuse(const char *bpf, void *ud)
{
	(void)bpf;
	(void)ud;
	return false;
}

static const struct { const char *in, *want; } cases[] = {
	{ "tcp.port == 179", "tcp port 179" },
	{ "tcp.port==179", "tcp port 179" },
	{ "tcp.port eq 80", "tcp port 80" },
	{ "udp.port == 53", "udp port 53" },
	{ "tcp.srcport == 22", "tcp src port 22" },
	{ "tcp.dstport == 443", "tcp dst port 443" },
	{ "tcp.port != 22", "not tcp port 22" },
	{ "ip.addr==10.0.0.1", "host 10.0.0.1" },
	{ "ip.addr == 10.0.0.0/8", "net 10.0.0.0/8" },
	{ "ip.src == 192.168.1.1", "src host 192.168.1.1" },
	{ "ip.dst == \"192.168.1.1\"", "dst host 192.168.1.1" },
	{ "ipv6.addr == 2001:db8::1", "ip6 host 2001:db8::1" },
	{ "eth.addr == 02:00:00:00:00:01", "ether host 02:00:00:00:00:01" },
	{ "eth.type == 0x0806", "ether proto 0x0806" },
	{ "ip.proto == 17", "ip proto 17" },
	{ "vlan.id == 42", "vlan 42" },
	{ "frame.len > 1000", "len > 1000" },
	{ "ip.ttl < 5", "ip[8] < 5" },
	{ "tcp.flags.syn==1", "tcp[tcpflags] & tcp-syn != 0" },
	{ "tcp.flags.syn == 0", "tcp[tcpflags] & tcp-syn == 0" },
	{ "tcp.flags.reset == 1", "tcp[tcpflags] & tcp-rst != 0" },
	{ "tcp.flags.fin", "tcp[tcpflags] & tcp-fin != 0" },
	{ "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0" },
	{ "http", "tcp port 80" },
	{ "dns", "port 53" },
	{ "tls", "tcp port 443" },
	{ "dhcp", "udp port 67 or udp port 68" },
	{ "ipv6", "ip6" },
	{ "icmpv6", "icmp6" },
	{ "!dns", "not port 53" },
	{ "http || dns", "tcp port 80 or port 53" },
	{ "dhcp && ip.src == 10.0.0.1", "(udp port 67 or udp port 68) and src host 10.0.0.1" },
	{ "tcp.port == 179 and ip.addr == 10.0.0.1", "tcp port 179 and host 10.0.0.1" },
	{ "ip.addr == 10.0.0.1 && !(tcp.port == 22)", "host 10.0.0.1 and not ( tcp port 22 )" },
	{ "TCP.PORT == 80", "tcp port 80" },
};

/* Not translated: tcpdump syntax already, or what the tables do not know. */
static const char *const none[] = {
	"udp", "tcp port 80", "tcp portt 80", "host 10.0.0.1 and tcp", "tcp.analysis.retransmission",
	"http.request.method == \"GET\"", "tcp.port in {80 443}", "tcp.flags.syn == 2", "frame contains \"x\"",
	"tcp.port > 1024", "== 80", "", "tcp[tcpflags] & tcp-syn != 0", "foo.bar == 1",
};

int main(void)
{
	char out[512];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_MSG(!compiles(cases[i].in, NULL), "pcap takes '%s' as it is: not a case for a hint", cases[i].in);
		bool got = bpfhint_suggest(cases[i].in, out, sizeof out);
		CHECK_MSG(got, "no suggestion for '%s'", cases[i].in);
		if (got) {
			EQ_STR(cases[i].want, out);
			CHECK_MSG(compiles(out, NULL), "the suggestion for '%s' does not compile: '%s'", cases[i].in, out);
		}
	}
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		CHECK_MSG(!bpfhint_suggest(none[i], out, sizeof out), "'%s' got a suggestion: '%s'", none[i], out);
	CHECK(!bpfhint_suggest(NULL, out, sizeof out));
	/* A buffer too small for the form: no suggestion rather than a cut one. */
	CHECK(!bpfhint_suggest("tcp.port == 179", out, 8));

	bpfhint_explain("tcp.port == 179", "syntax error in filter expression: syntax error", compiles, NULL, out,
	                sizeof out);
	EQ_STR("syntax error in filter expression: syntax error; filters are tcpdump (BPF) syntax, not Wireshark's: "
	       "did you mean: tcp port 179", out);
	bpfhint_explain("tcp portt 80", "syntax error", compiles, NULL, out, sizeof out);
	HAS(out, "filters are tcpdump (BPF) syntax, see man pcap-filter");
	CHECK(strstr(out, "did you mean") == NULL);
	/* Without a check the form is offered; one the caller's check refuses
	 * (a link type it cannot compile for) is not. */
	bpfhint_explain("vlan.id == 42", "syntax error", NULL, NULL, out, sizeof out);
	HAS(out, "did you mean: vlan 42");
	bpfhint_explain("vlan.id == 42", "syntax error", refuse, NULL, out, sizeof out);
	CHECK(strstr(out, "did you mean") == NULL);
	return check_done("test_bpfhint");
}
