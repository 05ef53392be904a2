/*
 * text.h — small text helpers shared by the core modules.
 */
#ifndef SOCKSCOPE_TEXT_H
#define SOCKSCOPE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes as a quoted C string for display: "220 ready\r\n", non-printable
 * bytes as \xHH; cut with "..." when it does not fit in cap. */
void text_quote(const uint8_t *p, size_t n, char *buf, size_t cap);

/* Parse a quoted text with C escapes (\r \n \t \\ \" \0 \xHH) that must
 * end the string (trailing blanks allowed).  Writes up to cap-1 bytes and
 * a NUL into out, the length into *outlen.  0, or -1 with a message. */
int text_unquote(const char *s, char *out, size_t cap, size_t *outlen, char *err, size_t errlen);

/* Append printf-style text to the NUL-ended text already in buf (of n
 * bytes), cutting what does not fit; a full buf is left as it is. */
void text_appendf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* FNV-1a, 64 bits: h = text_fnv1a(TEXT_FNV1A_INIT, p, n), then more bytes
 * onto h.  A name for content (a recording's lesson text, a cached build),
 * not a defence against anyone choosing collisions. */
#define TEXT_FNV1A_INIT 0xcbf29ce484222325ull
uint64_t text_fnv1a(uint64_t h, const void *p, size_t n);

#endif
