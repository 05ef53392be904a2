/*
 * lab_text.c — a lab's packets, steps and origins as the lines every face
 * shows (see lab_text.h); the columns are render/textfmt.c's.
 */
#include "lab/lab_text.h"

#include "render/textfmt.h"

#include <stdio.h>
#include <string.h>

/* The lab's time: seconds since its first packet. */
static void rel_time(const struct lab_packet *p, char *t, size_t n)
{
	snprintf(t, n, "%.6f", p->rel);
}

void lab_packet_line(const struct lab_packet *p, char *buf, size_t n)
{
	char t[32];
	rel_time(p, t, sizeof t);
	textfmt_list_line(p->index + 1, t, p->src, p->dst, p->proto, p->wirelen, p->summary, buf, n);
}

void lab_packet_line_fit(const struct lab_packet *p, int width, char *buf, size_t n)
{
	char t[32];
	rel_time(p, t, sizeof t);
	textfmt_list_line_fit(width, p->index + 1, t, p->src, p->dst, p->proto, p->wirelen, p->summary, buf, n);
}

void lab_step_label(int step, char *buf, size_t n)
{
	if (step == LAB_PKT_SETUP)
		snprintf(buf, n, "setup");
	else if (step == LAB_PKT_BETWEEN)
		snprintf(buf, n, "between steps (a kernel timer, not a call)");
	else
		snprintf(buf, n, "step %d", step + 1);
}

void lab_packet_shape(const struct lab_packet *p, char *buf, size_t n)
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

void lab_origin_text(const struct lesson_step *s, const struct lesson_origin *o, const struct lesson_vars *vars,
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
