/*
 * spawn.c — forking a program under the tracer.
 *
 * The tracer seizes the child (PTRACE_SEIZE, with its options: EXITKILL,
 * follow fork, vfork, clone and exec, seccomp events) while the child
 * waits on a pipe for it; the child then installs a seccomp filter that returns
 * SECCOMP_RET_TRACE for the calls of syscalls.c's table and
 * SECCOMP_RET_ALLOW for every other, and execs the program.  So the
 * program runs at full speed except at those calls.  The filter is
 * inherited by every child and survives exec.  The thread that forks is
 * the tracer: every later ptrace request must come from it (trace.h).
 * Seized, not PTRACE_TRACEME: a seized tracee's group-stops are told from
 * signals (PTRACE_EVENT_STOP).  The hold of calls.c (one call on the wire
 * at a time) needs no PTRACE_INTERRUPT: a tracee is held at the stop of
 * its next call, the first thing it does that could send a packet.
 */
#include "trace/trace_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)
#define TRACE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TRACE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "sockscope trace knows the seccomp architecture of x86_64 and aarch64 only"
#endif

static int install_filter(void)
{
	long nrs[64];
	size_t n = trace_sysc_numbers(nrs, 64);
	struct sock_filter f[3 + 2 * 64 + 2];
	size_t k = 0;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	/* another architecture's calls (a 32-bit int 0x80) are let through */
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRACE_AUDIT_ARCH, 1, 0);
	size_t allow_from_arch = k++;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[i], 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	}
	f[allow_from_arch] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = (unsigned short)k, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	/* prctl, not seccomp(2): the same filter, and valgrind, which does not
	 * emulate seccomp(2), lets prctl through (tests/e2e_trace_valgrind.sh) */
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* In the child: never returns.  Failures go to the parent through the
 * close-on-exec pipe as an errno and a stage. */
static void child(char **argv, char **envp, int line_fd, int report, int go, const char *output, int out_fd)
{
	setpgid(0, 0);
	if (!output && out_fd > 0) {
		/* the caller keeps what it prints; nothing to read from */
		int in = open("/dev/null", O_RDONLY);
		if (in >= 0 && in != 0) {
			dup2(in, 0);
			close(in);
		}
		if (out_fd != 1)
			dup2(out_fd, 1);
	} else if (output) {
		/* a screen owns the terminal: the program's text goes to a file */
		int in = open("/dev/null", O_RDONLY), out = open(output, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (in >= 0)
			dup2(in, 0);
		if (out >= 0) {
			dup2(out, 1);
			dup2(out, 2);
		}
		if (in > 2)
			close(in);
		if (out > 2)
			close(out);
	}
	if (line_fd >= 0)
		fcntl(line_fd, F_SETFD, 0);   /* the runner's, across exec */
	/* The tracer seizes us meanwhile; a byte means it has (end of file:
	 * it could not, and kills us). */
	char b;
	ssize_t k;
	do
		k = read(go, &b, 1);
	while (k < 0 && errno == EINTR);
	if (k != 1)
		_exit(126);
	close(go);
	if (install_filter() < 0) {
		int e[2] = { errno, 2 };
		if (write(report, e, sizeof e) < 0)
			_exit(126);
		_exit(126);
	}
	execvpe(argv[0], argv, envp);
	int e[2] = { errno, 3 };
	if (write(report, e, sizeof e) < 0)
		_exit(TRACE_EXIT_NOT_FOUND);
	_exit(TRACE_EXIT_NOT_FOUND);
}

/* Is the program there and runnable?  As execvp looks it up, so that "not
 * found" is said before anything starts. */
bool spawn_findable(const char *prog, char *found, size_t foundn, char *why, size_t n)
{
	snprintf(found, foundn, "%s", prog);
	if (strchr(prog, '/')) {
		if (access(prog, X_OK) == 0)
			return true;
		snprintf(why, n, "cannot run '%s': %s", prog, strerror(errno));
		return false;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");
		char full[4096];
		snprintf(full, sizeof full, "%.*s%s%s", (int)len, p, len ? "/" : "", prog);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) {
			snprintf(found, foundn, "%s", full);
			return true;
		}
		p += len;
		if (*p == ':')
			p++;
	}
	snprintf(why, n, "'%s' was not found in PATH", prog);
	return false;
}

const char *spawn_signame(int sig)
{
	const char *s = sigabbrev_np(sig);
	static _Thread_local char buf[32];
	snprintf(buf, sizeof buf, "SIG%s", s ? s : "?");
	return buf;
}

/* Fork argv under the tracer: seize the child, then let it go on to its
 * exec.  The pid, or -1 having said why (-2: ptrace is refused); *report
 * is the close-on-exec pipe the child writes an exec failure to. */
pid_t spawn_program(struct tracer *tr, char **argv, int *report)
{
	int pipefd[2], go[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fprintf(tr->err, "sockscope trace: %s\n", strerror(errno));
		return -1;
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		fprintf(tr->err, "sockscope trace: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(tr->err, "sockscope trace: cannot fork: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (pid == 0) {
		close(pipefd[0]);
		close(go[1]);
		child(argv, tr->envp_run, tr->line_fd, pipefd[1], go[0], tr->o->output, tr->o->out_fd);
	}
	close(pipefd[1]);
	close(go[0]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);   /* read once at the end, whatever became of the child */
	*report = pipefd[0];
	setpgid(pid, pid);   /* also here, so that killing the group cannot miss it */

	long opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	            PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP;
	int rc = 0;
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)opts) < 0) {
		int err = errno;
		if (err == EPERM || err == EACCES) {
			/* which setting refuses it (untraced.c) */
			char why[512];
			trace_ptrace_refusal(err, why, sizeof why);
			fprintf(tr->err, "sockscope trace: the program cannot be traced: %s\n", why);
			rc = -2;
		} else {
			fprintf(tr->err, "sockscope trace: ptrace refused to trace the program: %s\n", strerror(err));
			rc = -1;
		}
	}
	if (rc == 0 && write(go[1], "g", 1) != 1)
		rc = -1;
	close(go[1]);
	if (rc < 0) {
		int status;
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
			;
		return rc;
	}
	struct tracee *first = tracee_add(tr, pid);
	if (first)
		first->started = true;   /* seized: no stop to begin with */
	return pid;
}
