/*
 * live.c — a live capture into a growing pcap file (see live.h).
 *
 * Threads: frames arrive on the capture thread, which alone writes the
 * file (capfile/write.h, buffered) and flushes it after every batch, so the reader
 * sees whole batches soon after they arrive; the capfile's own indexing
 * runs on the reader's side.  The counters are atomics.
 */
#include "inspect/live.h"
#include "common/mem.h"

#include "capfile/write.h"
#include "inspect/bpfhint.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct live {
	struct capture *cap;
	enum capture_mode mode;
	char filter[256];
	struct capfile_writer *w;
	struct capfile *cf;
	_Atomic uint64_t written;
	uint64_t limit;             /* write at most this many frames (0: no limit) */
	atomic_bool running, failed;
	bool stopped;
	/* The kernel's counters when the capture stopped (frozen set). */
	atomic_bool frozen;
	_Atomic unsigned final_recv, final_drop;
};

static void on_frame(void *ud, const struct timeval *ts, uint32_t caplen, uint32_t wirelen, const uint8_t *data)
{
	struct live *l = ud;
	if (atomic_load_explicit(&l->failed, memory_order_relaxed))
		return;
	if (l->limit && atomic_load_explicit(&l->written, memory_order_relaxed) >= l->limit)
		return;
	int64_t ns = (int64_t)ts->tv_sec * 1000000000 + (int64_t)ts->tv_usec * 1000;
	if (capfile_writer_packet(l->w, ns, caplen, wirelen, data, NULL) < 0)
		atomic_store(&l->failed, true);
	else
		atomic_fetch_add_explicit(&l->written, 1, memory_order_relaxed);
}

static void on_batch(void *ud)
{
	struct live *l = ud;
	if (!atomic_load_explicit(&l->failed, memory_order_relaxed) && capfile_writer_flush(l->w) < 0)
		atomic_store(&l->failed, true);
}

/* A temporary file, unlinked at once; two descriptors on it (write, read). */
static int temp_file(int *wfd, int *rfd, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char path[4096];
	snprintf(path, sizeof path, "%s/sockscope-live-XXXXXX", dir);
	*wfd = mkostemp(path, O_CLOEXEC);
	if (*wfd < 0) {
		snprintf(err, errlen, "cannot create the capture file in %s: %s (set TMPDIR to another directory)", dir,
		         strerror(errno));
		return -1;
	}
	*rfd = open(path, O_RDONLY | O_CLOEXEC);
	int e = errno;
	unlink(path);
	if (*rfd < 0) {
		snprintf(err, errlen, "cannot read back %s: %s", path, strerror(e));
		close(*wfd);
		return -1;
	}
	return 0;
}

/* The kernel filter; pcap's message told in tcpdump's terms when it fails. */
static int set_filter(struct live *l, char *err, size_t errlen)
{
	char msg[1024];
	if (capture_set_filter(l->cap, l->filter, msg, sizeof msg) == 0)
		return 0;
	int lt = capture_linktype(l->cap);
	bpfhint_explain(l->filter, msg, bpfhint_compiles, &lt, err, errlen);
	return -1;
}

struct live *live_open(const char *iface, enum capture_want want, const char *bpf, char *err, size_t errlen)
{
	struct live *l = xcalloc(1, sizeof *l);
	char why[1024];
	l->cap = capture_acquire(iface, want, &l->mode, why, sizeof why);
	if (!l->cap) {
		snprintf(err, errlen, "%s", why);
		free(l);
		return NULL;
	}
	snprintf(l->filter, sizeof l->filter, "%s", bpf ? bpf : "");
	if (set_filter(l, err, errlen) < 0)
		goto fail;
	int wfd, rfd;
	if (temp_file(&wfd, &rfd, err, errlen) < 0)
		goto fail;
	char name[128];
	snprintf(name, sizeof name, "live capture on %s", capture_iface(l->cap));
	/* The file's snap length is the capture's own (capture.c). */
	struct capfile_write_opts wo = { .format = CAPFILE_PCAP, .linktype = capture_linktype(l->cap),
	                                 .snaplen = CAPFILE_SNAPLEN };
	l->w = capfile_writer_fdopen(wfd, name, &wo, err, errlen);
	if (!l->w || capfile_writer_flush(l->w) < 0) {
		if (l->w)
			snprintf(err, errlen, "writing the capture file: %s", capfile_writer_error(l->w));
		close(rfd);
		goto fail;
	}
	l->cf = capfile_open_live(rfd, name, err, errlen);
	if (!l->cf)
		goto fail;
	return l;
fail:
	live_close(l);
	return NULL;
}

int live_set_filter(struct live *l, const char *bpf, char *err, size_t errlen)
{
	snprintf(l->filter, sizeof l->filter, "%s", bpf ? bpf : "");
	return set_filter(l, err, errlen);
}

void live_limit(struct live *l, uint64_t frames)
{
	l->limit = frames;
}

int live_start(struct live *l, char *err, size_t errlen)
{
	if (capture_start_batched(l->cap, on_frame, on_batch, l, err, errlen) < 0)
		return -1;
	atomic_store(&l->running, true);
	return 0;
}

void live_stop(struct live *l)
{
	if (!l || l->stopped)
		return;
	l->stopped = true;
	capture_stop(l->cap);   /* delivers what the kernel holds, then joins */
	unsigned r = 0, d = 0;
	capture_stats(l->cap, &r, &d);
	atomic_store(&l->final_recv, r);
	atomic_store(&l->final_drop, d);
	atomic_store(&l->frozen, true);
	atomic_store(&l->running, false);
	if (l->w)
		on_batch(l);
	if (l->cf)
		capfile_live_end(l->cf);
}

struct capfile *live_capfile(struct live *l)
{
	return l->cf;
}

void live_stats(struct live *l, struct live_stats *out)
{
	out->written = atomic_load_explicit(&l->written, memory_order_relaxed);
	out->received = out->dropped = 0;
	if (atomic_load(&l->frozen)) {
		out->received = atomic_load(&l->final_recv);
		out->dropped = atomic_load(&l->final_drop);
	} else {
		capture_stats(l->cap, &out->received, &out->dropped);
	}
	out->running = atomic_load(&l->running);
	out->limit = l->limit;
	out->limit_reached = l->limit && out->written >= l->limit;
	out->write_error = atomic_load(&l->failed) ? capfile_writer_error(l->w) : NULL;
}

enum capture_mode live_mode(const struct live *l)
{
	return l->mode;
}

const char *live_iface(const struct live *l)
{
	return capture_iface(l->cap);
}

void live_describe(const struct live *l, char *buf, size_t n)
{
	int k = snprintf(buf, n, "live on %s", capture_iface(l->cap));
	if (k > 0 && (size_t)k < n && l->filter[0])
		k += snprintf(buf + k, n - (size_t)k, ", filter '%s'", l->filter);
	if (k > 0 && (size_t)k < n && l->mode == CAPTURE_NAMESPACE)
		snprintf(buf + k, n - (size_t)k, " (the loopback of a network namespace of our own, as there is no "
		         "privilege to capture on the host's: only programs started inside it, with --exec, are seen)");
}

void live_close(struct live *l)
{
	if (!l)
		return;
	live_stop(l);
	char err[256];
	if (l->w)
		capfile_writer_close(l->w, false, err, sizeof err);
	capfile_close(l->cf);
	capture_close(l->cap);
	free(l);
}
