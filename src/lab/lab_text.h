/*
 * lab_text.h — a lab's packets, steps and a step's origins as text.
 *
 * Role: what the lesson screen, the headless output and the handouts say
 * about a run, in the columns of render/textfmt.h (a lab packet's row is
 * textfmt_list_line with the lab's relative time), so the three say the
 * same.  All functions write into caller buffers.  No curses.
 */
#ifndef SOCKSCOPE_LAB_TEXT_H
#define SOCKSCOPE_LAB_TEXT_H

#include <stddef.h>

#include "lab/lab.h"

/* "   3  0.000123  127.0.0.1:51234 > 127.0.0.1:40123 TCP  74  Flags [S], ..."
 * under textfmt_packet_heading; and the same for a list `width` wide
 * (textfmt_list_line_fit, under textfmt_packet_heading_fit). */
void lab_packet_line(const struct lab_packet *p, char *buf, size_t n);
void lab_packet_line_fit(const struct lab_packet *p, int width, char *buf, size_t n);

/* What a packet looks like for comparing two runs: who sent it, its flags
 * (or the start of its summary), its payload length and its frame size --
 * not its times or sequence numbers, which differ in every run:
 * "client > lab   Flags [S] len 0, frame 74" */
void lab_packet_shape(const struct lab_packet *p, char *buf, size_t n);

/* Who a step's packets belong to, for headings: "step 3", "setup",
 * "between steps (a kernel timer, not a call)" -- the lab's LAB_PKT_SETUP and
 * LAB_PKT_BETWEEN in words. */
void lab_step_label(int step, char *buf, size_t n);

/* An origin of step s as the learner reads it (headless "origin:", the
 * handouts, the lesson's status line): its code expanded and, when that
 * stops inside a call -- cut short ("inet_pton(AF_INET, "127.0.0.1"") or
 * with "..." where the address family decides the argument -- the whole
 * call, as the step's code for `family` writes it.  An origin that is no
 * call ("chosen by the kernel") or that the code does not hold is printed
 * as written. */
void lab_origin_text(const struct lesson_step *s, const struct lesson_origin *o, const struct lesson_vars *vars,
                     int family, char *buf, size_t n);

#endif
