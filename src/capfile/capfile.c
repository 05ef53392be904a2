/*
 * capfile.c — the pcap/pcapng scanner and the packet index (see capfile.h).
 *
 * The file is mapped read-only.  All reads of file bytes go through
 * span() (is [off, off+n) inside the file?) and the get16/get32 helpers
 * that only ever run after it said yes, so no record, however damaged, can
 * make the scanner read outside the mapping.  A record that cannot be right
 * stops the scan; everything indexed before it stays.  "Truncated" means the
 * file ends inside a record (the writer stopped); "malformed" means a value
 * is impossible (a length shorter than its own header, an interface that
 * was never described).
 *
 * The index is a directory of fixed-size chunks allocated as the scan goes;
 * the directory itself is sized at open for the most packets the file could
 * hold (one per 16 bytes), so it never moves and readers need no lock.
 *
 * A live file (capfile_open_live) is one a capture is still writing.  It is
 * mapped with room to grow (LIVE_RESERVE of address space, no memory): the
 * pages past the end become readable as the file grows, and nothing that was
 * handed out ever moves.  At the end of the bytes there, or inside a record
 * they cut, the scanner asks the file for its size again (need()); until the
 * writer said it has finished (capfile_live_end) a cut record means "not yet"
 * rather than "truncated".
 */
#include "capfile/capfile.h"
#include "common/mem.h"
#include "common/thread.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	CHUNK_SHIFT = 16,
	CHUNK = 1 << CHUNK_SHIFT,          /* index records per chunk */
	IF_CHUNK_SHIFT = 8,
	IF_CHUNK = 1 << IF_CHUNK_SHIFT,
	MAX_IFACES = 65536,                /* the index keeps 16 bits of interface */
	MIN_RECORD = 16,                   /* smallest packet record of either format */
	PCAP_HDR = 24,
	/* a record may exceed a file's snaplen up to this and still be read */
	MAX_CAPLEN = CAPFILE_SNAPLEN,
	SLICE = 4096,                      /* packets per slice of the background scan */
};
#define DROP_BEHIND (8u << 20)        /* hand scanned pages back every 8 MiB */
#define LIVE_RESERVE ((uint64_t)1 << 40)   /* address space a live file may grow into */
#define LIVE_POLL_NS 10000000         /* the indexing thread looks for more every 10 ms */

/* One packet: 24 bytes.  off_if = file offset << 16 | interface. */
struct idx_rec {
	uint64_t off_if;
	int64_t ts;
	uint32_t caplen, wirelen;
};

struct iface_priv {
	struct capfile_iface pub;
	bool be;                      /* its section's byte order (for the packets' options) */
	bool binary;                  /* if_tsresol is a power of 2 */
	uint8_t exp;                  /* its exponent */
	int64_t offset_s;             /* if_tsoffset, seconds */
};

/* Scanner state: touched only by whoever scans (one thread at a time). */
struct scan {
	uint64_t pos;                 /* next record / block */
	bool be;                      /* current section / file is big-endian */
	/* classic pcap */
	uint32_t snaplen;
	unsigned rec_hdr;             /* 16, or 24 for the "modified" (Kuznetzov) format */
	bool nano;
	/* pcapng */
	unsigned section;
	unsigned sec_first;           /* global index of the section's first interface */
	unsigned sec_n;               /* interfaces described in the section */
	uint64_t dropped;             /* mapping handed back below this offset */
	bool waiting;                 /* a live file: the last slice ran out of bytes */
};

struct capfile {
	char *path;
	enum capfile_format format;
	const uint8_t *map;
	uint64_t size;                /* bytes the scanner may read (it alone writes this) */
	uint64_t map_len;             /* the mapping: size, or LIVE_RESERVE for a live file */
	_Atomic uint64_t size_pub;    /* size, for other threads */
	bool live;
	int fd;                       /* a live file's descriptor (its size is asked again), else -1 */
	atomic_bool ended;            /* a live file's writer has finished */

	struct idx_rec **dir;         /* chunk directory, ndir entries */
	size_t ndir;
	_Atomic uint64_t count;       /* published packets */
	struct iface_priv *ifdir[MAX_IFACES / IF_CHUNK];
	_Atomic unsigned nifaces;
	_Atomic int state;
	_Atomic uint64_t bytes_done;
	char reason[256];             /* written before state becomes DAMAGED */

	struct scan s;
	pthread_t thread;
	bool thread_running;
	atomic_bool cancel;
};

/* ---------------------------------------------------------- byte access */

static bool span(const struct capfile *cf, uint64_t off, uint64_t n)
{
	return off <= cf->size && n <= cf->size - off;
}

/* Only after span() said the bytes are there. */
static uint16_t get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	          : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get64(const uint8_t *p, bool be)
{
	uint64_t a = get32(p, be), b = get32(p + 4, be);
	return be ? a << 32 | b : b << 32 | a;
}

/* ------------------------------------------------------------ stopping */

static void stop(struct capfile *cf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stop(struct capfile *cf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cf->reason, sizeof cf->reason, fmt, ap);
	va_end(ap);
	atomic_store_explicit(&cf->bytes_done, cf->s.pos, memory_order_relaxed);
	atomic_store_explicit(&cf->state, CAPFILE_DAMAGED, memory_order_release);
}

/* Are the bytes [off, off+n) there?  1 yes; 0 not yet (a live file whose
 * writer goes on: the scan waits); -1 never (the file ends before them). */
static int need(struct capfile *cf, uint64_t off, uint64_t n)
{
	if (span(cf, off, n))
		return 1;
	if (!cf->live)
		return -1;
	/* "Ended" before the size: what the writer wrote before it ended is seen. */
	bool ended = atomic_load_explicit(&cf->ended, memory_order_acquire);
	struct stat st;
	if (fstat(cf->fd, &st) == 0 && (uint64_t)st.st_size > cf->size) {
		cf->size = (uint64_t)st.st_size < cf->map_len ? (uint64_t)st.st_size : cf->map_len;
		atomic_store_explicit(&cf->size_pub, cf->size, memory_order_relaxed);
		if (span(cf, off, n))
			return 1;
	}
	if (ended || cf->size == cf->map_len)
		return -1;
	cf->s.waiting = true;
	return 0;
}

static void complete(struct capfile *cf)
{
	atomic_store_explicit(&cf->bytes_done, cf->size, memory_order_relaxed);
	atomic_store_explicit(&cf->state, CAPFILE_COMPLETE, memory_order_release);
}

/* ------------------------------------------------------------ the index */

/* Append a packet; false (the scan stopped) when it cannot be kept. */
static bool add_packet(struct capfile *cf, uint64_t off, unsigned iface, int64_t ts, uint32_t caplen,
                       uint32_t wirelen)
{
	uint64_t n = atomic_load_explicit(&cf->count, memory_order_relaxed);
	size_t c = (size_t)(n >> CHUNK_SHIFT);
	if (c >= cf->ndir) {   /* cannot happen: the directory fits a packet per 16 bytes */
		stop(cf, "packet %llu at byte offset %llu: the index is full", (unsigned long long)n + 1,
		     (unsigned long long)off);
		return false;
	}
	if (!cf->dir[c])
		cf->dir[c] = xmalloc(CHUNK * sizeof(struct idx_rec));
	struct idx_rec *r = &cf->dir[c][n & (CHUNK - 1)];
	r->off_if = off << 16 | iface;
	r->ts = ts;
	r->caplen = caplen;
	r->wirelen = wirelen;
	atomic_store_explicit(&cf->count, n + 1, memory_order_release);
	return true;
}

static struct iface_priv *iface_get(const struct capfile *cf, unsigned i)
{
	return &cf->ifdir[i >> IF_CHUNK_SHIFT][i & (IF_CHUNK - 1)];
}

static struct iface_priv *iface_add(struct capfile *cf)
{
	unsigned n = atomic_load_explicit(&cf->nifaces, memory_order_relaxed);
	if (n >= MAX_IFACES)
		return NULL;
	struct iface_priv **c = &cf->ifdir[n >> IF_CHUNK_SHIFT];
	if (!*c)
		*c = xcalloc(IF_CHUNK, sizeof **c);
	struct iface_priv *f = &(*c)[n & (IF_CHUNK - 1)];
	memset(f, 0, sizeof *f);
	f->exp = 6;
	f->pub.ts_digits = 6;
	return f;
}

static void iface_publish(struct capfile *cf)
{
	atomic_fetch_add_explicit(&cf->nifaces, 1, memory_order_release);
}

/* A raw timestamp in units of the interface's resolution, to ns since 1970. */
static int64_t to_ns(const struct iface_priv *f, uint64_t t)
{
	unsigned __int128 v;
	if (f->binary) {
		v = ((unsigned __int128)t * 1000000000u) >> f->exp;
	} else if (f->exp <= 9) {
		static const uint32_t mul[] = { 1000000000, 100000000, 10000000, 1000000, 100000,
		                                10000, 1000, 100, 10, 1 };
		v = (unsigned __int128)t * mul[f->exp];
	} else {
		v = t;
		for (unsigned e = f->exp; e > 9; e--)
			v /= 10;
	}
	if (v > (unsigned __int128)INT64_MAX)
		v = INT64_MAX;
	__int128 s = (__int128)v + (__int128)f->offset_s * 1000000000;
	if (s > INT64_MAX)
		s = INT64_MAX;
	if (s <= INT64_MIN)
		s = INT64_MIN + 1;
	return (int64_t)s;
}

/* Does the scan stop at s.pos, before a record or block begins?  Not when
 * a byte is there; else *st says whether a live file may yet grow
 * (SCANNING) or the file ended cleanly between two records (COMPLETE). */
static bool scan_at_end(struct capfile *cf, enum capfile_state *st)
{
	int more = need(cf, cf->s.pos, 1);
	if (more > 0)
		return false;
	if (more == 0) {
		*st = CAPFILE_SCANNING;
	} else {
		complete(cf);
		*st = CAPFILE_COMPLETE;
	}
	return true;
}

/* ---------------------------------------------------------- classic pcap */

static enum capfile_state scan_pcap(struct capfile *cf, size_t max)
{
	struct scan *s = &cf->s;
	for (size_t k = 0; k < max; k++) {
		uint64_t n = atomic_load_explicit(&cf->count, memory_order_relaxed) + 1;
		enum capfile_state st;
		if (scan_at_end(cf, &st))
			return st;
		int more = need(cf, s->pos, s->rec_hdr);
		if (more <= 0) {
			if (more == 0)
				return CAPFILE_SCANNING;
			stop(cf, "packet %llu at byte offset %llu: the record header is cut off after %llu of %u bytes "
			     "(truncated)", (unsigned long long)n, (unsigned long long)s->pos,
			     (unsigned long long)(cf->size - s->pos), s->rec_hdr);
			return CAPFILE_DAMAGED;
		}
		const uint8_t *h = cf->map + s->pos;
		uint32_t sec = get32(h, s->be), frac = get32(h + 4, s->be);
		uint32_t caplen = get32(h + 8, s->be), wirelen = get32(h + 12, s->be);
		uint32_t limit = s->snaplen > MAX_CAPLEN ? s->snaplen : MAX_CAPLEN;
		if (caplen > limit) {
			stop(cf, "packet %llu at byte offset %llu: record length %u exceeds the snapshot length %u "
			     "(malformed)", (unsigned long long)n, (unsigned long long)s->pos, caplen, s->snaplen);
			return CAPFILE_DAMAGED;
		}
		uint64_t data = s->pos + s->rec_hdr;
		if ((more = need(cf, data, caplen)) <= 0) {
			if (more == 0)
				return CAPFILE_SCANNING;
			stop(cf, "packet %llu at byte offset %llu: record length %u runs past the end of the file, "
			     "%llu bytes left (truncated)", (unsigned long long)n, (unsigned long long)s->pos, caplen,
			     (unsigned long long)(cf->size - data));
			return CAPFILE_DAMAGED;
		}
		int64_t ts = (int64_t)sec * 1000000000 + (int64_t)frac * (s->nano ? 1 : 1000);
		if (!add_packet(cf, data, 0, ts, caplen, wirelen))
			return CAPFILE_DAMAGED;
		s->pos = data + caplen;
	}
	return CAPFILE_SCANNING;
}

/* ---------------------------------------------------------------- pcapng */

enum {
	BT_SHB = 0x0A0D0D0A, BT_IDB = 1, BT_OPB = 2, BT_SPB = 3, BT_EPB = 6,
	OPT_END = 0, IF_NAME = 2, IF_TSRESOL = 9, IF_TSOFFSET = 14,
	BOM = 0x1A2B3C4D,
};

/* "packet 12" for packet blocks, "block type 0x00000005" for the others. */
static void block_what(uint32_t type, uint64_t n, char *buf, size_t len)
{
	if (type == BT_EPB || type == BT_SPB || type == BT_OPB)
		snprintf(buf, len, "packet %llu", (unsigned long long)n);
	else if (type == BT_SHB)
		snprintf(buf, len, "section header (after packet %llu)", (unsigned long long)n - 1);
	else if (type == BT_IDB)
		snprintf(buf, len, "interface description (after packet %llu)", (unsigned long long)n - 1);
	else
		snprintf(buf, len, "block type 0x%08x (after packet %llu)", type, (unsigned long long)n - 1);
}

/* One option of a block's option list [*p, end): its code, value and
 * length; *p moves past it.  False at opt_endofopt, at the end, or at an
 * option that runs past the block (what follows it is ignored). */
static bool next_option(const uint8_t **p, const uint8_t *end, bool be, uint16_t *code, const uint8_t **val,
                        uint16_t *len)
{
	if (end - *p < 4)
		return false;
	*code = get16(*p, be);
	*len = get16(*p + 2, be);
	*val = *p + 4;
	if (*code == OPT_END || (size_t)(end - *val) < *len)
		return false;
	uint32_t adv = (*len + 3u) & ~3u;
	*p = (size_t)(end - *val) < adv ? end : *val + adv;
	return true;
}

/* Walk an IDB's options [p, end): if_tsresol, if_tsoffset, if_name. */
static void idb_options(struct iface_priv *f, const uint8_t *p, const uint8_t *end, bool be)
{
	uint16_t code, len;
	const uint8_t *v;
	while (next_option(&p, end, be, &code, &v, &len)) {
		if (code == IF_TSRESOL && len >= 1) {
			f->binary = v[0] & 0x80;
			f->exp = v[0] & 0x7f;
			int d = f->binary ? (f->exp * 30103 + 99999) / 100000 : f->exp;   /* log10(2) = 0.30103 */
			f->pub.ts_digits = d > 9 ? 9 : d;
		} else if (code == IF_TSOFFSET && len >= 8) {
			f->offset_s = (int64_t)get64(v, be);
		} else if (code == IF_NAME) {
			size_t l = len < sizeof f->pub.name ? len : sizeof f->pub.name - 1;
			memcpy(f->pub.name, v, l);
			f->pub.name[l] = '\0';
			for (size_t i = 0; i < l; i++)
				if ((unsigned char)f->pub.name[i] < 0x20 || (unsigned char)f->pub.name[i] > 0x7e)
					f->pub.name[i] = '?';
		}
	}
}

/* One packet block's fields; returns false after stop(). */
static bool png_packet(struct capfile *cf, uint32_t type, const uint8_t *b, uint32_t blen, uint64_t n)
{
	struct scan *s = &cf->s;
	bool be = s->be;
	uint32_t body = blen - 12, ifid, caplen, wirelen, hdr;
	uint64_t tsraw = 0;
	bool has_ts = true;
	if (type == BT_SPB) {
		hdr = 4;
		ifid = 0;
		has_ts = false;
		wirelen = body >= 4 ? get32(b + 8, be) : 0;
		caplen = 0;
	} else {
		hdr = 20;
		if (body >= hdr) {
			ifid = type == BT_EPB ? get32(b + 8, be) : get16(b + 8, be);
			tsraw = (uint64_t)get32(b + 12, be) << 32 | get32(b + 16, be);
			caplen = get32(b + 20, be);
			wirelen = get32(b + 24, be);
		} else {
			ifid = caplen = wirelen = 0;
		}
	}
	if (body < hdr) {
		stop(cf, "packet %llu at byte offset %llu: block length %u is too short for its %u-byte header "
		     "(malformed)", (unsigned long long)n, (unsigned long long)s->pos, blen, hdr + 12);
		return false;
	}
	if (ifid >= s->sec_n) {
		stop(cf, "packet %llu at byte offset %llu: it names interface %u, but its section describes %u "
		     "(malformed)", (unsigned long long)n, (unsigned long long)s->pos, ifid, s->sec_n);
		return false;
	}
	unsigned gi = s->sec_first + ifid;
	const struct iface_priv *f = iface_get(cf, gi);
	uint32_t room = body - hdr;
	if (type == BT_SPB) {
		/* The captured length is not stored: the original length cut to the snaplen and the block. */
		caplen = wirelen;
		if (f->pub.snaplen && caplen > f->pub.snaplen)
			caplen = f->pub.snaplen;
		if (caplen > room)
			caplen = room;
	} else if (caplen > room) {
		stop(cf, "packet %llu at byte offset %llu: captured length %u runs past its block (%u bytes of data) "
		     "(malformed)", (unsigned long long)n, (unsigned long long)s->pos, caplen, room);
		return false;
	}
	uint64_t data = s->pos + 8 + hdr;
	return add_packet(cf, data, gi, has_ts ? to_ns(f, tsraw) : CAPFILE_NO_TIME, caplen, wirelen);
}

static bool png_shb(struct capfile *cf, uint32_t blen)
{
	struct scan *s = &cf->s;
	const uint8_t *b = cf->map + s->pos;
	if (blen < 28) {
		stop(cf, "section header at byte offset %llu: block length %u is shorter than 28 bytes (malformed)",
		     (unsigned long long)s->pos, blen);
		return false;
	}
	uint16_t major = get16(b + 12, s->be), minor = get16(b + 14, s->be);
	if (major != 1) {
		stop(cf, "section header at byte offset %llu: pcapng version %u.%u is not supported (only 1.x)",
		     (unsigned long long)s->pos, major, minor);
		return false;
	}
	if (s->pos != 0)
		s->section++;
	s->sec_first = atomic_load_explicit(&cf->nifaces, memory_order_relaxed);
	s->sec_n = 0;
	return true;
}

static bool png_idb(struct capfile *cf, uint32_t blen)
{
	struct scan *s = &cf->s;
	const uint8_t *b = cf->map + s->pos;
	if (blen < 20) {
		stop(cf, "interface description at byte offset %llu: block length %u is shorter than 20 bytes "
		     "(malformed)", (unsigned long long)s->pos, blen);
		return false;
	}
	struct iface_priv *f = iface_add(cf);
	if (!f) {
		stop(cf, "interface description at byte offset %llu: more than %d interfaces", (unsigned long long)s->pos,
		     MAX_IFACES);
		return false;
	}
	f->pub.linktype = get16(b + 8, s->be);
	f->pub.snaplen = get32(b + 12, s->be);
	f->be = s->be;
	f->pub.section = s->section;
	idb_options(f, b + 16, b + blen - 4, s->be);
	iface_publish(cf);
	s->sec_n++;
	return true;
}

static enum capfile_state scan_pcapng(struct capfile *cf, size_t max)
{
	struct scan *s = &cf->s;
	char what[96];
	for (size_t k = 0; k < max;) {
		uint64_t n = atomic_load_explicit(&cf->count, memory_order_relaxed) + 1;
		enum capfile_state st;
		if (scan_at_end(cf, &st))
			return st;
		int more = need(cf, s->pos, 12);
		if (more <= 0) {
			if (more == 0)
				return CAPFILE_SCANNING;
			stop(cf, "block at byte offset %llu (after packet %llu): the block header is cut off after %llu "
			     "of 12 bytes (truncated)", (unsigned long long)s->pos, (unsigned long long)n - 1,
			     (unsigned long long)(cf->size - s->pos));
			return CAPFILE_DAMAGED;
		}
		const uint8_t *b = cf->map + s->pos;
		uint32_t type = get32(b, s->be);
		if (type == BT_SHB) {
			/* A new section may change the byte order: its magic says which. */
			uint32_t bom = get32(b + 8, false);
			if (bom == BOM)
				s->be = false;
			else if (bom == 0x4D3C2B1A)
				s->be = true;
			else {
				stop(cf, "section header at byte offset %llu: byte-order magic %02x %02x %02x %02x is neither "
				     "1a2b3c4d nor 4d3c2b1a (malformed)", (unsigned long long)s->pos, b[8], b[9], b[10], b[11]);
				return CAPFILE_DAMAGED;
			}
		}
		uint32_t blen = get32(b + 4, s->be);
		block_what(type, n, what, sizeof what);
		if (blen < 12 || blen % 4) {
			stop(cf, "%s at byte offset %llu: block length %u is %s (malformed)", what,
			     (unsigned long long)s->pos, blen, blen < 12 ? "less than 12" : "not a multiple of 4");
			return CAPFILE_DAMAGED;
		}
		if ((more = need(cf, s->pos, blen)) <= 0) {
			if (more == 0)
				return CAPFILE_SCANNING;
			stop(cf, "%s at byte offset %llu: block length %u runs past the end of the file, %llu "
			     "bytes left (truncated)", what, (unsigned long long)s->pos, blen, (unsigned long long)(cf->size - s->pos));
			return CAPFILE_DAMAGED;
		}
		uint32_t trail = get32(b + blen - 4, s->be);
		if (trail != blen) {
			stop(cf, "%s at byte offset %llu: the block's trailing length %u differs from its length %u "
			     "(malformed)", what, (unsigned long long)s->pos, trail, blen);
			return CAPFILE_DAMAGED;
		}
		switch (type) {
		case BT_SHB:
			if (!png_shb(cf, blen))
				return CAPFILE_DAMAGED;
			break;
		case BT_IDB:
			if (!png_idb(cf, blen))
				return CAPFILE_DAMAGED;
			break;
		case BT_EPB:
		case BT_SPB:
		case BT_OPB:
			if (!png_packet(cf, type, b, blen, n))
				return CAPFILE_DAMAGED;
			k++;
			break;
		default:
			break;   /* name resolution, statistics, custom...: not needed to find packets */
		}
		s->pos += blen;
		if ((k & 63) == 0)
			atomic_store_explicit(&cf->bytes_done, s->pos, memory_order_relaxed);
	}
	return CAPFILE_SCANNING;
}

/* ------------------------------------------------------------ scanning */

static enum capfile_state scan_some(struct capfile *cf, size_t max)
{
	int st = atomic_load_explicit(&cf->state, memory_order_acquire);
	if (st != CAPFILE_SCANNING)
		return (enum capfile_state)st;
	cf->s.waiting = false;
	/* Pages already scanned go back to the kernel (see capfile.h: Memory).
	 * Only at a slice's start, so a caller printing the slice it just got
	 * reads pages still mapped in. */
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t upto = cf->s.pos & ~(page - 1);
	if (upto > cf->s.dropped + DROP_BEHIND) {
		madvise((void *)(cf->map + cf->s.dropped), upto - cf->s.dropped, MADV_DONTNEED);
		cf->s.dropped = upto;
	}
	enum capfile_state r = cf->format == CAPFILE_PCAP ? scan_pcap(cf, max) : scan_pcapng(cf, max);
	if (r == CAPFILE_SCANNING)
		atomic_store_explicit(&cf->bytes_done, cf->s.pos, memory_order_relaxed);
	return r;
}

enum capfile_state capfile_index_step(struct capfile *cf, size_t max_packets)
{
	return scan_some(cf, max_packets ? max_packets : 1);
}

static void *index_thread(void *arg)
{
	struct capfile *cf = arg;
	while (!atomic_load(&cf->cancel) && scan_some(cf, SLICE) == CAPFILE_SCANNING)
		if (cf->s.waiting)
			nanosleep(&(struct timespec){ 0, LIVE_POLL_NS }, NULL);
	return NULL;
}

int capfile_index_start(struct capfile *cf, char *err, size_t errlen)
{
	if (cf->thread_running)
		return 0;
	if (thread_start(&cf->thread, index_thread, cf, "the indexing thread", err, errlen) < 0)
		return -1;
	cf->thread_running = true;
	return 0;
}

void capfile_index_wait(struct capfile *cf)
{
	if (cf->thread_running) {
		pthread_join(cf->thread, NULL);
		cf->thread_running = false;
	}
}

/* ------------------------------------------------------------- opening */

/* What the first bytes of a file that is no capture look like. */
static const char *looks_like(const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip-compressed data: decompress it first";
	if (n >= 4 && !memcmp(p, "PK\3\4", 4))
		return "a zip archive";
	if (n >= 4 && !memcmp(p, "\177ELF", 4))
		return "an ELF program";
	if (n >= 4 && (!memcmp(p, "\x01\x00\x00\x00", 4) || !memcmp(p, "RTSS", 4) || !memcmp(p, "XCP", 3)))
		return "binary data";
	size_t text = 0;
	size_t m = n < 512 ? n : 512;
	for (size_t i = 0; i < m; i++)
		text += (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\r' || p[i] == '\t';
	if (m && text == m)
		return "looks like text";
	return "binary data";
}

static void not_capture(const struct capfile *cf, char *err, size_t errlen)
{
	char hex[32] = "";
	size_t n = cf->size < 4 ? (size_t)cf->size : 4;
	for (size_t i = 0, k = 0; i < n; i++)
		k += (size_t)snprintf(hex + k, sizeof hex - k, "%s%02x", i ? " " : "", cf->map[i]);
	snprintf(err, errlen, "%s: not a capture file: first bytes %s (%s)", cf->path, hex, looks_like(cf->map, (size_t)cf->size));
}

/* Recognise the header; false when the file is no capture at all. */
static bool recognise(struct capfile *cf)
{
	struct scan *s = &cf->s;
	if (cf->size < 4)
		return false;
	const uint8_t *p = cf->map;
	static const struct magic {
		uint8_t b[4];
		bool be, nano, modified;
	} magics[] = {
		{ { 0xd4, 0xc3, 0xb2, 0xa1 }, false, false, false },
		{ { 0xa1, 0xb2, 0xc3, 0xd4 }, true, false, false },
		{ { 0x4d, 0x3c, 0xb2, 0xa1 }, false, true, false },
		{ { 0xa1, 0xb2, 0x3c, 0x4d }, true, true, false },
		/* Alexey Kuznetzov's patched libpcap: 8 more bytes in each record header */
		{ { 0x34, 0xcd, 0xb2, 0xa1 }, false, false, true },
		{ { 0xa1, 0xb2, 0xcd, 0x34 }, true, false, true },
	};
	if (!memcmp(p, "\x0a\x0d\x0d\x0a", 4)) {
		cf->format = CAPFILE_PCAPNG;
		if (!span(cf, 0, 12))
			stop(cf, "the section header is cut off after %llu of at least 28 bytes (truncated)",
			     (unsigned long long)cf->size);
		return true;
	}
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		const struct magic *m = &magics[i];
		if (memcmp(p, m->b, 4))
			continue;
		cf->format = CAPFILE_PCAP;
		s->be = m->be;
		s->nano = m->nano;
		s->rec_hdr = m->modified ? 24 : 16;
		if (!span(cf, 0, PCAP_HDR)) {
			stop(cf, "the pcap file header is cut off after %llu of %d bytes (truncated)",
			     (unsigned long long)cf->size, PCAP_HDR);
			return true;
		}
		uint16_t major = get16(p + 4, s->be), minor = get16(p + 6, s->be);
		s->snaplen = get32(p + 16, s->be);
		struct iface_priv *f = iface_add(cf);   /* the first: always room for it */
		/* The link type is the low 16 bits; the upper ones carry FCS information. */
		f->pub.linktype = (int)(get32(p + 20, s->be) & 0xffff);
		f->pub.snaplen = s->snaplen;
		f->exp = m->nano ? 9 : 6;
		f->pub.ts_digits = f->exp;
		iface_publish(cf);
		s->pos = PCAP_HDR;
		if (major != 2)
			stop(cf, "pcap version %u.%u is not supported (only 2.x)", major, minor);
		return true;
	}
	return false;
}

/* Map the file on fd and recognise it; false with err (fd is closed unless live). */
static bool map_file(struct capfile *cf, int fd, enum capfile_error *why, char *err, size_t errlen)
{
	const char *path = cf->path;
	struct stat st;
	*why = CAPFILE_ERR_IO;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, S_ISDIR(st.st_mode) ? "a directory, not a capture file" : "not a regular file");
		return false;
	}
	cf->size = (uint64_t)st.st_size;
	if (cf->size == 0) {
		snprintf(err, errlen, "%s: not a capture file: it is empty", path);
		*why = CAPFILE_ERR_NOT_CAPTURE;
		return false;
	}
	/* A live file's mapping reaches past its end, for the bytes to come. */
	void *m = MAP_FAILED;
	for (uint64_t len = LIVE_RESERVE; cf->live && m == MAP_FAILED && len >= ((uint64_t)1 << 30); len >>= 3) {
		if (len > SIZE_MAX / 2)
			continue;
		m = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED | MAP_NORESERVE, fd, 0);
		cf->map_len = len;
	}
	if (!cf->live) {
		cf->map_len = cf->size;
		m = mmap(NULL, (size_t)cf->size, PROT_READ, MAP_SHARED, fd, 0);
	}
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "%s: cannot map the file: %s", path, strerror(errno));
		cf->map_len = 0;
		return false;
	}
	cf->map = m;
	if (cf->size > cf->map_len)
		cf->size = cf->map_len;
	atomic_store(&cf->size_pub, cf->size);
	madvise(m, (size_t)cf->size, MADV_SEQUENTIAL);
	cf->ndir = (size_t)(cf->map_len / MIN_RECORD / CHUNK) + 2;
	cf->dir = xcalloc(cf->ndir, sizeof *cf->dir);
	if (!recognise(cf)) {
		not_capture(cf, err, errlen);
		*why = CAPFILE_ERR_NOT_CAPTURE;
		return false;
	}
	return true;
}

static struct capfile *new_capfile(const char *path)
{
	struct capfile *cf = xcalloc(1, sizeof *cf);
	cf->path = xstrdup(path);
	cf->fd = -1;
	return cf;
}

struct capfile *capfile_open(const char *path, enum capfile_error *why, char *err, size_t errlen)
{
	enum capfile_error dummy;
	if (!why)
		why = &dummy;
	*why = CAPFILE_ERR_IO;
	struct capfile *cf = new_capfile(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		capfile_close(cf);
		return NULL;
	}
	bool ok = map_file(cf, fd, why, err, errlen);
	close(fd);   /* the mapping keeps the file */
	if (!ok) {
		capfile_close(cf);
		return NULL;
	}
	return cf;
}

struct capfile *capfile_open_live(int fd, const char *name, char *err, size_t errlen)
{
	enum capfile_error why;
	struct capfile *cf = new_capfile(name);
	cf->live = true;
	cf->fd = fd;
	if (!map_file(cf, fd, &why, err, errlen)) {
		capfile_close(cf);
		return NULL;
	}
	return cf;
}

void capfile_live_end(struct capfile *cf)
{
	atomic_store_explicit(&cf->ended, true, memory_order_release);
}

bool capfile_live(const struct capfile *cf)
{
	return cf->live;
}

void capfile_close(struct capfile *cf)
{
	if (!cf)
		return;
	atomic_store(&cf->cancel, true);
	capfile_index_wait(cf);
	if (cf->map)
		munmap((void *)cf->map, (size_t)cf->map_len);
	if (cf->fd >= 0)
		close(cf->fd);
	for (size_t i = 0; cf->dir && i < cf->ndir; i++)
		free(cf->dir[i]);
	free(cf->dir);
	for (size_t i = 0; i < sizeof cf->ifdir / sizeof cf->ifdir[0]; i++)
		free(cf->ifdir[i]);
	free(cf->path);
	free(cf);
}

/* ------------------------------------------------------------- reading */

enum capfile_format capfile_format(const struct capfile *cf)
{
	return cf->format;
}

uint64_t capfile_size(const struct capfile *cf)
{
	return atomic_load_explicit(&((struct capfile *)cf)->size_pub, memory_order_relaxed);
}

const char *capfile_path(const struct capfile *cf)
{
	return cf->path;
}

void capfile_progress(const struct capfile *cf, struct capfile_progress *p)
{
	struct capfile *w = (struct capfile *)cf;   /* atomics are read-only here */
	p->state = (enum capfile_state)atomic_load_explicit(&w->state, memory_order_acquire);
	p->packets = atomic_load_explicit(&w->count, memory_order_acquire);
	p->bytes_done = atomic_load_explicit(&w->bytes_done, memory_order_relaxed);
	p->bytes_total = atomic_load_explicit(&w->size_pub, memory_order_relaxed);
}

uint64_t capfile_count(const struct capfile *cf)
{
	return atomic_load_explicit(&((struct capfile *)cf)->count, memory_order_acquire);
}

const char *capfile_stop_reason(const struct capfile *cf)
{
	struct capfile *w = (struct capfile *)cf;
	return atomic_load_explicit(&w->state, memory_order_acquire) == CAPFILE_DAMAGED ? cf->reason : "";
}

bool capfile_packet(const struct capfile *cf, uint64_t n, struct capfile_packet *out)
{
	if (n >= capfile_count(cf))
		return false;
	const struct idx_rec *r = &cf->dir[n >> CHUNK_SHIFT][n & (CHUNK - 1)];
	out->number = n;
	out->offset = r->off_if >> 16;
	out->iface = (unsigned)(r->off_if & 0xffff);
	out->ts_ns = r->ts;
	out->caplen = r->caplen;
	out->wirelen = r->wirelen;
	out->linktype = iface_get(cf, out->iface)->pub.linktype;
	out->data = cf->map + out->offset;
	return true;
}

unsigned capfile_iface_count(const struct capfile *cf)
{
	return atomic_load_explicit(&((struct capfile *)cf)->nifaces, memory_order_acquire);
}

bool capfile_iface(const struct capfile *cf, unsigned i, struct capfile_iface *out)
{
	if (i >= capfile_iface_count(cf))
		return false;
	*out = iface_get(cf, i)->pub;
	return true;
}

void capfile_forget(const struct capfile *cf, uint64_t from, uint64_t to)
{
	struct capfile_packet a, b;
	if (from >= to || !capfile_packet(cf, from, &a) || !capfile_packet(cf, to, &b))
		return;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t lo = a.offset & ~(page - 1), hi = b.offset & ~(page - 1);
	if (hi > lo)
		madvise((void *)(cf->map + lo), hi - lo, MADV_DONTNEED);
}

/* ------------------------------------------------------------ comments */

enum { OPT_COMMENT = 1 };

/* Copy the k-th opt_comment of the option list [p, end) into buf. */
static bool comment_at(const uint8_t *p, const uint8_t *end, bool be, unsigned k, char *buf, size_t len)
{
	uint16_t code, l;
	const uint8_t *v;
	while (next_option(&p, end, be, &code, &v, &l)) {
		if (code != OPT_COMMENT || k-- > 0)
			continue;
		size_t n = l < len ? l : len - 1;
		memcpy(buf, v, n);
		buf[n] = '\0';
		return true;
	}
	return false;
}

bool capfile_packet_comment(const struct capfile *cf, uint64_t n, unsigned k, char *buf, size_t len)
{
	struct capfile_packet p;
	/* Only EPB and OPB carry options, and only they have a timestamp: a
	 * simple packet block's data is not 28 bytes into its block, and what
	 * lies 28 bytes before it is another block's bytes (found by fuzzing). */
	if (!len || cf->format != CAPFILE_PCAPNG || !capfile_packet(cf, n, &p) || p.offset < 28 ||
	    p.ts_ns == CAPFILE_NO_TIME)
		return false;
	bool be = iface_get(cf, p.iface)->be;
	uint64_t at = p.offset - 28;   /* EPB and OPB: 28 bytes before the data */
	const uint8_t *b = cf->map + at;
	uint32_t type = get32(b, be), blen = get32(b + 4, be);
	if ((type != BT_EPB && type != BT_OPB) || blen > capfile_size(cf) - at)
		return false;
	uint64_t opts = 28 + (((uint64_t)p.caplen + 3) & ~(uint64_t)3);
	if (opts + 4 > blen)
		return false;
	return comment_at(b + opts, b + blen - 4, be, k, buf, len);
}

bool capfile_header_comment(const struct capfile *cf, unsigned k, char *buf, size_t len)
{
	if (!len || cf->format != CAPFILE_PCAPNG || capfile_iface_count(cf) == 0)
		return false;   /* an interface was read: the first section header was whole */
	const uint8_t *b = cf->map;
	bool be = get32(b + 8, false) != BOM;
	uint32_t blen = get32(b + 4, be);
	if (blen < 28 || blen > cf->size)
		return false;
	return comment_at(b + 24, b + blen - 4, be, k, buf, len);
}
