/*
 * untraced.c — when ptrace is refused: say which setting refuses it, and
 * run the program untraced in the same capture, its packets shown without
 * per-call attribution.
 *
 * What refuses PTRACE_SEIZE is one of: Yama's kernel.yama.ptrace_scope
 * (3: no process may be traced; 2: only a tracer with CAP_SYS_PTRACE), a
 * seccomp filter on sockscope itself (a container runtime's default
 * profile, or whatever started it: /proc/self/status says so), or a Linux
 * Security Module's policy, which leaves no trace we can read.  The machine's
 * settings are only read, never changed.
 *
 * The fallback runs the program as given (no line runner, no stops), in
 * its own process group, bounded by the trace's timeout, and keeps every
 * packet of the capture but the markers: in sockscope's own namespace
 * those are the program's; on the host's lo they may include other
 * programs' (said so).
 */
#include "trace/trace_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long the end waits for the killed program to be reaped. */
#define UNTRACED_REAP_MS 3000

static int read_int(const char *path, const char *key, int *v)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char line[256];
	int found = -1;
	size_t kl = key ? strlen(key) : 0;
	while (found < 0 && fgets(line, sizeof line, f))
		if (!key ? sscanf(line, "%d", v) == 1 : !strncmp(line, key, kl) && sscanf(line + kl, "%d", v) == 1)
			found = 0;
	fclose(f);
	return found;
}

void trace_ptrace_refusal(int err, char *buf, size_t n)
{
	int scope = -1, mode = 0, filters = 0;
	read_int("/proc/sys/kernel/yama/ptrace_scope", NULL, &scope);
	read_int("/proc/self/status", "Seccomp:", &mode);
	read_int("/proc/self/status", "Seccomp_filters:", &filters);
	if (scope == 3)
		snprintf(buf, n, "kernel.yama.ptrace_scope is 3: the kernel lets no process be traced until reboot");
	else if (scope == 2)
		snprintf(buf, n, "kernel.yama.ptrace_scope is 2: only a tracer with CAP_SYS_PTRACE may trace "
		                 "(sysctl kernel.yama.ptrace_scope=1 allows it for one's own children)");
	else if (mode == 2)
		snprintf(buf, n, "a seccomp filter on sockscope refuses ptrace (%d filter%s: a container's profile, "
		                 "or whatever started sockscope; Docker: --security-opt seccomp=unconfined or "
		                 "--cap-add SYS_PTRACE)",
		         filters, filters == 1 ? "" : "s");
	else
		snprintf(buf, n, "ptrace is refused (%s) by no setting sockscope can read: a security module's "
		                 "policy (AppArmor, SELinux)?%s",
		         strerror(err), scope >= 0 ? "" : " (no Yama here)");
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

int trace_untraced(struct trace_attrib *a, struct trace_text *t, char **argv, double timeout_s, bool host_lo,
                   FILE *err)
{
	if (attrib_capturing(a))
		fprintf(err, "sockscope trace: running it untraced: its packets are shown as the capture saw them, "
		             "not told apart by call%s\n",
		        host_lo ? " (all of the host's lo: other programs' packets too)" : "");
	else
		fprintf(err, "sockscope trace: running it untraced, and there is no capture: nothing can be shown\n");
	attrib_keep_all(a);
	uint32_t w = attrib_begin(a);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(err, "sockscope trace: cannot fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		execvp(argv[0], argv);
		_exit(TRACE_EXIT_NOT_FOUND);
	}
	setpgid(pid, pid);
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long limit = (long)(timeout_s * 1000);
	int status = 0;
	bool done = false, timed_out = false, stopped = false;
	/* bounded by the timeout; a signal to us (EINTR) ends it too */
	while (!done) {
		long left = limit - ms_since(&t0);
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (pfd >= 0) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };
			int r = poll(&p, 1, left > 1000 ? 1000 : (int)left);
			if (r < 0 && errno == EINTR) {
				stopped = true;
				break;
			}
		} else {
			struct timespec nap = { 0, 10 * 1000000 };   /* no pidfd (old kernel): look every 10 ms */
			nanosleep(&nap, NULL);
		}
		done = waitpid(pid, &status, WNOHANG) == pid;
	}
	if (!done) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (ms_since(&t0) < limit + UNTRACED_REAP_MS && waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (pfd >= 0)
		close(pfd);
	kill(-pid, SIGKILL);   /* what it left in its group */
	attrib_end(a, w);
	text_untraced(t, a);
	char why[256];
	if (text_write_close(t, why, sizeof why) < 0)
		fprintf(err, "sockscope trace: --write: %s\n", why);
	if (timed_out) {
		fprintf(err, "sockscope trace: the program did not finish within %g s (--timeout): ended it\n", timeout_s);
		return TRACE_EXIT_TIMEOUT;
	}
	if (stopped) {
		fprintf(err, "sockscope trace: interrupted: ended the program\n");
		return 130;
	}
	if (WIFEXITED(status)) {
		fprintf(err, "sockscope trace: the program exited with status %d\n", WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	if (WIFSIGNALED(status)) {
		fprintf(err, "sockscope trace: the program was killed by signal %d (%s)\n", WTERMSIG(status),
		        strsignal(WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}
	return 1;
}

bool trace_allowed(char *why, size_t n)
{
	int p[2];
	why[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, n, "cannot probe ptrace: %s", strerror(errno));
		return false;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, n, "cannot probe ptrace: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0) {
		int e = ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 ? errno : 0;
		if (write(p[1], &e, sizeof e) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	int e = 0;
	ssize_t k;
	do
		k = read(p[0], &e, sizeof e);
	while (k < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (k != (ssize_t)sizeof e)
		e = EPERM;   /* the child died before it could say */
	if (e)
		trace_ptrace_refusal(e, why, n);
	return e == 0;
}
