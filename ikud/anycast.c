// SPDX-License-Identifier: GPL-2.0
/*
 * anycast: ikud as the IKE service of sgw.ko's anycast groups.
 *
 * A gateway with `anycast NAME;` makes ikud register with that group over
 * the sgw generic netlink family, on one socket kept open for the daemon's
 * life: when ikud dies, the kernel closes the socket and the group (if it
 * tracks ikud) withdraws its address at once. Registration happens once
 * the workers serve their sockets, and goes first when ikud stops.
 *
 * Heartbeats prove more than a live main thread: every heartbeat_ms / 3
 * the main thread asks each worker, through its inbox, for a sign of life,
 * and sends the heartbeats only when every worker answered the previous
 * request. A stopped ikud or a worker stuck in a loop misses them, and the
 * group withdraws after heartbeat_ms. The gateway's `local` address must
 * be one of the group's (it is the address that follows the group).
 */
#include "ikud.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "netlink/sgwc_anycast.h"

#define ANYCAST_MAX_GROUPS 64

static struct {
	struct genl *h;			/* the registration socket */
	int tfd;			/* heartbeat timer, -1 without groups */
	char names[ANYCAST_MAX_GROUPS][SGW_ANYCAST_NAME_MAX];
	size_t n;
	uint32_t period_ms;
	uint64_t ping;			/* last sign of life asked for */
	bool quiet;			/* a missed heartbeat was logged */
	bool broken;			/* a heartbeat failed: register again */
} ac = { .tfd = -1 };

/* The groups the configuration names, each once. */
static size_t anycast_groups(const struct ikud_conf *conf,
			     char names[][SGW_ANYCAST_NAME_MAX])
{
	size_t n = 0, i, j;

	for (i = 0; i < conf->c.n_gateways; i++) {
		const char *g = conf->c.gateways[i].anycast;

		if (!g[0])
			continue;
		for (j = 0; j < n && strcmp(names[j], g); j++)
			;
		/* the parser keeps names below SGW_ANYCAST_NAME_MAX */
		if (j == n && n < ANYCAST_MAX_GROUPS && strlen(g) < SGW_ANYCAST_NAME_MAX)
			memcpy(names[n++], g, strlen(g) + 1);
	}
	return n;
}

static bool anycast_has_addr(const struct sgwc_anycast *g, const struct sgw_prefix *a)
{
	size_t i;

	for (i = 0; i < g->n_addrs; i++)
		if (g->addrs[i].family == a->family &&
		    !memcmp(g->addrs[i].addr, a->addr, sgw_addr_len(a->family)))
			return true;
	return false;
}

/* Every gateway of group g has one of the group's addresses as local. */
static int anycast_check_gateways(const struct ikud_conf *conf, const struct sgwc_anycast *g,
				  char *err, size_t errlen)
{
	char a[SGW_PREFIX_STRLEN];
	size_t i;

	for (i = 0; i < conf->c.n_gateways; i++) {
		const struct ike_conf_gateway *gw = &conf->c.gateways[i];

		if (strcmp(gw->anycast, g->name) || anycast_has_addr(g, &gw->local))
			continue;
		sgw_addr_format(&gw->local, a, sizeof(a));
		snprintf(err, errlen, "gateway %s: local %s is not an address of anycast group %s",
			 gw->name, a, g->name);
		return -1;
	}
	return 0;
}

static int anycast_open(char *err, size_t errlen)
{
	struct nlconn_err e;

	if (ac.h)
		return 0;
	ac.h = sgwc_open(&e);
	if (!ac.h) {
		snprintf(err, errlen, "anycast: the sgw module's netlink family: %.160s (modprobe sgw)",
			 e.msg);
		return -1;
	}
	return 0;
}

/* Register for name; the group's heartbeat shortens the period. */
static int anycast_register(const struct ikud_conf *conf, const char *name, char *err,
			    size_t errlen)
{
	struct sgwc_anycast g;
	struct nlconn_err e;
	uint32_t period;

	if (sgwc_anycast_register(ac.h, name, &g, &e) < 0) {
		snprintf(err, errlen, "anycast group %s: %.160s%s", name, e.msg,
			 e.code == -ENOENT ? " (sgwctl anycast add ...)" : "");
		return -1;
	}
	if (anycast_check_gateways(conf, &g, err, errlen)) {
		sgwc_anycast_unregister(ac.h, name, &e);
		return -1;
	}
	period = g.heartbeat_ms / 3 ? g.heartbeat_ms / 3 : 1;
	if (!ac.period_ms || period < ac.period_ms)
		ac.period_ms = period;
	log_notice("anycast group %s: registered as its IKE service (heartbeat %u ms, %s)",
		   name, g.heartbeat_ms, sgwc_anycast_state_name(g.state));
	return 0;
}

static void anycast_arm(void)
{
	struct itimerspec its = { 0 };

	if (ac.tfd < 0)
		return;
	its.it_value.tv_nsec = 1;	/* at once, then every period */
	its.it_interval.tv_sec = ac.period_ms / 1000;
	its.it_interval.tv_nsec = (long)(ac.period_ms % 1000) * 1000000L;
	timerfd_settime(ac.tfd, 0, &its, NULL);
}

/* Registers every group named in conf that is not in ac.names yet. */
static int anycast_register_new(const struct ikud_conf *conf,
				char names[][SGW_ANYCAST_NAME_MAX], size_t n,
				char *err, size_t errlen)
{
	struct nlconn_err e;
	size_t i, j, done;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ac.n && strcmp(ac.names[j], names[i]); j++)
			;
		if (j < ac.n)
			continue;
		if (anycast_register(conf, names[i], err, errlen))
			goto undo;
	}
	return 0;
undo:
	for (done = 0; done < i; done++) {
		for (j = 0; j < ac.n && strcmp(ac.names[j], names[done]); j++)
			;
		if (j == ac.n)
			sgwc_anycast_unregister(ac.h, names[done], &e);
	}
	return -1;
}

int anycast_start(struct daemon *d, char *err, size_t errlen)
{
	return anycast_reload(d, d->conf, err, errlen);
}

/*
 * Follow a new configuration: register the groups it adds, unregister
 * those it drops. On error nothing changed.
 */
int anycast_reload(struct daemon *d, const struct ikud_conf *conf, char *err, size_t errlen)
{
	char names[ANYCAST_MAX_GROUPS][SGW_ANYCAST_NAME_MAX];
	size_t n = anycast_groups(conf, names), i, j;
	struct nlconn_err e;

	(void)d;
	if (!n && !ac.n)
		return 0;
	if (anycast_open(err, errlen) ||
	    anycast_register_new(conf, names, n, err, errlen))
		return -1;
	for (i = 0; i < ac.n; i++) {
		for (j = 0; j < n && strcmp(ac.names[i], names[j]); j++)
			;
		if (j == n && !sgwc_anycast_unregister(ac.h, ac.names[i], &e))
			log_notice("anycast group %s: unregistered", ac.names[i]);
	}
	memcpy(ac.names, names, sizeof(names));
	ac.n = n;
	if (ac.tfd < 0)
		ac.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	anycast_arm();
	return 0;
}

int anycast_fd(void)
{
	return ac.tfd;
}

/* Did every worker answer the last request for a sign of life? */
static bool anycast_workers_alive(struct daemon *d)
{
	unsigned int i;

	for (i = 0; i < d->n_shards; i++)
		if (atomic_load(&d->shards[i]->pong) != ac.ping) {
			if (!ac.quiet)
				log_warn("anycast: worker %u has not answered for %u ms: "
					 "no heartbeat", i, ac.period_ms);
			ac.quiet = true;
			return false;
		}
	ac.quiet = false;
	return true;
}

static void anycast_ask_workers(struct daemon *d)
{
	unsigned int i;

	ac.ping++;
	for (i = 0; i < d->n_shards; i++) {
		struct inbox_msg *m = calloc(1, sizeof(*m));

		if (!m)
			continue;
		m->kind = INBOX_PING;
		m->seq = ac.ping;
		inbox_post(d->shards[i], m);
	}
}

/* After a failed heartbeat (module reloaded, group deleted and made again):
 * a new socket, registered again. */
static void anycast_recover(struct daemon *d)
{
	char err[512];
	size_t n = ac.n;

	genl_close(ac.h);
	ac.h = NULL;
	ac.n = 0;
	if (anycast_open(err, sizeof(err)) == 0 &&
	    anycast_register_new(d->conf, ac.names, n, err, sizeof(err)) == 0) {
		ac.n = n;
		ac.broken = false;
		log_notice("anycast: registered again");
		return;
	}
	ac.n = n;
	log_debug("anycast: cannot register again: %s", err);
}

void anycast_on_timer(struct daemon *d)
{
	struct nlconn_err e;
	uint64_t ticks;
	size_t i;

	if (read(ac.tfd, &ticks, sizeof(ticks)) < 0 && errno == EAGAIN)
		return;
	if (ac.broken)
		anycast_recover(d);
	if (ac.broken || !anycast_workers_alive(d))
		return;
	for (i = 0; i < ac.n; i++)
		if (sgwc_anycast_heartbeat(ac.h, ac.names[i], &e) < 0) {
			log_warn("anycast group %s: heartbeat refused: %s", ac.names[i], e.msg);
			ac.broken = true;
		}
	anycast_ask_workers(d);
}

/* ikud stops: its groups lose their IKE service before any SA goes. */
void anycast_stop(void)
{
	struct nlconn_err e;
	size_t i;

	for (i = 0; ac.h && i < ac.n; i++)
		if (!sgwc_anycast_unregister(ac.h, ac.names[i], &e))
			log_notice("anycast group %s: unregistered", ac.names[i]);
	genl_close(ac.h);
	ac.h = NULL;
	ac.n = 0;
	if (ac.tfd >= 0)
		close(ac.tfd);
	ac.tfd = -1;
}
