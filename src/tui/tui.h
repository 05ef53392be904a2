/*
 * tui.h — the terminal user interface (ncursesw).  The only part of
 * sockscope that includes curses.
 */
#ifndef SOCKSCOPE_TUI_H
#define SOCKSCOPE_TUI_H

#include <stdbool.h>
#include <stdio.h>

#include "capture/capture.h"
#include "capfile/capfile.h"
#include "inspect/live.h"
#include "inspect/view.h"
#include "lesson/lesson.h"

/* What `sockscope inspect FILE` opens the inspection screen on. */
struct tui_inspect {
	struct capfile *cf;           /* opened, not yet indexed; borrowed (the caller closes it) */
	struct live *live;            /* a live capture writing cf (started), or NULL; borrowed */
	const char *filter, *search;  /* the display filter and search to start with, or NULL */
	enum inspect_time time;
};

/* What `sockscope trace -- PROG` opens the trace screen on. */
struct trace;
struct tui_trace {
	struct trace *t;              /* opened (trace_open), not stepped yet: the screen's thread steps and closes it */
	const char *prog;             /* the program, as given */
	bool lines;                   /* --lines: Space steps a line */
	int rc;                       /* set when the screen ends: what trace_close returned */
};

struct tui_context {
	const struct lesson_catalog *catalog;
	struct capture *cap;          /* may be NULL: demos run without packets */
	enum capture_mode mode;
	const char *capture_why;      /* why there is no capture, or "" */
	int family;                   /* 0 = each lesson's own, else 4 or 6 */
	int client_rcvtimeo_cap;      /* --timeout-cap: bounds the lessons' waiting recv() calls */
	const char *toggles;          /* --toggle: switched on from the start ("" none) */
	const char *start_lesson;     /* open this lesson id at once, or NULL for the browser */
	const char *replay;           /* show start_lesson from this recording (lab/record.h), or NULL */
	const char *record;           /* record start_lesson's run here when it is left (--record), or NULL */
	char *record_note;            /* what became of the recording, for stderr once the screen ends */
	size_t record_note_len;
	enum demo_side side;          /* two terminals: start_lesson runs this side (lab/peer.h) */
	uint16_t peer_port;           /* the client side: the server side's control port */
	bool present;                 /* open start_lesson in presenter mode (sockscope present ID) */
	const char *theme;            /* dark, light, contrast; NULL: $SOCKSCOPE_THEME, else dark
	                                 (contrast when presenting) */
	const struct tui_inspect *inspect;   /* non-NULL: the inspection screen instead of lessons */
	struct tui_trace *trace;      /* non-NULL: the trace screen instead of lessons */
};

/* Print what every screen's keys do (`sockscope keys`): as text, or as the
 * man page's KEYS subsections (man(7) source) when man. */
void tui_print_keys(FILE *f, bool man);

/* Run the interface until the user quits.  Always restores the terminal.
 * Returns the process exit status. */
int tui_run(const struct tui_context *ctx);

#endif
