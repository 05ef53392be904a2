/*
 * ui_inspect.c — the inspection screen of `sockscope inspect FILE`: the
 * packet list over the selected packet's field tree and bytes.
 *
 * The file is indexed on capfile's background thread; this screen walks
 * its view (inspect/view.h) in bounded slices on every tick, so the first
 * rows show at once and keys are answered while a big file is still being
 * read.  The view is only ever touched from this (the UI) thread, as
 * view.h asks.  A new display filter is a new view; a filter that does
 * not compile leaves the old one in place.  The search is not a view: as
 * in less and vim it moves the selection to the next row whose line
 * matches (n, N again), within what the filter shows, and clearing it
 * leaves the filter alone.
 *
 * Without filter and search the list's rows are the indexed packets
 * themselves (a direct view): End and ":N" land at once however far the
 * walk is, and only the rows on screen are dissected, when drawn.  The
 * walk still runs on the ticks, for one thing: the flow table that makes
 * TCP seq/ack relative.  Rows it has not reached show absolute numbers,
 * marked (view.h), and turn relative on a later redraw once it passed
 * them — simpler than a flow table on another thread, and never wrong.
 * With a filter, rows exist only once the walk found them, so a jump
 * waits for it (with a message).
 *
 * Keys are tables: the screen's actions by key, and the prompts (filter,
 * search, go to, save) by key, each with the function that applies the
 * text typed.  A followed stream, the conversations and a ladder are lines
 * handed to ui_jumplist, which hands back the packet to jump to.
 */
#include "tui/ui.h"
#include "common/mem.h"
#include "common/vec.h"
#include "tui/fieldview.h"
#include "common/clock.h"
#include "inspect/bpfhint.h"
#include "inspect/conn.h"
#include "inspect/convs.h"
#include "inspect/save.h"
#include "inspect/stream.h"
#include "inspect/view.h"
#include "render/ladder.h"
#include "render/textfmt.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The view walks SLICE packets at a time, for at most TICK_BUDGET_MS per
 * tick (the loop ticks after 100 ms without a key) and GOTO_BUDGET_MS per
 * jump; a jump further than that completes on the ticks that follow. */
enum { SLICE = 2000, TICK_BUDGET_MS = 50, GOTO_BUDGET_MS = 300 };
/* At most this long, the screen waits at start for this many packets indexed. */
enum { FIRST_SCREEN_WAIT_MS = 30, FIRST_SCREEN_ROWS = 100 };

enum focus { FOCUS_LIST, FOCUS_FIELDS, FOCUS_HEX, NFOCUS };

struct inspect_screen;

/* A one-line question at the bottom: the text typed goes to apply, which
 * returns false (with s->prompt_err set) to keep the field open. */
struct prompt {
	int action;       /* its action in the key table */
	const char *title;
	bool digits;
	bool (*apply)(struct inspect_screen *s, const char *text);
};

struct inspect_screen {
	struct ui *ui;
	struct capfile *cf;
	struct live *live;        /* writing cf, or NULL (a file) */
	struct live_stats lstats; /* as last drawn */
	size_t tick_rows;         /* rows at the last tick (a direct view grows between ticks) */
	struct rect list_rect;    /* the list's rows as last drawn (for clicks) */
	struct inspect_view *v;
	char filter[256], search[128];
	struct inspect_find find;  /* a search under way (finding), continued on the ticks */
	bool finding;
	enum inspect_time time;
	bool view_done;
	bool self_index;          /* no indexing thread: the ticks index the file */
	struct inspect_marks *marks;
	size_t sel, top;          /* rows of the view */
	int page, skip, w, h;
	enum focus focus;
	struct fieldview fv;
	long long fv_pkt;         /* the packet in fv, -1 none */
	const struct prompt *prompt;   /* the open prompt, or NULL */
	int confirm;              /* 'w' or 'e': asking whether to replace confirm_path, else 0 */
	char confirm_typed[128], confirm_path[4096];
	struct ui_input in;
	char prompt_err[512];
	char msg[512];
	enum term_color msg_color;
	long long jump;           /* set by ui_jumplist: go to this packet */
	long long ladder_first;   /* the first packet of the connection the ladder shows */
	long long want;           /* go to this packet once the view has walked past it, -1 none */
	bool want_asked;          /* the user asked for it (else: keeping the selection over a new filter) */
	bool wait_said;           /* the status line says we wait for `want` */
	uint64_t drawn_top, drawn_end;   /* packets of the rows drawn: [top, end) */
	bool damage_seen, damage_dialog;
	struct capfile_progress last;
	size_t last_count;
	struct ui_lines rows;
};

/* A message for the status line, until the next key. */
static void say(struct inspect_screen *s, enum term_color c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct inspect_screen *s, enum term_color c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
	s->msg_color = c;
}

static bool filtered(const struct inspect_screen *s)
{
	return s->filter[0] != '\0';
}

/* Rows the list has now (all indexed packets in a direct view). */
static size_t nrows(const struct inspect_screen *s)
{
	return inspect_view_rows(s->v);
}

static long long sel_packet(const struct inspect_screen *s)
{
	return s->sel < nrows(s) ? (long long)inspect_view_packet(s->v, s->sel) : -1;
}

/* Has the list got as far as packet pkt, or as far as it will ever get?
 * A direct view has every indexed packet; another view the walked ones. */
static bool reached(const struct inspect_screen *s, uint64_t pkt)
{
	if (inspect_view_direct(s->v)) {
		struct capfile_progress p;
		capfile_progress(s->cf, &p);   /* the state before the count: no packet is missed */
		return capfile_count(s->cf) > pkt || p.state != CAPFILE_SCANNING;
	}
	return inspect_view_walked(s->v) > pkt || s->view_done;
}

/* Go to packet `want` when the list has got that far (or to its end). */
static void settle(struct inspect_screen *s)
{
	if (s->want < 0 || !reached(s, (uint64_t)s->want))
		return;
	size_t n = nrows(s), row = inspect_view_row_at(s->v, (uint64_t)s->want);
	if (row >= n)
		row = n ? n - 1 : 0;
	s->sel = row;
	if (n && s->want_asked && inspect_view_packet(s->v, row) != (uint64_t)s->want)
		say(s, TC_ERROR, "%s", inspect_view_direct(s->v) ? "the file has fewer packets: the last is selected" :
		    "the packet is not in this view (the filter): the nearest is selected");
	else if (s->wait_said)
		s->msg[0] = '\0';   /* "going to packet N as soon as..." is over */
	s->wait_said = false;
	s->want = -1;
}

/* Walk up to max more packets of the view. */
static void walk(struct inspect_screen *s, size_t max)
{
	if (!s->view_done)
		s->view_done = inspect_view_update(s->v, max, NULL, NULL);
	settle(s);
}

/* Walk for at most ms milliseconds, stopping early once a jump landed. */
static void walk_for(struct inspect_screen *s, long long ms)
{
	long long end = clock_ms() + ms;
	bool jumping = s->want >= 0;
	do
		walk(s, SLICE);
	while (!s->view_done && !(jumping && s->want < 0) && clock_ms() < end);
}

/* Jump now, or as soon as the list has got that far: a direct view as
 * soon as the packet is indexed, another one once its walk passed it. */
static void go_to(struct inspect_screen *s, long long pkt)
{
	s->want = pkt;
	s->want_asked = true;
	if (inspect_view_direct(s->v))
		settle(s);
	else
		walk_for(s, GOTO_BUDGET_MS);
	if (s->want >= 0) {
		say(s, TC_OK, "going to packet %lld as soon as %s", pkt + 1,
		    inspect_view_direct(s->v) ? "it is indexed (not yet)" : "the list has read that far");
		s->wait_said = true;
	}
}

/* ---- prompts ---- */

static bool new_view(struct inspect_screen *s, const char *filter)
{
	char err[512];
	struct inspect_view *v = inspect_view_new(s->cf, filter, NULL, err, sizeof err);
	if (!v) {
		snprintf(s->prompt_err, sizeof s->prompt_err, "%s", err);
		return false;
	}
	long long keep = sel_packet(s);
	inspect_view_free(s->v);
	s->v = v;
	s->view_done = false;
	s->sel = s->top = 0;
	s->finding = false;   /* its rows were the old view's */
	if (filter != s->filter)   /* snprintf onto its own source would be undefined */
		snprintf(s->filter, sizeof s->filter, "%s", filter);
	s->want = keep;
	s->want_asked = false;
	walk(s, SLICE);
	return true;
}

static bool apply_filter(struct inspect_screen *s, const char *text)
{
	if (!new_view(s, text)) {
		/* The status line keeps the gist after Esc; the box has it all. */
		const char *dym = strstr(s->prompt_err, "did you mean: ");
		say(s, TC_ERROR, "bad filter, not applied%s%s", dym ? "; " : " (tcpdump syntax: man pcap-filter)",
		    dym ? dym : "");
		if (dym) {
			size_t k = strlen(s->prompt_err);
			snprintf(s->prompt_err + k, sizeof s->prompt_err - k, "  (Tab takes it)");
		}
		return false;
	}
	say(s, TC_OK, "%s%s", *text ? "filter: " : "no filter", text);
	return true;
}

/* Rows looked at per slice of a search, how long a key may search before
 * the rest goes to the ticks, and how long a tick searches: longer than
 * the walk's tick, as the ticks come 100 ms apart and a key waits at most
 * this long. */
enum { FIND_SLICE = 500, FIND_BUDGET_MS = 200, FIND_TICK_MS = 150 };

/* Go on with the search under way for at most ms milliseconds. */
static void find_run(struct inspect_screen *s, long long ms)
{
	long long end = clock_ms() + ms;
	size_t row;
	enum inspect_find_result r;
	do
		r = inspect_find_step(s->v, &s->find, s->time, FIND_SLICE, &row);
	while (r == INSPECT_FIND_MORE && clock_ms() < end);
	if (r == INSPECT_FIND_MORE) {
		say(s, TC_OK, "searching for \"%s\"... (row %zu of %zu)", s->find.text, s->find.pos + 1, nrows(s));
		return;
	}
	s->finding = false;
	if (r == INSPECT_FIND_NONE) {
		say(s, TC_ERROR, "not found%s: \"%s\"", filtered(s) ? " in the filtered list" : "", s->find.text);
		return;
	}
	s->sel = row;
	s->want = -1;
	unsigned long long pkt = (unsigned long long)inspect_view_packet(s->v, row) + 1;
	if (s->find.wrapped && row == s->find.start)
		say(s, TC_OK, "only packet %llu matches \"%s\"", pkt, s->find.text);
	else if (s->find.wrapped)
		say(s, TC_OK, "wrapped to the %s: packet %llu matches \"%s\"", s->find.forward ? "top" : "bottom", pkt,
		    s->find.text);
	else
		say(s, TC_OK, "packet %llu matches \"%s\" (n next, N previous)", pkt, s->find.text);
}

static void find_start(struct inspect_screen *s, bool forward)
{
	inspect_find_begin(&s->find, s->search, forward, s->sel);
	s->finding = true;
	find_run(s, FIND_BUDGET_MS);
}

static bool apply_search(struct inspect_screen *s, const char *text)
{
	if (text != s->search)
		snprintf(s->search, sizeof s->search, "%s", text);
	s->finding = false;
	if (!*text) {
		say(s, TC_OK, "no search%s%s", filtered(s) ? "; the filter stays: " : "", s->filter);
		return true;
	}
	find_start(s, true);
	return true;
}

static bool apply_goto(struct inspect_screen *s, const char *text)
{
	long long n = atoll(text);
	if (n < 1) {
		snprintf(s->prompt_err, sizeof s->prompt_err, "packets count from 1");
		return false;
	}
	if ((uint64_t)n > capfile_count(s->cf) && s->last.state != CAPFILE_SCANNING) {
		snprintf(s->prompt_err, sizeof s->prompt_err, "there is no packet %lld: the file has %llu", n,
		         (unsigned long long)capfile_count(s->cf));
		return false;
	}
	go_to(s, n - 1);
	return true;
}

/* Everything shown must be walked before it is written: wait for the
 * index, then the view. */
static void walk_all(struct inspect_screen *s)
{
	if (s->live && s->last.state == CAPFILE_SCANNING) {
		/* A capture that goes on: what has been indexed so far. */
		uint64_t n = capfile_count(s->cf);
		while (!s->view_done && inspect_view_walked(s->v) < n)
			walk(s, SIZE_MAX);
		return;
	}
	capfile_index_wait(s->cf);
	while (s->self_index && capfile_index_step(s->cf, 65536) == CAPFILE_SCANNING)
		;
	while (!s->view_done)
		walk(s, SIZE_MAX);
}

/* err with the expanded path put back as the user typed it ("~/x.pcap"). */
static void typed_error(char *out, size_t n, const char *err, const char *path, const char *typed)
{
	const char *at = strstr(err, path);
	if (!at || strcmp(path, typed) == 0)
		snprintf(out, n, "%s", err);
	else
		snprintf(out, n, "%.*s%s%s", (int)(at - err), err, typed, at + strlen(path));
}

/* Write the packets (key 'w') or the list as text ('e') to path.  0, or
 * -1 with msg set; on success msg says what was written. */
static int write_out(struct inspect_screen *s, int key, const char *typed, const char *path, char *msg, size_t n)
{
	char err[512];
	walk_all(s);
	if (key == 'w') {
		bool marked = inspect_marks_count(s->marks) > 0;
		long long k = inspect_save(s->cf, filtered(s) ? s->v : NULL, marked ? s->marks : NULL, path, err, sizeof err);
		if (k < 0) {
			typed_error(msg, n, err, path, typed);
			return -1;
		}
		snprintf(msg, n, "saved the %s to %s: %lld packets", marked ? "marked" : filtered(s) ? "shown" : "all", typed, k);
		return 0;
	}
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(msg, n, "cannot write %s: %s", typed, strerror(errno));
		return -1;
	}
	char line[1024];
	size_t rows = inspect_view_rows(s->v), k = 0;
	fprintf(f, "%s\n", textfmt_packet_heading());
	for (size_t r = 0; r < rows; r++)
		if (inspect_view_line(s->v, r, s->time, line, sizeof line) && fprintf(f, "%s\n", line) > 0)
			k++;
	if (fclose(f) != 0) {
		snprintf(msg, n, "writing %s: %s", typed, strerror(errno));
		return -1;
	}
	snprintf(msg, n, "exported the list as text: %zu lines to %s", k, typed);
	return 0;
}

/* The save prompts: "~" expanded as a shell would, and an existing file
 * is not replaced before the user said so (y/n). */
static bool apply_write(struct inspect_screen *s, int key, const char *text)
{
	char path[sizeof s->confirm_path], msg[1024];
	if (!*text) {
		snprintf(s->prompt_err, sizeof s->prompt_err, "type the path of the %s to write",
		         key == 'w' ? "pcap file" : "text file");
		return false;
	}
	if (inspect_expand_path(text, path, sizeof path) < 0) {
		snprintf(s->prompt_err, sizeof s->prompt_err, "cannot tell where %.*s is: no such user or no home",
		         (int)strcspn(text, "/"), text);
		return false;
	}
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(s->prompt_err, sizeof s->prompt_err, "%s is a directory: type a file's name", text);
			return false;
		}
		s->confirm = key;
		snprintf(s->confirm_typed, sizeof s->confirm_typed, "%s", text);
		snprintf(s->confirm_path, sizeof s->confirm_path, "%s", path);
		return true;   /* the question replaces the prompt */
	}
	if (write_out(s, key, text, path, msg, sizeof msg) < 0) {
		snprintf(s->prompt_err, sizeof s->prompt_err, "%s", msg);
		return false;
	}
	say(s, TC_OK, "%s", msg);
	return true;
}

static bool apply_save(struct inspect_screen *s, const char *text)
{
	return apply_write(s, 'w', text);
}

/* The list as text, as shown: the heading and one line per row. */
static bool apply_export(struct inspect_screen *s, const char *text)
{
	return apply_write(s, 'e', text);
}

/* The answer to "FILE exists: replace it?" */
static enum ui_result confirm_key(struct inspect_screen *s, int key)
{
	char msg[1024];
	if (key == 'y' || key == 'Y') {
		int k = s->confirm;
		s->confirm = 0;
		int rc = write_out(s, k, s->confirm_typed, s->confirm_path, msg, sizeof msg);
		say(s, rc < 0 ? TC_ERROR : TC_OK, "%s", msg);
		return UI_REDRAW;
	}
	if (key == 'n' || key == 'N' || key == TK_ESC || key == 'q') {
		s->confirm = 0;
		say(s, TC_OK, "not written: %s is as it was", s->confirm_typed);
		return UI_REDRAW;
	}
	return UI_HANDLED;
}

static void draw_confirm(struct inspect_screen *s)
{
	int bw = s->w - 4 < 80 ? s->w - 4 : 80;
	struct rect in = ui_dialog(s->w, s->h, bw, 5, "The file exists");
	struct ui_lines l = { 0 };
	char text[600];
	snprintf(text, sizeof text, "%s exists. Replace it with the %s?", s->confirm_typed,
	         s->confirm == 'w' ? "packets" : "list as text");
	ui_lines_wrap(&l, text, in.w - 2, TC_BOLD);
	ui_lines_draw(&l, (struct rect){ in.y, in.x + 1, in.h - 1, in.w - 2 }, 0, 0, false);
	ui_lines_free(&l);
	term_text(in.y + in.h - 1, in.x + 1, in.w - 2, "y replace   n keep it (Esc)", TC_DIM, 0, false);
}

/* What the keys do: the actions below, and the prompts, by action. */
enum {
	I_QUIT = 1, I_HELP, I_TIME, I_MARK, I_FOLLOW, I_CONVS, I_LADDER, I_STOP, I_FOCUS, I_FOCUS_BACK,
	I_FILTER, I_SEARCH, I_GOTO, I_SAVE, I_EXPORT, I_BACK, I_NEXT, I_PREV,
};

static const struct key_bind inspect_binds[] = {
	{ { ':' }, I_GOTO, "go to packet N (typed, then Enter)", NULL },
	{ { TK_TAB }, I_FOCUS, "focus the list, the field tree, the bytes (a byte cursor: the field owning the byte is "
	  "selected)", NULL },
	{ { TK_BTAB }, I_FOCUS_BACK, "focus the one before", NULL },
	{ { '/' }, I_SEARCH, "search: Enter selects the next packet whose line contains the text (lower case matches "
	  "any case, a capital exact case); empty ends the search, the filter stays", NULL },
	{ { 'n' }, I_NEXT, "the next match of the search, wrapping at the end", NULL },
	{ { 'N' }, I_PREV, "the previous match", NULL },
	{ { '&' }, I_FILTER, "display filter in tcpdump (BPF) syntax (pcap-filter(7)), empty: none; one that does "
	  "not compile keeps the list as it was and says why", NULL },
	{ { 'T' }, I_TIME, "the time column: time of day, since the first packet, since the previous row", NULL },
	{ { 'F' }, I_FOLLOW, "follow the TCP stream or UDP flow, as inspect --follow prints it: ==> says who sent "
	  "the bytes below, each end in its colour (Enter in the list does too)", NULL },
	{ { 'c' }, I_CONVS, "the conversations (among the packets shown): endpoints, packets, bytes, duration", NULL },
	{ { 'L' }, I_LADDER, "the ladder diagram of the selected packet's TCP connection", NULL },
	{ { 'm' }, I_MARK, "mark or unmark the packet ('*' in the list)", NULL },
	{ { 'w' }, I_SAVE, "save as pcap to a path typed: the marked packets, else those shown", NULL },
	{ { 'e' }, I_EXPORT, "export the list as text, as shown (a stream: sockscope inspect FILE --follow N)", NULL },
	{ { 'S' }, I_STOP, "a live capture (inspect -i): stop capturing; what was captured stays to inspect", NULL },
	{ { TK_ESC }, I_BACK, "from the field tree or the bytes: back to the list", NULL },
	{ { '?' }, I_HELP, "this help", NULL },
	{ { 'q' }, I_QUIT, "quit", NULL },
};
static const struct key_table inspect_table =
	KEY_TABLE("Inspecting a capture (sockscope inspect FILE, inspect -i IFACE)", inspect_binds);
static const struct key_table *const inspect_help[] = {
	&inspect_table, &fieldview_keys, &ui_keys_move, &ui_keys_hscroll, &ui_keys_anywhere, NULL
};

static const struct prompt prompts[] = {
	{ I_FILTER, "Display filter, tcpdump (BPF) syntax, e.g. tcp port 80 (empty: none)", false, apply_filter },
	{ I_SEARCH, "Search the lines for (n next, N previous; empty: none)", false, apply_search },
	{ I_GOTO, "Go to packet number", true, apply_goto },
	{ I_SAVE, "Save as pcap (the marked packets, else those shown) to", false, apply_save },
	{ I_EXPORT, "Export the list as text to", false, apply_export },
};

static void open_prompt(struct inspect_screen *s, const struct prompt *p)
{
	s->prompt = p;
	s->prompt_err[0] = '\0';
	memset(&s->in, 0, sizeof s->in);
	const char *start = p->action == I_FILTER ? s->filter : p->action == I_SEARCH ? s->search : "";
	snprintf(s->in.buf, sizeof s->in.buf, "%s", start);
	s->in.len = s->in.cur = strlen(s->in.buf);
}

static enum ui_result prompt_key(struct inspect_screen *s, int key)
{
	if (key == TK_ESC) {
		s->prompt = NULL;
		return UI_REDRAW;
	}
	if (key == TK_ENTER) {
		s->prompt_err[0] = '\0';
		if (s->prompt->apply(s, s->in.buf))
			s->prompt = NULL;
		return UI_REDRAW;
	}
	char form[sizeof s->in.buf];
	if (key == TK_TAB && s->prompt->action == I_FILTER && bpfhint_suggest(s->in.buf, form, sizeof form)) {
		/* the tcpdump form of a Wireshark-style filter, to apply or edit */
		snprintf(s->in.buf, sizeof s->in.buf, "%s", form);
		s->in.len = s->in.cur = strlen(s->in.buf);
		s->prompt_err[0] = '\0';
		return UI_REDRAW;
	}
	if (ui_input_key(&s->in, key, s->prompt->digits)) {
		s->prompt_err[0] = '\0';
		return UI_REDRAW;
	}
	return UI_HANDLED;
}

/* ---- follow, conversations, ladder: lines for ui_jumplist ---- */

struct lines_out {
	struct ui_jumplist j;
	size_t cap;
};

static void out_add(struct lines_out *o, const char *text, enum term_color c, long long pkt)
{
	o->j.packet = vec_room(o->j.packet, o->j.lines.n, &o->cap, sizeof *o->j.packet);
	o->j.packet[o->j.lines.n] = pkt;
	ui_lines_add(&o->j.lines, text, c, ' ');
}

static enum ui_result show_lines(struct inspect_screen *s, struct lines_out *o)
{
	char err[256];
	if (ui_push(s->ui, &ui_jumplist, &o->j, err, sizeof err) < 0) {
		ui_lines_free(&o->j.lines);
		free(o->j.packet);
		say(s, TC_ERROR, "%s", err);
	}
	return UI_REDRAW;
}

/* A line of the followed stream, as the core wrote it: only its colour is
 * the screen's, from who sent it and what the line is. */
static void follow_line(void *ctx, const struct inspect_line *l)
{
	enum term_color c = l->side == INSPECT_SIDE_A ? TC_DIR_A : TC_DIR_B;
	switch (l->kind) {
	case INSPECT_LINE_HEADING: c = TC_HEADING; break;
	case INSPECT_LINE_EMPTY: case INSPECT_LINE_AGAIN: c = TC_DIM; break;
	case INSPECT_LINE_LACKING: c = TC_ERROR; break;
	case INSPECT_LINE_SENT: if (l->chunk && l->chunk->out_of_order) c = TC_ERROR; break;
	case INSPECT_LINE_BYTES: break;
	}
	out_add(ctx, l->text, c, l->packet);
}

static enum ui_result do_follow(struct inspect_screen *s)
{
	long long pkt = sel_packet(s);
	struct inspect_stream st;
	char err[256], a[64], b[64];
	if (pkt < 0)
		return UI_HANDLED;
	if (inspect_stream_build(s->cf, (uint64_t)pkt, &st, err, sizeof err) < 0) {
		say(s, TC_ERROR, "cannot follow: %s", err);
		return UI_REDRAW;
	}
	inspect_conn_endpoint(&st.conn, true, a, sizeof a);
	inspect_conn_endpoint(&st.conn, false, b, sizeof b);
	struct lines_out o = { .j = { .head = 1, .jump = &s->jump } };
	snprintf(o.j.title, sizeof o.j.title, "Follow %s stream: %s <-> %s", st.tcp ? "TCP" : "UDP", a, b);
	o.j.hint = "==> sender; [ ] lacking or resent";
	inspect_stream_lines(&st, follow_line, &o);
	inspect_stream_free(&st);
	return show_lines(s, &o);
}

static enum ui_result do_convs(struct inspect_screen *s)
{
	struct inspect_conv *c;
	char err[256], line[512];
	long n = inspect_conversations(s->cf, filtered(s) ? s->v : NULL, &c, err, sizeof err);
	if (n < 0) {
		say(s, TC_ERROR, "%s", err);
		return UI_REDRAW;
	}
	struct lines_out o = { .j = { .head = 1, .jump = &s->jump, .hint = "Enter: go to the conversation's first packet" } };
	snprintf(o.j.title, sizeof o.j.title, "Conversations: %ld%s", n, filtered(s) ? " (among the packets shown)" : "");
	out_add(&o, inspect_conv_heading(), TC_HEADING, -1);
	for (long i = 0; i < n; i++) {
		inspect_conv_line(&c[i], line, sizeof line);
		out_add(&o, line, TC_NORMAL, (long long)c[i].first_packet);
	}
	if (n == 0)
		out_add(&o, "(no IP packets)", TC_DIM, -1);
	free(c);
	return show_lines(s, &o);
}

static bool ladder_turn(void *ctx, int dir, struct ui_jumplist *out, char *err, size_t errlen);

/* The ladder of packet pkt's connection as lines into o; false with err. */
static bool ladder_lines(struct inspect_screen *s, long long pkt, struct lines_out *o, char *err, size_t errlen)
{
	char a[64], b[64];
	uint64_t *num = NULL;
	struct ladder *l = inspect_ladder_numbered(s->cf, (uint64_t)pkt, s->w - 4, &num, err, errlen);
	if (!l)
		return false;
	ladder_endpoint(&l->conn, true, a, sizeof a);
	ladder_endpoint(&l->conn, false, b, sizeof b);
	*o = (struct lines_out){ .j = { .jump = &s->jump, .hint = "Enter: go to the arrow's packet", .turn = ladder_turn,
	                                .ctx = s } };
	snprintf(o->j.title, sizeof o->j.title, "Ladder: %s <-> %s, %zu segments", a, b, l->conn.npackets);
	while (o->j.head < l->nrows && l->rows[o->j.head].frame < 0)
		o->j.head++;
	s->ladder_first = -1;
	for (size_t r = 0; r < l->nrows; r++) {
		long fr = l->rows[r].frame;
		long long p = fr >= 0 ? (long long)num[fr] : -1;
		if (p >= 0 && (s->ladder_first < 0 || p < s->ladder_first))
			s->ladder_first = p;
		if (p == pkt)
			o->j.start = r;
		out_add(o, l->rows[r].text, p == pkt ? TC_STEP_PKT : r < o->j.head ? TC_HEADING : TC_NORMAL, p);
	}
	free(num);
	ladder_free(l);
	return true;
}

/* ] and [ in a ladder: the TCP conversation after (before) the one shown,
 * in the order of their first packets, round at the ends. */
static bool ladder_turn(void *ctx, int dir, struct ui_jumplist *out, char *err, size_t errlen)
{
	struct inspect_screen *s = ctx;
	struct inspect_conv *c;
	long n = inspect_conversations(s->cf, filtered(s) ? s->v : NULL, &c, err, errlen);
	if (n < 0)
		return false;
	long long cur = s->ladder_first, first = -1, last = -1, to = -1;
	size_t tcp = 0;
	for (long i = 0; i < n; i++) {
		if (c[i].ip_proto != 6)
			continue;
		long long p = (long long)c[i].first_packet;
		tcp++;
		first = first < 0 ? p : first;
		last = p;
		if (dir > 0 && p > cur && to < 0)
			to = p;
		if (dir < 0 && p < cur)
			to = p;
	}
	free(c);
	if (tcp < 2) {
		snprintf(err, errlen, "%s%s", tcp ? "this is the only TCP connection" : "no TCP connection",
		         filtered(s) ? " among the packets shown" : "");
		return false;
	}
	if (to < 0)   /* past the last (first): round to the other end */
		to = dir > 0 ? first : last;
	struct lines_out o;
	if (!ladder_lines(s, to, &o, err, errlen))
		return false;
	*out = o.j;
	return true;
}

static enum ui_result do_ladder(struct inspect_screen *s)
{
	long long pkt = sel_packet(s);
	char err[256];
	if (pkt < 0)
		return UI_HANDLED;
	struct lines_out o;
	if (!ladder_lines(s, pkt, &o, err, sizeof err)) {
		say(s, TC_ERROR, "no ladder: %s", err);
		return UI_REDRAW;
	}
	return show_lines(s, &o);
}

/* ---- actions ---- */

static enum ui_result do_quit(struct inspect_screen *s)
{
	(void)s;
	return UI_QUIT;
}

static enum ui_result do_help(struct inspect_screen *s)
{
	(void)s;
	return UI_HELP;
}

static enum ui_result do_stop(struct inspect_screen *s)
{
	if (!s->live) {
		say(s, TC_ERROR, "S stops a live capture (sockscope inspect -i IFACE); this is a file");
		return UI_REDRAW;
	}
	if (!s->lstats.running)
		return UI_HANDLED;   /* the status line says it ended already */
	/* The status line says "capture stopped: N packets": no message to repeat it. */
	live_stop(s->live);
	live_stats(s->live, &s->lstats);
	return UI_REDRAW;
}

static enum ui_result do_find(struct inspect_screen *s, bool forward)
{
	if (!s->search[0]) {
		say(s, TC_ERROR, "no search yet: / searches the lines");
		return UI_REDRAW;
	}
	find_start(s, forward);
	return UI_REDRAW;
}

static enum ui_result do_next(struct inspect_screen *s)
{
	return do_find(s, true);
}

static enum ui_result do_prev(struct inspect_screen *s)
{
	return do_find(s, false);
}

static enum ui_result do_time(struct inspect_screen *s)
{
	static const char *names[] = { "time of day", "seconds since the first packet", "seconds since the previous row" };
	s->time = (enum inspect_time)((s->time + 1) % 3);
	say(s, TC_OK, "time column: %s", names[s->time]);
	return UI_REDRAW;
}

static enum ui_result do_mark(struct inspect_screen *s)
{
	long long pkt = sel_packet(s);
	if (pkt < 0)
		return UI_HANDLED;
	inspect_marks_toggle(s->marks, (uint64_t)pkt);
	say(s, TC_OK, "%s packet %lld; %llu marked (w saves the marked packets)",
	    inspect_marks_test(s->marks, (uint64_t)pkt) ? "marked" : "unmarked", pkt + 1,
	    (unsigned long long)inspect_marks_count(s->marks));
	if (s->sel + 1 < nrows(s))
		s->sel++;
	return UI_REDRAW;
}

static enum ui_result do_focus(struct inspect_screen *s)
{
	s->focus = (enum focus)((s->focus + 1) % NFOCUS);
	fieldview_hex_mode(&s->fv, s->focus == FOCUS_HEX);
	return UI_REDRAW;
}

static enum ui_result do_focus_back(struct inspect_screen *s)
{
	s->focus = (enum focus)((s->focus + NFOCUS - 1) % NFOCUS);
	fieldview_hex_mode(&s->fv, s->focus == FOCUS_HEX);
	return UI_REDRAW;
}

static enum ui_result do_back(struct inspect_screen *s)
{
	s->focus = FOCUS_LIST;
	fieldview_hex_mode(&s->fv, false);
	return UI_REDRAW;
}

static const struct action {
	int action;
	enum ui_result (*fn)(struct inspect_screen *s);
} actions[] = {
	{ I_QUIT, do_quit }, { I_HELP, do_help }, { I_TIME, do_time }, { I_MARK, do_mark },
	{ I_FOLLOW, do_follow }, { I_CONVS, do_convs }, { I_LADDER, do_ladder }, { I_STOP, do_stop },
	{ I_NEXT, do_next }, { I_PREV, do_prev },
	{ I_FOCUS, do_focus }, { I_FOCUS_BACK, do_focus_back }, { I_BACK, do_back },
};

/* ---- the screen ---- */

static void *inspect_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	const struct tui_inspect *ti = arg;
	struct inspect_screen *s = xcalloc(1, sizeof *s);
	s->ui = ui;
	s->cf = ti->cf;
	s->live = ti->live;
	s->time = ti->time;
	s->fv_pkt = s->jump = s->want = -1;
	snprintf(s->filter, sizeof s->filter, "%s", ti->filter ? ti->filter : "");
	snprintf(s->search, sizeof s->search, "%s", ti->search ? ti->search : "");
	s->marks = inspect_marks_new();
	s->v = inspect_view_new(s->cf, s->filter, NULL, err, errlen);
	if (!s->v) {
		inspect_marks_free(s->marks);
		free(s);
		return NULL;
	}
	char e[256];
	if (capfile_index_start(s->cf, e, sizeof e) < 0) {   /* then the ticks index it, in slices */
		s->self_index = true;
		say(s, TC_ERROR, "indexing on this thread: %s", e);
	} else {
		/* The first draw comes before the first tick (100 ms later): give the
		 * index thread a few milliseconds to find a screenful of packets, so
		 * that first screen already shows them. */
		struct capfile_progress pr;
		for (int waited = 0; waited < FIRST_SCREEN_WAIT_MS; waited++) {
			capfile_progress(s->cf, &pr);
			if (pr.state != CAPFILE_SCANNING || capfile_count(s->cf) >= FIRST_SCREEN_ROWS)
				break;
			usleep(1000);
		}
	}
	walk(s, SLICE);
	if (s->search[0]) {   /* -s TEXT: the first matching row, as less +/TEXT */
		inspect_find_begin(&s->find, s->search, true, INSPECT_FIND_TOP);
		s->finding = true;
		find_run(s, FIND_BUDGET_MS);
	}
	capfile_progress(s->cf, &s->last);   /* the first screen's status line, before the first tick */
	if (s->live) {
		live_stats(s->live, &s->lstats);
		if (live_mode(s->live) == CAPTURE_NAMESPACE)
			say(s, TC_OK, "no privilege for the host's lo: this is a namespace of our own, where only "
			    "programs started with --exec are seen");
	}
	return s;
}

static void inspect_destroy(void *self)
{
	struct inspect_screen *s = self;
	fieldview_free(&s->fv);
	ui_lines_free(&s->rows);
	inspect_view_free(s->v);
	inspect_marks_free(s->marks);
	free(s);
}

static void inspect_resize(void *self, int w, int h)
{
	struct inspect_screen *s = self;
	s->w = w;
	s->h = h;
}

static void progress_text(struct inspect_screen *s, char *buf, size_t n)
{
	const struct capfile_progress *p = &s->last;
	size_t shown = inspect_view_count(s->v);
	unsigned long long pk = (unsigned long long)p->packets;
	int len;
	if (s->live) {
		/* The kernel's counters, as tcpdump reports them when it ends. */
		const struct live_stats *l = &s->lstats;
		char limit[64] = "";
		if (!l->running && l->limit_reached)
			snprintf(limit, sizeof limit, " (-c %llu)", (unsigned long long)l->limit);
		len = snprintf(buf, n, "%s %llu packets%s; kernel: %u received, %u dropped%s%s",
		               l->running ? "live:" : l->limit_reached ? "capture ended:" : "capture stopped:", pk, limit,
		               l->received, l->dropped, l->write_error ? "; writing failed: " : "",
		               l->write_error ? l->write_error : "");
	} else if (p->state == CAPFILE_SCANNING) {
		unsigned pct = p->bytes_total ? (unsigned)(p->bytes_done * 100 / p->bytes_total) : 0;
		len = snprintf(buf, n, "indexing %u%% (%llu packets)", pct, pk);
	} else {
		len = snprintf(buf, n, "%llu packets", pk);
	}
	if (len > 0 && (size_t)len < n && filtered(s))
		len += snprintf(buf + len, n - (size_t)len, ", %zu shown%s", shown, s->view_done ? "" : " so far");
	uint64_t nm = inspect_marks_count(s->marks);
	if (len > 0 && (size_t)len < n && nm)
		len += snprintf(buf + len, n - (size_t)len, ", %llu marked", (unsigned long long)nm);
	if (len > 0 && (size_t)len < n && p->state == CAPFILE_DAMAGED)
		snprintf(buf + len, n - (size_t)len, "; damaged: %s", capfile_stop_reason(s->cf));
}

/* Dissect the selected packet for the detail if it is not the one shown. */
static void sync_detail(struct inspect_screen *s)
{
	long long pkt = sel_packet(s);
	if (pkt == s->fv_pkt)
		return;
	struct capfile_packet p;
	fieldview_clear(&s->fv);
	s->fv_pkt = -1;
	if (pkt >= 0 && capfile_packet(s->cf, (uint64_t)pkt, &p)) {
		fieldview_set(&s->fv, p.linktype, p.data, p.caplen, p.wirelen);
		s->fv_pkt = pkt;
	}
}

static void draw_list(struct inspect_screen *s, struct rect outer)
{
	char title[600], line[1024];
	size_t n = nrows(s);
	int len = snprintf(title, sizeof title, "Packets");
	if (s->filter[0])
		len += snprintf(title + len, sizeof title - (size_t)len, "  filter: %s", s->filter);
	if (s->search[0] && len > 0 && (size_t)len < sizeof title)
		snprintf(title + len, sizeof title - (size_t)len, "  search: %s", s->search);
	struct rect in = term_box(outer, title, s->focus == FOCUS_LIST);
	int head = in.h >= 3;
	struct rect list = { in.y + head, in.x, in.h - head, in.w };
	s->page = list.h;
	s->list_rect = list;
	ui_lines_clear(&s->rows);
	if (n == 0) {
		ui_lines_add(&s->rows, textfmt_packet_heading(), TC_HEADING, ' ');
		ui_lines_draw(&s->rows, (struct rect){ in.y, in.x, head, in.w }, 0, s->skip, true);
		ui_lines_clear(&s->rows);
		bool done = inspect_view_direct(s->v) ? s->last.state != CAPFILE_SCANNING : s->view_done;
		ui_lines_add(&s->rows, done ? (filtered(s) ? "(no packet matches)" : "(no packets in the file)") :
		             "(reading the file...)", TC_DIM, ' ');
		ui_lines_draw(&s->rows, list, 0, 0, true);
		return;
	}
	if (s->sel >= n)
		s->sel = n - 1;
	s->top = ui_scroll_into_view(s->top, s->sel, s->sel, list.h, n);
	s->drawn_top = inspect_view_packet(s->v, s->top);
	/* The columns are as wide as the rows on screen need (a long IPv6
	 * address does not push every row's summary out of sight). */
	size_t shown = 0, want = (size_t)(list.h > 0 ? list.h : 0);
	struct inspect_cols *cols = xcalloc(want, sizeof *cols);
	for (size_t r = s->top; r < n && shown < want; r++, shown++)
		if (!inspect_view_cols(s->v, r, s->time, &cols[shown]))
			break;
	struct inspect_layout lay;
	inspect_layout_fit(&lay, cols, shown, list.w - 2, term_utf8() ? "\u2026" : "~");
	inspect_layout_heading(&lay, line, sizeof line);
	ui_lines_add(&s->rows, line, TC_HEADING, ' ');
	ui_lines_draw(&s->rows, (struct rect){ in.y, in.x, head, in.w }, 0, s->skip, true);
	ui_lines_clear(&s->rows);
	for (size_t k = 0; k < shown; k++) {
		size_t r = s->top + k;
		inspect_layout_line(&lay, &cols[k], line, sizeof line);
		bool marked = inspect_marks_test(s->marks, inspect_view_packet(s->v, r));
		enum term_color c = r == s->sel ? (s->focus == FOCUS_LIST ? TC_CURSOR : TC_CURRENT) :
		                    marked ? TC_KEY : TC_NORMAL;
		ui_lines_add(&s->rows, line, c, marked ? '*' : ' ');
		s->drawn_end = inspect_view_packet(s->v, r) + 1;
	}
	free(cols);
	ui_lines_draw(&s->rows, list, 0, s->skip, true);
}

static void draw_detail(struct inspect_screen *s, struct rect outer)
{
	char title[512], line[1024];
	sync_detail(s);
	struct capfile_packet p;
	if (s->fv_pkt < 0 || !capfile_packet(s->cf, (uint64_t)s->fv_pkt, &p)) {
		struct rect in = term_box(outer, "Packet detail", s->focus != FOCUS_LIST);
		term_text(in.y, in.x + 1, in.w - 2, "No packet selected.", TC_DIM, 0, false);
		return;
	}
	inspect_frame_info(s->cf, &p, title, sizeof title);
	struct rect in = term_box(outer, title, s->focus != FOCUS_LIST);
	/* The row's whole line, laid out like the list's but for itself alone:
	 * nothing cut, no lone '>' on a row without addresses. */
	struct inspect_cols c;
	struct inspect_layout lay;
	line[0] = '\0';
	if (inspect_view_cols(s->v, s->sel, s->time, &c)) {
		inspect_layout_fit(&lay, &c, 1, 1 << 20, NULL);
		inspect_layout_line(&lay, &c, line, sizeof line);
	}
	fieldview_draw(&s->fv, in, line, TC_STEP_PKT);
}

static void draw_prompt(struct inspect_screen *s)
{
	int bw = s->w - 4 < 90 ? s->w - 4 : 90;
	/* The box grows with the error (a bad filter's "did you mean" comes
	 * after pcap's words and must not be cut), up to 5 lines of it. */
	struct ui_lines l = { 0 };
	if (s->prompt_err[0])
		ui_lines_wrap(&l, s->prompt_err, (bw < s->w - 2 ? bw : s->w - 2) - 4, TC_ERROR);
	int nerr = (int)l.n < 5 ? (int)l.n : 5;
	struct rect in = ui_dialog(s->w, s->h, bw, 4 + nerr, s->prompt->title);
	ui_input_draw(&s->in, in.y, in.x + 1, in.w - 2);
	ui_lines_draw(&l, (struct rect){ in.y + 1, in.x + 1, in.h - 2, in.w - 2 }, 0, 0, false);
	ui_lines_free(&l);
	term_text(in.y + in.h - 1, in.x + 1, in.w - 2, "Enter apply   Esc cancel", TC_DIM, 0, false);
}

static void draw_damage(struct inspect_screen *s)
{
	int bw = s->w - 4 < 80 ? s->w - 4 : 80;
	struct rect in = ui_dialog(s->w, s->h, bw, 8, "The file is damaged");
	struct ui_lines l = { 0 };
	char text[1024];
	snprintf(text, sizeof text, "%s. Every packet before the damage is shown (%llu).", capfile_stop_reason(s->cf),
	         (unsigned long long)s->last.packets);
	ui_lines_wrap(&l, text, in.w - 2, TC_ERROR);
	ui_lines_draw(&l, (struct rect){ in.y, in.x + 1, in.h - 1, in.w - 2 }, 0, 0, false);
	ui_lines_free(&l);
	term_text(in.y + in.h - 1, in.x + 1, in.w - 2, "Any key closes this message.", TC_DIM, 0, false);
}

/* The key hints that fit beside the status text (`used` columns), the
 * most useful first: a first-time user at 80 columns sees how to search,
 * filter and get help rather than no hint at all. */
static void key_hints(const struct inspect_screen *s, bool busy, int used, char *buf, size_t n)
{
	static const char *const file[] = { "? help", "/ search", "& filter", "F follow", "q quit", "n/N next/prev",
	                                    "c conv", "L ladder", "m mark", "w save", NULL };
	static const char *const live[] = { "? help", "S stop", "/ search", "& filter", "q quit", "F follow",
	                                    "w save", "c conv", "L ladder", NULL };
	const char *const *h = s->live && s->lstats.running ? live : file;
	int room = s->w - used - 4;
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; h[i] && !(busy && i > 0); i++) {
		size_t k = strlen(h[i]);
		if ((int)(len + k + (len ? 2 : 0)) > room)
			break;   /* not even "? help" over a long message: the top line offers it */
		len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "  " : "", h[i]);
	}
}

static void inspect_draw(void *self)
{
	struct inspect_screen *s = self;
	char left[1024], top[600];
	if (s->jump >= 0) {   /* ui_jumplist chose a packet */
		long long j = s->jump;
		s->jump = -1;
		s->focus = FOCUS_LIST;
		go_to(s, j);
	}
	snprintf(top, sizeof top, "sockscope inspect  -  %s", capfile_path(s->cf));
	ui_status_bar(0, s->w, top, "? help");
	int body = s->h - 2;
	int listh = body * 2 / 5 < 5 ? 5 : body * 2 / 5;
	draw_list(s, (struct rect){ 1, 0, listh, s->w });
	draw_detail(s, (struct rect){ 1 + listh, 0, body - listh, s->w });
	progress_text(s, left, sizeof left);
	if (s->msg[0]) {
		size_t k = strlen(left);
		snprintf(left + k, sizeof left - k, "  |  %s", s->msg);
	}
	/* What went on (a message, the damage) goes before the key hints. */
	bool busy = s->msg[0] || s->last.state == CAPFILE_DAMAGED;
	char hints[200];
	key_hints(s, busy, (int)strlen(left), hints, sizeof hints);
	ui_status_bar(s->h - 1, s->w, left, hints);
	if (s->confirm)
		draw_confirm(s);
	else if (s->prompt)
		draw_prompt(s);
	else if (s->damage_dialog)
		draw_damage(s);
}

static enum ui_result inspect_tick(void *self)
{
	struct inspect_screen *s = self;
	struct capfile_progress p;
	capfile_progress(s->cf, &p);
	if (s->self_index && p.state == CAPFILE_SCANNING)
		capfile_index_step(s->cf, SLICE * 10);
	/* Live, on the last row: the list follows the packets as they come. */
	bool follow = s->live && s->focus == FOCUS_LIST && s->want < 0 && s->sel + 1 >= s->tick_rows;
	walk_for(s, TICK_BUDGET_MS);
	bool was_finding = s->finding;
	if (s->finding)
		find_run(s, FIND_TICK_MS);
	if (follow && nrows(s) && !was_finding)
		s->sel = nrows(s) - 1;
	s->tick_rows = nrows(s);
	bool stats_changed = false;
	if (s->live) {
		struct live_stats l;
		live_stats(s->live, &l);
		if (l.running && l.limit_reached) {   /* -c N: the capture ends here, as tcpdump's does */
			live_stop(s->live);
			live_stats(s->live, &l);
		}
		stats_changed = l.received != s->lstats.received || l.dropped != s->lstats.dropped ||
		                l.running != s->lstats.running || l.write_error != s->lstats.write_error;
		s->lstats = l;
	}
	capfile_progress(s->cf, &p);   /* again: a jump that landed in the walk is not ahead of the status line */
	/* A direct view's rows follow the index (p); its walk matters only
	 * while it passes the rows on screen (they turn relative). */
	uint64_t w = inspect_view_walked(s->v);
	w = w < s->drawn_top ? s->drawn_top : w > s->drawn_end ? s->drawn_end : w;
	size_t count = inspect_view_direct(s->v) ? (size_t)w : inspect_view_count(s->v);
	bool changed = memcmp(&p, &s->last, sizeof p) != 0 || count != s->last_count || stats_changed || was_finding;
	s->last = p;
	s->last_count = count;
	if (p.state == CAPFILE_DAMAGED && !s->damage_seen)
		s->damage_seen = s->damage_dialog = true;
	return changed ? UI_REDRAW : UI_HANDLED;
}

static enum ui_result inspect_key(void *self, int key)
{
	struct inspect_screen *s = self;
	if (s->damage_dialog) {
		s->damage_dialog = false;
		return UI_REDRAW;
	}
	if (s->confirm)
		return confirm_key(s, key);
	if (s->prompt)
		return prompt_key(s, key);
	s->msg[0] = '\0';
	s->wait_said = false;
	s->finding = false;   /* a key given while a search runs takes over (n, N start it again) */
	if (key == TK_CLICK) {   /* a click on a row of the list selects it */
		int y, x;
		term_click(&y, &x);
		size_t row = s->top + (size_t)(y - s->list_rect.y);
		if (rect_has(s->list_rect, y, x) && row < nrows(s)) {
			s->sel = row;
			s->want = -1;
			s->focus = FOCUS_LIST;
			fieldview_hex_mode(&s->fv, false);
		}
		return UI_REDRAW;
	}
	int a = keys_action(&inspect_table, key);
	for (size_t i = 0; a && i < sizeof prompts / sizeof prompts[0]; i++)
		if (prompts[i].action == a) {
			open_prompt(s, &prompts[i]);
			return UI_REDRAW;
		}
	for (size_t i = 0; a && i < sizeof actions / sizeof actions[0]; i++)
		if (actions[i].action == a)
			return actions[i].fn(s);
	if (s->focus != FOCUS_LIST) {
		enum ui_result r = fieldview_key(&s->fv, key);
		return r != UI_IGNORED ? r : UI_HANDLED;
	}
	if (key == TK_ENTER)
		return do_follow(s);
	if (ui_hscroll_key(key, &s->skip))
		return UI_REDRAW;
	long to = ui_move(key, (long)s->sel, nrows(s), s->page);
	if (to < 0)
		return UI_REDRAW;   /* the message line was cleared */
	s->sel = (size_t)to;
	s->want = -1;   /* the user moved: a pending jump is off */
	return UI_REDRAW;
}

const struct ui_screen ui_inspect = {
	.name = "inspect",
	.create = inspect_create, .destroy = inspect_destroy, .resize = inspect_resize,
	.draw = inspect_draw, .handle_key = inspect_key, .tick = inspect_tick, .help = inspect_help,
};
