/*
 * text.c — small text helpers shared by the core modules.
 */
#include "common/text.h"

#include <stdio.h>

void text_quote(const uint8_t *p, size_t n, char *buf, size_t cap)
{
	size_t o = 0;
	if (cap < 8) {
		if (cap)
			buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		char one[8];
		uint8_t c = p[i];
		switch (c) {
		case '\r': snprintf(one, sizeof one, "\\r"); break;
		case '\n': snprintf(one, sizeof one, "\\n"); break;
		case '\t': snprintf(one, sizeof one, "\\t"); break;
		case '"': snprintf(one, sizeof one, "\\\""); break;
		case '\\': snprintf(one, sizeof one, "\\\\"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				snprintf(one, sizeof one, "%c", c);
			else
				snprintf(one, sizeof one, "\\x%02x", c);
		}
		size_t l = 0;
		while (one[l])
			l++;
		/* keep room for the closing quote, and for "..." if more follows */
		if (o + l + (i + 1 < n ? 4 : 1) >= cap) {
			snprintf(buf + o, cap - o, "...");
			return;
		}
		for (size_t k = 0; k < l; k++)
			buf[o++] = one[k];
	}
	buf[o++] = '"';
	buf[o] = '\0';
}
