/*
 * inspect_cmd.c — the headless face of inspection mode: the packet list,
 * one packet's fields and bytes, a followed stream, the conversations, a
 * ladder, and saving, all from src/inspect/ and src/lab/textfmt.c, which
 * the inspection screens use too.
 */
#include "inspect_cmd.h"

#include "inspect/capfile.h"
#include "inspect/conn.h"
#include "inspect/convs.h"
#include "inspect/save.h"
#include "inspect/stream.h"
#include "inspect/view.h"
#include "lab/ladder.h"
#include "lab/textfmt.h"
#include "tui/tui.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: sockscope inspect FILE [options]     a pcap or pcapng file as text\n"
	        "  --print                 one line per packet (the default when not on a terminal;\n"
	        "                          on a terminal, without options: the inspection screen)\n"
	        "  -f, --filter EXPR       only packets matching a tcpdump filter expression\n"
	        "  -s, --search TEXT       only packets whose summary contains TEXT\n"
	        "  --time abs|rel|delta    time column: time of day, since the first packet,\n"
	        "                          since the previous line (default rel)\n"
	        "  --detail N              packet N's fields and bytes\n"
	        "  --follow N              the TCP stream or UDP flow of packet N as text\n"
	        "  --conversations         who talked to whom, how much, how long\n"
	        "  --ladder N              the TCP connection of packet N as a ladder diagram\n"
	        "  --width W               width of the ladder (default 100)\n"
	        "  --write OUT             save the packets shown (all, or the filtered ones) as pcap\n"
	        "  --marked LIST           with --write: only these packets (1,3,5-7)\n");
}

struct print_ctx {
	const struct capfile *cf;
	enum inspect_time mode;
	int64_t prev;
	FILE *out;
};

static void print_row(void *ud, size_t row, const struct capfile_packet *p, const struct dissection *d,
                      const char *summary)
{
	(void)row;
	struct print_ctx *c = ud;
	char line[1024];
	inspect_line(c->cf, p, d, summary, c->mode, c->prev, line, sizeof line);
	c->prev = p->ts_ns;
	fputs(line, c->out);
	putc('\n', c->out);
}

/* Print the view as the file is indexed, slice by slice: the first lines
 * appear before the file has been read through. */
static void print_list(struct capfile *cf, struct inspect_view *v, enum inspect_time mode, FILE *out)
{
	struct print_ctx c = { cf, mode, CAPFILE_NO_TIME, out };
	for (;;) {
		enum capfile_state st = capfile_index_step(cf, 8192);
		inspect_view_update(v, SIZE_MAX, print_row, &c);
		if (st != CAPFILE_SCANNING)
			break;
	}
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

static bool parse_number(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end || errno || v == 0 || s[0] == '-')
		return false;
	*out = v - 1;
	return true;
}

int inspect_main(int argc, char **argv)
{
	enum { OPT_PRINT = 256, OPT_TIME, OPT_DETAIL, OPT_FOLLOW, OPT_CONVS, OPT_LADDER, OPT_WIDTH, OPT_WRITE,
	       OPT_MARKED };
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
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool print = false, convs = false, want_detail = false, want_follow = false, want_ladder = false;
	const char *filter = NULL, *search = NULL, *write = NULL, *marked = NULL;
	uint64_t ndetail = 0, nfollow = 0, nladder = 0;
	int width = 100;
	enum inspect_time mode = INSPECT_TIME_REL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:s:h", longopts, NULL)) != -1) {
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
		case OPT_DETAIL: want_detail = true; if (!parse_number(optarg, &ndetail)) goto badnum; break;
		case OPT_FOLLOW: want_follow = true; if (!parse_number(optarg, &nfollow)) goto badnum; break;
		case OPT_LADDER: want_ladder = true; if (!parse_number(optarg, &nladder)) goto badnum; break;
		case OPT_CONVS: convs = true; break;
		case OPT_WIDTH: width = atoi(optarg); break;
		case OPT_WRITE: write = optarg; break;
		case OPT_MARKED: marked = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "sockscope: inspect needs one capture file\n");
		usage(stderr);
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

	const char *path = argv[optind];
	char err[1024];
	enum capfile_error why;
	struct capfile *cf = capfile_open(path, &why, err, sizeof err);
	if (!cf) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 2;
	}
	struct inspect_marks *marks = NULL;
	struct inspect_view *v = inspect_view_new(cf, filter, search, err, sizeof err);
	int rc = 0;
	if (!v) {
		fprintf(stderr, "sockscope: %s\n", err);
		capfile_close(cf);
		return 2;
	}
	if (marked) {
		marks = inspect_marks_new();
		if (!marks || inspect_marks_parse(marks, marked, err, sizeof err) < 0) {
			fprintf(stderr, "sockscope: %s\n", marks ? err : "out of memory");
			rc = 2;
			goto out;
		}
	}

	if (screen) {
		/* The file opened and the filter compiled: problems so far went to
		 * stderr with status 2, before the terminal changed. */
		inspect_view_free(v);
		struct tui_inspect ti = { .cf = cf, .filter = filter, .search = search, .time = mode };
		struct tui_context ctx = { .inspect = &ti, .capture_why = "" };
		rc = tui_run(&ctx);
		capfile_close(cf);
		return rc;
	}

	static char obuf[1 << 20];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	bool filtered = (filter && *filter) || (search && *search);
	if (print)
		print_list(cf, v, mode, stdout);
	index_all(cf);
	if ((convs || write) && filtered && !print)
		while (!inspect_view_update(v, SIZE_MAX, NULL, NULL))
			;
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
	capfile_close(cf);
	return rc;
badnum:
	fprintf(stderr, "sockscope: a packet number counts from 1: '%s'\n", optarg);
	return 2;
}
