/*
 * view.c — filtered packet list and its row text (see view.h).
 *
 * BPF goes through libpcap (pcap_open_dead + pcap_compile +
 * pcap_offline_filter): its filter language is what users know from
 * tcpdump, and the program runs on the bytes as stored, which is what a
 * display filter of a file needs.  One program is compiled per link type
 * the file uses (a pcapng file may mix them); a link type the expression
 * cannot be compiled for matches nothing.
 */
#include "inspect/view.h"

#include "inspect/bpfhint.h"
#include "lab/textfmt.h"

#include <pcap/pcap.h>
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum { ROW_SHIFT = 16, ROW_CHUNK = 1 << ROW_SHIFT, MAX_PROGS = 16, SNAP = 262144,
       FORGET = 8192 /* packets walked between capfile_forget hints */ };

struct prog {
	int linktype;
	bool ok;
	struct bpf_program bpf;
};

struct inspect_view {
	struct capfile *cf;
	char *filter;                 /* NULL: none */
	char *search;                 /* NULL: none */
	struct prog progs[MAX_PROGS];
	size_t nprogs;
	struct flowtab *flows;
	struct dissection d;          /* reused for every packet walked: no allocation per packet */

	uint64_t walked;              /* next packet to look at */
	int64_t prev_ts;              /* time of the last row (delta mode of the callback) */
	bool identity;                /* no filter, no search: row r is packet r */
	uint64_t **dir;               /* row chunks (when not identity) */
	size_t ndir;
	_Atomic size_t count;
};

bool inspect_time_parse(const char *s, enum inspect_time *out)
{
	static const struct { const char *name; enum inspect_time mode; } names[] = {
		{ "abs", INSPECT_TIME_ABS }, { "absolute", INSPECT_TIME_ABS },
		{ "rel", INSPECT_TIME_REL }, { "relative", INSPECT_TIME_REL },
		{ "delta", INSPECT_TIME_DELTA },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].mode;
			return true;
		}
	return false;
}

/* Signed seconds with six decimals from nanoseconds. */
static void seconds_text(int64_t ns, char *buf, size_t n)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	snprintf(buf, n, "%s%llu.%06llu", sign, (unsigned long long)(a / 1000000000),
	         (unsigned long long)(a % 1000000000 / 1000));
}

void inspect_time_text(enum inspect_time mode, int64_t ts, int64_t first, int64_t prev, char *buf, size_t n)
{
	if (ts == CAPFILE_NO_TIME) {
		snprintf(buf, n, "-");
		return;
	}
	switch (mode) {
	case INSPECT_TIME_ABS: {
		time_t sec = (time_t)(ts >= 0 ? ts / 1000000000 : (ts - 999999999) / 1000000000);
		int64_t frac = ts - (int64_t)sec * 1000000000;
		struct tm tm;
		if (!localtime_r(&sec, &tm)) {
			seconds_text(ts, buf, n);
			return;
		}
		snprintf(buf, n, "%02d:%02d:%02d.%06lld", tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(frac / 1000));
		return;
	}
	case INSPECT_TIME_REL:
		seconds_text(first == CAPFILE_NO_TIME ? 0 : ts - first, buf, n);
		return;
	case INSPECT_TIME_DELTA:
		seconds_text(prev == CAPFILE_NO_TIME ? 0 : ts - prev, buf, n);
		return;
	}
	snprintf(buf, n, "?");
}

int64_t inspect_first_time(const struct capfile *cf)
{
	struct capfile_packet p;
	return capfile_packet(cf, 0, &p) ? p.ts_ns : CAPFILE_NO_TIME;
}

/* ----------------------------------------------------------------- BPF */

/* Compile for one link type; on failure *err (when not NULL) gets pcap's message. */
static bool compile(struct prog *pg, const char *filter, int linktype, char *err, size_t errlen)
{
	pg->linktype = linktype;
	pg->ok = false;
	pcap_t *dead = pcap_open_dead(linktype, SNAP);
	if (!dead) {
		if (err)
			snprintf(err, errlen, "libpcap cannot open a handle of link type %d", linktype);
		return false;
	}
	if (pcap_compile(dead, &pg->bpf, filter, 1, PCAP_NETMASK_UNKNOWN) == 0)
		pg->ok = true;
	else if (err)
		snprintf(err, errlen, "%s", pcap_geterr(dead));
	pcap_close(dead);
	return pg->ok;
}

static struct prog *prog_for(struct inspect_view *v, int linktype)
{
	for (size_t i = 0; i < v->nprogs; i++)
		if (v->progs[i].linktype == linktype)
			return &v->progs[i];
	if (v->nprogs == MAX_PROGS)
		return NULL;
	struct prog *pg = &v->progs[v->nprogs++];
	compile(pg, v->filter, linktype, NULL, 0);
	return pg;
}

bool inspect_view_bpf(struct inspect_view *v, const struct capfile_packet *p)
{
	if (!v->filter)
		return true;
	struct prog *pg = prog_for(v, p->linktype);
	if (!pg || !pg->ok)
		return false;
	struct pcap_pkthdr h;
	h.ts.tv_sec = p->ts_ns == CAPFILE_NO_TIME ? 0 : (time_t)(p->ts_ns / 1000000000);
	h.ts.tv_usec = p->ts_ns == CAPFILE_NO_TIME ? 0 : (suseconds_t)(p->ts_ns % 1000000000 / 1000);
	h.caplen = p->caplen;
	h.len = p->wirelen;
	return pcap_offline_filter(&pg->bpf, &h, p->data) != 0;
}

/* Does bpf compile for the link type *ud?  (a suggestion is checked before it is offered) */
static bool compiles_for(const char *bpf, void *ud)
{
	struct prog pg;
	if (!compile(&pg, bpf, *(const int *)ud, NULL, 0))
		return false;
	pcap_freecode(&pg.bpf);
	return true;
}

/* ---------------------------------------------------------------- view */

struct inspect_view *inspect_view_new(struct capfile *cf, const char *bpf, const char *search, char *err,
                                      size_t errlen)
{
	struct inspect_view *v = calloc(1, sizeof *v);
	if (!v)
		goto oom;
	v->cf = cf;
	v->prev_ts = CAPFILE_NO_TIME;
	v->flows = flowtab_new();
	if (!v->flows)
		goto oom;
	if (bpf && *bpf && !(v->filter = strdup(bpf)))
		goto oom;
	if (search && *search && !(v->search = strdup(search)))
		goto oom;
	v->identity = !v->filter && !v->search;
	if (!v->identity) {
		v->ndir = (size_t)(capfile_size(cf) / 16 / ROW_CHUNK) + 2;
		if (!(v->dir = calloc(v->ndir, sizeof *v->dir)))
			goto oom;
	}
	if (v->filter) {
		/* Check the expression now, for the link type of the first
		 * interface (Ethernet when none is known yet), so a bad filter is
		 * reported before anything is shown. */
		struct capfile_iface f;
		int lt = capfile_iface(cf, 0, &f) ? f.linktype : LINK_ETHERNET;
		char msg[PCAP_ERRBUF_SIZE + 64], why[PCAP_ERRBUF_SIZE + 700];
		struct prog *pg = &v->progs[v->nprogs++];
		if (!compile(pg, v->filter, lt, msg, sizeof msg)) {
			bpfhint_explain(v->filter, msg, compiles_for, &lt, why, sizeof why);
			snprintf(err, errlen, "bad filter '%s': %s", v->filter, why);
			inspect_view_free(v);
			return NULL;
		}
	}
	return v;
oom:
	snprintf(err, errlen, "out of memory");
	inspect_view_free(v);
	return NULL;
}

void inspect_view_free(struct inspect_view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nprogs; i++)
		if (v->progs[i].ok)
			pcap_freecode(&v->progs[i].bpf);
	flowtab_free(v->flows);
	dissection_free(&v->d);
	for (size_t i = 0; v->dir && i < v->ndir; i++)
		free(v->dir[i]);
	free(v->dir);
	free(v->filter);
	free(v->search);
	free(v);
}

static bool add_row(struct inspect_view *v, uint64_t pkt)
{
	size_t n = atomic_load_explicit(&v->count, memory_order_relaxed);
	if (!v->identity) {
		size_t c = n >> ROW_SHIFT;
		if (c >= v->ndir)
			return false;
		if (!v->dir[c] && !(v->dir[c] = malloc(ROW_CHUNK * sizeof(uint64_t))))
			return false;
		v->dir[c][n & (ROW_CHUNK - 1)] = pkt;
	}
	atomic_store_explicit(&v->count, n + 1, memory_order_release);
	return true;
}

bool inspect_view_update(struct inspect_view *v, size_t max, inspect_row_cb cb, void *ud)
{
	char summary[512];
	struct capfile_progress pr;
	capfile_progress(v->cf, &pr);   /* read the state before the count: no packet is missed */
	struct dissection *d = &v->d;
	for (size_t k = 0; k < max; k++) {
		struct capfile_packet p;
		if (!capfile_packet(v->cf, v->walked, &p))
			return pr.state != CAPFILE_SCANNING && v->walked >= pr.packets;
		v->walked++;
		if (v->walked % FORGET == 0)
			capfile_forget(v->cf, v->walked - FORGET, v->walked);
		bool pass = inspect_view_bpf(v, &p);
		/* Every packet is dissected for the flow table, so relative numbers
		 * do not depend on the filter.  Without field text: the list needs
		 * the summary only, and formatting fields is most of a frame's cost. */
		dissect_frame_opt(p.linktype, p.data, p.caplen, p.wirelen, DISSECT_NO_TEXT | DISSECT_REUSE, d);
		dissect_summary(d, v->flows, summary, sizeof summary);
		if (pass && v->search && !strstr(summary, v->search))
			pass = false;
		if (pass) {
			size_t row = inspect_view_count(v);
			if (!add_row(v, p.number))
				return true;   /* out of memory: the view ends here */
			if (cb)
				cb(ud, row, &p, d, summary);
		}
	}
	capfile_progress(v->cf, &pr);
	return pr.state != CAPFILE_SCANNING && v->walked >= pr.packets;
}

size_t inspect_view_count(const struct inspect_view *v)
{
	return atomic_load_explicit(&((struct inspect_view *)v)->count, memory_order_acquire);
}

uint64_t inspect_view_packet(const struct inspect_view *v, size_t row)
{
	if (v->identity)
		return row;
	return v->dir[row >> ROW_SHIFT][row & (ROW_CHUNK - 1)];
}

bool inspect_view_direct(const struct inspect_view *v)
{
	return v->identity;
}

size_t inspect_view_rows(const struct inspect_view *v)
{
	return v->identity ? (size_t)capfile_count(v->cf) : inspect_view_count(v);
}

size_t inspect_view_row_at(const struct inspect_view *v, uint64_t packet)
{
	if (v->identity) {
		size_t n = inspect_view_rows(v);
		return packet < n ? (size_t)packet : n;
	}
	size_t lo = 0, hi = inspect_view_count(v);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (inspect_view_packet(v, mid) < packet)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t inspect_view_walked(const struct inspect_view *v)
{
	return v->walked;
}

struct flowtab *inspect_view_flows(struct inspect_view *v)
{
	return v->flows;
}

void inspect_line(const struct capfile *cf, const struct capfile_packet *p, const struct dissection *d,
                  const char *summary, enum inspect_time mode, int64_t prev_ts, char *buf, size_t n)
{
	char t[40], src[64], dst[64], proto[16], raw[160];
	inspect_time_text(mode, p->ts_ns, mode == INSPECT_TIME_REL ? inspect_first_time(cf) : CAPFILE_NO_TIME,
	                  prev_ts, t, sizeof t);
	dissect_endpoint(&d->info, true, src, sizeof src);
	dissect_endpoint(&d->info, false, dst, sizeof dst);
	snprintf(proto, sizeof proto, "%s", d->info.proto ? d->info.proto : "?");
	if (!dissect_linktype_name(p->linktype)) {
		/* A link type the dissector does not know: libpcap's name for it and the first bytes. */
		const char *name = pcap_datalink_val_to_name(p->linktype);
		const char *desc = pcap_datalink_val_to_description(p->linktype);
		snprintf(proto, sizeof proto, "%s", name ? name : "?");
		int k = snprintf(raw, sizeof raw, "link type %d (%s), not decoded:", p->linktype, desc ? desc : "unknown");
		for (uint32_t i = 0; i < p->caplen && i < 16 && k > 0 && (size_t)k + 4 < sizeof raw; i++)
			k += snprintf(raw + k, sizeof raw - (size_t)k, " %02x", p->data[i]);
		if (p->caplen > 16 && k > 0 && (size_t)k + 5 < sizeof raw)
			snprintf(raw + k, sizeof raw - (size_t)k, " ...");
		summary = raw;
	}
	textfmt_list_line(p->number + 1, t, src, dst, proto, p->wirelen, summary, buf, n);
}

/* Put INSPECT_ABS_MARK right after a TCP summary's numbers, before ", win"
 * (always there, and the first of its kind: the TCP part leads), so it
 * stays on screen when the line is cut; at the end if not found. */
static void mark_absolute(char *summary, size_t n)
{
	size_t len = strlen(summary), m = strlen(INSPECT_ABS_MARK);
	char *at = strstr(summary, ", win ");
	if (!at || len + m >= n) {
		snprintf(summary + len, n - len, "%s", INSPECT_ABS_MARK);
		return;
	}
	memmove(at + m, at, len - (size_t)(at - summary) + 1);
	memcpy(at, INSPECT_ABS_MARK, m);
}

bool inspect_view_line(struct inspect_view *v, size_t row, enum inspect_time mode, char *buf, size_t n)
{
	struct capfile_packet p, q;
	if (row >= inspect_view_rows(v) || !capfile_packet(v->cf, inspect_view_packet(v, row), &p))
		return false;
	int64_t prev = row > 0 && capfile_packet(v->cf, inspect_view_packet(v, row - 1), &q) ? q.ts_ns : CAPFILE_NO_TIME;
	struct dissection d;
	char summary[512];
	dissect_frame(p.linktype, p.data, p.caplen, p.wirelen, &d);
	/* A packet ahead of the walk must not be fed to the flow table: the
	 * table takes the first seq it sees of a direction as that direction's
	 * base, so feeding packet N before the packets that precede it would
	 * make the walk's numbers relative to the wrong base.  Such a packet
	 * is shown absolute, marked; walked packets were fed in order and
	 * feeding one again changes nothing. */
	bool ahead = p.number >= v->walked;
	dissect_summary(&d, ahead ? NULL : v->flows, summary, sizeof summary);
	if (ahead && d.info.tcp)
		mark_absolute(summary, sizeof summary);
	inspect_line(v->cf, &p, &d, summary, mode, prev, buf, n);
	dissection_free(&d);
	return true;
}

bool inspect_line_matches(const char *line, const char *text)
{
	bool fold = true;
	for (const char *t = text; *t; t++)
		if (isupper((unsigned char)*t))
			fold = false;
	if (!fold)
		return strstr(line, text) != NULL;
	size_t n = strlen(text);
	for (const char *l = line; *l; l++)
		if (strncasecmp(l, text, n) == 0)
			return true;
	return n == 0;
}

void inspect_find_begin(struct inspect_find *f, const char *text, bool forward, size_t start)
{
	memset(f, 0, sizeof *f);
	snprintf(f->text, sizeof f->text, "%s", text);
	f->forward = forward;
	f->start = start;
}

enum inspect_find_result inspect_find_step(struct inspect_view *v, struct inspect_find *f, enum inspect_time mode,
                                           size_t max, size_t *row)
{
	char line[1024];
	for (size_t k = 0; k < max; k++) {
		size_t n = inspect_view_rows(v);
		if (n == 0)
			return INSPECT_FIND_NONE;
		if (!f->begun) {
			f->begun = true;
			if (f->start == INSPECT_FIND_TOP) {
				f->start = n - 1;
				f->pos = 0;
				f->lap = true;   /* 0 .. n-1, no wrap to tell */
			} else if (f->start >= n) {
				f->start = n - 1;
			}
			if (!f->lap && (f->forward ? f->start + 1 >= n : f->start == 0)) {
				f->lap = f->wrapped = true;   /* nothing after the start: from the other end */
				f->pos = f->forward ? 0 : n - 1;
			} else if (!f->lap) {
				f->pos = f->forward ? f->start + 1 : f->start - 1;
			}
		}
		/* Past the start again (after the wrap): every row was looked at. */
		if (f->lap && (f->forward ? f->pos > f->start : f->pos < f->start))
			return INSPECT_FIND_NONE;
		size_t r = f->pos;
		if (inspect_view_line(v, r, mode, line, sizeof line) && inspect_line_matches(line, f->text)) {
			*row = r;
			return INSPECT_FIND_FOUND;
		}
		if (f->forward) {
			if (r + 1 >= n) {
				if (f->lap)
					return INSPECT_FIND_NONE;
				f->lap = f->wrapped = true;
				f->pos = 0;
			} else {
				f->pos = r + 1;
			}
		} else {
			if (r == 0) {
				if (f->lap)
					return INSPECT_FIND_NONE;
				f->lap = f->wrapped = true;
				f->pos = n - 1;
			} else {
				f->pos = r - 1;
			}
		}
	}
	return INSPECT_FIND_MORE;
}

void inspect_frame_info(const struct capfile *cf, const struct capfile_packet *p, char *buf, size_t n)
{
	struct capfile_iface f;
	char ifname[96] = "", when[64] = "no timestamp";
	if (capfile_iface(cf, p->iface, &f) && f.name[0])
		snprintf(ifname, sizeof ifname, " (%s)", f.name);
	if (p->ts_ns != CAPFILE_NO_TIME) {
		int64_t ts = p->ts_ns;
		time_t sec = (time_t)(ts >= 0 ? ts / 1000000000 : (ts - 999999999) / 1000000000);
		struct tm tm;
		if (gmtime_r(&sec, &tm))
			snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d:%02d.%09lld UTC", tm.tm_year + 1900,
			         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			         (long long)(ts - (int64_t)sec * 1000000000));
	}
	const char *ln = dissect_linktype_name(p->linktype);
	snprintf(buf, n, "Frame %llu: %u bytes on the wire, %u captured, interface %u%s, link type %d (%s), %s",
	         (unsigned long long)p->number + 1, p->wirelen, p->caplen, p->iface, ifname, p->linktype,
	         ln ? ln : "not decoded", when);
	char comment[200];   /* pcapng's opt_comment, e.g. a recording's "step 3" */
	size_t k = strlen(buf);
	if (capfile_packet_comment(cf, p->number, 0, comment, sizeof comment)) {
		for (char *c = comment; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = ' ';
		snprintf(buf + k, n - k, ", comment \"%s\"", comment);
	}
}
