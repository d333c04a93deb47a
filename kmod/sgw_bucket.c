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

int sgw_pcfg_set_rate(struct sgw_pcfg *cfg, u64 rate, u32 burst)
{
	if (rate < SGW_RATE_MIN || rate > SGW_RATE_MAX ||
	    burst < SGW_BURST_MIN || burst > SGW_BURST_MAX)
		return -ERANGE;
	cfg->rate = rate;
	cfg->burst = burst;
	/* burst * 8 * 1e9 < 2^63 for burst <= 2^30 */
	cfg->burst_ns = div64_u64((u64)burst * 8 * NSEC_PER_SEC, rate);
	/* 8e9 << 24 < 2^57 */
	cfg->ns_per_byte = div64_u64((8 * NSEC_PER_SEC) << SGW_NSB_SHIFT, rate);
	return 0;
}

void sgw_bucket_init(struct sgw_bucket *b, const struct sgw_pcfg *cfg)
{
	spin_lock_init(&b->lock);
	b->tokens = cfg->burst_ns;
	b->last = ktime_get_ns();
}

/* Caller holds b->lock or a lock covering b. */
bool __sgw_bucket_conform(struct sgw_bucket *b, const struct sgw_pcfg *cfg,
			  unsigned int len, u64 now)
{
	s64 cost = mul_u64_u32_shr(cfg->ns_per_byte, len, SGW_NSB_SHIFT);
	s64 toks = b->tokens;

	if (now > b->last)
		toks += now - b->last;
	b->last = max(now, b->last);
	toks = min_t(s64, toks, cfg->burst_ns);
	if (toks >= min_t(s64, cost, cfg->burst_ns)) {
		b->tokens = toks - cost;
		return true;
	}
	b->tokens = toks;
	return false;
}

bool sgw_bucket_conform(struct sgw_bucket *b, const struct sgw_pcfg *cfg,
			unsigned int len, u64 now)
{
	bool ok;

	spin_lock_bh(&b->lock);
	ok = __sgw_bucket_conform(b, cfg, len, now);
	spin_unlock_bh(&b->lock);
	return ok;
}
