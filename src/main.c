/*
 * main.c — command line: the lesson browser, one lesson (on screen or
 * headless), and lesson checking.
 */
#include "capture/capture.h"
#include "headless.h"
#include "lab/lab.h"
#include "lesson/lesson.h"
#include "tui/tui.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: sockscope [options]                  open the lesson browser\n"
	        "       sockscope lesson ID [options]        open one lesson\n"
	        "       sockscope list                       list the lessons\n"
	        "       sockscope check-lessons [DIR]        check every lesson file\n"
	        "\n"
	        "options:\n"
	        "  --headless          run the lesson without a screen and print each step,\n"
	        "                      its calls and the packets it put on the wire\n"
	        "  --fields            (headless) print every packet's field tree\n"
	        "  --hex               (headless) print every packet's bytes\n"
	        "  --explain           (headless) print the steps' explanations\n"
	        "  --python            (headless) print the Python code too\n"
	        "  -4, --ipv4 / -6, --ipv6   run the demo over IPv4 or IPv6\n"
	        "  --capture=MODE      auto (default), host, namespace or none\n"
	        "  --timeout-cap=S     cap the client's receive timeout at S seconds\n"
	        "  --lessons=DIR       read lessons from DIR (default: %s)\n"
	        "  -h, --help          this text\n"
	        "  --version           the version\n",
	        lesson_default_dir());
}

static int check_lessons(const char *dir)
{
	char err[512];
	struct lesson_catalog *c = lesson_catalog_load(dir, err, sizeof err);
	if (!c) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 2;
	}
	for (size_t i = 0; i < c->n; i++)
		printf("ok      %s (%zu steps): %s\n", c->lessons[i]->id, c->lessons[i]->nsteps, c->lessons[i]->path);
	for (size_t i = 0; i < c->nerrors; i++)
		printf("ERROR   %s\n", c->errors[i]);
	printf("%zu lessons ok, %zu with errors\n", c->n, c->nerrors);
	int rc = c->nerrors ? 1 : 0;
	lesson_catalog_free(c);
	return rc;
}

int main(int argc, char **argv)
{
	enum { OPT_HEADLESS = 256, OPT_FIELDS, OPT_HEX, OPT_EXPLAIN, OPT_PYTHON, OPT_CAPTURE,
	       OPT_LESSONS, OPT_VERSION, OPT_TCAP };
	static const struct option longopts[] = {
		{ "headless", no_argument, NULL, OPT_HEADLESS },
		{ "fields", no_argument, NULL, OPT_FIELDS },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "python", no_argument, NULL, OPT_PYTHON },
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "capture", required_argument, NULL, OPT_CAPTURE },
		{ "timeout-cap", required_argument, NULL, OPT_TCAP },
		{ "lessons", required_argument, NULL, OPT_LESSONS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	bool headless = false;
	struct headless_opts hopts = { 0 };
	struct lab_options lopts = { 0 };
	enum capture_want want = CAPTURE_WANT_AUTO;
	const char *dir = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "46h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HEADLESS: headless = true; break;
		case OPT_FIELDS: hopts.fields = true; break;
		case OPT_HEX: hopts.hex = true; break;
		case OPT_EXPLAIN: hopts.explain = true; break;
		case OPT_PYTHON: hopts.python = true; break;
		case '4': lopts.family = 4; break;
		case '6': lopts.family = 6; break;
		case OPT_TCAP: lopts.client_rcvtimeo_cap = atoi(optarg); break;
		case OPT_LESSONS: dir = optarg; break;
		case OPT_CAPTURE:
			if (strcmp(optarg, "auto") == 0) want = CAPTURE_WANT_AUTO;
			else if (strcmp(optarg, "host") == 0) want = CAPTURE_WANT_HOST;
			else if (strcmp(optarg, "namespace") == 0) want = CAPTURE_WANT_NAMESPACE;
			else if (strcmp(optarg, "none") == 0) want = CAPTURE_WANT_NONE;
			else {
				fprintf(stderr, "sockscope: --capture takes auto, host, namespace or none\n");
				return 2;
			}
			break;
		case OPT_VERSION: printf("sockscope %s\n", SOCKSCOPE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!dir)
		dir = lesson_default_dir();
	const char *cmd = optind < argc ? argv[optind] : NULL;
	if (cmd && strcmp(cmd, "check-lessons") == 0)
		return check_lessons(optind + 1 < argc ? argv[optind + 1] : dir);

	char err[512];
	struct lesson_catalog *cat = lesson_catalog_load(dir, err, sizeof err);
	if (!cat) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 2;
	}
	int rc = 0;
	if (cmd && strcmp(cmd, "list") == 0) {
		for (size_t i = 0; i < cat->n; i++)
			printf("%-20s %s\n", cat->lessons[i]->id, cat->lessons[i]->title);
		for (size_t i = 0; i < cat->nerrors; i++)
			fprintf(stderr, "sockscope: %s\n", cat->errors[i]);
		lesson_catalog_free(cat);
		return 0;
	}
	const char *lesson_id = NULL;
	if (cmd && strcmp(cmd, "lesson") == 0) {
		if (optind + 1 >= argc) {
			fprintf(stderr, "sockscope: which lesson? (sockscope list shows them)\n");
			lesson_catalog_free(cat);
			return 2;
		}
		lesson_id = argv[optind + 1];
		if (!lesson_catalog_find(cat, lesson_id)) {
			fprintf(stderr, "sockscope: no lesson '%s' in %s (sockscope list shows them)\n", lesson_id, dir);
			for (size_t i = 0; i < cat->nerrors; i++)
				fprintf(stderr, "sockscope: %s\n", cat->errors[i]);
			lesson_catalog_free(cat);
			return 2;
		}
	} else if (cmd) {
		fprintf(stderr, "sockscope: unknown command '%s'\n", cmd);
		usage(stderr);
		lesson_catalog_free(cat);
		return 2;
	}
	if (headless && !lesson_id) {
		fprintf(stderr, "sockscope: --headless needs a lesson: sockscope lesson ID --headless\n");
		lesson_catalog_free(cat);
		return 2;
	}

	/* Writing to a peer that has gone must be an error value, not a death. */
	signal(SIGPIPE, SIG_IGN);

	/* Before any thread: the no-root path may unshare the process. */
	enum capture_mode mode;
	char why[768];
	struct capture *cap = capture_acquire(want, &mode, why, sizeof why);

	if (headless) {
		const struct lesson *l = lesson_catalog_find(cat, lesson_id);
		struct lab *lab = lab_open(l, cap, mode, &lopts, err, sizeof err);
		if (!lab) {
			fprintf(stderr, "sockscope: %s\n", err);
			rc = 1;
		} else {
			char note[900];
			if (cap)
				snprintf(note, sizeof note, "%s", capture_mode_name(mode));
			else
				snprintf(note, sizeof note, "none: %s", why);
			rc = headless_run(lab, note, &hopts, stdout);
			lab_close(lab);
		}
	} else {
		struct tui_context ctx = {
			.catalog = cat, .cap = cap, .mode = mode, .capture_why = why,
			.family = lopts.family, .start_lesson = lesson_id,
		};
		rc = tui_run(&ctx);
	}
	capture_close(cap);
	lesson_catalog_free(cat);
	return rc;
}
