/*
 * netns.h — a user + network namespace of our own, for capture without root.
 *
 * An unprivileged process may create a user namespace, and with it a network
 * namespace in which it holds CAP_NET_RAW: packet capture on that
 * namespace's loopback is then allowed.  The namespace starts with its
 * loopback down and no other device, so the demos can reach nothing but
 * themselves.  The capabilities gained count only inside it.
 *
 * unshare(CLONE_NEWUSER) fails with EINVAL once a process has threads, so
 * netns_enter must run before any thread is started.
 */
#ifndef SOCKSCOPE_NETNS_H
#define SOCKSCOPE_NETNS_H

#include <stddef.h>

/* Move the calling (single-threaded) process into a new user and network
 * namespace, keep its uid/gid as seen from inside, and bring "lo" up.
 * Returns 0, or -1 with a reason in err. */
int netns_enter(char *err, size_t errlen);

/* Bring a network interface up (SIOCSIFFLAGS); 0 or -1 with err. */
int netns_link_up(const char *ifname, char *err, size_t errlen);

#endif
