/*
 * serve.c — `sockscope trace --serve PROTO`: the lab's own servers as the
 * other end of a traced program, and the words {host}, {port} and
 * {port:PROTO} in the program's arguments replaced with where they listen.
 *
 * The servers run on threads of sockscope, started after the capture is
 * open: when the capture is a namespace of sockscope's own, they listen in
 * it, beside the program, which could not reach a server started outside.
 * They are not traced: their packets are the answers the program's calls
 * caused, attributed to those calls by the quiet wait (attrib.c).
 */
#include "trace/trace_priv.h"

#include "common/mem.h"
#include "servers/labsrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int serve_start(struct trace_serve *s, const char *const *protos, int n, int family, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->family = family;
	for (int i = 0; i < n && i < TRACE_MAX_SERVE; i++) {
		char why[256];
		s->srv[i] = labsrv_start(protos[i], family, NULL, why, sizeof why);
		if (!s->srv[i]) {
			snprintf(err, errlen, "--serve %s: %s", protos[i], why);
			serve_stop(s);
			return -1;
		}
		s->proto[i] = protos[i];
		s->n++;
	}
	return 0;
}

void serve_stop(struct trace_serve *s)
{
	for (int i = 0; i < s->n; i++)
		labsrv_stop(s->srv[i]);
	s->n = 0;
}

uint16_t serve_port(const struct trace_serve *s, int i) { return labsrv_port(s->srv[i]); }

size_t serve_ports(const struct trace_serve *s, uint16_t *out, size_t max)
{
	size_t k = 0;
	for (int i = 0; i < s->n && k < max; i++)
		k += labsrv_ports(s->srv[i], out + k, max - k);
	return k;
}

/* What one {word} stands for, into buf; false when it is none of ours
 * (left as written: a shell's or find's braces are not ours). */
static bool word_value(const struct trace_serve *s, const char *w, size_t wl, uint16_t listen_port, char *buf,
                       size_t n, char *err, size_t errlen, bool *bad)
{
	if (wl == 4 && !memcmp(w, "port", 4) && listen_port) {
		snprintf(buf, n, "%u", (unsigned)listen_port);
		return true;
	}
	if (wl == 4 && !memcmp(w, "host", 4)) {
		snprintf(buf, n, "%s", s->family == 6 ? "::1" : "127.0.0.1");
		return true;
	}
	if (wl < 4 || memcmp(w, "port", 4) != 0 || (wl > 4 && w[4] != ':'))
		return false;
	int which = -1;
	if (wl == 4)
		which = s->n ? 0 : -1;
	else
		for (int i = 0; i < s->n; i++)
			if (strlen(s->proto[i]) == wl - 5 && !memcmp(s->proto[i], w + 5, wl - 5))
				which = i;
	if (which < 0) {
		snprintf(err, errlen, "{%.*s} in the arguments, but no --serve %.*s gives it", (int)wl, w,
		         wl == 4 ? 5 : (int)wl - 5, wl == 4 ? "PROTO" : w + 5);
		*bad = true;
		return false;
	}
	snprintf(buf, n, "%u", (unsigned)serve_port(s, which));
	return true;
}

bool serve_wants_port(char **argv)
{
	for (size_t i = 0; argv[i]; i++)
		if (strstr(argv[i], "{port}"))
			return true;
	return false;
}

char **serve_expand(const struct trace_serve *s, char **argv, uint16_t listen_port, char *err, size_t errlen)
{
	size_t argc = 0;
	while (argv[argc])
		argc++;
	char **out = xcalloc(argc + 1, sizeof *out);
	for (size_t i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t cap = strlen(a) + 1, len = 0;
		char *r = xmalloc(cap);
		while (*a) {
			const char *close = a[0] == '{' ? strchr(a + 1, '}') : NULL;
			char val[64];
			bool bad = false;
			if (close && word_value(s, a + 1, (size_t)(close - a - 1), listen_port, val, sizeof val, err, errlen, &bad)) {
				size_t vl = strlen(val);
				if (len + vl + 1 > cap) {
					cap = len + vl + strlen(close) + 1;
					r = xrealloc(r, cap);
				}
				memcpy(r + len, val, vl);
				len += vl;
				a = close + 1;
				continue;
			}
			if (bad) {
				free(r);
				serve_free_argv(out);
				return NULL;
			}
			if (len + 2 > cap)
				r = xrealloc(r, cap *= 2);
			r[len++] = *a++;
		}
		r[len] = '\0';
		out[i] = r;
	}
	return out;
}

void serve_free_argv(char **argv)
{
	if (!argv)
		return;
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}
