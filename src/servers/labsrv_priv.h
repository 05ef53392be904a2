/*
 * labsrv_priv.h — the plumbing shared by the lab's protocol servers
 * (labsrv.c) and the table entry each protocol file provides.  Not for use
 * outside src/servers.
 *
 * Model: labsrv.c owns the sockets and one thread per server, which runs
 * an event loop (poll) over the listener, the UDP socket and every open
 * TCP connection, so an idle connection costs a socket and a buffer, never
 * a thread.  A connection is a small state machine: bytes the loop read
 * wait in its bounded input buffer, the protocol's `feed` takes one
 * request or command from there and answers with labsrv_out, which sends
 * at once what the socket takes and keeps the rest (bounded) for the loop
 * to send when the socket is writable.  The protocol's own state lives in
 * c->state (state_size bytes, zeroed, freed by labsrv.c).
 *
 * Servers whose way of serving is the lesson (labsrv_concurrent.c) bring
 * their own loop (`run`) and wait through labsrv_wait instead.
 */
#ifndef SOCKSCOPE_LABSRV_PRIV_H
#define SOCKSCOPE_LABSRV_PRIV_H

#include "servers/labsrv.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/types.h>

#define LABSRV_MAX_PORTS 2

enum { LABSRV_TCP = 1, LABSRV_UDP = 2 };

struct labsrv_conn;

/* Results of the connection helpers and of `feed`. */
enum {
	LS_OK = 0,        /* took a request, line or message: feed again */
	LS_LONG = 1,      /* the line was longer than allowed and was skipped */
	LS_AGAIN = 2,     /* not enough input yet (or waiting for something else) */
	LS_EOF = -1,      /* the peer closed */
	LS_TIMEOUT = -2,  /* nothing within io_timeout_ms */
	LS_STOP = -3,     /* labsrv_stop was called or the lifetime is over */
	LS_ERR = -4,      /* a socket error, or a peer that never ends a line */
};

struct labsrv_proto {
	const char *name;
	unsigned socks;               /* LABSRV_TCP | LABSRV_UDP */
	/* Extra setup after the main socket is bound (FTP's data listener); 0 or -1 with err. */
	int (*open)(struct labsrv *s, char *err, size_t errlen);
	/* A TCP connection's life.  begin: just accepted (a greeting); feed:
	 * take at most one request from the input buffer and answer it,
	 * LS_OK to be called again, LS_AGAIN for more input, or labsrv_close
	 * to end; timeout: the connection has been silent for io_timeout_ms
	 * (a last reply; the connection closes unless it says otherwise by
	 * not calling labsrv_close while it waits for its extra socket);
	 * extra: the protocol's extra listener is readable and this
	 * connection waits for it (FTP's data connection); finish: before
	 * close, free what state points to.  Any may be NULL but feed. */
	size_t state_size;
	void (*begin)(struct labsrv_conn *c);
	int (*feed)(struct labsrv_conn *c);
	void (*timeout)(struct labsrv_conn *c);
	void (*extra)(struct labsrv_conn *c);
	void (*finish)(struct labsrv_conn *c);
	/* One UDP datagram: the reply's length in out, or -1 for no reply. */
	ssize_t (*datagram)(struct labsrv *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap);
	/* The whole server loop, for servers whose way of serving is the lesson
	 * (labsrv_concurrent.c): runs on the server's thread instead of the shared
	 * event loop, and must return promptly once labsrv_wait says LS_STOP. */
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
	atomic_bool quiet;            /* the event loop sleeps in poll() with no reply left to send */
	atomic_int waiting;           /* `run` servers: threads blocked in labsrv_wait for input */
	atomic_uint xowner;           /* FTP: the connection id that armed the data port last */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;           /* guards mail */
	bool have_mail;
	struct labsrv_mail mail;
};

/* One TCP connection.  Input: a fixed buffer, filled at most
 * LABSRV_READ_MAX bytes per read, never past LABSRV_CONN_BUF (a protocol
 * whose line does not fit in it says the line is too long).  Output: what
 * the socket did not take yet, at most LABSRV_OUT_MAX bytes. */
#define LABSRV_CONN_BUF 16384
#define LABSRV_READ_MAX 4096
#define LABSRV_OUT_MAX (256 * 1024)
struct labsrv_conn {
	struct labsrv *s;
	int fd;
	unsigned id;                  /* 1, 2, ... in accept order */
	uint8_t buf[LABSRV_CONN_BUF];
	size_t beg, end;              /* unread bytes are buf[beg..end) */
	bool eof;                     /* the peer sent FIN: what is buffered is all there is */
	size_t skipped;               /* bytes of an over-long line dropped so far */
	bool skipping;                /* inside an over-long line, until its LF */
	uint8_t *out;                 /* pending output (malloc'd), out_len bytes of out_cap */
	size_t out_len, out_cap;
	bool closing;                 /* labsrv_close: send what is pending, then close */
	bool dead;                    /* close now: a socket error, the drain over, or evicted */
	bool draining;                /* FIN sent; reading and dropping until the peer's FIN */
	bool waits_extra;             /* wants `extra` when the protocol's extra listener is readable */
	bool more;                    /* its turn ended with requests still buffered: feed next round */
	int requests;                 /* requests or commands taken on this connection */
	int64_t deadline;             /* monotonic: when `timeout` is due (or the drain ends) */
	int64_t last_active;          /* when bytes last came or went, to pick one to evict */
	int64_t drain_until;          /* the lingering close's last moment */
	int drain_reads;
	void *state;                  /* the protocol's, proto->state_size bytes */
};

/* Wait for `events` on fd, for at most timeout_ms and the server's
 * remaining life.  1 ready, LS_TIMEOUT, or LS_STOP. */
int labsrv_wait(struct labsrv *s, int fd, short events, int timeout_ms);
/* Bind a loopback socket of the server's family on `port` (0: the kernel
 * picks); returns the fd (listening if TCP) and the port, or -1 with err. */
int labsrv_bind(int family, int type, uint16_t want, uint16_t *port, char *err, size_t errlen);

/* Take one line ending in LF from c's input (a CR before it is dropped)
 * into line (room for max bytes and a NUL); *len gets its length (it may
 * hold NULs).  LS_OK; LS_AGAIN when no whole line is buffered yet; for a
 * line of max bytes or more, with skip, LS_LONG once its LF has come (the
 * bytes in between are dropped as they arrive), or LS_ERR when no LF comes
 * within 64 kB; without skip, LS_LONG as soon as the line cannot fit (the
 * caller answers and closes).  After the peer's FIN an unended line is
 * LS_EOF. */
int labsrv_take_line(struct labsrv_conn *c, char *line, size_t max, size_t *len, bool skip);
/* Take up to cap buffered bytes into p: how many (0: none yet). */
size_t labsrv_take(struct labsrv_conn *c, void *p, size_t cap);
/* Queue n bytes for the client: sent at once as far as the socket takes
 * them (one send(2), so one reply is one segment as before), the rest when
 * it is writable.  0, or LS_ERR (pending output over LABSRV_OUT_MAX, or a
 * socket error) after which the connection closes. */
int labsrv_out(struct labsrv_conn *c, const void *p, size_t n);
int labsrv_printf(struct labsrv_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One reply line: the text and CR LF (cut to 600 bytes).  0 or LS_ERR. */
int labsrv_reply(struct labsrv_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* End the conversation: what is queued is still sent, then FIN, then the
 * client's last bytes are read and dropped for a moment (RFC 9112 9.6),
 * so that closing with unread input does not send an RST that could
 * destroy the last reply on its way. */
void labsrv_close(struct labsrv_conn *c);
/* Send all n bytes on a blocking conversation of a `run` server (each
 * wait bounded by labsrv_wait).  0 or an LS_ error. */
int labsrv_send(struct labsrv *s, int fd, const void *p, size_t n);

/* A protocol of command lines and numbered replies (SMTP, FTP): take one
 * line, find its command and run it; shared by both. */
struct labsrv_cmdloop {
	const void *cmds;             /* a table whose entries begin with `const char *name` */
	size_t ncmds, stride;
	const char *const *not_offered;   /* commands of the protocol this server answers 502 */
	size_t nnot;
	size_t line_max;              /* longest command line */
	const char *too_many;         /* the 421 line sent after max_requests commands */
	const char *timed_out;        /* the 421 line sent when the client falls silent */
	/* Run a command of the table; `arg` is what follows its name (blanks
	 * included).  0, or LS_ERR to close the connection; QUIT calls
	 * labsrv_close itself. */
	int (*run)(void *ctx, const void *cmd, const char *arg);
};
/* `feed` for such a protocol: one command line.  Closes the connection
 * after QUIT, after max_requests commands (with too_many) and after a
 * line that never ends (500). */
int labsrv_command_feed(struct labsrv_conn *c, const struct labsrv_cmdloop *l, void *ctx);
/* `timeout` for such a protocol: the timed_out line, then close. */
void labsrv_command_timeout(struct labsrv_conn *c, const struct labsrv_cmdloop *l);

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
