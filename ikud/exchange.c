// SPDX-License-Identifier: GPL-2.0
/*
 * Message I/O of IKE SAs (RFC 7296 §2.1-2.3): dispatch of received
 * datagrams to their SA, message-ID checks with a window of one, the
 * response cache that answers retransmitted requests, and retransmission of
 * our own requests with exponential back-off and a limit.
 */
#include "ikud.h"
#include "log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void retrans_timer(struct sgw_timer *t, void *arg);

void ex_begin(struct ike_sa *sa, struct ike_builder *b, uint8_t exchange,
	      bool response, uint32_t mid)
{
	struct ike_hdr h = {
		.spi_i = sa->spi_i,
		.spi_r = sa->spi_r,
		.version = IKE_VERSION,
		.exchange = exchange,
		.flags = (uint8_t)((sa->initiator ? IKE_FLAG_I : 0) |
				   (response ? IKE_FLAG_R : 0)),
		.msg_id = mid,
	};

	ike_build_init(b, sa->shard->tx, sizeof(sa->shard->tx), &h);
	ike_build_sk_begin(b, ike_sk_iv_len(&sa->keys));
}

static int protect(struct ike_sa *sa, struct ike_builder *b, size_t *len)
{
	if (b->err || ike_sk_protect(&sa->keys, sa->initiator, b, len)) {
		sa_log(sa, LOG_ERR, "cannot build message");
		return -1;
	}
	return 0;
}

static int keep_copy(uint8_t **dst, uint16_t *dst_len, const uint8_t *src, size_t len)
{
	uint8_t *p = realloc(*dst, len);

	if (!p)
		return -1;
	memcpy(p, src, len);
	*dst = p;
	*dst_len = (uint16_t)len;
	return 0;
}

int ex_send_response(struct ike_sa *sa, struct ike_builder *b)
{
	size_t len;
	uint32_t mid;

	if (protect(sa, b, &len))
		return -1;
	mid = sgw_get_be32(sa->shard->tx + 20);
	if (keep_copy(&sa->resp_cache, &sa->resp_cache_len, sa->shard->tx, len) == 0) {
		sa->resp_cache_valid = true;
		sa->resp_cache_mid = mid;
	} else {
		sa->resp_cache_valid = false;
	}
	sa->recv_mid = mid + 1;
	return ikud_send(sa, sa->shard->tx, len);
}

int ex_send_raw_request(struct ike_sa *sa, const uint8_t *buf, size_t len,
			enum req_kind kind, uint32_t mid, uint32_t interval_ms,
			uint8_t tries)
{
	if (keep_copy(&sa->req_buf, &sa->req_len, buf, len))
		return -1;
	sa->req = kind;
	sa->req_mid = mid;
	sa->req_tries = 1;
	sa->req_max_tries = tries;
	sa->req_interval_ms = interval_ms;
	sa->t_retrans.fn = retrans_timer;
	sgw_timer_set(&sa->shard->timers, &sa->t_retrans, sgw_now_ms() + interval_ms);
	return ikud_send(sa, sa->req_buf, sa->req_len);
}

int ex_send_request(struct ike_sa *sa, struct ike_builder *b, enum req_kind kind,
		    uint32_t interval_ms, uint8_t tries)
{
	size_t len;

	if (protect(sa, b, &len))
		return -1;
	return ex_send_raw_request(sa, sa->shard->tx, len, kind, sa->send_mid++,
				   interval_ms, tries);
}

/* Work that waited for the exchange slot (window size 1). */
static void pending_timer(struct sgw_timer *t, void *arg)
{
	struct ike_sa *sa = arg;

	(void)t;
	if (sa->req == REQ_NONE && sa->state == SA_ESTABLISHED)
		rekey_pending(sa);
}

void ex_request_done(struct ike_sa *sa)
{
	struct child_sa *c;

	sgw_timer_cancel(&sa->shard->timers, &sa->t_retrans);
	sa->req = REQ_NONE;
	sa->req_child = NULL;
	ike_dh_free(sa->req_dh);
	sa->req_dh = NULL;
	for (c = sa->children; c; c = c->next)
		if (c->rekey_due) {
			/* after the caller's follow-up request, if it sends one */
			sa->t_retrans.fn = pending_timer;
			sgw_timer_set(&sa->shard->timers, &sa->t_retrans, sgw_now_ms() + 50);
			break;
		}
}

static void retrans_timer(struct sgw_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	struct shard *s = sa->shard;

	(void)t;
	if (sa->req == REQ_NONE)
		return;
	if (sa->req_tries >= sa->req_max_tries) {
		enum req_kind k = sa->req;

		if (k == REQ_DPD) {
			sa_fail(s, FAIL_DPD);
			s->st.failures[FAIL_DPD] += 0;
			sa_destroy(sa, "peer dead (no answer to liveness checks)");
		} else if (k == REQ_DELETE_IKE) {
			sa_destroy(sa, "deleted (peer did not confirm)");
		} else {
			sa_fail(s, FAIL_TIMEOUT);
			sa_destroy(sa, "peer did not answer our request");
		}
		return;
	}
	sa->req_tries++;
	s->st.retransmits++;
	if (sa->req != REQ_DPD && sa->req_interval_ms < 32000)
		sa->req_interval_ms *= 2;	/* back-off; DPD keeps its interval */
	if (sa->req == REQ_DPD)
		s->st.dpd_probes++;
	sgw_timer_set(&s->timers, &sa->t_retrans, sgw_now_ms() + sa->req_interval_ms);
	ikud_send(sa, sa->req_buf, sa->req_len);
}

void ex_reply_init_notify(struct shard *s, int fd, bool natt,
			  const struct sockaddr_storage *peer,
			  const struct ike_hdr *req, uint16_t type,
			  const uint8_t *data, size_t len)
{
	struct ike_hdr h = {
		.spi_i = req->spi_i,
		.spi_r = 0,
		.version = IKE_VERSION,
		.exchange = IKE_SA_INIT,
		.flags = IKE_FLAG_R,
		.msg_id = 0,
	};
	struct ike_builder b;
	size_t n;

	ike_build_init(&b, s->tx, sizeof(s->tx), &h);
	ike_build_notify(&b, 0, NULL, 0, type, data, len);
	n = ike_build_end(&b);
	if (n) {
		s->st.tx_packets++;
		ikud_send_to(fd, natt, peer, s->tx, n);
	}
}

void ex_respond_error(struct ike_sa *sa, uint8_t exchange, uint16_t type,
		      const uint8_t *data, size_t len)
{
	struct ike_builder b;

	ex_begin(sa, &b, exchange, true, sa->recv_mid);
	ike_build_notify(&b, 0, NULL, 0, type, data, len);
	ex_send_response(sa, &b);
}

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
	shard_post(s->d->shards[owner], m);
}

/* A peer behind a NAT may change its port (or float to 4500): follow it once
 * a message from the new address authenticated. */
static void follow_peer(struct ike_sa *sa, struct gw_socks *gs, bool natt,
			const struct sockaddr_storage *peer)
{
	size_t a, b;
	const uint8_t *x = addr_bytes(peer, &a), *y = addr_bytes(&sa->peer, &b);

	if (natt && !sa->natt) {
		/* Our side floated too: ESP-in-UDP must leave from 4500, the
		 * source the peer's NAT mapping knows. */
		sa->natt = true;
		sa->fd = gs->fd[1];
		addr_set_port(&sa->local, IKUD_NATT_PORT);
	}
	if (a == b && !memcmp(x, y, a) && addr_port(peer) == addr_port(&sa->peer))
		return;
	if (!sa->nat_peer && !natt)
		return;		/* no NAT: addresses do not move (no MOBIKE) */
	sa->peer = *peer;
}

static void on_request(struct ike_sa *sa, struct ike_msg *m)
{
	switch (m->hdr.exchange) {
	case IKE_AUTH:
		if (sa->state == SA_HALF_OPEN)
			resp_ike_auth(sa, m);
		else
			ex_respond_error(sa, IKE_AUTH, IKE_N_INVALID_SYNTAX, NULL, 0);
		break;
	case IKE_CREATE_CHILD_SA:
		if (sa->state == SA_ESTABLISHED)
			rekey_on_request(sa, m);
		else
			ex_respond_error(sa, IKE_CREATE_CHILD_SA,
					 IKE_N_TEMPORARY_FAILURE, NULL, 0);
		break;
	case IKE_INFORMATIONAL:
		info_on_request(sa, m);
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
			init_on_auth_response(sa, m);
		break;
	case REQ_DPD:
	case REQ_DELETE_IKE:
	case REQ_DELETE_CHILD:
		if (m->hdr.exchange == IKE_INFORMATIONAL)
			info_on_response(sa, m);
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

static void receive_protected(struct ike_sa *sa, struct gw_socks *gs, bool natt,
			      const uint8_t *pkt, size_t len,
			      const struct sockaddr_storage *peer)
{
	struct shard *s = sa->shard;
	struct ike_msg *m = &s->msg;
	struct ike_parse_err err;
	size_t plain_len;
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
		if (ike_sk_unprotect(&sa->keys, !sa->initiator, m, s->plain,
				     sizeof(s->plain), &plain_len)) {
			s->st.rx_invalid++;
			return;
		}
		if (retransmit) {
			s->st.cached_replies++;
			follow_peer(sa, gs, natt, peer);
			ikud_send(sa, sa->resp_cache, sa->resp_cache_len);
			return;
		}
	} else {
		if (sa->req == REQ_NONE || m->hdr.msg_id != sa->req_mid) {
			s->st.rx_dropped++;
			return;
		}
		if (ike_sk_unprotect(&sa->keys, !sa->initiator, m, s->plain,
				     sizeof(s->plain), &plain_len)) {
			s->st.rx_invalid++;
			return;
		}
	}
	if (ike_msg_parse_inner(m, s->plain, plain_len, &err)) {
		s->st.rx_invalid++;
		sa_log(sa, LOG_INFO, "malformed %s %s: %s", ike_exchange_name(m->hdr.exchange),
		       response ? "response" : "request", err.reason);
		if (!response && err.notify) {
			ex_respond_error(sa, m->hdr.exchange, err.notify, err.data, err.data_len);
			if (sa->state == SA_HALF_OPEN) {
				sa_fail(s, FAIL_SYNTAX);
				sa_destroy(sa, "invalid IKE_AUTH");
			}
		}
		return;
	}
	sa->last_rx_ms = sgw_now_ms();
	sa->dpd_misses = 0;
	follow_peer(sa, gs, natt, peer);
	if (response)
		on_response(sa, m);
	else
		on_request(sa, m);
}

void ikud_receive(struct shard *s, struct gw_socks *gs, bool natt,
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
		resp_sa_init(s, gs, natt, pkt, len, peer, local);
		return;
	}
	ours = (h.flags & IKE_FLAG_I) ? h.spi_r : h.spi_i;
	owner = (unsigned int)(ours >> IKUD_SHARD_SHIFT);
	if (owner != s->idx) {
		if (owner < s->d->n_shards)
			forward(s, owner, gs, natt, pkt, len, peer, local);
		else
			s->st.rx_dropped++;
		return;
	}
	sa = sa_find(s, ours);
	if (!sa || strcmp(sa->gw_name, gs->name) ||
	    (bool)(h.flags & IKE_FLAG_I) == sa->initiator) {
		s->st.rx_dropped++;
		return;
	}
	if (h.exchange == IKE_SA_INIT) {
		struct ike_msg *m = &s->msg;

		if (sa->state != SA_INIT_SENT || !(h.flags & IKE_FLAG_R) ||
		    ike_msg_parse(pkt, len, m, &err)) {
			s->st.rx_dropped++;
			return;
		}
		init_on_sa_init_response(sa, m);
		return;
	}
	receive_protected(sa, gs, natt, pkt, len, peer);
}
