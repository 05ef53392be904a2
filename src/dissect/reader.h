/*
 * reader.h — the one bounds-checked reader of packet bytes.
 *
 * Every dissector reads the frame through a struct rd and nothing else, so no
 * packet, however short or hostile, can make a decoder read outside
 * [0, len).  A read that would cross `len` returns 0 (or zero-fills), moves
 * the offset to `len` and sets the sticky `short_` flag; a decoder reads a
 * whole header, then checks the flag once.  Positions are frame offsets, so
 * they can be stored straight into the field tree.
 */
#ifndef SOCKSCOPE_DISSECT_READER_H
#define SOCKSCOPE_DISSECT_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t *p;  /* the frame; only this header dereferences it */
	uint32_t len;      /* bytes readable: the capture length, or less (a quoted packet) */
	uint32_t off;      /* next byte to read */
	bool short_;       /* sticky: a read wanted bytes at or past len */
};

static inline struct rd rd_make(const uint8_t *p, uint32_t len)
{
	struct rd r = { p, len, 0, false };
	return r;
}

/* A fresh reader over the same bytes, positioned at off (flag cleared). */
static inline struct rd rd_at(const struct rd *r, uint32_t off)
{
	struct rd n = { r->p, r->len, off, off > r->len };
	if (n.short_)
		n.off = r->len;
	return n;
}

static inline uint32_t rd_left(const struct rd *r)
{
	return r->off < r->len ? r->len - r->off : 0;
}

/* Are the n bytes at off captured?  Never sets the flag. */
static inline bool rd_has(const struct rd *r, uint32_t off, uint32_t n)
{
	return off <= r->len && n <= r->len - off;
}

/* Claim n bytes: a pointer to them, or NULL after marking the reader short. */
static inline const uint8_t *rd_take_(struct rd *r, uint32_t n)
{
	if (r->short_ || n > rd_left(r)) {
		r->short_ = true;
		r->off = r->len;
		return NULL;
	}
	const uint8_t *q = r->p + r->off;
	r->off += n;
	return q;
}

static inline void rd_skip(struct rd *r, uint32_t n)
{
	(void)rd_take_(r, n);
}

/* Move to frame offset off (which may be anywhere up to len). */
static inline void rd_seek(struct rd *r, uint32_t off)
{
	if (off > r->len) {
		r->short_ = true;
		r->off = r->len;
	} else {
		r->off = off;
	}
}

static inline uint8_t rd_u8(struct rd *r)
{
	const uint8_t *q = rd_take_(r, 1);
	return q ? q[0] : 0;
}

static inline uint16_t rd_be16(struct rd *r)
{
	const uint8_t *q = rd_take_(r, 2);
	return q ? (uint16_t)(q[0] << 8 | q[1]) : 0;
}

/* Little-endian: the headers some capture tools write in their host's
 * order (radiotap, PPI, PKTAP, NFLOG's attributes). */
static inline uint16_t rd_le16(struct rd *r)
{
	const uint8_t *q = rd_take_(r, 2);
	return q ? (uint16_t)(q[1] << 8 | q[0]) : 0;
}

static inline uint32_t rd_le32(struct rd *r)
{
	const uint8_t *q = rd_take_(r, 4);
	return q ? (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0] : 0;
}

static inline uint32_t rd_be32(struct rd *r)
{
	const uint8_t *q = rd_take_(r, 4);
	return q ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3] : 0;
}

/* Copy n bytes out (zeros when they are not all there). */
static inline void rd_bytes(struct rd *r, void *dst, uint32_t n)
{
	const uint8_t *q = rd_take_(r, n);
	if (q)
		memcpy(dst, q, n);
	else
		memset(dst, 0, n);
}

/* Ones'-complement sum (RFC 1071) of n bytes as big-endian 16-bit words,
 * an odd last byte padded with zero; 0 and short when not all captured. */
static inline uint32_t rd_sum16(struct rd *r, uint32_t n)
{
	const uint8_t *q = rd_take_(r, n);
	uint32_t s = 0;
	for (uint32_t i = 0; q && i < n; i += 2)
		s += (uint32_t)q[i] << 8 | (i + 1 < n ? q[i + 1] : 0);
	return s;
}

/* Where the first byte b at or after the read position is (its offset),
 * or len when there is none; moves nothing.  memchr under the bounds
 * check: the line protocols look for '\n' in every TCP payload. */
static inline uint32_t rd_find(const struct rd *r, uint8_t b)
{
	uint32_t left = rd_left(r);
	const uint8_t *q = left ? memchr(r->p + r->off, b, left) : NULL;
	return q ? (uint32_t)(q - r->p) : r->len;
}

/* A 64-bit hash of every byte the reader covers: tells a frame fed twice
 * from a different one.  Eight bytes a multiply, then a final mix
 * (MurmurHash3's fmix64 constants), where FNV-1a's multiply a byte was a
 * tenth of the packet list's time on large frames.  Never sets the flag. */
static inline uint64_t rd_hash(const struct rd *r)
{
	uint64_t h = 14695981039346656037ull ^ r->len;
	uint32_t i = 0;
	for (; i + 8 <= r->len; i += 8) {
		uint64_t w;
		memcpy(&w, r->p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	for (; i < r->len; i++)
		h = (h ^ r->p[i]) * 1099511628211ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

#endif
