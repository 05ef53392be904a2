/*
 * demo.c — the demo engine: the lab's server thread, running a step on both
 * sides at once, and drawing step boundaries in the capture.
 *
 * Step boundaries (see docs/architecture.md): before a step, a START marker
 * datagram goes on the wire; after its calls return, demo_wait_quiet waits
 * until the kernel reports nothing of the demo's TCP sockets unacknowledged
 * or in flight, and then an END marker is sent.  On loopback a packet is
 * handed to the capture as it is sent, so everything the step caused is
 * captured between its two markers.  This replaces a guessed time window.
 */
#include "demo/demo_priv.h"
#include "demo/sockdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void *server_thread(void *arg)
{
	struct demo *d = arg;
	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (!d->job_pending && !d->quit)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->quit)
			break;
		const struct demo_action *acts = d->job;
		size_t n = d->njob;
		d->job_pending = false;
		pthread_mutex_unlock(&d->mu);
		for (size_t i = 0; i < n; i++)
			if (acts[i].role == ROLE_SERVER)
				demo_action_run(d, &acts[i], &d->outs[i]);
		pthread_mutex_lock(&d->mu);
		d->job_done = true;
		pthread_cond_broadcast(&d->cv);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

static int bind_loopback(int af, int type, struct sockaddr_storage *ss, socklen_t *len,
                         uint16_t *port, char *err, size_t errlen)
{
	int fd = socket(af, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(ss, 0, sizeof *ss);
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		*len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof *s4;
	}
	/* Port 0: the kernel picks a free one; never a fixed port. */
	if (bind(fd, (struct sockaddr *)ss, *len) < 0 ||
	    getsockname(fd, (struct sockaddr *)ss, len) < 0) {
		snprintf(err, errlen, "binding a %s socket on %s: %s", type == SOCK_STREAM ? "TCP" : "UDP",
		         af == AF_INET6 ? "::1" : "127.0.0.1", strerror(errno));
		close(fd);
		return -1;
	}
	*port = ntohs(af == AF_INET6 ? ((struct sockaddr_in6 *)ss)->sin6_port
	                             : ((struct sockaddr_in *)ss)->sin_port);
	return fd;
}

struct demo *demo_new(const struct demo_config *cfg, char *err, size_t errlen)
{
	struct demo *d = calloc(1, sizeof *d);
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->cfg = *cfg;
	d->af = cfg->family == 6 ? AF_INET6 : AF_INET;
	snprintf(d->host, sizeof d->host, "%s", d->af == AF_INET6 ? "::1" : "127.0.0.1");
	d->listen_fd = d->fd[0] = d->fd[1] = d->marker_fd = -1;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);

	d->marker_fd = bind_loopback(AF_INET, SOCK_DGRAM, &d->marker_addr, &d->marker_len,
	                             &d->marker_port, err, errlen);
	if (d->marker_fd < 0)
		goto fail;
	if (cfg->tcp_server) {
		d->listen_fd = bind_loopback(d->af, SOCK_STREAM, &d->srv, &d->srvlen, &d->port, err, errlen);
		if (d->listen_fd < 0)
			goto fail;
		if (listen(d->listen_fd, 8) < 0) {
			snprintf(err, errlen, "listen: %s", strerror(errno));
			goto fail;
		}
	}
	if (pthread_create(&d->thread, NULL, server_thread, d) != 0) {
		snprintf(err, errlen, "cannot start the lab's server thread");
		goto fail;
	}
	d->thread_started = true;
	return d;
fail:
	demo_free(d);
	return NULL;
}

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
	int fds[] = { d->fd[ROLE_CLIENT], d->fd[ROLE_SERVER], d->listen_fd, d->marker_fd };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}

uint16_t demo_server_port(const struct demo *d) { return d->port; }
uint16_t demo_marker_port(const struct demo *d) { return d->marker_port; }
const char *demo_host(const struct demo *d) { return d->host; }
int demo_family(const struct demo *d) { return d->af == AF_INET6 ? 6 : 4; }

void demo_bpf_filter(const struct demo *d, char *buf, size_t n)
{
	if (d->port)
		snprintf(buf, n, "tcp port %u or udp port %u", d->port, d->marker_port);
	else
		snprintf(buf, n, "udp port %u", d->marker_port);
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

size_t demo_run_step(struct demo *d, const struct demo_action *acts, size_t nacts,
                     struct demo_outcome *out, size_t max)
{
	if (nacts > DEMO_MAX_ACTIONS)
		nacts = DEMO_MAX_ACTIONS;
	if (d->stuck) {
		if (max > 0) {
			memset(out, 0, sizeof *out);
			snprintf(out->result, sizeof out->result, "not run: the lab's server is stuck in an earlier step");
			out->err = ETIMEDOUT;
		}
		return max > 0;
	}
	memset(d->outs, 0, sizeof d->outs);
	bool server_work = false;
	for (size_t i = 0; i < nacts; i++)
		server_work |= acts[i].role == ROLE_SERVER;

	if (server_work) {
		pthread_mutex_lock(&d->mu);
		d->job = acts;
		d->njob = nacts;
		d->job_done = false;
		d->job_pending = true;
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
	}
	for (size_t i = 0; i < nacts; i++)
		if (acts[i].role == ROLE_CLIENT)
			demo_action_run(d, &acts[i], &d->outs[i]);
	if (server_work) {
		/* Each server call is bounded by LAB_IO_TIMEOUT_MS; allow all of them. */
		struct timespec dl;
		deadline_in(&dl, (int)(nacts + 1) * LAB_IO_TIMEOUT_MS);
		pthread_mutex_lock(&d->mu);
		int rc = 0;
		while (!d->job_done && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&d->cv, &d->mu, &dl);
		if (!d->job_done) {
			/* The thread still owns d->outs: keep off them from now on. */
			d->stuck = true;
			snprintf(d->outs[0].result, sizeof d->outs[0].result,
			         "the lab's server did not finish within %d s", (int)(nacts + 1) * LAB_IO_TIMEOUT_MS / 1000);
		}
		pthread_mutex_unlock(&d->mu);
	}
	size_t n = nacts < max ? nacts : max;
	memcpy(out, d->outs, n * sizeof *out);
	return n;
}

static bool in_flight(const struct sockdiag_entry *e)
{
	switch (e->state) {
	case TCP_SYN_SENT: case TCP_SYN_RECV: case TCP_FIN_WAIT1:
	case TCP_CLOSING: case TCP_LAST_ACK:
		return true;
	case TCP_LISTEN: case TCP_TIME_WAIT: case TCP_CLOSE:
		return false;
	default:
		return e->unacked > 0;
	}
}

bool demo_wait_quiet(struct demo *d, int max_ms)
{
	if (!d->port)
		return true;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct sockdiag_entry e[32];
		int n = sockdiag_tcp(d->af, d->port, e, 32);
		if (n < 0)
			return false;   /* cannot ask the kernel: the caller still sends the marker */
		bool busy = false;
		for (int i = 0; i < n && i < 32; i++)
			busy |= in_flight(&e[i]);
		if (!busy)
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= max_ms)
			return false;
		usleep(500);
	}
}

#define MARKER_MAGIC "SSMK"

int demo_send_marker(struct demo *d, char kind, uint32_t id)
{
	uint8_t msg[9];
	memcpy(msg, MARKER_MAGIC, 4);
	msg[4] = (uint8_t)kind;
	uint32_t be = htonl(id);
	memcpy(msg + 5, &be, 4);
	ssize_t w = sendto(d->marker_fd, msg, sizeof msg, 0, (struct sockaddr *)&d->marker_addr,
	                   d->marker_len);
	/* Drain our own datagrams so the socket's buffer never fills. */
	uint8_t sink[16];
	while (recv(d->marker_fd, sink, sizeof sink, MSG_DONTWAIT) > 0)
		;
	return w == (ssize_t)sizeof msg ? 0 : -1;
}

bool demo_parse_marker(const uint8_t *payload, size_t len, char *kind, uint32_t *id)
{
	if (len != 9 || memcmp(payload, MARKER_MAGIC, 4) != 0)
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
