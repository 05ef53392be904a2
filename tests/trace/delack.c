/*
 * delack.c — tests/e2e_trace_delack.sh's program: one request whose ACK
 * the receiver's kernel delays.  The parent listens and forks a client;
 * after accept it turns quick ACKs off (TCP_QUICKACK 0: the delayed-ACK
 * mode), then lets the client send a request (through a pipe, which the
 * trace does not bracket) and does not read it for a second, so the only
 * ACK the request gets is the one the delayed-ACK timer sends, 40 ms or
 * more later, while neither process is in a network call.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0 ||
	    listen(l, 1) < 0)
		return 1;
	int go[2];
	if (pipe(go) < 0)
		return 1;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		char x;
		if (connect(c, (struct sockaddr *)&a, sizeof a) < 0 || read(go[0], &x, 1) != 1)
			_exit(1);
		if (send(c, "request\n", 8, 0) != 8) /* @send */
			_exit(1);
		char b[16];
		ssize_t k = recv(c, b, sizeof b, 0);
		close(c);
		_exit(k > 0 ? 0 : 2);
	}
	int s = accept(l, NULL, NULL);
	int off = 0;
	setsockopt(s, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof off);
	if (write(go[1], "g", 1) != 1)
		return 1;
	poll(NULL, 0, 1000);   /* the request waits unread; its ACK is the timer's */
	char b[16];
	ssize_t k = recv(s, b, sizeof b, 0);
	send(s, "answer\n", 7, 0);
	close(s);
	int st;
	waitpid(child, &st, 0);
	printf("delack: got %zd bytes\n", k);
	return k == 8 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
