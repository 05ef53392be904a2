/*
 * convs.h — the conversations of a capture file: who talked to whom, how
 * much, and for how long.
 *
 * Role: the conversations list of the inspection screen and
 * `sockscope inspect FILE --conversations`.  A conversation is a protocol
 * and a pair of endpoints in either direction: a TCP connection or UDP
 * flow (addresses and ports), or for other IP protocols the two addresses.
 * Endpoint a is the source of its first packet.  Packets without IP are
 * not in any conversation.
 */
#ifndef SOCKSCOPE_INSPECT_CONVS_H
#define SOCKSCOPE_INSPECT_CONVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capfile/capfile.h"
#include "inspect/view.h"

struct inspect_conv {
	const char *proto;         /* "TCP", "UDP", "ICMP", "ICMPv6", or the IP protocol's name (static) */
	uint8_t ip_proto;
	int ip_version;
	bool ports;
	char a[46], b[46];
	uint16_t aport, bport;
	uint64_t packets, bytes;   /* both directions; bytes on the wire */
	uint64_t packets_ab, bytes_ab, packets_ba, bytes_ba;
	int64_t first_ns, last_ns; /* CAPFILE_NO_TIME when no packet had a time */
	uint64_t first_packet;     /* 0-based */
};

/* The conversations among the rows of v (every packet indexed so far when
 * v is NULL), in the order of their first packet.  Returns how many;
 * *out is malloc'd (the caller frees it; NULL when there are none).
 * -1 with a message when memory ran out. */
long inspect_conversations(const struct capfile *cf, const struct inspect_view *v, struct inspect_conv **out,
                           char *err, size_t errlen);

/* "TCP  127.0.0.1:38262  <-> 127.0.0.1:51349    10 packets   812 bytes  0.004603 s"
 * and a heading that matches. */
void inspect_conv_line(const struct inspect_conv *c, char *buf, size_t n);
const char *inspect_conv_heading(void);   /* static */

#endif
