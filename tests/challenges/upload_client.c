/* Reference solution of the upload-client challenge (11) in C: send() in a
 * loop until every byte of the body is taken, then close().  Host and port
 * from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT; the size (default 4194304) may be
 * the first argument.  -DWRONG_IGNORE: a non-blocking socket, poll() for
 * POLLOUT, then send() of 64 kB with its count ignored: holes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	size_t size = argc > 1 ? strtoul(argv[1], NULL, 10) : 4194304;
	if (!host || !port)
		return 2;
	unsigned char *body = malloc(size);
	if (!body)
		return 1;
	for (size_t i = 0; i < size; i++)
		body[i] = (unsigned char)(i % 251);
	struct sockaddr_storage to = { 0 };
	socklen_t tl;
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET6, host, &a->sin6_addr);
		tl = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&to;
		a->sin_family = AF_INET;
		a->sin_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET, host, &a->sin_addr);
		tl = sizeof *a;
	}
	int fd = socket(to.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, tl) < 0) {
		perror("connect");
		return 1;
	}
#ifdef WRONG_IGNORE
	int small = 4096;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (size_t off = 0; off < size; off += 65536) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		poll(&p, 1, 5000);
		size_t n = size - off < 65536 ? size - off : 65536;
		if (send(fd, body + off, n, MSG_NOSIGNAL) < 0 && errno != EAGAIN)   /* the mistake: its count */
			break;
	}
#else
	for (size_t off = 0; off < size;) {
		ssize_t n = send(fd, body + off, size - off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("send");
			return 1;
		}
		off += (size_t)n;
	}
#endif
	close(fd);
	free(body);
	return 0;
}
