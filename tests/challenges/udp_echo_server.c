/* Reference solution of the udp-echo-server challenge (9) in C: one UDP
 * socket, recvfrom() into a buffer big enough for any datagram, sendto()
 * back to the address it came from.  Host and port from $SOCKSCOPE_HOST /
 * $SOCKSCOPE_PORT.  -DWRONG_CONNECT: connect() to the first sender, then
 * send(): the socket hears nobody else.  -DWRONG_SMALL: a 512-byte buffer. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	if (!host || !port)
		return 2;
	struct sockaddr_storage me = { 0 };
	socklen_t ml;
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&me;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET6, host, &a->sin6_addr);
		ml = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&me;
		a->sin_family = AF_INET;
		a->sin_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET, host, &a->sin_addr);
		ml = sizeof *a;
	}
	int fd = socket(me.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, ml) < 0) {
		perror("bind");
		return 1;
	}
#ifdef WRONG_SMALL
	static char buf[512];
#else
	static char buf[65535];
#endif
	int connected = 0;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof peer;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl);
		if (n < 0) {
			perror("recvfrom");
			return 1;
		}
#ifdef WRONG_CONNECT
		if (!connected && connect(fd, (struct sockaddr *)&peer, pl) == 0)
			connected = 1;
		if (send(fd, buf, (size_t)n, 0) < 0)
			perror("send");
#else
		(void)connected;
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, pl) < 0)
			perror("sendto");
#endif
	}
}
