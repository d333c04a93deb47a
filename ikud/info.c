// SPDX-License-Identifier: GPL-2.0
/*
 * INFORMATIONAL exchanges (RFC 7296 §1.4): DELETE of IKE and CHILD SAs from
 * either side, liveness checks (answered always), and our own dead peer
 * detection: when nothing came from the peer for `dpd interval` seconds we
 * send an empty INFORMATIONAL request and repeat it every interval; a peer
 * silent for interval x threshold seconds is declared dead and its SAs go.
 * ESP received on any of its CHILD_SAs counts as hearing from the peer
 * (§2.4): a busy tunnel costs one SA read per interval, not a probe; its
 * death is then noticed within (threshold + 1) x interval.
 */
#include "ikud.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

void info_on_request(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_builder b;
	uint8_t spis[4 * 64];
	uint16_t n_spis = 0;
	bool delete_ike = false;
	unsigned int i, j;

	if (sa->state == SA_HALF_OPEN) {
		/* nothing but IKE_AUTH is acceptable before it (§1.2) */
		sa->shard->st.rx_dropped++;
		return;
	}
	for (i = 0; i < m->n_delete; i++) {
		const struct ike_delete *d = &m->del[i];

		if (d->proto == IKE_PROTO_IKE) {
			delete_ike = true;
			continue;
		}
		if (d->proto != IKE_PROTO_ESP || d->spi_size != 4)
			continue;
		for (j = 0; j < d->n_spi; j++) {
			struct child_sa *c = child_find_out(sa, sgw_get_be32(d->spis + 4 * j));

			if (!c)
				continue;
			if (n_spis < 64)
				sgw_put_be32(spis + 4 * n_spis++, c->spi_in);
			child_remove(c, "deleted by the peer");
		}
	}
	ex_begin(sa, &b, IKE_INFORMATIONAL, true, sa->recv_mid);
	if (!delete_ike && n_spis)
		ike_build_delete(&b, IKE_PROTO_ESP, 4, spis, n_spis);
	ex_send_response(sa, &b);
	if (delete_ike) {
		rekey_on_peer_delete(sa);
		sa_destroy(sa, sa->state == SA_REKEYED ? "rekeyed SA deleted by the peer"
						       : "deleted by the peer");
	}
}

void info_on_response(struct ike_sa *sa, struct ike_msg *m)
{
	enum req_kind k = sa->req;
	struct child_sa *c = sa->req_child;

	(void)m;
	ex_request_done(sa);
	switch (k) {
	case REQ_DPD:
		dpd_arm(sa);
		break;
	case REQ_DELETE_IKE:
		sa_destroy(sa, "deleted");
		break;
	case REQ_DELETE_CHILD:
		if (c)
			child_remove(c, "deleted");
		break;
	default:
		break;
	}
}

/* Our DELETE of the whole IKE SA: sent once; the caller destroys the SA. */
void info_send_delete_ike(struct ike_sa *sa)
{
	struct ike_builder b;
	size_t len;

	if (!sa->keys_ready)
		return;
	ex_begin(sa, &b, IKE_INFORMATIONAL, false, sa->send_mid);
	ike_build_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	if (!b.err && !ike_sk_protect(&sa->keys, sa->initiator, &b, &len))
		ikud_send(sa, sa->shard->tx, len);
}

/* Delete one CHILD_SA with the peer; it goes when the peer confirms (or,
 * if another request of ours is outstanding, at once, without telling). */
void info_send_delete_child(struct ike_sa *sa, struct child_sa *c)
{
	struct ike_builder b;
	uint8_t spi[4];

	if (sa->req != REQ_NONE || sa->state != SA_ESTABLISHED) {
		child_remove(c, "deleted (peer not told: exchange busy)");
		return;
	}
	sgw_put_be32(spi, c->spi_in);
	ex_begin(sa, &b, IKE_INFORMATIONAL, false, sa->send_mid);
	ike_build_delete(&b, IKE_PROTO_ESP, 4, spi, 1);
	if (ex_send_request(sa, &b, REQ_DELETE_CHILD, IKUD_RETRANS_BASE_MS,
			    IKUD_RETRANS_TRIES)) {
		child_remove(c, "deleted (cannot send DELETE)");
		return;
	}
	sa->req_child = c;
}

void dpd_arm(struct ike_sa *sa)
{
	uint32_t interval = sa->gw->c->dpd_interval;

	if (!interval || sa->state != SA_ESTABLISHED)
		return;
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

void dpd_timer(struct sgw_timer *t, void *arg)
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
	ex_begin(sa, &b, IKE_INFORMATIONAL, false, sa->send_mid);
	sa->shard->st.dpd_probes++;
	if (ex_send_request(sa, &b, REQ_DPD, interval * 1000, tries))
		sgw_timer_set(&sa->shard->timers, &sa->t_dpd, now + interval * 1000ULL);
}
