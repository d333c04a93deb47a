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
 * Heartbeats come from a thread of their own (the main thread may wait on
 * a slow control client), and prove more than that thread lives: every
 * heartbeat_ms / 3 it asks each worker that answered its last request,
 * through its inbox, for a sign of life, and sends the heartbeats only
 * while no worker has left a request unanswered for heartbeat_ms. A busy
 * worker answers between two batches of packets (a reconnect storm must
 * not withdraw the gateway that absorbs it); a stopped ikud or a worker
 * stuck in a loop does not, and the group withdraws heartbeat_ms after the
 * last heartbeat (up to twice heartbeat_ms after a worker got stuck).
 * The gateway's `local` address must be one of the group's (it is the
 * address that follows the group).
 */
#include "ikud.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "netlink/sgwc_anycast.h"

#define ANYCAST_MAX_GROUPS 64

static struct {
	pthread_mutex_t lock;		/* the heartbeat thread and reloads */
	pthread_t thread;
	struct daemon *d;		/* set once ikud serves: the thread may run */
	bool running;
	int stopfd;			/* tells the thread to end */
	struct genl *h;			/* the registration socket */
	int tfd;			/* heartbeat timer, -1 without groups */
	char names[ANYCAST_MAX_GROUPS][SGW_ANYCAST_NAME_MAX];
	size_t n;
	uint32_t period_ms;
	uint32_t heartbeat_ms;		/* the shortest of the groups' */
	uint64_t ping[IKUD_MAX_SHARDS];	/* sign of life asked of each worker */
	uint64_t asked_at[IKUD_MAX_SHARDS];	/* when (ms) */
	bool quiet;			/* a missed heartbeat was logged */
	bool broken;			/* a heartbeat failed: register again */
} ac = { .lock = PTHREAD_MUTEX_INITIALIZER, .tfd = -1, .stopfd = -1 };

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

/* Every gateway of group g has one of the group's addresses as local
 * (conf NULL: checked already). */
static int anycast_check_gateways(const struct ikud_conf *conf, const struct sgwc_anycast *g,
				  char *err, size_t errlen)
{
	char a[SGW_PREFIX_STRLEN];
	size_t i;

	for (i = 0; conf && i < conf->c.n_gateways; i++) {
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
	if (!ac.period_ms || period < ac.period_ms) {
		ac.period_ms = period;
		ac.heartbeat_ms = g.heartbeat_ms;
	}
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

/*
 * Follow a configuration: register the groups it adds, unregister those it
 * drops. On error nothing changed. Under ac.lock.
 */
static int anycast_apply(const struct ikud_conf *conf, char *err, size_t errlen)
{
	char names[ANYCAST_MAX_GROUPS][SGW_ANYCAST_NAME_MAX];
	size_t n = anycast_groups(conf, names), i, j;
	struct nlconn_err e;

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


/*
 * Ask every worker that answered its last request for a new sign of life;
 * true while none has kept one unanswered for heartbeat_ms.
 */
static bool anycast_workers_alive(struct daemon *d, uint64_t now)
{
	bool alive = true;
	unsigned int i;

	for (i = 0; i < d->n_shards; i++) {
		struct inbox_msg *m;

		if (atomic_load(&d->shards[i]->pong) != ac.ping[i]) {
			if (now - ac.asked_at[i] <= ac.heartbeat_ms)
				continue;
			if (!ac.quiet)
				log_warn("anycast: worker %u has not answered for %llu ms: "
					 "no heartbeat", i,
					 (unsigned long long)(now - ac.asked_at[i]));
			alive = false;
			continue;
		}
		m = calloc(1, sizeof(*m));
		if (!m)
			continue;
		m->kind = INBOX_PING;
		m->seq = ++ac.ping[i];
		ac.asked_at[i] = now;
		inbox_post(d->shards[i], m);
	}
	ac.quiet = !alive;
	return alive;
}

/* After a failed heartbeat (module reloaded, group deleted and made again):
 * a new socket, registered again. */
static void anycast_recover(void)
{
	char err[512];
	size_t n = ac.n;

	genl_close(ac.h);
	ac.h = NULL;
	ac.n = 0;
	if (anycast_open(err, sizeof(err)) == 0 &&
	    anycast_register_new(NULL, ac.names, n, err, sizeof(err)) == 0) {
		ac.n = n;
		ac.broken = false;
		log_notice("anycast: registered again");
		return;
	}
	ac.n = n;
	log_debug("anycast: cannot register again: %s", err);
}

/* A heartbeat per group, if the workers are alive. Under ac.lock. */
static void anycast_tick(struct daemon *d)
{
	struct nlconn_err e;
	uint64_t ticks;
	size_t i;

	if (read(ac.tfd, &ticks, sizeof(ticks)) < 0 && errno == EAGAIN)
		return;
	if (ac.broken)
		anycast_recover();
	if (ac.broken || !anycast_workers_alive(d, sgw_now_ms()))
		return;
	for (i = 0; i < ac.n; i++)
		if (sgwc_anycast_heartbeat(ac.h, ac.names[i], &e) < 0) {
			log_warn("anycast group %s: heartbeat refused: %s", ac.names[i], e.msg);
			ac.broken = true;
		}
}

static void *anycast_main(void *arg)
{
	struct pollfd p[2] = {
		{ .fd = ac.stopfd, .events = POLLIN },
		{ .fd = ac.tfd, .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN) {
			pthread_mutex_lock(&ac.lock);
			anycast_tick(arg);
			pthread_mutex_unlock(&ac.lock);
		}
	}
	return NULL;
}

/* The heartbeat thread, once ikud serves and a group needs it. */
static int anycast_thread(char *err, size_t errlen)
{
	if (!ac.d || ac.running || ac.tfd < 0)
		return 0;
	if (ac.stopfd < 0)
		ac.stopfd = eventfd(0, EFD_CLOEXEC);
	if (ac.stopfd < 0 || pthread_create(&ac.thread, NULL, anycast_main, ac.d)) {
		snprintf(err, errlen, "anycast: cannot start the heartbeat thread: %s",
			 strerror(errno));
		return -1;
	}
	ac.running = true;
	return 0;
}

/* A reload may name the first group: the thread starts then. */
int anycast_reload(struct daemon *d, const struct ikud_conf *conf, char *err, size_t errlen)
{
	int ret;

	(void)d;
	pthread_mutex_lock(&ac.lock);
	ret = anycast_apply(conf, err, errlen);
	if (!ret)
		ret = anycast_thread(err, errlen);
	pthread_mutex_unlock(&ac.lock);
	return ret;
}

int anycast_start(struct daemon *d, char *err, size_t errlen)
{
	pthread_mutex_lock(&ac.lock);
	ac.d = d;
	pthread_mutex_unlock(&ac.lock);
	return anycast_reload(d, d->conf, err, errlen);
}

/* ikud stops: its groups lose their IKE service before any SA goes. */
void anycast_stop(void)
{
	struct nlconn_err e;
	uint64_t one = 1;
	size_t i;

	if (ac.running && write(ac.stopfd, &one, sizeof(one)) == sizeof(one))
		pthread_join(ac.thread, NULL);
	ac.running = false;
	ac.d = NULL;
	if (ac.stopfd >= 0)
		close(ac.stopfd);
	ac.stopfd = -1;
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
