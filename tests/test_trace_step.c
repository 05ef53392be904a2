/*
 * test_trace_step.c — the steppable engine (src/trace/trace.h) as a face
 * uses it: a real C client, built here with cc -g -O0, against the lab's
 * HTTP server (--serve), stepped call by call; each call's event carries
 * its source line and the packets it caused, kept as frames to look back
 * at; trace_cancel from another thread ends a program that never ends;
 * TRACE_TO_LINE with --lines stops at a loop's line each time it runs
 * (tests/trace/loop5.c: 5 times, past the 3 runs whose heading is shown).
 * Skips (77) without a C compiler.
 */
#include "check.h"
#include "trace/trace.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLIENT_SRC SOCKSCOPE_SOURCE_DIR "/tests/trace/http_client.c"
#define LOOP_SRC SOCKSCOPE_SOURCE_DIR "/tests/trace/loop5.c"

/* The line of src whose comment holds tag ("@connect"). */
static int line_in(const char *src, const char *tag)
{
	FILE *f = fopen(src, "r");
	char buf[512];
	int n = 0, found = 0;
	while (f && fgets(buf, sizeof buf, f)) {
		n++;
		if (strstr(buf, tag)) {
			found = n;
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static int line_of(const char *tag) { return line_in(CLIENT_SRC, tag); }

static size_t own_packets(const struct trace_event *ev, const char *flags[], size_t nflags)
{
	size_t n = 0;
	for (size_t i = 0; i < ev->npk; i++) {
		if (ev->pk[i].kind != TRACE_PK_CALL)
			continue;
		if (n < nflags)
			CHECK_MSG(strstr(ev->pk[i].line, flags[n]) != NULL, "packet %zu of %s: %s, not %s", n, ev->call,
			          ev->pk[i].line, flags[n]);
		n++;
	}
	return n;
}

static void stepped_client(const char *bin, enum capture_want cap)
{
	char *argv[] = { (char *)bin, "{port}", NULL };
	struct trace_options o = { .argv = argv, .timeout_s = 30, .capture = cap, .family = 4, .keep_events = true };
	o.serve[o.nserve++] = "http";
	FILE *err = tmpfile();
	int rc = -1;
	struct trace *t = trace_open(&o, NULL, err, &rc);
	CHECK_MSG(t != NULL, "trace_open failed: %d", rc);
	if (!t)
		return;
	const struct trace_event *ev, *connect_ev = NULL, *send_ev = NULL;
	size_t calls = 0;
	for (int i = 0; i < 200 && (ev = trace_step(t, TRACE_NEXT_CALL, 0))->kind != TRACE_EV_END; i++) {
		if (ev->kind == TRACE_EV_WAITING)
			continue;
		EQ_INT(TRACE_EV_CALL, ev->kind);
		calls++;
		if (ev->call && !strcmp(ev->call, "connect"))
			connect_ev = ev;
		if (ev->call && (!strcmp(ev->call, "sendto") || !strcmp(ev->call, "send")))
			send_ev = ev;
	}
	EQ_INT(TRACE_EV_END, ev->kind);
	EQ_INT(0, ev->exit);
	CHECK_MSG(strstr(ev->text, "exited with status 0") != NULL, "the end: %s", ev->text);
	/* the END again, not a new run */
	CHECK(trace_step(t, TRACE_NEXT_CALL, 0) == ev);
	CHECK_MSG(calls >= 4, "%zu calls", calls);

	CHECK(connect_ev != NULL);
	CHECK(send_ev != NULL);
	if (connect_ev && send_ev) {
		char where[64];
		snprintf(where, sizeof where, "http_client.c:%d", line_of("@connect"));
		EQ_STR(where, connect_ev->where);
		EQ_INT(line_of("@connect"), connect_ev->line);
		CHECK_MSG(strstr(connect_ev->path, "tests/trace/http_client.c") != NULL, "path %s", connect_ev->path);
		CHECK_MSG(!strncmp(connect_ev->text, "connect(", 8) && strstr(connect_ev->text, ") = 0"), "%s",
		          connect_ev->text);
		const char *hs[] = { "Flags [S]", "Flags [S.]", "Flags [.]" };
		EQ_INT(3, own_packets(connect_ev, hs, 3));
		EQ_INT(line_of("@send"), send_ev->line);
		const char *req[] = { "GET / HTTP/1.1" };
		CHECK(own_packets(send_ev, req, 1) >= 1);

		/* looking back: the connect's event, its frames kept */
		const struct trace_event *back = trace_event_at(t, connect_ev->no);
		CHECK(back == connect_ev);
		for (size_t i = 0; back && i < back->npk; i++)
			CHECK_MSG(back->pk[i].data && back->pk[i].caplen >= 54 && back->pk[i].wirelen >= back->pk[i].caplen,
			          "frame %zu: %u bytes", i, back->pk[i].caplen);
		CHECK(trace_event_count(t) > connect_ev->no);
	}
	EQ_INT(0, trace_close(t));
	fclose(err);
}

/* --lines, TRACE_TO_LINE at a loop's body: a stop at each of its 5 runs
 * (each the line's event, its run counted in the text after the 3rd),
 * then at the line after the loop once, then the end. */
static void to_line_in_loop(const char *bin)
{
	char *argv[] = { (char *)bin, NULL };
	struct trace_options o = { .argv = argv, .timeout_s = 30, .capture = CAPTURE_WANT_NONE, .family = 4,
	                           .lines = true };
	FILE *err = tmpfile();
	int rc = -1;
	struct trace *t = trace_open(&o, NULL, err, &rc);
	CHECK_MSG(t != NULL, "trace_open failed: %d", rc);
	if (!t)
		return;
	const int body = line_in(LOOP_SRC, "@body"), after = line_in(LOOP_SRC, "@after");
	const struct trace_event *ev;
	int stops = 0;
	for (int i = 0; i < 20 && (ev = trace_step(t, TRACE_TO_LINE, body))->kind != TRACE_EV_END; i++) {
		if (ev->kind == TRACE_EV_WAITING)
			continue;
		EQ_INT(TRACE_EV_LINE, ev->kind);
		EQ_INT(body, ev->line);
		stops++;
		if (stops == 5)
			break;
	}
	EQ_INT(5, stops);
	ev = trace_step(t, TRACE_TO_LINE, after);
	EQ_INT(TRACE_EV_LINE, ev->kind);
	EQ_INT(after, ev->line);
	ev = trace_step(t, TRACE_TO_LINE, body);
	EQ_INT(TRACE_EV_END, ev->kind);
	EQ_INT(0, ev->exit);
	trace_close(t);
	fclose(err);
}

struct canceller {
	struct trace *t;
};

static void *cancel_soon(void *arg)
{
	struct canceller *c = arg;
	struct timespec nap = { 0, 200 * 1000000 };
	nanosleep(&nap, NULL);   /* the action under test, not a synchronisation */
	trace_cancel(c->t);
	return NULL;
}

/* A program that never ends, ended from another thread well before its
 * --timeout; nothing of it is left. */
static void cancelled(void)
{
	char *argv[] = { "sleep", "60", NULL };
	struct trace_options o = { .argv = argv, .timeout_s = 30, .capture = CAPTURE_WANT_NONE, .family = 4 };
	FILE *err = tmpfile();
	int rc = -1;
	struct trace *t = trace_open(&o, NULL, err, &rc);
	CHECK(t != NULL);
	if (!t)
		return;
	struct canceller c = { t };
	pthread_t th;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&th, NULL, cancel_soon, &c);
	const struct trace_event *ev = trace_step(t, TRACE_TO_END, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(th, NULL);
	EQ_INT(TRACE_EV_END, ev->kind);
	EQ_INT(130, ev->exit);
	CHECK_MSG(t1.tv_sec - t0.tv_sec < 20, "cancel took %ld s", (long)(t1.tv_sec - t0.tv_sec));
	trace_close(t);
	/* the subreaper reaped it: no child of ours is left */
	CHECK(waitpid(-1, NULL, WNOHANG) < 0);
	fclose(err);
}

int main(void)
{
	char dir[] = "/tmp/test_trace_step.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char bin[128], cmd[512];
	snprintf(bin, sizeof bin, "%s/http_client", dir);
	snprintf(cmd, sizeof cmd, "cc -g -O0 -o %s %s 2>/dev/null", bin, CLIENT_SRC);
	if (system(cmd) != 0) {
		printf("test_trace_step: no C compiler: skipped\n");
		return 77;
	}
	/* first, while single-threaded: the capture may make a namespace */
	stepped_client(bin, CAPTURE_WANT_AUTO);
	cancelled();
	char loop[128];
	snprintf(loop, sizeof loop, "%s/loop5", dir);
	snprintf(cmd, sizeof cmd, "cc -g -O0 -o %s %s 2>/dev/null", loop, LOOP_SRC);
	CHECK(system(cmd) == 0);
	to_line_in_loop(loop);
	unlink(loop);
	unlink(bin);
	rmdir(dir);
	return check_done("test_trace_step");
}
