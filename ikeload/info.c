// SPDX-License-Identifier: GPL-2.0
/*
 * INFORMATIONAL exchanges (RFC 7296 §1.4, §2.4), both ways: the
 * responder's liveness checks (empty requests) are answered at once; its
 * DELETEs take the IKE SA or the CHILD_SA away; our DELETE of the IKE SA
 * (at the end, in churn) waits for the answer; our liveness checks
 * (--dpd) measure the responder's answer time.
 */
#include "ikeload.h"

#include <stdlib.h>

#include "base/sgw_byteorder.h"

void info_on_request(struct tunnel *t, struct ike_msg *m)
{
	struct ike_builder b;
	bool del_ike = false, del_child = false;
	unsigned int i, j;
	uint8_t spi[4];

	for (i = 0; i < m->n_delete; i++) {
		const struct ike_delete *d = &m->del[i];

		if (d->proto == IKE_PROTO_IKE) {
			del_ike = true;
			continue;
		}
		if (d->proto != IKE_PROTO_ESP || d->spi_size != 4)
			continue;
		for (j = 0; j < d->n_spi; j++)
			if (t->child.spi_out && sgw_get_be32(d->spis + 4 * j) == t->child.spi_out)
				del_child = true;
	}
	exchange_begin(t, &b, IKE_INFORMATIONAL, true, t->recv_mid);
	if (del_child && !del_ike) {
		sgw_put_be32(spi, t->child.spi_in);
		ike_build_delete(&b, IKE_PROTO_ESP, 4, spi, 1);
	}
	exchange_respond(t, &b);
	if (del_ike) {
		cnt.deletes_ike++;
		tunnel_down(t, "deleted by the responder");
		return;
	}
	if (del_child) {
		cnt.deletes_child++;
		esp_remove(t, &t->child, false);
		t->child.spi_in = t->child.spi_out = 0;
		log_tunnel(t, "CHILD_SA deleted by the responder");
		return;
	}
	if (!m->n_notify && !m->n_delete)
		cnt.liveness_answered++;
}

void info_on_response(struct tunnel *t, struct ike_msg *m)
{
	enum req_kind k = t->req;

	(void)m;
	exchange_done(t);
	switch (k) {
	case REQ_DPD:
		cnt.dpd_answered++;
		samples_add(&cnt.dpd_rtt, (uint32_t)(sgw_now_ms() - t->req_sent_ms));
		info_dpd_arm(t);
		break;
	case REQ_DELETE_IKE:
		cnt.deleted++;
		tunnel_down(t, "deleted");
		break;
	case REQ_DELETE_CHILD:
		/* the rekeyed CHILD_SA: its policies are the successor's now */
		esp_remove(t, &t->old_child, true);
		t->old_child.spi_in = t->old_child.spi_out = 0;
		break;
	default:
		break;
	}
}

int info_delete(struct tunnel *t)
{
	struct ike_builder b;

	if (t->state != T_UP)
		return -1;
	exchange_done(t);		/* whatever was pending is moot */
	tunnel_rekey_free(t);
	exchange_begin(t, &b, IKE_INFORMATIONAL, false, t->send_mid);
	ike_build_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	if (exchange_request(t, &b, REQ_DELETE_IKE)) {
		tunnel_down(t, "cannot send DELETE");
		return -1;
	}
	tunnel_set_state(t, T_DELETING);
	return 0;
}

void info_delete_once(struct tunnel *t)
{
	struct ike_builder b;

	if (!t->keys_ready)
		return;
	exchange_begin(t, &b, IKE_INFORMATIONAL, false, t->send_mid++);
	ike_build_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	exchange_send_once(t, &b);
}

static void dpd_timer(struct sgw_timer *tm, void *arg)
{
	struct tunnel *t = arg;
	struct ike_builder b;

	(void)tm;
	if (t->state != T_UP)
		return;
	if (t->req != REQ_NONE) {
		/* our other request probes the responder already */
		sgw_timer_set(&ld->timers, &t->t_dpd, sgw_now_ms() + ld->o.dpd_secs * 1000ULL);
		return;
	}
	exchange_begin(t, &b, IKE_INFORMATIONAL, false, t->send_mid);
	if (exchange_request(t, &b, REQ_DPD) == 0)
		cnt.dpd_sent++;
}

void info_dpd_arm(struct tunnel *t)
{
	uint64_t ms = ld->o.dpd_secs * 1000ULL;
	uint16_t r = 0;

	if (!ms)
		return;
	ike_random((uint8_t *)&r, sizeof(r));
	/* spread over ±10% so that the probes of a storm do not bunch */
	ms = ms * 9 / 10 + (ms / 5) * r / 65536;
	t->t_dpd.fn = dpd_timer;
	sgw_timer_set(&ld->timers, &t->t_dpd, sgw_now_ms() + ms);
}
