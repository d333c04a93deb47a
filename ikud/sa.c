// SPDX-License-Identifier: GPL-2.0
/*
 * IKE and CHILD SA objects: allocation, the shard's lookup tables, teardown.
 * Everything here runs in the owning shard's thread.
 */
#include "ikud.h"
#include "log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const fail_reason_names[FAIL_MAX] = {
	[FAIL_NO_PROPOSAL] = "no_proposal_chosen",
	[FAIL_INVALID_KE] = "invalid_ke_payload",
	[FAIL_AUTH] = "authentication_failed",
	[FAIL_TS] = "ts_unacceptable",
	[FAIL_SYNTAX] = "invalid_syntax",
	[FAIL_TIMEOUT] = "timeout",
	[FAIL_PEER_ERROR] = "peer_error",
	[FAIL_KERNEL] = "kernel",
	[FAIL_LIMIT] = "half_open_limit",
	[FAIL_DPD] = "dead_peer",
};

const char *sa_state_name(enum ike_sa_state s)
{
	switch (s) {
	case SA_INIT_SENT: return "init-sent";
	case SA_HALF_OPEN: return "half-open";
	case SA_AUTH_SENT: return "auth-sent";
	case SA_ESTABLISHED: return "established";
	case SA_REKEYED: return "rekeyed";
	case SA_DELETING: return "deleting";
	}
	return "?";
}

/* --- addresses ------------------------------------------------------------ */

int addr_family(const struct sockaddr_storage *ss)
{
	return ss->ss_family;
}

const uint8_t *addr_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = 16;
	return (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
}

uint16_t addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

void addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

void addr_to_xfrm(const struct sockaddr_storage *ss, xfrm_address_t *a, int *family)
{
	size_t len;
	const uint8_t *b = addr_bytes(ss, &len);

	memset(a, 0, sizeof(*a));
	memcpy(a, b, len);
	*family = ss->ss_family;
}

static const char *addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	size_t alen;
	const uint8_t *b = addr_bytes(ss, &alen);

	if (!inet_ntop(ss->ss_family, b, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *sa_peer_str(const struct ike_sa *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	addr_str(&sa->peer, a, sizeof(a));
	if (sa->peer.ss_family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, addr_port(&sa->peer));
	else
		snprintf(buf, len, "%s:%u", a, addr_port(&sa->peer));
	return buf;
}

/* "gw s1: peer 192.0.2.7:500 id fqdn:enb1 ike a1b2c3d4e5f60718_i 0102030405060708_r: MESSAGE" */
void sa_log(const struct ike_sa *sa, int prio, const char *fmt, ...)
{
	char peer[64], id[300] = "", msg[600];
	va_list ap;

	if (!log_enabled(prio))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sa->peer_id_set) {
		char tmp[290];

		ike_id_to_string(&sa->peer_id, tmp, sizeof(tmp));
		snprintf(id, sizeof(id), " id %s", tmp);
	}
	log_msg(prio, "gw %s: peer %s%s ike %016llx_i %016llx_r: %s", sa->gw_name,
		sa_peer_str(sa, peer, sizeof(peer)), id,
		(unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r, msg);
}

/* --- identifiers ------------------------------------------------------------ */

uint64_t sa_new_spi(struct shard *s)
{
	uint64_t spi;

	do {
		if (ike_random((uint8_t *)&spi, sizeof(spi)))
			spi = sgw_now_ms() * 0x9e3779b97f4a7c15ULL;
		spi = (spi & ~(0xffULL << IKUD_SHARD_SHIFT)) |
		      ((uint64_t)s->idx << IKUD_SHARD_SHIFT);
	} while (!(spi & 0xffffffffffffffULL) || sa_find(s, spi));
	return spi;
}

void ikud_reqids_init(struct daemon *d)
{
	sgw_idalloc_init(&d->reqids, XFRM_OWNER_REQID_MIN + 1, XFRM_OWNER_REQID_MAX,
			 child_reqid_in_use, NULL);
}

/*
 * A reqid no live tunnel holds: after 16.7M CHILD_SA setups the range
 * wraps, and a long-lived tunnel's reqid must not be handed out again.
 * 0 if every one is taken: outside our range, the kernel install fails.
 */
uint32_t ikud_new_reqid(struct daemon *d)
{
	uint32_t reqid;

	if (sgw_idalloc_next(&d->reqids, &reqid)) {
		log_err("no free reqid: every one of the range is in use");
		return 0;
	}
	return reqid;
}

/* --- IKE SAs -------------------------------------------------------------- */

static void expire_timer(struct sgw_timer *t, void *arg)
{
	struct ike_sa *sa = arg;

	(void)t;
	if (sa->state == SA_HALF_OPEN || sa->state == SA_INIT_SENT ||
	    sa->state == SA_AUTH_SENT) {
		sa_fail(sa->shard, FAIL_TIMEOUT);
		sa_destroy(sa, "half-open SA expired");
	} else if (sa->state == SA_REKEYED) {
		/* Tell the peer: a peer that missed a rekey collision (§2.8.2)
		 * may still hold it as established. */
		info_send_delete_ike(sa);
		sa_destroy(sa, "rekeyed SA not deleted by the peer: deleted");
	} else {
		sa_destroy(sa, "IKE SA lifetime expired");
	}
}

struct ike_sa *sa_new(struct shard *s, const struct gw_rt *gw, bool initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return NULL;
	sa->shard = s;
	sa->gw = gw;
	snprintf(sa->gw_name, sizeof(sa->gw_name), "%s", gw->c->name);
	sa->uid = atomic_fetch_add(&s->d->next_uid, 1) + 1;
	sa->initiator = initiator;
	sa->fd = -1;
	sa->created_ms = sgw_now_ms();
	sa->last_rx_ms = sa->created_ms;
	sgw_timer_init(&sa->t_retrans, NULL, sa);
	sgw_timer_init(&sa->t_expire, expire_timer, sa);
	sgw_timer_init(&sa->t_dpd, dpd_timer, sa);
	sgw_timer_init(&sa->t_rekey, rekey_ike_timer, sa);
	sa->by_spi.key = sa->by_init.key = sa->by_id.key = 0;
	sa->next = s->sas;
	if (s->sas)
		s->sas->prev = sa;
	s->sas = sa;
	s->st.half_open++;
	atomic_fetch_add(&s->d->half_open, 1);
	return sa;
}

static uint64_t our_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

void sa_set_our_spi(struct ike_sa *sa, uint64_t spi)
{
	if (sa->initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sgw_htab_add(&sa->shard->ike_by_spi, &sa->by_spi, spi);
}

struct ike_sa *sa_find(struct shard *s, uint64_t spi)
{
	struct sgw_hnode *n = sgw_htab_first(&s->ike_by_spi, spi);

	return n ? (struct ike_sa *)((char *)n - offsetof(struct ike_sa, by_spi)) : NULL;
}

static uint64_t init_key(uint64_t spi_i, const struct sockaddr_storage *peer)
{
	size_t len;
	const uint8_t *a = addr_bytes(peer, &len);
	uint64_t h = sgw_hash_bytes(a, len, spi_i);

	return h ^ addr_port(peer);
}

static bool same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	size_t la, lb;
	const uint8_t *x = addr_bytes(a, &la), *y = addr_bytes(b, &lb);

	return a->ss_family == b->ss_family && la == lb && !memcmp(x, y, la) &&
	       addr_port(a) == addr_port(b);
}

struct ike_sa *sa_find_half_open(struct shard *s, uint64_t spi_i,
				 const struct sockaddr_storage *peer)
{
	struct sgw_hnode *n;

	for (n = sgw_htab_first(&s->ike_by_init, init_key(spi_i, peer)); n;
	     n = sgw_htab_next(n)) {
		struct ike_sa *sa = (struct ike_sa *)((char *)n - offsetof(struct ike_sa, by_init));

		if (sa->spi_i == spi_i && same_peer(&sa->peer, peer))
			return sa;
	}
	return NULL;
}

void sa_index_half_open(struct ike_sa *sa)
{
	sgw_htab_add(&sa->shard->ike_by_init, &sa->by_init,
		     init_key(sa->spi_i, &sa->peer));
	sgw_timer_set(&sa->shard->timers, &sa->t_expire,
		      sgw_now_ms() + IKUD_HALF_OPEN_TTL_MS);
}

static uint64_t id_key(const char *gw, const struct ike_id *id)
{
	return ike_id_hash(id, sgw_hash_bytes(gw, strlen(gw), 0));
}

void sa_free_init_material(struct ike_sa *sa)
{
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->cookie);
	sa->init_req = sa->init_resp = sa->cookie = NULL;
	sa->init_req_len = sa->init_resp_len = sa->cookie_len = 0;
	ike_dh_free(sa->dh);
	sa->dh = NULL;
}

static void count_setup(struct shard_stats *st)
{
	uint64_t sec = sgw_now_ms() / 1000;
	unsigned int slot = sec % SETUP_RING;

	if (st->setup_sec[slot] != sec) {
		st->setup_sec[slot] = sec;
		st->setups[slot] = 0;
	}
	st->setups[slot]++;
}

void sa_established(struct ike_sa *sa)
{
	struct shard *s = sa->shard;
	uint64_t lifetime = sa->gw->c->ike_lifetime * 1000ULL;

	if (sa->by_init.key || sa->state == SA_HALF_OPEN) {
		if (sa->state == SA_HALF_OPEN)
			sgw_htab_del(&s->ike_by_init, &sa->by_init);
	}
	if (sa->state == SA_HALF_OPEN || sa->state == SA_AUTH_SENT ||
	    sa->state == SA_INIT_SENT) {
		s->st.half_open--;
		atomic_fetch_sub(&s->d->half_open, 1);
		s->st.ike_sas++;
		if (!sa->is_rekey) {
			s->st.ike_established++;
			count_setup(&s->st);
		}
	}
	sa->state = SA_ESTABLISHED;
	sa->established_ms = sgw_now_ms();
	sa_free_init_material(sa);
	if (sa->peer_id_set)
		sgw_htab_add(&s->ike_by_id, &sa->by_id, id_key(sa->gw_name, &sa->peer_id));
	/* Hard limit: the IKE lifetime plus the margin; we rekey before. */
	sgw_timer_set(&s->timers, &sa->t_expire,
		      sa->established_ms + lifetime + sa->gw->c->rekey_margin * 1000ULL);
	if (sa->initiator || true) {
		/* Either side may rekey (§2.8); jitter avoids both at once. */
		uint64_t jitter = 0, margin = sa->gw->c->rekey_margin * 1000ULL;

		ike_random((uint8_t *)&jitter, sizeof(jitter));
		jitter = margin ? jitter % (margin / 2 + 1) : 0;
		sgw_timer_set(&s->timers, &sa->t_rekey,
			      sa->established_ms + lifetime - margin - jitter);
	}
	dpd_arm(sa);
}

void sa_fail(struct shard *s, enum fail_reason r)
{
	s->st.failures[r]++;
}

void sa_destroy(struct ike_sa *sa, const char *why)
{
	struct shard *s = sa->shard;

	sa_log(sa, sa->state == SA_ESTABLISHED || sa->state == SA_DELETING ?
	       LOG_NOTICE : LOG_INFO, "IKE SA removed: %s", why);
	sa->tearing_down = true;
	sa_delete_all_children(sa);
	sgw_timer_cancel(&s->timers, &sa->t_retrans);
	sgw_timer_cancel(&s->timers, &sa->t_expire);
	sgw_timer_cancel(&s->timers, &sa->t_dpd);
	sgw_timer_cancel(&s->timers, &sa->t_rekey);
	if (our_spi(sa) && sa->by_spi.key == our_spi(sa) &&
	    sa_find(s, our_spi(sa)) == sa)
		sgw_htab_del(&s->ike_by_spi, &sa->by_spi);
	switch (sa->state) {
	case SA_HALF_OPEN:
		sgw_htab_del(&s->ike_by_init, &sa->by_init);
		/* fall through */
	case SA_INIT_SENT:
	case SA_AUTH_SENT:
		s->st.half_open--;
		atomic_fetch_sub(&s->d->half_open, 1);
		break;
	default:
		if (sa->peer_id_set && sa->by_id.key)
			sgw_htab_del(&s->ike_by_id, &sa->by_id);
		s->st.ike_sas--;
		break;
	}
	if (sa->prev)
		sa->prev->next = sa->next;
	else
		s->sas = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	if (sa->req_new_child) {
		child_uninstall(sa->req_new_child, true);
		free(sa->req_new_child);
		sa->req_new_child = NULL;
	}
	sa_free_init_material(sa);
	ike_dh_free(sa->req_dh);
	free(sa->resp_cache);
	free(sa->req_buf);
	ike_sa_keys_wipe(&sa->keys);
	explicit_bzero(sa, sizeof(*sa));
	free(sa);
}

/* INITIAL_CONTACT (§2.4): the peer lost its state; drop its older SAs. */
void sa_purge_id(struct shard *s, const char *gw, const struct ike_id *id,
		 uint64_t keep_uid)
{
	struct sgw_hnode *n = sgw_htab_first(&s->ike_by_id, id_key(gw, id));

	while (n) {
		struct ike_sa *sa = (struct ike_sa *)((char *)n - offsetof(struct ike_sa, by_id));

		n = sgw_htab_next(n);
		if (sa->uid == keep_uid || strcmp(sa->gw_name, gw) ||
		    !ike_id_equal(&sa->peer_id, id))
			continue;
		sa_destroy(sa, "replaced (INITIAL_CONTACT)");
	}
}

/* --- CHILD SAs -------------------------------------------------------------- */

struct child_sa *child_find(struct shard *s, uint32_t spi_in)
{
	struct sgw_hnode *n = sgw_htab_first(&s->child_by_spi, spi_in);

	return n ? (struct child_sa *)((char *)n - offsetof(struct child_sa, by_spi)) : NULL;
}

struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out)
{
	struct child_sa *c;

	for (c = sa->children; c; c = c->next)
		if (c->spi_out == spi_out)
			return c;
	return NULL;
}

void child_link(struct ike_sa *sa, struct child_sa *c)
{
	c->ike = sa;
	c->next = sa->children;
	sa->children = c;
	sgw_htab_add(&sa->shard->child_by_spi, &c->by_spi, c->spi_in);
	sa->shard->st.child_sas++;
}

/* Policies are shared by a CHILD_SA and its rekeyed successors (same
 * reqid): only the last one of a reqid takes them away. */
static bool reqid_still_used(const struct ike_sa *sa, const struct child_sa *c)
{
	const struct child_sa *o;

	for (o = sa->children; o; o = o->next)
		if (o != c && o->reqid == c->reqid)
			return true;
	return false;
}

void child_remove(struct child_sa *c, const char *why)
{
	struct ike_sa *sa = c->ike;
	struct child_sa **pp;
	char ts[256];

	child_ts_str(c, ts, sizeof(ts));
	sa_log(sa, LOG_INFO, "CHILD_SA removed spi_in 0x%08x spi_out 0x%08x %s: %s",
	       c->spi_in, c->spi_out, ts, why);
	if (!sa->tearing_down) {
		struct child_sa *o;

		/* the successor's outbound SA takes over before this one goes */
		for (o = sa->children; o; o = o->next)
			if (o != c && o->reqid == c->reqid && o->pending_out)
				child_install_pending(sa, o);
	}
	child_uninstall(c, reqid_still_used(sa, c));
	for (pp = &sa->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	sgw_htab_del(&sa->shard->child_by_spi, &c->by_spi);
	sa->shard->st.child_sas--;
	sa->shard->st.child_deleted++;
	if (sa->req_child == c)
		sa->req_child = NULL;
	if (sa->req_new_child == c)
		sa->req_new_child = NULL;
	if (sa->collide_child == c)
		sa->collide_child = NULL;
	free(c);
}

void sa_delete_all_children(struct ike_sa *sa)
{
	while (sa->children)
		child_remove(sa->children, "IKE SA gone");
}
