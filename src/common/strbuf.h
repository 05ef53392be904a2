/*
 * strbuf.h — appending text to a caller's fixed buffer without stdio.
 *
 * Role: the packet list's hot path (the summary and the list line, a
 * million of them for a big file) formats numbers and strings here rather
 * than through snprintf, whose format parsing and per-call setup were a
 * third of `inspect --print`'s time.  The result is what snprintf into
 * the same buffer would give, cut the same way: at most cap-1 bytes and
 * always a terminating NUL, so a caller can switch between the two and
 * keep its output byte for byte.
 *
 * Ownership: a strbuf borrows the caller's array (p, cap) and lives as
 * long as the caller's frame; nothing is allocated.
 */
#ifndef SOCKSCOPE_STRBUF_H
#define SOCKSCOPE_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct strbuf {
	char *p;      /* borrowed, cap bytes, NUL-terminated at len */
	size_t len;   /* bytes before the NUL */
	size_t cap;   /* 0: nothing is ever written */
};

/* An empty text in buf (as snprintf(buf, cap, "") would leave it). */
static inline struct strbuf sb_make(char *buf, size_t cap)
{
	struct strbuf b = { buf, 0, cap };
	if (cap)
		buf[0] = '\0';
	return b;
}

/* Continue the text already in buf (as dis_appendf does). */
static inline struct strbuf sb_resume(char *buf, size_t cap)
{
	struct strbuf b = { buf, cap ? strnlen(buf, cap - 1) : 0, cap };
	if (cap)
		buf[b.len] = '\0';
	return b;
}

/* Where n more bytes go, n first cut to what fits before the '\0'; len
 * already counts them and the '\0' follows them.  NULL: no buffer at all. */
static inline char *sb_claim(struct strbuf *b, size_t *n)
{
	if (b->len + *n >= b->cap) {
		if (!b->cap)
			return NULL;
		*n = b->cap - 1 - b->len;
	}
	char *at = b->p + b->len;
	b->len += *n;
	b->p[b->len] = '\0';
	return at;
}

static inline void sb_mem(struct strbuf *b, const char *s, size_t n)
{
	char *at = sb_claim(b, &n);
	if (at)
		memcpy(at, s, n);
}

static inline void sb_str(struct strbuf *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

static inline void sb_char(struct strbuf *b, char c)
{
	sb_mem(b, &c, 1);
}

/* n copies of c (padding). */
static inline void sb_fill(struct strbuf *b, char c, size_t n)
{
	char *at = sb_claim(b, &n);
	if (at)
		memset(at, c, n);
}

/* Decimal digits of v into the end of d[24]; returns the first. */
static inline char *sb_digits(uint64_t v, char d[24])
{
	char *q = d + 24;
	do
		*--q = (char)('0' + v % 10);
	while (v /= 10);
	return q;
}

/* v in decimal (%llu, %u). */
static inline void sb_u64(struct strbuf *b, uint64_t v)
{
	char d[24];
	char *q = sb_digits(v, d);
	sb_mem(b, q, (size_t)(d + 24 - q));
}

/* v in at least width columns, pad before it; wider numbers push on. */
static inline void sb_u64_pad(struct strbuf *b, uint64_t v, size_t width, char pad)
{
	char d[24];
	char *q = sb_digits(v, d);
	size_t n = (size_t)(d + 24 - q);
	if (n < width)
		sb_fill(b, pad, width - n);
	sb_mem(b, q, n);
}

/* v right-aligned in width columns (%4llu, %5u). */
static inline void sb_u64_right(struct strbuf *b, uint64_t v, size_t width)
{
	sb_u64_pad(b, v, width, ' ');
}

/* v in exactly `width` digits, zeros before (%06llu for v below 10^width). */
static inline void sb_u64_zero(struct strbuf *b, uint64_t v, size_t width)
{
	sb_u64_pad(b, v, width, '0');
}

/* s right-aligned (%9s) or left-aligned (%-15s) in width columns. */
static inline void sb_str_right(struct strbuf *b, const char *s, size_t width)
{
	size_t n = strlen(s);
	if (n < width)
		sb_fill(b, ' ', width - n);
	sb_mem(b, s, n);
}

static inline void sb_str_left(struct strbuf *b, const char *s, size_t width)
{
	size_t n = strlen(s);
	sb_mem(b, s, n);
	if (n < width)
		sb_fill(b, ' ', width - n);
}

#endif
