/*
 * labsrv_priv.h — the plumbing shared by the lab's protocol servers
 * (labsrv.c) and the table entry each protocol file provides.  Not for use
 * outside src/servers.
 *
 * Model: labsrv.c owns the sockets, the accept thread, one worker thread
 * per open TCP connection (LABSRV_MAX_ACTIVE at most) and the wake-up pipe.
 * A protocol file only writes the conversation: `session` for one TCP
 * connection, `datagram` for one UDP datagram.  Every wait goes through
 * labsrv_wait, which also watches the wake-up pipe and the server's
 * lifetime, so labsrv_stop interrupts any of them.
 */
#ifndef SOCKSCOPE_LABSRV_PRIV_H
#define SOCKSCOPE_LABSRV_PRIV_H

#include "servers/labsrv.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/types.h>

#define LABSRV_MAX_ACTIVE 4       /* TCP connections served at the same time */
#define LABSRV_MAX_PORTS 2

enum { LABSRV_TCP = 1, LABSRV_UDP = 2 };

struct labsrv_conn;

struct labsrv_proto {
	const char *name;
	unsigned socks;               /* LABSRV_TCP | LABSRV_UDP */
	/* Extra setup after the main socket is bound (FTP's data listener); 0 or -1 with err. */
	int (*open)(struct labsrv *s, char *err, size_t errlen);
	/* One TCP connection, from accept to (not including) close. */
	void (*session)(struct labsrv_conn *c);
	/* One UDP datagram: the reply's length in out, or -1 for no reply. */
	ssize_t (*datagram)(struct labsrv *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap);
	/* The whole server loop, for servers whose way of serving is the lesson
	 * (srv_concurrent.c): runs on the server's thread instead of the shared
	 * accept loop, and must return promptly once labsrv_wait says LS_STOP. */
	void (*run)(struct labsrv *s);
};

struct labsrv {
	const struct labsrv_proto *proto;
	int family;                   /* 4 or 6 */
	struct labsrv_limits lim;
	int64_t deadline_ms;          /* monotonic: end of the server's life */
	int lfd, ufd;                 /* TCP listener, UDP socket (-1 if none) */
	int xfd;                      /* a protocol's extra listener (FTP data), -1 if none */
	uint16_t ports[LABSRV_MAX_PORTS];
	size_t nports;
	int wake[2];                  /* labsrv_stop writes one byte; never read, so it stays readable */
	atomic_bool stopping;
	atomic_uint served;
	atomic_int active;            /* open TCP connections */
	atomic_int waiting;           /* threads blocked waiting for input (labsrv_wait for POLLIN) */
	atomic_int handing;           /* the accept thread between accept()/recvfrom() and handing over or replying */
	atomic_uint xowner;           /* FTP: the connection id that armed the data port last */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;           /* guards mail */
	bool have_mail;
	struct labsrv_mail mail;
};

/* One TCP connection with a small read buffer. */
#define LABSRV_CONN_BUF 4096
struct labsrv_conn {
	struct labsrv *s;
	int fd;
	unsigned id;                  /* 1, 2, ... in accept order */
	uint8_t buf[LABSRV_CONN_BUF];
	size_t beg, end;              /* unread bytes are buf[beg..end) */
};

/* Results of the reading helpers; LS_OK and LS_LONG carry a line. */
enum {
	LS_OK = 0,
	LS_LONG = 1,      /* the line was longer than allowed and was skipped */
	LS_EOF = -1,      /* the peer closed */
	LS_TIMEOUT = -2,  /* nothing within io_timeout_ms */
	LS_STOP = -3,     /* labsrv_stop was called or the lifetime is over */
	LS_ERR = -4,      /* a socket error, or a peer that never ends a line */
};

int64_t labsrv_now_ms(void);
/* Wait for `events` on fd, for at most timeout_ms and the server's
 * remaining life.  1 ready, LS_TIMEOUT, or LS_STOP. */
int labsrv_wait(struct labsrv *s, int fd, short events, int timeout_ms);
/* Bind a loopback socket of the server's family on `port` (0: the kernel
 * picks); returns the fd (listening if TCP) and the port, or -1 with err. */
int labsrv_bind(int family, int type, uint16_t want, uint16_t *port, char *err, size_t errlen);

/* Read one line ending in LF (a CR before it is dropped) into line, at
 * most max-1 bytes plus a NUL; *len gets its length (it may hold NULs). */
int labsrv_read_line(struct labsrv_conn *c, char *line, size_t max, size_t *len);
/* Read exactly n bytes (buffered ones first).  LS_OK or an error. */
int labsrv_read_exact(struct labsrv_conn *c, void *p, size_t n);
/* Read whatever is available (at most cap): > 0 bytes, or an error. */
ssize_t labsrv_read_some(struct labsrv_conn *c, void *p, size_t cap);
/* Send all n bytes (each wait bounded).  0 or an LS_ error. */
int labsrv_send(struct labsrv *s, int fd, const void *p, size_t n);
int labsrv_printf(struct labsrv_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One reply line: the text and CR LF (cut to 600 bytes).  0 or an LS_ error. */
int labsrv_vreply(struct labsrv_conn *c, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* A protocol of command lines and numbered replies (SMTP, FTP): the loop
 * that reads a line, finds its command and runs it, shared by both. */
struct labsrv_cmdloop {
	const void *cmds;             /* a table whose entries begin with `const char *name` */
	size_t ncmds, stride;
	const char *const *not_offered;   /* commands of the protocol this server answers 502 */
	size_t nnot;
	size_t line_max;              /* longest command line */
	const char *too_many;         /* the 421 line sent after max_requests commands */
	const char *timed_out;        /* the 421 line sent when the client falls silent */
	/* Run a command of the table; `arg` is what follows its name (blanks
	 * included).  0, or an LS_ error to close the connection. */
	int (*run)(void *ctx, const void *cmd, const char *arg);
	const bool *quit;             /* becomes true when the client said goodbye */
};
void labsrv_command_loop(struct labsrv_conn *c, const struct labsrv_cmdloop *l, void *ctx);

/* Does the line hold only printable ASCII, space and tab? */
bool labsrv_text_ok(const char *line, size_t len);
/* Case-insensitive: is word the first word of s (followed by the end or a
 * space)?  For command names. */
bool labsrv_word(const char *s, const char *word);

void labsrv_count(struct labsrv *s);
void labsrv_set_mail(struct labsrv *s, const struct labsrv_mail *m);

extern const struct labsrv_proto labsrv_proto_http, labsrv_proto_smtp, labsrv_proto_ftp,
	labsrv_proto_dns, labsrv_proto_echo_tcp, labsrv_proto_echo_udp,
	labsrv_proto_echo_iterative, labsrv_proto_echo_threads, labsrv_proto_echo_fork, labsrv_proto_echo_poll;

#endif
