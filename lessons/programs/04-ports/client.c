/*
 * client.c — lesson 4 (ports), the learner's side: where well-known ports
 * come from, the port the kernel picks, port 0, EADDRINUSE, TIME_WAIT and
 * SO_REUSEADDR, and a port where nobody listens.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE
 * Run: ./client HOST PORT   (127.0.0.1 or ::1: the lesson's toggle "ipv6")
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void service(const char *name)
{
	struct servent *se = getservbyname(name, "tcp");
	if (se)
		printf("getservbyname(\"%s\", \"tcp\") = %d\n", name, ntohs(se->s_port));   /* s_port is in network order */
	else
		printf("getservbyname(\"%s\", \"tcp\") = NULL (not in /etc/services)\n", name);
}

static unsigned port_of(int fd)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof a;
	char port[16] = "?";
	if (getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		getnameinfo((struct sockaddr *)&a, len, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	return (unsigned)strtoul(port, NULL, 10);
}

/* What bind() answered, as the lesson shows it (the call itself stays on
 * its step's line). */
static void bound(const char *what, int fd, int rc)
{
	if (rc == 0)
		printf("%s: bind() = 0 (bound to port %u)\n", what, port_of(fd));
	else
		printf("%s: bind() = -1 %s\n", what, errno == EADDRINUSE ? "EADDRINUSE" : strerror(errno));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *addr, *any_port;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &addr);
	if (rc == 0)
		rc = getaddrinfo(argv[1], "0", &hints, &any_port);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc)); return 2; }
	int af = addr->ai_family, on = 1;

	service("http"); /* [1] */
	service("smtp");
	service("ftp");
	service("domain");

	unsigned lo = 0, hi = 0; /* [2] */
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");   /* IPv6 uses it too */
	if (!f || fscanf(f, "%u %u", &lo, &hi) != 2) { perror("ip_local_port_range"); return 1; }
	fclose(f);
	int fd = socket(af, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, addr->ai_addr, addr->ai_addrlen) < 0) { perror("connect"); return 1; }
	unsigned mine = port_of(fd);
	printf("connect() = 0: the kernel gave us port %u, %s the ephemeral range\n", mine,
	       mine >= lo && mine <= hi ? "in" : "NOT in");

	int b = socket(af, SOCK_STREAM, 0); /* [3] */
	bound("b", b, bind(b, any_port->ai_addr, any_port->ai_addrlen));

	int busy = socket(af, SOCK_STREAM, 0); /* [4] */
	bound("busy", busy, bind(busy, addr->ai_addr, addr->ai_addrlen));   /* the server's own port */

	int t = socket(af, SOCK_STREAM, 0); /* [5] */
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	bound("t", t, bind(t, any_port->ai_addr, any_port->ai_addrlen));
	if (connect(t, addr->ai_addr, addr->ai_addrlen) < 0) { perror("connect t"); return 1; }
	struct sockaddr_storage t_local;            /* remember t's address and port */
	socklen_t tl = sizeof t_local;
	getsockname(t, (struct sockaddr *)&t_local, &tl);
	/* We end first, and wait for the server's FIN before close(): only
	 * then is t in TIME_WAIT.  close() alone returns at once, and a bind()
	 * right after it would race the FIN (FIN_WAIT2 refuses even with
	 * SO_REUSEADDR). */
	shutdown(t, SHUT_WR);
	char buf[1024];
	if (recv(t, buf, sizeof buf, 0) != 0) { fputs("t: expected the server's FIN\n", stderr); return 1; }
	close(t);
	puts("t: closed first: TIME_WAIT");

	int n = socket(af, SOCK_STREAM, 0); /* [6] */
	bound("n", n, bind(n, (struct sockaddr *)&t_local, tl));

	int r = socket(af, SOCK_STREAM, 0); /* [7] */
	setsockopt(r, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	bound("r", r, bind(r, (struct sockaddr *)&t_local, tl));

	/* b is bound and does not listen: nobody takes a connection on its
	 * port, and unlike a port we just closed no other program can take it. */
	struct sockaddr_storage closed; /* [8] */
	socklen_t cl = sizeof closed;
	getsockname(b, (struct sockaddr *)&closed, &cl);
	int x = socket(af, SOCK_STREAM, 0);
	if (connect(x, (struct sockaddr *)&closed, cl) == 0) { fputs("x: connected?\n", stderr); return 1; }
	printf("x: connect() = -1 %s\n", errno == ECONNREFUSED ? "ECONNREFUSED" : strerror(errno));

	close(fd); /* [9] */
	close(b); close(busy); close(n); close(r); close(x);
	freeaddrinfo(addr);
	freeaddrinfo(any_port);
	return 0;
}
