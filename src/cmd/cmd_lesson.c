/*
 * cmd_lesson.c — the lesson commands' options (lesson_args.h), and the
 * commands that run lessons: the browser (no command), `lesson ID` and
 * `present ID` — on screen, headless, compared, as a handout.
 */
#include "cmd/cmd.h"
#include "cmd/lesson_args.h"
#include "cmd/opt.h"

#include "lesson/build.h"
#include "text/handout.h"
#include "lesson/progress.h"
#include "tui/tui.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SOCKSCOPE_VERSION
#define SOCKSCOPE_VERSION "?"
#endif

static void usage(FILE *f)
{
	cmd_usage(f);
	fprintf(f, "\n"
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
	        "  --from=N            (headless) run the steps before N without printing them\n"
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
	        "  --lang=c|python|engine  (headless) run the lesson's real programs (its run:\n"
	        "                      lines), C or Python, under the tracer; C is compiled into\n"
	        "                      $XDG_CACHE_HOME/sockscope first, Python runs without cc;\n"
	        "                      engine (the default): the lab's engine runs the steps\n"
	        "  -4, --ipv4 / -6, --ipv6   run the demo over IPv4 or IPv6\n"
	        "  --capture=MODE      auto (default), host, namespace or none\n"
	        "  --timeout-cap=S     cap the client's receive timeout at S seconds\n"
	        "  --lessons=DIR       read lessons from DIR (default: %s)\n"
	        "  --reset-progress    forget all progress (steps reached, quiz scores)\n"
	        "  -h, --help          this text\n"
	        "  --version           the version\n",
	        lesson_default_dir());
}

int lesson_args_parse(int argc, char **argv, struct lesson_args *a)
{
	enum { OPT_HEADLESS = 256, OPT_FIELDS, OPT_HEX, OPT_EXPLAIN, OPT_PYTHON, OPT_CAPTURE,
	       OPT_LESSONS, OPT_VERSION, OPT_TCAP, OPT_TOGGLE, OPT_COMPARE, OPT_GUESS, OPT_CHECK, OPT_RESET,
	       OPT_LADDER, OPT_WRITE, OPT_RECORD, OPT_FROM, OPT_REPLAY, OPT_ROLE, OPT_PEER, OPT_THEME, OPT_HANDOUT, OPT_LANG };
	static const struct option longopts[] = {
		{ "headless", no_argument, NULL, OPT_HEADLESS },
		{ "fields", no_argument, NULL, OPT_FIELDS },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "python", no_argument, NULL, OPT_PYTHON },
		{ "ladder", no_argument, NULL, OPT_LADDER },
		{ "write", required_argument, NULL, OPT_WRITE },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "from", required_argument, NULL, OPT_FROM },
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
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "reset-progress", no_argument, NULL, OPT_RESET },
		{ "lessons", required_argument, NULL, OPT_LESSONS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	*a = (struct lesson_args){ .want = CAPTURE_WANT_AUTO };
	int c;
	long v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "46h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HEADLESS: a->headless = true; break;
		case OPT_FIELDS: a->hopts.fields = true; break;
		case OPT_HEX: a->hopts.hex = true; break;
		case OPT_EXPLAIN: a->hopts.explain = true; break;
		case OPT_PYTHON: a->hopts.python = true; break;
		case OPT_LADDER: a->hopts.ladder = true; break;
		case OPT_WRITE: a->hopts.write_path = optarg; break;
		case OPT_RECORD: a->hopts.record_path = optarg; break;
		case OPT_FROM:
			if (!opt_number("--from (a step number)", optarg, 1, 1000, &v))
				return 2;
			a->hopts.from = (unsigned)v;
			break;
		case OPT_THEME: a->theme = optarg; break;
		case OPT_REPLAY: a->replay = optarg; a->want = CAPTURE_WANT_NONE; break;
		case OPT_HANDOUT: {
			enum handout_format fmt;
			if (!handout_format_for_path(optarg, &fmt)) {
				fprintf(stderr, "sockscope: --handout %s: the name must end in .md (Markdown) or .html "
				        "(one HTML page)\n", optarg);
				return 2;
			}
			a->handout = optarg;
			break;
		}
		case OPT_ROLE: {
			static const char *const roles[] = { "server", "client", NULL };
			int r;
			if (!opt_choice("--role", optarg, roles, &r))
				return 2;
			a->lopts.side = r == 0 ? DEMO_SIDE_SERVER : DEMO_SIDE_CLIENT;
			break;
		}
		case OPT_PEER:
			if (!opt_number("--peer (the port the server side shows)", optarg, 1, 65535, &v))
				return 2;
			a->lopts.peer_port = (uint16_t)v;
			break;
		case '4': a->lopts.family = 4; break;
		case '6': a->lopts.family = 6; break;
		case OPT_TCAP:
			if (!opt_number("--timeout-cap", optarg, 1, 3600, &v))
				return 2;
			a->lopts.client_rcvtimeo_cap = (int)v;
			break;
		case OPT_TOGGLE: {
			size_t l = strlen(a->lopts.toggles);
			snprintf(a->lopts.toggles + l, sizeof a->lopts.toggles - l, "%s%s", l ? " " : "", optarg);
			break;
		}
		case OPT_COMPARE: a->compare = optarg; break;
		case OPT_GUESS: a->hopts.guesses = optarg; break;
		case OPT_CHECK: a->hopts.check = true; break;
		case OPT_LANG: {
			static const char *const langs[] = { "c", "python", "engine", NULL };
			int r;
			if (!opt_choice("--lang", optarg, langs, &r))
				return 2;
			a->lang = "cpe"[r];
			break;
		}
		case OPT_RESET: a->reset_progress = true; break;
		case OPT_LESSONS: a->dir = optarg; break;
		case OPT_CAPTURE:
			if (!opt_capture(optarg, true, &a->want))
				return 2;
			break;
		case OPT_VERSION: printf("sockscope %s\n", SOCKSCOPE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!a->dir)
		a->dir = lesson_default_dir();
	a->name = argv[0];
	a->pos = argv + optind;
	a->npos = argc - optind;
	return -1;
}

int lesson_cmd(int argc, char **argv, int (*run)(const struct lesson_args *a, const struct lesson_catalog *cat))
{
	struct lesson_args a;
	int rc = lesson_args_parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (a.reset_progress)
		return progress_reset(stdout);
	char err[512];
	struct lesson_catalog *cat = lesson_catalog_load(a.dir, err, sizeof err);
	if (!cat) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 2;
	}
	rc = run(&a, cat);
	lesson_catalog_free(cat);
	return rc;
}

const struct lesson *lesson_args_lesson(const struct lesson_args *a, const struct lesson_catalog *cat, int i)
{
	char err[512];
	if (i >= a->npos) {
		fprintf(stderr, "sockscope: which lesson? (sockscope list shows them)\n");
		return NULL;
	}
	const struct lesson *l = lesson_catalog_lookup(cat, a->pos[i], err, sizeof err);
	if (!l) {
		fprintf(stderr, "sockscope: %s\n", err);
		for (size_t k = 0; k < cat->nerrors; k++)
			fprintf(stderr, "sockscope: %s\n", cat->errors[k]);
	}
	return l;
}

/* Steps reached count as progress, from the screen and from headless runs. */
static void save_steps(const struct lesson *l, size_t done)
{
	char err[512];
	if (progress_update_steps(l->id, (unsigned)done, (unsigned)l->nsteps, err, sizeof err) < 0)
		fprintf(stderr, "sockscope: progress not saved: %s\n", err);
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

static int handout_cmd(const struct lesson *l, struct capture *cap, enum capture_mode mode, const struct lab_options *opt,
                const char *replay, const char *why, const char *path, bool python)
{
	char err[1024];
	struct lab *lab = lab_open_or_replay(l, cap, mode, opt, replay, err, sizeof err);
	if (!lab) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 1;
	}
	char note[1024] = "";
	if (lab_replaying(lab) && replay)
		snprintf(note, sizeof note, "the recording %s", replay);
	else if (lab_replaying(lab))
		snprintf(note, sizeof note, "nothing could be captured (%s), so the recording shipped with the lesson "
		         "was used", why);
	else if (!cap)
		snprintf(note, sizeof note, "nothing was captured: %s", why);
	struct handout_opts ho = {
		.python = python,
		.generator = "sockscope " SOCKSCOPE_VERSION,
		.source_note = note[0] ? note : NULL,
	};
	int rc = 0;
	if (handout_write_file(lab, path, &ho, err, sizeof err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err);
		rc = 1;
	} else {
		size_t steps = lab_steps_done(lab), packets = lab_capturing(lab) ? lab_packet_count(lab) : 0;
		printf("wrote handout %s (%zu step%s, %zu packet%s)\n", path, steps, steps == 1 ? "" : "s", packets,
		       packets == 1 ? "" : "s");
	}
	lab_close(lab);
	return rc;
}

struct capture *lesson_capture(const struct lesson_args *a, enum capture_mode *mode, char *why, size_t n)
{
	/* Writing to a peer that has gone must be an error value, not a death. */
	signal(SIGPIPE, SIG_IGN);
	return capture_acquire(NULL, a->want, mode, why, n);
}

/* The options that need a lesson, or one kind of lesson, make sense. */
static bool lesson_options_fit(const struct lesson_args *a, const struct lesson *l)
{
	if (l) {
		char wanted[sizeof a->lopts.toggles + 64];
		snprintf(wanted, sizeof wanted, "%s %s", a->lopts.toggles, a->compare ? a->compare : "");
		for (char *t = strtok(wanted, " "); t; t = strtok(NULL, " ")) {
			bool known = false;
			for (size_t i = 0; i < l->ntoggles; i++)
				known |= strcmp(l->toggles[i].name, t) == 0;
			if (!known) {
				fprintf(stderr, "sockscope: lesson '%s' has no toggle '%s'%s\n", l->id, t,
				        l->ntoggles ? "" : " (it has none)");
				return false;
			}
		}
	}
	const struct lab_options *lo = &a->lopts;
	if (lo->side == DEMO_SIDE_CLIENT && !lo->peer_port) {
		fprintf(stderr, "sockscope: --role client needs --peer PORT (the port the server side shows)\n");
		return false;
	}
	if ((lo->side || lo->peer_port) && (!l || a->replay || a->compare || (lo->peer_port && !lo->side))) {
		fprintf(stderr, "sockscope: --role and --peer go with one lesson, live: sockscope lesson ID --role server, "
		        "then in another terminal sockscope lesson ID --role client --peer PORT\n");
		return false;
	}
	if (lo->side && l->nsteps == 0) {
		fprintf(stderr, "sockscope: lesson '%s' has no demo steps to run in two terminals\n", l->id);
		return false;
	}
	if (a->hopts.from && (!a->headless || a->compare || a->handout || !l || a->hopts.from > l->nsteps)) {
		fprintf(stderr, "sockscope: --from N goes with sockscope lesson ID --headless, N a step of the lesson "
		        "(on screen, reopening a lesson offers to resume it)\n");
		return false;
	}
	if (a->hopts.record_path && (!l || a->compare || a->handout)) {
		fprintf(stderr, "sockscope: --record goes with one lesson: sockscope lesson ID --record FILE "
		        "(on screen or --headless)\n");
		return false;
	}
	if (a->hopts.record_path && !a->headless && l->nsteps == 0) {
		fprintf(stderr, "sockscope: lesson '%s' is a quiz: it has no steps to record\n", l->id);
		return false;
	}
	if ((a->headless || a->compare || a->handout) && !l) {
		fprintf(stderr, "sockscope: --%s needs a lesson: sockscope lesson ID --%s\n",
		        a->handout ? "handout" : "headless", a->handout ? "handout FILE" : "headless");
		return false;
	}
	return true;
}

/* The lesson's real programs under the tracer, when asked for: --lang c
 * or python.  (Not yet the default: the lessons' claims do not all hold
 * for the real programs -- docs/lesson-programs.md, "Run under the
 * tracer".)  NULL: the engine runs it; what kept the programs from
 * running is in note (said before the steps), or "" when they were never
 * asked for (no --lang, --lang engine, a recording, two terminals). */
static struct lab *open_traced(const struct lesson_args *a, const struct lesson *l, char *note, size_t n)
{
	note[0] = '\0';
	if (!a->lang || a->lang == 'e' || a->replay || a->lopts.side)
		return NULL;
	char lang = a->lang;
	if (lang == 'c' && !lesson_build_have_cc()) {
		snprintf(note, n, "no C compiler (cc) on PATH: the Python programs run instead");
		lang = 'p';
	}
	char err[8192];
	struct lab *lab = lab_open_traced(l, a->want, &a->lopts, lang, err, sizeof err);
	if (!lab)
		snprintf(note, n, "the lesson's %s programs cannot run: %s. The lab's engine runs the lesson instead",
		         lang == 'c' ? "C" : "Python", err);
	return lab;
}

/* One lesson headless: its steps, calls and packets as text. */
static int run_headless(const struct lesson_args *a, const struct lesson *l, struct capture *cap,
                        enum capture_mode mode, const char *why)
{
	char err[512];
	struct lab *lab = lab_open_or_replay(l, cap, mode, &a->lopts, a->replay, err, sizeof err);
	if (!lab) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 1;
	}
	char note[900];
	if (lab_replaying(lab) && a->replay)
		snprintf(note, sizeof note, "none: showing a recording (%s), not a live run", a->replay);
	else if (lab_replaying(lab))
		snprintf(note, sizeof note, "none: %s. Showing the recording shipped with the lesson instead, "
		         "not a live run", why);
	else if (cap)
		snprintf(note, sizeof note, "%s", capture_mode_name(mode));
	else
		snprintf(note, sizeof note, "none: %s", why);
	int rc = headless_run(lab, note, &a->hopts, stdout);
	save_steps(l, lab_steps_done(lab));
	lab_close(lab);
	return rc;
}

/* The browser (l NULL) or one lesson, on screen or in one of the text faces. */
static int run_lessons(const struct lesson_args *a, const struct lesson_catalog *cat, const struct lesson *l,
                       bool present)
{
	if (!lesson_options_fit(a, l))
		return 2;
	enum capture_mode mode;
	char why[768];
	if (a->headless && !a->handout && !a->compare) {
		/* before any capture: the tracer opens its own (and may unshare) */
		signal(SIGPIPE, SIG_IGN);
		char note[9000];
		struct lab *lab = open_traced(a, l, note, sizeof note);
		if (note[0])
			fprintf(stderr, "sockscope: %s\n", note);
		if (lab) {
			char status[512];
			lab_capture_status(lab, status, sizeof status);
			int rc = headless_run(lab, status, &a->hopts, stdout);
			save_steps(l, lab_steps_done(lab));
			lab_close(lab);
			return rc;
		}
	} else if (a->lang && a->lang != 'e') {
		fprintf(stderr, "sockscope: --lang goes with --headless for now: on screen, as a handout and compared, "
		        "the lab's engine runs the lesson\n");
	}
	struct capture *cap = lesson_capture(a, &mode, why, sizeof why);
	int rc;
	if (a->handout) {
		rc = handout_cmd(l, cap, mode, &a->lopts, a->replay, why, a->handout, a->hopts.python);
	} else if (a->compare) {
		rc = run_compare(l, cap, mode, &a->lopts, a->compare);
	} else if (a->headless) {
		rc = run_headless(a, l, cap, mode, why);
	} else {
		char record_note[1200] = "";
		struct tui_context ctx = {
			.catalog = cat, .cap = cap, .mode = mode, .capture_why = why,
			.family = a->lopts.family, .start_lesson = l ? l->id : NULL, .replay = a->replay,
			.record = a->hopts.record_path, .record_note = record_note, .record_note_len = sizeof record_note,
			.side = a->lopts.side, .peer_port = a->lopts.peer_port, .present = present, .theme = a->theme,
			.client_rcvtimeo_cap = a->lopts.client_rcvtimeo_cap, .toggles = a->lopts.toggles,
		};
		rc = tui_run(&ctx);
		if (record_note[0])   /* after the screen, where it stays readable */
			fprintf(stderr, "sockscope: %s\n", record_note);
		else if (a->hopts.record_path)
			fprintf(stderr, "sockscope: %s was not written: the lesson was never opened\n", a->hopts.record_path);
	}
	capture_close(cap);
	return rc;
}

static int browser(const struct lesson_args *a, const struct lesson_catalog *cat)
{
	if (a->npos) {
		fprintf(stderr, "sockscope: unknown command '%s'\n", a->pos[0]);
		cmd_usage(stderr);
		return 2;
	}
	return run_lessons(a, cat, NULL, false);
}

int cmd_browser(int argc, char **argv)
{
	return lesson_cmd(argc, argv, browser);
}

static int lesson(const struct lesson_args *a, const struct lesson_catalog *cat)
{
	const struct lesson *l = lesson_args_lesson(a, cat, 0);
	return l ? run_lessons(a, cat, l, !strcmp(a->name, "present")) : 2;
}

int cmd_lesson(int argc, char **argv)
{
	return lesson_cmd(argc, argv, lesson);
}
