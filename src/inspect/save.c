/*
 * save.c — marks, and saving packets through the capture file writer (see save.h).
 */
#include "inspect/save.h"
#include "common/mem.h"

#include "capfile/write.h"

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
	uint32_t snap = CAPFILE_SNAPLEN;
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
	struct capfile_write_opts o = { .format = CAPFILE_PCAP, .linktype = linktype, .snaplen = snap, .nano = nano };
	struct capfile_writer *w = capfile_writer_open(path, &o, err, errlen);
	if (!w)
		return -1;
	long long written = 0;
	uint64_t forgot = 0;
	for (uint64_t r = 0; r < total; r++) {
		struct capfile_packet p;
		uint64_t n = v ? inspect_view_packet(v, (size_t)r) : r;
		if ((marks && !inspect_marks_test(marks, n)) || !capfile_packet(cf, n, &p))
			continue;
		if (capfile_writer_packet(w, p.ts_ns, p.caplen, p.wirelen, p.data, NULL) < 0)
			break;
		if (++written % 8192 == 0) {
			capfile_forget(cf, forgot, n);   /* see capfile.h: resident memory stays small */
			forgot = n;
		}
	}
	if (capfile_writer_close(w, true, err, errlen) < 0)
		return -1;
	return written;
}
