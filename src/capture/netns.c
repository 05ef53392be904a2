/*
 * netns.c — enter a user + network namespace of our own (see netns.h).
 *
 * Steps, per user_namespaces(7): unshare both namespaces at once, then
 * write "deny" to /proc/self/setgroups (required before an unprivileged
 * process may write gid_map), then map our own uid and gid 1:1 so that
 * files we create still belong to us.  Finally bring the namespace's "lo"
 * up; the kernel gives it 127.0.0.1/8 and ::1 by itself.
 */
#include "capture/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_file(const char *path, const char *text, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return -1;
	}
	size_t len = strlen(text);
	ssize_t w = write(fd, text, len);
	int saved = errno;
	close(fd);
	if (w != (ssize_t)len) {
		snprintf(err, errlen, "write %s: %s", path, strerror(w < 0 ? saved : EIO));
		return -1;
	}
	return 0;
}

int netns_link_up(const char *ifname, char *err, size_t errlen)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (rc < 0)
		snprintf(err, errlen, "bringing %s up: %s", ifname, strerror(errno));
	close(s);
	return rc < 0 ? -1 : 0;
}

int netns_enter(char *err, size_t errlen)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s%s", strerror(errno),
		         errno == EPERM || errno == ENOSPC
		             ? " (unprivileged user namespaces are disabled on this system)"
		             : "");
		return -1;
	}
	char map[64];
	/* setgroups may not exist on very old kernels; gid_map is what matters. */
	if (write_file("/proc/self/setgroups", "deny", err, errlen) < 0 && errno != ENOENT)
		return -1;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_file("/proc/self/uid_map", map, err, errlen) < 0)
		return -1;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (write_file("/proc/self/gid_map", map, err, errlen) < 0)
		return -1;
	return netns_link_up("lo", err, errlen);
}
