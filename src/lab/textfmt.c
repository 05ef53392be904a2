/*
 * textfmt.c — one place that turns packets and fields into text lines.
 */
#include "lab/textfmt.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void textfmt_list_line(uint64_t number, const char *time, const char *src, const char *dst, const char *proto,
                       uint32_t len, const char *summary, char *buf, size_t n)
{
	/* 15 columns fit "127.0.0.1:65535" and "[::1]:65535"; longer addresses push the line right. */
	snprintf(buf, n, "%4llu %9s  %-15s > %-15s %-8s %5u  %s", (unsigned long long)number, time, src, dst, proto,
	         len, summary);
}

void textfmt_packet_line(const struct lab_packet *p, char *buf, size_t n)
{
	char t[32];
	snprintf(t, sizeof t, "%.6f", p->rel);
	textfmt_list_line(p->index + 1, t, p->src, p->dst, p->proto, p->wirelen, p->summary, buf, n);
}

/* Widths at which the full line, then the line without time and length,
 * still leave the summary 24 columns (enough for "Flags [S.], seq 0, ack 1"). */
enum { FIT_FULL = 66 + 24, FIT_NO_TIME = 47 + 24 };

static const char *port_of(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	return colon ? colon + 1 : addr;
}

void textfmt_packet_line_fit(const struct lab_packet *p, int width, char *buf, size_t n)
{
	if (width >= FIT_FULL)
		textfmt_packet_line(p, buf, n);
	else if (width >= FIT_NO_TIME)
		snprintf(buf, n, "%4u  %-15s > %-15s %-8s %s", (unsigned)p->index + 1, p->src, p->dst, p->proto, p->summary);
	else
		snprintf(buf, n, "%4u %5s > %-5s %-5s %s", (unsigned)p->index + 1, port_of(p->src), port_of(p->dst),
		         p->proto, p->summary);
}

void textfmt_packet_heading_fit(int width, char *buf, size_t n)
{
	if (width >= FIT_FULL)
		snprintf(buf, n, "%s", textfmt_packet_heading());
	else if (width >= FIT_NO_TIME)
		snprintf(buf, n, "%4s  %-15s   %-15s %-8s %s", "#", "source", "destination", "proto", "summary");
	else
		snprintf(buf, n, "%4s %5s   %-5s %-5s %s", "#", "port", "port", "proto", "summary");
}

const char *textfmt_packet_heading(void)
{
	return "   #      time  source            destination     proto      len  summary";
}

void textfmt_field_line(const struct field *f, char *buf, size_t n)
{
	int indent = 2 * f->depth;
	if (f->value[0])
		snprintf(buf, n, "%*s%s: %s", indent, "", f->name, f->value);
	else
		snprintf(buf, n, "%*s%s", indent, "", f->name);
}

int textfmt_hex_col(int i)
{
	return 6 + 3 * i + (i >= 8);
}

int textfmt_ascii_col(int i)
{
	return textfmt_hex_col(TEXTFMT_HEX_PER_LINE) + 1 + i;
}

void textfmt_hex_line(const uint8_t *data, uint32_t len, uint32_t off, char *buf, size_t n)
{
	char line[128];
	int w = textfmt_ascii_col(TEXTFMT_HEX_PER_LINE);
	snprintf(line, sizeof line, "%04x", off);
	for (int c = 4; c < w; c++)
		line[c] = ' ';
	line[w] = '\0';
	for (int i = 0; i < TEXTFMT_HEX_PER_LINE && off + (uint32_t)i < len; i++) {
		uint8_t b = data[off + (uint32_t)i];
		static const char hex[] = "0123456789abcdef";
		line[textfmt_hex_col(i)] = hex[b >> 4];
		line[textfmt_hex_col(i) + 1] = hex[b & 15];
		line[textfmt_ascii_col(i)] = isprint(b) ? (char)b : '.';
		line[textfmt_ascii_col(i) + 1] = '\0';
	}
	snprintf(buf, n, "%s", line);
}

void textfmt_step_label(int step, char *buf, size_t n)
{
	if (step == LAB_PKT_SETUP)
		snprintf(buf, n, "setup");
	else if (step == LAB_PKT_BETWEEN)
		snprintf(buf, n, "between steps (a kernel timer, not a call)");
	else
		snprintf(buf, n, "step %d", step + 1);
}

void textfmt_packet_shape(const struct lab_packet *p, char *buf, size_t n)
{
	const char *f = p->summary;
	int fl = (int)strcspn(f, ",");
	if (strncmp(f, "Flags [", 7) == 0)
		fl = (int)strcspn(f, "]") + 1;
	/* The frame's size too: over IPv6 the same segment is 20 bytes longer
	 * (a 40-byte header for IPv4's 20), which comparing the two families
	 * should show. */
	snprintf(buf, n, "%-14s %.*s len %u, frame %u", p->from_lab ? "lab > client" : "client > lab", fl, f,
	         p->payload_len, p->wirelen);
}

/* The length of the call that starts at s: up to the ')' that closes its
 * first '(' (quoted text skipped), or 0 when it does not close on s. */
static size_t call_length(const char *s)
{
	int depth = 0;
	char quote = 0;
	for (size_t i = 0; s[i]; i++) {
		if (quote) {
			if (s[i] == '\\' && s[i + 1])
				i++;
			else if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			quote = s[i];
		} else if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')' && depth > 0 && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

void textfmt_origin(const struct lesson_step *s, const struct lesson_origin *o, const struct lesson_vars *vars,
                    int family, char *buf, size_t n)
{
	char expr[1024], line[1024];
	lesson_expand(o->expr, vars, expr, sizeof expr);
	snprintf(buf, n, "%s", expr);
	const char *paren = strchr(expr, '(');
	const char *dots = strstr(expr, "...");
	if (!paren || (!dots && call_length(paren) > 0))
		return;   /* no call, or a whole one */
	/* What the code line must contain: the text before any "...". */
	size_t k = dots ? (size_t)(dots - expr) : strlen(expr);
	while (k > 0 && (expr[k - 1] == ' ' || expr[k - 1] == ','))
		k--;
	expr[k] = '\0';
	const struct text_block *code = lesson_step_code(s, family);
	for (size_t i = 0; i < code->n; i++) {
		lesson_expand(code->lines[i], vars, line, sizeof line);
		const char *at = strstr(line, expr);
		size_t len = at ? call_length(at) : 0;
		if (len) {
			snprintf(buf, n, "%.*s", (int)len, at);
			return;
		}
	}
}
