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
#include "common/mem.h"
#include "common/strbuf.h"

#include "dissect/reader.h"
#include "inspect/bpfhint.h"
#include "render/textfmt.h"

#include <pcap/pcap.h>
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum { ROW_SHIFT = 16, ROW_CHUNK = 1 << ROW_SHIFT, MAX_PROGS = 16,
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
	struct dissection next;       /* the packet after it, dissected ahead (see inspect_view_update) */
	uint64_t next_n;              /* which packet next holds; UINT64_MAX: none */

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

/* Signed seconds with six decimals from nanoseconds ("%s%llu.%06llu"
 * without stdio: the list's time column is formatted for every packet). */
static void seconds_text(int64_t ns, char *buf, size_t n)
{
	struct strbuf b = sb_make(buf, n);
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	if (ns < 0)
		sb_char(&b, '-');
	sb_u64(&b, a / 1000000000);
	sb_char(&b, '.');
	sb_u64_zero(&b, a % 1000000000 / 1000, 6);
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
	pcap_t *dead = pcap_open_dead(linktype, CAPFILE_SNAPLEN);
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

/* ---------------------------------------------------------------- view */

struct inspect_view *inspect_view_new(struct capfile *cf, const char *bpf, const char *search, char *err,
                                      size_t errlen)
{
	struct inspect_view *v = xcalloc(1, sizeof *v);
	v->cf = cf;
	v->prev_ts = CAPFILE_NO_TIME;
	v->next_n = UINT64_MAX;
	v->flows = flowtab_new();
	if (bpf && *bpf)
		v->filter = xstrdup(bpf);
	if (search && *search)
		v->search = xstrdup(search);
	v->identity = !v->filter && !v->search;
	if (!v->identity) {
		v->ndir = (size_t)(capfile_size(cf) / 16 / ROW_CHUNK) + 2;
		v->dir = xcalloc(v->ndir, sizeof *v->dir);
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
			bpfhint_explain(v->filter, msg, bpfhint_compiles, &lt, why, sizeof why);
			snprintf(err, errlen, "bad filter '%s': %s", v->filter, why);
			inspect_view_free(v);
			return NULL;
		}
	}
	return v;
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
	dissection_free(&v->next);
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
		if (!v->dir[c])
			v->dir[c] = xmalloc(ROW_CHUNK * sizeof(uint64_t));
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
		if (v->next_n == p.number) {
			struct dissection t = *d;
			*d = v->next;
			v->next = t;
		} else {
			dissect_frame_opt(p.linktype, p.data, p.caplen, p.wirelen, DISSECT_NO_TEXT | DISSECT_REUSE, d);
		}
		/* The next packet is dissected before this one is summarised, so
		 * the flow table's memory it needs (a cache miss a TCP packet on a
		 * big file) is on its way meanwhile.  Dissecting depends on the
		 * bytes alone, so the order changes nothing. */
		struct capfile_packet q;
		v->next_n = UINT64_MAX;
		if (capfile_packet(v->cf, v->walked, &q)) {
			dissect_frame_opt(q.linktype, q.data, q.caplen, q.wirelen, DISSECT_NO_TEXT | DISSECT_REUSE, &v->next);
			v->next_n = q.number;
			flowtab_prefetch(v->flows, &v->next);
		}
		dissect_summary(d, v->flows, summary, sizeof summary);
		if (pass && v->search && !strstr(summary, v->search))
			pass = false;
		if (pass) {
			size_t row = inspect_view_count(v);
			if (!add_row(v, p.number))
				return true;   /* past the row directory: the view ends here */
			if (cb)
				cb(ud, row, &p, d, summary);
		}
	}
	capfile_progress(v->cf, &pr);
	return pr.state != CAPFILE_SCANNING && v->walked >= pr.packets;
}

void inspect_view_select(struct inspect_view *v)
{
	if (v->search) {   /* a search reads summaries: the full walk */
		while (!inspect_view_update(v, SIZE_MAX, NULL, NULL))
			;
		return;
	}
	struct capfile_packet p;
	while (capfile_packet(v->cf, v->walked, &p))
		if (!inspect_view_walked_one(v, p.number, inspect_view_bpf(v, &p)))
			return;
}

const char *inspect_view_search(const struct inspect_view *v)
{
	return v->search;
}

bool inspect_view_walked_one(struct inspect_view *v, uint64_t pkt, bool is_row)
{
	v->walked = pkt + 1;
	if (v->walked % FORGET == 0)
		capfile_forget(v->cf, v->walked - FORGET, v->walked);
	return !is_row || add_row(v, pkt);
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

/* A row's columns; the list line (inspect_line) and the screen's layout
 * (inspect_layout_*) are both made from them.  `link`: a row without IP
 * names its link-layer addresses (the screen), else none (the headless
 * line, whose text the goldens hold). */
static void row_cols(const struct capfile *cf, const struct capfile_packet *p, const struct dissection *d,
                     const char *summary, enum inspect_time mode, int64_t prev_ts, bool link, struct inspect_cols *c)
{
	const struct pkt_info *i = &d->info;
	memset(c, 0, sizeof *c);
	c->number = p->number + 1;
	c->len = p->wirelen;
	inspect_time_text(mode, p->ts_ns, mode == INSPECT_TIME_REL ? inspect_first_time(cf) : CAPFILE_NO_TIME,
	                  prev_ts, c->time, sizeof c->time);
	if (i->ip_version) {
		c->v6 = i->ip_version == 6;
		snprintf(c->src, sizeof c->src, "%s", i->src);
		snprintf(c->dst, sizeof c->dst, "%s", i->dst);
		if (i->has_ports) {
			snprintf(c->sport, sizeof c->sport, "%u", i->sport);
			snprintf(c->dport, sizeof c->dport, "%u", i->dport);
		}
	} else if (link && p->linktype == LINK_ETHERNET) {
		struct rd r = rd_make(p->data, p->caplen);
		uint8_t m[12];
		rd_bytes(&r, m, sizeof m);
		if (!r.short_) {
			snprintf(c->dst, sizeof c->dst, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
			snprintf(c->src, sizeof c->src, "%02x:%02x:%02x:%02x:%02x:%02x", m[6], m[7], m[8], m[9], m[10], m[11]);
		}
	}
	snprintf(c->proto, sizeof c->proto, "%s", i->proto ? i->proto : "?");
	if (!dissect_linktype_name(p->linktype)) {
		/* A link type the dissector does not know: libpcap's name for it and the first bytes. */
		const char *name = pcap_datalink_val_to_name(p->linktype);
		const char *desc = pcap_datalink_val_to_description(p->linktype);
		snprintf(c->proto, sizeof c->proto, "%s", name ? name : "?");
		int k = snprintf(c->summary, sizeof c->summary, "link type %d (%s), not decoded:", p->linktype,
		                 desc ? desc : "unknown");
		for (uint32_t b = 0; b < p->caplen && b < 16 && k > 0 && (size_t)k + 4 < sizeof c->summary; b++)
			k += snprintf(c->summary + k, sizeof c->summary - (size_t)k, " %02x", p->data[b]);
		if (p->caplen > 16 && k > 0 && (size_t)k + 5 < sizeof c->summary)
			snprintf(c->summary + k, sizeof c->summary - (size_t)k, " ...");
	} else {
		snprintf(c->summary, sizeof c->summary, "%s", summary);
	}
}

/* An endpoint as the list writes it: "10.0.0.1:80", "[::1]:443", "::1", a MAC. */
static void endpoint_text(const char *addr, const char *port, bool v6, char *buf, size_t n)
{
	if (!*addr)
		snprintf(buf, n, "%s", "");
	else if (!*port)
		snprintf(buf, n, "%s", addr);
	else
		snprintf(buf, n, v6 ? "[%s]:%s" : "%s:%s", addr, port);
}

/* The list's line of a row's columns (the --print line). */
static void cols_line(const struct inspect_cols *c, char *buf, size_t n)
{
	char src[80], dst[80];
	endpoint_text(c->src, c->sport, c->v6, src, sizeof src);
	endpoint_text(c->dst, c->dport, c->v6, dst, sizeof dst);
	textfmt_list_line(c->number, c->time, src, dst, c->proto, c->len, c->summary, buf, n);
}

void inspect_line(const struct capfile *cf, const struct capfile_packet *p, const struct dissection *d,
                  const char *summary, enum inspect_time mode, int64_t prev_ts, char *buf, size_t n)
{
	struct inspect_cols c;
	row_cols(cf, p, d, summary, mode, prev_ts, false, &c);
	cols_line(&c, buf, n);
}

void inspect_line_sb(const struct capfile *cf, const struct capfile_packet *p, const struct dissection *d,
                     const char *summary, enum inspect_time mode, int64_t prev_ts, struct strbuf *b)
{
	if (!dissect_linktype_name(p->linktype)) {
		/* Rare: the columns of a link type not decoded, the slow way. */
		char line[1024];
		inspect_line(cf, p, d, summary, mode, prev_ts, line, sizeof line);
		sb_str(b, line);
		return;
	}
	/* What row_cols and cols_line make, without their copies and
	 * snprintf calls: the same cuts (the protocol's 15 characters, the
	 * summary's 511), so the text is the same byte for byte. */
	const struct pkt_info *i = &d->info;
	char time[40], src[80] = "", dst[80] = "", proto[16];
	inspect_time_text(mode, p->ts_ns, mode == INSPECT_TIME_REL ? inspect_first_time(cf) : CAPFILE_NO_TIME, prev_ts,
	                  time, sizeof time);
	if (i->ip_version) {
		for (int k = 0; k < 2; k++) {
			const char *addr = k ? i->dst : i->src;
			struct strbuf e = sb_make(k ? dst : src, sizeof src);
			if (!*addr)
				continue;
			bool br = i->has_ports && i->ip_version == 6;
			if (br)
				sb_char(&e, '[');
			sb_mem(&e, addr, strnlen(addr, sizeof i->src - 1));
			if (br)
				sb_char(&e, ']');
			if (i->has_ports) {
				sb_char(&e, ':');
				sb_u64(&e, k ? i->dport : i->sport);
			}
		}
	}
	struct strbuf pb = sb_make(proto, sizeof proto);
	sb_str(&pb, i->proto ? i->proto : "?");
	char sum[512];
	const char *s = summary;
	if (strlen(summary) >= sizeof sum) {
		struct strbuf sb = sb_make(sum, sizeof sum);
		sb_str(&sb, summary);
		s = sum;
	}
	textfmt_list_line_sb(b, p->number + 1, time, src, dst, proto, p->wirelen, s);
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

/* Dissect row `row` and summarise it as the screen shows it (see
 * inspect_view_line); false when there is no such row. */
static bool row_prepare(struct inspect_view *v, size_t row, struct capfile_packet *p, int64_t *prev,
                        struct dissection *d, char *summary, size_t sn)
{
	struct capfile_packet q;
	if (row >= inspect_view_rows(v) || !capfile_packet(v->cf, inspect_view_packet(v, row), p))
		return false;
	*prev = row > 0 && capfile_packet(v->cf, inspect_view_packet(v, row - 1), &q) ? q.ts_ns : CAPFILE_NO_TIME;
	/* The line needs the summary, not the fields' text (most of the cost). */
	dissect_frame_opt(p->linktype, p->data, p->caplen, p->wirelen, DISSECT_NO_TEXT, d);
	/* A packet ahead of the walk must not be fed to the flow table: the
	 * table takes the first seq it sees of a direction as that direction's
	 * base, so feeding packet N before the packets that precede it would
	 * make the walk's numbers relative to the wrong base.  Such a packet
	 * is shown absolute, marked; walked packets were fed in order and
	 * feeding one again changes nothing. */
	bool ahead = p->number >= v->walked;
	dissect_summary(d, ahead ? NULL : v->flows, summary, sn);
	if (ahead && d->info.tcp)
		mark_absolute(summary, sn);
	return true;
}

/* Row `row`'s columns; link: a packet without IP shows its link addresses. */
static bool view_cols(struct inspect_view *v, size_t row, enum inspect_time mode, bool link, struct inspect_cols *c)
{
	struct capfile_packet p;
	struct dissection d;
	char summary[512];
	int64_t prev;
	if (!row_prepare(v, row, &p, &prev, &d, summary, sizeof summary))
		return false;
	row_cols(v->cf, &p, &d, summary, mode, prev, link, c);
	dissection_free(&d);
	return true;
}

bool inspect_view_line(struct inspect_view *v, size_t row, enum inspect_time mode, char *buf, size_t n)
{
	struct inspect_cols c;
	if (!view_cols(v, row, mode, false, &c))
		return false;
	cols_line(&c, buf, n);
	return true;
}

bool inspect_view_cols(struct inspect_view *v, size_t row, enum inspect_time mode, struct inspect_cols *c)
{
	return view_cols(v, row, mode, true, c);
}

/* ------------------------------------------------------------- layout */

/* Display columns of UTF-8 text (the ellipsis is the only wide-byte text here). */
static int cols_of(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The first `cols` display columns of s, as bytes. */
static size_t bytes_of(const char *s, int cols)
{
	size_t b = 0;
	for (int c = 0; s[b] && c <= cols; b++)
		if (((unsigned char)s[b] & 0xC0) != 0x80 && c++ == cols)
			break;
	return b;
}

static int endpoint_cols(const char *addr, const char *port, bool v6)
{
	char e[96];
	endpoint_text(addr, port, v6, e, sizeof e);
	return cols_of(e);
}

/* An endpoint in at most w columns: the address cut in its middle
 * ("2001:db8:…:1"), the port kept whole, as it says which side is which. */
static void endpoint_fit(const struct inspect_layout *l, const char *addr, const char *port, bool v6, int w,
                         char *buf, size_t n)
{
	char e[96];
	endpoint_text(addr, port, v6, e, sizeof e);
	if (cols_of(e) <= w) {
		snprintf(buf, n, "%s", e);
		return;
	}
	char suffix[16];
	snprintf(suffix, sizeof suffix, "%s%s%s", *port && v6 ? "]" : "", *port ? ":" : "", port);
	int room = w - cols_of(suffix) - (*port && v6) - cols_of(l->ellipsis);   /* "[" + head + … + tail */
	if (room < 2) {   /* not even two digits of the address: the port alone, then the cut end */
		snprintf(buf, n, "%s%.*s", l->ellipsis, (int)bytes_of(suffix, w - cols_of(l->ellipsis)), suffix);
		return;
	}
	int alen = (int)strlen(addr), head = (room + 1) / 2, tail = room - head;
	/* Cut between groups where a group fits: "2001:db8:…:5678", not "2001:d…78". */
	int h = head, t = alen - tail;
	while (h > 0 && addr[h - 1] != ':' && addr[h - 1] != '.')
		h--;
	while (t < alen && addr[t - 1] != ':' && addr[t - 1] != '.')
		t++;
	if (h > 0)
		head = h;
	const char *tp = t < alen ? addr + t : addr + alen - tail;
	snprintf(buf, n, "%s%.*s%s%s%s", *port && v6 ? "[" : "", head, addr, l->ellipsis, tp, suffix);
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

/* The summary keeps at least SUMMARY_MIN columns ("Flags [P.], seq 1:"):
 * for them the wider addresses are cut first, to ADDR_MIN ("10.0.0.1:40000"
 * stays whole), then the time column goes, then the addresses are cut to
 * ADDR_LAST. */
enum { SUMMARY_MIN = 16, ADDR_MIN = 16, ADDR_LAST = 8, SEP = 2 };

/* Take up to `over` columns from the wider address columns, down to floor. */
static int shrink_addrs(struct inspect_layout *l, int over, int floor)
{
	while (over > 0 && (l->src > floor || l->dst > floor)) {
		int *wider = l->src >= l->dst ? &l->src : &l->dst;
		int other = l->src >= l->dst ? l->dst : l->src;
		int give = *wider - imax(floor, other);   /* down to the other one first */
		if (give <= 0)
			give = 1;
		give = give < over ? give : over;
		*wider -= give;
		over -= give;
	}
	return over;
}

void inspect_layout_fit(struct inspect_layout *l, const struct inspect_cols *rows, size_t n, int width,
                        const char *ellipsis)
{
	char num[24], len[16];
	memset(l, 0, sizeof *l);
	l->ellipsis = ellipsis ? ellipsis : "~";
	l->num = 1;
	l->time = 4;
	l->proto = 5;
	l->len = 3;
	int src = 0, dst = 0;
	for (size_t r = 0; r < n; r++) {
		const struct inspect_cols *c = &rows[r];
		snprintf(num, sizeof num, "%llu", (unsigned long long)c->number);
		snprintf(len, sizeof len, "%u", c->len);
		l->num = imax(l->num, (int)strlen(num));
		l->time = imax(l->time, cols_of(c->time));
		l->proto = imax(l->proto, cols_of(c->proto));
		l->len = imax(l->len, (int)strlen(len));
		src = imax(src, endpoint_cols(c->src, c->sport, c->v6));
		dst = imax(dst, endpoint_cols(c->dst, c->dport, c->v6));
	}
	if (src || dst) {
		l->src = imax(src, 6);    /* "source" */
		l->dst = imax(dst, 11);   /* "destination" */
	}
	/* Columns left for the summary; over: how many are missing. */
	int fixed = l->num + SEP + l->time + SEP + (l->src ? l->src + 3 + l->dst + SEP : 0) + l->proto + SEP + l->len + SEP;
	int over = fixed + imax(SUMMARY_MIN, width / 5) - width;   /* a wide screen gives the summary more */
	over = shrink_addrs(l, over, ADDR_MIN);
	if (over > 0) {   /* then the time: what was sent and by whom matters more than when */
		over -= l->time + SEP;
		l->time = 0;
	}
	shrink_addrs(l, over, ADDR_LAST);
	/* A cut between groups may leave a column wider than its cells: give
	 * the columns back to the summary. */
	if (l->src) {
		int fs = 0, fd = 0;
		char e[96];
		for (size_t r = 0; r < n; r++) {
			endpoint_fit(l, rows[r].src, rows[r].sport, rows[r].v6, l->src, e, sizeof e);
			fs = imax(fs, cols_of(e));
			endpoint_fit(l, rows[r].dst, rows[r].dport, rows[r].v6, l->dst, e, sizeof e);
			fd = imax(fd, cols_of(e));
		}
		l->src = imax(fs, l->src < 6 ? l->src : 6);
		l->dst = imax(fd, l->dst < 11 ? l->dst : 11);
	}
}

/* s left (or right) in w columns, then the separator. */
static size_t put_col(char *buf, size_t n, size_t at, const char *s, int w, bool right, int sep)
{
	if (at >= n)
		return at;
	int pad = w - cols_of(s);
	int k = snprintf(buf + at, n - at, "%*s%s%*s", right && pad > 0 ? pad : 0, "", s,
	                 (!right && pad > 0 ? pad : 0) + sep, "");
	return k < 0 ? n : at + (size_t)k;
}

void inspect_layout_line(const struct inspect_layout *l, const struct inspect_cols *c, char *buf, size_t n)
{
	char num[24], len[16], a[96], b[96], proto[32];
	size_t at = 0;
	buf[0] = '\0';
	snprintf(num, sizeof num, "%llu", (unsigned long long)c->number);
	snprintf(len, sizeof len, "%u", c->len);
	at = put_col(buf, n, at, num, l->num, true, SEP);
	if (l->time)
		at = put_col(buf, n, at, c->time, l->time, true, SEP);
	if (l->src) {
		endpoint_fit(l, c->src, c->sport, c->v6, l->src, a, sizeof a);
		endpoint_fit(l, c->dst, c->dport, c->v6, l->dst, b, sizeof b);
		at = put_col(buf, n, at, a, l->src, false, 0);
		/* No arrow between two empty endpoints: a row without addresses. */
		at = put_col(buf, n, at, *a || *b ? " > " : "   ", 3, false, 0);
		at = put_col(buf, n, at, b, l->dst, false, SEP);
	}
	snprintf(proto, sizeof proto, "%s", c->proto);
	at = put_col(buf, n, at, proto, l->proto, false, SEP);
	at = put_col(buf, n, at, len, l->len, true, SEP);
	if (at < n)
		snprintf(buf + at, n - at, "%s", c->summary);
}

void inspect_layout_heading(const struct inspect_layout *l, char *buf, size_t n)
{
	char src[64], dst[64];
	size_t at = 0;
	buf[0] = '\0';
	at = put_col(buf, n, at, "#", l->num, true, SEP);
	if (l->time)
		at = put_col(buf, n, at, "time", l->time, true, SEP);
	if (l->src) {
		snprintf(src, sizeof src, "%.*s", l->src, "source");
		snprintf(dst, sizeof dst, "%.*s", l->dst, l->dst >= 11 ? "destination" : "dest");
		at = put_col(buf, n, at, src, l->src, false, 3);
		at = put_col(buf, n, at, dst, l->dst, false, SEP);
	}
	at = put_col(buf, n, at, "proto", l->proto, false, SEP);
	at = put_col(buf, n, at, "len", l->len, true, SEP);
	if (at < n)
		snprintf(buf + at, n - at, "summary");
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
