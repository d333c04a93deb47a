// SPDX-License-Identifier: GPL-2.0
/*
 * Where a datagram goes: our IKE SPI (we are the initiator of every IKE
 * SA, so it is SPIi) names the tunnel; it must come from the responder to
 * the tunnel's address. IKE_SA_INIT answers go to sa_init.c; protected
 * messages pass the message-ID checks (a retransmitted request gets our
 * cached response) and the SK payload's ICV, then go to their exchange.
 */
#include "ikeload.h"

#include <string.h>

static bool to_tunnel(const struct tunnel *t, const struct sockaddr_storage *from,
		      const struct sockaddr_storage *to)
{
	size_t la, lb;
	const uint8_t *a, *b;

	if (!sgw_sockaddr_equal(from, &ld->peer))
		return false;
	if (!to->ss_family)
		return true;		/* no control message: trust the SPI */
	a = sgw_sockaddr_bytes(to, &la);
	b = sgw_sockaddr_bytes(&t->local, &lb);
	return to->ss_family == t->local.ss_family && la == lb && !memcmp(a, b, la);
}

static void on_request(struct tunnel *t, struct ike_msg *m)
{
	if (t->state != T_UP && t->state != T_DELETING) {
		cnt.rx_invalid++;
		return;
	}
	switch (m->hdr.exchange) {
	case IKE_INFORMATIONAL:
		info_on_request(t, m);
		break;
	case IKE_CREATE_CHILD_SA:
		rekey_on_request(t, m);
		break;
	default:
		exchange_respond_error(t, m->hdr.exchange, IKE_N_INVALID_SYNTAX);
		break;
	}
}

static void on_response(struct tunnel *t, struct ike_msg *m)
{
	switch (t->req) {
	case REQ_AUTH:
		if (m->hdr.exchange == IKE_AUTH)
			auth_on_response(t, m);
		break;
	case REQ_DPD:
	case REQ_DELETE_IKE:
	case REQ_DELETE_CHILD:
		if (m->hdr.exchange == IKE_INFORMATIONAL)
			info_on_response(t, m);
		break;
	case REQ_REKEY_CHILD:
	case REQ_REKEY_IKE:
		if (m->hdr.exchange == IKE_CREATE_CHILD_SA)
			rekey_on_response(t, m);
		break;
	default:
		break;
	}
}

static void protected(struct tunnel *t, const uint8_t *pkt, size_t len)
{
	struct ike_msg *m = &ld->msg;
	struct ike_parse_err err;
	size_t plain_len;
	bool response;

	if (ike_msg_parse(pkt, len, m, &err) || !m->sk.present || !t->keys_ready) {
		cnt.rx_invalid++;
		return;
	}
	response = m->hdr.flags & IKE_FLAG_R;
	if (!response) {
		bool again = t->resp && m->hdr.msg_id == t->resp_mid &&
			     m->hdr.msg_id + 1 == t->recv_mid;

		if (!again && m->hdr.msg_id != t->recv_mid) {
			cnt.rx_invalid++;
			return;
		}
		if (ike_sk_unprotect(&t->keys, false, m, ld->plain, sizeof(ld->plain), &plain_len)) {
			cnt.rx_invalid++;
			return;
		}
		if (again) {
			sock_send(t, t->resp, t->resp_len);
			return;
		}
	} else {
		if (t->req == REQ_NONE || t->req == REQ_INIT || m->hdr.msg_id != t->req_mid) {
			/* an answer to one of our retransmissions, once more */
			cnt.rx_late++;
			return;
		}
		if (ike_sk_unprotect(&t->keys, false, m, ld->plain, sizeof(ld->plain), &plain_len)) {
			cnt.rx_invalid++;
			return;
		}
	}
	if (ike_msg_parse_inner(m, ld->plain, plain_len, &err)) {
		cnt.rx_invalid++;
		if (!response && err.notify)
			exchange_respond_error(t, m->hdr.exchange, err.notify);
		return;
	}
	if (response)
		on_response(t, m);
	else
		on_request(t, m);
}

void dispatch_packet(uint8_t *pkt, size_t len, const struct sockaddr_storage *from,
		     const struct sockaddr_storage *to)
{
	struct ike_parse_err err;
	struct ike_hdr h;
	struct tunnel *t;

	if (ike_hdr_parse(pkt, len, &h, &err)) {
		cnt.rx_invalid++;
		return;
	}
	/* the responder never sets I: it is not the IKE SA's initiator */
	t = h.flags & IKE_FLAG_I ? NULL : tunnel_by_spi(h.spi_i);
	if (!t || !to_tunnel(t, from, to)) {
		cnt.rx_unknown++;
		return;
	}
	if (h.exchange == IKE_SA_INIT) {
		if (!(h.flags & IKE_FLAG_R) || t->state != T_INIT_SENT) {
			cnt.rx_late++;
			return;
		}
		if (ike_msg_parse(pkt, len, &ld->msg, &err)) {
			cnt.rx_invalid++;
			return;
		}
		sa_init_on_response(t, &ld->msg);
		return;
	}
	protected(t, pkt, len);
}
