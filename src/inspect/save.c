/*
 * save.c — marks and pcap output (see save.h).
 */
#include "inspect/save.h"
#include "common/mem.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------- marks */

struct inspect_marks {
	uint64_t *bits;
	size_t nwords;
	uint64_t count;
};

struct inspect_marks *inspect_marks_new(void)
{
	return xcalloc(1, sizeof(struct inspect_marks));
}

void inspect_marks_free(struct inspect_marks *m)
{
	if (m)
		free(m->bits);
	free(m);
}

bool inspect_marks_test(const struct inspect_marks *m, uint64_t n)
{
	return n / 64 < m->nwords && (m->bits[n / 64] >> (n % 64) & 1);
}

void inspect_marks_set(struct inspect_marks *m, uint64_t n, bool on)
{
	if (n / 64 >= m->nwords) {
		if (!on)
			return;
		size_t nw = m->nwords ? m->nwords : 16;
		while (nw <= n / 64)
			nw *= 2;
		uint64_t *b = xreallocarray(m->bits, nw, sizeof *b);
		memset(b + m->nwords, 0, (nw - m->nwords) * sizeof *b);
		m->bits = b;
		m->nwords = nw;
	}
	bool was = inspect_marks_test(m, n);
	if (on && !was) {
		m->bits[n / 64] |= (uint64_t)1 << (n % 64);
		m->count++;
	} else if (!on && was) {
		m->bits[n / 64] &= ~((uint64_t)1 << (n % 64));
		m->count--;
	}
}

void inspect_marks_toggle(struct inspect_marks *m, uint64_t n)
{
	inspect_marks_set(m, n, !inspect_marks_test(m, n));
}

uint64_t inspect_marks_count(const struct inspect_marks *m)
{
	return m->count;
}

int inspect_marks_parse(struct inspect_marks *m, const char *list, char *err, size_t errlen)
{
	const char *s = list;
	while (*s) {
		char *end;
		errno = 0;
		unsigned long long a = strtoull(s, &end, 10), b;
		if (end == s || a == 0 || errno)
			goto bad;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtoull(s, &end, 10);
			if (end == s || b < a || errno)
				goto bad;
		}
		if (b - a > 100000000ull) {
			snprintf(err, errlen, "packet range %llu-%llu is too large", a, b);
			return -1;
		}
		for (unsigned long long k = a; k <= b; k++)
			inspect_marks_set(m, k - 1, true);
		if (*end == ',')
			end++;
		else if (*end)
			goto bad;
		s = end;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad packet list '%s': expected numbers from 1 and ranges such as 1,3,5-7", list);
	return -1;
}

/* ------------------------------------------------------------ writer */

struct pcapw {
	FILE *f;
	char *path, *tmp;
	bool nano;
	bool failed;
	int err;
};

static void put32(uint8_t *p, uint32_t v)
{
	/* Written little-endian; the magic tells readers which order. */
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void write_header(struct pcapw *w, int linktype, uint32_t snaplen)
{
	uint8_t h[24];
	put32(h, w->nano ? 0xa1b23c4d : 0xa1b2c3d4);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);
	put32(h + 12, 0);
	put32(h + 16, snaplen);
	put32(h + 20, (uint32_t)linktype);
	if (fwrite(h, sizeof h, 1, w->f) != 1) {
		w->failed = true;
		w->err = errno;
	}
}

struct pcapw *pcapw_open(const char *path, int linktype, uint32_t snaplen, bool nano, char *err, size_t errlen)
{
	struct pcapw *w = calloc(1, sizeof *w);
	size_t n = strlen(path) + sizeof ".partial";
	if (!w || !(w->path = strdup(path)) || !(w->tmp = malloc(n))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(w->tmp, n, "%s.partial", path);
	w->nano = nano;
	w->f = fopen(w->tmp, "wb");
	if (!w->f) {
		/* The user's name, not the .partial one: that is the file they asked for. */
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	write_header(w, linktype, snaplen);
	return w;
fail:
	if (w) {
		if (w->f)
			fclose(w->f);
		free(w->path);
		free(w->tmp);
		free(w);
	}
	return NULL;
}

struct pcapw *pcapw_fdopen(int fd, const char *name, int linktype, uint32_t snaplen, bool nano, char *err,
                           size_t errlen)
{
	struct pcapw *w = calloc(1, sizeof *w);
	if (!w || !(w->tmp = strdup(name))) {
		snprintf(err, errlen, "out of memory");
		free(w);
		close(fd);
		return NULL;
	}
	w->nano = nano;
	w->f = fdopen(fd, "wb");
	if (!w->f) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		close(fd);
		free(w->tmp);
		free(w);
		return NULL;
	}
	setvbuf(w->f, NULL, _IOFBF, 1 << 18);
	write_header(w, linktype, snaplen);
	return w;
}

int pcapw_flush(struct pcapw *w)
{
	if (!w->failed && fflush(w->f) != 0) {
		w->failed = true;
		w->err = errno;
	}
	return w->failed ? -1 : 0;
}

const char *pcapw_error(const struct pcapw *w)
{
	return w->failed ? strerror(w->err ? w->err : EIO) : NULL;
}

int pcapw_write(struct pcapw *w, int64_t ts_ns, uint32_t caplen, uint32_t wirelen, const uint8_t *data)
{
	if (w->failed)
		return -1;
	if (ts_ns == CAPFILE_NO_TIME || ts_ns < 0)
		ts_ns = 0;
	uint8_t h[16];
	uint64_t sec = (uint64_t)ts_ns / 1000000000u, frac = (uint64_t)ts_ns % 1000000000u;
	put32(h, (uint32_t)sec);
	put32(h + 4, (uint32_t)(w->nano ? frac : frac / 1000));
	put32(h + 8, caplen);
	put32(h + 12, wirelen);
	if (fwrite(h, sizeof h, 1, w->f) != 1 || (caplen && fwrite(data, caplen, 1, w->f) != 1)) {
		w->failed = true;
		w->err = errno;
		return -1;
	}
	return 0;
}

int pcapw_close(struct pcapw *w, bool commit, char *err, size_t errlen)
{
	int rc = 0;
	if (fclose(w->f) != 0 && !w->failed) {
		w->failed = true;
		w->err = errno;
	}
	if (w->failed) {
		snprintf(err, errlen, "writing %s: %s%s", w->path ? w->path : w->tmp, strerror(w->err ? w->err : EIO),
		         w->path ? " (nothing was left there)" : "");
		rc = -1;
	} else if (w->path && commit && rename(w->tmp, w->path) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", w->path, strerror(errno));
		rc = -1;
	}
	if (w->path && (rc || !commit))
		remove(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w);
	return rc;
}

/* ------------------------------------------------------------ saving */

int inspect_expand_path(const char *in, char *out, size_t n)
{
	if (in[0] != '~') {
		snprintf(out, n, "%s", in);
		return 0;
	}
	const char *rest = in + 1 + strcspn(in + 1, "/");
	const char *home = NULL;
	size_t ulen = (size_t)(rest - in) - 1;
	if (ulen == 0) {
		home = getenv("HOME");
		if (!home || !*home) {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
	} else {
		char user[256];
		if (ulen >= sizeof user) {
			snprintf(out, n, "%s", in);
			return -1;
		}
		memcpy(user, in + 1, ulen);
		user[ulen] = '\0';
		struct passwd *pw = getpwnam(user);
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home) {
		snprintf(out, n, "%s", in);
		return -1;
	}
	int k = snprintf(out, n, "%s%s", home, rest);
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

long long inspect_save(const struct capfile *cf, const struct inspect_view *v, const struct inspect_marks *marks,
                       const char *path, char *err, size_t errlen)
{
	uint64_t total = v ? inspect_view_count(v) : capfile_count(cf);
	/* First pass: one link type?  the largest record?  finer than microseconds? */
	int linktype = -1;
	uint32_t snap = 262144;
	bool nano = false;
	for (uint64_t r = 0; r < total; r++) {
		struct capfile_packet p;
		uint64_t n = v ? inspect_view_packet(v, (size_t)r) : r;
		if ((marks && !inspect_marks_test(marks, n)) || !capfile_packet(cf, n, &p))
			continue;
		if (linktype < 0) {
			linktype = p.linktype;
		} else if (p.linktype != linktype) {
			snprintf(err, errlen, "the packets mix link types %d and %d: a pcap file holds one (filter one out)",
			         linktype, p.linktype);
			return -1;
		}
		if (p.caplen > snap)
			snap = p.caplen;
		struct capfile_iface f;
		if (capfile_iface(cf, p.iface, &f) && f.ts_digits > 6)
			nano = true;
	}
	if (linktype < 0) {
		struct capfile_iface f;
		linktype = capfile_iface(cf, 0, &f) ? f.linktype : LINK_ETHERNET;
	}
	struct pcapw *w = pcapw_open(path, linktype, snap, nano, err, errlen);
	if (!w)
		return -1;
	long long written = 0;
	uint64_t forgot = 0;
	for (uint64_t r = 0; r < total; r++) {
		struct capfile_packet p;
		uint64_t n = v ? inspect_view_packet(v, (size_t)r) : r;
		if ((marks && !inspect_marks_test(marks, n)) || !capfile_packet(cf, n, &p))
			continue;
		if (pcapw_write(w, p.ts_ns, p.caplen, p.wirelen, p.data) < 0)
			break;
		if (++written % 8192 == 0) {
			capfile_forget(cf, forgot, n);   /* see capfile.h: resident memory stays small */
			forgot = n;
		}
	}
	if (pcapw_close(w, true, err, errlen) < 0)
		return -1;
	return written;
}
