/*
 * marker.c — a marker sent, and sent again until the capture has read it
 * (marker.h says why).
 */
#include "capture/marker.h"
#include "common/clock.h"

#include <errno.h>
#include <stdint.h>
#include <time.h>

bool capture_marker_await(pthread_mutex_t *mu, pthread_cond_t *cv, void (*send)(void *ud), bool (*seen)(void *ud),
                          void *ud, int wait_ms)
{
	int64_t until = clock_ms() + wait_ms;
	bool ok = false;
	for (int64_t now = clock_ms(); !ok && now < until; now = clock_ms()) {
		send(ud);
		int64_t resend = now + CAPTURE_MARKER_RESEND_MS < until ? now + CAPTURE_MARKER_RESEND_MS : until;
		struct timespec dl;
		clock_gettime(CLOCK_REALTIME, &dl);   /* a condition variable's clock */
		int64_t ns = dl.tv_nsec + (resend - now) * 1000000;
		dl.tv_sec += ns / 1000000000;
		dl.tv_nsec = ns % 1000000000;
		pthread_mutex_lock(mu);
		int rc = 0;
		while (!(ok = seen(ud)) && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(cv, mu, &dl);
		pthread_mutex_unlock(mu);
	}
	return ok;
}
