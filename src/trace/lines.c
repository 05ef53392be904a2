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
 * --lines (lines_bps_*): at a program's exec, before it runs, the line
 * table of its own modules (is_stmt rows of files that are not the
 * system's headers) gives one address per row that begins a statement;
 * an int3 goes on each (PTRACE_POKETEXT, the byte it replaces kept).  A
 * hit tells trace.c which line begins; it puts the byte back, steps the
 * thread over it and puts the int3 again.  A forked child has the same
 * bytes in its copy of memory: it gets a copy of the table.
 *
 * Built without libdw (SOCKSCOPE_HAVE_LIBDW unset), lines_new says so and
 * every call is shown without a line.
 */
#include "trace/trace_priv.h"
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>

#ifdef SOCKSCOPE_HAVE_LIBDW

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <sys/ptrace.h>
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
	struct trace_lines *l = xcalloc(1, sizeof *l);
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
	char *path;     /* the file's full path, when asked (NULL) */
	size_t pathlen;
	int line;
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
	if (w->path)
		snprintf(w->path, w->pathlen, "%s", file);
	w->line = lineno;
	return DWARF_CB_ABORT;
}

void lines_where(struct trace_lines *l, pid_t tgid, pid_t tid, char *buf, size_t n, bool *nodebug)
{
	lines_locate(l, tgid, tid, buf, n, NULL, 0, NULL, nodebug);
}

void lines_locate(struct trace_lines *l, pid_t tgid, pid_t tid, char *buf, size_t n, char *path, size_t pathlen,
                  int *line, bool *nodebug)
{
	buf[0] = '\0';
	if (path)
		path[0] = '\0';
	if (line)
		*line = 0;
	*nodebug = false;
	if (!l)
		return;
	struct proc_dwfl *p = proc(l, tgid);
	if (!p || p->failed)
		return;
	struct walk w = { .dwfl = p->dwfl, .buf = buf, .n = n, .path = path, .pathlen = pathlen };
	dwfl_getthread_frames(p->dwfl, tid, on_frame, &w);
	if (line)
		*line = w.line;
	if (!buf[0] && !p->nodebug_said) {
		p->nodebug_said = true;
		*nodebug = true;
	}
}

/* ---- breakpoints on every line (--lines) ---- */

#define MAX_BPS 200000   /* a bound on what one image gets: a big program is stepped in part */
#define INT3 0xCC

struct bp {
	uint64_t addr;
	uint32_t file;    /* index in files */
	int line;
	uint8_t orig;     /* the byte the int3 replaced */
};

struct trace_bps {
	struct bp *bp;    /* sorted by addr */
	size_t n, cap;
	char **files;     /* owned */
	size_t nfiles;
};

static uint32_t file_index(struct trace_bps *b, const char *path)
{
	/* a CU names few files; the last one is asked again and again */
	for (size_t i = b->nfiles; i-- > 0;)
		if (!strcmp(b->files[i], path))
			return (uint32_t)i;
	char **f = xrealloc(b->files, (b->nfiles + 1) * sizeof *f);
	b->files = f;
	if (!(f[b->nfiles] = xstrdup(path)))
		return UINT32_MAX;
	return (uint32_t)b->nfiles++;
}

static int cmp_bp(const void *x, const void *y)
{
	const struct bp *a = x, *b = y;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

struct scan {
	struct trace_bps *b;
};

static int scan_module(Dwfl_Module *m, void **ud, const char *name, Dwarf_Addr start, void *arg)
{
	(void)ud;
	(void)start;
	struct scan *sc = arg;
	const char *path = NULL;
	dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &path, NULL);
	/* the file is known once its ELF was opened; its name is the path
	 * /proc/PID/maps gives */
	const char *mod = path ? path : name;
	/* nor a system program's own, should its debug info be installed */
	if (system_module(mod) || !strncmp(mod, "/usr/", 5) || !strncmp(mod, "/bin/", 5) || !strncmp(mod, "/sbin/", 6))
		return DWARF_CB_OK;
	Dwarf_Addr bias;
	for (Dwarf_Die *cu = NULL; (cu = dwfl_module_nextcu(m, cu, &bias));) {
		size_t nl = 0;
		if (dwfl_getsrclines(cu, &nl) != 0)
			continue;
		for (size_t i = 0; i < nl; i++) {
			Dwfl_Line *l = dwfl_onesrcline(cu, i);
			Dwarf_Addr addr, b2;
			int lineno = 0;
			const char *file = l ? dwfl_lineinfo(l, &addr, &lineno, NULL, NULL, NULL) : NULL;
			Dwarf_Line *dl = l ? dwfl_dwarf_line(l, &b2) : NULL;
			bool stmt = false, end = true;
			if (!file || lineno <= 0 || !dl || dwarf_linebeginstatement(dl, &stmt) || dwarf_lineendsequence(dl, &end))
				continue;
			/* the system's headers (inline functions of libc's) are not the program's lines */
			if (!stmt || end || !strncmp(file, "/usr/", 5))
				continue;
			struct trace_bps *b = sc->b;
			if (b->n == MAX_BPS)
				return DWARF_CB_ABORT;
			if (b->n == b->cap) {
				size_t cap = b->cap ? 2 * b->cap : 256;
				struct bp *nb = xrealloc(b->bp, cap * sizeof *nb);
				b->bp = nb;
				b->cap = cap;
			}
			uint32_t fi = file_index(b, file);
			if (fi == UINT32_MAX)
				return DWARF_CB_ABORT;
			b->bp[b->n++] = (struct bp){ .addr = addr, .file = fi, .line = lineno };
		}
	}
	return DWARF_CB_OK;
}

/* Write byte v at addr of tid (the word around it read and written back),
 * giving the byte it replaced. */
static int poke_byte(pid_t tid, uint64_t addr, uint8_t v, uint8_t *was)
{
	errno = 0;
	long w = ptrace(PTRACE_PEEKTEXT, tid, (void *)(uintptr_t)addr, NULL);
	if (errno)
		return -1;
	uint8_t bytes[sizeof w];
	memcpy(bytes, &w, sizeof w);
	if (was)
		*was = bytes[0];
	bytes[0] = v;
	memcpy(&w, bytes, sizeof w);
	return (int)ptrace(PTRACE_POKETEXT, tid, (void *)(uintptr_t)addr, (void *)w);
}

struct trace_bps *lines_bps_new(struct trace_lines *l, pid_t tgid, pid_t tid, char *why, size_t whylen)
{
	why[0] = '\0';
	if (!l)
		return NULL;
	Dwfl *d = dwfl_begin(&l->cb);
	if (!d)
		return NULL;
	struct trace_bps *b = xcalloc(1, sizeof *b);
	/* At exec only the program and its loader are mapped: its own code is. */
	struct scan sc = { .b = b };
	if (dwfl_linux_proc_report(d, tgid) == 0 && dwfl_report_end(d, NULL, NULL) == 0)
		dwfl_getmodules(d, scan_module, &sc, 0);
	dwfl_end(d);
	if (b->n == MAX_BPS)
		snprintf(why, whylen, "only the first %d line table rows get a breakpoint", MAX_BPS);
	if (b->n)   /* qsort with NULL and 0 is undefined */
		qsort(b->bp, b->n, sizeof *b->bp, cmp_bp);
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++) {
		/* one int3 an address (a row repeated), the first row's line */
		if (k && b->bp[k - 1].addr == b->bp[i].addr)
			continue;
		if (poke_byte(tid, b->bp[i].addr, INT3, &b->bp[i].orig) < 0)
			continue;
		b->bp[k++] = b->bp[i];
	}
	b->n = k;
	if (!b->n) {
		lines_bps_free(b);
		return NULL;
	}
	return b;
}

struct trace_bps *lines_bps_fork(struct trace_bps *b)
{
	struct trace_bps *c = xcalloc(1, sizeof *c);
	c->bp = xmalloc(b->n * sizeof *c->bp);
	memcpy(c->bp, b->bp, b->n * sizeof *c->bp);
	c->n = c->cap = b->n;
	/* the file names are the parent's: the parent's table outlives ours
	 * only by chance, so they are copied */
	c->files = xcalloc(b->nfiles ? b->nfiles : 1, sizeof *c->files);
	for (size_t i = 0; i < b->nfiles; i++) {
		if (!(c->files[i] = xstrdup(b->files[i]))) {
			lines_bps_free(c);
			return NULL;
		}
		c->nfiles++;
	}
	return c;
}

void lines_bps_free(struct trace_bps *b)
{
	if (!b)
		return;
	mem_free_array(b->files, b->nfiles);
	free(b->bp);
	free(b);
}

size_t lines_bps_count(const struct trace_bps *b) { return b ? b->n : 0; }

static struct bp *bp_find(struct trace_bps *b, uint64_t addr)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->bp[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->n && b->bp[lo].addr == addr ? &b->bp[lo] : NULL;
}

bool lines_bps_hit(struct trace_bps *b, uint64_t addr, const char **path, int *line)
{
	struct bp *p = b ? bp_find(b, addr) : NULL;
	if (!p)
		return false;
	*path = b->files[p->file];
	*line = p->line;
	return true;
}

int lines_bps_lift(struct trace_bps *b, pid_t tid, uint64_t addr)
{
	struct bp *p = bp_find(b, addr);
	return p ? poke_byte(tid, addr, p->orig, NULL) : -1;
}

int lines_bps_put(struct trace_bps *b, pid_t tid, uint64_t addr)
{
	struct bp *p = bp_find(b, addr);
	return p ? poke_byte(tid, addr, INT3, NULL) : -1;
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

void lines_locate(struct trace_lines *l, pid_t tgid, pid_t tid, char *buf, size_t n, char *path, size_t pathlen,
                  int *line, bool *nodebug)
{
	(void)pathlen;
	if (path)
		path[0] = '\0';
	if (line)
		*line = 0;
	lines_where(l, tgid, tid, buf, n, nodebug);
}

void lines_forget(struct trace_lines *l, pid_t tgid)
{
	(void)l;
	(void)tgid;
}

void lines_free(struct trace_lines *l) { (void)l; }

struct trace_bps *lines_bps_new(struct trace_lines *l, pid_t tgid, pid_t tid, char *why, size_t whylen)
{
	(void)l;
	(void)tgid;
	(void)tid;
	snprintf(why, whylen, "built without libdw");
	return NULL;
}

struct trace_bps *lines_bps_fork(struct trace_bps *b)
{
	(void)b;
	return NULL;
}

void lines_bps_free(struct trace_bps *b) { (void)b; }
size_t lines_bps_count(const struct trace_bps *b)
{
	(void)b;
	return 0;
}

bool lines_bps_hit(struct trace_bps *b, uint64_t addr, const char **path, int *line)
{
	(void)b;
	(void)addr;
	(void)path;
	(void)line;
	return false;
}

int lines_bps_lift(struct trace_bps *b, pid_t tid, uint64_t addr)
{
	(void)b;
	(void)tid;
	(void)addr;
	return -1;
}

int lines_bps_put(struct trace_bps *b, pid_t tid, uint64_t addr)
{
	(void)b;
	(void)tid;
	(void)addr;
	return -1;
}

#endif
