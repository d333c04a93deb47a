// SPDX-License-Identifier: GPL-2.0
/*
 * New IKE_SA_INITs wait their turn. A worker reads what its sockets hold,
 * handles at once every message of an existing SA (liveness checks,
 * IKE_AUTHs of set-ups under way, rekeys, deletes) and queues the new
 * IKE_SA_INITs, of which it answers a few per turn of its loop. A storm of
 * set-ups costs a DH computation each; without this, the liveness check
 * of an established tunnel would wait behind all of them, and peers with
 * aggressive DPD timers would declare the loaded gateway dead and join the
 * storm (strongSwan orders its jobs by priority for the same reason).
 * The requests waiting count with the half-open SAs towards the cookie
 * threshold (sa_init.c): a queue that grows is load, like state.
 */
#include "ikud.h"
#include "log.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct init_wait {
	struct init_wait *next;
	struct sgw_hnode by_init;	/* sa_init_key(), in s->backlog_by_init */
	uint64_t spi_i;
	uint32_t sock;			/* index into the shard's sockets, NAT-T bit */
	char gw_name[IKE_CONF_NAME_MAX];	/* the slot may have been reused */
	struct sockaddr_storage peer, local;
	size_t len;
	uint8_t data[];
};

/* A request that opens a new IKE SA (the header is all we look at). */
bool backlog_wants(const uint8_t *pkt, size_t len)
{
	struct ike_hdr h;
	struct ike_parse_err err;

	return !ike_hdr_parse(pkt, len, &h, &err) && h.exchange == IKE_SA_INIT &&
	       !(h.flags & IKE_FLAG_R) && h.spi_r == 0;
}

/* The initiator's SPI of a request backlog_wants() took. */
static uint64_t init_spi(const uint8_t *pkt)
{
	return sgw_get_be64(pkt);
}

/*
 * The same peer's request for the same SPI already waits: a retransmission
 * (or the request again with a cookie, whose answer the first one's would
 * anyway have asked for). Answering both would cost a DH computation twice.
 */
static bool backlog_has(const struct shard *s, uint64_t spi,
			const struct sockaddr_storage *peer)
{
	const struct sgw_hnode *n;

	for (n = sgw_htab_first(&s->backlog_by_init, sa_init_key(spi, peer)); n;
	     n = sgw_htab_next(n)) {
		const struct init_wait *w = (const void *)((const char *)n -
							   offsetof(struct init_wait, by_init));

		if (w->spi_i == spi && sgw_sockaddr_equal(&w->peer, peer))
			return true;
	}
	return false;
}

/*
 * Queue a new IKE_SA_INIT that came in on socket sock (its gateway
 * socks[sock / 2], NAT-T if odd). Beyond INIT_BACKLOG_MAX it is dropped:
 * the peer sends it again. So is a request of a peer and SPI that waits,
 * and one larger than IKUD_INIT_MAX: the queue holds at most 16 MiB.
 */
void backlog_push(struct shard *s, uint32_t sock, const uint8_t *pkt, size_t len,
		  const struct sockaddr_storage *peer, const struct sockaddr_storage *local)
{
	uint64_t spi = init_spi(pkt);
	struct init_wait *w;

	/* larger ones are refused when answered (sa_init.c): never hold them */
	if (len > IKUD_INIT_MAX || backlog_has(s, spi, peer)) {
		s->st.rx_dropped++;
		return;
	}
	if (s->backlog_len >= INIT_BACKLOG_MAX ||
	    !(w = malloc(sizeof(*w) + len))) {
		s->st.init_backlog_dropped++;
		s->st.rx_dropped++;
		return;
	}
	w->next = NULL;
	w->sock = sock;
	snprintf(w->gw_name, sizeof(w->gw_name), "%s", s->socks[sock / 2].name);
	w->peer = *peer;
	w->local = *local;
	w->len = len;
	memcpy(w->data, pkt, len);
	w->spi_i = spi;
	sgw_htab_add(&s->backlog_by_init, &w->by_init, sa_init_key(spi, peer));
	*s->backlog_tail = w;
	s->backlog_tail = &w->next;
	s->backlog_len++;
	s->st.init_backlog = s->backlog_len;
	atomic_fetch_add(&s->d->init_waiting, 1);
}

static struct init_wait *backlog_pop(struct shard *s)
{
	struct init_wait *w = s->backlog;

	if (!w)
		return NULL;
	s->backlog = w->next;
	if (!s->backlog)
		s->backlog_tail = &s->backlog;
	sgw_htab_del(&s->backlog_by_init, &w->by_init);
	s->backlog_len--;
	s->st.init_backlog = s->backlog_len;
	atomic_fetch_sub(&s->d->init_waiting, 1);
	return w;
}

/* A message of an existing SA is about to be handled: count it if it
 * goes ahead of waiting IKE_SA_INITs. */
void backlog_note_ahead(struct shard *s)
{
	if (s->backlog_len)
		s->st.answered_ahead++;
}

/* Answer up to budget waiting IKE_SA_INITs; whether some still wait. */
bool backlog_run(struct shard *s, unsigned int budget)
{
	struct init_wait *w;

	while (budget-- > 0 && (w = backlog_pop(s))) {
		struct gw_socks *gs = w->sock / 2 < s->n_socks ? &s->socks[w->sock / 2] : NULL;

		/* its gateway went away or changed its sockets meanwhile */
		if (gs && gs->alive && gs->fd[w->sock & 1] >= 0 && !strcmp(gs->name, w->gw_name))
			dispatch_packet(s, gs, w->sock & 1, w->data, w->len, &w->peer, &w->local);
		else
			s->st.rx_dropped++;
		free(w);
	}
	return s->backlog != NULL;
}

void backlog_free(struct shard *s)
{
	struct init_wait *w;

	while ((w = backlog_pop(s)))
		free(w);
}
