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
 *
 * The curriculum around the steps:
 *  - predict, then capture: Space on a step with a prediction first asks
 *    it in a small prompt; the step box grades the answer on the capture;
 *  - toggle and compare (t): the capture is handed to a second lab opened
 *    with the toggle flipped; the worker runs it up to the step reached and
 *    the two runs are shown side by side (pane_compare).  Space does not
 *    run steps meanwhile.  Leaving the comparison keeps the second run, the
 *    one that holds the capture, as the lesson's run: the lesson goes on
 *    with the toggle flipped and t flips it back.  Re-running the first one
 *    instead would make the learner wait again for a result already seen,
 *    and at no time do two labs capture;
 *  - bytes back to code: the field selected in the detail pane, when the
 *    packet's step names it as an origin, lights the code that set it;
 *  - progress (steps reached) is saved after every step; Q opens the quiz
 *    once all steps have run, s the TCP state timeline, a the address
 *    explorer.
 */
#include "lab/lab_text.h"
#include "common/mem.h"
#include "tui/fieldview.h"
#include "tui/pane.h"
#include "lab/record.h"
#include "lesson/progress.h"

#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { NPANES = 4, WIDE_MIN = 150, MID_MIN = 100 };
enum { P_CODE, P_STEP, P_PACKETS, P_DETAIL };
static const struct pane *const panes[NPANES] = { &pane_code, &pane_explain, &pane_packets, &pane_detail };
/* Heights of the panes stacked in a narrow window (the focused one triples). */
static const int stack_weight[NPANES] = { 3, 2, 3, 3 };
#define PRESENT_BANNER 6   /* presenter mode: rows of the banner (title, two of calls, hint) */
#define PEER_BOX 3         /* two terminals, the server side: rows of the client's command box */

/* What the worker thread runs. */
enum job { JOB_STEP, JOB_COMPARE, JOB_RESUME };
/* A small dialog that takes the keys while it is open. */
enum modal { MODAL_NONE, MODAL_PREDICT, MODAL_TOGGLES, MODAL_RESUME };

struct lesson_screen {
	struct ui *ui;
	const struct tui_context *ctx;
	struct lesson_view v;
	void *state[NPANES];
	void *ladder_state;         /* pane_ladder, shown in the packets' place after L */
	void *compare_state;        /* pane_compare, in place of all four while comparing */
	bool ladder;
	struct rect rect[NPANES];
	int focus, w, h;
	pthread_t worker;
	bool busy;                  /* the worker thread is running `job` */
	enum job job;
	atomic_bool finished;       /* the worker's job has returned */
	atomic_int ran;             /* what lab_step returned (JOB_STEP) */
	atomic_size_t cmp_ran;      /* steps the comparison's run has done (JOB_COMPARE) */
	atomic_bool cancel;         /* Esc: the comparison's run stops after the step it is in */
	size_t cmp_npackets;        /* its packets, as of the last tick */
	struct lesson_compare cmp;  /* v.cmp points here while comparing */
	bool leaving;               /* q pressed while a step runs */
	enum modal modal;
	struct ui_input input;      /* the prediction being typed */
	size_t menu_sel;            /* the toggle under the cursor in the menu */
	bool progress_warned;       /* a progress file that cannot be written is said once */
	size_t resume_to;           /* MODAL_RESUME, JOB_RESUME: the steps to run again before going on */
	/* Presenter mode (ui_present): the essentials, large step titles, the
	 * keys of a presentation clicker, teacher notes on demand, a blank screen. */
	bool present, notes, blank;
	struct ui_lines notes_lines;
	bool peer_box;              /* two terminals: the box with the client side's command, until it joins */
	const char *seen_wait;      /* lab_waiting_for as last drawn */
	bool alone;                 /* the program was started on this lesson: q leaves the program */
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
	atomic_store(&s->cancel, true);   /* a comparison's run need not catch up */
	if (s->busy)
		pthread_join(s->worker, NULL);   /* bounded: every call of a step is */
	for (int i = 0; i < NPANES; i++)
		pane_free(panes[i], s->state[i]);
	pane_free(&pane_ladder, s->ladder_state);
	pane_free(&pane_compare, s->compare_state);
	if (s->v.cmp)
		lab_close(s->cmp.fresh);
	ui_lines_free(&s->notes_lines);
	/* --record: the run as far as it went, also when left early. */
	if (s->ctx->record && s->ctx->start_lesson && strcmp(s->ctx->start_lesson, s->v.lesson->id) == 0 &&
	    s->ctx->record_note)
		record_finish(s->v.lab, s->ctx->record, s->ctx->record_note, s->ctx->record_note_len);
	lab_close(s->v.lab);
	free(s->v.guess);
	free(s);
}

static bool toggles_on(const char *toggles)
{
	return toggles && toggles[strspn(toggles, " ")];
}

/* A lab for this lesson with the given toggles switched on. */
static struct lab *open_lab(struct lesson_screen *s, const char *toggles, char *err, size_t errlen)
{
	struct lab_options opt = { .family = s->ctx->family, .client_rcvtimeo_cap = s->ctx->client_rcvtimeo_cap };
	snprintf(opt.toggles, sizeof opt.toggles, "%s", toggles ? toggles : "");
	/* --replay and --role name the lesson the program was started on. */
	bool start = s->ctx->start_lesson && strcmp(s->ctx->start_lesson, s->v.lesson->id) == 0;
	const char *replay = start && s->ctx->replay && !toggles_on(toggles) ? s->ctx->replay : NULL;
	if (start && !toggles_on(toggles)) {
		opt.side = s->ctx->side;
		opt.peer_port = s->ctx->peer_port;
	}
	return lab_open_or_replay(s->v.lesson, s->ctx->cap, s->ctx->mode, &opt, replay, err, errlen);
}

/* Make `lab` the run the screen shows. */
static void set_lab(struct lesson_screen *s, struct lab *lab)
{
	s->v.lab = lab;
	s->v.family = lab_family(lab);
	s->v.port = lab_port(lab);
	s->v.vars = lab_vars(lab);
}

/* A lesson left halfway is offered where it was left (progress.h keeps the
 * steps reached).  Not for a recording, whose steps are fixed, nor for two
 * terminals, whose other side starts from the start. */
static void offer_resume(struct lesson_screen *s)
{
	struct progress *p = progress_load(NULL);
	const struct progress_entry *e = progress_get(p, s->v.lesson->id);
	if (e && e->steps > 0 && e->steps < s->v.lesson->nsteps && e->nsteps == s->v.lesson->nsteps &&
	    !lab_replaying(s->v.lab) && lab_side(s->v.lab) == DEMO_SIDE_BOTH) {
		s->resume_to = e->steps;
		s->modal = MODAL_RESUME;
	}
	progress_free(p);
}

static void *lesson_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	const struct lesson *l = arg;
	struct lesson_screen *s = xcalloc(1, sizeof *s);
	s->v.guess = xcalloc(l->nsteps, sizeof *s->v.guess);
	s->ui = ui;
	s->ctx = ui_context(ui);
	s->v.lesson = l;
	for (size_t i = 0; i < l->nsteps; i++)
		s->v.guess[i] = GUESS_NOT_ASKED;
	struct lab *lab = open_lab(s, s->ctx->toggles, err, errlen);
	if (!lab) {
		free(s->v.guess);
		free(s);
		return NULL;
	}
	set_lab(s, lab);
	s->alone = s->ctx->start_lesson && strcmp(s->ctx->start_lesson, l->id) == 0;
	/* The lesson the program starts on is opened before the terminal is
	 * taken (tui_run), so this line stays on the shell's screen. */
	if (lab_side(lab) == DEMO_SIDE_SERVER) {
		fprintf(stderr, "sockscope: two terminals, the server side. In the other terminal, run:\n"
		        "  sockscope lesson %s --role client --peer %u\n", l->id, lab_peer_port(lab));
		s->peer_box = lab_peer_waiting(lab);
	}
	s->v.sel_packet = -1;
	s->v.follow = true;
	s->v.sel_field_step = LAB_PKT_SETUP;
	if (!lab_capturing(s->v.lab))
		s->v.no_capture = s->ctx->capture_why && *s->ctx->capture_why ? s->ctx->capture_why : "capture is off";
	offer_resume(s);
	s->ladder_state = pane_new(&pane_ladder);
	s->compare_state = pane_new(&pane_compare);
	for (int i = 0; i < NPANES; i++)
		s->state[i] = pane_new(panes[i]);
	return s;
}

/* Stacked panes in a small window (80x24): what the step did must show
 * without scrolling -- its calls and grade, and its packets (three rows at
 * least, a handshake) -- so those rows are given first, then the focused
 * pane a few, the step's code, a few to the detail, the explanation,
 * then the focused pane all it would show and the rest to the detail.  False when the window is too short for
 * that (the weights then share it). */
static bool stacked_by_need(struct lesson_screen *s, int y, int h)
{
	enum { BORDER = 2, MAX_PACKETS = 8 };
	int avail = h - BORDER * NPANES, cw = s->w - 4;   /* a box's inside, less the step pane's margin */
	const struct lesson_view *v = &s->v;
	if (v->view >= v->lesson->nsteps || avail < 12)
		return false;
	const struct lab_step_result *r = lesson_view_result(v);
	int npk = r && r->npackets > 3 ? (int)r->npackets : r || v->npackets ? 3 : 1;   /* 1: "(none yet)" */
	const struct lesson_step *st = &v->lesson->steps[v->view];
	int code = (int)(v->python ? st->py.n : lesson_step_code(st, v->family)->n) + 2;
	int need[NPANES] = {
		[P_CODE] = code,
		[P_STEP] = (int)pane_explain_lines(v, cw, false),
		[P_PACKETS] = 1 + (npk < MAX_PACKETS ? npk : MAX_PACKETS),
		[P_DETAIL] = v->npackets ? 4 : 1,
	};
	int full[NPANES] = {
		[P_CODE] = (int)pane_code_lines(v), [P_STEP] = (int)pane_explain_lines(v, cw, true),
		[P_PACKETS] = 1 + (int)v->npackets, [P_DETAIL] = avail,
	};
	int got[NPANES] = { 1, 1, 1, 1 }, left = avail - NPANES;
	/* give pane i up to `to` rows, as far as they go */
#define GIVE(i, to) do { int more_ = (to) - got[i]; more_ = more_ < left ? more_ : left; \
		if (more_ > 0) { got[i] += more_; left -= more_; } } while (0)
	GIVE(P_STEP, need[P_STEP]);
	GIVE(P_PACKETS, need[P_PACKETS]);
	GIVE(s->focus, need[s->focus] > 6 ? need[s->focus] : 6);
	GIVE(P_CODE, need[P_CODE]);
	GIVE(P_DETAIL, need[P_DETAIL]);
	GIVE(P_STEP, full[P_STEP]);
	GIVE(s->focus, full[s->focus]);
	GIVE(P_DETAIL, avail);
#undef GIVE
	for (int i = 0; i < NPANES; i++) {
		int ph = got[i] + BORDER + (i == NPANES - 1 ? left : 0);
		s->rect[i] = (struct rect){ y, 0, ph, s->w };
		y += ph;
	}
	return true;
}

/* Wide: code and step on the left, packets and detail on the right (a
 * packet line needs ~95 columns before its summary shows).  Middle: code
 * and step side by side above packets and detail at full width.  Narrow:
 * all four stacked. */
static void layout(struct lesson_screen *s)
{
	int y = 1, h = s->h - 2, w = s->w;
	if (s->peer_box) {   /* the other terminal's command, until it is run */
		y += PEER_BOX;
		h -= PEER_BOX;
	}
	if (s->present) {
		/* A banner with the step's title; code on the left, the step's
		 * packets and one detail on the right; the explanation's place
		 * shows the teacher's notes when asked (n). */
		int banner = PRESENT_BANNER, body = h - banner, lw = w * 2 / 5 < 40 ? w / 2 : w * 2 / 5;
		int pk = body / 2;
		int notes = s->notes ? body / 3 : 0;
		s->rect[P_CODE] = (struct rect){ y + banner, 0, body - notes, lw };
		s->rect[P_STEP] = (struct rect){ y + banner + body - notes, 0, notes, lw };
		s->rect[P_PACKETS] = (struct rect){ y + banner, lw, pk, w - lw };
		s->rect[P_DETAIL] = (struct rect){ y + banner + pk, lw, body - pk, w - lw };
		return;
	}
	if (w >= MID_MIN && w < WIDE_MIN && h >= 24) {
		int top = h * 9 / 20, pk = h / 4;
		s->rect[P_CODE] = (struct rect){ y, 0, top, w / 2 };
		s->rect[P_STEP] = (struct rect){ y, w / 2, top, w - w / 2 };
		s->rect[P_PACKETS] = (struct rect){ y + top, 0, pk, w };
		s->rect[P_DETAIL] = (struct rect){ y + top + pk, 0, h - top - pk, w };
		return;
	}
	if (w >= WIDE_MIN) {
		/* The code is as wide as its longest line (and its marks and box)
		 * when the packets keep the room their whole lines need (~96);
		 * never narrower than two fifths. */
		int rw = w * 3 / 5 > 96 ? w * 3 / 5 : 96, lw = w - rw;
		int want = pane_code_width(&s->v) + 4, most = w - 96;
		if (want > lw)
			lw = want < most ? want : most > lw ? most : lw;
		rw = w - lw;
		int code = (int)pane_code_lines(&s->v) + 2, cap = h * 11 / 20;
		code = code < cap ? code : cap;
		int pk = h * 2 / 5;
		s->rect[P_CODE] = (struct rect){ y, 0, code, lw };
		s->rect[P_STEP] = (struct rect){ y + code, 0, h - code, lw };
		s->rect[P_PACKETS] = (struct rect){ y, lw, pk, rw };
		s->rect[P_DETAIL] = (struct rect){ y + pk, lw, h - pk, rw };
		return;
	}
	if (stacked_by_need(s, y, h))
		return;
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
	if (s->job == JOB_COMPARE) {
		/* The fresh run catches up with the step the learner reached. */
		/* Esc is looked at between steps: a step's calls run together on
		 * both sides (the lab's thread waits for the client's), so one is
		 * not cut in the middle; each is bounded by its timeouts. */
		while (!atomic_load(&s->cancel) && lab_steps_done(s->cmp.fresh) < s->cmp.target &&
		       lab_step(s->cmp.fresh) >= 0)
			atomic_fetch_add(&s->cmp_ran, 1);
	} else if (s->job == JOB_RESUME) {
		/* The demo has real state (sockets, connections): the steps before
		 * the one to go on with run again, one after the other. */
		while (lab_steps_done(s->v.lab) < s->resume_to && lab_step(s->v.lab) >= 0)
			;
	} else {
		atomic_store(&s->ran, lab_step(s->v.lab));
	}
	atomic_store(&s->finished, true);
	return NULL;
}

static void start_job(struct lesson_screen *s, enum job job)
{
	s->job = job;
	atomic_store(&s->finished, false);
	/* The worker takes no signals: they are the main loop's, and must not
	 * interrupt the lesson's calls with EINTR. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	s->busy = pthread_create(&s->worker, NULL, worker_main, s) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	s->v.running = s->busy && job == JOB_STEP;
	if (!s->busy)   /* no thread to be had: run it here, the screen waits */
		worker_main(s);
}

/* Run the next step now (its prediction, if any, has been asked). */
static void start_step(struct lesson_screen *s)
{
	s->v.view = s->v.done;
	s->v.follow = true;
	snprintf(s->msg, sizeof s->msg, "running step %zu: %s...%s", s->v.done + 1, s->v.lesson->steps[s->v.done].title,
	         lab_side(s->v.lab) != DEMO_SIDE_BOTH ? " (with the other terminal: it starts when both pressed Space)" : "");
	start_job(s, JOB_STEP);
}

static void run_step(struct lesson_screen *s)
{
	size_t n = s->v.lesson->nsteps;
	if (s->busy) {
		snprintf(s->msg, sizeof s->msg, "step %zu is still running...", s->v.done + 1);
		return;
	}
	if (s->v.done >= n) {
		snprintf(s->msg, sizeof s->msg, "all %zu steps have run: Q for the quiz, b goes back, q %s", n,
		         s->alone ? "quits" : "returns to the lessons");
		return;
	}
	/* Predict, then capture: the question comes before the calls run.
	 * Without a capture there is nothing to grade it on. */
	const struct lesson_step *st = &s->v.lesson->steps[s->v.done];
	if (st->predict && !s->v.no_capture && s->v.guess[s->v.done] == GUESS_NOT_ASKED) {
		s->v.view = s->v.done;
		s->modal = MODAL_PREDICT;
		s->input = (struct ui_input){ 0 };
		return;
	}
	start_step(s);
}

/* Steps reached count as progress; a file that cannot be written is said
 * once, and the lesson goes on. */
static void save_progress(struct lesson_screen *s)
{
	char err[256];
	if (progress_update_steps(s->v.lesson->id, (unsigned)s->v.done, (unsigned)s->v.lesson->nsteps, err,
	                          sizeof err) < 0 && !s->progress_warned) {
		s->progress_warned = true;
		snprintf(s->msg, sizeof s->msg, "progress not saved: %s", err);
	}
}

/* Esc during the comparison's run: its lab (sockets, the lab's threads,
 * its capture) is closed and the lesson goes on as it was, capturing again. */
static void cancel_compare(struct lesson_screen *s)
{
	size_t ran = atomic_load(&s->cmp_ran);
	atomic_store(&s->cancel, false);
	lab_close(s->cmp.fresh);
	s->v.cmp = NULL;
	s->cmp = (struct lesson_compare){ 0 };
	bool capturing = lab_resume_capture(s->v.lab) == 0;
	if (!capturing)
		s->v.no_capture = "the capture could not be taken back after the comparison was cancelled";
	snprintf(s->msg, sizeof s->msg, "the re-run was cancelled after %zu step%s: the lesson goes on as it was", ran,
	         ran == 1 ? "" : "s");
	show_step(s, s->v.view);
	layout(s);
}

/* The worker has finished its job: take in what it did. */
static void job_done(struct lesson_screen *s)
{
	if (s->job == JOB_RESUME) {
		s->v.done = lab_steps_done(s->v.lab);
		for (size_t i = 0; i < s->v.done; i++)
			s->v.guess[i] = GUESS_SKIPPED;   /* answered last time; not asked again */
		s->v.view = s->v.done < s->v.lesson->nsteps ? s->v.done : s->v.done - 1;
		s->v.follow = true;
		snprintf(s->msg, sizeof s->msg, s->v.done == s->resume_to ? "steps 1-%zu ran again: Space runs step %zu"
		         : "only %zu steps could run again", s->v.done, s->v.done + 1);
		return;
	}
	if (s->job == JOB_COMPARE && atomic_load(&s->cancel)) {
		cancel_compare(s);
		return;
	}
	if (s->job == JOB_COMPARE) {
		s->cmp.running = false;
		s->cmp.ran = atomic_load(&s->cmp_ran);
		snprintf(s->msg, sizeof s->msg, "b/f: other steps  Esc: go on with '%s' %s (t flips it back)",
		         s->cmp.toggle->name, s->cmp.side[1] == s->cmp.fresh ? "on" : "off");
		return;
	}
	int idx = atomic_load(&s->ran);
	if (idx >= 0) {
		s->v.done = (size_t)idx + 1;
		s->v.view = (size_t)idx;
	}
	s->msg[0] = '\0';
	if (s->v.done == s->v.lesson->nsteps)
		snprintf(s->msg, sizeof s->msg, "all steps done: Q for the %s", s->v.lesson->nquestions ? "quiz" : "recap");
	if (idx >= 0)
		save_progress(s);
}

/* Take in what happened since the last tick; true when the screen changed. */
static bool sync_lab(struct lesson_screen *s)
{
	bool changed = false;
	if (s->busy && atomic_load(&s->finished)) {
		pthread_join(s->worker, NULL);
		s->busy = s->v.running = false;
	}
	if (!s->busy && atomic_load(&s->finished)) {
		atomic_store(&s->finished, false);
		job_done(s);
		changed = true;
	}
	if (s->v.cmp && s->cmp.running) {   /* the comparison's run, live */
		size_t ran = atomic_load(&s->cmp_ran), np = lab_packet_count(s->cmp.fresh);
		changed |= ran != s->cmp.ran || np != s->cmp_npackets;
		s->cmp.ran = ran;
		s->cmp_npackets = np;
	}
	const char *wait = lab_waiting_for(s->v.lab);
	if (wait != s->seen_wait) {   /* two terminals: now waiting for the other side, or no more */
		s->seen_wait = wait;
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

/* ---- toggle and compare ---- */

/* `toggles` with `name` switched the other way, into out. */
static void flip_toggle(const char *toggles, const char *name, char *out, size_t n)
{
	size_t len = 0;
	bool was_on = false;
	out[0] = '\0';
	for (const char *t = toggles ? toggles : ""; *t;) {
		size_t wl = strcspn(t, " ");
		if (wl == strlen(name) && strncmp(t, name, wl) == 0)
			was_on = true;
		else if (wl && len < n)
			len += (size_t)snprintf(out + len, n - len, "%s%.*s", len ? " " : "", (int)wl, t);
		t += wl;
		t += strspn(t, " ");
	}
	if (!was_on && len < n)
		snprintf(out + len, n - len, "%s%s", len ? " " : "", name);
}

static void start_compare(struct lesson_screen *s, size_t ti)
{
	const struct lesson_toggle *t = &s->v.lesson->toggles[ti];
	char flipped[128], err[256];
	if (s->v.done == 0) {
		snprintf(s->msg, sizeof s->msg, "run a step first: t re-runs the lesson up to the step you reached");
		return;
	}
	flip_toggle(lab_toggles(s->v.lab), t->name, flipped, sizeof flipped);
	/* One capture at a time: this run hands it over to the new one. */
	lab_stop_capture(s->v.lab);
	struct lab *fresh = open_lab(s, flipped, err, sizeof err);
	if (!fresh) {
		snprintf(s->msg, sizeof s->msg, "cannot re-run with '%s' flipped: %s", t->name, err);
		s->v.no_capture = "the capture was handed to a comparison that could not start";
		return;
	}
	bool on = demo_toggle_on(flipped, t->name);
	s->cmp = (struct lesson_compare){
		.toggle = t, .side = { on ? s->v.lab : fresh, on ? fresh : s->v.lab }, .fresh = fresh,
		.target = s->v.done, .running = true,
	};
	s->v.cmp = &s->cmp;
	s->cmp_npackets = 0;
	atomic_store(&s->cmp_ran, 0);
	snprintf(s->msg, sizeof s->msg, "re-running steps 1-%zu with '%s' %s...", s->v.done, t->name, on ? "on" : "off");
	start_job(s, JOB_COMPARE);
}

/* Leave the comparison: its run, the one that holds the capture, becomes
 * the lesson's run.  The panes that keep a packet of the old run (its
 * bytes, its ladder) start afresh, before the old run is closed. */
static void leave_compare(struct lesson_screen *s)
{
	void *detail = pane_new(&pane_detail), *ladder = pane_new(&pane_ladder);
	pane_free(&pane_detail, s->state[P_DETAIL]);
	pane_free(&pane_ladder, s->ladder_state);
	s->state[P_DETAIL] = detail;
	s->ladder_state = ladder;
	struct lab *old = s->v.lab;
	set_lab(s, s->cmp.fresh);
	lab_close(old);
	bool on = s->cmp.side[1] == s->cmp.fresh;
	snprintf(s->msg, sizeof s->msg, "the lesson goes on with '%s' %s: Space runs step %zu, t flips it back",
	         s->cmp.toggle->name, on ? "on" : "off", s->v.done + 1);
	if (s->v.done >= s->v.lesson->nsteps)
		snprintf(s->msg, sizeof s->msg, "the lesson goes on with '%s' %s (t flips it back)", s->cmp.toggle->name,
		         on ? "on" : "off");
	s->v.cmp = NULL;
	s->cmp = (struct lesson_compare){ 0 };
	/* The predictions were graded on the other run's capture. */
	for (size_t i = 0; i < s->v.lesson->nsteps; i++)
		s->v.guess[i] = GUESS_NOT_ASKED;
	s->v.npackets = lab_packet_count(s->v.lab);
	s->v.sel_packet = -1;
	s->v.follow = true;
	s->v.sel_field[0] = '\0';
	show_step(s, s->v.view);
	layout(s);
}

/* ---- bytes back to code ---- */

/* The origin of the detail pane's selected field in its packet's step. */
static void find_origin(struct lesson_view *v)
{
	v->origin = NULL;
	int st = v->sel_field_step;
	if (!v->sel_field[0] || st < 0 || (size_t)st >= v->lesson->nsteps)
		return;
	const struct lesson_step *step = &v->lesson->steps[st];
	for (size_t i = 0; i < step->norigins; i++)
		if (strcasecmp(step->origins[i].field, v->sel_field) == 0) {
			v->origin = &step->origins[i];
			v->origin_step = st;
			break;
		}
	if (!v->origin)
		return;
	lab_origin_text(step, v->origin, v->vars, v->family, v->origin_expr, sizeof v->origin_expr);
	/* "inet_pton(AF_INET, "127.0.0.1", ...)": the code has the real last
	 * argument, so the line is found by what comes before the dots. */
	const char *dots = strstr(v->origin_expr, "...");
	size_t k = dots ? (size_t)(dots - v->origin_expr) : strlen(v->origin_expr);
	while (k > 0 && (v->origin_expr[k - 1] == ' ' || v->origin_expr[k - 1] == ','))
		k--;
	snprintf(v->origin_needle, sizeof v->origin_needle, "%.*s", (int)k, v->origin_expr);
}

/* ---- the dialogs ---- */

static void draw_predict(struct lesson_screen *s)
{
	const struct lesson_step *st = &s->v.lesson->steps[s->v.done];
	int w = s->w - 8 < 72 ? s->w - 8 : 72;
	struct ui_lines l = { 0 };
	ui_lines_wrap(&l, st->predict_q, w - 6, TC_BOLD);   /* the inside of the box, less a margin */
	char title[160];
	snprintf(title, sizeof title, "Predict, then capture: step %zu", s->v.done + 1);
	struct rect in = ui_dialog(s->w, s->h, w, (int)l.n + 7, title);
	ui_lines_draw(&l, (struct rect){ in.y + 1, in.x + 2, (int)l.n, in.w - 4 }, 0, 0, false);
	int y = in.y + 2 + (int)l.n;
	term_text(y, in.x + 2, 14, "Your answer:", TC_NORMAL, 0, false);
	ui_input_draw(&s->input, y, in.x + 16, 8);
	term_text(y + 2, in.x + 2, in.w - 4, s->present ? "digits, Enter: run the step   PgDn/Esc: skip, run it   PgUp: back" :
	          "digits, Enter: run the step and see   Esc: skip the question", TC_DIM, 0, false);
	ui_lines_free(&l);
}

static void draw_resume(struct lesson_screen *s)
{
	char line[160];
	snprintf(line, sizeof line, "Resume at step %zu?  Enter: yes   Esc: from the start", s->resume_to + 1);
	int w = (int)strlen(line) + 6;
	struct rect in = ui_dialog(s->w, s->h, w < s->w ? w : s->w, 3, "Welcome back");
	term_text(in.y, in.x + 2, in.w - 4, line, TC_BOLD, 0, false);
}

/* Enter: the steps before run again, without their predictions, and the
 * lesson goes on; any other key starts from the start (and acts). */
enum { R_RESUME = 1, R_START };
static const struct key_bind resume_binds[] = {
	{ { TK_ENTER }, R_RESUME, "run the steps before again (without their predictions) and go on from there", NULL },
	{ { TK_ESC }, R_START, "start from the first step", NULL },
	{ { 0 }, 0, "start from the first step, and do what the key does", "another key" },
};
static const struct key_table resume_table = KEY_TABLE("Welcome back (a lesson left halfway)", resume_binds);

static bool resume_key(struct lesson_screen *s, int key)
{
	s->modal = MODAL_NONE;
	int a = keys_action(&resume_table, key);
	if (a != R_RESUME)
		return a == R_START;
	snprintf(s->msg, sizeof s->msg, "running steps 1-%zu again...", s->resume_to);
	start_job(s, JOB_RESUME);
	return true;
}

static enum ui_result predict_key(struct lesson_screen *s, int key)
{
	if (key == TK_ENTER || key == TK_ESC) {
		s->v.guess[s->v.done] = key == TK_ENTER && s->input.len ? strtol(s->input.buf, NULL, 10) : GUESS_SKIPPED;
		s->modal = MODAL_NONE;
		start_step(s);
		return UI_REDRAW;
	}
	if (key >= '0' && key <= '9' && s->input.len >= 6)   /* a count of packets, not a phone number */
		return UI_HANDLED;
	return ui_input_key(&s->input, key, true) ? UI_REDRAW : UI_HANDLED;
}

static void draw_toggles(struct lesson_screen *s)
{
	const struct lesson *l = s->v.lesson;
	int w = s->w - 8 < 90 ? s->w - 8 : 90;
	struct ui_lines lines = { 0 };
	char buf[300];
	snprintf(buf, sizeof buf, "Flip a switch: the lesson is run again up to step %zu with it flipped, and the "
	         "two runs are shown side by side.", s->v.done);
	ui_lines_wrap(&lines, buf, w - 6, TC_NORMAL);
	struct rect in = ui_dialog(s->w, s->h, w, (int)(lines.n + l->ntoggles) + 6, "Toggles (t)");
	ui_lines_draw(&lines, (struct rect){ in.y + 1, in.x + 2, (int)lines.n, in.w - 4 }, 0, 0, false);
	int y = in.y + 2 + (int)lines.n;
	for (size_t i = 0; i < l->ntoggles; i++, y++) {
		bool on = demo_toggle_on(lab_toggles(s->v.lab), l->toggles[i].name);
		snprintf(buf, sizeof buf, "%zu  %-10s %s  (%s now)", i + 1, l->toggles[i].name, l->toggles[i].label,
		         on ? "on" : "off");
		term_text(y, in.x + 2, in.w - 4, buf, i == s->menu_sel ? TC_CURSOR : TC_NORMAL, 0, true);
	}
	term_text(y + 1, in.x + 2, in.w - 4, "Up/Down or a digit, Enter: flip and compare   Esc: cancel", TC_DIM, 0,
	          false);
	ui_lines_free(&lines);
}

static enum ui_result toggles_key(struct lesson_screen *s, int key)
{
	size_t n = s->v.lesson->ntoggles;
	if (key == TK_ESC || key == 'q' || key == 't') {
		s->modal = MODAL_NONE;
		return UI_REDRAW;
	}
	if (key >= '1' && key < '1' + (int)n)
		s->menu_sel = (size_t)(key - '1');
	else if (key != TK_ENTER) {
		return ui_move_key(key, &s->menu_sel, n, 1) ? UI_REDRAW : UI_HANDLED;
	}
	s->modal = MODAL_NONE;
	start_compare(s, s->menu_sel);
	return UI_REDRAW;
}

/* ---- the screen ---- */

static enum ui_result lesson_tick(void *self)
{
	struct lesson_screen *s = self;
	bool changed = sync_lab(s);
	if (s->peer_box && !lab_peer_waiting(s->v.lab)) {   /* the client side joined */
		s->peer_box = false;
		layout(s);
		changed = true;
	}
	if (s->leaving && !s->busy)
		return UI_LEAVE;
	return changed ? UI_REDRAW : UI_HANDLED;
}

/* Presenter mode: the step's title, large (a banner of its own), and the
 * teacher's notes in the explanation's place. */
static void draw_banner(struct lesson_screen *s)
{
	size_t i = s->v.view < s->v.lesson->nsteps ? s->v.view : 0;
	char title[400], sub[200];
	snprintf(title, sizeof title, "STEP %zu OF %zu:  %s", i + 1, s->v.lesson->nsteps, lesson_view_step_title(&s->v, i));
	for (char *c = title; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	snprintf(sub, sizeof sub, "%s%s", i < s->v.done ? "ran: its packets are on the right" :
	         "not run yet: Page Down runs it", s->v.lesson->steps[i].teacher.n ? "   (n: teacher's notes)" : "");
	struct rect r = { 1 + (s->peer_box ? PEER_BOX : 0), 0, PRESENT_BANNER, s->w };
	for (int y = 0; y < r.h; y++)
		term_text(r.y + y, 0, s->w, "", TC_NORMAL, 0, true);
	int tw = (int)strlen(title);
	term_text(r.y + 1, tw < s->w ? (s->w - tw) / 2 : 0, s->w, title, TC_HEADING, 0, false);
	/* the step's calls, as they returned: what the code did */
	char calls[1024] = "";
	const struct lab_step_result *res = i < s->v.done ? lab_result(s->v.lab, i) : NULL;
	for (size_t k = 0, len = 0; res && k < res->nout && len < sizeof calls; k++)
		len += (size_t)snprintf(calls + len, sizeof calls - len, "%s%s: %s %s", k ? "   |   " : "",
		                        res->out[k].role == DEMO_ROLE_CLIENT ? "client" : "lab", res->out[k].call,
		                        res->out[k].result);
	/* Two lines of calls, wrapped at words; what does not fit ends in an
	 * ellipsis after a whole word, never in the middle of one. */
	struct ui_lines cl = { 0 };
	if (calls[0])
		ui_lines_wrap(&cl, calls, s->w - 2, TC_BOLD);
	for (size_t k = 0; k < cl.n && k < 2; k++) {
		char line[1100];
		snprintf(line, sizeof line, "%s", cl.v[k].text);
		if (k == 1 && cl.n > 2) {
			size_t len = strlen(line);
			while (len + 4 > (size_t)(s->w - 2) && len > 0) {   /* room for " ..." */
				char *sp = memrchr(line, ' ', len);
				len = sp ? (size_t)(sp - line) : 0;
			}
			snprintf(line + len, sizeof line - len, " %s", term_utf8() ? "\u2026" : "...");
		}
		int lw = (int)strlen(line);
		term_text(r.y + 2 + (int)k, lw < s->w ? (s->w - lw) / 2 : 1, s->w - 2, line, TC_BOLD, 0, false);
	}
	ui_lines_free(&cl);
	int sw = (int)strlen(sub);
	term_text(r.y + 4, sw < s->w ? (s->w - sw) / 2 : 0, s->w, sub, TC_DIM, 0, false);
}

/* Two terminals, the server side: what the other terminal must run, on a
 * line of its own (the title bar is too narrow for it at 80 columns). */
static void draw_peer_box(struct lesson_screen *s)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "sockscope lesson %s --role client --peer %u", s->v.lesson->id,
	         lab_peer_port(s->v.lab));
	struct rect in = term_box((struct rect){ 1, 0, PEER_BOX, s->w },
	                          "Two terminals, no client side yet. In the other terminal, run:", true);
	term_text(in.y, in.x + 1, in.w - 2, cmd, TC_KEY, 0, true);
}

static void draw_notes(struct lesson_screen *s)
{
	struct rect r = s->rect[P_STEP];
	if (r.h < 3)
		return;
	struct rect in = term_box(r, "Teacher's notes (n hides them)", true);
	const struct text_block *t = &s->v.lesson->steps[s->v.view < s->v.lesson->nsteps ? s->v.view : 0].teacher;
	ui_lines_clear(&s->notes_lines);
	for (size_t k = 0; k < t->n; k++)
		ui_lines_wrap(&s->notes_lines, t->lines[k], in.w - 1, TC_BOLD);
	if (!t->n)
		ui_lines_wrap(&s->notes_lines, "No notes for this step in the lesson file (teacher: lines).", in.w - 1, TC_DIM);
	ui_lines_draw(&s->notes_lines, in, 0, 0, false);
}

static void lesson_draw(void *self)
{
	struct lesson_screen *s = self;
	sync_lab(s);
	layout(s);   /* the stacked panes' heights follow what the shown step needs */
	if (s->present && s->blank) {   /* the room looks at the teacher now */
		for (int y = 0; y < s->h; y++)
			term_text(y, 0, s->w, "", TC_NORMAL, 0, true);
		term_text(s->h - 1, 0, s->w, " blank (.): any key brings the lesson back", TC_DIM, 0, true);
		return;
	}
	char left[1024], right[128], cap[900], tog[160] = "";
	if (*lab_toggles(s->v.lab))
		snprintf(tog, sizeof tog, "  -  toggles on: %s", lab_toggles(s->v.lab));
	char side[160] = "";
	if (lab_side(s->v.lab) == DEMO_SIDE_SERVER)
		snprintf(side, sizeof side, "SERVER SIDE%s  -  ", lab_peer_joined(s->v.lab) ? " (client side joined)" : "");
	else if (lab_side(s->v.lab) == DEMO_SIDE_CLIENT)
		snprintf(side, sizeof side, "CLIENT SIDE  -  ");
	snprintf(left, sizeof left, "sockscope  -  %s%s  -  %sIPv%d, lab server %s port %u%s", side, s->v.lesson->title,
	         lab_replaying(s->v.lab) ? "RECORDING, " : "", s->v.family, s->v.family == 6 ? "::1" : "127.0.0.1",
	         s->v.port, tog);
	ui_status_bar(0, s->w, left, "? help");
	if (s->peer_box)
		draw_peer_box(s);
	if (s->v.cmp) {
		pane_compare.draw(s->compare_state, &s->v, (struct rect){ 1, 0, s->h - 2, s->w }, true);
	} else {
		/* The detail pane publishes its field before the code pane lights
		 * the field's origin: draw the right-hand panes first. */
		for (int i = NPANES - 1; i >= 0; i--) {
			if (i == P_STEP)
				find_origin(&s->v);
			if (s->present && i == P_STEP)
				continue;   /* the essentials only; the notes take its place */
			pane_at(s, i)->draw(state_at(s, i), &s->v, s->rect[i], i == s->focus);
		}
		if (s->present) {
			draw_banner(s);
			if (s->notes)
				draw_notes(s);
		}
	}
	if (s->modal == MODAL_PREDICT)
		draw_predict(s);
	else if (s->modal == MODAL_TOGGLES)
		draw_toggles(s);
	else if (s->modal == MODAL_RESUME)
		draw_resume(s);

	if (s->v.no_capture)
		snprintf(cap, sizeof cap, "no capture: %s", s->v.no_capture);
	else if (s->v.cmp)
		lab_capture_status(s->cmp.fresh, cap, sizeof cap);
	else
		lab_capture_status(s->v.lab, cap, sizeof cap);
	size_t n = s->v.lesson->nsteps;
	char step[64], origin[400] = "";
	if (s->v.view + 1 < s->v.done)
		snprintf(step, sizeof step, "step %zu/%zu (%zu run)", s->v.view + 1, n, s->v.done);
	else
		snprintf(step, sizeof step, "step %zu/%zu%s", s->v.view + 1, n, s->v.view >= s->v.done ? " (not run)" : "");
	if (s->v.origin && !s->v.cmp)
		snprintf(origin, sizeof origin, "  |  %s <- %s  (step %d)", s->v.origin->field, s->v.origin_expr,
		         s->v.origin_step + 1);
	snprintf(left, sizeof left, "%s%s%s%s  |  %s", step, origin, s->msg[0] ? "  |  " : "", s->msg, cap);
	if (s->present)
		snprintf(right, sizeof right, "PgDn/Space next  PgUp/b back  n notes  . blank  q leave");
	else if (s->v.cmp)
		snprintf(right, sizeof right, "%s", s->cmp.running ? "Esc cancel  ? help" : "b f steps  Esc leave  ? help");
	else if (s->w >= WIDE_MIN)
		snprintf(right, sizeof right, "Space run  b back  Tab focus: %s  p %s  ? help  q %s",
		         pane_at(s, s->focus)->name, s->v.both ? "C" : s->v.python ? "both" : "Python",
		         s->alone ? "quit" : "lessons");
	else
		snprintf(right, sizeof right, "Space run  Tab focus: %s  ? help", pane_at(s, s->focus)->name);
	/* In a narrow window the key hints give a message their room: the
	 * focus and "? help" stay as long as they can. */
	int said = (int)(strlen(step) + strlen(s->msg)) + 11;
	if (s->msg[0] && s->w < WIDE_MIN && !s->present && !s->v.cmp && said + (int)strlen(right) > s->w)
		snprintf(right, sizeof right, "Tab focus: %s  ? help", pane_at(s, s->focus)->name);
	if (s->msg[0] && s->w < WIDE_MIN && said + (int)strlen(right) > s->w)
		snprintf(right, sizeof right, "? help");
	ui_status_bar(s->h - 1, s->w, left, right);
}

/* ---- the keys ---- */

enum {
	L_RUN = 1, L_BACK, L_FORWARD, L_FOCUS, L_FOCUS_BACK, L_CODE, L_LADDER, L_TIMELINE, L_TOGGLE, L_QUIZ, L_ADDR,
	L_HELP, L_LEAVE,
	C_BACK, C_FORWARD, C_LEAVE, C_RUN, C_HELP,
	P_NEXT, P_PREV, P_BLANK, P_NOTES,
	PP_SKIP, PP_CLOSE, PP_NOTES,
};

static const struct key_bind lesson_binds[] = {
	{ { ' ', TK_ENTER }, L_RUN, "run the next step for real (its calls, its packets)", NULL },
	{ { 0 }, 0, "a step with a prediction asks first: digits, then Enter; Esc skips the question", "prediction" },
	{ { 'b', TK_LEFT, 'h' }, L_BACK, "back to an earlier step: its code, explanation, packets", NULL },
	{ { 'f', TK_RIGHT, 'l' }, L_FORWARD, "forward again, up to the next step to run", NULL },
	{ { TK_TAB }, L_FOCUS, "focus the next pane (its title lights up); it takes the moving keys", NULL },
	{ { TK_BTAB }, L_FOCUS_BACK, "focus the pane before", NULL },
	{ { 'p' }, L_CODE, "the C program, its Python equivalent, or both side by side", NULL },
	{ { 'L' }, L_LADDER, "the packets as a ladder diagram of the TCP connection; L again: the list", NULL },
	{ { 's' }, L_TIMELINE, "TCP state timeline: each socket's state after every step", NULL },
	{ { 't' }, L_TOGGLE, "flip a toggle: re-run up to here and compare both runs side by side", NULL },
	{ { 'Q' }, L_QUIZ, "after the last step: the quiz, the recap, what to try yourself", NULL },
	{ { 'a' }, L_ADDR, "address explorer: type an address, see its bytes, bits and class", NULL },
	{ { '?' }, L_HELP, "this help", NULL },
	{ { 'q', TK_ESC }, L_LEAVE, "leave the lesson", NULL },
};
static const struct key_table lesson_table = KEY_TABLE("Lesson", lesson_binds);

/* While the two runs of a toggle are shown side by side. */
static const struct key_bind compare_binds[] = {
	{ { 'b', TK_LEFT, 'h' }, C_BACK, "compare the step before", NULL },
	{ { 'f', TK_RIGHT, 'l' }, C_FORWARD, "compare the step after", NULL },
	{ { ' ', TK_ENTER }, C_RUN, "no step runs while comparing: Esc first", NULL },
	{ { '?' }, C_HELP, "this help", NULL },
	{ { TK_ESC, 't', 'q' }, C_LEAVE, "leave the comparison; the lesson goes on with the toggle flipped (while it runs: cancel the re-run)", NULL },
};
static const struct key_table compare_table = KEY_TABLE("Comparing two runs (after t)", compare_binds);

/* Presenter mode: a clicker sends Page Down / Page Up (some: arrows,
 * space, '.' for a blank screen).  These come before the lesson's, whose
 * b and f still step back and forward. */
static const struct key_bind present_binds[] = {
	{ { TK_PGDN, ' ', TK_RIGHT, TK_DOWN, TK_ENTER }, P_NEXT,
	  "the next step: shown if it ran, else run (a clicker's forward key; it skips a prediction prompt)", NULL },
	{ { TK_PGUP, TK_LEFT, TK_UP, TK_BACKSPACE }, P_PREV, "the step before (a clicker's back key)", NULL },
	{ { 'n' }, P_NOTES, "the teacher's notes for the step (teacher: lines of the lesson file)", NULL },
	{ { '.' }, P_BLANK, "blank the screen; any key brings the lesson back (b is back, as in a lesson)", NULL },
};
static const struct key_table present_table =
	KEY_TABLE("Presenting a lesson (sockscope present ID, or P in the browser)", present_binds);

/* A prediction's question while presenting: a clicker has no digits, so
 * its forward key skips the question and runs the step, back closes it;
 * the notes stay at hand.  Digits and Enter are the prompt's own. */
static const struct key_bind present_predict_binds[] = {
	{ { TK_PGDN, ' ', TK_RIGHT, TK_DOWN }, PP_SKIP, "skip the question and run the step (a clicker's forward key)",
	  NULL },
	{ { TK_PGUP, TK_LEFT, TK_UP }, PP_CLOSE, "close the question; the step is not run", NULL },
	{ { 'n' }, PP_NOTES, "the teacher's notes, also while the question is open", NULL },
	{ { 0 }, 0, "the room's answer, then Enter: run the step and grade it; Esc skips the question", "digits" },
};
static const struct key_table present_predict_table =
	KEY_TABLE("A prediction's question, presenting", present_predict_binds);

static const struct key_table *const lesson_help[] = {
	&lesson_table, &resume_table, &compare_table, &fieldview_keys, &pane_ladder_keys, &ui_keys_move, &ui_keys_hscroll,
	&ui_keys_anywhere, NULL
};
static const struct key_table *const present_help[] = {
	&present_table, &present_predict_table, &lesson_table, &resume_table, &compare_table, &fieldview_keys,
	&pane_ladder_keys, &ui_keys_move, &ui_keys_hscroll, &ui_keys_anywhere, NULL
};

/* Keys while the two runs are shown side by side. */
static enum ui_result comparing_key(struct lesson_screen *s, int key)
{
	size_t last = s->cmp.target ? s->cmp.target - 1 : 0;
	switch (keys_action(&compare_table, key)) {
	case C_BACK:
		show_step(s, s->v.view > 0 ? s->v.view - 1 : 0);
		return UI_REDRAW;
	case C_FORWARD:
		show_step(s, s->v.view < last ? s->v.view + 1 : last);
		return UI_REDRAW;
	case C_LEAVE:
		if (s->busy) {   /* cancel the re-run; the worker stops after the step it is in */
			atomic_store(&s->cancel, true);
			snprintf(s->msg, sizeof s->msg, "cancelling the re-run: it stops after the step it is in...");
			return UI_REDRAW;
		}
		leave_compare(s);
		return UI_REDRAW;
	case C_RUN:
		snprintf(s->msg, sizeof s->msg, "no steps run while comparing: Esc first, then Space goes on");
		return UI_REDRAW;
	case C_HELP:
		return UI_HELP;
	default:
		return pane_compare.key(s->compare_state, &s->v, key);
	}
}

/* The teacher's notes (n), from the presenter's keys and while a
 * prediction is asked alike: the layout makes room for them or takes it back. */
static enum ui_result flip_notes(struct lesson_screen *s)
{
	s->notes = !s->notes;
	layout(s);
	return UI_REDRAW;
}

/* Forward shows the next step already run, or runs the next one; back
 * shows the one before. */
static enum ui_result present_key(struct lesson_screen *s, int key)
{
	size_t n = s->v.lesson->nsteps;
	if (s->blank && key != 'q') {
		s->blank = false;   /* any key brings the lesson back */
		return UI_REDRAW;
	}
	switch (keys_action(&present_table, key)) {
	case P_NEXT:
		if (s->v.view + 1 < s->v.done)
			show_step(s, s->v.view + 1);
		else if (s->v.done < n)
			run_step(s);
		else
			snprintf(s->msg, sizeof s->msg, "that was the last step (Q: the quiz)");
		return UI_REDRAW;
	case P_PREV:
		show_step(s, s->v.view > 0 ? s->v.view - 1 : 0);
		return UI_REDRAW;
	case P_BLANK:
		s->blank = true;
		return UI_REDRAW;
	case P_NOTES:
		return flip_notes(s);
	default:
		return UI_IGNORED;
	}
}

static enum ui_result lesson_key(void *self, int key)
{
	struct lesson_screen *s = self;
	if (s->leaving)
		return UI_HANDLED;
	if (s->present && s->modal == MODAL_NONE && !s->v.cmp) {
		enum ui_result r = present_key(s, key);
		if (r != UI_IGNORED)
			return r;
	}
	if (s->modal == MODAL_RESUME && resume_key(s, key))
		return UI_REDRAW;
	if (s->modal == MODAL_PREDICT && s->present) {
		switch (keys_action(&present_predict_table, key)) {
		case PP_SKIP:
			return predict_key(s, TK_ESC);
		case PP_CLOSE:
			s->modal = MODAL_NONE;
			return UI_REDRAW;
		case PP_NOTES:
			return flip_notes(s);
		default:
			break;
		}
	}
	if (s->modal == MODAL_PREDICT)
		return predict_key(s, key);
	if (s->modal == MODAL_TOGGLES)
		return toggles_key(s, key);
	if (s->v.cmp)
		return comparing_key(s, key);
	if (key == TK_WHEEL_UP || key == TK_WHEEL_DOWN) {   /* the wheel scrolls the pane under the pointer */
		int y, x;
		term_click(&y, &x);
		for (int i = 0; i < NPANES; i++)
			if (rect_has(s->rect[i], y, x) && s->rect[i].h > 0) {
				enum ui_result r = pane_at(s, i)->key(state_at(s, i), &s->v, key);
				return r == UI_IGNORED ? UI_HANDLED : r;
			}
		return UI_HANDLED;
	}
	if (key == TK_CLICK) {   /* a click focuses the pane under it, which may act on it */
		int y, x;
		term_click(&y, &x);
		for (int i = 0; i < NPANES; i++)
			if (rect_has(s->rect[i], y, x) && s->rect[i].h > 0) {
				if (s->focus != i) {
					s->focus = i;
					layout(s);
				}
				pane_at(s, i)->key(state_at(s, i), &s->v, key);
				return UI_REDRAW;
			}
		return UI_HANDLED;
	}
	enum ui_result r = pane_at(s, s->focus)->key(state_at(s, s->focus), &s->v, key);
	if (r != UI_IGNORED)
		return r;
	size_t n = s->v.lesson->nsteps;   /* b/f move among the steps run and the next one */
	size_t last = s->v.done < n ? s->v.done : n ? n - 1 : 0;
	switch (keys_action(&lesson_table, key)) {
	case L_RUN:
		run_step(s);
		break;
	case L_BACK:
		show_step(s, s->v.view > 0 ? s->v.view - 1 : 0);
		break;
	case L_FORWARD:
		show_step(s, s->v.view < last ? s->v.view + 1 : last);
		break;
	case L_FOCUS: case L_FOCUS_BACK:
		s->focus = (s->focus + (key == TK_TAB ? 1 : NPANES - 1)) % NPANES;
		layout(s);
		break;
	case L_CODE:   /* C, then Python, then both side by side, then C again */
		if (s->v.both)
			s->v.both = false;
		else if (s->v.python)
			s->v.python = false, s->v.both = true;
		else
			s->v.python = true;
		layout(s);
		break;
	case L_LADDER:   /* the focus goes along, so the arrow keys move in the ladder */
		s->ladder = !s->ladder;
		s->focus = P_PACKETS;
		layout(s);
		break;
	case L_TIMELINE:
		ui_push(s->ui, &ui_timeline, &s->v, s->msg, sizeof s->msg);
		break;
	case L_TOGGLE:
		if (s->busy)
			snprintf(s->msg, sizeof s->msg, "step %zu is still running...", s->v.done + 1);
		else if (!s->v.lesson->ntoggles)
			snprintf(s->msg, sizeof s->msg, "this lesson has no toggles to flip");
		else if (s->v.done == 0)
			snprintf(s->msg, sizeof s->msg, "run a step first: t re-runs the lesson up to the step you reached");
		else
			s->modal = MODAL_TOGGLES;
		break;
	case L_QUIZ:
		if (s->v.done < n)
			snprintf(s->msg, sizeof s->msg, "the quiz comes after the last step: %zu to go", n - s->v.done);
		else
			ui_push(s->ui, &ui_quiz, s->v.lesson, s->msg, sizeof s->msg);
		break;
	case L_ADDR:
		ui_push(s->ui, &ui_addr, NULL, s->msg, sizeof s->msg);
		break;
	case L_HELP:
		return UI_HELP;
	case L_LEAVE:
		if (!s->busy)
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
	.draw = lesson_draw, .handle_key = lesson_key, .tick = lesson_tick, .help = lesson_help,
};

static void *present_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	struct lesson_screen *s = lesson_create(ui, arg, err, errlen);
	if (s) {
		s->present = true;
		if (s->modal == MODAL_RESUME)   /* a room sees the lesson from its start */
			s->modal = MODAL_NONE;
	}
	return s;
}

/* The same lesson, presented to a room (sockscope present ID, P in the browser). */
const struct ui_screen ui_present = {
	.name = "present",
	.create = present_create, .destroy = lesson_destroy, .resize = lesson_resize,
	.draw = lesson_draw, .handle_key = lesson_key, .tick = lesson_tick, .help = present_help,
};
