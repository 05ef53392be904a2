/*
 * capture.c — libpcap on loopback, a capture thread, and the no-root path.
 *
 * The handle is opened with pcap_create + immediate mode (otherwise the
 * kernel hands packets over in batches, late) and set non-blocking; the
 * thread polls pcap's selectable fd together with a wake-up pipe, so
 * capture_stop never waits on a blocked read.
 */
#include "capture/capture.h"
#include "common/mem.h"
#include "common/thread.h"
#include "capture/netns.h"
#include "common/clock.h"
#include "capfile/capfile.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct capture {
	pcap_t *p;
	char iface[64];
	int wake[2];            /* write a byte to wake[1] to stop the thread */
	pthread_t thread;
	bool running;
	capture_cb cb;
	capture_batch_cb batch;
	void *ud;
	/* The kernel counters, read by the capture thread itself (pcap_stats
	 * on a handle another thread is reading is not safe) and published
	 * here for any thread. */
	_Atomic unsigned st_recv, st_drop;
	int64_t st_when;
};

/* Snap length: loopback frames are at most 64 KiB + headers, so the
 * capture files' own (capfile.h) takes every frame whole. */

#define BUFFER_BYTES (4 << 20)

/* The devices libpcap can open, for a message about one that does not exist. */
static void list_devices(char *buf, size_t n)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *all = NULL;
	size_t k = 0;
	buf[0] = '\0';
	if (pcap_findalldevs(&all, ebuf) < 0)
		return;
	for (pcap_if_t *d = all; d && k < n; d = d->next) {
		int w = snprintf(buf + k, n - k, "%s%s", k ? ", " : "", d->name);
		if (w < 0)
			break;
		k += (size_t)w;
	}
	pcap_freealldevs(all);
}

static pcap_t *open_device(const char *iface, char *err, size_t errlen, bool *perm_denied)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	*perm_denied = false;
	/* Asked first, as it needs no privilege (libpcap would say "permission
	 * denied" to an unprivileged user before it looked). */
	if (strcmp(iface, "any") != 0 && if_nametoindex(iface) == 0) {
		char devs[512];
		list_devices(devs, sizeof devs);
		snprintf(err, errlen, "there is no interface '%s'%s%s", iface, devs[0] ? "; the interfaces here: " : "", devs);
		return NULL;
	}
	pcap_t *p = pcap_create(iface, ebuf);
	if (!p) {
		snprintf(err, errlen, "pcap_create(%s): %s", iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, CAPFILE_SNAPLEN);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, BUFFER_BYTES);
	pcap_set_timeout(p, 50);
	int rc = pcap_activate(p);
	if (rc < 0) {
		*perm_denied = rc == PCAP_ERROR_PERM_DENIED;
		snprintf(err, errlen, "capturing on %s: %s", iface, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (pcap_setnonblock(p, 1, ebuf) < 0) {
		snprintf(err, errlen, "pcap_setnonblock: %s", ebuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

/* Started as root through sudo: become the invoking user again, keeping the
 * open capture.  Groups first (they need privilege), then gid, then uid. */
static void drop_sudo_privileges(void)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	if (getuid() != 0 || !su || !sg)
		return;
	uid_t uid = (uid_t)strtoul(su, NULL, 10);
	gid_t gid = (gid_t)strtoul(sg, NULL, 10);
	if (uid == 0)
		return;
	const char *user = getenv("SUDO_USER");
	if (!user || initgroups(user, gid) < 0)
		setgroups(1, &gid);
	if (setgid(gid) < 0 || setuid(uid) < 0) {
		fprintf(stderr, "sockscope: cannot drop root privileges: %s\n", strerror(errno));
		exit(1);
	}
	struct passwd *pw = getpwuid(uid);
	if (pw) {
		setenv("HOME", pw->pw_dir, 1);
		setenv("USER", pw->pw_name, 1);
	}
}

static void discard(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)user, (void)h, (void)bytes;
}

bool capture_is_loopback(const char *iface)
{
	return !iface || strcmp(iface, "lo") == 0;
}

struct capture *capture_acquire(const char *iface, enum capture_want want, enum capture_mode *mode,
                                char *why, size_t whylen)
{
	char host_err[600] = "", ns_err[256] = "";
	bool denied = false, loopback = capture_is_loopback(iface);
	pcap_t *p = NULL;
	*mode = CAPTURE_NONE;
	why[0] = '\0';
	if (!iface)
		iface = "lo";

	if (want == CAPTURE_WANT_NONE) {
		snprintf(why, whylen, "capture turned off (--capture=none)");
		return NULL;
	}
	if (want == CAPTURE_WANT_AUTO || want == CAPTURE_WANT_HOST) {
		p = open_device(iface, host_err, sizeof host_err, &denied);
		if (p) {
			*mode = CAPTURE_HOST;
			drop_sudo_privileges();
		}
	}
	/* The namespace has a loopback of its own and nothing else. */
	if (!p && loopback && (want == CAPTURE_WANT_AUTO || want == CAPTURE_WANT_NAMESPACE)) {
		if (netns_enter(ns_err, sizeof ns_err) == 0) {
			p = open_device(iface, ns_err, sizeof ns_err, &denied);
			if (p)
				*mode = CAPTURE_NAMESPACE;
		}
	}
	if (!p) {
		if (!loopback && !denied)
			snprintf(why, whylen, "no packet capture: %s", host_err);
		else
			snprintf(why, whylen,
			         "no packet capture: %s%s%s.%s To capture, run: sudo setcap cap_net_raw,cap_net_admin=eip "
			         "\"$(command -v sockscope)\" (or start it with sudo)",
			         host_err[0] ? host_err : "", host_err[0] && ns_err[0] ? "; " : "", ns_err[0] ? ns_err : "",
			         loopback ? " The demos still run, without packets." : "");
		return NULL;
	}
	struct capture *c = xcalloc(1, sizeof *c);
	c->p = p;
	snprintf(c->iface, sizeof c->iface, "%s", iface);
	c->wake[0] = c->wake[1] = -1;
	/* Until a demo sets its own filter, take nothing; and throw away what
	 * came before the filter did: under a flood of another program's
	 * traffic on lo those frames fill the ring, and until a capture thread
	 * has read them out the kernel drops the demo's first packets (its
	 * markers included) for want of room.  The device is non-blocking. */
	char err[256];
	capture_set_filter(c, "less 1", err, sizeof err);
	for (int k = 0; k < 100000 && pcap_dispatch(p, -1, discard, NULL) > 0; k++)
		;
	return c;
}

int capture_set_filter(struct capture *c, const char *bpf, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (pcap_compile(c->p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "filter '%s': %s", bpf, pcap_geterr(c->p));
		return -1;
	}
	int rc = pcap_setfilter(c->p, &prog);
	if (rc < 0)
		snprintf(err, errlen, "setting filter '%s': %s", bpf, pcap_geterr(c->p));
	pcap_freecode(&prog);
	return rc < 0 ? -1 : 0;
}

static void deliver(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	c->cb(c->ud, &h->ts, h->caplen, h->len, bytes);
}

/* Read the kernel counters (on the capture thread) at most every 200 ms. */
static void refresh_stats(struct capture *c, bool now)
{
	int64_t t = clock_ms();
	int64_t ms = t - c->st_when;
	struct pcap_stat st;
	if ((now || ms >= 200) && pcap_stats(c->p, &st) == 0) {
		atomic_store(&c->st_recv, st.ps_recv);
		atomic_store(&c->st_drop, st.ps_drop + st.ps_ifdrop);
		c->st_when = t;
	}
}

static void *capture_thread(void *arg)
{
	struct capture *c = arg;
	struct pollfd pfd[2] = {
		{ .fd = pcap_get_selectable_fd(c->p), .events = POLLIN },
		{ .fd = c->wake[0], .events = POLLIN },
	};
	for (;;) {
		int n = poll(pfd, 2, 100);
		if (n < 0 && errno != EINTR)
			break;
		/* Drain what is there before looking at the wake-up pipe, so a
		 * stop right after a step still delivers that step's packets. */
		while (pcap_dispatch(c->p, -1, deliver, (u_char *)c) > 0)
			;
		if (c->batch)
			c->batch(c->ud);
		refresh_stats(c, false);
		if (pfd[1].revents)
			break;
	}
	refresh_stats(c, true);
	return NULL;
}

int capture_start(struct capture *c, capture_cb cb, void *ud, char *err, size_t errlen)
{
	return capture_start_batched(c, cb, NULL, ud, err, errlen);
}

int capture_start_batched(struct capture *c, capture_cb cb, capture_batch_cb batch, void *ud, char *err,
                          size_t errlen)
{
	if (c->running)
		return 0;
	if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	c->cb = cb;
	c->batch = batch;
	c->ud = ud;
	if (thread_start(&c->thread, capture_thread, c, "the capture thread", err, errlen) < 0) {
		close(c->wake[0]);
		close(c->wake[1]);
		c->wake[0] = c->wake[1] = -1;
		return -1;
	}
	c->running = true;
	return 0;
}

void capture_stop(struct capture *c)
{
	if (!c || !c->running)
		return;
	ssize_t w;
	do
		w = write(c->wake[1], "x", 1);
	while (w < 0 && errno == EINTR);
	pthread_join(c->thread, NULL);
	close(c->wake[0]);
	close(c->wake[1]);
	c->wake[0] = c->wake[1] = -1;
	c->running = false;
}

unsigned long long capture_iface_drops(const struct capture *c)
{
	FILE *f = c ? fopen("/proc/net/dev", "re") : NULL;
	char line[512];
	unsigned long long drops = 0;
	size_t len = c ? strlen(c->iface) : 0;
	while (f && fgets(line, sizeof line, f)) {
		const char *s = line + strspn(line, " ");
		unsigned long long bytes, packets, errs;
		/* "  lo: bytes packets errs drop fifo frame ..." */
		if (!strncmp(s, c->iface, len) && s[len] == ':' &&
		    sscanf(s + len + 1, "%llu %llu %llu %llu", &bytes, &packets, &errs, &drops) == 4)
			break;
		drops = 0;
	}
	if (f)
		fclose(f);
	return drops;
}

int capture_linktype(const struct capture *c)
{
	/* libpcap names link types by DLT_ values; files and the dissector use
	 * LINKTYPE_ values.  They agree except for a few, of which raw IP is the
	 * one Linux devices (tun, some VPNs) report. */
	int dlt = pcap_datalink(c->p);
	return dlt == DLT_RAW ? 101 : dlt;
}

bool capture_stats(struct capture *c, unsigned *received, unsigned *dropped)
{
	if (!c)
		return false;
	if (!c->running)   /* no thread reads the handle: ask the kernel now */
		refresh_stats(c, true);
	*received = atomic_load(&c->st_recv);
	*dropped = atomic_load(&c->st_drop);
	return true;
}

const char *capture_iface(const struct capture *c)
{
	return c->iface;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	capture_stop(c);
	pcap_close(c->p);
	free(c);
}

bool capture_want_parse(const char *s, enum capture_want *out)
{
	static const char *const names[] = { "auto", "host", "namespace", "none" };
	static const enum capture_want wants[] = { CAPTURE_WANT_AUTO, CAPTURE_WANT_HOST, CAPTURE_WANT_NAMESPACE,
	                                           CAPTURE_WANT_NONE };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = wants[i];
			return true;
		}
	return false;
}

const char *capture_mode_name(enum capture_mode m)
{
	switch (m) {
	case CAPTURE_HOST: return "lo";   /* the lessons' device; inspect names its own (capture_iface) */
	case CAPTURE_NAMESPACE: return "lo (own namespace)";
	default: return "off";
	}
}
