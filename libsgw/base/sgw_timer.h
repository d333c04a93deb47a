/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_timer: a binary min-heap of timers for ikud's event loops.
 *
 * Every SA arms a few timers (retransmit, DPD, rekey, expiry); the loop
 * sleeps until the earliest one. Add, cancel and re-arm are O(log n), the
 * earliest deadline is O(1): no per-SA scans, whatever the SA count. Each
 * timer records its heap slot, so cancelling needs no search.
 * Not thread-safe: one heap per event loop.
 */
#ifndef SGW_TIMER_H
#define SGW_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sgw_timer;
typedef void (*sgw_timer_fn)(struct sgw_timer *t, void *arg);

struct sgw_timer {
	uint64_t when;		/* monotonic milliseconds */
	size_t slot;		/* heap index, SGW_TIMER_IDLE when not armed */
	sgw_timer_fn fn;
	void *arg;
};

#define SGW_TIMER_IDLE ((size_t)-1)

struct sgw_timer_heap {
	struct sgw_timer **v;
	size_t n, cap;
};

/* Monotonic clock in milliseconds. */
uint64_t sgw_now_ms(void);

void sgw_timer_init(struct sgw_timer *t, sgw_timer_fn fn, void *arg);
static inline bool sgw_timer_armed(const struct sgw_timer *t)
{
	return t->slot != SGW_TIMER_IDLE;
}
/* Arm (or re-arm) t to fire at when. Returns 0 or -ENOMEM. */
int sgw_timer_set(struct sgw_timer_heap *h, struct sgw_timer *t, uint64_t when);
void sgw_timer_cancel(struct sgw_timer_heap *h, struct sgw_timer *t);
/* Milliseconds until the earliest timer (0 if due), -1 if none. */
int sgw_timer_next(const struct sgw_timer_heap *h, uint64_t now);
/* Fire every timer due at now; returns how many fired. A callback may arm
 * or cancel any timer, itself included. */
unsigned int sgw_timer_run(struct sgw_timer_heap *h, uint64_t now);
void sgw_timer_heap_free(struct sgw_timer_heap *h);

#endif
