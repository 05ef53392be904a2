/* tcp-hello clients in C (challenge 1) whose mistakes the verdict must
 * name by their source line (tests/e2e_challenges_trace.sh builds this
 * with -g and finds each line by its @ marker), by the first argument:
 *   unread  sends the line, never reads the reply, closes: RST
 *   part    reads 5 bytes of the reply, closes: RST, 7 bytes unread
 *   linger  reads and prints the reply, closes with SO_LINGER {1, 0}: RST
 *   sizeof  sends sizeof msg: the line and its terminating NUL
 *   noclose prints the reply, then waits in recv() until it is stopped
 *   exit    prints the reply and exits without close(): the kernel's FIN
 * Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "unread";
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	if (!host || !port || getaddrinfo(host, port, &hints, &ai) != 0)
		return 2;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		return 1;
	freeaddrinfo(ai);
	static const char msg[] = "HELLO ada\n";
	char buf[512];
	if (!strcmp(mode, "sizeof"))
		send(fd, msg, sizeof msg, 0);   /* @sizeof-send */
	else
		send(fd, msg, strlen(msg), 0);
	if (!strcmp(mode, "unread")) {
		usleep(300000);                 /* the reply arrives meanwhile */
		close(fd);                      /* @unread-close */
		return 0;
	}
	if (!strcmp(mode, "part")) {
		usleep(300000);
		ssize_t n = recv(fd, buf, 5, 0);   /* @part-recv */
		printf("%.*s\n", (int)(n > 0 ? n : 0), buf);
		close(fd);                      /* @part-close */
		return 0;
	}
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	fwrite(buf, 1, n > 0 ? (size_t)n : 0, stdout);
	fflush(stdout);
	if (!strcmp(mode, "linger")) {
		struct linger l = { 1, 0 };
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);   /* @linger-set */
		close(fd);                      /* @linger-close */
		return 0;
	}
	if (!strcmp(mode, "exit"))
		return 0;
	if (!strcmp(mode, "noclose"))
		recv(fd, buf, sizeof buf, 0);   /* @noclose-wait */
	close(fd);
	return 0;
}
