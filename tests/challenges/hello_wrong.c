/* Wrong tcp-hello clients in C (challenges 1 and 6), each with one typical
 * mistake, chosen by the first argument:
 *   noclose  prints the reply, then never closes: only the lab's stop of the
 *            program makes the kernel send its FIN, which is no close of its
 *   sizeof   sends sizeof msg: the line and its terminating NUL
 *   crash    does all of it right, then exits with status 1
 * Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "noclose";
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	if (!host || !port || getaddrinfo(host, port, &hints, &ai) != 0)
		return 2;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		return 1;
	freeaddrinfo(ai);
	static const char msg[] = "HELLO ada\n";
	size_t len = strcmp(mode, "sizeof") ? strlen(msg) : sizeof msg;
	if (send(fd, msg, len, 0) != (ssize_t)len)
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
	fflush(stdout);
	if (!strcmp(mode, "noclose"))
		sleep(60);   /* longer than the challenge's 10 s: the lab stops it */
	else
		close(fd);
	return strcmp(mode, "crash") ? 0 : 1;
}
