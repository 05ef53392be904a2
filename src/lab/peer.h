/*
 * peer.h — the control channel between the two sockscope processes of a
 * two-terminal demo (`sockscope lesson ID --role server` in one terminal,
 * `--role client --peer PORT` in the other).
 *
 * Role: the server side listens on a loopback port of its own, shown on its
 * screen; the client side connects to it.  Over it, lines of text: the
 * server says which lesson (and which text of it), family, toggles and the
 * ports of its targets; then, for every step, each side says "ready N",
 * "started N" and "done N", so that both put their START markers on the
 * wire before either side's calls and their END markers after both sides'
 * calls returned: each process's capture then attributes the packets of
 * both sides to the same step (see lab.c).  Its own traffic uses ports
 * no capture filter names, so it never shows among the packets.
 *
 * Every wait is bounded.  No curses.
 */
#ifndef SOCKSCOPE_LAB_PEER_H
#define SOCKSCOPE_LAB_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct peer;

/* The server side: listen on 127.0.0.1, port chosen by the kernel. */
struct peer *peer_listen(char *err, size_t errlen);
uint16_t peer_port(const struct peer *p);
/* Wait (at most timeout_ms) for the client side to connect.  0, or -1. */
int peer_accept(struct peer *p, int timeout_ms, char *err, size_t errlen);
/* The client side: connect to the server side's port on 127.0.0.1. */
struct peer *peer_connect(uint16_t port, char *err, size_t errlen);

/* Send one line (no newline in it).  0, or -1 with a message. */
int peer_send(struct peer *p, char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Receive one line (at most timeout_ms).  0, or -1 with a message (the
 * other side went away, timed out, said something too long). */
int peer_recv(struct peer *p, char *line, size_t n, int timeout_ms, char *err, size_t errlen);
/* Send `word N` and wait for the other side's same line. */
int peer_sync(struct peer *p, const char *word, unsigned n, int timeout_ms, char *err, size_t errlen);

/* Make every wait of another thread on p return (with an error) soon. */
void peer_shutdown(struct peer *p);
void peer_close(struct peer *p);

#endif
