/*
 * cmd_inspect.c — the headless face of inspection mode: the packet list,
 * one packet's fields and bytes, a followed stream, the conversations, a
 * ladder, and saving, all from src/inspect/ and src/render/textfmt.c, which
 * the inspection screens use too.  With -i, the same on a live capture
 * (src/inspect/live.c): lines are printed as packets arrive, until a count,
 * a duration, the end of an --exec command or Ctrl-C.
 */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "common/clock.h"
#include "common/mem.h"
#include "common/proc.h"
#include "common/strbuf.h"

#include "capfile/capfile.h"
#include "inspect/conn.h"
#include "inspect/live.h"
#include "inspect/convs.h"
#include "inspect/print.h"
#include "inspect/save.h"
#include "inspect/stream.h"
#include "inspect/view.h"
#include "render/ladder.h"
#include "render/textfmt.h"
#include "tui/tui.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: sockscope inspect FILE [options]     a pcap or pcapng file\n"
	        "       sockscope inspect -i IFACE [options] a live capture (lo: the loopback)\n"
	        "  --print                 one line per packet (the default when not on a terminal;\n"
	        "                          on a terminal, without options: the inspection screen)\n"
	        "  -f, --filter EXPR       only packets matching a tcpdump filter expression\n"
	        "  -s, --search TEXT       only packets whose summary contains TEXT (on the\n"
	        "                          screen: the first line that contains it is selected)\n"
	        "  --time abs|rel|delta    time column: time of day, since the first packet,\n"
	        "                          since the previous line (default rel)\n"
	        "  --detail N              packet N's fields and bytes\n"
	        "  --follow N              the TCP stream or UDP flow of packet N as text\n"
	        "  --conversations         who talked to whom, how much, how long\n"
	        "  --ladder N              the TCP connection of packet N as a ladder diagram\n"
	        "  --width W               width of the ladder (default 100)\n"
	        "  -j, --jobs N            --print with N threads (1-64), the same lines in the same\n"
	        "                          order; default: one a CPU when the file has more than\n"
	        "                          100,000 packets, else 1\n"
	        "  --write OUT             save the packets shown (all, or the filtered ones) as pcap\n"
	        "  --marked LIST           with --write: only these packets (1,3,5-7)\n"
	        "live capture (-i):\n"
	        "  -i, --interface IFACE   capture on IFACE; -f is then the kernel's capture filter.\n"
	        "                          Without privilege, lo is the loopback of a namespace of\n"
	        "                          sockscope's own, where only --exec's programs are seen\n"
	        "  -c, --count N           stop after N packets\n"
	        "  --duration SECONDS      stop after SECONDS\n"
	        "  --exec CMD              run CMD (sh -c) once the capture runs; stop when it ends\n"
	        "  --capture MODE          auto (default), host or namespace\n"
	        "  The other options act on what was captured, once the capture stopped.\n");
}

/* ------------------------------------------------------------ live */

struct live_opts {
	const char *iface, *exec;
	uint64_t count;
	double duration;
	enum capture_want want;
};

static volatile sig_atomic_t live_signal;

static void on_live_signal(int sig)
{
	live_signal = sig;
}

/* sh -c CMD in a process group of its own (so that stopping it stops what
 * it started), its output to our stderr (stdout is the packet lines) or
 * nowhere. */
static pid_t spawn(const char *cmd, bool quiet)
{
	return quiet ? proc_spawn(cmd, PROC_NULL, PROC_NULL, NULL) : proc_spawn(cmd, STDERR_FILENO, PROC_KEEP, NULL);
}

/* Stop the --exec command if it still runs and return its wait status. */
static int reap(pid_t pid, bool *exited, int status)
{
	if (pid <= 0 || *exited)
		return status;
	*exited = true;
	return proc_stop(pid);
}

/* Capture until a stop condition, printing lines as packets arrive when
 * print; then the capture file is complete.  Returns the exit status. */
static int run_live(struct live *l, struct inspect_view *v, enum inspect_time mode, bool print,
                    const struct live_opts *o, FILE *out)
{
	struct capfile *cf = live_capfile(l);
	struct sigaction sa = { .sa_handler = on_live_signal }, old[3];
	const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	char err[512], what[512];
	int rc = 0;
	struct inspect_lines c;
	inspect_lines_init(&c, cf, mode, out);
	live_describe(l, what, sizeof what);
	if (live_start(l, err, sizeof err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err);
		rc = 2;
		goto out;
	}
	fprintf(stderr, "sockscope: %s; Ctrl-C stops\n", what);
	pid_t child = o->exec ? spawn(o->exec, false) : -1;
	bool child_done = false;
	int child_status = 0;
	if (o->exec && child < 0)
		fprintf(stderr, "sockscope: cannot start '%s': %s\n", o->exec, strerror(errno));
	int64_t deadline = o->duration > 0 ? clock_us() + (int64_t)(o->duration * 1e6) : 0;
	bool stopping = false;
	for (;;) {
		uint64_t before = capfile_count(cf);
		enum capfile_state st = capfile_index_step(cf, 8192);
		if (print) {
			inspect_view_update(v, SIZE_MAX, inspect_lines_row, &c);
			inspect_lines_flush(&c);
			fflush(out);   /* a reader of the pipe sees packets as they come */
		}
		if (st != CAPFILE_SCANNING)
			break;   /* stopped, and every packet written is indexed */
		if (!stopping) {
			struct live_stats ls;
			live_stats(l, &ls);
			if (child > 0 && !child_done && waitpid(child, &child_status, WNOHANG) == child)
				child_done = true;
			if (live_signal || (o->count && ls.written >= o->count) || (deadline > 0 && clock_us() >= deadline) ||
			    ls.write_error || (child > 0 && child_done) || (o->exec && child < 0)) {
				live_stop(l);
				stopping = true;
				continue;
			}
		}
		if (capfile_count(cf) == before)
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	child_status = reap(child, &child_done, child_status);
	struct live_stats ls;
	live_stats(l, &ls);
	/* As tcpdump says it, so that people who know one read the other. */
	fprintf(stderr, "%llu packets captured\n%u packets received by filter\n%u packets dropped by kernel\n",
	        (unsigned long long)ls.written, ls.received, ls.dropped);
	if (ls.write_error) {
		fprintf(stderr, "sockscope: writing the capture stopped: %s\n", ls.write_error);
		rc = 1;
	}
	if (child > 0 && !(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0) && !live_signal &&
	    !(o->count && ls.written >= o->count) && !(deadline > 0 && clock_us() >= deadline)) {
		fprintf(stderr, "sockscope: the --exec command %s %d\n",
		        WIFEXITED(child_status) ? "exited with status" : "was killed by signal",
		        WIFEXITED(child_status) ? WEXITSTATUS(child_status) : WTERMSIG(child_status));
		rc = 1;
	}
out:
	inspect_lines_free(&c);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return rc;
}

static void index_all(struct capfile *cf)
{
	while (capfile_index_step(cf, 65536) == CAPFILE_SCANNING)
		;
}

static int detail(struct capfile *cf, uint64_t n, enum inspect_time mode, FILE *out)
{
	struct capfile_packet p, q;
	if (!capfile_packet(cf, n, &p)) {
		fprintf(stderr, "sockscope: there is no packet %llu (the file has %llu)\n", (unsigned long long)n + 1,
		        (unsigned long long)capfile_count(cf));
		return 2;
	}
	/* The packets before it, for sequence numbers relative to their connection. */
	struct flowtab *ft = flowtab_new();
	struct dissection d = { 0 };
	for (uint64_t k = 0; ft && k < n; k++) {
		uint32_t s, a;
		if (!capfile_packet(cf, k, &q))
			break;
		if (k && k % 8192 == 0)
			capfile_forget(cf, k - 8192, k);
		dissect_frame_opt(q.linktype, q.data, q.caplen, q.wirelen, DISSECT_NO_TEXT | DISSECT_REUSE, &d);
		flowtab_relative(ft, &d, &s, &a);
	}
	dissection_free(&d);
	char summary[512], line[1024];
	dissect_frame(p.linktype, p.data, p.caplen, p.wirelen, &d);
	flowtab_analyse(ft, &d);   /* TCP analysis findings as fields (retransmission...) */
	dissect_summary(&d, ft, summary, sizeof summary);
	int64_t prev = n > 0 && capfile_packet(cf, n - 1, &q) ? q.ts_ns : CAPFILE_NO_TIME;
	inspect_line(cf, &p, &d, summary, mode, prev, line, sizeof line);
	fprintf(out, "%s\n", line);
	inspect_frame_info(cf, &p, line, sizeof line);
	fprintf(out, "%s\n", line);
	for (size_t i = 0; i < d.nfields; i++) {
		textfmt_field_line(&d.fields[i], line, sizeof line);
		fprintf(out, "  %s  [%u+%u]\n", line, d.fields[i].off, d.fields[i].len);
	}
	if (d.status != DIS_OK)
		fprintf(out, "  (%s)\n", d.problem);
	for (uint32_t off = 0; off < p.caplen; off += TEXTFMT_HEX_PER_LINE) {
		textfmt_hex_line(p.data, p.caplen, off, line, sizeof line);
		fprintf(out, "  %s\n", line);
	}
	dissection_free(&d);
	flowtab_free(ft);
	return 0;
}

static int conversations(struct capfile *cf, struct inspect_view *v, bool filtered, FILE *out)
{
	struct inspect_conv *c;
	char err[256], line[512];
	long n = inspect_conversations(cf, filtered ? v : NULL, &c, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 2;
	}
	fprintf(out, "%ld conversations\n%s\n", n, inspect_conv_heading());
	for (long i = 0; i < n; i++) {
		inspect_conv_line(&c[i], line, sizeof line);
		fprintf(out, "%s\n", line);
	}
	free(c);
	return 0;
}

/* The file is mapped: if another program cuts it short while it is read,
 * touching the pages that are gone raises SIGBUS.  Say what happened
 * instead of "Bus error" (the lines printed so far stay valid). */
static char bus_msg[600];
static size_t bus_len;

static void on_sigbus(int sig)
{
	(void)sig;
	ssize_t w = write(STDERR_FILENO, bus_msg, bus_len);
	(void)w;
	_exit(1);
}

static void catch_shrinking(const char *path)
{
	int n = snprintf(bus_msg, sizeof bus_msg,
	                 "\nsockscope: %s was cut short by another program while it was read; the lines "
	                 "written before this one are as they were\n", path);
	bus_len = n > 0 && (size_t)n < sizeof bus_msg ? (size_t)n : 0;
	struct sigaction sa = { .sa_handler = on_sigbus };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/* A packet's number as the list shows it (from 1), as an index (from 0). */
static bool packet_number(const char *name, const char *arg, uint64_t *out)
{
	long v;
	if (!opt_number(name, arg, 1, LONG_MAX, &v))
		return false;
	*out = (uint64_t)v - 1;
	return true;
}

int cmd_inspect(int argc, char **argv)
{
	enum { OPT_PRINT = 256, OPT_TIME, OPT_DETAIL, OPT_FOLLOW, OPT_CONVS, OPT_LADDER, OPT_WIDTH, OPT_WRITE,
	       OPT_MARKED, OPT_DURATION, OPT_EXEC, OPT_CAPTURE };
	static const struct option longopts[] = {
		{ "print", no_argument, NULL, OPT_PRINT },
		{ "filter", required_argument, NULL, 'f' },
		{ "search", required_argument, NULL, 's' },
		{ "time", required_argument, NULL, OPT_TIME },
		{ "detail", required_argument, NULL, OPT_DETAIL },
		{ "follow", required_argument, NULL, OPT_FOLLOW },
		{ "conversations", no_argument, NULL, OPT_CONVS },
		{ "ladder", required_argument, NULL, OPT_LADDER },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "write", required_argument, NULL, OPT_WRITE },
		{ "marked", required_argument, NULL, OPT_MARKED },
		{ "interface", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "exec", required_argument, NULL, OPT_EXEC },
		{ "capture", required_argument, NULL, OPT_CAPTURE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool print = false, convs = false, want_detail = false, want_follow = false, want_ladder = false;
	const char *filter = NULL, *search = NULL, *write = NULL, *marked = NULL;
	uint64_t ndetail = 0, nfollow = 0, nladder = 0;
	int width = 100;
	long jobs = 0;   /* 0: automatic */
	enum inspect_time mode = INSPECT_TIME_REL;
	struct live_opts lo = { .want = CAPTURE_WANT_AUTO };
	bool live_only = false;   /* an option that needs -i */
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:s:i:c:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PRINT: print = true; break;
		case 'f': filter = optarg; break;
		case 's': search = optarg; break;
		case OPT_TIME:
			if (!inspect_time_parse(optarg, &mode)) {
				fprintf(stderr, "sockscope: --time takes abs, rel or delta\n");
				return 2;
			}
			break;
		case OPT_DETAIL: want_detail = true; if (!packet_number("--detail", optarg, &ndetail)) return 2; break;
		case OPT_FOLLOW: want_follow = true; if (!packet_number("--follow", optarg, &nfollow)) return 2; break;
		case OPT_LADDER: want_ladder = true; if (!packet_number("--ladder", optarg, &nladder)) return 2; break;
		case OPT_CONVS: convs = true; break;
		case OPT_WIDTH: {
			long w;
			if (!opt_number("--width", optarg, 20, 1000, &w))
				return 2;
			width = (int)w;
			break;
		}
		case 'j':
			if (!opt_number("-j (threads)", optarg, 1, 64, &jobs))
				return 2;
			break;
		case OPT_WRITE: write = optarg; break;
		case OPT_MARKED: marked = optarg; break;
		case 'i': lo.iface = optarg; break;
		case 'c':
			live_only = true;
			if (!packet_number("-c (packets)", optarg, &lo.count))
				return 2;
			lo.count++;
			break;
		case OPT_DURATION:
			live_only = true;
			if (!opt_seconds("--duration", optarg, 0.001, 31536000, &lo.duration))
				return 2;
			break;
		case OPT_EXEC: live_only = true; lo.exec = optarg; break;
		case OPT_CAPTURE:
			live_only = true;
			if (!opt_capture(optarg, false, &lo.want))
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (lo.iface ? optind != argc : optind + 1 != argc) {
		fprintf(stderr, lo.iface ? "sockscope: inspect -i captures live: it takes no file\n"
		                         : "sockscope: inspect needs one capture file (or -i IFACE to capture live)\n");
		usage(stderr);
		return 2;
	}
	if (live_only && !lo.iface) {
		fprintf(stderr, "sockscope: -c, --duration, --exec and --capture go with -i (a live capture)\n");
		return 2;
	}
	if (jobs && lo.iface) {
		fprintf(stderr, "sockscope: -j goes with a capture file: a live capture is printed as it comes\n");
		return 2;
	}
	if (marked && !write) {
		fprintf(stderr, "sockscope: --marked goes with --write\n");
		return 2;
	}
	/* Without a headless option: the inspection screen on a terminal, the
	 * list as text into a pipe or file. */
	bool headless = print || want_detail || want_follow || want_ladder || convs || write;
	bool screen = !headless && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	if (!headless && !screen)
		print = true;

	char err[1024];
	struct live *live = NULL;
	struct capfile *cf;
	if (lo.iface) {
		/* Writing to a reader that has gone is an error value, not a death. */
		signal(SIGPIPE, SIG_IGN);
		/* Before any thread: on lo without privilege the process unshares. */
		live = live_open(lo.iface, lo.want, filter, err, sizeof err);
		if (!live) {
			fprintf(stderr, "sockscope: %s\n", err);
			return 2;
		}
		if (lo.count)
			live_limit(live, lo.count);
		cf = live_capfile(live);
		filter = NULL;   /* the kernel applies it */
	} else {
		enum capfile_error why;
		cf = capfile_open(argv[optind], &why, err, sizeof err);
		if (!cf) {
			fprintf(stderr, "sockscope: %s\n", err);
			return 2;
		}
	}
	const char *path = capfile_path(cf);
	struct inspect_marks *marks = NULL;
	struct inspect_view *v = inspect_view_new(cf, filter, search, err, sizeof err);
	int rc = 0;
	if (!v) {
		fprintf(stderr, "sockscope: %s\n", err);
		rc = 2;
		goto out;
	}
	if (marked) {
		marks = inspect_marks_new();
		if (inspect_marks_parse(marks, marked, err, sizeof err) < 0) {
			fprintf(stderr, "sockscope: %s\n", err);
			rc = 2;
			goto out;
		}
	}

	if (screen) {
		/* The file opened and the filter compiled: problems so far went to
		 * stderr with status 2, before the terminal changed. */
		inspect_view_free(v);
		v = NULL;
		pid_t child = -1;
		bool child_done = false;
		if (live && live_start(live, err, sizeof err) < 0) {
			fprintf(stderr, "sockscope: %s\n", err);
			rc = 2;
			goto out;
		}
		if (live && lo.exec && (child = spawn(lo.exec, true)) < 0)
			fprintf(stderr, "sockscope: cannot start '%s': %s\n", lo.exec, strerror(errno));
		struct tui_inspect ti = { .cf = cf, .live = live, .filter = filter, .search = search, .time = mode };
		struct tui_context ctx = { .inspect = &ti, .capture_why = "" };
		rc = tui_run(&ctx);
		reap(child, &child_done, 0);
		goto out;
	}

	static char obuf[1 << 20];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	catch_shrinking(path);
	bool filtered = (filter && *filter) || (search && *search);
	if (live)
		rc = run_live(live, v, mode, print, &lo, stdout);
	else if (print)
		inspect_print(cf, v, mode, jobs ? (unsigned)jobs : inspect_print_auto_jobs(cf), stdout);
	index_all(cf);
	if ((convs || write) && filtered && !print)
		inspect_view_select(v);
	if (want_detail && rc == 0)
		rc = detail(cf, ndetail, mode, stdout);
	if (want_follow && rc == 0) {
		struct inspect_stream s;
		if (inspect_stream_build(cf, nfollow, &s, err, sizeof err) < 0) {
			fprintf(stderr, "sockscope: %s\n", err);
			rc = 2;
		} else {
			inspect_stream_write(&s, stdout);
			inspect_stream_free(&s);
		}
	}
	if (convs && rc == 0)
		rc = conversations(cf, v, filtered, stdout);
	if (want_ladder && rc == 0) {
		struct ladder *l = inspect_ladder(cf, nladder, width, err, sizeof err);
		if (!l) {
			fprintf(stderr, "sockscope: %s\n", err);
			rc = 2;
		} else {
			char a[64], b[64];
			ladder_endpoint(&l->conn, true, a, sizeof a);
			ladder_endpoint(&l->conn, false, b, sizeof b);
			printf("ladder: %s <-> %s, %zu segments\n", a, b, l->conn.npackets);
			for (size_t r = 0; r < l->nrows; r++)
				printf("  %s\n", l->rows[r].text);
			ladder_free(l);
		}
	}
	if (write && rc == 0) {
		long long n = inspect_save(cf, filtered ? v : NULL, marks, write, err, sizeof err);
		if (n < 0) {
			fprintf(stderr, "sockscope: %s\n", err);
			rc = 2;
		} else {
			printf("wrote %lld packets to %s\n", n, write);
		}
	}
	fflush(stdout);
	struct capfile_progress pr;
	capfile_progress(cf, &pr);
	if (pr.state == CAPFILE_DAMAGED) {
		fprintf(stderr, "sockscope: %s: %s (%llu packets before it)\n", path, capfile_stop_reason(cf),
		        (unsigned long long)pr.packets);
		if (rc == 0)
			rc = 1;
	}
out:
	inspect_marks_free(marks);
	inspect_view_free(v);
	if (live)
		live_close(live);
	else
		capfile_close(cf);
	return rc;
}
