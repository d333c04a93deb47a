// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: single-rate, colour-blind token bucket.
 *
 * Credit is kept in nanoseconds of line time at the policer's rate: a
 * packet of L bytes costs L * 8 / rate seconds; credit grows by elapsed
 * time, up to the time the burst takes at that rate. The cost per byte is
 * precomputed with SGW_NSB_SHIFT fractional bits, so the packet path does a
 * multiply and a shift, never a division.
 *
 * A packet conforms when the bucket holds its cost, or, for a packet
 * larger than the burst (a GSO packet of many segments, a reassembled
 * datagram), when the bucket is full: it then takes the whole cost and
 * leaves the bucket in debt, which time repays before anything else
 * passes. Without that, such a packet could never pass; with it, a policer
 * still passes at most rate x T + burst over any long interval T, and
 * over a short one at most one such packet more.
 */

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>

#include "sgw.h"

int sgw_tb_set(struct sgw_tb *tb, u64 rate, u32 burst)
{
	if (rate < SGW_RATE_MIN || rate > SGW_RATE_MAX ||
	    burst < SGW_BURST_MIN || burst > SGW_BURST_MAX)
		return -ERANGE;
	tb->rate = rate;
	tb->burst = burst;
	/* burst * 8 * 1e9 < 2^63 for burst <= 2^30 */
	tb->burst_ns = div64_u64((u64)burst * 8 * NSEC_PER_SEC, rate);
	/* 8e9 << 24 < 2^57 */
	tb->ns_per_byte = div64_u64((8 * NSEC_PER_SEC) << SGW_NSB_SHIFT, rate);
	return 0;
}

void sgw_bucket_init(struct sgw_bucket *b, const struct sgw_tb *tb, u64 now)
{
	spin_lock_init(&b->lock);
	b->tokens = tb->burst_ns;
	b->last = now;
}

/* Refills b up to now (at most a full bucket); returns its credit. */
static s64 sgw_bucket_fill(struct sgw_bucket *b, const struct sgw_tb *tb,
			   u64 now)
{
	s64 toks = b->tokens;

	if (now > b->last)
		toks += now - b->last;
	b->last = max(now, b->last);
	b->tokens = min_t(s64, toks, tb->burst_ns);
	return b->tokens;
}

static s64 sgw_tb_cost(const struct sgw_tb *tb, unsigned int len)
{
	return mul_u64_u32_shr(tb->ns_per_byte, len, SGW_NSB_SHIFT);
}

/* Its whole cost, or a full bucket for a packet larger than the burst. */
static bool sgw_bucket_fits(s64 toks, s64 cost, const struct sgw_tb *tb)
{
	return toks >= min_t(s64, cost, tb->burst_ns);
}

/* Caller holds b->lock or a lock covering b. */
bool __sgw_bucket_conform(struct sgw_bucket *b, const struct sgw_tb *tb,
			  unsigned int len, u64 now)
{
	s64 cost = sgw_tb_cost(tb, len);

	if (!sgw_bucket_fits(sgw_bucket_fill(b, tb, now), cost, tb))
		return false;
	b->tokens -= cost;
	return true;
}

/*
 * A packet charged to two buckets (a source's and the total): it passes if
 * both hold its credit, and then takes it from both; else from neither.
 * Caller holds the locks covering a and b.
 */
bool __sgw_bucket_conform2(struct sgw_bucket *a, const struct sgw_tb *ta,
			   struct sgw_bucket *b, const struct sgw_tb *tb,
			   unsigned int len, u64 now)
{
	s64 ca = sgw_tb_cost(ta, len), cb = sgw_tb_cost(tb, len);
	bool fa = sgw_bucket_fits(sgw_bucket_fill(a, ta, now), ca, ta);
	bool fb = sgw_bucket_fits(sgw_bucket_fill(b, tb, now), cb, tb);

	if (!fa || !fb)
		return false;
	a->tokens -= ca;
	b->tokens -= cb;
	return true;
}

bool sgw_bucket_conform(struct sgw_bucket *b, const struct sgw_tb *tb,
			unsigned int len, u64 now)
{
	bool ok;

	spin_lock_bh(&b->lock);
	ok = __sgw_bucket_conform(b, tb, len, now);
	spin_unlock_bh(&b->lock);
	return ok;
}
