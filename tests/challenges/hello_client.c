/* Reference solution of the tcp-hello challenges (1 and 6) in C: connect to
 * $SOCKSCOPE_HOST port $SOCKSCOPE_PORT (either family), send "HELLO ada\n",
 * read the reply line, print it, close. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	if (!host || !port || getaddrinfo(host, port, &hints, &ai) != 0)
		return 2;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		return 1;
	freeaddrinfo(ai);
	const char *line = "HELLO ada\n";
	if (send(fd, line, strlen(line), 0) != (ssize_t)strlen(line))
		return 1;
	char buf[512];
	size_t n = 0;
	while (n < sizeof buf - 1 && !memchr(buf, '\n', n)) {
		ssize_t r = recv(fd, buf + n, sizeof buf - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	fwrite(buf, 1, n, stdout);
	close(fd);
	return 0;
}
