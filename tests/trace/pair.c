/*
 * pair.c — tests/e2e_trace_repeat.sh's program that is its own server and
 * client: the parent listens on 127.0.0.1 (a port the kernel picks), forks
 * a child that connects and sends one request, and only then (told through
 * a pipe, which the trace does not bracket) accepts and reads it.  So one
 * process at a time is in a network call, and each call's packets are its
 * own: it runs unchanged in sockscope's namespace, where a server started
 * outside could not be reached.  The calls are on lines marked @name.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0 ||
	    listen(l, 1) < 0) {
		perror("pair: listen");
		return 1;
	}
	int sent[2];
	if (pipe(sent) < 0)
		return 1;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) /* @connect */
			_exit(1);
		if (send(c, "ping\n", 5, 0) != 5) /* @send */
			_exit(1);
		if (write(sent[1], "s", 1) != 1)
			_exit(1);
		char b[16];
		ssize_t k = recv(c, b, sizeof b, 0); /* @crecv */
		close(c); /* @cclose */
		_exit(k == 0 ? 0 : 2);
	}
	char go;
	if (read(sent[0], &go, 1) != 1)
		return 1;
	int s = accept(l, NULL, NULL); /* @accept */
	char b[16];
	ssize_t k = recv(s, b, sizeof b, 0); /* @recv */
	close(s); /* @close */
	int st;
	waitpid(child, &st, 0);
	printf("pair: got %zd bytes, the child exited %d\n", k, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return k == 5 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
