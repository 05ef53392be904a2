/*
 * client.c — lesson 10 (performance), the learner's side: a non-blocking
 * recv(), Nagle's algorithm (and --nodelay, the lesson's toggle), TCP_CORK
 * and MSG_MORE, big writes against small ones measured, and a sender
 * stopped by a reader that does not read (the zero window).
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE
 * Run: ./client HOST PORT [--nodelay]
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buf[65536];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* total bytes in writes of size each to t, for at most 3 s: the rate is
 * what the lesson shows, and a slow machine must not make it a hang. */
static int measure(int t, size_t total, size_t size)
{
	size_t sent = 0, calls = 0;
	double start = now();
	while (sent < total && now() - start < 3) {
		ssize_t n = send(t, buf, size, 0);
		if (n < 0) { perror("send"); return -1; }
		sent += (size_t)n;
		calls++;
	}
	double secs = now() - start;
	printf("%.1f MiB in %zu send() calls of %zu bytes: %.0f MiB/s%s\n", sent / 1048576.0, calls, size,
	       sent / 1048576.0 / (secs > 0 ? secs : 1e-9), sent < total ? " (stopped after 3 s)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	int nodelay = argc == 4 && strcmp(argv[3], "--nodelay") == 0;
	if (argc != 3 && !nodelay) {
		fprintf(stderr, "usage: %s HOST PORT [--nodelay]\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *addr, *any_port;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &addr);
	if (rc == 0)
		rc = getaddrinfo(argv[1], "0", &hints, &any_port);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc)); return 2; }
	int one = 1, zero = 0;
	ssize_t n;

	int fd = socket(addr->ai_family, SOCK_STREAM, 0); /* [1] */
	if (fd < 0 || connect(fd, addr->ai_addr, addr->ai_addrlen) < 0) { perror("connect"); return 1; }
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) { perror("fcntl"); return 1; }
	n = recv(fd, buf, sizeof buf, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		puts("recv() = -1 EAGAIN: nothing to read yet, and the socket does not wait");
	else { fprintf(stderr, "recv() = %zd: expected EAGAIN\n", n); return 1; }

	if (nodelay && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) { /* [2] */
		perror("TCP_NODELAY");
		return 1;
	}
	int calls = 0, bytes = 0;
	for (; calls < 50; calls++, bytes += (int)n)
		if ((n = send(fd, "0123456789", 10, 0)) != 10) { perror("send"); return 1; }
	printf("%d calls, %d bytes%s\n", calls, bytes, nodelay ? " (TCP_NODELAY)" : "");

	/* Corked, TCP sends only full segments; uncorking sends the rest. */
	setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one, sizeof one); /* [3] */
	for (int i = 0; i < 20; i++)
		if (send(fd, "abcde", 5, 0) != 5) { perror("send"); return 1; }
	setsockopt(fd, IPPROTO_TCP, TCP_CORK, &zero, sizeof zero);
	puts("20 calls of 5 bytes under TCP_CORK");

	/* MSG_MORE: "more to come", the cork for one call */
	if (send(fd, "HTTP/1.1 200 OK\r\n", 17, MSG_MORE) != 17 /* [4] */
	    || send(fd, "Content-Length: 5\r\n\r\n", 21, MSG_MORE) != 21 || send(fd, "hello", 5, 0) != 5) {
		perror("send");
		return 1;
	}
	puts("17 + 21 bytes with MSG_MORE (more to come), then 5");

	/* A connection of its own to a child that only reads: not the lesson's
	 * server, so the measured rate is the kernel's, not the server's. */
	int sink = socket(addr->ai_family, SOCK_STREAM, 0); /* [5] */
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	if (sink < 0 || bind(sink, any_port->ai_addr, any_port->ai_addrlen) < 0 || listen(sink, 1) < 0
	    || getsockname(sink, (struct sockaddr *)&sa, &sl) < 0) {
		perror("sink");
		return 1;
	}
	pid_t child = fork();
	if (child < 0) { perror("fork"); return 1; }
	if (child == 0) {
		struct timeval tv = { .tv_sec = 30 };
		setsockopt(sink, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		int c = accept(sink, NULL, NULL);
		while (c >= 0 && recv(c, buf, sizeof buf, 0) > 0)
			;
		_exit(c < 0);
	}
	close(sink);
	int t = socket(addr->ai_family, SOCK_STREAM, 0);
	if (t < 0 || connect(t, (struct sockaddr *)&sa, sl) < 0) { perror("connect sink"); return 1; }
	if (measure(t, 64 << 20, 65536) < 0 || measure(t, 4 << 20, 64) < 0)
		return 1;
	close(t);
	int status;
	if (waitpid(child, &status, 0) != child || status != 0) { fputs("the sink failed\n", stderr); return 1; }

	/* Buffer sizes are set before connect() (tcp(7)): the window the
	 * handshake offers is computed from them. */
	int z = socket(addr->ai_family, SOCK_STREAM, 0); /* [6] */
	int size = 4096;
	if (z < 0 || setsockopt(z, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) < 0) { perror("SO_SNDBUF"); return 1; }
	socklen_t len = sizeof size;
	getsockopt(z, SOL_SOCKET, SO_SNDBUF, &size, &len);
	printf("SO_SNDBUF 4096: getsockopt() = %d (the kernel doubles it, socket(7))\n", size);

	if (connect(z, addr->ai_addr, addr->ai_addrlen) < 0) { perror("connect z"); return 1; } /* [7] */
	if (fcntl(z, F_SETFL, fcntl(z, F_GETFL) | O_NONBLOCK) < 0) { perror("fcntl"); return 1; }
	int i = 0;
	for (; i < 1000; i++) {
		n = send(z, "01234567890123456789012345678901234567890123456789"
		            "01234567890123456789012345678901234567890123456789"
		            "01234567890123456789012345678901234567890123456789"
		            "01234567890123456789012345678901234567890123456789", 200, 0);
		if (n < 0)
			break;
	}
	if (i < 1000 && (errno == EAGAIN || errno == EWOULDBLOCK))
		puts("send() = -1 EAGAIN: the send buffer is full, the reader's window closed");
	else { fprintf(stderr, "z: %d sends, then %s\n", i, i < 1000 ? strerror(errno) : "no EAGAIN"); return 1; }

	/* Meanwhile the kernel probes the zero window (RFC 9293 3.8.6.1). */
	sleep(1); /* [8] */

	/* The server reads once and closes with our bytes unread: RST. */
	struct timeval tv = { .tv_sec = 30 }; /* [10] */
	setsockopt(z, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (fcntl(z, F_SETFL, fcntl(z, F_GETFL) & ~O_NONBLOCK) < 0) { perror("fcntl"); return 1; }
	n = recv(z, buf, sizeof buf, 0);
	if (n < 0 && errno == ECONNRESET)
		puts("recv() = -1 ECONNRESET");
	else { fprintf(stderr, "z: recv() = %zd (%s): expected ECONNRESET\n", n, strerror(errno)); return 1; }
	close(z);
	close(fd);
	freeaddrinfo(addr);
	freeaddrinfo(any_port);
	return 0;
}
