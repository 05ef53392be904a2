/*
 * main.c — command line: the lesson browser, one lesson (on screen or
 * headless), and lesson checking.
 */
#include "addr_cmd.h"
#include "capture/capture.h"
#include "handout_cmd.h"
#include "headless.h"
#include "soak.h"
#include "challenge_cmd.h"
#include "inspect_cmd.h"
#include "quiz_cmd.h"
#include "serve.h"
#include "lesson/progress.h"
#include "lab/handout.h"
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
	        "       sockscope present ID [options]       the lesson for a room: large, high contrast,\n"
	        "                                            clicker keys, teacher's notes (n)\n"
	        "       sockscope list                       list the lessons, numbered\n"
	        "       sockscope check-lessons [DIR]        check every lesson file\n"
	        "       sockscope quiz ID                    answer a lesson's questions\n"
	        "       sockscope progress                   what you have done so far\n"
	        "       sockscope serve PROTO [-4|-6] [--port P] [--count N] [--seconds S]\n"
	        "                                            run one lab server (http, smtp, ftp, dns...)\n"
	        "       sockscope addr TEXT...               explain IP addresses (bytes, bits, class)\n"
	        "       sockscope inspect FILE [options]     a pcap/pcapng file: packets, streams, conversations\n"
	        "       sockscope inspect -i IFACE [options] the same on a live capture\n"
	        "                                            (sockscope inspect --help lists its options)\n"
	        "       sockscope challenge [NAME]          write a client or server; the lab checks it on the wire\n"
	        "       sockscope keys [--man]               every screen's keys (--man: the man page's KEYS)\n"
	        "       sockscope soak ROUNDS                every lesson ROUNDS times in one process; checks\n"
	        "                                            that fds, threads, children and heap do not grow\n"
	        "\n"
	        "ID is a lesson's id, its number in sockscope list, or the start of one id (tcp)\n"
	        "\n"
	        "options:\n"
	        "  --headless          run the lesson without a screen and print each step,\n"
	        "                      its calls and the packets it put on the wire\n"
	        "  --fields            (headless) print every packet's field tree\n"
	        "  --hex               (headless) print every packet's bytes\n"
	        "  --explain           (headless) print the steps' explanations\n"
	        "  --python            (headless) print the Python code too\n"
	        "  --ladder            (headless) draw each TCP connection as a ladder diagram\n"
	        "  --handout=FILE      run the lesson without a screen and write it down as a\n"
	        "                      handout for later: FILE.md (Markdown) or FILE.html (one\n"
	        "                      self-contained page); --python adds the Python code\n"
	        "  --write=FILE        (headless) save the lab's packets as a pcap file\n"
	        "  --record=FILE       record the run (pcapng: packets, steps, outcomes), on screen\n"
	        "                      when the lesson is left (also early: the steps that ran)\n"
	        "  --replay=FILE       show the lesson from a recording instead of running it\n"
	        "  --theme=NAME        dark (default), light or contrast (a projector; the default\n"
	        "                      of sockscope present); also $SOCKSCOPE_THEME; NO_COLOR is honoured\n"
	        "  --role=server|client  two terminals: run one side of the demo here; the server\n"
	        "                      side shows the port the client side needs:\n"
	        "  --peer=PORT         (client side) the server side's control port\n"
	        "  --toggle=NAME       switch one of the lesson's toggles on (repeatable)\n"
	        "  --compare=NAME      (headless) run the lesson without and with toggle NAME\n"
	        "                      and show each step's packets side by side\n"
	        "  --guess=STEP:N,...  (headless) predictions to grade against the capture\n"
	        "  --check             (headless) fail when a claim of the lesson (expect:) does not hold\n"
	        "  -4, --ipv4 / -6, --ipv6   run the demo over IPv4 or IPv6\n"
	        "  --capture=MODE      auto (default), host, namespace or none\n"
	        "  --timeout-cap=S     cap the client's receive timeout at S seconds\n"
	        "  --lessons=DIR       read lessons from DIR (default: %s)\n"
	        "  --reset-progress    forget all progress (steps reached, quiz scores)\n"
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
	size_t flagged = 0;
	for (size_t i = 0; i < c->n; i++) {
		size_t bad = lesson_lint_calls(c->lessons[i], stdout);
		if (!bad)
			printf("ok      %s (%zu steps): %s\n", c->lessons[i]->id, c->lessons[i]->nsteps, c->lessons[i]->path);
		flagged += bad != 0;
	}
	for (size_t i = 0; i < c->nerrors; i++)
		printf("ERROR   %s\n", c->errors[i]);
	printf("%zu lessons ok, %zu with errors\n", c->n - flagged, c->nerrors + flagged);
	int rc = c->nerrors || flagged ? 1 : 0;
	lesson_catalog_free(c);
	return rc;
}

/* Steps reached count as progress, from the screen and from headless runs. */
static void save_steps(const struct lesson *l, size_t done)
{
	struct progress *p = progress_load(NULL);
	char err[512];
	if (!p)
		return;
	progress_steps(p, l->id, (unsigned)done, (unsigned)l->nsteps);
	if (progress_save(p, err, sizeof err) < 0)
		fprintf(stderr, "sockscope: progress not saved: %s\n", err);
	progress_free(p);
}

/* Toggle and compare: the lesson once as asked, once with `toggle` on. */
static int run_compare(const struct lesson *l, struct capture *cap, enum capture_mode mode,
                       const struct lab_options *base, const char *toggle)
{
	char err[512];
	struct lab_options with = *base;
	size_t n = strlen(with.toggles);
	snprintf(with.toggles + n, sizeof with.toggles - n, "%s%s", n ? " " : "", toggle);
	const struct lab_options *opts[2] = { base, &with };
	struct lab *labs[2] = { NULL, NULL };
	int rc = 0;
	for (int k = 0; k < 2 && rc == 0; k++) {
		labs[k] = lab_open(l, cap, mode, opts[k], err, sizeof err);
		if (!labs[k]) {
			fprintf(stderr, "sockscope: %s\n", err);
			rc = 1;
			break;
		}
		while (lab_step(labs[k]) >= 0)
			;
		lab_stop_capture(labs[k]);
	}
	if (rc == 0)
		headless_compare(labs[0], labs[1], toggle, stdout);
	lab_close(labs[0]);
	lab_close(labs[1]);
	return rc;
}

int main(int argc, char **argv)
{
	/* Before getopt_long, which would permute and take serve's own options. */
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return serve_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "addr") == 0)
		return addr_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "inspect") == 0)
		return inspect_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "challenge") == 0)
		return challenge_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "keys") == 0) {   /* printed from the screens' own key tables */
		bool man = argc > 2 && strcmp(argv[2], "--man") == 0;
		if (argc > 2 + man) {
			fprintf(stderr, "sockscope: keys takes only --man\n");
			return 2;
		}
		tui_print_keys(stdout, man);
		return 0;
	}
	enum { OPT_HEADLESS = 256, OPT_FIELDS, OPT_HEX, OPT_EXPLAIN, OPT_PYTHON, OPT_CAPTURE,
	       OPT_LESSONS, OPT_VERSION, OPT_TCAP, OPT_TOGGLE, OPT_COMPARE, OPT_GUESS, OPT_CHECK, OPT_RESET,
	       OPT_LADDER, OPT_WRITE, OPT_RECORD, OPT_REPLAY, OPT_ROLE, OPT_PEER, OPT_THEME, OPT_HANDOUT };
	static const struct option longopts[] = {
		{ "headless", no_argument, NULL, OPT_HEADLESS },
		{ "fields", no_argument, NULL, OPT_FIELDS },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "python", no_argument, NULL, OPT_PYTHON },
		{ "ladder", no_argument, NULL, OPT_LADDER },
		{ "write", required_argument, NULL, OPT_WRITE },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "handout", required_argument, NULL, OPT_HANDOUT },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "peer", required_argument, NULL, OPT_PEER },
		{ "theme", required_argument, NULL, OPT_THEME },
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "capture", required_argument, NULL, OPT_CAPTURE },
		{ "timeout-cap", required_argument, NULL, OPT_TCAP },
		{ "toggle", required_argument, NULL, OPT_TOGGLE },
		{ "compare", required_argument, NULL, OPT_COMPARE },
		{ "guess", required_argument, NULL, OPT_GUESS },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "reset-progress", no_argument, NULL, OPT_RESET },
		{ "lessons", required_argument, NULL, OPT_LESSONS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	bool headless = false;
	struct headless_opts hopts = { 0 };
	struct lab_options lopts = { 0 };
	enum capture_want want = CAPTURE_WANT_AUTO;
	const char *dir = NULL, *compare = NULL, *replay = NULL, *handout = NULL, *theme = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "46h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HEADLESS: headless = true; break;
		case OPT_FIELDS: hopts.fields = true; break;
		case OPT_HEX: hopts.hex = true; break;
		case OPT_EXPLAIN: hopts.explain = true; break;
		case OPT_PYTHON: hopts.python = true; break;
		case OPT_LADDER: hopts.ladder = true; break;
		case OPT_WRITE: hopts.write_path = optarg; break;
		case OPT_RECORD: hopts.record_path = optarg; break;
		case OPT_THEME: theme = optarg; break;
		case OPT_REPLAY: replay = optarg; want = CAPTURE_WANT_NONE; break;
		case OPT_HANDOUT: {
			enum handout_format fmt;
			if (!handout_format_for_path(optarg, &fmt)) {
				fprintf(stderr, "sockscope: --handout %s: the name must end in .md (Markdown) or .html "
				        "(one HTML page)\n", optarg);
				return 2;
			}
			handout = optarg;
			break;
		}
		case OPT_ROLE:
			if (strcmp(optarg, "server") == 0)
				lopts.side = DEMO_SIDE_SERVER;
			else if (strcmp(optarg, "client") == 0)
				lopts.side = DEMO_SIDE_CLIENT;
			else {
				fprintf(stderr, "sockscope: --role takes server or client\n");
				return 2;
			}
			break;
		case OPT_PEER: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 65535) {
				fprintf(stderr, "sockscope: --peer takes the port the server side shows (1-65535)\n");
				return 2;
			}
			lopts.peer_port = (uint16_t)v;
			break;
		}
		case '4': lopts.family = 4; break;
		case '6': lopts.family = 6; break;
		case OPT_TCAP: lopts.client_rcvtimeo_cap = atoi(optarg); break;
		case OPT_TOGGLE: {
			size_t l = strlen(lopts.toggles);
			snprintf(lopts.toggles + l, sizeof lopts.toggles - l, "%s%s", l ? " " : "", optarg);
			break;
		}
		case OPT_COMPARE: compare = optarg; break;
		case OPT_GUESS: hopts.guesses = optarg; break;
		case OPT_CHECK: hopts.check = true; break;
		case OPT_RESET: return progress_reset(stdout);
		case OPT_LESSONS: dir = optarg; break;
		case OPT_CAPTURE:
			if (!capture_want_parse(optarg, &want)) {
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
	if (cmd && strcmp(cmd, "progress") == 0) {
		rc = progress_show(cat, stdout);
		lesson_catalog_free(cat);
		return rc;
	}
	if (cmd && strcmp(cmd, "quiz") == 0) {
		const struct lesson *l = optind + 1 < argc ? lesson_catalog_lookup(cat, argv[optind + 1], err, sizeof err)
		                                           : NULL;
		if (!l && optind + 1 < argc)
			fprintf(stderr, "sockscope: %s\n", err);
		else if (!l)
			fprintf(stderr, "sockscope: quiz needs a lesson id or number (sockscope list shows them)\n");
		else
			rc = quiz_run(l, stdin, stdout);
		lesson_catalog_free(cat);
		return l ? rc : 2;
	}
	if (cmd && strcmp(cmd, "list") == 0) {
		for (size_t i = 0; i < cat->n; i++)
			printf("%2zu  %-20s %s\n", i + 1, cat->lessons[i]->id, cat->lessons[i]->title);
		for (size_t i = 0; i < cat->nerrors; i++)
			fprintf(stderr, "sockscope: %s\n", cat->errors[i]);
		lesson_catalog_free(cat);
		return 0;
	}
	const char *lesson_id = NULL;
	unsigned soak_rounds = 0;
	bool present = false;
	if (cmd && strcmp(cmd, "soak") == 0) {
		soak_rounds = optind + 1 < argc ? (unsigned)strtoul(argv[optind + 1], NULL, 10) : 0;
		if (soak_rounds == 0) {
			fprintf(stderr, "sockscope: soak needs a number of rounds from 1\n");
			lesson_catalog_free(cat);
			return 2;
		}
	} else if (cmd && (strcmp(cmd, "lesson") == 0 || strcmp(cmd, "present") == 0)) {
		present = strcmp(cmd, "present") == 0;
		if (optind + 1 >= argc) {
			fprintf(stderr, "sockscope: which lesson? (sockscope list shows them)\n");
			lesson_catalog_free(cat);
			return 2;
		}
		/* A number or a prefix names the lesson by its id from here on. */
		const struct lesson *found = lesson_catalog_lookup(cat, argv[optind + 1], err, sizeof err);
		lesson_id = found ? found->id : NULL;
		if (!found) {
			fprintf(stderr, "sockscope: %s\n", err);
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
	if (lesson_id) {
		const struct lesson *l = lesson_catalog_find(cat, lesson_id);
		char wanted[sizeof lopts.toggles + 64];
		snprintf(wanted, sizeof wanted, "%s %s", lopts.toggles, compare ? compare : "");
		for (char *t = strtok(wanted, " "); t; t = strtok(NULL, " ")) {
			bool known = false;
			for (size_t i = 0; i < l->ntoggles; i++)
				known |= strcmp(l->toggles[i].name, t) == 0;
			if (!known) {
				fprintf(stderr, "sockscope: lesson '%s' has no toggle '%s'%s\n", lesson_id, t,
				        l->ntoggles ? "" : " (it has none)");
				lesson_catalog_free(cat);
				return 2;
			}
		}
	}
	if (lopts.side == DEMO_SIDE_CLIENT && !lopts.peer_port) {
		fprintf(stderr, "sockscope: --role client needs --peer PORT (the port the server side shows)\n");
		lesson_catalog_free(cat);
		return 2;
	}
	if ((lopts.side || lopts.peer_port) && (!lesson_id || replay || compare || (lopts.peer_port && !lopts.side))) {
		fprintf(stderr, "sockscope: --role and --peer go with one lesson, live: sockscope lesson ID --role server, "
		        "then in another terminal sockscope lesson ID --role client --peer PORT\n");
		lesson_catalog_free(cat);
		return 2;
	}
	if (lopts.side && lesson_catalog_find(cat, lesson_id)->nsteps == 0) {
		fprintf(stderr, "sockscope: lesson '%s' has no demo steps to run in two terminals\n", lesson_id);
		lesson_catalog_free(cat);
		return 2;
	}
	if (hopts.record_path && (!lesson_id || compare || handout)) {
		fprintf(stderr, "sockscope: --record goes with one lesson: sockscope lesson ID --record FILE "
		        "(on screen or --headless)\n");
		lesson_catalog_free(cat);
		return 2;
	}
	if (hopts.record_path && !headless && lesson_catalog_find(cat, lesson_id)->nsteps == 0) {
		fprintf(stderr, "sockscope: lesson '%s' is a quiz: it has no steps to record\n", lesson_id);
		lesson_catalog_free(cat);
		return 2;
	}
	if ((headless || compare || handout) && !lesson_id) {
		fprintf(stderr, "sockscope: --%s needs a lesson: sockscope lesson ID --%s\n",
		        handout ? "handout" : "headless", handout ? "handout FILE" : "headless");
		lesson_catalog_free(cat);
		return 2;
	}

	/* Writing to a peer that has gone must be an error value, not a death. */
	signal(SIGPIPE, SIG_IGN);

	/* Before any thread: the no-root path may unshare the process. */
	enum capture_mode mode;
	char why[768];
	struct capture *cap = capture_acquire(NULL, want, &mode, why, sizeof why);

	if (soak_rounds) {
		rc = soak_run(cat, cap, mode, &lopts, soak_rounds, stdout);
	} else if (handout) {
		rc = handout_cmd(lesson_catalog_find(cat, lesson_id), cap, mode, &lopts, replay, why, handout,
		                 hopts.python);
	} else if (compare) {
		rc = run_compare(lesson_catalog_find(cat, lesson_id), cap, mode, &lopts, compare);
	} else if (headless) {
		const struct lesson *l = lesson_catalog_find(cat, lesson_id);
		struct lab *lab = lab_open_or_replay(l, cap, mode, &lopts, replay, err, sizeof err);
		if (!lab) {
			fprintf(stderr, "sockscope: %s\n", err);
			rc = 1;
		} else {
			char note[900];
			if (lab_replaying(lab) && replay)
				snprintf(note, sizeof note, "none: showing a recording (%s), not a live run", replay);
			else if (lab_replaying(lab))
				snprintf(note, sizeof note, "none: %s. Showing the recording shipped with the lesson instead, "
				         "not a live run", why);
			else if (cap)
				snprintf(note, sizeof note, "%s", capture_mode_name(mode));
			else
				snprintf(note, sizeof note, "none: %s", why);
			rc = headless_run(lab, note, &hopts, stdout);
			save_steps(l, lab_steps_done(lab));
			lab_close(lab);
		}
	} else {
		char record_note[1200] = "";
		struct tui_context ctx = {
			.catalog = cat, .cap = cap, .mode = mode, .capture_why = why,
			.family = lopts.family, .start_lesson = lesson_id, .replay = replay,
			.record = hopts.record_path, .record_note = record_note, .record_note_len = sizeof record_note,
			.side = lopts.side, .peer_port = lopts.peer_port, .present = present, .theme = theme,
			.client_rcvtimeo_cap = lopts.client_rcvtimeo_cap, .toggles = lopts.toggles,
		};
		rc = tui_run(&ctx);
		if (record_note[0])   /* after the screen, where it stays readable */
			fprintf(stderr, "sockscope: %s\n", record_note);
		else if (hopts.record_path)
			fprintf(stderr, "sockscope: %s was not written: the lesson was never opened\n", hopts.record_path);
	}
	capture_close(cap);
	lesson_catalog_free(cat);
	return rc;
}
