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

#endif
