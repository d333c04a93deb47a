// SPDX-License-Identifier: GPL-2.0
/*
 * Messages of a tunnel's IKE SA (RFC 7296 §2.1-2.3): protected messages,
 * our requests with a window of one, retransmitted with exponential
 * back-off until --retransmit's limit, and our last response, sent again
 * when the responder retransmits its request.
 */
#include "ikeload.h"

#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

static void retrans_timer(struct sgw_timer *tm, void *arg);

void exchange_begin(struct tunnel *t, struct ike_builder *b, uint8_t exchange,
		    bool response, uint32_t mid)
{
	struct ike_hdr h = {
		.spi_i = t->spi_i,
		.spi_r = t->spi_r,
		.version = IKE_VERSION,
		.exchange = exchange,
		.flags = (uint8_t)(IKE_FLAG_I | (response ? IKE_FLAG_R : 0)),
		.msg_id = mid,
	};

	ike_build_init(b, ld->tx, sizeof(ld->tx), &h);
	ike_build_sk_begin(b, ike_sk_iv_len(&t->keys));
}

static int protect(struct tunnel *t, struct ike_builder *b, size_t *len)
{
	if (b->err || ike_sk_protect(&t->keys, true, b, len)) {
		log_tunnel(t, "cannot build a message");
		return -1;
	}
	return 0;
}

static int keep(uint8_t **dst, uint16_t *dst_len, const uint8_t *src, size_t len)
{
	uint8_t *p = realloc(*dst, len);

	if (!p)
		return -1;
	memcpy(p, src, len);
	*dst = p;
	*dst_len = (uint16_t)len;
	return 0;
}

int exchange_respond(struct tunnel *t, struct ike_builder *b)
{
	size_t len;
	uint32_t mid;

	if (protect(t, b, &len))
		return -1;
	mid = sgw_get_be32(ld->tx + 20);
	if (keep(&t->resp, &t->resp_len, ld->tx, len) == 0)
		t->resp_mid = mid;
	t->recv_mid = mid + 1;
	return sock_send(t, ld->tx, len);
}

void exchange_respond_error(struct tunnel *t, uint8_t exchange, uint16_t type)
{
	struct ike_builder b;

	exchange_begin(t, &b, exchange, true, t->recv_mid);
	ike_build_notify(&b, 0, NULL, 0, type, NULL, 0);
	exchange_respond(t, &b);
}

int exchange_raw_request(struct tunnel *t, const uint8_t *buf, size_t len,
			 enum req_kind kind)
{
	if (keep(&t->req_buf, &t->req_len, buf, len))
		return -1;
	t->req = kind;
	t->req_mid = sgw_get_be32(buf + 20);
	t->req_tries = 1;
	t->req_interval_ms = ld->o.retrans_ms;
	t->req_sent_ms = sgw_now_ms();
	t->t_retrans.fn = retrans_timer;
	sgw_timer_set(&ld->timers, &t->t_retrans, t->req_sent_ms + t->req_interval_ms);
	sock_send(t, t->req_buf, t->req_len);
	return 0;
}

int exchange_request(struct tunnel *t, struct ike_builder *b, enum req_kind kind)
{
	size_t len;

	if (protect(t, b, &len))
		return -1;
	t->send_mid++;
	return exchange_raw_request(t, ld->tx, len, kind);
}

void exchange_send_once(struct tunnel *t, struct ike_builder *b)
{
	size_t len;

	if (!protect(t, b, &len))
		sock_send(t, ld->tx, len);
}

void exchange_done(struct tunnel *t)
{
	sgw_timer_cancel(&ld->timers, &t->t_retrans);
	t->req = REQ_NONE;
}

/* The responder stayed silent to our request: what that means for it. */
static void give_up(struct tunnel *t)
{
	switch (t->req) {
	case REQ_INIT:
	case REQ_AUTH:
		tunnel_fail(t, FAIL_TIMEOUT, t->req == REQ_INIT ? "no answer to IKE_SA_INIT"
								: "no answer to IKE_AUTH");
		break;
	case REQ_DPD:
		cnt.dpd_dead++;
		tunnel_down(t, "no answer to our liveness checks");
		break;
	case REQ_DELETE_IKE:
		tunnel_down(t, "deleted (the responder did not confirm)");
		break;
	default:
		tunnel_down(t, "no answer to our request");
		break;
	}
}

static void retrans_timer(struct sgw_timer *tm, void *arg)
{
	struct tunnel *t = arg;
	struct phase *p = phase_cur();

	(void)tm;
	if (t->req == REQ_NONE)
		return;
	if (t->req_tries >= ld->o.retrans_tries) {
		give_up(t);
		return;
	}
	t->req_tries++;
	if (p)
		p->retransmits++;
	if (t->req_interval_ms < 32000)
		t->req_interval_ms *= 2;
	sgw_timer_set(&ld->timers, &t->t_retrans, sgw_now_ms() + t->req_interval_ms);
	sock_send(t, t->req_buf, t->req_len);
}
