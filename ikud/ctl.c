// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket (protocol in Documentation/ikud.md, "Control socket"):
 * a Unix stream socket; a client sends one line, ikud answers with one JSON
 * document and closes. Commands:
 *
 *   sa show                        every IKE SA with its CHILD_SAs
 *   sa terminate all|id N|peer ADDR|gateway NAME|remote-id ID|spi HEX
 *   stats                          counters and gauges
 *   reload                         as SIGHUP
 *
 * Served by the main thread; reading a shard's SAs takes that shard's lock
 * for the time of the copy, changes go to the shard's inbox.
 */
#include "ikud.h"
#include "log.h"
#include "rri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

struct jbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void jputs(struct jbuf *j, const char *s, size_t n)
{
	if (j->oom)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 4096;
		char *np;

		while (cap < j->len + n + 1)
			cap *= 2;
		np = realloc(j->p, cap);
		if (!np) {
			j->oom = true;
			return;
		}
		j->p = np;
		j->cap = cap;
	}
	memcpy(j->p + j->len, s, n);
	j->len += n;
	j->p[j->len] = 0;
}

static void jprintf(struct jbuf *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jprintf(struct jbuf *j, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		jputs(j, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void jstr(struct jbuf *j, const char *key, const char *v)
{
	jprintf(j, "\"%s\":\"", key);
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (c == '"' || c == '\\')
			jprintf(j, "\\%c", c);
		else if (c < 0x20)
			jprintf(j, "\\u%04x", c);
		else
			jputs(j, (const char *)&c, 1);
	}
	jputs(j, "\"", 1);
}

static void addr_only(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	size_t alen;

	if (!inet_ntop(ss->ss_family, addr_bytes(ss, &alen), buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static void ts_array(struct jbuf *j, const char *key, const struct ike_ts *ts, unsigned int n)
{
	unsigned int i;

	jprintf(j, "\"%s\":[", key);
	for (i = 0; i < n; i++) {
		char t[96];

		child_ts_range_str(&ts[i], t, sizeof(t));
		jprintf(j, "%s\"%s\"", i ? "," : "", t);
	}
	jputs(j, "]", 1);
}

/* RRI of a CHILD_SA: its tunnel's routes in the VRF, or why there are none. */
static const char *route_state(const struct child_sa *c)
{
	if (!c->ike || !c->ike->gw->c->xfrm_if[0])
		return "none";
	if (!c->routed)
		return "pending";
	return rri_child_routes(c) ? "installed" : "failed";
}

static void dump_child(struct jbuf *j, const struct child_sa *c, uint64_t now)
{
	char suite[128];

	ike_suite_to_string(&c->suite, suite, sizeof(suite));
	jprintf(j, "{\"spi_in\":\"%08x\",\"spi_out\":\"%08x\",\"reqid\":%u,",
		c->spi_in, c->spi_out, c->reqid);
	jstr(j, "proposal", suite);
	jprintf(j, ",\"age\":%llu,\"state\":\"%s\",",
		(unsigned long long)((now - c->created_ms) / 1000),
		c->rekeyed ? "rekeyed" : c->rekeying ? "rekeying" : "installed");
	ts_array(j, "local_ts", c->ts_local, c->n_local);
	jputs(j, ",", 1);
	ts_array(j, "remote_ts", c->ts_remote, c->n_remote);
	jprintf(j, ",\"route\":\"%s\",\"routes\":%u}", route_state(c), rri_child_routes(c));
}

static void dump_sa(struct jbuf *j, const struct ike_sa *sa, uint64_t now)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], suite[128], id[300] = "";
	const struct child_sa *c;
	bool first = true;

	addr_only(&sa->local, a, sizeof(a));
	addr_only(&sa->peer, b, sizeof(b));
	if (sa->peer_id_set)
		ike_id_to_string(&sa->peer_id, id, sizeof(id));
	ike_suite_to_string(&sa->suite, suite, sizeof(suite));
	jprintf(j, "{\"id\":%llu,", (unsigned long long)sa->uid);
	jstr(j, "gateway", sa->gw_name);
	jputs(j, ",", 1);
	jstr(j, "vrf", sa->gw->c->vrf);
	jprintf(j, ",\"if_id\":%u,\"state\":\"%s\",\"role\":\"%s\",", sa->gw->c->if_id,
		sa_state_name(sa->state), sa->initiator ? "initiator" : "responder");
	jprintf(j, "\"local\":\"%s\",\"local_port\":%u,\"remote\":\"%s\",\"remote_port\":%u,",
		a, addr_port(&sa->local), b, addr_port(&sa->peer));
	jstr(j, "remote_id", id);
	jprintf(j, ",\"spi_i\":\"%016llx\",\"spi_r\":\"%016llx\",",
		(unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r);
	jstr(j, "proposal", suite);
	jprintf(j, ",\"nat\":%s,\"age\":%llu,\"established\":%llu,\"children\":[",
		sa->nat_peer || sa->nat_local ? "true" : "false",
		(unsigned long long)((now - sa->created_ms) / 1000),
		(unsigned long long)(sa->established_ms ? (now - sa->established_ms) / 1000 : 0));
	for (c = sa->children; c; c = c->next) {
		if (!first)
			jputs(j, ",", 1);
		first = false;
		dump_child(j, c, now);
	}
	jputs(j, "]}", 2);
}

static void text_sa(struct jbuf *j, const struct ike_sa *sa, uint64_t now)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], suite[128], id[300] = "-";
	const struct child_sa *c;

	addr_only(&sa->local, a, sizeof(a));
	addr_only(&sa->peer, b, sizeof(b));
	if (sa->peer_id_set)
		ike_id_to_string(&sa->peer_id, id, sizeof(id));
	ike_suite_to_string(&sa->suite, suite, sizeof(suite));
	jprintf(j, "%llu: gateway %s vrf %s %s %s %s[%u] <=> %s[%u] %s\n",
		(unsigned long long)sa->uid, sa->gw_name,
		sa->gw->c->vrf[0] ? sa->gw->c->vrf : "default", sa_state_name(sa->state),
		sa->initiator ? "initiator" : "responder", a, addr_port(&sa->local), b,
		addr_port(&sa->peer), id);
	jprintf(j, "    ike %016llx_i %016llx_r %s age %llus%s\n",
		(unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r, suite,
		(unsigned long long)((now - sa->created_ms) / 1000),
		sa->nat_peer || sa->nat_local ? " nat" : "");
	for (c = sa->children; c; c = c->next) {
		char ts[256];

		ike_suite_to_string(&c->suite, suite, sizeof(suite));
		child_ts_str(c, ts, sizeof(ts));
		jprintf(j, "    child %08x_i %08x_o reqid %u %s %s %s route %s (%u)\n",
			c->spi_in, c->spi_out, c->reqid, suite,
			c->rekeyed ? "rekeyed" : c->rekeying ? "rekeying" : "installed", ts,
			route_state(c), rri_child_routes(c));
	}
}

static void cmd_show_text(struct daemon *d, struct jbuf *j)
{
	uint64_t now = sgw_now_ms();
	unsigned int i;

	for (i = 0; i < d->n_shards; i++) {
		struct shard *s = d->shards[i];
		const struct ike_sa *sa;

		pthread_mutex_lock(&s->lock);
		for (sa = s->sas; sa; sa = sa->next)
			text_sa(j, sa, now);
		pthread_mutex_unlock(&s->lock);
	}
	if (!j->len)
		jputs(j, "", 0);
}

static void cmd_show(struct daemon *d, struct jbuf *j)
{
	uint64_t now = sgw_now_ms();
	bool first = true;
	unsigned int i;

	jputs(j, "{\"sas\":[", 8);
	for (i = 0; i < d->n_shards; i++) {
		struct shard *s = d->shards[i];
		const struct ike_sa *sa;

		pthread_mutex_lock(&s->lock);
		for (sa = s->sas; sa; sa = sa->next) {
			if (!first)
				jputs(j, ",", 1);
			first = false;
			dump_sa(j, sa, now);
		}
		pthread_mutex_unlock(&s->lock);
	}
	jputs(j, "]}\n", 3);
}

static void cmd_stats(struct daemon *d, struct jbuf *j)
{
	struct shard_stats t;
	uint64_t now_sec = sgw_now_ms() / 1000, last10 = 0, peak = 0;
	uint64_t per_sec[SETUP_RING] = { 0 };
	unsigned int i, k;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < d->n_shards; i++) {
		struct shard *s = d->shards[i];

		pthread_mutex_lock(&s->lock);
#define ADD(f) t.f += s->st.f
		ADD(rx_packets); ADD(tx_packets); ADD(rx_dropped); ADD(rx_invalid);
		ADD(retransmits); ADD(cached_replies); ADD(forwarded);
		ADD(ike_established); ADD(child_installed); ADD(child_deleted);
		ADD(ike_rekeys); ADD(child_rekeys); ADD(dpd_probes);
		ADD(half_open); ADD(ike_sas); ADD(child_sas);
#undef ADD
		for (k = 0; k < FAIL_MAX; k++)
			t.failures[k] += s->st.failures[k];
		for (k = 0; k < SETUP_RING; k++) {
			uint64_t sec = s->st.setup_sec[k];

			if (sec && sec + SETUP_RING > now_sec && sec < now_sec)
				per_sec[sec % SETUP_RING] += s->st.setups[k];
		}
		pthread_mutex_unlock(&s->lock);
	}
	/* completed seconds only: the current one is still counting */
	for (k = 1; k <= 10; k++)
		last10 += per_sec[(now_sec - k) % SETUP_RING];
	for (k = 0; k < SETUP_RING; k++)
		if (per_sec[k] > peak)
			peak = per_sec[k];
	jprintf(j, "{\"workers\":%u,\"uptime\":%llu,\"ike_sas\":%u,\"half_open\":%u,"
		"\"child_sas\":%u,", d->n_shards,
		(unsigned long long)((sgw_now_ms() - d->start_ms) / 1000),
		t.ike_sas, t.half_open, t.child_sas);
	jprintf(j, "\"setups_per_second\":%.1f,\"setups_per_second_peak\":%llu,",
		last10 / 10.0, (unsigned long long)peak);
	jprintf(j, "\"ike_established\":%llu,\"child_installed\":%llu,"
		"\"child_deleted\":%llu,\"ike_rekeys\":%llu,\"child_rekeys\":%llu,",
		(unsigned long long)t.ike_established, (unsigned long long)t.child_installed,
		(unsigned long long)t.child_deleted, (unsigned long long)t.ike_rekeys,
		(unsigned long long)t.child_rekeys);
	jprintf(j, "\"dpd_probes\":%llu,\"rx_packets\":%llu,\"tx_packets\":%llu,"
		"\"rx_dropped\":%llu,\"rx_invalid\":%llu,\"retransmits\":%llu,"
		"\"cached_replies\":%llu,\"forwarded\":%llu,\"failures\":{",
		(unsigned long long)t.dpd_probes, (unsigned long long)t.rx_packets,
		(unsigned long long)t.tx_packets, (unsigned long long)t.rx_dropped,
		(unsigned long long)t.rx_invalid, (unsigned long long)t.retransmits,
		(unsigned long long)t.cached_replies, (unsigned long long)t.forwarded);
	for (k = 0; k < FAIL_MAX; k++)
		jprintf(j, "%s\"%s\":%llu", k ? "," : "", fail_reason_names[k],
			(unsigned long long)t.failures[k]);
	/* RRI routes in the kernel, per gateway */
	jputs(j, "},\"routes\":{", 12);
	for (k = 0; k < d->conf->c.n_gateways; k++)
		jprintf(j, "%s\"%s\":%u", k ? "," : "", d->conf->c.gateways[k].name,
			rri_count(d->conf->c.gateways[k].name));
	jputs(j, "}}\n", 3);
}

/* Every shard applies a selector to the SAs it owns. */
static void post_selector(struct daemon *d, enum inbox_kind kind, const char *sel_kind,
			  const char *sel_value)
{
	unsigned int i;

	for (i = 0; i < d->n_shards; i++) {
		struct inbox_msg *m = calloc(1, sizeof(*m));

		if (!m)
			continue;
		m->kind = kind;
		snprintf(m->sel_kind, sizeof(m->sel_kind), "%s", sel_kind);
		snprintf(m->sel_value, sizeof(m->sel_value), "%s", sel_value ? sel_value : "");
		inbox_post(d->shards[i], m);
	}
}

static void cmd_terminate(struct daemon *d, struct jbuf *j, char *args)
{
	static const char *const kinds[] = { "all", "id", "peer", "gateway", "remote-id",
					     "spi", NULL };
	char *kind = strtok(args, " \t"), *value = strtok(NULL, " \t");
	int k;

	for (k = 0; kinds[k]; k++)
		if (kind && !strcmp(kind, kinds[k]))
			break;
	if (!kinds[k] || (strcmp(kind, "all") && !value)) {
		jprintf(j, "{\"error\":\"usage: sa terminate all|id N|peer ADDR|gateway NAME|"
			"remote-id ID|spi HEX\"}\n");
		return;
	}
	post_selector(d, INBOX_TERMINATE, kind, value);
	jprintf(j, "{\"ok\":true}\n");
}

/* Rekey now, as the timer or the kernel's soft expiry would. */
static void cmd_rekey(struct daemon *d, struct jbuf *j, char *args)
{
	char *kind = strtok(args, " \t"), *value = strtok(NULL, " \t");

	if (!kind || !value || (strcmp(kind, "ike") && strcmp(kind, "child"))) {
		jprintf(j, "{\"error\":\"usage: sa rekey ike ID|child SPI_IN\"}\n");
		return;
	}
	post_selector(d, INBOX_REKEY, kind, value);
	jprintf(j, "{\"ok\":true}\n");
}

/* Test aid: bias who wins the next rekey collisions (see ikud.h). */
static void cmd_test_collision(struct daemon *d, struct jbuf *j, const char *arg)
{
	static const char *const names[] = { "random", "win", "lose" };
	int k;

	for (k = 0; k < 3; k++)
		if (!strcmp(arg, names[k]))
			break;
	if (k == 3) {
		jprintf(j, "{\"error\":\"usage: test collision random|win|lose\"}\n");
		return;
	}
	atomic_store(&d->collision_bias, k);
	log_warn("test aid: rekey collisions %s%s", k ? "biased to " : "",
		names[k]);
	jprintf(j, "{\"ok\":true}\n");
}

/* The flat stats document as "key value" lines (one level of nesting). */
static void json_to_text(struct jbuf *j)
{
	struct jbuf t = { 0 };
	const char *p = j->p;
	char key[64], prefix[72] = "";

	if (!p || j->oom)
		return;
	while (*p) {
		size_t n;

		p = strchr(p, '"');
		if (!p)
			break;
		n = strcspn(p + 1, "\"");
		snprintf(key, sizeof(key), "%.*s", (int)n, p + 1);
		p += n + 2;
		if (*p != ':')
			continue;
		p++;
		if (*p == '{') {
			snprintf(prefix, sizeof(prefix), "%s.", key);
			p++;
			continue;
		}
		n = strcspn(p, ",}");
		jprintf(&t, "%s%s %.*s\n", prefix, key, (int)n, p);
		p += n;
		if (*p == '}')
			prefix[0] = 0;
	}
	free(j->p);
	*j = t;
}

int ctl_open(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;
	mode_t old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	old = umask(0077);		/* root only: it can tear tunnels down */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(fd, 16)) {
		int e = errno;

		umask(old);
		close(fd);
		errno = e;
		return -1;
	}
	umask(old);
	return fd;
}

void ctl_serve(struct daemon *d, int listen_fd)
{
	struct timeval tv = { .tv_sec = 1 };
	char line[512];
	struct jbuf j = { 0 };
	size_t len = 0;
	bool text;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (len < sizeof(line) - 1) {
		ssize_t n = read(fd, line + len, sizeof(line) - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(line, '\n', len))
			break;
	}
	line[len] = 0;
	line[strcspn(line, "\r\n")] = 0;
	len = strlen(line);
	text = len > 5 && !strcmp(line + len - 5, " text");
	if (text)
		line[len - 5] = 0;
	if (text && !strcmp(line, "sa show")) {
		cmd_show_text(d, &j);
	} else if (text && !strcmp(line, "stats")) {
		cmd_stats(d, &j);
		json_to_text(&j);
	} else if (!strcmp(line, "sa show")) {
		cmd_show(d, &j);
	} else if (!strncmp(line, "sa terminate", 12)) {
		cmd_terminate(d, &j, line + 12);
	} else if (!strncmp(line, "sa rekey", 8)) {
		cmd_rekey(d, &j, line + 8);
	} else if (!strcmp(line, "stats")) {
		cmd_stats(d, &j);
	} else if (!strncmp(line, "test collision ", 15)) {
		cmd_test_collision(d, &j, line + 15);
	} else if (!strcmp(line, "reload")) {
		kill(getpid(), SIGHUP);
		jprintf(&j, "{\"ok\":true}\n");
	} else {
		jprintf(&j, "{\"error\":\"unknown command; try: sa show, sa terminate, sa rekey, stats, reload\"}\n");
	}
	if (j.oom) {
		free(j.p);
		j.p = NULL;
		j.len = 0;
		j.oom = false;
		jprintf(&j, "{\"error\":\"out of memory\"}\n");
	}
	{
		size_t off = 0;

		while (j.p && off < j.len) {
			ssize_t n = write(fd, j.p + off, j.len - off);

			if (n <= 0)
				break;
			off += (size_t)n;
		}
	}
	free(j.p);
	close(fd);
}
