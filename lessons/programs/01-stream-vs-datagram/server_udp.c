/*
 * server_udp.c — lesson 1 (stream-vs-datagram), the lab's UDP side: two
 * datagrams in, one answer to whoever sent the last.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./server_udp HOST PORT   (PORT 0: the kernel picks; first line out
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
	socklen_t len = sizeof peer;
	char port[16];
	getsockname(usock, (struct sockaddr *)&peer, &len);
	getnameinfo((struct sockaddr *)&peer, len, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	printf("listening on %s\n", port);
	fflush(stdout);

	char buf[1024];
	for (int i = 0; i < 2; i++) {
		len = sizeof peer;
		ssize_t n = recvfrom(usock, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len); /* [5] */
		if (n < 0) { perror("recvfrom"); return 1; }
		printf("recvfrom() = %zd: \"%.*s\"\n", n, (int)n, buf);
	}
	/* No connection to answer on: the address recvfrom() filled in is it. */
	if (sendto(usock, "PONG", 4, 0, (struct sockaddr *)&peer, len) != 4) { perror("sendto"); return 1; }
	close(usock);
	return 0;
}
