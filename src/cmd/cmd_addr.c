/*
 * cmd_addr.c — `sockscope addr TEXT...`: what an address is.  The work is in
 * src/common/ipaddr.c; this file only prints it.
 */
#include "cmd/cmd.h"
#include "common/ipaddr.h"

#include <stdio.h>
#include <string.h>

static void addr_usage(FILE *f)
{
	fprintf(f,
	        "usage: sockscope addr TEXT...\n"
	        "  For each TEXT: is it an IPv4 or IPv6 address (as inet_pton reads it), its\n"
	        "  bytes and bits, the canonical text inet_ntop writes, and its class in the\n"
	        "  IANA special-purpose registries (loopback, private, link-local...).\n"
	        "  Text that is not an address gets what is wrong with it.\n"
	        "  examples: sockscope addr 127.0.0.1 ::1 2001:0db8:0000:0000:0000:0000:0000:0001\n"
	        "  Exit status: 0 when every TEXT is an address, 1 when one is not.\n");
}

static void show(const char *text, FILE *out)
{
	struct ipaddr a;
	fprintf(out, "%s\n", text);
	if (ipaddr_parse(text, &a) < 0) {
		if (a.error_pos >= 0 && (size_t)a.error_pos < strlen(text))
			fprintf(out, "%*s^\n", a.error_pos, "");
		fprintf(out, "  not an address: %s\n", a.error);
		return;
	}
	char hex[64], bin[160];
	ipaddr_hex(&a, hex, sizeof hex);
	ipaddr_binary(&a, bin, sizeof bin);
	if (a.family == 4) {
		uint32_t v = (uint32_t)a.bytes[0] << 24 | (uint32_t)a.bytes[1] << 16 | (uint32_t)a.bytes[2] << 8 | a.bytes[3];
		fprintf(out, "  IPv4 address: 32 bits, written as four bytes in decimal (dotted decimal)\n");
		fprintf(out, "  canonical: %s\n", a.canonical);
		fprintf(out, "  bytes:     %s   (4 bytes, network order; as one 32-bit number %u = 0x%08x)\n", hex, v, v);
		fprintf(out, "  binary:    %s\n", bin);
	} else {
		fprintf(out, "  IPv6 address: 128 bits, written as eight 16-bit groups in hex\n");
		const char *why = ipaddr_canonical_note(&a, text);
		fprintf(out, "  canonical: %s%s%s%s\n", a.canonical, why ? "   (" : "", why ? why : "", why ? ")" : "");
		fprintf(out, "  bytes:     %s   (16 bytes, network order)\n", hex);
		/* 8 groups of 16 bits: four per line */
		fprintf(out, "  binary:    %.67s\n             %s\n", bin, bin + 68);
	}
	fprintf(out, "  class:     %s  (%s, %s)\n", ipaddr_class_name(a.cls), a.range, a.source);
	fprintf(out, "             %s\n", a.explain);
	if (a.note[0])
		fprintf(out, "             %s\n", a.note);
}

int cmd_addr(int argc, char **argv)
{
	if (argc < 2) {
		addr_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		addr_usage(stdout);
		return 0;
	}
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		struct ipaddr a;
		if (i > 1)
			fputc('\n', stdout);
		show(argv[i], stdout);
		if (ipaddr_parse(argv[i], &a) < 0)
			rc = 1;
	}
	return rc;
}
