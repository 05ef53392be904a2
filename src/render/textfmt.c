/*
 * textfmt.c — one place that turns packets and fields into text lines
 * (see textfmt.h).
 */
#include "render/textfmt.h"
#include "common/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void textfmt_list_line_sb(struct strbuf *b, uint64_t number, const char *time, const char *src, const char *dst,
                          const char *proto, uint32_t len, const char *summary)
{
	/* "%4llu %9s  %-15s > %-15s %-8s %5u  %s" by hand: a big file's list is
	 * a million of these.  15 columns fit "127.0.0.1:65535" and
	 * "[::1]:65535"; longer addresses push the line right. */
	sb_u64_right(b, number, 4);
	sb_char(b, ' ');
	sb_str_right(b, time, 9);
	sb_mem(b, "  ", 2);
	sb_str_left(b, src, 15);
	sb_mem(b, " > ", 3);
	sb_str_left(b, dst, 15);
	sb_char(b, ' ');
	sb_str_left(b, proto, 8);
	sb_char(b, ' ');
	sb_u64_right(b, len, 5);
	sb_mem(b, "  ", 2);
	sb_str(b, summary);
}

void textfmt_list_line(uint64_t number, const char *time, const char *src, const char *dst, const char *proto,
                       uint32_t len, const char *summary, char *buf, size_t n)
{
	struct strbuf b = sb_make(buf, n);
	textfmt_list_line_sb(&b, number, time, src, dst, proto, len, summary);
}

/* Widths at which the full line, then the line without time and length,
 * still leave the summary 24 columns (enough for "Flags [S.], seq 0, ack 1"). */
enum { FIT_FULL = 66 + 24, FIT_NO_TIME = 47 + 24 };

static const char *port_of(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	return colon ? colon + 1 : addr;
}

void textfmt_list_line_fit(int width, uint64_t number, const char *time, const char *src, const char *dst,
                           const char *proto, uint32_t len, const char *summary, char *buf, size_t n)
{
	if (width >= FIT_FULL)
		textfmt_list_line(number, time, src, dst, proto, len, summary, buf, n);
	else if (width >= FIT_NO_TIME)
		snprintf(buf, n, "%4llu  %-15s > %-15s %-8s %s", (unsigned long long)number, src, dst, proto, summary);
	else
		snprintf(buf, n, "%4llu %5s > %-5s %-5s %s", (unsigned long long)number, port_of(src), port_of(dst), proto,
		         summary);
}

void textfmt_list_line_refit(const char *line, int width, char *buf, size_t n)
{
	unsigned long long number;
	unsigned len;
	char time[32], src[96], dst[96], proto[32];
	int at = -1;
	/* the columns hold no spaces; the summary is the rest of the line */
	if (sscanf(line, "%llu %31s %95s > %95s %31s %u %n", &number, time, src, dst, proto, &len, &at) < 6 || at < 0)
		snprintf(buf, n, "%s", line);
	else
		textfmt_list_line_fit(width, number, time, src, dst, proto, len, line + at, buf, n);
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
