/*
 * lab.c — run a lesson's steps and attribute every captured packet to one.
 *
 * The capture thread (on_frame) decodes each frame once: the demo's marker
 * datagrams move the "current step" and are not kept; every other frame is
 * stored with its summary and the step it belongs to.  lab_step brackets a
 * step between a START and an END marker (see demo.c for why that is
 * deterministic) and waits until the END marker has been captured.
 */
#include "lab/lab.h"
#include "capture/marker.h"
#include "lab/lab_priv.h"
#include "common/clock.h"
#include "common/mem.h"
#include "common/thread.h"
#include "common/vec.h"
#include "dissect/dissect.h"
#include "lab/peer.h"
#include "lab/record.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Bounds on the waits of a step (they are rarely more than a millisecond).
 * The END marker's is wider: the capture thread decodes every frame, and
 * a step once went unattributed (marker not seen in 2 s) on a loaded
 * machine under the sanitizers. */
#define QUIET_WAIT_MS 2000
#define MARKER_WAIT_MS 5000
/* Two terminals: how long one side waits for the other.  A person starts the
 * other side and presses a key for each step; calls are bounded by the lab's
 * own timeouts (30 s each). */
#define PEER_HUMAN_MS (10 * 60 * 1000)
#define PEER_CALLS_MS (3 * 60 * 1000)
#define PEER_HELLO_MS 10000


static void store_packet(struct lab *lab, const struct timeval *ts, uint32_t caplen, uint32_t wirelen,
                         const uint8_t *data, const struct dissection *d)
{
	uint8_t *copy = xmalloc(caplen);
	memcpy(copy, data, caplen);

	struct lab_packet p = { .ts = *ts, .caplen = caplen, .wirelen = wirelen, .data = copy };
	dissect_endpoint(&d->info, true, p.src, sizeof p.src);
	dissect_endpoint(&d->info, false, p.dst, sizeof p.dst);
	snprintf(p.proto, sizeof p.proto, "%s", d->info.proto ? d->info.proto : "?");
	p.tcp = d->info.tcp;
	p.tcp_flags = d->info.tcp_flags;
	p.win = d->info.win;
	p.payload_len = d->info.payload_len;
	p.payload_off = d->info.payload_off;
	p.payload_caplen = d->info.payload_caplen;
	p.ip_proto = d->info.ip_proto;
	for (size_t k = 0; k < lab->nports && d->info.has_ports; k++)
		p.from_lab |= d->info.sport == lab->ports[k];
	dissect_summary(d, lab->flows, p.summary, sizeof p.summary);

	pthread_mutex_lock(&lab->mu);
	lab->pkts = vec_room(lab->pkts, lab->npkts, &lab->cap_pkts, sizeof *lab->pkts);
	if (lab->npkts == 0)
		lab->t0 = *ts;
	p.rel = (double)(ts->tv_sec - lab->t0.tv_sec) + (double)(ts->tv_usec - lab->t0.tv_usec) / 1e6;
	p.index = (uint32_t)lab->npkts;
	p.step = lab->cur_step;
	lab->pkts[lab->npkts++] = p;
	pthread_mutex_unlock(&lab->mu);
}

/* An ICMP error about somebody else's packet (the filter takes all ICMP of
 * the family; only errors quoting a packet to or from a demo port count). */
static bool foreign_icmp(const struct lab *lab, const struct pkt_info *i)
{
	if (!i->icmp)
		return false;
	if (!i->quote.valid || !i->quote.has_ports)
		return true;   /* no demo sends pings, and its errors quote ports */
	for (size_t k = 0; k < lab->nallports; k++)
		if (i->quote.sport == lab->allports[k] || i->quote.dport == lab->allports[k])
			return false;
	return true;
}

struct lab *lab_new(const struct lesson *lesson, const struct lab_options *opt)
{
	struct lab *lab = xcalloc(1, sizeof *lab);
	lab->lesson = lesson;
	if (opt)
		lab->opt = *opt;
	lab->cur_step = LAB_PKT_SETUP;
	lab->last_end = -1;
	lab->last_start = -1;
	pthread_mutex_init(&lab->mu, NULL);
	pthread_cond_init(&lab->cv, NULL);
	lab->results = xcalloc(lesson->nsteps, sizeof *lab->results);
	lab->flows = flowtab_new();
	return lab;
}

void lab_store_frame(struct lab *lab, const struct timeval *ts, uint32_t caplen, uint32_t wirelen,
                     const uint8_t *data, int step)
{
	struct dissection d;
	dissect_frame(lab->linktype, data, caplen, wirelen, &d);
	pthread_mutex_lock(&lab->mu);
	lab->cur_step = step;
	pthread_mutex_unlock(&lab->mu);
	store_packet(lab, ts, caplen, wirelen, data, &d);
	dissection_free(&d);
}

static void on_frame(void *ud, const struct timeval *ts, uint32_t caplen, uint32_t wirelen,
                     const uint8_t *data)
{
	struct lab *lab = ud;
	struct dissection d;
	dissect_frame(lab->linktype, data, caplen, wirelen, &d);

	char kind;
	uint32_t id;
	const struct pkt_info *i = &d.info;
	/* A marker is a datagram from a port to itself with the magic; one that
	 * is not ours is another sockscope's on the same lo (the other
	 * terminal's, when its marker port is a number our filter takes for one
	 * of the demo's ports): never the demo's traffic either. */
	bool marker = i->ip_proto == 17 && i->has_ports && i->sport == i->dport &&
	              i->payload_caplen == i->payload_len &&
	              demo_parse_marker(data + i->payload_off, i->payload_caplen, &kind, &id);
	if (marker && i->dport != demo_marker_port(lab->demo)) {
		/* dropped */
	} else if (marker) {
		pthread_mutex_lock(&lab->mu);
		if (kind == DEMO_MARK_START) {
			lab->cur_step = (int)id;
			lab->last_start = id;
			pthread_cond_broadcast(&lab->cv);
		} else {
			lab->cur_step = LAB_PKT_BETWEEN;
			lab->last_end = id;
			pthread_cond_broadcast(&lab->cv);
		}
		pthread_mutex_unlock(&lab->mu);
	} else if (!foreign_icmp(lab, i)) {
		store_packet(lab, ts, caplen, wirelen, data, &d);
	}
	dissection_free(&d);
}

/* The client side of two terminals: connect, and learn from the server
 * side's hello what to run (the same lesson text) and where its ports are. */
static int client_hello(struct lab *lab, struct demo_config *cfg, char *err, size_t errlen)
{
	char line[512], hash[20], e[256];
	lab->peer = peer_connect(lab->opt.peer_port, err, errlen);
	if (!lab->peer)
		return -1;
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)record_lesson_hash(lab->lesson));
	for (;;) {
		if (peer_recv(lab->peer, line, sizeof line, PEER_HELLO_MS, e, sizeof e) < 0) {
			snprintf(err, errlen, "the server side: %s", e);
			return -1;
		}
		char *f[4];
		size_t n = 0;
		for (char *t = strtok(line, " "); t && n < 4; t = strtok(NULL, " "))
			f[n++] = t;
		if (n == 1 && !strcmp(f[0], "end"))
			return 0;
		if (n == 3 && !strcmp(f[0], "lesson")) {
			if (strcmp(f[1], lab->lesson->id) || strcmp(f[2], hash)) {
				snprintf(err, errlen, "the server side runs %s %s; this is %s%s", strcmp(f[1], lab->lesson->id) ?
				         "lesson" : "another text of lesson", f[1], lab->lesson->id,
				         strcmp(f[1], lab->lesson->id) ? ": start both with the same lesson" : "");
				return -1;
			}
		} else if (n == 2 && !strcmp(f[0], "family")) {
			lab->family = cfg->family = atoi(f[1]) == 6 ? 6 : 4;
		} else if (n >= 1 && !strcmp(f[0], "toggles")) {
			snprintf(lab->opt.toggles, sizeof lab->opt.toggles, "%s", n > 1 ? f[1] : "");
			for (char *c = lab->opt.toggles; *c; c++)
				if (*c == ',')
					*c = ' ';
		} else if (n == 3 && !strcmp(f[0], "port") && cfg->nremote < DEMO_MAX_REMOTE) {
			snprintf(cfg->remote[cfg->nremote].name, sizeof cfg->remote[0].name, "%s", f[1]);
			cfg->remote[cfg->nremote++].port = (uint16_t)atoi(f[2]);
		}
	}
}

/* The server side, from lab_open on, on a thread of its own (the screen
 * shows the port meanwhile): wait for the client side and tell it what runs
 * where.  Joined before the first step meets the other side. */
static int server_hello(struct lab *lab, char *err, size_t errlen);
static void *hello_thread(void *arg)
{
	struct lab *lab = arg;
	int rc = server_hello(lab, lab->hello_err, sizeof lab->hello_err);
	atomic_store(&lab->hello_state, rc < 0 ? -1 : 1);
	return NULL;
}

static int server_hello(struct lab *lab, char *err, size_t errlen)
{
	if (peer_accept(lab->peer, PEER_HUMAN_MS, err, errlen) < 0)
		return -1;
	struct demo_remote_port ports[DEMO_MAX_REMOTE];
	size_t n = demo_target_ports(lab->demo, ports, DEMO_MAX_REMOTE);
	char toggles[sizeof lab->opt.toggles];
	snprintf(toggles, sizeof toggles, "%s", lab->opt.toggles);
	for (char *c = toggles; *c; c++)
		if (*c == ' ')
			*c = ',';   /* one word on the line; the client side reads it back as one list */
	if (peer_send(lab->peer, err, errlen, "lesson %s %016llx", lab->lesson->id,
	              (unsigned long long)record_lesson_hash(lab->lesson)) < 0 ||
	    peer_send(lab->peer, err, errlen, "family %d", lab->family) < 0 ||
	    peer_send(lab->peer, err, errlen, "toggles %s", toggles) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (peer_send(lab->peer, err, errlen, "port %s %u", ports[i].name, ports[i].port) < 0)
			return -1;
	return peer_send(lab->peer, err, errlen, "end");
}

struct lab *lab_open(const struct lesson *lesson, struct capture *cap, enum capture_mode mode,
                     const struct lab_options *opt, char *err, size_t errlen)
{
	struct lab *lab = lab_new(lesson, opt);
	lab->family = lab->opt.family ? lab->opt.family : lesson->family;
	if (demo_toggle_on(lab->opt.toggles, "ipv6"))
		lab->family = 6;

	struct demo_config cfg = {
		.family = lab->family,
		.side = lab->opt.side,
		.tcp_server = lesson->lab_tcp_server,
		.udp_server = lesson->lab_udp_server,
		.client_rcvtimeo_cap = lab->opt.client_rcvtimeo_cap,
	};
	if (lab->opt.side == DEMO_SIDE_CLIENT && client_hello(lab, &cfg, err, errlen) < 0)
		goto fail;
	if (lab->opt.side == DEMO_SIDE_SERVER && !(lab->peer = peer_listen(err, errlen)))
		goto fail;
	for (size_t i = 0; i < lesson->nservices; i++)
		cfg.services[cfg.nservices++] = lesson->services[i];
	lab->demo = demo_new(&cfg, err, errlen);
	if (!lab->demo)
		goto fail;
	lab->nports = demo_ports(lab->demo, lab->ports, 16);
	lab->nallports = demo_all_ports(lab->demo, lab->allports, 48);
	lab->vars.family = lab->family;
	static const char *const builtin[] = { "lab", "udp", "closed" };
	for (size_t i = 0; i < 3 + 2 * lesson->nservices && lab->vars.nnamed < 8; i++) {
		char name[DEMO_NAME_MAX + 8];
		if (i < 3)
			snprintf(name, sizeof name, "%s", builtin[i]);
		else
			snprintf(name, sizeof name, "%s%s", lesson->services[(i - 3) / 2], (i - 3) % 2 ? "-data" : "");
		uint16_t port = demo_target_port(lab->demo, name);
		if (port && strlen(name) < DEMO_NAME_MAX) {
			snprintf(lab->vars.named[lab->vars.nnamed].name, DEMO_NAME_MAX, "%s", name);
			lab->vars.named[lab->vars.nnamed++].port = port;
		}
	}
	lab->vars.port = lab->vars.nnamed ? lab->vars.named[0].port : 0;
	if (lab->opt.side == DEMO_SIDE_SERVER) {
		if (thread_start(&lab->hello, hello_thread, lab, "waiting for the other terminal", err, errlen) < 0)
			goto fail;
		lab->hello_running = true;
	}

	if (cap) {
		char filter[512];
		demo_bpf_filter(lab->demo, filter, sizeof filter);
		lab->linktype = capture_linktype(cap);
		if (capture_set_filter(cap, filter, err, errlen) < 0 ||
		    capture_start(cap, on_frame, lab, err, errlen) < 0)
			goto fail;
		lab->cap = cap;
		lab->mode = mode;
	}
	return lab;
fail:
	lab_close(lab);
	return NULL;
}

struct lab *lab_open_replay(const struct lesson *lesson, const char *path, char *err, size_t errlen)
{
	struct lab *lab = lab_new(lesson, NULL);
	lab->rec = xcalloc(1, sizeof *lab->rec);
	if (record_load(path, lesson, lab->rec, err, errlen) < 0) {
		free(lab->rec);
		lab->rec = NULL;
		lab_close(lab);
		return NULL;
	}
	struct recording *r = lab->rec;
	lab->family = r->family;
	snprintf(lab->opt.toggles, sizeof lab->opt.toggles, "%s", r->toggles);
	lab->vars = r->vars;
	lab->nports = r->nlabports;
	memcpy(lab->ports, r->labports, sizeof lab->ports);
	lab->linktype = r->linktype;
	return lab;
}

struct lab *lab_open_or_replay(const struct lesson *lesson, struct capture *cap, enum capture_mode mode,
                               const struct lab_options *opt, const char *replay, char *err, size_t errlen)
{
	if (replay)
		return lab_open_replay(lesson, replay, err, errlen);
	bool plain = !opt || ((!opt->family || opt->family == lesson->family) && !opt->toggles[0] && !opt->side);
	if (!cap && plain) {
		char path[4096];
		record_shipped_path(lesson, path, sizeof path);
		struct lab *lab = lab_open_replay(lesson, path, err, errlen);
		if (lab)
			return lab;   /* else: run it, without packets */
	}
	return lab_open(lesson, cap, mode, opt, err, errlen);
}

void lab_stop_capture(struct lab *lab)
{
	if (lab->cap && !lab->cap_stopped) {
		capture_stop(lab->cap);
		char ignored[64];
		capture_set_filter(lab->cap, "less 1", ignored, sizeof ignored);
		lab->cap_stopped = true;
	}
}

int lab_resume_capture(struct lab *lab)
{
	if (!lab->cap || !lab->cap_stopped)
		return 0;
	char filter[512], err[256];
	lab->nallports = demo_all_ports(lab->demo, lab->allports, 48);
	demo_bpf_filter(lab->demo, filter, sizeof filter);
	if (capture_set_filter(lab->cap, filter, err, sizeof err) < 0 ||
	    capture_start(lab->cap, on_frame, lab, err, sizeof err) < 0)
		return -1;
	lab->cap_stopped = false;
	return 0;
}

void lab_close(struct lab *lab)
{
	if (!lab)
		return;
	lab_stop_capture(lab);
	if (lab->hello_running) {
		/* still waiting for the client side: wake the accept by closing */
		peer_shutdown(lab->peer);
		pthread_join(lab->hello, NULL);
	}
	peer_close(lab->peer);
	lab_traced_free(lab);
	demo_free(lab->demo);
	for (size_t i = 0; i < lab->npkts; i++)
		free((void *)lab->pkts[i].data);
	free(lab->pkts);
	if (lab->rec)
		record_free(lab->rec);
	free(lab->rec);
	free(lab->results);
	flowtab_free(lab->flows);
	pthread_mutex_destroy(&lab->mu);
	pthread_cond_destroy(&lab->cv);
	free(lab);
}

/* The client side has a socket on a new port: widen the filter to it.  The
 * filter may not change under a running capture thread, so stop it (it
 * drains what is queued first) and start it again; between steps nothing
 * of the demo is in flight. */
static void refilter(struct lab *lab)
{
	char filter[512], err[256];
	capture_stop(lab->cap);
	lab->nallports = demo_all_ports(lab->demo, lab->allports, 48);
	demo_bpf_filter(lab->demo, filter, sizeof filter);
	if (capture_set_filter(lab->cap, filter, err, sizeof err) < 0 ||
	    capture_start(lab->cap, on_frame, lab, err, sizeof err) < 0)
		lab->cap_stopped = true;   /* the steps still run, without packets */
}

/* Send the START or END marker of `step` and wait until the capture has
 * read it, sending it again while it is not (capture/marker.h: a flood on
 * lo may drop the first), for at most MARKER_WAIT_MS.  False: the capture
 * never saw it. */
struct marking { struct lab *lab; char kind; int step; };

static void mark_send(void *ud)
{
	const struct marking *m = ud;
	demo_send_marker(m->lab->demo, m->kind, (uint32_t)m->step);
}

static bool mark_seen(void *ud)
{
	const struct marking *m = ud;
	return (m->kind == DEMO_MARK_START ? m->lab->last_start : m->lab->last_end) >= m->step;
}

static bool mark(struct lab *lab, char kind, int step)
{
	struct marking m = { lab, kind, step };
	return capture_marker_await(&lab->mu, &lab->cv, mark_send, mark_seen, &m, MARKER_WAIT_MS);
}

/* A replayed step: its recorded outcomes, and the recorded packets up to
 * the first one of a later step, decoded as the capture thread would. */
static void replay_step(struct lab *lab, int idx, struct lab_step_result *r)
{
	*r = lab->rec->results[idx];
	while (lab->rec_next < lab->rec->npkts && lab->rec->pkts[lab->rec_next].step <= idx) {
		const struct record_packet *p = &lab->rec->pkts[lab->rec_next++];
		lab_store_frame(lab, &p->ts, p->caplen, p->wirelen, p->data, p->step);
	}
}

/* Two terminals: meet the other side at this point of step idx ("ready",
 * "started", "done").  A broken channel is said once, in the step's
 * outcomes, and the steps go on alone. */
static void peer_meet(struct lab *lab, const char *what, int idx, int timeout_ms, struct lab_step_result *r)
{
	if (!lab->peer || lab->peer_err[0])
		return;
	char e[256] = "";
	if (lab->hello_running) {
		atomic_store(&lab->waiting, "the client terminal to start (its command is above)");
		pthread_join(lab->hello, NULL);
		atomic_store(&lab->waiting, NULL);
		lab->hello_running = false;
		if (lab->hello_err[0]) {
			snprintf(e, sizeof e, "%s", lab->hello_err);
			goto broken;
		}
	}
	/* A screen says who it waits for: "Running" alone looks like a hang
	 * while the other person has not pressed Space yet. */
	bool server = lab->opt.side == DEMO_SIDE_SERVER;
	atomic_store(&lab->waiting, strcmp(what, "ready") == 0 ?
	             (server ? "the client terminal: press Space there too" : "the server terminal: press Space there too") :
	             (server ? "the client terminal's calls" : "the server terminal's calls"));
	int rc = peer_sync(lab->peer, what, (unsigned)idx + 1, timeout_ms, e, sizeof e);
	atomic_store(&lab->waiting, NULL);
	if (rc == 0)
		return;
broken:
	snprintf(lab->peer_err, sizeof lab->peer_err, "%s", e);
	if (r->nout < LAB_MAX_OUTCOMES) {
		struct demo_outcome *o = &r->out[r->nout++];
		memset(o, 0, sizeof *o);
		o->role = lab->opt.side == DEMO_SIDE_SERVER ? DEMO_ROLE_SERVER : DEMO_ROLE_CLIENT;
		snprintf(o->call, sizeof o->call, "(two terminals)");
		snprintf(o->result, sizeof o->result, "%s: this side goes on alone", e);
		o->err = EPIPE;
	}
}

/* Two terminals: tell the other side this side's calls of the step and
 * learn its calls.  Both send first: a few lines fit the socket buffers. */
static void swap_outcomes(struct lab *lab, struct lab_step_result *r)
{
	char e[256] = "", line[600];
	bool ok = !lab->peer_err[0];
	for (size_t i = 0; ok && i < r->nout; i++)
		ok = peer_send(lab->peer, e, sizeof e, "out %d %d %s\t%s", (int)r->out[i].role, r->out[i].err,
		               r->out[i].call, r->out[i].result) == 0;
	ok = ok && peer_send(lab->peer, e, sizeof e, "outs end") == 0;
	while (ok && (ok = peer_recv(lab->peer, line, sizeof line, PEER_CALLS_MS, e, sizeof e) == 0) &&
	       strcmp(line, "outs end") != 0) {
		int role, err, at = 0;
		char *tab = strchr(line, '\t');
		if (sscanf(line, "out %d %d %n", &role, &err, &at) < 2 || !at || !tab || r->npeer >= LAB_MAX_OUTCOMES)
			continue;
		struct demo_outcome *o = &r->peer_out[r->npeer++];
		*tab = '\0';
		o->role = role == DEMO_ROLE_SERVER ? DEMO_ROLE_SERVER : DEMO_ROLE_CLIENT;
		o->err = err;
		snprintf(o->call, sizeof o->call, "%s", line + at);
		snprintf(o->result, sizeof o->result, "%s", tab + 1);
	}
	if (!ok && !lab->peer_err[0])
		snprintf(lab->peer_err, sizeof lab->peer_err, "%s", e);
}

/* Two terminals: each side's capture takes the other side's ports too, so
 * both see the same packets (a client socket talking to another client
 * socket included).  True when a port is new here. */
static bool swap_ports(struct lab *lab)
{
	if (!lab->peer || lab->peer_err[0])
		return false;
	uint16_t ports[48];
	size_t n = demo_all_ports(lab->demo, ports, 48);
	char line[600], e[256];
	int k = snprintf(line, sizeof line, "ports");
	for (size_t i = 0; i < n && k > 0 && (size_t)k < sizeof line - 8; i++)
		k += snprintf(line + k, sizeof line - (size_t)k, " %u", ports[i]);
	if (peer_send(lab->peer, e, sizeof e, "%s", line) < 0 ||
	    peer_recv(lab->peer, line, sizeof line, PEER_CALLS_MS, e, sizeof e) < 0 || strncmp(line, "ports", 5) != 0) {
		snprintf(lab->peer_err, sizeof lab->peer_err, "%s", strncmp(line, "ports", 5) ? "the other terminal is out of step" : e);
		return false;
	}
	bool grew = false;
	char *save = NULL;
	for (char *t = strtok_r(line + 5, " ", &save); t; t = strtok_r(NULL, " ", &save))
		grew |= demo_learn_port(lab->demo, (uint16_t)atoi(t));
	return grew;
}

/* A step run for real, between its markers. */
static void live_step(struct lab *lab, int idx, struct lab_step_result *r)
{
	const struct lesson_step *s = &lab->lesson->steps[idx];
	peer_meet(lab, "ready", idx, PEER_HUMAN_MS, r);
	bool marking = lab->cap && !lab->cap_stopped;
	bool grew = demo_learn_ports(lab->demo);
	grew |= swap_ports(lab);
	if (marking && grew)
		refilter(lab);
	unsigned long long drops = marking ? capture_iface_drops(lab->cap) : 0;
	bool started = marking && mark(lab, DEMO_MARK_START, idx);
	/* both START markers on the wire before either side's first call */
	peer_meet(lab, "started", idx, PEER_CALLS_MS, r);
	size_t before = r->nout;
	r->nout = before + demo_run_step(lab->demo, s->actions, s->nactions, lab->opt.toggles, r->out + before,
	                                 LAB_MAX_OUTCOMES - before);
	r->quiet = demo_wait_quiet(lab->demo, QUIET_WAIT_MS);
	if (lab->peer && !lab->peer_err[0]) {
		/* and both sides' calls returned before either END marker */
		peer_meet(lab, "done", idx, PEER_CALLS_MS, r);
		swap_outcomes(lab, r);
		r->quiet = demo_wait_quiet(lab->demo, QUIET_WAIT_MS) && r->quiet;
	}
	r->nstates = demo_tcp_states(lab->demo, r->states, sizeof r->states / sizeof r->states[0]);
	if (marking) {
		r->attributed = mark(lab, DEMO_MARK_END, idx) && started;
		r->kernel_drops = capture_iface_drops(lab->cap) - drops;
	}
}

int lab_step(struct lab *lab)
{
	if (lab->done >= (lab->rec ? lab->rec->nsteps : lab->lesson->nsteps))
		return -1;
	int idx = (int)lab->done;
	struct lab_step_result *r = &lab->results[idx];
	if (lab->rec)
		replay_step(lab, idx, r);
	else if (lab->tr)
		lab_traced_step(lab, idx, r);
	else
		live_step(lab, idx, r);
	pthread_mutex_lock(&lab->mu);
	r->first_packet = lab->npkts;
	r->npackets = 0;
	for (size_t i = 0; i < lab->npkts; i++)
		if (lab->pkts[i].step == idx) {
			if (r->npackets == 0)
				r->first_packet = i;
			r->npackets++;
		}
	pthread_mutex_unlock(&lab->mu);
	r->ran = true;
	lab->done++;
	return idx;
}

size_t lab_steps_done(const struct lab *lab) { return lab->done; }
const struct lesson *lab_lesson(const struct lab *lab) { return lab->lesson; }
int lab_family(const struct lab *lab) { return lab->family; }
uint16_t lab_port(const struct lab *lab) { return (uint16_t)lab->vars.port; }
const struct lesson_vars *lab_vars(const struct lab *lab) { return &lab->vars; }
int lab_linktype(const struct lab *lab) { return lab->linktype; }
bool lab_capturing(const struct lab *lab) { return lab->cap != NULL || lab->rec != NULL || lab_traced_capturing(lab); }
bool lab_replaying(const struct lab *lab) { return lab->rec != NULL; }
enum demo_side lab_side(const struct lab *lab) { return lab->opt.side; }
uint16_t lab_peer_port(const struct lab *lab) { return lab->peer && lab->opt.side == DEMO_SIDE_SERVER ? peer_port(lab->peer) : 0; }

bool lab_peer_waiting(const struct lab *lab)
{
	return lab->opt.side == DEMO_SIDE_SERVER && lab->peer && atomic_load(&((struct lab *)lab)->hello_state) == 0;
}

bool lab_peer_joined(const struct lab *lab)
{
	return lab->opt.side == DEMO_SIDE_SERVER && lab->peer && atomic_load(&((struct lab *)lab)->hello_state) == 1;
}

const char *lab_waiting_for(const struct lab *lab)
{
	return atomic_load(&((struct lab *)lab)->waiting);
}

size_t lab_lab_ports(const struct lab *lab, uint16_t *out, size_t max)
{
	size_t n = lab->nports < max ? lab->nports : max;
	memcpy(out, lab->ports, n * sizeof *out);
	return n;
}

const struct lab_step_result *lab_result(const struct lab *lab, size_t step)
{
	return step < lab->lesson->nsteps ? &lab->results[step] : NULL;
}

size_t lab_packet_count(struct lab *lab)
{
	pthread_mutex_lock(&lab->mu);
	size_t n = lab->npkts;
	pthread_mutex_unlock(&lab->mu);
	return n;
}

bool lab_packet(struct lab *lab, size_t i, struct lab_packet *out)
{
	pthread_mutex_lock(&lab->mu);
	bool ok = i < lab->npkts;
	if (ok)
		*out = lab->pkts[i];
	pthread_mutex_unlock(&lab->mu);
	return ok;
}

const char *lab_toggles(const struct lab *lab) { return lab->opt.toggles; }

unsigned lab_count(struct lab *lab, size_t step, enum predict_kind kind)
{
	unsigned n = 0;
	pthread_mutex_lock(&lab->mu);
	for (size_t i = 0; i < lab->npkts; i++) {
		const struct lab_packet *p = &lab->pkts[i];
		if (p->step != (int)step)
			continue;
		switch (kind) {
		case PREDICT_PACKETS: n++; break;
		case PREDICT_CLIENT_PACKETS: n += !p->from_lab; break;
		case PREDICT_SERVER_PACKETS: n += p->from_lab; break;
		case PREDICT_DATA_PACKETS: n += p->payload_len > 0; break;
		case PREDICT_SYN: n += p->tcp && (p->tcp_flags & TCPF_SYN); break;
		case PREDICT_FIN: n += p->tcp && (p->tcp_flags & TCPF_FIN); break;
		case PREDICT_RST: n += p->tcp && (p->tcp_flags & TCPF_RST); break;
		case PREDICT_UDP: n += p->ip_proto == 17; break;
		case PREDICT_ICMP: n += p->ip_proto == 1 || p->ip_proto == 58; break;
		case PREDICT_WINDOW0: n += p->tcp && p->win == 0 && !(p->tcp_flags & TCPF_RST); break;
		case PREDICT_NONE: break;
		}
	}
	pthread_mutex_unlock(&lab->mu);
	return n;
}

const char *lab_drops_text(const struct lab_step_result *r, char *buf, size_t n)
{
	snprintf(buf, n, "the kernel dropped %llu packet%s on the loopback during this step (another program "
	         "floods it?): some of this step's packets may be missing, or retransmitted", r->kernel_drops,
	         r->kernel_drops == 1 ? "" : "s");
	return buf;
}

void lab_capture_status(struct lab *lab, char *buf, size_t n)
{
	if (lab->rec) {
		int k = snprintf(buf, n, "a recording made %s (nothing is captured now), %zu packets", lab->rec->made,
		                 lab_packet_count(lab));
		if (k > 0 && (size_t)k < n && lab->rec->of > lab->rec->nsteps)
			snprintf(buf + k, n - (size_t)k, "; it holds steps 1-%zu of %zu: the lesson was left early",
			         lab->rec->nsteps, lab->rec->of);
		return;
	}
	if (lab->tr) {
		lab_traced_status(lab, buf, n);
		return;
	}
	if (!lab->cap) {
		snprintf(buf, n, "no capture");
		return;
	}
	if (lab->cap_stopped) {
		snprintf(buf, n, "capture stopped, %zu packets kept", lab_packet_count(lab));
		return;
	}
	unsigned recv = 0, drop = 0;
	capture_stats(lab->cap, &recv, &drop);
	int k = snprintf(buf, n, "capturing on %s, %zu packets, %u dropped", capture_mode_name(lab->mode),
	                 lab_packet_count(lab), drop);
	if (k > 0 && (size_t)k < n && lab->peer_err[0])   /* the side is in the title; a failure here */
		lab_peer_note(lab, buf + k, n - (size_t)k);
}

void lab_peer_note(const struct lab *lab, char *buf, size_t n)
{
	if (!lab->peer)
		snprintf(buf, n, "%s", "");
	else if (lab->peer_err[0])
		snprintf(buf, n, "; two terminals: %s", lab->peer_err);
	else if (lab->opt.side == DEMO_SIDE_SERVER)
		snprintf(buf, n, "; two terminals, the server side: in the other, run  sockscope lesson %s --role client "
		         "--peer %u", lab->lesson->id, peer_port(lab->peer));
	else
		snprintf(buf, n, "; two terminals, the client side (server side on control port %u)", lab->opt.peer_port);
}
