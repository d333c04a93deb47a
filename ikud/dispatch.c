// SPDX-License-Identifier: GPL-2.0
/*
 * Where a datagram goes (RFC 7296 §2.1-2.3): a new IKE_SA_INIT to the
 * responder, a message for an SA another worker owns to that worker's
 * inbox, a protected message to its SA after the message-ID, cache and
 * integrity checks, and from there to the exchange that handles it.
 */
#include "ikud.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void forward(struct shard *s, unsigned int owner, struct gw_socks *gs,
		    bool natt, const uint8_t *pkt, size_t len,
		    const struct sockaddr_storage *peer,
		    const struct sockaddr_storage *local)
{
	struct inbox_msg *m = calloc(1, sizeof(*m) + len);

	if (!m)
		return;
	m->kind = INBOX_PACKET;
	m->peer = *peer;
	m->local = *local;
	m->natt = natt;
	snprintf(m->gw_name, sizeof(m->gw_name), "%s", gs->name);
	m->len = len;
	memcpy(m->data, pkt, len);
	s->st.forwarded++;
	inbox_post(s->d->shards[owner], m);
}

/* A message for an IKE SA we do not have: a request gets INVALID_IKE_SPI
 * when the gateway is told to (unknown-spi notify). */
static void unknown_sa(struct shard *s, struct gw_socks *gs, bool natt,
		       const struct ike_hdr *h, const struct sockaddr_storage *peer)
{
	s->st.rx_dropped++;
	if (!(h->flags & IKE_FLAG_R) && gs->gw->c->unknown_spi_notify && gs->fd[natt] >= 0)
		exchange_reply_invalid_spi(s, gs->fd[natt], natt, peer, h);
}

static void on_request(struct ike_sa *sa, struct ike_msg *m)
{
	switch (m->hdr.exchange) {
	case IKE_AUTH:
		if (sa->state == SA_HALF_OPEN)
			auth_respond(sa, m);
		else
			exchange_respond_error(sa, IKE_AUTH, IKE_N_INVALID_SYNTAX, NULL, 0);
		break;
	case IKE_CREATE_CHILD_SA:
		if (sa->state == SA_ESTABLISHED)
			rekey_on_request(sa, m);
		else
			exchange_respond_error(sa, IKE_CREATE_CHILD_SA,
					 IKE_N_TEMPORARY_FAILURE, NULL, 0);
		break;
	case IKE_INFORMATIONAL:
		if (delete_on_request(sa, m)) {
			rekey_on_peer_delete(sa);
			sa_destroy(sa, sa->state == SA_REKEYED ? "rekeyed SA deleted by the peer"
							       : "deleted by the peer");
		}
		break;
	default:
		sa->shard->st.rx_dropped++;
		break;
	}
}

static void on_response(struct ike_sa *sa, struct ike_msg *m)
{
	enum req_kind k = sa->req;

	switch (k) {
	case REQ_AUTH:
		if (m->hdr.exchange == IKE_AUTH)
			auth_on_response(sa, m);
		break;
	case REQ_DPD:
		if (m->hdr.exchange == IKE_INFORMATIONAL)
			dpd_on_response(sa);
		break;
	case REQ_DELETE_IKE:
	case REQ_DELETE_CHILD:
		if (m->hdr.exchange == IKE_INFORMATIONAL)
			delete_on_response(sa);
		break;
	case REQ_REKEY_CHILD:
	case REQ_REKEY_IKE:
		if (m->hdr.exchange == IKE_CREATE_CHILD_SA)
			rekey_on_response(sa, m);
		break;
	default:
		break;
	}
}

/* Check and decrypt the SK payload into the worker's plain buffer (an SKF
 * only if fragmentation was negotiated). */
static int unprotect(struct ike_sa *sa, struct ike_msg *m, size_t *plain_len)
{
	struct shard *s = sa->shard;

	if ((m->sk.frag && !sa->frag_ok) ||
	    ike_sk_unprotect(&sa->keys, !sa->initiator, m, s->plain, sizeof(s->plain),
			     plain_len)) {
		s->st.rx_invalid++;
		return -1;
	}
	s->plain_len = *plain_len;
	return 0;
}

/* A fragment joins its message: 1 when the message is whole (in the plain
 * buffer, m->sk.first_inner set), 0 while fragments are missing. */
static int reassemble(struct ike_sa *sa, struct ike_msg *m, size_t *plain_len)
{
	uint8_t first;
	int r;

	if (!m->sk.frag)
		return 1;
	r = frag_receive(sa, m, sa->shard->plain, *plain_len, &first);
	if (r <= 0) {
		if (r < 0)
			sa->shard->st.rx_invalid++;
		return 0;
	}
	m->sk.first_inner = first;
	*plain_len = sa->shard->plain_len;
	return 1;
}

static void receive_protected(struct ike_sa *sa, struct gw_socks *gs, bool natt,
			      const uint8_t *pkt, size_t len,
			      const struct sockaddr_storage *peer)
{
	struct shard *s = sa->shard;
	struct ike_msg *m = &s->msg;
	struct ike_parse_err err;
	size_t plain_len;
	uint64_t our_spi;
	bool response;

	if (ike_msg_parse(pkt, len, m, &err) || !m->sk.present || !sa->keys_ready) {
		s->st.rx_invalid++;
		log_debug("gw %s: dropped message: %s", sa->gw_name,
			  err.reason ? err.reason : "not protected");
		return;
	}
	response = m->hdr.flags & IKE_FLAG_R;
	if (!response) {
		bool retransmit = sa->resp_cache_valid &&
				  m->hdr.msg_id == sa->resp_cache_mid &&
				  m->hdr.msg_id + 1 == sa->recv_mid;

		if (!retransmit && m->hdr.msg_id != sa->recv_mid) {
			s->st.rx_dropped++;
			return;
		}
		/* Authenticate before answering anything, even from the cache. */
		if (unprotect(sa, m, &plain_len))
			return;
		if (retransmit) {
			/* a fragmented request: answered once, on its first fragment */
			if (m->sk.frag && m->sk.frag_num != 1)
				return;
			s->st.cached_replies++;
			natd_follow_peer(sa, gs, natt, peer);
			frag_send(sa, &sa->resp_cache);
			return;
		}
	} else {
		if (sa->req == REQ_NONE || m->hdr.msg_id != sa->req_mid) {
			s->st.rx_dropped++;
			return;
		}
		if (unprotect(sa, m, &plain_len))
			return;
	}
	if (sa->parked || !reassemble(sa, m, &plain_len)) {
		if (sa->parked)
			s->st.rx_dropped++;	/* its IKE_AUTH waits for revocation data */
		return;
	}
	if (ike_msg_parse_inner(m, s->plain, plain_len, &err)) {
		s->st.rx_invalid++;
		log_sa(sa, LOG_INFO, "malformed %s %s: %s", ike_exchange_name(m->hdr.exchange),
		       response ? "response" : "request", err.reason);
		if (!response && err.notify) {
			exchange_respond_error(sa, m->hdr.exchange, err.notify, err.data, err.data_len);
			if (sa->state == SA_HALF_OPEN) {
				sa_fail(s, FAIL_SYNTAX);
				sa_destroy(sa, "invalid IKE_AUTH");
			}
		}
		return;
	}
	sa->last_rx_ms = sgw_now_ms();
	sa->dpd_misses = 0;
	natd_follow_peer(sa, gs, natt, peer);
	if (!response) {
		on_request(sa, m);
		return;
	}
	our_spi = sa->initiator ? sa->spi_i : sa->spi_r;
	on_response(sa, m);
	/* the handler may have freed sa; a CHILD_SA rekey that had to wait
	 * for the exchange slot goes now, unless a follow-up took it */
	sa = sa_find(s, our_spi);
	if (sa && sa->req == REQ_NONE)
		rekey_kick(sa);
}

void dispatch_packet(struct shard *s, struct gw_socks *gs, bool natt,
		  uint8_t *pkt, size_t len, const struct sockaddr_storage *peer,
		  const struct sockaddr_storage *local)
{
	struct ike_hdr h;
	struct ike_parse_err err;
	uint64_t ours;
	unsigned int owner;
	struct ike_sa *sa;

	if (ike_hdr_parse(pkt, len, &h, &err)) {
		s->st.rx_invalid++;
		if (err.notify == IKE_N_INVALID_MAJOR_VERSION && len >= IKE_HDR_LEN)
			log_debug("gw %s: IKE version %#x not supported", gs->name, pkt[17]);
		return;
	}
	if (h.exchange == IKE_SA_INIT && !(h.flags & IKE_FLAG_R) && h.spi_r == 0) {
		if (h.msg_id != 0 || !(h.flags & IKE_FLAG_I)) {
			s->st.rx_invalid++;
			return;
		}
		sa_init_respond(s, gs, natt, pkt, len, peer, local);
		return;
	}
	ours = (h.flags & IKE_FLAG_I) ? h.spi_r : h.spi_i;
	owner = (unsigned int)(ours >> IKUD_SHARD_SHIFT);
	if (owner != s->idx) {
		if (owner < s->d->n_shards)
			forward(s, owner, gs, natt, pkt, len, peer, local);
		else
			unknown_sa(s, gs, natt, &h, peer);
		return;
	}
	sa = sa_find(s, ours);
	if (!sa || strcmp(sa->gw_name, gs->name) ||
	    (bool)(h.flags & IKE_FLAG_I) == sa->initiator) {
		unknown_sa(s, gs, natt, &h, peer);
		return;
	}
	if (h.exchange == IKE_SA_INIT) {
		struct ike_msg *m = &s->msg;

		if (sa->state != SA_INIT_SENT || !(h.flags & IKE_FLAG_R) ||
		    ike_msg_parse(pkt, len, m, &err)) {
			s->st.rx_dropped++;
			return;
		}
		sa_init_on_response(sa, m);
		return;
	}
	receive_protected(sa, gs, natt, pkt, len, peer);
}
