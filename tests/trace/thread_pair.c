/*
 * thread_pair.c — tests/e2e_trace_and.sh: one program whose thread is the
 * server of its own main thread: the thread accepts, reads 5 bytes, sends
 * them back and closes; main connects, sends, reads the echo and closes.
 * Their calls run in two threads at once, so each block is exact only
 * because a call's entry is held while the other thread's call is in its
 * window.  The test finds the lines by their @ comments.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static int ls;

static void *serve(void *arg)
{
	(void)arg;
	int c = accept(ls, NULL, NULL); /* @taccept */
	char b[16];
	ssize_t n = recv(c, b, sizeof b, 0); /* @trecv */
	if (n > 0)
		send(c, b, (size_t)n, 0); /* @tsend */
	close(c); /* @tclose */
	return NULL;
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	socklen_t len = sizeof a;
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &len) < 0)
		return 1;
	pthread_t t;
	if (pthread_create(&t, NULL, serve, NULL) != 0)
		return 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) /* @connect */
		return 1;
	send(fd, "ping\n", 5, 0); /* @send */
	char b[16];
	ssize_t n = recv(fd, b, sizeof b, 0); /* @recv */
	close(fd); /* @close */
	pthread_join(t, NULL);
	printf("thread_pair: echo of %zd bytes\n", n);
	return n == 5 ? 0 : 1;
}
