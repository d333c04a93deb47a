// SPDX-License-Identifier: GPL-2.0
/*
 * nlconn: the netlink transport of libsgw: requests with ack and extended
 * ack, dumps, event reads and batches on one reusable socket. See nlconn.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>

#include "netlink/nlconn.h"

/* Dumps come in skbs of up to 32 KiB; events about big lists may be larger. */
#define NLCONN_RXBUF (256 * 1024)
#define NLCONN_BATCH_MAX 65536
/*
 * Requests per sendmsg() in a batch: each ack costs the receive buffer an
 * skb (~1 KiB of truesize), so bound them well below NLCONN_RCVBUF.
 */
#define NLCONN_BATCH_MSGS 256
#define NLCONN_RCVBUF (2 * 1024 * 1024)
/* Large prefix lists travel in one message: let the socket send them. */
#define NLCONN_SNDBUF (4 * 1024 * 1024)

struct nlconn {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	struct nlconn_err err;
	/* batch state */
	bool batching;
	size_t batch_len;		/* bytes queued, not yet sent */
	uint32_t batch_first_seq;	/* seq of request #0 */
	uint32_t batch_next_seq;	/* seq of the next request to queue */
	uint32_t batch_unacked_from;	/* first seq whose ack is pending */
	unsigned int batch_msgs;	/* messages queued, not yet sent */
	unsigned int batch_failed;
	nlconn_batch_cb batch_cb;
	void *batch_arg;
	uint8_t *rx;			/* NLCONN_RXBUF */
	uint8_t msg[NLCONN_MSG_MAX];
	uint8_t batch[NLCONN_BATCH_MAX];
};

/* Create the socket inside @netns_fd's namespace, then come back. */
static struct mnl_socket *open_in_netns(int protocol, int netns_fd)
{
	struct mnl_socket *nl;
	int self, saved;

	if (netns_fd < 0)
		return mnl_socket_open(protocol);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return NULL;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		saved = errno;
		close(self);
		errno = saved;
		return NULL;
	}
	nl = mnl_socket_open(protocol);
	saved = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		/* Cannot happen for a namespace we were in; refuse to go on. */
		saved = errno;
		if (nl)
			mnl_socket_close(nl);
		nl = NULL;
	}
	close(self);
	errno = saved;
	return nl;
}

/*
 * Room for many acks and events, and for requests of thousands of
 * attributes: FORCE works with CAP_NET_ADMIN (ikud), the plain options up
 * to net.core.{r,w}mem_max otherwise.
 */
static void set_buffers(int fd)
{
	int rcv = NLCONN_RCVBUF, snd = NLCONN_SNDBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
}

struct nlconn *nlconn_open(int protocol, int netns_fd,
			   const unsigned int *groups, unsigned int ngroups)
{
	struct nlconn *c;
	int one = 1, saved;
	unsigned int i;

	c = calloc(1, sizeof(*c));
	if (!c || !(c->rx = malloc(NLCONN_RXBUF)))
		goto fail;
	c->nl = open_in_netns(protocol, netns_fd);
	if (!c->nl)
		goto fail;
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* Errors carry the kernel's message and the offset of the attribute
	 * at fault, not a copy of our (possibly large) request. Both options
	 * exist since 4.12; failure only costs error detail. */
	mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(c->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	set_buffers(mnl_socket_get_fd(c->nl));
	for (i = 0; i < ngroups; i++)
		if (nlconn_join(c, groups[i]) < 0)
			goto fail;
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	return c;
fail:
	saved = errno;
	nlconn_close(c);
	errno = saved;
	return NULL;
}

void nlconn_close(struct nlconn *c)
{
	if (!c)
		return;
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c->rx);
	free(c);
}

int nlconn_fd(const struct nlconn *c)
{
	return mnl_socket_get_fd(c->nl);
}

uint32_t nlconn_portid(const struct nlconn *c)
{
	return c->portid;
}

int nlconn_set_nonblock(struct nlconn *c)
{
	int fd = nlconn_fd(c);
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int nlconn_join(struct nlconn *c, unsigned int group)
{
	if (mnl_socket_setsockopt(c->nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return nlconn_set_error(c, errno, "joining multicast group %u: %s", group,
					strerror(errno));
	return 0;
}

void *nlconn_msgbuf(struct nlconn *c)
{
	/* mnl_nlmsg_put_header() and mnl_attr_put() zero what they use. */
	return c->msg;
}

bool nlconn_in_batch(const struct nlconn *c)
{
	return c->batching;
}

const struct nlconn_err *nlconn_error(const struct nlconn *c)
{
	return &c->err;
}

const char *nlconn_errmsg(const struct nlconn *c)
{
	return c->err.msg;
}

int nlconn_set_error(struct nlconn *c, int err, const char *fmt, ...)
{
	va_list ap;

	nlconn_err_clear(&c->err);
	c->err.code = -err;
	va_start(ap, fmt);
	vsnprintf(c->err.msg, sizeof(c->err.msg), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
}

/* ---- errors ------------------------------------------------------------ */

void nlconn_err_clear(struct nlconn_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

void nlconn_err_set(struct nlconn_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	nlconn_err_clear(err);
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static int policy_cb(const struct nlattr *attr, void *data)
{
	struct nlconn_err *err = data;
	uint64_t v;

	if (mnl_attr_get_payload_len(attr) < sizeof(v))
		return MNL_CB_OK;
	v = mnl_attr_get_u64(attr);
	switch (mnl_attr_get_type(attr)) {
	case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
	case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
		err->range_min = (int64_t)v;
		err->has_range = true;
		break;
	case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
		err->range_max = (int64_t)v;
		err->has_range = true;
		break;
	case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
		err->range_max = v > INT64_MAX ? INT64_MAX : (int64_t)v;
		err->has_range = true;
		break;
	}
	return MNL_CB_OK;
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct nlconn_err *err = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(err->msg, sizeof(err->msg), "%s", mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			err->has_offset = true;
			err->offset = mnl_attr_get_u32(attr);
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			err->missing = true;
			err->missing_type = (uint16_t)mnl_attr_get_u32(attr);
		}
		break;
	case NLMSGERR_ATTR_MISS_NEST:
		/* where the missing attribute should have been */
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0 && !err->has_offset) {
			err->has_offset = true;
			err->offset = mnl_attr_get_u32(attr);
		}
		break;
	case NLMSGERR_ATTR_POLICY:
		mnl_attr_parse_nested(attr, policy_cb, err);
		break;
	}
	return MNL_CB_OK;
}

/* The status and the extended-ack attributes that follow hlen bytes. */
static void decode_status(const struct nlmsghdr *nlh, int code, size_t hlen,
			  struct nlconn_err *err)
{
	nlconn_err_clear(err);
	err->code = code;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < NLMSG_HDRLEN + hlen)
		return;
	mnl_attr_parse(nlh, (unsigned int)hlen, extack_cb, err);
}

/*
 * An NLMSG_ERROR is an nlmsgerr, then (unless NLM_F_CAPPED) the rest of the
 * request, then the extack attributes. A dump ends with NLMSG_DONE whose
 * payload is the dump's error code (a failure met after the first message,
 * or a rejected dump request), then the attributes.
 */
void nlconn_err_decode(const struct nlmsghdr *nlh, struct nlconn_err *err)
{
	if (nlh->nlmsg_type == NLMSG_DONE) {
		int code = 0;

		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
			memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(int));
		decode_status(nlh, code < 0 ? code : 0, sizeof(int), err);
		return;
	}
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nlmsgerr)) {
		nlconn_err_set(err, -EBADMSG, "truncated netlink error message");
		return;
	}
	{
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
		size_t hlen = sizeof(*e);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			hlen += MNL_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
		decode_status(nlh, e->error, hlen, err);
	}
}

static void locate_attr(const char *base, const struct nlattr *first, size_t len,
			uint32_t off, struct nlconn_err *err)
{
	const struct nlattr *a;
	int rem = (int)len;

	for (a = first; mnl_attr_ok(a, rem); a = mnl_attr_next(a)) {
		uint32_t start = (uint32_t)((const char *)a - base);
		uint32_t end = start + a->nla_len;
		struct nlconn_attr_ref *ref;
		const struct nlattr *b;
		uint32_t index = 0;

		rem -= MNL_ALIGN(a->nla_len);
		if (off < start || off >= end)
			continue;
		if (err->depth == NLCONN_PATH_MAX)
			return;
		for (b = first; b != a; b = mnl_attr_next(b))
			if (mnl_attr_get_type(b) == mnl_attr_get_type(a))
				index++;
		ref = &err->path[err->depth++];
		ref->type = mnl_attr_get_type(a);
		ref->index = index;
		if (off > start && (a->nla_type & NLA_F_NESTED))
			locate_attr(base, mnl_attr_get_payload(a),
				    mnl_attr_get_payload_len(a), off, err);
		return;
	}
}

void nlconn_err_locate(struct nlconn_err *err, const struct nlmsghdr *req,
		       size_t hdrlen)
{
	size_t hdr = NLMSG_HDRLEN + hdrlen;

	err->depth = 0;
	if (!err->has_offset || !req || err->offset < hdr || err->offset >= req->nlmsg_len)
		return;
	locate_attr((const char *)req, (const struct nlattr *)((const char *)req + hdr),
		    req->nlmsg_len - hdr, err->offset, err);
}

/* The kernel's error: its message, or strerror when it gave none. */
static int kernel_error(struct nlconn *c, const struct nlmsghdr *nlh)
{
	nlconn_err_decode(nlh, &c->err);
	if (c->err.code && !c->err.msg[0])
		snprintf(c->err.msg, sizeof(c->err.msg), "%s", strerror(-c->err.code));
	if (c->err.code)
		errno = -c->err.code;
	return c->err.code;
}

static int send_all(struct nlconn *c, const void *buf, size_t len)
{
	ssize_t n = mnl_socket_sendto(c->nl, buf, len);

	if (n < 0)
		return nlconn_set_error(c, errno, "netlink send: %s", strerror(errno));
	if ((size_t)n != len)
		return nlconn_set_error(c, EIO, "netlink send: short write");
	return 0;
}

/* Answers (GETSA replies, SA dumps, expire events) may hold keys: wipe
 * what was read. */
static void wipe_rx(struct nlconn *c, ssize_t n)
{
	if (n > 0)
		explicit_bzero(c->rx, (size_t)n);
}

/* One read; a signal does not end it, an overflow is an error like any. */
static ssize_t recv_some(struct nlconn *c)
{
	ssize_t n;

	do {
		n = mnl_socket_recvfrom(c->nl, c->rx, NLCONN_RXBUF);
	} while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return -EAGAIN;
	if (errno == ENOBUFS)
		return nlconn_set_error(c, ENOBUFS,
					"netlink messages lost: the receive buffer overflowed");
	return nlconn_set_error(c, errno, "netlink receive: %s", strerror(errno));
}

/* ---- requests and dumps -------------------------------------------------- */

static int batch_queue(struct nlconn *c, const struct nlmsghdr *nlh);

struct transaction {
	uint32_t seq;
	bool dump;
	nlconn_msg_cb cb;
	void *arg;
	bool done;		/* the ack or NLMSG_DONE was seen */
	bool interrupted;	/* a dump message carried NLM_F_DUMP_INTR */
	bool cb_failed;
};

/*
 * Handle the messages of one read that answer t->seq. Messages of other
 * sequence numbers answer older requests whose caller gave up: skipped.
 */
static void handle_answers(struct nlconn *c, int len, struct transaction *t)
{
	const struct nlmsghdr *r;

	for (r = (const struct nlmsghdr *)c->rx; nlconn_msg_ok(r, len) && !t->done;
	     r = mnl_nlmsg_next(r, &len)) {
		if (r->nlmsg_seq != t->seq || r->nlmsg_pid != c->portid)
			continue;
		if (r->nlmsg_type == NLMSG_DONE || r->nlmsg_type == NLMSG_ERROR) {
			/* a dump's messages may be followed by an ack: only an
			 * error or NLMSG_DONE ends it */
			if (t->dump && r->nlmsg_type == NLMSG_ERROR &&
			    mnl_nlmsg_get_payload_len(r) >= sizeof(int) &&
			    *(const int *)mnl_nlmsg_get_payload(r) == 0)
				continue;
			t->done = true;
			kernel_error(c, r);
			continue;
		}
		if (r->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (r->nlmsg_flags & NLM_F_DUMP_INTR)
			t->interrupted = true;
		/* After a callback failure, keep reading to the end. */
		if (t->cb && !t->cb_failed && t->cb(r, t->arg) < MNL_CB_OK)
			t->cb_failed = true;
	}
}

static int transact(struct nlconn *c, struct nlmsghdr *nlh, struct transaction *t)
{
	int ret;

	t->seq = nlh->nlmsg_seq = ++c->seq;
	nlconn_err_clear(&c->err);
	ret = send_all(c, nlh, nlh->nlmsg_len);
	while (!ret && !t->done) {
		ssize_t n = recv_some(c);

		if (n < 0)
			return (int)n;
		handle_answers(c, (int)n, t);
		wipe_rx(c, n);
	}
	if (ret || c->err.code)
		return ret ? ret : c->err.code;
	if (t->interrupted)
		return nlconn_set_error(c, EINTR,
					"the table changed during the dump; try again");
	if (t->cb_failed)
		return nlconn_set_error(c, EBADMSG, "malformed %s from the kernel",
					t->dump ? "dump message" : "reply");
	return 0;
}

int nlconn_request(struct nlconn *c, struct nlmsghdr *nlh,
		   nlconn_msg_cb reply_cb, void *arg)
{
	struct transaction t = { .cb = reply_cb, .arg = arg };

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (c->batching && !reply_cb) {
		nlconn_err_clear(&c->err);
		return batch_queue(c, nlh);
	}
	if (c->batching)
		return nlconn_set_error(c, EBUSY,
					"request needs a reply: not allowed in a batch");
	return transact(c, nlh, &t);
}

int nlconn_dump(struct nlconn *c, struct nlmsghdr *nlh, nlconn_msg_cb cb,
		void *arg)
{
	struct transaction t = { .dump = true, .cb = cb, .arg = arg };

	if (c->batching)
		return nlconn_set_error(c, EBUSY, "dump not allowed in a batch");
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	return transact(c, nlh, &t);
}

int nlconn_recv(struct nlconn *c, nlconn_msg_cb cb, void *arg)
{
	const struct nlmsghdr *nlh;
	ssize_t n = recv_some(c);
	int len, count = 0;

	if (n < 0)
		return (int)n;
	len = (int)n;
	for (nlh = (const struct nlmsghdr *)c->rx; nlconn_msg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		count++;
		if (cb(nlh, arg) == MNL_CB_STOP)
			break;
	}
	wipe_rx(c, n);
	return count;
}

/* ---- batches ----------------------------------------------------------- */

int nlconn_batch_begin(struct nlconn *c, nlconn_batch_cb cb, void *arg)
{
	if (c->batching)
		return nlconn_set_error(c, EBUSY, "batch already open");
	c->batching = true;
	c->batch_len = 0;
	c->batch_msgs = 0;
	c->batch_first_seq = c->batch_next_seq = c->batch_unacked_from = c->seq + 1;
	c->batch_failed = 0;
	c->batch_cb = cb;
	c->batch_arg = arg;
	return 0;
}

/* The acks of one read: each answers one queued request, in order. */
static void batch_acks(struct nlconn *c, int len)
{
	const struct nlmsghdr *r;

	for (r = (const struct nlmsghdr *)c->rx; nlconn_msg_ok(r, len);
	     r = mnl_nlmsg_next(r, &len)) {
		uint32_t off = r->nlmsg_seq - c->batch_unacked_from;
		uint32_t pending = c->batch_next_seq - c->batch_unacked_from;
		int ret;

		if (r->nlmsg_type != NLMSG_ERROR || r->nlmsg_pid != c->portid ||
		    off >= pending)
			continue;
		ret = kernel_error(c, r);
		if (ret)
			c->batch_failed++;
		if (c->batch_cb)
			c->batch_cb(c->batch_arg, r->nlmsg_seq - c->batch_first_seq, ret,
				    ret ? c->err.msg : "");
		/* Acks come in order: everything before is answered. */
		c->batch_unacked_from = r->nlmsg_seq + 1;
	}
}

/* Send the queued bytes and collect the acks of every request sent so far. */
static int batch_flush(struct nlconn *c)
{
	int ret;

	if (c->batch_len) {
		ret = send_all(c, c->batch, c->batch_len);
		/* Queued SA messages hold keys. */
		explicit_bzero(c->batch, c->batch_len);
		c->batch_len = 0;
		c->batch_msgs = 0;
		if (ret)
			return ret;
	}
	while (c->batch_unacked_from != c->batch_next_seq) {
		ssize_t n = recv_some(c);

		if (n < 0)
			return (int)n;
		batch_acks(c, (int)n);
		wipe_rx(c, n);
	}
	return 0;
}

static int batch_queue(struct nlconn *c, const struct nlmsghdr *nlh)
{
	size_t len = MNL_ALIGN(nlh->nlmsg_len);
	int ret;

	if (len > sizeof(c->batch))
		return nlconn_set_error(c, EMSGSIZE, "request too large for a batch");
	if (c->batch_len + len > sizeof(c->batch) ||
	    c->batch_msgs == NLCONN_BATCH_MSGS) {
		ret = batch_flush(c);
		if (ret)
			return ret;
	}
	memset(c->batch + c->batch_len, 0, len);
	memcpy(c->batch + c->batch_len, nlh, nlh->nlmsg_len);
	((struct nlmsghdr *)(c->batch + c->batch_len))->nlmsg_seq = c->batch_next_seq++;
	c->seq = c->batch_next_seq - 1;
	c->batch_len += len;
	c->batch_msgs++;
	return 0;
}

int nlconn_batch_end(struct nlconn *c)
{
	int ret;

	if (!c->batching)
		return nlconn_set_error(c, EINVAL, "no batch open");
	ret = batch_flush(c);
	c->batching = false;
	c->batch_cb = NULL;
	if (ret)
		return ret;
	return (int)c->batch_failed;
}
