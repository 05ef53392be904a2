/*
 * textfmt.h — the text of packet lines, field trees and hex dumps.
 *
 * Shared by the screens and the headless output, so what a test reads is
 * what a learner sees.  All functions write into caller buffers.
 */
#ifndef SOCKSCOPE_TEXTFMT_H
#define SOCKSCOPE_TEXTFMT_H

#include <stddef.h>
#include <stdint.h>

#include "dissect/dissect.h"
#include "lab/lab.h"

/* "  3  0.000123  127.0.0.1:51234 > 127.0.0.1:40123  TCP   74  Flags [S], ..." */
void textfmt_packet_line(const struct lab_packet *p, char *buf, size_t n);
/* Column heading matching textfmt_packet_line. */
const char *textfmt_packet_heading(void);

/* A packet line for a list `width` columns wide: the columns least needed
 * to tell packets apart go first -- the time and the length, then the
 * addresses (down to their ports, as on loopback the address is the same
 * on both ends) -- so the summary (SYN, SYN-ACK, ACK...) always shows.
 * The heading has the same columns for the same width. */
void textfmt_packet_line_fit(const struct lab_packet *p, int width, char *buf, size_t n);
void textfmt_packet_heading_fit(int width, char *buf, size_t n);

/* The same columns from their parts, for packets that are no lab_packet
 * (inspection of a capture file): `time` is already formatted ("0.000123",
 * "12:34:56.123456", "-") and right-aligned in 9 columns when shorter.
 * textfmt_packet_line is this with the lab's relative time. */
void textfmt_list_line(uint64_t number, const char *time, const char *src, const char *dst, const char *proto,
                       uint32_t len, const char *summary, char *buf, size_t n);

/* "Source port: 51234" indented two spaces per depth. */
void textfmt_field_line(const struct field *f, char *buf, size_t n);

/* Bytes per hex dump line, and one line: "0010  45 00 00 3c ...  E..<" */
enum { TEXTFMT_HEX_PER_LINE = 16 };
void textfmt_hex_line(const uint8_t *data, uint32_t len, uint32_t off, char *buf, size_t n);
/* Column where byte i of a hex line starts, and its ASCII column. */
int textfmt_hex_col(int i);
int textfmt_ascii_col(int i);

/* What a packet looks like for comparing two runs: who sent it, its flags
 * (or the start of its summary), its payload length and its frame size --
 * not its times or sequence numbers, which differ in every run:
 * "client > lab   Flags [S] len 0, frame 74" */
void textfmt_packet_shape(const struct lab_packet *p, char *buf, size_t n);

/* An origin of step s as the learner reads it (headless "origin:", the
 * handouts, the lesson's status line): its code expanded and, when that
 * stops inside a call -- cut short ("inet_pton(AF_INET, "127.0.0.1"") or
 * with "..." where the address family decides the argument -- the whole
 * call, as the step's code for `family` writes it.  An origin that is no
 * call ("chosen by the kernel") or that the code does not hold is printed
 * as written. */
void textfmt_origin(const struct lesson_step *s, const struct lesson_origin *o, const struct lesson_vars *vars,
                    int family, char *buf, size_t n);

/* Who a step's packets belong to, for headings: "step 3", "setup", "between steps". */
void textfmt_step_label(int step, char *buf, size_t n);

#endif
