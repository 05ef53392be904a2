/*
 * pane.h — the panes of the lesson screen and the state they share.
 *
 * The lesson screen (ui_lesson.c) owns a `struct lesson_view` and one state
 * per pane; panes read the view, draw into the rectangle they are given and
 * take keys while they have the focus.  A pane answers UI_IGNORED to keys
 * that are not its own, which the lesson screen then handles (run a step,
 * step back...), so the focused pane always has the first word.
 */
#ifndef SOCKSCOPE_PANE_H
#define SOCKSCOPE_PANE_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/lab.h"
#include "tui/ui.h"

struct lesson_view {
	struct lab *lab;              /* owned by the lesson screen */
	const struct lesson *lesson;
	int family;
	unsigned port;
	const struct lesson_vars *vars;   /* for lesson_expand */
	size_t view;                  /* the step shown (highlighted, packets marked) */
	size_t done;                  /* steps that have run */
	bool running;                 /* step `done` is running on the worker thread */
	bool python;                  /* the code pane shows Python */
	size_t npackets;              /* packets captured, as of the last tick */
	long sel_packet;              /* the packet in the detail pane, -1 none */
	bool follow;                  /* sel_packet follows the newest packet */
	const char *no_capture;       /* why there are no packets, or NULL when capturing */
};

/* The shown step's result once it has run (NULL before, and while it runs:
 * the worker thread is still writing it). */
static inline const struct lab_step_result *lesson_view_result(const struct lesson_view *v)
{
	return v->view < v->done ? lab_result(v->lab, v->view) : NULL;
}

struct pane {
	const char *name;
	void *(*create)(void);
	void (*destroy)(void *self);
	/* Draw inside `outer` (the pane draws its own box and title). */
	void (*draw)(void *self, struct lesson_view *v, struct rect outer, bool focus);
	enum ui_result (*key)(void *self, struct lesson_view *v, int key);
};

extern const struct pane pane_code, pane_explain, pane_packets, pane_detail;
/* In the packets' place when L is pressed: the connection as a ladder diagram. */
extern const struct pane pane_ladder;

/* Lines the code pane shows (head + steps + tail), for the layout. */
size_t pane_code_lines(const struct lesson_view *v);

#endif
