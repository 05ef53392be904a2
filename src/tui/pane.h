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

#include "dissect/dissect.h"
#include "lab/lab.h"
#include "tui/ui.h"
#include "common/mem.h"

#include <stdlib.h>

/* Toggle and compare (key t): the lesson re-run with a toggle flipped, up
 * to the step reached, beside the run it was flipped from. */
struct lesson_compare {
	const struct lesson_toggle *toggle;
	struct lab *side[2];          /* [0] without the toggle, [1] with it */
	struct lab *fresh;            /* the one of the two just opened (owned by the lesson screen) */
	size_t target;                /* steps the fresh run must reach */
	size_t ran;                   /* steps it has run so far */
	bool running;                 /* still running them (on the worker thread) */
};

/* A prediction the learner typed for a step (predict, then capture). */
enum { GUESS_NOT_ASKED = -1, GUESS_SKIPPED = -2 };

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
	bool both;                    /* ... or C and Python side by side */
	int code_half;                /* columns of the C half when side by side (set by the code pane) */
	size_t npackets;              /* packets captured, as of the last tick */
	long sel_packet;              /* the packet in the detail pane, -1 none */
	bool follow;                  /* sel_packet follows the newest packet */
	const char *no_capture;       /* why there are no packets, or NULL when capturing */
	long *guess;                  /* per step: the learner's prediction, or GUESS_* */
	/* Bytes back to code: the detail pane publishes its selected field; the
	 * lesson screen finds the step's origin of that name for the code pane
	 * (whose lines containing `origin_needle` light up) and the status line. */
	char sel_field[FIELD_NAME_MAX];   /* "" when no field is selected */
	int sel_field_step;           /* the selected packet's step, or LAB_PKT_SETUP / LAB_PKT_BETWEEN */
	const struct lesson_origin *origin;   /* NULL when the field has none */
	int origin_step;
	char origin_expr[256];        /* the origin's expression, expanded */
	char origin_needle[256];      /* its text up to any "...": what the code line contains */
	struct lesson_compare *cmp;   /* non-NULL while the comparison is shown */
};

/* The shown step's result once it has run (NULL before, and while it runs:
 * the worker thread is still writing it). */
static inline const struct lab_step_result *lesson_view_result(const struct lesson_view *v)
{
	return v->view < v->done ? lab_result(v->lab, v->view) : NULL;
}

/* Predict, then capture: a step with a prediction keeps its title and
 * explanation (which may state the answer) hidden until the prediction is
 * answered or skipped and the step runs. */
static inline bool lesson_view_hides_step(const struct lesson_view *v, size_t i)
{
	return i < v->lesson->nsteps && i >= v->done && v->lesson->steps[i].predict && !v->no_capture &&
	       (!v->guess || v->guess[i] == GUESS_NOT_ASKED);
}

/* The step's title as it may be shown now: "predict first" while hidden. */
static inline const char *lesson_view_step_title(const struct lesson_view *v, size_t i)
{
	return i >= v->lesson->nsteps ? "" : lesson_view_hides_step(v, i) ? "predict first" : v->lesson->steps[i].title;
}

struct pane {
	const char *name;
	size_t size;                  /* of its state: pane_new allocates it zeroed */
	void (*init)(void *self);     /* what is not zero at the start (NULL: nothing) */
	void (*fini)(void *self);     /* free what the state holds, not the state (NULL: nothing) */
	/* Draw inside `outer` (the pane draws its own box and title). */
	void (*draw)(void *self, struct lesson_view *v, struct rect outer, bool focus);
	enum ui_result (*key)(void *self, struct lesson_view *v, int key);
};

/* A pane's state as its vtable describes it, owned by the caller until
 * pane_free (which takes NULL).  Out of memory ends the program (mem.h). */
static inline void *pane_new(const struct pane *p)
{
	void *self = xcalloc(1, p->size);
	if (p->init)
		p->init(self);
	return self;
}

static inline void pane_free(const struct pane *p, void *self)
{
	if (self && p->fini)
		p->fini(self);
	free(self);
}

extern const struct pane pane_code, pane_explain, pane_packets, pane_detail;
/* In the packets' place when L is pressed: the connection as a ladder diagram. */
extern const struct pane pane_ladder;
extern const struct key_table pane_ladder_keys;   /* its keys, for the lesson's help */
/* In place of all four while comparing (key t): the two runs side by side. */
extern const struct pane pane_compare;

/* Lines the code pane shows (head + steps + tail), for the layout. */
size_t pane_code_lines(const struct lesson_view *v);
/* Columns of its longest line (bytes; the code is ASCII), for the layout. */
int pane_code_width(const struct lesson_view *v);
/* Lines the step pane needs `width` columns wide: its calls, its packets
 * and the grade of its prediction (what must show without scrolling), and
 * with `all` the TCP states and the explanation too.  For the layout. */
size_t pane_explain_lines(const struct lesson_view *v, int width, bool all);

#endif
