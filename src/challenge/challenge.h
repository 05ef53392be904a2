/*
 * challenge.h — the lab checks the learner's own program by watching its
 * packets (`sockscope challenge NAME`).
 *
 * Role: a challenge file (challenges/NN-name.challenge, format in
 * docs/challenges.md) names a kind of lab side and the text of the task.
 * The runner (run.c) captures on the loopback, starts the lab's side (a
 * server the learner's client talks to, or a client that talks to the
 * learner's server), runs the learner's program (`--run CMD`) or waits for
 * it, and hands everything seen to the kind's judge, which says what was
 * right or wrong in plain words, with the packets as evidence.
 *
 * One file per kind (kind_*.c): its lab side and its judge.  No curses.
 */
#ifndef SOCKSCOPE_CHALLENGE_H
#define SOCKSCOPE_CHALLENGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dissect/dissect.h"

#define CHAL_MAX_PARAMS 8
#define CHAL_MAX_LPORTS 32

/* A challenge file. */
struct challenge {
	char *path, *id;                /* id: file name without number and ".challenge" */
	char *title, *summary, *kind;
	int family;                     /* 4 or 6: what the lab side listens on / connects over */
	const struct chal_kind *k;      /* its kind (known: checked when loaded) */
	struct { char name[32]; char value[256]; int line; } params[CHAL_MAX_PARAMS];
	size_t nparams;
	char *task, *hint;              /* text blocks ("\n"-separated lines) */
	int seconds;                    /* how long the learner's program may take (default 10) */
};

/* Read a challenge file; NULL with "file:line: what is wrong" in err
 * (also for a kind that does not exist, a parameter the kind does not take,
 * or a number out of the kind's range). */
struct challenge *challenge_load(const char *path, char *err, size_t errlen);
void challenge_free(struct challenge *c);
/* A parameter of c's kind: the file's value, else the kind's default.  The
 * text is c's (valid while c lives); the number was range-checked on load.
 * name must be one of the kind's parameters. */
const char *challenge_text(const struct challenge *c, const char *name);
long challenge_num(const struct challenge *c, const char *name);

/* Every *.challenge file of dir, in name order; broken ones in errors. */
struct challenge_list {
	struct challenge **c;
	size_t n;
	char **errors;
	size_t nerrors;
};
struct challenge_list *challenge_list_load(const char *dir, char *err, size_t errlen);
void challenge_list_free(struct challenge_list *l);
/* The challenges' directory: $SOCKSCOPE_CHALLENGES, else beside the lessons
 * (a static buffer, the same for the whole run: never freed). */
const char *challenge_default_dir(void);

/* ---- a run, as the kinds see it ---- */

/* A packet seen during the run, decoded. */
struct chal_packet {
	int64_t ts_ns;
	struct pkt_info info;           /* info.src/dst point into this struct: copied */
	bool from_learner;              /* sent by the learner's program */
	bool by_stop;                   /* the learner's, at or after the lab stopped its program: the
	                                   kernel's FIN or RST for a killed process, never the program's */
	const uint8_t *payload;         /* info.payload_caplen bytes, or NULL: the capture's (the run's
	                                   capfile, or the test's frame), valid until the judging ends */
	char line[512];                 /* as the lessons print it */
};

/* A call of the learner's program as the tracer saw it (--run, where
 * ptrace is allowed): what `sockscope trace` shows of it. */
#define CHAL_CALL_PKTS 8
struct chal_call {
	char name[24];                  /* "close", "recvfrom" */
	char text[512];                 /* "close(3<TCP 127.0.0.1:40312->127.0.0.1:8080>) = 0" (cut) */
	char src[96];                   /* its source line, trimmed: "close(fd)", "" when no line is known */
	int line;                       /* that line's number (C built with -g, Python), 0 */
	pid_t pid;
	int fd;                         /* its first argument when that is a descriptor, else -1 */
	int64_t ret;
	bool is_error;
	bool unfinished;                /* still waiting when the program ended or was stopped */
	long waited_ms;                 /* an unfinished call's wait */
	size_t pk[CHAL_CALL_PKTS];      /* the packets of its window (indexes in r->pkts), the first ones */
	size_t npk;
};

struct chal_run {
	const struct challenge *c;
	int family;
	uint16_t port;                  /* where the lab listens, or where the learner's server must */
	char host[64];                  /* "127.0.0.1" or "::1" */
	void *priv;                     /* the kind's own state */
	int wake;                       /* readable when the lab's side must stop (run.c's) */
	int lfd;                        /* the lab's own socket when its kind says `serves` (run.c's), else -1 */
	int lab_rcvbuf;                 /* SO_RCVBUF of the lab's connections to a learner's server, set
	                                   before connect() so the window is small from the SYN on (0: the
	                                   kernel's): the kind's setup sets it */
	int lab_mss;                    /* TCP_MAXSEG of those connections, likewise (0: the kernel's) */

	/* the learner's program (with --run) */
	bool ran;                       /* it was started by us */
	bool exited;                    /* it ended by itself within its time */
	int status;                     /* its wait status */
	double seconds;                 /* how long it ran (traced: from its first call, as its time counts) */
	int64_t end_ms;                 /* clock_ms() when it ended or was stopped (0: not known) */
	int64_t stop_ms;                /* clock_ms() when the lab stopped it (0: it was not stopped) */
	int64_t stop_ns;                /* the same moment on the capture's clock (wall clock, ns) */
	char out[8192];                 /* its standard output (cut) */
	size_t nout;
	/* the local ports of its TCP and UDP sockets, as the kernel's tables
	 * showed them while it ran (--run only: in the waiting mode the lab
	 * cannot tell the learner's process from any other) */
	uint16_t lports[CHAL_MAX_LPORTS];
	size_t nlports;
	/* its calls, in the order they returned (--run, traced: see chal_call) */
	bool traced;                    /* false: the calls could not be seen (waiting mode, ptrace refused) */
	char untraced[300];             /* with --run and not traced: why (ptrace refused by ...) */
	struct chal_call *calls;
	size_t ncalls;

	/* what the capture saw, once the run is over */
	struct chal_packet *pkts;
	size_t npkts;
	bool captured;                  /* false: no capture, judged from the lab side only */
};

/* What was right and wrong: each finding says it in plain words.  A note
 * is what the lab cannot see in this mode (what a program run in another
 * terminal printed, how it exited): it says what the learner must do and
 * neither passes nor fails, so both modes give the same verdict on what
 * both can see. */
#define VERDICT_MAX 24
struct verdict {
	bool pass;
	struct { bool ok, note; char text[512]; } f[VERDICT_MAX];
	size_t n;
};
void verdict_add(struct verdict *v, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void verdict_note(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A parameter a kind takes (a table ending with name == NULL): a number
 * from min to max (a unit names what it counts), or a text (unit NULL and
 * min == max == 0).  def is the value when the challenge file sets none. */
struct chal_param {
	const char *name, *def;
	long min, max;
	const char *unit;
};

/* A kind of challenge: its parameters, the lab's side and its judge.  The
 * runner (run.c) owns the plumbing every kind would otherwise repeat: it
 * runs `lab` on a thread of its own, knows when it has returned, and stops
 * it by making r->wake readable, which every wait of `lab` must watch. */
struct chal_kind {
	const char *name;
	const char *learner;            /* what the learner writes: "client" or "server" */
	const struct chal_param *params;  /* what a challenge file may set (NULL: nothing) */
	size_t priv_size;               /* r->priv: allocated zeroed by the runner, freed after `free` */
	/* SOCK_STREAM (listening) or SOCK_DGRAM: the runner binds r->lfd on a
	 * loopback port the kernel picks (r->port) before setup, and closes it
	 * at the end: the lab as a server.  0: the kind sets r->port itself. */
	int serves;
	/* Prepare the lab side (r->priv, its sockets, r->port unless `serves`);
	 * nothing runs yet.  May be NULL.  0, or -1 with a message. */
	int (*setup)(struct chal_run *r, char *err, size_t errlen);
	/* The lab's side, on its own thread; returns when it has finished with
	 * the learner or r->wake became readable.  What it saw goes in r->priv. */
	void (*lab)(struct chal_run *r);
	/* Judge from r's packets and what the lab side saw. */
	void (*judge)(struct chal_run *r, struct verdict *v);
	/* Release what r->priv holds (sockets; the lab's thread has ended);
	 * also called after a failed setup. */
	void (*free)(struct chal_run *r);
};
/* The kind called name (a static table entry), or NULL. */
const struct chal_kind *chal_kind_find(const char *name);
/* "tcp-hello udp-send ..." for messages: a static buffer, filled once. */
const char *chal_kind_names(void);

/* ---- helpers for the kinds ---- */

/* A loopback socket of the run's family bound to port (0: the kernel picks;
 * *port gets the one bound), listening when stream.  -1 with err. */
int chal_bind(int family, int type, uint16_t *port, char *err, size_t errlen);
/* Bytes the learner sent over TCP (payloads in capture order), into buf. */
size_t chal_learner_bytes(const struct chal_run *r, uint8_t *buf, size_t n);
/* Count the learner's TCP segments with a flag (TCPF_*), or with data;
 * never those the lab's stop of the program caused (by_stop). */
unsigned chal_count_flag(const struct chal_run *r, bool learner, uint8_t flag);
unsigned chal_count_data(const struct chal_run *r, bool learner);
/* Is port one of the learner's program's sockets' (r->lports)? */
bool chal_learner_port(const struct chal_run *r, uint16_t port);
/* Did the lab see at t (clock_ms) what the lab's stop of the program caused? */
bool chal_by_stop(const struct chal_run *r, int64_t t);
/* Quote up to max bytes as text ("HELLO ada\n" -> "HELLO ada\\n"). */
void chal_quote(const uint8_t *b, size_t n, char *out, size_t outlen);
/* The lab's segments with data on its connection from port lport, in
 * capture order, each with its offset in the lab's byte stream (0: the
 * first byte after its SYN; a retransmission has the offset it had): the
 * next after *it (zeroed to start), or NULL when none is left.  The packet
 * is r's, its number in the capture it->i. */
struct chal_segs {
	size_t i;
	uint32_t isn;
	bool syn;
};
const struct chal_packet *chal_lab_data(const struct chal_run *r, uint16_t lport, struct chal_segs *it, size_t *off);
/* The first finding of a client kind: whether the learner's program
 * connected to the lab.  When it did not, the verdict says so, and that the
 * program was stopped if it was (false: there is nothing more to judge). */
bool chal_judge_connected(const struct chal_run *r, bool connected, struct verdict *v);
/* How a program that must give up waiting ended, for the kinds that judge
 * a receive timeout: stopped by the lab (what it did: "hangs in recv()
 * when the server never answers"), said with the advice to set a timeout
 * of secs; killed by a signal, said.  True when it exited by itself: the
 * kind judges its status. */
bool chal_judge_gave_up(const struct chal_run *r, const char *what, int secs, struct verdict *v);

/* ---- the learner's calls (traced --run runs) ---- */

/* "line 14 `close(fd)`" when its line is known, else the call as traced
 * ("`close(3<TCP ...>) = 0`"): how a verdict names the call behind it. */
void chal_call_said(const struct chal_call *c, char *out, size_t n);
/* Is c one of these calls?  names: "recvfrom recv read" (space-separated). */
bool chal_call_is(const struct chal_call *c, const char *names);
/* The learner's call whose window holds packet i of r->pkts, or NULL. */
const struct chal_call *chal_call_of_packet(const struct chal_run *r, size_t i);
/* " (line 35 `conn.close()` sent it: packet 9)": the learner's call that
 * sent its first packet with a TCP flag of `flags` (TCPF_*) to the lab's
 * port lab_port, or "" when no traced call did. */
void chal_sent_by(const struct chal_run *r, uint16_t lab_port, uint8_t flags, char *out, size_t n);
/* The last call of the learner's first process, or NULL. */
const struct chal_call *chal_last_call(const struct chal_run *r);
/* Calls on descriptor fd of process pid before calls[before], back to the
 * socket()/accept() that made it or the close() of an earlier one: each
 * named one in turn (*it: start at `before`), NULL at the end. */
const struct chal_call *chal_call_back(const struct chal_run *r, size_t before, const char *names, size_t *it);

/* ---- the lab as a client of the learner's server (lab_client.c) ---- */

/* Does a TCP socket listen on port (the kernel's tables, nothing on the
 * wire)?  1, 0, or -1 when the tables cannot be read. */
int chal_listens(uint16_t port);
/* Whether a socket with local port `port` (and, unless state < 0, in that
 * kernel state: 0x0A listening) is in /proc/net/TABLE or TABLE6 ("tcp",
 * "udp"): 1, 0, or -1 when neither table can be read. */
int chal_port_in(const char *table, uint16_t port, int state);
/* Wait up to ms for fd to be ready for events (POLLIN, POLLOUT), watching
 * r->wake: what a lab side's every wait is. */
enum chal_wait { CHAL_READY, CHAL_TIMEOUT, CHAL_STOPPED };
enum chal_wait chal_wait(const struct chal_run *r, int fd, short events, int ms);
/* Wait for fd to be readable until deadline (clock_ms), watching r->wake:
 * true when it is; false when the time is up or the lab side must stop. */
bool chal_readable(const struct chal_run *r, int fd, int64_t deadline);
/* Sleep up to ms, or until the lab side must stop (true). */
bool chal_stopped(const struct chal_run *r, int ms);
/* A free port for the learner's server (r->port, r->host): the runner
 * picks it before setup when the learner writes the server.  0, or -1. */
int chal_pick_port(struct chal_run *r, char *err, size_t errlen);
/* Connect to the learner's server within ms (TCP_NODELAY); -1 with *e. */
int chal_connect(const struct chal_run *r, int ms, uint16_t *lport, int *e);
/* Wait until the server listens, then connect; -1 with *e (ECANCELED: stopped). */
int chal_await_server(const struct chal_run *r, bool *listed, uint16_t *lport, int *e);
/* How the learner's program ended, for a verdict ("" if the lab stopped it). */
void chal_program_end(const struct chal_run *r, char *out, size_t n);
/* The first finding of a server kind: the lab's first connection was
 * accepted (err 0: true), or why not (false: there is nothing more to judge). */
bool chal_judge_reached(const struct chal_run *r, bool listed, int err, struct verdict *v);

#endif
