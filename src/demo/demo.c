/*
 * demo.c — the demo engine: the lab's sockets and servers, running a step on
 * both sides at once, and drawing step boundaries in the capture.
 *
 * Step boundaries (see docs/architecture.md): before a step, a START marker
 * datagram goes on the wire; after its calls return, demo_wait_quiet waits
 * until the kernel reports nothing of the demo's TCP sockets unacknowledged
 * or in flight, and then an END marker is sent.  On loopback a packet is
 * handed to the capture as it is sent, so everything the step caused is
 * captured between its two markers.  This replaces a guessed time window.
 */
#include "demo/demo_priv.h"
#include "common/mem.h"
#include "common/thread.h"
#include "common/clock.h"
#include "common/loopback.h"
#include "demo/sockdiag.h"
#include "servers/labsrv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- named sockets ---- */

struct demo_sock *demo_sock_find(struct demo *d, enum demo_role role, const char *name)
{
	for (int i = 0; i < DEMO_MAX_SOCKS; i++)
		if (d->socks[role][i].fd >= 0 && strcmp(d->socks[role][i].name, name) == 0)
			return &d->socks[role][i];
	return NULL;
}

void demo_sock_close(struct demo_sock *s)
{
	if (s && s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}

/* A client socket is about to close: keep its port among the learned ones,
 * so the TCP states after the step still show its connection (TIME_WAIT,
 * FIN_WAIT...) and tell it from another program's on the same ports. */
void demo_note_closing(struct demo *d, const struct demo_sock *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (s && s->fd >= 0 && getsockname(s->fd, (struct sockaddr *)&ss, &len) == 0)
		demo_learn_port(d, ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                                                  : ((struct sockaddr_in *)&ss)->sin_port));
}

struct demo_sock *demo_sock_new(struct demo *d, enum demo_role role, const char *name)
{
	if (role == DEMO_ROLE_CLIENT)
		demo_note_closing(d, demo_sock_find(d, role, name));
	demo_sock_close(demo_sock_find(d, role, name));
	for (int i = 0; i < DEMO_MAX_SOCKS; i++) {
		struct demo_sock *s = &d->socks[role][i];
		if (s->fd < 0) {
			memset(s, 0, sizeof *s);
			s->fd = -1;
			snprintf(s->name, sizeof s->name, "%s", name);
			return s;
		}
	}
	return NULL;
}

void demo_loopback(const struct demo *d, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	*len = loopback_addr(d->af == AF_INET6 ? 6 : 4, port, ss);
}

/* A lab-side socket under a fixed name (DEMO_LAB_LISTEN_SOCK, DEMO_LAB_UDP_SOCK). */
static int add_lab_socket(struct demo *d, const char *name, int type, uint16_t *port, char *err, size_t errlen)
{
	int fd = loopback_bind(d->af == AF_INET6 ? 6 : 4, type, 0, type == SOCK_STREAM ? 8 : 0, port, err, errlen);
	if (fd < 0)
		return -1;
	struct demo_sock *s = demo_sock_new(d, DEMO_ROLE_SERVER, name);
	s->fd = fd;
	s->type = type;
	return 0;
}

/* ---- the server thread ---- */

static void *server_thread(void *arg)
{
	struct demo *d = arg;
	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (!d->job_pending && !d->quit)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->quit)
			break;
		size_t n = d->njob;
		d->job_pending = false;
		pthread_mutex_unlock(&d->mu);
		for (size_t i = 0; i < n; i++)
			if (d->job[i].role == DEMO_ROLE_SERVER)
				demo_action_run(d, &d->job[i], &d->outs[i]);
		pthread_mutex_lock(&d->mu);
		d->job_done = true;
		pthread_cond_broadcast(&d->cv);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* Before demo_new, whose every failure ends here: it frees what is set up so far. */
void demo_free(struct demo *d)
{
	if (!d)
		return;
	if (d->thread_started) {
		pthread_mutex_lock(&d->mu);
		d->quit = true;
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->thread, NULL);
	}
	for (size_t i = 0; i < d->nsvc; i++)
		labsrv_stop(d->svc[i]);
	for (int r = 0; r < 2; r++)
		for (int i = 0; i < DEMO_MAX_SOCKS; i++)
			demo_sock_close(&d->socks[r][i]);
	if (d->closed_fd >= 0)
		close(d->closed_fd);
	if (d->marker_fd >= 0)
		close(d->marker_fd);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}

struct demo *demo_new(const struct demo_config *cfg, char *err, size_t errlen)
{
	struct demo *d = xcalloc(1, sizeof *d);
	d->cfg = *cfg;
	d->af = cfg->family == 6 ? AF_INET6 : AF_INET;
	d->marker_fd = d->closed_fd = -1;
	for (int r = 0; r < 2; r++)
		for (int i = 0; i < DEMO_MAX_SOCKS; i++)
			d->socks[r][i].fd = -1;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);

	d->marker_fd = loopback_bind(4, SOCK_DGRAM, 0, 0, &d->marker_port, err, errlen);
	if (d->marker_fd < 0)
		goto fail;
	d->marker_len = loopback_addr(4, d->marker_port, &d->marker_addr);
	if (cfg->side == DEMO_SIDE_CLIENT) {
		/* The lab's side is another process's: only its ports are here. */
		d->port = demo_target_port(d, "lab");
		d->udp_port = demo_target_port(d, "udp");
		d->closed_port = demo_target_port(d, "closed");
		goto thread;
	}
	/* Bound but never listening: a SYN to it is answered with RST, and a
	 * datagram to the same port number with ICMP port unreachable. */
	d->closed_fd = loopback_bind(d->af == AF_INET6 ? 6 : 4, SOCK_STREAM, 0, 0, &d->closed_port, err, errlen);
	if (d->closed_fd < 0)
		goto fail;
	if (cfg->tcp_server && add_lab_socket(d, DEMO_LAB_LISTEN_SOCK, SOCK_STREAM, &d->port, err, errlen) < 0)
		goto fail;
	if (cfg->udp_server && add_lab_socket(d, DEMO_LAB_UDP_SOCK, SOCK_DGRAM, &d->udp_port, err, errlen) < 0)
		goto fail;
	for (size_t i = 0; i < cfg->nservices && i < DEMO_MAX_SERVICES; i++) {
		d->svc[i] = labsrv_start(cfg->services[i], cfg->family == 6 ? 6 : 4, NULL, err, errlen);
		if (!d->svc[i])
			goto fail;
		d->svc_name[i] = cfg->services[i];
		d->nsvc++;
	}
thread:
	if (thread_start(&d->thread, server_thread, d, "the lab's server thread", err, errlen) < 0)
		goto fail;
	d->thread_started = true;
	return d;
fail:
	demo_free(d);
	return NULL;
}

uint16_t demo_marker_port(const struct demo *d) { return d->marker_port; }

uint16_t demo_target_port(const struct demo *d, const char *target)
{
	if (d->cfg.side == DEMO_SIDE_CLIENT) {
		for (size_t i = 0; i < d->cfg.nremote; i++)
			if (strcmp(d->cfg.remote[i].name, *target ? target : "lab") == 0)
				return d->cfg.remote[i].port;
		return 0;
	}
	if (!*target || strcmp(target, "lab") == 0)
		return d->port;
	if (strcmp(target, "udp") == 0)
		return d->udp_port;
	if (strcmp(target, "closed") == 0)
		return d->closed_port;
	for (size_t i = 0; i < d->nsvc; i++) {
		uint16_t ports[4];
		size_t n = labsrv_ports(d->svc[i], ports, 4);
		if (strcmp(target, d->svc_name[i]) == 0)
			return labsrv_port(d->svc[i]);
		/* "ftp-data": the second port of the FTP server, and so on */
		size_t nl = strlen(d->svc_name[i]);
		if (n > 1 && strncmp(target, d->svc_name[i], nl) == 0 && strcmp(target + nl, "-data") == 0)
			return ports[1];
	}
	return 0;
}

size_t demo_target_ports(const struct demo *d, struct demo_remote_port *out, size_t max)
{
	size_t n = 0;
	static const char *const fixed[] = { "lab", "udp", "closed" };
	for (size_t i = 0; i < 3 + 2 * d->nsvc && n < max; i++) {
		char name[sizeof out->name];
		if (i < 3)
			snprintf(name, sizeof name, "%s", fixed[i]);
		else
			snprintf(name, sizeof name, "%s%s", d->svc_name[(i - 3) / 2], (i - 3) % 2 ? "-data" : "");
		uint16_t port = demo_target_port(d, name);
		if (port) {
			snprintf(out[n].name, sizeof out[n].name, "%s", name);
			out[n++].port = port;
		}
	}
	return n;
}

/* Every TCP/UDP port of the demo (the marker's excepted). */
size_t demo_ports(const struct demo *d, uint16_t *out, size_t max)
{
	size_t n = 0;
	if (d->cfg.side == DEMO_SIDE_CLIENT) {
		for (size_t i = 0; i < d->cfg.nremote && n < max; i++)
			out[n++] = d->cfg.remote[i].port;
		return n;
	}
	uint16_t fixed[] = { d->port, d->udp_port, d->closed_port };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (fixed[i] && n < max)
			out[n++] = fixed[i];
	for (size_t i = 0; i < d->nsvc && n < max; i++)
		n += labsrv_ports(d->svc[i], out + n, max - n);
	return n;
}

bool demo_learn_ports(struct demo *d)
{
	bool grew = false;
	for (int i = 0; i < DEMO_MAX_SOCKS; i++) {
		const struct demo_sock *s = &d->socks[DEMO_ROLE_CLIENT][i];
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		if (s->fd < 0 || getsockname(s->fd, (struct sockaddr *)&ss, &len) < 0)
			continue;
		uint16_t port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                                               : ((struct sockaddr_in *)&ss)->sin_port);
		bool known = port == 0;
		for (size_t k = 0; k < d->nlearned && !known; k++)
			known = d->learned[k] == port;
		if (!known && d->nlearned < sizeof d->learned / sizeof d->learned[0]) {
			d->learned[d->nlearned++] = port;
			grew = true;
		}
	}
	return grew;
}

bool demo_learn_port(struct demo *d, uint16_t port)
{
	uint16_t mine[48];
	size_t n = demo_all_ports(d, mine, 48);
	for (size_t k = 0; k < n; k++)
		if (mine[k] == port)
			return false;
	if (!port || d->nlearned >= sizeof d->learned / sizeof d->learned[0])
		return false;
	d->learned[d->nlearned++] = port;
	return true;
}

size_t demo_all_ports(const struct demo *d, uint16_t *out, size_t max)
{
	size_t n = demo_ports(d, out, max);
	for (size_t k = 0; k < d->nlearned && n < max; k++)
		out[n++] = d->learned[k];
	return n;
}

/* Only the demo's family: with capture on the host's lo, another
 * program's traffic may use the same port numbers over the other family.
 * ICMP errors are taken whole here; the lab keeps those that quote a
 * packet of the demo (lab.c). */
void demo_bpf_filter(const struct demo *d, char *buf, size_t n)
{
	uint16_t ports[48];
	size_t np = demo_all_ports(d, ports, 48);
	bool v6 = d->af == AF_INET6;
	size_t o = (size_t)snprintf(buf, n, "(ip and udp port %u) or %s or (%s and (", d->marker_port,
	                            v6 ? "icmp6" : "icmp", v6 ? "ip6" : "ip");
	for (size_t i = 0; i < np && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%sport %u", i ? " or " : "", ports[i]);
	if (o < n)
		snprintf(buf + o, n - o, "))");
}

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

bool demo_toggle_on(const char *toggles, const char *name)
{
	size_t nl = strlen(name);
	for (const char *t = toggles ? toggles : ""; *t;) {
		size_t wl = strcspn(t, " ");
		if (wl == nl && strncmp(t, name, nl) == 0)
			return true;
		t += wl;
		t += strspn(t, " ");
	}
	return false;
}

bool demo_action_enabled(const struct demo_action *a, const char *toggles)
{
	return !a->cond[0] || demo_toggle_on(toggles, a->cond) != a->cond_neg;
}

size_t demo_run_step(struct demo *d, const struct demo_action *acts, size_t nacts, const char *toggles,
                     struct demo_outcome *out, size_t max)
{
	if (d->stuck) {
		if (max > 0) {
			memset(out, 0, sizeof *out);
			snprintf(out->result, sizeof out->result, "not run: the lab's server is stuck in an earlier step");
			out->err = ETIMEDOUT;
		}
		return max > 0;
	}
	size_t n = 0;
	bool server_work = false;
	for (size_t i = 0; i < nacts && n < DEMO_MAX_ACTIONS; i++)
		if (demo_action_enabled(&acts[i], toggles) &&
		    !(d->cfg.side == DEMO_SIDE_SERVER && acts[i].role == DEMO_ROLE_CLIENT) &&
		    !(d->cfg.side == DEMO_SIDE_CLIENT && acts[i].role == DEMO_ROLE_SERVER)) {
			d->job[n++] = acts[i];
			server_work |= acts[i].role == DEMO_ROLE_SERVER;
		}
	memset(d->outs, 0, sizeof d->outs);

	if (server_work) {
		pthread_mutex_lock(&d->mu);
		d->njob = n;
		d->job_done = false;
		d->job_pending = true;
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
	}
	for (size_t i = 0; i < n; i++)
		if (d->job[i].role == DEMO_ROLE_CLIENT)
			demo_action_run(d, &d->job[i], &d->outs[i]);
	if (server_work) {
		/* Each server call is bounded by LAB_IO_TIMEOUT_MS; allow all of them. */
		struct timespec dl;
		deadline_in(&dl, (int)(n + 1) * LAB_IO_TIMEOUT_MS);
		pthread_mutex_lock(&d->mu);
		int rc = 0;
		while (!d->job_done && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&d->cv, &d->mu, &dl);
		if (!d->job_done)
			d->stuck = true;   /* the thread still owns d->outs: keep off them from now on */
		pthread_mutex_unlock(&d->mu);
		if (d->stuck) {
			if (max > 0) {
				memset(out, 0, sizeof *out);
				snprintf(out->result, sizeof out->result, "the lab's server did not finish within %d s",
				         (int)(n + 1) * LAB_IO_TIMEOUT_MS / 1000);
				out->err = ETIMEDOUT;
			}
			return max > 0;
		}
	}
	size_t k = n < max ? n : max;
	memcpy(out, d->outs, k * sizeof *out);
	return k;
}

/* Every TCP socket touching a demo port, each once. */
static int demo_sockets(struct demo *d, struct sockdiag_entry *e, int max)
{
	uint16_t ports[16];
	size_t np = demo_ports(d, ports, 16);
	int n = 0;
	for (size_t p = 0; p < np; p++) {
		struct sockdiag_entry one[32];
		int k = sockdiag_tcp(d->af, ports[p], one, 32);
		if (k < 0)
			return -1;
		for (int i = 0; i < k && i < 32; i++) {
			bool dup = false;
			for (int j = 0; j < n; j++)
				dup |= e[j].sport == one[i].sport && e[j].dport == one[i].dport;
			if (!dup && n < max)
				e[n++] = one[i];
		}
	}
	return n;
}

/* Does a lab server still owe an answer?  Its threads are not all waiting
 * for input, or the kernel holds data (or a connection) it has not read
 * yet.  The scripted side is not asked: unread data there is the lesson's
 * choice ("close with unread data"), not work in progress. */
static bool server_owes(const struct demo *d, const struct sockdiag_entry *e, int n)
{
	for (size_t k = 0; k < d->nsvc; k++) {
		if (!labsrv_idle(d->svc[k]))
			return true;
		uint16_t ports[4];
		size_t np = labsrv_ports(d->svc[k], ports, 4);
		for (int i = 0; i < n; i++)
			for (size_t p = 0; p < np; p++)
				if (e[i].sport == ports[p] && e[i].rqueue > 0)
					return true;
	}
	return false;
}

bool demo_wait_quiet(struct demo *d, int max_ms)
{
	int64_t start = clock_ms();
	for (;;) {
		struct sockdiag_entry e[64];
		int n = demo_sockets(d, e, 64);
		if (n < 0)
			return false;   /* cannot ask the kernel: the caller still sends the marker */
		bool busy = server_owes(d, e, n);
		for (int i = 0; i < n; i++)
			busy |= sockdiag_in_flight(&e[i]);
		if (!busy)
			return true;
		if (clock_ms() - start >= max_ms)
			return false;
		usleep(500);
	}
}

size_t demo_tcp_states(struct demo *d, char lines[][96], size_t max)
{
	struct sockdiag_entry e[64];
	uint16_t ports[16];
	size_t np = demo_ports(d, ports, 16);
	int n = demo_sockets(d, e, 64);
	size_t k = 0;
	for (int i = 0; i < n && k < max; i++) {
		if (e[i].state == TCP_LISTEN || e[i].dport == 0)
			continue;   /* listeners and the bound-only "closed" socket are not connections */
		bool lab = false, ours = false;
		for (size_t p = 0; p < np; p++)
			lab |= e[i].sport == ports[p];
		/* a client end must be one of ours: another program's connection
		 * to a port number the lab now uses again is not this lesson's */
		for (size_t p = 0; p < d->nlearned && !lab; p++)
			ours |= e[i].sport == d->learned[p];
		for (int c = 0; c < DEMO_MAX_SOCKS && !lab && !ours; c++) {
			struct sockaddr_storage ss;
			socklen_t len = sizeof ss;
			const struct demo_sock *cs = &d->socks[DEMO_ROLE_CLIENT][c];
			if (cs->fd >= 0 && getsockname(cs->fd, (struct sockaddr *)&ss, &len) == 0)
				ours = e[i].sport == ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
				                                                 : ((struct sockaddr_in *)&ss)->sin_port);
		}
		if (!lab && !ours && d->cfg.side != DEMO_SIDE_SERVER)
			continue;
		const char *fmt = d->af == AF_INET6 ? "%-6s [::1]:%u > [::1]:%u  %s%s" : "%-6s 127.0.0.1:%u > 127.0.0.1:%u  %s%s";
		/* No descriptor: an established connection not yet accept()ed, or
		 * one closed whose goodbye the kernel is still finishing. */
		const char *note = e[i].inode || e[i].state == TCP_TIME_WAIT ? ""
		                 : e[i].state == TCP_ESTABLISHED ? " (in the accept queue)"
		                 : " (closed; the kernel is finishing)";
		snprintf(lines[k++], 96, fmt, lab ? "lab" : "client", e[i].sport, e[i].dport,
		         demo_tcp_state_name(e[i].state), note);
	}
	return k;
}

#define MARKER_MAGIC "SSMK"

void demo_marker_bytes(char kind, uint32_t id, uint8_t msg[DEMO_MARKER_LEN])
{
	memcpy(msg, MARKER_MAGIC, 4);
	msg[4] = (uint8_t)kind;
	uint32_t be = htonl(id);
	memcpy(msg + 5, &be, 4);
}

int demo_send_marker(struct demo *d, char kind, uint32_t id)
{
	uint8_t msg[DEMO_MARKER_LEN];
	demo_marker_bytes(kind, id, msg);
	ssize_t w = sendto(d->marker_fd, msg, sizeof msg, 0, (struct sockaddr *)&d->marker_addr, d->marker_len);
	/* Drain our own datagrams so the socket's buffer never fills. */
	uint8_t sink[16];
	while (recv(d->marker_fd, sink, sizeof sink, MSG_DONTWAIT) > 0)
		;
	return w == (ssize_t)sizeof msg ? 0 : -1;
}

bool demo_parse_marker(const uint8_t *payload, size_t len, char *kind, uint32_t *id)
{
	if (len != DEMO_MARKER_LEN || memcmp(payload, MARKER_MAGIC, 4) != 0)
		return false;
	uint32_t be;
	memcpy(&be, payload + 5, 4);
	*kind = (char)payload[4];
	*id = ntohl(be);
	return true;
}

const char *demo_tcp_state_name(int state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_SYN_SENT] = "SYN_SENT",
		[TCP_SYN_RECV] = "SYN_RECV", [TCP_FIN_WAIT1] = "FIN_WAIT1",
		[TCP_FIN_WAIT2] = "FIN_WAIT2", [TCP_TIME_WAIT] = "TIME_WAIT",
		[TCP_CLOSE] = "CLOSE", [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
		[TCP_LAST_ACK] = "LAST_ACK", [TCP_LISTEN] = "LISTEN", [TCP_CLOSING] = "CLOSING",
	};
	if (state > 0 && (size_t)state < sizeof names / sizeof names[0] && names[state])
		return names[state];
	return "?";
}
