/* Reference solution of the http-get challenge (8) in C: GET /hello.txt
 * from $SOCKSCOPE_HOST port $SOCKSCOPE_PORT (either family) with a Host
 * header; read the head up to its empty line, then exactly Content-Length
 * bytes of body (the server keeps the connection open); print the body. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	if (!host || !port || getaddrinfo(host, port, &hints, &ai) != 0)
		return 2;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		perror("connect");
		return 1;
	}
	char req[512];
	int rl = snprintf(req, sizeof req, "GET /hello.txt HTTP/1.1\r\nHost: %s%s%s:%s\r\n\r\n",
	                  ai->ai_family == AF_INET6 ? "[" : "", host, ai->ai_family == AF_INET6 ? "]" : "", port);
	freeaddrinfo(ai);
	if (send(fd, req, (size_t)rl, 0) != rl)
		return 1;
	/* the head: until the empty line */
	static char buf[65536];
	size_t n = 0;
	char *end = NULL;
	while (!end && n < sizeof buf - 1) {
		ssize_t k = recv(fd, buf + n, sizeof buf - 1 - n, 0);
		if (k <= 0) {
			fprintf(stderr, "the server closed before the end of its headers\n");
			return 1;
		}
		n += (size_t)k;
		buf[n] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	if (!end)
		return 1;
	size_t length = 0;
	for (char *l = strstr(buf, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n"))
		if (!strncasecmp(l + 2, "Content-Length:", 15))
			length = strtoul(l + 17, NULL, 10);
	size_t have = n - (size_t)(end + 4 - buf);
	char *body = end + 4;
	/* then exactly Content-Length bytes of body */
	while (have < length && (size_t)(body - buf) + length < sizeof buf) {
		ssize_t k = recv(fd, body + have, length - have, 0);
		if (k <= 0)
			break;
		have += (size_t)k;
	}
	fwrite(body, 1, have, stdout);
	close(fd);
	return have == length ? 0 : 1;
}
