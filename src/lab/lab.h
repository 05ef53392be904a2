/*
 * lab.h — a lesson being run: its demo, its capture, its packets per step.
 *
 * Role: the one model the lesson screen, the headless output and the tests
 * share.  The TUI draws it, headless prints it; neither runs sockets or
 * reads packets itself.
 *
 * Threads: lab_step runs on the caller's thread (the UI's or headless'),
 * the demo's server side on its own thread, and the capture thread appends
 * packets.  Packet accessors copy what they return under the lab's lock,
 * so the caller never holds a pointer the capture thread may move.
 * lab_step, lab_steps_done and lab_result take no lock: call them from one
 * thread at a time (the TUI runs steps on a worker and reads results only
 * after joining it).
 */
#ifndef SOCKSCOPE_LAB_H
#define SOCKSCOPE_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "capture/capture.h"
#include "demo/demo.h"
#include "lesson/lesson.h"

/* Attribution of a packet: the step (0-based) whose calls caused it, or: */
enum {
	LAB_PKT_SETUP = -1,        /* before the first step */
	LAB_PKT_BETWEEN = -2,      /* between steps: a timer of the kernel's, not a call */
};

struct lab_packet {
	uint32_t index;        /* 0-based, in capture order (markers excluded) */
	struct timeval ts;
	double rel;            /* seconds since the first packet of the lab */
	uint32_t caplen, wirelen;
	int step;              /* step index or LAB_PKT_SETUP / LAB_PKT_BETWEEN */
	char src[64], dst[64]; /* "127.0.0.1:5000" */
	char proto[12];
	char summary[256];     /* tcpdump-like, seq/ack relative to the connection */
	bool from_lab;         /* sent from a port of the lab's side */
	bool tcp;
	uint8_t tcp_flags;
	uint16_t win;          /* the TCP header's window field, unscaled */
	uint8_t ip_proto;
	uint32_t payload_len;
	uint32_t payload_off, payload_caplen;   /* where the payload is in data */
	const uint8_t *data;   /* caplen bytes, owned by the lab, valid until lab_close */
};

#define LAB_MAX_OUTCOMES 48

struct lab_step_result {
	bool ran;
	struct demo_outcome out[LAB_MAX_OUTCOMES];
	size_t nout;
	bool quiet;            /* the kernel reported nothing in flight before the end marker */
	bool attributed;       /* both markers were seen by the capture */
	unsigned long long kernel_drops; /* packets the kernel dropped on the capture's interface between the
	                                    markers: anyone's (capture_iface_drops), but some may be the step's */
	size_t first_packet;   /* index of the first packet of the step */
	size_t npackets;       /* packets the step caused */
	char states[16][96];   /* the kernel's TCP states after the step (demo_tcp_states) */
	size_t nstates;
	/* Two terminals: the other process's calls of the step, as it reported
	 * them (shown apart; the lesson's claims about calls look at both). */
	struct demo_outcome peer_out[LAB_MAX_OUTCOMES];
	size_t npeer;
	/* A traced lab (lab_open_traced): what the programs printed during the
	 * step, stdout and stderr, line-buffered, cut at the size; "" else.
	 * The lessons' programs print each result as the engine words it, so
	 * `expect: result` looks here too. */
	char output[4096];
};

struct lab_options {
	int family;                  /* 0 = the lesson's own, else 4 or 6 */
	int client_rcvtimeo_cap;     /* see demo_config */
	char toggles[128];           /* toggles switched on, space-separated ("ipv6" = family 6) */
	enum demo_side side;         /* two terminals (lab/peer.h): this process runs one side */
	uint16_t peer_port;          /* DEMO_SIDE_CLIENT: the server side's control port */
};

struct lab;

/* Start a lesson: demo set up (nothing on the wire yet), capture filter set
 * to the demo's ports and the capture thread started when `cap` is not NULL.
 * The lab borrows `lesson` and `cap`: both must outlive it. */
struct lab *lab_open(const struct lesson *lesson, struct capture *cap, enum capture_mode mode,
                     const struct lab_options *opt, char *err, size_t errlen);
/* A lesson shown from a recording (lab/record.h) instead of run: the same
 * steps, outcomes and packets, step by step, and no socket is opened.  The
 * family and toggles are the recording's.  NULL with a message (no such
 * file, not a recording, a recording of another text of the lesson). */
struct lab *lab_open_replay(const struct lesson *lesson, const char *path, char *err, size_t errlen);
/* What a learner should see: the recording `replay` when given; else,
 * without a capture, the recording shipped with the lesson for its plain run
 * (own family, no toggles; record_shipped_path) when there is a current one;
 * else a live run (lab_open). */
struct lab *lab_open_or_replay(const struct lesson *lesson, struct capture *cap, enum capture_mode mode,
                               const struct lab_options *opt, const char *replay, char *err, size_t errlen);
/* The lesson's real programs (its `run:` lines, lessons/programs/) under
 * the tracer (lab_traced.c): lang 'c' (compiled into the user's cache
 * first) or 'p' (Python); the capture is the tracer's own, opened as
 * `want` says (call while the process has one thread: it may unshare).
 * A step runs its program to the end of the step's lines.  NULL with a
 * message: no run lines, ptrace refused, a compiler error (its text, with
 * file:line), no compiler for C -- the caller falls back (to Python, to
 * the engine's verbs or the recording) and says why. */
struct lab *lab_open_traced(const struct lesson *lesson, enum capture_want want, const struct lab_options *opt,
                            char lang, char *err, size_t errlen);
/* 'c' or 'p' for a traced lab, 0 for the engine's or a recording. */
char lab_lang(const struct lab *lab);
/* A traced lab's step: its program's source file and its lines in this
 * run's language.  False for other labs. */
bool lab_step_source(const struct lab *lab, size_t step, char *path, size_t n, int *first, int *last);
void lab_close(struct lab *lab);
/* Stop capturing (the packets stay), so another lab may use the capture. */
void lab_stop_capture(struct lab *lab);
/* Capture again after lab_stop_capture, once the lab that took the capture
 * over is closed (a comparison cancelled).  -1 when it cannot: the lab goes
 * on without packets. */
int lab_resume_capture(struct lab *lab);

/* Run the next step for real.  Returns its index, or -1 when all have run.
 * Blocks until the step's calls returned and, with a capture, until every
 * packet it caused has been captured (bounded). */
int lab_step(struct lab *lab);
size_t lab_steps_done(const struct lab *lab);
/* Pointers returned by the accessors below are the lab's (or, for the
 * lesson, the caller's own that the lab borrowed): valid until lab_close,
 * never freed by the caller. */
/* A step's kernel_drops as a sentence for every face. */
const char *lab_drops_text(const struct lab_step_result *r, char *buf, size_t n);
const struct lab_step_result *lab_result(const struct lab *lab, size_t step);

const struct lesson *lab_lesson(const struct lab *lab);
int lab_family(const struct lab *lab);
uint16_t lab_port(const struct lab *lab);
/* The values lesson text may name ({port}, {port:http}...), for lesson_expand. */
const struct lesson_vars *lab_vars(const struct lab *lab);

/* Packets seen so far.  lab_packet copies packet i into *out; false if i is
 * out of range.  The data pointer stays valid until lab_close. */
size_t lab_packet_count(struct lab *lab);
bool lab_packet(struct lab *lab, size_t i, struct lab_packet *out);
int lab_linktype(const struct lab *lab);

/* Count what a prediction asks about in step's packets (the grading key
 * comes from the capture, not from the lesson file). */
unsigned lab_count(struct lab *lab, size_t step, enum predict_kind kind);
const char *lab_toggles(const struct lab *lab);

/* Does an expectation of the lesson apply under this run's toggles, and does
 * it hold for step's run?  `seen` says what was observed ("fin = 1"). */
bool lab_expect_applies(const struct lab *lab, const struct lesson_expect *e);
bool lab_expect_check(struct lab *lab, size_t step, const struct lesson_expect *e, char *seen, size_t n);

/* The packets so far as ladder frames (render/ladder.h), each tagged with the
 * call that caused it ("step 3 connect()"); frames point into the lab's
 * packet data.  lab_frames_free releases the arrays. */
struct ladder_frame;
struct lab_frames {
	struct ladder_frame *f;
	char (*tags)[64];
	int *step;            /* each frame's step (or LAB_PKT_SETUP / LAB_PKT_BETWEEN) */
	size_t n;
};
void lab_frames_get(struct lab *lab, struct lab_frames *out);
void lab_frames_free(struct lab_frames *fr);

/* "capturing on lo, 12 packets, 0 dropped" or why there is no capture. */
void lab_capture_status(struct lab *lab, char *buf, size_t n);
bool lab_capturing(const struct lab *lab);
/* Two terminals: the side this process runs (DEMO_SIDE_BOTH for one), and
 * on the server side the control port the client side is started with. */
enum demo_side lab_side(const struct lab *lab);
uint16_t lab_peer_port(const struct lab *lab);
/* The server side before the client side has joined (its command is still
 * to be run in the other terminal). */
bool lab_peer_waiting(const struct lab *lab);
/* ... and once it has (its hello went through). */
bool lab_peer_joined(const struct lab *lab);
/* While a step of two terminals waits for the other one: what for ("the
 * client terminal to press Space too", ...), a static string; NULL when it
 * does not wait.
 * Safe to call from another thread than the step's. */
const char *lab_waiting_for(const struct lab *lab);
/* "; two terminals, the server side: in the other, run  sockscope lesson ID
 * --role client --peer 40123" (or the client side's, or what broke); "" for
 * one terminal. */
void lab_peer_note(const struct lab *lab, char *buf, size_t n);

/* Shown from a recording (lab_open_replay)? */
bool lab_replaying(const struct lab *lab);
/* The ports of the lab's side (a packet from one is the lab's). */
size_t lab_lab_ports(const struct lab *lab, uint16_t *out, size_t max);

#endif
