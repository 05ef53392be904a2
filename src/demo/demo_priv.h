/*
 * demo_priv.h — the demo's state, shared by the engine (demo.c) and the
 * action table (actions.c).  Not for use outside src/demo.
 */
#ifndef SOCKSCOPE_DEMO_PRIV_H
#define SOCKSCOPE_DEMO_PRIV_H

#include "demo/demo.h"

#include <pthread.h>
#include <sys/socket.h>

#define DEMO_MAX_ACTIONS 16
#define DEMO_MAX_SOCKS 8
/* Bound on any single blocking call of the lab's own side. */
#define LAB_IO_TIMEOUT_MS 5000

struct labsrv;

/* A socket of one side, by name.  fd < 0: the slot is free. */
struct demo_sock {
	char name[DEMO_NAME_MAX];
	int fd;
	int type;                      /* SOCK_STREAM or SOCK_DGRAM */
	struct sockaddr_storage peer;  /* the last datagram's sender (recvfrom) */
	socklen_t peerlen;
};

/* Where a named socket was bound after its last successful connect() or
 * bind(): the target "local:NAME" (kept after the socket is closed). */
#define DEMO_MAX_LOCALS 8
struct demo_local {
	char name[DEMO_NAME_MAX];
	struct sockaddr_storage addr;
	socklen_t len;                 /* 0: the slot is free */
};

struct demo {
	struct demo_config cfg;
	int af;
	uint16_t port;                 /* the scripted TCP listener's, 0 if none */
	uint16_t udp_port;             /* the scripted UDP socket's, 0 if none */
	uint16_t closed_port;          /* TCP-bound, not listening: connecting gets RST */
	int closed_fd;
	struct demo_sock socks[2][DEMO_MAX_SOCKS];   /* [role][i] */
	struct demo_local local[DEMO_MAX_LOCALS];    /* "local:NAME" targets */
	size_t nlocal_used;                          /* slots handed out, for reuse in turn */

	struct labsrv *svc[DEMO_MAX_SERVICES];
	const char *svc_name[DEMO_MAX_SERVICES];
	size_t nsvc;

	uint16_t learned[32];          /* local ports the client side's sockets have had */
	size_t nlearned;

	int marker_fd;
	uint16_t marker_port;
	struct sockaddr_storage marker_addr;
	socklen_t marker_len;

	/* the server thread and its one job at a time */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct demo_action job[DEMO_MAX_ACTIONS];   /* the step's enabled actions; server ones are run */
	size_t njob;
	struct demo_outcome outs[DEMO_MAX_ACTIONS];
	bool job_pending, job_done, quit;
	bool stuck;                     /* the server thread overran its deadline */
};

/* Run one action on its side; fills *o. */
void demo_action_run(struct demo *d, const struct demo_action *a, struct demo_outcome *o);

/* "= -1 ECONNREFUSED (Connection refused)" */
void demo_errno_result(struct demo_outcome *o, int err);

/* The named socket of a side, or NULL.  demo_sock_new takes a free slot
 * (closing any socket of the same name first). */
struct demo_sock *demo_sock_find(struct demo *d, enum demo_role role, const char *name);
struct demo_sock *demo_sock_new(struct demo *d, enum demo_role role, const char *name);
void demo_sock_close(struct demo_sock *s);
/* Before a client socket closes: remember its port (see demo.c). */
void demo_note_closing(struct demo *d, const struct demo_sock *s);

/* Fill a loopback address of the demo's family with `port`. */
void demo_loopback(const struct demo *d, uint16_t port, struct sockaddr_storage *ss, socklen_t *len);

#endif
