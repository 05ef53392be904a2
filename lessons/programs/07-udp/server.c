/*
 * server.c — lesson 7 (udp), the lab's UDP side: answers the first
 * datagram with "pong" and then "pong again" (which the client reads a
 * step later), then reads two datagrams into an 8-byte buffer.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE
 * Run: ./server HOST PORT   (PORT 0: the kernel picks; first line out
 * "listening on PORT")
 */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Who may reach this server: this machine only (the lab's rule; a
 * wildcard or a real interface's address is refused, not bound). */
static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr)[0] == 127;
	return sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc)); return 2; }
	if (!is_loopback(ai->ai_addr)) { fprintf(stderr, "%s is not a loopback address (127.0.0.0/8, ::1)\n", argv[1]); return 2; }
	int usock = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (usock < 0 || bind(usock, ai->ai_addr, ai->ai_addrlen) < 0) { perror("socket/bind"); return 1; }
	freeaddrinfo(ai);
	struct timeval tv = { .tv_sec = 30 };   /* a datagram that never comes */
	setsockopt(usock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	char port[16];
	getsockname(usock, (struct sockaddr *)&peer, &plen);
	getnameinfo((struct sockaddr *)&peer, plen, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	printf("listening on %s\n", port);
	fflush(stdout);

	char buf[1024];
	plen = sizeof peer;
	ssize_t n = recvfrom(usock, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen);
	if (n < 0) { perror("recvfrom"); return 1; }
	printf("recvfrom() = %zd: \"%.*s\"\n", n, (int)n, buf);
	/* Whoever sent the datagram is the answer's address. */
	if (sendto(usock, "pong", 4, 0, (struct sockaddr *)&peer, plen) != 4
	    || sendto(usock, "pong again", 10, 0, (struct sockaddr *)&peer, plen) != 10) {
		perror("sendto");
		return 1;
	}

	/* MSG_TRUNC (Linux): the datagram's real length, not what fitted;
	 * the rest of it is gone either way. */
	for (int i = 0; i < 2; i++) {
		n = recvfrom(usock, buf, 8, MSG_TRUNC, NULL, NULL);
		if (n < 0) { perror("recvfrom"); return 1; }
		if (n > 8)
			printf("recvfrom(8, MSG_TRUNC) = %zd: TRUNCATED: the datagram had %zd bytes, kept \"%.8s\"\n", n, n, buf);
		else
			printf("recvfrom(8, MSG_TRUNC) = %zd: \"%.*s\"\n", n, (int)n, buf);
	}
	close(usock);
	return 0;
}
