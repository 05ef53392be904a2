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
/* Bound on any single blocking call of the lab's own side. */
#define LAB_IO_TIMEOUT_MS 5000

struct demo {
	struct demo_config cfg;
	int af;
	char host[16];
	struct sockaddr_storage srv;   /* the lab server's address */
	socklen_t srvlen;
	int listen_fd;
	uint16_t port;
	int fd[2];                     /* [ROLE_CLIENT], [ROLE_SERVER]: the side's current socket */

	int marker_fd;
	uint16_t marker_port;
	struct sockaddr_storage marker_addr;
	socklen_t marker_len;

	/* the server thread and its one job at a time */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct demo_action *job;   /* the step's action list; server ones are run */
	size_t njob;
	struct demo_outcome outs[DEMO_MAX_ACTIONS];
	bool job_pending, job_done, quit;
	bool stuck;                     /* the server thread overran its deadline */
};

/* Run one action on its side; fills *o. */
void demo_action_run(struct demo *d, const struct demo_action *a, struct demo_outcome *o);

/* "= -1 ECONNREFUSED (Connection refused)" */
void demo_errno_result(struct demo_outcome *o, int err);

#endif
