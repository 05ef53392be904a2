/*
 * lab_client.c — the lab as a client of the learner's server: the helpers
 * the server kinds (kind_echo_server.c, kind_framing.c, kind_concurrent.c)
 * share.
 */
#include "challenge/challenge.h"
#include "common/clock.h"
#include "common/loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define IO_MS 3000          /* a connect() waits this long */
#define POLL_MS 50          /* how often the lab looks whether the server listens */
#define LIFE_MS 3600000     /* and never longer than this in all */

/* Whether a TCP socket listens on port, per the kernel's tables
 * /proc/net/tcp and tcp6 (this process's network namespace: the learner's
 * program started with --run is in the same one).  Looking there puts
 * nothing on the wire, where a connect() to a server not yet listening would
 * add a SYN and its RST to the learner's packets for every try.  -1 when
 * neither table can be read. */
int chal_listens(uint16_t port)
{
	return chal_port_in("tcp", port, 0x0A);   /* TCP_LISTEN */
}

int chal_port_in(const char *table, uint16_t port, int state)
{
	int found = -1;
	for (int i = 0; i < 2 && found < 1; i++) {
		char path[32];
		snprintf(path, sizeof path, "/proc/net/%s%s", table, i ? "6" : "");
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		found = 0;
		char line[512];
		while (!found && fgets(line, sizeof line, f)) {
			unsigned p, st;
			found = sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", &p, &st) == 2 && p == port &&
			        (state < 0 || st == (unsigned)state);
		}
		fclose(f);
	}
	return found;
}

/* Sleep up to ms, or until the lab is stopped (true). */
bool chal_stopped(const struct chal_run *r, int ms)
{
	return chal_wait(r, -1, 0, ms) == CHAL_STOPPED;
}

/* A free port for the learner's server: the kernel picks it, the lab lets
 * it go. */
int chal_pick_port(struct chal_run *r, char *err, size_t errlen)
{
	uint16_t port = 0;
	int fd = chal_bind(r->family, SOCK_STREAM, &port, err, errlen);
	if (fd < 0)
		return -1;
	close(fd);
	r->port = port;
	snprintf(r->host, sizeof r->host, "%s", r->family == 6 ? "::1" : "127.0.0.1");
	return 0;
}

/* Connect to the learner's server within ms (TCP_NODELAY, non-blocking);
 * -1 with *e = errno (ECONNREFUSED, ETIMEDOUT, ECANCELED: the lab was
 * stopped).  *lport: the lab's port, to find the connection in the capture. */
int chal_connect(const struct chal_run *r, int ms, uint16_t *lport, int *e)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback_addr(r->family, r->port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*e = errno;
		return -1;
	}
	if (r->lab_rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r->lab_rcvbuf, sizeof r->lab_rcvbuf);
	if (r->lab_mss)
		setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &r->lab_mss, sizeof r->lab_mss);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		*e = errno;
		close(fd);
		return -1;
	}
	struct pollfd p[2] = { { .fd = fd, .events = POLLOUT }, { .fd = r->wake, .events = POLLIN } };
	int n = poll(p, 2, ms), soerr = 0;
	socklen_t sl = sizeof soerr;
	if (n <= 0 || p[1].revents || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
		*e = n <= 0 ? ETIMEDOUT : p[1].revents ? ECANCELED : soerr ? soerr : errno;
		close(fd);
		return -1;
	}
	struct sockaddr_storage me;
	socklen_t ml = sizeof me;
	if (getsockname(fd, (struct sockaddr *)&me, &ml) == 0)
		*lport = ntohs(me.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&me)->sin6_port
		                                        : ((struct sockaddr_in *)&me)->sin_port);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	*e = 0;
	return fd;
}

/* Wait until the learner's server listens, then connect.  No bound of its
 * own but LIFE_MS: the learner's program has its time, and run.c stops the
 * lab when the program has ended or its time (or --wait) is over.  A port
 * that listens but refuses (another address or family) is tried again only
 * every second: each try is a SYN and an RST on the wire. */
int chal_await_server(const struct chal_run *r, bool *listed, uint16_t *lport, int *e)
{
	int64_t end = clock_ms() + LIFE_MS, next = 0;
	while (clock_ms() < end) {
		int here = chal_listens(r->port);
		*listed = *listed || here > 0;
		if (here && clock_ms() >= next) {
			int fd = chal_connect(r, IO_MS, lport, e);
			if (fd >= 0 || *e != ECONNREFUSED)
				return fd;
			next = clock_ms() + (here > 0 ? 1000 : POLL_MS);
		}
		if (chal_stopped(r, POLL_MS))
			break;
	}
	*e = ECANCELED;
	return -1;
}

/* How the learner's program had ended, if not stopped by the lab when done:
 * "your program had exited (status 1)"; else "". */
void chal_program_end(const struct chal_run *r, char *out, size_t n)
{
	out[0] = '\0';
	if (r->ran && r->exited && WIFEXITED(r->status))
		snprintf(out, n, "your program had exited (status %d%s)", WEXITSTATUS(r->status),
		         WEXITSTATUS(r->status) ? "; its error output, if any, is above" : "");
	else if (r->ran && r->exited)
		snprintf(out, n, "your program had been killed by signal %d", WTERMSIG(r->status));
	else if (r->ran && r->seconds >= r->c->seconds)
		snprintf(out, n, "your program was stopped when its %d s were up", r->c->seconds);
}

/* The first finding when the lab never got a connection. */
bool chal_judge_reached(const struct chal_run *r, bool listed, int err, struct verdict *v)
{
	if (!err) {
		verdict_add(v, true, "your server listened on %s port %u and accepted the lab's connection", r->host, r->port);
		return true;
	}
	char prog[128];
	chal_program_end(r, prog, sizeof prog);
	if (listed)
		verdict_add(v, false, "something listens on port %u, but not on %s: the lab's connection was refused; "
		            "bind %s (or %s) and listen()", r->port, r->host, r->host, r->family == 6 ? "::" : "0.0.0.0");
	else if (err == ECANCELED)
		verdict_add(v, false, "nothing listens on %s port %u: your server must bind that port and listen() (the "
		            "port is in $SOCKSCOPE_PORT with --run)%s%s", r->host, r->port, prog[0] ? "; " : "", prog);
	else
		verdict_add(v, false, "the lab could not connect to %s port %u: %s%s%s", r->host, r->port,
		            err == ETIMEDOUT ? "your server did not accept within 3 s" : strerror(err),
		            prog[0] ? "; " : "", prog);
	return false;
}

