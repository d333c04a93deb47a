// SPDX-License-Identifier: GPL-2.0
/*
 * A worker ("shard"): one thread with its own epoll loop, UDP sockets
 * (joined to the other workers' through SO_REUSEPORT, so the kernel spreads
 * peers over the workers), SA tables, timers and XFRM netlink sockets. A
 * worker owns the IKE SAs whose SPI (ours) carries its index in the top
 * byte; a datagram that lands on another worker (a peer that moved to port
 * 4500) is handed over through the owner's inbox. Nothing here blocks on
 * the network.
 */
#include "ikud.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

enum ev_kind { EV_SOCK = 1, EV_INBOX, EV_XFRM };

static uint64_t ev_data(enum ev_kind k, uint32_t idx)
{
	return (uint64_t)k << 32 | idx;
}

/* --- sockets ---------------------------------------------------------- */

static bool same_endpoint(const struct ike_conf_gateway *a,
			  const struct ike_conf_gateway *b)
{
	return a->local.family == b->local.family &&
	       !memcmp(a->local.addr, b->local.addr, 16) && a->port == b->port &&
	       !strcmp(a->vrf, b->vrf);
}

static void close_socks(struct shard *s, struct gw_socks *g)
{
	int i;

	for (i = 0; i < 2; i++)
		if (g->fd[i] >= 0) {
			epoll_ctl(s->epfd, EPOLL_CTL_DEL, g->fd[i], NULL);
			close(g->fd[i]);
			g->fd[i] = -1;
		}
	g->alive = false;
}

/*
 * (Re)open the sockets for s->conf: gateways whose endpoint did not change
 * keep theirs (and their SAs' fds), the others get new ones. Returns 0, or
 * -1 if some gateway's sockets could not be opened (logged).
 */
int shard_open_sockets(struct shard *s)
{
	const struct ikud_conf *conf = s->conf;
	size_t i, j;
	int ret = 0;

	for (j = 0; j < s->n_socks; j++) {
		const struct gw_rt *ngw;

		if (!s->socks[j].alive)
			continue;
		ngw = config_gw(conf, s->socks[j].name);
		if (!ngw || !same_endpoint(ngw->c, s->socks[j].gw->c)) {
			close_socks(s, &s->socks[j]);
			continue;
		}
		s->socks[j].gw = ngw;
		for (int k = 0; k < 2; k++)
			if (s->socks[j].fd[k] >= 0 && sock_apply(s->socks[j].fd[k], ngw->c))
				log_warn("gateway %s: cannot apply ike-dscp: %s", ngw->c->name,
					 strerror(errno));
	}
	for (i = 0; i < conf->c.n_gateways; i++) {
		const struct gw_rt *gw = &conf->gws[i];
		struct gw_socks *g, *na;
		int k;

		if (sock_find(s, gw->c->name))
			continue;
		for (j = 0; j < s->n_socks && s->socks[j].alive; j++)
			;
		if (j == s->n_socks) {
			na = realloc(s->socks, (s->n_socks + 1) * sizeof(*na));
			if (!na)
				return -1;
			s->socks = na;
			s->n_socks++;
		}
		g = &s->socks[j];
		memset(g, 0, sizeof(*g));
		g->gw = gw;
		snprintf(g->name, sizeof(g->name), "%s", gw->c->name);
		g->fd[0] = sock_open(gw->c, gw->c->port, false);
		g->fd[1] = gw->c->port == IKUD_NATT_PORT ? -1 : sock_open(gw->c, IKUD_NATT_PORT, true);
		if (g->fd[0] < 0 || (gw->c->port != IKUD_NATT_PORT && g->fd[1] < 0)) {
			if (s->idx == 0)
				log_err("gateway %s: cannot open its IKE sockets: %s",
					gw->c->name, strerror(errno));
			g->alive = true;
			close_socks(s, g);
			ret = -1;
			continue;
		}
		g->alive = true;
		for (k = 0; k < 2; k++) {
			struct epoll_event ev = { .events = EPOLLIN,
						  .data.u64 = ev_data(EV_SOCK, (uint32_t)(j * 2 + k)) };

			if (g->fd[k] >= 0)
				epoll_ctl(s->epfd, EPOLL_CTL_ADD, g->fd[k], &ev);
		}
	}
	return ret;
}

/* --- the inbox work --------------------------------------------------------- */

static void stop_all(struct shard *s)
{
	while (s->sas) {
		struct ike_sa *sa = s->sas;

		if (sa->state == SA_ESTABLISHED)
			delete_send_ike(sa);	/* one shot, best effort */
		sa_destroy(sa, "ikud stopping");
	}
	s->stopping = true;
}

/* Move every SA to the new configuration, or drop it if it no longer fits. */
static void apply_reload(struct shard *s, struct ikud_conf *conf)
{
	struct ike_sa *sa, *next;
	char reason[256];

	s->conf = conf;
	for (sa = s->sas; sa; sa = next) {
		const struct gw_rt *gw = config_gw(conf, sa->gw_name);
		const char *why = NULL;

		next = sa->next;
		if (!gw)
			why = "gateway removed from the configuration";
		else if (!same_endpoint(gw->c, sa->gw->c))
			why = "gateway address changed";
		else if (sa->peer_id_set && !gw->pki &&
			 !ike_conf_find_psk(gw->c, &sa->peer_id))
			why = "peer identity no longer allowed";
		else if (sa->peer_id_set && gw->pki && sa->state == SA_ESTABLISHED &&
			 !certauth_still_valid(sa, gw, reason, sizeof(reason)))
			why = reason;
		if (!why) {
			struct child_sa *c;

			for (c = sa->children; c && !why; c = c->next) {
				unsigned int i, j;

				for (i = 0; i < c->n_remote && !why; i++) {
					bool ok = false;

					for (j = 0; j < gw->c->n_remote_ts && !ok; j++)
						ok = ike_ts_within(&c->ts_remote[i],
								   &gw->c->remote_ts[j]);
					if (!ok)
						why = "traffic selectors no longer allowed";
				}
			}
		}
		if (why) {
			if (sa->state == SA_ESTABLISHED)
				delete_send_ike(sa);
			sa_destroy(sa, why);
			continue;
		}
		sa->gw = gw;
	}
	shard_open_sockets(s);
	if (s->idx == 0)
		trap_reload(s);
}

/* New revocation data: tunnels of revoked certificates go. */
static void recheck_certs(struct shard *s)
{
	struct ike_sa *sa, *next;
	char why[256];

	for (sa = s->sas; sa; sa = next) {
		next = sa->next;
		if (sa->state != SA_ESTABLISHED || !certauth_revoked(sa, why, sizeof(why)))
			continue;
		log_sa(sa, LOG_NOTICE, "%s: deleting the IKE SA", why);
		sa_fail(s, FAIL_AUTH);
		delete_send_ike(sa);
		sa_destroy(sa, why);
	}
}

/* The operator names an identity as ikud.conf does; compared by the rule of
 * ike_id_equal(), as everywhere else. */
static bool remote_id_is(const struct ike_sa *sa, const char *text)
{
	struct ike_id id;

	return !ike_id_from_string(text, &id, NULL, 0) && ike_id_equal(&sa->peer_id, &id);
}

static void terminate_matching(struct shard *s, const char *kind, const char *value)
{
	struct ike_sa *sa, *next;

	for (sa = s->sas; sa; sa = next) {
		char peer[64], ip[64];
		bool match = false;

		next = sa->next;
		sgw_sockaddr_format(&sa->peer, peer, sizeof(peer));
		snprintf(ip, sizeof(ip), "%s", peer[0] == '[' ? peer + 1 : peer);
		*strrchr(ip, peer[0] == '[' ? ']' : ':') = 0;
		if (!strcmp(kind, "all"))
			match = true;
		else if (!strcmp(kind, "id"))
			match = strtoull(value, NULL, 0) == sa->uid;
		else if (!strcmp(kind, "gateway"))
			match = !strcmp(value, sa->gw_name);
		else if (!strcmp(kind, "peer"))
			match = !strcmp(value, ip) || !strcmp(value, peer);
		else if (!strcmp(kind, "spi"))
			match = strtoull(value, NULL, 16) == sa->spi_i ||
				strtoull(value, NULL, 16) == sa->spi_r;
		else if (!strcmp(kind, "remote-id") && sa->peer_id_set)
			match = remote_id_is(sa, value);
		if (!match)
			continue;
		if (sa->state == SA_ESTABLISHED)
			delete_send_ike(sa);
		sa_destroy(sa, "terminated by the operator");
	}
}

/* ctl "sa rekey": an IKE SA by id, or a CHILD_SA by inbound SPI (hex). */
static void rekey_matching(struct shard *s, const char *kind, const char *value)
{
	struct ike_sa *sa;

	if (!strcmp(kind, "child")) {
		struct child_sa *c = child_find(s, (uint32_t)strtoul(value, NULL, 16));

		if (c && c->ike && !c->rekeyed && !c->rekeying &&
		    rekey_child_start(c->ike, c))
			log_sa(c->ike, LOG_NOTICE, "CHILD_SA 0x%08x: cannot rekey now",
			       c->spi_in);
		return;
	}
	for (sa = s->sas; sa; sa = sa->next)
		if (sa->uid == strtoull(value, NULL, 0) && rekey_ike_start(sa))
			log_sa(sa, LOG_NOTICE, "cannot rekey the IKE SA now");
}

static void drain_inbox(struct shard *s)
{
	struct inbox_msg *m, *next;

	for (m = inbox_take(s); m; m = next) {
		next = m->next;
		switch (m->kind) {
		case INBOX_PACKET: {
			struct gw_socks *gs = sock_find(s, m->gw_name);

			if (gs)
				dispatch_packet(s, gs, m->natt, m->data, m->len, &m->peer, &m->local);
			break;
		}
		case INBOX_TERMINATE:
			terminate_matching(s, m->sel_kind, m->sel_value);
			break;
		case INBOX_REKEY:
			rekey_matching(s, m->sel_kind, m->sel_value);
			break;
		case INBOX_PURGE_ID:
			sa_purge_id(s, m->gw_name, &m->id, m->keep_uid);
			break;
		case INBOX_RELOAD:
			apply_reload(s, m->conf);
			shard_setup_done(s);
			break;
		case INBOX_STOP:
			stop_all(s);
			break;
		case INBOX_REVOCATION: {
			struct ike_sa *sa = sa_find(s, m->spi);

			if (sa && sa->parked)
				auth_resume(sa);
			break;
		}
		case INBOX_RECHECK:
			recheck_certs(s);
			break;
		case INBOX_PING:
			atomic_store(&s->pong, m->seq);
			break;
		}
		free(m);
	}
}

/* --- receive ------------------------------------------------------------------ */

/* --- receive ------------------------------------------------------------------ */

static void read_socket(struct shard *s, uint32_t idx)
{
	struct gw_socks *gs;
	bool natt = idx & 1;
	int budget = 1024;	/* new IKE_SA_INITs only queue: read what waits */

	if (idx / 2 >= s->n_socks)
		return;
	gs = &s->socks[idx / 2];
	while (budget-- > 0 && gs->alive && gs->fd[natt] >= 0) {
		struct sockaddr_storage peer, local;
		socklen_t plen = sizeof(peer);
		ssize_t n;

		n = recvfrom(gs->fd[natt], s->rx, sizeof(s->rx), MSG_DONTWAIT,
			     (struct sockaddr *)&peer, &plen);
		if (n < 0)
			break;
		s->st.rx_packets++;
		sock_gateway_addr(gs->gw->c, natt ? IKUD_NATT_PORT : gs->gw->c->port, &local);
		if (natt) {
			/* RFC 3948: IKE behind a 4-byte non-ESP marker; 0xff keepalives. */
			if (n < 4 || memcmp(s->rx, "\0\0\0\0", 4)) {
				s->st.rx_dropped++;
				continue;
			}
			memmove(s->rx, s->rx + 4, (size_t)n - 4);
			n -= 4;
		}
		if (backlog_wants(s->rx, (size_t)n)) {
			backlog_push(s, idx, s->rx, (size_t)n, &peer, &local);
			continue;
		}
		backlog_note_ahead(s);
		dispatch_packet(s, gs, natt, s->rx, (size_t)n, &peer, &local);
	}
}

static void on_xfrm_event(void *arg, const struct xfrm_event *e)
{
	struct shard *s = arg;

	if (e->type == XFRM_EV_SA_EXPIRE)
		rekey_on_expire(s, e);
	else if (e->type == XFRM_EV_ACQUIRE)
		trap_on_acquire(s, e);
}

static void *shard_main(void *arg)
{
	struct shard *s = arg;
	struct epoll_event evs[64];
	bool waiting = false;		/* IKE_SA_INITs in the backlog */

	while (!s->stopping) {
		int n, i, timeout = waiting ? 0 : sgw_timer_next(&s->timers, sgw_now_ms());

		n = epoll_wait(s->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			log_err("shard %u: epoll_wait: %s", s->idx, strerror(errno));
			break;
		}
		pthread_mutex_lock(&s->lock);
		for (i = 0; i < n; i++) {
			uint64_t d = evs[i].data.u64;

			switch ((enum ev_kind)(d >> 32)) {
			case EV_SOCK:
				read_socket(s, (uint32_t)d);
				break;
			case EV_INBOX:
				drain_inbox(s);
				break;
			case EV_XFRM:
				if (xfrm_events_process(s->xev, on_xfrm_event, s) < 0)
					log_debug("shard %u: xfrm events: %s", s->idx,
						  strerror(errno));
				break;
			}
		}
		sgw_timer_run(&s->timers, sgw_now_ms());
		waiting = backlog_run(s, INIT_BACKLOG_BUDGET);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

struct shard *shard_new(struct daemon *d, unsigned int idx)
{
	struct shard *s = calloc(1, sizeof(*s));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!s)
		return NULL;
	s->d = d;
	s->idx = idx;
	s->conf = d->conf;
	s->inbox_tail = &s->inbox;
	s->backlog_tail = &s->backlog;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->inbox_lock, NULL);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->epfd < 0 || s->evfd < 0)
		goto fail;
	if (sgw_htab_init(&s->ike_by_spi, 1024) || sgw_htab_init(&s->ike_by_init, 256) ||
	    sgw_htab_init(&s->ike_by_id, 1024) || sgw_htab_init(&s->child_by_spi, 1024) ||
	    sgw_htab_init(&s->backlog_by_init, 256))
		goto fail;
	ev.data.u64 = ev_data(EV_INBOX, 0);
	epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->evfd, &ev);
	s->xfrm = xfrm_open(-1, NULL);
	if (!s->xfrm) {
		log_err("shard %u: cannot open XFRM netlink: %s", idx, strerror(errno));
		goto fail;
	}
	/* worker 0 holds the traps (trap.c): acquires go to it alone */
	s->xev = xfrm_events_open(-1, XFRM_EVENTS_EXPIRE | (idx ? 0 : XFRM_EVENTS_ACQUIRE));
	if (s->xev) {
		ev.data.u64 = ev_data(EV_XFRM, 0);
		epoll_ctl(s->epfd, EPOLL_CTL_ADD, xfrm_events_fd(s->xev), &ev);
	} else {
		log_warn("shard %u: no XFRM expire events (%s): no kernel-driven rekeying",
			 idx, strerror(errno));
	}
	return s;
fail:
	shard_join_free(s);
	return NULL;
}

int shard_start(struct shard *s)
{
	return pthread_create(&s->thread, NULL, shard_main, s);
}

void shard_setup_done(struct shard *s)
{
	struct daemon *d = s->d;

	pthread_mutex_lock(&d->reload_lock);
	if (d->reload_pending)
		d->reload_pending--;
	pthread_cond_broadcast(&d->reload_cond);
	pthread_mutex_unlock(&d->reload_lock);
}

void shard_join_free(struct shard *s)
{
	size_t i;

	if (!s)
		return;
	if (s->thread)
		pthread_join(s->thread, NULL);
	while (s->sas)
		sa_destroy(s->sas, "ikud stopping");
	for (i = 0; i < s->n_socks; i++)
		if (s->socks[i].alive)
			close_socks(s, &s->socks[i]);
	free(s->socks);
	inbox_free_all(s);
	backlog_free(s);
	sgw_timer_heap_free(&s->timers);
	sgw_htab_free(&s->ike_by_spi);
	sgw_htab_free(&s->ike_by_init);
	sgw_htab_free(&s->ike_by_id);
	sgw_htab_free(&s->child_by_spi);
	sgw_htab_free(&s->backlog_by_init);
	if (s->xev)
		xfrm_events_close(s->xev);
	if (s->xfrm)
		xfrm_close(s->xfrm);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->evfd >= 0)
		close(s->evfd);
	free(s);
}
