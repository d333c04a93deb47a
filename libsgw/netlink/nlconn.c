// SPDX-License-Identifier: GPL-2.0
/*
 * nlconn: a reusable netlink request socket with ack/extack handling,
 * dumps and batching. See nlconn.h.
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

#define NLCONN_RXBUF 65536
#define NLCONN_BATCH_MAX 65536
/*
 * Requests per sendmsg() in a batch: each ack costs the receive buffer an
 * skb (~1 KiB of truesize), so bound them well below NLCONN_RCVBUF.
 */
#define NLCONN_BATCH_MSGS 256
#define NLCONN_RCVBUF (2 * 1024 * 1024)

struct nlconn {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char errmsg[NLCONN_ERRMSG_LEN];
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
	uint8_t msg[NLCONN_MSG_MAX];
	uint8_t rx[NLCONN_RXBUF];
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
 * Room for many acks and events: FORCE works as root (ikud), the plain
 * option up to net.core.rmem_max otherwise.
 */
static void set_rcvbuf(int fd)
{
	int size = NLCONN_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

struct nlconn *nlconn_open(int protocol, int netns_fd,
			   const unsigned int *groups, unsigned int ngroups)
{
	struct nlconn *c;
	int one = 1, saved;
	unsigned int i;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->nl = open_in_netns(protocol, netns_fd);
	if (!c->nl)
		goto fail;
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* Both options exist since 4.12; failure only costs error detail. */
	mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(c->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	set_rcvbuf(mnl_socket_get_fd(c->nl));
	for (i = 0; i < ngroups; i++) {
		unsigned int g = groups[i];

		if (mnl_socket_setsockopt(c->nl, NETLINK_ADD_MEMBERSHIP, &g,
					  sizeof(g)) < 0)
			goto fail;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	return c;
fail:
	saved = errno;
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c);
	errno = saved;
	return NULL;
}

void nlconn_close(struct nlconn *c)
{
	if (!c)
		return;
	mnl_socket_close(c->nl);
	free(c);
}

int nlconn_fd(const struct nlconn *c)
{
	return mnl_socket_get_fd(c->nl);
}

int nlconn_set_nonblock(struct nlconn *c)
{
	int fd = nlconn_fd(c);
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
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

const char *nlconn_errmsg(const struct nlconn *c)
{
	return c->errmsg;
}

int nlconn_set_error(struct nlconn *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
}

/*
 * Decode an NLMSG_ERROR: returns its error (0 for an ack) and copies the
 * extack message, if any, into @msg.
 */
static int parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off;

	msg[0] = '\0';
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	off = mnl_nlmsg_size(sizeof(*e));
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += MNL_ALIGN(e->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	if (off > nlh->nlmsg_len)
		return e->error;
	mnl_attr_for_each_payload((const void *)((const char *)nlh + off), nlh->nlmsg_len - off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(msg, msglen, "%s", mnl_attr_get_str(attr));
	}
	return e->error;
}

/*
 * A dump ends with NLMSG_DONE whose payload is the dump's error code (a
 * failure met after the first message, or a rejected dump request) and,
 * with NLM_F_ACK_TLVS, the extack attributes right after it.
 */
static int parse_done(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	size_t off = mnl_nlmsg_size(sizeof(int));
	const struct nlattr *attr;
	int err;

	msg[0] = '\0';
	if (nlh->nlmsg_len < off)
		return 0;	/* old kernels: no error code */
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each_payload((const void *)((const char *)nlh + off),
					  nlh->nlmsg_len - off) {
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
				snprintf(msg, msglen, "%s", mnl_attr_get_str(attr));
		}
	}
	return err;
}

static void set_kernel_error(struct nlconn *c, int err, const char *ext)
{
	if (ext[0])
		snprintf(c->errmsg, sizeof(c->errmsg), "%s", ext);
	else
		snprintf(c->errmsg, sizeof(c->errmsg), "%s", strerror(-err));
	errno = -err;
}

static int send_all(struct nlconn *c, const void *buf, size_t len)
{
	ssize_t n = mnl_socket_sendto(c->nl, buf, len);

	if (n < 0)
		return nlconn_set_error(c, errno, "netlink send: %s",
					strerror(errno));
	if ((size_t)n != len)
		return nlconn_set_error(c, EIO, "netlink send: short write");
	return 0;
}

/* Answers (GETSA replies, SA dumps) may hold keys: wipe what was read. */
static void wipe_rx(struct nlconn *c, ssize_t n)
{
	if (n > 0)
		explicit_bzero(c->rx, (size_t)n);
}

static ssize_t recv_some(struct nlconn *c)
{
	ssize_t n;

	do {
		n = mnl_socket_recvfrom(c->nl, c->rx, sizeof(c->rx));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return nlconn_set_error(c, errno, "netlink receive: %s",
					strerror(errno));
	return n;
}

/* ---- single requests --------------------------------------------------- */

static int batch_queue(struct nlconn *c, const struct nlmsghdr *nlh);

/*
 * Handle the messages of one read that answer @seq. Sets *@done when the
 * final ack (request) or NLMSG_DONE (dump) was seen, and returns its error.
 * Messages of other sequence numbers are answers to older requests whose
 * caller gave up: skipped.
 */
static int handle_answers(struct nlconn *c, int len, uint32_t seq, bool dump,
			  nlconn_dump_cb cb, void *arg, bool *done)
{
	char ext[NLCONN_ERRMSG_LEN];
	const struct nlmsghdr *r;
	int ret = 0, err;

	for (r = (const struct nlmsghdr *)c->rx; mnl_nlmsg_ok(r, len);
	     r = mnl_nlmsg_next(r, &len)) {
		if (r->nlmsg_seq != seq || r->nlmsg_pid != c->portid)
			continue;
		if (r->nlmsg_type == NLMSG_DONE && dump) {
			*done = true;
			err = parse_done(r, ext, sizeof(ext));
			if (err) {
				set_kernel_error(c, err, ext);
				return err;
			}
			return ret;
		}
		if (r->nlmsg_type == NLMSG_ERROR) {
			err = parse_error(r, ext, sizeof(ext));
			if (err)
				set_kernel_error(c, err, ext);
			if (err || !dump) {
				*done = true;
				return err ? err : ret;
			}
			continue;
		}
		/* After a callback failure, keep reading to the end. */
		if (!ret && cb && cb(r, arg) < 0)
			ret = nlconn_set_error(c, EBADMSG, "malformed %s",
					       dump ? "dump message" : "reply");
	}
	return ret;
}

static int transact(struct nlconn *c, struct nlmsghdr *nlh, bool dump,
		    nlconn_dump_cb cb, void *arg)
{
	bool done = false;
	uint32_t seq;
	int ret, first = 0;

	seq = nlh->nlmsg_seq = ++c->seq;
	ret = send_all(c, nlh, nlh->nlmsg_len);
	if (ret)
		return ret;
	while (!done) {
		ssize_t n = recv_some(c);

		if (n < 0)
			return (int)n;
		ret = handle_answers(c, (int)n, seq, dump, cb, arg, &done);
		wipe_rx(c, n);
		if (ret && !first)
			first = ret;
	}
	return first;
}

int nlconn_request(struct nlconn *c, struct nlmsghdr *nlh,
		   nlconn_dump_cb reply_cb, void *arg)
{
	c->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (c->batching && !reply_cb)
		return batch_queue(c, nlh);
	if (c->batching)
		return nlconn_set_error(c, EBUSY,
					"request needs a reply: not allowed in a batch");
	return transact(c, nlh, false, reply_cb, arg);
}

int nlconn_dump(struct nlconn *c, struct nlmsghdr *nlh, nlconn_dump_cb cb,
		void *arg)
{
	if (c->batching)
		return nlconn_set_error(c, EBUSY, "dump not allowed in a batch");
	c->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	return transact(c, nlh, true, cb, arg);
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

/* Send the queued bytes and collect the acks of every request sent so far. */
static int batch_flush(struct nlconn *c)
{
	char ext[NLCONN_ERRMSG_LEN];
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
		const struct nlmsghdr *r;
		int len;

		if (n < 0)
			return (int)n;
		len = (int)n;
		for (r = (const struct nlmsghdr *)c->rx; mnl_nlmsg_ok(r, len);
		     r = mnl_nlmsg_next(r, &len)) {
			uint32_t off = r->nlmsg_seq - c->batch_unacked_from;
			uint32_t pending = c->batch_next_seq - c->batch_unacked_from;

			if (r->nlmsg_type != NLMSG_ERROR || r->nlmsg_pid != c->portid ||
			    off >= pending)
				continue;
			ret = parse_error(r, ext, sizeof(ext));
			if (ret) {
				c->batch_failed++;
				set_kernel_error(c, ret, ext);
			}
			if (c->batch_cb)
				c->batch_cb(c->batch_arg,
					    r->nlmsg_seq - c->batch_first_seq, ret,
					    ret ? c->errmsg : "");
			/* Acks come in order: everything before is answered. */
			c->batch_unacked_from = r->nlmsg_seq + 1;
		}
		wipe_rx(c, n);
	}
	return 0;
}

static int batch_queue(struct nlconn *c, const struct nlmsghdr *nlh)
{
	size_t len = MNL_ALIGN(nlh->nlmsg_len);
	int ret;

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
