/*
 * ui_lesson.c — the lesson screen: code, step, packets and detail panes,
 * a title bar and a status line.  It owns the lab (lab_open on create,
 * lab_close on destroy).
 *
 * A step runs on a worker thread (lab_step blocks: a recv may wait for its
 * timeout), so the screen stays alive meanwhile: packets show up as they are
 * captured, the window may be resized, and q waits for the step to finish
 * before it leaves.  The worker touches only the lab; the screen reads the
 * step's result once it has joined the worker.
 */
#include "tui/pane.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NPANES = 4, WIDE_MIN = 150, MID_MIN = 100 };
enum { P_CODE, P_STEP, P_PACKETS, P_DETAIL };
static const struct pane *const panes[NPANES] = { &pane_code, &pane_explain, &pane_packets, &pane_detail };
/* Heights of the panes stacked in a narrow window (the focused one triples). */
static const int stack_weight[NPANES] = { 3, 2, 3, 3 };

struct lesson_screen {
	struct ui *ui;
	const struct tui_context *ctx;
	struct lesson_view v;
	void *state[NPANES];
	void *ladder_state;         /* pane_ladder, shown in the packets' place after L */
	bool ladder;
	struct rect rect[NPANES];
	int focus, w, h;
	pthread_t worker;
	atomic_bool finished;       /* the worker's step has returned */
	atomic_int ran;             /* what lab_step returned */
	bool leaving;               /* q pressed while a step runs */
	char msg[256];
};

/* L swaps the packet list for the ladder diagram in the same place: the
 * same packet selection, the same detail pane below. */
static const struct pane *pane_at(const struct lesson_screen *s, int i)
{
	return i == P_PACKETS && s->ladder ? &pane_ladder : panes[i];
}

static void *state_at(const struct lesson_screen *s, int i)
{
	return i == P_PACKETS && s->ladder ? s->ladder_state : s->state[i];
}

static void lesson_destroy(void *self)
{
	struct lesson_screen *s = self;
	if (s->v.running)
		pthread_join(s->worker, NULL);   /* bounded: every call of a step is */
	for (int i = 0; i < NPANES; i++)
		if (s->state[i])
			panes[i]->destroy(s->state[i]);
	if (s->ladder_state)
		pane_ladder.destroy(s->ladder_state);
	lab_close(s->v.lab);
	free(s);
}

static void *lesson_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	const struct lesson *l = arg;
	struct lesson_screen *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->ui = ui;
	s->ctx = ui_context(ui);
	struct lab_options opt = { .family = s->ctx->family };
	s->v.lab = lab_open(l, s->ctx->cap, s->ctx->mode, &opt, err, errlen);
	if (!s->v.lab) {
		free(s);
		return NULL;
	}
	s->v.lesson = l;
	s->v.family = lab_family(s->v.lab);
	s->v.port = lab_port(s->v.lab);
	s->v.vars = lab_vars(s->v.lab);
	s->v.sel_packet = -1;
	s->v.follow = true;
	if (!lab_capturing(s->v.lab))
		s->v.no_capture = s->ctx->capture_why && *s->ctx->capture_why ? s->ctx->capture_why : "capture is off";
	s->ladder_state = pane_ladder.create();
	for (int i = 0; i < NPANES; i++)
		if (!s->ladder_state || !(s->state[i] = panes[i]->create())) {
			snprintf(err, errlen, "out of memory");
			lesson_destroy(s);
			return NULL;
		}
	return s;
}

/* Wide: code and step on the left, packets and detail on the right (a
 * packet line needs ~95 columns before its summary shows).  Middle: code
 * and step side by side above packets and detail at full width.  Narrow:
 * all four stacked. */
static void layout(struct lesson_screen *s)
{
	int y = 1, h = s->h - 2, w = s->w;
	if (w >= MID_MIN && w < WIDE_MIN && h >= 24) {
		int top = h * 9 / 20, pk = h / 4;
		s->rect[P_CODE] = (struct rect){ y, 0, top, w / 2 };
		s->rect[P_STEP] = (struct rect){ y, w / 2, top, w - w / 2 };
		s->rect[P_PACKETS] = (struct rect){ y + top, 0, pk, w };
		s->rect[P_DETAIL] = (struct rect){ y + top + pk, 0, h - top - pk, w };
		return;
	}
	if (w >= WIDE_MIN) {
		int rw = w * 3 / 5 > 96 ? w * 3 / 5 : 96, lw = w - rw;
		int code = (int)pane_code_lines(&s->v) + 2, cap = h * 11 / 20;
		code = code < cap ? code : cap;
		int pk = h * 2 / 5;
		s->rect[P_CODE] = (struct rect){ y, 0, code, lw };
		s->rect[P_STEP] = (struct rect){ y + code, 0, h - code, lw };
		s->rect[P_PACKETS] = (struct rect){ y, lw, pk, rw };
		s->rect[P_DETAIL] = (struct rect){ y + pk, lw, h - pk, rw };
		return;
	}
	/* Every pane gets a line of text at least; the rest goes by weight. */
	int total = 0, rest = h - 3 * NPANES > 0 ? h - 3 * NPANES : 0;
	for (int i = 0; i < NPANES; i++)
		total += stack_weight[i] * (i == s->focus ? 3 : 1);
	for (int i = 0; i < NPANES; i++) {
		int ph = i == NPANES - 1 ? s->h - 1 - y : 3 + rest * stack_weight[i] * (i == s->focus ? 3 : 1) / total;
		s->rect[i] = (struct rect){ y, 0, ph, w };
		y += ph;
	}
}

static void lesson_resize(void *self, int w, int h)
{
	struct lesson_screen *s = self;
	s->w = w;
	s->h = h;
	layout(s);
}

/* Show step i: its code highlighted, its packets marked, its first packet selected. */
static void show_step(struct lesson_screen *s, size_t i)
{
	s->v.view = i;
	const struct lab_step_result *r = lesson_view_result(&s->v);
	if (r && r->npackets) {
		s->v.sel_packet = (long)r->first_packet;
		s->v.follow = false;
	}
}

static void *worker_main(void *arg)
{
	struct lesson_screen *s = arg;
	atomic_store(&s->ran, lab_step(s->v.lab));
	atomic_store(&s->finished, true);
	return NULL;
}

static void run_step(struct lesson_screen *s)
{
	size_t n = s->v.lesson->nsteps;
	if (s->v.running) {
		snprintf(s->msg, sizeof s->msg, "step %zu is still running...", s->v.done + 1);
		return;
	}
	if (s->v.done >= n) {
		snprintf(s->msg, sizeof s->msg, "all %zu steps have run: b goes back, q returns to the lessons", n);
		return;
	}
	s->v.view = s->v.done;
	s->v.follow = true;
	snprintf(s->msg, sizeof s->msg, "running step %zu: %s...", s->v.done + 1, s->v.lesson->steps[s->v.done].title);
	atomic_store(&s->finished, false);
	/* The worker takes no signals: they are the main loop's, and must not
	 * interrupt the lesson's calls with EINTR. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	s->v.running = pthread_create(&s->worker, NULL, worker_main, s) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!s->v.running)   /* no thread to be had: run it here, the screen waits */
		worker_main(s);
}

/* Take in what happened since the last tick; true when the screen changed. */
static bool sync_lab(struct lesson_screen *s)
{
	bool changed = false;
	if (s->v.running && atomic_load(&s->finished)) {
		pthread_join(s->worker, NULL);
		s->v.running = false;
	}
	if (!s->v.running && atomic_load(&s->finished)) {
		atomic_store(&s->finished, false);
		int idx = atomic_load(&s->ran);
		if (idx >= 0) {
			s->v.done = (size_t)idx + 1;
			s->v.view = (size_t)idx;
		}
		s->msg[0] = '\0';
		if (s->v.done == s->v.lesson->nsteps)
			snprintf(s->msg, sizeof s->msg, "all steps have run: b goes back through them, q returns to the lessons");
		changed = true;
	}
	size_t n = lab_packet_count(s->v.lab);
	if (n != s->v.npackets) {
		s->v.npackets = n;
		changed = true;
	}
	if (s->v.follow && n && s->v.sel_packet != (long)n - 1) {
		s->v.sel_packet = (long)n - 1;
		changed = true;
	}
	return changed;
}

static enum ui_result lesson_tick(void *self)
{
	struct lesson_screen *s = self;
	bool changed = sync_lab(s);
	if (s->leaving && !s->v.running)
		return UI_LEAVE;
	return changed ? UI_REDRAW : UI_HANDLED;
}

static void lesson_draw(void *self)
{
	struct lesson_screen *s = self;
	sync_lab(s);
	char left[1024], right[128], cap[900];
	snprintf(left, sizeof left, "sockscope  -  %s  -  IPv%d, lab server %s port %u", s->v.lesson->title,
	         s->v.family, s->v.family == 6 ? "::1" : "127.0.0.1", s->v.port);
	ui_status_bar(0, s->w, left, "? help");
	for (int i = 0; i < NPANES; i++)
		pane_at(s, i)->draw(state_at(s, i), &s->v, s->rect[i], i == s->focus);

	if (s->v.no_capture)
		snprintf(cap, sizeof cap, "no capture: %s", s->v.no_capture);
	else
		lab_capture_status(s->v.lab, cap, sizeof cap);
	size_t n = s->v.lesson->nsteps;
	char step[64];
	if (s->v.view + 1 < s->v.done)
		snprintf(step, sizeof step, "step %zu/%zu (%zu run)", s->v.view + 1, n, s->v.done);
	else
		snprintf(step, sizeof step, "step %zu/%zu%s", s->v.view + 1, n, s->v.view >= s->v.done ? " (not run)" : "");
	snprintf(left, sizeof left, "%s  |  %s%s%s", step, cap, s->msg[0] ? "  |  " : "", s->msg);
	if (s->w >= WIDE_MIN)
		snprintf(right, sizeof right, "Space run  b back  Tab focus: %s  p %s  ? help  q lessons",
		         pane_at(s, s->focus)->name, s->v.python ? "C" : "Python");
	else
		snprintf(right, sizeof right, "Space run  Tab focus: %s  ? help", pane_at(s, s->focus)->name);
	ui_status_bar(s->h - 1, s->w, left, right);
}

static enum ui_result lesson_key(void *self, int key)
{
	struct lesson_screen *s = self;
	if (s->leaving)
		return UI_HANDLED;
	enum ui_result r = pane_at(s, s->focus)->key(state_at(s, s->focus), &s->v, key);
	if (r != UI_IGNORED)
		return r;
	size_t n = s->v.lesson->nsteps;   /* b/f move among the steps run and the next one */
	size_t last = s->v.done < n ? s->v.done : n ? n - 1 : 0;
	switch (key) {
	case ' ': case TK_ENTER:
		run_step(s);
		break;
	case 'b': case TK_LEFT: case 'h':
		show_step(s, s->v.view > 0 ? s->v.view - 1 : 0);
		break;
	case 'f': case TK_RIGHT: case 'l':
		show_step(s, s->v.view < last ? s->v.view + 1 : last);
		break;
	case TK_TAB: case TK_BTAB:
		s->focus = (s->focus + (key == TK_TAB ? 1 : NPANES - 1)) % NPANES;
		layout(s);
		break;
	case 'p':
		s->v.python = !s->v.python;
		layout(s);
		break;
	case 'L':   /* the focus goes along, so the arrow keys move in the ladder */
		s->ladder = !s->ladder;
		s->focus = P_PACKETS;
		layout(s);
		break;
	case '?':
		ui_push(s->ui, &ui_help, NULL, s->msg, sizeof s->msg);
		break;
	case 'q': case TK_ESC:
		if (!s->v.running)
			return UI_LEAVE;
		s->leaving = true;
		snprintf(s->msg, sizeof s->msg, "waiting for step %zu to finish before leaving...", s->v.done + 1);
		break;
	default:
		return UI_IGNORED;
	}
	return UI_REDRAW;
}

const struct ui_screen ui_lesson = {
	.name = "lesson",
	.create = lesson_create, .destroy = lesson_destroy, .resize = lesson_resize,
	.draw = lesson_draw, .handle_key = lesson_key, .tick = lesson_tick,
};
