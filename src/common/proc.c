/*
 * proc.c — commands in a process group of their own (see proc.h).
 *
 * The grace between TERM and KILL: long enough for a program that handles
 * TERM to close its sockets and flush its output (so the capture shows its
 * FIN, not the RST of a killed process), short enough that one ignoring
 * TERM does not hold a verdict or a capture up noticeably.
 */
#include "common/proc.h"

#include "common/clock.h"
#include "common/mem.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t proc_spawn(const char *cmd, int out_fd, int err_fd, const char *const env[])
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		/* stdout first: out_fd may be our stderr, which err_fd then replaces */
		if (out_fd != PROC_KEEP)
			dup2(out_fd == PROC_NULL ? null : out_fd, STDOUT_FILENO);
		if (err_fd != PROC_KEEP)
			dup2(err_fd == PROC_NULL ? null : err_fd, STDERR_FILENO);
		for (size_t i = 0; env && env[i]; i++) {
			const char *eq = strchr(env[i], '=');
			if (!eq)
				continue;
			char name[64];
			size_t n = (size_t)(eq - env[i]) < sizeof name ? (size_t)(eq - env[i]) : sizeof name - 1;
			memcpy(name, env[i], n);
			name[n] = '\0';
			setenv(name, eq + 1, 1);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);   /* also here: a signal sent before the child ran must reach the group */
	return pid;
}

int proc_stop(pid_t pid)
{
	int status = 0;
	kill(-pid, SIGTERM);
	bool reaped = false;
	for (int64_t end = clock_ms() + PROC_GRACE_MS; !reaped && clock_ms() < end;) {
		reaped = waitpid(pid, &status, WNOHANG) == pid;
		if (!reaped)
			nanosleep(&(struct timespec){ 0, 10 * 1000000 }, NULL);
	}
	kill(-pid, SIGKILL);   /* the leader if it held on, and what it left in the background */
	if (!reaped)
		waitpid(pid, &status, 0);
	return status;
}

int proc_exe_dir(char *out, size_t n)
{
	if (n < 2)
		return -1;
	ssize_t k = readlink("/proc/self/exe", out, n - 1);
	if (k <= 0 || (size_t)k >= n - 1)   /* n - 1 bytes read: perhaps cut */
		return -1;
	out[k] = '\0';
	char *slash = strrchr(out, '/');
	if (slash)
		*slash = '\0';
	return 0;
}

int proc_each(int (*fn)(const char *pid, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	int r = 0;
	for (struct dirent *e; !r && (e = readdir(d));)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			r = fn(e->d_name, arg);
	closedir(d);
	return r;
}

long proc_read(const char *pid, const char *file, char *buf, size_t n)
{
	char path[300];
	snprintf(path, sizeof path, "/proc/%s/%s", pid, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || n == 0)
		return fd < 0 ? -1 : (close(fd), 0);
	size_t got = 0;
	for (ssize_t k; got + 1 < n && (k = read(fd, buf + got, n - 1 - got)) > 0;)
		got += (size_t)k;
	close(fd);
	buf[got] = '\0';
	return (long)got;
}

bool proc_on_path(const char *name, char *found, size_t n)
{
	const char *path = getenv("PATH");
	char *copy = xstrdup(path ? path : ""), *save = NULL, buf[4096];
	bool ok = false;
	for (char *d = strtok_r(copy, ":", &save); d && !ok; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof buf, "%s/%s", *d ? d : ".", name);
		ok = access(buf, X_OK) == 0;
	}
	free(copy);
	if (ok && found)
		snprintf(found, n, "%s", buf);
	return ok;
}
