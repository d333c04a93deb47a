// SPDX-License-Identifier: GPL-2.0
/*
 * Dead peer detection (RFC 7296 §2.4): liveness checks from peers are
 * answered with the other INFORMATIONAL requests (delete.c); our own: when
 * nothing came from the peer for `dpd interval` seconds we send an empty
 * INFORMATIONAL request and repeat it every interval; a peer silent for
 * interval x threshold seconds is declared dead and its SAs go. ESP
 * received on any of its CHILD_SAs counts as hearing from the peer: a busy
 * tunnel costs one SA read per interval, not a probe; its death is then
 * noticed within (threshold + 1) x interval.
 */
#include "ikud.h"

static void dpd_timer(struct sgw_timer *t, void *arg);

void dpd_arm(struct ike_sa *sa)
{
	uint32_t interval = sa->gw->c->dpd_interval;

	if (!interval || sa->state != SA_ESTABLISHED)
		return;
	sa->t_dpd.fn = dpd_timer;
	sgw_timer_set(&sa->shard->timers, &sa->t_dpd, sa->last_rx_ms + interval * 1000ULL);
}

/* ESP that arrived on any CHILD_SA since the last look counts as hearing
 * from the peer now (the kernel keeps no per-SA time of the last packet,
 * so a busy tunnel's silence is measured from the first idle look). */
static bool esp_received(struct ike_sa *sa, uint64_t now)
{
	struct child_sa *c;
	bool seen = false;

	for (c = sa->children; c; c = c->next)
		seen |= child_received(c);	/* read each: keeps every count current */
	if (seen)
		sa->last_rx_ms = now;
	return seen;
}

static void dpd_timer(struct sgw_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	uint32_t interval = sa->gw->c->dpd_interval;
	uint64_t now = sgw_now_ms();
	struct ike_builder b;
	uint8_t tries;

	(void)t;
	if (!interval || sa->state != SA_ESTABLISHED)
		return;
	if (now < sa->last_rx_ms + interval * 1000ULL || esp_received(sa, now)) {
		dpd_arm(sa);		/* the peer spoke meanwhile */
		return;
	}
	if (sa->req != REQ_NONE) {
		/* our pending request's retransmits probe the peer already */
		sgw_timer_set(&sa->shard->timers, &sa->t_dpd, now + interval * 1000ULL);
		return;
	}
	/* threshold probes in all; dead one interval after the last */
	tries = (uint8_t)(sa->gw->c->dpd_threshold > 1 ? sa->gw->c->dpd_threshold - 1 : 1);
	exchange_begin(sa, &b, IKE_INFORMATIONAL, false, sa->send_mid);
	sa->shard->st.dpd_probes++;
	if (exchange_send_request(sa, &b, REQ_DPD, interval * 1000, tries))
		sgw_timer_set(&sa->shard->timers, &sa->t_dpd, now + interval * 1000ULL);
}

/* The peer answered our probe: alive. */
void dpd_on_response(struct ike_sa *sa)
{
	exchange_done(sa);
	dpd_arm(sa);
}
