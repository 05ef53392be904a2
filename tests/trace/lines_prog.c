/*
 * lines_prog.c — tests/e2e_trace_lines.sh: a program for --lines, with a
 * loop that makes no call (collapsed after a few runs), a loop whose line
 * makes a call each turn (always shown), a forked child (which inherits
 * the int3s in its copy of memory) and a thread, each sending one UDP
 * datagram to a socket of the program's own on 127.0.0.1.  The test finds
 * the lines by their @ comments.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int out;
static struct sockaddr_in to;

static void *thread_main(void *arg)
{
	(void)arg;
	sendto(out, "t", 1, 0, (struct sockaddr *)&to, sizeof to); /* @thread */
	return NULL;
}

int main(void)
{
	int sink = socket(AF_INET, SOCK_DGRAM, 0);
	to.sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	socklen_t len = sizeof to;
	bind(sink, (struct sockaddr *)&to, sizeof to);
	getsockname(sink, (struct sockaddr *)&to, &len);
	out = socket(AF_INET, SOCK_DGRAM, 0);
	volatile long sum = 0;
	for (int i = 0; i < 1000; i++)
		sum += i; /* @spin */
	for (int i = 0; i < 5; i++)
		sendto(out, "l", 1, 0, (struct sockaddr *)&to, sizeof to); /* @loop */
	pid_t child = fork(); /* @fork */
	if (child == 0) {
		sendto(out, "c", 1, 0, (struct sockaddr *)&to, sizeof to); /* @child */
		_exit(0);
	}
	int status;
	waitpid(child, &status, 0); /* @wait */
	pthread_t t;
	pthread_create(&t, NULL, thread_main, NULL);
	pthread_join(t, NULL); /* @join */
	printf("sum %ld, child %d\n", (long)sum, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
