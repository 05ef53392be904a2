/*
 * ui_trace.c — the trace screen (`sockscope trace -- PROG` on a terminal):
 * the program's source with the current line, the calls so far, the
 * packets of the selected call, and the selected packet's fields and bytes
 * (its whole line first: the list fits lines to the width); or, after L,
 * the selected call's TCP connection as a ladder (render/ladder.c, built
 * from the kept frames by trace_frames_get, the rows `--headless
 * --ladder` prints) in the place of the packets and fields.
 *
 * Every word here comes from the core (src/trace/text.c: trace_text_*) or
 * from the engine's events, which headless mode prints the same; this file
 * only lays them out.  The field tree and bytes are fieldview.c's, as on the
 * lesson and inspection screens.
 *
 * Two threads.  ptrace answers only the thread that forked the program, and
 * a step may take long (a recv on a silent peer), so a tracer thread of
 * this screen owns the trace: it waits for a command (step, run to the
 * end, quit) in a mailbox guarded by `mu` (a condition variable wakes it),
 * runs trace_step, and publishes the last event and any "waiting N s" under
 * `mu`.  The screen never blocks on it: its tick reads what was published
 * and the events kept so far (trace_event_at, which locks inside the
 * engine; kept events never change).  q posts "quit" and calls
 * trace_cancel, which interrupts a wait at once; the tracer thread then
 * calls trace_close (ends every descendant), and the screen joins it.
 */
#include "tui/fieldview.h"
#include "tui/ui.h"
#include "trace/trace.h"
#include "render/ladder.h"
#include "common/mem.h"
#include "common/thread.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

enum cmd { CMD_NONE, CMD_STEP, CMD_END, CMD_QUIT };
enum focus { F_CALLS, F_PACKETS, F_DETAIL, F_CODE, F_COUNT };

struct trace_screen {
	struct ui_size size;
	struct tui_trace *tt;
	/* shared with the tracer thread, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool th_started;
	enum cmd cmd;
	bool busy, ended;
	char waiting[512];            /* the last WAITING event's text while its call waits, "" */
	/* the screen's own */
	size_t *list;                 /* the events shown in the calls pane (indices for trace_event_at) */
	size_t nlist, listcap;
	size_t seen;                  /* events looked at so far */
	size_t sel;                   /* index in list */
	bool follow;                  /* sel follows the newest event */
	size_t calls_top, pk_top, psel, code_top, code_n;
	bool code_moved;              /* the user scrolled the code: keep it there */
	enum focus focus;
	struct fieldview fv;
	const struct trace_packet *fv_pk;
	char srcpath[1024];
	char *src;
	size_t srclen;
	struct ui_lines lines;
	const struct trace_event *end;
	/* L: the ladder of the selected call's connection, in the place of
	 * the packets and fields; rebuilt when events arrive, the width
	 * changes or another connection is selected */
	bool ladder;
	struct ladder *lad;
	size_t *row_ev, *row_pk;      /* per ladder row: the event and packet it draws (its frame's) */
	size_t lad_events;            /* events the ladder was built from */
	int lad_w;
	size_t lad_top;
	size_t lad_sel_ev, lad_sel_pk;  /* the selection last looked at */
	int lad_skip, pk_skip;
};

static void *tracer_main(void *arg)
{
	struct trace_screen *s = arg;
	/* the terminal's signals are the screen's (term.c); SIGALRM stays:
	 * the engine's timer and trace_cancel wake this thread with it */
	sigset_t all;
	sigfillset(&all);
	sigdelset(&all, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->cmd == CMD_NONE)
			pthread_cond_wait(&s->cv, &s->mu);
		enum cmd cmd = s->cmd;
		s->cmd = CMD_NONE;
		if (cmd == CMD_QUIT)
			break;
		if (s->ended)
			continue;
		s->busy = true;
		pthread_mutex_unlock(&s->mu);
		enum trace_until u = cmd == CMD_END ? TRACE_TO_END : s->tt->lines ? TRACE_NEXT_LINE : TRACE_NEXT_CALL;
		const struct trace_event *ev;
		while ((ev = trace_step(s->tt->t, u, 0))->kind == TRACE_EV_WAITING) {
			pthread_mutex_lock(&s->mu);
			snprintf(s->waiting, sizeof s->waiting, "%s", ev->text);
			pthread_mutex_unlock(&s->mu);
		}
		pthread_mutex_lock(&s->mu);
		s->waiting[0] = '\0';
		s->busy = false;
		if (ev->kind == TRACE_EV_END)
			s->ended = true;
	}
	pthread_mutex_unlock(&s->mu);
	s->tt->rc = trace_close(s->tt->t);
	s->tt->t = NULL;
	return NULL;
}

static void post(struct trace_screen *s, enum cmd c)
{
	pthread_mutex_lock(&s->mu);
	if (s->cmd != CMD_QUIT)
		s->cmd = c;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static void stop_tracer(struct trace_screen *s)
{
	if (!s->th_started)
		return;
	/* cancel first: the tracer thread frees the trace once it reads
	 * "quit", and cancelling wakes it out of a call that waits */
	trace_cancel(s->tt->t);
	post(s, CMD_QUIT);
	pthread_join(s->th, NULL);
	s->th_started = false;
}

static void *trace_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	(void)ui;
	struct trace_screen *s = xcalloc(1, sizeof *s);
	s->tt = (struct tui_trace *)arg;
	s->follow = true;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (thread_start(&s->th, tracer_main, s, "the tracer's thread", err, errlen) < 0) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		return NULL;
	}
	s->th_started = true;
	post(s, CMD_STEP);   /* to the first call: the screen opens on something */
	return s;
}

static void trace_destroy(void *self)
{
	struct trace_screen *s = self;
	stop_tracer(s);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	fieldview_free(&s->fv);
	ladder_free(s->lad);
	free(s->row_ev);
	free(s->row_pk);
	ui_lines_free(&s->lines);
	free(s->src);
	free(s->list);
	free(s);
}

static const struct trace_event *event_of(const struct trace_screen *s, size_t i)
{
	return i < s->nlist && s->tt->t ? trace_event_at(s->tt->t, s->list[i]) : NULL;
}

/* The packet a call's selection starts on: its own first (those between
 * calls before it are listed first). */
static size_t first_own(const struct trace_event *ev)
{
	for (size_t i = 0; ev && i < ev->npk; i++)
		if (ev->pk[i].kind == TRACE_PK_CALL)
			return i;
	return 0;
}

/* The events made since the last look; true when there were any. */
static bool take_events(struct trace_screen *s)
{
	if (!s->tt->t)
		return false;
	size_t n = trace_event_count(s->tt->t);
	bool any = false;
	for (; s->seen < n; s->seen++) {
		const struct trace_event *ev = trace_event_at(s->tt->t, s->seen);
		if (!ev)
			continue;
		if (ev->kind == TRACE_EV_END)
			s->end = ev;
		if (s->nlist == s->listcap) {
			s->listcap = s->listcap ? s->listcap * 2 : 64;
			s->list = xrealloc(s->list, s->listcap * sizeof *s->list);
		}
		s->list[s->nlist++] = s->seen;
		any = true;
	}
	if (any && s->follow && s->nlist) {
		s->sel = s->nlist - 1;
		/* the newest call or line (or a fault, which has a line), not
		 * the end's note, while there is one */
		for (size_t i = s->nlist; i-- > 0;) {
			const struct trace_event *ev = event_of(s, i);
			if (ev && (ev->kind == TRACE_EV_CALL || ev->kind == TRACE_EV_LINE ||
			           (ev->kind == TRACE_EV_NOTE && ev->path[0]))) {
				s->sel = i;
				break;
			}
		}
		s->psel = first_own(event_of(s, s->sel));
		s->pk_top = 0;
		s->code_moved = false;
	}
	return any;
}

/* The source the selected event was made in (else the nearest earlier one's). */
static const struct trace_event *code_event(const struct trace_screen *s)
{
	for (size_t i = s->sel + 1; i-- > 0;) {
		const struct trace_event *ev = event_of(s, i);
		if (ev && ev->path[0])
			return ev;
	}
	return NULL;
}

static void draw_code(struct trace_screen *s, struct rect r)
{
	const struct trace_event *ev = code_event(s);
	char title[160];
	const char *base = ev ? strrchr(ev->path, '/') : NULL;
	snprintf(title, sizeof title, "Source%s%s", ev ? ": " : "", ev ? (base ? base + 1 : ev->path) : "");
	struct rect in = term_box(r, title, s->focus == F_CODE);
	ui_lines_clear(&s->lines);
	if (ev && strcmp(ev->path, s->srcpath)) {
		free(s->src);
		s->src = trace_text_source(ev->path, &s->srclen);
		snprintf(s->srcpath, sizeof s->srcpath, "%s", ev->path);
	}
	if (!ev || !s->src) {
		char note[512];
		trace_text_no_source(s->tt->prog, note, sizeof note);
		ui_lines_wrap(&s->lines, note, in.w, TC_DIM);
		ui_lines_draw(&s->lines, in, 0, 0, false);
		return;
	}
	size_t cur = 0;
	for (const char *p = s->src; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char row[320];
		size_t no = s->lines.n + 1;
		snprintf(row, sizeof row, "%4zu %.*s", no, (int)(len < 300 ? len : 300), p);
		for (char *t = row; *t; t++)
			if (*t == '\t')
				*t = ' ';
		bool here = (int)no == ev->line;
		if (here)
			cur = s->lines.n;
		ui_lines_add(&s->lines, row, here ? TC_CURRENT : TC_NORMAL, here ? '>' : ' ');
		p = nl ? nl + 1 : p + len;
	}
	s->code_n = s->lines.n;
	if (!s->code_moved)
		s->code_top = cur > (size_t)in.h / 2 ? cur - (size_t)in.h / 2 : 0;
	ui_lines_draw(&s->lines, in, s->code_top, 0, true);
}

static void draw_calls(struct trace_screen *s, struct rect r)
{
	char title[64];
	snprintf(title, sizeof title, "Calls (%zu)", s->nlist);
	struct rect in = term_box(r, title, s->focus == F_CALLS);
	ui_lines_clear(&s->lines);
	for (size_t i = 0; i < s->nlist; i++) {
		const struct trace_event *ev = event_of(s, i);
		if (!ev)
			continue;
		char line[2600];
		trace_text_event(ev, line, sizeof line);
		enum term_color c = i == s->sel ? TC_CURSOR : ev->kind == TRACE_EV_CALL ? TC_NORMAL : TC_DIM;
		ui_lines_add(&s->lines, line, c, ev->npk ? '*' : ' ');
	}
	s->calls_top = ui_scroll_into_view(s->calls_top, s->sel, s->sel, in.h, s->lines.n);
	ui_lines_draw(&s->lines, in, s->calls_top, 0, true);
}

static void draw_packets(struct trace_screen *s, struct rect r, const struct trace_event *ev)
{
	struct rect in = term_box(r, "Packets of the selected call", s->focus == F_PACKETS);
	ui_lines_clear(&s->lines);
	if (!ev || !ev->npk) {
		ui_lines_add(&s->lines, ev && ev->kind == TRACE_EV_CALL ? "(nothing on the wire)" : "", TC_DIM, ' ');
	} else {
		for (size_t i = 0; i < ev->npk; i++) {
			char line[1024];
			trace_text_packet(&ev->pk[i], in.w - 2, line, sizeof line);   /* less the marker column */
			enum term_color c = i == s->psel && s->focus == F_PACKETS ? TC_CURSOR
			                    : ev->pk[i].kind == TRACE_PK_CALL ? TC_STEP_PKT : TC_DIM;
			ui_lines_add(&s->lines, line, c, i == s->psel ? '>' : ' ');
		}
	}
	s->pk_top = ui_scroll_into_view(s->pk_top, s->psel, s->psel, in.h, s->lines.n);
	ui_lines_draw(&s->lines, in, s->pk_top, s->pk_skip, true);
}

static void draw_detail(struct trace_screen *s, struct rect r, const struct trace_event *ev)
{
	struct rect in = term_box(r, "Fields and bytes", s->focus == F_DETAIL);
	const struct trace_packet *p = ev && s->psel < ev->npk ? &ev->pk[s->psel] : NULL;
	if (p != s->fv_pk) {
		s->fv_pk = p;
		if (p && p->data && trace_linktype(s->tt->t) >= 0)
			fieldview_set(&s->fv, trace_linktype(s->tt->t), p->data, p->caplen, p->wirelen);
		else
			fieldview_clear(&s->fv);
	}
	/* the packet's whole line first: the list shows it fitted to the width */
	int said = 0;
	if (p && in.h > 4) {
		char line[1024];
		trace_text_packet(p, 0, line, sizeof line);
		ui_lines_clear(&s->lines);
		ui_lines_wrap(&s->lines, line, in.w, TC_NORMAL);
		said = s->lines.n < (size_t)in.h / 2 ? (int)s->lines.n : in.h / 2;
		ui_lines_draw(&s->lines, (struct rect){ in.y, in.x, said, in.w }, 0, 0, false);
	}
	if (p && s->fv.have)
		fieldview_draw(&s->fv, (struct rect){ in.y + said, in.x, in.h - said, in.w }, NULL, TC_STEP_PKT);
}

/* The frame the selection stands for: the selected packet, else the last
 * packet before the selected call (so a call without packets shows the
 * connection it is part of); -1 when there is none. */
static long selected_frame(const struct trace_screen *s, const struct trace_frames *fr)
{
	size_t ev = s->sel < s->nlist ? s->list[s->sel] : 0;
	long best = -1;
	for (size_t i = 0; i < fr->n && fr->ev[i] <= ev; i++)
		if (fr->ev[i] < ev || fr->pk[i] <= s->psel)
			best = (long)i;
	return best;
}

static void build_ladder(struct trace_screen *s, int width)
{
	struct trace_frames fr;
	struct ladder_conn *c = NULL;
	trace_frames_get(s->tt->t, &fr);
	size_t nc = ladder_connections(fr.f, fr.n, &c);
	long f = selected_frame(s, &fr);
	long k = f >= 0 ? ladder_conn_of(fr.f, fr.n, (size_t)f, c, nc) : -1;
	ladder_free(s->lad);
	s->lad = ladder_build(fr.f, fr.n, k >= 0 ? &c[k] : NULL, width);
	s->row_ev = xrealloc(s->row_ev, (s->lad->nrows + 1) * sizeof *s->row_ev);
	s->row_pk = xrealloc(s->row_pk, (s->lad->nrows + 1) * sizeof *s->row_pk);
	for (size_t r = 0; r < s->lad->nrows; r++) {
		long i = s->lad->rows[r].frame;
		s->row_ev[r] = i >= 0 ? fr.ev[i] : SIZE_MAX;
		s->row_pk[r] = i >= 0 ? fr.pk[i] : SIZE_MAX;
	}
	s->lad_events = s->nlist;
	s->lad_w = width;
	free(c);
	trace_frames_free(&fr);
}

/* Is the ladder's connection still the selection's?  (Cheap: only the
 * selected packet's own row is looked for.) */
static bool ladder_has_selection(const struct trace_screen *s)
{
	size_t ev = s->sel < s->nlist ? s->list[s->sel] : SIZE_MAX;
	const struct trace_event *e = event_of(s, s->sel);
	if (!e || s->psel >= e->npk)
		return true;   /* nothing selected to follow: keep what is shown */
	for (size_t r = 0; r < s->lad->nrows; r++)
		if (s->row_ev[r] == ev && s->row_pk[r] == s->psel)
			return true;
	return false;
}

static void draw_ladder(struct trace_screen *s, struct rect r)
{
	int width = r.w - 4;   /* inside the box, less the marker column */
	size_t sel_ev = s->sel < s->nlist ? s->list[s->sel] : SIZE_MAX;
	bool moved = sel_ev != s->lad_sel_ev || s->psel != s->lad_sel_pk;
	if (s->tt->t && (!s->lad || s->lad_events != s->nlist || s->lad_w != width || (moved && !ladder_has_selection(s))))
		build_ladder(s, width);
	s->lad_sel_ev = sel_ev;
	s->lad_sel_pk = s->psel;
	char title[256] = "Ladder", a[64], b[64];
	bool found = s->lad && s->lad->found;
	if (found) {
		ladder_endpoint(&s->lad->conn, true, a, sizeof a);
		ladder_endpoint(&s->lad->conn, false, b, sizeof b);
		snprintf(title, sizeof title, "Ladder: %s <-> %s (L packets)", a, b);
	}
	struct rect in = term_box(r, title, s->focus == F_PACKETS);
	ui_lines_clear(&s->lines);
	if (!found) {
		ui_lines_wrap(&s->lines, trace_linktype(s->tt->t) < 0 ? "No packets are captured in this trace."
		                         : "No TCP connection among the packets yet.", in.w - 2, TC_DIM);
		ui_lines_wrap(&s->lines, "L shows the packets again.", in.w - 2, TC_DIM);
		ui_lines_draw(&s->lines, (struct rect){ in.y, in.x + 1, in.h, in.w - 2 }, 0, 0, false);
		return;
	}
	const struct ladder *l = s->lad;
	size_t head = 0;
	while (head < l->nrows && l->rows[head].frame < 0)
		head++;
	if ((int)head >= in.h - 1)
		head = 0;
	for (size_t i = 0; i < head; i++)
		ui_lines_add(&s->lines, l->rows[i].text, TC_HEADING, ' ');
	ui_lines_draw(&s->lines, (struct rect){ in.y, in.x, (int)head, in.w }, 0, s->lad_skip, true);
	ui_lines_clear(&s->lines);
	size_t ev = s->sel < s->nlist ? s->list[s->sel] : SIZE_MAX;
	size_t cur = SIZE_MAX;
	for (size_t i = head; i < l->nrows; i++) {
		bool mine = s->row_ev[i] == ev, at = mine && s->row_pk[i] == s->psel;
		if (at)
			cur = i - head;
		ui_lines_add(&s->lines, l->rows[i].text, at ? TC_CURSOR : mine ? TC_STEP_PKT : TC_NORMAL, mine ? '*' : ' ');
	}
	struct rect list = { in.y + (int)head, in.x, in.h - (int)head, in.w };
	if (cur != SIZE_MAX)
		s->lad_top = ui_scroll_into_view(s->lad_top, cur, cur, list.h, s->lines.n);
	ui_lines_draw(&s->lines, list, s->lad_top, s->lad_skip, true);
}

/* Up and down in the ladder: the arrow before or after selects its call
 * and packet, as if picked in the calls and packets panes. */
static enum ui_result ladder_key(struct trace_screen *s, int key, int page)
{
	if (ui_hscroll_key(key, &s->lad_skip))
		return UI_REDRAW;
	if (!s->lad)
		return UI_IGNORED;
	size_t *arrows = xcalloc(s->lad->nrows + 1, sizeof *arrows), na = 0;
	long at = 0;
	size_t ev = s->sel < s->nlist ? s->list[s->sel] : SIZE_MAX;
	for (size_t r = 0; r < s->lad->nrows; r++)
		if (s->lad->rows[r].frame >= 0) {
			if (s->row_ev[r] < ev || (s->row_ev[r] == ev && s->row_pk[r] <= s->psel))
				at = (long)na;
			arrows[na++] = r;
		}
	long to = ui_move(key, at, na, page);
	enum ui_result res = to < 0 ? UI_IGNORED : UI_HANDLED;
	if (to >= 0 && na) {
		size_t r = arrows[to];
		for (size_t i = s->nlist; i-- > 0;)
			if (s->list[i] == s->row_ev[r]) {
				s->sel = i;
				s->psel = s->row_pk[r];
				s->follow = false;
				s->code_moved = false;
				break;
			}
		res = UI_REDRAW;
	}
	free(arrows);
	return res;
}

static void trace_draw(void *self)
{
	struct trace_screen *s = self;
	int w = s->size.w, h = s->size.h;
	term_clear();
	int body = h - 1;
	int top = body / 3 + 1, pk = body / 4, det = body - top - pk;
	int cw = w * 2 / 5;
	const struct trace_event *ev = event_of(s, s->sel);
	draw_code(s, (struct rect){ 0, 0, top, cw });
	draw_calls(s, (struct rect){ 0, cw, top, w - cw });
	if (s->ladder) {
		draw_ladder(s, (struct rect){ top, 0, pk + det, w });
	} else {
		draw_packets(s, (struct rect){ top, 0, pk, w }, ev);
		draw_detail(s, (struct rect){ top + pk, 0, det, w }, ev);
	}
	char state[1024], waiting[512];
	pthread_mutex_lock(&s->mu);
	snprintf(waiting, sizeof waiting, "%s", s->waiting);
	pthread_mutex_unlock(&s->mu);
	struct trace_event wev = { .kind = TRACE_EV_WAITING };
	snprintf(wev.text, sizeof wev.text, "%s", waiting);
	trace_text_state(s->end, waiting[0] ? &wev : NULL, s->sel, s->nlist, state, sizeof state);
	ui_status_bar(h - 1, w, state, s->tt->lines ? "Spc line c end b back ? q" : "Spc call c end b back ? q");
}

static enum ui_result trace_tick(void *self)
{
	struct trace_screen *s = self;
	/* redrawn each tick as well: a waiting call's seconds move on */
	take_events(s);
	return UI_REDRAW;
}

enum { A_STEP = 1, A_END, A_BACK, A_LADDER, A_FOCUS, A_FOCUS_BACK, A_HELP, A_QUIT };

static const struct key_bind trace_binds[] = {
	{ { ' ' }, A_STEP, "run to the next call (with --lines: the next line)", NULL },
	{ { 'c' }, A_END, "run the program to its end", NULL },
	{ { 'b' }, A_BACK, "look back: select the call before the one shown (its packets as they were)", NULL },
	{ { 'L' }, A_LADDER, "the selected call's TCP connection as a ladder diagram, each arrow tagged with "
	                     "its call's line; L again: the packets", NULL },
	{ { TK_TAB }, A_FOCUS, "the next pane: calls, packets, fields, source", NULL },
	{ { TK_BTAB }, A_FOCUS_BACK, "the pane before", NULL },
	{ { '?' }, A_HELP, "this help", NULL },
	{ { 'q' }, A_QUIT, "quit: the program and everything it started are ended", NULL },
};
static const struct key_table trace_table = KEY_TABLE("Tracing a program (sockscope trace -- PROG)", trace_binds);
static const struct key_table *const trace_help[] = { &trace_table, &fieldview_keys, &ui_keys_move,
	                                                  &ui_keys_hscroll, &ui_keys_anywhere, NULL };

static enum ui_result trace_key(void *self, int key)
{
	struct trace_screen *s = self;
	const struct trace_event *ev = event_of(s, s->sel);
	int page = s->size.h / 4 > 1 ? s->size.h / 4 : 1;
	switch (keys_action(&trace_table, key)) {
	case A_STEP:
		s->follow = true;
		post(s, CMD_STEP);
		return UI_REDRAW;
	case A_END:
		s->follow = true;
		post(s, CMD_END);
		return UI_REDRAW;
	case A_BACK:
		s->follow = false;
		for (size_t i = s->sel; i-- > 0;) {
			const struct trace_event *e = event_of(s, i);
			if (e && e->kind == TRACE_EV_CALL) {
				s->sel = i;
				s->pk_top = 0;
				s->psel = first_own(e);
				s->code_moved = false;
				break;
			}
		}
		return UI_REDRAW;
	case A_LADDER:
		s->ladder = !s->ladder;
		s->focus = F_PACKETS;   /* its arrows take the moving keys */
		return UI_REDRAW;
	case A_FOCUS:
	case A_FOCUS_BACK:
		do   /* the fields are not shown beside the ladder */
			s->focus = (s->focus + (keys_action(&trace_table, key) == A_FOCUS ? 1 : F_COUNT - 1)) % F_COUNT;
		while (s->ladder && s->focus == F_DETAIL);
		return UI_REDRAW;
	case A_HELP:
		return UI_HELP;
	case A_QUIT:
		stop_tracer(s);
		return UI_QUIT;
	default:
		break;
	}
	switch (s->focus) {
	case F_CALLS:
		if (ui_move_key(key, &s->sel, s->nlist, page)) {
			s->follow = s->sel + 1 == s->nlist;
			s->pk_top = 0;
			s->psel = first_own(event_of(s, s->sel));
			s->code_moved = false;
			return UI_REDRAW;
		}
		break;
	case F_PACKETS:
		if (s->ladder)
			return ladder_key(s, key, page);
		if (ui_hscroll_key(key, &s->pk_skip))
			return UI_REDRAW;
		if (ev && ui_move_key(key, &s->psel, ev->npk, page))
			return UI_REDRAW;
		break;
	case F_DETAIL:
		return fieldview_key(&s->fv, key);
	case F_CODE:
		if (ui_scroll_key(key, &s->code_top, s->code_n, page)) {
			s->code_moved = true;
			return UI_REDRAW;
		}
		break;
	default:
		break;
	}
	return UI_IGNORED;
}

const struct ui_screen ui_trace = {
	.name = "trace",
	.create = trace_create, .destroy = trace_destroy, .resize = ui_resize_size,
	.draw = trace_draw, .handle_key = trace_key, .tick = trace_tick, .help = trace_help,
};
