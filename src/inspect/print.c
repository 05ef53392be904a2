/*
 * print.c — the packet list of a capture file as text, on one thread or
 * several (see print.h).
 *
 * Why several threads give the bytes one gives.  A packet's line is made
 * from three things: its dissection, the flow table's answer for it, and
 * (delta time) the previous row's time.
 *   - The dissection is a function of the frame's bytes alone: no decoder
 *     keeps anything from one packet to the next (app.c guesses each
 *     payload on its own), so any thread may dissect any packet, in any
 *     order.
 *   - Everything carried from packet to packet — each direction's base
 *     sequence number, the TCP analysis state, the set of frames already
 *     analysed, the FTP data ports announced — is the flow table's, and it
 *     changes only in flowtab_step.  The caller's thread runs flowtab_step
 *     on every packet in capture order, on the view's own table, as the
 *     one-thread walk (dissect_summary) does; so each packet gets the same
 *     facts (flow_facts: relative seq/ack, findings, FTP data) and the
 *     table ends the same.  The summary is then dissect_summary_facts of
 *     the dissection and those facts, which reads nothing else.
 *   - Which packets are rows is the view's filter (decided by that same
 *     thread, in order) and its search (a test of the summary alone).
 *     Delta time needs the previous row's time: known in order when rows
 *     are the filter's, but with a search a row depends on the summaries
 *     of all packets before it, so a search in delta mode runs on one
 *     thread.
 * Lines are gathered per slice and written in slice order, each row
 * added to the view in packet order as it is written.
 *
 * The pipeline, per slice of SLICE packets: dissect (any worker) -> feed
 * the flow table (the caller's thread, in order) -> summaries and lines
 * (any worker) -> write (the caller's thread, in order).  At most RING
 * slices are in flight, which bounds memory (a slice keeps its packets'
 * dissections without their field trees: about 1.2 KB a packet).
 */
#include "inspect/print.h"
#include "common/mem.h"
#include "common/strbuf.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* PREFETCH: packets ahead whose flow-table memory is asked for (see
 * flowtab_prefetch). */
enum { PREFETCH = 8 };
enum { SLICE = 512, INDEX_STEP = 8192, AUTO_PACKETS = 100000, MAX_JOBS = 64, AUTO_MAX = 8 };

size_t inspect_print_line(char *at, const struct capfile *cf, const struct capfile_packet *p,
                          const struct dissection *d, const char *summary, enum inspect_time mode,
                          int64_t prev_ts)
{
	struct strbuf b = sb_make(at, INSPECT_LINE_MAX);
	inspect_line_sb(cf, p, d, summary, mode, prev_ts, &b);
	at[b.len] = '\n';
	return b.len + 1;
}

/* ------------------------------------------------------- one thread */

/* The list's lines gather in one buffer written with one fwrite when
 * nearly full: a stdio call per line (fputs + putc) was a tenth of the
 * time of --print on a big file. */
enum { OUT_BUF = 1 << 20 };

void inspect_lines_init(struct inspect_lines *c, const struct capfile *cf, enum inspect_time mode, FILE *out)
{
	*c = (struct inspect_lines){ cf, mode, CAPFILE_NO_TIME, out, xmalloc(OUT_BUF), 0 };
}

void inspect_lines_flush(struct inspect_lines *c)
{
	if (c->len)
		fwrite(c->buf, 1, c->len, c->out);
	c->len = 0;
}

void inspect_lines_free(struct inspect_lines *c)
{
	inspect_lines_flush(c);
	free(c->buf);
	c->buf = NULL;
}

void inspect_lines_row(void *ud, size_t row, const struct capfile_packet *p, const struct dissection *d,
                       const char *summary)
{
	(void)row;
	struct inspect_lines *c = ud;
	if (OUT_BUF - c->len < INSPECT_LINE_MAX + 1)
		inspect_lines_flush(c);
	c->len += inspect_print_line(c->buf + c->len, c->cf, p, d, summary, c->mode, c->prev);
	c->prev = p->ts_ns;
}

/* The view as the file is indexed, slice by slice: the first lines
 * appear before the file has been read through. */
static void print_one(struct capfile *cf, struct inspect_view *v, enum inspect_time mode, FILE *out)
{
	struct inspect_lines c;
	inspect_lines_init(&c, cf, mode, out);
	for (;;) {
		enum capfile_state st = capfile_index_step(cf, INDEX_STEP);
		inspect_view_update(v, SIZE_MAX, inspect_lines_row, &c);
		if (st != CAPFILE_SCANNING)
			break;
	}
	inspect_lines_free(&c);
}

/* ------------------------------------------------------ several threads */

enum slice_state {
	S_FREE,
	S_DISSECT,       /* queued for a worker */
	S_DISSECTING,
	S_DISSECTED,     /* waiting for the flow table */
	S_FORMAT,        /* queued for a worker */
	S_FORMATTING,
	S_DONE,          /* its lines wait to be written */
};

struct slice {
	enum slice_state state;
	uint64_t first;             /* packets [first, first + n) */
	size_t n;
	struct dissection *d;       /* SLICE: info, status, problem, lengths; no fields */
	struct flow_facts *ff;      /* SLICE, from the flow table */
	bool *pass;                 /* SLICE: passes the filter */
	bool *row;                  /* SLICE: passes the filter and the search */
	int64_t *prev;              /* SLICE: the previous row's time (without a search) */
	char *out;                  /* SLICE * INSPECT_LINE_MAX bytes: the rows' lines */
	size_t *end;                /* SLICE: where each packet's line ends in out */
};

struct jobs {
	struct capfile *cf;
	size_t slice;               /* packets a slice: SLICE, or fewer for a test */
	struct inspect_view *v;
	enum inspect_time mode;
	const char *search;         /* the view's, or NULL */
	pthread_mutex_t mu;
	pthread_cond_t work;        /* a task was queued, or quit */
	pthread_cond_t done;        /* a task ended */
	struct slice *ring;
	size_t nring;
	uint64_t seq_write;         /* the oldest slice in flight (ring[seq % nring]) */
	uint64_t seq_next;          /* the next slice to queue */
	bool quit;
};

static void dissect_slice(struct jobs *j, struct slice *s, struct dissection *wd)
{
	for (size_t k = 0; k < s->n; k++) {
		struct capfile_packet p;
		struct dissection *d = &s->d[k];
		if (!capfile_packet(j->cf, s->first + k, &p)) {
			memset(d, 0, sizeof *d);   /* cannot happen: queued packets are indexed */
			continue;
		}
		/* As the one-thread walk dissects (view.c): offsets, no field text. */
		dissect_frame_opt(p.linktype, p.data, p.caplen, p.wirelen, DISSECT_NO_TEXT | DISSECT_REUSE, wd);
		*d = *wd;
		d->fields = NULL;
		d->nfields = d->cap = 0;
	}
}

static void format_slice(struct jobs *j, struct slice *s)
{
	size_t len = 0;
	for (size_t k = 0; k < s->n; k++) {
		s->row[k] = false;
		if (s->pass[k]) {
			char summary[512];
			struct capfile_packet p;
			dissect_summary_facts(&s->d[k], &s->ff[k], summary, sizeof summary);
			if ((!j->search || strstr(summary, j->search)) && capfile_packet(j->cf, s->first + k, &p)) {
				s->row[k] = true;
				len += inspect_print_line(s->out + len, j->cf, &p, &s->d[k], summary, j->mode, s->prev[k]);
			}
		}
		s->end[k] = len;
	}
}

/* A queued task, the oldest first and lines before dissections (what is
 * formatted can be written and its slice reused); NULL when none. */
static struct slice *take(struct jobs *j)
{
	struct slice *dis = NULL;
	for (uint64_t q = j->seq_write; q < j->seq_next; q++) {
		struct slice *s = &j->ring[q % j->nring];
		if (s->state == S_FORMAT) {
			s->state = S_FORMATTING;
			return s;
		}
		if (s->state == S_DISSECT && !dis)
			dis = s;
	}
	if (dis)
		dis->state = S_DISSECTING;
	return dis;
}

static void *worker(void *arg)
{
	struct jobs *j = arg;
	struct dissection wd = { 0 };
	pthread_mutex_lock(&j->mu);
	for (;;) {
		struct slice *s = take(j);
		if (!s) {
			if (j->quit)
				break;
			pthread_cond_wait(&j->work, &j->mu);
			continue;
		}
		enum slice_state was = s->state;
		pthread_mutex_unlock(&j->mu);
		if (was == S_DISSECTING)
			dissect_slice(j, s, &wd);
		else
			format_slice(j, s);
		pthread_mutex_lock(&j->mu);
		s->state = was == S_DISSECTING ? S_DISSECTED : S_DONE;
		pthread_cond_signal(&j->done);
	}
	pthread_mutex_unlock(&j->mu);
	dissection_free(&wd);
	return NULL;
}

/* The flow table and the filter over a dissected slice, in packet order
 * (the caller's thread): what makes the walk sequential, and cheap. */
static void feed_slice(struct jobs *j, struct slice *s, int64_t *last_row_ts)
{
	struct flowtab *t = inspect_view_flows(j->v);
	for (size_t k = 0; k < s->n; k++) {
		struct capfile_packet p;
		if (k + PREFETCH < s->n)
			flowtab_prefetch(t, &s->d[k + PREFETCH]);
		s->pass[k] = capfile_packet(j->cf, s->first + k, &p) && inspect_view_bpf(j->v, &p);
		flowtab_step(t, &s->d[k], &s->ff[k]);
		s->prev[k] = *last_row_ts;
		if (s->pass[k])
			*last_row_ts = p.ts_ns;   /* without a search every packet that passes is a row */
	}
}

/* Write a formatted slice and add its rows to the view, in order. */
static void write_slice(struct jobs *j, struct slice *s, FILE *out)
{
	size_t from = 0;
	for (size_t k = 0; k < s->n; k++) {
		bool added = inspect_view_walked_one(j->v, s->first + k, s->row[k]);
		if (added && s->row[k] && s->end[k] > from)
			fwrite(s->out + from, 1, s->end[k] - from, out);
		from = s->end[k];
	}
}

static void slice_init(struct slice *s)
{
	memset(s, 0, sizeof *s);
	s->d = xcalloc(SLICE, sizeof *s->d);
	s->ff = xcalloc(SLICE, sizeof *s->ff);
	s->pass = xcalloc(SLICE, sizeof *s->pass);
	s->row = xcalloc(SLICE, sizeof *s->row);
	s->prev = xcalloc(SLICE, sizeof *s->prev);
	s->out = xmalloc((size_t)SLICE * INSPECT_LINE_MAX);
	s->end = xcalloc(SLICE, sizeof *s->end);
}

static void slice_free(struct slice *s)
{
	free(s->d);
	free(s->ff);
	free(s->pass);
	free(s->row);
	free(s->prev);
	free(s->out);
	free(s->end);
}

/* Index until packet `want` is indexed or the scan ends; the packets indexed. */
static uint64_t index_to(struct capfile *cf, uint64_t want)
{
	while (capfile_count(cf) < want && capfile_index_step(cf, INDEX_STEP) == CAPFILE_SCANNING)
		;
	return capfile_count(cf);
}

/* false when no worker could be started (nothing was printed). */
static bool print_jobs(struct capfile *cf, struct inspect_view *v, enum inspect_time mode, unsigned jobs,
                       FILE *out)
{
	struct jobs j = { .cf = cf, .slice = SLICE, .v = v, .mode = mode, .search = inspect_view_search(v) };
	/* A test's captures have a few hundred packets: smaller slices make
	 * their flows cross slices and workers (tests/e2e_inspect_jobs.sh). */
	const char *env = getenv("SOCKSCOPE_PRINT_SLICE");
	if (env && atoi(env) > 0 && atoi(env) < SLICE)
		j.slice = (size_t)atoi(env);
	pthread_t tid[MAX_JOBS];
	unsigned started = 0;
	/* Two slices a worker (one dissected, one formatted) and two more the
	 * caller's thread feeds and writes: enough that no one waits on memory. */
	j.nring = 2 * (size_t)jobs + 2;
	j.ring = xcalloc(j.nring, sizeof *j.ring);
	for (size_t k = 0; k < j.nring; k++)
		slice_init(&j.ring[k]);
	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.work, NULL);
	pthread_cond_init(&j.done, NULL);
	for (; started < jobs; started++)
		if (pthread_create(&tid[started], NULL, worker, &j) != 0)
			break;
	if (started == 0)
		goto out;

	uint64_t next = inspect_view_walked(v), seq_feed = 0;
	int64_t last_row_ts = CAPFILE_NO_TIME;
	bool all_queued = false;
	pthread_mutex_lock(&j.mu);
	for (;;) {
		/* Queue slices while there is room and packets. */
		while (!all_queued && j.seq_next - j.seq_write < j.nring) {
			pthread_mutex_unlock(&j.mu);
			uint64_t have = index_to(cf, next + j.slice);
			pthread_mutex_lock(&j.mu);
			if (have <= next) {
				all_queued = true;   /* the scan ended (complete or damaged) */
				break;
			}
			struct slice *s = &j.ring[j.seq_next % j.nring];
			s->first = next;
			s->n = have - next < j.slice ? (size_t)(have - next) : j.slice;
			s->state = S_DISSECT;
			next += s->n;
			j.seq_next++;
			pthread_cond_signal(&j.work);
		}
		struct slice *f = seq_feed < j.seq_next ? &j.ring[seq_feed % j.nring] : NULL;
		struct slice *w = j.seq_write < seq_feed ? &j.ring[j.seq_write % j.nring] : NULL;
		if (f && f->state == S_DISSECTED) {
			pthread_mutex_unlock(&j.mu);
			feed_slice(&j, f, &last_row_ts);
			pthread_mutex_lock(&j.mu);
			f->state = S_FORMAT;
			seq_feed++;
			pthread_cond_signal(&j.work);
		} else if (w && w->state == S_DONE) {
			pthread_mutex_unlock(&j.mu);
			write_slice(&j, w, out);
			pthread_mutex_lock(&j.mu);
			w->state = S_FREE;
			j.seq_write++;
		} else if (all_queued && j.seq_write == j.seq_next) {
			break;
		} else {
			pthread_cond_wait(&j.done, &j.mu);
		}
	}
	j.quit = true;
	pthread_cond_broadcast(&j.work);
	pthread_mutex_unlock(&j.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
out:
	pthread_cond_destroy(&j.done);
	pthread_cond_destroy(&j.work);
	pthread_mutex_destroy(&j.mu);
	for (size_t k = 0; k < j.nring; k++)
		slice_free(&j.ring[k]);
	free(j.ring);
	return started > 0;
}

unsigned inspect_print_auto_jobs(struct capfile *cf)
{
	cpu_set_t set;
	unsigned cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;
	if (cpus < 2)
		return 1;
	if (index_to(cf, AUTO_PACKETS + 1) <= AUTO_PACKETS)
		return 1;
	return cpus < AUTO_MAX ? cpus : AUTO_MAX;
}

void inspect_print(struct capfile *cf, struct inspect_view *v, enum inspect_time mode, unsigned jobs, FILE *out)
{
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	/* See the top: a search in delta mode decides rows, and so times, one
	 * after another. */
	if (jobs > 1 && inspect_view_search(v) && mode == INSPECT_TIME_DELTA)
		jobs = 1;
	if (jobs > 1 && print_jobs(cf, v, mode, jobs, out))
		return;
	print_one(cf, v, mode, out);
}
