/*
 * live.h — `sockscope inspect -i IFACE`: a live capture that the inspection
 * views read as it grows.
 *
 * Role: the capture thread (capture/capture.c) writes every frame to a
 * temporary pcap file, flushed after each batch; the inspection views read
 * that file as a live capfile (capfile_open_live), which indexes records as
 * they arrive.  So a live capture is one more capture file to every view —
 * list, filter, follow, conversations, ladder, save — with one code path,
 * and memory stays bounded by the index (24 bytes a packet) while the
 * packets themselves sit in the page cache and on disk, as they would in a
 * file.  The temporary file is unlinked as soon as it is open: it goes away
 * with the process, whatever way the process ends.
 *
 * No curses, no printing.
 */
#ifndef SOCKSCOPE_INSPECT_LIVE_H
#define SOCKSCOPE_INSPECT_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "capfile/capfile.h"

struct live;

/* Open the device (capture_acquire: must be called while the process has
 * one thread; on "lo" without privilege the process moves into a namespace
 * of its own), set the kernel filter bpf (NULL or "": everything) and
 * create the temporary file in $TMPDIR (else /tmp).  Nothing is captured
 * before live_start.  NULL with a message: no capture possible (what to run
 * instead), a filter that does not compile (pcap's message), no room for
 * the file. */
struct live *live_open(const char *iface, enum capture_want want, const char *bpf, char *err, size_t errlen);

/* Before live_start: replace the kernel filter (the lab's port may be known
 * only after the capture had to be opened).  0, or -1 with pcap's message. */
int live_set_filter(struct live *l, const char *bpf, char *err, size_t errlen);

/* Before live_start: write at most this many frames (tcpdump's -c).  The
 * frames after the limit are not written; the capture itself goes on until
 * the reader calls live_stop (the capture thread cannot join itself), which
 * it does when live_stats says limit_reached. */
void live_limit(struct live *l, uint64_t frames);

/* Start capturing.  0, or -1 with a message. */
int live_start(struct live *l, char *err, size_t errlen);

/* Stop capturing: the frames the kernel holds are still written, then the
 * file is complete (its capfile finishes indexing) and the kernel's
 * counters are read one last time and kept (the socket stays open until
 * live_close and the kernel would go on counting).  Idempotent. */
void live_stop(struct live *l);

/* The file being written, as a capfile: owned by l, valid until live_close. */
struct capfile *live_capfile(struct live *l);

struct live_stats {
	uint64_t written;          /* frames written to the file */
	unsigned received;         /* kernel: frames that passed the filter */
	unsigned dropped;          /* kernel: frames lost for lack of buffer space */
	bool running;
	uint64_t limit;            /* live_limit's, 0: none */
	bool limit_reached;        /* written == limit: time to live_stop */
	const char *write_error;   /* the file could not be written (disk full...), or NULL */
};
/* Safe from any thread. */
void live_stats(struct live *l, struct live_stats *out);

enum capture_mode live_mode(const struct live *l);
const char *live_iface(const struct live *l);   /* l's, valid until live_close */
/* One line saying what is captured where, e.g. "live on lo, filter
 * 'tcp port 80'" or, in a namespace of our own, that only the traffic of
 * programs started inside it is seen. */
void live_describe(const struct live *l, char *buf, size_t n);

/* Stop, close the file, free.  NULL is fine. */
void live_close(struct live *l);

#endif
