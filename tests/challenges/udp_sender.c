/* Reference solution of the udp-send challenge (2) in C: send "ping" and
 * "reply?" to $SOCKSCOPE_HOST port $SOCKSCOPE_PORT (either family), wait
 * for a reply with a 2 s receive timeout (SO_RCVTIMEO), print "no reply"
 * when none comes, exit 0. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(void)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	if (!host || !port || getaddrinfo(host, port, &hints, &ai) != 0)
		return 2;
	int fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return 1;
	if (sendto(fd, "ping", 4, 0, ai->ai_addr, ai->ai_addrlen) != 4 ||
	    sendto(fd, "reply?", 6, 0, ai->ai_addr, ai->ai_addrlen) != 6) {
		perror("sendto");
		return 1;
	}
	freeaddrinfo(ai);
	struct timeval tv = { .tv_sec = 2 };
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
		return 1;
	char buf[2048];
	ssize_t n = recvfrom(fd, buf, sizeof buf, 0, NULL, NULL);
	if (n >= 0)
		printf("reply: %.*s\n", (int)n, buf);
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		printf("no reply\n");
	else
		perror("recvfrom");
	close(fd);
	return 0;
}
