// SPDX-License-Identifier: GPL-2.0
/*
 * XFRM netlink client: SPI allocation, SAs, policies, flush of ours, and
 * the per-socket bypass of IKE sockets. Message layout lives in xfrm_msg.c;
 * this file talks to the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>

#include "netlink/nlconn.h"
#include "netlink/xfrm_client.h"
#include "netlink/xfrm_priv.h"

struct xfrm_handle {
	struct nlconn *nl;
	struct xfrm_owner owner;
};

struct xfrm_handle *xfrm_open(int netns_fd, const struct xfrm_owner *owner)
{
	struct xfrm_handle *h;

	if (owner && owner->reqid_min > owner->reqid_max) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->nl = nlconn_open(NETLINK_XFRM, netns_fd, NULL, 0);
	if (!h->nl) {
		int saved = errno;

		free(h);
		errno = saved;
		return NULL;
	}
	if (owner) {
		h->owner = *owner;
	} else {
		h->owner.reqid_min = XFRM_OWNER_REQID_MIN;
		h->owner.reqid_max = XFRM_OWNER_REQID_MAX;
	}
	return h;
}

void xfrm_close(struct xfrm_handle *h)
{
	if (!h)
		return;
	nlconn_close(h->nl);
	free(h);
}

const char *xfrm_errmsg(const struct xfrm_handle *h)
{
	return nlconn_errmsg(h->nl);
}

bool xfrm_reqid_is_ours(const struct xfrm_handle *h, uint32_t reqid)
{
	return reqid >= h->owner.reqid_min && reqid <= h->owner.reqid_max;
}

int xfrm_batch_begin(struct xfrm_handle *h, xfrm_batch_cb cb, void *arg)
{
	return nlconn_batch_begin(h->nl, cb, arg);
}

int xfrm_batch_end(struct xfrm_handle *h)
{
	return nlconn_batch_end(h->nl);
}

static int check_reqid(struct xfrm_handle *h, uint32_t reqid)
{
	if (!xfrm_reqid_is_ours(h, reqid))
		return nlconn_set_error(h->nl, EINVAL,
					"reqid %#x outside the owned range %#x-%#x",
					reqid, h->owner.reqid_min,
					h->owner.reqid_max);
	return 0;
}

static int check_family(struct xfrm_handle *h, int family)
{
	if (!sgw_addr_len(family))
		return nlconn_set_error(h->nl, EAFNOSUPPORT,
					"address family must be IPv4 or IPv6");
	return 0;
}

/* ---- SPI allocation ---------------------------------------------------- */

static int spi_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct xfrm_usersa_info p_hdr;
	const struct xfrm_usersa_info *p = &p_hdr;
	uint32_t *spi = arg;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*p)))
		return MNL_CB_ERROR;
	/* a copy: the kernel aligns messages to 4 bytes, these need 8 */
	memcpy(&p_hdr, mnl_nlmsg_get_payload(nlh), sizeof(p_hdr));
	*spi = ntohl(p->id.spi);
	return MNL_CB_OK;
}

int xfrm_spi_alloc(struct xfrm_handle *h, int family,
		   const xfrm_address_t *src, const xfrm_address_t *dst,
		   uint32_t reqid, uint32_t if_id, const struct xfrm_mark *mark,
		   uint32_t min, uint32_t max, uint32_t *spi)
{
	struct xfrm_userspi_info *p;
	struct nlmsghdr *nlh;
	int ret;

	if ((ret = check_family(h, family)) || (ret = check_reqid(h, reqid)))
		return ret;
	if (!min && !max) {
		min = 0x100;
		max = 0xffffffff;
	}
	if (!min || min > max)
		return nlconn_set_error(h->nl, EINVAL, "bad SPI range %#x-%#x",
					min, max);
	nlh = mnl_nlmsg_put_header(nlconn_msgbuf(h->nl));
	nlh->nlmsg_type = XFRM_MSG_ALLOCSPI;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	p->info.id.daddr = *dst;
	p->info.id.proto = IPPROTO_ESP;
	p->info.saddr = *src;
	p->info.family = (uint16_t)family;
	p->info.mode = XFRM_MODE_TUNNEL;
	p->info.reqid = reqid;
	p->min = min;
	p->max = max;
	if (mark && (mark->v || mark->m))
		mnl_attr_put(nlh, XFRMA_MARK, sizeof(*mark), mark);
	if (if_id)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, if_id);
	*spi = 0;
	ret = nlconn_request(h->nl, nlh, spi_reply_cb, spi);
	if (!ret && !*spi)
		return nlconn_set_error(h->nl, EBADMSG, "no SPI in the kernel's answer");
	return ret;
}

/* ---- SAs --------------------------------------------------------------- */

int xfrm_sa_add(struct xfrm_handle *h, const struct xfrm_sa *sa, bool update)
{
	char err[NLCONN_ERRMSG_LEN];
	void *buf = nlconn_msgbuf(h->nl);
	int ret, len;

	ret = check_reqid(h, sa->reqid);
	if (ret)
		return ret;
	len = xfrm_build_sa(buf, NLCONN_MSG_MAX, sa, update, err, sizeof(err));
	if (len < 0)
		return nlconn_set_error(h->nl, -len, "%s", err);
	ret = nlconn_request(h->nl, buf, NULL, NULL);
	/* The message held keys: wipe it. */
	explicit_bzero(buf, (size_t)len);
	return ret;
}

static struct nlmsghdr *put_sa_id(struct xfrm_handle *h, uint16_t type,
				  const struct xfrm_sa_key *key)
{
	struct xfrm_usersa_id *id;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(nlconn_msgbuf(h->nl));
	nlh->nlmsg_type = type;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	id->daddr = key->dst;
	id->spi = htonl(key->spi);
	id->family = (uint16_t)key->family;
	id->proto = key->proto ? key->proto : IPPROTO_ESP;
	if (key->mark.v || key->mark.m)
		mnl_attr_put(nlh, XFRMA_MARK, sizeof(key->mark), &key->mark);
	return nlh;
}

int xfrm_sa_del(struct xfrm_handle *h, const struct xfrm_sa_key *key)
{
	int ret = check_family(h, key->family);

	if (ret)
		return ret;
	return nlconn_request(h->nl, put_sa_id(h, XFRM_MSG_DELSA, key), NULL,
			      NULL);
}

static int sa_stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_usersa_info p_hdr;
	const struct xfrm_usersa_info *p = &p_hdr;
	struct xfrm_sa_stats *st = arg;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    xfrm_parse_attrs(nlh, sizeof(*p), tb))
		return MNL_CB_ERROR;
	/* a copy: the kernel aligns messages to 4 bytes, these need 8 */
	memcpy(&p_hdr, mnl_nlmsg_get_payload(nlh), sizeof(p_hdr));
	memset(st, 0, sizeof(*st));
	st->reqid = p->reqid;
	st->bytes = p->curlft.bytes;
	st->packets = p->curlft.packets;
	st->add_time = p->curlft.add_time;
	st->use_time = p->curlft.use_time;
	st->replay_window = p->stats.replay_window;
	st->replay = p->stats.replay;
	st->integrity_failed = p->stats.integrity_failed;
	if (tb[XFRMA_IF_ID] && mnl_attr_get_payload_len(tb[XFRMA_IF_ID]) >= 4)
		st->if_id = mnl_attr_get_u32(tb[XFRMA_IF_ID]);
	if (tb[XFRMA_REPLAY_ESN_VAL] &&
	    mnl_attr_get_payload_len(tb[XFRMA_REPLAY_ESN_VAL]) >=
		    sizeof(struct xfrm_replay_state_esn)) {
		const struct xfrm_replay_state_esn *rs =
			mnl_attr_get_payload(tb[XFRMA_REPLAY_ESN_VAL]);

		st->oseq = (uint64_t)rs->oseq_hi << 32 | rs->oseq;
		st->seq = (uint64_t)rs->seq_hi << 32 | rs->seq;
	} else if (tb[XFRMA_REPLAY_VAL] &&
		   mnl_attr_get_payload_len(tb[XFRMA_REPLAY_VAL]) >=
			   sizeof(struct xfrm_replay_state)) {
		const struct xfrm_replay_state *rs =
			mnl_attr_get_payload(tb[XFRMA_REPLAY_VAL]);

		st->oseq = rs->oseq;
		st->seq = rs->seq;
	}
	return MNL_CB_OK;
}

int xfrm_sa_get(struct xfrm_handle *h, const struct xfrm_sa_key *key,
		struct xfrm_sa_stats *st)
{
	int ret = check_family(h, key->family);

	if (ret)
		return ret;
	memset(st, 0, sizeof(*st));
	return nlconn_request(h->nl, put_sa_id(h, XFRM_MSG_GETSA, key),
			      sa_stats_cb, st);
}

/* ---- policies ---------------------------------------------------------- */

int xfrm_policy_add(struct xfrm_handle *h, const struct xfrm_pol *pol,
		    bool update)
{
	char err[NLCONN_ERRMSG_LEN];
	void *buf = nlconn_msgbuf(h->nl);
	int ret;

	ret = check_reqid(h, pol->reqid);
	if (ret)
		return ret;
	ret = xfrm_build_policy(buf, NLCONN_MSG_MAX, pol, update, err,
				sizeof(err));
	if (ret < 0)
		return nlconn_set_error(h->nl, -ret, "%s", err);
	return nlconn_request(h->nl, buf, NULL, NULL);
}

/* DELPOLICY by selector (index 0) or by index (from a dump). */
static struct nlmsghdr *put_policy_id(struct xfrm_handle *h,
				      const struct xfrm_selector *sel,
				      uint32_t index, uint8_t dir,
				      const struct xfrm_mark *mark,
				      uint32_t if_id)
{
	struct xfrm_userpolicy_id *id;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(nlconn_msgbuf(h->nl));
	nlh->nlmsg_type = XFRM_MSG_DELPOLICY;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	if (sel)
		id->sel = *sel;
	id->index = index;
	id->dir = dir;
	if (mark->v || mark->m)
		mnl_attr_put(nlh, XFRMA_MARK, sizeof(*mark), mark);
	if (if_id)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, if_id);
	return nlh;
}

int xfrm_policy_del(struct xfrm_handle *h, const struct xfrm_pol *pol)
{
	char err[NLCONN_ERRMSG_LEN];
	struct xfrm_selector sel;
	int ret;

	/* Same checks and masking as the add, so the kernel finds the same key. */
	ret = xfrm_check_dir(pol->dir, err, sizeof(err));
	if (!ret)
		ret = xfrm_build_selector(&sel, &pol->sel, err, sizeof(err));
	if (ret < 0)
		return nlconn_set_error(h->nl, -ret, "%s", err);
	return nlconn_request(h->nl,
			      put_policy_id(h, &sel, 0, pol->dir, &pol->mark,
					    pol->if_id),
			      NULL, NULL);
}

/* ---- sockets --------------------------------------------------------- */

int xfrm_socket_bypass(int fd, int family)
{
	struct xfrm_userpolicy_info pol;
	int level = family == AF_INET ? SOL_IP : SOL_IPV6;
	int opt = family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;
	int dir;

	for (dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		memset(&pol, 0, sizeof(pol));
		pol.action = XFRM_POLICY_ALLOW;
		pol.sel.family = family;
		pol.dir = dir;
		if (setsockopt(fd, level, opt, &pol, sizeof(pol)))
			return -errno;
	}
	return 0;
}

/* ---- flush of ours ------------------------------------------------------ */

/* What a dump found that must go; deleted after the dump ends. */
struct victim {
	bool is_policy;
	struct xfrm_sa_key sa;
	struct xfrm_selector sel;
	uint32_t index;
	uint8_t dir;
	uint32_t if_id;
	struct xfrm_mark mark;
};

struct victims {
	struct xfrm_handle *h;
	struct victim *v;
	size_t n, cap;
	bool oom;
};

static struct victim *victim_new(struct victims *vs)
{
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? 2 * vs->cap : 256;
		struct victim *v = realloc(vs->v, cap * sizeof(*v));

		if (!v) {
			vs->oom = true;
			return NULL;
		}
		vs->v = v;
		vs->cap = cap;
	}
	memset(&vs->v[vs->n], 0, sizeof(vs->v[0]));
	return &vs->v[vs->n++];
}

static void get_mark_if_id(const struct nlattr **tb, struct xfrm_mark *mark,
			   uint32_t *if_id)
{
	if (tb[XFRMA_MARK] &&
	    mnl_attr_get_payload_len(tb[XFRMA_MARK]) >= sizeof(*mark))
		memcpy(mark, mnl_attr_get_payload(tb[XFRMA_MARK]), sizeof(*mark));
	if (tb[XFRMA_IF_ID] && mnl_attr_get_payload_len(tb[XFRMA_IF_ID]) >= 4)
		*if_id = mnl_attr_get_u32(tb[XFRMA_IF_ID]);
}

static int sa_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_usersa_info p_hdr;
	const struct xfrm_usersa_info *p = &p_hdr;
	struct victims *vs = arg;
	struct victim *v;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    xfrm_parse_attrs(nlh, sizeof(*p), tb))
		return MNL_CB_OK;
	/* a copy: the kernel aligns messages to 4 bytes, these need 8 */
	memcpy(&p_hdr, mnl_nlmsg_get_payload(nlh), sizeof(p_hdr));
	if (!xfrm_reqid_is_ours(vs->h, p->reqid))
		return MNL_CB_OK;
	v = victim_new(vs);
	if (!v)
		return MNL_CB_OK;
	v->sa.family = p->family;
	v->sa.dst = p->id.daddr;
	v->sa.spi = ntohl(p->id.spi);
	v->sa.proto = p->id.proto;
	get_mark_if_id(tb, &v->sa.mark, &v->if_id);
	return MNL_CB_OK;
}

/* A policy is ours if any of its templates carries one of our reqids. */
static bool policy_is_ours(struct xfrm_handle *h, const struct nlattr *tmpl)
{
	const struct xfrm_user_tmpl *t;
	size_t i, n;

	if (!tmpl)
		return false;
	t = mnl_attr_get_payload(tmpl);
	n = mnl_attr_get_payload_len(tmpl) / sizeof(*t);
	for (i = 0; i < n; i++)
		if (xfrm_reqid_is_ours(h, t[i].reqid))
			return true;
	return false;
}

static int policy_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_userpolicy_info p_hdr;
	const struct xfrm_userpolicy_info *p = &p_hdr;
	struct victims *vs = arg;
	struct victim *v;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY ||
	    xfrm_parse_attrs(nlh, sizeof(*p), tb))
		return MNL_CB_OK;
	/* a copy: the kernel aligns messages to 4 bytes, these need 8 */
	memcpy(&p_hdr, mnl_nlmsg_get_payload(nlh), sizeof(p_hdr));
	if (!policy_is_ours(vs->h, tb[XFRMA_TMPL]))
		return MNL_CB_OK;
	/* Only main-type policies are ever installed by us. */
	if (tb[XFRMA_POLICY_TYPE] &&
	    mnl_attr_get_payload_len(tb[XFRMA_POLICY_TYPE]) >=
		    sizeof(struct xfrm_userpolicy_type) &&
	    ((const struct xfrm_userpolicy_type *)
		     mnl_attr_get_payload(tb[XFRMA_POLICY_TYPE]))->type !=
		    XFRM_POLICY_TYPE_MAIN)
		return MNL_CB_OK;
	v = victim_new(vs);
	if (!v)
		return MNL_CB_OK;
	v->is_policy = true;
	v->sel = p->sel;
	v->index = p->index;
	v->dir = p->dir;
	get_mark_if_id(tb, &v->mark, &v->if_id);
	return MNL_CB_OK;
}

/* An inconsistent dump (-EINTR: the table changed meanwhile) is read again. */
#define DUMP_TRIES 4

static int dump_ours(struct xfrm_handle *h, uint16_t type, nlconn_msg_cb cb,
		     struct victims *vs)
{
	int ret, tries = 0;

	do {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlconn_msgbuf(h->nl));

		vs->n = 0;
		nlh->nlmsg_type = type;
		/* GETSA/GETPOLICY dumps take no fixed header (filters are optional). */
		ret = nlconn_dump(h->nl, nlh, cb, vs);
	} while (ret == -EINTR && ++tries < DUMP_TRIES);
	return ret;
}

/* Delete the victims in one batch; ESRCH (gone meanwhile) is not an error. */
struct flush_count {
	unsigned int ok, failed;
	int first_err;
};

static void flush_cb(void *arg, unsigned int index, int err, const char *msg)
{
	struct flush_count *fc = arg;

	(void)index;
	(void)msg;
	if (!err)
		fc->ok++;
	else if (err != -ESRCH && err != -ENOENT && !fc->failed++)
		fc->first_err = err;
}

static int delete_victims(struct xfrm_handle *h, struct victims *vs,
			  unsigned int *deleted)
{
	struct flush_count fc = { 0 };
	size_t i;
	int ret;

	ret = nlconn_batch_begin(h->nl, flush_cb, &fc);
	if (ret)
		return ret;
	for (i = 0; i < vs->n; i++) {
		struct victim *v = &vs->v[i];
		struct nlmsghdr *nlh;

		if (v->is_policy)
			nlh = put_policy_id(h, NULL, v->index, v->dir, &v->mark,
					    v->if_id);
		else
			nlh = put_sa_id(h, XFRM_MSG_DELSA, &v->sa);
		ret = nlconn_request(h->nl, nlh, NULL, NULL);
		if (ret)
			break;
	}
	if (nlconn_batch_end(h->nl) < 0 && !ret)
		ret = -EIO;
	*deleted = fc.ok;
	if (ret)
		return ret;
	if (fc.failed)
		return nlconn_set_error(h->nl, -fc.first_err,
					"%u deletions failed: %s", fc.failed,
					strerror(-fc.first_err));
	return 0;
}

int xfrm_flush_ours(struct xfrm_handle *h, struct xfrm_flush_result *res)
{
	struct victims vs = { .h = h };
	struct xfrm_flush_result r = { 0 };
	int ret;

	if (nlconn_in_batch(h->nl))
		return nlconn_set_error(h->nl, EBUSY, "flush not allowed in a batch");
	/* Policies first, so no packet triggers an ACQUIRE for a missing SA. */
	ret = dump_ours(h, XFRM_MSG_GETPOLICY, policy_dump_cb, &vs);
	if (!ret && vs.oom)
		ret = nlconn_set_error(h->nl, ENOMEM, "out of memory");
	if (!ret)
		ret = delete_victims(h, &vs, &r.policies);
	if (!ret)
		ret = dump_ours(h, XFRM_MSG_GETSA, sa_dump_cb, &vs);
	if (!ret && vs.oom)
		ret = nlconn_set_error(h->nl, ENOMEM, "out of memory");
	if (!ret)
		ret = delete_victims(h, &vs, &r.sas);
	free(vs.v);
	if (res)
		*res = r;
	return ret;
}
