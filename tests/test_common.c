/*
 * test_common.c — the shared plumbing of src/common/: the clock, the
 * loopback bind, and the out-of-memory rule (the hook runs, the message is
 * written, the status is 1), growable arrays, on real sockets and a real
 * child process.
 */
#include "common/clock.h"
#include "common/dirlist.h"
#include "common/loopback.h"
#include "common/mem.h"
#include "common/proc.h"
#include "common/vec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void test_clock(void)
{
	int64_t a = clock_ms(), au = clock_us();
	usleep(20000);
	int64_t b = clock_ms(), bu = clock_us();
	CHECK_MSG(b - a >= 20, "20 ms of sleep measured as %lld ms", (long long)(b - a));
	CHECK_MSG(bu - au >= 20000, "20 ms of sleep measured as %lld us", (long long)(bu - au));
	/* the same clock: microseconds / 1000 within a millisecond of clock_ms */
	CHECK(llabs(clock_us() / 1000 - clock_ms()) <= 1);
}

static void test_loopback(int family)
{
	char err[256];
	uint16_t port = 0;
	int fd = loopback_bind(family, SOCK_STREAM, 0, 4, &port, err, sizeof err);
	if (fd < 0 && family == 6) {
		printf("test_common: no IPv6 loopback here (%s), skipping it\n", err);
		return;
	}
	CHECK_MSG(fd >= 0, "bind: %s", err);
	CHECK(port != 0);
	/* bound where it says, and listening: a connect is accepted */
	struct sockaddr_storage ss, got;
	socklen_t len = loopback_addr(family, port, &ss), glen = sizeof got;
	CHECK(getsockname(fd, (struct sockaddr *)&got, &glen) == 0 && glen == len && !memcmp(&got, &ss, len));
	int c = socket(ss.ss_family, SOCK_STREAM, 0);
	CHECK(c >= 0 && connect(c, (struct sockaddr *)&ss, len) == 0);
	int a = accept(fd, NULL, NULL);
	CHECK(a >= 0);
	close(a);
	close(c);
	/* the same port again while it listens: an error that names it */
	uint16_t again = 0;
	CHECK(loopback_bind(family, SOCK_STREAM, port, 4, &again, err, sizeof err) < 0);
	char want[64];
	snprintf(want, sizeof want, "port %u: ", port);
	CHECK_MSG(strstr(err, want) && strstr(err, "another program has that port"), "message: %s", err);
	close(fd);
	/* a datagram socket: bound, and a datagram to it arrives */
	uint16_t uport = 0;
	int u = loopback_bind(family, SOCK_DGRAM, 0, 0, &uport, err, sizeof err);
	CHECK_MSG(u >= 0 && uport, "udp bind: %s", err);
	len = loopback_addr(family, uport, &ss);
	int s = socket(ss.ss_family, SOCK_DGRAM, 0);
	CHECK(sendto(s, "hi", 2, 0, (struct sockaddr *)&ss, len) == 2);
	char buf[8];
	CHECK(recv(u, buf, sizeof buf, 0) == 2 && !memcmp(buf, "hi", 2));
	close(s);
	close(u);
}

static void hook(void)
{
	static const char m[] = "hook ran\n";
	ssize_t w = write(STDERR_FILENO, m, sizeof m - 1);
	(void)w;
}

/* The rule on failure, in a child: a product that overflows fails as a
 * real out of memory does, without asking the allocator (so a sanitizer's
 * own allocator cannot step in first). */
static void test_oom(void)
{
	void *p = xcalloc(0, 8);   /* zero is a valid request, never NULL */
	CHECK(p != NULL);
	free(p);
	char *s = xasprintf("%s-%d", "ab", 7);
	EQ_STR("ab-7", s);
	free(s);
	int pipefd[2];
	CHECK(pipe(pipefd) == 0);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		mem_set_oom_hook(hook);
		xreallocarray(NULL, SIZE_MAX / 2, 4);
		_exit(0);   /* not reached */
	}
	close(pipefd[1]);
	char out[256];
	size_t n = 0;
	for (ssize_t k; n < sizeof out - 1 && (k = read(pipefd[0], out + n, sizeof out - 1 - n)) > 0;)
		n += (size_t)k;
	out[n] = '\0';
	close(pipefd[0]);
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x", st);
	EQ_STR("hook ran\nsockscope: out of memory\n", out);
}

static void test_vec(void)
{
	long *v = NULL;
	size_t n = 0, cap = 0;
	for (long i = 0; i < 1000; i++)
		VEC_PUSH(v, n, cap, i * 3);
	EQ_INT(1000, n);
	CHECK(cap >= n && cap < 2 * n + 16);   /* doubling, not a step per push */
	long bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += v[i] != (long)i * 3;
	EQ_INT(0, bad);
	/* room while it fits: the same block, the capacity unchanged */
	size_t before = cap;
	long *same = vec_room(v, cap - 1, &cap, sizeof *v);
	CHECK(same == v && cap == before);
	free(v);
}

/* pid has ended: no such process, or a zombie its new parent has not
 * reaped yet (in a container, pid 1 may never reap). */
static bool ended(pid_t pid)
{
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == 'Z';
}

/* Read fd to its end (bounded by the buffer) into buf. */
static void read_all(int fd, char *buf, size_t n)
{
	size_t k = 0;
	for (ssize_t r; k < n - 1 && (r = read(fd, buf + k, n - 1 - k)) > 0;)
		k += (size_t)r;
	buf[k] = '\0';
}

static void test_proc(void)
{
	/* its environment and its output */
	int pfd[2];
	CHECK(pipe(pfd) == 0);
	pid_t pid = proc_spawn("echo \"$SS_A-$SS_B\"", pfd[1], PROC_KEEP, (const char *const[]){ "SS_A=1", "SS_B=two", NULL });
	close(pfd[1]);
	CHECK(pid > 0);
	char out[256];
	read_all(pfd[0], out, sizeof out);
	close(pfd[0]);
	EQ_STR("1-two\n", out);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* a command that ignores TERM and leaves a child of its own in the
	 * background: stopping it ends both (the group's KILL) */
	CHECK(pipe(pfd) == 0);
	pid = proc_spawn("trap '' TERM; sleep 60 & echo $!; wait", pfd[1], PROC_NULL, NULL);
	close(pfd[1]);
	CHECK(pid > 0);
	char line[32] = "";
	size_t k = 0;
	while (k < sizeof line - 1 && read(pfd[0], line + k, 1) == 1 && line[k] != '\n')
		k++;
	line[k] = '\0';
	pid_t bg = (pid_t)atoi(line);
	CHECK_MSG(bg > 0, "background pid: '%s'", line);
	st = proc_stop(pid);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
	bool gone = false;   /* the KILL is delivered asynchronously: a bounded wait */
	for (int i = 0; i < 500 && !gone && bg > 0; i++) {
		gone = ended(bg);
		if (!gone)
			usleep(10000);
	}
	CHECK_MSG(gone, "the background child %d still runs", (int)bg);
	close(pfd[0]);
}

static void test_dirlist(void)
{
	char dir[] = "/tmp/test_common.XXXXXX", path[300];
	CHECK(mkdtemp(dir) != NULL);
	const char *names[] = { "20-b.lesson", "03-a.lesson", ".#03-a.lesson", "notes.txt", ".lesson", "x.lesson.bak" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (f)
			fclose(f);
	}
	struct dirlist l;
	EQ_INT(0, dirlist_load(dir, ".lesson", &l));
	EQ_INT(2, l.n);
	char want[300];
	snprintf(want, sizeof want, "%s/03-a.lesson", dir);
	EQ_STR(want, l.n > 0 ? l.paths[0] : "");
	snprintf(want, sizeof want, "%s/20-b.lesson", dir);
	EQ_STR(want, l.n > 1 ? l.paths[1] : "");
	dirlist_free(&l);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	/* a directory that is not there: -1 and errno for the caller's message */
	errno = 0;
	CHECK(dirlist_load(dir, ".lesson", &l) < 0 && errno == ENOENT && l.n == 0);
}

int main(void)
{
	test_dirlist();
	test_proc();
	test_vec();
	test_clock();
	test_loopback(4);
	test_loopback(6);
	test_oom();
	return check_done("test_common");
}
