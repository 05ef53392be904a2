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

#include "dissect/dissect.h"

#define CHAL_MAX_PARAMS 8

/* A challenge file. */
struct challenge {
	char *path, *id;                /* id: file name without number and ".challenge" */
	char *title, *summary, *kind;
	int family;                     /* 4 or 6: what the lab side listens on / connects over */
	struct { char name[32]; char value[256]; } params[CHAL_MAX_PARAMS];
	size_t nparams;
	char *task, *hint;              /* text blocks ("\n"-separated lines) */
	int seconds;                    /* how long the learner's program may take (default 10) */
};

/* Read a challenge file; NULL with "file:line: what is wrong" in err. */
struct challenge *challenge_load(const char *path, char *err, size_t errlen);
void challenge_free(struct challenge *c);
/* A parameter's value, or def. */
const char *challenge_param(const struct challenge *c, const char *name, const char *def);

/* Every *.challenge file of dir, in name order; broken ones in errors. */
struct challenge_list {
	struct challenge **c;
	size_t n;
	char **errors;
	size_t nerrors;
};
struct challenge_list *challenge_list_load(const char *dir, char *err, size_t errlen);
void challenge_list_free(struct challenge_list *l);
/* The challenges' directory: $SOCKSCOPE_CHALLENGES, else beside the lessons. */
const char *challenge_default_dir(void);

/* ---- a run, as the kinds see it ---- */

/* A packet seen during the run, decoded. */
struct chal_packet {
	int64_t ts_ns;
	struct pkt_info info;           /* info.src/dst point into this struct: copied */
	bool from_learner;              /* sent by the learner's program */
	const uint8_t *payload;         /* info.payload_caplen bytes, or NULL */
	char line[512];                 /* as the lessons print it */
};

struct chal_run {
	const struct challenge *c;
	int family;
	uint16_t port;                  /* where the lab listens, or where the learner's server must */
	char host[64];                  /* "127.0.0.1" or "::1" */
	void *priv;                     /* the kind's own state */

	/* the learner's program (with --run) */
	bool ran;                       /* it was started by us */
	bool exited;                    /* it ended by itself within its time */
	int status;                     /* its wait status */
	double seconds;                 /* how long it ran */
	char out[8192];                 /* its standard output (cut) */
	size_t nout;

	/* what the capture saw, once the run is over */
	struct chal_packet *pkts;
	size_t npkts;
	bool captured;                  /* false: no capture, judged from the lab side only */
};

/* What was right and wrong: each finding says it in plain words. */
#define VERDICT_MAX 24
struct verdict {
	bool pass;
	struct { bool ok; char text[512]; } f[VERDICT_MAX];
	size_t n;
};
void verdict_add(struct verdict *v, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A kind of challenge: the lab's side and its judge. */
struct chal_kind {
	const char *name;
	const char *learner;            /* what the learner writes: "client" or "server" */
	/* Set the lab side up (r->port, r->host chosen here) and start it on a
	 * thread of its own; 0, or -1 with a message. */
	int (*start)(struct chal_run *r, char *err, size_t errlen);
	/* The lab side has finished with the learner (nothing more to wait for). */
	bool (*done)(struct chal_run *r);
	/* Stop it (join threads, close sockets); idempotent. */
	void (*stop)(struct chal_run *r);
	/* Judge from r's packets and the lab side's observations. */
	void (*judge)(struct chal_run *r, struct verdict *v);
	void (*free)(struct chal_run *r);
};
const struct chal_kind *chal_kind_find(const char *name);
/* "tcp-hello udp-send ..." for messages. */
const char *chal_kind_names(void);

/* ---- helpers for the kinds ---- */

/* A loopback socket of the run's family bound to port (0: the kernel picks;
 * *port gets the one bound), listening when stream.  -1 with err. */
int chal_bind(int family, int type, uint16_t *port, char *err, size_t errlen);
/* Bytes the learner sent over TCP (payloads in capture order), into buf. */
size_t chal_learner_bytes(const struct chal_run *r, uint8_t *buf, size_t n);
/* Count the learner's TCP segments with a flag (TCPF_*), or with data. */
unsigned chal_count_flag(const struct chal_run *r, bool learner, uint8_t flag);
unsigned chal_count_data(const struct chal_run *r, bool learner);
/* Milliseconds since the Unix epoch (monotonic, for the kinds' clocks). */
int64_t chal_now_ms(void);
/* Quote up to max bytes as text ("HELLO ada\n" -> "HELLO ada\\n"). */
void chal_quote(const uint8_t *b, size_t n, char *out, size_t outlen);

/* ---- the lab as a client of the learner's server (lab_client.c) ---- */

/* Does a TCP socket listen on port (the kernel's tables, nothing on the
 * wire)?  1, 0, or -1 when the tables cannot be read. */
int chal_listens(uint16_t port);
/* Sleep up to ms, or until the wake pipe is written (true). */
bool chal_stopped(int wake, int ms);
/* A free port for the learner's server (r->port, r->host).  0, or -1. */
int chal_pick_port(struct chal_run *r, char *err, size_t errlen);
/* Connect to the learner's server within ms (TCP_NODELAY); -1 with *e. */
int chal_connect(const struct chal_run *r, int wake, int ms, uint16_t *lport, int *e);
/* Wait until the server listens, then connect; -1 with *e (ECANCELED: stopped). */
int chal_await_server(const struct chal_run *r, int wake, bool *listed, uint16_t *lport, int *e);
/* How the learner's program ended, for a verdict ("" if the lab stopped it). */
void chal_program_end(const struct chal_run *r, char *out, size_t n);
/* The finding when the lab never got a connection. */
void chal_judge_unreached(const struct chal_run *r, bool listed, int err, struct verdict *v);

#endif
