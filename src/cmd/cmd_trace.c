/*
 * cmd_trace.c — `sockscope trace [options] -- PROGRAM [ARGS...]`: any
 * program's network calls, each with the packets it caused (src/trace/).
 *
 * Everything after "--" (or from the first word that is no option) is the
 * program and its arguments, passed on untouched.  On a terminal, without
 * --headless, the trace screen (src/tui/ui_trace.c) steps it; the notes
 * and the program's own output, which would scribble over the screen, are
 * kept in files and printed once the screen is gone.
 */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "servers/labsrv.h"
#include "trace/trace.h"
#include "tui/tui.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT 60
#define MAX_TIMEOUT 86400

/* At most this much of the program's output is printed after the screen. */
#define SHOWN_OUTPUT (64 * 1024)

static void copy_out(FILE *from, FILE *to, const char *heading)
{
	char buf[4096];
	size_t n, total = 0;
	bool said = false;
	rewind(from);
	while (total < SHOWN_OUTPUT && (n = fread(buf, 1, sizeof buf, from)) > 0) {
		if (!said && heading)
			fputs(heading, to);
		said = true;
		fwrite(buf, 1, n, to);
		total += n;
	}
	if (total >= SHOWN_OUTPUT)
		fprintf(to, "... (the rest of it is not shown)\n");
}

static int trace_screen(struct trace_options *o)
{
	char out[] = "/tmp/sockscope-trace-output.XXXXXX";
	/* close-on-exec: the program's descriptors are its own, as headless */
	int fd = mkostemp(out, O_CLOEXEC);
	FILE *notes = tmpfile();
	if (notes)
		fcntl(fileno(notes), F_SETFD, FD_CLOEXEC);
	if (fd < 0 || !notes) {
		fprintf(stderr, "sockscope trace: cannot make a file for the program's output: use --headless\n");
		if (fd >= 0) {
			close(fd);
			unlink(out);
		}
		if (notes)
			fclose(notes);
		return 1;
	}
	o->output = out;
	o->keep_events = true;
	int rc;
	struct trace *t = trace_open(o, NULL, notes, &rc);
	struct tui_trace tt = { .t = t, .prog = o->argv[0], .lines = o->lines };
	if (t) {
		struct tui_context ctx = { .trace = &tt };
		rc = tui_run(&ctx);
		if (tt.t)   /* the screen never started: nothing ran */
			trace_close(tt.t);
	}
	copy_out(notes, stderr, NULL);
	fclose(notes);
	FILE *f = fdopen(fd, "r");
	if (f) {
		copy_out(f, stdout, "sockscope trace: the program's output:\n");
		fclose(f);
	} else {
		close(fd);
	}
	unlink(out);
	return rc;
}

static void trace_usage(FILE *f)
{
	fprintf(f, "usage: sockscope trace [--headless [--ladder]] [--timeout S] [--capture MODE]\n"
	           "                       [--no-lines|--lines] [--write FILE] [--serve PROTO]... [-4|-6]\n"
	           "                       -- PROGRAM [ARGS...]\n"
	           "  Runs PROGRAM (found in PATH as a shell would) in the lab's capture and prints\n"
	           "  each of its network calls as strace does, with the packets that call put on\n"
	           "  the wire and, for a program built with -g or a Python script, the file:line\n"
	           "  that made it (python3 SCRIPT, python3 -m MODULE, a #! script: Python's lines).\n"
	           "  --headless     print the calls and packets as text (the default when not\n"
	           "                 on a terminal); else a screen steps it: Space the next call\n"
	           "                 (or line), c to the end, b back, ? help, q quit\n"
	           "  --ladder       with --headless: at the end, each TCP connection as a ladder\n"
	           "                 diagram, each arrow tagged with the call and line that caused it\n"
	           "  --timeout S    end the program after S seconds (default %d); exit status 124\n"
	           "  --capture MODE auto (default), host, namespace or none (calls only)\n"
	           "  --no-lines     do not look for source lines (nor run Python's line runner)\n"
	           "  --lines        step line by line through the program's own code (C built\n"
	           "                 with -g, a Python script): one block per line run, its calls\n"
	           "                 and their packets under it; a line run often is collapsed\n"
	           "  --write FILE   keep the packets in FILE (pcapng), each commented with its\n"
	           "                 call and source line, or 'between calls'\n"
	           "  --serve PROTO  start the lab's PROTO server (%s) as the other end,\n"
	           "                 up to %d times; in ARGS {port} is the first server's port,\n"
	           "                 {port:PROTO} that server's, {host} its address\n"
	           "  -4, -6         the servers listen on 127.0.0.1 (default) or ::1\n"
	           "  PROGRAM ARGS --and -- PROGRAM2 ARGS2\n"
	           "                 trace a second program in the same capture (a server and\n"
	           "                 its client); a {port} in ARGS2 is the port the first one\n"
	           "                 listens on, and it starts once the first has listened\n"
	           "Exit status: the program's own; 128+N when signal N killed it; 127 when it\n"
	           "cannot be run.\n",
	           DEFAULT_TIMEOUT, labsrv_protocols(), TRACE_MAX_SERVE);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_options o = { .timeout_s = DEFAULT_TIMEOUT, .capture = CAPTURE_WANT_AUTO, .family = 4 };
	bool headless = false;
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		const char *eq = strchr(a, '=');
		size_t nl = eq ? (size_t)(eq - a) : strlen(a);
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			trace_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--headless")) {
			headless = true;
		} else if (!strcmp(a, "--ladder")) {
			o.ladder = o.keep_events = true;
		} else if (!strcmp(a, "--no-lines")) {
			o.no_lines = true;
		} else if (!strcmp(a, "--lines")) {
			o.lines = true;
		} else if (!strncmp(a, "--timeout", nl) && nl == 9) {
			const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!opt_seconds("--timeout", v, 0.001, MAX_TIMEOUT, &o.timeout_s))
				return 2;
		} else if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			o.family = a[1] - '0';
		} else if (!strncmp(a, "--serve", nl) && nl == 7) {
			const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!v || !*v) {
				fprintf(stderr, "sockscope trace: --serve takes a protocol: %s\n", labsrv_protocols());
				return 2;
			}
			if (o.nserve == TRACE_MAX_SERVE) {
				fprintf(stderr, "sockscope trace: at most %d --serve\n", TRACE_MAX_SERVE);
				return 2;
			}
			o.serve[o.nserve++] = v;
		} else if (!strncmp(a, "--write", nl) && nl == 7) {
			o.write = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!o.write || !o.write[0]) {
				fprintf(stderr, "sockscope trace: --write takes a file name (FILE.pcapng)\n");
				return 2;
			}
		} else if (!strncmp(a, "--capture", nl) && nl == 9) {
			const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!opt_capture(v ? v : "", true, &o.capture))
				return 2;
		} else {
			fprintf(stderr, "sockscope trace: unknown option '%s'\n", a);
			trace_usage(stderr);
			return 2;
		}
	}
	if (o.lines && o.no_lines) {
		fprintf(stderr, "sockscope trace: --lines and --no-lines: which one?\n");
		return 2;
	}
	if (i >= argc) {
		fprintf(stderr, "sockscope trace: which program? (sockscope trace -- PROGRAM ARGS...)\n");
		trace_usage(stderr);
		return 2;
	}
	o.argv = argv + i;
	/* "PROGRAM ARGS --and -- PROGRAM2 ARGS2": cut at the first "--and" "--". */
	for (int k = i; k + 1 < argc; k++)
		if (!strcmp(argv[k], "--and") && !strcmp(argv[k + 1], "--")) {
			if (k == i || k + 2 >= argc) {
				fprintf(stderr, "sockscope trace: --and needs a program before it and one after its --\n");
				return 2;
			}
			argv[k] = NULL;
			o.and_argv = argv + k + 2;
			break;
		}
	if (!headless && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return trace_screen(&o);
	return trace_run(&o, stdout, stderr);
}
