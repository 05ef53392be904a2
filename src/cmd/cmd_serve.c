/*
 * cmd_serve.c — `sockscope serve`: start one lab server, say where it
 * listens in one line on stdout, and stop after N requests or S seconds.
 *
 * The first line is the contract scripts rely on ("http listening on
 * 127.0.0.1 port 40123"): it is flushed at once, and nothing else is
 * printed until the server stops and "served K" follows.
 *
 * Unlike a lesson's servers (a few connections, a learner who pauses
 * between steps), this one faces real clients: it takes connections for
 * as long as it runs, and a connection silent for --idle seconds is
 * closed, so forgotten clients do not pile up.
 */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "servers/labsrv.h"

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SECONDS 86400
#define DEFAULT_IDLE 10
#define POLL_MS 20

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void serve_usage(FILE *f)
{
	fprintf(f, "usage: sockscope serve PROTO [-4|-6] [--port P] [--count N] [--seconds S] [--idle S]\n"
	           "  PROTO       one of: %s\n"
	           "  -4, -6      listen on 127.0.0.1 (default) or ::1\n"
	           "  --port P    listen on port P (default: a free port the kernel picks)\n"
	           "  --count N   stop after N requests served (default 0: until the time is up)\n"
	           "  --seconds S stop after S seconds (default 30)\n"
	           "  --idle S    close a connection that sends nothing for S seconds (default %d)\n"
	           "Clients are served side by side, any number over the run, up to %d\n"
	           "connections open at once (past that the longest idle one is closed),\n"
	           "each for up to 100 requests or commands.\n",
	           labsrv_protocols(), DEFAULT_IDLE, LABSRV_MAX_OPEN);
}

int cmd_serve(int argc, char **argv)
{
	const char *proto = NULL;
	int family = 4;
	long count = 0, seconds = 30, port = 0, idle = DEFAULT_IDLE;
	const struct {
		const char *name;
		long *dst;
		long lo, hi;
	} numopts[] = {
		{ "--count", &count, 0, 1000000 },
		{ "--seconds", &seconds, 1, MAX_SECONDS },
		{ "--port", &port, 1, 65535 },
		{ "--idle", &idle, 1, 3600 },
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool done = false;
		/* "--count N" and "--count=N" */
		for (size_t k = 0; k < sizeof numopts / sizeof numopts[0] && !done; k++) {
			size_t nl = strlen(numopts[k].name);
			if (strncmp(a, numopts[k].name, nl) != 0 || (a[nl] != '\0' && a[nl] != '='))
				continue;
			const char *val = a[nl] == '=' ? a + nl + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!opt_number(numopts[k].name, val, numopts[k].lo, numopts[k].hi, numopts[k].dst))
				return 2;
			done = true;
		}
		if (done)
			continue;
		if (strcmp(a, "-4") == 0 || strcmp(a, "--ipv4") == 0) {
			family = 4;
		} else if (strcmp(a, "-6") == 0 || strcmp(a, "--ipv6") == 0) {
			family = 6;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			serve_usage(stdout);
			return 0;
		} else if (a[0] != '-' && !proto) {
			proto = a;
		} else {
			fprintf(stderr, "sockscope serve: unexpected '%s'\n", a);
			serve_usage(stderr);
			return 2;
		}
	}
	if (!proto) {
		fprintf(stderr, "sockscope serve: which server? (%s)\n", labsrv_protocols());
		serve_usage(stderr);
		return 2;
	}

	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* The server's own lifetime is a little longer than ours, so it is our
	 * clock that ends the run and the final count is complete. */
	struct labsrv_limits lim = {
		.lifetime_ms = (int)(seconds * 1000 + 2000), .port = (uint16_t)port,
		.max_conns = INT_MAX,   /* the clock and --count end the run, not a number of clients */
		.io_timeout_ms = (int)(idle * 1000),
	};
	char err[256];
	struct labsrv *s = labsrv_start(proto, family, &lim, err, sizeof err);
	if (!s) {
		fprintf(stderr, "sockscope serve: %s%s\n", err,
		        port && strstr(err, "another program") ? "; choose another --port, or leave it out for a free one" : "");
		return 2;
	}
	printf("%s listening on %s port %u\n", proto, family == 6 ? "::1" : "127.0.0.1", labsrv_port(s));
	fflush(stdout);

	/* Once the count is reached, let an open connection finish (FTP's QUIT
	 * after the transfer); each of its waits is bounded by the server. */
	const struct timespec tick = { 0, POLL_MS * 1000000L };
	for (long ms = 0; ms < seconds * 1000 && !interrupted; ms += POLL_MS) {
		if (count > 0 && labsrv_served(s) >= (unsigned long)count && !labsrv_busy(s))
			break;
		nanosleep(&tick, NULL);
	}
	unsigned served = labsrv_served(s);
	labsrv_stop(s);
	printf("served %u\n", served);
	return 0;
}
