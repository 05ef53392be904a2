/*
 * textfmt.h — the text of packet list lines, field trees and hex dumps.
 *
 * Role: the words and columns both faces show, so what a test reads is
 * what a learner sees: the lesson's packet list (through lab/lab_text.h),
 * the inspection's packet list, the field tree and the hex dump of the
 * screens (tui/fieldview.c) and of the headless output.  It knows packets
 * only as their parts and dissect.h's field tree: nothing of lessons, labs
 * or capture files, so every folder above dissect/ may use it.  All
 * functions write into caller buffers.  No curses.
 */
#ifndef SOCKSCOPE_TEXTFMT_H
#define SOCKSCOPE_TEXTFMT_H

#include <stddef.h>
#include <stdint.h>

#include "dissect/dissect.h"

/* One row of a packet list, from its parts: `time` is already formatted
 * ("0.000123", "12:34:56.123456", "-") and right-aligned in 9 columns when
 * shorter:
 * "   3  0.000123  127.0.0.1:51234 > 127.0.0.1:40123 TCP         74  Flags [S], ..." */
void textfmt_list_line(uint64_t number, const char *time, const char *src, const char *dst, const char *proto,
                       uint32_t len, const char *summary, char *buf, size_t n);
/* The same row appended to b (common/strbuf.h), for a caller that
 * gathers many rows into one buffer. */
struct strbuf;
void textfmt_list_line_sb(struct strbuf *b, uint64_t number, const char *time, const char *src, const char *dst,
                          const char *proto, uint32_t len, const char *summary);
/* Column heading matching textfmt_list_line. */
const char *textfmt_packet_heading(void);

/* The row for a list `width` columns wide: the columns least needed to
 * tell packets apart go first -- the time and the length, then the
 * addresses (down to their ports, as on loopback the address is the same
 * on both ends) -- so the summary (SYN, SYN-ACK, ACK...) always shows.
 * The heading has the same columns for the same width. */
void textfmt_list_line_fit(int width, uint64_t number, const char *time, const char *src, const char *dst,
                           const char *proto, uint32_t len, const char *summary, char *buf, size_t n);
void textfmt_packet_heading_fit(int width, char *buf, size_t n);
/* A row textfmt_list_line made, fitted to `width` as textfmt_list_line_fit
 * would have made it (for a face that keeps only the text); a line of
 * another shape is copied as it is. */
void textfmt_list_line_refit(const char *line, int width, char *buf, size_t n);

/* "Source port: 51234" indented two spaces per depth. */
void textfmt_field_line(const struct field *f, char *buf, size_t n);

/* Bytes per hex dump line, and one line: "0010  45 00 00 3c ...  E..<" */
enum { TEXTFMT_HEX_PER_LINE = 16 };
void textfmt_hex_line(const uint8_t *data, uint32_t len, uint32_t off, char *buf, size_t n);
/* Column where byte i of a hex line starts, and its ASCII column. */
int textfmt_hex_col(int i);
int textfmt_ascii_col(int i);

#endif
