/*
 * capture.h — live packet capture with libpcap: the loopback device for the
 * lessons, any device for `sockscope inspect -i`.
 *
 * Role: open the capture once at start-up (before any thread exists, because
 * the no-root fallback has to unshare the process into namespaces of its
 * own), then run a capture thread that hands every frame to a callback.
 *
 * How the capture is obtained (capture_acquire):
 *   1. pcap on the host's "lo" (works as root, or with cap_net_raw set on
 *      the binary).  Started through sudo, the process then drops back to the
 *      invoking user: the open capture keeps working without privileges.
 *   2. Otherwise the process moves into a fresh user + network namespace of
 *      its own (see netns.h), where it may capture on that namespace's own
 *      loopback.  Demos then run in there too; nothing outside is reachable.
 *   3. Otherwise there is no capture: the demos still run, and the reason and
 *      what to run instead are kept in `why` for the status line.
 *
 * The thread is stopped through a wake-up pipe polled beside pcap's
 * selectable fd (pcap_breakloop alone does not wake a blocked read).
 */
#ifndef SOCKSCOPE_CAPTURE_H
#define SOCKSCOPE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/time.h>

enum capture_mode {
	CAPTURE_NONE = 0,   /* no packets: demos run without them */
	CAPTURE_HOST,       /* the host's loopback */
	CAPTURE_NAMESPACE,  /* the loopback of our own user + network namespace */
};

/* What the caller wants (--capture=...). */
enum capture_want {
	CAPTURE_WANT_AUTO = 0,   /* host, else namespace, else none */
	CAPTURE_WANT_HOST,
	CAPTURE_WANT_NAMESPACE,
	CAPTURE_WANT_NONE,
};

struct capture;

typedef void (*capture_cb)(void *ud, const struct timeval *ts, uint32_t caplen,
                           uint32_t wirelen, const uint8_t *data);
/* Called on the capture thread after each batch of frames (and when a poll
 * timed out): the moment to flush what the frames were written to. */
typedef void (*capture_batch_cb)(void *ud);

/* Open a capture on iface (NULL: "lo") as described above; the namespace
 * step is tried only for the loopback, as a namespace of our own has no
 * other device.  Must be called while the process has a single thread.
 * Never fails: *mode says what was obtained, and when there is no capture
 * `why` holds the explanation (a device that does not exist lists those
 * that do) and the command to run instead.  The returned capture is NULL
 * for CAPTURE_NONE.  Owned by the caller (capture_close).  Its filter
 * takes nothing until capture_set_filter. */
struct capture *capture_acquire(const char *iface, enum capture_want want, enum capture_mode *mode,
                                char *why, size_t whylen);

/* Is this the loopback device (NULL counts as "lo")? */
bool capture_is_loopback(const char *iface);

/* Replace the BPF filter; on error returns -1 with pcap's message in err. */
int capture_set_filter(struct capture *c, const char *bpf, char *err, size_t errlen);

/* Start the capture thread; cb runs on it for every frame.  -1 on error. */
int capture_start(struct capture *c, capture_cb cb, void *ud, char *err, size_t errlen);
/* The same, with batch (may be NULL) called after each batch. */
int capture_start_batched(struct capture *c, capture_cb cb, capture_batch_cb batch, void *ud, char *err,
                          size_t errlen);

/* Stop and join the capture thread (frames already read are delivered). */
void capture_stop(struct capture *c);

/* The link type as pcap files and the dissector number it (LINKTYPE_). */
int capture_linktype(const struct capture *c);

/* Kernel counters: received by the filter, dropped for lack of buffer space
 * (by the kernel or the interface).  While the thread runs they are those it
 * read last (at most 200 ms old); safe from any thread. */
bool capture_stats(struct capture *c, unsigned *received, unsigned *dropped);

/* The device captured on ("lo", "eth0"...): c's, valid until capture_close. */
const char *capture_iface(const struct capture *c);
/* What the kernel dropped on the capture's interface since boot (anyone's
 * packets: /proc/net/dev's receive "drop", in the capture's namespace), so
 * a caller can take the difference over a window; any thread.  On lo a
 * flood from another program overflows the kernel's backlog and the
 * packets it drops never reach the capture, nor their receiver. */
unsigned long long capture_iface_drops(const struct capture *c);

/* Stops the thread if running, closes the handle, frees c.  NULL is fine. */
void capture_close(struct capture *c);

/* "host", "namespace", "none": a static string. */
const char *capture_mode_name(enum capture_mode m);
/* --capture=auto|host|namespace|none; false for anything else. */
bool capture_want_parse(const char *s, enum capture_want *out);

#endif
