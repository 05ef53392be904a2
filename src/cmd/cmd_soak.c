/*
 * cmd_soak.c — `sockscope soak ROUNDS`: run every lesson many times in one
 * process and measure what it holds (fds, threads, children, heap): what
 * grows is a leak.
 */
#include "cmd/cmd.h"
#include "cmd/lesson_args.h"
#include "cmd/opt.h"
#include "common/clock.h"
#include "common/proc.h"
#include "text/headless.h"


#include <dirent.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Heap growth tolerated between the first round and the last: the
 * allocator keeps per-thread arenas and free lists of its own. */
#define HEAP_SLACK (256 * 1024)

struct usage {
	long fds, threads, children;
	long long heap;   /* bytes in use */
	long long rss_kib;
};

static long count_dir(const char *path)
{
	DIR *d = opendir(path);
	long n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;   /* opendir's own descriptor (for /proc/self/fd) */
}

static long long status_field(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long long v = -1;
	size_t n = strlen(name);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = atoll(line + n + 1);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

/* Processes whose parent is this one (zombies included). */
static int count_child(const char *pid, void *arg)
{
	char buf[512];
	if (proc_read(pid, "stat", buf, sizeof buf) < 0)
		return 0;
	const char *rp = strrchr(buf, ')');   /* the command name may hold spaces */
	char state;
	int ppid;
	if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && ppid == getpid())
		++*(long *)arg;
	return 0;
}

static long count_children(void)
{
	long n = 0;
	return proc_each(count_child, &n) < 0 ? -1 : n;
}

static void measure(struct usage *u)
{
	u->fds = count_dir("/proc/self/fd");
	u->threads = status_field("Threads");
	u->children = count_children();
	struct mallinfo2 mi = mallinfo2();
	u->heap = (long long)(mi.uordblks + mi.hblkhd);
	u->rss_kib = status_field("VmRSS");
}

static void print_usage(FILE *out, const char *when, const struct usage *u)
{
	fprintf(out, "%s: %ld fds, %ld threads, %ld child processes, heap in use %lld bytes, rss %lld KiB\n", when,
	        u->fds, u->threads, u->children, u->heap, u->rss_kib);
}

/* One lesson, one family, output thrown away; returns its failed runs (0 or 1). */
static int run_one(const struct lesson *l, struct capture *cap, enum capture_mode mode,
                   const struct lab_options *base, int family, FILE *sink, FILE *out)
{
	struct lab_options o = *base;
	o.family = family;
	char err[512];
	struct lab *lab = lab_open(l, cap, mode, &o, err, sizeof err);
	if (!lab) {
		fprintf(out, "  %s IPv%d: %s\n", l->id, family, err);
		return 1;
	}
	struct headless_opts h = { .check = cap != NULL };
	int rc = headless_run(lab, "soak", &h, sink);
	lab_close(lab);
	if (rc)
		fprintf(out, "  %s IPv%d: a claim did not hold or a step's packets were not all captured\n", l->id, family);
	return rc ? 1 : 0;
}

int soak_run(const struct lesson_catalog *cat, struct capture *cap, enum capture_mode mode,
             const struct lab_options *base, unsigned rounds, FILE *out)
{
	FILE *sink = fopen("/dev/null", "w");
	if (!sink) {
		fprintf(out, "cannot open /dev/null\n");
		return 1;
	}
	struct usage first = { 0 }, last = { 0 };
	unsigned failed = 0;
	int64_t t0 = clock_ms();
	fprintf(out, "soak: %u rounds of %zu lessons over IPv4 and IPv6, capture %s\n", rounds, cat->n,
	        cap ? capture_mode_name(mode) : "off (claims about packets are not checked)");
	for (unsigned r = 1; r <= rounds; r++) {
		for (size_t i = 0; i < cat->n; i++)
			for (int fam = 4; fam <= 6; fam += 2)
				failed += (unsigned)run_one(cat->lessons[i], cap, mode, base, fam, sink, out);
		measure(&last);
		if (r == 1) {
			first = last;
			print_usage(out, "after round 1", &first);
		}
		if (r % 10 == 0 || r == rounds) {
			char when[64];
			snprintf(when, sizeof when, "after round %u (%.0f s, %u failed runs)", r,
			         (double)(clock_ms() - t0) / 1e3, failed);
			print_usage(out, when, &last);
			fflush(out);
		}
	}
	fclose(sink);
	bool same = last.fds == first.fds && last.threads == first.threads && last.children == first.children &&
	            last.heap <= first.heap + HEAP_SLACK;
	fprintf(out, "fds %ld -> %ld, threads %ld -> %ld, child processes %ld -> %ld, heap %lld -> %lld bytes "
	        "(%+lld), rss %lld -> %lld KiB\n", first.fds, last.fds, first.threads, last.threads, first.children,
	        last.children, first.heap, last.heap, last.heap - first.heap, first.rss_kib, last.rss_kib);
	fprintf(out, "soak: %s; %u failed runs\n", same ? "nothing grew" : "SOMETHING GREW", failed);
	return same && failed == 0 ? 0 : 1;
}

static int soak(const struct lesson_args *a, const struct lesson_catalog *cat)
{
	long rounds;
	if (!opt_number("soak ROUNDS", a->npos ? a->pos[0] : "", 1, 100000, &rounds))
		return 2;
	enum capture_mode mode;
	char why[768];
	struct capture *cap = lesson_capture(a, &mode, why, sizeof why);
	int rc = soak_run(cat, cap, mode, &a->lopts, (unsigned)rounds, stdout);
	capture_close(cap);
	return rc;
}

int cmd_soak(int argc, char **argv)
{
	return lesson_cmd(argc, argv, soak);
}
