/*
 * bpfhint.h — what to say when a filter does not compile: sockscope's
 * filters are tcpdump's (BPF, pcap-filter(7)), and many people type
 * Wireshark's display-filter language instead (`tcp.port == 179`,
 * `ip.addr==10.0.0.1`, `tcp.flags.syn==1 && !dns`), which pcap answers
 * with a bare "syntax error".
 *
 * Role: the inspection screen's filter prompt, `inspect -f` and the live
 * capture filter all pass pcap's error through bpfhint_explain, so the
 * same advice shows on every face.  No curses; text in, text out (a
 * suggestion is checked with a dead pcap handle before it is offered).
 */
#ifndef SOCKSCOPE_INSPECT_BPFHINT_H
#define SOCKSCOPE_INSPECT_BPFHINT_H

#include <stdbool.h>
#include <stddef.h>

/* The tcpdump form of a Wireshark-style expression, for the common cases:
 * fields tcp/udp/ip/ipv6/eth/frame/vlan compared with ==, !=, <, <=, >,
 * >=, eq, ne; tcp.flags.syn (fin, rst, psh/push, ack, urg) == 0 or 1;
 * protocol names tcpdump does not know as such (http, dns, tls, ssh, ...)
 * as their usual ports; &&, ||, ! and parentheses.  True with the form in
 * out ("tcp port 179"); false when some part is not one of those cases, or
 * when the text is not Wireshark-like at all (nothing to translate). */
bool bpfhint_suggest(const char *expr, char *out, size_t n);

/* The message for a filter that did not compile: pcap's message, then
 * that the syntax is tcpdump's, then (when bpfhint_suggest has one and
 * `compiles` accepts it, if given) "did you mean: FORM".  `compiles` lets
 * the caller check the suggestion with the link type at hand. */
void bpfhint_explain(const char *expr, const char *pcap_msg, bool (*compiles)(const char *bpf, void *ud), void *ud,
                     char *out, size_t n);
/* The `compiles` every caller passes: does bpf compile for the link type
 * *(const int *)linktype (through a dead pcap handle; nothing is opened)? */
bool bpfhint_compiles(const char *bpf, void *linktype);

#endif
