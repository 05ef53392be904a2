/*
 * lab_priv.h — the lab's state, shared by its backends: lab.c (the
 * engine's verbs, src/demo, and replay) and lab_traced.c (the lesson's
 * real programs under the tracer).  Not for the faces: they use lab.h.
 */
#ifndef SOCKSCOPE_LAB_PRIV_H
#define SOCKSCOPE_LAB_PRIV_H

#include "lab/lab.h"

#include <pthread.h>
#include <stdatomic.h>

struct lab_traced;

struct lab {
	const struct lesson *lesson;
	struct capture *cap;
	enum capture_mode mode;
	struct demo *demo;
	int family;
	int linktype;

	struct lab_options opt;
	struct lesson_vars vars;
	bool cap_stopped;

	size_t done;                    /* steps run */
	struct lab_step_result *results;

	/* Read by the capture thread; changed only while it is stopped. */
	struct flowtab *flows;          /* used by the capture thread only */
	uint16_t ports[16];             /* the lab side's ports, to tell who sent a packet */
	size_t nports;
	uint16_t allports[48];          /* and the client side's, for the ICMP errors to keep */
	size_t nallports;

	struct lab_traced *tr;          /* the real programs, traced (lab_traced.c), or NULL */
	struct recording *rec;          /* replaying this recording, or NULL (lab_open_replay) */
	struct peer *peer;              /* two terminals: the other side, or NULL */
	pthread_t hello;                /* the server side: waits for the client side, says hello */
	bool hello_running;
	atomic_int hello_state;         /* 0 waiting for the client side, 1 it said hello, -1 failed */
	_Atomic(const char *) waiting;  /* what a step waits for the other terminal to do, or NULL */
	char hello_err[256];
	char peer_err[256];             /* the channel failed: the steps go on alone */
	size_t rec_next;                /* its next packet to show */

	pthread_mutex_t mu;             /* guards everything below */
	pthread_cond_t cv;
	struct lab_packet *pkts;
	size_t npkts, cap_pkts;
	int cur_step;                   /* attribution of the next frame */
	int64_t last_end;               /* id of the last END marker captured, -1 none */
	int64_t last_start;             /* id of the last START marker captured, -1 none */
	struct timeval t0;
};

/* A lab of nothing yet: lesson, locks, results, flow table. */
struct lab *lab_new(const struct lesson *lesson, const struct lab_options *opt);
/* Keep a captured frame as packet of `step` (a step index, LAB_PKT_SETUP
 * or LAB_PKT_BETWEEN), decoded once; from_lab by the lab's ports. */
void lab_store_frame(struct lab *lab, const struct timeval *ts, uint32_t caplen, uint32_t wirelen,
                     const uint8_t *data, int step);

/* lab_traced.c: run step idx (results into r); free it all. */
void lab_traced_step(struct lab *lab, int idx, struct lab_step_result *r);
void lab_traced_free(struct lab *lab);
bool lab_traced_capturing(const struct lab *lab);
void lab_traced_status(struct lab *lab, char *buf, size_t n);

#endif
