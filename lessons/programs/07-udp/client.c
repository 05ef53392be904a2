/*
 * client.c — lesson 7 (udp), the learner's side: a connected datagram
 * socket, the ICMP error a closed port sends back and who is told of it,
 * a connected socket ignoring strangers, and a datagram cut short.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE
 * Run: ./client HOST PORT [--recverr]   (PORT: the server's UDP port;
 * --recverr is the lesson's toggle: IP_RECVERR on the unconnected socket)
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char *err_name(int e)
{
	return e == ECONNREFUSED ? "ECONNREFUSED" : e == EAGAIN || e == EWOULDBLOCK ? "EAGAIN" : strerror(e);
}

static char buf[1024];

/* What a recv() into buf gave (the call itself stays on its step's line). */
static void show(const char *name, ssize_t n)
{
	if (n >= 0)
		printf("%s: recv() = %zd: \"%.*s\"\n", name, n, (int)n, buf);
	else
		printf("%s: recv() = -1 %s\n", name, err_name(errno));
}

int main(int argc, char **argv)
{
	int recverr = argc == 4 && strcmp(argv[3], "--recverr") == 0;
	if (argc != 3 && !recverr) {
		fprintf(stderr, "usage: %s HOST PORT [--recverr]\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *udp_addr;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &udp_addr);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc)); return 2; }
	int af = udp_addr->ai_family;
	/* A port where nobody listens: one the kernel gave us a moment ago and
	 * we let go.  (Another program could take it meanwhile; on a test
	 * machine's loopback that is unlikely, and it would show.) */
	struct sockaddr_storage closed_addr;
	socklen_t closed_len = sizeof closed_addr;
	memcpy(&closed_addr, udp_addr->ai_addr, udp_addr->ai_addrlen);
	((struct sockaddr_in *)&closed_addr)->sin_port = 0;   /* the same offset in sockaddr_in6 */
	int tmp = socket(af, SOCK_DGRAM, 0);
	if (tmp < 0 || bind(tmp, (struct sockaddr *)&closed_addr, udp_addr->ai_addrlen) < 0
	    || getsockname(tmp, (struct sockaddr *)&closed_addr, &closed_len) < 0) {
		perror("a free port");
		return 1;
	}
	close(tmp);

	int fd = socket(af, SOCK_DGRAM, 0); /* [1] */
	if (fd < 0 || connect(fd, udp_addr->ai_addr, udp_addr->ai_addrlen) < 0) { perror("connect"); return 1; }
	puts("connect() = 0 (nothing sent: the kernel only records the peer)");
	/* UDP promises nothing: a lost answer must not block for ever */
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

	printf("send() = %zd\n", send(fd, "ping", 4, 0)); /* [2] */
	show("fd", recv(fd, buf, sizeof buf, 0));

	int c = socket(af, SOCK_DGRAM, 0); /* [3] */
	if (c < 0 || connect(c, (struct sockaddr *)&closed_addr, closed_len) < 0) { perror("connect c"); return 1; }
	tv.tv_sec = 30;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	printf("c: send() = %zd (bytes handed to the kernel)\n", send(c, "anyone there?", 13, 0));
	show("c", recv(c, buf, sizeof buf, 0));

	int u = socket(af, SOCK_DGRAM, 0); /* [4] */
	tv.tv_sec = 1;
	setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (recverr) {
		int one = 1;
		if (af == AF_INET6)
			rc = setsockopt(u, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
		else
			rc = setsockopt(u, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
		if (rc < 0) { perror("IP_RECVERR"); return 1; }
	}
	printf("u: sendto() = %zd\n", sendto(u, "anyone there?", 13, 0, (struct sockaddr *)&closed_addr, closed_len));
	ssize_t n = recvfrom(u, buf, sizeof buf, 0, NULL, NULL);
	if (n >= 0)
		printf("u: recvfrom() = %zd\n", n);
	else
		printf("u: recvfrom() = -1 %s%s\n", err_name(errno),
		       errno == EAGAIN || errno == EWOULDBLOCK ? " (the receive timeout expired)" : "");

	/* a stranger: another socket, aimed at fd's own address and port */
	int x = socket(af, SOCK_DGRAM, 0); /* [5] */
	struct sockaddr_storage fd_addr;
	socklen_t len = sizeof fd_addr;
	getsockname(fd, (struct sockaddr *)&fd_addr, &len);
	if (x < 0 || connect(x, (struct sockaddr *)&fd_addr, len) < 0) { perror("connect x"); return 1; }
	tv.tv_sec = 30;
	setsockopt(x, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	printf("x: send() = %zd\n", send(x, "psst", 4, 0));
	show("x", recv(x, buf, sizeof buf, 0));
	show("fd", recv(fd, buf, sizeof buf, 0));   /* what the server sent meanwhile */

	printf("send() = %zd\n", send(fd, "0123456789abcdefghij", 20, 0)); /* [6] */
	printf("send() = %zd\n", send(fd, "next", 4, 0));

	close(fd); /* [7] */
	close(c);
	close(u);
	close(x);
	freeaddrinfo(udp_addr);
	return 0;
}
