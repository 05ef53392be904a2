/*
 * server_threads.c — lesson 9 (many-clients), one thread per client: each
 * blocks in recv() for its client alone; three clients, then it exits.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -pthread
 * Run: ./server_threads HOST PORT   (first line out "listening on PORT")
 */
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define CLIENTS 3

struct client {
	int fd, number;
};

static void *serve(void *arg)
{
	const struct client *cl = arg;
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(cl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char buf[256], out[300];
	ssize_t n;
	while ((n = recv(cl->fd, buf, sizeof buf, 0)) > 0) {
		int len = snprintf(out, sizeof out, "[thread %d] %.*s", cl->number, (int)n, buf);
		if (send(cl->fd, out, (size_t)len, 0) < 0)
			break;
	}
	close(cl->fd);
	return NULL;
}

/* Who may reach this server: this machine only (the lab's rule; a
 * wildcard or a real interface's address is refused, not bound). */
static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr)[0] == 127;
	return sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/* The listener: HOST and PORT as given (PORT 0: the kernel picks), its
 * port said on the first line, accept() bounded by a timeout. */
static int listen_on(const char *host, const char *port_arg)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(host, port_arg, &hints, &ai);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", host, port_arg, gai_strerror(rc)); return -1; }
	if (!is_loopback(ai->ai_addr)) { fprintf(stderr, "%s is not a loopback address (127.0.0.0/8, ::1)\n", host); return -1; }
	int l = socket(ai->ai_family, SOCK_STREAM, 0);
	if (l < 0 || bind(l, ai->ai_addr, ai->ai_addrlen) < 0 || listen(l, 8) < 0) {
		perror("socket/bind/listen");
		return -1;
	}
	freeaddrinfo(ai);
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	char port[16];
	getsockname(l, (struct sockaddr *)&me, &len);
	getnameinfo((struct sockaddr *)&me, len, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	printf("listening on %s\n", port);
	fflush(stdout);
	return l;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	int l = listen_on(argv[1], argv[2]);
	if (l < 0)
		return 1;
	/* Each thread owns its client's slot; nothing else is shared. */
	struct client clients[CLIENTS];
	pthread_t threads[CLIENTS];
	int started = 0;
	for (; started < CLIENTS; started++) {
		clients[started] = (struct client){ accept(l, NULL, NULL), started + 1 };
		if (clients[started].fd < 0) { perror("accept"); break; }
		if (pthread_create(&threads[started], NULL, serve, &clients[started]) != 0) {
			close(clients[started].fd);
			fputs("pthread_create failed\n", stderr);
			break;
		}
	}
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	close(l);
	return started == CLIENTS ? 0 : 1;
}
