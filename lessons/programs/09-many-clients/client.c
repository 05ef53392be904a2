/*
 * client.c — lesson 9 (many-clients), the learner's side: two clients of
 * the one-at-a-time server, then three clients at once of the server with
 * a thread per client, a process per client and one event loop.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./client HOST ITERATIVE_PORT THREADS_PORT FORK_PORT POLL_PORT
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* What a recv() gave, as the lesson shows it. */
static void show(const char *name, ssize_t n, const char *buf)
{
	if (n >= 0)
		printf("%s: recv() = %zd: \"%.*s\"\n", name, n, (int)n, buf);
	else
		printf("%s: recv() = -1 %s\n", name, errno == EAGAIN || errno == EWOULDBLOCK ? "EAGAIN" : "error");
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: %s HOST ITERATIVE_PORT THREADS_PORT FORK_PORT POLL_PORT\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *srv[4];
	for (int i = 0; i < 4; i++) {
		int rc = getaddrinfo(argv[1], argv[2 + i], &hints, &srv[i]);
		if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2 + i], gai_strerror(rc)); return 2; }
	}
	struct addrinfo *iterative = srv[0], *threads = srv[1], *forks = srv[2], *poll = srv[3];
	char buf[256];
	/* Every recv() below is bounded: a server that does not answer is
	 * what step 1 shows, not a hang. */
	struct timeval tv = { .tv_sec = 30 }, five = { .tv_sec = 5 };

	int a = socket(iterative->ai_family, SOCK_STREAM, 0); /* [1] */
	if (a < 0 || connect(a, iterative->ai_addr, iterative->ai_addrlen) < 0) { perror("connect a"); return 1; }
	int b = socket(iterative->ai_family, SOCK_STREAM, 0);
	if (b < 0 || connect(b, iterative->ai_addr, iterative->ai_addrlen) < 0) { perror("connect b"); return 1; }
	puts("a, b: connect() = 0 (the kernel completed both handshakes)");
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct timeval one = { .tv_sec = 1 };
	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &one, sizeof one);
	if (send(a, "first", 5, 0) != 5 || send(b, "second", 6, 0) != 6) { perror("send"); return 1; }
	show("a", recv(a, buf, sizeof buf, 0), buf);
	show("b", recv(b, buf, sizeof buf, 0), buf);   /* the server is busy with a */

	close(a); /* [2] */
	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
	show("b", recv(b, buf, sizeof buf, 0), buf);
	close(b);

	a = socket(threads->ai_family, SOCK_STREAM, 0); /* [3] */
	if (a < 0 || connect(a, threads->ai_addr, threads->ai_addrlen) < 0) { perror("connect a"); return 1; }
	b = socket(threads->ai_family, SOCK_STREAM, 0);
	if (b < 0 || connect(b, threads->ai_addr, threads->ai_addrlen) < 0) { perror("connect b"); return 1; }
	int c = socket(threads->ai_family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, threads->ai_addr, threads->ai_addrlen) < 0) { perror("connect c"); return 1; }
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (send(a, "one", 3, 0) != 3 || send(b, "two", 3, 0) != 3 || send(c, "three", 5, 0) != 5) { perror("send"); return 1; }
	show("c", recv(c, buf, sizeof buf, 0), buf);
	show("b", recv(b, buf, sizeof buf, 0), buf);
	show("a", recv(a, buf, sizeof buf, 0), buf);

	close(a); /* [4] */
	close(b);
	close(c);
	a = socket(forks->ai_family, SOCK_STREAM, 0);
	if (a < 0 || connect(a, forks->ai_addr, forks->ai_addrlen) < 0) { perror("connect a"); return 1; }
	b = socket(forks->ai_family, SOCK_STREAM, 0);
	if (b < 0 || connect(b, forks->ai_addr, forks->ai_addrlen) < 0) { perror("connect b"); return 1; }
	c = socket(forks->ai_family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, forks->ai_addr, forks->ai_addrlen) < 0) { perror("connect c"); return 1; }
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (send(a, "one", 3, 0) != 3 || send(b, "two", 3, 0) != 3 || send(c, "three", 5, 0) != 5) { perror("send"); return 1; }
	show("a", recv(a, buf, sizeof buf, 0), buf);
	show("b", recv(b, buf, sizeof buf, 0), buf);
	show("c", recv(c, buf, sizeof buf, 0), buf);

	close(a); /* [5] */
	close(b);
	close(c);
	a = socket(poll->ai_family, SOCK_STREAM, 0);
	if (a < 0 || connect(a, poll->ai_addr, poll->ai_addrlen) < 0) { perror("connect a"); return 1; }
	b = socket(poll->ai_family, SOCK_STREAM, 0);
	if (b < 0 || connect(b, poll->ai_addr, poll->ai_addrlen) < 0) { perror("connect b"); return 1; }
	c = socket(poll->ai_family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, poll->ai_addr, poll->ai_addrlen) < 0) { perror("connect c"); return 1; }
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (send(b, "two", 3, 0) != 3 || send(a, "one", 3, 0) != 3 || send(c, "three", 5, 0) != 5) { perror("send"); return 1; }
	show("b", recv(b, buf, sizeof buf, 0), buf);
	show("a", recv(a, buf, sizeof buf, 0), buf);
	show("c", recv(c, buf, sizeof buf, 0), buf);

	close(a); /* [6] */
	close(b);
	close(c);
	for (int i = 0; i < 4; i++)
		freeaddrinfo(srv[i]);
	return 0;
}
