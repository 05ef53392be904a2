/*
 * trace_sender.c — bench/trace_bench.sh's program: N send() calls of 100
 * bytes over loopback TCP to a reader it forks itself.
 *
 * The reader is the program's own child so that every tracer compared
 * (none, sockscope trace, strace -f) sees the same two processes and the
 * same calls, and so that it runs in sockscope's namespace too when there
 * is no host capture.  It binds 127.0.0.1 port 0 (the kernel picks a free
 * one); the reader reads until the sender closes, so nothing is cut short.
 *
 *   trace_sender [N]   (default 100000)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG 100

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	if (n < 1 || n > 100000000) {
		fprintf(stderr, "trace_sender: N must be 1..100000000\n");
		return 2;
	}
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0 ||
	    listen(l, 1) < 0) {
		perror("trace_sender: listen");
		return 1;
	}
	pid_t reader = fork();
	if (reader < 0) {
		perror("trace_sender: fork");
		return 1;
	}
	if (reader == 0) {
		int c = accept(l, NULL, NULL);
		char buf[65536];
		long long got = 0;
		ssize_t k;
		while (c >= 0 && (k = recv(c, buf, sizeof buf, 0)) > 0)
			got += k;
		_exit(got == (long long)n * MSG ? 0 : 3);
	}
	close(l);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("trace_sender: connect");
		return 1;
	}
	char msg[MSG];
	memset(msg, 'x', sizeof msg);
	for (long i = 0; i < n; i++)
		if (send(s, msg, sizeof msg, 0) != (ssize_t)sizeof msg) {
			perror("trace_sender: send");
			return 1;
		}
	close(s);
	int status;
	if (waitpid(reader, &status, 0) != reader || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "trace_sender: the reader did not get every byte\n");
		return 1;
	}
	return 0;
}
