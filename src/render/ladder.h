/*
 * ladder.h — a TCP connection drawn as a ladder (sequence) diagram.
 *
 * Role: the textbook picture of a connection: its two endpoints as two
 * vertical lines, one arrow per segment from the sender's line to the
 * receiver's, labelled with the flags, the relative seq and ack, the data
 * length, and tagged with what caused it ("step 3 connect()").  The lesson
 * screen, the headless output and (later) the inspection of a capture file
 * all draw it from here, and tests read the very rows a learner sees.
 *
 *   127.0.0.1:50622                                     127.0.0.1:53173
 *      |                                                       |
 *    1 |--- SYN seq 0 win 65495 [mss,sackOK,TS,ws] ----------->|  step 3 connect()
 *    2 |<-- SYN,ACK seq 0 ack 1 win 65483 [mss,sackOK,TS,ws] --|  step 3 connect()
 *    3 |--- ACK seq 1 ack 1 win 64 [TS] ---------------------->|  step 3 connect()
 *      |                                                       |
 *    6 |--- PSH,ACK seq 1 ack 32 len 13 win 64 [TS] ---------->|  step 5 send()
 *
 * Labels read left to right in both directions (only the arrowhead moves),
 * start at the same column, and say: the flags by name, seq, ack (when ACK
 * is set), "len N" (when data is carried), the window, the SYN options by
 * name, and "[truncated]"/"[malformed]" when the frame is.  A spacer row
 * separates arrows of different tags, so each step's packets form a group.
 *
 * Data model: the input is a plain array of frames (bytes and link type,
 * an optional tag each), so nothing here knows about lessons or captures.
 * The output is rows of text, each remembering the frame its arrow draws
 * (the row -> frame map a screen needs to link a row to a packet).
 *
 * What is drawn: only the chosen connection's TCP segments.  Other packets
 * (UDP, ICMP, other connections, frames whose TCP header was not captured)
 * are left out rather than drawn between the lines: a ladder is the story
 * of one connection, and the row map says exactly which frames are in it.
 * A connection is its pair of endpoints; a new connection that reuses the
 * same addresses and ports is drawn in the same ladder (its SYN restarts
 * the relative numbers).
 *
 * Widths count bytes: addresses and generated labels are ASCII; pass ASCII
 * tags for the columns to line up.
 */
#ifndef SOCKSCOPE_LADDER_H
#define SOCKSCOPE_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One frame of the input.  Everything is borrowed for the duration of the
 * call that receives it; the ladder keeps copies of what it draws. */
struct ladder_frame {
	int linktype;              /* LINK_* of dissect.h */
	const uint8_t *data;       /* caplen bytes */
	uint32_t caplen, wirelen;
	uint32_t number;           /* shown at the left; 0: its index in the array + 1 */
	const char *tag;           /* shown at the right ("step 3 connect()"), or NULL */
};

/* A TCP connection among the frames. */
struct ladder_conn {
	int ip_version;            /* 4 or 6 */
	/* The left endpoint is the client when its SYN was seen (the sender of
	 * a SYN, the receiver of a SYN,ACK), else the sender of the first
	 * segment; the right one is its peer. */
	char left[46], right[46];  /* numeric addresses */
	uint16_t lport, rport;
	size_t npackets;           /* its TCP segments among the frames */
	size_t first;              /* index of its first segment in the frames */
};

/* The TCP connections among n frames, in the order of their first segment.
 * Returns how many; *out is a malloc'd array of them (the caller frees it),
 * NULL when there are none. */
size_t ladder_connections(const struct ladder_frame *frames, size_t n, struct ladder_conn **out);

/* "127.0.0.1:51234" or "[::1]:40123" for one end of a connection. */
void ladder_endpoint(const struct ladder_conn *c, bool left, char *buf, size_t n);

/* Below this width labels stop being readable; narrower requests get it. */
enum { LADDER_MIN_WIDTH = 50 };

struct ladder_row {
	char *text;                /* at most `width` bytes, no trailing spaces; owned */
	long frame;                /* index in the frames of the segment drawn, -1 for
	                              the endpoint heading and the spacers */
};

struct ladder {
	bool found;                /* a TCP connection was drawn (else no rows) */
	struct ladder_conn conn;   /* the connection drawn */
	int width;                 /* the width the rows were laid out for */
	struct ladder_row *rows;   /* owned; nrows of them */
	size_t nrows;
};

/* Draw `conn` (NULL: the first TCP connection in the frames) in rows of at
 * most `width` columns.  Labels that do not fit drop their least telling
 * parts first (options, window, ack, seq); tags are cut to their column.
 * Never NULL; free with ladder_free. */
struct ladder *ladder_build(const struct ladder_frame *frames, size_t n, const struct ladder_conn *conn,
                            int width);
void ladder_free(struct ladder *l);

/* The row that draws frame `frame` (an index in the frames), or -1 when it
 * is not in the ladder; and the frame a row draws, or -1. */
long ladder_row_of_frame(const struct ladder *l, size_t frame);
long ladder_frame_of_row(const struct ladder *l, size_t row);

/* Which of the nc connections (from ladder_connections) frame `frame`
 * belongs to, or -1 when it is no TCP segment of any of them. */
long ladder_conn_of(const struct ladder_frame *frames, size_t n, size_t frame, const struct ladder_conn *c,
                    size_t nc);

/* Every TCP connection among the frames as a ladder `width` columns wide,
 * each after a "ladder: A <-> B, N segments" heading, rows indented by two
 * ("ladder: no TCP connection was captured" when there is none): what the
 * headless --ladder outputs print at their end. */
void ladder_print(const struct ladder_frame *frames, size_t n, int width, FILE *out);

/* A short tag for what a step of code did: "step 3 connect()", from the
 * first call in its C lines that can put something on the wire (helpers
 * such as htons(), inet_pton() and local calls such as socket() or
 * setsockopt() are passed over while a later call is there).  Comments and
 * string literals are ignored; "step 3" alone when there is no call.
 * `step` is shown as given (1-based). */
void ladder_step_tag(int step, char *const *code, size_t ncode, char *buf, size_t n);

#endif
