// SPDX-License-Identifier: GPL-2.0
/*
 * Message I/O of IKE SAs (RFC 7296 §2.1-2.3): building protected messages,
 * the response cache that answers retransmitted requests, our requests
 * with a window of one, retransmitted with exponential back-off and a
 * limit, and unprotected error replies to IKE_SA_INIT.
 */
#include "ikud.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

static void retrans_timer(struct sgw_timer *t, void *arg);

void exchange_begin(struct ike_sa *sa, struct ike_builder *b, uint8_t exchange,
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

/* The message in b protected, whole or in fragments (frag.c), into *m
 * to be kept for retransmissions. */
static int protect(struct ike_sa *sa, struct ike_builder *b, struct sent_msg *m)
{
	if (b->err || frag_protect(sa, b, m)) {
		log_sa(sa, LOG_ERR, "cannot build message");
		return -1;
	}
	return 0;
}

int exchange_send_response(struct ike_sa *sa, struct ike_builder *b)
{
	uint32_t mid = sgw_get_be32(b->buf + 20);
	struct sent_msg m;

	if (protect(sa, b, &m))
		return -1;
	free(sa->resp_cache.buf);
	sa->resp_cache = m;
	sa->resp_cache_valid = true;
	sa->resp_cache_mid = mid;
	sa->recv_mid = mid + 1;
	return frag_send(sa, &sa->resp_cache);
}

/* Our request (m's bytes now the SA's): sent, retransmitted until answered. */
static int track_request(struct ike_sa *sa, const struct sent_msg *m, enum req_kind kind,
			 uint32_t mid, uint32_t interval_ms, uint8_t tries)
{
	free(sa->req_msg.buf);
	sa->req_msg = *m;
	sa->req = kind;
	sa->req_mid = mid;
	sa->req_tries = 1;
	sa->req_max_tries = tries;
	sa->req_interval_ms = interval_ms;
	sa->t_retrans.fn = retrans_timer;
	sgw_timer_set(&sa->shard->timers, &sa->t_retrans, sgw_now_ms() + interval_ms);
	return frag_send(sa, &sa->req_msg);
}

int exchange_send_raw_request(struct ike_sa *sa, const uint8_t *buf, size_t len,
			enum req_kind kind, uint32_t mid, uint32_t interval_ms,
			uint8_t tries)
{
	struct sent_msg m = { .buf = malloc(len), .len = (uint32_t)len };

	if (!m.buf)
		return -1;
	memcpy(m.buf, buf, len);
	return track_request(sa, &m, kind, mid, interval_ms, tries);
}

int exchange_send_request(struct ike_sa *sa, struct ike_builder *b, enum req_kind kind,
		    uint32_t interval_ms, uint8_t tries)
{
	struct sent_msg m;

	if (protect(sa, b, &m))
		return -1;
	return track_request(sa, &m, kind, sa->send_mid++, interval_ms, tries);
}

/* Our request was answered (or abandoned): the exchange slot is free. */
void exchange_done(struct ike_sa *sa)
{
	sgw_timer_cancel(&sa->shard->timers, &sa->t_retrans);
	sa->req = REQ_NONE;
	sa->req_child = NULL;
	ike_dh_free(sa->req_dh);
	sa->req_dh = NULL;
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
	frag_send(sa, &sa->req_msg);
}

/* An unprotected message of one notify, answering req from peer. */
static void reply_unprotected(struct shard *s, int fd, bool natt,
			      const struct sockaddr_storage *peer,
			      const struct ike_hdr *h, uint16_t type,
			      const uint8_t *data, size_t len)
{
	struct ike_builder b;
	size_t n;

	ike_build_init(&b, s->tx, sizeof(s->tx), h);
	ike_build_notify(&b, 0, NULL, 0, type, data, len);
	n = ike_build_end(&b);
	if (n) {
		s->st.tx_packets++;
		sock_send_to(fd, natt, peer, s->tx, n);
	}
}

void exchange_reply_init_notify(struct shard *s, int fd, bool natt,
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

	reply_unprotected(s, fd, natt, peer, &h, type, data, len);
}

/* Answers sent per second and worker, at most (§2.21.4 asks for a limit). */
#define INVALID_SPI_PER_SEC 200

/*
 * A request for an IKE SA we do not know (RFC 7296 §2.21.4): the peer
 * may have lost its SA because we did (a restart), or because its
 * gateway's anycast address moved here. An unprotected INVALID_IKE_SPI
 * with the same SPIs and message ID tells it at once, instead of after
 * its retransmissions time out. Rate limited per worker.
 */
void exchange_reply_invalid_spi(struct shard *s, int fd, bool natt,
				const struct sockaddr_storage *peer,
				const struct ike_hdr *req)
{
	static _Thread_local uint64_t second;
	static _Thread_local unsigned int sent;
	uint64_t now = sgw_now_ms() / 1000;
	struct ike_hdr h = {
		.spi_i = req->spi_i,
		.spi_r = req->spi_r,
		.version = IKE_VERSION,
		.exchange = req->exchange,
		/* a response, and ours only if the peer is not the initiator */
		.flags = IKE_FLAG_R | ((req->flags & IKE_FLAG_I) ? 0 : IKE_FLAG_I),
		.msg_id = req->msg_id,
	};

	if (now != second) {
		second = now;
		sent = 0;
	}
	if (sent++ >= INVALID_SPI_PER_SEC)
		return;
	reply_unprotected(s, fd, natt, peer, &h, IKE_N_INVALID_IKE_SPI, NULL, 0);
}

void exchange_respond_error(struct ike_sa *sa, uint8_t exchange, uint16_t type,
		      const uint8_t *data, size_t len)
{
	struct ike_builder b;

	exchange_begin(sa, &b, exchange, true, sa->recv_mid);
	ike_build_notify(&b, 0, NULL, 0, type, data, len);
	exchange_send_response(sa, &b);
}
