/*
 * demo.h — the real socket calls behind a lesson's steps.
 *
 * Role: a demo has two sides.  The client side is the learner's code: its
 * calls run on the calling thread, exactly as the lesson's code shows them.
 * The lab side is sockscope's own: a scripted TCP listener and/or UDP socket
 * whose calls the lesson spells out ("server: accept"), run on a thread of
 * their own beside the client, and autonomous servers (HTTP, SMTP, FTP,
 * DNS, echo: src/servers) that answer whatever the client sends.  Every
 * socket is bound to loopback on a port the kernel picked.
 *
 * Sockets have names, so a step can hold several ("@c2 connect"); the
 * default name is "fd".  A step's client actions run here and its server
 * actions on the server thread at the same time; demo_run_step returns when
 * both are done.  Every call is bounded in time.
 *
 * Actions are registered in one table (actions.c); lesson files name them,
 * and the lesson parser checks names and arguments through
 * demo_action_parse, so a typo is reported as file:line.
 */
#ifndef SOCKSCOPE_DEMO_H
#define SOCKSCOPE_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum demo_role { DEMO_ROLE_CLIENT = 0, DEMO_ROLE_SERVER = 1 };

#define DEMO_NAME_MAX 16

/* One action as written in a lesson: "client: @c1 send "Hello\n"". */
struct demo_action {
	enum demo_role role;
	int verb;                   /* index into the action table */
	char sock[DEMO_NAME_MAX];   /* the socket it works on ("fd" by default) */
	char target[DEMO_NAME_MAX]; /* where connect/sendto/bind aim: "lab", "closed", "http"... */
	char arg[256];              /* text argument, unquoted and unescaped */
	size_t arglen;              /* bytes in arg (payloads may hold \0) */
	long num;                   /* numeric argument (or repeat count) */
	long num2;                  /* a second, optional one (0 = not given) */
	char cond[DEMO_NAME_MAX];   /* run only when this toggle is on ("" = always) */
	bool cond_neg;              /* ... or off */
};

/* What a call did, for the screens: "connect(fd, ...)" and "= 0 (...)". */
struct demo_outcome {
	char call[160];
	char result[256];
	int err;            /* errno of a failed call, else 0 */
	enum demo_role role;
};

struct demo;

#define DEMO_MAX_SERVICES 4

/* Which side of a step runs in this process: both (the lab plays the
 * server), or one of them, the other running in a second sockscope (two
 * terminals: lab/peer.h). */
enum demo_side { DEMO_SIDE_BOTH = 0, DEMO_SIDE_SERVER, DEMO_SIDE_CLIENT };

/* The server side's ports, as the client side of a split demo learns them:
 * "lab", "udp", "closed", each service and its "-data" port. */
struct demo_remote_port {
	char name[DEMO_NAME_MAX + 8];   /* a service's name and "-data" */
	uint16_t port;
};
#define DEMO_MAX_REMOTE 16

struct demo_config {
	int family;                   /* 4 or 6 */
	enum demo_side side;          /* DEMO_SIDE_CLIENT: no lab sockets here; targets are `remote` */
	struct demo_remote_port remote[DEMO_MAX_REMOTE];
	size_t nremote;
	bool tcp_server;              /* the scripted TCP listener ("lab: tcp-server") */
	bool udp_server;              /* the scripted UDP socket ("lab: udp-server") */
	const char *services[DEMO_MAX_SERVICES];   /* autonomous servers: "http", "dns", ... */
	size_t nservices;
	int client_rcvtimeo_cap;      /* if > 0, cap the client's SO_RCVTIMEO at this many seconds (tests) */
};

/* Set the demo up: the lab's sockets and servers, a reserved closed port,
 * the marker socket.  Nothing goes on the wire yet.  NULL with a message. */
struct demo *demo_new(const struct demo_config *cfg, char *err, size_t errlen);
void demo_free(struct demo *d);

uint16_t demo_marker_port(const struct demo *d);
/* The port behind a target name ("lab", "udp", "closed", "http", "ftp-data"...), 0 if none. */
uint16_t demo_target_port(const struct demo *d, const char *target);

/* The names and ports of the lab side's targets (what a client side in
 * another process needs); returns the count. */
size_t demo_target_ports(const struct demo *d, struct demo_remote_port *out, size_t max);

/* Every TCP/UDP port the lab side owns (marker excepted); returns the count. */
size_t demo_ports(const struct demo *d, uint16_t *out, size_t max);
/* Note the local ports the client side's sockets have now (call between
 * steps, when the server thread is idle); true when one is new.  The
 * filter covers them from then on, so traffic between two of the
 * learner's own sockets is captured too. */
bool demo_learn_ports(struct demo *d);
/* Learn a port from elsewhere (the other side of two terminals); true when
 * it is new. */
bool demo_learn_port(struct demo *d, uint16_t port);
/* The lab's ports and the learned ones. */
size_t demo_all_ports(const struct demo *d, uint16_t *out, size_t max);

/* A BPF filter that takes exactly this demo's traffic, ICMP errors about it,
 * and its markers. */
void demo_bpf_filter(const struct demo *d, char *buf, size_t n);

/* Run one step's actions: client ones here, server ones on the server
 * thread, concurrently.  Actions whose toggle condition does not hold under
 * `toggles` (see demo_toggle_on) are skipped.  Fills up to `max` outcomes in
 * the order of the actions run and returns how many.  Bounded in time. */
size_t demo_run_step(struct demo *d, const struct demo_action *acts, size_t nacts, const char *toggles,
                     struct demo_outcome *out, size_t max);

/* Is the action's toggle condition met?  `toggles` is a space-separated
 * list of the toggles switched on. */
bool demo_action_enabled(const struct demo_action *a, const char *toggles);
/* Is toggle `name` in the space-separated list `toggles`? */
bool demo_toggle_on(const char *toggles, const char *name);

/* Wait (bounded) until no TCP socket of this demo has anything unacknowledged
 * or a handshake/close in flight, so every packet the step caused has been
 * sent.  Returns true when quiet, false when the bound was hit. */
bool demo_wait_quiet(struct demo *d, int max_ms);

/* The kernel's view of the demo's TCP sockets: one line each, e.g.
 * "127.0.0.1:51234 > 127.0.0.1:40123  ESTABLISHED" (sockets whose descriptor
 * is closed are marked "(closed; kernel finishing)").  Returns the count. */
size_t demo_tcp_states(struct demo *d, char lines[][96], size_t max);

/* Put a boundary marker on the wire: a small UDP datagram from the marker
 * socket to itself, payload "SSMK" + kind + id.  Returns 0 or -1. */
enum { DEMO_MARK_START = 'S', DEMO_MARK_END = 'E' };
int demo_send_marker(struct demo *d, char kind, uint32_t id);
/* The marker's bytes, for a program that sends markers from a socket of
 * its own (sockscope trace, src/trace/attrib.c): the same format, so one
 * parser reads both. */
#define DEMO_MARKER_LEN 9
void demo_marker_bytes(char kind, uint32_t id, uint8_t msg[DEMO_MARKER_LEN]);
/* Recognise a marker payload (as sent above); true with kind and id. */
bool demo_parse_marker(const uint8_t *payload, size_t len, char *kind, uint32_t *id);

/* ---- the action table ---- */
/* Parse "[@sock] verb args" for a role into *a.  0, or -1 with a message
 * such as "unknown action 'conect' for the client (known: socket, ...)". */
int demo_action_parse(enum demo_role role, const char *text, struct demo_action *a,
                      char *err, size_t errlen);
/* The verb's name ("connect"): a static string. */
const char *demo_action_name(const struct demo_action *a);
/* The C function an action's trace line calls and the socket it names
 * (for socket() and accept(): the socket they return).  False for actions
 * on no socket of the lesson (wait, pton, throughput...).  The pointers
 * stay valid as long as `a` and the program do. */
bool demo_action_call(const struct demo_action *a, const char **func, const char **sock);
/* The lab's own sockets, as lessons' code names them: its TCP listener
 * and its datagram socket. */
#define DEMO_LAB_LISTEN_SOCK "listen_fd"
#define DEMO_LAB_UDP_SOCK "usock"
/* The services a lesson's "lab:" line may name, space-separated (static). */
const char *demo_lab_kinds(void);

/* TCP state names as the kernel reports them (TCP_ESTABLISHED = 1 ...):
 * static strings. */
const char *demo_tcp_state_name(int state);

#endif
