// SPDX-License-Identifier: GPL-2.0
/*
 * IKE fragmentation (RFC 7383), once both sides announced it in
 * IKE_SA_INIT and the gateway allows it (`fragmentation`): a protected
 * message that would exceed the gateway's fragment size as an IP datagram
 * goes as SKF messages, each encrypted and authenticated on its own, and
 * kept packed (2-byte length | message ...) for retransmission; the
 * peer's fragments are decrypted one by one (dispatch.c) and joined here
 * within FRAG_MAX_FRAGMENTS fragments and FRAG_MAX_BYTES per IKE SA.
 */
#include "ikud.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"
#include "ike/ike_frag.h"

int frag_send(struct ike_sa *sa, const struct sent_msg *m)
{
	size_t off = 0;
	int ret = 0;

	if (!m->packed)
		return sock_send(sa, m->buf, m->len);
	while (off + 2 <= m->len) {
		size_t n = sgw_get_be16(m->buf + off);

		if (off + 2 + n > m->len)
			return -1;
		ret |= sock_send(sa, m->buf + off + 2, n);
		off += 2 + n;
	}
	return ret;
}

/* The message protected whole in the shard's tx buffer, copied. */
static int protect_whole(struct ike_sa *sa, struct ike_builder *b, struct sent_msg *out)
{
	size_t len;

	if (ike_sk_protect(&sa->keys, sa->initiator, b, &len) || !(out->buf = malloc(len)))
		return -1;
	memcpy(out->buf, sa->shard->tx, len);
	out->len = (uint32_t)len;
	return 0;
}

/* Room for one IKE message in a datagram of the gateway's fragment size. */
static size_t datagram_room(const struct ike_sa *sa)
{
	size_t over = (sa->peer.ss_family == AF_INET6 ? 40 : 20) + 8 + (sa->natt ? 4 : 0);

	return sa->gw->c->fragment_size > over ? sa->gw->c->fragment_size - over : 0;
}

/* The header of the message in b, for its fragments. */
static void header_of(const struct ike_builder *b, struct ike_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->spi_i = sgw_get_be64(b->buf);
	h->spi_r = sgw_get_be64(b->buf + 8);
	h->version = b->buf[17];
	h->exchange = b->buf[18];
	h->flags = b->buf[19];
	h->msg_id = sgw_get_be32(b->buf + 20);
}

int frag_protect(struct ike_sa *sa, struct ike_builder *b, struct sent_msg *out)
{
	size_t room = datagram_room(sa), iv = b->sk_iv_len, trailer = ike_sk_trailer_max(&sa->keys);
	size_t ct_off = b->sk_off + b->sk_hdr_len + iv, plain_len, chunk, total, off, at = 0;
	const uint8_t *plain;
	struct ike_hdr h;
	uint8_t first, *buf;

	memset(out, 0, sizeof(*out));
	if (b->err || !b->sk_off)
		return -1;
	if (!sa->frag_ok || !sa->gw->c->fragmentation || b->len + trailer <= room ||
	    room <= IKE_HDR_LEN + 8 + iv + trailer + 16)
		return protect_whole(sa, b, out);
	chunk = room - IKE_HDR_LEN - 8 - iv - trailer;
	plain = b->buf + ct_off;
	plain_len = b->len - ct_off;
	total = (plain_len + chunk - 1) / chunk;
	first = b->buf[b->sk_off];
	header_of(b, &h);
	buf = malloc(total * (room + 2));
	if (!buf || total > 0xffff) {
		free(buf);
		return -1;
	}
	for (off = 0; off < plain_len; off += chunk) {
		struct ike_builder fb;
		size_t n = plain_len - off < chunk ? plain_len - off : chunk, flen;

		ike_build_init(&fb, buf + at + 2, room, &h);
		ike_build_skf_begin(&fb, iv, (uint16_t)(off / chunk + 1), (uint16_t)total, first);
		ike_build_raw(&fb, plain + off, n);
		if (ike_sk_protect(&sa->keys, sa->initiator, &fb, &flen)) {
			free(buf);
			return -1;
		}
		sgw_put_be16(buf + at, (uint16_t)flen);
		at += 2 + flen;
	}
	log_sa(sa, LOG_DEBUG, "%s message %u: %zu bytes in %zu fragments",
	       ike_exchange_name(h.exchange), h.msg_id, plain_len, total);
	out->buf = buf;
	out->len = (uint32_t)at;
	out->packed = true;
	return 0;
}

int frag_receive(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *plain,
		 size_t plain_len, uint8_t *first)
{
	struct shard *s = sa->shard;
	enum ike_frag_result r;

	if (!sa->frag_rx) {
		sa->frag_rx = malloc(sizeof(*sa->frag_rx));
		if (!sa->frag_rx)
			return -1;
		ike_frag_rx_init(sa->frag_rx, FRAG_MAX_FRAGMENTS, FRAG_MAX_BYTES);
	}
	r = ike_frag_rx_add(sa->frag_rx, m->hdr.msg_id, m->hdr.flags & IKE_FLAG_R,
			    m->sk.frag_num, m->sk.frag_total, m->sk.first_inner, plain, plain_len);
	if (r == IKE_FRAG_REFUSED) {
		log_sa(sa, LOG_NOTICE, "fragment %u/%u of message %u refused: more than %u "
		       "fragments or %u bytes", m->sk.frag_num, m->sk.frag_total, m->hdr.msg_id,
		       FRAG_MAX_FRAGMENTS, FRAG_MAX_BYTES);
		return -1;
	}
	if (r == IKE_FRAG_MORE)
		return 0;
	s->plain_len = ike_frag_rx_join(sa->frag_rx, s->plain, sizeof(s->plain), first);
	log_sa(sa, LOG_DEBUG, "%s message %u reassembled from %u fragments (%zu bytes)",
	       ike_exchange_name(m->hdr.exchange), m->hdr.msg_id, m->sk.frag_total, s->plain_len);
	return s->plain_len ? 1 : -1;
}
