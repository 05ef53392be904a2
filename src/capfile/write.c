/*
 * write.c — pcap and pcapng output (see write.h).
 *
 * Everything is written little-endian: both formats carry a magic that
 * tells a reader the byte order, so the writer need not follow the host.
 * A pcapng block states its length at both ends; each block is assembled
 * in a small buffer (or, for a packet, its length computed from the
 * parts) so that it is written in one go.
 */
#include "capfile/write.h"

#include "common/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	NG_SHB = 0x0A0D0D0A, NG_IDB = 1, NG_EPB = 6,
	NG_BYTE_ORDER = 0x1A2B3C4D,
	OPT_ENDOFOPT = 0, OPT_COMMENT = 1, SHB_USERAPPL = 4, IF_TSRESOL = 9,
	OPT_MAX = 65535,                   /* an option's length is 16 bits */
};

struct capfile_writer {
	FILE *f;
	char *path, *tmp;                  /* path NULL: an fd of someone else's file */
	enum capfile_format format;
	bool nano;
	bool failed;
	int err;
};

static void put32(uint8_t *p, uint32_t v)
{
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

static size_t pad4(size_t n)
{
	return (4 - n % 4) % 4;
}

static void emit(struct capfile_writer *w, const void *p, size_t n)
{
	if (!w->failed && n && fwrite(p, n, 1, w->f) != 1) {
		w->failed = true;
		w->err = errno;
	}
}

/* ---- a pcapng block assembled in memory ---- */

struct block {
	uint8_t *b;
	size_t n, cap;
};

static void bput(struct block *k, const void *p, size_t n)
{
	if (!n)
		return;
	if (k->n + n > k->cap) {
		k->cap = (k->n + n) * 2 + 256;
		k->b = xrealloc(k->b, k->cap);
	}
	memcpy(k->b + k->n, p, n);
	k->n += n;
}

static void bput32(struct block *k, uint32_t v)
{
	uint8_t b[4];
	put32(b, v);
	bput(k, b, 4);
}

static void bput16(struct block *k, uint16_t v)
{
	uint8_t b[2];
	put16(b, v);
	bput(k, b, 2);
}

/* An option: code, length, value padded to 4 bytes. */
static void boption(struct block *k, uint16_t code, const void *value, size_t len)
{
	static const uint8_t zero[4];
	if (len > OPT_MAX)
		len = OPT_MAX;
	bput16(k, code);
	bput16(k, (uint16_t)len);
	bput(k, value, len);
	bput(k, zero, pad4(len));
}

/* Type and a length to be set by block_finish. */
static void block_begin(struct block *k, uint32_t type)
{
	bput32(k, type);
	bput32(k, 0);
}

/* The length at both ends, and out to the file. */
static void block_finish(struct capfile_writer *w, struct block *k)
{
	bput32(k, 0);
	put32(k->b + 4, (uint32_t)k->n);
	put32(k->b + k->n - 4, (uint32_t)k->n);
	emit(w, k->b, k->n);
	free(k->b);
	*k = (struct block){ 0 };
}

static void write_pcapng_header(struct capfile_writer *w, const struct capfile_write_opts *o, uint32_t snaplen)
{
	struct block k = { 0 };
	block_begin(&k, NG_SHB);
	bput32(&k, NG_BYTE_ORDER);
	bput16(&k, 1);                     /* version 1.0 */
	bput16(&k, 0);
	bput32(&k, 0xffffffff);            /* section length: not given */
	bput32(&k, 0xffffffff);
	for (size_t i = 0; i < o->ncomments; i++)
		boption(&k, OPT_COMMENT, o->comments[i], strlen(o->comments[i]));
	if (o->userappl)
		boption(&k, SHB_USERAPPL, o->userappl, strlen(o->userappl));
	if (o->ncomments || o->userappl)
		bput32(&k, OPT_ENDOFOPT);
	block_finish(w, &k);

	block_begin(&k, NG_IDB);
	bput16(&k, (uint16_t)o->linktype);
	bput16(&k, 0);
	bput32(&k, snaplen);
	if (w->nano) {
		uint8_t resol = 9;         /* 10^-9 s */
		boption(&k, IF_TSRESOL, &resol, 1);
		bput32(&k, OPT_ENDOFOPT);
	}
	block_finish(w, &k);
}

static void write_pcap_header(struct capfile_writer *w, int linktype, uint32_t snaplen)
{
	uint8_t h[24];
	put32(h, w->nano ? 0xa1b23c4d : 0xa1b2c3d4);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);
	put32(h + 12, 0);
	put32(h + 16, snaplen);
	put32(h + 20, (uint32_t)linktype);
	emit(w, h, sizeof h);
}

static void write_header(struct capfile_writer *w, const struct capfile_write_opts *o)
{
	uint32_t snaplen = o->snaplen ? o->snaplen : CAPFILE_SNAPLEN;
	w->format = o->format;
	w->nano = o->nano;
	if (o->format == CAPFILE_PCAPNG)
		write_pcapng_header(w, o, snaplen);
	else
		write_pcap_header(w, o->linktype, snaplen);
}

struct capfile_writer *capfile_writer_open(const char *path, const struct capfile_write_opts *o, char *err,
                                           size_t errlen)
{
	struct capfile_writer *w = xcalloc(1, sizeof *w);
	w->path = xstrdup(path);
	w->tmp = xasprintf("%s.partial", path);
	w->f = fopen(w->tmp, "wb");
	if (!w->f) {
		/* The user's name, not the .partial one: that is the file they asked for. */
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		free(w->path);
		free(w->tmp);
		free(w);
		return NULL;
	}
	write_header(w, o);
	return w;
}

struct capfile_writer *capfile_writer_fdopen(int fd, const char *name, const struct capfile_write_opts *o,
                                             char *err, size_t errlen)
{
	struct capfile_writer *w = xcalloc(1, sizeof *w);
	w->tmp = xstrdup(name);
	w->f = fdopen(fd, "wb");
	if (!w->f) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		close(fd);
		free(w->tmp);
		free(w);
		return NULL;
	}
	/* A live capture flushes after every batch; between flushes, few writes. */
	setvbuf(w->f, NULL, _IOFBF, 1 << 18);
	write_header(w, o);
	return w;
}

int capfile_writer_flush(struct capfile_writer *w)
{
	if (!w->failed && fflush(w->f) != 0) {
		w->failed = true;
		w->err = errno;
	}
	return w->failed ? -1 : 0;
}

const char *capfile_writer_error(const struct capfile_writer *w)
{
	return w->failed ? strerror(w->err ? w->err : EIO) : NULL;
}

static void write_pcap_record(struct capfile_writer *w, uint64_t ns, uint32_t caplen, uint32_t wirelen,
                              const uint8_t *data)
{
	uint8_t h[16];
	uint64_t sec = ns / 1000000000u, frac = ns % 1000000000u;
	put32(h, (uint32_t)sec);
	put32(h + 4, (uint32_t)(w->nano ? frac : frac / 1000));
	put32(h + 8, caplen);
	put32(h + 12, wirelen);
	emit(w, h, sizeof h);
	emit(w, data, caplen);
}

/* An enhanced packet block, its length known from its parts: the packet's
 * bytes are written from the caller's buffer, not copied. */
static void write_epb(struct capfile_writer *w, uint64_t ns, uint32_t caplen, uint32_t wirelen, const uint8_t *data,
                      const char *comment)
{
	static const uint8_t zero[4];
	uint64_t t = w->nano ? ns : ns / 1000;
	size_t clen = comment ? strlen(comment) : 0;
	if (clen > OPT_MAX)
		clen = OPT_MAX;
	size_t opts = comment ? 4 + clen + pad4(clen) + 4 : 0;
	size_t total = 28 + (size_t)caplen + pad4(caplen) + opts + 4;
	if (total > UINT32_MAX) {
		w->failed = true;
		w->err = EFBIG;
		return;
	}
	uint8_t h[28], o[4];
	put32(h, NG_EPB);
	put32(h + 4, (uint32_t)total);
	put32(h + 8, 0);                   /* interface 0 */
	put32(h + 12, (uint32_t)(t >> 32));
	put32(h + 16, (uint32_t)t);
	put32(h + 20, caplen);
	put32(h + 24, wirelen);
	emit(w, h, sizeof h);
	emit(w, data, caplen);
	emit(w, zero, pad4(caplen));
	if (comment) {
		put16(o, OPT_COMMENT);
		put16(o + 2, (uint16_t)clen);
		emit(w, o, 4);
		emit(w, comment, clen);
		emit(w, zero, pad4(clen));
		emit(w, zero, 4);          /* opt_endofopt */
	}
	put32(o, (uint32_t)total);
	emit(w, o, 4);
}

int capfile_writer_packet(struct capfile_writer *w, int64_t ts_ns, uint32_t caplen, uint32_t wirelen,
                          const uint8_t *data, const char *comment)
{
	if (w->failed)
		return -1;
	uint64_t ns = ts_ns == CAPFILE_NO_TIME || ts_ns < 0 ? 0 : (uint64_t)ts_ns;
	if (w->format == CAPFILE_PCAPNG)
		write_epb(w, ns, caplen, wirelen, data, comment);
	else
		write_pcap_record(w, ns, caplen, wirelen, data);
	return w->failed ? -1 : 0;
}

int capfile_writer_close(struct capfile_writer *w, bool commit, char *err, size_t errlen)
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
