// SPDX-License-Identifier: GPL-2.0
/*
 * INFORMATIONAL exchanges (RFC 7296 §1.4): DELETE of IKE and CHILD SAs from
 * either side, and the answer to every INFORMATIONAL request (an empty one
 * is the peer's liveness check).
 */
#include "ikud.h"

#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

/*
 * Answer an INFORMATIONAL request: CHILD_SAs it deletes go (the response
 * names their inbound SPIs), anything else is acknowledged. True when the
 * peer deletes the IKE SA itself: the caller removes it.
 */
bool delete_on_request(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_builder b;
	uint8_t spis[4 * 64];
	uint16_t n_spis = 0;
	bool delete_ike = false;
	unsigned int i, j;

	if (sa->state == SA_HALF_OPEN) {
		/* nothing but IKE_AUTH is acceptable before it (§1.2) */
		sa->shard->st.rx_dropped++;
		return false;
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
	exchange_begin(sa, &b, IKE_INFORMATIONAL, true, sa->recv_mid);
	if (!delete_ike && n_spis)
		ike_build_delete(&b, IKE_PROTO_ESP, 4, spis, n_spis);
	exchange_send_response(sa, &b);
	return delete_ike;
}

/* The peer confirmed our DELETE. */
void delete_on_response(struct ike_sa *sa)
{
	enum req_kind k = sa->req;
	struct child_sa *c = sa->req_child;

	exchange_done(sa);
	if (k == REQ_DELETE_IKE)
		sa_destroy(sa, "deleted");
	else if (k == REQ_DELETE_CHILD && c)
		child_remove(c, "deleted");
}

/* Our DELETE of the whole IKE SA: sent once; the caller destroys the SA. */
void delete_send_ike(struct ike_sa *sa)
{
	struct ike_builder b;
	size_t len;

	if (!sa->keys_ready)
		return;
	exchange_begin(sa, &b, IKE_INFORMATIONAL, false, sa->send_mid);
	ike_build_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	if (!b.err && !ike_sk_protect(&sa->keys, sa->initiator, &b, &len))
		sock_send(sa, sa->shard->tx, len);
}

/*
 * Delete sa with the peer and wait for the answer (delete_on_response()
 * removes it; if the peer stays silent, the retransmission limit does).
 * -1 if the request cannot be sent: the caller removes sa.
 */
int delete_request_ike(struct ike_sa *sa)
{
	struct ike_builder b;

	exchange_begin(sa, &b, IKE_INFORMATIONAL, false, sa->send_mid);
	ike_build_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	return exchange_send_request(sa, &b, REQ_DELETE_IKE, IKUD_RETRANS_BASE_MS, 3);
}

/* Delete one CHILD_SA with the peer; it goes when the peer confirms (or,
 * if another request of ours is outstanding, at once, without telling). */
void delete_send_child(struct ike_sa *sa, struct child_sa *c)
{
	struct ike_builder b;
	uint8_t spi[4];

	if (sa->req != REQ_NONE || sa->state != SA_ESTABLISHED) {
		child_remove(c, "deleted (peer not told: exchange busy)");
		return;
	}
	sgw_put_be32(spi, c->spi_in);
	exchange_begin(sa, &b, IKE_INFORMATIONAL, false, sa->send_mid);
	ike_build_delete(&b, IKE_PROTO_ESP, 4, spi, 1);
	if (exchange_send_request(sa, &b, REQ_DELETE_CHILD, IKUD_RETRANS_BASE_MS,
			    IKUD_RETRANS_TRIES)) {
		child_remove(c, "deleted (cannot send DELETE)");
		return;
	}
	sa->req_child = c;
}
