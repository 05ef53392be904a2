/*
 * cmd_challenge.c — `sockscope challenge`: the list with the learner's
 * results, and `sockscope challenge NAME [--run CMD]`: one run and its
 * verdict (src/challenge/run.c).
 */
#include "cmd/cmd.h"
#include "cmd/opt.h"

#include "challenge/run.h"
#include "lesson/progress.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: sockscope challenge                 the challenges and your results\n"
	           "       sockscope challenge NAME [options]  the task; then run your program and get a verdict\n"
	           "  --run CMD        run your program (sh -c CMD; {host} and {port} are replaced, and\n"
	           "                   $SOCKSCOPE_HOST, $SOCKSCOPE_PORT set) under the tracer, so the verdict\n"
	           "                   names its calls and lines; without it, sockscope waits for\n"
	           "                   you to run it in another terminal, and prints the export line\n"
	           "                   that sets those two there\n"
	           "  --wait SECONDS   without --run: how long to wait (default 120)\n"
	           "  --capture MODE   auto (default), host or namespace\n"
	           "  --dir DIR        read challenges from DIR (default: %s)\n", challenge_default_dir());
}

static int list(const struct challenge_list *l)
{
	struct progress *p = progress_load(NULL);
	for (size_t i = 0; i < l->n; i++) {
		char id[80], res[64] = "not tried";
		snprintf(id, sizeof id, "challenge:%s", l->c[i]->id);
		const struct progress_entry *e = progress_get(p, id);
		if (e)
			snprintf(res, sizeof res, "%s (%u %s)", e->steps ? "passed" : "not yet passed", e->asked,
			         e->asked == 1 ? "try" : "tries");
		printf("%-16s %-20s %s\n", l->c[i]->id, res, l->c[i]->title);
	}
	for (size_t i = 0; i < l->nerrors; i++)
		fprintf(stderr, "sockscope: %s\n", l->errors[i]);
	progress_free(p);
	return l->nerrors ? 1 : 0;
}

int cmd_challenge(int argc, char **argv)
{
	enum { OPT_RUN = 256, OPT_WAIT, OPT_CAPTURE, OPT_DIR };
	static const struct option longopts[] = {
		{ "run", required_argument, NULL, OPT_RUN },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "capture", required_argument, NULL, OPT_CAPTURE },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct chal_opts o = { .wait_seconds = 120, .want = CAPTURE_WANT_AUTO };
	const char *dir = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_RUN: o.run = optarg; break;
		case OPT_WAIT: {
			long s;
			if (!opt_number("--wait (seconds)", optarg, 1, 3600, &s))
				return 2;
			o.wait_seconds = (int)s;
			break;
		}
		case OPT_CAPTURE:
			if (!opt_capture(optarg, false, &o.want))
				return 2;
			break;
		case OPT_DIR: dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!dir)
		dir = challenge_default_dir();
	char err[1024];
	struct challenge_list *l = challenge_list_load(dir, err, sizeof err);
	if (!l) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 2;
	}
	int rc;
	if (optind == argc) {
		rc = list(l);
	} else {
		const struct challenge *ch = NULL;
		for (size_t i = 0; i < l->n; i++)
			if (!strcmp(l->c[i]->id, argv[optind]))
				ch = l->c[i];
		if (!ch) {
			fprintf(stderr, "sockscope: no challenge '%s' in %s (sockscope challenge lists them)\n", argv[optind], dir);
			for (size_t i = 0; i < l->nerrors; i++)
				fprintf(stderr, "sockscope: %s\n", l->errors[i]);
			rc = 2;
		} else {
			signal(SIGPIPE, SIG_IGN);
			rc = challenge_run(ch, &o, stdout);
		}
	}
	challenge_list_free(l);
	return rc;
}
