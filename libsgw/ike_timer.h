/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ike_timer: a binary min-heap of timers for ikud's event loops.
 *
 * Every SA arms a few timers (retransmit, DPD, rekey, expiry); the loop
 * sleeps until the earliest one. Add, cancel and re-arm are O(log n), the
 * earliest deadline is O(1): no per-SA scans, whatever the SA count. Each
 * timer records its heap slot, so cancelling needs no search.
 * Not thread-safe: one heap per event loop.
 */
#ifndef SGW_IKE_TIMER_H
#define SGW_IKE_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ike_timer;
typedef void (*ike_timer_fn)(struct ike_timer *t, void *arg);

struct ike_timer {
	uint64_t when;		/* monotonic milliseconds */
	size_t slot;		/* heap index, IKE_TIMER_IDLE when not armed */
	ike_timer_fn fn;
	void *arg;
};

#define IKE_TIMER_IDLE ((size_t)-1)

struct ike_timer_heap {
	struct ike_timer **v;
	size_t n, cap;
};

/* Monotonic clock in milliseconds. */
uint64_t ike_now_ms(void);

void ike_timer_init(struct ike_timer *t, ike_timer_fn fn, void *arg);
static inline bool ike_timer_armed(const struct ike_timer *t)
{
	return t->slot != IKE_TIMER_IDLE;
}
/* Arm (or re-arm) t to fire at when. Returns 0 or -ENOMEM. */
int ike_timer_set(struct ike_timer_heap *h, struct ike_timer *t, uint64_t when);
void ike_timer_cancel(struct ike_timer_heap *h, struct ike_timer *t);
/* Milliseconds until the earliest timer (0 if due), -1 if none. */
int ike_timer_next(const struct ike_timer_heap *h, uint64_t now);
/* Fire every timer due at now; returns how many fired. A callback may arm
 * or cancel any timer, itself included. */
unsigned int ike_timer_run(struct ike_timer_heap *h, uint64_t now);
void ike_timer_heap_free(struct ike_timer_heap *h);

#endif
