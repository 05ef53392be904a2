/*
 * client.c — lesson 1 (stream-vs-datagram), the learner's side: the same
 * ping/pong over a TCP connection and as UDP datagrams.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./client HOST TCP_PORT UDP_PORT   (server_tcp's and server_udp's ports)
 */
#include <netdb.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* A numeric host is only parsed (nothing on the wire); its form picks
 * IPv4 or IPv6, so the program runs over ::1 unchanged. */
static struct addrinfo *resolve(const char *host, const char *port, int type)
{
	struct addrinfo hints = { .ai_socktype = type, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "%s port %s: %s\n", host, port, gai_strerror(rc));
		return NULL;
	}
	return ai;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s HOST TCP_PORT UDP_PORT\n", argv[0]);
		return 2;
	}
	struct addrinfo *tcp_addr = resolve(argv[1], argv[2], SOCK_STREAM);
	struct addrinfo *udp_addr = resolve(argv[1], argv[3], SOCK_DGRAM);
	if (!tcp_addr || !udp_addr)
		return 2;

	int tcp = socket(tcp_addr->ai_family, SOCK_STREAM, 0); /* [1] */
	if (tcp < 0 || connect(tcp, tcp_addr->ai_addr, tcp_addr->ai_addrlen) < 0) {
		perror("tcp socket/connect");
		return 1;
	}
	puts("connect() = 0");

	/* Two calls, two messages as we see them; the stream keeps only the bytes. */
	printf("send() = %zd\n", send(tcp, "ping ", 5, 0)); /* [2] */
	printf("send() = %zd\n", send(tcp, "pong!", 5, 0));

	int udp = socket(udp_addr->ai_family, SOCK_DGRAM, 0); /* [4] */
	if (udp < 0) { perror("udp socket"); return 1; }
	printf("sendto() = %zd\n", sendto(udp, "ping ", 5, 0, udp_addr->ai_addr, udp_addr->ai_addrlen));
	printf("sendto() = %zd\n", sendto(udp, "pong!", 5, 0, udp_addr->ai_addr, udp_addr->ai_addrlen));

	/* UDP promises nothing: without a timeout a lost answer would block
	 * this recvfrom() for ever. */
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char buf[1024];
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;
	ssize_t n = recvfrom(udp, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len); /* [6] */
	if (n < 0) { perror("recvfrom"); return 1; }
	printf("recvfrom() = %zd: \"%.*s\"\n", n, (int)n, buf);
	close(udp);
	close(tcp);
	freeaddrinfo(tcp_addr);
	freeaddrinfo(udp_addr);
	return 0;
}
