/*
 * linestep.c — line by line: --lines' breakpoints on the program's own C
 * (the DWARF line table, lines.c) and the blocks of lines, C or Python.
 *
 * At each exec, before the new image runs, every is_stmt row of the
 * program's own files gets an int3 (lines.c keeps the table and the bytes
 * they replaced).  A hit begins that line on that thread: the PC is set
 * back, the byte put back, the thread single-stepped, the int3 put again.
 * A line that made no call before the next began is "nothing on the wire":
 * only a call puts packets on the wire, so this needs no marker.  A line
 * run more than LINE_SHOWN_RUNS times is shown only when it makes a call,
 * the runs not shown said in one line, so a hot loop prints a few blocks
 * (TRACE_TO_LINE's line excepted: a face stepping to it stops at each run).
 * Python's runner reports its lines through calls.c, which begins them
 * here the same way.
 */
#include "trace/trace_engine.h"
#include "common/mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <unistd.h>

static struct trace_bps **image_slot(struct tracer *tr, pid_t tgid, bool make)
{
	for (size_t i = 0; i < sizeof tr->img / sizeof tr->img[0]; i++)
		if (tr->img[i].b && tr->img[i].tgid == tgid)
			return &tr->img[i].b;
	if (!make)
		return NULL;
	for (size_t i = 0; i < sizeof tr->img / sizeof tr->img[0]; i++)
		if (!tr->img[i].b) {
			tr->img[i].tgid = tgid;
			return &tr->img[i].b;
		}
	return NULL;
}

static struct trace_bps *image_of(struct tracer *tr, pid_t tgid)
{
	struct trace_bps **b = image_slot(tr, tgid, false);
	return b ? *b : NULL;
}

static void image_drop(struct tracer *tr, pid_t tgid)
{
	struct trace_bps **b = image_slot(tr, tgid, false);
	if (b) {
		lines_bps_free(*b);
		*b = NULL;
	}
}

/* Line n of a source file, its indentation dropped, "" when unreadable. */
void linestep_source(struct tracer *tr, const char *path, int n, char *buf, size_t len)
{
	buf[0] = '\0';
	int k = -1;
	for (int i = 0; i < 8; i++)
		if (tr->src[i].path && !strcmp(tr->src[i].path, path))
			k = i;
	if (k < 0) {
		k = tr->src_next;
		tr->src_next = (tr->src_next + 1) % 8;
		free(tr->src[k].path);
		free(tr->src[k].data);
		memset(&tr->src[k], 0, sizeof tr->src[k]);
		tr->src[k].path = xstrdup(path);
		FILE *f = fopen(path, "re");
		struct stat st;
		if (f && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
			/* a source file, not a log: its first 4 MB */
			size_t want = st.st_size < (4 << 20) ? (size_t)st.st_size : (size_t)4 << 20;
			tr->src[k].data = xmalloc(want ? want : 1);
			if (tr->src[k].data)
				tr->src[k].len = fread(tr->src[k].data, 1, want, f);
		}
		if (f)
			fclose(f);
	}
	const char *p = tr->src[k].data, *end = p + tr->src[k].len;
	if (!p)
		return;
	for (int i = 1; i < n && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	size_t m = 0;
	while (p + m < end && p[m] != '\n' && p[m] != '\r')
		m++;
	if (m > 160)
		snprintf(buf, len, "%.157s...", p);
	else
		snprintf(buf, len, "%.*s", (int)m, p);
}

static unsigned count_run(struct tracer *tr, const char *path, int line)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *p = path; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	h = (h ^ (uint64_t)line) * 1099511628211ull;
	h |= 1;   /* 0 is a free slot */
	size_t n = sizeof tr->runs / sizeof tr->runs[0];
	for (size_t i = 0, j = h % n; i < n; i++, j = (j + 1) % n) {
		if (tr->runs[j].key == h)
			return ++tr->runs[j].runs;
		if (!tr->runs[j].key) {
			tr->runs[j].key = h;
			return tr->runs[j].runs = 1;
		}
	}
	return LINE_SHOWN_RUNS + 1;   /* a program of more lines than this: collapsed */
}

/* The lines that ran unshown since the last heading, said once. */
void linestep_flush_hidden(struct tracer *tr, struct tracee *e)
{
	struct line_state *l = &e->ln;
	if (!l->hidden)
		return;
	char list[128] = "";
	for (int i = 0; i < l->nhidden_lines; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", i ? ", " : "", l->hidden_lines[i]);
	trace_emit_note(tr, e->tid, true, "(%u more run%s of line%s %s%s, each shown %d times already: nothing on the wire)",
	           l->hidden, l->hidden == 1 ? "" : "s", l->nhidden_lines == 1 ? "" : "s", list,
	           l->nhidden_lines == (int)(sizeof l->hidden_lines / sizeof l->hidden_lines[0]) ? ", ..." : "",
	           LINE_SHOWN_RUNS);
	l->hidden = 0;
	l->nhidden_lines = 0;
}

static void line_show(struct tracer *tr, struct tracee *e)
{
	struct line_state *l = &e->ln;
	linestep_flush_hidden(tr, e);
	char src[192], suffix[64] = "";
	linestep_source(tr, l->path, l->line, src, sizeof src);
	if (l->cont)
		snprintf(suffix, sizeof suffix, "(back in it after a return)");
	else if (l->runs > LINE_SHOWN_RUNS)
		snprintf(suffix, sizeof suffix, "(run %u)", l->runs);
	trace_emit_line(tr, e, src, suffix);
	l->shown = true;
}

/* The thread's line is over (another begins, or the thread ends). */
void linestep_close(struct tracer *tr, struct tracee *e)
{
	struct line_state *l = &e->ln;
	if (!l->open)
		return;
	l->open = false;
	if (l->shown && !l->calls) {
		trace_emit_note(tr, e->tid, true, "(nothing on the wire)");
	} else if (!l->shown && !l->cont) {
		l->hidden++;
		bool known = false;
		for (int i = 0; i < l->nhidden_lines; i++)
			known |= l->hidden_lines[i] == l->line;
		if (!known && l->nhidden_lines < (int)(sizeof l->hidden_lines / sizeof l->hidden_lines[0]))
			l->hidden_lines[l->nhidden_lines++] = l->line;
	}
}

/* A line of the program's own begins on thread e (a breakpoint, or the
 * Python runner's report). */
void linestep_begin(struct tracer *tr, struct tracee *e, const char *path, int line, bool cont)
{
	struct line_state *l = &e->ln;
	/* One statement may have several rows (its call, then the test of
	 * what it returned): the same line again at once is the same run, as
	 * a debugger's "next" sees it. */
	if (l->open && l->line == line && !strcmp(l->path, path))
		return;
	linestep_close(tr, e);
	const char *base = strrchr(path, '/');
	snprintf(l->where, sizeof l->where, "%s:%d", base ? base + 1 : path, line);
	snprintf(l->path, sizeof l->path, "%s", path);
	l->line = line;
	l->calls = 0;
	l->cont = cont;
	l->open = true;
	l->shown = false;
	/* back after a return: shown only if a call follows there */
	l->runs = cont ? 0 : count_run(tr, path, line);
	/* A face running to this line stops at every run of it: that run's
	 * heading is made, collapsed or not. */
	if (!cont && (l->runs <= LINE_SHOWN_RUNS || line == tr->want_line))
		line_show(tr, e);
}

/* A call on thread e: under its line's heading, printed first if the
 * line was collapsed. */
void linestep_call(struct tracer *tr, struct tracee *e, struct trace_call *c)
{
	if (!tr->step_lines || !e->ln.open)
		return;
	if (!e->ln.shown)
		line_show(tr, e);
	e->ln.calls++;
	c->under_line = true;
}

/* A SIGTRAP: one of the int3s of --lines (or the single step over one)? */
bool linestep_trap(struct tracer *tr, struct tracee *e)
{
#if defined(__x86_64__)
	struct trace_bps *b = image_of(tr, e->tgid);
	if (!b)
		return false;
	siginfo_t si;
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETSIGINFO, e->tid, NULL, &si) < 0 || ptrace(PTRACE_GETREGS, e->tid, NULL, &r) < 0)
		return false;
	if (e->step_addr && si.si_code == TRAP_TRACE) {
		lines_bps_put(b, e->tid, e->step_addr);
		e->step_addr = 0;
		tracee_resume(e->tid, PTRACE_CONT, 0);
		return true;
	}
	const char *path;
	int line;
	uint64_t at = r.rip - 1;   /* after an int3 the PC is past it */
	if (si.si_code != SI_KERNEL || !lines_bps_hit(b, at, &path, &line))
		return false;
	r.rip = at;
	if (ptrace(PTRACE_SETREGS, e->tid, NULL, &r) < 0 || lines_bps_lift(b, e->tid, at) < 0)
		return false;
	/* Other threads of the process run on meanwhile and may pass this
	 * one line unseen while its byte is back: a line missed, never a
	 * wrong one. */
	e->step_addr = at;
	linestep_begin(tr, e, path, line, false);
	tracee_resume(e->tid, PTRACE_SINGLESTEP, 0);
	return true;
#else
	(void)tr;
	(void)e;
	return false;
#endif
}

/* A program image starts (exec): its breakpoints, before it runs. */
void linestep_exec(struct tracer *tr, struct tracee *e)
{
	image_drop(tr, e->tgid);
	e->step_addr = 0;
	char why[256], exe[4096] = "?", path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)e->tid);
	ssize_t k = readlink(path, exe, sizeof exe - 1);
	exe[k > 0 ? k : 1] = '\0';
	/* An interpreter's own C is not the program's lines: the script's
	 * are (Python's runner reports them). */
	if (pyrun_is_python(exe))
		return;
	struct trace_bps *b = lines_bps_new(tr->lines, e->tgid, e->tid, why, sizeof why);
	struct trace_bps **slot = b ? image_slot(tr, e->tgid, true) : NULL;
	if (b && !slot) {
		lines_bps_free(b);
		b = NULL;
	}
	if (slot)
		*slot = b;
	if (b) {
		fprintf(tr->err, "sockscope trace: --lines: %zu line-table rows of %s's own code are stepped%s%s\n",
		        lines_bps_count(b), exe, why[0] ? "; " : "", why);
		tr->lines_said = true;
	}
}

void linestep_fork(struct tracer *tr, pid_t parent_tgid, pid_t ctgid)
{
	struct trace_bps *pb = image_of(tr, parent_tgid);
	if (pb && ctgid != parent_tgid && !image_of(tr, ctgid)) {
		struct trace_bps **slot = image_slot(tr, ctgid, true);
		if (slot)
			*slot = lines_bps_fork(pb);
	}
}

bool linestep_has_image(struct tracer *tr, pid_t tgid) { return image_of(tr, tgid) != NULL; }

void linestep_drop(struct tracer *tr, pid_t tgid) { image_drop(tr, tgid); }

void linestep_free(struct tracer *tr)
{
	for (size_t i = 0; i < sizeof tr->img / sizeof tr->img[0]; i++) {
		lines_bps_free(tr->img[i].b);
		tr->img[i].b = NULL;
	}
	for (int i = 0; i < 8; i++) {
		free(tr->src[i].path);
		free(tr->src[i].data);
		tr->src[i].path = tr->src[i].data = NULL;
	}
}
