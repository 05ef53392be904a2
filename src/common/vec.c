/*
 * vec.c — growable arrays (see vec.h).
 */
#include "common/vec.h"

#include "common/mem.h"

void *vec_room(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	/* Doubling: n pushes cost O(n) copies in all. */
	size_t want = *cap ? *cap * 2 : 16;
	while (want <= n)
		want *= 2;
	v = xreallocarray(v, want, size);
	*cap = want;
	return v;
}
