/*
 * proc.h — a shell command run in a process group of its own, and stopped
 * with all it started.
 *
 * The command (a learner's program, `inspect -i --exec`) may start others
 * in the background; putting it in its own group lets one signal reach
 * them all, so none is left running after sockscope is done with it.
 * Also where this process's own binary lies, which tells a build tree from
 * an installed prefix when the lessons and other files are looked for.
 */
#ifndef SOCKSCOPE_PROC_H
#define SOCKSCOPE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* For proc_spawn's fds: /dev/null; keep ours. */
enum { PROC_NULL = -2, PROC_KEEP = -1 };

/* Start `sh -c cmd` as the leader of a new process group, stdin from
 * /dev/null, stdout to out_fd and stderr to err_fd (or PROC_NULL /
 * PROC_KEEP), with env's "NAME=value" strings (NULL-ended, or NULL) added
 * to its environment.  The pid, or -1 (errno) when fork fails. */
pid_t proc_spawn(const char *cmd, int out_fd, int err_fd, const char *const env[]);

/* How long a stopped command has between TERM and KILL (see proc.c). */
enum { PROC_GRACE_MS = 500 };

/* Stop pid's group: TERM, PROC_GRACE_MS for pid to exit, then KILL for
 * whatever of the group is left.  Reaps pid; returns its wait status. */
int proc_stop(pid_t pid);

/* The directory of the running binary (from /proc/self/exe) into out: 0,
 * or -1 when the kernel does not say or it does not fit. */
int proc_exe_dir(char *out, size_t n);

/* Call fn(pid, arg) for every process /proc lists (pid: its directory's
 * name) until fn returns non-zero.  That value, 0 when all were seen, or
 * -1 when /proc cannot be read. */
int proc_each(int (*fn)(const char *pid, void *arg), void *arg);

/* /proc/PID/FILE's first n-1 bytes, NUL-ended, into buf: how many were
 * read, or -1 (the process is gone, or the file cannot be read). */
long proc_read(const char *pid, const char *file, char *buf, size_t n);

/* The first executable NAME in $PATH's directories, its path into found
 * (may be NULL): false when there is none. */
bool proc_on_path(const char *name, char *found, size_t n);

#endif
