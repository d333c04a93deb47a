// SPDX-License-Identifier: GPL-2.0
/*
 * Starting setups: the queued tunnels, in order, at --rate per second
 * from the phase's start (all at once with rate 0), never more than
 * --window in progress (a storm's phase has neither: pace_begin(0, 0)), and at most PACE_BATCH per turn of the loop so
 * that answers are read between the starts of a large batch.
 */
#include "ikeload.h"

#define PACE_BATCH 64

void pace_begin(double rate, unsigned int window)
{
	ld->pace_t0_ms = sgw_now_ms();
	ld->pace_rate = rate;
	ld->pace_window = window;
	ld->pace_started = 0;
}

static uint32_t in_progress(void)
{
	return ld->n_state[T_INIT_SENT] + ld->n_state[T_AUTH_SENT];
}

int pace_run(uint64_t now)
{
	uint64_t allowed = PACE_BATCH;
	const unsigned int window = ld->pace_window;

	if (ld->pace_rate > 0) {
		/* the first one at once, then one every 1/rate seconds */
		uint64_t due = (uint64_t)((double)(now - ld->pace_t0_ms) / 1000.0 *
					  ld->pace_rate) + 1;

		allowed = due > ld->pace_started ? due - ld->pace_started : 0;
		if (allowed > PACE_BATCH)
			allowed = PACE_BATCH;
	}
	if (window) {
		uint32_t busy = in_progress();

		allowed = busy >= window ? 0 : allowed < window - busy ? allowed : window - busy;
	}
	while (allowed && ld->q_len) {
		struct tunnel *t = &ld->t[ld->queue[ld->q_head]];

		ld->q_head = (ld->q_head + 1) % ld->o.n;
		ld->q_len--;
		if (t->state != T_QUEUED)
			continue;
		allowed--;
		ld->pace_started++;
		if (sa_init_start(t))
			tunnel_fail(t, FAIL_INTERNAL, "cannot send IKE_SA_INIT");
	}
	if (!ld->q_len)
		return -1;
	if (window && in_progress() >= window)
		return -1;	/* an answer or a time-out makes room */
	if (ld->pace_rate > 0) {
		double next = (double)ld->pace_started / ld->pace_rate * 1000.0;
		double waited = (double)(now - ld->pace_t0_ms);

		return next > waited ? (int)(next - waited) + 1 : 0;
	}
	return 0;
}
