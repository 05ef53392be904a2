/* The udp-send challenge (2) in C, waiting for the reply in the ways the
 * tracer tells apart (tests/e2e_challenges_trace.sh), by the first argument:
 *   sleep   wrong: sleep(2), then one non-blocking recvfrom() (MSG_DONTWAIT)
 *   poll    right: poll() with a 2000 ms timeout
 *   loop    right: a non-blocking recvfrom() every 100 ms, 20 times at most
 * Each prints "no reply" and exits 0, so the wire alone cannot tell them
 * apart.  The @ marks are the lines the test finds the verdict's line
 * numbers by.  Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "sleep";
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	if (!host || !port || getaddrinfo(host, port, &hints, &ai) != 0)
		return 2;
	int fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return 1;
	sendto(fd, "ping", 4, 0, ai->ai_addr, ai->ai_addrlen);
	sendto(fd, "reply?", 6, 0, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	char buf[2048];
	ssize_t n = -1;
	if (!strcmp(mode, "poll")) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 2000) > 0)   /* @poll */
			n = recv(fd, buf, sizeof buf, 0);
	} else if (!strcmp(mode, "loop")) {
		for (int i = 0; i < 20 && n < 0; i++) {
			n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);   /* @loop-recv */
			if (n < 0)
				nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
		}
	} else {
		sleep(2);                                      /* @sleep-call */
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);   /* @sleep-recv */
	}
	if (n >= 0)
		printf("reply: %.*s\n", (int)n, buf);
	else
		printf("no reply\n");
	close(fd);
	return 0;
}
