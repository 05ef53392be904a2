/*
 * textfmt.c — one place that turns packets and fields into text lines.
 */
#include "lab/textfmt.h"

#include <ctype.h>
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
	if (step == PKT_SETUP)
		snprintf(buf, n, "setup");
	else if (step == PKT_BETWEEN)
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
