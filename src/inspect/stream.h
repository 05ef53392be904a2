/*
 * stream.h — follow a TCP stream or a UDP flow of a capture file.
 *
 * Role: the "follow stream" view: the payload of one connection, both
 * directions, in the order it was delivered, with what the capture shows
 * went wrong marked: bytes never captured (a gap), segments sent again
 * (retransmissions), segments that arrived before earlier ones (out of
 * order, delivered here in sequence order), payloads cut by the snapshot
 * length.  The chunks are turned into lines of text here, once
 * (inspect_stream_lines): the screen draws them and `inspect --follow`
 * prints them, so a test can assert what a person sees.
 *
 * Data model: a list of chunks in delivery order, each pointing into the
 * file's mapping (no payload is copied): valid while the capfile is open.
 * TCP sequence numbers are relative to each direction's ISN (from its SYN,
 * else its first segment).  A gap is declared when the peer acknowledges
 * bytes the capture never saw, or at the end of the capture.
 */
#ifndef SOCKSCOPE_INSPECT_STREAM_H
#define SOCKSCOPE_INSPECT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capfile/capfile.h"
#include "inspect/conn.h"

enum inspect_chunk_kind {
	INSPECT_CHUNK_DATA,            /* new bytes, in sequence */
	INSPECT_CHUNK_GAP,             /* len bytes of the stream were never captured */
	INSPECT_CHUNK_RETRANS,         /* a segment whose bytes were all delivered before */
	INSPECT_CHUNK_NOT_CAPTURED,    /* the rest of a segment the snapshot length cut off */
};

struct inspect_chunk {
	enum inspect_chunk_kind kind;
	bool from_a;           /* sent by endpoint a of the stream's conn */
	bool out_of_order;     /* DATA captured before bytes that precede it */
	uint64_t packet;       /* 0-based packet number (for GAP: the packet after the gap) */
	uint32_t seq;          /* relative sequence number of the first byte (TCP) */
	uint32_t len;          /* bytes */
	const uint8_t *data;   /* len bytes for DATA and RETRANS, NULL otherwise: the capture file's
	                          mapping, valid while the capfile is open */
};

struct inspect_stream {
	struct inspect_conn conn;  /* a: the client (the SYN's sender) when the SYN was captured */
	bool tcp;
	struct inspect_chunk *chunks;
	size_t n, cap;
	uint64_t packets;          /* packets of the connection */
	uint64_t bytes_a, bytes_b; /* payload bytes delivered from a and from b */
	unsigned gaps, retrans, out_of_order;
};

/* Follow the connection of packet n (0-based), walking the packets indexed
 * so far.  0, or -1 with a message (not TCP/UDP). */
int inspect_stream_build(const struct capfile *cf, uint64_t n, struct inspect_stream *s, char *err, size_t errlen);
void inspect_stream_free(struct inspect_stream *s);

/* The stream as lines of text, the one wording both faces show: the TUI
 * draws these lines, the headless output prints them.
 * A heading
 * "TCP stream 127.0.0.1:40000 <-> 127.0.0.1:80: 9 packets, ...; 1 gaps, ..."
 * then per chunk of bytes a line
 * "==> 127.0.0.1:40000 > 127.0.0.1:80  packet 4, seq 1, 16 bytes"
 * and the bytes, a line per line they hold (printable ASCII; a tab as the
 * spaces to the next multiple of 8 columns, as a terminal shows it; CR
 * before LF dropped; other bytes as '.'; a line is never cut, however
 * long), and markers for what the capture lacks or repeats, such as
 * "[gap: 10 bytes of 127.0.0.1:80 > 127.0.0.1:40000 never captured, seq 11 to 21]". */
enum inspect_line_kind {
	INSPECT_LINE_HEADING,   /* the endpoints and the totals */
	INSPECT_LINE_SENT,      /* "==> a > b  packet N, ...": a chunk of bytes begins */
	INSPECT_LINE_BYTES,     /* a line of the bytes sent */
	INSPECT_LINE_LACKING,   /* a gap, or bytes the snapshot length cut off: what the capture lacks */
	INSPECT_LINE_AGAIN,     /* a retransmission: bytes delivered before */
	INSPECT_LINE_EMPTY,     /* neither end sent a byte */
};

enum inspect_side { INSPECT_SIDE_NONE, INSPECT_SIDE_A, INSPECT_SIDE_B };

struct inspect_line {
	enum inspect_line_kind kind;
	enum inspect_side side;              /* who sent what the line is about (NONE: heading, empty) */
	long long packet;                    /* 0-based packet the line is about, -1 for none */
	const struct inspect_chunk *chunk;   /* the chunk the line belongs to, NULL for none */
	const char *text;                    /* no newline, no control character; valid during the call */
};

typedef void (*inspect_line_fn)(void *ctx, const struct inspect_line *line);

/* fn is called once a line, in order. */
void inspect_stream_lines(const struct inspect_stream *s, inspect_line_fn fn, void *ctx);
/* The same lines, each ended by a newline. */
void inspect_stream_write(const struct inspect_stream *s, FILE *out);

#endif
