/*
 * conn.h — which connection (or UDP flow) a packet of a capture file
 * belongs to, and that connection's ladder diagram.
 *
 * Role: the key that "follow stream" (stream.h) and the ladder of a file
 * (`sockscope inspect FILE --ladder N`, and the screen that will draw it)
 * select packets by.  A connection is its protocol and its two endpoints,
 * in either direction; a new connection reusing the same addresses and
 * ports is the same key (as in ladder.h).
 */
#ifndef SOCKSCOPE_INSPECT_CONN_H
#define SOCKSCOPE_INSPECT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dissect/dissect.h"
#include "capfile/capfile.h"
#include "render/ladder.h"

struct inspect_conn {
	uint8_t ip_proto;          /* 6 TCP, 17 UDP */
	int ip_version;
	char a[46], b[46];         /* endpoint a: the source of the packet asked about */
	uint16_t aport, bport;
};

/* The connection of packet n (0-based).  False with a message ("packet 3
 * is not TCP or UDP (ARP)") when it has no TCP or UDP header. */
bool inspect_conn_of(const struct capfile *cf, uint64_t n, struct inspect_conn *c, char *err, size_t errlen);
/* Does a decoded packet belong to c?  *from_a (may be NULL) says whether a sent it. */
bool inspect_conn_match(const struct inspect_conn *c, const struct pkt_info *i, bool *from_a);
/* Swap the endpoints (a becomes b). */
void inspect_conn_swap(struct inspect_conn *c);
/* Call fn for every packet of c indexed so far, in file order, with the
 * packet, its decoding (no text: DISSECT_NO_TEXT) and whether a sent it;
 * fn may swap *c's endpoints as it goes.  The packets' memory is handed
 * back to the system behind the walk, so a big file stays small in memory;
 * p and i are valid during the call only (p->data: while cf is open). */
typedef void (*inspect_conn_fn)(void *ctx, const struct capfile_packet *p, const struct pkt_info *i, bool from_a);
void inspect_conn_walk(const struct capfile *cf, struct inspect_conn *c, inspect_conn_fn fn, void *ctx);
/* "127.0.0.1:5000" or "[::1]:5000" for endpoint a (true) or b. */
void inspect_conn_endpoint(const struct inspect_conn *c, bool a, char *buf, size_t n);

/* The ladder of the TCP connection of packet n, rows `width` columns wide;
 * frame numbers in the rows are the file's packet numbers (1-based as
 * shown).  NULL with a message when packet n is not TCP or memory ran out.
 * Walks the packets indexed so far.  Free with ladder_free. */
struct ladder *inspect_ladder(const struct capfile *cf, uint64_t n, int width, char *err, size_t errlen);
/* The same, and (*numbers)[f]: the 0-based packet number of the ladder's
 * frame f (a row's `frame`), malloc'd for the caller to free. */
struct ladder *inspect_ladder_numbered(const struct capfile *cf, uint64_t n, int width, uint64_t **numbers,
                                      char *err, size_t errlen);

#endif
