// SPDX-License-Identifier: GPL-2.0
/*
 * ikud: IKEv2 daemon of the sgw security gateway.
 *
 * The main thread loads the configuration, removes what a previous run
 * left in the kernel, starts one shard (worker thread) per CPU and then
 * serves signals (SIGHUP reload, SIGTERM/SIGINT stop) and the control
 * socket. See ikud(8), ikud.conf(5) and Documentation/ikud.md.
 */
#include "ikud.h"
#include "log.h"
#include "notify.h"
#include "rri.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* OpenSSL's locked heap for the pre-shared keys: a few thousand of them
 * (520 bytes each); a larger table goes to the normal heap */
#define IKUD_SECURE_HEAP	(4 << 20)

#define DEFAULT_CONF "/etc/sgw/ikud.conf"


static void usage(FILE *f)
{
	fprintf(f,
		"usage: ikud [-c FILE] [-t] [-d] [-s SOCKET] [-w WORKERS]\n"
		"  -c FILE     configuration (default " DEFAULT_CONF ")\n"
		"  -t          check the configuration and exit\n"
		"  -d          debug: log level debug, to stderr\n"
		"  -s SOCKET   control socket (overrides 'control')\n"
		"  -w WORKERS  worker threads (overrides 'workers'; 0: one per CPU)\n"
		"  -V          print the version\n");
}

static void flush_previous(void)
{
	struct xfrm_handle *h = xfrm_open(-1, NULL);
	struct xfrm_flush_result r = { 0 };

	if (!h) {
		log_warn("cannot open XFRM netlink: %s", strerror(errno));
		return;
	}
	if (xfrm_flush_ours(h, &r))
		log_warn("cannot remove stale SAs: %s", xfrm_errmsg(h));
	else if (r.sas || r.policies)
		log_notice("removed %u SAs and %u policies left by a previous run",
			   r.sas, r.policies);
	xfrm_close(h);
}

/*
 * The process holds pre-shared keys and session keys: no core dumps, and
 * no ptrace or /proc/PID/mem for processes of other users.
 */
static void protect_memory(void)
{
	struct rlimit none = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) || setrlimit(RLIMIT_CORE, &none))
		log_warn("cannot disable core dumps: %s", strerror(errno));
}

/* The configuration holds pre-shared keys: say so when others may read it. */
static void check_conf_mode(const char *path)
{
	struct stat st;

	if (!stat(path, &st) && (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)))
		log_warn("%s is readable or writable by group or others (mode %03o) and holds "
			 "pre-shared keys: chmod 600 it", path, (unsigned int)(st.st_mode & 0777));
}

static int reload(struct daemon *d)
{
	struct ikud_conf *conf, *old = d->conf;
	struct timespec deadline;
	char err[512];
	unsigned int i;

	if (config_load(d->conf_path, &conf, err, sizeof(err))) {
		log_err("reload failed, keeping the running configuration: %s", err);
		return -1;
	}
	check_conf_mode(d->conf_path);
	if (rri_check(conf, err, sizeof(err)) ||
	    anycast_reload(d, conf, err, sizeof(err))) {
		log_err("reload failed, keeping the running configuration: %s", err);
		config_free(conf);
		return -1;
	}
	log_set_level(conf->c.log_level);
	pthread_mutex_lock(&d->reload_lock);
	d->reload_pending = d->n_shards;
	pthread_mutex_unlock(&d->reload_lock);
	for (i = 0; i < d->n_shards; i++) {
		struct inbox_msg *m = calloc(1, sizeof(*m));

		if (!m) {
			shard_setup_done(d->shards[i]);
			continue;
		}
		m->kind = INBOX_RELOAD;
		m->conf = conf;
		inbox_post(d->shards[i], m);
	}
	/* The old configuration is freed once no shard points into it. */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 30;
	pthread_mutex_lock(&d->reload_lock);
	while (d->reload_pending)
		if (pthread_cond_timedwait(&d->reload_cond, &d->reload_lock, &deadline)) {
			log_err("reload: a worker did not answer; old configuration kept in memory");
			old = NULL;
			break;
		}
	pthread_mutex_unlock(&d->reload_lock);
	d->conf = conf;
	peers_configure(&conf->c);	/* after the shards dropped what went */
	config_free(old);
	log_notice("configuration reloaded: %zu gateways", conf->c.n_gateways);
	revocation_recheck_all(d);	/* new CRL files: revoked peers go */
	return 0;
}

static unsigned int worker_count(unsigned int want)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (want)
		n = want;
	if (n < 1)
		n = 1;
	if (n > IKUD_MAX_SHARDS)
		n = IKUD_MAX_SHARDS;
	return (unsigned int)n;
}

int main(int argc, char **argv)
{
	const char *conf_path = DEFAULT_CONF, *ctl_path = NULL;
	bool check = false, debug = false;
	int workers = -1, opt, sfd, ctl_fd, epfd, ret = 0, secure_heap;
	struct daemon d;
	char err[512];
	sigset_t sigs;
	unsigned int i;

	while ((opt = getopt(argc, argv, "c:tds:w:Vh")) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 't': check = true; break;
		case 'd': debug = true; break;
		case 's': ctl_path = optarg; break;
		case 'w': workers = atoi(optarg); break;
		case 'V': printf("ikud %s\n", SGW_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	memset(&d, 0, sizeof(d));
	d.conf_path = conf_path;
	/* the pre-shared keys go to locked pages (ike_conf.c); SA keys do not:
	 * 100,000 tunnels would need far more than RLIMIT_MEMLOCK allows */
	secure_heap = CRYPTO_secure_malloc_init(IKUD_SECURE_HEAP, 64);
	policy_reqids_init(&d);
	if (config_load(conf_path, &d.conf, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK (%zu gateways)\n", conf_path, d.conf->c.n_gateways);
		config_free(d.conf);
		return 0;
	}
	log_setup(!debug && d.conf->c.log_syslog, debug ? LOG_DEBUG : d.conf->c.log_level);
	protect_memory();
	if (!secure_heap)
		log_warn("no locked memory for the pre-shared keys (RLIMIT_MEMLOCK, "
			 "CAP_IPC_LOCK): they may be swapped out");
	check_conf_mode(conf_path);
	if (ike_crypto_init() || sgw_hash_init()) {
		log_err("OpenSSL lacks an algorithm ikud needs");
		return 1;
	}
	if (cookie_init()) {
		log_err("no random bytes for the cookie secret");
		return 1;
	}
	d.start_ms = sgw_now_ms();
	d.start_time = (int64_t)time(NULL);
	peers_configure(&d.conf->c);
	pthread_mutex_init(&d.reload_lock, NULL);
	pthread_cond_init(&d.reload_cond, NULL);

	/* Signals go to the main thread's signalfd only: block them everywhere. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);

	/* Gateways' VRFs and xfrm interfaces; stale RRI routes go. */
	if (rri_start(d.conf, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	ctl_fd = control_open(ctl_path ? ctl_path : d.conf->c.control);
	if (ctl_fd < 0) {
		log_err("control socket %s: %s", ctl_path ? ctl_path : d.conf->c.control,
			strerror(errno));
		return 1;
	}
	flush_previous();

	d.n_shards = worker_count(workers >= 0 ? (unsigned int)workers : d.conf->c.workers);
	for (i = 0; i < d.n_shards; i++) {
		d.shards[i] = shard_new(&d, i);
		if (!d.shards[i]) {
			log_err("cannot start worker %u", i);
			return 1;
		}
	}
	for (i = 0; i < d.n_shards; i++)
		if (shard_open_sockets(d.shards[i])) {
			log_err("cannot open the IKE sockets; stopping");
			return 1;
		}
	if (revocation_start(&d)) {
		log_err("cannot start the revocation thread");
		return 1;
	}
	trap_start_peers(d.shards[0]);
	for (i = 0; i < d.n_shards; i++)
		if (shard_start(d.shards[i])) {
			log_err("cannot start worker %u: %s", i, strerror(errno));
			return 1;
		}
	if (anycast_start(&d, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	log_notice("ikud %s started: %zu gateways, %u workers, control %s", SGW_VERSION,
		   d.conf->c.n_gateways, d.n_shards, ctl_path ? ctl_path : d.conf->c.control);
	notify_ready(d.conf->c.n_gateways, d.n_shards);

	epfd = epoll_create1(EPOLL_CLOEXEC);
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = sfd };

		epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);
		ev.data.fd = ctl_fd;
		epoll_ctl(epfd, EPOLL_CTL_ADD, ctl_fd, &ev);
	}
	for (;;) {
		struct epoll_event evs[8];
		int n = epoll_wait(epfd, evs, 8, -1), k;
		bool stop = false;

		if (n < 0 && errno != EINTR)
			break;
		for (k = 0; k < n; k++) {
			if (evs[k].data.fd == ctl_fd) {
				control_serve(&d, ctl_fd);
				continue;
			}
			for (;;) {
				struct signalfd_siginfo si;

				if (read(sfd, &si, sizeof(si)) != sizeof(si))
					break;
				if (si.ssi_signo == SIGHUP) {
					notify_reloading();
					reload(&d);
					notify_ready(d.conf->c.n_gateways, d.n_shards);
				} else
					stop = true;
			}
		}
		if (stop)
			break;
	}
	anycast_stop();
	log_notice("stopping: deleting every SA");
	notify_stopping();
	for (i = 0; i < d.n_shards; i++) {
		struct inbox_msg *m = calloc(1, sizeof(*m));

		if (m) {
			m->kind = INBOX_STOP;
			inbox_post(d.shards[i], m);
		}
	}
	for (i = 0; i < d.n_shards; i++)
		shard_join_free(d.shards[i]);
	revocation_stop();
	flush_previous();
	rri_stop();
	peers_clear();
	unlink(ctl_path ? ctl_path : d.conf->c.control);
	config_free(d.conf);
	close(ctl_fd);
	close(epfd);
	close(sfd);
	return ret;
}
