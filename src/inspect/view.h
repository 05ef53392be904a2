/*
 * view.h — the packet list of a capture file: which packets it shows (a
 * display filter in tcpdump syntax and a free-text search in the
 * summaries) and the text of each row.
 *
 * Role: what the inspection screen's list draws and what
 * `sockscope inspect FILE --print` prints: both walk a view, so a test of
 * the headless output tests the screen's rows.
 *
 * Data model: a view walks the file's packets in order (as far as they are
 * indexed) in slices, dissecting each once: its flow table makes TCP
 * sequence numbers relative exactly as tcpdump does (all packets are fed,
 * so a packet's summary does not change with the filter); a packet is in
 * the view when it passes the BPF program (pcap_offline_filter on the
 * stored bytes, compiled with a dead handle of the packet's link type) and
 * its summary contains the search text.  The rows are a list of packet
 * numbers, not stored at all when there is neither filter nor search
 * (row r is then packet r).
 *
 * Threads: inspect_view_update may run on a worker thread while the
 * screen's thread calls nothing else on the same view; the screen may read
 * inspect_view_count meanwhile (it is published atomically) and rows below
 * it.  A screen that wants to draw while the worker runs gives each its
 * own view or takes a lock of its own around the other calls.
 */
#ifndef SOCKSCOPE_INSPECT_VIEW_H
#define SOCKSCOPE_INSPECT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dissect/dissect.h"
#include "capfile/capfile.h"

enum inspect_time {
	INSPECT_TIME_ABS,     /* time of day, local: "12:34:56.123456" */
	INSPECT_TIME_REL,     /* seconds since the file's first packet */
	INSPECT_TIME_DELTA,   /* seconds since the previous row of the view */
};

/* "abs", "rel", "delta" -> mode; false if unknown. */
bool inspect_time_parse(const char *s, enum inspect_time *out);

/* Format a timestamp for the time column.  `first` is the file's first
 * packet's time, `prev` the previous row's (CAPFILE_NO_TIME when none):
 * a missing time is "-". */
void inspect_time_text(enum inspect_time mode, int64_t ts, int64_t first, int64_t prev, char *buf, size_t n);

struct inspect_view;

/* A view of cf.  bpf (tcpdump syntax) and search may be NULL or "" for
 * none.  A filter that does not compile returns NULL with pcap's message:
 * "bad filter 'tcp portt 80': syntax error in filter expression: ...".
 * The view borrows cf (it must outlive it). */
struct inspect_view *inspect_view_new(struct capfile *cf, const char *bpf, const char *search, char *err,
                                      size_t errlen);
void inspect_view_free(struct inspect_view *v);

/* Called by inspect_view_update for each row it adds, with the packet, its
 * dissection (made with DISSECT_NO_TEXT: info and field offsets, no field
 * text) and its summary, all valid during the call only. */
typedef void (*inspect_row_cb)(void *ud, size_t row, const struct capfile_packet *p, const struct dissection *d,
                               const char *summary);

/* Walk up to max packets more (those indexed so far).  Returns true when
 * the view has seen every packet of a file whose indexing has ended
 * (complete or damaged), false when there may be more.  cb may be NULL. */
bool inspect_view_update(struct inspect_view *v, size_t max, inspect_row_cb cb, void *ud);

/* Rows so far; packet number of a row; the row showing a packet, or the
 * row of the nearest packet after it (count when none), for "go to N". */
size_t inspect_view_count(const struct inspect_view *v);
uint64_t inspect_view_packet(const struct inspect_view *v, size_t row);
size_t inspect_view_row_at(const struct inspect_view *v, uint64_t packet);
/* Packets walked so far (matching or not). */
uint64_t inspect_view_walked(const struct inspect_view *v);

/* A direct view (neither filter nor search) has a row for every packet
 * indexed so far, walked or not: row r is packet r, and
 * inspect_view_rows counts capfile_count rows, so a screen can show and
 * jump to any indexed packet at once.  Other views have the rows their
 * walk found (inspect_view_count).  inspect_view_row_at and
 * inspect_view_line accept any row below inspect_view_rows. */
bool inspect_view_direct(const struct inspect_view *v);
size_t inspect_view_rows(const struct inspect_view *v);
/* The flow table the walk built (relative seq/ack for rows drawn later):
 * v's, valid until inspect_view_free. */
struct flowtab *inspect_view_flows(struct inspect_view *v);

/* Walk every packet of a fully indexed file for its rows alone, for a
 * caller that reads no summary and no flow table (--write, --conversations):
 * without a search only the BPF program runs, nothing is dissected (tcpdump
 * -w's work; the summaries' walk was 3.6x its time on 100k packets). */
void inspect_view_select(struct inspect_view *v);
/* The view's search text, or NULL. */
const char *inspect_view_search(const struct inspect_view *v);
/* For a walk made outside inspect_view_update (inspect/print.c, whose
 * threads dissect): packet pkt, the next one, was walked and, when is_row,
 * is the view's next row.  Returns false when a row could not be added (the
 * view ends there, as inspect_view_update's does). */
bool inspect_view_walked_one(struct inspect_view *v, uint64_t pkt, bool is_row);

/* Does packet p pass the view's BPF filter?  (true without a filter) */
bool inspect_view_bpf(struct inspect_view *v, const struct capfile_packet *p);

/* The list line of a packet (textfmt_list_line), dissected here; `prev_ts`
 * for delta mode.  flows may be NULL (absolute sequence numbers). */
void inspect_line(const struct capfile *cf, const struct capfile_packet *p, const struct dissection *d,
                  const char *summary, enum inspect_time mode, int64_t prev_ts, char *buf, size_t n);
/* The same line appended to b (common/strbuf.h), made without stdio: the
 * --print loop's way, byte for byte what inspect_line writes. */
struct strbuf;
void inspect_line_sb(const struct capfile *cf, const struct capfile_packet *p, const struct dissection *d,
                     const char *summary, enum inspect_time mode, int64_t prev_ts, struct strbuf *b);
/* The line of row `row` of the view, as the screen draws it (any row
 * below inspect_view_rows).  A TCP packet the walk has not reached yet
 * (a direct view's row ahead of the walk) is summarised without the flow
 * table: its seq/ack are the absolute numbers of the wire, marked by
 * INSPECT_ABS_MARK after them ("seq 3956368708:3956368771, ack 2259110241
 * (abs), win 512") so nobody takes them for relative ones; the same row
 * reads relative once the walk has passed it. */
#define INSPECT_ABS_MARK " (abs)"

bool inspect_view_line(struct inspect_view *v, size_t row, enum inspect_time mode, char *buf, size_t n);

/* A row's columns, apart: for a screen that sizes its columns to the rows
 * it shows (inspect_layout_*).  The headless line (inspect_line) keeps
 * its fixed widths, which the goldens and the tshark/tcpdump comparisons
 * hold; a row without IP names no address there, while here an Ethernet
 * frame's link addresses stand in. */
struct inspect_cols {
	uint64_t number;           /* from 1 */
	char time[40];
	char src[46], dst[46];     /* numeric IP addresses, MACs, or "" */
	char sport[8], dport[8];   /* "" without ports */
	bool v6;                   /* [addr]:port */
	char proto[16];
	uint32_t len;
	char summary[512];
};
/* Row `row`'s columns, as inspect_view_line would write them. */
bool inspect_view_cols(struct inspect_view *v, size_t row, enum inspect_time mode, struct inspect_cols *c);

/* Column widths fitted to some rows and a width: each column as wide as
 * its widest cell; when the summary would get fewer than 30 columns, the
 * addresses shrink (cut in their middle, the port kept), then the time
 * column goes.  `ellipsis` marks a cut ("…" on a UTF-8 terminal, "~"). */
struct inspect_layout {
	int num, time, src, dst, proto, len;   /* 0: left out */
	const char *ellipsis;                  /* borrowed */
};
void inspect_layout_fit(struct inspect_layout *l, const struct inspect_cols *rows, size_t n, int width,
                        const char *ellipsis);
/* One row's line / the heading, laid out by l. */
void inspect_layout_line(const struct inspect_layout *l, const struct inspect_cols *c, char *buf, size_t n);
void inspect_layout_heading(const struct inspect_layout *l, char *buf, size_t n);

/* Does a list line contain text?  Case matters only when text has a
 * capital letter (vim's smartcase): "http" finds "HTTP", "HTTP" not "http". */
bool inspect_line_matches(const char *line, const char *text);

/* A search through the rows of a view, as less and vim search a text:
 * from the row after `start` (before it, backwards) to the last row, then
 * from the first (the last), ending on `start` itself.  It looks at a
 * bounded number of rows a call, so a screen stays answerable on a big
 * file: inspect_find_step is called again until it is not
 * INSPECT_FIND_MORE.  The rows are counted again at each call, so rows a
 * live capture adds meanwhile are searched too. */
struct inspect_find {
	char text[128];
	bool forward;
	size_t start;     /* the row the search began on */
	size_t pos;       /* the next row to look at */
	bool begun;       /* pos is set */
	bool lap;         /* on the far side of the wrap: ends at start */
	bool wrapped;     /* it went past the last (first) row */
};
/* start for a search of every row from the first (less's +/pattern). */
#define INSPECT_FIND_TOP SIZE_MAX
enum inspect_find_result { INSPECT_FIND_MORE = -1, INSPECT_FIND_NONE = 0, INSPECT_FIND_FOUND = 1 };

/* Begin a search for text (not empty) from row start, or INSPECT_FIND_TOP. */
void inspect_find_begin(struct inspect_find *f, const char *text, bool forward, size_t start);
/* Look at up to max rows (lines as inspect_view_line makes them in mode):
 * FOUND with *row set, NONE when every row was looked at, MORE when not
 * yet.  f->wrapped says whether the row found is on the far side of the
 * wrap. */
enum inspect_find_result inspect_find_step(struct inspect_view *v, struct inspect_find *f, enum inspect_time mode,
                                           size_t max, size_t *row);

/* The heading of a packet's detail: "Frame 5: 74 bytes on the wire, 74
 * captured, interface 0 (lo), link type 1 (Ethernet), 2024-05-01
 * 12:34:56.123456789 UTC". */
void inspect_frame_info(const struct capfile *cf, const struct capfile_packet *p, char *buf, size_t n);

/* The file's first packet's time (CAPFILE_NO_TIME when none yet). */
int64_t inspect_first_time(const struct capfile *cf);

#endif
