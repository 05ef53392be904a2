/*
 * demo.h — the real socket calls behind a lesson's steps.
 *
 * Role: a demo has two sides.  The client side is the learner's code: its
 * calls run on the calling thread, exactly as the lesson's code shows them.
 * The lab side is sockscope's own server, listening on loopback on a port
 * the kernel picked free; its calls run on a thread of its own, beside the
 * client, so either side may block while the other acts.
 *
 * A step names actions for either side ("client: connect", "server:
 * accept").  demo_run_step runs the client's actions here and the server's
 * on the server thread at the same time, and returns when both are done.
 * Every call is bounded: sockets of the lab carry a receive/send timeout
 * and the wait for the server thread has a deadline.
 *
 * Actions are registered in one table (actions.c); lesson files name them,
 * and the lesson parser checks names and arguments through
 * demo_action_check, so a typo is reported as file:line.
 */
#ifndef SOCKSCOPE_DEMO_H
#define SOCKSCOPE_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum demo_role { ROLE_CLIENT = 0, ROLE_SERVER = 1 };

/* One action as written in a lesson: "client: send "Hello, World!\n"". */
struct demo_action {
	enum demo_role role;
	int verb;           /* index into the action table */
	char arg[256];      /* the argument text, unquoted and unescaped */
	size_t arglen;      /* bytes in arg (payloads may hold \0) */
	long num;           /* numeric argument where the verb takes one */
};

/* What a call did, for the screens: "connect() = 0", and detail lines. */
struct demo_outcome {
	char call[96];      /* "recv(fd, buf, 1024, 0)" */
	char result[256];   /* "= 31: \"220 sockscope lab ready\\r\\n\"" or "= -1 ECONNREFUSED (...)" */
	int err;            /* errno of a failed call, else 0 */
	enum demo_role role;
};

struct demo;

struct demo_config {
	int family;          /* 4 or 6 */
	bool tcp_server;     /* start the lab's TCP server (listening) */
	int client_rcvtimeo_cap; /* if > 0, cap the client's SO_RCVTIMEO at this many seconds (tests) */
};

/* Set the demo up: the lab server's listening socket (port chosen by the
 * kernel), the marker socket used to draw step boundaries in the capture.
 * Nothing goes on the wire yet.  NULL with a message on failure. */
struct demo *demo_new(const struct demo_config *cfg, char *err, size_t errlen);
void demo_free(struct demo *d);

/* Ports of this demo, for the capture filter and for {port} in lesson code. */
uint16_t demo_server_port(const struct demo *d);
uint16_t demo_marker_port(const struct demo *d);
const char *demo_host(const struct demo *d);   /* "127.0.0.1" or "::1" */
int demo_family(const struct demo *d);

/* A BPF filter that takes exactly this demo's traffic and its markers. */
void demo_bpf_filter(const struct demo *d, char *buf, size_t n);

/* Run one step's actions: client ones here, server ones on the server thread,
 * concurrently.  Fills up to `max` outcomes (in the order the actions are
 * listed) and returns how many.  Bounded in time. */
size_t demo_run_step(struct demo *d, const struct demo_action *acts, size_t nacts,
                     struct demo_outcome *out, size_t max);

/* Wait (bounded) until no TCP socket of this demo has anything unacknowledged
 * or a handshake/close in flight, so every packet the step caused has been
 * sent.  Returns true when quiet, false when the bound was hit. */
bool demo_wait_quiet(struct demo *d, int max_ms);

/* Put a boundary marker on the wire: a small UDP datagram from the marker
 * socket to itself, payload "SSMK" + kind + id.  Returns 0 or -1. */
enum { MARK_START = 'S', MARK_END = 'E' };
int demo_send_marker(struct demo *d, char kind, uint32_t id);
/* Recognise a marker payload (as sent above); true with kind and id. */
bool demo_parse_marker(const uint8_t *payload, size_t len, char *kind, uint32_t *id);

/* ---- the action table ---- */
/* Parse "verb args" for a role into *a.  0, or -1 with a message such as
 * "unknown action 'conect' for the client (known: socket, connect, ...)". */
int demo_action_parse(enum demo_role role, const char *text, struct demo_action *a,
                      char *err, size_t errlen);
const char *demo_action_name(const struct demo_action *a);

/* TCP state names as the kernel reports them (TCP_ESTABLISHED = 1 ...). */
const char *demo_tcp_state_name(int state);

#endif
