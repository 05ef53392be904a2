/*
 * text.c — small text helpers shared by the core modules.
 */
#include "common/text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int text_unquote(const char *s, char *out, size_t cap, size_t *outlen, char *err, size_t errlen)
{
	if (*s != '"') {
		snprintf(err, errlen, "expected a quoted text, e.g. \"Hello, World!\"");
		return -1;
	}
	size_t n = 0;
	for (s++; *s && *s != '"'; s++) {
		int c = (unsigned char)*s;
		if (c == '\\') {
			s++;
			switch (*s) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '0': c = 0; break;
			case '\\': case '"': c = *s; break;
			case 'x':
				if (isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
					char hex[3] = { s[1], s[2], 0 };
					c = (int)strtol(hex, NULL, 16);
					s += 2;
					break;
				}
				/* fall through */
			default:
				snprintf(err, errlen, "unknown escape '\\%c' in text (use \\r \\n \\t \\\\ \\\" \\0 \\xHH)",
				         *s ? *s : ' ');
				return -1;
			}
		}
		if (n + 1 >= cap) {
			snprintf(err, errlen, "text longer than %zu bytes", cap - 1);
			return -1;
		}
		out[n++] = (char)c;
	}
	if (*s != '"') {
		snprintf(err, errlen, "text has no closing quote");
		return -1;
	}
	for (s++; *s == ' ' || *s == '\t'; s++)
		;
	if (*s) {
		snprintf(err, errlen, "unexpected '%s' after the closing quote", s);
		return -1;
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}

void text_appendf(char *buf, size_t n, const char *fmt, ...)
{
	size_t used = strnlen(buf, n);
	if (used + 1 >= n)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, n - used, fmt, ap);
	va_end(ap);
}

uint64_t text_fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}
