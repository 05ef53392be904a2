/*
 * clock.h — the one monotonic clock every deadline and duration reads.
 *
 * CLOCK_MONOTONIC, never the wall clock: a deadline must not move when the
 * date is set or NTP steps it.  The epoch is arbitrary (boot), so only
 * differences mean anything.
 */
#ifndef SOCKSCOPE_CLOCK_H
#define SOCKSCOPE_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock. */
int64_t clock_ms(void);

/* Microseconds on the same clock, for durations short enough that whole
 * milliseconds would round a rate away (a loopback transfer). */
int64_t clock_us(void);

#endif
