/*
 * lines.c — which line of the program's own source made a call.
 *
 * The thread is stopped in the kernel's syscall stop, somewhere inside libc.
 * elfutils' libdwfl unwinds its stack (CFI from .eh_frame/.debug_frame,
 * reading the stopped thread through ptrace, which we already hold): for
 * each frame from the innermost out, the module the PC is in and the line
 * table entry for it.  The first frame that has a line and whose module is
 * not a system library is the program's own code: that file:line is the
 * call's.  A return address points after the call instruction, so frames
 * other than the innermost are looked up at PC - 1 (dwfl_frame_pc says
 * which).  One Dwfl per process image, made at its first call and dropped
 * at exec or exit.
 *
 * Built without libdw (SOCKSCOPE_HAVE_LIBDW unset), lines_new says so and
 * every call is shown without a line.
 */
#include "trace/trace_priv.h"

#include <stdlib.h>
#include <string.h>

#ifdef SOCKSCOPE_HAVE_LIBDW

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <unistd.h>

#define MAX_PROCS 64
#define MAX_FRAMES 64

struct proc_dwfl {
	pid_t tgid;
	Dwfl *dwfl;
	bool nodebug_said;
	bool failed;
};

struct trace_lines {
	Dwfl_Callbacks cb;
	char *debuginfo_path;
	struct proc_dwfl procs[MAX_PROCS];
};

struct trace_lines *lines_new(char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	struct trace_lines *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->cb.find_elf = dwfl_linux_proc_find_elf;
	l->cb.find_debuginfo = dwfl_standard_find_debuginfo;
	l->cb.debuginfo_path = &l->debuginfo_path;
	return l;
}

static void drop(struct proc_dwfl *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	memset(p, 0, sizeof *p);
}

void lines_forget(struct trace_lines *l, pid_t tgid)
{
	if (!l)
		return;
	for (int i = 0; i < MAX_PROCS; i++)
		if (l->procs[i].tgid == tgid)
			drop(&l->procs[i]);
}

void lines_free(struct trace_lines *l)
{
	if (!l)
		return;
	for (int i = 0; i < MAX_PROCS; i++)
		drop(&l->procs[i]);
	free(l);
}

static struct proc_dwfl *proc(struct trace_lines *l, pid_t tgid)
{
	struct proc_dwfl *free_slot = NULL;
	for (int i = 0; i < MAX_PROCS; i++) {
		if (l->procs[i].tgid == tgid)
			return &l->procs[i];
		if (!l->procs[i].tgid && !free_slot)
			free_slot = &l->procs[i];
	}
	if (!free_slot)
		return NULL;
	free_slot->tgid = tgid;
	Dwfl *d = dwfl_begin(&l->cb);
	if (!d) {
		free_slot->failed = true;
		return free_slot;
	}
	/* The modules as mapped now; the thread is ours and stopped already. */
	if (dwfl_linux_proc_report(d, tgid) != 0 || dwfl_report_end(d, NULL, NULL) != 0 ||
	    dwfl_linux_proc_attach(d, tgid, true) != 0) {
		dwfl_end(d);
		free_slot->failed = true;
		return free_slot;
	}
	free_slot->dwfl = d;
	return free_slot;
}

/* A library of the system, not the program's own code. */
static bool system_module(const char *path)
{
	static const char *const dirs[] = { "/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/libexec/" };
	if (!path || path[0] != '/')
		return true;   /* [vdso], [vsyscall] */
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

struct walk {
	Dwfl *dwfl;
	char *buf;
	size_t n;
	int frames;
	bool any_own;   /* a frame in the program's own module, with or without a line */
};

static int on_frame(Dwfl_Frame *f, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;
	if (++w->frames > MAX_FRAMES || !dwfl_frame_pc(f, &pc, &activation))
		return DWARF_CB_ABORT;
	Dwarf_Addr at = activation ? pc : pc - 1;
	Dwfl_Module *m = dwfl_addrmodule(w->dwfl, at);
	if (!m)
		return DWARF_CB_OK;
	const char *path = NULL;
	dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &path, NULL);
	if (system_module(path))
		return DWARF_CB_OK;
	w->any_own = true;
	Dwfl_Line *line = dwfl_module_getsrc(m, at);
	int lineno = 0;
	const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	if (!file || lineno <= 0)
		return DWARF_CB_OK;
	const char *base = strrchr(file, '/');
	snprintf(w->buf, w->n, "%s:%d", base ? base + 1 : file, lineno);
	return DWARF_CB_ABORT;
}

void lines_where(struct trace_lines *l, pid_t tgid, pid_t tid, char *buf, size_t n, bool *nodebug)
{
	buf[0] = '\0';
	*nodebug = false;
	if (!l)
		return;
	struct proc_dwfl *p = proc(l, tgid);
	if (!p || p->failed)
		return;
	struct walk w = { .dwfl = p->dwfl, .buf = buf, .n = n };
	dwfl_getthread_frames(p->dwfl, tid, on_frame, &w);
	if (!buf[0] && !p->nodebug_said) {
		p->nodebug_said = true;
		*nodebug = true;
	}
}

#else /* no libdw */

struct trace_lines {
	int unused;
};

struct trace_lines *lines_new(char *why, size_t whylen)
{
	snprintf(why, whylen, "this sockscope was built without libdw (elfutils): calls are shown without source lines");
	return NULL;
}

void lines_where(struct trace_lines *l, pid_t tgid, pid_t tid, char *buf, size_t n, bool *nodebug)
{
	(void)l;
	(void)tgid;
	(void)tid;
	buf[0] = '\0';
	*nodebug = false;
	(void)n;
}

void lines_forget(struct trace_lines *l, pid_t tgid)
{
	(void)l;
	(void)tgid;
}

void lines_free(struct trace_lines *l) { (void)l; }

#endif
