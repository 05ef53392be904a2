/*
 * labsrv_concurrent.c — one echo service served four ways, for the lesson on
 * serving many clients: one client at a time (iterative), one thread per
 * client, one process per client (fork), and one event loop (poll over
 * non-blocking sockets).  Each echo is prefixed with who served it —
 * "[thread 2] ", "[process 4242] ", "[event loop] ", "[one at a time] " —
 * so the model is visible in the bytes on the wire.
 *
 * Bounds: at most CONC_MAX_CLIENTS clients over a server's life, each
 * served for at most max_requests reads, every wait bounded by
 * io_timeout_ms and by the wake-up pipe (labsrv_stop), which forked
 * children inherit and watch too; the parent reaps children without
 * blocking and kills any left at stop.
 */
#include "servers/labsrv_priv.h"
#include "common/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONC_MAX_CLIENTS 16

/* Accept the next client, waiting at most the io timeout; -1 on none. */
static int next_client(struct labsrv *s)
{
	int r = labsrv_wait(s, s->lfd, POLLIN, s->lim.io_timeout_ms);
	if (r != 1)
		return r == LS_STOP ? -2 : -1;
	return accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* Echo one client's reads back with a prefix until it closes.  Only
 * read/write/poll and hand-made formatting: this also runs in a forked
 * child of a threaded process, where little else is safe. */
static void echo_with(struct labsrv *s, int fd, const char *prefix, size_t plen)
{
	uint8_t buf[1024 + 64];
	for (int i = 0; i < s->lim.max_requests; i++) {
		if (labsrv_wait(s, fd, POLLIN, s->lim.io_timeout_ms) != 1)
			break;
		ssize_t n = recv(fd, buf + plen, sizeof buf - plen, MSG_DONTWAIT);
		if (n <= 0)
			break;
		memcpy(buf, prefix, plen);
		if (labsrv_send(s, fd, buf, plen + (size_t)n) < 0)
			break;
		labsrv_count(s);
	}
}

/* "[word N] " without stdio (see echo_with). */
static size_t tag(char *out, const char *word, unsigned long n)
{
	char digits[24];
	size_t d = 0, o = 0;
	do
		digits[d++] = (char)('0' + n % 10);
	while ((n /= 10) && d < sizeof digits);
	out[o++] = '[';
	for (; *word; word++)
		out[o++] = *word;
	out[o++] = ' ';
	while (d)
		out[o++] = digits[--d];
	out[o++] = ']';
	out[o++] = ' ';
	return o;
}

/* ---- one at a time: the next client waits until this one has gone ---- */
static void run_iterative(struct labsrv *s)
{
	for (int served = 0; served < CONC_MAX_CLIENTS; served++) {
		int fd = next_client(s);
		if (fd == -2)
			return;
		if (fd < 0)
			continue;
		static const char p[] = "[one at a time] ";
		echo_with(s, fd, p, sizeof p - 1);
		close(fd);
	}
}

/* ---- one thread per client ---- */
struct client_thread {
	struct labsrv *s;
	int fd;
	unsigned n;
	pthread_t th;
};

static void *client_main(void *arg)
{
	struct client_thread *c = arg;
	char p[32];
	size_t pl = tag(p, "thread", c->n);
	echo_with(c->s, c->fd, p, pl);
	close(c->fd);
	return NULL;
}

static void run_threads(struct labsrv *s)
{
	struct client_thread t[CONC_MAX_CLIENTS];
	unsigned n = 0;
	while (n < CONC_MAX_CLIENTS) {
		int fd = next_client(s);
		if (fd == -2)
			break;
		if (fd < 0)
			continue;
		t[n] = (struct client_thread){ .s = s, .fd = fd, .n = n + 1 };
		if (pthread_create(&t[n].th, NULL, client_main, &t[n]) != 0) {
			close(fd);
			continue;
		}
		n++;
	}
	for (unsigned i = 0; i < n; i++)   /* each ends within its bounded waits */
		pthread_join(t[i].th, NULL);
}

/* ---- one process per client ---- */
static void run_fork(struct labsrv *s)
{
	pid_t kids[CONC_MAX_CLIENTS];
	unsigned n = 0;
	while (n < CONC_MAX_CLIENTS) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		int fd = next_client(s);
		if (fd == -2)
			break;
		if (fd < 0)
			continue;
		pid_t pid = fork();
		if (pid == 0) {
			char p[32];
			size_t pl = tag(p, "process", (unsigned long)getpid());
			echo_with(s, fd, p, pl);
			_exit(0);
		}
		close(fd);   /* the child has its own copy */
		if (pid > 0)
			kids[n++] = pid;
	}
	/* Children stop on the wake-up pipe too; give them a moment, then make sure. */
	for (int tries = 0; tries < 20; tries++) {
		bool left = false;
		for (unsigned i = 0; i < n; i++)
			if (kids[i] > 0 && waitpid(kids[i], NULL, WNOHANG) == 0)
				left = true;
			else
				kids[i] = 0;
		if (!left)
			return;
		usleep(50 * 1000);
	}
	for (unsigned i = 0; i < n; i++)
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
}

/* ---- one event loop over non-blocking sockets ---- */
static void run_poll(struct labsrv *s)
{
	int fds[CONC_MAX_CLIENTS];
	int reads[CONC_MAX_CLIENTS];
	unsigned n = 0, total = 0;
	fcntl(s->lfd, F_SETFL, fcntl(s->lfd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd p[CONC_MAX_CLIENTS + 2];
		nfds_t np = 0;
		p[np++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = total < CONC_MAX_CLIENTS ? s->lfd : -1, .events = POLLIN };
		for (unsigned i = 0; i < n; i++)
			p[np++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		int64_t left = s->deadline_ms - clock_ms();
		if (left <= 0 || atomic_load(&s->stopping))
			break;
		int r = poll(p, np, left < s->lim.io_timeout_ms ? (int)left : s->lim.io_timeout_ms);
		if (r < 0 && errno != EINTR)
			break;
		if (r == 0 && n == 0 && total >= CONC_MAX_CLIENTS)
			break;
		if (r <= 0)
			continue;
		if (p[0].revents)
			break;
		for (unsigned i = 0; i < n; i++) {
			if (!p[2 + i].revents)
				continue;
			uint8_t buf[1024 + 16];
			static const char pre[] = "[event loop] ";
			ssize_t got = recv(fds[i], buf + sizeof pre - 1, sizeof buf - sizeof pre + 1, 0);
			if (got > 0) {
				memcpy(buf, pre, sizeof pre - 1);
				/* Small replies fit the socket buffer; a full one drops the client. */
				if (send(fds[i], buf, sizeof pre - 1 + (size_t)got, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
					got = 0;
				labsrv_count(s);
			}
			if (got <= 0 && !(got < 0 && (errno == EAGAIN || errno == EINTR)))
				reads[i] = s->lim.max_requests;
			else
				reads[i]++;
			if (reads[i] >= s->lim.max_requests) {
				close(fds[i]);
				fds[i] = fds[--n];
				reads[i] = reads[n];
				p[2 + i] = p[2 + n];   /* keep the poll results in step with fds */
				i--;
			}
		}
		/* New clients last: the loop above reads only sockets this poll() watched. */
		if (p[1].revents) {
			int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd >= 0 && n < CONC_MAX_CLIENTS) {
				fds[n] = fd;
				reads[n++] = 0;
				total++;
			} else if (fd >= 0) {
				close(fd);
			}
		}
	}
	for (unsigned i = 0; i < n; i++)
		close(fds[i]);
}

const struct labsrv_proto labsrv_proto_echo_iterative = { .name = "echo-iterative", .socks = LABSRV_TCP, .run = run_iterative };
const struct labsrv_proto labsrv_proto_echo_threads = { .name = "echo-threads", .socks = LABSRV_TCP, .run = run_threads };
const struct labsrv_proto labsrv_proto_echo_fork = { .name = "echo-fork", .socks = LABSRV_TCP, .run = run_fork };
const struct labsrv_proto labsrv_proto_echo_poll = { .name = "echo-poll", .socks = LABSRV_TCP, .run = run_poll };
