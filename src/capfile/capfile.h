/*
 * capfile.h — a pcap or pcapng file opened for inspection: an index of its
 * packets and random access to any of them.
 *
 * Role: the one reader of capture files (capfile/write.h is the one
 * writer).  Inspection's screens and headless output (`sockscope inspect
 * FILE --print`), a live capture's growing file, the replay of a recording
 * and the tests all read files through it.  No curses, no printing.
 *
 * Why our own reader and not libpcap's pcap_open_offline: libpcap reads a
 * file front to back and cannot seek to packet N, and it gives up on a
 * damaged record without saying where.  Here the file is mapped read-only
 * and walked by one bounds-checked scanner (capfile.c) that checks every
 * length against the bytes that are really there and, when a record is
 * impossible or cut off, stops with a message naming the packet, its byte
 * offset and the reason — keeping every packet before it.  The formats
 * follow draft-ietf-opsawg-pcap (classic pcap, both byte orders, micro- and
 * nanosecond magic) and draft-ietf-opsawg-pcapng (SHB with its byte order,
 * IDB per interface with link type, snaplen, if_tsresol and if_tsoffset;
 * EPB, SPB and the obsolete OPB; other block types skipped; any number of
 * sections).
 *
 * Data model: an index of one small record per packet (its offset in the
 * file, lengths, timestamp and interface: 24 bytes), kept in fixed-size
 * chunks that never move, so a UI thread can read entries while the
 * indexing thread appends more.  The indexer publishes the count with a
 * release store; readers see a consistent prefix [0, count).  Interfaces
 * (link type, snaplen, time resolution) live in a table of their own.
 *
 * Threads: capfile_index_start runs the scan on a background thread;
 * capfile_index_step runs it on the caller's thread in slices (the
 * headless path, which prints as it goes).  Use one or the other on a
 * file.  Everything else may be called from any thread at any time.
 *
 * Memory: the index (24 bytes a packet) and the mapping.  Pages of the file
 * the scan has passed are handed back to the kernel (they stay in the page
 * cache and fault back in on access), so resident memory follows the index,
 * not the file's size.
 */
#ifndef SOCKSCOPE_CAPFILE_H
#define SOCKSCOPE_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capfile;

enum capfile_format { CAPFILE_PCAP, CAPFILE_PCAPNG };

/* Why capfile_open failed. */
enum capfile_error {
	CAPFILE_ERR_IO = 1,       /* could not open, stat or map the file */
	CAPFILE_ERR_NOT_CAPTURE,  /* the file is neither pcap nor pcapng */
};

/* Where the scan stands. */
enum capfile_state {
	CAPFILE_SCANNING = 0,     /* more packets may come */
	CAPFILE_COMPLETE,         /* every packet of the file is indexed */
	CAPFILE_DAMAGED,          /* the scan stopped at damage: see capfile_stop_reason */
};

/* The snap length of our own captures and files, and the longest record
 * the reader takes beyond a file's own snaplen: libpcap's MAXIMUM_SNAPLEN,
 * so a packet libpcap would capture whole is never cut or refused here. */
#define CAPFILE_SNAPLEN 262144u

/* A packet's timestamp when its record has none (pcapng simple packet block). */
#define CAPFILE_NO_TIME INT64_MIN

/* One packet, as capfile_packet returns it. */
struct capfile_packet {
	uint64_t number;          /* 0-based index */
	uint64_t offset;          /* file offset of its first captured byte */
	int64_t ts_ns;            /* nanoseconds since 1970 (UTC), or CAPFILE_NO_TIME */
	uint32_t caplen, wirelen;
	int linktype;             /* LINKTYPE_ value (dissect.h's LINK_*), FCS bits removed */
	unsigned iface;           /* interface (index into capfile_iface) */
	const uint8_t *data;      /* caplen bytes; valid until capfile_close */
};

/* An interface: classic pcap has one; pcapng one per IDB, numbered across sections. */
struct capfile_iface {
	int linktype;
	uint32_t snaplen;
	unsigned section;         /* 0-based pcapng section (0 for pcap) */
	int ts_digits;            /* 6 for microseconds, 9 for nanoseconds... (display precision) */
	char name[64];            /* if_name, or "" */
};

/* Open and recognise a file (nothing is indexed yet).  On failure returns
 * NULL, *why (when not NULL) and a message in err, e.g.
 *   "not a capture file: first bytes 3c 21 44 4f (looks like text)".
 * A file whose header is recognised but cut short opens: its scan stops at
 * once with a message. */
struct capfile *capfile_open(const char *path, enum capfile_error *why, char *err, size_t errlen);
/* A file a live capture is still writing (inspect/live.c): fd is open for
 * reading on it (the capfile owns it from now on, also on failure), its
 * header already written; name is what capfile_path returns.  Until
 * capfile_live_end, the scan waits at the end of the bytes written rather
 * than completing, and a record cut by the end is one still being written
 * (the indexing thread looks again every 10 ms; capfile_index_step returns
 * CAPFILE_SCANNING with nothing new).  The mapping has room for the file to
 * grow to 1 TiB; past that the scan stops with a message. */
struct capfile *capfile_open_live(int fd, const char *name, char *err, size_t errlen);
/* The writer has finished: what is in the file now is all there will be. */
void capfile_live_end(struct capfile *cf);
bool capfile_live(const struct capfile *cf);

/* Stops and joins the indexing thread, unmaps, frees.  NULL is fine. */
void capfile_close(struct capfile *cf);

enum capfile_format capfile_format(const struct capfile *cf);
uint64_t capfile_size(const struct capfile *cf);
const char *capfile_path(const struct capfile *cf);

/* Index on a background thread; returns -1 with a message if it could not
 * start (then capfile_index_step still works). */
int capfile_index_start(struct capfile *cf, char *err, size_t errlen);
/* Wait for the background indexing to end. */
void capfile_index_wait(struct capfile *cf);
/* Index up to max_packets more packets on the caller's thread; returns the
 * state afterwards.  Not while the background thread runs. */
enum capfile_state capfile_index_step(struct capfile *cf, size_t max_packets);

/* Progress, safe from any thread. */
struct capfile_progress {
	enum capfile_state state;
	uint64_t packets;         /* indexed so far */
	uint64_t bytes_done;      /* file bytes scanned so far */
	uint64_t bytes_total;     /* the file's size (so far, for a live file) */
};
void capfile_progress(const struct capfile *cf, struct capfile_progress *p);
/* Packets indexed so far (the prefix readable now). */
uint64_t capfile_count(const struct capfile *cf);

/* Why the scan stopped early, e.g. "packet 1234 at byte offset 5678: record
 * length 70000 runs past the end of the file (200 bytes left; truncated)";
 * "" while scanning or when complete.  The pointer stays valid until
 * capfile_close; read it after the state became CAPFILE_DAMAGED. */
const char *capfile_stop_reason(const struct capfile *cf);

/* Packet n (0-based) if indexed; false when n >= capfile_count. */
bool capfile_packet(const struct capfile *cf, uint64_t n, struct capfile_packet *out);

/* A hint from a walk over many packets: packets [from, to) will not be
 * read again soon, so the pages holding them may leave this process's
 * memory (they stay in the page cache and come back when read).  Keeps a
 * walk over a file of any size within a few MiB of resident file pages. */
void capfile_forget(const struct capfile *cf, uint64_t from, uint64_t to);

/* pcapng comments (opt_comment, UTF-8): the k-th (0-based) of packet n, or
 * of the file's first section header, copied into buf (cut to len - 1
 * bytes).  False when there is none (always, for classic pcap). */
bool capfile_packet_comment(const struct capfile *cf, uint64_t n, unsigned k, char *buf, size_t len);
bool capfile_header_comment(const struct capfile *cf, unsigned k, char *buf, size_t len);

/* Interfaces seen so far. */
unsigned capfile_iface_count(const struct capfile *cf);
bool capfile_iface(const struct capfile *cf, unsigned i, struct capfile_iface *out);

#endif
