/*
 * vec.h — growable arrays: a pointer, a count and a capacity that the
 * owner keeps in its own struct (so its type stays a plain array that the
 * rest of the code indexes), grown here by doubling.
 *
 *	struct row *rows; size_t n, cap;
 *	VEC_PUSH(rows, n, cap, row);      append, growing when full
 *	rows = vec_room(rows, n, &cap, sizeof *rows);   room for rows[n]
 *	free(rows);                      the owner frees it
 *
 * Growth goes through common/mem.h: it cannot fail.
 */
#ifndef SOCKSCOPE_VEC_H
#define SOCKSCOPE_VEC_H

#include <stddef.h>

/* v (holding n items of size bytes, *cap of room) with room for one more:
 * the same pointer while it fits, else a larger block (the old one freed)
 * and *cap doubled (16 at first). */
void *vec_room(void *v, size_t n, size_t *cap, size_t size);

/* Append item to v (an lvalue array pointer) of n items and cap room;
 * n and cap are size_t lvalues it updates. */
#define VEC_PUSH(v, n, cap, item) \
	((v) = vec_room((v), (n), &(cap), sizeof *(v)), (v)[(n)++] = (item))

#endif
